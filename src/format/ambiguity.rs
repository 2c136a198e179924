//! Where no format is declared, figures are read as the bundled book prints them; but a
//! figure such as `608.182` reads two ways (608.182, or 608 182 grouped by points), and `99,840`
//! too (99 840, or 99.840). Neither is guessed: the column is refused, and the help names the
//! setting that decides.
//!
//! A column is ambiguous when some of its figures print exactly three decimals after one to
//! three integer digits (`608.182`, `-1.500`) and none of its figures shows that the point
//! marks decimals (`5.1`, `0.125`, `1234.567`: a point that cannot group thousands).

use rust_decimal::Decimal;

/// Whether a figure, as read with a point for decimals, could also be a whole number whose
/// thousands a point groups: three decimals after one to three integer digits, the first not 0.
pub fn reads_two_ways(value: Decimal) -> bool {
    let magnitude = value.abs();
    value.scale() == 3 && magnitude >= Decimal::ONE && magnitude < Decimal::from(1000)
}

/// Whether a figure shows that the point marks decimals in its column.
pub fn proves_decimal_point(value: Decimal) -> bool {
    value.scale() > 0 && !reads_two_ways(value)
}

/// The indices of a column's figures to refuse: those that read two ways, unless another
/// figure of the column proves the point a decimal mark.
pub fn ambiguous(figures: impl Iterator<Item = (usize, Decimal)> + Clone) -> Vec<usize> {
    if figures.clone().any(|(_, v)| proves_decimal_point(v)) {
        return Vec::new();
    }
    figures
        .filter(|(_, v)| reads_two_ways(*v))
        .map(|(index, _)| index)
        .collect()
}

/// The message for a figure that reads two ways.
pub fn two_ways_message(printed: &str) -> String {
    let grouped = printed.replace('.', " ");
    format!(
        "`{printed}` reads two ways: a point may group thousands ({grouped}) or mark the \
         decimals ({printed}), and tables.toml declares neither"
    )
}

/// What settles it.
pub const TWO_WAYS_HELP: &str = "declare the format in tables.toml: `[format]` with `decimal = \
     \"dot\"` if the point marks decimals, or `thousands = \"dot\"` and `decimal = \"comma\"` if it \
     groups thousands (per table: `format = { … }`; per column: `columns = { \"<label>\" = { … } }`)";

/// The help for a figure with a comma where no format is declared (`99,840`, `12,5`).
pub fn comma_help(printed: &str) -> Option<&'static str> {
    let between_digits = printed
        .as_bytes()
        .windows(3)
        .any(|w| matches!(w, [a, b',', c] if a.is_ascii_digit() && c.is_ascii_digit()));
    between_digits.then_some(
        "tables.toml declares no number format, and a comma may group thousands or mark the \
         decimals: declare `thousands = \"comma\"` (99,840) or `decimal = \"comma\"` (12,5) in \
         its `[format]`, a table's `format = { … }` or a column's",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn three_decimals_after_a_short_integer_read_two_ways() {
        for text in ["608.182", "1.500", "-12.345", "999.999"] {
            assert!(reads_two_ways(d(text)), "{text}");
        }
        for text in ["0.125", "1234.567", "5.1", "5", "12.34", "1000.000"] {
            assert!(!reads_two_ways(d(text)), "{text}");
        }
    }

    #[test]
    fn one_figure_that_cannot_group_thousands_settles_the_column() {
        let column = [d("608.182"), d("12"), d("1.234")];
        let indexed = column.iter().copied().enumerate();
        assert_eq!(ambiguous(indexed), vec![0, 2]);
        let settled = [d("5.1"), d("5.618"), d("10")];
        assert!(ambiguous(settled.iter().copied().enumerate()).is_empty());
        let whole = [d("12"), d("1500")];
        assert!(ambiguous(whole.iter().copied().enumerate()).is_empty());
    }

    #[test]
    fn a_comma_between_digits_gets_the_help_that_names_the_settings() {
        assert!(
            comma_help("99,840")
                .unwrap()
                .contains("thousands = \"comma\"")
        );
        assert!(comma_help("12,5").is_some());
        assert!(comma_help("a, b").is_none());
    }
}
