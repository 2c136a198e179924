//! What an anchor matches: the words of the text, never the digits of its figures.
//!
//! A rule names a figure of the text by the words before it (`TEXT[P1/"成交额为", figure]`).
//! Editors change figures all day; if an anchor's match depended on the digits of another
//! figure it quotes (`"18216项，成交额为"`), correcting that figure would lose the claim. So
//! every figure — in the text and in the anchor alike — is read as a slot, `#`, that matches
//! any figure: `"#项，成交额为"` and `"18216项，成交额为"` both match `18 261项，成交额为`.
//! What is not a figure of the text stays as written: years (`2021年`), dates, table
//! references (`表 1-1`), programme names (`211 工程`).

use crate::engine::resolve::{Axis, Key, lookup};
use crate::table::Table;
use crate::table::label::normalize;
use std::borrow::Cow;

/// Characters around a number that [`is_figure`] reads: more than its longest word.
const CONTEXT: usize = 4;

/// How an anchor writes "any figure here".
pub const SLOT: char = '#';

/// `text` (normalized: no whitespace) with each figure replaced by [`SLOT`]; text without
/// figures is returned as it is.
pub fn words_only(text: &str) -> Cow<'_, str> {
    if next_candidate(text.as_bytes(), 0).is_none() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    slot_figures(text, Mark::START, &mut out, |_| {});
    Cow::Owned(out)
}

/// Where [`slot_figures`] stands: the bytes of the text read so far, how many of them are
/// written out (as they are, or a figure as its slot), and how long the output is.
#[derive(Debug, Clone, Copy)]
struct Mark {
    read: usize,
    copied: usize,
    written: usize,
}

impl Mark {
    const START: Mark = Mark {
        read: 0,
        copied: 0,
        written: 0,
    };
}

/// The bytes past a [`Mark`] that the figures read before it were told apart by: the
/// [`CONTEXT`] characters after a number (four bytes at most each), and a decimal point's
/// digit. A prefix of the text that holds them reads those figures alike.
const MARK_REACH: usize = 4 * CONTEXT + 2;

/// Write `text` from `from` on into `out`, each figure as a [`SLOT`]; `marked` is told where
/// the reading stands after each number or share in words.
fn slot_figures(text: &str, from: Mark, out: &mut String, mut marked: impl FnMut(Mark)) {
    // Only a number or a share in words (`九成`) changes: the runs between them are copied
    // whole. An anchored table reads the paragraph before each of its figures, and the
    // book's paragraphs run to a thousand characters.
    let bytes = text.as_bytes();
    let (mut copied, mut index) = (from.copied, from.read);
    while let Some(&byte) = next_candidate(bytes, index).and_then(|at| {
        index = at;
        bytes.get(at)
    }) {
        let (end, slot) = if byte.is_ascii_digit() && !follows_number_char(bytes, index) {
            let end = number_end(bytes, index);
            // The words that make a number a date or a reference are a few characters long:
            // a window around the number says as much as the whole text would, in linear time.
            let before = text.get(chars_back(text, index)..index);
            let after = text.get(end..chars_on(text, end));
            (
                end,
                is_figure(before.unwrap_or_default(), after.unwrap_or_default()),
            )
        } else if byte >= 0xC0 && tenths_at(text, index) {
            (index + TENTHS_BYTES, true)
        } else {
            index += 1;
            continue;
        };
        if slot {
            out.push_str(text.get(copied..index).unwrap_or_default());
            out.push(SLOT);
            copied = end;
        }
        index = end;
        marked(Mark {
            read: index,
            copied,
            written: out.len(),
        });
    }
    out.push_str(text.get(copied..).unwrap_or_default());
}

/// The first byte from `index` on where a figure may start: a digit, or three bytes before a
/// `成` (a digit in words takes three bytes, as `成` does). The bytes between are words, screened a block
/// at a time (without a branch per byte) and never decoded: this reads every paragraph and
/// anchor of the text, and most blocks of them hold neither.
fn next_candidate(bytes: &[u8], index: usize) -> Option<usize> {
    let rest = bytes.get(index..)?;
    let (blocks, tail) = rest.as_chunks::<CANDIDATE_BLOCK>();
    blocks
        .iter()
        .enumerate()
        .filter(|(_, block)| {
            block.iter().fold(false, |may, &byte| {
                may | byte.is_ascii_digit() | (byte == TENTHS_LAST)
            })
        })
        .find_map(|(at, block)| candidate_in(block, at * CANDIDATE_BLOCK))
        .or_else(|| candidate_in(tail, blocks.len() * CANDIDATE_BLOCK))
        .map(|at| index + at)
}

/// Bytes [`next_candidate`] screens at once.
const CANDIDATE_BLOCK: usize = 16;

/// The last byte of `成`: its first, 0xE6, starts many characters of the text (`技`, `数`,
/// `新`), this one few.
const TENTHS_LAST: u8 = match "成".as_bytes() {
    [.., last] => *last,
    [] => 0,
};

/// [`next_candidate`] in `chunk`, which starts `offset` bytes past where the search started:
/// a share in words starts no earlier than that.
fn candidate_in(chunk: &[u8], offset: usize) -> Option<usize> {
    chunk.iter().enumerate().find_map(|(at, &byte)| {
        if byte.is_ascii_digit() {
            Some(offset + at)
        } else if byte == TENTHS_LAST {
            (offset + at).checked_sub(TENTHS_BYTES - 1)
        } else {
            None
        }
    })
}

/// [`words_only`] of each prefix of `text` that ends at a byte of `ends`, reading
/// `text` once: the figures of the text (an anchored table's paragraph) are read once, not
/// again for every figure of the paragraph, whose paragraph up to it is such a prefix. A
/// prefix's reading is the whole text's up to the last [`Mark`] whose figures' words the
/// prefix holds, and only the rest of it is read again.
pub fn words_only_prefixes(text: &str, ends: &[usize]) -> Vec<String> {
    let mut marks = vec![Mark::START];
    let mut whole = String::with_capacity(text.len());
    slot_figures(text, Mark::START, &mut whole, |mark| marks.push(mark));
    ends.iter()
        .map(|&end| {
            // Ends are where characters start; one past the text reads all of it.
            let prefix = text.get(..end).unwrap_or(text);
            let known = marks.partition_point(|mark| mark.read + MARK_REACH <= end);
            let mark = known
                .checked_sub(1)
                .and_then(|at| marks.get(at))
                .copied()
                .unwrap_or(Mark::START);
            let mut out = String::with_capacity(end);
            out.push_str(whole.get(..mark.written).unwrap_or_default());
            slot_figures(prefix, mark, &mut out, |_| {});
            out
        })
        .collect()
}

/// Whether the character before byte `index` is one a number cannot start after (a letter, a
/// digit, a point or a hyphen): all ASCII, and a character of several bytes ends with a byte
/// no ASCII character has.
fn follows_number_char(bytes: &[u8], index: usize) -> bool {
    index
        .checked_sub(1)
        .and_then(|i| bytes.get(i))
        .is_some_and(|p| p.is_ascii_alphanumeric() || *p == b'.' || *p == b'-')
}

/// Where the [`CONTEXT`] characters before byte `index` start.
fn chars_back(text: &str, index: usize) -> usize {
    text.get(..index)
        .unwrap_or_default()
        .char_indices()
        .rev()
        .take(CONTEXT)
        .last()
        .map_or(index, |(start, _)| start)
}

/// Where the [`CONTEXT`] characters from byte `index` end.
fn chars_on(text: &str, index: usize) -> usize {
    text.get(index..)
        .unwrap_or_default()
        .char_indices()
        .nth(CONTEXT)
        .map_or(text.len(), |(end, _)| index + end)
}

/// Whether `text` (normalized) names a figure by its digits: what `crossfoot lint` flags in an
/// anchor, since the digits take no part in matching and go stale when the figure is edited.
pub fn pins_a_figure(text: &str) -> bool {
    let slots = |t: &str| t.chars().filter(|&c| c == SLOT).count();
    slots(&words_only(text)) > slots(text)
}

/// Where an anchor may start when it is lengthened: after a clause's punctuation.
const CLAUSE_STARTS: &[char] = &['，', '。', '；', '：', '、', '（', '）', '“', '”', ','];

/// A words-only anchor for the figure that `anchor` names by its digits: the words of the text
/// before that figure, with its figures as slots, from the start of a clause, just long enough
/// to name that one figure. `None` when the digits name no figure, or several.
///
/// This is the fix `crossfoot lint` proposes for an anchor that pins digits, and the help of a
/// claim whose digits told apart figures its words do not.
pub fn words_only_anchor(table: &Table, outer: &[Key], anchor: &str) -> Option<String> {
    let row = named_by_digits(table, outer, anchor)?;
    let names_row = |words: &str| {
        let mut keys = outer.to_vec();
        keys.push(Key::Label(words.into()));
        lookup(table, Axis::Row, &keys) == Ok(row)
    };
    let first = words_only(anchor);
    let names_first = names_row(&first);
    if names_first && !first.starts_with(SLOT) {
        return Some(first.into_owned());
    }
    let paragraph: Vec<char> = words_only(&paragraph_of(table, row)?).chars().collect();
    let shortest = first.chars().count();
    let clause_starts: Vec<String> = (0..paragraph.len().saturating_sub(shortest))
        .rev()
        .filter(|&start| {
            start == 0
                || start
                    .checked_sub(1)
                    .and_then(|i| paragraph.get(i))
                    .is_some_and(|c| CLAUSE_STARTS.contains(c))
        })
        .map(|start| paragraph.get(start..).unwrap_or_default().iter().collect())
        .collect();
    // Words first: an anchor that opens with a figure reads badly, so take one only when no
    // clause that opens with words names the figure.
    let opens_with_words = |words: &&String| !words.starts_with(SLOT);
    clause_starts
        .iter()
        .filter(opens_with_words)
        .find(|words| names_row(words))
        .or_else(|| clause_starts.iter().find(|words| names_row(words)))
        .cloned()
        .or_else(|| names_first.then(|| first.into_owned()))
}

/// The row an anchor names when its digits are read as written (how anchors matched before
/// figures became slots): the one row whose paragraph ends with it, or among several the one
/// whose sentence up to the figure is exactly it.
fn named_by_digits(table: &Table, outer: &[Key], anchor: &str) -> Option<usize> {
    let outer: Vec<String> = outer.iter().map(Key::describe).collect();
    let candidates: Vec<usize> = (0..table.row_count())
        .filter(|&row| {
            let labels = table
                .rows()
                .get(row)
                .map(|p| p.labels())
                .unwrap_or_default();
            let mut keys = labels.iter().map(|l| l.key());
            outer.iter().all(|o| keys.any(|k| k == o.as_str()))
                && paragraph_of(table, row).is_some_and(|p| p.ends_with(anchor))
        })
        .collect();
    match candidates.as_slice() {
        [one] => Some(*one),
        several => {
            let exact: Vec<usize> = several
                .iter()
                .copied()
                .filter(|&row| {
                    table
                        .rows()
                        .get(row)
                        .and_then(|p| p.last())
                        .is_some_and(|l| l.full_key() == anchor)
                })
                .collect();
            match exact.as_slice() {
                [one] => Some(*one),
                _ => None,
            }
        }
    }
}

/// The text an anchor of `row` is matched against, normalized (digits as written).
fn paragraph_of(table: &Table, row: usize) -> Option<String> {
    let path = table.row(row)?;
    let label = path.last()?;
    let end = label.span().offset + label.span().length;
    Some(normalize(&table.source().paragraph_before(end)).into_owned())
}

/// Where the number starting at byte `index` ends: its digits, and a decimal point followed
/// by digits.
fn number_end(bytes: &[u8], index: usize) -> usize {
    let digit = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
    let mut end = index;
    while digit(end) {
        end += 1;
    }
    if bytes.get(end) == Some(&b'.') && digit(end + 1) {
        end += 1;
        while digit(end) {
            end += 1;
        }
    }
    end
}

/// A number is a figure unless the words around it make it a date, a reference or a name, as
/// [`super::extract`] reads the text.
fn is_figure(before: &str, after: &str) -> bool {
    !(super::NOT_FIGURES_AFTER
        .iter()
        .any(|s| after.starts_with(s))
        || super::NOT_FIGURES_BEFORE
            .iter()
            .any(|s| before.ends_with(s))
        || before.ends_with('月'))
}

/// The bytes of a share in tenths in words, `九成`: two characters of three bytes.
const TENTHS_BYTES: usize = 6;

/// `九成` at byte `index`: a share in tenths, in words. This runs for every character of
/// the text's paragraphs and anchors: the bytes of `成` are compared first, and a digit in
/// words is decoded only before one (each digit takes three bytes, as `成` does).
fn tenths_at(text: &str, index: usize) -> bool {
    text.as_bytes().get(index + 3..index + TENTHS_BYTES) == Some("成".as_bytes())
        && text.get(index..index + 3).is_some_and(|digit| {
            matches!(
                digit,
                "一" | "二" | "三" | "四" | "五" | "六" | "七" | "八" | "九"
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // The reading of figures as it was, character by character: what the byte-wise one must
    // give on any text.
    /// `text` (normalized: no whitespace) with each figure replaced by [`SLOT`]; text without
    /// figures is returned as it is.
    fn words_only_by_chars(text: &str) -> Cow<'_, str> {
        if !text.chars().any(|c| c.is_ascii_digit() || c == '成') {
            return Cow::Borrowed(text);
        }
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::with_capacity(text.len());
        let mut index = 0;
        while let Some(&c) = chars.get(index) {
            let previous = index.checked_sub(1).and_then(|i| chars.get(i)).copied();
            let starts_number = c.is_ascii_digit()
                && !previous.is_some_and(|p| p.is_ascii_alphanumeric() || p == '.' || p == '-');
            if starts_number {
                let end = char_number_end(&chars, index);
                // The words that make a number a date or a reference are a few characters long:
                // a window around the number says as much as the whole text would, in linear time.
                let before: String = chars
                    .get(index.saturating_sub(CONTEXT)..index)
                    .unwrap_or_default()
                    .iter()
                    .collect();
                let after: String = chars.iter().skip(end).take(CONTEXT).collect();
                if is_figure(&before, &after) {
                    out.push(SLOT);
                } else {
                    out.extend(chars.get(index..end).unwrap_or_default());
                }
                index = end;
                continue;
            }
            if char_tenths_at(&chars, index) {
                out.push(SLOT);
                index += 2;
                continue;
            }
            out.push(c);
            index += 1;
        }
        Cow::Owned(out)
    }

    /// Where the number starting at `index` ends: digits, then a decimal part.
    fn char_number_end(chars: &[char], index: usize) -> usize {
        let digit = |i: usize| chars.get(i).is_some_and(char::is_ascii_digit);
        let mut end = index;
        while digit(end) {
            end += 1;
        }
        if chars.get(end) == Some(&'.') && digit(end + 1) {
            end += 1;
            while digit(end) {
                end += 1;
            }
        }
        end
    }

    /// `九成`: a share in tenths, in words. The `成` is looked at first: this runs for every
    /// character of the text's paragraphs.
    fn char_tenths_at(chars: &[char], index: usize) -> bool {
        chars.get(index + 1) == Some(&'成')
            && chars.get(index).is_some_and(|&c| {
                matches!(
                    c,
                    '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九'
                )
            })
    }

    proptest! {
        #[test]
        fn byte_wise_reading_is_the_reading_by_characters(
            pieces in proptest::collection::vec(
                prop_oneof![
                    Just("1"), Just("23"), Just("0"), Just("."), Just("-"), Just("a"),
                    Just("成"), Just("九"), Just("一"), Just("年"), Just("月"), Just("日"),
                    Just("工程"), Just("表"), Just("附表"), Just("第"), Just("图"), Just("为"),
                    Just("亿元"), Just("%"), Just("，"), Just("#"),
                ],
                0..40,
            ),
        ) {
            let text: String = pieces.concat();
            prop_assert_eq!(words_only(&text), words_only_by_chars(&text));
        }

        /// Each prefix read from the whole text's reading is the prefix read alone.
        #[test]
        fn prefixes_read_as_each_alone(
            pieces in proptest::collection::vec(
                prop_oneof![
                    Just("1"), Just("23"), Just("0"), Just("."), Just("-"), Just("a"),
                    Just("成"), Just("九"), Just("年"), Just("月"), Just("日"), Just("工程"),
                    Just("表"), Just("第"), Just("为"), Just("亿元"), Just("%"), Just("，"),
                ],
                0..60,
            ),
            cuts in proptest::collection::vec(0..61usize, 0..10),
        ) {
            let text: String = pieces.concat();
            let ends: Vec<usize> = cuts
                .iter()
                .map(|&cut| pieces.iter().take(cut).map(|p| p.len()).sum())
                .collect();
            let alone: Vec<String> = ends
                .iter()
                .map(|&end| words_only(&text[..end]).into_owned())
                .collect();
            prop_assert_eq!(words_only_prefixes(&text, &ends), alone);
        }
    }

    #[test]
    fn figures_become_slots_and_words_stay() {
        assert_eq!(
            words_only("18216项，成交额为786.3亿元，同比分别增长33.0%和"),
            "#项，成交额为#亿元，同比分别增长#%和"
        );
        assert_eq!(words_only("占比近九成，"), "占比近#，");
        assert_eq!(words_only("成交额为"), "成交额为");
    }

    #[test]
    fn years_dates_references_and_names_are_words() {
        assert_eq!(
            words_only("比重由2020年的2.8%上升至"),
            "比重由2020年的#%上升至"
        );
        assert_eq!(words_only("见表1-1，5月18日"), "见表1-1，5月18日");
        assert_eq!(words_only("依托“211工程”大学的"), "依托“211工程”大学的");
        assert_eq!(words_only("第5位，G20国家"), "第5位，G20国家");
    }

    #[test]
    fn an_edited_figure_matches_the_same_slot() {
        for edited in ["786.3", "768.3", "78.63", "7863", "786.33", "865.0"] {
            let text = format!("成交额为{edited}亿元，同比增长");
            assert_eq!(words_only(&text), "成交额为#亿元，同比增长", "{edited}");
        }
    }

    /// Normalized, as every anchor and paragraph is before it is read, a figure typed in full
    /// width is a slot and a year typed so the same year.
    #[test]
    fn digits_typed_in_full_width_read_as_their_ascii_twins() {
        let words = |text: &str| words_only(&normalize(text)).into_owned();
        assert_eq!(
            words("成交额为１１　６７３．９亿元，同比增长"),
            "成交额为#亿元，同比增长"
        );
        assert_eq!(
            words("比重由２０２０年的２．８%上升至"),
            "比重由2020年的#%上升至"
        );
        assert_eq!(words("见表１－１，"), "见表1-1，");
        assert!(pins_a_figure(&normalize("成交额为７８６．３亿元")));
    }

    #[test]
    fn an_anchor_pins_a_figure_when_it_writes_digits() {
        assert!(pins_a_figure("18216项，成交额为"));
        assert!(pins_a_figure("占比近九成，"));
        assert!(!pins_a_figure("#项，成交额为"));
        assert!(!pins_a_figure("比重由2020年的"));
        assert!(!pins_a_figure("成交额为"));
    }
}
