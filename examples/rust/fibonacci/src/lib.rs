//! fibonacci: `{"n":7}` -> `{"result":34}`, with the seed's algorithm on u32:
//! a = 1, b = 1; n times: t = a, a = b, b += t (wrapping); the answer is b.

wit_bindgen::generate!({
    world: "faas-exec",
    path: "../../../wit",
    generate_all,
});

use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
struct Input {
    n: u32,
}

fn fibonacci(n: u32) -> u32 {
    let (mut a, mut b) = (1u32, 1u32);
    for _ in 0..n {
        let t = a;
        a = b;
        b = b.wrapping_add(t);
    }
    b
}

struct Fibonacci;

impl Guest for Fibonacci {
    fn exec(input: String) -> String {
        match serde_json::from_str::<Input>(&input) {
            Ok(Input { n }) => json!({ "result": fibonacci(n) }),
            Err(error) => json!({ "error": error.to_string() }),
        }
        .to_string()
    }
}

export!(Fibonacci);
