//! Sync between a device and the township server.

pub mod protocol;
