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
use calamine::{Data, Reader, Sheets};
use rust_decimal::{Decimal, RoundingStrategy};
use std::io::{Read, Seek};
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
    /// The manifest's `file` value.
    pub file_span: Span,
    /// The manifest's `range` value, when it has one.
    pub range_span: Option<Span>,
}

impl CellRange {
    fn contains(self, (row, column): (u32, u32)) -> bool {
        (self.start.0..=self.end.0).contains(&row) && (self.start.1..=self.end.1).contains(&column)
    }

    /// How many cells the range spans.
    fn cells(self) -> u64 {
        (u64::from(self.end.0 - self.start.0) + 1) * (u64::from(self.end.1 - self.start.1) + 1)
    }

    /// The fewest bytes of the CSV text the range renders as ([`Kept::render`]): a line end
    /// per row above it, a separator or line end per cell of it.
    fn least_text(self) -> u64 {
        u64::from(self.start.0).saturating_add(self.cells())
    }

    /// The smallest range holding this one and `position`.
    fn grown(self, (row, column): (u32, u32)) -> Self {
        Self {
            start: (self.start.0.min(row), self.start.1.min(column)),
            end: (self.end.0.max(row), self.end.1.max(column)),
        }
    }
}

/// Read a sheet of a workbook of at most `limit` bytes (`--max-table-size`) as the CSV text of
/// its table: the file is read by [`crate::input_file::read`] (a regular file, bounded), never
/// from the path by calamine; then see [`read_sheet_from`].
pub fn read_sheet(path: &Path, plan: &SheetPlan, limit: u64) -> Result<SharedSource, TableError> {
    let bytes = crate::input_file::read(path, limit).map_err(|refusal| match refusal {
        crate::input_file::Refusal::TooLarge { size, limit } => {
            file_too_large(path, plan, size, limit)
        }
        refusal => TableError::refused(path, refusal),
    })?;
    let size = bytes.len() as u64;
    read_sheet_from(path, std::io::Cursor::new(bytes), size, plan, limit)
}

/// A workbook file of `size` bytes (`None`: more than its metadata said), past `limit`.
fn file_too_large(path: &Path, plan: &SheetPlan, size: Option<u64>, limit: u64) -> TableError {
    let size = size.map_or_else(|| "more".to_string(), |size| format!("{size} bytes"));
    TableError::WorkbookTooLarge {
        message: format!(
            "{} is too large: {size}, and the limit is {limit} bytes",
            path.display()
        ),
        source_code: named(&plan.manifest),
        span: plan.file_span.into(),
        label: "this workbook",
    }
}

/// Read a sheet of a workbook of `size` bytes from `reader`, in the format `path`'s extension
/// names, as the CSV text of its table. Bounded by `limit`, each bound a
/// [`TableError::WorkbookTooLarge`] on the manifest's entry, checked before what it bounds is
/// read:
/// - the workbook file, and the sum of its parts' sizes once decompressed (for the zip-based
///   formats: `.xlsx`, `.xlsb`, `.ods`; the zip reader fails on a part that decompresses past
///   the size it declares, so a zip bomb stops there);
/// - the CSV text the range renders as: a byte per cell of the range at the least, plus the
///   text of the cells (a sheet used from `A1` to `XFD1048576` is 17 179 869 184 cells).
///
/// `.xlsx` and `.xlsb` sheets are read as a stream of the cells they hold, and only those
/// inside the range that show something are kept: memory follows the cells kept, never the
/// rectangle they span. `.xls` (at most 65 536 × 256 cells) and `.ods` sheets (calamine stops
/// at 100 000 000 cells) are read whole by calamine first.
pub fn read_sheet_from<R: Read + Seek>(
    path: &Path,
    mut reader: R,
    size: u64,
    plan: &SheetPlan,
    limit: u64,
) -> Result<SharedSource, TableError> {
    let unreadable = |message: String| TableError::Workbook {
        path: path.to_path_buf(),
        message,
    };
    let too_large =
        |span: Span, label: &'static str, message: String| TableError::WorkbookTooLarge {
            message,
            source_code: named(&plan.manifest),
            span: span.into(),
            label,
        };
    if size > limit {
        return Err(file_too_large(path, plan, Some(size), limit));
    }
    if let Some(parts) = decompressed_size(&mut reader)
        && parts > limit
    {
        return Err(too_large(
            plan.file_span,
            "this workbook",
            format!(
                "the parts of {} decompress to {parts} bytes, and the limit is {limit} bytes",
                path.display()
            ),
        ));
    }
    if let (Some(range), Some(span)) = (plan.range, plan.range_span)
        && range.least_text() > limit
    {
        return Err(too_large(
            span,
            "this range",
            format!(
                "the range {} has {} cells: read as CSV text, at least {} bytes, and the limit \
                 is {limit} bytes",
                range_text(range),
                range.cells(),
                range.least_text()
            ),
        ));
    }
    reader.rewind().map_err(|e| unreadable(e.to_string()))?;
    let mut workbook = open(path, reader).map_err(|e| unreadable(e.to_string()))?;
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
    let mut kept = Kept::new(plan.range, limit);
    let read = read_cells(&mut workbook, &name, &mut kept);
    if let Some(range) = kept.exceeded {
        return Err(too_large(
            plan.range_span.unwrap_or(plan.span),
            if plan.range.is_some() {
                "this range"
            } else {
                "this sheet"
            },
            format!(
                "sheet `{name}` of {}, read as CSV text, takes more than the limit of {limit} \
                 bytes: its cells in {} ({} cells) and their text",
                path.display(),
                range_text(range),
                range.cells()
            ),
        ));
    }
    read.map_err(unreadable)?;
    let range = plan.range.or(kept.used).unwrap_or(CellRange {
        start: (0, 0),
        end: (0, 0),
    });
    let text = kept.render(range);
    let sheet = Sheet {
        name,
        first_column: range.start.1,
    };
    Ok(Arc::new(
        SourceFile::new(path, text).stored_as(Stored::Sheet(sheet)),
    ))
}

/// The sum of the sizes a zip archive's parts declare once decompressed; `None` for a file that
/// is not a zip (an `.xls`, or a damaged file calamine then reports).
fn decompressed_size<R: Read + Seek>(reader: &mut R) -> Option<u64> {
    let archive = zip::ZipArchive::new(reader).ok()?;
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let size = archive.by_index_data(index).map_or(0, |entry| entry.size());
        total = total.saturating_add(size);
    }
    Some(total)
}

/// A workbook in the format its extension names (`.XLSX` as `.xlsx`).
fn open<R: Read + Seek>(path: &Path, reader: R) -> Result<Sheets<R>, calamine::Error> {
    let extension = path
        .extension()
        .and_then(|x| x.to_str())
        .map(str::to_ascii_lowercase);
    Ok(match extension.as_deref() {
        Some("xls" | "xla") => {
            Sheets::Xls(calamine::Xls::new(reader).map_err(calamine::Error::Xls)?)
        }
        Some("xlsb") => Sheets::Xlsb(calamine::Xlsb::new(reader).map_err(calamine::Error::Xlsb)?),
        Some("ods") => Sheets::Ods(calamine::Ods::new(reader).map_err(calamine::Error::Ods)?),
        _ => Sheets::Xlsx(calamine::Xlsx::new(reader).map_err(calamine::Error::Xlsx)?),
    })
}

/// Read the cells of sheet `name` into `kept`, which stops the reading once it is full.
fn read_cells<R: Read + Seek>(
    workbook: &mut Sheets<R>,
    name: &str,
    kept: &mut Kept,
) -> Result<(), String> {
    match workbook {
        Sheets::Xlsx(xlsx) => {
            let mut cells = xlsx
                .worksheet_cells_reader(name)
                .map_err(|e| e.to_string())?;
            while let Some((cell, style)) =
                cells.next_cell_with_style_id().map_err(|e| e.to_string())?
            {
                if !kept.wants(cell.get_position()) {
                    continue;
                }
                let format = cells
                    .styles()
                    .get(style)
                    .and_then(|style| style.number_format.as_ref())
                    .map(|format| format.format_code.as_str());
                let data = Data::from(cell.get_value().clone());
                if !kept.push(cell.get_position(), &displayed(&data, format)) {
                    break;
                }
            }
        }
        Sheets::Xlsb(xlsb) => {
            let mut cells = xlsb
                .worksheet_cells_reader(name)
                .map_err(|e| e.to_string())?;
            while let Some(cell) = cells.next_cell().map_err(|e| e.to_string())? {
                if !kept.wants(cell.get_position()) {
                    continue;
                }
                let data = Data::from(cell.get_value().clone());
                if !kept.push(cell.get_position(), &displayed(&data, None)) {
                    break;
                }
            }
        }
        Sheets::Xls(_) | Sheets::Ods(_) => {
            let cells = workbook.worksheet_range(name).map_err(|e| e.to_string())?;
            for (row, column, data) in cells.used_cells() {
                let (Ok(row), Ok(column)) = (u32::try_from(row), u32::try_from(column)) else {
                    continue;
                };
                let position = (
                    row.saturating_add(cells.start().unwrap_or_default().0),
                    column.saturating_add(cells.start().unwrap_or_default().1),
                );
                if !kept.push(position, &displayed(data, None)) {
                    break;
                }
            }
        }
    }
    Ok(())
}

/// The cells of a sheet that show something inside the range (every cell without one), their
/// fields in one string; and the used range, while the CSV text they render as stays within
/// the limit: the text is the range's separators and line ends and the fields kept, so its
/// length is known before it is rendered.
struct Kept {
    range: Option<CellRange>,
    limit: u64,
    /// (row, column) and the cell's field in `text` (as CSV writes it: quoted if need be),
    /// in the order read.
    cells: Vec<((u32, u32), std::ops::Range<usize>)>,
    text: String,
    /// The smallest range holding every cell kept.
    used: Option<CellRange>,
    /// The used range when the text it renders as grew past the limit.
    exceeded: Option<CellRange>,
}

impl Kept {
    fn new(range: Option<CellRange>, limit: u64) -> Self {
        Self {
            range,
            limit,
            cells: Vec::new(),
            text: String::new(),
            used: None,
            exceeded: None,
        }
    }

    /// Whether a cell at `position` is inside the range: the others are not even shown.
    fn wants(&self, position: (u32, u32)) -> bool {
        self.range.is_none_or(|range| range.contains(position))
    }

    /// Keep a cell if it shows something inside the range; `false` once the CSV text would
    /// pass the limit (nothing more is kept then).
    fn push(&mut self, position: (u32, u32), shown: &str) -> bool {
        if shown.is_empty() || !self.wants(position) {
            return true;
        }
        let used = self.used.map_or(
            CellRange {
                start: position,
                end: position,
            },
            |used| used.grown(position),
        );
        let bounds = self.range.unwrap_or(used);
        let start = self.text.len();
        push_field(&mut self.text, shown);
        if bounds.least_text().saturating_add(self.text.len() as u64) > self.limit {
            self.text.truncate(start);
            self.exceeded = Some(bounds);
            return false;
        }
        self.used = Some(used);
        self.cells.push((position, start..self.text.len()));
        true
    }

    /// The range as CSV text: a line per row, a field per cell. The rows above the range are
    /// blank lines, which CSV reading skips: line numbers are row numbers, in the miette
    /// report too. A cell given twice shows what was read last.
    fn render(mut self, range: CellRange) -> String {
        self.cells.sort_by_key(|&(position, _)| position);
        let mut cells = self.cells.iter().peekable();
        let mut text = "\n".repeat(range.start.0 as usize);
        for row in range.start.0..=range.end.0 {
            for column in range.start.1..=range.end.1 {
                if column > range.start.1 {
                    text.push(',');
                }
                let mut field = "";
                while let Some((_, span)) = cells.next_if(|(at, _)| *at == (row, column)) {
                    field = self.text.get(span.clone()).unwrap_or_default();
                }
                text.push_str(field);
            }
            text.push('\n');
        }
        text
    }
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
        Data::DateTime(date) if date.is_datetime() => return iso_date(date),
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

/// A date cell as an ISO 8601 date (`1985-03-01`), with its time only when it has one
/// (`2021-08-01 12:30:00`): a row labelled by a date is named the same way whatever date
/// format the workbook shows it in (`Mar-1985`, `01/03/1985`), and never by its serial number.
fn iso_date(date: &calamine::ExcelDateTime) -> String {
    let (year, month, day, hour, minute, second, _) = date.to_ymd_hms_milli();
    if (hour, minute, second) == (0, 0, 0) {
        format!("{year:04}-{month:02}-{day:02}")
    } else {
        format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}")
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
    fn date_cells_show_as_iso_dates_never_as_serial_numbers() {
        use calamine::{ExcelDateTime, ExcelDateTimeType};
        let date = |serial: f64| {
            displayed(
                &Data::DateTime(ExcelDateTime::new(
                    serial,
                    ExcelDateTimeType::DateTime,
                    false,
                )),
                Some("mmm-yyyy"),
            )
        };
        // The first quarter of an ABS series, `Dec-1984` in the workbook.
        assert_eq!(date(31017.0), "1984-12-01");
        assert_eq!(date(45943.5), "2025-10-13 12:00:00");
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
                format: crate::format::TableFormat::default(),
                shape: crate::table::shape::Shape::default(),
                labels: std::sync::Arc::default(),
            };
            let table = parse_table(&source, TableMeta::default(), layout).unwrap();
            assert_eq!(table.row_count(), 1, "{text:?}");
            let span = table.cell_span(0, 0).unwrap();
            assert_eq!(
                source.cell_address(span.offset).as_deref(),
                Some("S!C4"),
                "{text:?}"
            );
        }
    }

    #[test]
    fn kept_cells_render_their_range_and_stop_at_the_limit() {
        let range = parse_range("B2:C3").unwrap();
        let mut kept = Kept::new(Some(range), 64);
        assert!(kept.push((1, 1), "a,b"));
        assert!(kept.push((9, 9), "outside the range"));
        assert!(kept.push((2, 2), "1"));
        assert!(kept.push((2, 2), "2"));
        assert!(kept.push((1, 2), ""));
        assert_eq!(kept.render(range), "\n\"a,b\",\n,2\n");
        // A used range of 3 × 3 cells and a line above: 10 bytes with nothing in them.
        let mut kept = Kept::new(None, 12);
        assert!(kept.push((1, 1), "x"));
        assert!(kept.push((3, 3), "y"));
        assert!(!kept.push((3, 2), "z"), "13 bytes");
        assert_eq!(kept.exceeded.map(range_text), Some("B2:D4".to_string()));
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
