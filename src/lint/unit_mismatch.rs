//! `crossfoot::lint::unit_mismatch`: a sum or a comparison that adds or compares figures
//! printed in two units of money (万元 beside 亿元) with no factor between them.
//!
//! Why it matters: rules compare figures as printed. `A6[合计, 成交额] = A1[成交总额, y]`
//! holds while both tables print 亿元; a header edited to `成交额 / 万元`, or a rule written
//! against a table in 万元, makes it compare 37 294.3 万元 with 37 294.3 亿元, and `check`
//! passes it. The label's unit or the rule is wrong, and only the units tell.
//!
//! Decided on each check written out (see [`super::ground`]): a comparison whose cells all
//! stand with coefficient 1 or −1 (`X = Y`, a total and its parts, `a + b <= c`), or a
//! `hierarchy`'s total and parts, whose cells print two units of money. A cell's unit is its
//! column's, else its row's, else its table's (`unit` in `tables.toml`).
//!
//! What it does not flag: a rule that writes the factor (`* 10000`: another coefficient),
//! terms that are shares, growth rates, products or quotients, and cells in units other than
//! money (项 beside 家 is a count beside a count).

use super::ground::{Atom, Expanded, Linear, Shape};
use super::{Context, Lint, LintCode};
use crate::engine::program::CellId;
use crate::table::TableMeta;
use crate::table::declared::MONEY;
use crate::table::label::LabelPath;
use crate::table::manifest::Dataset;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

pub(super) fn lint(context: &Context<'_>, checks: &[Expanded]) -> Vec<Lint> {
    // Per rule: the first check that mixes units, its cells and the two units.
    let mut found: BTreeMap<usize, (usize, Vec<CellId>, [&str; 2])> = BTreeMap::new();
    for expanded in checks {
        if found.contains_key(&expanded.rule) {
            continue;
        }
        let Some(cells) = added_cells(&expanded.shape) else {
            continue;
        };
        if let Some(units) = two_money_units(context.dataset, &cells) {
            found.insert(expanded.rule, (expanded.check, cells, units));
        }
    }
    found
        .into_iter()
        .filter_map(|(index, (check, cells, [one, other]))| {
            let rule = context.rule(index)?;
            Some(Lint {
                code: LintCode::UnitMismatch,
                message: format!(
                    "`{}` compares figures in {one} with figures in {other} as printed{}: {}",
                    rule.id,
                    context.describe_check(rule, check),
                    super::ground::describe_cells(context.dataset, &cells)
                ),
                help: format!(
                    "correct the unit a label prints, or write the factor between {one} and \
                     {other} into the rule (`* 10000` for 亿元 to 万元)"
                ),
                rules: vec![rule.id.clone()],
                places: vec![context.body_place(rule, format!("{one} beside {other}"))],
                cells,
            })
        })
        .collect()
}

/// The cells a check adds or compares one for one: every term of `left − right` a cell
/// with coefficient 1 or −1, or a hierarchy's total and parts; `None` for any other check.
fn added_cells(shape: &Shape) -> Option<Vec<CellId>> {
    match shape {
        Shape::Compare { left, right, .. } => {
            let difference = left
                .clone()
                .add_scaled(right.clone(), Decimal::NEGATIVE_ONE)?;
            one_for_one(&difference)
        }
        Shape::Sum { total, parts } => Some(
            std::iter::once(*total)
                .chain(parts.iter().copied())
                .collect(),
        ),
        _ => None,
    }
}

/// The cells of a form each added with 1 or −1, where every term is such a cell.
fn one_for_one(form: &Linear) -> Option<Vec<CellId>> {
    form.terms
        .iter()
        .map(|(atom, coefficient)| match atom {
            Atom::Cell(cell) if coefficient.abs() == Decimal::ONE => Some(*cell),
            _ => None,
        })
        .collect()
}

/// The first two units of money the cells print, where they print two.
fn two_money_units<'d>(dataset: &'d Dataset, cells: &[CellId]) -> Option<[&'d str; 2]> {
    let mut first: Option<&str> = None;
    for cell in cells {
        let Some(unit) = money_unit(dataset, *cell) else {
            continue;
        };
        match first {
            None => first = Some(unit),
            Some(seen) if seen != unit => return Some([seen, unit]),
            Some(_) => {}
        }
    }
    None
}

/// A cell's unit, where it is one of money: its column's, else its row's, else its table's.
fn money_unit(dataset: &Dataset, cell: CellId) -> Option<&str> {
    let table = dataset.tables.get(cell.table)?;
    let meta = &table.meta;
    let column = table
        .columns()
        .get(cell.column)
        .and_then(|p| unit_of(p, meta));
    let row = || table.rows().get(cell.row).and_then(|p| unit_of(p, meta));
    let unit = column.or_else(row).or(meta.unit.as_deref())?;
    MONEY.iter().find(|money| **money == unit).copied()
}

/// The innermost unit a path prints, or `tables.toml`'s `units` gives one of its labels.
fn unit_of<'t>(path: &'t LabelPath, meta: &'t TableMeta) -> Option<&'t str> {
    path.labels().iter().rev().find_map(|label| {
        let key = label.key();
        let declared = meta.units.iter().find(|(name, _)| *name == key);
        declared
            .map(|(_, unit)| unit.as_str())
            .or_else(|| label.unit())
    })
}
