//! The HTML report of the bundled yearbook, opened in a real browser: headless Chromium loads
//! the page, runs its script and prints the resulting DOM (`--dump-dom`). The cells marked in
//! that DOM must be exactly the cells of the JSON report's findings, each with the same findings,
//! and marked "published" exactly where it is a finding's published figure.
//!
//! Chromium is the Debian package `chromium`; `.ci/run` installs it and sets
//! `CROSSFOOT_REQUIRE_BROWSER=1`, under which a missing Chromium fails this test, saying how to
//! install it: in CI a report nobody opened is not tested. Elsewhere (`cargo test` on a fresh
//! machine) the test is skipped without Chromium, saying so on stderr.

use super::{check, findings, parse};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;
use std::process::Command;

const CHROMIUM: &str = "chromium";

/// Set to `1` (by `.ci/run`) to make a missing Chromium fail the browser test.
const REQUIRE_BROWSER: &str = "CROSSFOOT_REQUIRE_BROWSER";

/// Whether Chromium runs here. Without it, the browser test is skipped with a message on
/// stderr, unless `CROSSFOOT_REQUIRE_BROWSER=1`, when it fails saying how to install it.
fn chromium_or_skip() -> bool {
    let found = Command::new(CHROMIUM).arg("--version").output();
    match found {
        Ok(_) => true,
        Err(e) if std::env::var(REQUIRE_BROWSER).is_ok_and(|v| v == "1") => panic!(
            "this test opens the HTML report in Chromium, but `{CHROMIUM}` does not run ({e}) \
             and {REQUIRE_BROWSER}=1 makes it mandatory. Install it: `apt-get install -y \
             chromium` (Debian/Ubuntu, as root), or run .ci/run, which installs it"
        ),
        Err(_) => {
            // Straight to stderr: the test harness would hide `eprintln!` of a passing test.
            let _ = writeln!(
                std::io::stderr(),
                "skipped: chromium not installed; .ci/run installs it and makes this test mandatory"
            );
            false
        }
    }
}

/// The DOM of `page` after its scripts ran, as Chromium serialises it.
fn dump_dom(page: &Path, profile: &Path) -> String {
    let url = format!("file://{}", page.display());
    let output = Command::new(CHROMIUM)
        .args(["--headless", "--disable-gpu", "--no-sandbox"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "this test opens the HTML report in Chromium, but `{CHROMIUM}` does not run \
                 ({e}). Install it: `apt-get install -y chromium` (Debian/Ubuntu, as root), \
                 or run .ci/run, which installs it"
            )
        });
    assert!(
        output.status.success(),
        "chromium --dump-dom {url} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("the DOM is UTF-8")
}

/// One start tag of the DOM: its name and attributes (entities decoded).
struct Element {
    name: String,
    attributes: BTreeMap<String, String>,
}

impl Element {
    fn get(&self, name: &str) -> Option<&str> {
        self.attributes.get(name).map(String::as_str)
    }

    fn classes(&self) -> BTreeSet<&str> {
        self.get("class").unwrap_or("").split_whitespace().collect()
    }
}

fn decode(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// The start tags of a serialised DOM, in order. Text, comments, end tags and the raw content
/// of `<script>` and `<style>` are skipped (Chromium escapes `<` in text and attributes).
fn elements(dom: &str) -> Vec<Element> {
    let mut found = Vec::new();
    let mut rest = dom;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        if let Some(comment) = rest.strip_prefix("!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        if rest.starts_with('/') || rest.starts_with('!') {
            continue;
        }
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        rest = &rest[name_end..];
        let mut attributes = BTreeMap::new();
        loop {
            rest = rest.trim_start();
            if let Some(after) = rest.strip_prefix('>') {
                rest = after;
                break;
            }
            if let Some(after) = rest.strip_prefix("/>") {
                rest = after;
                break;
            }
            if rest.is_empty() {
                break;
            }
            let key_end = rest
                .find(|c: char| c.is_whitespace() || c == '=' || c == '>' || c == '/')
                .unwrap_or(rest.len())
                .max(1);
            let key = rest[..key_end].to_ascii_lowercase();
            rest = &rest[key_end..];
            let value = if let Some(after) = rest.strip_prefix('=') {
                let quote = after.chars().next().filter(|&c| c == '"' || c == '\'');
                match quote {
                    Some(q) => {
                        let end = after[1..].find(q).expect("a closed attribute value") + 1;
                        rest = &after[end + 1..];
                        decode(&after[1..end])
                    }
                    None => {
                        let end = after
                            .find(|c: char| c.is_whitespace() || c == '>')
                            .unwrap_or(after.len());
                        rest = &after[end..];
                        decode(&after[..end])
                    }
                }
            } else {
                String::new()
            };
            attributes.insert(key, value);
        }
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            rest = rest.find(&close).map_or("", |end| &rest[end..]);
        }
        found.push(Element { name, attributes });
    }
    found
}

/// A cell as both reports name it: table id, row and column label paths, and its line in its
/// file (two printings of one row label differ only there).
type Key = (String, String, String, String);

/// What a cell is marked with: its findings, and those whose published figure it is.
type Marks = (BTreeSet<usize>, BTreeSet<usize>);

fn indices(list: &str) -> BTreeSet<usize> {
    list.split_whitespace()
        .map(|n| n.parse().expect("a finding index"))
        .collect()
}

#[test]
fn the_html_report_marks_exactly_the_cells_of_the_findings_in_a_browser() {
    if !chromium_or_skip() {
        return;
    }
    let started = std::time::Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    let run = check(&["--format", "html", "--output", page.to_str().unwrap()]);
    assert_eq!(run.code, 1, "stderr:\n{}", run.stderr);
    assert_eq!(run.stdout, "", "the report goes to the file only");
    assert!(run.stderr.is_empty(), "{}", run.stderr);

    let json = parse(&check(&["--format", "json"]).stdout);
    let mut expected: BTreeMap<Key, Marks> = BTreeMap::new();
    let mut links = 0;
    for (index, finding) in findings(&json).iter().enumerate() {
        for (position, cell) in finding["cells"].as_array().unwrap().iter().enumerate() {
            let [table, row, column] =
                ["table", "row", "column"].map(|k| cell[k].as_str().unwrap().to_string());
            let key = (table, row, column, cell["line"].to_string());
            let entry = expected.entry(key).or_default();
            entry.0.insert(index);
            if position == 0 && !finding["published"].is_null() {
                entry.1.insert(index);
            }
            links += 1;
        }
    }
    assert!(expected.len() > 30, "the book has findings to mark");

    let dom = dump_dom(&page, &dir.path().join("profile"));
    let elements = elements(&dom);
    let html = elements.iter().find(|e| e.name == "html").unwrap();
    assert!(
        html.get("data-ready").is_some(),
        "the page's script ran to its end"
    );

    // Marked cells: anything with the published or involved mark, apart from the legend's
    // keys and the list's links to cells.
    let mut marked: BTreeMap<Key, Marks> = BTreeMap::new();
    let mut ids = BTreeSet::new();
    for element in &elements {
        let classes = element.classes();
        if !(classes.contains("pub") || classes.contains("inv"))
            || classes.contains("key")
            || element.name == "a"
        {
            continue;
        }
        let attribute = |name: &str| {
            element
                .get(name)
                .unwrap_or_else(|| panic!("a marked cell has {name}: {:?}", element.attributes))
                .to_string()
        };
        let key = (
            attribute("data-table"),
            attribute("data-row"),
            attribute("data-column"),
            attribute("data-line"),
        );
        let marks = (
            indices(&attribute("data-finding")),
            indices(&attribute("data-published")),
        );
        assert!(!marks.0.is_empty(), "{key:?} is marked for some finding");
        assert_eq!(
            classes.contains("pub"),
            !marks.1.is_empty(),
            "{key:?}: the published mark is on the figures findings publish"
        );
        assert_eq!(
            classes.contains("inv"),
            marks.1.is_empty(),
            "{key:?}: one mark only"
        );
        ids.insert(attribute("id"));
        assert!(
            marked.insert(key.clone(), marks).is_none(),
            "{key:?} is marked twice"
        );
    }
    let missing: Vec<_> = expected
        .keys()
        .filter(|k| !marked.contains_key(k))
        .collect();
    let extra: Vec<_> = marked
        .keys()
        .filter(|k| !expected.contains_key(k))
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "marked cells differ from the findings' cells:\nnot marked: {missing:#?}\nnot in a finding: {extra:#?}"
    );
    assert_eq!(
        marked, expected,
        "each cell carries its findings and published marks"
    );

    // The list of findings: one item per finding, a link per cell, each to a marked cell.
    let items = elements
        .iter()
        .filter(|e| e.get("id").is_some_and(|id| id.starts_with("f-")))
        .count();
    assert_eq!(items, findings(&json).len());
    let targets: Vec<&str> = elements
        .iter()
        .filter(|e| e.name == "a")
        .filter_map(|e| e.get("href")?.strip_prefix("#c-"))
        .collect();
    assert_eq!(targets.len(), links);
    assert!(
        targets.iter().all(|t| ids.contains(&format!("c-{t}"))),
        "every link leads to a marked cell"
    );
    eprintln!(
        "html report checked in Chromium in {:.1?}",
        started.elapsed()
    );
}

#[test]
fn output_writes_any_format_to_a_file_and_an_unwritable_path_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.json");
    let run = check(&["--format", "json", "--output", file.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        check(&["--format", "json"]).stdout
    );

    let unwritable = dir.path().join("no such directory/report.html");
    let run = check(&["--format", "html", "--output", unwritable.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .starts_with("crossfoot: cannot write the report to ")
            && run.stderr.contains("no such directory/report.html"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

/// A table of more than a thousand rows is shown folded: its rows that hold a cell a finding
/// names, the first 2 000 of them, each run of the others as one row that counts them. A cell
/// whose row is folded away is named in the list of findings without a link.
#[test]
fn a_long_table_is_folded_to_the_rows_its_findings_name() {
    // Every other record of the first 5 000 adds up wrong: 2 500 findings of three cells.
    let mut csv = String::from("id,a,b,t\n");
    for n in 0..6_000 {
        let total = if n < 5_000 && n % 2 == 0 { 40 } else { 30 };
        csv.push_str(&format!("r{n},10,20,{total}\n"));
    }
    let rules = "sum T.t \"t adds a and b\"\n  for r in rows(REC)\n  \
                 REC[r, t] = REC[r, a] + REC[r, b]\n";
    let (_dir, data, rules) = super::record_file("", &csv, rules);
    let run = check(&["--data", &data, "--rules", &rules, "--format", "html"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let html = run.stdout;
    assert!(
        html.contains(
            "Folded: of its 6000 rows, 2500 hold a cell a finding names, and the first 2000 of \
             them are shown (--format json lists every cell)."
        ),
        "{}",
        &html[..2000]
    );
    // Rows r0, r2 … r3998 shown; a row folded between each two, and the last 2 001 after them.
    assert_eq!(html.matches(r#"<tr class="gap">"#).count(), 2_000);
    assert_eq!(html.matches("⋯ 1 row not shown ⋯").count(), 1_999);
    assert_eq!(html.matches("⋯ 2001 rows not shown ⋯").count(), 1);
    assert_eq!(
        html.matches("<tr>").count(),
        1 + 2_000,
        "the header's and the rows shown"
    );
    assert!(html.contains(r#"<span>r3998</span>"#) && !html.contains(r#"<span>r4000</span>"#));
    // Three cells marked in each row shown, and linked from the list; those of the 500 other
    // findings named unlinked.
    assert_eq!(html.matches(r#" id="c-0-"#).count(), 6_000);
    assert_eq!(html.matches(r#"<li><a class="hl "#).count(), 6_000);
    assert_eq!(html.matches(r#"<li><span class="hl "#).count(), 1_500);
    let r4000 = html.find("REC · r4000 · t").unwrap();
    assert!(
        html[..r4000].ends_with(r#"<li><span class="hl pub blamed">"#),
        "{}",
        &html[r4000 - 300..][..400]
    );
}
