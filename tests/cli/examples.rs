//! End-to-end tests of the example corpus (`data/examples/<office>/`): real tables of other
//! statistics offices, each read in its own printed format as its `tables.toml` declares,
//! checked against its rules. Each office's `NOTES.md` verifies every finding by hand; these
//! tests hold the counts and the reviewed human report.

use super::{check, findings, parse, snapshot, summary};
use serde_json::Value;

fn example(office: &str, format: &str) -> super::Run {
    check(&[
        "--data",
        &format!("data/examples/{office}/data"),
        "--rules",
        &format!("data/examples/{office}/rules"),
        "--format",
        format,
    ])
}

/// Each finding's rule and published figure, as printed.
fn failed(json: &Value) -> Vec<(String, String)> {
    findings(json)
        .iter()
        .map(|f| {
            let published = f["cells"][0]["value"].as_str().unwrap_or_default();
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                published.to_string(),
            )
        })
        .collect()
}

/// The human report as a user sees it, snapshotted for review.
fn snapshot_human(office: &str, code: i32) {
    let run = example(office, "human");
    assert_eq!(run.code, code, "stderr:\n{}", run.stderr);
    snapshot(
        &format!("examples__{office}_human"),
        &format!("crossfoot check on data/examples/{office} (stdout)"),
        &run.stdout,
    );
}

#[test]
fn eurostat_population_reads_flags_after_a_space_and_colons_and_adds_up() {
    let run = example("eurostat", "json");
    assert_eq!(run.code, 0, "stderr:\n{}", run.stderr);
    assert_eq!(run.stderr, "");
    let json = parse(&run.stdout);
    // 4 aggregates × 12 years; `:` never meets an aggregate's member.
    assert_eq!(summary(&json), [1, 4, 48, 48, 0, 0]);
    snapshot_human("eurostat", 0);
}

#[test]
fn bls_employment_status_reads_commas_and_footnoted_years_and_finds_its_slips() {
    let run = example("bls", "json");
    assert_eq!(run.code, 1, "stderr:\n{}", run.stderr);
    assert_eq!(run.stderr, "");
    let json = parse(&run.stdout);
    assert_eq!(summary(&json), [1, 6, 432, 419, 13, 0]);
    let expected = [
        ("LF.labor_force", "60,621"),
        ("LF.labor_force", "61,286"),
        ("LF.labor_force", "62,208"),
        ("LF.participation", "59.2"),
        ("LF.labor_force", "62,138"),
        ("LF.labor_force", "63,015"),
        ("LF.labor_force", "63,643"),
        ("LF.employed", "62,170"),
        ("LF.labor_force", "66,552"),
        ("LF.employed", "63,799"),
        ("LF.labor_force", "69,628"),
        ("LF.employed", "65,778"),
        ("LF.population", "153,153"),
    ]
    .map(|(rule, value)| (rule.to_string(), value.to_string()));
    let mut found = failed(&json);
    let mut wanted = expected.to_vec();
    found.sort();
    wanted.sort();
    assert_eq!(found, wanted);
    super::assert_cells_point_into_their_files(&json);
    snapshot_human("bls", 1);
}

#[test]
fn destatis_flat_csv_reads_latin1_semicolons_comma_decimals_and_its_signs() {
    let run = example("destatis", "json");
    assert_eq!(run.code, 1, "stderr:\n{}", run.stderr);
    let json = parse(&run.stdout);
    // 13111-0005's 128 sums of exact counts all hold.
    assert_eq!(summary(&json), [3, 8, 367, 333, 6, 28]);
    // `/` (not reliable enough) is counted as not available; `x` (no labour-force status
    // under 15) as not applicable.
    assert_eq!(json["summary"]["skipped_not_available"], 10);
    let published: Vec<String> = failed(&json).into_iter().map(|(_, v)| v).collect();
    assert_eq!(published, ["13,2", "12,5", "11,9", "11,4", "10,4", "10,1"]);
    // (The files are Latin-1, which the helper that slices spans as UTF-8 cannot read.)
    snapshot_human("destatis", 1);
}

#[test]
fn abs_time_series_workbook_skips_its_metadata_rows_and_names_quarters_by_their_dates() {
    let run = example("abs", "json");
    assert_eq!(run.code, 0, "stderr:\n{}", run.stderr);
    assert_eq!(run.stderr, "");
    let json = parse(&run.stdout);
    // 148 quarters × 3 sums: the nine metadata rows under the series' names are not quarters.
    assert_eq!(summary(&json), [1, 3, 444, 444, 0, 0]);
    snapshot_human("abs", 0);
}

#[test]
fn a_date_cell_labels_its_row_as_an_iso_date_not_a_serial_number() {
    let rules = tempfile::tempdir().unwrap();
    std::fs::write(
        rules.path().join("first.rules"),
        "sum HW.first \"The first quarter (Dec-1984, serial 31017) is named by its date\"\n  \
         HW[\"1984-12-01\", \"Quarterly hours worked in all jobs ;\"] = \
         HW[\"1984-12-01\", \"Quarterly hours worked in all jobs ;  Market ;\"] + \
         HW[\"1984-12-01\", \"Quarterly hours worked in all jobs ;  Non-market ;\"]\n",
    )
    .unwrap();
    let run = check(&[
        "--data",
        "data/examples/abs/data",
        "--rules",
        rules.path().to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "stderr:\n{}", run.stderr);
    assert_eq!(summary(&parse(&run.stdout)), [1, 1, 1, 1, 0, 0]);
}

#[test]
fn list_tables_shows_each_column_as_rules_name_it_whatever_the_rules_directory_holds() {
    let rules = tempfile::tempdir().unwrap();
    std::fs::write(
        rules.path().join("broken.rules"),
        "sum LF.x \"half a rule\n",
    )
    .unwrap();
    let run = super::crossfoot(&[
        "list",
        "tables",
        "--data",
        "data/examples/bls/data",
        "--rules",
        rules.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "stderr:\n{}", run.stderr);
    for column in [
        "column \"Civilian noninstitutional population\"",
        "column \"Civilian labor force\"/Total",
        "column \"Civilian labor force\"/Unemployed/\"Percent of labor force\"",
    ] {
        assert!(run.stdout.contains(column), "{column}:\n{}", run.stdout);
    }
}
