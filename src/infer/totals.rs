//! Totals: a row (or column) labelled `合计`/`小计`/`总计` is the sum of the rows it totals.
//!
//! The parts of a total are read from the labels, as `hierarchy` reads them: a group's `合计`
//! (`事业法人/合计`) adds up the other rows of its group; a top-level `合计` adds up the
//! top-level rows and the groups' totals; a total that stands at another place of its path
//! (`合计/成交额` in a buyer × seller table) adds up the rows that differ from it only there.
//! `其中` (of-which) rows are never parts. A second reading also leaves out the rows printed
//! right after an `其中` row (`其中：沈阳`, then `大连` without `其中`): the figures decide.
//! Each total is proposed for every column of figures that add up (not %, not ranks), and the
//! columns the figures support are looped over in one rule.

use super::Candidate;
use super::layout::{indices, is_additive, keys, path_of, total_position};
use super::paths::{path, words};
use crate::engine::resolve::Axis;
use crate::table::Table;
use crate::table::label::LabelPath;
use crate::table::manifest::Dataset;

/// Total rows and total columns, with their parts.
pub fn candidates(dataset: &Dataset, table: usize) -> Vec<Candidate> {
    let Some(t) = dataset.tables.get(table) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for axis in [Axis::Row, Axis::Column] {
        for total in indices(t, axis) {
            for (reading, parts) in readings(t, axis, total).into_iter().enumerate() {
                out.extend(total_candidates(t, table, axis, total, reading, &parts));
            }
        }
    }
    out
}

/// The parts of a total: as labelled, and (when it differs) without the rows that follow an
/// `其中` row.
pub(super) fn readings(table: &Table, axis: Axis, total: usize) -> Vec<Vec<usize>> {
    let paths = axis.paths(table);
    let total_path = path_of(table, axis, total);
    let Some(position) = total_position(&total_path) else {
        return Vec::new();
    };
    let total_keys = keys(&total_path);
    let top_level = total_keys.len() == 1;
    let is_part = |index: usize, candidate: &LabelPath| {
        if index == total || candidate.is_of_which() {
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
    let after_of_which = |i: &usize| {
        i.checked_sub(1)
            .and_then(|before| paths.get(before))
            .is_some_and(LabelPath::is_of_which)
    };
    let unlisted: Vec<usize> = labelled
        .iter()
        .copied()
        .filter(|i| !after_of_which(i))
        .collect();
    let mut readings = vec![labelled.clone()];
    if unlisted != labelled {
        readings.push(unlisted);
    }
    readings.retain(|parts| parts.len() >= 2);
    readings
}

fn total_candidates(
    t: &Table,
    table: usize,
    axis: Axis,
    total: usize,
    reading: usize,
    parts: &[usize],
) -> Vec<Candidate> {
    let Some(total_name) = path(t, axis, total) else {
        return Vec::new();
    };
    let Some(part_names) = parts
        .iter()
        .map(|&p| path(t, axis, p))
        .collect::<Option<Vec<_>>>()
    else {
        return Vec::new();
    };
    let list = format!("[{}]", part_names.join(", "));
    let total_words = words(t, axis, total);
    let left_out = if reading == 1 {
        "; the rows printed right after an 其中 row are read as of-which rows too"
    } else {
        ""
    };
    let what = match axis {
        Axis::Row => "rows",
        Axis::Column => "columns",
    };
    let description = format!(
        "{total_words} is the sum of the {} {what} it totals (其中 {what} left out{left_out})",
        parts.len()
    );
    let slot_base = format!("total:{}:{}:{total}", t.id(), axis.name());
    let id = t.id();
    match axis {
        // One rule per total row, over the columns the figures support.
        Axis::Row => indices(t, Axis::Column)
            .filter(|&c| is_additive(&path_of(t, Axis::Column, c)))
            .filter_map(|column| {
                let item = path(t, Axis::Column, column)?;
                Some(Candidate {
                    table,
                    kind: "sum",
                    name: "total",
                    description: description.clone(),
                    slot: format!("{slot_base}:{column}"),
                    preference: -i32::try_from(reading).unwrap_or(0),
                    merge: Some(format!("{slot_base}:{reading}")),
                    item,
                    loops: Vec::new(),
                    body: format!("{id}[{total_name}, {{item}}] = sum({id}[{list}, {{item}}])"),
                })
            })
            .collect(),
        // A total column adds up its columns in every row.
        Axis::Column => {
            if !is_additive(&path_of(t, Axis::Column, total)) {
                return Vec::new();
            }
            vec![Candidate {
                table,
                kind: "sum",
                name: "total",
                description,
                slot: slot_base,
                preference: -i32::try_from(reading).unwrap_or(0),
                merge: None,
                item: String::new(),
                loops: vec![format!("row in rows({id})")],
                body: format!("{id}[row, {total_name}] = sum({id}[row, {list}])"),
            }]
        }
    }
}
