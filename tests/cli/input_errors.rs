//! Bad input of every kind: each gives exit code 2, nothing on stdout, and a diagnostic on
//! stderr (snapshotted) pointing at the place — never a panic. Full-width figures are the one
//! kind that is read, with a warning. Each fixture's rules file says what it should emit.

use super::{Run, check, check_error, snapshot};

#[test]
fn error_duplicate_label_named_by_a_rule() {
    check_error(
        "duplicate_label",
        &[
            "crossfoot::rules::ambiguous_label",
            "`小计` names several rows of B1",
            "B1 prints this row label 2 times, alike",
            "tests/fixtures/errors/duplicate_label/data/B1.csv:3:1",
        ],
    );
}

#[test]
fn error_empty_table() {
    check_error(
        "empty_table",
        &[
            "crossfoot::data::no_rows",
            "table `B1` has a header but no rows of figures",
            "tests/fixtures/errors/empty_table/data/B1.csv:1:1",
        ],
    );
}

#[test]
fn error_header_unit_contradicts_the_manifest() {
    check_error(
        "unit_mismatch",
        &[
            "crossfoot::data::unit_mismatch",
            "`金额 / 亿元` prints the unit 亿元, but tables.toml declares 万元 (units)",
            "tests/fixtures/errors/unit_mismatch/data/B1.csv:1:",
        ],
    );
}

#[test]
fn error_ambiguous_full_width_figure() {
    check_error(
        "ambiguous_full_width",
        &[
            "crossfoot::data::number",
            "`１，０００` is ambiguous: `，` may separate thousands or mark the decimals",
            "tests/fixtures/errors/ambiguous_full_width/data/B1.csv:2:",
        ],
    );
}

#[test]
fn error_table_id_declared_twice() {
    check_error(
        "duplicate_table",
        &[
            "crossfoot::data::duplicate_table",
            "table id `B1` is declared twice",
            "first declared here",
            "declared again here",
            "tests/fixtures/errors/duplicate_table/data/tables.toml:13:6",
        ],
    );
}

#[test]
fn error_rule_compares_a_cell_with_itself() {
    check_error(
        "self_reference",
        &[
            "crossfoot::rules::self_reference",
            "rule `B1.same` compares `B1[合计, 金额]` with itself",
            "rule `B1.total` compares `B1[合计, 金额]` with itself",
            "also among its parts",
            "2 input errors",
        ],
    );
}

#[test]
fn error_manifest_names_a_missing_file() {
    check_error(
        "missing_file",
        &[
            "crossfoot::data::missing_file",
            "tests/fixtures/errors/missing_file/data/tables.toml:8:8",
        ],
    );
}

#[test]
fn error_no_tables() {
    check_error(
        "no_tables",
        &[
            "crossfoot::data::empty",
            "no tables in tests/fixtures/errors/no_tables/data",
        ],
    );
}

/// Every bad cell of every table and every syntax error of every rules file, in one run.
#[test]
fn error_every_problem_of_every_file_in_one_run() {
    check_error(
        "many_errors",
        &[
            "`1.00.0` has 2 decimal points; a figure has at most one",
            "`2OO.0` is not a number: `O` is not part of a figure",
            "this row has 4 cells but the table has 3 columns",
            "`2 000x` is not a number: `x` is not part of a figure",
            "`3OO.0` is not a number",
            "many_errors/rules/b1.rules:7:",
            "many_errors/rules/b2.rules:",
            "crossfoot: 7 input errors; nothing was checked",
        ],
    );
}

/// A file larger than `--max-table-size` is refused before it is read.
#[test]
fn error_table_file_too_large() {
    let data = "tests/fixtures/errors/too_large/data";
    let rules = "tests/fixtures/errors/too_large/rules";
    let run = check(&["--data", data, "--rules", rules, "--max-table-size", "64"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("is too large: 114 bytes, and the limit is 64 bytes")
    );
    snapshot(
        "errors__too_large",
        &format!("crossfoot check --data {data} --rules {rules} --max-table-size 64 (stderr)"),
        &run.stderr,
    );
    let run = check(&["--data", data, "--rules", rules, "--max-table-size", "1K"]);
    assert_eq!(
        run.code, 0,
        "the same file under a limit it fits: {}",
        run.stderr
    );
    let run = check(&["--data", data, "--rules", rules, "--max-table-size", "8G"]);
    assert_eq!(run.code, 2, "a limit past 4G is refused");
    assert!(run.stderr.contains("more than the 4G"), "{}", run.stderr);
}

#[test]
fn error_data_directory_not_there() {
    let data = "tests/fixtures/errors/not_there/data";
    let rules = "tests/fixtures/errors/no_tables/rules";
    let run = check(&["--data", data, "--rules", rules]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    // The rules file's one rule is read, and not checked: there is no table to check it on.
    assert!(
        run.stdout
            .starts_with("tables 0 · rules 0 (1 more not checked) · checks 0"),
        "{}",
        run.stdout
    );
    assert!(run.stderr.ends_with("nothing was checked\n"));
    assert!(
        run.stderr.contains("crossfoot::data::unreadable"),
        "{}",
        run.stderr
    );
    snapshot(
        "errors__data_not_there",
        &format!("crossfoot check --data {data} --rules {rules} (stderr)"),
        &run.stderr,
    );
}

/// A scratch data directory with these files, and a rules file; the run's output.
fn scratch_run(files: &[(&str, &str)], rules: &str) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    for (name, text) in files {
        std::fs::write(data.join(name), text).unwrap();
    }
    std::fs::write(dir.path().join("t.rules"), rules).unwrap();
    check(&[
        "--data",
        data.to_str().unwrap(),
        "--rules",
        dir.path().join("t.rules").to_str().unwrap(),
    ])
}

#[test]
fn an_empty_data_directory_and_an_empty_file_are_errors() {
    let run = scratch_run(&[], "expr e \"e\" 1 >= 0\n");
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("crossfoot::data::empty"),
        "{}",
        run.stderr
    );
    let run = scratch_run(&[("T.csv", "")], "expr e \"e\" 1 >= 0\n");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("T.csv is empty"), "{}", run.stderr);
}

#[test]
fn a_table_that_cannot_be_read_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    // A directory where a file should be: there, but not a file (refused before it is read,
    // on the manifest's `file`).
    std::fs::create_dir_all(dir.path().join("data/T.csv")).unwrap();
    std::fs::write(
        dir.path().join("data/tables.toml"),
        "[[table]]\nid = \"T\"\nfile = \"T.csv\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("t.rules"), "expr e \"e\" 1 >= 0\n").unwrap();
    let run = check(&[
        "--data",
        dir.path().join("data").to_str().unwrap(),
        "--rules",
        dir.path().join("t.rules").to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("crossfoot::data::not_a_file"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("T.csv is a directory, not a regular file"),
        "{}",
        run.stderr
    );
}

/// Past fifty, errors are counted, not shown: a file keeps fifty and counts the rest, and the
/// closing line counts all of them.
#[test]
fn errors_past_the_limit_are_counted_not_shown() {
    let bad = |rows: usize| {
        let mut csv = "项目,金额\n".to_string();
        for row in 0..rows {
            csv.push_str(&format!("r{row},1.2.{row}\n"));
        }
        csv
    };
    let run = scratch_run(
        &[("A.csv", &bad(120)), ("B.csv", &bad(30))],
        "expr e \"e\" 1 >= 0\n",
    );
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr.matches("crossfoot::data::number").count(), 50);
    assert!(
        run.stderr
            .contains("… and 100 more input errors, not shown"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .ends_with("crossfoot: 150 input errors; every check they do not stop was checked (report on stdout)\n"),
        "{}",
        run.stderr
    );
    // Under the limit, a file's own "… and N more" is shown.
    let run = scratch_run(&[("A.csv", &bad(60))], "expr e \"e\" 1 >= 0\n");
    assert!(
        run.stderr.contains("… and 10 more input errors, not shown")
            || run.stderr.contains("… and 10 more problems in"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("crossfoot: 60 input errors"),
        "{}",
        run.stderr
    );
}

/// Every unknown name of every rules file, when the tables are good.
#[test]
fn every_rule_error_of_every_rule_in_one_run() {
    let rules = "expr a \"a\" T[x, 金额] >= 0\nexpr b \"b\" T[r1, 金额x] >= 0\n\
                 expr c \"c\" U[r1, 金额] >= 0\n";
    let run = scratch_run(&[("T.csv", "项目,金额\nr1,1\n")], rules);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("table T has no row `x`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("has no column"), "{}", run.stderr);
    assert!(run.stderr.contains("unknown table `U`"), "{}", run.stderr);
    assert!(
        run.stderr.contains("crossfoot: 3 input errors"),
        "{}",
        run.stderr
    );
}

/// Full-width figures are read, with a warning on stderr per cell; the run goes on.
#[test]
fn full_width_figures_are_read_with_a_warning() {
    let data = "tests/fixtures/warnings/full_width/data";
    let rules = "tests/fixtures/warnings/full_width/rules";
    let run = check(&["--data", data, "--rules", rules]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("2 passed, 0 failed"), "{}", run.stdout);
    assert_eq!(run.stderr.matches("crossfoot::data::full_width").count(), 4);
    for read_as in ["`1 000`", "`100.0`", "`-5`", "`-1.5`"] {
        assert!(
            run.stderr.contains(&format!("read as {read_as}")),
            "{read_as}"
        );
    }
    snapshot(
        "warnings__full_width",
        &format!("crossfoot check --data {data} --rules {rules} (stderr)"),
        &run.stderr,
    );
    let json = check(&["--data", data, "--rules", rules, "--format", "json"]);
    assert_eq!(json.code, 0);
    super::parse(&json.stdout);
}

/// The first 2 000 characters of `text`, for a failed assertion's message.
fn head(text: &str) -> String {
    text.chars().take(2000).collect()
}

/// The longest line, in characters, of a diagnostic's text.
fn widest_line(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

#[test]
fn an_error_on_a_long_line_draws_the_columns_around_it_not_the_line() {
    // A data row of three thousand columns whose last figure is not one: its error drew the
    // header and the row whole, 35 KB of stderr with the underline 6 000 columns out.
    let header: Vec<String> = (0..3000).map(|i| format!("c{i}")).collect();
    let csv = format!(
        "a,{}\n甲,{},x1\n",
        header.join(","),
        vec!["1"; 2999].join(",")
    );
    let dir = super::scratch(csv.as_bytes(), "equal t.x \"x\"\n  T[甲, c1] = T[甲, c2]\n");
    let run = super::check_scratch(&dir);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("T.csv:2:6003"), "{}", run.stderr);
    assert!(run.stderr.contains("1,1,1,x1"), "{}", run.stderr);
    assert!(run.stderr.contains("not a figure"), "{}", run.stderr);
    assert!(widest_line(&run.stderr) <= 100, "{}", run.stderr);
    // A rule written on one line of 200 KB, nested too deep: its error, not its line.
    let deep = 100_000;
    let rules = format!(
        "equal t.deep \"deep\"\n  T[甲, c1] = {}T[甲, c2]{}\n",
        "(".repeat(deep),
        ")".repeat(deep)
    );
    let run = super::check_scratch(&super::scratch(csv.as_bytes(), &rules));
    assert!(
        run.stderr.contains("more than 256 levels deep"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("level 257 starts here"),
        "{}",
        run.stderr
    );
    assert!(widest_line(&run.stderr) <= 100, "{}", head(&run.stderr));
    // A cell of 5 000 digits: quoted by its ends in the title, drawn by its start.
    let long = format!("a,c1,c2\n甲,{},1\n", "9".repeat(5000));
    let rules = "equal t.x \"x\"\n  T[甲, c1] = T[甲, c2]\n";
    let run = super::check_scratch(&super::scratch(long.as_bytes(), rules));
    assert!(
        run.stderr
            .contains("`99999999999999999999…9999999999` (5000 characters) has more digits"),
        "{}",
        head(&run.stderr)
    );
    assert!(widest_line(&run.stderr) <= 100, "{}", head(&run.stderr));
    // A rule naming a label of 3 000 characters the table does not print: the label quoted
    // by its ends, in the title and in "did you mean" (19 KB before).
    let label = "长".repeat(2999);
    let csv = format!("a,x\n{label}长,1\n合计,2\n");
    let rules = format!("equal t.x \"x\"\n  T[合计, x] = T[{label}短, x]\n");
    let run = super::check_scratch(&super::scratch(csv.as_bytes(), &rules));
    assert!(run.stderr.contains("(3000 characters)"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean"), "{}", run.stderr);
    assert!(run.stderr.len() < 2_000, "{}", run.stderr);
    // Another table prints that label, and this one a label like it: the advice saying where
    // this one prints it (a related diagnostic, its title and its label) quotes both by their
    // ends too (13 KB before).
    let csv = format!("a,x\n{label}甲,1\n合计,2\n");
    let rules = format!(
        "equal t.x \"x\"\n  T[合计, x] = T[{label}甲, x] + 1\n\
         equal u.x \"x\"\n  U[合计, x] = U[{label}甲, x] + 1\n"
    );
    let dir = super::scratch(csv.as_bytes(), &rules);
    std::fs::write(
        dir.path().join("data/U.csv"),
        format!("a,x\n{label}乙,1\n合计,2\n"),
    )
    .unwrap();
    let run = super::check_scratch(&dir);
    assert!(run.stderr.contains("Advice:"), "{}", run.stderr);
    // Read across the lines the report wraps.
    let advice = run
        .stderr
        .split("Advice:")
        .nth(1)
        .unwrap()
        .replace("\n  │ ", " ");
    assert!(
        advice.contains("乙` (3000 characters)"),
        "{}",
        head(&run.stderr)
    );
    assert!(run.stderr.len() < 5_000, "{}", head(&run.stderr));
}

/// A table that cannot be read keeps every rule that reads it from being checked: the
/// summaries count those rules, where they said "0 not checked" (the checks of the rules that
/// compiled) as if nothing had been kept from running.
#[test]
fn the_rules_an_unreadable_table_keeps_from_running_are_counted_in_the_summaries() {
    let book = super::parse(&check(&["--format", "json"]).stdout);
    let draft = super::edited_book("T2-1.csv", |_| "x\n".to_string());
    let data = draft.path().to_str().unwrap();
    let json = check(&["--data", data, "--format", "json"]);
    assert_eq!(json.code, 2, "{}", json.stderr);
    let json = super::parse(&json.stdout);
    let summary = &json["summary"];
    let said = json["input_errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["message"].as_str())
        .find_map(|m| m.strip_prefix("table T2-1 could not be read (its error is above): "))
        .and_then(|rest| rest.split(' ').next())
        .and_then(|count| count.parse::<u64>().ok())
        .unwrap_or_else(|| panic!("an error names T2-1's rules: {json:#}"));
    assert!(said > 0);
    assert_eq!(summary["rules_not_checked"], said, "{summary}");
    assert_eq!(
        summary["rules"].as_u64().unwrap() + said,
        book["summary"]["rules"].as_u64().unwrap(),
        "the rules checked and not checked are the book's: {summary}"
    );
    assert_eq!(summary["not_checked"], 0, "{summary}");

    let human = check(&["--data", data]);
    let line = human.stdout.lines().last().unwrap();
    assert!(
        line.contains(&format!(
            "· rules {} ({said} more not checked) · checks",
            summary["rules"]
        )),
        "{line}"
    );
    let markdown = check(&["--data", data, "--format", "markdown"]);
    assert!(
        markdown.stdout.contains(&format!(
            "## Input errors\n\n{said} rules and 0 checks of the other rules were not checked \
             because of these; every other check ran.\n"
        )),
        "{}",
        markdown.stdout
    );
    let html = check(&["--data", data, "--format", "html"]);
    assert!(
        html.stdout.contains(&format!(
            r#"<span class="n">{said}</span><span class="what">rules not checked</span>"#
        )),
        "the HTML summary counts them"
    );
    // The book itself, every rule checked: no count of rules not checked anywhere.
    assert!(book["summary"].get("rules_not_checked").is_none());
}

/// A rule left cut short in a draft of the rules (`T[a, x] +` at the end of its line) is a
/// syntax error, not checked and counted so; the rule after it is checked (it was skipped with
/// it, its checks gone without an error of their own).
#[test]
fn a_rule_cut_short_is_counted_not_checked_and_the_next_rule_is_checked() {
    let rules = "sum T.a \"a\"\n  T[合计, x] = T[a, x] +\n\
                 equal T.b \"b\"\n  T[合计, x] = T[a, x]\n";
    let dir = super::scratch("a,x\na,1\n合计,1\n".as_bytes(), rules);
    let run = super::check_scratch_as(&dir, "human");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("crossfoot::rules::syntax"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout
            .contains("tables 1 · rules 1 (1 more not checked) · checks 1: 1 passed"),
        "{}",
        run.stdout
    );
}
