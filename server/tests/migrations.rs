//! Upgrading a database a township already runs: every record and change it holds, and every
//! feed position its devices hold, survive the new schema.

mod support;

use std::borrow::Cow;

use automerge::ActorId;
use pingan_server::Store;
use pingan_server::store::Scope;
use pingan_shared::document;
use pingan_shared::records::household::Household;
use pingan_shared::records::{Authorship, Record};
use sqlx::Connection;
use sqlx::migrate::Migrator;
use support::{Backend, TestDatabase, on_both_backends};

on_both_backends!(changes_stored_one_per_row_become_feed_entries_with_their_numbers);

/// Before migration 3 the feed held one row per change in `changes`.
const LAST_VERSION_WITH_ONE_ROW_PER_CHANGE: i64 = 2;

async fn changes_stored_one_per_row_become_feed_entries_with_their_numbers(backend: Backend) {
    let database = TestDatabase::create(backend).await;
    let mut doc = document::create(ActorId::random(), &household());
    let mut changes: Vec<Vec<u8>> = doc
        .get_changes(&[])
        .iter()
        .map(|c| c.raw_bytes().to_vec())
        .collect();
    let before_edit = doc.get_heads();
    document::update(
        &mut doc,
        &Household {
            address: "幸福村3组14号".into(),
            ..household()
        },
    );
    changes.extend(
        doc.get_changes(&before_edit)
            .iter()
            .map(|c| c.raw_bytes().to_vec()),
    );
    let hashes: Vec<Vec<u8>> = doc
        .get_changes(&[])
        .iter()
        .map(|c| c.hash().0.to_vec())
        .collect();
    assert_eq!(changes.len(), 2);

    write_old_schema(backend, &database.url, &doc.save(), &changes, &hashes).await;

    let store = Store::connect(&database.url).await.unwrap();
    assert_eq!(store.change_count("doc-1").await.unwrap(), 2);
    let page = store
        .feed_page(0, &Scope::Township, "another-device", 100)
        .await
        .unwrap();
    let seqs: Vec<u64> = page.entries.iter().map(|e| e.seq).collect();
    assert_eq!(
        seqs,
        vec![7, 8],
        "each old change keeps its sequence number"
    );
    let downloaded: Vec<Vec<u8>> = page.entries.into_iter().flat_map(|e| e.changes).collect();
    assert_eq!(downloaded, changes, "the changes come back byte for byte");
    assert_eq!(page.through, 8);

    // A device that had read up to 7 gets exactly the second change.
    let page = store
        .feed_page(7, &Scope::Township, "another-device", 100)
        .await
        .unwrap();
    assert_eq!(page.entries.len(), 1);
    assert_eq!(page.entries[0].changes, vec![changes[1].clone()]);
}

fn household() -> Household {
    let by = Authorship {
        village: "xingfu".into(),
        created_by: "worker01".into(),
        created_at_ms: support::NOW_MS,
    };
    let household = Household::new(&by, "3组", "幸福村3组12号", "张建国");
    assert!(
        household
            .validate(pingan_shared::statistics::china_date(support::NOW_MS))
            .is_ok()
    );
    household
}

/// Brings a fresh database to the schema before change batches and stores one document with
/// its changes numbered 7 and 8, as that schema's server did.
async fn write_old_schema(
    backend: Backend,
    url: &str,
    saved: &[u8],
    changes: &[Vec<u8>],
    hashes: &[Vec<u8>],
) {
    let mut migrator = match backend {
        Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
        Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
    };
    up_to(&mut migrator, LAST_VERSION_WITH_ONE_ROW_PER_CHANGE);
    let document = "INSERT INTO documents (id, record_type, village, data, heads, updated_at_ms)
                    VALUES ('doc-1', 'household', 'xingfu', $1, $2, 0)";
    let change_sql = "INSERT INTO changes
                          (seq, hash, document_id, username, device_id, received_at_ms, data)
                      VALUES ($1, $2, 'doc-1', 'worker01', 'phone-1', 0, $3)";
    match backend {
        Backend::Sqlite => {
            let options = url.parse::<sqlx::sqlite::SqliteConnectOptions>().unwrap();
            let mut connection =
                sqlx::SqliteConnection::connect_with(&options.create_if_missing(true))
                    .await
                    .unwrap();
            migrator.run(&mut connection).await.unwrap();
            sqlx::query(document)
                .bind(saved)
                .bind(Vec::<u8>::new())
                .execute(&mut connection)
                .await
                .unwrap();
            for (i, (change, hash)) in changes.iter().zip(hashes).enumerate() {
                sqlx::query(change_sql)
                    .bind(7 + i as i64)
                    .bind(hash)
                    .bind(change)
                    .execute(&mut connection)
                    .await
                    .unwrap();
            }
        }
        Backend::Postgres => {
            let mut connection = sqlx::PgConnection::connect(url).await.unwrap();
            migrator.run(&mut connection).await.unwrap();
            sqlx::query(document)
                .bind(saved)
                .bind(Vec::<u8>::new())
                .execute(&mut connection)
                .await
                .unwrap();
            for (i, (change, hash)) in changes.iter().zip(hashes).enumerate() {
                sqlx::query(change_sql)
                    .bind(7 + i as i64)
                    .bind(hash)
                    .bind(change)
                    .execute(&mut connection)
                    .await
                    .unwrap();
            }
            sqlx::query("UPDATE feed_counter SET seq = 8")
                .execute(&mut connection)
                .await
                .unwrap();
        }
    }
}

fn up_to(migrator: &mut Migrator, version: i64) {
    let kept: Vec<_> = migrator
        .migrations
        .iter()
        .filter(|m| m.version <= version)
        .cloned()
        .collect();
    migrator.migrations = Cow::Owned(kept);
}
