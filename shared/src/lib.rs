//! Pingan's shared core, compiled both for the server (native) and the field app (wasm32).
//!
//! Nothing here does I/O: no clock, socket, database or DOM. Callers pass in time, randomness
//! and bytes; everything returned is plain data. That is what lets the browser, the server and
//! the tests run exactly the same rules.
//!
//! # Layout
//!
//! - [`records`]: the township's records, one Automerge document each, mapped with autosurgeon.
//!   - [`records::household`]: a household (户).
//!   - [`records::screening_round`], [`records::patrol`], [`records::joint_defence_group`],
//!     [`records::key_person`], [`records::responsibility_letter`],
//!     [`records::publicity_activity`], [`records::standardisation_check`],
//!     [`records::contingency_plan`]: the rest of the township's work (issue 16), defined and
//!     validated but not yet accepted by the server or synced.
//!   - [`records::links`]: rules spanning records (tenants and their house, members and
//!     their household, what merging duplicate people rewrites), for the phone and the server.
//! - [`document`]: identifiers and the glue between a record and its Automerge document
//!   (create, read, the changes a device has not yet had acknowledged).
//! - [`generator`]: a realistic, deterministic township for demos, tests and benchmarks.
//! - [`validation`]: field-level errors in words a village worker can act on; ID numbers,
//!   phones, dates, and region names for ID numbers (`validation::region`).
//! - [`labels`]: what a clerk reads for stored fields and values (Chinese field names,
//!   vocabulary labels, China time, device names).
//! - [`search`]: matching a search box's partial input against records' list fields.
//! - [`session`]: the login messages (`POST /api/login`).
//! - [`review`]: the township office's review API messages (queue, diffs, history, conflicts,
//!   dashboard, duplicates, returned records), written by the server, read by the app.
//! - [`sync`]: the wire protocol between a device and the township server.
//!   - [`sync::protocol`]: request/response messages and their CBOR encoding.
//!   - [`sync::replica`]: the device's sync state machine, one core for the phone, the test
//!     devices and the benchmarks, over [`sync::storage::DeviceStorage`]
//!     ([`sync::memory`] in tests).

pub mod document;
pub mod generator;
pub mod labels;
pub mod privacy;
pub mod records;
pub mod review;
pub mod search;
pub mod session;
pub mod statistics;
pub mod sync;
pub mod validation;
