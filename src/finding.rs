//! What a failed check reports: one type for every output format; and what a run keeps of
//! them ([`Keep`]): the first findings in report order, in detail, up to a limit, and the
//! others counted, so that a million failed checks take bounded memory and a report of
//! bounded size, with exact counts.

use crate::engine::program::CellId;
use crate::interval::Interval;
use crate::lang::ast::Kind;
use crate::table::manifest::Dataset;
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};

/// A discrepancy: a published figure (or the left side of a comparison) that the derived
/// interval cannot explain by rounding.
#[derive(Debug, Clone)]
pub struct Finding {
    /// Index of the rule in the program; with `check` it orders findings deterministically.
    pub rule: usize,
    pub check: usize,
    pub rule_id: String,
    pub kind: Kind,
    pub message: String,
    /// The published value compared, when the left side is a single printed cell.
    pub published: Option<Decimal>,
    /// What the other figures allow.
    pub expected: Interval,
    /// The smallest distance between what is printed and what is allowed.
    pub gap: Decimal,
    /// The left side (the published figure) minus what the other figures give, every figure
    /// taken as printed; signed, so blame can tell which way a figure must move. `None` where
    /// a figure cannot be worked out that way (a ranking, a division by zero).
    pub difference: Option<Decimal>,
    /// Every cell involved; the published cell first.
    pub cells: Vec<CellId>,
    /// With `check --baseline`, for a finding the baseline lists: the cells whose printed
    /// figure is not the one the baseline recorded (empty for every other finding).
    pub changed: Vec<Changed>,
}

/// A cell of a known finding that prints another figure than the baseline recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    pub cell: CellId,
    /// The figure the baseline recorded, as printed then.
    pub was: String,
    /// The figure printed now.
    pub now: String,
}

/// A check that could not be decided and says why (for example a division by a figure that
/// may be zero, or an empty cell). Counted as skipped, listed in the report.
#[derive(Debug, Clone)]
pub struct Note {
    pub rule: usize,
    pub check: usize,
    pub rule_id: String,
    pub reason: NoteReason,
    pub message: String,
    /// For an empty cell: the empty cells; otherwise every cell the check reads.
    pub cells: Vec<CellId>,
}

/// Why a check was skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteReason {
    /// The figures cannot decide it: a division by a figure that may be zero.
    Undecided,
    /// A cell it needs is empty or `—` (R's `NA`).
    EmptyCell,
    /// A cell it names is not in the table: the year before the first one, say.
    NoSuchCell,
}

impl NoteReason {
    pub fn keyword(self) -> &'static str {
        match self {
            NoteReason::Undecided => "undecided",
            NoteReason::EmptyCell => "empty_cell",
            NoteReason::NoSuchCell => "no_such_cell",
        }
    }
}

/// What the baseline says of a finding, as each check fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sifted {
    /// Not in the baseline.
    New,
    /// In the baseline with the same figures: left out, counted as known.
    Known,
    /// In the baseline, but a figure of its cells changed ([`Finding::changed`] says which).
    Changed,
}

/// Tells known findings from new ones (a baseline), from any worker thread.
pub trait Sift: Sync {
    fn sift(&self, dataset: &Dataset, finding: &mut Finding) -> Sifted;
    /// Forget what was sifted: the checks are run again from the start.
    fn forget(&self) {}
}

/// What a run keeps of its findings and notes.
#[derive(Clone, Copy)]
pub struct Keep<'a> {
    /// At most this many findings, and apart from them this many notes, are held in detail:
    /// the first in report order (by rule, then check). The others are only counted.
    pub max: usize,
    /// A baseline: its known findings are counted and left out as they are found.
    pub sieve: Option<&'a dyn Sift>,
}

impl Keep<'_> {
    /// Every finding and note, no baseline: for the library's callers, `crossfoot baseline`
    /// (which writes them all) and `lint`.
    pub const ALL: Keep<'static> = Keep {
        max: usize::MAX,
        sieve: None,
    };
}

/// Counts and results of one run.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub checks: usize,
    pub passed: usize,
    /// Failed checks, all of them (the known ones of a baseline apart): `findings` holds the
    /// first of them, `findings_left_out` counts the rest.
    pub failed: usize,
    pub skipped: usize,
    /// Of the skipped checks, those that needed a figure printed as not available or
    /// confidential (a declared symbol such as `..` or `x`).
    pub withheld: Withheld,
    /// Checks an input error kept from a verdict: a cell that is not a figure, a name that does
    /// not resolve for the check's item.
    pub not_checked: usize,
    /// Passed, failed and skipped checks per rule, indexed like the program's rules.
    pub per_rule: Vec<RuleCounts>,
    /// The first findings in report order, at most [`Keep::max`].
    pub findings: Vec<Finding>,
    /// Failed checks not in `findings`: past [`Keep::max`].
    pub findings_left_out: usize,
    /// The first checks that could not be decided, at most [`Keep::max`].
    pub notes: Vec<Note>,
    /// Undecided checks not in `notes` (they are counted among the skipped).
    pub notes_left_out: usize,
    /// The first checks skipped for an empty cell or a cell the table does not have, at most
    /// [`Keep::max`]: the JSON report lists them among its notes; the reports for reading
    /// count them only (record data may skip thousands).
    pub skips: Vec<Note>,
    /// Skipped checks not in `skips`.
    pub skips_left_out: usize,
    /// Which figures took part in a decided check, when asked for.
    pub coverage: Option<Coverage>,
    /// Findings left out because a baseline lists them (`check --baseline`).
    pub known: usize,
    /// Findings a baseline lists whose printed figures changed: reported, and counted in
    /// `failed`.
    pub changed: usize,
    /// Whether the findings were compared with a baseline.
    pub baseline: bool,
    /// Which cells the findings blame, and what they should print ([`crate::blame`]).
    pub blame: Vec<crate::blame::Blame>,
}

/// Skipped checks counted by the meaning of the symbol that stopped them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Withheld {
    pub not_available: usize,
    pub confidential: usize,
}

impl Withheld {
    /// Count a check skipped for a cell of this meaning (others are not counted here).
    pub fn count(&mut self, meaning: crate::format::Meaning) {
        match meaning {
            crate::format::Meaning::NotAvailable => self.not_available += 1,
            crate::format::Meaning::Confidential => self.confidential += 1,
            crate::format::Meaning::NotApplicable | crate::format::Meaning::Nil => {}
        }
    }

    pub fn add(&mut self, other: &Withheld) {
        self.not_available += other.not_available;
        self.confidential += other.confidential;
    }

    /// `2 not available, 1 confidential`; `None` when none was.
    pub fn describe(&self) -> Option<String> {
        let parts: Vec<String> = [
            (self.not_available, "not available"),
            (self.confidential, "confidential"),
        ]
        .into_iter()
        .filter(|(count, _)| *count > 0)
        .map(|(count, meaning)| format!("{count} {meaning}"))
        .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

/// One rule's passed, failed and skipped checks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RuleCounts {
    pub passed: usize,
    /// Failed checks, held as findings or left out (the known ones of a baseline apart).
    pub failed: usize,
    pub skipped: usize,
    pub not_checked: usize,
}

#[cfg(test)]
impl Finding {
    /// A failed sum of rule 0's check 0 that reads `cells`: what tests of grouping and holding
    /// findings need of one.
    pub(crate) fn reading(cells: Vec<CellId>) -> Finding {
        Finding {
            rule: 0,
            check: 0,
            rule_id: String::new(),
            kind: Kind::Sum,
            message: String::new(),
            published: None,
            expected: Interval::exact(Decimal::ZERO),
            gap: Decimal::ZERO,
            difference: None,
            cells,
            changed: Vec::new(),
        }
    }
}

/// The most cells the findings held in detail read, all told: past it, as past
/// `--max-findings`, a failed check is counted and not held (the first is held whatever it
/// reads). 2 041 findings of 20 001 cells each (every one of 20 000 records compared with
/// their mean) held 1.9 GB, and the same over 10⁶ records ran out of memory.
pub const MOST_CELLS_HELD: usize = 1_000_000;

/// Findings held while checking: the first by rule and check, at most `max` of them and
/// [`MOST_CELLS_HELD`] cells, once twice as many (and a few) have come in.
#[derive(Debug, Default)]
pub struct HeldFindings {
    findings: Vec<Finding>,
    /// The cells the findings read, all told.
    cells: usize,
    /// The last finding's rule and check, by rule and check.
    last: Option<(usize, usize)>,
}

impl HeldFindings {
    pub fn push(&mut self, finding: Finding, max: usize) {
        self.cells = self.cells.saturating_add(finding.cells.len());
        self.last = self.last.max(Some((finding.rule, finding.check)));
        self.findings.push(finding);
        self.bound(max);
    }

    pub fn append(&mut self, mut other: HeldFindings, max: usize) {
        self.cells = self.cells.saturating_add(other.cells);
        self.last = self.last.max(other.last);
        self.findings.append(&mut other.findings);
        self.bound(max);
    }

    /// The first findings, by rule and check, within `max` and [`MOST_CELLS_HELD`].
    pub fn into_first(mut self, max: usize) -> Vec<Finding> {
        self.keep_first(max);
        self.findings
    }

    fn bound(&mut self, max: usize) {
        let many = self.findings.len() > max.saturating_mul(2).saturating_add(64);
        if many || self.cells > most_cells(max).saturating_mul(2) {
            self.keep_first(max);
        }
    }

    fn keep_first(&mut self, max: usize) {
        self.findings.sort_by_key(|f| (f.rule, f.check));
        let mut cells = 0usize;
        let held = self
            .findings
            .iter()
            .take(max)
            .enumerate()
            .take_while(|(place, f)| {
                cells = cells.saturating_add(f.cells.len());
                *place == 0 || cells <= most_cells(max)
            })
            .count();
        self.findings.truncate(held);
        self.cells = self.findings.iter().map(|f| f.cells.len()).sum();
        self.last = self.findings.last().map(|f| (f.rule, f.check));
    }

    /// Whether the finding of check `(rule, check)` would be left out whatever it reads: the
    /// findings held all come before it and fill `max` or [`MOST_CELLS_HELD`] already. Its
    /// finding need not be built (a wide check's lists every cell it reads).
    pub fn leave_out(&self, at: (usize, usize), max: usize) -> bool {
        self.filled(max).is_some_and(|last| last < at)
    }

    /// Where the findings held fill `max` or [`MOST_CELLS_HELD`]: the last one's rule and
    /// check, past which any finding is left out.
    pub fn filled(&self, max: usize) -> Option<(usize, usize)> {
        let full = self.findings.len() >= max || self.cells > most_cells(max);
        self.last.filter(|_| full)
    }
}

/// Where the findings held by any worker fill the bound ([`HeldFindings::filled`]), for the
/// others to leave out every failed check past it: each worker starts with no findings, and
/// 32 of them each built a finding of 10⁶ cells (every record compared with their mean).
#[derive(Debug)]
pub struct SharedCutoff(AtomicU64);

impl Default for SharedCutoff {
    fn default() -> Self {
        SharedCutoff(AtomicU64::new(u64::MAX))
    }
}

impl SharedCutoff {
    /// Bring the cutoff down to `at`, where it lies before it.
    pub fn lower(&self, at: (usize, usize)) {
        if let Some(at) = pack(at) {
            self.0.fetch_min(at, Ordering::Relaxed);
        }
    }

    /// Whether the finding of `at` is left out, whatever it reads.
    pub fn leaves_out(&self, at: (usize, usize)) -> bool {
        pack(at).is_some_and(|at| at > self.0.load(Ordering::Relaxed))
    }
}

/// A rule and check in one number, in their order: rules below 2²⁰, checks below 2⁴⁴ (past
/// them, `None`, and nothing is left out by the cutoff).
fn pack((rule, check): (usize, usize)) -> Option<u64> {
    let rule = u64::try_from(rule).ok().filter(|&rule| rule < 1 << 20)?;
    let check = u64::try_from(check).ok().filter(|&check| check < 1 << 44)?;
    Some(rule << 44 | check)
}

/// The cells the findings held may read: [`MOST_CELLS_HELD`], unless every finding is kept
/// ([`Keep::ALL`]: `crossfoot baseline` writes them all).
fn most_cells(max: usize) -> usize {
    if max == usize::MAX {
        usize::MAX
    } else {
        MOST_CELLS_HELD
    }
}

/// Keep the `max` first of `items` by `key` once they are twice as many (and a few): holding
/// a bounded number at any time, at a cost linear in all of them.
pub fn keep_first<T, K: Ord>(items: &mut Vec<T>, max: usize, key: impl Fn(&T) -> K) {
    if items.len() > max.saturating_mul(2).saturating_add(64) {
        items.select_nth_unstable_by_key(max, key);
        items.truncate(max);
    }
}

/// Which printed figures some check confirmed, per table.
#[derive(Debug, Clone, Default)]
pub struct Coverage {
    pub tables: Vec<TableCoverage>,
}

#[derive(Debug, Clone, Default)]
pub struct TableCoverage {
    pub table: usize,
    /// Cells that hold a figure (`—` and empty cells are not counted).
    pub figures: usize,
    pub covered: usize,
    /// Figures no decided check read and no `unchecked` declaration explains, in reading order.
    pub uncovered: Vec<CellId>,
    /// Figures no check read that an `unchecked` declaration explains: (figure, rule index).
    pub explained: Vec<(CellId, usize)>,
    /// For the text's figures: the same counts per part of the book (`P1` … `P7`).
    pub parts: Vec<PartCoverage>,
}

/// How many of a part's figures take part in a check.
#[derive(Debug, Clone, Default)]
pub struct PartCoverage {
    pub part: String,
    pub figures: usize,
    pub covered: usize,
    /// Not confirmed, but declared `unchecked` with a reason.
    pub explained: usize,
}

/// What coverage says of one figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Confirmed {
    ByCheck,
    Explained,
    No,
}

/// Count a figure of the text under its part (the first label of its row).
fn count_part(
    parts: &mut Vec<PartCoverage>,
    table: &crate::table::Table,
    row: usize,
    confirmed: Confirmed,
) {
    let part = table
        .rows()
        .get(row)
        .and_then(|p| p.labels().first())
        .map_or_else(String::new, |l| l.text().to_string());
    let index = match parts.iter().position(|p| p.part == part) {
        Some(index) => index,
        None => {
            parts.push(PartCoverage {
                part,
                ..PartCoverage::default()
            });
            parts.len() - 1
        }
    };
    if let Some(entry) = parts.get_mut(index) {
        entry.figures += 1;
        entry.covered += usize::from(confirmed == Confirmed::ByCheck);
        entry.explained += usize::from(confirmed == Confirmed::Explained);
    }
}

impl Coverage {
    /// Count, per table, the figures among `covered` (which may repeat cells); of the rest, set
    /// apart those `explained` names (with the index of the declaring rule).
    pub fn of(dataset: &Dataset, covered: Vec<CellId>, explained: &HashMap<CellId, usize>) -> Self {
        let covered: HashSet<CellId> = covered.into_iter().collect();
        let tables = dataset
            .tables
            .iter()
            .enumerate()
            .map(|(index, table)| {
                let mut entry = TableCoverage {
                    table: index,
                    ..TableCoverage::default()
                };
                for row in 0..table.row_count() {
                    for column in 0..table.columns().len() {
                        if !table.cell(row, column).is_some_and(|c| c.is_applicable()) {
                            continue;
                        }
                        entry.figures += 1;
                        let id = CellId {
                            table: index,
                            row,
                            column,
                        };
                        let confirmed = if covered.contains(&id) {
                            entry.covered += 1;
                            Confirmed::ByCheck
                        } else if let Some(&rule) = explained.get(&id) {
                            entry.explained.push((id, rule));
                            Confirmed::Explained
                        } else {
                            entry.uncovered.push(id);
                            Confirmed::No
                        };
                        if table.meta.anchored {
                            count_part(&mut entry.parts, table, row, confirmed);
                        }
                    }
                }
                entry
            })
            .collect();
        Self { tables }
    }

    pub fn figures(&self) -> usize {
        self.tables.iter().map(|t| t.figures).sum()
    }

    pub fn covered(&self) -> usize {
        self.tables.iter().map(|t| t.covered).sum()
    }

    /// Figures no check confirms but an `unchecked` declaration explains.
    pub fn explained(&self) -> usize {
        self.tables.iter().map(|t| t.explained.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::{Finding, HeldFindings, MOST_CELLS_HELD, SharedCutoff, keep_first};
    use crate::engine::program::CellId;

    fn reading(check: usize, cells: usize) -> Finding {
        let cell = CellId {
            table: 0,
            row: 0,
            column: 0,
        };
        Finding {
            check,
            ..Finding::reading(vec![cell; cells])
        }
    }

    /// Findings of 300 000 cells each, in any order: the first three by check are held (the
    /// fourth would pass 10⁶ cells), never more than 2 × 10⁶ cells and a finding at a time;
    /// a check after the held ones is known to be left out once they fill the cells. A
    /// finding wider than the bound is held where it comes first, and none after it. Where
    /// every finding is kept (`crossfoot baseline`), all are.
    #[test]
    fn findings_held_stop_at_their_cells() {
        let mut held = HeldFindings::default();
        let mut most = 0;
        for check in [5, 1, 9, 3, 7, 0, 8, 2, 6, 4] {
            held.push(reading(check, 300_000), 100);
            most = most.max(held.cells);
        }
        assert!(most <= 2 * MOST_CELLS_HELD + 300_000, "{most}");
        let checks: Vec<usize> = held.into_first(100).iter().map(|f| f.check).collect();
        assert_eq!(checks, [0, 1, 2]);
        let mut held = HeldFindings::default();
        for check in 0..4 {
            held.push(reading(check, 300_000), 100);
        }
        assert!(held.leave_out((0, 4), 100));
        assert!(!held.leave_out((0, 2), 100));
        let mut wide = HeldFindings::default();
        wide.push(reading(3, 10), 100);
        wide.push(reading(1, 2 * MOST_CELLS_HELD), 100);
        let checks: Vec<usize> = wide.into_first(100).iter().map(|f| f.check).collect();
        assert_eq!(checks, [1]);
        let mut all = HeldFindings::default();
        for check in 0..10 {
            all.push(reading(check, 300_000), usize::MAX);
        }
        assert!(!all.leave_out((0, 10), usize::MAX));
        assert_eq!(all.into_first(usize::MAX).len(), 10);
    }

    /// The cutoff keeps the order of rule, then check, and leaves out nothing it cannot
    /// place (a check past 2⁴⁴).
    #[test]
    fn the_shared_cutoff_leaves_out_what_comes_after_it() {
        let cutoff = SharedCutoff::default();
        assert!(!cutoff.leaves_out((3, 0)));
        cutoff.lower((1, 5));
        cutoff.lower((2, 0));
        assert!(cutoff.leaves_out((1, 6)) && cutoff.leaves_out((2, 0)));
        assert!(!cutoff.leaves_out((1, 5)) && !cutoff.leaves_out((0, 1 << 40)));
        assert!(!cutoff.leaves_out((1, 1 << 50)));
    }

    /// Items pushed one by one and trimmed as they come, then sorted and cut: the `max`
    /// smallest, whatever the order they came in, while never holding more than 2 × max + 65.
    #[test]
    fn keep_first_keeps_the_smallest_and_holds_a_bounded_number() {
        for max in [0, 1, 7, 100] {
            let items: Vec<(usize, usize)> = (0..5_000).map(|i| ((i * 7919) % 503, i)).collect();
            let mut held = Vec::new();
            let mut most = 0;
            for &item in &items {
                held.push(item);
                most = most.max(held.len());
                keep_first(&mut held, max, |&x| x);
            }
            held.sort_unstable();
            held.truncate(max);
            let mut all = items.clone();
            all.sort_unstable();
            all.truncate(max);
            assert_eq!(held, all, "max {max}");
            assert!(most <= 2 * max + 65, "max {max}: held {most}");
        }
    }
}
