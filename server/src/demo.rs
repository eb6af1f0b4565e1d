//! A living demo township for a newcomer: on first start with `--demo`, an empty database is
//! filled from the shared generator (villages, households, people, rental houses, disputes,
//! visits) and given demo accounts, so `cargo xtask run` shows a working system at once.

use automerge::{ActorId, AutoCommit};
use pingan_shared::document::{self, DocumentId};
use pingan_shared::generator::{self, TownshipSpec};
use pingan_shared::records::Record;

use crate::accounts::{Role, User, Village, password};
use crate::store::{
    Author, ChangeRecord, SaveEntry, Store, StoreError, StoredDocument, WriteTransaction,
};

/// Every demo account's password. Demo data only; a real deployment adds its own users.
pub const DEMO_PASSWORD: &str = "pingan-demo";
const SEED_USER: &str = "system";
const SEED_DEVICE: &str = "demo-seed";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub villages: Vec<String>,
}

/// Fills an empty database with the township `spec` describes ([`TownshipSpec::demo`] for
/// `serve --demo`); returns the accounts created, or `None` when the database already
/// has villages (so a restart never duplicates or overwrites anything).
pub async fn seed_if_empty(
    store: &Store,
    spec: &TownshipSpec,
    now_ms: i64,
) -> Result<Option<Vec<DemoAccount>>, StoreError> {
    if !store.villages().await?.is_empty() {
        return Ok(None);
    }
    let township = generator::generate(spec);
    for village in &township.villages {
        store
            .add_village(&Village {
                id: village.id.clone(),
                name: village.name.clone(),
            })
            .await?;
    }
    let mut accounts = vec![
        DemoAccount {
            username: "admin".into(),
            display_name: "系统管理员".into(),
            role: Role::Admin,
            villages: Vec::new(),
        },
        DemoAccount {
            username: "reviewer".into(),
            display_name: format!("{}综治办", township.name),
            role: Role::Reviewer,
            villages: Vec::new(),
        },
    ];
    for (i, village) in township.villages.iter().enumerate() {
        accounts.push(DemoAccount {
            username: format!("worker{:02}", i + 1),
            display_name: format!("{}综治专干", village.name),
            role: Role::Worker,
            villages: vec![village.id.clone()],
        });
    }
    let hash = password::hash(DEMO_PASSWORD).expect("the demo password is long enough");
    for account in &accounts {
        let user = User {
            username: account.username.clone(),
            display_name: account.display_name.clone(),
            role: account.role,
            villages: account.villages.clone(),
            disabled: false,
        };
        store.add_user(&user, &hash, now_ms).await?;
    }

    store_township(store, &township, now_ms).await?;
    Ok(Some(accounts))
}

/// Writes every record of a generated township into the master copy, as if one seeding device
/// had uploaded them: used by the demo and by the sync benchmark.
pub async fn store_township(
    store: &Store,
    township: &generator::Township,
    now_ms: i64,
) -> Result<(), StoreError> {
    let actor = ActorId::from([0x5e; 16].as_slice());
    let mut tx = store.begin_write().await?;
    tx.bind_actor(&actor.to_hex_string(), SEED_USER, SEED_DEVICE, now_ms)
        .await?;
    save_all(&mut tx, &actor, &township.households, now_ms).await?;
    save_all(&mut tx, &actor, &township.persons, now_ms).await?;
    save_all(&mut tx, &actor, &township.rental_houses, now_ms).await?;
    save_all(&mut tx, &actor, &township.disputes, now_ms).await?;
    save_all(&mut tx, &actor, &township.outreach_visits, now_ms).await?;
    save_all(&mut tx, &actor, &township.screening_rounds, now_ms).await?;
    save_all(&mut tx, &actor, &township.patrols, now_ms).await?;
    save_all(&mut tx, &actor, &township.joint_defence_groups, now_ms).await?;
    save_all(&mut tx, &actor, &township.key_persons, now_ms).await?;
    save_all(&mut tx, &actor, &township.responsibility_letters, now_ms).await?;
    save_all(&mut tx, &actor, &township.publicity_activities, now_ms).await?;
    save_all(&mut tx, &actor, &township.standardisation_checks, now_ms).await?;
    save_all(&mut tx, &actor, &township.contingency_plans, now_ms).await?;
    tx.commit().await
}

/// Writes every record of one type in a few multi-row statements, as an upload does: a demo
/// township is thousands of documents, and one statement per document made seeding slow.
async fn save_all<R: Record>(
    tx: &mut WriteTransaction,
    actor: &ActorId,
    records: &[(DocumentId, R)],
    now_ms: i64,
) -> Result<(), StoreError> {
    let mut documents = Vec::with_capacity(records.len());
    let mut heads = Vec::with_capacity(records.len());
    let mut changes = Vec::with_capacity(records.len());
    let mut received = Vec::with_capacity(records.len());
    for (id, record) in records {
        let mut doc: AutoCommit = document::create(actor.clone(), record);
        received.push(received_at(&doc, now_ms));
        changes.push(doc.get_changes(&[]));
        heads.push(
            doc.get_heads()
                .iter()
                .flat_map(|h| h.0)
                .collect::<Vec<u8>>(),
        );
        documents.push(StoredDocument {
            id: id.to_string(),
            record_type: R::TYPE.as_str().to_owned(),
            village: record.village().to_owned(),
            data: doc.save(),
        });
    }
    let hashes: Vec<Vec<_>> = changes
        .iter()
        .map(|of_doc| of_doc.iter().map(|change| change.hash()).collect())
        .collect();
    let change_records: Vec<Vec<ChangeRecord>> = changes
        .iter()
        .zip(&hashes)
        .map(|(of_doc, hashes)| {
            of_doc
                .iter()
                .zip(hashes)
                .map(|(change, hash)| ChangeRecord {
                    hash: &hash.0,
                    data: change.raw_bytes(),
                })
                .collect()
        })
        .collect();
    // Received as a worker's phone would have sent it: within the hour it was made, so the
    // ledgers place each record at its own time (decision 25 places a record received long
    // after its device time at its receipt). One statement per day of records.
    let mut order: Vec<usize> = (0..records.len()).collect();
    order.sort_by_key(|&i| received[i]);
    for day in order.chunk_by(|&a, &b| received[a] / DAY_MS == received[b] / DAY_MS) {
        let entries: Vec<SaveEntry> = day
            .iter()
            .map(|&i| SaveEntry {
                document: &documents[i],
                heads: &heads[i],
                changes: &change_records[i],
            })
            .collect();
        let author = Author {
            username: SEED_USER,
            device_id: SEED_DEVICE,
            received_at_ms: day.iter().map(|&i| received[i]).max().unwrap_or(now_ms),
        };
        tx.save_many(&entries, &author).await?;
    }
    Ok(())
}

const DAY_MS: i64 = 86_400_000;

/// An hour after the record was made (its `created_at_ms`), never later than now.
fn received_at(doc: &AutoCommit, now_ms: i64) -> i64 {
    use automerge::ReadDoc;
    let made = match doc.get(automerge::ROOT, "created_at_ms") {
        Ok(Some((automerge::Value::Scalar(value), _))) => value.as_i64().unwrap_or(now_ms),
        _ => now_ms,
    };
    (made + 3_600_000).min(now_ms)
}
