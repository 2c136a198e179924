//! Deciding a check: interval comparison, and the stricter rule for two printings of one figure.

use crate::interval::Interval;
use crate::lang::ast::CompareOp;
use rust_decimal::{Decimal, RoundingStrategy};

/// Whether `left OP right` can hold for some values inside the two intervals, and if not, by
/// how much it misses.
pub fn compare(op: CompareOp, left: &Interval, right: &Interval) -> (bool, Decimal) {
    let miss = match op {
        CompareOp::Equal => left.gap(right),
        CompareOp::LessEqual => left.low() - right.high(),
        CompareOp::GreaterEqual => right.low() - left.high(),
        CompareOp::Less => left.low() - right.high(),
        CompareOp::Greater => right.low() - left.high(),
    };
    let holds = match op {
        CompareOp::Less | CompareOp::Greater => miss < Decimal::ZERO,
        _ => miss <= Decimal::ZERO,
    };
    (holds, miss.max(Decimal::ZERO))
}

/// Two printings of one figure agree when they print the same digits at the coarser of their
/// two precisions: `512.4` and `512.5` disagree although their rounding intervals touch;
/// `37 294.3` and `37 294.30` agree. Returns the verdict and the gap between the two roundings.
pub fn same_printing(a: Decimal, b: Decimal) -> (bool, Decimal) {
    let scale = a.scale().min(b.scale());
    let round =
        |v: Decimal| v.round_dp_with_strategy(scale, RoundingStrategy::MidpointAwayFromZero);
    let gap = (round(a) - round(b)).abs();
    (gap.is_zero(), gap)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn rounding_alone_never_fails_but_one_more_unit_does() {
        // 31.3 printed; parts give [31.25, 31.35) when rounding allows the most.
        let printed = Interval::rounded(d("31.3"));
        assert!(compare(CompareOp::Equal, &printed, &Interval::exact(d("31.35"))).0);
        let (holds, gap) = compare(CompareOp::Equal, &printed, &Interval::exact(d("31.45")));
        assert!(!holds);
        assert_eq!(gap, d("0.1"));
    }

    #[test]
    fn inequalities_fail_only_when_certainly_violated() {
        let a = Interval::between(d("1"), d("3"));
        let b = Interval::between(d("2"), d("4"));
        assert!(compare(CompareOp::LessEqual, &a, &b).0);
        assert!(compare(CompareOp::GreaterEqual, &a, &b).0);
        let (holds, gap) = compare(
            CompareOp::Less,
            &Interval::exact(d("5")),
            &Interval::exact(d("5")),
        );
        assert!(!holds);
        assert_eq!(gap, Decimal::ZERO);
        assert!(!compare(CompareOp::Greater, &a, &Interval::exact(d("3"))).0);
    }

    #[test]
    fn duplicate_printings_compare_digits() {
        assert!(!same_printing(d("512.4"), d("512.5")).0);
        assert!(same_printing(d("37294.3"), d("37294.30")).0);
        assert!(same_printing(d("37294.25"), d("37294.3")).0);
        assert_eq!(same_printing(d("670506"), d("670505")).1, d("1"));
    }
}
