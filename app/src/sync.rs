//! Sync rounds over HTTP, driven by the shared sans-IO engine: upload what the server lacks,
//! store what it sends back, repeat while it has more.

use js_sys::Uint8Array;
use pingan_shared::sync::engine::{Failure, Next, SyncEngine};
use pingan_shared::sync::protocol::{self, SyncResponse};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestInit, Response};

use crate::error::{AppError, js_text};
use crate::store::DeviceStore;
use crate::store::sync::Stored;

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
}

/// Syncs until the server has nothing more to send, or a failure; `on_progress` sees the
/// running totals after each stored page.
pub async fn sync_now(
    store: &DeviceStore,
    engine: &mut SyncEngine,
    mut on_progress: impl FnMut(Stored),
) -> SyncOutcome {
    let mut total = Stored::default();
    for _ in 0..MAX_ROUNDS {
        let outgoing = match store.outgoing().await {
            Ok(outgoing) => outgoing,
            Err(error) => return failed(total, engine, Failure::Server(0), error),
        };
        let request = engine.request(outgoing);
        let response = match post(&protocol::encode(&request)).await {
            Ok(response) => response,
            Err((failure, error)) => return failed(total, engine, failure, error),
        };
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
    }
}

async fn post(body: &[u8]) -> Result<SyncResponse, (Failure, AppError)> {
    let network = |e: wasm_bindgen::JsValue| (Failure::Network, AppError::Network(js_text(&e)));
    let headers = Headers::new().map_err(network)?;
    headers
        .set("Content-Type", protocol::CONTENT_TYPE)
        .map_err(network)?;
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&Uint8Array::from(body).into());
    let request = Request::new_with_str_and_init(SYNC_URL, &init).map_err(network)?;
    let window = web_sys::window()
        .ok_or_else(|| (Failure::Network, AppError::Network("no window".into())))?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(network)?
        .unchecked_into();
    if !response.ok() {
        let status = response.status();
        let message = match response.text() {
            Ok(text) => JsFuture::from(text)
                .await
                .ok()
                .and_then(|t| t.as_string())
                .unwrap_or_default(),
            Err(_) => String::new(),
        };
        let failure = if status == 401 {
            Failure::Unauthorized
        } else {
            Failure::Server(status)
        };
        return Err((failure, AppError::Server { status, message }));
    }
    let buffer = JsFuture::from(response.array_buffer().map_err(network)?)
        .await
        .map_err(network)?;
    protocol::decode("sync response", &Uint8Array::new(&buffer).to_vec()).map_err(|e| {
        (
            Failure::Server(200),
            AppError::Server {
                status: 200,
                message: e.to_string(),
            },
        )
    })
}
