//! What a table's declared formats and labels change once its cells are read: exactness
//! declared per column and nil cells, column formats for columns the table does not have,
//! figures that read two ways where no format is declared ([`crate::format::ambiguity`]), and
//! what a data set declares about its labels (total rows, footnote markers).

use super::label::LabelPath;
use super::read::MAX_ERRORS_PER_FILE;
use super::{Cell, Table, TableError, TableMeta};
use crate::format::{ColumnFormat, TableFormat, ambiguity};
use crate::source::{Span, named};

/// What a data set declares about its labels (top-level keys of `tables.toml`).
#[derive(Debug, Clone, Default)]
pub struct Labels {
    /// The labels of total rows (`Total`, `All`); `None`: the book's (`合计`, `小计`, `总计`).
    pub totals: Option<Vec<String>>,
    /// Footnote markers printed after a label (`(1)`, `*`, `¹`), left out of its name.
    pub footnote_markers: Option<Vec<String>>,
}

impl Labels {
    pub(super) fn declares_any(&self) -> bool {
        self.totals.is_some() || self.footnote_markers.is_some()
    }
}

/// Set the exactness a column's format declares (`exact = true` for counts whatever their
/// unit), over what its unit says; a nil symbol is an exact 0 whatever its column.
pub(super) fn mark_declared_exact(cells: &mut [Cell], formats: &[&ColumnFormat], nils: &[usize]) {
    if formats.iter().any(|f| f.exact.is_some()) {
        for row_cells in cells.chunks_mut(formats.len().max(1)) {
            for (cell, format) in row_cells.iter_mut().zip(formats) {
                if let Some(exact) = format.exact {
                    cell.set_exact(exact);
                }
            }
        }
    }
    for &index in nils {
        if let Some(cell) = cells.get_mut(index) {
            cell.set_exact(true);
        }
    }
}

/// Each figure of a column declared in thousands (`scale = 1000`) as the value it stands for,
/// once its exactness is known: exactness is the column's, the scale only moves the unit.
pub(super) fn apply_scales(table: &mut Table, formats: &[&ColumnFormat]) {
    if formats.iter().all(|f| f.power == 0) {
        return;
    }
    let width = formats.len().max(1);
    for index in 0..table.cells.len() {
        let power = formats.get(index % width).map_or(0, |format| format.power);
        if let Some(mut cell) = table.cells.get(index) {
            cell.scale_by(power);
            table.cells.set(index, cell);
        }
    }
    table.powers = formats.iter().map(|f| f.power).collect();
}

/// A column format `tables.toml` declares for a column the table does not have.
pub(super) fn unknown_format_columns(
    format: &TableFormat,
    meta: &TableMeta,
    columns: &[LabelPath],
) -> Vec<TableError> {
    let Some(manifest) = &format.manifest else {
        return Vec::new();
    };
    let names: Vec<String> = columns.iter().map(ToString::to_string).collect();
    format
        .unmatched(columns)
        .map(|column| TableError::UnknownFormatColumn {
            source_code: named(manifest),
            span: Span::new(column.span.start, column.span.end - column.span.start).into(),
            message: format!(
                "table {} has no column `{}` to give this format to",
                meta.id, column.name
            ),
            help: format!(
                "name a column as its header prints it (the columns are: {})",
                names.join(", ")
            ),
        })
        .collect()
}

/// Where no format is declared, the figures of a column that read two ways (`608.182`) are
/// refused, unless another figure of the column shows the point marks decimals
/// ([`ambiguity`]).
pub(super) fn refuse_ambiguous(table: &mut Table, formats: &[&ColumnFormat]) -> Vec<TableError> {
    let width = formats.len();
    let mut errors = Vec::new();
    for (column, format) in formats.iter().enumerate() {
        if format.declared {
            continue;
        }
        let rows = table.row_count();
        let figures = (0..rows).filter_map(|row| {
            let figure = table.cells.get(row * width + column)?.figure()?;
            Some((row, figure))
        });
        for row in ambiguity::ambiguous(figures) {
            let Some(span) = table.cell_span(row, column) else {
                continue;
            };
            table.cells.set(row * width + column, Cell::UNREADABLE);
            if errors.len() < MAX_ERRORS_PER_FILE {
                errors.push(TableError::BadNumber {
                    source_code: named(table.source()),
                    span: span.into(),
                    message: ambiguity::two_ways_message(&table.printed(span)),
                    help: ambiguity::TWO_WAYS_HELP.into(),
                });
            }
        }
    }
    errors
}
