//! `crossfoot::lint::of_which_part`: an `其中` ("of which") row or column added as a part of
//! a sum. An `其中：高新技术企业` row is a subset of the row above it, already counted in it;
//! adding it to its siblings counts its figures twice.
//!
//! Why it matters: the check then fails on a correct book, or — with a missing part
//! elsewhere — passes on a wrong one. `hierarchy` leaves these rows out by itself; a rule that
//! names them in a sum was most likely written by hand from the printed layout.
//!
//! What it does not flag: an `其中` row on its own (compared, shared, grown), a sum of `其中`
//! rows only, and a sum that is not compared with a total row (`其中：沈阳 + 大连 <= 辽宁`: a
//! province's cities, which some tables print without `其中`). The figures of the text are
//! never `其中` rows: their names are the words before them, and a sentence may open with
//! `其中，`.

use super::ground::{Atom, Expanded, Linear, Shape, describe_cell};
use super::{Context, Lint, LintCode, Place, ReadsChecks};
use crate::engine::program::{CellId, ROW_LABEL};
use std::collections::BTreeSet;

/// Whether a cell sits in an `其中` row or column.
fn is_of_which(context: &Context<'_>, cell: CellId) -> bool {
    // The text's rows are named by the words before a figure: a sentence that opens with
    // `其中，` is no "of which" row.
    let Some(table) = context
        .dataset
        .tables
        .get(cell.table)
        .filter(|t| !t.meta.anchored)
    else {
        return false;
    };
    let row = table.row(cell.row).is_some_and(|p| p.is_of_which());
    let column = cell.column != ROW_LABEL
        && table
            .columns()
            .get(cell.column)
            .is_some_and(|p| p.is_of_which());
    row || column
}

/// Whether a side of a comparison is one cell of a total row (`合计`, `小计`, `总计`, or a
/// group's name, which finds its total): the sum on the other side is that total's parts.
fn is_total(context: &Context<'_>, side: &Linear) -> bool {
    let mut terms = side.terms.iter();
    let (Some((Atom::Cell(cell), _)), None) = (terms.next(), terms.next()) else {
        return false;
    };
    context
        .dataset
        .tables
        .get(cell.table)
        .and_then(|t| t.row(cell.row))
        .is_some_and(|path| path.is_total())
}

/// The first check of each rule that adds an `其中` item as a part, as a lint; the rules
/// reported.
#[derive(Default)]
pub(super) struct OfWhichPart {
    lints: Vec<Lint>,
    reported: BTreeSet<usize>,
}

impl<'a> ReadsChecks<'a> for OfWhichPart {
    fn read(&mut self, context: &Context<'a>, expanded: &Expanded) {
        if self.reported.contains(&expanded.rule) {
            return;
        }
        let Some(rule) = context.rule(expanded.rule) else {
            return;
        };
        let of_which =
            |cells: &[CellId]| !cells.is_empty() && cells.iter().all(|&c| is_of_which(context, c));
        let found = match &expanded.shape {
            Shape::Compare {
                left, right, sums, ..
            } if [left, right]
                .into_iter()
                .any(|side| is_total(context, side)) =>
            {
                sums.iter().find_map(|parts| {
                    let flagged: Vec<_> = parts.iter().filter(|p| of_which(&p.cells)).collect();
                    let first = flagged.first()?;
                    (flagged.len() < parts.len()).then(|| {
                        (
                            first.cells.clone(),
                            Place {
                                source: rule.source.clone(),
                                span: first.span,
                                label: "an 其中 row, added as a part".to_string(),
                            },
                        )
                    })
                })
            }
            Shape::Sum { parts, .. } => {
                let flagged: Vec<CellId> = parts
                    .iter()
                    .copied()
                    .filter(|&c| is_of_which(context, c))
                    .collect();
                let first = flagged.first().copied();
                first.filter(|_| flagged.len() < parts.len()).map(|cell| {
                    (
                        vec![cell],
                        context.body_place(rule, "adds an 其中 row as a part"),
                    )
                })
            }
            Shape::Compare { .. } | Shape::Cells(_) => None,
        };
        let Some((cells, place)) = found else {
            return;
        };
        self.reported.insert(expanded.rule);
        let what: Vec<String> = cells
            .iter()
            .map(|&c| describe_cell(context.dataset, c))
            .collect();
        self.lints.push(Lint {
            code: LintCode::OfWhichPart,
            message: format!(
                "`{}` adds {}, an 其中 (\"of which\") item, as a part of a sum{}",
                rule.id,
                what.join(", "),
                context.describe_check(rule, expanded.check)
            ),
            help: "an 其中 row is already counted in the row above it: leave it out of the parts"
                .to_string(),
            rules: vec![rule.id.clone()],
            places: vec![place],
            cells,
        });
    }

    fn found(self: Box<Self>, _: &Context<'a>) -> Vec<Lint> {
        self.lints
    }
}
