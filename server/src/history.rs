//! A record's history, read from its feed entries: who changed which fields when, the record
//! as it was at any entry, and what changed since the version a reviewer approved. Pure: feed
//! entries in, findings out; the caller reads the entries from the store.
//!
//! Fields are named by path in the record as stored (`address`, `members[1].name`,
//! `security_contact.phone`), the names `docs/data-model.md` uses. A list is compared by
//! position, so removing a household member shows as changes to the members after it. A field
//! with concurrent values (a conflict) reads as the list of them.

use std::collections::BTreeMap;

use automerge::{AutoCommit, AutoSerde, ChangeHash};
use pingan_shared::document::{self, DocumentError};
use serde_json::Value;

pub use pingan_shared::review::{Attribution, FieldChange, Step};

/// One feed entry of the document: what one upload changed, with who sent it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub seq: u64,
    pub username: String,
    pub device_id: String,
    pub received_at_ms: i64,
    /// Encoded Automerge changes in causal order.
    pub changes: Vec<Vec<u8>>,
}

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("stored changes do not decode: {0}")]
    Undecodable(#[from] DocumentError),
    #[error("stored changes do not apply: {0}")]
    Unapplicable(#[from] automerge::AutomergeError),
    #[error("heads {0} are not in this record's history")]
    UnknownHeads(String),
}

/// Every entry with the fields it changed, oldest first.
pub fn history(entries: &[Entry]) -> Result<Vec<Step>, HistoryError> {
    let mut doc = AutoCommit::new();
    let mut before = BTreeMap::new();
    let mut steps = Vec::with_capacity(entries.len());
    for entry in entries {
        apply(&mut doc, entry)?;
        let after = flatten(&doc);
        steps.push(Step {
            by: attribution(entry),
            change_count: entry.changes.len(),
            fields: changed_paths(&before, &after),
        });
        before = after;
    }
    Ok(steps)
}

/// The record as it was once entry `seq` (and every entry before it) had been applied; `None`
/// if no entry has that number.
pub fn record_at(entries: &[Entry], seq: u64) -> Result<Option<Value>, HistoryError> {
    if !entries.iter().any(|e| e.seq == seq) {
        return Ok(None);
    }
    let mut doc = AutoCommit::new();
    for entry in entries.iter().take_while(|e| e.seq <= seq) {
        apply(&mut doc, entry)?;
    }
    Ok(Some(as_json(&doc)))
}

/// The record now, as JSON.
pub fn current(entries: &[Entry]) -> Result<Value, HistoryError> {
    Ok(as_json(&replay(entries)?))
}

/// What differs between the version at `approved` heads and now, field by field, with the
/// entries that made each difference. With no approval every field is new.
pub fn changes_since(
    entries: &[Entry],
    approved: Option<&[ChangeHash]>,
) -> Result<Vec<FieldChange>, HistoryError> {
    let mut doc = match approved {
        Some(heads) => {
            let mut full = replay(entries)?;
            full.fork_at(heads)
                .map_err(|_| HistoryError::UnknownHeads(describe(heads)))?
        }
        None => AutoCommit::new(),
    };
    let base = flatten(&doc);
    let mut touched: BTreeMap<String, Vec<Attribution>> = BTreeMap::new();
    let mut previous = base.clone();
    // Entries already in the approved version apply as no-ops and touch nothing.
    for entry in entries {
        apply(&mut doc, entry)?;
        let now = flatten(&doc);
        for path in changed_paths(&previous, &now) {
            touched.entry(path).or_default().push(attribution(entry));
        }
        previous = now;
    }
    Ok(changed_paths(&base, &previous)
        .into_iter()
        .map(|field| FieldChange {
            before: base.get(&field).cloned(),
            after: previous.get(&field).cloned(),
            changed_by: touched.remove(&field).unwrap_or_default(),
            field,
        })
        .collect())
}

fn replay(entries: &[Entry]) -> Result<AutoCommit, HistoryError> {
    let mut doc = AutoCommit::new();
    for entry in entries {
        apply(&mut doc, entry)?;
    }
    Ok(doc)
}

fn apply(doc: &mut AutoCommit, entry: &Entry) -> Result<(), HistoryError> {
    doc.apply_changes(document::decode_changes(&entry.changes)?)?;
    Ok(())
}

fn attribution(entry: &Entry) -> Attribution {
    Attribution {
        seq: entry.seq,
        username: entry.username.clone(),
        device_id: entry.device_id.clone(),
        device_name: String::new(),
        received_at_ms: entry.received_at_ms,
    }
}

fn as_json(doc: &AutoCommit) -> Value {
    serde_json::to_value(AutoSerde::from(doc)).unwrap_or(Value::Null)
}

/// Every scalar of the record by path. A field with concurrent values shows them all, as a
/// list, so that writing it again to settle the conflict counts as changing it even when the
/// value shown stays the same.
fn flatten(doc: &AutoCommit) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    walk(&as_json(doc), String::new(), &mut out);
    for conflict in crate::conflicts::conflicts(doc, &[]) {
        let values = conflict.values.into_iter().map(|c| c.value).collect();
        out.insert(conflict.field, Value::Array(values));
    }
    out
}

fn walk(value: &Value, path: String, out: &mut BTreeMap<String, Value>) {
    match value {
        Value::Object(fields) => {
            for (key, value) in fields {
                let child = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                walk(value, child, out);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                walk(item, format!("{path}[{index}]"), out);
            }
        }
        scalar => {
            out.insert(path, scalar.clone());
        }
    }
}

fn changed_paths(before: &BTreeMap<String, Value>, after: &BTreeMap<String, Value>) -> Vec<String> {
    let mut paths: Vec<String> = after
        .iter()
        .filter(|(path, value)| before.get(*path) != Some(value))
        .map(|(path, _)| path.clone())
        .collect();
    paths.extend(
        before
            .keys()
            .filter(|path| !after.contains_key(*path))
            .cloned(),
    );
    paths.sort();
    paths
}

fn describe(heads: &[ChangeHash]) -> String {
    heads
        .iter()
        .map(|h| document::hex(&h.0))
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::ActorId;
    use pingan_shared::records::Authorship;
    use pingan_shared::records::household::Household;

    fn household() -> Household {
        let by = Authorship {
            village: "xingfu".into(),
            created_by: "worker01".into(),
            created_at_ms: 1_700_000_000_000,
        };
        Household::new(&by, "3组", "幸福村3组12号", "张建国")
    }

    fn entry(seq: u64, username: &str, changes: Vec<automerge::Change>) -> Entry {
        Entry {
            seq,
            username: username.into(),
            device_id: format!("{username}-phone"),
            received_at_ms: seq as i64 * 1000,
            changes: changes
                .into_iter()
                .map(|c| c.raw_bytes().to_vec())
                .collect(),
        }
    }

    /// worker01 creates the household (entry 1); then, concurrently from the same version,
    /// worker01 changes the address (entry 2) and worker02 the head of household (entry 3).
    fn concurrent_edits() -> (Vec<Entry>, Vec<ChangeHash>) {
        let mut one = document::create(ActorId::random(), &household());
        let created = one.get_changes(&[]).into_iter().collect::<Vec<_>>();
        let approved = one.get_heads();
        let mut two = one.fork().with_actor(ActorId::random());
        document::update(
            &mut one,
            &Household {
                address: "幸福村3组14号".into(),
                ..household()
            },
        );
        document::update(
            &mut two,
            &Household {
                head_of_household: "张立".into(),
                ..household()
            },
        );
        let entries = vec![
            entry(1, "worker01", created),
            entry(2, "worker01", one.get_changes(&approved)),
            entry(3, "worker02", two.get_changes(&approved)),
        ];
        (entries, approved)
    }

    #[test]
    fn the_diff_since_approval_names_each_changed_field_and_who_changed_it() {
        let (entries, approved) = concurrent_edits();
        let diff = changes_since(&entries, Some(&approved)).unwrap();
        let fields: Vec<&str> = diff.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["address", "head_of_household"]);
        assert_eq!(diff[0].before, Some(Value::from("幸福村3组12号")));
        assert_eq!(diff[0].after, Some(Value::from("幸福村3组14号")));
        assert_eq!(diff[0].changed_by.len(), 1);
        assert_eq!(diff[0].changed_by[0].username, "worker01");
        assert_eq!(diff[0].changed_by[0].device_id, "worker01-phone");
        assert_eq!(diff[1].after, Some(Value::from("张立")));
        assert_eq!(diff[1].changed_by[0].username, "worker02");
        assert_eq!(diff[1].changed_by[0].seq, 3);
    }

    #[test]
    fn nothing_changed_since_approving_the_current_version() {
        let (entries, _) = concurrent_edits();
        let mut now = replay(&entries).unwrap();
        let heads = now.get_heads();
        assert!(changes_since(&entries, Some(&heads)).unwrap().is_empty());
    }

    #[test]
    fn a_never_approved_record_shows_every_field_as_new() {
        let (entries, _) = concurrent_edits();
        let diff = changes_since(&entries, None).unwrap();
        let address = diff.iter().find(|c| c.field == "address").unwrap();
        assert_eq!(address.before, None);
        assert_eq!(address.changed_by[0].seq, 1);
    }

    #[test]
    fn history_lists_each_entry_with_the_fields_it_touched() {
        let (entries, _) = concurrent_edits();
        let steps = history(&entries).unwrap();
        assert_eq!(steps.len(), 3);
        assert!(steps[0].fields.contains(&"head_of_household".to_owned()));
        assert_eq!(steps[1].fields, ["address"]);
        assert_eq!(steps[2].fields, ["head_of_household"]);
        assert_eq!(steps[2].by.username, "worker02");
    }

    #[test]
    fn the_record_can_be_viewed_as_it_was_at_any_entry() {
        let (entries, _) = concurrent_edits();
        let first = record_at(&entries, 1).unwrap().unwrap();
        assert_eq!(first["address"], "幸福村3组12号");
        assert_eq!(first["head_of_household"], "张建国");
        let second = record_at(&entries, 2).unwrap().unwrap();
        assert_eq!(second["address"], "幸福村3组14号");
        assert_eq!(second["head_of_household"], "张建国");
        assert_eq!(record_at(&entries, 99).unwrap(), None);
    }

    #[test]
    fn heads_from_another_record_are_refused_by_name() {
        let (entries, _) = concurrent_edits();
        let stranger = ChangeHash([9; 32]);
        let error = changes_since(&entries, Some(&[stranger])).unwrap_err();
        assert!(matches!(error, HistoryError::UnknownHeads(ref h) if h.starts_with("0909")));
    }
}
