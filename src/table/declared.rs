//! What `tables.toml` declares about a table's units, checked against what its labels print.
//!
//! `unit` is the table's 单位：… and `units` gives a unit to labels that print none. A label
//! that prints a unit of its own (`金额 / 亿元`) overrides both when figures are read, so a
//! disagreement would go unnoticed: one of the two is wrong, and the reader must say which.

use super::label::{Label, LabelPath};
use super::{TableError, TableMeta};
use crate::source::{SharedSource, named};
use rayon::prelude::*;

/// Units of money, with the power of ten each is of 元: a table in 万元 whose header prints
/// 亿元 contradicts its manifest. Other units mix freely in one table (合同数 in 项 beside 金额
/// in 万元).
const MONEY: &[(&str, i32)] = &[("元", 0), ("万元", 4), ("亿元", 8)];

/// The power of ten a unit of money is of 元 (亿元 → 8); `None` for any other unit.
pub(crate) fn money_power(unit: &str) -> Option<i32> {
    MONEY
        .iter()
        .find(|(money, _)| *money == unit)
        .map(|(_, power)| *power)
}

/// Every label (rows and columns) whose printed unit contradicts `units` or, for money, the
/// table's `unit`. Each distinct label text is reported once.
/// Whether a label could print a unit other than `tables.toml` declares: only where it
/// declares units for labels, or money for the table.
pub(super) fn may_mismatch(meta: &TableMeta) -> bool {
    let table_money = meta.unit.as_deref().filter(|u| money_power(u).is_some());
    !meta.units.is_empty() || table_money.is_some()
}

pub(super) fn unit_mismatches(
    source: &SharedSource,
    meta: &TableMeta,
    rows: &[LabelPath],
    columns: &[LabelPath],
) -> Vec<TableError> {
    let table_money = meta.unit.as_deref().filter(|u| money_power(u).is_some());
    if !may_mismatch(meta) {
        return Vec::new();
    }
    // A million row labels are looked at on all cores; most tables have nothing to report.
    let contradicts = |path: &LabelPath| {
        path.labels()
            .iter()
            .any(|label| contradiction(label, meta, table_money).is_some())
    };
    if !rows.par_iter().any(contradicts) && !columns.iter().any(contradicts) {
        return Vec::new();
    }
    let mut seen: Vec<&str> = Vec::new();
    let mut errors = Vec::new();
    let labels = columns
        .iter()
        .chain(rows)
        .flat_map(LabelPath::labels)
        .filter(|label| label.unit().is_some());
    for label in labels {
        let Some((declared, field)) = contradiction(label, meta, table_money) else {
            continue;
        };
        if seen.contains(&label.text()) {
            continue;
        }
        seen.push(label.text());
        let printed = label.unit().unwrap_or_default();
        errors.push(TableError::UnitMismatch {
            source_code: named(source),
            span: label.span().into(),
            message: format!(
                "`{}` prints the unit {printed}, but tables.toml declares {declared} ({field})",
                label.text()
            ),
            printed,
        });
    }
    errors
}

/// The declared unit a label's printed one contradicts, and the manifest field declaring it.
fn contradiction<'m>(
    label: &Label,
    meta: &'m TableMeta,
    table_money: Option<&'m str>,
) -> Option<(&'m str, &'static str)> {
    let printed = label.unit()?;
    let key = label.key();
    if let Some((_, declared)) = meta.units.iter().find(|(name, _)| *name == key) {
        return (declared != printed).then_some((declared.as_str(), "units"));
    }
    table_money
        .filter(|declared| money_power(printed).is_some() && declared != &printed)
        .map(|declared| (declared, "unit"))
}
