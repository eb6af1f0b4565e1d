//! Harness for end-to-end tests: a real `pingan-server` on a loopback port, and simulated
//! field devices that work offline and sync over HTTP exactly as the app does.
//!
//! - [`TestServer`]: the server with a fresh SQLite database in a temporary directory.
//! - [`Device`]: an in-memory device holding Automerge documents and the heads the server
//!   has acknowledged for each.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use automerge::{ActorId, AutoCommit, ChangeHash};
use pingan_server::{AppState, Store, router};
use pingan_shared::document::{self, DocumentId};
use pingan_shared::records::Authorship;
use pingan_shared::records::household::Household;
use pingan_shared::sync::protocol::{self, DocumentChanges, SyncRequest, SyncResponse};
use serde_bytes::ByteBuf;

pub struct TestServer {
    pub addr: SocketAddr,
    pub store: Store,
    _dir: tempfile::TempDir,
    task: tokio::task::JoinHandle<()>,
}

impl TestServer {
    pub async fn start() -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let url = format!("sqlite://{}", dir.path().join("pingan.db").display());
        let store = Store::connect(&url).await?;
        let app = router(
            AppState {
                store: store.clone(),
            },
            None,
        );
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
            _dir: dir,
            task,
        })
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

/// A field device: documents it holds, and what the server has acknowledged of each.
pub struct Device {
    pub device_id: String,
    pub village: String,
    actor: ActorId,
    documents: BTreeMap<DocumentId, (AutoCommit, Vec<ChangeHash>)>,
    next_id: u8,
}

impl Device {
    pub fn new(number: u8) -> Self {
        Self {
            device_id: format!("device-{number}"),
            village: "xingfu".into(),
            actor: ActorId::from([number; 16].as_slice()),
            documents: BTreeMap::new(),
            next_id: 0,
        }
    }

    pub fn add_household(&mut self, address: &str, head: &str) -> DocumentId {
        self.next_id += 1;
        let mut id_bytes = [self.next_id; 16];
        id_bytes[0] = self.actor.to_bytes()[0];
        let id = DocumentId::from_random_bytes(id_bytes);
        let by = Authorship {
            village: self.village.clone(),
            created_by: self.device_id.clone(),
            created_at_ms: 0,
        };
        let doc = document::create(
            self.actor.clone(),
            &Household::new(&by, "1组", address, head),
        );
        self.documents.insert(id.clone(), (doc, Vec::new()));
        id
    }

    pub fn edit_household(&mut self, id: &DocumentId, edit: impl FnOnce(&mut Household)) {
        let (doc, _) = self
            .documents
            .get_mut(id)
            .expect("device holds the document");
        let mut household: Household =
            document::read(doc).expect("device documents are households");
        edit(&mut household);
        document::update(doc, &household);
    }

    /// The upload the app would send now: every change not yet acknowledged.
    pub fn pending_upload(&mut self) -> (SyncRequest, BTreeMap<String, Vec<ChangeHash>>) {
        let mut sent_heads = BTreeMap::new();
        let mut documents = Vec::new();
        for (id, (doc, acknowledged)) in &mut self.documents {
            let changes = document::changes_since(doc, acknowledged);
            if changes.is_empty() {
                continue;
            }
            sent_heads.insert(id.to_string(), doc.get_heads());
            documents.push(DocumentChanges {
                document_id: id.to_string(),
                changes: changes.into_iter().map(ByteBuf::from).collect(),
            });
        }
        let request = SyncRequest {
            device_id: self.device_id.clone(),
            documents,
        };
        (request, sent_heads)
    }

    pub fn acknowledge(
        &mut self,
        response: &SyncResponse,
        sent_heads: &BTreeMap<String, Vec<ChangeHash>>,
    ) {
        for accepted in &response.accepted {
            let id = DocumentId::parse(&accepted.document_id).expect("server echoes our ids");
            if let (Some((_, acknowledged)), Some(heads)) = (
                self.documents.get_mut(&id),
                sent_heads.get(&accepted.document_id),
            ) {
                *acknowledged = heads.clone();
            }
        }
    }

    pub fn unacknowledged_documents(&mut self) -> usize {
        self.documents
            .values_mut()
            .map(|(doc, acknowledged)| !document::changes_since(doc, acknowledged).is_empty())
            .filter(|pending| *pending)
            .count()
    }

    /// Uploads pending work and records the acknowledgement, as one successful sync.
    pub async fn sync(&mut self, server: SocketAddr) -> anyhow::Result<SyncResponse> {
        let (request, sent_heads) = self.pending_upload();
        let response = post_sync(server, &request).await?;
        self.acknowledge(&response, &sent_heads);
        Ok(response)
    }
}

/// One `POST /api/sync` over real HTTP.
pub async fn post_sync(server: SocketAddr, request: &SyncRequest) -> anyhow::Result<SyncResponse> {
    let response = reqwest::Client::new()
        .post(format!("http://{server}/api/sync"))
        .header("content-type", protocol::CONTENT_TYPE)
        .body(protocol::encode(request))
        .send()
        .await?;
    anyhow::ensure!(
        response.status().is_success(),
        "sync failed: {}",
        response.status()
    );
    Ok(protocol::decode("sync response", &response.bytes().await?)?)
}
