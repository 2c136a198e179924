//! `crossfoot::lint::no_checks`: a rule that expands into no check at all — a `hierarchy` on a
//! table whose total rows it does not recognize, a loop over an empty list, a ranking of a
//! table without ranks.
//!
//! Why it matters: such a rule passes silently (`checks 0`), so a reader takes the table for
//! checked when nothing was compared. `check` warns about it on stderr; `lint` reports it as an
//! error.
//!
//! Example: `hierarchy t.total "Totals add up" T` on a table whose total row prints `Total`
//! while the data set declares no total labels (`合计`, `小计`, `总计` by default).
//!
//! What it does not flag: `unchecked` declarations, which expand into no check on purpose.

use super::{Context, Lint, LintCode};
use crate::engine::program::{Program, Work};

pub(super) fn lint(context: &Context<'_>) -> Vec<Lint> {
    empty_rules(context.program)
        .map(|(index, message)| {
            let rule = context.rule(index);
            Lint {
                code: LintCode::NoChecks,
                message,
                help: HELP.to_string(),
                rules: rule.map(|r| vec![r.id.clone()]).unwrap_or_default(),
                places: rule
                    .map(|r| vec![context.body_place(r, "expands into no check")])
                    .unwrap_or_default(),
                cells: Vec::new(),
            }
        })
        .collect()
}

const HELP: &str = "check that the rule names what the table prints: a `hierarchy` finds total \
     rows by the labels `totals` declares in tables.toml (合计, 小计, 总计 by default), a loop \
     needs items";

/// Each rule (by index) that expands into no check, with a sentence saying so.
pub fn empty_rules(program: &Program) -> impl Iterator<Item = (usize, String)> + '_ {
    program
        .rules
        .iter()
        .enumerate()
        .filter(|(_, rule)| {
            rule.work.check_count() == 0 && !matches!(rule.work, Work::Unchecked(_))
        })
        .map(|(index, rule)| {
            (
                index,
                format!(
                    "`{}` expands into no check: it passes whatever the tables print",
                    rule.id
                ),
            )
        })
}

/// `check`'s warnings: one line per rule that expands into no check, with where it is.
pub fn warnings(program: &Program) -> Vec<String> {
    empty_rules(program)
        .filter_map(|(index, message)| {
            let rule = program.rules.get(index)?;
            let at = rule.source.line_column(rule.id_span.offset);
            Some(format!(
                "{}:{}:{}: {message} ({})",
                rule.source.path().display(),
                at.line,
                at.column,
                LintCode::NoChecks.code()
            ))
        })
        .collect()
}
