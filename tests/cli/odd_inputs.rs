//! Issue #11, item 10: odd inputs and options that were taken silently or the wrong way — a
//! figure of the text too long to hold, `--jobs` without bound, a report that cannot be
//! written, `--max-table-size 4G`, errors of one rules file hiding another's, an empty table
//! id, Markdown made of labels, and files whose lines end in CR alone.

use super::{check, crossfoot, parse, scratch, summary};

const TABLE: &str = "项目,金额\na,1.0\nb,2.0\n合计,3.0\n";
const RULE: &str = "sum total \"t\" T[合计, 金额] = T[a, 金额] + T[b, 金额]\n";

fn path(dir: &tempfile::TempDir, name: &str) -> String {
    dir.path().join(name).to_str().unwrap().to_string()
}

/// `check --format json` on the scratch directory, with more arguments.
fn check_with(dir: &tempfile::TempDir, more: &[&str]) -> super::Run {
    let (data, rules) = (path(dir, "data"), path(dir, "t.rules"));
    check(&[&["--data", &data, "--rules", &rules], more].concat())
}

#[test]
fn a_figure_of_the_text_too_long_to_hold_is_an_input_error_not_a_blank() {
    let dir = scratch(TABLE.as_bytes(), "");
    let text = "第一部分 概述\n全年合同成交额合计为36028797018963968亿元，同比增长2.5%。\n\
                全年合同成交额总计为3.0亿元，同比增长2.5%。\n";
    std::fs::write(dir.path().join("data/text.txt"), text).unwrap();
    std::fs::write(
        dir.path().join("data/tables.toml"),
        "source = \"text.txt\"\n[[table]]\nid = \"T\"\nfile = \"T.csv\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("t.rules"),
        "equal long \"the long figure\"\n  TEXT[P1/\"合计为\", figure] = T[合计, 金额]\n\
         equal short \"the short figure\"\n  TEXT[P1/\"总计为\", figure] = T[合计, 金额]\n",
    )
    .unwrap();
    let run = check_with(&dir, &["--format", "json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let json = parse(&run.stdout);
    // The long figure's check is not checked (it used to be "skipped" as not applicable); the
    // other passes.
    assert_eq!(json["summary"]["not_checked"], 1, "{}", run.stdout);
    assert_eq!(json["summary"]["passed"], 1, "{}", run.stdout);
    assert_eq!(json["summary"]["skipped"], 0, "{}", run.stdout);
    let errors = json["input_errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{}", run.stdout);
    assert_eq!(errors[0]["code"], "crossfoot::data::number");
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("36028797018963968"),
        "{}",
        run.stdout
    );
    assert_eq!(errors[0]["line"], 2, "{}", run.stdout);
}

#[test]
fn jobs_are_bounded() {
    let dir = scratch(TABLE.as_bytes(), RULE);
    for jobs in ["0", "257", "100000"] {
        let run = check_with(&dir, &["--jobs", jobs]);
        assert_eq!(run.code, 2, "--jobs {jobs}: {}", run.stderr);
        assert!(
            run.stderr.contains("not a number of threads from 1 to 256"),
            "{}",
            run.stderr
        );
    }
    for jobs in ["1", "256"] {
        let run = check_with(&dir, &["--jobs", jobs]);
        assert_eq!(run.code, 0, "--jobs {jobs}: {}", run.stderr);
    }
}

/// A CI job must not pass on a report nobody got: a write error is exit 2 with a message.
#[cfg(target_os = "linux")]
#[test]
fn a_report_that_cannot_be_written_fails_the_run() {
    let dir = scratch(TABLE.as_bytes(), RULE);
    let (data, rules) = (path(&dir, "data"), path(&dir, "t.rules"));
    let full = std::fs::File::create("/dev/full").unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_crossfoot"))
        .args(["check", "--data", &data, "--rules", &rules])
        .stdout(full)
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("cannot write the report to standard output"),
        "{stderr}"
    );
}

#[test]
fn the_largest_table_size_the_help_names_is_accepted() {
    let dir = scratch(TABLE.as_bytes(), RULE);
    let run = check_with(&dir, &["--max-table-size", "4G", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(summary(&parse(&run.stdout)), [1, 1, 1, 1, 0, 0]);
    let run = check_with(&dir, &["--max-table-size", "5G"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

/// `lint` used to stop at the first file's syntax error and say nothing of the other file.
#[test]
fn a_syntax_error_in_one_rules_file_does_not_hide_the_others_errors() {
    let dir = scratch(TABLE.as_bytes(), "");
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    std::fs::write(
        rules.join("a.rules"),
        "sum bad \"x\"\n  T[合计, 金额] = = 1\n",
    )
    .unwrap();
    std::fs::write(
        rules.join("b.rules"),
        "sum label \"y\"\n  T[合计, 金额] = T[a, 金额] + T[c, 金额]\n",
    )
    .unwrap();
    let (data, rules) = (path(&dir, "data"), path(&dir, "rules"));
    let lint = crossfoot(&["lint", "--data", &data, "--rules", &rules]);
    assert_eq!(lint.code, 2, "{}", lint.stderr);
    assert!(
        lint.stderr.contains("crossfoot::rules::syntax"),
        "{}",
        lint.stderr
    );
    assert!(
        lint.stderr.contains("crossfoot::rules::unknown_label"),
        "{}",
        lint.stderr
    );
    let run = check(&["--data", &data, "--rules", &rules, "--format", "json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let codes: Vec<String> = parse(&run.stdout)["input_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        codes,
        [
            "crossfoot::rules::syntax",
            "crossfoot::rules::unknown_label"
        ]
    );
}

#[test]
fn a_table_id_no_rule_can_write_is_refused_with_its_place() {
    let dir = scratch(TABLE.as_bytes(), RULE);
    std::fs::write(dir.path().join("data/U.csv"), TABLE).unwrap();
    for id in ["", " ", "a b", "x[1]", "12"] {
        std::fs::write(
            dir.path().join("data/tables.toml"),
            format!("[[table]]\nid = \"T\"\nfile = \"T.csv\"\n[[table]]\nid = \"{id}\"\nfile = \"U.csv\"\n"),
        )
        .unwrap();
        let run = check_with(&dir, &["--format", "json"]);
        assert_eq!(run.code, 2, "id {id:?}: {}", run.stderr);
        let json = parse(&run.stdout);
        // Table T is still checked.
        assert_eq!(json["summary"]["passed"], 1, "{}", run.stdout);
        let error = &json["input_errors"][0];
        assert_eq!(
            error["code"], "crossfoot::data::bad_table_id",
            "{}",
            run.stdout
        );
        assert_eq!(error["line"], 5, "{}", run.stdout);
        assert_eq!(error["column_number"], 6, "{}", run.stdout);
    }
}

#[test]
fn markdown_shows_labels_as_written_not_as_html_or_table_cells() {
    let table = "项目,金额\n<b>a|x</b>,1.0\nb,2.0\n合计,9.0\n";
    let rule = "sum total \"<i>t</i>\" T[合计, 金额] = T[\"<b>a|x</b>\", 金额] + T[b, 金额]\n";
    let dir = scratch(table.as_bytes(), rule);
    let run = check_with(&dir, &["--format", "markdown"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!run.stdout.contains("<b>"), "{}", run.stdout);
    assert!(!run.stdout.contains("<i>"), "{}", run.stdout);
    assert!(
        run.stdout.contains("&lt;b&gt;a\\|x&lt;/b&gt;"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("&lt;i&gt;t&lt;/i&gt;"),
        "{}",
        run.stdout
    );
    // Every row of each table (summary, cells, per rule) has as many cells as its header.
    let mut header: Option<usize> = None;
    for line in run.stdout.lines() {
        if !line.starts_with('|') {
            header = None;
            continue;
        }
        let cells = line.replace("\\|", "").matches('|').count();
        assert_eq!(cells, *header.get_or_insert(cells), "{line}");
    }
    assert!(
        run.stdout
            .contains("| `total` | sum | error | 1 | 0 | 1 | 0 | &lt;i&gt;t&lt;/i&gt; |")
    );
}

/// Lines ended by CR alone used to read as one line: "no rows", reported at line 0.
#[test]
fn lines_ended_by_cr_alone_are_lines() {
    let table = TABLE.replace('\n', "\r").replace("3.0", "4.0");
    let dir = scratch(table.as_bytes(), &RULE.replace('\n', "\r"));
    let run = check_with(&dir, &["--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json = parse(&run.stdout);
    let cells = json["findings"][0]["cells"].as_array().unwrap();
    let lines: Vec<u64> = cells.iter().map(|c| c["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [4, 2, 3], "{}", run.stdout);
    let human = check_with(&dir, &[]);
    assert!(human.stdout.contains(" 4 │ 合计,4.0"), "{}", human.stdout);
}

/// A missing text used to be reported with no place in `tables.toml`.
#[test]
fn a_missing_text_is_reported_on_the_manifest_line_that_names_it() {
    let dir = scratch(TABLE.as_bytes(), RULE);
    std::fs::write(
        dir.path().join("data/tables.toml"),
        "year = 2021\nsource = \"text.txt\"\n[[table]]\nid = \"T\"\nfile = \"T.csv\"\n",
    )
    .unwrap();
    let run = check_with(&dir, &["--format", "json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let json = parse(&run.stdout);
    assert_eq!(json["summary"]["passed"], 1, "{}", run.stdout);
    let error = &json["input_errors"][0];
    assert_eq!(
        error["code"], "crossfoot::data::missing_file",
        "{}",
        run.stdout
    );
    assert!(error["file"].as_str().unwrap().ends_with("tables.toml"));
    assert_eq!(error["line"], 2, "{}", run.stdout);
    assert_eq!(error["column_number"], 10, "{}", run.stdout);
}
