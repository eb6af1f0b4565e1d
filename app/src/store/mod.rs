//! The device's own database (IndexedDB `pingan`).
//!
//! Object stores:
//! - `documents`: one row per record — the Automerge document's bytes, its current heads, and
//!   the heads the server has acknowledged. The row is the source of truth.
//! - `households`, `persons`, `rental_houses`, `disputes`, `outreach_visits`: the list index
//!   ([`index`]), a compact summary per record written in the same transaction as the
//!   document, so lists, search and counts never load Automerge documents. Each has a sparse
//!   `unsynced` index; `persons` also has `citizen_id`.
//! - `device`: this installation's identity (device id and Automerge actor), its login, its
//!   sync position and which version of the list index it holds.
//!
//! Upgrades never touch `documents`: version 2 recreates the index stores empty, and opening
//! the database rebuilds them from the documents in one transaction whenever the stored index
//! version is not [`index::INDEX_VERSION`] — so unsynced work on a phone survives any upgrade,
//! and an interrupted rebuild simply runs again.
//!
//! `sync.rs` is this database as the shared replica's storage (`DeviceStorage`): the rows a sync
//! round reads, and each downloaded page stored in one transaction.
//!
//! Every write is one `strict`-durability transaction awaited to completion: when a function
//! here returns `Ok`, the record is on disk, and only then may the UI say "saved".

use std::cell::RefCell;
use std::rc::Rc;

use automerge::{ActorId, AutoCommit, ChangeHash};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{
    Transaction, TransactionDurability, TransactionMode, TransactionOptions,
};
use pingan_shared::document::{self, DocumentId};
use pingan_shared::records::{Record, RecordType};
use pingan_shared::session::LoginResponse;
use pingan_shared::statistics::china_date;
use pingan_shared::validation::{Date, FieldError};
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use wasm_bindgen::JsValue;

use crate::error::AppError;
use index::{AnySummary, PersonSummary, Summary, SyncFlags};

pub mod index;
pub mod sync;

pub use index::HouseholdSummary;

const DATABASE: &str = "pingan";
const DATABASE_VERSION: u8 = 2;
const DOCUMENTS: &str = "documents";
const DEVICE: &str = "device";
const IDENTITY_KEY: &str = "identity";
const SESSION_KEY: &str = "session";
const INDEX_VERSION_KEY: &str = "index_version";

/// This installation: who it is on the wire and which Automerge actor signs its changes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeviceIdentity {
    pub device_id: String,
    pub actor: ByteBuf,
    /// The account the actor belongs to. The server binds an actor to the first user who signs
    /// with it, so another user logging in on this phone gets a fresh actor.
    #[serde(default)]
    pub actor_user: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct DocumentRow {
    id: String,
    record_type: String,
    bytes: ByteBuf,
    heads: Vec<ByteBuf>,
    /// Heads of the latest version the server confirmed it has.
    acknowledged: Vec<ByteBuf>,
    /// Heads at which the server refused this document; it is not resent until edited.
    #[serde(default)]
    refused_at: Option<Vec<ByteBuf>>,
    /// The server's reason for that refusal, for the worker.
    #[serde(default)]
    refused_reason: Option<String>,
}

impl DocumentRow {
    fn is_acknowledged(&self) -> bool {
        same_heads(&self.heads, &self.acknowledged)
    }

    fn is_refused(&self) -> bool {
        self.refused_at
            .as_deref()
            .is_some_and(|refused| same_heads(refused, &self.heads))
    }

    fn flags(&self) -> SyncFlags {
        SyncFlags {
            synced: self.is_acknowledged(),
            needs_correction: self.is_refused().then(|| {
                self.refused_reason
                    .clone()
                    .unwrap_or_else(|| "服务器退回，请核对后重新保存".to_owned())
            }),
        }
    }
}

/// A summary's line in the sync bar's lists, from its raw row (see [`DeviceStore::pending`]).
fn pending_record(record_type: RecordType, row: &JsValue) -> PendingRecord {
    let field = |key: &str| js_sys::Reflect::get(row, &JsValue::from_str(key)).ok();
    let text = |key: &str| field(key).and_then(|v| v.as_string()).unwrap_or_default();
    let label = match record_type {
        RecordType::Household => format!("住户 {} {}", text("head_of_household"), text("address")),
        RecordType::Person if field("floating").and_then(|v| v.as_bool()) == Some(true) => {
            format!("流动人口 {}", text("name"))
        }
        RecordType::Person => format!("人员 {}", text("name")),
        RecordType::RentalHouse => format!("出租房屋 {}", text("address")),
        RecordType::Dispute => format!("矛盾纠纷 {}", text("summary")),
        RecordType::OutreachVisit => format!("下访走访 {}", text("visited_on")),
    };
    PendingRecord {
        id: text("id"),
        record_type: record_type.as_str(),
        label,
        needs_correction: field("needs_correction").and_then(|v| v.as_string()),
    }
}

/// A record waiting to upload, or refused by the server, as the sync bar lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingRecord {
    pub id: String,
    pub record_type: &'static str,
    pub label: String,
    pub needs_correction: Option<String>,
}

#[derive(Clone)]
pub struct DeviceStore {
    db: Database,
    identity: Rc<RefCell<DeviceIdentity>>,
}

impl DeviceStore {
    pub async fn open() -> Result<Self, AppError> {
        let db = Database::open(DATABASE)
            .with_version(DATABASE_VERSION)
            .with_on_upgrade_needed(|event, db| {
                if event.old_version() < 1.0 {
                    db.create_object_store(DOCUMENTS)
                        .with_key_path("id".into())
                        .build()?;
                    db.create_object_store(DEVICE).build()?;
                }
                if event.old_version() < 2.0 {
                    // The index is derived data: recreated empty here, rebuilt from the
                    // documents right after opening.
                    if db
                        .object_store_names()
                        .any(|name| name == index::HOUSEHOLDS)
                    {
                        db.delete_object_store(index::HOUSEHOLDS)?;
                    }
                    for name in index::ALL_STORES {
                        let store = db
                            .create_object_store(name)
                            .with_key_path("id".into())
                            .build()?;
                        store
                            .create_index(index::UNSYNCED_INDEX, "unsynced".into())
                            .build()?;
                        if name == index::PERSONS {
                            store
                                .create_index(index::CITIZEN_ID_INDEX, "citizen_id".into())
                                .build()?;
                        }
                    }
                }
                Ok(())
            })
            .await?;
        let identity = Rc::new(RefCell::new(load_or_create_identity(&db).await?));
        let store = Self { db, identity };
        store.ensure_index().await?;
        Ok(store)
    }

    pub fn identity(&self) -> DeviceIdentity {
        self.identity.borrow().clone()
    }

    /// Rebuilds every index store from the documents when the index is older than this code.
    async fn ensure_index(&self) -> Result<(), AppError> {
        let tx = self.write_transaction()?;
        let device = tx.object_store(DEVICE)?;
        let version: Option<u32> = device.get(INDEX_VERSION_KEY).serde()?.await?;
        if version == Some(index::INDEX_VERSION) {
            drop(device);
            tx.commit().await?;
            return Ok(());
        }
        for name in index::ALL_STORES {
            tx.object_store(name)?.clear()?.await?;
        }
        let rows: Vec<DocumentRow> = tx
            .object_store(DOCUMENTS)?
            .get_all()
            .serde()?
            .await?
            .collect::<Result<_, _>>()?;
        for row in &rows {
            // A document this code cannot read stays stored (and syncs); it is only unlisted.
            if let Ok(doc) = document::load(&row.bytes)
                && let Ok(summary) = index::summarise(&row.id, &doc, row.flags())
            {
                put_summary(&tx, &summary)?;
            }
        }
        device
            .put(index::INDEX_VERSION)
            .with_key(INDEX_VERSION_KEY.to_owned())
            .serde()?
            .await?;
        drop(device);
        tx.commit().await?;
        Ok(())
    }

    /// The login kept on this device, if any (possibly expired: expiry only blocks uploads).
    pub async fn session(&self) -> Result<Option<LoginResponse>, AppError> {
        let tx = self.db.transaction(DEVICE).build()?;
        let session: Option<LoginResponse> = tx
            .object_store(DEVICE)?
            .get(SESSION_KEY.to_owned())
            .serde()?
            .await?;
        Ok(session)
    }

    /// Keeps a fresh login, and gives this device a new actor when another user logs in.
    pub async fn save_session(&self, session: &LoginResponse) -> Result<(), AppError> {
        let mut identity = self.identity();
        let username = &session.user.username;
        match &identity.actor_user {
            Some(owner) if owner != username => {
                identity.actor = ByteBuf::from(random_bytes()?.to_vec());
                identity.actor_user = Some(username.clone());
            }
            Some(_) => {}
            None => identity.actor_user = Some(username.clone()),
        }
        let tx = self
            .db
            .transaction(DEVICE)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let store = tx.object_store(DEVICE)?;
        store
            .put(session)
            .with_key(SESSION_KEY.to_owned())
            .serde()?
            .await?;
        store
            .put(&identity)
            .with_key(IDENTITY_KEY.to_owned())
            .serde()?
            .await?;
        drop(store);
        tx.commit().await?;
        *self.identity.borrow_mut() = identity;
        Ok(())
    }

    /// Forgets the login. Records, synced or not, stay on the device.
    pub async fn clear_session(&self) -> Result<(), AppError> {
        let tx = self
            .db
            .transaction(DEVICE)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        tx.object_store(DEVICE)?
            .delete(SESSION_KEY.to_owned())
            .primitive()?
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Starts a save: creations and edits of several records that commit together or not at
    /// all. Nothing is written until [`Writer::commit`] returns.
    pub fn writer(&self) -> Result<Writer<'_>, AppError> {
        let now_ms = js_sys::Date::now() as i64;
        Ok(Writer {
            tx: self.write_transaction()?,
            actor: ActorId::from(self.identity.borrow().actor.as_slice()),
            today: china_date(now_ms),
        })
    }

    /// A fresh record id (128 random bits).
    pub fn new_id(&self) -> Result<String, AppError> {
        new_id()
    }

    /// Creates one record and commits it with its summary; returns its id.
    pub async fn create<R: Record>(&self, record: &R) -> Result<String, AppError> {
        let writer = self.writer()?;
        let id = writer.create(record).await?;
        writer.commit().await?;
        Ok(id)
    }

    /// Edits one record (see [`Writer::edit`]) and commits.
    pub async fn edit<R: Record>(
        &self,
        id: &str,
        change: impl FnOnce(&mut R) -> Result<(), Vec<FieldError>>,
    ) -> Result<R, AppError> {
        let writer = self.writer()?;
        let record = writer.edit(id, change).await?;
        writer.commit().await?;
        Ok(record)
    }

    /// The record with this id, read from its document (for a detail screen or a form).
    pub async fn record<R: Record>(&self, id: &str) -> Result<R, AppError> {
        let tx = self.db.transaction(DOCUMENTS).build()?;
        let row: Option<DocumentRow> = tx.object_store(DOCUMENTS)?.get(id).serde()?.await?;
        let row = row.ok_or_else(|| AppError::Document(format!("记录 {id} 不在本机")))?;
        Ok(document::read(&document::load(&row.bytes)?)?)
    }

    /// Several records by id, read in one transaction (the office's statistics read every
    /// dispute, visit, rental house and floating resident on the computer).
    #[cfg(feature = "office")]
    pub async fn records<R: Record>(&self, ids: &[String]) -> Result<Vec<R>, AppError> {
        let tx = self.db.transaction(DOCUMENTS).build()?;
        let store = tx.object_store(DOCUMENTS)?;
        let mut found = Vec::with_capacity(ids.len());
        for id in ids {
            let row: Option<DocumentRow> = store.get(id.as_str()).serde()?.await?;
            let row = row.ok_or_else(|| AppError::Document(format!("记录 {id} 不在本机")))?;
            found.push(document::read(&document::load(&row.bytes)?)?);
        }
        Ok(found)
    }

    /// Every summary of one record type, in key (id) order.
    pub async fn list<S: Summary>(&self) -> Result<Vec<S>, AppError> {
        let tx = self.db.transaction(S::STORE).build()?;
        let summaries: Vec<S> = tx
            .object_store(S::STORE)?
            .get_all()
            .serde()?
            .await?
            .collect::<Result<_, _>>()?;
        Ok(summaries)
    }

    /// Summaries by id, skipping ids not on the device.
    pub async fn summaries<S: Summary>(&self, ids: &[String]) -> Result<Vec<S>, AppError> {
        let tx = self.db.transaction(S::STORE).build()?;
        let store = tx.object_store(S::STORE)?;
        let mut found = Vec::with_capacity(ids.len());
        for id in ids {
            let summary: Option<S> = store.get(id.as_str()).serde()?.await?;
            found.extend(summary);
        }
        Ok(found)
    }

    /// Every household, from the index, in key order (lists sort them as they show them).
    pub async fn households(&self) -> Result<Vec<HouseholdSummary>, AppError> {
        self.list().await
    }

    /// People already registered on this device with this (normalised) ID number.
    pub async fn persons_with_citizen_id(
        &self,
        citizen_id: &str,
    ) -> Result<Vec<PersonSummary>, AppError> {
        let tx = self.db.transaction(index::PERSONS).build()?;
        let found: Vec<PersonSummary> = tx
            .object_store(index::PERSONS)?
            .index(index::CITIZEN_ID_INDEX)?
            .get_all()
            .with_query(citizen_id.to_owned())
            .serde()?
            .await?
            .collect::<Result<_, _>>()?;
        Ok(found)
    }

    /// Every record waiting to upload (refused ones included), read through the sparse
    /// `unsynced` indexes only, as raw rows: a line needs three of a summary's fields, and one
    /// loop over the five stores costs the download less than decoding five summary types.
    pub async fn pending(&self) -> Result<Vec<PendingRecord>, AppError> {
        let tx = self.db.transaction(index::ALL_STORES).build()?;
        let mut out = Vec::new();
        for record_type in RecordType::ALL {
            let rows: Vec<JsValue> = tx
                .object_store(index::store_for(record_type))?
                .index(index::UNSYNCED_INDEX)?
                .get_all()
                .primitive()?
                .await?
                .collect::<Result<_, _>>()?;
            out.extend(rows.iter().map(|row| pending_record(record_type, row)));
        }
        Ok(out)
    }

    fn write_transaction(&self) -> Result<Transaction<'_>, AppError> {
        let mut stores = vec![DOCUMENTS, DEVICE];
        stores.extend(index::ALL_STORES);
        Ok(self
            .db
            .transaction(stores)
            .with_mode(TransactionMode::Readwrite)
            .with_options(TransactionOptions::new().with_durability(TransactionDurability::Strict))
            .build()?)
    }
}

/// What an edit does to a record; an `Err` names the fields that forbid it.
type Change<'a, R> = Box<dyn FnOnce(&mut R) -> Result<(), Vec<FieldError>> + 'a>;

/// One save in progress: documents and their summaries written in one strict transaction.
/// Dropping it without [`Writer::commit`] aborts everything written through it.
pub struct Writer<'a> {
    tx: Transaction<'a>,
    actor: ActorId,
    today: Date,
}

impl Writer<'_> {
    /// Adds a new record, signed by this device, after checking it; returns its id.
    pub async fn create<R: Record>(&self, record: &R) -> Result<String, AppError> {
        let id = new_id()?;
        self.create_as(&id, record).await?;
        Ok(id)
    }

    /// Adds a new record under an id from [`DeviceStore::new_id`], for records that refer to
    /// each other and are created together (a tenant and the house they rent).
    pub async fn create_as<R: Record>(&self, id: &str, record: &R) -> Result<(), AppError> {
        record.validate(self.today).map_err(AppError::Invalid)?;
        let id = id.to_owned();
        let mut doc = document::create(self.actor.clone(), record);
        let row = DocumentRow {
            id: id.clone(),
            record_type: R::TYPE.as_str().to_owned(),
            bytes: ByteBuf::from(document::save_on_device(&mut doc)),
            heads: heads_out(&doc.get_heads()),
            acknowledged: Vec::new(),
            refused_at: None,
            refused_reason: None,
        };
        self.put(&row, &doc)
    }

    /// Changes a stored record: `change` edits the record read from its document, the result
    /// is checked, and only the fields that differ are written as a new Automerge change on
    /// the existing document — so another worker's concurrent edit to other fields merges.
    /// Any error (the record's own, or a rule `change` reports) leaves the record as it was.
    pub fn edit<'a, R: Record + 'a>(
        &'a self,
        id: &'a str,
        change: impl FnOnce(&mut R) -> Result<(), Vec<FieldError>> + 'a,
    ) -> impl Future<Output = Result<R, AppError>> + 'a {
        // Boxed so each record type compiles one edit, not one per call site.
        self.edit_boxed(id, Box::new(change))
    }

    async fn edit_boxed<R: Record>(&self, id: &str, change: Change<'_, R>) -> Result<R, AppError> {
        let (mut row, mut doc) = self.load(id).await?;
        let mut record: R = document::read(&doc)?;
        change(&mut record).map_err(AppError::Invalid)?;
        record.validate(self.today).map_err(AppError::Invalid)?;
        document::update(&mut doc, &record);
        row.bytes = ByteBuf::from(document::save_on_device(&mut doc));
        row.heads = heads_out(&doc.get_heads());
        self.put(&row, &doc)?;
        Ok(record)
    }

    /// A stored document, ready for this device to change.
    async fn load(&self, id: &str) -> Result<(DocumentRow, AutoCommit), AppError> {
        let row: Option<DocumentRow> = self.tx.object_store(DOCUMENTS)?.get(id).serde()?.await?;
        let row = row.ok_or_else(|| AppError::Document(format!("记录 {id} 不在本机")))?;
        let doc = document::load(&row.bytes)?.with_actor(self.actor.clone());
        Ok((row, doc))
    }

    /// Issues the writes of a document and its summary without waiting for their answers:
    /// the transaction applies requests in order, a write that fails aborts it, and
    /// [`Writer::commit`] reports that. Waiting for each answer cost every save a frame: after
    /// a tap, Chromium paints before it delivers IndexedDB replies (BENCHMARKS.md, the save).
    fn put(&self, row: &DocumentRow, doc: &AutoCommit) -> Result<(), AppError> {
        let summary = index::summarise(&row.id, doc, row.flags())?;
        // `.serde()` sends the request; dropping its future only stops listening for the answer.
        drop(self.tx.object_store(DOCUMENTS)?.put(row).serde()?);
        put_summary(&self.tx, &summary)
    }

    /// Commits; `Ok` means on disk.
    pub async fn commit(self) -> Result<(), AppError> {
        self.tx.commit().await?;
        Ok(())
    }
}

/// Sends the summary's write (see [`Writer::put`]).
fn put_summary(tx: &Transaction<'_>, summary: &AnySummary) -> Result<(), AppError> {
    fn put<S: Summary>(tx: &Transaction<'_>, summary: &S) -> Result<(), AppError> {
        drop(tx.object_store(S::STORE)?.put(summary).serde()?);
        Ok(())
    }
    match summary {
        AnySummary::Household(s) => put(tx, s),
        AnySummary::Person(s) => put(tx, s),
        AnySummary::RentalHouse(s) => put(tx, s),
        AnySummary::Dispute(s) => put(tx, s),
        AnySummary::Visit(s) => put(tx, s),
    }
}

async fn load_or_create_identity(db: &Database) -> Result<DeviceIdentity, AppError> {
    let tx = db
        .transaction(DEVICE)
        .with_mode(TransactionMode::Readwrite)
        .build()?;
    let store = tx.object_store(DEVICE)?;
    let existing: Option<DeviceIdentity> = store.get(IDENTITY_KEY).serde()?.await?;
    let identity = match existing {
        Some(identity) => identity,
        None => {
            let identity = DeviceIdentity {
                device_id: document::hex(&random_bytes()?),
                actor: ByteBuf::from(random_bytes()?.to_vec()),
                actor_user: None,
            };
            store
                .put(&identity)
                .with_key(IDENTITY_KEY.to_owned())
                .serde()?
                .await?;
            identity
        }
    };
    drop(store);
    tx.commit().await?;
    Ok(identity)
}

fn new_id() -> Result<String, AppError> {
    Ok(DocumentId::from_random_bytes(random_bytes()?).to_string())
}

fn random_bytes() -> Result<[u8; 16], AppError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Storage(e.to_string()))?;
    Ok(bytes)
}

fn heads_out(heads: &[ChangeHash]) -> Vec<ByteBuf> {
    heads.iter().map(|h| ByteBuf::from(h.0.to_vec())).collect()
}

fn heads_in(heads: &[ByteBuf]) -> Vec<ChangeHash> {
    let raw: Vec<Vec<u8>> = heads.iter().map(|h| h.to_vec()).collect();
    document::heads_from_bytes(&raw)
}

/// Heads compared as sets (see `pingan_shared::sync::storage::same_heads`).
fn same_heads(a: &[ByteBuf], b: &[ByteBuf]) -> bool {
    a.len() == b.len() && a.iter().all(|head| b.contains(head))
}
