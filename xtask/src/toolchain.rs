//! Tools the build and the checks need beyond cargo. Each is installed when
//! missing only where that cannot surprise anyone (rustup targets always; Debian
//! packages only as root, which is how CI runs), otherwise we say what to install.
//!
//! `rust-toolchain.toml` pins the compiler (the size options are unstable) and names the
//! wasm target and `rust-src`, so rustup provides both with the toolchain; the checks below
//! still hold where rustup is absent or the file is ignored (`RUSTUP_TOOLCHAIN`, a distro's
//! rustc). Every `rustup` and `rustc` started here is the pinned one: cargo runs `xtask` in
//! the workspace with `RUSTUP_TOOLCHAIN` set by rustup's proxy.

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

/// rustc options that shrink the shipped wasm but are unstable (decision 18): a panic stops
/// the module at once instead of formatting a message, panic locations carry no file, line
/// or column, `{:?}` compiles to nothing, and the standard library is rebuilt for size with
/// the app (`-Zbuild-std`) instead of the speed-built copy rustup ships.
pub const SIZE_RUSTFLAGS: &[&str] = &[
    "-Zunstable-options",
    "-Cpanic=immediate-abort",
    "-Zlocation-detail=none",
    "-Zfmt-debug=none",
];
pub const SIZE_CARGO_ARGS: &[&str] = &["-Zbuild-std=std,panic_abort"];

/// `PINGAN_PLAIN_WASM=1`: a build for reading a panic's message, not for shipping.
pub fn plain_wasm_requested() -> bool {
    env::var_os("PINGAN_PLAIN_WASM").is_some()
}

/// Whether this compiler takes [`SIZE_RUSTFLAGS`] and has the standard library's source for
/// [`SIZE_CARGO_ARGS`]. The stable compiler accepts unstable options with `RUSTC_BOOTSTRAP=1`
/// (as the Linux kernel builds its Rust); a compiler that no longer knows one of them builds
/// the app without, larger but working, and says so.
pub fn size_options() -> bool {
    if plain_wasm_requested() {
        eprintln!("note: PINGAN_PLAIN_WASM is set: plain build, panics keep their messages");
        return false;
    }
    if on_path("rustup") {
        let installed = Command::new("rustup")
            .args(["component", "list", "--installed"])
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("rust-src"));
        if !installed
            && run_cmd(Command::new("rustup").args(["component", "add", "rust-src"])).is_err()
        {
            eprintln!("warning: no rust-src component; the app is built without size options");
            return false;
        }
    }
    let rustc = env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let accepted = Command::new(rustc)
        .env("RUSTC_BOOTSTRAP", "1")
        .args(SIZE_RUSTFLAGS)
        .args(["--print", "sysroot"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !accepted {
        eprintln!(
            "warning: this rustc refuses {}; the app is built without them, and is larger",
            SIZE_RUSTFLAGS.join(" ")
        );
    }
    accepted
}

/// Build tools from npm, installed together under `target/tools`: binaryen rather than
/// Debian's (whose wasm-opt emits modules that fail at run time), and terser for the JS glue.
const NPM_TOOLS: &[&str] = &["binaryen@132", "terser@5"];

/// binaryen's `wasm-opt`. `None` means "ship unoptimised", which still works.
pub fn wasm_opt() -> Option<PathBuf> {
    npm_tool("wasm-opt")
}

/// terser, which minifies the wasm-bindgen glue. `None` means "ship it as generated".
pub fn terser() -> Option<PathBuf> {
    npm_tool("terser")
}

fn npm_tool(name: &str) -> Option<PathBuf> {
    let tools = target_dir().join("tools");
    let bin = tools.join("node_modules/.bin").join(name);
    if bin.is_file() {
        return Some(bin);
    }
    if !on_path("npm") {
        eprintln!("warning: npm not found, so no {name}; the app ships unoptimised");
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
                .args(NPM_TOOLS),
        )
        .is_ok();
    if installed && bin.is_file() {
        Some(bin)
    } else {
        eprintln!("warning: could not install {name} from npm; the app ships unoptimised");
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

/// A font with Chinese characters in regular and bold, without which screenshots show empty
/// boxes for every character (Chromium brings no fonts of its own), or headings no bolder than
/// the text (WenQuanYi Zen Hei has one weight). Debian's Noto Sans CJK when fontconfig knows
/// no bold Chinese sans-serif face.
pub fn ensure_cjk_fonts() -> Result<()> {
    let known = || {
        Command::new("fc-list")
            .args([":lang=zh:style=Bold", "family"])
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("Sans"))
    };
    if !known() {
        install_debian(&["fonts-noto-cjk"], "A Chinese font")?;
    }
    if !known() {
        bail!("fontconfig lists no bold Chinese sans-serif font (`fc-list :lang=zh:style=Bold`)");
    }
    Ok(())
}

/// Chromium's Chinese translation, so the browser's own parts of a page (a date field's
/// 年/月/日 rather than mm/dd/yyyy) look as on a phone set to Chinese. Debian ships it apart
/// (`chromium-l10n`); a Chromium from elsewhere is left as it is.
pub fn ensure_chromium_chinese(chromium: &std::path::Path) -> Result<()> {
    let debian = chromium == std::path::Path::new("/usr/bin/chromium");
    let locales = std::path::Path::new("/usr/lib/chromium/locales");
    if debian && locales.is_dir() && !locales.join("zh-CN.pak").is_file() {
        install_debian(&["chromium-l10n"], "Chromium's Chinese translation")?;
    }
    Ok(())
}

fn install_debian(packages: &[&str], what: &str) -> Result<()> {
    let list = packages.join(" ");
    if !(is_root() && on_path("apt-get")) {
        bail!(
            "{what} is required for the browser tests and screenshots: run `sudo apt-get install {list}`"
        );
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
