//! The bundled 2022 book end to end, as a user runs it: the `crossfoot check` process, from
//! its start to its exit (reading the tables, the text and the rules, the contradiction lint,
//! every check, blame and the human report written to a null device).
//!
//! `cargo bench --bench book`. `check_process` runs the contradiction lint as every first
//! check of a rule set does; `check_process_cached` runs with `--cache` and an entry already
//! kept for the book, as every later check of an unchanged rule set does. The in-process run
//! without the lint is `book` in `benches/check.rs`.
//!
//! This virtual machine's cores run at their full speed at times and at about half of it at
//! others (the host's load, not the guest's: a loop pinned to one core takes twice as long,
//! and the speed changes within seconds), so a median of the book means little without the
//! machine's speed in the same seconds. Before each sample of the book, untimed by divan, the
//! reference runs: fixed work on both cores at once that runs no crossfoot code. After divan's
//! table, each sample is put beside the references just before and just after it, and the
//! samples between two references near the fastest are summed up apart from the others.
//! `machine_reference` times the reference alone, as divan times the book.

// A benchmark stops at once on a failed set-up, as a test does.
#![allow(clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

fn main() {
    divan::main();
    print_beside_reference();
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
fn check_process(bencher: divan::Bencher) {
    bencher
        .with_inputs(reference)
        .bench_values(|before| timed(Run::Plain, before, || check(None)));
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
    bencher
        .with_inputs(reference)
        .bench_values(|before| timed(Run::Cached, before, || check(Some(cache))));
}

/// Steps of the reference on each core: about 4 ms at the cores' full speed here, 9–10 ms in
/// the host's slow minutes (session 34).
const REFERENCE_STEPS: u64 = 6_000_000;

#[divan::bench(sample_count = 40, sample_size = 1)]
fn machine_reference() {
    on_both_cores();
}

fn on_both_cores() {
    std::thread::scope(|scope| {
        let cores = [scope.spawn(step_all), scope.spawn(step_all)];
        for core in cores {
            divan::black_box(core.join().expect("the reference's thread"));
        }
    });
}

/// The reference's time, just before a sample of the book.
fn reference() -> Duration {
    let start = Instant::now();
    on_both_cores();
    start.elapsed()
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

#[derive(Clone, Copy, PartialEq, Eq)]
enum Run {
    Plain,
    Cached,
}

/// One sample of the book: its time and the reference's just before it.
struct Sample {
    run: Run,
    reference: Duration,
    book: Duration,
}

/// Every sample of the book, in the order run.
static SAMPLES: Mutex<Vec<Sample>> = Mutex::new(Vec::new());

/// Run the book once, timed here as divan times it, and keep the time beside `reference`.
fn timed(run: Run, reference: Duration, book: impl FnOnce()) {
    let start = Instant::now();
    book();
    let book = start.elapsed();
    SAMPLES.lock().expect("the samples").push(Sample {
        run,
        reference,
        book,
    });
}

/// A reference within this factor of the fastest counts as the machine at its fastest.
const NEAR_FASTEST: f64 = 1.25;

/// Each run's samples between two references near the fastest, and the rest.
fn print_beside_reference() {
    let samples = SAMPLES.lock().expect("the samples");
    let Some(fastest) = samples.iter().map(|s| s.reference).min() else {
        return;
    };
    let near = fastest.mul_f64(NEAR_FASTEST);
    println!(
        "\nThe book beside the reference run just before and just after each sample \
         (fastest reference {}, near it: up to {}):",
        ms(fastest),
        ms(near)
    );
    for (run, name) in [
        (Run::Plain, "check_process"),
        (Run::Cached, "check_process_cached"),
    ] {
        let of_run: Vec<&Sample> = samples.iter().filter(|s| s.run == run).collect();
        let (mut fast, mut slow) = (Vec::new(), Vec::new());
        for (i, sample) in of_run.iter().enumerate() {
            // The last sample has no reference after it: the one before stands alone.
            let after = of_run.get(i + 1).map_or(sample.reference, |s| s.reference);
            if sample.reference <= near && after <= near {
                fast.push(sample.book);
            } else {
                slow.push(sample.book);
            }
        }
        println!("  {name:<21} near the fastest: {}", summary(&mut fast));
        println!("  {:<21} otherwise:        {}", "", summary(&mut slow));
    }
}

/// `n samples, median (fastest–slowest)`.
fn summary(times: &mut [Duration]) -> String {
    times.sort();
    match (times.first(), median(times), times.last()) {
        (Some(first), Some(median), Some(last)) => format!(
            "{} sample{}, median {} ({}–{})",
            times.len(),
            if times.len() == 1 { "" } else { "s" },
            ms(median),
            ms(*first),
            ms(*last)
        ),
        _ => "no samples".to_owned(),
    }
}

/// The middle time of sorted `times`, or the mean of the two middle ones.
fn median(times: &[Duration]) -> Option<Duration> {
    let half = times.len() / 2;
    let upper = *times.get(half)?;
    if times.len() % 2 == 1 {
        Some(upper)
    } else {
        Some((*times.get(half.checked_sub(1)?)? + upper) / 2)
    }
}

fn ms(time: Duration) -> String {
    format!("{:.2} ms", time.as_secs_f64() * 1e3)
}
