//! hello: `{"name":"World"}` -> `{"result":"Hello World, how are you?"}`.
//! Prints `--- Test output ---` to stdout on every call, as the seed's does.

wit_bindgen::generate!({
    world: "faas-exec",
    path: "../../../wit",
    generate_all,
});

use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
struct Input {
    name: String,
}

struct Hello;

impl Guest for Hello {
    fn exec(input: String) -> String {
        println!("--- Test output ---");
        match serde_json::from_str::<Input>(&input) {
            Ok(Input { name }) => json!({ "result": format!("Hello {name}, how are you?") }),
            Err(error) => json!({ "error": error.to_string() }),
        }
        .to_string()
    }
}

export!(Hello);
