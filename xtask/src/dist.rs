//! `cargo xtask dist`: everything the server ships, in `target/dist/`: the field app phones
//! download (`index.html`, `pingan_app*`) and the township office's bundle (`office.html`,
//! `pingan_office*`: the same crate with the `office` feature), beside each other so they
//! share one origin, one login and one IndexedDB.

use std::fmt::Write as _;
use std::fs;
use std::hash::{DefaultHasher, Hasher};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use wasm_bindgen_cli_support::Bindgen;

use crate::{cargo, root, run_cmd, target_dir, toolchain};

const STATIC_FILES: &[&str] = &[
    "index.html",
    "office.html",
    "style.css",
    "office.css",
    "pwa.js",
    "crash.js",
    "manifest.webmanifest",
    "sw.js",
];
/// The bundles built from `pingan-app`: output name and cargo features.
const BUNDLES: &[(&str, &[&str])] = &[("pingan_app", &[]), ("pingan_office", &["office"])];
/// Files that name the build, so a changed asset means a new service-worker cache.
const STAMPED: &[&str] = &["sw.js", "index.html", "office.html"];
const PLACEHOLDER: &str = "__PINGAN_BUILD__";
const COMPRESSIBLE: &[&str] = &["js", "wasm", "css", "html", "webmanifest", "svg", "json"];
/// The features rustc's default wasm32 CPU emits. binaryen 132 enables them by
/// default; naming them keeps another binaryen from rejecting or lowering them.
const WASM_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

pub fn dist() -> Result<PathBuf> {
    build(BUNDLES)
}

/// The field app alone (`cargo xtask dist --field-only`): half the build, for size work.
pub fn field_only() -> Result<PathBuf> {
    build(&BUNDLES[..1])
}

fn build(bundles: &[(&str, &[&str])]) -> Result<PathBuf> {
    let started = Instant::now();
    toolchain::ensure_wasm_target()?;
    let out = target_dir().join("dist");
    if out.exists() {
        fs::remove_dir_all(&out).with_context(|| format!("could not clear {}", out.display()))?;
    }
    fs::create_dir_all(&out)?;
    // Asked once: the answer is the compiler's, the same for every bundle.
    let size_options = toolchain::size_options();
    for (name, features) in bundles {
        bundle(name, features, size_options, &out)?;
    }
    copy_static(&out)?;
    let build = stamp(&out)?;
    compress(&out)?;
    let sizes = sizes(&out)?;
    fs::write(out.join("sizes.txt"), &sizes)?;
    eprint!("{sizes}");
    eprintln!(
        "dist: build {build} in {} ({:.0?})",
        out.display(),
        started.elapsed()
    );
    Ok(out)
}

/// Builds the app crate with `features` and writes `{name}.js` and `{name}_bg.wasm`.
fn bundle(name: &str, features: &[&str], size_options: bool, out: &Path) -> Result<()> {
    let mut build = cargo();
    build.args([
        "build",
        "-p",
        "pingan-app",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        "wasm-release",
    ]);
    if !features.is_empty() {
        build.args(["--features", &features.join(",")]);
    }
    if size_options {
        // Added to `.cargo/config.toml`'s flags for the target, not replacing them.
        build
            .env("RUSTC_BOOTSTRAP", "1")
            .env(
                "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
                toolchain::SIZE_RUSTFLAGS.join(" "),
            )
            .args(toolchain::SIZE_CARGO_ARGS);
    }
    run_cmd(&mut build)?;
    // Each build overwrites this file, so it is bound before the next one starts.
    let wasm = target_dir().join("wasm32-unknown-unknown/wasm-release/pingan_app.wasm");
    if !wasm.is_file() {
        bail!(
            "{} was not built: app/Cargo.toml needs `[lib] crate-type = [\"cdylib\"]`",
            wasm.display()
        );
    }
    eprintln!(
        "wasm-bindgen {} -> {}/{name}",
        wasm.display(),
        out.display()
    );
    Bindgen::new()
        .input_path(&wasm)
        .web(true)?
        .out_name(name)
        .typescript(false)
        // Names cost every phone bytes; a panic message still gives file and line.
        .remove_name_section(true)
        .remove_producers_section(true)
        .generate(out)
        .context("wasm-bindgen failed")?;
    optimise(&out.join(format!("{name}_bg.wasm")))?;
    minify(&out.join(format!("{name}.js")))
}

/// The glue wasm-bindgen writes is readable JS; minified, a phone downloads about 2 KB less.
fn minify(js: &Path) -> Result<()> {
    let Some(terser) = toolchain::terser() else {
        return Ok(());
    };
    rewrite(js, "min.js", |minified| {
        let mut cmd = Command::new(terser);
        cmd.arg(js)
            .args(["--module", "--compress", "--mangle", "--output"])
            .arg(minified);
        cmd
    })
}

fn optimise(wasm: &Path) -> Result<()> {
    let Some(wasm_opt) = toolchain::wasm_opt() else {
        return Ok(());
    };
    rewrite(wasm, "opt.wasm", |optimised| {
        let mut cmd = Command::new(wasm_opt);
        cmd.arg("-Oz")
            // Inlining every single-caller function shrinks the raw module but
            // compresses far worse: measured on the app, brotli 425 KB with it,
            // 389 KB without (394 KB with no wasm-opt at all). Phones download
            // the brotli bytes.
            .args(["--one-caller-inline-max-function-size", "0"])
            .args(WASM_FEATURES)
            .arg(wasm)
            .arg("-o")
            .arg(optimised);
        cmd
    })
}

/// Replaces `file` by what `tool` writes to a sibling with extension `ext`, so a failed run
/// leaves the original in place.
fn rewrite(file: &Path, ext: &str, tool: impl FnOnce(&Path) -> Command) -> Result<()> {
    let written = file.with_extension(ext);
    run_cmd(&mut tool(&written))?;
    fs::rename(&written, file)?;
    Ok(())
}

fn copy_static(out: &Path) -> Result<()> {
    let app = root().join("app");
    for name in STATIC_FILES {
        let from = app.join(name);
        if from.is_file() {
            fs::copy(&from, out.join(name))
                .with_context(|| format!("copying {}", from.display()))?;
        } else {
            eprintln!("note: app/{name} does not exist yet; not shipped");
        }
    }
    let icons = app.join("icons");
    if icons.is_dir() {
        for from in files(&icons)? {
            let to = out.join("icons").join(from.strip_prefix(&icons)?);
            fs::create_dir_all(to.parent().expect("a file has a parent"))?;
            fs::copy(&from, &to).with_context(|| format!("copying {}", from.display()))?;
        }
    }
    Ok(())
}

/// Writes a hash of every shipped byte into the stamped files and returns it.
fn stamp(out: &Path) -> Result<String> {
    let mut hasher = DefaultHasher::new();
    for file in files(out)? {
        let name = file.strip_prefix(out)?.to_string_lossy().into_owned();
        let bytes = fs::read(&file)?;
        hasher.write(name.as_bytes());
        hasher.write_usize(bytes.len());
        hasher.write(&bytes);
    }
    let build = format!("{:016x}", hasher.finish())[..12].to_owned();
    for name in STAMPED {
        let path = out.join(name);
        if path.is_file() {
            let text = fs::read_to_string(&path)?;
            fs::write(&path, text.replace(PLACEHOLDER, &build))?;
        }
    }
    Ok(build)
}

/// Precompressed siblings let the server answer with no CPU spent per request.
fn compress(out: &Path) -> Result<()> {
    for file in files(out)? {
        let ext = file
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        if !COMPRESSIBLE.contains(&ext) {
            continue;
        }
        let bytes = fs::read(&file)?;

        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&bytes)?;
        fs::write(sibling(&file, "gz"), gz.finish()?)?;

        let mut br = brotli::CompressorWriter::new(Vec::new(), 64 * 1024, 11, 24);
        br.write_all(&bytes)?;
        fs::write(sibling(&file, "br"), br.into_inner())?;
    }
    Ok(())
}

fn sizes(out: &Path) -> Result<String> {
    let measure = |file: &Path| -> Result<[u64; 3]> {
        let len = |p: PathBuf| {
            fs::metadata(&p)
                .map(|m| m.len())
                .with_context(|| p.display().to_string())
        };
        Ok([
            len(file.to_owned())?,
            len(sibling(file, "gz"))?,
            len(sibling(file, "br"))?,
        ])
    };
    let wasm = measure(&out.join("pingan_app_bg.wasm"))?;
    // What a phone downloads: the field bundle and the stylesheet. The office bundle is
    // fetched only by office.html.
    let mut field = [0; 3];
    let mut office = [0; 3];
    for file in files(out)? {
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let shipped = matches!(
            file.extension().and_then(|e| e.to_str()),
            Some("js" | "css" | "wasm")
        );
        let sum = match name {
            _ if !shipped => continue,
            _ if name.starts_with("pingan_office") || name.starts_with("office") => &mut office,
            _ => &mut field,
        };
        for (sum, size) in sum.iter_mut().zip(measure(&file)?) {
            *sum += size;
        }
    }
    let mut report = String::new();
    for (label, [raw, gz, br]) in [
        ("pingan_app_bg.wasm", wasm),
        ("JS + CSS + wasm", field),
        ("office bundle", office),
    ] {
        writeln!(
            report,
            "{label:<18}  raw {}  gzip {}  brotli {}",
            kib(raw),
            kib(gz),
            kib(br)
        )?;
    }
    Ok(report)
}

fn kib(bytes: u64) -> String {
    format!("{bytes:>9} B ({:>7.1} KiB)", bytes as f64 / 1024.0)
}

fn sibling(file: &Path, ext: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".");
    name.push(ext);
    name.into()
}

/// Every file below `dir`, sorted so the build hash does not depend on directory order.
fn files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compressed_siblings_keep_the_original_extension() {
        assert_eq!(
            sibling(Path::new("dist/app.js"), "br"),
            Path::new("dist/app.js.br")
        );
    }

    #[test]
    fn sizes_are_shown_in_bytes_and_kib() {
        assert_eq!(kib(1536), "     1536 B (    1.5 KiB)");
    }
}
