//! [`DeviceStorage`] in memory, for the native tests, the convergence property and the
//! benchmarks, with the faults a phone's IndexedDB really has: a write that fails, a
//! transaction that aborts, a full quota. A crash between two pages is the test dropping its
//! [`super::replica::Replica`] and building a new one over the same storage: what was
//! committed stays, the page being written and everything only in memory is gone.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

use automerge::{ActorId, AutoCommit};

use super::protocol::Position;
use super::storage::{DeviceStorage, PageWrite, StorageError, StoredDocument, SyncState};
use crate::document;

/// A fault the storage will have when a page is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The commit fails (a disk error).
    WriteFails,
    /// The transaction is aborted before it commits (the browser killed it).
    Aborted,
    /// A document write exceeds the quota.
    QuotaExceeded,
}

#[derive(Debug, Clone, Default)]
struct Stored {
    documents: BTreeMap<String, (AutoCommit, SyncState)>,
    position: Position,
    /// The account's villages, as the last page that was told them stored them.
    villages: Vec<String>,
}

#[derive(Debug)]
pub struct MemoryStorage {
    device_id: String,
    actor: ActorId,
    committed: RefCell<Stored>,
    /// What each page stored from now on meets, in order; `None` stores normally.
    faults: RefCell<VecDeque<Option<Fault>>>,
    pages_committed: RefCell<usize>,
}

impl MemoryStorage {
    pub fn new(device_id: impl Into<String>, actor: ActorId) -> Self {
        Self {
            device_id: device_id.into(),
            actor,
            committed: RefCell::default(),
            faults: RefCell::default(),
            pages_committed: RefCell::new(0),
        }
    }

    /// The `nth` page stored from now on (1 is the next) meets `fault`; the pages before it
    /// store normally.
    pub fn fail_page(&self, nth: usize, fault: Fault) {
        let mut faults = self.faults.borrow_mut();
        if faults.len() < nth {
            faults.resize(nth, None);
        }
        faults[nth - 1] = Some(fault);
    }

    /// Forgets every scripted fault.
    pub fn heal(&self) {
        self.faults.borrow_mut().clear();
    }

    pub fn pages_committed(&self) -> usize {
        *self.pages_committed.borrow()
    }

    /// A save made on the device, outside sync: the document as the worker left it.
    pub fn save(&self, id: &str, doc: AutoCommit) {
        let mut committed = self.committed.borrow_mut();
        let state = committed
            .documents
            .remove(id)
            .map(|(_, state)| state)
            .unwrap_or_default();
        committed.documents.insert(id.to_owned(), (doc, state));
    }

    pub fn document(&self, id: &str) -> Option<AutoCommit> {
        let committed = self.committed.borrow();
        committed.documents.get(id).map(|(doc, _)| doc.clone())
    }

    pub fn sync_state(&self, id: &str) -> Option<SyncState> {
        let committed = self.committed.borrow();
        committed.documents.get(id).map(|(_, state)| state.clone())
    }

    pub fn document_ids(&self) -> Vec<String> {
        self.committed.borrow().documents.keys().cloned().collect()
    }

    pub fn stored_position(&self) -> Position {
        self.committed.borrow().position.clone()
    }

    pub fn stored_villages(&self) -> Vec<String> {
        self.committed.borrow().villages.clone()
    }

    /// Documents holding changes the server has not acknowledged (refused ones included).
    pub fn unacknowledged_count(&self) -> usize {
        let mut committed = self.committed.borrow_mut();
        committed
            .documents
            .values_mut()
            .filter_map(|(doc, state)| {
                let heads = doc.get_heads();
                (!state.is_acknowledged(&heads)).then_some(())
            })
            .count()
    }
}

impl DeviceStorage for MemoryStorage {
    type Page<'a> = MemoryPage<'a>;

    fn device_id(&self) -> String {
        self.device_id.clone()
    }

    fn actor(&self) -> ActorId {
        self.actor.clone()
    }

    async fn position(&self) -> Result<Position, StorageError> {
        Ok(self.stored_position())
    }

    async fn villages(&self) -> Result<Vec<String>, StorageError> {
        Ok(self.stored_villages())
    }

    async fn unacknowledged(&self) -> Result<Vec<StoredDocument>, StorageError> {
        let mut committed = self.committed.borrow_mut();
        Ok(committed
            .documents
            .iter_mut()
            .filter_map(|(id, (doc, state))| {
                let heads = doc.get_heads();
                (!state.is_acknowledged(&heads)).then(|| StoredDocument {
                    id: id.clone(),
                    doc: doc.clone(),
                    state: state.clone(),
                })
            })
            .collect())
    }

    fn begin_page(&self) -> Result<MemoryPage<'_>, StorageError> {
        let fault = self.faults.borrow_mut().pop_front().flatten();
        Ok(MemoryPage {
            storage: self,
            fault,
            documents: BTreeMap::new(),
            deleted: BTreeSet::new(),
            position: None,
            villages: None,
        })
    }
}

/// One page being stored: its writes, kept apart until the commit.
pub struct MemoryPage<'a> {
    storage: &'a MemoryStorage,
    fault: Option<Fault>,
    documents: BTreeMap<String, (AutoCommit, SyncState)>,
    /// Documents this page deletes (none of them is in `documents`).
    deleted: BTreeSet<String>,
    position: Option<Position>,
    villages: Option<Vec<String>>,
}

impl MemoryPage<'_> {
    fn read(&self, id: &str) -> Option<(AutoCommit, SyncState)> {
        if self.deleted.contains(id) {
            return None;
        }
        self.documents.get(id).cloned().or_else(|| {
            let committed = self.storage.committed.borrow();
            committed.documents.get(id).cloned()
        })
    }
}

impl PageWrite for MemoryPage<'_> {
    async fn document(&mut self, id: &str) -> Result<Option<StoredDocument>, StorageError> {
        Ok(self.read(id).map(|(doc, state)| StoredDocument {
            id: id.to_owned(),
            doc,
            state,
        }))
    }

    async fn update_state(
        &mut self,
        id: &str,
        change: impl FnOnce(&mut SyncState),
    ) -> Result<bool, StorageError> {
        let Some((doc, mut state)) = self.read(id) else {
            return Ok(false);
        };
        change(&mut state);
        self.documents.insert(id.to_owned(), (doc, state));
        Ok(true)
    }

    async fn put_document(
        &mut self,
        id: &str,
        doc: &mut AutoCommit,
        state: SyncState,
        _as_received: Option<&[u8]>,
    ) -> Result<(), StorageError> {
        if self.fault == Some(Fault::QuotaExceeded) {
            return Err(StorageError::QuotaExceeded(format!(
                "writing document {id} exceeds the quota"
            )));
        }
        self.deleted.remove(id);
        self.documents.insert(id.to_owned(), (doc.clone(), state));
        Ok(())
    }

    async fn put_position(&mut self, position: &Position) -> Result<(), StorageError> {
        self.position = Some(position.clone());
        Ok(())
    }

    async fn move_to_villages(&mut self, villages: &[String]) -> Result<usize, StorageError> {
        let ids: BTreeSet<String> = {
            let committed = self.storage.committed.borrow();
            committed
                .documents
                .keys()
                .chain(self.documents.keys())
                .cloned()
                .collect()
        };
        let mut forgotten = 0;
        for id in ids {
            let Some((mut doc, state)) = self.read(&id) else {
                continue;
            };
            let outside = document::village(&doc).is_some_and(|v| !villages.contains(&v));
            let sent = state.refused.is_none() && state.is_acknowledged(&doc.get_heads());
            if outside && sent {
                self.documents.remove(&id);
                self.deleted.insert(id);
                forgotten += 1;
            }
        }
        self.villages = Some(villages.to_vec());
        Ok(forgotten)
    }

    async fn commit(self) -> Result<(), StorageError> {
        match self.fault {
            Some(Fault::WriteFails) => {
                return Err(StorageError::Failed("the disk refused the write".into()));
            }
            Some(Fault::Aborted) => {
                return Err(StorageError::Failed("the transaction was aborted".into()));
            }
            Some(Fault::QuotaExceeded) | None => {}
        }
        let mut committed = self.storage.committed.borrow_mut();
        for id in &self.deleted {
            committed.documents.remove(id);
        }
        committed.documents.extend(self.documents);
        if let Some(position) = self.position {
            committed.position = position;
        }
        if let Some(villages) = self.villages {
            committed.villages = villages;
        }
        *self.storage.pages_committed.borrow_mut() += 1;
        Ok(())
    }
}
