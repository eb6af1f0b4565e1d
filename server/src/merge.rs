//! Merging a device's upload into one master-copy document, and deciding whether the result
//! may enter the master copy. Pure: bytes in, bytes or a refusal out; the caller owns the
//! transaction.

use automerge::{AutoCommit, ChangeHash};
use pingan_shared::document::{self, DocumentError, Invalid};
use pingan_shared::records::RecordType;
use pingan_shared::sync::protocol::{RefusalCode, Rejected};
use pingan_shared::validation::{Date, FieldError};

/// The master copy of one document after an upload was merged into it.
#[derive(Debug)]
pub struct Merged {
    pub record_type: RecordType,
    pub village: String,
    /// `save()` of the merged document.
    pub data: Vec<u8>,
    pub heads: Vec<ChangeHash>,
    /// Changes this upload brought that the master copy did not have yet.
    pub new_changes: Vec<NewChange>,
}

#[derive(Debug)]
pub struct NewChange {
    pub hash: ChangeHash,
    /// Hex Automerge actor id that signed the change.
    pub actor: String,
    pub data: Vec<u8>,
}

/// Why a document was refused. Nothing of the upload for this document is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: RefusalCode,
    pub message: String,
    pub errors: Vec<FieldError>,
}

impl Refusal {
    fn new(code: RefusalCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            errors: Vec::new(),
        }
    }

    pub fn bad_id(message: impl Into<String>) -> Self {
        Self::new(RefusalCode::BadId, message)
    }

    pub fn out_of_scope(village: &str) -> Self {
        Self::with_field(
            RefusalCode::OutOfScope,
            "village",
            "该村不在您负责的范围内，不能登记或修改",
            format!("village {village:?} is not one of your villages"),
        )
    }

    pub fn village_changed(from: &str, to: &str) -> Self {
        Self::with_field(
            RefusalCode::VillageChanged,
            "village",
            "记录不能改到别的村，请在该村重新登记",
            format!("a record cannot move from village {from:?} to {to:?}; register it anew there"),
        )
    }

    pub fn actor_not_yours(actor: &str) -> Self {
        Self::new(
            RefusalCode::ActorNotYours,
            format!("changes signed by actor {actor} belong to another user or device"),
        )
    }

    /// A refusal about one field, worded for the worker who has to fix it.
    fn with_field(code: RefusalCode, field: &str, message_zh: &str, message_en: String) -> Self {
        Self {
            code,
            errors: vec![FieldError::new(field, message_zh, &message_en)],
            message: message_en,
        }
    }

    pub fn into_rejected(self, document_id: &str) -> Rejected {
        Rejected {
            document_id: document_id.to_owned(),
            code: self.code,
            message: self.message,
            errors: self.errors,
        }
    }
}

/// Applies `uploaded` changes to the stored document (or to an empty one when `stored` is
/// `None`) and validates the state after all of them, so a bad edit sent together with its
/// correction is accepted. `today` is the date in China, for "not in the future" rules.
pub fn merge_upload(
    stored: Option<&[u8]>,
    uploaded: &[Vec<u8>],
    today: Date,
) -> Result<Merged, Refusal> {
    let mut doc = match stored {
        Some(bytes) => document::load(bytes).map_err(|e| {
            // The master copy was written by this server; failing to read it is a bug or
            // corruption, never the device's fault, but refusing keeps the stored copy intact.
            Refusal::new(RefusalCode::StoredDocumentUnreadable, e.to_string())
        })?,
        None => AutoCommit::new(),
    };
    let changes = document::decode_changes(uploaded)
        .map_err(|e| Refusal::new(RefusalCode::UndecodableChange, e.to_string()))?;

    let new_changes: Vec<NewChange> = changes
        .iter()
        .filter(|change| doc.get_change_by_hash(&change.hash()).is_none())
        .map(|change| NewChange {
            hash: change.hash(),
            actor: change.actor_id().to_hex_string(),
            data: change.raw_bytes().to_vec(),
        })
        .collect();
    doc.apply_changes(changes)
        .map_err(|e| Refusal::new(RefusalCode::UndecodableChange, e.to_string()))?;

    // Automerge silently queues changes whose dependencies it lacks; accepting them would
    // acknowledge something the master copy does not actually contain.
    let missing = doc.get_missing_deps(&[]);
    if !missing.is_empty() {
        return Err(Refusal::new(
            RefusalCode::MissingDependencies,
            format!(
                "{} change(s) depend on changes the server does not have; send every change since the acknowledged heads",
                missing.len()
            ),
        ));
    }
    if stored.is_none() && new_changes.is_empty() {
        return Err(Refusal::new(
            RefusalCode::EmptyDocument,
            "a new document needs at least one change",
        ));
    }

    let checked = document::validate(&doc, today).map_err(|invalid| match invalid {
        Invalid::Document(error) => refusal_for(error),
        Invalid::Fields(errors) => Refusal {
            code: RefusalCode::InvalidRecord,
            message: errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
            errors,
        },
    })?;

    Ok(Merged {
        record_type: checked.record_type,
        village: checked.village,
        heads: doc.get_heads(),
        data: doc.save(),
        new_changes,
    })
}

/// One document's part of an upload: its stored master copy (if any) and the changes sent.
pub type MergeJob<'a> = (Option<&'a [u8]>, &'a [Vec<u8>]);

/// Merges many documents' uploads on every core: Automerge work is CPU-bound, and a day's
/// upload from a whole village is thousands of changes. Results come back in input order.
pub fn merge_uploads(jobs: &[MergeJob<'_>], today: Date) -> Vec<Result<Merged, Refusal>> {
    let merge = |(stored, uploaded): &MergeJob<'_>| merge_upload(*stored, uploaded, today);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Below this, starting threads costs more than it saves.
    const SMALL_BATCH: usize = 32;
    if threads == 1 || jobs.len() < SMALL_BATCH {
        return jobs.iter().map(merge).collect();
    }
    let per_thread = jobs.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let workers: Vec<_> = jobs
            .chunks(per_thread)
            .map(|part| scope.spawn(move || part.iter().map(merge).collect::<Vec<_>>()))
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().expect("a merge thread panicked"))
            .collect()
    })
}

fn refusal_for(error: DocumentError) -> Refusal {
    let code = match error {
        DocumentError::MissingType | DocumentError::UnknownType(_) => RefusalCode::UnknownType,
        DocumentError::WrongShape { .. } => RefusalCode::InvalidRecord,
        _ => RefusalCode::UndecodableChange,
    };
    Refusal::new(code, error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::ActorId;
    use pingan_shared::records::Authorship;
    use pingan_shared::records::household::Household;

    fn household(address: &str, head: &str) -> Household {
        let by = Authorship {
            village: "xingfu".into(),
            created_by: "worker1".into(),
            created_at_ms: 0,
        };
        Household::new(&by, "3组", address, head)
    }

    fn device_doc(address: &str, head: &str) -> AutoCommit {
        document::create(
            ActorId::from([7u8; 16].as_slice()),
            &household(address, head),
        )
    }

    fn today() -> Date {
        Date::new(2024, 1, 1).unwrap()
    }

    #[test]
    fn a_new_household_is_accepted_with_its_changes() {
        let mut doc = device_doc("幸福村3组12号", "王建国");
        let merged = merge_upload(None, &document::changes_since(&mut doc, &[]), today()).unwrap();
        assert_eq!(merged.record_type, RecordType::Household);
        assert_eq!(merged.heads, doc.get_heads());
        assert_eq!(merged.new_changes.len(), 1);
    }

    #[test]
    fn a_large_batch_merges_in_parallel_and_keeps_its_order() {
        let uploads: Vec<(Vec<u8>, Vec<Vec<u8>>)> = (0..100)
            .map(|i| {
                let mut doc =
                    device_doc(&format!("幸福村{i}号"), if i == 57 { "" } else { "王建国" });
                (Vec::new(), document::changes_since(&mut doc, &[]))
            })
            .collect();
        let jobs: Vec<MergeJob> = uploads
            .iter()
            .map(|(_, changes)| (None, changes.as_slice()))
            .collect();
        let results = merge_uploads(&jobs, today());
        assert_eq!(results.len(), 100);
        for (i, result) in results.iter().enumerate() {
            assert_eq!(result.is_err(), i == 57, "document {i}");
        }
    }

    #[test]
    fn resending_known_changes_adds_nothing() {
        let mut doc = device_doc("幸福村3组12号", "王建国");
        let changes = document::changes_since(&mut doc, &[]);
        let first = merge_upload(None, &changes, today()).unwrap();
        let again = merge_upload(Some(&first.data), &changes, today()).unwrap();
        assert!(again.new_changes.is_empty());
        assert_eq!(again.heads, first.heads);
    }

    #[test]
    fn an_invalid_household_is_refused_naming_the_field() {
        let mut doc = device_doc("幸福村3组12号", "");
        let refusal =
            merge_upload(None, &document::changes_since(&mut doc, &[]), today()).unwrap_err();
        assert_eq!(refusal.code, RefusalCode::InvalidRecord);
        assert_eq!(refusal.errors[0].field, "head_of_household");
    }

    #[test]
    fn a_bad_edit_sent_with_its_correction_is_accepted() {
        let mut doc = device_doc("幸福村3组12号", "王建国");
        let stored = merge_upload(None, &document::changes_since(&mut doc, &[]), today()).unwrap();
        let acknowledged = doc.get_heads();
        document::update(&mut doc, &household("", "王建国"));
        document::update(&mut doc, &household("幸福村3组14号", "王建国"));
        let pending = document::changes_since(&mut doc, &acknowledged);
        assert!(merge_upload(Some(&stored.data), &pending, today()).is_ok());
    }

    #[test]
    fn a_document_that_is_not_a_record_is_refused() {
        let mut doc = AutoCommit::new();
        automerge::transaction::Transactable::put(&mut doc, automerge::ROOT, "x", 1).unwrap();
        let refusal =
            merge_upload(None, &document::changes_since(&mut doc, &[]), today()).unwrap_err();
        assert_eq!(refusal.code, RefusalCode::UnknownType);
    }

    #[test]
    fn a_change_without_its_ancestors_is_refused() {
        let mut doc = device_doc("幸福村3组12号", "王建国");
        let first = doc.get_heads();
        document::update(&mut doc, &household("幸福村3组14号", "王建国"));
        let only_second = document::changes_since(&mut doc, &first);
        let refusal = merge_upload(None, &only_second, today()).unwrap_err();
        assert_eq!(refusal.code, RefusalCode::MissingDependencies);
    }
}
