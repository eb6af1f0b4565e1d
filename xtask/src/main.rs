//! `cargo xtask`: the one entry point for building, running and checking Pingan,
//! so a developer's machine and CI follow exactly the same steps.
//!
//! - `dist.rs`: `cargo xtask dist` builds the shipped app into `target/dist/`
//!   (wasm build, JS glue, wasm-opt, static files, build stamp, precompression, sizes, the
//!   size budget) and its symbol maps into `target/dist-symbols/`.
//! - `symbols.rs`: reads a wasm module's function names into a symbol map and cuts them.
//! - `run.rs`: `cargo xtask run [-- SERVER ARGS]` builds everything and starts the
//!   server on the freshly built assets.
//! - `test.rs`: `cargo xtask test` runs every check CI runs, failing fast.
//! - `bench.rs`: `cargo xtask bench-app` runs the field app's benchmark in Chromium.
//! - `screenshots.rs`: `cargo xtask screenshots` pictures every screen of both bundles at
//!   390 px and 1366 px into `docs/screenshots/`.
//! - `glue.rs`: short names for the imports and exports between the wasm and its JS glue.
//! - `css.rs`: the stylesheets minified as dist copies them.
//! - `toolchain.rs`: makes sure the tools those steps need exist (wasm target,
//!   wasm-opt, Chromium, Node, a Chinese font), installing them where that is safe.
//!
//! This file holds argument dispatch and the process helpers the modules share.

mod bench;
mod css;
mod dist;
mod glue;
mod run;
mod screenshots;
mod symbols;
mod test;
mod toolchain;

use std::env;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  dist                    build the app into target/dist/, symbol maps into target/dist-symbols/;
                          fails when the field app passes 500,000 B brotli
  dist --field-only       only the field app's bundle: quicker when measuring its size
  dist --test-trap        the field app with a button that traps, for the crash report test,
                          into target/dist-test-trap/ (never shipped)
  run [-- SERVER ARGS]    build, then serve target/dist/ (defaults: --listen 127.0.0.1:8080
                          --database sqlite://data/pingan.db)
  test                    run every check CI runs
  bench-app               the field app's benchmark in headless Chromium (BENCHMARKS.md)
  screenshots             every screen of both bundles at 390 px and 1366 px, on the demo
                          township, into docs/screenshots/ (the README's pictures)";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("dist") if args.len() == 1 => dist::dist().map(|_| ()),
        Some("dist") if args[1..] == ["--field-only"] => dist::field_only().map(|_| ()),
        Some("dist") if args[1..] == ["--test-trap"] => dist::test_trap().map(|_| ()),
        Some("run") => run::run(&args[1..]),
        Some("test") if args.len() == 1 => test::test(),
        Some("bench-app") if args.len() == 1 => bench::bench_app(),
        Some("screenshots") if args.len() == 1 => screenshots::screenshots(),
        Some("help" | "-h" | "--help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("\nxtask: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root, so every command works from any current directory.
fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
}

fn target_dir() -> PathBuf {
    match env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root().join(dir),
        None => root().join("target"),
    }
}

/// `cargo` as the one that started us, so a pinned toolchain stays pinned.
fn cargo() -> Command {
    let mut cmd = Command::new(env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(root());
    cmd
}

/// Builds the app and the server, makes sure Chromium and Node with the browser tests'
/// packages are there, then runs `script` (a Node script under `tests/browser/`) against them:
/// `bench-app` and `screenshots`.
fn browser_script(script: &str) -> Result<()> {
    dist::dist()?;
    let server = build_server()?;
    let chromium = toolchain::chromium()?;
    toolchain::ensure_node()?;
    run_cmd(
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(root().join("tests/browser")),
    )?;
    run_cmd(
        Command::new("node")
            .arg(script)
            .current_dir(root())
            .env("PINGAN_SERVER_BIN", server)
            .env("PINGAN_ASSETS", target_dir().join("dist"))
            .env("CHROMIUM", chromium),
    )
}

/// Builds `target/debug/pingan-server` with the `test` profile and the whole workspace's
/// feature set: exactly what nextest builds every dependency with, so `run`, `test` and
/// `bench-app` (and `screenshots`) link one binary instead of building a second dependency tree (cargo keys
/// artifacts by profile and by unified features).
fn build_server() -> Result<PathBuf> {
    run_cmd(cargo().args([
        "build",
        "--profile",
        "test",
        "--workspace",
        "--bin",
        "pingan-server",
    ]))?;
    Ok(target_dir().join("debug/pingan-server"))
}

/// Runs `cmd` with inherited stdio and turns a non-zero exit into an error naming it.
fn run_cmd(cmd: &mut Command) -> Result<()> {
    let shown = show(cmd);
    eprintln!("$ {shown}");
    let status = cmd
        .status()
        .with_context(|| format!("could not start `{shown}`"))?;
    if !status.success() {
        bail!("`{shown}` failed ({status})");
    }
    Ok(())
}

/// Whether `program` can be started; used to probe optional tools.
fn on_path(program: &str) -> bool {
    env::var_os("PATH")
        .is_some_and(|paths| env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

fn show(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|part| part.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}
