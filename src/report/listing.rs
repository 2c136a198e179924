//! What is loaded, for people: `crossfoot list tables|rules` and `crossfoot explain RULE`.

use crate::checks::docs::doc;
use crate::engine::check_cells;
use crate::engine::program::{Program, ROW_LABEL};
use crate::table::manifest::Dataset;
use std::fmt::Write;

/// One line per table: id, printed number, caption, size and figures.
pub fn tables(dataset: &Dataset) -> String {
    let mut out = String::new();
    for table in &dataset.tables {
        let _ = writeln!(
            out,
            "{:<6} {:<8} {} rows × {} columns, {} figures  {}",
            table.id(),
            table.meta.printed,
            table.rows().len(),
            table.columns().len(),
            table.figure_count(),
            table.meta.caption
        );
    }
    out
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
                let row = table.rows().get(cell.row)?;
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
