//! `wasmfaas_component_linker_add_wasi_http` and the per-store policy it
//! enforces.
//!
//! The C API's `wasmtime_component_linker_add_wasi_http` gives every store
//! wasi:http with Wasmtime's default hooks: any guest may reach any host.
//! There is no C hook to change that, so this module adds the same wasi:http
//! interfaces with its own view: each store's requests go through
//! `PolicyHooks::send_request`, which lets out only those allowed by the
//! store's policy (`wasmfaas_store_set_http_policy`) and sends them with the
//! guards of `outbound_send`. A store without a policy may reach nothing.
//!
//! `WasmtimeStoreData` (the C API's store data) has no field for this, so the
//! policies live in a registry keyed by the store data's address; a guard in
//! the store's WASI resource table removes the entry when the store drops.

use crate::http_policy::{AllowedOrigin, default_port, is_allowed};
use crate::outbound_send::{Limits, SendFuture, Shared, send};
use std::collections::HashMap;
use std::ffi::{CStr, c_char, c_void};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use wasmtime_c_api::wasmtime::component::Linker;
use wasmtime_c_api::{WasmtimeStoreData, wasmtime_component_linker_t, wasmtime_store_context, wasmtime_store_t};
use wasmtime_wasi_http::p2::bindings;
use wasmtime_wasi_http::{WasiBody, WasiHttp, WasiHttpCtx, WasiHttpCtxView, WasiHttpHooks};

/// The policy of one store, as the C++ runtime passes it.
#[repr(C)]
pub struct wasmfaas_http_policy_t {
    /// `scheme://host[:port]`, host possibly `*.domain`.
    pub allowed_origins: *const *const c_char,
    pub allowed_origin_count: usize,
    pub connect_timeout_ms: u64,
    pub first_byte_timeout_ms: u64,
    pub total_timeout_ms: u64,
    pub max_response_bytes: u64,
    pub max_concurrent_requests: u32,
}

/// The wasi:http hooks of one store: its allow-list and guards.
struct PolicyHooks {
    allowed: Vec<AllowedOrigin>,
    limits: Limits,
    shared: Arc<Shared>,
}

impl PolicyHooks {
    fn deny_all() -> PolicyHooks {
        let limits = Limits {
            connect_timeout: Duration::ZERO,
            first_byte_timeout: Duration::ZERO,
            total_timeout: Duration::ZERO,
            max_response_bytes: 0,
            max_concurrent_requests: 0,
        };
        PolicyHooks { allowed: Vec::new(), limits, shared: Arc::default() }
    }
}

impl WasiHttpHooks for PolicyHooks {
    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        options: Option<wasmtime_wasi_http::RequestOptions>,
        _fut: Box<dyn std::future::Future<Output = Result<(), wasmtime_wasi_http::Error>> + Send>,
    ) -> SendFuture {
        let uri = request.uri();
        let scheme = uri.scheme_str().unwrap_or("").to_ascii_lowercase();
        let host = uri.host().unwrap_or("").trim_start_matches('[').trim_end_matches(']').to_string();
        let port = uri.port_u16().or_else(|| default_port(&scheme)).unwrap_or(0);
        let target = format!("{scheme}://{host}:{port}");
        if !is_allowed(&self.allowed, &scheme, &host, port) {
            self.shared.record_denial(format!(
                "outgoing request to {target} denied: not in the function's allowed_hosts"
            ));
            return Box::new(async { Err(wasmtime_wasi_http::Error::HttpRequestDenied) });
        }
        Box::new(send(request, options, self.limits, self.shared.clone(), target))
    }
}

/// What the registry keeps per store. Boxed so that its address is stable.
struct StoreHttp {
    ctx: WasiHttpCtx,
    hooks: PolicyHooks,
}

fn registry() -> &'static Mutex<HashMap<usize, Box<StoreHttp>>> {
    static REGISTRY: OnceLock<Mutex<HashMap<usize, Box<StoreHttp>>>> = OnceLock::new();
    REGISTRY.get_or_init(Default::default)
}

fn lock_registry() -> std::sync::MutexGuard<'static, HashMap<usize, Box<StoreHttp>>> {
    registry().lock().unwrap_or_else(|e| e.into_inner())
}

/// Lives in a store's WASI resource table; removes the store's entry from
/// the registry when the table (that is, the store) is dropped.
struct Registration(usize);

impl Drop for Registration {
    fn drop(&mut self) {
        lock_registry().remove(&self.0);
    }
}

fn store_key(data: &WasmtimeStoreData) -> usize {
    data as *const WasmtimeStoreData as usize
}

/// Installs `hooks` for the store owning `data`, replacing earlier ones.
fn register(data: &mut WasmtimeStoreData, hooks: PolicyHooks) {
    let key = store_key(data);
    let previous = lock_registry().insert(key, Box::new(StoreHttp { ctx: WasiHttpCtx::new(), hooks }));
    if previous.is_none() {
        let table = wasmtime_wasi::WasiView::ctx(data).table;
        // A table that cannot take one more entry is a store that is failing
        // anyway; its entry then lives until a later store reuses the key.
        let _ = table.push(Registration(key));
    }
}

/// The wasi:http view of the C API's store data, with this store's hooks.
fn http_view(data: &mut WasmtimeStoreData) -> WasiHttpCtxView<'_> {
    let key = store_key(data);
    let entry = lock_registry().get_mut(&key).map(|entry| &mut **entry as *mut StoreHttp);
    let entry = match entry {
        Some(entry) => entry,
        None => {
            register(data, PolicyHooks::deny_all());
            lock_registry().get_mut(&key).map(|entry| &mut **entry as *mut StoreHttp).expect("just registered")
        }
    };
    // SAFETY: the entry is boxed (its address survives map rehashing) and is
    // removed only when the store drops. A store is used by one thread at a
    // time and this view lives for one host call, so no other reference to
    // the entry exists while it is borrowed.
    let entry = unsafe { &mut *entry };
    let table = wasmtime_wasi::WasiView::ctx(data).table;
    WasiHttpCtxView { ctx: &mut entry.ctx, table, hooks: &mut entry.hooks }
}

const _: () = assert!(
    std::mem::size_of::<wasmtime_component_linker_t>() == std::mem::size_of::<Linker<WasmtimeStoreData>>()
);

/// Adds wasi:http (types and outgoing-handler, synchronous) to `linker`,
/// with every store's requests subject to its policy. Returns false (and
/// adds nothing usable) if Wasmtime refuses the definitions.
///
/// # Safety
/// `linker` must be a live `wasmtime_component_linker_t` with WASI p2 added,
/// not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmfaas_component_linker_add_wasi_http(linker: *mut c_void) -> bool {
    // SAFETY: in wasmtime-c-api-impl =48.0.8 `wasmtime_component_linker_t`
    // is a struct whose only field is `Linker<WasmtimeStoreData>` (the size
    // assertion above checks that nothing else is in it), so a pointer to it
    // points at that linker.
    let linker = unsafe { &mut *(linker as *mut Linker<WasmtimeStoreData>) };
    let options = bindings::LinkOptions::default();
    bindings::sync::http::outgoing_handler::add_to_linker::<_, WasiHttp>(linker, http_view).is_ok()
        && bindings::sync::http::types::add_to_linker::<_, WasiHttp>(linker, &options.into(), http_view).is_ok()
}

/// Sets the wasi:http policy of `store` (a `wasmtime_store_t*` whose WASI
/// context is already set).
///
/// # Safety
/// `store` must be live and not in use by another thread; `policy` and the
/// strings it points at are read during the call only.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmfaas_store_set_http_policy(store: *mut c_void, policy: *const wasmfaas_http_policy_t) {
    // SAFETY: per the contract above.
    let (store, policy) = unsafe { (&mut *(store as *mut wasmtime_store_t), &*policy) };
    let mut allowed = Vec::with_capacity(policy.allowed_origin_count);
    for i in 0..policy.allowed_origin_count {
        // SAFETY: the caller passes `allowed_origin_count` C strings.
        let origin = unsafe { CStr::from_ptr(*policy.allowed_origins.add(i)) };
        if let Some(origin) = origin.to_str().ok().and_then(AllowedOrigin::parse) {
            allowed.push(origin);
        }
    }
    let limits = Limits {
        connect_timeout: Duration::from_millis(policy.connect_timeout_ms),
        first_byte_timeout: Duration::from_millis(policy.first_byte_timeout_ms),
        total_timeout: Duration::from_millis(policy.total_timeout_ms),
        max_response_bytes: policy.max_response_bytes,
        max_concurrent_requests: policy.max_concurrent_requests as usize,
    };
    let mut context = wasmtime_store_context(store);
    register(context.data_mut(), PolicyHooks { allowed, limits, shared: Arc::default() });
}

/// Hands each denial recorded for `store` since the last call to `callback`
/// (one message per call) and forgets them.
///
/// # Safety
/// `store` must be live and not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmfaas_store_take_http_denials(
    store: *mut c_void,
    callback: crate::output_capture::WriteCallback,
    data: *mut c_void,
) {
    // SAFETY: per the contract above.
    let store = unsafe { &mut *(store as *mut wasmtime_store_t) };
    let mut context = wasmtime_store_context(store);
    let key = store_key(context.data_mut());
    let shared = lock_registry().get(&key).map(|entry| entry.hooks.shared.clone());
    for message in shared.map(|s| s.take_denials()).unwrap_or_default() {
        callback(data, message.as_ptr(), message.len());
    }
}
