//! What to tell of a table whose lines do not have the shape its `tables.toml` entry declares:
//! the key that reads it as printed, where the lines show one (a delimiter the file uses
//! instead, a title above the header, a note below the rows).

use super::TableError;
use super::read::Record;
use crate::source::{SharedSource, Span, named};

/// A row with `found` cells where the header has `expected`; `in_data` for a data row, which
/// stops only itself (a header's stops the table).
pub(super) fn ragged(
    source: &SharedSource,
    span: Span,
    (found, expected): (usize, usize),
    in_data: bool,
) -> TableError {
    let fix = if found == 1 && in_data {
        "a line of one cell is no row of the table: if it is a note or a source line below the \
         rows, declare it left out in the table's entry in tables.toml (`skip_footer = N`: the \
         lines below the table to leave out); else give the row one cell per column"
    } else {
        "every row needs one cell per column: leave a cell empty rather than dropping it, and \
         quote a figure whose thousands a comma groups (`\"1,234\"`)"
    };
    let rest = if in_data {
        "; the table's other rows are checked"
    } else {
        ""
    };
    TableError::RaggedRow {
        source_code: named(source),
        span: span.into(),
        found,
        expected,
        help: format!("{fix}{rest}"),
    }
}

/// The error for a table whose first header line has no more fields than its label columns,
/// or that has fewer lines than header rows.
pub(super) fn too_few(
    source: &SharedSource,
    first: Option<&Record>,
    delimiter: u8,
    (lines, header_rows, label_columns): (usize, usize, usize),
) -> TableError {
    let width = first.map_or(0, |record| record.fields.len());
    let line = first
        .and_then(|record| record.fields.first())
        .map_or("", String::as_str);
    let other = [(b';', "semicolon"), (b'\t', "tab"), (b',', "comma")]
        .into_iter()
        .find(|&(byte, _)| byte != delimiter && line.contains(char::from(byte)));
    let help = match other {
        Some((byte, name)) if width == 1 => format!(
            "its first line holds no {} but {}: if the file separates its fields so, declare \
             `delimiter = \"{name}\"` in the table's entry in tables.toml",
            shown(delimiter),
            shown(byte)
        ),
        _ if width == 1 && lines > header_rows => "its first line has one cell: if it is a title \
             above the header, declare it left out in the table's entry in tables.toml \
             (`skip_rows = N`: the lines above the header to leave out); else check \
             `header_rows` and `label_columns` there"
            .to_string(),
        _ if lines < header_rows => format!(
            "the file has {lines} lines that hold something, and its entry declares \
             `header_rows = {header_rows}`: check `header_rows` in tables.toml"
        ),
        _ => format!(
            "its header has {width} columns, and its entry declares `label_columns = \
             {label_columns}`, which leaves no column of figures: check `label_columns` in \
             tables.toml"
        ),
    };
    TableError::Shape {
        source_code: named(source),
        span: first.map_or(Span::default(), |record| record.span).into(),
        help,
    }
}

/// A delimiter as a help names it.
fn shown(delimiter: u8) -> String {
    match delimiter {
        b'\t' => "tab".to_string(),
        byte => format!("`{}`", char::from(byte)),
    }
}
