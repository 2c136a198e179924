//! Sums no label states: a row (or column) that is the sum of two or three other rows of its
//! table wherever they are all printed — BLS's `Civilian labor force` is `Employed` +
//! `Unemployed`, Eurostat's `EA19` is `EA18` + `LT`, ABS's hours in all jobs are the market's
//! and the non-market's. Offices print such sums without a `Total` label, so they are found
//! in the figures: the pairs of the table's other lines are tried first, the triples only
//! where no pair adds up.
//!
//! A coincidence must not make a rule: the parts must add up, within rounding, in at least
//! [`MIN_AGREEING`] lines across where the total prints three or more digits and no part is
//! zero, and fail in no more lines than a candidate may have candidate findings. The engine
//! then judges the rule as it judges every other proposal. Where a label states the total
//! (`合计`, a declared `Total`), the same slot as [`super::totals`]'s reading is used, and the
//! labelled reading wins where both are supported alike.

use super::layout::{indices, is_additive, path_of};
use super::paths::{path, sum_paths, words};
use super::{Candidate, FAILURES_PER_CHECK, MAX_FAILURES};
use crate::engine::resolve::Axis;
use crate::interval::Interval;
use crate::table::manifest::Dataset;
use crate::table::{Cell, Table};

/// The most lines of one axis searched: the triples of 60 lines, for each of them, are
/// 2 million tries, most of which stop at the first line across.
const MOST_LINES: usize = 60;
/// The fewest lines across in which the parts must add up to a total of three or more digits.
pub const MIN_AGREEING: usize = 4;

/// The sums found among the rows, and among the columns, of table `table`.
pub fn candidates(dataset: &Dataset, table: usize) -> Vec<Candidate> {
    let Some(t) = dataset.tables.get(table) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for axis in [Axis::Row, Axis::Column] {
        let grid = Grid::of(t, axis);
        if grid.lines.len() < 3 || grid.lines.len() > MOST_LINES {
            continue;
        }
        for (at, &total) in grid.lines.iter().enumerate() {
            for parts in grid.sums_to(at) {
                out.extend(candidate(t, table, axis, total, &parts));
            }
        }
    }
    out
}

/// The figures of the lines searched, line by line, across the lines that add up.
struct Grid {
    /// The lines searched (indices of rows or columns), of-which lines left out.
    lines: Vec<usize>,
    /// `values[line][across]`: each line's printed intervals, `None` where nothing is printed.
    values: Vec<Vec<Option<Interval>>>,
    /// Whether the line's figure across has three or more significant digits.
    substantial: Vec<Vec<bool>>,
}

impl Grid {
    fn of(table: &Table, axis: Axis) -> Self {
        let across_axis = match axis {
            Axis::Row => Axis::Column,
            Axis::Column => Axis::Row,
        };
        let is_line = |index: usize| {
            let path = path_of(table, axis, index);
            !path.is_of_which() && (axis == Axis::Row || is_additive(table, &path))
        };
        let across: Vec<usize> = indices(table, across_axis)
            .filter(|&index| {
                let path = path_of(table, across_axis, index);
                !path.is_of_which() && (axis == Axis::Column || is_additive(table, &path))
            })
            .collect();
        let lines: Vec<usize> = indices(table, axis).filter(|&i| is_line(i)).collect();
        let cell = |line: usize, other: usize| match axis {
            Axis::Row => table.cell(line, other),
            Axis::Column => table.cell(other, line),
        };
        let values = lines
            .iter()
            .map(|&line| {
                across
                    .iter()
                    .map(|&other| cell(line, other).and_then(Cell::interval))
                    .collect()
            })
            .collect();
        let substantial = lines
            .iter()
            .map(|&line| {
                across
                    .iter()
                    .map(|&other| {
                        cell(line, other)
                            .and_then(Cell::figure)
                            .is_some_and(|v| v.mantissa().unsigned_abs() >= 100)
                    })
                    .collect()
            })
            .collect();
        Self {
            lines,
            values,
            substantial,
        }
    }

    /// The sets of other lines (pairs, else triples) that add up to line `at`, as lines'
    /// indices.
    fn sums_to(&self, at: usize) -> Vec<Vec<usize>> {
        let others: Vec<usize> = (0..self.lines.len()).filter(|&i| i != at).collect();
        let mut found = Vec::new();
        for (n, &a) in others.iter().enumerate() {
            for &b in others.iter().skip(n + 1) {
                if self.adds_up(at, &[a, b]) {
                    found.push(vec![a, b]);
                }
            }
        }
        if found.is_empty() {
            for (n, &a) in others.iter().enumerate() {
                for (m, &b) in others.iter().enumerate().skip(n + 1) {
                    for &c in others.iter().skip(m + 1) {
                        if self.adds_up(at, &[a, b, c]) {
                            found.push(vec![a, b, c]);
                        }
                    }
                }
            }
        }
        found
            .into_iter()
            .map(|parts| {
                parts
                    .iter()
                    .filter_map(|&p| self.lines.get(p).copied())
                    .collect()
            })
            .collect()
    }

    /// Whether `parts` add up to line `total` in at least [`MIN_AGREEING`] substantial lines
    /// across, failing in few enough to be candidate findings.
    fn adds_up(&self, total: usize, parts: &[usize]) -> bool {
        let (Some(printed), Some(big)) = (self.values.get(total), self.substantial.get(total))
        else {
            return false;
        };
        let (mut agreeing, mut passed, mut failed) = (0, 0, 0);
        for (across, printed) in printed.iter().enumerate() {
            let Some(printed) = printed else {
                continue;
            };
            let part_values: Option<Vec<Interval>> = parts
                .iter()
                .map(|&p| self.values.get(p)?.get(across).copied().flatten())
                .collect();
            let Some(part_values) = part_values else {
                continue;
            };
            let sum = part_values
                .iter()
                .try_fold(Interval::exact(rust_decimal::Decimal::ZERO), |sum, part| {
                    sum.checked_add(part).ok()
                });
            let Some(sum) = sum else {
                continue;
            };
            if sum.overlaps(printed) {
                passed += 1;
                let no_zero_part = part_values.iter().all(|p| !p.contains_zero());
                if big.get(across).copied().unwrap_or(false) && no_zero_part {
                    agreeing += 1;
                }
            } else {
                failed += 1;
                if failed > MAX_FAILURES {
                    return false;
                }
            }
        }
        agreeing >= MIN_AGREEING && failed * FAILURES_PER_CHECK <= passed + failed
    }
}

/// The rule for one sum found: one rule over the rows for a column, one per column (merged
/// into one rule over the columns the figures support) for a row.
fn candidate(t: &Table, table: usize, axis: Axis, total: usize, parts: &[usize]) -> Vec<Candidate> {
    let Some((total_name, part_names)) = sum_paths(t, axis, total, parts) else {
        return Vec::new();
    };
    let part_words: Vec<String> = parts.iter().map(|&p| words(t, axis, p)).collect();
    let description = format!(
        "{} is {} (no label says so: the figures add up)",
        words(t, axis, total),
        part_words.join(" + ")
    );
    let id = t.id();
    let slot_base = format!("total:{id}:{}:{total}", axis.name());
    let merge_key = format!("sum:{slot_base}:{}", part_names.join("+"));
    match axis {
        Axis::Row => indices(t, Axis::Column)
            .filter(|&c| is_additive(t, &path_of(t, Axis::Column, c)))
            .filter_map(|column| {
                let item = path(t, Axis::Column, column)?;
                let sum: Vec<String> = part_names
                    .iter()
                    .map(|p| format!("{id}[{p}, {{item}}]"))
                    .collect();
                Some(Candidate {
                    table,
                    kind: "sum",
                    name: "sum",
                    description: description.clone(),
                    slot: format!("{slot_base}:{column}"),
                    preference: -10,
                    merge: Some(merge_key.clone()),
                    item,
                    loops: Vec::new(),
                    body: format!("{id}[{total_name}, {{item}}] = {}", sum.join(" + ")),
                })
            })
            .collect(),
        Axis::Column => {
            let sum: Vec<String> = part_names
                .iter()
                .map(|p| format!("{id}[row, {p}]"))
                .collect();
            vec![Candidate {
                table,
                kind: "sum",
                name: "sum",
                description,
                slot: slot_base,
                preference: -10,
                merge: None,
                item: String::new(),
                loops: vec![format!("row in rows({id})")],
                body: format!("{id}[row, {total_name}] = {}", sum.join(" + ")),
            }]
        }
    }
}
