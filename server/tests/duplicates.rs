//! People registered twice: found township-wide by ID number, merged by a reviewer with every
//! reference moved to the kept record and nothing lost.

mod support;

use automerge::{ActorId, AutoCommit};
use axum::http::StatusCode;
use pingan_shared::document::{self, DocumentId};
use pingan_shared::records::dispute::{Dispute, Party};
use pingan_shared::records::household::{Household, HouseholdMember};
use pingan_shared::records::person::{FloatingResident, Person};
use pingan_shared::records::rental_house::RentalHouse;
use pingan_shared::records::vocabulary::{
    DisputeCategory, DisputeSource, FloatingReason, Relation,
};
use pingan_shared::records::{Authorship, Record};
use pingan_shared::statistics::china_date;
use pingan_shared::sync::protocol::{Position, SyncRequest};
use serde_json::{Value, json};
use support::{Backend, Login, NOW_MS, Township, on_both_backends};

on_both_backends!(
    a_person_registered_twice_is_merged_keeping_every_reference_and_history,
    only_registrations_of_one_id_number_merge_and_only_by_the_office,
    after_a_merge_a_review_still_names_the_merged_away_registration,
);

/// A valid 18-digit number (check digit X).
const CITIZEN_ID: &str = "11010519491231002X";

struct Registered {
    kept: DocumentId,
    duplicate: DocumentId,
    household: DocumentId,
    house: DocumentId,
    dispute: DocumentId,
}

/// A household member registered at the door, and the same person registered again as a
/// floating resident renting a house and party to a dispute.
async fn register_twice(township: &Township, phone: &Login) -> Registered {
    let ids = Registered {
        kept: DocumentId::from_random_bytes([1; 16]),
        duplicate: DocumentId::from_random_bytes([2; 16]),
        household: DocumentId::from_random_bytes([3; 16]),
        house: DocumentId::from_random_bytes([4; 16]),
        dispute: DocumentId::from_random_bytes([5; 16]),
    };
    let today = china_date(NOW_MS);
    let mut kept = Person::new(&by(), "王五");
    kept.set_citizen_id(CITIZEN_ID, today).unwrap();
    kept.phone = Some("13800000001".into());
    kept.household_id = Some(ids.household.to_string());
    let mut duplicate = Person::new(&by(), "王五");
    duplicate.floating = Some(FloatingResident {
        origin: "北京市".into(),
        arrival_date: "2023-10-01".into(),
        reason: FloatingReason::Work,
        employer: Some("幸福村砖厂".into()),
        rented_house_id: Some(ids.house.to_string()),
        residence_permit_number: None,
        departure_date: None,
    });
    duplicate.set_citizen_id(CITIZEN_ID, today).unwrap();
    duplicate.phone = Some("13900000002".into());
    let mut household = Household::new(&by(), "1组", "幸福村1组1号", "王五");
    household.members = vec![HouseholdMember {
        person_id: ids.kept.to_string(),
        name: "王五".into(),
        relation: Relation::Head,
    }];
    let mut house = RentalHouse::new(&by(), "幸福村2组5号", "李房东", 3);
    house.tenant_ids = vec![ids.duplicate.to_string()];
    let mut dispute = Dispute::new(
        &by(),
        "2023-11-01",
        DisputeCategory::Neighbour,
        DisputeSource::Screening,
        "宅基地边界争议",
    );
    dispute.parties = vec![Party {
        name: "王五".into(),
        person_id: Some(ids.duplicate.to_string()),
        phone: None,
    }];
    for (id, doc) in [
        (&ids.kept, create(&kept)),
        (&ids.duplicate, create(&duplicate)),
        (&ids.household, create(&household)),
        (&ids.house, create(&house)),
        (&ids.dispute, create(&dispute)),
    ] {
        upload(township, phone, id, doc).await;
    }
    ids
}

async fn a_person_registered_twice_is_merged_keeping_every_reference_and_history(backend: Backend) {
    let township = Township::on(backend).await;
    let phone = township.login("worker-xingfu", "phone-a").await;
    let reviewer = township.login("reviewer", "office-pc").await;
    let ids = register_twice(&township, &phone).await;
    let caught_up = sync(&township, &phone, Position::Start).await;

    let groups = get(&township, &reviewer, "/api/review/duplicates").await;
    assert_eq!(groups.as_array().unwrap().len(), 1, "{groups}");
    assert_eq!(groups[0]["citizen_id"], CITIZEN_ID);
    let mut found: Vec<&str> = groups[0]["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["document_id"].as_str().unwrap())
        .collect();
    found.sort();
    assert_eq!(found, [ids.kept.as_str(), ids.duplicate.as_str()]);
    let mut phones: Vec<&str> = groups[0]["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["phone"].as_str().unwrap())
        .collect();
    phones.sort();
    assert_eq!(
        phones,
        ["138****0001", "139****0002"],
        "a list read over shoulders stars the numbers"
    );

    let (status, outcome) = post(
        &township,
        &reviewer,
        "/api/review/duplicates/merge",
        json!({
            "keep": ids.kept.as_str(),
            "remove": [ids.duplicate.as_str()],
            "take": { "phone": ids.duplicate.as_str(), "floating": ids.duplicate.as_str() },
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{outcome}");
    let mut redirected: Vec<&str> = outcome["redirected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    redirected.sort();
    let mut expected = [ids.house.as_str(), ids.dispute.as_str()];
    expected.sort();
    assert_eq!(redirected, expected);

    assert_eq!(
        get(&township, &reviewer, "/api/review/duplicates").await,
        json!([])
    );
    let kept: Person = stored(&township, &ids.kept).await;
    assert_eq!(
        kept.phone.as_deref(),
        Some("13900000002"),
        "taken from the duplicate"
    );
    assert_eq!(kept.household_id.as_deref(), Some(ids.household.as_str()));
    assert_eq!(
        kept.floating.as_ref().unwrap().employer.as_deref(),
        Some("幸福村砖厂")
    );
    let merged_away: Person = stored(&township, &ids.duplicate).await;
    assert_eq!(merged_away.merged_into.as_deref(), Some(ids.kept.as_str()));
    assert_eq!(
        merged_away.phone.as_deref(),
        Some("13900000002"),
        "nothing erased"
    );
    let house: RentalHouse = stored(&township, &ids.house).await;
    assert_eq!(house.tenant_ids, [ids.kept.to_string()]);
    let dispute: Dispute = stored(&township, &ids.dispute).await;
    assert_eq!(
        dispute.parties[0].person_id.as_deref(),
        Some(ids.kept.as_str())
    );
    let household: Household = stored(&township, &ids.household).await;
    assert_eq!(household.members[0].person_id, ids.kept.as_str());

    // The merged-away record keeps its history, with the merge as its last entry.
    let history = get(
        &township,
        &reviewer,
        &format!("/api/records/{}/history", ids.duplicate),
    )
    .await;
    let steps = history["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 2);
    assert_eq!(steps[0]["username"], "worker-xingfu");
    assert_eq!(steps[1]["username"], "reviewer");
    assert_eq!(steps[1]["fields"], json!(["merged_into"]));

    // The worker's device receives the merge on its next sync.
    let next = sync(&township, &phone, caught_up.position).await;
    let mut changed: Vec<&str> = next
        .changes
        .iter()
        .map(|c| c.document_id.as_str())
        .collect();
    changed.sort();
    let mut expected = [
        ids.kept.as_str(),
        ids.duplicate.as_str(),
        ids.house.as_str(),
        ids.dispute.as_str(),
    ];
    expected.sort();
    assert_eq!(changed, expected);
}

async fn only_registrations_of_one_id_number_merge_and_only_by_the_office(backend: Backend) {
    let township = Township::on(backend).await;
    let phone = township.login("worker-xingfu", "phone-a").await;
    let reviewer = township.login("reviewer", "office-pc").await;
    let ids = register_twice(&township, &phone).await;
    let request = json!({ "keep": ids.kept.as_str(), "remove": [ids.duplicate.as_str()] });

    let (status, _) = post(
        &township,
        &phone,
        "/api/review/duplicates/merge",
        request.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = get_status(&township, &phone, "/api/review/duplicates").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let cases = [
        (
            json!({ "keep": ids.kept.as_str(), "remove": [ids.house.as_str()] }),
            ids.house.as_str(),
        ),
        (
            json!({ "keep": ids.kept.as_str(), "remove": [] }),
            ids.kept.as_str(),
        ),
        (
            json!({ "keep": ids.kept.as_str(), "remove": [ids.duplicate.as_str()],
                    "take": { "citizen_id": ids.duplicate.as_str() } }),
            "citizen_id",
        ),
    ];
    for (body, named) in cases {
        let (status, answer) =
            post(&township, &reviewer, "/api/review/duplicates/merge", body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
        assert_eq!(answer["error"], "invalid_merge");
        assert!(
            answer["message"].as_str().unwrap().contains(named),
            "{answer}"
        );
    }
    let untouched: Person = stored(&township, &ids.duplicate).await;
    assert_eq!(
        untouched.merged_into, None,
        "a refused merge changes nothing"
    );
    let house: RentalHouse = stored(&township, &ids.house).await;
    assert_eq!(house.tenant_ids, [ids.duplicate.to_string()]);
    let (status, _) = post(
        &township,
        &reviewer,
        "/api/review/duplicates/merge",
        json!({ "keep": ids.kept.as_str(), "remove": ["0123456789abcdef0123456789abcdef"] }),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Once merged, merging again is refused by name.
    post(
        &township,
        &reviewer,
        "/api/review/duplicates/merge",
        request.clone(),
    )
    .await;
    let (status, answer) = post(
        &township,
        &reviewer,
        "/api/review/duplicates/merge",
        request,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .contains("already merged")
    );
}

/// A house approved while it named the duplicate: after the merge its diff shows the tenant
/// going from the merged-away registration to the kept one, both named (the office links them
/// by name); only an id the server never received goes unnamed, which the office shows as
/// （本镇已无此记录）.
async fn after_a_merge_a_review_still_names_the_merged_away_registration(backend: Backend) {
    let township = Township::on(backend).await;
    let phone = township.login("worker-xingfu", "phone-a").await;
    let reviewer = township.login("reviewer", "office-pc").await;
    let ids = register_twice(&township, &phone).await;
    let never_received = DocumentId::from_random_bytes([9; 16]);
    let elsewhere = DocumentId::from_random_bytes([6; 16]);
    let mut house = RentalHouse::new(&by(), "幸福村3组2号", "赵房东", 2);
    house.tenant_ids = vec![never_received.to_string()];
    upload(&township, &phone, &elsewhere, create(&house)).await;
    let review_of = |id: &DocumentId| format!("/api/review/records/{id}");
    let shown = get(&township, &reviewer, &review_of(&ids.house)).await;
    let (status, answer) = post(
        &township,
        &reviewer,
        &format!("{}/approve", review_of(&ids.house)),
        json!({ "heads": shown["heads"] }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (status, outcome) = post(
        &township,
        &reviewer,
        "/api/review/duplicates/merge",
        json!({ "keep": ids.kept.as_str(), "remove": [ids.duplicate.as_str()] }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{outcome}");

    let review = get(&township, &reviewer, &review_of(&ids.house)).await;
    assert_eq!(
        review["changes"],
        json!([{
            "field": "tenant_ids[0]",
            "before": ids.duplicate.as_str(),
            "after": ids.kept.as_str(),
            "changed_by": review["changes"][0]["changed_by"],
        }]),
        "{review}"
    );
    assert_eq!(
        review["references"][ids.duplicate.as_str()],
        json!({ "record_type": "person", "label": "王五 · 110105********002X · 已合并" })
    );
    assert_eq!(
        review["references"][ids.kept.as_str()],
        json!({ "record_type": "person", "label": "王五 · 110105********002X" })
    );
    let merged_away = get(&township, &reviewer, &review_of(&ids.duplicate)).await;
    assert_eq!(merged_away["label"], "王五 · 110105********002X · 已合并");
    assert_eq!(
        merged_away["references"][ids.kept.as_str()]["label"],
        "王五 · 110105********002X",
        "merged into: the kept registration, by name"
    );

    let review = get(&township, &reviewer, &review_of(&elsewhere)).await;
    assert_eq!(
        review["record"]["tenant_ids"],
        json!([never_received.as_str()])
    );
    assert_eq!(review["references"], json!({}), "{review}");
}

fn by() -> Authorship {
    Authorship {
        village: "xingfu".into(),
        created_by: "worker-xingfu".into(),
        created_at_ms: NOW_MS,
    }
}

fn create<R: Record>(record: &R) -> AutoCommit {
    assert_eq!(record.validate(china_date(NOW_MS)), Ok(()));
    document::create(ActorId::random(), record)
}

async fn stored<R: Record>(township: &Township, id: &DocumentId) -> R {
    let mut tx = township.store.begin_write().await.unwrap();
    let row = tx.load(id.as_str()).await.unwrap().unwrap();
    tx.commit().await.unwrap();
    document::read(&document::load(&row.data).unwrap()).unwrap()
}

async fn upload(township: &Township, login: &Login, id: &DocumentId, mut doc: AutoCommit) {
    township.upload(login, id, &mut doc, &[]).await;
}

async fn sync(
    township: &Township,
    login: &Login,
    position: Position,
) -> pingan_shared::sync::protocol::SyncResponse {
    let request = SyncRequest {
        device_id: login.device_id.clone(),
        position,
        documents: Vec::new(),
        crash_reports: Vec::new(),
    };
    township.sync(login, &request).await
}

async fn get(township: &Township, login: &Login, uri: &str) -> Value {
    let (status, body) = township.get_json(login, uri).await;
    assert_eq!(status, StatusCode::OK, "GET {uri}: {body}");
    body
}

async fn get_status(township: &Township, login: &Login, uri: &str) -> (StatusCode, Value) {
    township.get_json(login, uri).await
}

async fn post(township: &Township, login: &Login, uri: &str, body: Value) -> (StatusCode, Value) {
    township.post_json(login, uri, body).await
}
