//! Shares: a percentage column (`占比 / %`) that is each row's figure as a share of a total
//! row's (`share(T[row, 金额], T[合计, 金额])`), or of another column of the same row
//! (`成交额/GDP`); and a percentage row of the same kind across the columns (a year-by-year
//! ratio such as 表 1-1's `技术合同成交额/GDP(%)`). Every pairing of figures is proposed;
//! the figures pick the one they support, preferring a column printed beside the share.

use super::Candidate;
use super::layout::{
    indices, is_additive, is_change, is_percent, path_of, shared_prefix, total_position,
};
use super::paths::{path, words};
use crate::engine::resolve::Axis;
use crate::table::Table;
use crate::table::manifest::Dataset;

pub fn candidates(dataset: &Dataset, table: usize) -> Vec<Candidate> {
    let Some(t) = dataset.tables.get(table) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for share in indices(t, Axis::Column) {
        let share_path = path_of(t, Axis::Column, share);
        if is_percent(t, &share_path) && !is_change(&share_path) {
            out.extend(of_total_row(t, table, share));
            out.extend(of_other(t, table, Axis::Column, share));
        }
    }
    for share in indices(t, Axis::Row) {
        let share_path = path_of(t, Axis::Row, share);
        if is_percent(t, &share_path) && !is_change(&share_path) {
            out.extend(of_other(t, table, Axis::Row, share));
        }
    }
    out
}

/// `T[row, 占比] = share(T[row, X], T[TOTAL, X])` for every figure column X and total row.
fn of_total_row(t: &Table, table: usize, share: usize) -> Vec<Candidate> {
    let id = t.id();
    let Some(share_name) = path(t, Axis::Column, share) else {
        return Vec::new();
    };
    let share_path = path_of(t, Axis::Column, share);
    let totals: Vec<usize> = indices(t, Axis::Row)
        .filter(|&r| total_position(&path_of(t, Axis::Row, r)).is_some())
        .collect();
    let mut out = Vec::new();
    for &total in &totals {
        let Some(total_name) = path(t, Axis::Row, total) else {
            continue;
        };
        let top_level = path_of(t, Axis::Row, total).labels().len() == 1;
        for part in indices(t, Axis::Column) {
            let part_path = path_of(t, Axis::Column, part);
            if part == share || !is_additive(t, &part_path) {
                continue;
            }
            let Some(part_name) = path(t, Axis::Column, part) else {
                continue;
            };
            let closeness = i32::try_from(shared_prefix(&share_path, &part_path)).unwrap_or(0);
            out.push(Candidate {
                table,
                kind: "share",
                name: "share",
                description: format!(
                    "{} is the row's {} as a share of the {} row's",
                    words(t, Axis::Column, share),
                    words(t, Axis::Column, part),
                    words(t, Axis::Row, total)
                ),
                slot: format!("share:{id}:column:{share}"),
                preference: closeness * 10 + i32::from(top_level) * 5 + 2,
                merge: None,
                item: String::new(),
                loops: vec![format!("row in rows({id})")],
                body: format!(
                    "{id}[row, {share_name}] = share({id}[row, {part_name}], {id}[{total_name}, {part_name}])"
                ),
            });
        }
    }
    out
}

/// `T[row, P] = share(T[row, X], T[row, Y])` (or the same across columns, for a % row).
fn of_other(t: &Table, table: usize, axis: Axis, share: usize) -> Vec<Candidate> {
    let id = t.id();
    let Some(share_name) = path(t, axis, share) else {
        return Vec::new();
    };
    let share_path = path_of(t, axis, share);
    let figures: Vec<(usize, String)> = indices(t, axis)
        .filter(|&i| i != share && is_additive(t, &path_of(t, axis, i)))
        .filter_map(|i| Some((i, path(t, axis, i)?)))
        .collect();
    let mut out = Vec::new();
    for (part, part_name) in &figures {
        for (whole, whole_name) in &figures {
            if part == whole {
                continue;
            }
            let closeness =
                i32::try_from(shared_prefix(&share_path, &path_of(t, axis, *part))).unwrap_or(0);
            let (loop_line, body) = match axis {
                Axis::Column => (
                    format!("row in rows({id})"),
                    format!(
                        "{id}[row, {share_name}] = share({id}[row, {part_name}], {id}[row, {whole_name}])"
                    ),
                ),
                Axis::Row => (
                    format!("col in columns({id})"),
                    format!(
                        "{id}[{share_name}, col] = share({id}[{part_name}, col], {id}[{whole_name}, col])"
                    ),
                ),
            };
            let across = match axis {
                Axis::Column => "in each row",
                Axis::Row => "in each column",
            };
            out.push(Candidate {
                table,
                kind: "share",
                name: "share",
                description: format!(
                    "{} is {} as a share of {}, {across}",
                    words(t, axis, share),
                    words(t, axis, *part),
                    words(t, axis, *whole)
                ),
                slot: format!("share:{id}:{}:{share}", axis.name()),
                preference: closeness * 10,
                merge: None,
                item: String::new(),
                loops: vec![loop_line],
                body,
            });
        }
    }
    out
}
