//! The HTTP surface: the sync API, health check, and the field app's static files.

mod assets;
pub mod auth;
mod error;
mod ledgers;
mod reports;
mod review;
pub mod surface;
mod sync;
pub mod throttle;

use std::path::PathBuf;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::routing::{any, get};
use tower_http::set_header::SetResponseHeaderLayer;

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
    /// Login rate limits and the password-hashing pool.
    pub login: throttle::SharedLoginGuard,
}

impl AppState {
    /// With the default login limits (`throttle.rs`).
    pub fn new(store: Store, township_name: &str) -> Self {
        Self {
            store,
            township_name: township_name.into(),
            login: std::sync::Arc::new(throttle::LoginGuard::default()),
        }
    }
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
        .merge(reports::router())
        .route("/api/{*rest}", any(surface::unknown_endpoint))
        .method_not_allowed_fallback(surface::json_errors_for_method)
        .with_state(state)
        .layer(axum::middleware::map_response(surface::json_errors))
        .layer(axum::middleware::from_fn(crate::metrics::track))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    let (app, csp) = match assets {
        Some(dir) => {
            let csp = surface::content_security_policy(&assets::inline_script_hashes(&dir));
            (api.fallback_service(assets::service(dir)), csp)
        }
        None => (api, surface::content_security_policy(&[])),
    };
    surface::security_headers(&csp)
        .into_iter()
        .fold(app, |app, (name, value)| {
            app.layer(SetResponseHeaderLayer::overriding(name, value))
        })
        .layer(request_log())
}

/// One log line per request: method, path and query with ID numbers and phones masked,
/// status and latency. Never bodies or headers (tokens).
fn request_log() -> tower_http::trace::TraceLayer<
    tower_http::classify::SharedClassifier<tower_http::classify::ServerErrorsAsFailures>,
    impl Fn(&axum::http::Request<axum::body::Body>) -> tracing::Span + Clone,
> {
    tower_http::trace::TraceLayer::new_for_http()
        .make_span_with(|request: &axum::http::Request<axum::body::Body>| {
            let target = request.uri().path_and_query().map_or("/", |p| p.as_str());
            tracing::info_span!(
                "request",
                method = %request.method(),
                uri = %crate::metrics::mask_numbers(target),
            )
        })
        .on_response(tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO))
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
