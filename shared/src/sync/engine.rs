//! The device side of sync as a sans-IO state machine: events in, decisions out. No clock,
//! socket or storage inside, so the browser app, the native test devices and any tool drive
//! the very same logic, and tests can drop, delay and reorder messages at will.
//!
//! One round of sync:
//! 1. the runtime reads its unacknowledged documents and calls [`SyncEngine::request`];
//! 2. it sends the request (any transport) and reports back with [`SyncEngine::on_response`]
//!    or [`SyncEngine::on_failure`];
//! 3. it carries out the returned [`Download`] in one storage transaction (merge documents and
//!    changes, record acknowledged heads and refusals, store the new position), then does what
//!    [`Next`] says.
//!
//! The rules it keeps:
//! - a document counts as acknowledged only at the heads the device sent, never the server's;
//! - the download position moves only when a response arrives, so a lost response costs a
//!   repeat, never a gap;
//! - refused documents are reported, never resent automatically (a resend would be refused
//!   again, forever — automerge-repo#412); the worker's next edit makes them pending again;
//! - after a failure the next attempt waits, doubling up to a ceiling, so a flapping 2G link
//!   is not hammered.

use std::collections::BTreeMap;

use automerge::ChangeHash;
use serde_bytes::ByteBuf;

use super::protocol::{
    DocumentChanges, Position, Rejected, SavedDocument, SyncRequest, SyncResponse,
};
use crate::document;

/// First retry after a failure; doubled per consecutive failure.
pub const FIRST_RETRY_MS: u64 = 2_000;
/// Never wait longer than this: a worker back in signal for thirty seconds must not miss it.
pub const MAX_RETRY_MS: u64 = 60_000;

/// A document with changes the server has not acknowledged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub document_id: String,
    /// Encoded changes since the acknowledged heads.
    pub changes: Vec<Vec<u8>>,
    /// Heads of the version being sent.
    pub heads: Vec<ChangeHash>,
}

/// What the device must store after a response, in one transaction.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Download {
    /// Whole documents to merge into (or create in) the device's store.
    pub documents: Vec<SavedDocument>,
    /// Changes by others to merge into documents.
    pub changes: Vec<DocumentChanges>,
    /// Documents the server committed, with the heads the device sent.
    pub acknowledged: Vec<(String, Vec<ChangeHash>)>,
    /// Documents the server refused: mark them "needs correction".
    pub rejected: Vec<Rejected>,
    /// Store this as the device's new download position.
    pub position: Position,
}

/// What the runtime should do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Everything is exchanged.
    Done,
    /// The server has more to send: sync again at once.
    Continue,
    /// Something failed: try again after this many milliseconds.
    RetryAfter(u64),
    /// The server does not accept this device's credentials: unsynced work waits on the
    /// device until the worker logs in again.
    LogIn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// No connection, a timeout, or a response cut off.
    Network,
    /// 401: token missing, expired or revoked.
    Unauthorized,
    /// Any other error status.
    Server(u16),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncEngine {
    device_id: String,
    position: Position,
    consecutive_failures: u32,
    /// What the request in flight carried, to know what a response acknowledges.
    in_flight: BTreeMap<String, Vec<ChangeHash>>,
}

impl SyncEngine {
    /// `position` is what the device stored after its last successful round.
    pub fn new(device_id: impl Into<String>, position: Position) -> Self {
        Self {
            device_id: device_id.into(),
            position,
            consecutive_failures: 0,
            in_flight: BTreeMap::new(),
        }
    }

    pub fn position(&self) -> &Position {
        &self.position
    }

    /// The request carrying `outgoing` and asking for everything after the stored position.
    pub fn request(&mut self, outgoing: Vec<Outgoing>) -> SyncRequest {
        self.in_flight = outgoing
            .iter()
            .map(|o| (o.document_id.clone(), o.heads.clone()))
            .collect();
        SyncRequest {
            device_id: self.device_id.clone(),
            position: self.position.clone(),
            documents: outgoing
                .into_iter()
                .map(|o| DocumentChanges {
                    document_id: o.document_id,
                    changes: o.changes.into_iter().map(ByteBuf::from).collect(),
                })
                .collect(),
            crash_reports: Vec::new(),
        }
    }

    pub fn on_response(&mut self, response: SyncResponse) -> (Download, Next) {
        let in_flight = std::mem::take(&mut self.in_flight);
        self.consecutive_failures = 0;
        self.position = response.position.clone();
        let acknowledged = response
            .accepted
            .iter()
            .filter_map(|a| {
                in_flight
                    .get(&a.document_id)
                    .map(|heads| (a.document_id.clone(), heads.clone()))
            })
            .collect();
        let next = if response.more {
            Next::Continue
        } else {
            Next::Done
        };
        let download = Download {
            documents: response.documents,
            changes: response.changes,
            acknowledged,
            rejected: response.rejected,
            position: response.position,
        };
        (download, next)
    }

    pub fn on_failure(&mut self, failure: Failure) -> Next {
        self.in_flight.clear();
        match failure {
            Failure::Unauthorized => Next::LogIn,
            Failure::Network | Failure::Server(_) => {
                self.consecutive_failures = self.consecutive_failures.saturating_add(1);
                Next::RetryAfter(retry_delay_ms(self.consecutive_failures))
            }
        }
    }
}

/// Delay before retry number `failures` (1-based): 2 s, 4 s, 8 s, … capped at a minute.
pub fn retry_delay_ms(failures: u32) -> u64 {
    let doublings = failures.saturating_sub(1).min(16);
    FIRST_RETRY_MS
        .saturating_mul(1 << doublings)
        .min(MAX_RETRY_MS)
}

/// The changes of `doc` the server has not acknowledged, ready for [`SyncEngine::request`];
/// `None` when there is nothing to send.
pub fn outgoing(
    document_id: &str,
    doc: &mut automerge::AutoCommit,
    acknowledged: &[ChangeHash],
) -> Option<Outgoing> {
    let changes = document::changes_since(doc, acknowledged);
    (!changes.is_empty()).then(|| Outgoing {
        document_id: document_id.to_owned(),
        changes,
        heads: doc.get_heads(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::protocol::Accepted;

    fn engine() -> SyncEngine {
        SyncEngine::new("phone-1", Position::Start)
    }

    fn hash(n: u8) -> ChangeHash {
        ChangeHash([n; 32])
    }

    fn outgoing_doc(id: &str, head: u8) -> Outgoing {
        Outgoing {
            document_id: id.into(),
            changes: vec![vec![head]],
            heads: vec![hash(head)],
        }
    }

    fn response(accepted: &[&str], position: Position, more: bool) -> SyncResponse {
        SyncResponse {
            accepted: accepted
                .iter()
                .map(|id| Accepted {
                    document_id: (*id).into(),
                    heads: vec![ByteBuf::from(vec![0xee; 32])],
                })
                .collect(),
            position,
            more,
            ..SyncResponse::default()
        }
    }

    #[test]
    fn a_request_carries_the_stored_position_and_the_pending_changes() {
        let mut engine = SyncEngine::new("phone-1", Position::Feed { seq: 41 });
        let request = engine.request(vec![outgoing_doc("a", 1)]);
        assert_eq!(request.device_id, "phone-1");
        assert_eq!(request.position, Position::Feed { seq: 41 });
        assert_eq!(request.documents[0].changes[0].as_ref(), &[1]);
    }

    #[test]
    fn acknowledgement_uses_the_heads_the_device_sent_not_the_servers() {
        let mut engine = engine();
        engine.request(vec![outgoing_doc("a", 1), outgoing_doc("b", 2)]);
        let (download, next) =
            engine.on_response(response(&["a"], Position::Feed { seq: 7 }, false));
        assert_eq!(download.acknowledged, vec![("a".to_owned(), vec![hash(1)])]);
        assert_eq!(next, Next::Done);
        assert_eq!(engine.position(), &Position::Feed { seq: 7 });
    }

    #[test]
    fn an_acceptance_for_something_not_sent_acknowledges_nothing() {
        let mut engine = engine();
        engine.request(vec![]);
        let (download, _) =
            engine.on_response(response(&["stranger"], Position::Feed { seq: 1 }, false));
        assert!(download.acknowledged.is_empty());
    }

    #[test]
    fn a_lost_response_leaves_the_position_where_it_was() {
        let mut engine = SyncEngine::new("phone-1", Position::Feed { seq: 3 });
        engine.request(vec![outgoing_doc("a", 1)]);
        assert_eq!(
            engine.on_failure(Failure::Network),
            Next::RetryAfter(FIRST_RETRY_MS)
        );
        assert_eq!(engine.position(), &Position::Feed { seq: 3 });
        let again = engine.request(vec![outgoing_doc("a", 1)]);
        assert_eq!(again.position, Position::Feed { seq: 3 });
    }

    #[test]
    fn more_pages_mean_sync_again_at_once() {
        let mut engine = engine();
        engine.request(vec![]);
        let snapshot = Position::Snapshot {
            after_id: "m".into(),
            feed_at: 9,
        };
        let (_, next) = engine.on_response(response(&[], snapshot, true));
        assert_eq!(next, Next::Continue);
    }

    #[test]
    fn retries_back_off_to_a_ceiling_and_reset_after_success() {
        let mut engine = engine();
        let delays: Vec<_> = (0..8)
            .map(|_| engine.on_failure(Failure::Server(503)))
            .collect();
        assert_eq!(delays[0], Next::RetryAfter(2_000));
        assert_eq!(delays[1], Next::RetryAfter(4_000));
        assert_eq!(delays[7], Next::RetryAfter(MAX_RETRY_MS));
        engine.request(vec![]);
        engine.on_response(response(&[], Position::Feed { seq: 1 }, false));
        assert_eq!(engine.on_failure(Failure::Network), Next::RetryAfter(2_000));
    }

    #[test]
    fn an_expired_login_stops_retrying_until_the_worker_logs_in() {
        assert_eq!(engine().on_failure(Failure::Unauthorized), Next::LogIn);
    }
}
