//! The township's sync server.
//!
//! A device uploads the changes it made offline; the server merges them into the master copy,
//! validates the merged record, commits, and only then acknowledges.
//!
//! # Layout
//!
//! - [`http`]: the axum router — one module per endpoint group, one error type
//!   ([`http::ApiError`]) mapped to HTTP once.
//!   - `http/sync.rs`: `POST /api/sync`.
//!   - `http/assets.rs`: the built field app, precompressed.
//! - [`sync`]: one round trip — `upload.rs` (merge, validate, commit) then `download.rs`
//!   (saved documents for a new device, else the change feed after its position).
//! - [`merge`]: pure — apply uploaded changes to a stored document and validate the result.
//! - [`store`]: the master copy in SQLite (PostgreSQL to follow behind the same interface).
//! - `main.rs`: the `pingan-server` command line (`serve`, `households`).

pub mod http;
pub mod merge;
pub mod store;
pub mod sync;

pub use http::{AppState, router};
pub use store::Store;
