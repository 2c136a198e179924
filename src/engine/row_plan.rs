//! The fastest path: a record rule (`t = a + b` for every row of a table) decided on the cells
//! of each row, with no expression to walk and no label to look up.

use super::evaluate::Stop;
use super::program::{Items, LinearForm, Place, Term};
use crate::format::Meaning;
use crate::interval::ScaledInterval;
use crate::lang::ast::CompareOp;
use crate::table::Cell;

/// A linear form whose every term is a fixed column of the row a single loop over one table's
/// rows is on (`t = a + b` for every row): decided on that row's cells alone.
pub(super) struct RowPlan {
    pub(super) table: usize,
    left: Vec<(bool, usize)>,
    right: Vec<(bool, usize)>,
}

impl RowPlan {
    pub(super) fn of(form: &LinearForm, loops: &[Items]) -> Option<Self> {
        let [Items::AllRows { table, .. }] = loops else {
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
        Some(Self {
            table: *table,
            left: columns(&form.left)?,
            right: columns(&form.right)?,
        })
    }

    /// `Ok(true)` when the relation may hold; `Ok(false)` when it fails or leaves the integers;
    /// a `—` cell skips the check.
    pub(super) fn holds(&self, row: &[Cell], op: CompareOp) -> Result<bool, Stop> {
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
