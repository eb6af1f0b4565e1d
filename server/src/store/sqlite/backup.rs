//! A SQLite database's backup and restore (`pingan-server backup` / `restore`, decision 22).
//!
//! A backup is `VACUUM INTO` a new file: one read transaction, so the copy is the database as
//! of one moment even while the server keeps syncing, compacted, and a plain SQLite file that
//! needs no WAL beside it. A restore puts such a file in the database's place while no server
//! has it open; the database it replaces is kept beside it, never deleted.

use std::path::{Path, PathBuf};

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

use super::{connect_options, sibling};
use crate::store::StoreError;

/// What a backup or a restore holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSummary {
    pub bytes: u64,
    pub documents: i64,
    /// The newest feed entry: a device whose position is past it starts its download over.
    pub feed_head: i64,
}

#[derive(Debug)]
pub struct RestoreOutcome {
    pub restored: BackupSummary,
    /// Where the database that was replaced now is, if there was one.
    pub replaced: Option<PathBuf>,
}

/// Copies the database at `url` to the new file `to`, readable by its owner only, and checks
/// the copy. Safe while a server is serving the database: it only reads.
pub async fn backup(url: &str, to: &Path) -> Result<BackupSummary, StoreError> {
    let source = database_path(url)?;
    if !source.exists() {
        return Err(StoreError::Refused(format!(
            "there is no database at {}",
            source.display()
        )));
    }
    create_private(to)?;
    let copied = async {
        let mut conn = connect_options(url)?
            .create_if_missing(false)
            .connect()
            .await?;
        sqlx::query("VACUUM INTO ?")
            .bind(to.to_string_lossy().as_ref())
            .execute(&mut conn)
            .await?;
        conn.close().await?;
        sync_file_and_directory(to)?;
        summarise(to).await
    }
    .await;
    if copied.is_err() {
        let _ = std::fs::remove_file(to);
    }
    copied
}

/// Puts the backup `from` in place of the database at `url`. A database that holds anything
/// (villages, accounts or records) is replaced only with `force`, and then kept as
/// `<database>.replaced-<ms>`. Refused while another process has the database open. The
/// restored database is brought up to this server's schema.
pub async fn restore(from: &Path, url: &str, force: bool) -> Result<RestoreOutcome, StoreError> {
    let target = database_path(url)?;
    let backup = summarise(from).await.map_err(|e| {
        StoreError::Refused(format!(
            "{} is not a Pingan backup that SQLite can read: {e}",
            from.display()
        ))
    })?;
    let mut replaced = None;
    if target.exists() {
        let held = contents(&target).await?;
        if held > 0 && !force {
            return Err(StoreError::Refused(format!(
                "{} is not empty ({held} villages, accounts and records); pass --force to \
                 replace it (it is kept as {}.replaced-<time>)",
                target.display(),
                target.display()
            )));
        }
        // Fold the WAL into the file; the last connection to close removes the WAL and
        // shared-memory files, so if they are still there another process has it open.
        let mut conn = connect_options(url)?
            .create_if_missing(false)
            .connect()
            .await?;
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut conn)
            .await?;
        conn.close().await?;
        if sibling(&target, "-shm").exists() || sibling(&target, "-wal").exists() {
            return Err(StoreError::Refused(format!(
                "another process has {} open; stop the server first",
                target.display()
            )));
        }
        let kept = sibling(
            &target,
            &format!(".replaced-{}", crate::http::auth::now_ms()),
        );
        std::fs::rename(&target, &kept).map_err(|e| StoreError::Io(target.clone(), e))?;
        replaced = Some(kept);
    }
    let staging = sibling(&target, ".restoring");
    let _ = std::fs::remove_file(&staging);
    create_private(&staging)?;
    let copy = || -> std::io::Result<()> {
        let mut input = std::fs::File::open(from)?;
        let mut output = std::fs::OpenOptions::new().write(true).open(&staging)?;
        std::io::copy(&mut input, &mut output)?;
        output.sync_all()?;
        std::fs::rename(&staging, &target)?;
        sync_directory(&target)
    };
    copy().map_err(|e| StoreError::Io(target.clone(), e))?;
    // Migrations bring a backup taken by an older server up to date.
    let store = super::SqliteStore::connect(url).await?;
    store.pool.close().await;
    Ok(RestoreOutcome {
        restored: backup,
        replaced,
    })
}

fn database_path(url: &str) -> Result<PathBuf, StoreError> {
    if !url.starts_with("sqlite:") {
        return Err(StoreError::Refused(
            "backup and restore handle SQLite databases; for PostgreSQL use pg_dump and \
             pg_restore (README, \"Backups\")"
                .into(),
        ));
    }
    let options = connect_options(url)?;
    if super::is_in_memory(&options) {
        return Err(StoreError::Refused(
            "an in-memory database has nothing to back up".into(),
        ));
    }
    Ok(options.get_filename().to_owned())
}

/// A new, empty file only its owner can read: SQLite writes into it keeping the mode.
fn create_private(path: &Path) -> Result<(), StoreError> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map(drop)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => StoreError::Refused(format!(
                "{} already exists; a backup goes to a new file",
                path.display()
            )),
            _ => StoreError::Io(path.to_owned(), e),
        })
}

/// Opens `path` read-only, checks it, and counts what it holds. Immutable: nothing writes a
/// backup, so SQLite needs no lock or shared memory beside it.
async fn summarise(path: &Path) -> Result<BackupSummary, StoreError> {
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .immutable(true)
        .connect()
        .await?;
    let check: String = sqlx::query_scalar("PRAGMA quick_check")
        .fetch_one(&mut conn)
        .await?;
    if check != "ok" {
        return Err(StoreError::Corrupt(format!(
            "{} fails SQLite's check: {check}",
            path.display()
        )));
    }
    let documents: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM documents")
        .fetch_one(&mut conn)
        .await?;
    let feed_head: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM change_batches")
        .fetch_one(&mut conn)
        .await?;
    conn.close().await?;
    let bytes = std::fs::metadata(path)
        .map_err(|e| StoreError::Io(path.to_owned(), e))?
        .len();
    Ok(BackupSummary {
        bytes,
        documents,
        feed_head,
    })
}

/// Villages, accounts and records in the database at `path`; a file that is not a Pingan
/// database (no such tables) counts as holding something, so it is never replaced silently.
async fn contents(path: &Path) -> Result<i64, StoreError> {
    if std::fs::metadata(path).map(|m| m.len()).unwrap_or(0) == 0 {
        return Ok(0);
    }
    let mut conn = SqliteConnectOptions::new().filename(path).connect().await?;
    let held = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM villages) + (SELECT COUNT(*) FROM users)
              + (SELECT COUNT(*) FROM documents)",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap_or(1);
    conn.close().await?;
    Ok(held)
}

fn sync_file_and_directory(path: &Path) -> Result<(), StoreError> {
    let sync = || -> std::io::Result<()> {
        std::fs::File::open(path)?.sync_all()?;
        sync_directory(path)
    };
    sync().map_err(|e| StoreError::Io(path.to_owned(), e))
}

/// A new or renamed file survives a power cut only once its directory is synced too.
fn sync_directory(path: &Path) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::File::open(dir)?.sync_all()
}
