//! Where a claim's figure may be now that the words before it changed (a sentence reworded:
//! `成交额为` → `成交金额达到`): the figures of the same part of the text that agree with what
//! the claim compares it with, each by the words just before it, as an anchor names them.

use super::compile::{Compiler, Scope};
use super::program::AxisTemplate;
use crate::interval::Interval;
use crate::lang::ast::{Body, CompareOp, Expr, Rule};
use crate::table::Table;
use crate::table::label::normalize;

/// Figures named at most.
const MOST_SHOWN: usize = 3;

/// A lost anchor's `help`, with the figures of its part of the text that agree with the one
/// cell the rule compares it with, where there are any.
pub(super) fn help(compiler: &Compiler<'_>, rule: &Rule, anchor: &str, help: String) -> String {
    let Some((part, words)) = anchor.split_once('/') else {
        return help;
    };
    let near = agreeing(compiler, rule, part, words.trim_matches('"'));
    if near.is_empty() {
        return help;
    }
    let words: Vec<String> = near.iter().map(|w| format!("`\"{w}\"`")).collect();
    let (which, order) = if near.len() == 1 {
        (
            "a figure that agrees with the other side of the rule comes",
            "",
        )
    } else {
        (
            "figures that agree with the other side of the rule come",
            " (the words most like the lost ones first)",
        )
    };
    format!(
        "{help}: in {part}, {which} after {}{order}",
        words.join(", ")
    )
}

/// The words before the figures of `part` of the text that agree, within rounding, with the
/// one cell a rule `TEXT[…] = cell` (no loop) compares its claim with, the words nearest the
/// lost `anchor`'s first, at most [`MOST_SHOWN`]; none for any other rule.
fn agreeing(compiler: &Compiler<'_>, rule: &Rule, part: &str, anchor: &str) -> Vec<String> {
    let Some((text, value)) = text_and_value(compiler, rule) else {
        return Vec::new();
    };
    let wanted = normalize(anchor);
    let length = wanted.chars().count();
    let mut near: Vec<(f64, String)> = text
        .rows()
        .iter()
        .enumerate()
        .filter(|(row, path)| {
            path.labels()
                .first()
                .is_some_and(|label| label.text() == part)
                && text
                    .interval(*row, 0)
                    .is_some_and(|figure| figure.overlaps(&value))
        })
        .filter_map(|(_, path)| path.last())
        .filter_map(|sentence| {
            let chars: Vec<char> = sentence.text().chars().collect();
            // The sentence's last words, about as many as the anchor's, most like it.
            (length.saturating_sub(2)..=length + 3)
                .map(|take| {
                    let start = chars.len().saturating_sub(take);
                    // A figure in them is a slot to an anchor: the words after the last one.
                    let words = chars.get(start..).unwrap_or_default();
                    let after = words
                        .iter()
                        .rposition(char::is_ascii_digit)
                        .map_or(0, |at| at + 1);
                    let words: String = words.get(after..).unwrap_or_default().iter().collect();
                    let alike = strsim::normalized_levenshtein(&wanted, &normalize(&words));
                    (alike, words.trim().to_string())
                })
                .max_by(|a, b| a.0.total_cmp(&b.0))
        })
        .collect();
    near.sort_by(|a, b| b.0.total_cmp(&a.0));
    near.dedup_by(|a, b| a.1 == b.1);
    near.into_iter()
        .take(MOST_SHOWN)
        .map(|(_, words)| words)
        .collect()
}

/// The text's table and the value of the one cell a rule `TEXT[…] = cell` without a loop
/// states its claim equal to.
fn text_and_value<'d>(compiler: &Compiler<'d>, rule: &Rule) -> Option<(&'d Table, Interval)> {
    // Only an equality says which value the figure has.
    let Body::Compare { left, op, right } = &rule.body else {
        return None;
    };
    if op.value != CompareOp::Equal {
        return None;
    }
    let (Expr::Cell(left), Expr::Cell(right)) = (left, right) else {
        return None;
    };
    if !rule.loops.is_empty() {
        return None;
    }
    let tables = &compiler.dataset.tables;
    let anchored = |name| {
        compiler
            .table(name)
            .ok()
            .filter(|&index| tables.get(index).is_some_and(|t| t.meta.anchored))
    };
    let (text, other) = match (anchored(&left.table), anchored(&right.table)) {
        (Some(text), None) => (text, right),
        (None, Some(text)) => (text, left),
        _ => return None,
    };
    let scope = Scope {
        names: Vec::new(),
        bound: Vec::new(),
    };
    let cell = compiler.cell(other, &scope, false).ok()?;
    let (AxisTemplate::Fixed(row), AxisTemplate::Fixed(column)) = (&cell.row, &cell.column) else {
        return None;
    };
    let value = tables.get(cell.table)?.interval(*row, *column)?;
    Some((tables.get(text)?, value))
}
