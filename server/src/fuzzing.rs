//! The hostile-input entry points, shared by the fuzz targets (`fuzz/`, run with `cargo fuzz`),
//! their regression replay (`tests/fuzz_crashers.rs`, every kept crasher) and the bounded
//! property tests: whatever bytes arrive, decoding a sync request and merging an upload answer
//! with a value or a refusal — never a panic, an unbounded allocation or a stored document
//! that breaks the limits.

use std::sync::LazyLock;

use automerge::ActorId;
use pingan_shared::document;
use pingan_shared::records::Authorship;
use pingan_shared::records::person::Person;
use pingan_shared::sync::protocol::{self, SyncRequest};

use crate::merge::merge_upload;
use crate::strict;

/// 2026-01-01T00:00:00Z: a fixed clock, so a crasher replays the same way on any day.
pub const NOW_MS: i64 = 1_767_225_600_000;

/// Splits one fuzz input into encoded changes.
pub const CHANGE_SEPARATOR: &[u8] = b"\xde\xad\xbe\xef";

/// Decodes `data` as the body of `POST /api/sync`.
pub fn decode_sync_request(data: &[u8]) {
    if let Ok(request) = protocol::decode::<SyncRequest>("sync request", data) {
        // What the server reads of a request it could decode.
        for upload in &request.documents {
            let _ = document::DocumentId::parse(&upload.document_id);
        }
    }
}

/// A stored person record every upload is also merged onto.
static STORED: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let by = Authorship {
        village: "xingfu".into(),
        created_by: "worker".into(),
        created_at_ms: NOW_MS - 86_400_000,
    };
    document::create(
        ActorId::from([1u8; 16].as_slice()),
        &Person::new(&by, "李四"),
    )
    .save()
});

/// Merges `data`, read as encoded changes separated by [`CHANGE_SEPARATOR`], into a new
/// document and onto a stored record; anything accepted must reload and keep the limits.
pub fn merge_changes(data: &[u8]) {
    let changes: Vec<Vec<u8>> = split(data).map(<[u8]>::to_vec).collect();
    for stored in [None, Some(STORED.as_slice())] {
        if let Ok(merged) = merge_upload(stored, &changes, NOW_MS) {
            let doc = document::load(&merged.data).expect("an accepted document reloads");
            assert_eq!(strict::errors(&doc, merged.record_type), vec![]);
        }
    }
}

fn split(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(data);
    std::iter::from_fn(move || {
        let current = rest?;
        match current
            .windows(CHANGE_SEPARATOR.len())
            .position(|w| w == CHANGE_SEPARATOR)
        {
            Some(at) => {
                rest = Some(&current[at + CHANGE_SEPARATOR.len()..]);
                Some(&current[..at])
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_split_on_the_separator() {
        let parts: Vec<&[u8]> = split(b"ab\xde\xad\xbe\xefcd").collect();
        assert_eq!(parts, [b"ab".as_slice(), b"cd".as_slice()]);
        assert_eq!(split(b"").count(), 1);
    }
}
