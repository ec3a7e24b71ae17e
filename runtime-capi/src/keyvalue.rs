//! wasi:keyvalue 0.2.0-draft (store, atomics, batch) for wasmfaas stores.
//!
//! This module is only the Wasmtime glue: the guest's calls become requests
//! to the store's `wasmfaas_kv_host_t`, a C callback the C++ runtime
//! installs per store (its state database, grants and limits live there).
//! Every failure the host reports reaches the guest as the interface's
//! `error` value; nothing here traps except a guest using a bucket handle
//! it does not own (which the component model already rules out).
//!
//! `list-keys` takes and returns a `u64` cursor while the host pages by the
//! last key it returned: each bucket keeps the host's cursors and hands the
//! guest their positions (1-based) instead.

#![allow(non_camel_case_types)] // the C names

use crate::host_state::{HostView, REQUIRED, host_view};
use std::ffi::c_void;
use wasmtime_c_api::WasmtimeStoreData;
use wasmtime_c_api::wasmtime::Result;
use wasmtime_c_api::wasmtime::component::{HasData, Linker, Resource};

mod generated {
    wasmtime_c_api::wasmtime::component::bindgen!({
        path: "../wit/deps/keyvalue",
        world: "wasi:keyvalue/imports",
        wasmtime_crate: wasmtime_c_api::wasmtime,
        imports: { default: trappable },
        with: {
            "wasi:keyvalue/store.bucket": crate::keyvalue::Bucket,
        },
        trappable_error_type: {
            "wasi:keyvalue/store.error" => crate::keyvalue::Error,
        },
    });
}

use generated::wasi::keyvalue as wit;

/// The most list-keys cursors one bucket handle keeps (a guest paging
/// through more keys than that opens the store again).
const MAX_CURSORS_PER_BUCKET: usize = 4096;

/// A failure as the guest sees it.
pub enum Error {
    NoSuchStore,
    AccessDenied,
    Other(String),
}

impl From<wasmtime_c_api::wasmtime::component::ResourceTableError> for Error {
    fn from(error: wasmtime_c_api::wasmtime::component::ResourceTableError) -> Self {
        Error::Other(error.to_string())
    }
}

/// An opened store: the host's handle for it and the cursors handed out.
pub struct Bucket {
    handle: u32,
    cursors: Vec<Vec<u8>>,
}

/// The outcome of a request, as wasi:keyvalue's error variant (the C side
/// passes it as a plain integer; an unknown one counts as `Other`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Status {
    Ok,
    NoSuchStore,
    AccessDenied,
    Other,
}

impl Status {
    fn from_c(status: u32) -> Status {
        match status {
            0 => Status::Ok,
            1 => Status::NoSuchStore,
            2 => Status::AccessDenied,
            _ => Status::Other,
        }
    }
}

/// What a request asks for.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum wasmfaas_kv_op_t {
    Open = 0,
    Get = 1,
    Set = 2,
    Delete = 3,
    Exists = 4,
    ListKeys = 5,
    Increment = 6,
    GetMany = 7,
    SetMany = 8,
    DeleteMany = 9,
}

/// Borrowed bytes.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wasmfaas_bytes_t {
    pub data: *const u8,
    pub len: usize,
}

impl wasmfaas_bytes_t {
    fn of(bytes: &[u8]) -> Self {
        wasmfaas_bytes_t { data: bytes.as_ptr(), len: bytes.len() }
    }

    const EMPTY: wasmfaas_bytes_t = wasmfaas_bytes_t { data: std::ptr::null(), len: 0 };
}

/// One request to the host; fields an operation does not use are empty.
#[repr(C)]
pub struct wasmfaas_kv_request_t {
    pub op: wasmfaas_kv_op_t,
    /// The handle `Open` answered (every operation but `Open`).
    pub store: u32,
    /// `Open`: the store's name; single-key operations: the key.
    pub name_or_key: wasmfaas_bytes_t,
    /// `Set`: the value.
    pub value: wasmfaas_bytes_t,
    /// `Increment`: what to add.
    pub delta: u64,
    /// `ListKeys`: where to continue (a cursor the host answered before).
    pub has_cursor: bool,
    pub cursor: wasmfaas_bytes_t,
    /// Batch operations: `count` keys (and, for `SetMany`, values).
    pub keys: *const wasmfaas_bytes_t,
    pub values: *const wasmfaas_bytes_t,
    pub count: usize,
}

/// What the host answers, filled through the `wasmfaas_kv_reply_*`
/// functions while it handles a request.
#[derive(Default)]
pub struct wasmfaas_kv_reply_t {
    status: Option<(Status, String)>,
    number: u64,
    // Get: the value; GetMany: one entry per key; ListKeys: unused.
    values: Vec<Option<Vec<u8>>>,
    keys: Vec<String>,
    cursor: Option<Vec<u8>>,
}

/// The host's side, as the C++ runtime installs it for one store.
#[repr(C)]
pub struct wasmfaas_kv_host_t {
    pub context: *mut c_void,
    /// Handles `request`, answering through `reply`; a reply without a
    /// status is a success.
    pub handle: extern "C" fn(context: *mut c_void, request: &wasmfaas_kv_request_t, reply: &mut wasmfaas_kv_reply_t),
}

/// A store's key-value host (copied from the C struct), or none.
pub struct KeyValueHost {
    context: *mut c_void,
    handle: Option<extern "C" fn(*mut c_void, &wasmfaas_kv_request_t, &mut wasmfaas_kv_reply_t)>,
}

// SAFETY: the context belongs to the store, which is used by one thread at a
// time; the C++ runtime keeps it alive and usable from whichever thread runs
// the store.
unsafe impl Send for KeyValueHost {}

impl KeyValueHost {
    /// # Safety
    /// `host` is null or points at a valid `wasmfaas_kv_host_t`.
    pub unsafe fn from_c(host: *const wasmfaas_kv_host_t) -> KeyValueHost {
        match unsafe { host.as_ref() } {
            Some(host) => KeyValueHost { context: host.context, handle: Some(host.handle) },
            None => KeyValueHost { context: std::ptr::null_mut(), handle: None },
        }
    }

    fn request(&self, request: &wasmfaas_kv_request_t) -> Result<wasmfaas_kv_reply_t, Error> {
        let Some(handle) = self.handle else {
            return Err(Error::AccessDenied);
        };
        let mut reply = wasmfaas_kv_reply_t::default();
        handle(self.context, request, &mut reply);
        match reply.status.take() {
            None | Some((Status::Ok, _)) => Ok(reply),
            Some((Status::NoSuchStore, _)) => Err(Error::NoSuchStore),
            Some((Status::AccessDenied, _)) => Err(Error::AccessDenied),
            Some((Status::Other, message)) => Err(Error::Other(message)),
        }
    }
}

fn request(op: wasmfaas_kv_op_t, store: u32, name_or_key: &[u8]) -> wasmfaas_kv_request_t {
    wasmfaas_kv_request_t {
        op,
        store,
        name_or_key: wasmfaas_bytes_t::of(name_or_key),
        value: wasmfaas_bytes_t::EMPTY,
        delta: 0,
        has_cursor: false,
        cursor: wasmfaas_bytes_t::EMPTY,
        keys: std::ptr::null(),
        values: std::ptr::null(),
        count: 0,
    }
}

/// Answers the request with a failure: `message` is what the guest sees in
/// `other(...)`.
///
/// # Safety
/// `message` points at `len` bytes (UTF-8; others are replaced).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmfaas_kv_reply_error(
    reply: &mut wasmfaas_kv_reply_t,
    status: u32,
    message: *const u8,
    len: usize,
) {
    let message = unsafe { bytes(message, len) };
    reply.status = Some((Status::from_c(status), String::from_utf8_lossy(message).into_owned()));
}

/// Answers a number: the handle of `Open`, the result of `Increment`, 0 or 1
/// for `Exists`.
#[unsafe(no_mangle)]
pub extern "C" fn wasmfaas_kv_reply_number(reply: &mut wasmfaas_kv_reply_t, number: u64) {
    reply.number = number;
}

/// Appends a value: for `Get` once when the key exists; for `GetMany` once
/// per key in order, `found` false for a missing one.
///
/// # Safety
/// `data` points at `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmfaas_kv_reply_value(reply: &mut wasmfaas_kv_reply_t, found: bool, data: *const u8, len: usize) {
    let value = found.then(|| unsafe { bytes(data, len) }.to_vec());
    reply.values.push(value);
}

/// Appends a key to a `ListKeys` answer.
///
/// # Safety
/// `data` points at `len` bytes of UTF-8.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmfaas_kv_reply_key(reply: &mut wasmfaas_kv_reply_t, data: *const u8, len: usize) {
    reply.keys.push(String::from_utf8_lossy(unsafe { bytes(data, len) }).into_owned());
}

/// Sets where the next `ListKeys` page starts (only when more keys follow).
///
/// # Safety
/// `data` points at `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmfaas_kv_reply_cursor(reply: &mut wasmfaas_kv_reply_t, data: *const u8, len: usize) {
    reply.cursor = Some(unsafe { bytes(data, len) }.to_vec());
}

unsafe fn bytes<'a>(data: *const u8, len: usize) -> &'a [u8] {
    if len == 0 { &[] } else { unsafe { std::slice::from_raw_parts(data, len) } }
}

/// The wasi:keyvalue view of one store.
pub struct KeyValueView<'a>(HostView<'a>);

impl KeyValueView<'_> {
    fn bucket(&mut self, bucket: &Resource<Bucket>) -> Result<&mut Bucket, Error> {
        Ok(self.0.table.get_mut(bucket)?)
    }

    fn handle(&mut self, bucket: &Resource<Bucket>) -> Result<u32, Error> {
        Ok(self.bucket(bucket)?.handle)
    }

    fn host(&self) -> &KeyValueHost {
        &self.0.state.keyvalue
    }
}

impl wit::store::Host for KeyValueView<'_> {
    fn open(&mut self, identifier: String) -> Result<Resource<Bucket>, Error> {
        let reply = self.host().request(&request(wasmfaas_kv_op_t::Open, 0, identifier.as_bytes()))?;
        let handle = u32::try_from(reply.number).map_err(|_| Error::Other("bad store handle".into()))?;
        Ok(self.0.table.push(Bucket { handle, cursors: Vec::new() })?)
    }

    fn convert_error(&mut self, error: Error) -> Result<wit::store::Error> {
        Ok(match error {
            Error::NoSuchStore => wit::store::Error::NoSuchStore,
            Error::AccessDenied => wit::store::Error::AccessDenied,
            Error::Other(message) => wit::store::Error::Other(message),
        })
    }
}

impl wit::store::HostBucket for KeyValueView<'_> {
    fn get(&mut self, bucket: Resource<Bucket>, key: String) -> Result<Option<Vec<u8>>, Error> {
        let handle = self.handle(&bucket)?;
        let mut reply = self.host().request(&request(wasmfaas_kv_op_t::Get, handle, key.as_bytes()))?;
        Ok(reply.values.pop().flatten())
    }

    fn set(&mut self, bucket: Resource<Bucket>, key: String, value: Vec<u8>) -> Result<(), Error> {
        let handle = self.handle(&bucket)?;
        let mut set = request(wasmfaas_kv_op_t::Set, handle, key.as_bytes());
        set.value = wasmfaas_bytes_t::of(&value);
        self.host().request(&set)?;
        Ok(())
    }

    fn delete(&mut self, bucket: Resource<Bucket>, key: String) -> Result<(), Error> {
        let handle = self.handle(&bucket)?;
        self.host().request(&request(wasmfaas_kv_op_t::Delete, handle, key.as_bytes()))?;
        Ok(())
    }

    fn exists(&mut self, bucket: Resource<Bucket>, key: String) -> Result<bool, Error> {
        let handle = self.handle(&bucket)?;
        let reply = self.host().request(&request(wasmfaas_kv_op_t::Exists, handle, key.as_bytes()))?;
        Ok(reply.number != 0)
    }

    fn list_keys(&mut self, bucket: Resource<Bucket>, cursor: Option<u64>) -> Result<wit::store::KeyResponse, Error> {
        let handle = self.handle(&bucket)?;
        let mut list = request(wasmfaas_kv_op_t::ListKeys, handle, &[]);
        let position = match cursor {
            None => None,
            Some(position) => {
                let cursors = &self.bucket(&bucket)?.cursors;
                let index = usize::try_from(position).ok().and_then(|p| p.checked_sub(1));
                match index.and_then(|index| cursors.get(index)) {
                    Some(saved) => Some(saved.clone()),
                    None => return Err(Error::Other(format!("unknown list-keys cursor {position}"))),
                }
            }
        };
        if let Some(saved) = &position {
            list.has_cursor = true;
            list.cursor = wasmfaas_bytes_t::of(saved);
        }
        let reply = self.host().request(&list)?;
        let cursor = match reply.cursor {
            None => None,
            Some(next) => {
                let cursors = &mut self.bucket(&bucket)?.cursors;
                if cursors.len() >= MAX_CURSORS_PER_BUCKET {
                    return Err(Error::Other(format!(
                        "more than {MAX_CURSORS_PER_BUCKET} list-keys pages on one bucket handle: open the store again"
                    )));
                }
                cursors.push(next);
                Some(cursors.len() as u64)
            }
        };
        Ok(wit::store::KeyResponse { keys: reply.keys, cursor })
    }

    fn drop(&mut self, bucket: Resource<Bucket>) -> Result<()> {
        self.0.table.delete(bucket)?;
        Ok(())
    }
}

impl wit::atomics::Host for KeyValueView<'_> {
    fn increment(&mut self, bucket: Resource<Bucket>, key: String, delta: u64) -> Result<u64, Error> {
        let handle = self.handle(&bucket)?;
        let mut increment = request(wasmfaas_kv_op_t::Increment, handle, key.as_bytes());
        increment.delta = delta;
        Ok(self.host().request(&increment)?.number)
    }
}

impl wit::batch::Host for KeyValueView<'_> {
    fn get_many(&mut self, bucket: Resource<Bucket>, keys: Vec<String>) -> Result<Vec<Option<(String, Vec<u8>)>>, Error> {
        let handle = self.handle(&bucket)?;
        let borrowed: Vec<wasmfaas_bytes_t> = keys.iter().map(|key| wasmfaas_bytes_t::of(key.as_bytes())).collect();
        let mut get = request(wasmfaas_kv_op_t::GetMany, handle, &[]);
        get.keys = borrowed.as_ptr();
        get.count = borrowed.len();
        let reply = self.host().request(&get)?;
        if reply.values.len() != keys.len() {
            return Err(Error::Other("the host answered another number of values than keys".into()));
        }
        Ok(keys.into_iter().zip(reply.values).map(|(key, value)| value.map(|value| (key, value))).collect())
    }

    fn set_many(&mut self, bucket: Resource<Bucket>, key_values: Vec<(String, Vec<u8>)>) -> Result<(), Error> {
        let handle = self.handle(&bucket)?;
        let keys: Vec<wasmfaas_bytes_t> = key_values.iter().map(|(key, _)| wasmfaas_bytes_t::of(key.as_bytes())).collect();
        let values: Vec<wasmfaas_bytes_t> = key_values.iter().map(|(_, value)| wasmfaas_bytes_t::of(value)).collect();
        let mut set = request(wasmfaas_kv_op_t::SetMany, handle, &[]);
        set.keys = keys.as_ptr();
        set.values = values.as_ptr();
        set.count = keys.len();
        self.host().request(&set)?;
        Ok(())
    }

    fn delete_many(&mut self, bucket: Resource<Bucket>, keys: Vec<String>) -> Result<(), Error> {
        let handle = self.handle(&bucket)?;
        let borrowed: Vec<wasmfaas_bytes_t> = keys.iter().map(|key| wasmfaas_bytes_t::of(key.as_bytes())).collect();
        let mut delete = request(wasmfaas_kv_op_t::DeleteMany, handle, &[]);
        delete.keys = borrowed.as_ptr();
        delete.count = borrowed.len();
        self.host().request(&delete)?;
        Ok(())
    }
}

struct HasKeyValue;

impl HasData for HasKeyValue {
    type Data<'a> = KeyValueView<'a>;
}

fn keyvalue_view(data: &mut WasmtimeStoreData) -> KeyValueView<'_> {
    KeyValueView(host_view(data).expect(REQUIRED))
}

/// Adds wasi:keyvalue store, atomics and batch to `linker`.
pub fn add_to_linker(linker: &mut Linker<WasmtimeStoreData>) -> bool {
    wit::store::add_to_linker::<_, HasKeyValue>(linker, keyvalue_view).is_ok()
        && wit::atomics::add_to_linker::<_, HasKeyValue>(linker, keyvalue_view).is_ok()
        && wit::batch::add_to_linker::<_, HasKeyValue>(linker, keyvalue_view).is_ok()
}
