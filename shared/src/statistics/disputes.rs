//! What each dispute adds: screened, mediated and by category when registered in the period;
//! its agreement when signed in it; a petition backlog case when resolved in it; and the
//! report's 矛盾无上交、无升级、无积压 — escalated above the township, escalated at all, or
//! past its deadline and still open when the period ends.

use super::trace::{Sink, brief};
use super::{Figure, Scope};
use crate::privacy::mask_name;
use crate::records::dispute::Dispute;
use crate::records::vocabulary::DisputeLevel;
use crate::validation::Date;

pub(super) fn count(disputes: &[Dispute], scope: Scope<'_>, sink: &mut impl Sink) {
    let period = scope.period;
    for d in disputes.iter().filter(|d| scope.holds(&d.village)) {
        let mut add = |figure, on| sink.add(figure, 1, &d.village, on, || described(d));
        if let Some(on) = period.day_within(&d.registered_on) {
            add(Figure::DisputesScreened, on);
            if d.is_mediated() {
                add(Figure::DisputesMediated, on);
            }
            add(Figure::DisputesOfCategory(d.category), on);
        }
        if let Some(agreement) = &d.agreement
            && let Some(on) = period.day_within(&agreement.signed_on)
        {
            add(Figure::AgreementsSigned, on);
            add(Figure::AgreementsOfKind(agreement.kind), on);
        }
        if d.petition_backlog
            && d.is_resolved()
            && let Some(on) = d.closure.as_ref().and_then(|c| period.day_within(&c.on))
        {
            add(Figure::PetitionBacklogResolved, on);
        }
        let escalated_on = |above: bool| {
            d.escalations
                .iter()
                .filter(|e| !above || e.to == DisputeLevel::Above)
                .filter_map(|e| period.day_within(&e.on))
                .min()
        };
        if let Some(on) = escalated_on(false) {
            add(Figure::DisputesEscalated, on);
        }
        if let Some(on) = escalated_on(true) {
            add(Figure::DisputesEscalatedAbove, on);
        }
        if let Some(deadline) = overdue_at(d, period.to) {
            add(Figure::DisputesOverdue, deadline);
        }
    }
}

/// `邻里纠纷：<summary>`, the parties in it by surname and stars. A party named in two to four
/// characters is taken for a person; a longer name is a company's and stays.
fn described(d: &Dispute) -> String {
    let mut people: Vec<&str> = d
        .parties
        .iter()
        .map(|p| p.name.trim())
        .filter(|name| (2..=4).contains(&name.chars().count()) || name.contains('·'))
        .collect();
    // 张三丰 before 张三, so the longer name is not half masked.
    people.sort_by_key(|name| std::cmp::Reverse(name.chars().count()));
    let summary = people.into_iter().fold(d.summary.clone(), |text, name| {
        text.replace(name, &mask_name(name))
    });
    format!("{}：{}", d.category.label_zh(), brief(&summary))
}

/// The deadline a dispute had missed by the end of `day`: registered by then, its deadline
/// before then, and not standing closed on it.
fn overdue_at(d: &Dispute, day: Date) -> Option<Date> {
    let registered = Date::parse(&d.registered_on).is_ok_and(|r| r <= day);
    let deadline = Date::parse(d.deadline.as_deref()?).ok()?;
    (registered && deadline < day && !closed_on(d, day)).then_some(deadline)
}

/// Whether the case stood closed on `day`, as its history tells it: a closure on or before
/// the day that no reopening on or before the day undid. A case closed after the period
/// ended was still open at its end; one reopened after it was still closed.
fn closed_on(d: &Dispute, day: Date) -> bool {
    let by_then = |text: &str| Date::parse(text).is_ok_and(|on| on <= day);
    let undone = d
        .reopenings
        .iter()
        .map(|r| (r.previous_closure.on.as_str(), Some(r.on.as_str())));
    let standing = d.closure.iter().map(|c| (c.on.as_str(), None));
    undone
        .chain(standing)
        .any(|(closed, reopened)| by_then(closed) && !reopened.is_some_and(by_then))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{by, date, year_2022};
    use super::super::{Records, figures, trace};
    use super::*;
    use crate::records::dispute::{Closure, Escalation, Party, Reopening};
    use crate::records::vocabulary::{DisputeCategory, DisputeSource, DisputeStatus, Resolution};

    fn dispute(registered: &str, deadline: Option<&str>) -> Dispute {
        let mut d = Dispute::new(
            &by("xingfu"),
            registered,
            DisputeCategory::LandAcquisition,
            DisputeSource::Petition,
            "征地补偿款分配争议，联系电话13812345678",
        );
        d.deadline = deadline.map(str::to_owned);
        d
    }

    fn escalate(mut d: Dispute, on: &str) -> Dispute {
        let from = d.level;
        d.level = from.next_up().unwrap();
        d.escalations.push(Escalation {
            from,
            to: d.level,
            by: "worker".into(),
            on: on.into(),
            reason: "村级调解未果".into(),
        });
        d
    }

    fn closure(on: &str) -> Closure {
        Closure {
            by: "worker".into(),
            on: on.into(),
            resolution: Resolution::Resolved,
            result: "达成一致".into(),
        }
    }

    fn closed(mut d: Dispute, on: &str) -> Dispute {
        d.closure = Some(closure(on));
        d.status = DisputeStatus::Closed;
        d
    }

    fn township(disputes: &[Dispute]) -> crate::statistics::Figures {
        let records = Records {
            disputes,
            ..Records::default()
        };
        figures(records, None, year_2022())
    }

    #[test]
    fn a_dispute_escalated_in_the_period_counts_once_however_often_and_above_when_it_left_the_township()
     {
        let to_village = escalate(dispute("2022-02-01", None), "2022-02-10");
        let up = |d| escalate(d, "2022-03-01");
        let above = up(up(escalate(dispute("2022-02-01", None), "2022-02-10")));
        let last_year = escalate(dispute("2021-05-01", None), "2021-06-01");
        let f = township(&[to_village, above, last_year]);
        assert_eq!((f.disputes_escalated, f.disputes_escalated_above), (2, 1));
    }

    #[test]
    fn a_dispute_past_its_deadline_and_open_at_the_periods_end_is_overdue() {
        let disputes = [
            dispute("2022-03-01", Some("2022-06-30")), // open: overdue
            closed(dispute("2022-03-01", Some("2022-06-30")), "2022-08-01"), // closed late, by year end
            closed(dispute("2022-03-01", Some("2022-06-30")), "2023-01-05"), // closed only next year
            dispute("2022-03-01", Some("2022-12-31")), // due on the last day: not yet overdue
            dispute("2022-03-01", None),               // no deadline set
        ];
        let f = township(&disputes);
        assert_eq!(f.disputes_overdue, 2);
        let rows = trace(
            Records {
                disputes: &disputes,
                ..Records::default()
            },
            None,
            year_2022(),
            Figure::DisputesOverdue,
        );
        assert!(rows.iter().all(|r| r.on == "2022-06-30"), "{rows:?}");
    }

    #[test]
    fn a_case_reopened_after_the_period_stood_closed_at_its_end_and_one_reopened_within_did_not() {
        let reopened = |on: &str| {
            let mut d = dispute("2022-03-01", Some("2022-06-30"));
            d.reopenings.push(Reopening {
                by: "worker".into(),
                on: on.into(),
                reason: "当事人反悔".into(),
                previous_closure: closure("2022-05-01"),
            });
            d.status = DisputeStatus::Mediating;
            d
        };
        assert!(closed_on(&reopened("2023-02-01"), date("2022-12-31")));
        assert!(!closed_on(&reopened("2022-11-01"), date("2022-12-31")));
        assert_eq!(
            township(&[reopened("2023-02-01"), reopened("2022-11-01")]).disputes_overdue,
            1
        );
    }

    #[test]
    fn a_dispute_is_described_by_its_category_and_summary_without_the_phone_number() {
        let described = described(&dispute("2022-03-01", None));
        assert_eq!(
            described,
            "征地拆迁纠纷：征地补偿款分配争议，联系电话***********"
        );
    }

    #[test]
    fn the_people_in_a_summary_appear_by_surname_and_stars_and_a_company_by_name() {
        let mut d = dispute("2022-03-01", None);
        d.category = DisputeCategory::Labour;
        d.summary = "张三、张三丰与青山建材有限公司因工资拖欠争执".into();
        for name in ["张三", "张三丰", "青山建材有限公司"] {
            d.parties.push(Party {
                name: name.into(),
                person_id: None,
                phone: Some("13812345678".into()),
            });
        }
        assert_eq!(
            described(&d),
            "劳资纠纷：张*、张**与青山建材有限公司因工资拖欠争执"
        );
    }
}
