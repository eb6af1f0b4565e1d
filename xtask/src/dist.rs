//! `cargo xtask dist`: everything the server ships, in `target/dist/`: the field app phones
//! download (`index.html`, `pingan_app*`) and the township office's bundle (`office.html`,
//! `pingan_office*`: the same crate with the `office` feature), beside each other so they
//! share one origin, one login and one IndexedDB.
//!
//! Beside the served files, never among them, `target/dist-symbols/<build>.txt` maps the
//! shipped wasm's function indices to names, for reading crash reports (decision 20). The
//! build fails when the field app passes its size budget.

use std::fmt::Write as _;
use std::fs;
use std::hash::{DefaultHasher, Hasher};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use wasm_bindgen_cli_support::Bindgen;

use crate::{cargo, css, glue, root, run_cmd, symbols, target_dir, toolchain};

const STATIC_FILES: &[&str] = &[
    "index.html",
    "office.html",
    "style.css",
    "office.css",
    "pwa.js",
    "crash.js",
    "draft.js",
    "manifest.webmanifest",
    "sw.js",
];
/// The bundles built from `pingan-app`: output name and cargo features.
const BUNDLES: &[(&str, &[&str])] = &[("pingan_app", &[]), ("pingan_office", &["office"])];
/// The field app with a button that makes it trap, for the crash report browser test.
const TEST_TRAP_BUNDLE: &[(&str, &[&str])] = &[("pingan_app", &["test-trap"])];
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

/// Issue 5: what a phone downloads to run the field app (its wasm, JS and CSS), brotli.
const FIELD_BUDGET_BROTLI: u64 = 500_000;

pub fn dist() -> Result<PathBuf> {
    build("dist", BUNDLES, true)
}

/// The field app alone (`cargo xtask dist --field-only`): half the build, for size work.
pub fn field_only() -> Result<PathBuf> {
    build("dist", &BUNDLES[..1], true)
}

/// The field app with the `test-trap` feature (a hidden button that traps), through the same
/// steps as the shipped one, into `target/dist-test-trap/`: only the browser tests serve it.
/// No budget: it carries test code the shipped app does not.
pub fn test_trap() -> Result<PathBuf> {
    build("dist-test-trap", TEST_TRAP_BUNDLE, false)
}

/// Where `cargo xtask dist` puts the symbol maps of the builds it wrote into `out`: a
/// sibling, so the server never serves them. Kept across builds: reports from phones still
/// on an older version need that version's map.
pub fn symbols_dir(out: &Path) -> PathBuf {
    sibling_dir(out, "symbols")
}

fn build(dir: &str, bundles: &[(&str, &[&str])], budget: bool) -> Result<PathBuf> {
    let started = Instant::now();
    toolchain::ensure_wasm_target()?;
    let out = target_dir().join(dir);
    if out.exists() {
        fs::remove_dir_all(&out).with_context(|| format!("could not clear {}", out.display()))?;
    }
    fs::create_dir_all(&out)?;
    // Asked once: the answer is the compiler's, the same for every bundle.
    let size_options = toolchain::size_options();
    let mut maps = Vec::new();
    for (name, features) in bundles {
        maps.push((name, bundle(name, features, size_options, &out)?));
    }
    copy_static(&out)?;
    // Commented for the reader; every phone downloads them (the service worker's cache name
    // keeps its placeholder through terser: it is a string).
    minify(&out.join("crash.js"), false)?;
    minify(&out.join("draft.js"), false)?;
    minify(&out.join("sw.js"), false)?;
    minify(&out.join("pwa.js"), true)?;
    let build = stamp(&out)?;
    let symbols = symbols_dir(&out);
    fs::create_dir_all(&symbols)?;
    for (name, map) in maps {
        fs::write(symbols.join(map_file(&build, name)), map)?;
    }
    compress(&out)?;
    let (sizes, field_brotli) = sizes(&out)?;
    fs::write(out.join("sizes.txt"), &sizes)?;
    eprint!("{sizes}");
    eprintln!(
        "dist: build {build} in {}, symbol maps in {} ({:.0?})",
        out.display(),
        symbols.display(),
        started.elapsed()
    );
    if budget {
        match within_budget(field_brotli) {
            // A plain build is for reading a panic, never shipped: over budget is expected.
            Err(over) if toolchain::plain_wasm_requested() => {
                eprintln!("note: {over:#}; allowed, as PINGAN_PLAIN_WASM is set");
            }
            checked => checked?,
        }
    }
    Ok(out)
}

/// The field app's map is `<build>.txt`, the name `pingan-server crashes` looks for; the
/// office bundle's sits beside it as `<build>.pingan_office.txt`.
fn map_file(build: &str, bundle: &str) -> String {
    if bundle == BUNDLES[0].0 {
        format!("{build}.txt")
    } else {
        format!("{build}.{bundle}.txt")
    }
}

/// Fails, naming the figures, when `field_brotli` passes [`FIELD_BUDGET_BROTLI`].
fn within_budget(field_brotli: u64) -> Result<()> {
    if field_brotli > FIELD_BUDGET_BROTLI {
        bail!(
            "the field app (wasm + JS + CSS) is {field_brotli} B brotli, over its budget of \
             {FIELD_BUDGET_BROTLI} B by {} B (decision 18; BENCHMARKS.md, app size)",
            field_brotli - FIELD_BUDGET_BROTLI
        );
    }
    eprintln!(
        "dist: the field app is {field_brotli} B brotli, {} B under its budget of \
         {FIELD_BUDGET_BROTLI} B",
        FIELD_BUDGET_BROTLI - field_brotli
    );
    Ok(())
}

/// Builds the app crate with `features`, writes `{name}.js` and `{name}_bg.wasm` and returns
/// the wasm's symbol map.
fn bundle(name: &str, features: &[&str], size_options: bool, out: &Path) -> Result<String> {
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
        // Kept through wasm-opt for the symbol map, then cut (`strip_names`).
        .remove_name_section(false)
        .remove_producers_section(true)
        .generate(out)
        .context("wasm-bindgen failed")?;
    let wasm = out.join(format!("{name}_bg.wasm"));
    optimise(&wasm)?;
    let map = strip_names(&wasm)?;
    let js = out.join(format!("{name}.js"));
    let (short_wasm, short_js) = glue::shorten(&fs::read(&wasm)?, &fs::read_to_string(&js)?)
        .with_context(|| {
            format!(
                "shortening the names between {} and its glue",
                wasm.display()
            )
        })?;
    fs::write(&wasm, short_wasm)?;
    fs::write(&js, short_js)?;
    minify(&js, true)?;
    Ok(map)
}

/// Cuts the `name` section from the optimised `wasm` (names cost every phone bytes) and
/// returns them as a symbol map: wasm-opt renumbers functions, so only the final module's
/// names match the indices a crash report carries.
fn strip_names(wasm: &Path) -> Result<String> {
    let bytes = fs::read(wasm)?;
    let (names, stripped) =
        symbols::take_names(&bytes).with_context(|| format!("reading {}", wasm.display()))?;
    if names.is_empty() {
        bail!("{} has no function names to map", wasm.display());
    }
    fs::write(wasm, stripped)?;
    Ok(symbols::map_text(&names))
}

/// The glue wasm-bindgen writes is readable JS; minified, a phone downloads about 2 KB less.
/// `module`: an ES module (the glue), else a classic script (`crash.js`).
fn minify(js: &Path, module: bool) -> Result<()> {
    let Some(terser) = toolchain::terser() else {
        return Ok(());
    };
    rewrite(js, "min.js", |minified| {
        let mut cmd = Command::new(terser);
        cmd.arg(js);
        if module {
            cmd.arg("--module");
        }
        cmd.args(["--compress", "--mangle", "--output"])
            .arg(minified);
        cmd
    })
}

fn optimise(wasm: &Path) -> Result<()> {
    let Some(wasm_opt) = toolchain::wasm_opt() else {
        return Ok(());
    };
    // `--low-memory-unused` (below) lets wasm-opt fold small constant offsets into loads and
    // stores, on trust that nothing lives in the first 1 KiB. rustc links the stack first,
    // growing down from 1 MiB, with the data above it: only a stack that has all but
    // overflowed reaches that low. Checked, so a change of layout cannot break it silently.
    let lowest = symbols::lowest_data_address(&fs::read(wasm)?)?;
    if lowest.is_some_and(|address| address < 1024) {
        bail!(
            "{} places data below 1 KiB (at {lowest:?}): --low-memory-unused would be wrong",
            wasm.display()
        );
    }
    rewrite(wasm, "opt.wasm", |optimised| {
        let mut cmd = Command::new(wasm_opt);
        cmd.arg("-Oz")
            // Keeps the names section, renumbered with the functions, for the symbol map.
            .arg("--debuginfo")
            // Inlining every single-caller function shrinks the raw module but
            // compresses far worse: measured on the app, brotli 425 KB with it,
            // 389 KB without (394 KB with no wasm-opt at all). Phones download
            // the brotli bytes.
            .args(["--one-caller-inline-max-function-size", "0"])
            // See above: the field app 1.5 KB smaller, brotli (BENCHMARKS.md, app size).
            .arg("--low-memory-unused")
            // Last: functions in name order, so the many copies of one generic (a signal, a
            // view, per type) sit side by side and compress as repeats. Behaviour and raw
            // size unchanged; brotli 8.7 KB smaller (BENCHMARKS.md, app size).
            .arg("--reorder-functions-by-name")
            .args(WASM_FEATURES)
            // For size experiments: more passes, e.g. PINGAN_WASM_OPT_EXTRA="--converge".
            .args(
                std::env::var("PINGAN_WASM_OPT_EXTRA")
                    .unwrap_or_default()
                    .split_whitespace(),
            )
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
        if from.is_file() && name.ends_with(".css") {
            let text =
                fs::read_to_string(&from).with_context(|| format!("reading {}", from.display()))?;
            fs::write(out.join(name), css::minify(&text))?;
        } else if from.is_file() {
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

/// The report `sizes.txt` holds, and what a phone downloads for the field app, brotli.
fn sizes(out: &Path) -> Result<(String, u64)> {
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
    Ok((report, field[2]))
}

fn kib(bytes: u64) -> String {
    format!("{bytes:>9} B ({:>7.1} KiB)", bytes as f64 / 1024.0)
}

/// `target/dist` → `target/dist-symbols`.
fn sibling_dir(dir: &Path, suffix: &str) -> PathBuf {
    let mut name = dir.as_os_str().to_owned();
    name.push("-");
    name.push(suffix);
    name.into()
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
    fn symbol_maps_sit_beside_the_served_directory_not_in_it() {
        assert_eq!(
            symbols_dir(Path::new("target/dist")),
            Path::new("target/dist-symbols")
        );
        assert_eq!(map_file("0123456789ab", "pingan_app"), "0123456789ab.txt");
        assert_eq!(
            map_file("0123456789ab", "pingan_office"),
            "0123456789ab.pingan_office.txt"
        );
    }

    #[test]
    fn the_field_app_may_reach_its_budget_but_not_pass_it() {
        assert!(within_budget(FIELD_BUDGET_BROTLI).is_ok());
        let over = within_budget(FIELD_BUDGET_BROTLI + 1_234).unwrap_err();
        assert_eq!(
            over.to_string(),
            "the field app (wasm + JS + CSS) is 501234 B brotli, over its budget of 500000 B \
             by 1234 B (decision 18; BENCHMARKS.md, app size)"
        );
    }

    #[test]
    fn sizes_are_shown_in_bytes_and_kib() {
        assert_eq!(kib(1536), "     1536 B (    1.5 KiB)");
    }
}
