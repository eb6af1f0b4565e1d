//! One type for callers whichever backend the URL chose: an enum rather than a trait object,
//! because the methods are async and the set of backends is closed.

use super::postgres::{self, PostgresStore};
use super::reviews::{QueueFilter, QueueItem, Review};
use super::sqlite::{self, SqliteStore};
use super::{Author, FeedPage, SaveEntry, Scope, SessionRecord, StoreError, StoredDocument};
use crate::accounts::{User, Village};
use crate::history::Entry;

#[derive(Clone)]
pub enum Store {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

pub enum WriteTransaction {
    Sqlite(sqlite::WriteTransaction),
    Postgres(postgres::WriteTransaction),
}

/// Calls the same method on whichever backend `$target` holds.
macro_rules! dispatch {
    ($enum:ident, $target:expr, $backend:ident => $call:expr) => {
        match $target {
            $enum::Sqlite($backend) => $call,
            $enum::Postgres($backend) => $call,
        }
    };
}

impl Store {
    /// Opens the database at `url` (`sqlite:…`, `postgres:…` or `postgresql:…`) and brings
    /// its schema up to date.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite(SqliteStore::connect(url).await?))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Self::Postgres(PostgresStore::connect(url).await?))
        } else {
            Err(StoreError::UnsupportedUrl(url.to_owned()))
        }
    }

    pub async fn ping(&self) -> Result<(), StoreError> {
        dispatch!(Store, self, s => s.ping().await)
    }

    /// Closes every connection, waiting for those in use to come back.
    pub async fn close(&self) {
        dispatch!(Store, self, s => s.pool.close().await)
    }

    /// Whether the store answers and, if a write has failed to finish since the last commit,
    /// whether it can write again (by writing). `/healthz` reports this.
    pub async fn health(&self) -> Result<(), StoreError> {
        dispatch!(Store, self, s => s.health().await)
    }

    pub async fn begin_write(&self) -> Result<WriteTransaction, StoreError> {
        Ok(match self {
            Store::Sqlite(s) => WriteTransaction::Sqlite(s.begin_write().await?),
            Store::Postgres(s) => WriteTransaction::Postgres(s.begin_write().await?),
        })
    }

    pub async fn documents_of_type(
        &self,
        record_type: &str,
    ) -> Result<Vec<StoredDocument>, StoreError> {
        dispatch!(Store, self, s => s.documents_of_type(record_type).await)
    }

    /// Changes after `after` in `scope`, oldest first, leaving out those `device_id` sent
    /// itself (it has them). At most `limit` changes.
    pub async fn feed_page(
        &self,
        after: u64,
        scope: &Scope,
        device_id: &str,
        limit: usize,
    ) -> Result<FeedPage, StoreError> {
        dispatch!(Store, self, s => s.feed_page(after, scope, device_id, limit).await)
    }

    /// The feed's current end: where a device starting from saved documents continues.
    pub async fn feed_head(&self) -> Result<u64, StoreError> {
        dispatch!(Store, self, s => s.feed_head().await)
    }

    /// Up to `limit` master-copy documents in `scope` with ids after `after_id`, in id order.
    pub async fn documents_page(
        &self,
        after_id: &str,
        scope: &Scope,
        limit: usize,
    ) -> Result<Vec<StoredDocument>, StoreError> {
        dispatch!(Store, self, s => s.documents_page(after_id, scope, limit).await)
    }

    pub async fn change_count(&self, document_id: &str) -> Result<i64, StoreError> {
        dispatch!(Store, self, s => s.change_count(document_id).await)
    }

    pub async fn review_queue(&self, filter: &QueueFilter) -> Result<Vec<QueueItem>, StoreError> {
        dispatch!(Store, self, s => s.review_queue(filter).await)
    }

    /// How many records wait for review under `filter`, whatever its limit.
    pub async fn review_queue_count(&self, filter: &QueueFilter) -> Result<u64, StoreError> {
        dispatch!(Store, self, s => s.review_queue_count(filter).await)
    }

    pub async fn review(&self, document_id: &str) -> Result<Option<Review>, StoreError> {
        dispatch!(Store, self, s => s.review(document_id).await)
    }

    pub async fn set_review(&self, review: &Review) -> Result<(), StoreError> {
        dispatch!(Store, self, s => s.set_review(review).await)
    }

    pub async fn open_returns(&self) -> Result<Vec<(Review, String, String)>, StoreError> {
        dispatch!(Store, self, s => s.open_returns().await)
    }

    pub async fn document_with_heads(
        &self,
        id: &str,
    ) -> Result<Option<(StoredDocument, Vec<u8>)>, StoreError> {
        dispatch!(Store, self, s => s.document_with_heads(id).await)
    }

    /// Each document of `record_type` and when the server first received it.
    pub async fn first_receipts(
        &self,
        record_type: &str,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        dispatch!(Store, self, s => s.first_receipts(record_type).await)
    }

    pub async fn entries_of(&self, document_id: &str) -> Result<Vec<Entry>, StoreError> {
        dispatch!(Store, self, s => s.entries_of(document_id).await)
    }

    /// Keeps crash reports `author`'s device sent; one already kept is left as it is.
    pub async fn add_crash_reports(
        &self,
        reports: &[crate::crashes::CrashReport],
        author: &Author<'_>,
    ) -> Result<(), StoreError> {
        dispatch!(Store, self, s => s.add_crash_reports(reports, author).await)
    }

    /// The `limit` most recent crash reports, newest first.
    pub async fn crash_reports(
        &self,
        limit: usize,
    ) -> Result<Vec<crate::crashes::StoredCrash>, StoreError> {
        dispatch!(Store, self, s => s.crash_reports(limit).await)
    }

    pub async fn add_village(&self, village: &Village) -> Result<(), StoreError> {
        dispatch!(Store, self, s => s.add_village(village).await)
    }

    pub async fn villages(&self) -> Result<Vec<Village>, StoreError> {
        dispatch!(Store, self, s => s.villages().await)
    }

    /// Adds an account; every village it names must exist.
    pub async fn add_user(
        &self,
        user: &User,
        password_hash: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        dispatch!(Store, self, s => s.add_user(user, password_hash, now_ms).await)
    }

    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        dispatch!(Store, self, s => s.users().await)
    }

    /// The account and its password hash.
    /// The devices `username` logged in from, first login first.
    pub async fn devices_of(&self, username: &str) -> Result<Vec<String>, StoreError> {
        dispatch!(Store, self, s => s.devices_of(username).await)
    }

    pub async fn user(&self, username: &str) -> Result<Option<(User, String)>, StoreError> {
        dispatch!(Store, self, s => s.user(username).await)
    }

    /// Replaces the villages of an account; every village named must exist. Its devices move
    /// at their next sync, without logging in again.
    pub async fn set_villages(
        &self,
        username: &str,
        villages: &[String],
    ) -> Result<(), StoreError> {
        dispatch!(Store, self, s => s.set_villages(username, villages).await)
    }

    /// Disables (or re-enables) an account; disabling also revokes every session at once.
    pub async fn set_disabled(&self, username: &str, disabled: bool) -> Result<(), StoreError> {
        dispatch!(Store, self, s => s.set_disabled(username, disabled).await)
    }

    pub async fn create_session(
        &self,
        token_hash: &[u8],
        username: &str,
        device_id: &str,
        now_ms: i64,
        expires_at_ms: i64,
    ) -> Result<(), StoreError> {
        dispatch!(Store, self, s => s
            .create_session(token_hash, username, device_id, now_ms, expires_at_ms)
            .await)
    }

    pub async fn session(&self, token_hash: &[u8]) -> Result<Option<SessionRecord>, StoreError> {
        dispatch!(Store, self, s => s.session(token_hash).await)
    }

    pub async fn revoke_session(&self, token_hash: &[u8]) -> Result<(), StoreError> {
        dispatch!(Store, self, s => s.revoke_session(token_hash).await)
    }
}

impl WriteTransaction {
    pub async fn load_many(&mut self, ids: &[String]) -> Result<Vec<StoredDocument>, StoreError> {
        dispatch!(WriteTransaction, self, tx => tx.load_many(ids).await)
    }

    pub async fn load(&mut self, id: &str) -> Result<Option<StoredDocument>, StoreError> {
        dispatch!(WriteTransaction, self, tx => tx.load(id).await)
    }

    /// Replaces the master copies of `entries` and appends one feed entry per document with
    /// new changes, in a few statements. Callers pass only changes the master copy lacked (a
    /// resend brings none, and writes no entry), so the feed holds each change once.
    pub async fn save_many(
        &mut self,
        entries: &[SaveEntry<'_>],
        author: &Author<'_>,
    ) -> Result<(), StoreError> {
        dispatch!(WriteTransaction, self, tx => tx.save_many(entries, author).await)
    }

    /// Durable once this returns: the caller may acknowledge to the device.
    pub async fn commit(self) -> Result<(), StoreError> {
        dispatch!(WriteTransaction, self, tx => tx.commit().await)
    }

    /// The user and device an Automerge actor is bound to, if any.
    pub async fn actor_owner(
        &mut self,
        actor: &str,
    ) -> Result<Option<(String, String)>, StoreError> {
        dispatch!(WriteTransaction, self, tx => tx.actor_owner(actor).await)
    }

    pub async fn bind_actor(
        &mut self,
        actor: &str,
        username: &str,
        device_id: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        dispatch!(WriteTransaction, self, tx => tx.bind_actor(actor, username, device_id, now_ms).await)
    }
}
