//! Ledgers (台账) through the HTTP API, read back from the XLSX (calamine) and CSV and checked
//! against the records that went in; the annual figures against counts worked out by hand;
//! ID and phone numbers starred unless an admin asks; files named by their Chinese title.
//!
//! One file per ledger, over the records of [`fixture::fill`]:
//!
//! - `disputes.rs`: 矛盾纠纷排查调处台账 and its township summary.
//! - `registers.rs`: the registers of floating residents, rental houses and outreach visits.
//! - `figures.rs`: the annual figures (年度数据).
//! - `access.rs`: who may download, which periods, starred numbers, file names.

#[path = "../support/mod.rs"]
mod support;

mod access;
mod disputes;
mod figures;
mod fixture;
mod registers;
