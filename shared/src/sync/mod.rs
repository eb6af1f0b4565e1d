//! Sync between a device and the township server.
//!
//! - [`protocol`]: the request/response messages and their CBOR encoding.
//! - [`engine`]: the device side as a sans-IO state machine.
//! - [`replica`]: merging what the server sends into the device's documents.

pub mod engine;
pub mod protocol;
pub mod replica;
