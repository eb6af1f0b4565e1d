//! The end state every convergence test asserts once the link is quiet: nothing any device
//! made is lost, every device holds exactly its village's households at the master copy's
//! heads, has nothing left to send and stands at the newest feed entry.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Display;

use automerge::ChangeHash;
use pingan_server::store::Store;
use pingan_shared::document;
use pingan_shared::sync::protocol::Position;

use crate::Device;

/// Panics, naming the device and the household, unless `devices` and the master copy in
/// `store` have converged; `made` lists each household a device created, with the device.
pub async fn assert_converged(
    store: &Store,
    devices: &mut [Device],
    made: &[(impl Display, impl Display)],
) {
    let newest = store.feed_head().await.unwrap();
    let mut master: BTreeMap<String, (String, Vec<ChangeHash>)> = BTreeMap::new();
    for stored in store.documents_of_type("household").await.unwrap() {
        let mut doc = document::load(&stored.data).unwrap();
        master.insert(stored.id, (stored.village, doc.get_heads()));
    }
    for (id, device) in made {
        assert!(
            master.contains_key(&id.to_string()),
            "household {id} made on device {device} is lost"
        );
    }
    for (number, device) in devices.iter_mut().enumerate() {
        let village = device.village.clone();
        let expected: BTreeSet<String> = master
            .iter()
            .filter(|(_, (v, _))| *v == village)
            .map(|(id, _)| id.clone())
            .collect();
        let held: BTreeSet<String> = device.document_ids().into_iter().collect();
        assert_eq!(
            held, expected,
            "device {number} in {village} holds exactly its village's documents"
        );
        for id in &expected {
            assert_eq!(
                device.heads(id).as_ref(),
                Some(&master[id].1),
                "device {number}, document {id}"
            );
        }
        assert_eq!(
            device.unacknowledged_documents(),
            0,
            "device {number} has nothing left to send"
        );
        assert_eq!(
            device.storage().stored_position(),
            Position::Feed { seq: newest },
            "device {number} has every page"
        );
    }
}
