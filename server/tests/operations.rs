//! What an operator does to a running township: `pingan-server backup` while it serves, and
//! `pingan-server restore` after a loss, with devices syncing against the restored database.

mod support;

use std::process::{Command, Output};

use pingan_server::Store;
use support::process::{FieldDevice, ServerProcess};
use support::{Backend, Township};

fn pingan_server(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pingan-server"))
        .args(args)
        .output()
        .unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[tokio::test]
async fn a_backup_taken_while_serving_restores_and_devices_sync_against_it() {
    use std::os::unix::fs::PermissionsExt;
    let township = Township::on(Backend::Sqlite).await;
    let url = township.database_url().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let mut server = ServerProcess::start(&url, &dir.path().join("server.log")).await;
    let mut phone = FieldDevice::logged_in(1, "xingfu", &township.store).await;
    let first = phone.add_household("幸福村1组1号");
    phone.sync(server.addr).await.unwrap();

    // The backup runs while the server serves and a device syncs.
    let backup = dir.path().join("backup.db");
    let backing_up = tokio::task::spawn_blocking({
        let (url, backup) = (url.clone(), backup.clone());
        move || {
            pingan_server(&[
                "backup",
                "--database",
                &url,
                "--to",
                backup.to_str().unwrap(),
            ])
        }
    });
    for n in 0..5 {
        phone.add_household(&format!("幸福村1组{}号", n + 10));
        phone.sync(server.addr).await.unwrap();
    }
    let output = backing_up.await.unwrap();
    assert!(output.status.success(), "{}", text(&output));
    let mode = std::fs::metadata(&backup).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the backup holds what the database holds");
    let again = pingan_server(&[
        "backup",
        "--database",
        &url,
        "--to",
        backup.to_str().unwrap(),
    ]);
    assert!(!again.status.success(), "a backup never overwrites a file");

    // After the backup: a feed position the restored database never issued.
    phone.add_household("幸福村1组99号");
    phone.sync(server.addr).await.unwrap();
    server.terminate();
    township.store.close().await;

    let refused = pingan_server(&[
        "restore",
        "--from",
        backup.to_str().unwrap(),
        "--database",
        &url,
    ]);
    assert!(!refused.status.success());
    assert!(text(&refused).contains("--force"), "{}", text(&refused));
    let restored = pingan_server(&[
        "restore",
        "--from",
        backup.to_str().unwrap(),
        "--database",
        &url,
        "--force",
    ]);
    assert!(restored.status.success(), "{}", text(&restored));
    assert!(
        text(&restored).contains(".replaced-"),
        "{}",
        text(&restored)
    );
    let database = std::path::Path::new(url.trim_start_matches("sqlite://"));
    let kept = std::fs::read_dir(database.parent().unwrap())
        .unwrap()
        .filter_map(|entry| entry.ok())
        .any(|entry| entry.file_name().to_string_lossy().contains(".replaced-"));
    assert!(kept, "the replaced database is kept beside it");

    let store = Store::connect(&url).await.unwrap();
    let households = store.documents_of_type("household").await.unwrap();
    assert!(
        households.iter().any(|d| d.id == first.as_str()),
        "the backup holds what was stored before it"
    );
    assert!(households.len() < 7, "and not what came after it");

    let server = ServerProcess::start(&url, &dir.path().join("server-2.log")).await;
    let answered = phone.statuses.len();
    phone.sync(server.addr).await.unwrap();
    assert_eq!(
        phone.statuses[answered..].first(),
        Some(&400),
        "the position past the restored feed is refused as unknown_position: {:?}",
        &phone.statuses[answered..]
    );
    assert_eq!(
        phone.statuses.last(),
        Some(&200),
        "and the device starts over"
    );

    // Work goes on against the restored database, and reaches other devices.
    phone.edit_address(&first, "幸福村1组1号之一");
    phone.sync(server.addr).await.unwrap();
    assert_eq!(phone.unacknowledged_documents(), 0);
    let mut colleague = FieldDevice::logged_in(2, "xingfu", &store).await;
    colleague.sync(server.addr).await.unwrap();
    assert_eq!(
        colleague.household(&first).unwrap().address,
        "幸福村1组1号之一"
    );
}

#[tokio::test]
async fn restore_refuses_a_file_that_is_not_a_backup_and_postgres_urls() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"not a database").unwrap();
    let target = format!("sqlite://{}", dir.path().join("pingan.db").display());
    let output = pingan_server(&[
        "restore",
        "--from",
        junk.to_str().unwrap(),
        "--database",
        &target,
    ]);
    assert!(!output.status.success());
    assert!(
        text(&output).contains("not a Pingan backup"),
        "{}",
        text(&output)
    );
    assert!(!dir.path().join("pingan.db").exists());

    let output = pingan_server(&[
        "backup",
        "--database",
        "postgres://postgres@127.0.0.1/pingan",
        "--to",
        dir.path().join("b.db").to_str().unwrap(),
    ]);
    assert!(!output.status.success());
    assert!(text(&output).contains("pg_dump"), "{}", text(&output));
}

/// `pingan-server user villages` reassigns a worker; the logged-in phone's next sync answers
/// with the new villages, no new login needed.
#[tokio::test]
async fn user_villages_moves_a_worker_whose_next_sync_names_the_new_villages() {
    use pingan_shared::sync::protocol::{Position, SyncRequest};
    let township = Township::on(Backend::Sqlite).await;
    let url = township.database_url().to_owned();
    let phone = township.login("worker-xingfu", "phone").await;
    let sync = SyncRequest {
        device_id: phone.device_id.clone(),
        position: Position::Start,
        documents: Vec::new(),
        crash_reports: Vec::new(),
    };
    let ids = |response: pingan_shared::sync::protocol::SyncResponse| -> Vec<String> {
        response.villages.into_iter().map(|v| v.id).collect()
    };
    assert_eq!(ids(township.sync(&phone, &sync).await), vec!["xingfu"]);

    let moved = pingan_server(&[
        "user",
        "villages",
        "worker-xingfu",
        "heping,xingfu",
        "--database",
        &url,
    ]);
    assert!(moved.status.success(), "{}", text(&moved));
    assert_eq!(
        ids(township.sync(&phone, &sync).await),
        vec!["heping", "xingfu"]
    );
    let listed = pingan_server(&["user", "list", "--database", &url]);
    assert!(text(&listed).contains("worker-xingfu\tworker\tworker-xingfu\theping,xingfu"));

    for (args, why) in [
        (["worker-xingfu", "nowhere"], "does not exist"),
        (["reviewer", "heping"], "township staff"),
        (["nobody", "heping"], "does not exist"),
    ] {
        let refused = pingan_server(&["user", "villages", args[0], args[1], "--database", &url]);
        assert!(!refused.status.success(), "{args:?}");
        assert!(text(&refused).contains(why), "{args:?}: {}", text(&refused));
    }
    assert_eq!(
        ids(township.sync(&phone, &sync).await),
        vec!["heping", "xingfu"]
    );
}
