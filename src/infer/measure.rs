//! How good `infer`'s rules are on a book that already has reviewed rules: infer with the
//! reviewed rules set aside, check the book with each rule set (the same run as `check
//! --coverage`), and compare.
//!
//! - *coverage*: of the table figures the reviewed rules cover (take part in a decided
//!   check), how many the inferred rules cover;
//! - each inferred check is *agreed* when a reviewed check reads exactly its figures, *wrong*
//!   when it fails where the reviewed rules find nothing wrong in any of its figures (a false
//!   alarm), *new* otherwise (split into checks on figures the reviewed rules also cover, and
//!   checks that reach figures they do not);
//! - each finding of the reviewed rules in the tables is *found* when an inferred check fails
//!   on its published figure.

use crate::decode::ReadOptions;
use crate::engine::check_cells;
use crate::engine::program::CellId;
use crate::run::{Checked, load_with};
use crate::table::manifest::Dataset;
use std::collections::{BTreeSet, HashSet};
use std::fmt::Write;
use std::path::Path;

/// The figures of one comparison.
#[derive(Debug, Default)]
pub struct Measured {
    /// Table figures (not the text's) the reviewed rules cover.
    pub reviewed_covered: usize,
    /// … of them, the inferred rules cover too.
    pub inferred_covered: usize,
    /// Table figures the inferred rules cover and the reviewed do not.
    pub inferred_only: usize,
    pub rules: usize,
    pub checks: usize,
    pub agreed: usize,
    pub new_on_covered: usize,
    pub new_elsewhere: usize,
    pub wrong: usize,
    /// Rules with a false alarm among their candidate findings.
    pub rules_wrong: usize,
    /// Rules every check of which a reviewed check reads alike.
    pub rules_agreed: usize,
    pub candidate_findings: usize,
    /// The reviewed rules' findings in the tables: (published cell, found by infer).
    pub table_findings: Vec<(String, bool)>,
    /// The false alarms, one line each.
    pub wrong_checks: Vec<String>,
    /// The inferred rules with a check no reviewed check reads alike, for a reviewer to read.
    pub new_rules: Vec<String>,
    /// Per table, the figures the reviewed rules cover and the inferred do not.
    pub missed_by_table: Vec<(String, usize)>,
}

/// Infer rules for `data` and compare them with the reviewed rules in `rules`; the inferred
/// file is written to `scratch` (a directory) to be checked like any other.
pub fn compare(data: &Path, rules: &Path, scratch: &Path) -> std::io::Result<Measured> {
    let options = ReadOptions::default();
    let (dataset, _) = crate::table::manifest::load_dataset_partial(data, &options);
    let inferred = super::infer(&dataset, &[]);
    std::fs::write(scratch.join("inferred.rules"), &inferred.text)?;
    let reviewed = load_with(data, rules, &options).check(true, &|_| {});
    let proposed = load_with(data, scratch, &options).check(true, &|_| {});
    Ok(measure(&reviewed, &proposed))
}

fn measure(reviewed: &Checked, proposed: &Checked) -> Measured {
    let dataset = &reviewed.dataset;
    let reviewed_cover = covered(reviewed);
    let proposed_cover = covered(proposed);
    let reviewed_checks: HashSet<Vec<CellId>> = all_checks(reviewed)
        .into_iter()
        .map(|(_, _, cells)| cells)
        .collect();
    let finding_cells: HashSet<CellId> = reviewed
        .outcome
        .findings
        .iter()
        .flat_map(|f| f.cells.iter().copied())
        .collect();
    let failed: HashSet<(usize, usize)> = proposed
        .outcome
        .findings
        .iter()
        .map(|f| (f.rule, f.check))
        .collect();
    let mut measured = Measured {
        reviewed_covered: reviewed_cover.len(),
        inferred_covered: reviewed_cover.intersection(&proposed_cover).count(),
        inferred_only: proposed_cover.difference(&reviewed_cover).count(),
        rules: proposed.program.rules.len(),
        candidate_findings: proposed.outcome.findings.len(),
        ..Measured::default()
    };
    for (index, table) in dataset.tables.iter().enumerate() {
        let missed = reviewed_cover
            .iter()
            .filter(|c| c.table == index && !proposed_cover.contains(c))
            .count();
        if missed > 0 {
            measured
                .missed_by_table
                .push((table.id().to_string(), missed));
        }
    }
    let mut rules_wrong = BTreeSet::new();
    let mut rules_not_agreed = BTreeSet::new();
    for (rule, check, cells) in all_checks(proposed) {
        measured.checks += 1;
        if reviewed_checks.contains(&cells) {
            measured.agreed += 1;
            continue;
        }
        rules_not_agreed.insert(rule);
        if failed.contains(&(rule, check)) && !cells.iter().any(|c| finding_cells.contains(c)) {
            measured.wrong += 1;
            rules_wrong.insert(rule);
            let id = proposed
                .program
                .rules
                .get(rule)
                .map_or("", |r| r.id.as_str());
            let names: Vec<String> = cells.iter().filter_map(|c| name(dataset, *c)).collect();
            measured
                .wrong_checks
                .push(format!("{id}: {}", names.join(" · ")));
        } else if cells.iter().all(|c| reviewed_cover.contains(c)) {
            measured.new_on_covered += 1;
        } else {
            measured.new_elsewhere += 1;
        }
    }
    measured.rules_wrong = rules_wrong.len();
    measured.new_rules = rules_not_agreed
        .iter()
        .filter_map(|&rule| proposed.program.rules.get(rule))
        .map(|rule| rule.id.clone())
        .collect();
    measured.rules_agreed = measured.rules - rules_not_agreed.len();
    for finding in &reviewed.outcome.findings {
        let in_text = finding.cells.iter().any(|c| is_text(dataset, *c));
        let Some(&published) = finding.cells.first() else {
            continue;
        };
        // A plausibility edit's finding says a figure is unusual, not that two figures
        // disagree: no rule infer proposes could find it, and `check` does not fail on it.
        let soft = reviewed
            .program
            .rules
            .get(finding.rule)
            .is_some_and(|rule| rule.severity.is_soft());
        if in_text || soft {
            continue;
        }
        let found = proposed
            .outcome
            .findings
            .iter()
            .any(|f| f.cells.contains(&published));
        let label = format!(
            "{} {}",
            finding.rule_id,
            name(dataset, published).unwrap_or_default()
        );
        measured.table_findings.push((label, found));
    }
    measured
}

/// Every check of a run: (rule, check, the figures it reads, sorted, each once).
fn all_checks(checked: &Checked) -> Vec<(usize, usize, Vec<CellId>)> {
    let mut out = Vec::new();
    for (rule, compiled) in checked.program.rules.iter().enumerate() {
        for check in 0..compiled.work.check_count() {
            let mut cells = check_cells(&checked.dataset, &checked.program, rule, check);
            cells.sort_unstable();
            cells.dedup();
            out.push((rule, check, cells));
        }
    }
    out
}

/// The table figures (not the text's) some decided check read.
fn covered(checked: &Checked) -> HashSet<CellId> {
    let mut out = HashSet::new();
    let Some(coverage) = &checked.outcome.coverage else {
        return out;
    };
    for entry in &coverage.tables {
        let Some(table) = checked.dataset.tables.get(entry.table) else {
            continue;
        };
        if table.meta.anchored {
            continue;
        }
        let not: HashSet<CellId> = entry
            .uncovered
            .iter()
            .copied()
            .chain(entry.explained.iter().map(|(cell, _)| *cell))
            .collect();
        for row in 0..table.rows().len() {
            for column in 0..table.columns().len() {
                let cell = CellId {
                    table: entry.table,
                    row,
                    column,
                };
                let figure = table
                    .cell(row, column)
                    .is_some_and(|c| c.figure().is_some());
                if figure && !not.contains(&cell) {
                    out.insert(cell);
                }
            }
        }
    }
    out
}

fn is_text(dataset: &Dataset, cell: CellId) -> bool {
    dataset
        .tables
        .get(cell.table)
        .is_some_and(|t| t.meta.anchored)
}

fn name(dataset: &Dataset, cell: CellId) -> Option<String> {
    let table = dataset.tables.get(cell.table)?;
    let row = table.rows().get(cell.row)?;
    let column = table.columns().get(cell.column)?;
    Some(format!(
        "{}[{row}, {column}] {}",
        table.id(),
        cell.printed(dataset).unwrap_or_default()
    ))
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "—".to_string();
    }
    let tenths = (part * 1000 + whole / 2) / whole;
    format!("{}.{} %", tenths / 10, tenths % 10)
}

/// The figures as the README states them.
pub fn summarize(m: &Measured) -> String {
    let mut out = String::new();
    let found = m.table_findings.iter().filter(|(_, f)| *f).count();
    let _ = writeln!(
        out,
        "coverage: {} of the {} table figures the reviewed rules cover ({}); {} more figures only the inferred rules cover",
        m.inferred_covered,
        m.reviewed_covered,
        percent(m.inferred_covered, m.reviewed_covered),
        m.inferred_only
    );
    let _ = writeln!(
        out,
        "inferred: {} rules, {} checks, {} candidate findings",
        m.rules, m.checks, m.candidate_findings
    );
    let _ = writeln!(
        out,
        "checks: {} agreed ({}), {} new on figures the reviewed rules cover, {} new elsewhere, {} wrong ({})",
        m.agreed,
        percent(m.agreed, m.checks),
        m.new_on_covered,
        m.new_elsewhere,
        m.wrong,
        percent(m.wrong, m.checks)
    );
    let _ = writeln!(
        out,
        "rules: {} agreed in every check, {} with a false alarm ({}); kept without a false alarm: {}",
        m.rules_agreed,
        m.rules_wrong,
        percent(m.rules_wrong, m.rules),
        percent(m.rules - m.rules_wrong, m.rules)
    );
    let _ = writeln!(
        out,
        "the reviewed rules' table findings among the candidate findings: {found} of {}",
        m.table_findings.len()
    );
    for (label, found) in &m.table_findings {
        let _ = writeln!(
            out,
            "  {} {label}",
            if *found { "found  " } else { "missed " }
        );
    }
    let missed: Vec<String> = m
        .missed_by_table
        .iter()
        .map(|(table, count)| format!("{table} {count}"))
        .collect();
    let _ = writeln!(
        out,
        "figures the reviewed rules cover and the inferred do not, by table: {}",
        missed.join(", ")
    );
    let _ = writeln!(
        out,
        "rules with a check no reviewed check reads alike: {}",
        m.new_rules.join(", ")
    );
    if !m.wrong_checks.is_empty() {
        let _ = writeln!(out, "false alarms:");
        for line in &m.wrong_checks {
            let _ = writeln!(out, "  {line}");
        }
    }
    out
}
