//! The bundled 2022 book end to end, as a user runs it: the `crossfoot check` process, from
//! its start to its exit (reading the tables, the text and the rules, the contradiction lint,
//! every check, blame and the human report written to a null device).
//!
//! `cargo bench --bench book`. `check_process` runs the contradiction lint as every first
//! check of a rule set does; `check_process_cached` runs with `--cache` and an entry already
//! kept for the book, as every later check of an unchanged rule set does. The in-process run
//! without the lint is `book` in `benches/check.rs`.

// A benchmark stops at once on a failed set-up, as a test does.
#![allow(clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

fn main() {
    divan::main();
}

/// `crossfoot check` on the bundled book: exit 1, since the book has findings.
fn check(cache: Option<&Path>) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_crossfoot"));
    command.arg("check");
    if let Some(cache) = cache {
        command.arg("--cache").arg(cache);
    }
    let status = command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("CROSSFOOT_CACHE")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run crossfoot");
    if status.code() != Some(1) {
        panic!("crossfoot check exited with {status}, not 1 (findings)");
    }
}

#[divan::bench(sample_count = 40, sample_size = 1)]
fn check_process() {
    check(None);
}

/// A cache directory holding the book's entry, written by one run before the first sample.
fn warm_cache() -> &'static Path {
    static CACHE: OnceLock<tempfile::TempDir> = OnceLock::new();
    CACHE
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("a temporary directory");
            check(Some(dir.path()));
            dir
        })
        .path()
}

#[divan::bench(sample_count = 40, sample_size = 1)]
fn check_process_cached(bencher: divan::Bencher) {
    let cache = warm_cache();
    bencher.bench(|| check(Some(cache)));
}
