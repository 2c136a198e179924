//! `crossfoot lint`: checks the rule set itself before any figure is trusted, as the editing
//! systems of statistical offices validate their edit rules before running them on data.
//!
//! Each lint works on the compiled program, reading every check as it is written out, a
//! block at a time ([`ground::for_each_block`], [`ReadsChecks`]): a rule
//! that can never fail, a part counted twice, an `其中` row added as a part, rules that
//! contradict each other, a group that leaves out a member or repeats one (or a sibling row a
//! rule compares with "every other" member), a repeated rule
//! id, and (with `--coverage`) rows, columns and tables no rule reads. One lint per file; the
//! codes are listed once, in [`LintCode`].

pub mod cache;
mod contradiction;
mod counted_twice;
mod coverage;
mod duplicate_id;
pub mod ground;
mod groups;
mod never_fails;
pub mod no_checks;
mod of_which;
mod pinned_figure;
pub mod report;
mod sibling_left_out;
mod too_large;
mod unit_mismatch;

use crate::decode::ReadOptions;
use crate::engine::program::{CellId, CompiledRule, Program};
use crate::engine::{ParsedFile, compile_partial};
use crate::lang::RuleError;
use crate::lang::ast::{Body, Rule, Severity};
use crate::run::parse_rule_files_partial;
use crate::source::{SharedSource, Span};
use crate::table::manifest::{Dataset, load_dataset_partial};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use contradiction::contradictions;

/// Every lint, by its stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LintCode {
    /// A check whose two sides are the same expression of the same cells.
    NeverFails,
    /// One cell (or one term) added twice in one sum.
    CountedTwice,
    /// An `其中` ("of which") row or column added as a part of a sum.
    OfWhichPart,
    /// Two rules (or checks) that no true figures can both satisfy.
    Contradiction,
    /// A group summed against a total that prints more members than the group lists.
    GroupIncomplete,
    /// A group that names one member twice.
    GroupRepeats,
    /// Two rules with one id.
    DuplicateId,
    /// With `--coverage`: a table, row or column no rule reads.
    Uncovered,
    /// A claim's anchor that writes the digits of a figure.
    PinnedFigure,
    /// A rule that expands into no check (a `hierarchy` that finds no total row).
    NoChecks,
    /// A group compared member by member with one figure ("every other") that leaves out a
    /// sibling row without a declared reason.
    SiblingLeftOut,
    /// Figures in two units of money added or compared with no factor between them.
    UnitMismatch,
    /// A rule that writes out more checks or terms than the lint holds, left out of it.
    TooLarge,
}

impl LintCode {
    pub const ALL: [LintCode; 13] = [
        LintCode::NeverFails,
        LintCode::CountedTwice,
        LintCode::OfWhichPart,
        LintCode::Contradiction,
        LintCode::GroupIncomplete,
        LintCode::GroupRepeats,
        LintCode::DuplicateId,
        LintCode::Uncovered,
        LintCode::PinnedFigure,
        LintCode::NoChecks,
        LintCode::SiblingLeftOut,
        LintCode::UnitMismatch,
        LintCode::TooLarge,
    ];

    /// The stable code reports print.
    pub fn code(self) -> &'static str {
        match self {
            LintCode::NeverFails => "crossfoot::lint::never_fails",
            LintCode::CountedTwice => "crossfoot::lint::counted_twice",
            LintCode::OfWhichPart => "crossfoot::lint::of_which_part",
            LintCode::Contradiction => "crossfoot::lint::contradiction",
            LintCode::GroupIncomplete => "crossfoot::lint::group_incomplete",
            LintCode::GroupRepeats => "crossfoot::lint::group_repeats",
            LintCode::DuplicateId => "crossfoot::lint::duplicate_id",
            LintCode::Uncovered => "crossfoot::lint::uncovered",
            LintCode::PinnedFigure => "crossfoot::lint::pinned_figure",
            LintCode::NoChecks => "crossfoot::lint::no_checks",
            LintCode::SiblingLeftOut => "crossfoot::lint::sibling_left_out",
            LintCode::UnitMismatch => "crossfoot::lint::unit_mismatch",
            LintCode::TooLarge => "crossfoot::lint::too_large",
        }
    }

    /// Contradictions and repeated ids make a rule set unusable; the rest need a look.
    pub fn severity(self) -> Severity {
        match self {
            LintCode::Contradiction | LintCode::DuplicateId | LintCode::NoChecks => Severity::Error,
            _ => Severity::Warning,
        }
    }
}

/// A place a finding points at, and what the label there says.
#[derive(Debug, Clone)]
pub struct Place {
    pub source: SharedSource,
    pub span: Span,
    pub label: String,
}

/// One finding about the rules.
#[derive(Debug, Clone)]
pub struct Lint {
    pub code: LintCode,
    pub message: String,
    pub help: String,
    /// The ids of the rules involved.
    pub rules: Vec<String>,
    /// The first is the main place (in a rules file, except for `uncovered`).
    pub places: Vec<Place>,
    /// The table cells involved, for the JSON report.
    pub cells: Vec<CellId>,
}

/// What to lint besides the rules themselves.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Also list the tables, rows and columns no rule reads.
    pub coverage: bool,
    /// `--allow-outside-data`: read files the manifest names outside the data directory.
    pub allow_outside_data: bool,
}

/// The loaded inputs and what linting them found.
pub struct Linted {
    pub dataset: Dataset,
    pub program: Program,
    pub lints: Vec<Lint>,
}

/// Load the tables and rules and lint them. `Err` holds every input problem (a repeated rule
/// id is a lint, not an input problem).
pub fn run(data: &Path, rules: &Path, options: Options) -> Result<Linted, Vec<miette::Report>> {
    // Every input error of every file at once: a syntax error in one rules file must not hide
    // an unknown label in another.
    let mut read = ReadOptions::default();
    read.allow_outside_data = options.allow_outside_data;
    let (dataset, table_errors) = load_dataset_partial(data, &read);
    let (files, parse_errors) = parse_rule_files_partial(rules, &read);
    let mut errors: Vec<miette::Report> =
        table_errors.into_iter().map(miette::Report::new).collect();
    errors.extend(parse_errors.into_iter().map(miette::Report::new));
    let (program, compile_errors) = if dataset.tables.is_empty() && !errors.is_empty() {
        (Program::default(), Vec::new())
    } else {
        compile_partial(&dataset, &files)
    };
    errors.extend(
        compile_errors
            .into_iter()
            .filter(|error| !matches!(error, RuleError::DuplicateId { .. }))
            .map(miette::Report::new),
    );
    if !errors.is_empty() {
        return Err(crate::engine::lost_label::one_per_label(&dataset, errors));
    }
    let (program, lints) = lint_within_bounds(&dataset, &files, program, options);
    Ok(Linted {
        dataset,
        program,
        lints,
    })
}

/// [`lint`], with the rules [`too_large`] leaves out set aside while the others are linted,
/// and a lint on each. The program comes back whole.
fn lint_within_bounds(
    dataset: &Dataset,
    files: &[ParsedFile],
    mut program: Program,
    options: Options,
) -> (Program, Vec<Lint>) {
    let left_out = too_large::left_out(&program);
    if left_out.is_empty() {
        let lints = lint(dataset, files, &program, options);
        return (program, lints);
    }
    let mut lints = too_large::lint(&program, &left_out, options.coverage);
    let mut set_aside = Vec::new();
    for &index in left_out.iter().rev() {
        if index < program.rules.len() {
            set_aside.push((index, program.rules.remove(index)));
        }
    }
    let options = Options {
        coverage: false,
        ..options
    };
    lints.extend(lint(dataset, files, &program, options));
    for (index, rule) in set_aside.into_iter().rev() {
        program.rules.insert(index.min(program.rules.len()), rule);
    }
    sort(&mut lints);
    (program, lints)
}

/// Every lint of the rules, sorted by file, place and code.
pub fn lint(
    dataset: &Dataset,
    files: &[ParsedFile],
    program: &Program,
    options: Options,
) -> Vec<Lint> {
    let context = Context::new(dataset, files, program);
    let mut readers: Vec<Box<dyn ReadsChecks<'_> + Send + '_>> = vec![
        Box::new(never_fails::NeverFails::default()),
        Box::new(counted_twice::CountedTwice::default()),
        Box::new(of_which::OfWhichPart::default()),
        Box::new(contradiction::Judge::new(program.check_count())),
        Box::new(groups::Incomplete::new(&context)),
        Box::new(sibling_left_out::SiblingLeftOut::new(&context)),
        Box::new(unit_mismatch::UnitMismatch::default()),
    ];
    if options.coverage {
        readers.push(Box::new(coverage::Coverage::default()));
    }
    // The lints read each block side by side: over a record file's 2 × 10⁶ checks, one
    // after another they kept one core busy for most of the run.
    ground::for_each_block(dataset, program, |block| {
        readers.par_iter_mut().for_each(|reader| {
            for check in block {
                reader.read(&context, check);
            }
        });
    });
    let mut lints = duplicate_id::lint(files);
    lints.extend(groups::repeats(files));
    lints.extend(pinned_figure::lint(&context));
    lints.extend(no_checks::lint(&context));
    // Each code comes from one lint, and the sort puts codes of one place in order.
    let found: Vec<Vec<Lint>> = readers
        .into_par_iter()
        .map(|reader| reader.found(&context))
        .collect();
    lints.extend(found.into_iter().flatten());
    sort(&mut lints);
    lints
}

/// A lint that reads every check as it is written out, a block at a time
/// ([`ground::for_each_block`]), and tells what it found once it has read them all: the
/// checks are never held all at once.
pub(crate) trait ReadsChecks<'a> {
    fn read(&mut self, context: &Context<'a>, check: &ground::Expanded);
    fn found(self: Box<Self>, context: &Context<'a>) -> Vec<Lint>;
}

/// Sort by the main place's file and offset, then code: the report never depends on the
/// order the lints ran in.
fn sort(lints: &mut [Lint]) {
    let key = |lint: &Lint| {
        let place = lint.places.first();
        (
            place.map(|p| p.source.path().to_path_buf()),
            place.map(|p| p.span.offset),
            lint.code,
            lint.message.clone(),
        )
    };
    lints.sort_by_key(key);
}

/// What every lint reads: the tables, the parsed rules, the compiled rules, and the way from a
/// compiled rule back to its syntax.
pub(crate) struct Context<'a> {
    pub dataset: &'a Dataset,
    pub files: &'a [ParsedFile],
    pub program: &'a Program,
    syntax: HashMap<(PathBuf, usize), &'a Rule>,
}

impl<'a> Context<'a> {
    fn new(dataset: &'a Dataset, files: &'a [ParsedFile], program: &'a Program) -> Self {
        let syntax = files
            .iter()
            .flat_map(|parsed| {
                parsed.file.rules.iter().map(|rule| {
                    (
                        (parsed.source.path().to_path_buf(), rule.id.span.offset),
                        rule,
                    )
                })
            })
            .collect();
        Context {
            dataset,
            files,
            program,
            syntax,
        }
    }

    pub fn rule(&self, index: usize) -> Option<&'a CompiledRule> {
        self.program.rules.get(index)
    }

    /// The syntax a compiled rule came from.
    pub fn syntax(&self, rule: &CompiledRule) -> Option<&'a Rule> {
        self.syntax
            .get(&(rule.source.path().to_path_buf(), rule.id_span.offset))
            .copied()
    }

    /// Where the rule states what it checks: its body, or its id if the body is not found.
    pub fn body_place(&self, rule: &CompiledRule, label: impl Into<String>) -> Place {
        let span = self
            .syntax(rule)
            .map_or(rule.id_span, |syntax| body_span(&syntax.body));
        Place {
            source: rule.source.clone(),
            span,
            label: label.into(),
        }
    }

    /// `A2[合计, 金额]` (and the loop items, for a rule with loops): which check of a rule.
    pub fn describe_check(&self, rule: &CompiledRule, check: usize) -> String {
        let crate::engine::program::Work::Compare(comparison) = &rule.work else {
            return String::new();
        };
        let positions = ground::loop_positions(&comparison.loops, check);
        let names: Vec<String> = self
            .syntax(rule)
            .map(|syntax| {
                syntax
                    .loops
                    .iter()
                    .map(|clause| clause.variable.value.clone())
                    .collect()
            })
            .unwrap_or_default();
        let bound: Vec<String> = comparison
            .loops
            .iter()
            .zip(&positions)
            .zip(&names)
            .filter_map(|((items, &position), name)| {
                let item = items.get(position)?;
                let keys = item.keys(self.dataset);
                let text: Vec<String> = keys.iter().map(|k| k.describe()).collect();
                Some(format!("{name} = {}", text.join("/")))
            })
            .collect();
        if bound.is_empty() {
            String::new()
        } else {
            format!(" (where {})", bound.join(", "))
        }
    }
}

/// The span of what a rule states.
fn body_span(body: &Body) -> Span {
    match body {
        Body::Compare { left, right, .. } => left.span().to(right.span()),
        Body::Condition(condition) => condition.span(),
        Body::Hierarchy { table, columns } => columns
            .as_ref()
            .map_or(table.span, |c| table.span.to(c.span())),
        Body::Matrix {
            table,
            column_total,
            ..
        } => table.span.to(column_total.span),
        Body::Rank { table, by, .. } => table.span.to(by.span),
        Body::Sequence { table, column, .. } => table.span.to(column.span),
        Body::Distinct { table } => table.span,
        Body::Cells(cells) => cells
            .iter()
            .map(|c| c.span)
            .reduce(Span::to)
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::LintCode;
    use std::collections::HashSet;

    #[test]
    fn lint_codes_are_unique() {
        let codes: HashSet<&str> = LintCode::ALL.iter().map(|c| c.code()).collect();
        assert_eq!(codes.len(), LintCode::ALL.len());
    }
}
