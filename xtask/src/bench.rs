//! `cargo xtask bench-app`: the field app's benchmark in headless Chromium (issue 5) — a
//! device holding a village of 3,000 households and ~10,000 people: download rate, time to
//! an interactive household list, save-to-commit latency, and the shipped app's size. Prints
//! figures; BENCHMARKS.md records them. Not part of `cargo xtask test`: timings are not tests.

use std::process::Command;

use anyhow::Result;

use crate::{dist, root, run_cmd, target_dir, toolchain};

pub fn bench_app() -> Result<()> {
    dist::dist()?;
    let server = crate::build_server()?;
    let chromium = toolchain::chromium()?;
    toolchain::ensure_node()?;
    let dir = root().join("tests/browser");
    run_cmd(
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir),
    )?;
    run_cmd(
        Command::new("node")
            .arg("tests/browser/bench/app.bench.mjs")
            .current_dir(root())
            .env("PINGAN_SERVER_BIN", server)
            .env("PINGAN_ASSETS", target_dir().join("dist"))
            .env("CHROMIUM", chromium),
    )
}
