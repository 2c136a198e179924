//! Findings → which cell is wrong, and what it should print.
//!
//! One wrong figure fails every check that reads it: a total against its parts, a share, a
//! growth rate, a second printing. Following the Fellegi–Holt principle (R's `errorlocate`,
//! Statistics Canada's Banff), blame looks for the fewest, lightest cells whose change makes
//! every failed check of a group pass and keeps every passing check that reads them passing:
//!
//! 1. Failed checks that share a cell form a group (across tables and the text); one that
//!    reads more than [`WIDEST_JOINED`] cells (a sum over a record file's column) is a group
//!    of its own.
//! 2. Each figure of a group is a candidate. Its weight is one more than the passing checks
//!    that confirm it as printed (a figure more checks agree with is less likely wrong), times
//!    its table's `blame_weight` from `tables.toml` (1 unless set). Only an equality confirms
//!    a figure (or a rule given a `blame_weight`); a passing bound or ranking allows it a range.
//! 3. For each candidate, the values that would repair each failed check it takes part in are
//!    solved for ([`solve`]); where no check determines a value (a ranking), the printings a
//!    slip could have come from are tried ([`slip::origins`]). Each value is judged by running
//!    every check that reads the cell again with the cell read as that value.
//! 4. A single cell that repairs every failed check of its group and breaks none explains the
//!    group. Among such cells, one whose printing a slip explains (two digits swapped …) comes
//!    first (a figure whose sign slipped, `141,770` for `(141,770)`, is tried apart:
//!    [`Group::sign_slipped`]), then the lightest; all of them where they rank the same (a figure printed twice:
//!    either printing may be the wrong one). This search is exact
//!    over single cells. Where no single cell explains the group, pairs are searched, also
//!    exactly ([`pair`]); where no pair does either, a greedy cover is reported instead (the
//!    value that repairs most failed checks and breaks none, then the next for what is
//!    left): a heuristic, and said so. Where no single cell explains it, figures printed a
//!    row (or column) away from their labels, or two neighbouring figures swapped, are tried
//!    too ([`shift`]): a shift that explains the whole group leads the answer.
//! 5. Where one row outside a group's failed sums, which no check adds up with other rows,
//!    prints what each sum's parts lack, it is named beside the answer: a row a draft added
//!    that the rule does not name ([`left_out`]); a column, for sums along rows.
//! 6. The proposal is the value at the cell's printed precision, widened to every printing
//!    that still repairs and breaks nothing (an interval where the checks allow several), and
//!    where a slip explains a printing of the interval, that printing and the slip.
//!
//! A plausibility (soft) edit's finding says a figure is unusual, not that one is wrong: blame
//! leaves it out of every group, and reads no check of a soft rule (a passing one confirms no
//! figure, and a proposal that makes one fail breaks nothing). An editor judges it alone.
//!
//! Every search has a budget ([`BUDGET`] verdicts and [`FIGURE_BUDGET`] figures read per
//! group, [`RUN_FIGURE_BUDGET`] for the run); a group that hits it says so. A group with a figure that a rule of more than
//! [`WIDEST_RULE`] figures reads (a ranking of thousands of rows) is not searched, and says so.

mod left_out;
mod pair;
mod readers;
mod relabel;
mod shift;
mod slip;
mod solve;

pub use left_out::{LeftOut, Line};
pub use relabel::Relabelled;
pub use shift::{Direction, Shifted};
pub use slip::Slip;

use readers::Readers;

use crate::engine::program::{CellId, Program};
use crate::engine::{
    CheckVerdict, Decision, TrialMemo, TrialOutcome, check_cells, decision_with, outcome_with,
    verdict_with,
};
use crate::finding::{Finding, Outcome};
use crate::table::Cell;
use crate::table::label::{Label, LabelPath};
use crate::table::manifest::Dataset;
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use rayon::prelude::*;
use rust_decimal::Decimal;

/// The most checks re-decided for one group of findings.
pub const BUDGET: usize = 20_000;
/// The most figures those checks may read, all told, for one group: a check of a ranking
/// reads every row of it, so re-deciding it costs as much as its rows.
pub const FIGURE_BUDGET: usize = 4_000_000;
/// The most figures read for all groups of a run together, shared out alike among the groups
/// (each gets at most [`FIGURE_BUDGET`]), so that many costly groups cannot add minutes.
pub const RUN_FIGURE_BUDGET: usize = 40_000_000;
/// The most figures a rule's checks may read, all told, for blame to index which checks read
/// a cell. A ranking of 20 000 rows has 20 000 checks each reading 40 000 figures: blame
/// leaves its findings unblamed, and says so, rather than spend minutes.
pub const WIDEST_RULE: usize = 2_000_000;
/// The most cells a finding may read and still join a group with the findings it shares a
/// cell with. Past it, the budget of figures ([`FIGURE_BUDGET`]) re-decides its check fewer
/// times than it reads figures, so a search of the joined group could not try each figure
/// once: a sum over a record file's column (which any of its figures may repair) would join
/// every row's finding into one search cut short, where each row alone is blamed exactly.
pub const WIDEST_JOINED: usize = 2_000;
/// The most findings blamed in one run; past it, blame is left out (and the report says so).
pub const MOST_FINDINGS: usize = 10_000;
/// The most checks a program may expand into for blame to index which checks read a cell.
pub const MOST_CHECKS: usize = 2_000_000;
/// How far a proposal's interval is widened, in steps of its last digit, each way.
const WIDEST: usize = 50;
/// The widest interval (in steps of its last digit) in which a slip's origin names the slip.
const NARROW: u32 = 10;
/// The fewest digits of a figure that a neighbour's equal figure names a copy of: `15` beside
/// `15`, `0.4` beside `0.4` or `0.0` beside `0.0` are as often chance, and named a slip they
/// put a figure that was right ahead of the wrong one.
const FEWEST_DIGITS_COPIED: u32 = 3;

/// The explanation of a group of failed checks that share cells.
#[derive(Debug, Clone, Default)]
pub struct Blame {
    /// The findings of the group (indices into the outcome's findings).
    pub findings: Vec<usize>,
    /// The cells to fix, most likely first; several equally good ones when `tied`.
    pub suspects: Vec<Suspect>,
    /// Whether one cell explains the whole group (exact); `false`: a pair or a greedy cover.
    pub exact: bool,
    /// Whether two cells changed together explain the whole group (no one does): the first
    /// two suspects, searched exactly over pairs.
    pub pair: bool,
    /// Whether the first suspects are equally good explanations (either may be wrong).
    pub tied: bool,
    /// Whether the search stopped at its budget.
    pub budget_hit: bool,
    /// How many suspects make up the answer: the first where one cell explains the group, the
    /// tied ones where several do equally well, every suspect of a greedy cover.
    pub leading: usize,
    /// Where no figure, nor pair, explains the group: rows whose figures another printing
    /// of the row prints under another label ([`relabel`]).
    pub relabelled: Vec<Relabelled>,
    /// A row (or column) of a table that each failed sum of the group over that table's rows
    /// (or columns) leaves out, and would hold with, and that no check adds up with other rows
    /// (or columns) ([`left_out`]): a row a draft added that the rules do not name.
    pub left_out: Option<LeftOut>,
    /// Where no figure explains the group: figures printed one row (or column) away from
    /// their labels, or two neighbouring figures swapped ([`shift`]); its cells lead the
    /// suspects.
    pub shifted: Option<Shifted>,
    /// Candidates whose best value repairs a failed check but makes a passing one fail: not
    /// suspects, kept so that `explain` can show why.
    pub rejected: Vec<Suspect>,
    /// Candidates no value of which repairs a failed check of the group.
    pub unrepairable: Vec<CellId>,
    /// Figures of the group blame proposes no printing for: one the text bounds in words
    /// (`近 90%`), one of a column declared in thousands. Such a figure may be the wrong one:
    /// the report names it beside the answer.
    pub unweighed: Vec<CellId>,
    /// Checks re-decided for the group: at most [`BUDGET`] by the search over figures, and
    /// at most as many more by the search for a shift ([`shift`]).
    pub spent: usize,
    /// A figure of the group is read by a rule whose checks read more than [`WIDEST_RULE`]
    /// figures: no search was made.
    pub too_wide: bool,
}

impl Blame {
    /// Two cells that together explain the group lead, before the rest of the suspects.
    fn set_pair(&mut self, pair: [Suspect; 2]) {
        let cells: Vec<CellId> = pair.iter().map(|s| s.cell).collect();
        self.suspects.retain(|s| !cells.contains(&s.cell));
        self.suspects.splice(0..0, pair);
        self.pair = true;
        self.tied = false;
        self.leading = 2;
    }

    /// A shift that explains the group leads: its cells, before the rest of the suspects.
    fn set_shift(&mut self, shifted: Shifted, cells: Vec<Suspect>) {
        let ids: Vec<CellId> = cells.iter().map(|s| s.cell).collect();
        self.suspects.retain(|s| !ids.contains(&s.cell));
        self.leading = cells.len();
        self.suspects.splice(0..0, cells);
        self.pair = false;
        self.tied = false;
        self.shifted = Some(shifted);
    }

    /// The suspects that make up the answer (see [`Blame::leading`]).
    pub fn answer(&self) -> &[Suspect] {
        self.suspects.get(..self.leading).unwrap_or(&self.suspects)
    }
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
    /// Passing checks that read it as printed and pin it: equalities, and the checks of a
    /// rule given a `blame_weight` above 1 (a passing bound allows a range).
    pub confirmed_by: usize,
    /// One more than `confirmed_by`, times its table's `blame_weight`: the lighter, the likelier
    /// wrong.
    pub weight: u64,
    /// Passing checks the proposal would make fail.
    pub breaks: usize,
    pub slip: Option<Slip>,
    /// The neighbour whose figure it takes, where a shift moves the figure back
    /// ([`shift`]): the proposal prints as that cell prints it.
    pub moved_from: Option<CellId>,
}

/// Re-decides checks with one cell read as another figure, counting against a budget.
pub struct Probe<'a> {
    dataset: &'a Dataset,
    program: &'a Program,
    readers: &'a Readers,
    spent: usize,
    figures_read: usize,
    /// The figures this group may read: [`FIGURE_BUDGET`], or what the run has left.
    figure_budget: usize,
    /// Whether every failing check is among the findings; if not (a baseline knew some, or
    /// `--max-findings` left some out), which checks outside them fail as printed.
    complete: bool,
    failing_as_printed: HashMap<(usize, usize), bool>,
    /// Cells read as other figures in every verdict: the first figure of a pair.
    fixed: Vec<(CellId, Cell)>,
    /// What the trials keep between verdicts ([`TrialMemo`]): one for the run, shared by
    /// every group's probes, since a passing check read by the cells of several groups, and
    /// a group's checks searched again for a shift, are worked out alike.
    memo: &'a TrialMemo,
}

impl<'a> Probe<'a> {
    /// A probe that has spent nothing yet, with `figure_budget` figures to read.
    fn new(
        dataset: &'a Dataset,
        program: &'a Program,
        readers: &'a Readers,
        figure_budget: usize,
        complete: bool,
        memo: &'a TrialMemo,
    ) -> Self {
        Probe {
            dataset,
            program,
            readers,
            spent: 0,
            figures_read: 0,
            figure_budget,
            complete,
            failing_as_printed: HashMap::new(),
            fixed: Vec::new(),
            memo,
        }
    }

    /// Whether a check that is no finding passes as printed: with a baseline or a cap on the
    /// findings, a check may fail without being one, and it is no confirmation, nor broken by
    /// a change.
    fn passes_as_printed(&mut self, at: (usize, usize)) -> bool {
        if self.complete {
            return true;
        }
        let (dataset, program, memo) = (self.dataset, self.program, self.memo);
        let fails = *self
            .failing_as_printed
            .entry(at)
            .or_insert_with(|| decision_with(dataset, program, at, &[], memo) == Decision::Fail);
        !fails
    }

    fn spent_all(&self) -> bool {
        self.spent >= BUDGET || self.figures_read >= self.figure_budget
    }

    /// The verdict of a check with `cell` read as `value` (and the fixed cells as theirs);
    /// `None` once the budget is spent or where the value cannot be a cell's figure.
    pub fn verdict(
        &mut self,
        cell: CellId,
        value: Decimal,
        at: (usize, usize),
    ) -> Option<CheckVerdict> {
        let replaced = self.charge(cell, value, at)?;
        Some(verdict_with(
            self.dataset,
            self.program,
            at,
            &replaced,
            self.memo,
        ))
    }

    /// [`Probe::verdict`] with only a failed check's difference of its finding.
    pub fn outcome(
        &mut self,
        cell: CellId,
        value: Decimal,
        at: (usize, usize),
    ) -> Option<TrialOutcome> {
        let replaced = self.charge(cell, value, at)?;
        Some(outcome_with(
            self.dataset,
            self.program,
            at,
            &replaced,
            self.memo,
        ))
    }

    /// [`Probe::verdict`] without the finding of a failed check: whether it passes.
    pub fn decision(
        &mut self,
        cell: CellId,
        value: Decimal,
        at: (usize, usize),
    ) -> Option<Decision> {
        let replaced = self.charge(cell, value, at)?;
        Some(decision_with(
            self.dataset,
            self.program,
            at,
            &replaced,
            self.memo,
        ))
    }

    /// The checks `at` charged to the budget one by one as [`Probe::decision`] charges each,
    /// and the cells they read as other figures; `None` where the budget runs out on one of
    /// them or the value cannot be the cell's figure (and no check was charged: an empty
    /// list).
    fn charge_all(
        &mut self,
        cell: CellId,
        value: Decimal,
        at: &[(usize, usize)],
    ) -> Option<Vec<(CellId, Cell)>> {
        let mut replaced = Vec::new();
        for (index, &at) in at.iter().enumerate() {
            if index == 0 {
                replaced = self.charge(cell, value, at)?;
            } else {
                self.charge_only(at)?;
            }
        }
        Some(replaced)
    }

    /// Whether a check passes with `replaced` (charged for by [`Probe::charge_all`]).
    fn decided(&self, replaced: &[(CellId, Cell)], at: (usize, usize)) -> Decision {
        decision_with(self.dataset, self.program, at, replaced, self.memo)
    }

    /// One verdict counted against the budget; `None` once the budget is spent.
    fn charge_only(&mut self, (rule, check): (usize, usize)) -> Option<()> {
        if self.spent_all() {
            return None;
        }
        self.spent += 1;
        self.figures_read += self.readers.width(rule, check);
        Some(())
    }

    /// One verdict counted against the budget, and the cells it reads as other figures;
    /// `None` once the budget is spent or where the value cannot be a cell's figure.
    fn charge(
        &mut self,
        cell: CellId,
        value: Decimal,
        (rule, check): (usize, usize),
    ) -> Option<Vec<(CellId, Cell)>> {
        self.charge_only((rule, check))?;
        let replacement = replacement(self.dataset, cell, value)?;
        let mut replaced = Vec::with_capacity(1 + self.fixed.len());
        replaced.push((cell, replacement));
        replaced.extend_from_slice(&self.fixed);
        Some(replaced)
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
    // A plausibility (soft) edit says a figure is unusual, not that it is wrong: its findings
    // form no group, and its checks neither confirm a figure nor count as broken.
    let hard = |f: &Finding| {
        !program
            .rules
            .get(f.rule)
            .is_some_and(|r| r.severity.is_soft())
    };
    // A figure of a column declared in thousands is not its value as printed, and blame
    // proposes printings: a finding that reads one forms no group (rather than a group that
    // blames the figures around it for what that figure may explain alone).
    let in_scaled_column = |f: &Finding| {
        f.cells.iter().any(|c| {
            dataset
                .tables
                .get(c.table)
                .is_some_and(|t| t.column_power(c.column) > 0)
        })
    };
    let hard = |f: &Finding| hard(f) && !in_scaled_column(f);
    if !findings.iter().any(hard) {
        return Vec::new();
    }
    let wanted: HashSet<CellId> = findings
        .iter()
        .filter(|f| hard(f))
        .flat_map(|f| f.cells.clone())
        .collect();
    let readers = Readers::of(dataset, program, &wanted);
    let failed = failed_checks(findings);
    let groups = groups(findings, hard);
    // The run's budget shared out alike, so that groups are searched in parallel and the
    // result never depends on which finished first. A group a task: the book's 32 take from
    // 0.01 to 0.5 ms each, and grouped in fewer tasks two costly ones could share a core
    // while the other waited.
    let figure_budget = FIGURE_BUDGET.min(RUN_FIGURE_BUDGET / groups.len().max(1));
    let complete = outcome.known == 0 && outcome.findings_left_out == 0;
    let memo = TrialMemo::default();
    let blames = groups
        .into_par_iter()
        .with_max_len(1)
        .map(|group| {
            let wide = group
                .iter()
                .filter_map(|&i| findings.get(i))
                .any(|f| f.cells.iter().any(|c| readers.too_wide.contains(c)));
            if wide {
                return Blame {
                    findings: group,
                    too_wide: true,
                    ..Blame::default()
                };
            }
            let mut probe = Probe::new(dataset, program, &readers, figure_budget, complete, &memo);
            let context = Group {
                findings,
                members: &group,
                failed: &failed,
                readers: &readers,
                dataset,
            };
            let mut blame = context.explain(&mut probe);
            blame.budget_hit = probe.spent_all();
            blame.spent = probe.spent;
            blame
        })
        .collect();
    let mut blames = pair::absorb(blames);
    // Several figures wrong at once may be one slip: figures printed a row off. Tried once a
    // pair has drawn in the groups it repairs (two rows swapped fail two checks that share no
    // figure), with a budget of its own; a search it cuts short names no shift.
    blames
        .par_iter_mut()
        .with_max_len(1)
        .filter(|b| !b.exact && !b.too_wide)
        .for_each(|blame| {
            let mut probe = Probe::new(dataset, program, &readers, figure_budget, complete, &memo);
            let context = Group {
                findings,
                members: &blame.findings,
                failed: &failed,
                readers: &readers,
                dataset,
            };
            if let Some((shifted, cells)) = context.shift(&mut probe) {
                blame.set_shift(shifted, cells);
            }
            blame.spent = blame.spent.saturating_add(probe.spent);
        });
    for blame in blames
        .iter_mut()
        .filter(|b| !b.exact && !b.pair && b.shifted.is_none())
    {
        blame.relabelled = relabel::relabelled(dataset, findings, blame);
    }
    name_lines_left_out(dataset, program, findings, &mut blames);
    blames
}

/// Each group's row (or column) left out of its failed sums ([`left_out`]), where no check adds
/// it up with other rows of its column (or columns of its row). The checks that read a
/// candidate's cells are looked for only where a group has one.
fn name_lines_left_out(
    dataset: &Dataset,
    program: &Program,
    findings: &[Finding],
    blames: &mut [Blame],
) {
    let mut candidates: Vec<Option<LeftOut>> = blames
        .iter()
        .map(|b| (!b.too_wide).then(|| left_out::candidate(dataset, findings, b))?)
        .collect();
    left_out::enough_rows(&mut candidates);
    let wanted: HashSet<CellId> = candidates
        .iter()
        .flatten()
        .flat_map(|c| c.cells.iter().copied())
        .collect();
    if wanted.is_empty() {
        return;
    }
    let readers = Readers::of(dataset, program, &wanted);
    // Read within its row (its growth rate) or beside another table's printing, the row may
    // still be added up by no check: only a check that reads another row of its column would
    // (for a column, another column of its row).
    let added_up = |line: left_out::Line, cell: &CellId| {
        readers.too_wide.contains(cell)
            || readers.get(*cell).iter().any(|&(rule, check)| {
                check_cells(dataset, program, rule, check)
                    .iter()
                    .any(|c| line.beside(*cell, *c))
            })
    };
    for (blame, candidate) in blames.iter_mut().zip(candidates) {
        blame.left_out = candidate.filter(|c| !c.cells.iter().any(|cell| added_up(c.line, cell)));
    }
}

/// Each failed check, by its rule and check, to the index of its finding.
fn failed_checks(findings: &[Finding]) -> HashMap<(usize, usize), usize> {
    findings
        .iter()
        .enumerate()
        .map(|(index, f)| ((f.rule, f.check), index))
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

/// The `hard` findings that share a cell, transitively; each group in the order of its first
/// finding. A finding that reads more than [`WIDEST_JOINED`] cells is a group of its own.
fn groups(findings: &[Finding], hard: impl Fn(&Finding) -> bool) -> Vec<Vec<usize>> {
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
    let joins = |f: &Finding| hard(f) && f.cells.len() <= WIDEST_JOINED;
    for (index, finding) in findings.iter().enumerate().filter(|(_, f)| joins(f)) {
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
    // Each root's group, by the root (a finding's index): found at once, where a search
    // through the groups made so far was quadratic (10 000 findings took 24 ms).
    let mut group_of: Vec<Option<usize>> = vec![None; findings.len()];
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (index, _) in findings.iter().enumerate().filter(|(_, f)| hard(f)) {
        let r = root(&mut parent, index);
        match group_of.get(r).copied().flatten() {
            Some(group) => {
                if let Some(members) = groups.get_mut(group) {
                    members.push(index);
                }
            }
            None => {
                if let Some(slot) = group_of.get_mut(r) {
                    *slot = Some(groups.len());
                }
                groups.push(vec![index]);
            }
        }
    }
    groups
}

/// One group of findings and what blame reads about it.
struct Group<'a> {
    findings: &'a [Finding],
    members: &'a [usize],
    failed: &'a HashMap<(usize, usize), usize>,
    readers: &'a Readers,
    dataset: &'a Dataset,
}

/// Where each of a group's cells comes in the order its findings name them: for a large
/// group, found in a map rather than by a scan of the cells per comparison, for a check over
/// 10⁵ records leaves most of its cells unrepairable, and sorting them so took seconds.
enum Order<'c> {
    Scanned(&'c [CellId]),
    Mapped(HashMap<CellId, usize>),
}

/// Cells of a group whose order is found by a scan: a map costs more to make than it saves.
const ORDER_SCANNED: usize = 64;

impl<'c> Order<'c> {
    fn of(cells: &'c [CellId]) -> Self {
        if cells.len() <= ORDER_SCANNED {
            return Order::Scanned(cells);
        }
        let mut places = HashMap::with_capacity(cells.len());
        for (at, &cell) in cells.iter().enumerate() {
            places.entry(cell).or_insert(at);
        }
        Order::Mapped(places)
    }

    fn place(&self, cell: CellId) -> Option<usize> {
        match self {
            Order::Scanned(cells) => cells.iter().position(|&c| c == cell),
            Order::Mapped(places) => places.get(&cell).copied(),
        }
    }
}

/// What changing one cell to one value does.
#[derive(Debug, PartialEq)]
struct Trial {
    value: Decimal,
    repairs: Vec<usize>,
    breaks: usize,
}

impl Group<'_> {
    fn explain(&self, probe: &mut Probe<'_>) -> Blame {
        let mut candidates: Vec<Suspect> = Vec::new();
        let mut unrepairable = Vec::new();
        let mut unweighed = Vec::new();
        // The cheapest to re-decide first, so a budget spent on one costly figure (a value of
        // a wide ranking) does not keep the cheap ones from being tried.
        let cells = self.cells();
        let cost = |cell: &CellId| -> usize {
            self.readers
                .get(*cell)
                .iter()
                .map(|&(rule, check)| self.readers.width(rule, check))
                .sum()
        };
        let mut by_cost = cells.clone();
        by_cost.sort_by_key(cost);
        for cell in by_cost {
            if self.unweighable(cell) {
                unweighed.push(cell);
                continue;
            }
            let Some(printed) = self.printed(cell) else {
                continue;
            };
            let solved = self.solved(probe, cell, printed);
            // Only where the checks ask for a figure of the other sign is its flip tried.
            let other_sign =
                |v: &Decimal| !v.is_zero() && v.is_sign_negative() != printed.is_sign_negative();
            if solved.iter().any(other_sign)
                && let Some(flipped) = self.sign_slipped(probe, cell, printed)
            {
                candidates.push(flipped);
                continue;
            }
            let Some(trial) = self.best_trial(probe, cell, printed, solved) else {
                unrepairable.push(cell);
                continue;
            };
            let (confirmed_by, weight) = self.weigh(probe, cell);
            // A value that makes a passing check fail is no suspect: not worth widening.
            let ((low, open_below), (high, open_above)) = if trial.breaks == 0 {
                self.widen(probe, cell, &trial)
            } else {
                ((trial.value, false), (trial.value, false))
            };
            let (proposed, slip) =
                proposal(printed, trial.value, (low, high), open_below || open_above);
            let slip = slip.or_else(|| copied(self.dataset, cell, printed));
            let suspect = Suspect {
                weight,
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
                moved_from: None,
            };
            candidates.push(suspect);
        }
        // Back in the order the findings name them, which breaks ties between equals.
        let order = Order::of(&cells);
        candidates.sort_by_key(|s| order.place(s.cell));
        unrepairable.sort_by_key(|&cell| order.place(cell));
        unweighed.sort_by_key(|&cell| order.place(cell));
        let mut singles = candidates.clone();
        singles.sort_by_key(|s| s.weight);
        let mut blame = self.choose(candidates);
        blame.unrepairable = unrepairable;
        blame.unweighed = unweighed;
        if !blame.exact
            && let Some(pair) = self.pair(probe, &singles)
        {
            blame.set_pair(pair);
        }
        blame
    }

    /// The cell as a figure whose sign slipped (`141,770` for `(141,770)`, `1.6` for `-1.6`):
    /// where the figure with its sign flipped, and no other value, is proven as the other
    /// slips are — it repairs every failed check of the group, breaks none, and the checks
    /// pin it to a narrow interval. Tried where a check solves for a figure of the other sign,
    /// apart from [`Self::best_trial`], which proposes no negative value for a figure printed
    /// positive: a sign flip is a slip, not a value the checks found by chance.
    fn sign_slipped(
        &self,
        probe: &mut Probe<'_>,
        cell: CellId,
        printed: Decimal,
    ) -> Option<Suspect> {
        let readers = self.readers.get(cell);
        let read_by_all = self.members.iter().all(|&member| {
            self.findings
                .get(member)
                .is_some_and(|f| readers.contains(&(f.rule, f.check)))
        });
        if printed.is_zero() || !read_by_all {
            return None;
        }
        // A positive figure may have lost its sign only where its column can print a negative:
        // it prints one, or its format declares negatives in parentheses (accounts). A count
        // of contracts printed `1` never slipped from −1.
        let may_be_negative = printed.is_sign_negative()
            || self.dataset.tables.get(cell.table).is_some_and(|table| {
                table.prints_negatives(cell.column)
                    || table.declared_format(cell.column).is_some_and(|f| {
                        f.negatives.contains(&crate::format::Negative::Parentheses)
                    })
            });
        if !may_be_negative {
            return None;
        }
        let flipped = -printed;
        let whole = self.members.len();
        let hopeless = |most_repairs, breaks| most_repairs < whole || breaks > 0;
        let trial = self.trial_unless(probe, cell, flipped, hopeless)??;
        if trial.repairs.len() != whole || trial.breaks > 0 {
            return None;
        }
        let ((low, open_below), (high, open_above)) = self.widen(probe, cell, &trial);
        let steps = (high - low) / Decimal::new(1, flipped.scale());
        if open_below || open_above || steps > Decimal::from(NARROW) {
            return None;
        }
        let slip = slip::sign(
            printed,
            flipped,
            self.negative_in_parentheses(cell, printed),
        );
        let (confirmed_by, weight) = self.weigh(probe, cell);
        Some(Suspect {
            weight,
            cell,
            printed,
            proposed: flipped,
            low,
            high,
            open_below,
            open_above,
            repairs: trial.repairs,
            confirmed_by,
            breaks: 0,
            slip,
            moved_from: None,
        })
    }

    /// Whether the negative of the cell's figure and its flip prints in parentheses: the
    /// figure's own printing where it is negative, else the first negative its column
    /// declares (as the proposal prints, [`crate::format::print::print_declared`]).
    fn negative_in_parentheses(&self, cell: CellId, printed: Decimal) -> bool {
        let Some(table) = self.dataset.tables.get(cell.table) else {
            return false;
        };
        let Some(format) = table.declared_format(cell.column) else {
            return false;
        };
        let text = table
            .cell_span(cell.row, cell.column)
            .map(|span| table.printed(span))
            .unwrap_or_default();
        let negative = if printed.is_sign_negative() {
            text
        } else {
            let model = table.sign_model(cell.column, &text, -printed);
            let like = model.as_deref().unwrap_or(&text);
            crate::format::print::print_declared(format, like, -printed).unwrap_or_default()
        };
        negative.trim_start().starts_with('(')
    }

    /// How many passing checks confirm the cell as printed, and its weight: one more than
    /// those (each counted its rule's `blame_weight` times), times its table's `blame_weight`.
    /// Only an equality confirms a figure, or a rule trusted more (`blame_weight` above 1): a
    /// passing bound (`其中：宁波 <= 浙江`) or ranking allows the figure a range, and a figure
    /// wrong by 10 % is in it as often as not.
    fn weigh(&self, probe: &mut Probe<'_>, cell: CellId) -> (usize, u64) {
        let program = probe.program;
        let pins = |&(rule, _): &(usize, usize)| {
            program
                .rules
                .get(rule)
                .is_some_and(|r| r.work.states_an_equality() || r.blame_weight.get() > 1)
        };
        let confirming: Vec<(usize, usize)> = self
            .readers
            .get(cell)
            .iter()
            .copied()
            .filter(pins)
            .filter(|at| !self.failed.contains_key(at) && probe.passes_as_printed(*at))
            .collect();
        // A check of a rule with a `blame_weight` counts that many times.
        let counted: u64 = confirming
            .iter()
            .map(|&(rule, _)| {
                probe
                    .program
                    .rules
                    .get(rule)
                    .map_or(1, |r| u64::from(r.blame_weight.get()))
            })
            .fold(0, u64::saturating_add);
        let trust = self
            .dataset
            .tables
            .get(cell.table)
            .and_then(|t| t.meta.blame_weight)
            .map_or(1, |w| u64::from(w.get()));
        let weight = counted.saturating_add(1).saturating_mul(trust);
        let confirmed_by = confirming.len();
        (confirmed_by, weight)
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

    /// Whether blame proposes no printing for the cell: a figure the text bounds in words
    /// (blame proposes printings, which such a figure is not), or a figure of a column
    /// declared in thousands (whose printing is not its value: blame does not propose one
    /// yet).
    fn unweighable(&self, cell: CellId) -> bool {
        self.dataset.tables.get(cell.table).is_some_and(|table| {
            table.stated_interval(cell.row, cell.column).is_some()
                || table.column_power(cell.column) > 0
        })
    }

    /// The cell's figure as printed; `None` for an [`Self::unweighable`] figure or a cell with
    /// no figure.
    fn printed(&self, cell: CellId) -> Option<Decimal> {
        if self.unweighable(cell) {
            return None;
        }
        let table = self.dataset.tables.get(cell.table)?;
        table.cell(cell.row, cell.column)?.figure()
    }

    /// The values of the cell that would repair each failed check it takes part in, every
    /// other figure as printed: the roots of its checks ([`solve`]), any sign.
    fn solved(&self, probe: &mut Probe<'_>, cell: CellId, printed: Decimal) -> Vec<Decimal> {
        let mut values = Vec::new();
        for &at in self.readers.get(cell) {
            let Some(finding) = self.failed.get(&at).and_then(|&i| self.findings.get(i)) else {
                continue;
            };
            // The published figure of a check should print what the other figures give: a
            // ranking's rank, a total's printing.
            if finding.published.is_some() && finding.cells.first() == Some(&cell) {
                values.extend(solve::inside(&finding.expected, printed.scale()));
            }
            let Some(difference) = finding.difference else {
                continue;
            };
            if let Some(value) = solve::root(probe, cell, at, printed, difference) {
                values.push(value);
            }
        }
        values
    }

    /// The value of the cell that repairs the most failed checks and breaks the fewest
    /// passing ones, among the values `solved` for its failed checks and, where none is, the
    /// origins of slips; of values alike, the last.
    fn best_trial(
        &self,
        probe: &mut Probe<'_>,
        cell: CellId,
        printed: Decimal,
        mut values: Vec<Decimal>,
    ) -> Option<Trial> {
        if values.is_empty() {
            values = slip::origins(printed);
        }
        type Rank = (usize, std::cmp::Reverse<usize>, bool);
        let mut best: Option<(Rank, Trial)> = None;
        for value in at_precision(values, printed) {
            let named = slip::named(printed, value).is_some();
            let rank = |repairs: usize, breaks: usize| (repairs, std::cmp::Reverse(breaks), named);
            // A value that repairs nothing is none; one that cannot rank with the best so far
            // loses to it.
            let hopeless = |most_repairs: usize, breaks: usize| {
                most_repairs == 0
                    || best
                        .as_ref()
                        .is_some_and(|(kept, _)| rank(most_repairs, breaks) < *kept)
            };
            let Some(Some(trial)) = self.trial_unless(probe, cell, value, hopeless) else {
                continue;
            };
            let ranked = rank(trial.repairs.len(), trial.breaks);
            if !trial.repairs.is_empty() && best.as_ref().is_none_or(|(kept, _)| ranked >= *kept) {
                best = Some((ranked, trial));
            }
        }
        best.map(|(_, trial)| trial)
    }

    /// Every check that reads the cell, decided again with the cell read as `value`: the
    /// failed checks first, given up (`Some(None)`) once
    /// `hopeless` says that a trial repairing at most so many of them and breaking so many
    /// passing checks is of no use. Every check is charged to the budget all the same, in the
    /// order the cell's readers list them, so that the budget spent, and where it runs out
    /// (`None`), do not depend on which trials were given up.
    fn trial_unless(
        &self,
        probe: &mut Probe<'_>,
        cell: CellId,
        value: Decimal,
        hopeless: impl Fn(usize, usize) -> bool,
    ) -> Option<Option<Trial>> {
        let readers = self.readers.get(cell);
        let replaced = probe.charge_all(cell, value, readers)?;
        let failed = readers
            .iter()
            .filter_map(|at| Some((*at, *self.failed.get(at)?)));
        let mut most_repairs = failed.clone().count();
        let mut repairs = Vec::new();
        for (at, finding) in failed {
            if hopeless(most_repairs, 0) {
                return Some(None);
            }
            if probe.decided(&replaced, at) == Decision::Pass {
                repairs.push(finding);
            } else {
                most_repairs -= 1;
            }
        }
        let mut breaks = 0;
        let passing = readers.iter().filter(|at| !self.failed.contains_key(at));
        for &at in passing {
            if hopeless(most_repairs, breaks) {
                return Some(None);
            }
            if probe.decided(&replaced, at) == Decision::Fail && probe.passes_as_printed(at) {
                breaks += 1;
            }
        }
        Some(Some(Trial {
            value,
            repairs,
            breaks,
        }))
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
        let (repairs, breaks) = (trial.repairs.len(), trial.breaks);
        let as_good = |probe: &mut Probe<'_>, value: Decimal| {
            let hopeless = |most_repairs, broken| most_repairs < repairs || broken > breaks;
            self.trial_unless(probe, cell, value, hopeless)
                .flatten()
                .is_some_and(|t| t.repairs.len() == repairs && t.breaks <= breaks)
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
        let (mut candidates, rejected): (Vec<Suspect>, Vec<Suspect>) =
            candidates.into_iter().partition(|s| s.breaks == 0);
        // A change an editorial slip explains is likelier than one none does: a wrong figure
        // that is a slip of the right one rarely happens by chance.
        let rank = |s: &Suspect| (s.slip.is_none(), s.weight);
        candidates.sort_by_key(|s| (std::cmp::Reverse(s.repairs.len()), rank(s)));
        let explains = |s: &Suspect| s.repairs.len() == whole;
        if let Some(best) = candidates.first().filter(|s| explains(s)) {
            let best = rank(best);
            let leading = candidates
                .iter()
                .filter(|s| explains(s) && rank(s) == best)
                .count();
            return Blame {
                findings: self.members.to_vec(),
                suspects: candidates,
                exact: true,
                tied: leading > 1,
                leading,
                rejected,
                ..Blame::default()
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
        // What the cover left in the pool is kept, after it, as weaker explanations.
        let leading = suspects.len();
        suspects.extend(pool);
        Blame {
            findings: self.members.to_vec(),
            suspects,
            exact: false,
            leading,
            rejected,
            ..Blame::default()
        }
    }
}

/// `cell` read as `value`: exact where the cell is.
fn replacement(dataset: &Dataset, cell: CellId, value: Decimal) -> Option<Cell> {
    let exact = dataset
        .tables
        .get(cell.table)
        .and_then(|t| t.cell(cell.row, cell.column))
        .is_some_and(Cell::is_exact);
    Cell::value(value, exact)
}

/// The values at the printed precision (`2` for a figure printed `2.6` is `2.0`, and its
/// neighbours are a tenth away, not a unit), each once, in order; none below zero for a figure
/// printed at or above it.
fn at_precision(values: Vec<Decimal>, printed: Decimal) -> Vec<Decimal> {
    let scale = printed.scale();
    let non_negative = !printed.is_sign_negative();
    let mut values: Vec<Decimal> = values
        .into_iter()
        .map(|v| {
            let mut v = v.round_dp(scale);
            v.rescale(scale);
            v
        })
        .filter(|v| !non_negative || !v.is_sign_negative())
        .collect();
    values.sort_unstable();
    values.dedup();
    values
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
    // No slip: the middle of what the checks allow, not whichever end the search met first.
    let middle = low
        .checked_add(high)
        .and_then(|sum| sum.checked_div(Decimal::TWO))
        .map_or(solved, |m| m.round_dp(solved.scale()));
    (middle, None)
}

/// The slip that explains `printed` when it is last year's figure of the same row or column,
/// or a neighbour's figure, and has digits enough ([`FEWEST_DIGITS_COPIED`]) not to be one by
/// chance.
fn copied(dataset: &Dataset, cell: CellId, printed: Decimal) -> Option<Slip> {
    let digits = printed
        .mantissa()
        .unsigned_abs()
        .checked_ilog10()
        .map_or(0, |d| d + 1);
    if digits < FEWEST_DIGITS_COPIED {
        return None;
    }
    if last_years(dataset, cell, printed) {
        return Some(Slip::LastYearsFigureLeftIn);
    }
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

/// Whether `printed`, in a column (or row) of the data's year, is the figure the prior year's
/// column (or row) prints beside it: `2021年/金额` against `2020年/金额`. Not looked for among
/// a long record file's rows ([`crate::table::Table::holds_row_labels`]): a unit's id that
/// names the year (`2021-0042`) would have each of its million rows labelled to find one.
fn last_years(dataset: &Dataset, cell: CellId, printed: Decimal) -> bool {
    let (Some(year), Some(table)) = (dataset.year, dataset.tables.get(cell.table)) else {
        return false;
    };
    let (current, prior) = (year.to_string(), (year - 1).to_string());
    let years = (current.as_str(), prior.as_str());
    let prints =
        |row: usize, column: usize| table.cell(row, column).and_then(Cell::figure) == Some(printed);
    table
        .columns()
        .get(cell.column)
        .and_then(|path| prior_line(path, || table.columns(), years))
        .is_some_and(|column| prints(cell.row, column))
        || table.holds_row_labels()
            && table
                .row(cell.row)
                .and_then(|path| prior_line(&path, || table.rows(), years))
                .is_some_and(|row| prints(row, cell.column))
}

/// Where among its lines (`lines`) the prior year's line of `path` is, where `path` names the
/// data's year: the lines are searched only then (a record file's rows are labelled on
/// demand).
fn prior_line<'t>(
    path: &LabelPath,
    lines: impl FnOnce() -> &'t [LabelPath],
    (current, prior): (&str, &str),
) -> Option<usize> {
    // Asked of every cell of every finding: its labels' keys are copied only where one names
    // the year.
    let names_the_year = |label: &Label| label.key().contains(current);
    if !path.labels().iter().any(names_the_year) {
        return None;
    }
    let wanted: Vec<String> = path
        .keys()
        .iter()
        .map(|k| k.replace(current, prior))
        .collect();
    // Compared label by label: most paths differ in their first label's length, and most
    // labels (the text's sentences) in their first characters, told before their key is made.
    lines().iter().position(|line| {
        line.labels().len() == wanted.len()
            && line
                .labels()
                .iter()
                .zip(&wanted)
                .all(|(label, key)| may_have_key(label.text(), key) && label.key() == key.as_str())
    })
}

/// Whether `text`, its whitespace left out, starts with `key`. A label's key is its text cut
/// before its unit and footnote marker, its whitespace left out ([`Label::key`]): a prefix of
/// its whole text so read. A label whose text does not start so has another key, told
/// without copying the text (a sentence of the text) to normalize it.
fn may_have_key(text: &str, key: &str) -> bool {
    let mut read = text.chars().filter(|c| !c.is_whitespace());
    key.chars().all(|k| read.next() == Some(k))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A long record file whose units' ids name the data's year (`u7-2021`): whether a figure
    /// is last year's is asked without labelling every row, where it once made all 30 000
    /// labels (10⁶ took 55 MB more, 2.66× the file, for one failed row so named).
    #[test]
    fn last_years_row_is_not_looked_for_among_a_record_files_rows() {
        let (_dir, dataset) =
            crate::table::long_record_file(|row| format!("u{row}-2021"), "year = 2021\n\n");
        let table = &dataset.tables[0];
        let cell = CellId {
            table: 0,
            row: 7,
            column: 2,
        };
        assert!(!last_years(&dataset, cell, Decimal::new(30, 1)));
        assert!(!table.all_row_labels_made());
    }

    /// A group of a check over 100 000 records: its cells sorted back into the order its
    /// findings name them, whatever order they come in (each found by a scan of the group's
    /// cells, sorting them had not ended after a minute in a test build; 10.8 s in a release).
    #[test]
    fn a_large_groups_cells_are_put_back_in_the_order_named() {
        let cell = |row| CellId {
            table: 0,
            row,
            column: 1,
        };
        let named: Vec<CellId> = (0..100_000).map(|n| cell((n * 7_919) % 100_000)).collect();
        let order = Order::of(&named);
        let mut sorted: Vec<CellId> = (0..100_000).rev().map(cell).collect();
        sorted.sort_by_key(|&c| order.place(c));
        assert_eq!(sorted, named);
        assert_eq!(order.place(cell(100_000)), None);
        let few = &named[..ORDER_SCANNED];
        let mut sorted: Vec<CellId> = few.iter().rev().copied().collect();
        let order = Order::of(few);
        sorted.sort_by_key(|&c| order.place(c));
        assert_eq!(sorted, few);
    }

    /// A finding that reads more than [`WIDEST_JOINED`] cells is a group of its own and links
    /// none: the findings that share its cells keep their own groups. One that reads
    /// [`WIDEST_JOINED`] cells still joins them.
    #[test]
    fn a_finding_of_a_wide_sum_is_a_group_of_its_own() {
        let cell = |row| CellId {
            table: 0,
            row,
            column: 0,
        };
        let rows = |count: usize| Finding::reading((0..count).map(cell).collect());
        let findings = [
            Finding::reading(vec![cell(5), cell(6)]),
            rows(WIDEST_JOINED + 1),
            Finding::reading(vec![cell(7), cell(8)]),
        ];
        assert_eq!(groups(&findings, |_| true), [vec![0], vec![1], vec![2]]);
        let findings = [
            Finding::reading(vec![cell(5), cell(6)]),
            rows(WIDEST_JOINED),
            Finding::reading(vec![cell(7), cell(8)]),
        ];
        assert_eq!(groups(&findings, |_| true), [vec![0, 1, 2]]);
    }

    /// Findings that share a cell, directly or through others, are one group, in the order
    /// of their first finding, each listing its findings in order; a finding that is not
    /// hard is in none, and links none. Many findings, as a record file gives (their groups
    /// were once found by a search through the groups made so far).
    #[test]
    fn findings_sharing_cells_are_grouped_in_order() {
        let cell = |row| CellId {
            table: 0,
            row,
            column: 0,
        };
        let finding = Finding::reading;
        // Finding i reads row i and row i + 3: three chains, i mod 3. Every seventh finding
        // is soft, which breaks its chain in two. The last finding reads a row of its own.
        let count = 3_000;
        let mut findings: Vec<Finding> = (0..count)
            .map(|i| finding(vec![cell(i), cell(i + 3)]))
            .collect();
        findings.push(finding(vec![cell(10 * count)]));
        let hard = |f: &Finding| {
            f.cells
                .first()
                .is_some_and(|c| c.row % 7 != 6 || c.row >= count)
        };
        let grouped = groups(&findings, hard);
        let mut expected: Vec<Vec<usize>> = Vec::new();
        let mut open: HashMap<usize, usize> = HashMap::new();
        for i in 0..count {
            if i % 7 == 6 {
                continue;
            }
            // A hard finding i - 3 reads row i too.
            match (i >= 3 && (i - 3) % 7 != 6)
                .then(|| open.get(&(i - 3)).copied())
                .flatten()
            {
                Some(group) => {
                    expected[group].push(i);
                    open.insert(i, group);
                }
                None => {
                    open.insert(i, expected.len());
                    expected.push(vec![i]);
                }
            }
        }
        expected.push(vec![count]);
        assert_eq!(grouped, expected);
    }

    proptest! {
        /// A label whose key is `key` is never ruled out by its text: the test before the key
        /// is made only skips labels with another key.
        #[test]
        fn a_label_with_the_key_may_have_it(
            name in "[ a-z0-9年\\u{3000}]{1,12}",
            unit in prop::sample::select(vec!["", "/亿元", " / %", "（项）", "(%)", "/x", " *"]),
            other in "[ a-z0-9年/（）()]{0,8}",
        ) {
            let text = format!("{name}{unit}");
            let mut label = Label::new(&text, crate::source::Span::default());
            label.declare_markers(&["*".to_string()]);
            let key = label.key().into_owned();
            prop_assert!(may_have_key(label.text(), &key));
            if !may_have_key(label.text(), &other) {
                prop_assert_ne!(key.as_str(), other.as_str());
            }
        }
    }

    /// A figure equal to its neighbour names a copy only with digits enough not to be one by
    /// chance: `15` beside `15` did, and the copy put it ahead of the figure that was wrong
    /// (the draft-edit harness's `+10 %` edits of 表 5-1).
    #[test]
    fn a_short_figure_equal_to_its_neighbour_names_no_copy() {
        let first = CellId {
            table: 0,
            row: 0,
            column: 0,
        };
        let short = grid_run(&[[15, 7], [15, 3], [5, 5]], &[]);
        assert_eq!(copied(&short.dataset, first, Decimal::from(15)), None);
        let long = grid_run(&[[1234, 7], [1234, 3], [5, 5]], &[]);
        assert_eq!(
            copied(&long.dataset, first, Decimal::from(1234)),
            Some(Slip::CopiedFromNeighbouringRow)
        );
    }

    /// A grid of three regions' figures in two columns, with their row totals and the
    /// column totals, `errors` added to some of its figures, as loaded for a run.
    fn grid_run(figures: &[[i64; 2]; 3], errors: &[(usize, usize, i64)]) -> crate::run::Loaded {
        let mut grid = [[0i64; 3]; 4];
        for (row, pair) in figures.iter().enumerate() {
            grid[row] = [pair[0], pair[1], pair[0] + pair[1]];
        }
        grid[3] = [0, 1, 2].map(|column| (0..3).map(|row| grid[row][column]).sum());
        for &(row, column, error) in errors {
            grid[row % 4][column % 3] += error;
        }
        let names = ["甲", "乙", "丙", "合计"];
        let mut csv = "地区,a,b,c\n".to_string();
        for (name, row) in names.iter().zip(grid) {
            csv.push_str(&format!("{name},{},{},{}\n", row[0], row[1], row[2]));
        }
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("data")).unwrap();
        std::fs::write(dir.path().join("data/G.csv"), csv).unwrap();
        let rules = "sum g.rows \"c is a + b\"\n  for r in rows(G)\n  G[r, c] = G[r, a] + G[r, b]\n\n\
            sum g.columns \"合计 is the regions' sum\"\n  for y in [a, b, c]\n  \
            G[合计, y] = sum(G[甲, y], G[乙, y], G[丙, y])\n";
        std::fs::write(dir.path().join("g.rules"), rules).unwrap();
        crate::run::load(&dir.path().join("data"), &dir.path().join("g.rules")).unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// The best trial of each figure of each group, the trials that cannot win given up
        /// early, is the best of every trial decided in full, and the budget spent is the same.
        #[test]
        fn trials_given_up_leave_the_best_and_the_budget_as_they_were(
            figures in proptest::array::uniform3(proptest::array::uniform2(0i64..60)),
            errors in proptest::collection::vec((0usize..4, 0usize..3, -20i64..20), 1..4),
            extra in proptest::collection::vec(0i64..200, 0..4),
            budget in 10usize..400,
        ) {
            let loaded = grid_run(&figures, &errors);
            let (dataset, program) = (&loaded.dataset, &loaded.program);
            let (outcome, _) = crate::engine::evaluate_with(dataset, program, false);
            let findings = &outcome.findings;
            let wanted: HashSet<CellId> =
                findings.iter().flat_map(|f| f.cells.clone()).collect();
            let readers = Readers::of(dataset, program, &wanted);
            let failed = failed_checks(findings);
            let memo = TrialMemo::default();
            for members in groups(findings, |_| true) {
                let group = Group {
                    findings,
                    members: &members,
                    failed: &failed,
                    readers: &readers,
                    dataset,
                };
                for cell in group.cells() {
                    let Some(printed) = group.printed(cell) else { continue };
                    let mut pruned = Probe::new(dataset, program, &readers, budget, true, &memo);
                    let mut full = Probe::new(dataset, program, &readers, budget, true, &memo);
                    let mut values = group.solved(&mut full, cell, printed);
                    values.extend(extra.iter().map(|&v| Decimal::from(v)));
                    let spent_solving = (full.spent, full.figures_read);
                    (pruned.spent, pruned.figures_read) = spent_solving;
                    let best = group.best_trial(&mut pruned, cell, printed, values.clone());
                    let every: Vec<Trial> = at_precision(values, printed)
                        .into_iter()
                        .filter_map(|value| {
                            group.trial_unless(&mut full, cell, value, |_, _| false).flatten()
                        })
                        .collect();
                    let expected = every
                        .into_iter()
                        .filter(|trial| !trial.repairs.is_empty())
                        .max_by_key(|trial| {
                            (
                                trial.repairs.len(),
                                std::cmp::Reverse(trial.breaks),
                                slip::named(printed, trial.value).is_some(),
                            )
                        });
                    prop_assert_eq!(best, expected);
                    prop_assert_eq!(
                        (pruned.spent, pruned.figures_read),
                        (full.spent, full.figures_read)
                    );
                }
            }
        }
    }
}
