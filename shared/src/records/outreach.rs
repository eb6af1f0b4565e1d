//! An outreach visit (下访/走访): township or village cadres go to a village, visit households
//! and collect the problems people raise; each problem is resolved on the spot, waits on a
//! higher department, or is pending.

use autosurgeon::{Hydrate, Reconcile};

use super::shape::{Field, Shape, list, optional, required};
use super::vocabulary::ProblemOutcome;
use super::{Authorship, Record, RecordType, check_header, finish};
use crate::validation::{Date, FieldError, check_date, required_text};

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct OutreachVisit {
    #[autosurgeon(rename = "type")]
    pub record_type: String,
    pub schema_version: u64,
    pub village: String,
    pub created_by: String,
    pub created_at_ms: i64,
    /// `YYYY-MM-DD`.
    pub visited_on: String,
    /// Names of those who went (班子成员, 包村干部).
    #[autosurgeon(missing = "Default::default")]
    pub visitors: Vec<String>,
    /// Household record ids visited.
    #[autosurgeon(missing = "Default::default")]
    pub household_ids: Vec<String>,
    #[autosurgeon(missing = "Default::default")]
    pub problems: Vec<RaisedProblem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct RaisedProblem {
    /// What was raised, in the resident's terms.
    pub summary: String,
    /// The kind of problem (惠农政策, 道路, 征地补偿, …), for the "N 类 N 件" count.
    pub category: String,
    pub outcome: ProblemOutcome,
    /// For `waiting_on_department`: which department.
    #[autosurgeon(missing = "Default::default")]
    pub department: Option<String>,
}

impl OutreachVisit {
    pub fn new(by: &Authorship, visited_on: &str) -> Self {
        Self {
            record_type: Self::TYPE.as_str().to_owned(),
            schema_version: Self::SCHEMA_VERSION,
            village: by.village.clone(),
            created_by: by.created_by.clone(),
            created_at_ms: by.created_at_ms,
            visited_on: visited_on.to_owned(),
            visitors: Vec::new(),
            household_ids: Vec::new(),
            problems: Vec::new(),
        }
    }
}

/// The document's shape after the header (`super::shape`).
const SHAPE: &[Field] = &[
    required("visited_on", Shape::Str),
    list("visitors", &Shape::Str),
    list("household_ids", &Shape::Str),
    list("problems", &Shape::Map(PROBLEM_SHAPE)),
];

const PROBLEM_SHAPE: &[Field] = &[
    required("summary", Shape::Str),
    required("category", Shape::Str),
    required("outcome", Shape::OneOf(ProblemOutcome::WIRE)),
    optional("department", Shape::Str),
];

impl Record for OutreachVisit {
    const TYPE: RecordType = RecordType::OutreachVisit;
    const SCHEMA_VERSION: u64 = 1;
    const SHAPE: &'static [Field] = SHAPE;

    fn village(&self) -> &str {
        &self.village
    }

    fn validate(&self, today: Date) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        check_header(
            &mut errors,
            Self::TYPE,
            &self.record_type,
            (self.schema_version, Self::SCHEMA_VERSION),
            &self.village,
            &self.created_by,
        );
        if check_date(&mut errors, "visited_on", "走访日期", &self.visited_on)
            .is_some_and(|d| d > today)
        {
            errors.push(FieldError::new(
                "visited_on",
                "走访日期不能晚于今天",
                &crate::en!("visited_on is in the future"),
            ));
        }
        if self.visitors.iter().all(|v| v.trim().is_empty()) {
            errors.push(FieldError::required("visitors", "走访人员"));
        }
        for (i, problem) in self.problems.iter().enumerate() {
            required_text(
                &mut errors,
                &format!("problems[{i}].summary"),
                "问题内容",
                &problem.summary,
                500,
            );
            required_text(
                &mut errors,
                &format!("problems[{i}].category"),
                "问题类别",
                &problem.category,
                20,
            );
            if problem.outcome == ProblemOutcome::WaitingOnDepartment
                && problem
                    .department
                    .as_deref()
                    .is_none_or(|d| d.trim().is_empty())
            {
                errors.push(FieldError::new(
                    &format!("problems[{i}].department"),
                    "待上级部门协调的问题须写明部门",
                    &crate::en!("department is required when waiting on a department"),
                ));
            }
        }
        finish(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visit() -> OutreachVisit {
        let by = Authorship {
            village: "xingfu".into(),
            created_by: "leader1".into(),
            created_at_ms: 0,
        };
        let mut visit = OutreachVisit::new(&by, "2022-06-15");
        visit.visitors = vec!["镇长".into()];
        visit
    }

    fn today() -> Date {
        Date::new(2022, 12, 31).unwrap()
    }

    #[test]
    fn a_visit_needs_someone_who_went() {
        let mut v = visit();
        v.visitors.clear();
        assert_eq!(v.validate(today()).unwrap_err()[0].field, "visitors");
    }

    #[test]
    fn a_problem_waiting_on_a_department_must_name_it() {
        let mut v = visit();
        v.problems.push(RaisedProblem {
            summary: "农田灌溉渠堵塞".into(),
            category: "水利".into(),
            outcome: ProblemOutcome::WaitingOnDepartment,
            department: None,
        });
        assert_eq!(
            v.validate(today()).unwrap_err()[0].field,
            "problems[0].department"
        );
        v.problems[0].department = Some("区水利局".into());
        assert_eq!(v.validate(today()), Ok(()));
    }
}
