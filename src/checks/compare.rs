//! Deciding a check: interval comparison, and the stricter rule for two printings of one figure.

use crate::interval::Interval;
use crate::lang::ast::CompareOp;
use rust_decimal::Decimal;

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

/// One printing of a figure: the digits as printed, and the values they stand for — the
/// closed rounding interval `[v − ½·10⁻ᵈ, v + ½·10⁻ᵈ]`, or the point itself for an exact count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Printing {
    pub printed: Decimal,
    pub values: Interval,
    /// The decimals the printing stands for: its scale, or below zero for a figure printed in
    /// thousands (-3), whose value `printed` holds in units.
    pub precision: i64,
}

impl Printing {
    /// A figure rounded to its printed decimals.
    pub fn rounded(printed: Decimal) -> Self {
        Self {
            printed,
            values: Interval::rounded(printed),
            precision: i64::from(printed.scale()),
        }
    }

    /// An exact figure: a whole count, a rank, a place in a list.
    pub fn exact(printed: Decimal) -> Self {
        Self {
            printed,
            values: Interval::exact(printed),
            precision: i64::from(printed.scale()),
        }
    }
}

/// Two printings of one figure agree when one true value can print as both. Returns the
/// verdict and the gap: how far apart the two printings are beyond what rounding explains.
///
/// - At the same precision they must print the same digits: `512.4` and `512.5` disagree,
///   although their closed intervals touch at 512.45 — one value rounded one way prints one
///   way. The gap is then the digits' difference (0.1).
/// - At different precisions they agree when their rounding intervals meet: `2.5` and `2`
///   agree (2.46 prints as both), as do `2.45` and `2.4`, `37 294.30` and `37 294.3`. Rounding
///   the finer printing again to the coarser precision would double-round (2.5 → 3). The gap is
///   the distance between the intervals. The intervals are closed, as everywhere in crossfoot,
///   but how a half is rounded (half up, half to even) never decides here: two rounded
///   printings at different precisions overlap by more than a point when they meet, since
///   their ends have different numbers of decimals, and an exact count (an integer) never
///   falls on the end `v ± ½·10⁻ᵈ` of a figure with `d ≥ 1` decimals.
/// - An exact count is its own value: `3` counted and `2.5` printed disagree.
/// - A figure printed in thousands (a declared `scale`) is at the precision of the thousand:
///   `8,885` in thousands and `8 885 123` in units agree; `8,885` and `8,886`, both in
///   thousands, are two printings at one precision and disagree by 1 000.
pub fn same_printing(a: Printing, b: Printing) -> (bool, Decimal) {
    if a.precision == b.precision {
        let gap = (a.printed - b.printed).abs();
        return (gap.is_zero(), gap);
    }
    let gap = a.values.gap(&b.values);
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
        let same =
            |a: &str, b: &str| same_printing(Printing::rounded(d(a)), Printing::rounded(d(b)));
        assert!(!same("512.4", "512.5").0);
        assert_eq!(same("512.4", "512.5").1, d("0.1"));
        assert!(same("37294.3", "37294.30").0);
        assert!(same("37294.25", "37294.3").0);
        let count = |v: &str| Printing::exact(d(v));
        assert_eq!(same_printing(count("670506"), count("670505")).1, d("1"));
    }

    #[test]
    fn a_printing_in_thousands_is_at_the_precision_of_the_thousand() {
        let thousands = |printed: &str| {
            let value = d(printed) * d("1000");
            Printing {
                printed: value,
                values: Interval::between(value - d("500"), value + d("500")),
                precision: -3,
            }
        };
        let units = Printing::rounded(d("8885123"));
        assert_eq!(
            same_printing(thousands("8885"), units),
            (true, Decimal::ZERO)
        );
        assert_eq!(
            same_printing(thousands("8885"), Printing::rounded(d("8885501"))),
            (false, d("0.5"))
        );
        assert_eq!(
            same_printing(thousands("8885"), thousands("8886")),
            (false, d("1000"))
        );
    }

    #[test]
    fn printings_at_two_precisions_agree_when_one_value_prints_as_both() {
        // 2.46 prints as 2.5 and as 2; 2.446 as 2.45 and 2.4; 2.546 as 2.55 and 2.5.
        for (finer, coarser) in [
            ("2.5", "2"),
            ("3.5", "3"),
            ("2.45", "2.4"),
            ("2.55", "2.5"),
            ("-2.5", "-2"),
            ("-3.5", "-3"),
            ("-2.45", "-2.4"),
            ("0.5", "0"),
            ("28251.46", "28251.5"),
        ] {
            let (a, b) = (Printing::rounded(d(finer)), Printing::rounded(d(coarser)));
            assert_eq!(
                same_printing(a, b),
                (true, Decimal::ZERO),
                "{finer} vs {coarser}"
            );
            assert_eq!(
                same_printing(b, a),
                (true, Decimal::ZERO),
                "{coarser} vs {finer}"
            );
        }
    }

    #[test]
    fn printings_at_two_precisions_disagree_by_the_gap_rounding_leaves() {
        for (finer, coarser, gap) in [
            ("2.6", "2", "0.05"),
            ("2.56", "2.4", "0.105"),
            ("-2.6", "-2", "0.05"),
            ("2.44", "2.5", "0.005"),
        ] {
            let (a, b) = (Printing::rounded(d(finer)), Printing::rounded(d(coarser)));
            assert_eq!(same_printing(a, b), (false, d(gap)), "{finer} vs {coarser}");
            assert_eq!(same_printing(b, a), (false, d(gap)), "{coarser} vs {finer}");
        }
    }

    #[test]
    fn an_exact_count_is_its_own_value_against_a_rounded_printing() {
        // A count of 3 is 3, not [2.5, 3.5]: 2.5 printed cannot be it, nor 2.5 printed be 2.
        for (count, rounded, gap) in [
            ("3", "2.5", "0.45"),
            ("2", "2.5", "0.45"),
            ("3", "3.04", "0.035"),
        ] {
            let (a, b) = (Printing::exact(d(count)), Printing::rounded(d(rounded)));
            assert_eq!(same_printing(a, b), (false, d(gap)), "{count} vs {rounded}");
            assert_eq!(same_printing(b, a), (false, d(gap)), "{rounded} vs {count}");
        }
        let (a, b) = (Printing::exact(d("3")), Printing::rounded(d("3.0")));
        assert!(same_printing(a, b).0);
        let (a, b) = (Printing::exact(d("3")), Printing::rounded(d("3")));
        assert!(same_printing(a, b).0);
    }
}
