//! CSV → [`Table`], with the byte span of every cell.
//!
//! The csv crate checks the file's structure and unquotes fields, but its field positions are
//! relative to the unquoted record. [`field_spans`] recovers each field's byte range in the
//! file itself, so a report can point at `"1,234"` even when it was quoted.

use super::blank_tail;
use super::formatted;
use super::label::{Label, LabelPath, is_count_unit};
use super::misshapen;
use super::row_reader::{Chunk, DataRows, RowReader, RowsRead};
use super::shape::Shape;
use super::{Cell, Grid, Table, TableError, TableMeta, TableWarning};
use crate::decode::{ReadOptions, Text, decode_declared};
use crate::format::{ColumnFormat, TableFormat};
use crate::source::{SharedSource, SourceFile, Span, Stored, named};
use rayon::prelude::*;
use smallvec::SmallVec;
use std::path::Path;
use std::sync::Arc;

/// How a table's CSV is laid out, and how its figures print.
#[derive(Debug, Clone)]
pub struct Layout {
    pub header_rows: usize,
    pub label_columns: usize,
    /// Columns after the label columns that hold text (a name in a name list): their cells
    /// become part of the row's labels, after the label columns'.
    pub text_columns: Vec<String>,
    /// The number format of the table and of its columns, as `tables.toml` declares them.
    pub format: TableFormat,
    /// The field separator, the lines around the table to leave out, the encoding.
    pub shape: Shape,
    /// What the data set declares about its labels: total rows, footnote markers.
    pub labels: std::sync::Arc<super::formatted::Labels>,
}

/// Stop collecting cell errors past this many in one file.
pub(crate) const MAX_ERRORS_PER_FILE: usize = 50;

/// Read a file as text (UTF-8, or detected as [`crate::decode`] says), refusing files too
/// large to address with 32-bit offsets.
pub fn read_text(path: &Path) -> Result<SharedSource, TableError> {
    read_text_with(path, &ReadOptions::default())
}

/// [`read_text`], with `--encoding` and a place for notices about the encodings used.
pub fn read_text_with(path: &Path, options: &ReadOptions) -> Result<SharedSource, TableError> {
    read_bounded(path, options, super::limits::ADDRESSABLE, None)
}

/// The book's text: a Word document (`.docx`, read as [`crate::docx`] says: one line per
/// paragraph, spans naming the paragraph) or a text file ([`read_text_with`]). A `.docx`, and
/// its document part once decompressed, may hold at most `--max-table-size` bytes (default
/// 1 GiB).
pub fn read_book_text(path: &Path, options: &ReadOptions) -> Result<SharedSource, TableError> {
    if !crate::docx::is_docx(path) {
        return read_text_with(path, options);
    }
    // The zip's directory is read whole: the file is bounded as its document part is.
    let limit = options.max_table_bytes();
    let bytes = crate::input_file::read(path, limit).map_err(|e| TableError::refused(path, e))?;
    let read = crate::docx::read_archive(path, std::io::Cursor::new(bytes), limit)?;
    Ok(Arc::new(
        SourceFile::new(path, read.text).stored_as(Stored::Docx(read.paragraphs)),
    ))
}

/// [`read_text_with`], refusing a file of more than `limit` bytes, or one that is not a
/// regular file, before reading it ([`crate::input_file::read`]).
fn read_bounded(
    path: &Path,
    options: &ReadOptions,
    limit: u64,
    declared: Option<&'static encoding_rs::Encoding>,
) -> Result<SharedSource, TableError> {
    let bytes = crate::input_file::read(path, limit).map_err(|e| TableError::refused(path, e))?;
    let Text {
        text,
        decoded,
        facts,
    } = decode_declared(path, bytes, options, declared)?;
    // GBK's two bytes become three in UTF-8: the text, not only the file, must fit.
    if text.len() > u32::MAX as usize {
        return Err(TableError::TooLarge {
            path: path.to_path_buf(),
            size: Some(text.len() as u64),
            limit: super::limits::ADDRESSABLE,
        });
    }
    let source = SourceFile::new(path, text).with_facts(facts);
    Ok(Arc::new(match decoded {
        Some(decoded) => source.stored_as(Stored::Decoded(decoded)),
        None => source,
    }))
}

/// One CSV record, owned: its fields' text (unquoted) and byte spans in the file.
#[derive(Clone)]
pub(super) struct Record {
    pub(super) fields: Vec<String>,
    pub(super) spans: Vec<Span>,
    pub(super) span: Span,
}

/// Read a table from a CSV file.
pub fn read_table(
    path: &Path,
    meta: TableMeta,
    layout: Layout,
    options: &ReadOptions,
) -> Result<Table, Vec<TableError>> {
    let limit = options.max_table_bytes();
    let source = read_bounded(path, options, limit, layout.shape.encoding).map_err(|e| vec![e])?;
    parse_table(&source, meta, layout)
}

/// Build a table from CSV text already read.
///
/// A file without any `"` has one record per non-empty line, so its lines are parsed in
/// parallel; a file with quotes goes through the csv crate record by record.
pub fn parse_table(
    source: &SharedSource,
    meta: TableMeta,
    layout: Layout,
) -> Result<Table, Vec<TableError>> {
    let text = source.text();
    let quoted = source.holds_quote();
    let shape = layout.shape;
    let delimiter = shape.delimiter;
    let line_shape = Shape {
        header_rows: layout.header_rows,
        ..shape
    };
    let (owned, lines) = if quoted {
        let records = parse_records(source, delimiter).map_err(|e| vec![e])?;
        (shape.table_records(records), None)
    } else {
        let lines = super::lines::table_lines(text, &line_shape, Some(source));
        (Vec::new(), Some(lines))
    };
    let headers: Vec<Record> = match &lines {
        None => owned.iter().take(layout.header_rows).cloned().collect(),
        Some(lines) => lines
            .headers
            .iter()
            .map(|&span| split_line(text, span, delimiter).into_owned())
            .collect(),
    };
    let record_count = lines
        .as_ref()
        .map_or(owned.len(), |lines| lines.headers.len() + lines.data_rows);
    let width = headers.first().map_or(0, |r| r.fields.len());
    if record_count == 0 {
        return Err(vec![TableError::EmptyFile {
            path: source.path().to_path_buf(),
        }]);
    }
    if record_count < layout.header_rows || width <= layout.label_columns {
        return Err(vec![misshapen::too_few(
            source,
            headers.first(),
            delimiter,
            (record_count, layout.header_rows, layout.label_columns),
        )]);
    }
    let mut errors: Vec<TableError> = headers
        .iter()
        .filter(|r| r.fields.len() != width)
        .map(|r| misshapen::ragged(source, r.span, (r.fields.len(), width), false))
        .collect();
    let data = match &lines {
        None => DataRows::Records(owned.get(layout.header_rows..).unwrap_or_default()),
        Some(lines) => DataRows::Lines(&lines.parts),
    };
    let blank = blank_tail::count(
        &headers,
        &data,
        text,
        (layout.label_columns, width, delimiter),
    );
    let Columns {
        label_fields,
        figure_fields,
        paths: columns,
        formats,
    } = Columns::of(&headers, &layout, width - blank);
    // A long record file's labels are made only for the rows a report names, where nothing
    // read with the table needs them all: units looked up by row, or declared for labels.
    let rows_on_demand = lines.as_ref().is_some_and(|lines| lines.parts.len() > 1)
        && label_fields == [0]
        && exactness_declared(&formats)
        && !super::declared::may_mismatch(&meta);
    let reader = RowReader {
        source,
        width,
        label_fields: &label_fields,
        figure_fields: &figure_fields,
        formats: &formats,
        delimiter,
        rows_on_demand,
        full_width: !rows_on_demand && crate::number::holds_full_width_digits(text),
    };
    let mut data_rows = record_count - layout.header_rows;
    if data_rows == 0 {
        let start = headers.first().map_or(0, |r| r.span.offset);
        let end = headers.last().map_or(0, |r| r.span.offset + r.span.length);
        errors.push(TableError::NoRows {
            source_code: named(source),
            span: Span::new(start, end.saturating_sub(start)).into(),
            id: meta.id.clone(),
        });
    }
    let single_label = label_fields.len() == 1;
    let mut rows_read = reader.read_rows(text, data, data_rows);
    let recounted;
    if rows_read.read.fewer_rows {
        // A large file's line index counted a line of only delimiters as a row.
        recounted = super::lines::table_lines(text, &line_shape, None);
        data_rows = recounted.data_rows;
        rows_read = reader.read_rows(text, DataRows::Lines(&recounted.parts), data_rows);
    }
    let RowsRead {
        mut cells,
        narrow: narrow_cells,
        starts,
        read,
    } = rows_read;
    let Chunk {
        labels,
        paths,
        flags,
        nils,
        errors: mut row_errors,
        mut more_errors,
        mut warnings,
        mut more_warnings,
        too_large: _,
        fewer_rows: _,
    } = read;
    // Each part of a long file keeps its first errors; the file keeps its first, as a file
    // read in one part does.
    more_errors += row_errors.len().saturating_sub(MAX_ERRORS_PER_FILE);
    row_errors.truncate(MAX_ERRORS_PER_FILE);
    let header_errors = errors.len();
    errors.extend(row_errors);
    // A cell that is not a figure is the cell's problem, and a data row of another width than
    // the header the row's (its cells unreadable): the table is checked without them. An
    // error of the header, or of the table's shape, is the table's.
    let structural = |errors: &[TableError]| {
        errors.iter().enumerate().any(|(at, e)| {
            at < header_errors
                || !matches!(
                    e,
                    TableError::BadNumber { .. } | TableError::RaggedRow { .. }
                )
        })
    };
    let rows = if !structural(&errors) {
        let mut rows = if single_label {
            paths
        } else {
            row_paths(labels, label_fields.len(), data_rows)
        };
        if layout.labels.declares_any() {
            rows.par_iter_mut()
                .for_each(|path| path.declare(&layout.labels));
        }
        errors.extend(super::declared::unit_mismatches(
            source, &meta, &rows, &columns,
        ));
        rows
    } else {
        Vec::new()
    };
    if structural(&errors) {
        more_errors += errors.len().saturating_sub(MAX_ERRORS_PER_FILE);
        errors.truncate(MAX_ERRORS_PER_FILE);
        if more_errors > 0 {
            errors.push(TableError::MoreInFile {
                path: source.path().to_path_buf(),
                count: more_errors,
            });
        }
        return Err(errors);
    }
    warnings.splice(0..0, full_width_headers(source, &columns));
    if blank > 0
        && let Some(header) = headers.first()
    {
        // From the delimiter before the first blank field to the header line's end.
        let start = header.spans.get(width - blank).map_or(0, |s| s.offset);
        let end = header.span.offset + header.span.length;
        let start = start.saturating_sub(1).min(end);
        let span = Span::new(start, end - start);
        warnings.insert(0, TableWarning::blank_columns(source, span, blank));
    }
    more_warnings += warnings.len().saturating_sub(MAX_ERRORS_PER_FILE);
    warnings.truncate(MAX_ERRORS_PER_FILE);
    if more_warnings > 0 {
        warnings.push(TableWarning::MoreFullWidth {
            path: source.path().to_path_buf(),
            count: more_warnings,
        });
    }
    if !exactness_declared(&formats) {
        mark_exact(&mut cells, &rows, &columns, &meta);
    }
    formatted::mark_declared_exact(&mut cells, &formats, &nils);
    errors.extend(formatted::unknown_format_columns(
        &layout.format,
        &meta,
        &columns,
    ));
    let grid = Grid {
        rows,
        columns,
        cells,
        row_starts: starts,
        figure_fields,
        cell_spans: None,
        stated: None,
        warnings,
    };
    let mut table = Table::new(meta, source.clone(), grid)
        .with_flags(flags)
        .with_delimiter(delimiter)
        .with_formats(formats.iter().map(|&format| format.clone()).collect());
    if let Some(narrowed) = narrow_cells {
        table = table.with_narrow_cells(narrowed);
    }
    if rows_on_demand {
        let declared = layout.labels.declares_any().then(|| layout.labels.clone());
        table = table.with_rows_on_demand(data_rows, declared);
    }
    let mut unreadable = errors;
    unreadable.extend(formatted::refuse_ambiguous(&mut table, &formats));
    // After the figures are judged as printed (`608.182` reads two ways in thousands too).
    formatted::apply_scales(&mut table, &formats);
    if more_errors > 0 {
        unreadable.push(TableError::MoreInFile {
            path: source.path().to_path_buf(),
            count: more_errors,
        });
    }
    Ok(table.with_unreadable(unreadable))
}

/// What a table's header records say of its fields: which hold labels (the label columns,
/// then any text columns) and which figures, and each figure column's path and format.
struct Columns<'l> {
    label_fields: Vec<usize>,
    figure_fields: Vec<usize>,
    /// The figure columns' paths, as the headers print them (with declared labels marked).
    paths: Vec<LabelPath>,
    formats: Vec<&'l ColumnFormat>,
}

impl<'l> Columns<'l> {
    fn of(headers: &[Record], layout: &'l Layout, width: usize) -> Self {
        let all_columns = column_paths(headers, layout.label_columns, width);
        let is_text = |path: &LabelPath| {
            layout
                .text_columns
                .iter()
                .any(|name| path.labels().iter().any(|l| l.answers_to(name)))
        };
        let text_fields = all_columns
            .iter()
            .enumerate()
            .filter(|(_, path)| is_text(path))
            .map(|(i, _)| layout.label_columns + i);
        let label_fields: Vec<usize> = (0..layout.label_columns).chain(text_fields).collect();
        let figure_fields: Vec<usize> = (layout.label_columns..width)
            .filter(|i| !label_fields.contains(i))
            .collect();
        let mut paths: Vec<LabelPath> = all_columns.into_iter().filter(|p| !is_text(p)).collect();
        if layout.labels.declares_any() {
            paths
                .iter_mut()
                .for_each(|path| path.declare(&layout.labels));
        }
        let formats = paths
            .iter()
            .map(|path| layout.format.of_column(path))
            .collect();
        Columns {
            label_fields,
            figure_fields,
            paths,
            formats,
        }
    }
}

/// The fields of one line without quotes, borrowed from the file's text.
pub(super) struct LineFields<'t> {
    fields: Vec<&'t str>,
    spans: Vec<Span>,
    span: Span,
}

impl LineFields<'_> {
    fn into_owned(self) -> Record {
        Record {
            fields: self.fields.iter().map(|f| (*f).to_string()).collect(),
            spans: self.spans,
            span: self.span,
        }
    }
}

fn split_line(text: &str, span: Span, delimiter: u8) -> LineFields<'_> {
    let mut fields = Vec::new();
    let mut spans = Vec::new();
    split_into(text, (span, delimiter), &mut fields, &mut spans);
    LineFields {
        fields,
        spans,
        span,
    }
}

/// Split a line at its delimiters into reused buffers.
pub(super) fn split_into<'t>(
    text: &'t str,
    (span, delimiter): (Span, u8),
    fields: &mut Vec<&'t str>,
    spans: &mut Vec<Span>,
) {
    fields.clear();
    spans.clear();
    let line = text
        .get(span.offset..span.offset + span.length)
        .unwrap_or_default();
    let mut start = 0;
    for (index, byte) in line.bytes().enumerate() {
        if byte == delimiter {
            fields.push(line.get(start..index).unwrap_or_default());
            spans.push(Span::new(span.offset + start, index - start));
            start = index + 1;
        }
    }
    fields.push(line.get(start..).unwrap_or_default());
    spans.push(Span::new(span.offset + start, line.len() - start));
}

/// Whether every figure column declares its exactness (`exact = true` or `false`): then
/// [`formatted::mark_declared_exact`] sets every cell, and looking up each row's unit first
/// (a million label lookups for a record file) would be undone.
/// A warning for each header typed with full-width digits (`２０２１年`), which rules name as
/// its ASCII twin ([`super::label::normalize`]), as a figure typed so gets one: once per
/// printed header, though one spanning several columns heads each of their paths. (Row labels
/// are warned of as their rows are read.)
fn full_width_headers(source: &SharedSource, columns: &[LabelPath]) -> Vec<TableWarning> {
    let mut warned: Vec<Span> = Vec::new();
    let mut warnings = Vec::new();
    for label in columns.iter().flat_map(LabelPath::labels) {
        let span = label.span();
        if warned.contains(&span) || !crate::number::holds_full_width_digits(label.text()) {
            continue;
        }
        warned.push(span);
        warnings.push(TableWarning::full_width(source, span, label.text()));
    }
    warnings
}

fn exactness_declared(formats: &[&ColumnFormat]) -> bool {
    formats.iter().all(|format| format.exact.is_some())
}

/// Mark the cells whose unit is a count (or a rank) as exact.
fn mark_exact(cells: &mut [Cell], rows: &[LabelPath], columns: &[LabelPath], meta: &TableMeta) {
    let table_unit = meta.unit.as_deref().map(|u| Unit::of(u, false));
    let column_units: Vec<_> = columns.iter().map(|c| unit_of(c, meta)).collect();
    // Cells start as not exact; rows matter only where a column declares no unit.
    if column_units.iter().all(Option::is_some) {
        if column_units.iter().flatten().any(|u| u.exact) {
            for row_cells in cells.chunks_mut(columns.len().max(1)) {
                for (cell, unit) in row_cells.iter_mut().zip(&column_units) {
                    cell.set_exact(unit.is_some_and(|u| u.exact));
                }
            }
        }
        return;
    }
    cells
        .par_chunks_mut(columns.len().max(1))
        .zip(rows.par_iter())
        .for_each(|(row_cells, row)| {
            let row_unit = unit_of(row, meta);
            if row_unit.is_none()
                && table_unit.is_none()
                && column_units.iter().all(Option::is_none)
            {
                return;
            }
            for (cell, column_unit) in row_cells.iter_mut().zip(&column_units) {
                let unit = column_unit.or(row_unit).or(table_unit);
                cell.set_exact(unit.is_some_and(|u| u.exact));
            }
        });
}

/// A cell's unit and whether figures in it are exact.
#[derive(Debug, Clone, Copy)]
struct Unit {
    exact: bool,
}

impl Unit {
    fn of(unit: &str, rank: bool) -> Self {
        Self {
            exact: rank || is_count_unit(unit),
        }
    }
}

/// The innermost unit a path declares, through the manifest's `units` or the labels' own.
fn unit_of(path: &LabelPath, meta: &TableMeta) -> Option<Unit> {
    path.labels().iter().rev().find_map(|label| {
        if label.is_rank() {
            return Some(Unit::of("", true));
        }
        let overridden = (!meta.units.is_empty())
            .then(|| label.key())
            .and_then(|key| meta.units.iter().find(|(name, _)| *name == key))
            .map(|(_, unit)| Unit::of(unit, false));
        overridden.or_else(|| label.unit().map(|unit| Unit::of(unit, false)))
    })
}

/// Column paths from the header rows. A blank header cell continues the cell to its left
/// (a merged cell) when both sit under the same parent.
fn column_paths(headers: &[Record], label_columns: usize, width: usize) -> Vec<LabelPath> {
    let count = width - label_columns;
    let mut paths: Vec<Vec<Label>> = vec![Vec::new(); count];
    for header in headers {
        let mut level: Vec<Option<Label>> = Vec::with_capacity(count);
        for column in 0..count {
            let index = label_columns + column;
            let text = header.fields.get(index).map_or("", String::as_str);
            let span = header.spans.get(index).copied().unwrap_or_default();
            let label = if !text.trim().is_empty() {
                Some(Label::new(text, span))
            } else if column > 0 && paths.get(column) == paths.get(column - 1) {
                level.get(column - 1).cloned().flatten()
            } else {
                None
            };
            level.push(label);
        }
        for (path, label) in paths.iter_mut().zip(level) {
            path.extend(label);
        }
    }
    paths.into_iter().map(LabelPath::new).collect()
}

/// Row paths from the label columns (given row after row). A blank outer label continues the
/// one above it when an inner label is present (the members of a group) and the labels outside
/// it are the row above's: under another outer label the one above belongs to another group (a
/// flat export's blank second level is the first level's aggregate itself). Without label
/// columns, rows are numbered.
fn row_paths(labels: Vec<Option<Label>>, label_columns: usize, rows: usize) -> Vec<LabelPath> {
    if label_columns == 0 {
        return (1..=rows)
            .into_par_iter()
            .map(|n| LabelPath::new([Label::new(&n.to_string(), Span::default())]))
            .collect();
    }
    if label_columns == 1 {
        // Nothing to continue from the row above: each row stands alone.
        return labels.into_par_iter().map(LabelPath::new).collect();
    }
    let mut previous: Vec<Option<Label>> = vec![None; label_columns];
    let mut paths = Vec::with_capacity(rows);
    let mut labels = labels.into_iter();
    loop {
        let mut current: SmallVec<[Option<Label>; 2]> =
            labels.by_ref().take(label_columns).collect();
        if current.len() < label_columns {
            break;
        }
        for level in 0..label_columns {
            let inner_present = current.iter().skip(level + 1).any(Option::is_some);
            if current.get(level).is_some_and(Option::is_none)
                && inner_present
                && same_labels(current.get(..level), previous.get(..level))
                && let (Some(slot), Some(above)) = (current.get_mut(level), previous.get(level))
            {
                slot.clone_from(above);
            }
        }
        if label_columns > 1 {
            previous = current.to_vec();
        }
        paths.push(LabelPath::new(current.into_iter().flatten()));
    }
    paths
}

/// Whether two rows print the same labels (by text: their places in the file differ).
fn same_labels(row: Option<&[Option<Label>]>, above: Option<&[Option<Label>]>) -> bool {
    fn text(label: &Option<Label>) -> Option<&str> {
        label.as_ref().map(Label::text)
    }
    match (row, above) {
        (Some(row), Some(above)) => row.iter().map(text).eq(above.iter().map(text)),
        _ => false,
    }
}

fn parse_records(source: &SharedSource, delimiter: u8) -> Result<Vec<Record>, TableError> {
    let text = source.text();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let start = reader.position().byte();
        let more = reader.read_record(&mut record).map_err(|e| {
            let offset = e.position().map_or(start, |p| p.byte());
            TableError::MalformedCsv {
                source_code: named(source),
                span: Span::new(usize::try_from(offset).unwrap_or(0), 1).into(),
                message: e.to_string(),
            }
        })?;
        if !more {
            break;
        }
        // A row of empty fields is a spreadsheet's blank row: no record, as a blank line is
        // none (`lines`).
        if record.iter().all(str::is_empty) {
            continue;
        }
        let start = record
            .position()
            .map_or(start, csv::Position::byte)
            .try_into()
            .unwrap_or(0);
        let (spans, end) = field_spans(text.as_bytes(), start, record.len(), delimiter);
        let start = spans.first().map_or(start, |span| span.offset);
        if let Some(open) = spans.iter().find(|&&span| !well_quoted(source.slice(span))) {
            return Err(TableError::MalformedCsv {
                source_code: named(source),
                span: Span::new(open.offset, 1).into(),
                message: "this quote is not closed on its line".to_string(),
            });
        }
        records.push(Record {
            fields: record.iter().map(str::to_string).collect(),
            spans,
            span: Span::new(start, end.saturating_sub(start)),
        });
    }
    Ok(records)
}

/// A quoted field must close its quote before the line ends: a table cell never holds a line
/// break, so a quote running past one is a missing closing quote.
fn well_quoted(field: &str) -> bool {
    let Some(inner) = field.strip_prefix('"') else {
        return true;
    };
    inner.ends_with('"') && !inner.is_empty() && !inner.contains(['\n', '\r'])
}

/// Byte spans of `count` fields of a record starting at `start`, and where the record ends.
/// A quoted field's span covers its quotes. The CSV reader may place a record at the line break
/// that ends the one before (after `\r` of `\r\n`); a record never begins with a line break, so
/// its first field starts after them.
pub fn field_spans(bytes: &[u8], start: usize, count: usize, delimiter: u8) -> (Vec<Span>, usize) {
    let mut position = if start == 0 && bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        start
    };
    while matches!(bytes.get(position), Some(b'\r' | b'\n')) {
        position += 1;
    }
    let mut spans = Vec::with_capacity(count);
    for _ in 0..count {
        let field_start = position;
        position = field_end(bytes, position, delimiter);
        spans.push(Span::new(field_start, position - field_start));
        if bytes.get(position) == Some(&delimiter) {
            position += 1;
        }
    }
    crate::tally::add(
        crate::tally::Work::RecordBytes,
        position.saturating_sub(start),
    );
    (spans, position)
}

/// The span of the one field that starts at `start` (where [`field_spans`] found it).
pub fn field_span(bytes: &[u8], start: usize, delimiter: u8) -> Span {
    let end = field_end(bytes, start, delimiter);
    crate::tally::add(crate::tally::Work::RecordBytes, end.saturating_sub(start));
    Span::new(start, end.saturating_sub(start))
}

/// Where the field starting at `position` ends: at the delimiter or line break after it, a
/// quoted field's delimiters and doubled quotes inside its quotes passed over.
fn field_end(bytes: &[u8], mut position: usize, delimiter: u8) -> usize {
    if bytes.get(position) == Some(&b'"') {
        position += 1;
        while let Some(&byte) = bytes.get(position) {
            position += 1;
            if byte == b'"' {
                if bytes.get(position) == Some(&b'"') {
                    position += 1;
                } else {
                    break;
                }
            }
        }
    }
    while let Some(&byte) = bytes.get(position) {
        if byte == delimiter || matches!(byte, b'\n' | b'\r') {
            break;
        }
        position += 1;
    }
    position
}

/// A plain CSV's layout for tests: its header rows and label columns, nothing else declared.
#[cfg(test)]
impl Layout {
    pub(crate) fn plain(header_rows: usize, label_columns: usize) -> Self {
        Layout {
            header_rows,
            label_columns,
            text_columns: Vec::new(),
            format: crate::format::TableFormat::default(),
            shape: crate::table::shape::Shape::default(),
            labels: std::sync::Arc::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The layout of a table with the book's format and nothing declared.
    fn layout(header_rows: usize, label_columns: usize) -> Layout {
        Layout::plain(header_rows, label_columns)
    }

    fn table(csv: &str, header_rows: usize, label_columns: usize) -> Table {
        let source = Arc::new(SourceFile::new("t.csv", csv.to_string()));
        parse_table(
            &source,
            TableMeta::default(),
            layout(header_rows, label_columns),
        )
        .unwrap()
    }

    #[test]
    fn an_unclosed_quote_is_malformed_csv() {
        for text in ["x,v\nr,\"300.0\n", "x,v\nr,\"1\ns,2\"\n"] {
            let source = Arc::new(SourceFile::new("t.csv", text.to_string()));
            let layout = layout(1, 1);
            let errors = parse_table(&source, TableMeta::default(), layout).unwrap_err();
            let [TableError::MalformedCsv { span, .. }] = errors.as_slice() else {
                panic!("{text:?}: {errors:?}")
            };
            assert_eq!(span.offset(), 6, "{text:?}");
        }
    }

    #[test]
    fn quoted_cells_keep_their_span_in_the_file() {
        let text = "a,\"b, \"\"c\"\"\",d\n";
        let (spans, end) = field_spans(text.as_bytes(), 0, 3, b',');
        assert_eq!(
            &text[spans[1].offset..spans[1].offset + spans[1].length],
            "\"b, \"\"c\"\"\""
        );
        assert_eq!(
            &text[spans[2].offset..spans[2].offset + spans[2].length],
            "d"
        );
        assert_eq!(end, text.len() - 1);
    }

    #[test]
    fn merged_header_cells_continue_under_the_same_parent() {
        let t = table(
            "类别,2020年,,2021年,\n,合同数/项,金额/亿元,合同数/项,金额/亿元\n合计,1,2.0,3,4.0\n",
            2,
            1,
        );
        let columns: Vec<String> = t.columns().iter().map(ToString::to_string).collect();
        assert_eq!(
            columns,
            [
                "2020年/合同数/项",
                "2020年/金额/亿元",
                "2021年/合同数/项",
                "2021年/金额/亿元"
            ]
        );
        assert!(t.cell(0, 0).unwrap().is_exact());
        assert!(!t.cell(0, 1).unwrap().is_exact());
    }

    #[test]
    fn group_labels_continue_down_to_their_members() {
        let t = table(
            "类别,,额\n技术开发,合计,3.0\n,委托开发,2.0\n技术咨询,,1.0\n",
            1,
            2,
        );
        let rows: Vec<String> = t.rows().iter().map(ToString::to_string).collect();
        assert_eq!(rows, ["技术开发/合计", "技术开发/委托开发", "技术咨询"]);
    }

    #[test]
    fn a_blank_inner_label_continues_only_within_the_same_outer_labels() {
        // An office's flat export (INE 67821) prints every row's labels; a blank second level
        // is the aggregate itself, not the member printed above it under another aggregate.
        let t = table(
            "Tipo;Nivel 1;Nivel 2;Medida;v\n\
             A;Industria;;Dato base;1\n\
             A;Industria;Manufactura;Dato base;2\n\
             A;Construcción;;Dato base;3\n\
             B;Industria;;Dato base;4\n\
             ;Servicios;Comercio;Dato base;5\n\
             ;;Comercio;Variación;6\n"
                .replace(';', ",")
                .as_str(),
            1,
            4,
        );
        let rows: Vec<String> = t.rows().iter().map(ToString::to_string).collect();
        assert_eq!(
            rows,
            [
                "A/Industria/Dato base",
                "A/Industria/Manufactura/Dato base",
                "A/Construcción/Dato base",
                "B/Industria/Dato base",
                "B/Servicios/Comercio/Dato base",
                "B/Servicios/Comercio/Variación",
            ]
        );
    }

    #[test]
    fn text_columns_become_row_labels_and_continue_down() {
        let source = Arc::new(SourceFile::new(
            "t.csv",
            "省份,序号,机构名称\n北京,1,甲\n,2,乙\n天津,1,丙\n".to_string(),
        ));
        let layout = Layout {
            text_columns: vec!["机构名称".to_string()],
            ..layout(1, 1)
        };
        let t = parse_table(&source, TableMeta::default(), layout).unwrap();
        let rows: Vec<String> = t.rows().iter().map(ToString::to_string).collect();
        assert_eq!(rows, ["北京/甲", "北京/乙", "天津/丙"]);
        assert_eq!(t.columns().len(), 1);
        assert_eq!(t.cell(1, 0).unwrap().figure().unwrap().to_string(), "2");
        assert_eq!(t.source().slice(t.cell_span(2, 0).unwrap()), "1");
    }

    #[test]
    fn every_cell_of_a_wide_table_is_found_reading_its_record_a_few_times_at_most() {
        // 300 figures a row: each found by reading its record from its start, a report naming
        // every cell read each record 150 times over (10.5 MB for this file of 71 KB).
        let (rows, columns) = (40, 300);
        let header: Vec<String> = (0..columns).map(|c| format!("c{c}")).collect();
        let mut csv = format!("x,{}\n", header.join(","));
        for row in 0..rows {
            let figures: Vec<String> = (0..columns)
                .map(|c| format!("\"{}\"", row * c % 977))
                .collect();
            csv.push_str(&format!("r{row},{}\r\n", figures.join(",")));
        }
        let t = table(&csv, 1, 1);
        let t = &t;
        crate::tally::take(crate::tally::Work::RecordBytes);
        let spans: Vec<Option<Span>> = (0..rows)
            .flat_map(|row| (0..columns).map(move |column| t.cell_span(row, column)))
            .collect();
        let read = crate::tally::take(crate::tally::Work::RecordBytes);
        // The index of the fields' starts reads the file once, each cell its own field, and the
        // first fields of a record are read from its start: 3.3 times the file, not 150.
        assert!(read <= 5 * csv.len(), "{read} bytes read for {}", csv.len());
        let by_row: Vec<Option<Span>> = (0..rows).flat_map(|row| t.row_cell_spans(row)).collect();
        assert_eq!(spans, by_row);
        let last = t.cell_span(rows - 1, columns - 1).unwrap();
        assert_eq!(
            t.source().slice(last),
            format!("\"{}\"", (rows - 1) * (columns - 1) % 977)
        );
    }

    #[test]
    fn a_quoted_number_is_read_and_spanned() {
        let t = table("x,v\nr,\"1 234.5\"\n", 1, 1);
        let cell = t.cell(0, 0).unwrap();
        assert_eq!(cell.figure().unwrap().to_string(), "1234.5");
        assert_eq!(t.source().slice(t.cell_span(0, 0).unwrap()), "\"1 234.5\"");
    }

    #[test]
    fn cells_of_a_quoted_file_with_windows_line_ends_keep_their_spans() {
        // INE writes `\r\n` and quotes its empty cells (`""`): the CSV reader places each
        // record after the first at the line break that ends the one before.
        let t = table("\u{feff}k,v\r\nt,1.5\r\nz,\"\"\r\ny,\"3\"\r\n", 1, 1);
        let spans: Vec<&str> = (0..3)
            .map(|row| t.source().slice(t.cell_span(row, 0).unwrap()))
            .collect();
        assert_eq!(spans, ["1.5", "\"\"", "\"3\""]);
        let rows: Vec<String> = t.rows().iter().map(ToString::to_string).collect();
        assert_eq!(rows, ["t", "z", "y"]);
    }

    #[test]
    fn text_in_a_figure_cell_is_an_error_with_its_span() {
        let source = Arc::new(SourceFile::new("t.csv", "x,v\nr,12a\n".to_string()));
        let layout = layout(1, 1);
        let mut table = parse_table(&source, TableMeta::default(), layout).unwrap();
        let errors = table.take_unreadable();
        let [TableError::BadNumber { span, .. }] = errors.as_slice() else {
            panic!("{errors:?}")
        };
        assert_eq!((span.offset(), span.len()), (6, 3));
        // The table loads; the cell is neither a figure nor "not applicable".
        let cell = table.cell(0, 0).unwrap();
        assert!(cell.is_unreadable() && !cell.is_applicable());
    }

    /// A table's row labels, figures and errors, as the reading shows them.
    fn read_as(csv: &str) -> Result<(Vec<String>, Vec<Cell>), Vec<String>> {
        let source = Arc::new(SourceFile::new("t.csv", csv.to_string()));
        let layout = layout(1, 1);
        let table = parse_table(&source, TableMeta::default(), layout)
            .map_err(|errors| errors.iter().map(ToString::to_string).collect::<Vec<_>>())?;
        let rows = table.rows().iter().map(ToString::to_string).collect();
        let width = table.columns().len();
        let cells = (0..table.row_count())
            .flat_map(|row| (0..width).map(move |column| (row, column)))
            .filter_map(|(row, column)| table.cell(row, column))
            .collect();
        Ok((rows, cells))
    }

    proptest::proptest! {
        /// A file read line by line (no quotes) reads as the csv crate reads it once its
        /// header is quoted: whatever mix of plain figures, other printings and bad fields
        /// its rows hold.
        #[test]
        fn scanned_lines_read_as_the_csv_crate_reads_them(
            rows in proptest::collection::vec(
                proptest::collection::vec(r"(12|-3\.25|0\.0|1 234\.5|—||x|9999999999999999|1\.)", 0..4),
                0..30,
            ),
        ) {
            let mut body = String::new();
            for (index, fields) in rows.iter().enumerate() {
                body.push_str(&format!("r{index}"));
                for field in fields {
                    body.push(',');
                    body.push_str(field);
                }
                body.push('\n');
            }
            let unquoted = read_as(&format!("id,a,b\n{body}"));
            let quoted = read_as(&format!("\"id\",a,b\n{body}"));
            match (unquoted, quoted) {
                (Ok(scanned), Ok(parsed)) => proptest::prop_assert_eq!(scanned, parsed),
                (Err(scanned), Err(parsed)) => proptest::prop_assert_eq!(scanned, parsed),
                (scanned, parsed) => proptest::prop_assert!(false, "{scanned:?} / {parsed:?}"),
            }
        }
    }

    /// A table's figures, row labels and errors read with every column's exactness declared
    /// (a record file's `tables.toml`).
    fn read_declared_exact(csv: &str) -> Result<(Vec<String>, Vec<Cell>), Vec<String>> {
        let source = Arc::new(SourceFile::new("t.csv", csv.to_string()));
        let mut layout = layout(1, 1);
        layout.format.table.exact = Some(true);
        let mut table = parse_table(&source, TableMeta::default(), layout)
            .map_err(|errors| errors.iter().map(ToString::to_string).collect::<Vec<_>>())?;
        let mut shown: Vec<String> = table.rows().iter().map(ToString::to_string).collect();
        shown.extend(table.take_unreadable().iter().map(ToString::to_string));
        let width = table.columns().len();
        let cells = (0..table.row_count())
            .flat_map(|row| (0..width).map(move |column| (row, column)))
            .filter_map(|(row, column)| table.cell(row, column))
            .collect();
        Ok((shown, cells))
    }

    /// A file large enough that its parts are counted from its line index, which counts a
    /// line of only delimiters as a row: it reads as the same file without that line, in the
    /// part that holds it and in the parts after.
    #[test]
    fn a_blank_row_in_a_large_file_is_no_row() {
        use crate::source::{FACTS_FROM, SourceText};
        let read = |text: &str| {
            let (read, facts) =
                SourceText::from_utf8_noting(text.to_string().into_bytes().into()).unwrap();
            let source = Arc::new(SourceFile::new("t.csv", read).with_facts(facts));
            assert_eq!(source.holds_blank_line(), Some(false));
            let table = parse_table(&source, TableMeta::default(), layout(1, 1)).unwrap();
            let rows: Vec<String> = table.rows().iter().map(ToString::to_string).collect();
            let cells: Vec<Option<Cell>> = (0..table.row_count())
                .map(|row| table.cell(row, 0))
                .collect();
            (rows, cells)
        };
        let mut text = String::from("id,x,y\n");
        let mut row = 0;
        while text.len() < 2 * FACTS_FROM {
            text.push_str(&format!("r{row},{row}.5,1\n"));
            row += 1;
        }
        let without = read(&text);
        for blank in [",,\n", ",,\r\n", ",\n"] {
            let at = text[..FACTS_FROM].rfind('\n').unwrap() + 1;
            let with = format!("{}{blank}{}", &text[..at], &text[at..]);
            assert_eq!(read(&with), without, "{blank:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(12))]

        /// A record file long enough to be read in parts (into cells of 4 bytes where its
        /// figures fit) reads as the csv crate reads it once its header is quoted: the same
        /// cells, and the same first 50 bad cells reported (each part kept its own 50).
        #[test]
        fn a_long_record_file_reads_as_the_csv_crate_reads_it(
            rows in proptest::collection::vec(
                (
                    proptest::collection::vec(r"(843\.2|-0\.5|007|838860\.7|-838860\.8|838860\.8|1 234\.5|—||x)", 2..=2),
                    r"(\n|\r\n)",
                ),
                1..10,
            ),
            blank_line: bool,
        ) {
            let mut body = String::new();
            let mut index = 0;
            while body.len() < 600_000 {
                let (fields, end) = &rows[index % rows.len()];
                body.push_str(&format!("r{index},{}{end}", fields.join(",")));
                if blank_line && index == 20_000 {
                    body.push('\n');
                }
                index += 1;
            }
            let scanned = read_declared_exact(&format!("id,a,b\n{body}"));
            let parsed = read_declared_exact(&format!("\"id\",a,b\n{body}"));
            // The first difference only: the tables are long.
            let (scanned, parsed) = match (scanned, parsed) {
                (Ok((rows, cells)), Ok((parsed_rows, parsed_cells))) => {
                    let first = |a: &[String], b: &[String]| {
                        a.iter().zip(b).position(|(x, y)| x != y).map(|at| (a[at].clone(), b[at].clone()))
                    };
                    let cell = cells.iter().zip(&parsed_cells).position(|(x, y)| x != y);
                    proptest::prop_assert_eq!(first(&rows, &parsed_rows), None);
                    proptest::prop_assert_eq!(cell.map(|at| (at, cells[at], parsed_cells[at])), None);
                    ((rows.len(), cells.len()), (parsed_rows.len(), parsed_cells.len()))
                }
                (scanned, parsed) => {
                    proptest::prop_assert_eq!(scanned.err(), parsed.err());
                    return Ok(());
                }
            };
            proptest::prop_assert_eq!(scanned, parsed);
        }
    }

    proptest::proptest! {
        /// A row labelled on demand from its line is labelled as the reader labels it from
        /// the split line: blank, padded, a declared total or footnote marker, a CRLF line end.
        #[test]
        fn rows_labelled_on_demand_are_the_rows_read(
            labels in proptest::collection::vec(r"( |All|All \*|r1 |x\*\*|)", 1..20),
            crlf: bool,
            declared: bool,
        ) {
            let end = if crlf { "\r\n" } else { "\n" };
            let mut csv = format!("id,a{end}");
            for label in &labels {
                csv.push_str(&format!("{label},1{end}"));
            }
            let source = Arc::new(SourceFile::new("t.csv", csv));
            let labels = std::sync::Arc::new(formatted::Labels {
                totals: declared.then(|| vec!["All".to_string()]),
                footnote_markers: declared.then(|| vec!["*".to_string()]),
            });
            let layout = Layout {
                labels: labels.clone(),
                ..layout(1, 1)
            };
            let table = parse_table(&source, TableMeta::default(), layout).unwrap();
            let on_demand = super::super::rows::RowLabels::on_demand(
                table.row_count(),
                b',',
                labels.declares_any().then_some(labels),
            );
            let made = on_demand.all(source.text(), &table.row_starts);
            proptest::prop_assert_eq!(made, table.rows());
            for (row, path) in table.rows().iter().enumerate() {
                let one = super::super::rows::RowLabels::on_demand(
                    table.row_count(),
                    b',',
                    None,
                );
                let alone = one.get(row, source.text(), &table.row_starts).unwrap();
                proptest::prop_assert_eq!(alone.to_string(), path.to_string());
            }
        }
    }
}
