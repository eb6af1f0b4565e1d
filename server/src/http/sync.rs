//! `POST /api/sync`: decode the device's CBOR request, run one sync round trip
//! ([`crate::sync`]), answer in CBOR. Resending a request is harmless: Automerge changes are
//! content-addressed and the download position only moves when the device stores an answer.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, header};
use axum::response::IntoResponse;
use axum::routing::post;
use pingan_shared::sync::protocol::{self, SyncRequest};

use super::auth::{Token, now_ms};
use crate::store::Author;
use tower_http::compression::CompressionLayer;
use tower_http::decompression::RequestDecompressionLayer;

use super::{ApiError, AppState, MAX_SYNC_BODY_BYTES};

/// Bodies may be gzip-compressed both ways (`Content-Encoding` / `Accept-Encoding`): Automerge
/// changes repeat actor ids and field names, and on 2G every byte is airtime. The body limit
/// applies to the decompressed size, so a small compressed bomb cannot exhaust memory.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/sync", post(sync))
        .layer(DefaultBodyLimit::max(MAX_SYNC_BODY_BYTES))
        .layer(RequestDecompressionLayer::new())
        .layer(CompressionLayer::new())
}

async fn sync(
    State(state): State<AppState>,
    auth: Token,
    headers: HeaderMap,
    body: Bytes,
) -> Result<impl IntoResponse, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !content_type.starts_with(protocol::CONTENT_TYPE) {
        return Err(ApiError::UnsupportedMediaType {
            expected: protocol::CONTENT_TYPE,
        });
    }
    let mut request: SyncRequest = protocol::decode("sync request", &body)
        .map_err(|e| ApiError::bad_request("malformed_body", plain_decode_error(&e.reason)))?;
    if request.device_id.trim().is_empty() {
        return Err(ApiError::bad_request(
            "missing_device_id",
            "device_id must name the sending device",
        ));
    }

    // A token is bound to the device that logged in with it; another device presenting it is
    // using a stolen or copied token.
    auth.check_device(&request.device_id)?;
    let principal = auth.principal();
    let now = now_ms();
    let crash_reports = std::mem::take(&mut request.crash_reports);
    let mut response = crate::sync::sync(&state.store, &principal, request, now).await?;
    crate::metrics::sync_accepted(response.accepted.len());
    for rejected in &response.rejected {
        crate::metrics::sync_refused(rejected.code.as_str());
    }
    // After the uploads merged: a correction sent in this request already takes its record
    // off the list.
    response.returned = crate::review::open_returns(&state.store, &principal.scope).await?;
    // Only once the sync succeeded: an answer that never comes makes the device send them
    // again, and a report already kept is kept once.
    let author = Author {
        username: &principal.user,
        device_id: &principal.device_id,
        received_at_ms: now,
    };
    crate::crashes::receive(&state.store, &author, &crash_reports).await;

    Ok((
        [(header::CONTENT_TYPE, protocol::CONTENT_TYPE)],
        protocol::encode(&response),
    ))
}

/// What the CBOR decoder found, in words a client's developer can act on: the decoder's own
/// text names Rust types and its variants (`Semantic(None, "invalid type: …")`).
fn plain_decode_error(reason: &str) -> String {
    const WHAT: &str = "the body is not a valid CBOR sync request";
    if reason.starts_with("Syntax") || reason.starts_with("Io") {
        return format!("{WHAT}: it is not well-formed CBOR");
    }
    if reason.starts_with("RecursionLimitExceeded") {
        return format!("{WHAT}: it nests too deeply");
    }
    // A semantic error quotes serde's message: `missing field `position``, `invalid type:
    // string "x", expected a map`, `unknown variant `y`, expected one of …`.
    let detail = reason
        .split_once('"')
        .and_then(|(_, rest)| rest.rsplit_once('"'))
        .map(|(inner, _)| inner.replace("\\\"", "\"").replace('`', "\""));
    match detail {
        Some(detail) if !detail.is_empty() => format!("{WHAT}: {detail}"),
        _ => format!("{WHAT}; see docs/sync-protocol.md"),
    }
}

#[cfg(test)]
mod tests {
    use super::plain_decode_error;

    #[test]
    fn decoder_errors_are_put_in_plain_words() {
        assert_eq!(
            plain_decode_error("Semantic(None, \"missing field `position`\")"),
            "the body is not a valid CBOR sync request: missing field \"position\""
        );
        assert_eq!(
            plain_decode_error("Syntax(3)"),
            "the body is not a valid CBOR sync request: it is not well-formed CBOR"
        );
        assert!(!plain_decode_error("Io(UnexpectedEof)").contains("Io"));
    }
}
