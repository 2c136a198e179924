//! What can be wrong with a rules file, each pointing at the token that failed.

use crate::source::DiagnosticSource;
use miette::{Diagnostic, NamedSource, SourceSpan};
use std::path::PathBuf;

#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum RuleError {
    /// The rules directory or a rules file cannot be read, or is not UTF-8.
    #[error("cannot read rules {}: {message}", path.display())]
    #[diagnostic(code(crossfoot::rules::unreadable))]
    Unreadable { path: PathBuf, message: String },

    /// A rules file whose bytes are not text in an encoding crossfoot can read.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Decode(crate::decode::DecodeError),

    /// `sum A1.x "..." A1[合计, 2021年] = = 3`: a token where the grammar wants another.
    #[error("syntax error: expected {expected}, found {found}")]
    #[diagnostic(code(crossfoot::rules::syntax))]
    Syntax {
        #[source_code]
        source_code: NamedSource<DiagnosticSource>,
        #[label("expected {expected}")]
        span: SourceSpan,
        expected: String,
        found: String,
        #[help]
        help: Option<String>,
    },

    /// `A99[合计, x]` when no table A99 was loaded.
    #[error("unknown table `{name}`")]
    #[diagnostic(code(crossfoot::rules::unknown_table))]
    UnknownTable {
        #[source_code]
        source_code: NamedSource<DiagnosticSource>,
        #[label("no such table")]
        span: SourceSpan,
        name: String,
        #[help]
        help: Option<String>,
    },

    /// `A2[合记, x]`: a label that names no row (or column) of the table.
    #[error("table {table} has no {axis} `{label}`")]
    #[diagnostic(code(crossfoot::rules::unknown_label))]
    UnknownLabel {
        #[source_code]
        source_code: NamedSource<DiagnosticSource>,
        #[label("not a {axis} of {table}")]
        span: SourceSpan,
        table: String,
        axis: &'static str,
        label: String,
        #[help]
        help: Option<String>,
    },

    /// `A4[合计, x]` when 合计 appears in several groups.
    #[error("`{label}` names several {axis}s of {table}: {candidates}")]
    #[diagnostic(code(crossfoot::rules::ambiguous_label))]
    AmbiguousLabel {
        #[source_code]
        source_code: NamedSource<DiagnosticSource>,
        #[label("ambiguous")]
        span: SourceSpan,
        table: String,
        axis: &'static str,
        label: String,
        candidates: String,
        #[help]
        help: String,
    },

    /// A loop list or group used where one label is needed, or other misuse of a name.
    #[error("{message}")]
    #[diagnostic(code(crossfoot::rules::invalid))]
    Invalid {
        #[source_code]
        source_code: NamedSource<DiagnosticSource>,
        #[label("here")]
        span: SourceSpan,
        message: String,
        #[help]
        help: Option<String>,
    },

    /// `TEXT["技术转让合同成交额为", figure]` when no figure of the text follows those words
    /// (the sentence was reworded or removed).
    #[error("claim `{rule}` lost its anchor: no figure of the text follows `{anchor}`")]
    #[diagnostic(
        code(crossfoot::rules::lost_anchor),
        help("find the sentence in the text and write the words just before its figure")
    )]
    LostAnchor {
        #[source_code]
        source_code: NamedSource<DiagnosticSource>,
        #[label("this anchor")]
        span: SourceSpan,
        anchor: String,
        /// The rule whose claim it is.
        rule: String,
    },

    /// Two rules with one id.
    #[error("rule id `{id}` is used twice")]
    #[diagnostic(code(crossfoot::rules::duplicate_id))]
    DuplicateId {
        #[source_code]
        source_code: NamedSource<DiagnosticSource>,
        #[label("used again here")]
        span: SourceSpan,
        id: String,
        /// Where the id was first used: `file:line`.
        #[help]
        first: Option<String>,
    },
}
