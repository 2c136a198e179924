//! The rule kinds: what each checks, how its two sides are compared, and how a failure reads.
//!
//! Every kind but `equal` compares intervals: a check fails only when the published figure's
//! rounding interval and the derived interval cannot meet. `equal` compares two printings of
//! one figure: the same digits at one precision, as XBRL treats duplicate facts, and rounding
//! intervals that meet at two precisions (see [`compare::same_printing`]).

pub mod compare;
pub mod condition;
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

/// A gap, shown as the lower bound it is: rounded toward zero, never up, at a few more decimals
/// than the published figure (0.1675 shows as 0.16 beside a whole number, not 0.17). A gap
/// too small for those decimals keeps digits down to its first non-zero one (0.0004 stays
/// 0.0004), so a failed check never shows a gap of 0 unless it is 0.
pub fn show_gap(gap: Decimal, published_scale: u32) -> String {
    let mut scale = published_scale + EXTRA_DECIMALS;
    let mut shown = gap.round_dp_with_strategy(scale, RoundingStrategy::ToZero);
    while shown.is_zero() && !gap.is_zero() && scale < 28 {
        scale += 1;
        shown = gap.round_dp_with_strategy(scale, RoundingStrategy::ToZero);
    }
    shown.normalize().to_string()
}

/// How far a failed check misses, as the tail of its message: `: the figures differ by 2;
/// rounding explains all but 0.5` when the difference of the printed figures is known, else
/// ` (off by 1)` (a rank against the ranks the values allow).
pub fn miss(difference: Option<Decimal>, gap: Decimal, published_scale: u32) -> String {
    match difference {
        Some(difference) => format!(": {}", shortfall(difference, gap, published_scale)),
        None => format!(" (off by {})", show_gap(gap, published_scale)),
    }
}

/// A difference between figures as printed: to the nearest at a few more decimals than the
/// published figure (it is not a bound, just what the printed figures give).
fn show_difference(difference: Decimal, published_scale: u32) -> String {
    difference
        .abs()
        .round_dp_with_strategy(
            published_scale + EXTRA_DECIMALS,
            RoundingStrategy::MidpointAwayFromZero,
        )
        .normalize()
        .to_string()
}

/// How far apart the printed figures are, and how much of that rounding cannot explain: `the
/// figures differ by 2; rounding explains all but 0.5` (60 621 printed, parts printed adding up
/// to 60 619 but allowing up to 60 620). The gap alone (0.5) reads as a tiny slip; the
/// difference alone hides that rounding explains most of it. Exact figures: `rounding explains
/// none of it`.
pub fn shortfall(difference: Decimal, gap: Decimal, published_scale: u32) -> String {
    let differ = show_difference(difference, published_scale);
    if difference.abs() == gap {
        format!("the figures differ by {differ}; rounding explains none of it")
    } else {
        format!(
            "the figures differ by {differ}; rounding explains all but {}",
            show_gap(gap, published_scale)
        )
    }
}

/// The one-line message of a comparison whose left side is an expression, not one printed
/// figure: both sides' intervals and how far the relation misses. For `=`, `difference` (left
/// minus right, as printed) says how far apart the figures are as well.
pub fn comparison_message(
    left: &Interval,
    op: CompareOp,
    right: &Interval,
    gap: Decimal,
    difference: Decimal,
) -> String {
    let scale = left.low().scale().max(right.low().scale()).min(4);
    let shown = scale.saturating_sub(EXTRA_DECIMALS);
    let miss = match op {
        CompareOp::Equal => miss(Some(difference), gap, shown),
        _ => miss(None, gap, shown),
    };
    format!(
        "`{}` does not hold: the left side is {}, the right side {}{miss}",
        op.symbol(),
        show_interval(left, shown),
        show_interval(right, shown),
    )
}

/// The one-line message of a failed check; `miss` says how far it misses, with its leading
/// punctuation (see [`miss`]).
/// `published` is the published figure as the message names it (see [`published_words`]).
pub fn message(kind: Kind, published: Option<&str>, expected: &str, miss: &str) -> String {
    let Some(published) = published else {
        return format!("the comparison does not hold: the right side is {expected}{miss}");
    };
    format!("printed {published}, but {}", derived(kind, expected, miss))
}

/// A published figure as a message names it: its value, and for a figure of a column printed
/// in thousands (`power` 3) the figure as printed and its unit: `8,885 × 1000 = 8885000`.
pub fn published_words(value: Decimal, printed: &str, power: u32) -> String {
    if power == 0 {
        return value.to_string();
    }
    format!("{printed} × 1{} = {value}", "0".repeat(power as usize))
}

/// What the other figures give, and how far the published figure misses it.
pub fn derived(kind: Kind, expected: &str, miss: &str) -> String {
    let what = match kind {
        Kind::Sum | Kind::Matrix => "the parts add up to",
        Kind::Share => "part / total × 100 gives",
        Kind::Growth => "the two years' figures give",
        Kind::Ratio => "the figures give",
        Kind::Equal => "the other printing is",
        Kind::Rank => "the values rank it",
        Kind::Expr | Kind::Unchecked => "the expression gives",
    };
    format!("{what} {expected}{miss}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn a_gap_is_never_rounded_up() {
        assert_eq!(show_gap(d("0.1675"), 0), "0.16");
        assert_eq!(show_gap(d("0.5"), 0), "0.5");
        assert_eq!(show_gap(d("0.001702"), 1), "0.001");
        assert_eq!(show_gap(d("0.0004"), 1), "0.0004");
        assert_eq!(show_gap(d("0.00049"), 0), "0.0004");
        assert_eq!(show_gap(Decimal::ZERO, 1), "0");
    }

    #[test]
    fn a_shortfall_says_how_far_the_figures_differ_and_what_rounding_leaves() {
        assert_eq!(
            shortfall(d("2"), d("0.5"), 0),
            "the figures differ by 2; rounding explains all but 0.5"
        );
        assert_eq!(
            shortfall(d("-0.718"), d("0.1675"), 0),
            "the figures differ by 0.72; rounding explains all but 0.16"
        );
        assert_eq!(
            shortfall(d("42956"), d("42956"), 0),
            "the figures differ by 42956; rounding explains none of it"
        );
    }
}
