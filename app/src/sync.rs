//! Sync over HTTP: the shared replica core (`pingan_shared::sync::replica`) runs the rounds
//! over the device's IndexedDB; this file carries its requests to `POST /api/sync`.

use crate::error::AppError;
use crate::store::DeviceStore;
use pingan_shared::session::VillageName;
use pingan_shared::sync::protocol::{self, SyncRequest, SyncResponse};
use pingan_shared::sync::replica::{Failure, Replica, Stored, SyncOutcome, Transport};

const SYNC_URL: &str = "/api/sync";
/// A township's whole download is a few dozen pages; more means something is wrong.
const MAX_ROUNDS: usize = 500;

/// Syncs until the server has nothing more to send, or a failure; `on_progress` sees the
/// running totals after each stored page. Also gives the account's villages as the last
/// answer named them.
pub async fn sync_now(
    replica: &mut Replica<DeviceStore>,
    on_progress: impl FnMut(Stored),
) -> (SyncOutcome<AppError>, Option<Vec<VillageName>>) {
    let token = match replica.storage().session().await {
        // Emptied at logout: the worker unlocked offline and must log in again to upload.
        Ok(Some(session)) if !session.token.is_empty() => Some(session.token),
        Ok(_) => None,
        Err(error) => return (replica_failed(replica, Failure::Device, error).await, None),
    };
    let Some(token) = token else {
        let error = AppError::Login("请先登录".into());
        return (
            replica_failed(replica, Failure::Unauthorized, error).await,
            None,
        );
    };
    let mut http = Http {
        token,
        villages: None,
    };
    let outcome = replica.sync(&mut http, MAX_ROUNDS, on_progress).await;
    (outcome, http.villages)
}

async fn replica_failed(
    replica: &mut Replica<DeviceStore>,
    failure: Failure,
    error: AppError,
) -> SyncOutcome<AppError> {
    SyncOutcome {
        stored: Stored::default(),
        next: replica.on_failure(failure).await,
        error: Some(pingan_shared::sync::replica::SyncError::Transport(error)),
        returned: None,
    }
}

struct Http {
    token: String,
    /// The account's villages as the last answer named them.
    villages: Option<Vec<VillageName>>,
}

impl Transport for Http {
    type Error = AppError;

    /// Crash reports the page kept ride along, and are dropped once the server has answered.
    async fn exchange(
        &mut self,
        mut request: SyncRequest,
    ) -> Result<SyncResponse, (Failure, AppError)> {
        request.crash_reports = crate::crash::pending_reports();
        let answer =
            crate::api::post_cbor(SYNC_URL, &protocol::encode(&request), &self.token).await?;
        crate::crash::forget_sent(&request.crash_reports);
        let response: SyncResponse = protocol::decode("sync response", &answer).map_err(|e| {
            (
                Failure::Server(200),
                AppError::Server {
                    status: 200,
                    message: pingan_shared::document::cause(&e),
                },
            )
        })?;
        if !response.villages.is_empty() {
            self.villages = Some(response.villages.clone());
        }
        Ok(response)
    }
}
