//! `tables.toml`: what the engine needs to know about each table of an edition, and loading
//! a whole data directory into a [`Dataset`].
//!
//! Without a manifest, every `*.csv` in the directory is a table named after its file, with one
//! header row and one label column: enough for record-style data.

use super::read::{Layout, parse_table, read_table, read_text_with};
use super::shape::{Delimiter, Shape};
use super::sheet::{SheetPlan, is_workbook, parse_range, read_sheet};
use super::{Table, TableError, TableMeta, TableWarning};
use crate::decode::ReadOptions;
use crate::format::{ColumnOverride, FormatSpec, TableFormat};
use crate::input_file::{Folder, Refusal};
use crate::source::{SharedSource, Span, named};
use rayon::prelude::*;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const MANIFEST_FILE: &str = "tables.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    /// The book's edition (publication year); informational.
    #[allow(dead_code)]
    edition: Option<i64>,
    /// The year the figures describe: rules' `current`; `prior` is the year before.
    year: Option<i32>,
    /// The text the tables were transcribed from, bundled beside them: its figures become the
    /// table `TEXT`, which rules can check against the tables.
    source: Option<toml::Spanned<String>>,
    /// How the data set prints its figures ([`crate::format`]); tables and columns may
    /// override it.
    format: Option<toml::Spanned<FormatSpec>>,
    /// The labels of total rows (`Total`, `All`): what `hierarchy` and group names look for.
    /// Default: `合计`, `小计`, `总计`.
    totals: Option<Vec<String>>,
    /// Footnote markers printed after labels (`1986 (1)`), left out of the names rules use.
    footnote_markers: Option<Vec<String>>,
    #[serde(rename = "table", default)]
    tables: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: toml::Spanned<String>,
    #[serde(default)]
    printed: String,
    #[serde(default)]
    caption: String,
    file: toml::Spanned<String>,
    /// For a workbook: the sheet that holds the table (default: the first).
    sheet: Option<toml::Spanned<String>>,
    /// For a workbook: the cells that hold the table (`A1:G20`; default: every cell used).
    range: Option<toml::Spanned<String>>,
    #[serde(default = "one")]
    header_rows: usize,
    #[serde(default = "one")]
    label_columns: usize,
    /// Where in the source text the table was transcribed from (inclusive line ranges).
    #[serde(default)]
    #[allow(dead_code)]
    source_lines: Vec<[usize; 2]>,
    unit: Option<String>,
    #[serde(default)]
    units: BTreeMap<String, String>,
    /// Columns that hold text such as names, read as labels of their rows.
    #[serde(default)]
    text_columns: Vec<String>,
    /// How much more blame trusts this table's figures (an official release against a draft).
    blame_weight: Option<std::num::NonZeroU32>,
    /// How this table prints its figures, over the data set's `[format]`.
    format: Option<toml::Spanned<FormatSpec>>,
    /// How single columns print theirs, over the table's format: by column name (a label, or
    /// labels in order `2021/Employed`).
    #[serde(default)]
    columns: BTreeMap<String, toml::Spanned<FormatSpec>>,
    /// The field separator of a CSV file: comma (the default), semicolon or tab.
    delimiter: Option<Delimiter>,
    /// Lines above the header to leave out (a title, the office's name).
    #[serde(default)]
    skip_rows: usize,
    /// Lines right below the header rows to leave out (a workbook's unit and series ID rows).
    #[serde(default)]
    skip_below_header: usize,
    /// Lines below the table to leave out (notes, footnotes, the source).
    #[serde(default)]
    skip_footer: usize,
    /// The encoding of a CSV file that is not UTF-8: `windows-1252`, `latin1`, `gbk` …
    encoding: Option<toml::Spanned<String>>,
    /// Figures not on the source lines: reconstructed where the extraction lost them.
    #[serde(default)]
    #[allow(dead_code)]
    restored: Vec<Restored>,
    /// Figures on the source lines that are not in the table: extraction artefacts.
    #[serde(default)]
    #[allow(dead_code)]
    dropped: Vec<Dropped>,
    /// Transcription decisions, for editors; not used by checks.
    #[serde(default)]
    #[allow(dead_code)]
    notes: Vec<String>,
}

/// A figure the transcriber reconstructed, and why (checked by the transcription test).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Restored {
    row: String,
    column: String,
    value: String,
    why: String,
}

/// A figure the extraction printed that the book does not (a cell split in two), and why.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Dropped {
    line: usize,
    value: String,
    why: String,
}

fn one() -> usize {
    1
}

/// All tables of a data directory.
#[derive(Debug, Default)]
pub struct Dataset {
    /// The current year of the figures, if the manifest says.
    pub year: Option<i32>,
    pub tables: Vec<Table>,
    /// What reading the tables noticed that does not stop the run, in table order.
    pub warnings: Vec<TableWarning>,
    /// The ids of tables that could not be read (their errors are reported): rules that read
    /// them are not checked.
    pub unloaded: Vec<String>,
    /// `tables.toml`, when the folder has one: what the lint's cache keys on besides the
    /// tables' files.
    pub manifest: Option<SharedSource>,
}

impl Dataset {
    pub fn table(&self, id: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.id() == id)
    }

    pub fn table_index(&self, id: &str) -> Option<usize> {
        self.tables.iter().position(|t| t.id() == id)
    }
}

/// A table to read: where, how it is laid out, and what is known about it.
struct Planned {
    path: PathBuf,
    meta: TableMeta,
    layout: Layout,
    /// For a workbook: which sheet to read.
    sheet: Option<SheetPlan>,
}

impl Planned {
    fn read(self, options: &ReadOptions) -> Result<Table, Vec<TableError>> {
        match &self.sheet {
            Some(plan) => {
                let source =
                    read_sheet(&self.path, plan, options.max_table_bytes()).map_err(|e| vec![e])?;
                parse_table(&source, self.meta, self.layout)
            }
            None => read_table(&self.path, self.meta, self.layout, options),
        }
    }
}

/// Load every table of a data directory, reading files in parallel. All errors of all files
/// are returned together.
pub fn load_dataset(dir: &Path) -> Result<Dataset, Vec<TableError>> {
    load_dataset_with(dir, &ReadOptions::default())
}

/// [`load_dataset`], with `--encoding` and a place for notices about the encodings used.
pub fn load_dataset_with(dir: &Path, options: &ReadOptions) -> Result<Dataset, Vec<TableError>> {
    let (dataset, errors) = load_dataset_partial(dir, options);
    if errors.is_empty() {
        Ok(dataset)
    } else {
        Err(errors)
    }
}

/// Every table that can be read, and every problem of the others: a table with cells that are
/// not figures is loaded without them ([`crate::table::Cell::UNREADABLE`]); a table that
/// cannot be read at all (a missing file, a ragged row) is left out and named in
/// [`Dataset::unloaded`], so rules that read it are reported as not checked, not as wrong.
pub fn load_dataset_partial(dir: &Path, options: &ReadOptions) -> (Dataset, Vec<TableError>) {
    let manifest_path = dir.join(MANIFEST_FILE);
    let folder = Folder::new(dir);
    let planning = if manifest_path.exists() {
        confine(&folder, &manifest_path, options, None)
            .map_err(|e| vec![e])
            .and_then(|()| plan_from_manifest(&folder, &manifest_path, options))
    } else {
        plan_from_directory(&folder, options).map_err(|e| vec![e])
    };
    let (year, text, planned, mut errors, (declared, manifest)) = match planning {
        Ok(plan) => plan,
        Err(errors) => return (Dataset::default(), errors),
    };
    if planned.is_empty() && errors.is_empty() && text.is_none() {
        let error = TableError::NoTables {
            path: dir.to_path_buf(),
        };
        return (Dataset::default(), vec![error]);
    }
    // The text's figures are found while the tables are read: the text is one long task.
    let (results, text): (Vec<Result<Table, Vec<TableError>>>, _) = rayon::join(
        || planned.into_par_iter().map(|p| p.read(options)).collect(),
        || text.map(|text| read_text_table(&dir.join(text), options)),
    );
    let mut dataset = Dataset {
        year,
        manifest,
        ..Dataset::default()
    };
    for result in results {
        match result {
            Ok(mut table) => {
                dataset.warnings.append(&mut table.take_warnings());
                errors.append(&mut table.take_unreadable());
                dataset.tables.push(table);
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    dataset.unloaded = declared
        .into_iter()
        .filter(|id| dataset.table(id).is_none())
        .collect();
    match text {
        Some(Ok(mut table)) => {
            dataset.warnings.append(&mut table.take_warnings());
            errors.append(&mut table.take_unreadable());
            dataset.tables.push(table);
        }
        Some(Err(error)) => {
            errors.push(error);
            dataset.unloaded.push(crate::claims::TEXT_TABLE.to_string());
        }
        None => {}
    }
    (dataset, errors)
}

/// The table of the figures the book's text states ([`crate::claims::text_table`]).
fn read_text_table(path: &Path, options: &ReadOptions) -> Result<Table, TableError> {
    super::read::read_book_text(path, options).map(|source| crate::claims::text_table(&source))
}

/// The year, the text the tables came from (if bundled), the tables to read, and what is wrong
/// with the other entries (a duplicate id, a missing file): the tables that can be read are
/// read all the same, so one run reports every problem.
/// Last, every table id the manifest declares, readable or not, and the manifest itself.
type Plan = (
    Option<i32>,
    Option<String>,
    Vec<Planned>,
    Vec<TableError>,
    (Vec<String>, Option<SharedSource>),
);

fn plan_from_manifest(
    folder: &Folder<'_>,
    path: &Path,
    options: &ReadOptions,
) -> Result<Plan, Vec<TableError>> {
    let dir = folder.path();
    let source = read_text_with(path, options).map_err(|e| vec![e])?;
    let manifest: Manifest = toml::from_str(source.text()).map_err(|e| {
        vec![TableError::Manifest {
            source_code: named(&source),
            span: e.span().map(|r| (r.start, r.end - r.start).into()),
            message: e.message().to_string(),
        }]
    })?;
    let mut seen: Vec<&toml::Spanned<String>> = Vec::new();
    let mut errors = Vec::new();
    let span_of = |value: &toml::Spanned<String>| {
        let range = value.span();
        Span::new(range.start, range.end - range.start)
    };
    let mut readable = Vec::with_capacity(manifest.tables.len());
    for entry in &manifest.tables {
        let first = seen
            .iter()
            .copied()
            .find(|id| id.get_ref() == entry.id.get_ref());
        if let Some(first) = first {
            errors.push(duplicate(&source, first, &entry.id));
        }
        let nameable = crate::lang::lexer::is_word(entry.id.get_ref());
        if !nameable {
            let range = entry.id.span();
            errors.push(TableError::BadTableId {
                source_code: named(&source),
                span: Span::new(range.start, range.end - range.start).into(),
                id: entry.id.get_ref().clone(),
            });
        }
        seen.push(&entry.id);
        let file = dir.join(entry.file.get_ref());
        let admitted = admit_named(folder, &file, options, (&source, span_of(&entry.file)))
            .map_err(|e| errors.push(e))
            .is_ok();
        readable.push(admitted && first.is_none() && nameable);
    }
    let sheets: Vec<Option<SheetPlan>> = manifest
        .tables
        .iter()
        .zip(readable.iter_mut())
        .map(|(entry, readable)| {
            sheet_plan(dir, &source, entry).unwrap_or_else(|e| {
                errors.push(e);
                *readable = false;
                None
            })
        })
        .collect();
    let mut declared: Vec<String> = manifest
        .tables
        .iter()
        .map(|entry| entry.id.get_ref().clone())
        .collect();
    // A text that is not there, or is refused, is reported on `source = …` and not read.
    let text = manifest.source.and_then(|text| {
        let path = dir.join(text.get_ref());
        match admit_named(folder, &path, options, (&source, span_of(&text))) {
            Ok(()) => Some(text.into_inner()),
            Err(error) => {
                errors.push(error);
                declared.push(crate::claims::TEXT_TABLE.to_string());
                None
            }
        }
    });
    let data_set_format = manifest
        .format
        .as_ref()
        .map(|f| f.get_ref().clone())
        .unwrap_or_default();
    let labels = std::sync::Arc::new(super::formatted::Labels {
        totals: manifest.totals.clone(),
        footnote_markers: manifest.footnote_markers.clone(),
    });
    let formats: Vec<Option<(TableFormat, Shape)>> = manifest
        .tables
        .iter()
        .zip(&sheets)
        .map(|(entry, sheet)| {
            let format = table_format(&source, &data_set_format, entry, sheet.is_some())
                .map_err(|error| errors.push(error))
                .ok()?;
            let shape = shape(&source, entry, sheet.is_some())
                .map_err(|error| errors.push(error))
                .ok()?;
            Some((format, shape))
        })
        .collect();
    let planned = manifest
        .tables
        .into_iter()
        .zip(sheets)
        .zip(readable)
        .zip(formats)
        .filter_map(|((entry, readable), format)| Some((readable.then_some(entry)?, format?)))
        .map(|((entry, sheet), (format, shape))| Planned {
            path: dir.join(entry.file.get_ref()),
            layout: Layout {
                header_rows: entry.header_rows,
                label_columns: entry.label_columns,
                text_columns: entry.text_columns,
                format,
                shape,
                labels: labels.clone(),
            },
            meta: TableMeta {
                // A table whose manifest prints no number is named by its id, as rules name it.
                printed: if entry.printed.is_empty() {
                    entry.id.get_ref().clone()
                } else {
                    entry.printed
                },
                id: entry.id.into_inner(),
                caption: entry.caption,
                unit: entry.unit,
                // By the name rules use (`Percent of population` → `Percentofpopulation`),
                // which is what a label's key is compared with.
                units: entry
                    .units
                    .into_iter()
                    .map(|(name, unit)| (super::label::normalize(&name).into_owned(), unit))
                    .collect(),
                anchored: false,
                blame_weight: entry.blame_weight,
            },
            sheet,
        })
        .collect();
    Ok((
        manifest.year,
        text,
        planned,
        errors,
        (declared, Some(source)),
    ))
}

/// The formats a table's figures are read with: the data set's, the table's over it, each
/// column's over the table's. A workbook's cells are numbers, which read one way only: where
/// no format is declared, they are read as the book prints.
fn table_format(
    source: &SharedSource,
    data_set: &FormatSpec,
    entry: &Entry,
    workbook: bool,
) -> Result<TableFormat, TableError> {
    let invalid = |range: std::ops::Range<usize>, message: String| TableError::Manifest {
        source_code: named(source),
        span: Some(Span::new(range.start, range.end - range.start).into()),
        message,
    };
    let table_spec = match &entry.format {
        Some(spec) => spec.get_ref().over(data_set),
        None => data_set.clone(),
    };
    let table_span = entry
        .format
        .as_ref()
        .map_or_else(|| entry.id.span(), toml::Spanned::span);
    let mut table = table_spec
        .resolve()
        .map_err(|message| invalid(table_span, message))?;
    table.declared |= workbook;
    let columns = entry
        .columns
        .iter()
        .map(|(name, spec)| {
            let mut format = spec
                .get_ref()
                .over(&table_spec)
                .resolve()
                .map_err(|message| invalid(spec.span(), message))?;
            format.declared |= workbook;
            Ok(ColumnOverride {
                name: name.clone(),
                format,
                span: spec.span(),
            })
        })
        .collect::<Result<Vec<_>, TableError>>()?;
    Ok(TableFormat {
        table,
        columns,
        manifest: Some(source.clone()),
    })
}

/// The shape of a table's file: its delimiter and encoding (a CSV file's only: a workbook's
/// sheet is read as comma-separated text), and the lines around the table to leave out.
fn shape(source: &SharedSource, entry: &Entry, workbook: bool) -> Result<Shape, TableError> {
    let encoding = match &entry.encoding {
        Some(name) if !workbook => Some(crate::decode::encoding_for(name.get_ref()).map_err(
            |message| {
                let range = name.span();
                TableError::Manifest {
                    source_code: named(source),
                    span: Some(Span::new(range.start, range.end - range.start).into()),
                    message,
                }
            },
        )?),
        _ => None,
    };
    Ok(Shape {
        delimiter: entry
            .delimiter
            .filter(|_| !workbook)
            .map_or(b',', Delimiter::byte),
        skip_rows: entry.skip_rows,
        skip_below_header: entry.skip_below_header,
        header_rows: entry.header_rows,
        skip_footer: entry.skip_footer,
        encoding,
    })
}

/// For a workbook entry, which sheet and range to read; `sheet` and `range` on a CSV file are
/// errors, as is a range that does not parse.
fn sheet_plan(
    dir: &Path,
    source: &SharedSource,
    entry: &Entry,
) -> Result<Option<SheetPlan>, TableError> {
    let span = |range: std::ops::Range<usize>| Span::new(range.start, range.end - range.start);
    let path = dir.join(entry.file.get_ref());
    if !is_workbook(&path) {
        let given = [("sheet", &entry.sheet), ("range", &entry.range)];
        return match given
            .into_iter()
            .find_map(|(key, value)| Some((key, value.as_ref()?)))
        {
            Some((key, value)) => Err(TableError::NotAWorkbook {
                key,
                path,
                source_code: named(source),
                span: span(value.span()).into(),
            }),
            None => Ok(None),
        };
    }
    let range = match &entry.range {
        Some(range) => {
            Some(
                parse_range(range.get_ref()).map_err(|message| TableError::BadRange {
                    message,
                    source_code: named(source),
                    span: span(range.span()).into(),
                })?,
            )
        }
        None => None,
    };
    Ok(Some(SheetPlan {
        sheet: entry.sheet.as_ref().map(|s| s.get_ref().clone()),
        range,
        manifest: source.clone(),
        span: span(
            entry
                .sheet
                .as_ref()
                .map_or(entry.file.span(), toml::Spanned::span),
        ),
        file_span: span(entry.file.span()),
        range_span: entry.range.as_ref().map(|range| span(range.span())),
    }))
}

fn duplicate(
    source: &SharedSource,
    first: &toml::Spanned<String>,
    again: &toml::Spanned<String>,
) -> TableError {
    let span = |id: &toml::Spanned<String>| {
        let range = id.span();
        Span::new(range.start, range.end - range.start).into()
    };
    TableError::DuplicateTable {
        source_code: named(source),
        first: span(first),
        span: span(again),
        id: again.get_ref().clone(),
    }
}

/// Whether a file `tables.toml` names (at `named_at`) may be read: a regular file, inside the
/// data directory `dir` unless `--allow-outside-data`. Checked before reading, so the refusal
/// can point at the manifest; reading refuses what is not a regular file again.
/// A file `tables.toml` names: there, inside the data directory (or `--allow-outside-data`),
/// and a regular file. Most are named directly in the directory and are no symlink: one look
/// at the file tells all three (a book's planning took three `statx` a table, one after the
/// other, before any table was read).
fn admit_named(
    folder: &Folder<'_>,
    path: &Path,
    options: &ReadOptions,
    named_at: (&SharedSource, Span),
) -> Result<(), TableError> {
    if let Some(metadata) = folder.entry(path) {
        return match crate::input_file::kind(metadata.file_type()) {
            Some(kind) => Err(not_a_file(path, kind, named_at)),
            None => Ok(()),
        };
    }
    let (manifest, span) = named_at;
    if !path.exists() {
        return Err(TableError::MissingFile {
            path: path.to_path_buf(),
            source_code: named(manifest),
            span: span.into(),
        });
    }
    confine(folder, path, options, Some(named_at))?;
    match crate::input_file::regular(path) {
        Err(Refusal::NotAFile { kind }) => Err(not_a_file(path, kind, named_at)),
        _ => Ok(()),
    }
}

fn not_a_file(
    path: &Path,
    kind: &'static str,
    (manifest, span): (&SharedSource, Span),
) -> TableError {
    TableError::NotAFile {
        path: path.to_path_buf(),
        kind,
        source_code: Some(named(manifest)),
        span: Some(span.into()),
    }
}

/// `Ok` when `path` resolves inside the data directory `dir` (`..` and symlinks followed), or
/// with `--allow-outside-data`; a path that is not there is left to be reported where it is
/// read. Nothing outside is opened, so no diagnostic can show what it holds.
fn confine(
    folder: &Folder<'_>,
    path: &Path,
    options: &ReadOptions,
    named_at: Option<(&SharedSource, Span)>,
) -> Result<(), TableError> {
    if options.allow_outside_data {
        return Ok(());
    }
    match folder.holds(path) {
        Err(Refusal::Outside { resolved, .. }) => Err(TableError::outside(
            path,
            folder.path(),
            &resolved,
            named_at.map(|(manifest, span)| (named(manifest), span.into())),
        )),
        _ => Ok(()),
    }
}

/// Every `*.csv` of the directory as a table named after its file (no year, no text), what is
/// wrong with the others (a symlink out of the directory), and every table id found.
fn plan_from_directory(folder: &Folder<'_>, options: &ReadOptions) -> Result<Plan, TableError> {
    let dir = folder.path();
    let entries = std::fs::read_dir(dir).map_err(|e| TableError::Unreadable {
        path: dir.to_path_buf(),
        message: e.to_string(),
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    paths.sort();
    let mut errors = Vec::new();
    let mut declared = Vec::new();
    let planned = paths
        .into_iter()
        .filter_map(|path| {
            let id = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            declared.push(id.clone());
            if let Err(error) = confine(folder, &path, options, None) {
                errors.push(error);
                return None;
            }
            Some(Planned {
                meta: TableMeta {
                    printed: id.clone(),
                    id,
                    ..TableMeta::default()
                },
                path,
                layout: Layout {
                    header_rows: 1,
                    label_columns: 1,
                    text_columns: Vec::new(),
                    format: TableFormat::undeclared(),
                    shape: Shape::default(),
                    labels: std::sync::Arc::default(),
                },
                sheet: None,
            })
        })
        .collect();
    Ok((None, None, planned, errors, (declared, None)))
}
