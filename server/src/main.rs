//! `pingan-server`: run the sync server, manage villages and accounts, inspect the master copy
//! and the crash reports phones sent.

use std::io::BufRead;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use pingan_server::accounts::{Role, User, Village, password};
use pingan_server::http::auth::now_ms;
use pingan_server::{AppState, Store, crashes, demo, router};
use pingan_shared::document;
use pingan_shared::generator::TownshipSpec;
use pingan_shared::records::household::Household;

#[derive(Parser)]
#[command(name = "pingan-server", about = "Pingan township sync server")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct Database {
    /// `sqlite://PATH` (created on first use) or `postgres://USER@HOST/DATABASE` (the
    /// database must exist; its tables are created on first use).
    #[arg(long, default_value = "sqlite://data/pingan.db")]
    database: String,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the sync API and the field app.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        #[command(flatten)]
        db: Database,
        /// Directory holding the built field app (`cargo xtask dist` writes `target/dist`).
        #[arg(long)]
        assets: Option<PathBuf>,
        /// Fill an empty database with a demo township and demo accounts.
        #[arg(long)]
        demo: bool,
        /// The township's name, for ledger titles (default: the demo township's name with
        /// --demo, else 本镇).
        #[arg(long)]
        township_name: Option<String>,
        /// Serve Prometheus metrics (`GET /metrics`) on this address only, e.g.
        /// 127.0.0.1:9464; never on --listen, since they show who is active and when.
        #[arg(long)]
        metrics_listen: Option<SocketAddr>,
    },
    /// Fill an empty database with a generated township (deterministic from --seed) and demo
    /// accounts; the sizes are per village.
    Demo {
        #[command(flatten)]
        db: Database,
        #[arg(long, default_value_t = TownshipSpec::demo().seed)]
        seed: u64,
        #[arg(long, default_value_t = TownshipSpec::demo().year)]
        year: i32,
        #[arg(long, default_value_t = TownshipSpec::demo().villages)]
        villages: usize,
        #[arg(long, default_value_t = TownshipSpec::demo().groups_per_village)]
        groups: usize,
        #[arg(long, default_value_t = TownshipSpec::demo().households_per_village)]
        households: usize,
        #[arg(long, default_value_t = TownshipSpec::demo().floating_residents_per_village)]
        floating_residents: usize,
        #[arg(long, default_value_t = TownshipSpec::demo().rental_houses_per_village)]
        rental_houses: usize,
        #[arg(long, default_value_t = TownshipSpec::demo().disputes_per_village)]
        disputes: usize,
        #[arg(long, default_value_t = TownshipSpec::demo().outreach_visits_per_village)]
        visits: usize,
    },
    /// Print every household in the master copy, one JSON object per line.
    Households {
        #[command(flatten)]
        db: Database,
    },
    /// List the crash reports phones sent, newest first, each wasm frame named through the
    /// symbol map `cargo xtask dist` wrote for the build that crashed (its raw function index
    /// when there is no map for that build).
    Crashes {
        #[command(flatten)]
        db: Database,
        /// Where the symbol maps are (`<build>.txt`). `cargo xtask dist` writes them to
        /// target/dist-symbols, the default, relative to the current directory: run from the
        /// workspace, or keep each release's maps and point here.
        #[arg(long, default_value = pingan_server::crashes::DEFAULT_SYMBOLS_DIR)]
        symbols: PathBuf,
        /// At most this many reports.
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Copy a SQLite database to a new file while the server may keep serving it: one
    /// consistent moment, compacted, readable by its owner only. (PostgreSQL: pg_dump.)
    Backup {
        #[command(flatten)]
        db: Database,
        /// The new file; it must not exist.
        #[arg(long)]
        to: PathBuf,
    },
    /// Put a backup in place of a SQLite database, with no server running on it. A database
    /// that holds anything is replaced only with --force, and kept as
    /// `<database>.replaced-<ms>`. Devices that synced past the backup start their download
    /// over and send again what it lacks. (PostgreSQL: pg_restore.)
    Restore {
        /// A file `pingan-server backup` wrote.
        #[arg(long)]
        from: PathBuf,
        #[command(flatten)]
        db: Database,
        /// Replace a database that holds villages, accounts or records.
        #[arg(long)]
        force: bool,
    },
    /// Manage villages (村/居).
    #[command(subcommand)]
    Village(VillageCommand),
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
}

#[derive(Subcommand)]
enum VillageCommand {
    /// Add a village: `village add v07 幸福村`.
    Add {
        id: String,
        name: String,
        #[command(flatten)]
        db: Database,
    },
    List {
        #[command(flatten)]
        db: Database,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add an account. The password is read from the first line of standard input, so it
    /// never appears in the process list or shell history.
    Add {
        username: String,
        #[arg(long)]
        name: String,
        /// worker, reviewer or admin.
        #[arg(long)]
        role: String,
        /// A worker's village; repeat for several.
        #[arg(long = "village")]
        villages: Vec<String>,
        #[command(flatten)]
        db: Database,
    },
    List {
        #[command(flatten)]
        db: Database,
    },
    /// Give a worker other villages: `user villages zhangsan v02,v03`. Its devices sync the
    /// new villages at their next sync, without logging in again, and drop the records of
    /// the old ones they hold synced; unsent work there is refused and kept on the device.
    Villages {
        username: String,
        /// The worker's villages from now on, separated by commas.
        #[arg(value_delimiter = ',', required = true)]
        villages: Vec<String>,
        #[command(flatten)]
        db: Database,
    },
    /// Disable an account and end all its logins at once.
    Disable {
        username: String,
        #[command(flatten)]
        db: Database,
    },
    Enable {
        username: String,
        #[command(flatten)]
        db: Database,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        // A log line that cannot be written (stderr a file on a full disk) is lost, not
        // reported on stderr again, which would panic the request that logged it.
        .log_internal_errors(false)
        .init();
    match Cli::parse().command {
        Command::Serve {
            listen,
            db,
            assets,
            demo,
            township_name,
            metrics_listen,
        } => {
            if let Some(address) = metrics_listen {
                let listener = tokio::net::TcpListener::bind(address)
                    .await
                    .with_context(|| format!("listening for metrics on {address}"))?;
                tracing::info!("metrics on http://{address}/metrics");
                tokio::spawn(async move {
                    if let Err(error) =
                        axum::serve(listener, pingan_server::metrics::router()).await
                    {
                        tracing::error!(%error, "the metrics listener stopped");
                    }
                });
            }
            serve(listen, &db.database, assets, demo, township_name).await
        }
        Command::Households { db } => print_households(&open(&db).await?).await,
        Command::Crashes { db, symbols, limit } => {
            let mut maps = crashes::Symbols::new(&symbols);
            let reports = open(&db).await?.crash_reports(limit).await?;
            if reports.is_empty() {
                println!("No crash reports.");
            }
            for crash in reports {
                println!(
                    "{}\n",
                    crashes::describe(&crash, maps.of(&crash.report.build))
                );
            }
            Ok(())
        }
        Command::Demo {
            db,
            seed,
            year,
            villages,
            groups,
            households,
            floating_residents,
            rental_houses,
            disputes,
            visits,
        } => {
            let spec = TownshipSpec {
                seed,
                year,
                villages,
                groups_per_village: groups,
                households_per_village: households,
                floating_residents_per_village: floating_residents,
                rental_houses_per_village: rental_houses,
                disputes_per_village: disputes,
                outreach_visits_per_village: visits,
            };
            let store = open(&db).await?;
            match demo::seed_if_empty(&store, &spec, now_ms()).await? {
                Some(accounts) => print_accounts(&accounts),
                None => anyhow::bail!(
                    "the database already holds villages; demo data goes only into an empty one"
                ),
            }
            Ok(())
        }
        Command::Village(VillageCommand::Add { id, name, db }) => {
            open(&db)
                .await?
                .add_village(&Village {
                    id: id.clone(),
                    name,
                })
                .await?;
            println!("village {id} added");
            Ok(())
        }
        Command::Village(VillageCommand::List { db }) => {
            for village in open(&db).await?.villages().await? {
                println!("{}\t{}", village.id, village.name);
            }
            Ok(())
        }
        Command::User(command) => user(command).await,
        Command::Backup { db, to } => {
            let summary = pingan_server::store::sqlite::backup(&db.database, &to).await?;
            println!(
                "backed up {} to {}: {} records, feed entry {}, {} bytes",
                shown(&db.database),
                to.display(),
                summary.documents,
                summary.feed_head,
                summary.bytes
            );
            Ok(())
        }
        Command::Restore { from, db, force } => {
            let outcome = pingan_server::store::sqlite::restore(&from, &db.database, force).await?;
            if let Some(kept) = &outcome.replaced {
                println!("the database it replaced is kept as {}", kept.display());
            }
            println!(
                "restored {} into {}: {} records, feed entry {}; devices that synced past it \
                 start their download over and send again what it lacks",
                from.display(),
                shown(&db.database),
                outcome.restored.documents,
                outcome.restored.feed_head
            );
            Ok(())
        }
    }
}

async fn open(db: &Database) -> anyhow::Result<Store> {
    Store::connect(&db.database)
        .await
        .with_context(|| format!("opening database {}", shown(&db.database)))
}

async fn serve(
    listen: SocketAddr,
    database: &str,
    assets: Option<PathBuf>,
    demo: bool,
    township_name: Option<String>,
) -> anyhow::Result<()> {
    if let Some(dir) = &assets {
        anyhow::ensure!(
            dir.join("index.html").is_file(),
            "no index.html in {}; build the app first with `cargo xtask dist`",
            dir.display()
        );
    }
    let store = Store::connect(database)
        .await
        .with_context(|| format!("opening database {}", shown(database)))?;
    if demo {
        match demo::seed_if_empty(&store, &TownshipSpec::demo(), now_ms()).await? {
            Some(accounts) => print_accounts(&accounts),
            None => println!(
                "The database already holds data; demo accounts (if it was seeded) use password {}.",
                demo::DEMO_PASSWORD
            ),
        }
    }
    let township_name = township_name.unwrap_or_else(|| {
        if demo {
            pingan_shared::generator::township_name(&TownshipSpec::demo())
        } else {
            "本镇".to_owned()
        }
    });
    let app = router(AppState::new(store, &township_name), assets)
        .into_make_service_with_connect_info::<SocketAddr>();
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    println!(
        "Pingan is running at http://{listen}/ (database {})",
        shown(database)
    );
    tracing::info!("Pingan server listening on http://{listen}/");
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

fn print_accounts(accounts: &[demo::DemoAccount]) {
    println!(
        "Filled the empty database with a demo township. Demo accounts (password {}):",
        demo::DEMO_PASSWORD
    );
    for account in accounts {
        println!(
            "  {:<10} {:<8} {} {}",
            account.username,
            account.role.as_str(),
            account.display_name,
            account.villages.join(",")
        );
    }
}

async fn user(command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add {
            username,
            name,
            role,
            villages,
            db,
        } => {
            let role = Role::parse(&role)
                .with_context(|| format!("role {role:?} is not worker, reviewer or admin"))?;
            anyhow::ensure!(
                role != Role::Worker || !villages.is_empty(),
                "a worker needs at least one --village"
            );
            pingan_server::accounts::check_username(&username).map_err(anyhow::Error::msg)?;
            anyhow::ensure!(
                (1..=60).contains(&name.trim().chars().count()),
                "--name must be 1 to 60 characters"
            );
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            let hash = password::hash(line.trim_end_matches(['\r', '\n']))?;
            let user = User {
                username: username.clone(),
                display_name: name,
                role,
                villages,
                disabled: false,
            };
            open(&db).await?.add_user(&user, &hash, now_ms()).await?;
            println!("user {username} added");
        }
        UserCommand::List { db } => {
            for user in open(&db).await?.users().await? {
                println!(
                    "{}\t{}\t{}\t{}{}",
                    user.username,
                    user.role.as_str(),
                    user.display_name,
                    user.villages.join(","),
                    if user.disabled { "\tdisabled" } else { "" }
                );
            }
        }
        UserCommand::Villages {
            username,
            villages,
            db,
        } => {
            let villages: Vec<String> = villages
                .iter()
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .collect();
            anyhow::ensure!(!villages.is_empty(), "a worker needs at least one village");
            let store = open(&db).await?;
            let Some((user, _)) = store.user(&username).await? else {
                anyhow::bail!("user {username:?} does not exist");
            };
            anyhow::ensure!(
                user.role == Role::Worker,
                "{username} is a {}: township staff see every village and have none assigned",
                user.role.as_str()
            );
            store.set_villages(&username, &villages).await?;
            println!(
                "user {username} now works in {}; its devices move at their next sync",
                villages.join(",")
            );
        }
        UserCommand::Disable { username, db } => {
            open(&db).await?.set_disabled(&username, true).await?;
            println!("user {username} disabled; its logins are revoked");
        }
        UserCommand::Enable { username, db } => {
            open(&db).await?.set_disabled(&username, false).await?;
            println!("user {username} enabled");
        }
    }
    Ok(())
}

/// The database URL as printed: a PostgreSQL password stays out of terminals and logs.
fn shown(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority = rest.split('/').next().unwrap_or_default();
    match authority.rsplit_once('@') {
        Some((userinfo, host)) if userinfo.contains(':') => {
            let user = userinfo.split(':').next().unwrap_or_default();
            let path = &rest[authority.len()..];
            format!("{scheme}://{user}:***@{host}{path}")
        }
        _ => url.to_owned(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("installing a SIGTERM handler");
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate.recv() => {},
    }
}

async fn print_households(store: &Store) -> anyhow::Result<()> {
    for stored in store.documents_of_type("household").await? {
        let doc = document::load(&stored.data)?;
        let household: Household = document::read(&doc)?;
        let line = serde_json::json!({
            "id": stored.id,
            "village": household.village,
            "group": household.group,
            "address": household.address,
            "head_of_household": household.head_of_household,
            "created_at_ms": household.created_at_ms,
        });
        println!("{line}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::shown;

    #[test]
    fn a_database_password_is_never_printed() {
        assert_eq!(
            shown("postgres://pingan:s3cret@db.township:5432/pingan"),
            "postgres://pingan:***@db.township:5432/pingan"
        );
        assert_eq!(
            shown("postgres://postgres@127.0.0.1/pingan"),
            "postgres://postgres@127.0.0.1/pingan"
        );
        assert_eq!(shown("sqlite://data/pingan.db"), "sqlite://data/pingan.db");
    }
}
