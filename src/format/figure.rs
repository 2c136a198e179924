//! One printed cell → an exact figure, a missing-value symbol, or why the declared format
//! cannot read it.
//!
//! A cell is read in this order: a declared symbol (`..`, `x`, `(D)`) as a whole; flags read off
//! its end (`12.3p`, `1 234 b`); a `%` where declared; the sign (`-`, `−`, `(…)` as declared,
//! `+`); then digits, grouped by the declared thousands separator in threes, with at most one
//! declared decimal mark. Nothing is guessed: a character the format does not declare is an
//! error whose help names the setting that would read it.

use super::{ColumnFormat, Meaning, Negative, Thousands};
use rust_decimal::Decimal;

/// What a cell holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// A printed figure, its scale the decimals it stands for.
    Value(Decimal),
    /// A symbol printed in place of a figure.
    Absent(Meaning),
}

/// A cell read: what it holds, and the flags printed after its figure (`p`, `r*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read {
    pub reading: Reading,
    pub flag: Option<String>,
}

/// Why a cell is not a figure in its declared format, and what would read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unread {
    pub message: String,
    pub help: String,
}

/// Read `text` with a declared format.
///
/// ```
/// use crossfoot::format::{FormatSpec, figure::{read, Reading}};
/// let format: FormatSpec = toml::from_str(r#"thousands = "comma"
/// negative = ["-", "()"]
/// flags = ["p"]"#).unwrap();
/// let format = format.resolve().unwrap();
/// let cell = read(&format, "(1,234.5)p").unwrap();
/// assert_eq!(cell.reading, Reading::Value("-1234.5".parse().unwrap()));
/// assert_eq!(cell.flag.as_deref(), Some("p"));
/// ```
pub fn read(format: &ColumnFormat, text: &str) -> Result<Read, Unread> {
    let trimmed = text.trim();
    if let Some(meaning) = format.symbol(trimmed) {
        return Ok(Read {
            reading: Reading::Absent(meaning),
            flag: None,
        });
    }
    let (body, flag) = read_off_flags(format, trimmed);
    // A symbol may carry a flag too (`..p`).
    if flag.is_some()
        && let Some(meaning) = format.symbol(body)
    {
        return Ok(Read {
            reading: Reading::Absent(meaning),
            flag,
        });
    }
    let (body, outer_percent) = without_percent(format, body, trimmed)?;
    let (negative, digits) = sign(format, body, trimmed)?;
    // A negative percentage in parentheses may hold its `%` inside them: `(14.1%)`.
    let digits = if outer_percent {
        digits
    } else {
        without_percent(format, digits, trimmed)?.0.trim()
    };
    let value = magnitude(format, digits, trimmed)?;
    let value = if negative { -value } else { value };
    let value = with_declared_decimals(format, value, trimmed)?;
    Ok(Read {
        reading: Reading::Value(value),
        flag,
    })
}

/// The text without a `%` printed after it, where the format declares one, and whether it had
/// one; a `%` the format does not declare is an error naming the setting.
fn without_percent<'t>(
    format: &ColumnFormat,
    text: &'t str,
    whole: &str,
) -> Result<(&'t str, bool), Unread> {
    match text.strip_suffix('%') {
        Some(rest) if format.percent => Ok((rest.trim_end(), true)),
        Some(_) => Err(unread(
            whole,
            "a `%` follows the figure".to_string(),
            "declare `percent = true` in the format of this data set, table or column".to_string(),
        )),
        None => Ok((text, false)),
    }
}

fn unread(text: &str, why: String, help: String) -> Unread {
    Unread {
        message: format!("`{text}` is not a figure in the declared format: {why}"),
        help,
    }
}

/// The text without the declared flags printed after it (attached or after a space), and the
/// flags as printed (`pr` for `12.3pr`; `None` without any).
fn read_off_flags<'t>(format: &ColumnFormat, text: &'t str) -> (&'t str, Option<String>) {
    let mut body = text;
    let mut read_off: Vec<&str> = Vec::new();
    while let Some(flag) = format.flags.iter().find(|flag| {
        body.strip_suffix(flag.as_str())
            .is_some_and(|rest| !rest.trim().is_empty())
    }) {
        body = body.strip_suffix(flag.as_str()).unwrap_or(body).trim_end();
        read_off.push(flag);
    }
    if read_off.is_empty() {
        return (body, None);
    }
    read_off.reverse();
    (body, Some(read_off.concat()))
}

/// Whether the figure is negative, and its digits without the sign.
fn sign<'t>(format: &ColumnFormat, body: &'t str, whole: &str) -> Result<(bool, &'t str), Unread> {
    let declares = |negative: Negative| format.negatives.contains(&negative);
    let undeclared = |printed: &str, negative: Negative| {
        let declared: Vec<String> = format
            .negatives
            .iter()
            .map(|n| format!("\"{}\"", n.name()))
            .collect();
        unread(
            whole,
            format!("a negative printed as {printed}"),
            format!(
                "the format declares negative = [{}]; add \"{}\" to `negative` if this table \
                 prints negatives so",
                declared.join(", "),
                negative.name()
            ),
        )
    };
    if let Some(inner) = body.strip_prefix('(').and_then(|b| b.strip_suffix(')')) {
        return if declares(Negative::Parentheses) {
            Ok((true, inner.trim()))
        } else {
            Err(undeclared("`(…)`", Negative::Parentheses))
        };
    }
    if let Some(rest) = body.strip_prefix('-') {
        return if declares(Negative::Hyphen) {
            Ok((true, rest))
        } else {
            Err(undeclared("`-`", Negative::Hyphen))
        };
    }
    if let Some(rest) = body.strip_prefix('\u{2212}') {
        return if declares(Negative::Minus) {
            Ok((true, rest))
        } else {
            Err(undeclared("`−`", Negative::Minus))
        };
    }
    Ok((false, body.strip_prefix('+').unwrap_or(body)))
}

/// The unsigned value of digits grouped and marked as the format declares.
fn magnitude(format: &ColumnFormat, digits: &str, whole: &str) -> Result<Decimal, Unread> {
    let mark = format.decimal.char();
    let mut value: i128 = 0;
    let mut count = 0usize;
    let mut scale: Option<u32> = None;
    // Digits in each group of the integer part, when a separator groups them.
    let mut groups: Vec<usize> = vec![0];
    for c in digits.chars() {
        if let Some(digit) = c.to_digit(10).filter(|_| c.is_ascii_digit()) {
            count += 1;
            if count > MAX_DIGITS {
                return Err(unread(
                    whole,
                    "more digits than can be held exactly".to_string(),
                    "a figure holds at most 28 digits".to_string(),
                ));
            }
            value = value * 10 + i128::from(digit);
            match scale.as_mut() {
                Some(scale) => *scale += 1,
                None => {
                    if let Some(last) = groups.last_mut() {
                        *last += 1;
                    }
                }
            }
        } else if c == mark && scale.is_none() {
            scale = Some(0);
        } else if format.thousands.separates(c) && scale.is_none() {
            groups.push(0);
        } else {
            return Err(stray(format, c, whole, scale.is_some()));
        }
    }
    if count == 0 || scale == Some(0) {
        return Err(unread(
            whole,
            "no digits where a figure is expected".to_string(),
            declare_a_symbol(format, whole),
        ));
    }
    let grouped_in_threes = groups.len() == 1
        || groups.iter().enumerate().all(|(index, &digits)| {
            if index == 0 {
                (1..=3).contains(&digits)
            } else {
                digits == 3
            }
        });
    if !grouped_in_threes {
        return Err(unread(
            whole,
            format!(
                "thousands = \"{}\" groups digits in threes, and these are not",
                format.thousands.name()
            ),
            separator_help(format),
        ));
    }
    Decimal::try_from_i128_with_scale(value, scale.unwrap_or(0)).map_err(|_| {
        unread(
            whole,
            "more digits than can be held exactly".to_string(),
            "a figure holds at most 28 digits".to_string(),
        )
    })
}

const MAX_DIGITS: usize = 28;

/// A character the format does not read: a second decimal mark, a separator the format does
/// not declare, a letter that may be an undeclared flag or symbol.
fn stray(format: &ColumnFormat, c: char, whole: &str, after_mark: bool) -> Unread {
    if c == format.decimal.char() || (after_mark && format.thousands.separates(c)) {
        return unread(
            whole,
            format!("`{c}` follows the decimal mark `{}`", format.decimal.char()),
            separator_help(format),
        );
    }
    if c == ',' || c == '.' || Thousands::for_char(c).is_some() {
        return unread(
            whole,
            format!("`{c}` is neither the declared thousands separator nor the decimal mark"),
            separator_help(format),
        );
    }
    let help = if !whole.chars().any(|d| d.is_ascii_digit()) {
        declare_a_symbol(format, whole)
    } else if whole.trim_start_matches(['-', '+', '(']).starts_with(c) {
        let moved = whole.replacen(c, "", 1);
        format!(
            "a mark before a figure is not read: correct the figure, or print the mark after it \
             (`{}{c}`) and declare it in `flags`{WHERE_TO_DECLARE}",
            moved.trim()
        )
    } else if among_digits(whole, c) {
        let typed_for_a_digit = if c.is_alphabetic() {
            " (a letter typed for a digit?)"
        } else {
            ""
        };
        format!("`{c}` stands among the figure's digits{typed_for_a_digit}: correct the figure")
    } else {
        format!(
            "if `{c}` marks the figure (a footnote, or a flag such as `p` for provisional), \
             declare it in `flags`{WHERE_TO_DECLARE}: it is then read off the figure and kept \
             with its cell; if not, correct the figure"
        )
    };
    unread(whole, format!("`{c}` is not part of a figure"), help)
}

/// Whether a digit follows the first `c` in `whole`: a character among the digits is a slip,
/// where one after them may be a flag.
fn among_digits(whole: &str, c: char) -> bool {
    whole
        .split_once(c)
        .is_some_and(|(_, after)| after.chars().any(|d| d.is_ascii_digit()))
}

/// Where a format's keys are declared, as a help says it.
const WHERE_TO_DECLARE: &str =
    " (tables.toml: `[format]` for every table, a table's `format = { … }`, or a column's)";

fn separator_help(format: &ColumnFormat) -> String {
    let reading = if format.declared {
        "the format declares"
    } else {
        "no format is declared, so figures are read as the bundled book prints them:"
    };
    format!(
        "{reading} thousands = \"{}\", decimal = \"{}\"; declare the table's own \
         (thousands: space, thin-space, comma, dot, apostrophe or none; decimal: dot or comma) \
         in tables.toml, or correct the figure",
        format.thousands.name(),
        format.decimal.name()
    )
}

/// The help for a cell with no figure in it: declare it a symbol, beside the symbols already
/// read, since declared `symbols` replace the ones above them whole.
fn declare_a_symbol(format: &ColumnFormat, whole: &str) -> String {
    let mut symbols = vec![format!("\"{whole}\" = \"not available\"")];
    symbols.extend(
        format
            .symbols
            .iter()
            .map(|(symbol, meaning)| format!("\"{symbol}\" = \"{}\"", meaning.name())),
    );
    format!(
        "if `{whole}` stands for a missing value, declare it in `symbols`{WHERE_TO_DECLARE}, \
         with its meaning (not applicable, not available, confidential or nil) and beside the \
         symbols already read, which a declaration replaces: `symbols = {{ {} }}`",
        symbols.join(", ")
    )
}

/// The figure at the declared precision: `10.2` with `decimals = 2` is 10.20; more decimals
/// printed than declared is an error.
fn with_declared_decimals(
    format: &ColumnFormat,
    value: Decimal,
    whole: &str,
) -> Result<Decimal, Unread> {
    let Some(decimals) = format.decimals else {
        return Ok(value);
    };
    if value.scale() > decimals {
        return Err(unread(
            whole,
            format!(
                "it prints {} decimals, and the column declares decimals = {decimals}",
                value.scale()
            ),
            "raise `decimals` for this column, or correct the figure".to_string(),
        ));
    }
    let mut value = value;
    value.rescale(decimals);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::FormatSpec;

    fn format(toml_text: &str) -> ColumnFormat {
        toml::from_str::<FormatSpec>(toml_text)
            .unwrap()
            .resolve()
            .unwrap()
    }

    fn value(format: &ColumnFormat, text: &str) -> String {
        match read(format, text) {
            Ok(Read {
                reading: Reading::Value(v),
                ..
            }) => v.to_string(),
            other => panic!("{text}: {other:?}"),
        }
    }

    fn help(format: &ColumnFormat, text: &str) -> String {
        read(format, text)
            .err()
            .map(|unread| unread.help)
            .unwrap_or_default()
    }

    #[test]
    fn a_stray_character_is_named_a_flag_a_symbol_or_a_slip_by_where_it_stands() {
        let comma = format("thousands = \"comma\"\nsymbols = { \"..\" = \"not available\" }");
        assert!(help(&comma, "1,234e").contains("if `e` marks the figure"));
        assert!(help(&comma, "1,2O4").contains("`O` stands among the figure's digits"));
        assert!(help(&comma, "1,2/4").contains("`/` stands among the figure's digits: correct"));
        assert!(help(&comma, "*1,234").contains("print the mark after it (`1,234*`)"));
        // A symbol declared beside the ones already declared, which it would replace.
        assert!(
            help(&comma, "n/a").contains(
                "`symbols = { \"n/a\" = \"not available\", \"..\" = \"not available\" }`"
            )
        );
    }

    #[test]
    fn every_thousands_separator_reads_as_declared() {
        for (setting, text) in [
            ("space", "1 234 567.5"),
            ("space", "1\u{a0}234\u{a0}567.5"),
            ("thin-space", "1\u{2009}234\u{2009}567.5"),
            ("comma", "1,234,567.5"),
            ("apostrophe", "1'234'567.5"),
            ("apostrophe", "1\u{2019}234\u{2019}567.5"),
            ("none", "1234567.5"),
        ] {
            let f = format(&format!("thousands = \"{setting}\""));
            assert_eq!(value(&f, text), "1234567.5", "{setting}: {text}");
        }
        let dot = format("thousands = \"dot\"\ndecimal = \"comma\"");
        assert_eq!(value(&dot, "1.234.567,5"), "1234567.5");
        assert_eq!(value(&dot, "608.182"), "608182");
    }

    #[test]
    fn a_separator_the_format_does_not_declare_is_refused_with_the_setting_named() {
        let space = format("thousands = \"space\"");
        let error = read(&space, "99,840").unwrap_err();
        assert!(error.message.contains("`,`"), "{error:?}");
        assert!(error.help.contains("thousands = \"space\""), "{error:?}");
        let none = format("thousands = \"none\"");
        assert!(read(&none, "1 234").is_err());
        let comma = format("thousands = \"comma\"");
        assert!(read(&comma, "1,23").unwrap_err().message.contains("threes"));
        assert!(read(&comma, "1234,567").is_err());
        assert!(
            read(&comma, "1.2.3")
                .unwrap_err()
                .message
                .contains("follows")
        );
    }

    #[test]
    fn the_decimal_mark_reads_as_declared_and_keeps_the_printed_precision() {
        let comma = format("thousands = \"space\"\ndecimal = \"comma\"");
        let read_value = |text| match read(&comma, text).unwrap().reading {
            Reading::Value(v) => v,
            Reading::Absent(m) => panic!("{m:?}"),
        };
        assert_eq!(read_value("12,50").to_string(), "12.50");
        assert_eq!(read_value("12,50").scale(), 2);
        assert_eq!(read_value("1 234,5").to_string(), "1234.5");
        assert!(read(&comma, "12.5").is_err());
    }

    #[test]
    fn negatives_print_as_declared() {
        let all = format("negative = [\"-\", \"−\", \"()\"]");
        assert_eq!(value(&all, "-12.5"), "-12.5");
        assert_eq!(value(&all, "\u{2212}12.5"), "-12.5");
        assert_eq!(value(&all, "(12.5)"), "-12.5");
        assert_eq!(value(&all, "( 1 234 )"), "-1234");
        assert_eq!(value(&all, "+1.2"), "1.2");
        let hyphen = format("thousands = \"comma\"");
        let error = read(&hyphen, "(123)").unwrap_err();
        assert!(error.help.contains("\"()\""), "{error:?}");
        assert!(read(&hyphen, "\u{2212}5").is_err());
        let parentheses = format("negative = [\"()\"]");
        assert!(read(&parentheses, "-5").unwrap_err().help.contains("\"-\""));
    }

    #[test]
    fn a_percent_sign_is_read_only_where_declared() {
        let percent = format("percent = true");
        assert_eq!(value(&percent, "12.5%"), "12.5");
        assert_eq!(value(&percent, "-3 %"), "-3");
        let plain = format("thousands = \"space\"");
        assert!(
            read(&plain, "12%")
                .unwrap_err()
                .help
                .contains("percent = true")
        );
    }

    #[test]
    fn a_negative_percentage_reads_with_its_sign_inside_or_outside_the_parentheses() {
        // A company's operating results print a fall as `(14.1%)`, the `%` inside.
        let percent = format("negative = [\"()\"]\npercent = true");
        assert_eq!(value(&percent, "(14.1%)"), "-14.1");
        assert_eq!(value(&percent, "( 14.1 % )"), "-14.1");
        assert_eq!(value(&percent, "(14.1)%"), "-14.1");
        assert!(read(&percent, "(14.1%)%").is_err());
        assert!(read(&percent, "14.1%)").is_err());
        let plain = format("negative = [\"()\"]");
        assert!(
            read(&plain, "(14.1%)")
                .unwrap_err()
                .help
                .contains("percent = true")
        );
    }

    #[test]
    fn symbols_are_read_with_their_meaning() {
        let f = format(
            r#"symbols = { ".." = "not available", "x" = "confidential", ":" = "not available", "…" = "not available", "NA" = "not available", "(NA)" = "not available", "(X)" = "not applicable", "(D)" = "confidential", "n.a." = "not available", "-" = "nil", "" = "not applicable" }"#,
        );
        for (text, meaning) in [
            ("..", Meaning::NotAvailable),
            ("x", Meaning::Confidential),
            (":", Meaning::NotAvailable),
            ("…", Meaning::NotAvailable),
            ("NA", Meaning::NotAvailable),
            ("(NA)", Meaning::NotAvailable),
            ("(X)", Meaning::NotApplicable),
            ("(D)", Meaning::Confidential),
            (" n.a. ", Meaning::NotAvailable),
            ("-", Meaning::Nil),
            ("", Meaning::NotApplicable),
        ] {
            assert_eq!(
                read(&f, text).unwrap().reading,
                Reading::Absent(meaning),
                "{text}"
            );
        }
        // A symbol not declared is not a figure, and the help says how to declare it.
        let error = read(&f, "—").unwrap_err();
        assert!(error.help.contains("symbols"), "{error:?}");
        let book = format("thousands = \"comma\"");
        assert!(read(&book, "..").is_err());
        assert!(read(&book, "x").unwrap_err().help.contains("symbols"));
    }

    #[test]
    fn flags_are_read_off_attached_or_after_a_space() {
        let f = format(r#"flags = ["p", "r", "b", "*", "¹", "²"]"#);
        for (text, figure, flag) in [
            ("12.3p", "12.3", "p"),
            ("12.3r", "12.3", "r"),
            ("1 234 b", "1234", "b"),
            ("12.3*", "12.3", "*"),
            ("12.3¹", "12.3", "¹"),
            ("12.3pr", "12.3", "pr"),
            ("12.3 ¹²", "12.3", "¹²"),
        ] {
            let cell = read(&f, text).unwrap();
            assert_eq!(
                cell.reading,
                Reading::Value(figure.parse().unwrap()),
                "{text}"
            );
            assert_eq!(cell.flag.as_deref(), Some(flag), "{text}");
        }
        assert_eq!(read(&f, "12.3").unwrap().flag, None);
        // A flag alone is not a figure.
        assert!(read(&f, "p").is_err());
        // An undeclared flag is refused and the help names `flags`.
        assert!(read(&f, "12.3e").unwrap_err().help.contains("flags"));
    }

    #[test]
    fn declared_decimals_set_the_precision() {
        let f = format("decimals = 2");
        let cell = read(&f, "10.2").unwrap();
        let Reading::Value(v) = cell.reading else {
            panic!()
        };
        assert_eq!((v.to_string(), v.scale()), ("10.20".to_string(), 2));
        assert_eq!(value(&f, "-16"), "-16.00");
        let error = read(&f, "10.234").unwrap_err();
        assert!(error.message.contains("decimals = 2"), "{error:?}");
    }

    #[test]
    fn what_is_not_a_figure_is_refused() {
        let f = format("thousands = \"comma\"");
        for text in ["abc", "1.", "--", "1,2,3", "12a"] {
            assert!(read(&f, text).is_err(), "{text}");
        }
        assert!(read(&f, "1234567890123456789012345678901").is_err());
    }
}
