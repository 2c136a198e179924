//! The draft-edit harness: does a slip an editor makes in a figure get flagged on that figure?
//!
//! Editors change figures of a draft all day. This harness changes the figures of a book one at
//! a time — every figure of the text that takes part in a check, and a sample of the table
//! cells that one does — with the slips editors make ([`Slip`]), runs the whole check on the
//! edited copy (in a temporary directory; the book is never touched), and counts, per kind of
//! figure and slip, how many edits were flagged on the edited figure, flagged only elsewhere,
//! missed, or stopped the run. It drives the library as `crossfoot check` does; it is not a
//! second pipeline. `cargo run --release --example drafts` runs it in full; a test runs a
//! sample.

use crate::decode::ReadOptions;
use crate::engine::program::CellId;
use crate::run::{Checked, load_with};
use crate::table::manifest::Dataset;
use rayon::prelude::*;
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};

/// A slip of the pen in one figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Slip {
    /// Two neighbouring digits swapped: 786.3 → 768.3.
    SwapDigits,
    /// A digit dropped: 786.3 → 86.3.
    DropDigit,
    /// A digit typed twice: 786.3 → 7786.3.
    DoubleDigit,
    /// The figure 10 % higher, at its printed precision: 786.3 → 864.9.
    TenPercent,
    /// Ten times the figure: 786.3 → 7863.0.
    TimesTen,
    /// The decimal point moved one place: 786.3 → 78.63 (a whole number gains one: 1821.6).
    MovePoint,
}

impl Slip {
    pub const ALL: [Slip; 6] = [
        Slip::SwapDigits,
        Slip::DropDigit,
        Slip::DoubleDigit,
        Slip::TenPercent,
        Slip::TimesTen,
        Slip::MovePoint,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Slip::SwapDigits => "two digits swapped",
            Slip::DropDigit => "a digit dropped",
            Slip::DoubleDigit => "a digit doubled",
            Slip::TenPercent => "+10 %",
            Slip::TimesTen => "×10",
            Slip::MovePoint => "decimal point moved",
        }
    }

    /// The figure as the slip prints it (digits and a point only, as an editor types it), or
    /// `None` where the slip does not apply or would not change the value (`33.0` → `33.`).
    pub fn apply(self, figure: &str) -> Option<String> {
        let digits: String = figure
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let value: Decimal = digits.parse().ok()?;
        let edited = match self {
            Slip::SwapDigits => swap(&digits)?,
            Slip::DropDigit => drop_digit(&digits)?,
            Slip::DoubleDigit => {
                let first = digits.chars().next()?;
                format!("{first}{digits}")
            }
            Slip::TenPercent => scaled(value, Decimal::new(11, 1))?,
            Slip::TimesTen => scaled(value, Decimal::TEN)?,
            Slip::MovePoint => move_point(&digits)?,
        };
        let changed = edited.parse::<Decimal>().ok()? != value;
        changed.then_some(edited)
    }
}

/// The last two neighbouring digits that differ, swapped.
fn swap(digits: &str) -> Option<String> {
    let mut chars: Vec<char> = digits.chars().collect();
    let positions: Vec<usize> = (0..chars.len())
        .filter(|&i| chars.get(i) != Some(&'.'))
        .collect();
    let pair = positions
        .windows(2)
        .rev()
        .find(|w| matches!(w, [a, b] if chars.get(*a) != chars.get(*b)))?;
    if let [a, b] = pair {
        chars.swap(*a, *b);
    }
    Some(chars.into_iter().collect())
}

/// The first digit dropped, when there is another before the point; else the last decimal.
fn drop_digit(digits: &str) -> Option<String> {
    let whole = digits.split('.').next().unwrap_or_default();
    if whole.len() >= 2 {
        return digits.get(1..).map(str::to_string);
    }
    let (_, decimals) = digits.split_once('.')?;
    if decimals.len() >= 2 {
        return digits.get(..digits.len() - 1).map(str::to_string);
    }
    None
}

fn scaled(value: Decimal, factor: Decimal) -> Option<String> {
    let scale = value.scale();
    let edited = value.checked_mul(factor)?;
    Some(
        edited
            .round_dp_with_strategy(scale, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
            .to_string(),
    )
}

/// One place to the left where there are two or more whole digits, else one to the right;
/// a whole number gets a point before its last digit.
fn move_point(digits: &str) -> Option<String> {
    match digits.split_once('.') {
        Some((whole, decimals)) if whole.len() >= 2 => {
            let (head, last) = whole.split_at(whole.len() - 1);
            Some(format!("{head}.{last}{decimals}"))
        }
        Some((whole, decimals)) if decimals.len() >= 2 => {
            let (first, rest) = decimals.split_at(1);
            Some(format!("{whole}{first}.{rest}"))
        }
        Some(_) => None,
        None if digits.len() >= 2 => {
            let (head, last) = digits.split_at(digits.len() - 1);
            Some(format!("{head}.{last}"))
        }
        None => None,
    }
}

/// A figure to edit: the table (its id), the cell, the file it is printed in (relative to the
/// data directory) and the bytes of its digits there.
#[derive(Debug, Clone)]
pub struct Target {
    pub table: String,
    pub cell: CellId,
    pub file: PathBuf,
    pub offset: usize,
    pub printed: String,
    /// Some equality pins the figure (`=`, a total, a numbering), and the text does not state
    /// it with a bound in words: an edit of it can be told from the figure. A figure only a
    /// bound confirms (`<=` a total, a rank, `超过 1000`) may be edited within that bound.
    pub pinned: bool,
}

impl Target {
    /// Whether this is a figure of the book's text (rather than a table cell).
    pub fn in_text(&self) -> bool {
        self.table == crate::claims::TEXT_TABLE
    }
}

/// What one edit gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// A finding names the edited figure.
    Flagged,
    /// Findings changed, but none names the edited figure.
    FlaggedElsewhere,
    /// No finding changed.
    Missed,
    /// The run reported input errors.
    InputError,
    /// Nothing at all was checked.
    Stopped,
}

/// One edit and its verdict.
#[derive(Debug, Clone)]
pub struct Edit {
    pub target: Target,
    pub slip: Slip,
    pub edited: String,
    pub verdict: Verdict,
    /// For an edit flagged on its figure: what blame made of it.
    pub blamed: Option<Blamed>,
}

/// What blame said of a flagged edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blamed {
    /// Where the figure blamed first is, when it is not the edited one (`A2 row 3 column 5`),
    /// and whether blame found it as good as others.
    pub instead: Option<String>,
    /// The edited figure is the first cell blame names for the findings on it.
    pub first: bool,
    /// The edited figure is among the cells blame's answer names ([`crate::blame::Blame::answer`]):
    /// the first, or one of those it finds equally likely.
    pub in_answer: bool,
    /// The checks determine one printing for it (not an interval).
    pub determined: bool,
    /// The value blame proposes is the figure as printed before the edit.
    pub original: bool,
}

/// The figures a harness may edit: those some decided check of a hard rule reads (the run on the unedited
/// book, with coverage), whose printed text is written in digits, sampled systematically:
/// every `text_stride`-th figure of the text and every `table_stride`-th table cell, in
/// reading order (1 takes them all).
pub fn targets(
    checked: &Checked,
    data: &Path,
    text_stride: usize,
    table_stride: usize,
) -> Vec<Target> {
    let Some(coverage) = &checked.outcome.coverage else {
        return Vec::new();
    };
    let pinned = cells_read(checked, true);
    let confirmed = cells_read(checked, false);
    let mut targets = Vec::new();
    for entry in &coverage.tables {
        let Some(table) = checked.dataset.tables.get(entry.table) else {
            continue;
        };
        let unconfirmed: std::collections::HashSet<CellId> = entry
            .uncovered
            .iter()
            .copied()
            .chain(entry.explained.iter().map(|(cell, _)| *cell))
            .collect();
        let file = table
            .source()
            .path()
            .strip_prefix(data)
            .unwrap_or(table.source().path())
            .to_path_buf();
        let in_text = table.id() == crate::claims::TEXT_TABLE;
        let mut taken = 0;
        for row in 0..table.row_count() {
            for column in 0..table.columns().len() {
                let cell = CellId {
                    table: entry.table,
                    row,
                    column,
                };
                let applicable = table.cell(row, column).is_some_and(|c| c.is_applicable());
                if !applicable || unconfirmed.contains(&cell) || !confirmed.contains(&cell) {
                    continue;
                }
                taken += 1;
                let stride = if in_text { text_stride } else { table_stride };
                if (taken - 1) % stride.max(1) != 0 {
                    continue;
                }
                let Some(span) = table.cell_span(row, column) else {
                    continue;
                };
                let text = table.source().slice(span);
                let start = text.len() - text.trim_start_matches(['"', ' ']).len();
                let digits: String = text
                    .get(start..)
                    .unwrap_or_default()
                    .chars()
                    .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ' ')
                    .collect();
                let digits = digits.trim_end().to_string();
                if !digits.starts_with(|c: char| c.is_ascii_digit()) {
                    continue;
                }
                targets.push(Target {
                    table: table.id().to_string(),
                    cell,
                    file: file.clone(),
                    offset: span.offset + start,
                    printed: digits,
                    pinned: pinned.contains(&cell) && table.stated_interval(row, column).is_none(),
                });
            }
        }
    }
    targets
}

/// The cells the checks of hard rules read — only those of equalities (a comparison by `=`, a
/// total and its parts, a numbering) where `equalities_only`. A plausibility (soft) edit
/// confirms no figure: its finding never fails the run, so a cell only it reads is no target.
fn cells_read(checked: &Checked, equalities_only: bool) -> std::collections::HashSet<CellId> {
    let mut pinned = std::collections::HashSet::new();
    for (index, rule) in checked.program.rules.iter().enumerate() {
        if (rule.work.states_an_equality() || !equalities_only) && !rule.severity.is_soft() {
            for check in 0..rule.work.check_count() {
                pinned.extend(crate::engine::check_cells(
                    &checked.dataset,
                    &checked.program,
                    index,
                    check,
                ));
            }
        }
    }
    pinned
}

/// Run every slip on every target against a copy of `data` (one copy per worker thread), and
/// judge each edit against the findings of the unedited book.
pub fn run(data: &Path, rules: &Path, targets: &[Target], slips: &[Slip]) -> Vec<Edit> {
    let baseline = check(data, rules);
    let known: std::collections::HashSet<String> = baseline
        .outcome
        .findings
        .iter()
        .map(|f| f.message.clone() + &f.rule_id)
        .collect();
    let work: Vec<(&Target, Slip, String)> = targets
        .iter()
        .flat_map(|target| {
            slips
                .iter()
                .filter_map(move |&slip| slip.apply(&target.printed).map(|e| (target, slip, e)))
        })
        .collect();
    work.par_iter()
        .map_init(
            || copy_of(data),
            |copy, (target, slip, edited)| {
                let (verdict, blamed) = match copy {
                    Some(copy) => judge(copy.path(), rules, target, edited, &known),
                    None => (Verdict::Stopped, None),
                };
                Edit {
                    target: (*target).clone(),
                    slip: *slip,
                    edited: edited.clone(),
                    verdict,
                    blamed,
                }
            },
        )
        .collect()
}

/// The run `crossfoot check` makes: contradictory rules left out, then every check.
pub fn check(data: &Path, rules: &Path) -> Checked {
    let mut loaded = load_with(data, rules, &ReadOptions::default());
    loaded.leave_out_contradictions();
    loaded.check(false, &|_| {})
}

fn judge(
    copy: &Path,
    rules: &Path,
    target: &Target,
    edited: &str,
    known: &std::collections::HashSet<String>,
) -> (Verdict, Option<Blamed>) {
    let path = copy.join(&target.file);
    let Ok(original) = std::fs::read(&path) else {
        return (Verdict::Stopped, None);
    };
    let end = target.offset + target.printed.len();
    let (Some(before), Some(after)) = (original.get(..target.offset), original.get(end..)) else {
        return (Verdict::Stopped, None);
    };
    let text = [before, edited.as_bytes(), after].concat();
    if std::fs::write(&path, text).is_err() {
        return (Verdict::Stopped, None);
    }
    let checked = check(copy, rules);
    let _ = std::fs::write(&path, &original);
    if checked.nothing_checked() {
        return (Verdict::Stopped, None);
    }
    if !checked.errors.is_empty() {
        return (Verdict::InputError, None);
    }
    // A plausibility edit's finding does not fail the run and is never blamed: an edit only a
    // soft edit flags is missed, as `check`'s exit code would miss it.
    let hard = |f: &&crate::finding::Finding| {
        checked
            .program
            .rules
            .get(f.rule)
            .is_none_or(|r| !r.severity.is_soft())
    };
    let on_target = checked.outcome.findings.iter().filter(hard).any(|f| {
        f.cells
            .iter()
            .any(|&cell| names(&checked.dataset, cell, target))
    });
    let new = checked
        .outcome
        .findings
        .iter()
        .filter(hard)
        .any(|f| !known.contains(&(f.message.clone() + &f.rule_id)));
    match (on_target, new) {
        (true, _) => (Verdict::Flagged, Some(blamed(&checked, target))),
        (false, true) => (Verdict::FlaggedElsewhere, None),
        (false, false) => (Verdict::Missed, None),
    }
}

/// Whether blame names the edited figure first, and proposes its printing before the edit.
fn blamed(checked: &Checked, target: &Target) -> Blamed {
    let outcome = &checked.outcome;
    let on_target = |index: &usize| {
        outcome.findings.get(*index).is_some_and(|f| {
            f.cells
                .iter()
                .any(|&cell| names(&checked.dataset, cell, target))
        })
    };
    let blame = outcome
        .blame
        .iter()
        .find(|b| b.findings.iter().any(on_target));
    let in_answer = blame.is_some_and(|b| {
        b.answer()
            .iter()
            .any(|s| names(&checked.dataset, s.cell, target))
    });
    let suspect = blame.and_then(|b| b.suspects.first());
    let original: Option<Decimal> = target.printed.replace(' ', "").parse().ok();
    match suspect {
        Some(s) if names(&checked.dataset, s.cell, target) => Blamed {
            instead: None,
            first: true,
            in_answer,
            determined: s.low == s.high,
            original: original == Some(s.proposed),
        },
        other => Blamed {
            instead: Some(other.map_or("no figure".to_string(), |s| {
                let table = checked.dataset.tables.get(s.cell.table);
                format!(
                    "{} row {} column {} ({} → {}{})",
                    table.map_or("?", |t| t.id()),
                    s.cell.row + 1,
                    s.cell.column + 1,
                    s.printed,
                    s.proposed,
                    s.slip
                        .map_or(String::new(), |slip| format!(", {}", slip.describe()))
                )
            })),
            first: false,
            in_answer,
            determined: false,
            original: false,
        },
    }
}

/// Whether `cell` of an edited run is the edited figure: the same table and the same place in
/// the file (an edit keeps the figure's start).
fn names(dataset: &Dataset, cell: CellId, target: &Target) -> bool {
    dataset.tables.get(cell.table).is_some_and(|table| {
        table.id() == target.table
            && table.cell_span(cell.row, cell.column).is_some_and(|span| {
                span.offset <= target.offset && target.offset < span.offset + span.length.max(1)
            })
    })
}

/// A copy of the data directory's files in a new temporary directory.
fn copy_of(data: &Path) -> Option<tempfile::TempDir> {
    let dir = tempfile::tempdir().ok()?;
    for entry in std::fs::read_dir(data).ok()?.flatten() {
        let path = entry.path();
        if path.is_file() {
            std::fs::copy(&path, dir.path().join(path.file_name()?)).ok()?;
        }
    }
    Some(dir)
}

/// How blame did on the edits flagged on their figure, per kind of figure and slip: the edited
/// figure blamed first, or at least among the figures its answer finds equally likely, and
/// of those blamed first where the checks determine one printing, the printing before the
/// edit proposed.
pub fn summarize_blame(edits: &[Edit]) -> String {
    use std::fmt::Write;
    let mut out = String::from(
        "\n| figures | slip | flagged on the figure | blamed first | in the answer | … determined | … proposal = original |\n|---|---|---:|---:|---:|---:|---:|\n",
    );
    let mut row = |kind: &str, slip: &str, of: &[&Edit]| {
        let blamed: Vec<&Blamed> = of.iter().filter_map(|e| e.blamed.as_ref()).collect();
        let first = blamed.iter().filter(|b| b.first).count();
        let in_answer = blamed.iter().filter(|b| b.in_answer).count();
        let determined: Vec<&&Blamed> = blamed.iter().filter(|b| b.determined).collect();
        let original = determined.iter().filter(|b| b.original).count();
        let _ = writeln!(
            out,
            "| {kind} | {slip} | {} | {first} ({}) | {in_answer} ({}) | {} | {original} ({}) |",
            blamed.len(),
            percent(first, blamed.len()),
            percent(in_answer, blamed.len()),
            determined.len(),
            percent(original, determined.len())
        );
    };
    for in_text in [true, false] {
        let kind = if in_text { "text" } else { "table cells" };
        for slip in Slip::ALL {
            let of: Vec<&Edit> = edits
                .iter()
                .filter(|e| e.target.in_text() == in_text && e.slip == slip)
                .collect();
            row(kind, slip.name(), &of);
        }
        let of: Vec<&Edit> = edits
            .iter()
            .filter(|e| e.target.in_text() == in_text)
            .collect();
        row(kind, "**every slip**", &of);
    }
    let all: Vec<&Edit> = edits.iter().collect();
    row("**all**", "**every slip**", &all);
    out
}

/// `12.3 %` of a count, for a report (a display figure, not a checked one).
fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "–".to_string();
    }
    let tenths = (part * 1000 + whole / 2) / whole;
    format!("{}.{} %", tenths / 10, tenths % 10)
}

/// Counts per kind of figure (text or table) and slip, and the edits missed, as a report.
pub fn summarize(edits: &[Edit]) -> String {
    use std::fmt::Write;
    let mut out = String::from(
        "| figures | slip | edits | flagged on the figure | flagged elsewhere only | missed | input errors | nothing checked |\n|---|---|---:|---:|---:|---:|---:|---:|\n",
    );
    for in_text in [true, false] {
        let kind = if in_text { "text" } else { "table cells" };
        for slip in Slip::ALL {
            let of: Vec<&Edit> = edits
                .iter()
                .filter(|e| e.target.in_text() == in_text && e.slip == slip)
                .collect();
            let count = |v: Verdict| of.iter().filter(|e| e.verdict == v).count();
            let _ = writeln!(
                out,
                "| {kind} | {} | {} | {} | {} | {} | {} | {} |",
                slip.name(),
                of.len(),
                count(Verdict::Flagged),
                count(Verdict::FlaggedElsewhere),
                count(Verdict::Missed),
                count(Verdict::InputError),
                count(Verdict::Stopped)
            );
        }
    }
    for in_text in [true, false] {
        let of: Vec<&Edit> = edits
            .iter()
            .filter(|e| e.target.in_text() == in_text)
            .collect();
        let flagged = |edits: &[&Edit]| {
            edits
                .iter()
                .filter(|e| e.verdict == Verdict::Flagged)
                .count()
        };
        let pinned: Vec<&Edit> = of.iter().copied().filter(|e| e.target.pinned).collect();
        let _ = writeln!(
            out,
            "\n{}: {} of {} edits flagged on the edited figure; of the figures an equality \
             pins, {} of {}",
            if in_text { "text" } else { "table cells" },
            flagged(&of),
            of.len(),
            flagged(&pinned),
            pinned.len()
        );
    }
    out.push_str(&summarize_blame(edits));
    out.push_str(
        "\nFlagged, but another figure blamed first (the edited one in the answer, tied with it, \
         or not):\n",
    );
    for edit in edits {
        let Some(blamed) = edit.blamed.as_ref() else {
            continue;
        };
        if let Some(instead) = &blamed.instead {
            let _ = writeln!(
                out,
                "- {} {}:{} `{}` → `{}` ({}): blamed {instead}; {}",
                edit.target.table,
                edit.target.file.display(),
                edit.target.offset,
                edit.target.printed,
                edit.edited,
                edit.slip.name(),
                if blamed.in_answer {
                    "tied"
                } else {
                    "not in the answer"
                }
            );
        }
    }
    out.push_str("\nNot flagged on the edited figure:\n");
    for edit in edits.iter().filter(|e| e.verdict != Verdict::Flagged) {
        let _ = writeln!(
            out,
            "- {:?}{} {} {}:{} `{}` → `{}` ({})",
            edit.verdict,
            if edit.target.pinned {
                ""
            } else {
                " (bound only)"
            },
            edit.target.table,
            edit.target.file.display(),
            edit.target.offset,
            edit.target.printed,
            edit.edited,
            edit.slip.name()
        );
    }
    out
}
