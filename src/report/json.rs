//! `--format json`: a stable, documented schema (see the README, "JSON output").
//!
//! Decimal values are strings, so no figure passes through a binary float. `line` and
//! `column_number` are 1-based and count characters; `span` counts bytes of the file as stored
//! (of a GBK file, its GBK bytes). A workbook's cell has `sheet` and `cell` (`C7`) instead of
//! a span, and its row and column number as `line` and `column_number`. A figure of a Word
//! document has `paragraph` (1-based) and `characters` (`start` and `end`, 1-based and both
//! inclusive) instead of a span, and its paragraph and first character as `line` and
//! `column_number`.

use super::Report;
use super::indented::{Indented, write_at_depth};
use crate::engine::program::CellId;
use crate::lang::ast::Kind;
use crate::source::Stored;
use rayon::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use serde_json::ser::Formatter;
use std::io::{self, Write};

/// Derived bounds are rounded outward to this many decimals: the interval still contains
/// every value the figures allow, without 28-digit tails.
const BOUND_DECIMALS: u32 = 6;

/// The gap rounded down to [`BOUND_DECIMALS`] (it stays a true lower bound), unless that would
/// show a real gap as zero.
fn gap(gap: Decimal) -> String {
    let shown = gap.round_dp_with_strategy(BOUND_DECIMALS, RoundingStrategy::ToZero);
    if shown.is_zero() { gap } else { shown }
        .normalize()
        .to_string()
}

fn outward(bound: Decimal, strategy: RoundingStrategy) -> String {
    bound
        .round_dp_with_strategy(BOUND_DECIMALS, strategy)
        .normalize()
        .to_string()
}

/// The top-level object, written field by field ([`write`]).
struct Document<'a> {
    summary: Summary,
    /// Per rule, in the order of the rules files: its checks and how they went (R
    /// `validate`'s `summary()`).
    rules: Vec<RuleSummary<'a>>,
    findings: Findings<'a>,
    notes: Vec<Note<'a>>,
    /// Problems of the inputs: each kept the checks that depend on it from running.
    input_errors: Vec<InputError>,
}

/// An input error: a bad cell, a table that cannot be read, a rule that names what is not
/// there.
#[derive(Serialize)]
struct InputError {
    code: String,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column_number: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    span: Option<Span>,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<String>,
}

#[derive(Serialize)]
struct Summary {
    tables: usize,
    rules: usize,
    /// Rules an input error kept from being checked at all, apart from `rules`.
    #[serde(skip_serializing_if = "is_zero")]
    rules_not_checked: usize,
    checks: usize,
    passed: usize,
    /// Failed checks of every rule but the plausibility edits.
    failed: usize,
    /// Failed checks of plausibility (soft) edits, apart from `failed`: `checks` = `passed` +
    /// `failed` + `implausible` + `skipped` + `not_checked`.
    #[serde(skip_serializing_if = "is_zero")]
    implausible: usize,
    skipped: usize,
    /// Of the skipped checks, those that needed a figure printed as not available (`..`).
    #[serde(skip_serializing_if = "is_zero")]
    skipped_not_available: usize,
    /// Of the skipped checks, those that needed a figure printed as confidential (`x`).
    #[serde(skip_serializing_if = "is_zero")]
    skipped_confidential: usize,
    /// Checks an input error kept from running.
    not_checked: usize,
    input_errors: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    coverage: Option<CoverageSummary>,
    /// With `--baseline`: findings left out because the baseline lists them.
    #[serde(skip_serializing_if = "is_zero")]
    known: usize,
    /// With `--baseline`: findings the baseline lists whose printed figures changed (counted
    /// in `failed`, and listed).
    #[serde(skip_serializing_if = "is_zero")]
    changed: usize,
    /// Failed checks not listed in `findings`: past `--max-findings` (the first are listed).
    #[serde(skip_serializing_if = "is_zero")]
    findings_left_out: usize,
    /// Undecided checks not listed in `notes`: past `--max-findings`.
    #[serde(skip_serializing_if = "is_zero")]
    notes_left_out: usize,
}

/// One rule's checks: `checks` = `passed` + `failed` + `skipped` + `not_checked`.
#[derive(Serialize)]
struct RuleSummary<'a> {
    rule: &'a str,
    kind: &'static str,
    severity: &'static str,
    checks: usize,
    passed: usize,
    failed: usize,
    skipped: usize,
    not_checked: usize,
}

fn is_zero(count: &usize) -> bool {
    *count == 0
}

/// With `--coverage`: figures that took part in a decided check, overall and per table.
#[derive(Serialize)]
struct CoverageSummary {
    figures: usize,
    covered: usize,
    tables: Vec<TableCoverage>,
}

#[derive(Serialize)]
struct TableCoverage {
    table: String,
    figures: usize,
    covered: usize,
    uncovered: Vec<Cell>,
    /// Figures no check confirms that an `unchecked` declaration explains.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    unchecked: Vec<Unchecked>,
    /// For the text's figures: per part of the book.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    parts: Vec<PartCoverage>,
}

#[derive(Serialize)]
struct PartCoverage {
    part: String,
    figures: usize,
    covered: usize,
    #[serde(skip_serializing_if = "is_zero")]
    unchecked: usize,
}

/// A figure declared `unchecked`: the figure, the declaration's id and its reason.
#[derive(Serialize)]
struct Unchecked {
    #[serde(flatten)]
    cell: Cell,
    rule: String,
    reason: String,
}

#[derive(Serialize)]
struct Finding<'a> {
    rule: &'a str,
    kind: &'static str,
    severity: &'static str,
    description: &'a str,
    message: &'a str,
    published: Option<String>,
    expected: Expected,
    gap: String,
    cells: CellViews<'a>,
    /// With `--baseline`, for a finding the baseline lists: its cells whose printed figure is
    /// not the one the baseline recorded.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    changed: Vec<Change>,
    /// Which cell to fix, and to what ([`crate::blame`]); absent where blame was left out.
    #[serde(skip_serializing_if = "Option::is_none")]
    blame: Option<Blame<'a>>,
}

/// A cell of a known finding printed otherwise than the baseline recorded.
#[derive(Serialize)]
struct Change {
    table: String,
    row: String,
    column: String,
    /// The figure the baseline recorded.
    baseline: String,
    /// The figure printed now.
    now: String,
}

/// The blame of a finding's group of failed checks.
#[derive(Serialize)]
struct Blame<'a> {
    /// The rules of every finding of the group (failed checks that share cells).
    group: Vec<&'a str>,
    /// Whether one cell explains the whole group; `false`: a pair or a greedy cover.
    exact: bool,
    /// Whether the first two suspects changed together explain the whole group.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pair: bool,
    /// Whether the first suspects are equally good explanations.
    tied: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    budget_hit: bool,
    /// Not searched: a rule reading its figures is too wide to re-decide.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    too_wide: bool,
    /// How many of the first suspects make up the answer: 1, the tied ones, or every cell of a
    /// greedy cover; the others explain less.
    leading: usize,
    /// Most likely wrong first.
    suspects: Vec<Suspect<'a>>,
    /// Where no figure explains the group: rows that print another printing's figures under
    /// another label.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    relabelled: Vec<Relabelled>,
    /// A row (or column) of a table that the group's failed sums leave out and would hold
    /// with, and that no check adds up with other rows (or columns): one the rules may not
    /// name.
    #[serde(skip_serializing_if = "Option::is_none")]
    left_out: Option<LeftOut<'a>>,
    /// Where no figure explains the group: figures printed a row (or column) away from their
    /// labels, or two neighbouring figures swapped; its cells are the leading suspects.
    #[serde(skip_serializing_if = "Option::is_none")]
    shifted: Option<Shifted>,
    /// Figures of the group blame proposes no printing for (bounded in words in the text, or
    /// of a column in thousands): not weighed, and any may be the wrong one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    unweighed: Vec<Cell>,
}

#[derive(Serialize)]
struct Shifted {
    slip: crate::blame::Slip,
    /// `down`, `up`, `right` or `left`; absent for a swap.
    #[serde(skip_serializing_if = "Option::is_none")]
    direction: Option<crate::blame::Direction>,
    /// The cells that print the figures, under the wrong labels.
    printed_in: Vec<Cell>,
    /// The cells the figures belong to, in the same order.
    belongs_to: Vec<Cell>,
    /// The cell whose own figure the shift pushed out: its proposal is solved for from the
    /// checks, not a neighbour's figure.
    #[serde(skip_serializing_if = "Option::is_none")]
    lost: Option<Cell>,
}

#[derive(Serialize)]
struct LeftOut<'a> {
    /// `row` (left out of sums down columns) or `column` (of sums along rows).
    line: &'static str,
    /// The row's (or column's) cell in each failed sum's column (or row).
    cells: Vec<Cell>,
    /// The rules of the failed sums it makes hold, one per cell.
    repairs: Vec<&'a str>,
}

#[derive(Serialize)]
struct Relabelled {
    /// The cells that print the figures, under the wrong label.
    printed_in: Vec<Cell>,
    /// The other printing's cells, under the label the figures belong to.
    belongs_to: Vec<Cell>,
}

#[derive(Serialize)]
struct Suspect<'a> {
    #[serde(flatten)]
    cell: Cell,
    printed: String,
    proposed: String,
    /// The cell's text with the proposed value, printed as the cell prints it (`37 294.3`,
    /// `25.6%`): what an editor types.
    proposed_text: String,
    /// Every printing that repairs as much and breaks nothing, where several do; a side
    /// with no bound (`null`) where the checks bound the figure on the other side only.
    #[serde(skip_serializing_if = "Option::is_none")]
    proposed_range: Option<ProposedRange>,
    /// The rules of the findings it repairs.
    repairs: Vec<&'a str>,
    /// Passing checks that read it as printed and pin it (equalities: a passing bound allows
    /// a range).
    confirmed_by: usize,
    /// One more than `confirmed_by`, times its table's `blame_weight`.
    weight: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    slip: Option<crate::blame::Slip>,
}

#[derive(Serialize)]
struct ProposedRange {
    low: Option<String>,
    high: Option<String>,
}

#[derive(Serialize)]
struct Expected {
    low: String,
    high: String,
}

#[derive(Serialize)]
struct Note<'a> {
    rule: &'a str,
    /// `undecided` (the figures cannot decide it), `empty_cell` (a cell it needs is empty or
    /// `—`: R's `NA`; `cells` are the empty ones) or `no_such_cell` (the year before the first).
    reason: &'static str,
    message: &'a str,
    cells: Vec<Cell>,
}

/// A finding's cells, each made as it is written: the finding of an outlier rule over 10⁶
/// records reads every record's figure (its mean), and made at once its cells held about 350
/// MB before they were written.
struct CellViews<'r> {
    report: &'r Report<'r>,
    ids: &'r [CellId],
}

impl Serialize for CellViews<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.ids.iter().filter_map(|&id| cell(self.report, id)))
    }
}

#[derive(Serialize)]
struct Cell {
    table: String,
    row: String,
    column: String,
    value: String,
    file: String,
    /// For a workbook's cell: the sheet and the cell's address (`line` and `column_number`
    /// are then its row and column number, and there is no `span`).
    #[serde(skip_serializing_if = "Option::is_none")]
    sheet: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cell: Option<String>,
    /// For a figure of a Word document: its paragraph, and its characters there.
    #[serde(skip_serializing_if = "Option::is_none")]
    paragraph: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    characters: Option<Characters>,
    line: usize,
    column_number: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    span: Option<Span>,
    /// The flags printed after the figure (`p` for `12.3p`), as its format declares them.
    #[serde(skip_serializing_if = "Option::is_none")]
    flag: Option<String>,
}

/// A figure's first and last character in its paragraph (1-based, both inclusive).
#[derive(Serialize)]
struct Characters {
    start: usize,
    end: usize,
}

#[derive(Serialize)]
struct Span {
    offset: usize,
    length: usize,
}

fn cell(report: &Report<'_>, id: CellId) -> Option<Cell> {
    let c = report.cell(id)?;
    Some(Cell {
        table: c.table.id().to_string(),
        row: c.row,
        column: c.column,
        value: c.value,
        file: c.table.source().path().display().to_string(),
        sheet: match c.table.source().stored() {
            Stored::Sheet(sheet) => Some(sheet.name.clone()),
            _ => None,
        },
        cell: match c.table.source().stored() {
            Stored::Sheet(_) => c
                .address
                .as_deref()
                .and_then(|a| a.rsplit('!').next())
                .map(str::to_string),
            _ => None,
        },
        paragraph: c.paragraph.map(|p| p.paragraph),
        characters: c.paragraph.map(|p| Characters {
            start: p.first,
            end: p.last,
        }),
        line: c.position.line,
        column_number: c.position.column,
        span: c.stored.map(|stored| Span {
            offset: stored.offset,
            length: stored.length,
        }),
        flag: c.flag,
    })
}

/// The figures `unchecked` declarations explain, with the declaration and its reason.
fn unchecked(report: &Report<'_>, explained: &[(CellId, usize)]) -> Vec<Unchecked> {
    explained
        .iter()
        .filter_map(|&(id, rule)| {
            let declared = report.program.rules.get(rule)?;
            Some(Unchecked {
                cell: cell(report, id)?,
                rule: declared.id.clone(),
                reason: declared.description.clone(),
            })
        })
        .collect()
}

/// The JSON document for a report, pretty-printed.
pub fn render(report: &Report<'_>) -> String {
    let mut text = Vec::new();
    if write(report, &mut text).is_err() {
        return String::new();
    }
    text.pop(); // the final line break
    String::from_utf8(text).unwrap_or_default()
}

/// [`render`], written to `out` as it is serialized, with a final line break: byte for byte
/// what serde_json's pretty printer makes of the whole document. The document's own braces
/// and keys are written here rather than by serde_json because the findings go in as text
/// rendered beforehand, which serde_json takes only re-parsed (`RawValue`).
pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let document = document(report);
    out.write_all(b"{\n  \"summary\": ")?;
    write_at_depth(out, &document.summary, 1)?;
    out.write_all(b",\n  \"rules\": ")?;
    write_at_depth(out, &document.rules, 1)?;
    out.write_all(b",\n  \"findings\": ")?;
    document.findings.write(out)?;
    out.write_all(b",\n  \"notes\": ")?;
    write_at_depth(out, &document.notes, 1)?;
    out.write_all(b",\n  \"input_errors\": ")?;
    write_at_depth(out, &document.input_errors, 1)?;
    out.write_all(b"\n}\n")
}

/// The findings of a report, made as they are written: a batch at a time, each batch's
/// cells placed in their files (line, column, row label) side by side. A record file's
/// thousand findings name tens of thousands of cells; made all at once, they were held at once.
struct Findings<'r> {
    count: usize,
    build: Box<dyn Fn(usize) -> Option<Finding<'r>> + Send + Sync + 'r>,
}

/// Findings made side by side before they are written.
const FINDINGS_PER_BATCH: usize = 128;

/// Cells past which a finding is written out as it is made rather than rendered beforehand:
/// rendered, the outlier finding of 10⁶ cells was 314 MB of text held before a byte of it
/// was written.
const CELLS_RENDERED_AHEAD: usize = 10_000;

/// A finding of a batch: rendered side by side with the others, or kept to be written out
/// as it is made.
enum Rendered<'r> {
    Text(Vec<u8>),
    Large(Box<Finding<'r>>),
}

impl<'r> Findings<'r> {
    /// The document's list of findings (a value of its top-level object): each batch made
    /// and rendered side by side, so it takes its share of every core instead of one core's
    /// time after all else is done, then written in order. A batch is rendered while the one
    /// before it is written: a reader that takes the report through a pipe (a CI job, `jq`)
    /// reads it while the next is made, instead of the two waiting on each other in turn.
    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        // The list is a field of the top-level object (depth 1); its findings sit at depth 2.
        let mut list = Indented::at_depth(1);
        list.begin_array(out)?;
        let mut first = true;
        let write_batch = |batch: &Vec<Rendered<'_>>| -> io::Result<()> {
            for finding in batch {
                list.begin_array_value(out, first)?;
                match finding {
                    Rendered::Text(text) => out.write_all(text)?,
                    Rendered::Large(finding) => write_at_depth(out, finding, 2)?,
                }
                list.end_array_value(out)?;
                first = false;
            }
            Ok(())
        };
        super::batches::in_batches(
            self.count,
            FINDINGS_PER_BATCH,
            |batch| self.render(batch),
            write_batch,
        )?;
        list.end_array(out)?;
        Ok(())
    }

    /// The findings of `batch`, each rendered at its depth in the document, made side by side.
    fn render(&self, batch: std::ops::Range<usize>) -> io::Result<Vec<Rendered<'r>>> {
        batch
            .into_par_iter()
            .filter_map(|index| (self.build)(index))
            .map(|finding| {
                if finding.cells.ids.len() > CELLS_RENDERED_AHEAD {
                    return Ok(Rendered::Large(Box::new(finding)));
                }
                let mut text = Vec::new();
                write_at_depth(&mut text, &finding, 2).map(|()| Rendered::Text(text))
            })
            .collect()
    }
}

fn document<'r>(report: &'r Report<'r>) -> Document<'r> {
    let outcome = report.outcome;
    let cells =
        |ids: &[CellId]| -> Vec<Cell> { ids.iter().filter_map(|&id| cell(report, id)).collect() };
    let description = |rule: usize| {
        report
            .program
            .rules
            .get(rule)
            .map_or("", |r| r.description.as_str())
    };
    let blame_of = crate::blame::by_finding(&outcome.blame, outcome.findings.len());
    let blame = move |index: usize| {
        let group = outcome.blame.get((*blame_of.get(index)?)?)?;
        let rule_of = |i: &usize| outcome.findings.get(*i).map(|f| f.rule_id.as_str());
        Some(Blame {
            group: group.findings.iter().filter_map(rule_of).collect(),
            exact: group.exact,
            pair: group.pair,
            tied: group.tied,
            budget_hit: group.budget_hit,
            too_wide: group.too_wide,
            leading: group.leading,
            suspects: group
                .suspects
                .iter()
                .filter_map(|s| {
                    Some(Suspect {
                        cell: cell(report, s.cell)?,
                        printed: s.printed.to_string(),
                        proposed: s.proposed.to_string(),
                        proposed_text: report.proposal_text(s),
                        proposed_range: (s.low < s.high).then(|| ProposedRange {
                            low: (!s.open_below).then(|| s.low.to_string()),
                            high: (!s.open_above).then(|| s.high.to_string()),
                        }),
                        repairs: s.repairs.iter().filter_map(rule_of).collect(),
                        confirmed_by: s.confirmed_by,
                        weight: s.weight,
                        slip: s.slip,
                    })
                })
                .collect(),
            relabelled: group
                .relabelled
                .iter()
                .map(|r| Relabelled {
                    printed_in: cells(&r.printed_in),
                    belongs_to: cells(&r.belongs_to),
                })
                .collect(),
            left_out: group.left_out.as_ref().map(|l| LeftOut {
                line: l.line.name(),
                cells: cells(&l.cells),
                repairs: l.repairs.iter().filter_map(rule_of).collect(),
            }),
            shifted: group.shifted.as_ref().map(|s| Shifted {
                slip: s.slip,
                direction: s.direction,
                printed_in: cells(&s.printed_in),
                belongs_to: cells(&s.belongs_to),
                lost: s.lost.and_then(|id| cell(report, id)),
            }),
            unweighed: cells(&group.unweighed),
        })
    };
    Document {
        summary: Summary {
            tables: report.dataset.tables.len(),
            rules: report.rule_count(),
            rules_not_checked: report.program.rules_not_checked,
            checks: outcome.checks,
            passed: outcome.passed,
            failed: report.failed(),
            implausible: report.implausible(),
            skipped: outcome.skipped,
            skipped_not_available: outcome.withheld.not_available,
            skipped_confidential: outcome.withheld.confidential,
            not_checked: outcome.not_checked,
            input_errors: report.errors.len(),
            known: outcome.known,
            changed: outcome.changed,
            findings_left_out: outcome.findings_left_out,
            notes_left_out: outcome.notes_left_out + outcome.skips_left_out,
            coverage: outcome.coverage.as_ref().map(|coverage| CoverageSummary {
                figures: coverage.figures(),
                covered: coverage.covered(),
                tables: coverage
                    .tables
                    .iter()
                    .filter_map(|entry| {
                        Some(TableCoverage {
                            table: report.dataset.tables.get(entry.table)?.id().to_string(),
                            figures: entry.figures,
                            covered: entry.covered,
                            uncovered: cells(&entry.uncovered),
                            unchecked: unchecked(report, &entry.explained),
                            parts: entry
                                .parts
                                .iter()
                                .map(|p| PartCoverage {
                                    part: p.part.clone(),
                                    figures: p.figures,
                                    covered: p.covered,
                                    unchecked: p.explained,
                                })
                                .collect(),
                        })
                    })
                    .collect(),
            }),
        },
        rules: report
            .program
            .rules
            .iter()
            .enumerate()
            .filter(|(_, rule)| rule.kind != Kind::Unchecked)
            .map(|(index, rule)| {
                let counts = outcome.per_rule.get(index).copied().unwrap_or_default();
                RuleSummary {
                    rule: &rule.id,
                    kind: rule.kind.keyword(),
                    severity: rule.severity.keyword(),
                    checks: rule.work.check_count(),
                    passed: counts.passed,
                    failed: counts.failed,
                    skipped: counts.skipped,
                    not_checked: counts.not_checked,
                }
            })
            .collect(),
        findings: Findings {
            count: outcome.findings.len(),
            build: Box::new(move |index| {
                let f = outcome.findings.get(index)?;
                Some(Finding {
                    rule: &f.rule_id,
                    kind: f.kind.keyword(),
                    severity: report.severity(f).keyword(),
                    description: description(f.rule),
                    message: &f.message,
                    published: f.published.map(|p| p.to_string()),
                    expected: Expected {
                        low: outward(f.expected.low(), RoundingStrategy::ToNegativeInfinity),
                        high: outward(f.expected.high(), RoundingStrategy::ToPositiveInfinity),
                    },
                    gap: gap(f.gap),
                    cells: CellViews {
                        report,
                        ids: &f.cells,
                    },
                    changed: f
                        .changed
                        .iter()
                        .filter_map(|change| {
                            let cell = report.cell(change.cell)?;
                            Some(Change {
                                table: cell.table.id().to_string(),
                                row: cell.row,
                                column: cell.column,
                                baseline: change.was.clone(),
                                now: change.now.clone(),
                            })
                        })
                        .collect(),
                    blame: blame(index),
                })
            }),
        },
        notes: {
            // Undecided checks and skipped ones, in report order.
            let mut notes: Vec<&crate::finding::Note> =
                outcome.notes.iter().chain(&outcome.skips).collect();
            notes.sort_by_key(|n| (n.rule, n.check));
            notes
                .into_iter()
                .map(|n| Note {
                    rule: &n.rule_id,
                    reason: n.reason.keyword(),
                    message: &n.message,
                    cells: cells(&n.cells),
                })
                .collect()
        },
        input_errors: report
            .error_views()
            .into_iter()
            .map(|e| InputError {
                code: e.code,
                message: e.message,
                help: e.help,
                file: e.file,
                line: e.line,
                column_number: e.column,
                span: e.span.map(|s| Span {
                    offset: s.offset,
                    length: s.length,
                }),
                label: e.label,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::write_at_depth;
    use serde_json::json;

    /// The report writes its top-level object by hand and its fields and findings nested: each
    /// must read as serde_json's pretty printer writes it inside the whole document.
    #[test]
    fn a_value_written_nested_reads_as_in_the_whole_document() {
        let finding = json!({
            "message": "a\nb",
            "cells": [{"row": "r1", "span": {"offset": 1, "length": 2}}],
            "changed": [],
            "blame": {},
        });
        let whole = serde_json::to_string_pretty(&json!({"findings": [finding.clone()]})).unwrap();
        let mut nested = Vec::new();
        write_at_depth(&mut nested, &finding, 2).unwrap();
        let nested = String::from_utf8(nested).unwrap();
        assert_eq!(
            whole,
            format!("{{\n  \"findings\": [\n    {nested}\n  ]\n}}")
        );
    }
}
