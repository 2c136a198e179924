//! Issue #11, "no input crashes, hangs, leaks or overwrites anything": end-to-end regression
//! tests for inputs that used to panic, overflow the stack, take quadratic time or overwrite
//! an input file. Fixtures under `tests/fixtures/reliability/` say what they should emit;
//! inputs too large to commit are written at test time.

use super::{check, findings, parse, summary};
use serde_json::Value;
use std::path::Path;

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

/// `--output` onto any input — a table, the manifest, a rules file, the baseline being read,
/// a hard link to one of them, or a new file inside the data directory — is refused with exit
/// 2 and leaves every file as it was; elsewhere the report is written.
#[test]
fn an_output_onto_an_input_is_refused_and_overwrites_nothing() {
    let table = "项目,金额\na,1.0\nb,2.0\n合计,4.0\n";
    let dir = super::scratch(
        table.as_bytes(),
        "sum total \"t\" T[合计, 金额] = T[a, 金额] + T[b, 金额]\n",
    );
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let (data, rules) = (path("data"), path("t.rules"));
    let baseline = path("known.json");
    let made = super::crossfoot(&[
        "baseline", "--data", &data, "--rules", &rules, "--output", &baseline,
    ]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    std::fs::write(
        dir.path().join("data/tables.toml"),
        "[[table]]\nid = \"T\"\nfile = \"T.csv\"\n",
    )
    .unwrap();
    #[cfg(unix)]
    std::fs::hard_link(dir.path().join("data/T.csv"), dir.path().join("linked.csv")).unwrap();
    let before = |dir: &Path| {
        let mut files = std::collections::BTreeMap::new();
        super::snapshot_files(dir, &mut files);
        files
    };
    let files = before(dir.path());

    let mut onto = vec![
        path("data/T.csv"),
        path("data/tables.toml"),
        path("data/report.json"),
        path("data/../data/T.csv"),
        rules.clone(),
        baseline.clone(),
    ];
    if cfg!(unix) {
        onto.push(path("linked.csv"));
    }
    for output in &onto {
        let args = ["--data", &data, "--rules", &rules, "--baseline", &baseline];
        let run = check(&[&args[..], &["--output", output, "--format", "json"]].concat());
        assert_eq!(run.code, 2, "check --output {output}: {}", run.stderr);
        assert!(run.stderr.contains("refusing to write"), "{}", run.stderr);
        assert!(run.stderr.contains("output::onto_input"), "{}", run.stderr);
        // `baseline` reads no baseline: writing one over the old is what it is for.
        if output != &baseline {
            let run = super::crossfoot(&[
                "baseline", "--data", &data, "--rules", &rules, "--output", output,
            ]);
            assert_eq!(run.code, 2, "baseline --output {output}: {}", run.stderr);
            assert!(run.stderr.contains("refusing to write"), "{}", run.stderr);
        }
        assert_eq!(
            before(dir.path()),
            files,
            "--output {output} changed a file"
        );
    }

    // Anywhere else the report is written.
    let report = path("report.json");
    let run = check(&[
        "--data", &data, "--rules", &rules, "--output", &report, "--format", "json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        findings(&parse(&std::fs::read_to_string(&report).unwrap())).len(),
        1
    );
}

/// A ranking is checked in n log n: each row's peers are not held or compared one by one.
/// 20 000 rows used to take about 19 GB (10 000: 4.7 GB and 13 s); this is not timed, it
/// only has to finish, with the two wrong ranks found and the tie allowed either way.
#[test]
fn a_ranking_of_twenty_thousand_rows_completes_with_its_findings() {
    let rows = 20_000;
    let mut csv = String::from("名称,排名,金额\n");
    for i in 0..rows {
        // Values descend with the rows; rows 10 and 11 print the same value (a tie: either
        // rank is allowed), and rows 500 and 7000 print a rank one off.
        let value = if i == 11 { rows - 10 } else { rows - i };
        let rank = match i {
            500 | 7000 => i + 2,
            11 => 11,
            _ => i + 1,
        };
        csv.push_str(&format!("n{i},{rank},{value}.0\n"));
    }
    let dir = super::scratch(
        csv.as_bytes(),
        "rank R.rank \"rank by amount\"\n  T rank 排名 by 金额\n",
    );
    let run = super::check_scratch(&dir);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json = parse(&run.stdout);
    assert_eq!(summary(&json), [1, 1, 20_000, 19_998, 2, 0]);
    let rows: Vec<&str> = findings(&json)
        .iter()
        .map(|f| f["cells"][0]["row"].as_str().unwrap())
        .collect();
    assert_eq!(rows, ["n500", "n7000"]);
}

/// A group defined in terms of itself is an error on each group of the cycle, used or not, in
/// `check`, `lint` and `list rules` alike; it used to overflow the stack (or, unused, pass).
#[test]
fn a_group_defined_in_terms_of_itself_is_an_error_not_a_stack_overflow() {
    super::check_error(
        "group_cycle",
        &[
            "group `g` is defined in terms of itself: g → h → g",
            "group `h` is defined in terms of itself: h → g → h",
            "group `self` is defined in terms of itself: self → self",
            "crossfoot::rules::group_cycle",
        ],
    );
    let (data, rules) = (
        "tests/fixtures/errors/group_cycle/data",
        "tests/fixtures/errors/group_cycle/rules",
    );
    for command in [&["lint"][..], &["list", "rules"]] {
        let run = super::crossfoot(&[command, &["--data", data, "--rules", rules]].concat());
        assert_eq!(run.code, 2, "{command:?}: {}", run.stderr);
        assert_eq!(
            run.stderr.matches("rules::group_cycle").count(),
            3,
            "{}",
            run.stderr
        );
    }
}

/// A scratch table and a rules file with one rule `expr big "…" T[合计, 金额] < EXPR`.
fn rule_of(expr: &str) -> tempfile::TempDir {
    super::scratch(
        "项目,金额\na,1.0\nb,2.0\n合计,3.0\n".as_bytes(),
        &format!("expr big \"a long expression\"\n  T[合计, 金额] < {expr}\n"),
    )
}

/// `check`, `lint` and `list rules` on a scratch directory.
fn every_command(dir: &tempfile::TempDir) -> Vec<super::Run> {
    let data = dir.path().join("data");
    let rules = dir.path().join("t.rules");
    let inputs = [
        "--data",
        data.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
    ];
    [&["check"][..], &["lint"], &["list", "rules"]]
        .iter()
        .map(|command| super::crossfoot(&[command, &inputs[..]].concat()))
        .collect()
}

/// Nesting past the documented limit (256 levels of parentheses, unary minus, brackets, or
/// factors of a product) is an input error at the level that goes too deep; it used to
/// overflow the stack at a few thousand levels. 256 levels still work.
#[test]
fn nesting_past_the_limit_is_an_input_error_not_a_stack_overflow() {
    let cell = "T[a, 金额]";
    let deep = [
        format!("{}{cell}{}", "(".repeat(5000), ")".repeat(5000)),
        format!("{}{cell}", "-".repeat(5000)),
        vec![cell; 25_000].join(" * "),
        format!("sum(T[{}a{}, 金额])", "[".repeat(5000), "]".repeat(5000)),
        format!("{}{cell}{}", "(".repeat(257), ")".repeat(257)),
    ];
    for expr in &deep {
        for run in every_command(&rule_of(expr)) {
            assert_eq!(run.code, 2, "{}", run.stderr);
            assert!(run.stderr.contains("rules::too_deep"), "{}", run.stderr);
            assert!(
                run.stderr.contains("nested more than 256 levels deep"),
                "{}",
                run.stderr
            );
        }
    }
    let at_the_limit = format!("{}{cell} + 10{}", "(".repeat(256), ")".repeat(256));
    let runs = every_command(&rule_of(&at_the_limit));
    assert_eq!(
        runs.iter().map(|r| r.code).collect::<Vec<_>>(),
        [0, 0, 0],
        "{}",
        runs[0].stderr
    );
}

/// One flat chain of 25 000 terms (`a + a + …`, and with `-`) is checked, linted and listed:
/// it is built as a balanced tree, not 25 000 levels deep.
#[test]
fn a_flat_chain_of_twenty_five_thousand_terms_is_checked_linted_and_listed() {
    let cell = "T[a, 金额]";
    // 1.0 × 25 000 = 25 000 > 3.0; 1.0 − 24 999 × 1.0 + 100 000 = 75 002 > 3.0; both hold. An
    // unbalanced rewrite of `-` would give −49 997 − … instead, and fail.
    for expr in [
        vec![cell; 25_000].join(" + "),
        vec![cell; 25_000].join(" - ") + " + 100000",
    ] {
        let runs = every_command(&rule_of(&expr));
        let [check, lint, list] = runs.as_slice() else {
            unreachable!()
        };
        assert_eq!(check.code, 0, "{}", check.stderr);
        assert!(
            check.stdout.contains("1 passed, 0 failed"),
            "{}",
            check.stdout
        );
        // The chain adds one cell 25 000 times: `counted_twice`, a finding of lint (exit 1).
        assert_eq!(lint.code, 1, "{}", lint.stderr);
        assert!(lint.stdout.contains("counted_twice"), "{}", lint.stdout);
        assert_eq!(list.code, 0, "{}", list.stderr);
        assert!(list.stdout.starts_with("big "), "{}", list.stdout);
    }
}

/// A copy of the bundled book: `data/` (the 2022 tables and text) and `rules/`.
fn book_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (from, to) in [("data/2022", "data"), ("rules", "rules")] {
        std::fs::create_dir(dir.path().join(to)).unwrap();
        for entry in std::fs::read_dir(super::root().join(from)).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, dir.path().join(to).join(path.file_name().unwrap())).unwrap();
        }
    }
    dir
}

/// A baseline records the figure of each cell of a known finding: 附表 8's 320.3 edited to
/// 9999.9 (a known finding that got worse) used to pass as "0 failed (36 known)"; it fails as
/// changed since the baseline, with the old and new figure, in every format. The unchanged
/// book still passes, and a version 1 baseline (no figures) is still read.
#[test]
fn a_known_finding_whose_figure_changed_fails_as_changed_since_the_baseline() {
    let dir = book_copy();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let (data, rules, baseline) = (path("data"), path("rules"), path("baseline.json"));
    let written = super::crossfoot(&[
        "baseline", "--data", &data, "--rules", &rules, "--output", &baseline,
    ]);
    assert_eq!(written.code, 0, "{}", written.stderr);
    let recorded = parse(&std::fs::read_to_string(&baseline).unwrap());
    assert_eq!(recorded["version"], 2);
    let entries = recorded["findings"].as_array().unwrap();
    let average = entries
        .iter()
        .find(|e| e["rule"] == "A8.overall_average")
        .unwrap();
    assert_eq!(average["cells"][0]["figure"], "320.3");
    let known = entries.len();

    let run = |format: &str, baseline: &str| {
        check(&[
            "--data",
            &data,
            "--rules",
            &rules,
            "--baseline",
            baseline,
            "--format",
            format,
        ])
    };
    let unchanged = run("json", &baseline);
    assert_eq!(unchanged.code, 0, "{}", unchanged.stderr);
    let json = parse(&unchanged.stdout);
    assert_eq!(summary(&json)[4], 0);
    assert_eq!(json["summary"]["known"].as_u64(), Some(known as u64));

    let table = dir.path().join("data/A8.csv");
    let text = std::fs::read_to_string(&table).unwrap();
    assert_eq!(text.matches(",320.3,").count(), 1);
    std::fs::write(&table, text.replace(",320.3,", ",9999.9,")).unwrap();

    let edited = run("json", &baseline);
    assert_eq!(edited.code, 1, "{}", edited.stderr);
    assert!(
        edited
            .stderr
            .contains("1 changed since the baseline (reported)"),
        "{}",
        edited.stderr
    );
    let json = parse(&edited.stdout);
    assert_eq!(summary(&json)[4], 1);
    assert_eq!(json["summary"]["changed"], 1);
    assert_eq!(json["summary"]["known"].as_u64(), Some(known as u64 - 1));
    // 9999.9 is also far outside 附表 8's plausibility edits (between the types' averages,
    // within twice the year before's): three new soft findings, which do not fail the run.
    assert_eq!(super::implausible(&json), 3);
    let hard: Vec<&serde_json::Value> = findings(&json)
        .iter()
        .filter(|f| f["severity"] != "plausibility")
        .collect();
    let [finding] = hard.as_slice() else {
        panic!("one finding: {json}")
    };
    assert_eq!(finding["rule"], "A8.overall_average");
    assert_eq!(
        finding["changed"],
        serde_json::json!([{
            "table": "A8", "row": "单项合同平均 成交额", "column": "2015 年",
            "baseline": "320.3", "now": "9999.9",
        }])
    );
    let said =
        "changed since the baseline: A8 [单项合同平均 成交额, 2015 年] was 320.3, now 9999.9";
    for format in ["human", "sarif", "junit", "github", "markdown", "html"] {
        let report = run(format, &baseline);
        assert_eq!(report.code, 1, "{format}: {}", report.stderr);
        assert!(report.stdout.contains("A8.overall_average"), "{format}");
        let said = match format {
            "markdown" => {
                // Markdown escapes the bracket so a label cannot open a link.
                "**Changed since the baseline:** A8 \\[单项合同平均 成交额, 2015 年] was 320.3, now 9999.9"
            }
            _ => said,
        };
        assert!(report.stdout.contains(said), "{format}:\n{}", report.stdout);
    }
    let human = run("human", &baseline).stdout;
    let counts = format!(
        "1 failed (1 changed since the baseline; {} known, in the baseline)",
        known - 1
    );
    assert!(human.contains(&counts), "{human}");
    let sarif = parse(&run("sarif", &baseline).stdout);
    assert_eq!(sarif["runs"][0]["results"][0]["baselineState"], "updated");

    // A version 1 baseline records no figures: still read, matched by rule and cells, with a
    // warning that it cannot tell a changed figure.
    let mut old = recorded.clone();
    old["version"] = 1.into();
    for entry in old["findings"].as_array_mut().unwrap() {
        for cell in entry["cells"].as_array_mut().unwrap() {
            cell.as_object_mut().unwrap().remove("figure");
        }
    }
    let version_1 = path("baseline-v1.json");
    std::fs::write(&version_1, old.to_string()).unwrap();
    let read = run("json", &version_1);
    assert_eq!(read.code, 0, "{}", read.stderr);
    assert!(read.stderr.contains("is version 1: it records no figures"));
    assert_eq!(summary(&parse(&read.stdout))[4], 0);
    // A baseline of a later version is refused, not half read.
    old["version"] = 3.into();
    std::fs::write(&version_1, old.to_string()).unwrap();
    let newer = run("json", &version_1);
    assert_eq!(newer.code, 2, "{}", newer.stderr);
    assert!(newer.stderr.contains("written by a newer crossfoot"));
}

/// A table of 200 000 rows whose row-wise sum fails in every 200th row (1 000 findings), and
/// `check` on it with these arguments.
fn many_findings() -> (tempfile::TempDir, impl Fn(&[&str]) -> super::Run) {
    let mut csv = String::from("项目,a,b,合计\n");
    for i in 0..200_000 {
        let (a, b) = (i % 9000 + 100, i % 700 + 10);
        let total = if i % 200 == 199 { a + b + 1 } else { a + b };
        csv.push_str(&format!("第{i}行,{a}.0,{b}.0,{total}.0\n"));
    }
    let dir = super::scratch(
        csv.as_bytes(),
        "sum T.total \"合计 is a + b in every row\"\n  for r in rows(T)\n  T[r, 合计] = T[r, a] + T[r, b]\n",
    );
    let data = dir.path().join("data").to_str().unwrap().to_string();
    let rules = dir.path().join("t.rules").to_str().unwrap().to_string();
    let run =
        move |args: &[&str]| check(&[&["--data", &data, "--rules", &rules][..], args].concat());
    (dir, run)
}

/// 10⁶ failed checks used to take 3.9 GB (SARIF: past 23 GB) and a human report of hours: a
/// report holds the first `--max-findings` findings (10 000 by default), says how many more
/// were left out, in every format, and counts them all — in the summary and the exit code.
#[test]
fn a_report_holds_the_first_findings_and_says_how_many_were_left_out() {
    let (_dir, run) = many_findings();
    let all = run(&["--format", "json"]);
    assert_eq!(all.code, 1, "{}", all.stderr);
    let json = parse(&all.stdout);
    assert_eq!(summary(&json), [1, 1, 200_000, 199_000, 1_000, 0]);
    assert_eq!(findings(&json).len(), 1_000);
    assert!(json["summary"].get("findings_left_out").is_none());
    let first: Vec<&Value> = findings(&json).iter().take(100).collect();

    let capped = run(&["--format", "json", "--max-findings", "100"]);
    assert_eq!(capped.code, 1, "{}", capped.stderr);
    let json = parse(&capped.stdout);
    assert_eq!(summary(&json), [1, 1, 200_000, 199_000, 1_000, 0]);
    assert_eq!(json["summary"]["findings_left_out"], 900);
    // The first 100 in report order, the same as the uncapped run's.
    assert_eq!(findings(&json).iter().collect::<Vec<_>>(), first);

    let human = run(&["--max-findings", "100"]);
    assert_eq!(human.code, 1, "{}", human.stderr);
    assert_eq!(human.stdout.matches("× T.total").count(), 100);
    assert!(
        human
            .stdout
            .contains("… and 900 more findings, not shown: the first 100 are (--max-findings)"),
        "{}",
        human.stdout
    );
    assert!(human.stdout.contains("199000 passed, 1000 failed"));
    // Bounded by what it shows: a tenth of the findings, a tenth of the report (and a bit).
    let whole = run(&[]).stdout.len();
    assert!(
        human.stdout.len() * 9 < whole,
        "{} of {whole} bytes",
        human.stdout.len()
    );

    let sarif = parse(&run(&["--format", "sarif", "--max-findings", "100"]).stdout);
    super::reports::assert_valid_sarif(&super::reports::sarif_validator(), &sarif);
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 100);
    let notes = &sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    assert_eq!(notes[0]["descriptor"]["id"], "crossfoot::findings_left_out");
    assert!(
        notes[0]["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("900 more findings left out")
    );
    for (format, says) in [
        (
            "junit",
            "900 more failed checks, not listed (--max-findings)",
        ),
        (
            "github",
            "::warning title=crossfoot::900 more findings left out",
        ),
        ("markdown", "**900 more findings left out**"),
        ("html", "… and 900 more findings, left out"),
    ] {
        let report = run(&["--format", format, "--max-findings", "100"]);
        assert_eq!(report.code, 1, "{format}: {}", report.stderr);
        assert!(report.stdout.contains(says), "{format}:\n{}", report.stdout);
    }
    let junit = run(&["--format", "junit", "--max-findings", "100"]).stdout;
    assert!(junit.contains(r#"<property name="failed" value="1000"/>"#));

    // None shown: the run still fails, on the findings it counted.
    let none = run(&["--format", "json", "--max-findings", "0"]);
    assert_eq!(none.code, 1, "{}", none.stderr);
    let json = parse(&none.stdout);
    assert!(findings(&json).is_empty());
    assert_eq!(json["summary"]["findings_left_out"], 1_000);
}

/// A baseline's known findings are left out as they are found, before the report keeps its
/// first `--max-findings`: 1 000 known findings and a cap of 10 leave a new one reported, and
/// the counts exact.
#[test]
fn a_baseline_is_applied_before_the_report_keeps_its_first_findings() {
    let (dir, run) = many_findings();
    let baseline = dir.path().join("baseline.json");
    let data = dir.path().join("data");
    let written = super::crossfoot(&[
        "baseline",
        "--data",
        data.to_str().unwrap(),
        "--rules",
        dir.path().join("t.rules").to_str().unwrap(),
        "--output",
        baseline.to_str().unwrap(),
    ]);
    assert_eq!(written.code, 0, "{}", written.stderr);
    let baseline = baseline.to_str().unwrap();
    let known = run(&[
        "--format",
        "json",
        "--baseline",
        baseline,
        "--max-findings",
        "10",
    ]);
    assert_eq!(known.code, 0, "{}", known.stderr);
    let json = parse(&known.stdout);
    assert_eq!(summary(&json)[4], 0);
    assert_eq!(json["summary"]["known"], 1_000);
    assert!(findings(&json).is_empty());

    // One more row wrong, the last: a new finding after 1 000 known ones.
    let table = data.join("T.csv");
    let text = std::fs::read_to_string(&table).unwrap();
    let edited = text.replace(
        "第199998行,2098.0,508.0,2606.0",
        "第199998行,2098.0,508.0,2609.0",
    );
    assert_ne!(edited, text);
    std::fs::write(&table, edited).unwrap();
    let new = run(&[
        "--format",
        "json",
        "--baseline",
        baseline,
        "--max-findings",
        "10",
    ]);
    assert_eq!(new.code, 1, "{}", new.stderr);
    let json = parse(&new.stdout);
    assert_eq!(summary(&json)[4], 1);
    assert_eq!(json["summary"]["known"], 1_000);
    let rows: Vec<&str> = findings(&json)
        .iter()
        .map(|f| f["cells"][0]["row"].as_str().unwrap())
        .collect();
    assert_eq!(rows, ["第199998行"]);
}

/// 5 000 records, each compared with 1.8 × their mean: each failed check reads all 5 000
/// figures. The findings held stop at 10⁶ cells in all, as at `--max-findings`: the first
/// 200 are shown, the others counted (2 041 findings of 20 001 cells held 1.9 GB, and 10⁶
/// records ran out of memory).
#[test]
fn the_findings_held_stop_at_a_million_cells() {
    let records: String = (1..=5_000)
        .map(|id| format!("{id},{}.5\n", id % 17))
        .collect();
    let (_dir, data, rules) = super::record_file(
        "",
        &format!("id,x\n{records}"),
        "expr O.x \"no record's x above 1.8 × their mean\"\n  for r in rows(REC)\n  \
         REC[r, x] <= 1.8 * mean(REC[s, x] for s in rows(REC))\n",
    );
    let run = super::check(&["--data", &data, "--rules", &rules]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let failed: usize = run
        .stdout
        .lines()
        .last()
        .and_then(|summary| summary.split(" passed, ").nth(1))
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(failed > 200, "{}", run.stdout);
    let left_out = format!(
        "… and {} more findings, not shown: the first 200 are (--max-findings)",
        failed - 200
    );
    assert!(run.stdout.contains(&left_out), "{}", run.stdout);
}
