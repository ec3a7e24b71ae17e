//! `wasmfaas_component_linker_add_host`: the host interfaces wasmfaas adds
//! to WASI preview 2 (wasi:http with a policy, wasi:keyvalue, wasi:config),
//! each reading the store's `HostState`.

use crate::host_state::host_view;
use std::sync::OnceLock;
use wasmtime_c_api::wasmtime::component::Linker;
use wasmtime_c_api::{WasmtimeStoreData, wasmtime_component_linker_t};
use wasmtime_wasi_config::{WasiConfig, WasiConfigVariables};

const _: () = assert!(
    // wasmtime_component_linker_t is a #[repr(transparent)] wrapper of this
    // linker in wasmtime-c-api-impl =48.0.8.
    std::mem::size_of::<wasmtime_component_linker_t>() == std::mem::size_of::<Linker<WasmtimeStoreData>>()
);

/// wasi:config/store serves the store's config values (none without a host
/// state, which instantiation rules out anyway).
fn config_view(data: &mut WasmtimeStoreData) -> WasiConfig<'_> {
    static NONE: OnceLock<WasiConfigVariables> = OnceLock::new();
    match host_view(data) {
        Some(view) => WasiConfig::new(&view.state.config),
        None => WasiConfig::new(NONE.get_or_init(WasiConfigVariables::new)),
    }
}

/// Adds wasi:http (types, outgoing-handler), wasi:keyvalue (store, atomics,
/// batch) and wasi:config (store) to `linker`. Returns false if Wasmtime
/// refuses a definition.
///
/// # Safety
/// `linker` must be a live `wasmtime_component_linker_t` with WASI p2 added,
/// not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmfaas_component_linker_add_host(linker: *mut wasmtime_component_linker_t) -> bool {
    // SAFETY: a #[repr(transparent)] wrapper (asserted above), live.
    let linker = unsafe { &mut *(linker as *mut Linker<WasmtimeStoreData>) };
    crate::outbound_http::add_to_linker(linker)
        && crate::keyvalue::add_to_linker(linker)
        && wasmtime_wasi_config::add_to_linker(linker, config_view).is_ok()
}
