//! A source as the human report draws it: a line wider than the report is cut down to the
//! columns around the figures it labels, with `…` where it is cut. Findings, lints and the
//! warnings of full-width figures are drawn so; an input error's long line is cut too,
//! unmarked ([`narrowed`]).
//!
//! A paragraph of a text is one line of its file, often a thousand characters and more; drawn
//! whole, it wraps over a dozen terminal lines and the underline under the figure lands far
//! from it. The same holds for a wide sheet's row and a Word document's paragraph.
//!
//! A cut never falls inside a figure (`21 422.6`, `31.5%`) or a spaced word, where what is left
//! would read as a whole. miette places a label by the byte offsets of the text it is given,
//! so an excerpt keeps the byte length of what it stands for: the characters a `…` replaces
//! are as many bytes as the `…` (the cut moved by a character or two to make them so) or, where
//! none are, as the `…` and a space or two beside it.

use crate::source::{DiagnosticSource, SharedSource, Span};
use miette::{MietteError, MietteSpanContents, NamedSource, SourceCode, SourceSpan, SpanContents};
use unicode_width::UnicodeWidthChar;

/// A line wider than this is cut: with the line number before it, it would run past the
/// report's 100 columns.
const TOO_WIDE: usize = 100;

/// The columns of a cut line a diagnostic shows.
const LINE_COLUMNS: usize = 80;

/// Of the columns around a figure, the share before it: a text names what a figure is before
/// it prints it (`成交额为11 673.9亿元`).
const BEFORE_SHARE: (usize, usize) = (2, 3);

const ELLIPSIS: &str = "…";

/// Windows on one line closer than this many bytes are drawn as one: a `…` between them would
/// hide less than it takes.
const MERGE_GAP: usize = 16;

/// Labels on one line closer than this many bytes are drawn in one window however wide: two
/// windows between them would leave no room for their `…`.
const PART_GAP: usize = 24;

/// A file as miette reads it, with the excerpts its long labelled lines are drawn as.
#[derive(Debug)]
pub struct ExcerptedSource {
    file: DiagnosticSource,
    excerpts: Vec<Excerpt>,
    labels: Vec<Span>,
}

/// A cut of one line, as many bytes as the text it stands for.
#[derive(Debug)]
struct Excerpt {
    start: usize,
    text: String,
    /// The line's index in the file, as miette counts lines.
    line: usize,
    /// The bytes of the whole line it is cut from.
    line_range: (usize, usize),
}

/// `source` named after its file, drawn with excerpts of its long lines around `spans`.
pub fn named(source: &SharedSource, spans: &[Span]) -> NamedSource<ExcerptedSource> {
    NamedSource::new(source.display_name(), ExcerptedSource::new(source, spans))
}

impl ExcerptedSource {
    pub fn new(source: &SharedSource, spans: &[Span]) -> Self {
        let file = DiagnosticSource(source.clone());
        let text = source.text();
        let windows = spans
            .iter()
            .filter_map(|span| Window::around(text, *span))
            .collect();
        let excerpts = arranged(windows, text)
            .into_iter()
            .filter_map(|window| window.excerpt(text, &file))
            .collect();
        let excerpts = apart(excerpts, spans);
        ExcerptedSource {
            file,
            excerpts,
            labels: spans.to_vec(),
        }
    }

    fn text(&self) -> &str {
        self.file.0.text()
    }

    /// The excerpt that holds all of `span`.
    fn excerpt_of(&self, span: &SourceSpan) -> Option<&Excerpt> {
        self.excerpts.iter().find(|e| {
            e.start <= span.offset() && span.offset() + span.len() <= e.start + e.text.len()
        })
    }

    /// Whether `span` reaches into a line that has an excerpt.
    fn touches_excerpted_line(&self, span: &SourceSpan) -> bool {
        if self.excerpts.is_empty() {
            return false;
        }
        let text = self.text();
        let (first, _) = line_bounds(text, span.offset());
        let (_, last) = line_bounds(text, span.offset() + span.len());
        self.excerpts
            .iter()
            .any(|e| e.line_range.0 <= last && first <= e.line_range.1)
    }
}

impl SourceCode for ExcerptedSource {
    /// The header's line and column (a read without context) come from the whole file; a
    /// label on a long line is drawn from its excerpt, alone; a span that miette joins from
    /// labels across an excerpted line is refused, which keeps it drawing them apart.
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        if context_lines_before == 0 && context_lines_after == 0 {
            return self.file.read_span(span, 0, 0);
        }
        if let Some(excerpt) = self.excerpt_of(span) {
            return Ok(Box::new(MietteSpanContents::new(
                excerpt.text.as_bytes(),
                SourceSpan::new(excerpt.start.into(), excerpt.text.len()),
                excerpt.line,
                0,
                excerpt.line + 1,
            )));
        }
        let label = Span::new(span.offset(), span.len());
        if !self.labels.contains(&label) && self.touches_excerpted_line(span) {
            return Err(MietteError::OutOfBounds);
        }
        let contents = self
            .file
            .read_span(span, context_lines_before, context_lines_after)?;
        Ok(without_long_context(contents, span))
    }
}

/// A cell's text quoted in a message beyond this many characters is shown by its ends.
const MOST_QUOTED: usize = 40;

/// Text quoted in a diagnostic's title beyond this many characters, wider than its line, is
/// shown by its ends.
pub const MOST_QUOTED_IN_A_TITLE: usize = 120;

/// Text quoted in a diagnostic's help beyond this many characters is shown by its ends: a
/// shorter one may be a line to paste (a table's `symbols = { … }`, 155 characters).
pub const MOST_QUOTED_IN_A_HELP: usize = 400;

/// A cell's `text` quoted in backticks for a message: whole where it is short, else its ends
/// and its length (a cell of 5 000 digits was quoted whole).
pub fn quoted(text: &str) -> String {
    quoted_at_most(text, MOST_QUOTED)
}

fn quoted_at_most(text: &str, most: usize) -> String {
    let count = text.chars().count();
    if count <= most {
        return format!("`{text}`");
    }
    let head: String = text.chars().take(most / 2).collect();
    let tail: String = text.chars().skip(count - most / 4).collect();
    format!("`{head}…{tail}` ({count} characters)")
}

/// `message` with each text it quotes in backticks that is longer than `most` characters
/// shown by its ends and length (a label of 3 000 characters a rule names).
pub fn long_quotes_cut(message: &str, most: usize) -> String {
    let mut parts = message.split('`');
    let mut out = parts.next().unwrap_or_default().to_string();
    let rest: Vec<&str> = parts.collect();
    // Quoted text and what follows it, pair by pair; an unpaired backtick is kept as it is.
    for pair in rest.chunks(2) {
        match pair {
            [inside, after] => {
                out.push_str(&quoted_at_most(inside, most));
                out.push_str(after);
            }
            [alone] => {
                out.push('`');
                out.push_str(alone);
            }
            _ => {}
        }
    }
    out
}

/// A read of `span` with its context lines (`contents`), as an input error draws it: where
/// the line the span starts on is wider than the report, that line alone, cut to the columns
/// around the span; else `contents` without context lines of more than [`CONTEXT_TOO_WIDE`]
/// columns (a rule's title line a little wider than the report still says which rule it is).
/// A data row of three thousand columns, or a rule written on one line of 200 KB, drew its
/// error as the whole line.
///
/// Unlike the report's excerpts, the cut is not marked with `…`: what a source gives miette
/// must be borrowed from it, and an input error's source is the file alone, made before its
/// label is known. The error's header still says where the line is (`T.csv:2:6003`).
pub(crate) fn narrowed<'a>(
    contents: Box<dyn SpanContents<'a> + 'a>,
    span: &SourceSpan,
) -> Box<dyn SpanContents<'a> + 'a> {
    let data = contents.data();
    let base = contents.span().offset();
    let Some(local) = span.offset().checked_sub(base) else {
        return without_context_wider(contents, span, CONTEXT_TOO_WIDE);
    };
    let Ok(text) = std::str::from_utf8(data) else {
        return without_context_wider(contents, span, CONTEXT_TOO_WIDE);
    };
    let (line_start, line_end) = line_bounds(text, local);
    let line = text.get(line_start..line_end).unwrap_or_default();
    if !wider_than(line.as_bytes(), TOO_WIDE) {
        return without_context_wider(contents, span, CONTEXT_TOO_WIDE);
    }
    let span_end = (local + span.len()).min(line_end);
    let (from, to) = columns_around(text, line_start..line_end, local..span_end);
    let above = data.get(..line_start).unwrap_or_default();
    let line_index = contents.line() + memchr::memchr_iter(b'\n', above).count();
    Box::new(MietteSpanContents::new(
        data.get(from..to).unwrap_or_default(),
        SourceSpan::new((base + from).into(), to - from),
        line_index,
        0,
        line_index + 1,
    ))
}

/// The bytes of `line` in `text` shown around `span`: [`LINE_COLUMNS`] in all where the span
/// fits them, a share before it ([`BEFORE_SHARE`]), cut at characters.
fn columns_around(
    text: &str,
    line: std::ops::Range<usize>,
    span: std::ops::Range<usize>,
) -> (usize, usize) {
    let labelled = text.get(span.clone()).unwrap_or_default();
    let label_columns = columns_past(labelled.chars(), LINE_COLUMNS);
    if label_columns > LINE_COLUMNS {
        // A label wider than the columns (a cell of 5 000 digits): its start.
        let mut to = span.start;
        let mut left = LINE_COLUMNS;
        for c in labelled.chars() {
            let Some(rest) = left.checked_sub(char_columns(c)) else {
                break;
            };
            left = rest;
            to += c.len_utf8();
        }
        return (span.start, to);
    }
    let free = LINE_COLUMNS - label_columns;
    let mut before = free * BEFORE_SHARE.0 / BEFORE_SHARE.1;
    let mut after = free - before;
    let mut from = span.start;
    for (at, c) in text
        .get(line.start..span.start)
        .unwrap_or_default()
        .char_indices()
        .rev()
    {
        let Some(left) = before.checked_sub(char_columns(c)) else {
            break;
        };
        before = left;
        from = line.start + at;
    }
    let mut to = span.end;
    for c in text.get(span.end..line.end).unwrap_or_default().chars() {
        let Some(left) = after.checked_sub(char_columns(c)) else {
            break;
        };
        after = left;
        to += c.len_utf8();
    }
    (from, to)
}

/// `contents` without a first or last line that is too wide to show and holds none of `span`.
fn without_long_context<'a>(
    contents: Box<dyn SpanContents<'a> + 'a>,
    span: &SourceSpan,
) -> Box<dyn SpanContents<'a> + 'a> {
    without_context_wider(contents, span, TOO_WIDE)
}

/// A context line of an input error wider than this is left out.
const CONTEXT_TOO_WIDE: usize = 4 * TOO_WIDE;

/// `contents` without a first or last line wider than `columns` that holds none of `span`.
fn without_context_wider<'a>(
    contents: Box<dyn SpanContents<'a> + 'a>,
    span: &SourceSpan,
    columns: usize,
) -> Box<dyn SpanContents<'a> + 'a> {
    let data = contents.data();
    let base = contents.span().offset();
    let mut line = contents.line();
    let (mut from, mut to) = (0, data.len());
    let first_end = memchr::memchr(b'\n', data).map_or(data.len(), |at| at + 1);
    if base + first_end <= span.offset()
        && wider_than(data.get(..first_end).unwrap_or_default(), columns)
    {
        from = first_end;
        line += 1;
    }
    let body = data.get(..data.len().saturating_sub(1)).unwrap_or_default();
    let last_start = memchr::memrchr(b'\n', body).map_or(0, |at| at + 1);
    if last_start >= from
        && base + last_start >= span.offset() + span.len()
        && last_start > 0
        && wider_than(data.get(last_start..).unwrap_or_default(), columns)
    {
        to = last_start;
    }
    if (from, to) == (0, data.len()) {
        return contents;
    }
    Box::new(MietteSpanContents::new(
        data.get(from..to).unwrap_or_default(),
        SourceSpan::new((base + from).into(), to - from),
        line,
        0,
        contents.line_count(),
    ))
}

fn too_wide(line: &[u8]) -> bool {
    wider_than(line, TOO_WIDE)
}

/// Whether `line` takes more than `columns` columns. Most lines fit by their length alone: no
/// character but a tab takes more columns than its UTF-8 bytes.
fn wider_than(line: &[u8], columns: usize) -> bool {
    if line.len() <= columns && memchr::memchr(b'\t', line).is_none() {
        return false;
    }
    let chars = line.utf8_chunks().flat_map(|chunk| chunk.valid().chars());
    columns_past(chars, columns) > columns
}

/// The columns of `chars`, counted no further than past `cap`: a line of megabytes costs no
/// more than its first hundred columns.
fn columns_past(chars: impl Iterator<Item = char>, cap: usize) -> usize {
    let mut used = 0;
    for c in chars {
        used += char_columns(c);
        if used > cap {
            break;
        }
    }
    used
}

/// A tab as miette draws it (at most 4 columns), any other character by its width.
fn char_columns(c: char) -> usize {
    if c == '\t' { 4 } else { c.width().unwrap_or(0) }
}

/// The windows of labels that overlap on one line drawn as one where the labels fit the
/// columns together, else parted halfway between the labels.
fn arranged(mut windows: Vec<Window>, text: &str) -> Vec<Window> {
    windows.sort_by_key(|w| w.labelled);
    let mut arranged: Vec<Window> = Vec::with_capacity(windows.len());
    for window in windows {
        let Some(last) = arranged.last_mut() else {
            arranged.push(window);
            continue;
        };
        if last.line_start != window.line_start || window.start > last.end + MERGE_GAP {
            arranged.push(window);
            continue;
        }
        match last.joined(window, text) {
            Some(joined) => *last = joined,
            None => {
                let (before, after) = last.parted(window, text);
                *last = before;
                arranged.push(after);
            }
        }
    }
    arranged
}

/// The excerpts that overlap no other and cut through no label: miette draws a label that a
/// drawn line holds only in part as one running over several lines, a garbled drawing. The
/// arrangement makes no such excerpt; were one to slip through, its labels are drawn from
/// their whole lines.
fn apart(excerpts: Vec<Excerpt>, labels: &[Span]) -> Vec<Excerpt> {
    let mut kept: Vec<Excerpt> = Vec::with_capacity(excerpts.len());
    for excerpt in excerpts {
        let (start, end) = (excerpt.start, excerpt.start + excerpt.text.len());
        let cuts_a_label = labels.iter().any(|label| {
            let label_end = label.offset + label.length;
            let inside = start <= label.offset && label_end <= end;
            let outside = label_end <= start || end <= label.offset;
            !inside && !outside
        });
        let overlaps = kept
            .iter()
            .any(|other| start < other.start + other.text.len() && other.start < end);
        if !cuts_a_label && !overlaps {
            kept.push(excerpt);
        }
    }
    kept
}

/// The byte range of the line that holds `offset`, without its line end.
fn line_bounds(text: &str, offset: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let offset = offset.min(bytes.len());
    let start = memchr::memrchr2(b'\n', b'\r', bytes.get(..offset).unwrap_or_default())
        .map_or(0, |at| at + 1);
    let end = memchr::memchr2(b'\n', b'\r', bytes.get(offset..).unwrap_or_default())
        .map_or(bytes.len(), |at| offset + at);
    (start, end)
}

/// The part of a long line shown around its labelled spans, before its cut ends are marked.
#[derive(Debug, Clone, Copy)]
struct Window {
    line_start: usize,
    line_end: usize,
    start: usize,
    end: usize,
    /// From the first labelled span's start to the last one's end: never cut.
    labelled: (usize, usize),
    /// Where the window may start at the earliest: the line's start, or where it was parted
    /// from the window before it, which a later join must not reach back over.
    earliest: usize,
}

impl Window {
    /// The columns around `span` where its line is too wide to show; `None` where the line
    /// fits, or the span runs past its line.
    fn around(text: &str, span: Span) -> Option<Window> {
        let (line_start, line_end) = line_bounds(text, span.offset);
        let span_end = span.offset.checked_add(span.length)?;
        let line = text.get(line_start..line_end)?;
        if span_end > line_end || !too_wide(line.as_bytes()) {
            return None;
        }
        let line = (line_start, line_end);
        Window::fitted(text, line, line_start, (span.offset, span_end))
    }

    /// The columns of the line around the `labelled` bytes, none before `earliest`: two
    /// thirds of the room before them, a third after, and what one side cannot use for the
    /// other.
    fn fitted(
        text: &str,
        line: (usize, usize),
        earliest: usize,
        labelled: (usize, usize),
    ) -> Option<Window> {
        let before_text = text.get(earliest..labelled.0)?;
        let after_text = text.get(labelled.1..line.1)?;
        let labels = text.get(labelled.0..labelled.1)?;
        let free = LINE_COLUMNS.saturating_sub(columns_past(labels.chars(), LINE_COLUMNS));
        let share = free * BEFORE_SHARE.0 / BEFORE_SHARE.1;
        let before = columns_past(before_text.chars().rev(), free);
        let after = columns_past(after_text.chars(), free);
        let before_budget = share.max(free.saturating_sub(after)).min(before);
        let after_budget = free.saturating_sub(before_budget).min(after);
        Some(Window {
            line_start: line.0,
            line_end: line.1,
            start: labelled.0 - taken(before_text.chars().rev(), before_budget),
            end: labelled.1 + taken(after_text.chars(), after_budget),
            labelled,
            earliest,
        })
    }

    /// One window, fitted around the labels of both, where they fit the columns together or
    /// are too close to part.
    fn joined(self, next: Window, text: &str) -> Option<Window> {
        let labelled = (
            self.labelled.0.min(next.labelled.0),
            self.labelled.1.max(next.labelled.1),
        );
        let together = text.get(labelled.0..labelled.1)?;
        let fits = columns_past(together.chars(), LINE_COLUMNS) <= LINE_COLUMNS;
        let close = next.labelled.0 < self.labelled.1 + PART_GAP;
        if !fits && !close {
            return None;
        }
        let line = (self.line_start, self.line_end);
        Window::fitted(text, line, self.earliest, labelled)
    }

    /// Two windows that overlap, cut back to either side of the middle between their labels,
    /// with room between them for each one's `…` (a window's `…` stands for at most 6 bytes).
    fn parted(self, next: Window, text: &str) -> (Window, Window) {
        let middle = (self.labelled.1 + next.labelled.0) / 2;
        let end = text.floor_char_boundary(middle.saturating_sub(PART_GAP / 2 - 3));
        let start = text.ceil_char_boundary(middle + PART_GAP / 2 - 3);
        let start = next.start.max(start.min(next.labelled.0));
        (
            Window {
                end: self.end.min(end.max(self.labelled.1)),
                ..self
            },
            Window {
                start,
                earliest: start,
                ..next
            },
        )
    }

    /// The excerpt: the window with a `…` for the characters just outside it, where the line
    /// goes on.
    fn excerpt(self, text: &str, file: &DiagnosticSource) -> Option<Excerpt> {
        let line = text.get(self.line_start..self.line_end)?;
        let at = |offset: usize| offset - self.line_start;
        let lead = lead_cut(line, at(self.start), at(self.labelled.0));
        let tail = tail_cut(line, at(self.end), at(self.labelled.1));
        let shown_from = lead.map_or(0, |cut| cut.shown);
        let shown_to = tail.map_or(line.len(), |cut| cut.shown);
        let mut excerpt = String::new();
        if let Some(cut) = lead {
            excerpt.extend(std::iter::repeat_n(' ', cut.padding()));
            excerpt.push_str(ELLIPSIS);
        }
        excerpt.push_str(line.get(shown_from..shown_to)?);
        if let Some(cut) = tail {
            excerpt.push_str(ELLIPSIS);
            excerpt.extend(std::iter::repeat_n(' ', cut.padding()));
        }
        let start = self.line_start + lead.map_or(0, |cut| cut.shown - cut.hidden);
        let line = file
            .read_span(&SourceSpan::new(start.into(), 0), 0, 0)
            .ok()?
            .line();
        Some(Excerpt {
            start,
            text: excerpt,
            line,
            line_range: (self.line_start, self.line_end),
        })
    }
}

/// Where a line is cut: from `shown` the text is shown, and the `hidden` bytes next to it
/// (whole characters, at least a `…`'s worth) are drawn as the `…`.
#[derive(Debug, Clone, Copy)]
struct Cut {
    shown: usize,
    hidden: usize,
}

impl Cut {
    /// Spaces beside the `…` where the characters it stands for are more bytes than it.
    fn padding(self) -> usize {
        self.hidden - ELLIPSIS.len()
    }
}

/// The cut before the text from about `from`, moved no further than `limit`: `None` where the
/// whole start of the line is shown.
fn lead_cut(line: &str, from: usize, limit: usize) -> Option<Cut> {
    let after_from = line
        .get(from..limit)?
        .char_indices()
        .map(|(at, _)| from + at);
    let candidates: Vec<usize> = after_from.chain([limit]).collect();
    let hidden_before = |shown: usize| {
        let before = line.get(..shown)?;
        marker_bytes(before.chars().rev()).filter(|&bytes| bytes < before.len())
    };
    choose_cut(line, &candidates, hidden_before)
}

/// The cut after the text up to about `to`, moved back no further than `limit`: `None` where
/// the whole end of the line is shown.
fn tail_cut(line: &str, to: usize, limit: usize) -> Option<Cut> {
    let before_to = line
        .get(limit..to)?
        .char_indices()
        .map(|(at, _)| limit + at);
    let mut candidates: Vec<usize> = before_to.collect();
    candidates.push(to);
    candidates.reverse();
    let hidden_after = |shown: usize| {
        let after = line.get(shown..)?;
        marker_bytes(after.chars()).filter(|&bytes| bytes < after.len())
    };
    choose_cut(line, &candidates, hidden_after)
}

/// The first candidate that splits no figure or word, or one of the next few that do not
/// either where the `…` stands for exactly its own bytes (no spaces beside it); `None` where
/// the line's end is near enough to show whole.
fn choose_cut(
    line: &str,
    candidates: &[usize],
    hidden_beside: impl Fn(usize) -> Option<usize>,
) -> Option<Cut> {
    let whole = |&shown: &usize| !splits_a_word(line, shown);
    // A word that runs all the way to the label is cut where the columns ran out.
    let first = candidates.iter().position(&whole);
    let near = candidates
        .get(first.unwrap_or(0)..)
        .unwrap_or_default()
        .iter()
        .take(4);
    let cuts: Vec<Cut> = near
        .filter(|shown| first.is_none() || whole(shown))
        .map(|&shown| hidden_beside(shown).map(|hidden| Cut { shown, hidden }))
        .collect::<Option<Vec<Cut>>>()?;
    cuts.iter()
        .find(|cut| cut.hidden == ELLIPSIS.len())
        .or(cuts.first())
        .copied()
}

/// Whether a cut at byte `at` of `line` falls inside a figure (`21 422.6`, `31.5%`) or a word
/// of a script that spaces its words: a `…` there would leave part of it looking like a whole.
fn splits_a_word(line: &str, at: usize) -> bool {
    let (Some(before), Some(after)) = (line.get(..at), line.get(at..)) else {
        return false;
    };
    let mut back = before.chars().rev();
    let mut ahead = after.chars();
    let (Some(left), Some(right)) = (back.next(), ahead.next()) else {
        return false;
    };
    let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
    let groups_thousands = |c: char, before: Option<char>, after: Option<char>| {
        matches!(c, ' ' | '\u{a0}' | '\u{202f}') && digit(before) && digit(after)
    };
    let joins = |c: char| {
        (c.is_alphanumeric() && char_columns(c) < 2) || matches!(c, '.' | ',' | '%' | '\'')
    };
    (joins(left) || groups_thousands(left, back.next(), Some(right)))
        && (joins(right) || groups_thousands(right, Some(left), ahead.next()))
}

/// The bytes of the fewest whole characters, taken in order, that a `…` can stand for.
fn marker_bytes(chars: impl Iterator<Item = char>) -> Option<usize> {
    let mut bytes = 0;
    for c in chars {
        bytes += c.len_utf8();
        if bytes >= ELLIPSIS.len() {
            return Some(bytes);
        }
    }
    None
}

/// The bytes of the characters, taken in order, that fit in `budget` columns.
fn taken(chars: impl Iterator<Item = char>, budget: usize) -> usize {
    let mut used = 0;
    let mut bytes = 0;
    for c in chars {
        used += char_columns(c);
        if used > budget {
            break;
        }
        bytes += c.len_utf8();
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;
    use std::sync::Arc;

    fn columns(text: &str) -> usize {
        columns_past(text.chars(), usize::MAX)
    }

    fn source(text: &str) -> SharedSource {
        Arc::new(SourceFile::new("text.txt", text.to_string()))
    }

    fn span_of(text: &str, figure: &str) -> Span {
        Span::new(text.find(figure).unwrap(), figure.len())
    }

    /// The text miette draws for `span` (with a line of context, as the report asks), and
    /// where that text starts in the file.
    fn drawn(excerpted: &ExcerptedSource, span: Span) -> (String, usize) {
        let contents = excerpted
            .read_span(&SourceSpan::new(span.offset.into(), span.length), 1, 1)
            .unwrap();
        let data = std::str::from_utf8(contents.data()).unwrap().to_string();
        (data, contents.span().offset())
    }

    /// A paragraph of 190 characters (380 columns) with `figure` after its 120th.
    fn paragraph(figure: &str) -> String {
        let filler = "技术合同成交额持续增长，企业主体地位稳固。";
        let before: String = filler.chars().cycle().take(120).collect();
        let after: String = filler.chars().cycle().skip(3).take(70).collect();
        format!("标题\n\n{before}{figure}{after}\n\n结语\n")
    }

    #[test]
    fn a_figure_in_a_long_paragraph_is_drawn_with_the_columns_around_it_and_a_mark_at_each_cut() {
        let text = paragraph("31.5%");
        let figure = span_of(&text, "31.5%");
        let excerpted = ExcerptedSource::new(&source(&text), &[figure]);
        let (data, start) = drawn(&excerpted, figure);
        assert!(data.starts_with('…') && data.ends_with('…'), "{data}");
        assert!(columns(&data) <= LINE_COLUMNS + 2, "{data}");
        // Between its marks, the very bytes of the text, so the label lands on the figure.
        let inner = ELLIPSIS.len()..data.len() - ELLIPSIS.len();
        assert_eq!(
            data.get(inner.clone()),
            text.get(start + inner.start..start + inner.end)
        );
        let at = figure.offset - start;
        assert_eq!(data.get(at..at + figure.length), Some("31.5%"));
        // Two thirds of the room before the figure, where the text names it.
        let (before, after) = data.split_at(at);
        assert!(columns(before) > columns(after), "{data}");
        // No other line: the blank lines around a paragraph tell nothing.
        assert!(!data.contains('\n'));
    }

    #[test]
    fn the_header_still_gives_the_figure_s_place_in_the_whole_file() {
        let text = paragraph("31.5%");
        let figure = span_of(&text, "31.5%");
        let excerpted = ExcerptedSource::new(&source(&text), &[figure]);
        let whole = DiagnosticSource(source(&text));
        let at = SourceSpan::new(figure.offset.into(), figure.length);
        let ours = excerpted.read_span(&at, 0, 0).unwrap();
        let file = whole.read_span(&at, 0, 0).unwrap();
        assert_eq!((ours.line(), ours.column()), (file.line(), file.column()));
        assert_eq!(ours.line(), 2);
    }

    #[test]
    fn a_line_that_fits_is_drawn_whole_with_its_neighbours() {
        let text = "表头,2020年,2021年\n合计,28 251.5,37 294.3\n技术开发,217 580,8874.1\n";
        let figure = span_of(text, "37 294.3");
        let excerpted = ExcerptedSource::new(&source(text), &[figure]);
        assert_eq!(drawn(&excerpted, figure), (text.to_string(), 0));
    }

    #[test]
    fn a_cut_never_leaves_part_of_a_figure_looking_whole() {
        // Figures of every shape just where the columns run out, on either side.
        for neighbour in ["21 422.6亿元", "1218.2", "31.5%", "Umsatzsteuer", "75304家"] {
            for shift in 0..12 {
                let pad: String = "增".repeat(shift);
                let filler: String = "技术合同成交额".chars().cycle().take(60).collect();
                let text = format!(
                    "{filler}{neighbour}{pad}{}达到9.6%{}{pad}{neighbour}{filler}\n",
                    "额".repeat(26),
                    "额".repeat(12)
                );
                let figure = span_of(&text, "9.6%");
                let excerpted = ExcerptedSource::new(&source(&text), &[figure]);
                let (data, _) = drawn(&excerpted, figure);
                let shown = data.trim_matches([' ', '…']);
                let first = shown.chars().next().unwrap();
                let last = shown.chars().next_back().unwrap();
                let whole_start = shown.starts_with(neighbour) || !neighbour.contains(first);
                let whole_end = shown.ends_with(neighbour) || !neighbour.contains(last);
                assert!(whole_start && whole_end, "{neighbour}, {shift}: {data}");
            }
        }
    }

    #[test]
    fn the_mark_stands_alone_where_the_cut_can_be_moved_to_make_it_fit() {
        // A letter and a character by turns: cut beside the letter, the `…` would stand for
        // four bytes; one character further, for three.
        for shift in ["", "技", "a", "技a"] {
            let words = "技a".repeat(60);
            let text = format!("{shift}{words}9.6%{words}{shift}\n");
            let figure = span_of(&text, "9.6%");
            let (data, _) = drawn(&ExcerptedSource::new(&source(&text), &[figure]), figure);
            assert!(data.starts_with('…') && data.ends_with('…'), "{data}");
            assert!(!data.contains(' '), "{shift}: {data}");
        }
        // Two-byte letters only: no cut makes a three-byte `…` fit, so a space pads it.
        let words = "Größe ".repeat(40);
        let text = format!("{words}9.6%{words}\n");
        let figure = span_of(&text, "9.6%");
        let (data, start) = drawn(&ExcerptedSource::new(&source(&text), &[figure]), figure);
        assert_eq!(
            data.get(figure.offset - start..).unwrap().get(..4),
            Some("9.6%")
        );
        assert!(data.starts_with('…') || data.starts_with(' '), "{data}");
    }

    /// The excerpts drawn for two labels, each holding its own figure and not the other's.
    fn drawn_apart(
        excerpted: &ExcerptedSource,
        (first, first_figure): (Span, &str),
        (second, second_figure): (Span, &str),
    ) -> (String, String) {
        let (first, _) = drawn(excerpted, first);
        let (second, _) = drawn(excerpted, second);
        assert!(
            first.contains(first_figure) && !first.contains(second_figure),
            "{first}"
        );
        assert!(
            second.contains(second_figure) && !second.contains(first_figure),
            "{second}"
        );
        (first, second)
    }

    #[test]
    fn two_figures_far_apart_on_one_line_are_drawn_apart_and_near_ones_together() {
        let text = paragraph("31.5%").replace("结语", &"结".repeat(10));
        let text = text.replacen("企业", "74 家", 1);
        let far = [span_of(&text, "74 家"), span_of(&text, "31.5%")];
        let excerpted = ExcerptedSource::new(&source(&text), &far);
        drawn_apart(&excerpted, (far[0], "74 家"), (far[1], "31.5%"));
        // miette asks for the span from the first label to the last before it draws them as
        // one: refused, it draws each on its own.
        let joined = SourceSpan::new(far[0].offset.into(), far[1].offset - far[0].offset + 5);
        assert!(excerpted.read_span(&joined, 1, 1).is_err());
        let near = [span_of(&text, "31.5%"), Span::new(far[1].offset + 9, 3)];
        let excerpted = ExcerptedSource::new(&source(&text), &near);
        let (both, _) = drawn(&excerpted, near[0]);
        assert_eq!(drawn(&excerpted, near[1]).0, both);
    }

    #[test]
    fn figures_too_far_apart_to_share_the_columns_are_drawn_apart_though_their_columns_overlap() {
        // 74 columns apart: together with the gap they take 83, but each one's 80 columns reach
        // past where the other's start.
        let text = format!(
            "{}达到74 家，{}达到36 家，{}\n",
            "技术".repeat(60),
            "增长".repeat(17),
            "合同".repeat(60)
        );
        let labels = [span_of(&text, "74 家"), span_of(&text, "36 家")];
        let excerpted = ExcerptedSource::new(&source(&text), &labels);
        let (first, second) = drawn_apart(&excerpted, (labels[0], "74 家"), (labels[1], "36 家"));
        for drawn in [first, second] {
            assert!(columns(&drawn) <= LINE_COLUMNS + 2, "{drawn}");
        }
    }

    #[test]
    fn an_excerpt_that_would_cut_through_a_label_or_overlap_another_is_dropped() {
        let excerpt = |start: usize, length: usize| Excerpt {
            start,
            text: "x".repeat(length),
            line: 0,
            line_range: (0, 100),
        };
        let labels = [Span::new(10, 4), Span::new(50, 4)];
        let kept = apart(
            vec![
                excerpt(0, 20),
                excerpt(15, 10),
                excerpt(40, 12),
                excerpt(45, 20),
            ],
            &labels,
        );
        let kept: Vec<(usize, usize)> = kept.iter().map(|e| (e.start, e.text.len())).collect();
        // (15, 10) overlaps the first; (40, 12) ends inside 50–54; (45, 20) holds it whole.
        assert_eq!(kept, [(0, 20), (45, 20)]);
    }

    #[test]
    fn a_long_line_beside_a_labelled_one_is_left_out() {
        let long = "技术".repeat(80);
        let text = format!("{long}\n合计,37 294.3\n{long}\n");
        let figure = span_of(&text, "37 294.3");
        let excerpted = ExcerptedSource::new(&source(&text), &[figure]);
        let (data, start) = drawn(&excerpted, figure);
        assert_eq!(data, "合计,37 294.3\n");
        assert_eq!(start, long.len() + 1);
        let contents = excerpted
            .read_span(&SourceSpan::new(figure.offset.into(), figure.length), 1, 1)
            .unwrap();
        assert_eq!(contents.line(), 1);
    }

    /// Lines of letters, figures, spaces, tabs and wide characters, with labels anywhere on
    /// them: each label is read back where it was, and no line drawn is wider than the report.
    fn lines_and_labels() -> impl proptest::strategy::Strategy<Value = (String, Vec<Span>)> {
        use proptest::prelude::*;
        let piece = prop::sample::select(vec![
            "技", "术", "a", "b", "1", "2", ".", ",", "%", " ", "ü", "\t", "é", "1 234", "。",
        ]);
        let line = prop::collection::vec(piece, 1..300).prop_map(|pieces| pieces.concat());
        let end = prop::sample::select(vec!["\n", "\r\n"]);
        let text = prop::collection::vec((line, end), 1..5).prop_map(|lines| {
            lines
                .into_iter()
                .map(|(line, end)| format!("{line}{end}"))
                .collect::<String>()
        });
        text.prop_flat_map(|text| {
            let starts: Vec<usize> = text
                .char_indices()
                .filter(|&(_, c)| !matches!(c, '\n' | '\r'))
                .map(|(at, _)| at)
                .collect();
            let chosen = prop::collection::vec((prop::sample::select(starts), 1..4usize), 1..4);
            (Just(text), chosen)
        })
        .prop_map(|(text, chosen)| {
            let spans = chosen
                .into_iter()
                .map(|(start, chars)| {
                    let rest = text.get(start..).unwrap_or_default();
                    let length = rest
                        .chars()
                        .take_while(|c| !matches!(c, '\n' | '\r'))
                        .take(chars)
                        .map(char::len_utf8)
                        .sum();
                    Span::new(start, length)
                })
                .collect();
            (text, spans)
        })
    }

    /// Whether two of `spans` are on one line of `text` closer than [`PART_GAP`] bytes.
    fn close_pair(text: &str, spans: &[Span]) -> bool {
        spans.iter().any(|a| {
            spans.iter().any(|b| {
                let gap = b.offset.saturating_sub(a.offset + a.length);
                a.offset < b.offset
                    && gap < PART_GAP
                    && !text[a.offset..b.offset].contains(['\n', '\r'])
            })
        })
    }

    /// Each of `spans` is drawn where it is in `text`, on no line wider than the report unless
    /// two labels are too close to part, and miette draws each as the one-line label it is.
    fn drawn_in_place(
        text: &str,
        spans: &[Span],
    ) -> Result<(), proptest::test_runner::TestCaseError> {
        let excerpted = ExcerptedSource::new(&source(text), spans);
        for span in spans {
            let (data, start) = drawn(&excerpted, *span);
            let at = span.offset - start;
            proptest::prop_assert_eq!(
                data.get(at..at + span.length),
                text.get(span.offset..span.offset + span.length),
                "{:?} in {:?}",
                span,
                data
            );
            for line in data.lines() {
                proptest::prop_assert!(
                    columns(line) <= TOO_WIDE || close_pair(text, spans),
                    "{:?}",
                    line
                );
            }
        }
        // A label that a drawn line held only in part would be drawn as one running over
        // lines (`╭─▶`).
        let labels = spans
            .iter()
            .map(|span| miette::LabeledSpan::new(Some("x".into()), span.offset, span.length));
        let report = miette::Report::new(miette::MietteDiagnostic::new("t").with_labels(labels))
            .with_source_code(named(&source(text), spans));
        let mut out = String::new();
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_width(100)
            .render_report(&mut out, report.as_ref())
            .unwrap();
        proptest::prop_assert!(!out.contains("Failed to read"), "{}", out);
        proptest::prop_assert!(!out.contains('▶'), "{}", out);
        Ok(())
    }

    #[test]
    fn a_label_given_twice_beside_another_is_drawn_from_an_excerpt() {
        let text = "béé bé技技1 234ü技,\t术a。%é,%\té  术1 234é..技 术。aa术a技ba.22a%b1,.é技a。\t%ü%术éa技。1 234技。1技üb1 234。b术1 ü.%2。b\t,üé2\t。1术 术%bb é%1übüb1 234é技 é2术%212,1b,é技,21 234技术11 2341 234术。\t2。1 234b.ü术., 1,üa2,技技。%22,ü%%1 234ü1,1a %2ü\n";
        let spans = [Span::new(106, 6), Span::new(106, 6), Span::new(0, 1)];
        drawn_in_place(text, &spans).unwrap();
    }

    #[test]
    fn a_label_joined_after_a_parting_does_not_reach_back_over_it() {
        // Labels at characters 40, 80 and 81 of 190 wide ones: the first two are parted, the
        // third joins the second, and the joined window must not be fitted afresh from the
        // line's start, over the first one's window.
        let line: String = "技术合同成交额持续增长企业主体地位稳固"
            .chars()
            .cycle()
            .take(190)
            .collect();
        let text = format!("{line}\n");
        let at = |chars: usize| Span::new(chars * '技'.len_utf8(), '技'.len_utf8());
        let spans = [at(40), at(80), at(81)];
        let excerpted = ExcerptedSource::new(&source(&text), &spans);
        for span in spans {
            let (data, _) = drawn(&excerpted, span);
            assert!(
                data.contains(ELLIPSIS),
                "{span:?} drawn from its whole line: {data}"
            );
        }
        drawn_in_place(&text, &spans).unwrap();
    }

    proptest::proptest! {
        #[test]
        fn every_label_is_drawn_where_it_is_and_no_drawn_line_is_too_wide(
            (text, spans) in lines_and_labels()
        ) {
            drawn_in_place(&text, &spans)?;
        }
    }
}
