//! R source → expressions with byte spans: the part of R's grammar that `validate` rule files
//! use (numbers, names, strings, calls with named arguments, `[`, unary and binary operators
//! with R's precedence, `if … else`, `{ … }`, assignments).
//!
//! Hand-written, not a crate: the R parsers for Rust are `tree-sitter-r` (a generated C parser
//! of some 76 000 lines and a C build for a dozen operators) and `arity-parser` (young, its
//! API "may change between releases"). This recursive-descent (Pratt) parser follows R's
//! operator table (`?Syntax`) and its rule that a line break ends a complete expression
//! outside parentheses and brackets, and gives every node its span for diagnostics.

use crate::source::Span;

/// An R expression and the bytes it spans.
#[derive(Debug, Clone, PartialEq)]
pub struct RExpr {
    pub node: Node,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A number as written (`1e-08`, `2L`, `0.6`).
    Number(String),
    /// A name (`staff.costs`, or `` `total rev` `` without its backticks).
    Name(String),
    Str(String),
    /// `TRUE`, `FALSE`, `NA`, `NULL`, `Inf`, `NaN` …: names R reserves.
    Constant(String),
    Call {
        function: Box<RExpr>,
        args: Vec<Arg>,
    },
    /// `x[i]` and `x[[i]]`.
    Index {
        object: Box<RExpr>,
        args: Vec<Arg>,
    },
    Unary {
        op: UnaryOp,
        operand: Box<RExpr>,
    },
    Binary {
        op: BinaryOp,
        left: Box<RExpr>,
        right: Box<RExpr>,
    },
    If {
        condition: Box<RExpr>,
        then: Box<RExpr>,
        otherwise: Option<Box<RExpr>>,
    },
    Paren(Box<RExpr>),
    Block(Vec<RExpr>),
}

/// A call's or index's argument: `na.rm = TRUE`, or a value alone, or nothing (`x[, 1]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    pub name: Option<String>,
    pub value: Option<RExpr>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Minus,
    Plus,
    Not,
    /// `~ x`: a one-sided formula.
    Tilde,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BinaryOp {
    Plus,
    Minus,
    Times,
    Divide,
    Power,
    Equal,
    NotEqual,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    /// `&` (`&&` too: the same on one value per record)
    And,
    /// `|` (`||` too)
    Or,
    /// `%in%`, `%%`, `%/%`, `|>` …
    Special(String),
    Range,
    /// `<-`, `<<-`, `=` at the top, `:=` (validate's variable definition), `->`
    Assign(String),
    Tilde,
    Dollar,
    At,
    Namespace,
}

/// R source that does not parse: a token where the grammar wants another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub span: Span,
    pub expected: String,
    pub found: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Number(String),
    Name(String),
    Str(String),
    Op(&'static str),
    /// `%in%` and other `%…%` operators.
    Special(String),
    Newline,
    Semicolon,
    Invalid(String),
    Eof,
}

impl Tok {
    fn describe(&self) -> String {
        match self {
            Tok::Number(n) => format!("number `{n}`"),
            Tok::Name(n) => format!("`{n}`"),
            Tok::Str(s) => format!("string \"{s}\""),
            Tok::Op(op) => format!("`{op}`"),
            Tok::Special(op) => format!("`{op}`"),
            Tok::Newline => "the end of the line".to_string(),
            Tok::Semicolon => "`;`".to_string(),
            Tok::Invalid(text) => format!("`{text}`"),
            Tok::Eof => "the end of the file".to_string(),
        }
    }
}

/// Operators, longest first so that `<=` is not read as `<`.
const OPERATORS: &[&str] = &[
    "<<-", "->>", "[[", "<=", ">=", "==", "!=", "&&", "||", "<-", "->", ":=", "::", "|>", "+", "-",
    "*", "/", "^", "<", ">", "!", "&", "|", "~", "?", ":", "=", "$", "@", "(", ")", "{", "}", "[",
    "]", ",",
];

fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '.' || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '.' || c == '_'
}

fn tokenize(text: &str) -> Vec<(Tok, Span)> {
    let mut tokens = Vec::new();
    let bytes_at = |i: usize| text.get(i..).unwrap_or_default();
    let mut i = 0;
    while let Some(c) = bytes_at(i).chars().next() {
        let rest = bytes_at(i);
        let start = i;
        let (tok, len) = if c == '\n' {
            (Tok::Newline, 1)
        } else if c.is_whitespace() || (i == 0 && c == '\u{feff}') {
            i += c.len_utf8();
            continue;
        } else if c == '#' {
            i += rest.find('\n').unwrap_or(rest.len());
            continue;
        } else if c.is_ascii_digit()
            || (c == '.' && rest.chars().nth(1).is_some_and(|d| d.is_ascii_digit()))
        {
            let len = number_length(rest);
            (
                Tok::Number(rest.get(..len).unwrap_or_default().to_string()),
                len,
            )
        } else if is_name_start(c) {
            let len = rest
                .char_indices()
                .find(|&(_, c)| !is_name_char(c))
                .map_or(rest.len(), |(at, _)| at);
            (
                Tok::Name(rest.get(..len).unwrap_or_default().to_string()),
                len,
            )
        } else if c == '"' || c == '\'' || c == '`' {
            quoted(rest, c)
        } else if c == '%' {
            match rest.get(1..).and_then(|after| after.find('%')) {
                Some(end) => (
                    Tok::Special(rest.get(..end + 2).unwrap_or_default().to_string()),
                    end + 2,
                ),
                None => (Tok::Invalid("%".to_string()), 1),
            }
        } else if c == ';' {
            (Tok::Semicolon, 1)
        } else if let Some(op) = OPERATORS.iter().find(|op| rest.starts_with(**op)) {
            (Tok::Op(op), op.len())
        } else {
            (Tok::Invalid(c.to_string()), c.len_utf8())
        };
        tokens.push((tok, Span::new(start, len)));
        i += len;
    }
    tokens.push((Tok::Eof, Span::new(text.len(), 0)));
    tokens
}

/// `12`, `0.6`, `1e-08`, `.5`, `2L`, `0x1F`, `1i`.
fn number_length(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize, hex: bool| {
        while bytes
            .get(*i)
            .is_some_and(|b| b.is_ascii_digit() || (hex && b.is_ascii_hexdigit()))
        {
            *i += 1;
        }
    };
    if text.starts_with("0x") || text.starts_with("0X") {
        i = 2;
        digits(&mut i, true);
    } else {
        digits(&mut i, false);
        if bytes.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i, false);
        }
        if matches!(bytes.get(i), Some(b'e' | b'E')) {
            let mut j = i + 1;
            if matches!(bytes.get(j), Some(b'+' | b'-')) {
                j += 1;
            }
            if bytes.get(j).is_some_and(u8::is_ascii_digit) {
                i = j;
                digits(&mut i, false);
            }
        }
    }
    if matches!(bytes.get(i), Some(b'L' | b'i')) {
        i += 1;
    }
    i
}

/// A string or a backticked name, with R's backslash escapes taken as the character they
/// escape (enough for names and the patterns rules hold).
fn quoted(text: &str, quote: char) -> (Tok, usize) {
    let mut value = String::new();
    let mut chars = text.char_indices().skip(1);
    while let Some((at, c)) = chars.next() {
        if c == quote {
            let len = at + c.len_utf8();
            let tok = if quote == '`' {
                Tok::Name(value)
            } else {
                Tok::Str(value)
            };
            return (tok, len);
        }
        if c == '\\' {
            if let Some((_, escaped)) = chars.next() {
                value.push(match escaped {
                    'n' => '\n',
                    't' => '\t',
                    other => other,
                });
            }
        } else {
            value.push(c);
        }
    }
    (Tok::Invalid(quote.to_string()), text.len())
}

/// Names R reserves as constants.
const CONSTANTS: &[&str] = &[
    "TRUE",
    "FALSE",
    "T",
    "F",
    "NA",
    "NULL",
    "Inf",
    "NaN",
    "NA_integer_",
    "NA_real_",
    "NA_character_",
];

/// Binding powers (left, right) of the binary operators, from R's `?Syntax` (lowest first):
/// `=` · `<-` `:=` · `->` · `~` · `|` `||` · `&` `&&` · `!` · comparisons · `+ -` · `* /` ·
/// `%any%` `|>` · `:` · unary `+ -` · `^` · `$ @` · `::`.
fn binary(tok: &Tok) -> Option<(BinaryOp, u8, u8)> {
    let left = |op, level: u8| Some((op, level * 2, level * 2 + 1));
    let right = |op, level: u8| Some((op, level * 2 + 1, level * 2));
    match tok {
        Tok::Op("=") => right(BinaryOp::Assign("=".into()), 1),
        Tok::Op(op @ ("<-" | "<<-" | ":=")) => right(BinaryOp::Assign((*op).into()), 2),
        Tok::Op(op @ ("->" | "->>")) => left(BinaryOp::Assign((*op).into()), 3),
        Tok::Op("~") => left(BinaryOp::Tilde, 4),
        Tok::Op("|" | "||") => left(BinaryOp::Or, 5),
        Tok::Op("&" | "&&") => left(BinaryOp::And, 6),
        Tok::Op("==") => left(BinaryOp::Equal, 8),
        Tok::Op("!=") => left(BinaryOp::NotEqual, 8),
        Tok::Op("<") => left(BinaryOp::Less, 8),
        Tok::Op("<=") => left(BinaryOp::LessEqual, 8),
        Tok::Op(">") => left(BinaryOp::Greater, 8),
        Tok::Op(">=") => left(BinaryOp::GreaterEqual, 8),
        Tok::Op("+") => left(BinaryOp::Plus, 9),
        Tok::Op("-") => left(BinaryOp::Minus, 9),
        Tok::Op("*") => left(BinaryOp::Times, 10),
        Tok::Op("/") => left(BinaryOp::Divide, 10),
        Tok::Special(op) => left(BinaryOp::Special(op.clone()), 11),
        Tok::Op("|>") => left(BinaryOp::Special("|>".into()), 11),
        Tok::Op(":") => left(BinaryOp::Range, 12),
        Tok::Op("^") => right(BinaryOp::Power, 14),
        Tok::Op("$") => left(BinaryOp::Dollar, 15),
        Tok::Op("@") => left(BinaryOp::At, 15),
        Tok::Op("::") => left(BinaryOp::Namespace, 16),
        _ => None,
    }
}

/// The operand binding power of `!` (below comparisons: `!x == y` is `!(x == y)`).
const NOT_POWER: u8 = 14;
/// The operand binding power of unary `-` and `+` (below `^`: `-2^2` is `-(2^2)`).
const UNARY_POWER: u8 = 26;
/// Call arguments stop before `=`, which names them.
const ARGUMENT_POWER: u8 = 4;
/// `~ x` takes everything above `~`.
const TILDE_POWER: u8 = 9;

/// The expressions of a file, top level, in order; or the first place it does not parse.
pub fn parse(text: &str) -> Result<Vec<RExpr>, SyntaxError> {
    let mut parser = Parser {
        tokens: tokenize(text),
        at: 0,
        skip_newlines: vec![false],
    };
    parser.statements(None)
}

struct Parser {
    tokens: Vec<(Tok, Span)>,
    at: usize,
    /// Per open bracket: whether a line break is only white space there (inside `(` and `[`)
    /// or ends a statement (the top, and inside `{`).
    skip_newlines: Vec<bool>,
}

type Parsed<T> = Result<T, SyntaxError>;

impl Parser {
    fn raw(&self, at: usize) -> &(Tok, Span) {
        static EOF: (Tok, Span) = (
            Tok::Eof,
            Span {
                offset: 0,
                length: 0,
            },
        );
        self.tokens.get(at).or(self.tokens.last()).unwrap_or(&EOF)
    }

    fn skipping(&self) -> bool {
        self.skip_newlines.last().copied().unwrap_or(false)
    }

    /// The next token; line breaks are passed over where they are white space.
    fn peek(&mut self) -> (Tok, Span) {
        if self.skipping() {
            self.pass_newlines();
        }
        self.raw(self.at).clone()
    }

    fn pass_newlines(&mut self) {
        while self.raw(self.at).0 == Tok::Newline {
            self.at += 1;
        }
    }

    fn advance(&mut self) -> (Tok, Span) {
        let token = self.peek();
        if token.0 != Tok::Eof {
            self.at += 1;
        }
        token
    }

    fn error(&mut self, expected: &str) -> SyntaxError {
        let (tok, span) = self.peek();
        SyntaxError {
            span,
            expected: expected.to_string(),
            found: tok.describe(),
        }
    }

    fn expect(&mut self, op: &'static str) -> Parsed<Span> {
        match self.peek() {
            (Tok::Op(found), span) if found == op => {
                self.advance();
                Ok(span)
            }
            _ => Err(self.error(&format!("`{op}`"))),
        }
    }

    /// Statements up to `close` (`}`) or the end of the file, separated by line breaks or `;`.
    fn statements(&mut self, close: Option<&'static str>) -> Parsed<Vec<RExpr>> {
        let mut statements = Vec::new();
        loop {
            self.pass_newlines();
            match self.raw(self.at).0.clone() {
                Tok::Semicolon => {
                    self.at += 1;
                    continue;
                }
                Tok::Eof if close.is_none() => return Ok(statements),
                Tok::Op(op) if Some(op) == close => return Ok(statements),
                _ => {}
            }
            statements.push(self.expression(0)?);
            match self.raw(self.at).0 {
                Tok::Newline | Tok::Semicolon | Tok::Eof => {}
                Tok::Op(op) if Some(op) == close => {}
                _ => return Err(self.error("the end of the expression (a line break or `;`)")),
            }
        }
    }

    fn expression(&mut self, min_power: u8) -> Parsed<RExpr> {
        let mut left = self.prefix()?;
        loop {
            let (tok, span) = self.peek();
            match tok {
                Tok::Op("(") => left = self.call(left)?,
                Tok::Op(open @ ("[" | "[[")) => left = self.index(left, open)?,
                _ => {
                    let Some((op, left_power, right_power)) = binary(&tok) else {
                        return Ok(left);
                    };
                    if left_power < min_power {
                        return Ok(left);
                    }
                    self.advance();
                    self.pass_newlines();
                    let right = self.expression(right_power)?;
                    let whole = left.span.to(right.span).to(span);
                    left = RExpr {
                        node: Node::Binary {
                            op,
                            left: Box::new(left),
                            right: Box::new(right),
                        },
                        span: whole,
                    };
                }
            }
        }
    }

    fn prefix(&mut self) -> Parsed<RExpr> {
        let (tok, span) = self.peek();
        let leaf = |node| Ok(RExpr { node, span });
        match tok {
            Tok::Number(n) => {
                self.advance();
                leaf(Node::Number(n))
            }
            Tok::Str(s) => {
                self.advance();
                leaf(Node::Str(s))
            }
            Tok::Name(name) if name == "if" => self.if_else(),
            Tok::Name(name) if name == "function" => Err(self.error(
                "an expression (function definitions are not read: a rule file holds rules)",
            )),
            Tok::Name(name) if CONSTANTS.contains(&name.as_str()) => {
                self.advance();
                leaf(Node::Constant(name))
            }
            Tok::Name(name) => {
                self.advance();
                leaf(Node::Name(name))
            }
            Tok::Op(op @ ("-" | "+" | "!" | "~")) => {
                self.advance();
                self.pass_newlines();
                let (op, power) = match op {
                    "-" => (UnaryOp::Minus, UNARY_POWER),
                    "+" => (UnaryOp::Plus, UNARY_POWER),
                    "!" => (UnaryOp::Not, NOT_POWER),
                    _ => (UnaryOp::Tilde, TILDE_POWER),
                };
                let operand = self.expression(power)?;
                Ok(RExpr {
                    span: span.to(operand.span),
                    node: Node::Unary {
                        op,
                        operand: Box::new(operand),
                    },
                })
            }
            Tok::Op("(") => {
                self.advance();
                self.skip_newlines.push(true);
                let inner = self.expression(0);
                let close = inner.and_then(|inner| Ok((inner, self.expect(")")?)));
                self.skip_newlines.pop();
                let (inner, end) = close?;
                Ok(RExpr {
                    node: Node::Paren(Box::new(inner)),
                    span: span.to(end),
                })
            }
            Tok::Op("{") => {
                self.advance();
                self.skip_newlines.push(false);
                let body = self.statements(Some("}"));
                let end = body.and_then(|body| Ok((body, self.expect("}")?)));
                self.skip_newlines.pop();
                let (body, end) = end?;
                Ok(RExpr {
                    node: Node::Block(body),
                    span: span.to(end),
                })
            }
            _ => Err(self.error("an expression")),
        }
    }

    /// `if (condition) then [else otherwise]`; at the top, `else` must be on the line `then`
    /// ends on (as R reads a file).
    fn if_else(&mut self) -> Parsed<RExpr> {
        let (_, start) = self.advance();
        self.expect("(")?;
        self.skip_newlines.push(true);
        let condition = self.expression(0);
        let condition = condition.and_then(|c| {
            self.expect(")")?;
            Ok(c)
        });
        self.skip_newlines.pop();
        let condition = condition?;
        self.pass_newlines();
        let then = self.expression(0)?;
        let mut span = start.to(then.span);
        let nested = self.skip_newlines.len() > 1;
        let save = self.at;
        if nested {
            self.pass_newlines();
        }
        let otherwise = match self.peek() {
            (Tok::Name(word), _) if word == "else" => {
                self.advance();
                self.pass_newlines();
                let otherwise = self.expression(0)?;
                span = span.to(otherwise.span);
                Some(Box::new(otherwise))
            }
            _ => {
                self.at = save;
                None
            }
        };
        Ok(RExpr {
            node: Node::If {
                condition: Box::new(condition),
                then: Box::new(then),
                otherwise,
            },
            span,
        })
    }

    fn call(&mut self, function: RExpr) -> Parsed<RExpr> {
        self.advance();
        let (args, end) = self.arguments(")")?;
        Ok(RExpr {
            span: function.span.to(end),
            node: Node::Call {
                function: Box::new(function),
                args,
            },
        })
    }

    fn index(&mut self, object: RExpr, open: &'static str) -> Parsed<RExpr> {
        self.advance();
        let (args, mut end) = self.arguments("]")?;
        if open == "[[" {
            end = end.to(self.expect("]")?);
        }
        Ok(RExpr {
            span: object.span.to(end),
            node: Node::Index {
                object: Box::new(object),
                args,
            },
        })
    }

    /// Arguments up to `close`: `a`, `name = value`, or nothing between commas.
    fn arguments(&mut self, close: &'static str) -> Parsed<(Vec<Arg>, Span)> {
        self.skip_newlines.push(true);
        let args = self.arguments_inner(close);
        self.skip_newlines.pop();
        args
    }

    fn arguments_inner(&mut self, close: &'static str) -> Parsed<(Vec<Arg>, Span)> {
        let mut args = Vec::new();
        loop {
            match self.peek() {
                (Tok::Op(op), span) if op == close => {
                    self.advance();
                    return Ok((args, span));
                }
                (Tok::Op(","), _) => {
                    self.advance();
                    args.push(Arg {
                        name: None,
                        value: None,
                    });
                    continue;
                }
                _ => {}
            }
            let named = match (self.peek().0, &self.raw(self.next_solid(self.at + 1)).0) {
                (Tok::Name(name) | Tok::Str(name), Tok::Op("=")) => Some(name),
                _ => None,
            };
            if named.is_some() {
                self.advance();
                self.advance();
            }
            let value = match self.peek().0 {
                Tok::Op(",") => None,
                Tok::Op(op) if op == close => None,
                _ => Some(self.expression(ARGUMENT_POWER)?),
            };
            args.push(Arg { name: named, value });
            match self.peek() {
                (Tok::Op(","), _) => {
                    self.advance();
                    if matches!(self.peek().0, Tok::Op(op) if op == close) {
                        args.push(Arg {
                            name: None,
                            value: None,
                        });
                    }
                }
                (Tok::Op(op), _) if op == close => {}
                _ => return Err(self.error(&format!("`,` or `{close}`"))),
            }
        }
    }

    /// The first token at or after `at` that is not a line break (inside brackets).
    fn next_solid(&self, mut at: usize) -> usize {
        while self.raw(at).0 == Tok::Newline {
            at += 1;
        }
        at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An expression back as text, fully parenthesised, to check precedence.
    fn show(expr: &RExpr) -> String {
        match &expr.node {
            Node::Number(n) | Node::Name(n) | Node::Constant(n) => n.clone(),
            Node::Str(s) => format!("{s:?}"),
            Node::Paren(inner) => show(inner),
            Node::Unary { op, operand } => format!("({op:?} {})", show(operand)),
            Node::Binary { op, left, right } => {
                format!("({} {op:?} {})", show(left), show(right))
            }
            Node::Call { function, args }
            | Node::Index {
                object: function,
                args,
            } => {
                let args: Vec<String> = args
                    .iter()
                    .map(|a| {
                        let value = a.value.as_ref().map(show).unwrap_or_default();
                        match &a.name {
                            Some(name) => format!("{name}={value}"),
                            None => value,
                        }
                    })
                    .collect();
                format!("{}({})", show(function), args.join(", "))
            }
            Node::If {
                condition,
                then,
                otherwise,
            } => format!(
                "(if {} then {}{})",
                show(condition),
                show(then),
                otherwise
                    .as_ref()
                    .map(|o| format!(" else {}", show(o)))
                    .unwrap_or_default()
            ),
            Node::Block(body) => format!(
                "{{{}}}",
                body.iter().map(show).collect::<Vec<_>>().join("; ")
            ),
        }
    }

    fn parsed(text: &str) -> Vec<String> {
        parse(text).unwrap().iter().map(show).collect()
    }

    #[test]
    fn operators_bind_as_r_binds_them() {
        assert_eq!(parsed("!x == y & z"), ["((Not (x Equal y)) And z)"]);
        assert_eq!(parsed("-2^2"), ["(Minus (2 Power 2))"]);
        assert_eq!(parsed("a | b & c"), ["(a Or (b And c))"]);
        assert_eq!(parsed("a - b - c"), ["((a Minus b) Minus c)"]);
        assert_eq!(parsed("a^b^c"), ["(a Power (b Power c))"]);
        assert_eq!(
            parsed("staff <= 0 | (staff.costs > 0)"),
            ["((staff LessEqual 0) Or (staff.costs Greater 0))"]
        );
        assert_eq!(
            parsed("x %in% c('a', \"b\")"),
            ["(x Special(\"%in%\") c(\"a\", \"b\"))"]
        );
    }

    #[test]
    fn a_line_break_ends_a_rule_outside_brackets_only() {
        assert_eq!(
            parsed("a >= 0\nb >= 0 ; c > 1"),
            ["(a GreaterEqual 0)", "(b GreaterEqual 0)", "(c Greater 1)"]
        );
        assert_eq!(
            parsed("mean(x,\n  na.rm = TRUE) >= 1"),
            ["(mean(x, na.rm=TRUE) GreaterEqual 1)"]
        );
        assert_eq!(parsed("a +\n b == c"), ["((a Plus b) Equal c)"]);
        assert_eq!(
            parsed("if (a > 0) b > 0"),
            ["(if (a Greater 0) then (b Greater 0))"]
        );
        assert_eq!(
            parsed("G := var_group(a, b)\n"),
            ["(G Assign(\":=\") var_group(a, b))"]
        );
        assert_eq!(parsed("x[, 1]"), ["x(, 1)"]);
        assert_eq!(parsed("1e-08 + .5 + 2L"), ["((1e-08 Plus .5) Plus 2L)"]);
        assert_eq!(
            parsed("`total rev` > 0 # comment"),
            ["(total rev Greater 0)"]
        );
    }

    #[test]
    fn a_token_out_of_place_is_an_error_with_its_span() {
        let error = parse("a >= 0\nb >= ) 1").unwrap_err();
        assert_eq!(error.span, Span::new(12, 1));
        assert_eq!(error.found, "`)`");
        let error = parse("mean(x, na.rm = TRUE").unwrap_err();
        assert_eq!(error.found, "the end of the file");
        let error = parse("a b").unwrap_err();
        assert_eq!(error.span, Span::new(2, 1));
        assert!(parse("f('unterminated)").is_err());
    }
}
