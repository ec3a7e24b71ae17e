//! Re-exports Wasmtime's official C API so that `cargo build` produces one
//! static library for the C++ runtime module to link, plus the few entry
//! points wasmfaas needs that the C API lacks (declared for C++ in
//! `include/wasmfaas_capi.h`).
pub use wasmtime_c_api::*;

mod error_kind;
mod host_linker;
mod host_state;
mod http_policy;
mod instance_pre;
mod keyvalue;
mod outbound_http;
mod outbound_send;
mod output_capture;
mod store_limits;
