//! counter: `{"key":"visits"}` (or any other input: key "count") ->
//! `{"greeting":"Hi","key":"visits","count":42}`.
//!
//! Adds 1 to the key in the key-value store "default" (wasi:keyvalue
//! atomics.increment) and reads the config value "greeting" (wasi:config,
//! "Hello" when it is not set). The function's config must grant the store:
//! `"keyvalue": ["default"]`, and may set `"config": {"greeting": "Hi"}`.
//! A refused or failed store or config gives `{"error":"access-denied"}`
//! (or `no-such-store`, `other: <message>`; `upstream: <message>`,
//! `io: <message>` from wasi:config), never a trap. Input parsing:
//! src/input.rs.

wit_bindgen::generate!({
    world: "faas-exec-kv",
    path: "../../../wit",
    generate_all,
});

mod input;

use input::strip_bom;
use serde::Serialize;
use wasi::config::store as config;
use wasi::keyvalue::{atomics, store};

const DEFAULT_GREETING: &str = "Hello";

#[derive(Serialize)]
struct Output<'a> {
    greeting: &'a str,
    key: &'a str,
    count: u64,
}

#[derive(Serialize)]
struct Failure<'a> {
    error: &'a str,
}

/// "no-such-store", "access-denied", "other: <message>".
fn store_error(error: store::Error) -> String {
    match error {
        store::Error::NoSuchStore => "no-such-store".to_owned(),
        store::Error::AccessDenied => "access-denied".to_owned(),
        store::Error::Other(message) => format!("other: {}", strip_bom(&message)),
    }
}

/// "upstream: <message>", "io: <message>".
fn config_error(error: config::Error) -> String {
    match error {
        config::Error::Upstream(message) => format!("upstream: {}", strip_bom(&message)),
        config::Error::Io(message) => format!("io: {}", strip_bom(&message)),
    }
}

/// The greeting and the key's new count.
fn count(key: &str) -> Result<(String, u64), String> {
    let bucket = store::open("default").map_err(store_error)?;
    let count = atomics::increment(&bucket, key, 1).map_err(store_error)?;
    let greeting = match config::get("greeting").map_err(config_error)? {
        Some(greeting) => strip_bom(&greeting).to_owned(),
        None => DEFAULT_GREETING.to_owned(),
    };
    Ok((greeting, count))
}

struct Counter;

impl Guest for Counter {
    fn exec(input: String) -> String {
        let key = input::key_of(&input);
        let output = match count(&key) {
            Ok((greeting, count)) => serde_json::to_string(&Output { greeting: &greeting, key: &key, count }),
            Err(error) => serde_json::to_string(&Failure { error: &error }),
        };
        // Serializing strings and a number cannot fail.
        output.unwrap_or_default()
    }
}

export!(Counter);
