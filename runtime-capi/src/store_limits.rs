//! `wasmfaas_store_limit_growth`: bounds a store's linear memories and tables
//! and makes a refused growth *trap*.
//!
//! The C API's `wasmtime_store_limiter` builds `StoreLimits` without
//! `trap_on_grow_failure`, so a refused `memory.grow` only returns -1 and the
//! host cannot tell a guest that hit its memory limit from any other failure.
//! With the trap, Wasmtime reports "forcing trap when growing memory to N
//! bytes", which the runtime turns into "function exceeded its memory limit".

use std::ffi::c_void;
use wasmtime_c_api::wasmtime::StoreLimitsBuilder;
use wasmtime_c_api::{wasmtime_store_context, wasmtime_store_limiter, wasmtime_store_t};

/// Limits each linear memory of `store` (a `wasmtime_store_t*`) to
/// `memory_bytes` and each table to `table_elements`; growing past either
/// traps.
///
/// # Safety
/// `store` must be a live `wasmtime_store_t` from `wasmtime_store_new`, not
/// in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmfaas_store_limit_growth(
    store: *mut c_void,
    memory_bytes: u64,
    table_elements: u64,
) {
    // SAFETY: the caller passes a live, exclusively used wasmtime_store_t.
    let store = unsafe { &mut *(store as *mut wasmtime_store_t) };
    // Installs the limiter that reads the store data's `store_limits`...
    wasmtime_store_limiter(store, -1, -1, -1, -1, -1);
    // ...and replaces those limits with trapping ones.
    let mut context = wasmtime_store_context(store);
    context.data_mut().store_limits = StoreLimitsBuilder::new()
        .memory_size(usize::try_from(memory_bytes).unwrap_or(usize::MAX))
        .table_elements(usize::try_from(table_elements).unwrap_or(usize::MAX))
        .trap_on_grow_failure(true)
        .build();
}
