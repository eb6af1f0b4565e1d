//! What a person reads for what the records store: field paths in the words of the forms
//! (`members[1].name` → 成员2·姓名), stored vocabulary values as their labels (`spouse` →
//! 配偶), and moments in China time. One table for the office's screens, its ledgers and
//! anything else that shows a record to a clerk, so no screen invents its own words.
//!
//! Values that need the township's data (a village id's name, a referenced record's name)
//! are looked up by the caller; [`Reading`] says which lookup a field needs.

use crate::records::RecordType;
use crate::records::vocabulary::{
    AgreementKind, CheckResult, DisputeCategory, DisputeLevel, DisputeSource, DisputeStatus,
    FindingKind, FloatingReason, JointDefenceKind, KeyPersonCategory, LetterKind, MediationResult,
    PatrolTeam, ProblemOutcome, PublicityKind, Relation, Resolution, ScreeningKind, Sex,
    StandardItem,
};
use crate::statistics::china_date;

/// Fields the system keeps for itself (the record's type and data version): never a change a
/// clerk reviews, so the office's diff, history and snapshots leave them out.
pub fn is_bookkeeping(path: &str) -> bool {
    matches!(path, "schema_version" | "type")
}

/// `members[1].name` → `成员2·姓名`; a name the table does not know is shown as it is.
pub fn field_zh(path: &str) -> String {
    path_zh(path, name_zh)
}

/// [`field_zh`] for a field of a record of type `record_type` (its `type`), where a name
/// means something else than elsewhere: a patrol's `members` are 巡防队员, a joint-defence
/// group's `name` is the group's, not a person's.
pub fn field_zh_in(record_type: &str, path: &str) -> String {
    path_zh(path, |name| {
        name_zh_in(record_type, name).unwrap_or_else(|| name_zh(name))
    })
}

fn path_zh<'a>(path: &'a str, name_zh: impl Fn(&'a str) -> &'a str) -> String {
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
            | "merged_into" | "dispute_id",
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
        // The root `kind`s of screening rounds, joint-defence groups and responsibility letters
        // share no value (a test keeps it so), so the value alone says which it is.
        (None, "kind") => ScreeningKind::parse(value)
            .map(ScreeningKind::label_zh)
            .or_else(|| JointDefenceKind::parse(value).map(JointDefenceKind::label_zh))
            .or_else(|| LetterKind::parse(value).map(LetterKind::label_zh)),
        (Some("findings"), "kind") => FindingKind::parse(value).map(FindingKind::label_zh),
        (None, "team") => PatrolTeam::parse(value).map(PatrolTeam::label_zh),
        (None, "kinds") => PublicityKind::parse(value).map(PublicityKind::label_zh),
        (Some("items"), "item") => StandardItem::parse(value).map(StandardItem::label_zh),
        (None, "result") => CheckResult::parse(value).map(CheckResult::label_zh),
        _ => None,
    };
    label.map_or(Reading::Text, Reading::Label)
}

/// [`reading`] for a field of a record of type `record_type`, where the path alone is
/// ambiguous: a key person's `category` shares `other` with a dispute's.
pub fn reading_in(record_type: &str, path: &str, value: &str) -> Reading {
    match (record_type, path) {
        (t, "category") if t == RecordType::KeyPerson.as_str() => {
            KeyPersonCategory::parse(value).map_or(Reading::Text, |c| Reading::Label(c.label_zh()))
        }
        _ => reading(path, value),
    }
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
        "screeners" => "排查人员",
        "zero_report" => "零报告",
        "findings" => "排查发现",
        "dispute_id" => "矛盾纠纷",
        "patrolled_on" => "巡防日期",
        "team" => "巡防队伍",
        "area" => "巡防区域",
        "start_time" => "开始时间",
        "end_time" => "结束时间",
        "incidents" => "处置问题数",
        "leader_name" => "联防组长",
        "leader_phone" => "组长电话",
        "formed_on" => "组建日期",
        "responsible_cadre" => "结对干部",
        "responsible_cadre_username" => "结对干部账号",
        "paired_on" => "结对日期",
        "visits" => "走访记录",
        "situation" => "走访情况",
        "concern" => "发现异常",
        "closed_on" => "撤销管控日期",
        "year" => "年度",
        "title" => "名称",
        "issuer" => "发状单位",
        "signer" => "签状单位",
        "kinds" => "宣传形式",
        "theme" => "宣传主题",
        "materials_handed_out" => "发放资料（份）",
        "slogans_written" => "书写标语（条）",
        "columns_run" => "宣传专栏（期）",
        "place" => "地点",
        "checked_on" => "检查日期",
        "items" => "检查项目",
        "item" => "项目",
        "met" => "达到",
        "rectify_by" => "整改期限",
        "checker" => "检查人",
        "drawn_up_on" => "制定日期",
        "measures" => "应急措施",
        "standby" => "待命人员",
        "leader" => "负责领导",
        "created_by" => "登记人",
        "created_at_ms" => "登记时间",
        "schema_version" => "数据版本",
        "type" => "记录类型",
        other => other,
    }
}

/// The names a record type reads differently from [`name_zh`].
fn name_zh_in(record_type: &str, name: &str) -> Option<&'static str> {
    Some(match (record_type, name) {
        ("screening_round", "kind") => "排查类型",
        ("screening_round", "held_on") => "排查日期",
        ("patrol", "members") => "巡防队员",
        ("patrol", "findings") => "巡防情况",
        ("joint_defence_group", "name") => "联防组名称",
        ("joint_defence_group", "kind") => "联防形式",
        ("joint_defence_group", "household_ids") => "联防户",
        (t, "category") if t == RecordType::KeyPerson.as_str() => "人员类别",
        ("key_person", "by") => "走访人",
        ("responsibility_letter", "kind") => "责任状类型",
        ("responsibility_letter", "title") => "责任状名称",
        ("publicity_activity", "held_on") => "宣传日期",
        ("standardisation_check", "result") => "检查结论",
        ("contingency_plan", "title") => "预案名称",
        ("contingency_plan", "dispute_id") => "所涉矛盾纠纷",
        _ => return None,
    })
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

    #[test]
    fn the_issue_16_records_read_in_the_words_of_their_forms() {
        assert_eq!(field_zh("findings[0].dispute_id"), "排查发现1·矛盾纠纷");
        assert_eq!(field_zh_in("patrol", "members[1]"), "巡防队员2");
        assert_eq!(field_zh_in("joint_defence_group", "name"), "联防组名称");
        assert_eq!(
            field_zh_in("key_person", "visits[0].by"),
            "走访记录1·走访人"
        );
        // Outside the types that read it differently, a name keeps its usual words.
        assert_eq!(field_zh_in("household", "members[0].name"), "成员1·姓名");
        assert_eq!(
            field_zh_in("standardisation_check", "rectify_by"),
            "整改期限"
        );
    }

    #[test]
    fn the_issue_16_vocabularies_read_as_their_labels() {
        assert_eq!(
            reading("kind", "village_weekly"),
            Reading::Label("村（居）周排查")
        );
        assert_eq!(reading("kind", "ten_household"), Reading::Label("十户联防"));
        assert_eq!(
            reading("kind", "dragon_boat"),
            Reading::Label("端午节划龙舟维稳责任状")
        );
        assert_eq!(
            reading("findings[1].kind", "key_unit"),
            Reading::Label("重点单位")
        );
        assert_eq!(
            reading("team", "volunteer"),
            Reading::Label("群众义务巡防队")
        );
        assert_eq!(reading("kinds[0]", "broadcast"), Reading::Label("广播"));
        assert_eq!(
            reading("items[3].item", "volunteer_patrol"),
            Reading::Label("群众义务巡防队")
        );
        assert_eq!(reading("result", "rectify"), Reading::Label("限期整改"));
        assert_eq!(reading("findings[0].dispute_id", "ab"), Reading::Reference);
    }

    #[test]
    fn a_key_persons_category_needs_its_record_type_to_read() {
        assert_eq!(reading("category", "other"), Reading::Label("其他纠纷"));
        assert_eq!(
            reading_in("key_person", "category", "other"),
            Reading::Label("其他")
        );
        assert_eq!(
            reading_in("key_person", "category", "community_correction"),
            Reading::Label("社区矫正对象")
        );
        assert_eq!(
            reading_in("dispute", "category", "other"),
            Reading::Label("其他纠纷")
        );
    }

    #[test]
    fn root_kinds_share_no_value_so_the_value_says_which_vocabulary() {
        let mut seen: Vec<&str> = Vec::new();
        for wire in [
            ScreeningKind::WIRE,
            JointDefenceKind::WIRE,
            LetterKind::WIRE,
        ]
        .concat()
        {
            assert!(!seen.contains(&wire), "{wire}");
            seen.push(wire);
        }
    }

    #[test]
    fn every_field_of_the_issue_16_records_has_a_chinese_name() {
        use crate::records::shape::{Field, Shape};
        use crate::records::*;
        fn check(shape: &[Field]) {
            for field in shape {
                assert_ne!(name_zh(field.key), field.key, "{}", field.key);
                match field.shape {
                    Shape::Map(inner) => check(inner),
                    Shape::List(Shape::Map(inner)) => check(inner),
                    _ => {}
                }
            }
        }
        for shape in [
            screening_round::ScreeningRound::SHAPE,
            patrol::Patrol::SHAPE,
            joint_defence_group::JointDefenceGroup::SHAPE,
            key_person::KeyPerson::SHAPE,
            responsibility_letter::ResponsibilityLetter::SHAPE,
            publicity_activity::PublicityActivity::SHAPE,
            standardisation_check::StandardisationCheck::SHAPE,
            contingency_plan::ContingencyPlan::SHAPE,
        ] {
            check(shape);
        }
    }
}
