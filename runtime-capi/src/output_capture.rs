//! `wasmfaas_wasi_config_capture_output`: routes a WASI config's stdout and
//! stderr to C callbacks *synchronously*.
//!
//! The C API's own `wasi_config_set_stdout_custom` wraps its callback in
//! `StdoutStream`'s default `p2_stream`, an `AsyncWriteStream` that hands
//! every write to a background tokio task, so each guest `print` costs a
//! cross-thread round trip (about 100 us per call measured here). This
//! stream implements the WASIp2 `OutputStream` directly instead.

use bytes::Bytes;
use std::ffi::c_void;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::io::AsyncWrite;
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamError};

/// Receives `len` bytes the guest wrote; returns how many it took (all of
/// them) or a negative errno.
pub type WriteCallback = extern "C" fn(data: *mut c_void, bytes: *const u8, len: usize) -> isize;

#[derive(Clone, Copy)]
struct CaptureStream {
    callback: WriteCallback,
    // The C side's sink; it outlives the store (the caller guarantees it).
    data: usize,
}

impl CaptureStream {
    fn write_all(&self, bytes: &[u8]) -> io::Result<()> {
        let taken = (self.callback)(self.data as *mut c_void, bytes.as_ptr(), bytes.len());
        if taken < 0 || taken as usize != bytes.len() {
            return Err(io::Error::other("output capture refused the write"));
        }
        Ok(())
    }
}

impl IsTerminal for CaptureStream {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for CaptureStream {
    fn async_stream(&self) -> Box<dyn AsyncWrite + Send + Sync> {
        Box::new(*self)
    }

    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(*self)
    }
}

#[async_trait::async_trait]
impl Pollable for CaptureStream {
    async fn ready(&mut self) {}
}

#[async_trait::async_trait]
impl OutputStream for CaptureStream {
    fn write(&mut self, bytes: Bytes) -> Result<(), StreamError> {
        self.write_all(&bytes)
            .map_err(|e| StreamError::LastOperationFailed(e.into()))
    }

    fn flush(&mut self) -> Result<(), StreamError> {
        Ok(())
    }

    fn check_write(&mut self) -> Result<usize, StreamError> {
        Ok(64 * 1024)
    }
}

impl AsyncWrite for CaptureStream {
    fn poll_write(self: Pin<&mut Self>, _: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Poll::Ready(self.write_all(buf).map(|()| buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// Sends the guest's stdout and stderr of `config` (a `wasi_config_t*`) to
/// the callbacks, synchronously on the thread running the guest.
///
/// # Safety
/// `config` must be a live `wasi_config_t` from `wasi_config_new`. The
/// `data` pointers must stay valid for as long as any store built from the
/// config lives, and the callbacks must be callable from any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmfaas_wasi_config_capture_output(
    config: *mut c_void,
    stdout_callback: WriteCallback,
    stdout_data: *mut c_void,
    stderr_callback: WriteCallback,
    stderr_data: *mut c_void,
) {
    // SAFETY: in wasmtime-c-api-impl =48.0.8 (pinned in Cargo.toml),
    // `wasi_config_t` is `#[repr(C)] struct { builder: WasiCtxBuilder }`, so
    // a pointer to it is a pointer to its only field; `WasiCtxBuilder` is the
    // same type here since both crates resolve wasmtime-wasi =48.0.8.
    let builder = unsafe { &mut *(config as *mut WasiCtxBuilder) };
    builder.stdout(CaptureStream {
        callback: stdout_callback,
        data: stdout_data as usize,
    });
    builder.stderr(CaptureStream {
        callback: stderr_callback,
        data: stderr_data as usize,
    });
}
