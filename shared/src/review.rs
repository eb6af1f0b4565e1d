//! Review messages read on both sides: what the township office sends back to a worker's
//! device. (The office's own screens read the server's review API as documented in
//! `openapi.json`; only what the field app needs lives here.)

use serde::{Deserialize, Serialize};

/// A record the office returned with a comment, not changed since; `GET /api/returned`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnedRecord {
    pub document_id: String,
    /// `household`, `person`, `rental_house`, `dispute` or `outreach_visit`.
    pub record_type: String,
    pub village: String,
    /// What to correct, in the reviewer's words.
    pub comment: String,
    pub reviewer: String,
    pub reviewed_at_ms: i64,
}
