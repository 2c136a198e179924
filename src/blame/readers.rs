//! Which checks read each figure of the findings: the index blame re-decides checks from.
//! A trial reads a figure as another value and decides again every check that reads it, so
//! the index lists, for each figure of a failed check, the checks of every rule that read it,
//! and how many figures each reads (what the budget counts). Only the checks that may read a
//! wanted figure have their cells resolved ([`CheckFilter`]).

use super::WIDEST_RULE;
use crate::engine::program::{
    AxisTemplate, CellId, CellTemplate, CompiledExpr, Items, Program, Ranking, Work,
};
use crate::engine::resolve::Axis;
use crate::engine::{KnownIndices, check_cells, known_indices, row_wise_cells};
use crate::table::manifest::Dataset;
use foldhash::{HashMap, HashSet};
use rayon::prelude::*;
use smallvec::SmallVec;

/// Which checks read each cell of the findings.
#[derive(Default)]
pub(super) struct Readers {
    pub(super) of: HashMap<CellId, Vec<(usize, usize)>>,
    /// How many figures each of those checks reads.
    pub(super) widths: HashMap<(usize, usize), usize>,
    /// Cells of the findings read by a rule too wide to index ([`WIDEST_RULE`]).
    pub(super) too_wide: HashSet<CellId>,
}

impl Readers {
    /// Indexed rule by rule in parallel, then merged in rule order.
    pub(super) fn of(dataset: &Dataset, program: &Program, wanted: &HashSet<CellId>) -> Self {
        let by_table = WantedByTable::of(wanted);
        let parts: Vec<Readers> = program
            .rules
            .par_iter()
            .enumerate()
            .filter_map(|(rule, compiled)| {
                Self::of_rule(dataset, program, rule, &compiled.work, (wanted, &by_table))
            })
            .collect();
        Self::merged(parts)
    }

    /// The rules' parts in rule order, each cell's checks in that order. Each part's lists
    /// moved, not copied, into the first: a record file's 10 000 findings name 50 000 cells,
    /// each with a list of its own.
    pub(super) fn merged(parts: Vec<Readers>) -> Self {
        // Made at their size, not grown (and rehashed) part by part.
        let widths: usize = parts.iter().map(|part| part.widths.len()).sum();
        let cells: usize = parts.iter().map(|part| part.of.len()).sum();
        let mut parts = parts.into_iter();
        let mut readers = parts.next().unwrap_or_default();
        readers
            .widths
            .reserve(widths.saturating_sub(readers.widths.len()));
        readers.of.reserve(cells.saturating_sub(readers.of.len()));
        for part in parts {
            for (cell, checks) in part.of {
                match readers.of.entry(cell) {
                    std::collections::hash_map::Entry::Occupied(mut listed) => {
                        listed.get_mut().extend(checks);
                    }
                    std::collections::hash_map::Entry::Vacant(slot) => {
                        slot.insert(checks);
                    }
                }
            }
            readers.widths.extend(part.widths);
            readers.too_wide.extend(part.too_wide);
        }
        readers
    }

    /// The checks of one rule that read a wanted figure, in check order, and their widths;
    /// `None` for a soft rule, and where no check may read one ([`CheckFilter::of`]). Only
    /// the checks [`CheckFilter`] lets through have their cells resolved: the others read no
    /// wanted figure, so they are listed for none, and their widths are never read (the
    /// budget charges a check only as a reader of a cell, [`Readers::get`]).
    fn of_rule(
        dataset: &Dataset,
        program: &Program,
        rule: usize,
        work: &Work,
        (wanted, by_table): (&HashSet<CellId>, &WantedByTable),
    ) -> Option<Self> {
        if program
            .rules
            .get(rule)
            .is_some_and(|r| r.severity.is_soft())
        {
            return None;
        }
        let filter = CheckFilter::of(work, by_table)?;
        let mut readers = Readers::default();
        if let Work::Ranks(ranking) = work {
            readers.index_ranking(rule, ranking, wanted);
            return Some(readers);
        }
        let count = work.check_count();
        if let Some((table, columns)) = row_wise_cells(program, rule) {
            readers.index_rows(rule, (table, &columns), count, wanted);
            return Some(readers);
        }
        // Its checks read alike (a ranking: every row): the first check's figures stand for
        // all. Resolved only where a bound on them does not tell that the rule is narrow
        // enough, and then kept for check 0.
        let mut first = None;
        if first_check_at_most(work).is_none_or(|most| count.saturating_mul(most) > WIDEST_RULE) {
            let cells = check_cells(dataset, program, rule, 0);
            if count.saturating_mul(cells.len()) > WIDEST_RULE {
                let wide = cells.into_iter().filter(|cell| wanted.contains(cell));
                readers.too_wide.extend(wide);
                return Some(readers);
            }
            first = Some(cells);
        }
        for check in 0..count {
            let cells = match first.take() {
                Some(cells) => cells,
                None if filter.may_read(check, wanted) => {
                    check_cells(dataset, program, rule, check)
                }
                None => continue,
            };
            readers.list(rule, check, cells, wanted);
        }
        Some(readers)
    }

    /// Check `check` of `rule`, which reads `cells`: its width, and a reader of each wanted
    /// one.
    fn list(&mut self, rule: usize, check: usize, cells: Vec<CellId>, wanted: &HashSet<CellId>) {
        self.widths.insert((rule, check), cells.len());
        for cell in cells {
            if wanted.contains(&cell) {
                let of = self.of.entry(cell).or_default();
                if !of.contains(&(rule, check)) {
                    of.push((rule, check));
                }
            }
        }
    }

    /// A rule whose check `n` reads row `n` of `table` in `columns`: the checks that read a
    /// wanted cell are found from the cell, not by listing every check's cells.
    fn index_rows(
        &mut self,
        rule: usize,
        (table, columns): (usize, &[usize]),
        count: usize,
        wanted: &HashSet<CellId>,
    ) {
        for cell in wanted {
            if cell.table != table || cell.row >= count || !columns.contains(&cell.column) {
                continue;
            }
            self.widths.insert((rule, cell.row), columns.len());
            let of = self.of.entry(*cell).or_default();
            if !of.contains(&(rule, cell.row)) {
                of.push((rule, cell.row));
            }
        }
    }

    /// A ranking's check decides its own row's rank from every row's value: a rank is read by
    /// its row's check alone, a value by every check (which is what makes a wide ranking
    /// costly to re-decide: the budget counts the figures).
    fn index_ranking(&mut self, rule: usize, ranking: &Ranking, wanted: &HashSet<CellId>) {
        let checks = ranking.rows.len();
        for (check, &(rank, value)) in ranking.rows.iter().enumerate() {
            self.widths.insert((rule, check), 2 * checks);
            if wanted.contains(&rank) {
                let of = self.of.entry(rank).or_default();
                if !of.contains(&(rule, check)) {
                    of.push((rule, check));
                }
            }
            if wanted.contains(&value) {
                let of = self.of.entry(value).or_default();
                of.extend((0..checks).map(|check| (rule, check)));
                of.sort_unstable();
                of.dedup();
            }
        }
    }

    pub(super) fn width(&self, rule: usize, check: usize) -> usize {
        self.widths.get(&(rule, check)).copied().unwrap_or(1)
    }

    /// Whether the checks that read the cell are indexed: it is a figure of a finding.
    pub(super) fn knows(&self, cell: CellId) -> bool {
        self.of.contains_key(&cell)
    }

    pub(super) fn get(&self, cell: CellId) -> &[(usize, usize)] {
        self.of.get(&cell).map_or(&[], Vec::as_slice)
    }
}

/// The wanted figures sorted by table, then row and column, and each table's range of them
/// and the rows and columns they are in: whether a cell template may name one is a look at
/// its table and a binary search or two in a few indices, where blame once scanned every
/// wanted figure for each cell a rule names (each part of each sum of a rule over another
/// table).
struct WantedByTable<'w> {
    wanted: &'w HashSet<CellId>,
    sorted: Vec<CellId>,
    /// By table index, up to the last table with a wanted figure.
    tables: Vec<WantedInTable>,
}

/// The wanted figures of one table: a range of [`WantedByTable::sorted`], and their rows and
/// their columns, sorted, each once.
#[derive(Default)]
struct WantedInTable {
    cells: std::ops::Range<usize>,
    rows: Vec<usize>,
    columns: Vec<usize>,
}

impl<'w> WantedByTable<'w> {
    fn of(wanted: &'w HashSet<CellId>) -> Self {
        let mut sorted: Vec<CellId> = wanted.iter().copied().collect();
        sorted.sort_unstable();
        let mut tables: Vec<WantedInTable> = Vec::new();
        for (at, cell) in sorted.iter().enumerate() {
            if tables.len() <= cell.table {
                tables.resize_with(cell.table + 1, WantedInTable::default);
            }
            if let Some(table) = tables.get_mut(cell.table) {
                if table.cells.is_empty() {
                    table.cells = at..at;
                }
                table.cells.end = at + 1;
                // Sorted by row: a row already listed is the last.
                if table.rows.last() != Some(&cell.row) {
                    table.rows.push(cell.row);
                }
                table.columns.push(cell.column);
            }
        }
        for table in &mut tables {
            table.columns.sort_unstable();
            table.columns.dedup();
        }
        WantedByTable {
            wanted,
            sorted,
            tables,
        }
    }

    /// The wanted figures of `table`, by row, then column.
    fn in_table(&self, table: usize) -> &[CellId] {
        self.tables
            .get(table)
            .and_then(|t| self.sorted.get(t.cells.clone()))
            .unwrap_or_default()
    }

    /// Whether a wanted figure of `table` is in one of `rows` and one of `columns`: whether a
    /// cell template whose axes name those may name one.
    fn meets(&self, table: usize, rows: KnownIndices<'_>, columns: KnownIndices<'_>) -> bool {
        let Some(in_table) = self.tables.get(table) else {
            return false;
        };
        if in_table.rows.is_empty() {
            return false;
        }
        let in_rows = |row: usize| in_table.rows.binary_search(&row).is_ok();
        let in_columns = |column: usize| in_table.columns.binary_search(&column).is_ok();
        match (rows, columns) {
            (KnownIndices::Any, KnownIndices::Any) => true,
            (KnownIndices::Any, columns) => any_index(columns, in_columns),
            (rows, KnownIndices::Any) => any_index(rows, in_rows),
            (rows, columns) => any_index(rows, |row| {
                in_rows(row)
                    && any_index(columns, |column| {
                        self.wanted.contains(&CellId { table, row, column })
                    })
            }),
        }
    }
}

/// Whether `test` holds for one of the indices (none for [`KnownIndices::Any`]: the caller
/// answers for it).
fn any_index(indices: KnownIndices<'_>, mut test: impl FnMut(usize) -> bool) -> bool {
    match indices {
        KnownIndices::One(index) => test(index),
        KnownIndices::Many(indices) => indices.iter().any(|&index| test(index)),
        KnownIndices::Any => false,
    }
}

/// What an axis of a cell template names whatever the check: a row or column fixed when the
/// rule was compiled, else any (a loop's item, a label path).
fn fixed_indices(axis: &AxisTemplate) -> KnownIndices<'_> {
    match axis {
        AxisTemplate::Fixed(index) => KnownIndices::One(*index),
        AxisTemplate::FixedMany(indices) => KnownIndices::Many(indices),
        AxisTemplate::Variable(_) | AxisTemplate::Path(_) => KnownIndices::Any,
    }
}

/// Whether a cell template may name a wanted figure in some check: not where it names
/// another table, or a row or column fixed when the rule was compiled that none of them is in.
fn may_name(template: &CellTemplate, wanted: &WantedByTable) -> bool {
    wanted.meets(
        template.table,
        fixed_indices(&template.row),
        fixed_indices(&template.column),
    )
}

/// Which checks of a rule may read a wanted figure, told check by check without resolving
/// the check's cells ([`check_cells`]): most checks of a rule over every row of a table read
/// none of a few failed checks' figures. It lets through every check that reads one (and
/// some that do not).
enum CheckFilter<'w> {
    /// Every check: a template names a wanted figure whatever the loops' items are.
    Every,
    /// The checks of a comparison or a condition in which one of these templates, its axes
    /// bound to the check's loop items, may name a wanted figure
    /// ([`crate::engine::known_indices`]). The other templates of the rule name no wanted
    /// figure in any check ([`may_name`]).
    Bound {
        loops: &'w [Items],
        templates: Vec<BoundTemplate<'w>>,
        wanted: &'w WantedByTable<'w>,
    },
    /// The check's own cells, listed in the rule (a sum's total and parts, a numbering
    /// cell, a row's label): tested one by one.
    Listed(&'w Work),
}

/// A cell template one of whose axes is bound to the loops' items, and what the other names
/// whatever the check, if it is fixed (`None`: bound too).
struct BoundTemplate<'w> {
    template: &'w CellTemplate,
    row: Option<KnownIndices<'w>>,
    column: Option<KnownIndices<'w>>,
}

impl<'w> CheckFilter<'w> {
    /// The filter of `work`'s checks; `None` where no check may read a wanted figure: each
    /// names another table, or a row or column fixed when the rule was compiled that none of
    /// them is in. The checks of such a rule are not listed one by one (which resolved the
    /// label paths of the book's every check again).
    fn of(work: &'w Work, wanted: &'w WantedByTable) -> Option<Self> {
        let Some((loops, exprs)) = loops_and_expressions(work) else {
            let in_tables = |cell: &CellId| !wanted.in_table(cell.table).is_empty();
            let (may_read, filter) = match work {
                Work::Sums(sums) => (
                    sums.iter()
                        .any(|sum| in_tables(&sum.total) || sum.parts.iter().any(in_tables)),
                    CheckFilter::Listed(work),
                ),
                Work::Places(places) => (
                    places.iter().any(|(cell, _)| in_tables(cell)),
                    CheckFilter::Listed(work),
                ),
                Work::Distinct(rows) => (
                    rows.iter().any(|(row, _)| in_tables(row)),
                    CheckFilter::Listed(work),
                ),
                Work::Ranks(ranking) => (
                    ranking
                        .rows
                        .iter()
                        .any(|(rank, value)| in_tables(rank) || in_tables(value)),
                    CheckFilter::Every,
                ),
                Work::Unchecked(_) | Work::Compare(_) | Work::Condition(_) => {
                    (false, CheckFilter::Every)
                }
            };
            return may_read.then_some(filter);
        };
        let fixed = |axis: &'w AxisTemplate| match axis {
            AxisTemplate::Fixed(_) | AxisTemplate::FixedMany(_) => Some(fixed_indices(axis)),
            AxisTemplate::Variable(_) | AxisTemplate::Path(_) => None,
        };
        let mut templates = Vec::new();
        for expr in exprs {
            // A template that names no wanted figure in any check is left out; one whose
            // axes are both fixed names the same cells in every check.
            let every = expr.try_for_each_template(&mut |template| {
                if !may_name(template, wanted) {
                    return Ok(());
                }
                let (row, column) = (fixed(&template.row), fixed(&template.column));
                if row.is_some() && column.is_some() {
                    return Err(());
                }
                templates.push(BoundTemplate {
                    template,
                    row,
                    column,
                });
                Ok(())
            });
            if every.is_err() {
                return Some(CheckFilter::Every);
            }
        }
        (!templates.is_empty()).then_some(CheckFilter::Bound {
            loops,
            templates,
            wanted,
        })
    }

    /// Whether check `check` may read one of the `wanted` figures: `false` only where it
    /// reads none.
    fn may_read(&self, check: usize, wanted: &HashSet<CellId>) -> bool {
        match self {
            CheckFilter::Every => true,
            CheckFilter::Bound {
                loops,
                templates,
                wanted,
            } => templates.iter().any(|bound| {
                let (template, table) = (bound.template, bound.template.table);
                let known = |axis| known_indices(template, axis, loops, check);
                let row = bound.row.unwrap_or_else(|| known(Axis::Row));
                // A bound row with no wanted figure is told before the column is worked out.
                if bound.row.is_none()
                    && row != KnownIndices::Any
                    && !wanted.meets(table, row, KnownIndices::Any)
                {
                    return false;
                }
                let column = bound.column.unwrap_or_else(|| known(Axis::Column));
                wanted.meets(table, row, column)
            }),
            CheckFilter::Listed(work) => match work {
                Work::Sums(sums) => sums.get(check).is_none_or(|sum| {
                    wanted.contains(&sum.total) || sum.parts.iter().any(|p| wanted.contains(p))
                }),
                Work::Places(places) => places
                    .get(check)
                    .is_none_or(|(cell, _)| wanted.contains(cell)),
                Work::Distinct(rows) => rows.get(check).is_none_or(|(row, _)| wanted.contains(row)),
                _ => true,
            },
        }
    }
}

/// The loops of a comparison or a condition, and the expressions whose cells its checks read
/// ([`check_cells`]); `None` for another rule.
fn loops_and_expressions(work: &Work) -> Option<(&[Items], SmallVec<[&CompiledExpr; 2]>)> {
    match work {
        Work::Compare(comparison) => Some((
            &comparison.loops,
            smallvec::smallvec![&comparison.left, &comparison.right],
        )),
        Work::Condition(condition) => Some((
            &condition.loops,
            SmallVec::from_vec(condition.condition.expressions()),
        )),
        _ => None,
    }
}

/// At least as many cells as the first check of `work` reads ([`check_cells`]), where known
/// without resolving it: each cell template names at most one row (or column) on an axis
/// that is not a group fixed when the rule was compiled (a loop's item, a label path without
/// a list in it, [`crate::engine::known_indices`]). `None` where a template's label path
/// holds a list, and for a ranking.
fn first_check_at_most(work: &Work) -> Option<usize> {
    let Some((_, exprs)) = loops_and_expressions(work) else {
        return match work {
            Work::Sums(sums) => Some(sums.first().map_or(0, |sum| 1 + sum.parts.len())),
            Work::Places(_) | Work::Distinct(_) => Some(1),
            Work::Unchecked(_) => Some(0),
            _ => None,
        };
    };
    let at_most = |axis: &AxisTemplate| match axis {
        AxisTemplate::Fixed(_) | AxisTemplate::Variable(_) => Some(1),
        AxisTemplate::FixedMany(indices) => Some(indices.len()),
        AxisTemplate::Path(segments) => segments
            .iter()
            .all(|s| !matches!(s, crate::engine::program::SegmentTemplate::Items(_)))
            .then_some(1),
    };
    let mut cells = 0usize;
    for expr in exprs {
        expr.try_for_each_template(&mut |template| {
            let rows = at_most(&template.row).ok_or(())?;
            let columns = at_most(&template.column).ok_or(())?;
            cells = cells.saturating_add(rows.saturating_mul(columns));
            Ok::<(), ()>(())
        })
        .ok()?;
    }
    Some(cells)
}

#[cfg(test)]
mod tests {
    use super::*;
    use foldhash::HashSetExt;
    use proptest::prelude::*;

    proptest! {
        /// The wanted figures of a table are those whose table it is, as a scan finds them.
        #[test]
        fn the_wanted_figures_of_a_table_are_the_ones_in_it(
            cells in proptest::collection::vec((0usize..5, 0usize..4, 0usize..3), 0..30),
            table in 0usize..6,
        ) {
            let wanted: HashSet<CellId> = cells
                .iter()
                .map(|&(table, row, column)| CellId { table, row, column })
                .collect();
            let mut scanned: Vec<CellId> =
                wanted.iter().copied().filter(|cell| cell.table == table).collect();
            scanned.sort_unstable();
            let by_table = WantedByTable::of(&wanted);
            prop_assert_eq!(by_table.in_table(table), scanned.as_slice());
        }
    }

    /// Which checks read each wanted figure, as resolving every check of every rule finds
    /// them: each rule's part as [`Readers::of_rule`] made it before it let through only the
    /// checks that may read one ([`CheckFilter`]), and no rule left out for none may
    /// ([`CheckFilter::of`]).
    fn readers_of_every_check(
        dataset: &Dataset,
        program: &Program,
        wanted: &HashSet<CellId>,
    ) -> Readers {
        let part = |(rule, compiled): (usize, &crate::engine::program::CompiledRule)| {
            let mut readers = Readers::default();
            let work = &compiled.work;
            if compiled.severity.is_soft() {
                return readers;
            }
            if let Work::Ranks(ranking) = work {
                readers.index_ranking(rule, ranking, wanted);
                return readers;
            }
            let count = work.check_count();
            if let Some((table, columns)) = row_wise_cells(program, rule) {
                readers.index_rows(rule, (table, &columns), count, wanted);
                return readers;
            }
            let first = check_cells(dataset, program, rule, 0);
            if count.saturating_mul(first.len()) > WIDEST_RULE {
                let wide = first.into_iter().filter(|cell| wanted.contains(cell));
                readers.too_wide.extend(wide);
                return readers;
            }
            for check in 0..count {
                let cells = check_cells(dataset, program, rule, check);
                readers.list(rule, check, cells, wanted);
            }
            readers
        };
        Readers::merged(program.rules.iter().enumerate().map(part).collect())
    }

    /// Every cell of every table of the dataset, each row's label too.
    fn every_cell(dataset: &Dataset) -> HashSet<CellId> {
        let mut cells = HashSet::new();
        for (table, t) in dataset.tables.iter().enumerate() {
            for row in 0..t.row_count() {
                let columns = (0..t.columns().len()).chain([crate::engine::program::ROW_LABEL]);
                cells.extend(columns.map(|column| CellId { table, row, column }));
            }
        }
        cells
    }

    /// How `readers`, indexed for `wanted`, differs from `every`, indexed for every cell by
    /// resolving every check ([`readers_of_every_check`]): a cell whose checks differ (one
    /// left out, one too many, another order), a check listed without its width, a cell of
    /// a rule too wide to index missed. `None` where it does not.
    fn differs(readers: &Readers, every: &Readers, wanted: &HashSet<CellId>) -> Option<String> {
        for cell in wanted {
            if readers.of.get(cell) != every.of.get(cell) {
                return Some(format!(
                    "{cell:?}: {:?}, resolving every check: {:?}",
                    readers.of.get(cell),
                    every.of.get(cell)
                ));
            }
            if readers.too_wide.contains(cell) != every.too_wide.contains(cell) {
                return Some(format!("{cell:?}: too wide or not"));
            }
        }
        if let Some(cell) = readers.of.keys().find(|cell| !wanted.contains(*cell)) {
            return Some(format!("{cell:?} is not wanted, and listed"));
        }
        let listed = readers.of.values().flatten();
        listed
            .filter(|at| readers.widths.get(at) != every.widths.get(at))
            .map(|at| {
                format!(
                    "{at:?} has width {:?}, {:?} resolving every check",
                    readers.widths.get(at),
                    every.widths.get(at)
                )
            })
            .next()
    }

    /// The bundled book: for the figures of its findings, for many sets of its cells and for
    /// single cells, blame lists exactly the checks that resolving every check of every rule
    /// lists, in the same order, each with its width: a check that reads a wanted figure is
    /// never left out by the checks let through ([`CheckFilter`]), nor its rule. Asked
    /// first before any check has run (nothing found is kept in the templates yet), then after.
    #[test]
    fn blame_lists_every_check_that_reads_a_wanted_figure_of_the_book() {
        let loaded = crate::run::bundled_book();
        let (dataset, program) = (&loaded.dataset, &loaded.program);
        let universe = every_cell(dataset);
        let mut sets: Vec<HashSet<CellId>> = Vec::new();
        for modulus in [2usize, 3, 7, 13, 41, 97] {
            for residue in 0..modulus.min(3) {
                let picked = universe.iter().filter(|cell| {
                    let mixed = cell.table.wrapping_mul(7919)
                        ^ cell.row.wrapping_mul(31)
                        ^ cell.column.wrapping_mul(17);
                    mixed % modulus == residue
                });
                sets.push(picked.copied().collect());
            }
        }
        let found_before: Vec<Readers> = sets
            .iter()
            .map(|wanted| Readers::of(dataset, program, wanted))
            .collect();
        let every = readers_of_every_check(dataset, program, &universe);
        for (wanted, readers) in sets.iter().zip(&found_before) {
            if let Some(difference) = differs(readers, &every, wanted) {
                panic!(
                    "before the checks ran, {} cells: {difference}",
                    wanted.len()
                );
            }
        }
        let (outcome, _) = crate::engine::evaluate_with(dataset, program, false);
        assert!(!outcome.findings.is_empty());
        sets.push(
            outcome
                .findings
                .iter()
                .flat_map(|f| f.cells.iter().copied())
                .collect(),
        );
        // Every eleventh cell some check reads, alone.
        let mut read: Vec<CellId> = every.of.keys().copied().collect();
        read.sort_unstable();
        sets.extend(
            read.iter()
                .step_by(11)
                .map(|&cell| HashSet::from_iter([cell])),
        );
        assert!(sets.len() > 100);
        for wanted in &sets {
            let readers = Readers::of(dataset, program, wanted);
            if let Some(difference) = differs(&readers, &every, wanted) {
                panic!("{} cells: {difference}", wanted.len());
            }
        }
    }

    /// Two tables of three regions and their 合计, and rules of every shape of loop: over a
    /// table's own rows or columns, over another table's rows (found by label), a list of
    /// labels, two loops, a `zip`, a condition, a sum of a fixed group, one over each row
    /// alone (indexed from the cell), an aggregate. (Label paths with a loop's item in them,
    /// `A2[t, y/金额]`, are the book's: [`blame_lists_every_check_that_reads_a_wanted_figure_of_the_book`].)
    fn shapes_run() -> crate::run::Loaded {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("data")).unwrap();
        let g = "地区,a,b,c\n甲,1,2,3\n乙,4,5,9\n丙,7,8,15\n合计,12,15,27\n";
        let h = "地区,a,b\n丙,1,2\n甲,4,5\n乙,3,3\n合计,8,10\n";
        std::fs::write(dir.path().join("data/G.csv"), g).unwrap();
        std::fs::write(dir.path().join("data/H.csv"), h).unwrap();
        let rules = "\
expr g.bound \"c is at most 合计's\"
  for r in rows(G)
  G[r, c] <= G[合计, c]

sum g.columns \"合计 is the regions' sum\"
  for y in [a, b, c]
  G[合计, y] = sum(G[甲, y], G[乙, y], G[丙, y])

expr gh.two_loops \"H is at most G\"
  for r in rows(G) - [合计]
  for y in [a, b]
  H[r, y] <= G[r, y]

expr gh.zip \"G's a is at least H's, row by row\"
  for (r, s) in zip(rows(G), rows(H))
  G[r, a] >= H[s, a]

expr g.condition \"a row with a has c\"
  for r in rows(G)
  if G[r, a] > 0 then G[r, c] > 0

sum g.many \"合计 is the regions' sum, in every column\"
  for c in columns(G)
  G[合计, c] = sum(G[[甲, 乙, 丙], c])

expr hg.columns \"H's 合计 is at most G's, in H's columns\"
  for y in columns(H)
  H[合计, y] <= G[合计, y]

expr hg.rows \"H's a is at most G's c, by H's rows\"
  for r in rows(H)
  for y in [a, b]
  H[r, y] <= G[r, c]

sum g.rows \"c is a + b\"
  for r in rows(G)
  G[r, c] = G[r, a] + G[r, b]

sum g.aggregate \"合计's a is the regions' sum\"
  G[合计, a] = sum(G[r, a] for r in rows(G) - [合计])
";
        std::fs::write(dir.path().join("g.rules"), rules).unwrap();
        crate::run::load(&dir.path().join("data"), &dir.path().join("g.rules")).unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]
        /// For any set of wanted figures, before the checks ran or after, blame lists exactly
        /// the checks that resolving every check lists, in the same order, with their widths.
        #[test]
        fn blame_lists_every_check_that_reads_a_wanted_figure(
            picks in proptest::collection::vec(any::<prop::sample::Index>(), 0..12),
            after in any::<bool>(),
        ) {
            let loaded = shapes_run();
            let (dataset, program) = (&loaded.dataset, &loaded.program);
            if after {
                let (outcome, errors) = crate::engine::evaluate_with(dataset, program, false);
                prop_assert!(errors.is_empty(), "{errors:?}");
                prop_assert!(outcome.findings.len() < program.check_count());
            }
            let mut universe: Vec<CellId> = every_cell(dataset).into_iter().collect();
            universe.sort_unstable();
            let wanted: HashSet<CellId> =
                picks.iter().map(|pick| *pick.get(&universe)).collect();
            let readers = Readers::of(dataset, program, &wanted);
            let every = readers_of_every_check(dataset, program, &HashSet::from_iter(universe));
            prop_assert!(program.rules.len() == 10);
            if let Some(difference) = differs(&readers, &every, &wanted) {
                prop_assert!(false, "{}", difference);
            }
        }
    }
}
