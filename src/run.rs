//! One `check` run: load the tables and the rules, compile, evaluate. Every input problem of
//! every file is collected and returned together, next to the outcome of every check it did
//! not stop; nothing here prints.

use crate::decode::{ReadOptions, Text, decode};
use crate::engine::lost_label::one_per_label;
use crate::engine::program::Program;
use crate::engine::{ParsedFile, compile_partial, evaluate_observed};
use crate::finding::{Keep, Outcome};
use crate::input_file::Refusal;
use crate::lang::RuleError;
use crate::lang::parser::parse_rules_partial;
use crate::source::SourceFile;
use crate::source::Stored;
use crate::table::manifest::{Dataset, load_dataset_partial};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The extension of rules files.
pub const RULES_EXTENSION: &str = "rules";

/// Tables, rules, what checking them gave, and the input errors that kept some checks from
/// running: a draft is checked as far as it can be.
pub struct Checked {
    pub dataset: Dataset,
    pub program: Program,
    pub outcome: Outcome,
    pub errors: Vec<miette::Report>,
}

impl Checked {
    /// No check reached a verdict (or was skipped for a `—`), and there were input errors.
    pub fn nothing_checked(&self) -> bool {
        !self.errors.is_empty()
            && self.outcome.passed + self.outcome.failed + self.outcome.known + self.outcome.skipped
                == 0
    }
}

/// Tables and compiled rules, not yet checked, and the input errors found so far.
pub struct Loaded {
    pub dataset: Dataset,
    pub program: Program,
    pub errors: Vec<miette::Report>,
}

/// The bundled book loaded, for tests that run on it.
#[cfg(test)]
pub fn bundled_book() -> Loaded {
    let (data, rules) = (crate::cli::BUNDLED_DATA, crate::cli::BUNDLED_RULES);
    match load(&crate::cli::bundled(data), &crate::cli::bundled(rules)) {
        Ok(loaded) => loaded,
        Err(errors) => panic!("the bundled book does not load: {errors:?}"),
    }
}

/// Load the tables and compile the rules. `Err` holds every problem found in the inputs.
pub fn load(data: &Path, rules: &Path) -> Result<Loaded, Vec<miette::Report>> {
    strict(load_with(data, rules, &ReadOptions::default()), |l| {
        &mut l.errors
    })
}

/// Load what loads and compile what compiles, reading files as `options` says (`--encoding`,
/// `--max-table-size`; `options` collects notices of the encodings used). Every problem of
/// every file is in [`Loaded::errors`]:
/// - a cell that is not a figure: its table loads without it, and the checks that read it are
///   not checked;
/// - a table that cannot be read at all: the rules that read it are not checked (one error per
///   table says which);
/// - a rule that does not parse or names what is not there (a lost or ambiguous anchor, an
///   unknown table or label): that rule is not checked, the others are.
pub fn load_with(data: &Path, rules: &Path, options: &ReadOptions) -> Loaded {
    let ((dataset, table_errors), (files, rule_errors)) = rayon::join(
        || indexed_text(load_dataset_partial(data, options)),
        || parse_rule_files_partial(rules, options),
    );
    // With no table at all, every name a rule uses would be one more error saying so.
    let nothing_loaded = dataset.tables.is_empty() && !table_errors.is_empty();
    let mut errors = into_reports(table_errors);
    errors.extend(into_reports(rule_errors));
    let (program, compile_errors) = if nothing_loaded {
        let program = Program {
            rules_not_checked: files
                .iter()
                .map(|parsed| parsed.file.rules.len() + parsed.file.unparsed_rules)
                .sum(),
            ..Program::default()
        };
        (program, Vec::new())
    } else {
        compile_partial(&dataset, &files)
    };
    errors.extend(into_reports(not_loaded(&dataset, compile_errors)));
    let errors = one_per_label(&dataset, errors);
    // The syntax trees are freed on a worker while the checks run: freed here, one small
    // string at a time and mostly from other threads' heaps, they held the run up 0.8 ms.
    rayon::spawn(move || drop(files));
    Loaded {
        dataset,
        program,
        errors,
    }
}

/// The tables, with the index of the text's figures built while the rules are parsed. Built
/// on first use while compiling, it held up every rule that names a figure of the text: the
/// threads compiling them waited on it rather than help build it.
fn indexed_text<E>((dataset, errors): (Dataset, E)) -> (Dataset, E) {
    dataset
        .tables
        .par_iter()
        .filter(|table| table.meta.anchored)
        .for_each(|table| {
            table.row_index();
        });
    (dataset, errors)
}

/// Load, compile and evaluate. `Err` holds every problem found in the inputs.
pub fn check(data: &Path, rules: &Path) -> Result<Checked, Vec<miette::Report>> {
    check_with(data, rules, false)
}

/// [`check`], and with `coverage` also which figures some check confirmed.
pub fn check_with(
    data: &Path,
    rules: &Path,
    coverage: bool,
) -> Result<Checked, Vec<miette::Report>> {
    strict(check_partial(data, rules, coverage), |c| &mut c.errors)
}

/// Load, compile and evaluate as far as the inputs allow: the errors are in
/// [`Checked::errors`], next to the outcome of every check they did not stop.
pub fn check_partial(data: &Path, rules: &Path, coverage: bool) -> Checked {
    load_with(data, rules, &ReadOptions::default()).check(coverage, &|_| {})
}

/// `Ok` when there were no input errors.
fn strict<T>(
    mut value: T,
    errors: impl Fn(&mut T) -> &mut Vec<miette::Report>,
) -> Result<T, Vec<miette::Report>> {
    let found = std::mem::take(errors(&mut value));
    if found.is_empty() {
        Ok(value)
    } else {
        Err(found)
    }
}

impl Loaded {
    /// Leave out the rules that contradict each other (no true figures satisfy them all), as
    /// input errors: checking them would report whichever happens to fail.
    pub fn leave_out_contradictions(&mut self) {
        let contradictions = crate::lint::contradictions(&self.dataset, &self.program);
        self.leave_out(&contradictions);
    }

    fn leave_out(&mut self, contradictions: &[crate::lint::Lint]) {
        let ids: std::collections::HashSet<&str> = contradictions
            .iter()
            .flat_map(|lint| lint.rules.iter().map(String::as_str))
            .collect();
        let before = self.program.rules.len();
        self.program
            .rules
            .retain(|rule| !ids.contains(rule.id.as_str()));
        self.program.rules_not_checked += before - self.program.rules.len();
        self.errors.extend(
            contradictions
                .iter()
                .filter_map(crate::lint::Lint::into_report),
        );
    }

    /// Evaluate the loaded rules, keeping every finding; `progress` hears how many checks each
    /// finished block held.
    pub fn check(self, coverage: bool, progress: &(dyn Fn(usize) + Sync)) -> Checked {
        self.check_keeping(coverage, Keep::ALL, progress)
    }

    /// [`Loaded::check`], keeping of the findings and notes what `keep` says: at most so
    /// many, and without a baseline's known ones.
    pub fn check_keeping(
        self,
        coverage: bool,
        keep: Keep<'_>,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Checked {
        let (outcome, errors) =
            evaluate_observed(&self.dataset, &self.program, coverage, keep, progress);
        self.blamed(outcome, errors)
    }

    /// [`Loaded::check_keeping`] without the rules that contradict each other, as
    /// [`Loaded::leave_out_contradictions`] leaves them out. The contradictions are looked
    /// for while the checks run and their failures are blamed, on another core; a rule set
    /// rarely contradicts itself, and when it does, its checks run again without the rules
    /// that do. With a `cache`, a rule set found free of contradictions is not looked at again
    /// while it and the tables' labels stay the same ([`crate::lint::cache`]).
    pub fn check_clear_of_contradictions(
        mut self,
        coverage: bool,
        keep: Keep<'_>,
        progress: &(dyn Fn(usize) + Sync),
        cache: Option<&crate::lint::cache::Cache>,
    ) -> Checked {
        // The checks and their blame first: the worker that takes up the join starts its
        // first half at once, and its second waits for the other worker to wake (0.2–0.6 ms
        // on this kind of machine). The lint, which ends before blame does, can wait.
        let ((outcome, errors), contradictions) = rayon::join(
            || {
                let (mut outcome, errors) =
                    evaluate_observed(&self.dataset, &self.program, coverage, keep, progress);
                outcome.blame = crate::blame::blame(&self.dataset, &self.program, &outcome);
                (outcome, errors)
            },
            || crate::lint::cache::contradictions_cached(&self.dataset, &self.program, cache),
        );
        if contradictions.is_empty() {
            return self.with_outcome(outcome, errors);
        }
        self.leave_out(&contradictions);
        if let Some(sieve) = keep.sieve {
            sieve.forget();
        }
        self.check_keeping(coverage, keep, progress)
    }

    fn blamed(self, mut outcome: Outcome, errors: Vec<RuleError>) -> Checked {
        outcome.blame = crate::blame::blame(&self.dataset, &self.program, &outcome);
        self.with_outcome(outcome, errors)
    }

    fn with_outcome(self, outcome: Outcome, errors: Vec<RuleError>) -> Checked {
        let mut all = self.errors;
        all.extend(into_reports(errors));
        Checked {
            errors: one_per_label(&self.dataset, all),
            dataset: self.dataset,
            program: self.program,
            outcome,
        }
    }
}

/// A rule that names a table which did not load is not wrong: one error per such table says
/// which rules it keeps from running, in place of an "unknown table" error for each.
fn not_loaded(dataset: &Dataset, errors: Vec<RuleError>) -> Vec<RuleError> {
    let mut blocked: Vec<(String, Vec<RuleError>)> = Vec::new();
    let mut kept = Vec::new();
    for error in errors {
        match &error {
            RuleError::UnknownTable { name, .. } if dataset.unloaded.contains(name) => {
                match blocked.iter_mut().find(|(table, _)| table == name) {
                    Some((_, rules)) => rules.push(error),
                    None => blocked.push((name.clone(), vec![error])),
                }
            }
            _ => kept.push(error),
        }
    }
    for (table, rules) in blocked {
        let count = rules.len();
        if let Some(RuleError::UnknownTable {
            source_code, span, ..
        }) = rules.into_iter().next()
        {
            kept.push(RuleError::Invalid {
                source_code,
                span,
                message: format!(
                    "table {table} could not be read (its error is above): {count} rule{} \
                     that read it {} not checked",
                    if count == 1 { "" } else { "s" },
                    if count == 1 { "is" } else { "are" }
                ),
                help: Some(format!(
                    "correct {table}'s file; the other tables were checked"
                )),
            });
        }
    }
    kept
}

fn into_reports<E: miette::Diagnostic + Send + Sync + 'static>(
    errors: Vec<E>,
) -> Vec<miette::Report> {
    errors.into_iter().map(miette::Report::new).collect()
}

/// Parse every `*.rules` file of a directory (or one file), in file-name order.
pub fn parse_rule_files(path: &Path) -> Result<Vec<ParsedFile>, Vec<RuleError>> {
    parse_rule_files_with(path, &ReadOptions::default())
}

/// [`parse_rule_files`], decoding files as `options` says.
pub fn parse_rule_files_with(
    path: &Path,
    options: &ReadOptions,
) -> Result<Vec<ParsedFile>, Vec<RuleError>> {
    let (files, errors) = parse_rule_files_partial(path, options);
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(errors)
    }
}

/// Every rule that parses, of every file, and an error for each that does not.
pub fn parse_rule_files_partial(
    path: &Path,
    options: &ReadOptions,
) -> (Vec<ParsedFile>, Vec<RuleError>) {
    let unreadable = |path: &Path, message: String| RuleError::Unreadable {
        path: path.to_path_buf(),
        message,
    };
    // A rules file found in a rules directory stays inside it, as the data's files stay in
    // theirs: a symlink to `/proc/self/environ` would be parsed and its first line shown.
    let folder = path.is_dir().then(|| crate::input_file::Folder::new(path));
    let paths: Vec<PathBuf> = if path.is_dir() {
        let entries = match std::fs::read_dir(path) {
            Ok(entries) => entries,
            Err(e) => return (Vec::new(), vec![unreadable(path, e.to_string())]),
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == RULES_EXTENSION))
            .collect();
        paths.sort();
        paths
    } else {
        vec![path.to_path_buf()]
    };
    if paths.is_empty() {
        return (
            Vec::new(),
            vec![unreadable(path, "no .rules files in it".to_string())],
        );
    }
    // Files parse side by side; their results are put back in the order of their names.
    let parsed: Vec<(Option<ParsedFile>, Vec<RuleError>)> = paths
        .par_iter()
        .map(|path| parse_rule_file(path, folder.as_ref(), options))
        .collect();
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for (file, mut file_errors) in parsed {
        files.extend(file);
        errors.append(&mut file_errors);
    }
    (files, errors)
}

/// One rules file read, decoded and parsed as far as it parses.
fn parse_rule_file(
    path: &Path,
    folder: Option<&crate::input_file::Folder<'_>>,
    options: &ReadOptions,
) -> (Option<ParsedFile>, Vec<RuleError>) {
    let unreadable = |path: &Path, message: String| RuleError::Unreadable {
        path: path.to_path_buf(),
        message,
    };
    if let Some(folder) = folder
        && !options.allow_outside_data
        && let Err(refusal @ Refusal::Outside { .. }) = folder.holds(path)
    {
        let message = format!("{refusal}; pass --allow-outside-data to read it");
        return (None, vec![unreadable(path, message)]);
    }
    let bytes = crate::input_file::read(path, crate::table::limits::ADDRESSABLE);
    let Text {
        text,
        decoded,
        facts,
    } = match bytes {
        Ok(bytes) => match decode(path, bytes, options) {
            Ok(text) => text,
            Err(error) => return (None, vec![RuleError::Decode(error)]),
        },
        Err(e) => return (None, vec![unreadable(path, e.to_string())]),
    };
    let source = SourceFile::new(path, text).with_facts(facts);
    let source = Arc::new(match decoded {
        Some(decoded) => source.stored_as(Stored::Decoded(decoded)),
        None => source,
    });
    let (file, errors) = parse_rules_partial(&source);
    (Some(ParsedFile { source, file }), errors)
}
