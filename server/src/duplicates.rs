//! People registered twice: the same citizen ID number in more than one person record,
//! township-wide, and merging them into one.
//!
//! A merge keeps one record, takes each field the reviewer chose from the others, points every
//! household, rental house and dispute that named a merged-away record at the kept one (the
//! rules are `pingan_shared::records::links`, shared with the phone), and marks the
//! merged-away records `merged_into` the kept one. Nothing is deleted: the
//! merged-away records keep their history, and devices learn of the merge through the feed
//! like any other change. See `docs/review.md`.

use std::collections::{BTreeMap, BTreeSet};

use automerge::{ActorId, AutoCommit};
use pingan_shared::document::{self, Invalid};
use pingan_shared::records::dispute::Dispute;
use pingan_shared::records::household::Household;
use pingan_shared::records::links::RefersToPeople;
use pingan_shared::records::person::Person;
use pingan_shared::records::rental_house::RentalHouse;
use pingan_shared::records::{Record, RecordType};

use crate::office::{self, Edit};
use crate::store::{Author, Scope, Store, StoreError, StoredDocument};

pub use pingan_shared::review::{DuplicateGroup, MergeOutcome, MergeRequest, Registration};

/// Person fields a reviewer may take from a merged-away record.
pub const CHOOSABLE_FIELDS: &[&str] = &[
    "name",
    "sex",
    "birth_date",
    "phone",
    "registered_residence",
    "household_id",
    "floating",
];

#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("{0}")]
    Invalid(String),
    #[error("no person record {0}")]
    NotFound(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Every citizen ID number held by more than one live person record, township-wide.
///
/// Reads every person record; fine for a township (tens of thousands of people, about a
/// second), and the place for an index of ID numbers once a district needs one.
pub async fn groups(store: &Store) -> Result<Vec<DuplicateGroup>, MergeError> {
    let mut by_id: BTreeMap<String, Vec<Registration>> = BTreeMap::new();
    for stored in store.documents_of_type(RecordType::Person.as_str()).await? {
        let Ok(doc) = document::load(&stored.data) else {
            continue;
        };
        let Ok(person) = document::read::<Person>(&doc) else {
            continue;
        };
        if person.merged_into.is_some() {
            continue;
        }
        if let Some(citizen_id) = &person.citizen_id {
            by_id
                .entry(citizen_id.clone())
                .or_default()
                .push(registration(&stored.id, &person));
        }
    }
    Ok(by_id
        .into_iter()
        .filter(|(_, people)| people.len() > 1)
        .map(|(citizen_id, people)| DuplicateGroup { citizen_id, people })
        .collect())
}

/// Merges `request.remove` into `request.keep` in one transaction.
pub async fn merge(
    store: &Store,
    request: &MergeRequest,
    author: &Author<'_>,
) -> Result<MergeOutcome, MergeError> {
    check_request(request)?;
    let today = pingan_shared::statistics::china_date(author.received_at_ms);
    let actor = ActorId::random();
    let mut tx = store.begin_write().await?;

    let ids: Vec<String> = std::iter::once(request.keep.clone())
        .chain(request.remove.iter().cloned())
        .collect();
    let loaded = tx.load_many(&ids).await?;
    let mut people: BTreeMap<String, (StoredDocument, AutoCommit, Person)> = BTreeMap::new();
    for stored in loaded {
        let doc = document::load(&stored.data).map_err(|e| corrupt(&stored.id, e))?;
        let person = document::read::<Person>(&doc)
            .map_err(|_| MergeError::Invalid(format!("record {} is not a person", stored.id)))?;
        people.insert(stored.id.clone(), (stored, doc, person));
    }
    if let Some(missing) = ids.iter().find(|id| !people.contains_key(*id)) {
        return Err(MergeError::NotFound(missing.clone()));
    }
    let kept_person = people[&request.keep].2.clone();
    for id in &ids {
        let person = &people[id].2;
        if person.merged_into.is_some() {
            return Err(MergeError::Invalid(format!(
                "record {id} was already merged into another record"
            )));
        }
        if person.citizen_id.is_none() || person.citizen_id != kept_person.citizen_id {
            return Err(MergeError::Invalid(format!(
                "record {id}: citizen_id differs from the kept record's; only registrations of \
                 the same ID number are merged"
            )));
        }
    }
    let others: BTreeMap<&str, &Person> = request
        .remove
        .iter()
        .map(|id| (id.as_str(), &people[id].2))
        .collect();
    let merged = combine(&kept_person, &others, &request.take)?;

    // Every write of this merge, as (stored row, document with the new change).
    let mut writes: Vec<Edit> = Vec::new();
    for id in &ids {
        let (stored, mut doc, person) = people.remove(id).expect("loaded above");
        let before = doc.get_heads();
        doc.set_actor(actor.clone());
        let updated = if id == &request.keep {
            merged.clone()
        } else {
            Person {
                merged_into: Some(request.keep.clone()),
                ..person
            }
        };
        document::update(&mut doc, &updated);
        check_valid(id, &doc, today)?;
        writes.push(Edit {
            stored,
            doc,
            before,
        });
    }

    // Records that may name a merged-away person: households, rental houses and disputes of
    // the villages involved (a person is registered where they live).
    let villages: BTreeSet<String> = writes.iter().map(|e| e.stored.village.clone()).collect();
    let scope = Scope::Villages(villages.into_iter().collect());
    let removed: BTreeSet<&str> = request.remove.iter().map(String::as_str).collect();
    let mut referring = Vec::new();
    let mut after_id = String::new();
    loop {
        let page = store.documents_page(&after_id, &scope, 1_000).await?;
        let Some(last) = page.last() else { break };
        after_id = last.id.clone();
        for stored in page {
            if let Ok(doc) = document::load(&stored.data)
                && refers_to(&doc, &stored.record_type, &removed)
            {
                referring.push(stored.id);
            }
        }
    }
    let mut redirected = Vec::new();
    for stored in tx.load_many(&referring).await? {
        let mut doc = document::load(&stored.data).map_err(|e| corrupt(&stored.id, e))?;
        let before = doc.get_heads();
        doc.set_actor(actor.clone());
        if redirect(&mut doc, &stored.record_type, &removed, &request.keep) {
            check_valid(&stored.id, &doc, today)?;
            redirected.push(stored.id.clone());
            writes.push(Edit {
                stored,
                doc,
                before,
            });
        }
    }

    office::save_edits(&mut tx, writes, &actor, author).await?;
    tx.commit().await?;
    Ok(MergeOutcome {
        kept: request.keep.clone(),
        merged: request.remove.clone(),
        redirected,
    })
}

fn check_request(request: &MergeRequest) -> Result<(), MergeError> {
    if request.remove.is_empty() {
        return Err(MergeError::Invalid(format!(
            "record {}: name at least one record to merge into it",
            request.keep
        )));
    }
    if request.remove.contains(&request.keep) {
        return Err(MergeError::Invalid(format!(
            "record {} cannot be merged into itself",
            request.keep
        )));
    }
    for (field, source) in &request.take {
        if !CHOOSABLE_FIELDS.contains(&field.as_str()) {
            return Err(MergeError::Invalid(format!(
                "record {}: field {field:?} cannot be taken from another record (choose from {})",
                request.keep,
                CHOOSABLE_FIELDS.join(", ")
            )));
        }
        if !request.remove.contains(source) {
            return Err(MergeError::Invalid(format!(
                "record {}: field {field:?} is taken from {source}, which is not being merged",
                request.keep
            )));
        }
    }
    Ok(())
}

/// The kept person with each chosen field taken from the record named for it.
fn combine(
    kept: &Person,
    others: &BTreeMap<&str, &Person>,
    take: &BTreeMap<String, String>,
) -> Result<Person, MergeError> {
    let mut merged = kept.clone();
    for (field, source) in take {
        let from = others
            .get(source.as_str())
            .ok_or_else(|| MergeError::Invalid(format!("record {source} is not being merged")))?;
        match field.as_str() {
            "name" => merged.name = from.name.clone(),
            "sex" => merged.sex = from.sex,
            "birth_date" => merged.birth_date = from.birth_date.clone(),
            "phone" => merged.phone = from.phone.clone(),
            "registered_residence" => {
                merged.registered_residence = from.registered_residence.clone()
            }
            "household_id" => merged.household_id = from.household_id.clone(),
            "floating" => merged.floating = from.floating.clone(),
            other => {
                return Err(MergeError::Invalid(format!(
                    "field {other:?} cannot be taken from another record"
                )));
            }
        }
    }
    Ok(merged)
}

/// Whether a household, rental house or dispute names one of `removed`.
fn refers_to(doc: &AutoCommit, record_type: &str, removed: &BTreeSet<&str>) -> bool {
    fn read<R: Record + RefersToPeople>(doc: &AutoCommit, removed: &BTreeSet<&str>) -> bool {
        document::read::<R>(doc).is_ok_and(|record| record.refers_to(removed))
    }
    match record_type {
        "household" => read::<Household>(doc, removed),
        "rental_house" => read::<RentalHouse>(doc, removed),
        "dispute" => read::<Dispute>(doc, removed),
        _ => false,
    }
}

/// Points references to `removed` at `keep` (`links::RefersToPeople`); true if anything
/// changed.
fn redirect(doc: &mut AutoCommit, record_type: &str, removed: &BTreeSet<&str>, keep: &str) -> bool {
    match record_type {
        "household" => edit::<Household>(doc, removed, keep),
        "rental_house" => edit::<RentalHouse>(doc, removed, keep),
        "dispute" => edit::<Dispute>(doc, removed, keep),
        _ => false,
    }
}

fn edit<R: Record + RefersToPeople>(
    doc: &mut AutoCommit,
    removed: &BTreeSet<&str>,
    keep: &str,
) -> bool {
    let Ok(mut record) = document::read::<R>(doc) else {
        return false;
    };
    let changed = record.redirect(removed, keep);
    if changed {
        document::update(doc, &record);
    }
    changed
}

fn registration(id: &str, person: &Person) -> Registration {
    Registration {
        document_id: id.to_owned(),
        village: person.village.clone(),
        name: person.name.clone(),
        // Starred like every list the office reads over shoulders: enough to tell two numbers
        // apart, and a merge names the record to take a field from, never the value.
        phone: person
            .phone
            .as_deref()
            .map(pingan_shared::privacy::mask_phone),
        household_id: person.household_id.clone(),
        floating: person.floating.is_some(),
        created_by: person.created_by.clone(),
        created_at_ms: person.created_at_ms,
    }
}

fn check_valid(
    id: &str,
    doc: &AutoCommit,
    today: pingan_shared::validation::Date,
) -> Result<(), MergeError> {
    match document::validate(doc, today) {
        Ok(_) => Ok(()),
        Err(Invalid::Fields(errors)) => Err(MergeError::Invalid(format!(
            "record {id} would be invalid after the merge: {}",
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        ))),
        Err(Invalid::Document(error)) => Err(corrupt(id, error)),
    }
}

fn corrupt(id: &str, error: document::DocumentError) -> MergeError {
    MergeError::Store(StoreError::Corrupt(format!(
        "record {id} does not load: {error}"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pingan_shared::records::Authorship;

    fn by() -> Authorship {
        Authorship {
            village: "xingfu".into(),
            created_by: "worker01".into(),
            created_at_ms: 1_700_000_000_000,
        }
    }

    #[test]
    fn only_listed_fields_can_be_taken_and_only_from_merged_records() {
        let request = |take: &[(&str, &str)]| MergeRequest {
            keep: "kept".into(),
            remove: vec!["dup".into()],
            take: take
                .iter()
                .map(|(f, s)| ((*f).to_owned(), (*s).to_owned()))
                .collect(),
        };
        assert!(check_request(&request(&[("phone", "dup")])).is_ok());
        let error = check_request(&request(&[("citizen_id", "dup")])).unwrap_err();
        assert!(error.to_string().contains("\"citizen_id\""));
        let error = check_request(&request(&[("phone", "elsewhere")])).unwrap_err();
        assert!(error.to_string().contains("elsewhere"));
        let itself = MergeRequest {
            remove: vec!["kept".into()],
            ..request(&[])
        };
        assert!(check_request(&itself).is_err());
    }

    #[test]
    fn the_kept_record_takes_the_chosen_fields() {
        let mut kept = Person::new(&by(), "王五");
        kept.phone = Some("13800000000".into());
        let mut other = Person::new(&by(), "王伍");
        other.phone = Some("13900000000".into());
        other.registered_residence = Some("河南省".into());
        let others: BTreeMap<&str, &Person> = [("dup", &other)].into();
        let take: BTreeMap<String, String> = [("phone".to_owned(), "dup".to_owned())].into();
        let merged = combine(&kept, &others, &take).unwrap();
        assert_eq!(merged.phone.as_deref(), Some("13900000000"));
        assert_eq!(merged.name, "王五", "fields not chosen stay as kept");
        assert_eq!(merged.registered_residence, None);
    }
}
