//! Plausibility (soft) edits, `severity plausibility`: a failed one is a warning counted apart
//! as `implausible`, does not fail the run unless `--fail-on plausibility`, reads as such in
//! every format, and is left out of blame.

use super::{check, findings, implausible, parse, snapshot};

const DATA: &str = "tests/fixtures/plausibility/data";
const RULES: &str = "tests/fixtures/plausibility/rules";

#[test]
fn a_failed_plausibility_edit_is_counted_apart_and_does_not_fail_the_run_by_default() {
    let json = check(&["--data", DATA, "--rules", RULES, "--format", "json"]);
    assert_eq!(json.code, 0, "stderr:\n{}", json.stderr);
    let json = parse(&json.stdout);
    assert_eq!(json["summary"]["checks"], 7);
    assert_eq!(json["summary"]["passed"], 6);
    assert_eq!(json["summary"]["failed"], 0);
    assert_eq!(implausible(&json), 1);
    let found = findings(&json);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["rule"], "plausibility.fail");
    assert_eq!(found[0]["severity"], "plausibility");
    assert_eq!(found[0]["gap"], "0.125");
    let rules = json["rules"].as_array().unwrap();
    assert!(rules.iter().all(|r| r["severity"] == "plausibility"));
}

#[test]
fn fail_on_plausibility_makes_a_soft_finding_fail_the_run() {
    for (fail_on, code) in [
        ("error", 0),
        ("warning", 0),
        ("plausibility", 1),
        ("info", 1),
        ("never", 0),
    ] {
        let run = check(&["--data", DATA, "--rules", RULES, "--fail-on", fail_on]);
        assert_eq!(
            run.code, code,
            "--fail-on {fail_on}; stderr:\n{}",
            run.stderr
        );
    }
}

/// One input, every format: each says the finding is a plausibility edit's, as a warning.
#[test]
fn every_format_shows_a_soft_finding_as_a_plausibility_warning() {
    for format in ["human", "json", "sarif", "junit", "github", "markdown"] {
        let run = check(&["--data", DATA, "--rules", RULES, "--format", format]);
        assert_eq!(run.code, 0, "{format}; stderr:\n{}", run.stderr);
        assert!(
            run.stdout.contains("plausibility"),
            "{format} names the severity:\n{}",
            run.stdout
        );
        snapshot(
            &format!("plausibility__{format}"),
            &format!("crossfoot check --data {DATA} --rules {RULES} --format {format}"),
            &run.stdout,
        );
    }
    let sarif = parse(&check(&["--data", DATA, "--rules", RULES, "--format", "sarif"]).stdout);
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["level"], "warning");
    assert_eq!(result["properties"]["severity"], "plausibility");
    let github = check(&["--data", DATA, "--rules", RULES, "--format", "github"]).stdout;
    assert!(github.starts_with("::warning "), "{github}");
    let html = check(&["--data", DATA, "--rules", RULES, "--format", "html"]).stdout;
    assert!(html.contains(r#"<span class="severity">plausibility</span>"#));
    assert!(html.contains("implausible"));
}

/// Guards blame against a soft finding: 丙's implausible parties share its 合同数 with the
/// failed total; grouped together, no single figure would explain both.
#[test]
fn blame_leaves_a_plausibility_finding_out_of_its_groups() {
    let (data, rules) = (
        "tests/fixtures/plausibility/blame/data",
        "tests/fixtures/plausibility/blame/rules",
    );
    let run = check(&["--data", data, "--rules", rules, "--format", "json"]);
    assert_eq!(run.code, 1, "stderr:\n{}", run.stderr);
    snapshot(
        "plausibility__blame__json",
        &format!("crossfoot check --data {data} --rules {rules} --format json"),
        &run.stdout,
    );
    let json = parse(&run.stdout);
    assert_eq!(json["summary"]["failed"], 1);
    assert_eq!(implausible(&json), 1);
    let found = findings(&json);
    let hard = found.iter().find(|f| f["rule"] == "blame.total").unwrap();
    assert_eq!(hard["blame"]["group"], serde_json::json!(["blame.total"]));
    assert_eq!(hard["blame"]["exact"], true);
    assert_eq!(hard["blame"]["suspects"][0]["proposed"], "230");
    let soft = found.iter().find(|f| f["rule"] == "blame.soft").unwrap();
    assert_eq!(soft["severity"], "plausibility");
    assert!(soft.get("blame").is_none(), "{soft}");
}
