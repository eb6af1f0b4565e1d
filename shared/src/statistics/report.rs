//! The rows of the annual report's table, in its order and words: one list that the office's
//! 统计 screen and the annual-figures ledger both walk, so the two can never disagree on what
//! is shown or what it is called.
//!
//! A breakdown (disputes by category, agreements by kind, problems by outcome, rounds by kind,
//! patrols by team, letters by kind) has a row for every value of its vocabulary, taken from
//! the vocabulary itself: a value added later gets its row without anyone remembering to add
//! it here, and the rows always add up to the total above them.

use crate::records::vocabulary::{
    AgreementKind, DisputeCategory, LetterKind, PatrolTeam, ProblemOutcome, ScreeningKind,
};

/// What one row of the report counts. [`super::Figures`] says how each is defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Figure {
    DisputesScreened,
    DisputesMediated,
    /// Screened disputes of one category.
    DisputesOfCategory(DisputeCategory),
    AgreementsSigned,
    AgreementsOfKind(AgreementKind),
    PetitionBacklogResolved,
    /// 上交: escalated above the township.
    DisputesEscalatedAbove,
    /// 升级: escalated at all.
    DisputesEscalated,
    /// 积压: past the deadline and still open at the period's end.
    DisputesOverdue,
    ContingencyPlans,
    ScreeningRounds,
    ScreeningRoundsOfKind(ScreeningKind),
    ScreeningZeroReports,
    OutreachVisits,
    /// How many kinds of problem: the one figure that counts distinct things ([`Figure::is_sum`]).
    OutreachProblemKinds,
    OutreachProblemsCollected,
    /// Problems raised on visits that ended this way.
    OutreachProblemsWith(ProblemOutcome),
    Patrols,
    PatrolsBy(PatrolTeam),
    PatrolIncidents,
    JointDefenceGroups,
    JointDefenceHouseholds,
    VillagesWithDefenceNetwork,
    KeyPersonsUnderWatch,
    KeyPersonVisits,
    FloatingResidentsRegistered,
    FloatingResidentsPresent,
    RentalHousesRegistered,
    RentalHousesWithLetter,
    LettersSigned,
    LettersOfKind(LetterKind),
    VillagesMeetingStandard,
    VillagesToRectify,
    PublicityActivities,
    PublicityMaterialsHandedOut,
    PublicitySlogansWritten,
    PublicityColumnsRun,
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
            Figure::DisputesEscalatedAbove => "disputes_escalated_above".into(),
            Figure::DisputesEscalated => "disputes_escalated".into(),
            Figure::DisputesOverdue => "disputes_overdue".into(),
            Figure::ContingencyPlans => "contingency_plans".into(),
            Figure::ScreeningRounds => "screening_rounds".into(),
            Figure::ScreeningRoundsOfKind(k) => format!("screening_rounds_{}", k.as_str()),
            Figure::ScreeningZeroReports => "screening_zero_reports".into(),
            Figure::OutreachVisits => "outreach_visits".into(),
            Figure::OutreachProblemKinds => "outreach_problem_kinds".into(),
            Figure::OutreachProblemsCollected => "outreach_problems_collected".into(),
            Figure::OutreachProblemsWith(o) => format!("outreach_problems_{}", o.as_str()),
            Figure::Patrols => "patrols".into(),
            Figure::PatrolsBy(t) => format!("patrols_{}", t.as_str()),
            Figure::PatrolIncidents => "patrol_incidents".into(),
            Figure::JointDefenceGroups => "joint_defence_groups".into(),
            Figure::JointDefenceHouseholds => "joint_defence_households".into(),
            Figure::VillagesWithDefenceNetwork => "villages_with_defence_network".into(),
            Figure::KeyPersonsUnderWatch => "key_persons_under_watch".into(),
            Figure::KeyPersonVisits => "key_person_visits".into(),
            Figure::FloatingResidentsRegistered => "floating_residents_registered".into(),
            Figure::FloatingResidentsPresent => "floating_residents_present".into(),
            Figure::RentalHousesRegistered => "rental_houses_registered".into(),
            Figure::RentalHousesWithLetter => "rental_houses_with_letter".into(),
            Figure::LettersSigned => "letters_signed".into(),
            Figure::LettersOfKind(k) => format!("letters_{}", k.as_str()),
            Figure::VillagesMeetingStandard => "villages_meeting_standard".into(),
            Figure::VillagesToRectify => "villages_to_rectify".into(),
            Figure::PublicityActivities => "publicity_activities".into(),
            Figure::PublicityMaterialsHandedOut => "publicity_materials_handed_out".into(),
            Figure::PublicitySlogansWritten => "publicity_slogans_written".into(),
            Figure::PublicityColumnsRun => "publicity_columns_run".into(),
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
            Figure::DisputesEscalatedAbove => "上交镇以上的矛盾纠纷（件）".into(),
            Figure::DisputesEscalated => "升级的矛盾纠纷（件）".into(),
            Figure::DisputesOverdue => "积压的矛盾纠纷（件）".into(),
            Figure::ContingencyPlans => "制定应急预案（份）".into(),
            Figure::ScreeningRounds => "开展排查（次）".into(),
            Figure::ScreeningRoundsOfKind(k) => format!("{}（次）", k.label_zh()),
            Figure::ScreeningZeroReports => "零报告（次）".into(),
            Figure::OutreachVisits => "下访走访（次）".into(),
            Figure::OutreachProblemKinds => "收集群众问题（类）".into(),
            Figure::OutreachProblemsCollected => "收集群众问题（件）".into(),
            Figure::OutreachProblemsWith(o) => format!("{}（件）", o.label_zh()),
            Figure::Patrols => "治安巡防（次）".into(),
            Figure::PatrolsBy(t) => format!("{}巡防（次）", t.label_zh()),
            Figure::PatrolIncidents => "巡防发现处置问题（起）".into(),
            Figure::JointDefenceGroups => "联防组（个）".into(),
            Figure::JointDefenceHouseholds => "参加联防（户）".into(),
            Figure::VillagesWithDefenceNetwork => "建立群防群治巡防网络的村（居）（个）".into(),
            Figure::KeyPersonsUnderWatch => "结对管控重点人员（人）".into(),
            Figure::KeyPersonVisits => "走访重点人员（次）".into(),
            Figure::FloatingResidentsRegistered => "登记流动人口（人）".into(),
            Figure::FloatingResidentsPresent => "期末在册流动人口（人）".into(),
            Figure::RentalHousesRegistered => "登记出租房屋（处）".into(),
            Figure::RentalHousesWithLetter => "签订治安责任书（处）".into(),
            Figure::LettersSigned => "签订责任状（份）".into(),
            Figure::LettersOfKind(k) => format!("{}（份）", k.label_zh()),
            Figure::VillagesMeetingStandard => "达到综治规范化建设标准的村（居）（个）".into(),
            Figure::VillagesToRectify => "限期整改的村（居）（个）".into(),
            Figure::PublicityActivities => "开展宣传活动（次）".into(),
            Figure::PublicityMaterialsHandedOut => "发放宣传资料（份）".into(),
            Figure::PublicitySlogansWritten => "书写标语（条）".into(),
            Figure::PublicityColumnsRun => "办宣传专栏（期）".into(),
        }
    }

    /// Whether the figure is the sum of what its records add. The one that is not counts
    /// distinct things — kinds of problem, however many problems of each — so its trace
    /// repeats a kind, and the figure is how many different ones there are.
    pub fn is_sum(self) -> bool {
        self != Figure::OutreachProblemKinds
    }
}

/// Every count of the annual report, in its order: each total followed by its breakdown. The
/// mediation rate ([`super::Figures::mediation_rate_percent`], [`MEDIATION_RATE_LABEL`]) is
/// not a count; it is shown after [`Figure::DisputesMediated`]. The disputes screened stay the
/// first row: the screen charts the first row until another is chosen.
pub fn counts() -> Vec<Figure> {
    let mut rows = vec![Figure::DisputesScreened, Figure::DisputesMediated];
    rows.extend(each(DisputeCategory::ALL, Figure::DisputesOfCategory));
    rows.push(Figure::AgreementsSigned);
    rows.extend(each(AgreementKind::ALL, Figure::AgreementsOfKind));
    rows.extend([
        Figure::PetitionBacklogResolved,
        Figure::DisputesEscalatedAbove,
        Figure::DisputesEscalated,
        Figure::DisputesOverdue,
        Figure::ContingencyPlans,
        Figure::ScreeningRounds,
    ]);
    rows.extend(each(ScreeningKind::ALL, Figure::ScreeningRoundsOfKind));
    rows.extend([
        Figure::ScreeningZeroReports,
        Figure::OutreachVisits,
        Figure::OutreachProblemKinds,
        Figure::OutreachProblemsCollected,
    ]);
    rows.extend(each(ProblemOutcome::ALL, Figure::OutreachProblemsWith));
    rows.push(Figure::Patrols);
    rows.extend(each(PatrolTeam::ALL, Figure::PatrolsBy));
    rows.extend([
        Figure::PatrolIncidents,
        Figure::JointDefenceGroups,
        Figure::JointDefenceHouseholds,
        Figure::VillagesWithDefenceNetwork,
        Figure::KeyPersonsUnderWatch,
        Figure::KeyPersonVisits,
        Figure::FloatingResidentsRegistered,
        Figure::FloatingResidentsPresent,
        Figure::RentalHousesRegistered,
        Figure::RentalHousesWithLetter,
        Figure::LettersSigned,
    ]);
    rows.extend(each(LetterKind::ALL, Figure::LettersOfKind));
    rows.extend([
        Figure::VillagesMeetingStandard,
        Figure::VillagesToRectify,
        Figure::PublicityActivities,
        Figure::PublicityMaterialsHandedOut,
        Figure::PublicitySlogansWritten,
        Figure::PublicityColumnsRun,
    ]);
    rows
}

/// A breakdown's rows: one per value of its vocabulary, in the vocabulary's order.
fn each<V: Copy>(values: &[V], row: fn(V) -> Figure) -> impl Iterator<Item = Figure> + '_ {
    values.iter().map(move |&value| row(value))
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
            assert!(label.ends_with('）'), "{label:?} has no unit");
        }
    }

    #[test]
    fn every_value_of_a_breakdown_has_a_row() {
        let rows = counts();
        let has = |figure: Figure| assert!(rows.contains(&figure), "{figure:?}");
        each(DisputeCategory::ALL, Figure::DisputesOfCategory).for_each(has);
        each(AgreementKind::ALL, Figure::AgreementsOfKind).for_each(has);
        each(ProblemOutcome::ALL, Figure::OutreachProblemsWith).for_each(has);
        each(ScreeningKind::ALL, Figure::ScreeningRoundsOfKind).for_each(has);
        each(PatrolTeam::ALL, Figure::PatrolsBy).for_each(has);
        each(LetterKind::ALL, Figure::LettersOfKind).for_each(has);
    }

    #[test]
    fn a_breakdown_follows_its_total() {
        let rows = counts();
        let at = |figure: Figure| rows.iter().position(|&f| f == figure).unwrap();
        assert!(
            at(Figure::DisputesMediated) < at(Figure::DisputesOfCategory(DisputeCategory::ALL[0]))
        );
        let follows = |part: Figure, total: Figure| assert_eq!(at(part), at(total) + 1);
        follows(
            Figure::AgreementsOfKind(AgreementKind::ALL[0]),
            Figure::AgreementsSigned,
        );
        follows(
            Figure::OutreachProblemsWith(ProblemOutcome::ALL[0]),
            Figure::OutreachProblemsCollected,
        );
        follows(
            Figure::ScreeningRoundsOfKind(ScreeningKind::ALL[0]),
            Figure::ScreeningRounds,
        );
        follows(Figure::PatrolsBy(PatrolTeam::ALL[0]), Figure::Patrols);
        follows(
            Figure::LettersOfKind(LetterKind::ALL[0]),
            Figure::LettersSigned,
        );
    }

    #[test]
    fn the_disputes_screened_stay_the_first_row() {
        assert_eq!(counts()[0], Figure::DisputesScreened);
    }

    #[test]
    fn only_the_kinds_of_problem_count_distinct_things() {
        let distinct: Vec<Figure> = counts().into_iter().filter(|f| !f.is_sum()).collect();
        assert_eq!(distinct, [Figure::OutreachProblemKinds]);
    }
}
