//! Writing the township office's own edits — a settled conflict, a merge of duplicate people —
//! into the master copy: signed by a fresh Automerge actor bound to the reviewer and their
//! device, stored with one feed entry per document, so devices receive them on their next sync
//! like any worker's change and history names who made them.

use automerge::{ActorId, AutoCommit, ChangeHash};

use crate::store::{Author, ChangeRecord, SaveEntry, StoreError, StoredDocument, WriteTransaction};

/// One document the office changed: its stored row, the document with the new changes, and
/// the heads before them.
pub struct Edit {
    pub stored: StoredDocument,
    pub doc: AutoCommit,
    pub before: Vec<ChangeHash>,
}

/// Saves `edits` inside `tx` (the caller commits), binding `actor` to `author` first.
pub async fn save_edits(
    tx: &mut WriteTransaction,
    edits: Vec<Edit>,
    actor: &ActorId,
    author: &Author<'_>,
) -> Result<(), StoreError> {
    let mut rows = Vec::with_capacity(edits.len());
    for Edit {
        stored,
        mut doc,
        before,
    } in edits
    {
        let changes: Vec<(ChangeHash, Vec<u8>)> = doc
            .get_changes(&before)
            .iter()
            .map(|c| (c.hash(), c.raw_bytes().to_vec()))
            .collect();
        let heads: Vec<u8> = doc.get_heads().iter().flat_map(|h| h.0).collect();
        let document = StoredDocument {
            data: doc.save(),
            ..stored
        };
        rows.push((document, heads, changes));
    }
    let records: Vec<Vec<ChangeRecord>> = rows
        .iter()
        .map(|(_, _, changes)| {
            changes
                .iter()
                .map(|(hash, data)| ChangeRecord {
                    hash: &hash.0,
                    data,
                })
                .collect()
        })
        .collect();
    let entries: Vec<SaveEntry> = rows
        .iter()
        .zip(&records)
        .map(|((document, heads, _), changes)| SaveEntry {
            document,
            heads,
            changes,
        })
        .collect();
    tx.bind_actor(
        &actor.to_hex_string(),
        author.username,
        author.device_id,
        author.received_at_ms,
    )
    .await?;
    tx.save_many(&entries, author).await
}
