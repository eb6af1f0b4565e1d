//! Any bytes as one document's uploaded changes, merged into a new document and onto a
//! stored record: accepted within the limits or refused, never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    pingan_server::fuzzing::merge_changes(data);
});
