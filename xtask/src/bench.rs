//! `cargo xtask bench-app`: the field app's benchmark in headless Chromium (issue 5) — a
//! device holding a village of 3,000 households and ~10,000 people: download rate, time to
//! an interactive household list, save-to-commit latency, and the shipped app's size. Prints
//! figures; BENCHMARKS.md records them. Not part of `cargo xtask test`: timings are not tests.

use anyhow::Result;

pub fn bench_app() -> Result<()> {
    crate::browser_script("tests/browser/bench/app.bench.mjs")
}
