//! The real `pingan-server serve` as a child process on a loopback port, to break it the ways
//! a township office breaks it: a full disk (a file-size limit), SIGKILL, SIGTERM. And a field
//! device — the shared replica core over memory storage — that talks to it over HTTP and
//! remembers every change the server acknowledged, so a test can look for each one afterwards.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use automerge::{ActorId, ChangeHash};
use pingan_server::Store;
use pingan_server::accounts;
use pingan_shared::document::{self, DocumentId};
use pingan_shared::records::Authorship;
use pingan_shared::records::household::Household;
use pingan_shared::sync::memory::MemoryStorage;
use pingan_shared::sync::protocol::{self, SyncRequest, SyncResponse};
use pingan_shared::sync::replica::{Failure, Replica, Transport};

/// How long a server gets to start (migrations included) or to stop.
const PATIENCE: Duration = Duration::from_secs(30);

pub struct ServerProcess {
    child: Child,
    pub addr: SocketAddr,
    log: std::path::PathBuf,
}

impl ServerProcess {
    /// Starts `pingan-server serve` on `database`, logging to `log`, and waits until its
    /// health check answers. SIGXFSZ is ignored in the child, as a server under a file-size
    /// limit should: a write past the limit fails with EFBIG instead of killing it.
    pub async fn start(database: &str, log: &Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let log_path = log.to_owned();
        let log = std::fs::File::create(log).unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_pingan-server"));
        command
            .args([
                "serve",
                "--listen",
                &addr.to_string(),
                "--database",
                database,
            ])
            .env("RUST_LOG", "info,sqlx=warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            // Straight to a file, as an office PC's service might log: under a file-size limit
            // the server cannot write its log either, and must answer all the same.
            .stderr(log);
        // SAFETY: between fork and exec only `signal`, which is async-signal-safe, runs.
        unsafe {
            command.pre_exec(|| {
                libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
                Ok(())
            });
        }
        let child = command.spawn().unwrap();
        let server = Self {
            child,
            addr,
            log: log_path,
        };
        let started = Instant::now();
        loop {
            if let Ok((200, _)) = server.health().await {
                return server;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "pingan-server did not answer /healthz within {PATIENCE:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// `GET /healthz`: the status and the body.
    pub async fn health(&self) -> reqwest::Result<(u16, String)> {
        let response = reqwest::Client::new()
            .get(format!("http://{}/healthz", self.addr))
            .timeout(Duration::from_secs(20))
            .send()
            .await?;
        let status = response.status().as_u16();
        Ok((status, response.text().await?))
    }

    /// Limits the size of any file the server writes (RLIMIT_FSIZE), as a full disk would:
    /// writes past `bytes` fail with EFBIG. `None` lifts the limit.
    pub fn limit_file_size(&self, bytes: Option<u64>) {
        let limit = libc::rlimit {
            rlim_cur: bytes.unwrap_or(libc::RLIM_INFINITY),
            rlim_max: libc::RLIM_INFINITY,
        };
        // SAFETY: a plain system call on a child we started; `limit` outlives it.
        let status =
            unsafe { libc::prlimit(self.pid(), libc::RLIMIT_FSIZE, &limit, std::ptr::null_mut()) };
        assert_eq!(status, 0, "prlimit: {}", std::io::Error::last_os_error());
    }

    /// SIGKILL: the process ends between two instructions, as in a power cut.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then wait for it to finish its requests and exit.
    pub fn terminate(&mut self) {
        // SAFETY: a plain system call on a child we started and have not reaped.
        unsafe { libc::kill(self.pid(), libc::SIGTERM) };
        let started = Instant::now();
        while started.elapsed() < PATIENCE {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.kill();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let status = self.child.try_wait();
        self.kill();
        if std::thread::panicking() {
            eprintln!("--- the server process: {status:?}");
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(40).collect();
            eprintln!("--- the server's log, last lines ---");
            for line in tail.into_iter().rev() {
                eprintln!("{line}");
            }
        }
    }
}

/// A worker's phone: the shared replica core over memory storage, syncing over HTTP.
pub struct FieldDevice {
    pub device_id: String,
    village: String,
    actor: ActorId,
    token: String,
    replica: Replica<MemoryStorage>,
    next_id: u32,
    /// Every change a 200 answer acknowledged, by document: what the device will never send
    /// again, so what the master copy must hold forever.
    pub acknowledged: BTreeMap<String, BTreeSet<ChangeHash>>,
    /// The status of every answer, in order.
    pub statuses: Vec<u16>,
}

impl FieldDevice {
    /// Device `number` of `worker-<village>`, logged in through `store` (no Argon2).
    pub async fn logged_in(number: u16, village: &str, store: &Store) -> Self {
        let device_id = format!("phone-{number}");
        let mut actor = [0x5a; 16];
        actor[..2].copy_from_slice(&number.to_be_bytes());
        let actor = ActorId::from(actor.as_slice());
        let (token, hash) = accounts::new_token();
        let now = pingan_server::http::auth::now_ms();
        store
            .create_session(
                &hash,
                &format!("worker-{village}"),
                &device_id,
                now,
                now + 86_400_000,
            )
            .await
            .unwrap();
        Self {
            replica: Replica::new(MemoryStorage::new(device_id.clone(), actor.clone())),
            device_id,
            village: village.into(),
            actor,
            token,
            next_id: 0,
            acknowledged: BTreeMap::new(),
            statuses: Vec::new(),
        }
    }

    pub fn add_household(&mut self, address: &str) -> DocumentId {
        self.next_id += 1;
        let mut id = [0x33; 16];
        id[..2].copy_from_slice(&self.actor.to_bytes()[..2]);
        id[2..6].copy_from_slice(&self.next_id.to_be_bytes());
        let id = DocumentId::from_random_bytes(id);
        let by = Authorship {
            village: self.village.clone(),
            created_by: self.device_id.clone(),
            created_at_ms: 1_700_000_000_000,
        };
        let doc = document::create(
            self.actor.clone(),
            &Household::new(&by, "1组", address, "王建国"),
        );
        self.replica.storage().save(id.as_str(), doc);
        id
    }

    pub fn edit_address(&mut self, id: &DocumentId, address: &str) {
        let storage = self.replica.storage();
        let mut doc = storage.document(id.as_str()).expect("the device holds it");
        let mut household: Household = document::read(&doc).unwrap();
        household.address = address.into();
        document::update(&mut doc, &household);
        doc.commit();
        storage.save(id.as_str(), doc);
    }

    pub fn household(&self, id: &DocumentId) -> Option<Household> {
        let doc = self.replica.storage().document(id.as_str())?;
        Some(document::read(&doc).unwrap())
    }

    pub fn unacknowledged_documents(&self) -> usize {
        self.replica.storage().unacknowledged_count()
    }

    /// One sync run (up to 20 rounds); an error says why it stopped.
    pub async fn sync(&mut self, server: SocketAddr) -> Result<(), String> {
        let mut link = Http {
            server,
            token: self.token.clone(),
            acknowledged: &mut self.acknowledged,
            statuses: &mut self.statuses,
        };
        match self.replica.sync(&mut link, 20, |_| {}).await.error {
            None => Ok(()),
            Some(error) => Err(error.to_string()),
        }
    }

    /// Documents this device holds, with their heads.
    pub fn heads(&self) -> BTreeMap<String, Vec<ChangeHash>> {
        let storage = self.replica.storage();
        storage
            .document_ids()
            .into_iter()
            .map(|id| {
                let heads = storage.document(&id).unwrap().get_heads();
                (id, heads)
            })
            .collect()
    }
}

/// Every change some device saw acknowledged that the master copy in `store` lacks, as
/// "document: hash" lines.
pub async fn acknowledged_but_missing(store: &Store, devices: &[&FieldDevice]) -> Vec<String> {
    let mut missing = Vec::new();
    for device in devices {
        for (id, hashes) in &device.acknowledged {
            let stored = store.document_with_heads(id).await.unwrap();
            let doc = stored.map(|(stored, _)| document::load(&stored.data).unwrap());
            for hash in hashes {
                let present = doc
                    .as_ref()
                    .is_some_and(|doc| doc.clone().get_change_by_hash(hash).is_some());
                if !present {
                    missing.push(format!("{}: {id} {hash}", device.device_id));
                }
            }
        }
    }
    missing
}

struct Http<'a> {
    server: SocketAddr,
    token: String,
    acknowledged: &'a mut BTreeMap<String, BTreeSet<ChangeHash>>,
    statuses: &'a mut Vec<u16>,
}

impl Transport for Http<'_> {
    type Error = String;

    async fn exchange(&mut self, request: SyncRequest) -> Result<SyncResponse, (Failure, String)> {
        let sent: BTreeMap<String, Vec<ChangeHash>> = request
            .documents
            .iter()
            .map(|d| {
                let hashes = d
                    .changes
                    .iter()
                    .map(|c| automerge::Change::from_bytes(c.to_vec()).unwrap().hash())
                    .collect();
                (d.document_id.clone(), hashes)
            })
            .collect();
        let response = reqwest::Client::new()
            .post(format!("http://{}/api/sync", self.server))
            .bearer_auth(&self.token)
            .header("content-type", protocol::CONTENT_TYPE)
            .timeout(Duration::from_secs(30))
            .body(protocol::encode(&request))
            .send()
            .await
            .map_err(|e| (Failure::Network, e.to_string()))?;
        let status = response.status().as_u16();
        self.statuses.push(status);
        let body = response
            .bytes()
            .await
            .map_err(|e| (Failure::Network, e.to_string()))?;
        if status != 200 {
            let text = String::from_utf8_lossy(&body).into_owned();
            let failure = Failure::from_answer(status, &text);
            return Err((failure, format!("{status} {text}")));
        }
        let response: SyncResponse = protocol::decode("sync response", &body)
            .map_err(|e| (Failure::Server(status), e.to_string()))?;
        for accepted in &response.accepted {
            if let Some(hashes) = sent.get(&accepted.document_id) {
                self.acknowledged
                    .entry(accepted.document_id.clone())
                    .or_default()
                    .extend(hashes.iter().copied());
            }
        }
        Ok(response)
    }
}
