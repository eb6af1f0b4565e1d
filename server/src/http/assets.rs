//! The built field app, served as static files.
//!
//! Files are precompressed at build time (brotli and gzip siblings), so a phone on 2G gets the
//! smallest encoding it accepts at no CPU cost per request. Everything is served `no-cache`:
//! names are not content-hashed, so the browser must revalidate; the service worker is what
//! makes the app open offline, not the HTTP cache.

use std::path::PathBuf;

use axum::http::{HeaderValue, header};
use tower::Layer;
use tower_http::services::ServeDir;
use tower_http::set_header::{SetResponseHeader, SetResponseHeaderLayer};

pub fn service(dir: PathBuf) -> SetResponseHeader<ServeDir, HeaderValue> {
    let files = ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(true);
    SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"))
        .layer(files)
}

/// The SHA-256 of each inline `<script>` of the app's pages (base64), which the
/// Content-Security-Policy allows by hash; read from the built files, so the policy always
/// matches what is served.
pub fn inline_script_hashes(dir: &std::path::Path) -> Vec<String> {
    use base64::Engine;
    use sha2::Digest;
    let mut hashes = Vec::new();
    for page in ["index.html", "office.html"] {
        let Ok(html) = std::fs::read_to_string(dir.join(page)) else {
            continue;
        };
        let mut rest = html.as_str();
        while let Some(start) = rest.find("<script") {
            let tag_end = match rest[start..].find('>') {
                Some(end) => start + end,
                None => break,
            };
            let tag = &rest[start..tag_end];
            let body_end = match rest[tag_end..].find("</script>") {
                Some(end) => tag_end + end,
                None => break,
            };
            if !tag.contains("src=") {
                let body = &rest[tag_end + 1..body_end];
                hashes.push(
                    base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(body)),
                );
            }
            rest = &rest[body_end..];
        }
    }
    hashes.sort();
    hashes.dedup();
    hashes
}
