//! Compiled rules: names resolved against the loaded tables, ready to expand into checks.

use super::resolve::{Axis, Key};
use crate::interval::Interval;
use crate::lang::ast::{Aggregate, CompareOp, EmptyCells, Kind, Severity, Tolerance};
use crate::source::{SharedSource, Span};
use crate::table::manifest::Dataset;
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::collections::HashMap;

/// One element of a list: a label path still to look up, or a row or column already found.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Path(Vec<Key>),
    Row { table: usize, row: usize },
    Column { table: usize, column: usize },
}

impl Item {
    /// The label keys of the item, for splicing into a path or looking up in another table.
    pub fn keys(&self, dataset: &Dataset) -> Vec<Key> {
        let mut keys = Vec::new();
        self.push_keys(dataset, &mut keys);
        keys
    }

    /// [`Item::keys`] added to the end of `path`: a path is built where it is looked up, without
    /// a vector of keys made (and copied) per item.
    pub fn push_keys(&self, dataset: &Dataset, path: &mut impl Extend<Key>) {
        let labels = match self {
            Item::Path(keys) => return path.extend(keys.iter().cloned()),
            Item::Row { table, row } => dataset.tables.get(*table).and_then(|t| t.row(*row)),
            Item::Column { table, column } => dataset
                .tables
                .get(*table)
                .and_then(|t| t.columns().get(*column))
                .map(std::borrow::Cow::Borrowed),
        };
        if let Some(labels) = labels {
            path.extend(labels.labels().iter().map(|l| Key::label(&l.key())));
        }
    }
}

/// A loop's list: items written out, or every row or column of a table without listing them
/// (a table may have a million rows).
#[derive(Debug, Clone)]
pub enum Items {
    Listed(Vec<Item>),
    AllRows {
        table: usize,
        count: usize,
    },
    AllColumns {
        table: usize,
        count: usize,
    },
    /// The second list of a `zip`: its loop is at the position of the loop before it, so it
    /// adds no checks of its own (the lengths are equal: compiling checks it).
    Paired(Box<Items>),
}

impl Items {
    pub fn len(&self) -> usize {
        match self {
            Items::Listed(items) => items.len(),
            Items::AllRows { count, .. } | Items::AllColumns { count, .. } => *count,
            Items::Paired(items) => items.len(),
        }
    }

    /// How many positions the loop adds to a rule's checks: its length, or 1 for the second
    /// list of a `zip`, which moves with the first.
    pub fn extent(&self) -> usize {
        match self {
            Items::Paired(_) => 1,
            _ => self.len(),
        }
    }

    /// The list itself, paired or not.
    pub fn unpaired(&self) -> &Items {
        match self {
            Items::Paired(items) => items.unpaired(),
            _ => self,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, index: usize) -> Option<Item> {
        self.item_at(index).map(Cow::into_owned)
    }

    /// The item at `index`, borrowed where the list holds it: a check reads its loop items'
    /// labels without copying them.
    pub fn item_at(&self, index: usize) -> Option<Cow<'_, Item>> {
        match self {
            Items::Paired(items) => items.item_at(index),
            Items::Listed(items) => items.get(index).map(Cow::Borrowed),
            Items::AllRows { table, count } => (index < *count).then_some(Cow::Owned(Item::Row {
                table: *table,
                row: index,
            })),
            Items::AllColumns { table, count } => {
                (index < *count).then_some(Cow::Owned(Item::Column {
                    table: *table,
                    column: index,
                }))
            }
        }
    }
}

/// The `column` of a [`CellId`] that stands for its row's label (a name in a name list).
pub const ROW_LABEL: usize = usize::MAX;

/// A cell of a table, by indices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CellId {
    pub table: usize,
    pub row: usize,
    pub column: usize,
}

impl CellId {
    /// The cell as printed (trimmed, without CSV quotes); for [`ROW_LABEL`], its row's last
    /// label.
    pub fn printed(self, dataset: &Dataset) -> Option<String> {
        let table = dataset.tables.get(self.table)?;
        let span = if self.column == ROW_LABEL {
            table.row(self.row)?.last()?.span()
        } else {
            table.cell_span(self.row, self.column)?
        };
        Some(table.printed(span))
    }
}

/// How a rule names a row or a column.
#[derive(Debug, Clone, PartialEq)]
pub enum AxisTemplate {
    /// Resolved when the rule was compiled.
    Fixed(usize),
    /// Several, resolved when the rule was compiled (a group or list inside `sum`).
    FixedMany(Vec<usize>),
    /// The item bound to a loop variable (by slot).
    Variable(usize),
    /// A path with loop variables or lists in it, resolved for each check.
    Path(Vec<SegmentTemplate>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum SegmentTemplate {
    Key(Key),
    Variable(usize),
    /// `prior(y)`: the year before the year bound to the slot.
    PriorOf(usize),
    /// A list inside `sum(...)`: one cell per item.
    Items(Vec<Item>),
}

#[derive(Debug, Clone)]
pub struct CellTemplate {
    pub table: usize,
    pub row: AxisTemplate,
    pub column: AxisTemplate,
    pub span: Span,
    /// Whether the template may name several cells (only allowed inside `sum`).
    pub multiple: bool,
    /// The rules file, for errors found while expanding.
    pub source: SharedSource,
    /// Where its label paths were found, per item of the loop each names.
    pub found: FoundPerItem,
}

impl CellTemplate {
    /// At most how many cells the template names in one check: a list or group inside
    /// `sum(...)` names one per item.
    pub fn most_cells(&self) -> usize {
        self.row
            .most_places()
            .saturating_mul(self.column.most_places())
    }
}

impl AxisTemplate {
    fn most_places(&self) -> usize {
        match self {
            AxisTemplate::Fixed(_) | AxisTemplate::Variable(_) => 1,
            AxisTemplate::FixedMany(indices) => indices.len(),
            AxisTemplate::Path(segments) => segments
                .iter()
                .map(|segment| match segment {
                    SegmentTemplate::Items(items) => items.len(),
                    _ => 1,
                })
                .fold(1, usize::saturating_mul),
        }
    }
}

/// The row or column each axis of a cell template was found at, per item of the one loop its
/// label path names (`m` in `A5[r, m/增长]`): found once, where every check looked the path
/// up again. A rule over every row and two measures looked `m/增长` up in each of its 98
/// checks, and the lint and blame looked it up again.
#[derive(Debug, Clone, Default)]
pub struct FoundPerItem {
    /// Rows, then columns.
    axes: [std::sync::OnceLock<Box<Found>>; 2],
}

/// One axis's indices found, for the loop list at `list` (its address in the program).
#[derive(Debug, Clone)]
struct Found {
    list: usize,
    at: Box<[std::sync::OnceLock<usize>]>,
}

/// The longest loop list whose items' indices a template keeps: past it, they are looked up
/// for each check (a loop over a record file's million rows would keep a million).
const MOST_FOUND: usize = 4096;

impl FoundPerItem {
    /// What is kept for `axis`.
    fn on(&self, axis: Axis) -> &std::sync::OnceLock<Box<Found>> {
        match axis {
            Axis::Row => &self.axes[0],
            Axis::Column => &self.axes[1],
        }
    }

    /// The index kept for item `position` of `list` on `axis`, else `find`'s, kept when found
    /// (a failure is not kept: it is worked out again, as the check reports it).
    pub fn get_or_find<E>(
        &self,
        axis: Axis,
        (list, position): (&Items, usize),
        find: impl FnOnce() -> Result<usize, E>,
    ) -> Result<usize, E> {
        let kept = self.on(axis);
        let address = std::ptr::from_ref(list) as usize;
        if list.len() > MOST_FOUND {
            return find();
        }
        let found = kept.get_or_init(|| {
            Box::new(Found {
                list: address,
                at: (0..list.len())
                    .map(|_| std::sync::OnceLock::new())
                    .collect(),
            })
        });
        // A template is read with its own rule's loops: another list would be a bug, not a
        // reason to answer from this one.
        let Some(slot) = found.at.get(position).filter(|_| found.list == address) else {
            return find();
        };
        if let Some(&index) = slot.get() {
            return Ok(index);
        }
        let index = find()?;
        let _ = slot.set(index);
        Ok(index)
    }

    /// The index [`FoundPerItem::get_or_find`] would answer for item `position` of `list` on
    /// `axis` without looking, where one is kept; `None` where it would look (nothing kept
    /// yet, a failure, a list too long to keep, another list).
    pub fn kept(&self, axis: Axis, (list, position): (&Items, usize)) -> Option<usize> {
        let kept = self.on(axis);
        if list.len() > MOST_FOUND {
            return None;
        }
        let found = kept.get()?;
        let address = std::ptr::from_ref(list) as usize;
        if found.list != address {
            return None;
        }
        found.at.get(position)?.get().copied()
    }
}

#[derive(Debug, Clone)]
pub enum CompiledExpr {
    Number(Decimal),
    Cell(CellTemplate),
    Sum(Vec<CompiledExpr>),
    Share(Box<CompiledExpr>, Box<CompiledExpr>),
    Growth(Box<CompiledExpr>, Box<CompiledExpr>),
    Add(Box<CompiledExpr>, Box<CompiledExpr>),
    Sub(Box<CompiledExpr>, Box<CompiledExpr>),
    Mul(Box<CompiledExpr>, Box<CompiledExpr>),
    Div(Box<CompiledExpr>, Box<CompiledExpr>),
    Negate(Box<CompiledExpr>),
    /// `mean(EXPR for x in LIST)` and the other aggregates: one term per item, or one
    /// template whose every cell is an item (`each_cell`).
    Aggregate {
        aggregate: Aggregate,
        terms: Vec<CompiledExpr>,
        empty: EmptyCells,
        /// The one term is a template of many rows (or columns), each cell one item:
        /// `R[s, x] for s in rows(R)` takes 8 bytes a record, where a template per record
        /// took 136 (two such means over 10⁶ records held 505 MB, now 216).
        each_cell: bool,
        /// It reads the same cells in every check of a rule with loops (`for r in rows(R)
        /// R[r, x] <= 3 * mean(R[s, x] for s in rows(R))`): worked out once for the run,
        /// where each of n checks worked out n terms again.
        invariant: bool,
    },
}

impl CompiledExpr {
    /// At most how many cells the expression's linear form names: its templates' but an
    /// aggregate's ([`CompiledExpr::Aggregate`] has no linear form).
    fn linear_cells(&self) -> usize {
        match self {
            CompiledExpr::Number(_) | CompiledExpr::Aggregate { .. } => 0,
            CompiledExpr::Cell(template) => template.most_cells(),
            CompiledExpr::Sum(terms) => terms
                .iter()
                .map(CompiledExpr::linear_cells)
                .fold(0, usize::saturating_add),
            CompiledExpr::Share(a, b)
            | CompiledExpr::Growth(a, b)
            | CompiledExpr::Add(a, b)
            | CompiledExpr::Sub(a, b)
            | CompiledExpr::Mul(a, b)
            | CompiledExpr::Div(a, b) => a.linear_cells().saturating_add(b.linear_cells()),
            CompiledExpr::Negate(a) => a.linear_cells(),
        }
    }

    /// Every cell template of the expression, left to right.
    pub fn templates(&self) -> Vec<&CellTemplate> {
        let mut out = Vec::new();
        self.push_templates(&mut out);
        out
    }

    fn push_templates<'e>(&'e self, out: &mut Vec<&'e CellTemplate>) {
        let _ = self.try_for_each_template(&mut |template| {
            out.push(template);
            Ok::<(), std::convert::Infallible>(())
        });
    }

    /// `visit` each cell template of the expression, left to right, up to the first error:
    /// [`CompiledExpr::templates`] without a vector made for each check that reads them.
    pub fn try_for_each_template<'e, E>(
        &'e self,
        visit: &mut impl FnMut(&'e CellTemplate) -> Result<(), E>,
    ) -> Result<(), E> {
        self.walk_templates(true, visit)
    }

    /// [`CompiledExpr::try_for_each_template`], leaving out the terms of aggregates that read
    /// the same cells in every check (all found while compiling): what a check must find.
    pub fn try_for_each_template_found_per_check<'e, E>(
        &'e self,
        visit: &mut impl FnMut(&'e CellTemplate) -> Result<(), E>,
    ) -> Result<(), E> {
        self.walk_templates(false, visit)
    }

    fn walk_templates<'e, E>(
        &'e self,
        with_invariants: bool,
        visit: &mut impl FnMut(&'e CellTemplate) -> Result<(), E>,
    ) -> Result<(), E> {
        match self {
            CompiledExpr::Number(_) => Ok(()),
            CompiledExpr::Aggregate {
                invariant: true, ..
            } if !with_invariants => Ok(()),
            CompiledExpr::Cell(template) => visit(template),
            CompiledExpr::Sum(terms) | CompiledExpr::Aggregate { terms, .. } => terms
                .iter()
                .try_for_each(|term| term.walk_templates(with_invariants, visit)),
            CompiledExpr::Share(a, b)
            | CompiledExpr::Growth(a, b)
            | CompiledExpr::Add(a, b)
            | CompiledExpr::Sub(a, b)
            | CompiledExpr::Mul(a, b)
            | CompiledExpr::Div(a, b) => {
                a.walk_templates(with_invariants, visit)?;
                b.walk_templates(with_invariants, visit)
            }
            CompiledExpr::Negate(a) => a.walk_templates(with_invariants, visit),
        }
    }
}

/// A total and the parts it should equal, all cells of one table.
#[derive(Debug, Clone)]
pub struct SumCheck {
    pub total: CellId,
    pub parts: Vec<CellId>,
}

/// The rows of one ranking: each row's rank is checked against the values of all the others,
/// one check per row. The rows are held once, not once per row with its peers (a ranking of
/// n rows held n × n cells: 10 000 rows took 4.7 GB).
#[derive(Debug, Clone)]
pub struct Ranking {
    /// (rank cell, value cell) per ranked row, in the rule's order.
    pub rows: Vec<(CellId, CellId)>,
    /// The competing rows' rounding bounds, sorted: worked out from the figures on first use
    /// and shared by every check of the ranking.
    pub bounds: std::sync::OnceLock<RankBounds>,
}

impl Ranking {
    pub fn new(rows: Vec<(CellId, CellId)>) -> Self {
        Self {
            rows,
            bounds: std::sync::OnceLock::new(),
        }
    }

    /// The ranked row of check `check` and every other row of the ranking (its peers: a row
    /// listed twice is no peer of itself).
    pub fn check_cells(&self, check: usize) -> Vec<CellId> {
        let Some(&(rank, value)) = self.rows.get(check) else {
            return Vec::new();
        };
        let peers = self
            .rows
            .iter()
            .filter(|(r, _)| r.row != rank.row)
            .flat_map(|&(r, v)| [r, v]);
        [rank, value].into_iter().chain(peers).collect()
    }

    /// Every cell of the ranking.
    pub fn cells(&self) -> impl Iterator<Item = CellId> + '_ {
        self.rows.iter().flat_map(|&(r, v)| [r, v])
    }
}

/// The rounding intervals of the rows that compete in a ranking (they print a rank and a
/// value), as two sorted lists of bounds, so a row's possible ranks are two binary searches.
#[derive(Debug, Clone, Default)]
pub struct RankBounds {
    /// Every competing row's low bound, ascending.
    pub lows: Vec<Decimal>,
    /// Every competing row's high bound, ascending.
    pub highs: Vec<Decimal>,
    /// How many times each competing row (by row index) is listed.
    pub copies: foldhash::HashMap<usize, usize>,
    /// A row's rank or value is not a figure (an input error): no check of the ranking is
    /// decided.
    pub unreadable: bool,
}

impl RankBounds {
    /// The ranks a competing row with `own` values may hold: one more than the other rows
    /// certainly above it (low bound above its high bound), up to one more than the other rows
    /// that may be above or level (high bound at or above its low bound).
    pub fn allowed(&self, row: usize, own: &Interval) -> (usize, usize) {
        let above = self.lows.len() - self.lows.partition_point(|low| *low <= own.high());
        let level_or_above =
            self.highs.len() - self.highs.partition_point(|high| *high < own.low());
        // The row itself (each time it is listed) has high >= low and low <= high: it counts
        // among the level rows, never among the rows above.
        let itself = self.copies.get(&row).copied().unwrap_or(1);
        (above + 1, level_or_above.saturating_sub(itself) + 1)
    }

    /// The bounds without one listing of `row` with `values` (which it holds).
    pub fn take_out(&mut self, row: usize, values: Interval) {
        remove_one(&mut self.lows, values.low());
        remove_one(&mut self.highs, values.high());
        if let Some(copies) = self.copies.get_mut(&row) {
            *copies -= 1;
            if *copies == 0 {
                self.copies.remove(&row);
            }
        }
    }

    /// The bounds with one more listing of `row`, with `values`, each list kept sorted.
    pub fn put_in(&mut self, row: usize, values: Interval) {
        let (low, high) = (values.low(), values.high());
        self.lows
            .insert(self.lows.partition_point(|l| *l < low), low);
        self.highs
            .insert(self.highs.partition_point(|h| *h < high), high);
        *self.copies.entry(row).or_default() += 1;
    }
}

/// `sorted` without one bound equal to `bound`, if it holds one.
fn remove_one(sorted: &mut Vec<Decimal>, bound: Decimal) {
    let at = sorted.partition_point(|b| *b < bound);
    if sorted.get(at).is_some_and(|b| *b == bound) {
        sorted.remove(at);
    }
}

/// `left OP right`, checked for every combination of the loop lists.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub loops: Vec<Items>,
    pub left: CompiledExpr,
    pub op: CompareOp,
    pub right: CompiledExpr,
    /// The same comparison as sums of cells, when it is one (`t = a + b` for every row).
    pub linear: Option<LinearForm>,
    /// That sum decided on one row's cells, when each check reads one row of a table.
    pub(super) row: Option<Box<super::row_plan::RowPlan>>,
}

/// A condition over comparisons, compiled: `and`, `or`, `not` and `if … then …` (as
/// `not … or …`).
#[derive(Debug, Clone)]
pub enum CompiledCondition {
    /// Boxed: the other kinds are a pointer or two.
    Compare {
        left: Box<CompiledExpr>,
        op: CompareOp,
        right: Box<CompiledExpr>,
        /// The comparison as written, for messages.
        text: String,
    },
    And(Box<CompiledCondition>, Box<CompiledCondition>),
    Or(Box<CompiledCondition>, Box<CompiledCondition>),
    Not(Box<CompiledCondition>),
    /// `empty(CELL)`: certainly true when the cell holds no figure, certainly false when it
    /// does.
    Empty {
        cell: Box<CompiledExpr>,
        /// The test as written, for messages.
        text: String,
    },
}

impl CompiledCondition {
    /// Every comparison, left to right.
    pub fn comparisons(&self) -> Vec<(&CompiledExpr, CompareOp, &CompiledExpr)> {
        let mut out = Vec::new();
        self.push_comparisons(&mut out);
        out
    }

    fn push_comparisons<'c>(
        &'c self,
        out: &mut Vec<(&'c CompiledExpr, CompareOp, &'c CompiledExpr)>,
    ) {
        match self {
            CompiledCondition::Compare {
                left, op, right, ..
            } => out.push((left, *op, right)),
            CompiledCondition::And(a, b) | CompiledCondition::Or(a, b) => {
                a.push_comparisons(out);
                b.push_comparisons(out);
            }
            CompiledCondition::Not(inner) => inner.push_comparisons(out),
            CompiledCondition::Empty { .. } => {}
        }
    }

    /// Every expression the condition reads (both sides of each comparison, each cell an
    /// `empty` tests), left to right: the cells of a check.
    pub fn expressions(&self) -> Vec<&CompiledExpr> {
        let mut out = Vec::new();
        self.push_expressions(&mut out);
        out
    }

    fn push_expressions<'c>(&'c self, out: &mut Vec<&'c CompiledExpr>) {
        match self {
            CompiledCondition::Compare { left, right, .. } => {
                out.push(left);
                out.push(right);
            }
            CompiledCondition::And(a, b) | CompiledCondition::Or(a, b) => {
                a.push_expressions(out);
                b.push_expressions(out);
            }
            CompiledCondition::Not(inner) => inner.push_expressions(out),
            CompiledCondition::Empty { cell, .. } => out.push(cell),
        }
    }
}

/// A condition checked for every combination of the loop lists.
#[derive(Debug, Clone)]
pub struct ConditionCheck {
    pub loops: Vec<Items>,
    pub condition: CompiledCondition,
}

/// Where a term's row or column comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Fixed(usize),
    /// The position of the loop at this slot, which runs over the table's own rows/columns.
    Loop(usize),
    /// The loop at this slot runs over a list; its items, looked up in the table beforehand.
    /// Shared: every term of a sum over a hundred rows names the same list of columns.
    Mapped {
        slot: usize,
        indices: std::sync::Arc<[usize]>,
    },
}

/// A cell added (or subtracted) in a [`LinearForm`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub negative: bool,
    pub table: usize,
    pub row: Place,
    pub column: Place,
}

/// A comparison whose sides are sums and differences of cells and constants: decided on
/// integers, cell by cell, with no expression tree to walk. The record-rule shape.
#[derive(Debug, Clone, Default)]
pub struct LinearForm {
    pub left: Vec<Term>,
    pub left_constant: Decimal,
    pub right: Vec<Term>,
    pub right_constant: Decimal,
}

impl LinearForm {
    /// The tables its terms read, a table once for each of its terms.
    pub fn tables(&self) -> impl Iterator<Item = usize> + '_ {
        self.left.iter().chain(&self.right).map(|term| term.table)
    }
}

/// What a rule expands into.
#[derive(Debug, Clone)]
pub enum Work {
    /// `left OP right` for every combination of the loop lists.
    Compare(Box<Comparison>),
    /// A condition (`and`, `or`, `not`, `if … then …`) for every combination of the loops.
    Condition(Box<ConditionCheck>),
    Sums(Vec<SumCheck>),
    Ranks(Ranking),
    /// Numbering cells and the number each should print (its place in the list).
    Places(Vec<(CellId, usize)>),
    /// Each row's label, and the earlier row printing the same label, if any.
    Distinct(Vec<(CellId, Option<CellId>)>),
    /// Figures declared `unchecked`: no check, only an explanation for coverage.
    Unchecked(Vec<CellId>),
}

impl Work {
    /// Whether a passing check pins the figures it reads (a comparison by `=`, a total and
    /// its parts, a numbering), rather than allowing each a range: an inequality, a ranking
    /// (any value between its neighbours'), a condition, distinct labels.
    pub fn states_an_equality(&self) -> bool {
        match self {
            Work::Compare(comparison) => comparison.op == CompareOp::Equal,
            Work::Sums(_) | Work::Places(_) => true,
            Work::Ranks(_) | Work::Distinct(_) | Work::Unchecked(_) | Work::Condition(_) => false,
        }
    }

    /// At most how many terms the contradiction lint writes out for the rule's checks: a
    /// comparison's cells times its checks (a sum over every record whose parts read the loop's
    /// record, in a rule over every record, is their square), a sum's total and parts. An
    /// aggregate is no linear form, and the lint writes none of it out.
    pub fn terms_stated(&self) -> usize {
        match self {
            Work::Compare(comparison) => {
                let per_check = [&comparison.left, &comparison.right]
                    .into_iter()
                    .map(CompiledExpr::linear_cells)
                    .fold(0usize, usize::saturating_add);
                per_check.saturating_mul(self.check_count())
            }
            Work::Sums(sums) => sums
                .iter()
                .map(|sum| sum.parts.len().saturating_add(1))
                .fold(0, usize::saturating_add),
            Work::Condition(_)
            | Work::Ranks(_)
            | Work::Places(_)
            | Work::Distinct(_)
            | Work::Unchecked(_) => 0,
        }
    }

    /// How many checks the rule expands into.
    pub fn check_count(&self) -> usize {
        match self {
            Work::Compare(comparison) => comparison.loops.iter().map(Items::extent).product(),
            Work::Condition(condition) => condition.loops.iter().map(Items::extent).product(),
            Work::Sums(sums) => sums.len(),
            Work::Ranks(ranking) => ranking.rows.len(),
            Work::Places(places) => places.len(),
            Work::Distinct(rows) => rows.len(),
            Work::Unchecked(_) => 0,
        }
    }
}

#[derive(Debug, Clone)]
pub struct CompiledRule {
    pub id: String,
    pub kind: Kind,
    pub description: String,
    pub source: SharedSource,
    pub id_span: Span,
    pub tolerance: Option<Tolerance>,
    pub severity: Severity,
    /// How many times each passing check of the rule counts as a confirmation in blame.
    pub blame_weight: std::num::NonZeroU32,
    /// `empty zero`: an empty or `—` cell the rule reads counts as an exact 0.
    pub empty_as_zero: bool,
    pub work: Work,
}

impl CompiledRule {
    /// Widen the derived side by the rule's tolerance.
    pub fn tolerate(&self, derived: Interval, published: &Interval) -> Interval {
        match self.tolerance {
            None => derived,
            Some(Tolerance::Absolute(amount)) => derived.widen(amount),
            Some(Tolerance::Relative(fraction)) => {
                let magnitude = published.low().abs().max(published.high().abs());
                derived.widen(Interval::product_at_least(magnitude, fraction))
            }
        }
    }
}

/// All rules of a run, compiled.
#[derive(Debug, Default)]
pub struct Program {
    pub rules: Vec<CompiledRule>,
    /// Every rules file the rules were compiled from, those that hold no rule of their own (a
    /// file of groups) too.
    pub files: Vec<SharedSource>,
    /// Rules the files hold that are not among `rules`: an input error kept each from being
    /// checked (it does not parse, reads a table that did not load, names a label the table
    /// lacks, reuses an id, contradicts other rules). A rule that does not parse counts where
    /// it starts as a rule does, with a kind and an id: tokens before the next rule that
    /// start otherwise (`summ A.total`) may be a rule or not, which the parser cannot tell.
    pub rules_not_checked: usize,
}

impl Program {
    pub fn check_count(&self) -> usize {
        self.rules.iter().map(|r| r.work.check_count()).sum()
    }

    /// At most how many terms the contradiction lint writes out ([`Work::terms_stated`]).
    pub fn terms_stated(&self) -> usize {
        self.rules
            .iter()
            .map(|r| r.work.terms_stated())
            .fold(0, usize::saturating_add)
    }

    /// The figures `unchecked` declarations explain, with the index of the declaring rule.
    pub fn explained(&self) -> HashMap<CellId, usize> {
        let mut explained = HashMap::new();
        for (index, rule) in self.rules.iter().enumerate() {
            if let Work::Unchecked(cells) = &rule.work {
                for &cell in cells {
                    explained.entry(cell).or_insert(index);
                }
            }
        }
        explained
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The terms the contradiction lint writes out: each check's cells, a list inside
    /// `sum(...)` one per item; a sum over every record whose parts read the loop's record,
    /// in a rule over every record, n²; an aggregate, none.
    #[test]
    fn terms_stated_count_each_checks_cells() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        let records: String = (1..=30).map(|id| format!("{id},{id},1\n")).collect();
        std::fs::write(data.join("REC.csv"), format!("id,x,y\n{records}")).unwrap();
        let rules = dir.path().join("r.rules");
        let terms = |rule: &str| {
            std::fs::write(&rules, rule).unwrap();
            crate::run::load(&data, &rules)
                .unwrap()
                .program
                .terms_stated()
        };
        let each = "expr r.each \"x\"\n  for r in rows(REC)\n";
        assert_eq!(terms(&format!("{each}  REC[r, x] >= REC[r, y]\n")), 30 * 2);
        assert_eq!(
            terms(&format!(
                "{each}  REC[r, x] <= sum(REC[s, x] + 0 * REC[r, y] for s in rows(REC))\n"
            )),
            30 * 61
        );
        // The same sum over every record in every check: an aggregate, worked out once.
        assert_eq!(
            terms(&format!(
                "{each}  REC[r, x] <= sum(REC[s, x] for s in rows(REC))\n"
            )),
            30
        );
        assert_eq!(
            terms(&format!(
                "{each}  REC[r, x] <= 3 * mean(REC[s, x] for s in rows(REC))\n"
            )),
            30
        );
        assert_eq!(
            terms(&format!("{each}  REC[r, x] >= sum(REC[1, [x, y]])\n")),
            30 * 3
        );
        assert_eq!(terms("expr r.one \"x\"\n  REC[1, x] = 1\n"), 1);
    }

    /// An index found for an item is kept and given again without looking; a failure is not
    /// kept (the next check looks again, and reports it); another list, or the other axis, is
    /// not answered from what was kept.
    #[test]
    fn found_per_item_keeps_what_was_found_for_its_item_and_list() {
        let labels = |names: &[&str]| {
            Items::Listed(
                names
                    .iter()
                    .map(|name| Item::Path(vec![Key::Label((*name).into())]))
                    .collect(),
            )
        };
        let (list, other) = (labels(&["合同数", "成交额"]), labels(&["合同数", "成交额"]));
        let found = FoundPerItem::default();
        let looked = &std::cell::Cell::new(0);
        let find = |index: Result<usize, &'static str>| {
            move || {
                looked.set(looked.get() + 1);
                index
            }
        };
        // (axis, list, item, what a look finds, what is answered)
        let steps = [
            // A failure is not kept: the next check looks again.
            (
                Axis::Column,
                &list,
                1,
                Err("no 成交额/增长"),
                Err("no 成交额/增长"),
            ),
            (Axis::Column, &list, 1, Ok(7), Ok(7)),
            // Kept: not looked up again.
            (Axis::Column, &list, 1, Ok(99), Ok(7)),
            (Axis::Column, &list, 0, Ok(3), Ok(3)),
            (Axis::Row, &list, 1, Ok(4), Ok(4)),
            (Axis::Column, &other, 1, Ok(5), Ok(5)),
            // Past the list's end: looked up, not kept.
            (Axis::Column, &list, 2, Ok(6), Ok(6)),
        ];
        for (step, (axis, items, position, looks, answered)) in steps.into_iter().enumerate() {
            let answer = found.get_or_find(axis, (items, position), find(looks));
            assert_eq!(answer, answered, "step {step}");
        }
        assert_eq!(looked.get(), 6);
    }

    proptest! {
        /// The sorted bounds give every row the ranks counting its peers one by one gives.
        #[test]
        fn rank_bounds_count_as_comparing_every_pair_would(
            rows in proptest::collection::vec((0usize..12, 0i64..40, 0u32..2), 1..40),
        ) {
            // (row index, value, printed decimals): a row index may repeat (listed twice).
            let interval = |value: i64, scale: u32| Interval::rounded(Decimal::new(value, scale));
            let mut seen = HashMap::new();
            let rows: Vec<(usize, Interval)> = rows
                .into_iter()
                .map(|(row, value, scale)| {
                    (row, *seen.entry(row).or_insert_with(|| interval(value, scale)))
                })
                .collect();
            let mut bounds = RankBounds::default();
            for &(row, value) in &rows {
                bounds.lows.push(value.low());
                bounds.highs.push(value.high());
                *bounds.copies.entry(row).or_default() += 1;
            }
            bounds.lows.sort_unstable();
            bounds.highs.sort_unstable();
            for &(row, own) in &rows {
                let peers = rows.iter().filter(|(r, _)| *r != row);
                let above = peers.clone().filter(|(_, v)| v.low() > own.high()).count();
                let level = peers.filter(|(_, v)| v.high() >= own.low()).count();
                prop_assert_eq!(bounds.allowed(row, &own), (above + 1, level + 1));
            }
        }
    }
}
