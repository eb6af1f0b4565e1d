//! A simulated field device: the same engine and merge rules as the app, with an in-memory
//! store instead of IndexedDB.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use automerge::{ActorId, AutoCommit, ChangeHash};
use pingan_shared::document::{self, DocumentId};
use pingan_shared::records::Authorship;
use pingan_shared::records::household::Household;
use pingan_shared::sync::engine::{self, Download, Failure, Next, SyncEngine};
use pingan_shared::sync::protocol::{Position, Rejected, SyncRequest, SyncResponse};
use pingan_shared::sync::replica;

use crate::server::{TestServer, post_sync};

/// Enough rounds for any test township; a loop that needs more is a bug, not a big download.
const MAX_ROUNDS: usize = 1_000;

struct Held {
    doc: AutoCommit,
    acknowledged: Vec<ChangeHash>,
    /// Heads at which the server refused the document; not resent until edited.
    refused_at: Option<Vec<ChangeHash>>,
}

pub struct Device {
    pub device_id: String,
    pub village: String,
    /// The login token; empty until [`Device::log_in`].
    token: String,
    actor: ActorId,
    engine: SyncEngine,
    documents: BTreeMap<String, Held>,
    next_id: u32,
    /// Refusals received, newest last.
    pub refusals: Vec<Rejected>,
}

impl Device {
    /// Device `number` of a worker in `village`.
    pub fn new(number: u8, village: &str) -> Self {
        let device_id = format!("device-{number}");
        Self {
            engine: SyncEngine::new(device_id.clone(), Position::Start),
            device_id,
            village: village.into(),
            token: String::new(),
            actor: ActorId::from([number; 16].as_slice()),
            documents: BTreeMap::new(),
            next_id: 0,
            refusals: Vec::new(),
        }
    }

    /// Logs in as the worker of this device's village.
    pub async fn log_in(&mut self, server: &TestServer) -> anyhow::Result<()> {
        self.token = server
            .login(&format!("worker-{}", self.village), &self.device_id)
            .await?;
        Ok(())
    }

    pub fn add_household(&mut self, address: &str, head: &str) -> DocumentId {
        self.next_id += 1;
        let mut id_bytes = [0x11; 16];
        id_bytes[0] = self.actor.to_bytes()[0];
        id_bytes[1..5].copy_from_slice(&self.next_id.to_be_bytes());
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
        self.documents.insert(
            id.to_string(),
            Held {
                doc,
                acknowledged: Vec::new(),
                refused_at: None,
            },
        );
        id
    }

    pub fn edit_household(&mut self, id: &DocumentId, edit: impl FnOnce(&mut Household)) {
        let held = self
            .documents
            .get_mut(id.as_str())
            .expect("device holds the document");
        let mut household: Household =
            document::read(&held.doc).expect("device documents are households");
        edit(&mut household);
        document::update(&mut held.doc, &household);
        // Each edit is a save in the app: its own Automerge change.
        held.doc.commit();
    }

    pub fn household(&self, id: &DocumentId) -> Option<Household> {
        self.documents
            .get(id.as_str())
            .map(|held| document::read(&held.doc).expect("device documents are households"))
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    pub fn document_ids(&self) -> Vec<String> {
        self.documents.keys().cloned().collect()
    }

    pub fn heads(&mut self, id: &str) -> Option<Vec<ChangeHash>> {
        self.documents.get_mut(id).map(|held| held.doc.get_heads())
    }

    /// The request the app would send now.
    pub fn prepare(&mut self) -> SyncRequest {
        let mut outgoing = Vec::new();
        for (id, held) in &mut self.documents {
            if held.refused_at.as_ref() == Some(&held.doc.get_heads()) {
                continue;
            }
            outgoing.extend(engine::outgoing(id, &mut held.doc, &held.acknowledged));
        }
        self.engine.request(outgoing)
    }

    /// Stores an answer as the app would; returns whether the server has more to send.
    pub fn receive(&mut self, response: SyncResponse) -> anyhow::Result<bool> {
        let (download, next) = self.engine.on_response(response);
        self.store(download)?;
        Ok(next == Next::Continue)
    }

    /// The request or its answer was lost.
    pub fn lose_answer(&mut self) {
        self.engine.on_failure(Failure::Network);
    }

    pub fn unacknowledged_documents(&mut self) -> usize {
        let mut count = 0;
        for held in self.documents.values_mut() {
            count +=
                usize::from(!document::changes_since(&mut held.doc, &held.acknowledged).is_empty());
        }
        count
    }

    /// Syncs over HTTP until the server has nothing more to send.
    pub async fn sync(&mut self, server: SocketAddr) -> anyhow::Result<()> {
        for _ in 0..MAX_ROUNDS {
            let request = self.prepare();
            let response = match post_sync(server, &self.token, &request).await {
                Ok(response) => response,
                Err(error) => {
                    self.lose_answer();
                    return Err(error);
                }
            };
            if !self.receive(response)? {
                return Ok(());
            }
        }
        anyhow::bail!("sync did not finish in {MAX_ROUNDS} rounds")
    }

    fn store(&mut self, download: Download) -> anyhow::Result<()> {
        for (id, heads) in download.acknowledged {
            if let Some(held) = self.documents.get_mut(&id) {
                held.acknowledged = heads;
            }
        }
        for rejected in download.rejected {
            if let Some(held) = self.documents.get_mut(&rejected.document_id) {
                held.refused_at = Some(held.doc.get_heads());
            }
            self.refusals.push(rejected);
        }
        for saved in download.documents {
            self.merge(&saved.document_id, |local, actor| {
                replica::merge_saved(local, &saved.data, actor)
            })?;
        }
        for incoming in download.changes {
            let changes: Vec<Vec<u8>> = incoming.changes.iter().map(|c| c.to_vec()).collect();
            self.merge(&incoming.document_id, |local, actor| {
                replica::merge_changes(local, &changes, actor)
            })?;
        }
        Ok(())
    }

    fn merge(
        &mut self,
        id: &str,
        merge: impl FnOnce(
            Option<AutoCommit>,
            &ActorId,
        ) -> Result<AutoCommit, pingan_shared::document::DocumentError>,
    ) -> anyhow::Result<()> {
        let (local, before, acknowledged, refused_at) = match self.documents.remove(id) {
            Some(mut held) => (
                Some(held.doc.clone()),
                held.doc.get_heads(),
                held.acknowledged,
                held.refused_at,
            ),
            None => (None, Vec::new(), Vec::new(), None),
        };
        let mut doc = merge(local, &self.actor)?;
        let after = doc.get_heads();
        let acknowledged = replica::acknowledged_after_download(&before, &acknowledged, &after);
        self.documents.insert(
            id.to_owned(),
            Held {
                doc,
                acknowledged,
                refused_at,
            },
        );
        Ok(())
    }
}
