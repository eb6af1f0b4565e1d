//! A township for the API tests: a fresh database (SQLite or PostgreSQL) with villages,
//! accounts and ready logins, and the router driven without a socket
//! (`tower::ServiceExt::oneshot`).

#![allow(dead_code)] // each test file uses its own part of this

mod database;
pub mod process;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use pingan_server::accounts::{self, Role, User, Village, password};
use pingan_server::{AppState, Store, router};
use pingan_shared::sync::protocol::{self, SyncRequest, SyncResponse};
use tower::ServiceExt;

#[allow(unused_imports)]
pub(crate) use database::on_both_backends;
pub use database::{Backend, TestDatabase};

pub const PASSWORD: &str = "correct horse battery";
pub const NOW_MS: i64 = 1_700_000_000_000;

pub struct Township {
    pub app: Router,
    pub store: Store,
    _database: TestDatabase,
}

/// A logged-in device.
#[derive(Debug, Clone)]
pub struct Login {
    pub token: String,
    pub device_id: String,
}

impl Township {
    /// Villages `xingfu` and `heping`; `worker-xingfu`, `worker-heping`, `reviewer`, `admin`.
    pub async fn new() -> Self {
        Self::on(Backend::Sqlite).await
    }

    /// A fresh SQLite database with no villages and no accounts.
    pub async fn empty() -> Self {
        let database = TestDatabase::create(Backend::Sqlite).await;
        let store = Store::connect(&database.url).await.unwrap();
        Self::serving(store, database)
    }

    /// The same township in a new database of its own on `backend`.
    pub async fn on(backend: Backend) -> Self {
        let database = TestDatabase::create(backend).await;
        let store = Store::connect(&database.url).await.unwrap();
        for (id, name) in [("xingfu", "幸福村"), ("heping", "和平村")] {
            store
                .add_village(&Village {
                    id: id.into(),
                    name: name.into(),
                })
                .await
                .unwrap();
        }
        let hash = password::hash(PASSWORD).unwrap();
        for (username, role, villages) in [
            ("worker-xingfu", Role::Worker, vec!["xingfu"]),
            ("worker-heping", Role::Worker, vec!["heping"]),
            ("reviewer", Role::Reviewer, vec![]),
            ("admin", Role::Admin, vec![]),
        ] {
            let user = User {
                username: username.into(),
                display_name: username.into(),
                role,
                villages: villages.into_iter().map(String::from).collect(),
                disabled: false,
            };
            store.add_user(&user, &hash, NOW_MS).await.unwrap();
        }
        Self::serving(store, database)
    }

    fn serving(store: Store, database: TestDatabase) -> Self {
        let app = router(AppState::new(store.clone(), "青山镇"), None);
        Township {
            app,
            store,
            _database: database,
        }
    }

    /// Where the township's database is, for another process or a fresh connection.
    pub fn database_url(&self) -> &str {
        &self._database.url
    }

    /// Makes every feed entry so far look received at `received_at_ms`: for fixtures whose
    /// records carry a fixed device time, so ledgers place them by it (decision 25).
    pub async fn set_received_at(&self, received_at_ms: i64) {
        const SQL: &str = "UPDATE change_batches SET received_at_ms = $1";
        let url = &self._database.url;
        if url.starts_with("sqlite:") {
            let pool = sqlx::SqlitePool::connect(url).await.unwrap();
            sqlx::query(SQL)
                .bind(received_at_ms)
                .execute(&pool)
                .await
                .unwrap();
        } else {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            sqlx::query(SQL)
                .bind(received_at_ms)
                .execute(&pool)
                .await
                .unwrap();
        }
    }

    /// A session made directly in the store (no Argon2 per test), valid for a day from now.
    pub async fn login(&self, username: &str, device_id: &str) -> Login {
        let (token, hash) = accounts::new_token();
        let now = pingan_server::http::auth::now_ms();
        self.store
            .create_session(&hash, username, device_id, now, now + 86_400_000)
            .await
            .unwrap();
        Login {
            token,
            device_id: device_id.into(),
        }
    }

    pub async fn send(&self, request: Request<Body>) -> (StatusCode, Vec<u8>) {
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let body = response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        (status, body)
    }

    /// `POST /api/sync` with `request`, answered with a status and, on 200, the response.
    pub async fn try_sync(
        &self,
        login: &Login,
        request: &SyncRequest,
    ) -> (StatusCode, Option<SyncResponse>) {
        let (status, body) = self
            .send(sync_request(login, protocol::encode(request)))
            .await;
        let decoded =
            (status == StatusCode::OK).then(|| protocol::decode("sync response", &body).unwrap());
        (status, decoded)
    }

    /// `GET uri` with `login`'s token: the status and the body as JSON (`Null` if not JSON).
    pub async fn get_json(&self, login: &Login, uri: &str) -> (StatusCode, serde_json::Value) {
        let (status, bytes) = self.get_bytes(login, uri).await;
        (status, serde_json::from_slice(&bytes).unwrap_or_default())
    }

    pub async fn get_bytes(&self, login: &Login, uri: &str) -> (StatusCode, Vec<u8>) {
        let request = Request::get(uri)
            .header(header::AUTHORIZATION, format!("Bearer {}", login.token))
            .header("x-pingan-device", &login.device_id)
            .body(Body::empty())
            .unwrap();
        self.send(request).await
    }

    /// `POST uri` with a JSON body and `login`'s token.
    pub async fn post_json(
        &self,
        login: &Login,
        uri: &str,
        body: serde_json::Value,
    ) -> (StatusCode, serde_json::Value) {
        let request = Request::post(uri)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, format!("Bearer {}", login.token))
            .header("x-pingan-device", &login.device_id)
            .body(Body::from(body.to_string()))
            .unwrap();
        let (status, bytes) = self.send(request).await;
        (status, serde_json::from_slice(&bytes).unwrap_or_default())
    }

    /// Uploads what `doc` holds beyond `acknowledged` from `login`'s device; it must be
    /// accepted.
    pub async fn upload(
        &self,
        login: &Login,
        id: &pingan_shared::document::DocumentId,
        doc: &mut automerge::AutoCommit,
        acknowledged: &[automerge::ChangeHash],
    ) -> SyncResponse {
        let request = SyncRequest {
            device_id: login.device_id.clone(),
            position: pingan_shared::sync::protocol::Position::Start,
            documents: vec![pingan_shared::sync::protocol::DocumentChanges {
                document_id: id.to_string(),
                changes: pingan_shared::document::changes_since(doc, acknowledged)
                    .into_iter()
                    .map(serde_bytes::ByteBuf::from)
                    .collect(),
            }],
            crash_reports: Vec::new(),
        };
        let response = self.sync(login, &request).await;
        assert!(response.rejected.is_empty(), "{:?}", response.rejected);
        response
    }

    pub async fn sync(&self, login: &Login, request: &SyncRequest) -> SyncResponse {
        let (status, body) = self
            .send(sync_request(login, protocol::encode(request)))
            .await;
        assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
        protocol::decode("sync response", &body).unwrap()
    }
}

pub fn sync_request(login: &Login, body: Vec<u8>) -> Request<Body> {
    Request::post("/api/sync")
        .header(header::CONTENT_TYPE, protocol::CONTENT_TYPE)
        .header(header::AUTHORIZATION, format!("Bearer {}", login.token))
        .body(Body::from(body))
        .unwrap()
}
