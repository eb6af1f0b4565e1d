//! A row of a worker's database, as it is stored: its id and its sealed box (`super::seal`)
//! holding the contents packed field by field (`super::pack`), and beside the box only what an
//! index needs. Every read and write of a row goes through here.

use automerge::ChangeHash;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::Transaction;
use js_sys::{Object, Reflect, Uint8Array};
use pingan_shared::document;
use serde_bytes::ByteBuf;
use wasm_bindgen::{JsCast, JsValue};

use super::index::{AnySummary, SyncFlags};
use super::pack::Packed;
use super::seal::Sealer;
use super::{DOCUMENTS, STATE};
use crate::error::AppError;

/// A document row's contents, inside its box.
#[derive(Debug, Clone)]
pub(super) struct DocumentRow {
    pub(super) id: String,
    pub(super) record_type: String,
    pub(super) bytes: ByteBuf,
    pub(super) heads: Vec<ByteBuf>,
    /// Heads of the latest version the server confirmed it has.
    pub(super) acknowledged: Vec<ByteBuf>,
    /// Heads at which the server refused this document; it is not resent until edited.
    pub(super) refused_at: Option<Vec<ByteBuf>>,
    /// The server's reason for that refusal, for the worker.
    pub(super) refused_reason: Option<String>,
}
crate::packed!(DocumentRow {
    id,
    record_type,
    bytes,
    heads,
    acknowledged,
    refused_at,
    refused_reason
});

impl DocumentRow {
    fn is_acknowledged(&self) -> bool {
        same_heads(&self.heads, &self.acknowledged)
    }

    fn is_refused(&self) -> bool {
        self.refused_at
            .as_deref()
            .is_some_and(|refused| same_heads(refused, &self.heads))
    }

    pub(super) fn flags(&self) -> SyncFlags {
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

/// A sealed row's contents, opened with the row's own id.
pub(super) fn open_row<T: Packed>(sealer: &Sealer, raw: &JsValue) -> Result<T, AppError> {
    let id = text_of(raw, "id");
    unpack(&id, &sealer.open(&id, &bytes_of(raw)?)?)
}

/// A summary row of `record_type`, opened.
pub(super) fn open_summary(
    sealer: &Sealer,
    store: &str,
    raw: &JsValue,
) -> Result<AnySummary, AppError> {
    let id = text_of(raw, "id");
    Ok(AnySummary::decode(
        store,
        &sealer.open(&id, &bytes_of(raw)?)?,
    )?)
}

/// The document row `id` as `tx` sees it, opened; `None` when it is not on the device.
pub(super) async fn read_document_row(
    tx: &Transaction<'_>,
    sealer: &Sealer,
    id: &str,
) -> Result<Option<DocumentRow>, AppError> {
    let raw: Option<JsValue> = tx
        .object_store(DOCUMENTS)?
        .get(JsValue::from_str(id))
        .primitive()?
        .await?;
    raw.map(|raw| open_row(sealer, &raw)).transpose()
}

/// [`read_document_row`] for a record the caller knows should be there.
pub(super) async fn document_row(
    tx: &Transaction<'_>,
    sealer: &Sealer,
    id: &str,
) -> Result<DocumentRow, AppError> {
    read_document_row(tx, sealer, id)
        .await?
        .ok_or_else(|| AppError::Document(format!("记录 {id} 不在本机")))
}

pub(super) fn unpack<T: Packed>(id: &str, bytes: &[u8]) -> Result<T, AppError> {
    T::unpack(bytes).ok_or_else(|| AppError::Document(format!("记录 {id} 的本机数据格式不对")))
}

/// A row's string property (its id).
fn text_of(raw: &JsValue, key: &str) -> String {
    Reflect::get(raw, &JsValue::from_str(key))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// A row's sealed bytes: the `sealed` property of a row object, or the value itself (the
/// `state` store keeps bare boxes).
pub(super) fn bytes_of(raw: &JsValue) -> Result<Vec<u8>, AppError> {
    let value = if raw.is_instance_of::<Uint8Array>() {
        raw.clone()
    } else {
        Reflect::get(raw, &JsValue::from_str("sealed")).unwrap_or(JsValue::UNDEFINED)
    };
    value
        .dyn_into::<Uint8Array>()
        .map(|bytes| bytes.to_vec())
        .map_err(|_| AppError::Storage("本机存储中的一行不是加密数据".into()))
}

/// A row as stored: its id, its box, and what must stay outside the box to be indexed.
fn row_object(
    id: &str,
    sealed: &[u8],
    unsynced: bool,
    cid: Option<&str>,
) -> Result<JsValue, AppError> {
    let row = Object::new();
    let set = |key: &str, value: JsValue| {
        Reflect::set(&row, &JsValue::from_str(key), &value)
            .map(|_| ())
            .map_err(|e| AppError::Storage(crate::error::js_text(&e)))
    };
    set("id", JsValue::from_str(id))?;
    set("sealed", Uint8Array::from(sealed).into())?;
    // Absent, not false, when synced: the sparse index then leaves the row out.
    if unsynced {
        set("unsynced", JsValue::from(1))?;
    }
    if let Some(cid) = cid {
        set("cid", JsValue::from_str(cid))?;
    }
    Ok(row.into())
}

/// Sends a document row's write, sealed (see `Writer::put`).
pub(super) fn put_document_row(
    tx: &Transaction<'_>,
    sealer: &Sealer,
    row: &DocumentRow,
) -> Result<(), AppError> {
    let sealed = sealer.seal(&row.id, &row.pack())?;
    let raw = row_object(&row.id, &sealed, false, None)?;
    // `.primitive()` sends the request; dropping its future only stops listening for the answer.
    drop(tx.object_store(DOCUMENTS)?.put(raw).primitive()?);
    Ok(())
}

/// Sends a summary's write, sealed, with its `unsynced` flag and ID tag outside the box.
pub(super) fn put_summary(
    tx: &Transaction<'_>,
    sealer: &Sealer,
    summary: &AnySummary,
) -> Result<(), AppError> {
    let id = summary.id();
    let sealed = sealer.seal(id, &summary.encode())?;
    let cid = match summary {
        AnySummary::Person(p) if !p.merged => {
            p.citizen_id.as_deref().map(|c| sealer.citizen_tag(c))
        }
        _ => None,
    };
    let raw = row_object(id, &sealed, !summary.flags().synced, cid.as_deref())?;
    let store = summary.store();
    drop(tx.object_store(store)?.put(raw).primitive()?);
    Ok(())
}

pub(super) fn heads_out(heads: &[ChangeHash]) -> Vec<ByteBuf> {
    heads.iter().map(|h| ByteBuf::from(h.0.to_vec())).collect()
}

pub(super) fn heads_in(heads: &[ByteBuf]) -> Vec<ChangeHash> {
    let raw: Vec<Vec<u8>> = heads.iter().map(|h| h.to_vec()).collect();
    document::heads_from_bytes(&raw)
}

/// Heads compared as sets (see `pingan_shared::sync::storage::same_heads`).
fn same_heads(a: &[ByteBuf], b: &[ByteBuf]) -> bool {
    a.len() == b.len() && a.iter().all(|head| b.contains(head))
}

/// A value of the `state` store: bytes, as [`put_state`] keeps them.
pub(super) async fn state(tx: &Transaction<'_>, key: &str) -> Result<Option<Vec<u8>>, AppError> {
    let raw: Option<JsValue> = tx
        .object_store(STATE)?
        .get(JsValue::from_str(key))
        .primitive()?
        .await?;
    raw.map(|raw| bytes_of(&raw)).transpose()
}

/// Sends a `state` value's write (see `Writer::put` on not waiting).
pub(super) fn put_state(tx: &Transaction<'_>, key: &str, bytes: &[u8]) -> Result<(), AppError> {
    let value = JsValue::from(Uint8Array::from(bytes));
    drop(
        tx.object_store(STATE)?
            .put(value)
            .with_key(JsValue::from_str(key))
            .primitive()?,
    );
    Ok(())
}
