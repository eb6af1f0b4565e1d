//! A phone's storage fails in the middle of a download, against a real server: the page it
//! could not store is asked for again, none is skipped, and nothing the device made is lost.

use pingan_server::sync::DOCUMENTS_PER_PAGE;
use pingan_shared::sync::memory::Fault;
use pingan_shared::sync::protocol::Position;
use pingan_tests::{Device, TestServer};

/// Two full pages of saved documents and part of a third.
const HOUSEHOLDS: usize = DOCUMENTS_PER_PAGE * 2 + DOCUMENTS_PER_PAGE / 2;

async fn village_of_households(server: &TestServer) -> Device {
    let mut registrar = Device::new(1, "xingfu");
    registrar.log_in(server).await.unwrap();
    for n in 0..HOUSEHOLDS {
        registrar.add_household(&format!("幸福村{}组{}号", n % 9 + 1, n), "户主");
    }
    registrar.sync(server.addr).await.unwrap();
    assert_eq!(registrar.unacknowledged_documents(), 0);
    registrar
}

#[tokio::test]
async fn a_page_the_storage_fails_to_store_is_downloaded_again_and_none_is_skipped() {
    for fault in [Fault::WriteFails, Fault::Aborted, Fault::QuotaExceeded] {
        let server = TestServer::start().await.unwrap();
        village_of_households(&server).await;
        let mut phone = Device::new(2, "xingfu");
        phone.log_in(&server).await.unwrap();
        let own = phone.add_household("幸福村1组900号", "本机户主");
        phone.storage().fail_page(2, fault);

        let error = phone.sync(server.addr).await.unwrap_err();
        assert!(error.to_string().contains("本机存储"), "{fault:?}: {error}");
        // The first page is kept; the second was not stored, so the position stays after
        // the first and the device holds no part of the second.
        assert_eq!(phone.storage().pages_committed(), 1, "{fault:?}");
        assert_eq!(
            phone.document_ids().len(),
            DOCUMENTS_PER_PAGE + 1,
            "{fault:?}"
        );
        assert!(matches!(
            phone.storage().stored_position(),
            Position::Snapshot { .. }
        ));

        // The fault clears; the next sync brings the rest.
        phone.storage().heal();
        phone.sync(server.addr).await.unwrap();
        let newest = server.store.feed_head().await.unwrap();
        assert_eq!(phone.document_ids().len(), HOUSEHOLDS + 1, "{fault:?}");
        assert_eq!(
            phone.storage().stored_position(),
            Position::Feed { seq: newest },
            "{fault:?}"
        );
        assert_eq!(phone.unacknowledged_documents(), 0);
        assert!(
            server
                .households()
                .await
                .unwrap()
                .contains_key(own.as_str())
        );
    }
}

#[tokio::test]
async fn a_phone_that_dies_between_pages_resumes_where_its_storage_stands() {
    let server = TestServer::start().await.unwrap();
    let mut registrar = village_of_households(&server).await;
    let mut phone = Device::new(3, "xingfu");
    phone.log_in(&server).await.unwrap();

    // One page arrives and is stored; then the phone dies.
    let request = phone.prepare().await.unwrap();
    let page = pingan_tests::post_sync(server.addr, phone.token(), &request)
        .await
        .unwrap();
    assert!(phone.receive(page).await.unwrap(), "more pages follow");
    phone.crash();
    assert_eq!(phone.document_ids().len(), DOCUMENTS_PER_PAGE);

    // Meanwhile a colleague edits a household the phone has not received yet.
    let ids = registrar.document_ids();
    let last = pingan_shared::document::DocumentId::parse(ids.last().unwrap()).unwrap();
    registrar.edit_household(&last, |h| h.head_of_household = "新户主".into());
    registrar.sync(server.addr).await.unwrap();

    phone.sync(server.addr).await.unwrap();
    assert_eq!(phone.document_ids().len(), HOUSEHOLDS);
    assert_eq!(phone.household(&last).unwrap().head_of_household, "新户主");
    assert_eq!(
        phone.storage().stored_position(),
        Position::Feed {
            seq: server.store.feed_head().await.unwrap()
        }
    );
}

#[tokio::test]
async fn a_position_the_server_never_issued_starts_the_download_over() {
    // The phone synced with a server that was later restored from an older backup: its
    // position names feed entries the server no longer has.
    let before = TestServer::start().await.unwrap();
    let mut registrar = Device::new(1, "xingfu");
    registrar.log_in(&before).await.unwrap();
    for n in 0..5 {
        registrar.add_household(&format!("幸福村1组{n}号"), "户主");
    }
    registrar.sync(before.addr).await.unwrap();
    let mut phone = Device::new(2, "xingfu");
    phone.log_in(&before).await.unwrap();
    phone.sync(before.addr).await.unwrap();
    assert!(matches!(phone.storage().stored_position(), Position::Feed { seq } if seq >= 5));

    let restored = TestServer::start().await.unwrap();
    let mut colleague = Device::new(3, "xingfu");
    colleague.log_in(&restored).await.unwrap();
    let theirs = colleague.add_household("幸福村2组1号", "新户主");
    colleague.sync(restored.addr).await.unwrap();

    phone.log_in(&restored).await.unwrap();
    phone.sync(restored.addr).await.unwrap();
    assert_eq!(
        phone.household(&theirs).unwrap().head_of_household,
        "新户主"
    );
    assert_eq!(
        phone.storage().stored_position(),
        Position::Feed {
            seq: restored.store.feed_head().await.unwrap()
        }
    );
    assert_eq!(phone.document_ids().len(), 6, "what it held stays");
}
