//! Issue #11, items 5 and 6: what an input file may be. Only regular files are read, through a
//! bounded reader: a FIFO (which used to hang the run for ever) or a symlink to `/dev/zero`
//! (read without bound) is refused at once, whichever input it stands for. Every run here has
//! a deadline, so a hang fails the test instead of hanging it.

#![cfg(unix)]

use super::{Run, parse, root};
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Long enough for a debug build on a loaded machine; a run here takes well under a second.
const DEADLINE: Duration = Duration::from_secs(60);

/// Run `crossfoot ARGS` with `env` set, failing the test if it runs past [`DEADLINE`].
fn run_within(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_crossfoot"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("crossfoot {args:?} still ran after {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status
            .code()
            .unwrap_or_else(|| panic!("crossfoot {args:?} was killed: {status}")),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

fn link_to_dev_zero(path: &Path) {
    std::os::unix::fs::symlink("/dev/zero", path).unwrap();
}

/// A data directory with a good table `A` (its rule passes), and `entries` appended to its
/// `tables.toml`; a rules directory with a rule on `A` and `rules` besides.
fn book(entries: &str, rules: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(data.join("A.csv"), "项目,金额\na,1.0\nb,2.0\n合计,3.0\n").unwrap();
    std::fs::write(
        data.join("tables.toml"),
        format!("[[table]]\nid = \"A\"\nfile = \"A.csv\"\n{entries}"),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("rules")).unwrap();
    std::fs::write(
        dir.path().join("rules/a.rules"),
        format!("sum a.total \"t\" A[合计, 金额] = A[a, 金额] + A[b, 金额]\n{rules}"),
    )
    .unwrap();
    dir
}

/// `check --format json` on a [`book`], within the deadline.
fn check_book(dir: &tempfile::TempDir, extra: &[&str]) -> Run {
    let data = dir.path().join("data");
    let rules = dir.path().join("rules");
    let mut args = vec![
        "check",
        "--data",
        data.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    run_within(&args, &[])
}

const TABLE_T: &str = "[[table]]\nid = \"T\"\nfile = \"T.csv\"\n";
const RULE_ON_T: &str = "sum t.total \"t\" T[合计, 金额] = T[a, 金额] + T[b, 金额]\n";

/// A table that is a FIFO used to block the run for ever (opening it waits for a writer); a
/// symlink to `/dev/zero` was read until memory ran out. Either is refused on the manifest's
/// `file`, and only the rules that read it are not checked.
#[test]
fn a_table_that_is_a_fifo_or_a_device_is_refused_and_the_others_checked() {
    for (make, kind) in [
        (mkfifo as fn(&Path), "a FIFO (named pipe)"),
        (link_to_dev_zero, "a character device"),
    ] {
        let dir = book(TABLE_T, RULE_ON_T);
        make(&dir.path().join("data/T.csv"));
        // `/dev/zero` is outside the data directory too: allowed, it is still no file.
        let run = check_book(&dir, &["--allow-outside-data"]);
        assert_eq!(run.code, 2, "{kind}: {}", run.stderr);
        let json = parse(&run.stdout);
        let errors = json["input_errors"].as_array().unwrap();
        assert!(
            errors
                .iter()
                .any(|e| e["code"] == "crossfoot::data::not_a_file"
                    && e["message"]
                        .as_str()
                        .unwrap()
                        .ends_with(&format!("T.csv is {kind}, not a regular file"))
                    && e["file"].as_str().unwrap().ends_with("tables.toml")
                    && e["line"] == 6),
            "{kind}: {errors:#?}"
        );
        assert_eq!(json["summary"]["passed"], 1, "{kind}: A's rule is checked");
        assert!(
            errors.iter().any(|e| e["message"]
                == "table T could not be read (its error is above): 1 rule that read it is not checked"),
            "{kind}: T's rule is not: {errors:#?}"
        );
    }
}

/// Every other input read from a file — a table without a manifest, a workbook, the text
/// (`.txt` or `.docx`), `tables.toml` itself, a rules file, the baseline — is refused alike
/// when it is not a regular file, and none hangs.
#[test]
fn every_input_that_is_not_a_regular_file_is_refused_without_hanging() {
    type Case = (&'static str, &'static str, &'static str, fn(&Path));
    let cases: [Case; 7] = [
        (
            "[[table]]\nid = \"B\"\nfile = \"B.xlsx\"\n",
            "",
            "data/B.xlsx",
            link_to_dev_zero,
        ),
        ("source = \"text.txt\"\n", "", "data/text.txt", mkfifo),
        (
            "source = \"text.docx\"\n",
            "",
            "data/text.docx",
            link_to_dev_zero,
        ),
        ("", "", "rules/b.rules", mkfifo),
        ("", "", "rules/c.rules", link_to_dev_zero),
        ("", "", "baseline.json", mkfifo),
        ("", "", "baseline.json", link_to_dev_zero),
    ];
    for (entries, rules, special, make) in cases {
        // `source` is a top-level key: it goes before the first `[[table]]`.
        let dir = book("", rules);
        if !entries.is_empty() {
            let manifest = dir.path().join("data/tables.toml");
            let text = std::fs::read_to_string(&manifest).unwrap();
            let text = if entries.starts_with("source") {
                format!("{entries}{text}")
            } else {
                format!("{text}{entries}")
            };
            std::fs::write(&manifest, text).unwrap();
        }
        make(&dir.path().join(special));
        let baseline = dir.path().join("baseline.json");
        let mut extra = vec!["--allow-outside-data"];
        if special == "baseline.json" {
            extra.extend(["--baseline", baseline.to_str().unwrap()]);
        }
        let run = check_book(&dir, &extra);
        assert_eq!(run.code, 2, "{special}: {}{}", run.stdout, run.stderr);
        let all = format!("{}{}", run.stdout, run.stderr);
        assert!(all.contains("not a regular file"), "{special}: {all}");
    }

    // Without a manifest every `*.csv` is a table: a FIFO among them too.
    let dir = book("", "");
    std::fs::remove_file(dir.path().join("data/tables.toml")).unwrap();
    mkfifo(&dir.path().join("data/T.csv"));
    let run = check_book(&dir, &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("T.csv is a FIFO"), "{}", run.stderr);

    // `tables.toml` itself.
    let dir = book("", "");
    std::fs::remove_file(dir.path().join("data/tables.toml")).unwrap();
    mkfifo(&dir.path().join("data/tables.toml"));
    let run = check_book(&dir, &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("tables.toml is a FIFO"),
        "{}",
        run.stderr
    );
}

/// What the child's environment holds and no report may show: `/proc/self/environ` is that
/// environment.
const SECRET: &str = "crossfoot-secret-7f3a9c";

/// A table outside the data directory, whose labels are the secret: read, any diagnostic about
/// it would quote them.
fn outside_table(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("x.csv");
    std::fs::write(&path, format!("项目,{SECRET}\na,{SECRET}\n")).unwrap();
    path
}

/// `tables.toml` names a file outside the data directory — an absolute path, `../`, or a
/// symlink in the data directory that points out of it — or the text is outside, or a table
/// found without a manifest links out: each is refused (`data::outside`, on the manifest's
/// value where there is one), the file is never opened, so nothing of it reaches stdout or
/// stderr; the other table is checked. `/proc/self/environ` used to be read as a table, and its
/// first line printed in the diagnostic.
#[test]
fn a_file_outside_the_data_directory_is_refused_and_nothing_of_it_shown() {
    let cases = [
        ("file", "/proc/self/environ"),
        ("file", "../x.csv"),
        ("file", "link.csv"),
        ("source", "../x.csv"),
        ("source", "/proc/self/environ"),
    ];
    for (key, value) in cases {
        let entry = format!("{key} = \"{value}\"\n");
        let dir = if key == "file" {
            book(&format!("[[table]]\nid = \"T\"\n{entry}"), RULE_ON_T)
        } else {
            let dir = book("", "");
            let manifest = dir.path().join("data/tables.toml");
            let text = std::fs::read_to_string(&manifest).unwrap();
            std::fs::write(&manifest, format!("{entry}{text}")).unwrap();
            dir
        };
        let outside = outside_table(dir.path());
        std::os::unix::fs::symlink(&outside, dir.path().join("data/link.csv")).unwrap();
        let data = dir.path().join("data");
        let rules = dir.path().join("rules");
        let inputs = [
            "--data",
            data.to_str().unwrap(),
            "--rules",
            rules.to_str().unwrap(),
        ];
        for command in [
            &["check", "--format", "json"][..],
            &["check"],
            &["lint"],
            &["list", "tables"],
        ] {
            let args = [command, &inputs[..]].concat();
            let run = run_within(&args, &[("CROSSFOOT_TEST_SECRET", SECRET)]);
            let all = format!("{}{}", run.stdout, run.stderr);
            assert_eq!(run.code, 2, "{entry} {command:?}: {all}");
            assert!(all.contains("crossfoot::data::outside"), "{entry}: {all}");
            assert!(
                all.contains("is outside the data directory"),
                "{entry}: {all}"
            );
            assert!(
                !all.contains(SECRET),
                "{entry} {command:?} shows the file: {all}"
            );
        }
        let json = parse(
            &run_within(
                &[&["check", "--format", "json"][..], &inputs[..]].concat(),
                &[],
            )
            .stdout,
        );
        let error = &json["input_errors"][0];
        assert_eq!(error["code"], "crossfoot::data::outside", "{entry}");
        assert!(
            error["file"].as_str().unwrap().ends_with("tables.toml"),
            "{entry}: the error points at the manifest: {error}"
        );
        assert_eq!(error["line"], if key == "file" { 6 } else { 1 }, "{entry}");
        assert_eq!(json["summary"]["passed"], 1, "{entry}: A is checked");
    }

    // Without a manifest: a `*.csv` symlink out of the data directory, and `tables.toml` itself.
    for name in ["X.csv", "tables.toml"] {
        let dir = book("", "");
        std::fs::remove_file(dir.path().join("data/tables.toml")).unwrap();
        let outside = outside_table(dir.path());
        std::os::unix::fs::symlink(&outside, dir.path().join("data").join(name)).unwrap();
        let run = check_book(&dir, &[]);
        let all = format!("{}{}", run.stdout, run.stderr);
        assert_eq!(run.code, 2, "{name}: {all}");
        assert!(all.contains("crossfoot::data::outside"), "{name}: {all}");
        assert!(!all.contains(SECRET), "{name}: {all}");
    }
}

/// `--allow-outside-data` reads what the manifest names wherever it is, for every command
/// that reads the data; `--help` names it. Inside the data directory, `..` and symlinks are
/// fine without it.
#[test]
fn allow_outside_data_reads_files_outside_the_data_directory() {
    let dir = book(
        "[[table]]\nid = \"T\"\nfile = \"../T.csv\"\n\
         [[table]]\nid = \"U\"\nfile = \"link.csv\"\n\
         [[table]]\nid = \"V\"\nfile = \"../data/V.csv\"\n\
         [[table]]\nid = \"W\"\nfile = \"inner.csv\"\n",
        &[RULE_ON_T, &RULE_ON_T.replace("T", "U").replace("t.", "u.")].concat(),
    );
    let table = "项目,金额\na,1.0\nb,2.0\n合计,3.0\n";
    std::fs::write(dir.path().join("T.csv"), table).unwrap();
    std::fs::write(dir.path().join("data/V.csv"), table).unwrap();
    std::os::unix::fs::symlink(dir.path().join("T.csv"), dir.path().join("data/link.csv")).unwrap();
    std::os::unix::fs::symlink("V.csv", dir.path().join("data/inner.csv")).unwrap();
    let refused = check_book(&dir, &[]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert_eq!(
        parse(&refused.stdout)["input_errors"]
            .as_array()
            .unwrap()
            .len(),
        4,
        "T and U, and one for each of their rules: {}",
        refused.stdout
    );

    let run = check_book(&dir, &["--allow-outside-data"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = parse(&run.stdout);
    assert_eq!(json["summary"]["tables"], 5);
    assert_eq!(json["summary"]["passed"], 3);

    let data = dir.path().join("data");
    let rules = dir.path().join("rules");
    let inputs = [
        "--data",
        data.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
    ];
    for command in [&["lint"][..], &["list", "tables"], &["baseline"]] {
        let output = dir.path().join("known.json");
        let mut args = [command, &inputs[..], &["--allow-outside-data"]].concat();
        if command == ["baseline"] {
            args.extend(["--output", output.to_str().unwrap()]);
        }
        let run = run_within(&args, &[]);
        assert_eq!(run.code, 0, "{command:?}: {}", run.stderr);
    }

    for command in ["check", "lint", "list", "baseline", "explain"] {
        let help = run_within(&[command, "--help"], &[]);
        assert!(
            help.stdout.contains("--allow-outside-data"),
            "{command} --help: {}",
            help.stdout
        );
    }
}

/// A rules file found in a rules directory that is a symlink out of it is refused as the data's
/// files are (it used to be parsed, and a syntax error showed its first line: the environment
/// for `/proc/self/environ`); `--allow-outside-data` reads it, and `--rules FILE` names a file
/// wherever it is.
#[test]
fn a_rules_file_linked_out_of_its_directory_is_refused_and_nothing_of_it_shown() {
    let dir = book("", "");
    std::os::unix::fs::symlink("/proc/self/environ", dir.path().join("rules/leak.rules")).unwrap();
    let run = check_book(&dir, &[]);
    let env = [("CROSSFOOT_TEST_SECRET", SECRET)];
    let data = dir.path().join("data");
    let rules = dir.path().join("rules");
    let inputs = [
        "--data",
        data.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
    ];
    for command in [&["check"][..], &["lint"], &["list", "rules"]] {
        let run = run_within(&[command, &inputs[..]].concat(), &env);
        let all = format!("{}{}", run.stdout, run.stderr);
        assert_eq!(run.code, 2, "{command:?}: {all}");
        assert!(
            all.contains("leak.rules: it is outside"),
            "{command:?}: {all}"
        );
        assert!(!all.contains(SECRET), "{command:?} shows the file: {all}");
    }
    let json = parse(&run.stdout);
    assert_eq!(
        json["input_errors"][0]["code"],
        "crossfoot::rules::unreadable"
    );
    assert_eq!(json["summary"]["passed"], 1, "a.rules is checked");

    let dir = book("", "");
    let outside = dir.path().join("b.rules");
    std::fs::write(
        &outside,
        "sum b.total \"t\" A[合计, 金额] = A[a, 金额] + A[b, 金额]\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(&outside, dir.path().join("rules/b.rules")).unwrap();
    assert_eq!(check_book(&dir, &[]).code, 2);
    let run = check_book(&dir, &["--allow-outside-data"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(parse(&run.stdout)["summary"]["passed"], 2);
    let run = run_within(
        &[
            "check",
            "--data",
            dir.path().join("data").to_str().unwrap(),
            "--rules",
            outside.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
}
