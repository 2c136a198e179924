//! Baselines: the findings a book is known to have, so that a CI job can adopt crossfoot on a
//! book with known discrepancies and fail only on new ones.
//!
//! A finding is matched by its rule and its cells — table id, row and column labels — never by
//! line numbers, so editing a file elsewhere does not break the match.

use crate::engine::program::{CellId, ROW_LABEL};
use crate::finding::Outcome;
use crate::table::manifest::Dataset;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

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

/// A cell by its labels.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Hash)]
pub struct CellKey {
    pub table: String,
    pub row: String,
    pub column: String,
}

const VERSION: u32 = 1;

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
        row: table.rows().get(id.row)?.to_string(),
        column,
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

/// Remove the known findings from the outcome; return the baseline entries that no longer
/// occur (fixed, or changed so that they no longer match).
pub fn apply(baseline: &Baseline, dataset: &Dataset, outcome: &mut Outcome) -> Vec<Entry> {
    let known: HashSet<&Entry> = baseline.findings.iter().collect();
    let mut seen: HashSet<Entry> = HashSet::new();
    outcome.findings.retain(|finding| {
        let entry = entry(dataset, &finding.rule_id, &finding.cells);
        let is_known = known.contains(&entry);
        if is_known {
            seen.insert(entry);
        }
        !is_known
    });
    let remaining = outcome.findings.len();
    outcome.known = outcome.failed - remaining;
    outcome.failed = remaining;
    baseline
        .findings
        .iter()
        .filter(|e| !seen.contains(*e))
        .cloned()
        .collect()
}
