//! Talking to the review API as a test does: a household to upload, one sync round, the queue,
//! and JSON calls with a login.

use automerge::AutoCommit;
use axum::body::Body;
use axum::http::{StatusCode, header};
use pingan_shared::document::DocumentId;
use pingan_shared::records::Authorship;
use pingan_shared::records::household::Household;
use pingan_shared::sync::protocol::{Position, SyncRequest, SyncResponse};
use serde_json::Value;

use crate::support::{Login, NOW_MS, Township};

pub(crate) fn household(address: &str, head: &str) -> Household {
    let by = Authorship {
        village: "xingfu".into(),
        created_by: "worker-xingfu".into(),
        created_at_ms: NOW_MS,
    };
    Household::new(&by, "3组", address, head)
}

/// Uploads what `doc` has beyond `acknowledged` from `login`'s device; it must be accepted.
pub(crate) async fn upload(
    township: &Township,
    login: &Login,
    id: &DocumentId,
    doc: &mut AutoCommit,
    acknowledged: &[automerge::ChangeHash],
) -> SyncResponse {
    township.upload(login, id, doc, acknowledged).await
}

/// A sync with nothing to upload, as a phone's minute poll.
pub(crate) async fn poll(township: &Township, login: &Login) -> SyncResponse {
    let request = SyncRequest {
        device_id: login.device_id.clone(),
        position: Position::Start,
        documents: Vec::new(),
        crash_reports: Vec::new(),
    };
    township.sync(login, &request).await
}

pub(crate) async fn queue_ids(township: &Township, login: &Login, query: &str) -> Vec<String> {
    get(township, login, &format!("/api/review/queue{query}"))
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["document_id"].as_str().unwrap().to_owned())
        .collect()
}

pub(crate) async fn get(township: &Township, login: &Login, uri: &str) -> Value {
    let (status, body) = township.get_json(login, uri).await;
    assert_eq!(status, StatusCode::OK, "GET {uri}: {body}");
    body
}

pub(crate) async fn post(
    township: &Township,
    login: &Login,
    uri: &str,
    body: Value,
) -> (StatusCode, Value) {
    township.post_json(login, uri, body).await
}

pub(crate) async fn send(
    township: &Township,
    login: &Login,
    request: axum::http::request::Builder,
) -> (StatusCode, Value) {
    let request = request
        .header(header::AUTHORIZATION, format!("Bearer {}", login.token))
        .header("x-pingan-device", &login.device_id)
        .body(Body::empty())
        .unwrap();
    let (status, bytes) = township.send(request).await;
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}
