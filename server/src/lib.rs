//! The township's sync server.
//!
//! A device uploads the changes it made offline; the server merges them into the master copy,
//! validates the merged record, commits, and only then acknowledges.
//!
//! # Layout
//!
//! - [`accounts`]: roles, village scopes, Argon2 passwords, bearer tokens.
//! - [`http`]: the axum router — one module per endpoint group, one error type
//!   ([`http::ApiError`]) mapped to HTTP once.
//!   - `http/auth.rs`: login, logout, and the extractors a handler takes — `Token`,
//!     `Authenticated` (device-checked), `Staff` (reviewers and admins) — so a forgotten
//!     check does not compile.
//!   - `http/throttle.rs`: login rate limits and the Argon2 pool.
//!   - `http/surface.rs`: security headers, `no-store`, one JSON error body for every error.
//!   - `http/sync.rs`: `POST /api/sync`.
//!   - `http/ledgers.rs`, `http/reports.rs`: the 台账 downloads and the year-end report.
//!   - `http/assets.rs`: the built field app, precompressed.
//! - [`sync`]: one round trip — `upload.rs` (merge, validate, commit) then `download.rs`
//!   (saved documents for a new device, else the change feed after its position).
//! - [`merge`]: pure — apply uploaded changes to a stored document and validate the result.
//! - [`strict`]: pure — what a record may hold beyond its shape: no unknown keys, bounded
//!   strings, lists and uploads, office-only fields, plausible device times.
//! - [`fuzzing`]: the hostile-input entry points the fuzz targets (`fuzz/`) and their
//!   regression replay drive.
//! - [`metrics`]: Prometheus figures, served only on `--metrics-listen`.
//! - [`history`]: pure — a record's history from its feed entries: fields each upload changed,
//!   the record at any entry, the field-level diff since an approved version.
//! - [`crashes`]: crash reports from the field app — read from a sync request (bounded, no
//!   record text), kept, and listed with frames named through the build's symbol map.
//! - [`conflicts`]: pure — fields with concurrent values, and writing the reviewer's choice.
//! - [`dashboard`]: pure — disputes by village, status and level; cases to chase, overdue first.
//! - [`duplicates`]: people registered twice (same ID number) and merging them.
//! - [`ledgers`]: pure — the 台账 registers and annual figures for a period; `xlsx.rs`/`csv.rs`
//!   write them; `source.rs` reads the records.
//! - [`report`]: the year-end report (年度总结报告) — `compose.rs` (pure: the seed report's
//!   sections with figures from the records and an appendix table per figure), `docx.rs`
//!   (laid out as a 公文); served by `http/reports.rs`.
//! - [`office`]: saving the office's own edits (settled conflicts, merges) as signed changes.
//! - [`review`]: the township office's review queue — approve or return a record version.
//! - [`store`]: the master copy, in SQLite or PostgreSQL behind one interface.
//! - [`demo`]: fills an empty database with a generated demo township and demo accounts.
//! - `main.rs`: the `pingan-server` command line (`serve`, `households`, `crashes`, `backup`,
//!   `restore`, `village`, `user`).

pub mod accounts;
pub mod conflicts;
pub mod crashes;
pub mod dashboard;
pub mod demo;
pub mod duplicates;
pub mod fuzzing;
pub mod history;
pub mod http;
pub mod ledgers;
pub mod merge;
pub mod metrics;
pub mod office;
pub mod report;
pub mod review;
pub mod store;
pub mod strict;
pub mod sync;

pub use http::{AppState, router};
pub use store::Store;
