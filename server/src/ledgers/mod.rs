//! Ledgers (台账): the registers an inspection asks the township to show, built from the
//! master copy for a period. Pure: records in, a [`Ledger`] (title, columns, one sheet per
//! village, a township summary) out; `xlsx.rs` and `csv.rs` write it.
//!
//! Columns use the terms of `docs/glossary.md`. Which records a period takes:
//! - disputes: registered (排查/登记) in the period;
//! - floating residents: living in the township at some time in the period;
//! - rental houses: registered by the end of the period;
//! - outreach visits: made in the period.

pub mod csv;
pub mod source;
pub mod xlsx;

use std::collections::BTreeMap;

use pingan_shared::records::dispute::Dispute;
use pingan_shared::records::outreach::OutreachVisit;
use pingan_shared::records::person::Person;
use pingan_shared::records::rental_house::RentalHouse;
use pingan_shared::statistics::{self, Figures, Period, Records};
use pingan_shared::validation::Date;

/// Which register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerKind {
    Disputes,
    FloatingResidents,
    RentalHouses,
    OutreachVisits,
    AnnualFigures,
}

impl LedgerKind {
    pub const ALL: [LedgerKind; 5] = [
        LedgerKind::Disputes,
        LedgerKind::FloatingResidents,
        LedgerKind::RentalHouses,
        LedgerKind::OutreachVisits,
        LedgerKind::AnnualFigures,
    ];

    /// The name in URLs (`/api/ledgers/{slug}.xlsx`).
    pub const fn slug(self) -> &'static str {
        match self {
            LedgerKind::Disputes => "disputes",
            LedgerKind::FloatingResidents => "floating-residents",
            LedgerKind::RentalHouses => "rental-houses",
            LedgerKind::OutreachVisits => "outreach-visits",
            LedgerKind::AnnualFigures => "annual-figures",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.slug() == slug)
    }

    pub const fn title(self) -> &'static str {
        match self {
            LedgerKind::Disputes => "矛盾纠纷排查调处台账",
            LedgerKind::FloatingResidents => "流动人口登记台账",
            LedgerKind::RentalHouses => "出租房屋台账",
            LedgerKind::OutreachVisits => "下访接访台账",
            LedgerKind::AnnualFigures => "年度平安建设数据",
        }
    }
}

/// One cell: text or a count.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
}

impl Cell {
    fn text(value: impl Into<String>) -> Self {
        Cell::Text(value.into())
    }

    fn count(value: usize) -> Self {
        Cell::Number(value as f64)
    }

    pub fn as_text(&self) -> String {
        match self {
            Cell::Text(text) => text.clone(),
            Cell::Number(n) if n.fract() == 0.0 => format!("{n:.0}"),
            Cell::Number(n) => n.to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// Village name, or 乡镇汇总 for the summary.
    pub name: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ledger {
    pub kind: LedgerKind,
    /// "青山镇矛盾纠纷排查调处台账"
    pub title: String,
    /// "统计期间：2022-01-01 至 2022-12-31　打印日期：2023-01-05"
    pub subtitle: String,
    /// Per village (in village-id order), then the township summary.
    pub sheets: Vec<Sheet>,
}

/// Everything a ledger may read.
#[derive(Debug, Clone, Default)]
pub struct Township {
    pub name: String,
    /// Village id → village name, in id order.
    pub villages: BTreeMap<String, String>,
    pub persons: Vec<Person>,
    pub rental_houses: Vec<RentalHouse>,
    pub disputes: Vec<Dispute>,
    pub outreach_visits: Vec<OutreachVisit>,
}

pub const SUMMARY_SHEET: &str = "乡镇汇总";

pub fn build(kind: LedgerKind, township: &Township, period: Period, printed_on: Date) -> Ledger {
    let title = format!("{}{}", township.name, kind.title());
    let subtitle = format!(
        "统计期间：{} 至 {}　打印日期：{}",
        period.from, period.to, printed_on
    );
    let sheets = match kind {
        LedgerKind::AnnualFigures => annual_figures(township, period),
        _ => {
            let mut sheets: Vec<Sheet> = township
                .villages
                .iter()
                .map(|(id, name)| Sheet {
                    name: name.clone(),
                    columns: columns(kind).iter().map(|c| (*c).to_owned()).collect(),
                    rows: rows(kind, township, id, period),
                })
                .collect();
            let summary = summary(kind, &sheets);
            sheets.push(summary);
            sheets
        }
    };
    Ledger {
        kind,
        title,
        subtitle,
        sheets,
    }
}

fn columns(kind: LedgerKind) -> &'static [&'static str] {
    match kind {
        LedgerKind::Disputes => &[
            "序号",
            "登记日期",
            "来源",
            "纠纷类别",
            "当事人",
            "纠纷简要情况",
            "调处层级",
            "包案领导",
            "办结时限",
            "调解次数",
            "协议",
            "状态",
            "调处结果",
        ],
        LedgerKind::FloatingResidents => &[
            "序号",
            "姓名",
            "性别",
            "公民身份号码",
            "出生日期",
            "来源地",
            "来到日期",
            "事由",
            "工作单位",
            "居住证号",
            "联系电话",
            "离开日期",
        ],
        LedgerKind::RentalHouses => &[
            "序号",
            "房屋地址",
            "房东姓名",
            "房东电话",
            "间数",
            "租住人数",
            "治安责任书签订日期",
            "最近安全检查日期",
        ],
        LedgerKind::OutreachVisits => &[
            "序号",
            "走访日期",
            "走访人员",
            "走访户数",
            "群众反映问题",
            "问题类别",
            "办理结果",
            "协调部门",
        ],
        LedgerKind::AnnualFigures => &[],
    }
}

fn rows(kind: LedgerKind, township: &Township, village: &str, period: Period) -> Vec<Vec<Cell>> {
    let mut rows = match kind {
        LedgerKind::Disputes => dispute_rows(township, village, period),
        LedgerKind::FloatingResidents => floating_rows(township, village, period),
        LedgerKind::RentalHouses => rental_rows(township, village, period),
        LedgerKind::OutreachVisits => outreach_rows(township, village, period),
        LedgerKind::AnnualFigures => Vec::new(),
    };
    for (i, row) in rows.iter_mut().enumerate() {
        row.insert(0, Cell::count(i + 1));
    }
    rows
}

fn dispute_rows(township: &Township, village: &str, period: Period) -> Vec<Vec<Cell>> {
    let mut disputes: Vec<&Dispute> = township
        .disputes
        .iter()
        .filter(|d| d.village == village && in_period(period, &d.registered_on))
        .collect();
    disputes.sort_by(|a, b| a.registered_on.cmp(&b.registered_on));
    disputes
        .into_iter()
        .map(|d| {
            let parties = d
                .parties
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join("、");
            vec![
                Cell::text(&d.registered_on),
                Cell::text(d.source.label_zh()),
                Cell::text(d.category.label_zh()),
                Cell::text(parties),
                Cell::text(&d.summary),
                Cell::text(d.level.label_zh()),
                Cell::text(d.responsible_leader.clone().unwrap_or_default()),
                Cell::text(d.deadline.clone().unwrap_or_default()),
                Cell::count(d.mediations.len()),
                Cell::text(
                    d.agreement
                        .as_ref()
                        .map(|a| format!("{}（{}）", a.kind.label_zh(), a.signed_on))
                        .unwrap_or_default(),
                ),
                Cell::text(d.status.label_zh()),
                Cell::text(
                    d.closure
                        .as_ref()
                        .map(|c| format!("{}：{}", c.resolution.label_zh(), c.result))
                        .unwrap_or_default(),
                ),
            ]
        })
        .collect()
}

fn floating_rows(township: &Township, village: &str, period: Period) -> Vec<Vec<Cell>> {
    let mut people: Vec<&Person> = township
        .persons
        .iter()
        .filter(|p| p.village == village && p.merged_into.is_none())
        .filter(|p| {
            p.floating.as_ref().is_some_and(|f| {
                let arrived = Date::parse(&f.arrival_date).is_ok_and(|d| d <= period.to);
                let still_here = f
                    .departure_date
                    .as_deref()
                    .and_then(|d| Date::parse(d).ok())
                    .is_none_or(|d| d >= period.from);
                arrived && still_here
            })
        })
        .collect();
    people.sort_by(|a, b| {
        let arrival = |p: &Person| p.floating.as_ref().map(|f| f.arrival_date.clone());
        (arrival(a), &a.name).cmp(&(arrival(b), &b.name))
    });
    people
        .into_iter()
        .map(|p| {
            let f = p.floating.as_ref().expect("filtered on floating");
            vec![
                Cell::text(&p.name),
                Cell::text(p.sex.map(|s| s.label_zh()).unwrap_or_default()),
                Cell::text(p.citizen_id.clone().unwrap_or_default()),
                Cell::text(p.birth_date.clone().unwrap_or_default()),
                Cell::text(&f.origin),
                Cell::text(&f.arrival_date),
                Cell::text(f.reason.label_zh()),
                Cell::text(f.employer.clone().unwrap_or_default()),
                Cell::text(f.residence_permit_number.clone().unwrap_or_default()),
                Cell::text(p.phone.clone().unwrap_or_default()),
                Cell::text(f.departure_date.clone().unwrap_or_default()),
            ]
        })
        .collect()
}

fn rental_rows(township: &Township, village: &str, period: Period) -> Vec<Vec<Cell>> {
    let mut houses: Vec<&RentalHouse> = township
        .rental_houses
        .iter()
        .filter(|h| h.village == village && statistics::china_date(h.created_at_ms) <= period.to)
        .collect();
    houses.sort_by(|a, b| a.address.cmp(&b.address));
    houses
        .into_iter()
        .map(|h| {
            vec![
                Cell::text(&h.address),
                Cell::text(&h.landlord_name),
                Cell::text(h.landlord_phone.clone().unwrap_or_default()),
                Cell::count(h.rooms as usize),
                Cell::count(h.tenant_ids.len()),
                Cell::text(
                    h.responsibility_letter_signed_on
                        .clone()
                        .unwrap_or_default(),
                ),
                Cell::text(h.last_safety_check_on.clone().unwrap_or_default()),
            ]
        })
        .collect()
}

fn outreach_rows(township: &Township, village: &str, period: Period) -> Vec<Vec<Cell>> {
    let mut visits: Vec<&OutreachVisit> = township
        .outreach_visits
        .iter()
        .filter(|v| v.village == village && in_period(period, &v.visited_on))
        .collect();
    visits.sort_by(|a, b| a.visited_on.cmp(&b.visited_on));
    // One row per problem raised (a visit with none still gets its row): the ledger is read
    // problem by problem, each with its outcome.
    let mut rows = Vec::new();
    for visit in visits {
        let head = |problem: Option<&pingan_shared::records::outreach::RaisedProblem>| {
            vec![
                Cell::text(&visit.visited_on),
                Cell::text(visit.visitors.join("、")),
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
            rows.push(head(None));
        }
        for problem in &visit.problems {
            rows.push(head(Some(problem)));
        }
    }
    rows
}

/// Per village, how many entries its sheet has, and the total.
fn summary(kind: LedgerKind, sheets: &[Sheet]) -> Sheet {
    let counted = match kind {
        LedgerKind::Disputes => "矛盾纠纷（件）",
        LedgerKind::FloatingResidents => "流动人口（人）",
        LedgerKind::RentalHouses => "出租房屋（处）",
        LedgerKind::OutreachVisits => "走访记录（条）",
        LedgerKind::AnnualFigures => "",
    };
    let mut rows: Vec<Vec<Cell>> = sheets
        .iter()
        .map(|s| vec![Cell::text(&s.name), Cell::count(s.rows.len())])
        .collect();
    let total = sheets.iter().map(|s| s.rows.len()).sum();
    rows.push(vec![Cell::text("合计"), Cell::count(total)]);
    Sheet {
        name: SUMMARY_SHEET.to_owned(),
        columns: vec!["村（居）".to_owned(), counted.to_owned()],
        rows,
    }
}

/// Every figure of the annual report, per village and for the township: one sheet.
fn annual_figures(township: &Township, period: Period) -> Vec<Sheet> {
    let records = Records {
        persons: &township.persons,
        rental_houses: &township.rental_houses,
        disputes: &township.disputes,
        outreach_visits: &township.outreach_visits,
    };
    let per_village: Vec<Figures> = township
        .villages
        .keys()
        .map(|id| statistics::figures(records, Some(id), period))
        .collect();
    let total = statistics::figures(records, None, period);
    let columns = std::iter::once("指标".to_owned())
        .chain(township.villages.values().cloned())
        .chain(std::iter::once("全镇合计".to_owned()))
        .collect();
    // One row per figure: its name, each village's value, the township's. The report's
    // order is `statistics::COUNTS` with the mediation rate after the first two.
    let row = |label: &str, value: &dyn Fn(&Figures) -> Cell| -> Vec<Cell> {
        std::iter::once(Cell::text(label))
            .chain(per_village.iter().map(value))
            .chain(std::iter::once(value(&total)))
            .collect()
    };
    let mut rows: Vec<Vec<Cell>> = statistics::COUNTS
        .iter()
        .map(|&(_, label, count)| row(label, &|f| Cell::count(count(f))))
        .collect();
    rows.insert(
        2,
        row(statistics::MEDIATION_RATE_LABEL, &|f| {
            f.mediation_rate_percent()
                .map_or(Cell::text("—"), Cell::Number)
        }),
    );
    vec![Sheet {
        name: "年度数据".to_owned(),
        columns,
        rows,
    }]
}

fn in_period(period: Period, day: &str) -> bool {
    Date::parse(day).is_ok_and(|d| period.contains(d))
}
