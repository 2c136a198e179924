//! `check --watch` (issue #11, item 8): a rules directory deleted and created again is still
//! watched, and a report written beside the watched files does not start another run.

use super::scratch;
use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

const TABLE: &str = "项目,金额\na,1.0\nb,2.0\n合计,3.0\n";
const RULE: &str = "sum total \"t\" T[合计, 金额] = T[a, 金额] + T[b, 金额]\n";

/// A `check --watch` child and the lines it prints, killed when dropped.
struct Watching {
    child: Child,
    lines: Receiver<String>,
}

impl Watching {
    fn start(args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_crossfoot"))
            .args(["check", "--watch"])
            .args(args)
            .env("NO_COLOR", "1")
            .env_remove("CROSSFOOT_CACHE")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let (send, lines) = std::sync::mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                if send.send(line.unwrap()).is_err() {
                    break;
                }
            }
        });
        Watching { child, lines }
    }

    /// Read lines until one contains `text`; what was read, or an error saying so.
    fn wait_for(&self, text: &str) -> Result<String, String> {
        let mut seen = String::new();
        while !seen.contains(text) {
            match self.lines.recv_timeout(Duration::from_secs(20)) {
                Ok(line) => seen.push_str(&(line + "\n")),
                Err(_) => return Err(format!("no `{text}` in:\n{seen}")),
            }
        }
        Ok(seen)
    }

    /// Whether the child prints nothing for `quiet`.
    fn stays_quiet(&self, quiet: Duration) -> Result<(), String> {
        match self.lines.recv_timeout(quiet) {
            Err(RecvTimeoutError::Timeout) => Ok(()),
            Ok(line) => Err(format!("printed `{line}` though nothing changed")),
            Err(RecvTimeoutError::Disconnected) => Err("the watch ended".to_string()),
        }
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_rules_directory_deleted_and_created_again_is_still_watched() {
    let dir = scratch(TABLE.as_bytes(), "");
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    std::fs::write(rules.join("t.rules"), RULE).unwrap();
    let data = dir.path().join("data");
    let watching = Watching::start(&[
        "--data",
        data.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
    ]);
    let steps = || -> Result<(), String> {
        watching.wait_for("crossfoot: watching")?;
        std::fs::remove_dir_all(&rules).unwrap();
        watching.wait_for("crossfoot: watching")?;
        std::fs::create_dir(&rules).unwrap();
        std::fs::write(rules.join("t.rules"), RULE).unwrap();
        watching.wait_for("crossfoot: watching")?;
        // An edit in the new directory: the rule now fails.
        let failing = RULE.replace("T[b, 金额]", "T[b, 金额] + 1");
        std::fs::write(rules.join("t.rules"), failing).unwrap();
        watching.wait_for("since the last run: 1 new, 0 fixed")?;
        Ok(())
    };
    steps().unwrap();
}

/// The watch keeps the contradiction lint's verdict in memory between runs: a figure edited
/// into a contradiction of rule 3 (two rules that state 河北 the same in both years, printed
/// apart after the edit) is found, and the two rules are left out, and counted.
#[test]
fn a_figure_edited_into_a_contradiction_while_watched_leaves_the_rules_out() {
    use super::cache::{book, table};
    let dir = book("30");
    let watching = Watching::start(&[
        "--data",
        dir.path().join("data").to_str().unwrap(),
        "--rules",
        dir.path().join("rules").to_str().unwrap(),
    ]);
    let steps = || -> Result<(), String> {
        watching.wait_for("tables 1 · rules 2 · checks 2")?;
        watching.wait_for("crossfoot: watching")?;
        std::fs::write(dir.path().join("data/L1.csv"), table("40")).unwrap();
        watching.wait_for("tables 1 · rules 0 (2 more not checked) · checks 0")?;
        watching.wait_for("crossfoot: watching")?;
        std::fs::write(dir.path().join("data/L1.csv"), table("30")).unwrap();
        watching.wait_for("tables 1 · rules 2 · checks 2")?;
        Ok(())
    };
    steps().unwrap();
}

#[test]
fn a_report_written_beside_the_watched_files_does_not_start_another_run() {
    let dir = scratch(TABLE.as_bytes(), RULE);
    let data = dir.path().join("data");
    let report = dir.path().join("report.json");
    let watching = Watching::start(&[
        "--data",
        data.to_str().unwrap(),
        "--rules",
        dir.path().join("t.rules").to_str().unwrap(),
        "--format",
        "json",
        "--output",
        report.to_str().unwrap(),
    ]);
    let steps = || -> Result<(), String> {
        watching.wait_for("crossfoot: watching")?;
        assert!(report.exists());
        watching.stays_quiet(Duration::from_secs(2))?;
        std::fs::write(data.join("T.csv"), TABLE.replace("3.0", "4.0")).unwrap();
        watching.wait_for("since the last run: 1 new, 0 fixed")?;
        watching.wait_for("crossfoot: watching")?;
        watching.stays_quiet(Duration::from_secs(2))
    };
    steps().unwrap();
}

/// A report inside a watched directory would start a run each time it is written: it is
/// refused, and the watch waits for a change instead of running again and again.
#[test]
fn a_report_inside_a_watched_directory_is_refused_once_not_rewritten_forever() {
    let dir = scratch(TABLE.as_bytes(), RULE);
    let data = dir.path().join("data");
    let report = data.join("report.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_crossfoot"))
        .args(["check", "--watch", "--data", data.to_str().unwrap()])
        .args(["--rules", dir.path().join("t.rules").to_str().unwrap()])
        .args(["--output", report.to_str().unwrap()])
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(3));
    let _ = child.kill();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(!report.exists());
    assert_eq!(stderr.matches("refusing to write").count(), 1, "{stderr}");
}
