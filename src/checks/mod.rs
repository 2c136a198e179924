//! The rule kinds: what each checks, how its two sides are compared, and how a failure reads.
//!
//! Every kind but `equal` compares intervals: a check fails only when the published figure's
//! rounding interval and the derived interval cannot meet. `equal` compares two printings of
//! one figure: the same digits at one precision, as XBRL treats duplicate facts, and rounding
//! intervals that meet at two precisions (see [`compare::same_printing`]).

pub mod compare;
pub mod docs;

use crate::interval::Interval;
use crate::lang::ast::{CompareOp, Kind};
use rust_decimal::{Decimal, RoundingStrategy};

/// Derived intervals are shown to this many more decimals than the published figure.
const EXTRA_DECIMALS: u32 = 2;

/// A readable form of a derived interval, rounded outward to a few more decimals than the
/// published figure: `[31.21, 31.27]`, or a single value when exact.
pub fn show_interval(interval: &Interval, published_scale: u32) -> String {
    let scale = published_scale + EXTRA_DECIMALS;
    let low = interval
        .low()
        .round_dp_with_strategy(scale, RoundingStrategy::ToNegativeInfinity);
    let high = interval
        .high()
        .round_dp_with_strategy(scale, RoundingStrategy::ToPositiveInfinity);
    if low == high {
        low.normalize().to_string()
    } else {
        format!("[{}, {}]", low.normalize(), high.normalize())
    }
}

/// A gap, rounded up to a few more decimals than the published figure, so it never shows as 0.
pub fn show_gap(gap: Decimal, published_scale: u32) -> String {
    gap.round_dp_with_strategy(
        published_scale + EXTRA_DECIMALS,
        RoundingStrategy::AwayFromZero,
    )
    .normalize()
    .to_string()
}

/// The one-line message of a comparison whose left side is an expression, not one printed
/// figure: both sides' intervals and how far the relation misses.
pub fn comparison_message(
    left: &Interval,
    op: CompareOp,
    right: &Interval,
    gap: Decimal,
) -> String {
    let scale = left.low().scale().max(right.low().scale()).min(4);
    format!(
        "`{}` does not hold: the left side is {}, the right side {} (off by {})",
        op.symbol(),
        show_interval(left, scale.saturating_sub(EXTRA_DECIMALS)),
        show_interval(right, scale.saturating_sub(EXTRA_DECIMALS)),
        show_gap(gap, scale.saturating_sub(EXTRA_DECIMALS)),
    )
}

/// The one-line message of a failed check.
pub fn message(kind: Kind, published: Option<Decimal>, expected: &str, gap: &str) -> String {
    let Some(published) = published else {
        return format!("the comparison does not hold: the right side is {expected}, {gap} away");
    };
    format!("printed {published}, but {}", derived(kind, expected, gap))
}

/// What the other figures give, and how far the published figure misses it.
pub fn derived(kind: Kind, expected: &str, gap: &str) -> String {
    let what = match kind {
        Kind::Sum | Kind::Matrix => "the parts add up to",
        Kind::Share => "part / total × 100 gives",
        Kind::Growth => "the two years' figures give",
        Kind::Ratio => "the figures give",
        Kind::Equal => "the other printing is",
        Kind::Rank => "the values rank it",
        Kind::Expr | Kind::Unchecked => "the expression gives",
    };
    format!("{what} {expected} (off by {gap})")
}
