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

    /// Widen by an absolute amount on each side (a rule's tolerance). A bound past the decimal
    /// range stops at the largest (or smallest) decimal: no figure lies beyond it, so what the
    /// interval admits of the figures it is compared with is what the exact bound would admit.
    pub fn widen(&self, amount: Decimal) -> Self {
        let amount = amount.abs();
        Self {
            low: add_outward(self.low, -amount, false),
            high: add_outward(self.high, amount, true),
        }
    }

    /// `|a| × |b|` rounded up, or the largest decimal when it is larger: a relative tolerance
    /// (a fraction of a published figure), never smaller than the exact product.
    pub fn product_at_least(a: Decimal, b: Decimal) -> Decimal {
        bounded_product(a.abs(), b.abs()).map_or(Decimal::MAX, |product| product.high())
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
        if self.is_positive_span() && other.is_positive_span() {
            // Rising in both: the least product is of the lows, the greatest of the highs.
            let extremes = [
                bounded_product(self.low, other.low)?,
                bounded_product(self.high, other.high)?,
            ];
            return Ok(hull(&extremes));
        }
        self.of_bounds(other, bounded_product)
    }

    pub fn checked_div(&self, other: &Interval) -> Result<Self, IntervalError> {
        if other.contains_zero() {
            return Err(IntervalError::DivisionByZero);
        }
        if self.is_positive_span() && other.is_positive_span() {
            // Rising in the dividend, falling in the divisor: the least quotient is the low
            // over the high, the greatest the high over the low.
            let extremes = [
                bounded_quotient(self.low, other.high)?,
                bounded_quotient(self.high, other.low)?,
            ];
            return Ok(hull(&extremes));
        }
        self.of_bounds(other, bounded_quotient)
    }

    /// Whether it lies above zero and spans more than one value. The product or quotient of
    /// two such takes its least and greatest values at two pairs of bounds, not four, and
    /// the other pairs' lie strictly between: the hull of the two is the hull of the four,
    /// bit for bit, unless two results differ past the 28th digit (then it is as sound, and
    /// may be narrower by that last digit). A point, bounds of one value written twice
    /// (`2.0` and `2.00`), or a zero bound gives pairs whose results tie with the extremes,
    /// which the four-way hull breaks by their order: those go the general way.
    fn is_positive_span(&self) -> bool {
        self.low > Decimal::ZERO && self.low < self.high
    }

    /// The hull of `operation` over the bounds of both intervals, low × low, low × high,
    /// high × low, high × high. A point (an exact count, the constant 100) has one bound:
    /// each result is worked out once, not twice, and the hull of the results without their
    /// repeats is the same.
    fn of_bounds(
        &self,
        other: &Interval,
        operation: fn(Decimal, Decimal) -> Result<Interval, IntervalError>,
    ) -> Result<Self, IntervalError> {
        let (lefts, rights) = (self.bounds(), other.bounds());
        let mut results = [Interval::exact(Decimal::ZERO); 4];
        let mut count = 0;
        for &left in lefts.iter().flatten() {
            for &right in rights.iter().flatten() {
                if let Some(slot) = results.get_mut(count) {
                    *slot = operation(left, right)?;
                    count += 1;
                }
            }
        }
        Ok(hull(results.get(..count).unwrap_or_default()))
    }

    /// Its bounds, low then high, the one of a point once: alike bit for bit, not only in
    /// value (`2.0` and `2.00` are two bounds, whose results may print differently).
    fn bounds(&self) -> [Option<Decimal>; 2] {
        let point = self.low.serialize() == self.high.serialize();
        [Some(self.low), (!point).then_some(self.high)]
    }
}

/// The smallest interval containing all the given intervals.
fn hull(parts: &[Interval]) -> Interval {
    let Some((&first, rest)) = parts.split_first() else {
        return Interval::exact(Decimal::ZERO);
    };
    // The first part is not compared with itself: a bound is its own minimum and maximum.
    let mut result = first;
    for part in rest {
        result.low = result.low.min(part.low);
        result.high = result.high.max(part.high);
    }
    result
}

/// `a + b` rounded down (`up`: rounded up) where rust_decimal had to round it (past 28 digits),
/// and past the decimal range the smallest (`up`: largest) decimal.
fn add_outward(a: Decimal, b: Decimal, up: bool) -> Decimal {
    let Some(sum) = a.checked_add(b) else {
        return if up { Decimal::MAX } else { Decimal::MIN };
    };
    if sum.scale() >= a.scale().max(b.scale()) {
        return sum;
    }
    let unit = last_digit_unit(sum);
    if up {
        sum.saturating_add(unit)
    } else {
        sum.saturating_sub(unit)
    }
}

/// One unit in the last digit of `value`.
fn last_digit_unit(value: Decimal) -> Decimal {
    Decimal::new(1, value.scale())
}

/// `value` widened by one unit in its last digit each way. Where the sums are exact (a
/// mantissa of at least 2 either way, which keeps its sign, and one more still fits in 96
/// bits), they are the mantissa one less and one more at the same scale, made without decimal
/// addition: every inexact quotient is widened so.
fn widened_by_last_digit(value: Decimal) -> Interval {
    let (mantissa, scale) = (value.mantissa(), value.scale());
    let one_off = |delta: i128| {
        mantissa
            .checked_add(delta)
            .and_then(|m| Decimal::try_from_i128_with_scale(m, scale).ok())
    };
    match (one_off(-1), one_off(1)) {
        (Some(low), Some(high)) if mantissa.unsigned_abs() > 1 => Interval { low, high },
        _ => Interval::exact(value).widen(last_digit_unit(value)),
    }
}

/// `a × b`, widened by one last-digit unit if rust_decimal had to round it.
fn bounded_product(a: Decimal, b: Decimal) -> Result<Interval, IntervalError> {
    let product = a.checked_mul(b).ok_or(IntervalError::Overflow)?;
    if product.scale() == a.scale() + b.scale() {
        return Ok(Interval::exact(product));
    }
    Ok(widened_by_last_digit(product))
}

/// `a ÷ b`, widened by one last-digit unit unless the quotient is exact.
fn bounded_quotient(a: Decimal, b: Decimal) -> Result<Interval, IntervalError> {
    let quotient = a.checked_div(b).ok_or(IntervalError::Overflow)?;
    if is_exact_quotient(a, b, quotient) {
        return Ok(Interval::exact(quotient));
    }
    Ok(widened_by_last_digit(quotient))
}

/// Whether `quotient` is `a ÷ b` exactly: multiplied back by `b` it is `a`, and rust_decimal
/// did not round that product (its scale is the sum of theirs). Cheapest test first: a sum of
/// scales past the largest a decimal has (the 28 digits of most inexact quotients) rules out
/// the product without working it out, and a rounded product is not compared with `a`.
fn is_exact_quotient(a: Decimal, b: Decimal, quotient: Decimal) -> bool {
    let scale = quotient.scale() + b.scale();
    scale <= Decimal::MAX_SCALE
        && quotient
            .checked_mul(b)
            .is_some_and(|back| back.scale() == scale && back == a)
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

    /// The hull of the four results, as it was worked out before a point's bound was read
    /// once.
    fn four_way(
        a: &Interval,
        b: &Interval,
        operation: fn(Decimal, Decimal) -> Result<Interval, IntervalError>,
    ) -> Result<Interval, IntervalError> {
        Ok(hull(&[
            operation(a.low, b.low)?,
            operation(a.low, b.high)?,
            operation(a.high, b.low)?,
            operation(a.high, b.high)?,
        ]))
    }

    /// `mantissa` at `scale` decimals, up to `width` tenths of its last digit more at one more
    /// decimal (0: the same value written with one more digit), or the point `mantissa`.
    fn interval(mantissa: i64, width: i64, scale: u32, point: bool) -> Interval {
        let low = Decimal::new(mantissa, scale);
        if point {
            return Interval::exact(low);
        }
        Interval::between(low, Decimal::new(mantissa * 10 + width, scale + 1))
    }

    fn bits(
        result: Result<Interval, IntervalError>,
    ) -> Result<([u8; 16], [u8; 16]), IntervalError> {
        result.map(|i| (i.low.serialize(), i.high.serialize()))
    }

    proptest! {
        #[test]
        fn products_and_quotients_of_points_are_the_four_way_hull_bit_for_bit(
            (a_mantissa, a_width, a_scale, a_point) in
                (-100_000i64..100_000, 0i64..100, 0u32..6, any::<bool>()),
            (b_mantissa, b_width, b_scale, b_point) in
                (1i64..100_000, 0i64..100, 0u32..6, any::<bool>()),
            b_negative in any::<bool>(),
        ) {
            let a = interval(a_mantissa, a_width, a_scale, a_point);
            let b = interval(b_mantissa, b_width, b_scale, b_point);
            let b = if b_negative { b.neg() } else { b };
            prop_assert_eq!(bits(a.checked_mul(&b)), bits(four_way(&a, &b, bounded_product)));
            prop_assert_eq!(bits(b.checked_mul(&a)), bits(four_way(&b, &a, bounded_product)));
            prop_assert_eq!(bits(a.checked_div(&b)), bits(four_way(&a, &b, bounded_quotient)));
        }
    }

    proptest! {
        /// Positive intervals, narrow (a printed figure's half unit) or wide, of small and
        /// long figures: their products and quotients, worked out from two pairs of bounds,
        /// are the hull of all four, bit for bit.
        #[test]
        fn products_and_quotients_of_positive_spans_are_the_four_way_hull_bit_for_bit(
            (a_low, a_width, a_scale) in (1i64..1_000_000_000, 1i64..1_000_000, 0u32..12),
            (b_low, b_width, b_scale) in (1i64..1_000_000_000, 1i64..1_000_000, 0u32..12),
        ) {
            let a = Interval::between(
                Decimal::new(a_low, a_scale),
                Decimal::new(a_low + a_width, a_scale),
            );
            let b = Interval::between(
                Decimal::new(b_low, b_scale),
                Decimal::new(b_low + b_width, b_scale + 1),
            );
            prop_assume!(b.low() < b.high());
            prop_assert_eq!(bits(a.checked_mul(&b)), bits(four_way(&a, &b, bounded_product)));
            prop_assert_eq!(bits(b.checked_mul(&a)), bits(four_way(&b, &a, bounded_product)));
            prop_assert_eq!(bits(a.checked_div(&b)), bits(four_way(&a, &b, bounded_quotient)));
            prop_assert_eq!(bits(b.checked_div(&a)), bits(four_way(&b, &a, bounded_quotient)));
        }
    }

    proptest! {
        /// A value widened by its mantissa one off either way is the value widened by adding a
        /// unit of its last digit either way, bit for bit: small mantissas, and ones at the
        /// edge of 96 bits, at every scale.
        #[test]
        fn a_value_widened_by_its_mantissa_is_widened_by_its_sums(
            small in -1_000i128..1_000,
            edge in 0i128..1_000,
            at_edge in any::<bool>(),
            negative in any::<bool>(),
            scale in 0u32..=28,
        ) {
            let largest = Decimal::MAX.mantissa();
            let mantissa = if at_edge { largest - edge } else { small };
            let mantissa = if negative { -mantissa } else { mantissa };
            let value = Decimal::from_i128_with_scale(mantissa, scale);
            let by_sums = Interval::exact(value).widen(last_digit_unit(value));
            prop_assert_eq!(
                bits(Ok(widened_by_last_digit(value))),
                bits(Ok(by_sums))
            );
        }

        /// The exactness test in its cheapest order decides as the product compared first
        /// did, for quotients exact, of 28 digits, and of integers or long fractions.
        #[test]
        fn a_quotient_is_exact_as_its_product_back_says(
            (a_mantissa, a_scale) in (-10_000_000_000i64..10_000_000_000, 0u32..12),
            (b_mantissa, b_scale) in (1i64..10_000_000, 0u32..12),
            b_negative in any::<bool>(),
        ) {
            let a = Decimal::new(a_mantissa, a_scale);
            let b = Decimal::new(if b_negative { -b_mantissa } else { b_mantissa }, b_scale);
            let quotient = a.checked_div(b).unwrap();
            let product_first = quotient
                .checked_mul(b)
                .is_some_and(|back| back == a && back.scale() == quotient.scale() + b.scale());
            prop_assert_eq!(is_exact_quotient(a, b, quotient), product_first);
        }
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
    fn widening_past_the_decimal_range_saturates_instead_of_panicking() {
        let wide = Interval::rounded(d("3.0")).widen(Decimal::MAX);
        assert_eq!(wide.high(), Decimal::MAX);
        // 2.95 − MAX is −…332.05: rounded down, never in.
        assert_eq!(wide.low(), d("-79228162514264337593543950333"));
        let wider = wide.widen(Decimal::MAX);
        assert_eq!((wider.low(), wider.high()), (Decimal::MIN, Decimal::MAX));
        assert_eq!(
            Interval::product_at_least(d("3000"), Decimal::MAX / d("100")),
            Decimal::MAX
        );
        // Rounded products are rounded up: 1/3 of a figure is never less than a third.
        let third = Interval::product_at_least(d("1"), d("0.3333333333333333333333333333"));
        assert!(third >= d("0.3333333333333333333333333333"));
        assert_eq!(Interval::product_at_least(d("-2"), d("0.5")), d("1.0"));
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

/// An interval whose bounds are whole multiples of 10⁻ˢᶜᵃˡᵉ, held as integers.
///
/// Sums and differences of printed figures need no decimal arithmetic: at a common scale they
/// are integer additions. The engine decides additive checks with these and falls back to
/// [`Interval`] for everything else and for reporting; both give the same verdict because both
/// are exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScaledInterval {
    low: i64,
    high: i64,
    scale: u32,
}

/// Scales above this are left to [`Interval`]; so is anything that overflows an i64.
const MAX_FAST_SCALE: u32 = 17;

/// 10⁰ to 10¹⁸, looked up: `checked_pow` multiplied its way to each power, several times for
/// every percentage decided on integers.
const SMALL_POWERS_OF_TEN: [i128; 19] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
    10_000_000_000,
    100_000_000_000,
    1_000_000_000_000,
    10_000_000_000_000,
    100_000_000_000_000,
    1_000_000_000_000_000,
    10_000_000_000_000_000,
    100_000_000_000_000_000,
    1_000_000_000_000_000_000,
];

/// `10^power`; `None` past what an i128 holds.
fn ten_to(power: u32) -> Option<i128> {
    match SMALL_POWERS_OF_TEN.get(power as usize) {
        Some(&small) => Some(small),
        None => 10i128.checked_pow(power),
    }
}

/// `a × b`; `None` where it overflows. Two factors of 64 bits multiply without the check,
/// which their product (at most 2¹²⁶ in size) cannot need.
fn product(a: i128, b: i128) -> Option<i128> {
    match (i64::try_from(a), i64::try_from(b)) {
        (Ok(a), Ok(b)) => Some(i128::from(a) * i128::from(b)),
        _ => a.checked_mul(b),
    }
}

impl ScaledInterval {
    /// A printed figure: exact, or ± half a unit of its last digit.
    pub fn figure(mantissa: i64, scale: u32, exact: bool) -> Option<Self> {
        let tenfold = mantissa.checked_mul(10)?;
        let half = if exact { 0 } else { 5 };
        (scale < MAX_FAST_SCALE).then_some(Self {
            low: tenfold.checked_sub(half)?,
            high: tenfold.checked_add(half)?,
            scale: scale + 1,
        })
    }

    /// A figure printed in units of 10^`power` (`8,885` in thousands: `mantissa` 8885, `power`
    /// 3): exact, or ± half a printed unit (8 885 000 ± 500), at scale 0.
    pub fn figure_in_power(mantissa: i64, power: u32, exact: bool) -> Option<Self> {
        let unit = 10i64.checked_pow(power)?;
        let value = mantissa.checked_mul(unit)?;
        let half = if exact { 0 } else { unit / 2 };
        Some(Self {
            low: value.checked_sub(half)?,
            high: value.checked_add(half)?,
            scale: 0,
        })
    }

    /// An exact constant.
    pub fn constant(value: Decimal) -> Option<Self> {
        let mantissa = i64::try_from(value.mantissa()).ok()?;
        (value.scale() <= MAX_FAST_SCALE).then_some(Self {
            low: mantissa,
            high: mantissa,
            scale: value.scale(),
        })
    }

    fn at_scale(self, scale: u32) -> Option<Self> {
        if scale == self.scale {
            return Some(self);
        }
        let factor = 10i64.checked_pow(scale.checked_sub(self.scale)?)?;
        Some(Self {
            low: self.low.checked_mul(factor)?,
            high: self.high.checked_mul(factor)?,
            scale,
        })
    }

    #[inline]
    fn aligned(self, other: Self) -> Option<(Self, Self)> {
        if self.scale == other.scale {
            return Some((self, other));
        }
        let scale = self.scale.max(other.scale);
        Some((self.at_scale(scale)?, other.at_scale(scale)?))
    }

    pub fn checked_add(self, other: Self) -> Option<Self> {
        let (a, b) = self.aligned(other)?;
        Some(Self {
            low: a.low.checked_add(b.low)?,
            high: a.high.checked_add(b.high)?,
            scale: a.scale,
        })
    }

    pub fn checked_sub(self, other: Self) -> Option<Self> {
        let (a, b) = self.aligned(other)?;
        Some(Self {
            low: a.low.checked_sub(b.high)?,
            high: a.high.checked_sub(b.low)?,
            scale: a.scale,
        })
    }

    pub fn negated(self) -> Self {
        // Bounds come from `figure` and checked sums, never i64::MIN, so negation is safe;
        // saturating keeps it so even if that changes.
        Self {
            low: self.high.saturating_neg(),
            high: self.low.saturating_neg(),
            scale: self.scale,
        }
    }

    /// Whether `100 × part ÷ whole + offset` can take a value of `self` for some values of
    /// `part` and `whole` in their intervals, decided exactly: `Some(true)` where it can;
    /// `None` where the integers would overflow or `whole` may be zero (left to [`Interval`]).
    pub fn percent_may_equal(self, part: Self, whole: Self, offset: i64) -> Option<bool> {
        let (part, whole) = if whole.low > 0 {
            (part, whole)
        } else if whole.high < 0 {
            (part.negated(), whole.negated())
        } else {
            return None;
        };
        // With a positive whole, a part's low bound gives the lowest quotient over the whole's
        // high bound if it is not negative, over its low bound if it is (the high likewise).
        let lowest = (part.low, if part.low >= 0 { whole.high } else { whole.low });
        let highest = (
            part.high,
            if part.high >= 0 {
                whole.low
            } else {
                whole.high
            },
        );
        let percent = |(numerator, denominator): (i64, i64)| {
            // (100 × n / 10^a) ÷ (d / 10^b) + offset = (100 × n × 10^b + offset × d × 10^a)
            //                                          ÷ (d × 10^a)
            let n = product(i128::from(numerator), ten_to(whole.scale)?)?;
            let d = product(i128::from(denominator), ten_to(part.scale)?)?;
            let top = product(n, 100)?.checked_add(product(d, i128::from(offset))?)?;
            Some((top, d))
        };
        let (low_top, low_bottom) = percent(lowest)?;
        let (high_top, high_bottom) = percent(highest)?;
        // top ÷ bottom against v ÷ 10^c, with bottom > 0: top × 10^c against v × bottom.
        let unit = ten_to(self.scale)?;
        let at_most_high = product(low_top, unit)? <= product(i128::from(self.high), low_bottom)?;
        let at_least_low = product(high_top, unit)? >= product(i128::from(self.low), high_bottom)?;
        Some(at_most_high && at_least_low)
    }

    /// Whether `self OP other` can hold (the same verdict as comparing the [`Interval`]s).
    pub fn may_hold(self, op: crate::lang::ast::CompareOp, other: Self) -> Option<bool> {
        use crate::lang::ast::CompareOp;
        let (l, r) = self.aligned(other)?;
        Some(match op {
            CompareOp::Equal => l.low <= r.high && r.low <= l.high,
            CompareOp::LessEqual => l.low <= r.high,
            CompareOp::Less => l.low < r.high,
            CompareOp::GreaterEqual => l.high >= r.low,
            CompareOp::Greater => l.high > r.low,
        })
    }
}

#[cfg(test)]
mod scaled_tests {
    use super::*;
    use crate::checks::compare::compare;
    use crate::lang::ast::CompareOp;
    use proptest::prelude::*;

    #[test]
    fn powers_of_ten_are_looked_up_as_checked_pow_works_them_out() {
        for power in 0..45 {
            assert_eq!(ten_to(power), 10i128.checked_pow(power), "10^{power}");
        }
    }

    #[test]
    fn a_product_overflows_only_where_checked_mul_does() {
        let edges = [
            0,
            1,
            -1,
            100,
            i128::from(i64::MAX),
            i128::from(i64::MIN),
            i128::from(i64::MAX) + 1,
            i128::from(i64::MIN) - 1,
            i128::MAX / 3,
            i128::MIN / 2,
            i128::MAX,
            i128::MIN,
        ];
        for a in edges {
            for b in edges {
                assert_eq!(product(a, b), a.checked_mul(b), "{a} × {b}");
            }
        }
    }

    fn both(mantissa: i64, scale: u32, exact: bool) -> (ScaledInterval, Interval) {
        let value = Decimal::new(mantissa, scale);
        let interval = if exact {
            Interval::exact(value)
        } else {
            Interval::rounded(value)
        };
        (
            ScaledInterval::figure(mantissa, scale, exact).unwrap(),
            interval,
        )
    }

    #[test]
    fn a_figure_in_thousands_is_held_as_integers_of_units() {
        let rounded = ScaledInterval::figure_in_power(8885, 3, false).unwrap();
        assert_eq!(
            (rounded.low, rounded.high, rounded.scale),
            (8_884_500, 8_885_500, 0)
        );
        let exact = ScaledInterval::figure_in_power(-12, 1, true).unwrap();
        assert_eq!((exact.low, exact.high), (-120, -120));
        assert_eq!(
            ScaledInterval::figure_in_power(i64::MAX / 10, 3, false),
            None
        );
    }

    proptest! {
        #[test]
        fn integer_and_decimal_sums_give_the_same_verdict(
            parts in proptest::collection::vec((-1_000_000i64..1_000_000, 0u32..3, any::<bool>()), 1..6),
            (total, total_scale, exact) in (-3_000_000i64..3_000_000, 0u32..3, any::<bool>()),
        ) {
            let (fast_total, slow_total) = both(total, total_scale, exact);
            let mut fast = ScaledInterval::constant(Decimal::ZERO).unwrap();
            let mut slow = Interval::exact(Decimal::ZERO);
            for (m, s, e) in parts {
                let (f, i) = both(m, s, e);
                fast = fast.checked_add(f).unwrap();
                slow = slow.checked_add(&i).unwrap();
            }
            for op in [CompareOp::Equal, CompareOp::Less, CompareOp::LessEqual, CompareOp::Greater, CompareOp::GreaterEqual] {
                prop_assert_eq!(fast_total.may_hold(op, fast), Some(compare(op, &slow_total, &slow).0));
            }
        }

        #[test]
        fn integer_and_decimal_percentages_give_the_same_verdict(
            (part, part_scale, part_exact) in (-2_000_000i64..2_000_000, 0u32..3, any::<bool>()),
            (whole, whole_scale, whole_exact) in (-2_000_000i64..2_000_000, 0u32..3, any::<bool>()),
            (printed_scale, printed_exact, nudge) in (0u32..3, any::<bool>(), -3i64..=3),
            growth in any::<bool>(),
        ) {
            let (fast_part, slow_part) = both(part, part_scale, part_exact);
            let (fast_whole, slow_whole) = both(whole, whole_scale, whole_exact);
            prop_assume!(!slow_whole.contains_zero());
            let hundred = Interval::exact(Decimal::ONE_HUNDRED);
            let mut slow = slow_part.checked_div(&slow_whole).unwrap();
            if growth {
                slow = slow.checked_sub(&Interval::exact(Decimal::ONE)).unwrap();
            }
            let slow = slow.checked_mul(&hundred).unwrap();
            // A printed percentage near what the figures give, a few last digits either side.
            let near = (slow.low() + slow.high()) / Decimal::TWO;
            let near = near.round_dp(printed_scale);
            let printed = i64::try_from(near.mantissa()).unwrap() * 10i64.pow(printed_scale - near.scale()) + nudge;
            let (fast_printed, slow_printed) = both(printed, printed_scale, printed_exact);
            let offset = if growth { -100 } else { 0 };
            prop_assert_eq!(
                fast_printed.percent_may_equal(fast_part, fast_whole, offset),
                Some(compare(CompareOp::Equal, &slow_printed, &slow).0)
            );
        }
    }
}
