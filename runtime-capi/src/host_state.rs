//! `HostState`: everything the host interfaces wasmfaas adds (wasi:http with
//! a policy, wasi:keyvalue, wasi:config) need for one store, in one typed
//! value, and `wasmfaas_store_init_host`, which installs it.
//!
//! The C API's store data (`WasmtimeStoreData`) has no field for it, but it
//! owns the store's WASI resource table, which every host call reaches
//! through `WasiView`. `wasmfaas_store_init_host` pushes the `HostState` as
//! the first entry of the fresh table that `wasmtime_context_set_wasi`
//! creates, so it always sits at `HOST_STATE_REP`: host calls find it by
//! that index and its type, with no registry and no lock. Guests never get a
//! handle to it (they only hold handles the host hands out for their own
//! resources), so it lives exactly as long as the store.

use crate::keyvalue::KeyValueHost;
use crate::outbound_http::PolicyHooks;
use std::ffi::{CStr, c_char};
use wasmtime_c_api::wasmtime::component::{Resource, ResourceTable};
use wasmtime_c_api::{WasmtimeStoreData, wasmtime_store_context, wasmtime_store_t};
use wasmtime_wasi_config::WasiConfigVariables;
use wasmtime_wasi_http::WasiHttpCtx;

/// Why a host call may assume its store has a `HostState`.
pub const REQUIRED: &str = "wasmfaas_instance_pre_instantiate instantiates only stores with a host state";

/// The table index of a store's `HostState`.
const HOST_STATE_REP: u32 = 0;

/// The host side of one store's wasmfaas interfaces. Used by one thread at a
/// time, like its store.
pub struct HostState {
    pub http_ctx: WasiHttpCtx,
    pub http_hooks: PolicyHooks,
    pub keyvalue: KeyValueHost,
    pub config: WasiConfigVariables,
}

/// The table a host call works on and the store's `HostState`, borrowed
/// together.
pub struct HostView<'a> {
    pub state: &'a mut HostState,
    pub table: &'a mut ResourceTable,
}

/// The store's `HostState` and its resource table; None for a store that
/// `wasmfaas_store_init_host` has not set up (every host interface then
/// denies).
pub fn host_view(data: &mut WasmtimeStoreData) -> Option<HostView<'_>> {
    let table = wasmtime_wasi::WasiView::ctx(data).table;
    let state = table.get_mut(&Resource::<HostState>::new_own(HOST_STATE_REP)).ok()? as *mut HostState;
    // SAFETY: the state is a boxed entry of `table` (its address does not
    // move when the table grows) at an index no guest handle refers to, so
    // no call through `table` reaches or frees it while the view lives; the
    // view borrows `data` mutably, so nothing else touches either meanwhile.
    Some(HostView { state: unsafe { &mut *state }, table })
}

/// One store's settings as the C++ runtime passes them.
#[repr(C)]
pub struct wasmfaas_store_host_t {
    pub http_policy: *const crate::outbound_http::wasmfaas_http_policy_t,
    /// Null: every wasi:keyvalue open is access-denied.
    pub keyvalue: *const crate::keyvalue::wasmfaas_kv_host_t,
    /// `config_count` names and values of wasi:config/store (UTF-8 C strings).
    pub config_keys: *const *const c_char,
    pub config_values: *const *const c_char,
    pub config_count: usize,
}

/// Installs the host state of `store` (a `wasmtime_store_t*` whose WASI
/// context was just set, before anything else used it). Returns false when
/// the store's resource table is not fresh (the state could not be put
/// where host calls look for it).
///
/// # Safety
/// `store` must be live and not in use by another thread; `host` and what it
/// points at are read during the call only, except `keyvalue->context`,
/// which must outlive the store.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmfaas_store_init_host(store: *mut wasmtime_store_t, host: &wasmfaas_store_host_t) -> bool {
    // SAFETY: per the contract above.
    let store = unsafe { &mut *store };
    let http_hooks = unsafe { PolicyHooks::from_c(&*host.http_policy) };
    let keyvalue = unsafe { KeyValueHost::from_c(host.keyvalue) };
    let mut config = WasiConfigVariables::new();
    for i in 0..host.config_count {
        // SAFETY: the caller passes `config_count` pairs of C strings.
        let (key, value) = unsafe { (CStr::from_ptr(*host.config_keys.add(i)), CStr::from_ptr(*host.config_values.add(i))) };
        config.insert(key.to_string_lossy(), value.to_string_lossy());
    }
    let state = HostState { http_ctx: WasiHttpCtx::new(), http_hooks, keyvalue, config };
    let mut context = wasmtime_store_context(store);
    let table = wasmtime_wasi::WasiView::ctx(context.data_mut()).table;
    matches!(table.push(state), Ok(resource) if resource.rep() == HOST_STATE_REP)
}
