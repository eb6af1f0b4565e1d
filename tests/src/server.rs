//! A real server on a loopback port with a fresh SQLite database in a temporary directory,
//! villages `xingfu`, `heping` and `anle`, and a worker account `worker-<village>` for each.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::SocketAddr;
use std::time::Duration;

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use pingan_server::accounts::{self, Role, User, Village};
use pingan_server::{AppState, Store, router};
use pingan_shared::document;
use pingan_shared::records::household::Household;
use pingan_shared::sync::protocol::{self, SyncRequest, SyncResponse};

pub struct TestServer {
    pub addr: SocketAddr,
    pub store: Store,
    _dir: Option<tempfile::TempDir>,
    task: tokio::task::JoinHandle<()>,
}

impl TestServer {
    pub async fn start() -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let url = format!("sqlite://{}", dir.path().join("pingan.db").display());
        let mut server = Self::serve(&url).await?;
        server._dir = Some(dir);
        server.seed_township().await?;
        Ok(server)
    }

    /// A server on the database at `url` with a connection pool and a listener of its own,
    /// as another server process would have; nothing is added to the database.
    pub async fn serve(url: &str) -> anyhow::Result<Self> {
        let store = Store::connect(url).await?;
        let app = router(AppState::new(store.clone(), "青山镇"), None);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .await
                .expect("test server failed");
        });
        Ok(Self {
            addr,
            store,
            _dir: None,
            task,
        })
    }

    /// Villages `xingfu`, `heping` and `anle`, and a worker `worker-<village>` for each.
    pub async fn seed_township(&self) -> anyhow::Result<()> {
        for village in ["xingfu", "heping", "anle"] {
            self.store
                .add_village(&Village {
                    id: village.into(),
                    name: village.into(),
                })
                .await?;
            let worker = User {
                username: format!("worker-{village}"),
                display_name: format!("{village} worker"),
                role: Role::Worker,
                villages: vec![village.into()],
                disabled: false,
            };
            // Tests log in through the store, so no real password is needed.
            self.store.add_user(&worker, "unused", 0).await?;
        }
        Ok(())
    }

    /// A login for `username` on `device_id`, made directly in the store.
    pub async fn login(&self, username: &str, device_id: &str) -> anyhow::Result<String> {
        let (token, hash) = accounts::new_token();
        let now = pingan_server::http::auth::now_ms();
        self.store
            .create_session(&hash, username, device_id, now, now + 86_400_000)
            .await?;
        Ok(token)
    }

    /// Every household in the master copy, by document id.
    pub async fn households(&self) -> anyhow::Result<BTreeMap<String, Household>> {
        let mut out = BTreeMap::new();
        for stored in self.store.documents_of_type("household").await? {
            let doc = document::load(&stored.data)?;
            out.insert(stored.id, document::read(&doc)?);
        }
        Ok(out)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// What one exchange cost on the wire.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WireBytes {
    pub sent: usize,
    pub received: usize,
}

/// The server answered a sync with an error status.
#[derive(Debug)]
pub struct SyncRefused {
    pub status: u16,
    pub body: String,
}

impl std::fmt::Display for SyncRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "sync failed: {} {}", self.status, self.body)
    }
}

impl std::error::Error for SyncRefused {}

/// One `POST /api/sync` over real HTTP, gzip-compressed both ways as the app does.
pub async fn post_sync(
    server: SocketAddr,
    token: &str,
    request: &SyncRequest,
) -> anyhow::Result<SyncResponse> {
    Ok(post_sync_measured(server, token, request).await?.0)
}

/// How long a request may take before the device gives up on it, as the phone's fetch would
/// on a link that stalls.
pub const SYNC_TIMEOUT: Duration = Duration::from_secs(60);

pub async fn post_sync_measured(
    server: SocketAddr,
    token: &str,
    request: &SyncRequest,
) -> anyhow::Result<(SyncResponse, WireBytes)> {
    post_sync_within(server, token, request, SYNC_TIMEOUT).await
}

pub async fn post_sync_within(
    server: SocketAddr,
    token: &str,
    request: &SyncRequest,
    timeout: Duration,
) -> anyhow::Result<(SyncResponse, WireBytes)> {
    let mut gzip = GzEncoder::new(Vec::new(), Compression::default());
    gzip.write_all(&protocol::encode(request))?;
    let body = gzip.finish()?;
    let sent = body.len();
    let response = reqwest::Client::builder()
        .timeout(timeout)
        .build()?
        .post(format!("http://{server}/api/sync"))
        .bearer_auth(token)
        .header("content-type", protocol::CONTENT_TYPE)
        .header("content-encoding", "gzip")
        .header("accept-encoding", "gzip")
        .body(body)
        .send()
        .await?;
    let status = response.status();
    let gzipped = response
        .headers()
        .get("content-encoding")
        .is_some_and(|v| v == "gzip");
    let wire = response.bytes().await?;
    let received = wire.len();
    let plain = if gzipped {
        let mut out = Vec::new();
        GzDecoder::new(wire.as_ref()).read_to_end(&mut out)?;
        out
    } else {
        wire.to_vec()
    };
    if !status.is_success() {
        let body = String::from_utf8_lossy(&plain).into_owned();
        return Err(SyncRefused {
            status: status.as_u16(),
            body,
        }
        .into());
    }
    Ok((
        protocol::decode("sync response", &plain)?,
        WireBytes { sent, received },
    ))
}
