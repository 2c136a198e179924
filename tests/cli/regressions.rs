//! End-to-end regression tests for bugs found in use, each on a fixture whose rules file says
//! what the run should emit.

use super::{check, findings, parse, summary};

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
