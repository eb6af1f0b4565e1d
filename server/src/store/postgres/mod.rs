//! PostgreSQL, for a township that runs several server processes on one database.
//!
//! The feed's order rests on one row, `feed_counter`: a write transaction numbers its changes
//! from it as its last step before `COMMIT`, and the row lock that takes is held until commit.
//! So writers, in whatever process, commit one after another in sequence order, and once a
//! reader sees position N every change numbered N or below is already visible to it. A
//! SEQUENCE would hand out numbers that can commit out of order, and a device reading in
//! between would move its position past a change it never downloads. Everything before the
//! numbering — loading, merging, checking actors, writing the documents — runs in parallel
//! across writers, each holding transaction-scoped advisory locks on the documents it writes.
//! See `docs/decisions.md` (7 and 23).

use std::str::FromStr;
use std::sync::Arc;

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::{Executor, PgPool, Postgres, Row};

super::accounts::account_queries!(PostgresStore, WriteTransaction, sqlx::Postgres);

super::crashes::crash_queries!(PostgresStore);
super::reviews::review_queries!(PostgresStore);

use super::batch::{self, PackedBatch};
use super::{
    Author, FeedEntry, FeedPage, SaveEntry, Scope, StoreError, StoredDocument, WriteHealth,
};

/// Connections per server process. A sync holds one for its write transaction and takes
/// others briefly for its session, feed page and review returns; three processes on one
/// database stay under PostgreSQL's default of 100 connections.
pub const MAX_CONNECTIONS: u32 = 24;

#[derive(Clone)]
pub struct PostgresStore {
    pub(super) pool: PgPool,
    health: Arc<WriteHealth>,
}

/// A write transaction on a connection of its own until [`Self::commit`]. Dropped without
/// committing, its connection is closed rather than pooled: PostgreSQL rolls back what the
/// session held, and a session that failed a write (read-only, out of disk) is not reused.
pub struct WriteTransaction {
    pub(super) tx: PoolConnection<Postgres>,
    committed: bool,
    health: Arc<WriteHealth>,
}

impl PostgresStore {
    /// Connects to the database at `url` and brings its schema up to date. Several processes
    /// may start at once: sqlx holds an advisory lock while it migrates.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        if !(url.starts_with("postgres:") || url.starts_with("postgresql:")) {
            return Err(StoreError::UnsupportedUrl(url.to_owned()));
        }
        let options = PgConnectOptions::from_str(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(Self {
            pool,
            health: Arc::default(),
        })
    }

    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Whether the store can answer and, after a write failed to finish, write: the latter by
    /// rewriting the probe row in a transaction of its own.
    pub async fn health(&self) -> Result<(), StoreError> {
        if !self.health.is_unproven() {
            return self.ping().await;
        }
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE store_probe SET written_at_ms = $1 WHERE id = 1")
            .bind(crate::http::auth::now_ms())
            .execute(&mut *tx.tx)
            .await?;
        tx.commit().await
    }

    pub async fn begin_write(&self) -> Result<WriteTransaction, StoreError> {
        let mut conn = self.pool.acquire().await?;
        if let Err(error) = conn.execute("BEGIN").await {
            conn.close_on_drop();
            self.health.write_unfinished();
            return Err(error.into());
        }
        Ok(WriteTransaction {
            tx: conn,
            committed: false,
            health: self.health.clone(),
        })
    }

    pub async fn documents_of_type(
        &self,
        record_type: &str,
    ) -> Result<Vec<StoredDocument>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, record_type, village, data FROM documents WHERE record_type = $1 ORDER BY id",
        )
        .bind(record_type)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(stored_document).collect())
    }

    /// Changes after `after` in `scope`, oldest first, leaving out those `device_id` sent
    /// itself (it has them). At most `limit` entries.
    pub async fn feed_page(
        &self,
        after: u64,
        scope: &Scope,
        device_id: &str,
        limit: usize,
    ) -> Result<FeedPage, StoreError> {
        // One snapshot for the head and the page. The head is the counter as last committed,
        // and since writers commit in counter order, every change up to it is in this
        // snapshot: the position returned never passes a change still to commit.
        let mut tx = self
            .pool
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await?;
        let head: i64 = sqlx::query_scalar("SELECT seq FROM feed_counter WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?;
        let rows = sqlx::query(
            "SELECT c.seq, c.document_id, c.data FROM change_batches c
             JOIN documents d ON d.id = c.document_id
             WHERE c.seq > $1 AND c.device_id <> $2 AND ($3::text[] IS NULL OR d.village = ANY($3))
             ORDER BY c.seq LIMIT $4",
        )
        .bind(after as i64)
        .bind(device_id)
        .bind(scope_villages(scope))
        .bind(limit as i64 + 1)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let more = rows.len() > limit;
        let entries = rows
            .iter()
            .take(limit)
            .map(|row| {
                Ok(FeedEntry {
                    seq: row.try_get::<i64, _>("seq")? as u64,
                    document_id: row.try_get("document_id")?,
                    changes: batch::unpack(row.try_get("data")?)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let through = match (more, entries.last()) {
            (true, Some(last)) => last.seq,
            _ => (head as u64).max(after),
        };
        Ok(FeedPage {
            entries,
            through,
            more,
        })
    }

    /// The feed's current end: where a device starting from saved documents continues.
    pub async fn feed_head(&self) -> Result<u64, StoreError> {
        let head: i64 = sqlx::query_scalar("SELECT seq FROM feed_counter WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(head as u64)
    }

    /// Up to `limit` master-copy documents in `scope` with ids after `after_id`, in id order.
    pub async fn documents_page(
        &self,
        after_id: &str,
        scope: &Scope,
        limit: usize,
    ) -> Result<Vec<StoredDocument>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, record_type, village, data FROM documents
             WHERE id > $1 AND ($2::text[] IS NULL OR village = ANY($2))
             ORDER BY id LIMIT $3",
        )
        .bind(after_id)
        .bind(scope_villages(scope))
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(stored_document).collect())
    }

    pub async fn change_count(&self, document_id: &str) -> Result<i64, StoreError> {
        let count = sqlx::query_scalar(
            "SELECT COALESCE(SUM(change_count), 0)::int8 FROM change_batches WHERE document_id = $1",
        )
            .bind(document_id)
            .fetch_one(&self.pool)
            .await?;
        Ok(count)
    }
}

impl WriteTransaction {
    /// The stored document `id`, once this transaction holds its document lock.
    pub async fn load(&mut self, id: &str) -> Result<Option<StoredDocument>, StoreError> {
        Ok(self.load_many(&[id.to_owned()]).await?.pop())
    }

    /// Every stored document among `ids`, in one query, after taking this transaction's lock
    /// on each id — stored or not yet: two processes creating the same new document have no
    /// row to lock, so the lock is on the id (an advisory lock held until commit). Taken in
    /// one order by every writer, so two uploads sharing documents never deadlock; an
    /// unrelated id that hashes alike only waits.
    pub async fn load_many(&mut self, ids: &[String]) -> Result<Vec<StoredDocument>, StoreError> {
        sqlx::query(
            "SELECT pg_advisory_xact_lock(key) FROM (
                 SELECT DISTINCT hashtextextended(id, 0) AS key FROM UNNEST($1::text[]) AS id
                 ORDER BY key
             ) AS ordered",
        )
        .bind(ids)
        .execute(&mut *self.tx)
        .await?;
        let rows =
            sqlx::query("SELECT id, record_type, village, data FROM documents WHERE id = ANY($1)")
                .bind(ids)
                .fetch_all(&mut *self.tx)
                .await?;
        Ok(rows.iter().map(stored_document).collect())
    }

    /// Replaces the master copies of `entries` and appends, for each document with new
    /// changes, one feed entry holding them, in two statements. Callers pass only changes the
    /// master copy lacks. Sequence numbers are taken last, in one step, in the order given:
    /// from then until commit this transaction holds the counter row, so the time writers
    /// queue on it is one statement and the commit.
    pub async fn save_many(
        &mut self,
        entries: &[SaveEntry<'_>],
        author: &Author<'_>,
    ) -> Result<(), StoreError> {
        // Whole columns bound as arrays and spread with UNNEST: one statement of fixed text
        // whatever the batch size, which PostgreSQL plans once and decodes in binary.
        let documents = entries.iter().map(|e| e.document);
        sqlx::query(
            "INSERT INTO documents (id, record_type, village, data, heads, updated_at_ms)
             SELECT id, record_type, village, data, heads, $6
             FROM UNNEST($1::text[], $2::text[], $3::text[], $4::bytea[], $5::bytea[])
                  AS batch (id, record_type, village, data, heads)
             ON CONFLICT (id) DO UPDATE SET village = excluded.village, data = excluded.data,
                 heads = excluded.heads, updated_at_ms = excluded.updated_at_ms",
        )
        .bind(documents.clone().map(|d| d.id.as_str()).collect::<Vec<_>>())
        .bind(
            documents
                .clone()
                .map(|d| d.record_type.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(
            documents
                .clone()
                .map(|d| d.village.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(documents.map(|d| d.data.clone()).collect::<Vec<_>>())
        .bind(entries.iter().map(|e| e.heads.to_vec()).collect::<Vec<_>>())
        .bind(author.received_at_ms)
        .execute(&mut *self.tx)
        .await?;

        let batches: Vec<(&str, PackedBatch)> = entries
            .iter()
            .filter(|e| !e.changes.is_empty())
            .map(|e| (e.document.id.as_str(), batch::pack(e.changes)))
            .collect();
        if batches.is_empty() {
            return Ok(());
        }
        let last: i64 =
            sqlx::query_scalar("UPDATE feed_counter SET seq = seq + $1 WHERE id = 1 RETURNING seq")
                .bind(batches.len() as i64)
                .fetch_one(&mut *self.tx)
                .await?;
        let first = last - batches.len() as i64 + 1;
        sqlx::query(
            "INSERT INTO change_batches
                 (seq, document_id, username, device_id, received_at_ms, change_count, hashes, data)
             SELECT seq, document_id, $3, $4, $5, change_count, hashes, data
             FROM UNNEST($1::int8[], $2::text[], $6::int8[], $7::bytea[], $8::bytea[])
                  AS batch (seq, document_id, change_count, hashes, data)",
        )
        .bind(
            (0..batches.len() as i64)
                .map(|i| first + i)
                .collect::<Vec<_>>(),
        )
        .bind(batches.iter().map(|(id, _)| *id).collect::<Vec<_>>())
        .bind(author.username)
        .bind(author.device_id)
        .bind(author.received_at_ms)
        .bind(batches.iter().map(|(_, b)| b.count).collect::<Vec<_>>())
        .bind(
            batches
                .iter()
                .map(|(_, b)| b.hashes.as_slice())
                .collect::<Vec<_>>(),
        )
        .bind(
            batches
                .iter()
                .map(|(_, b)| b.data.as_slice())
                .collect::<Vec<_>>(),
        )
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Durable once this returns: the caller may acknowledge to the device. On an error the
    /// connection is closed when `self` drops, which rolls back whatever is left.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        self.tx.execute("COMMIT").await?;
        self.committed = true;
        self.health.committed();
        Ok(())
    }
}

impl Drop for WriteTransaction {
    fn drop(&mut self) {
        if !self.committed {
            self.tx.close_on_drop();
            self.health.write_unfinished();
        }
    }
}

/// `None` for every village; an empty list matches none.
fn scope_villages(scope: &Scope) -> Option<Vec<String>> {
    match scope {
        Scope::Township => None,
        Scope::Villages(villages) => Some(villages.clone()),
    }
}

fn stored_document(row: &PgRow) -> StoredDocument {
    StoredDocument {
        id: row.get("id"),
        record_type: row.get("record_type"),
        village: row.get("village"),
        data: row.get("data"),
    }
}
