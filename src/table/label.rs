//! Row and column labels, and the paths that address them.
//!
//! A label is one printed header or row-label cell: `合同数 / 项`, `技术开发`, `2021年`. It may
//! carry a unit after a slash or in brackets; rules address it by its name without the unit and
//! without spaces, so `金额` finds `金额 / 亿元`. A path is the list of labels from the outer
//! header down (`2021年/成交额/金额`), or from the group down (`技术开发/委托开发`).

use crate::source::Span;
use compact_str::CompactString;
use smallvec::SmallVec;
use std::borrow::Cow;
use std::fmt;

/// Units the book prints, and whether figures in them are exact counts.
const COUNT_UNITS: &[&str] = &["项", "家", "人", "个", "名", "位", "次"];
const KNOWN_UNITS: &[&str] = &[
    "亿元", "万元", "元", "项", "家", "人", "个", "名", "位", "次", "%",
];
/// Labels of rank columns: ranks are exact like counts.
const RANK_NAMES: &[&str] = &["排名", "名次", "位次", "序号", "机构序号"];
/// Labels of rows that total the rows of their group.
pub const TOTAL_NAMES: &[&str] = &["合计", "小计", "总计"];

/// One printed label cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// Inline up to 24 bytes: a million row labels need no allocation each.
    text: CompactString,
    span: Span,
    /// Whether the label names a total row (`合计`, or what the data set's `totals` declares).
    total: bool,
    /// The bytes of a declared footnote marker at the end of the text (`1986 (1)`), which
    /// names leave out.
    marker: u8,
}

impl Label {
    pub fn new(text: &str, span: Span) -> Self {
        let text = CompactString::new(text.trim());
        let total = TOTAL_NAMES.iter().any(|name| normalizes_to(&text, name));
        Self {
            text,
            span,
            total,
            marker: 0,
        }
    }

    /// Read off the footnote markers the data set declares (`(1)`, `*`, `¹`) from the end of
    /// the label: `1986 (1)` is named `1986`, and prints as it is.
    pub fn declare_markers(&mut self, markers: &[String]) {
        let mut named = self.text.as_str();
        while let Some(rest) = markers.iter().find_map(|marker| {
            named
                .strip_suffix(marker.as_str())
                .map(str::trim_end)
                .filter(|rest| !rest.is_empty())
        }) {
            named = rest;
        }
        let length = self.text.len() - named.len();
        self.marker = u8::try_from(length).unwrap_or(0);
    }

    /// The text without a declared footnote marker.
    fn named(&self) -> &str {
        self.text
            .get(..self.text.len() - usize::from(self.marker))
            .unwrap_or(&self.text)
    }

    /// Mark the label a total (or not) as the data set's declared `totals` say.
    pub fn declare_total(&mut self, totals: &[String]) {
        let key = self.key();
        self.total = totals.iter().any(|total| normalizes_to(total, &key));
    }

    /// The label as printed (trimmed).
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn span(&self) -> Span {
        self.span
    }

    /// The unit the label declares, if any: `合同数 / 项` → `项`, `成交额 /GDP(%)` → `%`.
    pub fn unit(&self) -> Option<&'static str> {
        split_unit(self.named()).1
    }

    /// The name rules use: the text without its unit, without whitespace.
    pub fn key(&self) -> Cow<'_, str> {
        normalize(split_unit(self.named()).0)
    }

    /// [`Label::key`], and [`Label::full_key`] where it differs (the label prints a unit),
    /// the unit split off once for both.
    pub fn key_and_full_key(&self) -> (Cow<'_, str>, Option<Cow<'_, str>>) {
        let named = self.named();
        let (name, unit) = split_unit(named);
        (normalize(name), unit.map(|_| normalize(named)))
    }

    /// The name rules use as printed, inner spaces kept (`Percent of labor force`), for
    /// messages: the text without its unit and footnote marker.
    pub fn name(&self) -> &str {
        split_unit(self.named()).0.trim()
    }

    /// The whole text without whitespace, unit included.
    pub fn full_key(&self) -> Cow<'_, str> {
        normalize(self.named())
    }

    /// Whether a rule's segment names this label.
    /// An "of which" row `其中：深圳` also answers to `深圳`: where a table prints both a `深圳`
    /// row and a `其中：深圳` row, the exact match is found first and the name stays unambiguous.
    pub fn answers_to(&self, segment: &str) -> bool {
        let segment = normalize(segment);
        let key = self.key();
        key == segment
            || self.full_key() == segment
            || of_which_name(&key).is_some_and(|name| name == segment)
    }

    /// `其中：X` rows are "of which" sub-items, not parts of a total.
    pub fn is_of_which(&self) -> bool {
        self.text.starts_with("其中")
    }

    pub fn is_total(&self) -> bool {
        self.total
    }

    pub fn is_rank(&self) -> bool {
        RANK_NAMES.contains(&self.key().as_ref())
    }
}

/// `其中：深圳` → `深圳`.
pub fn of_which_name(key: &str) -> Option<&str> {
    let rest = key.strip_prefix("其中")?;
    rest.strip_prefix('：').or_else(|| rest.strip_prefix(':'))
}

/// Whether figures in this unit are whole counts (exact, not rounded).
pub fn is_count_unit(unit: &str) -> bool {
    COUNT_UNITS.contains(&unit)
}

/// Whitespace carries no meaning in the book's labels (line breaks, spaces around `/`), and
/// a digit, Latin letter, `．` or `－` typed in full width (`２０２１年`, `ＧＤＰ`, as a Chinese
/// input method types them) means its ASCII twin ([`crate::number::ascii_twin`]): a label and
/// a rule's name for it match however either is typed. Borrows when there is nothing to
/// change, which is most labels.
pub fn normalize(text: &str) -> Cow<'_, str> {
    if needs_normalizing(text) {
        // The runs between changes copied whole into a string of the text's size: the
        // text's paragraphs are normalized too, and growing a string char by char for them
        // was 8 % of the instructions of a book's run.
        let mut kept = String::with_capacity(text.len());
        let mut run = 0;
        while let Some(change) = next_change(text, run) {
            kept.push_str(text.get(run..change.at).unwrap_or_default());
            kept.extend(change.twin);
            run = change.at + change.width;
        }
        kept.push_str(text.get(run..).unwrap_or_default());
        Cow::Owned(kept)
    } else {
        Cow::Borrowed(text)
    }
}

/// What [`normalize`] changes at one place of a text: a whitespace character it leaves out,
/// or a full-width one it reads as its ASCII twin.
pub(crate) struct Change {
    /// Where the character starts.
    pub at: usize,
    /// Its bytes.
    pub width: usize,
    /// What is written instead: nothing for whitespace.
    pub twin: Option<char>,
}

/// The first character from byte `from` (where a character starts) on that [`normalize`]
/// changes. Read a byte at a time, and a character's bytes compared ([`change_at`]) only where
/// one it changes may start: the text's paragraphs and every label are normalized, and
/// decoding each of their characters was most of it.
pub(crate) fn next_change(text: &str, from: usize) -> Option<Change> {
    let bytes = text.as_bytes();
    let mut at = from;
    while let Some(&byte) = bytes.get(at) {
        let width = match byte {
            0..0x80 if !may_change(byte) => 1,
            0..0x80 | 0xC2 | 0xE1..=0xE3 | 0xEF => {
                if let Some((width, twin)) = change_at(bytes.get(at..).unwrap_or_default()) {
                    return Some(Change { at, width, twin });
                }
                utf8_width(byte)
            }
            _ => utf8_width(byte),
        };
        at += width;
    }
    None
}

/// Whether a character [`normalize`] changes may start with `byte`: ASCII whitespace, or the
/// first byte of whitespace beyond ASCII (U+0085, U+00A0, U+1680, U+2000–U+205F, U+3000) or of
/// a full-width twin ([`crate::number::ascii_twin`]: U+2212 and U+FF0D–U+FF5A).
fn may_change(byte: u8) -> bool {
    (byte <= b' ') | (byte == 0xC2) | (byte.wrapping_sub(0xE1) <= 2) | (byte == 0xEF)
}

/// What [`normalize`] does to the character that `bytes` start with, read off its bytes: its
/// width and its twin (`None` for whitespace, left out); `None` where it is kept.
fn change_at(bytes: &[u8]) -> Option<(usize, Option<char>)> {
    match bytes {
        [b'\t'..=b'\r' | b' ', ..] => Some((1, None)),
        [0xC2, 0x85 | 0xA0, ..] => Some((2, None)),
        [0xE1, 0x9A, 0x80, ..]
        | [0xE2, 0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF, ..]
        | [0xE2, 0x81, 0x9F, ..]
        | [0xE3, 0x80, 0x80, ..] => Some((3, None)),
        [0xE2, 0x88, 0x92, ..] => Some((3, Some('-'))),
        _ => crate::number::full_width_twin(bytes).map(|twin| (3, Some(twin))),
    }
}

/// The bytes of the UTF-8 character that starts with `byte`.
fn utf8_width(byte: u8) -> usize {
    match byte {
        0..0xE0 => usize::from(byte >= 0x80) + 1,
        0xE0..0xF0 => 3,
        _ => 4,
    }
}

/// Whether [`normalize`] makes `text` into `name` (which holds no whitespace), compared
/// character by character without making it: every label is asked whether it is a total, and
/// most differ from every total's name at their first character (the text's labels are whole
/// sentences, which normalizing copied).
fn normalizes_to(text: &str, name: &str) -> bool {
    let mut wanted = name.chars();
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            _ if c.is_ascii() => c,
            _ => crate::number::ascii_twin(c).unwrap_or(c),
        })
        .all(|c| wanted.next() == Some(c))
        && wanted.next().is_none()
}

/// Whether [`normalize`] changes `text`: it holds a whitespace character
/// ([`char::is_whitespace`]) or a full-width twin of an ASCII character. Beyond ASCII only
/// U+0085, U+00A0, U+1680, U+2000–U+205F and U+3000 are whitespace, whose first bytes are 0xC2
/// and 0xE1–0xE3, and the twins start with 0xE2 (`−`) and 0xEF: the text is screened 32 bytes
/// at a time for a byte that may start one (without a branch per byte), and only in a block
/// that has one are characters' bytes compared ([`change_at`]).
fn needs_normalizing(text: &str) -> bool {
    let (blocks, rest) = text.as_bytes().as_chunks::<SCREENED_BLOCK>();
    let in_blocks = blocks.iter().enumerate().any(|(block, chunk)| {
        may_start_change(chunk) && change_starts_in(text, block * SCREENED_BLOCK, chunk)
    });
    // The last bytes padded to a whole block with a byte that starts no change: a block of
    // known length is screened in a few vector instructions, where a short one (most labels
    // are) was screened byte by byte.
    in_blocks || {
        let mut padded = [b'a'; SCREENED_BLOCK];
        padded
            .iter_mut()
            .zip(rest)
            .for_each(|(to, &byte)| *to = byte);
        may_start_change(&padded) && change_starts_in(text, blocks.len() * SCREENED_BLOCK, &padded)
    }
}

/// Bytes [`needs_normalizing`] screens at once.
const SCREENED_BLOCK: usize = 32;

/// Whether a byte of `block` may start a character [`normalize`] changes.
fn may_start_change(block: &[u8; SCREENED_BLOCK]) -> bool {
    block
        .iter()
        .fold(false, |may, &byte| may | may_change(byte))
}

/// Whether a character [`normalize`] changes starts in `block`, the bytes of `text` from
/// `from` on (read from the text: the block may end inside the character; a last block is
/// padded with bytes that start none). Only the bytes that may start one are read as
/// characters, found as the bits of a mask: a Chinese text has one in most blocks (`，` `。`
/// `“` start as a twin or a wide space does), and reading such a block a byte at a time cost
/// the book's run 0.2 M instructions more.
fn change_starts_in(text: &str, from: usize, block: &[u8; SCREENED_BLOCK]) -> bool {
    let bytes = text.as_bytes();
    let mut may = may_change_mask(block);
    while may != 0 {
        let at = may.trailing_zeros() as usize;
        if bytes.get(from + at..).and_then(change_at).is_some() {
            return true;
        }
        may &= may - 1;
    }
    false
}

/// Bit `n` set where byte `n` of `block` may start a character [`normalize`] changes: the
/// flags made side by side, then folded into the mask.
fn may_change_mask(block: &[u8; SCREENED_BLOCK]) -> u32 {
    let mut flags = [false; SCREENED_BLOCK];
    for (flag, &byte) in flags.iter_mut().zip(block) {
        *flag = may_change(byte);
    }
    flags
        .iter()
        .rev()
        .fold(0, |mask, &flag| (mask << 1) | u32::from(flag))
}

/// Split `name / unit` or `name(unit)` when the unit is one the book uses.
fn split_unit(text: &str) -> (&str, Option<&'static str>) {
    if let Some((name, unit)) = split_at_last_slash(text)
        && let Some(known) = known_unit(unit)
    {
        return (name, Some(known));
    }
    for (open, close) in [('(', ')'), ('（', '）')] {
        if let Some(inner) = text.strip_suffix(close)
            && let Some((name, unit)) = inner.rsplit_once(open)
            && let Some(known) = known_unit(unit)
        {
            return (name, Some(known));
        }
    }
    (text, None)
}

/// `text.rsplit_once(['/', '／'])`, read a byte at a time from the end: the pattern of two
/// characters decoded every character of the label (0.5 M instructions of the book's run),
/// and a search per slash cost more on labels this short. A slash is its one byte, and `／`
/// (U+FF0F) ends with 0x8F after 0xEF 0xBC: bytes no other character ends with.
fn split_at_last_slash(text: &str) -> Option<(&str, &str)> {
    let bytes = text.as_bytes();
    let mut end = bytes.len();
    while let Some(at) = bytes
        .get(..end)?
        .iter()
        .rposition(|&b| b == b'/' || b == 0x8F)
    {
        let (start, width) = match bytes.get(..=at) {
            Some([.., b'/']) => (at, 1),
            Some([.., 0xEF, 0xBC, 0x8F]) => (at - 2, 3),
            _ => {
                end = at;
                continue;
            }
        };
        return Some((text.get(..start)?, text.get(start + width..)?));
    }
    None
}

fn known_unit(text: &str) -> Option<&'static str> {
    // Trimmed first (normalizing leaves out whitespace anywhere, so this changes nothing): a
    // unit printed after a spaced slash (`金额 / 亿元`) is then borrowed, not copied.
    let text = normalize(text.trim());
    KNOWN_UNITS
        .iter()
        .copied()
        .find(|unit| *unit == text.as_ref())
}

/// A row's or column's labels, outermost first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LabelPath {
    /// Most paths of large tables have one label: kept inline, a million rows need no extra
    /// allocation.
    labels: SmallVec<[Label; 1]>,
}

impl LabelPath {
    pub fn new(labels: impl IntoIterator<Item = Label>) -> Self {
        Self {
            labels: labels.into_iter().collect(),
        }
    }

    /// A path of one label (a row of a table with one label column), or of none.
    pub fn single(label: Option<Label>) -> Self {
        let mut labels = SmallVec::new();
        labels.extend(label);
        Self { labels }
    }

    pub fn labels(&self) -> &[Label] {
        &self.labels
    }

    /// Read off declared footnote markers (first), then mark each label a total (or not) as
    /// the data set's declared `totals` say.
    pub fn declare(&mut self, declared: &super::formatted::Labels) {
        for label in &mut self.labels {
            if let Some(markers) = &declared.footnote_markers {
                label.declare_markers(markers);
            }
            if let Some(totals) = &declared.totals {
                label.declare_total(totals);
            }
        }
    }

    pub fn last(&self) -> Option<&Label> {
        self.labels.last()
    }

    /// The innermost unit declared along the path.
    pub fn unit(&self) -> Option<&'static str> {
        self.labels.iter().rev().find_map(Label::unit)
    }

    pub fn keys(&self) -> Vec<String> {
        self.labels.iter().map(|l| l.key().into_owned()).collect()
    }

    /// Whether the rule segments name this path: every segment matches a label, in order.
    pub fn matches_in_order(&self, segments: &[String]) -> bool {
        let mut labels = self.labels.iter();
        segments
            .iter()
            .all(|segment| labels.any(|label| label.answers_to(segment)))
    }

    /// Whether the segments name every label of this path, one to one.
    pub fn matches_exactly(&self, segments: &[String]) -> bool {
        self.labels.len() == segments.len()
            && self
                .labels
                .iter()
                .zip(segments)
                .all(|(label, segment)| label.answers_to(segment))
    }

    pub fn is_of_which(&self) -> bool {
        self.labels.iter().any(Label::is_of_which)
    }

    pub fn is_total(&self) -> bool {
        self.last().is_some_and(Label::is_total)
    }
}

impl fmt::Display for LabelPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, label) in self.labels.iter().enumerate() {
            if index > 0 {
                f.write_str("/")?;
            }
            f.write_str(label.text())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_last_slash_splits_as_rsplit_once_does() {
        for text in [
            "合同数 / 项",
            "金额／亿元",
            "a/b／c",
            "a／b/c",
            "／",
            "/",
            "",
            "无斜线",
            "成交额/GDP(%)",
            "\u{2F8F}",
            "\u{FF0F}\u{FF0F}x",
            "é/ü",
        ] {
            assert_eq!(
                split_at_last_slash(text),
                text.rsplit_once(['/', '／']),
                "{text:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn normalizing_leaves_out_whitespace_reads_twins_as_ascii_and_keeps_the_rest(
            text in "\\PC*[ \u{3000}\u{a0}\u{85}\u{2028}\n\t]?\\PC*[ \u{3000}\n２．]*",
        ) {
            let kept: String = text
                .chars()
                .filter(|c| !c.is_whitespace())
                .map(|c| crate::number::ascii_twin(c).unwrap_or(c))
                .collect();
            let normalized = super::normalize(&text);
            proptest::prop_assert_eq!(normalized.as_ref(), kept.as_str());
        }
    }

    proptest::proptest! {
        #[test]
        fn a_text_normalizes_to_a_name_when_normalizing_makes_it_the_name(
            text in "[ 合计\u{3000}\n小a1１]{0,8}",
            name in "[合计小a1]{0,3}",
        ) {
            proptest::prop_assert_eq!(
                super::normalizes_to(&text, &name),
                super::normalize(&text) == name.as_str()
            );
        }
    }

    #[test]
    fn what_normalizing_changes_is_found_byte_by_byte_as_by_characters() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let text = format!("合{c}a");
            let changed = c.is_whitespace() || crate::number::ascii_twin(c).is_some();
            assert_eq!(super::needs_normalizing(&text), changed, "{c:?}");
            let expected = match crate::number::ascii_twin(c) {
                _ if c.is_whitespace() => "合a".to_string(),
                Some(twin) => format!("合{twin}a"),
                None => text.clone(),
            };
            assert_eq!(super::normalize(&text), expected, "{c:?}");
        }
    }

    #[test]
    fn what_normalizing_changes_is_found_in_any_block_and_across_block_edges() {
        for before in 0..70 {
            for filler in ["a", "合", "。", "，"] {
                let text = filler.repeat(before);
                assert!(!super::needs_normalizing(&text), "{before} {filler}");
                for changed in [' ', '\u{3000}', '\u{a0}', '\u{2028}', '\u{85}', '２', '．'] {
                    let spaced = format!("{text}{changed}合");
                    assert!(
                        super::needs_normalizing(&spaced),
                        "{before} {filler} {changed:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_label_typed_in_full_width_is_named_in_ascii() {
        let label = Label::new("２０２１年 / 万元", Span::default());
        assert_eq!(label.key(), "2021年");
        assert_eq!(label.full_key(), "2021年/万元");
        assert_eq!(label.text(), "２０２１年 / 万元");
        assert!(label.answers_to("2021年"));
        assert!(label.answers_to("２０２１年"));
        assert_eq!(normalize("表１－１，第２．５"), "表1-1，第2.5");
        assert_eq!(Label::new("ＧＤＰ占比", Span::default()).key(), "GDP占比");
    }

    #[test]
    fn declared_footnote_markers_are_left_out_of_the_name_but_printed() {
        let markers = vec!["(1)".to_string(), "*".to_string(), "¹".to_string()];
        for (text, key) in [
            ("1986 (1)", "1986"),
            ("1987*", "1987"),
            ("1988¹*", "1988"),
            ("Total employed (1)", "Totalemployed"),
            ("*", "*"),
            ("1989", "1989"),
        ] {
            let mut label = Label::new(text, Span::default());
            label.declare_markers(&markers);
            assert_eq!(label.key(), key, "{text}");
            assert_eq!(label.text(), text);
            assert!(label.answers_to(key), "{text}");
        }
    }

    #[test]
    fn declared_totals_replace_the_books() {
        let totals = vec!["Total".to_string(), "All persons".to_string()];
        let mut label = Label::new("All  persons", Span::default());
        assert!(!label.is_total());
        label.declare_total(&totals);
        assert!(label.is_total());
        let mut book = Label::new("合计", Span::default());
        assert!(book.is_total());
        book.declare_total(&totals);
        assert!(!book.is_total());
    }

    use super::*;

    fn label(text: &str) -> Label {
        Label::new(text, Span::default())
    }

    #[test]
    fn units_after_a_slash_or_in_brackets() {
        assert_eq!(label("合同数 / 项").unit(), Some("项"));
        assert_eq!(label("增长 /%").unit(), Some("%"));
        assert_eq!(label("技术合同成交额 /GDP(%)").unit(), Some("%"));
        assert_eq!(label("技术合同成交额 /GDP(%)").key(), "技术合同成交额/GDP");
        assert_eq!(label("国内生产总值 GDP/ 亿元").key(), "国内生产总值GDP");
        assert_eq!(label("成交额").unit(), None);
    }

    #[test]
    fn a_label_answers_to_its_name_or_its_full_text() {
        assert!(label("金额 / 亿元").answers_to("金额"));
        assert!(label("金额 / 亿元").answers_to("金额/亿元"));
        assert!(!label("金额 / 亿元").answers_to("金"));
    }

    #[test]
    fn an_of_which_row_answers_to_its_bare_name() {
        assert!(label("其中：深圳").answers_to("深圳"));
        assert!(label("其中:深圳").answers_to("深圳"));
        assert!(label("其中：深圳").answers_to("其中：深圳"));
        assert!(!label("深圳").answers_to("其中：深圳"));
    }

    #[test]
    fn paths_match_segments_in_order() {
        let path = LabelPath::new(vec![label("2021年"), label("成交额"), label("金额 / 亿元")]);
        assert!(path.matches_in_order(&["2021年".into(), "金额".into()]));
        assert!(!path.matches_in_order(&["金额".into(), "2021年".into()]));
        assert!(!path.matches_exactly(&["2021年".into(), "金额".into()]));
        assert_eq!(path.to_string(), "2021年/成交额/金额 / 亿元");
    }
}
