//! Merging a device's upload into one master-copy document, and deciding whether the result
//! may enter the master copy. Pure: bytes in, bytes or a refusal out; the caller owns the
//! transaction.

use automerge::{AutoCommit, ChangeHash};
use pingan_shared::document::{self, DocumentError, Invalid};
use pingan_shared::records::RecordType;
use pingan_shared::records::limits::MAX_STORED_DOCUMENT_BYTES;
use pingan_shared::statistics::china_date;
use pingan_shared::sync::protocol::{RefusalCode, Rejected};
use pingan_shared::validation::FieldError;

use crate::strict;

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

    /// `invalid_record`, every field named.
    pub fn invalid(errors: Vec<FieldError>) -> Self {
        Self {
            code: RefusalCode::InvalidRecord,
            message: errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
            errors,
        }
    }

    pub fn bad_id(message: impl Into<String>) -> Self {
        Self::new(RefusalCode::BadId, message)
    }

    /// The same words whether the record is new or already stored in another village, and
    /// without naming that village: a refusal must not tell a worker what exists elsewhere.
    /// The likeliest reason a worker meets it is an admin moving them to other villages
    /// while they had unsent work: say so, and that the record is safe on the phone.
    pub fn out_of_scope() -> Self {
        Self::with_field(
            RefusalCode::OutOfScope,
            "village",
            "该村不在您目前负责的范围内（分工可能已调整），记录未上传，仍保存在本机；请联系镇综治办",
            "this record's village is not one of your villages now (they may have been \
             reassigned); it was not stored and stays on your device; ask the township office"
                .to_owned(),
        )
    }

    /// A worker's upload of a record only the township office writes.
    pub fn office_only(record_type: RecordType) -> Self {
        Self::with_field(
            RefusalCode::OfficeOnly,
            "type",
            &format!("{}由镇综治办登记，村里不能上传", record_type.label_zh()),
            format!(
                "{} records are written by the township office only",
                record_type.as_str()
            ),
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
/// correction is accepted. `now_ms` is the server's clock: the date in China for "not in the
/// future" rules, and the bound on device times.
///
/// The upload's size is checked before anything is applied, the record's limits and the
/// office's fields ([`strict`]) before it is read into a record.
///
/// Automerge can panic on a crafted change instead of returning an error (the fuzz target found
/// one: a change naming an actor its own actor table lacks, `tests/fuzz-crashers/`); such a
/// panic refuses the document as `undecodable_change` rather than ending the request.
pub fn merge_upload(
    stored: Option<&[u8]>,
    uploaded: &[Vec<u8>],
    now_ms: i64,
) -> Result<Merged, Refusal> {
    // Nothing outlives a panic here but the refusal: the half-merged document is dropped.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        merge_unguarded(stored, uploaded, now_ms)
    }))
    .unwrap_or_else(|_| {
        tracing::warn!("Automerge panicked on an upload; refused as undecodable");
        Err(Refusal::new(
            RefusalCode::UndecodableChange,
            "the changes could not be applied: they are not valid Automerge",
        ))
    })
}

fn merge_unguarded(
    stored: Option<&[u8]>,
    uploaded: &[Vec<u8>],
    now_ms: i64,
) -> Result<Merged, Refusal> {
    let today = china_date(now_ms);
    let mut doc = match stored {
        Some(bytes) => document::load(bytes).map_err(|e| {
            // The master copy was written by this server; failing to read it is a bug or
            // corruption, never the device's fault, but refusing keeps the stored copy intact.
            Refusal::new(RefusalCode::StoredDocumentUnreadable, e.to_string())
        })?,
        None => AutoCommit::new(),
    };
    let before = stored.map(|_| strict::office_fields(&doc));
    let changes = document::decode_changes(uploaded)
        .map_err(|e| Refusal::new(RefusalCode::UndecodableChange, e.to_string()))?;
    strict::upload_size(&changes)
        .map_err(|message| Refusal::new(RefusalCode::TooLarge, message))?;
    strict::foreign_operations(&changes)
        .map_err(|message| Refusal::new(RefusalCode::UndecodableChange, message))?;

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

    if let Ok(record_type) = document::record_type(&doc) {
        let mut errors = strict::errors(&doc, record_type);
        errors.extend(strict::office_field_errors(
            before.as_ref(),
            &strict::office_fields(&doc),
        ));
        errors.extend(strict::clock_errors(&doc, now_ms));
        if !errors.is_empty() {
            return Err(Refusal::invalid(errors));
        }
    }
    let checked = document::validate(&doc, today).map_err(|invalid| match invalid {
        Invalid::Document(error) => refusal_for(error),
        Invalid::Fields(errors) => Refusal::invalid(errors),
    })?;

    let data = doc.save();
    // Automerge can accept a crafted change and then save a document it cannot load again
    // (found by fuzzing, `tests/fuzz-crashers/`): stored, it would be unreadable for the
    // server and for every device it is sent to. Reading it back costs one load per upload.
    if let Err(error) = document::load(&data) {
        return Err(Refusal::new(
            RefusalCode::UndecodableChange,
            format!(
                "the changes could not be applied: the record would not read back once saved ({error})"
            ),
        ));
    }
    if data.len() > MAX_STORED_DOCUMENT_BYTES {
        return Err(Refusal::new(
            RefusalCode::TooLarge,
            format!(
                "the record would be {} bytes with these changes; at most {MAX_STORED_DOCUMENT_BYTES} are kept",
                data.len()
            ),
        ));
    }
    Ok(Merged {
        record_type: checked.record_type,
        village: checked.village,
        heads: doc.get_heads(),
        data,
        new_changes,
    })
}

/// One document's part of an upload: its stored master copy (if any) and the changes sent.
pub type MergeJob<'a> = (Option<&'a [u8]>, &'a [Vec<u8>]);

/// Merges many documents' uploads on every core: Automerge work is CPU-bound, and a day's
/// upload from a whole village is thousands of changes. Results come back in input order.
pub fn merge_uploads(jobs: &[MergeJob<'_>], now_ms: i64) -> Vec<Result<Merged, Refusal>> {
    let merge = |(stored, uploaded): &MergeJob<'_>| merge_upload(*stored, uploaded, now_ms);
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
            created_at_ms: 1_700_000_000_000,
        };
        Household::new(&by, "3组", address, head)
    }

    fn device_doc(address: &str, head: &str) -> AutoCommit {
        document::create(
            ActorId::from([7u8; 16].as_slice()),
            &household(address, head),
        )
    }

    /// 2024-01-01, midnight UTC.
    fn today() -> i64 {
        1_704_067_200_000
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

    fn person_doc() -> AutoCommit {
        let by = Authorship {
            village: "xingfu".into(),
            created_by: "worker1".into(),
            created_at_ms: 1_700_000_000_000,
        };
        document::create(
            ActorId::from([8u8; 16].as_slice()),
            &pingan_shared::records::person::Person::new(&by, "李四"),
        )
    }

    fn fields(refusal: &Refusal) -> Vec<&str> {
        refusal.errors.iter().map(|e| e.field.as_str()).collect()
    }

    use automerge::ReadDoc;
    use automerge::transaction::Transactable;

    #[test]
    fn a_key_the_record_does_not_name_is_refused_by_name() {
        let mut doc = person_doc();
        doc.put(automerge::ROOT, "nickname", "小李").unwrap();
        let contact = doc
            .put_object(automerge::ROOT, "floating", automerge::ObjType::Map)
            .unwrap();
        for (key, value) in [
            ("origin", "湖南"),
            ("arrival_date", "2023-01-02"),
            ("reason", "work"),
            ("pet", "猫"),
        ] {
            doc.put(&contact, key, value).unwrap();
        }
        let refusal =
            merge_upload(None, &document::changes_since(&mut doc, &[]), today()).unwrap_err();
        assert_eq!(refusal.code, RefusalCode::InvalidRecord);
        assert_eq!(fields(&refusal), ["floating.pet", "nickname"]);
    }

    #[test]
    fn a_list_of_thirty_thousand_items_is_refused_before_it_is_applied() {
        let mut doc = person_doc();
        let list = doc
            .put_object(automerge::ROOT, "padding", automerge::ObjType::List)
            .unwrap();
        doc.splice(&list, 0, 0, (0..30_000).map(automerge::ScalarValue::Int))
            .unwrap();
        let refusal =
            merge_upload(None, &document::changes_since(&mut doc, &[]), today()).unwrap_err();
        assert_eq!(refusal.code, RefusalCode::TooLarge);
        assert!(
            refusal.message.contains("operations"),
            "{}",
            refusal.message
        );
    }

    #[test]
    fn lists_and_strings_are_bounded_by_the_data_model() {
        let mut doc = device_doc("幸福村3组12号", "王建国");
        let members = doc.get(automerge::ROOT, "members").unwrap().unwrap().1;
        for i in 0..101 {
            let member = doc
                .insert_object(&members, i, automerge::ObjType::Map)
                .unwrap();
            doc.put(&member, "person_id", format!("{i:032x}")).unwrap();
            doc.put(&member, "name", "王").unwrap();
            doc.put(&member, "relation", "child").unwrap();
        }
        doc.put(automerge::ROOT, "joint_defence_group", "组".repeat(201))
            .unwrap();
        let refusal =
            merge_upload(None, &document::changes_since(&mut doc, &[]), today()).unwrap_err();
        assert_eq!(fields(&refusal), ["joint_defence_group", "members"]);
    }

    #[test]
    fn a_ten_megabyte_string_is_refused_unapplied() {
        let mut doc = person_doc();
        doc.put(automerge::ROOT, "name", "x".repeat(10 * 1024 * 1024))
            .unwrap();
        let refusal =
            merge_upload(None, &document::changes_since(&mut doc, &[]), today()).unwrap_err();
        assert_eq!(refusal.code, RefusalCode::TooLarge);
        assert!(refusal.message.contains("bytes"), "{}", refusal.message);
    }

    #[test]
    fn an_upload_may_not_set_change_or_clear_merged_into() {
        let mut doc = person_doc();
        let stored = merge_upload(None, &document::changes_since(&mut doc, &[]), today()).unwrap();
        let acknowledged = doc.get_heads();
        doc.put(automerge::ROOT, "merged_into", "0".repeat(32))
            .unwrap();
        let refusal = merge_upload(
            Some(&stored.data),
            &document::changes_since(&mut doc, &acknowledged),
            today(),
        )
        .unwrap_err();
        assert_eq!(refusal.code, RefusalCode::InvalidRecord);
        assert_eq!(fields(&refusal), ["merged_into"]);

        // A new record may not arrive already merged either.
        let refusal =
            merge_upload(None, &document::changes_since(&mut doc, &[]), today()).unwrap_err();
        assert_eq!(fields(&refusal), ["merged_into"]);
    }

    #[test]
    fn a_record_keeps_its_type() {
        let mut doc = person_doc();
        let stored = merge_upload(None, &document::changes_since(&mut doc, &[]), today()).unwrap();
        let acknowledged = doc.get_heads();
        doc.put(automerge::ROOT, "type", "household").unwrap();
        let refusal = merge_upload(
            Some(&stored.data),
            &document::changes_since(&mut doc, &acknowledged),
            today(),
        )
        .unwrap_err();
        assert!(fields(&refusal).contains(&"type"), "{refusal:?}");
    }

    #[test]
    fn device_times_outside_a_plausible_window_are_refused() {
        for created in [
            0,
            4_102_444_800_000,
            (1 << 53) - 1,
            -((1 << 53) - 1),
            i64::MIN,
        ] {
            let mut doc = person_doc();
            doc.put(automerge::ROOT, "created_at_ms", created).unwrap();
            let refusal =
                merge_upload(None, &document::changes_since(&mut doc, &[]), today()).unwrap_err();
            assert_eq!(fields(&refusal), ["created_at_ms"], "{created}");
        }
        let mut doc = person_doc();
        // A phone days fast is kept (the ledgers place its records at their receipt).
        doc.put(automerge::ROOT, "created_at_ms", today() + 3 * 86_400_000)
            .unwrap();
        assert!(merge_upload(None, &document::changes_since(&mut doc, &[]), today()).is_ok());
    }
}
