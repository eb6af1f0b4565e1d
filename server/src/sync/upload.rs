//! The upload half: each document's changes are merged into its master copy and validated on
//! their own, so one bad record does not hold back the rest; the accepted ones are committed
//! together before anything is acknowledged.

use std::collections::BTreeSet;

use pingan_shared::document::DocumentId;
use pingan_shared::statistics::china_date;
use pingan_shared::sync::protocol::{Accepted, Rejected, SyncRequest};
use serde_bytes::ByteBuf;

use super::Principal;
use crate::merge::{Refusal, merge_upload};
use crate::store::{ChangeRecord, Scope, Store, StoreError, StoredDocument, WriteTransaction};

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
    let today = china_date(now_ms);
    let mut uploaded = Uploaded {
        accepted: Vec::new(),
        rejected: Vec::new(),
    };
    if request.documents.is_empty() {
        return Ok(uploaded);
    }
    let mut tx = store.begin_write().await?;
    let mut actors = BTreeSet::new();
    for upload in &request.documents {
        let id = &upload.document_id;
        if let Err(e) = DocumentId::parse(id) {
            uploaded
                .rejected
                .push(Refusal::bad_id(e.to_string()).into_rejected(id));
            continue;
        }
        let stored = tx.load(id).await?;
        if let Some(stored) = &stored
            && !in_scope(&principal.scope, &stored.village)
        {
            uploaded
                .rejected
                .push(Refusal::out_of_scope(&stored.village).into_rejected(id));
            continue;
        }
        let changes: Vec<Vec<u8>> = upload.changes.iter().map(|c| c.to_vec()).collect();
        let merged = match merge_upload(stored.as_ref().map(|d| d.data.as_slice()), &changes, today)
            .and_then(|merged| check_scope(principal, stored.as_ref(), merged))
        {
            Ok(merged) => merged,
            Err(refusal) => {
                tracing::info!(document = %id, code = refusal.code, user = %principal.user, "refused upload");
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
        let change_records: Vec<ChangeRecord> = merged
            .new_changes
            .iter()
            .map(|change| ChangeRecord {
                hash: &change.hash.0,
                data: &change.data,
                username: &principal.user,
                device_id: &principal.device_id,
                received_at_ms: now_ms,
            })
            .collect();
        let heads: Vec<u8> = merged.heads.iter().flat_map(|h| h.0).collect();
        let document = StoredDocument {
            id: id.clone(),
            record_type: merged.record_type.as_str().to_owned(),
            village: merged.village,
            data: merged.data,
        };
        tx.save(&document, &heads, &change_records, now_ms).await?;
        uploaded.accepted.push(Accepted {
            document_id: id.clone(),
            heads: merged
                .heads
                .iter()
                .map(|h| ByteBuf::from(h.0.to_vec()))
                .collect(),
        });
    }
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
                    .await?
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
    if !in_scope(&principal.scope, &merged.village) {
        return Err(Refusal::out_of_scope(&merged.village));
    }
    Ok(merged)
}

pub fn in_scope(scope: &Scope, village: &str) -> bool {
    match scope {
        Scope::Township => true,
        Scope::Villages(villages) => villages.iter().any(|v| v == village),
    }
}
