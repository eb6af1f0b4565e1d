//! Who may read and write which village's records, through the HTTP API, on each backend.

mod support;

use automerge::{ActorId, AutoCommit};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use pingan_server::accounts;
use pingan_shared::document::{self, DocumentId};
use pingan_shared::records::Authorship;
use pingan_shared::records::household::Household;
use pingan_shared::session::LoginResponse;
use pingan_shared::sync::protocol::{
    self, ACCOUNT_DISABLED, DocumentChanges, Position, RefusalCode, SyncRequest,
};
use serde_bytes::ByteBuf;
use support::{Backend, Login, PASSWORD, Township, on_both_backends};

on_both_backends!(
    each_role_reads_and_writes_exactly_its_villages,
    a_worker_never_downloads_another_villages_changes_from_the_feed,
    a_record_cannot_be_moved_out_of_its_village,
    a_change_signed_with_another_users_actor_is_refused,
    sync_without_a_valid_login_is_refused,
    login_gives_a_token_and_the_profile_and_logout_ends_it,
    a_wrong_password_and_an_unknown_user_look_the_same,
    a_disabled_account_cannot_log_in,
    a_disabled_accounts_login_is_answered_account_disabled,
    every_sync_answer_names_the_accounts_villages,
    a_worker_moved_to_other_villages_syncs_them_at_once_without_logging_in,
);

const VILLAGES: [&str; 2] = ["xingfu", "heping"];

fn household_in(village: &str, actor: u8) -> AutoCommit {
    let by = Authorship {
        village: village.into(),
        created_by: "someone".into(),
        created_at_ms: 1_700_000_000_000,
    };
    document::create(
        ActorId::from([actor; 16].as_slice()),
        &Household::new(&by, "1组", &format!("{village}1组1号"), "户主"),
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

fn request(login: &Login, position: Position, documents: Vec<DocumentChanges>) -> SyncRequest {
    SyncRequest {
        device_id: login.device_id.clone(),
        position,
        documents,
        crash_reports: Vec::new(),
    }
}

/// One household per village, uploaded by the township reviewer.
async fn township_with_a_household_per_village(backend: Backend) -> Township {
    let township = Township::on(backend).await;
    let reviewer = township.login("reviewer", "office-pc").await;
    let documents = VILLAGES
        .iter()
        .enumerate()
        .map(|(i, village)| {
            upload(
                &DocumentId::from_random_bytes([i as u8 + 1; 16]),
                &mut household_in(village, 100),
            )
        })
        .collect();
    let response = township
        .sync(
            &reviewer,
            &request(&reviewer, Position::Feed { seq: 0 }, documents),
        )
        .await;
    assert_eq!(response.accepted.len(), 2, "{:?}", response.rejected);
    township
}

/// The villages whose records a new device of `username` downloads.
async fn readable_villages(township: &Township, username: &str) -> Vec<String> {
    let login = township.login(username, &format!("{username}-phone")).await;
    let response = township
        .sync(&login, &request(&login, Position::Start, vec![]))
        .await;
    let mut villages: Vec<String> = response
        .documents
        .iter()
        .map(|saved| document::village(&document::load(&saved.data).unwrap()).unwrap())
        .collect();
    villages.sort();
    villages
}

/// The villages in which `username` may create a household.
async fn writable_villages(township: &Township, username: &str) -> Vec<String> {
    let login = township
        .login(username, &format!("{username}-tablet"))
        .await;
    let mut writable = Vec::new();
    for (i, village) in VILLAGES.iter().enumerate() {
        let id = DocumentId::from_random_bytes([0x40 + i as u8; 16]);
        let actor = 0x50 + username.len() as u8 + i as u8;
        let documents = vec![upload(&id, &mut household_in(village, actor))];
        let response = township
            .sync(
                &login,
                &request(&login, Position::Feed { seq: 0 }, documents),
            )
            .await;
        if response
            .accepted
            .iter()
            .any(|a| a.document_id == id.as_str())
        {
            writable.push((*village).to_owned());
        } else {
            assert_eq!(response.rejected[0].code.as_str(), "out_of_scope");
        }
    }
    writable.sort();
    writable
}

async fn each_role_reads_and_writes_exactly_its_villages(backend: Backend) {
    let both = vec!["heping".to_owned(), "xingfu".to_owned()];
    for (username, expected) in [
        ("worker-xingfu", vec!["xingfu".to_owned()]),
        ("worker-heping", vec!["heping".to_owned()]),
        ("reviewer", both.clone()),
        ("admin", both.clone()),
    ] {
        let township = township_with_a_household_per_village(backend).await;
        assert_eq!(
            readable_villages(&township, username).await,
            expected,
            "{username} reads"
        );
        let township = township_with_a_household_per_village(backend).await;
        assert_eq!(
            writable_villages(&township, username).await,
            expected,
            "{username} writes"
        );
    }
}

async fn a_worker_never_downloads_another_villages_changes_from_the_feed(backend: Backend) {
    let township = township_with_a_household_per_village(backend).await;
    let worker = township.login("worker-xingfu", "phone").await;
    let caught_up = township
        .sync(&worker, &request(&worker, Position::Start, vec![]))
        .await;
    let position = caught_up.position;

    // The reviewer edits a household in each village.
    let reviewer = township.login("reviewer", "office-pc").await;
    let fresh = township
        .sync(&reviewer, &request(&reviewer, Position::Start, vec![]))
        .await;
    let mut edits = Vec::new();
    for saved in fresh.documents {
        let mut doc = document::load(&saved.data)
            .unwrap()
            .with_actor(ActorId::from([100u8; 16].as_slice()));
        let before = doc.get_heads();
        let mut household: Household = document::read(&doc).unwrap();
        household.joint_defence_group = Some("第1联防组".into());
        document::update(&mut doc, &household);
        edits.push(DocumentChanges {
            document_id: saved.document_id,
            changes: document::changes_since(&mut doc, &before)
                .into_iter()
                .map(ByteBuf::from)
                .collect(),
        });
    }
    let reviewer_pc = township.login("reviewer", "office-pc").await;
    township
        .sync(
            &reviewer_pc,
            &request(&reviewer_pc, Position::Feed { seq: 0 }, edits),
        )
        .await;

    let next = township
        .sync(&worker, &request(&worker, position, vec![]))
        .await;
    assert_eq!(next.changes.len(), 1, "only the xingfu household's change");
    let id = &next.changes[0].document_id;
    let stored = township.store.documents_of_type("household").await.unwrap();
    let village = &stored.iter().find(|d| &d.id == id).unwrap().village;
    assert_eq!(village, "xingfu");
}

async fn a_record_cannot_be_moved_out_of_its_village(backend: Backend) {
    let township = Township::on(backend).await;
    let worker = township.login("reviewer", "office-pc").await;
    let id = DocumentId::from_random_bytes([9; 16]);
    let mut doc = household_in("xingfu", 100);
    township
        .sync(
            &worker,
            &request(
                &worker,
                Position::Feed { seq: 0 },
                vec![upload(&id, &mut doc)],
            ),
        )
        .await;
    let before = doc.get_heads();
    let mut household: Household = document::read(&doc).unwrap();
    household.village = "heping".into();
    document::update(&mut doc, &household);
    let moved = DocumentChanges {
        document_id: id.to_string(),
        changes: document::changes_since(&mut doc, &before)
            .into_iter()
            .map(ByteBuf::from)
            .collect(),
    };

    let response = township
        .sync(
            &worker,
            &request(&worker, Position::Feed { seq: 0 }, vec![moved]),
        )
        .await;

    assert_eq!(response.rejected[0].code.as_str(), "village_changed");
    let stored = township.store.documents_of_type("household").await.unwrap();
    assert_eq!(stored[0].village, "xingfu");
}

async fn a_change_signed_with_another_users_actor_is_refused(backend: Backend) {
    let township = Township::on(backend).await;
    let xingfu = township.login("worker-xingfu", "phone-a").await;
    let reviewer = township.login("reviewer", "office-pc").await;
    let mut first = household_in("xingfu", 7);
    township
        .sync(
            &xingfu,
            &request(
                &xingfu,
                Position::Feed { seq: 0 },
                vec![upload(&DocumentId::from_random_bytes([1; 16]), &mut first)],
            ),
        )
        .await;

    // The reviewer's device signs with actor 7, which belongs to the worker's phone.
    let mut forged = household_in("xingfu", 7);
    let response = township
        .sync(
            &reviewer,
            &request(
                &reviewer,
                Position::Feed { seq: 0 },
                vec![upload(&DocumentId::from_random_bytes([2; 16]), &mut forged)],
            ),
        )
        .await;

    assert_eq!(response.rejected[0].code.as_str(), "actor_not_yours");
    assert!(response.accepted.is_empty());
}

async fn sync_without_a_valid_login_is_refused(backend: Backend) {
    let township = Township::on(backend).await;
    let valid = township.login("worker-xingfu", "phone").await;
    let body = || request(&valid, Position::Start, vec![]);

    let missing = Login {
        token: String::new(),
        device_id: "phone".into(),
    };
    assert_eq!(
        township.try_sync(&missing, &body()).await.0,
        StatusCode::UNAUTHORIZED
    );

    let made_up = Login {
        token: "ab".repeat(32),
        device_id: "phone".into(),
    };
    assert_eq!(
        township.try_sync(&made_up, &body()).await.0,
        StatusCode::UNAUTHORIZED
    );

    let (token, hash) = accounts::new_token();
    township
        .store
        .create_session(&hash, "worker-xingfu", "phone", 0, 1)
        .await
        .unwrap();
    let expired = Login {
        token,
        device_id: "phone".into(),
    };
    assert_eq!(
        township.try_sync(&expired, &body()).await.0,
        StatusCode::UNAUTHORIZED
    );

    let stolen = Login {
        token: valid.token.clone(),
        device_id: "other-phone".into(),
    };
    let stolen_request = request(&stolen, Position::Start, vec![]);
    assert_eq!(
        township.try_sync(&stolen, &stolen_request).await.0,
        StatusCode::FORBIDDEN
    );

    assert_eq!(township.try_sync(&valid, &body()).await.0, StatusCode::OK);
    township
        .store
        .set_disabled("worker-xingfu", true)
        .await
        .unwrap();
    assert_eq!(
        township.try_sync(&valid, &body()).await.0,
        StatusCode::UNAUTHORIZED
    );
}

async fn login_over_http(
    township: &Township,
    username: &str,
    password: &str,
) -> (StatusCode, Vec<u8>) {
    let body =
        serde_json::json!({ "username": username, "password": password, "device_id": "phone" });
    township
        .send(
            Request::post("/api/login")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await
}

async fn login_gives_a_token_and_the_profile_and_logout_ends_it(backend: Backend) {
    let township = Township::on(backend).await;

    let (status, body) = login_over_http(&township, "worker-xingfu", PASSWORD).await;

    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let login: LoginResponse = serde_json::from_slice(&body).unwrap();
    assert_eq!(login.user.role, "worker");
    assert_eq!(login.user.villages.len(), 1);
    assert_eq!(login.user.villages[0].name, "幸福村");
    let session = Login {
        token: login.token.clone(),
        device_id: "phone".into(),
    };
    let sync = request(&session, Position::Start, vec![]);
    assert_eq!(township.try_sync(&session, &sync).await.0, StatusCode::OK);

    let (status, _) = township
        .send(
            Request::post("/api/logout")
                .header(header::AUTHORIZATION, format!("Bearer {}", login.token))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        township.try_sync(&session, &sync).await.0,
        StatusCode::UNAUTHORIZED
    );
}

async fn a_wrong_password_and_an_unknown_user_look_the_same(backend: Backend) {
    let township = Township::on(backend).await;
    let (wrong_status, wrong_body) =
        login_over_http(&township, "worker-xingfu", "not the password").await;
    let (unknown_status, unknown_body) = login_over_http(&township, "nobody", PASSWORD).await;
    assert_eq!(wrong_status, StatusCode::UNAUTHORIZED);
    assert_eq!((wrong_status, wrong_body), (unknown_status, unknown_body));
}

async fn a_disabled_account_cannot_log_in(backend: Backend) {
    let township = Township::on(backend).await;
    township
        .store
        .set_disabled("worker-heping", true)
        .await
        .unwrap();
    // The same answer as a wrong password: a login tells nobody which accounts are disabled.
    let disabled = login_over_http(&township, "worker-heping", PASSWORD).await;
    let wrong = login_over_http(&township, "worker-xingfu", "not the password").await;
    assert_eq!(disabled.0, StatusCode::UNAUTHORIZED);
    assert_eq!(disabled, wrong);
}

/// The device seals itself on `account_disabled`; an ended or expired login only asks the
/// worker to log in again.
async fn a_disabled_accounts_login_is_answered_account_disabled(backend: Backend) {
    let township = Township::on(backend).await;
    let phone = township.login("worker-xingfu", "phone").await;
    township
        .store
        .set_disabled("worker-xingfu", true)
        .await
        .unwrap();

    let sync = request(&phone, Position::Start, vec![]);
    let (status, body) = township
        .send(support::sync_request(&phone, protocol::encode(&sync)))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"error": ACCOUNT_DISABLED, "message": "this account is disabled"})
    );
    let (status, body) = township.get_json(&phone, "/api/returned").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], ACCOUNT_DISABLED);

    // Enabled again, the account's old logins stay ended: log in again.
    township
        .store
        .set_disabled("worker-xingfu", false)
        .await
        .unwrap();
    let (status, body) = township.get_json(&phone, "/api/returned").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "unauthorized");
}

fn village_ids(response: &protocol::SyncResponse) -> Vec<(&str, &str)> {
    response
        .villages
        .iter()
        .map(|v| (v.id.as_str(), v.name.as_str()))
        .collect()
}

async fn every_sync_answer_names_the_accounts_villages(backend: Backend) {
    let township = township_with_a_household_per_village(backend).await;
    for (username, expected) in [
        ("worker-xingfu", vec![("xingfu", "幸福村")]),
        ("reviewer", vec![("heping", "和平村"), ("xingfu", "幸福村")]),
    ] {
        let login = township.login(username, "phone").await;
        let first = township
            .sync(&login, &request(&login, Position::Start, vec![]))
            .await;
        assert_eq!(village_ids(&first), expected, "{username}");
        let steady = township
            .sync(&login, &request(&login, first.position.clone(), vec![]))
            .await;
        assert_eq!(village_ids(&steady), expected, "{username}");
    }
}

async fn a_worker_moved_to_other_villages_syncs_them_at_once_without_logging_in(backend: Backend) {
    let township = township_with_a_household_per_village(backend).await;
    let phone = township.login("worker-xingfu", "phone").await;
    let before = township
        .sync(&phone, &request(&phone, Position::Start, vec![]))
        .await;
    assert_eq!(village_ids(&before), vec![("xingfu", "幸福村")]);

    township
        .store
        .set_villages("worker-xingfu", &["heping".to_owned()])
        .await
        .unwrap();

    // Registered in xingfu before the phone learnt of the move.
    let unsent = DocumentId::from_random_bytes([0x77; 16]);
    let upload = vec![upload(&unsent, &mut household_in("xingfu", 0x78))];
    let after = township
        .sync(&phone, &request(&phone, Position::Start, upload))
        .await;
    assert_eq!(village_ids(&after), vec![("heping", "和平村")]);
    let downloaded: Vec<String> = after
        .documents
        .iter()
        .map(|saved| document::village(&document::load(&saved.data).unwrap()).unwrap())
        .collect();
    assert_eq!(downloaded, vec!["heping"]);
    assert_eq!(after.rejected.len(), 1);
    let refusal = &after.rejected[0];
    assert_eq!(refusal.document_id, unsent.as_str());
    assert_eq!(refusal.code, RefusalCode::OutOfScope);
    assert!(
        refusal.errors[0].message_zh.contains("仍保存在本机"),
        "{refusal:?}"
    );

    // An unknown village is refused and changes nothing.
    let unknown = township
        .store
        .set_villages("worker-xingfu", &["nowhere".to_owned()])
        .await;
    assert!(unknown.is_err());
    let (user, _) = township.store.user("worker-xingfu").await.unwrap().unwrap();
    assert_eq!(user.villages, vec!["heping"]);
}
