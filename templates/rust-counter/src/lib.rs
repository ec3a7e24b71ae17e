//! __NAME__: a wasmfaas function keeping a counter (the faas-exec-kv world).
//!
//! `{"key":"visits"}` (or any other input: key "count") ->
//! `{"greeting":"Hi","key":"visits","count":42}`: adds 1 to the key in the
//! key-value store "default" (wasi:keyvalue) and reads the config value
//! "greeting" (wasi:config). Its config on the server must grant the store,
//! e.g. `{"keyvalue":["default"],"config":{"greeting":"Hi"}}`; without it
//! the answer is `{"error":"access-denied"}`.

wit_bindgen::generate!({
    world: "faas-exec-kv",
    path: "wit",
    generate_all,
});

use serde::Serialize;
use wasi::config::store as config;
use wasi::keyvalue::{atomics, store};

#[derive(Serialize)]
struct Output {
    greeting: String,
    key: String,
    count: u64,
}

fn store_error(error: store::Error) -> String {
    match error {
        store::Error::NoSuchStore => "no-such-store".to_string(),
        store::Error::AccessDenied => "access-denied".to_string(),
        store::Error::Other(message) => format!("other: {message}"),
    }
}

fn config_error(error: config::Error) -> String {
    match error {
        config::Error::Upstream(message) => format!("upstream: {message}"),
        config::Error::Io(message) => format!("io: {message}"),
    }
}

fn count(input: &str) -> Result<Output, String> {
    let key = serde_json::from_str::<serde_json::Value>(input)
        .ok()
        .and_then(|value| value.get("key")?.as_str().map(str::to_string))
        .filter(|key| !key.is_empty())
        .unwrap_or_else(|| "count".to_string());
    let bucket = store::open("default").map_err(store_error)?;
    let count = atomics::increment(&bucket, &key, 1).map_err(store_error)?;
    let greeting = config::get("greeting").map_err(config_error)?.unwrap_or_else(|| "Hello".to_string());
    Ok(Output { greeting, key, count })
}

struct Function;

impl Guest for Function {
    fn exec(input: String) -> String {
        match count(&input) {
            Ok(output) => serde_json::to_string(&output).unwrap_or_default(),
            Err(error) => serde_json::json!({ "error": error }).to_string(),
        }
    }
}

export!(Function);
