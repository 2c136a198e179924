//! Rules text → tokens with spans.
//!
//! Words run until whitespace or punctuation, so Chinese labels need no quotes; a label with
//! spaces or punctuation in it is written in double quotes. `#` starts a comment.

use crate::source::Span;

#[derive(Debug, Clone, PartialEq)]
pub enum TokenKind {
    Word(String),
    Number(String),
    Str(String),
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
    Invalid(String),
    Eof,
}

impl TokenKind {
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

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub kind: TokenKind,
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

pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        // A byte-order mark is kept in the decoded text (so spans stay true) and read as
        // nothing; elsewhere U+FEFF is a stray character like any other.
        if c.is_whitespace() || (start == 0 && c == '\u{feff}') {
            continue;
        }
        if c == '#' {
            while chars.next_if(|&(_, c)| c != '\n').is_some() {}
            continue;
        }
        let followed_by_equal = |chars: &mut Chars<'_>| chars.next_if(|&(_, c)| c == '=').is_some();
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
            '"' => string(&mut chars),
            '!' => TokenKind::Invalid("!".to_string()),
            // Not an operator of the language; a token of its own so the error points at it.
            '|' if chars.next_if(|&(_, c)| c == '|').is_some() => {
                TokenKind::Invalid("||".to_string())
            }
            '|' => TokenKind::Invalid("|".to_string()),
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

type Chars<'a> = std::iter::Peekable<std::str::CharIndices<'a>>;

fn position(chars: &mut Chars<'_>, text: &str) -> usize {
    chars.peek().map_or(text.len(), |&(i, _)| i)
}

/// Whether `text` reads as one word of the language, so a rule can name it: a table id.
pub fn is_word(text: &str) -> bool {
    text.starts_with(|c: char| !is_delimiter(c) && !"-'".contains(c))
        && !text.contains(is_delimiter)
        && matches!(word(text), TokenKind::Word(_))
}

fn word(text: &str) -> TokenKind {
    // `&` is part of labels (`全社会R&D经费`); standing alone it is another language's `and`.
    if text == "&" || text == "&&" {
        return TokenKind::Invalid(text.to_string());
    }
    let is_number = text.starts_with(|c: char| c.is_ascii_digit())
        && text.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && text.bytes().filter(|&b| b == b'.').count() <= 1
        && !text.ends_with('.');
    if is_number {
        TokenKind::Number(text.to_string())
    } else {
        TokenKind::Word(text.to_string())
    }
}

fn string(chars: &mut Chars<'_>) -> TokenKind {
    let mut value = String::new();
    for (_, c) in chars.by_ref() {
        match c {
            '"' => return TokenKind::Str(value),
            '\n' => break,
            _ => value.push(c),
        }
    }
    TokenKind::Invalid("unterminated string".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<TokenKind> {
        tokenize(text).into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn a_byte_order_mark_is_no_token_but_keeps_its_bytes_in_the_spans() {
        let tokens = tokenize("\u{feff}group g = [a]");
        assert_eq!(tokens[0].kind, TokenKind::Word("group".into()));
        assert_eq!(tokens[0].span, Span::new(3, 5));
        // Anywhere else it is a stray character, not whitespace.
        assert_eq!(kinds("a \u{feff}")[1], TokenKind::Word("\u{feff}".into()));
    }

    #[test]
    fn chinese_labels_table_ids_and_numbers() {
        use TokenKind::*;
        assert_eq!(
            kinds("T1-2[合计, 2021年/金额] >= 10000 # note"),
            [
                Word("T1-2".into()),
                LBracket,
                Word("合计".into()),
                Comma,
                Word("2021年".into()),
                Slash,
                Word("金额".into()),
                RBracket,
                GreaterEqual,
                Number("10000".into()),
                Eof
            ]
        );
    }

    #[test]
    fn an_ampersand_belongs_to_a_label_and_standing_alone_is_no_operator() {
        assert_eq!(
            kinds("全社会R&D经费")[0],
            TokenKind::Word("全社会R&D经费".into())
        );
        assert_eq!(kinds("a & b")[1], TokenKind::Invalid("&".into()));
        assert_eq!(kinds("a && b")[1], TokenKind::Invalid("&&".into()));
    }

    #[test]
    fn strings_spans_and_unterminated_strings() {
        let tokens = tokenize("sum \"说明\" \"open");
        assert_eq!(tokens[1].kind, TokenKind::Str("说明".into()));
        assert_eq!(tokens[1].span, Span::new(4, 8));
        assert!(matches!(tokens[2].kind, TokenKind::Invalid(_)));
    }
}
