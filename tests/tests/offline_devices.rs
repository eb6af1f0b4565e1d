//! Simulated field devices working offline, then syncing with a real server over HTTP.

use pingan_tests::{Device, TestServer, post_sync};

#[tokio::test]
async fn work_done_offline_on_two_devices_reaches_the_master_copy() {
    let server = TestServer::start().await.unwrap();
    let mut north = Device::new(1, "xingfu");
    north.log_in(&server).await.unwrap();
    let mut south = Device::new(2, "xingfu");
    south.log_in(&server).await.unwrap();
    let a = north.add_household("幸福村1组3号", "李秀英");
    let b = north.add_household("幸福村1组4号", "张伟");
    let c = south.add_household("和平村2组8号", "刘洋");
    north.edit_household(&a, |h| h.head_of_household = "李秀兰".into());

    north.sync(server.addr).await.unwrap();
    south.sync(server.addr).await.unwrap();

    assert_eq!(north.unacknowledged_documents(), 0);
    assert_eq!(south.unacknowledged_documents(), 0);
    let master = server.households().await.unwrap();
    assert_eq!(master.len(), 3);
    assert_eq!(master[a.as_str()].head_of_household, "李秀兰");
    assert_eq!(master[b.as_str()].address, "幸福村1组4号");
    assert_eq!(master[c.as_str()].head_of_household, "刘洋");
}

#[tokio::test]
async fn a_response_lost_in_transit_costs_a_retry_never_data() {
    let server = TestServer::start().await.unwrap();
    let mut device = Device::new(3, "xingfu");
    device.log_in(&server).await.unwrap();
    let id = device.add_household("幸福村3组12号", "王建国");

    // The server commits, but the answer never reaches the device (signal dropped).
    let request = device.prepare().await.unwrap();
    post_sync(server.addr, device.token(), &request)
        .await
        .unwrap();
    device.lose_answer().await;
    assert_eq!(device.unacknowledged_documents(), 1);

    // The worker keeps working, then the next sync resends everything unacknowledged.
    device.edit_household(&id, |h| h.address = "幸福村3组14号".into());
    device.sync(server.addr).await.unwrap();

    assert!(device.refusals.is_empty(), "{:?}", device.refusals);
    assert_eq!(device.unacknowledged_documents(), 0);
    assert_eq!(
        server.households().await.unwrap()[id.as_str()].address,
        "幸福村3组14号"
    );
    assert_eq!(server.store.change_count(id.as_str()).await.unwrap(), 2);
}

#[tokio::test]
async fn a_refused_record_stays_unacknowledged_on_the_device() {
    let server = TestServer::start().await.unwrap();
    let mut device = Device::new(4, "xingfu");
    device.log_in(&server).await.unwrap();
    let good = device.add_household("幸福村5组1号", "陈静");
    let bad = device.add_household("", "赵磊");

    device.sync(server.addr).await.unwrap();

    assert_eq!(device.refusals.len(), 1);
    assert_eq!(device.refusals[0].document_id, bad.as_str());
    assert_eq!(device.refusals[0].errors[0].message_zh, "请填写住址");
    assert_eq!(device.unacknowledged_documents(), 1);
    // A refused record is not resent on its own: the next sync uploads nothing.
    assert!(device.prepare().await.unwrap().documents.is_empty());
    let master = server.households().await.unwrap();
    assert!(master.contains_key(good.as_str()));
    assert!(!master.contains_key(bad.as_str()));
}

#[tokio::test]
async fn each_device_receives_what_the_others_did_in_the_same_round_trip() {
    let server = TestServer::start().await.unwrap();
    let mut north = Device::new(5, "xingfu");
    north.log_in(&server).await.unwrap();
    let mut south = Device::new(6, "xingfu");
    south.log_in(&server).await.unwrap();
    let a = north.add_household("幸福村1组3号", "李秀英");
    north.sync(server.addr).await.unwrap();

    // South joins: it receives north's household as a saved document.
    south.sync(server.addr).await.unwrap();
    assert_eq!(south.household(&a).unwrap().head_of_household, "李秀英");

    // Both edit different fields offline; each sync is one request that uploads and downloads.
    north.edit_household(&a, |h| h.address = "幸福村1组5号".into());
    south.edit_household(&a, |h| h.joint_defence_group = Some("1组第1联防组".into()));
    north.sync(server.addr).await.unwrap();
    south.sync(server.addr).await.unwrap();
    north.sync(server.addr).await.unwrap();

    for device in [&north, &south] {
        let household = device.household(&a).unwrap();
        assert_eq!(household.address, "幸福村1组5号");
        assert_eq!(
            household.joint_defence_group.as_deref(),
            Some("1组第1联防组")
        );
    }
    assert_eq!(north.heads(a.as_str()), south.heads(a.as_str()));
    // Downloaded changes are acknowledged on arrival, never sent back.
    assert_eq!(north.unacknowledged_documents(), 0);
    assert_eq!(south.unacknowledged_documents(), 0);
}
