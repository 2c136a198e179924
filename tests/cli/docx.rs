//! The book's text read from a Word document. `tests/fixtures/docx/source.docx` is the bundled
//! `data/2022/source.txt` saved as a `.docx`, one paragraph per line (see the README there):
//! checked in its place, the book must give the same findings, with the text's figures named
//! by paragraph and characters instead of line and column. Broken `.docx` files are input
//! errors (exit 2) with a diagnostic, never a panic.

use super::{Run, check, findings, parse, root, snapshot, summary};
use serde_json::Value;
use std::path::Path;

/// The `.docx` fixtures.
fn fixture(name: &str) -> std::path::PathBuf {
    root().join("tests/fixtures/docx").join(name)
}

/// A copy of the bundled book whose manifest names `docx` (copied in as `source.docx`) as its
/// text instead of `source.txt`.
fn book_with_docx(docx: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(root().join("data/2022")).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().unwrap() != "source.txt" {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    std::fs::copy(fixture(docx), dir.path().join("source.docx")).unwrap();
    let manifest = std::fs::read_to_string(dir.path().join("tables.toml")).unwrap();
    assert!(manifest.contains("\nsource = \"source.txt\"\n"));
    std::fs::write(
        dir.path().join("tables.toml"),
        manifest.replace(
            "\nsource = \"source.txt\"\n",
            "\nsource = \"source.docx\"\n",
        ),
    )
    .unwrap();
    dir
}

fn check_data(data: &Path, format: &str, extra: &[&str]) -> Run {
    let mut args = vec!["--data", data.to_str().unwrap(), "--format", format];
    args.extend_from_slice(extra);
    check(&args)
}

/// A cell without where it is: what must not change when the text's file does.
fn placeless(cell: &Value) -> Value {
    let mut cell = cell.clone();
    for key in [
        "file",
        "line",
        "column_number",
        "span",
        "paragraph",
        "characters",
    ] {
        cell.as_object_mut().unwrap().remove(key);
    }
    cell
}

/// Each finding's rule, kind, severity, message, figures, cells, blamed cells and relabelled
/// rows (without their places).
fn comparable(json: &Value) -> Vec<Value> {
    findings(json)
        .iter()
        .map(|f| {
            let mut f = f.clone();
            let cells: Vec<Value> = f["cells"]
                .as_array()
                .unwrap()
                .iter()
                .map(placeless)
                .collect();
            f["cells"] = Value::Array(cells);
            for cells in ["suspects", "unweighed"] {
                if let Some(list) = f["blame"][cells].as_array() {
                    let list: Vec<Value> = list.iter().map(placeless).collect();
                    f["blame"][cells] = Value::Array(list);
                }
            }
            if let Some(relabelled) = f["blame"]["relabelled"].as_array_mut() {
                for rows in relabelled {
                    for side in ["printed_in", "belongs_to"] {
                        let cells: Vec<Value> = rows[side]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(placeless)
                            .collect();
                        rows[side] = Value::Array(cells);
                    }
                }
            }
            f
        })
        .collect()
}

fn text_cells(json: &Value) -> Vec<&Value> {
    findings(json)
        .iter()
        .flat_map(|f| f["cells"].as_array().unwrap())
        .filter(|c| c["table"] == "TEXT")
        .collect()
}

/// `¶154, characters 152–156`, as every report but JSON writes a figure's place.
fn place(cell: &Value) -> String {
    let (start, end) = (
        cell["characters"]["start"].as_u64().unwrap(),
        cell["characters"]["end"].as_u64().unwrap(),
    );
    if end > start {
        format!("¶{}, characters {start}–{end}", cell["paragraph"])
    } else {
        format!("¶{}, character {start}", cell["paragraph"])
    }
}

#[test]
fn the_book_with_its_text_in_a_docx_checks_as_with_the_txt() {
    let txt = check(&["--format", "json"]);
    assert_eq!(txt.code, 1, "{}", txt.stderr);
    let txt = parse(&txt.stdout);
    let dir = book_with_docx("source.docx");
    let run = check_data(dir.path(), "json", &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stderr, "", "a .docx is read without a warning");
    let docx = parse(&run.stdout);
    assert_eq!(summary(&docx), summary(&txt));
    assert_eq!(comparable(&docx), comparable(&txt));

    // Only the text's places differ: one paragraph per line, so the paragraph is the line
    // and the characters start at the column; no byte span (the file is a zip).
    let lines: Vec<&str> = include_str!("../../data/2022/source.txt").lines().collect();
    let (in_docx, in_txt) = (text_cells(&docx), text_cells(&txt));
    assert!(in_docx.len() > 20, "findings involve the text's figures");
    assert_eq!(in_docx.len(), in_txt.len());
    for (cell, original) in in_docx.iter().zip(&in_txt) {
        assert!(
            cell["file"].as_str().unwrap().ends_with("source.docx"),
            "{cell}"
        );
        assert!(
            cell.get("span").is_none(),
            "no byte span in a .docx: {cell}"
        );
        assert_eq!(cell["paragraph"], original["line"], "{cell}");
        assert_eq!(cell["line"], original["line"], "{cell}");
        assert_eq!(cell["column_number"], original["column_number"], "{cell}");
        let start = cell["characters"]["start"].as_u64().unwrap() as usize;
        let end = cell["characters"]["end"].as_u64().unwrap() as usize;
        assert_eq!(start, cell["column_number"].as_u64().unwrap() as usize);
        let paragraph = lines[cell["paragraph"].as_u64().unwrap() as usize - 1];
        let figure: String = paragraph
            .chars()
            .skip(start - 1)
            .take(end + 1 - start)
            .collect();
        assert_eq!(figure, cell["value"].as_str().unwrap(), "{cell}");
    }

    // Every other format names the paragraph and the characters, beside the file.
    let first = place(in_docx[0]);
    for format in ["human", "sarif", "github", "markdown", "junit", "html"] {
        let run = check_data(dir.path(), format, &[]);
        assert_eq!(run.code, 1, "{format}: {}", run.stderr);
        assert!(run.stdout.contains(&first), "{format} names {first}");
        assert!(
            run.stdout.contains("source.docx"),
            "{format} names the file"
        );
    }
}

#[test]
fn sarif_gives_a_docx_figure_its_paragraph_and_characters() {
    let dir = book_with_docx("source.docx");
    let run = check_data(dir.path(), "sarif", &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let log = parse(&run.stdout);
    super::reports::assert_valid_sarif(&super::reports::sarif_validator(), &log);
    let json = parse(&check_data(dir.path(), "json", &[]).stdout);
    let first = text_cells(&json)[0];
    let location = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["locations"].as_array().unwrap())
        .find(|l| {
            l["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .ends_with("source.docx")
        })
        .expect("a location in the .docx");
    let region = &location["physicalLocation"]["region"];
    let end = first["characters"]["end"].as_u64().unwrap();
    assert_eq!(region["startLine"], first["paragraph"]);
    assert_eq!(region["endLine"], first["paragraph"]);
    assert_eq!(region["startColumn"], first["characters"]["start"]);
    assert_eq!(
        region["endColumn"],
        end + 1,
        "SARIF's end column is exclusive"
    );
    assert!(region.get("byteOffset").is_none(), "{region}");
    assert_eq!(
        location["logicalLocations"][0]["name"],
        place(first).as_str()
    );
    assert_eq!(log["runs"][0]["columnKind"], "unicodeCodePoints");
}

/// The first diagnostic of a human report that points into the `.docx`, its temporary
/// directory written `[book]`.
fn first_docx_diagnostic(stdout: &str, dir: &Path) -> String {
    let text = stdout.replace(&format!("{}/", dir.display()), "[book]/");
    let mut blocks = Vec::new();
    for line in text.lines() {
        if line.starts_with("crossfoot::") || blocks.is_empty() {
            blocks.push(String::new());
        }
        let block = blocks.last_mut().unwrap();
        block.push_str(line);
        block.push('\n');
    }
    blocks
        .into_iter()
        .find(|b| b.contains("source.docx"))
        .expect("a diagnostic in the .docx")
        .trim_end()
        .to_string()
}

#[test]
fn a_human_finding_names_the_docx_paragraph_and_characters() {
    let dir = book_with_docx("source.docx");
    let run = check_data(dir.path(), "human", &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let diagnostic = first_docx_diagnostic(&run.stdout, dir.path());
    assert!(
        diagnostic.contains("¶154, characters 152–156"),
        "{diagnostic}"
    );
    snapshot(
        "docx__human_finding",
        "The first finding of the bundled book that involves its text, read from source.docx: \
         the same finding as with source.txt, the text's figure labelled with its paragraph and \
         characters (¶154, characters 152–156)",
        &diagnostic,
    );
}

#[test]
fn claims_read_from_a_docx_are_the_claims_of_the_txt() {
    let claims = |text: &Path| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_crossfoot"))
            .args(["claims", "--format", "json", "--text"])
            .arg(text)
            .current_dir(root())
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        parse(&String::from_utf8(output.stdout).unwrap())
    };
    let txt = claims(Path::new("data/2022/source.txt"));
    let docx = claims(Path::new("tests/fixtures/docx/source.docx"));
    let (txt, docx) = (txt.as_array().unwrap(), docx.as_array().unwrap());
    assert_eq!(txt.len(), docx.len());
    for (a, b) in txt.iter().zip(docx) {
        assert_eq!(a["text"], b["text"]);
        assert_eq!(a["sentence"], b["sentence"]);
        assert_eq!(b["paragraph"], a["line"]);
        assert_eq!(b["characters"]["start"], a["column"]);
        assert!(b.get("span").is_none(), "{b}");
    }
}

#[test]
fn a_broken_docx_is_an_input_error_with_a_diagnostic() {
    for (file, extra, expected) in [
        (
            "not-a-zip.docx",
            &[][..],
            "source.docx is not a Word document that crossfoot can read: not a zip",
        ),
        (
            "no-document.docx",
            &[],
            "source.docx has no word/document.xml: it is a zip archive, but not a Word document",
        ),
        (
            "bad-xml.docx",
            &[],
            "word/document.xml is not well-formed XML at byte",
        ),
        (
            "large.docx",
            &["--max-table-size", "1M"],
            "word/document.xml decompresses to more than 1048576 bytes",
        ),
    ] {
        let dir = book_with_docx(file);
        let run = check_data(dir.path(), "json", extra);
        assert_eq!(run.code, 2, "{file}: {}", run.stderr);
        // The tables are checked all the same; the rules that read the text are not.
        let json = super::parse(&run.stdout);
        assert!(
            json["summary"]["input_errors"].as_u64() >= Some(1),
            "{file}"
        );
        assert!(json["summary"]["passed"].as_u64() > Some(0), "{file}");
        // miette wraps long messages: join its lines again.
        let stderr: Vec<&str> = run
            .stderr
            .lines()
            .map(|line| line.trim().trim_start_matches('│').trim())
            .collect();
        let stderr = stderr.join(" ");
        assert!(stderr.contains(expected), "{file}: {}", run.stderr);
        assert!(
            run.stderr.contains("crossfoot::data::"),
            "{file}: a diagnostic code\n{}",
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{file}: {}", run.stderr);
    }
}
