//! `cargo xtask test`: every check CI runs, cheapest first, stopping at the
//! first failure so the message names the step that broke.

use std::fs;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::{cargo, dist, root, run_cmd, target_dir, toolchain};

/// The office screens' code and the test-only trap are checked, and their unit tests run, with
/// everything else; one feature set for clippy and the tests, so the workspace is built once.
const FEATURES: &str = "pingan-app/office,pingan-app/test-trap";

pub fn test() -> Result<()> {
    let started = Instant::now();
    step("wasm target", toolchain::ensure_wasm_target)?;
    step("formatting", || {
        run_cmd(cargo().args(["fmt", "--all", "--check"]))
    })?;
    step("clippy", || {
        run_cmd(cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--features",
            FEATURES,
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    step("native tests", native_tests)?;
    step("dist", || dist::dist().map(|_| ()))?;
    step("test-trap build", || dist::test_trap().map(|_| ()))?;
    step("server build", || crate::build_server().map(|_| ()))?;
    step("browser tests", browser_tests)?;
    eprintln!(
        "\nxtask test: every step passed ({:.0?})",
        started.elapsed()
    );
    Ok(())
}

fn step(name: &str, check: impl FnOnce() -> Result<()>) -> Result<()> {
    eprintln!("\n==> {name}");
    check().with_context(|| format!("step `{name}` failed"))
}

fn native_tests() -> Result<()> {
    // nextest's output is easier to read, but plain cargo test checks the same.
    if cargo()
        .args(["nextest", "--version"])
        .output()
        .is_ok_and(|o| o.status.success())
    {
        run_cmd(cargo().args(["nextest", "run", "--workspace", "--features", FEATURES]))
    } else {
        run_cmd(cargo().args(["test", "--workspace", "--features", FEATURES]))
    }
}

fn browser_tests() -> Result<()> {
    let chromium = toolchain::chromium()?;
    toolchain::ensure_node()?;
    let dir = root().join("tests/browser");
    let install = if dir.join("package-lock.json").is_file() {
        "ci"
    } else {
        "install"
    };
    run_cmd(
        Command::new("npm")
            .args([install, "--no-audit", "--no-fund"])
            .current_dir(&dir),
    )?;

    let server = target_dir().join("debug/pingan-server");
    let assets = target_dir().join("dist");
    let trap_assets = target_dir().join("dist-test-trap");
    if !server.is_file() {
        bail!("{} is missing", server.display());
    }
    // Listed explicitly: how `node --test` reads a directory argument differs between Node versions.
    let mut tests: Vec<PathBuf> = fs::read_dir(&dir)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    tests.retain(|p| p.to_string_lossy().ends_with(".test.mjs"));
    tests.sort();
    if tests.is_empty() {
        bail!("no *.test.mjs files in {}", dir.display());
    }
    run_cmd(
        Command::new("node")
            .args(["--test", "--test-concurrency=1"])
            .args(&tests)
            .current_dir(root())
            .env("PINGAN_SERVER_BIN", server)
            .env("PINGAN_ASSETS", assets)
            // The field app with a way to make it trap, and its symbol maps (crash reports).
            .env("PINGAN_TEST_TRAP_SYMBOLS", dist::symbols_dir(&trap_assets))
            .env("PINGAN_TEST_TRAP_ASSETS", trap_assets)
            .env("CHROMIUM", chromium),
    )
}
