//! The per-rule summary (R `validate`'s `summary()`: checks, passed, failed, skipped per rule,
//! and the skipped checks with their reason and cells) in Markdown, SARIF and
//! `crossfoot list rules --results`; the JSON `rules` are tested with the conditions.

use super::{check, crossfoot, parse, snapshot};

const DATA: &str = "tests/fixtures/conditions/data";
const RULES: &str = "tests/fixtures/conditions/rules";
const RETAILERS_DATA: &str = "tests/fixtures/conditions/retailers/data";
const RETAILERS_RULES: &str = "tests/fixtures/conditions/retailers/rules";

/// The counts of a `list rules --results` line: rule id → [checks, passed, failed, skipped].
fn listed_counts(listing: &str) -> Vec<(String, [u64; 4])> {
    listing
        .lines()
        .skip(1)
        .filter(|line| !line.starts_with(' '))
        .map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            let count = |i: usize| words[i].parse::<u64>().unwrap();
            (
                words[0].to_string(),
                [count(2), count(3), count(4), count(5)],
            )
        })
        .collect()
}

#[test]
fn markdown_gives_each_rules_counts_and_lists_the_checks_skipped_for_an_empty_cell() {
    let run = check(&["--data", DATA, "--rules", RULES, "--format", "markdown"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    snapshot(
        "per_rule__markdown",
        "crossfoot check --data tests/fixtures/conditions/data --rules \
         tests/fixtures/conditions/rules --format markdown",
        &run.stdout,
    );
    assert!(
        run.stdout
            .contains("| `conditions.fail` | expr | error | 1 | 0 | 1 | 0 |")
    );
    assert!(run.stdout.contains("## Skipped checks"));
}

#[test]
fn list_rules_results_prints_validates_summary_per_rule_and_the_skipped_checks() {
    let run = crossfoot(&[
        "list",
        "rules",
        "--results",
        "--data",
        DATA,
        "--rules",
        RULES,
    ]);
    assert_eq!(run.code, 0, "a listing, not a verdict: {}", run.stderr);
    snapshot(
        "per_rule__list_results",
        "crossfoot list rules --results --data tests/fixtures/conditions/data --rules \
         tests/fixtures/conditions/rules",
        &run.stdout,
    );
    // validate's own retailers rules: the counts R's summary() gives (see conditions.rs).
    let run = crossfoot(&[
        "list",
        "rules",
        "--results",
        "--data",
        RETAILERS_DATA,
        "--rules",
        RETAILERS_RULES,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let counts = listed_counts(&run.stdout);
    let expected = [
        ("retailers.total_rev", [60, 19, 4, 37]),
        ("retailers.staff_costs", [60, 47, 0, 13]),
        ("retailers.staff_or_costs", [60, 50, 0, 10]),
        ("retailers.staff_has_costs", [60, 50, 0, 10]),
        ("retailers.mean_profit", [1, 1, 0, 0]),
    ]
    .map(|(rule, counts)| (rule.to_string(), counts));
    assert_eq!(counts, expected);
    let skipped = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("    skipped (empty cell): retailers ["))
        .count();
    assert_eq!(skipped, 37 + 13 + 10 + 10);
}

#[test]
fn sarif_rule_descriptors_carry_the_rules_counts_of_the_run() {
    let run = check(&[
        "--data",
        RETAILERS_DATA,
        "--rules",
        RETAILERS_RULES,
        "--format",
        "sarif",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let log = parse(&run.stdout);
    super::reports::assert_valid_sarif(&super::reports::sarif_validator(), &log);
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let counts: Vec<(&str, [u64; 4])> = rules
        .iter()
        .map(|rule| {
            let p = &rule["properties"];
            let count = |key: &str| p[key].as_u64().unwrap();
            (
                rule["id"].as_str().unwrap(),
                [
                    count("checks"),
                    count("passed"),
                    count("failed"),
                    count("skipped"),
                ],
            )
        })
        .collect();
    assert_eq!(counts[0], ("retailers.total_rev", [60, 19, 4, 37]));
    assert_eq!(counts[2], ("retailers.staff_or_costs", [60, 50, 0, 10]));
}
