//! The township office's endpoints: the review queue, a record's diff since approval, verdicts,
//! and any record's history (also open to workers, for their own villages). JSON both ways;
//! see `docs/review.md` and `openapi.json`.

use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::Value;

use super::auth::{Authenticated, Staff, now_ms};
use super::{ApiError, AppState, JsonBody};
use crate::dashboard::{self, Dashboard};
use crate::duplicates::{self, DuplicateGroup, MergeError, MergeOutcome, MergeRequest};
use crate::review::{
    self, QueueEntry, RecordHistory, RecordReview, ReturnedRecord, ReviewError, ReviewView,
};
use crate::store::Author;
use crate::store::reviews::{QueueFilter, Verdict};
use pingan_shared::document;
use pingan_shared::records::RecordType;
use pingan_shared::records::dispute::Dispute;
use pingan_shared::statistics::china_date;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/review/queue", get(queue))
        .route("/api/review/queue/count", get(queue_count))
        .route("/api/review/records/{id}", get(record))
        .route("/api/review/records/{id}/approve", post(approve))
        .route("/api/review/records/{id}/return", post(send_back))
        .route("/api/review/records/{id}/resolve", post(resolve))
        .route("/api/review/disputes", get(disputes_dashboard))
        .route("/api/review/duplicates", get(duplicate_groups))
        .route("/api/review/duplicates/merge", post(merge_duplicates))
        .route("/api/records/{id}/history", get(history))
        .route("/api/records/{id}/history/{seq}", get(record_at))
        .route("/api/returned", get(returned))
}

#[derive(Debug, Deserialize)]
struct QueueQuery {
    village: Option<String>,
    record_type: Option<String>,
    worker: Option<String>,
    limit: Option<usize>,
}

#[derive(Debug, Deserialize)]
struct VerdictRequest {
    /// Hex heads of the version the reviewer was shown.
    heads: Vec<String>,
    #[serde(default)]
    comment: String,
}

impl QueueQuery {
    fn filter(self) -> QueueFilter {
        let blank_is_none = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
        QueueFilter {
            village: blank_is_none(self.village),
            record_type: blank_is_none(self.record_type),
            worker: blank_is_none(self.worker),
            limit: self.limit.unwrap_or(review::MAX_QUEUE),
        }
    }
}

async fn queue(
    State(state): State<AppState>,
    _staff: Staff,
    Query(query): Query<QueueQuery>,
) -> Result<Json<Vec<QueueEntry>>, ApiError> {
    Ok(Json(review::queue(&state.store, &query.filter()).await?))
}

/// `{"total": N}`: how many records the same filters hold, beyond one page's 500.
async fn queue_count(
    State(state): State<AppState>,
    _staff: Staff,
    Query(query): Query<QueueQuery>,
) -> Result<Json<Value>, ApiError> {
    let total = state
        .store
        .review_queue_count(&query.filter())
        .await
        .map_err(ReviewError::from)?;
    Ok(Json(serde_json::json!({ "total": total })))
}

async fn record(
    State(state): State<AppState>,
    _staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<RecordReview>, ApiError> {
    Ok(Json(review::record_review(&state.store, &id).await?))
}

async fn approve(
    state: State<AppState>,
    auth: Staff,
    id: Path<String>,
    request: JsonBody<VerdictRequest>,
) -> Result<Json<ReviewView>, ApiError> {
    judge(state, auth, id, request, Verdict::Approved).await
}

async fn send_back(
    state: State<AppState>,
    auth: Staff,
    id: Path<String>,
    request: JsonBody<VerdictRequest>,
) -> Result<Json<ReviewView>, ApiError> {
    judge(state, auth, id, request, Verdict::Returned).await
}

async fn judge(
    State(state): State<AppState>,
    auth: Staff,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<VerdictRequest>,
    verdict: Verdict,
) -> Result<Json<ReviewView>, ApiError> {
    let view = review::judge(
        &state.store,
        &id,
        verdict,
        &request.heads,
        &request.comment,
        &auth.user.username,
        now_ms(),
    )
    .await?;
    Ok(Json(view))
}

#[derive(Debug, Deserialize)]
struct ResolveRequest {
    /// Path of the conflicted field, as listed under `conflicts`.
    field: String,
    /// Index into that conflict's `values`.
    choice: usize,
}

async fn resolve(
    State(state): State<AppState>,
    auth: Staff,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<ResolveRequest>,
) -> Result<Json<Value>, ApiError> {
    let author = Author {
        username: &auth.user.username,
        device_id: &auth.device_id,
        received_at_ms: now_ms(),
    };
    let heads = review::resolve(&state.store, &id, &request.field, request.choice, &author).await?;
    Ok(Json(serde_json::json!({ "heads": heads })))
}

async fn disputes_dashboard(
    State(state): State<AppState>,
    _staff: Staff,
) -> Result<Json<Dashboard>, ApiError> {
    let stored = state
        .store
        .documents_of_type(RecordType::Dispute.as_str())
        .await?;
    let disputes: Vec<(String, Dispute)> = stored
        .into_iter()
        .filter_map(|row| {
            let doc = document::load(&row.data).ok()?;
            Some((row.id, document::read::<Dispute>(&doc).ok()?))
        })
        .collect();
    Ok(Json(dashboard::dashboard(&disputes, china_date(now_ms()))))
}

async fn duplicate_groups(
    State(state): State<AppState>,
    _staff: Staff,
) -> Result<Json<Vec<DuplicateGroup>>, ApiError> {
    Ok(Json(duplicates::groups(&state.store).await?))
}

async fn merge_duplicates(
    State(state): State<AppState>,
    auth: Staff,
    JsonBody(request): JsonBody<MergeRequest>,
) -> Result<Json<MergeOutcome>, ApiError> {
    let author = Author {
        username: &auth.user.username,
        device_id: &auth.device_id,
        received_at_ms: now_ms(),
    };
    Ok(Json(
        duplicates::merge(&state.store, &request, &author).await?,
    ))
}

async fn history(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Json<RecordHistory>, ApiError> {
    let scope = auth.user.scope();
    Ok(Json(
        review::record_history(&state.store, &scope, &id).await?,
    ))
}

async fn record_at(
    State(state): State<AppState>,
    auth: Authenticated,
    Path((id, seq)): Path<(String, u64)>,
) -> Result<Json<Value>, ApiError> {
    let scope = auth.user.scope();
    Ok(Json(
        review::record_at(&state.store, &scope, &id, seq).await?,
    ))
}

/// Records the office returned in the caller's villages, not yet changed since.
async fn returned(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Json<Vec<ReturnedRecord>>, ApiError> {
    let scope = auth.user.scope();
    Ok(Json(review::open_returns(&state.store, &scope).await?))
}

impl From<ReviewError> for ApiError {
    fn from(error: ReviewError) -> Self {
        match error {
            ReviewError::NotFound(_) => ApiError::NotFound(error.to_string()),
            ReviewError::Invalid { code, message } => ApiError::bad_request(code, message),
            ReviewError::Unresolvable { .. } => {
                ApiError::bad_request("unresolvable", error.to_string())
            }
            ReviewError::Store(error) => ApiError::Store(error),
            ReviewError::History { .. } => {
                ApiError::Store(crate::store::StoreError::Corrupt(error.to_string()))
            }
        }
    }
}

impl From<MergeError> for ApiError {
    fn from(error: MergeError) -> Self {
        match error {
            MergeError::Invalid(message) => ApiError::bad_request("invalid_merge", message),
            MergeError::NotFound(_) => ApiError::NotFound(error.to_string()),
            MergeError::Store(error) => ApiError::Store(error),
        }
    }
}
