//! `pingan-server`: run the sync server, or inspect its master copy.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use pingan_server::{AppState, Store, router};
use pingan_shared::document;
use pingan_shared::records::household::Household;

#[derive(Parser)]
#[command(name = "pingan-server", about = "Pingan township sync server")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the sync API and the field app.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// `sqlite://PATH` (created on first start).
        #[arg(long, default_value = "sqlite://data/pingan.db")]
        database: String,
        /// Directory holding the built field app (`cargo xtask dist` writes `target/dist`).
        #[arg(long)]
        assets: Option<PathBuf>,
    },
    /// Print every household in the master copy, one JSON object per line.
    Households {
        #[arg(long, default_value = "sqlite://data/pingan.db")]
        database: String,
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
        .init();
    match Cli::parse().command {
        Command::Serve {
            listen,
            database,
            assets,
        } => serve(listen, &database, assets).await,
        Command::Households { database } => print_households(&database).await,
    }
}

async fn serve(listen: SocketAddr, database: &str, assets: Option<PathBuf>) -> anyhow::Result<()> {
    if let Some(dir) = &assets {
        anyhow::ensure!(
            dir.join("index.html").is_file(),
            "no index.html in {}; build the app first with `cargo xtask dist`",
            dir.display()
        );
    }
    let store = Store::connect(database)
        .await
        .with_context(|| format!("opening database {database}"))?;
    let app = router(AppState { store }, assets);
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    tracing::info!("Pingan server listening on http://{listen}/ (database {database})");
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
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

async fn print_households(database: &str) -> anyhow::Result<()> {
    let store = Store::connect(database).await?;
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
