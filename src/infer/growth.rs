//! Growth and increments: a column named `增长`/`增速`/`同比`… against two columns that differ
//! only in their year (`2021年/金额` against `2020年/金额`, or `合同数/2021 年` against
//! `合同数/2020 年`): a percentage is `growth(current, prior)`, any other unit an
//! `increment(current, prior)`. Where the years are the rows (or columns) themselves — a
//! table of one year per row — each year's change is against the year before
//! (`prior(row)`). Both readings are proposed; the figures pick the one they support.

use super::Candidate;
use super::layout::{
    indices, is_additive, is_change, is_percent, keys, path_of, shared_prefix, year,
};
use super::paths::{path, segment, words};
use crate::engine::resolve::{Axis, year_of};
use crate::table::Table;
use crate::table::manifest::Dataset;

pub fn candidates(dataset: &Dataset, table: usize) -> Vec<Candidate> {
    let Some(t) = dataset.tables.get(table) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for axis in [Axis::Column, Axis::Row] {
        for change in indices(t, axis) {
            if is_change(&path_of(t, axis, change)) {
                out.extend(against_year_pairs(t, table, axis, change));
                out.extend(against_prior_line(t, table, axis, change));
            }
        }
    }
    if year_pairs(t, Axis::Column).is_empty() {
        out.extend(implied_prior_years(t, table));
    }
    out
}

/// Where a table prints growth rates but not last year's figures: last year's figure each
/// part's rate implies (`金额 / (1 + 增长 / 100)`) adds up to the one the total's rate implies.
fn implied_prior_years(t: &Table, table: usize) -> Vec<Candidate> {
    let id = t.id();
    let mut out = Vec::new();
    let rates: Vec<usize> = indices(t, Axis::Column)
        .filter(|&c| {
            let p = path_of(t, Axis::Column, c);
            is_change(&p) && is_percent(t, &p)
        })
        .collect();
    for total in indices(t, Axis::Row) {
        let Some(total_name) = path(t, Axis::Row, total) else {
            continue;
        };
        for (reading, parts) in super::totals::readings(t, Axis::Row, total)
            .into_iter()
            .map(|reading| reading.parts)
            .enumerate()
        {
            let Some(part_names) = parts
                .iter()
                .map(|&p| path(t, Axis::Row, p))
                .collect::<Option<Vec<_>>>()
            else {
                continue;
            };
            let list = part_names.join(", ");
            for &rate in &rates {
                let rate_path = path_of(t, Axis::Column, rate);
                let Some(rate_name) = path(t, Axis::Column, rate) else {
                    continue;
                };
                for value in indices(t, Axis::Column) {
                    let value_path = path_of(t, Axis::Column, value);
                    if !is_additive(t, &value_path) {
                        continue;
                    }
                    let Some(value_name) = path(t, Axis::Column, value) else {
                        continue;
                    };
                    let closeness =
                        i32::try_from(shared_prefix(&rate_path, &value_path)).unwrap_or(0);
                    out.push(Candidate {
                        table,
                        kind: "growth",
                        name: "implied_prior",
                        description: format!(
                            "Last year's {} that each row's {} implies adds up to the {} row's",
                            words(t, Axis::Column, value),
                            words(t, Axis::Column, rate),
                            words(t, Axis::Row, total)
                        ),
                        slot: format!("implied:{id}:{total}:{rate}"),
                        preference: closeness * 10 - i32::try_from(reading).unwrap_or(0),
                        merge: None,
                        item: String::new(),
                        loops: Vec::new(),
                        body: format!(
                            "{id}[{total_name}, {value_name}] / (1 + {id}[{total_name}, {rate_name}] / 100) = sum({id}[k, {value_name}] / (1 + {id}[k, {rate_name}] / 100) for k in [{list}])"
                        ),
                    });
                }
            }
        }
    }
    out
}

/// The pairs (current, prior) of lines that differ only in a year label, later year first.
fn year_pairs(t: &Table, axis: Axis) -> Vec<(usize, usize)> {
    let lines: Vec<(usize, Vec<String>)> = indices(t, axis)
        .filter(|&i| is_additive(t, &path_of(t, axis, i)))
        .map(|i| (i, keys(&path_of(t, axis, i))))
        .collect();
    let mut pairs = Vec::new();
    for (current, current_keys) in &lines {
        for (prior, prior_keys) in &lines {
            if current_keys.len() != prior_keys.len() {
                continue;
            }
            let differing: Vec<(&String, &String)> = current_keys
                .iter()
                .zip(prior_keys)
                .filter(|(a, b)| a != b)
                .collect();
            if let [(a, b)] = differing.as_slice()
                && let (Some(later), Some(earlier)) = (year_of(a), year_of(b))
                && later > earlier
            {
                pairs.push((*current, *prior));
            }
        }
    }
    pairs
}

/// The functions a change may be: a % is most likely a growth rate, another unit an increment.
fn functions(t: &Table, axis: Axis, change: usize) -> [(&'static str, i32); 2] {
    if is_percent(t, &path_of(t, axis, change)) {
        [("growth", 1), ("increment", 0)]
    } else {
        [("increment", 1), ("growth", 0)]
    }
}

/// `T[row, 增长] = growth(T[row, 2021年/金额], T[row, 2020年/金额])` for every row.
fn against_year_pairs(t: &Table, table: usize, axis: Axis, change: usize) -> Vec<Candidate> {
    let id = t.id();
    let Some(change_name) = path(t, axis, change) else {
        return Vec::new();
    };
    let change_path = path_of(t, axis, change);
    let mut out = Vec::new();
    for (current, prior) in year_pairs(t, axis) {
        let (Some(current_name), Some(prior_name)) = (path(t, axis, current), path(t, axis, prior))
        else {
            continue;
        };
        let closeness =
            i32::try_from(shared_prefix(&change_path, &path_of(t, axis, current))).unwrap_or(0);
        for (function, likely) in functions(t, axis, change) {
            let (loop_line, body) = match axis {
                Axis::Column => (
                    format!("row in rows({id})"),
                    format!(
                        "{id}[row, {change_name}] = {function}({id}[row, {current_name}], {id}[row, {prior_name}])"
                    ),
                ),
                Axis::Row => (
                    format!("col in columns({id})"),
                    format!(
                        "{id}[{change_name}, col] = {function}({id}[{current_name}, col], {id}[{prior_name}, col])"
                    ),
                ),
            };
            out.push(Candidate {
                table,
                kind: "growth",
                name: "growth",
                description: format!(
                    "{} is the {function} from {} to {}",
                    words(t, axis, change),
                    words(t, axis, prior),
                    words(t, axis, current)
                ),
                slot: format!("growth:{id}:{}:{change}", axis.name()),
                preference: closeness * 10 + likely,
                merge: None,
                item: String::new(),
                loops: vec![loop_line],
                body,
            });
        }
    }
    out
}

/// Years as the other axis: each year's change against the year before, `prior(row)`, for a
/// change column (row) and every figure column (row) of the table.
fn against_prior_line(t: &Table, table: usize, axis: Axis, change: usize) -> Vec<Candidate> {
    let id = t.id();
    let across = match axis {
        Axis::Column => Axis::Row,
        Axis::Row => Axis::Column,
    };
    let years: Vec<i32> = indices(t, across)
        .filter_map(|i| year(&path_of(t, across, i)))
        .collect();
    let followers: Vec<String> = indices(t, across)
        .filter(|&i| year(&path_of(t, across, i)).is_some_and(|y| years.contains(&(y - 1))))
        .filter_map(|i| keys(&path_of(t, across, i)).last().and_then(|k| segment(k)))
        .collect();
    if followers.len() < super::MIN_SUPPORT {
        return Vec::new();
    }
    let Some(change_name) = path(t, axis, change) else {
        return Vec::new();
    };
    let change_path = path_of(t, axis, change);
    let list = format!("[{}]", followers.join(", "));
    let mut out = Vec::new();
    for value in indices(t, axis) {
        let value_path = path_of(t, axis, value);
        if value == change || !is_additive(t, &value_path) || is_change(&value_path) {
            continue;
        }
        let Some(value_name) = path(t, axis, value) else {
            continue;
        };
        let closeness = i32::try_from(shared_prefix(&change_path, &value_path)).unwrap_or(0);
        for (function, likely) in functions(t, axis, change) {
            let body = match axis {
                Axis::Column => format!(
                    "{id}[y, {change_name}] = {function}({id}[y, {value_name}], {id}[prior(y), {value_name}])"
                ),
                Axis::Row => format!(
                    "{id}[{change_name}, y] = {function}({id}[{value_name}, y], {id}[{value_name}, prior(y)])"
                ),
            };
            out.push(Candidate {
                table,
                kind: "growth",
                name: "growth",
                description: format!(
                    "{} is each year's {function} of {} over the year before",
                    words(t, axis, change),
                    words(t, axis, value)
                ),
                slot: format!("growth:{id}:{}:{change}", axis.name()),
                preference: closeness * 10 + likely,
                merge: None,
                item: String::new(),
                loops: vec![format!("y in {list}")],
                body,
            });
        }
    }
    out
}
