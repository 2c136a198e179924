//! A table's data rows read into its cells: each line of plain figures scanned in one pass
//! ([`super::scan`]), any other split into fields and each field read as the column's format
//! says, side by side in parts for a long file. What the rows give besides their cells — row
//! labels, flags, nils, errors and warnings — is gathered in row order ([`Chunk`]).

use super::cells::Narrowing;
use super::label::{Label, LabelPath};
use super::lines::Part;
use super::misshapen;
use super::read::{MAX_ERRORS_PER_FILE, Record, split_into};
use super::scan;
use super::{Cell, TableError, TableWarning};
use crate::format::figure::{self as declared_figure, Reading};
use crate::format::{ColumnFormat, Meaning, ambiguity};
use crate::number::{Figure, read_figure};
use crate::source::{SharedSource, Span, named};
use rayon::prelude::*;
use std::borrow::Cow;

/// What a run of data rows gives besides its cells: the label cells of each row, one after the
/// other (`label_columns` per row), errors and warnings (up to [`MAX_ERRORS_PER_FILE`] each,
/// and how many more there were).
#[derive(Default)]
pub(super) struct Chunk {
    pub(super) labels: Vec<Option<Label>>,
    /// With a single label field, each row's path, made here rather than from `labels` once
    /// all rows are read: a record file's million labels are then never held twice.
    pub(super) paths: Vec<LabelPath>,
    /// Flags read off figures, by cell index in the table.
    pub(super) flags: Vec<(usize, Box<str>)>,
    /// The cells (by index in the table) that print a nil symbol: exact zeros.
    pub(super) nils: Vec<usize>,
    /// Whether a figure was too large for a cell of 4 bytes ([`Slots::Narrow`]).
    pub(super) too_large: bool,
    /// Whether a part held fewer rows than it was counted as: a line of only delimiters, no
    /// row, that a count from the file's line breaks took for one ([`super::lines`]).
    pub(super) fewer_rows: bool,
    pub(super) errors: Vec<TableError>,
    pub(super) more_errors: usize,
    pub(super) warnings: Vec<TableWarning>,
    pub(super) more_warnings: usize,
}

impl Chunk {
    /// Add what a later run of rows gave, after what this one holds: each list kept in row
    /// order, each count summed. Errors and warnings are kept whole here (each run kept its
    /// first); the file keeps its first once every run is in.
    fn absorb(&mut self, later: Chunk) {
        self.labels.extend(later.labels);
        self.paths.extend(later.paths);
        self.flags.extend(later.flags);
        self.nils.extend(later.nils);
        self.fewer_rows |= later.fewer_rows;
        self.too_large |= later.too_large;
        self.errors.extend(later.errors);
        self.more_errors += later.more_errors;
        self.warnings.extend(later.warnings);
        self.more_warnings += later.more_warnings;
    }

    fn error(&mut self, error: impl FnOnce() -> TableError) {
        if self.errors.len() < MAX_ERRORS_PER_FILE {
            self.errors.push(error());
        } else {
            self.more_errors += 1;
        }
    }
}

/// Where a run of data rows is read to: its cells, its records' starts in the file, and (for
/// a table of one label column, else empty) its rows' paths.
struct Target<'t> {
    cells: Slots<'t>,
    starts: &'t mut [u32],
    paths: &'t mut [LabelPath],
}

/// Where a run of rows' figures go: cells of 8 bytes, or of 4 ([`Cell::narrow`]) for a long
/// record file, whose read stops at the first figure too large for them.
enum Slots<'t> {
    Wide(&'t mut [Cell]),
    Narrow(&'t mut [u32]),
}

impl<'t> Slots<'t> {
    fn split_at_mut(self, at: usize) -> (Slots<'t>, Slots<'t>) {
        match self {
            Slots::Wide(cells) => {
                let (left, right) = cells.split_at_mut(at.min(cells.len()));
                (Slots::Wide(left), Slots::Wide(right))
            }
            Slots::Narrow(cells) => {
                let (left, right) = cells.split_at_mut(at.min(cells.len()));
                (Slots::Narrow(left), Slots::Narrow(right))
            }
        }
    }
}

/// The plain lines of a part read into rows of 4-byte cells, one after the other.
struct Run<'a> {
    /// The text up to the part's end.
    bytes: &'a [u8],
    delimiter: u8,
    narrowing: &'a Narrowing,
}

impl Run<'_> {
    /// Scan lines from `at` on ([`scan::plain_line_into`]), a row a line, into `starts`
    /// and `slots` (rows of `width` cells): until a line the scan leaves (one with a figure
    /// too large for 4 bytes too) or the end of the slots. Where the next line starts and
    /// how many rows were read.
    fn read(
        &self,
        at: usize,
        width: usize,
        starts: &mut [u32],
        slots: &mut [u32],
    ) -> (usize, usize) {
        // A record file declares every column alike: its cells' exactness is then one
        // constant, not looked up by column for each figure (each loop made once).
        match self.narrowing.alike() {
            Some(exactness) => self.read_with(at, width, (starts, slots), |_, cell| {
                Narrowing::narrow_figure_as(exactness, cell)
            }),
            None => self.read_with(at, width, (starts, slots), |column, cell| {
                self.narrowing.narrow_figure(column, cell)
            }),
        }
    }

    // Compiled on its own, so that its code, a record file's hot loop, does not move with what
    // is compiled around it (inlined into its caller it took 958 or 980 M instructions at 10⁶
    // rows as unrelated code changed).
    #[inline(never)]
    fn read_with(
        &self,
        mut at: usize,
        width: usize,
        (starts, slots): (&mut [u32], &mut [u32]),
        narrow: impl Fn(usize, Cell) -> Option<u32>,
    ) -> (usize, usize) {
        let mut rows = 0;
        for (start, row) in starts.iter_mut().zip(slots.chunks_exact_mut(width.max(1))) {
            let store = |slot: &mut u32, column, cell| match narrow(column, cell) {
                Some(bits) => {
                    *slot = bits;
                    true
                }
                None => false,
            };
            let Some(line) = scan::plain_line_into(self.bytes, at, self.delimiter, row, store)
            else {
                break;
            };
            // read_text refuses files past 4 GiB, so every offset fits.
            *start = u32::try_from(at).unwrap_or(u32::MAX);
            at = line.next;
            rows += 1;
        }
        (at, rows)
    }
}

/// A table's data rows, as its file was split: records the csv crate read (a file with
/// quotes), or the parts of its lines (any other).
pub(super) enum DataRows<'t> {
    Records(&'t [Record]),
    Lines(&'t [Part]),
}

/// A table's data rows read: their cells (8 bytes each, or 4 in `narrow` for a long record
/// file whose figures fit), each row's start in the file, and what the rows gave besides,
/// in row order.
pub(super) struct RowsRead {
    pub(super) cells: Vec<Cell>,
    pub(super) narrow: Option<crate::pages::Pages<u32>>,
    pub(super) starts: crate::pages::Pages<u32>,
    pub(super) read: Chunk,
}

/// Reads data rows into a [`Chunk`].
pub(super) struct RowReader<'a> {
    pub(super) source: &'a SharedSource,
    pub(super) width: usize,
    /// Fields that hold labels: the label columns, then any text columns.
    pub(super) label_fields: &'a [usize],
    /// Fields that hold figures, in column order.
    pub(super) figure_fields: &'a [usize],
    /// Each figure column's format, in column order.
    pub(super) formats: &'a [&'a ColumnFormat],
    /// The byte between fields.
    pub(super) delimiter: u8,
    /// Whether the rows are labelled on demand ([`Table::with_rows_on_demand`]): then no
    /// row's path is made as it is read.
    pub(super) rows_on_demand: bool,
    /// Whether each row label is looked at for a character typed in full width
    /// ([`Self::full_width_label`]): where rows are labelled as they are read and the file
    /// holds such a character at all ([`crate::number::holds_full_width_digits`], one search of the
    /// file). Looking at each of a million ASCII row labels cost 1 % of reading them.
    pub(super) full_width: bool,
}

impl RowReader<'_> {
    /// Whether the table's rows may be read by [`Self::read_plain`]: one label field first,
    /// figures in every other, each in the book's format.
    fn reads_plain(&self) -> bool {
        self.label_fields == [0]
            && self.figure_fields.iter().copied().eq(1..self.width)
            && self.formats.iter().all(|format| format.legacy)
    }

    /// A line of plain figures after its label (`17,843.2,-3`) read in one pass, without
    /// splitting it into fields first: each figure as [`make_cell`] reads it
    /// ([`plain_figure`]). `false` where the line holds anything else (a `—`, a space, a field
    /// too many), which [`Self::read_row`] then reads and reports; `cells` may then hold some
    /// of the line's figures.
    fn read_plain(&self, text: &str, line: Span, cells: &mut [Cell]) -> bool {
        let bytes = text
            .as_bytes()
            .get(line.offset..line.offset + line.length)
            .unwrap_or_default();
        let Some(label_end) = memchr::memchr(self.delimiter, bytes) else {
            return false;
        };
        let mut start = label_end + 1;
        let mut slots = cells.iter_mut();
        loop {
            let Some((cell, end)) = plain_figure(bytes, start, self.delimiter)
                .or_else(|| grouped_figure(bytes, start, self.delimiter))
            else {
                return false;
            };
            let Some(slot) = slots.next() else {
                return false;
            };
            *slot = cell;
            if end >= bytes.len() {
                break;
            }
            start = end + 1;
        }
        slots.next().is_none()
    }

    /// Read every data line, in parts side by side: figures into `cells`, each record's start
    /// into `starts`, and with one label column each row's path into `paths` where it has a
    /// slot for every row (else into the chunks).
    fn read_parts(&self, text: &str, parts: &[Part], target: Target<'_>) -> Vec<Chunk> {
        let width = self.figure_fields.len();
        let Target {
            mut cells,
            mut starts,
            mut paths,
        } = target;
        let mut jobs = Vec::with_capacity(parts.len());
        for part in parts {
            let (part_cells, rest) = cells.split_at_mut(part.rows * width);
            let (part_starts, rest_starts) = starts.split_at_mut(part.rows.min(starts.len()));
            let (part_paths, rest_paths) = paths.split_at_mut(part.rows.min(paths.len()));
            jobs.push((part, (part_cells, part_starts, part_paths)));
            (cells, starts, paths) = (rest, rest_starts, rest_paths);
        }
        jobs.into_par_iter()
            .map(|(part, (cells, starts, paths))| {
                let target = Target {
                    cells,
                    starts,
                    paths,
                };
                self.read_part(text, part, target)
            })
            .collect()
    }

    /// Read a part's lines into its slots of the table: a line of plain figures as it is
    /// scanned ([`scan::plain_line`]), any other as [`Self::read_line`] reads it.
    fn read_part(&self, text: &str, part: &Part, target: Target<'_>) -> Chunk {
        let mut chunk = Chunk::default();
        let width = self.figure_fields.len();
        let mut split = (
            Vec::with_capacity(self.width),
            Vec::with_capacity(self.width),
        );
        let plain = self.reads_plain() && plain_delimiter(self.delimiter);
        let scanned = plain && scan::scannable(self.delimiter);
        let Target {
            mut cells,
            starts,
            paths,
        } = target;
        let mut buffer = vec![Cell::PLACEHOLDER; width];
        let narrowing = Narrowing::new(self.formats.iter().map(|format| format.exact));
        let range = part.range();
        let bytes = text.as_bytes().get(..range.end).unwrap_or_default();
        let mut at = range.start;
        let mut row = 0;
        // A record file's rows of 4-byte cells, labelled on demand: its runs of plain lines
        // are read by a loop of their own, with nothing else to keep.
        let runs = scanned && self.rows_on_demand && matches!(cells, Slots::Narrow(_));
        while at < bytes.len() && row < starts.len() {
            if runs && let Slots::Narrow(cells) = &mut cells {
                let run = Run {
                    bytes,
                    delimiter: self.delimiter,
                    narrowing: &narrowing,
                };
                let run_starts = starts.get_mut(row..).unwrap_or_default();
                let slots = cells.get_mut(row * width..).unwrap_or_default();
                let (next, rows) = run.read(at, width, run_starts, slots);
                (at, row) = (next, row + rows);
                if at >= bytes.len() || row >= starts.len() {
                    break;
                }
            }
            let row_cells = match &mut cells {
                Slots::Wide(cells) => cells
                    .get_mut(row * width..(row + 1) * width)
                    .unwrap_or_default(),
                Slots::Narrow(_) => &mut buffer,
            };
            // A line a run stopped at is not scanned again.
            let scan = (scanned && !runs)
                .then(|| scan::plain_line(bytes, at, self.delimiter, row_cells))
                .flatten();
            let (line, path) = if let Some(scan) = scan {
                let line = Span::new(at, scan.end - at);
                at = scan.next;
                let path = (!self.rows_on_demand)
                    .then(|| super::rows::first_field_label(text, line, self.delimiter, None));
                (line, path)
            } else {
                let (line, next) = super::lines::line_at(text, at, bytes.len(), self.delimiter);
                at = next;
                let Some(line) = line else { continue };
                let read = (line, row_cells, part.first_row + row);
                (
                    line,
                    self.read_line(text, read, plain, &mut split, &mut chunk),
                )
            };
            if let Some(start) = starts.get_mut(row) {
                // read_text refuses files past 4 GiB, so every offset fits.
                *start = u32::try_from(line.offset).unwrap_or(u32::MAX);
            }
            if let Slots::Narrow(cells) = &mut cells
                && !narrowing.store(&buffer, cells.get_mut(row * width..).unwrap_or_default())
            {
                chunk.too_large = true;
                return chunk;
            }
            match (path, paths.get_mut(row)) {
                (Some(path), Some(slot)) => *slot = path,
                (Some(path), None) => chunk.paths.push(path),
                (None, _) => {}
            }
            row += 1;
        }
        chunk.fewer_rows = row < starts.len();
        chunk
    }

    /// Read a line the scan leaves (row `row` of the table) into its cells: as
    /// [`Self::read_plain`] reads it where the table's rows are `plain`, else (or where that
    /// fails) split into fields into the reused buffers `split`. The row's path, unless the
    /// rows are labelled on demand.
    fn read_line<'t>(
        &self,
        text: &'t str,
        (line, cells, row): (Span, &mut [Cell], usize),
        plain: bool,
        (fields, spans): &mut (Vec<&'t str>, Vec<Span>),
        chunk: &mut Chunk,
    ) -> Option<LabelPath> {
        if plain && self.read_plain(text, line, cells) {
            if self.rows_on_demand {
                return None;
            }
            let path = super::rows::first_field_label(text, line, self.delimiter, None);
            if self.full_width {
                self.full_width_label(chunk, path.last());
            }
            return Some(path);
        }
        cells.fill(Cell::PLACEHOLDER);
        split_into(text, (line, self.delimiter), fields, spans);
        let at = row * self.figure_fields.len();
        let path = self.read_row(fields, spans, line, (cells, at), chunk);
        path.filter(|_| !self.rows_on_demand)
    }

    /// Read a table's `data_rows` data rows: a long record file's into cells of 4 bytes
    /// where they fit, any other into cells of 8; with one label column, each row's path
    /// written in place where the rows are read in parts, rather than gathered from the parts
    /// and copied into one vector after (a copy of 56 MB, and its pages, on one core).
    pub(super) fn read_rows(&self, text: &str, data: DataRows<'_>, data_rows: usize) -> RowsRead {
        let width = self.figure_fields.len();
        let single_label = self.label_fields.len() == 1;
        let mut cells = Vec::new();
        let mut narrow = None;
        let mut line_paths: Vec<LabelPath> = Vec::new();
        // A record file's million starts in pages of their own: 4 MB of the heap's small pages
        // were a thousand page faults.
        let mut starts = crate::pages::Pages::<u32>::zeroed(data_rows);
        let chunks: Vec<Chunk> = match data {
            DataRows::Records(records) => {
                for (start, record) in starts.iter_mut().zip(records) {
                    // read_text refuses files past 4 GiB, so every offset fits.
                    *start = u32::try_from(record.span.offset).unwrap_or(u32::MAX);
                }
                cells.resize(data_rows * width, Cell::PLACEHOLDER);
                vec![self.read_owned(records, &mut cells)]
            }
            DataRows::Lines(parts) => {
                // A table of one part has nothing to gather.
                if single_label && parts.len() > 1 && !self.rows_on_demand {
                    line_paths.par_extend(rayon::iter::repeat_n(LabelPath::default(), data_rows));
                }
                let narrowed = if self.rows_on_demand && self.reads_plain() {
                    self.read_narrow(text, parts, &mut starts)
                } else {
                    None
                };
                match narrowed {
                    Some((narrowed, chunks)) => {
                        narrow = Some(narrowed);
                        chunks
                    }
                    None => {
                        // Filled side by side: a record file's cells are first touched by
                        // every core.
                        cells.par_extend(rayon::iter::repeat_n(
                            Cell::PLACEHOLDER,
                            data_rows * width,
                        ));
                        let target = Target {
                            cells: Slots::Wide(&mut cells),
                            starts: &mut starts,
                            paths: &mut line_paths,
                        };
                        self.read_parts(text, parts, target)
                    }
                }
            }
        };
        let mut read = Chunk {
            labels: Vec::with_capacity(if single_label { 0 } else { data_rows }),
            paths: if line_paths.is_empty() {
                Vec::with_capacity(if single_label { data_rows } else { 0 })
            } else {
                line_paths
            },
            ..Chunk::default()
        };
        for chunk in chunks {
            read.absorb(chunk);
        }
        RowsRead {
            cells,
            narrow,
            starts,
            read,
        }
    }

    /// Read every data line into cells of 4 bytes, where every figure fits one; `None` as soon
    /// as one does not (the lines are then read again into cells of 8).
    fn read_narrow(
        &self,
        text: &str,
        parts: &[Part],
        starts: &mut [u32],
    ) -> Option<(crate::pages::Pages<u32>, Vec<Chunk>)> {
        let count = parts.last().map_or(0, |p| p.first_row + p.rows) * self.figure_fields.len();
        let mut cells = crate::pages::Pages::zeroed(count);
        let target = Target {
            cells: Slots::Narrow(&mut cells),
            starts,
            paths: &mut [],
        };
        let chunks = self.read_parts(text, parts, target);
        if chunks.iter().any(|chunk| chunk.too_large) {
            return None;
        }
        Some((cells, chunks))
    }

    fn read_owned(&self, records: &[Record], cells: &mut [Cell]) -> Chunk {
        let mut chunk = Chunk::default();
        let width = self.figure_fields.len();
        let rows = records.iter().zip(cells.chunks_mut(width.max(1)));
        for (row, (record, row_cells)) in rows.enumerate() {
            let fields: Vec<&str> = record.fields.iter().map(String::as_str).collect();
            let at = row * width;
            let path = self.read_row(
                &fields,
                &record.spans,
                record.span,
                (row_cells, at),
                &mut chunk,
            );
            chunk.paths.extend(path);
        }
        chunk
    }

    /// Read a row's fields into its cells, the first of which is cell `at` of the table; with
    /// one label column, the row's path (its labels otherwise go into `chunk`).
    fn read_row(
        &self,
        fields: &[&str],
        spans: &[Span],
        span: Span,
        (cells, at): (&mut [Cell], usize),
        chunk: &mut Chunk,
    ) -> Option<LabelPath> {
        // A row of another width is read for its labels only: which field holds which
        // column's figure cannot be told (a note line below the rows, a dropped cell, an
        // unquoted `1,234`), so its cells are unreadable and the rest of the table is checked.
        let misshapen = fields.len() != self.width;
        if misshapen {
            chunk.error(|| misshapen::ragged(self.source, span, (fields.len(), self.width), true));
            cells.fill(Cell::UNREADABLE);
        }
        let field = |index: usize| fields.get(index).copied().zip(spans.get(index).copied());
        let label = |index: usize| {
            field(index)
                .filter(|(text, _)| !text.trim().is_empty())
                .map(|(text, span)| Label::new(text, span))
        };
        let path = if let [only] = self.label_fields {
            let made = label(*only);
            if self.full_width {
                self.full_width_label(chunk, made.as_ref());
            }
            Some(LabelPath::single(made))
        } else {
            for &index in self.label_fields {
                let made = label(index);
                if self.full_width {
                    self.full_width_label(chunk, made.as_ref());
                }
                chunk.labels.push(made);
            }
            None
        };
        if misshapen {
            return path;
        }
        let figures = self.figure_fields.iter().filter_map(|&index| field(index));
        let cells = cells.iter_mut().zip(self.formats).enumerate();
        for ((text, span), (column, (slot, format))) in figures.zip(cells) {
            let read = if format.legacy {
                make_cell(format, text)
            } else {
                read_declared(format, text, (at + column, chunk))
            };
            match read {
                Ok((cell, read_as)) => {
                    *slot = cell;
                    if read_as.is_some() {
                        self.full_width(chunk, text, span);
                    }
                }
                Err((message, help)) => {
                    *slot = Cell::UNREADABLE;
                    chunk.error(|| TableError::BadNumber {
                        source_code: named(self.source),
                        span: span.into(),
                        message,
                        help,
                    });
                }
            }
        }
        path
    }

    /// A row label typed with full-width digits (`２０２１年`) is named as its ASCII twin
    /// ([`super::label::normalize`]) and warned of, as a figure typed so is.
    fn full_width_label(&self, chunk: &mut Chunk, label: Option<&Label>) {
        if let Some(label) = label
            && crate::number::holds_full_width_digits(label.text())
        {
            self.full_width(chunk, label.text(), label.span());
        }
    }

    fn full_width(&self, chunk: &mut Chunk, text: &str, span: Span) {
        if chunk.warnings.len() < MAX_ERRORS_PER_FILE {
            chunk
                .warnings
                .push(TableWarning::full_width(self.source, span, text));
        } else {
            chunk.more_warnings += 1;
        }
    }
}

/// Whether a delimiter leaves a plain figure's bytes (digits, `.` and `-`) to the figure.
fn plain_delimiter(delimiter: u8) -> bool {
    delimiter.is_ascii() && !delimiter.is_ascii_digit() && delimiter != b'.' && delimiter != b'-'
}

/// The field from `start` up to the next `delimiter` (or the end) as a cell, where it is a
/// figure [`crate::number::parse_plain`] reads without grouping (`-843.2`): the same cell
/// [`make_cell`] gives, read as a line is scanned ([`scan::figure`]). The end of the field
/// with it; `None` for any other field.
fn plain_figure(bytes: &[u8], start: usize, delimiter: u8) -> Option<(Cell, usize)> {
    let field = bytes.get(start..)?;
    let (cell, length) = scan::figure(field)?;
    match field.get(length) {
        Some(&byte) if byte != delimiter => None,
        _ => Some((cell, start + length)),
    }
}

/// The field from `start` up to the next `delimiter` as [`make_cell`] reads it first, with
/// spaces grouping its thousands (`22 398.4`, [`crate::number::parse_plain`]); `None` for a
/// field that takes the general reading.
fn grouped_figure(bytes: &[u8], start: usize, delimiter: u8) -> Option<(Cell, usize)> {
    let rest = bytes.get(start..)?;
    let end = memchr::memchr(delimiter, rest).map_or(bytes.len(), |at| start + at);
    let (mantissa, scale) = crate::number::parse_plain(bytes.get(start..end)?)?;
    Some((Cell::from_parts(mantissa, scale)?, end))
}

/// What a figure the book's own reading refuses (not a number, a stray character) needs: the setting a
/// comma needs where no format is declared, else what the declared reader's refusal names (a
/// flag, a symbol, `percent`, `()` for negatives, or a slip to correct); that reader reads
/// the same figures in ASCII as the book's reading does, and says more of the others. A
/// figure typed in full width is the book's reading's alone.
fn legacy_help(format: &ColumnFormat, text: &str) -> Option<Cow<'static, str>> {
    if !format.declared
        && let Some(comma) = ambiguity::comma_help(text)
    {
        return Some(comma.into());
    }
    if text.chars().any(|c| crate::number::ascii_twin(c).is_some()) {
        return None;
    }
    declared_figure::read(format, text)
        .err()
        .map(|unread| unread.help.into())
}

/// What a bad figure's diagnostic suggests.
const FIGURE_HELP: &str =
    "a data cell holds a number such as `22 398.4`, or `—` for not applicable";

/// A cell from its text, read as the book prints (`format` being the book's), and the ASCII
/// text it was read as if it was typed in full width; or why it is not a figure, and what to
/// do.
fn make_cell(
    format: &ColumnFormat,
    text: &str,
) -> Result<(Cell, Option<String>), (String, Cow<'static, str>)> {
    let too_long = || {
        let message = format!(
            "`{}` has more digits than crossfoot holds (16)",
            text.trim()
        );
        (message, FIGURE_HELP.into())
    };
    if let Some((mantissa, scale)) = crate::number::parse_plain(text.as_bytes()) {
        return Cell::from_parts(mantissa, scale)
            .map(|cell| (cell, None))
            .ok_or_else(too_long);
    }
    match read_figure(text) {
        Ok((Figure::Value(value), read_as)) => Cell::value(value, false)
            .map(|cell| (cell, read_as))
            .ok_or_else(too_long),
        Ok((Figure::NotApplicable, read_as)) => Ok((Cell::not_applicable(), read_as)),
        Err(error @ crate::number::NumberError::AmbiguousWide { .. }) => Err((
            error.to_string(),
            "retype it in ASCII: a space separates thousands (`1 000`), a point marks the \
             decimals (`1.000`)"
                .into(),
        )),
        Err(error) => Err((
            error.to_string(),
            legacy_help(format, text).unwrap_or(FIGURE_HELP.into()),
        )),
    }
}

/// A cell read with a declared format; its flags and whether it is nil are noted in `chunk`
/// as cell `index` of the table.
fn read_declared(
    format: &ColumnFormat,
    text: &str,
    (index, chunk): (usize, &mut Chunk),
) -> Result<(Cell, Option<String>), (String, Cow<'static, str>)> {
    let read = declared_figure::read(format, text)
        .map_err(|unread| (unread.message, unread.help.into()))?;
    if let Some(flag) = read.flag {
        chunk.flags.push((index, flag.into_boxed_str()));
    }
    let cell = match read.reading {
        Reading::Value(value) => Cell::value(value, false).ok_or_else(|| {
            let message = format!(
                "`{}` has more digits than crossfoot holds (16)",
                text.trim()
            );
            (message, FIGURE_HELP.into())
        })?,
        Reading::Absent(Meaning::Nil) => {
            chunk.nils.push(index);
            Cell::absent(Meaning::Nil)
        }
        Reading::Absent(meaning) => Cell::absent(meaning),
    };
    Ok((cell, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_figure_is_read_as_a_cell_as_the_line_is_scanned() {
        let read = |field: &str| plain_figure(field.as_bytes(), 0, b',');
        assert_eq!(
            read("843.2,1"),
            Some((Cell::from_parts(8432, 1).unwrap(), 5))
        );
        assert_eq!(read("-0.50"), Some((Cell::from_parts(-50, 2).unwrap(), 5)));
        for refused in [
            "",
            "-",
            ".5",
            "5.",
            "1.2.3",
            "1 000",
            "—",
            "1e3",
            "1234567890123456789",
        ] {
            assert_eq!(read(refused), None, "{refused:?}");
        }
    }

    proptest::proptest! {
        /// A figure the scan reads is the cell the general reading gives it.
        #[test]
        fn a_scanned_figure_is_the_cell_make_cell_gives(field in r"-?[0-9.]{0,20}( [0-9]{3})?") {
            if let Some((cell, end)) = plain_figure(field.as_bytes(), 0, b',') {
                proptest::prop_assert_eq!(end, field.len());
                proptest::prop_assert_eq!(make_cell(&ColumnFormat::default(), &field).ok().map(|(c, _)| c), Some(cell));
            }
        }

        /// A field is read as a figure exactly where it prints one the scan reads whole (a
        /// sign, digits, at most one point with digits on both sides, at most 18 bytes after
        /// the sign), as the general reading reads it: at the 24-bit limit of a narrow cell,
        /// with leading zeros, more bytes than a word holds, or none that reads at all.
        #[test]
        fn a_field_is_a_plain_figure_where_it_prints_one(
            field in r"(-?[0-9]{0,19}(\.[0-9]{0,3})?|-?838860\.[6-9]|-?838860[6-9]|—| 1|1 000|1\.2\.3|\.5|-\.5|1e3)",
            tail in r"[0-9,\n.]{0,10}",
        ) {
            let text = format!("{field},{tail}");
            let unsigned = field.strip_prefix('-').unwrap_or(&field);
            let (whole, decimals) = unsigned.split_once('.').unwrap_or((unsigned, "1"));
            let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
            let plain = digits(whole) && digits(decimals) && unsigned.len() <= 18;
            // A figure of more digits than a cell holds is no cell, either way.
            let read = make_cell(&ColumnFormat::default(), &field).ok().map(|(cell, _)| (cell, field.len()));
            let expected = read.filter(|_| plain);
            proptest::prop_assert_eq!(plain_figure(text.as_bytes(), 0, b','), expected);
        }

        /// A line the scan reads is the line found by its line break and split at its
        /// delimiters, each field a plain figure: whatever its fields and its line end.
        #[test]
        fn a_scanned_line_is_the_line_split(
            lines in proptest::collection::vec(
                (
                    r"(r1|x|\r|é|long label)",
                    proptest::collection::vec(r"(12|-3\.25|0\.0|007|838860\.7|-838860\.8|12345678\.9|—||1 234|x)", 0..5),
                    r"(\n|\r\n|\r\r\n|\n\n)",
                ),
                1..8,
            ),
            width in 1usize..5,
            final_break: bool,
        ) {
            let mut text = String::new();
            for (label, fields, end) in &lines {
                text.push_str(label);
                for field in fields {
                    text.push(',');
                    text.push_str(field);
                }
                text.push_str(end);
            }
            if !final_break {
                text.truncate(text.trim_end_matches(['\r', '\n']).len());
            }
            let bytes = text.as_bytes();
            let mut cells = vec![Cell::PLACEHOLDER; width];
            let mut at = 0;
            while at < bytes.len() {
                let (line, next) = super::super::lines::line_at(&text, at, bytes.len(), b',');
                if let Some(scanned) = scan::plain_line(bytes, at, b',', &mut cells) {
                    proptest::prop_assert_eq!(line, Some(Span::new(at, scanned.end - at)));
                    proptest::prop_assert_eq!(next.min(bytes.len()), scanned.next);
                    let split: Vec<&str> = text[at..scanned.end].split(',').skip(1).collect();
                    proptest::prop_assert_eq!(split.len(), width);
                    for (field, cell) in split.iter().zip(&cells) {
                        let read = plain_figure(field.as_bytes(), 0, b',').map(|(cell, _)| cell);
                        proptest::prop_assert_eq!(read, Some(*cell));
                    }
                }
                at = next;
            }
        }

        /// So is a figure with grouping spaces the scan leaves to `parse_plain`.
        #[test]
        fn a_grouped_figure_is_the_cell_make_cell_gives(field in r"-?[0-9]{1,4}( [0-9]{2,4}){0,3}(\.[0-9]{0,2})?") {
            if let Some((cell, end)) = grouped_figure(field.as_bytes(), 0, b',') {
                proptest::prop_assert_eq!(end, field.len());
                proptest::prop_assert_eq!(make_cell(&ColumnFormat::default(), &field).ok().map(|(c, _)| c), Some(cell));
            }
        }
    }
}
