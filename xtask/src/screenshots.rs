//! `cargo xtask screenshots`: every screen of both bundles (`tests/browser/screens.mjs`) at
//! 390 px and 1366 px, on the demo township, into `docs/screenshots/<screen>-<width>.png`,
//! the pictures the README shows, and the README's gallery of them. Builds what the browser
//! tests build, makes sure Chromium, Node, a Chinese font and Chromium's Chinese translation
//! are there, then runs `tests/browser/screenshots.mjs`. With LibreOffice and pdftoppm on the
//! PATH it also renders the dispute ledger as a spreadsheet program prints it
//! (`office-ledger.png`); without them it says so and keeps the old one.

use anyhow::Result;

use crate::toolchain;

pub fn screenshots() -> Result<()> {
    toolchain::ensure_cjk_fonts()?;
    toolchain::ensure_chromium_chinese(&toolchain::chromium()?)?;
    crate::browser_script("tests/browser/screenshots.mjs")
}
