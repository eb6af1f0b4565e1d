//! The township office's review API messages (`/api/review/…`, `/api/records/{id}/history`,
//! `/api/returned`), written by the server and read by the office's screens and the worker's
//! phone: one definition for both sides, as `openapi.json` documents them. See
//! `docs/review.md`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The office's judgement of one version of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Approved,
    /// Sent back to the worker with a comment saying what to correct.
    Returned,
}

impl Verdict {
    pub const fn as_str(self) -> &'static str {
        match self {
            Verdict::Approved => "approved",
            Verdict::Returned => "returned",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "approved" => Some(Verdict::Approved),
            "returned" => Some(Verdict::Returned),
            _ => None,
        }
    }
}

/// A verdict as shown to reviewers and workers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewView {
    pub verdict: Verdict,
    /// Hex heads of the version judged.
    pub heads: Vec<String>,
    /// The reviewer's login.
    pub reviewer: String,
    /// The reviewer as people read them: the account's display name (`东湖镇综治办`).
    #[serde(default)]
    pub reviewer_name: String,
    pub comment: String,
    pub reviewed_at_ms: i64,
}

/// One line of the review queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueEntry {
    pub document_id: String,
    pub record_type: String,
    pub village: String,
    /// A few words to recognise the record by (head of household, name, address, summary).
    pub label: String,
    pub updated_at_ms: i64,
    /// Fields where concurrent edits left more than one value.
    pub conflicts: usize,
    /// The last verdict, when the record was reviewed before and has changed since.
    pub last_review: Option<ReviewView>,
}

/// Who wrote a feed entry (one upload's changes to one record).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribution {
    pub seq: u64,
    pub username: String,
    pub device_id: String,
    /// What the office calls the device: the user's `n`th by first login, `worker01 的手机 2`
    /// (`labels::device_name`); empty where the server has no login from it.
    #[serde(default)]
    pub device_name: String,
    pub received_at_ms: i64,
}

/// One step of a record's history: an entry and the fields it changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    #[serde(flatten)]
    pub by: Attribution,
    pub change_count: usize,
    pub fields: Vec<String>,
}

/// A field whose value differs from the approved version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    /// `None`: the field did not exist in that version.
    pub before: Option<Value>,
    pub after: Option<Value>,
    /// Every entry since the approval that changed this field, oldest first; the last one
    /// wrote the value shown (or one of them did, where devices edited concurrently).
    pub changed_by: Vec<Attribution>,
}

/// One field with concurrent values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    pub field: String,
    /// Every concurrent value; the one the record shows now is first.
    pub values: Vec<Candidate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// The value; an object or list shows as `{}` / `[]`.
    pub value: Value,
    /// The upload that brought the value; `None` if no feed entry carries its author.
    pub written_by: Option<Attribution>,
}

/// What a reviewer sees when opening a record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordReview {
    pub document_id: String,
    pub record_type: String,
    pub village: String,
    /// The same few words the queue shows (`QueueEntry::label`), for naming the record where
    /// its fields are not at hand (the toast after a verdict).
    #[serde(default)]
    pub label: String,
    /// The version shown; send these back with the verdict.
    pub heads: Vec<String>,
    pub record: Value,
    pub last_review: Option<ReviewView>,
    /// Every field that differs from the last approved version (every field, if none was),
    /// with who changed it, on which device, when.
    pub changes: Vec<FieldChange>,
    /// Fields with concurrent values for the reviewer to choose between.
    pub conflicts: Vec<Conflict>,
    /// Every record id the record refers to (members, household, rented house, tenants,
    /// visited households, merged into), now or in `changes` and `conflicts`, with what it is
    /// called, so the office shows a name and a link rather than an id. A registration merged
    /// away is still named (its label says 已合并); an id the township never received is
    /// left out.
    #[serde(default)]
    pub references: BTreeMap<String, RecordRef>,
}

/// Another record, as a link names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordRef {
    pub record_type: String,
    /// The same few words the queue shows (`QueueEntry::label`).
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordHistory {
    pub document_id: String,
    pub record_type: String,
    pub village: String,
    pub steps: Vec<Step>,
}

/// A record the office returned with a comment, not changed since; `GET /api/returned`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnedRecord {
    pub document_id: String,
    /// `household`, `person`, `rental_house`, `dispute` or `outreach_visit`.
    pub record_type: String,
    pub village: String,
    /// What to correct, in the reviewer's words.
    pub comment: String,
    /// The reviewer's login.
    pub reviewer: String,
    /// The reviewer as the worker reads them: the account's display name (`东湖镇综治办`).
    #[serde(default)]
    pub reviewer_name: String,
    pub reviewed_at_ms: i64,
}

impl ReturnedRecord {
    /// Who returned it, as the worker reads it: the display name, or the login where an
    /// older server sent none.
    pub fn returned_by(&self) -> &str {
        shown_name(&self.reviewer_name, &self.reviewer)
    }
}

impl ReviewView {
    /// Who gave the verdict, as the office reads it (see [`ReturnedRecord::returned_by`]).
    pub fn judged_by(&self) -> &str {
        shown_name(&self.reviewer_name, &self.reviewer)
    }
}

fn shown_name<'a>(name: &'a str, login: &'a str) -> &'a str {
    if name.is_empty() { login } else { name }
}

/// The disputes dashboard: counts per village and for the township, and the cases to chase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    /// Village id → counts.
    pub villages: BTreeMap<String, Counts>,
    pub township: Counts,
    /// Open cases that are escalated above the group, or overdue; overdue first, then by
    /// deadline, then by registration date.
    pub chase: Vec<Case>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Counts {
    /// By status (`registered`, `mediating`, `closed`).
    pub by_status: BTreeMap<String, usize>,
    /// Open cases by level (`group`, `village`, `township`, `above`).
    pub open_by_level: BTreeMap<String, usize>,
    pub overdue: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    pub document_id: String,
    pub village: String,
    pub summary: String,
    pub registered_on: String,
    pub status: String,
    pub level: String,
    pub level_zh: String,
    pub responsible_leader: Option<String>,
    pub deadline: Option<String>,
    pub overdue: bool,
    /// Why it went up, from the latest escalation.
    pub escalation_reason: Option<String>,
}

/// Person records sharing one citizen ID number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuplicateGroup {
    pub citizen_id: String,
    pub people: Vec<Registration>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Registration {
    pub document_id: String,
    pub village: String,
    pub name: String,
    /// Starred, `138****5678` (`privacy::mask_phone`); the record's review shows it whole.
    pub phone: Option<String>,
    pub household_id: Option<String>,
    pub floating: bool,
    pub created_by: String,
    pub created_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MergeRequest {
    /// The record that stays.
    pub keep: String,
    /// Records merged into it.
    pub remove: Vec<String>,
    /// Field name → the record (one of `remove`) whose value the kept record takes.
    #[serde(default)]
    pub take: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MergeOutcome {
    pub kept: String,
    pub merged: Vec<String>,
    /// Households, rental houses and disputes now pointing at the kept record.
    pub redirected: Vec<String>,
}
