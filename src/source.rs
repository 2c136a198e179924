//! Source files and spans.
//!
//! Every cell and every rule token points back into the file it came from. A [`Span`] is a byte
//! range into a [`SourceFile`]; line and column are computed only when a report needs them, and
//! columns count characters (not bytes), because the book's files are full of Chinese text.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A byte range into one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub offset: usize,
    pub length: usize,
}

impl Span {
    pub fn new(offset: usize, length: usize) -> Self {
        Self { offset, length }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        let start = self.offset.min(other.offset);
        let end = (self.offset + self.length).max(other.offset + other.length);
        Span::new(start, end - start)
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        (span.offset, span.length).into()
    }
}

/// A file read into memory, with the byte offset of each line start for line:column lookup.
#[derive(Debug)]
pub struct SourceFile {
    path: PathBuf,
    text: String,
    line_starts: Vec<usize>,
}

/// Bytes per part when a large text's line starts are found by several threads.
const LINE_INDEX_PART: usize = 1 << 20;

/// The byte offset of every line's start. Large texts are searched in parallel parts: `\n` is
/// one byte that never occurs inside a multi-byte character, so any split point is safe.
fn line_starts(text: &str) -> Vec<usize> {
    use rayon::prelude::*;
    let parts: Vec<Vec<usize>> = text
        .as_bytes()
        .par_chunks(LINE_INDEX_PART)
        .enumerate()
        .map(|(index, part)| {
            let base = index * LINE_INDEX_PART;
            part.iter()
                .enumerate()
                .filter(|(_, byte)| **byte == b'\n')
                .map(|(offset, _)| base + offset + 1)
                .collect()
        })
        .collect();
    let mut starts = Vec::with_capacity(parts.iter().map(Vec::len).sum::<usize>() + 1);
    starts.push(0);
    for part in parts {
        starts.extend(part);
    }
    starts
}

/// A shared handle: tables and rules keep their file alive for diagnostics.
pub type SharedSource = Arc<SourceFile>;

/// A 1-based line and character column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineColumn {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: String) -> Self {
        let line_starts = line_starts(&text);
        Self {
            path: path.into(),
            text,
            line_starts,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text a span covers, or "" if the span does not fall on character boundaries.
    pub fn slice(&self, span: Span) -> &str {
        self.text
            .get(span.offset..span.offset + span.length)
            .unwrap_or("")
    }

    /// Each line's content, without its line ending (and without a UTF-8 byte-order mark).
    pub fn lines(&self) -> impl Iterator<Item = Span> + '_ {
        let ends = self
            .line_starts
            .iter()
            .skip(1)
            .copied()
            .chain(std::iter::once(self.text.len() + 1));
        self.line_starts.iter().zip(ends).map(|(&start, next)| {
            let start = if start == 0 && self.text.starts_with('\u{feff}') {
                3
            } else {
                start
            };
            let line = self.text.get(start..next - 1).unwrap_or_default();
            Span::new(start, line.trim_end_matches('\r').len())
        })
    }

    fn line_index(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// The text of the line holding `offset`, from the line's start up to `offset`.
    pub fn line_before(&self, offset: usize) -> &str {
        let start = self
            .line_starts
            .get(self.line_index(offset))
            .copied()
            .unwrap_or(0);
        self.text.get(start..offset).unwrap_or_default()
    }

    /// The text up to `offset` as an anchor may read it: its line so far, after the previous
    /// non-blank line — the sentence a page break split off, or the paragraph before a figure
    /// that opens its own (`399 家技术转移机构…`) — unless that line is a table row.
    pub fn paragraph_before(&self, offset: usize) -> String {
        let index = self.line_index(offset);
        let mut paragraph = self.line_before(offset).to_string();
        let previous = (0..index)
            .rev()
            .map(|i| self.line_text(i))
            .find(|line| !line.trim().is_empty());
        if let Some(line) = previous.filter(|line| !line.contains('\t')) {
            paragraph.insert_str(0, line.trim_end());
        }
        paragraph
    }

    /// The text of line `index` (0-based), without its line break.
    fn line_text(&self, index: usize) -> &str {
        let start = self.line_starts.get(index).copied().unwrap_or(0);
        let end = self
            .line_starts
            .get(index + 1)
            .copied()
            .unwrap_or(self.text.len());
        self.text
            .get(start..end)
            .unwrap_or_default()
            .trim_end_matches(['\n', '\r'])
    }

    /// 1-based line and character column of a byte offset.
    pub fn line_column(&self, offset: usize) -> LineColumn {
        let line_index = self.line_index(offset);
        let line_start = self.line_starts.get(line_index).copied().unwrap_or(0);
        let column = self
            .text
            .get(line_start..offset)
            .map_or(0, |prefix| prefix.chars().count());
        LineColumn {
            line: line_index + 1,
            column: column + 1,
        }
    }
}

/// A source file as miette reads it: shared, not copied, for every diagnostic on it.
#[derive(Debug, Clone)]
pub struct DiagnosticSource(pub SharedSource);

impl miette::SourceCode for DiagnosticSource {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        self.0
            .text
            .read_span(span, context_lines_before, context_lines_after)
    }
}

/// A miette source named after the file's path.
pub fn named(source: &SharedSource) -> miette::NamedSource<DiagnosticSource> {
    miette::NamedSource::new(
        source.path().display().to_string(),
        DiagnosticSource(source.clone()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_not_bytes() {
        let file = SourceFile::new("t.csv", "技术开发,1\n合计,22 398.4\n".to_string());
        let offset = file.text().find("22").unwrap();
        assert_eq!(file.line_column(offset), LineColumn { line: 2, column: 4 });
        assert_eq!(file.line_column(0), LineColumn { line: 1, column: 1 });
    }

    #[test]
    fn lines_leave_out_line_endings_and_the_byte_order_mark() {
        let file = SourceFile::new("t.csv", "\u{feff}a,b\r\n\nc\n".to_string());
        let lines: Vec<&str> = file.lines().map(|span| file.slice(span)).collect();
        assert_eq!(lines, ["a,b", "", "c", ""]);
    }

    #[test]
    fn span_to_covers_both() {
        assert_eq!(Span::new(3, 2).to(Span::new(10, 4)), Span::new(3, 11));
    }
}
