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
//! One label's unit that sets apart several rules (a header edited from `亿元` to `万元`, read
//! by every rule that compares its column with another table's) is one warning on that label,
//! naming the rules: where the label states the unit of a side of more of those rules than any
//! other label of theirs does.
//!
//! What it does not flag: a rule that writes the right factor, or any factor that converts no
//! unit of money (`* 0.5`, "at most half"), terms that are shares, growth rates, products or
//! quotients, and cells in units other than money (项 beside 家 is a count beside a count).

use super::ground::{Atom, Expanded, Linear, Shape};
use super::{Context, Lint, LintCode, ReadsChecks};
use crate::engine::program::CellId;
use crate::source::Span;
use crate::table::TableMeta;
use crate::table::declared::money_power;
use crate::table::label::LabelPath;
use crate::table::manifest::Dataset;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Per rule: the first check whose units do not agree, its cells and what is wrong.
#[derive(Default)]
pub(super) struct UnitMismatch<'a> {
    found: BTreeMap<usize, Found<'a>>,
    /// Per table, whether any of its cells can stand in a unit of money, worked out on the
    /// first check that reads it: a record file's checks read no unit at all, and each looked
    /// up the labels of its cells to learn it (a third of the lints' reading of 10⁵ records).
    money: Vec<Option<bool>>,
}

impl UnitMismatch<'_> {
    /// Whether a cell of table `index` can stand in a unit of money: where not, no check that
    /// reads only such cells adds or compares two.
    fn money_in(&mut self, dataset: &Dataset, index: usize) -> bool {
        if self.money.len() <= index {
            self.money.resize(index + 1, None);
        }
        match self.money.get_mut(index) {
            Some(Some(known)) => *known,
            Some(unknown) => *unknown.insert(dataset.tables.get(index).is_some_and(prints_money)),
            None => true,
        }
    }
}

/// Whether a cell of the table can stand in a unit of money ([`money_unit_from`]): its
/// column's unit is one, or a column states no unit and the table's `unit` or a row's is one.
fn prints_money(table: &crate::table::Table) -> bool {
    let meta = &table.meta;
    let money = |unit: &str| money_power(unit).is_some();
    let mut unstated = false;
    for path in table.columns() {
        match unit_of(path, meta) {
            Some((unit, _)) if money(unit) => return true,
            Some(_) => {}
            None => unstated = true,
        }
    }
    unstated
        && (meta.unit.as_deref().is_some_and(money)
            || table
                .rows()
                .iter()
                .any(|path| unit_of(path, meta).is_some_and(|(unit, _)| money(unit))))
}

impl<'a> ReadsChecks<'a> for UnitMismatch<'a> {
    fn read(&mut self, context: &Context<'a>, expanded: &Expanded) {
        if self.found.contains_key(&expanded.rule) {
            return;
        }
        let dataset = context.dataset;
        let mut money = |cell: &CellId| self.money_in(dataset, cell.table);
        let reads_money = match &expanded.shape {
            Shape::Compare { cells, .. } => cells.iter().any(&mut money),
            Shape::Sum { total, parts } => money(total) || parts.iter().any(&mut money),
            _ => false,
        };
        if !reads_money {
            return;
        }
        if let Some((cells, mismatch)) = mismatch(context.dataset, &expanded.shape) {
            self.found
                .insert(expanded.rule, (expanded.check, cells, mismatch));
        }
    }

    fn found(self: Box<Self>, context: &Context<'a>) -> Vec<Lint> {
        let found = self.found;
        let by_label = by_odd_label(context.dataset, &found);
        let grouped: std::collections::HashSet<usize> =
            by_label.values().flatten().copied().collect();
        let mut lints: Vec<Lint> = by_label
            .iter()
            .filter_map(|(source, rules)| one_label_lint(context, &found, *source, rules))
            .collect();
        lints.extend(
            found
                .into_iter()
                .filter(|(index, _)| !grouped.contains(index))
                .filter_map(|(index, finding)| rule_lint(context, index, finding)),
        );
        lints
    }
}

/// Fewest rules one label's unit must set apart to be one lint.
const FEWEST_GROUPED: usize = 2;
/// Rules named at most in a grouped lint's message; the rest are counted.
const MOST_NAMED: usize = 5;

/// A rule's first check whose units do not agree, its cells and what is wrong.
type Found<'d> = (usize, Vec<CellId>, Mismatch<'d>);

/// The rules that compare figures in two units one for one, by the label whose unit sets
/// them apart: where one label states the unit of money of a side of more such rules than
/// any other label of theirs does (a header edited from `亿元` to `万元` makes every rule that
/// compares its column with another table's disagree), those rules are one lint on it.
fn by_odd_label(
    dataset: &Dataset,
    found: &BTreeMap<usize, Found<'_>>,
) -> BTreeMap<UnitSource, Vec<usize>> {
    let sources: Vec<(usize, Vec<UnitSource>)> = found
        .iter()
        .filter(|(_, (_, _, mismatch))| matches!(mismatch, Mismatch::Unconverted(_)))
        .map(|(&rule, (_, cells, _))| {
            let mut of_rule: Vec<UnitSource> = cells
                .iter()
                .filter_map(|&cell| money_unit_from(dataset, cell).map(|(_, source)| source))
                .collect();
            of_rule.sort_unstable();
            of_rule.dedup();
            (rule, of_rule)
        })
        .collect();
    let mut rules_of: std::collections::HashMap<UnitSource, usize> = Default::default();
    for source in sources.iter().flat_map(|(_, of_rule)| of_rule) {
        *rules_of.entry(*source).or_default() += 1;
    }
    let mut by_label: BTreeMap<UnitSource, Vec<usize>> = BTreeMap::new();
    for (rule, of_rule) in &sources {
        let mut counted: Vec<(usize, UnitSource)> = of_rule
            .iter()
            .map(|s| (rules_of.get(s).copied().unwrap_or(0), *s))
            .collect();
        counted.sort_unstable_by_key(|&(count, _)| std::cmp::Reverse(count));
        let odd = match counted.as_slice() {
            [(most, source), (next, _), ..] if most > next => Some(*source),
            [(_, source)] => Some(*source),
            _ => None,
        };
        if let Some(source) = odd.filter(|s| rules_of.get(s).is_some_and(|&n| n >= FEWEST_GROUPED))
        {
            by_label.entry(source).or_default().push(*rule);
        }
    }
    by_label.retain(|_, rules| rules.len() >= FEWEST_GROUPED);
    by_label
}

/// One lint for the rules a label's unit sets apart, on that label.
fn one_label_lint(
    context: &Context<'_>,
    found: &BTreeMap<usize, Found<'_>>,
    source: UnitSource,
    rules: &[usize],
) -> Option<Lint> {
    let table = context.dataset.tables.get(source.table)?;
    let compiled: Vec<&crate::engine::program::CompiledRule> =
        rules.iter().filter_map(|&r| context.rule(r)).collect();
    let first = *compiled.first()?;
    let mut unit = None;
    let mut others: Vec<&str> = Vec::new();
    let mut cells: Vec<CellId> = Vec::new();
    for (_, rule_cells, mismatch) in rules.iter().filter_map(|r| found.get(r)) {
        cells.extend(rule_cells);
        if let Mismatch::Unconverted(units) = mismatch {
            for cell in rule_cells {
                if let Some((printed, from)) = money_unit_from(context.dataset, *cell)
                    && from == source
                {
                    unit = Some(printed);
                }
            }
            for printed in units {
                if !others.contains(printed) {
                    others.push(printed);
                }
            }
        }
    }
    let unit = unit?;
    others.retain(|u| *u != unit);
    let other = others.join(" and ");
    let ids: Vec<&str> = compiled.iter().map(|r| r.id.as_str()).collect();
    let named = ids
        .iter()
        .take(MOST_NAMED)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    let more = match ids.len().saturating_sub(MOST_NAMED) {
        0 => String::new(),
        more => format!(" and {more} more"),
    };
    let factor = others
        .first()
        .and_then(|o| Some((money_power(o)?, money_power(unit)?)))
        .and_then(|(from, to)| power_of_ten(from - to))
        .map_or(String::new(), |f| format!(" (`* {f}` on the {other} side)"));
    let place = match source.label {
        Some(span) => super::Place {
            source: table.source().clone(),
            span,
            label: format!("prints {unit}"),
        },
        None => context.body_place(first, format!("{} is in {unit}", table.id())),
    };
    Some(Lint {
        code: LintCode::UnitMismatch,
        message: format!(
            "{} rules compare {}'s figures in {unit} with figures in {other} as printed: \
             {named}{more}",
            ids.len(),
            table.id()
        ),
        help: format!(
            "if {}'s figures are in {other}, correct the unit it prints; if they are in {unit}, \
             write the factor into these rules{factor}",
            table.id()
        ),
        rules: ids.iter().map(|id| (*id).to_string()).collect(),
        places: vec![
            place,
            context.body_place(first, format!("{unit} beside {other}")),
        ],
        cells,
    })
}

/// The lint of one rule whose units do not agree.
fn rule_lint(
    context: &Context<'_>,
    index: usize,
    (check, cells, mismatch): Found<'_>,
) -> Option<Lint> {
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
    money_unit_from(dataset, cell).map(|(unit, _)| unit)
}

/// Where a cell's unit is stated: the label that prints it (or that `tables.toml`'s `units`
/// gives it to), or else the table's `unit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct UnitSource {
    table: usize,
    label: Option<Span>,
}

/// [`money_unit`], and where the unit is stated.
fn money_unit_from(dataset: &Dataset, cell: CellId) -> Option<(&str, UnitSource)> {
    crate::tally::add(crate::tally::Work::CellUnitsSought, 1);
    let table = dataset.tables.get(cell.table)?;
    let meta = &table.meta;
    let column = table
        .columns()
        .get(cell.column)
        .and_then(|p| unit_of(p, meta));
    let row = || table.rows().get(cell.row).and_then(|p| unit_of(p, meta));
    let (unit, label) = match column.or_else(row) {
        Some((unit, label)) => (unit, Some(label)),
        None => (meta.unit.as_deref()?, None),
    };
    money_power(unit).map(|_| {
        let source = UnitSource {
            table: cell.table,
            label,
        };
        (unit, source)
    })
}

/// The innermost unit a path prints, or `tables.toml`'s `units` gives one of its labels, and
/// that label's span.
fn unit_of<'t>(path: &'t LabelPath, meta: &'t TableMeta) -> Option<(&'t str, Span)> {
    path.labels().iter().rev().find_map(|label| {
        let key = label.key();
        let declared = meta.units.iter().find(|(name, _)| *name == key);
        declared
            .map(|(_, unit)| unit.as_str())
            .or_else(|| label.unit())
            .map(|unit| (unit, label.span()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;
    use crate::table::read::{Layout, parse_table};
    use std::sync::Arc;

    fn table(csv: &str, unit: Option<&str>) -> crate::table::Table {
        let source = Arc::new(SourceFile::new("t.csv", csv.to_string()));
        let layout = Layout::plain(1, 1);
        let meta = TableMeta {
            unit: unit.map(str::to_string),
            ..TableMeta::default()
        };
        parse_table(&source, meta, layout).unwrap()
    }

    /// A cell stands in money where its column's unit is one, or its column states none and
    /// its row's or the table's is one; a column's other unit (项) is the cell's own.
    #[test]
    fn a_table_can_hold_money_where_a_cell_takes_a_unit_of_money() {
        for (csv, unit, money) in [
            ("id,x,t\nr1,1,1\n", None, false),
            ("id,x,t\nr1,1,1\n", Some("万元"), true),
            ("id,x,t\nr1,1,1\n", Some("项"), false),
            ("地区,成交额 / 亿元\n北京,2.5\n", None, true),
            ("地区,合同 / 项,成交额 / 亿元\n北京,2,2.5\n", None, true),
            ("地区,合同 / 项\n北京,2\n", Some("万元"), false),
            ("项目,2021\n成交额（万元）,3\n合同（项）,2\n", None, true),
            ("项目,2021\n合同（项）,2\n", None, false),
        ] {
            assert_eq!(prints_money(&table(csv, unit)), money, "{csv:?} {unit:?}");
        }
    }

    /// The lint reads a record file's checks without looking up a cell's unit: its table
    /// holds no money. Each check looked up every cell's before.
    #[test]
    fn checks_of_a_table_without_money_look_up_no_cells_unit() {
        let sought = |unit: &str| {
            let dir = tempfile::tempdir().unwrap();
            let (data, rules) = (dir.path().join("data"), dir.path().join("rules"));
            std::fs::create_dir_all(&data).unwrap();
            std::fs::create_dir_all(&rules).unwrap();
            let mut csv = String::from("id,x1,x2,t\n");
            for row in 0..200 {
                csv.push_str(&format!("r{row},1.5,2,3.5\n"));
            }
            std::fs::write(data.join("R.csv"), csv).unwrap();
            let manifest = format!(
                "[[table]]\nid = \"R\"\nfile = \"R.csv\"\nheader_rows = 1\n\
                 label_columns = 1\n{unit}"
            );
            std::fs::write(data.join("tables.toml"), manifest).unwrap();
            let rule =
                "sum R.t \"t adds up\"\n  for r in rows(R)\n  R[r, t] = R[r, x1] + R[r, x2]\n";
            std::fs::write(rules.join("r.rules"), rule).unwrap();
            let loaded = crate::run::load(&data, &rules).unwrap();
            let read = crate::decode::ReadOptions::default();
            let (files, _) = crate::run::parse_rule_files_partial(&rules, &read);
            let context = Context::new(&loaded.dataset, &files, &loaded.program);
            let mut reader = Box::new(UnitMismatch::default());
            crate::tally::take(crate::tally::Work::CellUnitsSought);
            for check in super::super::ground::expand(&loaded.dataset, &loaded.program) {
                reader.read(&context, &check);
            }
            let sought = crate::tally::take(crate::tally::Work::CellUnitsSought);
            assert!(reader.found(&context).is_empty());
            sought
        };
        assert_eq!(sought(""), 0);
        assert_eq!(sought("unit = \"项\"\n"), 0);
        // In 万元, every check looks its three cells up.
        assert_eq!(sought("unit = \"万元\"\n"), 600);
    }
}
