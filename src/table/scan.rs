//! A line of plain figures after its label (`17,843.2,-3`) read in one pass over its bytes:
//! its field ends and its line end are found as its figures are read, with no search for the
//! line's end first, no split into fields and no text made of them.
//!
//! Any other line (blank, a `—`, a figure grouped by spaces, a field too many) is left to the
//! general reading, which reads it as before: the scan reads a line only where that reading
//! would give the same cells and the same line.

use super::Cell;

/// A line [`plain_line`] read: where its text ends (before its line break and any `\r`), and
/// where the next line starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct ScannedLine {
    pub(super) end: usize,
    pub(super) next: usize,
}

/// Whether lines split by `delimiter` may be scanned: a delimiter that is neither a line
/// break nor a byte a plain figure prints (a digit, `.` or `-`).
pub(super) fn scannable(delimiter: u8) -> bool {
    delimiter.is_ascii()
        && !delimiter.is_ascii_digit()
        && !matches!(delimiter, b'.' | b'-' | b'\n' | b'\r')
}

/// The line starting at `start` (a line start) read as a label, then one plain figure
/// ([`figure`]) for each of `cells`, each field ended by `delimiter` and the last by a line
/// break (`\n` or `\r\n`) or the end of `bytes`. `None` for any other line; `cells` may then
/// hold some of its figures.
pub(super) fn plain_line(
    bytes: &[u8],
    start: usize,
    delimiter: u8,
    cells: &mut [Cell],
) -> Option<ScannedLine> {
    plain_line_into(bytes, start, delimiter, cells, |slot, _, cell| {
        *slot = cell;
        true
    })
}

/// [`plain_line`], each figure put in its slot by `store` (given the slot, the figure's
/// column and its cell); `None` also where `store` refuses one.
#[inline(always)]
pub(super) fn plain_line_into<S>(
    bytes: &[u8],
    start: usize,
    delimiter: u8,
    slots: &mut [S],
    mut store: impl FnMut(&mut S, usize, Cell) -> bool,
) -> Option<ScannedLine> {
    let line = bytes.get(start..)?;
    let mut rest = line.get(label_length(line, delimiter)? + 1..)?;
    let (last, slots) = slots.split_last_mut()?;
    let last_column = slots.len();
    for (column, slot) in slots.iter_mut().enumerate() {
        let (cell, length) = figure(rest)?;
        if !store(slot, column, cell) {
            return None;
        }
        match rest.get(length..) {
            Some([byte, after @ ..]) if *byte == delimiter => rest = after,
            _ => return None,
        }
    }
    let (cell, length) = figure(rest)?;
    if !store(last, last_column, cell) {
        return None;
    }
    let end = bytes.len() - rest.len() + length;
    let next = match rest.get(length..)? {
        [] => end,
        [b'\n', ..] | [b'\r'] => end + 1,
        [b'\r', b'\n', ..] => end + 2,
        _ => return None,
    };
    Some(ScannedLine { end, next })
}

/// How long the label that starts `line` is: up to the line's first `delimiter`; `None`
/// where the line ends first, or is blank.
fn label_length(line: &[u8], delimiter: u8) -> Option<usize> {
    if matches!(line.first(), None | Some(b'\r' | b'\n')) {
        return None;
    }
    let mut words = line.chunks_exact(WORD);
    let mut offset = 0;
    for word in words.by_ref() {
        let word = u64::from_le_bytes(word.try_into().ok()?);
        let found = bytes_equal(word, delimiter) | bytes_equal(word, b'\n');
        if found != 0 {
            let at = offset + first_marked(found);
            return (line.get(at) == Some(&delimiter)).then_some(at);
        }
        offset += WORD;
    }
    let at = offset
        + words
            .remainder()
            .iter()
            .position(|&byte| byte == delimiter || byte == b'\n')?;
    (line.get(at) == Some(&delimiter)).then_some(at)
}

/// Bytes in a word, read little-endian: the first byte is the word's lowest.
const WORD: usize = 8;
/// Each byte's lowest bit and highest bit.
const LOW_BITS: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// The high bit of every byte of `word` that is `byte`, and no other bit. Exact: the sum of a
/// byte's low 7 bits and 0x7f never carries into the next byte.
fn bytes_equal(word: u64, byte: u8) -> u64 {
    let differ = word ^ (LOW_BITS * u64::from(byte));
    !(((differ & !HIGH_BITS) + !HIGH_BITS) | differ) & HIGH_BITS
}

/// The position in its word of the first byte a mask of high bits marks (8 for none).
fn first_marked(marks: u64) -> usize {
    (marks.trailing_zeros() / 8) as usize
}

/// The value of the digit values a word ends with (the first the most significant, any
/// bytes below them 0): pairs, fours and eights of them combined by three multiplications.
fn digits_value(aligned: u64) -> u64 {
    let pairs = (aligned.wrapping_mul(10 << 8 | 1) >> 8) & 0x00ff_00ff_00ff_00ff;
    let fours = (pairs.wrapping_mul(100 << 16 | 1) >> 16) & 0x0000_ffff_0000_ffff;
    fours.wrapping_mul(10_000 << 32 | 1) >> 32
}

/// [`figure`] from the word `text` starts with, where the figure and the byte after it are
/// among the word's 8 bytes (a record file's `843.2,` or `-17.25,`); `None` where not, or
/// where fewer than 8 bytes are left.
#[inline(always)]
fn word_figure(text: &[u8]) -> Option<(Cell, usize)> {
    let word = u64::from_le_bytes(*text.first_chunk::<WORD>()?);
    if word as u8 == b'-' {
        // The word's top byte after the sign is not in the text: no figure ends there.
        let (mantissa, scale, length) = word_digits(word >> 8, HIGH_BITS >> 8)?;
        Some((Cell::from_parts(-(mantissa as i64), scale)?, length + 1))
    } else {
        let (mantissa, scale, length) = word_digits(word, HIGH_BITS)?;
        Some((Cell::from_parts(mantissa as i64, scale)?, length))
    }
}

/// The figure without a sign a word starts with (digits, and at most one `.` with digits on
/// both sides), where the byte after it is one of the word's bytes that `text` marks (by
/// their high bits): its mantissa, its scale and how many bytes it prints. Positions in the
/// word are counted in bits, 8 a byte.
#[inline(always)]
fn word_digits(word: u64, text: u64) -> Option<(u64, u32, usize)> {
    let values = word ^ (LOW_BITS * u64::from(b'0'));
    // The high bit of each byte that is not a digit: a value of 10 or more carries into it
    // (`+ 0x76`), one of 0x80 or more has it. A value past 0x89 carries on into the next
    // byte; it is not a digit, nor the point, so no mark read below is made by a carry.
    let marks = (values.wrapping_add(LOW_BITS * 0x76) | values) & text;
    // The high bit of the first byte that is not a digit: a digit before it, and a byte after.
    let first = marks.trailing_zeros();
    if !(15..64).contains(&first) {
        return None;
    }
    let whole = first - 7;
    let point = (word >> whole) as u8 == b'.';
    let end = if point {
        // The first non-digit after the point; `5.` is no figure.
        let after = (marks & (marks - 1)).trailing_zeros();
        if after == 64 || after == first + 8 {
            return None;
        }
        after - 7
    } else {
        whole
    };
    let digit_bits = end - 8 * u32::from(point);
    // The point taken out (the digits after it moved down a byte), the digits moved to the
    // word's top: what follows them is shifted out.
    let below = (1u64 << whole) - 1;
    let digits = (values & below) | ((values >> 8) & !below);
    let mantissa = digits_value(digits << (64 - digit_bits));
    let scale = if point { (end - whole) / 8 - 1 } else { 0 };
    Some((mantissa, scale, (end / 8) as usize))
}

/// The figure `text` starts with, up to the first byte that is not part of it, as a cell,
/// and how many bytes it prints: a sign, digits, and at most one `.` with digits on both sides
/// (`-843.2`, `007`), at most 18 bytes after the sign. The cell is the one
/// [`crate::number::parse_plain`] reads from the figure's text; `None` where there is no such
/// figure at the start.
#[inline(always)]
pub(super) fn figure(text: &[u8]) -> Option<(Cell, usize)> {
    match word_figure(text) {
        Some(read) => Some(read),
        None => scalar_figure(text),
    }
}

/// [`figure`] read a byte at a time: any figure, wherever it ends.
#[cold]
#[inline(never)]
fn scalar_figure(text: &[u8]) -> Option<(Cell, usize)> {
    let negative = text.first() == Some(&b'-');
    let digits = text.get(usize::from(negative)..)?;
    let mut mantissa: i64 = 0;
    let mut point = None;
    let mut length = digits.len();
    for (index, &byte) in digits.iter().enumerate() {
        let digit = byte.wrapping_sub(b'0');
        if digit < 10 {
            // Wrapping only past 18 bytes, which are refused below.
            mantissa = mantissa.wrapping_mul(10).wrapping_add(i64::from(digit));
        } else if byte == b'.' && point.is_none() && index > 0 {
            point = Some(index);
        } else {
            length = index;
            break;
        }
    }
    if length == 0 || length > 18 {
        return None;
    }
    let scale = match point {
        Some(point) if point + 1 == length => return None,
        Some(point) => u32::try_from(length - point - 1).ok()?,
        None => 0,
    };
    let cell = Cell::from_parts(if negative { -mantissa } else { mantissa }, scale)?;
    Some((cell, usize::from(negative) + length))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_figure_in_a_word_is_read_with_its_length() {
        let read = |text: &str| word_figure(text.as_bytes());
        assert_eq!(
            read("843.2,1\n"),
            Some((Cell::from_parts(8432, 1).unwrap(), 5))
        );
        assert_eq!(
            read("-0.50,xy"),
            Some((Cell::from_parts(-50, 2).unwrap(), 5))
        );
        assert_eq!(
            read("007\r\n...."),
            Some((Cell::from_parts(7, 0).unwrap(), 3))
        );
        assert_eq!(
            read("-123456\n"),
            Some((Cell::from_parts(-123_456, 0).unwrap(), 7))
        );
        // Not in the word with the byte after it, or fewer than 8 bytes: read a byte at a time.
        for whole_word in ["1234567890", "-1234567,", "838860.8", "1.5,"] {
            assert_eq!(read(whole_word), None, "{whole_word:?}");
            assert!(figure(whole_word.as_bytes()).is_some(), "{whole_word:?}");
        }
        for refused in [
            "",
            "-,000000",
            ".5,00000",
            "5.,00000",
            "—,000000",
            "-.5,0000",
            ",0000000",
        ] {
            assert_eq!(figure(refused.as_bytes()), None, "{refused:?}");
        }
    }

    #[test]
    fn a_plain_line_ends_at_its_line_break() {
        let mut cells = [Cell::PLACEHOLDER; 2];
        let text = b"r1,1.5,-2\r\nr2,3,4";
        let first = plain_line(text, 0, b',', &mut cells).unwrap();
        assert_eq!(first, ScannedLine { end: 9, next: 11 });
        assert_eq!(
            cells,
            [
                Cell::from_parts(15, 1).unwrap(),
                Cell::from_parts(-2, 0).unwrap()
            ]
        );
        let last = plain_line(text, first.next, b',', &mut cells).unwrap();
        assert_eq!(last, ScannedLine { end: 17, next: 17 });
        for other in [
            &b"r,1,2,3\n"[..],
            b"r,1\n",
            b"r,1, 2\n",
            b"r,1,2\r\r\n",
            b"\n",
            b"\r\n",
            b"r\n,1,2",
        ] {
            assert_eq!(plain_line(other, 0, b',', &mut cells), None, "{other:?}");
        }
    }

    proptest! {
        /// A figure read from a word is the one read a byte at a time, and every figure that
        /// ends within the word is read from it.
        #[test]
        fn a_word_reads_as_the_bytes_read(
            text in r"-?[0-9]{0,9}(\.[0-9]{0,4})?[,\n\r .a\-—]?[0-9,.\-]{0,9}",
        ) {
            let bytes = text.as_bytes();
            let scalar = scalar_figure(bytes);
            match word_figure(bytes) {
                Some(word) => prop_assert_eq!(Some(word), scalar),
                None => prop_assert!(
                    bytes.len() < WORD || scalar.is_none_or(|(_, length)| length >= WORD)
                ),
            }
        }

        /// The marks of a byte found in a word are exactly where the byte is.
        #[test]
        fn bytes_equal_marks_the_byte_and_no_other(word: [u8; 8], byte: u8, at in 0usize..8) {
            let mut word = word;
            word[at] = byte;
            let marks = bytes_equal(u64::from_le_bytes(word), byte);
            for (index, &other) in word.iter().enumerate() {
                prop_assert_eq!(marks >> (8 * index + 7) & 1 == 1, other == byte);
            }
            prop_assert_eq!(marks & !HIGH_BITS, 0);
        }

        /// A label ends at the line's first delimiter, wherever it falls among the words.
        #[test]
        fn a_label_ends_at_the_first_delimiter(line in "[ab;\r\n]{0,20}") {
            let bytes = line.as_bytes();
            let expected = match bytes.iter().position(|&b| b == b';' || b == b'\n') {
                _ if matches!(bytes.first(), None | Some(b'\r' | b'\n')) => None,
                Some(at) if bytes[at] == b';' => Some(at),
                _ => None,
            };
            prop_assert_eq!(label_length(bytes, b';'), expected);
        }
    }
}
