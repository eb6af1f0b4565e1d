//! Tools the build and the checks need beyond cargo. Each is installed when
//! missing only where that cannot surprise anyone (rustup targets always; Debian
//! packages only as root, which is how CI runs), otherwise we say what to install.

use std::env;
use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::{on_path, run_cmd, target_dir};

const WASM_TARGET: &str = "wasm32-unknown-unknown";

pub fn ensure_wasm_target() -> Result<()> {
    if !on_path("rustup") {
        eprintln!("note: rustup not found; assuming {WASM_TARGET} is provided another way");
        return Ok(());
    }
    let out = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .context("could not run `rustup target list --installed`")?;
    if String::from_utf8_lossy(&out.stdout)
        .lines()
        .any(|l| l.trim() == WASM_TARGET)
    {
        return Ok(());
    }
    run_cmd(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

/// binaryen from npm rather than Debian: Debian's wasm-opt emits modules that
/// fail at run time. `None` means "ship unoptimised", which still works.
pub fn wasm_opt() -> Option<PathBuf> {
    let tools = target_dir().join("tools");
    let bin = tools.join("node_modules/.bin/wasm-opt");
    if bin.is_file() {
        return Some(bin);
    }
    if !on_path("npm") {
        eprintln!("warning: npm not found, so no wasm-opt; the app ships unoptimised");
        return None;
    }
    let installed = std::fs::create_dir_all(&tools).is_ok()
        && run_cmd(
            Command::new("npm")
                .args([
                    "install",
                    "--no-save",
                    "--no-audit",
                    "--no-fund",
                    "--prefix",
                ])
                .arg(&tools)
                .arg("binaryen@132"),
        )
        .is_ok();
    if installed && bin.is_file() {
        Some(bin)
    } else {
        eprintln!("warning: could not install binaryen from npm; the app ships unoptimised");
        None
    }
}

pub fn chromium() -> Result<PathBuf> {
    let path = PathBuf::from(env::var_os("CHROMIUM").unwrap_or_else(|| "/usr/bin/chromium".into()));
    if !path.is_file() {
        install_debian(&["chromium", "chromium-driver"], "Chromium")?;
    }
    if !path.is_file() {
        bail!("Chromium is still missing at {}", path.display());
    }
    Ok(path)
}

pub fn ensure_node() -> Result<()> {
    if !(on_path("node") && on_path("npm")) {
        install_debian(&["nodejs", "npm"], "Node.js and npm")?;
    }
    Ok(())
}

fn install_debian(packages: &[&str], what: &str) -> Result<()> {
    let list = packages.join(" ");
    if !(is_root() && on_path("apt-get")) {
        bail!("{what} is required for the browser tests: run `sudo apt-get install {list}`");
    }
    eprintln!("{what} is missing; installing Debian packages: {list}");
    run_cmd(Command::new("apt-get").arg("update"))?;
    run_cmd(
        Command::new("apt-get")
            .args(["install", "-y"])
            .args(packages)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}
