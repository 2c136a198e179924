//! `--format github`: GitHub Actions workflow commands, so findings show as annotations on the
//! tables' lines.
//!
//! One `::error` line per cell of each finding (a sum's total and each of its parts, both
//! printings of a figure printed twice; the first 1 000 cells of a finding that reads more,
//! and a `::notice` that counts the others): `file`, `line` and `col` point at the cell, `title` is
//! the rule id, and the message says which cell it is, the finding's message and the rule's
//! description. A workbook's cell gives its row and column number as `line` and `col`, and
//! its address (`附表10!C7`) in the message; a figure of a Word document its paragraph and
//! first character, and `¶1304, characters 369–373` in the message. Values are escaped as the
//! runner requires: `%`, CR and LF everywhere, and also `:` and `,` in properties.

use super::Report;
use crate::lang::ast::Severity;
use std::fmt::Write;

/// Cells of one finding annotated at most, as SARIF locates them: GitHub shows ten error
/// annotations a step and leaves the rest in the log, and an outlier rule's finding over 10⁶
/// records reads every record's figure (a million lines, 261 MB).
const MOST_ANNOTATED: usize = 1_000;

/// Escape a command's message.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a command property's value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The workflow commands, one per line.
pub fn render(report: &Report<'_>) -> String {
    let mut out = String::new();
    for error in report.error_views() {
        let place = match (&error.file, error.line, error.column) {
            (Some(file), Some(line), Some(column)) => {
                format!(" file={},line={line},col={column},", property(file))
            }
            (Some(file), _, _) => format!(" file={},", property(file)),
            _ => " ".to_string(),
        };
        let message = match &error.help {
            Some(help) => format!("{}\n{help}", error.message),
            None => error.message.clone(),
        };
        let _ = writeln!(
            out,
            "::error{place}title={}::{}",
            property(&error.code),
            data(&message)
        );
    }
    for finding in &report.outcome.findings {
        let description = report
            .program
            .rules
            .get(finding.rule)
            .map_or("", |r| r.description.as_str());
        let changed = report
            .changed(finding)
            .map_or_else(String::new, |changed| format!("\n{changed}"));
        let title = if report.is_soft(finding) {
            format!("{} (plausibility)", finding.rule_id)
        } else {
            finding.rule_id.clone()
        };
        for (index, cell) in finding
            .cells
            .iter()
            .take(MOST_ANNOTATED)
            .filter_map(|&id| report.cell(id))
            .enumerate()
        {
            let role = if index == 0 && finding.published.is_some() {
                "published"
            } else {
                "involved"
            };
            let mut place = if cell.column.is_empty() {
                format!("{} [{}]", cell.table.id(), cell.row)
            } else {
                format!("{} [{}, {}]", cell.table.id(), cell.row, cell.column)
            };
            if let Some(address) = &cell.address {
                place = format!("{place} at {address}");
            }
            let message = format!(
                "{role} {} · {place}: {}{changed}\n{description}",
                cell.value, finding.message
            );
            let _ = writeln!(
                out,
                "::{} file={},line={},col={},title={}::{}",
                match report.severity(finding) {
                    Severity::Error => "error",
                    Severity::Warning | Severity::Plausibility => "warning",
                    Severity::Info => "notice",
                },
                property(&cell.table.source().path().display().to_string()),
                cell.position.line,
                cell.position.column,
                property(&title),
                data(&message)
            );
        }
        let left_out = finding.cells.len().saturating_sub(MOST_ANNOTATED);
        if left_out > 0 {
            let message = format!(
                "… and {left_out} more cells it reads, not annotated (`--format json` lists \
                 them all)"
            );
            let _ = writeln!(
                out,
                "::notice title={}::{}",
                property(&title),
                data(&message)
            );
        }
    }
    let outcome = report.outcome;
    if outcome.findings_left_out > 0 {
        let _ = writeln!(
            out,
            "::warning title=crossfoot::{}",
            data(&format!(
                "{} more findings left out: the first {} are annotated (--max-findings)",
                outcome.findings_left_out,
                outcome.findings.len()
            ))
        );
    }
    out
}
