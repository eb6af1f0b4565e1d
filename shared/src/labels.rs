//! What a person reads for what the records store: field paths in the words of the forms
//! (`members[1].name` → 成员2·姓名), stored vocabulary values as their labels (`spouse` →
//! 配偶), and moments in China time. One table for the office's screens, its ledgers and
//! anything else that shows a record to a clerk, so no screen invents its own words.
//!
//! Values that need the township's data (a village id's name, a referenced record's name)
//! are looked up by the caller; [`Reading`] says which lookup a field needs.

use crate::records::RecordType;
use crate::records::vocabulary::{
    AgreementKind, DisputeCategory, DisputeLevel, DisputeSource, DisputeStatus, FloatingReason,
    MediationResult, ProblemOutcome, Relation, Resolution, Sex,
};
use crate::statistics::china_date;

/// Fields the system keeps for itself (the record's type and data version): never a change a
/// clerk reviews, so the office's diff, history and snapshots leave them out.
pub fn is_bookkeeping(path: &str) -> bool {
    matches!(path, "schema_version" | "type")
}

/// `members[1].name` → `成员2·姓名`; a name the table does not know is shown as it is.
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

/// How the value at a field path is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// Text as written.
    Text,
    /// A stored vocabulary value, shown as its label.
    Label(&'static str),
    /// A village id: shown as the village's name.
    Village,
    /// The id of another record: shown as that record's name, linking to it.
    Reference,
    /// Milliseconds since 1970: shown as a moment in China time.
    Moment,
}

/// How to show `value` stored at `path` (`mediations[0].result`, `village`, `tenant_ids[2]`).
pub fn reading(path: &str, value: &str) -> Reading {
    let mut names = path
        .split('.')
        .map(|segment| segment.split_once('[').map_or(segment, |(name, _)| name));
    let leaf = names.next_back().unwrap_or_default();
    let parent = names.next_back();
    let label = match (parent, leaf) {
        (_, "village") => return Reading::Village,
        (
            _,
            "person_id" | "household_id" | "rented_house_id" | "tenant_ids" | "household_ids"
            | "merged_into",
        ) => return Reading::Reference,
        (_, "created_at_ms") => return Reading::Moment,
        (None, "type") => RecordType::parse(value).map(RecordType::label_zh),
        (_, "relation") => Relation::parse(value).map(Relation::label_zh),
        (_, "sex") => Sex::parse(value).map(Sex::label_zh),
        (Some("floating"), "reason") => FloatingReason::parse(value).map(FloatingReason::label_zh),
        (None, "category") => DisputeCategory::parse(value).map(DisputeCategory::label_zh),
        (None, "source") => DisputeSource::parse(value).map(DisputeSource::label_zh),
        (None | Some("escalations"), "level" | "from" | "to") => {
            DisputeLevel::parse(value).map(DisputeLevel::label_zh)
        }
        (None, "status") => DisputeStatus::parse(value).map(DisputeStatus::label_zh),
        (Some("mediations"), "result") => {
            MediationResult::parse(value).map(MediationResult::label_zh)
        }
        (Some("agreement"), "kind") => AgreementKind::parse(value).map(AgreementKind::label_zh),
        (Some("closure"), "resolution") => Resolution::parse(value).map(Resolution::label_zh),
        (Some("problems"), "outcome") => ProblemOutcome::parse(value).map(ProblemOutcome::label_zh),
        _ => None,
    };
    label.map_or(Reading::Text, Reading::Label)
}

/// A moment as a clerk writes it, in China time whatever the computer's zone:
/// `2026年11月28日 14:55`.
pub fn china_moment(unix_ms: i64) -> String {
    const CHINA_OFFSET_MS: i64 = 8 * 60 * 60 * 1000;
    let date = china_date(unix_ms);
    let minutes = (unix_ms + CHINA_OFFSET_MS).rem_euclid(86_400_000) / 60_000;
    format!(
        "{}年{}月{}日 {:02}:{:02}",
        date.year(),
        date.month(),
        date.day(),
        minutes / 60,
        minutes % 60
    )
}

/// A `YYYY-MM-DD` date as `2022年3月5日`; anything else as it is.
pub fn date_zh(text: &str) -> String {
    match crate::validation::Date::parse(text) {
        Ok(date) => format!("{}年{}月{}日", date.year(), date.month(), date.day()),
        Err(_) => text.to_owned(),
    }
}

/// What a device is called on the office's screens: the worker's `n`th device (counted by
/// first login), a phone for village workers, a computer for the office.
pub fn device_name(username: &str, role: &str, n: usize) -> String {
    let kind = if role == "worker" { "手机" } else { "电脑" };
    format!("{username} 的{kind} {n}")
}

fn name_zh(name: &str) -> &str {
    match name {
        "address" => "住址",
        "group" => "村民小组",
        "village" => "村（居）",
        "head_of_household" => "户主",
        "members" => "成员",
        "relation" => "与户主关系",
        "person_id" => "人员",
        "security_contact" => "家庭治安联系人",
        "joint_defence_group" => "十户联防小组",
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
        "actions" => "调解经过",
        "escalations" => "上报",
        "from" => "原层级",
        "to" => "上报至",
        "by" => "经办人",
        "agreement" => "协议",
        "closure" => "结案",
        "resolution" => "办结方式",
        "reopenings" => "重新办理",
        "petition_backlog" => "信访积案",
        "held_on" => "日期",
        "mediator" => "调解员",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_record_type_and_data_version_are_bookkeeping_not_fields_to_review() {
        assert!(is_bookkeeping("schema_version"));
        assert!(is_bookkeeping("type"));
        assert!(!is_bookkeeping("address"));
        assert!(!is_bookkeeping("problems[0].type"));
    }

    #[test]
    fn field_paths_read_in_chinese_with_members_counted_from_one() {
        assert_eq!(field_zh("members[1].name"), "成员2·姓名");
        assert_eq!(
            field_zh("security_contact.phone"),
            "家庭治安联系人·联系电话"
        );
        assert_eq!(field_zh("mediations[0].mediator"), "调解1·调解员");
        assert_eq!(field_zh("something_new"), "something_new");
    }

    #[test]
    fn stored_values_read_as_the_words_of_the_forms() {
        assert_eq!(
            reading("members[0].relation", "spouse"),
            Reading::Label("配偶")
        );
        assert_eq!(reading("floating.reason", "work"), Reading::Label("务工"));
        assert_eq!(reading("type", "person"), Reading::Label("人员"));
        assert_eq!(
            reading("mediations[2].result", "partly_agreed"),
            Reading::Label("部分达成")
        );
        assert_eq!(
            reading("escalations[0].to", "township"),
            Reading::Label("镇")
        );
        assert_eq!(
            reading("category", "land_acquisition"),
            Reading::Label("征地拆迁纠纷")
        );
    }

    #[test]
    fn free_text_that_shares_a_name_with_a_vocabulary_stays_text() {
        // A visit problem's category and a closure's result are the worker's own words.
        assert_eq!(reading("problems[0].category", "other"), Reading::Text);
        assert_eq!(reading("closure.result", "agreed"), Reading::Text);
        assert_eq!(reading("summary", "work"), Reading::Text);
    }

    #[test]
    fn villages_references_and_moments_need_their_own_lookup() {
        assert_eq!(reading("village", "v01"), Reading::Village);
        assert_eq!(reading("members[3].person_id", "ab"), Reading::Reference);
        assert_eq!(reading("tenant_ids[0]", "ab"), Reading::Reference);
        assert_eq!(reading("created_at_ms", "1"), Reading::Moment);
    }

    #[test]
    fn moments_are_shown_in_china_time() {
        // 2026-11-28T06:55:00Z is 14:55 in Beijing.
        assert_eq!(china_moment(1_795_848_900_000), "2026年11月28日 14:55");
        // Just before midnight UTC is the next morning in China.
        assert_eq!(china_moment(1_795_823_940_000), "2026年11月28日 07:59");
    }

    #[test]
    fn devices_are_named_by_their_owner_and_order() {
        assert_eq!(device_name("worker01", "worker", 2), "worker01 的手机 2");
        assert_eq!(device_name("reviewer", "reviewer", 1), "reviewer 的电脑 1");
        assert_eq!(date_zh("2022-03-05"), "2022年3月5日");
    }
}
