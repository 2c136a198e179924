//! The editorial slips that turn one printing of a figure into another: naming the slip that
//! explains a proposed correction, and the printings a slip could have come from (candidates
//! where the checks alone do not fix a value).

use rust_decimal::Decimal;
use serde::Serialize;

/// A slip an editor makes with one figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Slip {
    /// `126.9` for `129.6`: two neighbouring digits typed in the wrong order.
    DigitsSwapped,
    /// `12.6` for `126.9`… one digit left out.
    DigitDropped,
    /// `1269.9` for `126.9`: one digit typed twice.
    DigitDoubled,
    /// `1269` for `126.9`, `12.69` for `126.9`: the decimal point in the wrong place (a factor
    /// of ten, or of a hundred …).
    DecimalPointMoved,
    /// The figure of the row above or below, in the same column.
    CopiedFromNeighbouringRow,
    /// The figure of the column to the left or right, in the same row.
    CopiedFromNeighbouringColumn,
    /// The prior year's figure of the same row (or column), printed for this year's: a draft
    /// begun from last year's table and not updated everywhere.
    LastYearsFigureLeftIn,
    /// A column's figures printed one row down (or up) from their labels, for a run of rows:
    /// several cells at once ([`super::shift`]).
    RowsShifted,
    /// A row's figures printed one column right (or left) of their header, for a run of
    /// columns.
    ColumnsShifted,
    /// The figures of two neighbouring rows of a column in each other's places.
    RowsSwapped,
    /// The figures of two neighbouring columns of a row in each other's places.
    ColumnsSwapped,
    /// `141,770` for `(141,770)`: a negative figure printed without its parentheses, in a
    /// column that prints negatives in parentheses.
    ParenthesesDropped,
    /// `(141,770)` for `141,770`: a positive figure printed in parentheses, as a negative.
    ParenthesesAdded,
    /// `1.6` for `-1.6`: a negative figure printed without its minus sign.
    MinusSignDropped,
    /// `-1.6` for `1.6`: a positive figure printed with a minus sign.
    MinusSignAdded,
}

impl Slip {
    /// How a report words it.
    pub fn describe(self) -> &'static str {
        match self {
            Slip::DigitsSwapped => "two digits swapped",
            Slip::DigitDropped => "a digit dropped",
            Slip::DigitDoubled => "a digit doubled",
            Slip::DecimalPointMoved => "the decimal point moved",
            Slip::CopiedFromNeighbouringRow => "copied from the neighbouring row",
            Slip::CopiedFromNeighbouringColumn => "copied from the neighbouring column",
            Slip::LastYearsFigureLeftIn => "last year's figure left in",
            Slip::RowsShifted => "figures shifted one row against their labels",
            Slip::ColumnsShifted => "figures shifted one column against their header",
            Slip::RowsSwapped => "two neighbouring rows' figures swapped",
            Slip::ColumnsSwapped => "two neighbouring columns' figures swapped",
            Slip::ParenthesesDropped => "the parentheses of a negative figure dropped",
            Slip::ParenthesesAdded => "a positive figure printed in parentheses",
            Slip::MinusSignDropped => "the minus sign of a negative figure dropped",
            Slip::MinusSignAdded => "a minus sign added to a positive figure",
        }
    }
}

/// The digits of a figure as it prints and where its decimal point stands (digits before it):
/// every decimal of its scale, and a zero before a point that would lead (`0.05`: `005`, the
/// point after the first). Worked out from the mantissa rather than the printed text: blame
/// names the slip of every proposal, and formatting the figures was most of it.
fn digits(value: Decimal) -> (bool, Vec<u8>, usize) {
    let scale = value.scale() as usize;
    let mut printed = itoa::Buffer::new();
    let mantissa = printed.format(value.mantissa().unsigned_abs()).as_bytes();
    // A figure below 1 prints zeros between its point and its mantissa, and one before it.
    let leading = (scale + 1).saturating_sub(mantissa.len());
    let mut digits = vec![b'0'; leading];
    digits.extend_from_slice(mantissa);
    let whole = digits.len() - scale;
    (value.is_sign_negative(), digits, whole)
}

/// The slip of one figure that turns `original` into `printed`, if one does. Both are taken
/// as printed (their scale is their number of decimals).
pub fn named(printed: Decimal, original: Decimal) -> Option<Slip> {
    if printed == original {
        return None;
    }
    let (negative_p, p, point_p) = digits(printed);
    let (negative_o, o, point_o) = digits(original);
    if negative_p != negative_o {
        return None;
    }
    if p == o && point_p != point_o
        || significant(&p) == significant(&o) && !significant(&p).is_empty()
    {
        return Some(Slip::DecimalPointMoved);
    }
    if point_p == point_o && p.len() == o.len() && swapped(&p, &o) {
        return Some(Slip::DigitsSwapped);
    }
    if p.len() + 1 == o.len() && one_removed(&o, &p) {
        return Some(Slip::DigitDropped);
    }
    if o.len() + 1 == p.len() && one_removed(&p, &o) && doubled(&p, &o) {
        return Some(Slip::DigitDoubled);
    }
    None
}

/// The digits from the first to the last that is not 0 (none for 0), borrowed: naming a slip
/// compares them for every proposal.
fn significant(digits: &[u8]) -> &[u8] {
    let start = digits
        .iter()
        .position(|&c| c != b'0')
        .unwrap_or(digits.len());
    let end = digits
        .iter()
        .rposition(|&c| c != b'0')
        .map_or(start, |e| e + 1);
    digits.get(start..end).unwrap_or_default()
}

/// The slip that turns `original` into `printed` where the two differ in sign alone: its
/// parentheses (or minus sign) dropped from a negative figure, or added to a positive one.
/// `parentheses`: whether the negative of the two prints in parentheses (its column declares
/// them), rather than with a minus sign.
pub fn sign(printed: Decimal, original: Decimal, parentheses: bool) -> Option<Slip> {
    if printed.is_zero() || printed != -original {
        return None;
    }
    Some(match (original.is_sign_negative(), parentheses) {
        (true, true) => Slip::ParenthesesDropped,
        (false, true) => Slip::ParenthesesAdded,
        (true, false) => Slip::MinusSignDropped,
        (false, false) => Slip::MinusSignAdded,
    })
}

/// Whether `a` and `b` differ by exactly two neighbouring digits in the other order.
fn swapped(a: &[u8], b: &[u8]) -> bool {
    let differ: Vec<usize> = (0..a.len()).filter(|&i| a.get(i) != b.get(i)).collect();
    match differ.as_slice() {
        [i, j] if *j == i + 1 => a.get(*i) == b.get(*j) && a.get(*j) == b.get(*i),
        _ => false,
    }
}

/// Whether `shorter` is `longer` with one digit left out.
fn one_removed(longer: &[u8], shorter: &[u8]) -> bool {
    (0..longer.len()).any(|skip| {
        longer
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != skip)
            .map(|(_, &d)| d)
            .eq(shorter.iter().copied())
    })
}

/// Whether `longer` is `shorter` with one of its digits typed twice.
fn doubled(longer: &[u8], shorter: &[u8]) -> bool {
    (1..longer.len()).any(|i| {
        longer.get(i) == longer.get(i - 1)
            && longer
                .iter()
                .enumerate()
                .filter(|&(k, _)| k != i)
                .map(|(_, &d)| d)
                .eq(shorter.iter().copied())
    })
}

/// The decimal whose digits are `digits` with the point after the first `point` of them, as
/// read from its text (`-`, a `0` before a point that would lead, the digits, the point
/// where a digit follows it). Built from the digits where they make a decimal as they are
/// (at most 28 of them, not all zeros), which is what reading the text gives: the origins of
/// one figure are a hundred texts, and formatting and reading them was most of the search.
fn from_digits(negative: bool, digits: &[u8], point: usize) -> Option<Decimal> {
    let point = point.min(digits.len());
    let mantissa = digits
        .iter()
        .try_fold(0i128, |m, &d| {
            m.checked_mul(10)?
                .checked_add(i128::from(d.checked_sub(b'0')?))
        })
        .filter(|_| digits.len() <= 28);
    let scale = u32::try_from(digits.len() - point).ok();
    match (mantissa, scale) {
        (Some(m), Some(scale)) if m != 0 => {
            Decimal::try_from_i128_with_scale(if negative { -m } else { m }, scale).ok()
        }
        _ => from_text(negative, digits, point),
    }
}

/// [`from_digits`] by formatting the text and reading it.
fn from_text(negative: bool, digits: &[u8], point: usize) -> Option<Decimal> {
    let (whole, fraction) = digits.split_at(point.min(digits.len()));
    let text = format!(
        "{}{}{}{}",
        if negative { "-" } else { "" },
        if whole.is_empty() { "0" } else { "" },
        String::from_utf8_lossy(whole),
        if fraction.is_empty() {
            String::new()
        } else {
            format!(".{}", String::from_utf8_lossy(fraction))
        }
    );
    text.parse::<Decimal>().ok()
}

/// The printings a slip could have turned into `printed`, at its precision: the original
/// for each swap of neighbouring digits, each digit doubled or dropped (any digit inserted
/// anywhere), and the decimal point moved by one or two places. Candidates where the checks
/// do not determine a value (a ranking, a bound).
pub fn origins(printed: Decimal) -> Vec<Decimal> {
    let (negative, p, point) = digits(printed);
    let scale = printed.scale();
    let mut values = Vec::new();
    let mut push = |digits: &[u8], point: usize| {
        if let Some(value) = from_digits(negative, digits, point) {
            values.push(value.round_dp(scale));
        }
    };
    for i in 1..p.len() {
        let mut swapped = p.clone();
        swapped.swap(i - 1, i);
        push(&swapped, point);
    }
    for i in 0..p.len() {
        let mut shorter = p.clone();
        shorter.remove(i);
        let point = if i < point { point - 1 } else { point };
        push(&shorter, point);
    }
    for i in 0..=p.len() {
        for digit in b'0'..=b'9' {
            let mut longer = p.clone();
            longer.insert(i, digit);
            let point = if i < point || (i == point && scale == 0) {
                point + 1
            } else {
                point
            };
            push(&longer, point);
        }
    }
    for factor in [Decimal::TEN, Decimal::ONE_HUNDRED] {
        if let Some(value) = printed.checked_mul(factor) {
            values.push(value.round_dp(scale));
        }
        if let Some(value) = printed.checked_div(factor) {
            values.push(value.round_dp(scale));
        }
    }
    values.retain(|v| *v != printed);
    values.sort_unstable();
    values.dedup();
    values
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    /// [`digits`] read off the figure's printed text, as it was worked out before.
    fn digits_of_the_text(value: Decimal) -> (bool, Vec<u8>, usize) {
        let text = value.abs().to_string();
        let point = text.find('.').unwrap_or(text.len());
        let digits = text.bytes().filter(u8::is_ascii_digit).collect();
        (value.is_sign_negative(), digits, point)
    }

    #[test]
    fn digits_are_those_the_figure_prints() {
        for (text, digits_printed, point) in [
            ("0", "0", 1),
            ("0.05", "005", 1),
            ("-0.50", "050", 1),
            ("126.9", "1269", 3),
            ("1269", "1269", 4),
            ("10.00", "1000", 2),
        ] {
            let (_, digits, at) = digits(d(text));
            assert_eq!((digits.as_slice(), at), (digits_printed.as_bytes(), point));
        }
    }

    proptest! {
        #[test]
        fn digits_from_the_mantissa_are_the_texts(
            mantissa in prop_oneof![-100_000i64..100_000, any::<i64>()],
            wide in any::<bool>(),
            scale in 0u32..=28,
        ) {
            // Past 64 bits too (a mantissa of up to 93).
            let mantissa = i128::from(mantissa) * if wide { 1_000_000_000 } else { 1 };
            let value = Decimal::from_i128_with_scale(mantissa, scale);
            prop_assert_eq!(digits(value), digits_of_the_text(value));
        }
    }

    proptest! {
        /// A decimal built from its digits is, bit for bit (scale and sign too), the one read
        /// from its text.
        #[test]
        fn a_decimal_from_its_digits_is_the_one_read_from_its_text(
            negative in any::<bool>(),
            digits in proptest::collection::vec(
                prop_oneof![3 => Just(b'0'), 7 => b'0'..=b'9'],
                0..32,
            ),
            point in 0usize..34,
        ) {
            let bits = |d: Option<Decimal>| d.map(|d| d.serialize());
            prop_assert_eq!(
                bits(from_digits(negative, &digits, point)),
                bits(from_text(negative, &digits, point))
            );
        }
    }

    #[test]
    fn each_slip_is_named() {
        assert_eq!(named(d("126.9"), d("129.6")), Some(Slip::DigitsSwapped));
        assert_eq!(named(d("1269"), d("12869")), Some(Slip::DigitDropped));
        assert_eq!(named(d("12669"), d("1269")), Some(Slip::DigitDoubled));
        // A digit added that is not its neighbour's twin is no slip of ours.
        assert_eq!(named(d("12869"), d("1269")), None);
        assert_eq!(
            named(d("1269.0"), d("126.9")),
            Some(Slip::DecimalPointMoved)
        );
        assert_eq!(named(d("12.69"), d("126.9")), Some(Slip::DecimalPointMoved));
        assert_eq!(named(d("139.6"), d("126.9")), None);
        assert_eq!(named(d("126.9"), d("126.9")), None);
    }

    #[test]
    fn a_sign_slip_is_named_by_how_the_negative_prints() {
        assert_eq!(
            sign(d("141770"), d("-141770"), true),
            Some(Slip::ParenthesesDropped)
        );
        assert_eq!(
            sign(d("-141770"), d("141770"), true),
            Some(Slip::ParenthesesAdded)
        );
        assert_eq!(
            sign(d("1.6"), d("-1.6"), false),
            Some(Slip::MinusSignDropped)
        );
        assert_eq!(sign(d("-1.6"), d("1.6"), false), Some(Slip::MinusSignAdded));
        // The sign alone: another figure, or the same printed at another precision, is none.
        assert_eq!(sign(d("1.6"), d("-1.7"), false), None);
        assert_eq!(sign(d("1.6"), d("1.6"), false), None);
        assert_eq!(sign(d("0"), d("-0"), false), None);
        // Nor is a sign slip any of the digit slips.
        assert_eq!(named(d("1.6"), d("-1.6")), None);
    }

    #[test]
    fn the_original_is_among_the_origins_of_each_named_slip() {
        let original = d("3246.6");
        for printed in [
            "3264.6", "346.6", "32466.6", "32466.0", "324.66", "324.7", "3571.3",
        ] {
            let printed = d(printed);
            let found = origins(printed).contains(&original);
            let slip = named(printed, original);
            assert_eq!(found, slip.is_some(), "{printed}: {slip:?}");
        }
    }
}
