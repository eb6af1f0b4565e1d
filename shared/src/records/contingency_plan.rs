//! A contingency plan (应急预案) for a key dispute that could turn into trouble: what will be
//! done, who leads and who stands by ("针对重点矛盾纠纷可能引发的不稳定情况，制定和完善了应急
//! 预案。组织相关人员随时待命").

use autosurgeon::{Hydrate, Reconcile};

use super::household::NAME_MAX_CHARS;
use super::shape::{Field, Shape, list, required};
use super::{Authorship, RecordType, check_header, check_names, check_reference, finish};
use crate::validation::{Date, FieldError, check_past_date, required_text};

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct ContingencyPlan {
    #[autosurgeon(rename = "type")]
    pub record_type: String,
    pub schema_version: u64,
    pub village: String,
    pub created_by: String,
    pub created_at_ms: i64,
    /// The dispute record the plan is for.
    pub dispute_id: String,
    pub title: String,
    /// `YYYY-MM-DD`.
    pub drawn_up_on: String,
    /// What will be done if the dispute flares up: who is told, who goes, what is secured.
    pub measures: String,
    /// Names of those on call (随时待命).
    #[autosurgeon(missing = "Default::default")]
    pub standby: Vec<String>,
    /// The leader in charge when the plan is set off.
    pub leader: String,
}

impl ContingencyPlan {
    pub const SCHEMA_VERSION: u64 = 1;
    pub const SHAPE: &'static [Field] = SHAPE;

    pub fn new(
        by: &Authorship,
        dispute_id: &str,
        title: &str,
        drawn_up_on: &str,
        leader: &str,
    ) -> Self {
        Self {
            record_type: RecordType::ContingencyPlan.as_str().to_owned(),
            schema_version: Self::SCHEMA_VERSION,
            village: by.village.clone(),
            created_by: by.created_by.clone(),
            created_at_ms: by.created_at_ms,
            dispute_id: dispute_id.trim().to_owned(),
            title: title.trim().to_owned(),
            drawn_up_on: drawn_up_on.trim().to_owned(),
            measures: String::new(),
            standby: Vec::new(),
            leader: leader.trim().to_owned(),
        }
    }

    pub fn validate(&self, today: Date) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        check_header(
            &mut errors,
            RecordType::ContingencyPlan,
            &self.record_type,
            (self.schema_version, Self::SCHEMA_VERSION),
            &self.village,
            &self.created_by,
        );
        check_reference(&mut errors, "dispute_id", "所涉矛盾纠纷", &self.dispute_id);
        required_text(&mut errors, "title", "预案名称", &self.title, 60);
        check_past_date(
            &mut errors,
            "drawn_up_on",
            "制定日期",
            &self.drawn_up_on,
            today,
        );
        required_text(&mut errors, "measures", "应急措施", &self.measures, 2000);
        check_names(&mut errors, "standby", "待命人员", &self.standby);
        required_text(
            &mut errors,
            "leader",
            "负责领导",
            &self.leader,
            NAME_MAX_CHARS,
        );
        finish(errors)
    }
}

/// The document's shape after the header (`super::shape`).
const SHAPE: &[Field] = &[
    required("dispute_id", Shape::Str),
    required("title", Shape::Str),
    required("drawn_up_on", Shape::Str),
    required("measures", Shape::Str),
    list("standby", &Shape::Str),
    required("leader", Shape::Str),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::shape::agreement::assert_shape_agrees;
    use crate::records::testing::{by, fields, id, today};

    fn plan() -> ContingencyPlan {
        let title = "产业园征地矛盾应急预案";
        let mut p = ContingencyPlan::new(&by(), &id(9), title, "2022-09-01", "分管副书记");
        p.measures = "发现聚集苗头即报镇综治办，调处中心人员半小时内到场疏导".into();
        p.standby = vec!["综治办干事".into(), "派出所民警".into()];
        p
    }

    #[test]
    fn a_plan_with_measures_and_people_on_call_is_valid() {
        assert_eq!(plan().validate(today()), Ok(()));
    }

    #[test]
    fn a_plan_is_for_a_registered_dispute() {
        let mut p = plan();
        p.dispute_id = String::new();
        assert_eq!(fields(p.validate(today())), ["dispute_id"]);
        p.dispute_id = "征地纠纷".into();
        assert_eq!(fields(p.validate(today())), ["dispute_id"]);
    }

    #[test]
    fn a_plan_keeps_someone_on_call() {
        let mut p = plan();
        p.standby.clear();
        assert_eq!(fields(p.validate(today())), ["standby"]);
    }

    #[test]
    fn a_plan_says_what_will_be_done_and_who_leads() {
        let mut p = plan();
        p.title = String::new();
        p.measures = " ".into();
        p.leader = String::new();
        assert_eq!(fields(p.validate(today())), ["title", "measures", "leader"]);
    }

    #[test]
    fn a_plan_cannot_be_drawn_up_tomorrow() {
        let mut p = plan();
        p.drawn_up_on = "2023-01-01".into();
        assert_eq!(fields(p.validate(today())), ["drawn_up_on"]);
    }
    #[test]
    fn the_shape_agrees_with_autosurgeon() {
        assert_shape_agrees(&plan(), SHAPE);
    }
}
