//! `crossfoot::lint::counted_twice`: one cell, or one term, added twice in one sum — a group
//! that lists a member twice, `sum(A[[x, y, x], c])`, a `matrix` whose row list repeats a
//! row, `a + b + a`.
//!
//! Why it matters: the total is then checked against the wrong sum; the check fails on a
//! correct book, or passes where a part is missing and another counts double.
//!
//! What it does not flag: a cell added once and subtracted once (they cancel, which is
//! another matter), or a cell that appears in two different sums of one rule.

use super::ground::{Expanded, Linear, Part, Shape, describe_cell};
use super::{Context, Lint, LintCode, Place, ReadsChecks};
use crate::engine::program::CellId;
use foldhash::{HashMap, HashMapExt};
use std::collections::BTreeSet;
use std::collections::hash_map::Entry;

/// The first check of each rule that adds a part twice, as a lint; the rules reported.
#[derive(Default)]
pub(super) struct CountedTwice {
    lints: Vec<Lint>,
    reported: BTreeSet<usize>,
}

impl<'a> ReadsChecks<'a> for CountedTwice {
    fn read(&mut self, context: &Context<'a>, expanded: &Expanded) {
        if self.reported.contains(&expanded.rule) {
            return;
        }
        let Some(rule) = context.rule(expanded.rule) else {
            return;
        };
        let repeat = match &expanded.shape {
            Shape::Compare { sums, .. } => sums.iter().find_map(|parts| {
                repeated_part(parts).map(|(earlier, part)| {
                    (
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
                    )
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
            return;
        };
        // A template that names the cell twice (a group with a repeated member) is one place.
        if places.len() == 2 && places.first().map(|p| p.span) == places.get(1).map(|p| p.span) {
            places.truncate(1);
            if let Some(place) = places.first_mut() {
                place.label = "names the same part twice".to_string();
            }
        }
        self.reported.insert(expanded.rule);
        let what: Vec<String> = cells
            .iter()
            .map(|&c| describe_cell(context.dataset, c))
            .collect();
        self.lints.push(Lint {
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

    fn found(self: Box<Self>, _: &Context<'a>) -> Vec<Lint> {
        self.lints
    }
}

/// The first part whose form (and sign) an earlier part of the sum has, with the first such
/// earlier part: found in one pass, for a sum over a million records has a million parts
/// (compared with every earlier part, `crossfoot lint` on one such rule had not ended after ten
/// minutes).
fn repeated_part(parts: &[Part]) -> Option<(&Part, &Part)> {
    let mut first: HashMap<(&Linear, bool), &Part> = HashMap::with_capacity(parts.len());
    for part in parts {
        match first.entry((&part.form, part.negative)) {
            Entry::Occupied(earlier) => return Some((earlier.get(), part)),
            Entry::Vacant(place) => {
                place.insert(part);
            }
        }
    }
    None
}

/// The first part listed twice.
fn repeated(parts: &[CellId]) -> Option<CellId> {
    let mut seen = BTreeSet::new();
    parts.iter().copied().find(|part| !seen.insert(*part))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::ground::Atom;
    use crate::source::Span;

    fn part(row: usize, negative: bool) -> Part {
        let cell = CellId {
            table: 0,
            row,
            column: 1,
        };
        Part {
            form: Linear::atom(Atom::Cell(cell)),
            cells: vec![cell],
            span: Span::new(row, 1),
            negative,
        }
    }

    /// A sum over 200 000 records, one of them added again at its end: found with the first
    /// time it was added (each part compared with every earlier one, the lint had not ended
    /// after ten minutes on a million records, nor this test after a minute).
    #[test]
    fn a_part_added_again_in_a_long_sum_is_found_with_its_first_place() {
        let mut parts: Vec<Part> = (0..200_000).map(|row| part(row, false)).collect();
        parts.push(part(7, true));
        assert!(
            repeated_part(&parts).is_none(),
            "subtracted once: not twice"
        );
        parts.push(part(7, false));
        let (earlier, again) = repeated_part(&parts).unwrap();
        assert_eq!(
            (earlier.span, again.span),
            (Span::new(7, 1), Span::new(7, 1))
        );
        assert!(std::ptr::eq(earlier, &parts[7]));
        assert!(std::ptr::eq(again, &parts[200_001]));
    }
}
