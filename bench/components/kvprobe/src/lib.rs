//! kvprobe, the key-value benchmark's function (bench/keyvalue.sh):
//! `{"op":"none"|"open"|"get"|"set"|"increment","key":"k","value":"..."}`
//! performs exactly one thing and answers a small JSON object:
//!  - none: nothing (`{"op":"none"}`): the baseline, same input parsing;
//!  - open: opens the store "default" only;
//!  - get: opens "default" and gets the key (`{"op":"get","found":true}`);
//!  - set: opens "default" and sets the key to `value` (default
//!    "0123456789abcdef"; the benchmark sends a new 16-byte value on every
//!    call, since a database may skip rewriting a value that did not change,
//!    as SQLite does);
//!  - increment: opens "default" and adds 1 to the key (`{"op":"increment","value":7}`).
//! The key defaults to "k". Any failure is `{"error":"..."}`, never a trap.
//! The function's config must grant the store: `"keyvalue": ["default"]`.
//! Nothing but the one operation may differ between the ops: no other host
//! call (the WASI adapter's first call, e.g. reading the clock, grows the
//! instance's memory by a page, which costs more than a get).

// faas-exec-kv (wit/faas-kv.wit); the probe reads no config, so its
// component imports only wasi:keyvalue's store and atomics.
wit_bindgen::generate!({
    world: "faas-exec-kv",
    path: "../../../wit",
    generate_all,
});

use serde::Deserialize;
use serde_json::json;
use wasi::keyvalue::{atomics, store};

#[derive(Deserialize)]
struct Input {
    op: String,
    #[serde(default = "default_key")]
    key: String,
    value: Option<String>,
}

fn default_key() -> String {
    "k".to_owned()
}

fn store_error(error: store::Error) -> String {
    match error {
        store::Error::NoSuchStore => "no-such-store".to_owned(),
        store::Error::AccessDenied => "access-denied".to_owned(),
        store::Error::Other(message) => format!("other: {message}"),
    }
}

fn probe(input: &Input) -> Result<serde_json::Value, String> {
    if input.op == "none" {
        return Ok(json!({ "op": "none" }));
    }
    let bucket = store::open("default").map_err(store_error)?;
    Ok(match input.op.as_str() {
        "open" => json!({ "op": "open" }),
        "get" => {
            let value = bucket.get(&input.key).map_err(store_error)?;
            json!({ "op": "get", "found": value.is_some() })
        }
        "set" => {
            let value = input.value.as_deref().unwrap_or("0123456789abcdef");
            bucket.set(&input.key, value.as_bytes()).map_err(store_error)?;
            json!({ "op": "set" })
        }
        "increment" => {
            let value = atomics::increment(&bucket, &input.key, 1).map_err(store_error)?;
            json!({ "op": "increment", "value": value })
        }
        other => return Err(format!("unknown op '{other}'")),
    })
}

struct KvProbe;

impl Guest for KvProbe {
    fn exec(input: String) -> String {
        match serde_json::from_str::<Input>(&input) {
            Ok(input) => probe(&input).unwrap_or_else(|error| json!({ "error": error })),
            Err(error) => json!({ "error": error.to_string() }),
        }
        .to_string()
    }
}

export!(KvProbe);
