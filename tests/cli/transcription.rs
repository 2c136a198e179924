//! Proof of the transcription: every figure of every bundled table is the figure printed on the
//! source lines its manifest entry names, in the same order, apart from the cells the manifest
//! lists as `restored` (reconstructed where the extraction lost them) and the figures it lists
//! as `dropped` (printed twice by the extraction).
//!
//! A slip in a CSV would otherwise become a false finding, or hide a real one.

use crossfoot::engine::resolve::{Axis, Key, lookup};
use crossfoot::number::{Figure, parse_figure};
use crossfoot::table::manifest::load_dataset;
use serde::Deserialize;
use std::path::Path;

#[derive(Deserialize)]
struct Manifest {
    source: String,
    #[serde(rename = "table")]
    tables: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    id: String,
    file: String,
    source_lines: Vec<[usize; 2]>,
    #[serde(default)]
    restored: Vec<Restored>,
    #[serde(default)]
    dropped: Vec<Dropped>,
}

#[derive(Deserialize)]
struct Dropped {
    line: usize,
    value: String,
}

#[derive(Deserialize)]
struct Restored {
    row: String,
    column: String,
    value: String,
}

/// A printed figure in the text it is printed as: the decimal with its printed precision.
fn figure(text: &str) -> Option<String> {
    match parse_figure(text) {
        Ok(Figure::Value(value)) => Some(value.to_string()),
        _ => None,
    }
}

/// Every figure of a CSV file, in reading order, with the byte offset of its cell.
fn csv_figures(path: &Path) -> Vec<(usize, String)> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .expect("the CSV opens");
    let text = std::fs::read(path).expect("the CSV reads");
    let mut figures = Vec::new();
    for record in reader.records() {
        let record = record.expect("a CSV record");
        let start = usize::try_from(record.position().expect("a position").byte()).unwrap();
        let (spans, _) = crossfoot::table::read::field_spans(&text, start, record.len(), b',');
        for (field, span) in record.iter().zip(spans) {
            if let Some(value) = figure(field) {
                figures.push((span.offset, value));
            }
        }
    }
    figures
}

/// Every figure on the given lines of the source text, cell by cell (cells are tab-separated),
/// less one occurrence of each dropped figure on its line.
fn source_figures(lines: &[&str], ranges: &[[usize; 2]], dropped: &[Dropped]) -> Vec<String> {
    let mut figures = Vec::new();
    for number in ranges.iter().flat_map(|&[first, last]| first..=last) {
        let mut on_line: Vec<String> = lines[number - 1].split('\t').filter_map(figure).collect();
        for drop in dropped.iter().filter(|d| d.line == number) {
            let value = figure(&drop.value).expect("a dropped figure is a figure");
            let at = on_line
                .iter()
                .position(|f| *f == value)
                .unwrap_or_else(|| panic!("line {number} prints the dropped {value}"));
            on_line.remove(at);
        }
        figures.extend(on_line);
    }
    figures
}

fn keys(path: &str) -> Vec<Key> {
    path.split('/').map(Key::label).collect()
}

#[test]
fn every_bundled_figure_is_printed_on_its_source_lines() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/2022");
    let manifest: Manifest =
        toml::from_str(&std::fs::read_to_string(dir.join("tables.toml")).unwrap()).unwrap();
    let source = std::fs::read_to_string(dir.join(&manifest.source)).unwrap();
    let lines: Vec<&str> = source.lines().collect();
    let dataset = load_dataset(&dir).expect("the bundled data loads");
    for entry in &manifest.tables {
        assert!(
            !entry.source_lines.is_empty(),
            "{}: no source_lines",
            entry.id
        );
        let table = dataset.table(&entry.id).expect("the table is loaded");
        let restored: Vec<usize> = entry
            .restored
            .iter()
            .map(|r| {
                let row = lookup(table, Axis::Row, &keys(&r.row)).expect("restored row exists");
                let column =
                    lookup(table, Axis::Column, &keys(&r.column)).expect("restored column exists");
                let cell = table.cell(row, column).expect("restored cell exists");
                assert_eq!(
                    cell.figure().map(|v| v.to_string()),
                    figure(&r.value),
                    "{}: restored {}/{} holds its recorded value",
                    entry.id,
                    r.row,
                    r.column
                );
                table.cell_span(row, column).expect("a span").offset
            })
            .collect();
        let transcribed: Vec<String> = csv_figures(&dir.join(&entry.file))
            .into_iter()
            .filter(|(offset, _)| !restored.contains(offset))
            .map(|(_, value)| value)
            .collect();
        let printed = source_figures(&lines, &entry.source_lines, &entry.dropped);
        if let Some(at) = transcribed.iter().zip(&printed).position(|(a, b)| a != b) {
            panic!(
                "{}: figure {} differs: CSV {} vs source {} (source lines {:?})",
                entry.id,
                at + 1,
                transcribed[at],
                printed[at],
                entry.source_lines
            );
        }
        assert_eq!(
            transcribed.len(),
            printed.len(),
            "{}: the CSV and its source lines hold as many figures",
            entry.id
        );
    }
}
