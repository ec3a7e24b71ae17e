//! Just enough of S3's ListObjectsV2 XML: the keys and sizes, whether the
//! listing is truncated and the token of the next page.

pub struct Entry {
    pub name: String,
    pub size: u64,
}

pub struct Page {
    pub entries: Vec<Entry>,
    pub truncated: bool,
    pub next_token: Option<String>,
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#13;", "\r")
        .replace("&amp;", "&")
}

/// The unescaped text of the first `<name>...</name>` in `xml`.
pub fn element(xml: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let start = xml.find(&open)? + open.len();
    let end = start + xml[start..].find(&format!("</{name}>"))?;
    Some(unescape(&xml[start..end]))
}

pub fn parse_list(xml: &str) -> Page {
    let mut entries = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find("<Contents>") {
        let Some(end) = rest[start..].find("</Contents>") else { break };
        let contents = &rest[start..start + end];
        if let Some(name) = element(contents, "Key") {
            let size = element(contents, "Size").and_then(|s| s.trim().parse().ok()).unwrap_or(0);
            entries.push(Entry { name, size });
        }
        rest = &rest[start + end..];
    }
    Page {
        entries,
        truncated: element(xml, "IsTruncated").is_some_and(|t| t.trim() == "true"),
        next_token: element(xml, "NextContinuationToken"),
    }
}
