//! Columns at the right end of a table that hold nothing: no header in any header row and no
//! data in any row. A spreadsheet exports such columns where it only formatted cells
//! (`…,-2.8,,`). Read as columns, each would continue the header to its left, as a merged cell
//! does, and name that column twice over, so that every rule naming it would stop; they are
//! left out instead, with a warning.

use super::lines::non_empty_lines;
use super::read::Record;
use super::row_reader::DataRows;

/// How many columns at the right end of the table hold nothing; 0 where a row has another
/// width than the header (the ragged row is reported as it is), and never the table's last
/// figure column.
pub(super) fn count(
    headers: &[Record],
    data: &DataRows<'_>,
    text: &str,
    (label_columns, width, delimiter): (usize, usize, u8),
) -> usize {
    let most = width.saturating_sub(label_columns + 1);
    let blank_in_headers = headers
        .iter()
        .map(|header| blank_at_end(header.fields.iter().map(String::as_str), width))
        .min()
        .unwrap_or(0)
        .min(most);
    if blank_in_headers == 0 {
        return 0;
    }
    let in_rows = match data {
        DataRows::Records(records) => records
            .iter()
            .map(|record| blank_at_end(record.fields.iter().map(String::as_str), width))
            .min(),
        DataRows::Lines(parts) => parts
            .iter()
            .flat_map(|part| non_empty_lines(text, part.range(), delimiter))
            .map(|line| {
                let line = text.get(line.offset..line.offset + line.length);
                let fields = line.unwrap_or_default().split(char::from(delimiter));
                blank_at_end(fields, width)
            })
            .min(),
    };
    in_rows.unwrap_or(0).min(blank_in_headers)
}

/// How many of a record's last fields are blank, where it has `width` fields (else 0).
fn blank_at_end<'f>(
    fields: impl DoubleEndedIterator<Item = &'f str> + Clone,
    width: usize,
) -> usize {
    if fields.clone().count() != width {
        return 0;
    }
    fields
        .rev()
        .take_while(|field| field.trim().is_empty())
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(line: &str) -> Record {
        Record {
            fields: line.split(',').map(str::to_string).collect(),
            spans: Vec::new(),
            span: crate::source::Span::default(),
        }
    }

    fn count_of(lines: &[&str], header_rows: usize) -> usize {
        let records: Vec<Record> = lines.iter().map(|line| record(line)).collect();
        let (headers, rows) = records.split_at(header_rows);
        let width = headers.first().map_or(0, |h| h.fields.len());
        count(headers, &DataRows::Records(rows), "", (1, width, b','))
    }

    #[test]
    fn only_columns_blank_in_every_header_and_row_are_counted() {
        assert_eq!(
            count_of(&["地区,金额,,", "北京,1.0,,", "天津,2.0, ,"], 1),
            2
        );
        // A merged header over blank data: the column is the header's, not nothing.
        assert_eq!(
            count_of(&["地区,金额,,", ",2020,2021,", "北京,1.0,,"], 2),
            1
        );
        // A figure in the last column of one row keeps it.
        assert_eq!(count_of(&["地区,金额,", "北京,1.0,", "天津,2.0,3"], 1), 0);
        // A ragged row is reported as such, not read around.
        assert_eq!(count_of(&["地区,金额,", "北京,1.0,", "天津,2.0"], 1), 0);
        // The table's one figure column stays, blank or not.
        assert_eq!(count_of(&["地区,", "北京,"], 1), 0);
    }
}
