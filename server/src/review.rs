//! The township office's review of synced work: the queue of records new or changed since
//! their last review, a record's field-level diff since the approved version, approving or
//! returning a version, and any record's history.
//!
//! A verdict names the heads the reviewer was shown, not whatever the record holds when the
//! verdict arrives: a change synced while the reviewer was reading stays unreviewed and puts
//! the record straight back in the queue. See `docs/review.md`.

use automerge::ChangeHash;
use std::collections::{BTreeMap, BTreeSet};

use pingan_shared::review::{Attribution, Conflict, FieldChange, RecordRef};
use pingan_shared::{document, labels};
use serde_json::Value;

use crate::conflicts;
use crate::history::{self, HistoryError};
use crate::office::{self, Edit};
use crate::store::reviews::{QueueFilter, Review, Verdict};
use crate::store::{Author, Scope, Store, StoreError, StoredDocument};

pub use pingan_shared::review::{
    QueueEntry, RecordHistory, RecordReview, ReturnedRecord, ReviewView,
};

/// Longest comment a reviewer can return a record with.
pub const MAX_COMMENT_CHARS: usize = 500;
/// Most records one queue page lists.
pub const MAX_QUEUE: usize = 500;

#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error("no record {0} in your villages")]
    NotFound(String),
    #[error("{message}")]
    Invalid { code: &'static str, message: String },
    #[error("record {id}: {message}")]
    Unresolvable { id: String, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("record {id}: {source}")]
    History {
        id: String,
        source: Box<HistoryError>,
    },
}

pub async fn queue(store: &Store, filter: &QueueFilter) -> Result<Vec<QueueEntry>, ReviewError> {
    let filter = QueueFilter {
        limit: filter.limit.clamp(1, MAX_QUEUE),
        ..filter.clone()
    };
    let items = store.review_queue(&filter).await?;
    Ok(items
        .into_iter()
        .map(|item| QueueEntry {
            label: label(&item.document),
            conflicts: document::load(&item.document.data)
                .map(|doc| conflicts::conflicts(&doc, &[]).len())
                .unwrap_or(0),
            document_id: item.document.id,
            record_type: item.document.record_type,
            village: item.document.village,
            updated_at_ms: item.updated_at_ms,
            last_review: item.review.as_ref().map(view),
        })
        .collect())
}

pub async fn record_review(store: &Store, id: &str) -> Result<RecordReview, ReviewError> {
    let (document, heads) = document(store, id, &Scope::Township).await?;
    let entries = store.entries_of(id).await?;
    let last_review = store.review(id).await?;
    let approved = last_approved_heads(last_review.as_ref());
    let changes = history::changes_since(&entries, approved.as_deref())
        .map_err(|source| history_error(id, source))?;
    let record = history::current(&entries).map_err(|source| history_error(id, source))?;
    let stored = document::load(&document.data).map_err(|e| unreadable(id, e))?;
    let mut conflicts = conflicts::conflicts(&stored, &entries);
    let mut changes = changes;
    let mut authors: Vec<&mut Attribution> = Vec::new();
    for change in &mut changes {
        authors.extend(change.changed_by.iter_mut());
    }
    for conflict in &mut conflicts {
        authors.extend(
            conflict
                .values
                .iter_mut()
                .filter_map(|v| v.written_by.as_mut()),
        );
    }
    name_devices(store, authors).await?;
    let references = references(store, &record, &changes, &conflicts).await?;
    Ok(RecordReview {
        label: label(&document),
        document_id: document.id,
        record_type: document.record_type,
        village: document.village,
        heads: split_heads(&heads)
            .iter()
            .map(|h| document::hex(&h.0))
            .collect(),
        record,
        last_review: last_review.as_ref().map(view),
        changes,
        conflicts,
        references,
    })
}

/// Settles the conflicted `field` on value number `choice` (as listed by
/// [`record_review`]), written as a new change signed by an actor bound to the reviewer and
/// their device; devices receive it on their next sync like any other change.
pub async fn resolve(
    store: &Store,
    id: &str,
    field: &str,
    choice: usize,
    author: &Author<'_>,
) -> Result<Vec<String>, ReviewError> {
    let mut tx = store.begin_write().await?;
    let Some(stored) = tx.load(id).await? else {
        return Err(ReviewError::NotFound(id.to_owned()));
    };
    let mut doc = document::load(&stored.data).map_err(|e| unreadable(id, e))?;
    let before = doc.get_heads();
    let actor = automerge::ActorId::random();
    doc.set_actor(actor.clone());
    conflicts::resolve(&mut doc, field, choice).map_err(|e| ReviewError::Unresolvable {
        id: id.to_owned(),
        message: e.to_string(),
    })?;
    let today = pingan_shared::statistics::china_date(author.received_at_ms);
    if let Err(invalid) = document::validate(&doc, today) {
        return Err(ReviewError::Unresolvable {
            id: id.to_owned(),
            message: format!("the chosen value leaves the record invalid: {invalid:?}"),
        });
    }
    let heads = doc.get_heads();
    let edit = Edit {
        stored,
        doc,
        before,
    };
    office::save_edits(&mut tx, vec![edit], &actor, author).await?;
    tx.commit().await?;
    Ok(heads.iter().map(|h| document::hex(&h.0)).collect())
}

/// Records `verdict` on the version with `heads` (hex), which must be in the record's history.
pub async fn judge(
    store: &Store,
    id: &str,
    verdict: Verdict,
    heads: &[String],
    comment: &str,
    reviewer: &str,
    now_ms: i64,
) -> Result<ReviewView, ReviewError> {
    let comment = comment.trim();
    if verdict == Verdict::Returned && comment.is_empty() {
        return Err(invalid(
            "comment_required",
            format!("record {id}: returning a record needs a comment saying what to correct"),
        ));
    }
    if comment.chars().count() > MAX_COMMENT_CHARS {
        return Err(invalid(
            "comment_too_long",
            format!("record {id}: comment is longer than {MAX_COMMENT_CHARS} characters"),
        ));
    }
    let (document, _) = document(store, id, &Scope::Township).await?;
    let judged = parse_heads(id, heads)?;
    let mut doc = document::load(&document.data).map_err(|e| {
        ReviewError::Store(StoreError::Corrupt(format!(
            "record {id} does not load: {e}"
        )))
    })?;
    if let Some(unknown) = judged.iter().find(|h| doc.get_change_by_hash(h).is_none()) {
        return Err(invalid(
            "unknown_heads",
            format!(
                "record {id}: heads {} are not in this record's history",
                document::hex(&unknown.0)
            ),
        ));
    }
    let review = Review {
        document_id: id.to_owned(),
        verdict,
        heads: join_heads(&judged),
        reviewer: reviewer.to_owned(),
        reviewer_name: reviewer.to_owned(),
        comment: comment.to_owned(),
        reviewed_at_ms: now_ms,
    };
    store.set_review(&review).await?;
    // Read back for the reviewer's display name, which the verdict row does not hold.
    let stored = store.review(id).await?.unwrap_or(review);
    Ok(view(&stored))
}

pub async fn record_history(
    store: &Store,
    scope: &Scope,
    id: &str,
) -> Result<RecordHistory, ReviewError> {
    let (document, _) = document(store, id, scope).await?;
    let entries = store.entries_of(id).await?;
    let mut steps = history::history(&entries).map_err(|source| history_error(id, source))?;
    name_devices(store, steps.iter_mut().map(|s| &mut s.by).collect()).await?;
    Ok(RecordHistory {
        document_id: document.id,
        record_type: document.record_type,
        village: document.village,
        steps,
    })
}

/// The record as it was after feed entry `seq`.
pub async fn record_at(
    store: &Store,
    scope: &Scope,
    id: &str,
    seq: u64,
) -> Result<Value, ReviewError> {
    document(store, id, scope).await?;
    let entries = store.entries_of(id).await?;
    history::record_at(&entries, seq)
        .map_err(|source| history_error(id, source))?
        .ok_or_else(|| {
            invalid(
                "unknown_entry",
                format!("record {id} has no history entry {seq}"),
            )
        })
}

/// Returned records in `scope` the worker has not changed since they were returned.
pub async fn open_returns(
    store: &Store,
    scope: &Scope,
) -> Result<Vec<ReturnedRecord>, ReviewError> {
    Ok(store
        .open_returns()
        .await?
        .into_iter()
        .filter(|(_, village, _)| scope.includes(village))
        .map(|(review, village, record_type)| ReturnedRecord {
            document_id: review.document_id,
            record_type,
            village,
            comment: review.comment,
            reviewer: review.reviewer,
            reviewer_name: review.reviewer_name,
            reviewed_at_ms: review.reviewed_at_ms,
        })
        .collect())
}

/// Gives each author's device the name the office knows it by (`labels::device_name`): its
/// place among the user's devices by first login. A device with no login (the demo's seeding)
/// keeps an empty name and the screens show the user alone.
async fn name_devices(store: &Store, authors: Vec<&mut Attribution>) -> Result<(), ReviewError> {
    let mut known: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    for author in authors {
        if !known.contains_key(&author.username) {
            let role = store
                .user(&author.username)
                .await?
                .map_or_else(String::new, |(user, _)| user.role.as_str().to_owned());
            let devices = store.devices_of(&author.username).await?;
            known.insert(author.username.clone(), (role, devices));
        }
        let (role, devices) = &known[&author.username];
        if let Some(n) = devices.iter().position(|d| *d == author.device_id) {
            author.device_name = labels::device_name(&author.username, role, n + 1);
        }
    }
    Ok(())
}

/// The records a review points to, each with its label, for links by name: those the record
/// names now, and those its changes and conflicts name, so that a diff's "before" reads as a
/// name too (a tenant a merge redirected, a member since removed). An id the township never
/// received is left out; the office says it holds no such record.
async fn references(
    store: &Store,
    record: &Value,
    changes: &[FieldChange],
    conflicts: &[Conflict],
) -> Result<BTreeMap<String, RecordRef>, ReviewError> {
    let mut ids = BTreeSet::new();
    collect_references("", record, &mut ids);
    for change in changes {
        for value in [&change.before, &change.after].into_iter().flatten() {
            collect_references(&change.field, value, &mut ids);
        }
    }
    for conflict in conflicts {
        for candidate in &conflict.values {
            collect_references(&conflict.field, &candidate.value, &mut ids);
        }
    }
    let mut found = BTreeMap::new();
    for id in ids {
        if let Some((document, _)) = store.document_with_heads(&id).await? {
            let reference = RecordRef {
                record_type: document.record_type.clone(),
                label: label(&document),
            };
            found.insert(id, reference);
        }
    }
    Ok(found)
}

/// Every record id in `value`, stored at `path` (`labels::Reading::Reference`).
fn collect_references(path: &str, value: &Value, ids: &mut BTreeSet<String>) {
    match value {
        Value::Object(fields) => {
            for (name, value) in fields {
                collect_references(name, value, ids);
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|item| collect_references(path, item, ids)),
        Value::String(id) if labels::reading(path, id) == labels::Reading::Reference => {
            ids.insert(id.clone());
        }
        _ => {}
    }
}

/// The stored record, if `scope` may see it. Out of scope reads as absent: a worker learns
/// nothing about other villages' records, not even that they exist.
async fn document(
    store: &Store,
    id: &str,
    scope: &Scope,
) -> Result<(StoredDocument, Vec<u8>), ReviewError> {
    match store.document_with_heads(id).await? {
        Some((document, heads)) if scope.includes(&document.village) => Ok((document, heads)),
        _ => Err(ReviewError::NotFound(id.to_owned())),
    }
}

fn last_approved_heads(review: Option<&Review>) -> Option<Vec<ChangeHash>> {
    // A returned version was never approved; its diff runs from the last approval, which
    // this single verdict row no longer holds, so it shows every field as the worker's.
    review
        .filter(|r| r.verdict == Verdict::Approved)
        .map(|r| split_heads(&r.heads))
}

fn view(review: &Review) -> ReviewView {
    ReviewView {
        verdict: review.verdict,
        heads: split_heads(&review.heads)
            .iter()
            .map(|h| document::hex(&h.0))
            .collect(),
        reviewer: review.reviewer.clone(),
        reviewer_name: review.reviewer_name.clone(),
        comment: review.comment.clone(),
        reviewed_at_ms: review.reviewed_at_ms,
    }
}

fn parse_heads(id: &str, heads: &[String]) -> Result<Vec<ChangeHash>, ReviewError> {
    if heads.is_empty() {
        return Err(invalid(
            "heads_required",
            format!("record {id}: name the version judged by its heads"),
        ));
    }
    let mut parsed = heads
        .iter()
        .map(|hex| {
            parse_hex32(hex).map(ChangeHash).ok_or_else(|| {
                invalid(
                    "bad_heads",
                    format!("record {id}: heads: {hex:?} is not 64 hex digits"),
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    parsed.sort();
    parsed.dedup();
    Ok(parsed)
}

fn parse_hex32(hex: &str) -> Option<[u8; 32]> {
    if hex.len() != 64 || !hex.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// Heads as the documents table stores them: sorted, concatenated.
fn join_heads(heads: &[ChangeHash]) -> Vec<u8> {
    let mut sorted = heads.to_vec();
    sorted.sort();
    sorted.iter().flat_map(|h| h.0).collect()
}

fn split_heads(bytes: &[u8]) -> Vec<ChangeHash> {
    bytes
        .chunks_exact(32)
        .map(|chunk| ChangeHash(chunk.try_into().expect("chunks of 32")))
        .collect()
}

/// A few words to recognise a record by in a list, in the queue, a review and its links.
fn label(document: &StoredDocument) -> String {
    let Ok(doc) = document::load(&document.data) else {
        return String::new();
    };
    let scalar = |field: &str| -> Option<automerge::ScalarValue> {
        use automerge::ReadDoc;
        match doc.get(automerge::ROOT, field) {
            Ok(Some((automerge::Value::Scalar(s), _))) => Some(s.into_owned()),
            _ => None,
        }
    };
    let text = |field: &str| match scalar(field) {
        Some(automerge::ScalarValue::Str(s)) => s.to_string(),
        _ => String::new(),
    };
    let parts = match document.record_type.as_str() {
        "household" => vec![text("head_of_household"), text("address")],
        // A list is read over shoulders: the number is starred (`docs/review.md`).
        "person" => vec![
            text("name"),
            pingan_shared::privacy::mask_citizen_id(&text("citizen_id")),
            // Links from versions before a merge still lead here; the clerk must see that
            // this registration is not the one kept.
            if text("merged_into").is_empty() {
                String::new()
            } else {
                "已合并".to_owned()
            },
        ],
        "rental_house" => vec![text("address"), text("landlord_name")],
        "dispute" => vec![text("summary")],
        "outreach_visit" => vec![text("visited_on"), text("summary")],
        "screening_round" => vec![
            text("held_on"),
            if scalar("zero_report") == Some(automerge::ScalarValue::Boolean(true)) {
                "零报告".to_owned()
            } else {
                "有发现".to_owned()
            },
        ],
        "patrol" => vec![text("patrolled_on"), text("area")],
        "joint_defence_group" => vec![text("name")],
        "key_person" => vec![text("name")],
        "responsibility_letter" => vec![text("signer"), text("signed_on")],
        "publicity_activity" => vec![text("held_on"), text("theme")],
        "standardisation_check" => vec![text("checked_on")],
        "contingency_plan" => vec![text("title")],
        _ => Vec::new(),
    };
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

fn unreadable(id: &str, error: document::DocumentError) -> ReviewError {
    ReviewError::Store(StoreError::Corrupt(format!(
        "record {id} does not load: {error}"
    )))
}

fn invalid(code: &'static str, message: String) -> ReviewError {
    ReviewError::Invalid { code, message }
}

fn history_error(id: &str, source: HistoryError) -> ReviewError {
    ReviewError::History {
        id: id.to_owned(),
        source: Box::new(source),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_are_64_hex_digits_and_judged_in_sorted_order() {
        let a = "ab".repeat(32);
        let b = "01".repeat(32);
        let parsed = parse_heads("r1", &[a.clone(), b.clone(), a]).unwrap();
        assert_eq!(parsed, vec![ChangeHash([1; 32]), ChangeHash([0xab; 32])]);
        assert_eq!(split_heads(&join_heads(&parsed)), parsed);
        let error = parse_heads("r1", &["xyz".into()]).unwrap_err();
        assert!(error.to_string().contains("record r1: heads"));
        assert!(parse_heads("r1", &[]).is_err());
    }
}
