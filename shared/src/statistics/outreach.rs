//! What each outreach visit in the period adds: the visit, each problem raised on it and how
//! it ended, and the kinds of problem — how many different ones, so a kind adds 1 where it is
//! first raised and 0 where it is raised again.

use std::collections::BTreeSet;

use super::trace::{Sink, brief};
use super::{Figure, Scope};
use crate::records::outreach::{OutreachVisit, RaisedProblem};

pub(super) fn count(visits: &[OutreachVisit], scope: Scope<'_>, sink: &mut impl Sink) {
    let mut kinds = BTreeSet::new();
    for visit in visits.iter().filter(|v| scope.holds(&v.village)) {
        let Some(on) = scope.period.day_within(&visit.visited_on) else {
            continue;
        };
        let village = visit.village.as_str();
        sink.add(Figure::OutreachVisits, 1, village, on, || described(visit));
        for problem in &visit.problems {
            let kind = problem.category.trim();
            let first = kinds.insert(kind);
            let what = || kind.to_owned();
            sink.add(
                Figure::OutreachProblemKinds,
                usize::from(first),
                village,
                on,
                what,
            );
            let what = || raised(problem);
            sink.add(Figure::OutreachProblemsCollected, 1, village, on, what);
            let what = || raised(problem);
            sink.add(
                Figure::OutreachProblemsWith(problem.outcome),
                1,
                village,
                on,
                what,
            );
        }
    }
}

/// `下访走访：走访3户，收集问题2件`: who went is in the ledger; the count is what matters here.
fn described(visit: &OutreachVisit) -> String {
    format!(
        "下访走访：走访{}户，收集问题{}件",
        visit.household_ids.len(),
        visit.problems.len()
    )
}

/// `惠农政策：低保评定不公开（当场解决）`.
fn raised(problem: &RaisedProblem) -> String {
    format!(
        "{}：{}（{}）",
        problem.category.trim(),
        brief(&problem.summary),
        problem.outcome.label_zh()
    )
}
