//! Figures printed one row (or column) away from their labels: from some row on, a column's
//! figures printed one row down, a row's figures one column right, or two neighbouring
//! figures swapped. The figures are right, their places are not, so several cells are wrong at
//! once and no one figure (nor pair) explains the group.
//!
//! A shift is tried where no single figure explains a group: each run of two or more
//! neighbouring figures of the group along one column (or row) is read as the figures beside
//! it, one step down or up (right or left), all at once. A shift pushes one figure out of
//! place: the cell at the run's far end, whose own figure is printed nowhere. Where the checks
//! still fail with the run moved back, that cell's figure is solved for as a single figure's
//! is ([`solve`]); where they pass, it is left as printed. Two neighbouring figures may also
//! have been swapped (nothing is lost). A shift explains the group when every failed check
//! of it passes, read with the engine's own verdicts, and no passing check that reads a moved
//! figure fails: each moved figure then agrees with the checks of the row it belongs to.
//!
//! Strict, because a false explanation costs as much as a miss: every cell of the run is a
//! figure of the group's failed checks, at least two of them change, and a shift is named
//! only where it is the one with the fewest changes (two different shifts as good: none).

use super::{Group, Probe, Slip, Suspect, solve};
use crate::engine::TrialOutcome;
use crate::engine::program::{CellId, ROW_LABEL};
use foldhash::{HashSet, HashSetExt};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The most shifts tried for one group; past it none is named, as where the budget runs out
/// (an untried shift could be as good as the one found).
const MOST_SHIFTS: usize = 2_000;

/// The most moves written out for one group's shifts, kept or not: a stretch of n figures
/// has about n² runs of n/3 moves each, so a column's sum over thousands of rows would write
/// out billions before [`MOST_SHIFTS`] were counted. Past it none is named, as past
/// [`MOST_SHIFTS`].
const MOST_MOVES: usize = 1_000_000;

/// Which way the figures moved against their labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Down,
    Up,
    Right,
    Left,
}

impl Direction {
    pub fn describe(self) -> &'static str {
        match self {
            Direction::Down => "one row down",
            Direction::Up => "one row up",
            Direction::Right => "one column right",
            Direction::Left => "one column left",
        }
    }
}

/// Figures printed one row (or column) away from their labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shifted {
    /// [`Slip::RowsShifted`], [`Slip::ColumnsShifted`], [`Slip::RowsSwapped`] or
    /// [`Slip::ColumnsSwapped`].
    pub slip: Slip,
    /// Which way the figures moved; none for a swap.
    pub direction: Option<Direction>,
    /// The cells that print the figures, in the order of `belongs_to`.
    pub printed_in: Vec<CellId>,
    /// The cells the figures belong to.
    pub belongs_to: Vec<CellId>,
    /// The cell whose own figure the shift pushed out, solved for from the checks.
    pub lost: Option<CellId>,
}

/// Along which line a run of figures lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Axis {
    /// Down a column: the rows vary.
    Column,
    /// Along a row: the columns vary.
    Row,
}

impl Axis {
    /// The cell at `position` along the line `(table, fixed)`.
    fn cell(self, table: usize, fixed: usize, position: usize) -> CellId {
        match self {
            Axis::Column => CellId {
                table,
                row: position,
                column: fixed,
            },
            Axis::Row => CellId {
                table,
                row: fixed,
                column: position,
            },
        }
    }

    /// The line a cell lies on and its position along it.
    fn place(self, cell: CellId) -> ((usize, usize), usize) {
        match self {
            Axis::Column => ((cell.table, cell.column), cell.row),
            Axis::Row => ((cell.table, cell.row), cell.column),
        }
    }
}

/// A check that should pass and fails: where it is, and the difference it reports.
type Failing = ((usize, usize), Option<Decimal>);

/// A shift to try: each cell read as the figure of its neighbour.
struct Candidate {
    slip: Slip,
    direction: Option<Direction>,
    /// (cell, the neighbour whose figure it takes, that figure).
    moves: Vec<(CellId, CellId, Decimal)>,
    /// The cell whose own figure the shift pushed out.
    lost: Option<CellId>,
}

/// One run's shift or swap written out: the moves written, and the candidate where it is one.
struct Moved {
    written: usize,
    candidate: Option<Candidate>,
}

/// The candidates kept so far, and the moves written out for them and for the runs left out.
#[derive(Default)]
struct Candidates {
    kept: Vec<Candidate>,
    written: usize,
}

impl Candidates {
    /// `None` once past [`MOST_SHIFTS`] candidates or [`MOST_MOVES`] moves.
    fn add(&mut self, moved: Moved) -> Option<()> {
        crate::tally::add(crate::tally::Work::ShiftMoves, moved.written);
        self.written = self.written.saturating_add(moved.written);
        self.kept.extend(moved.candidate);
        (self.kept.len() <= MOST_SHIFTS && self.written <= MOST_MOVES).then_some(())
    }
}

/// A shift that explains the group, and the changes it makes.
struct Found {
    candidate: Candidate,
    /// The changes: (cell, as printed, as proposed), the pushed-out cell's last.
    changes: Vec<(CellId, Decimal, Decimal)>,
    /// Whether the pushed-out cell's figure was solved for.
    solved: bool,
}

impl Group<'_> {
    /// The one shift with the fewest changes that explains the group, and its cells as the
    /// answer's suspects; `None` where none does, or two do equally.
    pub(super) fn shift(&self, probe: &mut Probe<'_>) -> Option<(Shifted, Vec<Suspect>)> {
        let candidates = self.shift_candidates()?;
        // Every failed check of the group must read a moved figure, or it stays failing.
        let members: Vec<(usize, usize)> = self
            .failed
            .iter()
            .filter(|(_, finding)| self.members.contains(finding))
            .map(|(&at, _)| at)
            .collect();
        let mut found: Vec<Found> = Vec::new();
        for candidate in candidates {
            let Some(explained) = self.shift_explains(probe, candidate, &members) else {
                if probe.spent_all() {
                    return None;
                }
                continue;
            };
            found.push(explained);
        }
        // The same changes reached by two runs (one of them ending in a figure that moves
        // onto itself) are one explanation.
        let mut seen = HashSet::new();
        found.retain(|f| seen.insert(f.changes.clone()));
        let fewest = found.iter().map(|f| f.changes.len()).min()?;
        let mut best = found.into_iter().filter(|f| f.changes.len() == fewest);
        let one = best.next()?;
        if best.next().is_some() {
            return None;
        }
        Some(self.shift_answer(probe, one))
    }

    /// Every run of two or more neighbouring figures of the group along a column or a row,
    /// moved back one step either way, and every two neighbouring figures swapped; `None`
    /// past [`MOST_SHIFTS`] of them or [`MOST_MOVES`] moves written out.
    fn shift_candidates(&self) -> Option<Vec<Candidate>> {
        let cells: Vec<CellId> = self
            .cells()
            .into_iter()
            .filter(|&cell| {
                cell.column != ROW_LABEL
                    && self.printed(cell).is_some()
                    && self
                        .dataset
                        .tables
                        .get(cell.table)
                        .is_some_and(|t| !t.meta.anchored)
            })
            .collect();
        let mut candidates = Candidates::default();
        for axis in [Axis::Column, Axis::Row] {
            let mut lines: BTreeMap<(usize, usize), BTreeSet<usize>> = BTreeMap::new();
            for &cell in &cells {
                let (line, position) = axis.place(cell);
                lines.entry(line).or_default().insert(position);
            }
            for ((table, fixed), positions) in lines {
                for stretch in stretches(&positions) {
                    self.candidates_of(axis, (table, fixed), &stretch, &mut candidates)?;
                }
            }
        }
        Some(candidates.kept)
    }

    /// The shifts and swaps of one stretch of neighbouring figures.
    fn candidates_of(
        &self,
        axis: Axis,
        (table, fixed): (usize, usize),
        stretch: &[usize],
        candidates: &mut Candidates,
    ) -> Option<()> {
        let at = |position: usize| axis.cell(table, fixed, position);
        let (shifted, swapped, [after, before]) = match axis {
            Axis::Column => (
                Slip::RowsShifted,
                Slip::RowsSwapped,
                [Direction::Down, Direction::Up],
            ),
            Axis::Row => (
                Slip::ColumnsShifted,
                Slip::ColumnsSwapped,
                [Direction::Right, Direction::Left],
            ),
        };
        for (start, &first) in stretch.iter().enumerate() {
            for &last in stretch.iter().skip(start + 1) {
                // Printed one step after their labels: each cell takes the next one's figure,
                // and the cell after the run lost its own.
                let lost = last.checked_add(1).map(at);
                let moves = (first..=last).map(|p| (at(p), p.checked_add(1).map(at)));
                candidates.add(self.moved(shifted, Some(after), moves, lost))?;
                let lost = first.checked_sub(1).map(at);
                let moves = (first..=last).map(|p| (at(p), p.checked_sub(1).map(at)));
                candidates.add(self.moved(shifted, Some(before), moves, lost))?;
            }
        }
        for pair in stretch.windows(2) {
            let [one, other] = [pair.first(), pair.last()].map(|p| p.copied().map(at));
            let (Some(one), Some(other)) = (one, other) else {
                continue;
            };
            let moves = [(one, Some(other)), (other, Some(one))].into_iter();
            candidates.add(self.moved(swapped, None, moves, None))?;
        }
        Some(())
    }

    /// [`Group::candidate`], and how many moves it wrote out to find it.
    fn moved(
        &self,
        slip: Slip,
        direction: Option<Direction>,
        moves: impl Iterator<Item = (CellId, Option<CellId>)>,
        lost: Option<CellId>,
    ) -> Moved {
        let mut written = 0;
        let moves = moves.inspect(|_| written += 1);
        let candidate = self.candidate(slip, direction, moves, lost);
        Moved { written, candidate }
    }

    /// A candidate whose cells each take their neighbour's figure, if every neighbour prints
    /// one and at least two cells change.
    fn candidate(
        &self,
        slip: Slip,
        direction: Option<Direction>,
        moves: impl Iterator<Item = (CellId, Option<CellId>)>,
        lost: Option<CellId>,
    ) -> Option<Candidate> {
        let moves: Vec<(CellId, CellId, Decimal)> = moves
            .map(|(cell, from)| {
                let from = from?;
                Some((cell, from, self.printed(from)?))
            })
            .collect::<Option<_>>()?;
        let changes =
            |&&(cell, _, value): &&(CellId, CellId, Decimal)| self.printed(cell) != Some(value);
        let changed = moves.iter().filter(changes).count();
        // A run that ends in a figure moving onto itself is the shorter run's shift.
        let ends_change =
            moves.first().is_some_and(|m| changes(&m)) && moves.last().is_some_and(|m| changes(&m));
        (changed >= 2 && ends_change).then_some(Candidate {
            slip,
            direction,
            moves,
            lost,
        })
    }

    /// Whether the candidate explains the group: with its cells read as their neighbours'
    /// figures (and the pushed-out cell's figure solved for, where the checks still fail),
    /// every failed check of the group passes and no passing check that reads them fails.
    fn shift_explains(
        &self,
        probe: &mut Probe<'_>,
        candidate: Candidate,
        members: &[(usize, usize)],
    ) -> Option<Found> {
        let mut replaced = Vec::with_capacity(candidate.moves.len());
        for &(cell, _, value) in &candidate.moves {
            replaced.push((cell, super::replacement(self.dataset, cell, value)?));
        }
        let moved: Vec<CellId> = candidate.moves.iter().map(|&(cell, _, _)| cell).collect();
        let mut checks: BTreeSet<(usize, usize)> = moved
            .iter()
            .flat_map(|&cell| self.readers.get(cell).iter().copied())
            .collect();
        let lost = candidate
            .lost
            .filter(|cell| self.readers.knows(*cell) && !moved.contains(cell));
        if let Some(lost) = lost {
            checks.extend(self.readers.get(lost).iter().copied());
        }
        if !members.iter().all(|at| checks.contains(at)) {
            return None;
        }
        let &(head_cell, _, head_value) = candidate.moves.first()?;
        probe.fixed = replaced.get(1..).unwrap_or_default().to_vec();
        let left = self.failing_with(probe, head_cell, head_value, &checks);
        probe.fixed.clear();
        let left = left?;
        let mut changes: Vec<(CellId, Decimal, Decimal)> = candidate
            .moves
            .iter()
            .filter_map(|&(cell, _, value)| {
                let printed = self.printed(cell)?;
                (printed != value).then_some((cell, printed, value))
            })
            .collect();
        if left.is_empty() {
            return Some(Found {
                candidate,
                changes,
                solved: false,
            });
        }
        // The checks still failing must all read the pushed-out cell, whose figure is then
        // solved for with the moved figures in place.
        let lost = lost?;
        let reads: HashSet<(usize, usize)> = self.readers.get(lost).iter().copied().collect();
        if !left.iter().all(|(at, _)| reads.contains(at)) {
            return None;
        }
        let printed = self.printed(lost)?;
        // Its own figure prints as its column's other figures do, not as the neighbour's
        // figure the shift put there (`11 504` under a percentage).
        let printed = self
            .column_precision(lost, &moved)
            .map_or(printed, |scale| {
                let mut at = printed.round_dp(scale);
                at.rescale(scale);
                at
            });
        probe.fixed = replaced;
        let value = self.solve_lost(probe, lost, printed, &left, &checks);
        probe.fixed.clear();
        changes.push((lost, printed, value?));
        Some(Found {
            candidate,
            changes,
            solved: true,
        })
    }

    /// The checks among `checks` that should pass (a failed one, or one passing as printed)
    /// and fail with `cell` read as `value` and the probe's fixed cells as theirs, with the
    /// difference each reports; `None` once the budget is spent.
    fn failing_with(
        &self,
        probe: &mut Probe<'_>,
        cell: CellId,
        value: Decimal,
        checks: &BTreeSet<(usize, usize)>,
    ) -> Option<Vec<Failing>> {
        let mut left = Vec::new();
        for &at in checks {
            let counts = self.failed.contains_key(&at) || probe.passes_as_printed(at);
            match probe.outcome(cell, value, at)? {
                TrialOutcome::Pass => {}
                TrialOutcome::Fail { difference } if counts => left.push((at, difference)),
                // A check that failed as printed outside the findings breaks nothing; one
                // left undecided by the change is no pass.
                TrialOutcome::Fail { .. } => {}
                // A failed check the change leaves undecided is not repaired; a passing one
                // left undecided is not broken (as a single figure's trial counts it).
                TrialOutcome::Undecided if self.failed.contains_key(&at) => left.push((at, None)),
                TrialOutcome::Undecided => {}
            }
        }
        Some(left)
    }

    /// The figure of the pushed-out cell that makes every check pass with the moved figures
    /// in place (fixed in the probe): solved for against the checks still failing.
    fn solve_lost(
        &self,
        probe: &mut Probe<'_>,
        lost: CellId,
        printed: Decimal,
        left: &[Failing],
        checks: &BTreeSet<(usize, usize)>,
    ) -> Option<Decimal> {
        let mut values = Vec::new();
        for &(at, difference) in left {
            let finding = self.failed.get(&at).and_then(|&i| self.findings.get(i));
            if let Some(finding) = finding
                && finding.published.is_some()
                && finding.cells.first() == Some(&lost)
            {
                values.extend(solve::inside(&finding.expected, printed.scale()));
            }
            if let Some(difference) = difference {
                values.extend(solve::root(probe, lost, at, printed, difference));
            }
        }
        for value in super::at_precision(values, printed) {
            if self.failing_with(probe, lost, value, checks)?.is_empty() {
                return Some(value);
            }
        }
        None
    }

    /// The decimals of the nearest figure above or below `cell` in its column that no shift
    /// moves.
    fn column_precision(&self, cell: CellId, moved: &[CellId]) -> Option<u32> {
        let table = self.dataset.tables.get(cell.table)?;
        let rows = table.row_count();
        (1..rows).find_map(|distance| {
            [
                cell.row.checked_sub(distance),
                cell.row.checked_add(distance),
            ]
            .into_iter()
            .flatten()
            .map(|row| CellId { row, ..cell })
            .filter(|other| other.row < rows && !moved.contains(other))
            .find_map(|other| self.printed(other))
            .map(|figure| figure.scale())
        })
    }

    /// The shift as the group's answer: its description, and a suspect for each cell it
    /// changes, proposing its neighbour's figure (the pushed-out cell, the figure solved for).
    fn shift_answer(&self, probe: &mut Probe<'_>, found: Found) -> (Shifted, Vec<Suspect>) {
        let Found {
            candidate,
            changes,
            solved,
        } = found;
        let moved_from = |cell: CellId| {
            candidate
                .moves
                .iter()
                .find(|&&(to, _, _)| to == cell)
                .map(|&(_, from, _)| from)
        };
        let suspects = changes
            .into_iter()
            .map(|(cell, printed, value)| Suspect {
                slip: Some(candidate.slip),
                moved_from: moved_from(cell),
                ..self.point_suspect(probe, cell, printed, value)
            })
            .collect();
        let shifted = Shifted {
            slip: candidate.slip,
            direction: candidate.direction,
            printed_in: candidate.moves.iter().map(|&(_, from, _)| from).collect(),
            belongs_to: candidate.moves.iter().map(|&(cell, _, _)| cell).collect(),
            lost: candidate.lost.filter(|_| solved),
        };
        (shifted, suspects)
    }
}

/// The runs of consecutive positions: `[1, 2, 3, 5, 6]` → `[1, 2, 3]`, `[5, 6]`.
fn stretches(positions: &BTreeSet<usize>) -> Vec<Vec<usize>> {
    let mut stretches: Vec<Vec<usize>> = Vec::new();
    for &position in positions {
        match stretches.last_mut() {
            Some(stretch) if stretch.last().and_then(|p| p.checked_add(1)) == Some(position) => {
                stretch.push(position);
            }
            _ => stretches.push(vec![position]),
        }
    }
    stretches.retain(|s| s.len() >= 2);
    stretches
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stretches_are_runs_of_two_or_more_neighbours() {
        let positions: BTreeSet<usize> = [0, 2, 3, 4, 7, 9, 10].into_iter().collect();
        assert_eq!(stretches(&positions), [vec![2, 3, 4], vec![9, 10]]);
        assert!(stretches(&BTreeSet::from([5])).is_empty());
    }

    /// Whether the shifts of a failed sum over a column of 200 figures were all written out,
    /// and the moves written out to find them.
    fn shifts_of_a_column(figure: fn(usize) -> usize) -> (bool, usize) {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        let figures: String = (0..200)
            .map(|row| format!("r{row},{}\n", figure(row)))
            .collect();
        std::fs::write(data.join("G.csv"), format!("地区,x\n{figures}")).unwrap();
        std::fs::write(data.join("T.csv"), "项目,x\n合计,1\n").unwrap();
        let rules = dir.path().join("g.rules");
        std::fs::write(
            &rules,
            "expr t.x \"合计 is every row's sum\"\n  T[合计, x] = sum(G[r, x] for r in rows(G))\n",
        )
        .unwrap();
        let loaded = crate::run::load(&data, &rules).unwrap();
        let (dataset, program) = (&loaded.dataset, &loaded.program);
        let (outcome, _) = crate::engine::evaluate_with(dataset, program, false);
        let findings = &outcome.findings;
        assert_eq!(findings.len(), 1);
        let wanted = findings.iter().flat_map(|f| f.cells.clone()).collect();
        let readers = crate::blame::Readers::of(dataset, program, &wanted);
        let failed = crate::blame::failed_checks(findings);
        let group = Group {
            findings,
            members: &[0],
            failed: &failed,
            readers: &readers,
            dataset,
        };
        crate::tally::take(crate::tally::Work::ShiftMoves);
        let all = group.shift_candidates().is_some();
        (all, crate::tally::take(crate::tally::Work::ShiftMoves))
    }

    /// A column of 200 figures has 19 900 runs, each shifted either way, of 67 moves on
    /// average: 2.7 M moves. Where neighbours differ, the search stops past
    /// [`MOST_SHIFTS`] candidates (it wrote out every one first, and 2 500 rows ran out of
    /// memory); where they are equal, no run is a candidate, and it stops past
    /// [`MOST_MOVES`] moves written out (it wrote out all 2.7 M).
    #[test]
    fn a_long_columns_shifts_stop_at_their_budget() {
        let (all, written) = shifts_of_a_column(|row| row * 7 % 101 + 1);
        assert!(!all);
        assert!(
            written <= 200 * (MOST_SHIFTS + 1),
            "{written} moves written out"
        );
        let (all, written) = shifts_of_a_column(|_| 1);
        assert!(!all);
        assert!(written <= MOST_MOVES + 200, "{written} moves written out");
    }
}
