//! The embedded default: one SQLite file in WAL mode with full fsync, so an acknowledged
//! change survives a power cut of the township office's PC.
//!
//! A write that fails — a full disk, a file-size limit, an I/O error — must leave nothing
//! behind: SQLite may roll the transaction back by itself on such an error, and a pooled
//! connection whose idea of "in a transaction" no longer matches SQLite's would turn a later
//! caller's `COMMIT` into the release of a savepoint inside a transaction that never ends
//! (decision 21). So a write transaction here is `BEGIN IMMEDIATE` … `COMMIT` on a connection
//! that is closed, never reused, when it ends any other way, and no connection goes back to
//! the pool while SQLite still has a transaction open on it.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, Executor, QueryBuilder, Row, Sqlite, SqliteConnection, SqlitePool};
use tokio::sync::{Mutex, OwnedMutexGuard};

mod backup;

pub use backup::{BackupSummary, RestoreOutcome, backup, restore};

super::accounts::account_queries!(SqliteStore, WriteTransaction, sqlx::Sqlite);

super::crashes::crash_queries!(SqliteStore);
super::reviews::review_queries!(SqliteStore);

use super::batch::{self, PackedBatch};
use super::{
    Author, FeedEntry, FeedPage, ROWS_PER_STATEMENT, SaveEntry, Scope, StoreError, StoredDocument,
    WriteHealth,
};

/// How long a writer waits for another to finish — the server's own account writes, or a
/// `pingan-server user add` in another process — before giving up with "database is locked".
/// Every write here takes milliseconds; a sync that waits a few seconds is still a sync.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Clone)]
pub struct SqliteStore {
    pub(super) pool: SqlitePool,
    /// SQLite allows one writer at a time. In-process writers queue here, in order, rather
    /// than in SQLite's busy handler, which polls with sleeps and holds a pool connection per
    /// waiter; `BEGIN IMMEDIATE` then waits only for writers in other processes.
    writer: Arc<Mutex<()>>,
    health: Arc<WriteHealth>,
}

/// A write transaction: `BEGIN IMMEDIATE` on a connection of its own until [`Self::commit`].
/// Dropped without committing (an error, or the request went away), its connection is closed,
/// which rolls back whatever SQLite still holds; it never returns to the pool.
pub struct WriteTransaction {
    pub(super) tx: PoolConnection<Sqlite>,
    committed: bool,
    health: Arc<WriteHealth>,
    _writer: OwnedMutexGuard<()>,
}

impl SqliteStore {
    /// Opens (creating if needed, readable by its owner only) the database at `url` and brings
    /// its schema up to date.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        if !url.starts_with("sqlite:") {
            return Err(StoreError::UnsupportedUrl(url.to_owned()));
        }
        let options = connect_options(url)?;
        if !is_in_memory(&options) {
            keep_private(options.get_filename())?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .after_release(|conn, _| Box::pin(async move { is_idle(conn).await }))
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(Self {
            pool,
            writer: Arc::new(Mutex::new(())),
            health: Arc::default(),
        })
    }

    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Whether the store can answer and, after a write failed to finish, write: the latter by
    /// rewriting the probe row in a write transaction of its own.
    pub async fn health(&self) -> Result<(), StoreError> {
        if !self.health.is_unproven() {
            return self.ping().await;
        }
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE store_probe SET written_at_ms = ? WHERE id = 1")
            .bind(crate::http::auth::now_ms())
            .execute(&mut *tx.tx)
            .await?;
        tx.commit().await
    }

    pub async fn begin_write(&self) -> Result<WriteTransaction, StoreError> {
        let writer = self.writer.clone().lock_owned().await;
        let mut conn = self.pool.acquire().await?;
        // IMMEDIATE takes the write lock now, waiting out another process's writer within
        // the busy timeout. A deferred transaction would read first and then fail at once with
        // SQLITE_BUSY on its first write if anyone committed in between.
        if let Err(error) = conn.execute("BEGIN IMMEDIATE").await {
            conn.close_on_drop();
            self.health.write_unfinished();
            return Err(error.into());
        }
        Ok(WriteTransaction {
            tx: conn,
            committed: false,
            health: self.health.clone(),
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

    /// Durable once this returns: the caller may acknowledge to the device. A `COMMIT` that
    /// fails, or one after which SQLite still reports a transaction open, is an error, and the
    /// connection is closed, which rolls back what is left.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        self.tx.execute("COMMIT").await?;
        if in_transaction(&mut self.tx).await? {
            return Err(StoreError::Unfinished(
                "COMMIT returned but SQLite still holds the transaction open",
            ));
        }
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

fn connect_options(url: &str) -> Result<SqliteConnectOptions, StoreError> {
    Ok(SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(BUSY_TIMEOUT)
        .foreign_keys(true))
}

fn is_in_memory(options: &SqliteConnectOptions) -> bool {
    let name = options.get_filename();
    name.as_os_str().is_empty() || name.to_string_lossy().starts_with(":memory:")
}

/// The database holds people's ID numbers and disputes: it, and the WAL and shared-memory
/// files SQLite creates beside it with the same mode, are the owner's alone. A new file is
/// created 0600 before SQLite opens it; an existing one that others may read is narrowed.
fn keep_private(path: &Path) -> Result<(), StoreError> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let io = |e: std::io::Error| StoreError::Io(path.to_owned(), e);
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => return Ok(()),
        // SQLite reports a missing directory better than we would.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(io(e)),
    }
    for file in [
        path.to_owned(),
        sibling(path, "-wal"),
        sibling(path, "-shm"),
    ] {
        let Ok(metadata) = std::fs::metadata(&file) else {
            continue;
        };
        let mode = metadata.permissions().mode();
        if mode & 0o077 != 0 {
            tracing::warn!(file = %file.display(), mode = format!("{:o}", mode & 0o777), "others could read the database; narrowing it to 0600");
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).map_err(io)?;
        }
    }
    Ok(())
}

/// `path` with `suffix` appended to its file name: `pingan.db-wal`.
pub(crate) fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Whether SQLite itself (not sqlx's bookkeeping, which an automatic rollback leaves behind)
/// says this connection has a transaction open.
async fn in_transaction(conn: &mut SqliteConnection) -> Result<bool, sqlx::Error> {
    let mut handle = conn.lock_handle().await?;
    // SAFETY: the handle is locked for the duration of the call, so the pointer is a live
    // connection no other thread is using; `sqlite3_get_autocommit` only reads a flag.
    let autocommit =
        unsafe { libsqlite3_sys::sqlite3_get_autocommit(handle.as_raw_handle().as_ptr()) };
    Ok(autocommit == 0)
}

/// The pool takes a connection back only with no transaction open, in SQLite's eyes and in
/// sqlx's; any other is closed, so no later caller inherits a transaction (or its write lock).
async fn is_idle(conn: &mut SqliteConnection) -> Result<bool, sqlx::Error> {
    if conn.is_in_transaction() {
        tracing::warn!("a connection came back to the pool inside a transaction; closing it");
        return Ok(false);
    }
    if in_transaction(conn).await? {
        tracing::warn!(
            "a connection came back to the pool with SQLite still in a transaction; closing it"
        );
        return Ok(false);
    }
    Ok(true)
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
