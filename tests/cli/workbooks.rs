//! Issue #11, item 3: a workbook is read by the cells it holds, never as the dense rectangle
//! its used range spans, and `--max-table-size` bounds it as it bounds a CSV file. The hostile
//! workbooks are written at test time (rust_xlsxwriter); each run is a child process under an
//! address-space limit (`ulimit -v`), so an allocation the size of the sheet fails the test
//! instead of swapping.

use super::{parse, summary};
use rust_xlsxwriter::Workbook;
use serde_json::Value;
use std::path::Path;

/// The address space a run may take: the bounded runs here need a few tens of megabytes; an
/// unbounded one needed 2.5 GB (a range of a sparse sheet) or 512 GB (the whole sheet).
const ADDRESS_SPACE_KIB: u64 = 1 << 20;

/// A data folder with two tables — `T` on sheet `S` of `book.xlsx` (its `A1:B4`, plus what
/// `extra` writes) and `C` in `C.csv` — and a rule for each: both pass when they are read.
fn book(
    table_entry: &str,
    extra: impl FnOnce(&mut rust_xlsxwriter::Worksheet),
) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("S").unwrap();
    for (row, (label, value)) in [
        ("项目", "金额"),
        ("a", "1.0"),
        ("b", "2.0"),
        ("合计", "3.0"),
    ]
    .into_iter()
    .enumerate()
    {
        let row = u32::try_from(row).unwrap();
        sheet.write_string(row, 0, label).unwrap();
        sheet.write_string(row, 1, value).unwrap();
    }
    extra(sheet);
    workbook.save(data.join("book.xlsx")).unwrap();
    std::fs::write(data.join("C.csv"), "项目,金额\na,1.0\nb,2.0\n合计,3.0\n").unwrap();
    std::fs::write(
        data.join("tables.toml"),
        format!(
            "[[table]]\nid = \"T\"\nfile = \"book.xlsx\"\n{table_entry}\n\n\
             [[table]]\nid = \"C\"\nfile = \"C.csv\"\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("t.rules"),
        "sum T.total \"t\" T[合计, 金额] = T[a, 金额] + T[b, 金额]\n\
         sum C.total \"c\" C[合计, 金额] = C[a, 金额] + C[b, 金额]\n",
    )
    .unwrap();
    dir
}

/// What a bounded run gave: its exit code (`None`: killed by a signal, an abort) and output.
struct Bounded {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// `crossfoot check --format json` on `dir`, with `--max-table-size` when given, in a shell
/// that first limits the address space to [`ADDRESS_SPACE_KIB`].
fn check_bounded(dir: &Path, max_table_size: Option<&str>) -> Bounded {
    let mut args = vec![
        "--data".to_string(),
        "data".to_string(),
        "--rules".to_string(),
        "t.rules".to_string(),
        "--format".to_string(),
        "json".to_string(),
    ];
    if let Some(size) = max_table_size {
        args.extend(["--max-table-size".to_string(), size.to_string()]);
    }
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {ADDRESS_SPACE_KIB} && exec \"$0\" check \"$@\""
        ))
        .arg(env!("CARGO_BIN_EXE_crossfoot"))
        .args(&args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        // One malloc arena: the limit then bounds what is allocated, not arenas reserved.
        .env("MALLOC_ARENA_MAX", "1")
        .output()
        .unwrap();
    Bounded {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The input error of a run, checked to be `data::too_large` with a span into `tables.toml`
/// (followed by the error on T's rule, not checked); and the CSV table's rule checked and
/// passed all the same.
fn refused_in_the_manifest(run: &Bounded) -> Value {
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    let json = parse(&run.stdout);
    let errors = json["input_errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors[1]["message"]
            .as_str()
            .unwrap()
            .starts_with("table T could not be read"),
        "{errors:?}"
    );
    let error = errors[0].clone();
    assert_eq!(error["code"], "crossfoot::data::too_large", "{error}");
    assert!(
        error["file"].as_str().unwrap().ends_with("tables.toml"),
        "{error}"
    );
    assert!(
        error["span"].is_object() && error["label"].is_string(),
        "{error}"
    );
    // C is read and checked; T is not loaded, and its rule is not checked (the error above).
    assert_eq!(summary(&json), [1, 1, 1, 1, 0, 0], "{}", run.stdout);
    assert!(
        run.stderr.contains("crossfoot::data::too_large"),
        "{}",
        run.stderr
    );
    error
}

#[cfg(unix)]
#[test]
fn a_sheet_used_to_its_last_cell_is_refused_not_allocated() {
    // 2 KB on disk; read densely, A1:XFD1048576 is 17 179 869 184 cells (512 GB).
    let dir = book("sheet = \"S\"", |sheet| {
        sheet.write_number(1_048_575, 16_383, 1.0).unwrap();
    });
    let run = check_bounded(dir.path(), None);
    let error = refused_in_the_manifest(&run);
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("A1:XFD1048576") && message.contains("17179869184 cells"),
        "{message}"
    );
    assert_eq!(error["line"], 4, "on `sheet = \"S\"`: {error}");
    // The same range declared is refused before the sheet is read, on `range`.
    std::fs::write(
        dir.path().join("data/tables.toml"),
        "[[table]]\nid = \"T\"\nfile = \"book.xlsx\"\nrange = \"A1:XFD1048576\"\n\n\
         [[table]]\nid = \"C\"\nfile = \"C.csv\"\n",
    )
    .unwrap();
    let error = refused_in_the_manifest(&check_bounded(dir.path(), None));
    assert_eq!(error["line"], 4, "on `range`: {error}");
    assert_eq!(error["label"], "this range", "{error}");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("17179869184 cells"),
        "{error}"
    );
}

#[cfg(unix)]
#[test]
fn a_range_of_a_sheet_used_to_its_last_cell_reads_only_the_cells_present() {
    // Before: the whole sheet was made dense (512 GB) before the range was taken from it.
    let dir = book("sheet = \"S\"\nrange = \"A1:B4\"", |sheet| {
        sheet.write_number(1_048_575, 16_383, 1.0).unwrap();
    });
    let run = check_bounded(dir.path(), None);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(summary(&parse(&run.stdout)), [2, 2, 2, 2, 0, 0]);
}

#[cfg(unix)]
#[test]
fn max_table_size_bounds_a_workbook_by_its_decompressed_parts() {
    // 20 000 rows of five figures in columns D:H: about 300 KB zipped, 3 MB of sheet XML, read
    // whole before (calamine made the sheet dense and rendered it as 20 000 lines).
    let figures = |sheet: &mut rust_xlsxwriter::Worksheet| {
        for row in 10..20_010_u32 {
            for column in 3..8_u16 {
                sheet.write_number(row, column, f64::from(row)).unwrap();
            }
        }
    };
    let dir = book("range = \"A1:B4\"", figures);
    let run = check_bounded(dir.path(), Some("1M"));
    let error = refused_in_the_manifest(&run);
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("decompress") && message.contains("1048576 bytes"),
        "{message}"
    );
    assert_eq!(error["line"], 3, "on `file = \"book.xlsx\"`: {error}");
    // Under the default limit the same workbook is read, its range alone kept.
    let run = check_bounded(dir.path(), None);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(summary(&parse(&run.stdout)), [2, 2, 2, 2, 0, 0]);
}

#[cfg(unix)]
#[test]
fn max_table_size_bounds_the_used_range_of_a_sheet() {
    // Two cells 3 000 rows × 400 columns apart: 1.2 million cells as CSV, more than 1M.
    let dir = book("", |sheet| {
        sheet.write_number(2_999, 399, 1.0).unwrap();
    });
    let run = check_bounded(dir.path(), Some("1M"));
    let error = refused_in_the_manifest(&run);
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("A1:OJ3000"), "{message}");
    assert_eq!(error["line"], 3, "on `file = \"book.xlsx\"`: {error}");
}

#[cfg(unix)]
#[test]
fn a_sheet_that_decompresses_past_its_declared_size_is_an_error() {
    // The sizes the zip declares are what `--max-table-size` checks: a part that lies about its
    // size (a zip bomb in disguise) must fail when it grows past it, not be read on.
    let figures = |sheet: &mut rust_xlsxwriter::Worksheet| {
        for row in 10..20_010_u32 {
            sheet.write_number(row, 3, f64::from(row)).unwrap();
        }
    };
    let dir = book("range = \"A1:B4\"", figures);
    let path = dir.path().join("data/book.xlsx");
    let mut bytes = std::fs::read(&path).unwrap();
    let name = b"xl/worksheets/sheet1.xml";
    let mut patched = 0;
    for at in 0..bytes.len().saturating_sub(name.len()) {
        if !bytes[at..].starts_with(name) {
            continue;
        }
        // The uncompressed size: 24 bytes into a central directory header (46 bytes before the
        // name), 22 bytes into a local header (30 bytes before it).
        for (header, signature, field) in [(46, b"PK\x01\x02", 24), (30, b"PK\x03\x04", 22)] {
            if at >= header && bytes[at - header..].starts_with(signature) {
                let size = at - header + field;
                bytes[size..size + 4].copy_from_slice(&1000_u32.to_le_bytes());
                patched += 1;
            }
        }
    }
    assert_eq!(patched, 2, "the sheet's local and central headers");
    std::fs::write(&path, bytes).unwrap();
    let run = check_bounded(dir.path(), Some("1M"));
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    let json = parse(&run.stdout);
    let error = &json["input_errors"][0];
    assert_eq!(error["code"], "crossfoot::data::workbook", "{error}");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("File is larger than its declared uncompressed size"),
        "{error}"
    );
    assert_eq!(summary(&json)[3], 1, "C is checked: {}", run.stdout);
}

#[cfg(unix)]
#[test]
fn a_workbook_file_past_max_table_size_is_refused_on_its_manifest_line() {
    let dir = book("", |_| ());
    let size = std::fs::metadata(dir.path().join("data/book.xlsx"))
        .unwrap()
        .len();
    let run = check_bounded(dir.path(), Some("1K"));
    let error = refused_in_the_manifest(&run);
    assert_eq!(
        error["message"],
        format!("data/book.xlsx is too large: {size} bytes, and the limit is 1024 bytes")
    );
    assert_eq!(error["line"], 3, "on `file = \"book.xlsx\"`: {error}");
    assert_eq!(error["label"], "this workbook", "{error}");
}

/// A cell reference of more letters than any sheet has columns (`r="DDDDDDDDD11"`, past
/// `u32` in base 26) panicked in the workbook reader's arithmetic in a debug build (found
/// by fuzzing). It reads as the release build reads it: no panic (here a sheet too large to
/// read, refused on its manifest entry), and the other table checked.
#[cfg(unix)]
#[test]
fn a_cell_reference_of_too_many_letters_is_no_panic() {
    use std::io::{Read, Write};
    let dir = book("sheet = \"S\"", |sheet| {
        sheet.write_number(10, 3, 1.0).unwrap();
    });
    let path = dir.path().join("data/book.xlsx");
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    let mut patched = Vec::new();
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(&mut patched));
    let mut changed = 0;
    for index in 0..archive.len() {
        let mut part = archive.by_index(index).unwrap();
        let name = part.name().unwrap().to_string();
        let mut text = Vec::new();
        part.read_to_end(&mut text).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            let xml = String::from_utf8(text).unwrap();
            changed = xml.matches("r=\"D11\"").count();
            text = xml.replace("r=\"D11\"", "r=\"DDDDDDDDD11\"").into_bytes();
        }
        writer
            .start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        writer.write_all(&text).unwrap();
    }
    writer.finish().unwrap();
    assert_eq!(changed, 1, "the sheet holds D11");
    std::fs::write(&path, patched).unwrap();
    let run = check_bounded(dir.path(), None);
    assert!(
        matches!(run.code, Some(0..=2)),
        "exit {:?}: {}",
        run.code,
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    let json = parse(&run.stdout);
    assert!(
        json["rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|rule| rule["rule"] == "C.total" && rule["passed"] == 1),
        "C is checked: {json:#}"
    );
}
