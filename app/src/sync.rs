//! One upload round trip: send every change the server has not acknowledged, then record what
//! it committed. A failure at any point leaves the device as it was, so retrying is always safe.

use js_sys::Uint8Array;
use pingan_shared::sync::protocol::{self, DocumentChanges, Rejected, SyncRequest, SyncResponse};
use serde_bytes::ByteBuf;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestInit, Response};

use crate::error::{AppError, js_text};
use crate::store::DeviceStore;

const SYNC_URL: &str = "/api/sync";

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncOutcome {
    pub uploaded: usize,
    /// Records the server refused; they stay on the device for the worker to correct.
    pub rejected: Vec<Rejected>,
}

pub async fn sync_now(store: &DeviceStore) -> Result<SyncOutcome, AppError> {
    let pending = store.pending_documents().await?;
    if pending.is_empty() {
        return Ok(SyncOutcome::default());
    }
    let request = SyncRequest {
        device_id: store.identity().device_id.clone(),
        documents: pending
            .iter()
            .map(|doc| DocumentChanges {
                document_id: doc.id.clone(),
                changes: doc.changes.iter().cloned().map(ByteBuf::from).collect(),
            })
            .collect(),
    };
    let answer = post_cbor(SYNC_URL, &protocol::encode(&request)).await?;
    let response: SyncResponse =
        protocol::decode("sync response", &answer).map_err(|e| AppError::Server {
            status: 200,
            message: e.to_string(),
        })?;
    let mut outcome = SyncOutcome {
        uploaded: 0,
        rejected: response.rejected,
    };
    for accepted in &response.accepted {
        if let Some(sent) = pending.iter().find(|p| p.id == accepted.document_id) {
            store.acknowledge(&sent.id, &sent.heads).await?;
            outcome.uploaded += 1;
        }
    }
    Ok(outcome)
}

async fn post_cbor(url: &str, body: &[u8]) -> Result<Vec<u8>, AppError> {
    let network = |e: wasm_bindgen::JsValue| AppError::Network(js_text(&e));
    let headers = Headers::new().map_err(network)?;
    headers
        .set("Content-Type", protocol::CONTENT_TYPE)
        .map_err(network)?;
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&Uint8Array::from(body).into());
    let request = Request::new_with_str_and_init(url, &init).map_err(network)?;
    let window = web_sys::window().ok_or_else(|| AppError::Network("no window".into()))?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(network)?
        .unchecked_into();
    if !response.ok() {
        let message = match response.text() {
            Ok(text) => JsFuture::from(text)
                .await
                .ok()
                .and_then(|t| t.as_string())
                .unwrap_or_default(),
            Err(_) => String::new(),
        };
        return Err(AppError::Server {
            status: response.status(),
            message,
        });
    }
    let buffer = JsFuture::from(response.array_buffer().map_err(network)?)
        .await
        .map_err(network)?;
    Ok(Uint8Array::new(&buffer).to_vec())
}
