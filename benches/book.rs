//! The bundled 2022 book end to end, as a user runs it: the `crossfoot check` process, from
//! its start to its exit (reading the tables, the text and the rules, the contradiction lint,
//! every check, blame and the human report written to a null device).
//!
//! `cargo bench --bench book`. `check_process` runs the contradiction lint as every first
//! check of a rule set does; `check_process_cached` runs with `--cache` and an entry already
//! kept for the book, as every later check of an unchanged rule set does. The in-process run
//! without the lint is `book` in `benches/check.rs`.
//!
//! `machine_reference` times no crossfoot code: the same fixed work on both cores at once, run
//! right after the book. This virtual machine's cores run at their full speed at times and at
//! about half of it at others (the host's load, not the guest's: a loop pinned to one core
//! takes twice as long), so a median of the book means little without the machine's speed in
//! the same minute: read each book median beside the reference's.

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

/// Steps of the reference on each core: about 4 ms at the cores' full speed here, 9–10 ms in
/// the host's slow minutes (session 34).
const REFERENCE_STEPS: u64 = 6_000_000;

#[divan::bench(sample_count = 40, sample_size = 1)]
fn machine_reference() {
    std::thread::scope(|scope| {
        let cores = [scope.spawn(step_all), scope.spawn(step_all)];
        for core in cores {
            divan::black_box(core.join().expect("the reference's thread"));
        }
    });
}

/// A chain of steps, each reading what the one before wrote to memory. A chain that stays in
/// registers (multiply-adds) ran at one speed through the host's slow minutes, when this one
/// and the book both ran slower: the host's load shows in loads and stores.
fn step_all() -> u64 {
    let mut state = 1u64;
    for step in 0..REFERENCE_STEPS {
        state = state.wrapping_add(step.wrapping_mul(step));
        // Written out and read back, each step: the optimizer cannot keep it in a register.
        divan::black_box(&mut state);
    }
    state
}
