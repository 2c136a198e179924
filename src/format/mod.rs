//! How a data set prints its figures, as `tables.toml` declares it: the thousands separator,
//! the decimal mark, how negatives print, whether a `%` follows, the symbols that stand for a
//! missing value (and what each means), the flags printed after a figure, and per column
//! whether figures are exact and how many decimals they stand for.
//!
//! Offices print the same number in many ways (`1 234.5`, `1,234.5`, `1.234,5`, `1'234.5`):
//! which one a table uses is a fact about the table, never guessed from a figure. A format is
//! declared once per data set (`[format]`), overridden per table (`format = { … }`) and per
//! column (`columns = { "Employed" = { … } }`); each key overrides the one above it whole.
//! [`ColumnFormat`] is what a reader asks, once per column ([`figure`] reads a cell with it).
//!
//! Where no format is declared, figures are read as the bundled book prints them (a space
//! groups thousands, a point marks the decimals); a column whose figures could as well be
//! grouped by points (`608.182`) or commas (`99,840`) is refused, with a help that names the
//! setting to declare ([`ambiguity`]).

pub mod ambiguity;
pub mod figure;
pub mod print;

use serde::Deserialize;
use std::collections::BTreeMap;

/// The character that groups thousands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Thousands {
    /// `1 234`: a space, a no-break space or a thin space (U+0020, U+00A0, U+2009, U+202F).
    Space,
    /// `1 234` with a thin space only (U+2009, U+202F).
    ThinSpace,
    /// `1,234`.
    Comma,
    /// `1.234`.
    Dot,
    /// `1'234` (or `1’234`).
    Apostrophe,
    /// `1234`: digits are never grouped.
    None,
}

impl Thousands {
    /// Whether `c` groups thousands in this format.
    pub fn separates(self, c: char) -> bool {
        match self {
            Thousands::Space => matches!(c, ' ' | '\u{a0}' | '\u{2009}' | '\u{202f}'),
            Thousands::ThinSpace => matches!(c, '\u{2009}' | '\u{202f}'),
            Thousands::Comma => c == ',',
            Thousands::Dot => c == '.',
            Thousands::Apostrophe => matches!(c, '\'' | '\u{2019}'),
            Thousands::None => false,
        }
    }

    /// The name `tables.toml` gives it.
    pub fn name(self) -> &'static str {
        match self {
            Thousands::Space => "space",
            Thousands::ThinSpace => "thin-space",
            Thousands::Comma => "comma",
            Thousands::Dot => "dot",
            Thousands::Apostrophe => "apostrophe",
            Thousands::None => "none",
        }
    }

    /// The setting that reads `c` as a thousands separator, if any does.
    pub fn for_char(c: char) -> Option<Thousands> {
        [
            Thousands::ThinSpace,
            Thousands::Space,
            Thousands::Comma,
            Thousands::Dot,
            Thousands::Apostrophe,
        ]
        .into_iter()
        .find(|t| t.separates(c))
    }
}

/// The character that marks the decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DecimalMark {
    /// `12.5`.
    Dot,
    /// `12,5`.
    Comma,
}

impl DecimalMark {
    pub fn char(self) -> char {
        match self {
            DecimalMark::Dot => '.',
            DecimalMark::Comma => ',',
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            DecimalMark::Dot => "dot",
            DecimalMark::Comma => "comma",
        }
    }
}

/// How a negative figure prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Negative {
    /// `-12.5` (hyphen-minus).
    #[serde(rename = "-")]
    Hyphen,
    /// `−12.5` (the minus sign U+2212).
    #[serde(rename = "−")]
    Minus,
    /// `(12.5)`, as accountants print it.
    #[serde(rename = "()")]
    Parentheses,
}

impl Negative {
    pub fn name(self) -> &'static str {
        match self {
            Negative::Hyphen => "-",
            Negative::Minus => "−",
            Negative::Parentheses => "()",
        }
    }
}

/// What a symbol printed in place of a figure means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
pub enum Meaning {
    /// Nothing to print here (`—`): checks that need the cell are skipped.
    #[serde(rename = "not applicable", alias = "not-applicable")]
    NotApplicable,
    /// The figure exists but was not available (`..`, `NA`, `:`): checks are skipped and
    /// counted as such.
    #[serde(rename = "not available", alias = "not-available")]
    NotAvailable,
    /// The figure is withheld (`x`, `(D)`): checks are skipped and counted as such.
    #[serde(rename = "confidential")]
    Confidential,
    /// Nil, a true zero (`-` in many offices' tables): read as an exact 0.
    #[serde(rename = "nil", alias = "zero")]
    Nil,
}

impl Meaning {
    pub fn name(self) -> &'static str {
        match self {
            Meaning::NotApplicable => "not applicable",
            Meaning::NotAvailable => "not available",
            Meaning::Confidential => "confidential",
            Meaning::Nil => "nil",
        }
    }
}

/// One level of a declared format, as `tables.toml` writes it: every key optional, each
/// overriding the level above it whole (a table's `symbols` replace the data set's).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormatSpec {
    pub thousands: Option<Thousands>,
    pub decimal: Option<DecimalMark>,
    /// The ways a negative prints; default `["-"]`.
    pub negative: Option<Vec<Negative>>,
    /// Whether a `%` may follow a figure (`12.5%`, `12.5 %`); the figure is read as printed.
    pub percent: Option<bool>,
    /// Symbols printed in place of a figure and what each means (`".." = "not available"`);
    /// default: `—`, `–`, `-`, `——` and an empty cell are not applicable.
    pub symbols: Option<BTreeMap<String, Meaning>>,
    /// Marks printed after a figure, attached or after a space (`p`, `r`, `*`, `¹`): read off
    /// and kept with the cell. Several may follow one figure (`12.3pr`).
    pub flags: Option<Vec<String>>,
    /// Whether the figures are exact (counts) rather than rounded; default: as the unit says.
    pub exact: Option<bool>,
    /// How many decimals the figures stand for, when trailing zeros are not printed (a machine
    /// CSV prints `10.2` for 10.20): `10.2` with `decimals = 2` is read as 10.20.
    pub decimals: Option<u32>,
    /// What one printed unit stands for, a power of ten (`1000`: the column prints thousands,
    /// `8,885` is 8 885 000 rounded to the thousand); default 1.
    #[serde(default, deserialize_with = "scale_number")]
    pub scale: Option<u64>,
}

/// A `scale` as `tables.toml` writes it: a whole number (`1000`), never text (`"thousands"`)
/// or a fraction; an error names what is expected, not a Rust type.
fn scale_number<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<u64>, D::Error> {
    struct ScaleVisitor;
    impl serde::de::Visitor<'_> for ScaleVisitor {
        type Value = u64;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str(
                "a power of ten written as a number, as 1000 for a column printed in thousands",
            )
        }
        fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<u64, E> {
            Ok(value)
        }
        fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<u64, E> {
            u64::try_from(value)
                .map_err(|_| E::invalid_value(serde::de::Unexpected::Signed(value), &self))
        }
    }
    deserializer.deserialize_any(ScaleVisitor).map(Some)
}

impl FormatSpec {
    /// This level over `base`: each key set here wins.
    pub fn over(&self, base: &FormatSpec) -> FormatSpec {
        FormatSpec {
            thousands: self.thousands.or(base.thousands),
            decimal: self.decimal.or(base.decimal),
            negative: self.negative.clone().or_else(|| base.negative.clone()),
            percent: self.percent.or(base.percent),
            symbols: self.symbols.clone().or_else(|| base.symbols.clone()),
            flags: self.flags.clone().or_else(|| base.flags.clone()),
            exact: self.exact.or(base.exact),
            decimals: self.decimals.or(base.decimals),
            scale: self.scale.or(base.scale),
        }
    }

    /// The format a column reads with, or why the declaration cannot be read with.
    pub fn resolve(&self) -> Result<ColumnFormat, String> {
        let thousands = self.thousands.unwrap_or(Thousands::Space);
        let decimal = self.decimal.unwrap_or(DecimalMark::Dot);
        if thousands.separates(decimal.char()) {
            return Err(format!(
                "thousands = \"{}\" and decimal = \"{}\" are the same character: a figure \
                 could not be read",
                thousands.name(),
                decimal.name()
            ));
        }
        if let Some(decimals) = self.decimals
            && decimals > MAX_DECIMALS
        {
            return Err(format!(
                "decimals = {decimals}: at most {MAX_DECIMALS} are held"
            ));
        }
        let power = self.scale.map_or(Ok(0), power_of_ten)?;
        let mut flags = self.flags.clone().unwrap_or_default();
        if let Some(flag) = flags
            .iter()
            .find(|f| f.trim().is_empty() || f.chars().any(|c| c.is_ascii_digit()))
        {
            return Err(format!(
                "the flag `{flag}` is empty or holds a digit: it could not be told from the figure"
            ));
        }
        // The longest first, so that `pr` is read off before `p`.
        flags.sort_by_key(|f| std::cmp::Reverse(f.len()));
        let symbols: Vec<(String, Meaning)> = match &self.symbols {
            Some(symbols) => symbols
                .iter()
                .map(|(symbol, meaning)| (symbol.trim().to_string(), *meaning))
                .collect(),
            None => BOOK_SYMBOLS
                .iter()
                .map(|s| ((*s).to_string(), Meaning::NotApplicable))
                .collect(),
        };
        let negatives = self
            .negative
            .clone()
            .unwrap_or_else(|| vec![Negative::Hyphen]);
        let legacy = thousands == Thousands::Space
            && decimal == DecimalMark::Dot
            && negatives == [Negative::Hyphen]
            && !self.percent.unwrap_or(false)
            && flags.is_empty()
            && self.decimals.is_none()
            && power == 0
            && is_book_symbols(&symbols);
        Ok(ColumnFormat {
            thousands,
            decimal,
            negatives,
            percent: self.percent.unwrap_or(false),
            symbols,
            flags,
            exact: self.exact,
            decimals: self.decimals,
            power,
            declared: self.thousands.is_some() || self.decimal.is_some(),
            legacy,
        })
    }
}

/// The most decimals a declared precision may ask for (a cell holds 16 significant digits).
const MAX_DECIMALS: u32 = 12;

/// The largest power of ten a scale may be (a trillion): a cell's 16 digits times it stay
/// within the 28 digits an exact decimal holds.
pub const MAX_POWER: u32 = 12;

/// The power of ten a declared `scale` is (3 for 1000), or why it is not one.
fn power_of_ten(scale: u64) -> Result<u32, String> {
    let mut power = 0;
    let mut rest = scale;
    while rest >= 10 && rest.is_multiple_of(10) {
        rest /= 10;
        power += 1;
    }
    if rest != 1 {
        return Err(format!(
            "scale = {scale} is not a power of ten: declare what one printed unit stands for, \
             as 1000 for a column printed in thousands or 1000000 in millions"
        ));
    }
    if power > MAX_POWER {
        return Err(format!(
            "scale = {scale}: at most 10^{MAX_POWER} (a trillion) is held"
        ));
    }
    Ok(power)
}

/// What the bundled book prints for "not applicable".
const BOOK_SYMBOLS: &[&str] = &["", "-", "–", "—", "——"];

fn is_book_symbols(symbols: &[(String, Meaning)]) -> bool {
    symbols.len() == BOOK_SYMBOLS.len()
        && symbols.iter().all(|(symbol, meaning)| {
            *meaning == Meaning::NotApplicable && BOOK_SYMBOLS.contains(&symbol.as_str())
        })
}

/// The format one column is read with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnFormat {
    pub thousands: Thousands,
    pub decimal: DecimalMark,
    pub negatives: Vec<Negative>,
    pub percent: bool,
    pub symbols: Vec<(String, Meaning)>,
    /// Longest first.
    pub flags: Vec<String>,
    pub exact: Option<bool>,
    pub decimals: Option<u32>,
    /// The power of ten one printed unit stands for: 3 for a column printed in thousands.
    pub power: u32,
    /// Whether the thousands separator or the decimal mark was declared: if neither was, a
    /// figure that reads two ways is refused ([`ambiguity`]).
    pub declared: bool,
    /// Whether this is exactly how the bundled book prints (and [`crate::number`] reads).
    pub legacy: bool,
}

impl Default for ColumnFormat {
    /// The book's format, declared: what crossfoot read before formats could be declared
    /// (and what a workbook's cells, which are numbers, are read with).
    fn default() -> Self {
        ColumnFormat {
            thousands: Thousands::Space,
            decimal: DecimalMark::Dot,
            negatives: vec![Negative::Hyphen],
            percent: false,
            symbols: BOOK_SYMBOLS
                .iter()
                .map(|s| ((*s).to_string(), Meaning::NotApplicable))
                .collect(),
            flags: Vec::new(),
            exact: None,
            decimals: None,
            power: 0,
            declared: true,
            legacy: true,
        }
    }
}

impl ColumnFormat {
    /// The meaning of a symbol printed in place of a figure, if `text` is one.
    pub fn symbol(&self, text: &str) -> Option<Meaning> {
        self.symbols
            .iter()
            .find(|(symbol, _)| symbol == text)
            .map(|(_, meaning)| *meaning)
    }
}

/// The formats of one table's columns: the table's own, and those declared per column.
#[derive(Debug, Clone, Default)]
pub struct TableFormat {
    pub table: ColumnFormat,
    /// Per column: the name as declared (a label, or a path `2021/Employed`), its format, and
    /// where it is declared (a byte range of `tables.toml`).
    pub columns: Vec<ColumnOverride>,
    /// The manifest that declares the formats, to point at a column format no column takes.
    pub manifest: Option<crate::source::SharedSource>,
}

/// A column's own format, as `columns = { "<name>" = { … } }` declares it.
#[derive(Debug, Clone)]
pub struct ColumnOverride {
    pub name: String,
    pub format: ColumnFormat,
    pub span: std::ops::Range<usize>,
}

impl TableFormat {
    /// No format declared: figures read as the book prints them, ambiguous ones refused.
    pub fn undeclared() -> Self {
        TableFormat {
            table: ColumnFormat {
                declared: false,
                ..ColumnFormat::default()
            },
            columns: Vec::new(),
            manifest: None,
        }
    }

    /// The format of a column named by `path`: the last declared override whose name it
    /// answers to, else the table's.
    pub fn of_column(&self, path: &crate::table::label::LabelPath) -> &ColumnFormat {
        self.columns
            .iter()
            .rev()
            .find(|column| answers(path, &column.name))
            .map_or(&self.table, |column| &column.format)
    }

    /// The declared column names no column of `columns` answers to.
    pub fn unmatched<'a>(
        &'a self,
        columns: &'a [crate::table::label::LabelPath],
    ) -> impl Iterator<Item = &'a ColumnOverride> {
        self.columns
            .iter()
            .filter(|column| !columns.iter().any(|path| answers(path, &column.name)))
    }
}

/// Whether a column path answers to a declared name: `Employed`, or `2021/Employed` (labels in
/// order, as rules name them), or one label as its header prints it, with a unit crossfoot
/// does not know (`value / persons`).
fn answers(path: &crate::table::label::LabelPath, name: &str) -> bool {
    let segments: Vec<String> = name.split('/').map(|s| s.trim().to_string()).collect();
    path.labels().iter().any(|label| label.answers_to(name)) || path.matches_in_order(&segments)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(toml_text: &str) -> FormatSpec {
        toml::from_str(toml_text).unwrap()
    }

    #[test]
    fn a_column_is_named_as_its_header_prints_it() {
        use crate::source::Span;
        use crate::table::label::{Label, LabelPath};
        let path = LabelPath::new([Label::new("value / persons", Span::new(0, 0))]);
        assert!(answers(&path, "value / persons"));
        assert!(answers(&path, "value/persons"));
        assert!(!answers(&path, "value / euros"));
        let nested = LabelPath::new([
            Label::new("2021", Span::new(0, 0)),
            Label::new("Employed", Span::new(0, 0)),
        ]);
        assert!(answers(&nested, "2021/Employed"));
        assert!(answers(&nested, "Employed"));
    }

    #[test]
    fn the_default_is_the_books_format() {
        let format = FormatSpec::default().resolve().unwrap();
        assert!(format.legacy);
        assert!(!format.declared);
        assert_eq!(format.symbol("—"), Some(Meaning::NotApplicable));
        assert_eq!(format.symbol(""), Some(Meaning::NotApplicable));
        assert!(ColumnFormat::default().declared);
    }

    #[test]
    fn the_books_declaration_is_the_legacy_reading() {
        let format = spec(
            r#"thousands = "space"
               decimal = "dot"
               negative = ["-"]
               symbols = { "" = "not applicable", "-" = "not applicable", "–" = "not applicable", "—" = "not applicable", "——" = "not applicable" }"#,
        )
        .resolve()
        .unwrap();
        assert!(format.legacy && format.declared);
    }

    #[test]
    fn each_level_overrides_the_one_above_key_by_key() {
        let data_set = spec(
            r#"thousands = "comma"
                               symbols = { ".." = "not available" }"#,
        );
        let table = spec(
            r#"decimal = "dot"
                            symbols = { "x" = "confidential" }"#,
        );
        let column = spec("exact = true\ndecimals = 0");
        let merged = column.over(&table.over(&data_set)).resolve().unwrap();
        assert_eq!(merged.thousands, Thousands::Comma);
        assert_eq!(merged.symbol("x"), Some(Meaning::Confidential));
        assert_eq!(merged.symbol(".."), None, "symbols are replaced whole");
        assert_eq!((merged.exact, merged.decimals), (Some(true), Some(0)));
        assert!(!merged.legacy);
    }

    #[test]
    fn a_format_that_cannot_be_read_with_is_refused() {
        let same = spec(
            r#"thousands = "dot"
                           decimal = "dot""#,
        );
        assert!(same.resolve().unwrap_err().contains("same character"));
        let digit_flag = spec(r#"flags = ["1"]"#);
        assert!(digit_flag.resolve().unwrap_err().contains("digit"));
        assert!(spec("decimals = 40").resolve().is_err());
        assert!(toml::from_str::<FormatSpec>("thousand = \"comma\"").is_err());
        assert!(toml::from_str::<FormatSpec>("thousands = \"semicolon\"").is_err());
    }

    #[test]
    fn a_scale_is_a_power_of_ten_and_overrides_as_the_other_keys() {
        let table = spec("scale = 1000");
        let column = spec("scale = 1");
        assert_eq!(table.resolve().unwrap().power, 3);
        assert!(!table.resolve().unwrap().legacy);
        assert_eq!(column.over(&table).resolve().unwrap().power, 0);
        assert_eq!(
            spec("exact = true").over(&table).resolve().unwrap().power,
            3
        );
        assert_eq!(spec("scale = 1000000000000").resolve().unwrap().power, 12);
        for refused in [
            "scale = 0",
            "scale = 1500",
            "scale = 2",
            "scale = 10000000000000",
        ] {
            assert!(spec(refused).resolve().is_err(), "{refused}");
        }
        for unreadable in ["scale = -1000", "scale = 0.001", "scale = \"thousands\""] {
            assert!(
                toml::from_str::<FormatSpec>(unreadable).is_err(),
                "{unreadable}"
            );
        }
    }

    #[test]
    fn meanings_read_with_spaces_or_hyphens() {
        let format = spec(r#"symbols = { ".." = "not-available", "x" = "confidential", "-" = "nil", "NA" = "not available" }"#)
            .resolve()
            .unwrap();
        assert_eq!(format.symbol(".."), Some(Meaning::NotAvailable));
        assert_eq!(format.symbol("NA"), Some(Meaning::NotAvailable));
        assert_eq!(format.symbol("-"), Some(Meaning::Nil));
    }
}
