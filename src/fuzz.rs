//! Entry points of the fuzz targets (`fuzz/`, cargo-fuzz): each feeds arbitrary input to one
//! parser and asserts what must hold for any input. They live here, not in the targets, so the
//! committed corpus is replayed through the same code by an ordinary test on stable Rust.

use crate::claims::extract;
use crate::lang::parser::parse_rules;
use crate::number::{Figure, parse_figure};
use crate::source::SourceFile;
use crate::table::TableMeta;
use crate::table::read::{Layout, parse_table};
use std::sync::Arc;

/// The figure parser gives a value or an error; a value parses again from its own printing.
pub fn number(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(Figure::Value(value)) = parse_figure(text) {
        let again = parse_figure(&value.to_string());
        assert_eq!(again.ok(), Some(Figure::Value(value)), "{text:?}");
    }
}

/// Bytes read as a table, in the layout the first byte picks, give a table or errors; every
/// cell of a table has a span and an interval query that does not panic.
pub fn csv_table(data: &[u8]) {
    let Some((&layout, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let source = Arc::new(SourceFile::new("fuzz.csv", text.to_string()));
    let layout = Layout {
        header_rows: usize::from(layout % 4),
        label_columns: usize::from(layout / 4 % 3),
        text_columns: Vec::new(),
    };
    if let Ok(table) = parse_table(&source, TableMeta::default(), layout) {
        for row in 0..table.rows().len() {
            for column in 0..table.columns().len() {
                let _ = table.cell_span(row, column);
                let _ = table.interval(row, column);
            }
        }
    }
}

/// Text read as a rules file gives a syntax tree or diagnostics.
pub fn rules(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = Arc::new(SourceFile::new("fuzz.rules", text.to_string()));
    let _ = parse_rules(&source);
}

/// Text read as a narrative gives its figures, each spanning text inside it.
pub fn claims(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = Arc::new(SourceFile::new("fuzz.txt", text.to_string()));
    for claim in extract(&source) {
        assert!(claim.span.offset + claim.span.length <= text.len());
        let _ = claim.stated_interval();
    }
}

/// Bytes read as a Word document's `word/document.xml` give a text or an error; paragraphs
/// start in order, at character boundaries, each line of the text ending; every figure of the
/// text names a paragraph and characters inside it.
pub fn docx(data: &[u8]) {
    use crate::source::{Span, Stored};
    let path = std::path::Path::new("fuzz.docx");
    let Ok(read) = crate::docx::read_document_part(path, data, 1 << 20) else {
        return;
    };
    let text = &read.text;
    let starts = read.paragraphs.starts();
    assert!(
        starts.windows(2).all(|w| w.first() < w.last()),
        "{starts:?}"
    );
    for &start in starts {
        assert!(text.is_char_boundary(start), "{start} in {text:?}");
        assert!(start == 0 || text.get(..start).is_some_and(|t| t.ends_with('\n')));
    }
    assert!(text.is_empty() || text.ends_with('\n'), "{text:?}");
    let source =
        Arc::new(SourceFile::new(path, read.text.clone()).stored_as(Stored::Docx(read.paragraphs)));
    for claim in extract(&source) {
        let place = source.paragraph_span(claim.span);
        assert!(place.is_some_and(|p| p.paragraph >= 1 && p.first >= 1 && p.last >= p.first));
    }
    let _ = source.paragraph_span(Span::new(text.len(), 0));
}

#[cfg(test)]
mod tests {
    #[test]
    fn each_entry_takes_empty_and_odd_input() {
        for data in [
            &b""[..],
            b"\xff\xfe",
            "第一部分 概述\n超过 1 000.5 亿元".as_bytes(),
        ] {
            super::number(data);
            super::csv_table(data);
            super::rules(data);
            super::claims(data);
            super::docx(data);
        }
    }
}
