//! Conditions over comparisons (`and`, `or`, `not`, `if … then …`) in three-valued logic.
//!
//! A comparison of rounded figures is certainly true (it holds for every value the figures
//! allow), certainly false (for none) or undecided (for some): `staff > 0` with `staff`
//! printed `0` and taken as rounded may be 0.3. Missing figures (an empty or `—` cell) make a
//! comparison undecided too, and are remembered as such: R `validate` calls that `NA`.
//! Comparisons combine in Kleene's logic, as R's `&`, `|` and `!` combine `NA`: `false and x`
//! is false and `true or x` is true whatever `x` is. Kleene's logic is sound: a condition it
//! finds false is false for every value the figures allow, so a finding is never a rounding
//! artefact. A check then
//! - fails when the whole condition is certainly false;
//! - passes when it is true, or undecided only because of rounding (as a lone comparison that
//!   rounding may satisfy passes);
//! - is skipped, with a note naming the empty cells, when it is undecided and an empty cell
//!   took part (`validate` counts such a record as `NA`, not as a failure).
//!
//! Example: `if T[r, staff] > 0 then T[r, staff.costs] > 0` with staff 75 and staff.costs 0,
//! both exact, fails; with staff.costs empty it is skipped; with staff empty and staff.costs
//! 12 it passes (the conclusion holds, whatever staff is).
//!
//! Not flagged: a condition whose comparisons share a figure is not solved as a whole (`x < 1
//! or x > 2` with x printed 1.5, rounded, is undecided by Kleene's logic, and passes).

use super::compare::compare;
use crate::interval::Interval;
use crate::lang::ast::CompareOp;

/// The truth of a comparison or a condition over rounded, possibly missing figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Truth {
    True,
    False,
    /// Neither certainly true nor certainly false; `missing`: an empty cell took part.
    Undecided {
        missing: bool,
    },
}

impl Truth {
    /// The truth of `left OP right` for every value of the two intervals.
    pub fn of(op: CompareOp, left: &Interval, right: &Interval) -> Truth {
        let (may_hold, _) = compare(op, left, right);
        if !may_hold {
            return Truth::False;
        }
        let certain = match op {
            CompareOp::Equal => left.is_exact() && right.is_exact() && left.low() == right.low(),
            CompareOp::Less => left.high() < right.low(),
            CompareOp::LessEqual => left.high() <= right.low(),
            CompareOp::Greater => left.low() > right.high(),
            CompareOp::GreaterEqual => left.low() >= right.high(),
        };
        if certain {
            Truth::True
        } else {
            Truth::Undecided { missing: false }
        }
    }

    /// A comparison that reads an empty cell.
    pub const MISSING: Truth = Truth::Undecided { missing: true };

    #[must_use]
    pub fn and(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::False, _) | (_, Truth::False) => Truth::False,
            (Truth::True, Truth::True) => Truth::True,
            (a, b) => Truth::Undecided {
                missing: a.is_missing() || b.is_missing(),
            },
        }
    }

    #[must_use]
    pub fn or(self, other: Truth) -> Truth {
        !(!self).and(!other)
    }

    fn is_missing(self) -> bool {
        self == Truth::MISSING
    }

    /// How the truth reads in a message.
    pub fn word(self) -> &'static str {
        match self {
            Truth::True => "true",
            Truth::False => "false",
            Truth::Undecided { missing: false } => "undecided within rounding",
            Truth::Undecided { missing: true } => "not applicable (an empty cell)",
        }
    }
}

impl std::ops::Not for Truth {
    type Output = Truth;

    fn not(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            undecided => undecided,
        }
    }
}

/// One comparison of a condition as a check decided it: its text, its truth, and its two
/// sides' intervals (none when an empty cell made it not applicable).
#[derive(Debug, Clone)]
pub struct Decided {
    pub text: String,
    /// The comparison's operator; none for an `empty(…)` test.
    pub op: Option<CompareOp>,
    pub truth: Truth,
    pub sides: Option<(Interval, Interval)>,
}

/// The message of a condition that is certainly false: every comparison with its truth and
/// sides, `the condition does not hold: `T[r, staff] > 0` is true (75 against 0); `T[r,
/// staff.costs] > 0` is false (0 against 0)`.
pub fn condition_message(decided: &[Decided]) -> String {
    let parts: Vec<String> = decided
        .iter()
        .map(|d| match &d.sides {
            Some((left, right)) => {
                let scale = left.low().scale().max(right.low().scale()).min(4);
                let shown = scale.saturating_sub(2);
                format!(
                    "`{}` is {} ({} against {})",
                    d.text,
                    d.truth.word(),
                    super::show_interval(left, shown),
                    super::show_interval(right, shown)
                )
            }
            None => format!("`{}` is {}", d.text, d.truth.word()),
        })
        .collect();
    format!("the condition does not hold: {}", parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn rounded(s: &str) -> Interval {
        Interval::rounded(Decimal::from_str(s).unwrap())
    }

    fn exact(s: &str) -> Interval {
        Interval::exact(Decimal::from_str(s).unwrap())
    }

    #[test]
    fn a_comparison_of_rounded_figures_is_true_false_or_undecided() {
        use CompareOp::*;
        assert_eq!(Truth::of(Greater, &rounded("75"), &exact("0")), Truth::True);
        assert_eq!(Truth::of(Greater, &exact("0"), &exact("0")), Truth::False);
        // 0 printed may be 0.3: `> 0` is undecided, `>= 0.5` false only past the bound.
        assert_eq!(
            Truth::of(Greater, &rounded("0"), &exact("0")),
            Truth::Undecided { missing: false }
        );
        assert_eq!(
            Truth::of(GreaterEqual, &rounded("0"), &exact("0.5")),
            Truth::Undecided { missing: false }
        );
        assert_eq!(
            Truth::of(Greater, &rounded("0"), &exact("0.5")),
            Truth::False
        );
        assert_eq!(Truth::of(Equal, &exact("3"), &exact("3")), Truth::True);
        assert_eq!(
            Truth::of(Equal, &rounded("3"), &exact("3")),
            Truth::Undecided { missing: false }
        );
        assert_eq!(
            Truth::of(LessEqual, &rounded("2"), &rounded("3")),
            Truth::True
        );
        assert_eq!(Truth::of(Less, &exact("3"), &exact("3")), Truth::False);
    }

    #[test]
    fn kleene_logic_as_r_combines_na() {
        let (t, f, na) = (Truth::True, Truth::False, Truth::MISSING);
        let rounding = Truth::Undecided { missing: false };
        // R: NA & FALSE is FALSE, NA | TRUE is TRUE, NA | FALSE is NA, !NA is NA.
        assert_eq!(na.and(f), f);
        assert_eq!(f.and(na), f);
        assert_eq!(na.or(t), t);
        assert_eq!(na.or(f), na);
        assert_eq!(!na, na);
        assert_eq!(t.and(t), t);
        assert_eq!(f.or(f), f);
        // A missing figure is remembered through rounding's doubt.
        assert_eq!(rounding.or(na), na);
        assert_eq!(rounding.and(t), rounding);
        assert_eq!(!rounding, rounding);
    }
}
