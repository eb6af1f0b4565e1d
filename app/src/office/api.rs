//! The server's review API as the office screens call it (`/api/review/…`,
//! `/api/records/{id}/history`, `/api/ledgers/…`, `/api/reports/…`); the messages are `pingan_shared::review`,
//! the same types the server writes.

use pingan_shared::review::{
    Dashboard, DuplicateGroup, MergeOutcome, MergeRequest, QueueEntry, RecordHistory, RecordReview,
    ReviewView,
};
use serde::Serialize;
use serde_json::Value;

use crate::api;
use crate::error::AppError;

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

/// The calls, each with the logged-in reviewer's token and the device it was issued to.
#[derive(Debug, Clone)]
pub struct Office {
    pub token: String,
    pub device_id: String,
}

impl Office {
    fn auth(&self) -> (&str, &str) {
        (&self.token, &self.device_id)
    }

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
        api::get_json(&url, self.auth()).await
    }

    /// How many records the same filters hold in all (a page lists at most 500).
    pub async fn queue_count(
        &self,
        village: &str,
        record_type: &str,
        worker: &str,
    ) -> Result<u64, AppError> {
        let url = format!(
            "/api/review/queue/count?village={}&record_type={}&worker={}",
            encode(village),
            encode(record_type),
            encode(worker)
        );
        let answer: Value = api::get_json(&url, self.auth()).await?;
        Ok(answer["total"].as_u64().unwrap_or_default())
    }

    pub async fn record(&self, id: &str) -> Result<RecordReview, AppError> {
        api::get_json(&format!("/api/review/records/{}", encode(id)), self.auth()).await
    }

    /// `approve` or `return`, on the heads the reviewer was shown.
    pub async fn judge(
        &self,
        id: &str,
        verdict: &str,
        heads: &[String],
        comment: &str,
    ) -> Result<ReviewView, AppError> {
        let url = format!("/api/review/records/{}/{verdict}", encode(id));
        api::post_json(&url, &VerdictRequest { heads, comment }, self.auth()).await
    }

    pub async fn resolve(&self, id: &str, field: &str, choice: usize) -> Result<Value, AppError> {
        let url = format!("/api/review/records/{}/resolve", encode(id));
        api::post_json(&url, &ResolveRequest { field, choice }, self.auth()).await
    }

    pub async fn history(&self, id: &str) -> Result<RecordHistory, AppError> {
        api::get_json(&format!("/api/records/{}/history", encode(id)), self.auth()).await
    }

    /// The record as it was once feed entry `seq` had been applied.
    pub async fn record_at(&self, id: &str, seq: u64) -> Result<Value, AppError> {
        let url = format!("/api/records/{}/history/{seq}", encode(id));
        api::get_json(&url, self.auth()).await
    }

    pub async fn dashboard(&self) -> Result<Dashboard, AppError> {
        api::get_json("/api/review/disputes", self.auth()).await
    }

    pub async fn duplicates(&self) -> Result<Vec<DuplicateGroup>, AppError> {
        api::get_json("/api/review/duplicates", self.auth()).await
    }

    pub async fn merge(&self, request: &MergeRequest) -> Result<MergeOutcome, AppError> {
        api::post_json("/api/review/duplicates/merge", request, self.auth()).await
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
        api::get_blob(&url, self.auth()).await
    }

    /// The year-end report (`/api/reports/annual-report.docx`).
    pub async fn annual_report(&self, year: &str) -> Result<web_sys::Blob, AppError> {
        let url = format!("/api/reports/annual-report.docx?year={}", encode(year));
        api::get_blob(&url, self.auth()).await
    }
}

fn encode(text: &str) -> String {
    js_sys::encode_uri_component(text).into()
}
