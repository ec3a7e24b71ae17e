//! wasi:http for wasmfaas stores and the per-store policy it enforces.
//!
//! The C API's `wasmtime_component_linker_add_wasi_http` gives every store
//! wasi:http with Wasmtime's default hooks: any guest may reach any host.
//! There is no C hook to change that, so this module adds the same wasi:http
//! interfaces with its own view: each store's requests go through
//! `PolicyHooks::send_request`, which lets out only those allowed by the
//! policy in the store's `HostState` (host_state.rs) and sends them with the
//! guards of `outbound_send`.

use crate::http_policy::{AllowedOrigin, default_port, is_allowed};
use crate::outbound_send::{Limits, SendFuture, Shared, send};
use crate::host_state::host_view;
use std::ffi::{CStr, c_char, c_void};
use std::sync::Arc;
use std::time::Duration;
use wasmtime_c_api::wasmtime::component::Linker;
use wasmtime_c_api::{WasmtimeStoreData, wasmtime_store_context, wasmtime_store_t};
use wasmtime_wasi_http::p2::bindings;
use wasmtime_wasi_http::{WasiBody, WasiHttp, WasiHttpCtxView, WasiHttpHooks};

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
pub struct PolicyHooks {
    allowed: Vec<AllowedOrigin>,
    limits: Limits,
    shared: Arc<Shared>,
}

impl PolicyHooks {
    /// The hooks of `policy` (copied).
    ///
    /// # Safety
    /// `policy` must hold `allowed_origin_count` valid C strings.
    pub unsafe fn from_c(policy: &wasmfaas_http_policy_t) -> PolicyHooks {
        let mut allowed = Vec::with_capacity(policy.allowed_origin_count);
        for i in 0..policy.allowed_origin_count {
            // SAFETY: per the contract above.
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
        PolicyHooks { allowed, limits, shared: Arc::default() }
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

/// The wasi:http view of the C API's store data, with this store's hooks.
fn http_view(data: &mut WasmtimeStoreData) -> WasiHttpCtxView<'_> {
    let view = host_view(data).expect(crate::host_state::REQUIRED);
    WasiHttpCtxView { ctx: &mut view.state.http_ctx, table: view.table, hooks: &mut view.state.http_hooks }
}


/// Adds wasi:http (types and outgoing-handler, synchronous) to `linker`,
/// with every store's requests subject to its policy.
pub fn add_to_linker(linker: &mut Linker<WasmtimeStoreData>) -> bool {
    let options = bindings::LinkOptions::default();
    bindings::sync::http::outgoing_handler::add_to_linker::<_, WasiHttp>(linker, http_view).is_ok()
        && bindings::sync::http::types::add_to_linker::<_, WasiHttp>(linker, &options.into(), http_view).is_ok()
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
    let denials = host_view(context.data_mut()).map(|view| view.state.http_hooks.shared.take_denials());
    for message in denials.unwrap_or_default() {
        callback(data, message.as_ptr(), message.len());
    }
}
