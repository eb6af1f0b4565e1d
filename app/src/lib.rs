//! The app: a Leptos client-side-rendered WebAssembly app that a village worker uses door to
//! door, mostly without signal — and, built with the `office` feature, the township office's
//! bundle (`office.html`: the same app plus the review screens; decision 16).
//!
//! Records are Automerge documents kept in the browser's IndexedDB; the UI reads and writes
//! only the device, never waiting on the network. Sync uploads what the server has not yet
//! acknowledged whenever there is a connection.
//!
//! # Layout
//!
//! - [`store`]: the device's IndexedDB — one database per worker (documents, the list index
//!   beside them: [`store::index`], one compact summary per record, written in the same
//!   transaction), every row sealed under the worker's data key ([`store::seal`]); and the
//!   phone's own database ([`store::device`]: device id, keyring). Every save commits before
//!   the UI says "saved"; edits are Automerge changes to the stored document, so concurrent
//!   edits merge.
//! - [`unlock`]: first login online, offline unlock with the password, logout, sealing when
//!   the server disables the account.
//! - [`api`]: HTTP to the server — login/logout and the office's calls (JSON), sync (CBOR).
//! - [`sync`]: sync over HTTP, run by the shared replica core over IndexedDB.
//! - [`crash`]: crash reports the page wrote (`crash.js`), handed to the next sync.
//! - [`error`]: the app's one error type, worded for the worker.
//! - [`ui`]: Leptos components, one module per record type — `households` (list by village
//!   and group with search, the door form), `household_detail` (the household page with its
//!   members), `floating` (流动人口 list and registration: ID number decoding, rented house and
//!   employer), `duplicates` (the possible-duplicate warning both person forms show),
//!   `rental_houses` (tenants, letter, safety check), `disputes` (list overdue first, every
//!   lifecycle step), `visits` (households visited, problems and outcomes) — plus `sync_bar`
//!   (connection, pending and refused records, storage warning), `returned` (records the office
//!   sent back, with its comment), `form` (field errors, inputs, the remembered village, list
//!   ordering) and `login`.
//! - `office` (feature `office` only): the township office's screens — review queue, diff and
//!   verdicts, conflicts, history, disputes dashboard, statistics and charts, duplicates,
//!   ledgers.
//!
//! The static shells (`index.html`, `office.html`, `style.css`, `office.css`, `sw.js`,
//! `crash.js` — the recovery screen and crash reports — and `manifest.webmanifest`) sit beside
//! `src/`; `cargo xtask dist` bundles them with the wasm.

pub mod api;
pub mod crash;
pub mod error;
#[cfg(feature = "office")]
pub mod office;
pub mod store;
pub mod sync;
pub mod ui;
pub mod unlock;

use wasm_bindgen::prelude::*;

/// Entry point called by the wasm-bindgen glue once the module is instantiated.
#[wasm_bindgen(start)]
pub fn start() {
    // A shipped build stops at a panic without formatting one (decision 18): no hook to set.
    #[cfg(not(panic = "immediate-abort"))]
    console_error_panic_hook::set_once();
    // Not leptos::task::spawn_local: Leptos sets up its executor only when mounting.
    wasm_bindgen_futures::spawn_local(async {
        match store::device::Device::open().await {
            Ok(device) => leptos::mount::mount_to_body(move || ui::App(ui::AppProps { device })),
            Err(error) => leptos::mount::mount_to_body(move || {
                ui::StorageUnavailable(ui::StorageUnavailableProps { error })
            }),
        }
    });
}
