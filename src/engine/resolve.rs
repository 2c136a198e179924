//! Label paths written in rules → row and column indices of a table.
//!
//! A path names a row (or column) when its segments match the row's labels in order. An exact
//! match wins; otherwise a unique in-order match (`current/金额` finds `2021年/成交额/金额`);
//! otherwise, among several, the one group total the path names (`技术开发` finds
//! `技术开发/合计`). Anything else is an error that lists the candidates or the nearest label.

use crate::lang::RuleError;
use crate::source::{SharedSource, Span, named};
use crate::table::Table;
use crate::table::index::{LabelIndex, SpelledLabel, SpelledPath};
use crate::table::label::{LabelPath, normalize, of_which_name};
use compact_str::CompactString;
use smallvec::SmallVec;
use std::borrow::Cow;

/// One segment of a path to look up.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    /// A label, normalized (no whitespace). Inline up to 24 bytes: most labels rules name
    /// are made and copied (into paths, into the answers kept) without an allocation.
    Label(CompactString),
    /// A year label such as `2021年` or `2021`, from `current`, `prior` or `prior(y)`.
    Year(i32),
}

impl Key {
    /// A label; a year (`2021`, `2021年`, `2021 年`) matches however a table prints it.
    pub fn label(text: &str) -> Self {
        Self::normalized(&normalize(text))
    }

    /// A word of a rule (`current/金额`), as [`Key::label`] makes it: a word holds no
    /// whitespace (the lexer ends a word at any), so there is nothing to normalize, and every
    /// word of every cell a rule names is made a key.
    pub fn word(word: &str) -> Self {
        debug_assert!(!word.contains(char::is_whitespace), "{word:?}");
        Self::normalized(word)
    }

    fn normalized(text: &str) -> Self {
        match year_of(text) {
            Some(year) => Key::Year(year),
            None => Key::Label(CompactString::new(text)),
        }
    }

    pub fn matches(&self, label: &crate::table::label::Label) -> bool {
        match self {
            Key::Label(text) => label.answers_to(text),
            Key::Year(year) => year_of(&label.key()) == Some(*year),
        }
    }

    pub fn describe(&self) -> String {
        self.described().into_owned()
    }

    /// [`Key::describe`], borrowed where the key is a label.
    fn described(&self) -> Cow<'_, str> {
        match self {
            Key::Label(text) => Cow::Borrowed(text.as_str()),
            Key::Year(year) => Cow::Owned(format!("{year}年")),
        }
    }
}

/// Every path made of one of `paths` followed by one of `choices`: how a path with a list in
/// it (`[技术开发, 技术转让]/合计`) becomes the paths it names.
pub fn extend_paths(paths: &[Vec<Key>], choices: &[Vec<Key>]) -> Vec<Vec<Key>> {
    paths
        .iter()
        .flat_map(|path| {
            choices.iter().map(move |choice| {
                let mut extended = path.clone();
                extended.extend(choice.iter().cloned());
                extended
            })
        })
        .collect()
}

/// The year a label names: `2021年` or `2021`.
pub fn year_of(key: &str) -> Option<i32> {
    let digits = key.strip_suffix('年').unwrap_or(key);
    if digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse().ok()
    } else {
        None
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    Row,
    Column,
}

impl Axis {
    pub fn name(self) -> &'static str {
        match self {
            Axis::Row => "row",
            Axis::Column => "column",
        }
    }

    /// How many rows or columns the table has (without making a record file's row labels).
    pub fn count(self, table: &Table) -> usize {
        match self {
            Axis::Row => table.row_count(),
            Axis::Column => table.columns().len(),
        }
    }

    pub fn paths(self, table: &Table) -> &[LabelPath] {
        match self {
            Axis::Row => table.rows(),
            Axis::Column => table.columns(),
        }
    }

    /// The index of [`Axis::paths`], built on first use.
    pub fn label_index(self, table: &Table) -> &LabelIndex {
        match self {
            Axis::Row => table.row_index(),
            Axis::Column => table.column_index(),
        }
    }
}

/// Why a path found no single row or column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupError {
    /// Nothing matches; the nearest label, if any is close.
    NotFound { nearest: Option<String> },
    /// Several match; their printed paths, and where each path's last label is printed.
    Ambiguous {
        candidates: Vec<String>,
        spans: Vec<Span>,
    },
}

/// What a lost anchor's help says first.
pub const LOST_ANCHOR_HELP: &str =
    "find the sentence in the text and write the words just before its figure";

/// A failed lookup as the diagnostic a rule gets, on the token (`span` in `source`) that named
/// the row or column. A lost claim anchor leaves `rule` empty for the caller to fill in.
pub fn lookup_diagnostic(
    error: LookupError,
    table: &Table,
    axis: Axis,
    keys: &[Key],
    source: &SharedSource,
    span: Span,
) -> RuleError {
    let label = written(source, span, keys).unwrap_or_else(|| described(table, axis, keys));
    match error {
        LookupError::NotFound { .. } if table.meta.anchored && axis == Axis::Row => {
            RuleError::LostAnchor {
                source_code: named(source),
                span: span.into(),
                anchor: label,
                rule: String::new(),
                help: LOST_ANCHOR_HELP.to_string(),
            }
        }
        LookupError::NotFound { nearest } => RuleError::UnknownLabel {
            source_code: named(source),
            span: span.into(),
            table: table.id().to_string(),
            axis: axis.name(),
            label,
            missing: missing_label(axis.paths(table), axis.label_index(table), keys)
                .map(str::to_string),
            help: nearest.map(|n| format!("did you mean `{n}`?")),
            printed: Vec::new(),
        },
        LookupError::Ambiguous { candidates, spans } => {
            let alike = candidates.windows(2).all(|w| w.first() == w.last());
            let help = if table.meta.anchored {
                anchor_help(table, keys)
            } else if alike {
                format!(
                    "{} prints this {} label {} times, alike, so no path tells them apart: \
                     correct the duplicate in the table, or give its rows a group column \
                     (label_columns = 2) so their paths differ",
                    table.id(),
                    axis.name(),
                    candidates.len()
                )
            } else {
                // An example from the table itself, not from another data set's labels.
                match candidates.first() {
                    Some(path) => format!("add the outer label to the path, e.g. `{path}`"),
                    None => "add the outer label to the path".to_string(),
                }
            };
            // Where the table prints them; the text's figures are shown by their anchors.
            let printed = (!table.meta.anchored).then(|| crate::lang::error::PrintedAt {
                source_code: named(table.source()),
                labels: spans
                    .iter()
                    .enumerate()
                    .map(|(n, span)| {
                        miette::LabeledSpan::new_with_span(
                            Some(format!("{} {}", axis.name(), n + 1)),
                            *span,
                        )
                    })
                    .collect(),
                what: format!("where {} prints them", table.id()),
            });
            RuleError::AmbiguousLabel {
                source_code: named(source),
                span: span.into(),
                table: table.id().to_string(),
                axis: axis.name(),
                label,
                candidates: candidates.join(", "),
                help,
                printed: printed.into_iter().collect(),
            }
        }
    }
}

/// What to write where an anchor's words name several figures of the text: the words that
/// name the figure its digits point at, when they do.
fn anchor_help(table: &Table, keys: &[Key]) -> String {
    let general = "the words name several figures of the text (a figure in an anchor matches any \
                   figure): add the words before them (an anchor may reach back across `；` and \
                   `。`)";
    let Some((Key::Label(anchor), outer)) = keys.split_last() else {
        return general.to_string();
    };
    match crate::claims::anchor::words_only_anchor(table, outer, anchor) {
        Some(words) => format!(
            "a figure in an anchor matches any figure, so these words name several figures of \
             the text; the digits point at one, which these words name: `\"{words}\"`"
        ),
        None => general.to_string(),
    }
}

/// The row or column of `table` that `keys` name. Rules name the same rows again and again
/// (every check of a loop over another table's rows looks its item up): each answer is kept
/// in the axis's index, so a path is searched for once.
pub fn lookup(table: &Table, axis: Axis, keys: &[Key]) -> Result<usize, LookupError> {
    // A figure of the text is found by a binary search for its anchor, and most anchors are
    // named once (838 of the 993 lookups of the book's text are the first): keeping each
    // answer, its path hashed and copied whole (a sentence), cost 0.39 M instructions more
    // than searching again for the other 155.
    if table.meta.anchored && axis == Axis::Row {
        return anchored(table, keys);
    }
    let index = axis.label_index(table);
    // A label path printed once is found by one hash lookup, as cheap as remembering it:
    // only what takes a search is kept (a yearbook's thousand tables name each row once).
    let exact = plain_labels(keys).map(|labels| index.exact(|| axis.paths(table), &labels));
    if let Some([one]) = exact.as_deref() {
        return Ok(*one);
    }
    index.remembered(keys, || search(table, axis, keys, exact.as_deref()))
}

/// How a key may be printed: a label as it is, a year with and without `年`.
fn spellings_of(key: &Key) -> SmallVec<[CompactString; 2]> {
    match key {
        Key::Label(text) => SmallVec::from_iter([text.clone()]),
        Key::Year(year) => SmallVec::from_iter([
            compact_str::format_compact!("{year:04}"),
            compact_str::format_compact!("{year:04}年"),
        ]),
    }
}

/// A key as a search compares it with [`SpelledLabel`]s: a label normalized once per search,
/// not once per label compared.
enum Sought<'k> {
    Label(Cow<'k, str>),
    Year(i32),
}

impl<'k> Sought<'k> {
    fn of(key: &'k Key) -> Self {
        match key {
            Key::Label(text) => Sought::Label(normalize(text)),
            Key::Year(year) => Sought::Year(*year),
        }
    }

    /// [`Key::matches`], on a label spelled out beforehand.
    fn matches(&self, label: &SpelledLabel) -> bool {
        match self {
            Sought::Label(segment) => {
                let segment = segment.as_ref();
                label.key == segment
                    || label.full_key.as_ref().is_some_and(|full| full == segment)
                    || of_which_name(&label.key) == Some(segment)
            }
            Sought::Year(year) => label.year == Some(*year),
        }
    }
}

/// Whether `sought` names exactly the labels of `path`, one to one.
fn names_exactly(path: &SpelledPath, sought: &[Sought<'_>]) -> bool {
    path.len() == sought.len() && path.iter().zip(sought).all(|(l, k)| k.matches(l))
}

/// The keys as labels, where they are all labels.
fn plain_labels(keys: &[Key]) -> Option<SmallVec<[&str; 4]>> {
    // A loop, not an `Option` collected: this runs for every cell a check reads by a path.
    let mut labels = SmallVec::new();
    for key in keys {
        match key {
            Key::Label(text) => labels.push(text.as_str()),
            Key::Year(_) => return None,
        }
    }
    Some(labels)
}

/// Search the paths for `keys`; `exact` is what the axis's index holds for them as written,
/// when they are plain labels.
fn search(
    table: &Table,
    axis: Axis,
    keys: &[Key],
    exact: Option<&[usize]>,
) -> Result<usize, LookupError> {
    let paths = axis.paths(table);
    match exact {
        None | Some([]) => {}
        Some([one]) => return Ok(*one),
        Some(several) => return Err(ambiguous(paths, several)),
    }
    let index = axis.label_index(table);
    search_among(
        paths,
        index,
        keys,
        candidates(index, paths, keys).as_deref(),
    )
}

/// Search `paths` for `keys`: those of `candidates` only, where given (all others hold no
/// label for some key), and all of them where not.
fn search_among(
    paths: &[LabelPath],
    index: &LabelIndex,
    keys: &[Key],
    candidates: Option<&[usize]>,
) -> Result<usize, LookupError> {
    let spelled = |at: usize| index.spelled(paths, at);
    let sought: SmallVec<[Sought<'_>; 4]> = keys.iter().map(Sought::of).collect();
    let matching = |predicate: &dyn Fn(usize) -> bool| -> Vec<usize> {
        match candidates {
            Some(some) => some.iter().copied().filter(|&at| predicate(at)).collect(),
            None => (0..paths.len()).filter(|&at| predicate(at)).collect(),
        }
    };
    let exact: Vec<usize> = matching(&|at| spelled(at).is_some_and(|p| names_exactly(&p, &sought)));
    if let [one] = exact.as_slice() {
        return Ok(*one);
    }
    if exact.len() > 1 {
        return Err(ambiguous(paths, &exact));
    }
    let in_order = matching(&|at| {
        spelled(at).is_some_and(|p| {
            let mut labels = p.iter();
            sought.iter().all(|k| labels.any(|l| k.matches(l)))
        })
    });
    match in_order.as_slice() {
        [one] => Ok(*one),
        [] => Err(LookupError::NotFound {
            nearest: nearest(paths, index, keys),
        }),
        several => {
            let totals: Vec<usize> = several
                .iter()
                .copied()
                .filter(|&i| {
                    let total = paths.get(i).is_some_and(LabelPath::is_total);
                    total && spelled(i).is_some_and(|p| names_group_total(&p, &sought))
                })
                .collect();
            match totals.as_slice() {
                [one] => Ok(*one),
                _ => Err(ambiguous(paths, several)),
            }
        }
    }
}

/// A row of the text named by the words just before its figure: the one row whose label (the
/// sentence up to the figure) ends with them; among several, the one that is exactly them (a
/// figure at the start of its sentence has only a few words before it).
fn anchored(table: &Table, keys: &[Key]) -> Result<usize, LookupError> {
    let Some((last, outer)) = keys.split_last() else {
        return Err(LookupError::NotFound { nearest: None });
    };
    // Borrowed where a key is a label (the part, the words): a rule names each figure of
    // the text by its own anchor, so each is looked up once and its copies were thrown away.
    let outer: SmallVec<[Cow<'_, str>; 2]> = outer.iter().map(Key::described).collect();
    let words = last.described();
    let anchor = crate::claims::anchor::words_only(&words);
    let hits = table.row_index().ending_with(&outer, &anchor);
    match hits.as_slice() {
        [one] => Ok(*one),
        [] => Err(LookupError::NotFound { nearest: None }),
        several => {
            let exact: Vec<usize> = several
                .iter()
                .copied()
                .filter(|&row| label_words(table, row) == anchor)
                .collect();
            match exact.as_slice() {
                [one] => Ok(*one),
                _ => Err(ambiguous(table.rows(), several)),
            }
        }
    }
}

/// The words of a row's last label (its sentence up to the figure), normalized, its figures
/// as slots: read only for the rows an anchor names together, not for every row up front.
fn label_words(table: &Table, row: usize) -> String {
    table
        .rows()
        .get(row)
        .and_then(LabelPath::last)
        .map(|label| crate::claims::anchor::words_only(&label.full_key()).into_owned())
        .unwrap_or_default()
}

/// The paths a search need compare, where the axis keeps which paths hold each label: those
/// holding a label for the key held by the fewest (every key must be matched by a label of
/// the path). `None`: compare them all.
fn candidates(index: &LabelIndex, paths: &[LabelPath], keys: &[Key]) -> Option<Vec<usize>> {
    // Before any year is spelled out: a short axis is read whole.
    if paths.len() <= crate::table::index::SCANNED {
        return None;
    }
    let mut fewest: Option<SmallVec<[&[u32]; 2]>> = None;
    for key in keys {
        let mut held: SmallVec<[&[u32]; 2]> = SmallVec::new();
        for spelling in spellings_of(key) {
            held.push(index.holding(paths, &spelling)?);
        }
        let count = |lists: &SmallVec<[&[u32]; 2]>| lists.iter().map(|l| l.len()).sum::<usize>();
        if fewest.as_ref().is_none_or(|f| count(&held) < count(f)) {
            fewest = Some(held);
        }
    }
    let mut found: Vec<usize> = fewest?
        .iter()
        .flat_map(|list| list.iter())
        .filter_map(|&at| usize::try_from(at).ok())
        .collect();
    found.sort_unstable();
    found.dedup();
    Some(found)
}

/// `技术开发` names `技术开发/合计` (a total): the path is the keys followed by a label.
fn names_group_total(path: &SpelledPath, sought: &[Sought<'_>]) -> bool {
    path.len() == sought.len() + 1 && path.iter().zip(sought).all(|(l, k)| k.matches(l))
}

fn ambiguous(paths: &[LabelPath], indices: &[usize]) -> LookupError {
    let found: Vec<&LabelPath> = indices.iter().filter_map(|&i| paths.get(i)).collect();
    LookupError::Ambiguous {
        candidates: found.iter().map(ToString::to_string).collect(),
        spans: found
            .iter()
            .filter_map(|path| path.last().map(crate::table::label::Label::span))
            .collect(),
    }
}

/// The path as the rule writes it (`Civilian labor force/Total`, spaces kept, quotes left
/// out), when the token at `span` spells out `keys` — not when a loop variable stands for them.
fn written(source: &SharedSource, span: Span, keys: &[Key]) -> Option<String> {
    let token = source
        .text()
        .get(span.offset..span.offset.checked_add(span.length)?)?;
    let segments = path_segments(token);
    let spelled = segments.len() == keys.len()
        && segments
            .iter()
            .zip(keys)
            .all(|(segment, key)| Key::label(segment) == *key);
    spelled.then(|| segments.join("/"))
}

/// `"Civilian labor force"/Total` → `Civilian labor force`, `Total`: split at the slashes
/// outside quotes, quotes left out.
fn path_segments(token: &str) -> Vec<String> {
    let mut segments = vec![String::new()];
    let mut quoted = false;
    for c in token.chars() {
        match c {
            '"' => quoted = !quoted,
            '/' if !quoted => segments.push(String::new()),
            c => segments.last_mut().into_iter().for_each(|s| s.push(c)),
        }
    }
    segments.iter().map(|s| s.trim().to_string()).collect()
}

/// The path from its keys, a year written as the table prints its years: `2021年` in a table
/// whose years carry the suffix, `1986` in one whose years do not.
fn described(table: &Table, axis: Axis, keys: &[Key]) -> String {
    let suffixed = axis
        .paths(table)
        .iter()
        .flat_map(LabelPath::labels)
        .any(|label| label.key().ends_with('年') && year_of(&label.key()).is_some());
    keys.iter()
        .map(|key| match key {
            Key::Year(year) if !suffixed => year.to_string(),
            key => key.describe(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The label closest to the first key that no path has, for "did you mean". A long axis's
/// labels are scored on every core: a record file's million took 0.3 s more on one.
fn nearest(paths: &[LabelPath], index: &LabelIndex, keys: &[Key]) -> Option<String> {
    use rayon::prelude::*;
    let wanted = missing_label(paths, index, keys)?;
    let best = if paths.len() > crate::table::index::SCANNED {
        paths
            .par_iter()
            .filter_map(|path| most_like(path.labels(), wanted))
            .reduce_with(|first, later| if later.0 > first.0 { later } else { first })
    } else {
        most_like(paths.iter().flat_map(LabelPath::labels), wanted)
    };
    // As printed, spaces kept: `Percent of labor force`, not `Percentoflaborforce`.
    best.map(|(_, label)| label.name().to_string())
}

/// The first key of `keys` that is a label no path has. On a long axis, only the paths the
/// index finds holding the label's text are compared with it (two texts may share a hash).
pub fn missing_label<'k>(
    paths: &[LabelPath],
    index: &LabelIndex,
    keys: &'k [Key],
) -> Option<&'k str> {
    let holds = |key: &Key, path: &LabelPath| path.labels().iter().any(|l| key.matches(l));
    keys.iter().find_map(|key| {
        let Key::Label(text) = key else { return None };
        let held = match index.holding(paths, text) {
            Some(some) => some
                .iter()
                .filter_map(|&at| paths.get(usize::try_from(at).ok()?))
                .any(|path| holds(key, path)),
            None => paths.iter().any(|path| holds(key, path)),
        };
        (!held).then_some(text.as_str())
    })
}

/// Of `labels`, the one most like `wanted` (normalized), if any is close enough to suggest.
pub fn nearest_label<'l>(
    labels: impl IntoIterator<Item = &'l crate::table::label::Label>,
    wanted: &str,
) -> Option<&'l crate::table::label::Label> {
    most_like(labels, wanted).map(|(_, label)| label)
}

/// [`nearest_label`] with its likeness: the first of the likest, past 0.3.
fn most_like<'l>(
    labels: impl IntoIterator<Item = &'l crate::table::label::Label>,
    wanted: &str,
) -> Option<(f64, &'l crate::table::label::Label)> {
    let mut best: Option<(f64, &crate::table::label::Label)> = None;
    for label in labels {
        let score = strsim::normalized_levenshtein(wanted, &label.key());
        if score > best.as_ref().map_or(0.3, |(s, _)| *s) {
            best = Some((score, label));
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;
    use crate::table::TableMeta;
    use crate::table::read::{Layout, parse_table};
    use std::sync::Arc;

    fn table(csv: &str, header_rows: usize, label_columns: usize) -> Table {
        let source = Arc::new(SourceFile::new("t.csv", csv.to_string()));
        let layout = Layout::plain(header_rows, label_columns);
        parse_table(&source, TableMeta::default(), layout).unwrap()
    }

    fn a10() -> Table {
        let csv = "类别,,合同数,,成交额,\n,,项数/项,增长/%,金额/亿元,增长/%\n\
                   技术开发,合计,3,1.0,3.0,1.0\n,委托开发,2,1.0,2.0,1.0\n,合作开发,1,1.0,1.0,1.0\n\
                   技术咨询,,1,1.0,1.0,1.0\n总计,,4,1.0,4.0,1.0\n";
        table(csv, 2, 2)
    }

    fn keys(path: &str) -> Vec<Key> {
        path.split('/').map(Key::label).collect()
    }

    #[test]
    fn exact_in_order_and_group_total_matches() {
        let t = a10();
        assert_eq!(lookup(&t, Axis::Row, &keys("技术开发/委托开发")), Ok(1));
        assert_eq!(lookup(&t, Axis::Row, &keys("委托开发")), Ok(1));
        assert_eq!(lookup(&t, Axis::Row, &keys("技术开发")), Ok(0));
        assert_eq!(lookup(&t, Axis::Row, &keys("技术咨询")), Ok(3));
        assert_eq!(lookup(&t, Axis::Column, &keys("金额")), Ok(2));
        assert_eq!(lookup(&t, Axis::Column, &keys("成交额/增长")), Ok(3));
    }

    #[test]
    fn ambiguous_and_unknown_labels_say_why() {
        let t = a10();
        assert!(matches!(
            lookup(&t, Axis::Column, &keys("增长")),
            Err(LookupError::Ambiguous { candidates, .. }) if candidates.len() == 2
        ));
        assert_eq!(
            lookup(&t, Axis::Row, &keys("委托开法")),
            Err(LookupError::NotFound {
                nearest: Some("委托开发".to_string())
            })
        );
    }

    #[test]
    fn a_year_label_finds_the_year_however_it_is_printed() {
        assert_eq!(Key::label("2012"), Key::Year(2012));
        assert_eq!(Key::label("2012 年"), Key::Year(2012));
        assert_eq!(Key::label("合计"), Key::Label("合计".into()));
    }

    #[test]
    fn a_word_is_the_key_its_label_is() {
        for word in [
            "2021年",
            "2021",
            "合计",
            "技术开发",
            "R&D经费",
            "其中：深圳",
            "x",
        ] {
            assert_eq!(Key::word(word), Key::label(word), "{word}");
        }
    }

    /// A search compares labels spelled out once as [`Key::matches`] compares them: units
    /// (`金额/亿元`, `增长/%`), whitespace, years with and without `年`, "of which" names.
    #[test]
    fn a_spelled_label_answers_as_the_label_does() {
        let labels = [
            "金额 / 亿元",
            "增长(%)",
            "2021年",
            "2021",
            "2021 年",
            "其中：深圳",
            "合 计",
        ];
        let keys = [
            "金额",
            "金额/亿元",
            "增长",
            "增长(%)",
            "2021",
            "2021年",
            "深圳",
            "合计",
            "x",
        ];
        for text in labels {
            let label = crate::table::label::Label::new(text, Span::default());
            let spelled = SpelledLabel::of(&label);
            for key in keys.iter().map(|k| Key::label(k)).chain([Key::Year(2021)]) {
                assert_eq!(
                    Sought::of(&key).matches(&spelled),
                    key.matches(&label),
                    "{text} {key:?}"
                );
            }
        }
    }

    fn records(ids: impl Iterator<Item = String>) -> Table {
        let mut csv = "id,x\n".to_string();
        for id in ids {
            csv.push_str(&format!("{id},1.0\n"));
        }
        table(&csv, 1, 1)
    }

    /// Ids of four digits read as years (`1042` matches `1042年`): among 5 000 records, each is
    /// found among the rows holding that id, not by spelling out every row to compare (a rule
    /// naming 2 000 records of 10⁵ one by one took 6.5 s).
    #[test]
    fn a_record_whose_id_reads_as_a_year_is_found_among_its_rows_only() {
        let table = records((1..=5000).map(|id| id.to_string()));
        crate::tally::take(crate::tally::Work::PathsSpelled);
        for id in 1000..=5000 {
            assert_eq!(Key::label(&id.to_string()), Key::Year(id));
            let row = usize::try_from(id - 1).unwrap();
            assert_eq!(lookup(&table, Axis::Row, &keys(&id.to_string())), Ok(row));
        }
        // The one row holding the id, compared as a search compares it.
        let spelled = crate::tally::take(crate::tally::Work::PathsSpelled);
        assert_eq!(spelled, 4001);
    }

    /// On a short axis, read whole, and on a long one, where only the rows holding either
    /// spelling of the year are compared.
    #[test]
    fn a_year_is_found_however_its_row_prints_it_and_twice_is_ambiguous() {
        for others in [0, 5000] {
            let printed = ["2020年", "2021", "2022 年", "2022"].map(String::from);
            let table = records(
                printed
                    .into_iter()
                    .chain((0..others).map(|n| format!("r{n}"))),
            );
            years_found_however_printed(&table);
        }
    }

    fn years_found_however_printed(table: &Table) {
        assert_eq!(lookup(table, Axis::Row, &keys("2020")), Ok(0));
        assert_eq!(lookup(table, Axis::Row, &keys("2021年")), Ok(1));
        assert!(matches!(
            lookup(table, Axis::Row, &keys("2022")),
            Err(LookupError::Ambiguous { candidates, .. }) if candidates.len() == 2
        ));
        assert!(matches!(
            lookup(table, Axis::Row, &keys("2023")),
            Err(LookupError::NotFound { .. })
        ));
    }

    /// On a long axis: the rows holding either spelling of the year, or the label, compared.
    #[test]
    fn a_path_of_a_label_and_a_year_is_found_by_either_spelling_of_its_year() {
        let mut csv = "group,year,x\nA,2020年,1\n,2021,1\nB,2021年,1\n,2022,1\n".to_string();
        for n in 0..5000 {
            csv.push_str(&format!("C,r{n},1\n"));
        }
        let table = table(&csv, 1, 2);
        assert!(table.rows().len() > crate::table::index::SCANNED);
        assert_eq!(lookup(&table, Axis::Row, &keys("A/2020")), Ok(0));
        assert_eq!(lookup(&table, Axis::Row, &keys("A/2021年")), Ok(1));
        assert_eq!(lookup(&table, Axis::Row, &keys("B/2021")), Ok(2));
        // Not a path as printed: searched for, in order, as before.
        assert_eq!(lookup(&table, Axis::Row, &keys("2022")), Ok(3));
    }

    /// On an axis too long to read whole, a search reads only the paths holding a label for
    /// one of its keys, and answers as reading all of them does: exact, in order, group
    /// totals, "of which" names, units, years, ambiguous and unknown paths.
    #[test]
    fn a_search_among_the_paths_holding_a_key_answers_as_a_search_of_all() {
        let groups = ["A", "B", "2021年", "其中：C", "D / 亿元"];
        let mut csv = "group,item,x\n".to_string();
        for block in 0..1000 {
            let items = [
                "合计".to_string(),
                block.to_string(),
                format!("其中：{block}"),
                format!("x{block} / 亿元"),
                (1000 + block).to_string(),
            ];
            for (n, item) in items.iter().enumerate() {
                let group = if n == 0 { groups[block % 5] } else { "" };
                csv.push_str(&format!("{group},{item},1\n"));
            }
        }
        let table = table(&csv, 1, 2);
        let (paths, index) = (table.rows(), table.row_index());
        assert!(paths.len() > crate::table::index::SCANNED);
        let looked_up = [
            "A",
            "B/合计",
            "A/合计",
            "合计",
            "2021",
            "2021年/7",
            "C",
            "其中：C",
            "D",
            "D/亿元",
            "7",
            "其中：7",
            "x7",
            "x7/亿元",
            "x7(亿元)",
            "1007",
            "B/1001",
            "nothing",
            "A/5",
            "2021/1007",
            "A/2021",
            "B/x6",
            "D/13",
        ];
        for path in looked_up {
            let keys = keys(path);
            let among = candidates(index, paths, &keys);
            assert!(among.as_ref().is_some_and(|a| a.len() <= 1000), "{path}");
            let answer = search_among(paths, index, &keys, among.as_deref());
            assert_eq!(answer, search_among(paths, index, &keys, None), "{path}");
        }
        // Block 7 prints rows 35–39 under `2021年`, block 6 rows 30–34 under `B`.
        for (path, row) in [
            ("其中：7", 37),
            ("x7", 38),
            ("1007", 39),
            ("B/1001", 9),
            ("B/x6", 33),
        ] {
            assert_eq!(lookup(&table, Axis::Row, &keys(path)), Ok(row), "{path}");
        }
    }

    /// Records named by id in a file with two label columns: each search spells out the paths
    /// holding that id, not every row (20 ms a name among 10⁵ records before).
    #[test]
    fn a_record_found_in_order_is_searched_among_its_ids_rows_only() {
        let mut csv = "id,size,x\n".to_string();
        for id in 1..=5000 {
            csv.push_str(&format!("{id},sc{},1\n", id % 3));
        }
        let table = table(&csv, 1, 2);
        crate::tally::take(crate::tally::Work::PathsSpelled);
        for id in (1..=5000).step_by(25) {
            let row = usize::try_from(id - 1).unwrap();
            assert_eq!(lookup(&table, Axis::Row, &keys(&id.to_string())), Ok(row));
        }
        // Twice per name at most: to compare exactly, then in order.
        assert!(crate::tally::take(crate::tally::Work::PathsSpelled) <= 2 * 200);
    }

    /// A long axis finds its missing label through the index, and scores its labels on every
    /// core: the answers are a scan's, the first of the likest labels among them.
    #[test]
    fn a_long_axis_tells_its_missing_label_and_nearest_as_a_scan_does() {
        let mut csv = "项目,x\n其中：深圳,1\n成交额（亿元）,1\n".to_string();
        for n in 0..5000 {
            csv.push_str(&format!("r{n},1\n"));
        }
        let table = table(&csv, 1, 1);
        let (paths, index) = (table.rows(), table.row_index());
        assert!(paths.len() > crate::table::index::SCANNED);
        let scanned = |wanted: &str| {
            most_like(paths.iter().flat_map(LabelPath::labels), wanted)
                .map(|(_, l)| l.name().to_string())
        };
        for (path, missing) in [
            ("r7", None),
            ("深圳", None),
            ("成交额", None),
            ("成交额（亿元）", None),
            ("r7/nosuch", Some("nosuch")),
            ("r9999", Some("r9999")),
            ("深圳市", Some("深圳市")),
        ] {
            assert_eq!(missing_label(paths, index, &keys(path)), missing, "{path}");
        }
        // r999, r1999, … r4999 are all one letter from r9999: the first is the answer.
        assert_eq!(scanned("r9999"), Some("r999".to_string()));
        for wanted in ["r9999", "深圳市", "成交"] {
            let nearest = lookup(&table, Axis::Row, &keys(wanted));
            assert_eq!(
                nearest,
                Err(LookupError::NotFound {
                    nearest: scanned(wanted)
                }),
                "{wanted}"
            );
        }
    }

    #[test]
    fn years_match_with_or_without_the_year_character() {
        assert_eq!(year_of("2021年"), Some(2021));
        assert_eq!(year_of("2021"), Some(2021));
        assert_eq!(year_of("合计"), None);
    }
}
