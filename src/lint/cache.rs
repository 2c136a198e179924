//! `crossfoot::lint::cache`: the contradiction lint's verdict kept across runs
//! (`check --cache DIR`), so that checking the same rules against the same tables again does
//! not pay for the lint again — also when the figures changed, as they do in a draft.
//!
//! The lint reads the figures in one place only: rule 3 finds pairs of cells that two
//! equalities state equal, and the pair is a contradiction when the cells are printed apart
//! ([`super::contradiction::printed_apart`]). Everything else it decides from the rules and
//! the tables' labels. So an entry holds a fingerprint of the rules and the tables *without
//! their figures*, and the pairs; a later run with the same fingerprint re-reads only the
//! pairs' figures. An entry is written only when the lint found nothing; a run that finds a
//! contradiction, or a pair printed apart, runs the whole lint, which words the report.
//!
//! The fingerprint hashes (xxh3, 128 bits) every rules file compiled (one of groups alone
//! too), `tables.toml`, and every table's file with each cell's printed text replaced by a
//! marker and the cell's kind (a figure, `—` or unreadable; stated with a bound in words or
//! not). A label, a heading, a note or a word of the text that changes makes another
//! fingerprint; a figure that changes does not. A cache that cannot be read is not used; one
//! that cannot be written is reported as a warning, and the run is the same.

use super::Lint;
use super::contradiction::{contradictions, contradictions_and_candidates, printed_apart};
use crate::engine::program::{CellId, Program};
use crate::table::Table;
use crate::table::manifest::Dataset;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use xxhash_rust::xxh3::Xxh3;

/// What an entry is: an entry of another layout is not read.
const FORMAT: &str = "crossfoot contradiction cache 1";

/// The build that wrote an entry (its version and the moment it was built, `build.rs`): an
/// entry of another build is not read, since another build may decide otherwise.
const BUILD: &str = concat!(env!("CARGO_PKG_VERSION"), "+", env!("CROSSFOOT_BUILD"));

/// Entries larger than this are not read: no true entry comes near it.
const MAX_ENTRY_BYTES: u64 = 64 << 20;

/// Stands for a cell's printed text in the fingerprint: never a byte of UTF-8 text.
const CELL_MARKER: u8 = 0xFF;

/// Where the verdict of one pair of folders (tables, rules) is kept: a file, or for
/// `check --watch` without `--cache`, the process's memory.
#[derive(Debug)]
pub struct Cache {
    store: Store,
    failure: OnceLock<String>,
}

#[derive(Debug)]
enum Store {
    File(PathBuf),
    Memory(Mutex<Option<(u128, Vec<[CellId; 2]>)>>),
}

/// One entry: the fingerprint it holds for, and rule 3's pairs of cells.
#[derive(Serialize, Deserialize)]
struct Entry {
    format: String,
    fingerprint: String,
    pairs: Vec<[[usize; 3]; 2]>,
}

impl Cache {
    /// The cache in `dir` for checking the tables in `data` against the rules in `rules`: one
    /// file per pair of folders, holding the last verdict.
    pub fn new(dir: &Path, data: &Path, rules: &Path) -> Self {
        let mut hasher = Xxh3::new();
        for folder in [data, rules] {
            let folder = std::path::absolute(folder).unwrap_or_else(|_| folder.to_path_buf());
            write_field(&mut hasher, folder.as_os_str().as_encoded_bytes());
        }
        let name = format!("contradictions-{:016x}.json", hasher.digest());
        Cache {
            store: Store::File(dir.join(name)),
            failure: OnceLock::new(),
        }
    }

    /// A cache that lasts as long as the process: `check --watch` checks the same rules again
    /// after every save.
    pub fn in_memory() -> Self {
        Cache {
            store: Store::Memory(Mutex::new(None)),
            failure: OnceLock::new(),
        }
    }

    /// Why the cache could not be written, if it could not.
    pub fn failure(&self) -> Option<&str> {
        self.failure.get().map(String::as_str)
    }

    /// The pairs kept for `fingerprint`, if the entry holds for it.
    fn read(&self, fingerprint: u128) -> Option<Vec<[CellId; 2]>> {
        let file = match &self.store {
            Store::File(file) => file,
            Store::Memory(kept) => {
                let kept = kept.lock().ok()?;
                let (kept_for, pairs) = kept.as_ref()?;
                return (*kept_for == fingerprint).then(|| pairs.clone());
            }
        };
        let size = std::fs::metadata(file).ok()?.len();
        if size > MAX_ENTRY_BYTES {
            return None;
        }
        let bytes = std::fs::read(file).ok()?;
        let entry: Entry = serde_json::from_slice(&bytes).ok()?;
        (entry.format == FORMAT && entry.fingerprint == hex(fingerprint)).then(|| {
            entry
                .pairs
                .iter()
                .map(|pair| pair.map(|[table, row, column]| CellId { table, row, column }))
                .collect()
        })
    }

    /// Keep `pairs` for `fingerprint`. Written beside the entry and renamed over it, so that a
    /// run reading it meanwhile reads the old entry or the new one, whole.
    fn write(&self, fingerprint: u128, pairs: &[[CellId; 2]]) {
        let file = match &self.store {
            Store::File(file) => file,
            Store::Memory(kept) => {
                if let Ok(mut kept) = kept.lock() {
                    *kept = Some((fingerprint, pairs.to_vec()));
                }
                return;
            }
        };
        let entry = Entry {
            format: FORMAT.to_string(),
            fingerprint: hex(fingerprint),
            pairs: pairs
                .iter()
                .map(|pair| pair.map(|cell| [cell.table, cell.row, cell.column]))
                .collect(),
        };
        if let Err(error) = write_entry(file, &entry) {
            let _ = self.failure.set(format!(
                "cannot write the cache {}: {error}",
                file.display()
            ));
        }
    }
}

fn write_entry(file: &Path, entry: &Entry) -> std::io::Result<()> {
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut staged = tempfile::NamedTempFile::new_in(dir)?;
    serde_json::to_writer(&mut staged, entry)?;
    staged.persist(file).map_err(|e| e.error)?;
    Ok(())
}

/// The contradictions of `program` over `dataset`, as [`contradictions`] finds them, with the
/// verdict taken from `cache` where it holds one for these rules and tables.
pub fn contradictions_cached(
    dataset: &Dataset,
    program: &Program,
    cache: Option<&Cache>,
) -> Vec<Lint> {
    let Some(cache) = cache else {
        return contradictions(dataset, program);
    };
    let fingerprint = fingerprint(dataset, program);
    if let Some(pairs) = cache.read(fingerprint)
        && !pairs.iter().any(|&pair| printed_apart(dataset, pair))
    {
        return Vec::new();
    }
    let (lints, pairs) = contradictions_and_candidates(dataset, program);
    if lints.is_empty() {
        cache.write(fingerprint, &pairs);
    }
    lints
}

/// The rules and tables as the contradiction lint reads them: everything but the figures.
pub fn fingerprint(dataset: &Dataset, program: &Program) -> u128 {
    let mut hasher = Xxh3::new();
    write_field(&mut hasher, FORMAT.as_bytes());
    write_field(&mut hasher, BUILD.as_bytes());
    write_field(&mut hasher, &program.files.len().to_le_bytes());
    for file in &program.files {
        write_field(&mut hasher, file.path().as_os_str().as_encoded_bytes());
        write_field(&mut hasher, file.text().as_bytes());
    }
    write_field(&mut hasher, format!("{:?}", dataset.year).as_bytes());
    write_field(&mut hasher, dataset.unloaded.join("\n").as_bytes());
    match &dataset.manifest {
        Some(manifest) => write_field(&mut hasher, manifest.text().as_bytes()),
        // Not an empty manifest's field: a folder without one reads its tables otherwise.
        None => hasher.update(&[CELL_MARKER]),
    }
    write_field(&mut hasher, &dataset.tables.len().to_le_bytes());
    for table in &dataset.tables {
        write_field(&mut hasher, table.id().as_bytes());
        write_field(
            &mut hasher,
            table.source().path().as_os_str().as_encoded_bytes(),
        );
        write_without_figures(&mut hasher, table);
    }
    hasher.digest128()
}

/// A length, then the bytes: no two different sequences of fields hash the same bytes.
fn write_field(hasher: &mut Xxh3, bytes: &[u8]) {
    hasher.update(&bytes.len().to_le_bytes());
    hasher.update(bytes);
}

/// The table's file with each cell's text replaced by [`CELL_MARKER`] and its kind.
fn write_without_figures(hasher: &mut Xxh3, table: &Table) {
    let text = table.source().text().as_bytes();
    let mut cells: Vec<(usize, usize, u8)> = Vec::new();
    for row in 0..table.row_count() {
        for (column, span) in table.row_cell_spans(row).into_iter().enumerate() {
            if let Some(span) = span {
                cells.push((span.offset, span.length, cell_kind(table, row, column)));
            }
        }
    }
    cells.sort_unstable();
    let mut at = 0;
    for (offset, length, kind) in cells {
        // A span inside one already masked (none in a well-formed table) masks nothing more.
        let (Some(before), Some(end)) = (text.get(at..offset), offset.checked_add(length)) else {
            continue;
        };
        hasher.update(before);
        hasher.update(&[CELL_MARKER, kind]);
        at = end;
    }
    hasher.update(text.get(at..).unwrap_or_default());
}

/// What the lint can tell of a cell without its figure: whether it is one, applies (not
/// `—`), and is stated with a bound in words.
fn cell_kind(table: &Table, row: usize, column: usize) -> u8 {
    let Some(cell) = table.cell(row, column) else {
        return 0;
    };
    let applicable = u8::from(cell.is_applicable());
    let stated = u8::from(table.stated_interval(row, column).is_some());
    1 | applicable << 1 | stated << 2
}

fn hex(fingerprint: u128) -> String {
    format!("{fingerprint:032x}")
}
