//! `crossfoot import validate`: R `validate` rule files translated into crossfoot rules with the
//! same meaning — a pass / near-miss / fail fixture, unparseable R, and validate's own rule
//! files run on its SBS2000 records, rule by rule against the counts its documentation prints.

use super::{Run, check, crossfoot, parse, snapshot};

/// `crossfoot import validate FIXTURE --table TABLE`.
fn import(fixture: &str, table: &str) -> Run {
    crossfoot(&["import", "validate", fixture, "--table", table])
}

/// Translate `fixture` into a temporary rules directory and check `data` with it: per rule,
/// [checks, passed, failed, skipped] from the JSON report, and the input errors' messages.
fn translate_and_check_partly(
    fixture: &str,
    table: &str,
    data: &str,
) -> (Vec<(String, [u64; 4])>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("imported.rules");
    let run = crossfoot(&[
        "import",
        "validate",
        fixture,
        "--table",
        table,
        "--output",
        rules.to_str().unwrap(),
    ]);
    assert!(run.code <= 1, "{}", run.stderr);
    assert_eq!(run.stdout, "", "written to --output only");
    let run = check(&[
        "--data",
        data,
        "--rules",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
    ]);
    let json = parse(&run.stdout);
    let errors: Vec<String> = json["input_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(run.code > 1, !errors.is_empty(), "{}", run.stderr);
    let counts = json["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let count = |key: &str| r[key].as_u64().unwrap();
            (
                r["rule"].as_str().unwrap().to_string(),
                [
                    count("checks"),
                    count("passed"),
                    count("failed"),
                    count("skipped"),
                ],
            )
        })
        .collect();
    (counts, errors)
}

/// [`translate_and_check_partly`] of a translation that checks without an input error.
fn translate_and_check(fixture: &str, table: &str, data: &str) -> Vec<(String, [u64; 4])> {
    let (counts, errors) = translate_and_check_partly(fixture, table, data);
    assert_eq!(errors, Vec::<String>::new());
    counts
}

fn owned(expected: &[(&str, [u64; 4])]) -> Vec<(String, [u64; 4])> {
    expected
        .iter()
        .map(|(rule, counts)| (rule.to_string(), *counts))
        .collect()
}

#[test]
fn the_retailers_rules_translate_whole_and_give_rs_counts() {
    let fixture = "tests/fixtures/import/pass/rules.R";
    let run = import(fixture, "retailers");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "crossfoot: 5 rules translated, 0 not\n");
    snapshot(
        "import__pass",
        "crossfoot import validate tests/fixtures/import/pass/rules.R --table retailers",
        &run.stdout,
    );
    let counts = translate_and_check(
        fixture,
        "retailers",
        "tests/fixtures/conditions/retailers/data",
    );
    assert_eq!(
        counts,
        owned(&[
            ("retailers.V1", [60, 19, 4, 37]),
            ("retailers.V2", [60, 47, 0, 13]),
            ("retailers.V3", [60, 50, 0, 10]),
            ("retailers.V4", [60, 50, 0, 10]),
            ("retailers.V5", [1, 1, 0, 0]),
        ])
    );
}

#[test]
fn definitions_groups_else_not_equal_and_quoted_names_translate_with_their_meaning() {
    let fixture = "tests/fixtures/import/near_miss/rules.R";
    let run = import(fixture, "records");
    assert_eq!(run.code, 0, "{}", run.stderr);
    snapshot(
        "import__near_miss",
        "crossfoot import validate tests/fixtures/import/near_miss/rules.R --table records",
        &run.stdout,
    );
    // Worked out by hand in the fixture's tables.toml.
    let counts = translate_and_check(fixture, "records", "tests/fixtures/import/near_miss/data");
    assert_eq!(
        counts,
        owned(&[
            ("records.V1", [3, 2, 1, 0]),
            ("records.V2", [3, 2, 1, 0]),
            ("records.V3.1", [3, 3, 0, 0]),
            ("records.V3.2", [3, 2, 0, 1]),
            ("records.V4", [3, 3, 0, 0]),
            ("records.V5", [3, 3, 0, 0]),
            ("records.V6", [3, 3, 0, 0]),
            ("records.V7", [3, 2, 1, 0]),
            ("records.V8", [3, 3, 0, 0]),
            ("records.V9", [3, 2, 0, 1]),
        ])
    );
}

#[test]
fn a_rule_without_equivalent_is_a_warning_on_its_span_and_the_others_are_translated() {
    let run = import("tests/fixtures/import/fail/rules.R", "retailers");
    assert_eq!(run.code, 1, "{}", run.stderr);
    snapshot(
        "import__fail",
        "crossfoot import validate tests/fixtures/import/fail/rules.R --table retailers",
        &format!("{}\n--- stderr ---\n{}", run.stdout, run.stderr),
    );
    assert_eq!(
        run.stderr
            .matches("crossfoot::import::not_translated")
            .count(),
        5
    );
    for translated in ["V1", "V2", "V8"] {
        assert!(
            run.stdout
                .contains(&format!("expr retailers.{translated} "))
        );
    }
    assert_eq!(
        run.stdout.matches("\n#   V").count(),
        5,
        "listed at the end"
    );
}

#[test]
fn r_that_does_not_parse_is_a_diagnostic_with_its_span_and_exit_2() {
    let run = import("tests/fixtures/import/bad_syntax/rules.R", "data");
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    snapshot(
        "import__bad_syntax",
        "crossfoot import validate tests/fixtures/import/bad_syntax/rules.R",
        &run.stderr,
    );
    assert!(run.stderr.contains("rules.R:6:16"), "{}", run.stderr);
    // Truncated and malformed R never panics.
    for text in [
        "mean(x, na.rm = ",
        "if (a > 0",
        "`unterminated",
        "a %in",
        "((((",
        "}",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("rules.R");
        std::fs::write(&file, text).unwrap();
        let run = crossfoot(&["import", "validate", file.to_str().unwrap()]);
        assert_eq!(run.code, 2, "{text}: {}", run.stderr);
        assert!(
            run.stderr.contains("crossfoot::import::syntax"),
            "{text}: {}",
            run.stderr
        );
    }
}

const SBS2000: &str = "tests/fixtures/import/validate/data";

/// validate's JSS paper's rule file (jsspaper/rules.R): every rule translates; run on SBS2000
/// they give what R gives (worked out from the CSV with R's NA rules; see the README there).
#[test]
fn validates_jss_paper_rules_translate_and_give_rs_counts_on_sbs2000() {
    let fixture = "tests/fixtures/import/validate/jsspaper/rules.R";
    let run = import(fixture, "SBS2000");
    assert_eq!(run.code, 0, "{}", run.stderr);
    snapshot(
        "import__jsspaper",
        "crossfoot import validate tests/fixtures/import/validate/jsspaper/rules.R --table SBS2000",
        &run.stdout,
    );
    let counts = translate_and_check(fixture, "SBS2000", SBS2000);
    let expected: [[u64; 4]; 18] = [
        [60, 54, 0, 6],
        [60, 56, 0, 4],
        [60, 23, 1, 36],
        [60, 19, 4, 37],
        [60, 50, 0, 10],
        [60, 19, 1, 40],
        [60, 50, 1, 9],
        [60, 52, 0, 8],
        [60, 45, 4, 11],
        [60, 49, 0, 11],
        [60, 47, 5, 8],
        [60, 52, 0, 8],
        [60, 41, 3, 16],
        [60, 16, 3, 41],
        [60, 43, 4, 13],
        [60, 44, 3, 13],
        [60, 47, 0, 13],
        [60, 39, 14, 7],
    ];
    let expected: Vec<(String, [u64; 4])> = expected
        .iter()
        .enumerate()
        .map(|(i, counts)| (format!("SBS2000.V{}", i + 1), *counts))
        .collect();
    assert_eq!(counts, expected);
}

/// The cookbook's rules on SBS2000: the ones that translate give the counts the book prints
/// (items, passes, fails, nNA); each of the others is a warning saying why. `is_complete(id,
/// turnover)` translates, but `id` is SBS2000's row label, not a column: that rule is an input
/// error on its token, and every other rule is checked.
#[test]
fn the_cookbooks_rules_give_the_counts_the_book_prints_and_the_rest_say_why() {
    let fixture = "tests/fixtures/import/validate/cookbook/rules.R";
    let run = import(fixture, "SBS2000");
    assert_eq!(run.code, 1, "some rules have no equivalent: {}", run.stderr);
    snapshot(
        "import__cookbook",
        "crossfoot import validate tests/fixtures/import/validate/cookbook/rules.R --table SBS2000",
        &run.stdout,
    );
    assert_eq!(
        run.stderr
            .matches("crossfoot::import::not_translated")
            .count(),
        10
    );
    let (counts, errors) = translate_and_check_partly(fixture, "SBS2000", SBS2000);
    assert_eq!(errors, ["table SBS2000 has no column `id`"]);
    assert_eq!(
        counts,
        owned(&[
            ("SBS2000.V3", [60, 56, 4, 0]),
            ("SBS2000.V4", [60, 24, 36, 0]),
            ("SBS2000.V5", [60, 55, 5, 0]),
            ("SBS2000.V11", [60, 56, 0, 4]),
            ("SBS2000.V12", [60, 55, 0, 5]),
            ("SBS2000.V13", [60, 60, 0, 0]),
            ("SBS2000.V16", [60, 39, 14, 7]),
            ("SBS2000.V17", [60, 19, 4, 37]),
            ("SBS2000.V18", [60, 49, 6, 5]),
            ("SBS2000.V19", [60, 50, 0, 10]),
            ("SBS2000.V20", [1, 1, 0, 0]),
        ])
    );
}

/// validate's proof-of-concept rules (pkg/inst/tinytest/pocrules) on their test records give
/// what validate's own tests expect (test_poc.R): record by record TRUE, FALSE or NA, counted.
/// Rule 04's test confronts with `na.value = FALSE` (an NA counts as failing); crossfoot, like
/// validate by default, skips the record whose `price_tmin1` is empty.
#[test]
fn validates_proof_of_concept_rules_give_what_its_tests_expect() {
    let data = "tests/fixtures/import/validate/poc/data";
    let mut counts = Vec::new();
    for rule in ["01", "02", "04"] {
        let fixture = format!("tests/fixtures/import/validate/poc/rule_{rule}.txt");
        let run = import(&fixture, &format!("Rule_{rule}"));
        assert_eq!(run.code, 0, "{}", run.stderr);
        counts.extend(translate_and_check(&fixture, &format!("Rule_{rule}"), data));
    }
    assert_eq!(
        counts,
        owned(&[
            // TRUE, FALSE, NA
            ("Rule_01.V1", [3, 1, 1, 1]),
            // TRUE, FALSE, TRUE, NA
            ("Rule_02.V1", [4, 2, 1, 1]),
            // TRUE, FALSE, FALSE, and NA (FALSE with na.value = FALSE)
            ("Rule_04.V1", [4, 1, 2, 1]),
        ])
    );
}

/// `--output` never replaces the rule file it translates.
#[test]
fn the_output_may_not_be_the_rule_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rules.R");
    std::fs::write(&file, "turnover >= 0\n").unwrap();
    let path = file.to_str().unwrap();
    let run = crossfoot(&["import", "validate", path, "--output", path]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("crossfoot::output::onto_input"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "turnover >= 0\n");
}
