//! Harness for end-to-end tests: a real `pingan-server` and simulated field devices that work
//! offline and sync exactly as the app does: they run the shared replica core over memory
//! storage with injectable faults.
//!
//! - [`server`]: the server with a fresh SQLite database, over HTTP on loopback or in-process.
//! - [`converged`]: the end state the convergence tests assert.
//! - [`device`]: a worker and a network around the shared replica core.
//! - [`proxy`]: a fault-injecting TCP proxy: a 2G link's delay and bandwidth, connections cut
//!   at random bytes or stalled.

pub mod converged;
pub mod device;
pub mod proxy;
pub mod server;

pub use converged::assert_converged;
pub use device::Device;
pub use server::{TestServer, WireBytes, post_sync, post_sync_measured};
