//! `--format sarif`: a SARIF 2.1.0 log for code-scanning tools.
//!
//! One run; its driver lists every rule (id, the rule's description, the kind's explanation as
//! help, and in its properties the rule's checks, passed, failed and skipped in this run). One result per finding, level `error`, with one physical location per cell (the first
//! [`MOST_LOCATIONS`] of a finding that reads more, the others counted): the
//! file as the JSON report prints it, the 1-based line and column (characters, so the run says
//! `columnKind: unicodeCodePoints`) and the cell's byte offset and length in the file as stored.
//! A workbook's cell has its row and column number as line and column, no bytes, and its
//! address (`附表10!C7`) as a logical location and in the location's message. A figure of a
//! Word document has its paragraph as the line and its characters as the columns
//! (`startColumn` its first, `endColumn` the one after its last, as SARIF counts), no bytes,
//! and `¶1304, characters 369–373` as a logical location and in the message. Built with
//! `serde_json` directly: the log is small and the schema test checks its shape.

use super::{CellView, Report};
use crate::checks::docs::doc;
use crate::finding::RuleCounts;
use crate::lang::ast::Severity;
use serde_json::{Value, json};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Locations of one result at most: GitHub's code scanning rejects a whole log that has a
/// result with more (and shows 100). An outlier rule's finding over 10⁶ records reads every
/// record's figure: its million locations took 7.7 GB to build and made a log no scanner takes.
const MOST_LOCATIONS: usize = 1_000;

/// A file path as a relative URI reference: `/` separators, everything outside the unreserved
/// characters percent-encoded.
fn uri(path: &std::path::Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn place(cell: &CellView<'_>) -> String {
    if cell.column.is_empty() {
        format!("{} [{}] {}", cell.table.id(), cell.row, cell.value)
    } else {
        format!(
            "{} [{}, {}] {}",
            cell.table.id(),
            cell.row,
            cell.column,
            cell.value
        )
    }
}

fn location(cell: &CellView<'_>) -> Value {
    let mut region = json!({
        "startLine": cell.position.line,
        "startColumn": cell.position.column,
    });
    if let (Some(stored), Some(fields)) = (cell.stored, region.as_object_mut()) {
        fields.insert("byteOffset".into(), stored.offset.into());
        fields.insert("byteLength".into(), stored.length.into());
    }
    if let (Some(place), Some(fields)) = (cell.paragraph, region.as_object_mut()) {
        fields.insert("endLine".into(), place.paragraph.into());
        fields.insert("endColumn".into(), (place.last + 1).into());
    }
    let mut location = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(cell.table.source().path()) },
            "region": region,
        },
        "message": { "text": place(cell) }
    });
    // A workbook's cell, a Word document's figure: its address as a logical location, and in
    // the message.
    if let (Some(address), Some(fields)) = (&cell.address, location.as_object_mut()) {
        fields.insert(
            "logicalLocations".into(),
            json!([{ "name": address, "fullyQualifiedName": address, "kind": "element" }]),
        );
        fields.insert(
            "message".into(),
            json!({ "text": format!("{} at {address}", place(cell)) }),
        );
    }
    location
}

/// A rule's properties: its kind, and `severity: plausibility` for a soft edit (SARIF's
/// levels have no word for it: its level is `warning`).
fn properties(rule: &crate::engine::program::CompiledRule, counts: RuleCounts) -> Value {
    let mut properties = json!({
        "kind": rule.kind.keyword(),
        "checks": rule.work.check_count(),
        "passed": counts.passed,
        "failed": counts.failed,
        "skipped": counts.skipped,
        "notChecked": counts.not_checked,
    });
    if let (true, Some(bag)) = (rule.severity.is_soft(), properties.as_object_mut()) {
        bag.insert("severity".into(), json!(rule.severity.keyword()));
    }
    properties
}

/// SARIF's name for a severity.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning | Severity::Plausibility => "warning",
        Severity::Info => "note",
    }
}

/// The blamed figure replaced by the proposed one, as a SARIF artifact change; `None` for a
/// figure of a workbook or a Word document (their bytes are a zip: no text edit says it).
fn replacement(report: &Report<'_>, suspect: &crate::blame::Suspect) -> Option<Value> {
    let cell = report.cell(suspect.cell)?;
    let stored = cell.stored?;
    // The span holds the cell as written, quotes and all (`"2 916.5"`): the figure is
    // replaced inside it.
    let written = cell.table.source().slice(cell.span);
    let inserted = written.replacen(&cell.value, &report.proposal_text(suspect), 1);
    let end_column = cell.position.column + written.chars().count();
    Some(json!({
        "artifactLocation": { "uri": uri(cell.table.source().path()) },
        "replacements": [{
            "deletedRegion": {
                "startLine": cell.position.line,
                "startColumn": cell.position.column,
                "endLine": cell.position.line,
                "endColumn": end_column,
                "byteOffset": stored.offset,
                "byteLength": stored.length,
            },
            "insertedContent": { "text": inserted },
        }],
    }))
}

/// SARIF `fixes` from a finding's blame: one fix per equally good explanation (either printing
/// of a figure printed twice), or one fix changing every cell of a greedy cover.
fn fixes(report: &Report<'_>, blame: &crate::blame::Blame) -> Vec<Value> {
    let answer = blame.answer();
    let fix = |suspects: &[crate::blame::Suspect]| -> Option<Value> {
        let changes: Vec<Value> = suspects
            .iter()
            .map(|s| replacement(report, s))
            .collect::<Option<_>>()?;
        let what: Vec<String> = suspects
            .iter()
            .map(|s| format!("{} → {}", report.cell_name(s.cell), report.proposal_text(s)))
            .collect();
        (!changes.is_empty()).then(|| {
            json!({
                "description": { "text": what.join("; ") },
                "artifactChanges": changes,
            })
        })
    };
    if blame.exact {
        answer
            .iter()
            .filter_map(|s| fix(std::slice::from_ref(s)))
            .collect()
    } else {
        fix(answer).into_iter().collect()
    }
}

/// The locations of a finding's first [`MOST_LOCATIONS`] cells, and how many cells are left
/// out after them.
fn locations(report: &Report<'_>, cells: &[crate::engine::program::CellId]) -> (Vec<Value>, usize) {
    let mut locations = Vec::new();
    let mut read = 0;
    for &id in cells {
        if locations.len() == MOST_LOCATIONS {
            break;
        }
        read += 1;
        if let Some(cell) = report.cell(id) {
            locations.push(location(&cell));
        }
    }
    (locations, cells.len() - read)
}

/// The SARIF log, pretty-printed.
pub fn render(report: &Report<'_>) -> String {
    let blame_of = crate::blame::by_finding(&report.outcome.blame, report.outcome.findings.len());
    let rules: Vec<Value> = report
        .program
        .rules
        .iter()
        .enumerate()
        .map(|(index, rule)| {
            // The rule's results in this run (R validate's `summary()`): the descriptor's
            // property bag, since SARIF has no per-rule count and a driver's rules belong to
            // one run.
            let counts = report
                .outcome
                .per_rule
                .get(index)
                .copied()
                .unwrap_or_default();
            json!({
                "id": rule.id,
                "shortDescription": { "text": rule.description },
                "help": { "text": doc(rule.kind) },
                "defaultConfiguration": { "level": level(rule.severity) },
                "properties": properties(rule, counts),
            })
        })
        .collect();
    let results: Vec<Value> = report
        .outcome
        .findings
        .iter()
        .enumerate()
        .map(|(index, finding)| {
            let blame = blame_of
                .get(index)
                .copied()
                .flatten()
                .and_then(|group| report.outcome.blame.get(group));
            let (locations, left_out) = locations(report, &finding.cells);
            let mut message = match report.changed(finding) {
                Some(changed) => format!("{}\n{changed}", finding.message),
                None => finding.message.clone(),
            };
            if left_out > 0 {
                message = format!(
                    "{message}\n… and {left_out} more cells it reads, not located here \
                     (`--format json` lists them all)"
                );
            }
            if let Some(blame) = blame {
                message = format!("{message}\n{}", report.blame_text(blame));
            }
            let mut result = json!({
                "ruleId": finding.rule_id,
                "ruleIndex": finding.rule,
                "level": level(report.severity(finding)),
                "message": { "text": message },
                "locations": locations,
            });
            // Compared with a baseline: a known finding is left out, so a result is new, or
            // known with figures that changed.
            if let (true, Some(fields)) = (report.outcome.baseline, result.as_object_mut()) {
                let state = if finding.changed.is_empty() {
                    "new"
                } else {
                    "updated"
                };
                fields.insert("baselineState".into(), state.into());
            }
            let mut bag = serde_json::Map::new();
            if report.is_soft(finding) {
                bag.insert("severity".into(), Severity::Plausibility.keyword().into());
            }
            if left_out > 0 {
                bag.insert("locationsLeftOut".into(), left_out.into());
            }
            if let (false, Some(fields)) = (bag.is_empty(), result.as_object_mut()) {
                fields.insert("properties".into(), bag.into());
            }
            let fixes = blame.map(|b| fixes(report, b)).unwrap_or_default();
            if let (false, Some(fields)) = (fixes.is_empty(), result.as_object_mut()) {
                fields.insert("fixes".into(), fixes.into());
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "crossfoot",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "invocations": [invocation(report)],
            "results": results,
        }]
    });
    serde_json::to_string_pretty(&log).unwrap_or_default()
}

/// The run itself: whether it went through, and each input error as a notification (SARIF's
/// place for a problem of the tool's inputs rather than a result about the data).
fn invocation(report: &Report<'_>) -> Value {
    let mut notifications: Vec<Value> = report
        .error_views()
        .into_iter()
        .map(|error| {
            let mut notification = json!({
                "level": "error",
                "message": { "text": error.message },
                "descriptor": { "id": error.code },
            });
            if let (Some(file), Some(line), Some(column)) = (&error.file, error.line, error.column)
            {
                notification.as_object_mut().map(|fields| {
                    fields.insert(
                        "locations".to_string(),
                        json!([{
                            "physicalLocation": {
                                "artifactLocation": { "uri": file },
                                "region": { "startLine": line, "startColumn": column },
                            }
                        }]),
                    )
                });
            }
            notification
        })
        .collect();
    let outcome = report.outcome;
    if outcome.findings_left_out > 0 {
        notifications.push(json!({
            "level": "warning",
            "message": { "text": format!(
                "{} more findings left out: the first {} are results (--max-findings)",
                outcome.findings_left_out,
                outcome.findings.len()
            ) },
            "descriptor": { "id": "crossfoot::findings_left_out" },
        }));
    }
    json!({
        "executionSuccessful": report.errors.is_empty(),
        "toolExecutionNotifications": notifications,
    })
}
