//! What a table's labels say about its rows and columns: totals, 其中 rows, percentages,
//! ranks, counts, years. Every kind of proposal reads the layout through these.

use crate::engine::resolve::{Axis, year_of};
use crate::table::Table;
use crate::table::label::{LabelPath, is_count_unit};

/// The labels of a row or column as rules name them, empty ones (a group label printed once)
/// left out.
pub fn keys(path: &LabelPath) -> Vec<String> {
    path.labels()
        .iter()
        .map(|label| label.key().into_owned())
        .filter(|key| !key.is_empty())
        .collect()
}

/// Where along the path a `合计`/`小计`/`总计` label stands (the innermost), if any.
pub fn total_position(path: &LabelPath) -> Option<usize> {
    let labels: Vec<_> = path
        .labels()
        .iter()
        .filter(|l| !l.key().is_empty())
        .collect();
    labels.iter().rposition(|l| l.is_total())
}

/// A percentage: a share, a growth rate, a ratio printed in %. The unit is the innermost the
/// manifest declares for the path's labels (`units = { "Percent of population" = "%" }`, as
/// `check` reads it), else the labels' own (`增长 /%`).
pub fn is_percent(table: &Table, path: &LabelPath) -> bool {
    declared_unit(table, path).map_or(path.unit() == Some("%"), |unit| unit.trim() == "%")
}

/// The unit the manifest's `units` gives the innermost label of `path` it names.
fn declared_unit<'t>(table: &'t Table, path: &LabelPath) -> Option<&'t str> {
    path.labels().iter().rev().find_map(|label| {
        let key = label.key();
        table
            .meta
            .units
            .iter()
            .find(|(name, _)| *name == key)
            .map(|(_, unit)| unit.as_str())
    })
}

pub fn is_rank(path: &LabelPath) -> bool {
    path.labels().iter().any(|l| l.is_rank())
}

/// A whole count (项, 家, 人 …).
pub fn is_count(path: &LabelPath) -> bool {
    path.unit().is_some_and(is_count_unit)
}

/// A figure that adds up: neither a percentage nor a rank.
pub fn is_additive(table: &Table, path: &LabelPath) -> bool {
    !is_percent(table, path) && !is_rank(path)
}

/// A rate of change by its name: `增长`, `增速`, `同比`, `增幅`, `增加`, `增量`, `增减`.
pub fn is_change(path: &LabelPath) -> bool {
    path.last().is_some_and(|label| {
        let key = label.key();
        ["增长", "增速", "同比", "增幅", "增加", "增量", "增减"]
            .iter()
            .any(|word| key.contains(word))
    })
}

/// The year a row or column names by its last label (`2021年`, `2021`).
pub fn year(path: &LabelPath) -> Option<i32> {
    keys(path).last().and_then(|key| year_of(key))
}

/// The labels two paths share from the outside in: how close two columns are in the layout.
pub fn shared_prefix(a: &LabelPath, b: &LabelPath) -> usize {
    keys(a)
        .iter()
        .zip(keys(b).iter())
        .take_while(|(x, y)| x == y)
        .count()
}

/// The rows (or columns) of a table, by index.
pub fn indices(table: &Table, axis: Axis) -> std::ops::Range<usize> {
    0..axis.paths(table).len()
}

/// A row's or column's path by index (an empty one past the end).
pub fn path_of(table: &Table, axis: Axis, index: usize) -> LabelPath {
    axis.paths(table).get(index).cloned().unwrap_or_default()
}
