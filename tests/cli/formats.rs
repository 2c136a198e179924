//! End-to-end tests of declared number formats (`[format]` in `tables.toml`): each fixture in
//! `tests/fixtures/formats/` says in its rules file what it should emit.

use super::{check, findings, parse, snapshot, summary};
use serde_json::Value;

fn fixture(dir: &str, format: &str) -> super::Run {
    check(&[
        "--data",
        &format!("tests/fixtures/formats/{dir}/data"),
        "--rules",
        &format!("tests/fixtures/formats/{dir}/rules"),
        "--format",
        format,
    ])
}

/// Each finding's rule, published figure and gap.
fn failed(json: &Value) -> Vec<(String, String, String)> {
    findings(json)
        .iter()
        .map(|f| {
            let text = |key: &str| f[key].as_str().unwrap_or_default().to_string();
            (text("rule"), text("published"), text("gap"))
        })
        .collect()
}

#[test]
fn comma_thousands_parentheses_flags_and_symbols_are_read_as_declared() {
    let run = fixture("comma_flags", "json");
    assert_eq!(run.code, 1, "stderr:\n{}", run.stderr);
    assert_eq!(run.stderr, "");
    let json = parse(&run.stdout);
    assert_eq!(summary(&json), [2, 3, 5, 2, 1, 2]);
    assert_eq!(json["summary"]["skipped_not_available"], 1);
    assert_eq!(json["summary"]["skipped_confidential"], 1);
    // Jobs are declared exact: 8 885 against 8 884 fails by exactly 1.
    assert_eq!(
        failed(&json),
        [("lf.jobs".to_string(), "8885".to_string(), "1".to_string())]
    );
    let cells: Vec<(&str, Option<&str>)> = findings(&json)[0]["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["value"].as_str().unwrap(), c["flag"].as_str()))
        .collect();
    assert_eq!(
        cells,
        [
            ("8,885p", Some("p")),
            ("1,234", None),
            ("7,650p", Some("p"))
        ]
    );
    super::assert_cells_point_into_their_files(&json);
}

#[test]
fn the_human_report_shows_flags_and_skips_by_meaning() {
    let run = fixture("comma_flags", "human");
    assert_eq!(run.code, 1, "stderr:\n{}", run.stderr);
    assert!(
        run.stdout.contains("LF [Total, Jobs] · flag p"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("2 skipped (1 not available, 1 confidential)"),
        "{}",
        run.stdout
    );
    snapshot(
        "formats__comma_flags_human",
        "crossfoot check on tests/fixtures/formats/comma_flags (stdout)",
        &run.stdout,
    );
}

#[test]
fn dot_thousands_comma_decimals_percent_minus_and_nil_are_read_as_declared() {
    let run = fixture("european", "json");
    assert_eq!(run.code, 0, "stderr:\n{}", run.stderr);
    assert_eq!(run.stderr, "");
    let json = parse(&run.stdout);
    assert_eq!(summary(&json), [2, 3, 8, 6, 0, 2]);
    assert_eq!(json["summary"]["skipped_not_available"], 1);
    assert_eq!(json["summary"]["skipped_confidential"], 1);
}

#[test]
fn where_no_format_is_declared_a_figure_that_reads_two_ways_is_refused_naming_the_setting() {
    let run = fixture("undeclared", "json");
    assert_eq!(run.code, 2, "stderr:\n{}", run.stderr);
    let json = parse(&run.stdout);
    // OTHER is checked all the same: `5.1` settles its column's point as decimals.
    assert_eq!(summary(&json), [2, 2, 2, 1, 0, 0]);
    assert_eq!(json["summary"]["not_checked"], 1);
    assert_eq!(json["summary"]["input_errors"], 5);
    for text in [
        "`608.182` reads two ways",
        "`1.234` reads two ways",
        "`609.416` reads two ways",
        "`thousands = \"dot\"` and `decimal = \"comma\"`",
        "declare `thousands = \"comma\"` (99,840)",
        "CENSUS.csv:2:3",
    ] {
        assert!(
            run.stderr.contains(text),
            "stderr says {text:?}:\n{}",
            run.stderr
        );
    }
    let human = fixture("undeclared", "human");
    snapshot(
        "formats__undeclared",
        "crossfoot check on tests/fixtures/formats/undeclared (stderr)",
        &human.stderr,
    );
}

#[test]
fn a_figure_the_declared_format_cannot_read_is_an_input_error_at_its_cell() {
    let run = fixture("declared_error", "json");
    assert_eq!(run.code, 2, "stderr:\n{}", run.stderr);
    let json = parse(&run.stdout);
    assert_eq!(summary(&json), [2, 2, 2, 1, 0, 0]);
    assert_eq!(json["summary"]["input_errors"], 2);
    for text in [
        "crossfoot::data::number",
        "A.csv:3:3",
        "`1 234` is not a figure in the declared format",
        "thousands = \"comma\"",
        "crossfoot::data::format_column",
        "table A has no column `Jobz`",
        "the columns are: Jobs",
    ] {
        assert!(
            run.stderr.contains(text),
            "stderr says {text:?}:\n{}",
            run.stderr
        );
    }
    let human = fixture("declared_error", "human");
    snapshot(
        "formats__declared_error",
        "crossfoot check on tests/fixtures/formats/declared_error (stderr)",
        &human.stderr,
    );
}

#[test]
fn declared_decimals_set_the_precision_of_figures_printed_without_trailing_zeros() {
    let run = fixture("decimals", "json");
    assert_eq!(run.code, 1, "stderr:\n{}", run.stderr);
    assert_eq!(run.stderr, "");
    let json = parse(&run.stdout);
    assert_eq!(summary(&json), [2, 2, 2, 1, 1, 0]);
    assert_eq!(
        failed(&json),
        [(
            "m.total".to_string(),
            "15.30".to_string(),
            "0.015".to_string()
        )]
    );
}

#[test]
fn the_files_shape_is_declared_delimiter_lines_to_skip_and_encoding() {
    let run = fixture("shape", "json");
    assert_eq!(run.code, 1, "stderr:\n{}", run.stderr);
    assert!(
        run.stderr
            .contains("REG.csv: read as windows-1252 (tables.toml)"),
        "{}",
        run.stderr
    );
    let json = parse(&run.stdout);
    assert_eq!(summary(&json), [2, 2, 2, 1, 1, 0]);
    assert_eq!(
        failed(&json),
        [(
            "tab.total".to_string(),
            "8.0".to_string(),
            "0.85".to_string()
        )]
    );
    // Spans of tab-separated cells point at the cells.
    super::assert_cells_point_into_their_files(&json);
}

#[test]
fn total_labels_declared_per_data_set_are_what_hierarchy_finds() {
    let run = fixture("totals", "json");
    assert_eq!(run.code, 1, "stderr:\n{}", run.stderr);
    assert_eq!(run.stderr, "");
    let json = parse(&run.stdout);
    assert_eq!(summary(&json), [1, 1, 3, 2, 1, 0]);
    assert_eq!(
        failed(&json),
        [(
            "emp.hierarchy".to_string(),
            "5400".to_string(),
            "98.5".to_string()
        )]
    );
}

#[test]
fn a_rule_that_expands_into_no_check_is_a_warning_in_check_and_an_error_in_lint() {
    let run = fixture("no_totals", "json");
    assert_eq!(run.code, 0, "stderr:\n{}", run.stderr);
    assert_eq!(summary(&parse(&run.stdout)), [1, 1, 0, 0, 0, 0]);
    assert!(
        run.stderr.contains(
            "crossfoot: warning: tests/fixtures/formats/no_totals/rules/totals.rules:8:5: \
             `emp.hierarchy` expands into no check"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("crossfoot::lint::no_checks"));
    let lint = super::crossfoot(&[
        "lint",
        "--data",
        "tests/fixtures/formats/no_totals/data",
        "--rules",
        "tests/fixtures/formats/no_totals/rules",
        "--format",
        "json",
    ]);
    assert_eq!(lint.code, 1, "stderr:\n{}", lint.stderr);
    let json = parse(&lint.stdout);
    let finding = &json["findings"][0];
    assert_eq!(finding["code"], "crossfoot::lint::no_checks");
    assert_eq!(finding["severity"], "error");
}

#[test]
fn declared_footnote_markers_are_left_out_of_label_names() {
    let run = fixture("footnotes", "json");
    assert_eq!(run.code, 1, "stderr:\n{}", run.stderr);
    assert_eq!(run.stderr, "");
    let json = parse(&run.stdout);
    assert_eq!(summary(&json), [2, 1, 3, 2, 1, 0]);
    let rows: Vec<&str> = findings(&json)[0]["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["row"].as_str().unwrap())
        .collect();
    // Reports print the label as printed, marker and all.
    assert_eq!(rows, ["1988 (2)", "1988"]);
}

#[test]
fn a_column_declared_in_thousands_is_checked_at_its_value_and_rounded_to_the_thousand() {
    let run = fixture("scale", "json");
    assert_eq!(run.code, 1, "stderr:\n{}", run.stderr);
    assert_eq!(run.stderr, "");
    let json = parse(&run.stdout);
    // North passes inside ± 500, South is a near miss (480 above the printed 8 885 000) that
    // the thousand's rounding explains, East is 500 beyond it; Rate (scale 1) stays 61.2.
    assert_eq!(summary(&json), [2, 5, 9, 7, 2, 0]);
    assert_eq!(
        failed(&json),
        [
            (
                "sum.east".to_string(),
                "8885000".to_string(),
                "500".to_string()
            ),
            (
                "same.total".to_string(),
                "8885000".to_string(),
                "500".to_string()
            )
        ]
    );
    let finding = &findings(&json)[0];
    assert_eq!(finding["cells"][0]["value"], "8,885", "shown as printed");
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .starts_with("printed 8,885 × 1000 = 8885000, but the parts add up to 8886000"),
        "{finding}"
    );
    let human = fixture("scale", "human");
    snapshot(
        "formats__scale_human",
        "crossfoot check on tests/fixtures/formats/scale (stdout)",
        &human.stdout,
    );
}

#[test]
fn a_scale_that_is_not_a_power_of_ten_is_a_manifest_error_on_its_declaration() {
    let fixture_data = super::root().join("tests/fixtures/formats/scale/data");
    let manifest = std::fs::read_to_string(fixture_data.join("tables.toml")).unwrap();
    for (scale, says) in [
        ("1500", "1500 is not a power of ten"),
        ("0", "0 is not a power of ten"),
        ("10000000000000", "at most 10^12"),
        ("\"thousands\"", "expected a power of ten"),
        ("0.001", "expected a power of ten"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        for csv in ["SUM.csv", "DETAIL.csv"] {
            std::fs::copy(fixture_data.join(csv), dir.path().join(csv)).unwrap();
        }
        let declared = format!("format = {{ scale = {scale} }}");
        std::fs::write(
            dir.path().join("tables.toml"),
            manifest.replace("format = { scale = 1000 }", &declared),
        )
        .unwrap();
        let run = check(&[
            "--data",
            dir.path().to_str().unwrap(),
            "--rules",
            "tests/fixtures/formats/scale/rules",
        ]);
        assert_eq!(run.code, 2, "{scale}: {}", run.stderr);
        for text in ["crossfoot::data::manifest", says, "tables.toml:12:"] {
            assert!(
                run.stderr.contains(text),
                "{scale}: {text:?} in\n{}",
                run.stderr
            );
        }
    }
}

/// Empty as zero per table or per column (#14 item 3): a declared `"" = "nil"` makes an empty
/// cell an exact 0 for every rule that reads it; elsewhere an empty part skips the sum.
#[test]
fn an_empty_cell_declared_nil_per_table_or_column_counts_as_zero() {
    let table = b"Region,Jobs,Firms\nTotal,30,9\nNorth,30,\nSouth,,9\n";
    let rules = "sum t.jobs \"Jobs add up\"\n  T[Total, Jobs] = T[North, Jobs] + T[South, Jobs]\n\n\
                 sum t.firms \"Firms add up\"\n  T[Total, Firms] = T[North, Firms] + T[South, Firms]\n";
    for (format, passed, skipped) in [
        ("", 0, 2),
        ("format = { symbols = { \"\" = \"nil\" } }", 2, 0),
        (
            "columns = { \"Jobs\" = { symbols = { \"\" = \"nil\" } } }",
            1,
            1,
        ),
    ] {
        let dir = super::scratch(table, rules);
        let manifest = format!(
            "[[table]]\nid = \"T\"\nfile = \"T.csv\"\nheader_rows = 1\nlabel_columns = 1\n{format}\n"
        );
        std::fs::write(dir.path().join("data/tables.toml"), manifest).unwrap();
        let run = super::check_scratch(&dir);
        assert_eq!(run.code, 0, "{format}: {}", run.stderr);
        let json = super::parse(&run.stdout);
        let [_, _, checks, pass, failed, skip] = super::summary(&json);
        assert_eq!(
            (checks, pass, failed, skip),
            (2, passed, 0, skipped),
            "{format}"
        );
    }
}

/// A label the table prints under two groups is ambiguous; the help's example is one of the
/// table's own paths, not a label of the bundled book (`group/合计`).
#[test]
fn an_ambiguous_label_is_helped_with_a_path_of_the_table_itself() {
    let dir = super::scratch(
        b"Sex,Age,Persons\nMen,Young,1\n,Old,2\n,Total,3\nWomen,Young,4\n,Old,5\n,Total,9\n",
        "equal t.total \"The total is printed\"\n  T[Total, Persons] = T[Men/Old, Persons] + 1\n",
    );
    std::fs::write(
        dir.path().join("data/tables.toml"),
        "totals = [\"Total\"]\n[[table]]\nid = \"T\"\nfile = \"T.csv\"\nheader_rows = 1\nlabel_columns = 2\n",
    )
    .unwrap();
    let run = super::check_scratch(&dir);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("add the outer label to the path, e.g. `Men/Total`"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("合计"), "{}", run.stderr);
}
