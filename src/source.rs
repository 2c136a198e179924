//! Source files and spans.
//!
//! Every cell and every rule token points back into the file it came from. A [`Span`] is a byte
//! range into a [`SourceFile`]; line and column are computed only when a report needs them, and
//! columns count characters (not bytes), because the book's files are full of Chinese text.
//!
//! The text is what parsing sees; [`Stored`] says how the file is kept on disk when that
//! differs — another encoding (reports still count the stored bytes), a spreadsheet's
//! sheet rendered as CSV text (reports name the sheet and cell, `附表10!C7`), or a Word
//! document's paragraphs read as lines (reports name the paragraph and the characters,
//! `¶1304, characters 369–373`).

use crate::pages::{Pages, Utf8Pages};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

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

/// A file's text: a string (decoded from another encoding, or made), or a UTF-8 file's own
/// buffer, kept as it was read.
#[derive(Debug, Clone)]
pub enum SourceText {
    Owned(String),
    Read(Utf8Pages),
}

impl SourceText {
    /// The text of a file's bytes, or the bytes back where they are not UTF-8: kept in the
    /// buffer they were read into, validated once.
    pub fn from_utf8(bytes: Pages<u8>) -> Result<Self, Pages<u8>> {
        Utf8Pages::of(bytes).map(SourceText::Read)
    }

    /// [`SourceText::from_utf8`], with the [`TextFacts`] of a text of [`FACTS_FROM`] bytes or
    /// more, found side by side with its validation.
    pub fn from_utf8_noting(bytes: Pages<u8>) -> Result<(Self, Option<TextFacts>), Pages<u8>> {
        if bytes.len() < FACTS_FROM {
            return Self::from_utf8(bytes).map(|text| (text, None));
        }
        let (text, facts) = Utf8Pages::of_beside(bytes, TextFacts::of)?;
        Ok((SourceText::Read(text), Some(facts)))
    }
}

/// From this size a text's [`TextFacts`] are found as it is validated: the passes they save
/// are each a few milliseconds on one core at 68 MB, and nothing on a table of the book.
pub const FACTS_FROM: usize = 1 << 20;

/// What a [`SourceFile`] would otherwise find by a pass of its own over the whole text, each
/// on one core, and one after the other: its line breaks per block (its [`LineIndex`]),
/// whether it holds a `"` (a CSV file with none has a record per line), a `\r`, and a `\r`
/// that ends a line on its own. Found in one pass over every block, side by side.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextFacts {
    breaks: Vec<usize>,
    quote: bool,
    cr: bool,
    lone_cr: bool,
    /// Whether some line is blank (empty, or `\r`s alone): one starts the text, or follows
    /// a line break at once with another or a `\r`.
    blank_line: bool,
}

/// Blocks of a [`LINE_BLOCK`] each that one task of [`TextFacts::of`] looks through.
const FACTS_TASK_BLOCKS: usize = 64;

impl TextFacts {
    fn of(bytes: &[u8]) -> Self {
        use rayon::prelude::*;
        let task = LINE_BLOCK * FACTS_TASK_BLOCKS;
        let blank_pair = memchr::memmem::Finder::new(b"\n\n");
        let parts: Vec<TextFacts> = bytes
            .par_chunks(task)
            .enumerate()
            .map(|(index, chunk)| {
                let mut facts = TextFacts {
                    breaks: Vec::with_capacity(FACTS_TASK_BLOCKS),
                    ..TextFacts::default()
                };
                // Block by block, so that each is read from memory once and searched again
                // in the core's nearest cache; most texts hold neither byte.
                for (at, block) in chunk.chunks(LINE_BLOCK).enumerate() {
                    facts.breaks.push(memchr::memchr_iter(b'\n', block).count());
                    let after = bytes.get(index * task + (at + 1) * LINE_BLOCK);
                    facts.blank_line |= blank_pair.find(block).is_some()
                        || (block.last() == Some(&b'\n') && matches!(after, Some(b'\n' | b'\r')));
                    if memchr::memchr2(b'"', b'\r', block).is_some() {
                        facts.quote |= memchr::memchr(b'"', block).is_some();
                        let cr = memchr::memchr(b'\r', block).is_some();
                        facts.cr |= cr;
                        facts.blank_line |= cr && memchr::memmem::find(block, b"\n\r").is_some();
                    }
                }
                facts.lone_cr = facts.cr
                    && memchr::memchr_iter(b'\r', chunk)
                        .any(|at| bytes.get(index * task + at + 1) != Some(&b'\n'));
                facts
            })
            .collect();
        let mut facts = TextFacts {
            breaks: Vec::with_capacity(bytes.len().div_ceil(LINE_BLOCK)),
            blank_line: matches!(bytes.first(), Some(b'\n' | b'\r')),
            ..TextFacts::default()
        };
        for part in parts {
            facts.breaks.extend(part.breaks);
            facts.quote |= part.quote;
            facts.cr |= part.cr;
            facts.lone_cr |= part.lone_cr;
            facts.blank_line |= part.blank_line;
        }
        facts
    }

    /// Whether the text holds a `\r` but no line break: an old Mac file's lines.
    pub fn lines_ended_by_cr(&self) -> bool {
        self.cr && self.breaks.iter().all(|&count| count == 0)
    }
}

impl std::ops::Deref for SourceText {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            SourceText::Owned(text) => text,
            SourceText::Read(text) => text.as_str(),
        }
    }
}

impl From<String> for SourceText {
    fn from(text: String) -> Self {
        SourceText::Owned(text)
    }
}

/// A file read into memory, with the byte offset of each line start for line:column lookup.
#[derive(Debug)]
pub struct SourceFile {
    path: PathBuf,
    text: SourceText,
    /// Found on first use: a record file read for its figures alone, with nothing to report,
    /// never needs them.
    line_index: OnceLock<LineIndex>,
    stored: Stored,
    /// Whether a line ends in a lone `\r`, found on first use: miette counts it as a line
    /// break, the line index does not.
    lone_cr: OnceLock<bool>,
    /// Whether the text holds a `"`, found on first use ([`SourceFile::holds_quote`]).
    quote: OnceLock<bool>,
    /// Whether some line is blank, where the text's facts say ([`SourceFile::with_facts`]).
    blank_line: Option<bool>,
    /// Where [`SourceFile::line_column`] last counted a long line to.
    column_memo: std::sync::Mutex<ColumnMemo>,
}

/// How a file is stored, where that differs from the UTF-8 text crossfoot parses.
#[derive(Debug, Default)]
pub enum Stored {
    #[default]
    Utf8,
    /// Decoded from another encoding: offsets map back to the stored bytes.
    Decoded(crate::decode::Decoded),
    /// A sheet of a workbook (or a range of it) rendered as CSV text, one line per row (the
    /// rows above the range blank, so that line numbers are row numbers) and one field per
    /// cell of the range, so that a span names a cell.
    Sheet(Sheet),
    /// The text of a Word document, one line per paragraph (a manual line break within a
    /// paragraph starts a line too): a span names its paragraph and characters there.
    Docx(crate::docx::Paragraphs),
}

/// Where a sheet's rendering sits in its workbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub name: String,
    /// The range's first column, 0-based (`A` is 0): the first field of every line.
    pub first_column: u32,
}

impl Sheet {
    /// The sheet's name as a spreadsheet writes it in a reference: quoted when it holds
    /// anything but letters, digits, `_` and `.`.
    pub fn reference_name(&self) -> String {
        if self
            .name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
        {
            self.name.clone()
        } else {
            format!("'{}'", self.name.replace('\'', "''"))
        }
    }
}

/// A column's letters: 0 → `A`, 25 → `Z`, 26 → `AA`.
pub fn column_letters(index: u32) -> String {
    let mut letters = Vec::new();
    let mut n = u64::from(index) + 1;
    while n > 0 {
        let digit = u8::try_from((n - 1) % 26).unwrap_or(0);
        letters.push(char::from(b'A' + digit));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// The commas outside quotes in `text`, a part of a CSV line that starts `quoted` or not (so
/// which field of the line an offset lies in, counted from its start), and whether the text
/// ends inside quotes.
fn fields_passed(text: &str, mut quoted: bool) -> (usize, bool) {
    let mut commas = 0;
    for byte in text.bytes() {
        match byte {
            b'"' => quoted = !quoted,
            b',' if !quoted => commas += 1,
            _ => {}
        }
    }
    crate::tally::add(crate::tally::Work::LineBytes, text.len());
    (commas, quoted)
}

/// Characters in `text` (how far along its line an offset lies), and `false`: a plain text's
/// count carries no state from one part of a line to the next.
fn characters(text: &str) -> (usize, bool) {
    crate::tally::add(crate::tally::Work::LineBytes, text.len());
    (text.chars().count(), false)
}

/// From this far into a line, [`SourceFile::line_column`] counts on from where it last
/// counted on the same line ([`ColumnMemo`]).
const MEMO_FROM: usize = 256;

/// How far into a long line [`SourceFile::line_column`] counted last. A report asks for the
/// cells of a row in order, and counting each from the line's start made a report that names
/// every cell of a wide row (a sheet 10 000 columns wide) take time in the square of its width.
#[derive(Debug, Default, Clone, Copy)]
struct ColumnMemo {
    line_start: usize,
    offset: usize,
    /// Characters (in a sheet, commas outside quotes) from the line's start to `offset`.
    count: usize,
    /// In a sheet, whether `offset` lies inside quotes.
    quoted: bool,
}

/// Bytes a [`LineIndex`] counts the line breaks of as one block.
const LINE_BLOCK: usize = 4096;

/// Texts up to this many bytes keep every line's start ([`LineIndex::Dense`]).
const DENSE_UP_TO: usize = 1 << 18;

/// Where lines are. A text of up to [`DENSE_UP_TO`] bytes (a table, the book's text, a rules
/// file) keeps every line's start, 4 bytes a line: a diagnostic asks for a few lines by number,
/// and a search of the block each falls in took 1 400 instructions a line. A longer one is
/// kept sparse: the number of line breaks before each block of [`LINE_BLOCK`] bytes. A line
/// number is that count plus the breaks in the block up to the offset, and a line's start the
/// break before it: a million-line record file costs a few thousand numbers and a count of
/// its line breaks, where an entry for every line cost 4 MB and a search per line.
#[derive(Debug)]
enum LineIndex {
    /// Each line's start, the first line's (0) too.
    Dense(Vec<u32>),
    Sparse {
        breaks_before: Vec<usize>,
        /// Line breaks in the whole text.
        breaks: usize,
    },
}

impl LineIndex {
    fn of(text: &str) -> Self {
        if text.len() <= DENSE_UP_TO {
            Self::dense(text)
        } else {
            Self::sparse(text)
        }
    }

    fn dense(text: &str) -> Self {
        let breaks = memchr::memchr_iter(b'\n', text.as_bytes());
        let after = breaks.filter_map(|at| u32::try_from(at + 1).ok());
        LineIndex::Dense(std::iter::once(0).chain(after).collect())
    }

    fn sparse(text: &str) -> Self {
        use rayon::prelude::*;
        let counts: Vec<usize> = text
            .as_bytes()
            .par_chunks(LINE_BLOCK)
            .map(|block| memchr::memchr_iter(b'\n', block).count())
            .collect();
        Self::of_counts(counts)
    }

    /// The index of a text whose blocks of [`LINE_BLOCK`] bytes hold `counts` line breaks.
    fn of_counts(counts: Vec<usize>) -> Self {
        let mut breaks = 0;
        let breaks_before = counts
            .into_iter()
            .map(|count| {
                let before = breaks;
                breaks += count;
                before
            })
            .collect();
        LineIndex::Sparse {
            breaks_before,
            breaks,
        }
    }

    /// The 0-based line holding `offset` (the last line past the end).
    fn line_of(&self, text: &[u8], offset: usize) -> usize {
        let offset = offset.min(text.len());
        let (breaks_before, breaks) = match self {
            LineIndex::Dense(starts) => {
                let before = starts.partition_point(|&start| start as usize <= offset);
                return before.saturating_sub(1);
            }
            LineIndex::Sparse {
                breaks_before,
                breaks,
            } => (breaks_before, *breaks),
        };
        let block = offset / LINE_BLOCK;
        let before = breaks_before.get(block).copied().unwrap_or(breaks);
        let in_block = text.get(block * LINE_BLOCK..offset).unwrap_or_default();
        before + memchr::memchr_iter(b'\n', in_block).count()
    }

    /// The offset where line `line` (0-based) starts, if the text has it.
    fn start(&self, text: &[u8], line: usize) -> Option<usize> {
        let breaks_before = match self {
            LineIndex::Dense(starts) => return starts.get(line).map(|&start| start as usize),
            LineIndex::Sparse { breaks_before, .. } => breaks_before,
        };
        if line == 0 {
            return Some(0);
        }
        // The block holding the line break that ends line `line - 1`.
        let block = breaks_before
            .partition_point(|&before| before < line)
            .checked_sub(1)?;
        let from = block * LINE_BLOCK;
        let nth = line - 1 - breaks_before.get(block)?;
        let at = memchr::memchr_iter(b'\n', text.get(from..)?).nth(nth)?;
        Some(from + at + 1)
    }
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
    pub fn new(path: impl Into<PathBuf>, text: impl Into<SourceText>) -> Self {
        Self {
            path: path.into(),
            text: text.into(),
            line_index: OnceLock::new(),
            stored: Stored::Utf8,
            lone_cr: OnceLock::new(),
            quote: OnceLock::new(),
            blank_line: None,
            column_memo: std::sync::Mutex::default(),
        }
    }

    /// The same file, with the facts found as its text was validated
    /// ([`SourceText::from_utf8_noting`]) taken as they are rather than found again.
    #[must_use]
    pub fn with_facts(mut self, facts: Option<TextFacts>) -> Self {
        if let Some(facts) = facts {
            self.blank_line = Some(facts.blank_line);
            let _ = self.lone_cr.set(facts.lone_cr);
            let _ = self.quote.set(facts.quote);
            // A short text's lines are indexed densely when first asked for.
            if self.text.len() > DENSE_UP_TO {
                let _ = self.line_index.set(LineIndex::of_counts(facts.breaks));
            }
        }
        self
    }

    /// Whether some line of the text is blank (empty, or `\r`s alone), where its facts were
    /// found as it was validated ([`SourceFile::with_facts`]); `None` where they were not.
    pub fn holds_blank_line(&self) -> Option<bool> {
        self.blank_line
    }

    /// How many line breaks `range` holds: counted from the line index (only the blocks at
    /// its ends byte by byte).
    pub fn line_breaks_in(&self, range: std::ops::Range<usize>) -> usize {
        self.line_of(range.end) - self.line_of(range.start.min(range.end))
    }

    /// Whether the text holds a `"` anywhere.
    pub fn holds_quote(&self) -> bool {
        *self
            .quote
            .get_or_init(|| memchr::memchr(b'"', self.text.as_bytes()).is_some())
    }

    /// The same file, stored as `stored` says.
    #[must_use]
    pub fn stored_as(mut self, stored: Stored) -> Self {
        self.stored = stored;
        self
    }

    pub fn stored(&self) -> &Stored {
        &self.stored
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The name reports give the file: its path, and for a sheet the sheet's name.
    pub fn display_name(&self) -> String {
        match &self.stored {
            Stored::Sheet(sheet) => format!("{} [{}]", self.path.display(), sheet.name),
            _ => self.path.display().to_string(),
        }
    }

    /// The bytes a span covers in the file as stored; `None` for a sheet, whose cells have an
    /// address instead ([`SourceFile::cell_address`]).
    pub fn stored_span(&self, span: Span) -> Option<Span> {
        match &self.stored {
            Stored::Utf8 => Some(span),
            Stored::Decoded(decoded) => {
                let at = |offset: usize| {
                    let line = self.line_of(offset);
                    let start = self.line_start(offset);
                    let prefix = self.text.get(start..offset).unwrap_or_default();
                    decoded.stored_offset(line, prefix)
                };
                let start = at(span.offset);
                Some(Span::new(
                    start,
                    at(span.offset + span.length).saturating_sub(start),
                ))
            }
            Stored::Sheet(_) | Stored::Docx(_) => None,
        }
    }

    /// For a Word document: the paragraph a span is in, and its first and last character
    /// there.
    pub fn paragraph_span(&self, span: Span) -> Option<crate::docx::ParagraphSpan> {
        let Stored::Docx(paragraphs) = &self.stored else {
            return None;
        };
        let (paragraph, start) = paragraphs.locate(span.offset);
        let first = self
            .text
            .get(start..span.offset)
            .map_or(0, |prefix| prefix.chars().count())
            + 1;
        let length = self.slice(span).chars().count();
        Some(crate::docx::ParagraphSpan {
            paragraph,
            first,
            last: first + length.saturating_sub(1),
        })
    }

    /// Where a span is, for a file that is not read as plain lines: a sheet's cell
    /// (`附表10!C7`), a Word document's paragraph and characters (`¶1304, characters 369–373`).
    pub fn address(&self, span: Span) -> Option<String> {
        match &self.stored {
            Stored::Sheet(_) => self.cell_address(span.offset),
            Stored::Docx(_) => self.paragraph_span(span).map(|p| p.to_string()),
            Stored::Utf8 | Stored::Decoded(_) => None,
        }
    }

    /// For a sheet: the address of the cell at `offset`, `附表10!C7`.
    pub fn cell_address(&self, offset: usize) -> Option<String> {
        let Stored::Sheet(sheet) = &self.stored else {
            return None;
        };
        let LineColumn { line, column } = self.line_column(offset);
        let column = u32::try_from(column).ok()?.checked_sub(1)?;
        Some(format!(
            "{}!{}{line}",
            sheet.reference_name(),
            column_letters(column)
        ))
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
        let bytes = self.text.as_bytes();
        let ends = memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len()));
        let mut start = if self.text.starts_with('\u{feff}') {
            3
        } else {
            0
        };
        ends.map(move |end| {
            let line = self.text.get(start..end).unwrap_or_default();
            let span = Span::new(start, line.trim_end_matches('\r').len());
            start = end + 1;
            span
        })
    }

    fn line_index(&self) -> &LineIndex {
        crate::made_once::get_or_make(&self.line_index, || LineIndex::of(&self.text))
    }

    /// The 0-based line holding `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.line_index().line_of(self.text.as_bytes(), offset)
    }

    /// Where line `line` (0-based) starts, if the text has it.
    fn start_of_line(&self, line: usize) -> Option<usize> {
        self.line_index().start(self.text.as_bytes(), line)
    }

    /// Where the line holding `offset` starts.
    fn line_start(&self, offset: usize) -> usize {
        let before = self.text.as_bytes().get(..offset).unwrap_or_default();
        memchr::memrchr(b'\n', before).map_or(0, |at| at + 1)
    }

    /// The text of the line holding `offset`, from the line's start up to `offset`.
    pub fn line_before(&self, offset: usize) -> &str {
        let start = self.line_start(offset);
        self.text.get(start..offset).unwrap_or_default()
    }

    /// The text up to `offset` as an anchor may read it: its line so far, after the previous
    /// non-blank line — the sentence a page break split off, or the paragraph before a figure
    /// that opens its own (`399 家技术转移机构…`) — unless that line is a table row.
    pub fn paragraph_before(&self, offset: usize) -> String {
        let index = self.line_of(offset);
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

    /// Where the text [`SourceFile::paragraph_before`] reads for `offset` starts, found by
    /// walking back from the line's start: `text[start..offset]` is that paragraph with the
    /// whitespace between its lines kept, which normalizing leaves out. An anchored table reads
    /// the paragraph before each of its figures as a slice, not a copy, and a line search per
    /// line walked back through the sparse line index cost more than reading the paragraph.
    pub fn paragraph_start(&self, offset: usize) -> usize {
        let bytes = self.text.as_bytes();
        let line = self.line_start(offset);
        let mut after = line;
        // `after - 1` is the line break that ends the line before.
        while let Some(line_break) = after.checked_sub(1) {
            let start = memchr::memrchr(b'\n', bytes.get(..line_break).unwrap_or_default())
                .map_or(0, |at| at + 1);
            let previous = self.text.get(start..line_break).unwrap_or_default();
            if !previous.trim().is_empty() {
                return if previous.contains('\t') { line } else { start };
            }
            after = start;
        }
        line
    }

    /// The text of line `index` (0-based), without its line break.
    fn line_text(&self, index: usize) -> &str {
        let bytes = self.text.as_bytes();
        let start = self.start_of_line(index).unwrap_or(0);
        let end = memchr::memchr(b'\n', bytes.get(start..).unwrap_or_default())
            .map_or(self.text.len(), |at| start + at + 1);
        self.text
            .get(start..end)
            .unwrap_or_default()
            .trim_end_matches(['\n', '\r'])
    }

    /// 1-based line and character column of a byte offset; in a sheet, the 1-based row and
    /// column of the cell there (`C7` is line 7, column 3); in a Word document, the paragraph
    /// and the character within it.
    pub fn line_column(&self, offset: usize) -> LineColumn {
        if let Some(place) = self.paragraph_span(Span::new(offset, 0)) {
            return LineColumn {
                line: place.paragraph,
                column: place.first,
            };
        }
        let line_index = self.line_of(offset);
        let line_start = self.line_start(offset);
        if let Stored::Sheet(sheet) = &self.stored {
            return LineColumn {
                line: line_index + 1,
                column: sheet.first_column as usize + self.count_to(line_start, offset) + 1,
            };
        }
        LineColumn {
            line: line_index + 1,
            column: self.count_to(line_start, offset) + 1,
        }
    }

    /// Characters (in a sheet, fields passed) from `line_start` to `offset`; on a long line,
    /// counted on from where the last count on it ended, where that lies before `offset`.
    fn count_to(&self, line_start: usize, offset: usize) -> usize {
        let sheet = matches!(self.stored, Stored::Sheet(_));
        let count = |from: usize, quoted: bool| {
            let text = self.text.get(from..offset).unwrap_or_default();
            if sheet {
                fields_passed(text, quoted)
            } else {
                characters(text)
            }
        };
        // Only an offset on a character's boundary is kept, to count on from.
        if offset.saturating_sub(line_start) < MEMO_FROM || !self.text.is_char_boundary(offset) {
            return count(line_start, false).0;
        }
        let Ok(mut memo) = self.column_memo.lock() else {
            return count(line_start, false).0;
        };
        let (from, before, quoted) = if memo.line_start == line_start && memo.offset <= offset {
            (memo.offset, memo.count, memo.quoted)
        } else {
            (line_start, 0, false)
        };
        let (more, quoted) = count(from, quoted);
        *memo = ColumnMemo {
            line_start,
            offset,
            count: before + more,
            quoted,
        };
        before + more
    }
}

/// A source file as miette reads it: shared, not copied, for every diagnostic on it.
#[derive(Debug, Clone)]
pub struct DiagnosticSource(pub SharedSource);

impl SourceFile {
    /// Whether some `\r` is not followed by `\n` (an old Mac line end).
    fn has_lone_cr(&self) -> bool {
        *self.lone_cr.get_or_init(|| {
            let bytes = self.text.as_bytes();
            memchr::memchr_iter(b'\r', bytes).any(|i| bytes.get(i + 1) != Some(&b'\n'))
        })
    }

    /// The lines a diagnostic on `span` shows, with a line of margin on either side: from the
    /// start of the line `before + 1` lines above the span's first, up to the start of the line
    /// `after + 2` lines below its last (or the text's end). The line index of its first line.
    fn window(&self, span: &miette::SourceSpan, before: usize, after: usize) -> (usize, &str) {
        let end = (span.offset() + span.len()).min(self.text.len());
        let first = self.line_of(span.offset()).saturating_sub(before + 1);
        let last = self.line_of(end) + after + 2;
        let start = self.start_of_line(first).unwrap_or(0);
        let stop = self.start_of_line(last).unwrap_or(self.text.len());
        (first, self.text.get(start..stop).unwrap_or_default())
    }
}

impl miette::SourceCode for DiagnosticSource {
    /// What miette's own `str` source gives, read from the lines around the span: that source
    /// counts lines from the file's start for every label, which made a report of many
    /// findings on a large table take time proportional to findings × file size. A file with
    /// a lone `\r` line end is still read miette's way, whose line count it keeps.
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let file = &self.0;
        if file.has_lone_cr() {
            return file
                .text
                .read_span(span, context_lines_before, context_lines_after);
        }
        let (first, window) = file.window(span, context_lines_before, context_lines_after);
        let start = file.start_of_line(first).unwrap_or(0);
        let local = miette::SourceSpan::new(span.offset().saturating_sub(start).into(), span.len());
        let contents = window.read_span(&local, context_lines_before, context_lines_after)?;
        // The window starts at a line start, after `first` line breaks: miette's counts within
        // it, shifted by those, are its counts within the whole text.
        let contents = Box::new(miette::MietteSpanContents::new(
            contents.data(),
            miette::SourceSpan::new(
                (contents.span().offset() + start).into(),
                contents.span().len(),
            ),
            contents.line() + first,
            contents.column(),
            contents.line_count() + first,
        ));
        // A read for the header's line and column has no context; a drawing does, and a long
        // line is drawn cut around the span.
        if context_lines_before == 0 && context_lines_after == 0 {
            return Ok(contents);
        }
        Ok(crate::excerpt::narrowed(contents, span))
    }
}

/// A miette source named after the file's path.
pub fn named(source: &SharedSource) -> miette::NamedSource<DiagnosticSource> {
    miette::NamedSource::new(source.display_name(), DiagnosticSource(source.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_file_is_read_as_text_where_utf8_and_given_back_byte_for_byte_where_not() {
        let text = SourceText::from_utf8("表 1-1,合计\n".as_bytes().to_vec().into()).unwrap();
        assert_eq!(&*text, "表 1-1,合计\n");
        // GBK's 合计, and a lone continuation byte: not UTF-8, handed back to be decoded.
        for bytes in [vec![0xBA, 0xCF, 0xBC, 0xC6], vec![b'a', 0x80]] {
            let back = SourceText::from_utf8(bytes.clone().into()).unwrap_err();
            assert_eq!(&*back, bytes.as_slice());
        }
    }

    /// A line index made on first use from inside rayon's workers, by many of them at once:
    /// it is made in parallel, and a worker waiting on its own half of that making may take up
    /// another task that asks for the same index. Made under `OnceLock::get_or_init`, that
    /// task waited on the lock its own thread held: every worker hung (`check --jobs 8`, the
    /// JSON report's cells).
    #[test]
    fn a_line_index_asked_for_by_every_worker_at_once_is_made_without_a_hang() {
        let text: String = (0..200_000).map(|i| format!("r{i},1.5\n")).collect();
        for round in 0..20 {
            let file = Arc::new(SourceFile::new("wide.csv", text.clone()));
            let (done, finished) = std::sync::mpsc::channel();
            let asking = Arc::clone(&file);
            std::thread::spawn(move || {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(8)
                    .build()
                    .unwrap();
                let lines: Vec<usize> = pool.install(|| {
                    use rayon::prelude::*;
                    (0..4_000)
                        .into_par_iter()
                        .map(|i| asking.line_column(i * 300).line)
                        .collect()
                });
                let _ = done.send(lines.len());
            });
            let made = finished.recv_timeout(std::time::Duration::from_secs(60));
            assert_eq!(made, Ok(4_000), "round {round}: the workers hung");
        }
    }

    /// The facts found beside a large text's validation are the ones its file finds on its
    /// own, pass by pass: its lines and columns, a `"`, a lone `\r` — one just past a task's
    /// blocks, one of `\r\n` split across two tasks, one quote in the last.
    #[test]
    fn the_facts_found_beside_validation_are_the_facts_found_alone() {
        let task = LINE_BLOCK * FACTS_TASK_BLOCKS;
        let line = |i: usize| match i % 5 {
            0 => "\n".to_string(),
            1 => format!("{}\r\n", "长".repeat(i % 40)),
            _ => format!("r{i},1.5,-2\n"),
        };
        let mut text: String = (0..80_000).map(line).collect();
        assert!(text.len() > (2 * task).max(FACTS_FROM) + task);
        // A `\r\n` whose `\r` is the first task's last byte.
        let at = (0..task - 1)
            .rev()
            .find(|&at| text.is_char_boundary(at))
            .unwrap();
        text.insert_str(at, &format!("{}\r\n", "y".repeat(task - 1 - at)));
        let split_crlf = task - 1;
        let lone = (2 * task..2 * task + 4)
            .find(|&at| text.is_char_boundary(at))
            .unwrap();
        let variants = [
            text.clone(),
            format!("{}\rx{}", &text[..lone], &text[lone..]),
            format!("{text}\"q\""),
        ];
        for (variant, text) in variants.iter().enumerate() {
            assert_eq!(&text.as_bytes()[split_crlf..split_crlf + 2], b"\r\n");
            let (read, facts) =
                SourceText::from_utf8_noting(text.as_bytes().to_vec().into()).unwrap();
            let facts = facts.expect("facts of a text past FACTS_FROM");
            assert_eq!(facts.breaks.len(), text.len().div_ceil(LINE_BLOCK));
            assert!(!facts.lines_ended_by_cr());
            let noted = SourceFile::new("n.csv", read).with_facts(Some(facts));
            let alone = SourceFile::new("a.csv", text.clone());
            assert_eq!(noted.has_lone_cr(), variant == 1, "{variant}");
            assert_eq!(alone.has_lone_cr(), variant == 1, "{variant}");
            assert_eq!(noted.holds_quote(), variant == 2, "{variant}");
            assert_eq!(alone.holds_quote(), variant == 2, "{variant}");
            for offset in (0..text.len()).step_by(997).chain([text.len()]) {
                assert_eq!(
                    noted.line_column(offset),
                    alone.line_column(offset),
                    "{variant} {offset}"
                );
            }
        }
    }

    /// A large file that is not UTF-8 is handed back whole, to be decoded; a small one
    /// brings no facts; an old Mac file's lines are found all the same.
    #[test]
    fn facts_come_with_large_utf8_texts_only() {
        let mut bytes = vec![b'a'; FACTS_FROM + 10];
        bytes[FACTS_FROM] = 0x80;
        let back = SourceText::from_utf8_noting(bytes.clone().into()).unwrap_err();
        assert_eq!(&*back, bytes.as_slice());
        let (_, facts) = SourceText::from_utf8_noting(b"a,1\n".to_vec().into()).unwrap();
        assert_eq!(facts, None);
        let mac = "a,1\r".repeat(FACTS_FROM / 4 + 1);
        let (_, facts) = SourceText::from_utf8_noting(mac.into_bytes().into()).unwrap();
        assert!(facts.unwrap().lines_ended_by_cr());
    }

    /// The paragraph a slice from [`SourceFile::paragraph_start`] reads is the one
    /// [`SourceFile::paragraph_before`] copies, whitespace aside: blank lines, `\r\n`, a
    /// previous line that is a table row (a tab), the first line.
    #[test]
    fn a_paragraph_read_in_place_is_the_paragraph_copied() {
        let text = "头一行 开始\n\n \u{3000}\n第二 段\r\n第三段，有 12 项\n表\t1\t2\n其后 45 家\n\n\n末尾 7";
        let source = SourceFile::new("text.txt", text.to_string());
        let strip = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let start = source.paragraph_start(offset);
            let in_place = text.get(start..offset).unwrap_or_default();
            assert_eq!(
                strip(in_place),
                strip(&source.paragraph_before(offset)),
                "{offset}"
            );
        }
    }

    /// Every offset of a text of many blocks falls in the line a count of the line breaks
    /// before it gives, starting where the break before it ends; every line starts after the
    /// line break before it; lines past the last have no start. Both indices, the dense and
    /// the sparse, and the one a file makes for itself, short or long.
    #[test]
    fn both_indices_find_every_line_and_every_offset() {
        for lines in [3_000, 300] {
            let text: String = (0..lines)
                .map(|i| match i % 7 {
                    0 => "\n".to_string(),
                    3 => format!("{}\n", "长".repeat(i % 1_500)),
                    _ => format!("line {i}\r\n"),
                })
                .collect();
            assert!(text.len() > 3 * LINE_BLOCK);
            assert_eq!(text.len() > DENSE_UP_TO, lines == 3_000);
            let file = SourceFile::new("t.txt", text.clone());
            let indices = [
                LineIndex::dense(&text),
                LineIndex::sparse(&text),
                LineIndex::of(&text),
            ];
            for index in &indices {
                finds_every_line_and_every_offset(index, &text);
            }
            finds_every_line_and_every_offset(file.line_index(), &text);
            for offset in (0..=text.len()).step_by(7) {
                let start = text.as_bytes()[..offset].iter().rposition(|&b| b == b'\n');
                assert_eq!(file.line_start(offset), start.map_or(0, |at| at + 1));
            }
        }
    }

    fn finds_every_line_and_every_offset(index: &LineIndex, text: &str) {
        let bytes = text.as_bytes();
        let starts: Vec<usize> = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        for (line, &start) in starts.iter().enumerate() {
            assert_eq!(index.start(bytes, line), Some(start), "line {line}");
        }
        assert_eq!(index.start(bytes, starts.len()), None);
        for offset in (0..=text.len() + 1).step_by(7).chain([
            LINE_BLOCK,
            LINE_BLOCK + 1,
            text.len(),
            text.len() + 3,
        ]) {
            let breaks = starts.partition_point(|&start| start <= offset) - 1;
            assert_eq!(index.line_of(bytes, offset), breaks, "{offset}");
        }
    }

    #[test]
    fn lines_of_a_text_are_its_line_breaks_apart() {
        for text in ["", "a", "a\n", "a\r\nb", "\n\n", "\u{feff}x\ny\r\n"] {
            let file = SourceFile::new("t.txt", text.to_string());
            let expected: Vec<&str> = text
                .trim_start_matches('\u{feff}')
                .split('\n')
                .map(|line| line.trim_end_matches('\r'))
                .collect();
            let lines: Vec<&str> = file.lines().map(|span| file.slice(span)).collect();
            assert_eq!(lines, expected, "{text:?}");
        }
    }

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
    fn the_cells_of_a_wide_row_are_placed_counting_the_row_about_once() {
        // A row of 10 000 cells, some quoted with a comma inside: counted from the line's start
        // for each cell, placing every cell read the row 4 900 times over (268 MB).
        let fields: Vec<String> = (0..10_000)
            .map(|i| {
                if i % 7 == 3 {
                    format!("\"{i},5\"")
                } else {
                    format!("{i}")
                }
            })
            .collect();
        let row = fields.join(",");
        let text = format!("\n类别,{row}\n合计,1\n");
        let sheet = Sheet {
            name: "S".to_string(),
            first_column: 2,
        };
        let file = SourceFile::new("w.xlsx", text.clone()).stored_as(Stored::Sheet(sheet));
        let plain = SourceFile::new("w.csv", text.replace("类别", "类别别"));
        let starts = |text: &str| {
            let line = text.find('\n').unwrap() + 1;
            let mut at = line + text.get(line..).unwrap().find(',').unwrap() + 1;
            let mut starts = Vec::new();
            for field in &fields {
                starts.push(at);
                at += field.len() + 1;
            }
            starts
        };
        crate::tally::take(crate::tally::Work::LineBytes);
        for (index, &offset) in starts(file.text()).iter().enumerate() {
            let place = file.line_column(offset);
            assert_eq!(
                place,
                LineColumn {
                    line: 2,
                    column: index + 4
                }
            );
        }
        let read = crate::tally::take(crate::tally::Work::LineBytes);
        assert!(
            read <= 2 * row.len(),
            "{read} bytes counted for a row of {}",
            row.len()
        );
        let mut column = "类别别,".chars().count() + 1;
        for (field, &offset) in fields.iter().zip(&starts(plain.text())) {
            assert_eq!(plain.line_column(offset), LineColumn { line: 2, column });
            column += field.len() + 1;
        }
        assert!(crate::tally::take(crate::tally::Work::LineBytes) <= 2 * row.len());
        // Back along the row, or on another line, the count starts again from the line's start.
        let back = starts(file.text());
        assert_eq!(file.line_column(back[9_000]).column, 9_004);
        assert_eq!(file.line_column(back[5_000]).column, 5_004);
        assert_eq!(file.line_column(text.rfind('1').unwrap()).column, 4);
    }

    #[test]
    fn a_sheet_names_the_cell_at_an_offset() {
        let sheet = Sheet {
            name: "附表10".to_string(),
            first_column: 1,
        };
        let text = "\n\n类别,\"1,2\",额\n合计,3,4.0\n".to_string();
        let file = SourceFile::new("book.xlsx", text).stored_as(Stored::Sheet(sheet));
        let offset = file.text().find("4.0").unwrap();
        assert_eq!(file.cell_address(offset).as_deref(), Some("附表10!D4"));
        assert_eq!(file.line_column(offset), LineColumn { line: 4, column: 4 });
        assert_eq!(file.stored_span(Span::new(offset, 3)), None);
        assert_eq!(file.display_name(), "book.xlsx [附表10]");
        let spaced = Sheet {
            name: "Table 1".to_string(),
            first_column: 0,
        };
        assert_eq!(spaced.reference_name(), "'Table 1'");
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn a_word_document_names_the_paragraph_and_characters() {
        let read = crate::docx::DocxText {
            text: "第一段\n\n成交额为\t3246.6亿元\n第二行 5\n".to_string(),
            paragraphs: crate::docx::Paragraphs::from_starts(vec![0, 10, 11]),
        };
        let file = SourceFile::new("t.docx", read.text).stored_as(Stored::Docx(read.paragraphs));
        let offset = file.text().find("3246.6").unwrap();
        let span = Span::new(offset, "3246.6".len());
        assert_eq!(file.address(span).as_deref(), Some("¶3, characters 6–11"));
        assert_eq!(file.line_column(offset), LineColumn { line: 3, column: 6 });
        assert_eq!(file.stored_span(span), None);
        // A manual line break keeps the paragraph, and counts as one character.
        let five = file.text().find('5').unwrap();
        assert_eq!(
            file.address(Span::new(five, 1)).as_deref(),
            Some("¶3, character 19")
        );
        assert_eq!(file.display_name(), "t.docx");
    }

    /// Every span of a text with CRLF and LF line ends, blank lines, multi-byte characters and
    /// no final line break, with 0 to 2 lines of context: what miette reads from the whole text.
    #[test]
    fn a_diagnostic_reads_what_miette_reads_from_the_whole_text() {
        use miette::SourceCode;
        let text = "项目,金额\r\n合计,22 398.4\n\n技术开发,1\r\n\r\n甲,2\n乙,3\n丙,\"4\"";
        let file = Arc::new(SourceFile::new("t.csv", text.to_string()));
        let source = DiagnosticSource(file.clone());
        let same = |offset: usize, length: usize, context: usize| {
            let span = miette::SourceSpan::new(offset.into(), length);
            let what = format!("span {offset}+{length}, context {context}");
            match (
                source.read_span(&span, context, context),
                text.read_span(&span, context, context),
            ) {
                (Ok(ours), Ok(theirs)) => {
                    assert_eq!(ours.data(), theirs.data(), "{what}");
                    assert_eq!(ours.span(), theirs.span(), "{what}");
                    assert_eq!(ours.line(), theirs.line(), "{what}");
                    assert_eq!(ours.column(), theirs.column(), "{what}");
                    assert_eq!(ours.line_count(), theirs.line_count(), "{what}");
                }
                (Err(_), Err(_)) => {}
                (ours, theirs) => {
                    panic!("{what}: {:?} but miette {:?}", ours.is_ok(), theirs.is_ok())
                }
            }
        };
        let boundaries: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        for &offset in &boundaries {
            for &end in boundaries.iter().filter(|&&end| end >= offset) {
                for context in 0..3 {
                    same(offset, end - offset, context);
                }
            }
        }
        assert!(!file.has_lone_cr());
        let old_mac = SourceFile::new("t.csv", "a\rb\r\n".to_string());
        assert!(old_mac.has_lone_cr());
    }

    #[test]
    fn span_to_covers_both() {
        assert_eq!(Span::new(3, 2).to(Span::new(10, 4)), Span::new(3, 11));
    }
}
