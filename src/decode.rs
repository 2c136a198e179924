//! Reading text files in the encodings statistical offices save them in: UTF-8 (with or without
//! a byte-order mark), UTF-16 with a byte-order mark, and GBK/GB18030 — what Chinese Excel
//! writes when it exports CSV.
//!
//! A byte-order mark, or bytes that are valid UTF-8, settle the encoding. Otherwise the file is
//! decoded as `--encoding` names, or as chardetng guesses; a guess is accepted only for the
//! multi-byte East Asian encodings, which a wrong guess rarely decodes without an error (a
//! single-byte encoding such as windows-1252 decodes any bytes at all, so guessing it would
//! turn a binary file into nonsense instead of an error). A guess is said on stderr.
//!
//! Parsing sees the decoded text, but reports count the bytes of the file as stored: a
//! [`Decoded`] kept on the [`SourceFile`](crate::source::SourceFile) maps an offset in the text
//! back to the stored bytes — the stored start of each line, plus the prefix of the line
//! re-encoded. The few lines whose characters do not re-encode to their stored length (GBK's
//! one-byte `0x80` for `€`) keep an exact map of their characters instead.

use crate::pages::Pages;
use crate::source::{SourceText, TextFacts};
use encoding_rs::{
    BIG5, DecoderResult, EUC_JP, EUC_KR, EncoderResult, Encoding, GB18030, GBK, SHIFT_JIS, UTF_8,
    UTF_16BE, UTF_16LE,
};
use miette::{Diagnostic, NamedSource, SourceSpan};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A file's bytes that cannot be read as text.
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum DecodeError {
    /// A byte sequence the file's encoding does not allow: a GBK file read with
    /// `--encoding utf-8`, a truncated UTF-16 file.
    #[error("{} is not {encoding} text", source_code.name())]
    #[diagnostic(
        code(crossfoot::data::encoding),
        help(
            "save the file as UTF-8, or name its encoding with --encoding (utf-8, gbk, gb18030, big5, utf-16le …)"
        )
    )]
    Undecodable {
        encoding: &'static str,
        #[source_code]
        source_code: NamedSource<String>,
        #[label("byte {offset} is not {encoding}")]
        span: SourceSpan,
        offset: usize,
    },

    /// Not UTF-8, and not a multi-byte encoding crossfoot could recognise: a binary file, or
    /// text in a single-byte encoding that must be named.
    #[error("{} is not text in an encoding crossfoot can recognise (it might be {guess})", path.display())]
    #[diagnostic(
        code(crossfoot::data::encoding),
        help(
            "save the file as UTF-8, or name its encoding with --encoding if it really is text (for example --encoding {guess})"
        )
    )]
    Unrecognised { path: PathBuf, guess: &'static str },
}

/// How files are read, and what reading them found worth saying.
#[derive(Debug, Default)]
pub struct ReadOptions {
    /// `--encoding`: the encoding of files that are neither UTF-8 nor marked by a byte-order
    /// mark. `None`: guess.
    pub encoding: Option<&'static Encoding>,
    /// One line per file read in an encoding other than UTF-8 (files are read in parallel).
    notices: Mutex<Vec<String>>,
    /// `--max-table-size`: a larger table file is refused before it is read. `None`: the
    /// default ([`crate::table::limits::DEFAULT_MAX_TABLE_BYTES`]).
    pub max_table_bytes: Option<u64>,
    /// `--allow-outside-data`: read the files `tables.toml` names (and symlinks in the data or
    /// rules directory) wherever they resolve. Default: only inside the data directory (a
    /// rules file found in a rules directory: inside that).
    pub allow_outside_data: bool,
}

impl ReadOptions {
    pub fn new(encoding: Option<&'static Encoding>) -> Self {
        Self {
            encoding,
            notices: Mutex::new(Vec::new()),
            max_table_bytes: None,
            allow_outside_data: false,
        }
    }

    /// The most bytes a table file may hold: `--max-table-size`, and never more than 32-bit
    /// offsets address.
    pub fn max_table_bytes(&self) -> u64 {
        use crate::table::limits::{ADDRESSABLE, DEFAULT_MAX_TABLE_BYTES};
        self.max_table_bytes
            .unwrap_or(DEFAULT_MAX_TABLE_BYTES)
            .min(ADDRESSABLE)
    }

    fn notice(&self, text: String) {
        if let Ok(mut notices) = self.notices.lock() {
            notices.push(text);
        }
    }

    /// What reading found worth saying on stderr, in path order (files are read in parallel).
    pub fn notices(&self) -> Vec<String> {
        let mut notices = self.notices.lock().map(|n| n.clone()).unwrap_or_default();
        notices.sort();
        notices.dedup();
        notices
    }
}

/// The encoding `--encoding NAME` names (any WHATWG label: `gbk`, `gb18030`, `utf-8`,
/// `utf-16le`, `big5` …). Encodings whose line breaks are not one byte `\n` of their own
/// (ISO-2022-JP's escapes, the `replacement` encoding) are refused: spans could not be mapped.
pub fn encoding_for(name: &str) -> Result<&'static Encoding, String> {
    let unknown = || {
        format!(
            "unknown encoding `{name}`: name one such as utf-8, gbk, gb18030, big5, shift_jis, utf-16le or windows-1252"
        )
    };
    let encoding =
        Encoding::for_label_no_replacement(name.trim().as_bytes()).ok_or_else(unknown)?;
    if encoding.is_ascii_compatible() || is_utf16(encoding) {
        Ok(encoding)
    } else {
        Err(format!(
            "crossfoot cannot read {}: name an encoding such as utf-8, gbk or utf-16le",
            encoding.name()
        ))
    }
}

fn is_utf16(encoding: &'static Encoding) -> bool {
    encoding == UTF_16LE || encoding == UTF_16BE
}

/// A file's text and, when it is not stored as UTF-8, how to find its stored bytes again.
pub struct Text {
    pub text: SourceText,
    pub decoded: Option<Decoded>,
    /// What the validation of a large UTF-8 file found beside it, for its [`SourceFile`]
    /// ([`SourceFile::with_facts`]).
    ///
    /// [`SourceFile`]: crate::source::SourceFile
    /// [`SourceFile::with_facts`]: crate::source::SourceFile::with_facts
    pub facts: Option<TextFacts>,
}

impl Text {
    /// A UTF-8 file's own text, read as [`lines_ended_by_cr`] says; its facts are kept only
    /// where that leaves the text as it is.
    fn utf8((text, facts): (SourceText, Option<TextFacts>)) -> Self {
        let (text, facts) = match facts {
            Some(facts) if facts.lines_ended_by_cr() => (lines_ended_by_cr(text), None),
            Some(facts) => (text, Some(facts)),
            None => (lines_ended_by_cr(text), None),
        };
        Text {
            text,
            decoded: None,
            facts,
        }
    }
}

/// Decode a file's bytes; `options` names the encoding of a file that is not UTF-8, and hears
/// which encoding was used when it is not UTF-8. The text keeps a byte-order mark as U+FEFF,
/// as UTF-8 files have always kept theirs, so that line 1 starts where it did.
pub fn decode(
    path: &Path,
    bytes: impl Into<Pages<u8>>,
    options: &ReadOptions,
) -> Result<Text, DecodeError> {
    decode_declared(path, bytes, options, None)
}

/// [`decode`], with the encoding `tables.toml` declares for this file, which `--encoding`
/// does not override.
pub fn decode_declared(
    path: &Path,
    bytes: impl Into<Pages<u8>>,
    options: &ReadOptions,
    declared: Option<&'static Encoding>,
) -> Result<Text, DecodeError> {
    let bytes = bytes.into();
    let bom = Encoding::for_bom(&bytes).map(|(encoding, _)| encoding);
    // Most files are UTF-8: try that first, validating the bytes once, without a copy.
    let bytes = match bom {
        None => match SourceText::from_utf8_noting(bytes) {
            Ok(read) => return Ok(Text::utf8(read)),
            Err(bytes) => bytes,
        },
        Some(_) => bytes,
    };
    let (encoding, how) = match bom {
        Some(encoding) if encoding == UTF_8 => (UTF_8, ""),
        Some(encoding) => (encoding, "byte-order mark"),
        None => match (declared, options.encoding) {
            (Some(declared), _) => (declared, "tables.toml"),
            (None, Some(named)) => (named, "--encoding"),
            (None, None) => (
                guess(path, &bytes)?,
                "detected; name another with --encoding",
            ),
        },
    };
    if encoding == UTF_8 {
        return match SourceText::from_utf8(bytes) {
            Ok(text) => Ok(Text::utf8((text, None))),
            Err(bytes) => {
                let offset = std::str::from_utf8(&bytes)
                    .err()
                    .map_or(0, |e| e.valid_up_to());
                // Everything before the first bad byte decodes the same, so the span stays true.
                let lossy = String::from_utf8_lossy(&bytes).into_owned();
                Err(undecodable(path, UTF_8, lossy, offset, offset))
            }
        };
    }
    let text = decode_exact(path, &bytes, encoding)?;
    options.notice(format!(
        "{}: read as {} ({how})",
        path.display(),
        encoding.name()
    ));
    let decoded = Decoded::new(encoding, &bytes, &text);
    Ok(Text {
        text: lines_ended_by_cr(text.into()),
        decoded: Some(decoded),
        facts: None,
    })
}

/// A file whose lines end in CR alone (classic Mac OS) read with LF instead, so its rows are
/// rows and its lines are numbered; both are one byte, so every span stays true to the file.
/// A file with any LF keeps its CRs as they are.
fn lines_ended_by_cr(text: SourceText) -> SourceText {
    // memchr's search (SIMD), not `str::contains`'s byte loop: a record file is 68 MB.
    let has = |byte| memchr::memchr(byte, text.as_bytes()).is_some();
    if has(b'\r') && !has(b'\n') {
        text.replace('\r', "\n").into()
    } else {
        text
    }
}

/// Whether a guess may settle on `encoding`: the multi-byte East Asian encodings only.
fn guessable(encoding: &'static Encoding) -> bool {
    [GBK, GB18030, BIG5, SHIFT_JIS, EUC_JP, EUC_KR].contains(&encoding)
}

fn guess(path: &Path, bytes: &[u8]) -> Result<&'static Encoding, DecodeError> {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    // crossfoot reads Chinese statistics: where a short file could be several encodings
    // (four bytes of GBK are also EUC-KR), the `.cn` hint settles on GBK.
    let guess = detector.guess(Some(b"cn"), chardetng::Utf8Detection::Deny);
    if guessable(guess) {
        Ok(guess)
    } else {
        Err(DecodeError::Unrecognised {
            path: path.to_path_buf(),
            guess: guess.name(),
        })
    }
}

fn undecodable(
    path: &Path,
    encoding: &'static Encoding,
    text: String,
    offset: usize,
    at: usize,
) -> DecodeError {
    DecodeError::Undecodable {
        encoding: encoding.name(),
        source_code: NamedSource::new(path.display().to_string(), text),
        span: (at, 1).into(),
        offset,
    }
}

/// Decode without replacing anything: a byte the encoding does not allow is an error at its
/// place (the text before it, then the rest decoded with replacement, is the error's source).
fn decode_exact(
    path: &Path,
    bytes: &[u8],
    encoding: &'static Encoding,
) -> Result<String, DecodeError> {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .unwrap_or(bytes.len().saturating_mul(3));
    let mut text = String::with_capacity(capacity);
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut text, true);
    match result {
        DecoderResult::InputEmpty => Ok(text),
        DecoderResult::Malformed(bad, after) => {
            let offset = read.saturating_sub(usize::from(after) + usize::from(bad));
            let at = text.len();
            let (rest, _) =
                encoding.decode_without_bom_handling(bytes.get(offset..).unwrap_or_default());
            text.push_str(&rest);
            Err(undecodable(path, encoding, text, offset, at))
        }
        // The buffer was sized for the worst case, so output never runs out.
        DecoderResult::OutputFull => Err(undecodable(path, encoding, text, read, read)),
    }
}

/// How to find the stored bytes of a decoded file's text.
#[derive(Debug)]
pub struct Decoded {
    encoding: &'static Encoding,
    /// The stored byte offset of each line's start, line for line with the text's.
    line_bytes: Vec<usize>,
    /// Lines whose characters do not re-encode to their stored length: for each character,
    /// its offset in the line's text and in the line's stored bytes.
    irregular: HashMap<usize, Vec<(usize, usize)>>,
}

impl Decoded {
    fn new(encoding: &'static Encoding, bytes: &[u8], text: &str) -> Self {
        let lines: Vec<&str> = text.split('\n').collect();
        let mut line_bytes = Vec::with_capacity(lines.len());
        let mut irregular = HashMap::new();
        if is_utf16(encoding) {
            // Every character is one or two 16-bit units: the stored length follows exactly.
            let mut start = 0;
            for line in &lines {
                line_bytes.push(start);
                start += encoded_len(encoding, line).unwrap_or_default() + 2;
            }
        } else {
            // An ASCII-compatible encoding stores `\n` as the byte 0x0A, which is never part of
            // a multi-byte character: the stored lines are the bytes between 0x0A bytes.
            let stored: Vec<&[u8]> = bytes.split(|&byte| byte == b'\n').collect();
            let mut start = 0;
            for (index, (line, raw)) in lines.iter().zip(&stored).enumerate() {
                line_bytes.push(start);
                if encoded_len(encoding, line) != Some(raw.len()) {
                    irregular.insert(index, character_map(encoding, raw));
                }
                start += raw.len() + 1;
            }
        }
        Self {
            encoding,
            line_bytes,
            irregular,
        }
    }

    pub fn encoding(&self) -> &'static Encoding {
        self.encoding
    }

    /// The stored byte offset of `prefix`'s end, where `prefix` is line `line`'s text up to an
    /// offset.
    pub fn stored_offset(&self, line: usize, prefix: &str) -> usize {
        let start = self.line_bytes.get(line).copied().unwrap_or_default();
        let within = match self.irregular.get(&line) {
            Some(map) => map
                .iter()
                .find(|(text, _)| *text >= prefix.len())
                .map_or_else(
                    || map.last().map_or(0, |&(_, stored)| stored),
                    |&(_, stored)| stored,
                ),
            None => encoded_len(self.encoding, prefix).unwrap_or(prefix.len()),
        };
        start + within
    }
}

/// How many bytes `text` takes in `encoding`; `None` when a character has no encoding there.
fn encoded_len(encoding: &'static Encoding, text: &str) -> Option<usize> {
    if is_utf16(encoding) {
        return Some(text.encode_utf16().count() * 2);
    }
    // encoding_rs's GBK encoder leaves out GB18030's four-byte sequences, which its GBK
    // decoder (the GB18030 decoder) reads: measure with the encoder that matches the decoder.
    let encoder_encoding = if encoding == GBK { GB18030 } else { encoding };
    let mut encoder = encoder_encoding.new_encoder();
    let capacity = encoder.max_buffer_length_from_utf8_without_replacement(text.len())?;
    let mut out = Vec::with_capacity(capacity);
    let (result, _) = encoder.encode_from_utf8_to_vec_without_replacement(text, &mut out, true);
    matches!(result, EncoderResult::InputEmpty).then_some(out.len())
}

/// Each character of a stored line: its offset in the decoded text and in the stored bytes,
/// found by feeding the decoder one byte at a time. The last entry is the line's end.
fn character_map(encoding: &'static Encoding, raw: &[u8]) -> Vec<(usize, usize)> {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(raw.len() * 3 + 8);
    let mut map = vec![(0, 0)];
    let mut last_len = 0;
    for (index, byte) in raw.iter().enumerate() {
        let _ = decoder.decode_to_string_without_replacement(&[*byte], &mut text, false);
        if text.len() != last_len {
            last_len = text.len();
            map.push((last_len, index + 1));
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8], encoding: Option<&'static Encoding>) -> Result<Text, DecodeError> {
        decode(
            Path::new("t.csv"),
            bytes.to_vec(),
            &ReadOptions::new(encoding),
        )
    }

    /// The stored span of the `n`th occurrence of `needle` in the decoded text.
    fn stored(text: &Text, needle: &str) -> (usize, usize) {
        let decoded = text.decoded.as_ref().unwrap();
        let start = text.text.find(needle).unwrap();
        let end = start + needle.len();
        let line_of = |offset: usize| text.text[..offset].matches('\n').count();
        let line_start = |offset: usize| text.text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let at = |offset: usize| {
            decoded.stored_offset(line_of(offset), &text.text[line_start(offset)..offset])
        };
        (at(start), at(end) - at(start))
    }

    #[test]
    fn gbk_is_detected_and_spans_count_stored_bytes() {
        let csv = "类别,合同数/项,成交额/亿元\n技术开发,1 234,22 398.4\n合计,5,6.0\n";
        let (bytes, _, _) = GBK.encode(csv);
        let text = read(&bytes, None).unwrap();
        assert_eq!(&*text.text, csv);
        assert_eq!(text.decoded.as_ref().unwrap().encoding(), GBK);
        let (offset, length) = stored(&text, "22 398.4");
        assert_eq!(&bytes[offset..offset + length], b"22 398.4");
        let (offset, length) = stored(&text, "合计");
        assert_eq!(&bytes[offset..offset + length], &GBK.encode("合计").0[..]);
    }

    #[test]
    fn utf16_with_a_byte_order_mark_maps_back_to_its_units() {
        let csv = "\u{feff}类别,额\n合计,6.0\n";
        let mut bytes = Vec::new();
        for unit in csv.encode_utf16() {
            bytes.extend(unit.to_le_bytes());
        }
        let text = read(&bytes, None).unwrap();
        assert_eq!(&*text.text, csv);
        let (offset, length) = stored(&text, "6.0");
        assert_eq!((offset, length), (bytes.len() - 8, 6));
    }

    #[test]
    fn a_one_byte_euro_in_gbk_keeps_exact_spans() {
        // 0x80 is € in GBK, though a GBK encoder writes € in two bytes.
        let bytes = b"a,\x80,\xba\xcf,9\n";
        let text = read(bytes, Some(GBK)).unwrap();
        assert_eq!(&*text.text, "a,€,合,9\n");
        assert_eq!(stored(&text, "合"), (4, 2));
        assert_eq!(stored(&text, "9"), (7, 1));
    }

    #[test]
    fn a_named_encoding_that_does_not_fit_is_an_error_at_the_byte() {
        let error = read(b"ab\xba\xcf\n", Some(UTF_8)).err().unwrap();
        let DecodeError::Undecodable { offset, .. } = error else {
            panic!("{error:?}")
        };
        assert_eq!(offset, 2);
        let error = read(b"ab\xff\xff\xff\xff", Some(GBK)).err().unwrap();
        assert!(
            matches!(error, DecodeError::Undecodable { offset: 2, .. }),
            "{error:?}"
        );
    }

    #[test]
    fn utf8_wins_over_a_named_encoding() {
        let text = read("合计,1\n".as_bytes(), Some(GBK)).unwrap();
        assert_eq!(&*text.text, "合计,1\n");
        assert!(text.decoded.is_none());
    }

    #[test]
    fn encoding_names_are_whatwg_labels() {
        assert_eq!(encoding_for("GBK").unwrap(), GBK);
        assert_eq!(encoding_for("utf8").unwrap(), UTF_8);
        assert!(
            encoding_for("klingon")
                .unwrap_err()
                .contains("unknown encoding `klingon`")
        );
        assert!(encoding_for("iso-2022-jp").is_err());
    }
}
