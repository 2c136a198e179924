//! Averages and ratios with their unit factors: a line (column or row) of averages — named
//! `平均`/`均`/`每`, or printed in 万元 or 元 — that is an amount × factor / a count of the same
//! column or row: `T[row, 平均] = T[row, 金额] * 10000 / T[row, 合同数]` for an amount in
//! 亿元 and an average in 万元. The factor comes from the two units (亿元 / 万元 = 10 000);
//! where a unit is not printed, 1 and 10 000 are both tried, and the figures decide.

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
            if is_average(&path_of(t, axis, average)) {
                out.extend(averages(t, table, axis, average));
            }
        }
    }
    out
}

fn is_average(path: &LabelPath) -> bool {
    let named = path.labels().iter().any(|label| {
        let key = label.key();
        key.contains("平均") || key.contains('均') || key.contains('每')
    });
    is_additive(path) && !is_count(path) && (named || matches!(path.unit(), Some("万元" | "元")))
}

/// How many yuan a unit of money is.
fn yuan(path: &LabelPath) -> Option<u64> {
    match path.unit()? {
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
            is_additive(&p).then_some((i, p, name))
        })
        .collect();
    let mut out = Vec::new();
    for (count, count_path, count_name) in lines.iter().filter(|(_, p, _)| is_count(p)) {
        for (amount, amount_path, amount_name) in lines.iter().filter(|(_, p, _)| !is_count(p)) {
            let factors: Vec<u64> = match (yuan(amount_path), yuan(&average_path)) {
                (Some(a), Some(b)) if a >= b => vec![a / b],
                (Some(_), Some(_)) => Vec::new(),
                _ => vec![1, 10_000],
            };
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
