//! `--format html`: one self-contained page for editors (HTML5, no network: the style sheet
//! `html.css` and the script `html.js` are inlined).
//!
//! The page shows every table of the run as printed — row labels, column headers, each cell's
//! printed text — and the figures of the book's text (the table `TEXT`) as sentence snippets,
//! part by part. Every cell a finding names is marked: the published figure (a finding's first
//! cell, when it has a published value, as in the JSON and Markdown reports) with class `pub`,
//! the other cells (parts, totals, other printings) with class `inv`. A marked cell carries
//! `data-table`, `data-row` and `data-column` (the JSON report's ids and label paths),
//! `data-finding` (the indices of its findings, as in the JSON report's `findings`, separated
//! by spaces), `data-published` (those of them whose published figure it is) and `data-line`
//! (its line in its file, which tells apart two printings of one row label); its `title`
//! names its findings on hover, and a click opens them in a panel (rule id, message,
//! description) and outlines the other cells of the same findings. The marks are in the HTML
//! itself, so the page reads the same without its script.
//!
//! A table of more than [`WHOLE_TABLE_ROWS`] rows (a record file) is shown folded: its rows
//! that hold a marked cell, at most [`MOST_ROWS_SHOWN`] of them, each run of the others as one
//! row that counts them. A finding names its first [`MOST_CELLS_NAMED`] cells and counts the
//! rest, and a cell whose row is folded away is named without a link: the page stays a size a
//! browser opens (a record file of 10⁶ rows made one of 207 MB, a check against a mean over it
//! one of 567 MB), and the JSON report lists every cell.
//!
//! At the top, the counts and two bar charts (findings by table, by kind of rule); on the left,
//! the list of findings, each linking to its cells. Output is deterministic: findings in the
//! run's order, tables in book order, no time stamps.

use super::{MOST_CELLS_NAMED, Report};
use crate::engine::program::{CellId, ROW_LABEL};
use crate::table::Table;
use crate::table::label::LabelPath;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

const STYLE: &str = include_str!("html.css");
const SCRIPT: &str = include_str!("html.js");

/// Text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            ch => out.push(ch),
        }
    }
    out
}

/// The findings that name one cell.
#[derive(Default)]
struct Marks {
    /// Indices into the outcome's findings, ascending.
    findings: Vec<usize>,
    /// Those of them whose published figure this cell is.
    published: Vec<usize>,
    /// Where blame names this cell: `likely wrong (→ 27.2)`, and the proposed printing.
    blamed: Option<(String, String)>,
}

/// Every cell some finding names (its first [`MOST_CELLS_NAMED`]), with its findings.
fn marks(report: &Report<'_>) -> BTreeMap<CellId, Marks> {
    let mut marks: BTreeMap<CellId, Marks> = BTreeMap::new();
    for (index, finding) in report.outcome.findings.iter().enumerate() {
        for (position, &cell) in finding.cells.iter().take(MOST_CELLS_NAMED).enumerate() {
            let entry = marks.entry(cell).or_default();
            if !entry.findings.contains(&index) {
                entry.findings.push(index);
            }
            if position == 0 && finding.published.is_some() && !entry.published.contains(&index) {
                entry.published.push(index);
            }
        }
    }
    for blame in &report.outcome.blame {
        for (suspect, (cell, mark)) in blame.answer().iter().zip(report.blame_marks(blame)) {
            if let Some(entry) = marks.get_mut(&cell) {
                let proposed = report.proposal_text(suspect);
                entry.blamed = Some((mark, proposed));
            }
        }
    }
    marks
}

/// A table of more rows than this is shown folded.
const WHOLE_TABLE_ROWS: usize = 1_000;

/// Rows of a folded table shown, at most.
const MOST_ROWS_SHOWN: usize = 2_000;

/// What the page shows of a folded table.
struct Folded {
    /// The rows shown, ascending: those that hold a marked cell, the first [`MOST_ROWS_SHOWN`].
    shown: Vec<usize>,
    /// The rows that hold a marked cell, shown or not.
    marked: usize,
}

/// The tables shown folded (by index), and the marks left of their rows: those of rows shown.
/// The book's text is not among them: it is shown as snippets of its marked figures.
fn fold(report: &Report<'_>, marks: &mut BTreeMap<CellId, Marks>) -> BTreeMap<usize, Folded> {
    let mut marked: BTreeMap<usize, BTreeSet<usize>> = (report.dataset.tables.iter().enumerate())
        .filter(|(_, table)| !table.meta.anchored && table.rows().len() > WHOLE_TABLE_ROWS)
        .map(|(index, _)| (index, BTreeSet::new()))
        .collect();
    for id in marks.keys() {
        if let Some(rows) = marked.get_mut(&id.table) {
            rows.insert(id.row);
        }
    }
    let folded: BTreeMap<usize, Folded> = marked
        .into_iter()
        .map(|(index, rows)| {
            let marked = rows.len();
            let shown = rows.into_iter().take(MOST_ROWS_SHOWN).collect();
            (index, Folded { shown, marked })
        })
        .collect();
    marks.retain(|id, _| {
        folded
            .get(&id.table)
            .is_none_or(|f| f.shown.binary_search(&id.row).is_ok())
    });
    folded
}

/// The anchor of a cell: `c-TABLE-ROW-COLUMN` by indices, `label` for a row's label.
fn anchor(id: CellId) -> String {
    if id.column == ROW_LABEL {
        format!("c-{}-{}-label", id.table, id.row)
    } else {
        format!("c-{}-{}-{}", id.table, id.row, id.column)
    }
}

fn numbers(indices: &[usize]) -> String {
    indices
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The attributes of a marked cell (with a leading space).
fn mark_attributes(report: &Report<'_>, id: CellId, marks: &Marks) -> String {
    let (row, column, line) = report.cell(id).map_or_else(Default::default, |view| {
        (view.row, view.column, view.position.line)
    });
    let title: Vec<String> = marks
        .findings
        .iter()
        .filter_map(|&i| report.outcome.findings.get(i))
        .map(|f| format!("{}: {}", f.rule_id, f.message))
        .collect();
    let class = if marks.published.is_empty() {
        "hl inv"
    } else {
        "hl pub"
    };
    // The blamed cell apart from the others, what it should print on hover (first line).
    let (class, proposed, title) = match &marks.blamed {
        Some((mark, proposed)) => (
            format!("{class} blamed"),
            format!(r#" data-proposed="{}""#, escape(proposed)),
            std::iter::once(mark.clone()).chain(title).collect(),
        ),
        None => (class.to_string(), String::new(), title),
    };
    format!(
        r#" id="{}" class="{class}" tabindex="0" data-table="{}" data-row="{}" data-column="{}" data-finding="{}" data-published="{}" data-line="{line}"{proposed} title="{}""#,
        anchor(id),
        escape(report.dataset.tables.get(id.table).map_or("", Table::id)),
        escape(&row),
        escape(&column),
        numbers(&marks.findings),
        numbers(&marks.published),
        escape(&title.join("\n")),
    )
}

/// A cell's text as printed.
fn printed(table: &Table, row: usize, column: usize) -> String {
    table
        .cell_span(row, column)
        .map(|span| table.printed(span))
        .unwrap_or_default()
}

fn label_text(path: &LabelPath, level: usize) -> &str {
    path.labels().get(level).map_or("", |l| l.text())
}

/// Whether two paths have the same labels up to and including `level`.
fn same_prefix(a: &LabelPath, b: &LabelPath, level: usize) -> bool {
    a.labels().len() > level
        && b.labels().len() > level
        && (0..=level).all(|k| label_text(a, k) == label_text(b, k))
}

/// The header rows: one per level of the column labels; a label spans the columns it heads,
/// and a column whose path ends early reaches down to the last header row.
fn header(out: &mut String, table: &Table, label_levels: usize) {
    let columns = table.columns();
    let levels = columns
        .iter()
        .map(|c| c.labels().len())
        .max()
        .unwrap_or(0)
        .max(1);
    out.push_str("<thead>");
    for level in 0..levels {
        out.push_str("<tr>");
        if level == 0 && label_levels > 0 {
            let _ = write!(
                out,
                r#"<th class="corner" rowspan="{levels}" colspan="{label_levels}"></th>"#
            );
        }
        let mut index = 0;
        while let Some(column) = columns.get(index) {
            let length = column.labels().len();
            if length <= level {
                if length == 0 && level == 0 {
                    let _ = write!(out, r#"<th rowspan="{levels}"></th>"#);
                }
                index += 1;
                continue;
            }
            let ends = length == level + 1;
            let mut span = 1;
            while let Some(next) = columns.get(index + span) {
                if (next.labels().len() == level + 1) != ends || !same_prefix(column, next, level) {
                    break;
                }
                span += 1;
            }
            let rows = if ends { levels - level } else { 1 };
            let _ = write!(
                out,
                r#"<th colspan="{span}" rowspan="{rows}">{}</th>"#,
                escape(label_text(column, level))
            );
            index += span;
        }
        out.push_str("</tr>");
    }
    out.push_str("</thead>");
}

/// A table as a grid: header rows, then one row per data row with its labels and cells (of a
/// folded table, the rows shown and a row counting each run of the others).
fn grid(
    out: &mut String,
    report: &Report<'_>,
    index: usize,
    marks: &BTreeMap<CellId, Marks>,
    folded: Option<&Folded>,
) {
    let Some(table) = report.dataset.tables.get(index) else {
        return;
    };
    let label_levels = table
        .rows()
        .iter()
        .map(|r| r.labels().len())
        .max()
        .unwrap_or(0);
    let rows = table.rows().len();
    if let Some(folded) = folded {
        folded_note(out, rows, folded);
    }
    out.push_str(r#"<div class="scroll"><table class="grid">"#);
    header(out, table, label_levels);
    out.push_str("<tbody>");
    let shown: Vec<usize> = folded.map_or_else(|| (0..rows).collect(), |f| f.shown.clone());
    let width = (label_levels + table.columns().len()).max(1);
    let mut previous: Option<&LabelPath> = None;
    let mut next = 0;
    for row in shown {
        let Some(path) = table.rows().get(row) else {
            continue;
        };
        if row > next {
            gap(out, row - next, width);
            // After a gap, a group's label is printed again.
            previous = None;
        }
        let line = Line {
            index,
            row,
            label_levels,
        };
        grid_row(out, report, &line, path, previous, marks);
        previous = Some(path);
        next = row + 1;
    }
    if rows > next {
        gap(out, rows - next, width);
    }
    out.push_str("</tbody></table></div>");
}

/// What a folded table's grid shows of its `rows`.
fn folded_note(out: &mut String, rows: usize, folded: &Folded) {
    let (marked, shown) = (folded.marked, folded.shown.len());
    let _ = match marked {
        0 => write!(
            out,
            r#"<p class="folded">Folded: of its {rows} rows, none holds a cell a finding names.</p>"#
        ),
        _ if shown == marked => write!(
            out,
            r#"<p class="folded">Folded: of its {rows} rows, the {marked} that hold a cell a finding names are shown.</p>"#
        ),
        _ => write!(
            out,
            r#"<p class="folded">Folded: of its {rows} rows, {marked} hold a cell a finding names, and the first {shown} of them are shown (--format json lists every cell).</p>"#
        ),
    };
}

/// A run of rows folded away, as one row that counts them.
fn gap(out: &mut String, rows: usize, width: usize) {
    let _ = write!(
        out,
        r#"<tr class="gap"><td colspan="{width}">⋯ {rows} row{} not shown ⋯</td></tr>"#,
        if rows == 1 { "" } else { "s" }
    );
}

/// Where a grid's row is: its table, its index, and the table's levels of row labels.
struct Line {
    index: usize,
    row: usize,
    label_levels: usize,
}

/// One data row of a grid: its labels (a group's only where `previous` has another), then its
/// cells.
fn grid_row(
    out: &mut String,
    report: &Report<'_>,
    line: &Line,
    path: &LabelPath,
    previous: Option<&LabelPath>,
    marks: &BTreeMap<CellId, Marks>,
) {
    let Line {
        index,
        row,
        label_levels,
    } = *line;
    let Some(table) = report.dataset.tables.get(index) else {
        return;
    };
    out.push_str("<tr>");
    let labels = path.labels();
    if labels.is_empty() && label_levels > 0 {
        let _ = write!(out, r#"<th colspan="{label_levels}"></th>"#);
    }
    for (level, label) in labels.iter().enumerate() {
        let last = level + 1 == labels.len();
        if last {
            let id = CellId {
                table: index,
                row,
                column: ROW_LABEL,
            };
            let attributes = marks
                .get(&id)
                .map_or_else(String::new, |m| mark_attributes(report, id, m));
            let _ = write!(
                out,
                r#"<th class="label" colspan="{}"><span{attributes}>{}</span></th>"#,
                label_levels - level,
                escape(label.text())
            );
        } else {
            // A group's label is printed on its first row only, as in the book.
            let repeated = previous.is_some_and(|p| same_prefix(p, path, level));
            let text = if repeated { "" } else { label.text() };
            let _ = write!(out, r#"<th class="group">{}</th>"#, escape(text));
        }
    }
    for column in 0..table.columns().len() {
        let id = CellId {
            table: index,
            row,
            column,
        };
        let text = escape(&printed(table, row, column));
        match marks.get(&id) {
            Some(m) => {
                let _ = write!(out, "<td{}>{text}</td>", mark_attributes(report, id, m));
            }
            None => {
                let _ = write!(out, "<td>{text}</td>");
            }
        }
    }
    out.push_str("</tr>");
}

/// At most `count` characters of the end of `text`, with an ellipsis where it was cut.
fn tail(text: &str, count: usize) -> String {
    let length = text.chars().count();
    if length <= count {
        text.to_string()
    } else {
        let kept: String = text.chars().skip(length - count).collect();
        format!("…{kept}")
    }
}

/// The words after a figure of the text, up to the end of its clause (at most `count`).
fn following(text: &str, count: usize) -> String {
    let mut out = String::new();
    for (taken, ch) in text.chars().enumerate() {
        if ch == '\n' {
            break;
        }
        if taken == count {
            out.push('…');
            break;
        }
        out.push(ch);
        if matches!(ch, '。' | '；' | ';') {
            break;
        }
    }
    out
}

/// The figures of the text (rows named by part and the sentence up to the figure): one list
/// per part of the book, each figure in its sentence.
fn snippets(out: &mut String, report: &Report<'_>, index: usize, marks: &BTreeMap<CellId, Marks>) {
    let Some(table) = report.dataset.tables.get(index) else {
        return;
    };
    let source = table.source();
    let mut parts: Vec<(String, Vec<usize>)> = Vec::new();
    for (row, path) in table.rows().iter().enumerate() {
        let part = label_text(path, 0).to_string();
        match parts.last_mut() {
            Some((name, rows)) if *name == part => rows.push(row),
            _ => parts.push((part, vec![row])),
        }
    }
    for (part, rows) in parts {
        let marked = rows
            .iter()
            .filter(|&&row| {
                (0..table.columns().len()).any(|column| {
                    marks.contains_key(&CellId {
                        table: index,
                        row,
                        column,
                    })
                })
            })
            .count();
        let _ = write!(
            out,
            r#"<details class="part"{}><summary>{} — {} figures, {marked} in findings</summary><ol class="claims">"#,
            if marked > 0 { " open" } else { "" },
            escape(&part),
            rows.len()
        );
        for row in rows {
            for column in 0..table.columns().len() {
                let Some(span) = table.cell_span(row, column) else {
                    continue;
                };
                let id = CellId {
                    table: index,
                    row,
                    column,
                };
                let before = table
                    .rows()
                    .get(row)
                    .and_then(LabelPath::last)
                    .map_or("", |l| l.text());
                let after = source.text().get(span.offset + span.length..).unwrap_or("");
                // A Word document's figures are numbered by paragraph.
                let line = match source.paragraph_span(span) {
                    Some(place) => format!("¶{}", place.paragraph),
                    None => source.line_column(span.offset).line.to_string(),
                };
                let figure = escape(&printed(table, row, column));
                let figure = match marks.get(&id) {
                    Some(m) => format!("<b{}>{figure}</b>", mark_attributes(report, id, m)),
                    None => format!(r#"<b class="fig">{figure}</b>"#),
                };
                let _ = write!(
                    out,
                    r#"<li{}><span class="line">{line}</span> {}{figure}{}</li>"#,
                    if marks.contains_key(&id) {
                        r#" class="marked""#
                    } else {
                        ""
                    },
                    escape(&tail(before, 60)),
                    escape(&following(after, 30))
                );
            }
        }
        out.push_str("</ol></details>");
    }
}

/// Horizontal bars: (label, link, count), scaled to the largest count.
fn bars(out: &mut String, title: &str, entries: &[(String, String, usize)]) {
    let largest = entries.iter().map(|e| e.2).max().unwrap_or(1).max(1);
    let _ = write!(
        out,
        r#"<figure class="chart"><figcaption>{}</figcaption>"#,
        escape(title)
    );
    for (label, link, count) in entries {
        let width = count * 100 / largest;
        let name = if link.is_empty() {
            escape(label)
        } else {
            format!(r##"<a href="#{}">{}</a>"##, escape(link), escape(label))
        };
        let _ = write!(
            out,
            r#"<div class="bar"><span class="name">{name}</span><span class="track"><span class="fill" style="width:{width}%"></span></span><span class="n">{count}</span></div>"#
        );
    }
    out.push_str("</figure>");
}

/// The input errors, each with its place: every check they did not stop was checked.
fn input_errors(out: &mut String, report: &Report<'_>) {
    if report.errors.is_empty() {
        return;
    }
    let _ = write!(
        out,
        r#"<section id="input-errors"><h2>Input errors</h2><p>{}</p><ul>"#,
        report.not_checked_sentence()
    );
    for error in report.error_views() {
        let place = error
            .place()
            .map_or_else(String::new, |p| format!(" <code>{}</code>", escape(&p)));
        let help = error
            .help
            .as_deref()
            .map_or_else(String::new, |h| format!("<br><small>{}</small>", escape(h)));
        let _ = write!(
            out,
            r#"<li class="input-error"><code>{}</code>{place}: {}{help}</li>"#,
            escape(&error.code),
            escape(&error.message)
        );
    }
    out.push_str("</ul></section>");
}

/// The table a finding is filed under: its first cell's (the published figure's).
fn home_table(cells: &[CellId]) -> Option<usize> {
    cells.first().map(|c| c.table)
}

fn summary(out: &mut String, report: &Report<'_>) {
    let outcome = report.outcome;
    out.push_str(r#"<section id="summary"><div class="counts">"#);
    let mut counts = vec![
        ("tables", report.dataset.tables.len()),
        ("rules", report.rule_count()),
        ("checks", outcome.checks),
        ("passed", outcome.passed),
        ("failed", report.failed()),
        ("skipped", outcome.skipped),
    ];
    let implausible = report.implausible();
    if implausible > 0 {
        counts.insert(5, ("implausible", implausible));
    }
    if report.program.rules_not_checked > 0 {
        counts.push(("rules not checked", report.program.rules_not_checked));
    }
    if !report.errors.is_empty() {
        counts.push(("not checked", outcome.not_checked));
        counts.push(("input errors", report.errors.len()));
    }
    if outcome.known > 0 {
        counts.push(("known (baseline)", outcome.known));
    }
    if outcome.changed > 0 {
        counts.push(("changed (baseline)", outcome.changed));
    }
    if outcome.findings_left_out > 0 {
        counts.push(("left out (--max-findings)", outcome.findings_left_out));
    }
    for (name, count) in counts {
        let _ = write!(
            out,
            r#"<div class="count {}"><span class="n">{count}</span><span class="what">{name}</span></div>"#,
            name.split(' ').next().unwrap_or(name)
        );
    }
    out.push_str(
        r#"</div><p class="legend"><span class="key hl pub">published figure</span> <span class="key hl inv">other cells involved</span> <span class="key hl inv blamed">likely wrong: hover for what it should print</span> — click a marked cell for its findings; hover for a summary.</p>"#,
    );
    if outcome.findings.is_empty() {
        out.push_str(
            "<p>No discrepancies: every decided check holds within rounding.</p></section>",
        );
        return;
    }
    let mut by_table: BTreeMap<usize, usize> = BTreeMap::new();
    let mut by_kind: BTreeMap<&'static str, usize> = BTreeMap::new();
    for finding in &outcome.findings {
        if let Some(table) = home_table(&finding.cells) {
            *by_table.entry(table).or_default() += 1;
        }
        *by_kind.entry(finding.kind.keyword()).or_default() += 1;
    }
    let tables: Vec<(String, String, usize)> = by_table
        .into_iter()
        .filter_map(|(index, count)| {
            let table = report.dataset.tables.get(index)?;
            Some((
                format!("{} ({})", table.meta.printed, table.id()),
                format!("t-{index}"),
                count,
            ))
        })
        .collect();
    let kinds: Vec<(String, String, usize)> = by_kind
        .into_iter()
        .map(|(kind, count)| (kind.to_string(), String::new(), count))
        .collect();
    out.push_str(r#"<div class="charts">"#);
    bars(out, "Findings by table (of the published figure)", &tables);
    bars(out, "Findings by kind of rule", &kinds);
    out.push_str("</div></section>");
}

/// A cell as a list names it: table, row, column and printed value.
fn cell_name(report: &Report<'_>, id: CellId) -> String {
    report.cell(id).map_or_else(String::new, |view| {
        let column = if view.column.is_empty() {
            String::new()
        } else {
            format!(" · {}", view.column)
        };
        // A workbook's cell also says where it is on its sheet, a Word document's figure its
        // paragraph and characters.
        let address = view
            .address
            .as_ref()
            .map_or_else(String::new, |address| format!(" ({address})"));
        format!(
            "{} · {}{column} = {}{address}",
            view.table.meta.printed, view.row, view.value
        )
    })
}

/// The list of findings, each with the cells it names: linked to their marks, but for those of
/// rows folded away.
fn finding_list(out: &mut String, report: &Report<'_>, marks: &BTreeMap<CellId, Marks>) {
    let outcome = report.outcome;
    let blame_of = report.blame_by_finding();
    let _ = write!(
        out,
        r#"<nav id="findings"><h2>{} findings</h2><ol class="findings">"#,
        outcome.findings.len()
    );
    for (index, finding) in outcome.findings.iter().enumerate() {
        let description = report
            .program
            .rules
            .get(finding.rule)
            .map_or("", |r| r.description.as_str());
        let _ = write!(
            out,
            r#"<li id="f-{index}" class="finding"><div class="head"><span class="number">{}</span> <code class="rule">{}</code> <span class="kind">{}</span>{}</div><p class="message">{}</p><p class="description">{}</p>"#,
            index + 1,
            escape(&finding.rule_id),
            finding.kind.keyword(),
            if report.is_soft(finding) {
                r#" <span class="severity">plausibility</span>"#
            } else {
                ""
            },
            escape(&finding.message),
            escape(description)
        );
        if let Some(changed) = report.changed(finding) {
            let _ = write!(
                out,
                r#"<p class="message changed">{}</p>"#,
                escape(&changed)
            );
        }
        let blame = blame_of.get(index).copied().flatten();
        if let Some(blame) = blame {
            let _ = write!(
                out,
                r#"<p class="message blame">{}</p>"#,
                escape(&report.blame_text(blame))
            );
        }
        let blamed = blame.map(|b| report.blame_marks(b)).unwrap_or_default();
        out.push_str(r#"<ul class="cells">"#);
        for (position, &id) in finding.cells.iter().take(MOST_CELLS_NAMED).enumerate() {
            let class = if position == 0 && finding.published.is_some() {
                "pub"
            } else {
                "inv"
            };
            let class = if blamed.iter().any(|(cell, _)| *cell == id) {
                format!("{class} blamed")
            } else {
                class.to_string()
            };
            let name = escape(&cell_name(report, id));
            let _ = if marks.contains_key(&id) {
                write!(
                    out,
                    r##"<li><a class="hl {class}" href="#{}">{name}</a></li>"##,
                    anchor(id)
                )
            } else {
                write!(out, r#"<li><span class="hl {class}">{name}</span></li>"#)
            };
        }
        left_out_cells(out, finding.cells.len(), "<li class=\"left-out\">", "</li>");
        out.push_str("</ul></li>");
    }
    out.push_str("</ol>");
    if outcome.findings_left_out > 0 {
        let _ = write!(
            out,
            r#"<p class="left-out">… and {} more findings, left out: the first {} are listed (--max-findings).</p>"#,
            outcome.findings_left_out,
            outcome.findings.len()
        );
    }
    if !outcome.notes.is_empty() {
        out.push_str(r#"<h2>Checks that could not be decided</h2><ul class="notes">"#);
        for note in &outcome.notes {
            let cells: Vec<String> = note
                .cells
                .iter()
                .take(MOST_CELLS_NAMED)
                .map(|&id| escape(&cell_name(report, id)))
                .collect();
            let _ = write!(
                out,
                r#"<li><code class="rule">{}</code> {}<br><small>{}</small>"#,
                escape(&note.rule_id),
                escape(&note.message),
                cells.join("; ")
            );
            left_out_cells(out, note.cells.len(), "<br><small>", "</small>");
            out.push_str("</li>");
        }
        out.push_str("</ul>");
    }
    if outcome.notes_left_out > 0 {
        let _ = write!(
            out,
            r#"<p class="left-out">… and {} more checks that could not be decided, left out (--max-findings).</p>"#,
            outcome.notes_left_out
        );
    }
    out.push_str("</nav>");
}

/// The count of a finding's cells past the first [`MOST_CELLS_NAMED`], between `open` and
/// `close`: nothing where there are none.
fn left_out_cells(out: &mut String, cells: usize, open: &str, close: &str) {
    let left_out = cells.saturating_sub(MOST_CELLS_NAMED);
    if left_out > 0 {
        let _ = write!(
            out,
            "{open}… and {left_out} more cells it reads, not named here (--format json lists them all){close}"
        );
    }
}

fn tables(
    out: &mut String,
    report: &Report<'_>,
    marks: &BTreeMap<CellId, Marks>,
    folded: &BTreeMap<usize, Folded>,
) {
    out.push_str(r#"<section id="tables"><h2>Tables</h2>"#);
    for (index, table) in report.dataset.tables.iter().enumerate() {
        let findings = report
            .outcome
            .findings
            .iter()
            .filter(|f| f.cells.iter().any(|c| c.table == index))
            .count();
        let _ = write!(
            out,
            r#"<details id="t-{index}" class="table{}"{}><summary><span class="printed">{}</span> {} <code>{}</code> <small>{}</small>"#,
            if findings > 0 { " flagged" } else { "" },
            if findings > 0 { " open" } else { "" },
            escape(&table.meta.printed),
            escape(&table.meta.caption),
            escape(table.id()),
            escape(&table.source().display_name()),
        );
        if findings > 0 {
            let _ = write!(
                out,
                r#" <span class="badge">{findings} finding{}</span>"#,
                if findings == 1 { "" } else { "s" }
            );
        }
        out.push_str("</summary>");
        if table.meta.anchored {
            snippets(out, report, index, marks);
        } else {
            grid(out, report, index, marks, folded.get(&index));
        }
        out.push_str("</details>");
    }
    out.push_str("</section>");
}

/// The HTML page.
pub fn render(report: &Report<'_>) -> String {
    let mut marks = marks(report);
    let folded = fold(report, &mut marks);
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>crossfoot report</title>\n<style>\n",
    );
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n");
    let _ = write!(
        out,
        r#"<header><h1>crossfoot report</h1><p>{} discrepancies in {} checks of {} tables</p></header>"#,
        report.failed(),
        report.outcome.checks,
        report.dataset.tables.len()
    );
    out.push_str(r#"<div class="layout">"#);
    finding_list(&mut out, report, &marks);
    out.push_str("<main>");
    summary(&mut out, report);
    input_errors(&mut out, report);
    tables(&mut out, report, &marks, &folded);
    out.push_str("</main></div>\n");
    out.push_str(
        r#"<aside id="panel" hidden><button type="button" class="close" aria-label="close">×</button><div class="body"></div></aside>"#,
    );
    out.push_str("\n<script>\n");
    out.push_str(SCRIPT);
    out.push_str("</script>\n</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_content_and_attributes() {
        assert_eq!(
            escape(r#"<a href="x">R&D 'n' co</a>"#),
            "&lt;a href=&quot;x&quot;&gt;R&amp;D &#39;n&#39; co&lt;/a&gt;"
        );
        assert_eq!(escape("成交额 / 亿元"), "成交额 / 亿元");
    }

    /// A table whose labels need escaping, and one failed sum: 合计 4.0 against 1.0 + 2.0.
    fn rendered() -> String {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        std::fs::write(
            data.join("T.csv"),
            "项目,金额\na,1.0\nb,2.0\n合计,4.0\n\"x<y & \"\"z\"\" 'w'\",7.0\n",
        )
        .unwrap();
        let rules = dir.path().join("t.rules");
        std::fs::write(
            &rules,
            "sum total \"parts <add> & 'sum'\"\n  T[合计, 金额] = T[a, 金额] + T[b, 金额]\n",
        )
        .unwrap();
        let checked = crate::run::check(&data, &rules).unwrap();
        assert_eq!(checked.outcome.findings.len(), 1);
        render(&Report {
            errors: &[],
            dataset: &checked.dataset,
            program: &checked.program,
            outcome: &checked.outcome,
        })
    }

    #[test]
    fn every_cell_of_a_finding_is_marked_once_the_published_one_and_the_blamed_ones_apart() {
        let html = rendered();
        assert_eq!(html.matches(" data-finding=\"0\"").count(), 3, "{html}");
        // Any of the three may be the wrong one: each is marked blamed too, with what it
        // should print.
        let published = html.matches(r#"class="hl pub blamed" tabindex="0" data-table="T" data-row="合计" data-column="金额" data-finding="0" data-published="0" data-line="4" data-proposed="3.0" title="may be wrong (→ 3.0)"#);
        assert_eq!(published.count(), 1, "{html}");
        for (row, proposed) in [("a", "2.0"), ("b", "3.0")] {
            let involved = format!(
                r#"class="hl inv blamed" tabindex="0" data-table="T" data-row="{row}" data-column="金额" data-finding="0" data-published="" data-line="{}" data-proposed="{proposed}" title="may be wrong (→ {proposed})"#,
                if row == "a" { 2 } else { 3 }
            );
            assert_eq!(html.matches(&involved).count(), 1, "{html}");
        }
        // The row that takes no part is printed, unmarked.
        assert!(html.contains("<td>7.0</td>"));
    }

    #[test]
    fn labels_are_escaped_in_the_page() {
        let html = rendered();
        assert!(!html.contains("x<y"));
        assert!(html.contains("x&lt;y &amp; &quot;z&quot; &#39;w&#39;"));
        assert!(!html.contains("<add>"));
        assert!(html.contains("parts &lt;add&gt; &amp; &#39;sum&#39;"));
        // The page has no other script than its own, and loads nothing.
        assert_eq!(html.matches("<script").count(), 1);
        assert!(!html.contains("http://") && !html.contains("https://"));
    }
}
