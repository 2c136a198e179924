//! The fastest path: a record rule (`t = a + b` for every row of a table) decided on the cells
//! of each row, with no expression to walk and no label to look up.

use super::evaluate::Stop;
use super::program::{Comparison, CompiledExpr, Items, Place, Term};
use crate::format::Meaning;
use crate::interval::ScaledInterval;
use crate::lang::ast::CompareOp;
use crate::table::{Cell, NarrowCell, RowCells};
use rust_decimal::Decimal;

/// A linear form whose every term is a fixed column of the row a single loop over one table's
/// rows is on (`t = a + b` for every row): decided on that row's cells alone. Worked out once,
/// when the rule is compiled ([`Comparison::row`]): blame decides thousands of trials with it.
#[derive(Debug, Clone)]
pub(super) struct RowPlan {
    pub(super) table: usize,
    left: Vec<(bool, usize)>,
    right: Vec<(bool, usize)>,
    /// Whether the comparison names cells alone, no number: its difference as printed is then
    /// its figures' ([`RowPlan::difference_at_one_scale`]).
    figures_only: bool,
    /// The left and the right side's columns, those added apart from those subtracted: the
    /// loop of [`RowPlan::holds_at_one_scale`] over a row's cells then tests no sign.
    signed: [SignedColumns; 2],
    /// The column of the first term: its figure's decimals are the ones every other must
    /// print ([`RowPlan::holds_narrow`]).
    first: Option<usize>,
    /// The columns of the left side's sum less the right side's, each with its sign there:
    /// `1` added (the left side's added and the right side's subtracted), `-1` subtracted;
    /// added ones first ([`RowPlan::holds_narrow`], [`RowPlan::narrow_verdicts`]).
    narrow_terms: Vec<(usize, i64)>,
}

/// One side's columns, by the sign its terms give them.
#[derive(Debug, Clone, Default)]
struct SignedColumns {
    added: Vec<usize>,
    subtracted: Vec<usize>,
}

impl SignedColumns {
    fn of(terms: &[(bool, usize)]) -> Self {
        let mut columns = SignedColumns::default();
        for &(negative, column) in terms {
            if negative {
                columns.subtracted.push(column);
            } else {
                columns.added.push(column);
            }
        }
        columns
    }
}

impl RowPlan {
    pub(super) fn of(comparison: &Comparison) -> Option<Self> {
        let form = comparison.linear.as_ref()?;
        let [Items::AllRows { table, .. }] = comparison.loops.as_slice() else {
            return None;
        };
        if !form.left_constant.is_zero() || !form.right_constant.is_zero() {
            return None;
        }
        let columns = |terms: &[Term]| -> Option<Vec<(bool, usize)>> {
            terms
                .iter()
                .map(|term| match (&term.row, &term.column) {
                    (Place::Loop(0), Place::Fixed(column)) if term.table == *table => {
                        Some((term.negative, *column))
                    }
                    _ => None,
                })
                .collect()
        };
        let figures_only =
            names_cells_alone(&comparison.left) && names_cells_alone(&comparison.right);
        Some(Self::of_columns(
            *table,
            columns(&form.left)?,
            columns(&form.right)?,
            figures_only,
        ))
    }

    fn of_columns(
        table: usize,
        left: Vec<(bool, usize)>,
        right: Vec<(bool, usize)>,
        figures_only: bool,
    ) -> Self {
        let signed = [SignedColumns::of(&left), SignedColumns::of(&right)];
        let first = left.iter().chain(&right).next().map(|&(_, column)| column);
        let [l, r] = &signed;
        let narrow_terms = l
            .added
            .iter()
            .chain(&r.subtracted)
            .map(|&column| (column, 1))
            .chain(
                l.subtracted
                    .iter()
                    .chain(&r.added)
                    .map(|&column| (column, -1)),
            )
            .collect();
        Self {
            table,
            left,
            right,
            figures_only,
            signed,
            first,
            narrow_terms,
        }
    }

    /// `Ok(true)` when the relation may hold; `Ok(false)` when it fails or leaves the integers;
    /// a `—` cell skips the check.
    pub(super) fn holds(&self, row: RowCells<'_>, op: CompareOp) -> Result<bool, Stop> {
        if let Some(verdict) = self.holds_at_one_scale(row, op) {
            return Ok(verdict);
        }
        self.holds_in_general(row, op)
    }

    /// The common case, a record's figures all printed with the same decimals: each side is
    /// the sum of its mantissas, give or take half a unit of the last digit for each rounded
    /// figure — the same bounds [`ScaledInterval`] adds up, without aligning scales per cell.
    /// `None` where a cell holds no figure, the decimals differ or the integers overflow;
    /// `Some(false)` is a failure the full evaluation gives too.
    ///
    /// Kept out of line, as it was before blame's trials shared it: inlined into the loop over
    /// a block's checks, it made each check dearer.
    #[inline(never)]
    pub(super) fn holds_at_one_scale(&self, row: RowCells<'_>, op: CompareOp) -> Option<bool> {
        // The row's kind matched once, not for each of its cells.
        match row {
            RowCells::Wide(cells) => self.holds_at_one_scale_in(|c| cells.get(c).copied(), op),
            RowCells::Narrow(_) => self.holds_at_one_scale_in(|c| row.get(c), op),
        }
    }

    /// [`RowPlan::holds_at_one_scale`] on the cells `cell` reads for each column (a row with
    /// some of its cells read as other figures, for blame's trials).
    #[inline]
    pub(super) fn holds_at_one_scale_in(
        &self,
        cell: impl Fn(usize) -> Option<Cell>,
        op: CompareOp,
    ) -> Option<bool> {
        let mut scale = None;
        let [left, right] = &self.signed;
        let (left_low, left_high) = side_at_one_scale(left, &cell, &mut scale)?;
        let (right_low, right_high) = side_at_one_scale(right, &cell, &mut scale)?;
        Some(compare_bounds(
            op,
            (left_low, left_high),
            (right_low, right_high),
        ))
    }

    /// [`RowPlan::holds_at_one_scale`] on a row of 4-byte cells, read in place: the same
    /// verdict, and `None` where that gives `None`. A record file's checks come here, two
    /// million of them for a file of a million rows.
    ///
    /// Each side's bounds are its sum ± half a unit for each rounded figure, at one more
    /// decimal; every comparison of them is one of the sides' difference `gap` (the left
    /// side's sum less the right side's) with the rounded figures' `slack`: `=` holds where
    /// −slack ≤ gap ≤ slack. So one pass over the row adds the difference and counts the
    /// rounded figures. A narrow mantissa has at most 24 bits, and a rule fewer than 2^32
    /// terms (each is written in its text or names a column of its table, and neither file
    /// may pass 4 GiB): no sum here can overflow, so it adds without a test, and tests the
    /// cells' classes (each a figure with the first's decimals) once, after.
    #[inline]
    pub(super) fn holds_narrow(&self, row: &[u32], op: CompareOp) -> Option<bool> {
        let class = NarrowCell(*row.get(self.first?)?).class();
        if !NarrowCell::plain_class(class) {
            return None;
        }
        let (mut difference, mut rounded, mut differ) = (0i64, 0i64, 0u32);
        for &(column, sign) in &self.narrow_terms {
            // A column the row does not have reads as a cell of no figure, whose class differs.
            let cell = NarrowCell(row.get(column).copied().unwrap_or(0));
            differ |= cell.class() ^ class;
            rounded += i64::from(!cell.is_exact());
            difference = difference.wrapping_add(sign * cell.mantissa());
        }
        if differ != 0 {
            return None;
        }
        let (gap, slack) = (difference.wrapping_mul(10), rounded.wrapping_mul(5));
        Some(match op {
            CompareOp::Equal => -slack <= gap && gap <= slack,
            CompareOp::LessEqual => gap <= slack,
            CompareOp::Less => gap < slack,
            CompareOp::GreaterEqual => gap >= -slack,
            CompareOp::Greater => gap > -slack,
        })
    }

    /// [`RowPlan::holds_narrow`] for each row of a block, in order: `each` is given each row's
    /// place in `rows` and its verdict. A rule of 2 to 8 terms is decided by a loop made for
    /// its number of terms ([`NarrowTerms::verdicts`]): its columns and signs are read once a
    /// block, not once a row, and no cell is compared with the first one by one.
    pub(super) fn narrow_verdicts<'r>(
        &self,
        rows: impl Iterator<Item = &'r [u32]>,
        op: CompareOp,
        each: impl FnMut(usize, Option<bool>),
    ) {
        macro_rules! unrolled {
            ($($terms:literal)*) => {
                match self.narrow_terms.len() {
                    $($terms => {
                        if let Ok(terms) = <[(usize, i64); $terms]>::try_from(&self.narrow_terms[..]) {
                            return NarrowTerms(terms).verdicts(rows, op, each);
                        }
                    })*
                    _ => {}
                }
            };
        }
        unrolled!(2 3 4 5 6 7 8);
        let mut each = each;
        for (place, row) in rows.enumerate() {
            each(place, self.holds_narrow(row, op));
        }
    }

    /// What the left side's figures as printed minus the right side's come to — the failed
    /// check's difference the full evaluation gives ([`Evaluator::as_printed`]), at the same
    /// scale — where every figure is printed with the same decimals and the comparison names
    /// no number. `None` otherwise, and where the difference is zero: a sum of decimals at
    /// other scales, or of zeros, may keep another scale, which the full evaluation decides.
    ///
    /// [`Evaluator::as_printed`]: super::evaluate
    pub(super) fn difference_at_one_scale(
        &self,
        cell: impl Fn(usize) -> Option<Cell>,
    ) -> Option<Decimal> {
        if !self.figures_only {
            return None;
        }
        let mut scale = None;
        let mut difference = 0i64;
        for (subtracted, terms) in [(false, &self.left), (true, &self.right)] {
            for &(negative, column) in terms {
                let (mantissa, decimals, _) = cell(column)?.plain()?;
                if *scale.get_or_insert(decimals) != decimals {
                    return None;
                }
                let mantissa = if negative == subtracted {
                    mantissa
                } else {
                    mantissa.checked_neg()?
                };
                difference = difference.checked_add(mantissa)?;
            }
        }
        if difference == 0 {
            return None;
        }
        Decimal::try_new(difference, scale?).ok()
    }

    /// Kept out of line: a record file rarely comes here, and inlined it made every check of
    /// [`RowPlan::holds`] dearer.
    #[inline(never)]
    fn holds_in_general(&self, row: RowCells<'_>, op: CompareOp) -> Result<bool, Stop> {
        let side = |terms: &[(bool, usize)]| -> Result<Option<ScaledInterval>, Stop> {
            let mut total: Option<ScaledInterval> = None;
            for &(negative, column) in terms {
                let cell = row.get(column).ok_or(Stop::Skip)?;
                if cell.is_unreadable() {
                    return Err(Stop::Blocked);
                }
                if let Some(meaning) = cell.absence() {
                    return Err(match meaning {
                        Meaning::NotAvailable | Meaning::Confidential => Stop::Withheld(meaning),
                        Meaning::NotApplicable | Meaning::Nil => Stop::Skip,
                    });
                }
                let Some(value) = cell.scaled_interval() else {
                    return Ok(None);
                };
                let value = if negative { value.negated() } else { value };
                total = match total {
                    None => Some(value),
                    Some(sum) => match sum.checked_add(value) {
                        Some(sum) => Some(sum),
                        None => return Ok(None),
                    },
                };
            }
            Ok(total)
        };
        let (left, right) = (side(&self.left)?, side(&self.right)?);
        Ok(left.zip(right).and_then(|(l, r)| l.may_hold(op, r)) == Some(true))
    }
}

/// A record rule's terms as the columns of the difference of its sides, each with its sign
/// in that difference (`1` added, `-1` subtracted).
struct NarrowTerms<const N: usize>([(usize, i64); N]);

impl<const N: usize> NarrowTerms<N> {
    /// [`RowPlan::holds_narrow`] for each row, with the same verdicts: each cell's class is
    /// not compared with the first's but gathered into the bits every cell has and the bits
    /// any cell has, which agree on the class only where every cell has the same class.
    #[inline(never)]
    fn verdicts<'r>(
        &self,
        rows: impl Iterator<Item = &'r [u32]>,
        op: CompareOp,
        mut each: impl FnMut(usize, Option<bool>),
    ) {
        let bounds = GapBounds::of(op);
        for (place, row) in rows.enumerate() {
            let (mut every, mut any, mut exact, mut difference) = (u32::MAX, 0u32, 0u32, 0i64);
            for &(column, sign) in &self.0 {
                // A column the row does not have reads as a cell of no figure.
                let cell = row.get(column).copied().unwrap_or(0);
                every &= cell;
                any |= cell;
                exact += cell & NarrowCell::EXACT_BIT;
                difference += sign * NarrowCell(cell).mantissa();
            }
            let class = NarrowCell(every).class();
            let verdict = (NarrowCell(any).class() == class && NarrowCell::plain_class(class))
                .then(|| {
                    let rounded = N as i64 - i64::from(exact / NarrowCell::EXACT_BIT);
                    bounds.hold(difference * 10, rounded * 5)
                });
            each(place, verdict);
        }
    }
}

/// A comparison of the sides' difference `gap` with the rounded figures' `slack`, as bounds on
/// `gap` of `sign × slack + offset` (the same as [`RowPlan::holds_narrow`]'s comparisons), so
/// that a block's checks compare without a branch on the operator.
struct GapBounds {
    low: (i64, i64),
    high: (i64, i64),
}

impl GapBounds {
    fn of(op: CompareOp) -> Self {
        let (none_below, none_above) = ((0, i64::MIN), (0, i64::MAX));
        let (low, high) = match op {
            CompareOp::Equal => ((-1, 0), (1, 0)),
            CompareOp::LessEqual => (none_below, (1, 0)),
            // On integers, `gap < slack` is `gap ≤ slack − 1`.
            CompareOp::Less => (none_below, (1, -1)),
            CompareOp::GreaterEqual => ((-1, 0), none_above),
            CompareOp::Greater => ((-1, 1), none_above),
        };
        GapBounds { low, high }
    }

    #[inline(always)]
    fn hold(&self, gap: i64, slack: i64) -> bool {
        let bound = |(sign, offset): (i64, i64)| sign * slack + offset;
        bound(self.low) <= gap && gap <= bound(self.high)
    }
}

/// One side of [`RowPlan::holds_at_one_scale_in`]: its bounds at one more decimal than the
/// figures' `scale` (the first figure sets it). Always inlined: the loop over a block's checks
/// runs it twice a check.
#[inline(always)]
fn side_at_one_scale(
    columns: &SignedColumns,
    cell: &impl Fn(usize) -> Option<Cell>,
    scale: &mut Option<u32>,
) -> Option<(i64, i64)> {
    let (mut sum, mut rounded) = (0i64, 0i64);
    for &column in &columns.added {
        let mantissa = at_one_scale(cell(column)?, scale, &mut rounded)?;
        sum = sum.checked_add(mantissa)?;
    }
    for &column in &columns.subtracted {
        let mantissa = at_one_scale(cell(column)?, scale, &mut rounded)?;
        sum = sum.checked_sub(mantissa)?;
    }
    // At one more decimal: 10 × the sum, ± 5 for each rounded figure.
    let centre = sum.checked_mul(10)?;
    let half = rounded.checked_mul(5)?;
    Some((centre.checked_sub(half)?, centre.checked_add(half)?))
}

/// Whether a relation may hold between two sides given by their bounds.
#[inline(always)]
fn compare_bounds(
    op: CompareOp,
    (left_low, left_high): (i64, i64),
    (right_low, right_high): (i64, i64),
) -> bool {
    match op {
        CompareOp::Equal => left_low <= right_high && right_low <= left_high,
        CompareOp::LessEqual => left_low <= right_high,
        CompareOp::Less => left_low < right_high,
        CompareOp::GreaterEqual => left_high >= right_low,
        CompareOp::Greater => left_high > right_low,
    }
}

/// A cell's mantissa where it holds a plain figure printed at the `scale` of the figures
/// before it (the first sets it), counting it in `rounded` where it is not exact. Always
/// inlined: it is the body of the loop over a row's cells.
#[inline(always)]
fn at_one_scale(cell: Cell, scale: &mut Option<u32>, rounded: &mut i64) -> Option<i64> {
    let (mantissa, decimals, exact) = cell.plain()?;
    if *scale.get_or_insert(decimals) != decimals {
        return None;
    }
    *rounded += i64::from(!exact);
    Some(mantissa)
}

/// Whether an expression of a linear form names cells alone: no number, which would add its
/// own decimals to the difference as printed.
fn names_cells_alone(expr: &CompiledExpr) -> bool {
    match expr {
        CompiledExpr::Cell(_) => true,
        CompiledExpr::Sum(args) => args.iter().all(names_cells_alone),
        CompiledExpr::Add(a, b) | CompiledExpr::Sub(a, b) => {
            names_cells_alone(a) && names_cells_alone(b)
        }
        CompiledExpr::Negate(a) => names_cells_alone(a),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn plan() -> RowPlan {
        // c0 = c1 + c2 − c3
        RowPlan::of_columns(
            0,
            vec![(false, 0)],
            vec![(false, 1), (false, 2), (true, 3)],
            true,
        )
    }

    /// A cell of one of three kinds: `0` no figure (`—`), `1` a whole figure in thousands,
    /// any other a figure of `scale` decimals, exact or not.
    fn cell_of_kind(kind: u8, mantissa: i64, scale: u32, exact: bool) -> Cell {
        match kind {
            0 => Cell::not_applicable(),
            1 => {
                let mut cell = Cell::from_parts(mantissa, 0).unwrap();
                cell.scale_by(3);
                cell
            }
            _ => {
                let mut cell = Cell::from_parts(mantissa, scale).unwrap();
                cell.set_exact(exact);
                cell
            }
        }
    }

    fn any_op() -> impl Strategy<Value = CompareOp> {
        prop_oneof![
            Just(CompareOp::Equal),
            Just(CompareOp::Less),
            Just(CompareOp::LessEqual),
            Just(CompareOp::Greater),
            Just(CompareOp::GreaterEqual),
        ]
    }

    proptest! {
        // The verdicts differ only at the bounds' edges: enough cases to meet each of them.
        #![proptest_config(ProptestConfig::with_cases(4096))]
        #[test]
        fn one_scale_and_general_paths_give_the_same_verdict(
            cells in proptest::collection::vec((-50_000i64..50_000, 0u32..3, any::<bool>()), 4),
            same_scale in any::<bool>(),
            op in any_op(),
        ) {
            let mut row: Vec<Cell> = cells
                .iter()
                .map(|&(m, s, exact)| {
                    let mut cell = Cell::from_parts(m, if same_scale { 1 } else { s }).unwrap();
                    cell.set_exact(exact);
                    cell
                })
                .collect();
            // A total close to its parts, so that both verdicts occur.
            let parts: Vec<i64> = cells.iter().map(|c| c.0).collect();
            let near = parts[1] + parts[2] - parts[3] + parts[0] % 3;
            let mut total = Cell::from_parts(near, if same_scale { 1 } else { cells[0].1 }).unwrap();
            total.set_exact(cells[0].2);
            row[0] = total;
            let plan = plan();
            let row = RowCells::Wide(&row);
            let general = plan.holds_in_general(row, op).ok();
            if let Some(fast) = plan.holds_at_one_scale(row, op) {
                prop_assert_eq!(Some(fast), general);
            } else {
                prop_assert!(!same_scale);
            }
        }

        /// A block of rows decided at once gives each row the verdict it is given alone, for
        /// rules of every number of terms (those of a loop made for their number, and more),
        /// columns the rows do not have, and cells of every kind.
        #[test]
        fn a_block_gives_each_row_its_own_verdict(
            terms in proptest::collection::vec((any::<bool>(), 0usize..7), 1..=10),
            split in 0usize..10,
            cells in proptest::collection::vec(
                (-3i64..4, prop_oneof![8 => Just(1u32), 1 => 0u32..3], any::<bool>(), prop_oneof![12 => Just(2u8), 1 => 0u8..2]),
                6 * 8,
            ),
            op in any_op(),
        ) {
            let split = split.min(terms.len());
            let (left, right) = terms.split_at(split);
            let plan = RowPlan::of_columns(0, left.to_vec(), right.to_vec(), true);
            let narrow: Vec<u32> = cells
                .iter()
                .map(|&(mantissa, scale, exact, kind)| {
                    cell_of_kind(kind, mantissa, scale, exact).narrow().unwrap()
                })
                .collect();
            // Rows of 6 cells: a term's column 6 is one the rows do not have.
            let mut block = Vec::new();
            plan.narrow_verdicts(narrow.chunks_exact(6), op, |place, verdict| block.push((place, verdict)));
            let alone: Vec<_> = narrow
                .chunks_exact(6)
                .map(|row| plan.holds_narrow(row, op))
                .enumerate()
                .collect();
            prop_assert_eq!(block, alone);
        }

        /// The fast path of a record file's 4-byte cells gives the verdict the cells of 8
        /// bytes give, `None` included: any cell not a figure, decimals that differ, or
        /// thousands, each exact or not.
        #[test]
        fn a_row_read_in_place_gives_the_verdict_of_its_cells(
            cells in proptest::collection::vec(
                (-2_000_000i64..2_000_000, prop_oneof![6 => Just(1u32), 1 => 0u32..3], any::<bool>(), 0u8..24),
                4,
            ),
            op in any_op(),
            near in any::<bool>(),
            every in prop_oneof![4 => Just(None), 1 => (0u8..2).prop_map(Some)],
        ) {
            let mut row: Vec<Cell> = cells
                .iter()
                .map(|&(mantissa, scale, exact, kind)| {
                    cell_of_kind(every.unwrap_or(kind), mantissa, scale, exact)
                })
                .collect();
            // c0 = c1 + c2 − c3, off by at most two units of the last digit.
            let plain: Option<Vec<(i64, u32, bool)>> = row.iter().map(|cell| cell.plain()).collect();
            if near && let Some(plain) = plain {
                let total = plain[1].0 + plain[2].0 - plain[3].0 + cells[0].0 % 3;
                let mut cell = Cell::from_parts(total, plain[0].1).unwrap();
                cell.set_exact(plain[0].2);
                row[0] = cell;
            }
            let Some(narrow) = row.iter().map(|cell| cell.narrow()).collect::<Option<Vec<u32>>>() else {
                return Ok(());
            };
            let plan = plan();
            let wide = plan.holds_at_one_scale(RowCells::Wide(&row), op);
            prop_assert_eq!(plan.holds_narrow(&narrow, op), wide);
        }
    }
}
