//! `wasmfaas_error_kind`: what kind of failure a `wasmtime_error_t` is, read
//! from the types in its error chain (a `wasmtime::Trap`, the store
//! limiter's `GrowthRefused`, a string decoding error), never from its
//! message. The C API only offers `wasmtime_trap_code` for a `wasm_trap_t`,
//! which the component calls wasmfaas makes never return.

use crate::store_limits::GrowthRefused;
use wasmtime_c_api::wasmtime::{Error, Trap};
use wasmtime_c_api::wasmtime_error_t;

/// The kinds the C++ runtime tells apart (`wasmfaas_error_kind_t`).
#[repr(C)]
#[allow(non_camel_case_types)] // the C name
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum wasmfaas_error_kind_t {
    Other = 0,
    Trap = 1,
    Interrupt = 2,
    OutOfFuel = 3,
    MemoryLimit = 4,
    TableLimit = 5,
    InvalidString = 6,
}

const _: () = assert!(
    // In wasmtime-c-api-impl =48.0.8, wasmtime_error_t is
    // #[repr(C)] struct { error: Error }.
    std::mem::size_of::<wasmtime_error_t>() == std::mem::size_of::<Error>()
);

fn kind_of(error: &Error) -> wasmfaas_error_kind_t {
    use wasmfaas_error_kind_t as Kind;
    if let Some(refused) = error.downcast_ref::<GrowthRefused>() {
        return match refused {
            GrowthRefused::Memory { .. } => Kind::MemoryLimit,
            GrowthRefused::Table { .. } => Kind::TableLimit,
        };
    }
    if let Some(trap) = error.downcast_ref::<Trap>() {
        return match trap {
            Trap::Interrupt => Kind::Interrupt,
            Trap::OutOfFuel => Kind::OutOfFuel,
            _ => Kind::Trap,
        };
    }
    // Lifting a string result (UTF-8 or UTF-16 in the guest's memory).
    if error.is::<std::str::Utf8Error>() || error.is::<std::char::DecodeUtf16Error>() {
        return Kind::InvalidString;
    }
    Kind::Other
}

/// The kind of failure `error` is.
#[unsafe(no_mangle)]
pub extern "C" fn wasmfaas_error_kind(error: &wasmtime_error_t) -> wasmfaas_error_kind_t {
    // SAFETY: wasmtime_error_t's only field is the Error (asserted above).
    let error = unsafe { &*(error as *const wasmtime_error_t as *const Error) };
    kind_of(error)
}
