//! The report as a Word document laid out the way a township's 公文 is (GB/T 9704): A4, the
//! standard margins, the title in 方正小标宋简体 二号 centred, the body in 仿宋_GB2312 三号 at a
//! fixed 28-point line with a two-character first-line indent, headings in 黑体, page numbers
//! "— 1 —" in the footer. A computer without those fonts shows its own Song/Fang Song faces;
//! the layout holds.
//!
//! Sizes are in half-points and lengths in twentieths of a point (twips), as Word counts them.

use docx_rs::{
    AlignmentType, Docx, Footer, LineSpacing, LineSpacingType, PageMargin, PageNum, Paragraph, Run,
    RunFonts, Table, TableAlignmentType, TableCell, TableRow, WidthType,
};

use super::{Appendix, Block, Piece, Report};

const TITLE_FONT: &str = "方正小标宋简体";
const BODY_FONT: &str = "仿宋_GB2312";
const HEADING_FONT: &str = "黑体";
const NOTE_FONT: &str = "楷体_GB2312";
const LATIN_FONT: &str = "Times New Roman";

/// 二号, 三号, 四号, 小四, 五号 in half-points.
const SIZE_2: usize = 44;
const SIZE_3: usize = 32;
const SIZE_4: usize = 28;
const SIZE_SMALL_4: usize = 24;
const SIZE_5: usize = 21;

/// A4, and the margins GB/T 9704 gives: 37 mm top, 35 mm bottom, 28 mm left, 26 mm right.
const A4: (u32, u32) = (11906, 16838);
const fn mm(millimetres: i32) -> i32 {
    millimetres * 1440 * 10 / 254
}
/// The body's line: fixed 28 points, so 22 lines fill a page as the standard asks.
const LINE: i32 = 560;

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("laying out the document: {0}")]
    Docx(#[from] docx_rs::DocxError),
    #[error("compressing the document: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("compressing the document: {0}")]
    Io(#[from] std::io::Error),
}

/// The document's bytes (a .docx is a zip of XML parts).
pub fn write(report: &Report) -> Result<Vec<u8>, WriteError> {
    let mut docx = Docx::new()
        .page_size(A4.0, A4.1)
        .page_margin(PageMargin {
            top: mm(37),
            bottom: mm(35),
            left: mm(28),
            right: mm(26),
            header: mm(15),
            footer: mm(20),
            gutter: 0,
        })
        .default_fonts(fonts(BODY_FONT))
        .default_size(SIZE_3)
        .footer(page_numbers())
        .add_paragraph(title(&report.title));
    for block in &report.body {
        docx = docx.add_paragraph(paragraph(block));
    }
    if !report.appendices.is_empty() {
        docx = docx.add_paragraph(
            Paragraph::new()
                .page_break_before(true)
                .line_spacing(line())
                .add_run(text(&report.appendix_heading, HEADING_FONT, SIZE_3)),
        );
        for appendix in &report.appendices {
            docx = docx
                .add_paragraph(caption(appendix))
                .add_table(table(appendix));
        }
    }
    let mut stored = std::io::Cursor::new(Vec::new());
    docx.build().pack(&mut stored)?;
    deflated(stored.get_ref())
}

/// The same parts, compressed: docx-rs stores them as they are, and a year's appendix is a
/// few megabytes of XML that deflate to a twentieth — a file a clerk can e-mail.
fn deflated(stored: &[u8]) -> Result<Vec<u8>, WriteError> {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(stored))?;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..archive.len() {
        let mut part = archive.by_index(i)?;
        if part.is_dir() {
            continue;
        }
        let mut bytes = Vec::with_capacity(part.size() as usize);
        part.read_to_end(&mut bytes)?;
        out.start_file(part.name().to_owned(), options)?;
        out.write_all(&bytes)?;
    }
    Ok(out.finish()?.into_inner())
}

fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(east_asia)
        .ascii(LATIN_FONT)
        .hi_ansi(LATIN_FONT)
}

fn text(value: &str, font: &str, size: usize) -> Run {
    Run::new().add_text(value).fonts(fonts(font)).size(size)
}

fn line() -> LineSpacing {
    LineSpacing::new()
        .line(LINE)
        .line_rule(LineSpacingType::Exact)
}

fn title(value: &str) -> Paragraph {
    Paragraph::new()
        .align(AlignmentType::Center)
        .line_spacing(
            LineSpacing::new()
                .line(700)
                .line_rule(LineSpacingType::Exact)
                .after(LINE as u32),
        )
        .add_run(text(value, TITLE_FONT, SIZE_2))
}

fn paragraph(block: &Block) -> Paragraph {
    let body = Paragraph::new()
        .line_spacing(line())
        .align(AlignmentType::Both)
        .first_line_chars(200);
    match block {
        Block::Heading(heading) => Paragraph::new()
            .line_spacing(line())
            .first_line_chars(200)
            .add_run(text(heading, HEADING_FONT, SIZE_3)),
        Block::Paragraph(pieces) => pieces.iter().fold(body, |p, piece| match piece {
            Piece::Text(words) => p.add_run(text(words, BODY_FONT, SIZE_3)),
            // The figure, then where it comes from: 〔附表3〕 in a smaller face.
            Piece::Figure { value, appendix } => p.add_run(text(value, BODY_FONT, SIZE_3)).add_run(
                text(&format!("〔附表{appendix}〕"), NOTE_FONT, SIZE_SMALL_4),
            ),
        }),
        Block::ToFill(what) => {
            body.add_run(text(&format!("【待填写：{what}】"), NOTE_FONT, SIZE_3).bold())
        }
    }
}

fn caption(appendix: &Appendix) -> Paragraph {
    Paragraph::new()
        .line_spacing(line())
        .keep_next(true)
        .add_run(text(
            &format!(
                "附表{}　{}：{}",
                appendix.number, appendix.label, appendix.value
            ),
            HEADING_FONT,
            SIZE_4,
        ))
}

/// 序号, 村（居）, 日期, 内容, 计入: the record behind each unit of the figure.
fn table(appendix: &Appendix) -> Table {
    const COLUMNS: [(&str, usize); 5] = [
        ("序号", 700),
        ("村（居）", 1500),
        ("日期", 1500),
        ("内容", 4600),
        ("计入", 700),
    ];
    let cell = |value: &str, width: usize| {
        TableCell::new()
            .width(width, WidthType::Dxa)
            .add_paragraph(Paragraph::new().add_run(text(value, BODY_FONT, SIZE_5)))
    };
    let header = TableRow::new(
        COLUMNS
            .iter()
            .map(|(name, width)| {
                TableCell::new()
                    .width(*width, WidthType::Dxa)
                    .add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(text(
                        name,
                        HEADING_FONT,
                        SIZE_5,
                    )))
            })
            .collect(),
    );
    let mut rows = vec![header];
    if appendix.rows.is_empty() {
        rows.push(TableRow::new(vec![
            cell("", COLUMNS[0].1),
            cell("", COLUMNS[1].1),
            cell("", COLUMNS[2].1),
            cell("本年度无此类记录", COLUMNS[3].1),
            cell("0", COLUMNS[4].1),
        ]));
    }
    for (i, row) in appendix.rows.iter().enumerate() {
        rows.push(TableRow::new(vec![
            cell(&(i + 1).to_string(), COLUMNS[0].1),
            cell(&row.village, COLUMNS[1].1),
            cell(&row.on, COLUMNS[2].1),
            cell(&row.what, COLUMNS[3].1),
            cell(&row.adds.to_string(), COLUMNS[4].1),
        ]));
    }
    Table::new(rows)
        .set_grid(COLUMNS.iter().map(|(_, w)| *w).collect())
        .align(TableAlignmentType::Center)
}

fn page_numbers() -> Footer {
    Footer::new().add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(text("— ", LATIN_FONT, SIZE_4))
            .add_page_num(PageNum::new())
            .add_run(text(" —", LATIN_FONT, SIZE_4)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{AppendixRow, Piece};

    fn report() -> Report {
        Report {
            title: "青山镇2022年度履行平安建设（综治工作）职责情况总结报告".into(),
            body: vec![
                Block::Heading("一、抓根本强基础。".into()),
                Block::Paragraph(vec![
                    Piece::Text("全镇共排查各类矛盾纠纷".into()),
                    Piece::Figure {
                        value: "1".into(),
                        appendix: 1,
                    },
                    Piece::Text("件。".into()),
                ]),
                Block::ToFill("开篇综述".into()),
            ],
            appendix_heading: "附件".into(),
            appendices: vec![Appendix {
                number: 1,
                label: "排查矛盾纠纷（件）".into(),
                value: "1".into(),
                rows: vec![AppendixRow {
                    village: "幸福村".into(),
                    on: "2022-03-01".into(),
                    what: "邻里纠纷".into(),
                    adds: 1,
                }],
            }],
        }
    }

    #[test]
    fn every_part_is_compressed_and_the_document_reads_back() {
        let bytes = write(&report()).unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
        for i in 0..archive.len() {
            let part = archive.by_index(i).unwrap();
            assert_eq!(
                part.compression(),
                zip::CompressionMethod::Deflated,
                "{}",
                part.name()
            );
        }
        let docx = docx_rs::read_docx(&bytes).unwrap();
        let text: Vec<String> = docx
            .document
            .children
            .iter()
            .filter_map(|c| match c {
                docx_rs::DocumentChild::Paragraph(p) => Some(p.raw_text()),
                _ => None,
            })
            .collect();
        assert_eq!(
            text[..4],
            [
                "青山镇2022年度履行平安建设（综治工作）职责情况总结报告",
                "一、抓根本强基础。",
                "全镇共排查各类矛盾纠纷1〔附表1〕件。",
                "【待填写：开篇综述】",
            ]
        );
    }
}
