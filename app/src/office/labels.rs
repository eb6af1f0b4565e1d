//! Chinese names for what the review API sends in English: record types, field paths
//! (`members[1].name` → 成员2·姓名) and values, so a reviewer reads the diff in the words of
//! the forms the workers filled in.

use pingan_shared::records::RecordType;
use pingan_shared::records::vocabulary::{DisputeLevel, DisputeStatus};
use serde_json::Value;

pub fn record_type_zh(record_type: &str) -> &'static str {
    RecordType::parse(record_type).map_or("记录", RecordType::label_zh)
}

pub fn status_zh(status: &str) -> &'static str {
    DisputeStatus::parse(status).map_or("未知", DisputeStatus::label_zh)
}

pub fn level_zh(level: &str) -> &'static str {
    DisputeLevel::parse(level).map_or("未知", DisputeLevel::label_zh)
}

/// `members[1].name` → `成员2·姓名`; an unknown name is shown as it is.
pub fn field_zh(path: &str) -> String {
    path.split('.')
        .map(|segment| match segment.split_once('[') {
            Some((name, index)) => {
                let n = index
                    .trim_end_matches(']')
                    .parse::<usize>()
                    .map_or(0, |i| i + 1);
                format!("{}{n}", name_zh(name))
            }
            None => name_zh(segment).to_owned(),
        })
        .collect::<Vec<_>>()
        .join("·")
}

fn name_zh(name: &str) -> &str {
    match name {
        "address" => "住址",
        "group" => "村民小组",
        "village" => "村",
        "head_of_household" => "户主",
        "members" => "成员",
        "relation" => "与户主关系",
        "person_id" => "人员",
        "security_contact" => "家庭治安联系人",
        "joint_defence_group" => "联防小组",
        "name" => "姓名",
        "phone" => "联系电话",
        "citizen_id" => "公民身份号码",
        "sex" => "性别",
        "birth_date" => "出生日期",
        "household_id" => "所在户",
        "registered_residence" => "户籍地",
        "floating" => "流动人口信息",
        "origin" => "来源地",
        "arrival_date" => "来本地日期",
        "departure_date" => "离开日期",
        "reason" => "事由",
        "employer" => "工作单位",
        "residence_permit_number" => "居住证号",
        "rented_house_id" => "租住房屋",
        "merged_into" => "已合并至",
        "landlord_name" => "房东",
        "landlord_phone" => "房东电话",
        "rooms" => "出租间数",
        "tenant_ids" => "租户",
        "responsibility_letter_signed_on" => "责任书签订日期",
        "last_safety_check_on" => "最近安全检查",
        "summary" => "简要情况",
        "category" => "类别",
        "source" => "来源",
        "registered_on" => "登记日期",
        "parties" => "当事人",
        "level" => "调处层级",
        "status" => "状态",
        "deadline" => "办结期限",
        "responsible_leader" => "包案领导",
        "mediations" => "调解",
        "escalations" => "上报",
        "agreement" => "协议",
        "closure" => "结案",
        "reopenings" => "重新办理",
        "petition_backlog" => "信访积案",
        "held_on" => "日期",
        "mediator" => "调解人",
        "result" => "结果",
        "signed_on" => "签订日期",
        "kind" => "类型",
        "on" => "日期",
        "visited_on" => "走访日期",
        "visitors" => "走访人",
        "household_ids" => "走访户",
        "problems" => "问题",
        "outcome" => "处理结果",
        "department" => "承办部门",
        "created_by" => "登记人",
        "created_at_ms" => "登记时间",
        "schema_version" => "数据版本",
        "type" => "记录类型",
        other => other,
    }
}

/// A value as a reviewer reads it: text as written, nothing as a dash, the rest as JSON.
pub fn value_text(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => "—".to_owned(),
        Some(Value::String(text)) if text.is_empty() => "（空）".to_owned(),
        Some(Value::String(text)) => text.clone(),
        Some(Value::Bool(true)) => "是".to_owned(),
        Some(Value::Bool(false)) => "否".to_owned(),
        Some(other) => other.to_string(),
    }
}

/// Every leaf of a record as (field path, text), in document order, for showing a whole
/// record as it was at some point of its history.
pub fn flatten(record: &Value) -> Vec<(String, String)> {
    fn walk(value: &Value, path: String, out: &mut Vec<(String, String)>) {
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
            leaf => out.push((path, value_text(Some(leaf)))),
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
    fn field_paths_read_in_chinese_with_members_counted_from_one() {
        assert_eq!(field_zh("members[1].name"), "成员2·姓名");
        assert_eq!(
            field_zh("security_contact.phone"),
            "家庭治安联系人·联系电话"
        );
        assert_eq!(field_zh("address"), "住址");
        assert_eq!(field_zh("something_new"), "something_new");
    }

    #[test]
    fn values_read_as_text() {
        assert_eq!(value_text(Some(&Value::from("新民村"))), "新民村");
        assert_eq!(value_text(None), "—");
        assert_eq!(value_text(Some(&Value::Bool(true))), "是");
        assert_eq!(value_text(Some(&serde_json::json!(3))), "3");
    }

    #[test]
    fn a_record_flattens_to_its_leaves_with_paths() {
        let record = serde_json::json!({
            "address": "新民村7组8号",
            "members": [{ "name": "欧阳德明" }],
            "security_contact": null,
        });
        assert_eq!(
            flatten(&record),
            [
                ("address".to_owned(), "新民村7组8号".to_owned()),
                ("members[0].name".to_owned(), "欧阳德明".to_owned()),
                ("security_contact".to_owned(), "—".to_owned()),
            ]
        );
    }
}
