//! The shape of a record document — which keys it holds and what kind of Automerge value each
//! is — checked key by key, so a refused upload names every wrongly shaped field at once.
//!
//! autosurgeon reads a document into a record struct and stops at the first value of the
//! wrong kind without saying where it was; a client in another language needs the field. So
//! when reading fails, the server walks the document against the record's [`Record::SHAPE`]
//! (declared beside each struct) and reports each mismatch as a [`FieldError`] with its path
//! (`members[0].relation`, the same form the validation rules use).
//!
//! The rules mirror autosurgeon's: a string is a scalar string, never a `Text` object; a
//! `uint` only an unsigned integer and an `int` only a signed one; `null` only where a field
//! is optional; a list may be absent (read as empty) but not `null`; keys not in the shape
//! are ignored here and refused by the server's limits (`server/src/strict.rs`). `tests` checks this against autosurgeon on generated records.
//!
//! [`Record::SHAPE`]: super::Record::SHAPE

use automerge::{AutoCommit, ObjId, ObjType, ReadDoc, ScalarValue, Value};

use crate::validation::FieldError;

/// What one value must be.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// A scalar string (`ScalarValue::Str`), not a `Text` object.
    Str,
    /// An unsigned integer (`ScalarValue::Uint`).
    Uint,
    /// A signed integer (`ScalarValue::Int`).
    Int,
    Bool,
    /// A scalar string from a closed vocabulary.
    OneOf(&'static [&'static str]),
    List(&'static Shape),
    Map(&'static [Field]),
}

/// Whether a key must be there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Present and not `null`.
    Required,
    /// May be absent or `null`.
    Optional,
    /// May be absent (read as empty) but not `null`: lists.
    Defaulted,
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub key: &'static str,
    pub shape: Shape,
    pub presence: Presence,
}

pub const fn required(key: &'static str, shape: Shape) -> Field {
    Field {
        key,
        shape,
        presence: Presence::Required,
    }
}

pub const fn optional(key: &'static str, shape: Shape) -> Field {
    Field {
        key,
        shape,
        presence: Presence::Optional,
    }
}

pub const fn list(key: &'static str, item: &'static Shape) -> Field {
    Field {
        key,
        shape: Shape::List(item),
        presence: Presence::Defaulted,
    }
}

/// The header every record starts with (`records` module docs).
pub const HEADER: &[Field] = &[
    required("type", Shape::Str),
    required("schema_version", Shape::Uint),
    required("village", Shape::Str),
    required("created_by", Shape::Str),
    required("created_at_ms", Shape::Int),
];

/// Every key of the header and of `record` whose value has the wrong shape, in document
/// order; empty when the document has the shape of the record.
pub fn errors(doc: &AutoCommit, record: &[Field]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for fields in [HEADER, record] {
        check_map(doc, &automerge::ROOT, "", fields, &mut errors);
    }
    errors
}

fn check_map(
    doc: &AutoCommit,
    obj: &ObjId,
    prefix: &str,
    fields: &[Field],
    errors: &mut Vec<FieldError>,
) {
    for field in fields {
        let path = if prefix.is_empty() {
            field.key.to_owned()
        } else {
            format!("{prefix}.{}", field.key)
        };
        match doc.get(obj, field.key).ok().flatten() {
            None if field.presence == Presence::Required => errors.push(FieldError::new(
                &path,
                &format!("记录缺少必填项 {path}"),
                &crate::en!("{path}: missing; it is required"),
            )),
            None => {}
            Some((Value::Scalar(scalar), _))
                if matches!(scalar.as_ref(), ScalarValue::Null)
                    && field.presence == Presence::Optional => {}
            Some((value, id)) => check_value(doc, &value, &id, &path, field.shape, errors),
        }
    }
}

fn check_value(
    doc: &AutoCommit,
    value: &Value<'_>,
    id: &ObjId,
    path: &str,
    shape: Shape,
    errors: &mut Vec<FieldError>,
) {
    let scalar = match value {
        Value::Scalar(scalar) => Some(scalar.as_ref()),
        Value::Object(_) => None,
    };
    match (shape, scalar, value) {
        (Shape::Str, Some(ScalarValue::Str(_)), _)
        | (Shape::Uint, Some(ScalarValue::Uint(_)), _)
        | (Shape::Int, Some(ScalarValue::Int(_)), _)
        | (Shape::Bool, Some(ScalarValue::Boolean(_)), _) => {}
        (Shape::OneOf(allowed), Some(ScalarValue::Str(found)), _) => {
            if !allowed.contains(&found.as_str()) {
                errors.push(FieldError::new(
                    path,
                    &format!("{path} 的取值“{found}”不在规定的选项中"),
                    &crate::en!("{path}: \"{found}\" is not one of {}", allowed.join(", ")),
                ));
            }
        }
        (Shape::List(item), _, Value::Object(ObjType::List)) => {
            for index in 0..doc.length(id) {
                if let Ok(Some((element, element_id))) = doc.get(id, index) {
                    let path = format!("{path}[{index}]");
                    check_value(doc, &element, &element_id, &path, *item, errors);
                }
            }
        }
        (Shape::Map(fields), _, Value::Object(ObjType::Map | ObjType::Table)) => {
            check_map(doc, id, path, fields, errors)
        }
        _ => {
            let (expected_en, expected_zh) = expected(shape);
            let (found_en, found_zh) = found(value);
            errors.push(FieldError::new(
                path,
                &format!("{path} 格式不对：应为{expected_zh}，实际为{found_zh}"),
                &crate::en!("{path}: expected {expected_en}, found {found_en}"),
            ));
        }
    }
}

fn expected(shape: Shape) -> (&'static str, &'static str) {
    match shape {
        Shape::Str => ("a string", "字符串"),
        Shape::Uint => ("an unsigned integer (uint)", "非负整数"),
        Shape::Int => ("a signed integer (int)", "整数"),
        Shape::Bool => ("a boolean", "是/否"),
        Shape::OneOf(_) => ("a string from the field's list of values", "规定选项之一"),
        Shape::List(_) => ("a list", "列表"),
        Shape::Map(_) => ("a map", "一组字段"),
    }
}

fn found(value: &Value<'_>) -> (&'static str, &'static str) {
    match value {
        Value::Object(ObjType::Text) => ("a Text object", "文本对象（Text）"),
        Value::Object(ObjType::List) => ("a list", "列表"),
        Value::Object(ObjType::Map | ObjType::Table) => ("a map", "一组字段"),
        Value::Scalar(scalar) => match scalar.as_ref() {
            ScalarValue::Str(_) => ("a string", "字符串"),
            ScalarValue::Uint(_) => ("an unsigned integer (uint)", "非负整数（uint）"),
            ScalarValue::Int(_) => ("a signed integer (int)", "整数（int）"),
            ScalarValue::F64(_) => ("a floating-point number", "小数"),
            ScalarValue::Boolean(_) => ("a boolean", "是/否"),
            ScalarValue::Null => ("null", "空值"),
            ScalarValue::Bytes(_) => ("bytes", "字节"),
            ScalarValue::Counter(_) => ("a counter", "计数器"),
            ScalarValue::Timestamp(_) => ("a timestamp", "时间戳"),
            ScalarValue::Unknown { .. } => ("a value of unknown type", "未知类型的值"),
        },
    }
}

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable;
    use automerge::{ActorId, Prop};

    use super::agreement::every_value;
    use super::*;
    use crate::document;
    use crate::generator::{TownshipSpec, generate};
    use crate::records::Record;
    use crate::records::household::Household;

    fn household_doc() -> AutoCommit {
        let township = generate(&TownshipSpec::demo());
        let (_, household) = township
            .households
            .iter()
            .find(|(_, h)| h.members.len() >= 2 && h.security_contact.is_some())
            .expect("the demo township has a household with members and a contact")
            .clone();
        document::create(ActorId::from([1u8; 16].as_slice()), &household)
    }

    fn object(doc: &AutoCommit, obj: &ObjId, prop: impl Into<Prop>) -> ObjId {
        doc.get(obj, prop).unwrap().unwrap().1
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn a_well_formed_household_has_no_shape_errors() {
        assert_eq!(errors(&household_doc(), Household::SHAPE), vec![]);
    }

    #[test]
    fn text_where_a_string_belongs_is_named() {
        let mut doc = household_doc();
        let text = doc
            .put_object(automerge::ROOT, "address", ObjType::Text)
            .unwrap();
        doc.splice_text(&text, 0, 0, "幸福村").unwrap();
        let errors = errors(&doc, Household::SHAPE);
        assert_eq!(fields(&errors), ["address"]);
        assert_eq!(
            errors[0].message_en,
            "address: expected a string, found a Text object"
        );
    }

    #[test]
    fn an_int_where_a_uint_belongs_is_named() {
        let mut doc = household_doc();
        doc.put(automerge::ROOT, "schema_version", 1i64).unwrap();
        let errors = errors(&doc, Household::SHAPE);
        assert_eq!(fields(&errors), ["schema_version"]);
        assert!(
            errors[0]
                .message_en
                .contains("expected an unsigned integer")
        );
    }

    #[test]
    fn an_unknown_enumeration_value_is_named_with_its_path() {
        let mut doc = household_doc();
        let members = object(&doc, &automerge::ROOT, "members");
        let second = object(&doc, &members, 1);
        doc.put(&second, "relation", "cousin").unwrap();
        let errors = errors(&doc, Household::SHAPE);
        assert_eq!(fields(&errors), ["members[1].relation"]);
        assert!(
            errors[0]
                .message_en
                .contains("\"cousin\" is not one of head")
        );
    }

    #[test]
    fn a_missing_nested_key_is_named() {
        let mut doc = household_doc();
        let contact = object(&doc, &automerge::ROOT, "security_contact");
        doc.delete(&contact, "phone").unwrap();
        let errors = errors(&doc, Household::SHAPE);
        assert_eq!(fields(&errors), ["security_contact.phone"]);
        assert!(errors[0].message_en.ends_with("missing; it is required"));
    }

    #[test]
    fn every_wrong_field_is_named_not_only_the_first() {
        let mut doc = household_doc();
        doc.put(automerge::ROOT, "group", 3u64).unwrap();
        let members = object(&doc, &automerge::ROOT, "members");
        let first = object(&doc, &members, 0);
        doc.put(&first, "name", automerge::ScalarValue::Null)
            .unwrap();
        doc.delete(automerge::ROOT, "created_by").unwrap();
        let errors = errors(&doc, Household::SHAPE);
        assert_eq!(fields(&errors), ["created_by", "group", "members[0].name"]);
    }

    #[test]
    fn optional_fields_may_be_null_or_absent_and_lists_absent() {
        let mut doc = household_doc();
        doc.put(automerge::ROOT, "security_contact", ScalarValue::Null)
            .unwrap();
        doc.delete(automerge::ROOT, "joint_defence_group").ok();
        doc.delete(automerge::ROOT, "members").unwrap();
        assert_eq!(errors(&doc, Household::SHAPE), vec![]);
        doc.put(automerge::ROOT, "members", ScalarValue::Null)
            .unwrap();
        assert_eq!(fields(&errors(&doc, Household::SHAPE)), ["members"]);
    }

    /// Every value autosurgeon reads, in records of every type, is where the shape says:
    /// replacing any one of them with a value no field accepts must fail both readers, and
    /// the shape check must name it; deleting any one must fail both or neither.
    #[test]
    fn the_shapes_agree_with_autosurgeon_on_every_generated_record() {
        let township = generate(&TownshipSpec::demo());
        let actor = || ActorId::from([2u8; 16].as_slice());
        /// Whether autosurgeon reads the document, and what the shape check says of it.
        type Judge = fn(&AutoCommit) -> (bool, Vec<FieldError>);
        let mut docs: Vec<(AutoCommit, Judge)> = Vec::new();
        fn judge<R: Record>(doc: &AutoCommit) -> (bool, Vec<FieldError>) {
            (document::read::<R>(doc).is_ok(), errors(doc, R::SHAPE))
        }
        use crate::records::{
            dispute::Dispute, outreach::OutreachVisit, person::Person, rental_house::RentalHouse,
        };
        // Floating residents too: they hold the optional `floating` map.
        for (_, r) in township.households.iter().take(40) {
            docs.push((document::create(actor(), r), judge::<Household>));
        }
        for (_, r) in township
            .persons
            .iter()
            .filter(|(_, p)| p.floating.is_some())
            .take(20)
        {
            docs.push((document::create(actor(), r), judge::<Person>));
        }
        for (_, r) in township.persons.iter().take(20) {
            docs.push((document::create(actor(), r), judge::<Person>));
        }
        for (_, r) in township.rental_houses.iter().take(20) {
            docs.push((document::create(actor(), r), judge::<RentalHouse>));
        }
        for (_, r) in &township.disputes {
            docs.push((document::create(actor(), r), judge::<Dispute>));
        }
        for (_, r) in &township.outreach_visits {
            docs.push((document::create(actor(), r), judge::<OutreachVisit>));
        }
        let mut checked = 0;
        for (doc, judge) in &docs {
            assert_eq!(judge(doc), (true, vec![]), "a generated record");
            for (obj, prop, path) in every_value(doc) {
                let mut broken = doc.clone();
                match &prop {
                    Prop::Map(key) => broken.put(&obj, key.as_str(), ScalarValue::Timestamp(0)),
                    Prop::Seq(index) => broken.put(&obj, *index, ScalarValue::Timestamp(0)),
                }
                .unwrap();
                let (readable, errors) = judge(&broken);
                assert!(!readable, "{path}: a timestamp is no field's value");
                assert_eq!(fields(&errors), [path.as_str()], "{path}");

                if let Prop::Map(key) = &prop {
                    let mut without = doc.clone();
                    without.delete(&obj, key.as_str()).unwrap();
                    let (readable, errors) = judge(&without);
                    assert_eq!(readable, errors.is_empty(), "deleting {path}: {errors:?}");
                }
                checked += 1;
            }
        }
        assert!(checked > 1_000, "only {checked} values checked");
    }
}

/// The check [`tests`] makes on generated records, for record types the generator does not
/// make yet (the types not yet a `RecordType`): their shape must agree with autosurgeon too.
#[cfg(test)]
pub(crate) mod agreement {
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ObjId, ObjType, Prop, ReadDoc, ScalarValue, Value};
    use autosurgeon::{Hydrate, Reconcile};

    use super::{Field, errors};

    /// `record`, written as a document, reads back unchanged with no shape errors; replacing
    /// any one value with one no field accepts fails both readers and the shape check names
    /// it; deleting any one key fails both or neither. Pass a record with every optional
    /// field and list filled, so that every key is tried.
    pub(crate) fn assert_shape_agrees<T>(record: &T, shape: &'static [Field])
    where
        T: Reconcile + Hydrate + PartialEq + std::fmt::Debug,
    {
        let mut doc = AutoCommit::new();
        autosurgeon::reconcile(&mut doc, record).unwrap();
        let judge = |doc: &AutoCommit| {
            let readable = autosurgeon::hydrate::<_, T>(doc).is_ok();
            let paths: Vec<String> = errors(doc, shape).into_iter().map(|e| e.field).collect();
            (readable, paths)
        };
        assert_eq!(&autosurgeon::hydrate::<_, T>(&doc).unwrap(), record);
        assert_eq!(judge(&doc), (true, vec![]));
        for (obj, prop, path) in every_value(&doc) {
            let mut broken = doc.clone();
            match &prop {
                Prop::Map(key) => broken.put(&obj, key.as_str(), ScalarValue::Timestamp(0)),
                Prop::Seq(index) => broken.put(&obj, *index, ScalarValue::Timestamp(0)),
            }
            .unwrap();
            assert_eq!(judge(&broken), (false, vec![path.clone()]), "{path}");
            if let Prop::Map(key) = &prop {
                let mut without = doc.clone();
                without.delete(&obj, key.as_str()).unwrap();
                let (readable, paths) = judge(&without);
                assert_eq!(readable, paths.is_empty(), "deleting {path}: {paths:?}");
            }
        }
    }

    /// Every value in the document: the object holding it, its key or index, and its path.
    pub(crate) fn every_value(doc: &AutoCommit) -> Vec<(ObjId, Prop, String)> {
        let mut out = Vec::new();
        let mut pending = vec![(automerge::ROOT, String::new())];
        while let Some((obj, prefix)) = pending.pop() {
            let props: Vec<(Prop, String)> = match doc.object_type(&obj).unwrap() {
                ObjType::List => (0..doc.length(&obj))
                    .map(|i| (Prop::Seq(i), format!("{prefix}[{i}]")))
                    .collect(),
                _ => doc
                    .keys(&obj)
                    .map(|key| {
                        let path = if prefix.is_empty() {
                            key.clone()
                        } else {
                            format!("{prefix}.{key}")
                        };
                        (Prop::Map(key), path)
                    })
                    .collect(),
            };
            for (prop, path) in props {
                if let Ok(Some((Value::Object(_), child))) = doc.get(&obj, prop.clone()) {
                    pending.push((child, path.clone()));
                }
                out.push((obj.clone(), prop, path));
            }
        }
        out
    }
}
