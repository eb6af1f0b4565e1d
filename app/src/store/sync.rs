//! The device's IndexedDB as the shared replica's storage ([`DeviceStorage`]): the sync rules
//! live in `pingan_shared::sync::replica`; this file only reads and writes rows.
//!
//! A page is one strict `readwrite` transaction over the documents, their list summaries and
//! the state store (where the position is kept); it commits or aborts whole, so a crash
//! midway leaves the device as it was before the page, and the next round asks for it again.
//! Rows are opened and sealed synchronously inside it (`super::seal`).

use automerge::{ActorId, AutoCommit};
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::Transaction;
use pingan_shared::document;
use pingan_shared::records::RecordType;
use pingan_shared::sync::protocol::{self, Position};
use pingan_shared::sync::storage::{
    DeviceStorage, PageWrite, Refusal, StorageError, StoredDocument, SyncState,
};
use serde_bytes::ByteBuf;
use wasm_bindgen::JsValue;

use super::index;
use super::pack::{pack_field, unpack_field};
use super::rows::{
    DocumentRow, document_row, heads_in, heads_out, open_summary, put_document_row, put_state,
    put_summary, read_document_row, state,
};
use super::seal::Sealer;
use super::{DOCUMENTS, DeviceStore, STATE};
use crate::error::AppError;

const POSITION_KEY: &str = "position";
const VILLAGES_KEY: &str = "villages";

impl DeviceStorage for DeviceStore {
    type Page<'a> = IdbPage<'a>;

    fn device_id(&self) -> String {
        self.device_id.clone()
    }

    fn actor(&self) -> ActorId {
        self.actor.clone()
    }

    async fn position(&self) -> Result<Position, StorageError> {
        let read = async {
            let tx = self.db.transaction(STATE).build()?;
            // CBOR, as the position travels: no other code to read it.
            match state(&tx, POSITION_KEY).await? {
                Some(bytes) => protocol::decode("position", &bytes)
                    .map_err(|e| AppError::Storage(pingan_shared::document::cause(&e))),
                None => Ok(Position::Start),
            }
        };
        read.await.map_err(storage_error)
    }

    /// Read through the sparse `unsynced` indexes, so a phone with thousands of synced records
    /// loads only the few it must send.
    async fn unacknowledged(&self) -> Result<Vec<StoredDocument>, StorageError> {
        let read = async {
            let ids: Vec<String> = self.pending().await?.into_iter().map(|p| p.id).collect();
            let tx = self.db.transaction(DOCUMENTS).build()?;
            let mut rows = Vec::with_capacity(ids.len());
            for id in &ids {
                rows.push(stored(document_row(&tx, &self.sealer, id).await?)?);
            }
            Ok::<_, AppError>(rows)
        };
        read.await.map_err(storage_error)
    }

    async fn villages(&self) -> Result<Vec<String>, StorageError> {
        let read = async {
            let tx = self.db.transaction(STATE).build()?;
            match state(&tx, VILLAGES_KEY).await? {
                Some(bytes) => unpack_field(&bytes)
                    .ok_or_else(|| AppError::Storage("本机保存的村名单格式不对".into())),
                None => Ok(Vec::new()),
            }
        };
        read.await.map_err(storage_error)
    }

    fn begin_page(&self) -> Result<IdbPage<'_>, StorageError> {
        Ok(IdbPage {
            tx: self.write_transaction().map_err(storage_error)?,
            store: self,
        })
    }
}

/// One page: a strict read-write transaction.
pub struct IdbPage<'a> {
    tx: Transaction<'a>,
    store: &'a DeviceStore,
}

impl IdbPage<'_> {
    async fn row(&self, id: &str) -> Result<Option<DocumentRow>, AppError> {
        read_document_row(&self.tx, self.sealer(), id).await
    }

    fn sealer(&self) -> &Sealer {
        &self.store.sealer
    }
}

impl PageWrite for IdbPage<'_> {
    async fn document(&mut self, id: &str) -> Result<Option<StoredDocument>, StorageError> {
        let read = async { self.row(id).await?.map(stored).transpose() };
        read.await.map_err(storage_error)
    }

    async fn update_state(
        &mut self,
        id: &str,
        change: impl FnOnce(&mut SyncState),
    ) -> Result<bool, StorageError> {
        let write = async {
            let Some(mut row) = self.row(id).await? else {
                return Ok(false);
            };
            let mut state = state_of(&row);
            change(&mut state);
            set_state(&mut row, state);
            put_document_row(&self.tx, self.sealer(), &row)?;
            self.refresh_flags(&row).await?;
            Ok::<_, AppError>(true)
        };
        write.await.map_err(storage_error)
    }

    /// A saved document new to the device is stored exactly as it came: re-encoding it would
    /// only cost the first sync time.
    async fn put_document(
        &mut self,
        id: &str,
        doc: &mut AutoCommit,
        state: SyncState,
        as_received: Option<&[u8]>,
    ) -> Result<(), StorageError> {
        let write = async {
            let record_type = document::record_type(doc)?;
            let mut row = DocumentRow {
                id: id.to_owned(),
                record_type: record_type.as_str().to_owned(),
                bytes: ByteBuf::from(match as_received {
                    Some(saved) => saved.to_vec(),
                    None => document::save_on_device(doc),
                }),
                heads: heads_out(&doc.get_heads()),
                acknowledged: Vec::new(),
                refused_at: None,
                refused_reason: None,
            };
            set_state(&mut row, state);
            put_document_row(&self.tx, self.sealer(), &row)?;
            // A record this version cannot read is kept (and synced) but not listed.
            if let Ok(summary) = index::summarise(id, doc, row.flags()) {
                put_summary(&self.tx, self.sealer(), &summary)?;
            }
            Ok::<_, AppError>(())
        };
        write.await.map_err(storage_error)
    }

    async fn put_position(&mut self, position: &Position) -> Result<(), StorageError> {
        let write = async {
            put_state(&self.tx, POSITION_KEY, &protocol::encode(position))?;
            Ok::<_, AppError>(())
        };
        write.await.map_err(storage_error)
    }

    /// Read through the summaries (each knows its village and its sync flags), so no
    /// document is loaded; a record without a summary (one this version cannot read) stays.
    async fn move_to_villages(&mut self, villages: &[String]) -> Result<usize, StorageError> {
        let write = async {
            let mut forgotten = 0;
            for name in index::ALL_STORES {
                let store = self.tx.object_store(name)?;
                let raw: Vec<JsValue> = store
                    .get_all()
                    .primitive()?
                    .await?
                    .collect::<Result<_, _>>()?;
                for raw in &raw {
                    let summary = open_summary(self.sealer(), name, raw)?;
                    let flags = summary.flags();
                    if !flags.synced
                        || flags.needs_correction.is_some()
                        || villages.iter().any(|v| v == summary.village())
                    {
                        continue;
                    }
                    let id = JsValue::from_str(summary.id());
                    store.delete(id.clone()).primitive()?.await?;
                    self.tx
                        .object_store(DOCUMENTS)?
                        .delete(id)
                        .primitive()?
                        .await?;
                    forgotten += 1;
                }
            }
            put_state(&self.tx, VILLAGES_KEY, &pack_field(&villages.to_vec()))?;
            Ok::<_, AppError>(forgotten)
        };
        write.await.map_err(storage_error)
    }

    async fn commit(self) -> Result<(), StorageError> {
        self.tx
            .commit()
            .await
            .map_err(|e| storage_error(AppError::from(e)))
    }
}

fn stored(row: DocumentRow) -> Result<StoredDocument, AppError> {
    Ok(StoredDocument {
        doc: document::load(&row.bytes)?,
        state: state_of(&row),
        id: row.id,
    })
}

fn state_of(row: &DocumentRow) -> SyncState {
    SyncState {
        acknowledged: heads_in(&row.acknowledged),
        refused: row.refused_at.as_ref().map(|heads| Refusal {
            heads: heads_in(heads),
            reason: row.refused_reason.clone().unwrap_or_default(),
        }),
    }
}

fn set_state(row: &mut DocumentRow, state: SyncState) {
    row.acknowledged = heads_out(&state.acknowledged);
    row.refused_at = state.refused.as_ref().map(|r| heads_out(&r.heads));
    row.refused_reason = state.refused.map(|r| r.reason);
}

/// IndexedDB names a full quota `QuotaExceededError`; everything else is a failed write.
fn storage_error(error: AppError) -> StorageError {
    let text = match error {
        AppError::Storage(cause) => cause,
        other => other.to_string(),
    };
    if text.contains("QuotaExceeded") {
        StorageError::QuotaExceeded(text)
    } else {
        StorageError::Failed(text)
    }
}

impl IdbPage<'_> {
    /// Brings a summary's sync flags in line with its document row, without loading the
    /// document: the summary is opened, its flags set, and sealed again.
    async fn refresh_flags(&self, row: &DocumentRow) -> Result<(), AppError> {
        let Some(record_type) = RecordType::parse(&row.record_type) else {
            return Ok(());
        };
        let store = index::store_for(record_type);
        let raw: Option<JsValue> = self
            .tx
            .object_store(store)?
            .get(JsValue::from_str(&row.id))
            .primitive()?
            .await?;
        let Some(raw) = raw else {
            return Ok(());
        };
        let mut summary = open_summary(self.sealer(), store, &raw)?;
        summary.set_flags(row.flags());
        put_summary(&self.tx, self.sealer(), &summary)
    }
}
