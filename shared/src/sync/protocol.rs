//! The one message a device sends to `POST /api/sync`, and the server's answer: the device's
//! unacknowledged changes go up, and everything in its villages it does not have yet comes
//! back in the same response — one round trip in the steady state.
//!
//! Bodies are CBOR (`application/cbor`): binary, so Automerge changes travel as bytes rather
//! than base64, and compact on a 2G link. `docs/sync-protocol.md` is the reference for
//! clients in other languages.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;

use crate::review::ReturnedRecord;
use crate::session::VillageName;
use crate::validation::FieldError;

pub const CONTENT_TYPE: &str = "application/cbor";

/// A device's upload: for each document, the changes the server has not acknowledged yet,
/// and where its download stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncRequest {
    /// Stable per installation; recorded with every change for attribution.
    pub device_id: String,
    pub position: Position,
    pub documents: Vec<DocumentChanges>,
    /// Reports of the app crashing on this device since the last sync that reached the
    /// server, each one JSON object as the page wrote it (`app/crash.js`), opaque to the
    /// wasm so it carries no JSON code. Absent when there are none, and from older apps.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub crash_reports: Vec<String>,
}

/// How far a device has downloaded. Opaque to the device: it stores what the server returned
/// and sends it back.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(into = "WirePosition", try_from = "WirePosition")]
pub enum Position {
    /// Never synced (new or wiped device): the server starts by sending saved documents,
    /// which are far smaller than every change since the beginning.
    #[default]
    Start,
    /// Receiving saved documents in id order after `after_id`; once they are all sent, the
    /// change feed continues from `feed_at`, the feed position when the first page was cut.
    Snapshot { after_id: String, feed_at: u64 },
    /// Holds every change in scope up to feed sequence number `seq`.
    Feed { seq: u64 },
}

/// [`Position`] as it travels: `{"kind": "snapshot", "after_id": …, "feed_at": …}`, the map
/// serde writes for an internally tagged enum, read as a plain struct. serde reads a tagged
/// enum by buffering it in a generic `Content` tree first, code compiled for every format; on
/// the phone that was about 12 KB of the download for one small value (decision 18).
#[derive(Serialize, Deserialize)]
struct WirePosition {
    kind: PositionKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    after_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    feed_at: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    seq: Option<u64>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum PositionKind {
    Start,
    Snapshot,
    Feed,
}

impl From<Position> for WirePosition {
    fn from(position: Position) -> Self {
        let (kind, after_id, feed_at, seq) = match position {
            Position::Start => (PositionKind::Start, None, None, None),
            Position::Snapshot { after_id, feed_at } => {
                (PositionKind::Snapshot, Some(after_id), Some(feed_at), None)
            }
            Position::Feed { seq } => (PositionKind::Feed, None, None, Some(seq)),
        };
        WirePosition {
            kind,
            after_id,
            feed_at,
            seq,
        }
    }
}

impl TryFrom<WirePosition> for Position {
    type Error = &'static str;

    fn try_from(wire: WirePosition) -> Result<Self, Self::Error> {
        match (wire.kind, wire.after_id, wire.feed_at, wire.seq) {
            (PositionKind::Start, ..) => Ok(Position::Start),
            (PositionKind::Snapshot, Some(after_id), Some(feed_at), _) => {
                Ok(Position::Snapshot { after_id, feed_at })
            }
            (PositionKind::Snapshot, ..) => {
                Err("position of kind `snapshot` needs `after_id` and `feed_at`")
            }
            (PositionKind::Feed, _, _, Some(seq)) => Ok(Position::Feed { seq }),
            (PositionKind::Feed, ..) => Err("position of kind `feed` needs `seq`"),
        }
    }
}

/// A whole document, as `save()` wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedDocument {
    pub document_id: String,
    pub data: ByteBuf,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentChanges {
    pub document_id: String,
    /// Encoded Automerge changes, in any order; changes the server already has are ignored.
    pub changes: Vec<ByteBuf>,
}

/// Sent only after every accepted document is durably committed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SyncResponse {
    pub accepted: Vec<Accepted>,
    pub rejected: Vec<Rejected>,
    /// Whole documents, while a device catches up from [`Position::Start`].
    pub documents: Vec<SavedDocument>,
    /// Changes in the device's villages after its position, except those it sent itself.
    pub changes: Vec<DocumentChanges>,
    /// The device's new position, to send with its next request.
    pub position: Position,
    /// The server has more to send: the device should sync again at once. Pages keep a
    /// dropped link from costing the whole download.
    pub more: bool,
    /// Every record in the device's villages that the township office returned with a
    /// comment and nobody has changed since — the whole list each time, as it stands after
    /// this request's uploads. Absent from servers before it was added: read as none.
    #[serde(default)]
    pub returned: Vec<ReturnedRecord>,
    /// The account's villages as this answer was made (id and Chinese name; every village
    /// of the township for reviewers and admins): an admin may have moved the worker since
    /// their last sync. The device forgets acknowledged records outside them
    /// ([`super::replica`]). Absent from servers before it was added: read as empty, and an
    /// empty list changes nothing on the device.
    #[serde(default)]
    pub villages: Vec<VillageName>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accepted {
    pub document_id: String,
    /// The master copy's heads after the merge: the device may treat every change reachable
    /// from these as acknowledged.
    pub heads: Vec<ByteBuf>,
}

/// A document the server refused. Nothing of it entered the master copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejected {
    pub document_id: String,
    pub code: RefusalCode,
    pub message: String,
    /// For `invalid_record`: each field that failed validation.
    pub errors: Vec<FieldError>,
}

/// Why the server refused a document (`Rejected::code`), a snake_case text string on the
/// wire; `docs/sync-protocol.md` says what a device does about each.
///
/// Read and written as its string by hand rather than derived: a code a newer server adds
/// must not make an older phone's whole answer unreadable (servers are upgraded before the
/// apps), so an unknown string becomes [`RefusalCode::Other`] with the text kept; and the
/// phone's download stays as small as when this was a `String`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RefusalCode {
    /// `document_id` is not 32 lowercase hex, or the document is listed twice.
    BadId,
    /// A change is not valid Automerge.
    UndecodableChange,
    /// Changes depend on changes the server lacks.
    MissingDependencies,
    /// A new document with no changes.
    EmptyDocument,
    /// `type` is missing or not a Pingan record.
    UnknownType,
    /// The document after all sent changes breaks a rule or has the wrong shape; `errors`
    /// names each field.
    InvalidRecord,
    /// The record's village is not one of the user's.
    OutOfScope,
    /// A record the township office keeps (`RecordType::kept_by_office`), sent by a worker.
    OfficeOnly,
    /// The record would move to another village.
    VillageChanged,
    /// A change is signed by an actor bound to another user or device.
    ActorNotYours,
    /// The server's own copy is damaged.
    StoredDocumentUnreadable,
    /// The upload or the stored document would pass a size limit (`docs/data-model.md`).
    TooLarge,
    /// A code this build does not know, sent by a newer server: show `message` and `errors`.
    Other(String),
}

impl RefusalCode {
    /// Every code this server sends.
    pub const ALL: &'static [RefusalCode] = &[
        RefusalCode::BadId,
        RefusalCode::UndecodableChange,
        RefusalCode::MissingDependencies,
        RefusalCode::EmptyDocument,
        RefusalCode::UnknownType,
        RefusalCode::InvalidRecord,
        RefusalCode::OutOfScope,
        RefusalCode::OfficeOnly,
        RefusalCode::VillageChanged,
        RefusalCode::ActorNotYours,
        RefusalCode::StoredDocumentUnreadable,
        RefusalCode::TooLarge,
    ];

    /// The string sent on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            RefusalCode::BadId => "bad_id",
            RefusalCode::UndecodableChange => "undecodable_change",
            RefusalCode::MissingDependencies => "missing_dependencies",
            RefusalCode::EmptyDocument => "empty_document",
            RefusalCode::UnknownType => "unknown_type",
            RefusalCode::InvalidRecord => "invalid_record",
            RefusalCode::OutOfScope => "out_of_scope",
            RefusalCode::OfficeOnly => "office_only",
            RefusalCode::VillageChanged => "village_changed",
            RefusalCode::ActorNotYours => "actor_not_yours",
            RefusalCode::StoredDocumentUnreadable => "stored_document_unreadable",
            RefusalCode::TooLarge => "too_large",
            RefusalCode::Other(code) => code,
        }
    }

    /// The code a wire string names; one this build does not know is [`RefusalCode::Other`].
    pub fn parse(code: &str) -> RefusalCode {
        Self::ALL
            .iter()
            .find(|known| known.as_str() == code)
            .cloned()
            .unwrap_or_else(|| RefusalCode::Other(code.to_owned()))
    }
}

impl std::fmt::Display for RefusalCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for RefusalCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for RefusalCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|code| RefusalCode::parse(&code))
    }
}

/// The `error` of the HTTP 400 answer to a request whose `position` this server never issued
/// (a seq past its newest feed entry, or a malformed snapshot position) — after the server's
/// database was restored from a backup, say. Nothing of the request was stored: the device
/// sets its position to [`Position::Start`], keeps its documents and unsynced changes, and
/// syncs again.
pub const UNKNOWN_POSITION: &str = "unknown_position";

/// The `error` of the HTTP 401 answer to a call made with the login of an account an admin
/// disabled (`pingan-server user disable`). Unlike an expired or ended login, logging in
/// again cannot help: the device seals itself.
pub const ACCOUNT_DISABLED: &str = "account_disabled";

#[derive(Debug, thiserror::Error)]
#[error("body is not a valid CBOR {message_kind}: {reason}")]
pub struct ProtocolError {
    pub message_kind: &'static str,
    pub reason: String,
}

pub fn encode<T: Serialize>(message: &T) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::into_writer(message, &mut out).expect("writing CBOR into a Vec cannot fail");
    out
}

pub fn decode<T: DeserializeOwned>(
    message_kind: &'static str,
    bytes: &[u8],
) -> Result<T, ProtocolError> {
    ciborium::from_reader(bytes).map_err(|e| ProtocolError {
        message_kind,
        reason: crate::document::cause(&e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_round_trips_through_cbor() {
        let request = SyncRequest {
            device_id: "device-1".into(),
            position: Position::Snapshot {
                after_id: "ab".repeat(16),
                feed_at: 42,
            },
            documents: vec![DocumentChanges {
                document_id: "ab".repeat(16),
                changes: vec![ByteBuf::from(vec![1, 2, 3])],
            }],
            crash_reports: vec![r#"{"v":1,"kind":"wasm-trap"}"#.into()],
        };
        let bytes = encode(&request);
        assert_eq!(
            decode::<SyncRequest>("sync request", &bytes).unwrap(),
            request
        );
    }

    /// The map a tagged enum wrote, so devices and servers of either version understand
    /// each other, and a position a device stored keeps working.
    #[test]
    fn a_position_travels_as_a_map_tagged_by_kind() {
        use ciborium::Value;
        let text = |s: &str| Value::Text(s.into());
        let cases = [
            (Position::Start, vec![(text("kind"), text("start"))]),
            (
                Position::Snapshot {
                    after_id: "ab".into(),
                    feed_at: 7,
                },
                vec![
                    (text("kind"), text("snapshot")),
                    (text("after_id"), text("ab")),
                    (text("feed_at"), Value::Integer(7.into())),
                ],
            ),
            (
                Position::Feed { seq: 9 },
                vec![
                    (text("kind"), text("feed")),
                    (text("seq"), Value::Integer(9.into())),
                ],
            ),
        ];
        for (position, map) in cases {
            let mut written = Vec::new();
            ciborium::into_writer(&Value::Map(map), &mut written).unwrap();
            assert_eq!(encode(&position), written, "{position:?}");
            assert_eq!(decode::<Position>("position", &written).unwrap(), position);
        }
    }

    #[test]
    fn a_position_missing_its_fields_is_an_error_saying_which() {
        use ciborium::Value;
        let mut written = Vec::new();
        let map = vec![(Value::Text("kind".into()), Value::Text("feed".into()))];
        ciborium::into_writer(&Value::Map(map), &mut written).unwrap();
        let err = decode::<Position>("position", &written).unwrap_err();
        assert!(err.reason.contains("needs `seq`"), "{err}");
    }

    #[test]
    fn changes_travel_as_bytes_not_arrays_of_numbers() {
        let request = SyncRequest {
            device_id: String::new(),
            position: Position::Start,
            documents: vec![DocumentChanges {
                document_id: String::new(),
                changes: vec![ByteBuf::from(vec![0xff; 100])],
            }],
            crash_reports: Vec::new(),
        };
        // 100 bytes of payload plus field names and framing; an integer array would be ~200.
        assert!(encode(&request).len() < 180);
    }

    #[test]
    fn a_refusal_code_travels_as_its_text_string() {
        use ciborium::Value;
        for code in RefusalCode::ALL {
            let mut written = Vec::new();
            ciborium::into_writer(&Value::Text(code.as_str().into()), &mut written).unwrap();
            assert_eq!(encode(code), written, "{code}");
            assert_eq!(&decode::<RefusalCode>("code", &written).unwrap(), code);
            assert_eq!(&RefusalCode::parse(code.as_str()), code);
        }
        assert_eq!(RefusalCode::InvalidRecord.as_str(), "invalid_record");
    }

    /// A phone older than the server must still read the whole answer.
    #[test]
    fn a_code_from_a_newer_server_is_kept_not_fatal() {
        let rejected = Rejected {
            document_id: "ab".repeat(16),
            code: RefusalCode::Other("quota_exceeded".into()),
            message: "too many records".into(),
            errors: Vec::new(),
        };
        let read: Rejected = decode("rejected", &encode(&rejected)).unwrap();
        assert_eq!(read.code, RefusalCode::Other("quota_exceeded".into()));
        assert_eq!(read.code.as_str(), "quota_exceeded");
    }

    #[test]
    fn a_request_without_crash_reports_is_what_older_servers_read() {
        let request = SyncRequest {
            device_id: "device-1".into(),
            position: Position::Start,
            documents: Vec::new(),
            crash_reports: Vec::new(),
        };
        let written = encode(&request);
        let text = String::from_utf8_lossy(&written);
        assert!(
            !text.contains("crash_reports"),
            "no reports, no field: {written:?}"
        );
        assert_eq!(
            decode::<SyncRequest>("sync request", &written).unwrap(),
            request
        );
    }

    /// An answer without `villages`, as servers before it write: read as empty, which the
    /// device takes as "nothing to change".
    #[test]
    fn an_answer_without_villages_reads_as_none() {
        use ciborium::Value;
        let answer = SyncResponse {
            villages: vec![VillageName {
                id: "v01".into(),
                name: "新民村".into(),
            }],
            ..SyncResponse::default()
        };
        let written = encode(&answer);
        assert_eq!(
            decode::<SyncResponse>("sync response", &written).unwrap(),
            answer
        );

        let Value::Map(entries) = decode::<Value>("sync response", &written).unwrap() else {
            panic!("an answer is a map");
        };
        let older = Value::Map(
            entries
                .into_iter()
                .filter(|(key, _)| key.as_text() != Some("villages"))
                .collect(),
        );
        let read: SyncResponse = decode("sync response", &encode(&older)).unwrap();
        assert!(read.villages.is_empty());
    }

    #[test]
    fn a_truncated_body_is_an_error_naming_the_message() {
        let err = decode::<SyncRequest>("sync request", &[0xa2, 0x61]).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("body is not a valid CBOR sync request")
        );
    }
}
