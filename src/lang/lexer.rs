//! Rules text → tokens with spans.
//!
//! Words run until whitespace or punctuation, so Chinese labels need no quotes; a label with
//! spaces or punctuation in it is written in double quotes. `#` starts a comment.

use crate::source::Span;

/// A token's text is a slice of the rules file, not a copy: the parser copies what a rule
/// keeps, and every word of a file was allocated and freed again.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TokenKind<'a> {
    Word(&'a str),
    Number(&'a str),
    Str(&'a str),
    LBracket,
    RBracket,
    LParen,
    RParen,
    Comma,
    Slash,
    Plus,
    Minus,
    Star,
    Percent,
    Colon,
    Equal,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    /// An unterminated string or a stray character.
    Invalid(&'a str),
    Eof,
}

impl TokenKind<'_> {
    /// How the token reads in an error message.
    pub fn describe(&self) -> String {
        match self {
            TokenKind::Word(w) => format!("`{w}`"),
            TokenKind::Number(n) => format!("number `{n}`"),
            TokenKind::Str(s) => format!("string \"{s}\""),
            TokenKind::Invalid(s) => format!("`{s}`"),
            TokenKind::Eof => "end of file".to_string(),
            other => format!("`{}`", other.symbol()),
        }
    }

    fn symbol(&self) -> &'static str {
        match self {
            TokenKind::LBracket => "[",
            TokenKind::RBracket => "]",
            TokenKind::LParen => "(",
            TokenKind::RParen => ")",
            TokenKind::Comma => ",",
            TokenKind::Slash => "/",
            TokenKind::Plus => "+",
            TokenKind::Minus => "-",
            TokenKind::Star => "*",
            TokenKind::Percent => "%",
            TokenKind::Colon => ":",
            TokenKind::Equal => "=",
            TokenKind::Less => "<",
            TokenKind::LessEqual => "<=",
            TokenKind::Greater => ">",
            TokenKind::GreaterEqual => ">=",
            _ => "",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Token<'a> {
    pub kind: TokenKind<'a>,
    pub span: Span,
}

/// The characters that end a word. Compared one by one, not searched for in a string (which
/// encodes the character first): this runs for every character of a rules file.
const DELIMITERS: [char; 17] = [
    '[', ']', '(', ')', ',', '/', '+', '*', '%', ':', '=', '<', '>', '!', '|', '"', '#',
];

fn is_delimiter(c: char) -> bool {
    c.is_whitespace() || DELIMITERS.contains(&c)
}

/// [`DELIMITERS`] and the ASCII whitespace of [`char::is_whitespace`] (tab to carriage
/// return, space) as bits of a mask.
const ASCII_DELIMITERS: u128 = (1 << 0x20) | (0b11111 << 0x09) | mask_of(&DELIMITERS);

const fn mask_of(chars: &[char]) -> u128 {
    match chars {
        [first, rest @ ..] => (1 << (*first as u32)) | mask_of(rest),
        [] => 0,
    }
}

/// For each byte that starts a character, how far a word steps over that character: 0 where
/// the word stops (an ASCII delimiter or whitespace) or may stop (the lead bytes of the
/// whitespace beyond ASCII — U+0085 and U+00A0: C2; U+1680: E1; U+2000–U+205F: E2; U+3000:
/// E3 — where the character is decoded to tell), else the character's width. A word steps a
/// character at a time by one look-up: tested byte by byte against a 128-bit mask, the book's
/// words took 1.1 M instructions.
const WORD_STEPS: [u8; 256] = word_steps();

const fn word_steps() -> [u8; 256] {
    let mut steps = [0; 256];
    let mut byte: u8 = 0;
    let mut rest: &mut [u8] = &mut steps;
    while let [step, tail @ ..] = rest {
        *step = match byte {
            0..0x80 if (ASCII_DELIMITERS >> byte) & 1 == 1 => 0,
            0xC2 | 0xE1..=0xE3 => 0,
            0..0xC0 => 1,
            0xC0..0xE0 => 2,
            0xE0..0xF0 => 3,
            _ => 4,
        };
        byte = byte.wrapping_add(1);
        rest = tail;
    }
    steps
}

fn word_step(byte: u8) -> usize {
    WORD_STEPS
        .get(usize::from(byte))
        .map_or(0, |&step| usize::from(step))
}

/// Bytes of rules text per token, at least, in all but the densest rules files.
const TOKEN_BYTES: usize = 6;

pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    // Read byte by byte, a character decoded only where a byte beyond ASCII starts a token and
    // may be whitespace: decoding every token's first character (and every space) took 1.5 M
    // instructions of the book's run.
    let bytes = text.as_bytes();
    // Sized for the densest of the book's rules files (a token per 6.6 bytes; 10 on
    // average): grown from empty, the list was copied ever larger about 9 times a file, 3.9 MB
    // allocated for the book's 330 KB of rules. A denser file still grows as before.
    let mut tokens = Vec::with_capacity(text.len() / TOKEN_BYTES + 1);
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        let start = at;
        at += 1;
        let mut followed_by = |wanted: u8| {
            let follows = bytes.get(at) == Some(&wanted);
            at += usize::from(follows);
            follows
        };
        let kind = match byte {
            b'\t'..=b'\r' | b' ' => continue,
            b'#' => {
                at = memchr::memchr(b'\n', bytes.get(at..).unwrap_or_default())
                    .map_or(text.len(), |line_end| at + line_end);
                continue;
            }
            b'[' => TokenKind::LBracket,
            b']' => TokenKind::RBracket,
            b'(' => TokenKind::LParen,
            b')' => TokenKind::RParen,
            b',' => TokenKind::Comma,
            b'/' => TokenKind::Slash,
            b'+' => TokenKind::Plus,
            b'-' => TokenKind::Minus,
            b'*' => TokenKind::Star,
            b'%' => TokenKind::Percent,
            b':' => TokenKind::Colon,
            b'=' => {
                followed_by(b'=');
                TokenKind::Equal
            }
            b'<' if followed_by(b'=') => TokenKind::LessEqual,
            b'<' => TokenKind::Less,
            b'>' if followed_by(b'=') => TokenKind::GreaterEqual,
            b'>' => TokenKind::Greater,
            b'"' => {
                let (kind, end) = string(text, at);
                at = end;
                kind
            }
            b'!' => TokenKind::Invalid("!"),
            // Not an operator of the language; a token of its own so the error points at it.
            b'|' if followed_by(b'|') => TokenKind::Invalid("||"),
            b'|' => TokenKind::Invalid("|"),
            _ => {
                if let Some(width) = space_beyond_ascii(text, start) {
                    at = start + width;
                    continue;
                }
                at = word_end(text, start);
                word(text.get(start..at).unwrap_or_default())
            }
        };
        tokens.push(Token {
            kind,
            span: Span::new(start, at - start),
        });
    }
    tokens.push(Token {
        kind: TokenKind::Eof,
        span: Span::new(text.len(), 0),
    });
    tokens
}

/// The width of the whitespace character beyond ASCII at byte `at`, if one is there. A
/// byte-order mark is kept in the decoded text (so spans stay true) and read as whitespace at
/// the start; elsewhere U+FEFF is a stray character like any other.
fn space_beyond_ascii(text: &str, at: usize) -> Option<usize> {
    // Only these lead bytes start whitespace (see [`WORD_STEPS`]) or, at the start, the mark.
    let lead = *text.as_bytes().get(at)?;
    if !((lead >= 0x80 && word_step(lead) == 0) || (at == 0 && lead == 0xEF)) {
        return None;
    }
    let c = text.get(at..)?.chars().next()?;
    (c.is_whitespace() || (at == 0 && c == '\u{feff}')).then(|| c.len_utf8())
}

/// Where the word going on at byte `from` ends: at the first delimiter, or the end.
fn word_end(text: &str, from: usize) -> usize {
    let bytes = text.as_bytes();
    let mut at = from;
    while let Some(&byte) = bytes.get(at) {
        at += match word_step(byte) {
            0 if byte < 0x80 => return at,
            0 => match text.get(at..).and_then(|rest| rest.chars().next()) {
                Some(c) if !c.is_whitespace() => c.len_utf8(),
                _ => return at,
            },
            step => step,
        };
    }
    at
}

/// Whether `text` reads as one word of the language, so a rule can name it: a table id.
pub fn is_word(text: &str) -> bool {
    text.starts_with(|c: char| !is_delimiter(c) && !"-'".contains(c))
        && !text.contains(is_delimiter)
        && matches!(word(text), TokenKind::Word(_))
}

fn word(text: &str) -> TokenKind<'_> {
    // `&` is part of labels (`全社会R&D经费`); standing alone it is another language's `and`.
    if text == "&" || text == "&&" {
        return TokenKind::Invalid(text);
    }
    let is_number = text.as_bytes().first().is_some_and(u8::is_ascii_digit)
        && text.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && text.bytes().filter(|&b| b == b'.').count() <= 1
        && !text.ends_with('.');
    if is_number {
        TokenKind::Number(text)
    } else {
        TokenKind::Word(text)
    }
}

/// The string whose text starts at byte `from` (after its opening quote), and where its token
/// ends: after the closing quote, or after the line break or at the end of the text that leaves
/// it unterminated.
fn string(text: &str, from: usize) -> (TokenKind<'_>, usize) {
    let rest = text.get(from..).unwrap_or_default();
    match memchr::memchr2(b'"', b'\n', rest.as_bytes()) {
        Some(end) if rest.as_bytes().get(end) == Some(&b'"') => (
            TokenKind::Str(rest.get(..end).unwrap_or_default()),
            from + end + 1,
        ),
        Some(end) => (unterminated(), from + end + 1),
        None => (unterminated(), text.len()),
    }
}

fn unterminated() -> TokenKind<'static> {
    TokenKind::Invalid("unterminated string")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    type Chars<'a> = std::iter::Peekable<std::str::CharIndices<'a>>;

    fn position(chars: &mut Chars<'_>, text: &str) -> usize {
        chars.peek().map_or(text.len(), |&(i, _)| i)
    }

    // The reading as it was, character by character through a peekable iterator: what the
    // byte-wise one must give on any text.
    fn tokenize_by_chars(text: &str) -> Vec<Token<'_>> {
        let mut tokens = Vec::new();
        let mut chars = text.char_indices().peekable();
        while let Some((start, c)) = chars.next() {
            if c.is_whitespace() || (start == 0 && c == '\u{feff}') {
                continue;
            }
            if c == '#' {
                while chars.next_if(|&(_, c)| c != '\n').is_some() {}
                continue;
            }
            let followed_by_equal =
                |chars: &mut Chars<'_>| chars.next_if(|&(_, c)| c == '=').is_some();
            let kind = match c {
                '[' => TokenKind::LBracket,
                ']' => TokenKind::RBracket,
                '(' => TokenKind::LParen,
                ')' => TokenKind::RParen,
                ',' => TokenKind::Comma,
                '/' => TokenKind::Slash,
                '+' => TokenKind::Plus,
                '-' => TokenKind::Minus,
                '*' => TokenKind::Star,
                '%' => TokenKind::Percent,
                ':' => TokenKind::Colon,
                '=' => {
                    followed_by_equal(&mut chars);
                    TokenKind::Equal
                }
                '<' if followed_by_equal(&mut chars) => TokenKind::LessEqual,
                '<' => TokenKind::Less,
                '>' if followed_by_equal(&mut chars) => TokenKind::GreaterEqual,
                '>' => TokenKind::Greater,
                '"' => string_by_chars(&mut chars, text, start + 1),
                '!' => TokenKind::Invalid("!"),
                '|' if chars.next_if(|&(_, c)| c == '|').is_some() => TokenKind::Invalid("||"),
                '|' => TokenKind::Invalid("|"),
                _ => {
                    while chars.next_if(|&(_, c)| !is_delimiter(c)).is_some() {}
                    let end = position(&mut chars, text);
                    word(text.get(start..end).unwrap_or_default())
                }
            };
            let end = position(&mut chars, text);
            tokens.push(Token {
                kind,
                span: Span::new(start, end - start),
            });
        }
        tokens.push(Token {
            kind: TokenKind::Eof,
            span: Span::new(text.len(), 0),
        });
        tokens
    }

    fn string_by_chars<'a>(chars: &mut Chars<'_>, text: &'a str, from: usize) -> TokenKind<'a> {
        for (at, c) in chars.by_ref() {
            match c {
                '"' => return TokenKind::Str(&text[from..at]),
                '\n' => break,
                _ => {}
            }
        }
        TokenKind::Invalid("unterminated string")
    }

    proptest! {
        #[test]
        fn byte_wise_reading_is_the_reading_by_characters(
            pieces in proptest::collection::vec(
                prop_oneof![
                    Just("合计"), Just("a"), Just("12"), Just("."), Just("-"), Just("&"),
                    Just("["), Just("]"), Just("("), Just(")"), Just(","), Just("/"),
                    Just("+"), Just("*"), Just("%"), Just(":"), Just("="), Just("<"),
                    Just(">"), Just("!"), Just("|"), Just("\""), Just("#"), Just(" "),
                    Just("\n"), Just("\t"), Just("\u{b}"), Just("\u{3000}"), Just("\u{a0}"),
                    Just("\u{85}"), Just("\u{2028}"), Just("\u{feff}"), Just("é"), Just("𝄞"),
                    Just("\r"),
                ],
                0..40,
            ),
        ) {
            let text: String = pieces.concat();
            prop_assert_eq!(tokenize(&text), tokenize_by_chars(&text));
        }
    }

    #[test]
    fn a_word_ends_at_every_delimiter_and_nowhere_else() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let text = format!("a{c}b");
            let expected = if is_delimiter(c) { 1 } else { text.len() };
            assert_eq!(word_end(&text, 1), expected, "{c:?}");
        }
    }

    fn kinds(text: &str) -> Vec<TokenKind<'_>> {
        tokenize(text).into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn a_word_steps_over_whole_characters_and_stops_only_at_whitespace_or_a_delimiter() {
        use TokenKind::*;
        // Lead bytes C2, E1, E2 and E3 start whitespace and other characters alike.
        assert_eq!(kinds("©ḁ…、合计]"), [Word("©ḁ…、合计"), RBracket, Eof]);
        assert_eq!(
            kinds("a\u{a0}b\u{3000}合\u{2003}计\u{85}"),
            [Word("a"), Word("b"), Word("合"), Word("计"), Eof]
        );
        // A word at the very end of the text, its last character wider than a byte.
        let tokens = tokenize("x 合计");
        assert_eq!(tokens[1].kind, Word("合计"));
        assert_eq!(tokens[1].span, Span::new(2, 6));
        assert_eq!(tokens[2].span, Span::new(8, 0));
    }

    #[test]
    fn a_byte_order_mark_is_no_token_but_keeps_its_bytes_in_the_spans() {
        let tokens = tokenize("\u{feff}group g = [a]");
        assert_eq!(tokens[0].kind, TokenKind::Word("group"));
        assert_eq!(tokens[0].span, Span::new(3, 5));
        // Anywhere else it is a stray character, not whitespace.
        assert_eq!(kinds("a \u{feff}")[1], TokenKind::Word("\u{feff}"));
    }

    #[test]
    fn chinese_labels_table_ids_and_numbers() {
        use TokenKind::*;
        assert_eq!(
            kinds("T1-2[合计, 2021年/金额] >= 10000 # note"),
            [
                Word("T1-2"),
                LBracket,
                Word("合计"),
                Comma,
                Word("2021年"),
                Slash,
                Word("金额"),
                RBracket,
                GreaterEqual,
                Number("10000"),
                Eof
            ]
        );
    }

    #[test]
    fn an_ampersand_belongs_to_a_label_and_standing_alone_is_no_operator() {
        assert_eq!(kinds("全社会R&D经费")[0], TokenKind::Word("全社会R&D经费"));
        assert_eq!(kinds("a & b")[1], TokenKind::Invalid("&"));
        assert_eq!(kinds("a && b")[1], TokenKind::Invalid("&&"));
    }

    #[test]
    fn strings_spans_and_unterminated_strings() {
        let tokens = tokenize("sum \"说明\" \"open");
        assert_eq!(tokens[1].kind, TokenKind::Str("说明"));
        assert_eq!(tokens[1].span, Span::new(4, 8));
        assert!(matches!(tokens[2].kind, TokenKind::Invalid(_)));
    }
}
