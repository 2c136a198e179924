//! What can be wrong with a data directory, each with the place it happened.

use crate::decode::DecodeError;
use crate::docx::DocxError;
use crate::excerpt::ExcerptedSource;
use crate::input_file::Refusal;
use crate::source::{DiagnosticSource, SharedSource, Span};
use miette::{Diagnostic, NamedSource, SourceSpan};
use std::path::{Path, PathBuf};

/// A problem with the tables or their manifest. Every variant that comes from a file's content
/// carries the file and a span, so the report can point at the cell.
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum TableError {
    /// The directory, manifest or a CSV file cannot be read (missing, no permission).
    #[error("cannot read {}: {message}", path.display())]
    #[diagnostic(
        code(crossfoot::data::unreadable),
        help("check that the path exists and is readable")
    )]
    Unreadable { path: PathBuf, message: String },

    /// A file's bytes are not text crossfoot can decode (see [`DecodeError`]).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Decode(#[from] DecodeError),

    /// The book's text is a `.docx` that cannot be read (see [`DocxError`]).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Docx(#[from] DocxError),

    /// The manifest names a CSV file that is not there.
    #[error("the file {} does not exist", path.display())]
    #[diagnostic(
        code(crossfoot::data::missing_file),
        help("check the path in tables.toml: it is relative to the data directory")
    )]
    MissingFile {
        path: PathBuf,
        #[source_code]
        source_code: NamedSource<DiagnosticSource>,
        #[label("named here")]
        span: SourceSpan,
    },

    /// A file larger than `--max-table-size` (default 1 GiB; never past 4 GiB, the most that
    /// 32-bit offsets address), refused before it is read — or, when it holds more than its
    /// metadata says, as soon as reading passes the limit.
    #[error("{} is too large: {}", path.display(), crate::input_file::too_large(*.size, *.limit))]
    #[diagnostic(
        code(crossfoot::data::too_large),
        help(
            "a table needs about 3 to 5 times its file size in memory; raise the limit with \
             `--max-table-size` (at most 4G) if the machine has the memory, or split the table \
             into several files"
        )
    )]
    TooLarge {
        path: PathBuf,
        /// `None`: the file held more than its metadata said (it grew while read).
        size: Option<u64>,
        limit: u64,
    },

    /// A path that names a FIFO, a device (a symlink to `/dev/zero`), a socket or a directory:
    /// reading it might never end (or never start), so it is refused before it is opened.
    #[error("{} is {kind}, not a regular file", path.display())]
    #[diagnostic(
        code(crossfoot::data::not_a_file),
        help(
            "crossfoot reads tables, tables.toml, the text, rules and baselines only from \
             regular files: save the data to a file and name that"
        )
    )]
    NotAFile {
        path: PathBuf,
        kind: &'static str,
        /// `tables.toml`, when the path is named there.
        #[source_code]
        source_code: Option<NamedSource<DiagnosticSource>>,
        #[label("named here")]
        span: Option<SourceSpan>,
    },

    /// A path that resolves — through `..`, an absolute path or a symlink — to a file outside
    /// the data directory: `file = "/proc/self/environ"`, `file = "../x.csv"`, a `T.csv` in the
    /// data directory that links elsewhere. Refused unless `--allow-outside-data`; the file is
    /// not opened, so nothing of it is shown.
    #[error("{message}")]
    #[diagnostic(
        code(crossfoot::data::outside),
        help(
            "keep every table, the text and tables.toml inside the data directory (a symlink \
             there may point only inside it), or pass --allow-outside-data to read files \
             elsewhere"
        )
    )]
    OutsideData {
        /// `data/../x.csv is outside the data directory data (it resolves to /tmp/x.csv)`
        /// ([`TableError::outside`]): one string keeps errors small.
        message: String,
        /// `tables.toml`, when the path is named there.
        #[source_code]
        source_code: Option<NamedSource<DiagnosticSource>>,
        #[label("outside the data directory")]
        span: Option<SourceSpan>,
    },

    /// A table file with nothing in it.
    #[error("{} is empty", path.display())]
    #[diagnostic(
        code(crossfoot::data::empty_file),
        help("a table needs its header row(s) and at least one row of figures")
    )]
    EmptyFile { path: PathBuf },

    /// A table with its header rows and nothing after them: every rule over it would check
    /// nothing and pass.
    #[error("table `{id}` has a header but no rows of figures")]
    #[diagnostic(
        code(crossfoot::data::no_rows),
        help("add the table's rows, or remove the file (and its entry in tables.toml)")
    )]
    NoRows {
        #[source_code]
        source_code: NamedSource<DiagnosticSource>,
        #[label("the header, and nothing after it")]
        span: SourceSpan,
        id: String,
    },

    /// `units = { "金额" = "万元" }` for a header `金额 / 亿元`, or `unit = "万元"` for a table
    /// whose header prints `亿元`: the manifest and the table disagree on a unit.
    #[error("{message}")]
    #[diagnostic(
        code(crossfoot::data::unit_mismatch),
        help(
            "correct whichever is wrong: the header, or `unit`/`units` in tables.toml (they are \
             meant for labels that print no unit)"
        )
    )]
    UnitMismatch {
        #[source_code]
        source_code: NamedSource<DiagnosticSource>,
        #[label("prints {printed}")]
        span: SourceSpan,
        /// "`金额 / 亿元` prints the unit 亿元, but tables.toml declares 万元 (units)".
        message: String,
        printed: &'static str,
    },

    /// More problems in one file than are worth listing.
    #[error("… and {count} more problems in {}", path.display())]
    #[diagnostic(code(crossfoot::data::more), help("fix the ones above and run again"))]
    MoreInFile { path: PathBuf, count: usize },

    /// `tables.toml` is not valid TOML or misses a field.
    #[error("the table manifest is invalid: {message}")]
    #[diagnostic(code(crossfoot::data::manifest))]
    Manifest {
        #[source_code]
        source_code: NamedSource<DiagnosticSource>,
        #[label("here")]
        span: Option<SourceSpan>,
        message: String,
    },

    /// A manifest id no rule could write: empty, with a space or a character of the language.
    #[error("table id `{id}` cannot be named by a rule")]
    #[diagnostic(
        code(crossfoot::data::bad_table_id),
        help(
            "an id is one word: letters, digits, `-`, `_` or `.`, no spaces or brackets (`A10`, `T1-1`)"
        )
    )]
    BadTableId {
        #[source_code]
        source_code: NamedSource<DiagnosticSource>,
        #[label("not a word a rule can write")]
        span: SourceSpan,
        id: String,
    },

    /// Two manifest entries (or two files) claim the same table id.
    #[error("table id `{id}` is declared twice")]
    #[diagnostic(
        code(crossfoot::data::duplicate_table),
        help("give each table its own id: rules name tables by id")
    )]
    DuplicateTable {
        #[source_code]
        source_code: NamedSource<DiagnosticSource>,
        #[label("first declared here")]
        first: SourceSpan,
        #[label("declared again here")]
        span: SourceSpan,
        id: String,
    },

    /// The CSV reader rejected the file (an unclosed quote, say).
    #[error("malformed CSV: {message}")]
    #[diagnostic(
        code(crossfoot::data::csv),
        help(
            "close the quote on the same line; a quote inside a quoted cell is written twice (`\"\"`)"
        )
    )]
    MalformedCsv {
        #[source_code]
        source_code: NamedSource<DiagnosticSource>,
        #[label("here")]
        span: SourceSpan,
        message: String,
    },

    /// A row with more or fewer cells than the header.
    #[error("this row has {found} cells but the table has {expected} columns")]
    #[diagnostic(code(crossfoot::data::ragged_row), help("{help}"))]
    RaggedRow {
        #[source_code]
        source_code: NamedSource<DiagnosticSource>,
        #[label("row with {found} cells")]
        span: SourceSpan,
        found: usize,
        expected: usize,
        help: String,
    },

    /// The manifest declares more header rows or label columns than the file has.
    #[error("the table has fewer rows or columns than its manifest entry declares")]
    #[diagnostic(code(crossfoot::data::shape), help("{help}"))]
    Shape {
        #[source_code]
        source_code: NamedSource<DiagnosticSource>,
        #[label("table starts here")]
        span: SourceSpan,
        help: String,
    },

    /// A data cell holds text that is not a figure: `12a`, `1.2.3`, `１，０００`.
    #[error("{message}")]
    #[diagnostic(code(crossfoot::data::number))]
    BadNumber {
        #[source_code]
        source_code: NamedSource<DiagnosticSource>,
        #[label("not a figure")]
        span: SourceSpan,
        message: String,
        #[help]
        help: std::borrow::Cow<'static, str>,
    },

    /// `columns = { "Employd" = { … } }` in a table's entry of `tables.toml`: a column format
    /// for a column the table does not have (a typo would leave the column read otherwise).
    #[error("{message}")]
    #[diagnostic(code(crossfoot::data::format_column))]
    UnknownFormatColumn {
        #[source_code]
        source_code: NamedSource<DiagnosticSource>,
        #[label("no such column")]
        span: SourceSpan,
        /// `table X has no column `Y` to give this format to`.
        message: String,
        /// The columns it has.
        #[help]
        help: String,
    },

    /// A workbook calamine cannot open (not a spreadsheet, damaged, encrypted).
    #[error("cannot read the workbook {}: {message}", path.display())]
    #[diagnostic(
        code(crossfoot::data::workbook),
        help(
            "check that the file is an .xlsx, .xls, .xlsb or .ods workbook that opens in a spreadsheet"
        )
    )]
    Workbook { path: PathBuf, message: String },

    /// A workbook past `--max-table-size` (default 1 GiB), refused before what is too large is
    /// read: the file; its parts once decompressed (a zip bomb: 1 MB of `<c>` elements zipped
    /// into 2 KB); or the sheet or range as the CSV text it is read as, a byte per cell at the
    /// least (a sheet with one cell at `XFD1048576` spans 17 179 869 184 cells).
    #[error("{message}")]
    #[diagnostic(
        code(crossfoot::data::too_large),
        help(
            "give the table's cells as `range` in tables.toml (only the cells present in it are \
             kept), or raise the limit with `--max-table-size` (at most 4G) if the table really \
             is that large"
        )
    )]
    WorkbookTooLarge {
        message: String,
        #[source_code]
        source_code: NamedSource<DiagnosticSource>,
        #[label("{label}")]
        span: SourceSpan,
        label: &'static str,
    },

    /// `sheet = "附表 10"` in tables.toml when the workbook has no such sheet.
    #[error("{message}")]
    #[diagnostic(code(crossfoot::data::unknown_sheet), help("its sheets are: {sheets}"))]
    UnknownSheet {
        /// `the workbook data/book.xlsx has no sheet `附表 10``: one string keeps errors small.
        message: String,
        sheets: String,
        #[source_code]
        source_code: NamedSource<DiagnosticSource>,
        #[label("no such sheet")]
        span: SourceSpan,
    },

    /// `range = "G20:A1"` or `range = "A1"` in tables.toml.
    #[error("{message}")]
    #[diagnostic(
        code(crossfoot::data::range),
        help("write a range as its top-left and bottom-right cells: range = \"A1:G20\"")
    )]
    BadRange {
        message: String,
        #[source_code]
        source_code: NamedSource<DiagnosticSource>,
        #[label("not a range")]
        span: SourceSpan,
    },

    /// `sheet` or `range` in tables.toml for a CSV file.
    #[error("`{key}` is for workbooks, but {} is not one", path.display())]
    #[diagnostic(
        code(crossfoot::data::not_a_workbook),
        help("name an .xlsx, .xls, .xlsb or .ods file, or leave out `{key}`")
    )]
    NotAWorkbook {
        key: &'static str,
        path: PathBuf,
        #[source_code]
        source_code: NamedSource<DiagnosticSource>,
        #[label("only for workbooks")]
        span: SourceSpan,
    },

    /// No table was found.
    #[error("no tables in {}", path.display())]
    #[diagnostic(
        code(crossfoot::data::empty),
        help(
            "point --data at a directory of CSV tables; with a tables.toml, list each of them \
             in it as a [[table]]"
        )
    )]
    NoTables { path: PathBuf },
}

impl TableWarning {
    /// The warning for `text` at `span` of `source`, a figure or label typed with full-width
    /// characters: drawn at it, and read as its ASCII twin ([`crate::number::in_ascii`]).
    pub fn full_width(source: &SharedSource, span: Span, text: &str) -> Self {
        let text = text.trim();
        TableWarning::FullWidth {
            source_code: crate::excerpt::named(source, &[span]),
            span: span.into(),
            text: text.to_string(),
            read_as: crate::number::in_ascii(text),
        }
    }
}

impl TableWarning {
    /// The warning for the `count` blank columns at the end of a header, drawn at `span`.
    pub fn blank_columns(source: &SharedSource, span: Span, count: usize) -> Self {
        let what = if count == 1 {
            "last column holds".to_string()
        } else {
            format!("last {count} columns hold")
        };
        TableWarning::BlankColumns {
            source_code: crate::excerpt::named(source, &[span]),
            span: span.into(),
            what,
        }
    }
}

impl TableError {
    /// [`TableError::OutsideData`] for `path`, which resolves to `resolved`, out of `folder`;
    /// `named_at` is where `tables.toml` names it.
    pub fn outside(
        path: &Path,
        folder: &Path,
        resolved: &Path,
        named_at: Option<(NamedSource<DiagnosticSource>, SourceSpan)>,
    ) -> Self {
        let (source_code, span) = named_at.unzip();
        TableError::OutsideData {
            message: format!(
                "{} is outside the data directory {} (it resolves to {})",
                path.display(),
                folder.display(),
                resolved.display()
            ),
            source_code,
            span,
        }
    }

    /// Why [`crate::input_file::read`] would not read the file at `path`, as a data error.
    pub fn refused(path: &Path, refusal: Refusal) -> Self {
        let path = path.to_path_buf();
        match refusal {
            Refusal::Io(e) => TableError::Unreadable {
                path,
                message: e.to_string(),
            },
            Refusal::NotAFile { kind } => TableError::NotAFile {
                path,
                kind,
                source_code: None,
                span: None,
            },
            Refusal::TooLarge { size, limit } => TableError::TooLarge { path, size, limit },
            Refusal::Outside { folder, resolved } => {
                TableError::outside(&path, &folder, &resolved, None)
            }
        }
    }
}

/// Something in the tables worth a look that does not stop the run: printed on stderr with its
/// span, and the exit code stays what the checks give.
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum TableWarning {
    /// `１２３.４`, `－5`: a figure typed with full-width digits, `．` or `－` (a Chinese input
    /// method), read as its ASCII twin; or a label typed so (`２０２１年`), named as its twin.
    /// A full-width `，` or `。` among a figure's digits is an error instead
    /// ([`crate::number::NumberError::AmbiguousWide`]): it may separate thousands or mark decimals.
    #[error("`{text}` is typed with full-width or typographic characters; read as `{read_as}`")]
    #[diagnostic(
        code(crossfoot::data::full_width),
        severity(Warning),
        help("retype it with ASCII digits, `.` and `-` to silence this warning")
    )]
    FullWidth {
        #[source_code]
        source_code: NamedSource<ExcerptedSource>,
        #[label("read as `{read_as}`")]
        span: SourceSpan,
        text: String,
        read_as: String,
    },

    /// Columns at a table's right end that hold nothing, no header and no figure (a
    /// spreadsheet exports the columns whose cells it only formatted): left out, where read
    /// as columns they would name the column to their left twice.
    #[error("the {what} nothing, no header and no figure: left out")]
    #[diagnostic(
        code(crossfoot::data::blank_columns),
        severity(Warning),
        help(
            "delete them from the file to silence this warning (a spreadsheet exports columns \
             whose cells it only formatted)"
        )
    )]
    BlankColumns {
        #[source_code]
        source_code: NamedSource<ExcerptedSource>,
        #[label("left out")]
        span: SourceSpan,
        /// `last column holds`, `last 2 columns hold`.
        what: String,
    },

    /// More full-width figures and labels in one file than are worth listing.
    #[error("… and {count} more figures or labels typed in full-width characters in {}", path.display())]
    #[diagnostic(code(crossfoot::data::full_width), severity(Warning))]
    MoreFullWidth { path: PathBuf, count: usize },
}
