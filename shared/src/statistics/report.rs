//! The rows of the annual report's table, in its order and words: one list that the office's
//! 统计 screen and the annual-figures ledger both walk, so the two can never disagree on what
//! is shown or what it is called.
//!
//! A breakdown (disputes by category, agreements by kind, problems by outcome) has a row for
//! every value of its vocabulary, taken from the vocabulary itself: a category added later
//! gets its row without anyone remembering to add it here, and the rows always add up to the
//! total above them.

use super::Figures;
use crate::records::vocabulary::{AgreementKind, DisputeCategory, ProblemOutcome};

/// What one row of the report counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    DisputesScreened,
    DisputesMediated,
    /// Screened disputes of one category.
    DisputesOfCategory(DisputeCategory),
    AgreementsSigned,
    AgreementsOfKind(AgreementKind),
    PetitionBacklogResolved,
    OutreachVisits,
    OutreachProblemKinds,
    OutreachProblemsCollected,
    /// Problems raised on visits that ended this way.
    OutreachProblemsWith(ProblemOutcome),
    FloatingResidentsRegistered,
    FloatingResidentsPresent,
    RentalHousesRegistered,
    RentalHousesWithLetter,
}

impl Figure {
    /// A stable name for the row, for the screen's markup and its tests: never shown.
    pub fn key(self) -> String {
        match self {
            Figure::DisputesScreened => "disputes_screened".into(),
            Figure::DisputesMediated => "disputes_mediated".into(),
            Figure::DisputesOfCategory(c) => format!("disputes_{}", c.as_str()),
            Figure::AgreementsSigned => "disputes_resolved_with_agreement".into(),
            Figure::AgreementsOfKind(k) => format!("agreements_{}", k.as_str()),
            Figure::PetitionBacklogResolved => "petition_backlog_resolved".into(),
            Figure::OutreachVisits => "outreach_visits".into(),
            Figure::OutreachProblemKinds => "outreach_problem_kinds".into(),
            Figure::OutreachProblemsCollected => "outreach_problems_collected".into(),
            Figure::OutreachProblemsWith(o) => format!("outreach_problems_{}", o.as_str()),
            Figure::FloatingResidentsRegistered => "floating_residents_registered".into(),
            Figure::FloatingResidentsPresent => "floating_residents_present".into(),
            Figure::RentalHousesRegistered => "rental_houses_registered".into(),
            Figure::RentalHousesWithLetter => "rental_houses_with_letter".into(),
        }
    }

    /// The row's name in the report, with its unit.
    pub fn label(self) -> String {
        match self {
            Figure::DisputesScreened => "排查矛盾纠纷（件）".into(),
            Figure::DisputesMediated => "调处矛盾纠纷（件）".into(),
            Figure::DisputesOfCategory(c) => format!("{}（件）", c.label_zh()),
            Figure::AgreementsSigned => "达成协议（件）".into(),
            Figure::AgreementsOfKind(k) => format!("{}（件）", k.label_zh()),
            Figure::PetitionBacklogResolved => "化解信访积案（件）".into(),
            Figure::OutreachVisits => "下访走访（次）".into(),
            Figure::OutreachProblemKinds => "收集群众问题（类）".into(),
            Figure::OutreachProblemsCollected => "收集群众问题（件）".into(),
            Figure::OutreachProblemsWith(o) => format!("{}（件）", o.label_zh()),
            Figure::FloatingResidentsRegistered => "登记流动人口（人）".into(),
            Figure::FloatingResidentsPresent => "期末在册流动人口（人）".into(),
            Figure::RentalHousesRegistered => "登记出租房屋（处）".into(),
            Figure::RentalHousesWithLetter => "签订治安责任书（处）".into(),
        }
    }

    pub fn count(self, f: &Figures) -> usize {
        match self {
            Figure::DisputesScreened => f.disputes_screened,
            Figure::DisputesMediated => f.disputes_mediated,
            Figure::DisputesOfCategory(c) => f.disputes_of(c),
            Figure::AgreementsSigned => f.disputes_resolved_with_agreement,
            Figure::AgreementsOfKind(k) => f.agreements_of(k),
            Figure::PetitionBacklogResolved => f.petition_backlog_resolved,
            Figure::OutreachVisits => f.outreach_visits,
            Figure::OutreachProblemKinds => f.outreach_problem_kinds,
            Figure::OutreachProblemsCollected => f.outreach_problems_collected,
            Figure::OutreachProblemsWith(o) => f.outreach_problems_with(o),
            Figure::FloatingResidentsRegistered => f.floating_residents_registered,
            Figure::FloatingResidentsPresent => f.floating_residents_present,
            Figure::RentalHousesRegistered => f.rental_houses_registered,
            Figure::RentalHousesWithLetter => f.rental_houses_with_letter,
        }
    }
}

/// Every count of the annual report, in its order: each total followed by its breakdown. The
/// mediation rate ([`Figures::mediation_rate_percent`], [`MEDIATION_RATE_LABEL`]) is not a
/// count; it is shown after [`Figure::DisputesMediated`].
pub fn counts() -> Vec<Figure> {
    let mut rows = vec![Figure::DisputesScreened, Figure::DisputesMediated];
    rows.extend(
        DisputeCategory::ALL
            .iter()
            .map(|&c| Figure::DisputesOfCategory(c)),
    );
    rows.push(Figure::AgreementsSigned);
    rows.extend(
        AgreementKind::ALL
            .iter()
            .map(|&k| Figure::AgreementsOfKind(k)),
    );
    rows.extend([
        Figure::PetitionBacklogResolved,
        Figure::OutreachVisits,
        Figure::OutreachProblemKinds,
        Figure::OutreachProblemsCollected,
    ]);
    rows.extend(
        ProblemOutcome::ALL
            .iter()
            .map(|&o| Figure::OutreachProblemsWith(o)),
    );
    rows.extend([
        Figure::FloatingResidentsRegistered,
        Figure::FloatingResidentsPresent,
        Figure::RentalHousesRegistered,
        Figure::RentalHousesWithLetter,
    ]);
    rows
}

/// The mediation rate's name in the report.
pub const MEDIATION_RATE_LABEL: &str = "调处率（%）";

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_row_has_its_own_key_and_its_own_chinese_label() {
        let rows = counts();
        let keys: BTreeSet<String> = rows.iter().map(|f| f.key()).collect();
        let labels: BTreeSet<String> = rows.iter().map(|f| f.label()).collect();
        assert_eq!(keys.len(), rows.len());
        assert_eq!(labels.len(), rows.len());
        assert!(!labels.contains(MEDIATION_RATE_LABEL));
        for label in &labels {
            assert!(
                !label.chars().any(|c| c.is_ascii_alphabetic() || c == '_'),
                "an internal value shows in {label:?}"
            );
        }
    }

    #[test]
    fn every_category_kind_and_outcome_has_a_row() {
        let rows = counts();
        for &c in DisputeCategory::ALL {
            assert!(rows.contains(&Figure::DisputesOfCategory(c)), "{c:?}");
        }
        for &k in AgreementKind::ALL {
            assert!(rows.contains(&Figure::AgreementsOfKind(k)), "{k:?}");
        }
        for &o in ProblemOutcome::ALL {
            assert!(rows.contains(&Figure::OutreachProblemsWith(o)), "{o:?}");
        }
    }

    #[test]
    fn a_breakdown_follows_its_total() {
        let rows = counts();
        let at = |figure: Figure| rows.iter().position(|&f| f == figure).unwrap();
        assert!(
            at(Figure::DisputesMediated) < at(Figure::DisputesOfCategory(DisputeCategory::ALL[0]))
        );
        assert_eq!(
            at(Figure::AgreementsOfKind(AgreementKind::ALL[0])),
            at(Figure::AgreementsSigned) + 1
        );
        assert_eq!(
            at(Figure::OutreachProblemsWith(ProblemOutcome::ALL[0])),
            at(Figure::OutreachProblemsCollected) + 1
        );
    }
}
