//! `--format markdown`: a discrepancy report an editor can read and send on.
//!
//! A summary table, then the findings grouped by the table of their first cell (the published
//! figure), in book order, under the table's printed number and caption. Each finding gives the
//! rule id and description, the figure as printed, the interval the other figures allow, the
//! gap, the cells involved (row, column, printed value, file:line:column) and what the rule's
//! kind checks. Checks that could not be decided follow, with their reason; then, per rule,
//! its checks, passed, failed and skipped (R `validate`'s `summary()`), and the checks skipped
//! for an empty cell with their cells.

use super::per_rule::{self, RuleResult};
use super::{CellView, MOST_CELLS_NAMED, Report};
use crate::checks::docs::doc;
use crate::checks::{show_gap, show_interval};
use crate::engine::program::CellId;
use std::fmt::Write;

/// Text from the inputs (labels, captions, descriptions, messages) as Markdown that shows it
/// as written: HTML is not rendered, `|` does not end a table cell, `*`, `_`, `[` … do not
/// format, and a line break does not end a list item or a table row.
fn cell_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            // `[` alone breaks a link; `#` and `!` only act where these texts never stand.
            '\\' | '`' | '*' | '_' | '[' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// Text as a code span, whatever backticks it holds: fenced by one more backtick than its
/// longest run (CommonMark), on one line.
fn code(text: &str) -> String {
    let text = text.replace(['\n', '\r'], " ");
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if longest > 0 { " " } else { "" };
    format!("{fence}{pad}{text}{pad}{fence}")
}

fn location(cell: &CellView<'_>) -> String {
    code(&cell.location()).replace('|', "\\|")
}

/// The cells of a finding, one row each (the first [`MOST_CELLS_NAMED`], then a line that counts
/// the rest): the published figure and the blamed ones (`likely wrong (→ 27.2)`) marked.
fn cells_table(
    out: &mut String,
    report: &Report<'_>,
    cells: &[CellId],
    published: bool,
    blamed: &[(CellId, String)],
) {
    let _ = writeln!(
        out,
        "| | Table | Row | Column | Printed | Location |\n|---|---|---|---|---:|---|"
    );
    for (index, (&id, view)) in cells
        .iter()
        .take(MOST_CELLS_NAMED)
        .filter_map(|id| Some((id, report.cell(*id)?)))
        .enumerate()
    {
        let published = if published && index == 0 {
            "published"
        } else {
            ""
        };
        let role = match blamed.iter().find(|(cell, _)| *cell == id) {
            Some((_, mark)) if published.is_empty() => cell_text(mark),
            Some((_, mark)) => format!("{}, {published}", cell_text(mark)),
            None => published.to_string(),
        };
        let _ = writeln!(
            out,
            "| {role} | {} | {} | {} | {} | {} |",
            cell_text(&view.table.meta.printed),
            cell_text(&view.row),
            cell_text(&view.column),
            cell_text(&view.value),
            location(&view)
        );
    }
    let left_out = cells.len().saturating_sub(MOST_CELLS_NAMED);
    if left_out > 0 {
        let _ = writeln!(
            out,
            "\n… and {left_out} more cells it reads, not listed here (`--format json` lists them all)"
        );
    }
}

/// The Markdown report.
pub fn render(report: &Report<'_>) -> String {
    let outcome = report.outcome;
    let blame_of = report.blame_by_finding();
    let mut out = String::from("# crossfoot discrepancy report\n\n## Summary\n\n");
    let _ = writeln!(
        out,
        "| Tables | Rules | Checks | Passed | Failed | Skipped |\n|---:|---:|---:|---:|---:|---:|\n| {} | {} | {} | {} | {} | {} |\n",
        report.dataset.tables.len(),
        report.rule_count(),
        outcome.checks,
        outcome.passed,
        report.failed(),
        outcome.skipped
    );
    let implausible = report.implausible();
    if implausible > 0 {
        let _ = writeln!(
            out,
            "Plausibility (soft) edits: {implausible} implausible, not counted as failed (severity `plausibility`).\n"
        );
    }
    if outcome.baseline {
        let _ = writeln!(
            out,
            "Compared with a baseline: {} known findings left out, {} changed since the baseline (listed below).\n",
            outcome.known, outcome.changed
        );
    }
    input_errors(report, &mut out);
    if outcome.findings.is_empty() {
        out.push_str("No discrepancies: every decided check holds within rounding.\n");
    }
    let table_of = |cells: &[CellId]| cells.first().map_or(usize::MAX, |c| c.table);
    let mut tables: Vec<usize> = outcome
        .findings
        .iter()
        .map(|f| table_of(&f.cells))
        .collect();
    tables.sort_unstable();
    tables.dedup();
    for table_index in tables {
        match report.dataset.tables.get(table_index) {
            Some(table) => {
                let _ = writeln!(
                    out,
                    "## {} {} ({})\n",
                    cell_text(&table.meta.printed),
                    cell_text(&table.meta.caption),
                    code(table.id())
                );
            }
            None => out.push_str("## Findings without a cell\n\n"),
        }
        for (index, finding) in outcome
            .findings
            .iter()
            .enumerate()
            .filter(|(_, f)| table_of(&f.cells) == table_index)
        {
            let blame = blame_of.get(index).copied().flatten();
            let rule = report.program.rules.get(finding.rule);
            let description = rule.map_or("", |r| r.description.as_str());
            let scale = finding.published.map_or(2, |p| p.scale());
            let _ = writeln!(
                out,
                "### {} — {}\n",
                code(&finding.rule_id),
                cell_text(description)
            );
            // The published figure as the book prints it (digit groups and all).
            let printed = match finding.published {
                Some(value) => finding
                    .cells
                    .first()
                    .and_then(|&id| report.cell(id))
                    .map_or_else(|| value.to_string(), |cell| cell.value),
                None => "— (a comparison of several figures)".to_string(),
            };
            let changed = report.changes(finding).map_or_else(String::new, |changed| {
                format!(
                    "- **Changed since the baseline:** {}\n",
                    cell_text(&changed)
                )
            });
            let blamed = blame.map_or_else(String::new, |blame| {
                format!("- **Blame:** {}\n", cell_text(&report.blame_text(blame)))
            });
            let _ = writeln!(
                out,
                "- **Severity:** {}\n- **Printed:** {}\n- **Derived:** {}\n- **Gap:** {}\n- **Finding:** {}\n{changed}{blamed}",
                report.severity(finding).keyword(),
                cell_text(&printed),
                show_interval(&finding.expected, scale),
                show_gap(finding.gap, scale),
                cell_text(&finding.message)
            );
            let marks = blame.map(|b| report.blame_marks(b)).unwrap_or_default();
            cells_table(
                &mut out,
                report,
                &finding.cells,
                finding.published.is_some(),
                &marks,
            );
            let _ = writeln!(out, "\n> {}\n", doc(finding.kind));
        }
    }
    if outcome.findings_left_out > 0 {
        let _ = writeln!(
            out,
            "**{} more findings left out**: this report lists the first {} (`--max-findings`).\n",
            outcome.findings_left_out,
            outcome.findings.len()
        );
    }
    if !outcome.notes.is_empty() {
        out.push_str("## Checks that could not be decided\n\n");
        for note in &outcome.notes {
            let _ = writeln!(
                out,
                "### {} — {}\n",
                code(&note.rule_id),
                cell_text(&note.message)
            );
            cells_table(&mut out, report, &note.cells, false, &[]);
            out.push('\n');
        }
    }
    if outcome.notes_left_out > 0 {
        let _ = writeln!(
            out,
            "**{} more checks that could not be decided left out**: this report lists the first {} (`--max-findings`).\n",
            outcome.notes_left_out,
            outcome.notes.len()
        );
    }
    let results = per_rule::results(report);
    per_rule_table(&results, &mut out);
    skipped_for_empty_cells(report, &results, &mut out);
    out
}

/// One row per rule: checks, passed, failed, skipped. Folded (`<details>`): a book has a
/// thousand rules, and the findings above are what an editor reads first.
fn per_rule_table(results: &[RuleResult<'_>], out: &mut String) {
    if results.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "## Per rule\n\n<details><summary>{} rules: checks, passed, failed and skipped (R validate's <code>summary()</code>)</summary>\n\n| Rule | Kind | Severity | Checks | Passed | Failed | Skipped | Description |\n|---|---|---|---:|---:|---:|---:|---|",
        results.len()
    );
    for result in results {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            code(&result.rule.id).replace('|', "\\|"),
            result.rule.kind.keyword(),
            result.rule.severity.keyword(),
            result.checks,
            result.counts.passed,
            result.counts.failed,
            result.counts.skipped,
            cell_text(&result.rule.description)
        );
    }
    out.push_str("\n</details>\n\n");
}

/// The checks skipped because a cell they read is empty (R's `NA`) or not in the table, per
/// rule, one line each with the cells; the undecided ones are listed above with all their cells.
fn skipped_for_empty_cells(report: &Report<'_>, results: &[RuleResult<'_>], out: &mut String) {
    let undecided = crate::finding::NoteReason::Undecided;
    let mut heading = false;
    for result in results {
        let skipped: Vec<_> = result
            .skipped
            .iter()
            .filter(|note| note.reason != undecided)
            .collect();
        if skipped.is_empty() {
            continue;
        }
        if !heading {
            out.push_str("## Skipped checks\n\n");
            heading = true;
        }
        let _ = writeln!(
            out,
            "### {} — {} skipped\n",
            code(&result.rule.id),
            result.counts.skipped
        );
        for note in skipped {
            let _ = writeln!(
                out,
                "- {}: {}",
                per_rule::reason(note.reason),
                cell_text(&per_rule::cells(report, note))
            );
        }
        out.push('\n');
    }
    let left_out = report.outcome.skips_left_out;
    if left_out > 0 {
        let _ = writeln!(
            out,
            "**{left_out} more skipped checks left out**: this report lists the first {} (`--max-findings`).\n",
            report.outcome.skips.len()
        );
    }
}

/// The input errors, before the findings: each kept the checks that depend on it from running.
fn input_errors(report: &Report<'_>, out: &mut String) {
    if report.errors.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "## Input errors\n\n{}\n",
        report.not_checked_sentence()
    );
    for error in report.error_views() {
        let place = error
            .place()
            .map_or_else(String::new, |p| format!(" ({})", code(&p)));
        let _ = writeln!(
            out,
            "- **{}**{place}: {}",
            cell_text(&error.code),
            cell_text(&error.message)
        );
    }
    out.push('\n');
}
