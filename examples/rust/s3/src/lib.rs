//! s3: `{"bucket":"b"}` -> `{"success":true,"files":[{"name":"k","size":3},...]}`.
//!
//! Lists a bucket of an S3 server from inside the sandbox: ListObjectsV2
//! (path-style, following continuation tokens) signed with SigV4, sent over
//! wasi:http. The server and credentials come from the function's config
//! env: AWS_ENDPOINT_URL (e.g. http://127.0.0.1:9000), AWS_REGION (default
//! us-east-1), AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY. The endpoint must
//! be in the function's allowed_hosts. Failures give
//! `{"success":false,"error":"..."}`; a refused request names the wasi:http
//! error, e.g. `HTTP-request-denied`.

wit_bindgen::generate!({
    world: "faas-exec-http",
    path: "wit",
    generate_all,
});

mod list_xml;
mod outgoing;
mod sigv4;

use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
struct Input {
    bucket: String,
}

/// Where and as whom to connect, from the environment.
struct Settings {
    scheme: String,
    authority: String,
    region: String,
    access_key: String,
    secret_key: String,
}

fn settings() -> Result<Settings, String> {
    let need = |name: &str| std::env::var(name).map_err(|_| format!("{name} is not set in the function's config env"));
    let endpoint = need("AWS_ENDPOINT_URL")?;
    let (scheme, authority) = endpoint
        .trim_end_matches('/')
        .split_once("://")
        .ok_or_else(|| format!("AWS_ENDPOINT_URL '{endpoint}' is not scheme://host[:port]"))?;
    Ok(Settings {
        scheme: scheme.to_string(),
        authority: authority.to_string(),
        region: std::env::var("AWS_REGION").unwrap_or_else(|_| "us-east-1".to_string()),
        access_key: need("AWS_ACCESS_KEY_ID")?,
        secret_key: need("AWS_SECRET_ACCESS_KEY")?,
    })
}

fn list_bucket(bucket: &str) -> Result<Vec<list_xml::Entry>, String> {
    let settings = settings()?;
    let mut files = Vec::new();
    let mut continuation: Option<String> = None;
    loop {
        let mut query = vec![("list-type".to_string(), "2".to_string())];
        if let Some(token) = &continuation {
            query.push(("continuation-token".to_string(), token.clone()));
        }
        let path = format!("/{}", sigv4::uri_encode(bucket, false));
        let signed = sigv4::sign_get(&sigv4::SigningInput {
            host: &settings.authority,
            path: &path,
            query: &query,
            region: &settings.region,
            access_key: &settings.access_key,
            secret_key: &settings.secret_key,
            now: std::time::SystemTime::now(),
        });
        let response = outgoing::get(&settings.scheme, &settings.authority, &signed.path_and_query, &signed.headers)?;
        let body = String::from_utf8_lossy(&response.body).into_owned();
        if !(200..300).contains(&response.status) {
            let code = list_xml::element(&body, "Code").unwrap_or_default();
            return Err(format!("S3 answered {} {code}", response.status));
        }
        let page = list_xml::parse_list(&body);
        files.extend(page.entries);
        match page.next_token {
            Some(token) if page.truncated => continuation = Some(token),
            _ => return Ok(files),
        }
    }
}

struct S3;

impl Guest for S3 {
    fn exec(input: String) -> String {
        let input = match serde_json::from_str::<Input>(&input) {
            Ok(input) => input,
            Err(error) => return json!({ "success": false, "error": error.to_string() }).to_string(),
        };
        match list_bucket(&input.bucket) {
            Ok(files) => {
                let files: Vec<_> = files.iter().map(|f| json!({ "name": f.name, "size": f.size })).collect();
                json!({ "success": true, "files": files })
            }
            Err(error) => json!({ "success": false, "error": error }),
        }
        .to_string()
    }
}

export!(S3);
