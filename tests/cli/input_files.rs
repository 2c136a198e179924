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
        let run = check_book(&dir, &[]);
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
        let extra = if special == "baseline.json" {
            vec!["--baseline", baseline.to_str().unwrap()]
        } else {
            Vec::new()
        };
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
