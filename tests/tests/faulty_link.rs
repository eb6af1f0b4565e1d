//! Devices syncing through a village's bad link (`pingan_tests::proxy`): a 2G profile, and a
//! harsher one that cuts a quarter of connections at random bytes and stalls some. Syncs fail
//! midway, requests are committed whose answers never arrive, pages are lost in transit; once
//! the link is quiet everyone converges, nothing any device made is lost, and no download
//! position skips a feed entry.
//!
//! Rounds are bounded for CI; a longer run: `PINGAN_LINK_ROUNDS=40 cargo test -p pingan-tests
//! --test faulty_link -- --nocapture`.

use std::time::Duration;

use pingan_shared::document::DocumentId;
use pingan_tests::proxy::{FaultyLink, LinkProfile};
use pingan_tests::{Device, TestServer, assert_converged};

const VILLAGES: [&str; 2] = ["xingfu", "heping"];
/// The phone gives up on a request after this long (a stalled connection costs this much).
const PATIENCE: Duration = Duration::from_secs(4);

fn rounds() -> usize {
    std::env::var("PINGAN_LINK_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3)
}

async fn run(profile: LinkProfile, devices: u8, seed: u64) -> pingan_tests::proxy::LinkStats {
    let server = TestServer::start().await.unwrap();
    let link = FaultyLink::start(server.addr, profile, seed).await.unwrap();
    let mut phones = Vec::new();
    let mut made: Vec<(DocumentId, u8)> = Vec::new();
    for n in 0..devices {
        let village = VILLAGES[n as usize % VILLAGES.len()];
        let mut phone = Device::new(n + 1, village);
        phone.log_in(&server).await.unwrap();
        made.push((
            phone.add_household(&format!("{village}1组{n}号"), "户主"),
            n,
        ));
        phones.push(phone);
    }
    let mut failed_syncs = 0;
    for round in 0..rounds() {
        for (n, phone) in phones.iter_mut().enumerate() {
            // Work done offline since the last sync: an edit and sometimes a new household.
            let ids = phone.document_ids();
            let id = DocumentId::parse(&ids[(round + n) % ids.len()]).unwrap();
            phone.edit_household(&id, |h| h.head_of_household = format!("户主{round}-{n}"));
            if (round + n) % 2 == 0 {
                let village = phone.village.clone();
                made.push((
                    phone.add_household(&format!("{village}{round}组{n}号"), "新户主"),
                    n as u8,
                ));
            }
            if phone.sync_within(link.addr, PATIENCE).await.is_err() {
                failed_syncs += 1;
            }
        }
    }
    let stats = link.stats();
    eprintln!("{stats:?}, {failed_syncs} syncs failed midway");

    // Signal returns: every device syncs twice on a quiet link.
    for _ in 0..2 {
        for phone in &mut phones {
            phone.sync(server.addr).await.unwrap();
        }
    }
    assert_converged(&server.store, &mut phones, &made).await;
    stats
}

#[tokio::test]
async fn devices_on_a_2g_link_converge_and_lose_nothing() {
    let stats = run(LinkProfile::TWO_G, 4, 7).await;
    assert!(stats.connections > 0);
}

#[tokio::test]
async fn devices_whose_link_cuts_and_stalls_converge_and_lose_nothing() {
    let harsh = LinkProfile {
        cut_per_mille: 250,
        stall_per_mille: 100,
        ..LinkProfile::TWO_G
    };
    let stats = run(harsh, 4, 13).await;
    assert!(
        stats.cut > 0 && stats.stalled > 0,
        "the link must really cut and stall connections: {stats:?}"
    );
}
