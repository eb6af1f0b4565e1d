//! Every input a fuzz target ever failed on (`tests/fuzz-crashers/<target>/`, kept as
//! regression fixtures), replayed through the same entry points; and a bounded property-based
//! variant of the fuzzing that runs with every `cargo test`: random and mutated uploads and
//! sync bodies are refused or accepted, never a panic.

use std::path::Path;

use automerge::ActorId;
use automerge::transaction::Transactable;
use pingan_server::fuzzing::{CHANGE_SEPARATOR, decode_sync_request, merge_changes};
use pingan_shared::document;
use pingan_shared::records::Authorship;
use pingan_shared::records::household::Household;
use pingan_shared::sync::protocol::{self, DocumentChanges, Position, SyncRequest};
use proptest::prelude::*;

fn replay(target: &str, run: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-crashers")
        .join(target);
    let mut replayed = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            continue;
        }
        run(&std::fs::read(&path).unwrap());
        replayed += 1;
    }
    replayed
}

#[test]
fn every_kept_sync_request_crasher_is_answered() {
    replay("decode_sync_request", decode_sync_request);
}

#[test]
fn every_kept_upload_crasher_is_answered() {
    replay("merge_changes", merge_changes);
}

/// A valid household's changes, as a device would send them.
fn valid_changes() -> Vec<Vec<u8>> {
    let by = Authorship {
        village: "xingfu".into(),
        created_by: "worker".into(),
        created_at_ms: pingan_server::fuzzing::NOW_MS - 3_600_000,
    };
    let mut doc = document::create(
        ActorId::from([3u8; 16].as_slice()),
        &Household::new(&by, "1组", "幸福村1组1号", "王建国"),
    );
    doc.put(automerge::ROOT, "joint_defence_group", "一组")
        .unwrap();
    document::changes_since(&mut doc, &[])
}

fn joined(changes: &[Vec<u8>]) -> Vec<u8> {
    changes.join(CHANGE_SEPARATOR)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic_the_decoder_or_the_merge(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        decode_sync_request(&data);
        merge_changes(&data);
    }

    /// Valid changes with bytes flipped, cut or inserted: the checksum or the decoder refuses
    /// most; nothing may panic.
    #[test]
    fn mutated_changes_never_panic_the_merge(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0..3u8), 1..8)
    ) {
        let mut data = joined(&valid_changes());
        for (at, byte, kind) in edits {
            let at = at.index(data.len().max(1));
            match kind {
                0 if at < data.len() => data[at] = byte,
                1 => data.insert(at.min(data.len()), byte),
                _ => data.truncate(at.max(1)),
            }
        }
        merge_changes(&data);
    }

    /// Sync bodies with a valid shape and random values.
    #[test]
    fn random_sync_requests_decode_or_are_refused(
        device in ".{0,40}",
        seq in any::<u64>(),
        ids in proptest::collection::vec("[0-9a-f]{0,40}", 0..4),
        cut in any::<prop::sample::Index>(),
    ) {
        let request = SyncRequest {
            device_id: device,
            position: Position::Feed { seq },
            documents: ids
                .into_iter()
                .map(|document_id| DocumentChanges { document_id, changes: Vec::new() })
                .collect(),
            crash_reports: Vec::new(),
        };
        let bytes = protocol::encode(&request);
        decode_sync_request(&bytes);
        decode_sync_request(&bytes[..cut.index(bytes.len().max(1))]);
    }
}

#[test]
fn valid_changes_are_accepted_by_the_fuzzed_entry_point() {
    // The seed the mutations start from is itself accepted, so they explore near valid input.
    let changes = valid_changes();
    assert!(
        pingan_server::merge::merge_upload(None, &changes, pingan_server::fuzzing::NOW_MS).is_ok()
    );
    merge_changes(&joined(&changes));
}
