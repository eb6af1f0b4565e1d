//! Ledgers (台账): the registers an inspection asks the township to show, built from the
//! master copy for a period. Pure: records in, a [`Ledger`] (title, columns, one sheet per
//! village, a township summary) out; `xlsx.rs` and `csv.rs` write it.
//!
//! Columns use the terms of `docs/glossary.md`, and each register's own file lists them
//! (`disputes.rs`, `floating_residents.rs`, `rental_houses.rs`, `outreach_visits.rs`,
//! `annual_figures.rs`). Which records a period takes:
//! - disputes: registered (排查/登记) in the period;
//! - floating residents: living in the township at some time in the period;
//! - rental houses: registered by the end of the period;
//! - outreach visits: made in the period.
//!
//! Every count a summary shares with the annual report comes from `pingan_shared::statistics`,
//! so a ledger and the 统计 screen never give two answers to one question. ID and phone
//! numbers are starred ([`Disclosure::Masked`]) unless an admin asks for them whole.

mod annual_figures;
pub mod csv;
mod disputes;
mod floating_residents;
mod outreach_visits;
mod rental_houses;
pub mod source;
pub mod xlsx;

use std::collections::{BTreeMap, HashMap};

use pingan_shared::privacy;
use pingan_shared::records::dispute::Dispute;
use pingan_shared::records::household::Household;
use pingan_shared::records::outreach::OutreachVisit;
use pingan_shared::records::person::Person;
use pingan_shared::records::rental_house::RentalHouse;
use pingan_shared::statistics::{self, Figures, Period, Records, Work};
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

    /// The name a download is saved under, as a clerk would file it:
    /// `矛盾纠纷排查调处台账_2022-01-01至2022-12-31.xlsx`.
    pub fn file_name(self, period: Period, extension: &str) -> String {
        format!(
            "{}_{}至{}.{extension}",
            self.title(),
            period.from,
            period.to
        )
    }

    /// The same name in ASCII, for the few programs that cannot read a Chinese file name:
    /// `disputes_2022-01-01_2022-12-31.xlsx`.
    pub fn ascii_file_name(self, period: Period, extension: &str) -> String {
        format!("{}_{}_{}.{extension}", self.slug(), period.from, period.to)
    }
}

/// Whether ID and phone numbers are printed whole or starred (`pingan_shared::privacy`). A
/// ledger is printed and left on desks, so starred is the default; the whole numbers are for
/// an admin who asks for them by name (`?full=1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disclosure {
    Masked,
    Full,
}

impl Disclosure {
    fn citizen_id(self, id: &str) -> String {
        match self {
            Disclosure::Masked => privacy::mask_citizen_id(id),
            Disclosure::Full => id.to_owned(),
        }
    }

    fn phone(self, phone: &str) -> String {
        match self {
            Disclosure::Masked => privacy::mask_phone(phone),
            Disclosure::Full => phone.to_owned(),
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

/// Records of one kind with their document ids, so a ledger can follow a reference (a
/// tenant's rented house, a party's person record, a person's household) to what it names.
/// Reads as the slice of records for everything else.
#[derive(Debug, Clone)]
pub struct Linked<R> {
    ids: Vec<String>,
    records: Vec<R>,
    by_id: HashMap<String, usize>,
}

impl<R> Default for Linked<R> {
    fn default() -> Self {
        Self {
            ids: Vec::new(),
            records: Vec::new(),
            by_id: HashMap::new(),
        }
    }
}

impl<R> FromIterator<(String, R)> for Linked<R> {
    fn from_iter<I: IntoIterator<Item = (String, R)>>(records: I) -> Self {
        let mut linked = Self::default();
        for (id, record) in records {
            linked.by_id.insert(id.clone(), linked.records.len());
            linked.ids.push(id);
            linked.records.push(record);
        }
        linked
    }
}

impl<R> Linked<R> {
    pub fn get(&self, id: &str) -> Option<&R> {
        self.by_id.get(id).map(|&i| &self.records[i])
    }

    pub fn with_ids(&self) -> impl Iterator<Item = (&str, &R)> {
        self.ids.iter().map(String::as_str).zip(&self.records)
    }
}

impl<R> std::ops::Deref for Linked<R> {
    type Target = [R];

    fn deref(&self) -> &[R] {
        &self.records
    }
}

/// Everything a ledger may read.
#[derive(Debug, Clone, Default)]
pub struct Township {
    pub name: String,
    /// Village id → village name, in id order.
    pub villages: BTreeMap<String, String>,
    pub persons: Linked<Person>,
    pub households: Linked<Household>,
    pub rental_houses: Linked<RentalHouse>,
    pub disputes: Vec<Dispute>,
    pub outreach_visits: Vec<OutreachVisit>,
    /// The rest of the year's work (issue 16), for the figures and the year-end report.
    pub work: Work,
}

impl Township {
    /// Every record the figures count, as `statistics` reads them.
    pub fn records(&self) -> Records<'_> {
        self.work.beside(Records {
            persons: &self.persons,
            rental_houses: &self.rental_houses,
            disputes: &self.disputes,
            outreach_visits: &self.outreach_visits,
            ..Records::default()
        })
    }

    /// The annual report's figures for `village` (or the township), as 统计 computes them.
    fn figures(&self, village: Option<&str>, period: Period) -> Figures {
        statistics::figures(self.records(), village, period)
    }
}

pub const SUMMARY_SHEET: &str = "乡镇汇总";

pub fn build(
    kind: LedgerKind,
    township: &Township,
    period: Period,
    printed_on: Date,
    disclosure: Disclosure,
) -> Ledger {
    let title = format!("{}{}", township.name, kind.title());
    let subtitle = format!(
        "统计期间：{} 至 {}　打印日期：{}",
        period.from, period.to, printed_on
    );
    let sheets = match kind {
        LedgerKind::AnnualFigures => annual_figures::sheets(township, period),
        _ => {
            let mut sheets: Vec<Sheet> = township
                .villages
                .iter()
                .map(|(id, name)| Sheet {
                    name: name.clone(),
                    columns: columns(kind).iter().map(|c| (*c).to_owned()).collect(),
                    rows: rows(kind, township, id, period, disclosure),
                })
                .collect();
            let summary = summary(kind, township, period, &sheets);
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
        LedgerKind::Disputes => disputes::COLUMNS,
        LedgerKind::FloatingResidents => floating_residents::COLUMNS,
        LedgerKind::RentalHouses => rental_houses::COLUMNS,
        LedgerKind::OutreachVisits => outreach_visits::COLUMNS,
        LedgerKind::AnnualFigures => &[],
    }
}

/// A village's rows, numbered (序号) from 1.
fn rows(
    kind: LedgerKind,
    township: &Township,
    village: &str,
    period: Period,
    disclosure: Disclosure,
) -> Vec<Vec<Cell>> {
    let mut rows = match kind {
        LedgerKind::Disputes => disputes::rows(township, village, period, disclosure),
        LedgerKind::FloatingResidents => {
            floating_residents::rows(township, village, period, disclosure)
        }
        LedgerKind::RentalHouses => rental_houses::rows(township, village, period, disclosure),
        LedgerKind::OutreachVisits => outreach_visits::rows(township, village, period),
        LedgerKind::AnnualFigures => Vec::new(),
    };
    for (i, row) in rows.iter_mut().enumerate() {
        row.insert(0, Cell::count(i + 1));
    }
    rows
}

/// 乡镇汇总: a row per village, then 合计. Disputes and visits give the figures the annual
/// report gives for them (from `statistics`); the registers of people and houses, how many
/// entries each village's sheet has.
fn summary(kind: LedgerKind, township: &Township, period: Period, sheets: &[Sheet]) -> Sheet {
    let columns: Vec<String> = match kind {
        LedgerKind::Disputes => disputes::summary_columns(),
        LedgerKind::OutreachVisits => outreach_visits::summary_columns(),
        LedgerKind::FloatingResidents => vec!["流动人口（人）".to_owned()],
        LedgerKind::RentalHouses => vec!["出租房屋（处）".to_owned()],
        LedgerKind::AnnualFigures => Vec::new(),
    };
    let cells = |village: Option<&str>, entries: usize| -> Vec<Cell> {
        match kind {
            LedgerKind::Disputes => disputes::summary_cells(&township.figures(village, period)),
            LedgerKind::OutreachVisits => {
                outreach_visits::summary_cells(&township.figures(village, period))
            }
            _ => vec![Cell::count(entries)],
        }
    };
    let mut rows: Vec<Vec<Cell>> = township
        .villages
        .keys()
        .zip(sheets)
        .map(|(id, sheet)| {
            std::iter::once(Cell::text(&sheet.name))
                .chain(cells(Some(id), sheet.rows.len()))
                .collect()
        })
        .collect();
    let entries = sheets.iter().map(|s| s.rows.len()).sum();
    rows.push(
        std::iter::once(Cell::text("合计"))
            .chain(cells(None, entries))
            .collect(),
    );
    Sheet {
        name: SUMMARY_SHEET.to_owned(),
        columns: std::iter::once("村（居）".to_owned())
            .chain(columns)
            .collect(),
        rows,
    }
}

fn in_period(period: Period, day: &str) -> bool {
    Date::parse(day).is_ok_and(|d| period.contains(d))
}

/// Names of a list joined as a clerk writes them: 张三、李四.
fn joined<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names.into_iter().collect::<Vec<_>>().join("、")
}

#[cfg(test)]
mod tests;
