//! What a failed check reports: one type for every output format.

use crate::engine::program::CellId;
use crate::interval::Interval;
use crate::lang::ast::Kind;
use crate::table::manifest::Dataset;
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};

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
/// may be zero). Counted as skipped, listed in the report.
#[derive(Debug, Clone)]
pub struct Note {
    pub rule: usize,
    pub check: usize,
    pub rule_id: String,
    pub message: String,
    pub cells: Vec<CellId>,
}

/// Counts and results of one run.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub checks: usize,
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    /// Checks an input error kept from a verdict: a cell that is not a figure, a name that does
    /// not resolve for the check's item.
    pub not_checked: usize,
    /// Passed and skipped checks per rule, indexed like the program's rules (failed ones are
    /// the rule's findings).
    pub per_rule: Vec<RuleCounts>,
    pub findings: Vec<Finding>,
    pub notes: Vec<Note>,
    /// Which figures took part in a decided check, when asked for.
    pub coverage: Option<Coverage>,
    /// Findings left out because a baseline lists them (`check --baseline`).
    pub known: usize,
    /// Findings a baseline lists whose printed figures changed: reported, and counted in
    /// `failed`.
    pub changed: usize,
    /// Whether the findings were compared with a baseline.
    pub baseline: bool,
}

/// One rule's passed and skipped checks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RuleCounts {
    pub passed: usize,
    pub skipped: usize,
    pub not_checked: usize,
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
                for row in 0..table.rows().len() {
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
