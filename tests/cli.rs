//! End-to-end tests: run the real `crossfoot` binary on the fixtures under `tests/fixtures/` and on
//! the bundled yearbook, and snapshot what it prints (into `snapshots/`).
//!
//! Every fixture's rules file starts with a comment saying what the run should emit; the
//! snapshots were reviewed against those comments. Besides the snapshots, each test parses the
//! JSON and checks the counts and the failing rule ids itself, so a wrongly accepted snapshot
//! still leaves a failing test.

// Test helpers unwrap and index freely: a failing test should stop at once.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

#[path = "cli/anchors.rs"]
mod anchors;
#[path = "cli/blame.rs"]
mod blame;
#[path = "cli/cache.rs"]
mod cache;
#[path = "cli/conditions.rs"]
mod conditions;
#[path = "cli/corpus.rs"]
mod corpus;
#[path = "cli/docx.rs"]
mod docx;
#[path = "cli/drafts.rs"]
mod drafts;
#[path = "cli/encodings.rs"]
mod encodings;
#[path = "cli/examples.rs"]
mod examples;
#[path = "cli/formats.rs"]
mod formats;
#[path = "cli/html.rs"]
mod html;
#[path = "cli/import.rs"]
mod import;
#[path = "cli/infer.rs"]
mod infer;
#[path = "cli/input_errors.rs"]
mod input_errors;
#[path = "cli/input_files.rs"]
mod input_files;
#[path = "cli/lint.rs"]
mod lint;
#[path = "cli/no_writes.rs"]
mod no_writes;
#[path = "cli/odd_inputs.rs"]
mod odd_inputs;
#[path = "cli/paired_loops.rs"]
mod paired_loops;
#[path = "cli/per_rule.rs"]
mod per_rule;
#[path = "cli/plausibility.rs"]
mod plausibility;
#[path = "cli/regressions.rs"]
mod regressions;
#[path = "cli/reliability.rs"]
mod reliability;
#[path = "cli/reports.rs"]
mod reports;
#[path = "cli/transcription.rs"]
mod transcription;
#[path = "cli/watching.rs"]
mod watching;
#[path = "cli/workbooks.rs"]
mod workbooks;

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// What one run of the binary gave.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// The crate root: the child runs there, so every path it prints is relative.
fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled book's data and rules folders, checked as `check` checks them (contradictory
/// rules left out), with coverage: what the draft-edit harness picks its figures from.
fn checked_book() -> (PathBuf, PathBuf, crossfoot::run::Checked) {
    let (data, rules) = (root().join("data/2022"), root().join("rules"));
    let mut loaded = crossfoot::run::load_with(&data, &rules, &Default::default());
    loaded.leave_out_contradictions();
    let book = loaded.check(true, &|_| {});
    (data, rules, book)
}

/// A record file `REC` and a rules file in a temporary folder: its data and rules folders.
/// `columns` is the table's `columns = { … }` entry in `tables.toml`, if any.
fn record_file(columns: &str, csv: &str, rules: &str) -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let (data, rules_dir) = (dir.path().join("data"), dir.path().join("rules"));
    std::fs::create_dir_all(&data).unwrap();
    std::fs::create_dir_all(&rules_dir).unwrap();
    std::fs::write(
        data.join("tables.toml"),
        format!(
            "year = 2021\n\n[[table]]\nid = \"REC\"\nprinted = \"REC\"\ncaption = \"Records\"\n\
             file = \"REC.csv\"\nheader_rows = 1\nlabel_columns = 1\n{columns}"
        ),
    )
    .unwrap();
    std::fs::write(data.join("REC.csv"), csv).unwrap();
    std::fs::write(rules_dir.join("r.rules"), rules).unwrap();
    let path = |p: PathBuf| p.to_str().unwrap().to_string();
    (dir, path(data), path(rules_dir))
}

/// Run `crossfoot check ARGS` from the crate root, without colour.
fn check(args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_crossfoot"))
        .arg("check")
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env_remove("CROSSFOOT_CACHE")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR")
        .output()
        .expect("the crossfoot binary runs");
    Run {
        code: output.status.code().expect("crossfoot exits with a code"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// Snapshot `value` as `snapshots/<name>.snap`.
fn snapshot(name: &str, description: &str, value: &str) {
    insta::with_settings!({
        snapshot_path => "../snapshots",
        prepend_module_to_snapshot => false,
        description => description,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, value);
    });
}

/// A copy of the bundled book's data with `edit` applied to one file.
fn edited_book(file: &str, edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temp dir");
    for entry in std::fs::read_dir(root().join("data/2022")).expect("the book") {
        let path = entry.expect("an entry").path();
        let target = dir.path().join(path.file_name().expect("a name"));
        std::fs::copy(&path, &target).expect("copied");
    }
    let path = dir.path().join(file);
    let text = std::fs::read_to_string(&path).expect("UTF-8");
    std::fs::write(&path, edit(&text)).expect("written");
    dir
}

/// A report's text with its line breaks and indents as single spaces: what it says, however
/// it is wrapped.
fn unwrapped(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn parse(json: &str) -> Value {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("output is not JSON ({e}):\n{json}"))
}

/// The summary counts in the order tables, rules, checks, passed, failed, skipped.
fn summary(json: &Value) -> [u64; 6] {
    let s = &json["summary"];
    ["tables", "rules", "checks", "passed", "failed", "skipped"].map(|key| {
        s[key]
            .as_u64()
            .unwrap_or_else(|| panic!("summary.{key} is a count: {s}"))
    })
}

/// `summary.implausible`: failed checks of plausibility (soft) edits, counted apart from
/// `failed` (absent when zero).
fn implausible(json: &Value) -> u64 {
    json["summary"]["implausible"].as_u64().unwrap_or(0)
}

fn findings(json: &Value) -> &Vec<Value> {
    json["findings"].as_array().expect("findings is an array")
}

/// Every cell of every finding: `line`/`column_number` count characters, and `span` slices
/// the file's bytes to exactly `value` (a CSV-quoted cell: its quotes around `value`).
fn assert_cells_point_into_their_files(json: &Value) {
    for finding in findings(json) {
        for cell in finding["cells"].as_array().expect("cells is an array") {
            let file = cell["file"].as_str().expect("cell.file");
            assert!(Path::new(file).is_relative(), "{file} is printed relative");
            let bytes = std::fs::read(root().join(file)).expect("the cell's file exists");
            let offset = cell["span"]["offset"].as_u64().expect("span.offset") as usize;
            let length = cell["span"]["length"].as_u64().expect("span.length") as usize;
            let value = cell["value"].as_str().expect("cell.value");
            let raw = std::str::from_utf8(&bytes[offset..offset + length]).expect("UTF-8 span");
            let printed = raw
                .strip_prefix('"')
                .and_then(|r| r.strip_suffix('"'))
                .map_or_else(|| raw.to_string(), |inner| inner.replace("\"\"", "\""));
            assert_eq!(printed, value, "span of {cell}");
            let text = std::str::from_utf8(&bytes).expect("the file is UTF-8");
            let before = &text[..offset];
            let line = before.matches('\n').count() + 1;
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            let column = text[line_start..offset].chars().count() + 1;
            assert_eq!(cell["line"].as_u64(), Some(line as u64), "line of {cell}");
            assert_eq!(
                cell["column_number"].as_u64(),
                Some(column as u64),
                "column_number of {cell}"
            );
        }
    }
}

/// What a fixture's run must give: its summary, and the failing check's published figure and gap.
struct Expected {
    kind: &'static str,
    /// tables, rules, checks, passed, failed, skipped
    summary: [u64; 6],
    published: &'static str,
    gap: &'static str,
}

const FIXTURES: [Expected; 8] = [
    Expected {
        kind: "sum",
        summary: [2, 3, 8, 6, 1, 1],
        published: "37294.5",
        gap: "0.1",
    },
    Expected {
        kind: "share",
        summary: [1, 3, 7, 5, 1, 1],
        published: "18.9",
        gap: "0.1",
    },
    Expected {
        kind: "growth",
        summary: [1, 3, 7, 6, 1, 0],
        published: "6.4",
        gap: "0.1",
    },
    Expected {
        kind: "ratio",
        summary: [2, 3, 4, 2, 1, 1],
        published: "88.0",
        gap: "0.1",
    },
    Expected {
        kind: "equal",
        summary: [3, 3, 5, 4, 1, 0],
        published: "512.4",
        gap: "0.1",
    },
    Expected {
        kind: "matrix",
        summary: [2, 3, 21, 20, 1, 0],
        published: "390.3",
        gap: "0.1",
    },
    Expected {
        kind: "rank",
        summary: [2, 3, 18, 15, 1, 2],
        published: "2",
        gap: "1",
    },
    Expected {
        kind: "expr",
        summary: [1, 3, 6, 4, 1, 1],
        published: "37294.5",
        gap: "0.1",
    },
];

/// The rule ids a fixture's rules file declares.
fn declared_rule_ids(kind: &str) -> Vec<String> {
    let path = root().join(format!("tests/fixtures/{kind}/rules/{kind}.rules"));
    let text = std::fs::read_to_string(&path).expect("the fixture has its rules file");
    text.lines()
        .filter(|line| line.starts_with(&format!("{kind} ")))
        .filter_map(|line| line.split_whitespace().nth(1).map(str::to_string))
        .collect()
}

fn fixture_args(kind: &str) -> (String, String) {
    (
        format!("tests/fixtures/{kind}/data"),
        format!("tests/fixtures/{kind}/rules"),
    )
}

fn check_fixture(expected: &Expected) {
    let kind = expected.kind;
    let ids = declared_rule_ids(kind);
    assert_eq!(
        ids,
        [
            format!("{kind}.pass"),
            format!("{kind}.near_miss"),
            format!("{kind}.fail")
        ],
        "the {kind} fixture holds the three cases"
    );
    let (data, rules) = fixture_args(kind);
    let exit = if expected.summary[4] > 0 { 1 } else { 0 };

    let human = check(&["--data", &data, "--rules", &rules, "--format", "human"]);
    assert_eq!(
        human.code, exit,
        "{kind} human exit code; stderr:\n{}",
        human.stderr
    );
    assert_eq!(human.stderr, "", "{kind}: nothing on stderr");
    snapshot(
        &format!("{kind}__human"),
        &format!("crossfoot check --data {data} --rules {rules} --format human"),
        &human.stdout,
    );

    let json = check(&["--data", &data, "--rules", &rules, "--format", "json"]);
    assert_eq!(
        json.code, exit,
        "{kind} json exit code; stderr:\n{}",
        json.stderr
    );
    assert_eq!(json.stderr, "", "{kind}: nothing on stderr");
    snapshot(
        &format!("{kind}__json"),
        &format!("crossfoot check --data {data} --rules {rules} --format json"),
        &json.stdout,
    );

    let document = parse(&json.stdout);
    assert_eq!(summary(&document), expected.summary, "{kind} summary");
    let failing: BTreeSet<&str> = findings(&document)
        .iter()
        .map(|f| f["rule"].as_str().expect("finding.rule"))
        .collect();
    let fail_ids: BTreeSet<&str> = ids
        .iter()
        .map(String::as_str)
        .filter(|id| id.ends_with(".fail"))
        .collect();
    assert_eq!(failing, fail_ids, "{kind}: exactly the *.fail rules fail");
    let [finding] = findings(&document).as_slice() else {
        panic!("{kind}: one finding expected: {document:#}");
    };
    assert_eq!(finding["kind"], kind);
    assert_eq!(finding["published"], expected.published, "{kind} published");
    assert_eq!(finding["gap"], expected.gap, "{kind} gap");
    assert_cells_point_into_their_files(&document);
    let tail = format!(
        "tables {} · rules {} · checks {}: {} passed, {} failed, {} skipped\n",
        expected.summary[0],
        expected.summary[1],
        expected.summary[2],
        expected.summary[3],
        expected.summary[4],
        expected.summary[5]
    );
    assert!(
        human.stdout.ends_with(&tail),
        "{kind}: the human report ends with the summary line {tail:?}"
    );
}

#[test]
fn sum_fixture() {
    check_fixture(&FIXTURES[0]);
}

#[test]
fn share_fixture() {
    check_fixture(&FIXTURES[1]);
}

#[test]
fn growth_fixture() {
    check_fixture(&FIXTURES[2]);
}

#[test]
fn ratio_fixture() {
    check_fixture(&FIXTURES[3]);
}

#[test]
fn equal_fixture() {
    check_fixture(&FIXTURES[4]);
}

#[test]
fn matrix_fixture() {
    check_fixture(&FIXTURES[5]);
}

#[test]
fn rank_fixture() {
    check_fixture(&FIXTURES[6]);
}

#[test]
fn expr_fixture() {
    check_fixture(&FIXTURES[7]);
}

#[test]
fn fixtures_cover_every_kind_once() {
    let kinds: Vec<&str> = FIXTURES.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        [
            "sum", "share", "growth", "ratio", "equal", "matrix", "rank", "expr"
        ]
    );
}

/// Every key of an object, to compare with the documented schema.
fn keys(value: &Value) -> BTreeSet<&str> {
    value
        .as_object()
        .unwrap_or_else(|| panic!("an object: {value}"))
        .keys()
        .map(String::as_str)
        .collect()
}

fn assert_has_keys(value: &Value, wanted: &[&str], what: &str) {
    let present = keys(value);
    for key in wanted {
        assert!(present.contains(key), "{what} has `{key}`: {value:#}");
    }
}

#[test]
fn yearbook() {
    let human = check(&["--format", "human"]);
    assert_eq!(human.code, 1, "stderr:\n{}", human.stderr);
    snapshot(
        "yearbook__human",
        "crossfoot check --format human (the bundled yearbook)",
        &human.stdout,
    );

    let json = check(&["--format", "json"]);
    assert_eq!(json.code, 1, "stderr:\n{}", json.stderr);
    snapshot(
        "yearbook__json",
        "crossfoot check --format json (the bundled yearbook)",
        &json.stdout,
    );

    let document = parse(&json.stdout);
    assert_has_keys(&document, &["summary", "findings", "notes"], "the document");
    assert_has_keys(
        &document["summary"],
        &["tables", "rules", "checks", "passed", "failed", "skipped"],
        "summary",
    );
    let [tables, rules, checks, passed, failed, skipped] = summary(&document);
    // Every table of the manifest, and TEXT: the figures of the bundled text.
    let manifest = std::fs::read_to_string(root().join("data/2022/tables.toml")).unwrap();
    assert_eq!(tables as usize, manifest.matches("[[table]]").count() + 1);
    assert!(rules > 0);
    let soft = implausible(&document);
    assert_eq!(checks, passed + failed + soft + skipped);
    assert_eq!((failed + soft) as usize, findings(&document).len());
    assert!(failed > 0, "the yearbook has findings (exit code 1)");
    assert!(
        soft > 0,
        "the yearbook's plausibility edits flag figures to review"
    );
    for finding in findings(&document) {
        assert_has_keys(
            finding,
            &[
                "rule",
                "kind",
                "message",
                "published",
                "expected",
                "gap",
                "cells",
            ],
            "a finding",
        );
        assert_has_keys(&finding["expected"], &["low", "high"], "expected");
        let cells = finding["cells"].as_array().expect("cells is an array");
        assert!(!cells.is_empty());
        for cell in cells {
            assert_has_keys(
                cell,
                &[
                    "table",
                    "row",
                    "column",
                    "value",
                    "file",
                    "line",
                    "column_number",
                    "span",
                ],
                "a cell",
            );
            assert_has_keys(&cell["span"], &["offset", "length"], "span");
        }
    }
    assert_cells_point_into_their_files(&document);

    // One cell by hand: the published cell of the first finding sits on a line with Chinese
    // text before it, so its character column differs from its byte column.
    let cell = &findings(&document)[0]["cells"][0];
    let file = cell["file"].as_str().expect("cell.file");
    let text = std::fs::read_to_string(root().join(file)).expect("the cell's file");
    let offset = cell["span"]["offset"].as_u64().expect("offset") as usize;
    let length = cell["span"]["length"].as_u64().expect("length") as usize;
    assert_eq!(
        &text[offset..offset + length],
        cell["value"].as_str().unwrap()
    );
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_number = text[..line_start].matches('\n').count() + 1;
    let byte_column = offset - line_start + 1;
    let char_column = text[line_start..offset].chars().count() + 1;
    assert_eq!(cell["line"].as_u64(), Some(line_number as u64));
    assert_eq!(cell["column_number"].as_u64(), Some(char_column as u64));
    assert_ne!(
        char_column, byte_column,
        "the line has multi-byte text before the cell"
    );
}

/// A bad input: exit code 2, a diagnostic on stderr, and on stdout the report of whatever the
/// error did not stop, whose summary counts the input errors.
fn check_error(case: &str, must_say: &[&str]) {
    let data = format!("tests/fixtures/errors/{case}/data");
    let rules = format!("tests/fixtures/errors/{case}/rules");
    let run = check(&["--data", &data, "--rules", &rules]);
    assert_eq!(run.code, 2, "{case}: exit code; stderr:\n{}", run.stderr);
    assert!(
        run.stdout.contains(" not checked · ") && run.stdout.contains("input error"),
        "{case}: the report's summary counts the input errors: {}",
        run.stdout
    );
    for text in must_say {
        assert!(
            run.stderr.contains(text),
            "{case}: stderr says {text:?}:\n{}",
            run.stderr
        );
    }
    snapshot(
        &format!("errors__{case}"),
        &format!("crossfoot check --data {data} --rules {rules} (stderr)"),
        &run.stderr,
    );
}

#[test]
fn error_bad_rule_syntax() {
    check_error(
        "bad_rule",
        &[
            "crossfoot::rules::syntax",
            "found `=`",
            "tests/fixtures/errors/bad_rule/rules/b1.rules:6:",
            "1 input error; nothing was checked",
        ],
    );
}

#[test]
fn error_unknown_label_says_did_you_mean() {
    check_error(
        "unknown_label",
        &[
            "crossfoot::rules::unknown_label",
            "table B1 has no row `合记`",
            "did you mean `合计`?",
        ],
    );
}

#[test]
fn error_unknown_table() {
    check_error(
        "unknown_table",
        &["crossfoot::rules::unknown_table", "unknown table `B2`"],
    );
}

/// An unclosed quote is malformed CSV and must be reported as such, at the quote.
#[test]
fn error_malformed_csv() {
    check_error(
        "malformed_csv",
        &[
            "crossfoot::data::csv",
            "malformed CSV",
            "tests/fixtures/errors/malformed_csv/data/B1.csv:2:",
        ],
    );
}

#[test]
fn error_not_a_number() {
    check_error(
        "bad_number",
        &[
            "crossfoot::data::number",
            "`12a` is not a number",
            "tests/fixtures/errors/bad_number/data/B1.csv:3:",
        ],
    );
}

#[test]
fn error_ragged_row() {
    check_error(
        "ragged_row",
        &[
            "crossfoot::data::ragged_row",
            "this row has 4 cells but the table has 3 columns",
            "tests/fixtures/errors/ragged_row/data/B1.csv:3:",
        ],
    );
}

#[test]
fn yearbook_json_is_the_same_whatever_the_thread_count() {
    let one = check(&["--format", "json", "--jobs", "1"]);
    let eight = check(&["--format", "json", "--jobs", "8"]);
    assert_eq!(one.code, 1, "stderr:\n{}", one.stderr);
    assert_eq!(eight.code, 1, "stderr:\n{}", eight.stderr);
    assert!(one.stdout == eight.stdout, "--jobs 1 and --jobs 8 differ");
    let default = check(&["--format", "json"]);
    assert!(
        one.stdout == default.stdout,
        "--jobs 1 and the default differ"
    );
}

/// Every file under a directory, with its bytes.
fn snapshot_files(dir: &Path, into: &mut BTreeMap<PathBuf, Vec<u8>>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("the directory is readable")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            snapshot_files(&path, into);
        } else {
            let bytes = std::fs::read(&path).expect("the file is readable");
            into.insert(path, bytes);
        }
    }
}

#[test]
fn data_files_are_untouched_by_a_run() {
    let dirs = [
        root().join("data"),
        root().join("rules"),
        root().join("tests/fixtures"),
    ];
    let mut before = BTreeMap::new();
    for dir in &dirs {
        snapshot_files(dir, &mut before);
    }
    assert!(before.len() > 20, "found the data files");
    assert_eq!(check(&[]).code, 1);
    assert_eq!(check(&["--format", "json"]).code, 1);
    for fixture in &FIXTURES {
        let (data, rules) = fixture_args(fixture.kind);
        check(&["--data", &data, "--rules", &rules, "--format", "json"]);
    }
    let mut after = BTreeMap::new();
    for dir in &dirs {
        snapshot_files(dir, &mut after);
    }
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "no file appeared or vanished"
    );
    for (path, bytes) in &before {
        assert!(
            after.get(path) == Some(bytes),
            "{} changed during a run",
            path.display()
        );
    }
}

/// A data directory and a rules file written for one test, in a temporary directory.
fn scratch(csv: &[u8], rules: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::create_dir(dir.path().join("data")).expect("data directory");
    std::fs::write(dir.path().join("data/T.csv"), csv).expect("write the table");
    std::fs::write(dir.path().join("t.rules"), rules).expect("write the rules");
    dir
}

fn check_scratch(dir: &tempfile::TempDir) -> Run {
    check_scratch_as(dir, "json")
}

/// [`check_scratch`] with its report in `format`.
fn check_scratch_as(dir: &tempfile::TempDir, format: &str) -> Run {
    let data = dir.path().join("data");
    let rules = dir.path().join("t.rules");
    check(&[
        "--data",
        data.to_str().expect("UTF-8 path"),
        "--rules",
        rules.to_str().expect("UTF-8 path"),
        "--format",
        format,
    ])
}

#[test]
fn a_tolerance_widens_only_as_far_as_it_says() {
    // Parts 1.0 + 1.0 allow [1.9, 2.1]; the total 2.3 stands for [2.25, 2.35]: 0.15 apart.
    let table = "项目,金额\na,1.0\nb,1.0\n合计,2.3\n".as_bytes();
    let rule = |id: &str, tolerance: &str| {
        format!("sum {id} \"t\" {tolerance} T[合计, 金额] = T[a, 金额] + T[b, 金额]\n")
    };
    let rules = [
        rule("none", ""),
        rule("too_small", "tolerance 0.1"),
        rule("enough", "tolerance 0.2"),
        rule("relative", "tolerance 10%"),
    ]
    .concat();
    let run = check_scratch(&scratch(table, &rules));
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json = parse(&run.stdout);
    let failed: Vec<&str> = findings(&json)
        .iter()
        .map(|f| f["rule"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(failed, ["none", "too_small"]);
    assert_eq!(findings(&json)[0]["gap"], "0.15");
    assert_eq!(findings(&json)[1]["gap"], "0.05");
}

#[test]
fn a_division_by_a_figure_that_may_be_zero_is_a_note_not_a_guess() {
    let table = "项目,上年,本年,增长/%\nx,0.0,5.0,10.0\ny,4.0,5.0,25.0\n".as_bytes();
    let rules = "growth g \"growth\" for r in [x, y] T[r, 增长] = growth(T[r, 本年], T[r, 上年])\n";
    let run = check_scratch(&scratch(table, rules));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = parse(&run.stdout);
    assert_eq!(summary(&json), [1, 1, 2, 1, 0, 1]);
    let notes = json["notes"].as_array().expect("notes");
    assert_eq!(notes.len(), 1);
    assert_eq!(
        notes[0]["message"],
        "division by an interval that contains zero"
    );
    assert_eq!(notes[0]["cells"][0]["row"], "x");
}

#[test]
fn a_table_that_is_not_text_crossfoot_can_decode_is_an_input_error() {
    // "café" in windows-1252, which crossfoot does not guess (a GBK table is read: see
    // encodings.rs).
    let table = b"caf\xe9,1\n";
    let run = check_scratch(&scratch(table, "expr e \"e\" T[1, 1] >= 0\n"));
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("is not text in an encoding crossfoot can recognise"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("save the file as UTF-8"),
        "{}",
        run.stderr
    );
}

#[test]
fn coverage_counts_the_figures_a_decided_check_read() {
    let run = check(&[
        "--data",
        "tests/fixtures/sum/data",
        "--rules",
        "tests/fixtures/sum/rules",
        "--format",
        "json",
        "--coverage",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json = parse(&run.stdout);
    let coverage = &json["summary"]["coverage"];
    let tables = coverage["tables"].as_array().expect("per-table coverage");
    let by_id = |id: &str| {
        tables
            .iter()
            .find(|t| t["table"] == id)
            .unwrap_or_else(|| panic!("coverage of {id}"))
    };
    // S2: every figure takes part in the near miss or the failure.
    assert_eq!(by_id("S2")["figures"], 8);
    assert_eq!(by_id("S2")["covered"], 8);
    // S1: the 增长 % column is not additive, and the 总计 contracts check is skipped (技术咨询's
    // count is `—`), so those figures are listed as not checked.
    let s1 = by_id("S1");
    let uncovered = s1["uncovered"].as_array().expect("uncovered cells");
    assert_eq!(
        s1["figures"].as_u64().unwrap() - s1["covered"].as_u64().unwrap(),
        uncovered.len() as u64
    );
    assert!(
        uncovered
            .iter()
            .all(|c| c["column"].as_str().unwrap().contains("增长")
                || c["row"] == "总计"
                || c["row"].as_str().unwrap().contains("其中"))
    );
    assert_eq!(
        coverage["figures"].as_u64(),
        Some(tables.iter().map(|t| t["figures"].as_u64().unwrap()).sum())
    );
    // Without the flag the summary has no coverage.
    let plain = parse(
        &check(&[
            "--data",
            "tests/fixtures/sum/data",
            "--rules",
            "tests/fixtures/sum/rules",
            "--format",
            "json",
        ])
        .stdout,
    );
    assert!(plain["summary"].get("coverage").is_none());
}

/// `2021年` → `2022年`, `2021 年` → `2022 年`, `2021` → `2022`: a header or label that is a year.
fn next_year(cell: &str) -> Option<String> {
    let trimmed = cell.trim();
    let digits = trimmed.get(..4)?;
    let rest = trimmed.get(4..)?;
    let year: u32 = digits.parse().ok()?;
    ((1990..2100).contains(&year) && matches!(rest, "" | "年" | " 年"))
        .then(|| format!("{}{rest}", year + 1))
}

#[test]
fn rules_outlive_the_edition_every_year_moved_on_by_one_gives_the_same_findings() {
    #[derive(serde::Deserialize)]
    struct Entry {
        file: String,
        header_rows: usize,
        label_columns: usize,
    }
    #[derive(serde::Deserialize)]
    struct Manifest {
        year: i32,
        table: Vec<Entry>,
    }
    let data = root().join("data/2022");
    let manifest_text = std::fs::read_to_string(data.join("tables.toml")).unwrap();
    let manifest: Manifest = toml::from_str(&manifest_text).unwrap();
    let moved = tempfile::tempdir().unwrap();
    let year_line = format!("year = {}", manifest.year);
    assert!(manifest_text.contains(&year_line));
    let next_year_line = format!("year = {}", manifest.year + 1);
    std::fs::write(
        moved.path().join("tables.toml"),
        manifest_text.replacen(&year_line, &next_year_line, 1),
    )
    .unwrap();
    let mut renamed = 0;
    for entry in &manifest.table {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(data.join(&entry.file))
            .unwrap();
        let mut writer = csv::Writer::from_path(moved.path().join(&entry.file)).unwrap();
        for (index, record) in reader.records().enumerate() {
            let record = record.unwrap();
            let fields: Vec<String> = record
                .iter()
                .enumerate()
                .map(|(column, cell)| {
                    let is_label = index < entry.header_rows || column < entry.label_columns;
                    match next_year(cell).filter(|_| is_label) {
                        Some(moved) => {
                            renamed += 1;
                            moved
                        }
                        None => cell.to_string(),
                    }
                })
                .collect();
            writer.write_record(&fields).unwrap();
        }
    }
    assert!(renamed > 40, "year labels were moved on ({renamed})");
    std::fs::copy(data.join("source.txt"), moved.path().join("source.txt")).unwrap();
    // The table rules must outlive the edition; the claims of the text (rules/text-*.rules)
    // belong to this edition's text by nature, and some name the years the text names.
    let rules_dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(root().join("rules")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".rules") && !name.starts_with("text-") {
            std::fs::copy(&path, rules_dir.path().join(&name)).unwrap();
        }
    }
    let rules = rules_dir.path().to_path_buf();
    let before = crossfoot::run::check(&data, &rules).expect("the book checks");
    let after = crossfoot::run::check(moved.path(), &rules).expect("the moved book checks");
    let essence = |checked: &crossfoot::run::Checked| {
        let o = &checked.outcome;
        let findings: Vec<String> = o
            .findings
            .iter()
            .map(|f| format!("{} {:?} {} {}", f.rule_id, f.published, f.expected, f.gap))
            .collect();
        (o.checks, o.passed, o.failed, o.skipped, findings)
    };
    assert_eq!(essence(&before), essence(&after));
    assert!(before.outcome.failed > 0);
}

#[test]
fn a_numbering_with_a_gap_or_a_repeat_is_a_finding() {
    let table = "省份,序号,名称\n北京,1,甲\n,2,乙\n,4,丙\n天津,1,丁\n,1,戊\n".as_bytes();
    let rules = "rank s \"numbers run 1, 2, 3 in each province\" T sequence 序号 by group\n";
    let dir = scratch(table, rules);
    std::fs::write(
        dir.path().join("data/tables.toml"),
        "[[table]]\nid = \"T\"\nfile = \"T.csv\"\ntext_columns = [\"名称\"]\n",
    )
    .unwrap();
    let run = check_scratch(&dir);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json = parse(&run.stdout);
    let rows: Vec<&str> = findings(&json)
        .iter()
        .map(|f| f["cells"][0]["row"].as_str().unwrap())
        .collect();
    assert_eq!(rows, ["北京/丙", "天津/戊"]);
    assert_eq!(
        findings(&json)[0]["message"],
        "printed 4, but it is number 3 in the list"
    );
}

#[test]
fn a_name_listed_twice_is_a_finding_on_its_label() {
    let table = "排名,名称\n1,甲\n2,乙\n3,甲\n".as_bytes();
    let dir = scratch(table, "rank d \"no name twice\" T distinct\n");
    std::fs::write(
        dir.path().join("data/tables.toml"),
        "[[table]]\nid = \"T\"\nfile = \"T.csv\"\nlabel_columns = 0\ntext_columns = [\"名称\"]\n",
    )
    .unwrap();
    let run = check_scratch(&dir);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json = parse(&run.stdout);
    assert_eq!(summary(&json), [1, 1, 3, 2, 1, 0]);
    let finding = &findings(&json)[0];
    assert_eq!(
        finding["message"],
        "the row label is printed twice: also row 1 of the table"
    );
    let cells = finding["cells"].as_array().unwrap();
    assert_eq!(
        (cells[0]["value"].as_str(), cells[0]["line"].as_u64()),
        (Some("甲"), Some(4))
    );
    assert_eq!(
        (cells[1]["value"].as_str(), cells[1]["line"].as_u64()),
        (Some("甲"), Some(2))
    );
}

#[test]
fn record_rules_over_every_row_find_the_rows_that_break_them() {
    // t = a + b in every row: r2 is 0.2 off (rounding explains at most 0.15), r3 has a `—`.
    let table =
        "项目,a,b,t\nr1,1.0,2.0,3.0\nr2,1.0,2.0,3.2\nr3,—,2.0,2.0\nr4,1.04,2.0,3.0\n".as_bytes();
    let rules = "sum t \"t = a + b\" for r in rows(T) T[r, t] = T[r, a] + T[r, b]\n";
    let run = check_scratch(&scratch(table, rules));
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json = parse(&run.stdout);
    assert_eq!(summary(&json), [1, 1, 4, 2, 1, 1]);
    let finding = &findings(&json)[0];
    assert_eq!(finding["cells"][0]["row"], "r2");
    assert_eq!(finding["gap"], "0.05");
}

#[test]
fn claims_lists_the_figures_of_the_text_with_their_places() {
    let output = Command::new(env!("CARGO_BIN_EXE_crossfoot"))
        .args(["claims", "--format", "json"])
        .current_dir(root())
        .output()
        .expect("the crossfoot binary runs");
    assert_eq!(output.status.code(), Some(0));
    let claims = parse(&String::from_utf8(output.stdout).unwrap());
    let claims = claims.as_array().expect("an array of claims");
    let text = std::fs::read_to_string(root().join("data/2022/source.txt")).unwrap();
    // Every claim's span slices the text to exactly the figure as printed.
    for claim in claims {
        let offset = claim["span"]["offset"].as_u64().unwrap() as usize;
        let length = claim["span"]["length"].as_u64().unwrap() as usize;
        assert_eq!(
            &text[offset..offset + length],
            claim["text"].as_str().unwrap()
        );
    }
    // 技术转让 in part 1: "成交额为3246.6亿元，同比增长35.4%".
    let transfer = claims
        .iter()
        .find(|c| c["text"] == "3246.6亿元")
        .expect("the 技术转让 amount is a claim");
    assert_eq!(
        (transfer["value"].as_str(), transfer["unit"].as_str()),
        (Some("3246.6"), Some("亿元"))
    );
    assert_eq!(transfer["part"], 1);
    assert!(transfer["sentence"].as_str().unwrap().contains("35.4%"));
    // Bounds in words: "近九成" style shares and "不足 10%".
    assert!(
        claims
            .iter()
            .any(|c| c["text"] == "10%" && c["bound"] == "at_most")
    );
    // No year is a figure.
    assert!(
        claims
            .iter()
            .all(|c| !c["text"].as_str().unwrap().ends_with('年'))
    );
    assert!(claims.len() > 700, "{} claims", claims.len());
}

/// Run `crossfoot ARGS` (any subcommand) from the crate root.
fn crossfoot(args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_crossfoot"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env_remove("CROSSFOOT_CACHE")
        .output()
        .expect("the crossfoot binary runs");
    Run {
        code: output.status.code().expect("an exit code"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8"),
    }
}

#[test]
fn list_and_explain_show_what_is_loaded() {
    let tables = crossfoot(&["list", "tables"]);
    assert_eq!(tables.code, 0, "{}", tables.stderr);
    let manifest = std::fs::read_to_string(root().join("data/2022/tables.toml")).unwrap();
    // A line per table and a last one of totals; each table's columns indented under it.
    let unindented = tables.stdout.lines().filter(|l| !l.starts_with(' '));
    assert_eq!(
        unindented.count(),
        manifest.matches("[[table]]").count() + 1
    );
    assert!(
        tables.stdout.contains("T1-2   表 1-2 ")
            && tables.stdout.contains("\n       column 成交额/金额\n")
    );
    assert!(
        tables
            .stdout
            .lines()
            .any(|l| l.starts_with("A10 ") && l.contains("附表 10"))
    );

    let rules = crossfoot(&["list", "rules"]);
    assert_eq!(rules.code, 0, "{}", rules.stderr);
    assert!(
        rules
            .stdout
            .lines()
            .any(|l| l.starts_with("A2.share ") && l.contains("10 checks"))
    );

    let explained = crossfoot(&["explain", "A2.share"]);
    assert_eq!(explained.code, 0, "{}", explained.stderr);
    assert!(explained.stdout.contains("written at rules/A1-A3.rules:"));
    assert!(explained.stdout.contains("expands to 10 checks"));
    assert!(
        explained
            .stdout
            .contains("A2[技术咨询, 2021年/成交额/占比/%]")
    );

    let unknown = crossfoot(&["explain", "A2.nothing"]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("no rule `A2.nothing`"));
}

#[test]
fn a_baseline_round_trips_and_fails_only_on_a_new_finding() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    let written = crossfoot(&["baseline", "--output", baseline.to_str().unwrap()]);
    assert_eq!(written.code, 0, "{}", written.stderr);
    let book = parse(&check(&["--format", "json"]).stdout);
    // A baseline keeps the plausibility edits' findings too.
    let known = summary(&book)[4] + implausible(&book);
    assert!(known > 0);

    let baselined = check(&["--format", "json", "--baseline", baseline.to_str().unwrap()]);
    assert_eq!(baselined.code, 0, "{}", baselined.stderr);
    let json = parse(&baselined.stdout);
    assert_eq!(summary(&json)[4], 0);
    assert_eq!(json["summary"]["known"].as_u64(), Some(known));
    assert!(
        baselined
            .stderr
            .contains("0 baseline entries no longer occur")
    );

    // A draft with one figure changed: 表 1-1's 2021 GDP. Only the GDP share can see it.
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    for entry in std::fs::read_dir(root().join("data/2022")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, data.join(path.file_name().unwrap())).unwrap();
    }
    let table = std::fs::read_to_string(data.join("T1-1.csv")).unwrap();
    assert!(table.contains("1 143 670.0"));
    std::fs::write(
        data.join("T1-1.csv"),
        table.replace("1 143 670.0", "1 443 670.0"),
    )
    .unwrap();
    let draft = check(&[
        "--format",
        "json",
        "--data",
        data.to_str().unwrap(),
        "--baseline",
        baseline.to_str().unwrap(),
    ]);
    assert_eq!(draft.code, 1, "{}", draft.stderr);
    let json = parse(&draft.stdout);
    let rules: Vec<&str> = findings(&json)
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["T1-1.gdp_share"]);
}

/// A copy of the bundled data whose text has been edited by `edit`.
fn book_with_text(edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(root().join("data/2022")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    let text = std::fs::read_to_string(dir.path().join("source.txt")).unwrap();
    std::fs::write(dir.path().join("source.txt"), edit(&text)).unwrap();
    dir
}

fn prose_findings(run: &Run) -> Vec<(String, String)> {
    findings(&parse(&run.stdout))
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().starts_with("P1."))
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn claims_keep_their_figures_when_sentences_move_and_fail_loudly_when_their_anchor_is_gone() {
    let book = check(&["--format", "json"]);
    let expected = prose_findings(&book);
    assert!(expected.iter().any(|(rule, _)| rule == "P1.service_growth"));

    // Move the paragraph on 技术转让 (line 156) before the one on 技术开发 (line 154).
    let moved = book_with_text(|text| {
        let mut lines: Vec<&str> = text.split('\n').collect();
        lines.swap(153, 155);
        lines.join("\n")
    });
    let run = check(&["--format", "json", "--data", moved.path().to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(prose_findings(&run), expected);

    // Reword the sentence a claim is anchored in.
    let reworded =
        book_with_text(|text| text.replacen("技术转让合同成交额为", "技术转让合同成交额达到", 1));
    let run = check(&["--data", reworded.path().to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("claim `P1.transfer_amount` lost its anchor"),
        "{}",
        run.stderr
    );

    // Change a figure: the claim finds the new figure and reports it.
    let changed = book_with_text(|text| {
        text.replacen("3246.6亿元，同比增长35.4%", "3246.6亿元，同比增长36.4%", 1)
    });
    let run = check(&[
        "--format",
        "json",
        "--data",
        changed.path().to_str().unwrap(),
    ]);
    assert!(
        prose_findings(&run)
            .iter()
            .any(|(rule, message)| rule == "P1.transfer_growth"
                && message
                    == "printed 36.4, but the other printing is 35.4: the figures differ by 1; \
                        rounding explains none of it")
    );
}

#[test]
fn count_gives_how_many_items_a_list_has() {
    let table = "项目,金额\na,1.0\nb,2.0\n合计,3.0\n".as_bytes();
    let rules =
        "expr three \"t\" count(rows(T)) = 3\nexpr parts \"p\" count(rows(T) - [合计]) = 3\n";
    let run = check_scratch(&scratch(table, rules));
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json = parse(&run.stdout);
    let failed: Vec<&str> = findings(&json)
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(failed, ["parts"]);
}

#[test]
fn coverage_of_the_text_is_counted_per_part_of_the_book() {
    let json = parse(&check(&["--format", "json", "--coverage"]).stdout);
    let tables = json["summary"]["coverage"]["tables"].as_array().unwrap();
    let text = tables
        .iter()
        .find(|t| t["table"] == "TEXT")
        .expect("the text's figures");
    let parts = text["parts"].as_array().expect("per part");
    let names: Vec<&str> = parts.iter().map(|p| p["part"].as_str().unwrap()).collect();
    assert_eq!(names, ["P1", "P2", "P3", "P4", "P5", "P7"]);
    let sum = |key: &str| parts.iter().map(|p| p[key].as_u64().unwrap()).sum::<u64>();
    assert_eq!(Some(sum("figures")), text["figures"].as_u64());
    assert_eq!(Some(sum("covered")), text["covered"].as_u64());
    assert!(
        tables
            .iter()
            .filter(|t| t["table"] != "TEXT")
            .all(|t| t.get("parts").is_none())
    );
}

#[test]
fn unchecked_figures_are_listed_with_their_reason_not_as_forgotten() {
    let table = "项目,金额\na,1.0\nb,2.0\n合计,3.0\nc,7.0\nd,8.0\n".as_bytes();
    let rules = "sum total \"t\" T[合计, 金额] = T[a, 金额] + T[b, 金额]\n\
                 unchecked why \"no other table prints c\"\n  T[c, 金额],\n  T[d, 金额]\n";
    let dir = scratch(table, rules);
    let data = dir.path().join("data");
    let rules = dir.path().join("t.rules");
    let (data, rules) = (data.to_str().unwrap(), rules.to_str().unwrap());
    let run = check(&[
        "--data",
        data,
        "--rules",
        rules,
        "--format",
        "json",
        "--coverage",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = parse(&run.stdout);
    let table = &json["summary"]["coverage"]["tables"][0];
    assert_eq!(table["covered"], 3);
    assert_eq!(table["uncovered"].as_array().unwrap().len(), 0);
    let unchecked = table["unchecked"].as_array().unwrap();
    let rows: Vec<&str> = unchecked
        .iter()
        .map(|u| u["row"].as_str().unwrap())
        .collect();
    assert_eq!(rows, ["c", "d"]);
    assert!(
        unchecked
            .iter()
            .all(|u| u["rule"] == "why" && u["reason"] == "no other table prints c")
    );
    let human = check(&["--data", data, "--rules", rules, "--coverage"]);
    assert!(
        human
            .stdout
            .contains("unchecked: [c] 金额 (why: no other table prints c)"),
        "{}",
        human.stdout
    );

    // A declaration names cells one by one: a loop is an error on the loop.
    let looped = scratch(
        "项目,金额\nc,7.0\nd,8.0\n".as_bytes(),
        "unchecked why \"r\"\n  for r in [c, d]\n  T[r, 金额]\n",
    );
    let run = check_scratch(&looped);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains("takes no `for` clause"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_anchor_may_reach_back_past_the_start_of_its_sentence() {
    // Two clauses of part 2 open with "；成交额为": the words before the `；` tell them apart
    // (their figures, slots that match any figure, do not).
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("reach.rules");
    let rule = |anchor: &str, kind: &str| {
        format!(
            "equal P2.{kind} \"t\"\n  TEXT[P2/\"{anchor}\", figure] = A2[{kind}, current/金额]\n"
        )
    };
    std::fs::write(
        &rules,
        rule("技术开发合同项数为#项，同比增加#项；成交额为", "技术开发")
            + &rule("完成合同项数为#项，同比增加#项；成交额为", "技术服务"),
    )
    .unwrap();
    let rules = rules.to_str().unwrap();
    let run = check(&["--rules", rules, "--format", "json"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(summary(&parse(&run.stdout))[2], 2);

    // The sentence alone names several figures, and so do digits that differ where the
    // words do not: an error that lists them.
    for anchor in ["；成交额为", "同比增加38776项；成交额为"] {
        std::fs::write(dir.path().join("reach.rules"), rule(anchor, "技术开发")).unwrap();
        let run = check(&["--rules", rules]);
        assert_eq!(run.code, 2, "{anchor}: {}", run.stdout);
        assert!(run.stderr.contains("ambiguous_label"), "{}", run.stderr);
    }
}

#[test]
fn severity_decides_what_fails_the_run() {
    let table = "项目,金额\na,1.0\nb,2.0\n合计,4.0\n".as_bytes();
    let rules = "sum total \"t\"\n  severity warning\n  T[合计, 金额] = T[a, 金额] + T[b, 金额]\n";
    let dir = scratch(table, rules);
    let data = dir.path().join("data");
    let rules = dir.path().join("t.rules");
    let (data, rules) = (data.to_str().unwrap(), rules.to_str().unwrap());
    let run = |extra: &[&str]| {
        let mut args = vec!["--data", data, "--rules", rules];
        args.extend_from_slice(extra);
        check(&args)
    };
    // A warning is reported, but by default only errors fail the run.
    let json = run(&["--format", "json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    assert_eq!(findings(&parse(&json.stdout))[0]["severity"], "warning");
    assert_eq!(run(&["--fail-on", "warning"]).code, 1);
    assert_eq!(run(&["--fail-on", "info"]).code, 1);
    let human = run(&[]);
    assert!(
        human
            .stdout
            .contains("1 failed (0 errors, 1 warnings or remarks)"),
        "{}",
        human.stdout
    );
    assert!(
        run(&["--format", "github"])
            .stdout
            .starts_with("::warning file=")
    );
    let sarif = parse(&run(&["--format", "sarif"]).stdout);
    assert_eq!(sarif["runs"][0]["results"][0]["level"], "warning");
    assert_eq!(
        sarif["runs"][0]["tool"]["driver"]["rules"][0]["defaultConfiguration"]["level"],
        "warning"
    );

    // An error fails unless told never to.
    let error = scratch(
        table,
        "sum total \"t\" T[合计, 金额] = T[a, 金额] + T[b, 金额]\n",
    );
    assert_eq!(check_scratch(&error).code, 1);
    let data = error.path().join("data");
    let rules = error.path().join("t.rules");
    let never = check(&[
        "--data",
        data.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
        "--fail-on",
        "never",
    ]);
    assert_eq!(never.code, 0);

    // A severity that does not exist is an error on the word.
    let bad = scratch(
        table,
        "sum total \"t\"\n  severity fatal\n  T[合计, 金额] = T[a, 金额]\n",
    );
    let run = check_scratch(&bad);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("`fatal` is not a severity"),
        "{}",
        run.stderr
    );
}

#[test]
fn watch_checks_again_when_a_table_changes_and_says_what_is_new_and_fixed() {
    use std::io::BufRead;
    use std::sync::mpsc;
    use std::time::Duration;

    let table = "项目,金额\na,1.0\nb,2.0\n合计,3.0\n";
    let dir = scratch(
        table.as_bytes(),
        "sum total \"t\" T[合计, 金额] = T[a, 金额] + T[b, 金额]\n",
    );
    let data = dir.path().join("data");
    let mut child = Command::new(env!("CARGO_BIN_EXE_crossfoot"))
        .args(["check", "--watch", "--data", data.to_str().unwrap()])
        .args(["--rules", dir.path().join("t.rules").to_str().unwrap()])
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let (lines, received) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            if lines.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let mut seen = String::new();
    let mut wait_for = |text: &str| {
        while !seen.contains(text) {
            match received.recv_timeout(Duration::from_secs(20)) {
                Ok(line) => seen.push_str(&(line + "\n")),
                Err(_) => return Err(format!("no `{text}` in:\n{seen}")),
            }
        }
        seen.clear();
        Ok(())
    };
    let mut steps = || -> Result<(), String> {
        wait_for("crossfoot: watching")?;
        std::fs::write(data.join("T.csv"), table.replace("3.0", "4.0")).unwrap();
        wait_for("since the last run: 1 new, 0 fixed")?;
        wait_for("crossfoot: watching")?;
        std::fs::write(data.join("T.csv"), table).unwrap();
        wait_for("since the last run: 0 new, 1 fixed")
    };
    let result = steps();
    let _ = child.kill();
    let _ = child.wait();
    result.unwrap();
}

#[test]
fn machine_formats_write_nothing_to_stderr() {
    for format in ["json", "sarif", "junit", "github", "markdown"] {
        let run = check(&["--format", format]);
        assert_eq!(run.code, 1);
        assert_eq!(run.stderr, "", "--format {format}");
    }
}

/// The findings of a run as a set: rule and the labels of its cells, whatever their order.
fn finding_set(json: &Value) -> BTreeSet<(String, Vec<(String, String)>)> {
    findings(json)
        .iter()
        .map(|f| {
            let mut cells: Vec<(String, String)> = f["cells"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    let label = |k: &str| c[k].as_str().unwrap().to_string();
                    (label("row"), label("column"))
                })
                .collect();
            cells.sort();
            (f["rule"].as_str().unwrap().to_string(), cells)
        })
        .collect()
}

use proptest::prelude::*;

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config::with_cases(24))]

    /// Reordering a table's rows or columns changes where its figures are printed, never what
    /// is found.
    #[test]
    fn permuting_rows_or_columns_does_not_change_the_findings(
        parts in proptest::collection::vec(1u32..5000, 3),
        total_error in 0u32..2,
        share_error in proptest::collection::vec(0u32..2, 3),
        order in proptest::strategy::Just(vec![0usize, 1, 2, 3]).prop_shuffle(),
        swap_columns in proptest::bool::ANY,
    ) {
        let total: u32 = parts.iter().sum();
        let mut rows: Vec<(String, u32, String)> = parts
            .iter()
            .zip(["a", "b", "c"])
            .zip(&share_error)
            .map(|((&p, name), &e)| {
                let tenths = (u64::from(p) * 1000 + u64::from(total) / 2) / u64::from(total);
                let share = tenths + u64::from(e) * 7;
                (name.to_string(), p, format!("{}.{}", share / 10, share % 10))
            })
            .collect();
        rows.push(("合计".to_string(), total + total_error * 10, "100.0".to_string()));
        let csv = |order: &[usize], swap: bool| {
            let mut text = if swap { "项目,占比,金额\n" } else { "项目,金额,占比\n" }.to_string();
            for &i in order {
                let (name, amount, share) = &rows[i];
                if swap {
                    text.push_str(&format!("{name},{share},{amount}\n"));
                } else {
                    text.push_str(&format!("{name},{amount},{share}\n"));
                }
            }
            text
        };
        let rules = "sum T.total \"t\" T[合计, 金额] = T[a, 金额] + T[b, 金额] + T[c, 金额]\n\
                     share T.share \"s\"\n  for r in [a, b, c]\n  T[r, 占比] = share(T[r, 金额], T[合计, 金额])\n";
        let findings_of = |text: String| {
            let dir = scratch(text.as_bytes(), rules);
            finding_set(&parse(&check_scratch(&dir).stdout))
        };
        let original = findings_of(csv(&[0, 1, 2, 3], false));
        // The broken figures are found (a sum off by 10, a share off by 0.7)…
        prop_assert_eq!(
            original.iter().any(|(rule, _)| rule == "T.total"),
            total_error == 1
        );
        // …and found alike in any order.
        prop_assert_eq!(findings_of(csv(&order, swap_columns)), original);
    }
}

#[test]
fn the_text_meets_its_coverage_floor_and_every_other_figure_has_a_reason() {
    let json = parse(&check(&["--format", "json", "--coverage"]).stdout);
    let tables = json["summary"]["coverage"]["tables"].as_array().unwrap();
    let text = tables.iter().find(|t| t["table"] == "TEXT").unwrap();
    let parts = text["parts"].as_array().unwrap();
    let count = |key: &str| {
        parts
            .iter()
            .filter(|p| p["part"] != "P7")
            .map(|p| p[key].as_u64().unwrap_or(0))
            .sum::<u64>()
    };
    // Issue #4's floor: 90 % of the figures of parts 1–5 take part in a check.
    assert!(
        count("covered") * 10 >= count("figures") * 9,
        "{} of {}",
        count("covered"),
        count("figures")
    );
    // No figure of the text is forgotten: the rest are declared, each with a reason.
    assert_eq!(text["uncovered"].as_array().unwrap().len(), 0);
    let unchecked = text["unchecked"].as_array().unwrap();
    assert!(
        unchecked
            .iter()
            .all(|u| !u["reason"].as_str().unwrap().is_empty())
    );
    assert_eq!(
        text["covered"].as_u64().unwrap() + unchecked.len() as u64,
        text["figures"].as_u64().unwrap()
    );
}
