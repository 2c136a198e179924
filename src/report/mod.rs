//! Reporters: findings → what a user reads. One module per output format, all fed by the same
//! [`Report`].

mod batches;
pub mod github;
pub mod html;
pub mod human;
pub mod indented;
pub mod json;
pub mod junit;
pub mod listing;
pub mod markdown;
pub mod per_rule;
pub mod sarif;
mod short_quotes;

use crate::engine::program::{CellId, Program, ROW_LABEL};
use crate::finding::{Finding, Outcome};
use crate::lang::ast::Severity;
use crate::source::LineColumn;
use crate::table::manifest::Dataset;

/// Cells of one finding that the reports for people (Markdown, HTML) name, at most: a check of
/// each record against the mean of 10⁶ reads them all, and listing each made pages of hundreds
/// of MB. The rest are counted; the JSON report lists every cell.
pub const MOST_CELLS_NAMED: usize = 1_000;

/// Everything a reporter needs: the data (for cell labels and spans), the rules, the outcome,
/// and the input errors that kept some checks from running.
pub struct Report<'a> {
    pub dataset: &'a Dataset,
    pub program: &'a Program,
    pub outcome: &'a Outcome,
    pub errors: &'a [miette::Report],
}

/// An input error as the machine formats show it: its code, message, help and the first place
/// it points at (file, 1-based line and character column, byte span in the text read).
#[derive(Debug, Clone, Default)]
pub struct ErrorView {
    pub code: String,
    pub message: String,
    pub help: Option<String>,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub span: Option<crate::source::Span>,
    pub label: Option<String>,
}

impl ErrorView {
    pub fn of(error: &miette::Report) -> Self {
        let mut view = ErrorView {
            code: error
                .code()
                .map_or_else(|| "crossfoot::input".to_string(), |c| c.to_string()),
            message: error.to_string(),
            help: error.help().map(|h| h.to_string()),
            ..ErrorView::default()
        };
        let label = error.labels().and_then(|mut labels| labels.next());
        if let (Some(label), Some(source)) = (label, error.source_code()) {
            view.label = label.label().map(str::to_string);
            view.span = Some(crate::source::Span::new(label.offset(), label.len()));
            if let Ok(contents) = source.read_span(label.inner(), 0, 0) {
                view.file = contents.name().map(str::to_string);
                view.line = Some(contents.line() + 1);
                // miette counts the column in bytes; reports count characters.
                let bytes = contents.column();
                let line_start = label.offset().saturating_sub(bytes);
                let column = source
                    .read_span(&(line_start, bytes).into(), 0, 0)
                    .ok()
                    .and_then(|before| std::str::from_utf8(before.data()).ok().map(str::to_string))
                    .map_or(bytes, |text| text.chars().count());
                view.column = Some(column + 1);
            }
        }
        view
    }

    /// `file:line:column`, or the file alone, or nothing.
    pub fn place(&self) -> Option<String> {
        let file = self.file.as_deref()?;
        Some(match (self.line, self.column) {
            (Some(line), Some(column)) => format!("{file}:{line}:{column}"),
            _ => file.to_string(),
        })
    }
}

impl Report<'_> {
    /// The input errors, as machine formats show them.
    pub fn error_views(&self) -> Vec<ErrorView> {
        self.errors.iter().map(ErrorView::of).collect()
    }
}

/// A cell as reports describe it.
pub struct CellView<'a> {
    pub table: &'a crate::table::Table,
    pub row: String,
    pub column: String,
    pub value: String,
    /// The cell's span in the text crossfoot parsed (what miette shows).
    pub span: crate::source::Span,
    /// Line and character column; for a sheet, the cell's row and column number; for a Word
    /// document, the paragraph and the figure's first character in it.
    pub position: LineColumn,
    /// The bytes the cell takes in the file as stored (`None` for a sheet's cell and a Word
    /// document's figure).
    pub stored: Option<crate::source::Span>,
    /// Where the cell is in a file not read as plain lines: a sheet's cell address
    /// (`附表10!C7`), a Word document's paragraph and characters (`¶1304, characters 369–373`).
    pub address: Option<String>,
    /// For a figure of a Word document: its paragraph and characters, as numbers.
    pub paragraph: Option<crate::docx::ParagraphSpan>,
    /// The flags printed after the figure (`p` for `12.3p`), as its format declares them.
    pub flag: Option<String>,
}

impl CellView<'_> {
    /// The cell by its labels: `A8 [单项合同平均 成交额, 2015 年]`, or `T [name]` for a row's
    /// label.
    pub fn name(&self) -> String {
        if self.column.is_empty() {
            format!("{} [{}]", self.table.id(), self.row)
        } else {
            format!("{} [{}, {}]", self.table.id(), self.row, self.column)
        }
    }

    /// Where the cell is, for a reader: `data/A2.csv:5:3`, `book.xlsx 附表10!C7`, or
    /// `source.docx ¶1304, characters 369–373`.
    pub fn location(&self) -> String {
        let path = self.table.source().path().display();
        match &self.address {
            Some(address) => format!("{path} {address}"),
            None => format!("{path}:{}:{}", self.position.line, self.position.column),
        }
    }
}

impl Report<'_> {
    pub fn rule_count(&self) -> usize {
        self.program.rules.len()
    }

    /// What the input errors kept from running, as the reports for reading say it: the rules
    /// they kept from being checked at all (a table that did not load takes every rule that
    /// reads it), then the checks of the other rules.
    pub fn not_checked_sentence(&self) -> String {
        let count = self.outcome.not_checked;
        let checks = if count == 1 {
            "1 check".to_string()
        } else {
            format!("{count} checks")
        };
        match self.program.rules_not_checked {
            0 => format!(
                "{checks} {} not checked because of these; every other check ran.",
                if count == 1 { "was" } else { "were" }
            ),
            rules => format!(
                "{rules} rule{} and {checks} of the other rules were not checked because of \
                 these; every other check ran.",
                if rules == 1 { "" } else { "s" }
            ),
        }
    }

    /// Failed checks of plausibility (soft) edits: a figure that is unusual, not impossible.
    /// Counted apart from [`Report::failed`], per rule so that findings left out of the report
    /// count too.
    pub fn implausible(&self) -> usize {
        self.outcome
            .per_rule
            .iter()
            .zip(&self.program.rules)
            .filter(|(_, rule)| rule.severity.is_soft())
            .map(|(counts, _)| counts.failed)
            .sum()
    }

    /// Failed checks of every rule but the plausibility edits: the real problems.
    pub fn failed(&self) -> usize {
        self.outcome.failed.saturating_sub(self.implausible())
    }

    /// Whether a finding is a plausibility (soft) edit's.
    pub fn is_soft(&self, finding: &Finding) -> bool {
        self.severity(finding).is_soft()
    }

    /// How much a finding matters: its rule's severity.
    pub fn severity(&self, finding: &Finding) -> Severity {
        self.program
            .rules
            .get(finding.rule)
            .map(|rule| rule.severity)
            .unwrap_or_default()
    }

    /// For a known finding whose figures changed (`check --baseline`), what changed, as every
    /// format words it: `changed since the baseline: A8 [单项合同平均 成交额, 2015 年] was
    /// 320.3, now 9999.9`.
    pub fn changed(&self, finding: &Finding) -> Option<String> {
        Some(format!(
            "changed since the baseline: {}",
            self.changes(finding)?
        ))
    }

    /// [`Report::changed`] without its opening words: one `; `-separated part per cell.
    pub fn changes(&self, finding: &Finding) -> Option<String> {
        if finding.changed.is_empty() {
            return None;
        }
        let parts: Vec<String> = finding
            .changed
            .iter()
            .map(|change| {
                let place = self
                    .cell(change.cell)
                    .map_or_else(String::new, |cell| format!("{} ", cell.name()));
                format!("{place}was {}, now {}", change.was, change.now)
            })
            .collect();
        Some(parts.join("; "))
    }

    pub fn cell(&self, id: CellId) -> Option<CellView<'_>> {
        crate::tally::add(crate::tally::Work::CellsPlaced, 1);
        let table = self.dataset.tables.get(id.table)?;
        let row = table.row(id.row)?;
        let (span, column) = if id.column == ROW_LABEL {
            (row.last()?.span(), String::new())
        } else {
            let column = table.columns().get(id.column)?.to_string();
            (table.cell_span(id.row, id.column)?, column)
        };
        Some(CellView {
            table,
            row: row.to_string(),
            column,
            value: table.printed(span),
            span,
            position: table.source().line_column(span.offset),
            stored: table.source().stored_span(span),
            address: table.source().address(span),
            paragraph: table.source().paragraph_span(span),
            flag: table.flag(id.row, id.column).map(str::to_string),
        })
    }
}

impl Report<'_> {
    /// `value` as the cell would print it: in its column's declared format (`8,884`,
    /// `423.107`, `(1,234)`), else in the style of its printing (`37 294.3`, `25.6%`); the bare
    /// value where neither shows a style to follow.
    pub fn printing(&self, id: CellId, value: rust_decimal::Decimal) -> String {
        self.printed(id)
            .and_then(|(table, printed)| match table.declared_format(id.column) {
                Some(format) => {
                    let model = table.sign_model(id.column, &printed, value);
                    let printed = model.as_deref().unwrap_or(&printed);
                    crate::format::print::print_declared(format, printed, value)
                }
                None => crate::number::print_like(&printed, value),
            })
            .unwrap_or_else(|| value.to_string())
    }

    /// The cell's table and text as printed: [`Report::cell`]'s `value`, without the labels
    /// and the line and column, which take most of a view's making (a record file's row label
    /// is made from its line, the line found by counting line breaks).
    pub fn printed(&self, id: CellId) -> Option<(&crate::table::Table, String)> {
        let table = self.dataset.tables.get(id.table)?;
        let span = if id.column == ROW_LABEL {
            table.row(id.row)?.last()?.span()
        } else {
            let named = id.row < table.row_count() && id.column < table.columns().len();
            named
                .then(|| table.cell_span(id.row, id.column))
                .flatten()?
        };
        Some((table, table.printed(span)))
    }

    /// A suspect's proposal as the draft should print it: a figure a shift moves back as its
    /// neighbour prints it (`9 870` into a cell that printed `24.2`), any other as the cell
    /// would print it.
    /// One figure of a several-figure answer: `T [r, c] prints 24.2 → 9 870` and `note`.
    fn change_line(&self, suspect: &crate::blame::Suspect, note: &str) -> String {
        let printed = self
            .printed(suspect.cell)
            .map_or_else(|| suspect.printed.to_string(), |(_, printed)| printed);
        format!(
            "{} prints {printed} → {}{note}",
            self.cell_name(suspect.cell),
            self.proposal_text(suspect)
        )
    }

    pub fn proposal_text(&self, suspect: &crate::blame::Suspect) -> String {
        suspect
            .moved_from
            .and_then(|from| self.printed(from))
            .map_or_else(
                || self.printing(suspect.cell, suspect.proposed),
                |(_, printed)| printed,
            )
    }

    /// How a report marks the cells of a blame's answer: `likely wrong (→ 27.2)`, or `may be
    /// wrong (→ …)` where other figures explain the findings as well.
    pub fn blame_marks(&self, blame: &crate::blame::Blame) -> Vec<(CellId, String)> {
        let likely = if blame.tied {
            "may be wrong"
        } else {
            "likely wrong"
        };
        blame
            .answer()
            .iter()
            .map(|s| {
                let proposed = self.proposal_text(s);
                (s.cell, format!("{likely} (→ {proposed})"))
            })
            .collect()
    }

    /// For each finding (by index), its group's blame.
    pub fn blame_by_finding(&self) -> Vec<Option<&crate::blame::Blame>> {
        let blame = &self.outcome.blame;
        crate::blame::by_finding(blame, self.outcome.findings.len())
            .into_iter()
            .map(|group| group.and_then(|g| blame.get(g)))
            .collect()
    }

    /// A cell named for a reader: `附表 6 [港澳台, 合同数增长]`, or for a figure of the text
    /// its part and last words.
    pub fn cell_name(&self, id: CellId) -> String {
        let Some(view) = self.cell(id) else {
            return String::new();
        };
        let printed = &view.table.meta.printed;
        if view.column.is_empty() || view.table.meta.anchored {
            let words: Vec<char> = view.row.chars().collect();
            let start = words.len().saturating_sub(24);
            let tail: String = words.get(start..).unwrap_or_default().iter().collect();
            let ellipsis = if start > 0 { "…" } else { "" };
            format!("{printed} [{ellipsis}{tail}]")
        } else {
            format!("{printed} [{}, {}]", view.row, view.column)
        }
    }

    /// The cells' figures as printed.
    fn printed_figures(&self, cells: &[CellId]) -> Vec<String> {
        cells
            .iter()
            .filter_map(|&c| Some(self.cell(c)?.value.to_string()))
            .collect()
    }

    /// The row (or column) the group's failed sums leave out, in words: `附表 5's row 海南新区
    /// prints what the parts of A5.total lack (100), and no check adds it up with other rows: if
    /// it is one of the parts, name it in A5.total`.
    fn left_out_text(&self, blame: &crate::blame::Blame) -> Option<String> {
        let left_out = blame.left_out.as_ref()?;
        let first = self.cell(*left_out.cells.first()?)?;
        let figures = self.printed_figures(&left_out.cells);
        let mut rules: Vec<&str> = Vec::new();
        for finding in left_out
            .repairs
            .iter()
            .filter_map(|&i| self.outcome.findings.get(i))
        {
            if !rules.contains(&finding.rule_id.as_str()) {
                rules.push(&finding.rule_id);
            }
        }
        let rules = rules.join(" and ");
        let line = left_out.line.name();
        let label = match left_out.line {
            crate::blame::Line::Row => &first.row,
            crate::blame::Line::Column => &first.column,
        };
        Some(format!(
            "{}'s {line} {label} prints what the parts of {rules} lack ({}), and no check adds \
             it up with other {line}s: if it is one of the parts, name it in {rules}",
            first.table.meta.printed,
            figures.join(", ")
        ))
    }

    /// The rows whose figures another printing prints under another label, in words:
    /// `表 4-13's row 日本 prints 表 4-9's figures of 新加坡 (209, 124.1)`.
    fn relabelled_text(&self, blame: &crate::blame::Blame) -> Option<String> {
        let sentences: Vec<String> = blame
            .relabelled
            .iter()
            .filter_map(|r| {
                let here = self.cell(*r.printed_in.first()?)?;
                let there = self.cell(*r.belongs_to.first()?)?;
                let figures = self.printed_figures(&r.printed_in);
                Some(format!(
                    "{}'s row {} prints {}'s figures of {} ({})",
                    here.table.meta.printed,
                    here.row,
                    there.table.meta.printed,
                    there.row,
                    figures.join(", ")
                ))
            })
            .collect();
        (!sentences.is_empty()).then(|| {
            format!(
                "{}: figures printed under another row's label",
                sentences.join("; ")
            )
        })
    }

    /// A shift in words: `表 B1's column 合同数 / 项/2020年 prints its figures one row down:
    /// those of rows 华东 to 华南 in 华南 to 西部`, or `表 B1's row 西部 prints the figures of
    /// 2020年 and 2021年 in each other's places`.
    fn shifted_text(&self, shifted: &crate::blame::Shifted) -> Option<String> {
        let first = self.cell(*shifted.belongs_to.first()?)?;
        let last = self.cell(*shifted.belongs_to.last()?)?;
        let (from, to) = (
            self.cell(*shifted.printed_in.first()?)?,
            self.cell(*shifted.printed_in.last()?)?,
        );
        let printed = &first.table.meta.printed;
        let along_column = shifted.belongs_to.first()?.column == shifted.belongs_to.last()?.column;
        let (line, name) = if along_column {
            ("column", first.column.clone())
        } else {
            ("row", first.row.clone())
        };
        let place = |view: &CellView<'_>| {
            if along_column {
                view.row.clone()
            } else {
                view.column.clone()
            }
        };
        let Some(direction) = shifted.direction else {
            return Some(format!(
                "{printed}'s {line} {name} prints the figures of {} and {} in each other's places",
                place(&first),
                place(&last)
            ));
        };
        let lines = if along_column { "rows" } else { "columns" };
        Some(format!(
            "{printed}'s {line} {name} prints its figures {}: those of {lines} {} to {} in {} \
             to {}",
            direction.describe(),
            place(&first),
            place(&last),
            place(&from),
            place(&to)
        ))
    }

    /// The blame of a finding's group in words: which figure to fix and to what, the findings
    /// it repairs, the slip, and the figures blame proposes no printing for.
    pub fn blame_text(&self, blame: &crate::blame::Blame) -> String {
        let answer = self.answer_text(blame);
        if blame.unweighed.is_empty() || blame.too_wide {
            return answer;
        }
        let unweighed: Vec<String> = blame
            .unweighed
            .iter()
            .map(|&cell| {
                let printed = self
                    .cell(cell)
                    .map_or_else(String::new, |view| format!(" {}", view.value));
                let in_words = self
                    .dataset
                    .tables
                    .get(cell.table)
                    .is_some_and(|t| t.stated_interval(cell.row, cell.column).is_some());
                let why = if in_words {
                    "bounded in words"
                } else {
                    "a column in thousands"
                };
                format!("{}{printed} ({why})", self.cell_name(cell))
            })
            .collect();
        format!(
            "{answer}; not weighed, and may be the wrong one (blame proposes no printing for it): \
             {}",
            unweighed.join(", ")
        )
    }

    /// [`Report::blame_text`]'s answer: which figure to fix and to what, the findings it
    /// repairs, the slip.
    fn answer_text(&self, blame: &crate::blame::Blame) -> String {
        let answer = self.figures_answer_text(blame);
        let line = blame.left_out.as_ref().map_or("row", |l| l.line.name());
        match self.left_out_text(blame) {
            Some(text) if blame.answer().is_empty() => {
                format!("{answer}; a {line} the rule leaves out may: {text}")
            }
            Some(text) => format!("{answer}; or a {line} the rule leaves out: {text}"),
            None => answer,
        }
    }

    /// [`Report::answer_text`] of the figures alone.
    fn figures_answer_text(&self, blame: &crate::blame::Blame) -> String {
        let suspect = |s: &crate::blame::Suspect| {
            let print = |value| self.printing(s.cell, value);
            let (proposed, low, high) = (print(s.proposed), print(s.low), print(s.high));
            let value = match (s.open_below, s.open_above) {
                (true, true) => {
                    format!(
                        "{proposed} (any of {low} to {high} and beyond: the checks bound it loosely)"
                    )
                }
                (true, false) => format!("{proposed} (or anything up to {high})"),
                (false, true) => format!("{proposed} (or anything from {low})"),
                (false, false) if s.low < s.high => {
                    format!("{proposed} (any of {low} to {high})")
                }
                (false, false) => proposed,
            };
            let repairs = match s.repairs.len() {
                1 => "1 failed check".to_string(),
                n => format!("{n} failed checks"),
            };
            let slip = s
                .slip
                .map_or(String::new(), |slip| format!("; {}", slip.describe()));
            // As printed (`37 294.5`), so that the editor finds it in the draft.
            let printed = self
                .cell(s.cell)
                .map_or_else(|| s.printed.to_string(), |view| view.value.to_string());
            format!(
                "{} prints {printed}; {value} repairs {repairs} and breaks none{slip}",
                self.cell_name(s.cell),
            )
        };
        let budget = if blame.budget_hit {
            " (the search stopped at its budget)"
        } else {
            ""
        };
        if blame.too_wide {
            return format!(
                "not blamed: a rule that reads its figures reads more than {} figures in all, \
                 too many to re-decide",
                crate::blame::WIDEST_RULE
            );
        }
        let relabelled = self.relabelled_text(blame);
        let mut suspects = blame.answer().iter();
        let Some(first) = suspects.next() else {
            if let Some(relabelled) = relabelled {
                return format!(
                    "no figure explains this{budget}, but the labels may: {relabelled}"
                );
            }
            return format!(
                "no figure explains this{budget}: changing any one of its figures either leaves \
                 a check of it failing or makes a passing check fail; more than one may be wrong"
            );
        };
        if let Some(shifted) = blame.shifted.as_ref().and_then(|s| self.shifted_text(s)) {
            let lost = blame.shifted.as_ref().and_then(|s| s.lost);
            let changes: Vec<String> = blame
                .answer()
                .iter()
                .map(|s| {
                    let solved = if lost == Some(s.cell) {
                        " (its own figure, pushed out by the shift, solved for from the checks)"
                    } else {
                        ""
                    };
                    self.change_line(s, solved)
                })
                .collect();
            return format!(
                "no single figure explains these {} failed checks; {}{budget}: {shifted}: {}; \
                 together they repair every one and break none",
                blame.findings.len(),
                blame.shifted.as_ref().map_or("", |s| s.slip.describe()),
                changes.join(", and ")
            );
        }
        if blame.pair {
            let changes: Vec<String> = blame
                .answer()
                .iter()
                .map(|s| {
                    let slip = s
                        .slip
                        .map_or(String::new(), |slip| format!(" ({})", slip.describe()));
                    self.change_line(s, &slip)
                })
                .collect();
            return format!(
                "no single figure explains these {} failed checks; two together do{budget}: {}; \
                 together they repair every one and break none",
                blame.findings.len(),
                changes.join(", and ")
            );
        }
        if !blame.exact {
            let rest: Vec<String> = std::iter::once(first)
                .chain(suspects)
                .map(suspect)
                .collect();
            let repaired: std::collections::HashSet<usize> = blame
                .answer()
                .iter()
                .flat_map(|s| s.repairs.iter().copied())
                .collect();
            let left = blame.findings.len() - repaired.len().min(blame.findings.len());
            let unexplained = match left {
                0 => String::new(),
                1 => "; 1 failed check is left unexplained".to_string(),
                n => format!("; {n} failed checks are left unexplained"),
            };
            let relabelled = relabelled.map_or(String::new(), |r| format!("; or the labels: {r}"));
            return format!(
                "no single figure explains these {} failed checks; likely wrong, in turn{budget}: \
                 {}{unexplained}{relabelled}",
                blame.findings.len(),
                rest.join("; then ")
            );
        }
        if blame.tied {
            let others: Vec<String> = suspects.map(suspect).collect();
            let lead = match others.len() {
                1 => "either figure may be wrong".to_string(),
                n => format!("any one of these {} figures may be wrong", n + 1),
            };
            return format!(
                "{lead}{budget}: {}; or {}",
                suspect(first),
                others.join("; or ")
            );
        }
        format!("likely wrong{budget}: {}", suspect(first))
    }
}
