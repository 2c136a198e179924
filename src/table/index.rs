//! An exact-match index of one axis's label paths, built the first time a rule looks a label
//! up in the table, so naming a row among thousands is a hash lookup, not a scan.

use super::label::{Label, LabelPath, next_change};
use crate::claims::anchor::words_only_prefixes;
use crate::engine::resolve::{Key, LookupError};
use compact_str::CompactString;
use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;
use smallvec::SmallVec;
use std::borrow::Cow;
use std::hash::BuildHasher;
use std::sync::{Mutex, OnceLock};

/// Answers kept per axis at most: enough for every path a rule set names, bounded for a rule
/// that looks up each of a million records' labels in another table.
const REMEMBERED: usize = 1 << 16;

/// Separates the labels of a path in an index key; it never occurs in a label.
const SEPARATOR: char = '\u{1f}';

/// A label's key, and its full key where that differs ([`Label::key_and_full_key`]).
type LabelKeys<'a> = (Cow<'a, str>, Option<Cow<'a, str>>);

/// Paths by their joined keys (`技术开发␟委托开发`) and by their joined full texts.
#[derive(Debug, Default)]
pub struct LabelIndex {
    exact: Exact,
    /// Each path's outer labels' keys: what an anchored lookup (the figures of the text)
    /// compares, without normalizing per lookup. Only an anchored index has them.
    anchors: Vec<Vec<Box<str>>>,
    /// The answer to each path searched for so far.
    found: Mutex<Answers>,
    /// Hashes the paths looked up, once each ([`Answers`]).
    hasher: foldhash::fast::RandomState,
    /// Each path's labels as a search compares them, made on the first search: a search
    /// compared every label by splitting off its unit and normalizing it again, 1.0 M
    /// instructions of the book's compile (1 755 comparisons).
    spelled: OnceLock<Vec<SpelledPath>>,
    /// For an axis longer than [`SCANNED`]: the paths holding each label text a search may
    /// seek, made on the first search ([`LabelIndex::holding`]).
    holding: OnceLock<Holding>,
    /// For the figures of the text: the paragraph up to each figure, normalized, which
    /// [`LabelIndex::ending_with`] compares. An anchor may reach back past the sentence into
    /// it when the sentence alone does not tell two figures apart (a figure at the start of a
    /// sentence, clauses that open with the same words). Written backwards and sorted, with
    /// its path: the paths that end with an anchor are one range, found by a binary search
    /// instead of a scan of every path per anchor (the text's 838 figures each looked up by
    /// anchor read 838 paragraphs).
    reversed: Vec<(Box<[u8]>, usize)>,
}

impl LabelIndex {
    pub fn build(paths: &[LabelPath]) -> Self {
        let exact = if paths.len() > SCANNED && u32::try_from(paths.len()).is_ok() {
            Exact::Hashed(hashed_paths(paths))
        } else {
            Exact::Keyed(keyed_paths(paths))
        };
        Self {
            exact,
            anchors: Vec::new(),
            found: Mutex::default(),
            hasher: foldhash::fast::RandomState::default(),
            spelled: OnceLock::new(),
            holding: OnceLock::new(),
            reversed: Vec::new(),
        }
    }

    /// The index of an anchored axis: `paragraph` gives the text of the paragraph up to the end
    /// of a path's last label (whitespace aside: it is normalized here), best as a slice of
    /// the source rather than a copy.
    /// Figures in the paragraphs are slots ([`words_only`]): an anchor matches the words,
    /// whatever the figures are.
    ///
    /// [`words_only`]: crate::claims::anchor::words_only
    pub fn build_anchored<'p>(
        paths: &[LabelPath],
        paragraph: impl Fn(&Label) -> Cow<'p, str> + Sync,
    ) -> Self {
        let texts: Vec<Option<Cow<'p, str>>> = paths
            .par_iter()
            .map(|path| path.last().map(&paragraph))
            .collect();
        let reversed = reversed_endings(words_only_paragraphs(&texts));
        // Only the outer labels, a few letters each: a path is found by its paragraph, which
        // ends with its last label, and only where several are found is one told apart by its
        // label alone (`resolve::anchored`).
        let anchors = paths
            .iter()
            .map(|path| {
                let labels = path.labels();
                labels
                    .iter()
                    .take(labels.len().saturating_sub(1))
                    .map(|l| l.key().into())
                    .collect()
            })
            .collect();
        // No exact map: an anchored axis is only found by its anchors, never by its labels as
        // written (`resolve::plain_labels`), and its labels are whole sentences to join.
        Self {
            exact: Exact::Keyed(HashMap::default()),
            anchors,
            found: Mutex::default(),
            hasher: foldhash::fast::RandomState::default(),
            spelled: OnceLock::new(),
            holding: OnceLock::new(),
            reversed,
        }
    }

    /// The paths whose outer labels include `outer` (in order) and whose paragraph ends with
    /// `anchor` — all normalized, and the figures of an anchored index's paragraphs and of
    /// `anchor` read as slots.
    pub fn ending_with(&self, outer: &[impl AsRef<str>], anchor: &str) -> Vec<usize> {
        ending(&self.reversed, anchor)
            .into_iter()
            .filter(|&index| {
                let mut labels = self.anchors.get(index).into_iter().flatten();
                outer
                    .iter()
                    .all(|o| labels.any(|l| l.as_ref() == o.as_ref()))
            })
            .collect()
    }

    /// The answer for `keys`: the one kept, or `search`'s, kept for next time.
    pub fn remembered(
        &self,
        keys: &[Key],
        search: impl FnOnce() -> Result<usize, LookupError>,
    ) -> Result<usize, LookupError> {
        let hash = self.hasher.hash_one(keys);
        if let Some(answer) = self.answers().get(hash, keys) {
            return answer.clone();
        }
        let answer = search();
        self.answers().keep(hash, keys, &answer);
        answer
    }

    fn answers(&self) -> std::sync::MutexGuard<'_, Answers> {
        // A poisoned lock only means another thread panicked: the answers kept are whole.
        self.found
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Path `at` of `paths` (the paths this index was built from) as a search compares it:
    /// kept for an axis of up to [`SCANNED`] paths, which a search reads whole, made each time
    /// for a longer one, whose searches read only the paths [`LabelIndex::holding`] gives (a
    /// record file's million rows would hold about 120 MB more).
    pub fn spelled<'p>(&'p self, paths: &[LabelPath], at: usize) -> Option<Cow<'p, SpelledPath>> {
        if paths.len() > SCANNED {
            return paths.get(at).map(|path| Cow::Owned(spell(path)));
        }
        let kept = crate::made_once::get_or_make(&self.spelled, || {
            paths.iter().map(spell).collect::<Vec<SpelledPath>>()
        });
        kept.get(at).map(Cow::Borrowed)
    }

    /// The paths holding a label that answers to `text` (normalized) by its key, its full key or
    /// its "of which" name, in order: every path a search for `text` can find is among them
    /// (and, rarely, a path holding a text of the same hash).
    /// `None` for an axis of up to [`SCANNED`] paths, which a search reads whole: a rule naming
    /// records of a file with two label columns one by one (`SBS[1042, x]`, found in order in
    /// `1042/sc2`) searched all 10⁵ of them for each name, 20 ms a name.
    pub fn holding(&self, paths: &[LabelPath], text: &str) -> Option<&[u32]> {
        if paths.len() <= SCANNED || u32::try_from(paths.len()).is_err() {
            return None;
        }
        let holding = crate::made_once::get_or_make(&self.holding, || paths_by_label(paths));
        let hash = hash_parts(std::iter::once(text));
        let from = holding.hashes.partition_point(|&h| h < hash);
        let to = holding.hashes.partition_point(|&h| h <= hash);
        Some(holding.paths.get(from..to).unwrap_or_default())
    }

    /// The paths whose labels are exactly these normalized keys (or full texts), in order.
    /// `paths` gives the paths this index was built from, which a long axis compares.
    #[inline]
    pub fn exact<'p>(
        &'p self,
        paths: impl FnOnce() -> &'p [LabelPath],
        keys: &[&str],
    ) -> Cow<'p, [usize]> {
        match &self.exact {
            // Most paths rules name are one label: looked up as it is, with nothing to join.
            Exact::Keyed(by_keys) => {
                let joined;
                let key = match keys {
                    [one] => *one,
                    several => {
                        joined = joined_inline(several);
                        joined.as_str()
                    }
                };
                // One look-up in the map, which the compiler writes in place.
                Cow::Borrowed(by_keys.get(key).map_or(&[], |hits| hits.as_slice()))
            }
            Exact::Hashed(hashed) => Cow::Owned(hashed_hits(hashed, paths(), keys)),
        }
    }
}

/// The paths of a long axis whose labels are exactly `keys`: those of their hash, compared.
fn hashed_hits(hashed: &[(u64, u32)], paths: &[LabelPath], keys: &[&str]) -> Vec<usize> {
    let hash = hash_parts(keys.iter().copied());
    let from = hashed.partition_point(|&(h, _)| h < hash);
    let to = hashed.partition_point(|&(h, _)| h <= hash);
    hashed
        .get(from..to)
        .unwrap_or_default()
        .iter()
        .map(|&(_, at)| at as usize)
        .filter(|&at| paths.get(at).is_some_and(|path| names_exactly(path, keys)))
        .collect()
}

/// The exact-match part of an index: where its paths are found by their labels as written.
#[derive(Debug)]
enum Exact {
    /// Paths by their joined keys (`技术开发␟委托开发`) and by their joined full texts: an
    /// axis of up to [`SCANNED`] paths.
    Keyed(HashMap<Box<str>, SmallVec<[usize; 1]>>),
    /// A longer axis's: the hash of each path's joined keys (and of its joined full texts),
    /// beside the path, sorted; a path found by its hash is then compared label by label.
    /// Each key kept as a string, a record file's 10⁶ row labels took 0.9 s and 140 MB to
    /// index, for a rule that names one record.
    Hashed(Vec<(u64, u32)>),
}

impl Default for Exact {
    fn default() -> Self {
        Exact::Keyed(HashMap::default())
    }
}

fn keyed_paths(paths: &[LabelPath]) -> HashMap<Box<str>, SmallVec<[usize; 1]>> {
    crate::tally::add(crate::tally::Work::PathsKeyed, paths.len());
    // Made at its size: grown from empty, its rehashing was a third of the building.
    let mut exact: HashMap<Box<str>, SmallVec<[usize; 1]>> = HashMap::with_capacity(paths.len());
    for (index, path) in paths.iter().enumerate() {
        let keys: SmallVec<[LabelKeys<'_>; 2]> =
            path.labels().iter().map(Label::key_and_full_key).collect();
        // A path's whole texts are its keys unless a label prints a unit.
        if keys.iter().any(|(_, full)| full.is_some()) {
            let by_text = join(keys.iter().map(|(key, full)| full.as_ref().unwrap_or(key)));
            exact.entry(by_text.into()).or_default().push(index);
        }
        let by_key = join(keys.iter().map(|(key, _)| key));
        exact.entry(by_key.into()).or_default().push(index);
    }
    exact
}

/// Each path's hashes ([`Exact::Hashed`]), worked out on every core, then sorted.
fn hashed_paths(paths: &[LabelPath]) -> Vec<(u64, u32)> {
    let mut hashed: Vec<(u64, u32)> = paths
        .par_iter()
        .enumerate()
        .flat_map_iter(|(index, path)| {
            let keys: SmallVec<[LabelKeys<'_>; 2]> =
                path.labels().iter().map(Label::key_and_full_key).collect();
            let by_key = hash_parts(keys.iter().map(|(key, _)| key.as_ref()));
            let by_text = keys.iter().any(|(_, full)| full.is_some()).then(|| {
                hash_parts(
                    keys.iter()
                        .map(|(key, full)| full.as_deref().unwrap_or(key.as_ref())),
                )
            });
            let index = u32::try_from(index).unwrap_or(u32::MAX);
            std::iter::once((by_key, index)).chain(by_text.map(|hash| (hash, index)))
        })
        .collect();
    hashed.par_sort_unstable();
    hashed.dedup();
    hashed
}

/// The hash of labels joined by [`SEPARATOR`], without joining them.
fn hash_parts<'s>(parts: impl Iterator<Item = &'s str>) -> u64 {
    use std::hash::Hasher;
    let mut state = foldhash::fast::FixedState::with_seed(0x1abe1).build_hasher();
    for (index, part) in parts.enumerate() {
        if index > 0 {
            state.write(SEPARATOR.encode_utf8(&mut [0; 4]).as_bytes());
        }
        state.write(part.as_bytes());
    }
    state.finish()
}

/// Whether `path`'s labels are exactly `keys`: each its key, or each its full text where it
/// prints a unit (and its key where not).
fn names_exactly(path: &LabelPath, keys: &[&str]) -> bool {
    let labels = path.labels();
    if labels.len() != keys.len() {
        return false;
    }
    let spelled: SmallVec<[LabelKeys<'_>; 2]> =
        labels.iter().map(Label::key_and_full_key).collect();
    let by_key = spelled.iter().zip(keys).all(|((key, _), k)| key == k);
    by_key
        || spelled
            .iter()
            .zip(keys)
            .all(|((key, full), k)| full.as_deref().unwrap_or(key.as_ref()) == *k)
}

/// The answers of the searches made, by their paths' hashes: a path looked up is hashed once,
/// its answer found or kept, and growing the map moves the answers without hashing their
/// paths again (keyed by the paths, a search hashed its path twice, and each growth every
/// path kept: 0.26 M instructions of the book's run went to growing it).
#[derive(Debug, Default)]
struct Answers {
    by_hash: HashMap<u64, SmallVec<[Answer; 1]>>,
    /// How many answers are kept, at most [`REMEMBERED`].
    kept: usize,
}

type Answer = (Box<[Key]>, Result<usize, LookupError>);

impl Answers {
    fn get(&self, hash: u64, keys: &[Key]) -> Option<&Result<usize, LookupError>> {
        let answers = self.by_hash.get(&hash)?;
        answers
            .iter()
            .find(|(kept, _)| kept.as_ref() == keys)
            .map(|(_, answer)| answer)
    }

    /// Keep `answer` for `keys`, unless it is kept (another thread searched at the same time)
    /// or [`REMEMBERED`] answers are.
    fn keep(&mut self, hash: u64, keys: &[Key], answer: &Result<usize, LookupError>) {
        if self.kept >= REMEMBERED || self.get(hash, keys).is_some() {
            return;
        }
        self.by_hash
            .entry(hash)
            .or_default()
            .push((keys.into(), answer.clone()));
        self.kept += 1;
    }
}

/// Paths an axis may have for a search to read them all.
pub(crate) const SCANNED: usize = 1 << 12;

/// The hash of each text a label answers to (its key, its full key, its "of which" name),
/// sorted, beside the path that holds such a label: the paths holding a text are one range,
/// in order. Kept as a map of the texts, a record file's 10⁶ rows took 0.5 s to index for a
/// rule naming one record by a year-like id (`REC[1042, x]`) or a label no row has.
#[derive(Debug, Default)]
struct Holding {
    hashes: Vec<u64>,
    paths: Vec<u32>,
}

fn paths_by_label(paths: &[LabelPath]) -> Holding {
    let mut held: Vec<(u64, u32)> = paths
        .par_iter()
        .enumerate()
        .flat_map_iter(|(index, path)| {
            let index = u32::try_from(index).unwrap_or(u32::MAX);
            let mut hashes: SmallVec<[(u64, u32); 4]> = SmallVec::new();
            for label in path.labels() {
                let (key, full_key) = label.key_and_full_key();
                let of_which = super::label::of_which_name(&key);
                for text in [Some(key.as_ref()), full_key.as_deref(), of_which]
                    .into_iter()
                    .flatten()
                {
                    hashes.push((hash_parts(std::iter::once(text)), index));
                }
            }
            hashes
        })
        .collect();
    held.par_sort_unstable();
    held.dedup();
    let (hashes, paths) = held.into_iter().unzip();
    Holding { hashes, paths }
}

/// A path's labels as [`SpelledLabel`]s; most paths have one or two.
pub type SpelledPath = SmallVec<[SpelledLabel; 2]>;

fn spell(path: &LabelPath) -> SpelledPath {
    crate::tally::add(crate::tally::Work::PathsSpelled, 1);
    path.labels().iter().map(SpelledLabel::of).collect()
}

/// What a rule's segment is compared with ([`crate::engine::resolve::Key::matches`]): a
/// label's key, its full key where that differs, and the year its key names.
#[derive(Debug, Clone)]
pub struct SpelledLabel {
    pub key: CompactString,
    pub full_key: Option<CompactString>,
    pub year: Option<i32>,
}

impl SpelledLabel {
    pub(crate) fn of(label: &Label) -> Self {
        let (key, full_key) = label.key_and_full_key();
        Self {
            year: crate::engine::resolve::year_of(&key),
            key: CompactString::from(key.as_ref()),
            full_key: full_key.map(|full| CompactString::from(full.as_ref())),
        }
    }
}

/// The labels joined by [`SEPARATOR`], in a string made once at its size — exactly: a key
/// kept in the index is made a `Box<str>`, which a string with room to spare is copied into.
fn join<S: AsRef<str>>(parts: impl Iterator<Item = S> + Clone) -> String {
    let size = parts
        .clone()
        .map(|part| part.as_ref().len() + SEPARATOR.len_utf8())
        .sum::<usize>()
        .saturating_sub(SEPARATOR.len_utf8());
    let mut joined = String::with_capacity(size);
    for (index, part) in parts.enumerate() {
        if index > 0 {
            joined.push(SEPARATOR);
        }
        joined.push_str(part.as_ref());
    }
    joined
}

/// [`join`] for a lookup, into a string that holds up to 24 bytes without an allocation
/// (`成交额␟金额` is 16): the key is looked up and dropped, never kept.
fn joined_inline(keys: &[&str]) -> CompactString {
    let mut joined = CompactString::default();
    for (index, key) in keys.iter().enumerate() {
        if index > 0 {
            joined.push(SEPARATOR);
        }
        joined.push_str(key);
    }
    joined
}

/// Each path's paragraph written backwards, with its path, sorted: a text ends with an anchor
/// when, backwards, it starts with the anchor backwards. Byte by byte: an anchor's bytes end a
/// text's exactly where its characters do (UTF-8 tells where a character starts), and
/// reversing bytes decodes no character. Each reversed where it lies, not copied.
fn reversed_endings(paragraphs: Vec<Box<str>>) -> Vec<(Box<[u8]>, usize)> {
    let mut reversed: Vec<(Box<[u8]>, usize)> = paragraphs
        .into_iter()
        .enumerate()
        .map(|(index, text)| {
            let mut bytes = text.into_boxed_bytes();
            bytes.reverse();
            (bytes, index)
        })
        .collect();
    reversed.sort_unstable();
    reversed
}

/// The paths (ascending) of the texts of `reversed` ([`reversed_endings`]) that end with
/// `anchor`: one range of them, found by a binary search.
fn ending(reversed: &[(Box<[u8]>, usize)], anchor: &str) -> Vec<usize> {
    let backwards: Vec<u8> = anchor.bytes().rev().collect();
    let first = reversed.partition_point(|(text, _)| text.as_ref() < backwards.as_slice());
    let mut ending: Vec<usize> = reversed
        .get(first..)
        .unwrap_or_default()
        .iter()
        .take_while(|(text, _)| text.starts_with(&backwards))
        .map(|&(_, index)| index)
        .collect();
    ending.sort_unstable();
    ending
}

/// Each paragraph normalized, its figures as slots ([`words_only`]). The figures of one line
/// of the text have paragraphs that are prefixes of one another: such a run is read once, as
/// its longest paragraph, and side by side with the other runs.
///
/// [`words_only`]: crate::claims::anchor::words_only
fn words_only_paragraphs<T: AsRef<str> + Sync>(texts: &[Option<T>]) -> Vec<Box<str>> {
    let mut runs: Vec<&[Option<T>]> = Vec::new();
    let mut start = 0;
    for (index, pair) in texts.windows(2).enumerate() {
        let extends = matches!(pair, [Some(shorter), Some(longer)]
            if longer.as_ref().starts_with(shorter.as_ref()));
        if !extends {
            runs.extend(texts.get(start..=index));
            start = index + 1;
        }
    }
    runs.extend(texts.get(start..).filter(|rest| !rest.is_empty()));
    runs.par_iter()
        .map(|run| match run.last() {
            Some(Some(longest)) => {
                let ends: Vec<usize> = run
                    .iter()
                    .map(|text| text.as_ref().map_or(0, |text| text.as_ref().len()))
                    .collect();
                let longest = longest.as_ref();
                let (normalized, ends) = normalized_with_ends(longest, &ends);
                words_only_prefixes(&normalized, &ends)
                    .into_iter()
                    .map(String::into_boxed_str)
                    .collect()
            }
            _ => vec![Box::default(); run.len()],
        })
        .collect::<Vec<Vec<Box<str>>>>()
        .into_iter()
        .flatten()
        .collect()
}

/// `text` normalized ([`normalize`]), and where each of `ends` (ascending bytes of `text`)
/// falls in it: before it, the whitespace normalizing leaves out is gone, and each full-width
/// character it reads as ASCII is one byte. One reading of the text for both.
///
/// [`normalize`]: super::label::normalize
fn normalized_with_ends(text: &str, ends: &[usize]) -> (String, Vec<usize>) {
    let mut normalized = String::with_capacity(text.len());
    let mut mapped = Vec::with_capacity(ends.len());
    let mut pending = ends.iter().copied().peekable();
    let mut run = 0;
    while let Some(change) = next_change(text, run) {
        let at = change.at;
        normalized.push_str(text.get(run..at).unwrap_or_default());
        // What is left out before this change is all that is before an end up to here.
        let left_out = at - normalized.len();
        while let Some(end) = pending.next_if(|&end| end <= at) {
            mapped.push(end.saturating_sub(left_out));
        }
        normalized.extend(change.twin);
        run = at + change.width;
    }
    normalized.push_str(text.get(run..).unwrap_or_default());
    let left_out = text.len() - normalized.len();
    mapped.extend(pending.map(|end| end.saturating_sub(left_out)));
    (normalized, mapped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::anchor::words_only;

    /// An axis longer than [`SCANNED`] spells each path when asked, as a shorter one keeps
    /// them: the same spellings, none held.
    #[test]
    fn a_long_axis_spells_its_paths_when_asked_and_keeps_none() {
        let path = |n: usize| {
            LabelPath::new([
                Label::new(
                    &format!("{}年", 2000 + n % 30),
                    crate::source::Span::default(),
                ),
                Label::new(
                    &format!("成交额 {n} / 亿元"),
                    crate::source::Span::default(),
                ),
            ])
        };
        let long: Vec<LabelPath> = (0..=SCANNED).map(path).collect();
        let short: Vec<LabelPath> = long.iter().take(3).cloned().collect();
        let (long_index, short_index) = (LabelIndex::build(&long), LabelIndex::build(&short));
        for at in 0..3 {
            let (Some(Cow::Owned(made)), Some(Cow::Borrowed(kept))) = (
                long_index.spelled(&long, at),
                short_index.spelled(&short, at),
            ) else {
                panic!("the long axis should make its spelling, the short one keep it");
            };
            assert_eq!(format!("{made:?}"), format!("{kept:?}"));
        }
        assert!(long_index.spelled.get().is_none());
        assert!(long_index.spelled(&long, long.len()).is_none());
    }
    use crate::table::label::normalize;
    use proptest::prelude::*;

    /// A long axis finds a path by the hash of its labels, then compares them: what the keys
    /// of a short one give, for every path's keys and full texts, one of two paths printed
    /// alike, an "of which" row's name, part of a path and a label no path has.
    /// [`SCANNED`] records `r0`, `r1`, …, then six paths: a name, an "of which" row of it, a
    /// label with a unit, two paths of two labels, and `r7` printed again.
    fn long_axis() -> Vec<LabelPath> {
        let label = |text: &str| Label::new(text, crate::source::Span::default());
        let path = |texts: &[&str]| LabelPath::new(texts.iter().map(|t| label(t)));
        let mut paths: Vec<LabelPath> = (0..SCANNED).map(|n| path(&[&format!("r{n}")])).collect();
        for texts in [
            &["深圳"][..],
            &["其中：深圳"],
            &["成交额 / 亿元"],
            &["技术开发", "委托开发"],
            &["技术开发", "成交额 / 亿元"],
            &["r7"],
        ] {
            paths.push(path(texts));
        }
        paths
    }

    /// A long axis's paths holding a text, found by its hash: every path with a label that
    /// answers to it by its key, its full key or its "of which" name, in order.
    #[test]
    fn a_long_axis_holds_each_text_where_its_labels_answer_to_it() {
        let paths = long_axis();
        let index = LabelIndex::build(&paths);
        for text in [
            "深圳",
            "r7",
            "技术开发",
            "委托开发",
            "成交额",
            "成交额/亿元",
            "亿元",
            "r77777",
        ] {
            let answering: Vec<u32> = (0..paths.len())
                .filter(|&at| paths[at].labels().iter().any(|l| l.answers_to(text)))
                .map(|at| u32::try_from(at).unwrap())
                .collect();
            assert_eq!(
                index.holding(&paths, text),
                Some(answering.as_slice()),
                "{text}"
            );
        }
        assert_eq!(index.holding(&paths, "深圳").map(<[u32]>::len), Some(2));
        assert_eq!(
            index.holding(&paths[..3], "r1"),
            None,
            "a short axis is read whole"
        );
    }

    #[test]
    fn a_long_axis_finds_a_path_by_its_labels_as_a_short_one_does() {
        let paths = long_axis();
        crate::tally::take(crate::tally::Work::PathsKeyed);
        let Exact::Hashed(_) = LabelIndex::build(&paths).exact else {
            panic!("a long axis is hashed");
        };
        assert_eq!(crate::tally::take(crate::tally::Work::PathsKeyed), 0);
        LabelIndex::build(&paths[..3]);
        assert_eq!(crate::tally::take(crate::tally::Work::PathsKeyed), 3);
        let keyed = LabelIndex {
            exact: Exact::Keyed(keyed_paths(&paths)),
            ..LabelIndex::default()
        };
        let long = LabelIndex::build(&paths);
        let mut sought: Vec<Vec<String>> = paths
            .iter()
            .flat_map(|p| {
                let spelled: Vec<_> = p.labels().iter().map(Label::key_and_full_key).collect();
                let keys = spelled.iter().map(|(k, _)| k.to_string()).collect();
                let full = spelled
                    .iter()
                    .map(|(k, f)| f.as_deref().unwrap_or(k.as_ref()).to_string())
                    .collect();
                [keys, full]
            })
            .collect();
        for texts in [
            &["技术开发"][..],
            &["委托开发"],
            &["亿元"],
            &["r9999999"],
            &[],
        ] {
            sought.push(texts.iter().map(|t| normalize(t).into_owned()).collect());
        }
        for keys in &sought {
            let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
            assert_eq!(
                long.exact(|| &paths, &keys),
                keyed.exact(|| &paths, &keys),
                "{keys:?}"
            );
        }
        let found = |texts: &[&str]| long.exact(|| &paths, texts).into_owned();
        assert_eq!(found(&["r7"]), [7, SCANNED + 5]);
        assert_eq!(found(&["深圳"]), [SCANNED]);
        assert_eq!(found(&["技术开发", "成交额"]), [SCANNED + 4]);
        assert!(found(&["技术开发"]).is_empty());
    }

    fn keys(path: &str) -> Vec<Key> {
        path.split('/').map(Key::label).collect()
    }

    /// The answers kept are found by their paths, whatever their hashes: two paths of one
    /// hash are told apart, and a path kept again is kept once.
    #[test]
    fn an_answer_is_found_by_its_path_and_no_other() {
        let mut answers = Answers::default();
        let (a, b) = (keys("技术开发/合计"), keys("技术开发/2021"));
        let not_found = Err(LookupError::NotFound { nearest: None });
        answers.keep(7, &a, &Ok(3));
        answers.keep(7, &b, &not_found);
        answers.keep(7, &a, &Ok(4));
        assert_eq!(answers.get(7, &a), Some(&Ok(3)));
        assert_eq!(answers.get(7, &b), Some(&not_found));
        assert_eq!(answers.get(8, &a), None);
        assert_eq!(answers.get(7, &keys("技术开发")), None);
        assert_eq!(answers.kept, 2);
    }

    /// At most [`REMEMBERED`] answers are kept, however many paths are looked up.
    #[test]
    fn answers_are_kept_up_to_their_bound() {
        let mut answers = Answers::default();
        for n in 0..=REMEMBERED {
            let hash = u64::try_from(n).unwrap();
            answers.keep(hash, &[Key::Year(0)], &Ok(n));
        }
        assert_eq!(answers.kept, REMEMBERED);
        assert_eq!(answers.get(0, &[Key::Year(0)]), Some(&Ok(0)));
        let last = u64::try_from(REMEMBERED).unwrap();
        assert_eq!(answers.get(last, &[Key::Year(0)]), None);
    }

    /// A lookup's key is joined as a kept one is, inline or not.
    #[test]
    fn a_key_looked_up_is_joined_as_the_kept_ones_are() {
        for parts in [
            vec!["成交额", "金额"],
            vec!["a", "", "b"],
            vec!["技术合同成交额", "技术开发", "委托开发", "金额"],
            vec![],
        ] {
            assert_eq!(joined_inline(&parts).as_str(), join(parts.iter()));
        }
    }

    /// A path looked up again is answered from what the first search kept, the same answer,
    /// an error as much as a row.
    #[test]
    fn a_path_searched_again_is_answered_as_the_first_time() {
        let index = LabelIndex::build(&[]);
        for (path, answer) in [
            ("x/2021", Ok(2)),
            ("y", Err(LookupError::NotFound { nearest: None })),
        ] {
            let first = index.remembered(&keys(path), || answer.clone());
            let again = index.remembered(&keys(path), || unreachable!("searched again"));
            assert_eq!((first, again), (answer.clone(), answer));
        }
    }

    proptest! {
        /// The paragraphs found ending with an anchor, reversed and sorted in place, are the
        /// ones that end with it, read one by one.
        #[test]
        fn paragraphs_ending_with_an_anchor_are_found_by_their_reversed_order(
            paragraphs in proptest::collection::vec("[ab成年]{0,6}", 0..12),
            anchor in "[ab成年]{0,3}",
        ) {
            let reversed = reversed_endings(
                paragraphs.iter().map(|p| p.clone().into_boxed_str()).collect(),
            );
            let each: Vec<usize> = paragraphs
                .iter()
                .enumerate()
                .filter(|(_, p)| p.ends_with(anchor.as_str()))
                .map(|(index, _)| index)
                .collect();
            prop_assert_eq!(ending(&reversed, &anchor), each);
        }

        /// Reading a run of paragraphs once gives what reading each paragraph does.
        #[test]
        fn paragraphs_read_by_runs_read_as_each_alone(
            pieces in proptest::collection::vec(
                prop_oneof![
                    Just("1"), Just("23"), Just("."), Just("-"), Just("成"), Just("九"),
                    Just("年"), Just("月"), Just("工程"), Just("表"), Just("为"), Just("亿元"),
                    Just(" "), Just("\u{3000}"), Just("，"), Just("\n"), Just("１"),
                    Just("２３"), Just("．"), Just("－"), Just("−"),
                ],
                0..40,
            ),
            cuts in proptest::collection::vec((0..41usize, any::<bool>()), 0..8),
        ) {
            // Prefixes of one text (a line's figures), with other texts and gaps between.
            let texts: Vec<Option<String>> = cuts
                .iter()
                .map(|&(cut, present)| {
                    present.then(|| pieces.iter().take(cut).copied().collect::<String>())
                })
                .collect();
            let each: Vec<Box<str>> = texts
                .iter()
                .map(|text| {
                    text.as_ref()
                        .map_or_else(Box::default, |t| words_only(&normalize(t)).into())
                })
                .collect();
            prop_assert_eq!(words_only_paragraphs(&texts), each);
        }
    }
}
