//! The proposals as a rules file a statistician reviews: a header saying how it was made,
//! then table by table, in the order the data set lists them, each rule with how many checks
//! and figures support it and, commented out under it, the checks it fails (candidate
//! findings: a slip in the book, or a sign the rule is wrong).

use super::Proposal;
use crate::engine::program::{CellId, ROW_LABEL};
use crate::table::manifest::Dataset;
use std::fmt::Write;

/// The whole rules file.
pub fn rules_file(dataset: &Dataset, proposals: &[Proposal]) -> String {
    let mut out = String::from(
        "# Rules proposed by `crossfoot infer` from the tables' layout and figures, for review.\n\
         # Each rule was checked against the figures within rounding: it says how many checks\n\
         # pass, and lists under it, as candidate findings, the few that fail. Keep, edit or\n\
         # delete each rule; a candidate finding is either a slip in the table or a wrong rule.\n",
    );
    for (index, table) in dataset.tables.iter().enumerate() {
        let rules: Vec<&Proposal> = proposals.iter().filter(|p| p.table == index).collect();
        if rules.is_empty() {
            continue;
        }
        let printed = if table.meta.printed.is_empty() {
            table.id()
        } else {
            &table.meta.printed
        };
        let _ = write!(out, "\n# ---- {printed}");
        if !table.meta.caption.is_empty() {
            let _ = write!(out, ": {}", table.meta.caption);
        }
        out.push_str(" ----\n");
        for rule in rules {
            out.push('\n');
            rule_text(&mut out, rule);
        }
    }
    out
}

fn rule_text(out: &mut String, rule: &Proposal) {
    let failed = rule.candidate_findings.len();
    let _ = write!(
        out,
        "# supported by {} of {} checks ({} figures)",
        rule.passed,
        rule.passed + failed,
        rule.figures
    );
    match failed {
        0 => out.push('\n'),
        1 => out.push_str("; 1 candidate finding:\n"),
        n => {
            let _ = writeln!(out, "; {n} candidate findings:");
        }
    }
    for finding in &rule.candidate_findings {
        let _ = writeln!(out, "#   candidate finding: {finding}");
    }
    let _ = writeln!(
        out,
        "{} {} \"{}\"",
        rule.kind,
        rule.id,
        rule.description.replace('"', "'")
    );
    for line in &rule.loops {
        let _ = writeln!(out, "  for {line}");
    }
    let _ = writeln!(out, "  {}", rule.body);
}

/// A failed check in one line: its cells as `T[row, column]` (the published one first) and
/// the engine's message.
pub fn finding_line(dataset: &Dataset, cells: &[CellId], message: &str) -> String {
    let named: Vec<String> = cells
        .iter()
        .take(4)
        .filter_map(|cell| cell_name(dataset, *cell))
        .collect();
    let more = if cells.len() > 4 { " …" } else { "" };
    format!(
        "{}{more}: {}",
        named.join(" · "),
        message.replace('\n', " ")
    )
}

fn cell_name(dataset: &Dataset, cell: CellId) -> Option<String> {
    let table = dataset.tables.get(cell.table)?;
    let row = table.rows().get(cell.row)?;
    if cell.column == ROW_LABEL {
        return Some(format!("{}[{row}]", table.id()));
    }
    let column = table.columns().get(cell.column)?;
    let printed = cell.printed(dataset).unwrap_or_default();
    Some(format!("{}[{row}, {column}] {printed}", table.id()))
}
