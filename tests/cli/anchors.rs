//! Anchors made of words: a figure of the text, or of an anchor, matches any figure, so a draft
//! whose figures were edited still binds every claim, and the edit is a finding on the edited
//! figure, never a lost anchor. Fixtures: `tests/fixtures/anchors/`.

use super::{check, crossfoot, findings, parse, snapshot};

const RULES: &str = "tests/fixtures/anchors/rules";

/// The (rule, text figure) of every finding: the cells of table TEXT it names.
fn text_cells(json: &serde_json::Value) -> Vec<(String, String)> {
    findings(json)
        .iter()
        .flat_map(|f| {
            let rule = f["rule"].as_str().expect("a rule id").to_string();
            f["cells"]
                .as_array()
                .expect("cells")
                .iter()
                .filter(|c| c["table"] == "TEXT")
                .map(move |c| {
                    (
                        rule.clone(),
                        c["value"].as_str().expect("value").to_string(),
                    )
                })
        })
        .collect()
}

#[test]
fn words_only_anchors_bind_the_printed_book() {
    let run = check(&[
        "--data",
        "tests/fixtures/anchors/data",
        "--rules",
        &format!("{RULES}/words.rules"),
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(parse(&run.stdout)["summary"]["passed"], 4);
}

#[test]
fn edited_figures_of_the_text_are_findings_on_those_figures_not_lost_anchors() {
    let run = check(&[
        "--data",
        "tests/fixtures/anchors/draft",
        "--rules",
        &format!("{RULES}/words.rules"),
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(!run.stderr.contains("lost its anchor"), "{}", run.stderr);
    let json = parse(&run.stdout);
    assert_eq!(
        text_cells(&json),
        [
            ("K1.digital_count".to_string(), "18261项".to_string()),
            ("K1.digital_amount".to_string(), "78.63亿元".to_string()),
            ("K1.low_carbon_amount".to_string(), "494.2亿元".to_string()),
        ]
    );
}

#[test]
fn an_anchor_that_writes_a_figures_digits_is_linted_with_the_words_to_write() {
    let rules = format!("{RULES}/pinned.rules");
    let args = [
        "lint",
        "--data",
        "tests/fixtures/anchors/data",
        "--rules",
        &rules,
    ];
    let human = crossfoot(&args);
    let json = crossfoot(&[&args[..], &["--format", "json"]].concat());
    assert_eq!((human.code, json.code), (1, 1), "{}", human.stderr);
    let json = parse(&json.stdout);
    let found = findings(&json);
    assert_eq!(found.len(), 1, "{json}");
    assert_eq!(found[0]["code"], "crossfoot::lint::pinned_figure");
    assert_eq!(found[0]["rules"][0], "K1.pinned_amount");
    assert!(
        found[0]["help"]
            .as_str()
            .expect("help")
            .contains("\"数字技术领域完成技术合同#项，成交额为\""),
        "{json}"
    );
    snapshot(
        "lint__pinned_figure",
        &format!("crossfoot lint --data tests/fixtures/anchors/data --rules {rules}"),
        &human.stdout,
    );
}

#[test]
fn an_anchor_its_words_leave_ambiguous_gets_the_words_its_digits_meant() {
    let run = check(&[
        "--data",
        "tests/fixtures/anchors/data",
        "--rules",
        &format!("{RULES}/ambiguous.rules"),
    ]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("rules::ambiguous_label"),
        "{}",
        run.stderr
    );
    let help: String = run.stderr.split_whitespace().collect();
    assert!(
        help.contains("`\"低碳技术领域完成技术合同#项，成交额为\"`"),
        "{}",
        run.stderr
    );
    // The other rule still runs.
    let rules = format!("{RULES}/ambiguous.rules");
    let json = check(&[
        "--data",
        "tests/fixtures/anchors/data",
        "--rules",
        &rules,
        "--format",
        "json",
    ]);
    assert_eq!(parse(&json.stdout)["summary"]["passed"], 1);
}
