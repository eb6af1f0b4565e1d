//! The server's review API as the office screens read it: the JSON messages of
//! `openapi.json` (`/api/review/…`, `/api/records/{id}/history`, `/api/ledgers/…`), with only
//! the fields the screens show. The server writes these; a field added there is ignored here.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api;
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Verdict {
    /// `approved` or `returned`.
    pub verdict: String,
    pub reviewer: String,
    pub comment: String,
    pub reviewed_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct QueueEntry {
    pub document_id: String,
    pub record_type: String,
    pub village: String,
    pub label: String,
    pub updated_at_ms: i64,
    pub conflicts: usize,
    pub last_review: Option<Verdict>,
}

/// Who sent the upload that wrote something.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Attribution {
    pub seq: u64,
    pub username: String,
    pub device_id: String,
    pub received_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub changed_by: Vec<Attribution>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Candidate {
    pub value: Value,
    pub written_by: Option<Attribution>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Conflict {
    pub field: String,
    pub values: Vec<Candidate>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RecordReview {
    pub document_id: String,
    pub record_type: String,
    pub village: String,
    pub heads: Vec<String>,
    pub last_review: Option<Verdict>,
    pub changes: Vec<FieldChange>,
    pub conflicts: Vec<Conflict>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Step {
    pub seq: u64,
    pub username: String,
    pub device_id: String,
    pub received_at_ms: i64,
    pub change_count: usize,
    pub fields: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RecordHistory {
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Counts {
    pub by_status: BTreeMap<String, usize>,
    pub open_by_level: BTreeMap<String, usize>,
    pub overdue: usize,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Case {
    pub document_id: String,
    pub village: String,
    pub summary: String,
    pub registered_on: String,
    pub status: String,
    pub level_zh: String,
    pub responsible_leader: Option<String>,
    pub deadline: Option<String>,
    pub overdue: bool,
    pub escalation_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Dashboard {
    pub villages: BTreeMap<String, Counts>,
    pub township: Counts,
    pub chase: Vec<Case>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Registration {
    pub document_id: String,
    pub village: String,
    pub name: String,
    pub phone: Option<String>,
    pub household_id: Option<String>,
    pub floating: bool,
    pub created_by: String,
    pub created_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DuplicateGroup {
    pub citizen_id: String,
    pub people: Vec<Registration>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MergeRequest {
    pub keep: String,
    pub remove: Vec<String>,
    /// Field → the merged-away record whose value the kept record takes.
    pub take: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MergeOutcome {
    pub kept: String,
    pub merged: Vec<String>,
    pub redirected: Vec<String>,
}

#[derive(Serialize)]
struct VerdictRequest<'a> {
    heads: &'a [String],
    comment: &'a str,
}

#[derive(Serialize)]
struct ResolveRequest<'a> {
    field: &'a str,
    choice: usize,
}

/// The calls, each with the logged-in reviewer's token.
#[derive(Debug, Clone)]
pub struct Office {
    pub token: String,
}

impl Office {
    pub async fn queue(
        &self,
        village: &str,
        record_type: &str,
        worker: &str,
    ) -> Result<Vec<QueueEntry>, AppError> {
        let url = format!(
            "/api/review/queue?village={}&record_type={}&worker={}",
            encode(village),
            encode(record_type),
            encode(worker)
        );
        api::get_json(&url, &self.token).await
    }

    pub async fn record(&self, id: &str) -> Result<RecordReview, AppError> {
        api::get_json(&format!("/api/review/records/{}", encode(id)), &self.token).await
    }

    /// `approve` or `return`, on the heads the reviewer was shown.
    pub async fn judge(
        &self,
        id: &str,
        verdict: &str,
        heads: &[String],
        comment: &str,
    ) -> Result<Verdict, AppError> {
        let url = format!("/api/review/records/{}/{verdict}", encode(id));
        api::post_json(&url, &VerdictRequest { heads, comment }, &self.token).await
    }

    pub async fn resolve(&self, id: &str, field: &str, choice: usize) -> Result<Value, AppError> {
        let url = format!("/api/review/records/{}/resolve", encode(id));
        api::post_json(&url, &ResolveRequest { field, choice }, &self.token).await
    }

    pub async fn history(&self, id: &str) -> Result<RecordHistory, AppError> {
        api::get_json(&format!("/api/records/{}/history", encode(id)), &self.token).await
    }

    /// The record as it was once feed entry `seq` had been applied.
    pub async fn record_at(&self, id: &str, seq: u64) -> Result<Value, AppError> {
        let url = format!("/api/records/{}/history/{seq}", encode(id));
        api::get_json(&url, &self.token).await
    }

    pub async fn dashboard(&self) -> Result<Dashboard, AppError> {
        api::get_json("/api/review/disputes", &self.token).await
    }

    pub async fn duplicates(&self) -> Result<Vec<DuplicateGroup>, AppError> {
        api::get_json("/api/review/duplicates", &self.token).await
    }

    pub async fn merge(&self, request: &MergeRequest) -> Result<MergeOutcome, AppError> {
        api::post_json("/api/review/duplicates/merge", request, &self.token).await
    }

    pub async fn ledger(
        &self,
        file: &str,
        from: &str,
        to: &str,
    ) -> Result<web_sys::Blob, AppError> {
        let url = format!(
            "/api/ledgers/{file}?from={}&to={}",
            encode(from),
            encode(to)
        );
        api::get_blob(&url, &self.token).await
    }
}

fn encode(text: &str) -> String {
    js_sys::encode_uri_component(text).into()
}
