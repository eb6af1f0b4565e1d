//! Documents written by older (or newer) app versions.
//!
//! The rule (docs/data-model.md, "Adding a field"): a field added later is optional, so a
//! document written before it existed still loads; a document from a newer schema than this
//! code knows is refused until the server is upgraded.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ROOT};
use pingan_shared::document::{self, Invalid};
use pingan_shared::records::Record;
use pingan_shared::records::household::Household;
use pingan_shared::validation::Date;

/// A household as the first walking skeleton wrote it: no `members`, `security_contact` or
/// `joint_defence_group` keys at all.
fn household_written_before_members_existed(schema_version: u64) -> AutoCommit {
    let mut doc = AutoCommit::new();
    doc.put(ROOT, "type", "household").unwrap();
    doc.put(ROOT, "schema_version", schema_version).unwrap();
    doc.put(ROOT, "village", "xingfu").unwrap();
    doc.put(ROOT, "created_by", "worker1").unwrap();
    doc.put(ROOT, "created_at_ms", 1_650_000_000_000i64)
        .unwrap();
    doc.put(ROOT, "group", "3组").unwrap();
    doc.put(ROOT, "address", "幸福村3组12号").unwrap();
    doc.put(ROOT, "head_of_household", "王建国").unwrap();
    doc
}

fn today() -> Date {
    Date::new(2024, 1, 1).unwrap()
}

#[test]
fn a_document_missing_later_optional_fields_still_loads_and_validates() {
    let doc = household_written_before_members_existed(1);
    let household: Household = document::read(&doc).unwrap();
    assert_eq!(household.security_contact, None);
    assert_eq!(household.joint_defence_group, None);
    assert_eq!(household.validate(today()), Ok(()));
}

#[test]
fn a_document_from_a_newer_schema_is_refused_until_the_server_is_upgraded() {
    let doc = household_written_before_members_existed(Household::SCHEMA_VERSION + 1);
    let Err(Invalid::Fields(errors)) = document::validate(&doc, today()) else {
        panic!("a newer schema must not be accepted unchecked");
    };
    assert_eq!(errors[0].field, "schema_version");
    assert!(errors[0].message_en.contains("upgrade the server"));
}

#[test]
fn a_document_with_text_objects_instead_of_strings_is_refused_naming_the_field() {
    // JS Automerge writes plain strings as Text objects; docs/data-model.md says records use
    // scalar strings, and a client that forgets gets a clear refusal, not a silent misread.
    let mut doc = household_written_before_members_existed(1);
    let text = doc
        .put_object(ROOT, "address", automerge::ObjType::Text)
        .unwrap();
    doc.splice_text(&text, 0, 0, "幸福村3组12号").unwrap();
    let Err(Invalid::Fields(errors)) = document::validate(&doc, today()) else {
        panic!("a Text address must be refused");
    };
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].field, "address");
    assert_eq!(
        errors[0].message_en,
        "address: expected a string, found a Text object"
    );
}
