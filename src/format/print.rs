//! A value printed as a column's declared format prints its figures: what blame proposes for a
//! figure reads as the table would print it (`8,884` where commas group thousands, `423.107`
//! and `6,7037` where a dot groups them and a comma marks decimals, `(1,234)` for a negative
//! printed in parentheses). Where the format leaves a choice (which space groups thousands, a
//! figure of four digits grouped or not, which sign a negative takes) the printed figure's own
//! choice is followed.

use super::{ColumnFormat, Negative, Thousands};
use rust_decimal::Decimal;

/// `value` as `format` prints it, in the style of `printed` (the cell's figure as printed);
/// `None` for a column printed in thousands (a figure's printing is not its value there) or a
/// printed text that holds no figure to follow.
///
/// ```
/// use crossfoot::format::{FormatSpec, print::print_declared};
/// let format = |toml: &str| toml::from_str::<FormatSpec>(toml).unwrap().resolve().unwrap();
/// let us = format(r#"thousands = "comma"
/// negative = ["-", "()"]"#);
/// assert_eq!(print_declared(&us, "8,885", "8884".parse().unwrap()).unwrap(), "8,884");
/// assert_eq!(print_declared(&us, "(1,234)", "-1233".parse().unwrap()).unwrap(), "(1,233)");
/// let es = format(r#"thousands = "dot"
/// decimal = "comma""#);
/// assert_eq!(print_declared(&es, "423.109", "423107".parse().unwrap()).unwrap(), "423.107");
/// assert_eq!(print_declared(&es, "-5,7757", "-5.7756".parse().unwrap()).unwrap(), "-5,7756");
/// ```
pub fn print_declared(format: &ColumnFormat, printed: &str, value: Decimal) -> Option<String> {
    if format.power > 0 {
        return None;
    }
    let printed = printed.trim();
    if !printed.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let plain = value.abs().to_string();
    let (integer, fraction) = plain.split_once('.').unwrap_or((plain.as_str(), ""));
    let separator = group_separator(format, printed);
    let mut number = crate::number::group_thousands(integer, separator);
    if !fraction.is_empty() {
        number.push(format.decimal.char());
        number.push_str(fraction);
    }
    let percent = if format.percent {
        printed
            .find('%')
            .and_then(|at| printed.get(..at))
            .map(|before| {
                let space = before.chars().last().filter(|c| c.is_whitespace());
                format!("{}%", space.map(String::from).unwrap_or_default())
            })
            .unwrap_or_default()
    } else {
        String::new()
    };
    if !value.is_sign_negative() || value.is_zero() {
        return Some(format!("{number}{percent}"));
    }
    Some(match negative_style(format, printed) {
        // `(14.1%)` keeps its `%` inside the parentheses, `(14.1)%` outside.
        Negative::Parentheses
            if printed
                .strip_suffix(')')
                .is_some_and(|inside| inside.trim_end().ends_with('%')) =>
        {
            format!("({number}{percent})")
        }
        Negative::Parentheses => format!("({number}){percent}"),
        Negative::Minus => format!("\u{2212}{number}{percent}"),
        Negative::Hyphen => format!("-{number}{percent}"),
    })
}

/// The character that groups thousands in a proposal: the printed figure's own where it shows
/// one, the format's otherwise; none where the format groups none, or where the printed figure
/// has four or more digits before its decimals and groups none of them (an office that leaves
/// `8871` ungrouped).
fn group_separator(format: &ColumnFormat, printed: &str) -> Option<char> {
    let decimal = format.decimal.char();
    let integer = printed.split(decimal).next().unwrap_or(printed);
    let shown = integer.chars().find(|&c| format.thousands.separates(c));
    let integer_digits = integer.chars().filter(char::is_ascii_digit).count();
    if shown.is_none() && integer_digits >= 4 {
        return None;
    }
    shown.or(match format.thousands {
        Thousands::Space => Some(' '),
        Thousands::ThinSpace => Some('\u{2009}'),
        Thousands::Comma => Some(','),
        Thousands::Dot => Some('.'),
        Thousands::Apostrophe => Some('\''),
        Thousands::None => None,
    })
}

/// Whether a printing shows a negative figure: in parentheses or after a minus sign.
pub fn prints_negative(printed: &str) -> bool {
    let printed = printed.trim_start();
    printed.starts_with('(') || printed.starts_with('-') || printed.starts_with('\u{2212}')
}

/// The sign of a negative proposal: the printed figure's where it is negative, else the first
/// the format declares.
fn negative_style(format: &ColumnFormat, printed: &str) -> Negative {
    let declared = |n: Negative| format.negatives.contains(&n);
    if printed.starts_with('(') && declared(Negative::Parentheses) {
        Negative::Parentheses
    } else if printed.starts_with('\u{2212}') && declared(Negative::Minus) {
        Negative::Minus
    } else if printed.starts_with('-') && declared(Negative::Hyphen) {
        Negative::Hyphen
    } else {
        format
            .negatives
            .first()
            .copied()
            .unwrap_or(Negative::Hyphen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::FormatSpec;

    fn format(toml: &str) -> ColumnFormat {
        toml::from_str::<FormatSpec>(toml)
            .unwrap()
            .resolve()
            .unwrap()
    }

    #[test]
    fn a_proposal_follows_the_declared_grouping_decimal_mark_and_sign() {
        let bls = format(r#"thousands = "comma""#);
        assert_eq!(
            print_declared(&bls, "62,170", Decimal::from(62172)).unwrap(),
            "62,172"
        );
        assert_eq!(
            print_declared(&bls, "59.2", "59.3".parse().unwrap()).unwrap(),
            "59.3"
        );
        let ine = format("thousands = \"dot\"\ndecimal = \"comma\"");
        assert_eq!(
            print_declared(&ine, "1.882.108", Decimal::from(1_882_110)).unwrap(),
            "1.882.110"
        );
        assert_eq!(
            print_declared(&ine, "12", Decimal::from(1234)).unwrap(),
            "1.234"
        );
        let accounts = format("thousands = \"comma\"\nnegative = [\"-\", \"()\"]");
        // A positive printing, a negative proposal: the first declared sign.
        assert_eq!(
            print_declared(&accounts, "12", Decimal::from(-1234)).unwrap(),
            "-1,234"
        );
        assert_eq!(
            print_declared(&accounts, "(12)", Decimal::from(-1234)).unwrap(),
            "(1,234)"
        );
        let percent = format("percent = true\nthousands = \"none\"");
        assert_eq!(
            print_declared(&percent, "12.5 %", "12.4".parse().unwrap()).unwrap(),
            "12.4 %"
        );
        let falls = format("percent = true\nnegative = [\"()\"]");
        let proposal = |printed| print_declared(&falls, printed, "-14.2".parse().unwrap());
        assert_eq!(proposal("(14.1%)").unwrap(), "(14.2%)");
        assert_eq!(proposal("(14.1 %)").unwrap(), "(14.2 %)");
        assert_eq!(proposal("(14.1)%").unwrap(), "(14.2)%");
    }

    #[test]
    fn an_ungrouped_printing_of_four_digits_or_more_stays_ungrouped() {
        let space = format(r#"thousands = "space""#);
        assert_eq!(
            print_declared(&space, "8871", Decimal::from(8872)).unwrap(),
            "8872"
        );
        assert_eq!(
            print_declared(&space, "12", Decimal::from(12345)).unwrap(),
            "12 345"
        );
    }

    #[test]
    fn a_column_in_thousands_or_a_printing_without_digits_is_left_to_the_caller() {
        let thousands = format("thousands = \"comma\"\nscale = 1000");
        assert_eq!(
            print_declared(&thousands, "8,885", Decimal::from(8884)),
            None
        );
        let plain = format(r#"thousands = "comma""#);
        assert_eq!(print_declared(&plain, "..", Decimal::from(1)), None);
    }
}
