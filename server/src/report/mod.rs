//! 年度总结报告: the township's year-end report on its 平安建设 (综治) duties, written from the
//! records as a Word document for the office to finish and send up.
//!
//! It follows the seed report (`docs/review.md`, "The annual report") section by section:
//! every figure the records can give is filled in and points to an appendix table (附表) that
//! lists the records behind it, one row per record, so anyone checking a number finds the
//! register entries it counts. What the records cannot know — the meetings held, the
//! narrative, the money spent, a satisfaction survey — is a marked 【待填写：…】 paragraph for
//! the clerk, never invented.
//!
//! Layout: [`compose`] (pure: the township's records and a year in, a [`Report`] out) and
//! [`docx`] (the [`Report`] as a .docx laid out as a 公文).

pub mod compose;
pub mod docx;

/// The report before it is laid out.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// 东湖镇2022年度履行平安建设（综治工作）职责情况总结报告
    pub title: String,
    pub body: Vec<Block>,
    /// 附件：… — the heading over the appendix tables.
    pub appendix_heading: String,
    pub appendices: Vec<Appendix>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// 一、抓根本强基础，综合治理工作取得显著成果。
    Heading(String),
    /// The report's words with figures from the records.
    Paragraph(Vec<Piece>),
    /// What only the township can write: shown as 【待填写：…】.
    ToFill(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    Text(String),
    /// A figure, and the number of the appendix table behind it.
    Figure {
        value: String,
        appendix: usize,
    },
}

/// 附表N: one figure and the records it counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Appendix {
    pub number: usize,
    /// 排查矛盾纠纷（件）
    pub label: String,
    /// The figure as the text gives it.
    pub value: String,
    pub rows: Vec<AppendixRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AppendixRow {
    /// The village's name.
    pub village: String,
    pub on: String,
    pub what: String,
    /// How much the record adds to the figure (1, or e.g. the leaflets it handed out).
    pub adds: usize,
}
