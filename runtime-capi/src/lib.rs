//! Re-exports Wasmtime's official C API so that `cargo build` produces one
//! static library for the C++ runtime module to link.
pub use wasmtime_c_api::*;
