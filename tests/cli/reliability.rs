//! Issue #11, "no input crashes, hangs, leaks or overwrites anything": end-to-end regression
//! tests for inputs that used to panic, overflow the stack, take quadratic time or overwrite
//! an input file. Fixtures under `tests/fixtures/reliability/` say what they should emit;
//! inputs too large to commit are written at test time.

use super::{check, findings, parse, summary};

/// Run `check --format json` on `tests/fixtures/reliability/<dir>/{data,rules}`.
fn check_fixture_dir(dir: &str) -> super::Run {
    check(&[
        "--data",
        &format!("tests/fixtures/reliability/{dir}/data"),
        "--rules",
        &format!("tests/fixtures/reliability/{dir}/rules"),
        "--format",
        "json",
    ])
}

#[test]
fn a_tolerance_near_the_largest_decimal_widens_without_panicking() {
    let run = check_fixture_dir("huge_tolerance");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    let json = parse(&run.stdout);
    assert_eq!(summary(&json), [1, 3, 3, 3, 0, 0]);
    assert!(findings(&json).is_empty());
}
