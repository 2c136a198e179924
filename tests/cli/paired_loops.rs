//! End-to-end tests of loops that pair two lists, `for (a, b) in zip(L1, L2)`: cross-table
//! rules whose tables label the same rows in their own words (`Total` / `All persons`).

use super::{check, findings, parse, summary};

fn fixture(rules: &str) -> super::Run {
    check(&[
        "--data",
        "tests/fixtures/paired/data",
        "--rules",
        &format!("tests/fixtures/paired/{rules}"),
        "--format",
        "json",
    ])
}

#[test]
fn zip_checks_each_pair_once_and_not_every_combination() {
    let run = fixture("pass");
    assert_eq!(run.code, 0, "stderr:\n{}", run.stderr);
    assert_eq!(run.stderr, "");
    // 3 pairs for each of the 2 rules, not 3 × 3.
    assert_eq!(summary(&parse(&run.stdout)), [2, 2, 6, 6, 0, 0]);
}

#[test]
fn a_pair_that_does_not_match_is_a_finding_on_its_own_two_cells() {
    let run = fixture("fail");
    assert_eq!(run.code, 1, "stderr:\n{}", run.stderr);
    let json = parse(&run.stdout);
    assert_eq!(summary(&json), [2, 1, 3, 1, 2, 0]);
    let pairs: Vec<(String, String, String)> = findings(&json)
        .iter()
        .map(|f| {
            let cell = |i: usize| f["cells"][i]["value"].as_str().unwrap().to_string();
            (cell(0), cell(1), f["gap"].as_str().unwrap().to_string())
        })
        .collect();
    let pair = |a: &str, b: &str| (a.to_string(), b.to_string(), "840.3".to_string());
    assert_eq!(
        pairs,
        [pair("30,402.2", "29,561.9"), pair("29,561.9", "30,402.2")]
    );
    let labels: Vec<String> = findings(&json)
        .iter()
        .map(|f| {
            let labels = |i: usize| {
                f["cells"][i]["row"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            };
            format!("{} ↔ {}", labels(0), labels(1))
        })
        .collect();
    assert_eq!(labels, ["Females ↔ Men", "Males ↔ Women"]);
}

#[test]
fn zip_of_two_lengths_is_an_input_error_on_the_zip_saying_both_lengths() {
    let run = fixture("lengths");
    assert_eq!(run.code, 2, "stderr:\n{}", run.stderr);
    for text in [
        "crossfoot::rules::invalid",
        "paired.rules:7:17",
        "the first has 3 items, the second 4",
        "rows(T) - [Note]",
    ] {
        assert!(
            run.stderr.contains(text),
            "stderr says {text:?}:\n{}",
            run.stderr
        );
    }
}
