//! The device's own database (IndexedDB `pingan`).
//!
//! Object stores:
//! - `documents`: one row per record — the Automerge document's bytes, its current heads, and
//!   the heads the server has acknowledged. The row is the source of truth.
//! - `households`: a compact summary per household, written in the same transaction as the
//!   document, so lists and counts never load Automerge documents.
//! - `device`: this installation's identity (device id and Automerge actor) and its sync
//!   position.
//!
//! `sync.rs` holds what a sync round reads and writes: the outgoing changes, and storing a
//! download in one transaction.
//!
//! Every write is one `strict`-durability transaction awaited to completion: when a function
//! here returns `Ok`, the record is on disk, and only then may the UI say "saved".

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use automerge::{ActorId, ChangeHash};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{
    Transaction, TransactionDurability, TransactionMode, TransactionOptions,
};
use pingan_shared::document::{self, DocumentId};
use pingan_shared::records::RecordType;
use pingan_shared::records::household::Household;
use pingan_shared::session::LoginResponse;
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;

use crate::error::AppError;

pub mod sync;

const DATABASE: &str = "pingan";
const DOCUMENTS: &str = "documents";
const HOUSEHOLDS: &str = "households";
const DEVICE: &str = "device";
const IDENTITY_KEY: &str = "identity";
const SESSION_KEY: &str = "session";

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
}

impl DocumentRow {
    fn is_acknowledged(&self) -> bool {
        as_set(&self.heads) == as_set(&self.acknowledged)
    }

    fn is_refused(&self) -> bool {
        self.refused_at
            .as_deref()
            .is_some_and(|refused| as_set(refused) == as_set(&self.heads))
    }
}

/// What the household list shows, kept beside the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdSummary {
    pub id: String,
    pub village: String,
    pub group: String,
    pub address: String,
    pub head_of_household: String,
    pub created_at_ms: i64,
    /// The server has committed the latest version of this household.
    pub synced: bool,
    /// Why the server refused the latest version, for the worker to correct.
    #[serde(default)]
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
            .with_version(1u8)
            .with_on_upgrade_needed(|event, db| {
                if event.old_version() < 1.0 {
                    db.create_object_store(DOCUMENTS)
                        .with_key_path("id".into())
                        .build()?;
                    db.create_object_store(HOUSEHOLDS)
                        .with_key_path("id".into())
                        .build()?;
                    db.create_object_store(DEVICE).build()?;
                }
                Ok(())
            })
            .await?;
        let identity = Rc::new(RefCell::new(load_or_create_identity(&db).await?));
        Ok(Self { db, identity })
    }

    pub fn identity(&self) -> DeviceIdentity {
        self.identity.borrow().clone()
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

    /// Creates a household document signed by this device and commits it with its summary.
    pub async fn add_household(&self, household: &Household) -> Result<HouseholdSummary, AppError> {
        let id = DocumentId::from_random_bytes(random_bytes()?);
        let actor = ActorId::from(self.identity.borrow().actor.as_slice());
        let mut doc = document::create(actor, household);
        let row = DocumentRow {
            id: id.to_string(),
            record_type: RecordType::Household.as_str().to_owned(),
            bytes: ByteBuf::from(doc.save()),
            heads: heads_out(&doc.get_heads()),
            acknowledged: Vec::new(),
            refused_at: None,
        };
        let summary = summarise(&row, household, None);
        let tx = self.write_transaction()?;
        tx.object_store(DOCUMENTS)?.put(&row).serde()?.await?;
        tx.object_store(HOUSEHOLDS)?.put(&summary).serde()?.await?;
        tx.commit().await?;
        Ok(summary)
    }

    /// Every household on the device, from the summary index, in the order they were created.
    pub async fn households(&self) -> Result<Vec<HouseholdSummary>, AppError> {
        let tx = self.db.transaction(HOUSEHOLDS).build()?;
        let mut summaries: Vec<HouseholdSummary> = tx
            .object_store(HOUSEHOLDS)?
            .get_all()
            .serde()?
            .await?
            .collect::<Result<_, _>>()?;
        summaries.sort_by(|a, b| (a.created_at_ms, &a.id).cmp(&(b.created_at_ms, &b.id)));
        Ok(summaries)
    }

    fn write_transaction(&self) -> Result<Transaction<'_>, AppError> {
        Ok(self
            .db
            .transaction([DOCUMENTS, HOUSEHOLDS, DEVICE])
            .with_mode(TransactionMode::Readwrite)
            .with_options(TransactionOptions::new().with_durability(TransactionDurability::Strict))
            .build()?)
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

fn summarise(
    row: &DocumentRow,
    household: &Household,
    needs_correction: Option<String>,
) -> HouseholdSummary {
    HouseholdSummary {
        id: row.id.clone(),
        village: household.village.clone(),
        group: household.group.clone(),
        address: household.address.clone(),
        head_of_household: household.head_of_household.clone(),
        created_at_ms: household.created_at_ms,
        synced: row.is_acknowledged(),
        needs_correction: needs_correction.filter(|_| row.is_refused()),
    }
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

fn as_set(heads: &[ByteBuf]) -> BTreeSet<&[u8]> {
    heads.iter().map(|h| h.as_slice()).collect()
}
