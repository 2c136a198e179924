//! Benchmarks of rendering many findings: the human report (miette) and the JSON report of
//! 1 000 failed checks, on a table of 20 000 and of 200 000 rows. Rendering should take time
//! in proportion to what it prints, so both sizes should take about the same (it used to grow
//! with findings × file size: 1 000 findings on a 68 MB table took 12 minutes).
//!
//! `cargo bench --bench report`. The table — `项目,a,b,合计`, one row-wise sum, every
//! `rows / 1000`-th row's 合计 off by 1 — is written under cargo's `CARGO_TARGET_TMPDIR` and
//! checked once, untimed; only the rendering is timed.
//!
//! `html_report` renders the HTML report of the same 1 000 findings: the table of more than
//! 1 000 rows folded to the rows they name, so both sizes should take about the same too (the
//! whole table printed, 4.5 s for the 68 MB record file's page).
//!
//! `html_wide_table` renders the HTML report, which prints every cell of a short table, of a
//! table of 100 rows and 1 000 or 10 000 figure columns: ten times the cells should take about
//! ten times as long (finding each cell from its record's start, it took a hundred times as
//! long, 24 s for the wider).

// A benchmark stops at once on a failed set-up, as a test does.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use crossfoot::report::{Report, html, human, json};
use crossfoot::run::Checked;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

/// Failed checks in every table.
const FINDINGS: usize = 1_000;

/// Check the table `T.csv` that `csv` writes against `rules`, both written once into the
/// folder `name` under cargo's `CARGO_TARGET_TMPDIR`.
fn checked_in(name: &str, rules: &str, csv: impl FnOnce() -> String) -> Checked {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let data = dir.join("data");
    let rules_file = dir.join("r.rules");
    if !rules_file.exists() {
        std::fs::create_dir_all(&data).expect("data directory");
        std::fs::write(data.join("T.csv"), csv()).expect("write the table");
        std::fs::write(&rules_file, rules).expect("write the rules");
    }
    match crossfoot::run::check(&data, &rules_file) {
        Ok(checked) => checked,
        Err(errors) => panic!("{} input error(s): {:?}", errors.len(), errors[0]),
    }
}

/// A table of `rows` rows whose row-wise sum fails in [`FINDINGS`] rows, checked.
fn checked(rows: usize) -> Checked {
    let rules = "sum T.total \"合计 is a + b in every row\"\n  for r in rows(T)\n  T[r, 合计] = T[r, a] + T[r, b]\n";
    let checked = checked_in(&format!("report-{rows}"), rules, || {
        let mut csv = String::from("项目,a,b,合计\n");
        let every = rows / FINDINGS;
        for i in 0..rows {
            let (a, b) = (i % 9000 + 100, i % 700 + 10);
            let total = if i % every == every - 1 {
                a + b + 1
            } else {
                a + b
            };
            let _ = writeln!(csv, "第{i}行,{a}.0,{b}.0,{total}.0");
        }
        csv
    });
    assert_eq!(checked.outcome.failed, FINDINGS);
    checked
}

static SMALL: LazyLock<Checked> = LazyLock::new(|| checked(20_000));
static LARGE: LazyLock<Checked> = LazyLock::new(|| checked(200_000));

fn of(rows: usize) -> &'static Checked {
    if rows == 20_000 { &SMALL } else { &LARGE }
}

/// Rows of the wide tables.
const WIDE_ROWS: usize = 100;

/// A table of [`WIDE_ROWS`] rows and `columns` figure columns, checked with no rules: only the
/// HTML report's tables print its cells.
fn wide(columns: usize) -> Checked {
    checked_in(&format!("report-wide-{columns}"), "", || {
        let header: Vec<String> = (0..columns).map(|c| format!("c{c}")).collect();
        let mut csv = format!("项目,{}\n", header.join(","));
        for row in 0..WIDE_ROWS {
            let figures: Vec<String> = (0..columns).map(|c| (row * c % 997).to_string()).collect();
            let _ = writeln!(csv, "第{row}行,{}", figures.join(","));
        }
        csv
    })
}

static NARROWER: LazyLock<Checked> = LazyLock::new(|| wide(1_000));
static WIDER: LazyLock<Checked> = LazyLock::new(|| wide(10_000));

fn report(checked: &Checked) -> Report<'_> {
    Report {
        dataset: &checked.dataset,
        program: &checked.program,
        outcome: &checked.outcome,
        errors: &checked.errors,
    }
}

fn main() {
    for rows in [20_000, 200_000] {
        let checked = of(rows);
        let size = std::fs::metadata(
            PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("report-{rows}/data/T.csv")),
        );
        println!(
            "{rows} rows ({:.1} MB): {} failed checks",
            size.map_or(0.0, |m| m.len() as f64 / 1e6),
            checked.outcome.failed
        );
    }
    divan::main();
}

/// The human report (miette, no colour, 100 columns) of 1 000 findings.
#[divan::bench(args = [20_000, 200_000], sample_count = 20)]
fn human_report(rows: usize) -> String {
    let checked = of(rows);
    human::render(
        &report(checked),
        human::Style {
            color: false,
            width: 100,
        },
    )
}

/// The JSON report of 1 000 findings.
#[divan::bench(args = [20_000, 200_000], sample_count = 20)]
fn json_report(rows: usize) -> String {
    json::render(&report(of(rows)))
}

/// The HTML report of 1 000 findings, the table folded to their rows.
#[divan::bench(args = [20_000, 200_000], sample_count = 20)]
fn html_report(rows: usize) -> String {
    html::render(&report(of(rows)))
}

/// The HTML report of a table of 100 rows and `columns` figure columns: every cell printed.
#[divan::bench(args = [1_000, 10_000], sample_count = 10)]
fn html_wide_table(columns: usize) -> String {
    let checked = if columns == 1_000 { &NARROWER } else { &WIDER };
    html::render(&report(checked))
}
