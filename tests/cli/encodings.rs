//! Input formats: tables, text and rules in GBK, UTF-16 and UTF-8 with a byte-order mark, and
//! tables read straight from an .xlsx workbook. The bundled book's tables A2, A10 and T3-2 are
//! rewritten at test time (GBK with encoding_rs, a workbook with rust_xlsxwriter) and must
//! check exactly as the CSV originals do; a cell's location must count the stored file's bytes,
//! or name the sheet and the cell.

use super::{check, check_scratch, findings, parse, root, scratch, snapshot, summary};
use encoding_rs::GBK;
use rust_xlsxwriter::{Format, Workbook};
use serde_json::Value;
use std::path::Path;

/// The tables rewritten: id, CSV file, and the sheet the workbook version puts them on.
const REWRITTEN: [(&str, &str, &str); 3] = [
    ("A2", "A2.csv", "附表2"),
    ("A10", "A10.csv", "附表10"),
    ("T3-2", "T3-2.csv", "表3-2"),
];

/// A copy of the bundled book's data directory, to rewrite files in.
fn book_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(root().join("data/2022")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    dir
}

/// `check --format FORMAT` on a data directory with the bundled rules.
fn check_data(data: &Path, format: &str, extra: &[&str]) -> super::Run {
    let mut args = vec!["--data", data.to_str().unwrap(), "--format", format];
    args.extend_from_slice(extra);
    check(&args)
}

/// What must not change when a table's file does: each finding's rule, published figure, gap
/// and cells by their labels.
fn comparable(json: &Value) -> Vec<String> {
    findings(json)
        .iter()
        .map(|f| {
            let cells: Vec<String> = f["cells"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| format!("{}[{}, {}]", c["table"], c["row"], c["column"]))
                .collect();
            format!(
                "{} {} {} {}",
                f["rule"],
                f["published"],
                f["gap"],
                cells.join(" ")
            )
        })
        .collect()
}

/// The bundled book's JSON report.
fn original() -> Value {
    let run = check(&["--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    parse(&run.stdout)
}

/// Every cell of the findings that sits in a rewritten file.
fn cells_in<'a>(json: &'a Value, tables: &[&str]) -> Vec<&'a Value> {
    findings(json)
        .iter()
        .flat_map(|f| f["cells"].as_array().unwrap())
        .filter(|c| tables.contains(&c["table"].as_str().unwrap()))
        .collect()
}

#[test]
fn gbk_tables_and_text_check_as_the_utf8_originals() {
    let dir = book_copy();
    let files = ["A2.csv", "A10.csv", "T3-2.csv", "source.txt"];
    for file in files {
        let path = dir.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let (bytes, _, unmappable) = GBK.encode(&text);
        assert!(!unmappable, "{file} encodes in GBK");
        std::fs::write(&path, bytes).unwrap();
    }
    let run = check_data(dir.path(), "json", &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    for file in files {
        assert!(
            run.stderr.contains(&format!(
                "{file}: read as GBK (detected; name another with --encoding)"
            )),
            "a warning names {file}:\n{}",
            run.stderr
        );
    }
    let json = parse(&run.stdout);
    let before = original();
    assert_eq!(summary(&json), summary(&before));
    assert_eq!(comparable(&json), comparable(&before));

    // Line and column are the same; the span counts the GBK bytes and slices out the figure.
    let tables = ["A2", "A10", "T3-2", "TEXT"];
    let gbk = cells_in(&json, &tables);
    let utf8 = cells_in(&before, &tables);
    assert!(gbk.len() > 10, "findings involve the rewritten files");
    for (cell, original) in gbk.iter().zip(&utf8) {
        assert_eq!(cell["line"], original["line"], "{cell}");
        assert_eq!(cell["column_number"], original["column_number"], "{cell}");
        let bytes = std::fs::read(cell["file"].as_str().unwrap()).unwrap();
        let offset = cell["span"]["offset"].as_u64().unwrap() as usize;
        let length = cell["span"]["length"].as_u64().unwrap() as usize;
        let value = cell["value"].as_str().unwrap();
        assert_eq!(
            &bytes[offset..offset + length],
            &GBK.encode(value).0[..],
            "{cell}"
        );
    }
}

/// Write one CSV table onto a sheet, its top-left cell at (`row`, `column`): figures as
/// numbers with a number format showing their printed decimals (integers in the General
/// format), or, with `as_text`, every cell as text formatted as text.
fn write_sheet(
    workbook: &mut Workbook,
    name: &str,
    csv: &str,
    (row, column): (u32, u16),
    as_text: bool,
) {
    let sheet = workbook.add_worksheet();
    sheet.set_name(name).unwrap();
    let text = Format::new().set_num_format("@");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv.as_bytes());
    for (r, record) in reader.records().enumerate() {
        for (c, field) in record.unwrap().iter().enumerate() {
            let (r, c) = (row + r as u32, column + c as u16);
            let plain = field.replace(' ', "");
            let number = plain.parse::<f64>().ok().filter(|_| {
                !plain.is_empty()
                    && plain
                        .chars()
                        .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
            });
            match number {
                Some(value) if !as_text => {
                    let decimals = plain.split_once('.').map_or(0, |(_, d)| d.len());
                    if decimals == 0 {
                        sheet.write_number(r, c, value).unwrap();
                    } else {
                        let format =
                            Format::new().set_num_format(format!("0.{}", "0".repeat(decimals)));
                        sheet
                            .write_number_with_format(r, c, value, &format)
                            .unwrap();
                    }
                }
                _ if as_text => {
                    sheet.write_string_with_format(r, c, field, &text).unwrap();
                }
                _ => {
                    sheet.write_string(r, c, field).unwrap();
                }
            }
        }
    }
}

/// The bundled book with A2, A10 and T3-2 read from `book.xlsx`: A2 as text cells, A10 as
/// formatted numbers, T3-2 as numbers under a caption, at B3, read through a declared range.
fn book_with_workbook() -> tempfile::TempDir {
    let dir = book_copy();
    let mut workbook = Workbook::new();
    let mut manifest = std::fs::read_to_string(dir.path().join("tables.toml")).unwrap();
    for (index, (_, file, sheet)) in REWRITTEN.iter().enumerate() {
        let csv = std::fs::read_to_string(dir.path().join(file)).unwrap();
        let (at, declared) = if *file == "T3-2.csv" {
            let rows = csv.lines().count() as u32;
            let width = csv.lines().next().unwrap().split(',').count() as u32;
            // The table starts at B3: its last column is one to the right of its width.
            let end = format!("{}{}", letters(width + 1), rows + 2);
            (
                (2, 1),
                format!("\nsheet = \"{sheet}\"\nrange = \"B3:{end}\""),
            )
        } else {
            ((0, 0), format!("\nsheet = \"{sheet}\""))
        };
        write_sheet(&mut workbook, sheet, &csv, at, index == 0);
        if *file == "T3-2.csv" {
            let caption = workbook.worksheet_from_name(sheet).unwrap();
            caption
                .write_string(0, 0, "表 3-2 2021 年各地区技术交易流向情况")
                .unwrap();
        }
        std::fs::remove_file(dir.path().join(file)).unwrap();
        manifest = manifest.replace(
            &format!("file = \"{file}\""),
            &format!("file = \"book.xlsx\"{declared}"),
        );
    }
    workbook.save(dir.path().join("book.xlsx")).unwrap();
    std::fs::write(dir.path().join("tables.toml"), manifest).unwrap();
    dir
}

/// A column's letters, 1-based: 1 → A, 27 → AA.
fn letters(mut column: u32) -> String {
    let mut out = Vec::new();
    while column > 0 {
        out.push(char::from(b'A' + ((column - 1) % 26) as u8));
        column = (column - 1) / 26;
    }
    out.iter().rev().collect()
}

/// Where a cell of the original CSV lands on its sheet: its field index and line, moved by
/// the sheet's offset.
fn address(original: &Value, table: &str) -> String {
    let file = root().join(original["file"].as_str().unwrap());
    let text = std::fs::read_to_string(file).unwrap();
    let line = original["line"].as_u64().unwrap() as usize;
    let column = original["column_number"].as_u64().unwrap() as usize;
    let prefix: String = text
        .lines()
        .nth(line - 1)
        .unwrap()
        .chars()
        .take(column - 1)
        .collect();
    let field = prefix.matches(',').count() as u32;
    let (rows, columns) = if table == "T3-2" { (2, 1) } else { (0, 0) };
    format!("{}{}", letters(field + 1 + columns), line + rows)
}

#[test]
fn xlsx_tables_check_as_the_csv_originals_and_name_sheet_and_cell() {
    let dir = book_with_workbook();
    let run = check_data(dir.path(), "json", &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json = parse(&run.stdout);
    let before = original();
    assert_eq!(summary(&json), summary(&before));
    assert_eq!(comparable(&json), comparable(&before));

    let tables = ["A2", "A10", "T3-2"];
    let sheet_cells = cells_in(&json, &tables);
    let csv_cells = cells_in(&before, &tables);
    assert!(
        !sheet_cells.is_empty(),
        "findings involve the workbook's tables"
    );
    let mut addresses = Vec::new();
    for (cell, original) in sheet_cells.iter().zip(&csv_cells) {
        let table = cell["table"].as_str().unwrap();
        let (_, _, sheet) = REWRITTEN.iter().find(|(id, _, _)| *id == table).unwrap();
        assert!(
            cell["file"].as_str().unwrap().ends_with("book.xlsx"),
            "{cell}"
        );
        assert_eq!(cell["sheet"], *sheet, "{cell}");
        let expected = address(original, table);
        assert_eq!(cell["cell"], expected.as_str(), "{cell} against {original}");
        assert!(
            cell.get("span").is_none(),
            "a sheet's cell has no byte span: {cell}"
        );
        assert_eq!(
            cell["value"].as_str().unwrap().replace(' ', ""),
            original["value"].as_str().unwrap().replace(' ', ""),
            "{cell}"
        );
        addresses.push(format!("{sheet}!{expected}"));
    }

    // Every other format names the workbook and the cell (JUnit names a check's first cell
    // only, and no finding of the book starts in these three tables).
    let first = &addresses[0];
    for format in ["human", "sarif", "github", "markdown", "html"] {
        let run = check_data(dir.path(), format, &[]);
        assert_eq!(run.code, 1, "{format}: {}", run.stderr);
        assert!(
            run.stdout.contains(first.as_str()),
            "{format} names {first}"
        );
        assert!(
            run.stdout.contains("book.xlsx"),
            "{format} names the workbook"
        );
    }
}

#[test]
fn an_unknown_sheet_or_a_bad_range_is_an_error_in_the_manifest() {
    let dir = book_with_workbook();
    let manifest = std::fs::read_to_string(dir.path().join("tables.toml")).unwrap();
    std::fs::write(
        dir.path().join("tables.toml"),
        manifest
            .replace("sheet = \"附表10\"", "sheet = \"附表 10\"")
            .replace("range = \"B3:", "range = \"3B:"),
    )
    .unwrap();
    let run = check_data(dir.path(), "json", &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("crossfoot::data::range"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("is not a range of cells such as A1:G20"),
        "{}",
        run.stderr
    );
    std::fs::write(
        dir.path().join("tables.toml"),
        manifest.replace("sheet = \"附表10\"", "sheet = \"附表 11\""),
    )
    .unwrap();
    let run = check_data(dir.path(), "json", &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("has no sheet `附表 11`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("its sheets are: 附表2, 附表10, 表3-2"),
        "{}",
        run.stderr
    );
}

/// A small table and a rule that fails on it, to read in several encodings.
const TABLE: &str = "项目,金额\n技术开发,1.0\n技术服务,1.0\n合计,2.3\n";
const RULE: &str = "sum T.total \"合计\" T[合计, 金额] = T[技术开发, 金额] + T[技术服务, 金额]\n";

/// The one finding's published cell.
fn published(run: &super::Run) -> Value {
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json = parse(&run.stdout);
    findings(&json)[0]["cells"][0].clone()
}

#[test]
fn utf8_with_a_byte_order_mark_reads_without_a_warning() {
    let bytes = [b"\xEF\xBB\xBF".as_slice(), TABLE.as_bytes()].concat();
    let run = check_scratch(&scratch(&bytes, RULE));
    let cell = published(&run);
    assert_eq!(run.stderr, "", "UTF-8 is not worth a warning");
    assert_eq!(cell["value"], "2.3");
    // The mark's three bytes come before the figure.
    assert_eq!(cell["span"]["offset"], TABLE.find("2.3").unwrap() + 3);
}

#[test]
fn utf16_with_a_byte_order_mark_is_read_and_spans_count_its_bytes() {
    for (name, bom, unit) in [
        (
            "UTF-16LE",
            [0xFF, 0xFE],
            u16::to_le_bytes as fn(u16) -> [u8; 2],
        ),
        ("UTF-16BE", [0xFE, 0xFF], u16::to_be_bytes),
    ] {
        let mut bytes = bom.to_vec();
        bytes.extend(TABLE.encode_utf16().flat_map(unit));
        let run = check_scratch(&scratch(&bytes, RULE));
        let cell = published(&run);
        assert!(
            run.stderr
                .contains(&format!("T.csv: read as {name} (byte-order mark)")),
            "{}",
            run.stderr
        );
        let units_before = TABLE[..TABLE.find("2.3").unwrap()].encode_utf16().count();
        assert_eq!(cell["span"]["offset"], 2 + 2 * units_before, "{name}");
        assert_eq!(cell["span"]["length"], 6, "{name}");
        assert_eq!(
            (cell["line"].clone(), cell["column_number"].clone()),
            (4.into(), 4.into())
        );
    }
}

#[test]
fn a_gbk_table_is_detected_and_said_so() {
    let (bytes, _, _) = GBK.encode(TABLE);
    let run = check_scratch(&scratch(&bytes, RULE));
    let cell = published(&run);
    assert_eq!(cell["row"], "合计");
    assert_eq!(cell["column_number"], 4);
    // 合计 is four bytes in GBK, six in UTF-8.
    let offset = GBK.encode(&TABLE[..TABLE.find("2.3").unwrap()]).0.len();
    assert_eq!(cell["span"]["offset"], offset);
    assert!(
        run.stderr.contains("read as GBK (detected"),
        "{}",
        run.stderr
    );
}

#[test]
fn encoding_names_the_encoding_of_files_that_are_not_utf8() {
    let (bytes, _, _) = GBK.encode(TABLE);
    let dir = scratch(&bytes, RULE);
    let data = dir.path().join("data");
    let rules = dir.path().join("t.rules");
    let run_with = |encoding: &str| {
        check(&[
            "--data",
            data.to_str().unwrap(),
            "--rules",
            rules.to_str().unwrap(),
            "--format",
            "json",
            "--encoding",
            encoding,
        ])
    };
    let run = run_with("gb18030");
    published(&run);
    assert!(
        run.stderr.contains("T.csv: read as gb18030 (--encoding)"),
        "{}",
        run.stderr
    );
    // Named wrongly: the same bytes read as Big5 are other characters; the rule's labels miss.
    let run = run_with("big5");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("T.csv: read as Big5 (--encoding)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("crossfoot::rules::unknown_label"),
        "{}",
        run.stderr
    );
    // Named as UTF-8, it is not: an error at the first byte that is not.
    let run = run_with("utf-8");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("is not UTF-8 text"), "{}", run.stderr);
    assert!(run.stderr.contains("byte 0 is not UTF-8"), "{}", run.stderr);
    let run = run_with("klingon");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("unknown encoding `klingon`"),
        "{}",
        run.stderr
    );
}

/// A rules file in GBK is read like a table; one in an encoding crossfoot cannot recognise, or
/// that does not decode as named, is an input error that says which file and why.
#[test]
fn rules_files_are_decoded_too() {
    let (rule, _, _) = GBK.encode(RULE);
    let (table, _, _) = GBK.encode(TABLE);
    let dir = scratch(&table, "");
    std::fs::write(dir.path().join("t.rules"), &rule).unwrap();
    let run = check_scratch(&dir);
    published(&run);
    assert!(
        run.stderr.contains("t.rules: read as GBK (detected"),
        "{}",
        run.stderr
    );
}

/// A rules file saved with a byte-order mark (Notepad's UTF-8, or UTF-16) is read as the
/// README says, by `check` and by `lint`: the mark is no token.
#[test]
fn rules_files_with_a_byte_order_mark_are_read() {
    let utf16 = |big_endian: bool| {
        let mut bytes = Vec::new();
        for unit in format!("\u{feff}{RULE}").encode_utf16() {
            bytes.extend(if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            });
        }
        bytes
    };
    for (name, bytes) in [
        (
            "UTF-8",
            [b"\xEF\xBB\xBF".as_slice(), RULE.as_bytes()].concat(),
        ),
        ("UTF-16LE", utf16(false)),
        ("UTF-16BE", utf16(true)),
    ] {
        let dir = scratch(TABLE.as_bytes(), "");
        std::fs::write(dir.path().join("t.rules"), &bytes).unwrap();
        let run = check_scratch(&dir);
        assert_eq!(run.code, 1, "{name}: {}", run.stderr);
        assert_eq!(
            findings(&parse(&run.stdout))[0]["rule"],
            "T.total",
            "{name}"
        );
        let (data, rules) = (dir.path().join("data"), dir.path().join("t.rules"));
        let lint = super::crossfoot(&[
            "lint",
            "--data",
            data.to_str().unwrap(),
            "--rules",
            rules.to_str().unwrap(),
        ]);
        assert_eq!(lint.code, 0, "{name}: {}{}", lint.stdout, lint.stderr);
    }
}

#[test]
fn error_undecodable_rules() {
    super::check_error(
        "undecodable_rules",
        &[
            "crossfoot::data::encoding",
            "b1.rules is not text in an encoding crossfoot",
            "(it might be windows-1252)",
            "--encoding windows-1252",
        ],
    );
}

#[test]
fn error_rules_not_in_the_named_encoding() {
    let data = "tests/fixtures/errors/undecodable_rules/data";
    let rules = "tests/fixtures/errors/gbk_rules/b1.rules";
    let run = check(&["--data", data, "--rules", rules, "--encoding", "utf-8"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("b1.rules is not UTF-8 text"),
        "{}",
        run.stderr
    );
    snapshot(
        "errors__rules_not_in_the_named_encoding",
        &format!("crossfoot check --data {data} --rules {rules} --encoding utf-8 (stderr)"),
        &run.stderr,
    );
}

/// Run `crossfoot check ARGS` in `dir`, so that the paths it prints are relative to it.
fn check_in(dir: &Path, args: &[&str]) -> super::Run {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_crossfoot"))
        .arg("check")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR")
        .output()
        .unwrap();
    super::Run {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// A workbook of one table, 附表B1, at B2 under a caption in A1: its 合计 is 1.0 off.
fn small_workbook(manifest_extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    let mut workbook = Workbook::new();
    write_sheet(
        &mut workbook,
        "附表B1",
        "合同类别,合同数 / 项,金额 / 亿元\n技术开发,1 000,100.0\n技术服务,2 000,200.0\n合计,3 000,301.0\n",
        (1, 1),
        false,
    );
    let sheet = workbook.worksheet_from_name("附表B1").unwrap();
    sheet
        .write_string(0, 0, "附表 B1 2021年技术合同类型")
        .unwrap();
    workbook.add_worksheet().set_name("说明").unwrap();
    workbook.save(dir.path().join("data/book.xlsx")).unwrap();
    let manifest = format!(
        "year = 2021\n\n[[table]]\nid = \"B1\"\nprinted = \"附表 B1\"\nfile = \"book.xlsx\"\n{manifest_extra}\n"
    );
    std::fs::write(dir.path().join("data/tables.toml"), manifest).unwrap();
    std::fs::write(
        dir.path().join("b1.rules"),
        "sum B1.total \"合计 is the sum of the types\"\n  for c in [合同数, 金额]\n  B1[合计, c] = B1[技术开发, c] + B1[技术服务, c]\n",
    )
    .unwrap();
    dir
}

#[test]
fn a_workbook_finding_names_sheet_and_cell_in_every_format() {
    let dir = small_workbook("sheet = \"附表B1\"\nrange = \"B2:D5\"");
    let args = |format: &'static str| ["--data", "data", "--rules", "b1.rules", "--format", format];
    let human = check_in(dir.path(), &args("human"));
    assert_eq!(human.code, 1, "{}", human.stderr);
    assert!(
        human
            .stdout
            .contains("published 301.0 · B1 [合计, 金额 / 亿元] · 附表B1!D5")
    );
    snapshot(
        "sheets__human",
        "crossfoot check --data data --rules b1.rules (a workbook: 附表B1 at B2, 合计 1.0 off)",
        &human.stdout,
    );
    let json = parse(&check_in(dir.path(), &args("json")).stdout);
    let cell = &findings(&json)[0]["cells"][0];
    assert_eq!(
        (
            &cell["file"],
            &cell["sheet"],
            &cell["cell"],
            &cell["line"],
            &cell["column_number"]
        ),
        (
            &"data/book.xlsx".into(),
            &"附表B1".into(),
            &"D5".into(),
            &5.into(),
            &4.into()
        )
    );
    let sarif = parse(&check_in(dir.path(), &args("sarif")).stdout);
    let location = &sarif["runs"][0]["results"][0]["locations"][0];
    assert_eq!(
        location["logicalLocations"][0]["fullyQualifiedName"],
        "附表B1!D5"
    );
    assert_eq!(location["physicalLocation"]["region"]["startLine"], 5);
    assert!(
        location["physicalLocation"]["region"]
            .get("byteOffset")
            .is_none()
    );
    let github = check_in(dir.path(), &args("github")).stdout;
    assert!(
        github.starts_with("::error file=data/book.xlsx,line=5,col=4,title=B1.total::published 301.0 · B1 [合计, 金额 / 亿元] at 附表B1!D5"),
        "{github}"
    );
}

#[test]
fn error_unknown_sheet() {
    let dir = small_workbook("sheet = \"附表 B1\"");
    let run = check_in(dir.path(), &["--data", "data", "--rules", "b1.rules"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("crossfoot::data::unknown_sheet"),
        "{}",
        run.stderr
    );
    snapshot(
        "errors__unknown_sheet",
        "crossfoot check --data data --rules b1.rules (tables.toml names sheet 附表 B1; the workbook has 附表B1) (stderr)",
        &run.stderr,
    );
}

#[test]
fn error_bad_range() {
    let dir = small_workbook("sheet = \"附表B1\"\nrange = \"D5:B2\"");
    let run = check_in(dir.path(), &["--data", "data", "--rules", "b1.rules"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("crossfoot::data::range"),
        "{}",
        run.stderr
    );
    snapshot(
        "errors__bad_range",
        "crossfoot check --data data --rules b1.rules (tables.toml: range = \"D5:B2\") (stderr)",
        &run.stderr,
    );
}

#[test]
fn error_not_a_workbook() {
    super::check_error(
        "not_a_workbook",
        &[
            "crossfoot::data::not_a_workbook",
            "`sheet` is for workbooks",
        ],
    );
}

#[test]
fn error_bad_workbook() {
    super::check_error(
        "bad_workbook",
        &["crossfoot::data::workbook", "cannot read the workbook"],
    );
}

/// The book with the first `from` of `file` retyped as `to`, checked (`--format json`).
fn check_retyped(file: &str, from: &str, to: &str) -> super::Run {
    let dir = book_copy();
    let path = dir.path().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let typed = text.replacen(from, to, 1);
    assert_ne!(typed, text, "no `{from}` in {file}");
    std::fs::write(&path, typed).unwrap();
    check_data(dir.path(), "json", &[])
}

/// That `run` has the printed book's summary and findings (rule and message), and exactly one
/// `data::full_width` warning, which reads as `warned`.
fn assert_checked_as_the_book_with_one_warning(run: &super::Run, warned: &str) {
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("crossfoot::data::full_width").count(),
        1,
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(warned), "{}", run.stderr);
    let json = parse(&run.stdout);
    let book = parse(&check_data(&root().join("data/2022"), "json", &[]).stdout);
    assert_eq!(json["summary"], book["summary"]);
    let said = |json: &Value| -> Vec<String> {
        findings(json)
            .iter()
            .map(|f| format!("{} {}", f["rule"], f["message"]))
            .collect()
    };
    assert_eq!(said(&json), said(&book));
}

/// A figure of the text typed with full-width digits (`３１．５%`, as a Chinese input method
/// types it) is read as its ASCII twin and checked, with a warning, as a table's figure is.
/// Before, the text held no figure there: its claim lost its anchor, an input error.
#[test]
fn a_text_figure_typed_in_full_width_is_read_and_checked_with_a_warning() {
    let run = check_retyped(
        "source.txt",
        "11 673.9亿元，同比增长31.5%",
        "11 673.9亿元，同比增长３１．５%",
    );
    assert_checked_as_the_book_with_one_warning(&run, "read as `31.5%`");
    // Drawn as the columns around the figure, not its whole paragraph.
    assert!(
        run.stderr
            .contains(" 154 │ …金额比上年增长，成交额为11 673.9亿元，同比增长３１．５%；"),
        "{}",
        run.stderr
    );
    let json = parse(&run.stdout);
    let growth = findings(&json)
        .iter()
        .find(|f| f["rule"] == "P1.development_growth")
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(
        growth["message"]
            .as_str()
            .unwrap()
            .starts_with("printed 31.5, but the other printing is 31.6"),
        "{growth}"
    );
    // Blame proposes the figure as the warning asks it retyped: in ASCII, with its `%`.
    assert_eq!(
        growth["blame"]["suspects"][0]["proposed_text"], "31.6%",
        "{growth}"
    );
}

/// A figure retyped in full width inside another claim's anchor words (`成交额为１１　６７３．９亿元，
/// 同比增长`) leaves that anchor matching: the words match however their digits are typed, and
/// the ideographic space between the digit groups is a thousands space. Before, the next claim
/// lost its anchor (exit 2), and the figure was read as two, `１１` and `６７３．９`.
#[test]
fn a_figure_typed_in_full_width_inside_an_anchor_keeps_the_anchor() {
    let run = check_retyped(
        "source.txt",
        "成交额为11 673.9亿元，同比增长31.5%",
        "成交额为１１\u{3000}６７３．９亿元，同比增长31.5%",
    );
    assert!(!run.stderr.contains("lost_anchor"), "{}", run.stderr);
    assert_checked_as_the_book_with_one_warning(&run, "read as `11 673.9亿元`");
}

/// A header typed with full-width digits (`２０２１年`, as a Chinese input method types it) is
/// named by the rules as its ASCII twin, with a `data::full_width` warning drawn at it; the
/// book checks as printed. Before, the 45 rules naming the year's columns of 附表 2 were input
/// errors (`table A2 has no column 2021年/金额`), exit 2. An ideographic space lining up a name
/// (`技术　转让`) is typed as it should be: no warning.
#[test]
fn a_header_typed_in_full_width_is_named_as_its_ascii_twin_with_a_warning() {
    let dir = book_copy();
    let path = dir.path().join("A2.csv");
    let table = std::fs::read_to_string(&path).unwrap();
    let typed = table.replacen(",2021年,", ",２０２１年,", 1).replacen(
        "\n技术转让,",
        "\n技术\u{3000}转让,",
        1,
    );
    assert_eq!(typed.matches('\u{3000}').count(), 1);
    std::fs::write(&path, typed).unwrap();
    let run = check_data(dir.path(), "json", &[]);
    assert!(!run.stderr.contains("unknown_label"), "{}", run.stderr);
    assert_checked_as_the_book_with_one_warning(
        &run,
        "`２０２１年` is typed with full-width or typographic characters; read as `2021年`",
    );
    assert!(run.stderr.contains("A2.csv:1:25"), "{}", run.stderr);
}

/// A row label typed with full-width digits (表 1-2's year `２０２０`) is the year `2020` to the
/// rules, `prior(y)` and `current` included, with one warning drawn at it. Before, three rules
/// said `table T1-2 has no row 2020`, exit 2.
#[test]
fn a_row_label_typed_in_full_width_is_named_as_its_ascii_twin_with_a_warning() {
    let run = check_retyped("T1-2.csv", "\n2020,", "\n２０２０,");
    assert_checked_as_the_book_with_one_warning(
        &run,
        "`２０２０` is typed with full-width or typographic characters; read as `2020`",
    );
}
