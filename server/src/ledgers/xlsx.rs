//! A ledger as an Excel workbook: one worksheet per sheet, each with the title across the top,
//! the period and print date under it, then the column headers and the rows. Set up to print
//! on A4 landscape, one page wide, headers repeated on every page, as inspections file them.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use super::{Cell, Ledger};

/// Excel refuses longer worksheet names.
const MAX_SHEET_NAME_CHARS: usize = 31;
const FIRST_DATA_ROW: u32 = 3;

pub fn write(ledger: &Ledger) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let title = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center);
    let subtitle = Format::new().set_align(FormatAlign::Center);
    let header = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color("#E8EEF4")
        .set_text_wrap();
    let cell = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    for sheet in &ledger.sheets {
        let worksheet = workbook.add_worksheet();
        worksheet.set_name(sheet_name(&sheet.name))?;
        let last_col = sheet.columns.len().saturating_sub(1) as u16;
        if last_col > 0 {
            worksheet.merge_range(0, 0, 0, last_col, &ledger.title, &title)?;
            worksheet.merge_range(1, 0, 1, last_col, &ledger.subtitle, &subtitle)?;
        } else {
            worksheet.write_string_with_format(0, 0, &ledger.title, &title)?;
            worksheet.write_string_with_format(1, 0, &ledger.subtitle, &subtitle)?;
        }
        for (col, name) in sheet.columns.iter().enumerate() {
            worksheet.write_string_with_format(2, col as u16, name, &header)?;
            worksheet.set_column_width(col as u16, width(name, sheet, col))?;
        }
        for (i, row) in sheet.rows.iter().enumerate() {
            let r = FIRST_DATA_ROW + i as u32;
            for (col, value) in row.iter().enumerate() {
                match value {
                    Cell::Text(text) => {
                        worksheet.write_string_with_format(r, col as u16, text, &cell)?
                    }
                    Cell::Number(n) => {
                        worksheet.write_number_with_format(r, col as u16, *n, &cell)?
                    }
                };
            }
        }
        worksheet.set_landscape();
        worksheet.set_paper_size(9); // A4
        worksheet.set_print_fit_to_pages(1, 0);
        worksheet.set_repeat_rows(2, 2)?;
        worksheet.set_freeze_panes(FIRST_DATA_ROW, 0)?;
    }
    workbook.save_to_buffer()
}

/// Wide enough for the header and the longest value (CJK characters count double).
fn width(header: &str, sheet: &super::Sheet, col: usize) -> f64 {
    let display =
        |text: &str| -> usize { text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum() };
    let longest = sheet
        .rows
        .iter()
        .filter_map(|row| row.get(col))
        .map(|c| display(&c.as_text()))
        .max()
        .unwrap_or(0);
    (display(header).max(longest) as f64 + 2.0).clamp(6.0, 60.0)
}

/// A worksheet name Excel accepts: no `[]:*?/\`, at most 31 characters.
fn sheet_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(MAX_SHEET_NAME_CHARS)
        .collect();
    if cleaned.trim().is_empty() {
        "Sheet".to_owned()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_cleaned_and_shortened_for_excel() {
        assert_eq!(sheet_name("幸福村"), "幸福村");
        assert_eq!(sheet_name("a/b:c"), "a_b_c");
        assert_eq!(sheet_name(&"长".repeat(40)).chars().count(), 31);
        assert_eq!(sheet_name(""), "Sheet");
    }
}
