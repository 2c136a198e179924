//! Averages and ratios with their unit factors: a line (column or row) of averages — named
//! `平均`/`均`/`每`, or printed in 万元 or 元 — that is an amount × factor / a count of the same
//! column or row: `T[row, 平均] = T[row, 金额] * 10000 / T[row, 合同数]` for an amount in
//! 亿元 and an average in 万元. The factor comes from the two units (亿元 / 万元 = 10 000);
//! where a unit is not printed, 1 and 10 000 are both tried, and the figures decide. An
//! average may take its amount and count from another table, matched by the labels both
//! print (附表 8's `单项合同平均成交额` row from 附表 1's `成交总额` and `合同数`, year by year).

use super::Candidate;
use super::layout::{indices, is_additive, is_count, path_of, shared_prefix};
use super::paths::{path, words};
use crate::engine::resolve::Axis;
use crate::table::Table;
use crate::table::label::LabelPath;
use crate::table::manifest::Dataset;

pub fn candidates(dataset: &Dataset, table: usize) -> Vec<Candidate> {
    let Some(t) = dataset.tables.get(table) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for axis in [Axis::Column, Axis::Row] {
        for average in indices(t, axis) {
            if is_average(t, &path_of(t, axis, average)) {
                out.extend(averages(t, table, axis, average));
            }
        }
    }
    out
}

fn is_average(table: &Table, path: &LabelPath) -> bool {
    let named = path.labels().iter().any(|label| {
        let key = label.key();
        key.contains("平均") || key.contains('均') || key.contains('每')
    });
    is_additive(table, path)
        && !is_count(path)
        && (named || matches!(path.unit(), Some("万元" | "元")))
}

/// How many yuan a unit of money is: the line's, or the table's (`单位：万元`).
fn yuan(table: &Table, path: &LabelPath) -> Option<u64> {
    match path.unit().or(table.meta.unit.as_deref())? {
        "亿元" => Some(100_000_000),
        "万元" => Some(10_000),
        "元" => Some(1),
        _ => None,
    }
}

fn averages(t: &Table, table: usize, axis: Axis, average: usize) -> Vec<Candidate> {
    let id = t.id();
    let Some(average_name) = path(t, axis, average) else {
        return Vec::new();
    };
    let average_path = path_of(t, axis, average);
    let lines: Vec<(usize, LabelPath, String)> = indices(t, axis)
        .filter(|&i| i != average)
        .filter_map(|i| {
            let p = path_of(t, axis, i);
            let name = path(t, axis, i)?;
            is_additive(t, &p).then_some((i, p, name))
        })
        .collect();
    let mut out = Vec::new();
    for (count, count_path, count_name) in lines.iter().filter(|(_, p, _)| is_count(p)) {
        for (amount, amount_path, amount_name) in lines.iter().filter(|(_, p, _)| !is_count(p)) {
            let factors = factors(yuan(t, amount_path), yuan(t, &average_path));
            let closeness = i32::try_from(
                shared_prefix(&average_path, amount_path)
                    + shared_prefix(&average_path, count_path),
            )
            .unwrap_or(0);
            for factor in factors {
                let scaled = if factor == 1 {
                    String::new()
                } else {
                    format!(" * {factor}")
                };
                let (loop_line, body) = match axis {
                    Axis::Column => (
                        format!("row in rows({id})"),
                        format!(
                            "{id}[row, {average_name}] = {id}[row, {amount_name}]{scaled} / {id}[row, {count_name}]"
                        ),
                    ),
                    Axis::Row => (
                        format!("col in columns({id})"),
                        format!(
                            "{id}[{average_name}, col] = {id}[{amount_name}, col]{scaled} / {id}[{count_name}, col]"
                        ),
                    ),
                };
                out.push(Candidate {
                    table,
                    kind: "ratio",
                    name: "average",
                    description: format!(
                        "{} is {}{} / {}",
                        words(t, axis, average),
                        words(t, axis, *amount),
                        if factor == 1 {
                            String::new()
                        } else {
                            format!(" × {factor}")
                        },
                        words(t, axis, *count)
                    ),
                    slot: format!("average:{id}:{}:{average}", axis.name()),
                    preference: closeness,
                    merge: None,
                    item: String::new(),
                    loops: vec![loop_line],
                    body,
                });
            }
        }
    }
    out
}

/// The factors to try from the amount's and the average's units.
fn factors(amount: Option<u64>, average: Option<u64>) -> Vec<u64> {
    match (amount, average) {
        (Some(a), Some(b)) if a >= b => vec![a / b],
        (Some(_), Some(_)) => Vec::new(),
        _ => vec![1, 10_000],
    }
}

/// An average line of a chosen table against an amount line and a count line of another
/// table, for the lines across that both tables name (the years of 附表 8 and 附表 1).
pub fn across_tables(dataset: &Dataset, chosen: &[usize]) -> Vec<Candidate> {
    let mut out = Vec::new();
    for &a in chosen {
        let Some(t) = dataset.tables.get(a) else {
            continue;
        };
        for axis in [Axis::Row, Axis::Column] {
            for average in indices(t, axis) {
                let average_path = path_of(t, axis, average);
                let named = average_path
                    .labels()
                    .iter()
                    .any(|l| l.key().contains("平均"));
                if !named || !is_additive(t, &average_path) {
                    continue;
                }
                for (b, other) in dataset.tables.iter().enumerate() {
                    if b != a && !other.meta.anchored {
                        out.extend(average_from(t, a, axis, average, other));
                    }
                }
            }
        }
    }
    out
}

fn average_from(
    t: &Table,
    table: usize,
    axis: Axis,
    average: usize,
    other: &Table,
) -> Vec<Candidate> {
    let across = super::identities::other_axis(axis);
    let shared = super::identities::matched(t, other, across);
    if shared.len() < super::MIN_SUPPORT {
        return Vec::new();
    }
    let Some(average_name) = path(t, axis, average) else {
        return Vec::new();
    };
    let average_path = path_of(t, axis, average);
    let names: Vec<&str> = shared.iter().map(|(_, _, name)| name.as_str()).collect();
    let list = format!("[{}]", names.join(", "));
    let (id, other_id) = (t.id(), other.id());
    let lines: Vec<(usize, LabelPath, String)> = indices(other, axis)
        .filter_map(|i| {
            let p = path_of(other, axis, i);
            let name = path(other, axis, i)?;
            is_additive(other, &p).then_some((i, p, name))
        })
        .collect();
    let mut out = Vec::new();
    for (count, _, count_name) in lines.iter().filter(|(_, p, _)| is_count(p)) {
        for (amount, amount_path, amount_name) in lines.iter().filter(|(_, p, _)| !is_count(p)) {
            for factor in factors(yuan(other, amount_path), yuan(t, &average_path)) {
                let scaled = if factor == 1 {
                    String::new()
                } else {
                    format!(" * {factor}")
                };
                let body = match axis {
                    Axis::Row => format!(
                        "{id}[{average_name}, x] = {other_id}[{amount_name}, x]{scaled} / {other_id}[{count_name}, x]"
                    ),
                    Axis::Column => format!(
                        "{id}[x, {average_name}] = {other_id}[x, {amount_name}]{scaled} / {other_id}[x, {count_name}]"
                    ),
                };
                out.push(Candidate {
                    table,
                    kind: "ratio",
                    name: "average",
                    description: format!(
                        "{} is {}'s {}{} / its {}",
                        words(t, axis, average),
                        if other.meta.printed.is_empty() {
                            other_id
                        } else {
                            &other.meta.printed
                        },
                        words(other, axis, *amount),
                        if factor == 1 {
                            String::new()
                        } else {
                            format!(" × {factor}")
                        },
                        words(other, axis, *count)
                    ),
                    slot: format!("average:{id}:{}:{average}", axis.name()),
                    preference: 0,
                    merge: None,
                    item: String::new(),
                    loops: vec![format!("x in {list}")],
                    body,
                });
            }
        }
    }
    out
}
