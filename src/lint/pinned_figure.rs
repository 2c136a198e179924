//! `crossfoot::lint::pinned_figure`: a claim's anchor that writes the digits of a figure
//! (`TEXT[P1/"18216项，成交额为", figure]`).
//!
//! Why it matters: a figure in an anchor matches any figure (see [`crate::claims::anchor`]),
//! so the digits say nothing to the matching; they only go stale the day an editor corrects
//! that figure, and a reader takes them for part of what is checked. The help gives the
//! anchor with `#` for each figure, lengthened to the start of a clause where the words alone
//! would name several figures.
//!
//! Example: `TEXT[P1/"22.1%和", figure]` → `TEXT[P1/"同比分别增长#%和", figure]`.
//!
//! What it does not flag: years, dates and table references (`2020年的`, `表1-1`), which are
//! words; anchors in `for` lists (a claim is named in the cell itself).

use super::{Context, Lint, LintCode, Place};
use crate::claims::anchor::{pins_a_figure, words_only_anchor};
use crate::engine::resolve::Key;
use crate::lang::ast::{Body, CellRef, Expr, Segment};
use crate::table::label::normalize;

pub(super) fn lint(context: &Context<'_>) -> Vec<Lint> {
    let mut lints = Vec::new();
    for parsed in context.files {
        for rule in &parsed.file.rules {
            for cell in cells_of(&rule.body) {
                let Some(table) = context.dataset.table(&cell.table.value) else {
                    continue;
                };
                if !table.meta.anchored {
                    continue;
                }
                let Some((last, outer)) = cell.row.segments.split_last() else {
                    continue;
                };
                let (Segment::Word(anchor) | Segment::Quoted(anchor)) = last else {
                    continue;
                };
                let anchor = normalize(&anchor.value);
                if !pins_a_figure(&anchor) {
                    continue;
                }
                let outer: Vec<Key> = outer
                    .iter()
                    .filter_map(|segment| match segment {
                        Segment::Word(w) | Segment::Quoted(w) => Some(Key::label(&w.value)),
                        _ => None,
                    })
                    .collect();
                let help = match words_only_anchor(table, &outer, &anchor) {
                    Some(words) => format!("write the words, a figure as `#`: \"{words}\""),
                    None => "write the words, a figure as `#`, with enough words before it to \
                             name one figure"
                        .to_string(),
                };
                lints.push(Lint {
                    code: LintCode::PinnedFigure,
                    message: format!(
                        "the anchor of `{}` writes the digits of a figure; they take no part in \
                         matching and go stale when the figure is edited",
                        rule.id.value
                    ),
                    help,
                    rules: vec![rule.id.value.clone()],
                    places: vec![Place {
                        source: parsed.source.clone(),
                        span: last.span(),
                        label: "digits in the anchor".to_string(),
                    }],
                    cells: Vec::new(),
                });
            }
        }
    }
    lints
}

/// Every cell a rule names in its body, left to right.
fn cells_of(body: &Body) -> Vec<&CellRef> {
    let mut cells = Vec::new();
    match body {
        Body::Compare { left, right, .. } => {
            push_cells(left, &mut cells);
            push_cells(right, &mut cells);
        }
        Body::Condition(condition) => {
            for (left, _, right) in condition.comparisons() {
                push_cells(left, &mut cells);
                push_cells(right, &mut cells);
            }
        }
        Body::Cells(named) => cells.extend(named),
        _ => {}
    }
    cells
}

fn push_cells<'e>(expr: &'e Expr, cells: &mut Vec<&'e CellRef>) {
    match expr {
        Expr::Cell(cell) => cells.push(cell),
        Expr::Call { args, .. } => args.iter().for_each(|a| push_cells(a, cells)),
        Expr::Binary { left, right, .. } => {
            push_cells(left, cells);
            push_cells(right, cells);
        }
        Expr::Negate(inner, _) => push_cells(inner, cells),
        Expr::Comprehension { body, .. } => push_cells(body, cells),
        Expr::Number(_) | Expr::Count(..) => {}
    }
}
