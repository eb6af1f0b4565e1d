//! The township office's review through the HTTP API: the queue, the field-level diff since
//! approval with who changed each field, verdicts on the version shown, returned records
//! reaching the worker, history, and who may do which.

#[path = "../support/mod.rs"]
mod support;

mod exchange;
mod settling;

use automerge::ActorId;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use exchange::{get, household, poll, post, queue_ids, send, upload};
use pingan_shared::document::{self, DocumentId};
use pingan_shared::records::Authorship;
use pingan_shared::records::household::HouseholdMember;
use pingan_shared::records::person::Person;
use pingan_shared::records::vocabulary::Relation;
use serde_json::{Value, json};
use support::{Backend, NOW_MS, Township, on_both_backends};

on_both_backends!(
    a_concurrent_edit_after_approval_comes_back_with_each_field_and_its_author,
    approving_the_version_shown_empties_the_queue_until_the_record_changes,
    a_returned_record_reaches_the_worker_with_the_comment_until_they_change_it,
    history_lists_every_upload_and_shows_the_record_as_it_was,
    workers_cannot_review_or_read_other_villages_history,
    bad_verdicts_are_refused_naming_the_record_and_change_nothing,
    a_review_names_devices_and_referenced_records_and_counts_the_whole_queue,
);

async fn a_concurrent_edit_after_approval_comes_back_with_each_field_and_its_author(
    backend: Backend,
) {
    let township = Township::on(backend).await;
    let reviewer = township.login("reviewer", "office-pc").await;
    let phone = township.login("worker-xingfu", "phone-a").await;
    let tablet = township.login("worker-xingfu", "tablet-b").await;
    let id = DocumentId::from_random_bytes([1; 16]);
    let mut on_phone = document::create(ActorId::random(), &household("幸福村3组12号", "王建国"));
    upload(&township, &phone, &id, &mut on_phone, &[]).await;

    let shown = get(&township, &reviewer, &format!("/api/review/records/{id}")).await;
    let approved = post(
        &township,
        &reviewer,
        &format!("/api/review/records/{id}/approve"),
        json!({ "heads": shown["heads"] }),
    )
    .await;
    assert_eq!(approved.0, StatusCode::OK, "{}", approved.1);
    assert_eq!(approved.1["verdict"], "approved");

    // Offline on both devices, from the approved version: the phone moves the address, the
    // tablet corrects the head of household.
    let base = on_phone.get_heads();
    let mut on_tablet = on_phone.fork().with_actor(ActorId::random());
    document::update(&mut on_phone, &household("幸福村3组14号", "王建国"));
    document::update(&mut on_tablet, &household("幸福村3组12号", "王健国"));
    upload(&township, &phone, &id, &mut on_phone, &base).await;
    upload(&township, &tablet, &id, &mut on_tablet, &base).await;

    let queue = get(&township, &reviewer, "/api/review/queue").await;
    let queued: Vec<&Value> = queue.as_array().unwrap().iter().collect();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0]["document_id"], id.as_str());
    assert_eq!(queued[0]["last_review"]["verdict"], "approved");
    assert_eq!(queued[0]["label"], "王健国 · 幸福村3组14号");

    let review = get(&township, &reviewer, &format!("/api/review/records/{id}")).await;
    assert_eq!(
        review["label"], queued[0]["label"],
        "the review names the record as the queue does"
    );
    let changes = review["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2, "{changes:?}");
    assert_eq!(changes[0]["field"], "address");
    assert_eq!(changes[0]["before"], "幸福村3组12号");
    assert_eq!(changes[0]["after"], "幸福村3组14号");
    assert_eq!(changes[0]["changed_by"][0]["username"], "worker-xingfu");
    assert_eq!(changes[0]["changed_by"][0]["device_id"], "phone-a");
    assert!(
        changes[0]["changed_by"][0]["received_at_ms"]
            .as_i64()
            .unwrap()
            > NOW_MS
    );
    assert_eq!(changes[1]["field"], "head_of_household");
    assert_eq!(changes[1]["before"], "王建国");
    assert_eq!(changes[1]["after"], "王健国");
    assert_eq!(changes[1]["changed_by"][0]["device_id"], "tablet-b");
    assert_eq!(review["record"]["address"], "幸福村3组14号");
    assert_eq!(review["record"]["head_of_household"], "王健国");
}

async fn approving_the_version_shown_empties_the_queue_until_the_record_changes(backend: Backend) {
    let township = Township::on(backend).await;
    let reviewer = township.login("reviewer", "office-pc").await;
    let phone = township.login("worker-xingfu", "phone-a").await;
    let first = DocumentId::from_random_bytes([2; 16]);
    let second = DocumentId::from_random_bytes([3; 16]);
    let mut doc = document::create(ActorId::random(), &household("幸福村1组1号", "李明"));
    let mut other = document::create(ActorId::random(), &household("幸福村1组2号", "李华"));
    upload(&township, &phone, &first, &mut doc, &[]).await;
    upload(&township, &phone, &second, &mut other, &[]).await;
    assert_eq!(queue_ids(&township, &reviewer, "").await.len(), 2);

    // The reviewer reads the record; meanwhile the worker syncs an edit; then the verdict
    // arrives naming the version read. The edit must stay in the queue, unapproved.
    let shown = get(
        &township,
        &reviewer,
        &format!("/api/review/records/{first}"),
    )
    .await;
    let acknowledged = doc.get_heads();
    document::update(&mut doc, &household("幸福村1组1号", "李明亮"));
    upload(&township, &phone, &first, &mut doc, &acknowledged).await;
    let (status, _) = post(
        &township,
        &reviewer,
        &format!("/api/review/records/{first}/approve"),
        json!({ "heads": shown["heads"] }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let again = get(
        &township,
        &reviewer,
        &format!("/api/review/records/{first}"),
    )
    .await;
    let fields: Vec<&str> = again["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["head_of_household"]);

    // Approving what the record now holds takes it out of the queue.
    post(
        &township,
        &reviewer,
        &format!("/api/review/records/{first}/approve"),
        json!({ "heads": again["heads"] }),
    )
    .await;
    assert_eq!(
        queue_ids(&township, &reviewer, "").await,
        vec![second.to_string()]
    );
    // Filters: by village, record type and the worker who changed the record.
    assert_eq!(
        queue_ids(&township, &reviewer, "?village=heping")
            .await
            .len(),
        0
    );
    assert_eq!(
        queue_ids(
            &township,
            &reviewer,
            "?record_type=household&worker=worker-xingfu"
        )
        .await
        .len(),
        1
    );
    assert_eq!(
        queue_ids(&township, &reviewer, "?worker=worker-heping")
            .await
            .len(),
        0
    );
}

async fn a_returned_record_reaches_the_worker_with_the_comment_until_they_change_it(
    backend: Backend,
) {
    let township = Township::on(backend).await;
    let reviewer = township.login("reviewer", "office-pc").await;
    let phone = township.login("worker-xingfu", "phone-a").await;
    let other_village = township.login("worker-heping", "phone-h").await;
    let id = DocumentId::from_random_bytes([4; 16]);
    let mut doc = document::create(ActorId::random(), &household("幸福村2组", "赵六"));
    upload(&township, &phone, &id, &mut doc, &[]).await;
    let shown = get(&township, &reviewer, &format!("/api/review/records/{id}")).await;

    let (status, body) = post(
        &township,
        &reviewer,
        &format!("/api/review/records/{id}/return"),
        json!({ "heads": shown["heads"], "comment": "门牌号缺失，请补全住址" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(queue_ids(&township, &reviewer, "").await.is_empty());

    let returned = get(&township, &phone, "/api/returned").await;
    assert_eq!(returned[0]["document_id"], id.as_str());
    assert_eq!(returned[0]["record_type"], "household");
    assert_eq!(returned[0]["comment"], "门牌号缺失，请补全住址");
    assert_eq!(returned[0]["reviewer"], "reviewer");
    assert_eq!(
        get(&township, &other_village, "/api/returned").await,
        json!([])
    );
    // Every sync answer carries the same list, so the phone needs no second request.
    let polled = poll(&township, &phone).await;
    assert_eq!(polled.returned.len(), 1);
    assert_eq!(polled.returned[0].document_id, id.as_str());
    assert_eq!(polled.returned[0].record_type, "household");
    assert_eq!(polled.returned[0].comment, "门牌号缺失，请补全住址");
    assert!(poll(&township, &other_village).await.returned.is_empty());

    let acknowledged = doc.get_heads();
    document::update(&mut doc, &household("幸福村2组8号", "赵六"));
    let corrected = upload(&township, &phone, &id, &mut doc, &acknowledged).await;
    assert!(
        corrected.returned.is_empty(),
        "the answer to the correction no longer lists it"
    );
    assert_eq!(get(&township, &phone, "/api/returned").await, json!([]));
    let queue = get(&township, &reviewer, "/api/review/queue").await;
    assert_eq!(queue[0]["last_review"]["verdict"], "returned");
    assert_eq!(queue[0]["last_review"]["comment"], "门牌号缺失，请补全住址");
}

async fn history_lists_every_upload_and_shows_the_record_as_it_was(backend: Backend) {
    let township = Township::on(backend).await;
    let phone = township.login("worker-xingfu", "phone-a").await;
    let reviewer = township.login("reviewer", "office-pc").await;
    let id = DocumentId::from_random_bytes([5; 16]);
    let mut doc = document::create(ActorId::random(), &household("幸福村5组1号", "孙七"));
    upload(&township, &phone, &id, &mut doc, &[]).await;
    let acknowledged = doc.get_heads();
    document::update(&mut doc, &household("幸福村5组3号", "孙七"));
    upload(&township, &phone, &id, &mut doc, &acknowledged).await;

    for login in [&phone, &reviewer] {
        let history = get(&township, login, &format!("/api/records/{id}/history")).await;
        let steps = history["steps"].as_array().unwrap();
        assert_eq!(steps.len(), 2);
        assert_eq!(steps[0]["username"], "worker-xingfu");
        assert_eq!(steps[0]["device_id"], "phone-a");
        assert!(
            steps[0]["fields"]
                .as_array()
                .unwrap()
                .contains(&json!("address"))
        );
        assert_eq!(steps[1]["fields"], json!(["address"]));
        let first_seq = steps[0]["seq"].as_u64().unwrap();
        let then = get(
            &township,
            login,
            &format!("/api/records/{id}/history/{first_seq}"),
        )
        .await;
        assert_eq!(then["address"], "幸福村5组1号");
    }
    let (status, body) = send(
        &township,
        &phone,
        Request::get(format!("/api/records/{id}/history/999999")),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["message"].as_str().unwrap().contains(id.as_str()));
}

async fn workers_cannot_review_or_read_other_villages_history(backend: Backend) {
    let township = Township::on(backend).await;
    let xingfu = township.login("worker-xingfu", "phone-a").await;
    let heping = township.login("worker-heping", "phone-h").await;
    let admin = township.login("admin", "office-pc").await;
    let id = DocumentId::from_random_bytes([6; 16]);
    let mut doc = document::create(ActorId::random(), &household("幸福村6组", "周八"));
    upload(&township, &xingfu, &id, &mut doc, &[]).await;
    let heads = json!({ "heads": [document::hex(&doc.get_heads()[0].0)] });

    for worker in [&xingfu, &heping] {
        for uri in [
            "/api/review/queue".to_owned(),
            format!("/api/review/records/{id}"),
        ] {
            let (status, _) = send(&township, worker, Request::get(uri.as_str())).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{uri}");
        }
        // Not even on their own village's record: review is the office's.
        let (status, _) = post(
            &township,
            worker,
            &format!("/api/review/records/{id}/approve"),
            heads.clone(),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    assert!(township.store.review(id.as_str()).await.unwrap().is_none());

    let (status, _) = send(
        &township,
        &heping,
        Request::get(format!("/api/records/{id}/history")),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another village's history");
    let (status, _) = send(
        &township,
        &heping,
        Request::get(format!("/api/records/{id}/history/1")),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = send(&township, &admin, Request::get("/api/review/queue")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = send(
        &township,
        &admin,
        Request::get(format!("/api/records/{id}/history")),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let anonymous = Request::get("/api/review/queue")
        .body(Body::empty())
        .unwrap();
    assert_eq!(township.send(anonymous).await.0, StatusCode::UNAUTHORIZED);
}

async fn bad_verdicts_are_refused_naming_the_record_and_change_nothing(backend: Backend) {
    let township = Township::on(backend).await;
    let reviewer = township.login("reviewer", "office-pc").await;
    let phone = township.login("worker-xingfu", "phone-a").await;
    let id = DocumentId::from_random_bytes([7; 16]);
    let mut doc = document::create(ActorId::random(), &household("幸福村7组", "吴九"));
    upload(&township, &phone, &id, &mut doc, &[]).await;
    let heads =
        get(&township, &reviewer, &format!("/api/review/records/{id}")).await["heads"].clone();

    let cases = [
        ("approve", json!({ "heads": [] }), "heads_required"),
        ("approve", json!({ "heads": ["zz"] }), "bad_heads"),
        (
            "approve",
            json!({ "heads": ["ab".repeat(32)] }),
            "unknown_heads",
        ),
        (
            "return",
            json!({ "heads": heads.clone(), "comment": "  " }),
            "comment_required",
        ),
        (
            "return",
            json!({ "heads": heads.clone(), "comment": "长".repeat(501) }),
            "comment_too_long",
        ),
    ];
    for (action, body, code) in cases {
        let (status, answer) = post(
            &township,
            &reviewer,
            &format!("/api/review/records/{id}/{action}"),
            body,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{code}: {answer}");
        assert_eq!(answer["error"], code);
        assert!(
            answer["message"].as_str().unwrap().contains(id.as_str()),
            "{answer}"
        );
    }
    assert!(township.store.review(id.as_str()).await.unwrap().is_none());
    let (status, _) = post(
        &township,
        &reviewer,
        "/api/review/records/nonexistent/approve",
        json!({ "heads": heads }),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn a_review_names_devices_and_referenced_records_and_counts_the_whole_queue(
    backend: Backend,
) {
    let township = Township::on(backend).await;
    let reviewer = township.login("reviewer", "office-pc").await;
    let phone = township.login("worker-xingfu", "phone-a").await;
    let tablet = township.login("worker-xingfu", "tablet-b").await;
    let by = Authorship {
        village: "xingfu".into(),
        created_by: "worker-xingfu".into(),
        created_at_ms: NOW_MS,
    };
    let person_id = DocumentId::from_random_bytes([7; 16]);
    let mut person = document::create(ActorId::random(), &Person::new(&by, "王小明"));
    upload(&township, &tablet, &person_id, &mut person, &[]).await;
    let id = DocumentId::from_random_bytes([8; 16]);
    let mut home = household("幸福村2组5号", "王建国");
    home.members.push(HouseholdMember {
        person_id: person_id.as_str().to_owned(),
        name: "王小明".into(),
        relation: Relation::Child,
    });
    let mut doc = document::create(ActorId::random(), &home);
    upload(&township, &phone, &id, &mut doc, &[]).await;

    let review = get(&township, &reviewer, &format!("/api/review/records/{id}")).await;
    // The member is named, not shown as a 32-digit id.
    assert_eq!(
        review["references"][person_id.as_str()],
        json!({ "record_type": "person", "label": "王小明" })
    );
    // Devices are numbered per worker in the order they first logged in.
    let address = review["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["field"] == "address")
        .unwrap();
    assert_eq!(
        address["changed_by"][0]["device_name"],
        "worker-xingfu 的手机 1"
    );
    let history = get(
        &township,
        &reviewer,
        &format!("/api/records/{person_id}/history"),
    )
    .await;
    assert_eq!(history["steps"][0]["device_name"], "worker-xingfu 的手机 2");
    let member = get(
        &township,
        &reviewer,
        &format!("/api/review/records/{person_id}"),
    )
    .await;
    assert_eq!(
        member["label"], "王小明",
        "what the toast after a verdict names"
    );

    // The count covers the same filters as the page, beyond the page's limit.
    let total = |query: &'static str| {
        let (township, reviewer) = (&township, &reviewer);
        async move {
            get(
                township,
                reviewer,
                &format!("/api/review/queue/count{query}"),
            )
            .await["total"]
                .clone()
        }
    };
    assert_eq!(total("").await, 2);
    assert_eq!(total("?record_type=person").await, 1);
    assert_eq!(queue_ids(&township, &reviewer, "?limit=1").await.len(), 1);
    assert_eq!(total("?limit=1").await, 2);
}
