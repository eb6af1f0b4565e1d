//! The breakdowns: every category, kind and outcome counted on its own, adding up to the
//! total the report gives above them.

use super::{by, year_2022};
use crate::records::dispute::{Agreement, Dispute};
use crate::records::outreach::{OutreachVisit, RaisedProblem};
use crate::records::vocabulary::{AgreementKind, DisputeCategory, DisputeSource, ProblemOutcome};
use crate::statistics::{Figure, Figures, Records, counts, figures};

fn dispute(
    registered: &str,
    category: DisputeCategory,
    agreement: Option<AgreementKind>,
) -> Dispute {
    let mut d = Dispute::new(
        &by("xingfu"),
        registered,
        category,
        DisputeSource::Screening,
        "纠纷",
    );
    d.agreement = agreement.map(|kind| Agreement {
        kind,
        signed_on: registered.into(),
    });
    d
}

fn visit(on: &str, outcomes: &[ProblemOutcome]) -> OutreachVisit {
    let mut v = OutreachVisit::new(&by("xingfu"), on);
    v.problems = outcomes
        .iter()
        .map(|&outcome| RaisedProblem {
            summary: "问题".into(),
            category: "惠农政策".into(),
            outcome,
            department: None,
        })
        .collect();
    v
}

fn township_figures(disputes: &[Dispute], visits: &[OutreachVisit]) -> Figures {
    let records = Records {
        disputes,
        outreach_visits: visits,
        ..Records::default()
    };
    figures(records, None, year_2022())
}

#[test]
fn problems_of_every_outcome_are_counted_and_add_up_to_those_collected() {
    use ProblemOutcome::*;
    let visits = [
        visit(
            "2022-05-10",
            &[ResolvedOnSpot, WaitingOnDepartment, Pending],
        ),
        visit("2022-06-01", &[ResolvedOnSpot, Pending]),
        visit("2021-12-31", &[Pending]), // last year
    ];
    let f = township_figures(&[], &visits);
    assert_eq!(f.outreach_problems_collected, 5);
    assert_eq!(f.outreach_problems_with(ResolvedOnSpot), 2);
    assert_eq!(f.outreach_problems_with(WaitingOnDepartment), 1);
    assert_eq!(f.outreach_problems_with(Pending), 2, "待办 is counted too");
    let by_outcome: usize = ProblemOutcome::ALL
        .iter()
        .map(|&o| f.outreach_problems_with(o))
        .sum();
    assert_eq!(by_outcome, f.outreach_problems_collected);
}

#[test]
fn mediation_and_petition_settlement_agreements_are_counted_apart() {
    use AgreementKind::*;
    let disputes = [
        dispute("2022-03-01", DisputeCategory::Neighbour, Some(Mediation)),
        dispute("2022-04-01", DisputeCategory::Neighbour, Some(Mediation)),
        dispute(
            "2022-05-01",
            DisputeCategory::LandAcquisition,
            Some(PetitionSettlement),
        ),
        dispute("2022-06-01", DisputeCategory::Family, None),
        dispute("2021-06-01", DisputeCategory::Family, Some(Mediation)), // signed last year
    ];
    let f = township_figures(&disputes, &[]);
    assert_eq!(f.disputes_resolved_with_agreement, 3);
    assert_eq!(f.agreements_of(Mediation), 2);
    assert_eq!(f.agreements_of(PetitionSettlement), 1);
}

#[test]
fn screened_disputes_are_counted_by_category_and_add_up_to_those_screened() {
    use DisputeCategory::*;
    let disputes = [
        dispute("2022-01-05", LandAcquisition, None),
        dispute("2022-02-05", LandAcquisition, None),
        dispute("2022-03-05", Accident, None),
        dispute("2022-04-05", Other, None),
        dispute("2021-04-05", Accident, None), // registered last year: not screened in 2022
    ];
    let f = township_figures(&disputes, &[]);
    assert_eq!(f.disputes_of(LandAcquisition), 2);
    assert_eq!(f.disputes_of(Accident), 1);
    assert_eq!(f.disputes_of(Other), 1);
    assert_eq!(f.disputes_of(Neighbour), 0, "a category with none reads 0");
    let by_category: usize = DisputeCategory::ALL.iter().map(|&c| f.disputes_of(c)).sum();
    assert_eq!(by_category, f.disputes_screened);
}

#[test]
fn the_report_rows_of_a_breakdown_add_up_to_the_row_of_its_total() {
    let disputes = [
        dispute(
            "2022-03-01",
            DisputeCategory::Labour,
            Some(AgreementKind::Mediation),
        ),
        dispute(
            "2022-05-01",
            DisputeCategory::Contract,
            Some(AgreementKind::PetitionSettlement),
        ),
    ];
    let visits = [visit(
        "2022-05-10",
        &[ProblemOutcome::Pending, ProblemOutcome::ResolvedOnSpot],
    )];
    let f = township_figures(&disputes, &visits);
    let rows = counts();
    let sum_of = |part: fn(&Figure) -> bool| -> usize {
        rows.iter().filter(|r| part(r)).map(|r| r.count(&f)).sum()
    };
    assert_eq!(
        sum_of(|r| matches!(r, Figure::DisputesOfCategory(_))),
        Figure::DisputesScreened.count(&f)
    );
    assert_eq!(
        sum_of(|r| matches!(r, Figure::AgreementsOfKind(_))),
        Figure::AgreementsSigned.count(&f)
    );
    assert_eq!(
        sum_of(|r| matches!(r, Figure::OutreachProblemsWith(_))),
        Figure::OutreachProblemsCollected.count(&f)
    );
}
