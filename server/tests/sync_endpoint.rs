//! `POST /api/sync` as a device sees it, driven through the router without a socket, on each
//! backend.

mod support;

use automerge::transaction::CommitOptions;
use automerge::{ActorId, AutoCommit};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use pingan_server::Store;
use pingan_shared::document::{self, DocumentId};
use pingan_shared::records::Authorship;
use pingan_shared::records::household::Household;
use pingan_shared::sync::protocol::{self, DocumentChanges, Position, SyncRequest, SyncResponse};
use serde_bytes::ByteBuf;
use support::{Backend, Township, on_both_backends, sync_request};

on_both_backends!(
    a_new_household_is_stored_and_acknowledged_with_its_heads,
    resending_the_same_batch_stores_nothing_twice,
    a_later_edit_merges_into_the_stored_household,
    a_malformed_body_is_a_400_naming_the_problem_and_stores_nothing,
    a_body_that_is_not_cbor_by_content_type_is_a_415,
    an_upload_without_a_device_id_is_refused,
    an_invalid_household_is_rejected_by_id_while_the_rest_of_the_batch_lands,
    undecodable_changes_and_bad_ids_are_rejected_per_document,
    an_oversized_body_is_refused_before_it_is_read,
    health_check_reports_ok_when_the_database_answers,
    a_document_listed_twice_in_one_request_is_refused_once_and_stored_once,
    identical_changes_in_two_documents_each_reach_the_feed,
);

fn household(address: &str, head: &str) -> Household {
    let by = Authorship {
        village: "xingfu".into(),
        created_by: "worker1".into(),
        created_at_ms: 1_700_000_000_000,
    };
    Household::new(&by, "3组", address, head)
}

fn household_doc(address: &str, head: &str) -> AutoCommit {
    document::create(
        ActorId::from([1u8; 16].as_slice()),
        &household(address, head),
    )
}

fn upload(id: &DocumentId, doc: &mut AutoCommit) -> DocumentChanges {
    DocumentChanges {
        document_id: id.to_string(),
        changes: document::changes_since(doc, &[])
            .into_iter()
            .map(ByteBuf::from)
            .collect(),
    }
}

async fn sync(township: &Township, documents: Vec<DocumentChanges>) -> SyncResponse {
    let login = township.login("worker-xingfu", "phone-1").await;
    let request = SyncRequest {
        device_id: login.device_id.clone(),
        position: Position::Feed { seq: 0 },
        documents,
        crash_reports: Vec::new(),
    };
    township.sync(&login, &request).await
}

async fn raw_sync(township: &Township, body: Vec<u8>) -> (StatusCode, Vec<u8>) {
    let login = township.login("worker-xingfu", "phone-1").await;
    township.send(sync_request(&login, body)).await
}

async fn stored_households(store: &Store) -> Vec<Household> {
    store
        .documents_of_type("household")
        .await
        .unwrap()
        .iter()
        .map(|d| document::read(&document::load(&d.data).unwrap()).unwrap())
        .collect()
}

async fn a_new_household_is_stored_and_acknowledged_with_its_heads(backend: Backend) {
    let township = Township::on(backend).await;
    let id = DocumentId::from_random_bytes([1; 16]);
    let mut doc = household_doc("幸福村3组12号", "王建国");

    let response = sync(&township, vec![upload(&id, &mut doc)]).await;

    assert!(response.rejected.is_empty(), "{:?}", response.rejected);
    assert_eq!(response.accepted.len(), 1);
    assert_eq!(response.accepted[0].document_id, id.as_str());
    let heads: Vec<Vec<u8>> = response.accepted[0]
        .heads
        .iter()
        .map(|h| h.to_vec())
        .collect();
    assert_eq!(document::heads_from_bytes(&heads), doc.get_heads());
    let stored = stored_households(&township.store).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].head_of_household, "王建国");
}

async fn resending_the_same_batch_stores_nothing_twice(backend: Backend) {
    let township = Township::on(backend).await;
    let id = DocumentId::from_random_bytes([2; 16]);
    let mut doc = household_doc("幸福村3组12号", "王建国");

    let first = sync(&township, vec![upload(&id, &mut doc)]).await;
    let again = sync(&township, vec![upload(&id, &mut doc)]).await;

    assert_eq!(first.accepted, again.accepted);
    assert_eq!(stored_households(&township.store).await.len(), 1);
    assert_eq!(township.store.change_count(id.as_str()).await.unwrap(), 1);
}

async fn a_later_edit_merges_into_the_stored_household(backend: Backend) {
    let township = Township::on(backend).await;
    let id = DocumentId::from_random_bytes([3; 16]);
    let mut doc = household_doc("幸福村3组12号", "王建国");
    sync(&township, vec![upload(&id, &mut doc)]).await;

    let acknowledged = doc.get_heads();
    document::update(&mut doc, &household("幸福村3组14号", "王建国"));
    let pending = DocumentChanges {
        document_id: id.to_string(),
        changes: document::changes_since(&mut doc, &acknowledged)
            .into_iter()
            .map(ByteBuf::from)
            .collect(),
    };
    sync(&township, vec![pending]).await;

    assert_eq!(
        stored_households(&township.store).await[0].address,
        "幸福村3组14号"
    );
    assert_eq!(township.store.change_count(id.as_str()).await.unwrap(), 2);
}

async fn a_malformed_body_is_a_400_naming_the_problem_and_stores_nothing(backend: Backend) {
    let township = Township::on(backend).await;

    let (status, body) = raw_sync(&township, b"{\"not\": \"cbor\"}".to_vec()).await;

    assert_eq!(status, StatusCode::BAD_REQUEST);
    let error: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(error["error"], "malformed_body");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("not a valid CBOR sync request"),
        "{error}"
    );
    assert!(stored_households(&township.store).await.is_empty());
}

async fn a_body_that_is_not_cbor_by_content_type_is_a_415(backend: Backend) {
    let township = Township::on(backend).await;
    let login = township.login("worker-xingfu", "phone-1").await;
    let request = Request::post("/api/sync")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {}", login.token))
        .header("x-pingan-device", &login.device_id)
        .body(Body::from("{}"))
        .unwrap();

    let (status, _) = township.send(request).await;

    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

async fn an_upload_without_a_device_id_is_refused(backend: Backend) {
    let township = Township::on(backend).await;
    let login = township.login("worker-xingfu", " ").await;
    let body = protocol::encode(&SyncRequest {
        device_id: " ".into(),
        position: Position::Start,
        documents: vec![],
        crash_reports: Vec::new(),
    });
    let (status, body) = township.send(sync_request(&login, body)).await;

    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(String::from_utf8_lossy(&body).contains("missing_device_id"));
}

async fn an_invalid_household_is_rejected_by_id_while_the_rest_of_the_batch_lands(
    backend: Backend,
) {
    let township = Township::on(backend).await;
    let good = DocumentId::from_random_bytes([4; 16]);
    let bad = DocumentId::from_random_bytes([5; 16]);
    let mut good_doc = household_doc("幸福村3组12号", "王建国");
    let mut bad_doc = household_doc("幸福村3组13号", "   ");

    let response = sync(
        &township,
        vec![upload(&bad, &mut bad_doc), upload(&good, &mut good_doc)],
    )
    .await;

    assert_eq!(response.accepted.len(), 1);
    assert_eq!(response.accepted[0].document_id, good.as_str());
    assert_eq!(response.rejected.len(), 1);
    let rejected = &response.rejected[0];
    assert_eq!(rejected.document_id, bad.as_str());
    assert_eq!(rejected.code.as_str(), "invalid_record");
    assert_eq!(rejected.errors[0].field, "head_of_household");
    assert_eq!(rejected.errors[0].message_zh, "请填写户主姓名");
    assert_eq!(stored_households(&township.store).await.len(), 1);
}

async fn undecodable_changes_and_bad_ids_are_rejected_per_document(backend: Backend) {
    let township = Township::on(backend).await;
    let response = sync(
        &township,
        vec![
            DocumentChanges {
                document_id: DocumentId::from_random_bytes([6; 16]).to_string(),
                changes: vec![ByteBuf::from(b"garbage".to_vec())],
            },
            DocumentChanges {
                document_id: "../../etc/passwd".into(),
                changes: vec![],
            },
        ],
    )
    .await;

    let code_of = |id: &str| {
        let rejected = response
            .rejected
            .iter()
            .find(|r| r.document_id == id)
            .unwrap();
        (rejected.code.as_str(), rejected.message.as_str())
    };
    let garbage_id = DocumentId::from_random_bytes([6; 16]).to_string();
    let (code, message) = code_of(&garbage_id);
    assert_eq!(code, "undecodable_change");
    assert!(message.contains("change 0"), "{message}");
    assert_eq!(code_of("../../etc/passwd").0, "bad_id");
    assert!(stored_households(&township.store).await.is_empty());
}

async fn an_oversized_body_is_refused_before_it_is_read(backend: Backend) {
    let township = Township::on(backend).await;
    let body = vec![0u8; pingan_server::http::MAX_SYNC_BODY_BYTES + 1];

    let (status, _) = raw_sync(&township, body).await;

    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}

async fn health_check_reports_ok_when_the_database_answers(backend: Backend) {
    let township = Township::on(backend).await;
    let (status, body) = township
        .send(Request::get("/healthz").body(Body::empty()).unwrap())
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, b"ok");
}

async fn a_document_listed_twice_in_one_request_is_refused_once_and_stored_once(backend: Backend) {
    let township = Township::on(backend).await;
    let id = DocumentId::from_random_bytes([7; 16]);
    let mut doc = household_doc("幸福村3组12号", "王建国");

    let response = sync(
        &township,
        vec![upload(&id, &mut doc), upload(&id, &mut doc)],
    )
    .await;

    assert_eq!(response.accepted.len(), 1);
    assert_eq!(response.rejected.len(), 1);
    assert_eq!(response.rejected[0].code.as_str(), "bad_id");
    assert!(response.rejected[0].message.contains("listed twice"));
    assert_eq!(stored_households(&township.store).await.len(), 1);
}

/// One actor writing two identical records in the same second produces byte-identical
/// changes; each document must still keep (and serve) its own.
async fn identical_changes_in_two_documents_each_reach_the_feed(backend: Backend) {
    let township = Township::on(backend).await;
    let twin = || {
        let mut doc = AutoCommit::new().with_actor(ActorId::from([9u8; 16].as_slice()));
        document::update(&mut doc, &household("幸福村3组12号", "王建国"));
        doc.commit_with(CommitOptions::default().with_time(0));
        doc
    };
    let (a, b) = (
        DocumentId::from_random_bytes([0xa; 16]),
        DocumentId::from_random_bytes([0xb; 16]),
    );
    let (mut doc_a, mut doc_b) = (twin(), twin());
    assert_eq!(
        doc_a.get_heads(),
        doc_b.get_heads(),
        "the two changes are byte-identical"
    );
    let colleague = township.login("worker-xingfu", "tablet").await;
    let start = township
        .sync(
            &colleague,
            &SyncRequest {
                device_id: "tablet".into(),
                position: Position::Start,
                documents: vec![],
                crash_reports: Vec::new(),
            },
        )
        .await;

    sync(
        &township,
        vec![upload(&a, &mut doc_a), upload(&b, &mut doc_b)],
    )
    .await;

    assert_eq!(township.store.change_count(a.as_str()).await.unwrap(), 1);
    assert_eq!(township.store.change_count(b.as_str()).await.unwrap(), 1);
    let next = township
        .sync(
            &colleague,
            &SyncRequest {
                device_id: "tablet".into(),
                position: start.position,
                documents: vec![],
                crash_reports: Vec::new(),
            },
        )
        .await;
    let mut fed: Vec<&str> = next
        .changes
        .iter()
        .map(|c| c.document_id.as_str())
        .collect();
    fed.sort();
    assert_eq!(fed, [a.as_str(), b.as_str()]);
}
