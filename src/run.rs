//! One `check` run: load the tables and the rules, compile, evaluate. Every input problem of
//! every file is collected and returned together; nothing here prints.

use crate::decode::{ReadOptions, Text, decode};
use crate::engine::program::Program;
use crate::engine::{ParsedFile, compile, evaluate_observed, evaluate_with};
use crate::finding::Outcome;
use crate::lang::RuleError;
use crate::lang::parser::parse_rules;
use crate::source::SourceFile;
use crate::source::Stored;
use crate::table::manifest::{Dataset, load_dataset_with};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The extension of rules files.
pub const RULES_EXTENSION: &str = "rules";

/// Tables, rules and what checking them gave.
pub struct Checked {
    pub dataset: Dataset,
    pub program: Program,
    pub outcome: Outcome,
}

/// Tables and compiled rules, not yet checked.
pub struct Loaded {
    pub dataset: Dataset,
    pub program: Program,
}

/// Load the tables and compile the rules. `Err` holds every problem found in the inputs.
pub fn load(data: &Path, rules: &Path) -> Result<Loaded, Vec<miette::Report>> {
    load_with(data, rules, &ReadOptions::default())
}

/// [`load`], reading files as `options` says (`--encoding`, `--max-table-size`); `options`
/// collects notices of the encodings used, to print even when loading fails.
///
/// The rules files are parsed even when a table is bad, so one run reports the problems of
/// both; rules are compiled (their names resolved) only against tables that all loaded.
pub fn load_with(
    data: &Path,
    rules: &Path,
    options: &ReadOptions,
) -> Result<Loaded, Vec<miette::Report>> {
    let dataset = load_dataset_with(data, options);
    let files = parse_rule_files_with(rules, options);
    let (dataset, files) = match (dataset, files) {
        (Ok(dataset), Ok(files)) => (dataset, files),
        (dataset, files) => {
            let mut errors = dataset.err().map(into_reports).unwrap_or_default();
            errors.extend(files.err().map(into_reports).unwrap_or_default());
            return Err(errors);
        }
    };
    let program = compile(&dataset, &files).map_err(into_reports)?;
    Ok(Loaded { dataset, program })
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
    let Loaded { dataset, program } = load(data, rules)?;
    let outcome = evaluate_with(&dataset, &program, coverage).map_err(into_reports)?;
    Ok(Checked {
        dataset,
        program,
        outcome,
    })
}

impl Loaded {
    /// Evaluate the loaded rules; `progress` hears how many checks each finished block held.
    pub fn check(
        self,
        coverage: bool,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<Checked, Vec<miette::Report>> {
        let outcome = evaluate_observed(&self.dataset, &self.program, coverage, progress)
            .map_err(into_reports)?;
        Ok(Checked {
            dataset: self.dataset,
            program: self.program,
            outcome,
        })
    }
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
    let unreadable = |path: &Path, message: String| RuleError::Unreadable {
        path: path.to_path_buf(),
        message,
    };
    let paths: Vec<PathBuf> = if path.is_dir() {
        let entries = std::fs::read_dir(path).map_err(|e| vec![unreadable(path, e.to_string())])?;
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
        return Err(vec![unreadable(path, "no .rules files in it".to_string())]);
    }
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        let Text { text, decoded } = match std::fs::read(&path) {
            Ok(bytes) => match decode(&path, bytes, options) {
                Ok(text) => text,
                Err(error) => {
                    errors.push(RuleError::Decode(error));
                    continue;
                }
            },
            Err(e) => {
                errors.push(unreadable(&path, e.to_string()));
                continue;
            }
        };
        let source = SourceFile::new(&path, text);
        let source = Arc::new(match decoded {
            Some(decoded) => source.stored_as(Stored::Decoded(decoded)),
            None => source,
        });
        match parse_rules(&source) {
            Ok(file) => files.push(ParsedFile { source, file }),
            Err(mut e) => errors.append(&mut e),
        }
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(errors)
    }
}
