//! The typed model of a published table: labels, cells with exact values and spans.
//!
//! A [`Table`] is a grid of [`Cell`]s addressed by row and column [`LabelPath`]s. Cells are kept
//! small (16 bytes) because a table may have millions of them; their value and span are
//! reconstructed on demand.

pub mod error;
pub mod index;
pub mod label;
pub mod manifest;
pub mod read;

use crate::interval::{Interval, ScaledInterval};
use crate::source::{SharedSource, Span};
use index::LabelIndex;
use label::LabelPath;
use rust_decimal::Decimal;
use std::sync::OnceLock;

pub use error::TableError;

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
}

/// One figure cell, packed: the printed value as mantissa and scale, and its place in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    mantissa: i64,
    offset: u32,
    length: u16,
    scale: u8,
    flags: u8,
}

const HAS_VALUE: u8 = 1;
const EXACT: u8 = 2;

impl Cell {
    /// A not-applicable cell with no place, for filling a grid before it is read.
    pub const PLACEHOLDER: Cell = Cell {
        mantissa: 0,
        offset: 0,
        length: 0,
        scale: 0,
        flags: 0,
    };

    /// A cell with a value; `exact` for whole counts and ranks.
    pub fn value(value: Decimal, span: Span, exact: bool) -> Option<Self> {
        let mantissa = i64::try_from(value.mantissa()).ok()?;
        let scale = u8::try_from(value.scale()).ok()?;
        let (offset, length) = pack(span)?;
        Some(Self {
            mantissa,
            offset,
            length,
            scale,
            flags: HAS_VALUE | if exact { EXACT } else { 0 },
        })
    }

    /// A cell from a mantissa and scale as printed (`223984`, 1 for 22 398.4).
    pub fn from_parts(mantissa: i64, scale: u32, span: Span) -> Option<Self> {
        let (offset, length) = pack(span)?;
        Some(Self {
            mantissa,
            offset,
            length,
            scale: u8::try_from(scale).ok()?,
            flags: HAS_VALUE,
        })
    }

    /// A `—` or empty cell.
    pub fn not_applicable(span: Span) -> Option<Self> {
        let (offset, length) = pack(span)?;
        Some(Self {
            mantissa: 0,
            offset,
            length,
            scale: 0,
            flags: 0,
        })
    }

    /// Mark the figure as an exact count (or not), once its unit is known.
    pub fn set_exact(&mut self, exact: bool) {
        if exact {
            self.flags |= EXACT;
        } else {
            self.flags &= !EXACT;
        }
    }

    /// The printed value, `None` when not applicable.
    pub fn figure(&self) -> Option<Decimal> {
        (self.flags & HAS_VALUE != 0).then(|| Decimal::new(self.mantissa, u32::from(self.scale)))
    }

    /// The values the printed figure stands for: itself if exact, else its rounding interval.
    pub fn interval(&self) -> Option<Interval> {
        if self.flags & HAS_VALUE == 0 {
            return None;
        }
        let scale = u32::from(self.scale);
        Some(if self.is_exact() {
            Interval::exact(Decimal::new(self.mantissa, scale))
        } else {
            Interval::rounded_from_parts(self.mantissa, scale)
        })
    }

    /// Whether the cell holds a figure (not `—` or empty).
    pub fn is_applicable(&self) -> bool {
        self.flags & HAS_VALUE != 0
    }

    /// The same interval as [`Cell::interval`], as integers at a fixed scale.
    pub fn scaled_interval(&self) -> Option<ScaledInterval> {
        if self.flags & HAS_VALUE == 0 {
            return None;
        }
        ScaledInterval::figure(self.mantissa, u32::from(self.scale), self.is_exact())
    }

    /// Whether the figure is an exact count rather than a rounded amount.
    pub fn is_exact(&self) -> bool {
        self.flags & EXACT != 0
    }

    pub fn span(&self) -> Span {
        Span::new(self.offset as usize, usize::from(self.length))
    }
}

fn pack(span: Span) -> Option<(u32, u16)> {
    Some((
        u32::try_from(span.offset).ok()?,
        u16::try_from(span.length).ok()?,
    ))
}

/// A table as printed: its labels, its figures and the file they came from.
#[derive(Debug)]
pub struct Table {
    pub meta: TableMeta,
    source: SharedSource,
    rows: Vec<LabelPath>,
    columns: Vec<LabelPath>,
    cells: Vec<Cell>,
    row_index: OnceLock<LabelIndex>,
    column_index: OnceLock<LabelIndex>,
}

impl Table {
    pub fn new(
        meta: TableMeta,
        source: SharedSource,
        rows: Vec<LabelPath>,
        columns: Vec<LabelPath>,
        cells: Vec<Cell>,
    ) -> Self {
        debug_assert_eq!(cells.len(), rows.len() * columns.len());
        Self {
            meta,
            source,
            rows,
            columns,
            cells,
            row_index: OnceLock::new(),
            column_index: OnceLock::new(),
        }
    }

    /// The exact-match index of the row labels, built on first use.
    pub fn row_index(&self) -> &LabelIndex {
        self.row_index.get_or_init(|| LabelIndex::build(&self.rows))
    }

    /// The exact-match index of the column labels, built on first use.
    pub fn column_index(&self) -> &LabelIndex {
        self.column_index
            .get_or_init(|| LabelIndex::build(&self.columns))
    }

    pub fn id(&self) -> &str {
        &self.meta.id
    }

    pub fn source(&self) -> &SharedSource {
        &self.source
    }

    pub fn rows(&self) -> &[LabelPath] {
        &self.rows
    }

    pub fn columns(&self) -> &[LabelPath] {
        &self.columns
    }

    pub fn cell(&self, row: usize, column: usize) -> Option<&Cell> {
        if column >= self.columns.len() {
            return None;
        }
        self.cells.get(row * self.columns.len() + column)
    }

    /// How many cells hold a figure.
    pub fn figure_count(&self) -> usize {
        self.cells.iter().filter(|c| c.figure().is_some()).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn cells_are_small_and_keep_value_precision_and_span() {
        assert_eq!(std::mem::size_of::<Cell>(), 16);
        let value = Decimal::from_str("-13.90").unwrap();
        let cell = Cell::value(value, Span::new(7, 6), false).unwrap();
        assert_eq!(cell.figure().unwrap().to_string(), "-13.90");
        assert_eq!(cell.span(), Span::new(7, 6));
        assert!(!cell.is_exact());
        assert_eq!(
            Cell::not_applicable(Span::new(0, 0)).unwrap().figure(),
            None
        );
    }
}
