//! The per-rule summary every report shares: for each rule, its checks and how many passed,
//! failed and were skipped, and the skipped checks with their reason and cells — what R
//! `validate`'s `summary()` prints per rule (`items passes fails nNA`), plus the skipped checks
//! it leaves to `as.data.frame`. Markdown, SARIF and `crossfoot list rules --results` show it;
//! the JSON report has its own `rules` and `notes`.

use super::Report;
use crate::finding::{Note, NoteReason, RuleCounts};
use crate::lang::ast::Kind;

/// One rule's result.
pub struct RuleResult<'a> {
    /// The rule's index in the program.
    pub index: usize,
    pub rule: &'a crate::engine::program::CompiledRule,
    pub checks: usize,
    pub counts: RuleCounts,
    /// The skipped checks the run kept in detail (at most `--max-findings` of the run's, in
    /// check order): undecided ones and those that needed an empty cell.
    pub skipped: Vec<&'a Note>,
}

/// Every rule that expands to checks (an `unchecked` declaration does not), in the order of
/// the rules files.
pub fn results<'a>(report: &Report<'a>) -> Vec<RuleResult<'a>> {
    let outcome = report.outcome;
    let mut skipped: Vec<&'a Note> = outcome.notes.iter().chain(&outcome.skips).collect();
    skipped.sort_by_key(|note| (note.rule, note.check));
    report
        .program
        .rules
        .iter()
        .enumerate()
        .filter(|(_, rule)| rule.kind != Kind::Unchecked)
        .map(|(index, rule)| RuleResult {
            index,
            rule,
            checks: rule.work.check_count(),
            counts: outcome.per_rule.get(index).copied().unwrap_or_default(),
            skipped: skipped
                .iter()
                .copied()
                .filter(|note| note.rule == index)
                .collect(),
        })
        .collect()
}

/// Skipped checks the run counted but did not keep in detail (past `--max-findings`).
pub fn skipped_left_out(report: &Report<'_>) -> usize {
    report.outcome.notes_left_out + report.outcome.skips_left_out
}

/// Why a check was skipped, in words.
pub fn reason(reason: NoteReason) -> &'static str {
    match reason {
        NoteReason::Undecided => "undecided",
        NoteReason::EmptyCell => "empty cell",
        NoteReason::NoSuchCell => "no such cell",
    }
}

/// A skipped check's cells, for a reader: `retailers [sc0, turnover] (data/r.csv:2:4)`, joined
/// by `; `.
pub fn cells(report: &Report<'_>, note: &Note) -> String {
    let named: Vec<String> = note
        .cells
        .iter()
        .filter_map(|&id| report.cell(id))
        .map(|cell| format!("{} ({})", cell.name(), cell.location()))
        .collect();
    named.join("; ")
}
