//! `crossfoot::lint::never_fails`: a check whose two sides are the same expression of the same
//! cells once its loops are written out (`A2[t, 金额] = sum(A2[[t], 金额])`, or a loop that
//! reaches the total itself: `for t in types + [合计]: A2[t, x] = A2[合计, x]`).
//!
//! Why it matters: such a check passes whatever the book prints, so it confirms nothing while
//! counting as covered. The sides are compared in canonical form (see [`super::ground`]):
//! `a + b` and `b + a` are the same, so are `sum(A[[x, y], c])` and `A[y, c] + A[x, c]`.
//!
//! What it does not flag: sides that are equal only for the figures printed, and sides equal
//! only after algebra the canonical form does not do (a share of a share).

use super::ground::{Expanded, Linear, Shape, describe_cells};
use super::{Context, Lint, LintCode, ReadsChecks};
use crate::engine::program::CellId;
use crate::lang::ast::CompareOp;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Per rule: its checks, and the first check that never fails, its cells and how many do.
#[derive(Default)]
pub(super) struct NeverFails {
    found: BTreeMap<usize, (usize, Vec<CellId>, usize)>,
    totals: BTreeMap<usize, usize>,
}

impl<'a> ReadsChecks<'a> for NeverFails {
    fn read(&mut self, _: &Context<'a>, expanded: &Expanded) {
        *self.totals.entry(expanded.rule).or_default() += 1;
        let cells = match &expanded.shape {
            Shape::Compare {
                left,
                op,
                right,
                cells,
                ..
            } if !cells.is_empty() && always_holds(left, *op, right) => cells.clone(),
            Shape::Sum { total, parts } if parts.as_slice() == [*total] => vec![*total],
            _ => return,
        };
        self.found
            .entry(expanded.rule)
            .and_modify(|(_, _, count)| *count += 1)
            .or_insert((expanded.check, cells, 1));
    }

    fn found(self: Box<Self>, context: &Context<'a>) -> Vec<Lint> {
        let NeverFails { found, totals } = *self;
        found
            .into_iter()
            .filter_map(|(index, (check, cells, count))| {
                let rule = context.rule(index)?;
                let total = totals.get(&index).copied().unwrap_or(count);
                let which = if total == 1 {
                    "its check".to_string()
                } else {
                    format!("{count} of its {total} checks, the first")
                };
                Some(Lint {
                    code: LintCode::NeverFails,
                    message: format!(
                        "`{}` can never fail: in {which}{}, both sides are the same expression of {}",
                        rule.id,
                        context.describe_check(rule, check),
                        describe_cells(context.dataset, &cells)
                    ),
                    help: "compare the figure with something else, or leave the item out of the loop"
                        .to_string(),
                    rules: vec![rule.id.clone()],
                    places: vec![context.body_place(rule, "the two sides are identical")],
                    cells,
                })
            })
            .collect()
    }
}

/// Whether `left OP right` holds whatever the cells hold, for a check that names cells: its
/// cells cancel and what is left satisfies the relation. (A check without cells compares
/// counts of a table's rows with a number: that depends on the data, and is not flagged.)
fn always_holds(left: &Linear, op: CompareOp, right: &Linear) -> bool {
    left.clone()
        .add_scaled(right.clone(), Decimal::NEGATIVE_ONE)
        .is_some_and(|difference| {
            difference.is_constant()
                && super::contradiction::admits(op, Decimal::ZERO, difference.constant)
        })
}
