//! SIGKILL at random moments: rounds of devices syncing at once against a real server process
//! that is killed mid-work and started again. Afterwards a fresh connection finds every change
//! any device saw acknowledged, every device holds exactly the master copy of its village, and
//! the feed holds each change once.
//!
//! Bounded here (4 rounds); a longer run: `PINGAN_SIGKILL_ROUNDS=200 PINGAN_SIGKILL_SEED=7
//! cargo nextest run -p pingan-server --test sigkill`. The seed is printed; the same seed gives
//! the same kill delays (the machine's timing still varies).

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use pingan_server::Store;
use pingan_server::store::Scope;
use pingan_shared::document::{self, DocumentId};
use support::process::{FieldDevice, ServerProcess, acknowledged_but_missing};
use support::{Backend, Township, on_both_backends};

on_both_backends!(every_acknowledged_change_survives_sigkill_at_random_moments);

const DEVICES: u16 = 8;
const VILLAGES: [&str; 2] = ["xingfu", "heping"];

/// xorshift64*: enough randomness for kill delays, and reproducible from the seed.
struct Random(u64);

impl Random {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n
    }
}

fn from_env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn every_acknowledged_change_survives_sigkill_at_random_moments(backend: Backend) {
    let rounds = from_env("PINGAN_SIGKILL_ROUNDS", 4);
    let seed = from_env(
        "PINGAN_SIGKILL_SEED",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64
            | 1,
    );
    eprintln!("PINGAN_SIGKILL_SEED={seed} PINGAN_SIGKILL_ROUNDS={rounds}");
    let mut random = Random(seed);
    let township = Township::on(backend).await;
    let url = township.database_url().to_owned();
    let logs = tempfile::tempdir().unwrap();
    let mut devices = Vec::new();
    let mut own: Vec<Vec<DocumentId>> = Vec::new();
    for number in 0..DEVICES {
        let village = VILLAGES[number as usize % VILLAGES.len()];
        devices.push(FieldDevice::logged_in(number, village, &township.store).await);
        own.push(Vec::new());
    }

    for round in 0..rounds {
        let mut server =
            ServerProcess::start(&url, &logs.path().join(format!("server-{round}.log"))).await;
        let addr = server.addr;
        let kill_after = Duration::from_millis(5 + random.below(120));
        let local = tokio::task::LocalSet::new();
        let working = std::mem::take(&mut devices)
            .into_iter()
            .zip(std::mem::take(&mut own));
        let finished = local
            .run_until(async {
                let work = working
                    .enumerate()
                    .map(|(number, (mut device, mut ids))| {
                        tokio::task::spawn_local(async move {
                            for step in 0..3 {
                                if ids.is_empty() || step == 0 {
                                    let address = format!("{round}-{number}-{step}号");
                                    ids.push(device.add_household(&address));
                                } else {
                                    let id = ids[(round as usize + step) % ids.len()].clone();
                                    device.edit_address(&id, &format!("{round}轮{step}次"));
                                }
                                // Errors are expected: the server dies under the devices.
                                let _ = device.sync(addr).await;
                            }
                            (device, ids)
                        })
                    })
                    .collect::<Vec<_>>();
                tokio::time::sleep(kill_after).await;
                server.kill();
                let mut finished = Vec::new();
                for task in work {
                    finished.push(task.await.unwrap());
                }
                finished
            })
            .await;
        for (device, ids) in finished {
            devices.push(device);
            own.push(ids);
        }
    }

    // Quiet: one pass sends everything left, the next brings everyone up to date.
    let server = ServerProcess::start(&url, &logs.path().join("server-last.log")).await;
    for _ in 0..2 {
        for (number, device) in devices.iter_mut().enumerate() {
            device
                .sync(server.addr)
                .await
                .unwrap_or_else(|e| panic!("device {number}: {e}"));
        }
    }
    drop(server);

    let fresh = Store::connect(&url).await.unwrap();
    let everyone: Vec<&FieldDevice> = devices.iter().collect();
    let missing = acknowledged_but_missing(&fresh, &everyone).await;
    assert!(missing.is_empty(), "acknowledged, then lost: {missing:?}");
    let mut master = BTreeMap::new();
    for stored in fresh.documents_of_type("household").await.unwrap() {
        let mut doc = document::load(&stored.data).unwrap();
        let mut heads = doc.get_heads();
        heads.sort();
        master.insert(stored.id, (stored.village, heads));
    }
    for (number, device) in devices.iter().enumerate() {
        let village = VILLAGES[number % VILLAGES.len()];
        assert_eq!(device.unacknowledged_documents(), 0, "device {number}");
        for id in &own[number] {
            assert!(
                master.contains_key(id.as_str()),
                "device {number}'s {id} is lost"
            );
        }
        let held: BTreeMap<String, Vec<automerge::ChangeHash>> = device
            .heads()
            .into_iter()
            .map(|(id, mut heads)| {
                heads.sort();
                (id, heads)
            })
            .collect();
        let expected: BTreeMap<String, Vec<automerge::ChangeHash>> = master
            .iter()
            .filter(|(_, (v, _))| v == village)
            .map(|(id, (_, heads))| (id.clone(), heads.clone()))
            .collect();
        assert_eq!(held, expected, "device {number} converged on its village");
    }
    // Each change once in the feed, however often it was resent after a kill.
    let feed = fresh
        .feed_page(0, &Scope::Township, "nobody", 1_000_000)
        .await
        .unwrap();
    let mut seen = BTreeSet::new();
    for entry in &feed.entries {
        for change in &entry.changes {
            let hash = automerge::Change::from_bytes(change.clone())
                .unwrap()
                .hash();
            assert!(seen.insert(hash), "change {hash} is in the feed twice");
        }
    }
}
