//! The HTTP surface: the sync API, health check, and the field app's static files.

mod assets;
pub mod auth;
mod error;
mod ledgers;
mod review;
mod sync;

use std::path::PathBuf;

use axum::Router;
use axum::routing::get;

pub use error::{ApiError, JsonBody};

use crate::store::Store;

/// Largest sync body accepted. A day's door-to-door work is tens of kilobytes; this leaves
/// room for a device that was offline for weeks while bounding what one request can cost.
pub const MAX_SYNC_BODY_BYTES: usize = 16 * 1024 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    /// For ledger titles (`--township-name`).
    pub township_name: std::sync::Arc<str>,
}

/// The whole application. `assets` is the built field app (`target/dist`); without it the
/// server still syncs, which is what the API tests use.
pub fn router(state: AppState, assets: Option<PathBuf>) -> Router {
    let api = Router::new()
        .route("/healthz", get(health))
        .route("/api/openapi.json", get(openapi))
        .merge(auth::router())
        .merge(sync::router())
        .merge(review::router())
        .merge(ledgers::router())
        .with_state(state);
    match assets {
        Some(dir) => api.fallback_service(assets::service(dir)),
        None => api,
    }
}

/// Written by hand next to the code it describes; `tests/openapi.rs` checks it lists every
/// route the router serves and parses as JSON.
pub const OPENAPI: &str = include_str!("openapi.json");

async fn openapi() -> ([(axum::http::HeaderName, &'static str); 1], &'static str) {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        OPENAPI,
    )
}

/// 200 `ok` while the store answers and can write; 503 with a JSON body while it cannot (a
/// write failed and the probe write fails too), so a monitor sees what devices would: nothing
/// is acknowledged until the disk or database takes writes again.
async fn health(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    match state.store.health().await {
        Ok(()) => "ok".into_response(),
        Err(error) => {
            tracing::error!(%error, "health check: the store cannot write");
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({
                    "error": "store_unavailable",
                    "message": "the database cannot store changes now; syncs are refused until it can",
                })),
            )
                .into_response()
        }
    }
}
