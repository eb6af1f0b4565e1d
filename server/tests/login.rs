//! Logins under attack: guessing is rate-limited with a JSON 429, unknown accounts cost and
//! answer the same as real ones, and a token works only from the device it was issued to —
//! on every endpoint, without the answer naming that device.

mod support;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use pingan_server::http::throttle::LoginGuard;
use pingan_server::{AppState, router};
use pingan_shared::sync::protocol::{Position, SyncRequest};
use support::{Login, PASSWORD, Township};
use tower::ServiceExt;

fn login_request(username: &str, password: &str, device_id: &str) -> Request<Body> {
    let body =
        serde_json::json!({ "username": username, "password": password, "device_id": device_id });
    Request::post("/api/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn json(body: &[u8]) -> serde_json::Value {
    serde_json::from_slice(body).unwrap_or_default()
}

#[tokio::test]
async fn guessing_one_accounts_password_is_stopped_with_a_json_429() {
    let township = Township::new().await;
    let mut statuses = Vec::new();
    for attempt in 0..12 {
        let (status, body) = township
            .send(login_request(
                "worker-xingfu",
                &format!("guess number {attempt}"),
                "p1",
            ))
            .await;
        statuses.push(status);
        if status == StatusCode::TOO_MANY_REQUESTS {
            let body = json(&body);
            assert_eq!(body["error"], "too_many_requests");
            assert!(body["message"].as_str().unwrap().contains("try again"));
        }
    }
    assert!(
        statuses[..10]
            .iter()
            .all(|s| *s == StatusCode::UNAUTHORIZED),
        "{statuses:?}"
    );
    assert!(
        statuses[10..]
            .iter()
            .all(|s| *s == StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    // Now even the right password waits, so the lockout does not confirm a guess.
    let response = township
        .app
        .clone()
        .oneshot(login_request("worker-xingfu", PASSWORD, "p1"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key(header::RETRY_AFTER));
    // Another account is not locked by it.
    let (status, _) = township
        .send(login_request("worker-heping", PASSWORD, "p2"))
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn one_address_trying_many_accounts_is_stopped() {
    let township = Township::new().await;
    let guard = LoginGuard::new((100, Duration::from_secs(60)), (3, Duration::from_secs(60)));
    let app = router(
        AppState {
            login: Arc::new(guard),
            ..AppState::new(township.store.clone(), "青山镇")
        },
        None,
    );
    let from = |address: [u8; 4], username: &str| {
        let mut request = login_request(username, "wrong password", "p1");
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::from((address, 40_000))));
        request
    };
    let mut statuses = Vec::new();
    for n in 0..5 {
        let response = app
            .clone()
            .oneshot(from([10, 0, 0, 1], &format!("user{n}")))
            .await
            .unwrap();
        statuses.push(response.status());
    }
    assert_eq!(
        statuses,
        [
            StatusCode::UNAUTHORIZED,
            StatusCode::UNAUTHORIZED,
            StatusCode::UNAUTHORIZED,
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
    let other = app.oneshot(from([10, 0, 0, 2], "user9")).await.unwrap();
    assert_eq!(other.status(), StatusCode::UNAUTHORIZED);
}

/// Medians over interleaved logins, so load on the machine hits both alike.
#[tokio::test]
async fn an_unknown_user_takes_as_long_as_a_wrong_password() {
    let township = Township::new().await;
    // Warm up the dummy hash and the database.
    township
        .send(login_request("nobody-0", "wrong password", "p"))
        .await;
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    let accounts = ["worker-xingfu", "worker-heping", "reviewer", "admin"];
    for round in 0..8 {
        let started = Instant::now();
        let (status, _) = township
            .send(login_request(accounts[round % 4], "wrong password", "p"))
            .await;
        known.push(started.elapsed());
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let started = Instant::now();
        let (status, _) = township
            .send(login_request(
                &format!("nobody-{round}"),
                "wrong password",
                "p",
            ))
            .await;
        unknown.push(started.elapsed());
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let median = |times: &mut Vec<Duration>| {
        times.sort();
        times[times.len() / 2]
    };
    let (known, unknown) = (median(&mut known), median(&mut unknown));
    let ratio = unknown.as_secs_f64() / known.as_secs_f64();
    eprintln!("median wrong password {known:?}, unknown user {unknown:?}, ratio {ratio:.2}");
    assert!(
        (0.8..=1.2).contains(&ratio),
        "known {known:?}, unknown {unknown:?}"
    );
}

#[tokio::test]
async fn implausible_device_ids_are_refused_at_login() {
    let township = Township::new().await;
    for (device_id, code) in [
        ("", "missing_device_id"),
        (&*"d".repeat(1_000_000), "bad_device_id"),
        ("phone\n1", "bad_device_id"),
    ] {
        let (status, body) = township
            .send(login_request("worker-xingfu", PASSWORD, device_id))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(json(&body)["error"], code);
    }
}

#[tokio::test]
async fn a_token_from_another_device_is_refused_without_naming_the_device() {
    let township = Township::new().await;
    let phone = township.login("worker-xingfu", "phone-3f9c0a1b").await;
    let stolen = Login {
        token: phone.token.clone(),
        device_id: "laptop-77".into(),
    };
    let request = SyncRequest {
        device_id: stolen.device_id.clone(),
        position: Position::Start,
        documents: Vec::new(),
        crash_reports: Vec::new(),
    };
    let (status, body) = township
        .send(support::sync_request(
            &stolen,
            pingan_shared::sync::protocol::encode(&request),
        ))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let text = String::from_utf8_lossy(&body);
    assert!(
        !text.contains("phone-3f9c0a1b") && !text.contains("laptop-77"),
        "{text}"
    );
    assert_eq!(json(&body)["error"], "forbidden");
}

#[tokio::test]
async fn every_get_endpoint_checks_the_device() {
    let township = Township::new().await;
    let reviewer = township.login("reviewer", "office-pc").await;
    let worker = township.login("worker-xingfu", "phone-1").await;
    let id = "0".repeat(32);
    let staff_paths = [
        "/api/review/queue".to_owned(),
        format!("/api/review/records/{id}"),
        "/api/review/disputes".to_owned(),
        "/api/review/duplicates".to_owned(),
        "/api/ledgers/disputes.csv".to_owned(),
    ];
    let any_paths = [
        "/api/returned".to_owned(),
        format!("/api/records/{id}/history"),
        format!("/api/records/{id}/history/1"),
    ];
    for (login, paths) in [
        (&reviewer, &staff_paths[..]),
        (&reviewer, &any_paths),
        (&worker, &any_paths),
    ] {
        for path in paths {
            let elsewhere = Login {
                token: login.token.clone(),
                device_id: "another-device".into(),
            };
            let (status, body) = township.get_json(&elsewhere, path).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {body}");
            assert!(
                !body.to_string().contains(&login.device_id),
                "{path}: {body}"
            );
            // No device named at all is refused too.
            let request = Request::get(path.as_str())
                .header(header::AUTHORIZATION, format!("Bearer {}", login.token))
                .body(Body::empty())
                .unwrap();
            let (status, _) = township.send(request).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path} without a device");
            // From the right device the call gets past authentication.
            let (status, _) = township.get_json(login, path).await;
            assert_ne!(status, StatusCode::FORBIDDEN, "{path}");
        }
    }
}

#[tokio::test]
async fn staff_endpoints_refuse_workers() {
    let township = Township::new().await;
    let worker = township.login("worker-xingfu", "phone-1").await;
    for path in [
        "/api/review/queue",
        "/api/review/disputes",
        "/api/ledgers/disputes.csv",
    ] {
        let (status, body) = township.get_json(&worker, path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(body["error"], "forbidden");
    }
}
