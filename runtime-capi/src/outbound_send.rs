//! Sends one outgoing wasi:http request that the allow-list let through,
//! with the guards that apply where it leaves the process: the host's
//! resolved addresses are checked (no link-local or metadata address) and
//! the connection goes to a checked address, never to a second lookup;
//! connect, first-byte and total timeouts; a response size limit; and a
//! bound on the requests in flight at once for one invocation.

use crate::http_policy::is_forbidden_address;
use bytes::Bytes;
use http_body::{Body, Frame};
use http_body_util::BodyExt;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::time::{Instant, Sleep};
use wasmtime_wasi_http::io::TokioIo;
use wasmtime_wasi_http::{Error, WasiBody};

/// The guards of one invocation's outgoing requests.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub connect_timeout: Duration,
    pub first_byte_timeout: Duration,
    pub total_timeout: Duration,
    pub max_response_bytes: u64,
    pub max_concurrent_requests: usize,
}

/// State shared by one invocation's requests: how many are in flight and
/// the denials to report. Thread-safe (requests run on tokio's threads).
#[derive(Default)]
pub struct Shared {
    in_flight: AtomicUsize,
    denials: Mutex<Vec<String>>,
}

impl Shared {
    pub fn record_denial(&self, message: String) {
        self.denials.lock().unwrap_or_else(|e| e.into_inner()).push(message);
    }

    pub fn take_denials(&self) -> Vec<String> {
        std::mem::take(&mut *self.denials.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// One slot of `max_concurrent_requests`, released on drop.
struct InFlight(Arc<Shared>);

impl InFlight {
    fn acquire(shared: &Arc<Shared>, max: usize) -> Option<InFlight> {
        let mut current = shared.in_flight.load(Ordering::Relaxed);
        loop {
            if current >= max {
                return None;
            }
            match shared.in_flight.compare_exchange(current, current + 1, Ordering::AcqRel, Ordering::Relaxed) {
                Ok(_) => return Some(InFlight(shared.clone())),
                Err(seen) => current = seen,
            }
        }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

trait Stream: AsyncRead + AsyncWrite + Send + Sync + Unpin + 'static {}
impl<T: AsyncRead + AsyncWrite + Send + Sync + Unpin + 'static> Stream for T {}

fn tls_config() -> Arc<rustls::ClientConfig> {
    static CONFIG: OnceLock<Arc<rustls::ClientConfig>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.into() };
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let config = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .expect("ring supports the default protocol versions")
                .with_root_certificates(roots)
                .with_no_client_auth();
            Arc::new(config)
        })
        .clone()
}

/// Resolves `host` and refuses it if any address is forbidden.
async fn checked_addresses(host: &str, port: u16, shared: &Shared, target: &str) -> Result<Vec<SocketAddr>, Error> {
    let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| Error::DnsError { rcode: Some(e.to_string()), info_code: None })?
        .collect();
    if let Some(forbidden) = addresses.iter().find(|a| is_forbidden_address(a.ip())) {
        shared.record_denial(format!(
            "outgoing request to {target} denied: {host} resolves to {} (link-local or cloud metadata address)",
            forbidden.ip()
        ));
        return Err(Error::DestinationIpProhibited);
    }
    if addresses.is_empty() {
        return Err(Error::DestinationNotFound);
    }
    Ok(addresses)
}

async fn connect_any(addresses: &[SocketAddr]) -> Result<TcpStream, Error> {
    let mut last = None;
    for address in addresses {
        match TcpStream::connect(address).await {
            Ok(stream) => return Ok(stream),
            Err(e) => last = Some(e),
        }
    }
    Err(Error::Connect(last.unwrap_or_else(|| std::io::Error::other("no address"))))
}

/// Connects (TCP, then TLS for https) to a checked address of `host`.
async fn open(use_tls: bool, host: &str, port: u16, limits: &Limits, shared: &Shared, target: &str) -> Result<Box<dyn Stream>, Error> {
    let addresses = checked_addresses(host, port, shared, target).await?;
    let stream = tokio::time::timeout(limits.connect_timeout, connect_any(&addresses))
        .await
        .map_err(|_| Error::ConnectionTimeout)??;
    if !use_tls {
        return Ok(Box::new(stream));
    }
    let name = match host.parse::<std::net::IpAddr>() {
        Ok(ip) => rustls::pki_types::ServerName::from(ip),
        Err(_) => rustls::pki_types::ServerName::try_from(host.to_string()).map_err(Error::InvalidDnsNameError)?,
    };
    let connector = tokio_rustls::TlsConnector::from(tls_config());
    let stream = tokio::time::timeout(limits.connect_timeout, connector.connect(name, stream))
        .await
        .map_err(|_| Error::ConnectionTimeout)?
        .map_err(Error::Tls)?;
    Ok(Box::new(stream))
}

/// A response body bounded in size and by the request's total deadline; it
/// holds the request's in-flight slot and its connection task.
struct GuardedBody {
    incoming: hyper::body::Incoming,
    deadline: Pin<Box<Sleep>>,
    remaining: u64,
    limit: u64,
    _slot: InFlight,
    _connection: wasmtime_wasi::runtime::AbortOnDropJoinHandle<()>,
}

impl Body for GuardedBody {
    type Data = Bytes;
    type Error = Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        let this = &mut *self;
        match Pin::new(&mut this.incoming).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                let size = frame.data_ref().map_or(0, |data| data.len() as u64);
                if size > this.remaining {
                    return Poll::Ready(Some(Err(Error::HttpResponseBodySize(Some(this.limit)))));
                }
                this.remaining -= size;
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(Error::from(e)))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => match this.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(Error::HttpResponseTimeout))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.incoming.is_end_stream()
    }
}

/// What `WasiHttpHooks::send_request` returns.
pub type SendFuture = Box<
    dyn Future<Output = Result<(http::Response<WasiBody>, Box<dyn Future<Output = Result<(), Error>> + Send>), Error>>
        + Send,
>;

fn min_option(ours: Duration, guest: Option<Duration>) -> Duration {
    guest.map_or(ours, |g| g.min(ours))
}

/// Sends `request` (already allowed) under `limits`.
pub async fn send(
    mut request: http::Request<WasiBody>,
    guest_options: Option<wasmtime_wasi_http::RequestOptions>,
    mut limits: Limits,
    shared: Arc<Shared>,
    target: String,
) -> Result<(http::Response<WasiBody>, Box<dyn Future<Output = Result<(), Error>> + Send>), Error> {
    let Some(slot) = InFlight::acquire(&shared, limits.max_concurrent_requests) else {
        shared.record_denial(format!(
            "outgoing request to {target} denied: more than {} requests in flight",
            limits.max_concurrent_requests
        ));
        return Err(Error::ConnectionLimitReached);
    };
    if let Some(options) = guest_options {
        limits.connect_timeout = min_option(limits.connect_timeout, options.connect_timeout);
        limits.first_byte_timeout = min_option(limits.first_byte_timeout, options.first_byte_timeout);
    }
    let deadline = Instant::now() + limits.total_timeout;
    let uri = request.uri().clone();
    let use_tls = uri.scheme() == Some(&http::uri::Scheme::HTTPS);
    let host = uri.host().ok_or(Error::HttpRequestUriInvalid)?;
    let host = host.trim_start_matches('[').trim_end_matches(']').to_string();
    let port = uri.port_u16().unwrap_or(if use_tls { 443 } else { 80 });

    let opened = tokio::time::timeout_at(deadline, open(use_tls, &host, port, &limits, &shared, &target));
    let stream = opened.await.map_err(|_| Error::HttpResponseTimeout)??;
    let handshake = hyper::client::conn::http1::handshake(TokioIo::new(stream));
    let (mut sender, connection) = tokio::time::timeout_at(deadline, handshake)
        .await
        .map_err(|_| Error::ConnectionTimeout)??;
    let connection = wasmtime_wasi::runtime::spawn(async move {
        let _ = connection.await;
    });
    // The request line carries only the path (no proxy in between).
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    *request.uri_mut() = http::Uri::builder()
        .path_and_query(path)
        .build()
        .map_err(|_| Error::HttpRequestUriInvalid)?;
    let first_byte = deadline.min(Instant::now() + limits.first_byte_timeout);
    let response = tokio::time::timeout_at(first_byte, sender.send_request(request))
        .await
        .map_err(|_| Error::ConnectionReadTimeout)?
        .map_err(Error::from)?;
    let declared = response
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits.max_response_bytes) {
        return Err(Error::HttpResponseBodySize(declared));
    }
    let limit = limits.max_response_bytes;
    let response = response.map(|incoming| {
        GuardedBody {
            incoming,
            deadline: Box::pin(tokio::time::sleep_until(deadline)),
            remaining: limit,
            limit,
            _slot: slot,
            _connection: connection,
        }
        .boxed_unsync()
    });
    Ok((response, Box::new(async { Ok(()) })))
}
