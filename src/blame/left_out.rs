//! A row a sum leaves out: a draft adds a row (`海南新区`) among the parts of a total, and the
//! total with it, but the rule names its parts (a group of provinces) without the new row.
//! The sums fail by the new row's figures, and blame, which changes figures, names the
//! total. Where one row of the table, which no check adds up with other rows, prints in each
//! failed sum's column what that sum's parts lack, within rounding, the row is named: the
//! rules may need it, not the figures a change. A column added among the parts of sums along
//! rows (a category beside the others, and the total column raised) is named the same way.

use super::Blame;
use crate::engine::program::CellId;
use crate::finding::Finding;
use crate::interval::Interval;
use crate::lang::ast::Kind;
use crate::table::Table;
use crate::table::manifest::Dataset;

/// A row (or column) of a table that the failed sums of a group leave out, and that would
/// make each of them hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    /// A row, left out of sums down columns, or a column, left out of sums along rows.
    pub line: Line,
    /// Its cell in each failed sum's column (or row), in the order of the sums.
    pub cells: Vec<CellId>,
    /// The findings (indices into the outcome's findings) it makes hold: every failed sum of
    /// the group over that table's rows (or columns).
    pub repairs: Vec<usize>,
}

/// What a sum's parts are, and so what it may leave out: rows of one column, or columns of
/// one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    Row,
    Column,
}

impl Line {
    /// `row` or `column`, as reports name it.
    pub fn name(self) -> &'static str {
        match self {
            Line::Row => "row",
            Line::Column => "column",
        }
    }

    /// Whether `cell` and `other` stand in one column (for rows) or one row (for columns),
    /// apart: what a check that adds `cell` up with others reads.
    pub fn beside(self, cell: CellId, other: CellId) -> bool {
        cell.table == other.table
            && match self {
                Line::Row => cell.column == other.column && cell.row != other.row,
                Line::Column => cell.row == other.row && cell.column != other.column,
            }
    }
}

/// Tables with more rows than this are not searched for a row left out: a record file's.
const MOST_ROWS: usize = 10_000;

/// Fewest failed sums along rows a column must fill the gaps of to be named, over every
/// group: a record's columns are other variables, each row its own sum, and one row's gap
/// printed by one figure of a column no rule reads (validate's retailers: `incl.prob` 0.14)
/// is a coincidence too often.
const FEWEST_ROWS_FOR_A_COLUMN: usize = 2;

/// The candidates kept: a column only where it fills the gaps of at least
/// [`FEWEST_ROWS_FOR_A_COLUMN`] failed sums, in one group or several.
pub(super) fn enough_rows(candidates: &mut [Option<LeftOut>]) {
    let mut rows_of: std::collections::HashMap<(usize, usize), usize> = Default::default();
    for cell in candidates
        .iter()
        .flatten()
        .filter(|c| c.line == Line::Column)
        .flat_map(|c| &c.cells)
    {
        *rows_of.entry((cell.table, cell.column)).or_default() += 1;
    }
    for slot in candidates.iter_mut() {
        let too_few = slot.as_ref().is_some_and(|c| {
            c.line == Line::Column
                && c.cells.iter().any(|cell| {
                    rows_of
                        .get(&(cell.table, cell.column))
                        .copied()
                        .unwrap_or(0)
                        < FEWEST_ROWS_FOR_A_COLUMN
                })
        });
        if too_few {
            *slot = None;
        }
    }
}

/// A failed sum over one column (or row) of one table: its total, where its parts stand and
/// what they add up to, and its finding.
struct LineSum {
    finding: usize,
    /// What its parts are: rows of its column, or columns of its row.
    parts_are: Line,
    total: CellId,
    /// The rows (or columns) of its parts.
    parts_at: std::collections::HashSet<usize>,
    parts: Interval,
}

impl LineSum {
    /// The sum's cell in row (or column) `at`.
    fn cell_at(&self, at: usize) -> CellId {
        match self.parts_are {
            Line::Row => CellId {
                row: at,
                ..self.total
            },
            Line::Column => CellId {
                column: at,
                ..self.total
            },
        }
    }

    /// The row (or column) of its total.
    fn total_at(&self) -> usize {
        match self.parts_are {
            Line::Row => self.total.row,
            Line::Column => self.total.column,
        }
    }
}

/// The one row (or column) of a table that each failed sum of `blame`'s group over that
/// table's rows (or columns) leaves out and would hold with, if one does. Whether a check
/// reads it is for the caller to ask ([`super::Readers`]).
pub(super) fn candidate(dataset: &Dataset, findings: &[Finding], blame: &Blame) -> Option<LeftOut> {
    let sums: Vec<LineSum> = blame
        .findings
        .iter()
        .filter_map(|&index| line_sum(dataset, index, findings.get(index)?))
        .collect();
    let first = sums.first()?;
    let table = dataset.tables.get(first.total.table)?;
    if table.meta.anchored || table.row_count() > MOST_ROWS {
        return None;
    }
    let line = first.parts_are;
    let sums: Vec<&LineSum> = sums
        .iter()
        .filter(|s| s.total.table == first.total.table && s.parts_are == line)
        .collect();
    let count = match line {
        Line::Row => table.row_count(),
        Line::Column => table.columns().len(),
    };
    let mut found = (0..count).filter(|&at| holds_every_sum(table, line, at, &sums));
    let at = found.next()?;
    if found.next().is_some() {
        return None;
    }
    Some(LeftOut {
        line,
        cells: sums.iter().map(|s| s.cell_at(at)).collect(),
        repairs: sums.iter().map(|s| s.finding).collect(),
    })
}

/// A failed sum whose cells all stand in one column (or one row) of one table, the total
/// first, each part a figure.
fn line_sum(dataset: &Dataset, finding: usize, f: &Finding) -> Option<LineSum> {
    if f.kind != Kind::Sum {
        return None;
    }
    let (total, parts) = f.cells.split_first()?;
    let parts_are = if parts.iter().all(|c| Line::Row.beside(*total, *c)) {
        Line::Row
    } else if parts.iter().all(|c| Line::Column.beside(*total, *c)) {
        Line::Column
    } else {
        return None;
    };
    if parts.is_empty() || parts.len() > MOST_ROWS {
        return None;
    }
    let table = dataset.tables.get(total.table)?;
    let mut sum = Interval::exact(rust_decimal::Decimal::ZERO);
    for part in parts {
        sum = sum
            .checked_add(&table.interval(part.row, part.column)?)
            .ok()?;
    }
    let parts_at = parts
        .iter()
        .map(|p| match parts_are {
            Line::Row => p.row,
            Line::Column => p.column,
        })
        .collect();
    Some(LineSum {
        finding,
        parts_are,
        total: *total,
        parts_at,
        parts: sum,
    })
}

/// Whether row (or column) `at` is outside every sum, an item rather than an of-which line or
/// a total, and with its figure added makes every sum hold.
fn holds_every_sum(table: &Table, line: Line, at: usize, sums: &[&LineSum]) -> bool {
    let is_item = |path: &crate::table::label::LabelPath| {
        path.last()
            .is_some_and(|l| !l.is_of_which() && !l.is_total())
    };
    let item = match line {
        Line::Row => table.row(at).is_some_and(|path| is_item(&path)),
        Line::Column => table.columns().get(at).is_some_and(is_item),
    };
    item && sums.iter().all(|sum| {
        sum.total_at() != at
            && !sum.parts_at.contains(&at)
            && holds_with(table, sum, at).unwrap_or(false)
    })
}

/// Whether the parts and the figure at `at`, each within its rounding, may add up to the
/// total.
fn holds_with(table: &Table, sum: &LineSum, at: usize) -> Option<bool> {
    let cell = sum.cell_at(at);
    if table.cell(cell.row, cell.column)?.figure()?.is_zero() {
        // A figure of 0 repairs nothing.
        return Some(false);
    }
    let parts = sum
        .parts
        .checked_add(&table.interval(cell.row, cell.column)?)
        .ok()?;
    let total: Interval = table.interval(sum.total.row, sum.total.column)?;
    Some(parts.overlaps(&total))
}

#[cfg(test)]
mod tests {
    use super::super::Blame;
    use super::LeftOut;

    const SUM: &str = "sum g.total \"合计 is the sum of 甲, 乙 and 丙\"\n  for y in [a, b]\n  \
                       G[合计, y] = sum(G[甲, y], G[乙, y], G[丙, y])\n";

    /// The blame of checking table `G` (`csv`) against `rules`.
    fn blamed(csv: &str, rules: &str) -> (crate::run::Checked, Vec<Blame>) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("data")).unwrap();
        std::fs::write(dir.path().join("data/G.csv"), csv).unwrap();
        std::fs::write(dir.path().join("g.rules"), rules).unwrap();
        let loaded =
            crate::run::load(&dir.path().join("data"), &dir.path().join("g.rules")).unwrap();
        let checked = loaded.check(false, &|_| {});
        let blame = checked.outcome.blame.clone();
        (checked, blame)
    }

    fn left_out(csv: &str, rules: &str) -> Vec<(String, String)> {
        let (checked, blame) = blamed(csv, rules);
        let rows: Vec<LeftOut> = blame.into_iter().filter_map(|b| b.left_out).collect();
        rows.iter()
            .flat_map(|l| l.cells.iter())
            .map(|c| {
                let table = &checked.dataset.tables[c.table];
                (
                    table.row(c.row).unwrap().to_string(),
                    table.columns()[c.column].to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn a_row_that_prints_what_each_sum_lacks_is_named_in_each_column() {
        let csv = "地区,a,b\n甲,1,10\n乙,2,20\n丙,3,30\n丁,4,40\n合计,10,100\n";
        assert_eq!(
            left_out(csv, SUM),
            [("丁", "a"), ("丁", "b")].map(|(r, c)| (r.to_string(), c.to_string()))
        );
    }

    #[test]
    fn a_column_that_prints_what_each_sum_along_its_row_lacks_is_named_in_each_row() {
        let along = "sum g.total \"合计 is the sum of 甲, 乙 and 丙\"\n  for r in [a, b]\n  \
                     G[r, 合计] = sum(G[r, 甲], G[r, 乙], G[r, 丙])\n";
        let csv = "年份,甲,乙,丙,丁,合计\na,1,2,3,4,10\nb,10,20,30,40,100\n";
        assert_eq!(
            left_out(csv, along),
            [("a", "丁"), ("b", "丁")].map(|(r, c)| (r.to_string(), c.to_string()))
        );
        // One row's gap alone names no column: a record's other variables match one too often.
        let one_row = "年份,甲,乙,丙,丁,合计\na,1,2,3,4,10\nb,10,20,30,0,60\n";
        assert_eq!(left_out(one_row, along), []);
        // A total column is no part, nor is a column read with others of its row.
        let total = "年份,甲,乙,丙,小计,合计\na,1,2,3,4,10\nb,10,20,30,40,100\n";
        assert_eq!(left_out(total, along), []);
        let read = format!(
            "{along}\nsum g.d \"丁 is at most 合计\"\n  for r in [a, b]\n  G[r, 丁] <= G[r, 合计]\n"
        );
        assert_eq!(left_out(csv, &read), []);
    }

    #[test]
    fn no_row_is_named_where_two_print_the_gap_or_it_is_an_of_which_row_or_added_up() {
        let two = "地区,a,b\n甲,1,10\n乙,2,20\n丙,3,30\n丁,4,40\n戊,4,40\n合计,10,100\n";
        assert_eq!(left_out(two, SUM), []);
        let of_which = "地区,a,b\n甲,1,10\n乙,2,20\n丙,3,30\n其中：丁,4,40\n合计,10,100\n";
        assert_eq!(left_out(of_which, SUM), []);
        let one = "地区,a,b\n甲,1,10\n乙,2,20\n丙,3,30\n丁,4,40\n合计,10,100\n";
        let bounded = format!(
            "{SUM}\nsum g.d_below \"丁 is part of 合计\"\n  for y in [a, b]\n  G[丁, y] <= G[合计, y]\n"
        );
        assert_eq!(left_out(one, &bounded), []);
        // Only one column's sum fails; 丁 prints what it lacks there.
        let one_column = "地区,a,b\n甲,1,10\n乙,2,20\n丙,3,30\n丁,4,0\n合计,10,60\n";
        assert_eq!(
            left_out(one_column, SUM),
            [("丁".to_string(), "a".to_string())]
        );
        // A row that prints what one sum lacks, but not what the other lacks, even within
        // rounding (these figures are rounded: 1 + 2 + 3 + 9 is at least 13, 合计 at most
        // 10.5): named for the one, whose failure shares no figure with the other's.
        let off = "地区,a,b\n甲,1,10\n乙,2,20\n丙,3,30\n丁,9,40\n合计,10,100\n";
        assert_eq!(left_out(off, SUM), [("丁".to_string(), "b".to_string())]);
        // Within rounding, it is named: 1 + 2 + 3 + 5 may be 10.5.
        let near = "地区,a,b\n甲,1,10\n乙,2,20\n丙,3,30\n丁,5,40\n合计,10,100\n";
        assert_eq!(left_out(near, SUM).len(), 2);
    }
}
