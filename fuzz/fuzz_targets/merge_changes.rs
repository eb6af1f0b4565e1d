//! Any bytes as one document's uploaded changes, merged into a new document and onto a
//! stored record: accepted within the limits or refused, never a panic out of the server's
//! code. A panic inside Automerge that `merge_upload` turns into a refusal is not a crash, so
//! the panic hook is quiet; one escaping the entry point still aborts (libfuzzer-sys catches
//! the unwind) and is reported.
#![no_main]

libfuzzer_sys::fuzz_target!(
    init: std::panic::set_hook(Box::new(|_| {})),
    |data: &[u8]| {
        pingan_server::fuzzing::merge_changes(data);
    }
);
