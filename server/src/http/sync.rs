//! `POST /api/sync`: a device uploads the changes the server has not acknowledged yet.
//!
//! Each document is merged and validated on its own, so one bad record does not hold back the
//! rest of the batch; the accepted ones are committed together, and only then is the answer
//! sent. Resending a batch is harmless: Automerge changes are content-addressed.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, header};
use axum::response::IntoResponse;
use axum::routing::post;
use pingan_shared::document::DocumentId;
use pingan_shared::statistics::china_date;
use pingan_shared::sync::protocol::{self, Accepted, SyncRequest, SyncResponse};
use serde_bytes::ByteBuf;

use super::{ApiError, AppState, MAX_SYNC_BODY_BYTES};
use crate::merge::{Refusal, merge_upload};
use crate::store::{ChangeRecord, StoredDocument};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/sync", post(sync))
        .layer(DefaultBodyLimit::max(MAX_SYNC_BODY_BYTES))
}

async fn sync(
    State(state): State<AppState>,
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
    let request: SyncRequest = protocol::decode("sync request", &body)
        .map_err(|e| ApiError::bad_request("malformed_body", e.to_string()))?;
    if request.device_id.trim().is_empty() {
        return Err(ApiError::bad_request(
            "missing_device_id",
            "device_id must name the sending device",
        ));
    }

    let now_ms = now_ms();
    let today = china_date(now_ms);
    let mut response = SyncResponse::default();
    let mut tx = state.store.begin_write().await?;
    for upload in &request.documents {
        if let Err(e) = DocumentId::parse(&upload.document_id) {
            response
                .rejected
                .push(Refusal::bad_id(e.to_string()).into_rejected(&upload.document_id));
            continue;
        }
        let stored = tx.load(&upload.document_id).await?;
        let changes: Vec<Vec<u8>> = upload.changes.iter().map(|c| c.to_vec()).collect();
        let merged = match merge_upload(stored.as_ref().map(|d| d.data.as_slice()), &changes, today)
        {
            Ok(merged) => merged,
            Err(refusal) => {
                tracing::info!(document = %upload.document_id, code = refusal.code, "refused upload");
                response
                    .rejected
                    .push(refusal.into_rejected(&upload.document_id));
                continue;
            }
        };
        let change_records: Vec<ChangeRecord> = merged
            .new_changes
            .iter()
            .map(|(hash, data)| ChangeRecord {
                hash: &hash.0,
                data,
                device_id: &request.device_id,
                received_at_ms: now_ms,
            })
            .collect();
        let heads: Vec<u8> = merged.heads.iter().flat_map(|h| h.0).collect();
        let document = StoredDocument {
            id: upload.document_id.clone(),
            record_type: merged.record_type.as_str().to_owned(),
            village: merged.village,
            data: merged.data,
        };
        tx.save(&document, &heads, &change_records, now_ms).await?;
        response.accepted.push(Accepted {
            document_id: upload.document_id.clone(),
            heads: merged
                .heads
                .iter()
                .map(|h| ByteBuf::from(h.0.to_vec()))
                .collect(),
        });
    }
    tx.commit().await?;

    Ok((
        [(header::CONTENT_TYPE, protocol::CONTENT_TYPE)],
        protocol::encode(&response),
    ))
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}
