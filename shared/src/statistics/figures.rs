//! The figures of one village or the township, and the two ways a [`Figure`] reaches them:
//! [`Figure::count`] reads one, [`Figures::count_mut`] is where the tally adds to it. The two
//! matches sit side by side so a new figure is read from the field it is written to.

use std::collections::BTreeMap;

use super::Figure;
use crate::records::vocabulary::{
    AgreementKind, DisputeCategory, LetterKind, PatrolTeam, ProblemOutcome, ScreeningKind,
};

/// The figures for one village or the township; the module's opening lists what each counts.
/// A breakdown holds only the values that occurred; read it through [`Figures::disputes_of`]
/// and its siblings, which answer 0 for the rest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    pub disputes_screened: usize,
    pub disputes_mediated: usize,
    /// Screened disputes by category; they add up to `disputes_screened`.
    pub disputes_by_category: BTreeMap<DisputeCategory, usize>,
    pub disputes_resolved_with_agreement: usize,
    /// Agreements signed by kind; they add up to `disputes_resolved_with_agreement`.
    pub agreements_by_kind: BTreeMap<AgreementKind, usize>,
    pub petition_backlog_resolved: usize,
    pub disputes_escalated_above: usize,
    pub disputes_escalated: usize,
    pub disputes_overdue: usize,
    pub contingency_plans: usize,
    pub screening_rounds: usize,
    /// Rounds by kind; they add up to `screening_rounds`.
    pub screening_rounds_by_kind: BTreeMap<ScreeningKind, usize>,
    pub screening_zero_reports: usize,
    pub outreach_visits: usize,
    pub outreach_problem_kinds: usize,
    pub outreach_problems_collected: usize,
    /// Problems by outcome; they add up to `outreach_problems_collected`.
    pub outreach_problems_by_outcome: BTreeMap<ProblemOutcome, usize>,
    /// The visits of each calendar month (`2022-06`) that had any, for
    /// [`Figures::outreach_campaign`].
    pub outreach_months: BTreeMap<String, OutreachMonth>,
    pub patrols: usize,
    /// Patrols by team; they add up to `patrols`.
    pub patrols_by_team: BTreeMap<PatrolTeam, usize>,
    pub patrol_incidents: usize,
    pub joint_defence_groups: usize,
    pub joint_defence_households: usize,
    pub villages_with_defence_network: usize,
    pub key_persons_under_watch: usize,
    pub key_person_visits: usize,
    pub floating_residents_registered: usize,
    pub floating_residents_present: usize,
    pub rental_houses_registered: usize,
    pub rental_houses_with_letter: usize,
    pub letters_signed: usize,
    /// Letters by kind; they add up to `letters_signed`.
    pub letters_by_kind: BTreeMap<LetterKind, usize>,
    pub villages_meeting_standard: usize,
    pub villages_to_rectify: usize,
    pub publicity_activities: usize,
    pub publicity_materials_handed_out: usize,
    pub publicity_slogans_written: usize,
    pub publicity_columns_run: usize,
}

/// One month's outreach visits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutreachMonth {
    pub visits: usize,
    /// Different villages visited.
    pub villages: usize,
}

/// The report's "今年**月，班子主要成员，到全镇**个村居": the month of the most visits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutreachCampaign {
    /// `YYYY-MM`.
    pub month: String,
    pub visits: usize,
    pub villages: usize,
}

impl Figures {
    /// 调处率 in percent, one decimal; `None` when nothing was screened.
    pub fn mediation_rate_percent(&self) -> Option<f64> {
        percent(self.disputes_mediated, self.disputes_screened)
    }

    /// "**％的村（居）已建立起群众性的群防群治治安巡防网络": the villages with a defence
    /// network as a share of the `villages` the township has, one decimal; `None` for none.
    /// The caller knows how many villages there are; records only show the ones with work.
    pub fn joint_defence_coverage_percent(&self, villages: usize) -> Option<f64> {
        percent(self.villages_with_defence_network, villages)
    }

    /// The month with the most outreach visits (the earliest of equals), with how many
    /// villages were visited in it; `None` without visits.
    pub fn outreach_campaign(&self) -> Option<OutreachCampaign> {
        let (month, busiest) = self
            .outreach_months
            .iter()
            .rev()
            .max_by_key(|(_, m)| m.visits)?;
        Some(OutreachCampaign {
            month: month.clone(),
            visits: busiest.visits,
            villages: busiest.villages,
        })
    }

    pub fn disputes_of(&self, category: DisputeCategory) -> usize {
        of(&self.disputes_by_category, category)
    }

    pub fn agreements_of(&self, kind: AgreementKind) -> usize {
        of(&self.agreements_by_kind, kind)
    }

    pub fn outreach_problems_with(&self, outcome: ProblemOutcome) -> usize {
        of(&self.outreach_problems_by_outcome, outcome)
    }

    pub fn screening_rounds_of(&self, kind: ScreeningKind) -> usize {
        of(&self.screening_rounds_by_kind, kind)
    }

    pub fn patrols_by(&self, team: PatrolTeam) -> usize {
        of(&self.patrols_by_team, team)
    }

    pub fn letters_of(&self, kind: LetterKind) -> usize {
        of(&self.letters_by_kind, kind)
    }

    /// Where the tally adds what a record contributes to `figure`.
    pub(super) fn count_mut(&mut self, figure: Figure) -> &mut usize {
        match figure {
            Figure::DisputesScreened => &mut self.disputes_screened,
            Figure::DisputesMediated => &mut self.disputes_mediated,
            Figure::DisputesOfCategory(c) => self.disputes_by_category.entry(c).or_default(),
            Figure::AgreementsSigned => &mut self.disputes_resolved_with_agreement,
            Figure::AgreementsOfKind(k) => self.agreements_by_kind.entry(k).or_default(),
            Figure::PetitionBacklogResolved => &mut self.petition_backlog_resolved,
            Figure::DisputesEscalatedAbove => &mut self.disputes_escalated_above,
            Figure::DisputesEscalated => &mut self.disputes_escalated,
            Figure::DisputesOverdue => &mut self.disputes_overdue,
            Figure::ContingencyPlans => &mut self.contingency_plans,
            Figure::ScreeningRounds => &mut self.screening_rounds,
            Figure::ScreeningRoundsOfKind(k) => self.screening_rounds_by_kind.entry(k).or_default(),
            Figure::ScreeningZeroReports => &mut self.screening_zero_reports,
            Figure::OutreachVisits => &mut self.outreach_visits,
            Figure::OutreachProblemKinds => &mut self.outreach_problem_kinds,
            Figure::OutreachProblemsCollected => &mut self.outreach_problems_collected,
            Figure::OutreachProblemsWith(o) => {
                self.outreach_problems_by_outcome.entry(o).or_default()
            }
            Figure::Patrols => &mut self.patrols,
            Figure::PatrolsBy(t) => self.patrols_by_team.entry(t).or_default(),
            Figure::PatrolIncidents => &mut self.patrol_incidents,
            Figure::JointDefenceGroups => &mut self.joint_defence_groups,
            Figure::JointDefenceHouseholds => &mut self.joint_defence_households,
            Figure::VillagesWithDefenceNetwork => &mut self.villages_with_defence_network,
            Figure::KeyPersonsUnderWatch => &mut self.key_persons_under_watch,
            Figure::KeyPersonVisits => &mut self.key_person_visits,
            Figure::FloatingResidentsRegistered => &mut self.floating_residents_registered,
            Figure::FloatingResidentsPresent => &mut self.floating_residents_present,
            Figure::RentalHousesRegistered => &mut self.rental_houses_registered,
            Figure::RentalHousesWithLetter => &mut self.rental_houses_with_letter,
            Figure::LettersSigned => &mut self.letters_signed,
            Figure::LettersOfKind(k) => self.letters_by_kind.entry(k).or_default(),
            Figure::VillagesMeetingStandard => &mut self.villages_meeting_standard,
            Figure::VillagesToRectify => &mut self.villages_to_rectify,
            Figure::PublicityActivities => &mut self.publicity_activities,
            Figure::PublicityMaterialsHandedOut => &mut self.publicity_materials_handed_out,
            Figure::PublicitySlogansWritten => &mut self.publicity_slogans_written,
            Figure::PublicityColumnsRun => &mut self.publicity_columns_run,
        }
    }
}

impl Figure {
    pub fn count(self, f: &Figures) -> usize {
        match self {
            Figure::DisputesScreened => f.disputes_screened,
            Figure::DisputesMediated => f.disputes_mediated,
            Figure::DisputesOfCategory(c) => f.disputes_of(c),
            Figure::AgreementsSigned => f.disputes_resolved_with_agreement,
            Figure::AgreementsOfKind(k) => f.agreements_of(k),
            Figure::PetitionBacklogResolved => f.petition_backlog_resolved,
            Figure::DisputesEscalatedAbove => f.disputes_escalated_above,
            Figure::DisputesEscalated => f.disputes_escalated,
            Figure::DisputesOverdue => f.disputes_overdue,
            Figure::ContingencyPlans => f.contingency_plans,
            Figure::ScreeningRounds => f.screening_rounds,
            Figure::ScreeningRoundsOfKind(k) => f.screening_rounds_of(k),
            Figure::ScreeningZeroReports => f.screening_zero_reports,
            Figure::OutreachVisits => f.outreach_visits,
            Figure::OutreachProblemKinds => f.outreach_problem_kinds,
            Figure::OutreachProblemsCollected => f.outreach_problems_collected,
            Figure::OutreachProblemsWith(o) => f.outreach_problems_with(o),
            Figure::Patrols => f.patrols,
            Figure::PatrolsBy(t) => f.patrols_by(t),
            Figure::PatrolIncidents => f.patrol_incidents,
            Figure::JointDefenceGroups => f.joint_defence_groups,
            Figure::JointDefenceHouseholds => f.joint_defence_households,
            Figure::VillagesWithDefenceNetwork => f.villages_with_defence_network,
            Figure::KeyPersonsUnderWatch => f.key_persons_under_watch,
            Figure::KeyPersonVisits => f.key_person_visits,
            Figure::FloatingResidentsRegistered => f.floating_residents_registered,
            Figure::FloatingResidentsPresent => f.floating_residents_present,
            Figure::RentalHousesRegistered => f.rental_houses_registered,
            Figure::RentalHousesWithLetter => f.rental_houses_with_letter,
            Figure::LettersSigned => f.letters_signed,
            Figure::LettersOfKind(k) => f.letters_of(k),
            Figure::VillagesMeetingStandard => f.villages_meeting_standard,
            Figure::VillagesToRectify => f.villages_to_rectify,
            Figure::PublicityActivities => f.publicity_activities,
            Figure::PublicityMaterialsHandedOut => f.publicity_materials_handed_out,
            Figure::PublicitySlogansWritten => f.publicity_slogans_written,
            Figure::PublicityColumnsRun => f.publicity_columns_run,
        }
    }
}

fn of<K: Ord>(breakdown: &BTreeMap<K, usize>, key: K) -> usize {
    breakdown.get(&key).copied().unwrap_or(0)
}

/// `part` of `whole` in percent, one decimal; `None` of nothing.
fn percent(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| {
        let rate = part as f64 * 100.0 / whole as f64;
        (rate * 10.0).round() / 10.0
    })
}

#[cfg(test)]
mod tests {
    use super::super::counts;
    use super::*;

    #[test]
    fn each_figure_is_read_from_the_field_the_tally_adds_to() {
        for (n, figure) in counts().into_iter().enumerate() {
            let mut f = Figures::default();
            *f.count_mut(figure) += n + 1;
            for other in counts() {
                let expected = if other == figure { n + 1 } else { 0 };
                assert_eq!(
                    other.count(&f),
                    expected,
                    "{other:?} after adding to {figure:?}"
                );
            }
        }
    }

    #[test]
    fn the_coverage_is_a_share_of_the_villages_the_caller_names() {
        let f = Figures {
            villages_with_defence_network: 5,
            ..Figures::default()
        };
        assert_eq!(f.joint_defence_coverage_percent(6), Some(83.3));
        assert_eq!(f.joint_defence_coverage_percent(5), Some(100.0));
        assert_eq!(f.joint_defence_coverage_percent(0), None);
    }

    #[test]
    fn the_campaign_is_the_month_of_the_most_visits_and_the_earliest_of_equals() {
        let month = |visits, villages| OutreachMonth { visits, villages };
        let f = Figures {
            outreach_months: BTreeMap::from([
                ("2022-03".to_owned(), month(2, 2)),
                ("2022-06".to_owned(), month(5, 4)),
                ("2022-09".to_owned(), month(5, 3)),
            ]),
            ..Figures::default()
        };
        let campaign = f.outreach_campaign().unwrap();
        assert_eq!(
            campaign,
            OutreachCampaign {
                month: "2022-06".into(),
                visits: 5,
                villages: 4
            }
        );
        assert_eq!(Figures::default().outreach_campaign(), None);
    }
}
