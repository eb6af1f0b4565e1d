//! Sync rounds over HTTP, driven by the shared sans-IO engine: upload what the server lacks,
//! store what it sends back, repeat while it has more.

use crate::error::AppError;
use crate::store::DeviceStore;
use crate::store::sync::Stored;
use pingan_shared::review::ReturnedRecord;
use pingan_shared::sync::engine::{Failure, Next, SyncEngine};
use pingan_shared::sync::protocol::{self, SyncResponse};

const SYNC_URL: &str = "/api/sync";
/// A township's whole download is a few dozen pages; more means something is wrong.
const MAX_ROUNDS: usize = 500;

/// How a sync attempt ended.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncOutcome {
    pub stored: Stored,
    /// What to do next (retry delay after a failure, log in again, or nothing).
    pub next: Next,
    pub error: Option<AppError>,
    /// The records the office returned, from the last answer; `None` if none arrived.
    pub returned: Option<Vec<ReturnedRecord>>,
}

/// Syncs until the server has nothing more to send, or a failure; `on_progress` sees the
/// running totals after each stored page.
pub async fn sync_now(
    store: &DeviceStore,
    engine: &mut SyncEngine,
    mut on_progress: impl FnMut(Stored),
) -> SyncOutcome {
    let mut total = Stored::default();
    let mut returned = None;
    let token = match store.session().await {
        Ok(Some(session)) => session.token,
        Ok(None) => {
            return failed(
                total,
                engine,
                Failure::Unauthorized,
                AppError::Login("请先登录".into()),
            );
        }
        Err(error) => return failed(total, engine, Failure::Server(0), error),
    };
    for _ in 0..MAX_ROUNDS {
        let outgoing = match store.outgoing().await {
            Ok(outgoing) => outgoing,
            Err(error) => return failed(total, engine, Failure::Server(0), error),
        };
        let mut request = engine.request(outgoing);
        request.crash_reports = crate::crash::pending_reports();
        let mut response = match post(&protocol::encode(&request), &token).await {
            Ok(response) => response,
            Err((failure, error)) => return failed(total, engine, failure, error),
        };
        crate::crash::forget_sent(&request.crash_reports);
        returned = Some(std::mem::take(&mut response.returned));
        let (download, next) = engine.on_response(response);
        match store.store_download(download).await {
            Ok(stored) => {
                total.uploaded += stored.uploaded;
                total.downloaded += stored.downloaded;
                total.refused += stored.refused;
                on_progress(total);
            }
            Err(error) => return failed(total, engine, Failure::Server(0), error),
        }
        if next != Next::Continue {
            return SyncOutcome {
                stored: total,
                next,
                error: None,
                returned,
            };
        }
    }
    SyncOutcome {
        stored: total,
        next: Next::Done,
        error: Some(AppError::Server {
            status: 0,
            message: format!("sync did not finish in {MAX_ROUNDS} rounds"),
        }),
        returned,
    }
}

fn failed(
    stored: Stored,
    engine: &mut SyncEngine,
    failure: Failure,
    error: AppError,
) -> SyncOutcome {
    SyncOutcome {
        stored,
        next: engine.on_failure(failure),
        error: Some(error),
        // A failed round keeps the list the last complete sync left.
        returned: None,
    }
}

async fn post(body: &[u8], token: &str) -> Result<SyncResponse, (Failure, AppError)> {
    let answer = crate::api::post_cbor(SYNC_URL, body, token).await?;
    protocol::decode("sync response", &answer).map_err(|e| {
        (
            Failure::Server(200),
            AppError::Server {
                status: 200,
                message: e.to_string(),
            },
        )
    })
}
