//! What a failed check reports: one type for every output format.

use crate::engine::program::CellId;
use crate::interval::Interval;
use crate::lang::ast::Kind;
use rust_decimal::Decimal;

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
    pub findings: Vec<Finding>,
    pub notes: Vec<Note>,
}
