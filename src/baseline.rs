//! Baselines: the findings a book is known to have, so that a CI job can adopt crossfoot on a
//! book with known discrepancies and fail only on new ones — or on known ones that got worse.
//!
//! A finding is matched by its rule and its cells — table id, row and column labels — never by
//! line numbers, so editing a file elsewhere does not break the match. Each cell also records
//! the figure printed there: a known finding whose figures changed (`320.3` edited to
//! `9999.9`, and the sum still fails) is reported as *changed since the baseline*, with the old
//! and new figures, and fails the run like a new one.
//!
//! Version 1 files recorded no figures; they are still read, and their entries match by rule
//! and cells alone, as before.
//!
//! `check --baseline` sifts each finding through a [`Sieve`] as its check fails, on any worker
//! thread, before the run keeps its first `--max-findings`: known findings are counted and
//! dropped, so a capped report still lists the new ones and counts exactly.

use crate::engine::program::{CellId, ROW_LABEL};
use crate::finding::{Changed, Finding, Outcome, Sift, Sifted};
use crate::table::manifest::Dataset;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

/// The file `crossfoot baseline` writes.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

/// One known finding.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Hash)]
pub struct Entry {
    pub rule: String,
    pub cells: Vec<CellKey>,
}

/// A cell by its labels, and the figure printed there when the baseline was written.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Hash)]
pub struct CellKey {
    pub table: String,
    pub row: String,
    pub column: String,
    /// The cell as printed (`"320.3"`, `"1 143 670.0"`); absent in version 1 files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub figure: Option<String>,
}

/// The version `crossfoot baseline` writes: 2 records each cell's figure.
pub const VERSION: u32 = 2;

impl Entry {
    /// The entry without its figures: what a finding is matched by.
    pub fn place(&self) -> Entry {
        Entry {
            rule: self.rule.clone(),
            cells: self
                .cells
                .iter()
                .map(|cell| CellKey {
                    figure: None,
                    ..cell.clone()
                })
                .collect(),
        }
    }
}

/// A baseline from the JSON text `crossfoot baseline` writes (what `check --baseline` reads).
pub fn parse(text: &str) -> Result<Baseline, serde_json::Error> {
    serde_json::from_str(text)
}

fn key(dataset: &Dataset, id: CellId) -> Option<CellKey> {
    let table = dataset.tables.get(id.table)?;
    let column = if id.column == ROW_LABEL {
        String::new()
    } else {
        table.columns().get(id.column)?.to_string()
    };
    Some(CellKey {
        table: table.id().to_string(),
        row: table.row(id.row)?.to_string(),
        column,
        figure: id.printed(dataset),
    })
}

fn entry(dataset: &Dataset, rule: &str, cells: &[CellId]) -> Entry {
    Entry {
        rule: rule.to_string(),
        cells: cells.iter().filter_map(|&c| key(dataset, c)).collect(),
    }
}

/// The findings of a run, as a baseline.
pub fn from_outcome(dataset: &Dataset, outcome: &Outcome) -> Baseline {
    Baseline {
        version: VERSION,
        findings: outcome
            .findings
            .iter()
            .map(|f| entry(dataset, &f.rule_id, &f.cells))
            .collect(),
    }
}

/// A baseline ready to sift findings as checks fail, remembering which of its entries it met.
/// Safe to share between the worker threads.
pub struct Sieve<'a> {
    baseline: &'a Baseline,
    /// The entries of each place (a baseline may list one place twice).
    by_place: HashMap<Entry, Vec<usize>>,
    met: Vec<AtomicBool>,
}

impl<'a> Sieve<'a> {
    pub fn new(baseline: &'a Baseline) -> Self {
        let mut by_place: HashMap<Entry, Vec<usize>> = HashMap::new();
        for (index, entry) in baseline.findings.iter().enumerate() {
            by_place.entry(entry.place()).or_default().push(index);
        }
        Sieve {
            baseline,
            by_place,
            met: baseline
                .findings
                .iter()
                .map(|_| AtomicBool::new(false))
                .collect(),
        }
    }

    /// The entries no finding matched: fixed, or changed so that they no longer match.
    pub fn unmet(&self) -> Vec<Entry> {
        self.baseline
            .findings
            .iter()
            .zip(&self.met)
            .filter(|(_, met)| !met.load(Ordering::Relaxed))
            .map(|(entry, _)| entry.clone())
            .collect()
    }
}

impl Sift for Sieve<'_> {
    fn forget(&self) {
        for met in &self.met {
            met.store(false, Ordering::Relaxed);
        }
    }

    /// Whether the baseline knows `finding`; a known finding whose figures changed is told
    /// which (in [`Finding::changed`]).
    fn sift(&self, dataset: &Dataset, finding: &mut Finding) -> Sifted {
        let now = entry(dataset, &finding.rule_id, &finding.cells);
        let Some(indices) = self.by_place.get(&now.place()) else {
            return Sifted::New;
        };
        // Every entry of the place is met, not only the first that matches: a baseline that
        // lists a place twice must not call the second entry fixed.
        for &index in indices {
            if let Some(met) = self.met.get(index) {
                met.store(true, Ordering::Relaxed);
            }
        }
        let mut changes = None;
        for &index in indices {
            let Some(known) = self.baseline.findings.get(index) else {
                continue;
            };
            let changed = changes_from(known, &now, &finding.cells);
            if changed.is_empty() {
                return Sifted::Known;
            }
            changes.get_or_insert(changed);
        }
        finding.changed = changes.unwrap_or_default();
        Sifted::Changed
    }
}

/// The cells whose figure the baseline recorded and which print another one now.
fn changes_from(known: &Entry, now: &Entry, cells: &[CellId]) -> Vec<Changed> {
    known
        .cells
        .iter()
        .zip(&now.cells)
        .zip(cells)
        .filter_map(|((was, now), &cell)| match (&was.figure, &now.figure) {
            (Some(was), Some(now)) if was != now => Some(Changed {
                cell,
                was: was.clone(),
                now: now.clone(),
            }),
            _ => None,
        })
        .collect()
}
