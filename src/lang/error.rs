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

    /// `A2[合计, 金额] = A2[a, 金额] | A2[b, 金额]`: a symbol other languages use as an
    /// operator (`|`, `||`), which the rules language does not have.
    #[error("syntax error: `{symbol}` is not an operator of the rules language")]
    #[diagnostic(code(crossfoot::rules::syntax))]
    NotAnOperator {
        #[source_code]
        source_code: NamedSource<DiagnosticSource>,
        #[label("not an operator")]
        span: SourceSpan,
        symbol: String,
        #[help]
        help: String,
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
        /// The label of the path that no row (or column) of the table has, where one is a
        /// label (not a year): what a draft may have renamed or removed.
        missing: Option<String>,
        #[help]
        help: Option<String>,
        /// Where the table prints what the label may have become.
        #[related]
        printed: Vec<PrintedAt>,
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
        /// Where the table prints the rows or columns it names.
        #[related]
        printed: Vec<PrintedAt>,
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
    #[diagnostic(code(crossfoot::rules::lost_anchor), help("{help}"))]
    LostAnchor {
        #[source_code]
        source_code: NamedSource<DiagnosticSource>,
        #[label("this anchor")]
        span: SourceSpan,
        anchor: String,
        /// The rule whose claim it is.
        rule: String,
        /// What to write: the words before the figure, and where the text may print it now.
        help: String,
    },

    /// `A2[合计, 金额] = A2[合计, 金额]`, or a sum whose parts include its own total
    /// (`sum(A2[[合计, 技术开发], 金额])` for `A2[合计, 金额]`): the check compares a figure with
    /// itself, so it proves nothing, or fails for a reason that is not in the book.
    #[error("rule `{rule}` compares {cell} with itself")]
    #[diagnostic(
        code(crossfoot::rules::self_reference),
        help(
            "a check compares a published figure with other figures: name a different cell \
             on the right, or leave the total out of its parts"
        )
    )]
    SelfReference {
        #[source_code]
        source_code: NamedSource<DiagnosticSource>,
        #[label("the published figure")]
        published: Option<SourceSpan>,
        #[label("{again}")]
        span: SourceSpan,
        again: &'static str,
        rule: String,
        cell: String,
    },

    /// `((((… A[a, b] …))))` 300 levels deep, or a product of 300 factors: an expression (or
    /// list) nested past [`MAX_NESTING`](super::parser::MAX_NESTING) levels, refused before it
    /// could exhaust the stack.
    #[error("{what} nested more than {limit} levels deep")]
    #[diagnostic(
        code(crossfoot::rules::too_deep),
        help(
            "split the rule, or name the parts with a group; a chain of + and - may be any length"
        )
    )]
    TooDeep {
        #[source_code]
        source_code: NamedSource<DiagnosticSource>,
        #[label("level {} starts here", limit + 1)]
        span: SourceSpan,
        what: &'static str,
        limit: usize,
    },

    /// `group g = [h]` and `group h = [g]`: a group defined in terms of itself, which names no
    /// labels at all (one error per group of the cycle, on its reference to the next).
    #[error("group `{group}` is defined in terms of itself: {chain}")]
    #[diagnostic(
        code(crossfoot::rules::group_cycle),
        help("a group lists labels, or other groups that do not lead back to it")
    )]
    GroupCycle {
        #[source_code]
        source_code: NamedSource<DiagnosticSource>,
        #[label("leads back to `{group}`")]
        span: SourceSpan,
        group: String,
        chain: String,
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

/// Where a table prints the rows or columns an ambiguous label names: shown beneath the error
/// on the rule, so a duplicate label is seen in the table itself.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{what}")]
#[diagnostic(severity(Advice))]
pub struct PrintedAt {
    #[source_code]
    pub source_code: NamedSource<DiagnosticSource>,
    #[label(collection)]
    pub labels: Vec<miette::LabeledSpan>,
    /// What is shown: `where A5 prints them`.
    pub what: String,
}
