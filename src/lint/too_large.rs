//! `crossfoot::lint::too_large`: a rule that writes out more checks, or terms of them, than
//! the lint holds beside the other rules, left out of the lint.
//!
//! Why: the lint writes out every check, and its time grows with the checks and their terms.
//! It holds a block of checks at a time and, past the first 100 000, about 50 bytes of what
//! each states: the record file's two row rules over 10⁶ records (2 × 10⁶ checks, 10⁷ terms)
//! take 10–13 s and 370 MB. When it held every check at once (about 2 KB a check of five terms),
//! each of 3 001 records compared with a sum over all of them (18 015 003 terms) took 258 s and
//! 5.9 GB. The largest rules are left out, one by one, until the others fit; the others are
//! linted as usual, and `check` checks them all.
//!
//! Not judged while a rule is left out: contradictions between it and the others, and
//! `--coverage` (the figures it reads are not known without writing it out).

use super::{Lint, LintCode, Place};
use crate::engine::program::Program;

/// The most checks, and terms of them, the lint writes out in all.
pub const MOST_CHECKS: usize = 2_500_000;
pub const MOST_TERMS: usize = 12_500_000;

/// The rules (by index, in order) to leave out: the largest, by terms and then checks, until
/// the others write out at most [`MOST_CHECKS`] checks and [`MOST_TERMS`] terms.
pub fn left_out(program: &Program) -> Vec<usize> {
    let size = |index: usize| {
        program.rules.get(index).map_or((0, 0), |rule| {
            (rule.work.terms_stated(), rule.work.check_count())
        })
    };
    let (mut terms, mut checks) = (program.terms_stated(), program.check_count());
    let mut largest_first: Vec<usize> = (0..program.rules.len()).collect();
    largest_first.sort_by_key(|&index| std::cmp::Reverse(size(index)));
    let mut out = Vec::new();
    for index in largest_first {
        if checks <= MOST_CHECKS && terms <= MOST_TERMS {
            break;
        }
        let (rule_terms, rule_checks) = size(index);
        terms = terms.saturating_sub(rule_terms);
        checks = checks.saturating_sub(rule_checks);
        out.push(index);
    }
    out.sort_unstable();
    out
}

/// A lint on each rule left out.
pub fn lint(program: &Program, left_out: &[usize], coverage: bool) -> Vec<Lint> {
    let not_judged = if coverage {
        "; `--coverage` is not judged while a rule is left out"
    } else {
        ""
    };
    left_out
        .iter()
        .filter_map(|&index| program.rules.get(index))
        .map(|rule| {
            let (checks, terms) = (rule.work.check_count(), rule.work.terms_stated());
            Lint {
                code: LintCode::TooLarge,
                message: format!(
                    "`{}` writes out {checks} checks of {terms} terms, more than the lint holds \
                     beside the other rules ({MOST_CHECKS} checks, {MOST_TERMS} terms in all): \
                     it is left out of the lint{not_judged}",
                    rule.id
                ),
                help: HELP.to_string(),
                rules: vec![rule.id.clone()],
                places: vec![Place {
                    source: rule.source.clone(),
                    span: rule.id_span,
                    label: format!("{checks} checks of {terms} terms"),
                }],
                cells: Vec::new(),
            }
        })
        .collect()
}

const HELP: &str = "lint it on a data folder that holds the first records of each record file: \
     a rule over every record states the same of each; `check` checks it as usual";
