//! `wasmfaas_instance_pre_*`: a component linked once against the shared
//! linker, then instantiated per call without re-resolving its imports.
//!
//! The C API only offers `wasmtime_component_linker_instantiate`, which
//! runs `Linker::instantiate_pre` (look up and type-check every import of
//! the component) on every call; the result does not depend on the store,
//! so wasmfaas does it once per compiled function.

use std::ffi::c_void;
use wasmtime_c_api::wasmtime::component::{Component, Instance, InstancePre, Linker};
use wasmtime_c_api::{WasmtimeStoreContextMut, WasmtimeStoreData, wasmtime_error_t};

/// A component whose imports are resolved against a linker.
/// Immutable; may be used from many threads at once.
#[allow(non_camel_case_types)] // the C name
pub struct wasmfaas_instance_pre_t {
    pre: InstancePre<WasmtimeStoreData>,
}

const _: () = assert!(
    // The C API's wasmtime_component_t and wasmtime_component_linker_t are
    // #[repr(transparent)] wrappers of these in wasmtime-c-api-impl =48.0.8.
    std::mem::size_of::<wasmtime_c_api::wasmtime_component_t>() == std::mem::size_of::<Component>()
        && std::mem::size_of::<wasmtime_c_api::wasmtime_component_linker_t>()
            == std::mem::size_of::<Linker<WasmtimeStoreData>>()
);

/// Resolves the imports of `component` (a `wasmtime_component_t*`) against
/// `linker` (a `wasmtime_component_linker_t*`). On success stores a new
/// handle in `out` and returns null; otherwise returns the error (an import
/// the linker lacks, or of another type).
///
/// # Safety
/// `linker` and `component` must be live and from the same engine; the
/// handle must be freed with `wasmfaas_instance_pre_delete`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmfaas_instance_pre_new(
    linker: *const c_void,
    component: *const c_void,
    out: &mut *mut wasmfaas_instance_pre_t,
) -> Option<Box<wasmtime_error_t>> {
    // SAFETY: both are #[repr(transparent)] wrappers (asserted above) and live.
    let linker = unsafe { &*(linker as *const Linker<WasmtimeStoreData>) };
    let component = unsafe { &*(component as *const Component) };
    match linker.instantiate_pre(component) {
        Ok(pre) => {
            *out = Box::into_raw(Box::new(wasmfaas_instance_pre_t { pre }));
            None
        }
        Err(error) => Some(Box::new(wasmtime_error_t::from(error))),
    }
}

/// Instantiates `pre` in the store of `context` (a `wasmtime_context_t*`),
/// writing the instance to `instance_out`; returns null or the error (a
/// trap in a start function, a refused resource limit, ...). A store
/// without a host state (`wasmfaas_store_init_host`) is refused: the host
/// interfaces rely on it.
#[unsafe(no_mangle)]
pub extern "C" fn wasmfaas_instance_pre_instantiate(
    pre: &wasmfaas_instance_pre_t,
    mut context: WasmtimeStoreContextMut<'_>,
    instance_out: &mut Instance,
) -> Option<Box<wasmtime_error_t>> {
    if crate::host_state::host_view(context.data_mut()).is_none() {
        let error = wasmtime_c_api::wasmtime::Error::msg("the store has no wasmfaas host state");
        return Some(Box::new(wasmtime_error_t::from(error)));
    }
    match pre.pre.instantiate(context) {
        Ok(instance) => {
            *instance_out = instance;
            None
        }
        Err(error) => Some(Box::new(wasmtime_error_t::from(error))),
    }
}

/// Frees a handle from `wasmfaas_instance_pre_new` (null is ignored).
#[unsafe(no_mangle)]
pub extern "C" fn wasmfaas_instance_pre_delete(pre: Option<Box<wasmfaas_instance_pre_t>>) {
    drop(pre);
}
