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

use super::ground::{Atom, Coefficients, Expanded, Linear, Shape, describe_form};
use super::{Context, Lint, LintCode, ReadsChecks};
use crate::engine::program::{CellId, CompiledRule, Program, Work};
use crate::lang::ast::CompareOp;
use crate::table::manifest::Dataset;
use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::collections::hash_map::Entry;
use std::hash::{BuildHasher, Hash, Hasher};

/// Equalities compared part by part (rule 3) at most, and parts per equality (at least two
/// besides the differing one).
const MAX_EQUALITIES: usize = 100_000;
const MIN_PARTS: usize = 3;
const MAX_PARTS: usize = 64;

/// The contradictions of a compiled program alone: what `check` runs before checking. Only
/// the checks that state a relation are written out (comparisons and sums of rules without a
/// tolerance), rule by rule on every core, each template of a check resolved once.
pub fn contradictions(dataset: &Dataset, program: &Program) -> Vec<Lint> {
    contradictions_and_candidates(dataset, program).0
}

/// [`contradictions`], and the pairs of cells rule 3 would find contradictory were their
/// figures printed apart: all of the lint that reads a figure. With the same rules and
/// tables, and other figures, the lint's verdict is these pairs' ([`printed_apart`]), which
/// is what `check --cache` keeps.
pub fn contradictions_and_candidates(
    dataset: &Dataset,
    program: &Program,
) -> (Vec<Lint>, Vec<[CellId; 2]>) {
    let context = Context::new(dataset, &[], program);
    let stated: Vec<Vec<Stated>> = program
        .rules
        .par_iter()
        .enumerate()
        .map(|(index, rule)| stated_by_rule(&context, index, rule))
        .collect();
    let mut candidates = Vec::new();
    let room = stated.iter().map(Vec::len).sum();
    let mut lints = judge(
        &context,
        stated.into_iter().flatten(),
        room,
        &mut candidates,
    );
    super::sort(&mut lints);
    (lints, candidates)
}

/// What each check of one rule states, in check order.
fn stated_by_rule(context: &Context<'_>, index: usize, rule: &CompiledRule) -> Vec<Stated> {
    if rule.tolerance.is_some() {
        return Vec::new();
    }
    let (placed, checks) = match &rule.work {
        Work::Compare(comparison) => (
            super::ground::sums_placed(comparison),
            rule.work.check_count(),
        ),
        Work::Sums(sums) => (true, sums.len()),
        _ => return Vec::new(),
    };
    (0..checks)
        .filter_map(|check| stated_by_check(context, index, rule, placed, check))
        .collect()
}

/// What check `check` of rule `index` states; `placed` is [`super::ground::sums_placed`] of a
/// comparison, worked out once per rule.
#[inline]
fn stated_by_check(
    context: &Context<'_>,
    index: usize,
    rule: &CompiledRule,
    placed: bool,
    check: usize,
) -> Option<Stated> {
    match &rule.work {
        Work::Compare(comparison) => {
            let (left, right, cells) = super::ground::compare_sides(
                context.dataset,
                context.program,
                comparison,
                placed,
                check,
            )?;
            stated(context, (index, check), (left, comparison.op, right), cells)
        }
        Work::Sums(sums) => {
            let sum = sums.get(check)?;
            stated_sum(context, (index, check), sum.total, &sum.parts)
        }
        _ => None,
    }
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

/// A coefficient × atom of a linear form.
type Term = (Atom, Decimal);

/// A linear form's terms, in the canonical order of its atoms.
type Terms = Vec<Term>;

/// `D OP k` for a check, `D` scaled so its first coefficient is 1; `None` without cells.
struct Relation {
    terms: Terms,
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
fn relation(left: Linear, op: CompareOp, right: Linear) -> Option<Result<Relation, bool>> {
    let difference = left.add_scaled(right, Decimal::NEGATIVE_ONE)?;
    normalized(difference.terms, difference.constant, op)
}

/// `Σ terms + constant OP 0` as `D OP k`, scaled so that the first coefficient is 1.
fn normalized(
    terms: Coefficients,
    constant: Decimal,
    op: CompareOp,
) -> Option<Result<Relation, bool>> {
    let Some(first) = terms.values().next().copied() else {
        return Some(Err(admits(op, Decimal::ZERO, constant)));
    };
    let scale = reciprocal(first)?;
    let scaled = scaled_terms_of(terms, scale)?;
    let constant = Decimal::ZERO
        .checked_add(constant.checked_mul(scale)?)?
        .normalize();
    Some(Ok(Relation {
        terms: scaled,
        op: if first.is_sign_negative() {
            flipped(op)
        } else {
            op
        },
        k: (-constant).normalize(),
    }))
}

/// Each term times `scale`, as `Linear::scaled` computes it: each product normalized
/// ([`scaled_coefficient`]), a zero left out; worked out in the list the terms came in rather
/// than in a new one.
fn scaled_terms_of(terms: Coefficients, scale: Decimal) -> Option<Terms> {
    let mut terms = terms.into_vec();
    for (_, coefficient) in &mut terms {
        *coefficient = scaled_coefficient(*coefficient, scale)?;
    }
    terms.retain(|(_, product)| !product.is_zero());
    Some(terms)
}

/// `1 / first`; by far the most common first coefficients, 1 and −1, are their own.
fn reciprocal(first: Decimal) -> Option<Decimal> {
    if first == Decimal::ONE || first == Decimal::NEGATIVE_ONE {
        Some(first)
    } else {
        Decimal::ONE.checked_div(first)
    }
}

/// A form's coefficient (normalized and not zero, as every form keeps them) times `scale`,
/// normalized, as `Linear::scaled` computes it. Scaled by 1 or −1 it is itself or its
/// negation, already normalized: no multiplication needed.
fn scaled_coefficient(coefficient: Decimal, scale: Decimal) -> Option<Decimal> {
    match super::ground::unit_multiple(coefficient, scale) {
        Some(unit) => Some(unit),
        None => Some(
            Decimal::ZERO
                .checked_add(coefficient.checked_mul(scale)?)?
                .normalize(),
        ),
    }
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

/// What one check states, as this lint compares checks.
enum Stated {
    /// `D OP k`, and the key of `D`'s atoms ([`atoms_key`]).
    Relation {
        relation: Relation,
        key: u64,
        rule: usize,
        check: usize,
    },
    /// `left OP right`, whose `D OP k` is made only if another check's `D` has the same atoms
    /// (`key`): alone, it can meet no other relation (see [`Outline`]).
    Deferred {
        left: Linear,
        op: CompareOp,
        right: Linear,
        key: u64,
        rule: usize,
        check: usize,
    },
    /// Cells that cancel, in a relation `0 OP k` that is false.
    Never {
        rule: usize,
        check: usize,
        op: CompareOp,
        cells: Vec<CellId>,
    },
}

/// What a comparison's check states; `None` when it states nothing this lint compares.
fn stated(
    context: &Context<'_>,
    (rule, check): (usize, usize),
    (left, op, right): (Linear, CompareOp, Linear),
    cells: Vec<CellId>,
) -> Option<Stated> {
    // A figure of the text stated with a bound in words (`超过 1000`) stands for a range:
    // `=` with it states "within the range", which many different figures satisfy.
    if cells.iter().any(|&cell| is_stated_bound(context, cell)) {
        return None;
    }
    if let Some(outline) = Outline::of(&left, &right)
        && outline.deferrable(op)
    {
        return Some(Stated::Deferred {
            left,
            op,
            right,
            key: outline.key,
            rule,
            check,
        });
    }
    match relation(left, op, right)? {
        // Without cells, a check compares counts of rows with a number: a matter of the
        // data (a table listing one row too few), not of the rules.
        Err(false) if !cells.is_empty() => Some(Stated::Never {
            rule,
            check,
            op,
            cells,
        }),
        Ok(relation) => Some(Stated::Relation {
            key: atoms_key(relation.terms.iter().map(|(atom, _)| atom)),
            relation,
            rule,
            check,
        }),
        Err(_) => None,
    }
}

/// What a total and its parts state: `total − Σ parts = 0`, as [`relation`] writes
/// `total = part + part + …`.
fn stated_sum(
    context: &Context<'_>,
    (rule, check): (usize, usize),
    total: CellId,
    parts: &[CellId],
) -> Option<Stated> {
    if std::iter::once(&total)
        .chain(parts)
        .any(|&cell| is_stated_bound(context, cell))
    {
        return None;
    }
    let terms = Coefficients::summed(
        std::iter::once((Atom::Cell(total), Decimal::ONE))
            .chain(
                parts
                    .iter()
                    .map(|&part| (Atom::Cell(part), Decimal::NEGATIVE_ONE)),
            )
            .collect(),
    )?;
    match normalized(terms, Decimal::ZERO, CompareOp::Equal)? {
        Ok(relation) => Some(Stated::Relation {
            key: atoms_key(relation.terms.iter().map(|(atom, _)| atom)),
            relation,
            rule,
            check,
        }),
        // A total that is its own only part: `0 = 0`, nothing stated.
        Err(_) => None,
    }
}

/// What an expanded check states (for `crossfoot lint`, which expands every check anyway).
fn stated_by_expanded(context: &Context<'_>, expanded: &Expanded) -> Option<Stated> {
    let rule = context.rule(expanded.rule)?;
    if rule.tolerance.is_some() {
        return None;
    }
    let at = (expanded.rule, expanded.check);
    match &expanded.shape {
        Shape::Compare {
            left,
            op,
            right,
            cells,
            ..
        } => stated(
            context,
            at,
            (left.clone(), *op, right.clone()),
            cells.clone(),
        ),
        Shape::Sum { total, parts } => stated_sum(context, at, *total, parts),
        Shape::Cells(_) => None,
    }
}

/// `left − right` as [`relation`] would state it, outlined without being made: the key of its
/// atoms, how many there are, and whether its first coefficient is 1 or −1. Most checks of a
/// book state a `D` no other check states (3 300 of the book's 3 480), and such a relation can
/// only meet another as an equality of [`MIN_PARTS`] terms or more (rule 3); making and
/// hashing each exact `D` was a third of the lint's instructions.
struct Outline {
    key: u64,
    atoms: usize,
    unit_first: bool,
}

impl Outline {
    /// `None` where adding overflows (the relation, made, says what that means).
    fn of(left: &Linear, right: &Linear) -> Option<Outline> {
        let mut state = atoms_hasher();
        let (mut atoms, mut first) = (0, None);
        let mut mine = left.terms.iter().peekable();
        let mut theirs = right.terms.iter().peekable();
        loop {
            let next = match (mine.peek(), theirs.peek()) {
                (None, None) => break,
                (Some((atom, _)), Some((other, _))) => atom.cmp(other),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
            };
            let (atom, coefficient) = match next {
                Ordering::Less => mine.next().map(|(atom, own)| (atom, *own))?,
                Ordering::Greater => theirs.next().map(|(atom, other)| (atom, -*other))?,
                Ordering::Equal => {
                    let (atom, own) = mine.next()?;
                    let (_, other) = theirs.next()?;
                    (atom, own.checked_add(-*other)?)
                }
            };
            if coefficient.is_zero() {
                continue;
            }
            first.get_or_insert(coefficient);
            atoms += 1;
            hash_cells_of(atom, &mut state);
        }
        Some(Outline {
            key: state.finish(),
            atoms,
            unit_first: first.is_some_and(|c| c == Decimal::ONE || c == Decimal::NEGATIVE_ONE),
        })
    }

    /// Whether the relation can wait for another with the same atoms: it has cells (a `D`
    /// without any is rule 1's), scaling it by 1 or −1 leaves every term in (so its atoms are
    /// its key), and it is no equality rule 3 compares.
    fn deferrable(&self, op: CompareOp) -> bool {
        self.atoms > 0 && self.unit_first && !(op == CompareOp::Equal && self.atoms >= MIN_PARTS)
    }
}

fn atoms_hasher() -> foldhash::fast::FoldHasher<'static> {
    foldhash::fast::FixedState::with_seed(0xa70b5).build_hasher()
}

/// The atoms of a relation, in atom order, hashed: relations over one `D` share the key,
/// whatever their coefficients.
fn atoms_key<'a>(atoms: impl Iterator<Item = &'a Atom>) -> u64 {
    let mut state = atoms_hasher();
    for atom in atoms {
        hash_cells_of(atom, &mut state);
    }
    state.finish()
}

/// An atom hashed by its kind and its cells, nested ones included, without its nested forms'
/// coefficients: equal atoms hash equal, and a share's form is not normalized again for its
/// hash (`Decimal`'s own hash does), which made hashing half of what it found.
fn hash_cells_of<H: Hasher>(atom: &Atom, state: &mut H) {
    match atom {
        Atom::Cell(cell) => {
            state.write_usize(cell.table);
            state.write_usize(cell.row);
            state.write_usize(cell.column);
        }
        Atom::Share(a, b) | Atom::Growth(a, b) | Atom::Product(a, b) | Atom::Quotient(a, b) => {
            std::mem::discriminant(atom).hash(state);
            for form in [a, b] {
                state.write_usize(form.terms.len());
                for nested in form.terms.keys() {
                    hash_cells_of(nested, state);
                }
            }
        }
    }
}

/// The relations in `whole` and then `outlined` that can meet another, in check order: every
/// one made, and every deferred one whose atoms another shares, made now. Above
/// [`MAX_EQUALITIES`] statements, every one is made: rule 3 takes the first equalities,
/// deferred ones included. An outlined one is made again from its check where it can matter:
/// where another shares its atoms (rule 2), or where it is an equality rule 3 may take.
fn relations_that_can_meet(
    context: &Context<'_>,
    whole: Vec<Stated>,
    outlined: Vec<Outlined>,
) -> Vec<(Relation, usize, usize)> {
    let every = whole.len() + outlined.len() > MAX_EQUALITIES;
    let mut stated_by: HashMap<u64, u32> = HashMap::with_capacity(whole.len() + outlined.len());
    let keys = whole.iter().filter_map(|statement| match statement {
        Stated::Relation { key, .. } | Stated::Deferred { key, .. } => Some(*key),
        Stated::Never { .. } => None,
    });
    for key in keys.chain(outlined.iter().map(|outlined| outlined.key)) {
        *stated_by.entry(key).or_default() += 1;
    }
    let stated_twice = |key: &u64| stated_by.get(key).is_some_and(|&count| count > 1);
    let shared = |key: &u64| every || stated_twice(key);
    let mut relations: Vec<(Relation, usize, usize)> = whole
        .into_iter()
        .filter_map(|statement| made(statement, shared))
        .collect();
    if outlined.is_empty() {
        return relations;
    }
    let mut equalities = relations
        .iter()
        .filter(|(relation, ..)| relation.op == CompareOp::Equal)
        .count();
    for outlined in outlined {
        let can_matter =
            stated_twice(&outlined.key) || (outlined.equality && equalities < MAX_EQUALITIES);
        if !can_matter {
            continue;
        }
        let Some(relation) =
            restated(context, outlined.rule, outlined.check).and_then(|s| made(s, shared))
        else {
            continue;
        };
        if relation.0.op == CompareOp::Equal {
            equalities += 1;
        }
        relations.push(relation);
    }
    relations
}

/// A statement's relation, where it is made: always for a relation, and for a deferred one
/// where its atoms are `shared`.
#[inline]
fn made(statement: Stated, shared: impl Fn(&u64) -> bool) -> Option<(Relation, usize, usize)> {
    match statement {
        Stated::Relation {
            relation,
            rule,
            check,
            ..
        } => Some((relation, rule, check)),
        Stated::Deferred {
            left,
            op,
            right,
            key,
            rule,
            check,
        } if shared(&key) => Some((relation(left, op, right)?.ok()?, rule, check)),
        _ => None,
    }
}

/// What check `check` of rule `index` states, made again from the rule.
fn restated(context: &Context<'_>, index: usize, check: usize) -> Option<Stated> {
    let rule = context.rule(index)?;
    let placed = match &rule.work {
        Work::Compare(comparison) => super::ground::sums_placed(comparison),
        _ => true,
    };
    stated_by_check(context, index, rule, placed, check)
}

/// Two statements that cannot both hold, the cells involved and why.
type Pair = (Statement, Statement, Vec<CellId>, String);

/// The contradictions among what the checks state, read a statement at a time in check
/// order: a check alone that can never hold is told at once, the others are kept to be
/// compared once every check is read.
pub(super) struct Judge {
    lints: Vec<Lint>,
    /// The first [`KEPT_WHOLE`] statements kept.
    whole: Vec<Stated>,
    /// Every later one, outlined: made again from its check where it is needed.
    outlined: Vec<Outlined>,
    /// [`KEPT_WHOLE`], but in tests.
    whole_at_most: usize,
    reported: BTreeSet<(usize, usize)>,
}

/// Statements kept whole at most. Past them, a statement is kept as the key of its atoms and
/// its check: held whole, the record file's two row rules over 10⁶ records (2 × 10⁶
/// equalities of five terms) took 1.1 GB. All but those sharing their atoms with another, and
/// the equalities rule 3 takes (the first [`MAX_EQUALITIES`]), are never looked at again.
const KEPT_WHOLE: usize = MAX_EQUALITIES;

/// A statement past the first [`KEPT_WHOLE`]: the key of its atoms, whether it is an
/// equality, and its check.
struct Outlined {
    key: u64,
    equality: bool,
    rule: usize,
    check: usize,
}

impl Judge {
    /// `room`: how many statements there are at most, made room for at once (grown one at a
    /// time, the book's 3 480 relations were copied into ever larger lists, 524 KB).
    pub(super) fn new(room: usize) -> Self {
        Judge {
            lints: Vec::new(),
            whole: Vec::with_capacity(room.min(KEPT_WHOLE)),
            // Grown one at a time, the list was copied to ever larger ones: twice the memory.
            outlined: Vec::with_capacity(room.saturating_sub(KEPT_WHOLE)),
            whole_at_most: KEPT_WHOLE,
            reported: BTreeSet::new(),
        }
    }

    /// Keep a relation, whole or outlined.
    fn keep(&mut self, statement: Stated) {
        if self.whole.len() < self.whole_at_most {
            self.whole.push(statement);
            return;
        }
        let outlined = match statement {
            Stated::Relation {
                relation,
                key,
                rule,
                check,
            } => Outlined {
                key,
                equality: relation.op == CompareOp::Equal,
                rule,
                check,
            },
            Stated::Deferred {
                op,
                key,
                rule,
                check,
                ..
            } => Outlined {
                key,
                equality: op == CompareOp::Equal,
                rule,
                check,
            },
            Stated::Never { .. } => return,
        };
        self.outlined.push(outlined);
    }

    /// Read one statement: one that can never hold is told at once, the others are kept.
    #[inline]
    fn take(&mut self, context: &Context<'_>, statement: Stated) {
        match statement {
            Stated::Never {
                rule: index,
                check,
                op,
                cells,
            } => {
                let Some(rule) = context.rule(index) else {
                    return;
                };
                if self.reported.insert((index, index)) {
                    self.lints.push(Lint {
                        code: LintCode::Contradiction,
                        message: format!(
                            "`{}` can never hold: in the check{}, its sides differ by a constant or are the same, and `{}` rules that out",
                            rule.id,
                            context.describe_check(rule, check),
                            op.symbol()
                        ),
                        help: "correct the relation or the cells it names".to_string(),
                        rules: vec![rule.id.clone()],
                        places: vec![context.body_place(rule, "no figures satisfy this")],
                        cells,
                    });
                }
            }
            relation => self.keep(relation),
        }
    }

    /// The contradictions, in check order, once every statement is read.
    fn verdict(mut self, context: &Context<'_>, candidates: &mut Vec<[CellId; 2]>) -> Vec<Lint> {
        let relations = relations_that_can_meet(context, self.whole, self.outlined);
        let mut pairs = same_form(context, &relations);
        let equalities: Vec<Equality<'_>> = relations
            .iter()
            .filter(|(relation, ..)| relation.op == CompareOp::Equal)
            .take(MAX_EQUALITIES)
            .map(|(relation, rule, check)| Equality {
                terms: &relation.terms,
                k: relation.k,
                rule: *rule,
                check: *check,
            })
            .collect();
        pairs.extend(differing_parts(context, &equalities, candidates));
        pairs.sort_by_key(|(a, b, _, _)| (a.rule.min(b.rule), a.rule.max(b.rule), a.check));
        for (a, b, cells, why) in pairs {
            let (first, second) = if a.rule <= b.rule { (a, b) } else { (b, a) };
            if !self.reported.insert((first.rule, second.rule)) {
                continue;
            }
            let (Some(one), Some(other)) = (context.rule(first.rule), context.rule(second.rule))
            else {
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
            self.lints.push(Lint {
                code: LintCode::Contradiction,
                message,
                help: "decide which rule states what the book means and correct the other"
                    .to_string(),
                rules: if same {
                    vec![one.id.clone()]
                } else {
                    vec![one.id.clone(), other.id.clone()]
                },
                places,
                cells,
            });
        }
        self.lints
    }
}

impl<'a> ReadsChecks<'a> for Judge {
    fn read(&mut self, context: &Context<'a>, expanded: &Expanded) {
        if let Some(statement) = stated_by_expanded(context, expanded) {
            self.take(context, statement);
        }
    }

    fn found(self: Box<Self>, context: &Context<'a>) -> Vec<Lint> {
        self.verdict(context, &mut Vec::new())
    }
}

/// The contradictions among what the checks state, in check order.
fn judge(
    context: &Context<'_>,
    stated: impl Iterator<Item = Stated>,
    room: usize,
    candidates: &mut Vec<[CellId; 2]>,
) -> Vec<Lint> {
    let mut judge = Judge::new(room);
    for statement in stated {
        judge.take(context, statement);
    }
    judge.verdict(context, candidates)
}

/// A relation's terms as a key: compared as the terms are, hashed by each coefficient's bits
/// rather than by `Decimal`'s hash, which normalizes the number first. A relation's
/// coefficients are normalized already (and not zero), so equal values have equal bits.
#[derive(PartialEq, Eq)]
struct FormKey<'a>(&'a [Term]);

impl Hash for FormKey<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_usize(self.0.len());
        for (atom, coefficient) in self.0 {
            hash_term(atom, *coefficient, state);
        }
    }
}

/// A term of a relation, its coefficient normalized: hashed as [`FormKey`] hashes terms.
fn hash_term<H: Hasher>(atom: &Atom, coefficient: Decimal, state: &mut H) {
    hash_cells_of(atom, state);
    state.write(&coefficient.serialize());
}

/// Rule 2: two checks over the same `D` whose relations admit no common value. Forms are
/// taken in the order they are first stated, so the pairs come out in one order every run.
fn same_form(context: &Context<'_>, relations: &[(Relation, usize, usize)]) -> Vec<Pair> {
    let mut first_seen: HashMap<FormKey<'_>, usize> = HashMap::with_capacity(relations.len());
    // Each form by its first relation (an index), and the others: most forms are stated once,
    // and a list for each was 3 332 allocations of the book's lint. Room for every form made
    // at once.
    let mut by_form: Vec<(usize, Vec<usize>)> = Vec::with_capacity(relations.len());
    for (index, (relation, ..)) in relations.iter().enumerate() {
        // One hash per relation: found or placed in one look-up.
        match first_seen.entry(FormKey(relation.terms.as_slice())) {
            Entry::Occupied(at) => {
                if let Some((_, others)) = by_form.get_mut(*at.get()) {
                    others.push(index);
                }
            }
            Entry::Vacant(place) => {
                place.insert(by_form.len());
                by_form.push((index, Vec::new()));
            }
        }
    }
    let statement = |index: usize| {
        relations
            .get(index)
            .map(|(relation, rule, check)| Statement {
                op: relation.op,
                k: relation.k,
                rule: *rule,
                check: *check,
            })
    };
    let mut pairs = Vec::new();
    for (first, others) in by_form.iter().filter(|(_, others)| !others.is_empty()) {
        let Some((relation, ..)) = relations.get(*first) else {
            continue;
        };
        let terms = relation.terms.as_slice();
        let mut distinct: Vec<Statement> = Vec::new();
        for statement in std::iter::once(first)
            .chain(others)
            .filter_map(|&i| statement(i))
        {
            if !distinct
                .iter()
                .any(|s| s.op == statement.op && s.k == statement.k)
            {
                distinct.push(statement);
            }
        }
        for (i, a) in distinct.iter().enumerate() {
            for b in distinct.iter().skip(i + 1) {
                if incompatible((a.op, a.k), (b.op, b.k)) {
                    let form = Linear {
                        terms: terms.iter().cloned().collect(),
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
    pairs
}

/// One equality `Σ terms = k` that rule 3 compares.
struct Equality<'a> {
    terms: &'a [Term],
    k: Decimal,
    rule: usize,
    check: usize,
}

/// An equality with one cell taken out: `rest + c × cell = k`, scaled so that the rest's
/// first coefficient is 1 (`scaled` holds every term times that scale).
struct Taken<'a> {
    equality: &'a Equality<'a>,
    cell: CellId,
    /// The position of the cell's term among the equality's terms.
    position: usize,
    scaled: &'a [Decimal],
    c: Decimal,
    k: Decimal,
}

impl Taken<'_> {
    /// The rest, scaled: every other term with a coefficient that is not zero.
    fn rest(&self) -> impl Iterator<Item = (&Atom, Decimal)> + '_ {
        self.equality
            .terms
            .iter()
            .zip(self.scaled)
            .enumerate()
            .filter(move |(index, _)| *index != self.position)
            .map(|(_, ((atom, _), coefficient))| (atom, *coefficient))
            .filter(|(_, coefficient)| !coefficient.is_zero())
    }

    /// Whether both state the same thing of the rest: one rest, one `c`, one `k`.
    fn same_rest(&self, other: &Taken<'_>) -> bool {
        self.c == other.c && self.k == other.k && self.rest().eq(other.rest())
    }
}

/// An equality's terms and `k` scaled by one over the coefficient of its term `by` (0 or 1),
/// each product normalized, as `Linear::scaled` computes it. `None` where a product
/// overflows: every rest would have one.
struct Scaling {
    terms: Vec<Decimal>,
    k: Decimal,
}

impl Scaling {
    fn of(equality: &Equality<'_>, by: usize) -> Option<Scaling> {
        let (_, coefficient) = equality.terms.get(by)?;
        let scale = reciprocal(*coefficient)?;
        let mut terms = Vec::with_capacity(equality.terms.len());
        for (_, coefficient) in equality.terms {
            terms.push(scaled_coefficient(*coefficient, scale)?);
        }
        Some(Scaling {
            terms,
            k: match super::ground::unit_multiple(equality.k, scale) {
                Some(k) => k.normalize(),
                None => equality.k.checked_mul(scale)?.normalize(),
            },
        })
    }
}

/// Every rest of the equalities, placed by a hash of the rest, its `c` and its `k`; the
/// rests of one hash in the order they were added, the hashes in the order first added.
struct Rests<'a> {
    first_seen: HashMap<u64, usize>,
    sizes: Vec<u32>,
    added: Vec<(usize, Taken<'a>)>,
}

impl<'a> Rests<'a> {
    /// Room for `rests` rests at once (grown one at a time, the book's were copied over and
    /// over, a tenth of rule 3's instructions).
    fn with_capacity(rests: usize) -> Self {
        Rests {
            first_seen: HashMap::with_capacity(rests),
            sizes: Vec::with_capacity(rests),
            added: Vec::with_capacity(rests),
        }
    }

    /// The rests of `equality` scaled by `scaling`: without the first term when scaled by the
    /// second's coefficient, without each other term when scaled by the first's. A rest's
    /// hash is the sum of its terms' hashes: the whole's, less the term taken out.
    fn add(
        &mut self,
        equality: &'a Equality<'a>,
        by: usize,
        scaling: &'a Scaling,
        hashes: &mut Vec<u64>,
    ) {
        let hasher = foldhash::fast::FixedState::with_seed(0x5eed);
        // Every coefficient and `k` here is normalized: hashed by its bits, as `FormKey` does.
        hashes.clear();
        hashes.extend(
            equality
                .terms
                .iter()
                .zip(&scaling.terms)
                .map(|((atom, _), coefficient)| {
                    if coefficient.is_zero() {
                        return 0;
                    }
                    let mut state = hasher.build_hasher();
                    hash_term(atom, *coefficient, &mut state);
                    state.finish()
                }),
        );
        let whole = hashes
            .iter()
            .fold(0u64, |sum, hash| sum.wrapping_add(*hash));
        let taken = equality.terms.iter().zip(&scaling.terms).zip(hashes.iter());
        for (position, (((atom, _), c), hash)) in taken.enumerate() {
            // The rest of the first term is scaled by the second's coefficient; every other
            // rest by the first's.
            if (position == 0) != (by == 1) {
                continue;
            }
            let Atom::Cell(cell) = atom else {
                continue;
            };
            let rest = whole.wrapping_sub(*hash);
            let key = hasher.hash_one((rest, c.serialize(), scaling.k.serialize()));
            let taken = Taken {
                equality,
                cell: *cell,
                position,
                scaled: &scaling.terms,
                c: *c,
                k: scaling.k,
            };
            let sizes = &mut self.sizes;
            let bucket = *self.first_seen.entry(key).or_insert_with(|| {
                sizes.push(0);
                sizes.len() - 1
            });
            if let Some(size) = sizes.get_mut(bucket) {
                *size += 1;
            }
            self.added.push((bucket, taken));
        }
    }

    /// The rests that share a hash with another, by hash, in the order described.
    fn shared(&self) -> Vec<(usize, &Taken<'a>)> {
        let mut shared: Vec<(usize, &Taken<'a>)> = self
            .added
            .iter()
            .filter(|(bucket, _)| self.sizes.get(*bucket).is_some_and(|&size| size > 1))
            .map(|(bucket, taken)| (*bucket, taken))
            .collect();
        // Stable: each hash's rests stay in the order they were added.
        shared.sort_by_key(|(bucket, _)| *bucket);
        shared
    }
}

/// Whether two cells that rule 3 finds stated equal are printed with values whose rounding
/// intervals cannot meet. A figure of the text stated with a bound in words is left out.
pub fn printed_apart(dataset: &Dataset, cells: [CellId; 2]) -> bool {
    let interval = |cell: CellId| {
        let table = dataset.tables.get(cell.table)?;
        if table.stated_interval(cell.row, cell.column).is_some() {
            return None;
        }
        table.interval(cell.row, cell.column)
    };
    let [b, c] = cells;
    match (interval(b), interval(c)) {
        (Some(ib), Some(ic)) => ib.high() < ic.low() || ic.high() < ib.low(),
        _ => false,
    }
}

/// Rule 3: two equalities that, with one cell taken out of each, state the same thing; they
/// imply the two cells are equal. A contradiction when both are printed and their rounding
/// intervals cannot meet.
///
/// Each equality of n terms gives n rests; a rest is found by a hash that is the sum of its
/// terms' hashes (the whole equality's, less the term taken out), so an equality costs O(n),
/// not n copies of its terms. Rests that share a hash are compared term by term.
fn differing_parts(
    context: &Context<'_>,
    equalities: &[Equality<'_>],
    candidates: &mut Vec<[CellId; 2]>,
) -> Vec<Pair> {
    // Per equality, its terms scaled as a rest without another term (by the first's
    // coefficient) and as one without its first term (by the second's).
    let scalings: Vec<Option<[Option<Scaling>; 2]>> = equalities
        .iter()
        .map(|equality| {
            // Two parts besides the differing one at least: `X = a + b`. With one (`X = b`,
            // `X = c`) the rules only say that b and c are two printings of one figure, and
            // printings that differ are a finding of `check`, not a fault of the rules.
            if !(MIN_PARTS..=MAX_PARTS).contains(&equality.terms.len()) {
                return None;
            }
            Some([Scaling::of(equality, 0), Scaling::of(equality, 1)])
        })
        .collect();
    let mut rests = Rests::with_capacity(
        equalities
            .iter()
            .zip(&scalings)
            .filter(|(_, scaling)| scaling.is_some())
            .map(|(equality, _)| equality.terms.len())
            .sum(),
    );
    let mut hashes = Vec::new();
    for (equality, scaling) in equalities.iter().zip(&scalings) {
        let Some(scalings) = scaling else {
            continue;
        };
        for (by, scaling) in scalings.iter().enumerate() {
            let Some(scaling) = scaling else {
                continue;
            };
            rests.add(equality, by, scaling, &mut hashes);
        }
    }
    let buckets = rests.shared();
    let mut pairs = Vec::new();
    for entries in buckets.chunk_by(|(a, _), (b, _)| a == b) {
        let entries = entries.iter().map(|(_, taken)| taken);
        for (i, one) in entries.clone().enumerate() {
            for other in entries.clone().skip(i + 1) {
                let (b, c) = (one.cell, other.cell);
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
                if b == c || !siblings || !one.same_rest(other) {
                    continue;
                }
                candidates.push([b, c]);
                if printed_apart(context.dataset, [b, c]) {
                    let statement = |equality: &Equality<'_>| Statement {
                        op: CompareOp::Equal,
                        k: Decimal::ZERO,
                        rule: equality.rule,
                        check: equality.check,
                    };
                    let why = format!(
                        "together they state {} = {}, two items printed with different values",
                        super::ground::describe_cell(context.dataset, b),
                        super::ground::describe_cell(context.dataset, c)
                    );
                    pairs.push((
                        statement(one.equality),
                        statement(other.equality),
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
    use proptest::prelude::*;

    /// The lint fixture's contradictions (a form stated twice, rule 2; two sums that differ
    /// in one part, rule 3) and two orders that contradict (deferred statements), among
    /// statements that contradict nothing.
    fn contradicting_rules() -> (tempfile::TempDir, crate::run::Loaded) {
        let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint");
        let dir = tempfile::tempdir().unwrap();
        let mut rules = std::fs::read_to_string(fixture.join("rules/contradiction.rules")).unwrap();
        rules.push_str(
            "\nexpr L1.each \"each region at most 合计\"\n  for r in [北京, 天津, 河北]\n  \
             L1[r, current] <= L1[合计, current]\n\n\
             expr L1.lead \"北京 above 天津\"\n  L1[北京, current] > L1[天津, current]\n\n\
             expr L1.trail \"北京 at most 天津 (wrong)\"\n  L1[北京, current] <= L1[天津, current]\n",
        );
        std::fs::write(dir.path().join("c.rules"), rules).unwrap();
        let loaded = crate::run::load(&fixture.join("data"), dir.path()).unwrap();
        (dir, loaded)
    }

    /// A statement as the lint compares it: its kind, key, relation and check.
    fn outline(statement: &Stated) -> String {
        match statement {
            Stated::Relation {
                relation,
                key,
                rule,
                check,
            } => format!(
                "relation {key} {:?} {:?} {} at {rule}/{check}",
                relation.terms, relation.op, relation.k
            ),
            Stated::Deferred {
                left,
                op,
                right,
                key,
                rule,
                check,
            } => format!("deferred {key} {left:?} {op:?} {right:?} at {rule}/{check}"),
            Stated::Never { rule, check, .. } => format!("never at {rule}/{check}"),
        }
    }

    /// Past the statements kept whole, each is kept as its key and check, and made again from
    /// its check where it can matter: the contradictions are the same whichever statement is
    /// the last kept whole, and a statement made again is the one its check first stated.
    #[test]
    fn statements_kept_outlined_find_the_contradictions_kept_whole_do() {
        let (_dir, loaded) = contradicting_rules();
        let context = Context::new(&loaded.dataset, &[], &loaded.program);
        let checks = super::super::ground::expand(&loaded.dataset, &loaded.program);
        let mut statements = 0;
        for expanded in &checks {
            let first = stated_by_expanded(&context, expanded);
            let again = restated(&context, expanded.rule, expanded.check);
            assert_eq!(first.as_ref().map(outline), again.as_ref().map(outline));
            statements += usize::from(first.is_some());
        }
        let verdict = |whole_at_most: usize| {
            let mut judge = Judge::new(checks.len());
            judge.whole_at_most = whole_at_most;
            for expanded in &checks {
                judge.read(&context, expanded);
            }
            let lints = Box::new(judge).found(&context);
            lints
                .into_iter()
                .map(|lint| lint.message)
                .collect::<Vec<_>>()
        };
        let whole = verdict(KEPT_WHOLE);
        assert_eq!(whole.len(), 3, "{whole:#?}");
        assert!(statements >= 8, "{statements} statements");
        for whole_at_most in 0..=statements {
            assert_eq!(verdict(whole_at_most), whole, "{whole_at_most} kept whole");
        }
    }

    /// A coefficient as forms keep them: normalized, not zero, of any sign and scale.
    fn coefficient() -> impl Strategy<Value = Decimal> {
        (1i64..=1_000_000, 0u32..=8, any::<bool>()).prop_map(|(mantissa, scale, negative)| {
            let value = Decimal::new(if negative { -mantissa } else { mantissa }, scale);
            value.normalize()
        })
    }

    fn scale() -> impl Strategy<Value = Decimal> {
        prop_oneof![
            Just(Decimal::ONE),
            Just(Decimal::NEGATIVE_ONE),
            coefficient().prop_filter_map("a reciprocal", |c| Decimal::ONE.checked_div(c)),
        ]
    }

    proptest! {
        #[test]
        fn scaling_by_one_or_minus_one_skips_nothing(
            coefficient in coefficient(),
            first in prop_oneof![Just(Decimal::ONE), Just(Decimal::NEGATIVE_ONE), coefficient()],
            scale in scale(),
        ) {
            // Bit for bit what the multiplication gives (the scale shows in messages).
            prop_assert_eq!(
                reciprocal(first).map(|r| r.normalize().serialize()),
                Decimal::ONE.checked_div(first).map(|r| r.normalize().serialize())
            );
            let multiplied = coefficient
                .checked_mul(scale)
                .and_then(|product| Decimal::ZERO.checked_add(product))
                .map(|product| product.normalize());
            prop_assert_eq!(
                scaled_coefficient(coefficient, scale).map(|p| p.serialize()),
                multiplied.map(|p| p.serialize())
            );
        }
    }

    /// The contradictions and rule 3's pairs of `rules` over the lint fixture's tables.
    fn found(rules: &str) -> (Vec<Lint>, Vec<String>) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("r.rules"), rules).unwrap();
        let data =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint/data");
        let loaded = crate::run::load(&data, dir.path()).unwrap();
        let (lints, candidates) = contradictions_and_candidates(&loaded.dataset, &loaded.program);
        let named = candidates
            .iter()
            .map(|pair| {
                pair.map(|cell| super::super::ground::describe_cell(&loaded.dataset, cell))
                    .join(" = ")
            })
            .collect();
        (lints, named)
    }

    /// Two-cell relations wait for another over the same cells; met, they are made and judged.
    #[test]
    fn deferred_relations_over_one_form_are_still_compared() {
        let (lints, _) = found(
            "expr a.equal \"\"\n  L1[北京, current] = L1[天津, current]\n\
             expr b.apart \"\"\n  L1[北京, current] = L1[天津, current] + 5\n\
             expr c.alone \"\"\n  L1[河北, current] <= L1[天津, current]\n",
        );
        assert_eq!(lints.len(), 1, "{lints:?}");
        assert_eq!(lints[0].rules, vec!["a.equal", "b.apart"]);
    }

    /// `2·a = 2·b` is made at once (scaled by ½) and `b < a` waits: written in another order
    /// and scaled, both are `a − b`, and they meet.
    #[test]
    fn a_scaled_equality_meets_a_deferred_relation_over_its_cells() {
        let (lints, _) = found(
            "expr a.scaled \"\"\n  2 * L1[北京, current] = 2 * L1[天津, current]\n\
             expr b.less \"\"\n  L1[天津, current] < L1[北京, current]\n",
        );
        assert_eq!(lints.len(), 1, "{lints:?}");
        let (lints, _) = found(
            "expr a.swapped \"\"\n  L1[天津, current] = L1[北京, current]\n\
             expr b.less \"\"\n  L1[北京, current] < L1[天津, current]\n",
        );
        assert_eq!(lints.len(), 1, "{lints:?}");
    }

    /// Rule 3: equalities of three terms or more are always made, and their pairs found.
    #[test]
    fn equalities_differing_in_one_cell_give_their_pair() {
        let (lints, candidates) = found(
            "sum a.prior \"\"\n  L1[合计, prior] = L1[北京, prior] + L1[天津, prior] + L1[河北, prior]\n\
             sum b.mixed \"\"\n  L1[合计, prior] = L1[北京, prior] + L1[天津, prior] + L1[河北, current]\n\
             expr c.other \"\"\n  L1[合计, current] = L1[北京, current] + L1[天津, current] + L1[河北, current]\n",
        );
        assert_eq!(candidates.len(), 1, "{candidates:?}");
        assert!(candidates[0].starts_with("L1[河北"), "{candidates:?}");
        assert_eq!(lints.len(), 1, "{lints:?}");
    }

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
