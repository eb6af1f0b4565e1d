//! Harness for end-to-end tests: a real `pingan-server` and simulated field devices that work
//! offline and sync exactly as the app does, through the shared sans-IO engine.
//!
//! - [`server`]: the server with a fresh SQLite database, over HTTP on loopback or in-process.
//! - [`device`]: an in-memory device: Automerge documents, acknowledged heads, the engine.

pub mod device;
pub mod server;

pub use device::Device;
pub use server::{TestServer, WireBytes, post_sync, post_sync_measured};
