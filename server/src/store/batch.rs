//! How one upload's changes to one document are stored: a single feed entry.
//!
//! An upload of a day's work brings thousands of small changes; one row each made index
//! maintenance the largest cost of a merge on PostgreSQL (three index entries per change).
//! One row per document per upload holds the same facts — who, which device, when, which
//! changes — with a tenth of the rows. Devices still receive individual changes: the feed
//! splits a batch back into them.
//!
//! Layout of the `data` column: for each change, its length as 4 bytes big-endian, then its
//! bytes. `hashes` is the changes' 32-byte hashes, concatenated in the same order. Migration
//! `0003_change_batches` wrote every older single-change row in this layout.

use super::{ChangeRecord, StoreError};

/// One stored batch ready to insert.
pub struct PackedBatch {
    pub hashes: Vec<u8>,
    pub data: Vec<u8>,
    pub count: i64,
}

pub fn pack(changes: &[ChangeRecord<'_>]) -> PackedBatch {
    let mut hashes = Vec::with_capacity(changes.len() * 32);
    let mut data = Vec::with_capacity(changes.iter().map(|c| 4 + c.data.len()).sum());
    for change in changes {
        hashes.extend_from_slice(change.hash);
        let length = u32::try_from(change.data.len())
            .expect("an upload is far below 4 GiB, so one change is too");
        data.extend_from_slice(&length.to_be_bytes());
        data.extend_from_slice(change.data);
    }
    PackedBatch {
        hashes,
        data,
        count: changes.len() as i64,
    }
}

/// The changes of a stored batch, in the order they were written (causal order).
pub fn unpack(mut data: &[u8]) -> Result<Vec<Vec<u8>>, StoreError> {
    let mut changes = Vec::new();
    while !data.is_empty() {
        let Some((length, rest)) = data.split_first_chunk::<4>() else {
            return Err(StoreError::Corrupt(format!(
                "change batch ends inside a length prefix ({} bytes left)",
                data.len()
            )));
        };
        let length = u32::from_be_bytes(*length) as usize;
        if rest.len() < length {
            return Err(StoreError::Corrupt(format!(
                "change batch says {length} bytes follow but holds {}",
                rest.len()
            )));
        }
        let (change, rest) = rest.split_at(length);
        changes.push(change.to_vec());
        data = rest;
    }
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record<'a>(hash: &'a [u8], data: &'a [u8]) -> ChangeRecord<'a> {
        ChangeRecord { hash, data }
    }

    #[test]
    fn a_batch_unpacks_into_the_changes_it_was_packed_from_in_order() {
        let (h1, h2, h3) = ([1u8; 32], [2u8; 32], [3u8; 32]);
        let big = vec![7u8; 70_000];
        let changes = [record(&h1, b"first"), record(&h2, b""), record(&h3, &big)];
        let packed = pack(&changes);
        assert_eq!(packed.count, 3);
        assert_eq!(packed.hashes, [h1, h2, h3].concat());
        let unpacked = unpack(&packed.data).unwrap();
        assert_eq!(unpacked, vec![b"first".to_vec(), Vec::new(), big]);
    }

    #[test]
    fn a_lone_change_in_the_migrated_layout_unpacks() {
        let mut row = 3u32.to_be_bytes().to_vec();
        row.extend_from_slice(b"abc");
        assert_eq!(unpack(&row).unwrap(), vec![b"abc".to_vec()]);
    }

    #[test]
    fn truncated_batches_are_reported_not_misread() {
        assert!(matches!(unpack(&[0, 0, 1]), Err(StoreError::Corrupt(_))));
        let mut row = 10u32.to_be_bytes().to_vec();
        row.extend_from_slice(b"short");
        assert!(matches!(unpack(&row), Err(StoreError::Corrupt(_))));
    }
}
