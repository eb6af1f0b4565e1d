//! Settling what two devices did at once, and the disputes dashboard's order of cases to chase.

use automerge::{ActorId, ReadDoc};
use axum::http::{Request, StatusCode};
use pingan_shared::document::{self, DocumentId};
use pingan_shared::records::Authorship;
use pingan_shared::records::household::Household;
use pingan_shared::sync::protocol::{Position, SyncRequest};
use serde_json::json;

use crate::exchange::{get, household, post, send, upload};
use crate::support::{Backend, NOW_MS, Township, on_both_backends};

on_both_backends!(
    a_conflict_the_reviewer_settles_reaches_the_device_on_its_next_sync,
    the_disputes_dashboard_puts_overdue_and_escalated_cases_first,
);

async fn a_conflict_the_reviewer_settles_reaches_the_device_on_its_next_sync(backend: Backend) {
    let township = Township::on(backend).await;
    let reviewer = township.login("reviewer", "office-pc").await;
    let phone = township.login("worker-xingfu", "phone-a").await;
    let tablet = township.login("worker-xingfu", "tablet-b").await;
    let id = DocumentId::from_random_bytes([8; 16]);
    let mut on_phone = document::create(ActorId::random(), &household("幸福村8组1号", "郑十"));
    upload(&township, &phone, &id, &mut on_phone, &[]).await;
    let base = on_phone.get_heads();
    let mut on_tablet = on_phone.fork().with_actor(ActorId::random());
    document::update(&mut on_phone, &household("幸福村8组3号", "郑十"));
    document::update(&mut on_tablet, &household("幸福村8组5号", "郑十"));
    upload(&township, &phone, &id, &mut on_phone, &base).await;
    upload(&township, &tablet, &id, &mut on_tablet, &base).await;

    // The phone catches up: it now holds both addresses, Automerge showing one of them.
    let caught_up = township
        .sync(
            &phone,
            &SyncRequest {
                device_id: phone.device_id.clone(),
                position: Position::Start,
                documents: Vec::new(),
                crash_reports: Vec::new(),
            },
        )
        .await;
    for saved in &caught_up.documents {
        on_phone.load_incremental(&saved.data).unwrap();
    }
    assert_eq!(
        on_phone.get_all(automerge::ROOT, "address").unwrap().len(),
        2
    );

    let review = get(&township, &reviewer, &format!("/api/review/records/{id}")).await;
    let conflict = &review["conflicts"][0];
    assert_eq!(conflict["field"], "address");
    let values = conflict["values"].as_array().unwrap();
    assert_eq!(values.len(), 2);
    let choice = values
        .iter()
        .position(|v| v["value"] == "幸福村8组5号")
        .unwrap();
    assert_eq!(values[choice]["written_by"]["device_id"], "tablet-b");
    let queue = get(&township, &reviewer, "/api/review/queue").await;
    assert_eq!(queue[0]["conflicts"], 1);

    let (status, body) = post(
        &township,
        &reviewer,
        &format!("/api/review/records/{id}/resolve"),
        json!({ "field": "address", "choice": choice }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let next = township
        .sync(
            &phone,
            &SyncRequest {
                device_id: phone.device_id.clone(),
                position: caught_up.position.clone(),
                documents: Vec::new(),
                crash_reports: Vec::new(),
            },
        )
        .await;
    assert_eq!(next.changes.len(), 1, "the resolution comes down the feed");
    let changes: Vec<Vec<u8>> = next.changes[0].changes.iter().map(|c| c.to_vec()).collect();
    on_phone
        .apply_changes(document::decode_changes(&changes).unwrap())
        .unwrap();
    let settled: Household = document::read(&on_phone).unwrap();
    assert_eq!(settled.address, "幸福村8组5号");
    assert_eq!(
        on_phone.get_all(automerge::ROOT, "address").unwrap().len(),
        1
    );

    let after = get(&township, &reviewer, &format!("/api/review/records/{id}")).await;
    assert_eq!(after["conflicts"], json!([]));
    let history = get(&township, &reviewer, &format!("/api/records/{id}/history")).await;
    let last = history["steps"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["username"], "reviewer");
    assert_eq!(last["device_id"], "office-pc");
    assert_eq!(last["fields"], json!(["address"]));

    // Nothing left to settle: a second resolution is refused, naming the record.
    let (status, body) = post(
        &township,
        &reviewer,
        &format!("/api/review/records/{id}/resolve"),
        json!({ "field": "address", "choice": 0 }),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["message"].as_str().unwrap().contains(id.as_str()));
    let worker = post(
        &township,
        &phone,
        &format!("/api/review/records/{id}/resolve"),
        json!({ "field": "address", "choice": 0 }),
    )
    .await;
    assert_eq!(worker.0, StatusCode::FORBIDDEN);
}

async fn the_disputes_dashboard_puts_overdue_and_escalated_cases_first(backend: Backend) {
    use pingan_shared::records::dispute::lifecycle::{self, DisputeEvent};
    use pingan_shared::records::dispute::{Dispute, Party};
    use pingan_shared::records::vocabulary::{DisputeCategory, DisputeSource};

    let township = Township::on(backend).await;
    let reviewer = township.login("reviewer", "office-pc").await;
    let phone = township.login("worker-xingfu", "phone-a").await;
    let by = Authorship {
        village: "xingfu".into(),
        created_by: "worker-xingfu".into(),
        created_at_ms: NOW_MS,
    };
    let mut quiet = Dispute::new(
        &by,
        "2023-11-01",
        DisputeCategory::Neighbour,
        DisputeSource::Screening,
        "鸡鸭越界",
    );
    quiet.parties = vec![Party {
        name: "张三".into(),
        person_id: None,
        phone: None,
    }];
    let mut escalated = lifecycle::apply(
        &Dispute {
            summary: "土地流转租金拖欠".into(),
            ..quiet.clone()
        },
        DisputeEvent::Escalate {
            by: "worker-xingfu".into(),
            on: "2023-11-02".into(),
            reason: "涉及多户，组内调解不成".into(),
        },
    )
    .unwrap();
    escalated.responsible_leader = Some("李副书记".into());
    escalated.deadline = Some("2023-11-10".into());
    for (n, record) in [quiet, escalated].iter().enumerate() {
        let id = DocumentId::from_random_bytes([20 + n as u8; 16]);
        let mut doc = document::create(ActorId::random(), record);
        upload(&township, &phone, &id, &mut doc, &[]).await;
    }

    let board = get(&township, &reviewer, "/api/review/disputes").await;
    let chase = board["chase"].as_array().unwrap();
    assert_eq!(
        chase.len(),
        1,
        "the quiet group-level case needs no chasing: {board}"
    );
    assert_eq!(chase[0]["summary"], "土地流转租金拖欠");
    assert_eq!(chase[0]["overdue"], true);
    assert_eq!(chase[0]["level"], "village");
    assert_eq!(chase[0]["responsible_leader"], "李副书记");
    assert_eq!(chase[0]["escalation_reason"], "涉及多户，组内调解不成");
    assert_eq!(board["township"]["overdue"], 1);
    assert_eq!(board["villages"]["xingfu"]["open_by_level"]["group"], 1);
    assert_eq!(board["villages"]["xingfu"]["open_by_level"]["village"], 1);
    let (status, _) = send(&township, &phone, Request::get("/api/review/disputes")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
