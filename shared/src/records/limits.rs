//! How large a record may be: the bounds the server enforces on every upload
//! (`docs/data-model.md`, "Limits"), beside the records so a client can refuse first.
//!
//! The field rules (`validate`) bound what a worker types; these bound what a document may
//! cost the server whoever wrote it: every string, every list, the bytes and operations one
//! upload brings, the stored document. Each is far above what a form can produce, so an
//! honest record never meets one. Constants only: code that never reads them costs the
//! field app nothing.

/// The encoded changes one upload brings for one document. A household registered with all
/// its members is a few kilobytes; a dispute with years of mediations some tens.
pub const MAX_UPLOAD_BYTES_PER_DOCUMENT: usize = 1024 * 1024;

/// Automerge operations one upload brings for one document, counted before they are
/// applied: a list of a million items is a one-megabyte change but a million operations,
/// and applying it is what costs memory (about 500 bytes each).
pub const MAX_OPS_PER_DOCUMENT_UPLOAD: usize = 20_000;

/// The stored document (`save()`) after an upload, history included.
pub const MAX_STORED_DOCUMENT_BYTES: usize = 4 * 1024 * 1024;

/// Characters of any string not named in [`LONG_TEXT`]; the longest such rule is 120
/// (addresses).
pub const MAX_TEXT_CHARS: usize = 200;

/// Free-text fields that may be long, by path with list indexes left out.
pub const LONG_TEXT: &[(&str, usize)] = &[
    ("summary", 2_000),
    ("mediations.actions", 2_000),
    ("escalations.reason", 2_000),
    ("closure.result", 2_000),
    ("reopenings.reason", 2_000),
    ("reopenings.previous_closure.result", 2_000),
    ("problems.summary", 2_000),
    // The records of issue 16, not yet accepted by the server: bounds ready for when they are.
    ("findings", 2_000),
    ("findings.summary", 2_000),
    ("visits.situation", 2_000),
    ("measures", 2_000),
];

/// Items of any list not named in [`LONG_LISTS`].
pub const MAX_LIST_ITEMS: usize = 100;

/// Lists that may be longer, by path with list indexes left out.
pub const LONG_LISTS: &[(&str, usize)] = &[
    // At most one tenant per room, and a house has at most 500 rooms.
    ("tenant_ids", 500),
    ("household_ids", 500),
    ("mediations", 500),
    ("problems", 500),
    // A key person visited monthly for eight years.
    ("visits", 500),
];

/// The earliest plausible `created_at_ms`, 2000-01-01T00:00:00Z: before it, the device's
/// clock was never set.
pub const EARLIEST_CREATED_AT_MS: i64 = 946_684_800_000;

/// How far past the server's clock a device's time may run before a record is refused. A
/// cheap phone days or months fast is common, and its records cannot be corrected (a form
/// never edits `created_at_ms`), so they are kept and placed at their receipt instead (the
/// ledgers); only a time no phone plausibly had (the year 2100, ±2^53) is refused.
pub const MAX_CLOCK_AHEAD_MS: i64 = 366 * 24 * 60 * 60 * 1000;

/// Bound on a string at `path` (list indexes left out).
pub fn max_chars(path: &str) -> usize {
    LONG_TEXT
        .iter()
        .find(|(p, _)| *p == path)
        .map_or(MAX_TEXT_CHARS, |(_, max)| *max)
}

/// Bound on a list at `path` (list indexes left out).
pub fn max_items(path: &str) -> usize {
    LONG_LISTS
        .iter()
        .find(|(p, _)| *p == path)
        .map_or(MAX_LIST_ITEMS, |(_, max)| *max)
}
