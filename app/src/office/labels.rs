//! What the review API sends, as a clerk reads it: record types, field paths and values in
//! the words of the forms (`pingan_shared::labels`, one table for every screen), village ids
//! as names, other records as links by name, moments in China time.

use std::collections::BTreeMap;

use leptos::prelude::*;
use pingan_shared::labels::{Reading, china_moment, reading};
pub use pingan_shared::labels::{field_zh, is_bookkeeping};
use pingan_shared::records::RecordType;
use pingan_shared::records::vocabulary::{DisputeLevel, DisputeStatus};
use pingan_shared::review::RecordRef;
use serde_json::Value;

use super::{Page, open};
use crate::ui::ctx;

pub fn record_type_zh(record_type: &str) -> &'static str {
    RecordType::parse(record_type).map_or("记录", RecordType::label_zh)
}

pub fn status_zh(status: &str) -> &'static str {
    DisputeStatus::parse(status).map_or("未知", DisputeStatus::label_zh)
}

pub fn level_zh(level: &str) -> &'static str {
    DisputeLevel::parse(level).map_or("未知", DisputeLevel::label_zh)
}

/// A value as a reviewer reads it, without lookups: text as written, nothing as a dash, a
/// vocabulary value as its label, a moment in China time; concurrent values (a conflict
/// reads as their list) joined by " / ".
pub fn value_text(field: &str, value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => "—".to_owned(),
        Some(Value::String(text)) if text.is_empty() => "（空）".to_owned(),
        Some(Value::String(text)) => match reading(field, text) {
            Reading::Label(label) => label.to_owned(),
            _ => text.clone(),
        },
        Some(Value::Bool(true)) => "是".to_owned(),
        Some(Value::Bool(false)) => "否".to_owned(),
        Some(Value::Number(n)) => match (reading(field, ""), n.as_i64()) {
            (Reading::Moment, Some(ms)) => china_moment(ms),
            _ => n.to_string(),
        },
        Some(Value::Array(items)) if items.is_empty() => "（无）".to_owned(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| value_text(field, Some(item)))
            .collect::<Vec<_>>()
            .join(" / "),
        Some(Value::Object(fields)) => fields
            .iter()
            .map(|(name, item)| format!("{}：{}", field_zh(name), value_text(name, Some(item))))
            .collect::<Vec<_>>()
            .join("；"),
    }
}

/// The value with the lookups a screen can make: a village by name, another record as a
/// link to its review by the name the server sent (`RecordReview::references`), its id on
/// hover; everything else as [`value_text`].
pub fn value_view(
    field: &str,
    value: Option<&Value>,
    references: &BTreeMap<String, RecordRef>,
) -> AnyView {
    let text = match value {
        Some(Value::String(text)) => text,
        Some(Value::Array(items)) if !items.is_empty() => {
            return items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    view! { {(i > 0).then_some(" / ")} {value_view(field, Some(item), references)} }
                })
                .collect_view()
                .into_any();
        }
        _ => return value_text(field, value).into_any(),
    };
    match reading(field, text) {
        Reading::Village => ctx().village_name(text).into_any(),
        Reading::Reference => {
            let shown = references.get(text).map_or_else(
                || "（本镇已无此记录）".to_owned(),
                |r| {
                    let kind = record_type_zh(&r.record_type);
                    if r.label.is_empty() {
                        kind.to_owned()
                    } else {
                        format!("{kind}：{}", r.label)
                    }
                },
            );
            let go = open(Page::Record(text.clone()));
            view! {
                <a class="ref" href="#" title=text.clone() on:click=move |ev| { ev.prevent_default(); go() }>
                    {shown}
                </a>
            }
            .into_any()
        }
        _ => value_text(field, value).into_any(),
    }
}

/// Every leaf of a record as (field path, value), in document order, for showing a whole
/// record as it was at some point of its history.
pub fn flatten(record: &Value) -> Vec<(String, Value)> {
    fn walk(value: &Value, path: String, out: &mut Vec<(String, Value)>) {
        match value {
            Value::Object(fields) => {
                for (name, value) in fields {
                    let path = if path.is_empty() {
                        name.clone()
                    } else {
                        format!("{path}.{name}")
                    };
                    walk(value, path, out);
                }
            }
            Value::Array(items) if !items.is_empty() => {
                for (i, value) in items.iter().enumerate() {
                    walk(value, format!("{path}[{i}]"), out);
                }
            }
            leaf => out.push((path, leaf.clone())),
        }
    }
    let mut out = Vec::new();
    walk(record, String::new(), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_as_the_words_of_the_forms() {
        assert_eq!(
            value_text("address", Some(&Value::from("新民村"))),
            "新民村"
        );
        assert_eq!(value_text("address", None), "—");
        assert_eq!(
            value_text("petition_backlog", Some(&Value::Bool(true))),
            "是"
        );
        assert_eq!(value_text("rooms", Some(&serde_json::json!(3))), "3");
        assert_eq!(
            value_text("members[0].relation", Some(&Value::from("head"))),
            "户主"
        );
        assert_eq!(
            value_text(
                "created_at_ms",
                Some(&serde_json::json!(1_795_848_900_000_i64))
            ),
            "2026年11月28日 14:55"
        );
        // A conflict reads as its values.
        assert_eq!(
            value_text("address", Some(&serde_json::json!(["4组22号", "4组20号"]))),
            "4组22号 / 4组20号"
        );
    }

    #[test]
    fn a_record_flattens_to_its_leaves_with_paths() {
        let record = serde_json::json!({
            "address": "新民村7组8号",
            "members": [{ "name": "欧阳德明", "relation": "spouse" }],
            "security_contact": null,
        });
        assert_eq!(
            flatten(&record),
            [
                ("address".to_owned(), Value::from("新民村7组8号")),
                ("members[0].name".to_owned(), Value::from("欧阳德明")),
                ("members[0].relation".to_owned(), Value::from("spouse")),
                ("security_contact".to_owned(), Value::Null),
            ]
        );
    }
}
