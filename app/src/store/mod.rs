//! One worker's records on this device (IndexedDB `pingan-user-<username>`), sealed.
//!
//! Each worker who logs in on a shared phone gets their own database: records, list index,
//! download position and outbox are theirs alone, so the next worker on the same browser sees
//! none of them and downloads their own villages from the start (decision 31). Nothing in it is
//! readable without the worker's data key ([`seal`]), which exists only in memory between
//! unlock and logout.
//!
//! Object stores:
//! - `documents`: one row per record, `{id, sealed}`; the box holds the Automerge document's
//!   bytes, its heads, the heads the server acknowledged and any refusal. The row is the
//!   source of truth.
//! - `households`, `persons`, `rental_houses`, `disputes`, `outreach_visits`: the list index
//!   ([`index`]), a sealed summary per record written in the same transaction as the document,
//!   so lists, search and counts never load Automerge documents. In clear beside each box: the
//!   sparse `unsynced` flag (its index finds what must upload) and, on people, `cid`, a keyed
//!   tag of the ID number for the duplicate check.
//! - `state`: the Automerge actor that signs this worker's edits here, the sync position, the
//!   villages the server last named, the login (sealed), the office's returned records
//!   (sealed), the forms' drafts (sealed, `draft:<form>:<record>`) and which version of the
//!   list index is stored.
//!
//! `rows.rs` is how a row is sealed, packed, read and written; `writer.rs` one save;
//! `device.rs` the phone's own database (device id, keyring); `sync.rs` this database as the
//! shared replica's storage (`DeviceStorage`).
//!
//! Every write is one `strict`-durability transaction awaited to completion: when a function
//! here returns `Ok`, the record is on disk, and only then may the UI say "saved". Sealing is
//! synchronous, inside the transaction, so a save or a sync page is still all or nothing.

use std::rc::Rc;

use automerge::ActorId;
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{
    Transaction, TransactionDurability, TransactionMode, TransactionOptions,
};
use pingan_shared::document;
use pingan_shared::records::{Record, RecordType};
use pingan_shared::review::ReturnedRecord;
use pingan_shared::session::{LoginResponse, VillageName};
use pingan_shared::statistics::china_date;
use pingan_shared::sync::protocol;
use pingan_shared::validation::FieldError;
use wasm_bindgen::JsValue;

use crate::error::AppError;
use index::{PersonSummary, Summary};
use pack::Packed;
use rows::{DocumentRow, document_row, open_row, open_summary, put_summary};
use seal::Sealer;
use writer::new_id;

pub mod activities;
pub mod device;
pub mod index;
pub mod pack;
mod rows;
pub mod seal;
pub mod sync;
mod writer;

pub use index::HouseholdSummary;
pub use writer::Writer;

const DATABASE_PREFIX: &str = "pingan-user-";
/// 2: the `activities` index store (issue 16's records).
const DATABASE_VERSION: u8 = 2;
const DOCUMENTS: &str = "documents";
const STATE: &str = "state";
const ACTOR_KEY: &str = "actor";
const SESSION_KEY: &str = "session";
const RETURNED_KEY: &str = "returned";
const INDEX_VERSION_KEY: &str = "index_version";
/// Followed by the form and the record (`ui::draft`).
const DRAFT_PREFIX: &str = "draft:";

/// A record waiting to upload, or refused by the server, as the sync bar lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingRecord {
    pub id: String,
    pub record_type: &'static str,
    pub label: String,
    pub needs_correction: Option<String>,
}

/// One worker's unlocked records. Cloning shares the open database and the key.
#[derive(Clone)]
pub struct DeviceStore {
    db: Database,
    sealer: Rc<Sealer>,
    device_id: String,
    username: String,
    actor: ActorId,
}

/// The database name of a worker's records on this device.
pub fn database_name(username: &str) -> String {
    format!("{DATABASE_PREFIX}{username}")
}

impl DeviceStore {
    /// Opens (creating on first login) `username`'s records with their data key.
    pub async fn open(device_id: &str, username: &str, sealer: Sealer) -> Result<Self, AppError> {
        let store = Self::open_boxes(device_id, username, sealer).await?;
        store.ensure_index().await?;
        Ok(store)
    }

    /// `username`'s records without their key, when the device can no longer open them (the
    /// password changed on the server): only what lies outside the boxes can be read
    /// ([`DeviceStore::unsynced_count`]), and everything can be dropped ([`DeviceStore::clear`]).
    pub async fn open_locked(device_id: &str, username: &str) -> Result<Self, AppError> {
        Self::open_boxes(device_id, username, Sealer::new(seal::random()?)).await
    }

    async fn open_boxes(device_id: &str, username: &str, sealer: Sealer) -> Result<Self, AppError> {
        let db = open_database(&database_name(username)).await?;
        let actor = load_or_create_actor(&db).await?;
        Ok(Self {
            db,
            sealer: Rc::new(sealer),
            device_id: device_id.to_owned(),
            username: username.to_owned(),
            actor,
        })
    }

    pub fn device_id(&self) -> &str {
        &self.device_id
    }

    pub fn username(&self) -> &str {
        &self.username
    }

    pub fn sealer(&self) -> &Sealer {
        &self.sealer
    }

    /// Closes the database; the key goes with the last clone of this store.
    pub fn close(&self) {
        self.db.clone().close();
    }

    /// Rebuilds every index store from the documents when the index is older than this code.
    async fn ensure_index(&self) -> Result<(), AppError> {
        let tx = self.write_transaction()?;
        // Anything but this code's version, however it was stored, means rebuild.
        let version = rows::state(&tx, INDEX_VERSION_KEY).await.ok().flatten();
        if version.as_deref() == Some(&index::INDEX_VERSION.to_le_bytes()[..]) {
            tx.commit().await?;
            return Ok(());
        }
        for name in index::ALL_STORES {
            tx.object_store(name)?.clear()?.await?;
        }
        let raw: Vec<JsValue> = tx
            .object_store(DOCUMENTS)?
            .get_all()
            .primitive()?
            .await?
            .collect::<Result<_, _>>()?;
        for raw in &raw {
            let row: DocumentRow = open_row(&self.sealer, raw)?;
            // A document this code cannot read stays stored (and syncs); it is only unlisted.
            if let Ok(doc) = document::load(&row.bytes)
                && let Ok(summary) = index::summarise(&row.id, &doc, row.flags())
            {
                put_summary(&tx, &self.sealer, &summary)?;
            }
        }
        rows::put_state(&tx, INDEX_VERSION_KEY, &index::INDEX_VERSION.to_le_bytes())?;
        tx.commit().await?;
        Ok(())
    }

    /// The login kept for this worker (its token empty after a logout), if any.
    pub async fn session(&self) -> Result<Option<LoginResponse>, AppError> {
        match self.read_sealed(SESSION_KEY).await? {
            Some(bytes) => rows::unpack(SESSION_KEY, &bytes).map(Some),
            None => Ok(None),
        }
    }

    /// Keeps a fresh login.
    pub async fn save_session(&self, session: &LoginResponse) -> Result<(), AppError> {
        self.write_sealed(SESSION_KEY, &session.pack()).await
    }

    /// Keeps the account's villages as the server last named them in the login's profile.
    pub async fn remember_villages(&self, villages: &[VillageName]) -> Result<(), AppError> {
        if let Some(mut session) = self.session().await? {
            session.user.villages = villages.to_vec();
            self.save_session(&session).await?;
        }
        Ok(())
    }

    /// Forgets the login's token (logout, disabled account); the profile stays for the next
    /// offline unlock.
    pub async fn forget_token(&self) -> Result<(), AppError> {
        if let Some(mut session) = self.session().await? {
            session.token.clear();
            self.save_session(&session).await?;
        }
        Ok(())
    }

    /// The records the office returned, as the last sync listed them.
    /// CBOR, read by the decoder the sync answer's list already uses.
    pub async fn returned(&self) -> Result<Vec<ReturnedRecord>, AppError> {
        match self.read_sealed(RETURNED_KEY).await? {
            Some(bytes) => protocol::decode("returned records", &bytes)
                .map_err(|e| AppError::Document(pingan_shared::document::cause(&e))),
            None => Ok(Vec::new()),
        }
    }

    pub async fn remember_returned(&self, returned: &[ReturnedRecord]) -> Result<(), AppError> {
        self.write_sealed(RETURNED_KEY, &protocol::encode(&returned))
            .await
    }

    /// A form's draft (`ui::draft`), empty if none: sealed like a record, as it holds what
    /// was typed about a person.
    pub async fn draft(&self, key: &str) -> Result<Vec<u8>, AppError> {
        let key = format!("{DRAFT_PREFIX}{key}");
        Ok(self.read_sealed(&key).await?.unwrap_or_default())
    }

    /// Keeps a form's draft; empty drops it.
    pub async fn keep_draft(&self, key: &str, plain: &[u8]) -> Result<(), AppError> {
        self.write_sealed(&format!("{DRAFT_PREFIX}{key}"), plain)
            .await
    }

    async fn read_sealed(&self, key: &str) -> Result<Option<Vec<u8>>, AppError> {
        read_state(&self.db, key)
            .await?
            .map(|sealed| self.sealer.open(key, &sealed))
            .transpose()
    }

    async fn write_sealed(&self, key: &str, plain: &[u8]) -> Result<(), AppError> {
        let sealed = self.sealer.seal(key, plain)?;
        write_state(&self.db, key, &sealed).await
    }

    /// Starts a save: creations and edits of several records that commit together or not at
    /// all. Nothing is written until [`Writer::commit`] returns.
    pub fn writer(&self) -> Result<Writer<'_>, AppError> {
        let now_ms = js_sys::Date::now() as i64;
        Ok(Writer {
            tx: self.write_transaction()?,
            sealer: &self.sealer,
            actor: self.actor.clone(),
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
        let row = document_row(&tx, &self.sealer, id).await?;
        Ok(document::read(&document::load(&row.bytes)?)?)
    }

    /// Several records by id, read in one transaction (the office's statistics read every
    /// dispute, visit, rental house and floating resident on the computer).
    #[cfg(feature = "office")]
    pub async fn records<R: Record>(&self, ids: &[String]) -> Result<Vec<R>, AppError> {
        let tx = self.db.transaction(DOCUMENTS).build()?;
        let mut found = Vec::with_capacity(ids.len());
        for id in ids {
            let row = document_row(&tx, &self.sealer, id).await?;
            found.push(document::read(&document::load(&row.bytes)?)?);
        }
        Ok(found)
    }

    /// Every summary of one record type, in key (id) order.
    pub async fn list<S: Summary>(&self) -> Result<Vec<S>, AppError> {
        let tx = self.db.transaction(S::STORE).build()?;
        let raw: Vec<JsValue> = tx
            .object_store(S::STORE)?
            .get_all()
            .primitive()?
            .await?
            .collect::<Result<_, _>>()?;
        raw.iter().map(|raw| open_row(&self.sealer, raw)).collect()
    }

    /// Summaries by id, skipping ids not on the device.
    pub async fn summaries<S: Summary>(&self, ids: &[String]) -> Result<Vec<S>, AppError> {
        let tx = self.db.transaction(S::STORE).build()?;
        let store = tx.object_store(S::STORE)?;
        let mut found = Vec::with_capacity(ids.len());
        for id in ids {
            let raw: Option<JsValue> = store.get(JsValue::from_str(id)).primitive()?.await?;
            if let Some(raw) = raw {
                found.push(open_row(&self.sealer, &raw)?);
            }
        }
        Ok(found)
    }

    /// Every household, from the index, in key order (lists sort them as they show them).
    pub async fn households(&self) -> Result<Vec<HouseholdSummary>, AppError> {
        self.list().await
    }

    /// People already registered on this device with this (normalised) ID number, found by
    /// its keyed tag.
    pub async fn persons_with_citizen_id(
        &self,
        citizen_id: &str,
    ) -> Result<Vec<PersonSummary>, AppError> {
        let tx = self.db.transaction(index::PERSONS).build()?;
        let raw: Vec<JsValue> = tx
            .object_store(index::PERSONS)?
            .index(index::CITIZEN_ID_INDEX)?
            .get_all()
            .with_query(self.sealer.citizen_tag(citizen_id))
            .primitive()?
            .await?
            .collect::<Result<_, _>>()?;
        raw.iter().map(|raw| open_row(&self.sealer, raw)).collect()
    }

    /// Every record waiting to upload (refused ones included), read through the sparse
    /// `unsynced` indexes only.
    pub async fn pending(&self) -> Result<Vec<PendingRecord>, AppError> {
        let tx = self.db.transaction(index::ALL_STORES).build()?;
        let mut out = Vec::new();
        for store in index::ALL_STORES {
            let raw = self.unsynced_rows(&tx, store).await?;
            for raw in &raw {
                let summary = open_summary(&self.sealer, store, raw)?;
                out.push(PendingRecord {
                    id: summary.id().to_owned(),
                    record_type: RecordType::parse(summary.record_type())
                        .map_or("", RecordType::as_str),
                    label: summary.label(),
                    needs_correction: summary.flags().needs_correction,
                });
            }
        }
        Ok(out)
    }

    /// How many records wait to upload, from the `unsynced` flags outside the boxes.
    pub async fn unsynced_count(&self) -> Result<usize, AppError> {
        let tx = self.db.transaction(index::ALL_STORES).build()?;
        let mut count = 0;
        for name in index::ALL_STORES {
            count += self.unsynced_rows(&tx, name).await?.len();
        }
        Ok(count)
    }

    /// The raw rows of one index store waiting to upload (the sparse `unsynced` index).
    async fn unsynced_rows(
        &self,
        tx: &Transaction<'_>,
        store: &str,
    ) -> Result<Vec<JsValue>, AppError> {
        Ok(tx
            .object_store(store)?
            .index(index::UNSYNCED_INDEX)?
            .get_all()
            .primitive()?
            .await?
            .collect::<Result<_, _>>()?)
    }

    /// Drops every record and all state: the data key that sealed them is lost.
    pub async fn clear(&self) -> Result<(), AppError> {
        let tx = self.write_transaction()?;
        for name in [DOCUMENTS, STATE].into_iter().chain(index::ALL_STORES) {
            tx.object_store(name)?.clear()?.await?;
        }
        tx.commit().await?;
        Ok(())
    }

    fn write_transaction(&self) -> Result<Transaction<'_>, AppError> {
        let mut stores = vec![DOCUMENTS, STATE];
        stores.extend(index::ALL_STORES);
        Ok(self
            .db
            .transaction(stores)
            .with_mode(TransactionMode::Readwrite)
            .with_options(TransactionOptions::new().with_durability(TransactionDurability::Strict))
            .build()?)
    }
}

/// Opens (creating) a database with a worker's object stores. The phone's own database
/// (`device.rs`) has the same shape and uses only `state`: one opening routine, not two.
pub(crate) async fn open_database(name: &str) -> Result<Database, AppError> {
    Ok(Database::open(name)
        .with_version(DATABASE_VERSION)
        .with_on_upgrade_needed(|_, db| {
            // From any older version: only the stores it lacks are created (the index of a
            // new store is filled by `ensure_index`, whose version moved with it).
            let existing: Vec<String> = db.object_store_names().collect();
            let lacks = |name: &str| !existing.iter().any(|e| e == name);
            if lacks(DOCUMENTS) {
                db.create_object_store(DOCUMENTS)
                    .with_key_path("id".into())
                    .build()?;
            }
            if lacks(STATE) {
                db.create_object_store(STATE).build()?;
            }
            for name in index::ALL_STORES.into_iter().filter(|n| lacks(n)) {
                let store = db
                    .create_object_store(name)
                    .with_key_path("id".into())
                    .build()?;
                store
                    .create_index(index::UNSYNCED_INDEX, "unsynced".into())
                    .build()?;
                if name == index::PERSONS {
                    store
                        .create_index(index::CITIZEN_ID_INDEX, "cid".into())
                        .build()?;
                }
            }
            Ok(())
        })
        .await?)
}

/// Writes one `state` value in its own strict transaction: on disk when this returns.
pub(crate) async fn write_state(db: &Database, key: &str, bytes: &[u8]) -> Result<(), AppError> {
    let tx = db
        .transaction(STATE)
        .with_mode(TransactionMode::Readwrite)
        .with_options(TransactionOptions::new().with_durability(TransactionDurability::Strict))
        .build()?;
    rows::put_state(&tx, key, bytes)?;
    tx.commit().await?;
    Ok(())
}

/// Reads one `state` value.
pub(crate) async fn read_state(db: &Database, key: &str) -> Result<Option<Vec<u8>>, AppError> {
    let tx = db.transaction(STATE).build()?;
    rows::state(&tx, key).await
}

async fn load_or_create_actor(db: &Database) -> Result<ActorId, AppError> {
    let tx = db
        .transaction(STATE)
        .with_mode(TransactionMode::Readwrite)
        .build()?;
    let actor = match rows::state(&tx, ACTOR_KEY).await? {
        Some(actor) => actor,
        None => {
            // The server binds an actor to the first user who signs with it: each worker on a
            // shared phone signs with their own.
            let actor = seal::random::<16>()?.to_vec();
            rows::put_state(&tx, ACTOR_KEY, &actor)?;
            actor
        }
    };
    tx.commit().await?;
    Ok(ActorId::from(actor.as_slice()))
}
