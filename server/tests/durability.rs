//! Acknowledged means committed, proven by breaking the store under a real server process: a
//! disk that refuses writes (a file-size limit) on SQLite, a database turned read-only and a
//! backend killed mid-sync on PostgreSQL. Nothing a device was told is stored may be missing
//! from a fresh connection after SIGKILL, and syncs resume once the fault clears, without a
//! restart. Also: other writers (the CLI) make syncs wait, not fail; the file is private.

mod support;

use std::time::Duration;

use pingan_server::Store;
use sqlx::Connection;
use sqlx::postgres::PgConnection;
use support::process::{FieldDevice, ServerProcess, acknowledged_but_missing};
use support::{Backend, Township};

/// Asserts that `result` is a failed sync with a 5xx status.
fn assert_refused_with_5xx(result: Result<(), String>, what: &str) {
    match result {
        Ok(()) => panic!("{what}: the sync succeeded while the store could not write"),
        Err(error) => assert!(
            error.starts_with('5'),
            "{what}: expected a 5xx, got {error}"
        ),
    }
}

/// `POST /api/login` for `worker-xingfu` on `device`: the status and, on 200, a sync with the
/// token's status — a token the server hands out must work.
async fn log_in_and_sync(server: &ServerProcess, device: &str) -> (u16, Option<u16>) {
    let client = reqwest::Client::new();
    let response = client
        .post(format!("http://{}/api/login", server.addr))
        .header("content-type", "application/json")
        .body(
            serde_json::json!({
                "username": "worker-xingfu",
                "password": support::PASSWORD,
                "device_id": device,
            })
            .to_string(),
        )
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    if status != 200 {
        return (status, None);
    }
    let body: serde_json::Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    let request = pingan_shared::sync::protocol::SyncRequest {
        device_id: device.into(),
        position: pingan_shared::sync::protocol::Position::Start,
        documents: Vec::new(),
        crash_reports: Vec::new(),
    };
    let synced = client
        .post(format!("http://{}/api/sync", server.addr))
        .bearer_auth(body["token"].as_str().unwrap())
        .header("content-type", pingan_shared::sync::protocol::CONTENT_TYPE)
        .body(pingan_shared::sync::protocol::encode(&request))
        .send()
        .await
        .unwrap();
    (status, Some(synced.status().as_u16()))
}

/// Syncs until one succeeds, at most `attempts` times, a fifth of a second apart.
async fn sync_until_ok(device: &mut FieldDevice, server: &ServerProcess, attempts: usize) {
    let mut last = String::new();
    for _ in 0..attempts {
        match device.sync(server.addr).await {
            Ok(()) => return,
            Err(error) => last = error,
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("no sync succeeded in {attempts} attempts; the last said {last}");
}

/// After SIGKILL, a fresh connection must find every acknowledged change, and the master copy
/// must be what the devices hold.
async fn assert_master_copy_kept_its_word(url: &str, devices: &[&FieldDevice]) {
    let fresh = Store::connect(url).await.unwrap();
    let missing = acknowledged_but_missing(&fresh, devices).await;
    assert!(
        missing.is_empty(),
        "acknowledged but not in the master copy after a restart: {missing:?}"
    );
    for device in devices {
        for (id, heads) in device.heads() {
            let (_, stored_heads) = fresh.document_with_heads(&id).await.unwrap().unwrap();
            let stored: Vec<automerge::ChangeHash> = stored_heads
                .chunks(32)
                .map(|h| automerge::ChangeHash(h.try_into().unwrap()))
                .collect();
            let mut expected = heads.clone();
            expected.sort();
            let mut stored = stored;
            stored.sort();
            assert_eq!(stored, expected, "document {id}");
        }
    }
}

#[tokio::test]
async fn sqlite_a_full_disk_acknowledges_nothing_and_syncs_resume_when_it_has_room() {
    let township = Township::on(Backend::Sqlite).await;
    let url = township.database_url().to_owned();
    let logs = tempfile::tempdir().unwrap();
    let mut server = ServerProcess::start(&url, &logs.path().join("server.log")).await;
    let mut phone = FieldDevice::logged_in(1, "xingfu", &township.store).await;
    let mut other = FieldDevice::logged_in(2, "xingfu", &township.store).await;

    let first = phone.add_household("幸福村1组1号");
    phone.sync(server.addr).await.unwrap();
    phone.edit_address(&first, "幸福村1组1号之一");
    phone.sync(server.addr).await.unwrap();

    // The disk fills: every write the server makes from now on fails with EFBIG.
    server.limit_file_size(Some(0));
    let second = phone.add_household("幸福村1组2号");
    for attempt in 0..3 {
        assert_refused_with_5xx(phone.sync(server.addr).await, &format!("attempt {attempt}"));
    }
    phone.edit_address(&second, "幸福村1组2号之一");
    phone.edit_address(&first, "幸福村1组1号之二");
    assert_refused_with_5xx(phone.sync(server.addr).await, "an edit on top");
    other.add_household("幸福村1组3号");
    assert_refused_with_5xx(other.sync(server.addr).await, "another device");
    let (login, _) = log_in_and_sync(&server, "phone-login-1").await;
    assert_eq!(
        login, 500,
        "a login that could not be stored hands out no token"
    );
    assert_eq!(phone.unacknowledged_documents(), 2);
    let (status, body) = server.health().await.unwrap();
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("store_unavailable"), "{body}");
    // Another process sees everything the server acknowledged, already.
    let missing = acknowledged_but_missing(&township.store, &[&phone, &other]).await;
    assert!(
        missing.is_empty(),
        "acknowledged, invisible elsewhere: {missing:?}"
    );

    // Room again: the same server process takes writes at once.
    server.limit_file_size(None);
    phone.sync(server.addr).await.unwrap();
    other.sync(server.addr).await.unwrap();
    assert_eq!(phone.unacknowledged_documents(), 0);
    assert_eq!(other.unacknowledged_documents(), 0);
    assert_eq!(server.health().await.unwrap(), (200, "ok".to_owned()));
    assert_eq!(
        log_in_and_sync(&server, "phone-login-2").await,
        (200, Some(200)),
        "a login after the fault gives a token that works"
    );
    // Later edits build on what was resent: nothing is refused as missing its ancestors.
    phone.edit_address(&second, "幸福村1组2号之二");
    phone.sync(server.addr).await.unwrap();
    other.sync(server.addr).await.unwrap();
    phone.sync(server.addr).await.unwrap();
    assert_eq!(phone.unacknowledged_documents(), 0);

    server.kill();
    assert_master_copy_kept_its_word(&url, &[&phone, &other]).await;
}

/// The PostgreSQL server's `postgres` database, for statements about the test's database.
fn admin_url(url: &str) -> (String, String) {
    let (base, name) = url.rsplit_once('/').unwrap();
    (format!("{base}/postgres"), name.to_owned())
}

async fn terminate_sessions_of(admin: &mut PgConnection, database: &str) {
    sqlx::query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = $1 AND pid <> pg_backend_pid()",
    )
    .bind(database)
    .execute(&mut *admin)
    .await
    .unwrap();
}

#[tokio::test]
async fn postgres_a_database_that_refuses_writes_acknowledges_nothing_and_syncs_resume() {
    if !Backend::Postgres.is_available().await {
        return;
    }
    let township = Township::on(Backend::Postgres).await;
    let url = township.database_url().to_owned();
    let (admin_url, name) = admin_url(&url);
    let mut admin = PgConnection::connect(&admin_url).await.unwrap();
    let logs = tempfile::tempdir().unwrap();
    let mut server = ServerProcess::start(&url, &logs.path().join("server.log")).await;
    let mut phone = FieldDevice::logged_in(1, "xingfu", &township.store).await;

    let first = phone.add_household("幸福村1组1号");
    phone.sync(server.addr).await.unwrap();

    // The database turns read-only under the server (as a full disk or a failover does).
    sqlx::query(&format!(
        "ALTER DATABASE {name} SET default_transaction_read_only = on"
    ))
    .execute(&mut admin)
    .await
    .unwrap();
    terminate_sessions_of(&mut admin, &name).await;
    let second = phone.add_household("幸福村1组2号");
    for attempt in 0..3 {
        assert_refused_with_5xx(phone.sync(server.addr).await, &format!("attempt {attempt}"));
    }
    phone.edit_address(&first, "幸福村1组1号之一");
    assert_refused_with_5xx(phone.sync(server.addr).await, "an edit on top");
    let (login, _) = log_in_and_sync(&server, "phone-login-1").await;
    assert_eq!(
        login, 500,
        "a login that could not be stored hands out no token"
    );
    assert_eq!(phone.unacknowledged_documents(), 2);
    let (status, body) = server.health().await.unwrap();
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("store_unavailable"), "{body}");

    // Writable again; the sessions that were opened read-only end, and the server goes on.
    sqlx::query(&format!(
        "ALTER DATABASE {name} RESET default_transaction_read_only"
    ))
    .execute(&mut admin)
    .await
    .unwrap();
    terminate_sessions_of(&mut admin, &name).await;
    sync_until_ok(&mut phone, &server, 10).await;
    assert_eq!(phone.unacknowledged_documents(), 0);
    assert_eq!(server.health().await.unwrap(), (200, "ok".to_owned()));
    assert_eq!(
        log_in_and_sync(&server, "phone-login-2").await,
        (200, Some(200)),
        "a login after the fault gives a token that works"
    );

    // The backend dies in the middle of a sync's write, while it waits on a lock.
    let mut blocker = PgConnection::connect(&url).await.unwrap();
    sqlx::query("BEGIN").execute(&mut blocker).await.unwrap();
    sqlx::query("LOCK TABLE change_batches IN ACCESS EXCLUSIVE MODE")
        .execute(&mut blocker)
        .await
        .unwrap();
    phone.edit_address(&second, "幸福村1组2号之一");
    let kill_the_waiting_backend = async {
        let mut waiting = None;
        for _ in 0..200 {
            waiting = sqlx::query_scalar::<_, i32>(
                "SELECT pid FROM pg_stat_activity
                 WHERE datname = $1 AND wait_event_type = 'Lock'
                   AND query LIKE 'INSERT INTO change_batches%'",
            )
            .bind(&name)
            .fetch_optional(&mut admin)
            .await
            .unwrap();
            if waiting.is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let waiting = waiting.expect("the sync's write never waited on the lock");
        sqlx::query("SELECT pg_terminate_backend($1)")
            .bind(waiting)
            .execute(&mut admin)
            .await
            .unwrap();
    };
    let (outcome, ()) = tokio::join!(phone.sync(server.addr), kill_the_waiting_backend);
    assert_refused_with_5xx(outcome, "a sync whose backend was killed");
    sqlx::query("ROLLBACK").execute(&mut blocker).await.unwrap();
    assert_eq!(phone.unacknowledged_documents(), 1);
    sync_until_ok(&mut phone, &server, 10).await;
    assert_eq!(phone.unacknowledged_documents(), 0);

    server.kill();
    assert_master_copy_kept_its_word(&url, &[&phone]).await;
}

#[tokio::test]
async fn sqlite_a_cli_user_add_while_devices_sync_makes_them_wait_not_fail() {
    let township = Township::on(Backend::Sqlite).await;
    let url = township.database_url().to_owned();
    let logs = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&url, &logs.path().join("server.log")).await;
    let mut devices = Vec::new();
    for number in 0..4 {
        devices.push(FieldDevice::logged_in(number, "xingfu", &township.store).await);
    }
    let cli = tokio::task::spawn_blocking({
        let url = url.clone();
        move || {
            let mut failures = Vec::new();
            for n in 0..12 {
                let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pingan-server"))
                    .args([
                        "user",
                        "add",
                        &format!("clerk{n}"),
                        "--name",
                        "文书",
                        "--role",
                    ])
                    .args(["reviewer", "--database", &url])
                    .stdin(std::process::Stdio::piped())
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap();
                use std::io::Write;
                child
                    .stdin
                    .take()
                    .unwrap()
                    .write_all(b"a long enough password\n")
                    .unwrap();
                let output = child.wait_with_output().unwrap();
                if !output.status.success() {
                    failures.push(String::from_utf8_lossy(&output.stderr).into_owned());
                }
            }
            failures
        }
    });
    let mut failures = Vec::new();
    let mut round = 0;
    while !cli.is_finished() && round < 200 {
        round += 1;
        for device in &mut devices {
            device.add_household(&format!("幸福村2组{round}号"));
            if let Err(error) = device.sync(server.addr).await {
                failures.push(error);
            }
        }
    }
    let cli_failures = cli.await.unwrap();
    assert!(cli_failures.is_empty(), "user add failed: {cli_failures:?}");
    assert!(
        failures.is_empty(),
        "syncs failed during user add: {failures:?}"
    );
    assert!(round > 1, "the syncs ran alongside the CLI");
    assert_eq!(township.store.users().await.unwrap().len(), 4 + 12);
}

#[tokio::test]
async fn the_sqlite_file_and_its_wal_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pingan.db");
    let store = Store::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    store
        .add_village(&pingan_server::accounts::Village {
            id: "xingfu".into(),
            name: "幸福村".into(),
        })
        .await
        .unwrap();
    for suffix in ["", "-wal", "-shm"] {
        let file = format!("{}{suffix}", path.display());
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{file} has mode {mode:o}");
    }

    // A database an older server created world-readable is narrowed when it is opened.
    drop(store);
    let old = dir.path().join("old.db");
    std::fs::copy(&path, &old).unwrap();
    std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();
    Store::connect(&format!("sqlite://{}", old.display()))
        .await
        .unwrap();
    let mode = std::fs::metadata(&old).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}
