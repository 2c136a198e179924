//! Issue #11: a run never writes under the data or rules directories, whatever the command,
//! format and options — `--output` and `baseline --output` aimed at a table, the manifest, the
//! text, a rules file, a new file beside them or in a new subdirectory included. A property
//! test: random command lines over one scratch book, every file compared before and after.

use super::{Run, root, snapshot_files};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const TABLE: &str = "项目,金额\na,1.0\nb,2.0\n合计,4.0\n";
const RULES: &str = "sum total \"t\" T[合计, 金额] = T[a, 金额] + T[b, 金额]\n\
                     equal text \"t\" TEXT[P1/\"合计为\", figure] = T[合计, 金额]\n";
const TEXT: &str = "第一部分 概述\n全年技术合同成交额合计为4.0亿元，同比增长2.5%。\n";
const MANIFEST: &str = "source = \"text.txt\"\n[[table]]\nid = \"T\"\nfile = \"T.csv\"\n";

/// Where a report may be aimed, relative to the scratch directory.
const TARGETS: &[&str] = &[
    "data/T.csv",
    "data/tables.toml",
    "data/text.txt",
    "data/new.json",
    "data/sub/new.json",
    "data/../data/T.csv",
    "rules/t.rules",
    "rules/new.rules",
    "rules/new.json",
    "known.json",
    "out/report.txt",
];

const FORMATS: &[&str] = &[
    "human", "json", "sarif", "junit", "github", "markdown", "html",
];

fn book() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in [
        ("data/T.csv", TABLE),
        ("data/tables.toml", MANIFEST),
        ("data/text.txt", TEXT),
        ("rules/t.rules", RULES),
    ] {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    std::fs::create_dir(dir.path().join("out")).unwrap();
    dir
}

fn files_under(dirs: &[PathBuf]) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    for dir in dirs {
        snapshot_files(dir, &mut files);
    }
    files
}

fn run(args: &[String]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_crossfoot"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// One command line: `check` with a format, maybe an output, a baseline, `--coverage`; or
/// `baseline` with an output; or `lint` / `list` / `explain`.
fn command(
    dir: &Path,
    kind: usize,
    format: usize,
    output: Option<usize>,
    with_baseline: bool,
    coverage: bool,
) -> Vec<String> {
    let path = |p: &str| dir.join(p).to_str().unwrap().to_string();
    let inputs = ["--data", &path("data"), "--rules", &path("rules")].map(String::from);
    let mut args: Vec<String> = match kind {
        0 => vec!["check".into(), "--format".into(), FORMATS[format].into()],
        1 => vec!["baseline".into()],
        2 => vec!["lint".into()],
        3 => vec!["list".into(), "rules".into()],
        _ => vec!["explain".into(), "total".into()],
    };
    args.extend(inputs);
    let target = output.map(|i| path(TARGETS[i]));
    match (kind, target) {
        (0, Some(target)) => args.extend(["--output".into(), target]),
        (1, target) => args.extend([
            "--output".into(),
            target.unwrap_or_else(|| path("known.json")),
        ]),
        _ => {}
    }
    if kind == 0 && with_baseline && dir.join("known.json").exists() {
        args.extend(["--baseline".into(), path("known.json")]);
    }
    if kind == 0 && coverage {
        args.push("--coverage".into());
    }
    args
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_run_never_writes_under_the_data_or_rules_directories(
        runs in prop::collection::vec(
            (0usize..5, 0..FORMATS.len(), prop::option::of(0..TARGETS.len()), any::<bool>(), any::<bool>()),
            1..4,
        )
    ) {
        let dir = book();
        let watched = [dir.path().join("data"), dir.path().join("rules")];
        let before = files_under(&watched);
        for (kind, format, output, with_baseline, coverage) in runs {
            let args = command(dir.path(), kind, format, output, with_baseline, coverage);
            let result = run(&args);
            prop_assert!(
                [0, 1, 2].contains(&result.code),
                "{args:?} exited {}: {}", result.code, result.stderr
            );
            let after = files_under(&watched);
            prop_assert!(
                before == after,
                "{args:?} changed {:?}",
                after.keys().filter(|k| before.get(*k) != after.get(*k)).collect::<Vec<_>>()
            );
            prop_assert!(!dir.path().join("data/sub").exists(), "{args:?} made data/sub");
        }
    }
}
