//! Totals: a row (or column) labelled `合计`/`小计`/`总计` is the sum of the rows it totals.
//!
//! The parts of a total are read from the labels, as `hierarchy` reads them: a group's `合计`
//! (`事业法人/合计`) adds up the other rows of its group; a top-level `合计` adds up the
//! top-level rows and the groups' totals; a total that stands at another place of its path
//! (`合计/成交额` in a buyer × seller table) adds up the rows that differ from it only there.
//! `其中` (of-which) rows are never parts. Where the parts so read do not add up, a second
//! reading leaves out the fewest rows printed right after an `其中` row (`其中：沈阳`, then
//! `大连` without `其中`) that make the total add up in every column: the figures decide.
//! Each total is proposed for every column of figures that add up (not %, not ranks), and the
//! columns the figures support are looped over in one rule.

use super::Candidate;
use super::layout::{indices, is_additive, keys, path_of, total_position};
use super::paths::{path, sum_paths, words};
use crate::engine::resolve::Axis;
use crate::interval::Interval;
use crate::table::label::LabelPath;
use crate::table::manifest::Dataset;
use crate::table::{Cell, Table};
use rust_decimal::Decimal;

/// Total rows and total columns, with their parts.
pub fn candidates(dataset: &Dataset, table: usize) -> Vec<Candidate> {
    let Some(t) = dataset.tables.get(table) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for axis in [Axis::Row, Axis::Column] {
        for total in indices(t, axis) {
            for (index, reading) in readings(t, axis, total).iter().enumerate() {
                out.extend(total_candidates(t, table, axis, total, index, reading));
            }
        }
    }
    out
}

/// One way to read the parts of a total.
pub(super) struct Reading {
    pub parts: Vec<usize>,
    /// Rows printed right after an `其中` row, without the word, read as of-which rows too.
    pub also_of_which: Vec<usize>,
}

/// The most rows after `其中` rows whose subsets are searched (2^16 subsets at most).
const MOST_SUSPECTS: usize = 16;

/// The parts of a total: as labelled, and (where the figures show that some rows printed
/// right after an `其中` row are of-which rows too) without the fewest of those that make the
/// total add up in every column.
pub(super) fn readings(table: &Table, axis: Axis, total: usize) -> Vec<Reading> {
    let paths = axis.paths(table);
    let total_path = path_of(table, axis, total);
    let Some(position) = total_position(&total_path) else {
        return Vec::new();
    };
    let total_keys = keys(&total_path);
    let top_level = total_keys.len() == 1;
    let is_part = |index: usize, candidate: &LabelPath| {
        // A percentage or a rank beside the parts (BLS's `Employed/Percent of population`
        // beside `Employed/Agriculture`) is no part of the total.
        if index == total || candidate.is_of_which() || !is_additive(table, candidate) {
            return false;
        }
        let candidate_keys = keys(candidate);
        if top_level {
            // The top-level rows, and the groups' totals.
            return (candidate_keys.len() == 1 && total_position(candidate).is_none())
                || (candidate_keys.len() == 2 && total_position(candidate) == Some(1));
        }
        candidate_keys.len() == total_keys.len()
            && total_position(candidate).is_none()
            && candidate_keys
                .iter()
                .zip(&total_keys)
                .enumerate()
                .all(|(at, (a, b))| at == position || a == b)
    };
    let labelled: Vec<usize> = paths
        .iter()
        .enumerate()
        .filter(|(i, p)| is_part(*i, p))
        .map(|(i, _)| i)
        .collect();
    let suspects: Vec<usize> = labelled
        .iter()
        .copied()
        .filter(|i| {
            i.checked_sub(1)
                .and_then(|before| paths.get(before))
                .is_some_and(LabelPath::is_of_which)
        })
        .collect();
    let mut readings = Vec::new();
    if !adds_up(table, axis, total, &labelled)
        && let Some(left_out) = fewest_left_out(table, axis, total, &labelled, &suspects)
    {
        readings.push(Reading {
            parts: labelled
                .iter()
                .copied()
                .filter(|i| !left_out.contains(i))
                .collect(),
            also_of_which: left_out,
        });
    }
    readings.push(Reading {
        parts: labelled,
        also_of_which: Vec::new(),
    });
    readings.retain(|reading| reading.parts.len() >= 2);
    readings
}

/// The smallest set of `suspects` (the first found, smallest sets first) whose leaving out
/// makes the total add up in every column of figures, if any.
fn fewest_left_out(
    table: &Table,
    axis: Axis,
    total: usize,
    labelled: &[usize],
    suspects: &[usize],
) -> Option<Vec<usize>> {
    if suspects.is_empty() || suspects.len() > MOST_SUSPECTS {
        return None;
    }
    let mut subsets: Vec<u32> = (1..(1u32 << suspects.len())).collect();
    subsets.sort_by_key(|s| s.count_ones());
    subsets.into_iter().find_map(|subset| {
        let left_out: Vec<usize> = suspects
            .iter()
            .enumerate()
            .filter(|(bit, _)| subset & (1 << bit) != 0)
            .map(|(_, &row)| row)
            .collect();
        let parts: Vec<usize> = labelled
            .iter()
            .copied()
            .filter(|i| !left_out.contains(i))
            .collect();
        adds_up(table, axis, total, &parts).then_some(left_out)
    })
}

/// Whether the parts add up to the total within rounding in every line across that prints
/// them all (and in at least one).
fn adds_up(table: &Table, axis: Axis, total: usize, parts: &[usize]) -> bool {
    let across = match axis {
        Axis::Row => Axis::Column,
        Axis::Column => Axis::Row,
    };
    let cell = |line: usize, other: usize| match axis {
        Axis::Row => table.cell(line, other).and_then(Cell::interval),
        Axis::Column => table.cell(other, line).and_then(Cell::interval),
    };
    let mut decided = 0;
    for other in indices(table, across) {
        if !is_additive(table, &path_of(table, across, other)) {
            continue;
        }
        let Some(printed) = cell(total, other) else {
            continue;
        };
        let sum = parts
            .iter()
            .try_fold(Interval::exact(Decimal::ZERO), |sum, &part| {
                sum.checked_add(&cell(part, other)?).ok()
            });
        let Some(sum) = sum else {
            continue;
        };
        if !sum.overlaps(&printed) {
            return false;
        }
        decided += 1;
    }
    decided > 0
}

fn total_candidates(
    t: &Table,
    table: usize,
    axis: Axis,
    total: usize,
    reading_index: usize,
    reading: &Reading,
) -> Vec<Candidate> {
    let parts = &reading.parts;
    let Some((total_name, part_names)) = sum_paths(t, axis, total, parts) else {
        return Vec::new();
    };
    let list = format!("[{}]", part_names.join(", "));
    let total_words = words(t, axis, total);
    let also: Vec<String> = reading
        .also_of_which
        .iter()
        .map(|&row| words(t, axis, row))
        .collect();
    let left_out = if also.is_empty() {
        String::new()
    } else {
        format!(
            "; {} printed right after an 其中 row, read as of-which too",
            also.join(", ")
        )
    };
    let what = match axis {
        Axis::Row => "rows",
        Axis::Column => "columns",
    };
    // A table without 其中 lines (an office's English table) is not told about them.
    let has_of_which = axis.paths(t).iter().any(LabelPath::is_of_which);
    let note = match (has_of_which, left_out.is_empty()) {
        (true, _) => format!(" (其中 {what} left out{left_out})"),
        (false, true) => String::new(),
        (false, false) => format!(" ({})", left_out.trim_start_matches("; ")),
    };
    let description = format!(
        "{total_words} is the sum of the {} {what} it totals{note}",
        parts.len()
    );
    let slot_base = format!("total:{}:{}:{total}", t.id(), axis.name());
    let id = t.id();
    match axis {
        // One rule per total row, over the columns the figures support.
        Axis::Row => indices(t, Axis::Column)
            .filter(|&c| is_additive(t, &path_of(t, Axis::Column, c)))
            .filter_map(|column| {
                let item = path(t, Axis::Column, column)?;
                Some(Candidate {
                    table,
                    kind: "sum",
                    name: "total",
                    description: description.clone(),
                    slot: format!("{slot_base}:{column}"),
                    preference: -i32::try_from(reading_index).unwrap_or(0),
                    merge: Some(format!("{slot_base}:{reading_index}")),
                    item,
                    loops: Vec::new(),
                    body: format!("{id}[{total_name}, {{item}}] = sum({id}[{list}, {{item}}])"),
                })
            })
            .collect(),
        // A total column adds up its columns in every row.
        Axis::Column => {
            if !is_additive(t, &path_of(t, Axis::Column, total)) {
                return Vec::new();
            }
            vec![Candidate {
                table,
                kind: "sum",
                name: "total",
                description,
                slot: slot_base,
                preference: -i32::try_from(reading_index).unwrap_or(0),
                merge: None,
                item: String::new(),
                loops: vec![format!("row in rows({id})")],
                body: format!("{id}[row, {total_name}] = sum({id}[row, {list}])"),
            }]
        }
    }
}
