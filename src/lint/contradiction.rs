//! `crossfoot::lint::contradiction`: rules that no true figures can all satisfy.
//!
//! What is decided, statically and exactly (each check written out, each side in canonical
//! form, see [`super::ground`]; a check states `D OP k` where `D` is left − right without its
//! constant, scaled so that its first coefficient is 1):
//! 1. one check alone whose cells cancel and whose `0 OP k` is false (`X < X`,
//!    `sum(…) − sum(…) = 5` where the sums cancel); a check that names no cell at all compares
//!    a count of rows with a number, which depends on the data, and is left to `check`;
//! 2. two checks over the same `D` whose relations admit no common value: `X = Y` and `X < Y`,
//!    `X = a + b` and `X = a + b + 1`, `X <= Y` and `X > Y`;
//! 3. two equalities that differ in one cell only, `X = a + b` and `X = a + c` (at least two
//!    other terms in common): together they state `b = c`; when `b` and `c` are two items of
//!    one breakdown (rows of one column, or columns of one row, of one table) printed with
//!    values whose rounding intervals cannot meet, no true figures satisfy both rules. (This one reads the figures;
//!    it is limited to sums of up to 64 parts and to the first 100 000 equalities.)
//!
//! Relations with a figure of the text stated with a bound in words (`超过 1000`) are left
//! out: `=` with such a figure means "within the range the words allow".
//!
//! Not decided: chains through a third rule (`X = Y`, `Y = Z`, `X < Z`), relations that need
//! algebra beyond sums (a share against its growth rate), and rules with a `tolerance` (they
//! state a band, not a relation). The relations are read as statements about the true figures;
//! with rounding, both checks may still pass on the printed ones — which is why `check` refuses
//! contradictory rules before checking anything rather than report what they say.

use super::ground::{Atom, Expanded, Linear, Shape, describe_form};
use super::{Context, Lint, LintCode};
use crate::engine::program::{CellId, Program};
use crate::lang::ast::CompareOp;
use crate::table::manifest::Dataset;
use foldhash::{HashMap, HashMapExt};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

/// Equalities compared part by part (rule 3) at most, and parts per equality.
const MAX_EQUALITIES: usize = 100_000;
const MAX_PARTS: usize = 64;

/// The contradictions of a compiled program alone: what `check` runs before checking.
pub fn contradictions(dataset: &Dataset, program: &Program) -> Vec<Lint> {
    let context = Context::new(dataset, &[], program);
    let checks = super::ground::expand(dataset, program);
    let mut lints = lint(&context, &checks);
    super::sort(&mut lints);
    lints
}

fn is_stated_bound(context: &Context<'_>, cell: CellId) -> bool {
    context
        .dataset
        .tables
        .get(cell.table)
        .is_some_and(|t| t.stated_interval(cell.row, cell.column).is_some())
}

/// Whether a value `v` satisfies `v OP k`.
pub(super) fn admits(op: CompareOp, k: Decimal, v: Decimal) -> bool {
    match op {
        CompareOp::Equal => v == k,
        CompareOp::Less => v < k,
        CompareOp::LessEqual => v <= k,
        CompareOp::Greater => v > k,
        CompareOp::GreaterEqual => v >= k,
    }
}

/// `D OP k` for a check, `D` scaled so its first coefficient is 1; `None` without cells.
struct Relation {
    terms: BTreeMap<Atom, Decimal>,
    op: CompareOp,
    k: Decimal,
}

fn flipped(op: CompareOp) -> CompareOp {
    match op {
        CompareOp::Equal => CompareOp::Equal,
        CompareOp::Less => CompareOp::Greater,
        CompareOp::LessEqual => CompareOp::GreaterEqual,
        CompareOp::Greater => CompareOp::Less,
        CompareOp::GreaterEqual => CompareOp::LessEqual,
    }
}

/// `left OP right` as `D OP k`; `Err(holds)` when `D` has no cells (a constant relation).
fn relation(left: &Linear, op: CompareOp, right: &Linear) -> Option<Result<Relation, bool>> {
    let difference = left.clone().add_scaled(right, Decimal::NEGATIVE_ONE)?;
    let Some(first) = difference.terms.values().next().copied() else {
        return Some(Err(admits(op, Decimal::ZERO, difference.constant)));
    };
    let scale = Decimal::ONE.checked_div(first)?;
    let scaled = difference.scaled(scale)?;
    Some(Ok(Relation {
        terms: scaled.terms,
        op: if first.is_sign_negative() {
            flipped(op)
        } else {
            op
        },
        k: (-scaled.constant).normalize(),
    }))
}

/// The values `OP k` admits, as bounds (value, closed).
type Bound = Option<(Decimal, bool)>;

fn bounds(op: CompareOp, k: Decimal) -> (Bound, Bound) {
    match op {
        CompareOp::Equal => (Some((k, true)), Some((k, true))),
        CompareOp::Less => (None, Some((k, false))),
        CompareOp::LessEqual => (None, Some((k, true))),
        CompareOp::Greater => (Some((k, false)), None),
        CompareOp::GreaterEqual => (Some((k, true)), None),
    }
}

/// Whether no value satisfies both `OP1 k1` and `OP2 k2`.
fn incompatible(a: (CompareOp, Decimal), b: (CompareOp, Decimal)) -> bool {
    let (low_a, high_a) = bounds(a.0, a.1);
    let (low_b, high_b) = bounds(b.0, b.1);
    let low = match (low_a, low_b) {
        (Some(x), Some(y)) => Some(if x.0 > y.0 || (x.0 == y.0 && !x.1) {
            x
        } else {
            y
        }),
        (x, y) => x.or(y),
    };
    let high = match (high_a, high_b) {
        (Some(x), Some(y)) => Some(if x.0 < y.0 || (x.0 == y.0 && !x.1) {
            x
        } else {
            y
        }),
        (x, y) => x.or(y),
    };
    match (low, high) {
        (Some((l, l_closed)), Some((h, h_closed))) => l > h || (l == h && !(l_closed && h_closed)),
        _ => false,
    }
}

/// One stated relation, and which check stated it.
#[derive(Clone, Copy)]
struct Statement {
    op: CompareOp,
    k: Decimal,
    rule: usize,
    check: usize,
}

pub(super) fn lint(context: &Context<'_>, checks: &[Expanded]) -> Vec<Lint> {
    let mut lints = Vec::new();
    let mut by_form: HashMap<BTreeMap<Atom, Decimal>, Vec<Statement>> =
        HashMap::with_capacity(checks.len());
    let mut equalities: Vec<(BTreeMap<Atom, Decimal>, Decimal, usize, usize)> = Vec::new();
    let mut reported: BTreeSet<(usize, usize)> = BTreeSet::new();
    for expanded in checks {
        let Some(rule) = context.rule(expanded.rule) else {
            continue;
        };
        if rule.tolerance.is_some() {
            continue;
        }
        let (left, op, right, cells) = match &expanded.shape {
            Shape::Compare {
                left,
                op,
                right,
                cells,
                ..
            } => (left.clone(), *op, right.clone(), cells.clone()),
            Shape::Sum { total, parts } => {
                let mut sum = Some(Linear::default());
                for &part in parts {
                    sum = sum
                        .and_then(|s| s.add_scaled(&Linear::atom(Atom::Cell(part)), Decimal::ONE));
                }
                let Some(sum) = sum else {
                    continue;
                };
                let mut cells = vec![*total];
                cells.extend(parts);
                (
                    Linear::atom(Atom::Cell(*total)),
                    CompareOp::Equal,
                    sum,
                    cells,
                )
            }
            Shape::Cells(_) => continue,
        };
        // A figure of the text stated with a bound in words (`超过 1000`) stands for a range:
        // `=` with it states "within the range", which many different figures satisfy.
        if cells.iter().any(|&cell| is_stated_bound(context, cell)) {
            continue;
        }
        match relation(&left, op, &right) {
            // Without cells, a check compares counts of rows with a number: a matter of the
            // data (a table listing one row too few), not of the rules.
            Some(Err(false)) if !cells.is_empty() => {
                if reported.insert((expanded.rule, expanded.rule)) {
                    lints.push(Lint {
                        code: LintCode::Contradiction,
                        message: format!(
                            "`{}` can never hold: in the check{}, its sides differ by a constant or are the same, and `{}` rules that out",
                            rule.id,
                            context.describe_check(rule, expanded.check),
                            op.symbol()
                        ),
                        help: "correct the relation or the cells it names".to_string(),
                        rules: vec![rule.id.clone()],
                        places: vec![context.body_place(rule, "no figures satisfy this")],
                        cells,
                    });
                }
            }
            Some(Ok(relation)) => {
                if relation.op == CompareOp::Equal && equalities.len() < MAX_EQUALITIES {
                    equalities.push((
                        relation.terms.clone(),
                        relation.k,
                        expanded.rule,
                        expanded.check,
                    ));
                }
                by_form.entry(relation.terms).or_default().push(Statement {
                    op: relation.op,
                    k: relation.k,
                    rule: expanded.rule,
                    check: expanded.check,
                });
            }
            Some(Err(_)) | None => {}
        }
    }
    let mut pairs: Vec<(Statement, Statement, Vec<CellId>, String)> = Vec::new();
    for (terms, statements) in &by_form {
        let mut distinct: Vec<Statement> = Vec::new();
        for statement in statements {
            if !distinct
                .iter()
                .any(|s| s.op == statement.op && s.k == statement.k)
            {
                distinct.push(*statement);
            }
        }
        for (i, a) in distinct.iter().enumerate() {
            for b in distinct.iter().skip(i + 1) {
                if incompatible((a.op, a.k), (b.op, b.k)) {
                    let form = Linear {
                        terms: terms.clone(),
                        constant: Decimal::ZERO,
                    };
                    let mut cells = Vec::new();
                    form.cells(&mut cells);
                    let form = describe_form(context.dataset, &form);
                    let why = format!(
                        "one states {form} {} {}, the other {form} {} {}",
                        a.op.symbol(),
                        a.k,
                        b.op.symbol(),
                        b.k
                    );
                    pairs.push((*a, *b, cells, why));
                }
            }
        }
    }
    pairs.extend(differing_parts(context, &equalities));
    pairs.sort_by_key(|(a, b, _, _)| (a.rule.min(b.rule), a.rule.max(b.rule), a.check));
    for (a, b, cells, why) in pairs {
        let (first, second) = if a.rule <= b.rule { (a, b) } else { (b, a) };
        if !reported.insert((first.rule, second.rule)) {
            continue;
        }
        let (Some(one), Some(other)) = (context.rule(first.rule), context.rule(second.rule)) else {
            continue;
        };
        let same = first.rule == second.rule;
        let message = if same {
            format!(
                "`{}` contradicts itself: its checks{} and{} cannot both hold: {why}",
                one.id,
                context.describe_check(one, first.check),
                context.describe_check(other, second.check),
            )
        } else {
            format!("`{}` and `{}` cannot both hold: {why}", one.id, other.id)
        };
        let mut places = vec![context.body_place(other, "contradicts the rule below")];
        if !same {
            places.push(context.body_place(one, "this rule"));
            if let Some(p) = places.first_mut() {
                p.label = format!("contradicts `{}`", one.id);
            }
        }
        lints.push(Lint {
            code: LintCode::Contradiction,
            message,
            help: "decide which rule states what the book means and correct the other".to_string(),
            rules: if same {
                vec![one.id.clone()]
            } else {
                vec![one.id.clone(), other.id.clone()]
            },
            places,
            cells,
        });
    }
    lints
}

/// Rule 3: two equalities that, with one cell taken out of each, state the same thing; they
/// imply the two cells are equal. A contradiction when both are printed and their rounding
/// intervals cannot meet.
fn differing_parts(
    context: &Context<'_>,
    equalities: &[(BTreeMap<Atom, Decimal>, Decimal, usize, usize)],
) -> Vec<(Statement, Statement, Vec<CellId>, String)> {
    type Key = (BTreeMap<Atom, Decimal>, Decimal, Decimal);
    let mut rests: HashMap<Key, Vec<(CellId, usize, usize)>> = HashMap::new();
    rests.reserve(equalities.iter().map(|(terms, ..)| terms.len()).sum());
    for (terms, k, rule, check) in equalities {
        // Two parts besides the differing one at least: `X = a + b`. With one (`X = b`,
        // `X = c`) the rules only say that b and c are two printings of one figure, and
        // printings that differ are a finding of `check`, not a fault of the rules.
        if terms.len() > MAX_PARTS || terms.len() < 3 {
            continue;
        }
        for (atom, coefficient) in terms {
            let Atom::Cell(cell) = atom else {
                continue;
            };
            let mut rest = terms.clone();
            rest.remove(atom);
            let Some(first) = rest.values().next().copied() else {
                continue;
            };
            let Some(scale) = Decimal::ONE.checked_div(first) else {
                continue;
            };
            let Some(rest) = (Linear {
                terms: rest,
                constant: Decimal::ZERO,
            })
            .scaled(scale) else {
                continue;
            };
            let (Some(c), Some(k)) = (coefficient.checked_mul(scale), k.checked_mul(scale)) else {
                continue;
            };
            rests
                .entry((rest.terms, c.normalize(), k.normalize()))
                .or_default()
                .push((*cell, *rule, *check));
        }
    }
    let interval = |cell: CellId| {
        let table = context.dataset.tables.get(cell.table)?;
        if table.stated_interval(cell.row, cell.column).is_some() {
            return None;
        }
        table.interval(cell.row, cell.column)
    };
    let mut pairs = Vec::new();
    for entries in rests.values() {
        for (i, &(b, rule_b, check_b)) in entries.iter().enumerate() {
            for &(c, rule_c, check_c) in entries.iter().skip(i + 1) {
                // Two items of one breakdown: different rows of one column, or different
                // columns of one row, of one table. The figures of the text are no breakdown:
                // the text prints one figure in several places, so `b = c` there says two
                // printings agree, and printings that differ are a finding of `check`.
                let siblings = b.table == c.table
                    && (b.row == c.row) != (b.column == c.column)
                    && !context
                        .dataset
                        .tables
                        .get(b.table)
                        .is_some_and(|t| t.meta.anchored);
                if b == c || !siblings {
                    continue;
                }
                let (Some(ib), Some(ic)) = (interval(b), interval(c)) else {
                    continue;
                };
                if ib.high() < ic.low() || ic.high() < ib.low() {
                    let statement = |rule, check| Statement {
                        op: CompareOp::Equal,
                        k: Decimal::ZERO,
                        rule,
                        check,
                    };
                    let why = format!(
                        "together they state {} = {}, two items printed with different values",
                        super::ground::describe_cell(context.dataset, b),
                        super::ground::describe_cell(context.dataset, c)
                    );
                    pairs.push((
                        statement(rule_b, check_b),
                        statement(rule_c, check_c),
                        vec![b, c],
                        why,
                    ));
                }
            }
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relations_without_a_common_value_are_incompatible() {
        let (zero, one) = (Decimal::ZERO, Decimal::ONE);
        assert!(incompatible(
            (CompareOp::Equal, zero),
            (CompareOp::Less, zero)
        ));
        assert!(incompatible(
            (CompareOp::LessEqual, zero),
            (CompareOp::Greater, zero)
        ));
        assert!(incompatible(
            (CompareOp::Equal, zero),
            (CompareOp::Equal, one)
        ));
        assert!(incompatible(
            (CompareOp::Greater, one),
            (CompareOp::Less, zero)
        ));
        assert!(!incompatible(
            (CompareOp::LessEqual, zero),
            (CompareOp::GreaterEqual, zero)
        ));
        assert!(!incompatible(
            (CompareOp::Equal, zero),
            (CompareOp::LessEqual, one)
        ));
        assert!(!incompatible(
            (CompareOp::Less, one),
            (CompareOp::Greater, zero)
        ));
    }
}
