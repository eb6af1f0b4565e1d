//! Sync between a device and the township server.
//!
//! - [`protocol`]: the request/response messages and their CBOR encoding.
//! - [`replica`]: the device side — one sync state machine the phone, the simulated devices
//!   and the benchmarks all run — and the pure merge rules beneath it.
//! - [`storage`]: the small trait a device's storage implements for the replica.
//! - [`memory`]: that storage in memory, with injectable faults, for tests and benchmarks.

pub mod memory;
pub mod protocol;
pub mod replica;
pub mod storage;
