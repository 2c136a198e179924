//! Printed figures → exact decimals.
//!
//! The book prints `22 398.4` (a space groups thousands), `-13.9`, `0.0`, and `—` for "not
//! applicable". A parsed figure keeps its printed precision (the decimal's scale), because the
//! number of printed decimals decides how much rounding the figure may hide.
//!
//! A figure typed with full-width characters (`１２３.４`, `－5`, common when a table was typed
//! with a Chinese input method) is read as its ASCII twin when that is unambiguous, and the
//! caller is told so it can warn; a full-width comma or ideographic full stop inside a figure
//! (`１，２３４`) could be a thousands separator or a decimal point, and is an error.

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
    /// `abc`, `1.`: not a number at all.
    #[error("{shown} is not a number", shown = crate::excerpt::quoted(.text))]
    NotANumber { text: String },
    /// `12a`, `1O0`: digits with a character that has no place in a figure.
    #[error("{shown} is not a number: `{character}` is not part of a figure", shown = crate::excerpt::quoted(.text))]
    StrayCharacter { text: String, character: char },
    /// `1.2.3`: more than one decimal point.
    #[error("{shown} has {count} decimal points; a figure has at most one", shown = crate::excerpt::quoted(.text))]
    DecimalPoints { text: String, count: usize },
    /// `１，２３４`, `12。5`: a full-width comma or ideographic full stop among digits, which may
    /// be a thousands separator or a decimal point.
    #[error("{shown} is ambiguous: `{character}` may separate thousands or mark the decimals", shown = crate::excerpt::quoted(.text))]
    AmbiguousWide { text: String, character: char },
    /// `1 23.4`, `12 3456`: spaces that do not group digits in threes.
    #[error("{shown} groups its digits wrongly: a space may only separate groups of three digits", shown = crate::excerpt::quoted(.text))]
    BadGrouping { text: String },
    /// More digits than an exact decimal holds (28 significant digits).
    #[error("{shown} has more digits than can be held exactly", shown = crate::excerpt::quoted(.text))]
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
    read_figure(text).map(|(figure, _)| figure)
}

/// [`parse_figure`], and the ASCII text the figure was read as when it was written with
/// full-width characters (`１２３.４` → `123.4`), so the caller can warn.
///
/// ```
/// use crossfoot::number::{read_figure, Figure};
/// let (Figure::Value(v), Some(read_as)) = read_figure("－１２.５").unwrap() else { panic!() };
/// assert_eq!((v.to_string(), read_as.as_str()), ("-12.5".to_string(), "-12.5"));
/// assert!(read_figure("１，２３４").is_err());
/// ```
pub fn read_figure(text: &str) -> Result<(Figure, Option<String>), NumberError> {
    if let Some((mantissa, scale)) = parse_plain(text.as_bytes()) {
        return Ok((Figure::Value(Decimal::new(mantissa, scale)), None));
    }
    match fold_wide(text)? {
        Some(folded) => parse_ascii(&folded).map(|figure| (figure, Some(folded))),
        None => parse_ascii(text).map(|figure| (figure, None)),
    }
}

/// The ASCII character a full-width digit or Latin letter, `．`, `－` (or the minus sign `−`) or
/// an ideographic space stands for, as a Chinese input method types them (`ＧＤＰ`); `None` for
/// any other character.
pub fn ascii_twin(c: char) -> Option<char> {
    let shifted =
        |from: char, to: char| char::from_u32(u32::from(c) - u32::from(from) + u32::from(to));
    match c {
        '０'..='９' => shifted('０', '0'),
        'Ａ'..='Ｚ' => shifted('Ａ', 'A'),
        'ａ'..='ｚ' => shifted('ａ', 'a'),
        '．' => Some('.'),
        '－' | '−' => Some('-'),
        '\u{3000}' => Some(' '),
        _ => None,
    }
}

/// Whether `text` holds a digit, `．` or `－` typed in full width (U+FF10–U+FF19, U+FF0E,
/// U+FF0D), read off its bytes ([`full_width_twin`]): a label typed with one is named as its
/// ASCII twin, and warned of. Only where a byte 0xEF is found are the next two compared; a
/// Chinese text's own full-width punctuation (`，` `（` `：`) starts with it too. Whitespace
/// and the minus sign `−`, which have twins as well, are left out: a label means the same
/// with them, and a table that spaces `北　京` to line up its names is typed as it should be.
pub fn holds_full_width_digits(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(0xEF, bytes).any(|at| {
        full_width_twin(bytes.get(at..).unwrap_or_default())
            .is_some_and(|twin| !twin.is_ascii_alphabetic())
    })
}

/// The [`ascii_twin`] of the full-width form that `bytes` start with (`－` U+FF0D, `．`
/// U+FF0E, `０`–`９` U+FF10–U+FF19, `Ａ`–`Ｚ` U+FF21–U+FF3A, all `0xEF 0xBC …`; `ａ`–`ｚ`
/// U+FF41–U+FF5A, `0xEF 0xBD …`), read off its bytes: labels and the text's paragraphs are
/// screened for them, and their own full-width punctuation (`，` `（` `：`) starts with the
/// same byte.
pub fn full_width_twin(bytes: &[u8]) -> Option<char> {
    match bytes.get(..3)? {
        [0xEF, 0xBC, 0x8D] => Some('-'),
        [0xEF, 0xBC, 0x8E] => Some('.'),
        [0xEF, 0xBC, last @ 0x90..=0x99] => Some(char::from(b'0' + (last - 0x90))),
        [0xEF, 0xBC, last @ 0xA1..=0xBA] => Some(char::from(b'A' + (last - 0xA1))),
        [0xEF, 0xBD, last @ 0x81..=0x9A] => Some(char::from(b'a' + (last - 0x81))),
        _ => None,
    }
}

/// `text` with each character that has an [`ascii_twin`] read as its twin (`２０２１年` →
/// `2021年`).
pub fn in_ascii(text: &str) -> String {
    text.chars().map(|c| ascii_twin(c).unwrap_or(c)).collect()
}

/// Characters that may separate thousands or mark the decimals in a full-width figure.
const AMBIGUOUS_WIDE: &[char] = &['，', '。', '、'];

/// The ASCII twin of a figure typed with full-width digits, `．`, `－` (or the minus sign `−`)
/// and ideographic spaces; `None` when it has none of them.
fn fold_wide(text: &str) -> Result<Option<String>, NumberError> {
    let trimmed = text.trim();
    let has_digit = trimmed
        .chars()
        .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c));
    if has_digit && let Some(character) = trimmed.chars().find(|c| AMBIGUOUS_WIDE.contains(c)) {
        return Err(NumberError::AmbiguousWide {
            text: trimmed.to_string(),
            character,
        });
    }
    if !trimmed.chars().any(|c| ascii_twin(c).is_some()) {
        return Ok(None);
    }
    Ok(Some(
        trimmed
            .chars()
            .map(|c| ascii_twin(c).unwrap_or(c))
            .collect(),
    ))
}

/// The general path for a figure in ASCII: dashes, other separators, and every error.
fn parse_ascii(text: &str) -> Result<Figure, NumberError> {
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
    let points = unsigned.matches('.').count();
    if points > 1 {
        return Err(NumberError::DecimalPoints {
            text: trimmed.to_string(),
            count: points,
        });
    }
    let stray = unsigned
        .chars()
        .find(|&c| !(c.is_ascii_digit() || c == '.' || is_group_separator(c)));
    if let Some(character) = stray
        && unsigned.chars().any(|c| c.is_ascii_digit())
    {
        return Err(NumberError::StrayCharacter {
            text: trimmed.to_string(),
            character,
        });
    }
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
    let (mantissa, scale) = grouped(digits)?;
    Some((if negative { -mantissa } else { mantissa }, scale))
}

/// [`parse_plain`] of the digits after any sign, in one pass: a first group of digits (of at
/// most three where spaces follow), groups of exactly three after single spaces, then at most
/// one `.` with digits after it. A book's figure is read once, where a reader of ungrouped
/// digits first stopped at its first space and the figure was read again.
fn grouped(digits: &[u8]) -> Option<(i64, u32)> {
    let mut run = DigitRun::default();
    let mut rest = digits;
    let first = run.take(&mut rest);
    if first == 0 {
        return None;
    }
    if rest.first() == Some(&b' ') && first > 3 {
        return None;
    }
    while let [b' ', group @ ..] = rest {
        rest = group;
        if !run.take_three(&mut rest) {
            return None;
        }
    }
    let scale = match rest.split_first() {
        None => 0,
        Some((b'.', fraction)) => {
            rest = fraction;
            let decimals = run.take(&mut rest);
            if decimals == 0 || !rest.is_empty() {
                return None;
            }
            u32::try_from(decimals).ok()?
        }
        Some(_) => return None,
    };
    // At most 18 digits, so the mantissa did not wrap.
    (run.count <= 18).then_some((run.mantissa, scale))
}

/// Digits read so far into a mantissa, however many: past 18 it may have wrapped, and
/// [`grouped`] refuses the figure.
#[derive(Default)]
struct DigitRun {
    mantissa: i64,
    count: usize,
}

impl DigitRun {
    /// Read the digits `rest` starts with, leaving it after them; how many there were.
    fn take(&mut self, rest: &mut &[u8]) -> usize {
        let mut taken = 0;
        while let Some(&byte) = rest.get(taken) {
            let digit = byte.wrapping_sub(b'0');
            if digit > 9 {
                break;
            }
            self.mantissa = self
                .mantissa
                .wrapping_mul(10)
                .wrapping_add(i64::from(digit));
            taken += 1;
        }
        self.count += taken;
        *rest = rest.get(taken..).unwrap_or_default();
        taken
    }

    /// Read the three digits `rest` starts with where no fourth follows, as [`Self::take`]
    /// reads a run of exactly three: whether it did.
    fn take_three(&mut self, rest: &mut &[u8]) -> bool {
        let [a, b, c, after @ ..] = *rest else {
            return false;
        };
        let [a, b, c] = [a, b, c].map(|byte| byte.wrapping_sub(b'0'));
        if a > 9 || b > 9 || c > 9 || after.first().is_some_and(u8::is_ascii_digit) {
            return false;
        }
        let group = i64::from(a) * 100 + i64::from(b) * 10 + i64::from(c);
        self.mantissa = self.mantissa.wrapping_mul(1000).wrapping_add(group);
        self.count += 3;
        *rest = after;
        true
    }
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

/// The digits of an integer part with `separator` between each group of three (none where
/// `separator` is `None`).
pub fn group_thousands(integer: &str, separator: Option<char>) -> String {
    let mut grouped = String::with_capacity(integer.len() + integer.len() / 3);
    for (i, digit) in integer.chars().enumerate() {
        let left = integer.len() - i;
        if let (true, Some(separator)) = (i > 0 && left.is_multiple_of(3), separator) {
            grouped.push(separator);
        }
        grouped.push(digit);
    }
    grouped
}

/// `value` printed the way `printed` prints its figure: the same thousands separator where
/// `printed` groups its digits, and the words around the figure kept (`25.3%` and 25.6 give
/// `25.6%`; `511 112 项` and 511122 give `511 122 项`). `None` where `printed` holds no
/// figure written in ASCII digits: nothing is guessed about a style it does not show.
///
/// ```
/// use crossfoot::number::print_like;
/// use rust_decimal::Decimal;
/// assert_eq!(print_like("37 294.5", Decimal::new(372943, 1)).unwrap(), "37 294.3");
/// assert_eq!(print_like("25.3%", Decimal::new(256, 1)).unwrap(), "25.6%");
/// assert_eq!(print_like("9835.8", Decimal::new(98367, 1)).unwrap(), "9836.7");
/// assert_eq!(print_like("99,840", Decimal::from(99841)), None);
/// ```
///
/// A figure typed in full width is printed in ASCII, as its `data::full_width` warning asks
/// for it to be retyped (`３１．５%` and 31.6 give `31.6%`).
pub fn print_like(printed: &str, value: Decimal) -> Option<String> {
    // Most figures print as plain figures (a record file's every one): the value's own text,
    // as the general reading below gives it, without taking the printing apart.
    if is_plain_figure(printed) {
        return Some(value.to_string());
    }
    if printed
        .chars()
        .any(|c| ('０'..='９').contains(&c) || c == '．')
    {
        return print_like_in_general(&in_ascii(printed), value);
    }
    print_like_in_general(printed, value)
}

/// Whether `printed` is a plain figure and nothing else: ASCII digits, with a minus sign
/// before them and a point between them at most (`-843.2`, `007`).
fn is_plain_figure(printed: &str) -> bool {
    let unsigned = printed.strip_prefix('-').unwrap_or(printed);
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    match unsigned.split_once('.') {
        Some((integer, fraction)) => digits(integer) && digits(fraction),
        None => digits(unsigned),
    }
}

/// [`print_like`] for any printing: the figure found in it, its separator read off it, and
/// the words around it kept.
fn print_like_in_general(printed: &str, value: Decimal) -> Option<String> {
    let chars: Vec<(usize, char)> = printed.char_indices().collect();
    let digit_at = |i: usize| chars.get(i).is_some_and(|(_, c)| c.is_ascii_digit());
    let first = (0..chars.len()).find(|&i| digit_at(i))?;
    let start = match first.checked_sub(1).and_then(|i| chars.get(i)) {
        Some(&(at, '-' | '\u{2212}')) => at,
        _ => chars.get(first)?.0,
    };
    let mut separator = None;
    let mut end = first;
    while let Some(&(_, c)) = chars.get(end) {
        let joins = (is_group_separator(c) || c == '.') && digit_at(end + 1);
        if !(c.is_ascii_digit() || joins) {
            break;
        }
        if joins && c != '.' {
            separator.get_or_insert(c);
        }
        end += 1;
    }
    // `99,840`, `1.882.108`: a style this book does not print, so none is guessed.
    let run = &chars.get(first..end)?;
    let points = run.iter().filter(|(_, c)| *c == '.').count();
    let comma_follows = chars.get(end).is_some_and(|(_, c)| *c == ',') && digit_at(end + 1);
    if points > 1 || comma_follows {
        return None;
    }
    let end = chars.get(end).map_or(printed.len(), |(at, _)| *at);
    let plain = value.to_string();
    let (sign, unsigned) = match plain.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", plain.as_str()),
    };
    let (integer, fraction) = match unsigned.split_once('.') {
        Some((integer, fraction)) => (integer, Some(fraction)),
        None => (unsigned, None),
    };
    let grouped = group_thousands(integer, separator);
    let fraction = fraction.map_or(String::new(), |f| format!(".{f}"));
    Some(format!(
        "{}{sign}{grouped}{fraction}{}",
        printed.get(..start)?,
        printed.get(end..)?
    ))
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
        assert_eq!(
            parse_figure("12a"),
            Err(NumberError::StrayCharacter {
                text: "12a".to_string(),
                character: 'a'
            })
        );
        assert_eq!(
            parse_figure("1.2.3"),
            Err(NumberError::DecimalPoints {
                text: "1.2.3".to_string(),
                count: 2
            })
        );
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

    #[test]
    fn full_width_figures_are_read_as_their_ascii_twins_and_say_so() {
        for (text, read_as) in [
            ("１２３.４", "123.4"),
            ("１２３．４", "123.4"),
            ("－5", "-5"),
            ("−13.9", "-13.9"),
            ("２２\u{3000}３９８.４", "22 398.4"),
        ] {
            let (figure, folded) = read_figure(text).unwrap();
            assert_eq!(folded.as_deref(), Some(read_as), "{text}");
            assert_eq!(figure, parse_figure(read_as).unwrap(), "{text}");
        }
        assert_eq!(
            read_figure("－").unwrap(),
            (Figure::NotApplicable, Some("-".to_string()))
        );
        assert_eq!(read_figure("12.5").unwrap().1, None);
    }

    /// The bytes [`holds_full_width_digits`] looks for are those of the full-width digits,
    /// `．` and `－`, and of no other character, wherever one stands; each is read as the twin
    /// [`ascii_twin`] gives it.
    #[test]
    fn the_bytes_of_full_width_digits_are_those_of_no_other_character() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let full_width = matches!(c, '０'..='９' | '．' | '－');
            let alone = c.to_string();
            let among = format!("a{c}。，");
            assert_eq!(holds_full_width_digits(&alone), full_width, "{c:?}");
            assert_eq!(holds_full_width_digits(&among), full_width, "{c:?}");
            let full_width_form = ('\u{FF00}'..='\u{FFEF}').contains(&c);
            assert_eq!(
                full_width_twin(alone.as_bytes()),
                ascii_twin(c).filter(|_| full_width_form),
                "{c:?}"
            );
        }
        assert!(!holds_full_width_digits("北\u{3000}京"));
        assert!(!holds_full_width_digits("ＧＤＰ"));
        assert_eq!(ascii_twin('Ｇ'), Some('G'));
        assert_eq!(ascii_twin('ｚ'), Some('z'));
    }

    #[test]
    fn a_figure_typed_in_full_width_is_proposed_in_ascii_with_its_words() {
        for (printed, value, proposed) in [
            ("３１．５%", Decimal::new(316, 1), "31.6%"),
            (
                "１１\u{3000}６７３．９亿元",
                Decimal::new(116_738, 1),
                "11 673.8亿元",
            ),
            ("－５", Decimal::from(-6), "-6"),
        ] {
            assert_eq!(
                print_like(printed, value).as_deref(),
                Some(proposed),
                "{printed}"
            );
        }
    }

    #[test]
    fn a_full_width_comma_or_full_stop_among_digits_is_ambiguous() {
        for (text, character) in [("１，２３４", '，'), ("12。5", '。'), ("1，234", '，')]
        {
            assert_eq!(
                read_figure(text),
                Err(NumberError::AmbiguousWide {
                    text: text.to_string(),
                    character
                }),
                "{text}"
            );
        }
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
        /// A plain figure printed like itself is the value's own text, as the general
        /// reading of a printing gives it; anything else is read the general way.
        #[test]
        fn a_plain_printing_prints_as_the_general_reading_prints_it(
            printed in "[-−]?[0-9 ,.%a]{0,9}",
            mantissa in -10_000_000i64..10_000_000,
            scale in 0u32..4,
        ) {
            let value = Decimal::new(mantissa, scale);
            prop_assert_eq!(print_like(&printed, value), print_like_in_general(&printed, value));
        }

        #[test]
        fn fast_and_general_paths_agree(text in "-?[0-9 ]{1,12}(\\.[0-9]{0,3})?") {
            if let Some((mantissa, scale)) = parse_plain(text.as_bytes()) {
                let fast = Decimal::new(mantissa, scale);
                prop_assert_eq!(Some(fast), general(&text));
                prop_assert_eq!(fast.scale(), scale);
            }
        }

        #[test]
        fn grouped_digits_read_as_a_byte_by_byte_reader_reads_them(
            text in "[0-9 .x]{0,24}",
        ) {
            prop_assert_eq!(grouped(text.as_bytes()), byte_by_byte(text.as_bytes()));
        }

        #[test]
        fn grouped_figures_near_the_rules_read_as_a_byte_by_byte_reader_reads_them(
            text in "[0-9]{1,4}( [0-9]{3}){0,3}( {1,2}[0-9]{2,4})?(\\.[0-9]{0,3})?[ .]?",
        ) {
            prop_assert_eq!(grouped(text.as_bytes()), byte_by_byte(text.as_bytes()));
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

    /// The grouped reader as it was written before it read a figure in one pass, a byte at a
    /// time with the rules of the grouping stated as it reads: the reference [`grouped`]
    /// must agree with.
    fn byte_by_byte(digits: &[u8]) -> Option<(i64, u32)> {
        let mut mantissa: i64 = 0;
        let mut count = 0u32;
        let mut scale: Option<u32> = None;
        let mut group = 0u32;
        let mut separators = 0u32;
        let group_ok = |group: u32, separators: u32| separators == 0 || group == 3;
        for &byte in digits {
            match byte {
                b'0'..=b'9' => {
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
        Some((mantissa, scale))
    }
}
