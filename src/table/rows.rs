//! A table's row labels: made as the table is read, or, for a long table whose label is the
//! first field of each line, made from its record when asked for.
//!
//! A record file of a million rows is checked by rules that loop over its rows by position;
//! its labels are read only for the rows a report names. Made on demand, they cost neither
//! the time to make a million labels nor the memory to hold them (56 bytes each).

use super::formatted::Labels;
use super::label::{Label, LabelPath};
use crate::source::Span;
use rayon::prelude::*;
use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

/// The row labels of a table.
#[derive(Debug)]
pub(super) enum RowLabels {
    Made(Vec<LabelPath>),
    /// Each row's label is the first field of its line, which starts at the row's start.
    OnDemand {
        count: usize,
        delimiter: u8,
        declared: Option<Arc<Labels>>,
        made: OnceLock<Vec<LabelPath>>,
    },
}

impl RowLabels {
    pub(super) fn on_demand(count: usize, delimiter: u8, declared: Option<Arc<Labels>>) -> Self {
        RowLabels::OnDemand {
            count,
            delimiter,
            declared,
            made: OnceLock::new(),
        }
    }

    /// Whether every row's label was made as the table was read, not on demand.
    pub(super) fn made_as_read(&self) -> bool {
        matches!(self, RowLabels::Made(_))
    }

    /// Whether every row's label is made by now: as read, or on demand since.
    #[cfg(test)]
    pub(super) fn all_made(&self) -> bool {
        match self {
            RowLabels::Made(_) => true,
            RowLabels::OnDemand { made, .. } => made.get().is_some(),
        }
    }

    pub(super) fn count(&self) -> usize {
        match self {
            RowLabels::Made(rows) => rows.len(),
            RowLabels::OnDemand { count, .. } => *count,
        }
    }

    /// Every row's label; made on demand the first time, in parallel.
    pub(super) fn all(&self, text: &str, starts: &[u32]) -> &[LabelPath] {
        match self {
            RowLabels::Made(rows) => rows,
            RowLabels::OnDemand {
                delimiter,
                declared,
                made,
                ..
            } => crate::made_once::get_or_make(made, || {
                starts
                    .par_iter()
                    .map(|&start| {
                        first_field_label(
                            text,
                            line_at(text, start),
                            *delimiter,
                            declared.as_deref(),
                        )
                    })
                    .collect()
            })
            .as_slice(),
        }
    }

    /// One row's label, made alone where the labels are not made yet.
    pub(super) fn get<'r>(
        &'r self,
        row: usize,
        text: &str,
        starts: &[u32],
    ) -> Option<Cow<'r, LabelPath>> {
        match self {
            RowLabels::Made(rows) => rows.get(row).map(Cow::Borrowed),
            RowLabels::OnDemand {
                delimiter,
                declared,
                made,
                ..
            } => match made.get() {
                Some(rows) => rows.get(row).map(Cow::Borrowed),
                None => {
                    let start = *starts.get(row)?;
                    Some(Cow::Owned(first_field_label(
                        text,
                        line_at(text, start),
                        *delimiter,
                        declared.as_deref(),
                    )))
                }
            },
        }
    }
}

/// The line starting at `start`, without its line ending.
fn line_at(text: &str, start: u32) -> Span {
    let start = start as usize;
    let rest = text.as_bytes().get(start..).unwrap_or_default();
    let line = rest.get(..memchr::memchr(b'\n', rest).unwrap_or(rest.len()));
    let length = line
        .unwrap_or_default()
        .iter()
        .rposition(|&b| b != b'\r')
        .map_or(0, |last| last + 1);
    Span::new(start, length)
}

/// The label a table of one label column gives a line: its first field (up to the delimiter,
/// or the line's end), as the reader makes it from the split line.
pub(super) fn first_field_label(
    text: &str,
    line: Span,
    delimiter: u8,
    declared: Option<&Labels>,
) -> LabelPath {
    let start = line.offset;
    let bytes = text.as_bytes().get(start..start + line.length);
    let end = memchr::memchr(delimiter, bytes.unwrap_or_default()).unwrap_or(line.length);
    let field = text.get(start..start + end).unwrap_or_default();
    let label = (!field.trim().is_empty()).then(|| Label::new(field, Span::new(start, end)));
    let mut path = LabelPath::single(label);
    if let Some(declared) = declared {
        path.declare(declared);
    }
    path
}
