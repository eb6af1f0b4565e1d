//! A patrol (巡防): one turn of the township's full-time patrol team or a village's volunteer
//! patrol over an area, who went, when, and what they found and dealt with. The report
//! counts the teams' work ("专职巡防队…做了大量的工作") and the villages' patrol networks.

use autosurgeon::{Hydrate, Reconcile};

use super::household::ADDRESS_MAX_CHARS;
use super::shape::{Field, Shape, list, optional, required};
use super::vocabulary::PatrolTeam;
use super::{Authorship, RecordType, check_header, check_names, finish};
use crate::validation::{
    Date, FieldError, check_optional_time, check_past_date, optional_text, required_text,
};

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Patrol {
    #[autosurgeon(rename = "type")]
    pub record_type: String,
    pub schema_version: u64,
    pub village: String,
    pub created_by: String,
    pub created_at_ms: i64,
    /// `YYYY-MM-DD`.
    pub patrolled_on: String,
    pub team: PatrolTeam,
    /// Where they went ("集镇街道", "园区周边", "3组至5组").
    pub area: String,
    /// Names of the patrollers.
    #[autosurgeon(missing = "Default::default")]
    pub members: Vec<String>,
    /// `HH:MM`, 24-hour. Optional: a volunteer's log often has the day only.
    #[autosurgeon(missing = "Default::default")]
    pub start_time: Option<String>,
    #[autosurgeon(missing = "Default::default")]
    pub end_time: Option<String>,
    /// What they saw, in their words.
    #[autosurgeon(missing = "Default::default")]
    pub findings: Option<String>,
    /// Problems they dealt with on the round, for the ledger's count.
    pub incidents: u32,
}

impl Patrol {
    pub const SCHEMA_VERSION: u64 = 1;
    pub const SHAPE: &'static [Field] = SHAPE;

    pub fn new(by: &Authorship, patrolled_on: &str, team: PatrolTeam, area: &str) -> Self {
        Self {
            record_type: RecordType::Patrol.as_str().to_owned(),
            schema_version: Self::SCHEMA_VERSION,
            village: by.village.clone(),
            created_by: by.created_by.clone(),
            created_at_ms: by.created_at_ms,
            patrolled_on: patrolled_on.trim().to_owned(),
            team,
            area: area.trim().to_owned(),
            members: Vec::new(),
            start_time: None,
            end_time: None,
            findings: None,
            incidents: 0,
        }
    }

    pub fn validate(&self, today: Date) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        check_header(
            &mut errors,
            RecordType::Patrol,
            &self.record_type,
            (self.schema_version, Self::SCHEMA_VERSION),
            &self.village,
            &self.created_by,
        );
        check_past_date(
            &mut errors,
            "patrolled_on",
            "巡防日期",
            &self.patrolled_on,
            today,
        );
        required_text(
            &mut errors,
            "area",
            "巡防区域",
            &self.area,
            ADDRESS_MAX_CHARS,
        );
        check_names(&mut errors, "members", "巡防队员", &self.members);
        let start = check_optional_time(
            &mut errors,
            "start_time",
            "开始时间",
            self.start_time.as_deref(),
        );
        let end = check_optional_time(
            &mut errors,
            "end_time",
            "结束时间",
            self.end_time.as_deref(),
        );
        // A round past midnight is logged as two patrols, one per day, so the ledger's days
        // hold what was done on them.
        if let (Some(start), Some(end)) = (start, end)
            && end <= start
        {
            errors.push(FieldError::new(
                "end_time",
                "结束时间应晚于开始时间",
                &crate::en!("end_time must be after start_time"),
            ));
        }
        optional_text(
            &mut errors,
            "findings",
            "巡防情况",
            self.findings.as_deref(),
            500,
        );
        finish(errors)
    }
}

/// The document's shape after the header (`super::shape`).
const SHAPE: &[Field] = &[
    required("patrolled_on", Shape::Str),
    required("team", Shape::OneOf(PatrolTeam::WIRE)),
    required("area", Shape::Str),
    list("members", &Shape::Str),
    optional("start_time", Shape::Str),
    optional("end_time", Shape::Str),
    optional("findings", Shape::Str),
    required("incidents", Shape::Uint),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::shape::agreement::assert_shape_agrees;
    use crate::records::testing::{by, fields, today};

    fn patrol() -> Patrol {
        let mut p = Patrol::new(&by(), "2022-06-03", PatrolTeam::FullTime, "集镇街道");
        p.members = vec!["赵刚".into(), "孙磊".into()];
        p
    }

    #[test]
    fn a_patrol_with_its_members_is_valid() {
        let mut p = patrol();
        assert_eq!(p.validate(today()), Ok(()));
        p.start_time = Some("20:00".into());
        p.end_time = Some("23:30".into());
        p.findings = Some("龙舟赛场周边秩序正常".into());
        p.incidents = 2;
        assert_eq!(p.validate(today()), Ok(()));
    }

    #[test]
    fn a_patrol_needs_its_members() {
        let mut p = patrol();
        p.members.clear();
        assert_eq!(fields(p.validate(today())), ["members"]);
    }

    #[test]
    fn a_patrol_needs_an_area() {
        let mut p = patrol();
        p.area = " ".into();
        assert_eq!(fields(p.validate(today())), ["area"]);
    }

    #[test]
    fn a_patrol_cannot_be_logged_for_tomorrow() {
        let mut p = patrol();
        p.patrolled_on = "2023-01-01".into();
        assert_eq!(fields(p.validate(today())), ["patrolled_on"]);
    }

    #[test]
    fn times_are_written_hh_mm() {
        let mut p = patrol();
        p.start_time = Some("8:00".into());
        p.end_time = Some("晚上十点".into());
        assert_eq!(fields(p.validate(today())), ["start_time", "end_time"]);
    }

    #[test]
    fn a_patrol_ends_after_it_starts() {
        let mut p = patrol();
        p.start_time = Some("22:00".into());
        p.end_time = Some("02:00".into());
        assert_eq!(fields(p.validate(today())), ["end_time"]);
        p.end_time = Some("22:00".into());
        assert_eq!(fields(p.validate(today())), ["end_time"]);
    }

    #[test]
    fn findings_are_bounded() {
        let mut p = patrol();
        p.findings = Some("巡".repeat(501));
        assert_eq!(fields(p.validate(today())), ["findings"]);
    }
    #[test]
    fn the_shape_agrees_with_autosurgeon() {
        let mut p = patrol();
        p.start_time = Some("20:00".into());
        p.end_time = Some("23:30".into());
        p.findings = Some("秩序正常".into());
        assert_shape_agrees(&p, SHAPE);
    }
}
