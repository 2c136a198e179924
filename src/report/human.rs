//! The human report: one rustc-style miette diagnostic per finding, with a labelled span on
//! every cell involved, then a summary line.
//!
//! A finding's cells may sit in several files (a cross-table identity); the cells in the
//! published figure's file are labelled on the main diagnostic, the others on related ones.

use super::{CellView, Report};
use crate::engine::program::CellId;
use crate::excerpt::{self, ExcerptedSource};
use crate::finding::{Finding, TableCoverage};
use crate::lang::ast::Severity;
use crate::source::Span;
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use rayon::prelude::*;
use std::fmt::{self, Display};

/// How to draw diagnostics.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub width: usize,
}

impl Style {
    /// The one drawing of diagnostics, findings' and lints' alike. It wraps at spaces only:
    /// Unicode's line breaking would split a label between any two Chinese characters
    /// (`[电子信` / `息, 2021年]`), and took half the time of drawing the book's findings.
    pub fn handler(self) -> GraphicalReportHandler {
        let theme = if self.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        GraphicalReportHandler::new_themed(theme)
            .with_width(self.width)
            .with_word_separator(textwrap::WordSeparator::AsciiSpace)
    }
}

/// A diagnostic over spans of one file, with the spans of other files as related diagnostics:
/// how a finding (and a lint) is drawn.
#[derive(Debug)]
pub struct SpannedDiagnostic {
    pub title: String,
    pub code: Option<String>,
    pub help: Option<String>,
    pub source: NamedSource<ExcerptedSource>,
    pub labels: Vec<LabeledSpan>,
    pub related: Vec<SpannedDiagnostic>,
    pub severity: miette::Severity,
}

impl Display for SpannedDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.title)
    }
}

impl std::error::Error for SpannedDiagnostic {}

impl Diagnostic for SpannedDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn Display + 'a>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c.as_str()) as Box<dyn Display>)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h.as_str()) as Box<dyn Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|d| d as &dyn Diagnostic)))
    }
}

/// How many characters of a text figure's anchor words a label shows: the span already points
/// at the figure in its sentence, and a whole sentence would run past the report's width.
const ANCHOR_CHARS: usize = 24;

fn label_text(cell: &CellView<'_>, published: bool) -> String {
    let mut place = if cell.table.meta.anchored {
        let words: Vec<char> = cell.row.chars().collect();
        let (part, words) = match cell.row.split_once('/') {
            Some((part, rest)) => (part, rest.chars().collect::<Vec<char>>()),
            None => ("", words),
        };
        let start = words.len().saturating_sub(ANCHOR_CHARS);
        let tail: String = words.get(start..).unwrap_or_default().iter().collect();
        let ellipsis = if start > 0 { "…" } else { "" };
        format!("{} [{part}/{ellipsis}{tail}]", cell.table.id())
    } else if cell.column.is_empty() {
        format!("{} [{}]", cell.table.id(), cell.row)
    } else {
        format!("{} [{}, {}]", cell.table.id(), cell.row, cell.column)
    };
    // miette shows a sheet as rendered CSV text, and a Word document as its paragraphs' text:
    // the address says where the cell really is (`附表10!C7`, `¶1304, characters 369–373`).
    if let Some(address) = &cell.address {
        place = format!("{place} · {address}");
    }
    if let Some(flag) = &cell.flag {
        place = format!("{place} · flag {flag}");
    }
    if published {
        format!("published {} · {place}", cell.value)
    } else {
        format!("{} · {place}", cell.value)
    }
}

/// Cells of one finding or note drawn with a label, at most: enough for a sum of a country's
/// regions and its total, where miette, which places each label by reading its source up to
/// it, had not ended after ten minutes for a check over 10⁵ records. The JSON report lists every cell.
const MOST_CELLS_DRAWN: usize = 64;

/// A finding's cells grouped by file, in the order given (the first group holds the first
/// cell), at most [`MOST_CELLS_DRAWN`] of them; the label of `published` says so.
struct CellsByFile<'r> {
    groups: Vec<Vec<(CellView<'r>, String)>>,
    /// The cells not drawn: past [`MOST_CELLS_DRAWN`].
    not_drawn: usize,
}

impl CellsByFile<'_> {
    /// What a help says of the cells not drawn, if any.
    fn not_drawn_note(&self) -> Option<String> {
        (self.not_drawn > 0).then(|| {
            format!(
                "… and {} more cells it reads, not drawn here (`--format json` lists them all)",
                self.not_drawn
            )
        })
    }
}

fn cells_by_file<'r>(
    report: &'r Report<'_>,
    ids: &[CellId],
    published: Option<CellId>,
) -> CellsByFile<'r> {
    let mut groups: Vec<Vec<(CellView<'r>, String)>> = Vec::new();
    let (mut drawn, mut not_drawn) = (0, 0);
    for (place, &id) in ids.iter().enumerate() {
        if drawn == MOST_CELLS_DRAWN {
            // Counted as named, not placed: placing each of the rest (its line and column)
            // took most of a run whose 2 000 findings each read 20 001 records.
            not_drawn = ids.len() - place;
            break;
        }
        let Some(view) = report.cell(id) else {
            continue;
        };
        let label = label_text(&view, published == Some(id));
        match groups.iter_mut().find(|g| {
            g.first()
                .is_some_and(|(c, _)| c.table.id() == view.table.id())
        }) {
            // A figure printed in two places of one file is drawn once.
            Some(group) => {
                if !group.iter().any(|(c, _)| c.span == view.span) {
                    group.push((view, label));
                    drawn += 1;
                }
            }
            None => {
                groups.push(vec![(view, label)]);
                drawn += 1;
            }
        }
    }
    CellsByFile { groups, not_drawn }
}

/// `6 895.4` with a no-break space, so that wrapping the help never splits a figure printed
/// with a space between its thousands.
fn unbreakable_figures(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let digit = |i: usize| chars.get(i).is_some_and(char::is_ascii_digit);
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let groups_thousands =
                c == ' ' && i > 0 && digit(i - 1) && (1..=3).all(|k| digit(i + k)) && !digit(i + 4);
            if groups_thousands { '\u{a0}' } else { c }
        })
        .collect()
}

/// Mark the blamed cell's label with what it should print: "likely wrong", or where other
/// figures explain the findings as well, "may be wrong".
fn mark_blamed(groups: &mut [Vec<(CellView<'_>, String)>], blamed: Option<(String, bool)>) {
    let Some((proposed, tied)) = blamed else {
        return;
    };
    let likely = if tied { "may be wrong" } else { "likely wrong" };
    if let Some((_, label)) = groups.first_mut().and_then(|g| g.first_mut()) {
        *label = format!("{likely} (→ {proposed}): {label}");
    }
}

fn diagnostic(
    title: String,
    code: Option<String>,
    help: Option<String>,
    groups: Vec<Vec<(CellView<'_>, String)>>,
) -> Option<SpannedDiagnostic> {
    let mut diagnostics = groups.into_iter().map(|group| {
        let spans: Vec<Span> = group.iter().map(|(cell, _)| cell.span).collect();
        let source = group
            .first()
            .map(|(c, _)| excerpt::named(c.table.source(), &spans));
        let table = group.first().map_or(String::new(), |(c, _)| {
            format!("{} ({})", c.table.id(), c.table.meta.printed)
        });
        let labels = group
            .iter()
            .map(|(cell, label)| {
                LabeledSpan::new(Some(label.clone()), cell.span.offset, cell.span.length)
            })
            .collect();
        (source, labels, table)
    });
    let (source, labels, _) = diagnostics.next()?;
    let related = diagnostics
        .filter_map(|(source, labels, table)| {
            Some(SpannedDiagnostic {
                title: format!("compared with cells of {table}"),
                code: None,
                help: None,
                source: source?,
                labels,
                related: Vec::new(),
                severity: miette::Severity::Advice,
            })
        })
        .collect();
    Some(SpannedDiagnostic {
        title,
        code,
        help,
        source: source?,
        labels,
        related,
        severity: miette::Severity::Error,
    })
}

/// Render every finding and note, then the summary.
pub fn render(report: &Report<'_>, style: Style) -> String {
    let mut out = Vec::new();
    let _ = write(report, style, &mut out);
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// [`render`], writing each diagnostic to `out` as soon as it is drawn: the report is never
/// held whole.
pub fn write(
    report: &Report<'_>,
    style: Style,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let handler = style.handler();
    let mut text = String::new();
    let outcome = report.outcome;
    let blame_of = crate::blame::by_finding(&outcome.blame, outcome.findings.len());
    // Each finding's diagnostic is worded and laid out on its own: a batch of them at a time
    // on every core, written in order while the next batch is laid out.
    let findings: Vec<(usize, &Finding)> = outcome.findings.iter().enumerate().collect();
    let render = |batch: std::ops::Range<usize>| -> std::io::Result<Vec<String>> {
        Ok(findings
            .get(batch)
            .unwrap_or_default()
            .par_iter()
            .map(|&(index, finding)| finding_text(report, &handler, &blame_of, index, finding))
            .collect())
    };
    let write_batch = |texts: &Vec<String>| -> std::io::Result<()> {
        texts
            .iter()
            .try_for_each(|finding| out.write_all(finding.as_bytes()))
    };
    super::batches::in_batches(findings.len(), FINDINGS_PER_BATCH, render, write_batch)?;
    if outcome.findings_left_out > 0 {
        writeln!(
            out,
            "… and {} more findings, not shown: the first {} are (--max-findings)\n",
            outcome.findings_left_out,
            outcome.findings.len()
        )?;
    }
    for note in &outcome.notes {
        text.clear();
        let title = format!("{}: not checked: {}", note.rule_id, note.message);
        let cells = cells_by_file(report, &note.cells, None);
        let help = cells.not_drawn_note();
        if let Some(d) = diagnostic(title, Some("crossfoot::note".into()), help, cells.groups) {
            let _ = handler.render_report(&mut text, &d);
            text.push('\n');
        }
        out.write_all(text.as_bytes())?;
    }
    if outcome.notes_left_out > 0 {
        writeln!(
            out,
            "… and {} more checks that could not be decided, not shown: the first {} are \
             (--max-findings)\n",
            outcome.notes_left_out,
            outcome.notes.len()
        )?;
    }
    out.write_all(skipped_for_empty_cells(report).as_bytes())?;
    out.write_all(summary(report).as_bytes())?;
    if let Some(coverage) = &outcome.coverage {
        out.write_all(coverage_text(report, coverage).as_bytes())?;
    }
    Ok(())
}

/// Findings rendered side by side at most, so that a report of many findings is written as it
/// is rendered rather than held whole.
const FINDINGS_PER_BATCH: usize = 128;

/// One finding's diagnostic as the human report prints it, with the blank line after it.
fn finding_text(
    report: &Report<'_>,
    handler: &GraphicalReportHandler,
    blame_of: &[Option<usize>],
    index: usize,
    finding: &Finding,
) -> String {
    let mut text = String::new();
    let outcome = report.outcome;
    let description = report
        .program
        .rules
        .get(finding.rule)
        .map_or("", |r| r.description.as_str());
    let title = if report.is_soft(finding) {
        format!("{} (plausibility): {}", finding.rule_id, description)
    } else {
        format!("{}: {}", finding.rule_id, description)
    };
    let code = Some(format!("crossfoot::{}", finding.kind.keyword()));
    let blame = blame_of
        .get(index)
        .copied()
        .flatten()
        .and_then(|group| outcome.blame.get(group));
    let mut cells = finding.cells.clone();
    let mut help = match report.changed(finding) {
        Some(changed) => format!("{}\n{changed}", finding.message),
        None => finding.message.clone(),
    };
    if let Some(blame) = blame {
        let blamed = unbreakable_figures(&report.blame_text(blame));
        if !blamed.is_empty() {
            help = format!("{help}\n{blamed}");
        }
    }
    // The cell to fix first, of those this finding reads (a pair or a cover may blame
    // another finding's cell first): an editor reads the first label first.
    let blamed = blame.and_then(|b| {
        let suspect = b.answer().iter().find(|s| cells.contains(&s.cell))?;
        Some((suspect, b.tied))
    });
    if let Some(at) = blamed.and_then(|(s, _)| cells.iter().position(|&c| c == s.cell)) {
        let cell = cells.remove(at);
        cells.insert(0, cell);
    }
    let published = finding.published.and(finding.cells.first().copied());
    let mut drawn = cells_by_file(report, &cells, published);
    mark_blamed(
        &mut drawn.groups,
        blamed.map(|(s, tied)| (report.proposal_text(s), tied)),
    );
    if let Some(note) = drawn.not_drawn_note() {
        help = format!("{help}\n{note}");
    }
    if let Some(mut d) = diagnostic(title, code, Some(help), drawn.groups) {
        d.severity = match report.severity(finding) {
            Severity::Error => miette::Severity::Error,
            Severity::Warning | Severity::Plausibility => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        };
        let _ = handler.render_report(&mut text, &d);
        text.push('\n');
    }
    text
}

/// Per table, how many figures a check confirmed, and the rest listed row by row.
fn coverage_text(report: &Report<'_>, coverage: &crate::finding::Coverage) -> String {
    // Tenths of a percent, as a display figure only: no published value passes through here.
    let percent = |covered: usize, figures: usize| {
        (covered * 1000)
            .checked_div(figures)
            .map_or(100.0, |tenths| tenths as f64 / 10.0)
    };
    let explained = |count: usize| {
        if count == 0 {
            String::new()
        } else {
            format!("; {count} more declared unchecked, with a reason")
        }
    };
    let mut out = format!(
        "coverage: {} of {} figures ({:.1} %) take part in a check{}\n",
        coverage.covered(),
        coverage.figures(),
        percent(coverage.covered(), coverage.figures()),
        explained(coverage.explained())
    );
    for entry in &coverage.tables {
        let Some(table) = report.dataset.tables.get(entry.table) else {
            continue;
        };
        out.push_str(&format!(
            "  {} ({}): {} of {} ({:.1} %){}\n",
            table.id(),
            table.meta.printed,
            entry.covered,
            entry.figures,
            percent(entry.covered, entry.figures),
            explained(entry.explained.len())
        ));
        for part in &entry.parts {
            out.push_str(&format!(
                "      {}: {} of {} ({:.1} %){}\n",
                part.part,
                part.covered,
                part.figures,
                percent(part.covered, part.figures),
                explained(part.explained)
            ));
        }
        if table.meta.anchored {
            out.push_str(&text_figures(report, entry));
        } else {
            out.push_str(&table_figures(report, entry));
        }
    }
    out
}

/// A table's unchecked figures, row by row.
fn table_figures(report: &Report<'_>, entry: &TableCoverage) -> String {
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    for view in entry.uncovered.iter().filter_map(|&id| report.cell(id)) {
        match rows.last_mut() {
            Some((row, columns)) if *row == view.row => columns.push(view.column),
            _ => rows.push((view.row, vec![view.column])),
        }
    }
    let mut out = String::new();
    for (row, columns) in rows {
        out.push_str(&format!(
            "      not checked: [{row}] {}\n",
            columns.join(", ")
        ));
    }
    for &(id, rule) in &entry.explained {
        if let (Some(view), Some(rule)) = (report.cell(id), report.program.rules.get(rule)) {
            out.push_str(&format!(
                "      unchecked: [{}] {} ({}: {})\n",
                view.row, view.column, rule.id, rule.description
            ));
        }
    }
    out
}

/// The text's unchecked figures, each with its place and value, and for the explained ones
/// the reason; figures explained by one declaration are listed under it.
fn text_figures(report: &Report<'_>, entry: &TableCoverage) -> String {
    let mut out = String::new();
    for view in entry.uncovered.iter().filter_map(|&id| report.cell(id)) {
        out.push_str(&format!(
            "      not checked: {} {}\n",
            text_place(&view),
            view.value
        ));
    }
    let mut last_rule = None;
    for &(id, rule) in &entry.explained {
        let (Some(view), Some(declared)) = (report.cell(id), report.program.rules.get(rule)) else {
            continue;
        };
        if last_rule != Some(rule) {
            out.push_str(&format!(
                "      unchecked ({}): {}\n",
                declared.id, declared.description
            ));
            last_rule = Some(rule);
        }
        out.push_str(&format!("        {} {}\n", text_place(&view), view.value));
    }
    out
}

/// A text figure's place: `line:column`, or in a Word document `¶12, characters 5–9`.
fn text_place(view: &CellView<'_>) -> String {
    view.address
        .clone()
        .unwrap_or_else(|| format!("{}:{}", view.position.line, view.position.column))
}

/// Empty cells listed at most; the rest are counted.
const MOST_EMPTY_CELLS: usize = 20;
/// Rules named at most per empty cell; the rest are counted.
const MOST_RULES_PER_CELL: usize = 4;

/// The cells empty or `—` that kept checks from running, one line each with the rules whose
/// checks need them: a figure blanked in a draft by mistake is not only one more in the count
/// of skipped checks.
fn skipped_for_empty_cells(report: &Report<'_>) -> String {
    // In the tables' order, row by row.
    let mut cells: std::collections::BTreeMap<CellId, Vec<&str>> = Default::default();
    let empty = report.outcome.skips.iter();
    for note in empty.filter(|n| n.reason == crate::finding::NoteReason::EmptyCell) {
        for &cell in &note.cells {
            let rules = cells.entry(cell).or_default();
            if !rules.contains(&note.rule_id.as_str()) {
                rules.push(&note.rule_id);
            }
        }
    }
    if cells.is_empty() {
        return String::new();
    }
    let mut out =
        String::from("skipped, for cells not applicable (empty, `—`, or a mark declared so):\n");
    for (cell, rules) in cells.iter().take(MOST_EMPTY_CELLS) {
        let Some(view) = report.cell(*cell) else {
            continue;
        };
        let named: Vec<&str> = rules.iter().take(MOST_RULES_PER_CELL).copied().collect();
        let more = match rules.len().saturating_sub(MOST_RULES_PER_CELL) {
            0 => String::new(),
            more => format!(" and {more} more"),
        };
        // A mark other than the blank or the dash is shown: `x`, `..`.
        let printed = match view.value.trim() {
            "" | "—" => String::new(),
            mark => format!(" `{mark}`"),
        };
        out.push_str(&format!(
            "  {}:{} {} [{}, {}]{printed}: {}{more}\n",
            view.table.source().display_name(),
            text_place(&view),
            view.table.id(),
            view.row,
            view.column,
            named.join(", ")
        ));
    }
    if let Some(more) = cells.len().checked_sub(MOST_EMPTY_CELLS).filter(|&m| m > 0) {
        out.push_str(&format!(
            "  … and {more} more cells (`--format json` lists every skipped check)\n"
        ));
    }
    out.push('\n');
    out
}

/// `tables 11 · rules 40 · checks 900: 890 passed, 7 failed, 2 implausible, 1 skipped`: the
/// failed checks of plausibility edits are counted apart, as `implausible`.
pub fn summary(report: &Report<'_>) -> String {
    let o = report.outcome;
    let known = match (o.changed, o.known) {
        (0, 0) => String::new(),
        (0, known) => format!(" ({known} known, in the baseline)"),
        (changed, 0) => format!(" ({changed} changed since the baseline)"),
        (changed, known) => {
            format!(" ({changed} changed since the baseline; {known} known, in the baseline)")
        }
    };
    // Counted per rule, so that findings left out of the report count too.
    let warnings: usize = o
        .per_rule
        .iter()
        .zip(&report.program.rules)
        .filter(|(_, rule)| !matches!(rule.severity, Severity::Error | Severity::Plausibility))
        .map(|(counts, _)| counts.failed)
        .sum();
    let failed = report.failed();
    let known = if warnings > 0 {
        format!(
            " ({} errors, {warnings} warnings or remarks){known}",
            failed.saturating_sub(warnings)
        )
    } else {
        known
    };
    let implausible = match report.implausible() {
        0 => String::new(),
        n => format!(", {n} implausible"),
    };
    let rules_not_checked = match report.program.rules_not_checked {
        0 => String::new(),
        n => format!(" ({n} more not checked)"),
    };
    format!(
        "tables {} · rules {}{rules_not_checked} · checks {}: {} passed, {failed} failed{known}{implausible}, {} skipped{}{}\n",
        report.dataset.tables.len(),
        report.rule_count(),
        o.checks,
        o.passed,
        o.skipped,
        o.withheld
            .describe()
            .map_or_else(String::new, |meanings| format!(" ({meanings})")),
        not_checked(report)
    )
}

/// `, 16 not checked · 3 input errors (on stderr)`: what the input errors kept from running.
fn not_checked(report: &Report<'_>) -> String {
    if report.errors.is_empty() {
        return String::new();
    }
    let count = report.errors.len();
    format!(
        ", {} not checked · {count} input error{} (on stderr)",
        report.outcome.not_checked,
        if count == 1 { "" } else { "s" }
    )
}

/// Input errors shown in one run; the rest are counted. Fifty are more than anyone fixes
/// before running again, and few enough to scroll through.
pub const MAX_ERRORS_SHOWN: usize = 50;

/// Render input errors (bad data or rules) as diagnostics, at most [`MAX_ERRORS_SHOWN`], with a
/// closing count of all of them (a file's "… and N more problems" counts as its N) that says
/// whether the checks they did not stop ran.
pub fn render_errors(errors: &[miette::Report], style: Style, nothing_checked: bool) -> String {
    let handler = style.handler();
    let mut out = String::new();
    let (mut total, mut accounted) = (0, 0);
    for error in errors {
        // A file's "… and N more problems" stands for N errors it did not keep.
        let weight = match error.downcast_ref::<crate::table::TableError>() {
            Some(crate::table::TableError::MoreInFile { count, .. }) => *count,
            _ => 1,
        };
        total += weight;
        let shown = errors.len() <= MAX_ERRORS_SHOWN || accounted < MAX_ERRORS_SHOWN;
        if shown {
            let error = super::short_quotes::ShortQuotes::new(error.as_ref());
            let _ = handler.render_report(&mut out, &error);
            out.push('\n');
            accounted += weight.max(1);
        }
    }
    let hidden = total.saturating_sub(accounted);
    if hidden > 0 {
        out.push_str(&format!("… and {hidden} more input errors, not shown\n\n"));
    }
    let plural = if total == 1 { "" } else { "s" };
    let what_ran = if nothing_checked {
        "nothing was checked"
    } else {
        "every check they do not stop was checked (report on stdout)"
    };
    out.push_str(&format!(
        "crossfoot: {total} input error{plural}; {what_ran}\n"
    ));
    out
}

/// Render warnings about the inputs (the run goes on).
pub fn render_warnings<D: miette::Diagnostic>(warnings: &[D], style: Style) -> String {
    let handler = style.handler();
    let mut out = String::new();
    for warning in warnings {
        let _ = handler.render_report(&mut out, &super::short_quotes::ShortQuotes::new(warning));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A finding that reads 2 001 records' figures is drawn with its first
    /// [`MOST_CELLS_DRAWN`] cells, and the rest are counted without being placed (each was
    /// placed, its line and column worked out, before it was counted).
    #[test]
    fn the_cells_past_those_drawn_are_counted_not_placed() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        let records: String = (1..=2_001).map(|id| format!("{id},1.0\n")).collect();
        std::fs::write(data.join("REC.csv"), format!("id,x\n{records}")).unwrap();
        let rules = dir.path().join("r.rules");
        std::fs::write(
            &rules,
            "expr r.small \"x adds up to at most 10\"\n  sum(REC[r, x] for r in rows(REC)) <= 10\n",
        )
        .unwrap();
        let checked = crate::run::check(&data, &rules).unwrap();
        assert_eq!(checked.outcome.findings.len(), 1);
        let report = Report {
            errors: &[],
            dataset: &checked.dataset,
            program: &checked.program,
            outcome: &checked.outcome,
        };
        crate::tally::take(crate::tally::Work::CellsPlaced);
        let text = render(
            &report,
            Style {
                color: false,
                width: 100,
            },
        );
        let placed = crate::tally::take(crate::tally::Work::CellsPlaced);
        assert!(
            text.contains("… and 1937 more cells it reads, not drawn here"),
            "{text}"
        );
        assert!(placed <= 2 * MOST_CELLS_DRAWN, "{placed} cells placed");
    }
}
