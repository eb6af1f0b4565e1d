//! The master copy's storage.
//!
//! Callers see one interface: open a write transaction, read and replace documents inside it,
//! commit. Two backends sit behind it, chosen by the database URL: an embedded SQLite file for
//! one server, PostgreSQL for several servers on one database (see `docs/decisions.md`).

mod accounts;
pub mod batch;
mod crashes;
mod dispatch;
pub mod postgres;
pub mod reviews;
pub mod sqlite;

pub use dispatch::{Store, WriteTransaction};

use std::sync::atomic::{AtomicBool, Ordering};

use crate::accounts::User;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "database URL {0:?} is not supported; use sqlite://PATH or postgres://USER@HOST/DATABASE"
    )]
    UnsupportedUrl(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("village {0:?} already exists")]
    VillageExists(String),
    #[error("village {0:?} does not exist; add it first with `pingan-server village add`")]
    UnknownVillage(String),
    #[error("user {0:?} already exists")]
    UserExists(String),
    #[error("user {0:?} does not exist")]
    UnknownUser(String),
    #[error("stored data is not what this server wrote: {0}")]
    Corrupt(String),
    #[error("the database did not finish a write: {0}")]
    Unfinished(&'static str),
    #[error("{0}: {1}")]
    Io(std::path::PathBuf, std::io::Error),
    #[error("{0}")]
    Refused(String),
}

/// A stored master-copy document.
#[derive(Debug, Clone)]
pub struct StoredDocument {
    pub id: String,
    pub record_type: String,
    pub village: String,
    pub data: Vec<u8>,
}

/// Which villages a reader may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Township staff: every village.
    Township,
    /// A village worker: only these villages.
    Villages(Vec<String>),
}

impl Scope {
    pub fn includes(&self, village: &str) -> bool {
        match self {
            Scope::Township => true,
            Scope::Villages(villages) => villages.iter().any(|v| v == village),
        }
    }
}

/// One entry of the change feed: the changes one upload made to one document.
#[derive(Debug, Clone)]
pub struct FeedEntry {
    pub seq: u64,
    pub document_id: String,
    /// Encoded Automerge changes in causal order.
    pub changes: Vec<Vec<u8>>,
}

/// A page of the change feed, read in one consistent snapshot.
#[derive(Debug, Clone)]
pub struct FeedPage {
    pub entries: Vec<FeedEntry>,
    /// The position the reader holds everything up to once it has these changes. Never past a
    /// change that was not yet committed when the page was read.
    pub through: u64,
    pub more: bool,
}

/// One document to write: its new master copy and the changes that produced it.
pub struct SaveEntry<'a> {
    pub document: &'a StoredDocument,
    /// Concatenated 32-byte head hashes.
    pub heads: &'a [u8],
    pub changes: &'a [ChangeRecord<'a>],
}

/// Rows per multi-row SQLite statement: under its 32,766 bind parameters at seven columns a
/// row. (PostgreSQL binds whole columns as arrays instead.)
pub(crate) const ROWS_PER_STATEMENT: usize = 2_000;

/// One change as accepted from a device.
pub struct ChangeRecord<'a> {
    pub hash: &'a [u8],
    pub data: &'a [u8],
}

/// Who sent an upload, and when it arrived: recorded with every change it brought.
pub struct Author<'a> {
    pub username: &'a str,
    pub device_id: &'a str,
    pub received_at_ms: i64,
}

/// What a bearer token stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub user: User,
    pub device_id: String,
    pub expires_at_ms: i64,
    pub revoked: bool,
}

/// Whether the store has shown it can write since a write last failed to finish.
///
/// A write transaction that ends without committing — a statement or the commit failed (a full
/// disk, a read-only database, a lost connection), or the request was dropped mid-way — marks
/// the store unproven; a commit proves it again. While unproven, the health check makes a real
/// write before answering, so a monitor sees a store that cannot write (`/healthz` 503) rather
/// than one that merely answers `SELECT 1`.
#[derive(Debug, Default)]
pub(crate) struct WriteHealth {
    unproven: AtomicBool,
}

impl WriteHealth {
    pub(crate) fn write_unfinished(&self) {
        self.unproven.store(true, Ordering::Relaxed);
    }

    pub(crate) fn committed(&self) {
        self.unproven.store(false, Ordering::Relaxed);
    }

    pub(crate) fn is_unproven(&self) -> bool {
        self.unproven.load(Ordering::Relaxed)
    }
}
