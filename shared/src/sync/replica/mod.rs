//! The device side of sync: one core that the phone (over IndexedDB), the simulated devices
//! of the tests and the benchmarks all run (the shape of samod's core: storage and transport
//! are plug-ins, the rules live here once).
//!
//! One round:
//! 1. [`Replica::request`] reads the stored position and every document with changes the
//!    server has not acknowledged (refused ones the worker has not edited stay back), and
//!    remembers the heads it sends;
//! 2. the runtime sends it over any [`Transport`];
//! 3. [`Replica::receive`] stores the answer as one page — acknowledgements at the heads sent,
//!    refusals, merged documents and feed changes, the new position — and only when the
//!    storage says the page is committed does the position count as moved. A page that fails
//!    to store leaves the device as it was; the next round asks from the old position again.
//!
//! [`Replica::sync`] repeats rounds until the server has nothing more, backing off after
//! failures (2 s, 4 s … a minute) so a flapping 2G link is not hammered.
//!
//! The rules it keeps:
//! - a document counts as acknowledged only at the heads the device sent, never the server's;
//! - refused documents are marked, never resent automatically (a resend would be refused
//!   again, forever — automerge-repo#412); the worker's next edit makes them pending again;
//! - a download that lacks a change it depends on is an error, never a change parked out of
//!   sight: the page is dropped and the device starts its download over from `start`, whose
//!   saved documents carry their whole history;
//! - a position the server says it never issued sends the device back to `start` as well;
//! - every answer names the account's villages ([`SyncResponse::villages`]); when they are not
//!   the ones the device was last told (compared as sets), the account was moved: the page
//!   forgets every record outside them that the server holds as the device has it —
//!   acknowledged at its current heads and not refused — and keeps the worker's unsent and
//!   refused work there (its upload is refused `out_of_scope` and it stays on the device).
//!   When the account gained a village, the device's position is past that village's
//!   history, so the page stores `start` instead of the answer's position, sets aside the
//!   answer's downloads (feed changes of a village new to the device lack their past; the
//!   download from `start` brings every record whole) and the run goes on at once: the new
//!   villages arrive in the same sync, and what the device already holds merges as a no-op.
//!   An account that only lost villages keeps its position. The first answer that names
//!   villages (a new device, or one that synced with an older server) only stores them; an
//!   answer naming none (an older server) changes nothing.

mod merge;

use automerge::{ActorId, ChangeHash};
use serde_bytes::ByteBuf;

use super::protocol::{
    ACCOUNT_DISABLED, DocumentChanges, Position, Rejected, SavedDocument, SyncRequest,
    SyncResponse, UNKNOWN_POSITION,
};
use super::storage::{DeviceStorage, PageWrite, Refusal, StorageError, SyncState};
use crate::document::{self, DocumentError};
use crate::review::ReturnedRecord;

pub use merge::{acknowledged_after_download, merge_changes, merge_saved};

/// First retry after a failure; doubled per consecutive failure.
pub const FIRST_RETRY_MS: u64 = 2_000;
/// Never wait longer than this: a worker back in signal for thirty seconds must not miss it.
pub const MAX_RETRY_MS: u64 = 60_000;

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
    /// An admin disabled the account: logging in again cannot help. The phone seals the
    /// worker's records (they stay, unreadable) until an online login succeeds again.
    Sealed,
}

/// How an exchange with the server failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// No connection, a timeout, or a response cut off.
    Network,
    /// 401: token missing, expired or revoked.
    Unauthorized,
    /// 401 `account_disabled`: an admin disabled the account.
    AccountDisabled,
    /// 400 `unknown_position`: the server never issued the position sent; start over.
    UnknownPosition,
    /// Any other error status, or an answer that could not be read.
    Server(u16),
    /// The device could not read or store what it has: its storage failed.
    Device,
}

impl Failure {
    /// How an error answer of the sync endpoint failed the exchange, from its status and body
    /// (docs/sync-protocol.md, errors): one reading for every transport.
    pub fn from_answer(status: u16, body: &str) -> Self {
        match status {
            401 if body.contains(ACCOUNT_DISABLED) => Failure::AccountDisabled,
            401 => Failure::Unauthorized,
            400 if body.contains(UNKNOWN_POSITION) => Failure::UnknownPosition,
            _ => Failure::Server(status),
        }
    }
}

/// Counts of what stored pages brought, for the status line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stored {
    pub uploaded: usize,
    pub downloaded: usize,
    pub refused: usize,
    /// Synced records dropped because the account no longer has their village.
    pub forgotten: usize,
}

impl std::ops::AddAssign for Stored {
    fn add_assign(&mut self, other: Stored) {
        self.uploaded += other.uploaded;
        self.downloaded += other.downloaded;
        self.refused += other.refused;
        self.forgotten += other.forgotten;
    }
}

/// One committed page.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub stored: Stored,
    pub next: Next,
    /// The records the office returned, as the server listed them with this page.
    pub returned: Vec<ReturnedRecord>,
}

/// Why a round could not store what it received. Nothing of the page was stored.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RoundError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("记录 {document_id} 无法读取{}", crate::document::bracketed_cause(.source))]
    Document {
        document_id: String,
        source: DocumentError,
    },
    #[error("记录 {document_id} 缺少之前的修改，本机将从头重新下载")]
    MissingDependencies { document_id: String },
}

/// How a [`Replica::sync`] run ended with an error.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SyncError<E: std::fmt::Display> {
    #[error("{0}")]
    Transport(E),
    #[error(transparent)]
    Round(#[from] RoundError),
    #[error("同步未在 {0} 轮内完成")]
    TooManyRounds(usize),
}

/// Carries one request to the server and brings back its answer.
#[allow(async_fn_in_trait)]
pub trait Transport {
    type Error: std::fmt::Display;
    async fn exchange(
        &mut self,
        request: SyncRequest,
    ) -> Result<SyncResponse, (Failure, Self::Error)>;
}

/// How a [`Replica::sync`] run ended.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncOutcome<E: std::fmt::Display> {
    pub stored: Stored,
    pub next: Next,
    pub error: Option<SyncError<E>>,
    /// The office's returned records from the answer that finished the run; `None` when the
    /// run failed (the list the last complete sync left still stands).
    pub returned: Option<Vec<ReturnedRecord>>,
}

/// The device's replica of its villages' records: the sync state machine over a storage.
pub struct Replica<S> {
    storage: S,
    consecutive_failures: u32,
    /// Heads of each document the request in flight carried: what an acceptance or a refusal
    /// in its answer refers to.
    in_flight: InFlight,
}

impl<S: DeviceStorage> Replica<S> {
    pub fn new(storage: S) -> Self {
        Self {
            storage,
            consecutive_failures: 0,
            in_flight: InFlight::default(),
        }
    }

    pub fn storage(&self) -> &S {
        &self.storage
    }

    /// Gives the storage back (a simulated crash drops the rest).
    pub fn into_storage(self) -> S {
        self.storage
    }

    /// The next request: the stored position and every change the server lacks.
    pub async fn request(&mut self) -> Result<SyncRequest, RoundError> {
        self.in_flight.0.clear();
        let position = self.storage.position().await?;
        let mut documents = Vec::new();
        for mut stored in self.storage.unacknowledged().await? {
            let heads = stored.doc.get_heads();
            if stored.state.needs_correction(&heads) {
                continue;
            }
            let changes = document::changes_since(&mut stored.doc, &stored.state.acknowledged);
            if changes.is_empty() {
                continue;
            }
            self.in_flight.0.push((stored.id.clone(), heads));
            documents.push(DocumentChanges {
                document_id: stored.id,
                changes: changes.into_iter().map(ByteBuf::from).collect(),
            });
        }
        Ok(SyncRequest {
            device_id: self.storage.device_id(),
            position,
            documents,
            crash_reports: Vec::new(),
        })
    }

    /// Stores an answer as one page. The position moves only if this returns `Ok`.
    pub async fn receive(&mut self, response: SyncResponse) -> Result<Page, RoundError> {
        let in_flight = std::mem::take(&mut self.in_flight);
        match self.store_page(&in_flight, &response).await {
            Ok((stored, restarted)) => {
                self.consecutive_failures = 0;
                let next = if response.more || restarted {
                    Next::Continue
                } else {
                    Next::Done
                };
                Ok(Page {
                    stored,
                    next,
                    returned: response.returned,
                })
            }
            Err(error) => {
                if matches!(error, RoundError::MissingDependencies { .. }) {
                    // Saved documents carry every change; if even this write fails, the next
                    // round meets the same gap and tries again.
                    let _ = self.start_over().await;
                }
                Err(error)
            }
        }
    }

    /// The exchange failed; says what to do next. The position stays where it was.
    pub async fn on_failure(&mut self, failure: Failure) -> Next {
        self.in_flight.0.clear();
        match failure {
            Failure::Unauthorized => Next::LogIn,
            Failure::AccountDisabled => Next::Sealed,
            Failure::UnknownPosition if self.start_over().await.is_ok() => Next::Continue,
            _ => {
                self.consecutive_failures = self.consecutive_failures.saturating_add(1);
                Next::RetryAfter(retry_delay_ms(self.consecutive_failures))
            }
        }
    }

    /// Rounds until the server has nothing more to send, a failure, or `max_rounds`;
    /// `on_page` sees the running totals after each committed page.
    pub async fn sync<T: Transport>(
        &mut self,
        transport: &mut T,
        max_rounds: usize,
        mut on_page: impl FnMut(Stored),
    ) -> SyncOutcome<T::Error> {
        let mut stored = Stored::default();
        let finish = |stored, next, error, returned| SyncOutcome {
            stored,
            next,
            error,
            returned,
        };
        for _ in 0..max_rounds {
            let request = match self.request().await {
                Ok(request) => request,
                Err(error) => {
                    let next = self.on_failure(Failure::Device).await;
                    return finish(stored, next, Some(SyncError::Round(error)), None);
                }
            };
            let response = match transport.exchange(request).await {
                Ok(response) => response,
                Err((failure, error)) => match self.on_failure(failure).await {
                    Next::Continue => continue,
                    next => return finish(stored, next, Some(SyncError::Transport(error)), None),
                },
            };
            match self.receive(response).await {
                Ok(page) => {
                    stored += page.stored;
                    on_page(stored);
                    if page.next != Next::Continue {
                        return finish(stored, page.next, None, Some(page.returned));
                    }
                }
                Err(error) => {
                    let next = self.on_failure(Failure::Device).await;
                    return finish(stored, next, Some(SyncError::Round(error)), None);
                }
            }
        }
        finish(
            stored,
            Next::Done,
            Some(SyncError::TooManyRounds(max_rounds)),
            None,
        )
    }

    async fn start_over(&self) -> Result<(), StorageError> {
        let mut page = self.storage.begin_page()?;
        page.put_position(&Position::Start).await?;
        page.commit().await
    }

    /// Stores one answer; `true` when the account gained villages and the page set the
    /// position back to `start` to download them.
    async fn store_page(
        &self,
        in_flight: &InFlight,
        response: &SyncResponse,
    ) -> Result<(Stored, bool), RoundError> {
        let actor = self.storage.actor();
        let villages: Vec<String> = response.villages.iter().map(|v| v.id.clone()).collect();
        // Read before the page begins: IndexedDB commits a transaction left waiting on another.
        let moved_from = if villages.is_empty() {
            None
        } else {
            Some(self.storage.villages().await?).filter(|told| !same_villages(told, &villages))
        };
        let restart = moved_from
            .as_ref()
            .is_some_and(|told| !told.is_empty() && villages.iter().any(|v| !told.contains(v)));
        let mut page = self.storage.begin_page()?;
        let mut stored = Stored::default();
        for accepted in &response.accepted {
            // An acceptance of something this device did not send acknowledges nothing.
            let Some(heads) = in_flight.get(&accepted.document_id) else {
                continue;
            };
            if page
                .update_state(&accepted.document_id, |state| {
                    state.acknowledged = heads.clone()
                })
                .await?
            {
                stored.uploaded += 1;
            }
        }
        for rejected in &response.rejected {
            let Some(heads) = in_flight.get(&rejected.document_id) else {
                continue;
            };
            let refusal = Refusal {
                heads: heads.clone(),
                reason: reason_for_worker(rejected),
            };
            if page
                .update_state(&rejected.document_id, |state| state.refused = Some(refusal))
                .await?
            {
                stored.refused += 1;
            }
        }
        // Restarting, the download from `start` brings all of it whole.
        let (documents, changes): (&[SavedDocument], &[DocumentChanges]) = if restart {
            (&[], &[])
        } else {
            (&response.documents, &response.changes)
        };
        for saved in documents {
            let incoming = Incoming::Saved(&saved.data);
            merge_into(&mut page, &saved.document_id, incoming, &actor).await?;
            stored.downloaded += 1;
        }
        for document in changes {
            let encoded: Vec<Vec<u8>> = document.changes.iter().map(|c| c.to_vec()).collect();
            let incoming = Incoming::Changes(&encoded);
            merge_into(&mut page, &document.document_id, incoming, &actor).await?;
            stored.downloaded += 1;
        }
        // Last, so the page's own acknowledgements and refusals count.
        if moved_from.is_some() {
            stored.forgotten = page.move_to_villages(&villages).await?;
        }
        let position = if restart {
            &Position::Start
        } else {
            &response.position
        };
        page.put_position(position).await?;
        page.commit().await?;
        Ok((stored, restart))
    }
}

/// The documents a request carried, with the heads sent. A list, not a map: a request carries
/// tens of documents, and a scan costs the phone's download less code than a tree.
#[derive(Debug, Default)]
struct InFlight(Vec<(String, Vec<ChangeHash>)>);

impl InFlight {
    fn get(&self, id: &str) -> Option<&Vec<ChangeHash>> {
        self.0
            .iter()
            .find(|(sent, _)| sent == id)
            .map(|(_, heads)| heads)
    }
}

/// What a download brought for one document.
#[derive(Clone, Copy)]
enum Incoming<'a> {
    /// The server's saved copy.
    Saved(&'a [u8]),
    /// Changes from the feed.
    Changes(&'a [Vec<u8>]),
}

async fn merge_into<P: PageWrite>(
    page: &mut P,
    id: &str,
    incoming: Incoming<'_>,
    actor: &ActorId,
) -> Result<(), RoundError> {
    let (local, before, state) = match page.document(id).await? {
        Some(mut stored) => {
            let heads = stored.doc.get_heads();
            (Some(stored.doc), heads, stored.state)
        }
        None => (None, Vec::new(), SyncState::default()),
    };
    let new_here = local.is_none();
    let merged = match incoming {
        Incoming::Saved(saved) => merge_saved(local, saved, actor),
        Incoming::Changes(changes) => merge_changes(local, changes, actor),
    };
    let mut doc = merged.map_err(|source| RoundError::Document {
        document_id: id.to_owned(),
        source,
    })?;
    if !doc.get_missing_deps(&[]).is_empty() {
        return Err(RoundError::MissingDependencies {
            document_id: id.to_owned(),
        });
    }
    let after = doc.get_heads();
    let state = SyncState {
        acknowledged: acknowledged_after_download(&before, &state.acknowledged, &after),
        refused: state.refused,
    };
    let as_received = match incoming {
        Incoming::Saved(saved) if new_here => Some(saved),
        _ => None,
    };
    page.put_document(id, &mut doc, state, as_received).await?;
    Ok(())
}

/// Village ids compared as sets: the server lists them in its own order.
fn same_villages(a: &[String], b: &[String]) -> bool {
    a.iter().all(|v| b.contains(v)) && b.iter().all(|v| a.contains(v))
}

/// What the worker reads on a refused record: each field's reason, or the server's message.
pub fn reason_for_worker(rejected: &Rejected) -> String {
    if rejected.errors.is_empty() {
        rejected.message.clone()
    } else {
        rejected
            .errors
            .iter()
            .map(|e| e.message_zh.as_str())
            .collect::<Vec<_>>()
            .join("；")
    }
}

/// Delay before retry number `failures` (1-based): 2 s, 4 s, 8 s, … capped at a minute.
pub fn retry_delay_ms(failures: u32) -> u64 {
    let doublings = failures.saturating_sub(1).min(16);
    FIRST_RETRY_MS
        .saturating_mul(1 << doublings)
        .min(MAX_RETRY_MS)
}

#[cfg(test)]
mod tests;
