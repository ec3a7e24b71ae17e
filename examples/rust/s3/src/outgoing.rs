//! One blocking GET over wasi:http/outgoing-handler.

use crate::wasi::http::outgoing_handler;
use crate::wasi::http::types::{ErrorCode, Fields, OutgoingRequest, Scheme};
use crate::wasi::io::streams::StreamError;

pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
}

/// The WIT name of a wasi:http error (what the spec calls it).
fn error_name(error: &ErrorCode) -> String {
    match error {
        ErrorCode::HttpRequestDenied => "HTTP-request-denied".to_string(),
        ErrorCode::DestinationIpProhibited => "destination-IP-prohibited".to_string(),
        ErrorCode::ConnectionRefused => "connection-refused".to_string(),
        ErrorCode::ConnectionTimeout => "connection-timeout".to_string(),
        ErrorCode::ConnectionReadTimeout => "connection-read-timeout".to_string(),
        ErrorCode::ConnectionLimitReached => "connection-limit-reached".to_string(),
        ErrorCode::HttpResponseTimeout => "HTTP-response-timeout".to_string(),
        ErrorCode::HttpResponseBodySize(_) => "HTTP-response-body-size".to_string(),
        other => format!("{other:?}"),
    }
}

pub fn get(scheme: &str, authority: &str, path_and_query: &str, headers: &[(String, String)]) -> Result<Response, String> {
    let fields: Vec<(String, Vec<u8>)> = headers.iter().map(|(k, v)| (k.clone(), v.clone().into_bytes())).collect();
    let fields = Fields::from_list(&fields).map_err(|e| format!("bad header: {e:?}"))?;
    let request = OutgoingRequest::new(fields);
    let scheme = match scheme {
        "http" => Scheme::Http,
        "https" => Scheme::Https,
        other => Scheme::Other(other.to_string()),
    };
    request.set_scheme(Some(&scheme)).map_err(|_| "bad scheme".to_string())?;
    request.set_authority(Some(authority)).map_err(|_| "bad authority".to_string())?;
    request.set_path_with_query(Some(path_and_query)).map_err(|_| "bad path".to_string())?;
    let pending = outgoing_handler::handle(request, None).map_err(|e| error_name(&e))?;
    pending.subscribe().block();
    let response = match pending.get() {
        Some(Ok(Ok(response))) => response,
        Some(Ok(Err(error))) => return Err(error_name(&error)),
        _ => return Err("the response was lost".to_string()),
    };
    let status = response.status();
    let body = response.consume().map_err(|_| "no response body".to_string())?;
    let stream = body.stream().map_err(|_| "no response body stream".to_string())?;
    let mut bytes = Vec::new();
    loop {
        match stream.blocking_read(64 * 1024) {
            Ok(chunk) => bytes.extend_from_slice(&chunk),
            Err(StreamError::Closed) => break,
            Err(StreamError::LastOperationFailed(error)) => {
                let cause = crate::wasi::http::types::http_error_code(&error);
                return Err(cause.map_or_else(|| error.to_debug_string(), |c| error_name(&c)));
            }
        }
    }
    drop(stream);
    Ok(Response { status, body: bytes })
}
