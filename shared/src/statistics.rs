//! The figures of the township's annual report (the `**` in its text), as pure functions over
//! records: for one village or the whole township, over a period.
//!
//! Definitions, chosen to match how the report counts:
//! - screened (排查): disputes registered in the period;
//! - mediated (调处): of those, the ones with a mediation session or already closed;
//! - mediation rate (调处率): mediated ÷ screened;
//! - resolved with agreement: agreements (调解协议 / 息诉息访协议) signed in the period;
//! - petition backlog resolved (化解信访积案): backlog cases closed as resolved in the period;
//! - outreach: problems raised on visits in the period, by outcome, and how many kinds (类);
//! - floating residents registered: floating-resident records created in the period;
//!   present: arrived and not departed on the period's last day;
//! - rental houses registered, and with the responsibility letter signed, by the last day.

use std::collections::{BTreeMap, BTreeSet};

use crate::records::dispute::Dispute;
use crate::records::outreach::OutreachVisit;
use crate::records::person::Person;
use crate::records::rental_house::RentalHouse;
use crate::records::vocabulary::ProblemOutcome;
use crate::validation::Date;
use crate::validation::date::days_in_month;

/// Both ends inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Date,
    pub to: Date,
}

impl Period {
    pub fn contains(&self, day: Date) -> bool {
        self.from <= day && day <= self.to
    }

    fn contains_text(&self, day: &str) -> bool {
        Date::parse(day).is_ok_and(|d| self.contains(d))
    }

    fn contains_ms(&self, unix_ms: i64) -> bool {
        self.contains(china_date(unix_ms))
    }
}

impl Period {
    /// The calendar months the period touches, each cut to the period, labelled `2026-03`:
    /// the steps of a monthly trend.
    pub fn months(&self) -> Vec<(String, Period)> {
        let mut months = Vec::new();
        let mut start = self.from;
        while start <= self.to && months.len() < 1200 {
            let (year, month) = (start.year(), start.month());
            let last =
                Date::new(year, month, days_in_month(year, month).unwrap_or(28)).unwrap_or(start);
            let end = last.min(self.to);
            months.push((
                format!("{year}-{month:02}"),
                Period {
                    from: start,
                    to: end,
                },
            ));
            start = last.add_days(1);
        }
        months
    }
}

/// The calendar date in China (UTC+8, no daylight saving) at `unix_ms`: record times are device
/// clock readings, and a day's work belongs to the local day it was done.
pub fn china_date(unix_ms: i64) -> Date {
    const CHINA_OFFSET_MS: i64 = 8 * 60 * 60 * 1000;
    Date::from_unix_ms(unix_ms + CHINA_OFFSET_MS)
}

/// Everything the figures are computed from.
#[derive(Debug, Clone, Copy, Default)]
pub struct Records<'a> {
    pub persons: &'a [Person],
    pub rental_houses: &'a [RentalHouse],
    pub disputes: &'a [Dispute],
    pub outreach_visits: &'a [OutreachVisit],
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    pub disputes_screened: usize,
    pub disputes_mediated: usize,
    pub disputes_resolved_with_agreement: usize,
    pub petition_backlog_resolved: usize,
    pub outreach_visits: usize,
    pub outreach_problem_kinds: usize,
    pub outreach_problems_collected: usize,
    pub outreach_problems_resolved: usize,
    pub outreach_problems_waiting_on_departments: usize,
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
}

/// One count of the annual report: a stable key, its name in the report, and its value.
pub type Count = (&'static str, &'static str, fn(&Figures) -> usize);

/// Every count of the annual report, in its order and words. The mediation rate
/// ([`Figures::mediation_rate_percent`]) follows the first two.
pub const COUNTS: &[Count] = &[
    ("disputes_screened", "排查矛盾纠纷（件）", |f| {
        f.disputes_screened
    }),
    ("disputes_mediated", "调处矛盾纠纷（件）", |f| {
        f.disputes_mediated
    }),
    (
        "disputes_resolved_with_agreement",
        "达成协议（件）",
        |f| f.disputes_resolved_with_agreement,
    ),
    (
        "petition_backlog_resolved",
        "化解信访积案（件）",
        |f| f.petition_backlog_resolved,
    ),
    ("outreach_visits", "下访走访（次）", |f| {
        f.outreach_visits
    }),
    (
        "outreach_problem_kinds",
        "收集群众问题（类）",
        |f| f.outreach_problem_kinds,
    ),
    (
        "outreach_problems_collected",
        "收集群众问题（件）",
        |f| f.outreach_problems_collected,
    ),
    ("outreach_problems_resolved", "当场解决（件）", |f| {
        f.outreach_problems_resolved
    }),
    (
        "outreach_problems_waiting_on_departments",
        "待上级部门协调（件）",
        |f| f.outreach_problems_waiting_on_departments,
    ),
    (
        "floating_residents_registered",
        "登记流动人口（人）",
        |f| f.floating_residents_registered,
    ),
    (
        "floating_residents_present",
        "期末在册流动人口（人）",
        |f| f.floating_residents_present,
    ),
    (
        "rental_houses_registered",
        "登记出租房屋（处）",
        |f| f.rental_houses_registered,
    ),
    (
        "rental_houses_with_letter",
        "签订治安责任书（处）",
        |f| f.rental_houses_with_letter,
    ),
];

/// The mediation rate's name in the report.
pub const MEDIATION_RATE_LABEL: &str = "调处率（%）";

/// Figures for the records of `village` (or the whole township when `None`).
pub fn figures(records: Records<'_>, village: Option<&str>, period: Period) -> Figures {
    let in_scope = |v: &str| village.is_none_or(|wanted| wanted == v);
    let mut f = Figures::default();

    for dispute in records.disputes.iter().filter(|d| in_scope(&d.village)) {
        if period.contains_text(&dispute.registered_on) {
            f.disputes_screened += 1;
            f.disputes_mediated += usize::from(dispute.is_mediated());
        }
        if dispute
            .agreement
            .as_ref()
            .is_some_and(|a| period.contains_text(&a.signed_on))
        {
            f.disputes_resolved_with_agreement += 1;
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
            match problem.outcome {
                ProblemOutcome::ResolvedOnSpot => f.outreach_problems_resolved += 1,
                ProblemOutcome::WaitingOnDepartment => {
                    f.outreach_problems_waiting_on_departments += 1;
                }
                ProblemOutcome::Pending => {}
            }
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
