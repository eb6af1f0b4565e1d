//! One sync round trip, independent of HTTP: upload (merge, validate, commit) and then
//! download (saved documents or the change feed) for the same device.

mod download;
mod upload;

use pingan_shared::sync::protocol::{SyncRequest, SyncResponse};

use crate::store::{Scope, Store, StoreError};

pub use download::village_names;

/// Saved documents per response while a device catches up: about 1 MB for households, small
/// enough that a dropped 2G link loses one page, not the whole download.
pub const DOCUMENTS_PER_PAGE: usize = 500;
/// Feed entries per response (an entry is one upload's changes to one document); a day's
/// work of a whole village fits in one.
pub const FEED_ENTRIES_PER_PAGE: usize = 2_000;

/// Who is syncing, as established by authentication: read from the account on every
/// request, so a change of a worker's villages holds from their next sync on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user: String,
    /// The device the login belongs to.
    pub device_id: String,
    pub scope: Scope,
}

/// Why a whole sync request was refused.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The request's position is not one this server issued (`protocol::UNKNOWN_POSITION`);
    /// nothing of the request was stored.
    #[error("{0}")]
    UnknownPosition(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One round trip. The position is checked first, so a refused request changes nothing.
pub async fn sync(
    store: &Store,
    principal: &Principal,
    request: SyncRequest,
    now_ms: i64,
) -> Result<SyncResponse, SyncError> {
    download::check_position(store, &request.position).await?;
    let uploaded = upload::upload(store, principal, &request, now_ms).await?;
    let mut response = download::download(store, principal, &request).await?;
    response.accepted = uploaded.accepted;
    response.rejected = uploaded.rejected;
    response.villages = village_names(store, &principal.scope).await?;
    Ok(response)
}
