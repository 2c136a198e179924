//! Entry points of the fuzz targets (`fuzz/`, cargo-fuzz): each feeds arbitrary input to one
//! parser and asserts what must hold for any input. They live here, not in the targets, so the
//! committed corpus is replayed through the same code by an ordinary test on stable Rust.

use crate::claims::extract;
use crate::lang::parser::parse_rules;
use crate::number::{Figure, parse_figure};
use crate::source::SourceFile;
use crate::table::TableMeta;
use crate::table::read::{Layout, parse_table};
use std::sync::Arc;

/// The figure parser gives a value or an error; a value parses again from its own printing.
pub fn number(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(Figure::Value(value)) = parse_figure(text) {
        let again = parse_figure(&value.to_string());
        assert_eq!(again.ok(), Some(Figure::Value(value)), "{text:?}");
    }
}

/// Bytes read as a table, in the layout the first byte picks, give a table or errors; every
/// cell of a table has a span and an interval query that does not panic.
pub fn csv_table(data: &[u8]) {
    let Some((&layout, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let source = Arc::new(SourceFile::new("fuzz.csv", text.to_string()));
    let layout = Layout {
        header_rows: usize::from(layout % 4),
        label_columns: usize::from(layout / 4 % 3),
        text_columns: Vec::new(),
        format: crate::format::TableFormat::default(),
        shape: crate::table::shape::Shape::default(),
        labels: std::sync::Arc::default(),
    };
    if let Ok(table) = parse_table(&source, TableMeta::default(), layout) {
        for row in 0..table.row_count() {
            for column in 0..table.columns().len() {
                let _ = table.cell_span(row, column);
                let _ = table.interval(row, column);
            }
        }
    }
}

/// Text read as a rules file gives a syntax tree or diagnostics.
pub fn rules(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = Arc::new(SourceFile::new("fuzz.rules", text.to_string()));
    let _ = parse_rules(&source);
}

/// Text read as a narrative gives its figures, each spanning text inside it.
pub fn claims(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = Arc::new(SourceFile::new("fuzz.txt", text.to_string()));
    for claim in extract(&source) {
        assert!(claim.span.offset + claim.span.length <= text.len());
        let _ = claim.stated_interval();
    }
}

/// Bytes read as a Word document's `word/document.xml` give a text or an error; paragraphs
/// start in order, at character boundaries, each line of the text ending; every figure of the
/// text names a paragraph and characters inside it.
pub fn docx(data: &[u8]) {
    use crate::source::{Span, Stored};
    let path = std::path::Path::new("fuzz.docx");
    let Ok(read) = crate::docx::read_document_part(path, data, 1 << 20) else {
        return;
    };
    let text = &read.text;
    let starts = read.paragraphs.starts();
    assert!(
        starts.windows(2).all(|w| w.first() < w.last()),
        "{starts:?}"
    );
    for &start in starts {
        assert!(text.is_char_boundary(start), "{start} in {text:?}");
        assert!(start == 0 || text.get(..start).is_some_and(|t| t.ends_with('\n')));
    }
    assert!(text.is_empty() || text.ends_with('\n'), "{text:?}");
    let source =
        Arc::new(SourceFile::new(path, read.text.clone()).stored_as(Stored::Docx(read.paragraphs)));
    for claim in extract(&source) {
        let place = source.paragraph_span(claim.span);
        assert!(place.is_some_and(|p| p.paragraph >= 1 && p.first >= 1 && p.last >= p.first));
    }
    let _ = source.paragraph_span(Span::new(text.len(), 0));
}

/// The most a fuzzed workbook or data folder may take (`--max-table-size`): small, so that the
/// fuzzer's memory limit would catch anything the bound lets through.
const FUZZ_LIMIT: u64 = 1 << 20;

/// Bytes read as a workbook through the reader of a manifest entry's `file`: the first byte
/// picks the format (`.xlsx`, `.ods`, `.xlsb`), the layout, and whether a `range` (`B2:I21`) is
/// declared; the rest is the file. A table or errors, each error with a span into the manifest;
/// the CSV text the sheet is read as stays within the limit; every cell of the table names a
/// cell of the sheet, inside the range.
pub fn workbook(data: &[u8]) {
    use crate::source::Span;
    use crate::table::sheet::{CellRange, SheetPlan, read_sheet_from};
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let manifest = "[[table]]\nfile = \"fuzz.xlsx\"\nrange = \"B2:I21\"\n";
    let manifest = Arc::new(SourceFile::new("tables.toml", manifest.to_string()));
    let range = (pick & 0x10 != 0).then_some(CellRange {
        start: (1, 1),
        end: (20, 8),
    });
    let plan = SheetPlan {
        sheet: None,
        range,
        manifest,
        span: Span::new(17, 11),
        file_span: Span::new(17, 11),
        range_span: range.map(|_| Span::new(37, 8)),
    };
    let name = match pick >> 5 & 3 {
        2 => "fuzz.ods",
        3 => "fuzz.xlsb",
        _ => "fuzz.xlsx",
    };
    let read = read_sheet_from(
        std::path::Path::new(name),
        std::io::Cursor::new(rest),
        rest.len() as u64,
        &plan,
        FUZZ_LIMIT,
    );
    let source = match read {
        Ok(source) => source,
        Err(error) => {
            assert_spans_inside(&error);
            return;
        }
    };
    assert!(
        source.text().len() as u64 <= FUZZ_LIMIT,
        "{}",
        source.text().len()
    );
    let layout = Layout {
        header_rows: usize::from(pick % 4),
        label_columns: usize::from(pick / 4 % 4),
        text_columns: Vec::new(),
        format: crate::format::TableFormat::default(),
        shape: crate::table::shape::Shape::default(),
        labels: std::sync::Arc::default(),
    };
    let Ok(table) = parse_table(&source, TableMeta::default(), layout) else {
        return;
    };
    for row in 0..table.row_count() {
        for column in 0..table.columns().len() {
            let Some(span) = table.cell_span(row, column) else {
                continue;
            };
            let address = source.cell_address(span.offset);
            assert!(address.is_some(), "{span:?} in {:?}", source.text());
            if range.is_some() {
                let line = source
                    .text()
                    .get(..span.offset)
                    .map(|t| t.matches('\n').count());
                assert!(
                    line.is_some_and(|line| (1..=20).contains(&line)),
                    "{address:?}"
                );
            }
        }
    }
}

/// Every label of a diagnostic marks text inside the file it names.
fn assert_spans_inside(error: &dyn miette::Diagnostic) {
    let Some(source) = error.source_code() else {
        return;
    };
    for label in error.labels().into_iter().flatten() {
        assert!(
            source.read_span(label.inner(), 0, 0).is_ok(),
            "{error}: {label:?}"
        );
    }
}

/// A data folder for [`manifest`]: a CSV table `A.csv`, a workbook `B.xlsx` (sheet `S`, a
/// table in `A1:B4`) and a text `text.txt`, made once per process.
fn folder() -> Option<&'static std::path::Path> {
    static FOLDER: std::sync::OnceLock<Option<tempfile::TempDir>> = std::sync::OnceLock::new();
    FOLDER
        .get_or_init(|| {
            let dir = tempfile::tempdir().ok()?;
            let table = "项目,金额 / 亿元\na,1.0\nb,2.0\n合计,3.0\n";
            std::fs::write(dir.path().join("A.csv"), table).ok()?;
            std::fs::write(dir.path().join("B.xlsx"), small_workbook("S", table)).ok()?;
            std::fs::write(dir.path().join("text.txt"), "合计 3.0 亿元，增长 5.0%。\n").ok()?;
            Some(dir)
        })
        .as_ref()
        .map(tempfile::TempDir::path)
}

/// Bytes read as a data folder's `tables.toml`, beside the files [`folder`] makes: a dataset and
/// errors, never a panic; every error's labels mark text inside their file; each table loads
/// once, and a table that does not load is named unloaded. A `file` or `source` outside the
/// folder (`/dev/zero`, `../x.csv`) is refused unopened (`data::outside`), so the fuzzer reads
/// nothing of the machine.
pub fn manifest(data: &[u8]) {
    use crate::decode::ReadOptions;
    use crate::table::manifest::{MANIFEST_FILE, load_dataset_partial};
    let Some(dir) = folder() else {
        return;
    };
    if std::fs::write(dir.join(MANIFEST_FILE), data).is_err() {
        return;
    }
    let mut options = ReadOptions::default();
    options.max_table_bytes = Some(FUZZ_LIMIT);
    let (dataset, errors) = load_dataset_partial(dir, &options);
    assert!(dataset.unloaded.is_empty() || !errors.is_empty());
    for error in &errors {
        assert_spans_inside(error);
    }
    let ids: Vec<&str> = dataset.tables.iter().map(crate::table::Table::id).collect();
    for (index, id) in ids.iter().enumerate() {
        assert!(
            !ids.iter().skip(index + 1).any(|other| other == id),
            "{id} twice"
        );
        assert!(!dataset.unloaded.iter().any(|other| other == id), "{id}");
    }
}

/// A minimal `.xlsx` with one sheet `name` holding `csv` (text cells, inline strings), as a
/// spreadsheet would save it: for fuzz seeds and the data folder of [`manifest`].
pub fn small_workbook(name: &str, csv: &str) -> Vec<u8> {
    use std::fmt::Write as _;
    use std::io::Write as _;
    let escape = |text: &str| {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let mut rows = String::new();
    for (row, line) in csv.lines().enumerate() {
        let _ = write!(rows, "<row r=\"{}\">", row + 1);
        for (column, field) in line.split(',').enumerate() {
            let address = format!(
                "{}{}",
                crate::source::column_letters(u32::try_from(column).unwrap_or(0)),
                row + 1
            );
            let _ = write!(
                rows,
                "<c r=\"{address}\" t=\"inlineStr\"><is><t>{}</t></is></c>",
                escape(field)
            );
        }
        rows.push_str("</row>");
    }
    let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    let relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let package = "http://schemas.openxmlformats.org/package/2006/relationships";
    let parts = [
        (
            "[Content_Types].xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/><Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/></Types>".to_string(),
        ),
        (
            "_rels/.rels",
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"{package}\"><Relationship Id=\"rId1\" Type=\"{relationships}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"),
        ),
        (
            "xl/workbook.xml",
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"{main}\" xmlns:r=\"{relationships}\"><sheets><sheet name=\"{}\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>", escape(name)),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"{package}\"><Relationship Id=\"rId1\" Type=\"{relationships}/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>"),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"{main}\"><sheetData>{rows}</sheetData></worksheet>"),
        ),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (path, text) in parts {
        let written = zip
            .start_file(path, zip::write::SimpleFileOptions::default())
            .map_err(std::io::Error::other)
            .and_then(|()| zip.write_all(text.as_bytes()));
        if written.is_err() {
            return Vec::new();
        }
    }
    zip.finish()
        .map(std::io::Cursor::into_inner)
        .unwrap_or_default()
}

/// The findings of a small run, for [`baseline`]: on a table `T` of rows a, b, 合计, four
/// findings — one over three cells, one on a row's label, one on a cell of no table.
fn findings() -> (crate::table::manifest::Dataset, crate::finding::Outcome) {
    use crate::engine::program::{CellId, ROW_LABEL};
    use crate::finding::{Finding, Outcome};
    use crate::table::manifest::Dataset;
    let csv = "项目,金额\na,1.0\nb,2.0\n合计,3.1\n";
    let source = Arc::new(SourceFile::new("T.csv", csv.to_string()));
    let meta = TableMeta {
        id: "T".to_string(),
        ..TableMeta::default()
    };
    let layout = Layout {
        header_rows: 1,
        label_columns: 1,
        text_columns: Vec::new(),
        format: crate::format::TableFormat::default(),
        shape: crate::table::shape::Shape::default(),
        labels: std::sync::Arc::default(),
    };
    let tables = parse_table(&source, meta, layout).into_iter().collect();
    let cell = |row, column| CellId {
        table: 0,
        row,
        column,
    };
    let finding = |rule_id: &str, cells: Vec<CellId>| Finding {
        rule: 0,
        check: 0,
        rule_id: rule_id.to_string(),
        kind: crate::lang::ast::Kind::Sum,
        message: String::new(),
        published: None,
        expected: crate::interval::Interval::exact(rust_decimal::Decimal::ZERO),
        gap: rust_decimal::Decimal::ZERO,
        difference: None,
        cells,
        changed: Vec::new(),
    };
    let findings = vec![
        finding("T.total", vec![cell(2, 0), cell(0, 0), cell(1, 0)]),
        finding("T.a", vec![cell(0, 0)]),
        finding("T.label", vec![cell(1, ROW_LABEL)]),
        finding(
            "T.gone",
            vec![CellId {
                table: 7,
                row: 0,
                column: 0,
            }],
        ),
    ];
    let outcome = Outcome {
        failed: findings.len(),
        findings,
        ..Outcome::default()
    };
    let dataset = Dataset {
        tables,
        ..Dataset::default()
    };
    (dataset, outcome)
}

/// Text read as a baseline (`check --baseline`): a baseline or an error; a baseline writes as
/// JSON that reads back the same; sifting a run's findings through it says which figures of a
/// changed finding changed, and names as unmet only its entries whose place no finding has;
/// comparing it with a run (`--watch`) does not panic.
pub fn baseline(data: &[u8]) {
    use crate::baseline::{Sieve, from_outcome, parse};
    use crate::finding::{Sift, Sifted};
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(known) = parse(text) else {
        return;
    };
    let again = serde_json::to_string(&known)
        .ok()
        .and_then(|json| parse(&json).ok());
    assert_eq!(again.as_ref(), Some(&known));
    let (dataset, outcome) = findings();
    let run = from_outcome(&dataset, &outcome);
    let sieve = Sieve::new(&known);
    for finding in &outcome.findings {
        let mut finding = finding.clone();
        match sieve.sift(&dataset, &mut finding) {
            Sifted::Changed => assert!(!finding.changed.is_empty()),
            Sifted::Known | Sifted::New => assert!(finding.changed.is_empty()),
        }
    }
    for entry in &sieve.unmet() {
        assert!(known.findings.contains(entry), "{entry:?}");
        assert!(
            !run.findings.iter().any(|r| r.place() == entry.place()),
            "{entry:?}"
        );
    }
    let changes = crate::watch::changes(&known, &run);
    let _ = crate::watch::render(&changes);
    assert_eq!(crate::watch::changes(&known, &known), Default::default());
}

/// Files made by the fuzzer, checked as `crossfoot check` and `crossfoot lint` check them: a
/// run gives findings and errors, never a panic, in every report format; the JSON reports are
/// JSON; every error's labels mark text inside their file.
///
/// The input is parts split at NUL characters: the rules, then a `tables.toml` (none where
/// empty), then files, each its name on its first line (`S1.csv`, `text.txt`; letters, digits,
/// `-` and `_`, at most 4 files). A test fixture reads as such an input, part for part.
pub fn check(data: &[u8]) {
    // One folder for the process: two tests checking at once would write over each other's files.
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let Some((data_dir, rules_dir)) = check_folder(text) else {
        return;
    };
    let mut options = crate::decode::ReadOptions::default();
    options.max_table_bytes = Some(FUZZ_LIMIT);
    let loaded = crate::run::load_with(&data_dir, &rules_dir, &options);
    let checked =
        loaded.check_clear_of_contradictions(true, crate::finding::Keep::ALL, &|_| {}, None);
    for error in &checked.errors {
        assert_spans_inside(error.as_ref());
    }
    let report = crate::report::Report {
        dataset: &checked.dataset,
        program: &checked.program,
        outcome: &checked.outcome,
        errors: &checked.errors,
    };
    let style = crate::report::human::Style {
        color: false,
        width: 100,
    };
    let _ = crate::report::human::render(&report, style);
    let _ = crate::report::human::render_errors(&checked.errors, style, checked.nothing_checked());
    let json = crate::report::json::render(&report);
    assert!(
        serde_json::from_str::<serde_json::Value>(&json).is_ok(),
        "{json}"
    );
    let _ = crate::report::sarif::render(&report);
    let _ = crate::report::junit::render(&report);
    let _ = crate::report::github::render(&report);
    let _ = crate::report::markdown::render(&report);
    let _ = crate::report::html::render(&report);
    if let Ok(linted) = crate::lint::run(&data_dir, &rules_dir, crate::lint::Options::default()) {
        let _ = crate::lint::report::human(&linted, style);
        let json = crate::lint::report::json(&linted);
        assert!(
            serde_json::from_str::<serde_json::Value>(&json).is_ok(),
            "{json}"
        );
    }
}

/// The data and rules folders of [`check`], made afresh for `text` in a folder made once per
/// process; `None` where a file cannot be written.
fn check_folder(text: &str) -> Option<(std::path::PathBuf, std::path::PathBuf)> {
    static FOLDER: std::sync::OnceLock<Option<tempfile::TempDir>> = std::sync::OnceLock::new();
    let root = FOLDER
        .get_or_init(|| tempfile::tempdir().ok())
        .as_ref()?
        .path();
    let (data, rules) = (root.join("data"), root.join("rules"));
    for dir in [&data, &rules] {
        if dir.exists() {
            std::fs::remove_dir_all(dir).ok()?;
        }
        std::fs::create_dir(dir).ok()?;
    }
    let mut parts = text.split('\0');
    std::fs::write(rules.join("fuzz.rules"), parts.next()?).ok()?;
    if let Some(manifest) = parts.next().filter(|m| !m.is_empty()) {
        std::fs::write(data.join(crate::table::manifest::MANIFEST_FILE), manifest).ok()?;
    }
    for part in parts.take(4) {
        let (name, contents) = part.split_once('\n').unwrap_or((part, ""));
        let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_');
        let fits = name.rsplit_once('.').is_some_and(|(stem, ext)| {
            !stem.is_empty()
                && stem.len() <= 16
                && stem.chars().all(plain)
                && matches!(ext, "csv" | "txt")
        });
        if fits {
            std::fs::write(data.join(name), contents).ok()?;
        }
    }
    Some((data, rules))
}

#[cfg(test)]
mod tests {
    #[test]
    fn each_entry_takes_empty_and_odd_input() {
        for data in [
            &b""[..],
            b"\xff\xfe",
            "第一部分 概述\n超过 1 000.5 亿元".as_bytes(),
        ] {
            super::number(data);
            super::csv_table(data);
            super::rules(data);
            super::claims(data);
            super::docx(data);
            super::workbook(data);
            super::manifest(data);
            super::baseline(data);
            super::check(data);
        }
    }
}
