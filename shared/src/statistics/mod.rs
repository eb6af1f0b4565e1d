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
//! - outreach: visits in the period, the problems raised on them, by every outcome (当场解决,
//!   待上级部门协调, 待办), and how many kinds (类);
//! - floating residents registered: floating-resident records created in the period;
//!   present: arrived and not departed on the period's last day;
//! - rental houses registered, and with the responsibility letter signed, by the last day.
//!
//! Layout: [`period`] (the span counted over, and China's calendar day), [`report`] (the rows
//! of the report's table: what each is called and which figure it shows), [`screening`] (the
//! weekly screening report, 周报), and here the counting.

mod period;
mod report;
pub mod screening;

use std::collections::{BTreeMap, BTreeSet};

use crate::records::dispute::Dispute;
use crate::records::outreach::OutreachVisit;
use crate::records::person::Person;
use crate::records::rental_house::RentalHouse;
use crate::records::vocabulary::{AgreementKind, DisputeCategory, ProblemOutcome};
use crate::validation::Date;

pub use period::{Period, china_date};
pub use report::{Figure, MEDIATION_RATE_LABEL, counts};

/// Everything the figures are computed from.
#[derive(Debug, Clone, Copy, Default)]
pub struct Records<'a> {
    pub persons: &'a [Person],
    pub rental_houses: &'a [RentalHouse],
    pub disputes: &'a [Dispute],
    pub outreach_visits: &'a [OutreachVisit],
}

/// The figures for one village or the township. A breakdown holds only the values that
/// occurred; read it through [`Figures::disputes_of`] and its siblings, which answer 0 for
/// the rest.
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
    pub outreach_visits: usize,
    pub outreach_problem_kinds: usize,
    pub outreach_problems_collected: usize,
    /// Problems by outcome; they add up to `outreach_problems_collected`.
    pub outreach_problems_by_outcome: BTreeMap<ProblemOutcome, usize>,
    pub floating_residents_registered: usize,
    pub floating_residents_present: usize,
    pub rental_houses_registered: usize,
    pub rental_houses_with_letter: usize,
}

impl Figures {
    /// 调处率 in percent, one decimal; `None` when nothing was screened.
    pub fn mediation_rate_percent(&self) -> Option<f64> {
        (self.disputes_screened > 0).then(|| {
            let rate = self.disputes_mediated as f64 * 100.0 / self.disputes_screened as f64;
            (rate * 10.0).round() / 10.0
        })
    }

    pub fn disputes_of(&self, category: DisputeCategory) -> usize {
        self.disputes_by_category
            .get(&category)
            .copied()
            .unwrap_or(0)
    }

    pub fn agreements_of(&self, kind: AgreementKind) -> usize {
        self.agreements_by_kind.get(&kind).copied().unwrap_or(0)
    }

    pub fn outreach_problems_with(&self, outcome: ProblemOutcome) -> usize {
        self.outreach_problems_by_outcome
            .get(&outcome)
            .copied()
            .unwrap_or(0)
    }
}

/// Figures for the records of `village` (or the whole township when `None`).
pub fn figures(records: Records<'_>, village: Option<&str>, period: Period) -> Figures {
    let in_scope = |v: &str| village.is_none_or(|wanted| wanted == v);
    let mut f = Figures::default();

    for dispute in records.disputes.iter().filter(|d| in_scope(&d.village)) {
        if period.contains_text(&dispute.registered_on) {
            f.disputes_screened += 1;
            f.disputes_mediated += usize::from(dispute.is_mediated());
            *f.disputes_by_category.entry(dispute.category).or_default() += 1;
        }
        if let Some(agreement) = dispute
            .agreement
            .as_ref()
            .filter(|a| period.contains_text(&a.signed_on))
        {
            f.disputes_resolved_with_agreement += 1;
            *f.agreements_by_kind.entry(agreement.kind).or_default() += 1;
        }
        if dispute.petition_backlog
            && dispute.is_resolved()
            && dispute
                .closure
                .as_ref()
                .is_some_and(|c| period.contains_text(&c.on))
        {
            f.petition_backlog_resolved += 1;
        }
    }

    let mut kinds = BTreeSet::new();
    for visit in records
        .outreach_visits
        .iter()
        .filter(|v| in_scope(&v.village) && period.contains_text(&v.visited_on))
    {
        f.outreach_visits += 1;
        for problem in &visit.problems {
            kinds.insert(problem.category.trim());
            f.outreach_problems_collected += 1;
            *f.outreach_problems_by_outcome
                .entry(problem.outcome)
                .or_default() += 1;
        }
    }
    f.outreach_problem_kinds = kinds.len();

    for person in records
        .persons
        .iter()
        .filter(|p| in_scope(&p.village) && p.floating.is_some() && p.merged_into.is_none())
    {
        f.floating_residents_registered += usize::from(period.contains_ms(person.created_at_ms));
        f.floating_residents_present +=
            usize::from(person.is_floating_resident_present_on(period.to));
    }

    for house in records
        .rental_houses
        .iter()
        .filter(|h| in_scope(&h.village))
    {
        if china_date(house.created_at_ms) <= period.to {
            f.rental_houses_registered += 1;
            let signed_by_end = house
                .responsibility_letter_signed_on
                .as_deref()
                .and_then(|d| Date::parse(d).ok())
                .is_some_and(|d| d <= period.to);
            f.rental_houses_with_letter += usize::from(signed_by_end);
        }
    }
    f
}

/// Figures for each village that has any record, and for the township as a whole.
pub fn figures_by_village(
    records: Records<'_>,
    period: Period,
) -> (BTreeMap<String, Figures>, Figures) {
    let villages: BTreeSet<&str> = records
        .persons
        .iter()
        .map(|p| p.village.as_str())
        .chain(records.rental_houses.iter().map(|h| h.village.as_str()))
        .chain(records.disputes.iter().map(|d| d.village.as_str()))
        .chain(records.outreach_visits.iter().map(|v| v.village.as_str()))
        .collect();
    let per_village = villages
        .into_iter()
        .map(|v| (v.to_owned(), figures(records, Some(v), period)))
        .collect();
    (per_village, figures(records, None, period))
}

#[cfg(test)]
mod tests;
