//! The annual-report figures computed over a small township whose answers were worked out by
//! hand (see the comments beside each record).

use std::collections::BTreeMap;

use pingan_shared::records::Authorship;
use pingan_shared::records::dispute::{Agreement, Closure, Dispute, MediationSession, Party};
use pingan_shared::records::outreach::{OutreachVisit, RaisedProblem};
use pingan_shared::records::person::{FloatingResident, Person};
use pingan_shared::records::rental_house::RentalHouse;
use pingan_shared::records::vocabulary::*;
use pingan_shared::statistics::{
    Figures, OutreachMonth, Period, Records, china_date, figures, figures_by_village,
};
use pingan_shared::validation::Date;

const XINGFU: &str = "xingfu";
const HEPING: &str = "heping";

fn date(text: &str) -> Date {
    Date::parse(text).unwrap()
}

/// Midnight UTC, which is 08:00 the same day in China.
fn ms(day: &str) -> i64 {
    date(day).days_since_epoch() * 86_400_000
}

fn by(village: &str, created: &str) -> Authorship {
    Authorship {
        village: village.into(),
        created_by: "worker".into(),
        created_at_ms: ms(created),
    }
}

fn year_2022() -> Period {
    Period {
        from: date("2022-01-01"),
        to: date("2022-12-31"),
    }
}

fn dispute(village: &str, registered: &str) -> Dispute {
    let mut d = Dispute::new(
        &by(village, registered),
        registered,
        DisputeCategory::Neighbour,
        DisputeSource::Screening,
        "纠纷",
    );
    d.parties.push(Party {
        name: "当事人".into(),
        person_id: None,
        phone: None,
    });
    d
}

fn mediated(mut d: Dispute, on: &str) -> Dispute {
    d.mediations.push(MediationSession {
        held_on: on.into(),
        mediator: "调解员".into(),
        actions: "协商".into(),
        result: MediationResult::Agreed,
    });
    d.status = DisputeStatus::Mediating;
    d
}

fn closed(mut d: Dispute, on: &str, resolution: Resolution) -> Dispute {
    d.closure = Some(Closure {
        by: "worker".into(),
        on: on.into(),
        resolution,
        result: "办结".into(),
    });
    d.status = DisputeStatus::Closed;
    d
}

fn signed(mut d: Dispute, on: &str) -> Dispute {
    d.agreement = Some(Agreement {
        kind: AgreementKind::Mediation,
        signed_on: on.into(),
    });
    d
}

fn disputes() -> Vec<Dispute> {
    let mut backlog = closed(
        signed(
            mediated(dispute(XINGFU, "2021-11-01"), "2022-01-20"),
            "2022-02-01",
        ),
        "2022-02-02",
        Resolution::Resolved,
    );
    backlog.petition_backlog = true;
    vec![
        // screened, mediated, agreement in 2022
        closed(
            signed(
                mediated(dispute(XINGFU, "2022-03-01"), "2022-03-03"),
                "2022-03-05",
            ),
            "2022-03-06",
            Resolution::Resolved,
        ),
        // screened, not yet mediated
        dispute(XINGFU, "2022-04-01"),
        // registered in 2021: not screened in 2022, but its agreement and backlog closure are
        backlog,
        // screened, closed without mediation (withdrawn) still counts as handled
        closed(
            dispute(HEPING, "2022-06-01"),
            "2022-06-02",
            Resolution::Withdrawn,
        ),
        // next year
        dispute(HEPING, "2023-01-02"),
    ]
}

fn problem(category: &str, outcome: ProblemOutcome) -> RaisedProblem {
    let department =
        (outcome == ProblemOutcome::WaitingOnDepartment).then(|| "区交通局".to_owned());
    RaisedProblem {
        summary: "问题".into(),
        category: category.into(),
        outcome,
        department,
    }
}

fn visits() -> Vec<OutreachVisit> {
    let mut xingfu = OutreachVisit::new(&by(XINGFU, "2022-05-10"), "2022-05-10");
    xingfu.problems = vec![
        problem("惠农政策", ProblemOutcome::ResolvedOnSpot),
        problem("道路", ProblemOutcome::WaitingOnDepartment),
        problem("惠农政策", ProblemOutcome::Pending),
    ];
    let mut heping = OutreachVisit::new(&by(HEPING, "2022-05-11"), "2022-05-11");
    heping.problems = vec![
        problem("水利", ProblemOutcome::ResolvedOnSpot),
        problem("道路", ProblemOutcome::ResolvedOnSpot),
    ];
    let mut last_year = OutreachVisit::new(&by(HEPING, "2021-12-31"), "2021-12-31");
    last_year.problems = vec![problem("治安", ProblemOutcome::ResolvedOnSpot)];
    vec![xingfu, heping, last_year]
}

fn floating(village: &str, created: &str, arrival: &str, departure: Option<&str>) -> Person {
    let mut p = Person::new(&by(village, created), "流动人员");
    p.floating = Some(FloatingResident {
        origin: "四川省".into(),
        arrival_date: arrival.into(),
        reason: FloatingReason::Work,
        employer: None,
        rented_house_id: None,
        residence_permit_number: None,
        departure_date: departure.map(str::to_owned),
    });
    p
}

fn persons() -> Vec<Person> {
    vec![
        floating(XINGFU, "2022-03-01", "2022-02-20", None), // registered, present
        floating(XINGFU, "2022-07-01", "2022-06-01", Some("2022-10-01")), // registered, left
        floating(HEPING, "2021-06-01", "2021-05-01", None), // registered last year, present
        Person::new(&by(HEPING, "2022-03-01"), "本地村民"), // not a floating resident
    ]
}

fn house(village: &str, created: &str, letter: Option<&str>) -> RentalHouse {
    let mut h = RentalHouse::new(&by(village, created), "地址", "房东", 4);
    h.responsibility_letter_signed_on = letter.map(str::to_owned);
    h
}

fn houses() -> Vec<RentalHouse> {
    vec![
        house(XINGFU, "2022-01-05", Some("2022-01-06")),
        house(XINGFU, "2022-02-01", None),
        house(HEPING, "2021-03-01", Some("2023-01-05")), // letter signed after the year ended
        house(HEPING, "2023-02-01", None),               // registered after the year ended
    ]
}

#[test]
fn township_figures_for_2022_match_the_hand_count() {
    let (disputes, visits, persons, houses) = (disputes(), visits(), persons(), houses());
    let records = Records {
        persons: &persons,
        rental_houses: &houses,
        disputes: &disputes,
        outreach_visits: &visits,
        ..Records::default()
    };

    let (by_village, township) = figures_by_village(records, year_2022());

    assert_eq!(
        township,
        Figures {
            disputes_screened: 3,
            disputes_mediated: 2,
            disputes_by_category: BTreeMap::from([(DisputeCategory::Neighbour, 3)]),
            disputes_resolved_with_agreement: 2,
            agreements_by_kind: BTreeMap::from([(AgreementKind::Mediation, 2)]),
            petition_backlog_resolved: 1,
            outreach_visits: 2,
            outreach_problem_kinds: 3,
            outreach_problems_collected: 5,
            outreach_problems_by_outcome: BTreeMap::from([
                (ProblemOutcome::ResolvedOnSpot, 3),
                (ProblemOutcome::WaitingOnDepartment, 1),
                (ProblemOutcome::Pending, 1),
            ]),
            floating_residents_registered: 2,
            floating_residents_present: 2,
            rental_houses_registered: 3,
            rental_houses_with_letter: 1,
            outreach_months: BTreeMap::from([(
                "2022-05".to_owned(),
                OutreachMonth {
                    visits: 2,
                    villages: 2
                }
            )]),
            // No dispute escalated or given a deadline, and none of the other work recorded.
            ..Figures::default()
        }
    );
    assert_eq!(township.mediation_rate_percent(), Some(66.7));
    assert_eq!(by_village.len(), 2);
    assert_eq!(by_village[XINGFU].mediation_rate_percent(), Some(50.0));
    assert_eq!(by_village[HEPING].mediation_rate_percent(), Some(100.0));
}

#[test]
fn village_figures_count_only_that_villages_records() {
    let (disputes, visits, persons, houses) = (disputes(), visits(), persons(), houses());
    let records = Records {
        persons: &persons,
        rental_houses: &houses,
        disputes: &disputes,
        outreach_visits: &visits,
        ..Records::default()
    };

    let xingfu = figures(records, Some(XINGFU), year_2022());
    let heping = figures(records, Some(HEPING), year_2022());

    assert_eq!((xingfu.disputes_screened, xingfu.disputes_mediated), (2, 1));
    assert_eq!(
        (
            xingfu.disputes_resolved_with_agreement,
            xingfu.petition_backlog_resolved
        ),
        (2, 1)
    );
    assert_eq!(
        (
            xingfu.outreach_problem_kinds,
            xingfu.outreach_problems_collected
        ),
        (2, 3)
    );
    assert_eq!(
        (
            xingfu.outreach_problems_with(ProblemOutcome::ResolvedOnSpot),
            xingfu.outreach_problems_with(ProblemOutcome::WaitingOnDepartment),
            xingfu.outreach_problems_with(ProblemOutcome::Pending)
        ),
        (1, 1, 1)
    );
    assert_eq!(
        (
            xingfu.floating_residents_registered,
            xingfu.floating_residents_present
        ),
        (2, 1)
    );
    assert_eq!(
        (
            xingfu.rental_houses_registered,
            xingfu.rental_houses_with_letter
        ),
        (2, 1)
    );

    assert_eq!((heping.disputes_screened, heping.disputes_mediated), (1, 1));
    assert_eq!(
        (
            heping.outreach_problem_kinds,
            heping.outreach_problems_with(ProblemOutcome::ResolvedOnSpot)
        ),
        (2, 2)
    );
    assert_eq!(
        (
            heping.floating_residents_registered,
            heping.floating_residents_present
        ),
        (0, 1)
    );
    assert_eq!(
        (
            heping.rental_houses_registered,
            heping.rental_houses_with_letter
        ),
        (1, 0)
    );
}

#[test]
fn no_disputes_means_no_mediation_rate_rather_than_zero() {
    let figures = figures(Records::default(), None, year_2022());
    assert_eq!(figures.mediation_rate_percent(), None);
}

#[test]
fn a_days_work_belongs_to_the_date_in_china() {
    // 20:00 UTC on New Year's Eve is already 04:00 on 1 January in China.
    assert_eq!(
        china_date(ms("2022-12-31") + 20 * 3_600_000),
        date("2023-01-01")
    );
    assert_eq!(
        china_date(ms("2022-12-31") + 15 * 3_600_000),
        date("2022-12-31")
    );
}

#[test]
fn a_period_splits_into_its_calendar_months_cut_to_the_period() {
    let period = Period {
        from: date("2022-01-15"),
        to: date("2022-03-10"),
    };
    let months: Vec<(String, String, String)> = period
        .months()
        .into_iter()
        .map(|(label, p)| (label, p.from.to_string(), p.to.to_string()))
        .collect();
    let expect = |l: &str, f: &str, t: &str| (l.to_owned(), f.to_owned(), t.to_owned());
    assert_eq!(
        months,
        [
            expect("2022-01", "2022-01-15", "2022-01-31"),
            expect("2022-02", "2022-02-01", "2022-02-28"),
            expect("2022-03", "2022-03-01", "2022-03-10"),
        ]
    );
}

#[test]
fn the_months_of_a_year_add_up_to_the_year() {
    let (disputes, visits, persons, houses) = (disputes(), visits(), persons(), houses());
    let records = Records {
        persons: &persons,
        rental_houses: &houses,
        disputes: &disputes,
        outreach_visits: &visits,
        ..Records::default()
    };
    let year = year_2022();
    let months = year.months();
    assert_eq!(months.len(), 12);
    let month_sum = |count: fn(&Figures) -> usize| -> usize {
        months
            .iter()
            .map(|(_, month)| count(&figures(records, None, *month)))
            .sum()
    };
    let whole = figures(records, None, year);
    assert_eq!(month_sum(|f| f.disputes_screened), whole.disputes_screened);
    assert_eq!(month_sum(|f| f.outreach_visits), whole.outreach_visits);
    assert_eq!(
        month_sum(|f| f.floating_residents_registered),
        whole.floating_residents_registered
    );
}
