//! The lint report: one miette diagnostic per finding (human), or a JSON document
//! (`--format json`: `summary` {`rules`, `checks`, `findings`, `errors`, `warnings`} and
//! `findings` [{`code`, `severity`, `message`, `help`, `rules`, `locations`, `cells`}], where a
//! location is {`file`, `line`, `column_number` (characters), `span` (bytes), `label`}).

use super::{Lint, Linted, Place};
use crate::excerpt;
use crate::lang::ast::Severity;
use crate::report::human::{SpannedDiagnostic, Style};
use miette::LabeledSpan;
use serde::Serialize;
use std::sync::Arc;

fn label(place: &Place) -> LabeledSpan {
    LabeledSpan::new(
        Some(place.label.clone()),
        place.span.offset,
        place.span.length,
    )
}

impl Lint {
    /// The diagnostic to draw, or `None` for a lint without a place.
    pub fn diagnostic(&self) -> Option<SpannedDiagnostic> {
        let main = self.places.first()?;
        let (here, elsewhere): (Vec<&Place>, Vec<&Place>) = self
            .places
            .iter()
            .partition(|p| Arc::ptr_eq(&p.source, &main.source));
        let related = elsewhere
            .into_iter()
            .map(|place| SpannedDiagnostic {
                title: format!("see {}", place.source.path().display()),
                code: None,
                help: None,
                severity: miette::Severity::Advice,
                source: excerpt::named(&place.source, &[place.span]),
                labels: vec![label(place)],
                related: Vec::new(),
            })
            .collect();
        Some(SpannedDiagnostic {
            title: self.message.clone(),
            code: Some(self.code.code().to_string()),
            help: Some(self.help.clone()),
            severity: match self.code.severity() {
                Severity::Error => miette::Severity::Error,
                Severity::Warning | Severity::Plausibility => miette::Severity::Warning,
                Severity::Info => miette::Severity::Advice,
            },
            source: excerpt::named(
                &main.source,
                &here.iter().map(|place| place.span).collect::<Vec<_>>(),
            ),
            labels: here.into_iter().map(label).collect(),
            related,
        })
    }

    /// The lint as a report an error list can hold (`check` refusing contradictory rules).
    pub fn into_report(&self) -> Option<miette::Report> {
        self.diagnostic().map(miette::Report::new)
    }
}

/// Every lint, then a summary line.
pub fn human(linted: &Linted, style: Style) -> String {
    let handler = style.handler();
    let mut out = String::new();
    for lint in &linted.lints {
        if let Some(diagnostic) = lint.diagnostic() {
            let _ = handler.render_report(&mut out, &diagnostic);
            out.push('\n');
        }
    }
    let summary = Summary::of(linted);
    let plural =
        |count: usize, word: &str| format!("{count} {word}{}", if count == 1 { "" } else { "s" });
    out.push_str(&format!(
        "lint: {} · {}: {} ({}, {})\n",
        plural(summary.rules, "rule"),
        plural(summary.checks, "check"),
        plural(summary.findings, "finding"),
        plural(summary.errors, "error"),
        plural(summary.warnings, "warning"),
    ));
    out
}

#[derive(Serialize)]
struct Summary {
    rules: usize,
    checks: usize,
    findings: usize,
    errors: usize,
    warnings: usize,
}

impl Summary {
    fn of(linted: &Linted) -> Self {
        let errors = linted
            .lints
            .iter()
            .filter(|l| l.code.severity() == Severity::Error)
            .count();
        Summary {
            rules: linted.program.rules.len(),
            checks: linted.program.check_count(),
            findings: linted.lints.len(),
            errors,
            warnings: linted.lints.len() - errors,
        }
    }
}

#[derive(Serialize)]
struct Document<'a> {
    summary: Summary,
    findings: Vec<Finding<'a>>,
}

#[derive(Serialize)]
struct Finding<'a> {
    code: &'static str,
    severity: &'static str,
    message: &'a str,
    help: &'a str,
    rules: &'a [String],
    locations: Vec<Location>,
    cells: Vec<Cell>,
}

#[derive(Serialize)]
struct Location {
    file: String,
    line: usize,
    column_number: usize,
    span: Span,
    label: String,
}

#[derive(Serialize)]
struct Span {
    offset: usize,
    length: usize,
}

#[derive(Serialize)]
struct Cell {
    table: String,
    row: String,
    column: String,
}

/// The JSON document.
pub fn json(linted: &Linted) -> String {
    let findings = linted
        .lints
        .iter()
        .map(|lint| Finding {
            code: lint.code.code(),
            severity: lint.code.severity().keyword(),
            message: &lint.message,
            help: &lint.help,
            rules: &lint.rules,
            locations: lint
                .places
                .iter()
                .map(|place| {
                    let at = place.source.line_column(place.span.offset);
                    Location {
                        file: place.source.path().display().to_string(),
                        line: at.line,
                        column_number: at.column,
                        span: Span {
                            offset: place.span.offset,
                            length: place.span.length,
                        },
                        label: place.label.clone(),
                    }
                })
                .collect(),
            cells: lint
                .cells
                .iter()
                .enumerate()
                // A cell named on both sides is one cell of the finding.
                .filter(|&(i, id)| !lint.cells.get(..i).is_some_and(|seen| seen.contains(id)))
                .filter_map(|(_, &id)| {
                    let table = linted.dataset.tables.get(id.table)?;
                    let row = table.row(id.row)?.to_string();
                    let column = table
                        .columns()
                        .get(id.column)
                        .map_or_else(String::new, ToString::to_string);
                    Some(Cell {
                        table: table.id().to_string(),
                        row,
                        column,
                    })
                })
                .collect(),
        })
        .collect();
    let document = Document {
        summary: Summary::of(linted),
        findings,
    };
    serde_json::to_string_pretty(&document).unwrap_or_default()
}
