//! `crossfoot::lint::counted_twice`: one cell, or one term, added twice in one sum — a group
//! that lists a member twice, `sum(A[[x, y, x], c])`, a `matrix` whose row list repeats a
//! row, `a + b + a`.
//!
//! Why it matters: the total is then checked against the wrong sum; the check fails on a
//! correct book, or passes where a part is missing and another counts double.
//!
//! What it does not flag: a cell added once and subtracted once (they cancel, which is
//! another matter), or a cell that appears in two different sums of one rule.

use super::ground::{Expanded, Shape, describe_cell};
use super::{Context, Lint, LintCode, Place};
use crate::engine::program::CellId;
use std::collections::BTreeSet;

pub(super) fn lint(context: &Context<'_>, checks: &[Expanded]) -> Vec<Lint> {
    let mut lints = Vec::new();
    let mut reported: BTreeSet<usize> = BTreeSet::new();
    for expanded in checks {
        if reported.contains(&expanded.rule) {
            continue;
        }
        let Some(rule) = context.rule(expanded.rule) else {
            continue;
        };
        let repeat = match &expanded.shape {
            Shape::Compare { sums, .. } => sums.iter().find_map(|parts| {
                parts.iter().enumerate().find_map(|(i, part)| {
                    let earlier = parts
                        .get(..i)?
                        .iter()
                        .find(|p| p.form == part.form && p.negative == part.negative)?;
                    Some((
                        part.cells.clone(),
                        vec![
                            Place {
                                source: rule.source.clone(),
                                span: part.span,
                                label: "added again here".to_string(),
                            },
                            Place {
                                source: rule.source.clone(),
                                span: earlier.span,
                                label: "first added here".to_string(),
                            },
                        ],
                    ))
                })
            }),
            Shape::Sum { parts, .. } => repeated(parts).map(|cell| {
                (
                    vec![cell],
                    vec![context.body_place(rule, "lists the part twice")],
                )
            }),
            Shape::Cells(_) => None,
        };
        let Some((cells, mut places)) = repeat else {
            continue;
        };
        // A template that names the cell twice (a group with a repeated member) is one place.
        if places.len() == 2 && places.first().map(|p| p.span) == places.get(1).map(|p| p.span) {
            places.truncate(1);
            if let Some(place) = places.first_mut() {
                place.label = "names the same part twice".to_string();
            }
        }
        reported.insert(expanded.rule);
        let what: Vec<String> = cells
            .iter()
            .map(|&c| describe_cell(context.dataset, c))
            .collect();
        lints.push(Lint {
            code: LintCode::CountedTwice,
            message: format!(
                "`{}` adds {} twice in one sum{}",
                rule.id,
                what.join(" + "),
                context.describe_check(rule, expanded.check)
            ),
            help: "name each part once (a group or list that repeats a member adds it twice)"
                .to_string(),
            rules: vec![rule.id.clone()],
            places,
            cells,
        });
    }
    lints
}

/// The first part listed twice.
fn repeated(parts: &[CellId]) -> Option<CellId> {
    let mut seen = BTreeSet::new();
    parts.iter().copied().find(|part| !seen.insert(*part))
}
