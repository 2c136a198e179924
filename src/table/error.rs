//! What can be wrong with a data directory, each with the place it happened.

use crate::decode::DecodeError;
use crate::source::DiagnosticSource;
use miette::{Diagnostic, NamedSource, SourceSpan};
use std::path::PathBuf;

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

    /// The manifest names a CSV file that is not there.
    #[error("the table file {} does not exist", path.display())]
    #[diagnostic(
        code(crossfoot::data::missing_file),
        help("check `file` in tables.toml")
    )]
    MissingFile {
        path: PathBuf,
        #[source_code]
        source_code: NamedSource<DiagnosticSource>,
        #[label("named here")]
        span: SourceSpan,
    },

    /// A file larger than crossfoot addresses (4 GiB).
    #[error("{} is too large ({size} bytes; the limit is 4 GiB)", path.display())]
    #[diagnostic(
        code(crossfoot::data::too_large),
        help("split the table into several files")
    )]
    TooLarge { path: PathBuf, size: u64 },

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

    /// Two manifest entries (or two files) claim the same table id.
    #[error("table id `{id}` is declared twice")]
    #[diagnostic(
        code(crossfoot::data::duplicate_table),
        help("give each table its own id")
    )]
    DuplicateTable {
        #[source_code]
        source_code: NamedSource<DiagnosticSource>,
        #[label("declared again here")]
        span: SourceSpan,
        id: String,
    },

    /// The CSV reader rejected the file (an unclosed quote, say).
    #[error("malformed CSV: {message}")]
    #[diagnostic(code(crossfoot::data::csv))]
    MalformedCsv {
        #[source_code]
        source_code: NamedSource<DiagnosticSource>,
        #[label("here")]
        span: SourceSpan,
        message: String,
    },

    /// A row with more or fewer cells than the header.
    #[error("this row has {found} cells but the table has {expected} columns")]
    #[diagnostic(
        code(crossfoot::data::ragged_row),
        help("every row needs one cell per column; leave a cell empty rather than dropping it")
    )]
    RaggedRow {
        #[source_code]
        source_code: NamedSource<DiagnosticSource>,
        #[label("row with {found} cells")]
        span: SourceSpan,
        found: usize,
        expected: usize,
    },

    /// The manifest declares more header rows or label columns than the file has.
    #[error("the table has fewer rows or columns than its manifest entry declares")]
    #[diagnostic(
        code(crossfoot::data::shape),
        help("check header_rows and label_columns in tables.toml")
    )]
    Shape {
        #[source_code]
        source_code: NamedSource<DiagnosticSource>,
        #[label("table starts here")]
        span: SourceSpan,
    },

    /// A data cell holds text that is not a figure.
    #[error("{message}")]
    #[diagnostic(
        code(crossfoot::data::number),
        help("a data cell holds a number such as `22 398.4`, or `—` for not applicable")
    )]
    BadNumber {
        #[source_code]
        source_code: NamedSource<DiagnosticSource>,
        #[label("not a figure")]
        span: SourceSpan,
        message: String,
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
        help("point --data at a directory with CSV tables")
    )]
    NoTables { path: PathBuf },
}
