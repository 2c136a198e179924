//! A table's grid of cells: 8 bytes a cell, or 4 where every figure of a long record file is
//! small enough.
//!
//! A narrow cell is a [`Cell`]'s low 32 bits: its flags and scale (the low byte) and a
//! mantissa of 24 bits (± 8 388 607, `838 860.7` at one decimal). A record file's figures
//! mostly fit; its grid then takes half the memory.

use super::Cell;

/// The cells of a table, row after row.
#[derive(Debug)]
pub(super) enum Cells {
    Wide(Vec<Cell>),
    Narrow(Vec<u32>),
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
    pub(super) fn narrow(self) -> Option<u32> {
        let bits = self.0 as u32;
        (Cell::from_narrow(bits) == self).then_some(bits)
    }

    /// A cell from its 4 bytes ([`Cell::narrow`]): the mantissa's sign carried up.
    #[inline]
    pub(super) fn from_narrow(bits: u32) -> Self {
        Cell(i64::from(bits as i32) as u64)
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
        let mut cells = Cells::Narrow(vec![Cell::from_parts(1, 0).unwrap().narrow().unwrap(); 3]);
        let large = Cell::from_parts(1 << 40, 2).unwrap();
        cells.set(1, large);
        assert!(matches!(cells, Cells::Wide(_)));
        assert_eq!(cells.get(1), Some(large));
        assert_eq!(cells.get(2), Cell::from_parts(1, 0));
    }

    proptest! {
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
