//! Pure: the server's bounds on what a record document may hold, beyond its shape and rules
//! (`docs/data-model.md`, "Limits"; `pingan_shared::records::limits`).
//!
//! A document may hold only the keys its record names, every string and list within its
//! bound, and only what the office may write where only the office writes. The costly part
//! of a hostile upload is applying it, so the sizes that bound that are checked on the
//! encoded changes before anything is applied ([`upload_size`]); the walk over the merged
//! document ([`errors`]) runs before it is read into a record struct, so an unbounded value
//! is never materialised twice.

use automerge::{AutoCommit, Change, ObjId, ObjType, ReadDoc, ScalarValue, Value};
use pingan_shared::records::limits::{
    self, EARLIEST_CREATED_AT_MS, MAX_CLOCK_AHEAD_MS, MAX_OPS_PER_DOCUMENT_UPLOAD,
    MAX_UPLOAD_BYTES_PER_DOCUMENT,
};
use pingan_shared::records::shape::{Field, HEADER, Shape};
use pingan_shared::records::{
    Record, RecordType, contingency_plan, dispute, household, joint_defence_group, key_person,
    outreach, patrol, person, publicity_activity, rental_house, responsibility_letter,
    screening_round, standardisation_check,
};
use pingan_shared::validation::FieldError;

/// Why the changes sent for one document are refused unapplied, if they are.
pub fn upload_size(changes: &[Change]) -> Result<(), String> {
    let bytes: usize = changes.iter().map(|c| c.raw_bytes().len()).sum();
    if bytes > MAX_UPLOAD_BYTES_PER_DOCUMENT {
        return Err(format!(
            "the changes sent for this document are {bytes} bytes; at most {MAX_UPLOAD_BYTES_PER_DOCUMENT} are accepted per upload"
        ));
    }
    let ops: usize = changes.iter().map(Change::len).sum();
    if ops > MAX_OPS_PER_DOCUMENT_UPLOAD {
        return Err(format!(
            "the changes sent for this document hold {ops} operations; at most {MAX_OPS_PER_DOCUMENT_UPLOAD} are accepted per upload"
        ));
    }
    Ok(())
}

/// Why the changes use operations no Pingan record is written with, if they do: rich-text
/// marks, counters and increments. Refused before they reach Automerge, whose mark index
/// panicked inside a destructor on a crafted change found by fuzzing — a panic during
/// unwinding that aborts the whole server (`tests/fuzz-crashers/merge_changes/`). Called
/// once [`upload_size`] has bounded what decoding the operations costs.
pub fn foreign_operations(changes: &[Change]) -> Result<(), String> {
    use automerge::legacy::OpType;
    for (index, change) in changes.iter().enumerate() {
        let foreign = change
            .decode()
            .operations
            .iter()
            .find_map(|op| match &op.action {
                OpType::MarkBegin(_) | OpType::MarkEnd(_) => Some("a rich-text mark"),
                OpType::Increment(_) | OpType::Put(ScalarValue::Counter(_)) => Some("a counter"),
                OpType::Make(_) | OpType::Delete | OpType::Put(_) => None,
            });
        if let Some(what) = foreign {
            return Err(format!(
                "change {index} holds {what}, which no Pingan record uses"
            ));
        }
    }
    Ok(())
}

/// The record's fields after the header.
pub fn shape_of(record_type: RecordType) -> &'static [Field] {
    match record_type {
        RecordType::Household => household::Household::SHAPE,
        RecordType::Person => person::Person::SHAPE,
        RecordType::RentalHouse => rental_house::RentalHouse::SHAPE,
        RecordType::Dispute => dispute::Dispute::SHAPE,
        RecordType::OutreachVisit => outreach::OutreachVisit::SHAPE,
        RecordType::ScreeningRound => screening_round::ScreeningRound::SHAPE,
        RecordType::Patrol => patrol::Patrol::SHAPE,
        RecordType::JointDefenceGroup => joint_defence_group::JointDefenceGroup::SHAPE,
        RecordType::KeyPerson => key_person::KeyPerson::SHAPE,
        RecordType::ResponsibilityLetter => responsibility_letter::ResponsibilityLetter::SHAPE,
        RecordType::PublicityActivity => publicity_activity::PublicityActivity::SHAPE,
        RecordType::StandardisationCheck => standardisation_check::StandardisationCheck::SHAPE,
        RecordType::ContingencyPlan => contingency_plan::ContingencyPlan::SHAPE,
    }
}

/// Every key the record does not name, every string and list over its bound, in document
/// order. Values of the wrong kind are left to the shape check, which names them.
pub fn errors(doc: &AutoCommit, record_type: RecordType) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let root: Vec<Field> = HEADER
        .iter()
        .chain(shape_of(record_type))
        .copied()
        .collect();
    check_map(doc, &automerge::ROOT, "", "", &root, &mut errors);
    errors
}

/// `path` names the value for the worker (`members[3].name`); `rule` is the path with list
/// indexes left out, under which the limits are listed (`members.name`).
fn check_map(
    doc: &AutoCommit,
    obj: &ObjId,
    path: &str,
    rule: &str,
    fields: &[Field],
    errors: &mut Vec<FieldError>,
) {
    let join = |prefix: &str, key: &str| {
        if prefix.is_empty() {
            key.to_owned()
        } else {
            format!("{prefix}.{key}")
        }
    };
    for key in doc.keys(obj) {
        let key_path = join(path, &key);
        let Some(field) = fields.iter().find(|f| f.key == key) else {
            let shown: String = key.chars().take(40).collect();
            errors.push(FieldError::new(
                &join(path, &shown),
                &format!("记录含有数据模型中没有的项 {shown}"),
                &format!("{}: not a field of this record", join(path, &shown)),
            ));
            continue;
        };
        // Every value of a conflicted key is stored, not only the one shown.
        for (value, id) in doc.get_all(obj, key.as_str()).unwrap_or_default() {
            check_value(
                doc,
                &value,
                &id,
                &key_path,
                &join(rule, &key),
                field.shape,
                errors,
            );
        }
    }
}

fn check_value(
    doc: &AutoCommit,
    value: &Value<'_>,
    id: &ObjId,
    path: &str,
    rule: &str,
    shape: Shape,
    errors: &mut Vec<FieldError>,
) {
    match (shape, value) {
        (_, Value::Scalar(scalar)) => {
            if let ScalarValue::Str(text) = scalar.as_ref() {
                let max = limits::max_chars(rule);
                if text.chars().count() > max {
                    errors.push(FieldError::new(
                        path,
                        &format!("{path} 不能超过{max}个字"),
                        &format!("{path} must be at most {max} characters"),
                    ));
                }
            }
        }
        (Shape::List(item), Value::Object(ObjType::List)) => {
            let length = doc.length(id);
            let max = limits::max_items(rule);
            if length > max {
                errors.push(FieldError::new(
                    path,
                    &format!("{path} 不能超过{max}项"),
                    &format!("{path} must hold at most {max} items, not {length}"),
                ));
                return;
            }
            for index in 0..length {
                for (element, element_id) in doc.get_all(id, index).unwrap_or_default() {
                    let path = format!("{path}[{index}]");
                    check_value(doc, &element, &element_id, &path, rule, *item, errors);
                }
            }
        }
        (Shape::Map(fields), Value::Object(ObjType::Map | ObjType::Table)) => {
            check_map(doc, id, path, rule, fields, errors)
        }
        // An object of the wrong kind: the shape check names it. A Text object is bounded
        // like a string, since the upload's size already bounds what reading it costs.
        (_, Value::Object(_)) => {}
    }
}

/// The fields only the township office writes, as the document holds them: what a sync
/// upload must leave as it found them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeFields {
    record_type: Option<String>,
    merged_into: Option<String>,
}

pub fn office_fields(doc: &AutoCommit) -> OfficeFields {
    let text = |key: &str| match doc.get(automerge::ROOT, key) {
        Ok(Some((Value::Scalar(scalar), _))) => match scalar.as_ref() {
            ScalarValue::Str(value) => Some(value.to_string()),
            _ => None,
        },
        _ => None,
    };
    OfficeFields {
        record_type: text("type"),
        merged_into: text("merged_into"),
    }
}

/// A device's upload may not change a record's `type`, nor set, change or clear
/// `merged_into`: only the office's duplicate merge writes it (`docs/review.md`). A new
/// record is compared with one that holds neither.
pub fn office_field_errors(before: Option<&OfficeFields>, after: &OfficeFields) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if let Some(before) = before
        && before.record_type != after.record_type
    {
        errors.push(FieldError::new(
            "type",
            "记录类型不能更改，请重新登记",
            "type cannot change once a record exists; register a new record instead",
        ));
    }
    let merged_before = before.and_then(|b| b.merged_into.as_deref());
    if merged_before != after.merged_into.as_deref() {
        errors.push(FieldError::new(
            "merged_into",
            "“已合并到”只能由镇综治办合并重复人员时填写",
            "merged_into is set only by the township office's duplicate merge; leave it as it was",
        ));
    }
    errors
}

/// `created_at_ms` between 2000-01-01 and a year past the server's clock.
pub fn clock_errors(doc: &AutoCommit, now_ms: i64) -> Vec<FieldError> {
    let created = match doc.get(automerge::ROOT, "created_at_ms") {
        Ok(Some((Value::Scalar(scalar), _))) => match scalar.as_ref() {
            ScalarValue::Int(ms) => *ms,
            _ => return Vec::new(),
        },
        _ => return Vec::new(),
    };
    if (EARLIEST_CREATED_AT_MS..=now_ms.saturating_add(MAX_CLOCK_AHEAD_MS)).contains(&created) {
        return Vec::new();
    }
    vec![FieldError::new(
        "created_at_ms",
        "手机的日期时间不对，请把手机时间调准后重新登记",
        &format!(
            "created_at_ms {created} is not a plausible time: it must be after 2000-01-01 and at most a year past the server's clock ({now_ms})"
        ),
    )]
}
