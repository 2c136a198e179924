//! The bundled 2022 book end to end, as a user runs it: the `crossfoot check` process, from
//! its start to its exit (reading the tables, the text and the rules, the contradiction lint,
//! every check, blame and the human report written to a null device).
//!
//! `cargo bench --bench book`. The in-process run without the lint is `book` in
//! `benches/check.rs`.

// A benchmark stops at once on a failed set-up, as a test does.
#![allow(clippy::expect_used, clippy::panic)]

use std::process::{Command, Stdio};

fn main() {
    divan::main();
}

/// `crossfoot check` on the bundled book: exit 1, since the book has findings.
#[divan::bench(sample_count = 40, sample_size = 1)]
fn check_process() {
    let status = Command::new(env!("CARGO_BIN_EXE_crossfoot"))
        .arg("check")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run crossfoot");
    if status.code() != Some(1) {
        panic!("crossfoot check exited with {status}, not 1 (findings)");
    }
}
