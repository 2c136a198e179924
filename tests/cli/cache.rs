//! `check --cache DIR`: the contradiction lint's verdict kept across runs. A run with the cache
//! reports what a run without it reports, whatever the cache holds; a figure changed since the
//! verdict was kept is read again where the lint reads figures.

use super::{Run, check};
use crossfoot::lint::cache::{Cache, contradictions_cached, fingerprint};
use std::path::Path;

const MANIFEST: &str = "year = 2021\n[[table]]\nid = \"L1\"\nfile = \"L1.csv\"\n\
                        header_rows = 1\nlabel_columns = 1\nunit = \"项\"\n";

/// 2020's 合计 as the sum of the three regions of 2020, and again with 河北 of 2021: together
/// they state that 河北 printed the same in both years (rule 3 of the lint).
const RULES: &str = "sum L1.prior_total \"2020's 合计\"\n  \
     L1[合计, prior] = L1[北京, prior] + L1[天津, prior] + L1[河北, prior]\n\
     sum L1.prior_mixed \"2020's 合计, one part from 2021\"\n  \
     L1[合计, prior] = L1[北京, prior] + L1[天津, prior] + L1[河北, current]\n";

/// 河北 printed `hebei_2021` in 2021 (30 in 2020).
pub(super) fn table(hebei_2021: &str) -> String {
    format!("地区,2020 年,2021 年\n北京,100,110\n天津,50,60\n河北,30,{hebei_2021}\n合计,180,210\n")
}

pub(super) fn book(hebei_2021: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    std::fs::write(dir.path().join("data/tables.toml"), MANIFEST).unwrap();
    std::fs::write(dir.path().join("data/L1.csv"), table(hebei_2021)).unwrap();
    std::fs::create_dir(dir.path().join("rules")).unwrap();
    std::fs::write(dir.path().join("rules/t.rules"), RULES).unwrap();
    dir
}

/// `check` on the scratch book, with `--cache DIR` when given.
fn run(book: &Path, cache: Option<&Path>) -> Run {
    let (data, rules) = (book.join("data"), book.join("rules"));
    let mut args = vec![
        "--data",
        data.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
    ];
    if let Some(cache) = cache {
        args.extend(["--cache", cache.to_str().unwrap()]);
    }
    check(&args)
}

fn entries(cache: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(cache)
        .map(|dir| dir.map(|entry| entry.unwrap().path()).collect())
        .unwrap_or_default()
}

fn assert_same(with: &Run, without: &Run, context: &str) {
    assert_eq!(with.code, without.code, "{context}: {}", with.stderr);
    assert_eq!(with.stdout, without.stdout, "{context}");
    assert_eq!(with.stderr, without.stderr, "{context}");
}

/// The verdict kept for the rules and tables holds the pair 河北 2020 / 河北 2021; when 河北's
/// 2021 figure is edited apart from its 2020 one, the cached run finds the contradiction as a
/// run without the cache does. (Kept as "no contradiction" alone, the entry would let the
/// edited draft through.)
#[test]
fn a_figure_edited_after_the_verdict_was_kept_is_read_again() {
    let draft = book("30");
    let cache = tempfile::tempdir().unwrap();
    let first = run(draft.path(), Some(cache.path()));
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(entries(cache.path()).len(), 1, "one entry kept");

    std::fs::write(draft.path().join("data/L1.csv"), table("40")).unwrap();
    let with = run(draft.path(), Some(cache.path()));
    let without = run(draft.path(), None);
    assert_eq!(without.code, 2, "{}", without.stderr);
    assert!(
        without.stderr.contains("crossfoot::lint::contradiction"),
        "{}",
        without.stderr
    );
    assert_same(&with, &without, "河北 edited to 40");

    // And back: the entry still holds, and the run passes again.
    std::fs::write(draft.path().join("data/L1.csv"), table("30")).unwrap();
    assert_same(
        &run(draft.path(), Some(cache.path())),
        &first,
        "河北 back at 30",
    );
}

/// Edited figures keep the fingerprint (that is what the cache is for); a label, a rule or a
/// figure turned into `—` changes it.
#[test]
fn the_fingerprint_leaves_out_the_figures_and_nothing_else() {
    let draft = book("30");
    let fingerprint_of = |dir: &Path| {
        let (data, rules) = (dir.join("data"), dir.join("rules"));
        let loaded = crossfoot::run::load_with(&data, &rules, &Default::default());
        fingerprint(&loaded.dataset, &loaded.program)
    };
    let kept = fingerprint_of(draft.path());
    let csv = draft.path().join("data/L1.csv");
    let edit = |from: &str, to: &str| {
        let text = table("30").replacen(from, to, 1);
        assert_ne!(text, table("30"), "{from} is in the table");
        std::fs::write(&csv, text).unwrap();
        let edited = fingerprint_of(draft.path());
        std::fs::write(&csv, table("30")).unwrap();
        edited
    };
    assert_eq!(edit("北京,100,110", "北京,100,1100"), kept, "a figure");
    assert_eq!(
        edit("合计,180,210", "合计,18.5,210"),
        kept,
        "a figure with decimals"
    );
    assert_ne!(edit("天津", "天 津"), kept, "a label");
    assert_ne!(edit("2021 年", "2022 年"), kept, "a heading");
    assert_ne!(
        edit("北京,100,110", "北京,100,—"),
        kept,
        "a figure made `—`"
    );
    assert_eq!(fingerprint_of(draft.path()), kept);
    let rules = draft.path().join("rules/t.rules");
    std::fs::write(
        &rules,
        RULES.replace("one part from 2021", "one part of 2021"),
    )
    .unwrap();
    assert_ne!(fingerprint_of(draft.path()), kept, "a rule's words");
}

/// A rules file that compiles to no rule of its own still counts: its groups are compiled into
/// the rules of other files. (The fingerprint once hashed only the files of compiled rules, so
/// a group edited in `00-groups.rules` kept the verdict of the rules before the edit.)
#[test]
fn a_file_of_groups_alone_is_in_the_fingerprint() {
    let draft = book("30");
    let rules = draft.path().join("rules");
    std::fs::write(
        rules.join("groups.rules"),
        "group regions = [北京, 天津, 河北]\n",
    )
    .unwrap();
    std::fs::write(
        rules.join("t.rules"),
        "sum L1.prior_total \"2020's 合计\"\n  L1[合计, prior] = sum(L1[regions, prior])\n",
    )
    .unwrap();
    let fingerprint_of = || {
        let loaded = crossfoot::run::load(&draft.path().join("data"), &rules).unwrap();
        assert_eq!(loaded.program.rules.len(), 1);
        fingerprint(&loaded.dataset, &loaded.program)
    };
    let kept = fingerprint_of();
    std::fs::write(rules.join("groups.rules"), "group regions = [北京, 天津]\n").unwrap();
    assert_ne!(fingerprint_of(), kept, "a group's members");
}

/// The bundled book's rules and figures, and every slip of a sample of its figures: each
/// edited draft keeps the book's fingerprint, and the cached verdict is the lint's.
#[test]
fn every_slip_of_a_sample_of_the_books_figures_keeps_the_verdict() {
    use crossfoot::drafts::{Slip, targets};
    let (data, rules, book) = super::checked_book();
    let copy = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(&data).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, copy.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    let load = || crossfoot::run::load_with(copy.path(), &rules, &Default::default());
    let loaded = load();
    let kept = fingerprint(&loaded.dataset, &loaded.program);
    let cache_dir = tempfile::tempdir().unwrap();
    let cache = Cache::new(cache_dir.path(), copy.path(), &rules);
    assert!(contradictions_cached(&loaded.dataset, &loaded.program, Some(&cache)).is_empty());
    assert_eq!(entries(cache_dir.path()).len(), 1);

    let sample = targets(&book, &data, 400, 1500);
    assert!(sample.iter().any(|t| t.in_text()) && sample.iter().any(|t| !t.in_text()));
    let mut edits = 0;
    for target in &sample {
        let path = copy.path().join(&target.file);
        let original = std::fs::read(&path).unwrap();
        for slip in [Slip::SwapDigits, Slip::TimesTen, Slip::MovePoint] {
            let Some(edited) = slip.apply(&target.printed) else {
                continue;
            };
            let end = target.offset + target.printed.len();
            let text = [
                &original[..target.offset],
                edited.as_bytes(),
                &original[end..],
            ]
            .concat();
            std::fs::write(&path, text).unwrap();
            let draft = load();
            let context = format!("{} {} → {edited}", target.table, target.printed);
            assert_eq!(
                fingerprint(&draft.dataset, &draft.program),
                kept,
                "{context}"
            );
            assert_eq!(
                contradictions_cached(&draft.dataset, &draft.program, Some(&cache)).len(),
                crossfoot::lint::contradictions(&draft.dataset, &draft.program).len(),
                "{context}"
            );
            edits += 1;
        }
        std::fs::write(&path, original).unwrap();
    }
    assert!(edits >= 10, "{edits} edits");
}

/// A cache that cannot be written is a warning; one that holds something else is not read.
/// Neither changes the report.
#[test]
fn a_cache_that_cannot_be_written_or_read_changes_nothing() {
    let draft = book("30");
    let without = run(draft.path(), None);
    let blocked = draft.path().join("a file");
    std::fs::write(&blocked, "not a directory").unwrap();
    let unwritable = run(draft.path(), Some(&blocked.join("cache")));
    assert_eq!(unwritable.code, without.code);
    assert_eq!(unwritable.stdout, without.stdout);
    assert!(
        unwritable
            .stderr
            .starts_with("crossfoot: warning: cannot write the cache"),
        "{}",
        unwritable.stderr
    );

    let cache = tempfile::tempdir().unwrap();
    run(draft.path(), Some(cache.path()));
    let [entry] = entries(cache.path()).try_into().unwrap();
    for garbage in [
        "",
        "{\"format\": 1}",
        "\u{0}\u{1}",
        "{\"pairs\": [[[9,9,9],[9,9,9]]]}",
    ] {
        std::fs::write(&entry, garbage).unwrap();
        assert_same(&run(draft.path(), Some(cache.path())), &without, garbage);
        let rewritten = std::fs::read_to_string(&entry).unwrap();
        assert!(rewritten.starts_with("{\"format\":\"crossfoot contradiction cache"));
    }
}

/// A cache inside the data or rules directory is refused before anything is read: the run
/// would write into a directory it reads (and `--watch` would see it as an edit).
#[test]
fn a_cache_inside_the_data_or_rules_directory_is_refused() {
    let draft = book("30");
    for inside in ["data/.cache", "data", "rules/cache", "data/not/there/yet"] {
        let refused = run(draft.path(), Some(&draft.path().join(inside)));
        assert_eq!(refused.code, 2, "{inside}: {}", refused.stderr);
        assert!(
            refused.stderr.contains("refusing to keep the cache"),
            "{inside}: {}",
            refused.stderr
        );
        let written: Vec<_> = walk(draft.path());
        assert!(
            written.iter().all(|p| !p.contains("contradictions-")),
            "{inside}: {written:?}"
        );
    }
}

/// Every file under `dir`, as a path string.
fn walk(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path.display().to_string());
        }
    }
    found
}
