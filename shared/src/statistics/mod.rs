//! The figures of the township's annual report (the `**` in its text), as pure functions over
//! records: for one village or the whole township, over a period.
//!
//! Definitions, chosen to match how the report counts:
//! - screened (排查): disputes registered in the period, and of those how many of each
//!   category (纠纷类别);
//! - mediated (调处): of those, the ones with a mediation session or already closed;
//! - mediation rate (调处率): mediated ÷ screened;
//! - resolved with agreement: agreements signed in the period, and how many of each kind
//!   (调解协议, 息诉息访协议);
//! - petition backlog resolved (化解信访积案): backlog cases closed as resolved in the period;
//! - 矛盾无上交、无升级、无积压: 上交, disputes with an escalation in the period to above the
//!   township; 升级, disputes with any escalation in the period (each dispute once, on its
//!   first such escalation); 积压, disputes registered by the period's last day whose deadline
//!   fell before it and that did not stand closed on it (a closure by then not undone by a
//!   reopening by then). 无民转刑 (no dispute turned criminal) has no record to count;
//! - contingency plans (应急预案): drawn up in the period;
//! - screening rounds (排查): held in the period, by kind (村（居）周排查 …), and the zero
//!   reports (零报告) among them;
//! - outreach: visits in the period, the problems raised on them, by every outcome (当场解决,
//!   待上级部门协调, 待办), and how many kinds (类); the campaign ("今年**月…到全镇**个村居"):
//!   the month with the most visits, the earliest of equals, and the villages visited in it;
//! - patrols (巡防): in the period, by team, and the incidents they dealt with (their sum);
//! - 群防群治: joint-defence groups formed by the period's last day (on `formed_on`, or the day
//!   the record was made if that is blank) and the households in them (a household belongs to
//!   one group, so their sum); villages with a defence network: those with such a group or a
//!   volunteer patrol in the period; the coverage (**％的村（居）): those villages as a share of
//!   the number of villages the caller says the township has;
//! - key persons (重点人员): under watch on any day of the period (from `paired_on` up to the
//!   day before `closed_on`), and the visits paid to them in the period;
//! - floating residents registered: floating-resident records created in the period;
//!   present: arrived and not departed on the period's last day;
//! - rental houses registered, and with the responsibility letter signed, by the last day;
//! - responsibility letters (责任状): signed in the period (`signed_on`, whatever year they
//!   are for), by kind (综治工作责任状, 端午节划龙舟维稳责任状, …);
//! - standardisation (综治规范化建设): each village checked in the period counts once, by its
//!   latest check in the period — up to standard (达标) or told to rectify (限期整改);
//! - publicity (宣传): activities held in the period, and the sums of the materials they
//!   handed out, the slogans written and the columns run.
//!
//! Every figure can name the records behind it ([`trace`]), for the report's appendix: the
//! figures and the traces are one walk over the records, tallied or listed ([`Counted`]).
//!
//! Layout: [`period`] (the span counted over, and China's calendar day), [`report`] (the rows
//! of the report's table: what each is called and which figure it shows), `figures` (the
//! figures themselves), `trace` (the walk's two ends), one module per kind of record counted
//! (`disputes`, `outreach`, `residents`, `work`, `defence`), and [`screening`] (the weekly
//! screening report, 周报).

mod defence;
mod disputes;
mod figures;
mod outreach;
mod period;
mod report;
mod residents;
pub mod screening;
mod trace;
mod work;

use std::collections::{BTreeMap, BTreeSet};

use crate::records::Record;
use crate::records::contingency_plan::ContingencyPlan;
use crate::records::dispute::Dispute;
use crate::records::joint_defence_group::JointDefenceGroup;
use crate::records::key_person::KeyPerson;
use crate::records::outreach::OutreachVisit;
use crate::records::patrol::Patrol;
use crate::records::person::Person;
use crate::records::publicity_activity::PublicityActivity;
use crate::records::rental_house::RentalHouse;
use crate::records::responsibility_letter::ResponsibilityLetter;
use crate::records::screening_round::ScreeningRound;
use crate::records::standardisation_check::StandardisationCheck;

pub use figures::{Figures, OutreachCampaign, OutreachMonth};
pub use period::{Period, china_date};
pub use report::{Figure, MEDIATION_RATE_LABEL, counts};
pub use trace::Counted;

/// Everything the figures are computed from. A kind left out (`..Records::default()`) counts
/// as none.
#[derive(Debug, Clone, Copy, Default)]
pub struct Records<'a> {
    pub persons: &'a [Person],
    pub rental_houses: &'a [RentalHouse],
    pub disputes: &'a [Dispute],
    pub outreach_visits: &'a [OutreachVisit],
    pub screening_rounds: &'a [ScreeningRound],
    pub patrols: &'a [Patrol],
    pub joint_defence_groups: &'a [JointDefenceGroup],
    pub key_persons: &'a [KeyPerson],
    pub responsibility_letters: &'a [ResponsibilityLetter],
    pub publicity_activities: &'a [PublicityActivity],
    pub standardisation_checks: &'a [StandardisationCheck],
    pub contingency_plans: &'a [ContingencyPlan],
}

/// The township's other work, owned: what a caller loads (the server from its master copy,
/// the office from its device) before counting it through [`Records`].
#[derive(Debug, Clone, Default)]
pub struct Work {
    pub screening_rounds: Vec<ScreeningRound>,
    pub patrols: Vec<Patrol>,
    pub joint_defence_groups: Vec<JointDefenceGroup>,
    pub key_persons: Vec<KeyPerson>,
    pub responsibility_letters: Vec<ResponsibilityLetter>,
    pub publicity_activities: Vec<PublicityActivity>,
    pub standardisation_checks: Vec<StandardisationCheck>,
    pub contingency_plans: Vec<ContingencyPlan>,
}

impl Work {
    /// `registers` (persons, houses, disputes, visits) with this work beside them.
    pub fn beside<'a>(&'a self, registers: Records<'a>) -> Records<'a> {
        Records {
            screening_rounds: &self.screening_rounds,
            patrols: &self.patrols,
            joint_defence_groups: &self.joint_defence_groups,
            key_persons: &self.key_persons,
            responsibility_letters: &self.responsibility_letters,
            publicity_activities: &self.publicity_activities,
            standardisation_checks: &self.standardisation_checks,
            contingency_plans: &self.contingency_plans,
            ..registers
        }
    }
}

/// Which records count: those of one village (or all), over a period.
#[derive(Debug, Clone, Copy)]
struct Scope<'s> {
    village: Option<&'s str>,
    period: Period,
}

impl Scope<'_> {
    fn holds(&self, village: &str) -> bool {
        self.village.is_none_or(|wanted| wanted == village)
    }
}

/// Figures for the records of `village` (or the whole township when `None`).
pub fn figures(records: Records<'_>, village: Option<&str>, period: Period) -> Figures {
    let mut tally = trace::Tally::default();
    walk(records, Scope { village, period }, &mut tally);
    tally.figures()
}

/// The records behind `figure` for `village` (or the township) over `period`, in the order
/// they were given, kind by kind. Their `adds` sum to the figure; for the figure that counts
/// distinct things ([`Figure::is_sum`]), their different `what`s are as many as it counts.
pub fn trace(
    records: Records<'_>,
    village: Option<&str>,
    period: Period,
    figure: Figure,
) -> Vec<Counted> {
    let mut trace = trace::Trace {
        figure,
        rows: Vec::new(),
    };
    walk(records, Scope { village, period }, &mut trace);
    trace.rows
}

/// Every contribution of every record in scope, to whichever sink asks.
fn walk(records: Records<'_>, scope: Scope<'_>, sink: &mut impl trace::Sink) {
    disputes::count(records.disputes, scope, sink);
    outreach::count(records.outreach_visits, scope, sink);
    residents::count(records.persons, records.rental_houses, scope, sink);
    work::count(records, scope, sink);
    defence::count(records, scope, sink);
}

/// Figures for each village that has any record, and for the township as a whole.
pub fn figures_by_village(
    records: Records<'_>,
    period: Period,
) -> (BTreeMap<String, Figures>, Figures) {
    let per_village = villages(records)
        .into_iter()
        .map(|v| (v.to_owned(), figures(records, Some(v), period)))
        .collect();
    (per_village, figures(records, None, period))
}

/// The villages with any record.
fn villages<'a>(records: Records<'a>) -> BTreeSet<&'a str> {
    fn of<R: Record>(records: &[R]) -> impl Iterator<Item = &str> {
        records.iter().map(R::village)
    }
    of(records.persons)
        .chain(of(records.rental_houses))
        .chain(of(records.disputes))
        .chain(of(records.outreach_visits))
        .chain(of(records.screening_rounds))
        .chain(of(records.patrols))
        .chain(of(records.joint_defence_groups))
        .chain(of(records.key_persons))
        .chain(of(records.responsibility_letters))
        .chain(of(records.publicity_activities))
        .chain(of(records.standardisation_checks))
        .chain(of(records.contingency_plans))
        .collect()
}

#[cfg(test)]
mod tests;
