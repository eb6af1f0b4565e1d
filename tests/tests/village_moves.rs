//! An admin moves a worker to other villages while the worker's phone is offline: at its next
//! sync the phone forgets what it synced of the old village, downloads the new one whole, and
//! keeps the work it had not sent (refused `out_of_scope`, never lost).

use std::collections::BTreeSet;

use pingan_shared::document;
use pingan_shared::sync::protocol::{Position, RefusalCode};
use pingan_tests::{Device, TestServer};

/// The ids of the master copy's households in `village`.
async fn households_in(server: &TestServer, village: &str) -> BTreeSet<String> {
    server
        .households()
        .await
        .unwrap()
        .into_iter()
        .filter(|(_, household)| household.village == village)
        .map(|(id, _)| id)
        .collect()
}

/// The ids of the households `device` holds in `village`.
fn held_in(device: &Device, village: &str) -> BTreeSet<String> {
    device
        .document_ids()
        .into_iter()
        .filter(|id| {
            let doc = device.storage().document(id).unwrap();
            document::village(&doc).as_deref() == Some(village)
        })
        .collect()
}

/// `count` households registered in `village` by another device, synced; that device.
async fn registered(server: &TestServer, number: u8, village: &str, count: usize) -> Device {
    let mut registrar = Device::new(number, village);
    registrar.log_in(server).await.unwrap();
    for n in 0..count {
        registrar.add_household(&format!("{village}{n}号"), "户主");
    }
    registrar.sync(server.addr).await.unwrap();
    assert_eq!(registrar.unacknowledged_documents(), 0);
    registrar
}

#[tokio::test]
async fn a_worker_moved_to_another_village_holds_its_records_at_the_next_sync_and_keeps_unsent_work()
 {
    let server = TestServer::start().await.unwrap();
    let mut heping_worker = registered(&server, 2, "heping", 7).await;
    let mut phone = Device::new(1, "xingfu");
    phone.log_in(&server).await.unwrap();
    phone.add_household("幸福村1组1号", "李秀英");
    phone.sync(server.addr).await.unwrap();
    registered(&server, 3, "xingfu", 4).await;
    phone.sync(server.addr).await.unwrap();
    let xingfu = households_in(&server, "xingfu").await;
    assert_eq!(xingfu.len(), 5);
    assert_eq!(held_in(&phone, "xingfu"), xingfu);
    assert!(held_in(&phone, "heping").is_empty());
    assert_eq!(phone.storage().stored_villages(), vec!["xingfu"]);

    // Offline, the worker registers a household; meanwhile heping's records change (feed
    // entries past the phone's position: new ones, and an edit whose past the phone lacks),
    // and the admin moves the worker to heping.
    let unsent = phone.add_household("幸福村2组8号", "刘洋");
    registered(&server, 4, "heping", 2).await;
    let edited = heping_worker.document_ids()[0].clone();
    let edited = document::DocumentId::parse(&edited).unwrap();
    heping_worker.edit_household(&edited, |h| h.head_of_household = "陈静".into());
    heping_worker.sync(server.addr).await.unwrap();
    server
        .store
        .set_villages("worker-xingfu", &["heping".to_owned()])
        .await
        .unwrap();

    phone.sync(server.addr).await.unwrap();

    // Nothing synced of xingfu is left; all of heping is there, in the same sync.
    assert_eq!(
        held_in(&phone, "xingfu"),
        BTreeSet::from([unsent.to_string()])
    );
    let heping = households_in(&server, "heping").await;
    assert_eq!(heping.len(), 9);
    assert_eq!(held_in(&phone, "heping"), heping);
    assert_eq!(phone.household(&edited).unwrap().head_of_household, "陈静");
    assert_eq!(phone.storage().stored_villages(), vec!["heping"]);
    let newest = server.store.feed_head().await.unwrap();
    assert_eq!(
        phone.storage().stored_position(),
        Position::Feed { seq: newest }
    );

    // The unsent household went up, was refused, and is still on the phone, as registered.
    let refusal = phone
        .refusals
        .iter()
        .find(|r| r.document_id == unsent.as_str())
        .expect("the unsent household was uploaded and refused");
    assert_eq!(refusal.code, RefusalCode::OutOfScope);
    let state = phone.storage().sync_state(unsent.as_str()).unwrap();
    let reason = state.refused.expect("marked as refused").reason;
    assert!(reason.contains("仍保存在本机"), "{reason}");
    assert_eq!(phone.household(&unsent).unwrap().head_of_household, "刘洋");
    assert!(
        !server
            .households()
            .await
            .unwrap()
            .contains_key(unsent.as_str())
    );

    // The next sync changes nothing: the refused record is not resent, nothing is forgotten.
    let held = phone.document_ids();
    phone.sync(server.addr).await.unwrap();
    assert_eq!(phone.document_ids(), held);
    assert!(phone.prepare().await.unwrap().documents.is_empty());
}

#[tokio::test]
async fn a_worker_whose_villages_did_not_change_loses_nothing_across_syncs() {
    let server = TestServer::start().await.unwrap();
    registered(&server, 2, "anle", 3).await;
    registered(&server, 3, "heping", 3).await;
    let mut phone = Device::new(1, "anle");
    phone.log_in(&server).await.unwrap();
    phone.sync(server.addr).await.unwrap();
    for round in 0..3 {
        let own = phone.add_household(&format!("安乐村{round}号"), "王建国");
        phone.sync(server.addr).await.unwrap();
        registered(&server, 10 + round, "anle", 2).await;
        // Edited offline after that sync: it waits on the phone, untouched by the next answer.
        phone.edit_household(&own, |h| h.head_of_household = "张丽".into());
        phone.sync(server.addr).await.unwrap();
        assert_eq!(phone.household(&own).unwrap().head_of_household, "张丽");
        assert_eq!(
            held_in(&phone, "anle"),
            households_in(&server, "anle").await
        );
    }
    assert_eq!(
        held_in(&phone, "anle"),
        households_in(&server, "anle").await
    );
    assert!(held_in(&phone, "heping").is_empty());
    assert_eq!(phone.storage().stored_villages(), vec!["anle"]);
    assert!(phone.refusals.is_empty(), "{:?}", phone.refusals);
    assert_eq!(phone.unacknowledged_documents(), 0);
}
