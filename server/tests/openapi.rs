//! The OpenAPI document served at `/api/openapi.json` describes every endpoint the server has.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use support::Township;

#[tokio::test]
async fn the_openapi_document_is_served_and_lists_every_endpoint() {
    let township = Township::new().await;
    let (status, body) = township
        .send(
            Request::get("/api/openapi.json")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let doc: serde_json::Value = serde_json::from_slice(&body).expect("valid JSON");
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/healthz", "get"),
        ("/api/openapi.json", "get"),
        ("/api/login", "post"),
        ("/api/logout", "post"),
        ("/api/sync", "post"),
        ("/api/review/queue", "get"),
        ("/api/review/queue/count", "get"),
        ("/api/review/records/{id}", "get"),
        ("/api/review/records/{id}/approve", "post"),
        ("/api/review/records/{id}/return", "post"),
        ("/api/review/records/{id}/resolve", "post"),
        ("/api/review/disputes", "get"),
        ("/api/review/duplicates", "get"),
        ("/api/review/duplicates/merge", "post"),
        ("/api/ledgers/{file}", "get"),
        ("/api/reports/annual-report.docx", "get"),
        ("/api/records/{id}/history", "get"),
        ("/api/records/{id}/history/{seq}", "get"),
        ("/api/returned", "get"),
    ] {
        assert!(
            paths[path][method].is_object(),
            "{method} {path} is documented"
        );
        // And the router really serves it (anything but 404/405).
        let request = Request::builder()
            .method(method.to_uppercase().as_str())
            .uri(path)
            .body(Body::empty())
            .unwrap();
        let (status, _) = township.send(request).await;
        assert!(
            status != StatusCode::NOT_FOUND && status != StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path} answered {status}"
        );
    }
    assert_eq!(paths.len(), 19, "no undocumented paths and no stale ones");
}

#[tokio::test]
async fn every_rejection_code_the_server_uses_is_documented() {
    let doc: serde_json::Value = serde_json::from_str(pingan_server::http::OPENAPI).unwrap();
    let codes = doc["components"]["schemas"]["SyncResponse"]["properties"]["rejected"]["items"]["properties"]["code"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect::<Vec<_>>();
    let mut documented = codes;
    documented.sort();
    let mut used: Vec<String> = pingan_shared::sync::protocol::RefusalCode::ALL
        .iter()
        .map(|c| c.as_str().to_owned())
        .collect();
    used.sort();
    assert_eq!(documented, used);
}
