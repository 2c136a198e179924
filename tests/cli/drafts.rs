//! Drafts: an input error in one rule or one table is reported with its span, and every check
//! that does not depend on it still runs and is reported, in every format.

use super::{check, edited_book, parse, root, unwrapped};
use std::path::Path;

fn run(data: &Path, format: &str) -> super::Run {
    check(&[
        "--data",
        data.to_str().expect("UTF-8 path"),
        "--format",
        format,
    ])
}

#[test]
fn a_renamed_row_stops_only_the_rules_that_name_it_in_every_format() {
    let book = parse(&check(&["--format", "json"]).stdout);
    let draft = edited_book("T3-2.csv", |t| t.replacen("\n江苏,", "\n江苏省,", 1));
    let json = run(draft.path(), "json");
    assert_eq!(json.code, 2, "{}", json.stderr);
    let json = parse(&json.stdout);
    let summary = &json["summary"];
    let errors = json["input_errors"].as_array().expect("input_errors");
    assert_eq!(summary["input_errors"].as_u64(), Some(errors.len() as u64));
    assert!(
        errors
            .iter()
            .all(|e| e["code"] == "crossfoot::rules::unknown_label"
                && e["message"].as_str().is_some_and(|m| m.contains("`江苏`"))
                && e["file"].as_str().is_some_and(|f| f.starts_with("rules/"))
                && e["line"].as_u64().is_some())
    );
    // One edit, one error: every rule that names the row is listed in it, and it names what
    // the row became, which no other table prints.
    assert_eq!(errors.len(), 1, "{errors:?}");
    let help = errors[0]["help"].as_str().expect("a help");
    assert!(
        help.contains("T3-2 prints `江苏省`, which none of them does")
            && help.contains("if it was renamed, print it `江苏` again")
            && help.contains("more places:"),
        "{help}"
    );
    // Each error's line and character column point at its span in the rules file.
    for error in errors {
        let text = std::fs::read_to_string(root().join(error["file"].as_str().unwrap())).unwrap();
        let line = text
            .lines()
            .nth(error["line"].as_u64().unwrap() as usize - 1)
            .unwrap();
        let column = error["column_number"].as_u64().unwrap() as usize;
        let at: String = line.chars().skip(column - 1).take(4).collect();
        let offset = error["span"]["offset"].as_u64().unwrap() as usize;
        assert!(column > 1 && text[offset..].starts_with(&at), "{error}");
    }
    // Every check of the book but the few that read 江苏 of 表 3-2 ran.
    let ran = |s: &serde_json::Value| s["passed"].as_u64().unwrap() + s["failed"].as_u64().unwrap();
    assert!(ran(summary) + 200 > ran(&book["summary"]), "{summary}");
    // And the book's findings that do not read 表 3-2 are all still found.
    let reads_t3_2 = |f: &serde_json::Value| {
        f["cells"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["table"] == "T3-2")
    };
    let key = |f: &serde_json::Value| (f["rule"].clone(), f["message"].clone());
    let found: Vec<_> = super::findings(&json).iter().map(key).collect();
    for finding in super::findings(&book).iter().filter(|f| !reads_t3_2(f)) {
        assert!(found.contains(&key(finding)), "lost {finding}");
    }
    let said = [
        ("human", "1 input error (on stderr)"),
        ("sarif", "\"toolExecutionNotifications\""),
        ("junit", "<testsuite name=\"input errors\""),
        ("github", "::error file=rules/"),
        ("markdown", "## Input errors"),
        ("html", "id=\"input-errors\""),
    ];
    for (format, says) in said {
        let report = run(draft.path(), format);
        assert_eq!(report.code, 2, "{format}");
        assert!(report.stdout.contains(says), "{format}: {}", report.stdout);
        assert!(
            report.stdout.contains("江苏") || format == "human",
            "{format}"
        );
        assert!(
            report
                .stderr
                .contains("every check they do not stop was checked")
        );
        if format == "sarif" {
            let log = parse(&report.stdout);
            super::reports::assert_valid_sarif(&super::reports::sarif_validator(), &log);
            assert_eq!(
                log["runs"][0]["invocations"][0]["executionSuccessful"],
                false
            );
        }
    }
}

#[test]
fn a_removed_row_is_one_error_that_says_where_it_was_not_a_near_label() {
    let draft = edited_book("A5.csv", |t| {
        t.replacen("河北,7468,11 739,57.2,555.0,747.3,34.7\n", "", 1)
    });
    let out = run(draft.path(), "human");
    assert_eq!(out.code, 2, "{}", out.stderr);
    let said = unwrapped(&out.stderr);
    assert_eq!(
        said.matches("crossfoot::rules::unknown_label").count(),
        1,
        "{said}"
    );
    assert!(said.contains("× table A5 has no row `河北`"), "{said}");
    // `河南` is as near as `河北` gets, and it is another row, which other tables print too.
    assert!(!said.contains("did you mean"), "{said}");
    assert!(
        said.contains(
            "print a row `河北`, and A5 has none like it: if it was removed, print it again"
        ),
        "{said}"
    );
    // Where it was: the rows it stood between in a table that prints all three.
    assert!(said.contains("where `河北` may have been in A5"), "{said}");
    assert!(said.contains("4 │ 天津,9685"), "{said}");
    assert!(
        said.contains("prints `河北` between this row and the next"),
        "{said}"
    );
    // The other rules that name it, by file and line.
    assert!(
        said.contains("the rules name it in 9 more places:"),
        "{said}"
    );
    assert!(
        said.contains("rules/cross-regions.rules: lines 25, 37, 41, 109, 113"),
        "{said}"
    );
    assert!(
        out.stdout.contains("· 1 input error (on stderr)"),
        "{}",
        out.stdout
    );
    // `lint` reads the draft as `check` does.
    let lint = std::process::Command::new(env!("CARGO_BIN_EXE_crossfoot"))
        .args(["lint", "--data", draft.path().to_str().expect("UTF-8")])
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("crossfoot runs");
    let said = unwrapped(&String::from_utf8_lossy(&lint.stderr));
    assert_eq!(lint.status.code(), Some(2), "{said}");
    assert_eq!(
        said.matches("× table A5 has no row `河北`").count(),
        1,
        "{said}"
    );
    assert!(said.contains("A5 has none like it"), "{said}");
}

#[test]
fn a_short_label_renamed_by_a_suffix_is_named_and_one_other_table_is_spoken_of_alone() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let data = dir.path().join("data");
    std::fs::create_dir(&data).expect("made");
    std::fs::write(data.join("P.csv"), "地区,a\n甲,1\n乙,2\n合计,3\n").expect("written");
    std::fs::write(data.join("Q.csv"), "地区,a\n甲,1\n乙省,2\n合计,3\n").expect("written");
    let rules = dir.path().join("q.rules");
    std::fs::write(
        &rules,
        "equal q.same \"Q prints P's figures\"\n  for r in [甲, 乙]\n  Q[r, a] = P[r, a]\n\n\
         sum q.total \"合计 is 甲 and 乙\"\n  Q[合计, a] = Q[甲, a] + Q[乙, a]\n",
    )
    .expect("written");
    let out = check(&[
        "--data",
        data.to_str().expect("UTF-8"),
        "--rules",
        rules.to_str().expect("UTF-8"),
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let said = unwrapped(&out.stderr);
    // `乙省` is only half like `乙`, but holds it.
    assert!(
        said.contains("P prints a row `乙`; Q prints `乙省`, which it does not: if it was renamed"),
        "{said}"
    );
    assert!(
        said.contains("the rules name it in 1 more place:"),
        "{said}"
    );
}

#[test]
fn a_row_pasted_twice_is_one_error_listing_the_rules_it_stops() {
    let row = "河北,7468,11 739,57.2,555.0,747.3,34.7\n";
    let draft = edited_book("A5.csv", |t| t.replacen(row, &row.repeat(2), 1));
    let json = run(draft.path(), "json");
    assert_eq!(json.code, 2, "{}", json.stderr);
    let json = parse(&json.stdout);
    let errors = json["input_errors"].as_array().expect("input_errors");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["code"], "crossfoot::rules::ambiguous_label");
    let help = errors[0]["help"].as_str().expect("a help");
    assert!(
        help.contains("A5 prints this row label 2 times, alike"),
        "{help}"
    );
    assert!(
        help.contains("the rules name it in 9 more places:"),
        "{help}"
    );
    // Every rule that names it is stopped, and counted, though one error says so.
    assert_eq!(json["summary"]["input_errors"], 1);
    assert!(json["summary"]["not_checked"].as_u64().unwrap() >= 10);
}

#[test]
fn a_blanked_figure_is_named_with_the_rules_it_keeps_from_running() {
    let book = run(&root().join("data/2022"), "human");
    assert!(
        !book.stdout.contains("skipped, for cells"),
        "{}",
        book.stdout
    );
    for blank in ["", "—"] {
        let draft = edited_book("A5.csv", |t| {
            t.replacen("河北,7468,11 739,", &format!("河北,7468,{blank},"), 1)
        });
        let out = run(draft.path(), "human");
        assert_eq!(out.code, 1, "{}", out.stderr);
        let listed = out
            .stdout
            .split_once("skipped, for cells not applicable (empty, `—`, or a mark declared so):\n")
            .map(|(_, after)| after.lines().next().unwrap_or_default().to_string())
            .unwrap_or_default();
        assert!(
            listed.ends_with(
                "A5.csv:5:9 A5 [河北, 合同数 / 项/2021 年]: A5.total, A5.growth, \
                 A5.output_in_T3-2, A5.output_in_T4-2 and 1 more"
            ),
            "{}",
            out.stdout
        );
    }
}

#[test]
fn a_row_added_among_the_parts_that_no_rule_adds_up_is_named() {
    let book = check(&["--format", "json"]);
    assert!(!book.stdout.contains("\"left_out\""));
    // A new region, and the totals of both years' contracts raised by its figures; the sum's
    // group of regions does not name it.
    let draft = edited_book("A5.csv", |t| {
        t.replacen(
            "新疆,741,1819,145.5,9.0,18.9,109.1\n",
            "新疆,741,1819,145.5,9.0,18.9,109.1\n海南新区,100,200,100.0,1.0,2.0,100.0\n",
            1,
        )
        .replacen("合计,549 353,670 506,", "合计,549 453,670 706,", 1)
    });
    let json = parse(&run(draft.path(), "json").stdout);
    let sums: Vec<&serde_json::Value> = super::findings(&json)
        .iter()
        .filter(|f| f["rule"] == "A5.total")
        .collect();
    assert_eq!(sums.len(), 2, "{sums:?}");
    for sum in sums {
        let left_out = &sum["blame"]["left_out"];
        assert_eq!(left_out["line"], "row", "{sum}");
        assert_eq!(left_out["cells"][0]["row"], "海南新区", "{sum}");
        assert_eq!(left_out["cells"][0]["column"], sum["cells"][0]["column"]);
        assert_eq!(left_out["repairs"][0], "A5.total");
    }
    let human = unwrapped(&run(draft.path(), "human").stdout);
    assert!(
        human.contains(
            "a row the rule leaves out may: 附表 5's row 海南新区 prints what the parts of \
             A5.total lack (200), and no check adds it up with other rows: if it is one of the \
             parts, name it in A5.total"
        ),
        "{human}"
    );
    // The 2020 total is also 附表 1's, which the edit left as it was: that total alone
    // explains its group, and the row is the other way to read it.
    assert!(
        human.contains(
            "549 353 repairs 2 failed checks and breaks none; or a row the rule leaves out: \
             附表 5's row 海南新区 prints what the parts of A5.total lack (100)"
        ),
        "{human}"
    );
}

#[test]
fn a_column_added_among_the_parts_of_sums_along_rows_is_named() {
    // Other offices print categories across and a total column; a draft adds a category,
    // and raises each year's total by its figure. Any of the four figures may be wrong, as
    // far as the figures tell; the column is the other way to read it.
    let rules = "sum t.total \"合计 is the sum of the kinds\"\n  for r in [上年, 本年]\n  \
                 T[r, 合计] = sum(T[r, 工业], T[r, 农业], T[r, 服务])\n";
    let csv = "年份,工业,农业,服务,能源,合计\n上年,120.5,30.2,210.0,15.3,376.0\n\
               本年,130.1,31.0,220.4,16.0,397.5\n";
    let dir = super::scratch(csv.as_bytes(), rules);
    let json = parse(&super::check_scratch(&dir).stdout);
    let sums = super::findings(&json);
    assert_eq!(sums.len(), 2, "{sums:?}");
    for sum in sums {
        let left_out = &sum["blame"]["left_out"];
        assert_eq!(left_out["line"], "column", "{sum}");
        assert_eq!(left_out["cells"][0]["column"], "能源", "{sum}");
        assert_eq!(left_out["cells"][0]["row"], sum["cells"][0]["row"]);
    }
    let human = unwrapped(&super::check_scratch_as(&dir, "human").stdout);
    assert!(
        human.contains(
            "repairs 1 failed check and breaks none; or a column the rule leaves out: T's column \
             能源 prints what the parts of t.total lack (15.3), and no check adds it up with \
             other columns: if it is one of the parts, name it in t.total"
        ),
        "{human}"
    );
}

#[test]
fn a_bad_cell_leaves_its_table_checked_and_only_its_own_checks_not_checked() {
    let draft = edited_book("A2.csv", |t| t.replacen("11 673.9", "11 673.9x", 1));
    let out = run(draft.path(), "json");
    assert_eq!(out.code, 2, "{}", out.stderr);
    let json = parse(&out.stdout);
    let errors = json["input_errors"].as_array().expect("input_errors");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["code"], "crossfoot::data::number");
    assert_eq!(
        errors[0]["file"].as_str().map(|f| f.ends_with("A2.csv")),
        Some(true)
    );
    let not_checked = json["summary"]["not_checked"].as_u64().unwrap();
    assert!((1..=20).contains(&not_checked), "{not_checked}");
    assert!(json["summary"]["passed"].as_u64().unwrap() > 4000);
    assert!(!out.stderr.contains("nothing was checked"));
}

/// The draft-edit harness on a sample of the bundled book (every 150th figure of the text,
/// every 500th table cell, each with every slip); `cargo run --release --example drafts` runs
/// it in full (README, "Drafts").
#[test]
fn the_draft_edit_harness_on_a_sample_flags_edits_on_the_edited_figure() {
    use crossfoot::drafts::{Slip, Verdict, check, run, summarize, targets};
    let (data, rules, book) = super::checked_book();
    assert!(book.errors.is_empty());
    let sample = targets(&book, &data, 150, 500);
    assert!(sample.iter().any(|t| t.in_text()) && sample.iter().any(|t| !t.in_text()));
    let edits = run(&data, &rules, &sample, &Slip::ALL);
    let report = summarize(&edits);
    assert!(edits.len() > 60, "{report}");
    assert!(
        edits.iter().all(|e| e.verdict != Verdict::Stopped),
        "{report}"
    );
    let flagged = edits
        .iter()
        .filter(|e| e.verdict == Verdict::Flagged)
        .count();
    assert!(flagged * 10 >= edits.len() * 9, "{report}");
    // A figure an equality pins is flagged when edited (the floors of the full run: 95 % of
    // the text's, 99 % of the cells'; on this sample, all but one edit in twenty).
    let pinned: Vec<_> = edits.iter().filter(|e| e.target.pinned).collect();
    let pinned_flagged = pinned
        .iter()
        .filter(|e| e.verdict == Verdict::Flagged)
        .count();
    assert!(pinned.len() > 40, "{report}");
    assert!(pinned_flagged * 20 >= pinned.len() * 19, "{report}");
    // Blame names the edited figure first for 90 % of the flagged edits, and proposes the
    // printing before the edit for 80 % of those the checks determine (#12's floors).
    let blamed: Vec<_> = edits.iter().filter_map(|e| e.blamed.as_ref()).collect();
    let first = blamed.iter().filter(|b| b.first).count();
    let blame_report = crossfoot::drafts::summarize_blame(&edits);
    assert!(blamed.len() > 40, "{blame_report}");
    assert!(first * 10 >= blamed.len() * 9, "{blame_report}");
    // The figure blamed first is in the answer, and so are some tied with another.
    let in_answer = blamed.iter().filter(|b| b.in_answer).count();
    assert!(
        blamed.iter().all(|b| b.in_answer || !b.first),
        "{blame_report}"
    );
    assert!(in_answer > first, "{blame_report}");
    let determined: Vec<_> = blamed.iter().filter(|b| b.determined).collect();
    let original = determined.iter().filter(|b| b.original).count();
    assert!(determined.len() > 30, "{blame_report}");
    assert!(original * 10 >= determined.len() * 8, "{blame_report}");
    // The book itself was not touched.
    assert_eq!(
        check(&data, &rules).outcome.findings.len(),
        book.outcome.findings.len()
    );
}

/// A plausibility edit confirms no figure (its finding never fails the run), so a cell only
/// such edits read is no target of the harness: 附表 8's averages by type of 2012–2018 came
/// into the sample with `rules/plausibility.rules` and counted as misses on every edit.
#[test]
fn the_harness_edits_only_cells_a_hard_rule_reads() {
    use crossfoot::drafts::targets;
    let (data, _, book) = super::checked_book();
    let every = targets(&book, &data, 1, 1);
    let a8: Vec<&str> = every
        .iter()
        .filter(|t| t.table == "A8")
        .map(|t| t.printed.as_str())
        .collect();
    // 2012's 技术开发 average, read only by the soft range of an average's growth.
    assert!(!a8.contains(&"175.5"), "{a8:?}");
    // The overall averages, which 附表 1's amounts and counts pin, stay.
    assert!(a8.contains(&"228.1") && a8.contains(&"556.2"), "{a8:?}");
}

/// Regression: the draft-edit harness found that editing 218 786 (part 1's contracts with
/// intellectual property; part 2 prints the figure again) made `check` call the two claims
/// contradictory rules and leave both out. Two printings of one figure of the text that differ
/// are a finding on the edited figure.
#[test]
fn an_edited_figure_of_the_text_printed_twice_is_a_finding_not_a_contradiction() {
    let draft = edited_book("source.txt", |t| t.replacen("218 786 项", "218 768 项", 1));
    let out = run(draft.path(), "json");
    assert_eq!(out.code, 1, "{}", out.stderr);
    let json = parse(&out.stdout);
    assert_eq!(json["summary"]["input_errors"], 0, "{}", out.stderr);
    let on_edit = super::findings(&json).iter().any(|f| {
        f["cells"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["table"] == "TEXT" && c["value"] == "218 768 项")
    });
    assert!(on_edit, "{}", out.stdout);
}

/// A figure the text bounds in words (`近90%`, just under 90 %) gets no proposed printing:
/// edited to `近99%`, it was left out of blame's answer without a word, and the answer named
/// another figure of the group. It is named beside the answer as not weighed, in the JSON
/// report and in the human report's help.
#[test]
fn a_figure_bounded_in_words_is_named_as_not_weighed() {
    let draft = edited_book("source.txt", |t| t.replacen("比重近90%", "比重近99%", 1));
    let out = run(draft.path(), "json");
    assert_eq!(out.code, 1, "{}", out.stderr);
    let json = parse(&out.stdout);
    let finding = super::findings(&json)
        .iter()
        .find(|f| f["rule"] == "P1.dev_service_near_90")
        .cloned()
        .unwrap_or_else(|| panic!("{}", out.stdout));
    let unweighed = finding["blame"]["unweighed"].as_array().expect("unweighed");
    assert_eq!(unweighed.len(), 1, "{finding:#}");
    assert_eq!(unweighed[0]["table"], "TEXT", "{finding:#}");
    assert_eq!(unweighed[0]["value"], "99%", "{finding:#}");
    let human = run(draft.path(), "human");
    assert!(
        human
            .stdout
            .contains("not weighed, and may be the wrong one"),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("99% (bounded in words)"),
        "{}",
        human.stdout
    );
}

/// A ranking whose one value is not a figure cannot rank anyone: the row may be above any
/// other. Leaving the row out instead ranked 上海 and 浙江 one place too high (a false finding).
#[test]
fn a_ranking_with_a_value_that_is_not_a_figure_is_not_checked_not_misjudged() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let fixture = root().join("tests/fixtures/rank/data");
    for entry in std::fs::read_dir(&fixture).expect("the fixture") {
        let path = entry.expect("an entry").path();
        let text = std::fs::read_to_string(&path).expect("UTF-8");
        let text = text.replace("江苏,70 000,2,4 000.1,3", "江苏,70 000,2,4 000.1x,3");
        std::fs::write(dir.path().join(path.file_name().expect("a name")), text).expect("copied");
    }
    let out = check(&[
        "--data",
        dir.path().to_str().expect("UTF-8 path"),
        "--rules",
        "tests/fixtures/rank/rules",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let json = parse(&out.stdout);
    assert_eq!(json["input_errors"][0]["code"], "crossfoot::data::number");
    let near_miss: Vec<_> = super::findings(&json)
        .iter()
        .filter(|f| f["rule"] == "rank.near_miss")
        .collect();
    assert!(near_miss.is_empty(), "{near_miss:?}");
    assert!(
        json["summary"]["not_checked"].as_u64() >= Some(6),
        "{}",
        json["summary"]
    );
}

/// Per rule id: passed checks and the messages of its findings.
fn by_rule(
    checked: &crossfoot::run::Checked,
) -> std::collections::BTreeMap<String, (usize, Vec<String>)> {
    let mut out = std::collections::BTreeMap::new();
    for (index, rule) in checked.program.rules.iter().enumerate() {
        let passed = checked.outcome.per_rule.get(index).map_or(0, |c| c.passed);
        let findings = checked
            .outcome
            .findings
            .iter()
            .filter(|f| f.rule == index)
            .map(|f| f.message.clone())
            .collect();
        out.insert(rule.id.clone(), (passed, findings));
    }
    out
}

/// Deleting, inserting or rewording one sentence of the text affects only the rules that name
/// that sentence (an anchor in it, or one reaching back into it from the next sentence): every
/// other rule passes and fails exactly as on the book.
#[test]
fn rewording_one_sentence_affects_only_the_rules_that_name_it() {
    let (data, rules) = (root().join("data/2022"), root().join("rules"));
    let book = crossfoot::run::check_partial(&data, &rules, false);
    assert!(book.errors.is_empty());
    let text = std::fs::read_to_string(data.join("source.txt")).unwrap();
    let start = text.find("涉及知识产权的技术合同有").unwrap();
    let end = start + text[start..].find('。').unwrap() + '。'.len_utf8();
    let next = end + text[end..].find('。').unwrap() + '。'.len_utf8();
    // The rules that read a figure of the text in this sentence or the next.
    let text_table = book.dataset.table_index("TEXT").unwrap();
    let names_it = |id: &str| {
        let Some(index) = book.program.rules.iter().position(|r| r.id == id) else {
            return false;
        };
        let checks = book.program.rules[index].work.check_count();
        (0..checks.max(1)).any(|check| {
            crossfoot::engine::check_cells(&book.dataset, &book.program, index, check)
                .iter()
                .filter(|c| c.table == text_table)
                .filter_map(|c| book.dataset.tables[text_table].cell_span(c.row, c.column))
                .any(|span| (start..next).contains(&span.offset))
        })
    };
    let before = by_rule(&book);
    let edits = [
        ("deleted", format!("{}{}", &text[..start], &text[end..])),
        (
            "reworded",
            text.replacen("涉及知识产权的技术合同有", "知识产权相关合同共计", 1),
        ),
        (
            "inserted before",
            format!("{}这是编辑新写的一句话。{}", &text[..start], &text[start..]),
        ),
    ];
    for (edit, edited) in edits {
        let draft = edited_book("source.txt", |_| edited.clone());
        let checked = crossfoot::run::check_partial(draft.path(), &rules, false);
        let after = by_rule(&checked);
        let changed: Vec<&String> = before
            .iter()
            .filter(|(id, outcome)| after.get(*id) != Some(outcome))
            .map(|(id, _)| id)
            .collect();
        for id in &changed {
            assert!(
                names_it(id),
                "{edit}: {id} changed but does not name the sentence"
            );
        }
        if edit != "inserted before" {
            assert!(
                !changed.is_empty(),
                "{edit}: the rules naming the sentence changed"
            );
        }
        assert!(!checked.nothing_checked(), "{edit}");
    }
}

/// A mark typed into a draft's figure in a table of the book's format stops only its own
/// checks, and the help says what each mark needs: a footnote or flag after the figure a
/// declared flag, a cell with no figure a symbol declared beside the book's own (a declaration
/// replaces them), a letter among the digits or a mark before them a correction. (The book's
/// own reading said only what a figure is.)
#[test]
fn a_mark_typed_into_a_draft_figure_is_refused_with_the_setting_it_needs() {
    let draft = edited_book("A6.csv", |t| {
        t.replacen(",16.8,", ",16.8*,", 1)
            .replacen(",30.6,", ",…,", 1)
            .replacen(",8466,", ",84O6,", 1)
            .replacen(",8.9,", ",*8.9,", 1)
    });
    let out = run(draft.path(), "human");
    assert_eq!(out.code, 2, "{}", out.stderr);
    let help = unwrapped(&out.stderr);
    for said in [
        "`16.8*` is not a number: `*` is not part of a figure",
        "if `*` marks the figure (a footnote, or a flag such as `p` for provisional), declare it \
         in `flags` (tables.toml: `[format]` for every table",
        "if `…` stands for a missing value, declare it in `symbols`",
        "`symbols = { \"…\" = \"not available\", \"\" = \"not applicable\", \"-\" = \"not \
         applicable\"",
        "`O` stands among the figure's digits (a letter typed for a digit?): correct the figure",
        "a mark before a figure is not read: correct the figure, or print the mark after it \
         (`8.9*`)",
        "crossfoot: 4 input errors",
    ] {
        assert!(help.contains(said), "stderr says {said:?}:\n{}", out.stderr);
    }
}

/// A table saved from a spreadsheet with blank columns at its right end (`…,-2.8,,`): they
/// are left out with a warning, and the book checks as it does without them. Read as columns,
/// each continued the header to its left, so `成交额/增长` named three columns and every rule
/// naming it stopped (21 input errors, 50 checks not made).
#[test]
fn blank_columns_at_a_tables_end_are_left_out_with_a_warning() {
    let draft = edited_book("A6.csv", |t| t.replace('\n', ",,\n"));
    let edited = run(draft.path(), "json");
    let book = run(&root().join("data/2022"), "json");
    assert_eq!(edited.code, book.code, "{}", edited.stderr);
    assert_eq!(
        parse(&edited.stdout)["summary"],
        parse(&book.stdout)["summary"]
    );
    let said = unwrapped(&edited.stderr);
    assert!(
        said.contains("crossfoot::data::blank_columns")
            && said.contains("the last 2 columns hold nothing, no header and no figure: left out"),
        "{}",
        edited.stderr
    );
    assert!(!book.stderr.contains("blank_columns"), "{}", book.stderr);
}

/// Blank rows as a spreadsheet saves them (`,,,,`): between the rows of a table with two label
/// columns, and below a table, of its width or wider. Each was read as a row: the one inside
/// 表 2-1 continued `机关法人`, so `机关法人` named two rows: 2 rules stopped (exit 2) and 6 more
/// checks failed; the
/// ones below 附表 6 added 2 skipped checks; a wider one was a ragged row (exit 2). They are no
/// rows, as a blank line is none, whether the file is read line by line or, holding a quote,
/// by the csv crate.
#[test]
fn blank_rows_a_spreadsheet_saves_are_no_rows() {
    let book = run(&root().join("data/2022"), "json");
    for quoted in [false, true] {
        let draft = edited_book("T2-1.csv", |t| {
            let row = ",省级行政机关,29,207,8.3\n";
            let t = t.replacen(row, &format!("{row},,,,\n"), 1);
            if quoted {
                t.replacen(",市级行政机关,", ",\"市级行政机关\",", 1)
            } else {
                t
            }
        });
        let a6 = draft.path().join("A6.csv");
        let text = std::fs::read_to_string(&a6).expect("UTF-8");
        let blank = format!("{text},,,,,,\n,,,,,,\n,,,,,,,,,,\n");
        std::fs::write(&a6, blank).expect("written");
        let edited = run(draft.path(), "json");
        assert_eq!(edited.code, book.code, "quoted {quoted}: {}", edited.stderr);
        assert_eq!(
            parse(&edited.stdout)["summary"],
            parse(&book.stdout)["summary"],
            "quoted {quoted}"
        );
        assert_eq!(edited.stderr, book.stderr, "quoted {quoted}");
    }
}

/// A note typed below a table's rows (`注：…`), a row of another width: only that line is
/// refused, and its help names `skip_footer`; every other row of the table is checked, as in
/// the book. It stopped the whole table: 69 rules not checked.
#[test]
fn a_note_below_a_tables_rows_stops_only_itself() {
    let draft = edited_book("A6.csv", |t| format!("{t}注：数据来源于技术合同登记\n"));
    let edited = run(draft.path(), "json");
    let book = run(&root().join("data/2022"), "json");
    assert_eq!(edited.code, 2, "{}", edited.stderr);
    let (edited_json, book_json) = (parse(&edited.stdout), parse(&book.stdout));
    assert_eq!(edited_json["summary"]["input_errors"], 1);
    for count in ["passed", "failed", "implausible"] {
        assert_eq!(
            edited_json["summary"][count], book_json["summary"][count],
            "{count}"
        );
    }
    let said = unwrapped(&edited.stderr);
    for text in [
        "this row has 1 cells but the table has 7 columns",
        "(`skip_footer = N`: the lines below the table to leave out)",
        "the table's other rows are checked",
    ] {
        assert!(
            said.contains(text),
            "stderr says {text:?}:\n{}",
            edited.stderr
        );
    }
    assert!(!said.contains("could not be read"), "{}", edited.stderr);
}

/// A draft saved with `;` between its fields, or with its title above the header: the table
/// cannot be read, and the help names the key that reads it (`delimiter`, `skip_rows`).
#[test]
fn a_table_saved_with_semicolons_or_a_title_names_the_key_that_reads_it() {
    for (edit, key) in [
        (
            (|t: &str| t.replace(',', ";")) as fn(&str) -> String,
            "its first line holds no `,` but `;`: if the file separates its fields so, declare \
             `delimiter = \"semicolon\"`",
        ),
        (
            |t: &str| format!("附表 6 2021 年各地区技术合同成交情况\n{t}"),
            "its first line has one cell: if it is a title above the header, declare it left \
             out in the table's entry in tables.toml (`skip_rows = N`",
        ),
    ] {
        let draft = edited_book("A6.csv", edit);
        let out = run(draft.path(), "human");
        assert_eq!(out.code, 2, "{}", out.stderr);
        let said = unwrapped(&out.stderr);
        assert!(said.contains(key), "stderr says {key:?}:\n{}", out.stderr);
    }
}

/// A sentence of the text reworded around a figure (`成交额为` → `成交金额达到`) loses its
/// claim's anchor; the help names where the figure is now: the figures of that part of the
/// text that agree with the cell the claim compares it with, the words most like the lost
/// ones first. It said only to find the sentence.
#[test]
fn a_claim_whose_sentence_was_reworded_is_told_where_its_figure_is_now() {
    let draft = edited_book("source.txt", |t| {
        t.replacen(
            "的基础。全国技术合同成交额为",
            "的基础。全国技术合同成交金额达到",
            1,
        )
    });
    let out = run(draft.path(), "human");
    assert_eq!(out.code, 2, "{}", out.stderr);
    // Compared without spaces: miette may wrap the help inside the Chinese words.
    let compact = |text: &str| text.split_whitespace().collect::<String>();
    let said = compact(&out.stderr);
    for text in [
        "claim `P1.amount_again` lost its anchor",
        "find the sentence in the text and write the words just before its figure: in P1, \
         figures that agree with the other side of the rule come after \
         `\"全国技术合同成交金额达到\"`, ",
    ] {
        assert!(
            said.contains(&compact(text)),
            "stderr says {text:?}:\n{}",
            out.stderr
        );
    }
}
