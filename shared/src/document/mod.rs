//! Records as Automerge documents: identifiers, creating and reading a record's document, and
//! the changes a device still has to get acknowledged by the server.

use std::fmt;

use automerge::{ActorId, AutoCommit, Change, ChangeHash, ReadDoc, ScalarValue, Value};

use crate::records::dispute::Dispute;
use crate::records::household::Household;
use crate::records::outreach::OutreachVisit;
use crate::records::person::Person;
use crate::records::rental_house::RentalHouse;
use crate::records::{
    Record, RecordType, contingency_plan, joint_defence_group, key_person, patrol,
    publicity_activity, responsibility_letter, screening_round, standardisation_check,
};
use crate::validation::{Date, FieldError};
use reconciling::Reconciling;

mod reconciling;

/// A record's identity across every device and the server: 128 random bits as 32 lowercase
/// hex characters. Random rather than sequential because devices create records offline.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DocumentId(String);

impl DocumentId {
    /// Callers bring the randomness (crypto.getRandomValues in the browser, the OS elsewhere)
    /// so this crate stays free of I/O.
    pub fn from_random_bytes(bytes: [u8; 16]) -> Self {
        Self(hex(&bytes))
    }

    pub fn parse(value: &str) -> Result<Self, DocumentError> {
        let well_formed = value.len() == 32
            && value
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if well_formed {
            Ok(Self(value.to_owned()))
        } else {
            Err(DocumentError::BadId(value.chars().take(64).collect()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    #[error("document id \"{0}\" is not 32 lowercase hex characters")]
    BadId(String),
    #[error("document bytes could not be decoded: {0}")]
    Undecodable(String),
    #[error("change {index} could not be decoded: {reason}")]
    UndecodableChange { index: usize, reason: String },
    #[error("document has no `type` field, so it is not a Pingan record")]
    MissingType,
    #[error("record type \"{0}\" is not one this server knows")]
    UnknownType(String),
    #[error("document does not have the shape of a {record_type}: {reason}")]
    WrongShape {
        record_type: &'static str,
        reason: String,
    },
}

/// The technical cause inside an error, for the server's logs and refusals. The phone never
/// shows it (it is English; the worker reads the Chinese message around it), and formatting
/// it would link the text of every Automerge, autosurgeon and CBOR error into the field app,
/// several KB of its 500,000 B budget; there it is left empty.
pub fn cause(error: &impl std::fmt::Display) -> String {
    if cfg!(target_arch = "wasm32") {
        String::new()
    } else {
        error.to_string()
    }
}

/// [`cause`] in brackets after a message, or nothing where it is left empty.
pub fn bracketed_cause(error: &impl std::fmt::Display) -> String {
    let cause = cause(error);
    if cause.is_empty() {
        cause
    } else {
        format!("（{cause}）")
    }
}

/// A new document holding `record`, written by `actor` (the device's own actor id).
pub fn create<R: Record>(actor: ActorId, record: &R) -> AutoCommit {
    let mut doc = AutoCommit::new().with_actor(actor);
    autosurgeon::reconcile(&mut Reconciling(&mut doc), record)
        .expect("reconciling a struct into an empty document cannot conflict");
    doc
}

/// A field of a new record's document, for [`create_plain`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plain<'a> {
    Str(&'a str),
    Uint(u64),
    Int(i64),
    Bool(bool),
    /// A list of strings; empty, any list the record keeps empty.
    Strs(&'a [String]),
}

/// A new document holding a record given as its root's fields, written by `actor`: the
/// document [`create`] writes (same keys, same kinds of value), without autosurgeon's code
/// for the record's type. The phone writes the township's other work this way: each type
/// autosurgeon reconciles is some KB of the field app's 500,000 B (decision 37). Each
/// type's `plain` fields are tested against its autosurgeon document.
pub fn create_plain(actor: ActorId, fields: &[(&str, Plain<'_>)]) -> AutoCommit {
    use automerge::transaction::Transactable;
    let mut doc = AutoCommit::new().with_actor(actor);
    for &(key, value) in fields {
        let written = match value {
            Plain::Str(v) => doc.put(automerge::ROOT, key, v),
            Plain::Uint(v) => doc.put(automerge::ROOT, key, v),
            Plain::Int(v) => doc.put(automerge::ROOT, key, v),
            Plain::Bool(v) => doc.put(automerge::ROOT, key, v),
            Plain::Strs(items) => doc
                .put_object(automerge::ROOT, key, automerge::ObjType::List)
                .and_then(|list| {
                    items
                        .iter()
                        .enumerate()
                        .try_for_each(|(i, item)| doc.insert(&list, i, item.as_str()))
                }),
        };
        written.expect("writing a field into a new document cannot fail");
    }
    doc
}

/// Writes `record` over the document, recording only the fields that changed so that
/// concurrent edits to other fields merge cleanly.
pub fn update<R: Record>(doc: &mut AutoCommit, record: &R) {
    autosurgeon::reconcile(&mut Reconciling(doc), record)
        .expect("a record document always reconciles");
}

/// The record a document holds, if it has the shape of an `R`.
pub fn read<R: Record>(doc: &AutoCommit) -> Result<R, DocumentError> {
    autosurgeon::hydrate(doc).map_err(|e| DocumentError::WrongShape {
        record_type: R::TYPE.as_str(),
        reason: cause(&e),
    })
}

/// What kind of record a document claims to be.
pub fn record_type(doc: &AutoCommit) -> Result<RecordType, DocumentError> {
    match root_str(doc, "type") {
        Some(name) => RecordType::parse(&name).ok_or(DocumentError::UnknownType(name)),
        None => Err(DocumentError::MissingType),
    }
}

/// The village a document says it belongs to: its access scope.
pub fn village(doc: &AutoCommit) -> Option<String> {
    root_str(doc, "village")
}

fn root_str(doc: &AutoCommit, key: &str) -> Option<String> {
    match doc.get(automerge::ROOT, key) {
        Ok(Some((Value::Scalar(scalar), _))) => match scalar.as_ref() {
            ScalarValue::Str(value) => Some(value.to_string()),
            _ => None,
        },
        _ => None,
    }
}

/// A document that passed validation: what it is and whose it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub record_type: RecordType,
    pub village: String,
}

/// Why a document may not enter the master copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalid {
    /// Not a readable record at all.
    Document(DocumentError),
    /// A record, but some fields break the rules.
    Fields(Vec<FieldError>),
}

/// Reads the document as the record its `type` names and runs that record's validation.
///
/// A document not of the record's shape is refused with every wrongly shaped field named
/// ([`shape`](crate::records::shape)); the rules run once the shape is right.
pub fn validate(doc: &AutoCommit, today: Date) -> Result<Checked, Invalid> {
    fn check<R: Record>(doc: &AutoCommit, today: Date) -> Result<String, Invalid> {
        let record: R = read(doc).map_err(|error| {
            let errors = crate::records::shape::errors(doc, R::SHAPE);
            // The shapes mirror autosurgeon (tested); should they ever miss a mismatch, the
            // refusal still goes out, unnamed.
            if errors.is_empty() {
                Invalid::Document(error)
            } else {
                Invalid::Fields(errors)
            }
        })?;
        record.validate(today).map_err(Invalid::Fields)?;
        Ok(record.village().to_owned())
    }
    let record_type = record_type(doc).map_err(Invalid::Document)?;
    let village = match record_type {
        RecordType::Household => check::<Household>(doc, today),
        RecordType::Person => check::<Person>(doc, today),
        RecordType::RentalHouse => check::<RentalHouse>(doc, today),
        RecordType::Dispute => check::<Dispute>(doc, today),
        RecordType::OutreachVisit => check::<OutreachVisit>(doc, today),
        RecordType::ScreeningRound => check::<screening_round::ScreeningRound>(doc, today),
        RecordType::Patrol => check::<patrol::Patrol>(doc, today),
        RecordType::JointDefenceGroup => {
            check::<joint_defence_group::JointDefenceGroup>(doc, today)
        }
        RecordType::KeyPerson => check::<key_person::KeyPerson>(doc, today),
        RecordType::ResponsibilityLetter => {
            check::<responsibility_letter::ResponsibilityLetter>(doc, today)
        }
        RecordType::PublicityActivity => check::<publicity_activity::PublicityActivity>(doc, today),
        RecordType::StandardisationCheck => {
            check::<standardisation_check::StandardisationCheck>(doc, today)
        }
        RecordType::ContingencyPlan => check::<contingency_plan::ContingencyPlan>(doc, today),
    }?;
    Ok(Checked {
        record_type,
        village,
    })
}

/// The document as a device stores it: its changes as Automerge encoded them, one after
/// another, which `load` reads like a saved document. A device's record has a handful of
/// changes, so this costs little space; each save only copies the stored changes instead of
/// re-encoding the document; and the app never compresses, which keeps DEFLATE's encoder
/// out of the phone's download (docs/decisions.md, decision 18).
pub fn save_on_device(doc: &mut AutoCommit) -> Vec<u8> {
    doc.save_after(&[])
}

pub fn load(bytes: &[u8]) -> Result<AutoCommit, DocumentError> {
    AutoCommit::load(bytes).map_err(|e| DocumentError::Undecodable(cause(&e)))
}

/// The encoded changes in `doc` that are not ancestors of `acknowledged` — what a device must
/// still send. With `acknowledged` empty that is the whole history. Sent as encoded, not
/// deflated one by one: the upload is compressed whole, which also finds what changes share.
pub fn changes_since(doc: &mut AutoCommit, acknowledged: &[ChangeHash]) -> Vec<Vec<u8>> {
    doc.get_changes(acknowledged)
        .into_iter()
        .map(|change| change.raw_bytes().to_vec())
        .collect()
}

/// Decodes changes received from a device; the index in the error says which one was bad.
pub fn decode_changes(encoded: &[Vec<u8>]) -> Result<Vec<Change>, DocumentError> {
    encoded
        .iter()
        .enumerate()
        .map(|(index, bytes)| {
            Change::from_bytes(bytes.clone()).map_err(|e| DocumentError::UndecodableChange {
                index,
                reason: cause(&e),
            })
        })
        .collect()
}

pub fn heads_to_bytes(heads: &[ChangeHash]) -> Vec<Vec<u8>> {
    heads.iter().map(|h| h.0.to_vec()).collect()
}

/// Heads as received over the wire; anything that is not a 32-byte hash is dropped, since a
/// missing head only makes the next upload resend a few changes, which is harmless.
pub fn heads_from_bytes(heads: &[Vec<u8>]) -> Vec<ChangeHash> {
    heads
        .iter()
        .filter_map(|bytes| ChangeHash::try_from(bytes.as_slice()).ok())
        .collect()
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::Authorship;

    fn actor(n: u8) -> ActorId {
        ActorId::from([n; 16].as_slice())
    }

    fn household(address: &str, head: &str) -> Household {
        let by = Authorship {
            village: "xingfu".into(),
            created_by: "worker1".into(),
            created_at_ms: 1_700_000_000_000,
        };
        Household::new(&by, "3组", address, head)
    }

    fn today() -> Date {
        Date::new(2024, 1, 1).unwrap()
    }

    #[test]
    fn a_household_survives_save_and_load() {
        let record = household("幸福村3组12号", "王建国");
        let mut doc = create(actor(1), &record);
        let loaded = load(&doc.save()).unwrap();
        assert_eq!(record_type(&loaded), Ok(RecordType::Household));
        assert_eq!(village(&loaded).as_deref(), Some("xingfu"));
        assert_eq!(read::<Household>(&loaded), Ok(record));
    }

    #[test]
    fn validation_dispatches_on_the_documents_type() {
        let doc = create(actor(1), &household("幸福村3组12号", "王建国"));
        assert_eq!(
            validate(&doc, today()),
            Ok(Checked {
                record_type: RecordType::Household,
                village: "xingfu".into()
            })
        );
        let bad = create(actor(1), &household("幸福村3组12号", ""));
        let Err(Invalid::Fields(errors)) = validate(&bad, today()) else {
            panic!("an empty head of household must be refused");
        };
        assert_eq!(errors[0].field, "head_of_household");
    }

    #[test]
    fn only_unacknowledged_changes_are_sent_again() {
        let mut doc = create(actor(1), &household("甲", "乙"));
        let acknowledged = doc.get_heads();
        assert!(changes_since(&mut doc, &acknowledged).is_empty());

        update(&mut doc, &household("甲", "丙"));
        let pending = changes_since(&mut doc, &acknowledged);
        assert_eq!(pending.len(), 1);

        let mut server_copy = load(&doc.save_after(&[])).unwrap();
        server_copy
            .apply_changes(decode_changes(&pending).unwrap())
            .unwrap();
        assert_eq!(
            read::<Household>(&server_copy).unwrap().head_of_household,
            "丙"
        );
    }

    #[test]
    fn garbage_is_reported_with_the_index_of_the_bad_change() {
        let err = decode_changes(&[b"not a change".to_vec()]).unwrap_err();
        assert!(matches!(
            err,
            DocumentError::UndecodableChange { index: 0, .. }
        ));
    }

    #[test]
    fn document_ids_are_lowercase_hex() {
        let id = DocumentId::from_random_bytes([0xab; 16]);
        assert_eq!(DocumentId::parse(id.as_str()), Ok(id));
        assert!(DocumentId::parse("ABABABABABABABABABABABABABABABAB").is_err());
        assert!(DocumentId::parse("../etc/passwd").is_err());
    }

    #[test]
    fn a_document_without_type_is_not_a_record() {
        let doc = AutoCommit::new();
        assert_eq!(record_type(&doc), Err(DocumentError::MissingType));
        assert!(matches!(
            validate(&doc, today()),
            Err(Invalid::Document(DocumentError::MissingType))
        ));
    }
}
