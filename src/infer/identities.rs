//! Cross-table identities: the same column printed in two tables, for the rows both name
//! (附表 9's `金额` again as 表 2-1's `成交额`), and the same row printed in two tables under
//! other names, for the columns both name (表 4-1's `粤港澳大湾区` row is 表 4-8's `合计`). Rows (columns) are matched by the label the rules language names
//! them by in both tables; a pair of columns is proposed when at least [`MIN_SUPPORT`] of
//! their figures with three or more digits print alike, so small numbers (ranks, 0.0) never
//! make an identity. The engine then checks every matched row, as two printings of a figure.

use super::layout::{is_rank, keys, path_of, total_position};
use super::paths::{path, segment, words};
use super::{Candidate, FAILURES_PER_CHECK, MIN_SUPPORT};
use crate::engine::resolve::{Axis, Key, lookup};
use crate::table::Table;
use crate::table::label::TOTAL_NAMES;
use crate::table::manifest::Dataset;

/// Identities between each chosen table and every other table (a pair of chosen tables once).
pub fn candidates(dataset: &Dataset, chosen: &[usize]) -> Vec<Candidate> {
    let mut out = Vec::new();
    for &a in chosen {
        for (b, other) in dataset.tables.iter().enumerate() {
            if b == a || other.meta.anchored || (chosen.contains(&b) && b < a) {
                continue;
            }
            let Some(first) = dataset.tables.get(a) else {
                continue;
            };
            for axis in [Axis::Row, Axis::Column] {
                out.extend(pair(first, a, other, axis));
            }
        }
    }
    out
}

pub(super) fn other_axis(axis: Axis) -> Axis {
    match axis {
        Axis::Row => Axis::Column,
        Axis::Column => Axis::Row,
    }
}

/// The lines (rows for `Axis::Row`) both tables name alike: (line in a, line in b, name).
/// A total line (`合计`) totals what its table lists, so it is matched only when the two tables
/// list the same lines: a region's `合计` is not the nation's.
pub(super) fn matched(a: &Table, b: &Table, axis: Axis) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    for (line, labels) in axis.paths(a).iter().enumerate() {
        if is_rank(labels) {
            continue;
        }
        let keys = keys(labels);
        let Some(last) = keys.last() else {
            continue;
        };
        let names = [segment(last), path(a, axis, line)];
        for name in names.into_iter().flatten() {
            let lookup_keys: Vec<Key> = name
                .split('/')
                .map(|k| Key::label(k.trim_matches('"')))
                .collect();
            if lookup(a, axis, &lookup_keys) != Ok(line) {
                continue;
            }
            if let Ok(other) = lookup(b, axis, &lookup_keys) {
                out.push((line, other, name));
                break;
            }
        }
    }
    let is_total = |t: &Table, line: usize| total_position(&path_of(t, axis, line)).is_some();
    let listed = |t: &Table| -> Vec<usize> {
        (0..axis.paths(t).len())
            .filter(|&line| !is_total(t, line) && !path_of(t, axis, line).is_of_which())
            .collect()
    };
    let same_lists = listed(a).iter().all(|l| out.iter().any(|(x, _, _)| x == l))
        && listed(b).iter().all(|l| out.iter().any(|(_, y, _)| y == l));
    // A group's total named by its group (`技术开发` → `技术开发/合计`) is that group's.
    let named_total = |name: &str| {
        let last = name.rsplit('/').next().unwrap_or(name).trim_matches('"');
        TOTAL_NAMES.contains(&last)
    };
    out.retain(|(_, _, name)| same_lists || !named_total(name));
    out
}

/// Whether two printed figures may be one figure: the same digits, or at two precisions,
/// rounding intervals that meet.
fn alike(a: &crate::table::Cell, b: &crate::table::Cell) -> Option<bool> {
    let (x, y) = (a.figure()?, b.figure()?);
    if x.scale() == y.scale() {
        return Some(x == y);
    }
    Some(a.interval()?.overlaps(&b.interval()?))
}

fn pair(a: &Table, a_index: usize, b: &Table, axis: Axis) -> Vec<Candidate> {
    let lines = matched(a, b, axis);
    if lines.len() < MIN_SUPPORT {
        return Vec::new();
    }
    let across = other_axis(axis);
    // Rows both tables name are compared column by column (`Axis::Row`); the same row read
    // again column-wise would only repeat those checks.
    let named_alike: Vec<(usize, usize)> = match axis {
        Axis::Row => Vec::new(),
        Axis::Column => matched(a, b, Axis::Row)
            .into_iter()
            .map(|(x, y, _)| (x, y))
            .collect(),
    };
    let mut out = Vec::new();
    for a_line in 0..across.paths(a).len() {
        if is_rank(&path_of(a, across, a_line)) {
            continue;
        }
        for b_line in 0..across.paths(b).len() {
            if is_rank(&path_of(b, across, b_line)) || named_alike.contains(&(a_line, b_line)) {
                continue;
            }
            let cell = |t: &Table, line: usize, other: usize| match axis {
                Axis::Row => t.cell(line, other),
                Axis::Column => t.cell(other, line),
            };
            let mut informative = 0;
            let mut differ = 0;
            let mut both: Vec<&str> = Vec::new();
            for (in_a, in_b, name) in &lines {
                let (Some(x), Some(y)) = (cell(a, *in_a, a_line), cell(b, *in_b, b_line)) else {
                    continue;
                };
                match alike(&x, &y) {
                    Some(true) => {
                        let digits = x.figure().is_some_and(|v| v.mantissa().abs() >= 100);
                        informative += usize::from(digits);
                        both.push(name);
                    }
                    Some(false) => {
                        differ += 1;
                        both.push(name);
                    }
                    None => {}
                }
            }
            if informative < MIN_SUPPORT || differ * FAILURES_PER_CHECK > both.len() {
                continue;
            }
            let (Some(a_name), Some(b_name)) = (path(a, across, a_line), path(b, across, b_line))
            else {
                continue;
            };
            let (loop_line, body) = match axis {
                Axis::Row => (
                    format!("row in [{}]", both.join(", ")),
                    format!("{}[row, {a_name}] = {}[row, {b_name}]", a.id(), b.id()),
                ),
                Axis::Column => (
                    format!("col in [{}]", both.join(", ")),
                    format!("{}[{a_name}, col] = {}[{b_name}, col]", a.id(), b.id()),
                ),
            };
            let (a_words, b_words) = (words(a, across, a_line), words(b, across, b_line));
            let printed = |t: &Table| {
                if t.meta.printed.is_empty() {
                    t.id().to_string()
                } else {
                    t.meta.printed.clone()
                }
            };
            let whose = match axis {
                Axis::Row => "the rows both tables print",
                Axis::Column => "the columns both tables print",
            };
            out.push(Candidate {
                table: a_index,
                kind: "equal",
                name: "same",
                description: format!(
                    "{a_words} is printed again as {}'s {b_words}, for {whose}",
                    printed(b)
                ),
                slot: format!(
                    "same:{}:{}:{a_line}:{}:{b_line}",
                    a.id(),
                    axis.name(),
                    b.id()
                ),
                preference: 0,
                merge: None,
                item: String::new(),
                loops: vec![loop_line],
                body,
            });
        }
    }
    out
}
