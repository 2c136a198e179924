//! A row's figures printed under another row's label: 表 4-13 prints 表 4-9's 新加坡 figures
//! (209, 124.1) in its row 日本. No change of one figure, or two, explains such a group: the
//! figures are right, their labels are not. Where two printings of a row disagree, and the
//! other table prints, in one other row, exactly the figures of the first in every column
//! compared, that row is named.

use super::Blame;
use crate::engine::program::CellId;
use crate::finding::Finding;
use crate::lang::ast::Kind;
use crate::table::Cell;
use crate::table::manifest::Dataset;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Figures of one row printed under another row's label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relabelled {
    /// The row that prints the figures (table, row), and the cells it prints them in.
    pub printed_in: Vec<CellId>,
    /// The cells of the other printing, under the label the figures belong to.
    pub belongs_to: Vec<CellId>,
}

/// A row of a table: (table, row).
type Row = (usize, usize);

/// The fewest digits the matched figures must print together: `8` alone matches by chance.
const FEWEST_DIGITS: usize = 4;

/// For a group no figure explains, the rows whose figures another table prints under
/// another label, in the order of the findings.
pub(super) fn relabelled(
    dataset: &Dataset,
    findings: &[Finding],
    blame: &Blame,
) -> Vec<Relabelled> {
    // The equalities of the group by the two rows they compare: (one side's table and row,
    // the other's) → the column pairs compared.
    let mut pairs: BTreeMap<(Row, Row), Vec<(CellId, CellId)>> = BTreeMap::new();
    for finding in blame.findings.iter().filter_map(|&i| findings.get(i)) {
        let ([a, b], Kind::Equal) = (finding.cells.as_slice(), finding.kind) else {
            continue;
        };
        // The text's figures are rows of their own anchors, labelled by words, not rows.
        let anchored = |cell: &CellId| {
            dataset
                .tables
                .get(cell.table)
                .is_none_or(|t| t.meta.anchored)
        };
        if anchored(a) || anchored(b) {
            continue;
        }
        for (one, other) in [(*a, *b), (*b, *a)] {
            pairs
                .entry(((one.table, one.row), (other.table, other.row)))
                .or_default()
                .push((one, other));
        }
    }
    pairs
        .into_values()
        .filter_map(|columns| printed_elsewhere(dataset, &columns))
        .collect()
}

/// The one other row of `one`'s table that prints `other`'s figures in every column
/// compared, if exactly one does.
fn printed_elsewhere(dataset: &Dataset, columns: &[(CellId, CellId)]) -> Option<Relabelled> {
    let (first, _) = columns.first()?;
    let table = dataset.tables.get(first.table)?;
    let figure = |cell: CellId| -> Option<Decimal> {
        dataset
            .tables
            .get(cell.table)?
            .cell(cell.row, cell.column)
            .and_then(Cell::figure)
    };
    let wanted: Vec<Decimal> = columns
        .iter()
        .map(|&(_, other)| figure(other))
        .collect::<Option<_>>()?;
    let digits: usize = wanted
        .iter()
        .map(|v| {
            v.abs()
                .to_string()
                .bytes()
                .filter(u8::is_ascii_digit)
                .count()
        })
        .sum();
    if digits < FEWEST_DIGITS {
        return None;
    }
    let mut rows = (0..table.row_count()).filter(|&row| {
        row != first.row
            && columns.iter().zip(&wanted).all(|(&(one, _), value)| {
                table.cell(row, one.column).and_then(Cell::figure) == Some(*value)
            })
    });
    let row = rows.next()?;
    if rows.next().is_some() {
        return None;
    }
    Some(Relabelled {
        printed_in: columns
            .iter()
            .map(|&(one, _)| CellId { row, ..one })
            .collect(),
        belongs_to: columns.iter().map(|&(_, other)| other).collect(),
    })
}
