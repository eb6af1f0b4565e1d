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

/// Characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection), in
/// ASCII and full width (an input method types either).
const FORMULA_STARTS: [char; 8] = ['=', '+', '-', '@', '＝', '＋', '－', '＠'];

/// Whether a spreadsheet could run the cell: it starts with a formula character, with TAB or
/// CR (which some programs drop before reading the rest), or with a formula character after
/// blanks (which some trim).
fn could_run(cell: &str) -> bool {
    cell.starts_with(['\t', '\r'])
        || cell
            .trim_start_matches([' ', '\t', '\r', '\n', '\u{3000}'])
            .starts_with(FORMULA_STARTS)
}

/// RFC 4180 quoting, plus a leading apostrophe for cells a spreadsheet would run as a formula.
fn quote(cell: &str) -> String {
    let defused = if could_run(cell) {
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

    #[test]
    fn every_way_a_cell_could_start_a_formula_is_defused() {
        for cell in [
            "=1+1",
            "+1",
            "-1",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
            "\tplain",
            "\rplain",
            " =HYPERLINK(\"http://x\")",
            "\u{3000}=1",
            "＝1+1",
            "  @x",
        ] {
            let quoted = quote(cell);
            let inner = quoted.trim_start_matches('"');
            assert!(inner.starts_with('\''), "{cell:?} came out as {quoted:?}");
        }
        for cell in ["张三", "13812345678", "0571-88812345", " 幸福村", "a=b"] {
            assert!(!quote(cell).starts_with('\''), "{cell:?}");
        }
    }
}
