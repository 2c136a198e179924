//! `--format junit`: JUnit XML for CI test dashboards.
//!
//! One `<testsuite>` per rule, named by the rule id. A run keeps its failures and notes but only
//! counts the checks that passed or were skipped, so a suite holds:
//!
//! - one failed `<testcase>` per finding, named after the check's first cell, with the finding's
//!   message;
//! - one skipped `<testcase>` per note (a check that could not be decided, with the reason);
//! - one `<testcase>` "N checks passed" standing for all the rule's passing checks (its
//!   `assertions` attribute is N), when there are any;
//! - one skipped `<testcase>` "N checks skipped" for the checks skipped without a note (a cell
//!   they need is `—` or empty), when there are any.
//!
//! So `failures` counts failed checks exactly (the summary's `failed`) and the `tests`,
//! `failures` and `skipped` attributes agree with the elements, as dashboards that count
//! elements expect; the exact per-rule counts of checks are in each suite's `<properties>`
//! (`checks`, `passed`, `failed`, `skipped`). When the run lists only the first findings
//! (`--max-findings`), a suite with more ends with one failed `<testcase>` "N more failed
//! checks, not listed" (`assertions` N) standing for the rest: `failures` then counts
//! elements, and `failed` stays exact. Listing every passing check by name would need
//! the run to keep them, which it does not (a large data set runs millions).

use super::Report;
use std::fmt::Write;

/// Text for an XML attribute or element: the five special characters escaped, and the
/// characters XML 1.0 cannot carry (C0 controls other than tab and newlines) dropped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// `1 check`, `2 checks`.
fn checks(count: usize) -> String {
    if count == 1 {
        "1 check".to_string()
    } else {
        format!("{count} checks")
    }
}

enum Status {
    Passed,
    Failed(String),
    Skipped(String),
}

struct Case {
    name: String,
    assertions: Option<usize>,
    status: Status,
}

fn where_is(report: &Report<'_>, cells: &[crate::engine::program::CellId]) -> String {
    cells
        .first()
        .and_then(|&id| report.cell(id))
        .map_or_else(String::new, |cell| {
            let place = if cell.column.is_empty() {
                format!("{} [{}]", cell.table.id(), cell.row)
            } else {
                format!("{} [{}, {}]", cell.table.id(), cell.row, cell.column)
            };
            format!("{place} at {}", cell.location())
        })
}

/// `plausibility: ` before a soft edit's message: JUnit has no warnings, so a failed
/// plausibility check is a failed test case that says it is one.
fn soft(report: &Report<'_>, finding: &crate::finding::Finding) -> &'static str {
    if report.is_soft(finding) {
        "plausibility: "
    } else {
        ""
    }
}

/// The JUnit XML document.
pub fn render(report: &Report<'_>) -> String {
    let outcome = report.outcome;
    let mut suites = String::new();
    let (mut all_tests, mut all_failures, mut all_skipped) = (0, 0, 0);
    for (index, rule) in report.program.rules.iter().enumerate() {
        let counts = outcome.per_rule.get(index).copied().unwrap_or_default();
        let mut cases = Vec::new();
        for finding in outcome.findings.iter().filter(|f| f.rule == index) {
            cases.push(Case {
                name: format!(
                    "check {}: {}",
                    finding.check + 1,
                    where_is(report, &finding.cells)
                ),
                assertions: None,
                status: Status::Failed(match report.changed(finding) {
                    Some(changed) => {
                        format!("{}{}\n{changed}", soft(report, finding), finding.message)
                    }
                    None => format!("{}{}", soft(report, finding), finding.message),
                }),
            });
        }
        let listed = cases.len();
        if counts.failed > listed {
            cases.push(Case {
                name: format!(
                    "{} more failed checks, not listed (--max-findings)",
                    counts.failed - listed
                ),
                assertions: Some(counts.failed - listed),
                status: Status::Failed(format!(
                    "{} more checks of this rule failed; the report lists the first {} findings \
                     of the run",
                    counts.failed - listed,
                    outcome.findings.len()
                )),
            });
        }
        let notes: Vec<_> = outcome.notes.iter().filter(|n| n.rule == index).collect();
        for note in &notes {
            cases.push(Case {
                name: format!(
                    "check {}: {}",
                    note.check + 1,
                    where_is(report, &note.cells)
                ),
                assertions: None,
                status: Status::Skipped(format!("not decided: {}", note.message)),
            });
        }
        if counts.passed > 0 {
            cases.push(Case {
                name: format!("{} passed", checks(counts.passed)),
                assertions: Some(counts.passed),
                status: Status::Passed,
            });
        }
        let quiet_skips = counts.skipped.saturating_sub(notes.len());
        if quiet_skips > 0 {
            let why = if outcome.notes_left_out > 0 {
                "a cell the check needs is not applicable (— or empty), or the check could not \
                 be decided (not listed: --max-findings)"
            } else {
                "a cell the check needs is not applicable (— or empty)"
            };
            cases.push(Case {
                name: format!("{} skipped", checks(quiet_skips)),
                assertions: Some(quiet_skips),
                status: Status::Skipped(why.into()),
            });
        }
        let failures = cases
            .iter()
            .filter(|c| matches!(c.status, Status::Failed(_)))
            .count();
        let skipped = cases
            .iter()
            .filter(|c| matches!(c.status, Status::Skipped(_)))
            .count();
        all_tests += cases.len();
        all_failures += failures;
        all_skipped += skipped;
        let name = escape(&rule.id);
        let _ = writeln!(
            suites,
            "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">",
            cases.len()
        );
        let _ = writeln!(suites, "    <properties>");
        for (key, value) in [
            ("kind", rule.kind.keyword().to_string()),
            ("description", rule.description.clone()),
            ("checks", rule.work.check_count().to_string()),
            ("passed", counts.passed.to_string()),
            ("failed", counts.failed.to_string()),
            ("skipped", counts.skipped.to_string()),
        ] {
            let _ = writeln!(
                suites,
                "      <property name=\"{key}\" value=\"{}\"/>",
                escape(&value)
            );
        }
        let _ = writeln!(suites, "    </properties>");
        for case in cases {
            let assertions = case
                .assertions
                .map_or_else(String::new, |n| format!(" assertions=\"{n}\""));
            let open = format!(
                "    <testcase name=\"{}\" classname=\"{name}\"{assertions}",
                escape(&case.name)
            );
            let _ = match case.status {
                Status::Passed => writeln!(suites, "{open}/>"),
                Status::Failed(message) => writeln!(
                    suites,
                    "{open}>\n      <failure message=\"{m}\" type=\"{kind}\">{m}</failure>\n    </testcase>",
                    m = escape(&message),
                    kind = rule.kind.keyword()
                ),
                Status::Skipped(message) => writeln!(
                    suites,
                    "{open}>\n      <skipped message=\"{}\"/>\n    </testcase>",
                    escape(&message)
                ),
            };
        }
        let _ = writeln!(suites, "  </testsuite>");
    }
    let errors = input_errors(report, &mut suites);
    all_tests += errors;
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"crossfoot\" tests=\"{all_tests}\" failures=\"{all_failures}\" errors=\"{errors}\" skipped=\"{all_skipped}\">\n{suites}</testsuites>\n"
    )
}

/// One suite `input errors` with an erroring test case per input error (JUnit's `<error>`:
/// the test could not run, as opposed to a `<failure>`); how many errors it holds.
fn input_errors(report: &Report<'_>, suites: &mut String) -> usize {
    let errors = report.error_views();
    if errors.is_empty() {
        return 0;
    }
    let _ = writeln!(
        suites,
        "  <testsuite name=\"input errors\" tests=\"{0}\" failures=\"0\" errors=\"{0}\" skipped=\"0\">",
        errors.len()
    );
    for error in &errors {
        let name = error.place().unwrap_or_else(|| error.code.clone());
        let detail = match &error.help {
            Some(help) => format!("{}\n{help}", error.message),
            None => error.message.clone(),
        };
        let _ = writeln!(
            suites,
            "    <testcase name=\"{}\" classname=\"input errors\">\n      <error type=\"{}\" message=\"{}\"/>\n    </testcase>",
            escape(&name),
            escape(&error.code),
            escape(&detail)
        );
    }
    let _ = writeln!(suites, "  </testsuite>");
    errors.len()
}
