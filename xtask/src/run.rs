//! `cargo xtask run [-- SERVER ARGS]`: a local township server on fresh assets.

use std::fs;
use std::process::Command;

use anyhow::{Context, Result};

use crate::{dist, root, target_dir};

const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
const DEFAULT_DATABASE: &str = "sqlite://data/pingan.db";

pub fn run(args: &[String]) -> Result<()> {
    let extra = args.strip_prefix(&["--".to_owned()]).unwrap_or(args);
    let assets = dist::dist()?;
    // Shares its build with `cargo xtask test`: a newcomer running both compiles once.
    crate::build_server()?;
    fs::create_dir_all(root().join("data")).context("could not create data/")?;

    let server_args = server_args(extra, &assets.to_string_lossy());
    let listen = value_of(&server_args, "--listen").unwrap_or(DEFAULT_LISTEN);
    eprintln!("\nPingan: http://{listen}/ (field app)");
    eprintln!("        http://{listen}/office.html (township office: log in as reviewer)");
    eprintln!("An empty database is filled with a demo township; the server lists the demo");
    eprintln!(
        "accounts below (e.g. worker01 for a village worker, reviewer for the township office).\n"
    );

    let mut server = Command::new(target_dir().join("debug/pingan-server"));
    server.current_dir(root()).args(&server_args);
    exec(server)
}

/// `serve --assets DIR` plus the user's arguments, with defaults for the
/// listen address and database only where the user gave none.
fn server_args(extra: &[String], assets: &str) -> Vec<String> {
    // `--demo` only ever fills an empty database, so a newcomer sees a living township at once
    // and a database with real data is never touched.
    let mut args = vec![
        "serve".to_owned(),
        "--demo".to_owned(),
        "--assets".to_owned(),
        assets.to_owned(),
    ];
    for (flag, default) in [
        ("--listen", DEFAULT_LISTEN),
        ("--database", DEFAULT_DATABASE),
    ] {
        if value_of(extra, flag).is_none() {
            args.extend([flag.to_owned(), default.to_owned()]);
        }
    }
    args.extend(extra.iter().cloned());
    args
}

/// The value of `--flag VALUE` or `--flag=VALUE`.
fn value_of<'a>(args: &'a [String], flag: &str) -> Option<&'a str> {
    args.iter()
        .enumerate()
        .find_map(|(i, arg)| match arg.strip_prefix(flag) {
            Some("") => args.get(i + 1).map(String::as_str),
            Some(rest) => rest.strip_prefix('='),
            None => None,
        })
}

/// Replaces xtask with the server, so Ctrl-C and exit codes reach it directly.
#[cfg(unix)]
fn exec(mut cmd: Command) -> Result<()> {
    use std::os::unix::process::CommandExt;
    Err(cmd.exec()).context("could not start target/debug/pingan-server")
}

#[cfg(not(unix))]
fn exec(mut cmd: Command) -> Result<()> {
    run_cmd(&mut cmd)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn defaults_fill_in_what_the_user_left_out() {
        let args = server_args(&strings(&["--listen=0.0.0.0:9000", "--verbose"]), "dist");
        assert_eq!(
            args,
            strings(&[
                "serve",
                "--demo",
                "--assets",
                "dist",
                "--database",
                DEFAULT_DATABASE,
                "--listen=0.0.0.0:9000",
                "--verbose"
            ])
        );
        assert_eq!(value_of(&args, "--listen"), Some("0.0.0.0:9000"));
    }

    #[test]
    fn no_arguments_means_all_defaults() {
        let args = server_args(&[], "dist");
        assert_eq!(value_of(&args, "--listen"), Some(DEFAULT_LISTEN));
        assert_eq!(value_of(&args, "--database"), Some(DEFAULT_DATABASE));
    }
}
