//! `wasmfaas_store_limit_growth`: bounds a store's linear memories and tables
//! and makes a refused growth *trap* with a typed error.
//!
//! The C API's `wasmtime_store_limiter` builds `StoreLimits` without
//! `trap_on_grow_failure`, so a refused `memory.grow` only returns -1 and the
//! host cannot tell a guest that hit its memory limit from any other failure.
//! This limiter wraps the store's `StoreLimits` and turns each refusal into a
//! `GrowthRefused` error, which `wasmfaas_error_kind` (error_kind.rs) finds
//! by its type; its message is the one Wasmtime's own trapping limits give
//! ("forcing trap when growing memory to N bytes").

use std::ffi::c_void;
use std::fmt;
use wasmtime_c_api::wasmtime::{Error, ResourceLimiter, Result, StoreLimits, StoreLimitsBuilder};
use wasmtime_c_api::{WasmtimeStore, wasmtime_store_t};

/// Why a growth was refused: the error a refused growth traps with.
#[derive(Debug)]
pub enum GrowthRefused {
    Memory { desired_bytes: usize },
    Table { desired_elements: usize },
}

impl fmt::Display for GrowthRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GrowthRefused::Memory { desired_bytes } => {
                write!(f, "forcing trap when growing memory to {desired_bytes} bytes")
            }
            GrowthRefused::Table { desired_elements } => {
                write!(f, "forcing trap when growing table to {desired_elements} elements")
            }
        }
    }
}

impl std::error::Error for GrowthRefused {}

/// The store data's `StoreLimits` (built without trap_on_grow_failure, so
/// that they answer refusals with `Ok(false)`) with refusals made errors.
#[repr(transparent)]
struct TrappingLimits(StoreLimits);

impl TrappingLimits {
    fn of(limits: &mut StoreLimits) -> &mut TrappingLimits {
        // SAFETY: TrappingLimits is a #[repr(transparent)] StoreLimits.
        unsafe { &mut *(limits as *mut StoreLimits as *mut TrappingLimits) }
    }
}

impl ResourceLimiter for TrappingLimits {
    fn memory_growing(&mut self, current: usize, desired: usize, maximum: Option<usize>) -> Result<bool> {
        if self.0.memory_growing(current, desired, maximum)? {
            return Ok(true);
        }
        Err(Error::new(GrowthRefused::Memory { desired_bytes: desired }))
    }

    fn memory_grow_failed(&mut self, error: Error) -> Result<()> {
        Err(error.context("forcing a memory growth failure to be a trap"))
    }

    fn table_growing(&mut self, current: usize, desired: usize, maximum: Option<usize>) -> Result<bool> {
        if self.0.table_growing(current, desired, maximum)? {
            return Ok(true);
        }
        Err(Error::new(GrowthRefused::Table { desired_elements: desired }))
    }

    fn table_grow_failed(&mut self, error: Error) -> Result<()> {
        Err(error.context("forcing a table growth failure to be a trap"))
    }

    fn instances(&self) -> usize {
        self.0.instances()
    }

    fn tables(&self) -> usize {
        self.0.tables()
    }

    fn memories(&self) -> usize {
        self.0.memories()
    }
}

const _: () = assert!(
    // In wasmtime-c-api-impl =48.0.8, wasmtime_store_t is
    // #[repr(C)] struct { store: WasmtimeStore }.
    std::mem::size_of::<wasmtime_store_t>() == std::mem::size_of::<WasmtimeStore>()
);

/// Limits each linear memory of `store` (a `wasmtime_store_t*`) to
/// `memory_bytes` and each table to `table_elements`; growing past either
/// traps with a `GrowthRefused` error.
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
    // SAFETY: the caller passes a live, exclusively used wasmtime_store_t,
    // whose only field is the store (asserted above).
    let store = unsafe { &mut *(store as *mut WasmtimeStore) };
    store.data_mut().store_limits = StoreLimitsBuilder::new()
        .memory_size(usize::try_from(memory_bytes).unwrap_or(usize::MAX))
        .table_elements(usize::try_from(table_elements).unwrap_or(usize::MAX))
        .build();
    store.limiter(|data| TrappingLimits::of(&mut data.store_limits));
}
