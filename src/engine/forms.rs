//! The table forms of rules: `matrix`, `hierarchy` and `rank` expand, when compiled, into the
//! concrete sums and rank checks they stand for.

use super::compile::{Compiled, Compiler, Scope, invalid};
use super::program::*;
use super::resolve::Axis;
use crate::lang::ast::*;
use crate::table::Table;

/// The parts of a `matrix` rule.
pub(super) struct MatrixShape<'r> {
    pub(super) table: &'r Spanned<String>,
    pub(super) rows: &'r ListExpr,
    pub(super) row_total: &'r PathExpr,
    pub(super) columns: &'r ListExpr,
    pub(super) column_total: &'r PathExpr,
}

impl Compiler<'_> {
    pub(super) fn matrix(
        &self,
        scope: &Scope<'_>,
        shape: &MatrixShape<'_>,
    ) -> Compiled<Vec<SumCheck>> {
        let table = self.table(shape.table)?;
        let resolve_all = |list: &ListExpr, axis: Axis| -> Compiled<Vec<usize>> {
            self.list(list, scope)?
                .iter()
                .map(|item| self.find_item(table, axis, item, list.span()))
                .collect()
        };
        let resolve_one = |path: &PathExpr, axis: Axis| -> Compiled<usize> {
            let items = self.path_items(path, scope)?;
            match items.as_slice() {
                [item] => self.find_item(table, axis, item, path.span),
                _ => Err(Box::new(invalid(
                    self.source,
                    path.span,
                    "a total names one row or column".into(),
                    None,
                ))),
            }
        };
        let rows = resolve_all(shape.rows, Axis::Row)?;
        let columns = resolve_all(shape.columns, Axis::Column)?;
        let total_row = resolve_one(shape.row_total, Axis::Row)?;
        let total_column = resolve_one(shape.column_total, Axis::Column)?;
        let cell = |row, column| CellId { table, row, column };
        let mut sums = Vec::new();
        for &row in &rows {
            sums.push(SumCheck {
                total: cell(row, total_column),
                parts: columns.iter().map(|&c| cell(row, c)).collect(),
            });
        }
        for &column in columns.iter().chain([&total_column]) {
            sums.push(SumCheck {
                total: cell(total_row, column),
                parts: rows.iter().map(|&r| cell(r, column)).collect(),
            });
        }
        Ok(sums)
    }

    pub(super) fn hierarchy(
        &self,
        table_name: &Spanned<String>,
        columns: Option<&ListExpr>,
    ) -> Compiled<Vec<SumCheck>> {
        let table = self.table(table_name)?;
        let Some(t) = self.dataset.tables.get(table) else {
            return Ok(Vec::new());
        };
        let columns: Vec<usize> = match columns {
            Some(list) => self
                .list(list, &Scope::default())?
                .iter()
                .map(|item| self.find_item(table, Axis::Column, item, list.span()))
                .collect::<Compiled<_>>()?,
            None => additive_columns(t),
        };
        let mut sums = Vec::new();
        for (total, parts) in hierarchy_groups(t) {
            for &column in &columns {
                let cell = |row| CellId { table, row, column };
                sums.push(SumCheck {
                    total: cell(total),
                    parts: parts.iter().map(|&r| cell(r)).collect(),
                });
            }
        }
        Ok(sums)
    }

    pub(super) fn ranks(
        &self,
        table_name: &Spanned<String>,
        rows: Option<&ListExpr>,
        rank: &PathExpr,
        by: &PathExpr,
    ) -> Compiled<Ranking> {
        let table = self.table(table_name)?;
        let scope = Scope::default();
        let column_of = |path: &PathExpr| -> Compiled<usize> {
            match self.axis(table, Axis::Column, path, &scope)? {
                AxisTemplate::Fixed(column) => Ok(column),
                _ => Err(Box::new(invalid(
                    self.source,
                    path.span,
                    "name one column".into(),
                    None,
                ))),
            }
        };
        let rank_column = column_of(rank)?;
        let value_column = column_of(by)?;
        let rows: Vec<usize> = match rows {
            Some(list) => self
                .list(list, &scope)?
                .iter()
                .map(|item| self.find_item(table, Axis::Row, item, list.span()))
                .collect::<Compiled<_>>()?,
            None => (0..self.dataset.tables.get(table).map_or(0, Table::row_count)).collect(),
        };
        let cell = |row, column| CellId { table, row, column };
        Ok(Ranking::new(
            rows.iter()
                .map(|&row| (cell(row, rank_column), cell(row, value_column)))
                .collect(),
        ))
    }
}

impl Compiler<'_> {
    /// The place each numbered row should print: 1, 2, 3 … over the rows that print a number in
    /// the column, starting again in each group when asked.
    pub(super) fn sequence(
        &self,
        table_name: &Spanned<String>,
        column: &PathExpr,
        by_group: bool,
    ) -> Compiled<Vec<(CellId, usize)>> {
        let table = self.table(table_name)?;
        let scope = Scope::default();
        let AxisTemplate::Fixed(column) = self.axis(table, Axis::Column, column, &scope)? else {
            return Err(Box::new(invalid(
                self.source,
                column.span,
                "name one column".into(),
                None,
            )));
        };
        let Some(t) = self.dataset.tables.get(table) else {
            return Ok(Vec::new());
        };
        let mut places = Vec::new();
        let mut group: Option<String> = None;
        let mut place = 0;
        for (row, path) in t.rows().iter().enumerate() {
            // A cell that is not a figure keeps its place: its own check is not checked.
            if !t
                .cell(row, column)
                .is_some_and(|c| c.is_applicable() || c.is_unreadable())
            {
                continue;
            }
            let outer = path.labels().first().map(|l| l.key().into_owned());
            if by_group && outer != group {
                group = outer;
                place = 0;
            }
            place += 1;
            places.push((CellId { table, row, column }, place));
        }
        Ok(places)
    }
}

impl Compiler<'_> {
    /// Each row's label, paired with the first earlier row that prints the same label path.
    pub(super) fn distinct(
        &self,
        table_name: &Spanned<String>,
    ) -> Compiled<Vec<(CellId, Option<CellId>)>> {
        let table = self.table(table_name)?;
        let Some(t) = self.dataset.tables.get(table) else {
            return Ok(Vec::new());
        };
        let label = |row| CellId {
            table,
            row,
            column: ROW_LABEL,
        };
        // foldhash, not SipHash: only looked up, never iterated (0.35 M instructions of the
        // book's compile went to SipHash here).
        let mut first: foldhash::HashMap<Vec<String>, usize> =
            foldhash::HashMapExt::with_capacity(t.rows().len());
        Ok(t.rows()
            .iter()
            .enumerate()
            .map(|(row, path)| {
                let earlier = *first.entry(path.keys()).or_insert(row);
                (label(row), (earlier != row).then(|| label(earlier)))
            })
            .collect())
    }
}

/// Columns that add up: every column whose unit is not a percentage.
fn additive_columns(table: &crate::table::Table) -> Vec<usize> {
    table
        .columns()
        .iter()
        .enumerate()
        .filter(|(_, c)| c.unit() != Some("%") && !c.labels().iter().any(|l| l.is_rank()))
        .map(|(i, _)| i)
        .collect()
}

/// Each total row and the rows it adds up: a group's `合计` and its members (`其中` rows
/// excluded), and a top-level `合计`/`总计` and the top-level rows and group totals.
fn hierarchy_groups(table: &crate::table::Table) -> Vec<(usize, Vec<usize>)> {
    let rows = table.rows();
    // Each row's outer key made once, not once per pair of rows compared.
    let outers: Vec<Option<std::borrow::Cow<'_, str>>> = rows
        .iter()
        .map(|p| p.labels().first().map(crate::table::label::Label::key))
        .collect();
    let outer = |i: usize| outers.get(i).and_then(Option::as_deref);
    let mut groups = Vec::new();
    for (total, path) in rows.iter().enumerate() {
        if !path.is_total() || path.labels().len() != 2 {
            continue;
        }
        let members: Vec<usize> = (0..rows.len())
            .filter(|&i| i != total && outer(i) == outer(total))
            .filter(|&i| {
                rows.get(i)
                    .is_some_and(|p| !p.is_of_which() && !p.is_total())
            })
            .collect();
        if !members.is_empty() {
            groups.push((total, members));
        }
    }
    for (total, path) in rows.iter().enumerate() {
        if !path.is_total() || path.labels().len() != 1 {
            continue;
        }
        let parts: Vec<usize> = (0..rows.len())
            .filter(|&i| i != total)
            .filter(|&i| {
                rows.get(i)
                    .is_some_and(|p| !p.is_of_which() && (p.labels().len() == 1 || p.is_total()))
            })
            .collect();
        groups.push((total, parts));
    }
    groups
}
