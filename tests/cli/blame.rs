//! Blame names the slipped figure first, proposes its printing before the slip and names the
//! slip, in every format: one fixture per slip under `tests/fixtures/blame/` (the same small
//! book, one figure of 表 B1 slipped in each; `rules/blame.rules` lists them). Figures shifted
//! against their labels (several cells at once) have one fixture per slip too: blame names the
//! shift, each cell proposing its neighbour's figure.

use super::{check, findings, parse, snapshot, summary};
use serde_json::{Value, json};

/// A slip fixture: the figure slipped (row, column of 表 B1), as printed before and after.
struct Slipped {
    slip: &'static str,
    row: &'static str,
    column: &'static str,
    before: &'static str,
    after: &'static str,
}

const SLIPS: [Slipped; 7] = [
    Slipped {
        slip: "digits_swapped",
        row: "华东",
        column: "成交额 / 亿元/2021年",
        before: "2 961.5",
        after: "2 916.5",
    },
    Slipped {
        slip: "digit_dropped",
        row: "华南",
        column: "合同数 / 项/2021年",
        before: "11 504",
        after: "1 504",
    },
    Slipped {
        slip: "digit_doubled",
        row: "西部",
        column: "成交额 / 亿元/2020年",
        before: "672.9",
        after: "6 772.9",
    },
    Slipped {
        slip: "decimal_point_moved",
        row: "西部",
        column: "成交额 / 亿元/2021年",
        before: "805.3",
        after: "8 053.0",
    },
    Slipped {
        slip: "copied_from_neighbouring_row",
        row: "华南",
        column: "合同数 / 项/2020年",
        before: "9 870",
        after: "20 315",
    },
    Slipped {
        slip: "copied_from_neighbouring_column",
        row: "华北",
        column: "成交额 / 亿元/2020年",
        before: "1 520.4",
        after: "1 873.6",
    },
    Slipped {
        slip: "last_years_figure_left_in",
        row: "华北",
        column: "成交额 / 亿元/2021年",
        before: "1 873.6",
        after: "1 520.4",
    },
];

fn run(slip: &str, format: &str) -> super::Run {
    let data = format!("tests/fixtures/blame/{slip}/data");
    let run = check(&[
        "--data",
        &data,
        "--rules",
        "tests/fixtures/blame/rules",
        "--format",
        format,
    ]);
    assert_eq!(run.code, 1, "{slip}: {}", run.stderr);
    run
}

fn first_suspect(finding: &Value) -> &Value {
    &finding["blame"]["suspects"][0]
}

fn check_slip(slipped: &Slipped) {
    let json = parse(&run(slipped.slip, "json").stdout);
    let found = findings(&json);
    assert!(
        found.len() >= 2,
        "{}: a slip fails several checks",
        slipped.slip
    );
    for finding in found {
        let blame = &finding["blame"];
        assert_eq!(blame["exact"], true, "{}: {blame:#}", slipped.slip);
        assert_eq!(blame["tied"], false, "{}: {blame:#}", slipped.slip);
        assert_eq!(blame["group"].as_array().unwrap().len(), found.len());
        let suspect = first_suspect(finding);
        assert_eq!(
            (suspect["table"].as_str(), suspect["row"].as_str()),
            (Some("B1"), Some(slipped.row)),
            "{}: {suspect:#}",
            slipped.slip
        );
        assert_eq!(suspect["column"], slipped.column);
        assert_eq!(suspect["value"], slipped.after);
        assert_eq!(suspect["proposed_text"], slipped.before);
        assert_eq!(suspect["slip"], slipped.slip);
        assert_eq!(
            suspect["repairs"].as_array().unwrap().len(),
            found.len(),
            "{}: it repairs every failed check",
            slipped.slip
        );
    }
    let human = run(slipped.slip, "human").stdout;
    snapshot(
        &format!("blame__{}", slipped.slip),
        &format!(
            "blame: {} in 表 B1 [{}, {}], {} printed as {}",
            slipped.slip, slipped.row, slipped.column, slipped.before, slipped.after
        ),
        &human,
    );
}

#[test]
fn the_book_before_any_slip_passes_every_check() {
    // Each fixture's data with its slip undone is the same book: checked here from the first
    // fixture's files, with the slipped figure put back.
    let dir = tempfile::tempdir().unwrap();
    let data = super::root().join("tests/fixtures/blame/digits_swapped/data");
    for file in ["tables.toml", "B1.csv", "B2.csv"] {
        let text = std::fs::read_to_string(data.join(file)).unwrap();
        let text = text.replace("\"2 916.5\"", "\"2 961.5\"");
        std::fs::write(dir.path().join(file), text).unwrap();
    }
    let run = check(&[
        "--data",
        dir.path().to_str().unwrap(),
        "--rules",
        "tests/fixtures/blame/rules",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(summary(&parse(&run.stdout)), [2, 4, 24, 24, 0, 0]);
}

#[test]
fn two_digits_swapped() {
    check_slip(&SLIPS[0]);
}

#[test]
fn a_digit_dropped() {
    check_slip(&SLIPS[1]);
}

#[test]
fn a_digit_doubled() {
    check_slip(&SLIPS[2]);
}

#[test]
fn the_decimal_point_moved() {
    check_slip(&SLIPS[3]);
}

#[test]
fn a_figure_copied_from_the_neighbouring_row() {
    check_slip(&SLIPS[4]);
}

#[test]
fn a_figure_copied_from_the_neighbouring_column() {
    check_slip(&SLIPS[5]);
}

#[test]
fn last_years_figure_left_in() {
    check_slip(&SLIPS[6]);
}

/// A sign slip fixture (its own small book, with its own rules): the figure whose sign
/// slipped, as printed before and after, and the slip blame names.
struct SignSlipped {
    slip: &'static str,
    table: &'static str,
    row: &'static str,
    column: &'static str,
    before: &'static str,
    after: &'static str,
    /// The figure put back as printed before the slip, quoted as its CSV file quotes it.
    in_csv: (&'static str, &'static str, &'static str),
}

const SIGN_SLIPS: [SignSlipped; 2] = [
    SignSlipped {
        slip: "parentheses_dropped",
        table: "P1",
        row: "Expenses",
        column: "2021",
        before: "(141,770)",
        after: "141,770",
        in_csv: ("P1.csv", "Expenses,\"141,770\"", "Expenses,\"(141,770)\""),
    },
    SignSlipped {
        slip: "minus_sign_dropped",
        table: "M1",
        row: "甲",
        column: "增长 / %",
        before: "-1.6",
        after: "1.6",
        in_csv: ("M1.csv", "甲,600.0,590.4,1.6", "甲,600.0,590.4,-1.6"),
    },
];

fn run_sign(slip: &str, data: &str, format: &str) -> super::Run {
    let rules = format!("tests/fixtures/blame/{slip}/rules");
    check(&["--data", data, "--rules", &rules, "--format", format])
}

/// The figure with its sign flipped, and no other value, is proposed, in the column's own
/// printing of a negative; it repairs every failed check of the group and breaks none; and
/// with it put back the book passes every check.
fn check_sign_slip(slipped: &SignSlipped) {
    let data = format!("tests/fixtures/blame/{}/data", slipped.slip);
    let run = run_sign(slipped.slip, &data, "json");
    assert_eq!(run.code, 1, "{}: {}", slipped.slip, run.stderr);
    let json = parse(&run.stdout);
    let found = findings(&json);
    assert_eq!(found.len(), 2, "{}: both checks of it fail", slipped.slip);
    for finding in found {
        let blame = &finding["blame"];
        assert_eq!(blame["exact"], true, "{}: {blame:#}", slipped.slip);
        assert_eq!(blame["tied"], false, "{}: {blame:#}", slipped.slip);
        let suspect = first_suspect(finding);
        assert_eq!(
            (
                suspect["table"].as_str(),
                suspect["row"].as_str(),
                suspect["column"].as_str()
            ),
            (Some(slipped.table), Some(slipped.row), Some(slipped.column)),
            "{}: {suspect:#}",
            slipped.slip
        );
        assert_eq!(suspect["value"], slipped.after);
        assert_eq!(suspect["proposed_text"], slipped.before);
        assert_eq!(suspect["slip"], slipped.slip);
        assert_eq!(suspect["repairs"].as_array().unwrap().len(), found.len());
    }
    snapshot(
        &format!("blame__{}", slipped.slip),
        &format!(
            "blame: {} in {} [{}, {}], {} printed as {}",
            slipped.slip, slipped.table, slipped.row, slipped.column, slipped.before, slipped.after
        ),
        &run_sign(slipped.slip, &data, "human").stdout,
    );
    // Put back, the figure passes every check: the fixture slipped that one figure alone.
    let dir = tempfile::tempdir().unwrap();
    let source = super::root().join(&data);
    for entry in std::fs::read_dir(&source).unwrap() {
        let path = entry.unwrap().path();
        let mut text = std::fs::read_to_string(&path).unwrap();
        let (file, slipped_line, original) = slipped.in_csv;
        if path.file_name().unwrap() == file {
            assert_eq!(text.matches(slipped_line).count(), 1, "{file}");
            text = text.replacen(slipped_line, original, 1);
        }
        std::fs::write(dir.path().join(path.file_name().unwrap()), text).unwrap();
    }
    let fixed = run_sign(slipped.slip, dir.path().to_str().unwrap(), "json");
    assert_eq!(fixed.code, 0, "{}: {}", slipped.slip, fixed.stdout);
}

#[test]
fn a_negative_figure_printed_without_its_parentheses() {
    check_sign_slip(&SIGN_SLIPS[0]);
}

#[test]
fn a_negative_figure_printed_without_its_minus_sign() {
    check_sign_slip(&SIGN_SLIPS[1]);
}

/// SARIF carries the repair as a fix: the slipped figure's bytes replaced by its printing
/// before the slip; Markdown and HTML mark the blamed cell apart, with what it should print.
#[test]
fn every_format_carries_the_blame() {
    let slipped = &SLIPS[0];
    let sarif = parse(&run(slipped.slip, "sarif").stdout);
    let result = &sarif["runs"][0]["results"][0];
    let fix = &result["fixes"][0];
    let change = &fix["artifactChanges"][0];
    assert!(
        change["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("digits_swapped/data/B1.csv"),
        "{fix:#}"
    );
    let replacement = &change["replacements"][0];
    // The cell as written is quoted (`"2 916.5"`): the quotes stay.
    let quoted = |figure: &str| format!("\"{figure}\"");
    assert_eq!(
        replacement["insertedContent"]["text"],
        quoted(slipped.before)
    );
    let (offset, length) = (
        replacement["deletedRegion"]["byteOffset"].as_u64().unwrap() as usize,
        replacement["deletedRegion"]["byteLength"].as_u64().unwrap() as usize,
    );
    let csv = std::fs::read(super::root().join("tests/fixtures/blame/digits_swapped/data/B1.csv"))
        .unwrap();
    assert_eq!(
        &csv[offset..offset + length],
        quoted(slipped.after).as_bytes()
    );
    assert!(
        result["message"]["text"]
            .as_str()
            .unwrap()
            .contains("likely wrong: 表 B1 [华东, 成交额 / 亿元/2021年] prints 2 916.5; 2 961.5 repairs 3 failed checks and breaks none; two digits swapped"),
        "{result:#}"
    );

    let markdown = run(slipped.slip, "markdown").stdout;
    assert!(
        markdown.contains(
            "| likely wrong (→ 2 961.5) | 表 B1 | 华东 | 成交额 / 亿元/2021年 | 2 916.5 |"
        ),
        "{markdown}"
    );
    assert!(
        markdown.contains("- **Blame:** likely wrong: 表 B1"),
        "{markdown}"
    );

    let html = run(slipped.slip, "html").stdout;
    let blamed: Vec<&str> = html
        .match_indices("blamed\" tabindex")
        .map(|(at, _)| &html[at..])
        .collect();
    assert_eq!(blamed.len(), 1, "one cell of the tables is marked blamed");
    assert!(
        blamed[0].contains("data-proposed=\"2 961.5\" title=\"likely wrong (→ 2 961.5)"),
        "{}",
        &blamed[0][..300.min(blamed[0].len())]
    );
}

/// `explain` of a rule with a failed check shows how blame weighed each figure of its group.
#[test]
fn explain_shows_the_reasoning() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_crossfoot"))
        .args([
            "explain",
            "blame.totals",
            "--data",
            "tests/fixtures/blame/digits_swapped/data",
            "--rules",
            "tests/fixtures/blame/rules",
        ])
        .current_dir(super::root())
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(output.status.success(), "{text}");
    let reasoning = text.find("  blame, group 1:").map_or("", |at| &text[at..]);
    snapshot(
        "blame__explain",
        "explain blame.totals with 华东's 2021 amount's digits swapped",
        reasoning,
    );
    assert!(reasoning.contains("← the answer"), "{text}");
}

/// With a baseline, a check the baseline knows still fails without being a finding: it is no
/// confirmation of the figures it reads, and a change that leaves it failing breaks nothing.
/// Blame used to count such checks as passing: it rejected 华东's 2021 amount for "breaking"
/// the two known findings that already failed on it.
#[test]
fn checks_a_baseline_knows_are_neither_confirmations_nor_broken() {
    let dir = tempfile::tempdir().unwrap();
    let data = super::root().join("tests/fixtures/blame/digits_swapped/data");
    for file in ["tables.toml", "B1.csv", "B2.csv"] {
        std::fs::copy(data.join(file), dir.path().join(file)).unwrap();
    }
    let baseline = tempfile::NamedTempFile::new().unwrap();
    let data_arg = dir.path().to_str().unwrap();
    let made = std::process::Command::new(env!("CARGO_BIN_EXE_crossfoot"))
        .args([
            "baseline",
            "--data",
            data_arg,
            "--rules",
            "tests/fixtures/blame/rules",
        ])
        .arg("--output")
        .arg(baseline.path())
        .current_dir(super::root())
        .output()
        .unwrap();
    assert!(made.status.success(), "{made:?}");
    // A later edit: 华东's amount growth 24.2 printed as 42.2.
    let b1 = dir.path().join("B1.csv");
    let text = std::fs::read_to_string(&b1).unwrap();
    std::fs::write(
        &b1,
        text.replacen("\"2 916.5\",24.2", "\"2 916.5\",42.2", 1),
    )
    .unwrap();
    let run = check(&[
        "--data",
        data_arg,
        "--rules",
        "tests/fixtures/blame/rules",
        "--format",
        "json",
        "--baseline",
        baseline.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json = parse(&run.stdout);
    let found = findings(&json);
    assert_eq!(found.len(), 1, "only the growth changed: {json:#}");
    let suspects = found[0]["blame"]["suspects"].as_array().unwrap();
    let amount = suspects
        .iter()
        .find(|s| s["row"] == "华东" && s["column"] == "成交额 / 亿元/2021年")
        .unwrap_or_else(|| panic!("华东's 2021 amount is a suspect: {suspects:#?}"));
    assert_eq!(amount["confirmed_by"], 0, "{amount:#}");
}

/// A table's `blame_weight` breaks a tie: the equal fixture's 512.4 and 512.5 are either one
/// the wrong printing, until the table printing 512.5 is trusted three times as much.
#[test]
fn a_table_trusted_more_breaks_a_tie() {
    let blame_of = |weight: Option<&str>| {
        let dir = tempfile::tempdir().unwrap();
        let data = super::root().join("tests/fixtures/equal/data");
        for file in std::fs::read_dir(&data).unwrap() {
            let path = file.unwrap().path();
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
        if let Some(weight) = weight {
            let manifest = dir.path().join("tables.toml");
            let text = std::fs::read_to_string(&manifest).unwrap();
            let text = text.replace(
                "file = \"E3.csv\"",
                &format!("file = \"E3.csv\"\nblame_weight = {weight}"),
            );
            std::fs::write(&manifest, text).unwrap();
        }
        check(&[
            "--data",
            dir.path().to_str().unwrap(),
            "--rules",
            "tests/fixtures/equal/rules",
            "--format",
            "json",
        ])
    };
    let blame = |run: super::Run| {
        assert_eq!(run.code, 1, "{}", run.stderr);
        let json = parse(&run.stdout);
        let finding = findings(&json)
            .iter()
            .find(|f| f["rule"] == "equal.fail")
            .cloned()
            .unwrap_or_else(|| panic!("{json:#}"));
        finding["blame"].clone()
    };
    let even = blame(blame_of(None));
    assert_eq!(even["tied"], true, "{even:#}");
    let weighed = blame(blame_of(Some("3")));
    assert_eq!(weighed["tied"], false, "{weighed:#}");
    assert_eq!(weighed["suspects"][0]["table"], "E2", "{weighed:#}");
    assert_eq!(weighed["suspects"][1]["table"], "E3", "{weighed:#}");
    assert_eq!(weighed["suspects"][1]["weight"], 3, "{weighed:#}");
    // 0 is no weight: an input error naming the manifest.
    let zero = blame_of(Some("0"));
    assert_eq!(zero.code, 2, "{}", zero.stdout);
    assert!(zero.stderr.contains("tables.toml"), "{}", zero.stderr);
}

/// A figure printed in two tables, slipped alike in both: no one figure explains the three
/// failed checks (either printing changed alone breaks their equality), two together do, and
/// the finding of the second table's share, which the pair repairs too, is one group with them.
#[test]
fn two_printings_slipped_alike_are_blamed_together() {
    let json = parse(&run("both_printings_slipped", "json").stdout);
    let found = findings(&json);
    assert_eq!(found.len(), 3, "{json:#}");
    for finding in found {
        let blame = &finding["blame"];
        assert_eq!(blame["exact"], false, "{blame:#}");
        assert_eq!(blame["pair"], true, "{blame:#}");
        assert_eq!(blame["leading"], 2, "{blame:#}");
        assert_eq!(blame["group"].as_array().unwrap().len(), 3, "{blame:#}");
        let pair: Vec<_> = blame["suspects"].as_array().unwrap()[..2]
            .iter()
            .map(|s| {
                (
                    s["table"].as_str().unwrap(),
                    s["row"].as_str().unwrap(),
                    s["value"].as_str().unwrap(),
                    s["proposed_text"].as_str().unwrap(),
                    s["slip"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            pair,
            [
                ("B1", "华东", "2 916.5", "2 961.5", "digits_swapped"),
                ("B2", "华东", "2 916.5", "2 961.5", "digits_swapped"),
            ]
        );
    }
    // Each finding marks the figure of the pair it reads, and says what both should print.
    let human = run("both_printings_slipped", "human").stdout;
    assert_eq!(human.matches("two together do").count(), 3, "{human}");
    assert_eq!(human.matches("likely wrong (→ 2").count(), 3, "{human}");
}

/// A rule's `blame_weight` makes each of its passing checks count that many times as a
/// figure's confirmation: of two printings of a figure, each confirmed by one bound, the one
/// a weighted rule confirms is trusted more, and the tie is broken.
#[test]
fn a_rule_trusted_more_breaks_a_tie() {
    let blame_of = |weight: &str| {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
        let mut manifest = String::from("year = 2021\n");
        for id in ["W1", "W2"] {
            manifest.push_str(&format!(
                "\n[[table]]\nid = \"{id}\"\nprinted = \"表 {id}\"\nfile = \"{id}.csv\"\n"
            ));
        }
        write("tables.toml", &manifest);
        write("W1.csv", "项目,值 / 项\na,10\ncap,100\n");
        write("W2.csv", "项目,值 / 项\na,12\ncap,100\n");
        write(
            "w.rules",
            &format!(
                "expr w.first_bound \"a is at most cap in W1\"\n  {weight}\n  W1[a, 值] <= W1[cap, 值]\n\n\
                 expr w.second_bound \"a is at most cap in W2\"\n  W2[a, 值] <= W2[cap, 值]\n\n\
                 equal w.same \"W2 prints W1's a again\"\n  W2[a, 值] = W1[a, 值]\n"
            ),
        );
        let (data, rules) = (dir.path().to_str().unwrap(), dir.path().join("w.rules"));
        let run = check(&[
            "--data",
            data,
            "--rules",
            rules.to_str().unwrap(),
            "--format",
            "json",
        ]);
        (run, dir)
    };
    let blame = |weight: &str| {
        let (run, _dir) = blame_of(weight);
        assert_eq!(run.code, 1, "{}", run.stderr);
        let json = parse(&run.stdout);
        findings(&json)[0]["blame"].clone()
    };
    let even = blame("");
    assert_eq!(even["tied"], true, "{even:#}");
    let weighed = blame("blame_weight 3");
    assert_eq!(weighed["tied"], false, "{weighed:#}");
    assert_eq!(weighed["suspects"][0]["table"], "W2", "{weighed:#}");
    assert_eq!(weighed["suspects"][1]["table"], "W1", "{weighed:#}");
    assert_eq!(weighed["suspects"][1]["confirmed_by"], 1, "{weighed:#}");
    assert_eq!(weighed["suspects"][1]["weight"], 4, "{weighed:#}");
    // A weight is a whole number from 1: anything else is an error on it.
    for wrong in ["blame_weight 0", "blame_weight 1.5"] {
        let (run, _dir) = blame_of(wrong);
        assert_eq!(run.code, 2, "{wrong}: {}", run.stdout);
        assert!(
            run.stderr.contains("is not a blame weight"),
            "{wrong}: {}",
            run.stderr
        );
    }
}

/// A passing bound allows a figure a range and confirms nothing: a province whose 其中 city
/// is within it is as likely wrong as the others when the provinces no longer add up to
/// their total. (Counted as a confirmation, the bound left the wrong province out of the
/// figures "any one of which may be wrong", a third of the times the drafts harness found the
/// wrong figure missing from blame's answer.) An equality still confirms.
#[test]
fn a_passing_bound_confirms_no_figure() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write(
        "tables.toml",
        "year = 2021\n\n[[table]]\nid = \"P1\"\nprinted = \"表 P1\"\nfile = \"P1.csv\"\n",
    );
    // 浙江 is wrong (2 597 too many): 合计 is 549 353, the provinces add up to 551 950.
    write(
        "P1.csv",
        "地区,合同数 / 项\n合计,549 353\n北京,84 451\n浙江,28 567\n其中：宁波,3184\n江苏,438 932\n",
    );
    let blame = |rules: &str| {
        write("p.rules", rules);
        let run = check(&[
            "--data",
            dir.path().to_str().unwrap(),
            "--rules",
            dir.path().join("p.rules").to_str().unwrap(),
            "--format",
            "json",
        ]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        findings(&parse(&run.stdout))[0]["blame"].clone()
    };
    let sum = "sum p.total \"合计 is the sum of the provinces\"\n  P1[合计, 合同数] = sum(P1[北京, 合同数], P1[浙江, 合同数], P1[江苏, 合同数])\n\n";
    let bound =
        "expr p.of_which \"宁波 is part of 浙江\"\n  P1[其中：宁波, 合同数] <= P1[浙江, 合同数]\n";
    let answer = |blame: &Value| -> Vec<String> {
        let leading = blame["leading"].as_u64().unwrap() as usize;
        blame["suspects"].as_array().unwrap()[..leading]
            .iter()
            .map(|s| s["row"].as_str().unwrap().to_string())
            .collect()
    };
    let with_bound = blame(&format!("{sum}{bound}"));
    assert_eq!(with_bound["tied"], true, "{with_bound:#}");
    assert_eq!(
        answer(&with_bound),
        ["合计", "北京", "浙江", "江苏"],
        "{with_bound:#}"
    );
    let zhejiang = with_bound["suspects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["row"] == "浙江")
        .unwrap();
    assert_eq!(zhejiang["proposed"], "25970", "{with_bound:#}");
    assert_eq!(zhejiang["confirmed_by"], 0, "{with_bound:#}");
    // 浙江 printed again, and the same: that equality confirms it, and it is left out.
    let printed_again = "expr p.again \"浙江 as printed elsewhere\"\n  P1[浙江, 合同数] = 28567\n";
    let confirmed = blame(&format!("{sum}{bound}{printed_again}"));
    assert!(
        !answer(&confirmed).contains(&"浙江".to_string()),
        "{confirmed:#}"
    );
}

/// A fixture of figures moved against their labels: the cells blame changes, (row, column of
/// 表 B1, as printed, as proposed), the slip, its direction and the row of the figure solved
/// for (pushed out by the shift).
struct Moved {
    slip: &'static str,
    changes: &'static [(&'static str, &'static str, &'static str, &'static str)],
    direction: Option<&'static str>,
    lost: Option<(&'static str, &'static str)>,
    description: &'static str,
}

const CONTRACTS_2020: &str = "合同数 / 项/2020年";
const CONTRACTS_2021: &str = "合同数 / 项/2021年";

const MOVES: [Moved; 4] = [
    Moved {
        slip: "rows_shifted",
        changes: &[
            ("华东", CONTRACTS_2020, "12 480", "20 315"),
            ("华南", CONTRACTS_2020, "20 315", "9 870"),
            ("西部", CONTRACTS_2020, "9 870", "6 245"),
        ],
        direction: Some("down"),
        lost: Some(("西部", CONTRACTS_2020)),
        description: "表 B1's 合同数 2020年 printed one row down from 华东",
    },
    Moved {
        slip: "columns_shifted",
        changes: &[
            ("华南", CONTRACTS_2020, "24.2", "9 870"),
            ("华南", CONTRACTS_2021, "9 870", "11 504"),
            ("华南", "合同数 / 项/增长 / %", "11 504", "16.6"),
        ],
        direction: Some("right"),
        lost: Some(("华南", "合同数 / 项/增长 / %")),
        description: "表 B1's 华南 合同数 printed one column right",
    },
    Moved {
        slip: "rows_swapped",
        changes: &[
            ("华东", CONTRACTS_2021, "11 504", "23 871"),
            ("华南", CONTRACTS_2021, "23 871", "11 504"),
        ],
        direction: None,
        lost: None,
        description: "表 B1's 合同数 2021年 of 华东 and 华南 swapped",
    },
    Moved {
        slip: "columns_swapped",
        changes: &[
            ("西部", "成交额 / 亿元/2020年", "805.3", "672.9"),
            ("西部", "成交额 / 亿元/2021年", "672.9", "805.3"),
        ],
        direction: None,
        lost: None,
        description: "表 B1's 西部 成交额 2020年 and 2021年 swapped",
    },
];

/// Every finding of a shift fixture is one group, and its answer is the shift: each moved
/// cell proposing its neighbour's figure (as that cell prints it), the pushed-out one the
/// figure the checks give, every one named by the shift's slip.
fn check_moved(moved: &Moved) {
    let json = parse(&run(moved.slip, "json").stdout);
    let found = findings(&json);
    assert!(found.len() >= 2, "{}: {json:#}", moved.slip);
    for finding in found {
        let blame = &finding["blame"];
        assert_eq!(blame["exact"], false, "{}: {blame:#}", moved.slip);
        assert_eq!(blame["tied"], false, "{}: {blame:#}", moved.slip);
        assert_eq!(blame["group"].as_array().unwrap().len(), found.len());
        assert_eq!(blame["leading"], moved.changes.len(), "{blame:#}");
        let answer: Vec<(&str, &str, &str, &str, &str)> = blame["suspects"]
            .as_array()
            .unwrap()
            .iter()
            .take(moved.changes.len())
            .map(|s| {
                assert_eq!(s["table"], "B1", "{s:#}");
                (
                    s["row"].as_str().unwrap(),
                    s["column"].as_str().unwrap(),
                    s["value"].as_str().unwrap(),
                    s["proposed_text"].as_str().unwrap(),
                    s["slip"].as_str().unwrap(),
                )
            })
            .collect();
        let expected: Vec<_> = moved
            .changes
            .iter()
            .map(|&(row, column, printed, proposed)| (row, column, printed, proposed, moved.slip))
            .collect();
        assert_eq!(answer, expected, "{}: {blame:#}", moved.slip);
        let shifted = &blame["shifted"];
        assert_eq!(shifted["slip"], moved.slip, "{shifted:#}");
        assert_eq!(
            shifted["direction"].as_str(),
            moved.direction,
            "{shifted:#}"
        );
        let lost = shifted
            .get("lost")
            .map(|c| (c["row"].as_str().unwrap(), c["column"].as_str().unwrap()));
        assert_eq!(lost, moved.lost, "{shifted:#}");
        // Each figure moved back is what its neighbour prints.
        for (to, from) in shifted["belongs_to"]
            .as_array()
            .unwrap()
            .iter()
            .zip(shifted["printed_in"].as_array().unwrap())
        {
            if let Some(&(_, _, _, proposed)) = moved
                .changes
                .iter()
                .find(|c| c.0 == to["row"] && c.1 == to["column"])
            {
                assert_eq!(from["value"], proposed, "{shifted:#}");
            }
        }
        assert!(blame["relabelled"].is_null(), "{blame:#}");
    }
    let human = run(moved.slip, "human").stdout;
    snapshot(
        &format!("blame__{}", moved.slip),
        &format!("blame: {} ({})", moved.slip, moved.description),
        &human,
    );
}

#[test]
fn a_column_shifted_one_row_down() {
    check_moved(&MOVES[0]);
}

#[test]
fn a_row_shifted_one_column_right() {
    check_moved(&MOVES[1]);
}

#[test]
fn two_rows_swapped() {
    check_moved(&MOVES[2]);
}

#[test]
fn two_columns_swapped() {
    check_moved(&MOVES[3]);
}

/// A shift's cells are the answer in every format: one SARIF fix changing all three (each
/// cell as written, quotes kept, given its neighbour's figure), each marked in Markdown and
/// HTML with what it should print, and `explain` says the search that found it.
#[test]
fn every_format_carries_the_shift() {
    let shifted = &MOVES[0];
    let sarif = parse(&run(shifted.slip, "sarif").stdout);
    for result in sarif["runs"][0]["results"].as_array().unwrap() {
        let fixes = result["fixes"].as_array().unwrap();
        assert_eq!(fixes.len(), 1, "{result:#}");
        let inserted: Vec<&str> = fixes[0]["artifactChanges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                c["replacements"][0]["insertedContent"]["text"]
                    .as_str()
                    .unwrap()
            })
            .collect();
        assert_eq!(inserted, ["\"20 315\"", "\"9 870\"", "\"6 245\""]);
    }
    let markdown = run(shifted.slip, "markdown").stdout;
    for (row, _, printed, proposed) in shifted.changes {
        let mark = format!(
            "| likely wrong (→ {proposed}) | 表 B1 | {row} | 合同数 / 项/2020年 | {printed} |"
        );
        assert!(markdown.contains(&mark), "{mark}\n{markdown}");
    }
    let html = run(shifted.slip, "html").stdout;
    let proposed: Vec<&str> = html
        .match_indices("blamed\" tabindex")
        .filter_map(|(at, _)| html[at..].split("data-proposed=\"").nth(1))
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert_eq!(proposed, ["20 315", "9 870", "6 245"]);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_crossfoot"))
        .args([
            "explain",
            "blame.totals",
            "--data",
            "tests/fixtures/blame/rows_shifted/data",
            "--rules",
            "tests/fixtures/blame/rules",
        ])
        .current_dir(super::root())
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("search: no single figure explains the group; a shift does"),
        "{text}"
    );
    assert_eq!(text.matches("← the answer").count(), 3, "{text}");
}

/// A shift is named only where moving the figures back repairs every failed check: the rows
/// shifted, with 西部's growth printed otherwise (so the figure pushed out cannot satisfy both
/// its total and its growth), is no shift, and none of the single-figure fixtures is one.
#[test]
fn no_shift_where_moving_back_leaves_a_check_failing() {
    let dir = tempfile::tempdir().unwrap();
    let data = super::root().join("tests/fixtures/blame/rows_shifted/data");
    for file in ["tables.toml", "B1.csv", "B2.csv"] {
        std::fs::copy(data.join(file), dir.path().join(file)).unwrap();
    }
    let b1 = dir.path().join("B1.csv");
    let text = std::fs::read_to_string(&b1).unwrap();
    assert!(text.contains("\"7 319\",17.2"));
    std::fs::write(&b1, text.replace("\"7 319\",17.2", "\"7 319\",27.2")).unwrap();
    let run = check(&[
        "--data",
        dir.path().to_str().unwrap(),
        "--rules",
        "tests/fixtures/blame/rules",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json = parse(&run.stdout);
    for finding in findings(&json) {
        assert!(finding["blame"]["shifted"].is_null(), "{finding:#}");
    }
    for slipped in SLIPS {
        let json = parse(&self::run(slipped.slip, "json").stdout);
        for finding in findings(&json) {
            assert!(finding["blame"]["shifted"].is_null(), "{finding:#}");
        }
    }
}

/// 表 4-13 prints, for 新加坡, figures that 表 4-9 does not (34.5 against 124.1), and in its
/// row 日本 exactly 表 4-9's 新加坡 amount: no change of one figure or two explains the finding
/// (the amounts are ranked), the labels do, and blame says so. A figure of the text is never
/// taken for a relabelled row (its "rows" are anchors), nor is a figure of fewer than four
/// digits (`8` matches by chance).
#[test]
fn a_row_printed_under_another_label_is_named() {
    let run = check(&["--format", "json"]);
    let json = parse(&run.stdout);
    let relabelled: Vec<(String, Value)> = findings(&json)
        .iter()
        .filter(|f| f["blame"]["relabelled"].is_array())
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["blame"]["relabelled"].clone(),
            )
        })
        .collect();
    let singapore = relabelled
        .iter()
        .find(|(rule, r)| {
            rule == "T4-13.belt_and_road_countries" && r[0]["belongs_to"][0]["row"] == "新加坡"
        })
        .unwrap_or_else(|| panic!("{relabelled:#?}"));
    let printed_in = &singapore.1[0]["printed_in"][0];
    assert_eq!(
        (
            &printed_in["table"],
            &printed_in["row"],
            &printed_in["value"]
        ),
        (
            &Value::from("T4-13"),
            &Value::from("日本"),
            &Value::from("124.1")
        )
    );
    assert_eq!(singapore.1[0]["belongs_to"][0]["table"], "T4-9");
    assert!(
        relabelled
            .iter()
            .flat_map(|(_, r)| r.as_array().unwrap())
            .flat_map(|r| r["printed_in"].as_array().unwrap())
            .all(|cell| cell["table"] != "TEXT" && cell["value"].as_str().unwrap().len() >= 4),
        "{relabelled:#?}"
    );
    // The help wraps (at spaces and hyphens): compared without its white space.
    let human: String = check(&[])
        .stdout
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(
        human.contains("表4-13'srow日本prints表4-9'sfiguresof新加坡(124.1)"),
        "{human}"
    );
}

/// A record rule whose checks read more than blame indexes by listing cells (100 000 rows ×
/// 22 figures, past `WIDEST_RULE`) is indexed from its rows: a wrong total that fails both
/// of its row's checks is blamed, with the figure that repairs both, where it used to be
/// left "too wide to blame".
#[test]
fn a_record_files_wrong_total_is_blamed_however_many_rows() {
    let parts: Vec<String> = (1..=20).map(|i| format!("x{i}")).collect();
    let mut csv = format!("id,{},t,u,v\n", parts.join(","));
    for row in 0..100_000 {
        let total = if row == 77_777 { "2100.0" } else { "2000.0" };
        csv.push_str(&format!(
            "{row},{}{total},1000.0,1000.0\n",
            "100.0,".repeat(20)
        ));
    }
    let terms: Vec<String> = parts.iter().map(|p| format!("T[r, {p}]")).collect();
    let rules = format!(
        "sum T.parts \"t adds the parts\"\n  for r in rows(T)\n  T[r, t] = {}\n\n\
         sum T.halves \"t adds the halves\"\n  for r in rows(T)\n  T[r, t] = T[r, u] + T[r, v]\n",
        terms.join(" + ")
    );
    let run = super::check_scratch(&super::scratch(csv.as_bytes(), &rules));
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json = parse(&run.stdout);
    let found = findings(&json);
    assert_eq!(found.len(), 2, "{json:#}");
    for finding in found {
        let blame = &finding["blame"];
        assert_eq!(blame["too_wide"], Value::Null, "{blame:#}");
        let suspect = &blame["suspects"][0];
        assert_eq!(suspect["row"], "77777", "{blame:#}");
        assert_eq!(suspect["column"], "t", "{blame:#}");
        assert_eq!(suspect["proposed_text"], "2000.0", "{blame:#}");
        assert_eq!(blame["leading"], 1, "{blame:#}");
    }
}

/// A figure is proposed with its sign flipped only in a column that prints negative figures:
/// a count of contracts printed `1` is never "the minus sign of −1 dropped", though −1 would
/// make its total add up (the drafts harness found this on 表 4-10's 核应用).
#[test]
fn a_count_in_a_column_without_negatives_is_never_proposed_negative() {
    let csv = "项目,合同数/项\na,1\nb,2\n合计,1\n";
    let rules =
        "sum T.total \"合计 adds the rows\"\n  T[合计, 合同数] = T[a, 合同数] + T[b, 合同数]\n";
    let run = super::check_scratch(&super::scratch(csv.as_bytes(), rules));
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json = parse(&run.stdout);
    let found = findings(&json);
    assert_eq!(found.len(), 1, "{json:#}");
    let blame = &found[0]["blame"];
    for suspect in blame["suspects"].as_array().unwrap() {
        let proposed = suspect["proposed"].as_str().unwrap_or_default();
        assert!(!proposed.starts_with('-'), "{blame:#}");
        assert_eq!(suspect["slip"], Value::Null, "{blame:#}");
    }
    // Where the column prints a negative, the flip is proposed.
    let csv = "项目,增减\na,10\nb,20\nc,-40\n合计,-30\n";
    let rules = "sum T.total \"合计 adds the rows\"\n  T[合计, 增减] = T[a, 增减] + T[b, 增减] + T[c, 增减]\n";
    let run = super::check_scratch(&super::scratch(csv.as_bytes(), rules));
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json = parse(&run.stdout);
    let suspect = &findings(&json)[0]["blame"]["suspects"][0];
    assert_eq!(suspect["row"], "a", "{suspect:#}");
    assert_eq!(suspect["proposed"], "-10", "{suspect:#}");
    assert_eq!(suspect["slip"], "minus_sign_dropped", "{suspect:#}");
}

/// `check --format json` on a scratch record file `T.csv` with `rules` and its own
/// `tables.toml`, which finds something (exit 1); `context` names the case in a failure.
fn record_file_findings(csv: &str, rules: &str, manifest: &str, context: &str) -> Value {
    let dir = super::scratch(csv.as_bytes(), rules);
    std::fs::write(dir.path().join("data/tables.toml"), manifest).unwrap();
    let run = super::check_scratch(&dir);
    assert_eq!(run.code, 1, "{context}: {}", run.stderr);
    parse(&run.stdout)
}

/// A long record file whose columns declare their exactness has its row labels made only for
/// the rows a report names (or all of them, once a rule names a row): each is the label the
/// file prints, a declared footnote marker left out of its name.
#[test]
fn a_long_record_files_rows_are_named_as_printed() {
    let mut csv = String::from("id,a,b,t\n");
    for row in 0..40_000 {
        let total = if row == 31_337 { "3.5" } else { "3.0" };
        csv.push_str(&format!("r{row} *,1.0,2.0,{total}\n"));
    }
    let json = record_file_findings(
        &csv,
        "sum T.t \"t adds a and b\"\n  for r in rows(T)\n  T[r, t] = T[r, a] + T[r, b]\n\n\
         equal T.first \"the first row's a is b's half\"\n  2 * T[r0, a] = T[r0, b]\n",
        "footnote_markers = [\"*\"]\n\n[[table]]\nid = \"T\"\nfile = \"T.csv\"\n\
         header_rows = 1\nlabel_columns = 1\n\
         columns = { \"a\" = { exact = false }, \"b\" = { exact = false }, \"t\" = { exact = false } }\n",
        "",
    );
    let found = findings(&json);
    assert_eq!(found.len(), 1, "{json:#}");
    let cells = found[0]["cells"].as_array().unwrap();
    assert!(cells.iter().all(|c| c["row"] == "r31337 *"), "{cells:#?}");
    assert_eq!(
        found[0]["blame"]["suspects"][0]["row"], "r31337 *",
        "{json:#}"
    );
    assert_eq!(json["summary"]["passed"], 40_000, "{json:#}");
}

/// A long record file's figures are held in 4 bytes where they all fit, in 8 where one does
/// not: the same findings either way, with their figures as printed.
#[test]
fn a_long_record_file_is_checked_alike_whatever_the_size_of_its_figures() {
    for large in ["2.0", "9999999.0"] {
        let mut csv = String::from("id,a,b,t\n");
        for row in 0..40_000 {
            let (b, total) = match row {
                7 => (large, if large == "2.0" { "3.0" } else { "10000000.0" }),
                31_337 => ("2.0", "-3.5"),
                _ => ("2.0", "3.0"),
            };
            csv.push_str(&format!("r{row},1.0,{b},{total}\n"));
        }
        let json = record_file_findings(
            &csv,
            "sum T.t \"t adds a and b\"\n  for r in rows(T)\n  T[r, t] = T[r, a] + T[r, b]\n",
            "[[table]]\nid = \"T\"\nfile = \"T.csv\"\nheader_rows = 1\nlabel_columns = 1\n\
             columns = { \"a\" = { exact = true }, \"b\" = { exact = true }, \"t\" = { exact = true } }\n",
            large,
        );
        let found = findings(&json);
        assert_eq!(found.len(), 1, "{large}: {json:#}");
        assert_eq!(found[0]["published"], "-3.5", "{large}: {json:#}");
        assert_eq!(found[0]["expected"]["low"], "3", "{large}: {json:#}");
        assert_eq!(json["summary"]["passed"], 39_999, "{large}: {json:#}");
    }
}

/// A long record file's checks read its rows' 4-byte cells in place where every figure of the
/// rule prints with the same decimals; a row with a `—`, or with figures of other decimals, is
/// decided the general way: skipped, or checked at its own decimals.
#[test]
fn a_long_record_files_rows_of_other_figures_are_decided_the_general_way() {
    let mut csv = String::from("id,a,b,t\n");
    for row in 0..40_000 {
        let line = match row {
            5 => "r5,1.0,—,3.0".to_string(),
            9 => "r9,1.25,2.0,3.25".to_string(),
            11 => "r11,1.25,2.0,3.5".to_string(),
            17 => "r17,1,2,4".to_string(),
            _ => format!("r{row},1.0,2.0,3.0"),
        };
        csv.push_str(&line);
        csv.push('\n');
    }
    let json = record_file_findings(
        &csv,
        "sum T.t \"t adds a and b\"\n  for r in rows(T)\n  T[r, t] = T[r, a] + T[r, b]\n",
        "[[table]]\nid = \"T\"\nfile = \"T.csv\"\nheader_rows = 1\nlabel_columns = 1\n\
         columns = { \"a\" = { exact = true }, \"b\" = { exact = true }, \"t\" = { exact = true } }\n",
        "",
    );
    let found = findings(&json);
    let rows: Vec<&Value> = found.iter().map(|f| &f["cells"][0]["row"]).collect();
    assert_eq!(rows, [&json!("r11"), &json!("r17")], "{json:#}");
    assert_eq!(found[0]["published"], "3.5", "{json:#}");
    assert_eq!(found[0]["expected"]["low"], "3.25", "{json:#}");
    assert_eq!(found[1]["published"], "4", "{json:#}");
    assert_eq!(json["summary"]["passed"], 39_997, "{json:#}");
    assert_eq!(json["summary"]["skipped"], 1, "{json:#}");
}

/// A record file of more than a million figures is read, and its 4-byte cells held, in
/// buffers of their own (mapped, in huge pages where the system has them): its findings are
/// those of any file, with the lines, columns and spans of the figures as printed.
#[test]
fn a_record_file_of_a_million_figures_is_checked_and_placed_as_printed() {
    let mut csv = String::from("id,a,b,c,t\n");
    for row in 0..270_000 {
        let total = if row == 250_001 { "6.5" } else { "6.0" };
        csv.push_str(&format!("r{row},1.0,2.0,3.0,{total}\n"));
    }
    let json = record_file_findings(
        &csv,
        "sum T.t \"t adds a, b and c\"\n  for r in rows(T)\n  T[r, t] = T[r, a] + T[r, b] + T[r, c]\n",
        "[[table]]\nid = \"T\"\nfile = \"T.csv\"\nheader_rows = 1\nlabel_columns = 1\n\
         columns = { \"a\" = { exact = false }, \"b\" = { exact = false }, \
         \"c\" = { exact = false }, \"t\" = { exact = false } }\n",
        "",
    );
    let found = findings(&json);
    assert_eq!(found.len(), 1, "{json:#}");
    assert_eq!(json["summary"]["passed"], 269_999, "{json:#}");
    let total = &found[0]["cells"][0];
    assert_eq!(
        (&total["row"], &total["column"]),
        (&json!("r250001"), &json!("t"))
    );
    assert_eq!(
        (&total["line"], &total["column_number"]),
        (&json!(250_003), &json!(21))
    );
    let offset = total["span"]["offset"].as_u64().unwrap() as usize;
    assert_eq!(csv.get(offset..offset + 3), Some("6.5"));
    let suspects = found[0]["blame"]["suspects"].as_array().unwrap();
    let repair = suspects.iter().find(|s| s["column"] == "t").unwrap();
    assert_eq!(
        (&repair["row"], &repair["proposed_text"]),
        (&json!("r250001"), &json!("6.0"))
    );
}

/// A record file past 1 MB, whose line breaks and blank lines are found as its text is
/// validated: with `\r\n` line ends and a blank line, its rows are counted line by line and
/// its figures placed on the lines that print them, in the JSON report and the human one.
#[test]
fn a_large_record_file_with_crlf_and_a_blank_line_is_placed_as_printed() {
    let mut csv = String::from("id,a,b,t\r\n");
    for row in 0..70_000 {
        let total = if row == 50_001 { "3.5" } else { "3.0" };
        csv.push_str(&format!("r{row},1.0,2.0,{total}\r\n"));
        if row == 100 {
            csv.push_str("\r\n");
        }
    }
    assert!(csv.len() > 1 << 20);
    let rules = "sum T.t \"t adds a and b\"\n  for r in rows(T)\n  T[r, t] = T[r, a] + T[r, b]\n";
    let manifest = "[[table]]\nid = \"T\"\nfile = \"T.csv\"\nheader_rows = 1\nlabel_columns = 1\n\
         columns = { \"a\" = { exact = false }, \"b\" = { exact = false }, \"t\" = { exact = false } }\n";
    let dir = super::scratch(csv.as_bytes(), rules);
    std::fs::write(dir.path().join("data/tables.toml"), manifest).unwrap();
    let run = super::check_scratch(&dir);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json = parse(&run.stdout);
    let found = findings(&json);
    assert_eq!(found.len(), 1, "{json:#}");
    // Each row one check: the blank line is none.
    let summary = &json["summary"];
    assert_eq!(
        (&summary["checks"], &summary["passed"], &summary["skipped"]),
        (&json!(70_000), &json!(69_999), &json!(0)),
        "{json:#}"
    );
    let total = &found[0]["cells"][0];
    assert_eq!(total["row"], "r50001");
    // The header, rows 0 to 50 000 and the blank line come before it: 50 003 lines.
    assert_eq!(
        (&total["line"], &total["column_number"]),
        (&json!(50_004), &json!(16))
    );
    let offset = total["span"]["offset"].as_u64().unwrap() as usize;
    assert_eq!(csv.get(offset..offset + 3), Some("3.5"));
    let human = super::check_scratch_as(&dir, "human");
    assert!(human.stdout.contains("T.csv:50004:"), "{}", human.stdout);
}

/// The JSON report writes its findings a batch at a time: every one, in the order of the
/// checks, past the size of a batch.
/// A 1 000-row record file whose every third total is wrong: 334 findings, more than one batch
/// of those a report lays out side by side.
fn every_third_total_wrong() -> tempfile::TempDir {
    let mut csv = String::from("id,a,b,t\n");
    for row in 0..1_000 {
        let total = if row % 3 == 0 { "4.0" } else { "3.0" };
        csv.push_str(&format!("r{row},1.0,2.0,{total}\n"));
    }
    super::scratch(
        csv.as_bytes(),
        "sum T.t \"t adds a and b\"\n  for r in rows(T)\n  T[r, t] = T[r, a] + T[r, b]\n",
    )
}

#[test]
fn the_json_report_writes_every_finding_in_order() {
    let dir = every_third_total_wrong();
    let run = super::check_scratch(&dir);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json = parse(&run.stdout);
    let rows: Vec<&str> = findings(&json)
        .iter()
        .map(|f| f["cells"][0]["row"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = (0..1_000).step_by(3).map(|row| format!("r{row}")).collect();
    assert_eq!(rows, expected);
}

/// A reader that stops early (`crossfoot check | head`) ends the run: a report's findings are
/// rendered a batch ahead of the writer, and a writer stopped by the closed pipe stops the
/// rendering too, rather than leave it waiting to hand on its batch.
#[test]
fn a_reader_that_stops_early_ends_the_run() {
    use std::io::Read;
    let dir = every_third_total_wrong();
    let (data, rules) = (dir.path().join("data"), dir.path().join("t.rules"));
    // Each report is far past what a pipe holds: 1.2 MB of JSON, 0.3 MB of text.
    for format in ["json", "human"] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_crossfoot"))
            .args(["check", "--format", format, "--data"])
            .arg(&data)
            .arg("--rules")
            .arg(&rules)
            .env("NO_COLOR", "1")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut start = [0; 1000];
        child.stdout.take().unwrap().read_exact(&mut start).unwrap();
        // The pipe is closed here.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if std::time::Instant::now() >= deadline {
                // Not left running past the test.
                let _ = child.kill();
                panic!("{format}: still running");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        // A reader gone is not an error of the run: its findings still fail it.
        assert_eq!(status.code(), Some(1), "{format}");
    }
}

#[test]
fn the_human_report_writes_every_finding_in_order() {
    let dir = every_third_total_wrong();
    let data = dir.path().join("data");
    let rules = dir.path().join("t.rules");
    let run = super::check(&[
        "--data",
        data.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let published: Vec<&str> = run
        .stdout
        .lines()
        .filter_map(|line| line.split("published 4.0 · T [").nth(1))
        .filter_map(|rest| rest.split(',').next())
        .collect();
    let expected: Vec<String> = (0..1_000).step_by(3).map(|row| format!("r{row}")).collect();
    assert_eq!(published, expected);
}

/// A sum over a record file's column reads every record's figure, and fails: any one of them
/// may be what it lacks. It is blamed alone, and each record's own failed row sum is still
/// blamed on that record's figures (joined, the 2 500 records' figures made one search, and
/// the shifts tried on its column wrote out billions of moves and ran out of memory).
#[test]
fn a_wide_sums_finding_leaves_each_records_finding_its_own_answer() {
    let record = |id: u32| {
        let (x1, x2, x3) = (id % 97, id % 89 + 3, id % 13 + 7);
        let t = x1 + x2 + x3 + if id == 700 { 5 } else { 0 };
        format!("{id},{x1}.5,{x2}.0,{x3}.2,{t}.7\n")
    };
    let records: String = (1..=2_500).map(record).collect();
    let (_dir, data, rules) = super::record_file(
        "",
        &format!("id,x1,x2,x3,t\n{records}"),
        "sum REC.t \"t = x1 + x2 + x3 in every record\"\n  for r in rows(REC)\n  \
         REC[r, t] = REC[r, x1] + REC[r, x2] + REC[r, x3]\n\n\
         expr C.x1 \"the records' x1 add up to 1\"\n  \
         sum(REC[r, x1] for r in rows(REC)) = 1\n",
    );
    let (data, rules) = (data.as_str(), rules.as_str());
    let run = check(&["--data", data, "--rules", rules, "--format", "json"]);
    assert_eq!(run.code, 1, "stderr:\n{}", run.stderr);
    let json = parse(&run.stdout);
    let found = findings(&json);
    assert_eq!(found.len(), 2, "{json:#}");
    let row = found.iter().find(|f| f["rule"] == "REC.t").unwrap();
    let blame = &row["blame"];
    assert_eq!(blame["group"], json!(["REC.t"]), "{blame:#}");
    assert_eq!(blame["exact"], true, "{blame:#}");
    let suspects = blame["suspects"].as_array().unwrap();
    assert_eq!(suspects.len(), 4, "{blame:#}");
    for suspect in suspects {
        assert_eq!(suspect["row"], "700", "{blame:#}");
    }
    let wide = found.iter().find(|f| f["rule"] == "C.x1").unwrap();
    assert_eq!(
        wide["blame"]["group"],
        json!(["C.x1"]),
        "{:#}",
        wide["blame"]
    );
}
