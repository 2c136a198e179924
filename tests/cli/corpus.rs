//! The fuzz corpus (`fuzz/corpus/<target>/`) replayed through the fuzz targets' entry points
//! on stable Rust, so every input a fuzzing run kept stays a regression test in CI.

use std::path::Path;

fn replay(target: &str, entry: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut inputs = 0;
    for file in std::fs::read_dir(&dir).expect("the committed corpus") {
        let path = file.unwrap().path();
        entry(&std::fs::read(&path).unwrap());
        inputs += 1;
    }
    assert!(inputs > 0, "no corpus for {target} in {}", dir.display());
}

#[test]
fn number_corpus() {
    replay("number", crossfoot::fuzz::number);
}

#[test]
fn csv_table_corpus() {
    replay("csv_table", crossfoot::fuzz::csv_table);
}

#[test]
fn rules_corpus() {
    replay("rules", crossfoot::fuzz::rules);
}

#[test]
fn claims_corpus() {
    replay("claims", crossfoot::fuzz::claims);
}

#[test]
fn docx_corpus() {
    replay("docx", crossfoot::fuzz::docx);
}

#[test]
fn manifest_corpus() {
    replay("manifest", crossfoot::fuzz::manifest);
}

#[test]
fn workbook_corpus() {
    replay("workbook", crossfoot::fuzz::workbook);
}

#[test]
fn baseline_corpus() {
    replay("baseline", crossfoot::fuzz::baseline);
}

#[test]
fn check_corpus() {
    replay("check", crossfoot::fuzz::check);
}
