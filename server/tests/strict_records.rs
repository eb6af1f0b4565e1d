//! Hostile records through `POST /api/sync`: each refused by name, nothing stored, and the
//! rest of the batch still lands (`docs/data-model.md`, Limits).

mod support;

use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, ObjType, ScalarValue};
use pingan_shared::document::{self, DocumentId};
use pingan_shared::records::Authorship;
use pingan_shared::records::person::Person;
use pingan_shared::sync::protocol::{DocumentChanges, Position, SyncRequest};
use serde_bytes::ByteBuf;
use support::{Backend, Login, NOW_MS, Township, on_both_backends};

on_both_backends!(
    hostile_records_are_refused_by_name_and_the_rest_lands,
    a_worker_cannot_merge_or_retype_a_stored_record,
    a_change_that_panics_automerge_is_refused_and_the_request_answered,
);

fn person(actor: u8) -> AutoCommit {
    let by = Authorship {
        village: "xingfu".into(),
        created_by: "worker-xingfu".into(),
        created_at_ms: NOW_MS,
    };
    document::create(
        ActorId::from([actor; 16].as_slice()),
        &Person::new(&by, "李四"),
    )
}

fn upload(
    id: &DocumentId,
    doc: &mut AutoCommit,
    since: &[automerge::ChangeHash],
) -> DocumentChanges {
    DocumentChanges {
        document_id: id.to_string(),
        changes: document::changes_since(doc, since)
            .into_iter()
            .map(ByteBuf::from)
            .collect(),
    }
}

fn request(login: &Login, documents: Vec<DocumentChanges>) -> SyncRequest {
    SyncRequest {
        device_id: login.device_id.clone(),
        position: Position::Start,
        documents,
        crash_reports: Vec::new(),
    }
}

async fn hostile_records_are_refused_by_name_and_the_rest_lands(backend: Backend) {
    let township = Township::on(backend).await;
    let worker = township.login("worker-xingfu", "phone-1").await;

    let mut huge_list = person(1);
    let list = huge_list
        .put_object(automerge::ROOT, "padding", ObjType::List)
        .unwrap();
    huge_list
        .splice(&list, 0, 0, (0..100_000).map(ScalarValue::Int))
        .unwrap();
    let mut huge_string = person(2);
    huge_string
        .put(automerge::ROOT, "note", "x".repeat(10 * 1024 * 1024))
        .unwrap();
    let mut unknown_key = person(3);
    unknown_key
        .put(automerge::ROOT, "nickname", "小李")
        .unwrap();
    let mut honest = person(4);

    let ids: Vec<DocumentId> = (1..=4u8)
        .map(|n| DocumentId::from_random_bytes([n; 16]))
        .collect();
    let started = std::time::Instant::now();
    let response = township
        .sync(
            &worker,
            &request(
                &worker,
                vec![
                    upload(&ids[0], &mut huge_list, &[]),
                    upload(&ids[1], &mut huge_string, &[]),
                    upload(&ids[2], &mut unknown_key, &[]),
                    upload(&ids[3], &mut honest, &[]),
                ],
            ),
        )
        .await;
    eprintln!("answered in {:?}", started.elapsed());
    let codes: Vec<(&str, &str)> = response
        .rejected
        .iter()
        .map(|r| (r.document_id.as_str(), r.code.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            (ids[0].as_str(), "too_large"),
            (ids[1].as_str(), "too_large"),
            (ids[2].as_str(), "invalid_record")
        ]
    );
    assert_eq!(response.rejected[2].errors[0].field, "nickname");
    assert_eq!(response.accepted.len(), 1);
    assert_eq!(response.accepted[0].document_id, ids[3].as_str());
    for id in &ids[..3] {
        assert_eq!(township.store.change_count(id.as_str()).await.unwrap(), 0);
    }
}

async fn a_worker_cannot_merge_or_retype_a_stored_record(backend: Backend) {
    let township = Township::on(backend).await;
    let worker = township.login("worker-xingfu", "phone-1").await;
    let id = DocumentId::from_random_bytes([7; 16]);
    let mut doc = person(7);
    township.upload(&worker, &id, &mut doc, &[]).await;
    let acknowledged = doc.get_heads();

    // merged_into pointed at a record that does not exist: the person would vanish from
    // every list and figure.
    let mut merged = doc.fork();
    merged
        .put(automerge::ROOT, "merged_into", "f".repeat(32))
        .unwrap();
    let mut retyped = doc.fork();
    retyped.put(automerge::ROOT, "type", "household").unwrap();
    for (mut attempt, field) in [(merged, "merged_into"), (retyped, "type")] {
        let response = township
            .sync(
                &worker,
                &request(&worker, vec![upload(&id, &mut attempt, &acknowledged)]),
            )
            .await;
        assert_eq!(response.rejected.len(), 1, "{field}");
        assert_eq!(response.rejected[0].code.as_str(), "invalid_record");
        assert!(
            response.rejected[0].errors.iter().any(|e| e.field == field),
            "{field}: {:?}",
            response.rejected[0].errors
        );
    }
    assert_eq!(township.store.change_count(id.as_str()).await.unwrap(), 1);
}

/// Every input the fuzzer found Automerge failing on — a panic on an actor missing from a
/// change's table, a saved document that does not load, a mark whose panic in a destructor
/// aborted the process — sent through `/api/sync`: answered 200 with that document refused and
/// the honest one stored, the server still running.
async fn a_change_that_panics_automerge_is_refused_and_the_request_answered(backend: Backend) {
    let township = Township::on(backend).await;
    let worker = township.login("worker-xingfu", "phone-1").await;
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fuzz-crashers/merge_changes"
    );
    let mut crashers: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_none_or(|e| e != "md"))
        .collect();
    crashers.sort();
    assert!(crashers.len() >= 3, "{crashers:?}");
    for (n, path) in crashers.iter().enumerate() {
        let bytes = std::fs::read(path).unwrap();
        let changes = split_changes(&bytes)
            .into_iter()
            .map(ByteBuf::from)
            .collect();
        let id = DocumentId::from_random_bytes([100 + n as u8; 16]);
        let honest_id = DocumentId::from_random_bytes([150 + n as u8; 16]);
        let mut honest = person(6);
        let response = township
            .sync(
                &worker,
                &request(
                    &worker,
                    vec![
                        DocumentChanges {
                            document_id: id.to_string(),
                            changes,
                        },
                        upload(&honest_id, &mut honest, &[]),
                    ],
                ),
            )
            .await;
        let name = path.file_name().unwrap().to_string_lossy();
        assert_eq!(
            response.rejected.len(),
            1,
            "{name}: {:?}",
            response.rejected
        );
        assert_eq!(response.rejected[0].document_id, id.as_str(), "{name}");
        // Onto nothing some of these are not even a record; what matters is a refusal.
        assert!(
            ["undecodable_change", "unknown_type"].contains(&response.rejected[0].code.as_str()),
            "{name}: {:?}",
            response.rejected[0]
        );
        assert_eq!(response.accepted.len(), 1, "{name}");
    }
}

/// As the fuzz target reads its input: changes separated by `DE AD BE EF`.
fn split_changes(bytes: &[u8]) -> Vec<Vec<u8>> {
    let separator = pingan_server::fuzzing::CHANGE_SEPARATOR;
    let mut parts = Vec::new();
    let mut rest = bytes;
    while let Some(at) = rest.windows(separator.len()).position(|w| w == separator) {
        parts.push(rest[..at].to_vec());
        rest = &rest[at + separator.len()..];
    }
    parts.push(rest.to_vec());
    parts
}
