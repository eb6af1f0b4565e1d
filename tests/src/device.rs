//! A simulated field device: a worker who registers and edits households offline, and a
//! network that carries its syncs. Everything that is sync — what to send, what counts as
//! acknowledged, storing pages, the position — is the shared [`Replica`] the phone runs, over
//! [`MemoryStorage`] in place of IndexedDB (with the same faults available).

use std::net::SocketAddr;
use std::time::Duration;

use automerge::{ActorId, ChangeHash};
use pingan_shared::document::{self, DocumentId};
use pingan_shared::records::Authorship;
use pingan_shared::records::household::Household;
use pingan_shared::sync::memory::MemoryStorage;
use pingan_shared::sync::protocol::{Rejected, SyncRequest, SyncResponse};
use pingan_shared::sync::replica::{Failure, Next, Replica, Transport};

use crate::server::{SYNC_TIMEOUT, SyncRefused, TestServer, post_sync_within};

/// Enough rounds for any test township; a loop that needs more is a bug, not a big download.
const MAX_ROUNDS: usize = 1_000;

pub struct Device {
    pub device_id: String,
    pub village: String,
    /// The login token; empty until [`Device::log_in`].
    token: String,
    actor: ActorId,
    replica: Replica<MemoryStorage>,
    next_id: u32,
    /// Refusals received in stored pages, newest last.
    pub refusals: Vec<Rejected>,
}

impl Device {
    /// Device `number` of a worker in `village`.
    pub fn new(number: u8, village: &str) -> Self {
        let device_id = format!("device-{number}");
        let actor = ActorId::from([number; 16].as_slice());
        Self {
            replica: Replica::new(MemoryStorage::new(device_id.clone(), actor.clone())),
            device_id,
            village: village.into(),
            token: String::new(),
            actor,
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

    /// The device's storage, to inject faults into.
    pub fn storage(&self) -> &MemoryStorage {
        self.replica.storage()
    }

    /// The phone dies and restarts: what its storage committed survives, nothing else.
    pub fn crash(&mut self) {
        let fresh = Replica::new(MemoryStorage::new(
            self.device_id.clone(),
            self.actor.clone(),
        ));
        let storage = std::mem::replace(&mut self.replica, fresh).into_storage();
        self.replica = Replica::new(storage);
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
            created_at_ms: 1_700_000_000_000,
        };
        let doc = document::create(
            self.actor.clone(),
            &Household::new(&by, "1组", address, head),
        );
        self.storage().save(id.as_str(), doc);
        id
    }

    pub fn edit_household(&mut self, id: &DocumentId, edit: impl FnOnce(&mut Household)) {
        let mut doc = self
            .storage()
            .document(id.as_str())
            .expect("device holds the document");
        let mut household: Household =
            document::read(&doc).expect("device documents are households");
        edit(&mut household);
        document::update(&mut doc, &household);
        // Each edit is a save in the app: its own Automerge change.
        doc.commit();
        self.storage().save(id.as_str(), doc);
    }

    pub fn household(&self, id: &DocumentId) -> Option<Household> {
        self.storage()
            .document(id.as_str())
            .map(|doc| document::read(&doc).expect("device documents are households"))
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    pub fn document_ids(&self) -> Vec<String> {
        self.storage().document_ids()
    }

    pub fn heads(&mut self, id: &str) -> Option<Vec<ChangeHash>> {
        self.storage().document(id).map(|mut doc| doc.get_heads())
    }

    /// The request the phone would send now.
    pub async fn prepare(&mut self) -> anyhow::Result<SyncRequest> {
        Ok(self.replica.request().await?)
    }

    /// Stores an answer as the phone would; returns whether the server has more to send.
    pub async fn receive(&mut self, response: SyncResponse) -> anyhow::Result<bool> {
        let rejected = response.rejected.clone();
        let page = self.replica.receive(response).await?;
        self.refusals.extend(rejected);
        Ok(page.next == Next::Continue)
    }

    /// The request or its answer was lost.
    pub async fn lose_answer(&mut self) {
        self.replica.on_failure(Failure::Network).await;
    }

    pub fn unacknowledged_documents(&self) -> usize {
        self.storage().unacknowledged_count()
    }

    /// Syncs over HTTP until the server has nothing more to send, as the phone's sync button
    /// does; an error says why the run stopped.
    pub async fn sync(&mut self, server: SocketAddr) -> anyhow::Result<()> {
        self.sync_within(server, SYNC_TIMEOUT).await
    }

    /// [`Device::sync`] giving up on any request that takes longer than `timeout`.
    pub async fn sync_within(
        &mut self,
        server: SocketAddr,
        timeout: Duration,
    ) -> anyhow::Result<()> {
        let mut link = Http {
            server,
            token: self.token.clone(),
            timeout,
            refusals: Vec::new(),
        };
        let outcome = self.replica.sync(&mut link, MAX_ROUNDS, |_| {}).await;
        self.refusals.append(&mut link.refusals);
        match outcome.error {
            None => Ok(()),
            Some(error) => anyhow::bail!("{error}"),
        }
    }
}

/// Real HTTP to the test server, with the app's gzip.
struct Http {
    server: SocketAddr,
    token: String,
    timeout: Duration,
    refusals: Vec<Rejected>,
}

impl Transport for Http {
    type Error = String;

    async fn exchange(&mut self, request: SyncRequest) -> Result<SyncResponse, (Failure, String)> {
        match post_sync_within(self.server, &self.token, &request, self.timeout).await {
            Ok((response, _)) => {
                self.refusals.extend(response.rejected.iter().cloned());
                Ok(response)
            }
            Err(error) => {
                let failure = match error.downcast_ref::<SyncRefused>() {
                    Some(refused) => Failure::from_answer(refused.status, &refused.body),
                    None => Failure::Network,
                };
                Err((failure, error.to_string()))
            }
        }
    }
}
