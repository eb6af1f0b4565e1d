//! The township's other work (issue 16) in the list index: one index store for its record
//! types, today holding the screening rounds (the only ones the phone shows and creates),
//! summarised straight off the document's root — the phone carries no hydration code for
//! them. The other types' documents are kept and synced, unlisted, until a screen shows them.
//!
//! Pure, like `index`: a summary from a document, and the week's screening from summaries.

use automerge::{AutoCommit, ObjType, ReadDoc, ScalarValue, Value};
use pingan_shared::records::RecordType;
use pingan_shared::records::vocabulary::{DisputeSource, ScreeningKind};
use pingan_shared::statistics::screening::{Found, Held, VillageWeek, Week, week_report};
use serde::{Deserialize, Serialize};

use super::index::{ACTIVITIES, DisputeSummary, Summary, SyncFlags};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActivitySummary {
    pub id: String,
    pub village: String,
    /// The record's `type`, as stored.
    pub record_type: String,
    /// The day it happened (held, patrolled, signed, checked…): `YYYY-MM-DD`.
    pub on: String,
    /// The record's `kind`, as stored, where it has one (a screening round's).
    pub kind: String,
    /// A screening round that found nothing (零报告).
    pub zero_report: bool,
    /// A screening round's findings.
    pub findings: usize,
    pub created_at_ms: i64,
    pub synced: bool,
    pub unsynced: Option<u8>,
    pub needs_correction: Option<String>,
}

impl Summary for ActivitySummary {
    const STORE: &'static str = ACTIVITIES;
    fn id(&self) -> &str {
        &self.id
    }
    fn flags(&self) -> SyncFlags {
        SyncFlags {
            synced: self.synced,
            needs_correction: self.needs_correction.clone(),
        }
    }
    fn set_flags(&mut self, flags: SyncFlags) {
        self.synced = flags.synced;
        self.unsynced = (!flags.synced).then_some(1);
        self.needs_correction = flags.needs_correction;
    }
}

crate::packed!(ActivitySummary {
    id,
    village,
    record_type,
    on,
    kind,
    zero_report,
    findings,
    created_at_ms,
    synced,
    unsynced,
    needs_correction
});

/// Each of `villages`' screening in `week` (`statistics::screening`), read from the list
/// index: the office's 周报 and the phone's reminder read the week alike.
pub fn screening_week(
    rounds: &[ActivitySummary],
    disputes: &[DisputeSummary],
    villages: &[String],
    week: Week,
) -> Vec<VillageWeek> {
    let held = rounds
        .iter()
        .filter(|r| r.record_type == RecordType::ScreeningRound.as_str())
        .map(|r| Held {
            village: &r.village,
            held_on: &r.on,
            weekly: r.kind == ScreeningKind::VillageWeekly.as_str(),
            zero_report: r.zero_report,
            findings: r.findings,
        });
    let found = disputes
        .iter()
        .filter(|d| d.source == DisputeSource::Screening.as_str())
        .map(|d| Found {
            village: &d.village,
            registered_on: &d.registered_on,
        });
    week_report(held, found, villages, week)
}

/// The summary of any of the township's other work (issue 16); `None` for the registers'
/// types, which have stores of their own. The phone lists and creates only screening rounds;
/// the office counts every kind (its 统计 loads them by these ids).
pub fn activity(id: &str, doc: &AutoCommit, record_type: RecordType) -> Option<ActivitySummary> {
    let on = match record_type {
        RecordType::ScreeningRound | RecordType::PublicityActivity => "held_on",
        RecordType::Patrol => "patrolled_on",
        RecordType::JointDefenceGroup => "formed_on",
        RecordType::KeyPerson => "paired_on",
        RecordType::ResponsibilityLetter => "signed_on",
        RecordType::StandardisationCheck => "checked_on",
        RecordType::ContingencyPlan => "drawn_up_on",
        RecordType::Household
        | RecordType::Person
        | RecordType::RentalHouse
        | RecordType::Dispute
        | RecordType::OutreachVisit => return None,
    };
    Some(ActivitySummary {
        id: id.to_owned(),
        village: text(doc, "village"),
        record_type: record_type.as_str().to_owned(),
        on: text(doc, on),
        kind: text(doc, "kind"),
        zero_report: matches!(
            doc.get(automerge::ROOT, "zero_report"),
            Ok(Some((Value::Scalar(s), _))) if matches!(s.as_ref(), ScalarValue::Boolean(true))
        ),
        findings: match doc.get(automerge::ROOT, "findings") {
            Ok(Some((Value::Object(ObjType::List), list))) => doc.length(&list),
            _ => 0,
        },
        created_at_ms: match doc.get(automerge::ROOT, "created_at_ms") {
            Ok(Some((Value::Scalar(s), _))) => s.as_i64().unwrap_or_default(),
            _ => 0,
        },
        ..Default::default()
    })
}

fn text(doc: &AutoCommit, key: &str) -> String {
    match doc.get(automerge::ROOT, key) {
        Ok(Some((Value::Scalar(s), _))) => match s.as_ref() {
            ScalarValue::Str(text) => text.to_string(),
            _ => String::new(),
        },
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pingan_shared::document;
    use pingan_shared::records::Authorship;
    use pingan_shared::records::screening_round::{Finding, ScreeningRound};
    use pingan_shared::records::vocabulary::{FindingKind, ScreeningKind};

    fn round(findings: usize) -> AutoCommit {
        let by = Authorship {
            village: "v01".into(),
            created_by: "worker01".into(),
            created_at_ms: 1_700_000_000_000,
        };
        let mut round = ScreeningRound::new(&by, ScreeningKind::VillageWeekly, "2022-06-13");
        for n in 0..findings {
            round.zero_report = false;
            round.findings.push(Finding {
                summary: format!("发现 {n}"),
                kind: FindingKind::Dispute,
                dispute_id: None,
            });
        }
        document::create(automerge::ActorId::random(), &round)
    }

    #[test]
    fn a_zero_report_is_listed_by_its_date_and_kind() {
        let summary = activity("a1", &round(0), RecordType::ScreeningRound).expect("a summary");
        assert_eq!(summary.village, "v01");
        assert_eq!(summary.on, "2022-06-13");
        assert_eq!(summary.kind, "village_weekly");
        assert!(summary.zero_report);
        assert_eq!(summary.findings, 0);
        assert_eq!(summary.created_at_ms, 1_700_000_000_000);
    }

    #[test]
    fn a_round_with_findings_counts_them() {
        let summary = activity("a2", &round(2), RecordType::ScreeningRound).expect("a summary");
        assert!(!summary.zero_report);
        assert_eq!(summary.findings, 2);
    }

    #[test]
    fn every_kind_of_other_work_is_listed_by_its_own_day_and_the_registers_are_not() {
        let by = Authorship {
            village: "v01".into(),
            created_by: "reviewer".into(),
            created_at_ms: 1_700_000_000_000,
        };
        let letter = pingan_shared::records::responsibility_letter::ResponsibilityLetter::new(
            &by,
            pingan_shared::records::vocabulary::LetterKind::Annual,
            2022,
            "镇综治委",
            "新民村村委会",
            "2022-02-15",
        );
        let doc = document::create(automerge::ActorId::random(), &letter);
        let summary = activity("l1", &doc, RecordType::ResponsibilityLetter).expect("a summary");
        assert_eq!(summary.record_type, "responsibility_letter");
        assert_eq!(summary.on, "2022-02-15");
        assert!(!summary.zero_report);
        assert_eq!(activity("a3", &round(0), RecordType::Household), None);
    }
}
