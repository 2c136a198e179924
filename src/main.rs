//! The `crossfoot` binary: parse arguments, run, render, exit 0 (clean), 1 (findings) or 2
//! (bad input or rules).

use clap::Parser;
use crossfoot::baseline::Baseline;
use crossfoot::cli::{BUNDLED_DATA, BUNDLED_RULES, CheckArgs, Cli, Command, Format, bundled};
use crossfoot::report::{Report, human, json};
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

/// Many small allocations, each short-lived: see the note on `mimalloc` in Cargo.toml.
#[global_allocator]
static ALLOCATOR: crossfoot::heap::Allocator = crossfoot::heap::Allocator;

fn main() -> ExitCode {
    crossfoot::heap::prefer_huge_pages();
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => check(&args),
        Command::Claims(args) => claims(&args),
        Command::Baseline(args) => baseline(&args),
        Command::List(args) => list(&args),
        Command::Explain(args) => explain(&args),
        Command::Lint(args) => lint(&args),
        Command::Infer(args) => infer(&args),
        Command::Import(crossfoot::cli::ImportFrom::Validate(args)) => import_validate(&args),
    }
}

/// Print input errors as diagnostics on stderr, when nothing could be checked; their exit
/// code is 2.
fn input_errors(errors: &[miette::Report]) -> ExitCode {
    print_input_errors(errors, true);
    ExitCode::from(2)
}

/// Print input errors as diagnostics on stderr, and whether the other checks ran.
fn print_input_errors(errors: &[miette::Report], nothing_checked: bool) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let style = human::Style { color, width: 100 };
    eprint!("{}", human::render_errors(errors, style, nothing_checked));
}

/// Write a report to standard output. A reader that stops reading (`| head`) is no error; a
/// report that cannot be written (a full disk, `> /dev/full`) is, with exit code 2: a CI job
/// must not pass on a report nobody got.
fn print_out(text: &str) -> Result<(), ExitCode> {
    let mut stdout = std::io::stdout().lock();
    written_out(
        stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush()),
    )
}

/// What writing a report to standard output came to: see [`print_out`].
fn written_out(written: std::io::Result<()>) -> Result<(), ExitCode> {
    match written {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(error) => {
            eprintln!("crossfoot: cannot write the report to standard output: {error}");
            Err(ExitCode::from(2))
        }
    }
}

/// Say on stderr which files were read in an encoding other than UTF-8, and as what.
fn print_notices(options: &crossfoot::decode::ReadOptions) {
    for notice in options.notices() {
        eprintln!("crossfoot: warning: {notice}");
    }
}

/// Print warnings about the inputs (full-width figures) on stderr; the run goes on.
fn input_warnings(dataset: &crossfoot::table::manifest::Dataset) {
    if dataset.warnings.is_empty() {
        return;
    }
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let style = human::Style { color, width: 100 };
    eprint!("{}", human::render_warnings(&dataset.warnings, style));
}

/// The data and rules directories, the bundled book's by default.
fn paths(inputs: &crossfoot::cli::Inputs) -> (std::path::PathBuf, std::path::PathBuf) {
    let data = inputs.data.clone().unwrap_or_else(|| bundled(BUNDLED_DATA));
    let rules = inputs
        .rules
        .clone()
        .unwrap_or_else(|| bundled(BUNDLED_RULES));
    (data, rules)
}

/// How `inputs` says files are read (`--allow-outside-data`).
fn read_options(inputs: &crossfoot::cli::Inputs) -> crossfoot::decode::ReadOptions {
    let mut options = crossfoot::decode::ReadOptions::new(None);
    options.allow_outside_data = inputs.allow_outside_data;
    options
}

/// Load the inputs without checking; print errors and give exit code 2 on failure.
fn load(inputs: &crossfoot::cli::Inputs) -> Result<crossfoot::run::Loaded, ExitCode> {
    let (data, rules) = paths(inputs);
    let loaded = crossfoot::run::load_with(&data, &rules, &read_options(inputs));
    if !loaded.errors.is_empty() {
        return Err(input_errors(&loaded.errors));
    }
    input_warnings(&loaded.dataset);
    Ok(loaded)
}

/// `crossfoot baseline`: run the checks and write their findings as a baseline.
fn baseline(args: &crossfoot::cli::BaselineArgs) -> ExitCode {
    let (data, rules) = paths(&args.inputs);
    let loaded = crossfoot::run::load_with(&data, &rules, &read_options(&args.inputs));
    if !loaded.errors.is_empty() {
        return input_errors(&loaded.errors);
    }
    let checked = loaded.check(false, &|_| {});
    if !checked.errors.is_empty() {
        return input_errors(&checked.errors);
    }
    input_warnings(&checked.dataset);
    let mut inputs = crossfoot::output::Inputs::new(&data, &rules);
    inputs.read_by(&checked.dataset, &checked.program);
    if let Err(error) = inputs.check(&args.output) {
        return input_errors(&[miette::Report::new(error)]);
    }
    let baseline = crossfoot::baseline::from_outcome(&checked.dataset, &checked.outcome);
    let json = serde_json::to_string_pretty(&baseline).unwrap_or_default() + "\n";
    if let Err(error) = std::fs::write(&args.output, json) {
        eprintln!("crossfoot: cannot write {}: {error}", args.output.display());
        return ExitCode::from(2);
    }
    eprintln!(
        "crossfoot: wrote {} known findings to {}",
        baseline.findings.len(),
        args.output.display()
    );
    ExitCode::SUCCESS
}

/// Read a baseline file; a missing or malformed one is bad input.
fn read_baseline(path: &std::path::Path) -> Result<crossfoot::baseline::Baseline, String> {
    let cannot =
        |e: &dyn std::fmt::Display| format!("cannot read baseline {}: {e}", path.display());
    let bytes = crossfoot::input_file::read(path, crossfoot::table::limits::ADDRESSABLE)
        .map_err(|e| cannot(&e))?;
    let text = String::from_utf8(bytes.into_vec()).map_err(|e| cannot(&e))?;
    let baseline: Baseline = crossfoot::baseline::parse(&text).map_err(|e| {
        format!(
            "baseline {} is not a crossfoot baseline: {e}",
            path.display()
        )
    })?;
    if baseline.version > crossfoot::baseline::VERSION {
        return Err(format!(
            "baseline {} is version {}, written by a newer crossfoot (this one reads up to {})",
            path.display(),
            baseline.version,
            crossfoot::baseline::VERSION
        ));
    }
    if baseline.version < 2 {
        eprintln!(
            "crossfoot: warning: baseline {} is version {}: it records no figures, so a known \
             finding whose figures changed is not told apart; write it again with `crossfoot \
             baseline`",
            path.display(),
            baseline.version
        );
    }
    Ok(baseline)
}

/// `crossfoot list tables|rules`.
fn list(args: &crossfoot::cli::ListArgs) -> ExitCode {
    let text = match args.what {
        // The tables alone: a rules directory with an error (or none yet, as for a new data
        // set) does not keep a user from seeing what rules can name.
        crossfoot::cli::Listing::Tables => {
            let (data, _) = paths(&args.inputs);
            let options = read_options(&args.inputs);
            match crossfoot::table::manifest::load_dataset_with(&data, &options) {
                Ok(dataset) => {
                    input_warnings(&dataset);
                    crossfoot::report::listing::tables(&dataset)
                }
                Err(errors) => {
                    let errors: Vec<miette::Report> =
                        errors.into_iter().map(miette::Report::new).collect();
                    return input_errors(&errors);
                }
            }
        }
        crossfoot::cli::Listing::Rules => match load(&args.inputs) {
            Ok(loaded) if args.results => return list_results(loaded),
            Ok(loaded) => crossfoot::report::listing::rules(&loaded.program),
            Err(code) => return code,
        },
    };
    match print_out(&text) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}

/// `crossfoot list rules --results`: check, then per rule its counts and skipped checks. Exit
/// 0 whatever the checks found (it is a listing; `check` gives the verdict), 2 on input errors.
fn list_results(loaded: crossfoot::run::Loaded) -> ExitCode {
    let keep = crossfoot::finding::Keep {
        max: crossfoot::cli::MAX_FINDINGS,
        sieve: None,
    };
    let checked = loaded.check_keeping(false, keep, &|_| {});
    if !checked.errors.is_empty() {
        print_input_errors(&checked.errors, checked.nothing_checked());
    }
    let report = Report {
        dataset: &checked.dataset,
        program: &checked.program,
        outcome: &checked.outcome,
        errors: &checked.errors,
    };
    let text = crossfoot::report::listing::rule_results(&report);
    match print_out(&text) {
        Ok(()) if checked.errors.is_empty() => ExitCode::SUCCESS,
        Ok(()) => ExitCode::from(2),
        Err(code) => code,
    }
}

/// `crossfoot explain RULE`.
fn explain(args: &crossfoot::cli::ExplainArgs) -> ExitCode {
    let loaded = match load(&args.inputs) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let Some(mut text) =
        crossfoot::report::listing::explain(&loaded.dataset, &loaded.program, &args.rule)
    else {
        eprintln!(
            "crossfoot: no rule `{}` (see `crossfoot list rules`)",
            args.rule
        );
        return ExitCode::from(2);
    };
    // How blame reasoned about its failed checks: the whole book is checked for it, since a
    // figure's weight counts the checks of every rule that read it.
    let checked = loaded.check(false, &|_| {});
    let report = Report {
        dataset: &checked.dataset,
        program: &checked.program,
        outcome: &checked.outcome,
        errors: &checked.errors,
    };
    text.push_str(&crossfoot::report::listing::blame_reasoning(
        &report, &args.rule,
    ));
    match print_out(&text) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}

/// `crossfoot lint`: the rules' own findings; exit 1 if there is one.
fn lint(args: &crossfoot::cli::LintArgs) -> ExitCode {
    let (data, rules) = paths(&args.inputs);
    let options = crossfoot::lint::Options {
        coverage: args.coverage,
        allow_outside_data: args.inputs.allow_outside_data,
    };
    let linted = match crossfoot::lint::run(&data, &rules, options) {
        Ok(linted) => linted,
        Err(errors) => return input_errors(&errors),
    };
    let text = match args.format {
        crossfoot::cli::ClaimsFormat::Json => crossfoot::lint::report::json(&linted) + "\n",
        crossfoot::cli::ClaimsFormat::Human => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            crossfoot::lint::report::human(&linted, human::Style { color, width: 100 })
        }
    };
    if let Err(code) = print_out(&text) {
        return code;
    }
    if linted.lints.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// `crossfoot infer`: the proposed rules file, on standard output or in `--output`.
fn infer(args: &crossfoot::cli::InferArgs) -> ExitCode {
    let data = args.data.clone().unwrap_or_else(|| bundled(BUNDLED_DATA));
    let mut options = crossfoot::decode::ReadOptions::new(None);
    options.allow_outside_data = args.allow_outside_data;
    let (dataset, errors) = crossfoot::table::manifest::load_dataset_partial(&data, &options);
    print_notices(&options);
    if !errors.is_empty() {
        let reports: Vec<miette::Report> = errors.into_iter().map(miette::Report::new).collect();
        return input_errors(&reports);
    }
    input_warnings(&dataset);
    let unknown: Vec<&String> = args
        .tables
        .iter()
        .filter(|id| dataset.table(id).is_none())
        .collect();
    if !unknown.is_empty() {
        for id in unknown {
            eprintln!("crossfoot: no table `{id}` (see `crossfoot list tables`)");
        }
        return ExitCode::from(2);
    }
    let inferred = crossfoot::infer::infer(&dataset, &args.tables);
    let Some(path) = &args.output else {
        return match print_out(&inferred.text) {
            Ok(()) => ExitCode::SUCCESS,
            Err(code) => code,
        };
    };
    let mut inputs = crossfoot::output::Inputs::default();
    inputs.directory(&data, "the data directory");
    for table in &dataset.tables {
        inputs.file(table.source().path(), "the input");
    }
    if let Err(error) = inputs.check(path) {
        return input_errors(&[miette::Report::new(error)]);
    }
    if let Err(error) = std::fs::write(path, &inferred.text) {
        eprintln!("crossfoot: cannot write {}: {error}", path.display());
        return ExitCode::from(2);
    }
    eprintln!(
        "crossfoot: wrote {} proposed rules to {}",
        inferred.proposals.len(),
        path.display()
    );
    ExitCode::SUCCESS
}

/// `crossfoot import validate FILE`: the rules file on standard output or in `--output`, the
/// untranslated rules as warnings on stderr.
fn import_validate(args: &crossfoot::cli::ImportValidateArgs) -> ExitCode {
    let source = match crossfoot::table::read::read_text(&args.file) {
        Ok(source) => source,
        Err(error) => return input_errors(&[miette::Report::new(error)]),
    };
    let imported = match crossfoot::import::validate(&source, &args.table) {
        Ok(imported) => imported,
        Err(error) => {
            let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let style = human::Style { color, width: 100 };
            eprint!("{}", human::render_warnings(&[error], style));
            eprintln!("crossfoot: the rule file is not R that validate reads; nothing translated");
            return ExitCode::from(2);
        }
    };
    let warnings = imported.warnings();
    if !warnings.is_empty() {
        let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        let style = human::Style { color, width: 100 };
        eprint!("{}", human::render_warnings(&warnings, style));
    }
    let written = match &args.output {
        None => print_out(&imported.text),
        Some(path) => {
            let mut inputs = crossfoot::output::Inputs::default();
            inputs.file(&args.file, "the rule file");
            if let Err(error) = inputs.check(path) {
                return input_errors(&[miette::Report::new(error)]);
            }
            std::fs::write(path, &imported.text).map_err(|error| {
                eprintln!("crossfoot: cannot write {}: {error}", path.display());
                ExitCode::from(2)
            })
        }
    };
    if let Err(code) = written {
        return code;
    }
    eprintln!(
        "crossfoot: {} translated, {} not",
        crossfoot::import::rules(imported.translated),
        imported.untranslated.len()
    );
    if imported.untranslated.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// `crossfoot claims`: the figures the text states, one per line (or JSON).
fn claims(args: &crossfoot::cli::ClaimsArgs) -> ExitCode {
    let path = args
        .text
        .clone()
        .unwrap_or_else(|| bundled(crossfoot::cli::BUNDLED_TEXT));
    let options = crossfoot::decode::ReadOptions::default();
    let source = crossfoot::table::read::read_book_text(&path, &options);
    print_notices(&options);
    let source = match source {
        Ok(source) => source,
        Err(error) => return input_errors(&[miette::Report::new(error)]),
    };
    let claims = crossfoot::claims::extract(&source);
    let text = match args.format {
        crossfoot::cli::ClaimsFormat::Json => {
            crossfoot::claims::render_json(&source, &claims) + "\n"
        }
        crossfoot::cli::ClaimsFormat::Human => crossfoot::claims::render_text(&source, &claims),
    };
    match print_out(&text) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}

/// Rule sets expanding to at most this many checks, and writing out at most this many terms
/// for them, are linted for contradictions by `check`. The lint holds every term it writes
/// out (hundreds of bytes each), and a rule comparing each of n records with their mean or
/// sum writes out n² (the book: 5 337 checks, 9 782 terms).
const CHECKS_LINTED_BY_CHECK: usize = 100_000;
const TERMS_LINTED_BY_CHECK: usize = 1_000_000;

/// Runs with fewer checks than this end before a bar would be worth drawing.
const CHECKS_WORTH_A_BAR: usize = 500_000;

/// A progress bar on stderr for long runs of the human report on a terminal; hidden for
/// machine formats, short runs, or when stderr is not a terminal (a CI log).
fn progress_bar(format: Format, checks: usize) -> indicatif::ProgressBar {
    let wanted =
        format == Format::Human && checks >= CHECKS_WORTH_A_BAR && std::io::stderr().is_terminal();
    if !wanted {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(checks as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} checking {bar:40} {human_pos}/{human_len} checks ({eta} left)",
    ) {
        bar.set_style(style);
    }
    bar
}

fn check(args: &CheckArgs) -> ExitCode {
    let data = args.data.clone().unwrap_or_else(|| bundled(BUNDLED_DATA));
    // Before any worker starts: see `fit_to`.
    crossfoot::heap::fit_to(&data);
    if let Some(jobs) = args.jobs
        && let Err(e) = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build_global()
    {
        eprintln!("crossfoot: cannot start {jobs} threads: {e}");
        return ExitCode::from(2);
    }
    let rules = args.rules.clone().unwrap_or_else(|| bundled(BUNDLED_RULES));
    let known = match args.baseline.as_deref().map(read_baseline).transpose() {
        Ok(known) => known,
        Err(message) => {
            eprintln!("crossfoot: {message}");
            return ExitCode::from(2);
        }
    };
    if let Some(dir) = &args.cache
        && let Err(error) = crossfoot::output::Inputs::new(&data, &rules).check_cache(dir)
    {
        return input_errors(&[miette::Report::new(error)]);
    }
    let cache = args
        .cache
        .as_deref()
        .map(|dir| crossfoot::lint::cache::Cache::new(dir, &data, &rules));
    if args.watch {
        // Every save is checked again with the same rules, mostly: kept in memory at least.
        let cache = cache.unwrap_or_else(crossfoot::lint::cache::Cache::in_memory);
        return watch(args, &data, &rules, known.as_ref(), &cache);
    }
    match check_once(args, &data, &rules, known.as_ref(), cache.as_ref()) {
        Ok((code, _)) | Err(code) => code,
    }
}

/// One run: load, check, print the report. The exit code, and the findings for `--watch`.
fn check_once(
    args: &CheckArgs,
    data: &Path,
    rules: &Path,
    known: Option<&Baseline>,
    cache: Option<&crossfoot::lint::cache::Cache>,
) -> Result<(ExitCode, Baseline), ExitCode> {
    let mut options = crossfoot::decode::ReadOptions::new(args.encoding);
    options.max_table_bytes = Some(args.max_table_size);
    options.allow_outside_data = args.allow_outside_data;
    let loaded = crossfoot::run::load_with(data, rules, &options);
    print_notices(&options);
    input_warnings(&loaded.dataset);
    for warning in crossfoot::lint::no_checks::warnings(&loaded.program) {
        eprintln!("crossfoot: warning: {warning}");
    }
    if let Some(output) = &args.output {
        let mut inputs = crossfoot::output::Inputs::new(data, rules);
        inputs.read_by(&loaded.dataset, &loaded.program);
        if let Some(baseline) = &args.baseline {
            inputs.file(baseline, "the baseline");
        }
        inputs
            .check(output)
            .map_err(|error| input_errors(&[miette::Report::new(error)]))?;
    }
    let bar = progress_bar(args.format, loaded.program.check_count());
    // A baseline sifts the findings as checks fail, so that at most `--max-findings` of the
    // new ones are held, and every count stays exact.
    let sieve = known.map(crossfoot::baseline::Sieve::new);
    let keep = crossfoot::finding::Keep {
        max: args.max_findings,
        sieve: sieve.as_ref().map(|s| s as &dyn crossfoot::finding::Sift),
    };
    let progress = |count: usize| bar.inc(count as u64);
    // Contradictory rules would report whichever rule happens to fail: leave them out.
    // The lint expands every check one by one: worth it beside a book's run, not beside a
    // million-row record table's (there, `crossfoot lint` is a separate step).
    let linted = loaded.program.check_count() <= CHECKS_LINTED_BY_CHECK
        && loaded.program.terms_stated() <= TERMS_LINTED_BY_CHECK;
    let checked = if linted {
        let checked = loaded.check_clear_of_contradictions(args.coverage, keep, &progress, cache);
        if let Some(failure) = cache.and_then(|cache| cache.failure()) {
            eprintln!("crossfoot: warning: {failure}");
        }
        checked
    } else {
        loaded.check_keeping(args.coverage, keep, &progress)
    };
    bar.finish_and_clear();
    if !checked.errors.is_empty() {
        print_input_errors(&checked.errors, checked.nothing_checked());
    }
    if let Some(sieve) = &sieve {
        let gone = sieve.unmet();
        eprintln!(
            "crossfoot: {} known findings left out (baseline); {} changed since the baseline \
             (reported); {} baseline entries no longer occur",
            checked.outcome.known,
            checked.outcome.changed,
            gone.len()
        );
        for entry in gone {
            eprintln!("  no longer occurs: {} {:?}", entry.rule, entry.cells);
        }
    }
    let report = Report {
        dataset: &checked.dataset,
        program: &checked.program,
        outcome: &checked.outcome,
        errors: &checked.errors,
    };
    let color = args.output.is_none()
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    if let Some(path) = &args.output {
        let written = std::fs::File::create(path).and_then(|file| {
            let mut out = std::io::BufWriter::with_capacity(REPORT_BUFFER, file);
            write_report(args.format, &report, color, &mut out)?;
            out.flush()
        });
        if let Err(error) = written {
            eprintln!(
                "crossfoot: cannot write the report to {}: {error}",
                path.display()
            );
            return Err(ExitCode::from(2));
        }
    } else {
        let mut out = std::io::BufWriter::with_capacity(REPORT_BUFFER, std::io::stdout().lock());
        let written =
            write_report(args.format, &report, color, &mut out).and_then(|()| out.flush());
        written_out(written)?;
    }
    // Every failed check counts, the ones left out of the report too.
    let fails = checked
        .outcome
        .per_rule
        .iter()
        .zip(&checked.program.rules)
        .any(|(counts, rule)| counts.failed > 0 && args.fail_on.fails(rule.severity));
    let code = if !checked.errors.is_empty() {
        ExitCode::from(2)
    } else if fails {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    let findings = if args.watch {
        crossfoot::baseline::from_outcome(&checked.dataset, &checked.outcome)
    } else {
        // The process ends here: the system takes the memory back at once, where freeing a
        // million labels one by one would take a noticeable part of a large run.
        std::mem::forget(checked);
        Baseline::default()
    };
    Ok((code, findings))
}

/// Bytes of a report gathered before they are written. A record file's JSON report is 5 MB,
/// written a finding (about 5 KB) at a time: through the default 8 KB buffer that was a
/// system call for every finding or two, 2 000 of them, each waking a reader on a pipe.
const REPORT_BUFFER: usize = 256 << 10;

/// Write the report in `format` as it is rendered: the human and JSON reports are never held
/// whole.
fn write_report(
    format: Format,
    report: &Report<'_>,
    color: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let text = match format {
        Format::Human => return human::write(report, human::Style { color, width: 100 }, out),
        Format::Json => return json::write(report, out),
        Format::Sarif => crossfoot::report::sarif::render(report) + "\n",
        Format::Junit => crossfoot::report::junit::render(report),
        Format::Github => crossfoot::report::github::render(report),
        Format::Markdown => crossfoot::report::markdown::render(report),
        Format::Html => crossfoot::report::html::render(report),
    };
    out.write_all(text.as_bytes())
}

/// `check --watch`: check, then again whenever a file under the data or rules directory
/// changes, saying which findings are new and which were fixed since the last run. Runs until
/// interrupted; bad input is reported and waited out, not fatal.
fn watch(
    args: &CheckArgs,
    data: &Path,
    rules: &Path,
    known: Option<&Baseline>,
    cache: &crossfoot::lint::cache::Cache,
) -> ExitCode {
    let (events, changed) = std::sync::mpsc::channel();
    let mut watcher = match notify::recommended_watcher(events) {
        Ok(watcher) => watcher,
        Err(error) => {
            eprintln!("crossfoot: cannot watch for changes: {error}");
            return ExitCode::from(2);
        }
    };
    let roots = match crossfoot::watch::Roots::new(&[data, rules]) {
        Ok(roots) => roots,
        Err(error) => {
            eprintln!("crossfoot: cannot watch {}: {error}", data.display());
            return ExitCode::from(2);
        }
    };
    let mut last: Option<Baseline> = None;
    loop {
        if let Err(error) = roots.arm(&mut watcher) {
            eprintln!("crossfoot: cannot watch for changes: {error}");
            return ExitCode::from(2);
        }
        if let Ok((_, findings)) = check_once(args, data, rules, known, Some(cache)) {
            if let Some(before) = &last {
                let changes = crossfoot::watch::changes(before, &findings);
                print!("{}", crossfoot::watch::render(&changes));
            }
            last = Some(findings);
        }
        println!(
            "crossfoot: watching {} and {} for changes",
            data.display(),
            rules.display()
        );
        let _ = std::io::stdout().flush();
        if wait_for_change(&changed, &roots).is_err() {
            return ExitCode::SUCCESS;
        }
    }
}

/// Block until a file changes, then let a burst of events (an editor saving) settle.
fn wait_for_change(
    changed: &std::sync::mpsc::Receiver<notify::Result<notify::Event>>,
    roots: &crossfoot::watch::Roots,
) -> Result<(), std::sync::mpsc::RecvError> {
    loop {
        let event = changed.recv()?;
        if event.is_ok_and(|e| roots.concerns(&e)) {
            break;
        }
    }
    let settle = std::time::Duration::from_millis(200);
    while changed.recv_timeout(settle).is_ok() {}
    Ok(())
}
