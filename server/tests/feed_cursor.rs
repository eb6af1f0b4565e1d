//! Cursors never skip: while several writers commit at once, a device reading the change feed
//! page by page from its last position ends up with every committed change exactly once.
//!
//! On PostgreSQL each writer has its own connection pool, as separate server processes would.
//! Each write transaction dawdles between taking its sequence numbers and committing, so
//! were commits not ordered, a later number would often commit first and a reader's position
//! would pass the earlier one before it became visible.

mod support;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use pingan_server::Store;
use pingan_server::store::{Author, ChangeRecord, SaveEntry, Scope, StoredDocument};
use sqlx::Connection;
use support::{Backend, TestDatabase};

const WRITERS: usize = 4;
const TRANSACTIONS_PER_WRITER: usize = 25;
/// Each document written gets one feed entry, so a transaction takes this many numbers.
const DOCUMENTS_PER_TRANSACTION: usize = 2;
const CHANGES_PER_DOCUMENT: usize = 2;
const READERS: usize = 3;
/// Small, so readers page through the feed often while it grows.
const PAGE: usize = 5;
const MAX_PAGES_PER_READER: usize = 100_000;
const DEADLINE: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cursor_never_skips_a_change_committed_by_concurrent_writers_on_postgres() {
    if Backend::Postgres.is_available().await {
        cursors_never_skip(Backend::Postgres).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cursor_never_skips_a_change_committed_by_concurrent_writers_on_sqlite() {
    cursors_never_skip(Backend::Sqlite).await;
}

async fn cursors_never_skip(backend: Backend) {
    let database = TestDatabase::create(backend).await;
    let store = Store::connect(&database.url).await.unwrap();
    let mut writer_stores = Vec::new();
    for _ in 0..WRITERS {
        writer_stores.push(match backend {
            Backend::Postgres => Store::connect(&database.url).await.unwrap(),
            // SQLite is one server process by design (decision 4): its writers share a store.
            Backend::Sqlite => store.clone(),
        });
    }

    let writing_done = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..READERS)
        .map(|reader| tokio::spawn(read(store.clone(), reader, writing_done.clone())))
        .collect();
    let writers: Vec<_> = writer_stores
        .into_iter()
        .enumerate()
        .map(|(writer, store)| tokio::spawn(write(store, writer)))
        .collect();
    for writer in writers {
        tokio::time::timeout(DEADLINE, writer)
            .await
            .expect("a writer still busy after the deadline")
            .unwrap();
    }
    writing_done.store(true, Ordering::SeqCst);

    let committed = committed_seqs(backend, &database.url).await;
    assert_eq!(
        committed.len(),
        WRITERS * TRANSACTIONS_PER_WRITER * DOCUMENTS_PER_TRANSACTION
    );
    for (reader, handle) in readers.into_iter().enumerate() {
        let seen = tokio::time::timeout(DEADLINE, handle)
            .await
            .expect("a reader still busy after the deadline")
            .unwrap();
        let distinct: BTreeSet<u64> = seen.seqs.iter().copied().collect();
        assert_eq!(
            distinct.len(),
            seen.seqs.len(),
            "reader {reader} saw a change twice"
        );
        let missed: Vec<_> = committed.difference(&distinct).collect();
        assert!(missed.is_empty(), "reader {reader} skipped {missed:?}");
        assert_eq!(distinct, committed, "reader {reader} saw uncommitted seqs");
        assert!(
            seen.pages_during_writes > 0,
            "reader {reader} read nothing while writers were busy, so nothing was tested"
        );
    }
}

async fn write(store: Store, writer: usize) {
    let device = format!("writer-{writer}");
    let author = Author {
        username: "writer",
        device_id: &device,
        received_at_ms: 0,
    };
    for transaction in 0..TRANSACTIONS_PER_WRITER {
        let mut tx = store.begin_write().await.unwrap();
        // A few documents per writer, so most transactions update ones that exist.
        let ids: Vec<String> = (0..DOCUMENTS_PER_TRANSACTION)
            .map(|d| format!("doc-{writer}-{d}-{}", transaction % 3))
            .collect();
        let mut documents = Vec::new();
        for id in ids {
            let previous = tx.load(&id).await.unwrap();
            let mut data = previous.map(|d| d.data).unwrap_or_default();
            data.push(transaction as u8);
            documents.push(StoredDocument {
                id,
                record_type: "household".into(),
                village: "xingfu".into(),
                data,
            });
        }
        let hashes: Vec<Vec<Vec<u8>>> = documents
            .iter()
            .map(|document| {
                (0..CHANGES_PER_DOCUMENT)
                    .map(|change| format!("{}/{transaction}/{change}", document.id).into_bytes())
                    .collect()
            })
            .collect();
        let changes: Vec<Vec<ChangeRecord>> = hashes
            .iter()
            .map(|of_document| {
                of_document
                    .iter()
                    .map(|hash| ChangeRecord { hash, data: hash })
                    .collect()
            })
            .collect();
        let entries: Vec<SaveEntry> = documents
            .iter()
            .zip(&changes)
            .map(|(document, changes)| SaveEntry {
                document,
                heads: &[],
                changes,
            })
            .collect();
        tx.save_many(&entries, &author).await.unwrap();
        let dawdle = 1 + (writer + transaction) % 4;
        tokio::time::sleep(Duration::from_millis(dawdle as u64)).await;
        tx.commit().await.unwrap();
    }
}

struct Seen {
    seqs: Vec<u64>,
    pages_during_writes: usize,
}

/// Reads the feed as a device does, always from the position the last page returned, until
/// the writers are done and the feed is drained.
async fn read(store: Store, reader: usize, writing_done: Arc<AtomicBool>) -> Seen {
    let device = format!("reader-{reader}");
    let started = Instant::now();
    let mut position = 0;
    let mut seen = Seen {
        seqs: Vec::new(),
        pages_during_writes: 0,
    };
    for _ in 0..MAX_PAGES_PER_READER {
        // Read before the page: if the writers were already done, this page's snapshot holds
        // all they committed.
        let finished = writing_done.load(Ordering::SeqCst);
        let page = store
            .feed_page(position, &Scope::Township, &device, PAGE)
            .await
            .unwrap();
        for entry in &page.entries {
            assert!(
                entry.seq > position,
                "reader {reader} got seq {} after position {position}",
                entry.seq
            );
            seen.seqs.push(entry.seq);
        }
        assert!(
            page.through >= position,
            "reader {reader}'s position went back"
        );
        if !finished && !page.entries.is_empty() {
            seen.pages_during_writes += 1;
        }
        position = page.through;
        if finished && !page.more {
            return seen;
        }
        assert!(
            started.elapsed() < DEADLINE,
            "reader {reader} still reading after {DEADLINE:?}"
        );
        if !page.more {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
    panic!("reader {reader} did not reach the end in {MAX_PAGES_PER_READER} pages");
}

/// Straight from the table, past the store's interface.
async fn committed_seqs(backend: Backend, url: &str) -> BTreeSet<u64> {
    let query = "SELECT seq FROM change_batches";
    let seqs: Vec<i64> = match backend {
        Backend::Sqlite => {
            let mut connection = sqlx::SqliteConnection::connect(url).await.unwrap();
            sqlx::query_scalar(query)
                .fetch_all(&mut connection)
                .await
                .unwrap()
        }
        Backend::Postgres => {
            let mut connection = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query_scalar(query)
                .fetch_all(&mut connection)
                .await
                .unwrap()
        }
    };
    seqs.into_iter().map(|seq| seq as u64).collect()
}
