//! `cargo xtask screenshots`: every screen of both bundles (`tests/browser/screens.mjs`) at
//! 390 px and 1366 px, on the demo township, into `docs/screenshots/<screen>-<width>.png`,
//! the pictures the README shows, and the README's gallery of them. Builds what the browser
//! tests build, makes sure Chromium, Node, a Chinese font and Chromium's Chinese translation
//! are there, then runs `tests/browser/screenshots.mjs`. With LibreOffice and pdftoppm on the
//! PATH it also renders the dispute ledger as a spreadsheet program prints it
//! (`office-ledger.png`); without them it says so and keeps the old one.

use std::process::Command;

use anyhow::Result;

use crate::{dist, root, run_cmd, target_dir, toolchain};

pub fn screenshots() -> Result<()> {
    dist::dist()?;
    let server = crate::build_server()?;
    let chromium = toolchain::chromium()?;
    toolchain::ensure_node()?;
    toolchain::ensure_cjk_fonts()?;
    toolchain::ensure_chromium_chinese(&chromium)?;
    let dir = root().join("tests/browser");
    run_cmd(
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir),
    )?;
    run_cmd(
        Command::new("node")
            .arg("tests/browser/screenshots.mjs")
            .current_dir(root())
            .env("PINGAN_SERVER_BIN", server)
            .env("PINGAN_ASSETS", target_dir().join("dist"))
            .env("CHROMIUM", chromium),
    )
}
