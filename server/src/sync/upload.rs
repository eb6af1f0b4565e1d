//! The upload half: each document's changes are merged into its master copy and validated on
//! their own, so one bad record does not hold back the rest; the accepted ones are committed
//! together before anything is acknowledged.

use std::collections::{BTreeSet, HashMap};

use pingan_shared::document::DocumentId;
use pingan_shared::sync::protocol::{Accepted, Rejected, SyncRequest};
use serde_bytes::ByteBuf;

use super::Principal;
use crate::merge::{MergeJob, Refusal, merge_uploads};
use crate::store::{
    Author, ChangeRecord, SaveEntry, Store, StoreError, StoredDocument, WriteTransaction,
};

pub struct Uploaded {
    pub accepted: Vec<Accepted>,
    pub rejected: Vec<Rejected>,
}

pub async fn upload(
    store: &Store,
    principal: &Principal,
    request: &SyncRequest,
    now_ms: i64,
) -> Result<Uploaded, StoreError> {
    let mut uploaded = Uploaded {
        accepted: Vec::new(),
        rejected: Vec::new(),
    };
    if request.documents.is_empty() {
        return Ok(uploaded);
    }
    let mut tx = store.begin_write().await?;
    let mut seen = BTreeSet::new();
    let mut valid = Vec::with_capacity(request.documents.len());
    for upload in &request.documents {
        let id = &upload.document_id;
        match DocumentId::parse(id) {
            Err(e) => uploaded
                .rejected
                .push(Refusal::bad_id(e.to_string()).into_rejected(id)),
            Ok(_) if !seen.insert(id.as_str()) => uploaded.rejected.push(
                Refusal::bad_id("the document is listed twice in one request").into_rejected(id),
            ),
            Ok(_) => valid.push(upload),
        }
    }
    let ids: Vec<String> = valid.iter().map(|u| u.document_id.clone()).collect();
    let mut stored: HashMap<String, StoredDocument> = tx
        .load_many(&ids)
        .await?
        .into_iter()
        .map(|doc| (doc.id.clone(), doc))
        .collect();

    let mut pending = Vec::with_capacity(valid.len());
    for upload in valid {
        let existing = stored.remove(&upload.document_id);
        if let Some(existing) = &existing
            && !principal.scope.includes(&existing.village)
        {
            uploaded
                .rejected
                .push(Refusal::out_of_scope().into_rejected(&upload.document_id));
            continue;
        }
        let changes: Vec<Vec<u8>> = upload.changes.iter().map(|c| c.to_vec()).collect();
        pending.push((upload.document_id.clone(), existing, changes));
    }
    // CPU-bound Automerge work runs off the async runtime so other requests keep being served.
    let (pending, results) = tokio::task::spawn_blocking(move || {
        let jobs: Vec<MergeJob> = pending
            .iter()
            .map(|(_, existing, changes)| {
                (
                    existing.as_ref().map(|d| d.data.as_slice()),
                    changes.as_slice(),
                )
            })
            .collect();
        let results = merge_uploads(&jobs, now_ms);
        (pending, results)
    })
    .await
    .expect("merging an upload panicked");

    let mut actors = BTreeSet::new();
    let mut accepted = Vec::with_capacity(pending.len());
    for ((id, existing, _), result) in pending.iter().zip(results) {
        let merged = match result
            .and_then(|merged| check_scope(principal, existing.as_ref(), merged))
        {
            Ok(merged) => merged,
            Err(refusal) => {
                tracing::info!(document = %id, code = refusal.code.as_str(), user = %principal.user, "refused upload");
                uploaded.rejected.push(refusal.into_rejected(id));
                continue;
            }
        };
        if let Some(refusal) =
            claim_actors(&mut tx, principal, &merged, &mut actors, now_ms).await?
        {
            uploaded.rejected.push(refusal.into_rejected(id));
            continue;
        }
        accepted.push((id.clone(), merged));
    }

    let documents: Vec<StoredDocument> = accepted
        .iter_mut()
        .map(|(id, merged)| StoredDocument {
            id: id.clone(),
            record_type: merged.record_type.as_str().to_owned(),
            village: merged.village.clone(),
            data: std::mem::take(&mut merged.data),
        })
        .collect();
    let heads: Vec<Vec<u8>> = accepted
        .iter()
        .map(|(_, merged)| merged.heads.iter().flat_map(|h| h.0).collect())
        .collect();
    let change_records: Vec<Vec<ChangeRecord>> = accepted
        .iter()
        .map(|(_, merged)| {
            merged
                .new_changes
                .iter()
                .map(|change| ChangeRecord {
                    hash: &change.hash.0,
                    data: &change.data,
                })
                .collect()
        })
        .collect();
    let entries: Vec<SaveEntry> = documents
        .iter()
        .zip(&heads)
        .zip(&change_records)
        .map(|((document, heads), changes)| SaveEntry {
            document,
            heads,
            changes,
        })
        .collect();
    let author = Author {
        username: &principal.user,
        device_id: &principal.device_id,
        received_at_ms: now_ms,
    };
    tx.save_many(&entries, &author).await?;
    uploaded.accepted = accepted
        .iter()
        .map(|(id, merged)| Accepted {
            document_id: id.clone(),
            heads: merged
                .heads
                .iter()
                .map(|h| ByteBuf::from(h.0.to_vec()))
                .collect(),
        })
        .collect();
    tx.commit().await?;
    Ok(uploaded)
}

/// Binds each new change's actor to this user and device on first sight, and refuses the
/// document if any actor already belongs to someone else: nobody can sign as another worker.
async fn claim_actors(
    tx: &mut WriteTransaction,
    principal: &Principal,
    merged: &crate::merge::Merged,
    checked: &mut BTreeSet<String>,
    now_ms: i64,
) -> Result<Option<Refusal>, StoreError> {
    // A device signs with one actor, so one look-up per upload, not one per change.
    for change in &merged.new_changes {
        if checked.contains(&change.actor) {
            continue;
        }
        match tx.actor_owner(&change.actor).await? {
            Some((user, device)) if user != principal.user || device != principal.device_id => {
                return Ok(Some(Refusal::actor_not_yours(&change.actor)));
            }
            Some(_) => {}
            None => {
                tx.bind_actor(&change.actor, &principal.user, &principal.device_id, now_ms)
                    .await?;
                // On PostgreSQL another process's upload may have bound it in the meantime
                // (the binding waits for that one to commit, then leaves it): read it again.
                let owner = tx.actor_owner(&change.actor).await?;
                if owner.as_ref().map(|(u, d)| (u.as_str(), d.as_str()))
                    != Some((principal.user.as_str(), principal.device_id.as_str()))
                {
                    return Ok(Some(Refusal::actor_not_yours(&change.actor)));
                }
            }
        }
        checked.insert(change.actor.clone());
    }
    Ok(None)
}

/// A record stays in the village it was created in, and a worker writes only in theirs.
fn check_scope(
    principal: &Principal,
    stored: Option<&StoredDocument>,
    merged: crate::merge::Merged,
) -> Result<crate::merge::Merged, Refusal> {
    if let Some(stored) = stored
        && stored.village != merged.village
    {
        return Err(Refusal::village_changed(&stored.village, &merged.village));
    }
    if !principal.scope.includes(&merged.village) {
        return Err(Refusal::out_of_scope());
    }
    if merged.record_type.kept_by_office() && principal.scope != crate::store::Scope::Township {
        return Err(Refusal::office_only(merged.record_type));
    }
    Ok(merged)
}
