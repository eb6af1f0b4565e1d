//! 下访接访台账: visits made in the period, one row per problem raised (a visit with none
//! still gets its row), because the ledger is read problem by problem, each with its outcome.
//! So its rows are neither the visits nor the problems alone, and the summary counts both,
//! as the annual report does: 走访次数 and 反映问题（个）.

use pingan_shared::records::outreach::{OutreachVisit, RaisedProblem};
use pingan_shared::statistics::{Figures, Period};

use super::{Cell, Township, in_period, joined};

pub(super) const COLUMNS: &[&str] = &[
    "序号",
    "走访日期",
    "走访人员",
    "走访户数",
    "群众反映问题",
    "问题类别",
    "办理结果",
    "协调部门",
];

pub(super) fn rows(township: &Township, village: &str, period: Period) -> Vec<Vec<Cell>> {
    let mut visits: Vec<&OutreachVisit> = township
        .outreach_visits
        .iter()
        .filter(|v| v.village == village && in_period(period, &v.visited_on))
        .collect();
    visits.sort_by(|a, b| a.visited_on.cmp(&b.visited_on));
    let mut rows = Vec::new();
    for visit in visits {
        let row = |problem: Option<&RaisedProblem>| {
            vec![
                Cell::text(&visit.visited_on),
                Cell::text(joined(visit.visitors.iter().map(String::as_str))),
                Cell::count(visit.household_ids.len()),
                Cell::text(problem.map(|p| p.summary.clone()).unwrap_or_default()),
                Cell::text(problem.map(|p| p.category.clone()).unwrap_or_default()),
                Cell::text(problem.map(|p| p.outcome.label_zh()).unwrap_or_default()),
                Cell::text(
                    problem
                        .and_then(|p| p.department.clone())
                        .unwrap_or_default(),
                ),
            ]
        };
        if visit.problems.is_empty() {
            rows.push(row(None));
        }
        for problem in &visit.problems {
            rows.push(row(Some(problem)));
        }
    }
    rows
}

pub(super) fn summary_columns() -> Vec<String> {
    vec!["走访次数".to_owned(), "反映问题（个）".to_owned()]
}

pub(super) fn summary_cells(figures: &Figures) -> Vec<Cell> {
    vec![
        Cell::count(figures.outreach_visits),
        Cell::count(figures.outreach_problems_collected),
    ]
}
