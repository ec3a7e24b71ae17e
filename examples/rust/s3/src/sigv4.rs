//! AWS Signature Version 4 for one unsigned-payload-free GET (the payload
//! is empty), with S3's rules: no path normalization, single encoding.

use sha2::{Digest, Sha256};
use std::time::{SystemTime, UNIX_EPOCH};

pub struct SigningInput<'a> {
    pub host: &'a str,
    pub path: &'a str,
    pub query: &'a [(String, String)],
    pub region: &'a str,
    pub access_key: &'a str,
    pub secret_key: &'a str,
    pub now: SystemTime,
}

pub struct SignedRequest {
    pub path_and_query: String,
    pub headers: Vec<(String, String)>,
}

const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// HMAC-SHA256 (RFC 2104) with a 64-byte block.
fn hmac(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&sha256(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(block.map(|b| b ^ 0x36));
    inner.update(message);
    let mut outer = Sha256::new();
    outer.update(block.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

/// Percent-encodes all but RFC 3986's unreserved characters (and '/' when
/// `keep_slash`).
pub fn uri_encode(text: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(byte as char),
            b'/' if keep_slash => out.push('/'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// `(YYYYMMDD, YYYYMMDDTHHMMSSZ)` of `now` in UTC.
fn amz_dates(now: SystemTime) -> (String, String) {
    let seconds = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = ((seconds / 86400) as i64, seconds % 86400);
    // Days since 1970-01-01 to a civil date (proleptic Gregorian calendar).
    let z = days + 719468;
    let era = z.div_euclid(146097);
    let day_of_era = z - era * 146097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + if month <= 2 { 1 } else { 0 };
    let date = format!("{year:04}{month:02}{day:02}");
    let time = format!("{date}T{:02}{:02}{:02}Z", rest / 3600, rest % 3600 / 60, rest % 60);
    (date, time)
}

/// The path with its query and the headers that sign a GET with an empty body.
pub fn sign_get(input: &SigningInput) -> SignedRequest {
    let (date, timestamp) = amz_dates(input.now);
    let mut query: Vec<(String, String)> =
        input.query.iter().map(|(k, v)| (uri_encode(k, false), uri_encode(v, false))).collect();
    query.sort();
    let canonical_query = query.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
    let signed_headers = "host;x-amz-content-sha256;x-amz-date";
    let canonical_request = format!(
        "GET\n{}\n{canonical_query}\nhost:{}\nx-amz-content-sha256:{EMPTY_SHA256}\nx-amz-date:{timestamp}\n\n{signed_headers}\n{EMPTY_SHA256}",
        input.path, input.host
    );
    let scope = format!("{date}/{}/s3/aws4_request", input.region);
    let string_to_sign =
        format!("AWS4-HMAC-SHA256\n{timestamp}\n{scope}\n{}", hex(&sha256(canonical_request.as_bytes())));
    let mut key = hmac(format!("AWS4{}", input.secret_key).as_bytes(), date.as_bytes());
    for part in [input.region, "s3", "aws4_request"] {
        key = hmac(&key, part.as_bytes());
    }
    let signature = hex(&hmac(&key, string_to_sign.as_bytes()));
    let authorization = format!(
        "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={signature}",
        input.access_key
    );
    SignedRequest {
        path_and_query: format!("{}?{canonical_query}", input.path),
        headers: vec![
            ("x-amz-content-sha256".to_string(), EMPTY_SHA256.to_string()),
            ("x-amz-date".to_string(), timestamp),
            ("authorization".to_string(), authorization),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc4231_case_2() {
        let mac = hmac(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(hex(&mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    #[test]
    fn dates() {
        let now = UNIX_EPOCH + std::time::Duration::from_secs(1_440_938_160);
        assert_eq!(amz_dates(now), ("20150830".to_string(), "20150830T123600Z".to_string()));
    }
}
