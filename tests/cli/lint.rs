//! `crossfoot lint`: one fixture per lint under `tests/fixtures/lint/rules/`, all on the tables
//! of `tests/fixtures/lint/data/`. Each test checks the exit code and the codes, rules and
//! places of the JSON report itself, then snapshots the human report (`lint__<case>.snap`).

use super::{crossfoot, parse, snapshot};
use serde_json::Value;

const DATA: &str = "tests/fixtures/lint/data";

/// `crossfoot lint` on one fixture: the JSON report (parsed) and the human one.
fn lint(case: &str, extra: &[&str]) -> (i32, Value, String) {
    let rules = format!("tests/fixtures/lint/rules/{case}.rules");
    let mut args = vec!["lint", "--data", DATA, "--rules", &rules];
    args.extend(extra);
    let human = crossfoot(&args);
    args.extend(["--format", "json"]);
    let json = crossfoot(&args);
    assert_eq!(
        human.code, json.code,
        "{case}: same exit code in both formats"
    );
    assert_eq!(json.stderr, "", "{case}: nothing on stderr");
    (json.code, parse(&json.stdout), human.stdout)
}

/// The (code, rules) of every finding, in report order.
fn codes(json: &Value) -> Vec<(String, Vec<String>)> {
    json["findings"]
        .as_array()
        .expect("findings is an array")
        .iter()
        .map(|f| {
            let rules = f["rules"]
                .as_array()
                .expect("rules is an array")
                .iter()
                .map(|r| r.as_str().expect("a rule id").to_string())
                .collect();
            (f["code"].as_str().expect("a code").to_string(), rules)
        })
        .collect()
}

/// The (line, label) of every location of finding `index`.
fn places(json: &Value, index: usize) -> Vec<(u64, String)> {
    json["findings"][index]["locations"]
        .as_array()
        .expect("locations is an array")
        .iter()
        .map(|l| {
            (
                l["line"].as_u64().expect("a line"),
                l["label"].as_str().expect("a label").to_string(),
            )
        })
        .collect()
}

fn snapshot_case(case: &str, extra: &str, human: &str) {
    snapshot(
        &format!("lint__{case}"),
        &format!(
            "crossfoot lint --data {DATA} --rules tests/fixtures/lint/rules/{case}.rules{extra}"
        ),
        human,
    );
}

fn one(code: &str, rules: &[&str]) -> Vec<(String, Vec<String>)> {
    vec![(
        format!("crossfoot::lint::{code}"),
        rules.iter().map(ToString::to_string).collect(),
    )]
}

#[test]
fn a_check_whose_sides_are_the_same_expression_never_fails() {
    let (code, json, human) = lint("never_fails", &[]);
    assert_eq!(code, 1);
    assert_eq!(codes(&json), one("never_fails", &["L1.same"]));
    assert!(human.contains("in 2 of its 2 checks, the first (where r = 北京)"));
    assert_eq!(json["summary"]["warnings"], 1);
    snapshot_case("never_fails", "", &human);
    snapshot(
        "lint__never_fails_json",
        "the same run, --format json",
        &serde_json::to_string_pretty(&json).unwrap(),
    );
}

#[test]
fn a_part_named_twice_in_a_sum_is_counted_twice() {
    let (code, json, human) = lint("counted_twice", &[]);
    assert_eq!(code, 1);
    assert_eq!(codes(&json), one("counted_twice", &["L1.total"]));
    assert_eq!(json["findings"][0]["cells"][0]["row"], "天津");
    snapshot_case("counted_twice", "", &human);
}

#[test]
fn an_of_which_row_added_to_a_total_is_flagged_but_not_one_compared_alone() {
    let (code, json, human) = lint("of_which_part", &[]);
    assert_eq!(code, 1);
    assert_eq!(codes(&json), one("of_which_part", &["L1.total"]));
    assert_eq!(json["findings"][0]["cells"][0]["row"], "其中：石家庄");
    snapshot_case("of_which_part", "", &human);
}

#[test]
fn contradictory_rules_are_errors_of_lint_and_check_refuses_them() {
    let (code, json, human) = lint("contradiction", &[]);
    assert_eq!(code, 1);
    let expected: Vec<(String, Vec<String>)> = [
        ["L1.total", "L1.less"],
        ["L1.prior_total", "L1.prior_mixed"],
    ]
    .iter()
    .map(|pair| {
        (
            "crossfoot::lint::contradiction".to_string(),
            pair.iter().map(ToString::to_string).collect(),
        )
    })
    .collect();
    assert_eq!(codes(&json), expected);
    assert_eq!(json["summary"]["errors"], 2);
    let message = json["findings"][1]["message"].as_str().unwrap();
    assert!(
        message.contains("L1[河北, 2020 年] = L1[河北, 2021 年]"),
        "{message}"
    );
    snapshot_case("contradiction", "", &human);

    let check = crossfoot(&[
        "check",
        "--data",
        DATA,
        "--rules",
        "tests/fixtures/lint/rules/contradiction.rules",
    ]);
    assert_eq!(
        check.code, 2,
        "check leaves out contradictory rules, as input errors"
    );
    assert!(
        check
            .stdout
            .starts_with("tables 2 · rules 0 (4 more not checked) · checks 0"),
        "{}",
        check.stdout
    );
    assert!(check.stderr.contains("crossfoot::lint::contradiction"));
    assert!(check.stderr.contains("2 input errors; nothing was checked"));
}

/// `check` blames the failures it finds while it looks for contradictions; where it finds
/// some, it checks again without the contradictory rules, and the report's findings and blame
/// are those of the second run alone.
#[test]
fn contradictory_rules_left_out_leave_the_other_rules_findings_blamed() {
    let rules = std::fs::read_to_string("tests/fixtures/lint/rules/contradiction.rules").unwrap()
        + "\nsum L1.wrong \"2021's 合计 is 北京 and 天津 (wrong: 河北 left out)\"\n  \
           L1[合计, current] = L1[北京, current] + L1[天津, current]\n";
    let dir = super::scratch(b"unused,x\na,1\n", &rules);
    let run = super::check(&[
        "--data",
        DATA,
        "--rules",
        dir.path().join("t.rules").to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("crossfoot::lint::contradiction"));
    let json = parse(&run.stdout);
    assert_eq!(json["summary"]["rules"], 1, "{json:#}");
    assert_eq!(json["summary"]["rules_not_checked"], 4, "{json:#}");
    let findings = json["findings"].as_array().unwrap();
    let rules: Vec<&Value> = findings.iter().map(|f| &f["rule"]).collect();
    assert_eq!(rules, [&Value::from("L1.wrong")], "{json:#}");
    assert_eq!(
        findings[0]["blame"]["group"],
        serde_json::json!(["L1.wrong"])
    );
}

#[test]
fn a_group_summed_against_a_total_that_prints_more_parts_is_incomplete() {
    let (code, json, human) = lint("group_incomplete", &[]);
    assert_eq!(code, 1);
    assert_eq!(codes(&json), one("group_incomplete", &["L1.total"]));
    assert_eq!(
        places(&json, 0),
        vec![
            (7, "leaves out 河北".to_string()),
            (10, "sums it against L1[合计]".to_string())
        ]
    );
    snapshot_case("group_incomplete", "", &human);
}

#[test]
fn a_group_compared_with_every_other_member_that_leaves_out_a_sibling_is_flagged() {
    let (code, json, human) = lint("sibling_left_out", &[]);
    assert_eq!(code, 1);
    assert_eq!(codes(&json), one("sibling_left_out", &["L1.leads_short"]));
    assert_eq!(
        places(&json, 0),
        vec![
            (17, "leaves out 天津".to_string()),
            (29, "compares one figure with every member".to_string())
        ]
    );
    snapshot_case("sibling_left_out", "", &human);
}

#[test]
fn a_group_that_names_a_member_twice_is_flagged_on_both_names() {
    let (code, json, human) = lint("group_repeats", &[]);
    assert_eq!(code, 1);
    assert_eq!(codes(&json), one("group_repeats", &[]));
    assert_eq!(
        places(&json, 0),
        vec![
            (6, "named again here".to_string()),
            (6, "first named here".to_string())
        ]
    );
    snapshot_case("group_repeats", "", &human);
}

#[test]
fn a_repeated_rule_id_is_a_lint_not_an_input_error() {
    let (code, json, human) = lint("duplicate_id", &[]);
    assert_eq!(code, 1);
    assert_eq!(codes(&json), one("duplicate_id", &["L1.total"]));
    assert_eq!(
        places(&json, 0),
        vec![
            (9, "used again here".to_string()),
            (6, "first used here".to_string())
        ]
    );
    snapshot_case("duplicate_id", "", &human);
}

#[test]
fn coverage_lists_the_tables_rows_and_columns_no_rule_reads() {
    let (code, json, _) = lint("uncovered", &[]);
    assert_eq!(
        (code, codes(&json)),
        (0, Vec::new()),
        "only with --coverage"
    );
    let (code, json, human) = lint("uncovered", &["--coverage"]);
    assert_eq!(code, 1);
    let messages: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(messages[0].contains("column `2020 年` of L1"));
    assert!(messages[1].contains("row `其中：石家庄` of L1"));
    assert!(messages[2].contains("table L2"));
    snapshot_case("uncovered", " --coverage", &human);
}

#[test]
fn the_bundled_rules_lint_clean() {
    let run = crossfoot(&["lint", "--coverage", "--format", "json"]);
    let json = parse(&run.stdout);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(json["summary"]["findings"], 0);
}

#[test]
fn bad_input_is_exit_code_2() {
    let run = crossfoot(&[
        "lint",
        "--data",
        DATA,
        "--rules",
        "tests/fixtures/errors/unknown_label/rules",
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("input error"));
}

/// A rule that states a figure in 万元 equal to one in 亿元, or adds them, with no factor
/// between them: `check` passes it wherever the two print the same digits (a header's unit
/// edited by mistake), so only the units tell. A rule that writes the right factor is not
/// flagged, one that writes another unit's (10⁴ between 元 and 亿元) is.
#[test]
fn figures_in_two_units_of_money_compared_without_a_factor_are_flagged() {
    let data = "tests/fixtures/lint/units/data";
    let rules = "tests/fixtures/lint/units/units.rules";
    let checked = crossfoot(&["check", "--data", data, "--rules", rules]);
    assert_eq!(checked.code, 0, "check passes them: {}", checked.stdout);
    let args = ["lint", "--data", data, "--rules", rules];
    let human = crossfoot(&args);
    let json = crossfoot(&[&args[..], &["--format", "json"]].concat());
    assert_eq!((human.code, json.code), (1, 1));
    let json = parse(&json.stdout);
    let code = "crossfoot::lint::unit_mismatch".to_string();
    assert_eq!(
        codes(&json),
        ["W.same_as_Y", "Y.parts_in_W", "R.from_Y"]
            .map(|rule| (code.clone(), vec![rule.to_string()]))
    );
    assert_eq!(places(&json, 0), vec![(17, "亿元 beside 万元".to_string())]);
    assert_eq!(
        places(&json, 2),
        vec![(26, "× 10000 for 元 and 亿元".to_string())]
    );
    snapshot(
        "lint__unit_mismatch",
        &format!("crossfoot lint --data {data} --rules {rules}"),
        &human.stdout,
    );
}

#[test]
fn a_header_edited_to_another_unit_of_money_is_one_warning_on_the_header() {
    let draft = super::edited_book("A6.csv", |t| {
        t.replacen("成交额 / 亿元", "成交额 / 万元", 1)
    });
    let data = draft.path().to_str().expect("UTF-8");
    let json = crossfoot(&["lint", "--data", data, "--format", "json"]);
    assert_eq!(json.code, 1, "{}", json.stderr);
    let json = parse(&json.stdout);
    let lints = json["findings"].as_array().expect("findings");
    assert_eq!(lints.len(), 1, "{lints:?}");
    let lint = &lints[0];
    assert_eq!(lint["code"], "crossfoot::lint::unit_mismatch");
    assert_eq!(lint["rules"].as_array().map(Vec::len), Some(28), "{lint}");
    assert!(
        lint["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("28 rules compare A6's figures in 万元 with figures in 亿元 as printed: A6.amount_in_A1,")),
        "{lint}"
    );
    assert!(
        lint["help"].as_str().is_some_and(
            |h| h.ends_with("write the factor into these rules (`* 10000` on the 亿元 side)")
        ),
        "{lint}"
    );
    // On the header that prints the unit, then the first rule.
    assert_eq!(
        places(&json, 0).first(),
        Some(&(1, "prints 万元".to_string())),
        "{lint}"
    );
    assert!(
        lint["locations"][0]["file"]
            .as_str()
            .is_some_and(|f| f.ends_with("A6.csv")),
        "{lint}"
    );
}

/// A rule comparing each of n records with a sum over every record whose parts read the
/// loop's record writes out n² terms for the contradiction lint: past 10⁶ of them `check`
/// leaves the lint to `crossfoot lint`, as it does past 10⁵ checks, and checks the rules (the
/// lint of 5 000 such records took 8.9 s and 1.3 GB). 1 001 records: 3 006 003 terms, and two
/// contradictory rules beside them are checked (one fails) rather than refused.
#[test]
fn check_leaves_the_lint_of_a_rule_set_writing_out_millions_of_terms_to_lint() {
    let contradictory = "expr R.one \"record 1 is 1\"\n  REC[1, x] = 1\n\n\
         expr R.two \"record 1 is 2\"\n  REC[1, x] = 2\n";
    let (_dir, data, rules) = each_with_their_sum(1_001, contradictory);
    let (data, rules) = (data.as_str(), rules.as_str());
    let run = crossfoot(&["check", "--data", data, "--rules", rules]);
    assert_eq!(
        run.code, 1,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    assert!(!run.stderr.contains("contradiction"), "{}", run.stderr);
    assert!(
        run.stdout.contains("checks 1003: 1002 passed, 1 failed"),
        "{}",
        run.stdout
    );
}

/// `crossfoot lint` holds every check it writes out, about 2 KB a check of five terms: past
/// 2.5 × 10⁶ checks or 12.5 × 10⁶ terms in all, the largest rules are left out of the lint
/// (a `too_large` lint on each, on its id) and the others are linted, where before it ran
/// until the memory ran out. Each of 3 001 records against a sum over all of them writes out
/// 18 015 003 terms, and a part counted twice in a rule beside it is still found; 1 600 records
/// compared two by two, 2 560 000 checks.
#[test]
fn a_rule_too_large_to_lint_is_left_out_and_the_others_are_linted() {
    let (_dir, data, rules) = each_with_their_sum(
        3_001,
        "expr R.twice \"record 1 is twice record 2\"\n  REC[1, x] = REC[2, x] + REC[2, x]\n",
    );
    let (code, json, stderr) = lint_json(&data, &rules);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        codes(&json),
        [
            (
                "crossfoot::lint::too_large".to_string(),
                vec!["R.sum".to_string()]
            ),
            (
                "crossfoot::lint::counted_twice".to_string(),
                vec!["R.twice".to_string()]
            ),
        ]
    );
    let message = json["findings"][0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("`R.sum` writes out 3001 checks of 18015003 terms"),
        "{message}"
    );
    let records: String = (1..=1_600).map(|id| format!("{id},{id},1\n")).collect();
    let pairs = "expr R.pairs \"no two records a thousand apart\"\n  for r in rows(REC)\n  \
         for s in rows(REC)\n  REC[r, x] <= REC[s, x] + 1000\n";
    let (_dir, data, rules) = super::record_file("", &format!("id,x,y\n{records}"), pairs);
    let (code, json, stderr) = lint_json(&data, &rules);
    assert_eq!(code, 1, "{stderr}");
    let message = json["findings"][0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("`R.pairs` writes out 2560000 checks of 5120000 terms"),
        "{message}"
    );
}

/// The lint reads the checks a block of 4 096 at a time: what it keeps of a rule, and of what
/// a check states, carries from block to block. 5 000 records: a rule none of whose 5 000
/// checks can fail is counted whole, and the last record's total, stated in the first block
/// as less than its parts, contradicts the rule that states it equal in the third.
#[test]
fn a_lint_finds_what_spans_the_blocks_it_reads_the_checks_in() {
    let records: String = (1..=5_000)
        .map(|id| format!("u{id},{},1,{}\n", id % 7, id % 7 + 1))
        .collect();
    let rules = "expr R.last \"the last record's t below x + y (wrong)\"\n  \
                 REC[u5000, t] < REC[u5000, x] + REC[u5000, y]\n\n\
                 expr R.same \"x + y at most y + x\"\n  for r in rows(REC)\n  \
                 REC[r, x] + REC[r, y] <= REC[r, y] + REC[r, x]\n\n\
                 expr R.t \"t is x + y\"\n  for r in rows(REC)\n  REC[r, t] = REC[r, x] + REC[r, y]\n";
    let (_dir, data, rules) = super::record_file("", &format!("id,x,y,t\n{records}"), rules);
    let (code, json, stderr) = lint_json(&data, &rules);
    assert_eq!(code, 1, "{stderr}");
    let rule = |ids: &[&str]| ids.iter().map(|id| id.to_string()).collect::<Vec<_>>();
    assert_eq!(
        codes(&json),
        [
            (
                "crossfoot::lint::never_fails".to_string(),
                rule(&["R.same"])
            ),
            (
                "crossfoot::lint::contradiction".to_string(),
                rule(&["R.last", "R.t"])
            ),
        ]
    );
    let never = json["findings"][0]["message"].as_str().unwrap();
    assert!(
        never.contains("in 5000 of its 5000 checks, the first (where r = u1)"),
        "{never}"
    );
}

fn lint_json(data: &str, rules: &str) -> (i32, Value, String) {
    let run = crossfoot(&["lint", "--data", data, "--rules", rules, "--format", "json"]);
    (run.code, parse(&run.stdout), run.stderr)
}

/// `records` records `id,x,y` and a rule comparing each with a sum over all of them that
/// also reads the loop's record (so no aggregate worked out once: n² terms), then `more`.
fn each_with_their_sum(records: usize, more: &str) -> (tempfile::TempDir, String, String) {
    let records: String = (1..=records)
        .map(|id| format!("{id},{},1\n", id % 7))
        .collect();
    let each = "expr R.sum \"no record above the records' sum\"\n  for r in rows(REC)\n  \
                REC[r, x] <= sum(REC[s, x] + 0 * REC[r, y] for s in rows(REC))\n\n";
    super::record_file("", &format!("id,x,y\n{records}"), &format!("{each}{more}"))
}
