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

#[test]
fn the_rules_proposed_for_a_foreign_table() {
    let run = crossfoot(&["infer", "--data", "data/examples/bls/data"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    snapshot(
        "infer__bls",
        "crossfoot infer on BLS table 1 (example corpus): a declared Total, two sums no label states, three percentages, and their candidate findings",
        &run.stdout,
    );
}

#[test]
fn rows_printed_after_an_of_which_row_without_the_word_are_left_out_of_a_total() {
    // 附表 5 prints `其中：沈阳` then `大连`: 大连 is a city of 辽宁, not a part of 合计.
    let run = crossfoot(&["infer", "--table", "A5"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let total = run
        .stdout
        .lines()
        .find(|line| line.starts_with("sum A5.total"))
        .unwrap_or_else(|| panic!("no total proposed:\n{}", run.stdout));
    assert!(total.contains("大连, 宁波, 青岛, 深圳"), "{total}");
    let body = run
        .stdout
        .lines()
        .find(|line| line.contains("A5[合计, col] = sum("))
        .unwrap();
    assert!(body.contains("辽宁") && !body.contains("大连"), "{body}");
}

#[test]
fn a_new_table_without_a_manifest_gets_a_total_share_and_growth_and_its_slip_is_a_candidate() {
    // One CSV, no tables.toml: a 合计 row, a growth column against the two years' columns and
    // a share column, where 庚's share is slipped (3.8 printed for 8.3: two digits swapped).
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(
        data.join("T.csv"),
        "地区,2020年/亿元,2021年/亿元,增长/%,占比/%\n\
         甲,10.0,12.0,20.0,3.8\n\
         乙,20.0,30.0,50.0,9.6\n\
         丙,30.0,33.0,10.0,10.5\n\
         丁,40.0,45.0,12.5,14.3\n\
         戊,50.0,60.0,20.0,19.1\n\
         己,15.0,18.0,20.0,5.7\n\
         庚,25.0,26.0,4.0,3.8\n\
         辛,35.0,40.0,14.3,12.7\n\
         壬,45.0,50.0,11.1,15.9\n\
         合计,270.0,314.0,16.3,100.0\n",
    )
    .unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    let output = rules.join("T.rules");
    let run = crossfoot(&[
        "infer",
        "--data",
        data.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(&output).unwrap();
    for kind in ["sum T.total.1", "share T.share.1", "growth T.growth.1"] {
        assert!(text.contains(kind), "{kind} proposed:\n{text}");
    }
    assert!(
        text.contains("candidate finding: T[庚, 占比/%] 3.8"),
        "the slipped share is a candidate finding:\n{text}"
    );
    let checked = crossfoot(&[
        "check",
        "--data",
        data.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
    ]);
    assert_eq!(checked.code, 1, "{}{}", checked.stdout, checked.stderr);
}

#[test]
fn the_rules_file_is_never_written_into_the_data_directory() {
    let run = crossfoot(&["infer", "--table", "A2", "--output", "data/2022/A2.rules"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("onto_input"), "{}", run.stderr);
    assert!(!super::root().join("data/2022/A2.rules").exists());
}

#[test]
fn percentages_declared_in_the_manifest_are_shares_to_infer_not_figures_that_add_up() {
    // BLS table 1 (the example corpus) declares its `Percent of …` columns `%` in `units`; its
    // labels print no unit. Infer read units from labels only and proposed nothing.
    let run = crossfoot(&["infer", "--data", "data/examples/bls/data"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let shares = run
        .stdout
        .lines()
        .filter(|line| line.starts_with("share "))
        .count();
    assert_eq!(shares, 3, "{}", run.stdout);
    assert!(
        run.stdout.contains("candidate finding") && run.stdout.contains("59.2"),
        "1951's participation rate, 59.2 for 59.28, is a candidate finding:\n{}",
        run.stdout
    );
}

#[test]
fn a_percentage_beside_the_parts_of_a_declared_total_is_no_part_of_it() {
    // BLS prints `Employed/Total`, `Employed/Percent of population`, `Employed/Agriculture`,
    // `Employed/Nonagricultural industries`: the total was read as the sum of the other three,
    // percentage included, and so never proposed.
    let run = crossfoot(&["infer", "--data", "data/examples/bls/data"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "LF[row, \"Employed\"/\"Total\"] = sum(LF[row, [\"Agriculture\", \"Nonagricultural industries\"]])"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn sums_no_label_states_are_found_in_the_figures() {
    // BLS: the population is the labor force and those not in it; ABS: hours in all jobs are
    // the market's and the non-market's; Eurostat: EA19 is EA18 and Lithuania. No `Total`
    // label says so.
    for (office, expected) in [
        (
            "bls",
            "LF[row, \"Civilian noninstitutional population\"] = LF[row, \"Civilian labor force\"/\"Total\"] + LF[row, \"Not in labor force\"]",
        ),
        ("eurostat", "POP[\"JAN,EA19\", {col}] = "),
        ("abs", "(no label says so: the figures add up)"),
    ] {
        let data = format!("data/examples/{office}/data");
        let run = crossfoot(&["infer", "--data", &data]);
        assert_eq!(run.code, 0, "{office}: {}", run.stderr);
        let expected = expected.replace("{col}", "col");
        assert!(run.stdout.contains(&expected), "{office}:\n{}", run.stdout);
    }
}

#[test]
fn a_sum_is_not_proposed_from_a_few_small_figures_that_happen_to_add_up() {
    // 甲 + 乙 = 丙 in every column, but in figures of one digit: a coincidence is too likely
    // to make a rule of it.
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(
        data.join("T.csv"),
        "name,a,b,c,d\n甲,1,2,3,1\n乙,2,1,4,3\n丙,3,3,7,4\n丁,5,9,2,8\n",
    )
    .unwrap();
    let run = crossfoot(&["infer", "--data", data.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("sum T."), "{}", run.stdout);
}
