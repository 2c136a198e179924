//! `crossfoot::lint::unit_mismatch`: a sum or a comparison that adds or compares figures
//! printed in two units of money (万元 beside 亿元) with no factor between them, or two such
//! figures through the factor of other units (`* 10000` between 元 and 亿元).
//!
//! Why it matters: rules compare figures as printed. `A6[合计, 成交额] = A1[成交总额, y]`
//! holds while both tables print 亿元; a header edited to `成交额 / 万元`, or a rule written
//! against a table in 万元, makes it compare 37 294.3 万元 with 37 294.3 亿元, and `check`
//! passes it. The label's unit or the rule is wrong, and only the units tell.
//!
//! Decided on each check written out (see [`super::ground`]): a comparison whose cells all
//! stand with coefficient 1 or −1 (`X = Y`, a total and its parts, `a + b <= c`), or a
//! `hierarchy`'s total and parts, whose cells print two units of money; and a comparison of
//! two figures in units of money through 10⁴ or 10⁸ (or their inverses) where their units
//! differ by another power. A cell's unit is its column's, else its row's, else its table's
//! (`unit` in `tables.toml`).
//!
//! What it does not flag: a rule that writes the right factor, or any factor that converts no
//! unit of money (`* 0.5`, "at most half"), terms that are shares, growth rates, products or
//! quotients, and cells in units other than money (项 beside 家 is a count beside a count).

use super::ground::{Atom, Expanded, Linear, Shape};
use super::{Context, Lint, LintCode};
use crate::engine::program::CellId;
use crate::table::TableMeta;
use crate::table::declared::money_power;
use crate::table::label::LabelPath;
use crate::table::manifest::Dataset;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

pub(super) fn lint(context: &Context<'_>, checks: &[Expanded]) -> Vec<Lint> {
    // Per rule: the first check whose units do not agree, its cells and what is wrong.
    let mut found: BTreeMap<usize, (usize, Vec<CellId>, Mismatch<'_>)> = BTreeMap::new();
    for expanded in checks {
        if found.contains_key(&expanded.rule) {
            continue;
        }
        if let Some((cells, mismatch)) = mismatch(context.dataset, &expanded.shape) {
            found.insert(expanded.rule, (expanded.check, cells, mismatch));
        }
    }
    found
        .into_iter()
        .filter_map(|(index, (check, cells, mismatch))| {
            let rule = context.rule(index)?;
            let check = context.describe_check(rule, check);
            let cells_read = super::ground::describe_cells(context.dataset, &cells);
            let (message, help, label) = match mismatch {
                Mismatch::Unconverted([one, other]) => (
                    format!(
                        "`{}` compares figures in {one} with figures in {other} as printed\
                         {check}: {cells_read}",
                        rule.id
                    ),
                    format!(
                        "correct the unit a label prints, or write the factor between {one} \
                         and {other} into the rule (`* 10000` for 亿元 to 万元)"
                    ),
                    format!("{one} beside {other}"),
                ),
                Mismatch::WrongFactor {
                    units: [one, other],
                    written,
                    needed,
                } => (
                    format!(
                        "`{}` compares a figure in {one} with one in {other} through a factor \
                         of {written}, where their units differ by {needed}{check}: \
                         {cells_read}",
                        rule.id
                    ),
                    "correct the factor, or the unit a label prints".to_string(),
                    format!("× {written} for {one} and {other}"),
                ),
            };
            Some(Lint {
                code: LintCode::UnitMismatch,
                message,
                help,
                rules: vec![rule.id.clone()],
                places: vec![context.body_place(rule, label)],
                cells,
            })
        })
        .collect()
}

/// What is wrong with the units of a check.
enum Mismatch<'d> {
    /// Figures in two units of money added or compared one for one.
    Unconverted([&'d str; 2]),
    /// Two figures in units of money compared through a factor that converts between units
    /// of money (10⁴ or 10⁸, or their inverses), but not between theirs: `* 10000` between
    /// 元 and 亿元, or between two figures in 亿元.
    WrongFactor {
        units: [&'d str; 2],
        written: Decimal,
        needed: Decimal,
    },
}

/// The cells of a check whose units do not agree, and how.
fn mismatch<'d>(dataset: &'d Dataset, shape: &Shape) -> Option<(Vec<CellId>, Mismatch<'d>)> {
    let difference = match shape {
        Shape::Compare { left, right, .. } => left
            .clone()
            .add_scaled(right.clone(), Decimal::NEGATIVE_ONE)?,
        Shape::Sum { total, parts } => {
            let cells = std::iter::once(*total).chain(parts.iter().copied());
            return unconverted(dataset, cells.collect());
        }
        _ => return None,
    };
    match one_for_one(&difference) {
        Some(cells) => unconverted(dataset, cells),
        None => wrong_factor(dataset, &difference),
    }
}

/// Cells added or compared one for one, where they print two units of money.
fn unconverted(dataset: &Dataset, cells: Vec<CellId>) -> Option<(Vec<CellId>, Mismatch<'_>)> {
    let units = two_money_units(dataset, &cells)?;
    Some((cells, Mismatch::Unconverted(units)))
}

/// Two figures in units of money compared through a factor that converts other units.
fn wrong_factor<'d>(
    dataset: &'d Dataset,
    difference: &Linear,
) -> Option<(Vec<CellId>, Mismatch<'d>)> {
    let terms: Vec<(&Atom, &Decimal)> = difference.terms.iter().collect();
    let [(Atom::Cell(a), by_a), (Atom::Cell(b), by_b)] = terms.as_slice() else {
        return None;
    };
    // Said with the factor on the figure it multiplies: `× 10000`, not `× 0.0001`.
    let (a, by_a, b, by_b) = if by_b.abs() >= by_a.abs() {
        (a, by_a, b, by_b)
    } else {
        (b, by_b, a, by_a)
    };
    let (unit_a, unit_b) = (money_unit(dataset, *a)?, money_unit(dataset, *b)?);
    // `x_a = x_b * f` states like quantities alike where f is 10 to the difference of the
    // units' powers (亿元 = 10⁴ 万元).
    let written = by_b.checked_div(**by_a)?.abs().normalize();
    let needed = power_of_ten(money_power(unit_b)? - money_power(unit_a)?)?;
    let converts = [-8, -4, 4, 8]
        .into_iter()
        .filter_map(power_of_ten)
        .any(|factor| factor == written);
    (converts && written != needed).then(|| {
        let units = [unit_a, unit_b];
        (
            vec![*a, *b],
            Mismatch::WrongFactor {
                units,
                written,
                needed,
            },
        )
    })
}

/// 10 to the power `exponent` (negative powers as fractions).
fn power_of_ten(exponent: i32) -> Option<Decimal> {
    let power = Decimal::from(10_i64.checked_pow(exponent.unsigned_abs())?);
    if exponent >= 0 {
        Some(power)
    } else {
        Decimal::ONE
            .checked_div(power)
            .map(|fraction| fraction.normalize())
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
    money_power(unit).map(|_| unit)
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
