//! What every answer carries: security headers on the app and the API, `no-store` on
//! everything personal, one JSON error body for every 4xx with no Rust internals, and refusals
//! that do not tell a worker what exists in another village.

mod support;

use automerge::ActorId;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use pingan_server::{AppState, router};
use pingan_shared::document::{self, DocumentId};
use pingan_shared::records::Authorship;
use pingan_shared::records::household::Household;
use pingan_shared::sync::protocol::{self, DocumentChanges, Position, SyncRequest};
use serde_bytes::ByteBuf;
use support::{Login, PASSWORD, Township};
use tower::ServiceExt;

async fn answer(
    app: &axum::Router,
    request: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let response = app.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let body = body.collect().await.unwrap().to_bytes().to_vec();
    (parts.status, parts.headers, body)
}

fn authed(login: &Login, uri: &str) -> Request<Body> {
    Request::get(uri)
        .header(header::AUTHORIZATION, format!("Bearer {}", login.token))
        .header("x-pingan-device", &login.device_id)
        .body(Body::empty())
        .unwrap()
}

fn header_str<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or_default()
}

#[tokio::test]
async fn the_apps_pages_carry_a_policy_that_allows_what_they_run_and_nothing_else() {
    let township = Township::new().await;
    let dir = tempfile::tempdir().unwrap();
    let script = "\n    import init from '/pingan_app.js';\n    init();\n  ";
    std::fs::write(
        dir.path().join("index.html"),
        format!("<html><body><script src=\"/crash.js\"></script><script type=\"module\">{script}</script></body></html>"),
    )
    .unwrap();
    let app = router(
        AppState::new(township.store.clone(), "青山镇"),
        Some(dir.path().to_owned()),
    );
    let (status, headers, _) = answer(
        &app,
        Request::get("/index.html").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let csp = header_str(&headers, "content-security-policy");
    use base64::Engine;
    use sha2::Digest;
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(script));
    assert!(csp.contains(&format!("'sha256-{hash}'")), "{csp}");
    for directive in [
        "script-src 'self' 'wasm-unsafe-eval'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "connect-src 'self'",
    ] {
        assert!(csp.contains(directive), "{directive} in {csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(header_str(&headers, "x-content-type-options"), "nosniff");
    assert_eq!(header_str(&headers, "x-frame-options"), "DENY");
    // The app's files are revalidated, not kept from the cache.
    assert_eq!(header_str(&headers, "cache-control"), "no-cache");
}

#[tokio::test]
async fn personal_data_is_never_cached() {
    let township = Township::new().await;
    let reviewer = township.login("reviewer", "office-pc").await;
    let worker = township.login("worker-xingfu", "phone-1").await;
    let id = "0".repeat(32);
    let mut requests = vec![
        authed(&reviewer, "/api/review/queue"),
        authed(&reviewer, "/api/ledgers/disputes.csv"),
        authed(&reviewer, "/api/review/duplicates"),
        authed(&worker, "/api/returned"),
        authed(&worker, &format!("/api/records/{id}/history")),
        Request::post("/api/login")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                serde_json::json!({"username": "worker-xingfu", "password": PASSWORD, "device_id": "p"})
                    .to_string(),
            ))
            .unwrap(),
    ];
    let sync = SyncRequest {
        device_id: worker.device_id.clone(),
        position: Position::Start,
        documents: Vec::new(),
        crash_reports: Vec::new(),
    };
    requests.push(support::sync_request(&worker, protocol::encode(&sync)));
    for request in requests {
        let uri = request.uri().to_string();
        let (status, headers, _) = answer(&township.app, request).await;
        assert!(
            status.is_success() || status == StatusCode::NOT_FOUND,
            "{uri}: {status}"
        );
        assert_eq!(header_str(&headers, "cache-control"), "no-store", "{uri}");
        assert_eq!(
            header_str(&headers, "x-content-type-options"),
            "nosniff",
            "{uri}"
        );
        assert!(
            header_str(&headers, "content-security-policy").contains("frame-ancestors 'none'"),
            "{uri}"
        );
    }
}

/// Every error is `{error, message}` in JSON, and no message shows a Rust type or a
/// decoder's variant names.
#[tokio::test]
async fn every_error_is_json_in_plain_words() {
    let township = Township::new().await;
    let worker = township.login("worker-xingfu", "phone-1").await;
    let cases: Vec<(Request<Body>, StatusCode)> = vec![
        (
            Request::get("/api/no-such-thing")
                .body(Body::empty())
                .unwrap(),
            StatusCode::NOT_FOUND,
        ),
        (
            Request::delete("/api/login").body(Body::empty()).unwrap(),
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            authed(
                &worker,
                &format!("/api/records/{}/history/not-a-number", "0".repeat(32)),
            ),
            StatusCode::BAD_REQUEST,
        ),
        (
            support::sync_request(&worker, vec![0xa1, 0x61, 0x78, 0x01]),
            StatusCode::BAD_REQUEST,
        ),
        (
            support::sync_request(&worker, b"not cbor at all \xff\xff".to_vec()),
            StatusCode::BAD_REQUEST,
        ),
        (
            support::sync_request(&worker, vec![0u8; 17 * 1024 * 1024]),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            Request::post("/api/login")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{\"username\": 3}"))
                .unwrap(),
            StatusCode::BAD_REQUEST,
        ),
        (
            Request::get("/api/review/queue")
                .body(Body::empty())
                .unwrap(),
            StatusCode::UNAUTHORIZED,
        ),
    ];
    for (request, expected) in cases {
        let uri = format!("{} {}", request.method(), request.uri());
        let (status, headers, body) = answer(&township.app, request).await;
        assert_eq!(
            status,
            expected,
            "{uri}: {}",
            String::from_utf8_lossy(&body)
        );
        assert!(
            header_str(&headers, "content-type").starts_with("application/json"),
            "{uri}"
        );
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert!(body["error"].is_string(), "{uri}: {body}");
        let message = body["message"].as_str().unwrap();
        for internal in ["Semantic", "Syntax(", "u64", "Io(", "serde", "Rust", "::"] {
            assert!(!message.contains(internal), "{uri}: {message}");
        }
    }
}

#[tokio::test]
async fn a_refusal_does_not_tell_a_worker_what_exists_in_another_village() {
    let township = Township::new().await;
    let heping = township.login("worker-heping", "phone-h").await;
    let xingfu = township.login("worker-xingfu", "phone-x").await;
    let by = Authorship {
        village: "heping".into(),
        created_by: "worker-heping".into(),
        created_at_ms: support::NOW_MS,
    };
    let id = DocumentId::from_random_bytes([9; 16]);
    let mut doc = document::create(
        ActorId::from([9u8; 16].as_slice()),
        &Household::new(&by, "1组", "和平村1组1号", "赵六"),
    );
    township.upload(&heping, &id, &mut doc, &[]).await;

    // The worker of another village edits it (with the id from somewhere), and registers a
    // new record in that village: both refusals read the same and name no village.
    let mut theirs = doc.fork().with_actor(ActorId::from([10u8; 16].as_slice()));
    let acknowledged = theirs.get_heads();
    let mut changed = document::read::<Household>(&theirs).unwrap();
    changed.address = "和平村1组2号".into();
    document::update(&mut theirs, &changed);
    let new_id = DocumentId::from_random_bytes([11; 16]);
    let mut new_doc = document::create(
        ActorId::from([10u8; 16].as_slice()),
        &Household::new(&by, "1组", "和平村1组3号", "钱七"),
    );
    let request = SyncRequest {
        device_id: xingfu.device_id.clone(),
        position: Position::Start,
        documents: vec![
            DocumentChanges {
                document_id: id.to_string(),
                changes: document::changes_since(&mut theirs, &acknowledged)
                    .into_iter()
                    .map(ByteBuf::from)
                    .collect(),
            },
            DocumentChanges {
                document_id: new_id.to_string(),
                changes: document::changes_since(&mut new_doc, &[])
                    .into_iter()
                    .map(ByteBuf::from)
                    .collect(),
            },
        ],
        crash_reports: Vec::new(),
    };
    let response = township.sync(&xingfu, &request).await;
    assert_eq!(response.rejected.len(), 2);
    let [existing, new] = [&response.rejected[0], &response.rejected[1]];
    assert_eq!(
        (existing.code.as_str(), new.code.as_str()),
        ("out_of_scope", "out_of_scope")
    );
    assert_eq!(existing.message, new.message);
    assert_eq!(existing.errors, new.errors);
    assert!(!existing.message.contains("heping"), "{}", existing.message);
}

#[tokio::test]
async fn metrics_are_kept_off_the_public_address_and_count_routes_not_paths() {
    let township = Township::new().await;
    let (status, _, _) = answer(
        &township.app,
        Request::get("/metrics").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let worker = township.login("worker-xingfu", "phone-1").await;
    let id = "ab".repeat(16);
    township
        .get_json(&worker, &format!("/api/records/{id}/history"))
        .await;
    let text = pingan_server::metrics::render();
    assert!(
        text.contains("route=\"/api/records/{id}/history\""),
        "{text}"
    );
    assert!(!text.contains(&id), "no record id in the metrics");
    // The metrics router is its own, for --metrics-listen.
    let (status, _, body) = answer(
        &pingan_server::metrics::router(),
        Request::get("/metrics").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&body).contains("pingan_http_requests_total"));
}
