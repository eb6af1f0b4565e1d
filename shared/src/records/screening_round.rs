//! A screening round (排查): one sitting of the screening the township runs at every level —
//! each village weekly, the township half-monthly, the monthly meeting, and the mediation
//! centre's half-monthly check of key persons, matters and units. A round that finds nothing
//! is still recorded, as a zero report (零报告): the ledger must show the round was held.

use autosurgeon::{Hydrate, Reconcile};

use super::shape::{Field, Shape, list, optional, required};
use super::vocabulary::{FindingKind, ScreeningKind};
use super::{Authorship, RecordType, check_header, check_names, check_reference, finish};
use crate::document::Plain;
use crate::validation::{Date, FieldError, check_past_date, required_text};

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct ScreeningRound {
    #[autosurgeon(rename = "type")]
    pub record_type: String,
    pub schema_version: u64,
    pub village: String,
    pub created_by: String,
    pub created_at_ms: i64,
    pub kind: ScreeningKind,
    /// `YYYY-MM-DD`. The week it counts for is derived ([`ScreeningRound::week`]), so the
    /// two can never disagree.
    pub held_on: String,
    /// Names of those who screened.
    #[autosurgeon(missing = "Default::default")]
    pub screeners: Vec<String>,
    /// 零报告: the round found nothing. Stated, not inferred from an empty list, so a round
    /// saved before its findings were typed in is not counted as a zero report.
    pub zero_report: bool,
    #[autosurgeon(missing = "Default::default")]
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Finding {
    pub summary: String,
    pub kind: FindingKind,
    /// The dispute record registered from this finding, once there is one.
    #[autosurgeon(missing = "Default::default")]
    pub dispute_id: Option<String>,
}

impl ScreeningRound {
    pub const SCHEMA_VERSION: u64 = 1;
    pub const SHAPE: &'static [Field] = SHAPE;

    /// A zero report until findings are added.
    pub fn new(by: &Authorship, kind: ScreeningKind, held_on: &str) -> Self {
        Self {
            record_type: RecordType::ScreeningRound.as_str().to_owned(),
            schema_version: Self::SCHEMA_VERSION,
            village: by.village.clone(),
            created_by: by.created_by.clone(),
            created_at_ms: by.created_at_ms,
            kind,
            held_on: held_on.trim().to_owned(),
            screeners: Vec::new(),
            zero_report: true,
            findings: Vec::new(),
        }
    }

    /// The ISO 8601 week `(year, week)` the round was held in; `None` while `held_on` is not
    /// a date (the record does not validate).
    pub fn week(&self) -> Option<(i32, u32)> {
        Date::parse(&self.held_on).ok().map(|d| d.iso_week())
    }

    /// The round as its document's root fields ([`document::create_plain`]), for a zero
    /// report, the only round the phone writes: what a round finds is registered as its own
    /// record (decision 36). `None` for a round with findings, which autosurgeon writes.
    pub fn plain(&self) -> Option<Vec<(&'static str, Plain<'_>)>> {
        self.findings.is_empty().then(|| {
            vec![
                ("type", Plain::Str(&self.record_type)),
                ("schema_version", Plain::Uint(self.schema_version)),
                ("village", Plain::Str(&self.village)),
                ("created_by", Plain::Str(&self.created_by)),
                ("created_at_ms", Plain::Int(self.created_at_ms)),
                ("kind", Plain::Str(self.kind.as_str())),
                ("held_on", Plain::Str(&self.held_on)),
                ("screeners", Plain::Strs(&self.screeners)),
                ("zero_report", Plain::Bool(self.zero_report)),
                ("findings", Plain::Strs(&[])),
            ]
        })
    }

    pub fn validate(&self, today: Date) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        check_header(
            &mut errors,
            RecordType::ScreeningRound,
            &self.record_type,
            (self.schema_version, Self::SCHEMA_VERSION),
            &self.village,
            &self.created_by,
        );
        check_past_date(&mut errors, "held_on", "排查日期", &self.held_on, today);
        check_names(&mut errors, "screeners", "排查人员", &self.screeners);
        if self.zero_report && !self.findings.is_empty() {
            errors.push(FieldError::new(
                "zero_report",
                "已登记排查发现的，不能报零报告",
                &crate::en!("zero_report is set but the round has findings"),
            ));
        } else if !self.zero_report && self.findings.is_empty() {
            errors.push(FieldError::new(
                "zero_report",
                "未发现问题的请报零报告，或登记排查发现",
                &crate::en!("a round without findings must be a zero_report"),
            ));
        }
        for (i, finding) in self.findings.iter().enumerate() {
            required_text(
                &mut errors,
                &format!("findings[{i}].summary"),
                "排查发现",
                &finding.summary,
                500,
            );
            if let Some(id) = &finding.dispute_id {
                check_reference(
                    &mut errors,
                    &format!("findings[{i}].dispute_id"),
                    "登记的矛盾纠纷",
                    id,
                );
            }
        }
        finish(errors)
    }
}

/// The document's shape after the header (`super::shape`).
const SHAPE: &[Field] = &[
    required("kind", Shape::OneOf(ScreeningKind::WIRE)),
    required("held_on", Shape::Str),
    list("screeners", &Shape::Str),
    required("zero_report", Shape::Bool),
    list("findings", &Shape::Map(FINDING_SHAPE)),
];

const FINDING_SHAPE: &[Field] = &[
    required("summary", Shape::Str),
    required("kind", Shape::OneOf(FindingKind::WIRE)),
    optional("dispute_id", Shape::Str),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document;
    use crate::records::shape::agreement::assert_shape_agrees;
    use crate::records::testing::{by, fields, id, today};

    fn round() -> ScreeningRound {
        let mut r = ScreeningRound::new(&by(), ScreeningKind::VillageWeekly, "2022-10-17");
        r.screeners = vec!["王建国".into(), "李梅".into()];
        r
    }

    fn finding(kind: FindingKind) -> Finding {
        Finding {
            summary: "3组两户因宅基地界址争执".into(),
            kind,
            dispute_id: Some(id(7)),
        }
    }

    #[test]
    fn a_zero_report_with_its_screeners_is_valid() {
        assert_eq!(round().validate(today()), Ok(()));
    }

    #[test]
    fn a_round_with_findings_is_valid_once_it_is_no_zero_report() {
        let mut r = round();
        r.findings = vec![finding(FindingKind::Dispute), finding(FindingKind::Hazard)];
        r.zero_report = false;
        assert_eq!(r.validate(today()), Ok(()));
    }

    #[test]
    fn a_zero_report_cannot_have_findings() {
        let mut r = round();
        r.findings.push(finding(FindingKind::KeyPerson));
        assert_eq!(fields(r.validate(today())), ["zero_report"]);
    }

    #[test]
    fn a_round_that_found_nothing_must_say_so() {
        let mut r = round();
        r.zero_report = false;
        assert_eq!(fields(r.validate(today())), ["zero_report"]);
    }

    #[test]
    fn a_round_needs_someone_who_screened() {
        let mut r = round();
        r.screeners.clear();
        assert_eq!(fields(r.validate(today())), ["screeners"]);
        r.screeners = vec!["王建国".into(), " ".into()];
        assert_eq!(fields(r.validate(today())), ["screeners[1]"]);
    }

    #[test]
    fn a_round_cannot_be_held_tomorrow() {
        let mut r = round();
        r.held_on = "2023-01-01".into();
        assert_eq!(fields(r.validate(today())), ["held_on"]);
    }

    #[test]
    fn each_finding_says_what_was_found_and_links_a_real_record_id() {
        let mut r = round();
        r.zero_report = false;
        r.findings = vec![finding(FindingKind::Dispute), finding(FindingKind::KeyUnit)];
        r.findings[0].summary = String::new();
        r.findings[1].dispute_id = Some("纠纷12号".into());
        let found = fields(r.validate(today()));
        assert_eq!(found, ["findings[0].summary", "findings[1].dispute_id"]);
    }

    #[test]
    fn the_week_is_the_iso_week_of_the_day_it_was_held() {
        let mut r = round();
        assert_eq!(r.week(), Some((2022, 42)));
        r.held_on = "2021-01-03".into();
        assert_eq!(r.week(), Some((2020, 53)));
        r.held_on = "2022-13-01".into();
        assert_eq!(r.week(), None);
    }

    #[test]
    fn the_header_is_checked_against_the_wire_name() {
        let mut r = round();
        r.record_type = "dispute".into();
        r.schema_version = 2;
        assert_eq!(fields(r.validate(today())), ["type", "schema_version"]);
    }
    #[test]
    fn a_zero_report_written_plain_is_the_document_autosurgeon_writes() {
        let r = round();
        let actor = automerge::ActorId::random();
        let plain = document::create_plain(actor.clone(), &r.plain().unwrap());
        let reconciled = document::create(actor, &r);
        let root = |doc: &automerge::AutoCommit| {
            automerge::ReadDoc::hydrate(doc, automerge::ROOT, None).unwrap()
        };
        assert_eq!(root(&plain), root(&reconciled));
        assert_eq!(document::read::<ScreeningRound>(&plain), Ok(r));
    }

    #[test]
    fn a_round_with_findings_is_not_written_plain() {
        let mut r = round();
        r.findings = vec![finding(FindingKind::Dispute)];
        assert_eq!(r.plain(), None);
    }

    #[test]
    fn the_shape_agrees_with_autosurgeon() {
        let mut r = round();
        r.findings = vec![finding(FindingKind::Dispute)];
        r.zero_report = false;
        assert_shape_agrees(&r, SHAPE);
    }
}
