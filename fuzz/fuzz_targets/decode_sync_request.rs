//! Any bytes as the body of `POST /api/sync`: decoded or refused, never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    pingan_server::fuzzing::decode_sync_request(data);
});
