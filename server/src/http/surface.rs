//! What every answer carries whatever the handler: the browser's security headers, no
//! caching of anything personal, and one JSON error body.
//!
//! The API's answers are personal data (records, lists, ledgers, tokens), so none may stay in
//! a browser's or a proxy's cache: `Cache-Control: no-store` on every `/api/` answer. The app's
//! files keep `no-cache` (`assets.rs`). Every page is refused framing, every answer sniffing.
//! Any 4xx/5xx that did not come from [`ApiError`] — axum's own rejections (a bad path or
//! query, a wrong method, a body over its limit) and unknown paths under `/api/` — is rewritten
//! as `{error, message}` in plain words, never a Rust type or a decoder's internals.

use axum::Json;
use axum::http::header::{CONTENT_TYPE, HeaderName};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::ApiError;

/// The policy for the app's pages: its own scripts (and the inline module scripts that start
/// it, by hash), WebAssembly (`'wasm-unsafe-eval'`), its own styles, data and blob images
/// (the ledger download), calls to this server only, never framed.
pub fn content_security_policy(inline_script_hashes: &[String]) -> String {
    let hashes: String = inline_script_hashes
        .iter()
        .map(|hash| format!(" 'sha256-{hash}'"))
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self'; \
         img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; \
         manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// The headers every answer gets, the policy included.
pub fn security_headers(csp: &str) -> Vec<(HeaderName, HeaderValue)> {
    vec![
        (
            HeaderName::from_static("content-security-policy"),
            HeaderValue::from_str(csp).expect("the policy is ASCII"),
        ),
        (
            HeaderName::from_static("x-content-type-options"),
            HeaderValue::from_static("nosniff"),
        ),
        (
            HeaderName::from_static("x-frame-options"),
            HeaderValue::from_static("DENY"),
        ),
        (
            HeaderName::from_static("referrer-policy"),
            HeaderValue::from_static("no-referrer"),
        ),
    ]
}

/// An unknown path under `/api/`: JSON, not the app's 404 page.
pub async fn unknown_endpoint() -> ApiError {
    ApiError::NotFound("no such endpoint; see /api/openapi.json".into())
}

/// A known path asked with a method it does not take.
pub async fn json_errors_for_method() -> Response {
    (
        StatusCode::METHOD_NOT_ALLOWED,
        Json(serde_json::json!({
            "error": "method_not_allowed",
            "message": "this endpoint does not take that method; see /api/openapi.json",
        })),
    )
        .into_response()
}

/// Rewrites an error answer that is not already JSON `{error, message}`.
pub async fn json_errors(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (code, message) = match status {
        StatusCode::BAD_REQUEST => (
            "bad_request",
            "the path, query or body is not what this endpoint takes; see /api/openapi.json",
        ),
        StatusCode::UNAUTHORIZED => ("unauthorized", "log in first"),
        StatusCode::FORBIDDEN => ("forbidden", "not allowed for this login"),
        StatusCode::NOT_FOUND => ("not_found", "no such endpoint or record"),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "this endpoint does not take that method; see /api/openapi.json",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "payload_too_large",
            "the body is larger than this endpoint accepts (16 MiB for a sync)",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported_media_type",
            "the body's Content-Type or Content-Encoding is not one this endpoint takes",
        ),
        StatusCode::UNPROCESSABLE_ENTITY => (
            "malformed_body",
            "the body does not have the keys and values this endpoint takes",
        ),
        status if status.is_server_error() => {
            ("internal", "internal server error; nothing was stored")
        }
        _ => ("error", "the request was refused"),
    };
    let mut rewritten = (
        status,
        Json(serde_json::json!({ "error": code, "message": message })),
    )
        .into_response();
    // Keep what the original said beyond its body (Allow, Retry-After, the cache policy).
    for (name, value) in response.headers() {
        if name != CONTENT_TYPE && name != axum::http::header::CONTENT_LENGTH {
            rewritten.headers_mut().insert(name, value.clone());
        }
    }
    rewritten
}
