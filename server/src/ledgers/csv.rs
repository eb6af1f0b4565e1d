//! A ledger as CSV: every village's rows in one table, with the village as the first column
//! (the summary sheet is left out: a spreadsheet sums it in a click). UTF-8 with a byte-order
//! mark, which Excel needs to read Chinese correctly.

use super::{Ledger, LedgerKind, SUMMARY_SHEET};

pub fn write(ledger: &Ledger) -> Vec<u8> {
    let mut out = String::from('\u{feff}');
    let village_sheets = ledger.sheets.iter().filter(|s| s.name != SUMMARY_SHEET);
    if ledger.kind == LedgerKind::AnnualFigures {
        for sheet in village_sheets {
            line(&mut out, sheet.columns.iter().map(String::as_str));
            for row in &sheet.rows {
                line(
                    &mut out,
                    row.iter()
                        .map(|c| c.as_text())
                        .collect::<Vec<_>>()
                        .iter()
                        .map(String::as_str),
                );
            }
        }
        return out.into_bytes();
    }
    let mut header_written = false;
    for sheet in village_sheets {
        if !header_written {
            line(
                &mut out,
                std::iter::once("村（居）").chain(sheet.columns.iter().map(String::as_str)),
            );
            header_written = true;
        }
        for row in &sheet.rows {
            let cells: Vec<String> = row.iter().map(|c| c.as_text()).collect();
            line(
                &mut out,
                std::iter::once(sheet.name.as_str()).chain(cells.iter().map(String::as_str)),
            );
        }
    }
    out.into_bytes()
}

fn line<'a>(out: &mut String, cells: impl Iterator<Item = &'a str>) {
    let quoted: Vec<String> = cells.map(quote).collect();
    out.push_str(&quoted.join(","));
    out.push_str("\r\n");
}

/// RFC 4180 quoting, plus a leading apostrophe for cells a spreadsheet would run as a formula.
fn quote(cell: &str) -> String {
    let defused = if cell.starts_with(['=', '+', '-', '@']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        assert_eq!(quote("张三"), "张三");
        assert_eq!(quote("a,b"), "\"a,b\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quote("=SUM(A1)"), "'=SUM(A1)");
    }
}
