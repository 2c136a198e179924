//! End-to-end regression tests for bugs found in use, each on a fixture whose rules file says
//! what the run should emit.

use super::{check, findings, parse, summary, unwrapped};

/// Run `check --format json` on `tests/fixtures/<dir>/{data,rules}`.
fn check_fixture_dir(dir: &str) -> super::Run {
    check(&[
        "--data",
        &format!("tests/fixtures/{dir}/data"),
        "--rules",
        &format!("tests/fixtures/{dir}/rules"),
        "--format",
        "json",
    ])
}

#[test]
fn sum_over_rows_takes_a_row_label_printed_twice_once_per_printing_like_a_for_loop() {
    let run = check_fixture_dir("sum/repeated_labels");
    assert_eq!(run.code, 0, "stderr:\n{}", run.stderr);
    assert_eq!(run.stderr, "");
    let json = parse(&run.stdout);
    assert_eq!(summary(&json), [1, 3, 6, 6, 0, 0]);
    assert!(findings(&json).is_empty());
}

#[test]
fn a_pipe_in_a_rule_is_reported_at_the_pipe_as_no_operator() {
    super::check_error(
        "not_an_operator",
        &[
            "crossfoot::rules::syntax",
            "`|` is not an operator of the rules language",
            "tests/fixtures/errors/not_an_operator/rules/b1.rules:6:49",
            "write `or`",
            "1 input error; nothing was checked",
        ],
    );
}

#[test]
fn equal_printings_at_two_precisions_agree_when_one_value_prints_as_both_and_counts_stay_exact() {
    let run = check_fixture_dir("equal/precisions");
    assert_eq!(run.code, 1, "stderr:\n{}", run.stderr);
    assert_eq!(run.stderr, "");
    let json = parse(&run.stdout);
    assert_eq!(summary(&json), [2, 5, 9, 6, 3, 0]);
    let failed: Vec<(&str, &str, &str)> = findings(&json)
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap(),
                f["published"].as_str().unwrap(),
                f["gap"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        failed,
        [
            ("precisions.same_precision", "512.4", "0.1"),
            ("precisions.apart", "2.6", "0.05"),
            ("precisions.count", "3", "0.45"),
        ]
    );
    let human = check(&[
        "--data",
        "tests/fixtures/equal/precisions/data",
        "--rules",
        "tests/fixtures/equal/precisions/rules",
    ]);
    super::snapshot(
        "equal__precisions",
        "crossfoot check --data tests/fixtures/equal/precisions/data --rules tests/fixtures/equal/precisions/rules",
        &human.stdout,
    );
}

#[test]
fn a_message_says_how_far_the_figures_differ_and_never_rounds_the_gap_up() {
    let run = check_fixture_dir("sum/gap_message");
    assert_eq!(run.code, 1, "stderr:\n{}", run.stderr);
    let json = parse(&run.stdout);
    assert_eq!(summary(&json), [2, 2, 2, 0, 2, 0]);
    let failed: Vec<(&str, &str, &str)> = findings(&json)
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap(),
                f["gap"].as_str().unwrap(),
                f["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        failed,
        [
            (
                "gap.whole",
                "0.5",
                "printed 60621, but the parts add up to [60618, 60620]: the figures differ by 2; \
                 rounding explains all but 0.5"
            ),
            (
                "gap.rounded",
                "0.1675",
                "printed 10, but the parts add up to [10.66, 10.77]: the figures differ by 0.72; \
                 rounding explains all but 0.16"
            ),
        ]
    );
    let human = check(&[
        "--data",
        "tests/fixtures/sum/gap_message/data",
        "--rules",
        "tests/fixtures/sum/gap_message/rules",
    ]);
    // The help line wraps at the report's width.
    let words = unwrapped(&human.stdout);
    assert!(
        words.contains("the figures differ by 0.72; rounding explains all but 0.16"),
        "{}",
        human.stdout
    );
    assert!(!human.stdout.contains("0.17"), "{}", human.stdout);
}

/// The JSON `notes` listed only undecided checks: a check skipped for an empty cell was counted
/// in `skipped` and explained nowhere.
#[test]
fn every_skipped_check_is_a_json_note_with_its_reason_and_empty_cells() {
    let run = check(&[
        "--data",
        "tests/fixtures/sum/data",
        "--rules",
        "tests/fixtures/sum/rules",
        "--format",
        "json",
    ]);
    let json = parse(&run.stdout);
    assert_eq!(summary(&json)[5], 1, "one skipped check");
    let notes = json["notes"].as_array().unwrap();
    let [note] = notes.as_slice() else {
        panic!("one note per skipped check: {notes:?}")
    };
    assert_eq!(note["reason"], "empty_cell");
    let values: Vec<&str> = note["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_str().unwrap())
        .collect();
    assert_eq!(values, ["—"]);
    let rules = json["rules"].as_array().unwrap();
    let skipped: u64 = rules.iter().map(|r| r["skipped"].as_u64().unwrap()).sum();
    assert_eq!(skipped, 1, "the per-rule counts add up to the summary");
}

#[test]
fn messages_keep_a_labels_spaces_and_add_no_year_suffix_the_table_never_printed() {
    let run = check_fixture_dir("errors/english_labels");
    assert_eq!(run.code, 2, "stderr:\n{}", run.stderr);
    for expected in [
        "table LF has no column `Percent of labour force`",
        "did you mean `Percent of population`?",
        "table LF has no row `1939`",
        "table LF has no row `1984`",
    ] {
        assert!(run.stderr.contains(expected), "{expected}:\n{}", run.stderr);
    }
    assert!(!run.stderr.contains('年'), "{}", run.stderr);
}

#[test]
fn a_unit_declared_for_a_label_with_spaces_applies_to_it() {
    // `units = { "Persons employed" = "人" }` never matched the label, whose name rules use
    // has no spaces: the counts stayed rounded and an off-by-one total passed.
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(
        data.join("E.csv"),
        "Industry,Persons employed\nMining,10\nFarms,20\nTotal,31\n",
    )
    .unwrap();
    std::fs::write(
        data.join("tables.toml"),
        "[[table]]\nid = \"E\"\nfile = \"E.csv\"\nunits = { \"Persons employed\" = \"人\" }\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("e.rules"),
        "sum E.total \"Total is the industries\"\n  E[Total, \"Persons employed\"] = E[Mining, \"Persons employed\"] + E[Farms, \"Persons employed\"]\n",
    )
    .unwrap();
    let run = check(&[
        "--data",
        data.to_str().unwrap(),
        "--rules",
        dir.path().join("e.rules").to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "stderr:\n{}", run.stderr);
    assert_eq!(summary(&parse(&run.stdout)), [1, 1, 1, 0, 1, 0]);
}
