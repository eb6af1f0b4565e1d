//! The township's other work (issue 16) through the sync API, on each backend: what a village
//! worker records on the phone is taken in their village; what the township office keeps
//! (letters, checks, plans) is refused from a phone; a key person is seen by the village's
//! phones and the office, no one else; a wrong record is refused naming its field.

mod support;

use automerge::{ActorId, AutoCommit};
use pingan_shared::document::{self, DocumentId};
use pingan_shared::records::key_person::KeyPerson;
use pingan_shared::records::patrol::Patrol;
use pingan_shared::records::publicity_activity::PublicityActivity;
use pingan_shared::records::responsibility_letter::ResponsibilityLetter;
use pingan_shared::records::screening_round::{Finding, ScreeningRound};
use pingan_shared::records::vocabulary::{
    FindingKind, KeyPersonCategory, LetterKind, PatrolTeam, PublicityKind, ScreeningKind,
};
use pingan_shared::records::{Authorship, Record};
use pingan_shared::sync::protocol::{DocumentChanges, Position, SyncRequest, SyncResponse};
use serde_bytes::ByteBuf;
use support::{Backend, Login, Township, on_both_backends};

on_both_backends!(
    a_worker_records_screening_patrols_key_persons_and_publicity_in_their_village,
    the_offices_own_records_are_refused_from_a_phone_and_taken_from_the_office,
    a_key_person_is_seen_by_the_villages_phones_and_the_office_only,
    a_zero_report_with_findings_is_refused_naming_the_field,
);

fn by(village: &str, who: &str) -> Authorship {
    Authorship {
        village: village.into(),
        created_by: who.into(),
        created_at_ms: 1_700_000_000_000,
    }
}

fn upload<R: Record>(n: u8, record: &R) -> (DocumentId, DocumentChanges) {
    let id = DocumentId::from_random_bytes([n; 16]);
    let mut doc: AutoCommit = document::create(ActorId::random(), record);
    let changes = DocumentChanges {
        document_id: id.to_string(),
        changes: document::changes_since(&mut doc, &[])
            .into_iter()
            .map(ByteBuf::from)
            .collect(),
    };
    (id, changes)
}

async fn send(township: &Township, login: &Login, documents: Vec<DocumentChanges>) -> SyncResponse {
    let request = SyncRequest {
        device_id: login.device_id.clone(),
        position: Position::Feed { seq: 0 },
        documents,
        crash_reports: Vec::new(),
    };
    township.sync(login, &request).await
}

fn zero_report(village: &str) -> ScreeningRound {
    let mut round = ScreeningRound::new(
        &by(village, "worker-xingfu"),
        ScreeningKind::VillageWeekly,
        "2022-06-13",
    );
    round.screeners = vec!["张建国".into()];
    round
}

fn key_person(village: &str, who: &str) -> KeyPerson {
    let mut person = KeyPerson::new(
        &by(village, who),
        "钱某某",
        KeyPersonCategory::Petitioner,
        "李副镇长",
        "2022-03-01",
    );
    person.address = "3组12号".into();
    person
}

async fn a_worker_records_screening_patrols_key_persons_and_publicity_in_their_village(
    backend: Backend,
) {
    let township = Township::on(backend).await;
    let worker = township.login("worker-xingfu", "phone").await;
    let mut patrol = Patrol::new(
        &by("xingfu", "worker-xingfu"),
        "2022-06-14",
        PatrolTeam::Volunteer,
        "1组至3组",
    );
    patrol.members = vec!["王强".into(), "赵刚".into()];
    let mut publicity =
        PublicityActivity::new(&by("xingfu", "worker-xingfu"), "2022-06-26", "禁毒宣传月");
    publicity.kinds = vec![PublicityKind::Leaflet, PublicityKind::Board];
    publicity.materials_handed_out = 300;
    let uploads = [
        upload(1, &zero_report("xingfu")),
        upload(2, &patrol),
        upload(3, &key_person("xingfu", "worker-xingfu")),
        upload(4, &publicity),
    ];
    let response = send(
        &township,
        &worker,
        uploads.iter().map(|(_, c)| c.clone()).collect(),
    )
    .await;
    assert!(response.rejected.is_empty(), "{:?}", response.rejected);
    assert_eq!(response.accepted.len(), 4);
    let rounds = township
        .store
        .documents_of_type("screening_round")
        .await
        .unwrap();
    assert_eq!(rounds.len(), 1);
    assert_eq!(rounds[0].village, "xingfu");

    // Not in another village.
    let (_, elsewhere) = upload(5, &zero_report("heping"));
    let response = send(&township, &worker, vec![elsewhere]).await;
    assert_eq!(response.rejected[0].code.as_str(), "out_of_scope");
}

async fn the_offices_own_records_are_refused_from_a_phone_and_taken_from_the_office(
    backend: Backend,
) {
    let township = Township::on(backend).await;
    let letter = ResponsibilityLetter::new(
        &by("xingfu", "worker-xingfu"),
        LetterKind::Annual,
        2022,
        "镇综治委",
        "幸福村村委会",
        "2022-02-10",
    );
    let worker = township.login("worker-xingfu", "phone").await;
    let (_, changes) = upload(6, &letter);
    let response = send(&township, &worker, vec![changes.clone()]).await;
    assert_eq!(response.rejected.len(), 1);
    let refusal = &response.rejected[0];
    assert_eq!(refusal.code.as_str(), "office_only");
    assert_eq!(refusal.errors[0].field, "type");
    assert!(
        refusal.errors[0].message_zh.contains("镇综治办"),
        "{refusal:?}"
    );
    assert!(
        township
            .store
            .documents_of_type("responsibility_letter")
            .await
            .unwrap()
            .is_empty()
    );

    let reviewer = township.login("reviewer", "office-pc").await;
    let response = send(&township, &reviewer, vec![changes]).await;
    assert!(response.rejected.is_empty(), "{:?}", response.rejected);
    assert_eq!(
        township
            .store
            .documents_of_type("responsibility_letter")
            .await
            .unwrap()
            .len(),
        1
    );
}

/// The record types a new device of `username` downloads.
async fn downloaded_types(township: &Township, username: &str) -> Vec<String> {
    let login = township
        .login(username, &format!("{username}-new-phone"))
        .await;
    let request = SyncRequest {
        device_id: login.device_id.clone(),
        position: Position::Start,
        documents: Vec::new(),
        crash_reports: Vec::new(),
    };
    let response = township.sync(&login, &request).await;
    response
        .documents
        .iter()
        .map(|saved| {
            let doc = document::load(&saved.data).unwrap();
            document::record_type(&doc).unwrap().as_str().to_owned()
        })
        .collect()
}

async fn a_key_person_is_seen_by_the_villages_phones_and_the_office_only(backend: Backend) {
    let township = Township::on(backend).await;
    let reviewer = township.login("reviewer", "office-pc").await;
    let (_, changes) = upload(7, &key_person("xingfu", "reviewer"));
    let response = send(&township, &reviewer, vec![changes]).await;
    assert!(response.rejected.is_empty(), "{:?}", response.rejected);

    assert_eq!(
        downloaded_types(&township, "worker-xingfu").await,
        ["key_person"]
    );
    assert!(
        downloaded_types(&township, "worker-heping")
            .await
            .is_empty(),
        "another village's phone sees nothing"
    );
    assert_eq!(downloaded_types(&township, "admin").await, ["key_person"]);
}

async fn a_zero_report_with_findings_is_refused_naming_the_field(backend: Backend) {
    let township = Township::on(backend).await;
    let worker = township.login("worker-xingfu", "phone").await;
    let mut round = zero_report("xingfu");
    round.findings.push(Finding {
        summary: "两户因宅基地界址争执".into(),
        kind: FindingKind::Dispute,
        dispute_id: None,
    });
    let (_, changes) = upload(8, &round);
    let response = send(&township, &worker, vec![changes]).await;
    assert_eq!(response.rejected[0].code.as_str(), "invalid_record");
    assert_eq!(response.rejected[0].errors[0].field, "zero_report");
    assert!(
        township
            .store
            .documents_of_type("screening_round")
            .await
            .unwrap()
            .is_empty()
    );
}
