//! End-to-end tests of the example corpus (`data/examples/<office>/`): real tables of other
//! statistics offices, each read in its own printed format as its `tables.toml` declares,
//! checked against its rules. Each office's `NOTES.md` verifies every finding by hand; these
//! tests hold the counts and the reviewed human report.

use super::{check, findings, parse, snapshot, summary};
use serde_json::Value;

fn example(office: &str, format: &str) -> super::Run {
    check(&[
        "--data",
        &format!("data/examples/{office}/data"),
        "--rules",
        &format!("data/examples/{office}/rules"),
        "--format",
        format,
    ])
}

/// Each finding's rule and published figure, as printed.
fn failed(json: &Value) -> Vec<(String, String)> {
    findings(json)
        .iter()
        .map(|f| {
            let published = f["cells"][0]["value"].as_str().unwrap_or_default();
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                published.to_string(),
            )
        })
        .collect()
}

/// The human report as a user sees it, snapshotted for review.
fn snapshot_human(office: &str, code: i32) {
    let run = example(office, "human");
    assert_eq!(run.code, code, "stderr:\n{}", run.stderr);
    snapshot(
        &format!("examples__{office}_human"),
        &format!("crossfoot check on data/examples/{office} (stdout)"),
        &run.stdout,
    );
}

#[test]
fn eurostat_population_reads_flags_after_a_space_and_colons_and_adds_up() {
    let run = example("eurostat", "json");
    assert_eq!(run.code, 0, "stderr:\n{}", run.stderr);
    assert_eq!(run.stderr, "");
    let json = parse(&run.stdout);
    // 4 aggregates × 12 years; `:` never meets an aggregate's member.
    assert_eq!(summary(&json), [1, 4, 48, 48, 0, 0]);
    snapshot_human("eurostat", 0);
}

#[test]
fn bls_employment_status_reads_commas_and_footnoted_years_and_finds_its_slips() {
    let run = example("bls", "json");
    assert_eq!(run.code, 1, "stderr:\n{}", run.stderr);
    assert_eq!(run.stderr, "");
    let json = parse(&run.stdout);
    assert_eq!(summary(&json), [1, 6, 432, 419, 13, 0]);
    let expected = [
        ("LF.labor_force", "60,621"),
        ("LF.labor_force", "61,286"),
        ("LF.labor_force", "62,208"),
        ("LF.participation", "59.2"),
        ("LF.labor_force", "62,138"),
        ("LF.labor_force", "63,015"),
        ("LF.labor_force", "63,643"),
        ("LF.employed", "62,170"),
        ("LF.labor_force", "66,552"),
        ("LF.employed", "63,799"),
        ("LF.labor_force", "69,628"),
        ("LF.employed", "65,778"),
        ("LF.population", "153,153"),
    ]
    .map(|(rule, value)| (rule.to_string(), value.to_string()));
    let mut found = failed(&json);
    let mut wanted = expected.to_vec();
    found.sort();
    wanted.sort();
    assert_eq!(found, wanted);
    super::assert_cells_point_into_their_files(&json);
    snapshot_human("bls", 1);
}

#[test]
fn destatis_flat_csv_reads_latin1_semicolons_comma_decimals_and_its_signs() {
    let run = example("destatis", "json");
    assert_eq!(run.code, 1, "stderr:\n{}", run.stderr);
    let json = parse(&run.stdout);
    // 13111-0005's 128 sums of exact counts all hold.
    assert_eq!(summary(&json), [3, 8, 367, 333, 6, 28]);
    // `/` (not reliable enough) is counted as not available; `x` (no labour-force status
    // under 15) as not applicable.
    assert_eq!(json["summary"]["skipped_not_available"], 10);
    let published: Vec<String> = failed(&json).into_iter().map(|(_, v)| v).collect();
    assert_eq!(published, ["13,2", "12,5", "11,9", "11,4", "10,4", "10,1"]);
    // (The files are Latin-1, which the helper that slices spans as UTF-8 cannot read.)
    snapshot_human("destatis", 1);
}

#[test]
fn abs_time_series_workbook_skips_its_metadata_rows_and_names_quarters_by_their_dates() {
    let run = example("abs", "json");
    assert_eq!(run.code, 0, "stderr:\n{}", run.stderr);
    assert_eq!(run.stderr, "");
    let json = parse(&run.stdout);
    // 148 quarters × 3 sums: the nine metadata rows under the series' names are not quarters.
    assert_eq!(summary(&json), [1, 3, 444, 444, 0, 0]);
    snapshot_human("abs", 0);
}

#[test]
fn ine_flat_export_reads_dot_thousands_comma_decimals_and_quoted_empty_rates() {
    let run = example("ine", "json");
    assert_eq!(run.code, 0, "stderr:\n{}", run.stderr);
    assert_eq!(run.stderr, "");
    let json = parse(&run.stdout);
    // Per adjustment (2) and quarter (122): GDP, services, taxes, manufacturing (976); per
    // adjustment and series (32): 121 quarterly and 118 annual rates (7 648). The 160 `""`
    // rates (no earlier quarter) are no check's.
    assert_eq!(summary(&json), [1, 6, 8624, 8624, 0, 0]);
    snapshot_human("ine", 0);
}

/// The INE table with one printed figure changed, in a scratch copy.
fn ine_with(printed: &str, misprint: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let data = super::root().join("data/examples/ine/data");
    for file in ["67821.csv", "tables.toml"] {
        let bytes = std::fs::read(data.join(file)).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(
            text.matches(printed).count(),
            usize::from(file == "67821.csv")
        );
        std::fs::write(dir.path().join(file), text.replacen(printed, misprint, 1)).unwrap();
    }
    dir
}

#[test]
fn ine_a_quarter_misprinted_by_two_million_fails_its_rates_at_the_printed_cells() {
    // Line 2: unadjusted GDP, 2025T2, 423.107 (million euros). 423.109 stays within the sum's
    // rounding (six figures each ± 0.5) but not within the two rates printed to 4 decimals.
    let dir = ine_with(";2025T2;423.107\r\n", ";2025T2;423.109\r\n");
    let run = check(&[
        "--data",
        dir.path().to_str().unwrap(),
        "--rules",
        "data/examples/ine/rules",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "stderr:\n{}", run.stderr);
    let json = parse(&run.stdout);
    assert_eq!(summary(&json), [1, 6, 8624, 8622, 2, 0]);
    let published: Vec<(String, String)> = failed(&json);
    assert_eq!(
        published,
        [
            ("CN.quarterly".to_string(), "6,7037".to_string()),
            ("CN.annual".to_string(), "5,3766".to_string())
        ]
    );
    // Every cell's span is its printing in the file (a `\r\n` file with `""` cells).
    let text = std::fs::read_to_string(dir.path().join("67821.csv")).unwrap();
    for cell in findings(&json)
        .iter()
        .flat_map(|f| f["cells"].as_array().unwrap())
    {
        let offset = cell["span"]["offset"].as_u64().unwrap() as usize;
        let length = cell["span"]["length"].as_u64().unwrap() as usize;
        assert_eq!(
            &text[offset..offset + length],
            cell["value"].as_str().unwrap()
        );
    }
    let misprint = &findings(&json)[0]["cells"][1];
    assert_eq!(
        (misprint["value"].as_str(), misprint["line"].as_u64()),
        (Some("423.109"), Some(2))
    );
    // Blame proposes the level INE printed, in INE's printing; the machine fields stay plain.
    let suspect = &findings(&json)[0]["blame"]["suspects"][0];
    assert_eq!(suspect["value"], "423.109");
    assert_eq!(suspect["proposed"], "423107");
    assert_eq!(suspect["proposed_text"], "423.107");
}

#[test]
fn blame_proposes_a_figure_as_its_table_prints_figures_and_keeps_machine_fields_plain() {
    let run = example("bls", "json");
    let json = parse(&run.stdout);
    let suspect = &findings(&json)[0]["blame"]["suspects"][0];
    assert_eq!(suspect["value"], "2,276");
    assert_eq!(suspect["proposed_text"], "2,278");
    assert_eq!(suspect["printed"], "2276");
    assert_eq!(suspect["proposed"], "2278");
    assert_eq!(suspect["proposed_range"]["low"], "2277");
    let human = example("bls", "human").stdout;
    assert!(human.contains("likely wrong (→ 2,278): 2,276"), "{human}");
    assert!(
        human.contains("prints 2,276; 2,278 (any of 2,277 to 2,279)"),
        "{human}"
    );
    let markdown = example("bls", "markdown").stdout;
    assert!(markdown.contains("likely wrong (→ 2,278)"), "{markdown}");
}

#[test]
fn eu_retail_tables_read_dots_and_n_a_as_not_available_and_total_what_is_printed() {
    let run = example("eu-retail", "json");
    assert_eq!(run.code, 0, "stderr:\n{}", run.stderr);
    assert_eq!(run.stderr, "");
    let json = parse(&run.stdout);
    // 14 growths (Greece and Ireland `n.a.`, Italy's 1991 `..`: skipped) and 4 EU totals, each
    // the sum of the states that print a figure (`empty = ignore`).
    assert_eq!(summary(&json), [2, 2, 18, 15, 0, 3]);
    assert_eq!(json["summary"]["skipped_not_available"], 3);
    snapshot_human("eu-retail", 0);
}

#[test]
fn eu_retail_a_total_off_by_one_fails_as_its_figures_are_exact() {
    let dir = tempfile::tempdir().unwrap();
    let data = super::root().join("data/examples/eu-retail/data");
    for file in ["table-6-7.csv", "table-6-8.csv", "tables.toml"] {
        let text = std::fs::read_to_string(data.join(file)).unwrap();
        let text = text.replacen("EU Total,2496,", "EU Total,2497,", 1);
        std::fs::write(dir.path().join(file), text).unwrap();
    }
    let run = check(&[
        "--data",
        dir.path().to_str().unwrap(),
        "--rules",
        "data/examples/eu-retail/rules",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "stderr:\n{}", run.stderr);
    let json = parse(&run.stdout);
    assert_eq!(summary(&json), [2, 2, 18, 14, 1, 3]);
    assert_eq!(
        failed(&json),
        [("F.eu_total".to_string(), "2497".to_string())]
    );
}

#[test]
fn tanker_20f_reads_negatives_in_parentheses_and_its_accounts_add_up() {
    let run = example("tanker-20f", "json");
    assert_eq!(run.code, 0, "stderr:\n{}", run.stderr);
    assert_eq!(run.stderr, "");
    let json = parse(&run.stdout);
    // SF: 5 years × (operating result, other expenses, net result, basic and diluted EPS);
    // OR: 2 years × 2 sums, 7 variances, 2 lines × 2 years equal to SF's.
    assert_eq!(summary(&json), [2, 9, 40, 40, 0, 0]);
    snapshot_human("tanker-20f", 0);
}

/// The tanker report's tables with one printed figure of `file` changed, in a scratch copy.
fn tanker_with(file: &str, printed: &str, misprint: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let data = super::root().join("data/examples/tanker-20f/data");
    for name in ["selected-data.csv", "operating-results.csv", "tables.toml"] {
        let text = std::fs::read_to_string(data.join(name)).unwrap();
        let text = if name == file {
            assert_eq!(text.matches(printed).count(), 1, "{printed} in {name}");
            text.replacen(printed, misprint, 1)
        } else {
            text
        };
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn check_json(data: &std::path::Path, rules: &std::path::Path) -> super::Run {
    check(&[
        "--data",
        data.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
        "--format",
        "json",
    ])
}

#[test]
fn tanker_20f_a_figure_in_parentheses_is_read_as_a_negative() {
    let rules = tempfile::tempdir().unwrap();
    std::fs::write(
        rules.path().join("signs.rules"),
        "expr SF.sign \"(141,770) is -141 770\"\n  SF[\"Voyage Expenses\", 2019] = -141770\n\
         expr OR.sign \"(14.1%) is -14.1\"\n  OR[\"Less Voyage expenses\", Variance] = -14.1\n",
    )
    .unwrap();
    let data = super::root().join("data/examples/tanker-20f/data");
    let run = check_json(&data, rules.path());
    assert_eq!(run.code, 0, "stderr:\n{}", run.stderr);
    assert_eq!(summary(&parse(&run.stdout)), [2, 2, 2, 2, 0, 0]);
    // Without its parentheses the same figure is positive, and both checks fail.
    for (file, printed, misprint) in [
        ("selected-data.csv", "\"(141,770)\"", "\"141,770\""),
        ("operating-results.csv", ",(14.1%)\n", ",14.1%\n"),
    ] {
        let dir = tanker_with(file, printed, misprint);
        let run = check_json(dir.path(), rules.path());
        assert_eq!(run.code, 1, "stderr:\n{}", run.stderr);
        assert_eq!(summary(&parse(&run.stdout))[4], 1, "{misprint}");
    }
}

#[test]
fn tanker_20f_an_expense_without_its_parentheses_breaks_the_operating_result() {
    // Voyage expenses of 2019 read as +141 770: the operating result's parts then add up to
    // 283 540 (twice the expense) more than printed, and the Item 5 table's (141,770) no
    // longer equals it.
    let dir = tanker_with("selected-data.csv", "\"(141,770)\"", "\"141,770\"");
    let rules = super::root().join("data/examples/tanker-20f/rules");
    let run = check_json(dir.path(), &rules);
    assert_eq!(run.code, 1, "stderr:\n{}", run.stderr);
    let json = parse(&run.stdout);
    assert_eq!(summary(&json), [2, 9, 40, 38, 2, 0]);
    let mut found = failed(&json);
    found.sort();
    assert_eq!(
        found,
        [
            ("OR.selected_data".to_string(), "(141,770)".to_string()),
            ("SF.operating".to_string(), "31,971".to_string())
        ]
    );
    let operating = findings(&json)
        .iter()
        .find(|f| f["rule"] == "SF.operating")
        .unwrap();
    assert_eq!(operating["expected"]["low"], "315508.5");
    assert_eq!(operating["expected"]["high"], "315513.5");
    // Blame puts the parentheses back: `(141,770)` repairs both failed checks.
    for finding in findings(&json) {
        let blame = &finding["blame"];
        assert_eq!(blame["exact"], true, "{blame:#}");
        let suspect = &blame["suspects"][0];
        assert_eq!(
            (suspect["table"].as_str(), suspect["row"].as_str()),
            (Some("SF"), Some("Voyage Expenses")),
            "{suspect:#}"
        );
        assert_eq!(suspect["proposed_text"], "(141,770)");
        assert_eq!(suspect["slip"], "parentheses_dropped");
    }
    // A fall printed without its parentheses fails the variance it is.
    let dir = tanker_with("operating-results.csv", ",(14.1%)\n", ",14.1%\n");
    let run = check_json(dir.path(), &rules);
    let json = parse(&run.stdout);
    assert_eq!(summary(&json), [2, 9, 40, 39, 1, 0]);
    assert_eq!(
        failed(&json),
        [("OR.variance".to_string(), "14.1%".to_string())]
    );
    // Its proposal prints as the column prints its falls, `%` inside the parentheses.
    let suspect = &findings(&json)[0]["blame"]["suspects"][0];
    assert_eq!(suspect["proposed_text"], "(14.1%)", "{suspect:#}");
    assert_eq!(suspect["slip"], "parentheses_dropped", "{suspect:#}");
}

#[test]
fn tencent_quarter_adds_its_losses_in_parentheses_as_negatives() {
    let run = example("tencent", "json");
    assert_eq!(run.code, 0, "stderr:\n{}", run.stderr);
    assert_eq!(run.stderr, "");
    let json = parse(&run.stdout);
    // Six rules, one check per quarter; 2018's `(2,139)`, `(203)` and 2019's `(1,328)` are
    // losses that the sums take as printed.
    assert_eq!(summary(&json), [1, 6, 12, 12, 0, 0]);
    snapshot_human("tencent", 0);
}

#[test]
fn tencent_a_loss_without_its_parentheses_breaks_the_attribution_by_twice_itself() {
    let dir = tempfile::tempdir().unwrap();
    let data = super::root().join("data/examples/tencent/data");
    for name in ["fourth-quarter.csv", "tables.toml"] {
        let text = std::fs::read_to_string(data.join(name)).unwrap();
        let text = if name == "fourth-quarter.csv" {
            // Non-controlling interests, 2018.
            assert_eq!(text.matches(",790,(203)\n").count(), 1);
            text.replacen(",790,(203)\n", ",790,203\n", 1)
        } else {
            text
        };
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let rules = super::root().join("data/examples/tencent/rules");
    let run = check_json(dir.path(), &rules);
    assert_eq!(run.code, 1, "stderr:\n{}", run.stderr);
    let json = parse(&run.stdout);
    assert_eq!(summary(&json), [1, 6, 12, 11, 1, 0]);
    assert_eq!(
        failed(&json),
        [("Q4.attributable".to_string(), "14,026".to_string())]
    );
    // 14,229 + 203 against the printed 14,026: 406 apart, twice the loss.
    let finding = &findings(&json)[0];
    assert_eq!(finding["expected"]["low"], "14431");
    assert_eq!(finding["expected"]["high"], "14433");
}

#[test]
fn a_date_cell_labels_its_row_as_an_iso_date_not_a_serial_number() {
    let rules = tempfile::tempdir().unwrap();
    std::fs::write(
        rules.path().join("first.rules"),
        "sum HW.first \"The first quarter (Dec-1984, serial 31017) is named by its date\"\n  \
         HW[\"1984-12-01\", \"Quarterly hours worked in all jobs ;\"] = \
         HW[\"1984-12-01\", \"Quarterly hours worked in all jobs ;  Market ;\"] + \
         HW[\"1984-12-01\", \"Quarterly hours worked in all jobs ;  Non-market ;\"]\n",
    )
    .unwrap();
    let run = check(&[
        "--data",
        "data/examples/abs/data",
        "--rules",
        rules.path().to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "stderr:\n{}", run.stderr);
    assert_eq!(summary(&parse(&run.stdout)), [1, 1, 1, 1, 0, 0]);
}

#[test]
fn list_tables_shows_each_column_as_rules_name_it_whatever_the_rules_directory_holds() {
    let rules = tempfile::tempdir().unwrap();
    std::fs::write(
        rules.path().join("broken.rules"),
        "sum LF.x \"half a rule\n",
    )
    .unwrap();
    let run = super::crossfoot(&[
        "list",
        "tables",
        "--data",
        "data/examples/bls/data",
        "--rules",
        rules.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "stderr:\n{}", run.stderr);
    for column in [
        "column \"Civilian noninstitutional population\"",
        "column \"Civilian labor force\"/Total",
        "column \"Civilian labor force\"/Unemployed/\"Percent of labor force\"",
    ] {
        assert!(run.stdout.contains(column), "{column}:\n{}", run.stdout);
    }
}
