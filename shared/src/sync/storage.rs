//! What the device's replica needs from storage: the small trait the phone implements on
//! IndexedDB (`app/src/store/sync.rs`) and the tests on memory ([`super::memory`]).
//!
//! A stored page is one [`PageWrite`]: every write of a page goes into it and nothing is
//! visible, nor the position moved, until [`PageWrite::commit`] says the storage has it.
//! Dropping a page without committing it discards it, as an aborted IndexedDB transaction does.

use automerge::{ActorId, AutoCommit, ChangeHash};

use super::protocol::Position;

/// Why storage failed. Either way the page was not stored and the position did not move.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StorageError {
    /// The browser's quota for this site is used up.
    #[error("本机存储空间不足（{0}）")]
    QuotaExceeded(String),
    /// The write failed or its transaction was aborted.
    #[error("本机存储写入失败（{0}）")]
    Failed(String),
}

/// What the device knows of a document's sync besides its content.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SyncState {
    /// Heads of the latest version the server confirmed it holds.
    pub acknowledged: Vec<ChangeHash>,
    /// The server refused the document at these heads: "needs correction", not resent until
    /// the worker edits it.
    pub refused: Option<Refusal>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub heads: Vec<ChangeHash>,
    /// The server's reasons, in Chinese, for the worker.
    pub reason: String,
}

impl SyncState {
    /// The server holds everything the device has of this document.
    pub fn is_acknowledged(&self, heads: &[ChangeHash]) -> bool {
        same_heads(heads, &self.acknowledged)
    }

    /// Refused at exactly these heads: the worker has not edited it since.
    pub fn needs_correction(&self, heads: &[ChangeHash]) -> bool {
        self.refused
            .as_ref()
            .is_some_and(|refusal| same_heads(heads, &refusal.heads))
    }
}

/// Heads compared as sets: Automerge returns them sorted, but a stored copy need not be.
/// A document has one head, or a few after concurrent edits, so a scan beats building sets
/// (and costs the phone's download nothing in code).
pub fn same_heads(a: &[ChangeHash], b: &[ChangeHash]) -> bool {
    a.len() == b.len() && a.iter().all(|head| b.contains(head))
}

/// One document as stored on the device.
#[derive(Debug, Clone)]
pub struct StoredDocument {
    pub id: String,
    pub doc: AutoCommit,
    pub state: SyncState,
}

/// The device's storage as the replica sees it. Async because IndexedDB is; the futures need
/// not be `Send` (the phone has one thread, the tests drive one device at a time).
#[allow(async_fn_in_trait)]
pub trait DeviceStorage {
    type Page<'a>: PageWrite
    where
        Self: 'a;

    /// This installation's id on the wire.
    fn device_id(&self) -> String;
    /// The Automerge actor that signs this device's edits (also given to documents it first
    /// receives from the server, for the edits it makes to them later).
    fn actor(&self) -> ActorId;

    /// Where the download stands after the last committed page; `Start` when never synced.
    async fn position(&self) -> Result<Position, StorageError>;

    /// The village ids the last committed page was told are the account's
    /// ([`PageWrite::move_to_villages`]); empty when never told.
    async fn villages(&self) -> Result<Vec<String>, StorageError>;

    /// Every document whose heads differ from its acknowledged heads, refused ones included
    /// (the replica decides what to resend).
    async fn unacknowledged(&self) -> Result<Vec<StoredDocument>, StorageError>;

    /// Begins storing one page.
    fn begin_page(&self) -> Result<Self::Page<'_>, StorageError>;
}

/// The writes of one page, all or nothing.
#[allow(async_fn_in_trait)]
pub trait PageWrite {
    /// A document as stored (including this page's writes so far).
    async fn document(&mut self, id: &str) -> Result<Option<StoredDocument>, StorageError>;

    /// Changes only the sync state of a stored document, without loading it; `false` when
    /// the device does not hold the document.
    async fn update_state(
        &mut self,
        id: &str,
        change: impl FnOnce(&mut SyncState),
    ) -> Result<bool, StorageError>;

    /// Stores a document. `as_received` is the server's saved copy when the document is new
    /// here and unchanged since: storage may keep those bytes rather than encode it again.
    async fn put_document(
        &mut self,
        id: &str,
        doc: &mut AutoCommit,
        state: SyncState,
        as_received: Option<&[u8]>,
    ) -> Result<(), StorageError>;

    async fn put_position(&mut self, position: &Position) -> Result<(), StorageError>;

    /// Stores `villages` as the account's villages (committed with the page) and deletes every
    /// document whose village (`crate::document::village`) is not among them, is
    /// acknowledged at its current heads and is not refused. Unacknowledged and refused
    /// documents stay: they are the worker's unsent work. A document whose village cannot be
    /// read stays too. Returns how many documents were deleted.
    async fn move_to_villages(&mut self, villages: &[String]) -> Result<usize, StorageError>;

    /// Returns only once the page is durably stored; an error means none of it is.
    async fn commit(self) -> Result<(), StorageError>;
}
