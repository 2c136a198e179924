//! The SARIF, JUnit, GitHub and Markdown reports of the bundled yearbook: a snapshot of each,
//! and checks that do not trust the snapshot (each report against the JSON report of the same
//! run: same findings, same cells, same counts).

use super::{check, findings, parse, snapshot, summary, unwrapped};
use serde_json::Value;

/// The JSON report of the bundled book, to compare the other formats with.
fn yearbook_json() -> Value {
    let run = check(&["--format", "json"]);
    assert_eq!(run.code, 1, "stderr:\n{}", run.stderr);
    parse(&run.stdout)
}

/// `check --format FORMAT` on the bundled book: exits 1 (the book has discrepancies).
fn yearbook(format: &str) -> String {
    let run = check(&["--format", format]);
    assert_eq!(run.code, 1, "{format}: stderr:\n{}", run.stderr);
    assert!(run.stderr.is_empty(), "{format}: stderr:\n{}", run.stderr);
    run.stdout
}

fn cells(finding: &Value) -> &Vec<Value> {
    finding["cells"].as_array().unwrap()
}

/// A validator for the official SARIF 2.1.0 schema.
pub(super) fn sarif_validator() -> jsonschema::Validator {
    // The official SARIF 2.1.0 schema (OASIS, sarif-spec Schemata/sarif-schema-2.1.0.json),
    // copied from the serde-sarif 0.8.0 crate's src/schema.json.
    let schema = parse(include_str!("../fixtures/sarif-schema-2.1.0.json"));
    // The schema's `language` patterns (of run and toolComponent; crossfoot emits neither)
    // have a stray `]` that the crate's check of the schema itself rejects as a regex: they
    // are replaced by the pattern they mean. Nothing else of the schema is changed.
    let mut schema = schema;
    for definition in ["run", "toolComponent"] {
        schema["definitions"][definition]["properties"]["language"]["pattern"] =
            Value::from("^[a-zA-Z]{2}$|^[a-zA-Z]{2}-[a-zA-Z]{2}$");
    }
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

/// Every SARIF 2.1.0 schema error of `log`, listed.
pub(super) fn assert_valid_sarif(validator: &jsonschema::Validator, log: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema errors:\n{}",
        errors.join("\n")
    );
}

#[test]
fn sarif() {
    let out = yearbook("sarif");
    snapshot(
        "reports__sarif",
        "crossfoot check --format sarif (the bundled yearbook)",
        &out,
    );
    let sarif = parse(&out);
    let json = yearbook_json();

    let validator = sarif_validator();
    assert_valid_sarif(&validator, &sarif);
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator.is_valid(&broken), "the schema check can fail");

    assert_eq!(sarif["version"], "2.1.0");
    let runs = sarif["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(
        rules.len() as u64,
        summary(&json)[1],
        "every rule is listed"
    );
    for rule in rules {
        assert!(
            !rule["shortDescription"]["text"]
                .as_str()
                .unwrap()
                .is_empty()
        );
        assert!(!rule["help"]["text"].as_str().unwrap().is_empty());
    }

    let results = run["results"].as_array().unwrap();
    let findings = findings(&json);
    assert_eq!(results.len(), findings.len(), "one result per finding");
    assert_eq!(
        results.len() as u64,
        summary(&json)[4] + super::implausible(&json)
    );
    for (result, finding) in results.iter().zip(findings) {
        assert_eq!(result["ruleId"], finding["rule"]);
        let level = match finding["severity"].as_str().unwrap() {
            "info" => "note",
            "plausibility" => "warning",
            severity => severity,
        };
        assert_eq!(result["level"], level);
        // The finding's message, then what blame says of it.
        let message = result["message"]["text"].as_str().unwrap();
        let (said, blamed) = message.split_once('\n').unwrap_or((message, ""));
        assert_eq!(said, finding["message"]);
        assert_eq!(blamed.is_empty(), finding["blame"].is_null(), "{message}");
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], finding["rule"]);
        let locations = result["locations"].as_array().unwrap();
        assert_eq!(
            locations.len(),
            cells(finding).len(),
            "one location per cell"
        );
        for (location, cell) in locations.iter().zip(cells(finding)) {
            let physical = &location["physicalLocation"];
            assert_eq!(physical["artifactLocation"]["uri"], cell["file"]);
            let region = &physical["region"];
            assert_eq!(region["startLine"], cell["line"]);
            assert_eq!(region["startColumn"], cell["column_number"]);
            assert_eq!(region["byteOffset"], cell["span"]["offset"]);
            assert_eq!(region["byteLength"], cell["span"]["length"]);
        }
    }
}

#[test]
fn junit() {
    let out = yearbook("junit");
    snapshot(
        "reports__junit",
        "crossfoot check --format junit (the bundled yearbook)",
        &out,
    );
    let json = yearbook_json();
    let [_, rules, checks, passed, failed, skipped] = summary(&json);
    let xml = roxmltree::Document::parse(&out).unwrap_or_else(|e| panic!("not XML ({e})"));
    let root = xml.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let attribute = |node: roxmltree::Node<'_, '_>, name: &str| -> u64 {
        node.attribute(name).unwrap().parse().unwrap()
    };
    // JUnit has no warnings: a failed plausibility check is a failed test case too.
    assert_eq!(
        attribute(root, "failures"),
        failed + super::implausible(&json)
    );

    let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    assert_eq!(suites.len() as u64, rules, "one suite per rule");
    let (mut tests, mut suite_failures, mut suite_skipped) = (0, 0, 0);
    let (mut counted_checks, mut counted_passed, mut counted_skipped) = (0, 0, 0);
    let mut messages = Vec::new();
    for suite in &suites {
        assert_eq!(suite.tag_name().name(), "testsuite");
        let cases: Vec<_> = suite
            .children()
            .filter(|n| n.has_tag_name("testcase"))
            .collect();
        let with = |tag: &str| -> u64 {
            cases
                .iter()
                .filter(|c| c.children().any(|n| n.has_tag_name(tag)))
                .count() as u64
        };
        assert_eq!(attribute(*suite, "tests"), cases.len() as u64);
        assert_eq!(attribute(*suite, "failures"), with("failure"));
        assert_eq!(attribute(*suite, "skipped"), with("skipped"));
        tests += cases.len() as u64;
        suite_failures += attribute(*suite, "failures");
        suite_skipped += attribute(*suite, "skipped");
        for failure in suite.descendants().filter(|n| n.has_tag_name("failure")) {
            messages.push(failure.attribute("message").unwrap().to_string());
        }
        let property = |name: &str| -> u64 {
            suite
                .descendants()
                .find(|n| n.has_tag_name("property") && n.attribute("name") == Some(name))
                .unwrap_or_else(|| panic!("property {name}"))
                .attribute("value")
                .unwrap()
                .parse()
                .unwrap()
        };
        assert_eq!(
            property("checks"),
            property("passed") + property("failed") + property("skipped")
        );
        counted_checks += property("checks");
        counted_passed += property("passed");
        counted_skipped += property("skipped");
    }
    assert_eq!(attribute(root, "tests"), tests);
    assert_eq!(
        suite_failures,
        failed + super::implausible(&json),
        "failures = summary.failed + summary.implausible"
    );
    assert_eq!(attribute(root, "skipped"), suite_skipped);
    assert_eq!(
        (counted_checks, counted_passed, counted_skipped),
        (checks, passed, skipped),
        "per-rule counts add up to the summary"
    );
    let expected: Vec<String> = findings(&json)
        .iter()
        .map(|f| {
            let soft = if f["severity"] == "plausibility" {
                "plausibility: "
            } else {
                ""
            };
            format!("{soft}{}", f["message"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        messages, expected,
        "one failure per finding, with its message"
    );
}

#[test]
fn github() {
    let out = yearbook("github");
    snapshot(
        "reports__github",
        "crossfoot check --format github (the bundled yearbook)",
        &out,
    );
    let json = yearbook_json();
    let lines: Vec<&str> = out.lines().collect();
    let cells: Vec<(&Value, &Value)> = findings(&json)
        .iter()
        .flat_map(|f| cells(f).iter().map(move |c| (f, c)))
        .collect();
    assert_eq!(lines.len(), cells.len(), "one line per cell of a finding");
    for (line, (finding, cell)) in lines.iter().zip(cells) {
        let escape = |s: &str| {
            s.replace('%', "%25")
                .replace('\r', "%0D")
                .replace('\n', "%0A")
                .replace(':', "%3A")
                .replace(',', "%2C")
        };
        let (command, title) = match finding["severity"].as_str().unwrap() {
            "info" => ("notice", String::new()),
            "plausibility" => ("warning", " (plausibility)".to_string()),
            severity => (severity, String::new()),
        };
        let head = format!(
            "::{command} file={},line={},col={},title={}{title}::",
            escape(cell["file"].as_str().unwrap()),
            cell["line"],
            cell["column_number"],
            escape(finding["rule"].as_str().unwrap())
        );
        assert!(
            line.starts_with(&head),
            "{line}\ndoes not start with\n{head}"
        );
        let message = &line[head.len()..];
        assert!(!message.contains(['\r', '\n']));
        assert!(
            message.contains(&finding["message"].as_str().unwrap().replace('%', "%25")),
            "{line}"
        );
    }
}

#[test]
fn markdown() {
    let out = yearbook("markdown");
    snapshot(
        "reports__markdown",
        "crossfoot check --format markdown (the bundled yearbook)",
        &out,
    );
    let json = yearbook_json();
    let [tables, rules, checks, passed, failed, skipped] = summary(&json);
    let row = format!("| {tables} | {rules} | {checks} | {passed} | {failed} | {skipped} |");
    assert!(out.contains(&row), "the summary row {row}");
    let headings = out.matches("\n### `").count();
    // The Markdown report lists the undecided checks; the JSON notes list every skipped one.
    let undecided = json["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|note| note["reason"] == "undecided")
        .count();
    // Under "Skipped checks": one heading per rule with checks skipped for an empty cell or a
    // cell the table does not have.
    let skipped_rules: std::collections::BTreeSet<&str> = json["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|note| note["reason"] != "undecided")
        .map(|note| note["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        headings,
        findings(&json).len() + undecided + skipped_rules.len()
    );
    for rule in skipped_rules {
        let heading = format!("### `{rule}` — ");
        assert!(
            out.lines()
                .any(|l| l.starts_with(&heading) && l.ends_with(" skipped")),
            "{rule}"
        );
    }
    for finding in findings(&json) {
        let rule = finding["rule"].as_str().unwrap();
        assert!(
            out.contains(&format!("### `{rule}` — ")),
            "{rule} is reported"
        );
        for cell in cells(finding) {
            let place = format!(
                "`{}:{}:{}`",
                cell["file"].as_str().unwrap(),
                cell["line"],
                cell["column_number"]
            );
            assert!(out.contains(&place), "{rule}: cell {place}");
        }
    }
    // Tables in book order: the order of the JSON findings' tables is not it, the data's is.
    let order: Vec<usize> = [
        "## 表 2-1",
        "## 表 4-1 ",
        "## 表 4-13",
        "## 表 4-14",
        "## 附表 6",
        "## 附表 8",
    ]
    .iter()
    .map(|h| out.find(h).unwrap_or_else(|| panic!("{h}")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
}

/// The text of a line the human report draws from a source (`154 │ …`), without its number.
fn drawn_source_line(line: &str) -> Option<&str> {
    let (number, text) = line.split_once(" │ ")?;
    let number = number.trim_start();
    (!number.is_empty() && number.bytes().all(|b| b.is_ascii_digit())).then_some(text)
}

/// The book's paragraphs are single lines of up to 1 417 characters, and Destatis's flat
/// export rows run to 140 columns: drawn whole, each wrapped over the terminal and its
/// underline landed far from the figure. Every source line drawn fits the report's 100
/// columns, and the figure is drawn with the words that name it.
#[test]
fn the_human_report_draws_no_source_line_wider_than_the_report() {
    use unicode_width::UnicodeWidthStr;
    let book = yearbook("human");
    let destatis = check(&[
        "--data",
        "data/examples/destatis/data",
        "--rules",
        "data/examples/destatis/rules",
    ]);
    assert_eq!(destatis.code, 1, "stderr:\n{}", destatis.stderr);
    for (name, report) in [("book", &book), ("destatis", &destatis.stdout)] {
        let drawn: Vec<&str> = report.lines().filter_map(drawn_source_line).collect();
        assert!(drawn.len() >= 6, "{name}: {} source lines", drawn.len());
        for line in drawn {
            assert!(
                line.width() <= 100,
                "{name}: {} columns: {line}",
                line.width()
            );
        }
    }
    assert!(
        book.contains(" 154 │ …合同金额比上年增长，成交额为11 673.9亿元，同比增长31.5%；"),
        "{book}"
    );
}

/// Wrapped at the break points of Unicode's line-breaking rules, the help split labels
/// between any two Chinese characters (`[电子信` / `息, 2021年]`, `(卖方地区 国` / `外)`), so that a
/// label could not be found in the report as the table prints it. It wraps at spaces only:
/// every cell blame names reads whole once the lines are joined.
#[test]
fn the_human_report_wraps_between_words_never_inside_a_label() {
    let cases = [
        ("tests/fixtures/sum/data", "tests/fixtures/sum/rules"),
        (
            "tests/fixtures/blame/columns_swapped/data",
            "tests/fixtures/blame/rules",
        ),
    ];
    for (data, rules) in cases {
        let run = |format| check(&["--data", data, "--rules", rules, "--format", format]);
        let json = parse(&run("json").stdout);
        let human = super::unwrapped(&run("human").stdout);
        let suspects: Vec<&Value> = findings(&json)
            .iter()
            .filter_map(|finding| finding["blame"]["suspects"].as_array())
            .flatten()
            .collect();
        assert!(!suspects.is_empty(), "{data}: no cell blamed");
        for suspect in suspects {
            let cell = format!("[{}, {}] prints", suspect["row"].as_str().unwrap(), {
                suspect["column"].as_str().unwrap()
            });
            assert!(human.contains(&cell), "{data}: {cell} not in\n{human}");
        }
    }
}

/// A check over 100 records reads 100 cells: the human report draws the first 64 with their
/// labels and says how many more it reads (miette placed each of 10⁵ labels by reading the
/// file from its start, and the report took hours); the JSON report lists them all.
#[test]
fn the_human_report_draws_a_wide_checks_first_cells_and_counts_the_rest() {
    let records: String = (1..=100).map(|id| format!("{id},1.0\n")).collect();
    let (_dir, data, rules) = super::record_file(
        "columns = { \"x1\" = { exact = true } }\n",
        &format!("id,x1\n{records}"),
        "expr C.small \"the records add up to at most 10\"\n  \
         sum(REC[r, x1] for r in rows(REC)) <= 10\n",
    );
    let (data, rules) = (data.as_str(), rules.as_str());
    let human = check(&["--data", data, "--rules", rules]);
    assert_eq!(human.code, 1, "stderr:\n{}", human.stderr);
    let labels = human.stdout.matches("╰── ").count();
    assert_eq!(labels, 64, "{}", human.stdout);
    assert!(
        human.stdout.contains("1.0 · REC [64, x1]"),
        "{}",
        human.stdout
    );
    assert!(!human.stdout.contains("REC [65, x1]"), "{}", human.stdout);
    assert!(
        unwrapped(&human.stdout).contains(
            "… and 36 more cells it reads, not drawn here (`--format json` lists them all)"
        ),
        "{}",
        human.stdout
    );
    let json = parse(&check(&["--data", data, "--rules", rules, "--format", "json"]).stdout);
    assert_eq!(cells(&findings(&json)[0]).len(), 100);
}

/// An outlier rule over 12 000 records: its finding reads every record's figure (the mean).
/// The JSON report lists every cell, written out as it is made (past 10 000 cells a finding
/// is not rendered beforehand); SARIF locates the first 1 000, since GitHub's code scanning
/// rejects a log with a result of more, and says how many it leaves out; so do the GitHub
/// annotations.
#[test]
fn a_finding_of_many_cells_is_listed_whole_in_json_and_its_first_thousand_elsewhere() {
    let mut csv = String::from("id,x\n");
    for n in 1..=12_000 {
        csv.push_str(&format!("r{n},{}\n", if n == 7 { 900 } else { 1 }));
    }
    let rules = "expr O.x \"no record above twice the mean\"\n  for r in rows(REC)\n  \
                 REC[r, x] <= 2 * mean(REC[s, x] for s in rows(REC))\n";
    let (_dir, data, rules) = super::record_file("", &csv, rules);
    let output = |format: &str| {
        let run = check(&["--data", &data, "--rules", &rules, "--format", format]);
        assert_eq!(run.code, 1, "{format}: {}", run.stderr);
        run.stdout
    };
    let run = |format: &str| parse(&output(format));
    let json = run("json");
    let found = findings(&json);
    assert_eq!(found.len(), 1);
    let listed: Vec<(&str, &str)> = cells(&found[0])
        .iter()
        .map(|c| (c["row"].as_str().unwrap(), c["value"].as_str().unwrap()))
        .collect();
    // The record's own figure, then the mean's others in order, each cell once.
    assert_eq!(listed.len(), 12_000);
    assert_eq!(listed[0], ("r7", "900"));
    assert_eq!(listed[1], ("r1", "1"));
    assert_eq!(listed[11_999], ("r12000", "1"));
    let sarif = run("sarif");
    super::reports::assert_valid_sarif(&sarif_validator(), &sarif);
    let result = &sarif["runs"][0]["results"][0];
    let locations = result["locations"].as_array().unwrap();
    assert_eq!(locations.len(), 1_000);
    // r7, then r1 … r1000 without r7: the last on line 1 001.
    assert_eq!(
        locations[999]["physicalLocation"]["region"]["startLine"],
        1_001
    );
    assert_eq!(result["properties"]["locationsLeftOut"], 11_000);
    let message = result["message"]["text"].as_str().unwrap();
    assert!(
        message.contains("… and 11000 more cells it reads, not located here"),
        "{message}"
    );
    let github = output("github");
    let lines: Vec<&str> = github.lines().collect();
    assert_eq!(lines.len(), 1_001);
    assert!(
        lines[..1_000]
            .iter()
            .all(|l| l.starts_with("::error file="))
    );
    assert!(lines[999].contains("line=1001,"), "{}", lines[999]);
    assert!(
        lines[1_000].starts_with("::notice title=O.x::… and 11000 more cells it reads"),
        "{}",
        lines[1_000]
    );
    // The reports for people name the first thousand, and count the others.
    let markdown = output("markdown");
    assert_eq!(markdown.matches(" | REC | r").count(), 1_000);
    assert!(markdown.contains("| published | REC | r7 | x | 900 |"));
    assert!(markdown.contains(
        "\n… and 11000 more cells it reads, not listed here (`--format json` lists them all)\n"
    ));
    let html = output("html");
    assert_eq!(html.matches(r#"<li><a class="hl "#).count(), 1_000);
    assert!(html.contains(
        "<li class=\"left-out\">… and 11000 more cells it reads, not named here (--format json \
         lists them all)</li>"
    ));
    // Its table of 12 000 rows is folded to the thousand rows of those cells.
    assert!(html.contains(
        "Folded: of its 12000 rows, the 1000 that hold a cell a finding names are shown."
    ));
    assert_eq!(html.matches(" data-finding=\"0\"").count(), 1_000);
    assert!(html.contains("⋯ 11000 rows not shown ⋯"));
}
