//! A table's grid of cells: 8 bytes a cell, or 4 where every figure of a long record file is
//! small enough.
//!
//! A narrow cell is a [`Cell`]'s low 32 bits: its flags and scale (the low byte) and a
//! mantissa of 24 bits (± 8 388 607, `838 860.7` at one decimal). A record file's figures
//! mostly fit; its grid then takes half the memory.

use super::{Cell, EXACT, HAS_VALUE, MANTISSA_SHIFT, POWER_BASE, SCALE_SHIFT};

/// The cells of a table, row after row.
#[derive(Debug)]
pub(super) enum Cells {
    Wide(Vec<Cell>),
    /// In a buffer of its own: a record file's grid is tens of megabytes.
    Narrow(crate::pages::Pages<u32>),
}

impl Default for Cells {
    fn default() -> Self {
        Cells::Wide(Vec::new())
    }
}

/// One row's cells.
#[derive(Debug, Clone, Copy)]
pub enum RowCells<'t> {
    Wide(&'t [Cell]),
    Narrow(&'t [u32]),
}

impl RowCells<'_> {
    /// The cell of a column.
    #[inline]
    pub fn get(&self, column: usize) -> Option<Cell> {
        match self {
            RowCells::Wide(cells) => cells.get(column).copied(),
            RowCells::Narrow(cells) => cells.get(column).map(|&bits| Cell::from_narrow(bits)),
        }
    }
}

impl Cell {
    /// The cell in 4 bytes, where its mantissa fits in 24 bits.
    #[inline]
    pub(crate) fn narrow(self) -> Option<u32> {
        let bits = self.0 as u32;
        (Cell::from_narrow(bits) == self).then_some(bits)
    }

    /// A cell from its 4 bytes ([`Cell::narrow`]): the mantissa's sign carried up.
    #[inline]
    pub(super) fn from_narrow(bits: u32) -> Self {
        Cell(i64::from(bits as i32) as u64)
    }
}

/// A 4-byte cell read in place, for the checks of a record rule ([`Cell::plain`] without
/// making the cell of 8 bytes first).
#[derive(Debug, Clone, Copy)]
pub struct NarrowCell(pub u32);

impl NarrowCell {
    /// The bit an exact figure's cell has ([`NarrowCell::is_exact`]).
    pub const EXACT_BIT: u32 = EXACT as u32;

    /// Whether the cell holds a figure, and at which scale, without its exactness: two cells
    /// whose figures are printed with the same decimals have the same class.
    #[inline(always)]
    pub fn class(self) -> u32 {
        self.0 & 0xff & !(EXACT as u32)
    }

    /// Whether cells of a class hold a figure [`Cell::plain`] reads: one with decimals, not
    /// a power of ten (a figure in thousands).
    #[inline(always)]
    pub fn plain_class(class: u32) -> bool {
        class & HAS_VALUE as u32 != 0 && (class >> SCALE_SHIFT) < POWER_BASE
    }

    #[inline(always)]
    pub fn mantissa(self) -> i64 {
        i64::from((self.0 as i32) >> MANTISSA_SHIFT)
    }

    #[inline(always)]
    pub fn is_exact(self) -> bool {
        self.0 & Self::EXACT_BIT != 0
    }
}

/// How a record file's figures are stored in 4 bytes: each with the exactness its column
/// declares, as [`Cell::set_exact`] sets it (`formatted::mark_declared_exact` does that for
/// cells of 8 bytes).
pub(super) struct Narrowing {
    /// Per column, the exactness bit to clear and the one to set in a cell with a figure.
    exactness: Vec<(u64, u64)>,
}

impl Narrowing {
    pub(super) fn new(declared: impl IntoIterator<Item = Option<bool>>) -> Self {
        let exactness = declared
            .into_iter()
            .map(|exact| match exact {
                Some(true) => (EXACT, EXACT),
                Some(false) => (EXACT, 0),
                None => (0, 0),
            })
            .collect();
        Narrowing { exactness }
    }

    /// A row's cells in 4 bytes each ([`Cell::narrow`]); `false` where one does not fit, and
    /// `slots` then hold some of them.
    pub(super) fn store(&self, row: &[Cell], slots: &mut [u32]) -> bool {
        row.iter()
            .zip(slots)
            .enumerate()
            .all(|(column, (&cell, slot))| match self.narrow(column, cell) {
                Some(bits) => {
                    *slot = bits;
                    true
                }
                None => false,
            })
    }

    /// A cell of a column in 4 bytes, with the column's exactness; `None` where it does not
    /// fit.
    #[inline]
    pub(super) fn narrow(&self, column: usize, cell: Cell) -> Option<u32> {
        let (clear, set) = self.exactness.get(column).copied().unwrap_or_default();
        let figure = (cell.0 & HAS_VALUE).wrapping_neg();
        let bits = (cell.0 & !(clear & figure)) | (set & figure);
        (Cell::from_narrow(bits as u32).0 == bits).then_some(bits as u32)
    }

    /// [`Self::narrow`] of a cell known to hold a figure (one the scan read): its exactness
    /// set with no test of it.
    #[inline]
    pub(super) fn narrow_figure(&self, column: usize, cell: Cell) -> Option<u32> {
        let exactness = self.exactness.get(column).copied().unwrap_or_default();
        Self::narrow_figure_as(exactness, cell)
    }

    /// The exactness every column has, where they all have the same.
    pub(super) fn alike(&self) -> Option<(u64, u64)> {
        let (first, rest) = self.exactness.split_first()?;
        rest.iter().all(|other| other == first).then_some(*first)
    }

    /// [`Self::narrow_figure`] with the exactness bit to clear and the one to set.
    #[inline(always)]
    pub(super) fn narrow_figure_as((clear, set): (u64, u64), cell: Cell) -> Option<u32> {
        let bits = (cell.0 & !clear) | set;
        (Cell::from_narrow(bits as u32).0 == bits).then_some(bits as u32)
    }
}

impl Cells {
    pub(super) fn len(&self) -> usize {
        match self {
            Cells::Wide(cells) => cells.len(),
            Cells::Narrow(cells) => cells.len(),
        }
    }

    #[inline]
    pub(super) fn get(&self, index: usize) -> Option<Cell> {
        match self {
            Cells::Wide(cells) => cells.get(index).copied(),
            Cells::Narrow(cells) => cells.get(index).map(|&bits| Cell::from_narrow(bits)),
        }
    }

    /// A narrow grid's cells, row after row; `None` for cells of 8 bytes.
    pub(super) fn narrow(&self) -> Option<&[u32]> {
        match self {
            Cells::Wide(_) => None,
            Cells::Narrow(cells) => Some(cells),
        }
    }

    pub(super) fn row(&self, start: usize, width: usize) -> Option<RowCells<'_>> {
        Some(match self {
            Cells::Wide(cells) => RowCells::Wide(cells.get(start..start + width)?),
            Cells::Narrow(cells) => RowCells::Narrow(cells.get(start..start + width)?),
        })
    }

    /// Change a cell; a narrow grid is widened first where the new cell does not fit.
    pub(super) fn set(&mut self, index: usize, cell: Cell) {
        if let Cells::Narrow(cells) = self {
            match (cells.get_mut(index), cell.narrow()) {
                (Some(slot), Some(bits)) => {
                    *slot = bits;
                    return;
                }
                (None, _) => return,
                (Some(_), None) => self.widen(),
            }
        }
        if let Cells::Wide(cells) = self
            && let Some(slot) = cells.get_mut(index)
        {
            *slot = cell;
        }
    }

    fn widen(&mut self) {
        if let Cells::Narrow(cells) = self {
            *self = Cells::Wide(cells.iter().map(|&bits| Cell::from_narrow(bits)).collect());
        }
    }

    /// Every cell in order.
    pub(super) fn iter(&self) -> impl Iterator<Item = Cell> + '_ {
        (0..self.len()).filter_map(|index| self.get(index))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn small_figures_narrow_and_large_ones_do_not() {
        let fits = Cell::from_parts(-8_388_608, 1).unwrap();
        assert_eq!(Cell::from_narrow(fits.narrow().unwrap()), fits);
        assert_eq!(Cell::from_parts(8_388_608, 1).unwrap().narrow(), None);
        for cell in [Cell::UNREADABLE, Cell::not_applicable()] {
            assert_eq!(Cell::from_narrow(cell.narrow().unwrap()), cell);
        }
    }

    #[test]
    fn a_cell_that_does_not_fit_widens_the_grid() {
        let mut cells =
            Cells::Narrow(vec![Cell::from_parts(1, 0).unwrap().narrow().unwrap(); 3].into());
        let large = Cell::from_parts(1 << 40, 2).unwrap();
        cells.set(1, large);
        assert!(matches!(cells, Cells::Wide(_)));
        assert_eq!(cells.get(1), Some(large));
        assert_eq!(cells.get(2), Cell::from_parts(1, 0));
    }

    /// Columns declared alike share one exactness, which narrows a figure as its column's
    /// does; columns declared otherwise have none to share.
    #[test]
    fn columns_declared_alike_narrow_with_one_exactness() {
        let figure = Cell::from_parts(-843, 1).unwrap();
        for declared in [Some(true), Some(false), None] {
            let narrowing = Narrowing::new([declared; 3]);
            let alike = narrowing.alike().unwrap();
            for column in 0..3 {
                assert_eq!(
                    Narrowing::narrow_figure_as(alike, figure),
                    narrowing.narrow_figure(column, figure)
                );
            }
        }
        let exact = Narrowing::new([Some(true)])
            .narrow_figure(0, figure)
            .unwrap();
        assert!(Cell::from_narrow(exact).is_exact());
        for mixed in [[Some(true), None], [Some(true), Some(false)]] {
            assert_eq!(Narrowing::new(mixed).alike(), None);
        }
        assert_eq!(Narrowing::new([]).alike(), None);
    }

    proptest! {
        /// A row stored narrow holds each cell with its column's exactness, as set on the
        /// cell of 8 bytes and narrowed, up to the first that does not fit; it fits where
        /// every such cell does.
        #[test]
        fn a_row_stored_narrow_is_each_cell_marked_and_narrowed(
            row in proptest::collection::vec((-(1i64 << 25)..(1i64 << 25), 0u32..4, 0u8..4), 1..6),
            declared in proptest::collection::vec(proptest::option::of(proptest::bool::ANY), 6),
        ) {
            let cells: Vec<Cell> = row
                .iter()
                .map(|&(mantissa, scale, kind)| match kind {
                    0 => Cell::UNREADABLE,
                    1 => Cell::not_applicable(),
                    _ => Cell::from_parts(mantissa, scale).unwrap(),
                })
                .collect();
            let narrowing = Narrowing::new(declared.iter().copied());
            let mut slots = vec![0u32; cells.len()];
            let fits = narrowing.store(&cells, &mut slots);
            let mut all_fit = true;
            for ((cell, slot), exact) in cells.iter().zip(&slots).zip(&declared) {
                let mut cell = *cell;
                if let Some(exact) = exact {
                    cell.set_exact(*exact);
                }
                match cell.narrow() {
                    Some(bits) => prop_assert_eq!(bits, *slot),
                    None => {
                        all_fit = false;
                        break;
                    }
                }
            }
            prop_assert_eq!(fits, all_fit);
            for (column, cell) in cells.iter().enumerate().filter(|(_, cell)| cell.is_applicable()) {
                prop_assert_eq!(
                    narrowing.narrow_figure(column, *cell),
                    narrowing.narrow(column, *cell)
                );
            }
        }

        #[test]
        fn a_narrowed_cell_reads_back_the_same(mantissa in -(1i64 << 30)..(1i64 << 30), scale in 0u32..28, exact: bool) {
            let mut cell = Cell::from_parts(mantissa, scale).unwrap();
            cell.set_exact(exact);
            match cell.narrow() {
                Some(bits) => {
                    prop_assert_eq!(Cell::from_narrow(bits), cell);
                    prop_assert_eq!(Cell::from_narrow(bits).figure(), cell.figure());
                }
                None => prop_assert!(!(-(1i64 << 23)..(1i64 << 23)).contains(&mantissa)),
            }
        }
    }
}
