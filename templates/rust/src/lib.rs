//! __NAME__: a wasmfaas function (the faas-exec world).

wit_bindgen::generate!({
    world: "faas-exec",
    path: "wit",
    generate_all,
});

struct Function;

impl Guest for Function {
    fn exec(input: String) -> String {
        println!("__NAME__ called"); // captured by the host as the call's stdout
        let value: serde_json::Value =
            serde_json::from_str(&input).unwrap_or(serde_json::Value::String(input));
        serde_json::json!({ "result": value }).to_string()
    }
}

export!(Function);
