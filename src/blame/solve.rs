//! The figure one cell would have to print for one failed check to pass, every other figure
//! as printed: found by the secant method on the check's signed difference, which is exact in
//! one step where the check is linear in the cell (a total, a part, a copy, a share's part, a
//! growth's current year) and converges in a few where it is not (a share's total, a growth's
//! prior year). Every value it returns is decided by the check itself.

use super::Probe;
use crate::engine::program::CellId;
use crate::engine::{Decision, TrialOutcome};
use crate::interval::Interval;
use rust_decimal::{Decimal, RoundingStrategy};

/// Secant steps before giving up on a check that does not settle.
const STEPS: usize = 8;

/// A value at `scale` decimals that makes the check `(rule, check)` pass with `cell` read as
/// it, near where the check's difference vanishes; `None` if none is found.
pub fn root(
    probe: &mut Probe<'_>,
    cell: CellId,
    (rule, check): (usize, usize),
    printed: Decimal,
    difference: Decimal,
) -> Option<Decimal> {
    let scale = printed.scale();
    let (mut x0, mut d0) = (printed, difference);
    // A first step as if the cell were the check's published figure (coefficient one).
    let mut x1 = printed.checked_sub(difference)?;
    for _ in 0..STEPS {
        let rounded = x1.round_dp(scale);
        let d1 = match probe.outcome(cell, rounded, (rule, check))? {
            TrialOutcome::Pass => return Some(rounded),
            TrialOutcome::Fail { difference } => difference?,
            TrialOutcome::Undecided => return None,
        };
        if let Some(near) = neighbour_passing(probe, cell, (rule, check), rounded) {
            return Some(near);
        }
        let slope = d1.checked_sub(d0)?.checked_div(x1.checked_sub(x0)?)?;
        if slope.is_zero() {
            return None;
        }
        let next = x1.checked_sub(d1.checked_div(slope)?)?;
        (x0, d0, x1) = (x1, d1, next);
    }
    None
}

/// The printing one step either side of `value`, if it passes: rounding the root to the
/// printed precision can land one step off.
fn neighbour_passing(
    probe: &mut Probe<'_>,
    cell: CellId,
    at: (usize, usize),
    value: Decimal,
) -> Option<Decimal> {
    let step = Decimal::new(1, value.scale());
    [value.checked_sub(step)?, value.checked_add(step)?]
        .into_iter()
        .find(|&near| probe.decision(cell, near, at) == Some(Decision::Pass))
}

/// The printings at `scale` decimals inside `expected` nearest its ends and middle: what a
/// published figure would print for its check to pass, every other figure as printed.
pub fn inside(expected: &Interval, scale: u32) -> Vec<Decimal> {
    let (low, high) = (expected.low(), expected.high());
    let middle = low
        .checked_add(high)
        .and_then(|sum| sum.checked_div(Decimal::TWO));
    [
        Some(low.round_dp_with_strategy(scale, RoundingStrategy::ToPositiveInfinity)),
        Some(high.round_dp_with_strategy(scale, RoundingStrategy::ToNegativeInfinity)),
        middle.map(|m| m.round_dp(scale)),
    ]
    .into_iter()
    .flatten()
    .collect()
}
