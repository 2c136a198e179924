//! A label the rules name that a draft's table no longer prints as they name it: one error
//! per label, however many rules name it, saying what the edit may have been.
//!
//! An editor who renames `天津` to `天津市`, deletes the row `河北` or pastes a row twice
//! stops every rule that names that row: ten rules, ten errors of one cause. Here they become
//! one error on the first rule that names the label, listing the other places. Where other
//! tables print the missing label, the table lost it in the draft rather than the rules
//! misspelling it: the help names the table's label that none of those tables prints (what it
//! was likely renamed to), or says it was likely removed, instead of suggesting the nearest
//! label, which there is another row (`河南` for a deleted `河北`).

use super::resolve::{Axis, Key, nearest_label};
use crate::lang::RuleError;
use crate::lang::error::PrintedAt;
use crate::source::named;
use crate::table::Table;
use crate::table::label::LabelPath;
use crate::table::manifest::Dataset;
use miette::{Diagnostic, SourceSpan};
use std::collections::HashMap;
use std::fmt;

/// Lines listed at most per rules file; the rest are counted.
const MOST_LINES: usize = 6;
/// How alike (normalized Levenshtein) a label must be to the missing one to be named what it
/// became: `天津市` for `天津` is 0.67, `成交金额` for `成交额` 0.75, `广州` for `广东` 0.5.
const RENAMED_LIKENESS: f64 = 0.5;
/// Tables named at most in a help; the rest are counted.
const MOST_TABLES: usize = 2;
/// Tables with more rows (or columns) than this, record files, are not searched for the
/// missing label, nor is what such a table lost explained.
const MOST_ROWS_SEARCHED: usize = 10_000;
/// Labels explained at most: each searches every table's labels, and rules written for other
/// tables may name thousands that are not there (those keep their "did you mean").
const MOST_EXPLAINED: usize = 100;
/// Tables that print the missing label whose labels are compared with the table's at most.
const MOST_COMPARED: usize = 20;

/// The label errors of `errors` merged, one per table, axis and label (the first keeps its
/// place in the list), with what each lost label may have become; other errors as they are.
/// Merging a list already merged, with more errors, gives what merging them all at once does.
pub fn one_per_label(dataset: &Dataset, errors: Vec<miette::Report>) -> Vec<miette::Report> {
    let mut merged: Vec<Merged> = Vec::with_capacity(errors.len());
    let mut by_label: HashMap<Cause, usize> = HashMap::new();
    for report in errors {
        let repeated = match report.downcast::<Repeated>() {
            Ok(repeated) => repeated,
            Err(report) => match report.downcast::<RuleError>() {
                Ok(error) => match Repeated::of(error) {
                    Ok(repeated) => repeated,
                    Err(error) => {
                        merged.push(Merged::Other(miette::Report::new(*error)));
                        continue;
                    }
                },
                Err(report) => {
                    merged.push(Merged::Other(report));
                    continue;
                }
            },
        };
        match by_label.get(&repeated.cause) {
            Some(&at) => {
                if let Some(Merged::Label(kept)) = merged.get_mut(at) {
                    kept.absorb(repeated);
                }
            }
            None => {
                by_label.insert(repeated.cause.clone(), merged.len());
                merged.push(Merged::Label(Box::new(repeated)));
            }
        }
    }
    let mut explained = 0;
    merged
        .into_iter()
        .map(|m| match m {
            Merged::Other(report) => report,
            Merged::Label(mut repeated) => {
                if explained < MOST_EXPLAINED {
                    explained += 1;
                    repeated.explain(dataset);
                }
                miette::Report::new(*repeated)
            }
        })
        .collect()
}

enum Merged {
    Other(miette::Report),
    Label(Box<Repeated>),
}

/// What makes two label errors one: the kind of error, the table, the axis and the label.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Cause {
    code: &'static str,
    table: String,
    axis: &'static str,
    label: String,
}

/// A label error, and every place in the rules that names the label (its own first).
#[derive(Debug)]
struct Repeated {
    error: RuleError,
    cause: Cause,
    places: Vec<Place>,
    /// Whether [`Repeated::explain`] has run: merged again with the checks' errors, the error
    /// is not explained again (what it says depends on the label, not on its places).
    explained: bool,
}

impl Repeated {
    /// The error as the first of its kind; `Err` gives back an error that is not about a label.
    fn of(error: RuleError) -> Result<Self, Box<RuleError>> {
        let (code, source_code, span, table, axis, label) = match &error {
            // Paths that lack the same label (`成交额/2020年`, `成交额/增长`) lack it for one
            // reason: one error.
            RuleError::UnknownLabel {
                source_code,
                span,
                table,
                axis,
                label,
                missing,
                ..
            } => (
                "unknown",
                source_code,
                span,
                table,
                axis,
                missing.as_ref().unwrap_or(label),
            ),
            RuleError::AmbiguousLabel {
                source_code,
                span,
                table,
                axis,
                label,
                ..
            } => ("ambiguous", source_code, span, table, axis, label),
            _ => return Err(Box::new(error)),
        };
        let place = place(source_code, *span);
        let cause = Cause {
            code,
            table: table.clone(),
            axis,
            label: label.clone(),
        };
        Ok(Repeated {
            cause,
            places: vec![place],
            error,
            explained: false,
        })
    }

    /// `other`'s places added to these; where its path differs (`成交额/增长` beside
    /// `成交额/2020年`), the error names the label both lack.
    fn absorb(&mut self, other: Repeated) {
        if let (
            RuleError::UnknownLabel {
                label,
                missing: Some(missing),
                ..
            },
            RuleError::UnknownLabel { label: theirs, .. },
        ) = (&mut self.error, &other.error)
            && label != theirs
        {
            label.clone_from(missing);
        }
        self.places.extend(other.places);
    }

    /// Where the rules name a label that other tables print and this one does not, say what
    /// the table may have done with it.
    fn explain(&mut self, dataset: &Dataset) {
        if std::mem::replace(&mut self.explained, true) {
            return;
        }
        let RuleError::UnknownLabel {
            table,
            axis,
            missing: Some(missing),
            help,
            printed,
            ..
        } = &mut self.error
        else {
            return;
        };
        let axis = if *axis == Axis::Column.name() {
            Axis::Column
        } else {
            Axis::Row
        };
        if let Some(Lost { why, at }) = lost(dataset, table, axis, missing) {
            *help = Some(why);
            *printed = at.into_iter().collect();
        }
    }
}

/// What a table did with a label other tables print: the help, and where it prints the label
/// it likely became.
struct Lost {
    why: String,
    at: Option<PrintedAt>,
}

fn lost(dataset: &Dataset, table_id: &str, axis: Axis, missing: &str) -> Option<Lost> {
    let table = dataset.tables.iter().find(|t| t.id() == table_id)?;
    if axis.count(table) > MOST_ROWS_SEARCHED {
        return None;
    }
    let key = Key::label(missing);
    let printing: Vec<&Table> = dataset
        .tables
        .iter()
        .filter(|t| t.id() != table_id && !t.meta.anchored)
        .filter(|t| axis.count(t) <= MOST_ROWS_SEARCHED)
        .filter(|t| labels(t, axis).any(|l| key.matches(l)))
        .collect();
    if printing.is_empty() {
        // No table prints it: more likely a slip in the rules, which "did you mean" answers.
        return None;
    }
    let theirs: std::collections::HashSet<String> = printing
        .iter()
        .take(MOST_COMPARED)
        .flat_map(|t| labels(t, axis))
        .map(|l| l.key().into_owned())
        .collect();
    let own: Vec<&crate::table::label::Label> = labels(table, axis)
        .filter(|l| !theirs.contains(l.key().as_ref()))
        .collect();
    let them = tables(&printing);
    let (print, none_of_them) = if printing.len() == 1 {
        ("prints", "which it does not")
    } else {
        ("print", "which none of them does")
    };
    let axis_name = axis.name();
    // Closer than "did you mean" asks: `广州` is half of `广东`, and another row. Or the one
    // label that holds it, or that it holds (`乙` → `乙省`).
    let renamed = nearest_label(own.iter().copied(), missing)
        .filter(|l| strsim::normalized_levenshtein(missing, &l.key()) > RENAMED_LIKENESS)
        .or_else(|| {
            let mut holding = own.iter().filter(|l| {
                let key = l.key();
                !key.is_empty() && (key.contains(missing) || missing.contains(key.as_ref()))
            });
            let one = holding.next()?;
            holding.next().is_none().then_some(*one)
        });
    let lost = match renamed {
        Some(label) => Lost {
            why: format!(
                "{them} {print} a {axis_name} `{missing}`; {table_id} prints `{}`, \
                 {none_of_them}: if it was renamed, print it `{missing}` again, and if it is \
                 another {axis_name}, name it in the rules",
                label.name()
            ),
            at: Some(PrintedAt {
                source_code: named(table.source()),
                labels: vec![miette::LabeledSpan::new_with_span(
                    Some(format!("`{missing}` renamed?")),
                    label.span(),
                )],
                what: format!("where {table_id} prints `{}`", label.name()),
            }),
        },
        None => Lost {
            why: format!(
                "{them} {print} a {axis_name} `{missing}`, and {table_id} has none like it: if \
                 it was removed, print it again, and if {table_id} no longer has it, leave it \
                 out of the rules that name it there"
            ),
            at: was_after(table, axis, &key, missing, &printing),
        },
    };
    Some(lost)
}

/// Where the table prints, next to each other, the two labels the missing one stands between
/// in a table that prints all three: where a removed row (or column) was.
fn was_after(
    table: &Table,
    axis: Axis,
    key: &Key,
    missing: &str,
    printing: &[&Table],
) -> Option<PrintedAt> {
    printing.iter().find_map(|other| {
        let paths = axis.paths(other);
        let at = paths
            .iter()
            .position(|p| p.labels().iter().any(|l| key.matches(l)))?;
        let before = paths.get(at.checked_sub(1)?)?.last()?.key();
        let after = paths.get(at + 1)?.last()?.key();
        let own: Vec<&crate::table::label::Label> = axis
            .paths(table)
            .iter()
            .filter_map(LabelPath::last)
            .collect();
        let here = own.windows(2).find_map(|pair| match pair {
            [first, second] if first.key() == before && second.key() == after => Some(*first),
            _ => None,
        })?;
        Some(PrintedAt {
            source_code: named(table.source()),
            labels: vec![miette::LabeledSpan::new_with_span(
                Some(format!(
                    "{} prints `{missing}` between this {} and the next",
                    other.id(),
                    axis.name()
                )),
                here.span(),
            )],
            what: format!("where `{missing}` may have been in {}", table.id()),
        })
    })
}

fn labels(table: &Table, axis: Axis) -> impl Iterator<Item = &crate::table::label::Label> {
    axis.paths(table).iter().flat_map(LabelPath::labels)
}

/// `A6, T3-2 and 4 more tables`.
fn tables(printing: &[&Table]) -> String {
    let named: Vec<&str> = printing.iter().take(MOST_TABLES).map(|t| t.id()).collect();
    match printing.len().saturating_sub(MOST_TABLES) {
        0 => match named.as_slice() {
            [one] => (*one).to_string(),
            [first, second] => format!("{first} and {second}"),
            _ => named.join(", "),
        },
        more => format!(
            "{} and {more} more table{}",
            named.join(", "),
            if more == 1 { "" } else { "s" }
        ),
    }
}

/// Where a rule names the label: its file and line.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Place {
    file: String,
    line: usize,
}

fn place(source: &miette::NamedSource<crate::source::DiagnosticSource>, span: SourceSpan) -> Place {
    Place {
        file: source.name().to_string(),
        line: source.inner().0.line_column(span.offset()).line,
    }
}

/// The lines of `places` other than the first's, one line per file: `\n  rules/x.rules:
/// lines 25, 37`, at most [`MOST_LINES`] lines listed per file. `None` where there are none.
fn by_file(places: &[Place]) -> Option<(usize, String)> {
    let (first, others) = places.split_first()?;
    let mut files: Vec<(&str, Vec<usize>)> = Vec::new();
    for place in others.iter().filter(|p| *p != first) {
        match files.iter_mut().find(|(file, _)| *file == place.file) {
            Some((_, lines)) => lines.push(place.line),
            None => files.push((&place.file, vec![place.line])),
        }
    }
    let mut count = 0;
    let mut out = String::new();
    for (file, mut lines) in files {
        lines.sort_unstable();
        lines.dedup();
        count += lines.len();
        let shown: Vec<String> = lines
            .iter()
            .take(MOST_LINES)
            .map(usize::to_string)
            .collect();
        let word = if lines.len() == 1 { "line" } else { "lines" };
        out.push_str(&format!("\n  {file}: {word} {}", shown.join(", ")));
        if let Some(rest) = lines.len().checked_sub(MOST_LINES).filter(|&r| r > 0) {
            out.push_str(&format!(" and {rest} more"));
        }
    }
    (count > 0).then_some((count, out))
}

impl fmt::Display for Repeated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for Repeated {}

impl Diagnostic for Repeated {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.error.code()
    }

    fn severity(&self) -> Option<miette::Severity> {
        self.error.severity()
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let Some((count, lines)) = by_file(&self.places) else {
            return self.error.help();
        };
        let also = format!(
            "the rules name it in {count} more place{}:{lines}",
            if count == 1 { "" } else { "s" },
        );
        Some(Box::new(match self.error.help() {
            Some(help) => format!("{help}\n{also}"),
            None => also,
        }))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.error.source_code()
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        self.error.labels()
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        self.error.related()
    }
}
