//! Conditions (`and`, `or`, `not`, `if … then …`) and aggregates (`mean`, `min`, `max`,
//! `count`, `sum` with `empty = …`): a fixture each with what it should emit, malformed rules
//! as errors with spans, and R `validate`'s own `retailers` rules on its records.

use super::{check, findings, parse, snapshot, summary};
use serde_json::Value;

/// Run a fixture directory in human and JSON form, snapshot both, return the JSON.
fn run_fixture(dir: &str, exit: i32) -> Value {
    let (data, rules) = (
        format!("tests/fixtures/{dir}/data"),
        format!("tests/fixtures/{dir}/rules"),
    );
    let name = dir.replace('/', "__");
    let human = check(&["--data", &data, "--rules", &rules, "--format", "human"]);
    assert_eq!(human.code, exit, "{dir}; stderr:\n{}", human.stderr);
    assert_eq!(human.stderr, "", "{dir}: nothing on stderr");
    snapshot(
        &format!("{name}__human"),
        &format!("crossfoot check --data {data} --rules {rules} --format human"),
        &human.stdout,
    );
    let json = check(&["--data", &data, "--rules", &rules, "--format", "json"]);
    assert_eq!(json.code, exit, "{dir}; stderr:\n{}", json.stderr);
    snapshot(
        &format!("{name}__json"),
        &format!("crossfoot check --data {data} --rules {rules} --format json"),
        &json.stdout,
    );
    parse(&json.stdout)
}

fn failing_rules(json: &Value) -> Vec<&str> {
    findings(json)
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect()
}

#[test]
fn a_condition_fails_only_when_certainly_false_and_is_skipped_when_an_empty_cell_leaves_it_open() {
    let json = run_fixture("conditions", 1);
    assert_eq!(summary(&json), [1, 3, 6, 4, 1, 1]);
    assert_eq!(failing_rules(&json), ["conditions.fail"]);
    let finding = &findings(&json)[0];
    assert_eq!(finding["kind"], "expr");
    assert_eq!(finding["gap"], "0.5");
    assert_eq!(finding["published"], Value::Null);
    assert_eq!(
        finding["message"],
        "the condition does not hold: `R1[r, staff] > 0` is true (3 against 0); \
         `R1[r, staff.costs] >= 1` is false ([-0.5, 0.5] against 1)"
    );
    let cells: Vec<(&str, &str)> = finding["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["row"].as_str().unwrap(), c["column"].as_str().unwrap()))
        .collect();
    assert_eq!(cells, [("c", "staff"), ("c", "staff.costs")]);
    super::assert_cells_point_into_their_files(&json);
}

#[test]
fn aggregates_carry_intervals_exactly_and_say_what_an_empty_cell_does() {
    let json = run_fixture("aggregates", 1);
    assert_eq!(summary(&json), [1, 8, 11, 8, 1, 2]);
    assert_eq!(failing_rules(&json), ["aggregates.fail"]);
    let finding = &findings(&json)[0];
    assert_eq!(finding["gap"], "0.05");
    assert_eq!(
        finding["message"],
        "`>=` does not hold: the left side is [1.45, 1.55], the right side 1.6 (off by 0.05)"
    );
}

#[test]
fn a_malformed_condition_is_an_error_on_its_token_and_the_other_rules_are_checked() {
    super::check_error(
        "bad_condition",
        &[
            "expected `then`, or `and`/`or` to go on with the condition, found `R1`",
            "r1.rules:9:23",
            "expected a cell, a number or a function call, found `)`",
            "r1.rules:13:25",
            "2 input errors; every check they do not stop was checked",
        ],
    );
    let run = check(&[
        "--data",
        "tests/fixtures/errors/bad_condition/data",
        "--rules",
        "tests/fixtures/errors/bad_condition/rules",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 2);
    assert_eq!(summary(&parse(&run.stdout)), [1, 1, 5, 4, 0, 1]);
}

/// validate's rules for its `retailers` records give, record by record, what R gives (worked
/// out from the CSV with R's rules for NA: a comparison with NA is NA, `NA | TRUE` is TRUE):
/// turnover + other.rev == total.rev: 19 pass, 4 fail, 37 NA; staff.costs <= total.costs: 47
/// pass, 13 NA; staff <= 0 | staff.costs > 0 (and the same as `if … then …`): 50 pass, 10 NA;
/// mean(profit, na.rm = TRUE) >= 1: pass (55 profits, mean 6635.1).
#[test]
fn validates_retailers_rules_give_validates_counts() {
    let json = run_fixture("conditions/retailers", 1);
    assert_eq!(summary(&json), [1, 5, 241, 167, 4, 70]);
    let failing = failing_rules(&json);
    assert_eq!(failing, ["retailers.total_rev"; 4]);
    let rows: Vec<&str> = findings(&json)
        .iter()
        .map(|f| f["cells"][0]["line"].as_u64().unwrap())
        .map(|line| match line {
            4 => "4",
            31 => "31",
            37 => "37",
            38 => "38",
            other => panic!("line {other}"),
        })
        .collect();
    assert_eq!(rows, ["4", "31", "37", "38"]);
    // Per rule, as validate's summary() prints them: checks, passed, failed, skipped (NA).
    let per_rule: Vec<(&str, [u64; 4])> = json["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let count = |key: &str| r[key].as_u64().unwrap();
            (
                r["rule"].as_str().unwrap(),
                [
                    count("checks"),
                    count("passed"),
                    count("failed"),
                    count("skipped"),
                ],
            )
        })
        .collect();
    assert_eq!(
        per_rule,
        [
            ("retailers.total_rev", [60, 19, 4, 37]),
            ("retailers.staff_costs", [60, 47, 0, 13]),
            ("retailers.staff_or_costs", [60, 50, 0, 10]),
            ("retailers.staff_has_costs", [60, 50, 0, 10]),
            ("retailers.mean_profit", [1, 1, 0, 0]),
        ]
    );
    // Every skipped record is a note naming its empty cells.
    let notes = json["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 70);
    assert!(notes.iter().all(|n| n["reason"] == "empty_cell"));
    let first: Vec<(&str, &str)> = notes[0]["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["column"].as_str().unwrap(), c["value"].as_str().unwrap()))
        .collect();
    assert_eq!(notes[0]["rule"], "retailers.total_rev");
    assert_eq!(first, [("turnover", ""), ("other.rev", "")]);
}

#[test]
fn empty_zero_reads_an_empty_or_dash_cell_as_an_exact_zero_for_that_rule_only() {
    let json = run_fixture("empty_zero", 1);
    assert_eq!(summary(&json), [1, 3, 3, 1, 1, 1]);
    assert_eq!(failing_rules(&json), ["empty_zero.fail"]);
    let finding = &findings(&json)[0];
    assert_eq!(finding["gap"], "1");
    let notes = json["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["rule"], "empty_zero.near_miss");
    assert_eq!(notes[0]["reason"], "empty_cell");
    let empty: Vec<&str> = notes[0]["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["row"].as_str().unwrap())
        .collect();
    assert_eq!(empty, ["b", "d"]);
}

/// `empty(CELL)` (R's `is.na`) is always decided: a rule can demand that a figure is there.
#[test]
fn empty_is_true_for_an_empty_cell_and_false_for_a_figure_never_not_applicable() {
    let json = run_fixture("empty_cells", 1);
    assert_eq!(summary(&json), [1, 3, 14, 13, 1, 0]);
    assert_eq!(failing_rules(&json), ["empty_cells.fail"]);
    let finding = &findings(&json)[0];
    assert_eq!(
        finding["message"],
        "the condition does not hold: `R1[r, staff] > 0` is true (4 against 0); \
         `empty(R1[r, staff.costs])` is true"
    );
    let cells: Vec<(&str, &str)> = finding["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["row"].as_str().unwrap(), c["column"].as_str().unwrap()))
        .collect();
    assert_eq!(cells, [("e", "staff"), ("e", "staff.costs")]);
}
