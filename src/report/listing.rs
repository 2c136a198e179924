//! What is loaded, for people: `crossfoot list tables|rules` (with `--results`, how each rule's
//! checks went) and `crossfoot explain RULE` (the rule, its checks, and for its failed checks
//! how blame reasoned).

use super::Report;
use super::per_rule;
use crate::checks::docs::doc;
use crate::engine::check_cells;
use crate::engine::program::{Program, ROW_LABEL};
use crate::table::manifest::Dataset;
use std::fmt::Write;

/// One line per table: id, printed number, caption, size and figures; then its columns as
/// rules name them (labels in order, `/` between), so a new user can write a first rule.
pub fn tables(dataset: &Dataset) -> String {
    let mut out = String::new();
    for table in &dataset.tables {
        let _ = writeln!(
            out,
            "{:<6} {:<8} {} rows × {} columns, {} figures  {}",
            table.id(),
            table.meta.printed,
            table.row_count(),
            table.columns().len(),
            table.figure_count(),
            table.meta.caption
        );
        for column in table.columns() {
            let names: Vec<std::borrow::Cow<'_, str>> = column
                .labels()
                .iter()
                .map(crate::table::label::Label::name)
                .filter(|name| !name.is_empty())
                .map(as_written)
                .collect();
            let _ = writeln!(out, "       column {}", names.join("/"));
        }
    }
    out
}

/// A label as a rule writes it: in double quotes when it holds a space or punctuation the
/// rules language reads (`"Civilian labor force"`), bare otherwise (`Total`, `合同数`).
fn as_written(name: &str) -> std::borrow::Cow<'_, str> {
    if name
        .chars()
        .any(|c| c.is_whitespace() || "/,[]()#\"=<>+-*".contains(c))
    {
        format!("\"{name}\"").into()
    } else {
        name.into()
    }
}

/// One line per rule: id, kind, how many checks, description.
pub fn rules(program: &Program) -> String {
    let mut out = String::new();
    for rule in &program.rules {
        let _ = writeln!(
            out,
            "{:<40} {:<7} {:>6} checks  {}",
            rule.id,
            rule.kind.keyword(),
            rule.work.check_count(),
            rule.description
        );
    }
    out
}

/// `list rules --results`: one line per rule with its checks, passed, failed and skipped (R
/// validate's `summary()`: items, passes, fails, nNA), then under it each skipped check kept
/// in detail with its reason and cells.
pub fn rule_results(report: &Report<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<40} {:<7} {:>6} {:>6} {:>6} {:>7}  description",
        "rule", "kind", "checks", "passed", "failed", "skipped"
    );
    for result in per_rule::results(report) {
        let _ = writeln!(
            out,
            "{:<40} {:<7} {:>6} {:>6} {:>6} {:>7}  {}",
            result.rule.id,
            result.rule.kind.keyword(),
            result.checks,
            result.counts.passed,
            result.counts.failed,
            result.counts.skipped,
            result.rule.description
        );
        for note in &result.skipped {
            let _ = writeln!(
                out,
                "    skipped ({}): {}",
                per_rule::reason(note.reason),
                per_rule::cells(report, note)
            );
        }
        if result.counts.not_checked > 0 {
            let _ = writeln!(
                out,
                "    {} checks not checked: an input error stopped them",
                result.counts.not_checked
            );
        }
    }
    let left_out = per_rule::skipped_left_out(report);
    if left_out > 0 {
        let _ = writeln!(
            out,
            "{left_out} more skipped checks left out (the first {} are listed)",
            crate::cli::MAX_FINDINGS
        );
    }
    out
}

/// A rule's description, place, kind and the cells of each check it expands to (the first 50).
pub fn explain(dataset: &Dataset, program: &Program, id: &str) -> Option<String> {
    let index = program.rules.iter().position(|r| r.id == id)?;
    let rule = program.rules.get(index)?;
    let at = rule.source.line_column(rule.id_span.offset);
    let mut out = String::new();
    let _ = writeln!(out, "{}: {}", rule.id, rule.description);
    let _ = writeln!(
        out,
        "  written at {}:{}",
        rule.source.path().display(),
        at.line
    );
    let _ = writeln!(out, "  {}", doc(rule.kind));
    let count = rule.work.check_count();
    let _ = writeln!(out, "  expands to {count} checks:");
    for check in 0..count.min(50) {
        let cells: Vec<String> = check_cells(dataset, program, index, check)
            .iter()
            .filter_map(|cell| {
                let table = dataset.tables.get(cell.table)?;
                let row = table.row(cell.row)?;
                if cell.column == ROW_LABEL {
                    return Some(format!("{}[{row}]", table.id()));
                }
                let column = table.columns().get(cell.column)?;
                Some(format!("{}[{row}, {column}]", table.id()))
            })
            .collect();
        let _ = writeln!(out, "    {}. {}", check + 1, cells.join("  "));
    }
    if count > 50 {
        let _ = writeln!(out, "    … and {} more", count - 50);
    }
    Some(out)
}

/// How blame reasoned about each group holding a failed check of rule `id`: every figure of
/// the group weighed, what its best value repairs and breaks, and the answer.
pub fn blame_reasoning(report: &super::Report<'_>, id: &str) -> String {
    let outcome = report.outcome;
    let mut out = String::new();
    let of_rule = |i: &usize| outcome.findings.get(*i).is_some_and(|f| f.rule_id == id);
    let groups: Vec<&crate::blame::Blame> = outcome
        .blame
        .iter()
        .filter(|b| b.findings.iter().any(of_rule))
        .collect();
    let failed = outcome.findings.iter().filter(|f| f.rule_id == id).count();
    if failed == 0 {
        let _ = writeln!(out, "  every check of it passes: nothing to blame");
        return out;
    }
    if groups.is_empty() {
        let _ = writeln!(
            out,
            "  {failed} failed checks; blame was left out (more than {} findings or {} checks)",
            crate::blame::MOST_FINDINGS,
            crate::blame::MOST_CHECKS
        );
        return out;
    }
    for (number, blame) in groups.iter().enumerate() {
        group_reasoning(&mut out, report, blame, number + 1);
    }
    out
}

fn group_reasoning(
    out: &mut String,
    report: &super::Report<'_>,
    blame: &crate::blame::Blame,
    number: usize,
) {
    let rules: Vec<&str> = blame
        .findings
        .iter()
        .filter_map(|&i| report.outcome.findings.get(i))
        .map(|f| f.rule_id.as_str())
        .collect();
    let checks = match rules.len() {
        1 => "1 failed check".to_string(),
        n => format!("{n} failed checks that share figures"),
    };
    let _ = writeln!(
        out,
        "  blame, group {number}: {checks} ({})",
        rules.join(", ")
    );
    let _ = writeln!(
        out,
        "    each figure of the group, weighed by the passing checks that read it as printed \
         (weight: one more than those, each counted its rule's blame_weight times, times its \
         table's blame_weight; the lightest is the likeliest wrong):"
    );
    let answer = blame.answer();
    for suspect in &blame.suspects {
        let verdict = if answer.iter().any(|a| a.cell == suspect.cell) {
            "  ← the answer"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "    - {} prints {} (confirmed by {}, weight {}): {} repairs {} of {} and breaks none{}{verdict}",
            report.cell_name(suspect.cell),
            report.printing(suspect.cell, suspect.printed),
            suspect.confirmed_by,
            suspect.weight,
            report.proposal_text(suspect),
            suspect.repairs.len(),
            blame.findings.len(),
            suspect
                .slip
                .map_or(String::new(), |slip| format!(" ({})", slip.describe())),
        );
    }
    for suspect in &blame.rejected {
        let _ = writeln!(
            out,
            "    - {} prints {} (confirmed by {}): {} would repair {} but make {} fail: not a suspect",
            report.cell_name(suspect.cell),
            report.printing(suspect.cell, suspect.printed),
            suspect.confirmed_by,
            report.proposal_text(suspect),
            suspect.repairs.len(),
            match suspect.breaks {
                1 => "1 passing check".to_string(),
                n => format!("{n} passing checks"),
            },
        );
    }
    for &cell in &blame.unrepairable {
        let _ = writeln!(
            out,
            "    - {}: no value of it repairs a failed check",
            report.cell_name(cell)
        );
    }
    for &cell in &blame.unweighed {
        let _ = writeln!(
            out,
            "    - {}: not weighed: a figure the text bounds in words, or of a column in thousands, gets no proposed printing",
            report.cell_name(cell)
        );
    }
    let search = if blame.shifted.is_some() {
        "no single figure explains the group; a shift does: the figures of a run of neighbouring cells moved back one row (or column), or two neighbouring figures swapped, repair every failed check and break none"
    } else if blame.exact {
        "exact over single figures: one figure repairs every failed check and breaks none"
    } else if blame.pair {
        "no single figure explains the group; exact over pairs: two figures changed together repair every failed check and break none"
    } else {
        "no single figure explains the group: a greedy cover, the figure repairing most of what is left first"
    };
    let budget = if blame.budget_hit {
        ", stopped at its budget"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "    search: {search}; {} checks re-decided (budget {}){budget}",
        blame.spent,
        crate::blame::BUDGET
    );
    let _ = writeln!(out, "    so: {}", report.blame_text(blame));
}
