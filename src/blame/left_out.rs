//! A row a sum leaves out: a draft adds a row (`海南新区`) among the parts of a total, and the
//! total with it, but the rule names its parts (a group of provinces) without the new row.
//! The sums fail by the new row's figures, and blame, which changes figures, names the
//! total. Where one row of the table, which no check adds up with other rows, prints in each
//! failed sum's column what that sum's parts lack, within rounding, the row is named: the
//! rules may need it, not the figures a change.

use super::Blame;
use crate::engine::program::CellId;
use crate::finding::Finding;
use crate::interval::Interval;
use crate::lang::ast::Kind;
use crate::table::Table;
use crate::table::manifest::Dataset;

/// A row of a table that the failed sums of a group leave out, and that would make each of
/// them hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    /// The row's cell in each failed sum's column, in the order of the sums.
    pub cells: Vec<CellId>,
    /// The findings (indices into the outcome's findings) it makes hold: every failed sum of
    /// the group over that table's rows.
    pub repairs: Vec<usize>,
}

/// Tables with more rows than this are not searched for a row left out: a record file's.
const MOST_ROWS: usize = 10_000;

/// A failed sum over one column of one table: its total, its parts' rows and what they add up
/// to, and its finding.
struct ColumnSum {
    finding: usize,
    table: usize,
    column: usize,
    total: CellId,
    part_rows: std::collections::HashSet<usize>,
    parts: Interval,
}

/// The one row of a table that each failed sum of `blame`'s group over that table's rows
/// leaves out and would hold with, if one does. Whether a check reads it is for the caller
/// to ask ([`super::Readers`]).
pub(super) fn candidate(dataset: &Dataset, findings: &[Finding], blame: &Blame) -> Option<LeftOut> {
    let sums: Vec<ColumnSum> = blame
        .findings
        .iter()
        .filter_map(|&index| column_sum(dataset, index, findings.get(index)?))
        .collect();
    let first = sums.first()?;
    let table = dataset.tables.get(first.table)?;
    if table.meta.anchored || table.row_count() > MOST_ROWS {
        return None;
    }
    let sums: Vec<&ColumnSum> = sums.iter().filter(|s| s.table == first.table).collect();
    let mut rows = (0..table.row_count()).filter(|&row| holds_every_sum(table, row, &sums));
    let row = rows.next()?;
    if rows.next().is_some() {
        return None;
    }
    Some(LeftOut {
        cells: sums
            .iter()
            .map(|s| CellId {
                table: s.table,
                row,
                column: s.column,
            })
            .collect(),
        repairs: sums.iter().map(|s| s.finding).collect(),
    })
}

/// A failed sum whose cells all stand in one column of one table, the total first, each part
/// a figure.
fn column_sum(dataset: &Dataset, finding: usize, f: &Finding) -> Option<ColumnSum> {
    if f.kind != Kind::Sum {
        return None;
    }
    let (total, parts) = f.cells.split_first()?;
    let one_column = parts
        .iter()
        .all(|c| c.table == total.table && c.column == total.column && c.row != total.row);
    if !one_column || parts.is_empty() || parts.len() > MOST_ROWS {
        return None;
    }
    let table = dataset.tables.get(total.table)?;
    let mut sum = Interval::exact(rust_decimal::Decimal::ZERO);
    for part in parts {
        sum = sum
            .checked_add(&table.interval(part.row, part.column)?)
            .ok()?;
    }
    Some(ColumnSum {
        finding,
        table: total.table,
        column: total.column,
        total: *total,
        part_rows: parts.iter().map(|p| p.row).collect(),
        parts: sum,
    })
}

/// Whether `row` is outside every sum, an item rather than an of-which row or a total, and
/// with its figure added makes every sum hold.
fn holds_every_sum(table: &Table, row: usize, sums: &[&ColumnSum]) -> bool {
    let is_item = table
        .row(row)
        .and_then(|labels| labels.last().map(|l| !l.is_of_which() && !l.is_total()))
        .unwrap_or(false);
    is_item
        && sums.iter().all(|sum| {
            sum.total.row != row
                && !sum.part_rows.contains(&row)
                && holds_with(table, sum, row).unwrap_or(false)
        })
}

/// Whether the parts and `row`'s figure, each within its rounding, may add up to the total.
fn holds_with(table: &Table, sum: &ColumnSum, row: usize) -> Option<bool> {
    if table.cell(row, sum.column)?.figure()?.is_zero() {
        // A row printing 0 repairs nothing.
        return Some(false);
    }
    let parts = sum
        .parts
        .checked_add(&table.interval(row, sum.column)?)
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
