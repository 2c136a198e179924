//! Rules + tables → checks → findings.
//!
//! [`compile`] resolves every name a rule uses; [`evaluate`] expands rules into checks and runs
//! them in parallel.

pub mod compile;
pub mod evaluate;
mod forms;
mod group_cycles;
mod linear;
pub(crate) mod lost_label;
mod moved_anchor;
pub mod program;
mod ratio_plan;
pub mod resolve;
mod row_plan;
mod self_reference;

pub use compile::{ParsedFile, compile, compile_partial};
pub use evaluate::{
    CheckVerdict, Decision, KnownIndices, TrialMemo, TrialOutcome, check_cells, decision_with,
    evaluate, evaluate_observed, evaluate_with, known_indices, outcome_with, row_wise_cells,
    template_cells, verdict_with,
};
