//! End-to-end benchmarks of `crossfoot::run::check` (read CSVs and rules, compile, evaluate) on
//! synthetic data written by `examples/synth.rs`:
//!
//! - `yearbook`: 1000 tables × (100 rows + 合计) × 10 value columns, 210 000 checks;
//! - `large_table`: one table of 1 000 000 rows × 11 columns, 5 000 000 checks;
//! - `records`: the record file `id,x1…x8,t1,t2` (exact, one decimal; two row-wise sums, one
//!   row in 1 000 wrong) at 10⁵ and 10⁶ rows (68 MB) — the file `benches/peers/` times DuckDB
//!   and Polars on.
//!
//! `cargo bench --bench check`. The data is written once under cargo's `CARGO_TARGET_TMPDIR`
//! (reused while its parameters are unchanged). Before divan runs, one untimed run of each
//! prints its check counts and the peak heap of all threads; divan's own allocation columns
//! (`AllocProfiler`) count only the benchmark's main thread, not rayon's workers.

// The counting allocator forwards to the binary's allocator: the one unsafe code of the crate.
// A benchmark stops at once on a failed set-up, as a test does.
#![allow(
    unsafe_code,
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[allow(dead_code)]
#[path = "../examples/synth.rs"]
mod synth;

use divan::AllocProfiler;
use mimalloc::MiMalloc;
use std::alloc::{GlobalAlloc, Layout};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};

#[global_allocator]
static ALLOC: AllocProfiler<PeakAlloc> = AllocProfiler::new(PeakAlloc);

/// The binary's allocator (mimalloc), counting live bytes and their peak across all threads.
struct PeakAlloc;

/// Counting is on only for the untimed report runs: shared counters updated on every
/// allocation from both threads would slow the allocation-heavy runs down several times.
static COUNTING: AtomicBool = AtomicBool::new(false);
/// Bytes allocated minus bytes freed since counting started (frees of older blocks may take it
/// below zero), and its maximum.
static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

impl PeakAlloc {
    fn grew(by: usize) {
        if COUNTING.load(Ordering::Relaxed) {
            let by = by as isize;
            let live = LIVE.fetch_add(by, Ordering::Relaxed) + by;
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
    }

    fn shrank(by: usize) {
        if COUNTING.load(Ordering::Relaxed) {
            LIVE.fetch_sub(by as isize, Ordering::Relaxed);
        }
    }

    /// Count from zero; returns the peak when `f` is done.
    fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
        LIVE.store(0, Ordering::Relaxed);
        PEAK.store(0, Ordering::Relaxed);
        COUNTING.store(true, Ordering::Relaxed);
        let value = f();
        COUNTING.store(false, Ordering::Relaxed);
        (value, PEAK.load(Ordering::Relaxed).max(0) as usize)
    }
}

// SAFETY: every call is forwarded to `MiMalloc` unchanged; only counters are updated.
unsafe impl GlobalAlloc for PeakAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { MiMalloc.alloc(layout) };
        if !p.is_null() {
            Self::grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { MiMalloc.alloc_zeroed(layout) };
        if !p.is_null() {
            Self::grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { MiMalloc.dealloc(ptr, layout) };
        Self::shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { MiMalloc.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                Self::grew(new_size - layout.size());
            } else {
                Self::shrank(layout.size() - new_size);
            }
        }
        p
    }
}

const YEARBOOK: synth::Yearbook = synth::Yearbook {
    tables: 1000,
    rows: 100,
    cols: 10,
    seed: 1,
    plant: 0,
};
const LARGE_ROWS: usize = 1_000_000;
const RECORD_ROWS: [usize; 2] = [100_000, 1_000_000];

fn root() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("synth")
}

fn yearbook_dir() -> PathBuf {
    root().join("yearbook")
}

fn large_dir() -> PathBuf {
    root().join("large")
}

fn records_dir(rows: usize) -> PathBuf {
    root().join(format!("records-{rows}"))
}

/// Write the data unless a stamp says it is already there with these parameters.
fn ensure(dir: &Path, stamp: &str, write: impl FnOnce(&Path) -> std::io::Result<synth::Written>) {
    let stamp_file = dir.join("synth.stamp");
    if std::fs::read_to_string(&stamp_file).is_ok_and(|s| s == stamp) {
        return;
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir).expect("remove stale benchmark data");
    }
    let written = write(dir).expect("write benchmark data");
    println!("{}", written.summary(dir));
    std::fs::write(stamp_file, stamp).expect("write stamp");
}

fn run(dir: &Path) -> crossfoot::run::Checked {
    match crossfoot::run::check(&dir.join("data"), &dir.join("rules")) {
        Ok(checked) => checked,
        Err(errors) => panic!("{} input error(s): {:?}", errors.len(), errors[0]),
    }
}

/// One untimed run (slowed down by the counting): check counts and the peak heap of all
/// threads.
fn report(name: &str, dir: &Path) {
    let (checked, peak) = PeakAlloc::peak_of(|| run(dir));
    let o = &checked.outcome;
    println!(
        "{name}: {} checks ({} passed, {} failed, {} skipped), peak heap {:.1} MB",
        o.checks,
        o.passed,
        o.failed,
        o.skipped,
        peak as f64 / 1e6,
    );
}

fn main() {
    let yearbook = yearbook_dir();
    let large = large_dir();
    ensure(&yearbook, &format!("{YEARBOOK:?}"), |dir| {
        synth::write_yearbook(dir, &YEARBOOK)
    });
    ensure(&large, &format!("large {LARGE_ROWS} seed 1"), |dir| {
        synth::write_large(dir, LARGE_ROWS, 1)
    });
    for rows in RECORD_ROWS {
        ensure(
            &records_dir(rows),
            &format!("records {rows} seed 1"),
            |dir| synth::write_records(dir, rows, 1),
        );
    }
    report("yearbook", &yearbook);
    report("large_table", &large);
    for rows in RECORD_ROWS {
        report(&format!("records {rows}"), &records_dir(rows));
    }
    divan::main();
}

// Each benchmark returns what it checked: divan drops it after the timed section, as the
// `crossfoot` binary leaves it to the system at exit instead of freeing it.

/// 1000 tables × 101 rows × 10 value columns: 210 000 checks.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn yearbook() -> crossfoot::run::Checked {
    run(&yearbook_dir())
}

/// The bundled 2022 yearbook with its rules, as `cargo run --release -- check` checks it.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn book() -> crossfoot::run::Checked {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    match crossfoot::run::check(&root.join("data/2022"), &root.join("rules")) {
        Ok(checked) => checked,
        Err(errors) => panic!("{} input error(s): {:?}", errors.len(), errors[0]),
    }
}

/// One table of 1 000 000 rows × 11 columns: 5 000 000 checks.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn large_table() -> crossfoot::run::Checked {
    run(&large_dir())
}

/// The record file: 2 checks a row, one row in 1 000 failing.
#[divan::bench(args = RECORD_ROWS, sample_count = 10, sample_size = 1)]
fn records(rows: usize) -> crossfoot::run::Checked {
    run(&records_dir(rows))
}
