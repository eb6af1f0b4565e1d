//! The embedded default: one SQLite file in WAL mode with full fsync, so an acknowledged
//! change survives a power cut of the township office's PC.

use std::str::FromStr;
use std::sync::Arc;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{QueryBuilder, Row, Sqlite, SqlitePool};
use tokio::sync::{Mutex, OwnedMutexGuard};

super::accounts::account_queries!(SqliteStore, WriteTransaction);

super::crashes::crash_queries!(SqliteStore);
super::reviews::review_queries!(SqliteStore);

use super::batch::{self, PackedBatch};
use super::{
    Author, FeedEntry, FeedPage, ROWS_PER_STATEMENT, SaveEntry, Scope, StoreError, StoredDocument,
};

#[derive(Clone)]
pub struct SqliteStore {
    pub(super) pool: SqlitePool,
    /// SQLite allows one writer at a time. Serialising writers here, rather than letting two
    /// deferred transactions race to upgrade their locks, means a load-merge-save of one
    /// document can never interleave with another and lose an update.
    writer: Arc<Mutex<()>>,
}

pub struct WriteTransaction {
    pub(super) tx: sqlx::Transaction<'static, sqlx::Sqlite>,
    _writer: OwnedMutexGuard<()>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `url` and brings its schema up to date.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        if !url.starts_with("sqlite:") {
            return Err(StoreError::UnsupportedUrl(url.to_owned()));
        }
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(Self {
            pool,
            writer: Arc::new(Mutex::new(())),
        })
    }

    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn begin_write(&self) -> Result<WriteTransaction, StoreError> {
        let writer = self.writer.clone().lock_owned().await;
        Ok(WriteTransaction {
            tx: self.pool.begin().await?,
            _writer: writer,
        })
    }

    pub async fn documents_of_type(
        &self,
        record_type: &str,
    ) -> Result<Vec<StoredDocument>, StoreError> {
        let rows = sqlx::query("SELECT id, record_type, village, data FROM documents WHERE record_type = ? ORDER BY id")
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
        // One read transaction: the head and the page come from the same snapshot, so the
        // position returned never passes a change the page could not see. Writers commit in
        // sequence order (one writer at a time), so nothing below the head can appear later.
        let mut tx = self.pool.begin().await?;
        let head: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM change_batches")
            .fetch_one(&mut *tx)
            .await?;
        let mut query = QueryBuilder::<Sqlite>::new(
            "SELECT c.seq, c.document_id, c.data FROM change_batches c JOIN documents d ON d.id = c.document_id WHERE c.seq > ",
        );
        query.push_bind(after as i64);
        query.push(" AND c.device_id <> ").push_bind(device_id);
        push_scope(&mut query, scope, "d.village");
        query
            .push(" ORDER BY c.seq LIMIT ")
            .push_bind(limit as i64 + 1);
        let rows = query.build().fetch_all(&mut *tx).await?;
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
        let head: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM change_batches")
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
        let mut query = QueryBuilder::<Sqlite>::new(
            "SELECT id, record_type, village, data FROM documents WHERE id > ",
        );
        query.push_bind(after_id);
        push_scope(&mut query, scope, "village");
        query.push(" ORDER BY id LIMIT ").push_bind(limit as i64);
        let rows = query.build().fetch_all(&self.pool).await?;
        Ok(rows.iter().map(stored_document).collect())
    }

    pub async fn change_count(&self, document_id: &str) -> Result<i64, StoreError> {
        let count = sqlx::query_scalar(
            "SELECT COALESCE(SUM(change_count), 0) FROM change_batches WHERE document_id = ?",
        )
        .bind(document_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(count)
    }
}

impl WriteTransaction {
    pub async fn load(&mut self, id: &str) -> Result<Option<StoredDocument>, StoreError> {
        let row = sqlx::query("SELECT id, record_type, village, data FROM documents WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *self.tx)
            .await?;
        Ok(row.as_ref().map(stored_document))
    }

    /// Every stored document among `ids`, in as few queries as SQLite's parameter limit allows.
    pub async fn load_many(&mut self, ids: &[String]) -> Result<Vec<StoredDocument>, StoreError> {
        let mut documents = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let mut query = QueryBuilder::<Sqlite>::new(
                "SELECT id, record_type, village, data FROM documents WHERE id IN (",
            );
            let mut list = query.separated(", ");
            for id in chunk {
                list.push_bind(id);
            }
            query.push(")");
            let rows = query.build().fetch_all(&mut *self.tx).await?;
            documents.extend(rows.iter().map(stored_document));
        }
        Ok(documents)
    }

    /// Replaces the master copies of `entries` and appends, for each document with new
    /// changes, one feed entry holding them, in a few multi-row statements. Callers pass only
    /// changes the master copy lacks; entries are numbered in the order given.
    pub async fn save_many(
        &mut self,
        entries: &[SaveEntry<'_>],
        author: &Author<'_>,
    ) -> Result<(), StoreError> {
        for chunk in entries.chunks(ROWS_PER_STATEMENT) {
            let mut upsert = QueryBuilder::<Sqlite>::new(
                "INSERT INTO documents (id, record_type, village, data, heads, updated_at_ms) ",
            );
            upsert.push_values(chunk, |mut row, entry| {
                row.push_bind(&entry.document.id)
                    .push_bind(&entry.document.record_type)
                    .push_bind(&entry.document.village)
                    .push_bind(&entry.document.data)
                    .push_bind(entry.heads)
                    .push_bind(author.received_at_ms);
            });
            upsert.push(
                " ON CONFLICT (id) DO UPDATE SET village = excluded.village, data = excluded.data,
                  heads = excluded.heads, updated_at_ms = excluded.updated_at_ms",
            );
            upsert.build().execute(&mut *self.tx).await?;
        }
        let batches: Vec<(&str, PackedBatch)> = entries
            .iter()
            .filter(|e| !e.changes.is_empty())
            .map(|e| (e.document.id.as_str(), batch::pack(e.changes)))
            .collect();
        for chunk in batches.chunks(ROWS_PER_STATEMENT) {
            let mut insert = QueryBuilder::<Sqlite>::new(
                "INSERT INTO change_batches
                     (document_id, username, device_id, received_at_ms, change_count, hashes, data) ",
            );
            insert.push_values(chunk, |mut row, (document_id, batch)| {
                row.push_bind(*document_id)
                    .push_bind(author.username)
                    .push_bind(author.device_id)
                    .push_bind(author.received_at_ms)
                    .push_bind(batch.count)
                    .push_bind(batch.hashes.as_slice())
                    .push_bind(batch.data.as_slice());
            });
            insert.build().execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// Durable once this returns: the caller may acknowledge to the device.
    pub async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await?;
        Ok(())
    }
}

fn stored_document(row: &sqlx::sqlite::SqliteRow) -> StoredDocument {
    StoredDocument {
        id: row.get("id"),
        record_type: row.get("record_type"),
        village: row.get("village"),
        data: row.get("data"),
    }
}

fn push_scope(query: &mut QueryBuilder<'_, Sqlite>, scope: &Scope, column: &str) {
    if let Scope::Villages(villages) = scope {
        if villages.is_empty() {
            query.push(" AND 0");
            return;
        }
        query.push(format!(" AND {column} IN ("));
        let mut list = query.separated(", ");
        for village in villages {
            list.push_bind(village.clone());
        }
        query.push(")");
    }
}
