//! `crossfoot infer`: the rules it proposes for the bundled book parse, compile and check with
//! crossfoot's own `check`; a slip in a table becomes a candidate finding of the rule that
//! reads it; the proposals for 附表 2 are a reviewed snapshot (`infer__A2.snap`).

use super::{crossfoot, parse, snapshot, summary};

/// How many rules a rules file holds: the lines that start with a rule kind.
fn rule_count(rules: &str) -> usize {
    rules
        .lines()
        .filter(|line| {
            [
                "sum ", "share ", "growth ", "ratio ", "equal ", "rank ", "expr ",
            ]
            .iter()
            .any(|kind| line.starts_with(kind))
        })
        .count()
}

#[test]
fn the_rules_inferred_for_the_book_are_read_and_checked_by_check() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("inferred.rules");
    let inferred = crossfoot(&["infer", "--output", output.to_str().unwrap()]);
    assert_eq!(inferred.code, 0, "{}", inferred.stderr);
    let rules = std::fs::read_to_string(&output).unwrap();
    let count = rule_count(&rules);
    assert!(count > 100, "a rule for most tables of the book: {count}");
    let checked = crossfoot(&[
        "check",
        "--rules",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(
        checked.code == 0 || checked.code == 1,
        "no input error: {}",
        checked.stderr
    );
    assert_eq!(checked.stderr, "", "no input error, no contradiction");
    let json = parse(&checked.stdout);
    let [_, rules_checked, _, passed, failed, _] = summary(&json);
    assert_eq!(rules_checked, count as u64, "every proposed rule compiles");
    let candidate_findings = rules.matches("#   candidate finding:").count() as u64;
    assert_eq!(
        failed, candidate_findings,
        "the checks that fail are exactly the candidate findings the file lists"
    );
    assert!(passed > 1000, "{passed}");
}

#[test]
fn a_slip_in_a_table_is_a_candidate_finding_of_the_rule_that_reads_it() {
    // 附表 6 prints 港澳台's contract growth as 126.9 % where 1304 → 1659 is 27.2 %.
    let run = crossfoot(&["infer", "--table", "A6"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let finding = run
        .stdout
        .lines()
        .find(|line| line.contains("candidate finding") && line.contains("126.9"))
        .unwrap_or_else(|| panic!("no candidate finding on 126.9:\n{}", run.stdout));
    assert!(finding.contains("港澳台"), "{finding}");
}

#[test]
fn an_unknown_table_is_bad_input() {
    let run = crossfoot(&["infer", "--table", "A99"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no table `A99`"), "{}", run.stderr);
}

#[test]
fn the_rules_proposed_for_a_sample_table() {
    let run = crossfoot(&["infer", "--table", "A2"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    snapshot(
        "infer__A2",
        "crossfoot infer --table A2: 附表 2's totals, shares, growth and the figures it shares with other tables",
        &run.stdout,
    );
}
