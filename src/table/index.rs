//! An exact-match index of one axis's label paths, built the first time a rule looks a label
//! up in the table, so naming a row among thousands is a hash lookup, not a scan.

use super::label::{Label, LabelPath, normalize};
use crate::claims::anchor::words_only;
use crate::engine::resolve::{Key, LookupError};
use foldhash::HashMap;
use rayon::prelude::*;
use smallvec::SmallVec;
use std::sync::{Mutex, OnceLock};

/// Answers kept per axis at most: enough for every path a rule set names, bounded for a rule
/// that looks up each of a million records' labels in another table.
const REMEMBERED: usize = 1 << 16;

/// Separates the labels of a path in an index key; it never occurs in a label.
const SEPARATOR: char = '\u{1f}';

/// Paths by their joined keys (`技术开发␟委托开发`) and by their joined full texts.
#[derive(Debug, Default)]
pub struct LabelIndex {
    exact: HashMap<Box<str>, SmallVec<[usize; 1]>>,
    /// Each path's outer labels' keys and its last label's whole text, normalized: what an
    /// anchored lookup (the figures of the text) compares, without normalizing per lookup.
    /// Only an anchored index has them.
    anchors: Vec<(Vec<Box<str>>, Box<str>)>,
    /// For the figures of the text: the paragraph up to each figure, normalized. An anchor may
    /// reach back past the sentence into it when the sentence alone does not tell two figures
    /// apart (a figure at the start of a sentence, clauses that open with the same words).
    paragraphs: Vec<Box<str>>,
    /// The answer to each path looked up so far.
    found: Mutex<HashMap<Vec<Key>, Result<usize, LookupError>>>,
    /// What [`LabelIndex::ending_with`] compares for each path (its paragraph, or its last
    /// label), written backwards and sorted: the paths that end with an anchor are one range,
    /// found by a binary search instead of a scan of every path per anchor (the text's 838
    /// figures each looked up by anchor read 838 paragraphs).
    reversed: OnceLock<Vec<(Box<[u8]>, usize)>>,
}

impl LabelIndex {
    pub fn build(paths: &[LabelPath]) -> Self {
        let mut exact: HashMap<Box<str>, SmallVec<[usize; 1]>> = HashMap::default();
        for (index, path) in paths.iter().enumerate() {
            let by_key = join(path.labels().iter().map(|l| l.key()));
            let by_text = join(path.labels().iter().map(|l| l.full_key()));
            if by_text != by_key {
                exact.entry(by_text.into()).or_default().push(index);
            }
            exact.entry(by_key.into()).or_default().push(index);
        }
        Self {
            exact,
            anchors: Vec::new(),
            paragraphs: Vec::new(),
            found: Mutex::default(),
            reversed: OnceLock::new(),
        }
    }

    /// The index of an anchored axis: `paragraph` gives the text of the paragraph up to the end
    /// of a path's last label.
    /// Figures in the paragraphs and labels are slots ([`words_only`]): an anchor matches the
    /// words, whatever the figures are.
    pub fn build_anchored(
        paths: &[LabelPath],
        paragraph: impl Fn(&Label) -> String + Sync,
    ) -> Self {
        // Each figure's paragraph is read on its own: side by side.
        let paragraphs = paths
            .par_iter()
            .map(|path| {
                path.last().map_or_else(Box::default, |l| {
                    words_only(&normalize(&paragraph(l))).into()
                })
            })
            .collect();
        let anchors = paths
            .iter()
            .map(|path| {
                let labels = path.labels();
                let outer = labels
                    .iter()
                    .take(labels.len().saturating_sub(1))
                    .map(|l| l.key().into())
                    .collect();
                let last = path.last().map_or_else(Box::default, |l| {
                    let whole = l.full_key();
                    words_only(&whole).into_owned().into()
                });
                (outer, last)
            })
            .collect();
        Self {
            anchors,
            paragraphs,
            ..Self::build(paths)
        }
    }

    /// The paths whose outer labels include `outer` (in order) and whose last label ends with
    /// `anchor` — all normalized, and the figures of an anchored index's labels and of `anchor`
    /// read as slots.
    pub fn ending_with(&self, outer: &[String], anchor: &str) -> Vec<(usize, bool)> {
        let reversed = self.reversed.get_or_init(|| self.reversed_endings());
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
            .into_iter()
            .filter_map(|index| {
                let (labels, last) = self.anchors.get(index)?;
                let mut labels = labels.iter();
                outer
                    .iter()
                    .all(|o| labels.any(|l| l.as_ref() == o.as_str()))
                    .then(|| (index, last.as_ref() == anchor))
            })
            .collect()
    }

    /// Each path's paragraph (or last label) written backwards, sorted: a text ends with an
    /// anchor when, backwards, it starts with the anchor backwards. Byte by byte: an anchor's
    /// bytes end a text's exactly where its characters do (UTF-8 tells where a character
    /// starts), and reversing bytes decodes no character.
    fn reversed_endings(&self) -> Vec<(Box<[u8]>, usize)> {
        let mut reversed: Vec<(Box<[u8]>, usize)> = self
            .anchors
            .iter()
            .enumerate()
            .map(|(index, (_, last))| {
                let text = self.paragraphs.get(index).unwrap_or(last);
                (text.bytes().rev().collect(), index)
            })
            .collect();
        reversed.sort_unstable();
        reversed
    }

    /// The answer for `keys`: the one kept, or `search`'s, kept for next time.
    pub fn remembered(
        &self,
        keys: &[Key],
        search: impl FnOnce() -> Result<usize, LookupError>,
    ) -> Result<usize, LookupError> {
        // A poisoned lock only means another thread panicked: the answers kept are whole.
        if let Some(answer) = self
            .found
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(keys)
        {
            return answer.clone();
        }
        let answer = search();
        let mut found = self
            .found
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if found.len() < REMEMBERED {
            found.insert(keys.to_vec(), answer.clone());
        }
        answer
    }

    /// The paths whose labels are exactly these normalized keys (or full texts), in order.
    pub fn exact<'a>(&self, keys: impl IntoIterator<Item = &'a str>) -> &[usize] {
        let joined = join(keys);
        self.exact
            .get(joined.as_str())
            .map_or(&[], |hits| hits.as_slice())
    }
}

fn join<S: AsRef<str>>(parts: impl IntoIterator<Item = S>) -> String {
    let mut joined = String::new();
    for (index, part) in parts.into_iter().enumerate() {
        if index > 0 {
            joined.push(SEPARATOR);
        }
        joined.push_str(part.as_ref());
    }
    joined
}
