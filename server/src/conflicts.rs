//! Fields where concurrent edits left more than one value. Automerge keeps every concurrent
//! value and shows one of them (deterministically, the same on every replica); the township
//! office sees them all, with who wrote each, and chooses. Pure: documents in, findings or a
//! new change out.
//!
//! Fields are named by the same paths as history and diffs (`address`, `members[1].name`).

use std::collections::BTreeMap;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjId, ObjType, Prop, ReadDoc, ScalarValue, Value};
use serde_json::Value as Json;

use crate::history::{Attribution, Entry};

pub use pingan_shared::review::{Candidate, Conflict};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ResolveError {
    #[error("field {0:?} does not exist in this record")]
    NoSuchField(String),
    #[error("field {0:?} has no concurrent values to choose between")]
    NotConflicted(String),
    #[error("field {field:?} has {count} values; choice {choice} is not one of them")]
    NoSuchChoice {
        field: String,
        choice: usize,
        count: usize,
    },
    #[error("field {0:?}: choosing between whole objects is not supported; edit the record")]
    ObjectChoice(String),
}

/// Every conflicted field in `doc`, in path order. `entries` attribute each value to the upload
/// whose actor wrote it.
pub fn conflicts(doc: &AutoCommit, entries: &[Entry]) -> Vec<Conflict> {
    let authors = authors_by_actor(entries);
    let mut found = Vec::new();
    walk(doc, &automerge::ROOT, String::new(), &authors, &mut found);
    found.sort_by(|a, b| a.field.cmp(&b.field));
    found
}

/// Writes value number `choice` of the conflicted `field` again, as a new change by `doc`'s
/// actor: the new write follows every concurrent one, so all replicas then show it alone.
pub fn resolve(doc: &mut AutoCommit, field: &str, choice: usize) -> Result<(), ResolveError> {
    let (parent, prop) = locate(doc, field)?;
    let values = doc
        .get_all(&parent, prop.clone())
        .map_err(|_| ResolveError::NoSuchField(field.to_owned()))?;
    if values.is_empty() {
        return Err(ResolveError::NoSuchField(field.to_owned()));
    }
    if values.len() < 2 {
        return Err(ResolveError::NotConflicted(field.to_owned()));
    }
    let Some((chosen, _)) = values.get(choice) else {
        return Err(ResolveError::NoSuchChoice {
            field: field.to_owned(),
            choice,
            count: values.len(),
        });
    };
    let Value::Scalar(scalar) = chosen else {
        return Err(ResolveError::ObjectChoice(field.to_owned()));
    };
    let scalar: ScalarValue = scalar.clone().into_owned();
    doc.put(&parent, prop, scalar)
        .map_err(|_| ResolveError::NoSuchField(field.to_owned()))?;
    Ok(())
}

fn walk(
    doc: &AutoCommit,
    obj: &ObjId,
    path: String,
    authors: &BTreeMap<Vec<u8>, Attribution>,
    found: &mut Vec<Conflict>,
) {
    let props: Vec<(Prop, String)> = match doc.object_type(obj) {
        Ok(ObjType::Map) | Ok(ObjType::Table) => doc
            .keys(obj)
            .map(|key| {
                let child = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                (Prop::Map(key), child)
            })
            .collect(),
        Ok(ObjType::List) => (0..doc.length(obj))
            .map(|i| (Prop::Seq(i), format!("{path}[{i}]")))
            .collect(),
        _ => Vec::new(),
    };
    for (prop, child) in props {
        let Ok(values) = doc.get_all(obj, prop) else {
            continue;
        };
        if values.len() > 1 {
            found.push(Conflict {
                field: child.clone(),
                values: values
                    .iter()
                    .map(|(value, id)| Candidate {
                        value: as_json(value),
                        written_by: actor_of(id).and_then(|actor| authors.get(&actor).cloned()),
                    })
                    .collect(),
            });
        }
        if let Some((Value::Object(_), id)) = values.first() {
            walk(doc, id, child, authors, found);
        }
    }
}

fn as_json(value: &Value<'_>) -> Json {
    match value {
        Value::Object(ObjType::List) | Value::Object(ObjType::Text) => Json::Array(Vec::new()),
        Value::Object(_) => Json::Object(Default::default()),
        Value::Scalar(scalar) => match scalar.as_ref() {
            ScalarValue::Str(s) => Json::from(s.to_string()),
            ScalarValue::Int(i) => Json::from(*i),
            ScalarValue::Uint(u) => Json::from(*u),
            ScalarValue::F64(f) => Json::from(*f),
            ScalarValue::Boolean(b) => Json::from(*b),
            ScalarValue::Timestamp(t) => Json::from(*t),
            ScalarValue::Null => Json::Null,
            other => Json::from(other.to_string()),
        },
    }
}

fn actor_of(id: &automerge::ObjId) -> Option<Vec<u8>> {
    match id {
        automerge::ObjId::Id(_, actor, _) => Some(actor.to_bytes().to_vec()),
        automerge::ObjId::Root => None,
    }
}

/// The first upload that carried each actor's changes.
fn authors_by_actor(entries: &[Entry]) -> BTreeMap<Vec<u8>, Attribution> {
    let mut authors = BTreeMap::new();
    for entry in entries {
        let Ok(changes) = pingan_shared::document::decode_changes(&entry.changes) else {
            continue;
        };
        for change in changes {
            authors
                .entry(change.actor_id().to_bytes().to_vec())
                .or_insert_with(|| Attribution {
                    seq: entry.seq,
                    username: entry.username.clone(),
                    device_id: entry.device_id.clone(),
                    device_name: String::new(),
                    received_at_ms: entry.received_at_ms,
                });
        }
    }
    authors
}

/// The object holding `field` and the field's key or index in it.
fn locate(doc: &AutoCommit, field: &str) -> Result<(ObjId, Prop), ResolveError> {
    let missing = || ResolveError::NoSuchField(field.to_owned());
    let segments = parse_path(field).ok_or_else(missing)?;
    let (last, parents) = segments.split_last().ok_or_else(missing)?;
    let mut obj = automerge::ROOT;
    for segment in parents {
        match doc.get(&obj, segment.clone()) {
            Ok(Some((Value::Object(_), id))) => obj = id,
            _ => return Err(missing()),
        }
    }
    Ok((obj, last.clone()))
}

/// `members[1].name` → `members`, `1`, `name`.
fn parse_path(path: &str) -> Option<Vec<Prop>> {
    let mut props = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(at) => part.split_at(at),
            None => (part, ""),
        };
        if key.is_empty() {
            return None;
        }
        props.push(Prop::Map(key.to_owned()));
        while let Some(inner) = rest.strip_prefix('[') {
            let close = inner.find(']')?;
            props.push(Prop::Seq(inner[..close].parse().ok()?));
            rest = &inner[close + 1..];
        }
        if !rest.is_empty() {
            return None;
        }
    }
    Some(props)
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::ActorId;
    use pingan_shared::document;
    use pingan_shared::records::Authorship;
    use pingan_shared::records::household::Household;

    fn household(address: &str) -> Household {
        let by = Authorship {
            village: "xingfu".into(),
            created_by: "worker01".into(),
            created_at_ms: 1_700_000_000_000,
        };
        Household::new(&by, "3组", address, "张建国")
    }

    fn entry(seq: u64, username: &str, changes: Vec<automerge::Change>) -> Entry {
        Entry {
            seq,
            username: username.into(),
            device_id: format!("{username}-phone"),
            received_at_ms: 0,
            changes: changes
                .into_iter()
                .map(|c| c.raw_bytes().to_vec())
                .collect(),
        }
    }

    /// Two workers change the address concurrently from the same version.
    fn conflicted() -> (AutoCommit, Vec<Entry>) {
        let mut one = document::create(ActorId::random(), &household("3组12号"));
        let created = one.get_changes(&[]);
        let base = one.get_heads();
        let mut two = one.fork().with_actor(ActorId::random());
        document::update(&mut one, &household("3组14号"));
        document::update(&mut two, &household("3组16号"));
        let entries = vec![
            entry(1, "worker01", created),
            entry(2, "worker01", one.get_changes(&base)),
            entry(3, "worker02", two.get_changes(&base)),
        ];
        one.merge(&mut two).unwrap();
        (one, entries)
    }

    #[test]
    fn concurrent_values_are_listed_with_who_wrote_each() {
        let (doc, entries) = conflicted();
        let found = conflicts(&doc, &entries);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].field, "address");
        let mut written: Vec<(String, String)> = found[0]
            .values
            .iter()
            .map(|c| {
                (
                    c.value.as_str().unwrap().to_owned(),
                    c.written_by.as_ref().unwrap().username.clone(),
                )
            })
            .collect();
        written.sort();
        assert_eq!(
            written,
            [
                ("3组14号".to_owned(), "worker01".to_owned()),
                ("3组16号".to_owned(), "worker02".to_owned())
            ]
        );
    }

    #[test]
    fn resolving_writes_the_chosen_value_and_leaves_no_conflict() {
        let (mut doc, entries) = conflicted();
        let found = conflicts(&doc, &entries);
        let choice = found[0]
            .values
            .iter()
            .position(|c| c.value == "3组16号")
            .unwrap();
        let before = doc.get_heads();
        let mut office = doc.fork().with_actor(ActorId::random());
        resolve(&mut office, "address", choice).unwrap();
        assert_eq!(office.get_changes(&before).len(), 1, "one new change");
        assert!(conflicts(&office, &entries).is_empty());
        let record: Household = document::read(&office).unwrap();
        assert_eq!(record.address, "3组16号");
    }

    #[test]
    fn bad_resolutions_say_what_is_wrong() {
        let (mut doc, _) = conflicted();
        assert_eq!(
            resolve(&mut doc, "group", 0),
            Err(ResolveError::NotConflicted("group".into()))
        );
        assert_eq!(
            resolve(&mut doc, "nonexistent", 0),
            Err(ResolveError::NoSuchField("nonexistent".into()))
        );
        assert!(matches!(
            resolve(&mut doc, "address", 2),
            Err(ResolveError::NoSuchChoice { count: 2, .. })
        ));
        assert_eq!(
            resolve(&mut doc, "members[", 0),
            Err(ResolveError::NoSuchField("members[".into()))
        );
    }

    #[test]
    fn paths_name_map_keys_and_list_positions() {
        assert_eq!(
            parse_path("members[1].name"),
            Some(vec![
                Prop::Map("members".into()),
                Prop::Seq(1),
                Prop::Map("name".into())
            ])
        );
        assert_eq!(parse_path("a..b"), None);
        assert_eq!(parse_path("a[x]"), None);
    }
}
