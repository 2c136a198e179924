//! The shape of a table's file as an office exports it: the field separator (a comma, a
//! semicolon where the comma marks decimals, a tab), lines of metadata above the header, right
//! below it (a workbook's unit, series type and series ID rows) and notes below the table, and
//! the file's encoding when it is not UTF-8 (`windows-1252`,
//! `latin1`), all declared in the table's entry of `tables.toml`.

use serde::Deserialize;

/// The character between a record's fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Delimiter {
    Comma,
    Semicolon,
    Tab,
}

impl Delimiter {
    pub fn byte(self) -> u8 {
        match self {
            Delimiter::Comma => b',',
            Delimiter::Semicolon => b';',
            Delimiter::Tab => b'\t',
        }
    }
}

/// How a table's file is laid out around the grid of its table.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// The byte between fields: `,` unless declared.
    pub delimiter: u8,
    /// Records above the header to leave out (a title, a source line): lines that hold
    /// something, counted from the top.
    pub skip_rows: usize,
    /// Records right below the header rows to leave out (the unit, series type, frequency and
    /// series ID rows an Australian Bureau of Statistics time-series workbook prints under
    /// each series' name), counted from the first record after the header.
    pub skip_below_header: usize,
    /// The header rows, which `skip_below_header` counts from.
    pub header_rows: usize,
    /// Records below the table to leave out (notes, footnotes, a source line), counted from
    /// the bottom.
    pub skip_footer: usize,
    /// The encoding of the file when it is not UTF-8 (and has no byte-order mark).
    pub encoding: Option<&'static encoding_rs::Encoding>,
}

impl Default for Shape {
    fn default() -> Self {
        Shape {
            delimiter: b',',
            skip_rows: 0,
            skip_below_header: 0,
            header_rows: 0,
            skip_footer: 0,
            encoding: None,
        }
    }
}

impl Shape {
    /// The records of the table: without the metadata above it and below its header, and
    /// without the notes below it.
    pub fn table_records<T>(&self, mut records: Vec<T>) -> Vec<T> {
        let keep = records
            .len()
            .saturating_sub(self.skip_rows)
            .saturating_sub(self.skip_footer);
        records.truncate(records.len().saturating_sub(self.skip_footer));
        records.drain(..self.skip_rows.min(records.len()));
        records.truncate(keep);
        let below = self.header_rows.min(records.len());
        let end = below
            .saturating_add(self.skip_below_header)
            .min(records.len());
        records.drain(below..end);
        records
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_above_and_notes_below_are_left_out() {
        let shape = Shape {
            skip_rows: 2,
            skip_footer: 1,
            ..Shape::default()
        };
        assert_eq!(shape.table_records(vec![1, 2, 3, 4, 5]), [3, 4]);
        assert!(shape.table_records(vec![1, 2]).is_empty());
        assert_eq!(Shape::default().table_records(vec![1, 2]), [1, 2]);
    }

    #[test]
    fn metadata_rows_below_the_header_are_left_out() {
        let shape = Shape {
            skip_rows: 1,
            header_rows: 1,
            skip_below_header: 2,
            ..Shape::default()
        };
        // A title, the header, two metadata rows, the figures.
        assert_eq!(shape.table_records(vec![0, 1, 2, 3, 4, 5]), [1, 4, 5]);
        assert_eq!(shape.table_records(vec![0, 1, 2]), [1]);
    }

    #[test]
    fn delimiters_are_named() {
        #[derive(Deserialize)]
        struct Entry {
            delimiter: Delimiter,
        }
        let read = |text: &str| toml::from_str::<Entry>(text).map(|e| e.delimiter.byte());
        assert_eq!(read("delimiter = \"semicolon\"").unwrap(), b';');
        assert_eq!(read("delimiter = \"tab\"").unwrap(), b'\t');
        assert!(read("delimiter = \"pipe\"").is_err());
    }
}
