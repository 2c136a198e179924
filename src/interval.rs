//! Rounding intervals and exact interval arithmetic.
//!
//! A figure printed with `d` decimals stands for every value that rounds to it: the closed
//! interval `[v − ½·10⁻ᵈ, v + ½·10⁻ᵈ]`. A whole count is exact: a point interval. Arithmetic on
//! intervals gives every value the formula can take when its inputs range over their intervals,
//! so a check that compares two intervals fails only where rounding cannot explain the gap.
//!
//! All bounds are `rust_decimal` values. Sums and differences are exact. A product or quotient
//! that `rust_decimal` had to round (more than 28 digits) is widened outward by one unit in its
//! last digit, so the true value always stays inside.

use rust_decimal::Decimal;
use std::fmt;

/// A closed interval `[low, high]` of exact decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    low: Decimal,
    high: Decimal,
}

/// Why an interval operation has no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IntervalError {
    /// The divisor's interval contains zero: the quotient is unbounded.
    #[error("division by an interval that contains zero")]
    DivisionByZero,
    /// A bound left the range of a 96-bit decimal.
    #[error("a value is too large to compute exactly")]
    Overflow,
}

impl Interval {
    /// An exact value (a whole count, a constant).
    pub fn exact(value: Decimal) -> Self {
        Self {
            low: value,
            high: value,
        }
    }

    /// The values a printed figure may stand for, given its printed decimals.
    pub fn rounded(printed: Decimal) -> Self {
        // v ± 5·10⁻⁽ᵈ⁺¹⁾, built from the mantissa: the hot path of every check.
        let scale = printed.scale() + 1;
        let tenfold = printed.mantissa().checked_mul(10);
        let bound = |delta: i128| {
            tenfold
                .and_then(|m| m.checked_add(delta))
                .and_then(|m| Decimal::try_from_i128_with_scale(m, scale).ok())
        };
        match (bound(-5), bound(5)) {
            (Some(low), Some(high)) => Self { low, high },
            _ => {
                let half_unit = Decimal::new(5, scale.min(28));
                Self {
                    low: printed.saturating_sub(half_unit),
                    high: printed.saturating_add(half_unit),
                }
            }
        }
    }

    /// The rounding interval of a printed figure given as mantissa and scale (`223984`, 1 for
    /// 22 398.4), without decimal arithmetic: the hot path of every check.
    pub fn rounded_from_parts(mantissa: i64, scale: u32) -> Self {
        let bound = |delta: i64| {
            mantissa
                .checked_mul(10)
                .and_then(|m| m.checked_add(delta))
                .and_then(|m| Decimal::try_new(m, scale + 1).ok())
        };
        match (bound(-5), bound(5)) {
            (Some(low), Some(high)) => Self { low, high },
            _ => Self::rounded(Decimal::new(mantissa, scale.min(28))),
        }
    }

    /// An interval from two bounds in any order.
    pub fn between(a: Decimal, b: Decimal) -> Self {
        Self {
            low: a.min(b),
            high: a.max(b),
        }
    }

    pub fn low(&self) -> Decimal {
        self.low
    }

    pub fn high(&self) -> Decimal {
        self.high
    }

    pub fn is_exact(&self) -> bool {
        self.low == self.high
    }

    pub fn contains(&self, value: Decimal) -> bool {
        self.low <= value && value <= self.high
    }

    pub fn contains_zero(&self) -> bool {
        self.contains(Decimal::ZERO)
    }

    /// The distance between two intervals: zero when they overlap.
    pub fn gap(&self, other: &Interval) -> Decimal {
        if self.high < other.low {
            other.low - self.high
        } else if other.high < self.low {
            self.low - other.high
        } else {
            Decimal::ZERO
        }
    }

    pub fn overlaps(&self, other: &Interval) -> bool {
        self.gap(other).is_zero()
    }

    /// Widen by an absolute amount on each side (a rule's tolerance).
    pub fn widen(&self, amount: Decimal) -> Self {
        let amount = amount.abs();
        Self {
            low: self.low - amount,
            high: self.high + amount,
        }
    }

    pub fn checked_add(&self, other: &Interval) -> Result<Self, IntervalError> {
        Ok(Self {
            low: self
                .low
                .checked_add(other.low)
                .ok_or(IntervalError::Overflow)?,
            high: self
                .high
                .checked_add(other.high)
                .ok_or(IntervalError::Overflow)?,
        })
    }

    pub fn checked_sub(&self, other: &Interval) -> Result<Self, IntervalError> {
        Ok(Self {
            low: self
                .low
                .checked_sub(other.high)
                .ok_or(IntervalError::Overflow)?,
            high: self
                .high
                .checked_sub(other.low)
                .ok_or(IntervalError::Overflow)?,
        })
    }

    pub fn neg(&self) -> Self {
        Self {
            low: -self.high,
            high: -self.low,
        }
    }

    pub fn checked_mul(&self, other: &Interval) -> Result<Self, IntervalError> {
        let products = [
            bounded_product(self.low, other.low)?,
            bounded_product(self.low, other.high)?,
            bounded_product(self.high, other.low)?,
            bounded_product(self.high, other.high)?,
        ];
        Ok(hull(&products))
    }

    pub fn checked_div(&self, other: &Interval) -> Result<Self, IntervalError> {
        if other.contains_zero() {
            return Err(IntervalError::DivisionByZero);
        }
        let quotients = [
            bounded_quotient(self.low, other.low)?,
            bounded_quotient(self.low, other.high)?,
            bounded_quotient(self.high, other.low)?,
            bounded_quotient(self.high, other.high)?,
        ];
        Ok(hull(&quotients))
    }
}

/// The smallest interval containing all the given intervals.
fn hull(parts: &[Interval]) -> Interval {
    let mut result = parts
        .first()
        .copied()
        .unwrap_or(Interval::exact(Decimal::ZERO));
    for part in parts {
        result.low = result.low.min(part.low);
        result.high = result.high.max(part.high);
    }
    result
}

/// One unit in the last digit of `value`.
fn last_digit_unit(value: Decimal) -> Decimal {
    Decimal::new(1, value.scale())
}

/// `a × b`, widened by one last-digit unit if rust_decimal had to round it.
fn bounded_product(a: Decimal, b: Decimal) -> Result<Interval, IntervalError> {
    let product = a.checked_mul(b).ok_or(IntervalError::Overflow)?;
    if product.scale() == a.scale() + b.scale() {
        return Ok(Interval::exact(product));
    }
    Ok(Interval::exact(product).widen(last_digit_unit(product)))
}

/// `a ÷ b`, widened by one last-digit unit unless the quotient is exact.
fn bounded_quotient(a: Decimal, b: Decimal) -> Result<Interval, IntervalError> {
    let quotient = a.checked_div(b).ok_or(IntervalError::Overflow)?;
    let exact = quotient
        .checked_mul(b)
        .is_some_and(|back| back == a && back.scale() == quotient.scale() + b.scale());
    if exact {
        return Ok(Interval::exact(quotient));
    }
    Ok(Interval::exact(quotient).widen(last_digit_unit(quotient)))
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_exact() {
            write!(f, "{}", self.low.normalize())
        } else {
            write!(f, "[{}, {}]", self.low.normalize(), self.high.normalize())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn a_printed_figure_stands_for_half_a_unit_either_side() {
        let i = Interval::rounded(d("22398.4"));
        assert_eq!((i.low(), i.high()), (d("22398.35"), d("22398.45")));
        let whole = Interval::rounded(d("5972"));
        assert_eq!((whole.low(), whole.high()), (d("5971.5"), d("5972.5")));
    }

    #[test]
    fn subtraction_takes_opposite_bounds() {
        let a = Interval::between(d("10"), d("12"));
        let b = Interval::between(d("1"), d("2"));
        assert_eq!(
            a.checked_sub(&b).unwrap(),
            Interval::between(d("8"), d("11"))
        );
    }

    #[test]
    fn products_of_mixed_signs_take_the_extremes() {
        let a = Interval::between(d("-2"), d("3"));
        let b = Interval::between(d("4"), d("5"));
        assert_eq!(
            a.checked_mul(&b).unwrap(),
            Interval::between(d("-10"), d("15"))
        );
    }

    #[test]
    fn division_by_an_interval_around_zero_is_an_error() {
        let a = Interval::exact(d("1"));
        let zero = Interval::rounded(d("0.0"));
        assert_eq!(a.checked_div(&zero), Err(IntervalError::DivisionByZero));
    }

    #[test]
    fn exact_quotients_stay_exact_and_others_are_widened_outward() {
        let q = Interval::exact(d("1"))
            .checked_div(&Interval::exact(d("4")))
            .unwrap();
        assert_eq!(q, Interval::exact(d("0.25")));
        let third = Interval::exact(d("1"))
            .checked_div(&Interval::exact(d("3")))
            .unwrap();
        assert!(third.low() < third.high());
        assert!(third.low() * d("3") <= d("1") && d("1") <= third.high() * d("3"));
    }

    #[test]
    fn gap_is_the_distance_between_disjoint_intervals() {
        let a = Interval::rounded(d("512.4"));
        let b = Interval::rounded(d("512.6"));
        assert_eq!(a.gap(&b), d("0.1"));
        assert!(Interval::rounded(d("512.4")).overlaps(&Interval::rounded(d("512.5"))));
    }

    /// A figure's true value and the value printed for it, rounded half away from zero.
    fn rounded_pair() -> impl Strategy<Value = (Decimal, Decimal)> {
        (1i64..100_000_000, 0u32..4, 0u32..3).prop_map(|(raw, extra, printed_dp)| {
            let truth = Decimal::new(raw, extra + printed_dp);
            let printed = truth.round_dp_with_strategy(
                printed_dp,
                rust_decimal::RoundingStrategy::MidpointAwayFromZero,
            );
            (truth, printed)
        })
    }

    proptest! {
        #[test]
        fn rounding_from_parts_agrees_with_decimal_rounding(mantissa in -10_000_000_000i64..10_000_000_000, scale in 0u32..6) {
            prop_assert_eq!(
                Interval::rounded_from_parts(mantissa, scale),
                Interval::rounded(Decimal::new(mantissa, scale))
            );
        }

        #[test]
        fn true_values_stay_inside_derived_intervals(
            (ta, pa) in rounded_pair(),
            (tb, pb) in rounded_pair(),
        ) {
            let a = Interval::rounded(pa);
            let b = Interval::rounded(pb);
            prop_assert!(a.checked_add(&b).unwrap().contains(ta + tb));
            prop_assert!(a.checked_sub(&b).unwrap().contains(ta - tb));
            prop_assert!(a.checked_mul(&b).unwrap().contains(ta * tb));
            if !b.contains_zero() {
                let quotient = a.checked_div(&b).unwrap();
                prop_assert!(quotient.low() <= ta / tb && ta / tb <= quotient.high());
            }
        }
    }
}
