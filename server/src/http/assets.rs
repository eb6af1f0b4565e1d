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
