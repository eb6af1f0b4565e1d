//! Merging downloads into a device's own documents. Pure: the caller loads the local copy from
//! its store, calls these, and writes the result back in the same transaction.

use automerge::{ActorId, AutoCommit, ChangeHash};

use crate::document::{self, DocumentError};
use crate::sync::storage::same_heads;

/// Merges a saved document from the server into the device's copy. A document the device did
/// not have becomes its copy, signed by `actor` for any edit the device makes later.
pub fn merge_saved(
    local: Option<AutoCommit>,
    saved: &[u8],
    actor: &ActorId,
) -> Result<AutoCommit, DocumentError> {
    match local {
        Some(mut doc) => {
            doc.load_incremental(saved)
                .map_err(|e| DocumentError::Undecodable(crate::document::cause(&e)))?;
            Ok(doc)
        }
        None => Ok(document::load(saved)?.with_actor(actor.clone())),
    }
}

/// Applies changes from the server to the device's copy (or to a new, empty one).
pub fn merge_changes(
    local: Option<AutoCommit>,
    changes: &[Vec<u8>],
    actor: &ActorId,
) -> Result<AutoCommit, DocumentError> {
    let mut doc = local.unwrap_or_else(|| AutoCommit::new().with_actor(actor.clone()));
    doc.apply_changes(document::decode_changes(changes)?)
        .map_err(|e| DocumentError::Undecodable(crate::document::cause(&e)))?;
    Ok(doc)
}

/// The acknowledged heads of a document after a download was merged into it.
///
/// Everything the server sends, it has. So when the device had nothing unacknowledged before
/// the merge, everything after it is acknowledged, and the downloaded changes are never sent
/// back. With local edits still pending the old heads stay: the next upload then resends a few
/// downloaded changes with them, which is harmless and rare.
pub fn acknowledged_after_download(
    heads_before: &[ChangeHash],
    acknowledged: &[ChangeHash],
    heads_after: &[ChangeHash],
) -> Vec<ChangeHash> {
    if same_heads(heads_before, acknowledged) {
        heads_after.to_vec()
    } else {
        acknowledged.to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::Authorship;
    use crate::records::household::Household;

    fn household(head: &str) -> Household {
        let by = Authorship {
            village: "xingfu".into(),
            created_by: "worker1".into(),
            created_at_ms: 0,
        };
        Household::new(&by, "3组", "幸福村3组12号", head)
    }

    #[test]
    fn downloads_onto_a_fully_acknowledged_document_are_acknowledged_too() {
        let (a, b, c) = (
            ChangeHash([1; 32]),
            ChangeHash([2; 32]),
            ChangeHash([3; 32]),
        );
        assert_eq!(acknowledged_after_download(&[a], &[a], &[b]), vec![b]);
        // A local edit `c` not yet acknowledged: keep what the server is known to have.
        assert_eq!(acknowledged_after_download(&[c], &[a], &[b]), vec![a]);
        // A document new to the device: nothing local, everything downloaded is known.
        assert_eq!(acknowledged_after_download(&[], &[], &[b]), vec![b]);
    }

    #[test]
    fn a_downloaded_document_becomes_the_devices_own_copy() {
        let mut server_copy =
            document::create(ActorId::from([1u8; 16].as_slice()), &household("王建国"));
        let mine = ActorId::from([9u8; 16].as_slice());
        let mut doc = merge_saved(None, &server_copy.save(), &mine).unwrap();
        assert_eq!(doc.get_actor(), &mine);
        assert_eq!(doc.get_heads(), server_copy.get_heads());
    }

    #[test]
    fn downloaded_changes_merge_with_local_edits() {
        let actor_a = ActorId::from([1u8; 16].as_slice());
        let actor_b = ActorId::from([2u8; 16].as_slice());
        let mut theirs = document::create(actor_a, &household("王建国"));
        let mut mine = merge_saved(None, &theirs.save(), &actor_b).unwrap();
        let base = theirs.get_heads();

        let mut edited = household("王建国");
        edited.joint_defence_group = Some("3组第2联防组".into());
        document::update(&mut theirs, &edited);
        let mut local = household("王建国");
        local.address = "幸福村3组14号".into();
        document::update(&mut mine, &local);

        let changes = document::changes_since(&mut theirs, &base);
        let merged = merge_changes(Some(mine), &changes, &actor_b).unwrap();
        let result: Household = document::read(&merged).unwrap();
        assert_eq!(result.address, "幸福村3组14号");
        assert_eq!(result.joint_defence_group.as_deref(), Some("3组第2联防组"));
    }
}
