//! The records of a CSV file without quotes: one a non-empty line. A line of only delimiters
//! (`,,,,`) is as empty as an empty line: it is how a spreadsheet saves a blank row, and read
//! as a row it would be a row with no label, whose blank outer label continues the row above's
//! and makes that label name two rows.
//!
//! Such a file's data lines are read side by side in byte parts cut at line breaks, never
//! listed one by one first: a record file of a million lines is then split, counted and
//! parsed by every core, with no serial pass over its lines and no list of their spans.

use super::shape::Shape;
use crate::source::{SourceFile, Span};
use rayon::prelude::*;
use std::ops::Range;

/// Bytes per part of a file's data lines read by one thread.
const PART_BYTES: usize = 1 << 18;

/// The lines of a table as `tables.toml` shapes it: its header lines, and where its data
/// lines are.
pub(super) struct TableLines {
    pub(super) headers: Vec<Span>,
    /// The data lines, in parts that each hold whole lines.
    pub(super) parts: Vec<Part>,
    pub(super) data_rows: usize,
}

/// A run of whole lines, and where its records fall among the table's data rows.
pub(super) struct Part {
    range: Range<usize>,
    pub(super) first_row: usize,
    pub(super) rows: usize,
}

impl Part {
    /// The part's records: the spans of its non-empty lines.
    #[cfg(test)]
    pub(super) fn lines<'t>(
        &self,
        text: &'t str,
        delimiter: u8,
    ) -> impl Iterator<Item = Span> + 't {
        non_empty_lines(text, self.range.clone(), delimiter)
    }

    /// Where the part's first line starts, and where its last line ends.
    pub(super) fn range(&self) -> Range<usize> {
        self.range.clone()
    }
}

/// Split `text` into the table's header and data lines, as [`Shape::table_records`] would
/// split the list of its non-empty lines.
pub(super) fn table_lines(text: &str, shape: &Shape, counted: Option<&SourceFile>) -> TableLines {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let front = shape.skip_rows + shape.header_rows + shape.skip_below_header;
    let delimiter = shape.delimiter;
    let leading: Vec<Span> = non_empty_lines(text, start..text.len(), delimiter)
        .take(front)
        .collect();
    let after_front = leading.last().map_or(start, |line| next_line(text, line));
    let footer = last_lines(text, after_front, shape.skip_footer, delimiter);
    let enough = leading.len() == front && footer.len() == shape.skip_footer;
    let (headers, data) = if enough {
        let headers = leading
            .get(shape.skip_rows..shape.skip_rows + shape.header_rows)
            .unwrap_or_default()
            .to_vec();
        let end = footer.last().map_or(text.len(), |line| line.offset);
        (headers, after_front..end)
    } else {
        few_lines(text, start, shape)
    };
    let parts = parts(text, data, counted, delimiter);
    let data_rows = parts.last().map_or(0, |part| part.first_row + part.rows);
    TableLines {
        headers,
        parts,
        data_rows,
    }
}

/// A file with fewer lines than its shape leaves out: listed, and shaped as a list.
fn few_lines(text: &str, start: usize, shape: &Shape) -> (Vec<Span>, Range<usize>) {
    let lines = non_empty_lines(text, start..text.len(), shape.delimiter);
    let lines = shape.table_records(lines.collect());
    let headers: Vec<Span> = lines.iter().take(shape.header_rows).copied().collect();
    let data = lines.get(shape.header_rows..).unwrap_or_default();
    let range = match (data.first(), data.last()) {
        (Some(first), Some(last)) => first.offset..last.offset + last.length,
        _ => text.len()..text.len(),
    };
    (headers, range)
}

/// Where the line after `line` starts (the text's end after its last line).
fn next_line(text: &str, line: &Span) -> usize {
    let end = line.offset + line.length;
    memchr::memchr(b'\n', text.as_bytes().get(end..).unwrap_or_default())
        .map_or(text.len(), |at| end + at + 1)
}

/// The last `count` non-empty lines at or after `from`, last first (fewer where there are not
/// that many).
fn last_lines(text: &str, from: usize, count: usize, delimiter: u8) -> Vec<Span> {
    let bytes = text.as_bytes();
    let mut lines = Vec::with_capacity(count);
    let mut end = text.len();
    while lines.len() < count && end > from {
        let start = memchr::memrchr(b'\n', bytes.get(from..end).unwrap_or_default())
            .map_or(from, |at| from + at + 1);
        if let Some(line) = line_span(text, start, end, delimiter) {
            lines.push(line);
        }
        end = start.saturating_sub(1);
    }
    lines
}

/// The line from `start` up to `end` without its `\r`s, unless it is empty or holds only
/// delimiters.
fn line_span(text: &str, start: usize, end: usize, delimiter: u8) -> Option<Span> {
    let line = text.get(start..end).unwrap_or_default();
    let length = line.trim_end_matches('\r').len();
    let bytes = line.as_bytes().get(..length).unwrap_or_default();
    // Most lines start with a label or a figure: the test stops at their first byte.
    let blank = bytes.iter().all(|&byte| byte == delimiter);
    (!blank).then(|| Span::new(start, length))
}

/// The non-empty lines within `range` (which starts at a line start), without line endings.
pub(super) fn non_empty_lines(
    text: &str,
    range: Range<usize>,
    delimiter: u8,
) -> impl Iterator<Item = Span> + '_ {
    let end = range.end.min(text.len());
    let mut at = range.start;
    std::iter::from_fn(move || {
        while at < end {
            let (line, next) = line_at(text, at, end, delimiter);
            at = next;
            if line.is_some() {
                return line;
            }
        }
        None
    })
}

/// The line starting at `start` and ending by `end` at the latest, unless it is empty or
/// holds only delimiters; and where the next line starts.
pub(super) fn line_at(
    text: &str,
    start: usize,
    end: usize,
    delimiter: u8,
) -> (Option<Span>, usize) {
    let bytes = text.as_bytes().get(..end).unwrap_or_default();
    let stop = memchr::memchr(b'\n', bytes.get(start..).unwrap_or_default())
        .map_or(bytes.len(), |offset| start + offset);
    (line_span(text, start, stop, delimiter), stop + 1)
}

/// The data lines cut into parts at line breaks, their records counted side by side: from
/// `counted`'s line index, where that is the text's file and it holds no blank line, else
/// by a pass over each part ([`count_lines`]). The index cannot tell a line of only
/// delimiters, which is no record: a reader that meets one counts again without it
/// (`Chunk::fewer_rows`), where a search of every part for one cost a record file 4 % of its
/// run.
fn parts(text: &str, data: Range<usize>, counted: Option<&SourceFile>, delimiter: u8) -> Vec<Part> {
    let bytes = text.as_bytes();
    let mut ranges = Vec::new();
    let mut start = data.start;
    while start < data.end {
        let cut = (start + PART_BYTES).min(data.end);
        let end = memchr::memchr(b'\n', bytes.get(cut..data.end).unwrap_or_default())
            .map_or(data.end, |at| cut + at + 1);
        ranges.push(start..end);
        start = end;
    }
    let no_blank_line = counted.filter(|source| source.holds_blank_line() == Some(false));
    let counts: Vec<usize> = ranges
        .par_iter()
        .map(|range| match no_blank_line {
            Some(source) => lines_of_breaks(text, range, source.line_breaks_in(range.clone())),
            None => count_lines(text, range.clone(), delimiter),
        })
        .collect();
    let mut first_row = 0;
    ranges
        .into_iter()
        .zip(counts)
        .map(|(range, rows)| {
            let part = Part {
                range,
                first_row,
                rows,
            };
            first_row += rows;
            part
        })
        .collect()
}

/// How many non-empty lines `range` (which starts at a line start) holds: its line breaks
/// counted by memchr's SIMD count where no line in it may be blank (none starts with a line
/// break, a `\r` or a delimiter), else line by line. The search for `\n\r` is left out where
/// there is no `\r` at all (a file with Unix line ends).
fn count_lines(text: &str, range: Range<usize>, delimiter: u8) -> usize {
    let bytes = text.as_bytes().get(range.clone()).unwrap_or_default();
    let may_be_blank = matches!(bytes.first(), Some(b'\n' | b'\r'))
        || memchr::memmem::find(bytes, b"\n\n").is_some()
        || (memchr::memchr(b'\r', bytes).is_some()
            && memchr::memmem::find(bytes, b"\n\r").is_some())
        || may_start_with_delimiter(text, &range, delimiter);
    if may_be_blank {
        return non_empty_lines(text, range, delimiter).count();
    }
    let breaks = memchr::memchr_iter(b'\n', bytes).count();
    lines_of_breaks(text, &range, breaks)
}

/// Whether a line of `range` (which starts at a line start) starts with the delimiter, as a
/// line of only delimiters does (and a row of an outer label's second item).
fn may_start_with_delimiter(text: &str, range: &Range<usize>, delimiter: u8) -> bool {
    let bytes = text.as_bytes().get(range.clone()).unwrap_or_default();
    bytes.first() == Some(&delimiter) || memchr::memmem::find(bytes, &[b'\n', delimiter]).is_some()
}

/// The lines of `range` (none blank) that hold `breaks` line breaks: one more where the last
/// does not end in one.
fn lines_of_breaks(text: &str, range: &Range<usize>, breaks: usize) -> usize {
    let last = range.end.checked_sub(1).filter(|&last| last >= range.start);
    let unended = last.and_then(|last| text.as_bytes().get(last)) != Some(&b'\n');
    breaks + usize::from(last.is_some() && unended)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The lines a list of every non-empty line, shaped by `Shape::table_records`, gives.
    fn listed(text: &str, shape: &Shape) -> (Vec<Span>, Vec<Span>) {
        let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let all = non_empty_lines(text, start..text.len(), shape.delimiter);
        let all = shape.table_records(all.collect());
        let split = shape.header_rows.min(all.len());
        let (headers, data) = all.split_at(split);
        (headers.to_vec(), data.to_vec())
    }

    fn found(text: &str, shape: &Shape) -> (Vec<Span>, Vec<Span>) {
        let lines = table_lines(text, shape, None);
        let data: Vec<Span> = lines
            .parts
            .iter()
            .flat_map(|p| p.lines(text, shape.delimiter))
            .collect();
        assert_eq!(lines.data_rows, data.len());
        let mut row = 0;
        for part in &lines.parts {
            assert_eq!(part.first_row, row);
            row += part.rows;
        }
        (lines.headers, data)
    }

    #[test]
    fn blank_lines_crlf_and_a_byte_order_mark_are_not_records() {
        let text = "\u{feff}h1,h2\r\n\r\n\na,1\r\nb,2\n\r\n";
        let shape = Shape {
            header_rows: 1,
            ..Shape::default()
        };
        let (headers, data) = found(text, &shape);
        assert_eq!(headers, [Span::new(3, 5)]);
        let data: Vec<&str> = data
            .iter()
            .map(|s| &text[s.offset..s.offset + s.length])
            .collect();
        assert_eq!(data, ["a,1", "b,2"]);
    }

    #[test]
    fn a_file_cut_into_parts_keeps_every_line_once() {
        let text: String = (0..100_000).map(|i| format!("r{i},{i}\n")).collect();
        let shape = Shape {
            header_rows: 1,
            skip_footer: 2,
            ..Shape::default()
        };
        let lines = table_lines(&text, &shape, None);
        assert!(lines.parts.len() > 1);
        assert_eq!(found(&text, &shape), listed(&text, &shape));
    }

    /// A large file's parts counted from the line breaks its facts found are the parts
    /// counted line by line: with `\r\n`, without a last line break, and — where a blank
    /// line straddles two blocks of the line index, so that the facts must find it there —
    /// counted line by line after all.
    #[test]
    fn parts_counted_from_a_files_facts_are_the_parts_counted_line_by_line() {
        use crate::source::{FACTS_FROM, SourceText};
        let rows = |end: &str| -> String {
            let mut text = String::from("id,x\n");
            let mut row = 0;
            while text.len() < FACTS_FROM + PART_BYTES {
                text.push_str(&format!("r{row},{row}.5{end}"));
                row += 1;
            }
            text
        };
        // A line break as the last byte of a block, and the next block's first byte.
        let at_block_end = |text: &str| {
            let block_end = (4 * PART_BYTES / 3).next_multiple_of(4096);
            text[..block_end].rfind('\n').unwrap() + 1
        };
        let unix = rows("\n");
        let with_break_at = |text: &str, insert: &str| {
            let at = at_block_end(text);
            let pad = "x".repeat(4096 - at % 4096 - 1);
            let mut padded = text[..at].to_string();
            padded.push_str(&format!("{pad}\n{insert}"));
            padded.push_str(&text[at..]);
            padded
        };
        let shape = Shape {
            header_rows: 1,
            ..Shape::default()
        };
        for (text, blank) in [
            (unix.clone(), false),
            (rows("\r\n"), false),
            (unix.trim_end().to_string(), false),
            (with_break_at(&unix, "\n"), true),
            (with_break_at(&unix, "\r\n"), true),
            (with_break_at(&unix, "y\n"), false),
        ] {
            let (read, facts) =
                SourceText::from_utf8_noting(text.clone().into_bytes().into()).unwrap();
            let source = SourceFile::new("t.csv", read).with_facts(facts);
            assert_eq!(source.holds_blank_line(), Some(blank));
            let counted = table_lines(&text, &shape, Some(&source));
            let alone = table_lines(&text, &shape, None);
            assert!(counted.parts.len() > 1);
            assert_eq!(counted.data_rows, alone.data_rows);
            for (a, b) in counted.parts.iter().zip(&alone.parts) {
                assert_eq!(
                    (&a.range, a.first_row, a.rows),
                    (&b.range, b.first_row, b.rows)
                );
            }
            assert_eq!(found(&text, &shape), listed(&text, &shape));
        }
    }

    proptest! {
        #[test]
        fn lines_are_those_of_the_listed_records(
            lines in proptest::collection::vec("(|\r|a|b,1|\r\r|x\r|,|,,\r|,a)", 0..12),
            skip_rows in 0usize..3,
            header_rows in 0usize..3,
            skip_below_header in 0usize..2,
            skip_footer in 0usize..3,
            final_newline: bool,
        ) {
            let mut text = lines.join("\n");
            if final_newline {
                text.push('\n');
            }
            let shape = Shape {
                skip_rows,
                header_rows,
                skip_below_header,
                skip_footer,
                ..Shape::default()
            };
            prop_assert_eq!(found(&text, &shape), listed(&text, &shape));
        }

        /// A part's lines counted at once are the lines listed one by one.
        #[test]
        fn lines_counted_are_the_lines_listed(text in "[a\r\n,1]{0,40}", from in 0usize..40) {
            // From a line start, as a part starts.
            let from = text.as_bytes()[..from.min(text.len())]
                .iter()
                .rposition(|&byte| byte == b'\n')
                .map_or(0, |at| at + 1);
            let range = from..text.len();
            prop_assert_eq!(
                count_lines(&text, range.clone(), b','),
                non_empty_lines(&text, range, b',').count()
            );
        }
    }
}
