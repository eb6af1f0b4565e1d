//! What a sync round reads from and writes to the device's database.

use automerge::ActorId;
use indexed_db_futures::object_store::ObjectStore;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::Transaction;
use pingan_shared::document;
use pingan_shared::records::RecordType;
use pingan_shared::sync::engine::{self, Download, Outgoing};
use pingan_shared::sync::protocol::{Position, Rejected};
use pingan_shared::sync::replica;
use serde_bytes::ByteBuf;

use super::index::{self, Summary};
use super::{DEVICE, DOCUMENTS, DeviceStore, DocumentRow, heads_in, heads_out, put_summary};
use crate::error::AppError;

const POSITION_KEY: &str = "position";

/// What one stored download brought, for the status line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stored {
    pub uploaded: usize,
    pub downloaded: usize,
    pub refused: usize,
}

impl DeviceStore {
    /// Where this device's download stands; `Start` on a new or wiped device.
    pub async fn position(&self) -> Result<Position, AppError> {
        let tx = self.db.transaction(DEVICE).build()?;
        let position: Option<Position> = tx
            .object_store(DEVICE)?
            .get(POSITION_KEY.to_owned())
            .serde()?
            .await?;
        Ok(position.unwrap_or_default())
    }

    /// Every document with changes the server lacks, except those it refused and the worker
    /// has not edited since.
    pub async fn outgoing(&self) -> Result<Vec<Outgoing>, AppError> {
        let unsynced: Vec<String> = self
            .pending()
            .await?
            .into_iter()
            .filter(|p| p.needs_correction.is_none())
            .map(|p| p.id)
            .collect();
        let tx = self.db.transaction(DOCUMENTS).build()?;
        let documents = tx.object_store(DOCUMENTS)?;
        let mut rows = Vec::with_capacity(unsynced.len());
        for id in &unsynced {
            let row: Option<DocumentRow> = documents.get(id.as_str()).serde()?.await?;
            rows.extend(row.filter(|row| !row.is_refused()));
        }
        drop(documents);
        drop(tx);
        let mut outgoing = Vec::with_capacity(rows.len());
        for row in rows {
            let mut doc = document::load(&row.bytes)?;
            outgoing.extend(engine::outgoing(
                &row.id,
                &mut doc,
                &heads_in(&row.acknowledged),
            ));
        }
        Ok(outgoing)
    }

    /// Stores everything a response brought — acknowledgements, refusals, downloaded
    /// documents and changes, the new position — in one transaction, so a crash midway leaves
    /// the device exactly as before the response, and the next sync repeats it harmlessly.
    pub async fn store_download(&self, download: Download) -> Result<Stored, AppError> {
        let actor = ActorId::from(self.identity.borrow().actor.as_slice());
        let mut stored = Stored::default();
        let tx = self.write_transaction()?;
        let documents = tx.object_store(DOCUMENTS)?;
        for (id, heads) in &download.acknowledged {
            let row: Option<DocumentRow> = documents.get(id.as_str()).serde()?.await?;
            if let Some(mut row) = row {
                row.acknowledged = heads_out(heads);
                documents.put(&row).serde()?.await?;
                refresh_flags(&tx, &row).await?;
                stored.uploaded += 1;
            }
        }
        for rejected in &download.rejected {
            let row: Option<DocumentRow> = documents
                .get(rejected.document_id.as_str())
                .serde()?
                .await?;
            if let Some(mut row) = row {
                row.refused_at = Some(row.heads.clone());
                row.refused_reason = Some(reason_for_worker(rejected));
                documents.put(&row).serde()?.await?;
                refresh_flags(&tx, &row).await?;
                stored.refused += 1;
            }
        }
        for saved in &download.documents {
            let incoming = Incoming::Saved(&saved.data);
            merge(&tx, &documents, &saved.document_id, incoming, &actor).await?;
            stored.downloaded += 1;
        }
        for incoming in &download.changes {
            let changes: Vec<Vec<u8>> = incoming.changes.iter().map(|c| c.to_vec()).collect();
            let changes = Incoming::Changes(&changes);
            merge(&tx, &documents, &incoming.document_id, changes, &actor).await?;
            stored.downloaded += 1;
        }
        tx.object_store(DEVICE)?
            .put(&download.position)
            .with_key(POSITION_KEY.to_owned())
            .serde()?
            .await?;
        drop(documents);
        tx.commit().await?;
        Ok(stored)
    }
}

/// What a download brought for one document.
#[derive(Clone, Copy)]
enum Incoming<'a> {
    /// The server's saved copy.
    Saved(&'a [u8]),
    /// Changes from the feed.
    Changes(&'a [Vec<u8>]),
}

/// Merges a download into one stored document and keeps its list summary in step. A saved
/// document the device did not have is stored as it came: re-encoding it would only cost the
/// first sync time.
async fn merge(
    tx: &Transaction<'_>,
    documents: &ObjectStore<'_>,
    id: &str,
    incoming: Incoming<'_>,
    actor: &ActorId,
) -> Result<(), AppError> {
    let existing: Option<DocumentRow> = documents.get(id).serde()?.await?;
    let (local, before, acknowledged, refused_at, refused_reason) = match existing {
        Some(row) => (
            Some(document::load(&row.bytes)?),
            heads_in(&row.heads),
            heads_in(&row.acknowledged),
            row.refused_at,
            row.refused_reason,
        ),
        None => (None, Vec::new(), Vec::new(), None, None),
    };
    let new_here = local.is_none();
    let mut doc = match incoming {
        Incoming::Saved(saved) => replica::merge_saved(local, saved, actor)?,
        Incoming::Changes(changes) => replica::merge_changes(local, changes, actor)?,
    };
    let after = doc.get_heads();
    let record_type = document::record_type(&doc)?;
    let row = DocumentRow {
        id: id.to_owned(),
        record_type: record_type.as_str().to_owned(),
        bytes: ByteBuf::from(match incoming {
            Incoming::Saved(saved) if new_here => saved.to_vec(),
            _ => document::save_on_device(&mut doc),
        }),
        heads: heads_out(&after),
        acknowledged: heads_out(&replica::acknowledged_after_download(
            &before,
            &acknowledged,
            &after,
        )),
        refused_at,
        refused_reason,
    };
    documents.put(&row).serde()?.await?;
    // A record this version cannot read is kept (and synced) but not listed.
    if let Ok(summary) = index::summarise(id, &doc, row.flags()) {
        put_summary(tx, &summary)?;
    }
    Ok(())
}

/// Brings a summary's sync flags in line with its document row, without loading the document.
async fn refresh_flags(tx: &Transaction<'_>, row: &DocumentRow) -> Result<(), AppError> {
    async fn refresh<S: Summary>(tx: &Transaction<'_>, row: &DocumentRow) -> Result<(), AppError> {
        let store = tx.object_store(S::STORE)?;
        let summary: Option<S> = store.get(row.id.as_str()).serde()?.await?;
        if let Some(mut summary) = summary {
            summary.set_flags(row.flags());
            store.put(&summary).serde()?.await?;
        }
        Ok(())
    }
    match RecordType::parse(&row.record_type) {
        Some(RecordType::Household) => refresh::<index::HouseholdSummary>(tx, row).await,
        Some(RecordType::Person) => refresh::<index::PersonSummary>(tx, row).await,
        Some(RecordType::RentalHouse) => refresh::<index::RentalHouseSummary>(tx, row).await,
        Some(RecordType::Dispute) => refresh::<index::DisputeSummary>(tx, row).await,
        Some(RecordType::OutreachVisit) => refresh::<index::VisitSummary>(tx, row).await,
        None => Ok(()),
    }
}

fn reason_for_worker(rejected: &Rejected) -> String {
    if rejected.errors.is_empty() {
        rejected.message.clone()
    } else {
        rejected
            .errors
            .iter()
            .map(|e| e.message_zh.as_str())
            .collect::<Vec<_>>()
            .join("；")
    }
}
