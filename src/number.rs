//! Printed figures → exact decimals.
//!
//! The book prints `22 398.4` (a space groups thousands), `-13.9`, `0.0`, and `—` for "not
//! applicable". A parsed figure keeps its printed precision (the decimal's scale), because the
//! number of printed decimals decides how much rounding the figure may hide.

use rust_decimal::Decimal;

/// What a numeric cell holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    /// A printed number; its scale is the number of decimals printed.
    Value(Decimal),
    /// `—`, `–`, `-` alone or an empty cell: not applicable, never zero.
    NotApplicable,
}

/// Why a cell's text is not a figure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    /// `12a`, `abc`: characters that are not part of a number.
    #[error("`{text}` is not a number")]
    NotANumber { text: String },
    /// `1 23.4`, `12 3456`: spaces that do not group digits in threes.
    #[error("`{text}` groups its digits wrongly: a space may only separate groups of three digits")]
    BadGrouping { text: String },
    /// More digits than an exact decimal holds (28 significant digits).
    #[error("`{text}` has more digits than can be held exactly")]
    TooLong { text: String },
}

/// Characters the book uses as a thousands separator.
fn is_group_separator(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{2009}' | '\u{202f}')
}

/// Parse a cell as printed.
///
/// ```
/// use crossfoot::number::{parse_figure, Figure};
/// let Figure::Value(v) = parse_figure("22 398.4").unwrap() else { panic!() };
/// assert_eq!(v.to_string(), "22398.4");
/// assert_eq!(v.scale(), 1);
/// assert_eq!(parse_figure("—").unwrap(), Figure::NotApplicable);
/// ```
pub fn parse_figure(text: &str) -> Result<Figure, NumberError> {
    if let Some((mantissa, scale)) = parse_plain(text.as_bytes()) {
        return Ok(Figure::Value(Decimal::new(mantissa, scale)));
    }
    let trimmed = text.trim();
    if matches!(trimmed, "" | "—" | "–" | "-" | "——") {
        return Ok(Figure::NotApplicable);
    }
    let (negative, unsigned) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    let not_a_number = || NumberError::NotANumber {
        text: trimmed.to_string(),
    };
    let too_long = || NumberError::TooLong {
        text: trimmed.to_string(),
    };
    let (integer, fraction) = match unsigned.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (unsigned, None),
    };
    check_grouping(integer, trimmed)?;
    let mut digits = Digits::default();
    for group in integer.split(is_group_separator) {
        digits.push_all(group).ok_or_else(too_long)?;
    }
    let mut scale = 0;
    if let Some(fraction) = fraction {
        if fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return Err(not_a_number());
        }
        digits.push_all(fraction).ok_or_else(too_long)?;
        scale = u32::try_from(fraction.len()).map_err(|_| too_long())?;
    }
    let signed = if negative {
        -digits.value
    } else {
        digits.value
    };
    Decimal::try_from_i128_with_scale(signed, scale)
        .map(Figure::Value)
        .map_err(|_| too_long())
}

/// The common case, without allocation: `-?digits(.digits)?` with ASCII spaces grouping the
/// integer digits in threes (`22 398.4`), at most 18 digits, as mantissa and scale (`-13.9` →
/// (-139, 1)). Anything else (dashes, other separators, errors) gives `None` and takes the
/// general path of [`parse_figure`], which accepts everything this accepts.
pub fn parse_plain(bytes: &[u8]) -> Option<(i64, u32)> {
    let (negative, digits) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, bytes),
    };
    let mut mantissa: i64 = 0;
    let mut count = 0u32;
    let mut scale: Option<u32> = None;
    // Digits since the last group separator, and how many separators so far.
    let mut group = 0u32;
    let mut separators = 0u32;
    let group_ok = |group: u32, separators: u32| separators == 0 || group == 3;
    for &byte in digits {
        match byte {
            b'0'..=b'9' => {
                // At most 18 digits fit; a longer number takes the general path.
                mantissa = mantissa
                    .checked_mul(10)?
                    .checked_add(i64::from(byte - b'0'))?;
                count += 1;
                match scale.as_mut() {
                    Some(s) => *s += 1,
                    None => group += 1,
                }
            }
            b' ' if scale.is_none() && count > 0 => {
                let first_ok = separators > 0 || group <= 3;
                if !first_ok || !group_ok(group, separators) {
                    return None;
                }
                separators += 1;
                group = 0;
            }
            b'.' if scale.is_none() && count > 0 => {
                if !group_ok(group, separators) {
                    return None;
                }
                scale = Some(0);
            }
            _ => return None,
        }
        if count > 18 {
            return None;
        }
    }
    let scale = match scale {
        Some(0) => return None,
        Some(s) => s,
        None if count == 0 || !group_ok(group, separators) => return None,
        None => 0,
    };
    Some((if negative { -mantissa } else { mantissa }, scale))
}

/// Digits accumulated into an integer, refusing more than an exact decimal holds.
#[derive(Default)]
struct Digits {
    value: i128,
    count: usize,
}

impl Digits {
    const MAX: usize = 28;

    fn push_all(&mut self, digits: &str) -> Option<()> {
        for byte in digits.bytes() {
            self.count += 1;
            if self.count > Self::MAX {
                return None;
            }
            self.value = self.value * 10 + i128::from(byte - b'0');
        }
        Some(())
    }
}

/// Check that the integer part is digits, with separators (if any) grouping them in threes.
fn check_grouping(integer: &str, whole: &str) -> Result<(), NumberError> {
    let grouped = integer.contains(is_group_separator);
    for (index, group) in integer.split(is_group_separator).enumerate() {
        if group.is_empty() || !group.bytes().all(|b| b.is_ascii_digit()) {
            let only_digits_and_spaces = integer
                .chars()
                .all(|c| c.is_ascii_digit() || is_group_separator(c));
            return Err(if grouped && only_digits_and_spaces {
                NumberError::BadGrouping {
                    text: whole.to_string(),
                }
            } else {
                NumberError::NotANumber {
                    text: whole.to_string(),
                }
            });
        }
        let well_grouped = if index == 0 {
            !grouped || group.len() <= 3
        } else {
            group.len() == 3
        };
        if !well_grouped {
            return Err(NumberError::BadGrouping {
                text: whole.to_string(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn value(text: &str) -> Decimal {
        match parse_figure(text) {
            Ok(Figure::Value(v)) => v,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn parses_the_books_number_forms() {
        assert_eq!(value("22 398.4").to_string(), "22398.4");
        assert_eq!(value("670 506").to_string(), "670506");
        assert_eq!(value("1 015 986.2").to_string(), "1015986.2");
        assert_eq!(value("-13.9").to_string(), "-13.9");
        assert_eq!(value("5972").to_string(), "5972");
    }

    #[test]
    fn keeps_printed_precision() {
        assert_eq!(value("0.0").scale(), 1);
        assert_eq!(value("13 473.0").scale(), 1);
        assert_eq!(value("670 506").scale(), 0);
        assert_eq!(value("1.20").scale(), 2);
    }

    #[test]
    fn dashes_and_empty_cells_are_not_applicable() {
        for text in ["", "  ", "—", "–", "-"] {
            assert_eq!(parse_figure(text), Ok(Figure::NotApplicable), "{text:?}");
        }
    }

    #[test]
    fn rejects_text_and_bad_grouping() {
        assert!(matches!(
            parse_figure("12a"),
            Err(NumberError::NotANumber { .. })
        ));
        assert!(matches!(
            parse_figure("abc"),
            Err(NumberError::NotANumber { .. })
        ));
        assert!(matches!(
            parse_figure("1."),
            Err(NumberError::NotANumber { .. })
        ));
        assert!(matches!(
            parse_figure("1 23.4"),
            Err(NumberError::BadGrouping { .. })
        ));
        assert!(matches!(
            parse_figure("1234 567"),
            Err(NumberError::BadGrouping { .. })
        ));
        assert!(matches!(
            parse_figure("123456789012345678901234567890"),
            Err(NumberError::TooLong { .. })
        ));
    }

    /// The general path alone, to compare with the fast one.
    fn general(text: &str) -> Option<Decimal> {
        // A leading space keeps the fast path out; the general path trims it.
        match parse_figure(&format!(" {text}")) {
            Ok(Figure::Value(v)) => Some(v),
            _ => None,
        }
    }

    #[test]
    fn the_fast_path_takes_only_well_formed_groups() {
        assert_eq!(parse_plain(b"22 398.4"), Some((223_984, 1)));
        assert_eq!(parse_plain(b"1 015 986.2"), Some((10_159_862, 1)));
        assert_eq!(parse_plain(b"-13.9"), Some((-139, 1)));
        for text in [
            "1 23.4",
            "1234 567",
            "12 3",
            "1  234",
            "1 234 ",
            " 1",
            "1.",
            ".5",
            "1 234.5 6",
            "99999999999999999999",
        ] {
            assert_eq!(parse_plain(text.as_bytes()), None, "{text:?}");
        }
    }

    proptest! {
        #[test]
        fn fast_and_general_paths_agree(text in "-?[0-9 ]{1,12}(\\.[0-9]{0,3})?") {
            if let Some((mantissa, scale)) = parse_plain(text.as_bytes()) {
                let fast = Decimal::new(mantissa, scale);
                prop_assert_eq!(Some(fast), general(&text));
                prop_assert_eq!(fast.scale(), scale);
            }
        }

        #[test]
        fn grouped_printing_round_trips(units in 0u64..10_000_000_000, decimals in 0u32..4) {
            let v = Decimal::new(i64::try_from(units).unwrap(), decimals);
            let plain = v.to_string();
            let (int, frac) = plain.split_once('.').map_or((plain.as_str(), None), |(i, f)| (i, Some(f)));
            let mut grouped = String::new();
            for (i, c) in int.chars().enumerate() {
                if i > 0 && (int.len() - i) % 3 == 0 { grouped.push(' '); }
                grouped.push(c);
            }
            if let Some(f) = frac { grouped.push('.'); grouped.push_str(f); }
            let parsed = value(&grouped);
            prop_assert_eq!(parsed, v);
            prop_assert_eq!(parsed.scale(), v.scale());
        }
    }
}
