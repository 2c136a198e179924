//! Command-line arguments (clap) → a resolved configuration.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};

#[derive(Debug, Parser)]
#[command(
    name = "crossfoot",
    version,
    about = "Check published statistical tables for internal consistency"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check tables against rules; exit 0 if all checks pass, 1 on discrepancies, 2 on bad input.
    Check(CheckArgs),
    /// List every figure the book's text states: number, unit, sentence and place.
    Claims(ClaimsArgs),
    /// Write the current findings to a baseline file, for `check --baseline`.
    Baseline(BaselineArgs),
    /// List what is loaded: `tables` or `rules`.
    List(ListArgs),
    /// Show a rule: its description, where it is written, its kind, and the checks it expands to.
    Explain(ExplainArgs),
    /// Check the rules themselves: checks that can never fail, parts counted twice, 其中 rows
    /// added as parts, contradictions, incomplete or repeating groups, repeated ids; exit 1 if
    /// there is a finding, 2 on bad input.
    Lint(LintArgs),
    /// Propose rules for tables from their layout and figures (totals, shares, growth,
    /// averages, ranks, figures printed in two tables), as a rules file to review.
    Infer(InferArgs),
    /// Translate another tool's rule file into a crossfoot rules file: `import validate FILE`
    /// (R validate). Exit 0 when every rule was translated, 1 when some were not (each is a
    /// warning with its span and reason), 2 on a file that does not parse.
    #[command(subcommand)]
    Import(ImportFrom),
}

#[derive(Debug, Subcommand)]
pub enum ImportFrom {
    /// An R `validate` rule file (`.R`, as `validator(.file = …)` reads it).
    Validate(ImportValidateArgs),
}

#[derive(Debug, clap::Args)]
pub struct ImportValidateArgs {
    /// The R rule file.
    pub file: PathBuf,
    /// The id of the record table the rules read (one record per row, a column per variable).
    #[arg(long, value_name = "ID", default_value = "data")]
    pub table: String,
    /// Write the rules file here instead of standard output.
    #[arg(long)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct InferArgs {
    /// Directory of tables (CSV files, with an optional tables.toml). Default: the bundled 2022 yearbook.
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Propose rules only for these tables (by id, e.g. A2); default: every table.
    #[arg(long = "table", value_name = "ID", num_args = 1..)]
    pub tables: Vec<String>,
    /// Write the rules file here instead of standard output.
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Read files that tables.toml names outside the data directory (see `check`).
    #[arg(long)]
    pub allow_outside_data: bool,
}

#[derive(Debug, clap::Args)]
pub struct LintArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ClaimsFormat::Human)]
    pub format: ClaimsFormat,
    /// Also list the tables, rows and columns no rule reads.
    #[arg(long)]
    pub coverage: bool,
}

/// Where the tables and rules are (default: the bundled book).
#[derive(Debug, clap::Args)]
pub struct Inputs {
    #[arg(long)]
    pub data: Option<PathBuf>,
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Read files that tables.toml names outside the data directory (an absolute path,
    /// `../`), and symlinks in the data or rules directory that point out of it. Default:
    /// refuse them, so an input cannot make a run read (and print) a file that is not one.
    #[arg(long)]
    pub allow_outside_data: bool,
}

#[derive(Debug, clap::Args)]
pub struct BaselineArgs {
    /// Where to write the baseline.
    #[arg(long, default_value = "crossfoot-baseline.json")]
    pub output: PathBuf,
    #[command(flatten)]
    pub inputs: Inputs,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    #[arg(value_enum)]
    pub what: Listing,
    /// With `rules`: check them, and give per rule its checks, passed, failed and skipped (R
    /// validate's `summary()`), and the skipped checks with their reason and cells.
    #[arg(long)]
    pub results: bool,
    #[command(flatten)]
    pub inputs: Inputs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Listing {
    Tables,
    Rules,
}

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The rule id, e.g. A2.share.
    pub rule: String,
    #[command(flatten)]
    pub inputs: Inputs,
}

#[derive(Debug, clap::Args)]
pub struct ClaimsArgs {
    /// The text to read. Default: the bundled book's text (data/2022/source.txt).
    #[arg(long)]
    pub text: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ClaimsFormat::Human)]
    pub format: ClaimsFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClaimsFormat {
    Human,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Directory of tables (CSV files, with an optional tables.toml). Default: the bundled 2022 yearbook.
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Directory of .rules files (or one file). Default: the bundled rules.
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Worker threads, 1 to 256 (default: one per core).
    #[arg(long, value_parser = parse_jobs)]
    pub jobs: Option<usize>,
    /// Also report which figures take part in at least one check, per table, and list the rest.
    #[arg(long)]
    pub coverage: bool,
    /// Leave out the findings this baseline lists (written by `crossfoot baseline`); fail only
    /// on new ones, and say which listed findings no longer occur.
    #[arg(long)]
    pub baseline: Option<PathBuf>,
    /// Check again whenever a file under the data or rules directory changes, and say which
    /// findings are new and which were fixed since the last run (for an editor; runs until
    /// interrupted).
    #[arg(long)]
    pub watch: bool,
    /// The least severity of finding that makes the run fail (exit code 1).
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Write the report to this file instead of standard output.
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Report at most N findings in detail, the first in rule order (and, apart from them, at
    /// most N checks that could not be decided), and only as many as read 1 000 000 cells in
    /// all; the others are counted in the summary, which says how many were left out. The
    /// exit code counts them all.
    #[arg(long, value_name = "N", default_value_t = MAX_FINDINGS)]
    pub max_findings: usize,
    /// The encoding of files that are neither UTF-8 nor start with a byte-order mark
    /// (gbk, gb18030, big5, utf-16le …). Default: detect it, and say so on stderr.
    #[arg(long, value_name = "NAME", value_parser = crate::decode::encoding_for)]
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// Refuse a table file larger than this, before reading it: bytes, or with K, M or G
    /// (a table takes about 3–5 times its size in memory; at most 4G).
    #[arg(long, value_name = "SIZE", default_value = "1G", value_parser = crate::table::limits::parse_size)]
    pub max_table_size: u64,
    /// Read files that tables.toml names outside the data directory (an absolute path,
    /// `../`), and symlinks in the data or rules directory that point out of it. Default:
    /// refuse them, so an input cannot make a run read (and print) a file that is not one.
    #[arg(long)]
    pub allow_outside_data: bool,
    /// Keep the contradiction lint's verdict in this directory (made if missing): a later
    /// check of the same rules and tables, their figures changed or not, skips that lint.
    /// Also read from CROSSFOOT_CACHE. Default: no cache, nothing written.
    #[arg(long, value_name = "DIR", env = "CROSSFOOT_CACHE")]
    pub cache: Option<PathBuf>,
}

/// Findings a report shows by default: more than anyone reads, few enough that a run of a
/// million failed checks holds and writes a bounded amount (about 10 MB of human report).
pub const MAX_FINDINGS: usize = 10_000;

/// What makes `check` exit with 1: findings of this severity or higher.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Only findings of rules marked (or defaulting to) `severity error`.
    Error,
    /// Errors and warnings.
    Warning,
    /// Errors, warnings and the failed checks of plausibility (soft) edits.
    Plausibility,
    /// Every finding.
    Info,
    /// No finding: exit 0 whatever is found (input errors still exit 2).
    Never,
}

impl FailOn {
    /// Whether a finding of this severity fails the run.
    pub fn fails(self, severity: crate::lang::ast::Severity) -> bool {
        use crate::lang::ast::Severity;
        match self {
            FailOn::Error => severity == Severity::Error,
            FailOn::Warning => severity >= Severity::Warning,
            FailOn::Plausibility => severity >= Severity::Plausibility,
            FailOn::Info => true,
            FailOn::Never => false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
    /// JUnit XML, one test suite per rule.
    Junit,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// A Markdown discrepancy report.
    Markdown,
    /// One self-contained HTML page: the tables as printed, with the findings' cells marked.
    Html,
}

/// The bundled yearbook's directory of tables.
pub const BUNDLED_DATA: &str = "data/2022";
/// The bundled book's text.
pub const BUNDLED_TEXT: &str = "data/2022/source.txt";
/// The bundled rules.
pub const BUNDLED_RULES: &str = "rules";

/// A bundled path: relative to the working directory if it is there (a checkout), else to the
/// crate's own directory (running the binary from elsewhere).
pub fn bundled(relative: &str) -> PathBuf {
    let here = Path::new(relative);
    if here.exists() {
        here.to_path_buf()
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
    }
}

/// The most worker threads `--jobs` starts: beyond a few per core they only cost memory, and
/// each takes a stack, so `--jobs 100000` would stall the machine starting them.
pub const MAX_JOBS: usize = 256;

fn parse_jobs(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(jobs @ 1..=MAX_JOBS) => Ok(jobs),
        _ => Err(format!(
            "`{text}` is not a number of threads from 1 to {MAX_JOBS}"
        )),
    }
}
