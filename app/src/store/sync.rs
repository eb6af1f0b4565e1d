//! The device's IndexedDB as the shared replica's storage ([`DeviceStorage`]): the sync rules
//! live in `pingan_shared::sync::replica`; this file only reads and writes rows.
//!
//! A page is one strict `readwrite` transaction over the documents, their list summaries and
//! the device store (where the position is kept); it commits or aborts whole, so a crash
//! midway leaves the device as it was before the page, and the next round asks for it again.

use automerge::{ActorId, AutoCommit};
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::Transaction;
use pingan_shared::document;
use pingan_shared::records::RecordType;
use pingan_shared::sync::protocol::Position;
use pingan_shared::sync::storage::{
    DeviceStorage, PageWrite, Refusal, StorageError, StoredDocument, SyncState,
};
use serde_bytes::ByteBuf;
use wasm_bindgen::JsValue;

use super::index;
use super::{DEVICE, DOCUMENTS, DeviceStore, DocumentRow, heads_in, heads_out, put_summary};
use crate::error::AppError;

const POSITION_KEY: &str = "position";

impl DeviceStorage for DeviceStore {
    type Page<'a> = IdbPage<'a>;

    fn device_id(&self) -> String {
        self.identity.borrow().device_id.clone()
    }

    fn actor(&self) -> ActorId {
        ActorId::from(self.identity.borrow().actor.as_slice())
    }

    async fn position(&self) -> Result<Position, StorageError> {
        let read = async {
            let tx = self.db.transaction(DEVICE).build()?;
            let position: Option<Position> = tx
                .object_store(DEVICE)?
                .get(POSITION_KEY.to_owned())
                .serde()?
                .await?;
            Ok::<_, AppError>(position.unwrap_or_default())
        };
        read.await.map_err(storage_error)
    }

    /// Read through the sparse `unsynced` indexes, so a phone with thousands of synced records
    /// loads only the few it must send.
    async fn unacknowledged(&self) -> Result<Vec<StoredDocument>, StorageError> {
        let read = async {
            let ids: Vec<String> = self.pending().await?.into_iter().map(|p| p.id).collect();
            let tx = self.db.transaction(DOCUMENTS).build()?;
            let documents = tx.object_store(DOCUMENTS)?;
            let mut rows = Vec::with_capacity(ids.len());
            for id in &ids {
                let row: Option<DocumentRow> = documents.get(id.as_str()).serde()?.await?;
                rows.extend(row);
            }
            rows.into_iter().map(stored).collect::<Result<Vec<_>, _>>()
        };
        read.await.map_err(storage_error)
    }

    fn begin_page(&self) -> Result<IdbPage<'_>, StorageError> {
        Ok(IdbPage {
            tx: self.write_transaction().map_err(storage_error)?,
        })
    }
}

/// One page: a strict read-write transaction.
pub struct IdbPage<'a> {
    tx: Transaction<'a>,
}

impl IdbPage<'_> {
    async fn row(&self, id: &str) -> Result<Option<DocumentRow>, AppError> {
        Ok(self.tx.object_store(DOCUMENTS)?.get(id).serde()?.await?)
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
            self.tx.object_store(DOCUMENTS)?.put(&row).serde()?.await?;
            refresh_flags(&self.tx, &row).await?;
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
            self.tx.object_store(DOCUMENTS)?.put(&row).serde()?.await?;
            // A record this version cannot read is kept (and synced) but not listed.
            if let Ok(summary) = index::summarise(id, doc, row.flags()) {
                put_summary(&self.tx, &summary)?;
            }
            Ok::<_, AppError>(())
        };
        write.await.map_err(storage_error)
    }

    async fn put_position(&mut self, position: &Position) -> Result<(), StorageError> {
        let write = async {
            self.tx
                .object_store(DEVICE)?
                .put(position)
                .with_key(POSITION_KEY.to_owned())
                .serde()?
                .await?;
            Ok::<_, AppError>(())
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

/// Brings a summary's sync flags in line with its document row, without loading the document
/// or decoding the summary: only its three flag properties change, set as serde writes them
/// (an absent `Option` is `undefined`, which keeps the row out of the sparse `unsynced` index).
/// One routine for the five summary types instead of a decode and an encode for each.
async fn refresh_flags(tx: &Transaction<'_>, row: &DocumentRow) -> Result<(), AppError> {
    let Some(name) = RecordType::parse(&row.record_type).map(index::store_of) else {
        return Ok(());
    };
    let store = tx.object_store(name)?;
    let summary: Option<JsValue> = store.get(JsValue::from_str(&row.id)).primitive()?.await?;
    let Some(summary) = summary else {
        return Ok(());
    };
    let flags = row.flags();
    let unsynced = if flags.synced {
        JsValue::UNDEFINED
    } else {
        JsValue::from(1)
    };
    let reason = flags
        .needs_correction
        .map_or(JsValue::UNDEFINED, JsValue::from);
    for (key, value) in [
        ("synced", JsValue::from(flags.synced)),
        ("unsynced", unsynced),
        ("needs_correction", reason),
    ] {
        js_sys::Reflect::set(&summary, &JsValue::from_str(key), &value)
            .map_err(|e| AppError::Storage(crate::error::js_text(&e)))?;
    }
    store.put(&summary).primitive()?.await?;
    Ok(())
}
