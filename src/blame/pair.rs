//! Two figures changed together, where no one figure explains a group: a total printed wrong
//! together with one of its parts, a figure and its second printing both slipped.
//!
//! Searched exactly over pairs: each figure with a value that repairs something (a suspect,
//! or a value rejected because it breaks a passing check) is taken as the first, read as
//! that value; the checks that then still fail, or newly fail, must all be read by the second
//! figure, whose values are solved for against them with the first already changed. A pair
//! explains the group when every failed check of it passes and no passing check fails. Among
//! such pairs the one with the most slips, then the lightest, is the answer.

use super::{Blame, Group, Probe, Suspect, copied, proposal, solve};
use crate::engine::program::CellId;
use crate::engine::{CheckVerdict, Decision};
use crate::finding::Finding;
use foldhash::HashSet;
use rust_decimal::Decimal;

/// The most figures taken as the first of a pair: 12 first figures, each against every other
/// figure of the group.
const FIRST_FIGURES: usize = 12;

/// A failed check left to the second figure: where it is, and what failing it said.
type Left = ((usize, usize), Box<Finding>);

impl Group<'_> {
    /// The best pair of figures that together explain the group, if any; `singles` are the
    /// figures with a value of their own (suspects and rejected ones), lightest first.
    pub(super) fn pair(&self, probe: &mut Probe<'_>, singles: &[Suspect]) -> Option<[Suspect; 2]> {
        let mut best: Option<([Suspect; 2], (usize, u64))> = None;
        for first in singles.iter().take(FIRST_FIGURES) {
            let Some(replacement) = super::replacement(self.dataset, first.cell, first.proposed)
            else {
                continue;
            };
            probe.fixed = vec![(first.cell, replacement)];
            let found = self.seconds(probe, first);
            probe.fixed.clear();
            let Some(found) = found else {
                break;
            };
            for second in found {
                let rank = (
                    usize::from(first.slip.is_none()) + usize::from(second.slip.is_none()),
                    first.weight.saturating_add(second.weight),
                );
                if best.as_ref().is_none_or(|(_, best)| rank < *best) {
                    let mut first = first.clone();
                    first.repairs = self.repaired_by(first.cell);
                    first.breaks = 0;
                    (first.low, first.high) = (first.proposed, first.proposed);
                    (first.open_below, first.open_above) = (false, false);
                    // The likelier of the two first: the one a slip explains, then the one
                    // repairing more, then the lighter.
                    let mut pair = [first, second];
                    pair.sort_by_key(|s| {
                        (
                            s.slip.is_none(),
                            std::cmp::Reverse(s.repairs.len()),
                            s.weight,
                        )
                    });
                    best = Some((pair, rank));
                }
            }
        }
        best.map(|(pair, _)| pair)
    }

    /// The second figures that, with `first` read as its proposal (already fixed in the
    /// probe), explain the group; `None` once the budget is spent.
    fn seconds(&self, probe: &mut Probe<'_>, first: &Suspect) -> Option<Vec<Suspect>> {
        let left = self.left_failing(probe, first.cell, first.proposed)?;
        if left.is_empty() {
            return Some(Vec::new());
        }
        let mut found = Vec::new();
        let mut seen: HashSet<CellId> = [first.cell].into_iter().collect();
        // Only a figure some finding reads has its readers indexed: a figure no finding reads
        // could not be judged.
        let seconds: Vec<CellId> = left
            .iter()
            .flat_map(|(_, finding)| finding.cells.iter().copied())
            .filter(|cell| self.readers.knows(*cell) && seen.insert(*cell))
            .collect();
        for second in seconds {
            let reads: HashSet<(usize, usize)> = self.readers.get(second).iter().copied().collect();
            if !left.iter().all(|(at, _)| reads.contains(at)) {
                continue;
            }
            let Some(printed) = self.printed(second) else {
                continue;
            };
            for value in self.second_values(probe, second, printed, &left)? {
                if self.explains_with(probe, second, value)? {
                    found.push(self.second_suspect(probe, second, printed, value));
                    break;
                }
            }
        }
        Some(found)
    }

    /// The checks that fail with `cell` read as `value`: the group's failed checks it does not
    /// read, and those it reads that fail, or newly fail, so.
    fn left_failing(
        &self,
        probe: &mut Probe<'_>,
        cell: CellId,
        value: Decimal,
    ) -> Option<Vec<Left>> {
        let reads: HashSet<(usize, usize)> = self.readers.get(cell).iter().copied().collect();
        let mut left: Vec<Left> = self
            .failed
            .iter()
            .filter(|(at, finding)| !reads.contains(at) && self.members.contains(finding))
            .filter_map(|(&at, &i)| Some((at, Box::new(self.findings.get(i)?.clone()))))
            .collect();
        for &at in self.readers.get(cell) {
            let counts = self.failed.contains_key(&at) || probe.passes_as_printed(at);
            if let CheckVerdict::Fail(finding) = probe.verdict(cell, value, at)?
                && counts
            {
                left.push((at, finding));
            }
        }
        left.sort_by_key(|(at, _)| *at);
        Some(left)
    }

    /// The values of `second` that would repair the checks `left`, at its printed precision.
    fn second_values(
        &self,
        probe: &mut Probe<'_>,
        second: CellId,
        printed: Decimal,
        left: &[Left],
    ) -> Option<Vec<Decimal>> {
        let mut values = Vec::new();
        for (at, finding) in left {
            if finding.published.is_some() && finding.cells.first() == Some(&second) {
                values.extend(solve::inside(&finding.expected, printed.scale()));
            }
            if let Some(difference) = finding.difference {
                if probe.spent_all() {
                    return None;
                }
                values.extend(solve::root(probe, second, *at, printed, difference));
            }
        }
        Some(super::at_precision(values, printed))
    }

    /// Whether, with the probe's first figure changed, `second` read as `value` makes every
    /// check it reads that should pass pass.
    fn explains_with(&self, probe: &mut Probe<'_>, second: CellId, value: Decimal) -> Option<bool> {
        for &at in self.readers.get(second) {
            let counts = self.failed.contains_key(&at) || probe.passes_as_printed(at);
            if counts && probe.decision(second, value, at)? != Decision::Pass {
                return Some(false);
            }
        }
        Some(true)
    }

    fn second_suspect(
        &self,
        probe: &mut Probe<'_>,
        cell: CellId,
        printed: Decimal,
        value: Decimal,
    ) -> Suspect {
        let (proposed, slip) = proposal(printed, value, (value, value), false);
        Suspect {
            proposed,
            slip: slip.or_else(|| copied(self.dataset, cell, printed)),
            ..self.point_suspect(probe, cell, printed, value)
        }
    }

    /// `cell`, printed `printed`, read as exactly `value` in an answer of several figures
    /// (a pair, a shift): weighed, with the findings it repairs; no slip named yet.
    pub(super) fn point_suspect(
        &self,
        probe: &mut Probe<'_>,
        cell: CellId,
        printed: Decimal,
        value: Decimal,
    ) -> Suspect {
        let (confirmed_by, weight) = self.weigh(probe, cell);
        Suspect {
            cell,
            printed,
            proposed: value,
            low: value,
            high: value,
            open_below: false,
            open_above: false,
            repairs: self.repaired_by(cell),
            confirmed_by,
            weight,
            breaks: 0,
            slip: None,
            moved_from: None,
        }
    }

    /// The findings whose checks read `cell`: a pair that explains its group repairs every
    /// one of them, a finding of another group too (see [`absorb`]).
    pub(super) fn repaired_by(&self, cell: CellId) -> Vec<usize> {
        let mut repairs: Vec<usize> = self
            .readers
            .get(cell)
            .iter()
            .filter_map(|at| self.failed.get(at).copied())
            .collect();
        repairs.sort_unstable();
        repairs
    }
}

/// A group whose findings a pair of another group repairs, all of them, is one slip with it:
/// two figures explain both, where the group on its own would be blamed on a third.
pub(super) fn absorb(blames: Vec<Blame>) -> Vec<Blame> {
    let repaired: Vec<Option<HashSet<usize>>> = blames
        .iter()
        .map(|b| {
            b.pair.then(|| {
                b.answer()
                    .iter()
                    .flat_map(|s| s.repairs.iter().copied())
                    .collect()
            })
        })
        .collect();
    // The pairs alone, in order: looked through for every group, all the groups were
    // quadratic (10 000 findings took 58 ms).
    let pairs: Vec<(usize, &HashSet<usize>)> = repaired
        .iter()
        .enumerate()
        .filter_map(|(i, by)| Some((i, by.as_ref()?)))
        .collect();
    let into: Vec<Option<usize>> = blames
        .iter()
        .enumerate()
        .map(|(j, b)| {
            pairs.iter().find_map(|&(i, by)| {
                (i != j && !b.pair && b.findings.iter().all(|f| by.contains(f))).then_some(i)
            })
        })
        .collect();
    let mut merged: Vec<Option<Blame>> = blames.into_iter().map(Some).collect();
    for (j, target) in into.iter().enumerate() {
        let Some(target) = *target else { continue };
        let Some(absorbed) = merged.get_mut(j).and_then(Option::take) else {
            continue;
        };
        if let Some(Some(pair)) = merged.get_mut(target) {
            pair.findings.extend(absorbed.findings);
            pair.findings.sort_unstable();
            pair.spent += absorbed.spent;
        }
    }
    merged.into_iter().flatten().collect()
}
