//! The typed model of a published table: labels, cells with exact values and spans.
//!
//! A [`Table`] is a grid of [`Cell`]s addressed by row and column [`LabelPath`]s. Cells are kept
//! small (16 bytes) because a table may have millions of them; their value and span are
//! reconstructed on demand.

mod blank_tail;
mod cells;
pub(crate) mod declared;
pub mod error;
pub mod formatted;
pub mod index;
pub mod label;
pub mod limits;
mod lines;
pub mod manifest;
mod misshapen;
pub mod read;
mod row_reader;
mod rows;
mod scan;
pub mod shape;
pub mod sheet;

use crate::format::Meaning;
use crate::interval::{Interval, ScaledInterval};
use crate::source::{SharedSource, Span};
use index::LabelIndex;
use label::LabelPath;
use rust_decimal::Decimal;
use std::sync::OnceLock;

pub use cells::{NarrowCell, RowCells};
pub use error::{TableError, TableWarning};

/// What the engine knows about a table besides its grid.
#[derive(Debug, Clone, Default)]
pub struct TableMeta {
    /// The id rules use: `表 2-1` → `T2-1`, `附表 10` → `A10`.
    pub id: String,
    /// The number as the book prints it: `附表 10`.
    pub printed: String,
    pub caption: String,
    /// A unit for every cell whose labels declare none (`单位：万元`).
    pub unit: Option<String>,
    /// Units for labels that print none (附表 13's `合同数` rows are counts).
    pub units: Vec<(String, String)>,
    /// Rows are named by any ending of their label: the figures of the book's text, whose
    /// label is the sentence up to the figure, and whose rules name the words just before it.
    pub anchored: bool,
    /// How much more blame trusts this table's figures than others' (`blame_weight` in
    /// `tables.toml`; 1 when not set): a figure's weight is multiplied by it.
    pub blame_weight: Option<std::num::NonZeroU32>,
}

/// One figure cell in 8 bytes: the printed value's mantissa (56 bits, 16 significant digits),
/// its scale (the number of printed decimals) and two flags. A figure of a column printed in
/// thousands (a declared `scale`) keeps its printed mantissa; its scale field then holds
/// `POWER_BASE` + the power of ten one unit of its last digit stands for (`8,885` in thousands:
/// 8885 × 10³, rounded to ± 500), so every reader of the cell gets the value it stands for. A table may have millions of
/// cells; where a cell sits in its file is recovered from its row's start when a report needs
/// it ([`Table::cell_span`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cell(u64);

const HAS_VALUE: u64 = 1;
const EXACT: u64 = 2;
const SCALE_SHIFT: u32 = 2;
const SCALE_MASK: u64 = 0x3f;
const MANTISSA_SHIFT: u32 = 8;
/// Scale fields from here hold a power of ten (a figure in thousands), not decimals (at most 28).
const POWER_BASE: u32 = 32;
/// The largest mantissa a cell holds.
pub const MAX_MANTISSA: i64 = (1 << 55) - 1;

impl Cell {
    /// A not-applicable cell, for filling a grid before it is read.
    pub const PLACEHOLDER: Cell = Cell(0);

    /// A cell from a mantissa and scale as printed (`223984`, 1 for 22 398.4); `None` when the
    /// figure has more digits than a cell holds.
    pub fn from_parts(mantissa: i64, scale: u32) -> Option<Self> {
        if mantissa.unsigned_abs() > MAX_MANTISSA.unsigned_abs() || scale > 28 {
            return None;
        }
        let packed = (mantissa << MANTISSA_SHIFT) as u64 | u64::from(scale) << SCALE_SHIFT;
        Some(Cell(packed | HAS_VALUE))
    }

    /// A cell holding a decimal; `exact` for whole counts and ranks.
    pub fn value(value: Decimal, exact: bool) -> Option<Self> {
        let mut cell = Self::from_parts(i64::try_from(value.mantissa()).ok()?, value.scale())?;
        cell.set_exact(exact);
        Some(cell)
    }

    /// A `—` or empty cell.
    pub fn not_applicable() -> Self {
        Cell(0)
    }

    /// A cell printing a symbol for a missing value: not applicable, not available or
    /// confidential hold no figure (their meaning is kept in the bits a figure's scale takes);
    /// nil is an exact 0.
    pub fn absent(meaning: Meaning) -> Self {
        match meaning {
            Meaning::NotApplicable => Cell(0),
            Meaning::NotAvailable => Cell(1 << SCALE_SHIFT),
            Meaning::Confidential => Cell(2 << SCALE_SHIFT),
            Meaning::Nil => Cell(HAS_VALUE | EXACT),
        }
    }

    /// Why a cell holds no figure: `None` for a figure and for a cell that is not one.
    pub fn absence(self) -> Option<Meaning> {
        if self.is_applicable() || self.is_unreadable() {
            return None;
        }
        Some(match self.scale() {
            1 => Meaning::NotAvailable,
            2 => Meaning::Confidential,
            _ => Meaning::NotApplicable,
        })
    }

    /// A cell whose text is not a figure (`12a`): reported as an input error, and every check
    /// that reads it is not checked, while the rest of its table is. No figure is exact, so
    /// the flag tells it from a `—` cell.
    pub const UNREADABLE: Cell = Cell(EXACT);

    /// Whether the cell's text could not be read as a figure.
    pub fn is_unreadable(self) -> bool {
        self == Self::UNREADABLE
    }

    fn mantissa(self) -> i64 {
        (self.0 as i64) >> MANTISSA_SHIFT
    }

    fn scale(self) -> u32 {
        ((self.0 >> SCALE_SHIFT) & SCALE_MASK) as u32
    }

    /// The power of ten one unit of the figure's last digit stands for, when it is above 1
    /// (a figure in thousands printed without decimals: 3); `None` for a figure with decimals
    /// or in units.
    fn power(self) -> Option<u32> {
        self.scale().checked_sub(POWER_BASE).filter(|&p| p > 0)
    }

    /// The precision the figure stands for, as decimals: 1 for `22 398.4`, 0 for a whole
    /// number, -3 for a whole number of thousands.
    pub fn precision(self) -> i64 {
        match self.power() {
            Some(power) => -i64::from(power),
            None => i64::from(self.scale()),
        }
    }

    /// The figure of a column printed in units of 10^`power` (a declared `scale`): the value it
    /// stands for, rounded to that unit. `8,885` in thousands is 8 885 000 ± 500; `8,885.3`
    /// is 8 885 300 ± 50; `8.8853` is 8 885.3 ± 0.05, an ordinary figure with one decimal.
    pub fn scale_by(&mut self, power: u32) {
        if power == 0 || !self.is_applicable() || self.power().is_some() {
            return;
        }
        let decimals = self.scale();
        let field = if decimals >= power {
            decimals - power
        } else {
            POWER_BASE + power - decimals
        };
        let rest = self.0 & !(SCALE_MASK << SCALE_SHIFT);
        self.0 = rest | u64::from(field) << SCALE_SHIFT;
    }

    /// A figure in units of 10^power as a decimal: mantissa × 10^power (at most 16 + 12 digits).
    fn times_power(mantissa: i64, power: u32) -> Decimal {
        let value = i128::from(mantissa) * 10i128.pow(power);
        Decimal::try_from_i128_with_scale(value, 0).unwrap_or(Decimal::MAX)
    }

    /// Mark the figure as an exact count (or not), once its unit is known.
    pub fn set_exact(&mut self, exact: bool) {
        if !self.is_applicable() {
            return;
        }
        if exact {
            self.0 |= EXACT;
        } else {
            self.0 &= !EXACT;
        }
    }

    /// The printed value, `None` when not applicable.
    pub fn figure(self) -> Option<Decimal> {
        if !self.is_applicable() {
            return None;
        }
        Some(match self.power() {
            Some(power) => Self::times_power(self.mantissa(), power),
            None => Decimal::new(self.mantissa(), self.scale()),
        })
    }

    /// Whether the cell holds a figure below zero, read off its bits: [`Cell::figure`]
    /// negative (and so not zero), without making the decimal.
    pub fn is_negative_figure(self) -> bool {
        self.is_applicable() && self.mantissa() < 0
    }

    /// The values the printed figure stands for: itself if exact, else its rounding interval.
    pub fn interval(self) -> Option<Interval> {
        if !self.is_applicable() {
            return None;
        }
        if let Some(power) = self.power() {
            let value = Self::times_power(self.mantissa(), power);
            if self.is_exact() {
                return Some(Interval::exact(value));
            }
            let half = Self::times_power(5, power - 1);
            return Some(Interval::between(value - half, value + half));
        }
        Some(if self.is_exact() {
            Interval::exact(Decimal::new(self.mantissa(), self.scale()))
        } else {
            Interval::rounded_from_parts(self.mantissa(), self.scale())
        })
    }

    /// Whether the cell holds a figure (not `—` or empty).
    pub fn is_applicable(self) -> bool {
        self.0 & HAS_VALUE != 0
    }

    /// The same interval as [`Cell::interval`], as integers at a fixed scale.
    pub fn scaled_interval(self) -> Option<ScaledInterval> {
        if !self.is_applicable() {
            return None;
        }
        match self.power() {
            Some(power) => ScaledInterval::figure_in_power(self.mantissa(), power, self.is_exact()),
            None => ScaledInterval::figure(self.mantissa(), self.scale(), self.is_exact()),
        }
    }

    /// A figure in units as printed: its mantissa, decimals and whether it is exact; `None`
    /// for a cell with no figure and for a figure in units of a declared power of ten.
    #[inline]
    pub fn plain(self) -> Option<(i64, u32, bool)> {
        let scale = self.scale();
        (self.is_applicable() && scale < POWER_BASE)
            .then(|| (self.mantissa(), scale, self.is_exact()))
    }

    /// Whether the figure is an exact count rather than a rounded amount.
    pub fn is_exact(self) -> bool {
        self.0 & EXACT != 0
    }
}

/// What a CSV reader gives for a table: labels, cells, and where each row starts.
#[derive(Debug, Default)]
pub struct Grid {
    pub rows: Vec<LabelPath>,
    pub columns: Vec<LabelPath>,
    pub cells: Vec<Cell>,
    /// Where each data row's record starts in the file (a long file's in pages of their own).
    pub row_starts: crate::pages::Pages<u32>,
    /// The field of each figure column in its record.
    pub figure_fields: Vec<usize>,
    /// Each cell's span, for tables not read from a CSV file (the figures of the text).
    pub cell_spans: Option<Vec<Span>>,
    /// For the figures of the text: the values a figure stated with words around it stands for
    /// (`超过70%` → more than 70), where that differs from its rounding interval.
    pub stated: Option<Vec<Option<Interval>>>,
    /// What reading the table noticed that does not stop the run (full-width figures).
    pub warnings: Vec<TableWarning>,
}

/// How far down its column a proposal looks for a negative printing to follow.
const NEGATIVE_MODEL_ROWS: usize = 10_000;

/// How many fields from a record's start [`Table::cell_span`] reads to find a cell; a cell
/// further along is found from an index of where each field starts, made at first need (4
/// bytes a cell, for wide tables only: a record file's cells are all among its first few).
const SCANNED_FIELDS: usize = 32;

/// A table as printed: its labels, its figures and the file they came from.
#[derive(Debug)]
pub struct Table {
    pub meta: TableMeta,
    source: SharedSource,
    rows: rows::RowLabels,
    columns: Vec<LabelPath>,
    cells: cells::Cells,
    /// Where each data row's record starts in the file, for finding a cell's span.
    row_starts: crate::pages::Pages<u32>,
    figure_fields: Vec<usize>,
    cell_spans: Option<Vec<Span>>,
    /// For a wide table, where each figure's field starts, row by row ([`Table::cell_span`]).
    field_starts: OnceLock<Vec<u32>>,
    stated: Option<Vec<Option<Interval>>>,
    warnings: Vec<TableWarning>,
    /// The cells that are not figures ([`Cell::UNREADABLE`]), as input errors to report once.
    unreadable: Vec<TableError>,
    /// The flags printed after figures (`12.3p`), by cell index (row × width + column), sorted:
    /// few cells carry one, so they are kept apart from the cells.
    flags: Vec<(usize, Box<str>)>,
    /// The byte between fields of the file's records (`,`, `;`, tab), to find a cell's span.
    delimiter: u8,
    row_index: OnceLock<LabelIndex>,
    column_index: OnceLock<LabelIndex>,
    /// Per column, the power of ten one printed unit stands for (a declared `scale`: 3 for
    /// thousands); empty when every column prints units.
    powers: Vec<u32>,
    /// Per column, the number format `tables.toml` declares for it; empty where none is declared
    /// (the book's own format, a workbook's cells).
    formats: Vec<crate::format::ColumnFormat>,
}

impl Table {
    pub fn new(meta: TableMeta, source: SharedSource, grid: Grid) -> Self {
        let Grid {
            rows,
            columns,
            cells,
            row_starts,
            figure_fields,
            cell_spans,
            stated,
            warnings,
        } = grid;
        // A table whose rows are labelled on demand has none yet.
        debug_assert!(rows.is_empty() || cells.len() == rows.len() * columns.len());
        Self {
            meta,
            source,
            rows: rows::RowLabels::Made(rows),
            columns,
            cells: cells::Cells::Wide(cells),
            row_starts,
            figure_fields,
            cell_spans,
            field_starts: OnceLock::new(),
            stated,
            warnings,
            unreadable: Vec::new(),
            flags: Vec::new(),
            delimiter: b',',
            row_index: OnceLock::new(),
            column_index: OnceLock::new(),
            powers: Vec::new(),
            formats: Vec::new(),
        }
    }

    /// The table with cells that are not figures, and the errors that say so.
    pub fn with_unreadable(mut self, errors: Vec<TableError>) -> Self {
        self.unreadable = errors;
        self
    }

    /// The table with the flags printed after its figures, by cell index.
    pub fn with_flags(mut self, mut flags: Vec<(usize, Box<str>)>) -> Self {
        flags.sort_unstable_by_key(|(index, _)| *index);
        self.flags = flags;
        self
    }

    /// The table with the number format declared for each of its columns, in column order.
    pub fn with_formats(mut self, formats: Vec<crate::format::ColumnFormat>) -> Self {
        self.formats = formats;
        self
    }

    /// The number format declared for a column, where one is declared other than the book's:
    /// reports print a proposed figure in it.
    pub fn declared_format(&self, column: usize) -> Option<&crate::format::ColumnFormat> {
        self.formats.get(column).filter(|format| !format.legacy)
    }

    /// The table with its file's field separator, when not a comma.
    pub fn with_delimiter(mut self, delimiter: u8) -> Self {
        self.delimiter = delimiter;
        self
    }

    /// The power of ten one printed unit of a column stands for: 3 for a column declared in
    /// thousands, 0 for units.
    pub fn column_power(&self, column: usize) -> u32 {
        self.powers.get(column).copied().unwrap_or(0)
    }

    /// The flags printed after a cell's figure (`p` for `12.3p`), as declared in its format.
    pub fn flag(&self, row: usize, column: usize) -> Option<&str> {
        if column >= self.columns.len() || self.flags.is_empty() {
            return None;
        }
        let index = row * self.columns.len() + column;
        let at = self.flags.binary_search_by_key(&index, |(i, _)| *i).ok()?;
        self.flags.get(at).map(|(_, flag)| flag.as_ref())
    }

    /// Take the errors of the cells that are not figures, to report them once; the table is
    /// checked without them.
    pub fn take_unreadable(&mut self) -> Vec<TableError> {
        std::mem::take(&mut self.unreadable)
    }

    /// Take the warnings reading the table gave, to report them once.
    pub fn take_warnings(&mut self) -> Vec<TableWarning> {
        std::mem::take(&mut self.warnings)
    }

    /// The exact-match index of the row labels, built on first use.
    pub fn row_index(&self) -> &LabelIndex {
        crate::made_once::get_or_make(&self.row_index, || {
            if self.meta.anchored {
                // The paragraph as a slice of the text, not a copy; a span off the text's
                // characters (never the text's own figures) is read as before.
                let paragraph = |label: &label::Label| {
                    let end = label.span().offset + label.span().length;
                    let start = self.source.paragraph_start(end);
                    match self.source.text().get(start..end) {
                        Some(slice) => std::borrow::Cow::Borrowed(slice),
                        None => std::borrow::Cow::Owned(self.source.paragraph_before(end)),
                    }
                };
                LabelIndex::build_anchored(self.rows(), paragraph)
            } else {
                LabelIndex::build(self.rows())
            }
        })
    }

    /// The exact-match index of the column labels, built on first use.
    pub fn column_index(&self) -> &LabelIndex {
        crate::made_once::get_or_make(&self.column_index, || LabelIndex::build(&self.columns))
    }

    pub fn id(&self) -> &str {
        &self.meta.id
    }

    pub fn source(&self) -> &SharedSource {
        &self.source
    }

    /// Every row's label; a long record file's are made on first use
    /// ([`Table::with_rows_on_demand`]): where one row's label is wanted, [`Table::row`].
    pub fn rows(&self) -> &[LabelPath] {
        self.rows.all(self.source.text(), &self.row_starts)
    }

    /// Whether the table holds every row's label as it was read: all but a long record file,
    /// whose labels are made one at a time as they are asked for, and all at once by
    /// [`Table::rows`] (56 bytes a row, kept to the end of the run).
    pub fn holds_row_labels(&self) -> bool {
        self.rows.made_as_read()
    }

    /// Whether every row's label is made by now, as read or since.
    #[cfg(test)]
    pub(crate) fn all_row_labels_made(&self) -> bool {
        self.rows.all_made()
    }

    /// How many rows the table has.
    pub fn row_count(&self) -> usize {
        self.rows.count()
    }

    /// One row's label, without making every row's.
    pub fn row(&self, row: usize) -> Option<std::borrow::Cow<'_, LabelPath>> {
        self.rows.get(row, self.source.text(), &self.row_starts)
    }

    /// The table with its `count` rows labelled by the first field of their lines, made when
    /// asked for (with the labels `declared` in `tables.toml`) rather than as it was read.
    pub(crate) fn with_rows_on_demand(
        mut self,
        count: usize,
        declared: Option<std::sync::Arc<formatted::Labels>>,
    ) -> Self {
        debug_assert_eq!(count, self.row_starts.len());
        debug_assert_eq!(self.cells.len(), count * self.columns.len());
        self.rows = rows::RowLabels::on_demand(count, self.delimiter, declared);
        self
    }

    pub fn columns(&self) -> &[LabelPath] {
        &self.columns
    }

    /// The cells of one row, in column order.
    pub fn row_cells(&self, row: usize) -> Option<RowCells<'_>> {
        let width = self.columns.len();
        self.cells.row(row * width, width)
    }

    /// The cells of rows `rows`, a row at a time, where the table holds them in 4 bytes each
    /// ([`NarrowCell`]); `None` for a table of cells of 8 bytes, or rows it does not have.
    pub fn narrow_rows(
        &self,
        rows: std::ops::Range<usize>,
    ) -> Option<std::slice::ChunksExact<'_, u32>> {
        let width = self.columns.len();
        let cells = self.cells.narrow()?;
        // A table of no columns has no row to give (chunks of it would be no chunks at all).
        if width == 0 {
            return None;
        }
        let from = rows.start.checked_mul(width)?;
        let to = rows.end.checked_mul(width)?;
        Some(cells.get(from..to)?.chunks_exact(width))
    }

    pub fn cell(&self, row: usize, column: usize) -> Option<Cell> {
        if column >= self.columns.len() {
            return None;
        }
        self.cells.get(row * self.columns.len() + column)
    }

    /// The table with its cells held in 4 bytes each ([`cells::Cells::Narrow`]).
    pub(crate) fn with_narrow_cells(mut self, cells: crate::pages::Pages<u32>) -> Self {
        debug_assert!(self.cells.len() == 0);
        self.cells = cells::Cells::Narrow(cells);
        self
    }

    /// The values a cell's figure stands for: its rounding interval (or itself, if exact), or
    /// for a figure of the text stated with a bound in words, the values the words allow.
    pub fn interval(&self, row: usize, column: usize) -> Option<Interval> {
        let cell = self.cell(row, column)?;
        if !cell.is_applicable() {
            return None;
        }
        self.stated_interval(row, column)
            .or_else(|| cell.interval())
    }

    /// The interval the words around a figure of the text give it, if they bound it.
    /// Whether some figure stands for values its rounding does not give (the figures of the
    /// text stated with words: `超过70%`), read through [`Table::stated_interval`].
    pub fn states_intervals(&self) -> bool {
        self.stated.is_some()
    }

    pub fn stated_interval(&self, row: usize, column: usize) -> Option<Interval> {
        if column >= self.columns.len() {
            return None;
        }
        let index = row * self.columns.len() + column;
        self.stated.as_ref()?.get(index).copied().flatten()
    }

    /// Where a cell is printed in the file. A cell among its record's first
    /// [`SCANNED_FIELDS`] fields is found by reading the record from its start; one further
    /// along, from where the table's index says its field starts: a report that names every
    /// cell of a table ten thousand columns wide read each record five thousand times over.
    pub fn cell_span(&self, row: usize, column: usize) -> Option<Span> {
        if let Some(spans) = &self.cell_spans {
            return spans.get(row * self.columns.len() + column).copied();
        }
        let field = *self.figure_fields.get(column)?;
        let bytes = self.source.text().as_bytes();
        if field < SCANNED_FIELDS {
            let start = usize::try_from(*self.row_starts.get(row)?).ok()?;
            let (spans, _) = read::field_spans(bytes, start, field + 1, self.delimiter);
            return spans.get(field).copied();
        }
        let starts = self.field_starts.get_or_init(|| self.index_field_starts());
        let at = row.checked_mul(self.columns.len())?.checked_add(column)?;
        let start = starts.get(at).filter(|&&start| start != u32::MAX)?;
        Some(read::field_span(
            bytes,
            usize::try_from(*start).ok()?,
            self.delimiter,
        ))
    }

    /// Where each figure's field starts, row by row (a row's figures in column order), each
    /// record read once ([`Table::row_cell_spans`]); `u32::MAX` for a cell with no span.
    /// Offsets fit: a record's start does, and its fields lie on its line.
    fn index_field_starts(&self) -> Vec<u32> {
        (0..self.row_starts.len())
            .flat_map(|row| self.row_cell_spans(row))
            .map(|span| {
                span.and_then(|span| u32::try_from(span.offset).ok())
                    .unwrap_or(u32::MAX)
            })
            .collect()
    }

    /// Where each cell of a row is printed in the file, in column order: the row's fields
    /// found in one pass, where [`Table::cell_span`] reads from the row's start for each.
    pub fn row_cell_spans(&self, row: usize) -> Vec<Option<Span>> {
        let width = self.columns.len();
        if let Some(spans) = &self.cell_spans {
            return (0..width)
                .map(|column| spans.get(row * width + column).copied())
                .collect();
        }
        let Some(start) = self
            .row_starts
            .get(row)
            .and_then(|&start| usize::try_from(start).ok())
        else {
            return vec![None; width];
        };
        let fields = self.figure_fields.iter().max().map_or(0, |last| last + 1);
        let (spans, _) =
            read::field_spans(self.source.text().as_bytes(), start, fields, self.delimiter);
        (0..width)
            .map(|column| {
                let field = self.figure_fields.get(column)?;
                spans.get(*field).copied()
            })
            .collect()
    }

    /// The text at `span` as printed: trimmed, and a CSV-quoted cell without its quotes.
    pub fn printed(&self, span: Span) -> String {
        let raw = self.source.slice(span).trim();
        match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
            Some(inner) => inner.replace("\"\"", "\""),
            None => raw.to_string(),
        }
    }

    /// For `value` proposed in a cell of `column` that prints `printed`: where the value is
    /// negative and the printing is not, how the column prints a negative figure, for the
    /// proposal to follow (`(14.2%)` where the column prints `(13.9%)`, not `(14.2)%`).
    pub fn sign_model(&self, column: usize, printed: &str, value: Decimal) -> Option<String> {
        let flips = value.is_sign_negative() && !value.is_zero();
        (flips && !crate::format::print::prints_negative(printed))
            .then(|| self.negative_printing(column))
            .flatten()
    }

    /// Whether the column prints a negative figure among its first [`NEGATIVE_MODEL_ROWS`]
    /// rows.
    pub fn prints_negatives(&self, column: usize) -> bool {
        self.negative_printing(column).is_some()
    }

    /// How the column prints a negative figure: the first negative it prints, among its first
    /// [`NEGATIVE_MODEL_ROWS`] rows.
    fn negative_printing(&self, column: usize) -> Option<String> {
        (0..self.row_count().min(NEGATIVE_MODEL_ROWS))
            .filter(|&row| self.cell(row, column).is_some_and(Cell::is_negative_figure))
            .filter_map(|row| self.cell_span(row, column))
            .map(|span| self.printed(span))
            .find(|printed| crate::format::print::prints_negative(printed))
    }

    /// How many cells hold a figure.
    pub fn figure_count(&self) -> usize {
        self.cells.iter().filter(|c| c.figure().is_some()).count()
    }
}

/// A long record file for tests: 30 000 rows `id,a,b,t` (every figure exact, so its rows are
/// labelled on demand), row `n` named `id(n)`, `tables.toml` starting with `preamble`.
#[cfg(test)]
pub(crate) fn long_record_file(
    id: impl Fn(usize) -> String,
    preamble: &str,
) -> (tempfile::TempDir, manifest::Dataset) {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("id,a,b,t\n");
    for row in 0..30_000 {
        csv.push_str(&format!("{},1.0,2.0,3.0\n", id(row)));
    }
    std::fs::write(dir.path().join("T.csv"), csv).unwrap();
    let toml = format!(
        "{preamble}[[table]]\nid = \"T\"\nfile = \"T.csv\"\nheader_rows = 1\n\
         label_columns = 1\ncolumns = {{ \"a\" = {{ exact = true }}, \"b\" = {{ exact = true }}, \
         \"t\" = {{ exact = true }} }}\n"
    );
    std::fs::write(dir.path().join("tables.toml"), toml).unwrap();
    let dataset = manifest::load_dataset(dir.path()).unwrap();
    assert!(!dataset.tables[0].holds_row_labels());
    (dir, dataset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    /// A cell's bits tell a negative figure as its decimal does, whatever the cell holds.
    #[test]
    fn a_negative_figure_is_told_from_the_bits_as_from_the_decimal() {
        let mut cells: Vec<Cell> = [Meaning::NotApplicable, Meaning::NotAvailable]
            .into_iter()
            .chain([Meaning::Confidential, Meaning::Nil])
            .map(Cell::absent)
            .collect();
        cells.extend([Cell::UNREADABLE, Cell::PLACEHOLDER]);
        for mantissa in [-MAX_MANTISSA, -1_234, -1, 0, 1, 987, MAX_MANTISSA] {
            for scale in [0, 1, 3, 28] {
                cells.extend(Cell::from_parts(mantissa, scale));
            }
            for exact in [true, false] {
                cells.extend(Cell::value(Decimal::new(mantissa, 2), exact));
            }
        }
        for printed in ["-4", "-4.5", "0", "8885"] {
            let mut thousands = Cell::value(Decimal::from_str(printed).unwrap(), false).unwrap();
            thousands.scale_by(3);
            cells.push(thousands);
        }
        for cell in cells {
            let negative = cell
                .figure()
                .is_some_and(|value| value.is_sign_negative() && !value.is_zero());
            assert_eq!(cell.is_negative_figure(), negative, "{cell:?}");
        }
    }

    #[test]
    fn cells_are_small_and_keep_value_sign_and_precision() {
        assert_eq!(std::mem::size_of::<Cell>(), 8);
        let value = Decimal::from_str("-13.90").unwrap();
        let cell = Cell::value(value, false).unwrap();
        assert_eq!(cell.figure().unwrap().to_string(), "-13.90");
        assert!(!cell.is_exact());
        assert!(Cell::value(value, true).unwrap().is_exact());
        assert_eq!(Cell::not_applicable().figure(), None);
        let largest = Cell::from_parts(-MAX_MANTISSA, 0).unwrap();
        assert_eq!(largest.figure(), Some(Decimal::from(-MAX_MANTISSA)));
        assert_eq!(Cell::from_parts(MAX_MANTISSA + 1, 0), None);
    }

    #[test]
    fn a_figure_in_thousands_stands_for_its_value_rounded_to_the_thousand() {
        let scaled = |printed: &str, power: u32, exact: bool| {
            let mut cell = Cell::value(Decimal::from_str(printed).unwrap(), exact).unwrap();
            cell.scale_by(power);
            let interval = cell.interval().unwrap();
            assert!(cell.scaled_interval().is_some());
            (
                cell.figure().unwrap().to_string(),
                interval.low().to_string(),
                interval.high().to_string(),
                cell.precision(),
            )
        };
        let text = |s: &str| s.to_string();
        assert_eq!(
            scaled("8885", 3, false),
            (text("8885000"), text("8884500"), text("8885500"), -3)
        );
        assert_eq!(
            scaled("8885.3", 3, false),
            (text("8885300"), text("8885250"), text("8885350"), -2)
        );
        assert_eq!(
            scaled("8.8853", 3, false),
            (text("8885.3"), text("8885.25"), text("8885.35"), 1)
        );
        assert_eq!(
            scaled("-12", 6, true),
            (text("-12000000"), text("-12000000"), text("-12000000"), -6)
        );
        let mut largest = Cell::from_parts(MAX_MANTISSA, 0).unwrap();
        largest.scale_by(crate::format::MAX_POWER);
        let value = Decimal::from(MAX_MANTISSA) * Decimal::from(1_000_000_000_000i64);
        assert_eq!(largest.figure(), Some(value));
        assert!(largest.interval().unwrap().contains(value));
    }
}
