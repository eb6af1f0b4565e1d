//! The download half: what the device lacks, after the position it sent. A device with no
//! position gets saved documents page by page (far smaller than their whole history), then
//! the change feed from where it stood when the first page was cut.

use std::collections::BTreeMap;

use pingan_shared::document::DocumentId;
use pingan_shared::session::VillageName;
use pingan_shared::sync::protocol::{
    DocumentChanges, Position, SavedDocument, SyncRequest, SyncResponse,
};
use serde_bytes::ByteBuf;

use super::{DOCUMENTS_PER_PAGE, FEED_ENTRIES_PER_PAGE, Principal, SyncError};
use crate::store::{Scope, Store, StoreError};

/// The villages `scope` covers, with their names, as the store holds them now: a worker's
/// assigned villages, every village for township staff. Every sync answer carries them
/// (`SyncResponse::villages`), so a device learns at its next sync that an admin moved the
/// worker; the login answer's profile lists the same.
pub async fn village_names(store: &Store, scope: &Scope) -> Result<Vec<VillageName>, StoreError> {
    let villages = store.villages().await?;
    Ok(villages
        .into_iter()
        .filter(|v| scope.includes(&v.id))
        .map(|v| VillageName {
            id: v.id,
            name: v.name,
        })
        .collect())
}

/// Refuses a position this server never issued: a feed position past its newest entry, or a
/// snapshot position whose `after_id` is not a document id or whose `feed_at` is past the
/// newest entry. A device sends one after the server's database was restored from a backup,
/// or through a bug; answering from it would silently skip changes, so the device is told to
/// start over instead (it keeps its documents; merging them again is a no-op).
pub async fn check_position(store: &Store, position: &Position) -> Result<(), SyncError> {
    let unknown = |what: String| {
        SyncError::UnknownPosition(format!(
            "{what}; this server never issued that position. Start over from {{\"kind\":\"start\"}}, \
             keeping your documents and unsynced changes"
        ))
    };
    let past_head = |name: &str, at: u64, head: u64| {
        unknown(format!(
            "{name} {at} is past this server's newest feed entry ({head})"
        ))
    };
    match position {
        Position::Start => Ok(()),
        Position::Feed { seq } => {
            let head = store.feed_head().await?;
            if *seq > head {
                return Err(past_head("feed position seq", *seq, head));
            }
            Ok(())
        }
        Position::Snapshot { after_id, feed_at } => {
            if DocumentId::parse(after_id).is_err() {
                return Err(unknown(format!(
                    "snapshot position after_id {:?} is not a document id",
                    after_id.chars().take(64).collect::<String>()
                )));
            }
            let head = store.feed_head().await?;
            if *feed_at > head {
                return Err(past_head("snapshot position feed_at", *feed_at, head));
            }
            Ok(())
        }
    }
}

pub async fn download(
    store: &Store,
    principal: &Principal,
    request: &SyncRequest,
) -> Result<SyncResponse, StoreError> {
    match &request.position {
        Position::Start => {
            let feed_at = store.feed_head().await?;
            snapshot_page(store, principal, "", feed_at).await
        }
        Position::Snapshot { after_id, feed_at } => {
            snapshot_page(store, principal, after_id, *feed_at).await
        }
        Position::Feed { seq } => feed(store, principal, request, *seq).await,
    }
}

async fn snapshot_page(
    store: &Store,
    principal: &Principal,
    after_id: &str,
    feed_at: u64,
) -> Result<SyncResponse, StoreError> {
    let page = store
        .documents_page(after_id, &principal.scope, DOCUMENTS_PER_PAGE)
        .await?;
    let full = page.len() == DOCUMENTS_PER_PAGE;
    let position = match page.last() {
        Some(last) if full => Position::Snapshot {
            after_id: last.id.clone(),
            feed_at,
        },
        _ => Position::Feed { seq: feed_at },
    };
    let documents = page
        .into_iter()
        .map(|doc| SavedDocument {
            document_id: doc.id,
            data: ByteBuf::from(doc.data),
        })
        .collect();
    // After the last page the feed may hold changes made while the pages were sent.
    let more = full || store.feed_head().await? > feed_at;
    Ok(SyncResponse {
        documents,
        position,
        more,
        ..SyncResponse::default()
    })
}

async fn feed(
    store: &Store,
    principal: &Principal,
    request: &SyncRequest,
    after: u64,
) -> Result<SyncResponse, StoreError> {
    let page = store
        .feed_page(
            after,
            &principal.scope,
            &request.device_id,
            FEED_ENTRIES_PER_PAGE,
        )
        .await?;
    // Grouped by document in feed order; within a document the feed order is causal order.
    let mut order: Vec<String> = Vec::new();
    let mut grouped: BTreeMap<String, Vec<ByteBuf>> = BTreeMap::new();
    for entry in page.entries {
        let changes = grouped.entry(entry.document_id.clone()).or_insert_with(|| {
            order.push(entry.document_id.clone());
            Vec::new()
        });
        changes.extend(entry.changes.into_iter().map(ByteBuf::from));
    }
    let changes = order
        .into_iter()
        .map(|id| DocumentChanges {
            changes: grouped.remove(&id).unwrap_or_default(),
            document_id: id,
        })
        .collect();
    Ok(SyncResponse {
        changes,
        position: Position::Feed { seq: page.through },
        more: page.more,
        ..SyncResponse::default()
    })
}
