//! A fast path for shares and growth rates: `T[r, 占比] = share(T[r, a], T[合计, a])` and
//! `T[r, 增长] = growth(T[r, a], T[r, 上年])`, one cell equal to a percentage of two cells,
//! decided exactly on integers ([`ScaledInterval::percent_may_equal`]) instead of with decimal
//! interval division. It only passes checks: whatever it cannot pass is decided again, and
//! worded, by the general path, whose outward-rounded intervals pass everything this passes.

use super::program::{CellTemplate, Comparison, CompiledExpr};
use crate::lang::ast::CompareOp;

/// The three cells of a percentage check, and what is added to 100 × part ÷ whole.
pub(super) struct RatioPlan<'p> {
    pub(super) printed: &'p CellTemplate,
    pub(super) part: &'p CellTemplate,
    pub(super) whole: &'p CellTemplate,
    /// 0 for a share, −100 for a growth rate (100 × current ÷ prior − 100).
    pub(super) offset: i64,
}

impl<'p> RatioPlan<'p> {
    pub(super) fn of(comparison: &'p Comparison) -> Option<Self> {
        let single = |expr: &'p CompiledExpr| match expr {
            CompiledExpr::Cell(template) if !template.multiple => Some(template),
            _ => None,
        };
        if comparison.op != CompareOp::Equal {
            return None;
        }
        let printed = single(&comparison.left)?;
        let (part, whole, offset) = match &comparison.right {
            CompiledExpr::Share(part, whole) => (part, whole, 0),
            CompiledExpr::Growth(current, prior) => (current, prior, -100),
            _ => return None,
        };
        Some(Self {
            printed,
            part: single(part)?,
            whole: single(whole)?,
            offset,
        })
    }
}
