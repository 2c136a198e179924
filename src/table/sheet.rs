//! Spreadsheets (`.xlsx`, `.ods`; also `.xls`, `.xlsb`) → a table, read with calamine.
//!
//! A sheet (or a declared range of it) is rendered as the CSV text its table would have been
//! exported as — one line per row of the range, one field per cell — and that text is parsed
//! like any CSV file, so header rows, label columns, units and spans all work as they do for
//! CSV. The rendering is the table's miette source (its line numbers are the sheet's row
//! numbers); the [`SourceFile`] remembers the sheet and the range's first column, so every
//! report names the workbook and the cell (`附表10!C7`).
//!
//! A cell is rendered as the spreadsheet displays it: text as typed (a cell formatted as text
//! holds the figure as printed), and a number at its displayed precision — the decimals of its
//! number format (`0.0`, `#,##0.00`, `0.0%` as a percentage, without the sign), or, in the
//! General format, the shortest decimal of the stored binary number after rounding to the 15
//! significant digits a spreadsheet keeps (`22398.4`, not `22398.400000000001`). Line breaks
//! inside a cell (a wrapped header) become spaces.

use super::TableError;
use crate::source::{SharedSource, Sheet, SourceFile, Span, Stored, column_letters, named};
use calamine::{Data, Ods, Reader, Sheets, StyleRange, Xls, Xlsb, Xlsx};
use rust_decimal::{Decimal, RoundingStrategy};
use std::io::Cursor;
use std::path::Path;
use std::sync::Arc;

/// The file extensions read as workbooks.
const WORKBOOK_EXTENSIONS: [&str; 6] = ["xlsx", "xlsm", "xlsb", "xls", "ods", "xla"];

/// Whether a table's file is a workbook rather than CSV text.
pub fn is_workbook(path: &Path) -> bool {
    path.extension()
        .and_then(|x| x.to_str())
        .is_some_and(|x| WORKBOOK_EXTENSIONS.contains(&x.to_ascii_lowercase().as_str()))
}

/// A rectangle of cells, 0-based and inclusive: `A1:G20` is (0, 0) to (19, 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellRange {
    pub start: (u32, u32),
    pub end: (u32, u32),
}

/// A cell address such as `C7` → (row 6, column 2).
fn parse_address(text: &str) -> Option<(u32, u32)> {
    let text = text.trim().replace('$', "");
    let split = text.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = text.split_at(split);
    if letters.is_empty() || !letters.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let mut column: u32 = 0;
    for c in letters.to_ascii_uppercase().bytes() {
        column = column
            .checked_mul(26)?
            .checked_add(u32::from(c - b'A') + 1)?;
    }
    let row: u32 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, column.checked_sub(1)?))
}

/// A range as a manifest writes it: `A1:G20`.
pub fn parse_range(text: &str) -> Result<CellRange, String> {
    let bad = || format!("`{text}` is not a range of cells such as A1:G20");
    let (from, to) = text.split_once(':').ok_or_else(bad)?;
    let start = parse_address(from).ok_or_else(bad)?;
    let end = parse_address(to).ok_or_else(bad)?;
    if end.0 < start.0 || end.1 < start.1 {
        return Err(format!(
            "`{text}` ends above or left of where it starts: write the top-left cell first"
        ));
    }
    Ok(CellRange { start, end })
}

/// Which sheet of a workbook to read, and where the manifest says so (for errors).
#[derive(Debug, Clone)]
pub struct SheetPlan {
    /// The sheet's name; `None`: the first sheet.
    pub sheet: Option<String>,
    pub range: Option<CellRange>,
    pub manifest: SharedSource,
    /// The manifest's `sheet` value (or, without one, its `file`).
    pub span: Span,
}

/// Read a sheet of a workbook of at most `limit` bytes as the CSV text of its table.
pub fn read_sheet(path: &Path, plan: &SheetPlan, limit: u64) -> Result<SharedSource, TableError> {
    let unreadable = |message: String| TableError::Workbook {
        path: path.to_path_buf(),
        message,
    };
    let bytes = crate::input_file::read(path, limit).map_err(|e| TableError::refused(path, e))?;
    let mut workbook = open_workbook(path, bytes).map_err(|e| unreadable(e.to_string()))?;
    let names = workbook.sheet_names();
    let name = match &plan.sheet {
        Some(wanted) => names
            .iter()
            .find(|name| *name == wanted || name.trim() == wanted.trim())
            .cloned()
            .ok_or_else(|| TableError::UnknownSheet {
                message: format!("the workbook {} has no sheet `{wanted}`", path.display()),
                sheets: names.join(", "),
                source_code: named(&plan.manifest),
                span: plan.span.into(),
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| unreadable("it has no sheets".to_string()))?,
    };
    let cells = workbook
        .worksheet_range(&name)
        .map_err(|e| unreadable(e.to_string()))?;
    // Only xlsx (and xls, xlsb) keep number formats calamine reads; ODS gives none.
    let styles = workbook.worksheet_style(&name).unwrap_or_default();
    let range = plan.range.unwrap_or_else(|| CellRange {
        start: cells.start().unwrap_or_default(),
        end: cells.end().unwrap_or_default(),
    });
    let text = render(&cells, &styles, range);
    let sheet = Sheet {
        name,
        first_column: range.start.1,
    };
    Ok(Arc::new(
        SourceFile::new(path, text).stored_as(Stored::Sheet(sheet)),
    ))
}

/// A workbook from its bytes (read by [`crate::input_file::read`], never from the path), in the
/// format its extension names, as `calamine::open_workbook_auto` chooses it.
fn open_workbook(path: &Path, bytes: Vec<u8>) -> Result<Sheets<Cursor<Vec<u8>>>, calamine::Error> {
    let bytes = Cursor::new(bytes);
    let extension = path
        .extension()
        .and_then(|x| x.to_str())
        .map(str::to_ascii_lowercase);
    Ok(match extension.as_deref() {
        Some("xls" | "xla") => Sheets::Xls(Xls::new(bytes).map_err(calamine::Error::Xls)?),
        Some("xlsx" | "xlsm" | "xlam") => {
            Sheets::Xlsx(Xlsx::new(bytes).map_err(calamine::Error::Xlsx)?)
        }
        Some("xlsb") => Sheets::Xlsb(Xlsb::new(bytes).map_err(calamine::Error::Xlsb)?),
        Some("ods") => Sheets::Ods(Ods::new(bytes).map_err(calamine::Error::Ods)?),
        _ => calamine::open_workbook_auto_from_rs(bytes)?,
    })
}

/// The range as CSV text: a line per row, a field per cell. The rows above the range are
/// blank lines, which CSV reading skips: line numbers are row numbers, in the miette report too.
fn render(cells: &calamine::Range<Data>, styles: &StyleRange, range: CellRange) -> String {
    let mut text = "\n".repeat(range.start.0 as usize);
    for row in range.start.0..=range.end.0 {
        for column in range.start.1..=range.end.1 {
            if column > range.start.1 {
                text.push(',');
            }
            let format = styles
                .get((row, column))
                .and_then(|style| style.number_format.as_ref())
                .map(|format| format.format_code.as_str());
            let shown = cells
                .get_value((row, column))
                .map(|data| displayed(data, format))
                .unwrap_or_default();
            push_field(&mut text, &shown);
        }
        text.push('\n');
    }
    text
}

/// A field as CSV writes it: quoted when it holds a comma or a quote; line breaks as spaces.
fn push_field(text: &mut String, value: &str) {
    let value = value.replace("\r\n", " ").replace(['\n', '\r'], " ");
    if value.contains([',', '"']) {
        text.push('"');
        text.push_str(&value.replace('"', "\"\""));
        text.push('"');
    } else {
        text.push_str(&value);
    }
}

/// A cell's value as the spreadsheet displays it (see the module's doc).
fn displayed(data: &Data, format: Option<&str>) -> String {
    let number = match data {
        Data::Empty => return String::new(),
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => {
            return text.clone();
        }
        Data::Int(value) => Decimal::from(*value),
        Data::Float(value) => match shortest(*value) {
            Some(value) => value,
            None => return value.to_string(),
        },
        Data::Bool(value) => return if *value { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(_) | Data::Error(_) => return data.to_string(),
    };
    match format.and_then(precision) {
        Some(shown) => {
            let value = if shown.percent {
                number * Decimal::ONE_HUNDRED
            } else {
                number
            };
            let mut value =
                value.round_dp_with_strategy(shown.most, RoundingStrategy::MidpointAwayFromZero);
            // `0.0#`: at least one decimal, a second one only when it is not zero.
            value = value.normalize();
            if value.scale() < shown.least {
                value.rescale(shown.least);
            }
            value.to_string()
        }
        None => number.normalize().to_string(),
    }
}

/// The shortest decimal of a binary number after rounding to 15 significant digits.
fn shortest(value: f64) -> Option<Decimal> {
    let rounded = format!("{value:.14e}");
    Decimal::from_scientific(&rounded)
        .ok()
        .map(|d| d.normalize())
}

/// What a number format shows of a number: at least `least` and at most `most` decimals, and
/// whether as a percentage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Precision {
    least: u32,
    most: u32,
    percent: bool,
}

/// The precision a number format code shows (its first section: positive numbers), or `None`
/// for `General`, text and formats that show no digits.
fn precision(code: &str) -> Option<Precision> {
    // Leave out literal text ("…", \x) and brackets ([Red], [$-404]), which are not digits.
    let mut plain = String::new();
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                for c in chars.by_ref() {
                    if c == '"' {
                        break;
                    }
                }
            }
            '\\' | '_' | '*' => {
                chars.next();
            }
            '[' => {
                for c in chars.by_ref() {
                    if c == ']' {
                        break;
                    }
                }
            }
            ';' => break,
            c => plain.push(c),
        }
    }
    if plain.eq_ignore_ascii_case("general")
        || plain.contains(['E', 'e'])
        || !plain.contains(['0', '#', '?'])
    {
        return None;
    }
    let decimals = plain.split_once('.').map_or("", |(_, after)| after);
    let placeholders = decimals
        .chars()
        .take_while(|c| matches!(c, '0' | '#' | '?' | ','))
        .filter(|c| *c != ',');
    let (mut least, mut most) = (0, 0);
    for c in placeholders {
        most += 1;
        if c == '0' {
            least = most;
        }
    }
    Some(Precision {
        least,
        most,
        percent: plain.contains('%'),
    })
}

/// `A1:G20` as a manifest writes it, for messages.
pub fn range_text(range: CellRange) -> String {
    format!(
        "{}{}:{}{}",
        column_letters(range.start.1),
        range.start.0 + 1,
        column_letters(range.end.1),
        range.end.0 + 1
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_ranges() {
        assert_eq!(parse_address("A1"), Some((0, 0)));
        assert_eq!(parse_address("$C$7"), Some((6, 2)));
        assert_eq!(parse_address("AA10"), Some((9, 26)));
        assert_eq!(parse_address("7C"), None);
        assert_eq!(parse_address("C0"), None);
        let range = parse_range("B2:G20").unwrap();
        assert_eq!(range_text(range), "B2:G20");
        assert!(parse_range("G20:B2").unwrap_err().contains("top-left"));
        assert!(parse_range("B2").unwrap_err().contains("A1:G20"));
    }

    #[test]
    fn numbers_show_their_displayed_precision() {
        let float = |v: f64, format: Option<&str>| displayed(&Data::Float(v), format);
        assert_eq!(float(22398.4, None), "22398.4");
        assert_eq!(float(0.1 + 0.2, Some("General")), "0.3");
        assert_eq!(float(13.9, Some("0.00")), "13.90");
        assert_eq!(float(1234.5, Some("#,##0.0")), "1234.5");
        assert_eq!(float(0.354, Some("0.0%")), "35.4");
        assert_eq!(float(2.25, Some("0.0")), "2.3");
        assert_eq!(float(-2.25, Some("0.0")), "-2.3");
        assert_eq!(float(1.5, Some("0.0#")), "1.5");
        assert_eq!(float(1.25, Some("0.0#")), "1.25");
        assert_eq!(float(670506.0, Some("0")), "670506");
        assert_eq!(float(5.0, Some("\"约\"0.0;[Red]-0.0")), "5.0");
        assert_eq!(float(7.0, None), "7");
        assert_eq!(displayed(&Data::Int(12), Some("0.0")), "12.0");
        assert_eq!(
            displayed(&Data::String("22 398.4".into()), Some("@")),
            "22 398.4"
        );
        assert_eq!(displayed(&Data::Empty, None), "");
    }

    #[test]
    fn a_range_below_the_first_row_keeps_row_numbers_as_line_numbers() {
        use crate::table::TableMeta;
        use crate::table::read::{Layout, parse_table};
        let sheet = Sheet {
            name: "S".to_string(),
            first_column: 1,
        };
        // Quoted and unquoted renderings go through different readers: both skip the blanks.
        for text in ["\n\nx,v\nr,1\n", "\n\nx,\"v,w\"\nr,1\n"] {
            let source = Arc::new(
                SourceFile::new("b.xlsx", text.to_string()).stored_as(Stored::Sheet(sheet.clone())),
            );
            let layout = Layout {
                header_rows: 1,
                label_columns: 1,
                text_columns: Vec::new(),
            };
            let table = parse_table(&source, TableMeta::default(), layout).unwrap();
            assert_eq!(table.rows().len(), 1, "{text:?}");
            let span = table.cell_span(0, 0).unwrap();
            assert_eq!(
                source.cell_address(span.offset).as_deref(),
                Some("S!C4"),
                "{text:?}"
            );
        }
    }

    #[test]
    fn fields_are_quoted_as_csv_and_lose_line_breaks() {
        let mut text = String::new();
        push_field(&mut text, "成交额\n(亿元)");
        push_field(&mut text, ",");
        push_field(&mut text, "a\"b");
        assert_eq!(text, "成交额 (亿元)\",\"\"a\"\"b\"");
    }
}
