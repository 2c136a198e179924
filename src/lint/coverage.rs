//! `crossfoot::lint::uncovered` (with `--coverage`): a table, or a row or column of one, that
//! no rule reads — not in any check and not declared `unchecked`.
//!
//! Why it matters: a figure no rule reads is trusted without being checked. Unlike
//! `check --coverage`, which counts the figures a decided check read on this data, this is
//! static: a rule that names a row covers it even where the check is skipped (`—`).
//!
//! What it does not flag: rows or columns without a single figure (headings, `—` only), and
//! rows or columns some of whose figures are read (`check --coverage` lists single figures).
//! Its places are the labels in the table's file, not in a rules file: there is no rule to
//! point at.

use super::ground::{Expanded, Shape};
use super::{Context, Lint, LintCode, Place, ReadsChecks};
use crate::engine::program::{CellId, ROW_LABEL};
use crate::table::Table;
use crate::table::label::LabelPath;
use std::collections::HashSet;

/// The cells the checks read; once all are read, the tables, rows and columns with figures
/// none of them reads.
#[derive(Default)]
pub(super) struct Coverage {
    covered: HashSet<CellId>,
}

impl<'a> ReadsChecks<'a> for Coverage {
    fn read(&mut self, _: &Context<'a>, expanded: &Expanded) {
        match &expanded.shape {
            Shape::Compare { cells, .. } | Shape::Cells(cells) => self.covered.extend(cells),
            Shape::Sum { total, parts } => {
                self.covered.insert(*total);
                self.covered.extend(parts);
            }
        }
    }

    fn found(self: Box<Self>, context: &Context<'a>) -> Vec<Lint> {
        uncovered(context, &self.covered)
    }
}

fn uncovered(context: &Context<'_>, covered: &HashSet<CellId>) -> Vec<Lint> {
    let mut lints = Vec::new();
    for (index, table) in context.dataset.tables.iter().enumerate() {
        let has_figure = |row: usize, column: usize| {
            table
                .cell(row, column)
                .is_some_and(|c| c.is_applicable() && c.figure().is_some())
        };
        let read = |row: usize, column: usize| {
            covered.contains(&CellId {
                table: index,
                row,
                column,
            })
        };
        let (rows, columns) = (table.row_count(), table.columns().len());
        let figures = (0..rows)
            .flat_map(|r| (0..columns).map(move |c| (r, c)))
            .filter(|&(r, c)| has_figure(r, c))
            .count();
        let any_read = (0..rows)
            .any(|r| read(r, ROW_LABEL) || (0..columns).any(|c| read(r, c) && has_figure(r, c)));
        let place = |span, label: String| Place {
            source: table.source().clone(),
            span,
            label,
        };
        if figures > 0 && !any_read {
            let span = table
                .rows()
                .first()
                .and_then(|p| p.labels().first())
                .map(|l| l.span())
                .unwrap_or_default();
            lints.push(Lint {
                code: LintCode::Uncovered,
                message: format!(
                    "no rule reads table {} ({}): its {figures} figures are trusted unchecked",
                    table.id(),
                    table.meta.printed
                ),
                help: "add rules for the table, or declare its figures `unchecked` with the reason"
                    .to_string(),
                rules: Vec::new(),
                places: vec![place(span, format!("table {}", table.id()))],
                cells: Vec::new(),
            });
            continue;
        }
        for (row, path) in table.rows().iter().enumerate() {
            let with_figures: Vec<usize> = (0..columns).filter(|&c| has_figure(row, c)).collect();
            if with_figures.is_empty()
                || read(row, ROW_LABEL)
                || with_figures.iter().any(|&c| read(row, c))
            {
                continue;
            }
            let cells = with_figures.iter().map(|&column| CellId {
                table: index,
                row,
                column,
            });
            lints.extend(unread_line(table, "row", path, cells.collect()));
        }
        for (column, path) in table.columns().iter().enumerate() {
            let with_figures: Vec<usize> = (0..rows).filter(|&r| has_figure(r, column)).collect();
            if with_figures.is_empty() || with_figures.iter().any(|&r| read(r, column)) {
                continue;
            }
            let cells = with_figures.iter().map(|&row| CellId {
                table: index,
                row,
                column,
            });
            lints.extend(unread_line(table, "column", path, cells.collect()));
        }
    }
    lints
}

/// The lint for a row or column (`line`) of figures no rule reads, on its label.
fn unread_line(table: &Table, line: &str, path: &LabelPath, cells: Vec<CellId>) -> Option<Lint> {
    let label = path.last()?;
    Some(Lint {
        code: LintCode::Uncovered,
        message: format!(
            "no rule reads {line} `{path}` of {}: its {} figures are trusted unchecked",
            table.id(),
            cells.len()
        ),
        help: format!(
            "add a rule that reads the {line}, or declare its figures `unchecked` with the reason"
        ),
        rules: Vec::new(),
        places: vec![Place {
            source: table.source().clone(),
            span: label.span(),
            label: format!("no rule reads this {line}"),
        }],
        cells,
    })
}
