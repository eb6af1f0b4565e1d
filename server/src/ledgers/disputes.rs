//! 矛盾纠纷排查调处台账: one row per dispute registered in the period, in the order found, with
//! what the township's paper ledger records of it from screening to closure.
//!
//! The dispute record holds no village group of its own: 村民小组 is the group of the
//! household of each party registered as a person, so it is blank for parties known only by
//! name. Parties' phones are the number given for the party, or else the person record's.

use std::collections::BTreeSet;

use pingan_shared::records::dispute::{Dispute, Party};
use pingan_shared::records::person::Person;
use pingan_shared::statistics::{Figure, Figures, MEDIATION_RATE_LABEL, Period};

use super::{Cell, Disclosure, Township, in_period, joined};

pub(super) const COLUMNS: &[&str] = &[
    "序号",
    "登记日期",
    "村民小组",
    "来源",
    "纠纷类别",
    "当事人",
    "当事人联系电话",
    "纠纷简要情况",
    "信访积案",
    "调处层级",
    "包案领导",
    "办结时限",
    "调解次数",
    "调解员",
    "协议",
    "状态",
    "办结日期",
    "调处结果",
];

pub(super) fn rows(
    township: &Township,
    village: &str,
    period: Period,
    disclosure: Disclosure,
) -> Vec<Vec<Cell>> {
    let mut disputes: Vec<&Dispute> = township
        .disputes
        .iter()
        .filter(|d| d.village == village && in_period(period, &d.registered_on))
        .collect();
    disputes.sort_by(|a, b| a.registered_on.cmp(&b.registered_on));
    disputes
        .into_iter()
        .map(|d| row(township, d, disclosure))
        .collect()
}

fn row(township: &Township, d: &Dispute, disclosure: Disclosure) -> Vec<Cell> {
    let person = |party: &Party| -> Option<&Person> {
        party
            .person_id
            .as_deref()
            .and_then(|id| township.persons.get(id))
    };
    let groups: BTreeSet<&str> = d
        .parties
        .iter()
        .filter_map(person)
        .filter_map(|p| p.household_id.as_deref())
        .filter_map(|id| township.households.get(id))
        .map(|h| h.group.trim())
        .filter(|g| !g.is_empty())
        .collect();
    let phones: Vec<String> = d
        .parties
        .iter()
        .filter_map(|party| {
            let phone = party
                .phone
                .as_deref()
                .or_else(|| person(party).and_then(|p| p.phone.as_deref()))
                .filter(|phone| !phone.trim().is_empty())?;
            Some(format!("{}：{}", party.name, disclosure.phone(phone)))
        })
        .collect();
    // Each mediator once, in the order they first sat.
    let mut mediators: Vec<&str> = Vec::new();
    for session in &d.mediations {
        let mediator = session.mediator.trim();
        if !mediator.is_empty() && !mediators.contains(&mediator) {
            mediators.push(mediator);
        }
    }
    vec![
        Cell::text(&d.registered_on),
        Cell::text(joined(groups)),
        Cell::text(d.source.label_zh()),
        Cell::text(d.category.label_zh()),
        Cell::text(joined(d.parties.iter().map(|p| p.name.as_str()))),
        Cell::text(joined(phones.iter().map(String::as_str))),
        Cell::text(&d.summary),
        Cell::text(if d.petition_backlog { "是" } else { "否" }),
        Cell::text(d.level.label_zh()),
        Cell::text(d.responsible_leader.clone().unwrap_or_default()),
        Cell::text(d.deadline.clone().unwrap_or_default()),
        Cell::count(d.mediations.len()),
        Cell::text(joined(mediators)),
        Cell::text(
            d.agreement
                .as_ref()
                .map(|a| format!("{}（{}）", a.kind.label_zh(), a.signed_on))
                .unwrap_or_default(),
        ),
        Cell::text(d.status.label_zh()),
        Cell::text(d.closure.as_ref().map(|c| c.on.clone()).unwrap_or_default()),
        Cell::text(
            d.closure
                .as_ref()
                .map(|c| format!("{}：{}", c.resolution.label_zh(), c.result))
                .unwrap_or_default(),
        ),
    ]
}

/// 排查, 调处 and 调处率 per village, in the annual report's words.
pub(super) fn summary_columns() -> Vec<String> {
    vec![
        Figure::DisputesScreened.label(),
        Figure::DisputesMediated.label(),
        MEDIATION_RATE_LABEL.to_owned(),
    ]
}

pub(super) fn summary_cells(figures: &Figures) -> Vec<Cell> {
    vec![
        Cell::count(figures.disputes_screened),
        Cell::count(figures.disputes_mediated),
        figures
            .mediation_rate_percent()
            .map_or(Cell::text("—"), Cell::Number),
    ]
}
