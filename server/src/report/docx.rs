//! The report as a Word document laid out the way a township's 公文 is (GB/T 9704): A4, the
//! standard margins, the title in 方正小标宋简体 二号 centred, the body in 仿宋_GB2312 三号 at a
//! fixed 28-point line with a two-character first-line indent, headings in 黑体, page numbers
//! "— 1 —" in the footer. A computer without those fonts shows its own Song/Fang Song faces;
//! the layout holds.
//!
//! Sizes are in half-points and lengths in twentieths of a point (twips), as Word counts them.

use docx_rs::{
    AlignmentType, Docx, Footer, LineSpacing, LineSpacingType, PageMargin, PageNum, Paragraph,
    Run, RunFonts, Table, TableAlignmentType, TableCell, TableRow, WidthType,
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

/// The document's bytes (a .docx is a zip of XML parts).
pub fn write(report: &Report) -> Result<Vec<u8>, docx_rs::DocxError> {
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
    let mut bytes = std::io::Cursor::new(Vec::new());
    docx.build().pack(&mut bytes)?;
    Ok(bytes.into_inner())
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
            Piece::Figure { value, appendix } => p
                .add_run(text(value, BODY_FONT, SIZE_3))
                .add_run(text(&format!("〔附表{appendix}〕"), NOTE_FONT, SIZE_SMALL_4)),
        }),
        Block::ToFill(what) => body.add_run(text(&format!("【待填写：{what}】"), NOTE_FONT, SIZE_3).bold()),
    }
}

fn caption(appendix: &Appendix) -> Paragraph {
    Paragraph::new()
        .line_spacing(line())
        .keep_next(true)
        .add_run(text(
            &format!("附表{}　{}：{}", appendix.number, appendix.label, appendix.value),
            HEADING_FONT,
            SIZE_4,
        ))
}

/// 序号, 村（居）, 日期, 内容, 计入: the record behind each unit of the figure.
fn table(appendix: &Appendix) -> Table {
    const COLUMNS: [(&str, usize); 5] = [("序号", 700), ("村（居）", 1500), ("日期", 1500), ("内容", 4600), ("计入", 700)];
    let cell = |value: &str, width: usize| {
        TableCell::new().width(width, WidthType::Dxa).add_paragraph(
            Paragraph::new().add_run(text(value, BODY_FONT, SIZE_5)),
        )
    };
    let header = TableRow::new(
        COLUMNS
            .iter()
            .map(|(name, width)| {
                TableCell::new().width(*width, WidthType::Dxa).add_paragraph(
                    Paragraph::new()
                        .align(AlignmentType::Center)
                        .add_run(text(name, HEADING_FONT, SIZE_5)),
                )
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
