//! A fresh, empty database on either backend, so every test runs against SQLite and
//! PostgreSQL alike.
//!
//! PostgreSQL is found at `PINGAN_TEST_POSTGRES` (default
//! `postgres://postgres@127.0.0.1:5432/`). When it cannot be reached, its runs are skipped
//! with a note, except under `CI=true`, where that is a failure: CI must never pass on
//! SQLite alone.

use std::sync::OnceLock;
use std::time::Duration;

use sqlx::Connection;
use sqlx::postgres::PgConnection;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Whether this backend's run should go ahead.
    pub async fn is_available(self) -> bool {
        match self {
            Backend::Sqlite => true,
            Backend::Postgres => postgres_reachable().await,
        }
    }
}

/// A database of its own for one test; dropped with it.
pub struct TestDatabase {
    pub url: String,
    place: Place,
}

enum Place {
    Sqlite { _dir: tempfile::TempDir },
    Postgres { name: String },
}

impl TestDatabase {
    pub async fn create(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite://{}", dir.path().join("pingan.db").display());
                TestDatabase {
                    url,
                    place: Place::Sqlite { _dir: dir },
                }
            }
            Backend::Postgres => {
                let mut random = [0u8; 8];
                getrandom::fill(&mut random).unwrap();
                let name = format!("pingan_test_{}", pingan_shared::document::hex(&random));
                let mut admin = PgConnection::connect(&admin_url())
                    .await
                    .unwrap_or_else(|e| panic!("connecting to PostgreSQL at {}: {e}", admin_url()));
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .await
                    .unwrap();
                let _ = admin.close().await;
                TestDatabase {
                    url: format!("{}{name}", server_url()),
                    place: Place::Postgres { name },
                }
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Place::Postgres { name } = &self.place else {
            return;
        };
        // Drop runs inside the test's runtime, which cannot block on its own futures, so the
        // cleanup gets a thread and a runtime of its own. FORCE closes the pool's connections.
        let statement = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        let cleanup = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let mut admin = PgConnection::connect(&admin_url()).await?;
                sqlx::query(&statement).execute(&mut admin).await?;
                admin.close().await
            })
        });
        if let Ok(Err(e)) = cleanup.join() {
            eprintln!("could not drop test database {name}: {e}");
        }
    }
}

/// The server's URL up to and including the slash before the database name.
fn server_url() -> String {
    let url = std::env::var("PINGAN_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/".into());
    if url.ends_with('/') { url } else { url + "/" }
}

fn admin_url() -> String {
    format!("{}postgres", server_url())
}

/// Asked once per test binary; every test then agrees on whether PostgreSQL runs.
async fn postgres_reachable() -> bool {
    static REACHABLE: OnceLock<Result<(), String>> = OnceLock::new();
    if REACHABLE.get().is_none() {
        let attempt = tokio::time::timeout(Duration::from_secs(5), async {
            PgConnection::connect(&admin_url()).await?.close().await
        })
        .await;
        let outcome = match attempt {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err("no answer within 5 s".to_owned()),
        };
        let _ = REACHABLE.set(outcome);
    }
    match REACHABLE.get().unwrap() {
        Ok(()) => true,
        Err(why) if std::env::var("CI").as_deref() == Ok("true") => panic!(
            "PostgreSQL at {} is unreachable ({why}); CI runs every test on both backends. \
             Start it, e.g. `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`.",
            admin_url()
        ),
        Err(why) => {
            eprintln!(
                "skipping the PostgreSQL run: {} is unreachable ({why})",
                admin_url()
            );
            false
        }
    }
}

/// For each `async fn name(backend: Backend)` listed, a module `name` with two tests,
/// `on_sqlite` and `on_postgres`, calling it. A test function left out of the list is unused,
/// which the lints refuse, so none runs on one backend only by accident.
#[allow(unused_macros)] // by the test files that run on both backends, not every one
macro_rules! on_both_backends {
    ($($test:ident),* $(,)?) => {$(
        mod $test {
            #[tokio::test]
            async fn on_sqlite() {
                super::$test($crate::support::Backend::Sqlite).await
            }

            #[tokio::test]
            async fn on_postgres() {
                if $crate::support::Backend::Postgres.is_available().await {
                    super::$test($crate::support::Backend::Postgres).await
                }
            }
        }
    )*};
}
pub(crate) use on_both_backends;
