//! Findings → which cell is wrong, and what it should print.
//!
//! One wrong figure fails every check that reads it: a total against its parts, a share, a
//! growth rate, a second printing. Following the Fellegi–Holt principle (R's `errorlocate`,
//! Statistics Canada's Banff), blame looks for the fewest, lightest cells whose change makes
//! every failed check of a group pass and keeps every passing check that reads them passing:
//!
//! 1. Failed checks that share a cell form a group (across tables and the text).
//! 2. Each figure of a group is a candidate. Its weight is one more than the passing checks
//!    that confirm it as printed: a figure more checks agree with is less likely wrong.
//! 3. For each candidate, the values that would repair each failed check it takes part in are
//!    solved for ([`solve`]); where no check determines a value (a ranking), the printings a
//!    slip could have come from are tried ([`slip::origins`]). Each value is judged by running
//!    every check that reads the cell again with the cell read as that value.
//! 4. A single cell that repairs every failed check of its group and breaks none explains the
//!    group. Among such cells, one whose printing a slip explains (two digits swapped …) comes
//!    first, then the lightest; all of them where they rank the same (a figure printed twice:
//!    either printing may be the wrong one). This search is exact
//!    over single cells. Where no single cell explains the group, a greedy cover is reported
//!    instead (the value that repairs most failed checks and breaks none, then the next for
//!    what is left): a heuristic, and said so.
//! 5. The proposal is the value at the cell's printed precision, widened to every printing
//!    that still repairs and breaks nothing (an interval where the checks allow several), and
//!    where a slip explains a printing of the interval, that printing and the slip.
//!
//! Every search has a budget ([`BUDGET`] verdicts per group); a group that hits it says so.

mod slip;
mod solve;

pub use slip::Slip;

use crate::engine::program::{CellId, Program};
use crate::engine::{CheckVerdict, check_cells, verdict_with};
use crate::finding::{Finding, Outcome};
use crate::table::Cell;
use crate::table::manifest::Dataset;
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};

/// The most checks re-decided for one group of findings.
pub const BUDGET: usize = 20_000;
/// The most findings blamed in one run; past it, blame is left out (and the report says so).
pub const MOST_FINDINGS: usize = 10_000;
/// The most checks a program may expand into for blame to index which checks read a cell.
pub const MOST_CHECKS: usize = 2_000_000;
/// How far a proposal's interval is widened, in steps of its last digit, each way.
const WIDEST: usize = 50;
/// The widest interval (in steps of its last digit) in which a slip's origin names the slip.
const NARROW: u32 = 10;

/// The explanation of a group of failed checks that share cells.
#[derive(Debug, Clone, Default)]
pub struct Blame {
    /// The findings of the group (indices into the outcome's findings).
    pub findings: Vec<usize>,
    /// The cells to fix, most likely first; several equally good ones when `tied`.
    pub suspects: Vec<Suspect>,
    /// Whether one cell explains the whole group (exact); `false`: a greedy cover.
    pub exact: bool,
    /// Whether the first suspects are equally good explanations (either may be wrong).
    pub tied: bool,
    /// Whether the search stopped at its budget.
    pub budget_hit: bool,
}

/// A cell blame names, and what it should print.
#[derive(Debug, Clone)]
pub struct Suspect {
    pub cell: CellId,
    pub printed: Decimal,
    /// The value proposed, at the printed precision.
    pub proposed: Decimal,
    /// Every printing that repairs as much and breaks nothing: `low == high` where the checks
    /// determine one.
    pub low: Decimal,
    pub high: Decimal,
    /// The printings go on past `low` (or `high`) as far as the search looked: the checks
    /// bound the figure on one side only (a part `<=` its total).
    pub open_below: bool,
    pub open_above: bool,
    /// The findings it repairs (indices into the outcome's findings).
    pub repairs: Vec<usize>,
    /// Passing checks that read it: what its weight counts.
    pub confirmed_by: usize,
    /// Passing checks the proposal would make fail.
    pub breaks: usize,
    pub slip: Option<Slip>,
}

/// Re-decides checks with one cell read as another figure, counting against a budget.
pub struct Probe<'a> {
    dataset: &'a Dataset,
    program: &'a Program,
    spent: usize,
}

impl Probe<'_> {
    /// The verdict of a check with `cell` read as `value`; `None` once the budget is spent or
    /// where the value cannot be a cell's figure.
    pub fn verdict(
        &mut self,
        cell: CellId,
        value: Decimal,
        (rule, check): (usize, usize),
    ) -> Option<CheckVerdict> {
        if self.spent >= BUDGET {
            return None;
        }
        self.spent += 1;
        let exact = self
            .dataset
            .tables
            .get(cell.table)
            .and_then(|t| t.cell(cell.row, cell.column))
            .is_some_and(Cell::is_exact);
        let replacement = Cell::value(value, exact)?;
        Some(verdict_with(
            self.dataset,
            self.program,
            rule,
            check,
            Some((cell, replacement)),
        ))
    }
}

/// Which checks read each cell of the findings.
struct Readers {
    of: HashMap<CellId, Vec<(usize, usize)>>,
}

impl Readers {
    fn of(dataset: &Dataset, program: &Program, wanted: &HashSet<CellId>) -> Self {
        let mut of: HashMap<CellId, Vec<(usize, usize)>> = HashMap::new();
        for (rule, compiled) in program.rules.iter().enumerate() {
            for check in 0..compiled.work.check_count() {
                for cell in check_cells(dataset, program, rule, check) {
                    if wanted.contains(&cell) {
                        let readers = of.entry(cell).or_default();
                        if !readers.contains(&(rule, check)) {
                            readers.push((rule, check));
                        }
                    }
                }
            }
        }
        Readers { of }
    }

    fn get(&self, cell: CellId) -> &[(usize, usize)] {
        self.of.get(&cell).map_or(&[], Vec::as_slice)
    }
}

/// Blame every group of findings; empty where the run is past [`MOST_FINDINGS`] or
/// [`MOST_CHECKS`].
pub fn blame(dataset: &Dataset, program: &Program, outcome: &Outcome) -> Vec<Blame> {
    let findings = &outcome.findings;
    if findings.is_empty() || findings.len() > MOST_FINDINGS || program.check_count() > MOST_CHECKS
    {
        return Vec::new();
    }
    let wanted: HashSet<CellId> = findings.iter().flat_map(|f| f.cells.clone()).collect();
    let readers = Readers::of(dataset, program, &wanted);
    let failed: HashMap<(usize, usize), usize> = findings
        .iter()
        .enumerate()
        .map(|(index, f)| ((f.rule, f.check), index))
        .collect();
    groups(findings)
        .into_iter()
        .map(|group| {
            let mut probe = Probe {
                dataset,
                program,
                spent: 0,
            };
            let context = Group {
                findings,
                members: &group,
                failed: &failed,
                readers: &readers,
                dataset,
            };
            let mut blame = context.explain(&mut probe);
            blame.budget_hit = probe.spent >= BUDGET;
            blame
        })
        .collect()
}

/// For each finding (by index), the blame of its group.
pub fn by_finding(blame: &[Blame], findings: usize) -> Vec<Option<usize>> {
    let mut of = vec![None; findings];
    for (group, b) in blame.iter().enumerate() {
        for &finding in &b.findings {
            if let Some(slot) = of.get_mut(finding) {
                *slot = Some(group);
            }
        }
    }
    of
}

/// Findings that share a cell, transitively; each group in the order of its first finding.
fn groups(findings: &[Finding]) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..findings.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while let Some(&p) = parent.get(i) {
            if p == i {
                break;
            }
            let grand = parent.get(p).copied().unwrap_or(p);
            if let Some(slot) = parent.get_mut(i) {
                *slot = grand;
            }
            i = p;
        }
        i
    }
    let mut first_with: HashMap<CellId, usize> = HashMap::new();
    for (index, finding) in findings.iter().enumerate() {
        for cell in &finding.cells {
            match first_with.get(cell) {
                Some(&other) => {
                    let (a, b) = (root(&mut parent, index), root(&mut parent, other));
                    if let Some(slot) = parent.get_mut(a.max(b)) {
                        *slot = a.min(b);
                    }
                }
                None => {
                    first_with.insert(*cell, index);
                }
            }
        }
    }
    let mut by_root: Vec<(usize, Vec<usize>)> = Vec::new();
    for index in 0..findings.len() {
        let r = root(&mut parent, index);
        match by_root.iter_mut().find(|(root, _)| *root == r) {
            Some((_, members)) => members.push(index),
            None => by_root.push((r, vec![index])),
        }
    }
    by_root.into_iter().map(|(_, members)| members).collect()
}

/// One group of findings and what blame reads about it.
struct Group<'a> {
    findings: &'a [Finding],
    members: &'a [usize],
    failed: &'a HashMap<(usize, usize), usize>,
    readers: &'a Readers,
    dataset: &'a Dataset,
}

/// What changing one cell to one value does.
struct Trial {
    value: Decimal,
    repairs: Vec<usize>,
    breaks: usize,
}

impl Group<'_> {
    fn explain(&self, probe: &mut Probe<'_>) -> Blame {
        let mut candidates: Vec<Suspect> = Vec::new();
        for cell in self.cells() {
            let Some(printed) = self.printed(cell) else {
                continue;
            };
            let Some(trial) = self.best_trial(probe, cell, printed) else {
                continue;
            };
            let confirmed_by = self.readers.get(cell).len()
                - self
                    .readers
                    .get(cell)
                    .iter()
                    .filter(|at| self.failed.contains_key(at))
                    .count();
            let ((low, open_below), (high, open_above)) = self.widen(probe, cell, &trial);
            let (proposed, slip) =
                proposal(printed, trial.value, (low, high), open_below || open_above);
            let slip = slip.or_else(|| copied(self.dataset, cell, printed));
            let suspect = Suspect {
                cell,
                printed,
                proposed,
                low,
                high,
                open_below,
                open_above,
                repairs: trial.repairs,
                confirmed_by,
                breaks: trial.breaks,
                slip,
            };
            candidates.push(suspect);
        }
        self.choose(candidates)
    }

    /// The figures of the group's findings, each once, in the order the findings name them.
    fn cells(&self) -> Vec<CellId> {
        let mut seen = HashSet::new();
        self.members
            .iter()
            .filter_map(|&i| self.findings.get(i))
            .flat_map(|f| f.cells.iter().copied())
            .filter(|cell| seen.insert(*cell))
            .collect()
    }

    /// The cell's figure as printed; `None` for a figure the text bounds in words (blame
    /// proposes printings, which such a figure is not) or a cell with no figure.
    fn printed(&self, cell: CellId) -> Option<Decimal> {
        let table = self.dataset.tables.get(cell.table)?;
        if table.stated_interval(cell.row, cell.column).is_some() {
            return None;
        }
        table.cell(cell.row, cell.column)?.figure()
    }

    /// The value of the cell that repairs the most failed checks and breaks the fewest
    /// passing ones, among the roots of its failed checks and the origins of slips.
    fn best_trial(&self, probe: &mut Probe<'_>, cell: CellId, printed: Decimal) -> Option<Trial> {
        let mut values = Vec::new();
        for &at in self.readers.get(cell) {
            let Some(difference) = self
                .failed
                .get(&at)
                .and_then(|&i| self.findings.get(i))
                .and_then(|f| f.difference)
            else {
                continue;
            };
            if let Some(value) = solve::root(probe, cell, at, printed, difference) {
                values.push(value);
            }
        }
        if values.is_empty() {
            values = slip::origins(printed);
        }
        values.sort_unstable();
        values.dedup();
        let non_negative = !printed.is_sign_negative();
        values
            .into_iter()
            .filter(|v| !non_negative || !v.is_sign_negative())
            .filter_map(|value| self.trial(probe, cell, value))
            .filter(|trial| !trial.repairs.is_empty())
            .max_by_key(|trial| {
                (
                    trial.repairs.len(),
                    std::cmp::Reverse(trial.breaks),
                    slip::named(printed, trial.value).is_some(),
                )
            })
    }

    /// Every check that reads the cell, decided again with the cell read as `value`.
    fn trial(&self, probe: &mut Probe<'_>, cell: CellId, value: Decimal) -> Option<Trial> {
        let mut repairs = Vec::new();
        let mut breaks = 0;
        for &at in self.readers.get(cell) {
            let verdict = probe.verdict(cell, value, at)?;
            match (self.failed.get(&at), verdict) {
                (Some(&finding), CheckVerdict::Pass) => repairs.push(finding),
                (None, CheckVerdict::Fail(_)) => breaks += 1,
                _ => {}
            }
        }
        Some(Trial {
            value,
            repairs,
            breaks,
        })
    }

    /// The printings either side of the trial's value that repair as much and break as little,
    /// each with whether the search stopped at its reach rather than at a printing that fails.
    fn widen(
        &self,
        probe: &mut Probe<'_>,
        cell: CellId,
        trial: &Trial,
    ) -> ((Decimal, bool), (Decimal, bool)) {
        let step = Decimal::new(1, trial.value.scale());
        let as_good = |probe: &mut Probe<'_>, value: Decimal| {
            self.trial(probe, cell, value)
                .is_some_and(|t| t.repairs.len() == trial.repairs.len() && t.breaks <= trial.breaks)
        };
        let mut bounds = [(trial.value, true), (trial.value, true)];
        for ((bound, open), sign) in bounds.iter_mut().zip([-Decimal::ONE, Decimal::ONE]) {
            for _ in 0..WIDEST {
                let next = bound.checked_add(step * sign);
                match next.filter(|&next| as_good(probe, next)) {
                    Some(next) => *bound = next,
                    None => {
                        *open = false;
                        break;
                    }
                }
            }
        }
        let [low, high] = bounds;
        (low, high)
    }

    /// The answer: the lightest cells that repair the whole group and break nothing; else a
    /// greedy cover of the group.
    fn choose(&self, candidates: Vec<Suspect>) -> Blame {
        let whole = self.members.len();
        // Only a change that breaks no passing check explains anything.
        let mut candidates: Vec<Suspect> =
            candidates.into_iter().filter(|s| s.breaks == 0).collect();
        // A change an editorial slip explains is likelier than one none does: a wrong figure
        // that is a slip of the right one rarely happens by chance.
        let rank = |s: &Suspect| (s.slip.is_none(), s.confirmed_by);
        candidates.sort_by_key(|s| (std::cmp::Reverse(s.repairs.len()), rank(s)));
        let explains = |s: &Suspect| s.repairs.len() == whole;
        if let Some(best) = candidates.first().filter(|s| explains(s)) {
            let best = rank(best);
            let tied = candidates
                .iter()
                .filter(|s| explains(s) && rank(s) == best)
                .count()
                > 1;
            return Blame {
                findings: self.members.to_vec(),
                suspects: candidates,
                exact: true,
                tied,
                budget_hit: false,
            };
        }
        // Greedy: the candidate repairing most of what is left, in turn.
        let mut left: HashSet<usize> = self.members.iter().copied().collect();
        let mut suspects = Vec::new();
        let mut pool = candidates;
        while !left.is_empty() {
            let best = pool
                .iter()
                .enumerate()
                .map(|(i, s)| (i, s.repairs.iter().filter(|r| left.contains(r)).count(), s))
                .filter(|(_, repaired, _)| *repaired > 0)
                .max_by_key(|(_, repaired, s)| (*repaired, std::cmp::Reverse(rank(s))))
                .map(|(i, _, _)| i);
            let Some(index) = best else {
                break;
            };
            let suspect = pool.swap_remove(index);
            for repaired in &suspect.repairs {
                left.remove(repaired);
            }
            suspects.push(suspect);
        }
        Blame {
            findings: self.members.to_vec(),
            suspects,
            exact: false,
            tied: false,
            budget_hit: false,
        }
    }
}

/// The value to propose: where a slip turns the solved value, or a printing of a narrow
/// `[low, high]`, into the printed figure, that printing and the slip; else the solved value.
fn proposal(
    printed: Decimal,
    solved: Decimal,
    (low, high): (Decimal, Decimal),
    open: bool,
) -> (Decimal, Option<Slip>) {
    // In a wide or open interval some slip's origin lands by chance: only a narrow one is
    // evidence.
    let steps = (high - low) / Decimal::new(1, solved.scale());
    if open || steps > Decimal::from(NARROW) {
        return (solved, None);
    }
    if let Some(slip) = slip::named(printed, solved) {
        return (solved, Some(slip));
    }
    if low < high {
        let origin = slip::origins(printed)
            .into_iter()
            .filter(|v| *v >= low && *v <= high)
            .find_map(|v| slip::named(printed, v).map(|slip| (v, slip)));
        if let Some((value, slip)) = origin {
            return (value, Some(slip));
        }
    }
    (solved, None)
}

/// The slip that explains `printed` when it is a neighbour's figure.
fn copied(dataset: &Dataset, cell: CellId, printed: Decimal) -> Option<Slip> {
    let table = dataset.tables.get(cell.table)?;
    let figure = |row: Option<usize>, column: Option<usize>| {
        row.zip(column)
            .and_then(|(row, column)| table.cell(row, column))
            .and_then(Cell::figure)
            .is_some_and(|f| f == printed)
    };
    let (row, column) = (cell.row, cell.column);
    if figure(row.checked_sub(1), Some(column)) || figure(row.checked_add(1), Some(column)) {
        return Some(Slip::CopiedFromNeighbouringRow);
    }
    if figure(Some(row), column.checked_sub(1)) || figure(Some(row), column.checked_add(1)) {
        return Some(Slip::CopiedFromNeighbouringColumn);
    }
    None
}
