//! Every check of every rule written out, with its cells found and its expression brought to a
//! canonical form: a sum of coefficient × term plus a constant, where a term is a cell or an
//! expression the algebra cannot open (a share, a growth rate, a product or a quotient of two
//! figures). Two expressions with the same form are the same expression whatever order their
//! parts were written in, so the lints can compare rules without reading a single figure.

use crate::engine::program::{
    CellId, CellTemplate, Comparison, CompiledExpr, Items, Program, ROW_LABEL, Work,
};
use crate::engine::template_cells;
use crate::lang::ast::CompareOp;
use crate::source::Span;
use crate::table::manifest::Dataset;
use rust_decimal::Decimal;

/// What a check adds up, other than constants.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Atom {
    Cell(CellId),
    Share(Box<Linear>, Box<Linear>),
    Growth(Box<Linear>, Box<Linear>),
    /// Operands in canonical order: `a * b` and `b * a` are one term.
    Product(Box<Linear>, Box<Linear>),
    Quotient(Box<Linear>, Box<Linear>),
}

/// Σ coefficient × atom + constant. No coefficient is zero and every number is normalized,
/// so equal forms compare (and hash) equal.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Linear {
    pub terms: Coefficients,
    pub constant: Decimal,
}

/// The coefficient of each atom of a [`Linear`], in the order of the atoms, each atom once: a
/// sorted vector, merged when forms are added. It compares and hashes as the map it replaced
/// (pairs in atom order, after their count); a map's nodes, made and dropped for every term
/// of every check, were a fifth of the contradiction lint's instructions.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Coefficients(Vec<(Atom, Decimal)>);

impl Coefficients {
    /// Each atom with the sum of its coefficients, in the order given, each sum normalized
    /// as it goes and an atom whose sum is zero left out: what adding them one by one to an
    /// empty form gives.
    pub fn summed(mut terms: Vec<(Atom, Decimal)>) -> Option<Self> {
        crate::tally::add(crate::tally::Work::TermsMerged, terms.len());
        // Stable: an atom's coefficients are added in the order given.
        terms.sort_by(|(a, _), (b, _)| a.cmp(b));
        let mut summed: Vec<(Atom, Decimal)> = Vec::with_capacity(terms.len());
        for (atom, coefficient) in terms {
            match summed.last_mut() {
                Some((last, sum)) if *last == atom => {
                    // A sum that reached zero was left out, and starts again from zero.
                    let from = if sum.is_zero() { Decimal::ZERO } else { *sum };
                    *sum = from.checked_add(coefficient)?.normalize();
                }
                _ => {
                    if summed.last().is_some_and(|(_, sum)| sum.is_zero()) {
                        summed.pop();
                    }
                    let sum = Decimal::ZERO.checked_add(coefficient)?.normalize();
                    summed.push((atom, sum));
                }
            }
        }
        if summed.last().is_some_and(|(_, sum)| sum.is_zero()) {
            summed.pop();
        }
        Some(Coefficients(summed))
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&Atom, &Decimal)> {
        self.0.iter().map(|(atom, coefficient)| (atom, coefficient))
    }

    pub fn keys(&self) -> impl Iterator<Item = &Atom> {
        self.0.iter().map(|(atom, _)| atom)
    }

    pub fn values(&self) -> impl Iterator<Item = &Decimal> {
        self.0.iter().map(|(_, coefficient)| coefficient)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The terms, in atom order.
    pub fn into_vec(self) -> Vec<(Atom, Decimal)> {
        self.0
    }
}

impl IntoIterator for Coefficients {
    type Item = (Atom, Decimal);
    type IntoIter = std::vec::IntoIter<(Atom, Decimal)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// Terms of distinct atoms already in atom order (a relation's), as coefficients.
impl FromIterator<(Atom, Decimal)> for Coefficients {
    fn from_iter<I: IntoIterator<Item = (Atom, Decimal)>>(terms: I) -> Self {
        let mut terms: Vec<(Atom, Decimal)> = terms.into_iter().collect();
        // As a map collects them: in atom order, the last coefficient of an atom kept.
        terms.reverse();
        terms.sort_by(|(a, _), (b, _)| a.cmp(b));
        terms.dedup_by(|later, kept| later.0 == kept.0);
        Coefficients(terms)
    }
}

impl Linear {
    pub fn constant(value: Decimal) -> Self {
        Linear {
            terms: Coefficients::default(),
            constant: value.normalize(),
        }
    }

    pub fn atom(atom: Atom) -> Self {
        Linear {
            terms: Coefficients(vec![(atom, Decimal::ONE)]),
            constant: Decimal::ZERO,
        }
    }

    /// Each cell once per time it is named, coefficient 1 each: a cell template's form.
    pub fn cells_added(cells: &[CellId]) -> Option<Self> {
        // One cell, the most common template, is its own form: no list to sort and sum.
        if let [cell] = cells {
            return Some(Linear::atom(Atom::Cell(*cell)));
        }
        Some(Linear {
            terms: Coefficients::summed(
                cells
                    .iter()
                    .map(|&cell| (Atom::Cell(cell), Decimal::ONE))
                    .collect(),
            )?,
            constant: Decimal::ZERO,
        })
    }

    pub fn is_constant(&self) -> bool {
        self.terms.is_empty()
    }

    /// `self + factor × other`; `None` on overflow. The two term lists are merged in atom
    /// order: each of `other`'s coefficients times `factor` added to `self`'s (or to zero),
    /// normalized, and a sum of zero left out. `other` is taken, not borrowed: every caller
    /// adds a form made for the sum, whose atoms (a share's two forms, boxed) are moved into
    /// the result rather than copied and dropped.
    pub fn add_scaled(self, other: Linear, factor: Decimal) -> Option<Self> {
        crate::tally::add(
            crate::tally::Work::TermsMerged,
            self.terms.len() + other.terms.len(),
        );
        let mut merged = Vec::with_capacity(self.terms.len() + other.terms.len());
        let mut mine = self.terms.0.into_iter().peekable();
        for (atom, coefficient) in other.terms.0 {
            while let Some(term) = mine.next_if(|(own, _)| *own < atom) {
                merged.push(term);
            }
            let own = mine.next_if(|(own, _)| *own == atom).map(|(_, own)| own);
            let sum = match (own, unit_multiple(coefficient, factor)) {
                // Zero plus a coefficient or its negation: itself, normalized already (every
                // form's coefficients are, see `Linear`).
                (None, Some(multiple)) => multiple,
                (own, multiple) => {
                    let added = match multiple {
                        Some(multiple) => multiple,
                        None => coefficient.checked_mul(factor)?,
                    };
                    own.unwrap_or(Decimal::ZERO).checked_add(added)?.normalize()
                }
            };
            if !sum.is_zero() {
                merged.push((atom, sum));
            }
        }
        merged.extend(mine);
        let constant = self
            .constant
            .checked_add(other.constant.checked_mul(factor)?)?
            .normalize();
        Some(Linear {
            terms: Coefficients(merged),
            constant,
        })
    }

    pub fn scaled(self, factor: Decimal) -> Option<Self> {
        Linear::default().add_scaled(self, factor)
    }

    /// The sum of `forms`: what adding each in turn to an empty form with
    /// [`Linear::add_scaled`] gives, from one sort of all their terms. In turn, a sum of n
    /// parts merged n lists of up to n terms: a `sum` over 10⁵ records took 111 s to ground.
    pub fn sum_of(forms: Vec<Linear>) -> Option<Self> {
        let mut constant = Decimal::ZERO;
        let mut terms = Vec::with_capacity(forms.iter().map(|form| form.terms.len()).sum());
        for form in forms {
            constant = constant.checked_add(form.constant)?.normalize();
            terms.extend(form.terms.0);
        }
        Some(Linear {
            terms: Coefficients::summed(terms)?,
            constant,
        })
    }

    /// Every cell the form reads, nested terms included.
    pub fn cells(&self, out: &mut Vec<CellId>) {
        for atom in self.terms.keys() {
            match atom {
                Atom::Cell(cell) => out.push(*cell),
                Atom::Share(a, b)
                | Atom::Growth(a, b)
                | Atom::Product(a, b)
                | Atom::Quotient(a, b) => {
                    a.cells(out);
                    b.cells(out);
                }
            }
        }
    }
}

/// `coefficient × factor` without a multiplication where `factor` is 1 or −1 (most are):
/// the coefficient or its negation, the product's value.
pub(super) fn unit_multiple(coefficient: Decimal, factor: Decimal) -> Option<Decimal> {
    if factor == Decimal::ONE {
        Some(coefficient)
    } else if factor == Decimal::NEGATIVE_ONE {
        Some(-coefficient)
    } else {
        None
    }
}

/// One part of a sum as written: its form, the cells it reads, where it is written.
#[derive(Debug, Clone)]
pub struct Part {
    pub form: Linear,
    pub cells: Vec<CellId>,
    pub span: Span,
    pub negative: bool,
}

/// What one check of a rule states.
#[derive(Debug, Clone)]
pub enum Shape {
    /// `left OP right`, with the sums written in it (each `sum(...)` and each chain of `+`
    /// and `−` of two or more parts) and every cell it reads.
    Compare {
        left: Linear,
        op: CompareOp,
        right: Linear,
        sums: Vec<Vec<Part>>,
        cells: Vec<CellId>,
    },
    /// A total and its parts (`hierarchy`, `matrix`).
    Sum { total: CellId, parts: Vec<CellId> },
    /// Cells a rule reads without adding them (ranks, numbering, names, `unchecked`).
    Cells(Vec<CellId>),
}

/// One check: the rule's index in the program, the check's number, what it states.
#[derive(Debug, Clone)]
pub struct Expanded {
    pub rule: usize,
    pub check: usize,
    pub shape: Shape,
}

/// Checks written out at once at most. A block is written out on every core, read by the
/// lints in check order, then dropped: held all at once, the record file's two row rules over
/// 10⁶ records took 3.7 GB (about 2 KB a check of five terms).
pub const CHECKS_PER_BLOCK: usize = 4096;

/// Write out every check of the program, a block of at most [`CHECKS_PER_BLOCK`] at a time,
/// in rule and check order, each block read by `read` before the next is written out. A check
/// whose names do not resolve for its loop item (the year before the first) is left out, as
/// `check` skips it.
pub fn for_each_block(dataset: &Dataset, program: &Program, mut read: impl FnMut(&[Expanded])) {
    use rayon::prelude::*;
    let mut block: Vec<(usize, usize)> = Vec::with_capacity(CHECKS_PER_BLOCK);
    let mut write_out = |block: &mut Vec<(usize, usize)>| {
        let expanded: Vec<Expanded> = block
            .par_iter()
            .filter_map(|&(rule, check)| {
                let shape = shape_of(dataset, program, program.rules.get(rule)?, check)?;
                Some(Expanded { rule, check, shape })
            })
            .collect();
        block.clear();
        read(&expanded);
    };
    for (rule, compiled) in program.rules.iter().enumerate() {
        for check in 0..checks_written(&compiled.work) {
            block.push((rule, check));
            if block.len() == CHECKS_PER_BLOCK {
                write_out(&mut block);
            }
        }
    }
    if !block.is_empty() {
        write_out(&mut block);
    }
}

/// Every check of the program written out at once, in rule and check order.
#[cfg(test)]
pub fn expand(dataset: &Dataset, program: &Program) -> Vec<Expanded> {
    let mut out = Vec::new();
    for_each_block(dataset, program, |block| out.extend_from_slice(block));
    out
}

/// How many checks of a rule are written out (before those whose names do not resolve are
/// left out): a list of unchecked cells is one.
fn checks_written(work: &Work) -> usize {
    match work {
        Work::Compare(_) | Work::Condition(_) => work.check_count(),
        Work::Sums(sums) => sums.len(),
        Work::Ranks(ranking) => ranking.rows.len(),
        Work::Places(places) => places.len(),
        Work::Distinct(rows) => rows.len(),
        Work::Unchecked(_) => 1,
    }
}

/// What check `check` of a rule states; `None` where its names do not resolve.
fn shape_of(
    dataset: &Dataset,
    program: &Program,
    compiled: &crate::engine::program::CompiledRule,
    check: usize,
) -> Option<Shape> {
    match &compiled.work {
        Work::Compare(comparison) => Grounder {
            dataset,
            program,
            loops: &comparison.loops,
            check,
        }
        .comparison(comparison),
        // A condition adds nothing up: it reads its cells.
        Work::Condition(condition) => {
            let grounder = Grounder {
                dataset,
                program,
                loops: &condition.loops,
                check,
            };
            let mut cells = Vec::new();
            condition
                .condition
                .comparisons()
                .into_iter()
                .try_for_each(|(left, _, right)| {
                    grounder.collect(left, &mut cells)?;
                    grounder.collect(right, &mut cells)
                })?;
            Some(Shape::Cells(cells))
        }
        Work::Sums(sums) => sums.get(check).map(|sum| Shape::Sum {
            total: sum.total,
            parts: sum.parts.clone(),
        }),
        Work::Ranks(ranking) => ranking
            .rows
            .get(check)
            .map(|&(rank, value)| Shape::Cells(vec![rank, value])),
        Work::Places(places) => places.get(check).map(|(cell, _)| Shape::Cells(vec![*cell])),
        Work::Distinct(rows) => rows.get(check).map(|(cell, _)| Shape::Cells(vec![*cell])),
        Work::Unchecked(cells) => Some(Shape::Cells(cells.clone())),
    }
}

/// One check of a comparison as [`for_each_block`] writes it out, without the sums written in it:
/// both sides in canonical form and every cell the check reads (what the contradiction lint
/// needs). `None` where [`for_each_block`] leaves the check out; `placed` is [`sums_placed`] of the
/// comparison, worked out once per rule.
#[inline]
pub fn compare_sides(
    dataset: &Dataset,
    program: &Program,
    comparison: &Comparison,
    placed: bool,
    check: usize,
) -> Option<(Linear, Linear, Vec<CellId>)> {
    if !placed {
        return None;
    }
    let grounder = Grounder {
        dataset,
        program,
        loops: &comparison.loops,
        check,
    };
    grounder.sides(comparison)
}

/// Whether every part of every sum written in the comparison has a place to point at: a part
/// that is neither a cell nor a sum and reads no cell (a product of two numbers) has none,
/// and [`for_each_block`] leaves every check of such a comparison out, whatever its loop items.
pub fn sums_placed(comparison: &Comparison) -> bool {
    expr_sums_placed(&comparison.left) && expr_sums_placed(&comparison.right)
}

/// [`Grounder::sums`] without resolving a cell: whether it can succeed.
fn expr_sums_placed(expr: &CompiledExpr) -> bool {
    match expr {
        CompiledExpr::Add(..) | CompiledExpr::Sub(..) | CompiledExpr::Sum(_) => parts_placed(expr),
        CompiledExpr::Number(_) | CompiledExpr::Cell(_) | CompiledExpr::Aggregate { .. } => true,
        CompiledExpr::Negate(a) => expr_sums_placed(a),
        CompiledExpr::Share(a, b)
        | CompiledExpr::Growth(a, b)
        | CompiledExpr::Mul(a, b)
        | CompiledExpr::Div(a, b) => expr_sums_placed(a) && expr_sums_placed(b),
    }
}

/// [`Grounder::parts`] without resolving a cell: whether it can succeed.
fn parts_placed(expr: &CompiledExpr) -> bool {
    match expr {
        CompiledExpr::Add(a, b) | CompiledExpr::Sub(a, b) => parts_placed(a) && parts_placed(b),
        CompiledExpr::Sum(args) => args.iter().all(parts_placed),
        CompiledExpr::Negate(a) => parts_placed(a),
        CompiledExpr::Number(_) | CompiledExpr::Cell(_) => true,
        other => !other.templates().is_empty() && expr_sums_placed(other),
    }
}

/// The item each loop is on in check `check`: mixed radix, the last loop fastest (as the
/// evaluator counts).
pub fn loop_positions(loops: &[Items], check: usize) -> Vec<usize> {
    let mut positions = vec![0; loops.len()];
    let mut rest = check;
    for (position, items) in positions.iter_mut().zip(loops).rev() {
        let length = items.extent().max(1);
        *position = rest % length;
        rest /= length;
    }
    // The second list of a `zip` is where the first is.
    let mut previous = 0;
    for (position, items) in positions.iter_mut().zip(loops) {
        if matches!(items, Items::Paired(_)) {
            *position = previous;
        }
        previous = *position;
    }
    positions
}

struct Grounder<'a> {
    dataset: &'a Dataset,
    program: &'a Program,
    loops: &'a [Items],
    check: usize,
}

impl Grounder<'_> {
    fn comparison(&self, comparison: &Comparison) -> Option<Shape> {
        // The cells as the forms read them: found once, not again for the list.
        let (left, right, cells) = self.sides(comparison)?;
        let mut sums = Vec::new();
        self.sums(&comparison.left, &mut sums)?;
        self.sums(&comparison.right, &mut sums)?;
        Some(Shape::Compare {
            left,
            op: comparison.op,
            right,
            sums,
            cells,
        })
    }

    /// Both sides' forms and every cell they read, each template resolved once.
    #[inline]
    fn sides(&self, comparison: &Comparison) -> Option<(Linear, Linear, Vec<CellId>)> {
        // Room for the cells of most checks at once: grown as each side's cells were added,
        // the list was made again for most of the book's checks.
        let mut cells = Vec::with_capacity(4);
        let left = self.form_reading(&comparison.left, &mut cells)?;
        let right = self.form_reading(&comparison.right, &mut cells)?;
        Some((left, right, cells))
    }

    fn cells(&self, template: &CellTemplate) -> Option<Vec<CellId>> {
        template_cells(self.dataset, self.program, template, self.loops, self.check)
    }

    fn collect(&self, expr: &CompiledExpr, out: &mut Vec<CellId>) -> Option<()> {
        for template in expr.templates() {
            out.extend(self.cells(template)?);
        }
        Some(())
    }

    /// The canonical form of an expression in this check.
    fn form(&self, expr: &CompiledExpr) -> Option<Linear> {
        self.form_reading(expr, &mut Vec::new())
    }

    /// [`Grounder::form`], adding the cells it reads to `read` in the order
    /// [`Grounder::collect`] gives them (its templates left to right).
    fn form_reading(&self, expr: &CompiledExpr, read: &mut Vec<CellId>) -> Option<Linear> {
        let hundred = Decimal::ONE_HUNDRED;
        let mut form = |expr| self.form_reading(expr, read);
        Some(match expr {
            CompiledExpr::Number(n) => Linear::constant(*n),
            CompiledExpr::Cell(template) => {
                let cells = self.cells(template)?;
                let total = Linear::cells_added(&cells)?;
                read.extend(cells);
                total
            }
            CompiledExpr::Sum(args) => {
                let forms = args.iter().map(&mut form).collect::<Option<Vec<_>>>()?;
                Linear::sum_of(forms)?
            }
            CompiledExpr::Add(a, b) => form(a)?.add_scaled(form(b)?, Decimal::ONE)?,
            CompiledExpr::Sub(a, b) => form(a)?.add_scaled(form(b)?, Decimal::NEGATIVE_ONE)?,
            CompiledExpr::Negate(a) => form(a)?.scaled(Decimal::NEGATIVE_ONE)?,
            CompiledExpr::Mul(a, b) => {
                let (a, b) = (form(a)?, form(b)?);
                if a.is_constant() {
                    b.scaled(a.constant)?
                } else if b.is_constant() {
                    a.scaled(b.constant)?
                } else {
                    let (a, b) = if a <= b { (a, b) } else { (b, a) };
                    Linear::atom(Atom::Product(Box::new(a), Box::new(b)))
                }
            }
            CompiledExpr::Div(a, b) => {
                let (a, b) = (form(a)?, form(b)?);
                if b.is_constant() && !b.constant.is_zero() {
                    a.scaled(Decimal::ONE.checked_div(b.constant)?)?
                } else {
                    Linear::atom(Atom::Quotient(Box::new(a), Box::new(b)))
                }
            }
            CompiledExpr::Share(a, b) => {
                let (a, b) = (form(a)?, form(b)?);
                if a.is_constant() && b.is_constant() && !b.constant.is_zero() {
                    Linear::constant(a.constant.checked_div(b.constant)?.checked_mul(hundred)?)
                } else {
                    Linear::atom(Atom::Share(Box::new(a), Box::new(b)))
                }
            }
            CompiledExpr::Growth(a, b) => {
                let (a, b) = (form(a)?, form(b)?);
                Linear::atom(Atom::Growth(Box::new(a), Box::new(b)))
            }
            // A mean, minimum or maximum has no linear form; the lints leave such a check out.
            CompiledExpr::Aggregate { .. } => return None,
        })
    }

    /// Every sum written in the expression: each `sum(...)` or chain of `+`/`−` with two or
    /// more parts, with its parts as written.
    fn sums(&self, expr: &CompiledExpr, out: &mut Vec<Vec<Part>>) -> Option<()> {
        match expr {
            CompiledExpr::Add(..) | CompiledExpr::Sub(..) | CompiledExpr::Sum(_) => {
                let mut parts = Vec::new();
                self.parts(expr, false, &mut parts, out)?;
                if parts.len() >= 2 {
                    out.push(parts);
                }
            }
            CompiledExpr::Cell(template) if template.multiple => {
                let mut parts = Vec::new();
                self.parts(expr, false, &mut parts, out)?;
                if parts.len() >= 2 {
                    out.push(parts);
                }
            }
            CompiledExpr::Number(_) | CompiledExpr::Cell(_) | CompiledExpr::Aggregate { .. } => {}
            CompiledExpr::Negate(a) => self.sums(a, out)?,
            CompiledExpr::Share(a, b)
            | CompiledExpr::Growth(a, b)
            | CompiledExpr::Mul(a, b)
            | CompiledExpr::Div(a, b) => {
                self.sums(a, out)?;
                self.sums(b, out)?;
            }
        }
        Some(())
    }

    /// The parts of one sum; sums nested in a part that is not itself additive (a share of a
    /// sum) are sums of their own.
    fn parts(
        &self,
        expr: &CompiledExpr,
        negative: bool,
        parts: &mut Vec<Part>,
        nested: &mut Vec<Vec<Part>>,
    ) -> Option<()> {
        match expr {
            CompiledExpr::Add(a, b) => {
                self.parts(a, negative, parts, nested)?;
                self.parts(b, negative, parts, nested)?;
            }
            CompiledExpr::Sub(a, b) => {
                self.parts(a, negative, parts, nested)?;
                self.parts(b, !negative, parts, nested)?;
            }
            CompiledExpr::Sum(args) => {
                for arg in args {
                    self.parts(arg, negative, parts, nested)?;
                }
            }
            CompiledExpr::Negate(a) => self.parts(a, !negative, parts, nested)?,
            CompiledExpr::Number(_) => {}
            CompiledExpr::Cell(template) => {
                for cell in self.cells(template)? {
                    parts.push(Part {
                        form: Linear::atom(Atom::Cell(cell)),
                        cells: vec![cell],
                        span: template.span,
                        negative,
                    });
                }
            }
            other => {
                let mut cells = Vec::new();
                self.collect(other, &mut cells)?;
                let span = other
                    .templates()
                    .into_iter()
                    .map(|t| t.span)
                    .reduce(Span::to)?;
                parts.push(Part {
                    form: self.form(other)?,
                    cells,
                    span,
                    negative,
                });
                self.sums(other, nested)?;
            }
        }
        Some(())
    }
}

/// `T[row, column]` as printed, for messages.
pub fn describe_cell(dataset: &Dataset, cell: CellId) -> String {
    let Some(table) = dataset.tables.get(cell.table) else {
        return String::from("?");
    };
    // One row's label, not every row's: a long record file's are made only as they are named.
    let row = table
        .row(cell.row)
        .map_or_else(String::new, |path| path.to_string());
    if cell.column == ROW_LABEL {
        return format!("{}[{row}]", table.id());
    }
    let column = table
        .columns()
        .get(cell.column)
        .map_or_else(String::new, ToString::to_string);
    format!("{}[{row}, {column}]", table.id())
}

/// A few cells named, then how many more: messages stay one line.
pub fn describe_cells(dataset: &Dataset, cells: &[CellId]) -> String {
    const SHOWN: usize = 3;
    let mut unique: Vec<CellId> = Vec::new();
    for cell in cells {
        if !unique.contains(cell) {
            unique.push(*cell);
        }
    }
    let mut text: Vec<String> = unique
        .iter()
        .take(SHOWN)
        .map(|&cell| describe_cell(dataset, cell))
        .collect();
    if unique.len() > SHOWN {
        text.push(format!("and {} more", unique.len() - SHOWN));
    }
    text.join(", ")
}

/// A form as a reader would write it: `T[a, x] + T[b, x] − T[合计, x]` (terms in the
/// canonical order; a term that is not a cell is named by what it is).
pub fn describe_form(dataset: &Dataset, form: &Linear) -> String {
    let mut text = String::new();
    for (index, (atom, coefficient)) in form.terms.iter().enumerate() {
        let negative = coefficient.is_sign_negative();
        let size = coefficient.abs();
        text.push_str(match (index, negative) {
            (0, false) => "",
            (0, true) => "−",
            (_, false) => " + ",
            (_, true) => " − ",
        });
        if size != Decimal::ONE {
            text.push_str(&format!("{size} × "));
        }
        text.push_str(&match atom {
            Atom::Cell(cell) => describe_cell(dataset, *cell),
            Atom::Share(..) => "a share".to_string(),
            Atom::Growth(..) => "a growth rate".to_string(),
            Atom::Product(..) => "a product".to_string(),
            Atom::Quotient(..) => "a quotient".to_string(),
        });
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    /// A cell of a long record file is named by its own row's label, without labelling every
    /// row of the file (a lint finding on one cell once made all 30 000 labels).
    #[test]
    fn a_record_files_cell_is_named_without_labelling_every_row() {
        let (_dir, dataset) = crate::table::long_record_file(|row| format!("u{row}"), "");
        let cell = CellId {
            table: 0,
            row: 7,
            column: 2,
        };
        assert_eq!(describe_cell(&dataset, cell), "T[u7, t]");
        assert!(!dataset.tables[0].all_row_labels_made());
    }

    #[test]
    fn a_sum_over_many_records_is_grounded_taking_in_each_term_a_few_times() {
        // A `sum` over 3 000 records: each part merged into the total in turn took in 4.5 M
        // terms (a sum over 10⁵ records took 111 s to ground).
        let dir = tempfile::tempdir().unwrap();
        let (data, rules) = (dir.path().join("data"), dir.path().join("rules"));
        std::fs::create_dir_all(&data).unwrap();
        std::fs::create_dir_all(&rules).unwrap();
        let mut csv = String::from("id,x\n");
        for row in 0..3_000 {
            csv.push_str(&format!("r{row},{}.5\n", row % 17));
        }
        std::fs::write(data.join("R.csv"), csv).unwrap();
        let rule = "sum R.all \"every record\"\n  sum(R[r, x] for r in rows(R)) >= 0\n";
        std::fs::write(rules.join("r.rules"), rule).unwrap();
        let loaded = crate::run::load(&data, &rules).unwrap();
        // Written out on one worker, so that this thread's tally is the worker's.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let (expanded, taken) = pool.install(|| {
            crate::tally::take(crate::tally::Work::TermsMerged);
            let expanded = expand(&loaded.dataset, &loaded.program);
            (
                expanded,
                crate::tally::take(crate::tally::Work::TermsMerged),
            )
        });
        assert!(
            (3_000..=4 * 3_000).contains(&taken),
            "{taken} terms taken in"
        );
        let [
            Expanded {
                shape: Shape::Compare { left, cells, .. },
                ..
            },
        ] = expanded.as_slice()
        else {
            panic!("{} checks", expanded.len())
        };
        assert_eq!((left.terms.len(), cells.len()), (3_000, 3_000));
    }

    // Forms added as they were, term by term into a map: what the merge must give.
    fn add_scaled_by_map(
        mut terms: BTreeMap<Atom, Decimal>,
        other: &[(Atom, Decimal)],
        factor: Decimal,
    ) -> Option<Vec<(Atom, Decimal)>> {
        for (atom, coefficient) in other {
            let added = coefficient.checked_mul(factor)?;
            let entry = terms.entry(atom.clone()).or_insert(Decimal::ZERO);
            *entry = entry.checked_add(added)?.normalize();
            if entry.is_zero() {
                terms.remove(atom);
            }
        }
        Some(terms.into_iter().collect())
    }

    fn cell(row: usize) -> Atom {
        Atom::Cell(CellId {
            table: 0,
            row,
            column: 0,
        })
    }

    fn coefficient() -> impl Strategy<Value = Decimal> {
        prop_oneof![
            Just(Decimal::ONE),
            Just(Decimal::NEGATIVE_ONE),
            Just(Decimal::TWO),
            Just(Decimal::new(5, 1)),
            Just(Decimal::new(-50, 2)),
            Just(Decimal::new(110, 2)),
        ]
    }

    fn terms() -> impl Strategy<Value = Vec<(Atom, Decimal)>> {
        proptest::collection::vec((0..6usize, coefficient()), 0..12)
            .prop_map(|terms| terms.into_iter().map(|(row, c)| (cell(row), c)).collect())
    }

    proptest! {
        #[test]
        fn merging_forms_adds_as_a_map_does(
            mine in terms(),
            other in terms(),
            factor in coefficient(),
        ) {
            // Both forms as forms are made: each summed from nothing.
            let by_map = |terms: &[(Atom, Decimal)]| {
                add_scaled_by_map(BTreeMap::new(), terms, Decimal::ONE)
            };
            let (Some(mine_map), Some(other_map)) = (by_map(&mine), by_map(&other)) else {
                return Ok(());
            };
            prop_assert_eq!(
                Coefficients::summed(mine.clone()).map(|c| c.0),
                Some(mine_map.clone())
            );
            let expected =
                add_scaled_by_map(mine_map.iter().cloned().collect(), &other_map, factor);
            let form = |terms: Vec<(Atom, Decimal)>| Linear {
                terms: Coefficients(terms),
                constant: Decimal::ONE,
            };
            let merged = form(mine_map).add_scaled(form(other_map), factor);
            prop_assert_eq!(merged.map(|linear| linear.terms.0), expected);
        }

        #[test]
        fn a_sum_of_forms_is_what_adding_them_in_turn_gives(
            parts in proptest::collection::vec((terms(), coefficient()), 0..8),
        ) {
            let forms: Vec<Linear> = parts
                .into_iter()
                .filter_map(|(terms, constant)| {
                    Some(Linear { terms: Coefficients::summed(terms)?, constant })
                })
                .collect();
            let in_turn = forms
                .iter()
                .cloned()
                .try_fold(Linear::default(), |total, form| total.add_scaled(form, Decimal::ONE));
            let summed = Linear::sum_of(forms);
            // Alike bit for bit: the lint's cache and its rule 3 hash the coefficients.
            let bits = |form: Option<Linear>| {
                form.map(|form| {
                    let terms: Vec<_> =
                        form.terms.0.into_iter().map(|(atom, c)| (atom, c.serialize())).collect();
                    (terms, form.constant.serialize())
                })
            };
            prop_assert_eq!(bits(summed), bits(in_turn));
        }
    }

    #[test]
    fn terms_collect_in_atom_order_the_last_of_an_atom_kept() {
        let collected: Coefficients = vec![
            (cell(2), Decimal::ONE),
            (cell(1), Decimal::TWO),
            (cell(2), Decimal::NEGATIVE_ONE),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            collected.0,
            vec![(cell(1), Decimal::TWO), (cell(2), Decimal::NEGATIVE_ONE)]
        );
    }
}
