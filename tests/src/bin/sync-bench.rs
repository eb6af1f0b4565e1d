//! Sync benchmark: `cargo run --release -p pingan-tests --bin sync-bench`.
//!
//! Measures, against a real server on loopback (SQLite in a temporary directory):
//! (a) a day's work: 100 households × 5 field edits (each edit its own save) uploaded while
//!     300 changes from another device wait to be downloaded — round trips, bytes on the wire
//!     (gzip, as the app sends), wall time;
//! (b) a fresh device joining a village of 2,000 households, ~6,000 people and 200 disputes —
//!     round trips, bytes, wall time, records per second into the (in-memory) device store;
//! (c) the server merging 10,000 small changes across 1,000 documents, commit included.
//! Results go to standard output; `BENCHMARKS.md` records them with the machine and method.

use std::time::Instant;

use pingan_server::Store;
use pingan_server::accounts::{Role, User, Village};
use pingan_server::store::{Scope, StoreError};
use pingan_server::sync::Principal;
use pingan_shared::document::DocumentId;
use pingan_shared::generator::{self, TownshipSpec};
use pingan_shared::records::household::SecurityContact;
use pingan_shared::sync::protocol::SyncRequest;
use pingan_tests::{Device, TestServer, WireBytes, post_sync_measured};
use sqlx::Connection;

/// Syncs until done, counting round trips and wire bytes.
async fn measured_sync(
    server: &TestServer,
    device: &mut Device,
) -> anyhow::Result<(usize, WireBytes)> {
    let mut total = WireBytes::default();
    for round in 1..=10_000 {
        let request = device.prepare().await?;
        let (response, wire) = post_sync_measured(server.addr, device.token(), &request).await?;
        total.sent += wire.sent;
        total.received += wire.received;
        if !device.receive(response).await? {
            return Ok((round, total));
        }
    }
    anyhow::bail!("sync did not finish")
}

fn edit(device: &mut Device, id: &DocumentId, k: usize) {
    device.edit_household(id, |h| match k % 5 {
        0 => h.address = format!("{}·{k}", h.address.split('·').next().unwrap_or_default()),
        1 => h.head_of_household = format!("户主{k}"),
        2 => h.group = format!("{k}组"),
        3 => h.joint_defence_group = Some(format!("第{k}联防组")),
        _ => {
            h.security_contact = Some(SecurityContact {
                name: format!("联系人{k}"),
                phone: format!("138{:08}", k),
            })
        }
    });
}

async fn days_work() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let mut worker = Device::new(1, "xingfu");
    let mut colleague = Device::new(2, "xingfu");
    worker.log_in(&server).await?;
    colleague.log_in(&server).await?;
    let ids: Vec<DocumentId> = (0..100)
        .map(|i| worker.add_household(&format!("幸福村{}组{}号", i % 9 + 1, i), "王建国"))
        .collect();
    worker.sync(server.addr).await?;
    colleague.sync(server.addr).await?;
    for (k, id) in ids
        .iter()
        .take(60)
        .enumerate()
        .flat_map(|(i, id)| (0..5).map(move |e| (i * 5 + e, id)))
    {
        edit(&mut colleague, id, k);
    }
    colleague.sync(server.addr).await?;
    for (i, id) in ids.iter().enumerate() {
        for e in 0..5 {
            edit(&mut worker, id, 1_000 + i * 5 + e);
        }
    }

    let started = Instant::now();
    let (rounds, wire) = measured_sync(&server, &mut worker).await?;
    let elapsed = started.elapsed();
    println!(
        "(a) day's work: 500 field edits up, 300 changes down: {rounds} round trip(s), {} B sent ({:.1} B per edit), {} B received, {:.1} ms",
        wire.sent,
        wire.sent as f64 / 500.0,
        wire.received,
        elapsed.as_secs_f64() * 1000.0
    );
    anyhow::ensure!(
        worker.unacknowledged_documents() == 0,
        "everything was acknowledged"
    );
    Ok(())
}

async fn fresh_device() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let township = generator::generate(&TownshipSpec::village_benchmark());
    let village = &township.villages[0];
    server
        .store
        .add_village(&Village {
            id: village.id.clone(),
            name: village.name.clone(),
        })
        .await?;
    let user = User {
        username: format!("worker-{}", village.id),
        display_name: "bench".into(),
        role: Role::Worker,
        villages: vec![village.id.clone()],
        disabled: false,
    };
    server.store.add_user(&user, "unused", 0).await?;
    pingan_server::demo::store_township(&server.store, &township, 0).await?;
    let records = township.households.len()
        + township.persons.len()
        + township.rental_houses.len()
        + township.disputes.len()
        + township.outreach_visits.len();

    let mut device = Device::new(9, &village.id);
    device.log_in(&server).await?;
    let started = Instant::now();
    let (rounds, wire) = measured_sync(&server, &mut device).await?;
    let elapsed = started.elapsed();
    anyhow::ensure!(
        device.document_ids().len() == records,
        "the device holds every record"
    );
    println!(
        "(b) fresh device, village of {} households / {} people / {} disputes ({records} records): {rounds} round trips, {} B sent, {} B received, {:.0} ms, {:.0} records/s",
        township.households.len(),
        township.persons.len(),
        township.disputes.len(),
        wire.sent,
        wire.received,
        elapsed.as_secs_f64() * 1000.0,
        records as f64 / elapsed.as_secs_f64()
    );
    Ok(())
}

/// (c) on one backend: 1,000 households already in the master copy, then one upload of ten
/// edits to each, merged, validated and committed by the sync service (no HTTP in the timing).
async fn server_merge(store: &Store, backend: &str) -> anyhow::Result<()> {
    let village = Village {
        id: "xingfu".into(),
        name: "幸福村".into(),
    };
    match store.add_village(&village).await {
        Ok(()) | Err(StoreError::VillageExists(_)) => {}
        Err(error) => return Err(error.into()),
    }
    let mut device = Device::new(3, "xingfu");
    let principal = Principal {
        user: "worker-xingfu".into(),
        device_id: device.device_id.clone(),
        scope: Scope::Villages(vec!["xingfu".into()]),
    };
    let ids: Vec<DocumentId> = (0..1_000)
        .map(|i| device.add_household(&format!("幸福村{i}号"), "户主"))
        .collect();
    let setup = pingan_server::sync::sync(store, &principal, device.prepare().await?, 0).await?;
    device.receive(setup).await?;
    for (i, id) in ids.iter().enumerate() {
        for e in 0..10 {
            edit(&mut device, id, i * 10 + e);
        }
    }
    let request: SyncRequest = device.prepare().await?;
    let changes: usize = request.documents.iter().map(|d| d.changes.len()).sum();
    if std::env::var("BENCH_PROFILE").is_ok() {
        let docs = store.documents_page("", &principal.scope, 2_000).await?;
        let t = Instant::now();
        for (doc, upload) in docs.iter().zip(&request.documents) {
            let changes: Vec<Vec<u8>> = upload.changes.iter().map(|c| c.to_vec()).collect();
            let _ = pingan_server::merge::merge_upload(
                Some(&doc.data),
                &changes,
                pingan_server::http::auth::now_ms(),
            );
        }
        println!(
            "merge CPU only: {:.1} ms",
            t.elapsed().as_secs_f64() * 1000.0
        );
        let mut phases = [0f64; 4];
        for (doc, upload) in docs.iter().zip(&request.documents) {
            let changes: Vec<Vec<u8>> = upload.changes.iter().map(|c| c.to_vec()).collect();
            let t = Instant::now();
            let mut d = automerge::AutoCommit::load(&doc.data).unwrap();
            phases[0] += t.elapsed().as_secs_f64();
            let t = Instant::now();
            d.apply_changes(pingan_shared::document::decode_changes(&changes).unwrap())
                .unwrap();
            phases[1] += t.elapsed().as_secs_f64();
            let t = Instant::now();
            let _ = pingan_shared::document::validate(&d, pingan_shared::statistics::china_date(0));
            phases[2] += t.elapsed().as_secs_f64();
            let t = Instant::now();
            let _ = d.save();
            phases[3] += t.elapsed().as_secs_f64();
        }
        println!(
            "load {:.1} apply {:.1} validate {:.1} save {:.1} ms",
            phases[0] * 1e3,
            phases[1] * 1e3,
            phases[2] * 1e3,
            phases[3] * 1e3
        );
    }
    let started = Instant::now();
    let response = pingan_server::sync::sync(store, &principal, request, 0).await?;
    let elapsed = started.elapsed();
    anyhow::ensure!(
        response.accepted.len() == 1_000,
        "{:?}",
        response.rejected.first()
    );
    println!(
        "(c) server merge on {backend}: {changes} changes across 1,000 documents, merged, validated and committed in {:.1} ms",
        elapsed.as_secs_f64() * 1000.0
    );
    Ok(())
}

/// A fresh PostgreSQL database for (c), or `None` (with a note) when there is no server.
async fn postgres_store() -> anyhow::Result<Option<(Store, String, sqlx::PgConnection)>> {
    let admin_url = std::env::var("PINGAN_BENCH_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let Ok(mut admin) = sqlx::PgConnection::connect(&admin_url).await else {
        println!("(c) server merge on PostgreSQL: skipped, no server at {admin_url}");
        return Ok(None);
    };
    let name = format!("pingan_bench_{}", std::process::id());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await?;
    let base = admin_url
        .rsplit_once('/')
        .map(|(base, _)| base)
        .unwrap_or(&admin_url);
    let store = Store::connect(&format!("{base}/{name}")).await?;
    Ok(Some((store, name, admin)))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    days_work().await?;
    fresh_device().await?;
    let sqlite = TestServer::start().await?;
    server_merge(&sqlite.store, "SQLite").await?;
    if let Some((store, name, mut admin)) = postgres_store().await? {
        let result = server_merge(&store, "PostgreSQL").await;
        drop(store);
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut admin)
            .await?;
        result?;
    }
    Ok(())
}
