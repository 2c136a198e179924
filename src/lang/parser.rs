//! Tokens → [`RuleFile`]. A hand-written recursive-descent parser: the grammar is small, and
//! this keeps every node's span exact and every error on the token that broke it.
//!
//! After a syntax error the parser skips to the next rule or group, so one run reports the
//! errors of every rule.

use super::ast::*;
use super::error::RuleError;
use super::lexer::{Token, TokenKind, tokenize};
use crate::source::{SharedSource, Span, named};
use rust_decimal::Decimal;
use std::str::FromStr;

/// Parse a rules file.
pub fn parse_rules(source: &SharedSource) -> Result<RuleFile, Vec<RuleError>> {
    let (file, errors) = parse_rules_partial(source);
    if errors.is_empty() {
        Ok(file)
    } else {
        Err(errors)
    }
}

/// Every rule and group that parses, and an error for each that does not: the parser goes on
/// at the next rule, so one bad rule does not hide the others of its file.
pub fn parse_rules_partial(source: &SharedSource) -> (RuleFile, Vec<RuleError>) {
    let mut parser = Parser {
        tokens: tokenize(source.text()),
        position: 0,
        source,
        depth: 0,
    };
    let mut file = RuleFile::default();
    file.rules.reserve(rule_starts(&parser.tokens));
    let mut errors = Vec::new();
    while !parser.at_end() {
        let (rules, groups) = (file.rules.len(), file.groups.len());
        let (a_rule, start) = (parser.at_rule_start(), parser.position);
        match parser.item(&mut file) {
            Ok(()) if parser.at_end() || parser.at_item_start() => {}
            Ok(()) => {
                // Tokens left after a rule's body belong to it (`a = b | c`): the rule did not
                // parse, and checking what came before them would check something else.
                if let Err(error) = parser.item(&mut file) {
                    errors.push(*error);
                }
                file.unparsed_rules += usize::from(a_rule);
                file.rules.truncate(rules);
                file.groups.truncate(groups);
                parser.recover();
            }
            Err(error) => {
                errors.push(*error);
                file.unparsed_rules += usize::from(a_rule);
                parser.depth = 0;
                // A rule cut short (`T[a, x] +` at the end of its line) fails on the next
                // rule's first word: that rule is read, not skipped with the one that failed.
                if parser.position == start || !parser.at_item_start() {
                    parser.recover();
                }
            }
        }
    }
    (file, errors)
}

/// How many rules the tokens seem to hold: a rule kind, a word (its id) and a string (its
/// description) in a row. The file's rules are made room for at once: grown from empty, the
/// list of a file's rules (each rule a few hundred bytes) was copied ever larger, 1 M
/// instructions on the book's rules. A count that is off only costs room or a copy.
fn rule_starts(tokens: &[Token<'_>]) -> usize {
    // The string is looked at first: it is the rarest of the three (one token in fourteen).
    tokens
        .windows(3)
        .filter(|three| match three {
            [
                kind,
                id,
                Token {
                    kind: TokenKind::Str(_),
                    ..
                },
            ] => {
                matches!((kind.kind, id.kind), (TokenKind::Word(kind), TokenKind::Word(_))
                    if Kind::from_keyword(kind).is_some())
            }
            _ => false,
        })
        .count()
}

type Parsed<T> = Result<T, Box<RuleError>>;

/// How deep parentheses, unary minus, function calls, brackets and chains of `*` `/` (or of
/// list `+` `-`) may nest. Every later pass walks the tree recursively; the limit keeps that
/// within the stack of any thread. A chain of `+` and `-` is not nested: it is built as a
/// balanced tree, so any length works.
pub const MAX_NESTING: usize = 256;

/// How many levels of [`MAX_NESTING`] one level of a condition (`not`, `if`, parentheses)
/// takes: conditions nest at most 64 deep.
const CONDITION_LEVEL: usize = 4;

/// Chains of `+`/`-` with at least this many terms are built balanced (depth log₂ n); shorter
/// ones left to right, as written.
const BALANCE_FROM: usize = 64;

struct Parser<'a> {
    tokens: Vec<Token<'a>>,
    position: usize,
    source: &'a SharedSource,
    /// How many nesting levels are open.
    depth: usize,
}

const EOF: Token<'static> = Token {
    kind: TokenKind::Eof,
    span: Span {
        offset: 0,
        length: 0,
    },
};

impl<'a> Parser<'a> {
    #[inline]
    fn peek(&self) -> &Token<'a> {
        self.tokens.get(self.position).unwrap_or(&EOF)
    }

    fn peek_at(&self, ahead: usize) -> &Token<'a> {
        self.tokens.get(self.position + ahead).unwrap_or(&EOF)
    }

    fn at_end(&self) -> bool {
        self.peek().kind == TokenKind::Eof
    }

    /// Step past the current token, and where it was: the token itself is not copied (the
    /// arms that keep its text take it from [`Parser::peek`]).
    #[inline]
    fn advance(&mut self) -> Span {
        let span = self.peek().span;
        if !self.at_end() {
            self.position += 1;
        }
        span
    }

    #[inline]
    fn eat(&mut self, kind: &TokenKind) -> bool {
        if &self.peek().kind == kind {
            self.position += 1;
            true
        } else {
            false
        }
    }

    fn peek_word(&self) -> Option<&str> {
        match &self.peek().kind {
            TokenKind::Word(w) => Some(w),
            _ => None,
        }
    }

    // Out of line, so that the steps that may fail (`expect`, `word`) are small enough to be
    // inlined where they are called: called, `expect` and `eat` took 0.6 M instructions of the
    // book's rules.
    #[cold]
    #[inline(never)]
    fn error(&self, expected: &str, help: Option<&str>) -> Box<RuleError> {
        let token = self.peek();
        if let TokenKind::Invalid(symbol) = &token.kind
            && let Some(word) = boolean_word(symbol)
        {
            // Wherever it stands, "expected a rule kind" (or a cell) would miss the point.
            return Box::new(RuleError::NotAnOperator {
                source_code: named(self.source),
                span: token.span.into(),
                symbol: symbol.to_string(),
                help: format!(
                    "write `{word}`: conditions are written in words (`and`, `or`, `not`, \
                     `if … then …`); the operators are + - * / and = < <= > >="
                ),
            });
        }
        Box::new(RuleError::Syntax {
            source_code: named(self.source),
            span: token.span.into(),
            expected: expected.to_string(),
            found: token.kind.describe(),
            help: help.map(str::to_string),
        })
    }

    /// Open a nesting level at the current token: an error past [`MAX_NESTING`].
    fn enter(&mut self, what: &'static str) -> Parsed<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.too_deep(what, self.peek().span));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    #[cold]
    #[inline(never)]
    fn too_deep(&self, what: &'static str, span: Span) -> Box<RuleError> {
        Box::new(RuleError::TooDeep {
            source_code: named(self.source),
            span: span.into(),
            what,
            limit: MAX_NESTING,
        })
    }

    #[inline]
    fn expect(&mut self, kind: &TokenKind, expected: &str) -> Parsed<Span> {
        if &self.peek().kind == kind {
            Ok(self.advance())
        } else {
            Err(self.error(expected, None))
        }
    }

    fn word(&mut self, expected: &str) -> Parsed<Spanned<String>> {
        match self.peek().kind {
            TokenKind::Word(w) => Ok(Spanned::new(w.to_string(), self.advance())),
            _ => Err(self.error(expected, None)),
        }
    }

    fn keyword(&mut self, keyword: &str) -> Parsed<Span> {
        if self.peek_word() == Some(keyword) {
            Ok(self.advance())
        } else {
            Err(self.error(&format!("`{keyword}`"), None))
        }
    }

    /// Skip to the start of the next rule or group definition.
    fn recover(&mut self) {
        self.advance();
        while !self.at_end() && !self.at_item_start() {
            self.advance();
        }
    }

    /// Whether a rule starts here: a rule kind and a word, its id (`sum A2.total`).
    fn at_rule_start(&self) -> bool {
        self.peek_word()
            .is_some_and(|word| Kind::from_keyword(word).is_some())
            && matches!(self.peek_at(1).kind, TokenKind::Word(_))
    }

    /// Whether a rule (`sum A2.total …`) or a group (`group types …`) starts here.
    fn at_item_start(&self) -> bool {
        self.peek_word()
            .is_some_and(|word| word == "group" || Kind::from_keyword(word).is_some())
            && matches!(self.peek_at(1).kind, TokenKind::Word(_))
    }

    fn item(&mut self, file: &mut RuleFile) -> Parsed<()> {
        let Some(word) = self.peek_word() else {
            return Err(self.error("a rule (`sum`, `share`, …) or `group`", None));
        };
        if word == "group" {
            self.advance();
            let name = self.word("a group name")?;
            self.expect(&TokenKind::Equal, "`=`")?;
            let list = self.list_expr()?;
            let mut exceptions = Vec::new();
            while self.peek_word() == Some("except") {
                exceptions.push(self.exception()?);
            }
            file.groups.push(GroupDef {
                name,
                list,
                exceptions,
            });
            return Ok(());
        }
        let Some(kind) = Kind::from_keyword(word) else {
            return Err(self.error(
                "a rule kind",
                Some("a rule starts with sum, share, growth, ratio, equal, matrix, rank, expr or unchecked"),
            ));
        };
        let kind = Spanned::new(kind, self.advance());
        file.rules.push(self.rule(kind)?);
        Ok(())
    }

    /// `except 其他 because "not a plan"` or `except [a, b] because "…"`.
    fn exception(&mut self) -> Parsed<Exception> {
        self.keyword("except")?;
        let members = if self.peek().kind == TokenKind::LBracket {
            match self.list_literal()? {
                ListExpr::Literal(paths, _) => paths,
                _ => Vec::new(),
            }
        } else {
            vec![self.path()?]
        };
        if self.peek_word() != Some("because") {
            return Err(self.error(
                "`because \"reason\"`",
                Some("say why the group leaves them out: except 其他 because \"其他 is no plan\""),
            ));
        }
        self.advance();
        let reason = match self.peek().kind {
            TokenKind::Str(text) => Spanned::new(text.to_string(), self.advance()),
            _ => {
                return Err(self.error(
                    "the reason, in double quotes",
                    Some("except 其他 because \"其他 is no plan\""),
                ));
            }
        };
        Ok(Exception { members, reason })
    }

    fn rule(&mut self, kind: Spanned<Kind>) -> Parsed<Rule> {
        let id = self.word("a rule id such as `A2.total`")?;
        let description = match self.peek().kind {
            TokenKind::Str(s) => Spanned::new(s.to_string(), self.advance()),
            _ => {
                return Err(self.error(
                    "a description in double quotes",
                    Some("every rule says why it exists: sum A2.total \"合计 = sum of the types\""),
                ));
            }
        };
        self.eat(&TokenKind::Colon);
        let mut loops = Vec::new();
        let mut tolerance = None;
        let mut severity = None;
        let mut blame_weight = None;
        let mut empty_as_zero = None;
        loop {
            match self.peek_word() {
                Some("for") if self.peek_at(1).kind == TokenKind::LParen => {
                    self.advance();
                    loops.extend(self.zip_clause()?);
                }
                Some("for") => {
                    self.advance();
                    let variable = self.word("a variable name")?;
                    self.keyword("in")?;
                    let list = self.list_expr()?;
                    loops.push(ForClause {
                        variable,
                        list,
                        paired: None,
                    });
                }
                Some("tolerance") => {
                    self.advance();
                    tolerance = Some(self.tolerance()?);
                }
                Some("severity") => {
                    self.advance();
                    severity = Some(self.severity()?);
                }
                Some("blame_weight") => {
                    self.advance();
                    blame_weight = Some(self.blame_weight()?);
                }
                Some("empty")
                    if !matches!(
                        self.peek_at(1).kind,
                        TokenKind::LBracket | TokenKind::LParen
                    ) =>
                {
                    empty_as_zero = Some(self.empty_as_zero()?);
                }
                _ => break,
            }
        }
        let body = self.body(kind.value)?;
        Ok(Rule {
            kind,
            id,
            description,
            loops,
            tolerance,
            severity,
            blame_weight,
            empty_as_zero,
            body,
        })
    }

    fn blame_weight(&mut self) -> Parsed<Spanned<std::num::NonZeroU32>> {
        let number = self.number()?;
        let weight = u32::try_from(number.value.normalize().mantissa())
            .ok()
            .filter(|_| number.value.normalize().scale() == 0)
            .and_then(std::num::NonZeroU32::new);
        weight.map(|w| Spanned::new(w, number.span)).ok_or_else(|| {
            Box::new(RuleError::Invalid {
                source_code: named(self.source),
                span: number.span.into(),
                message: format!("`{}` is not a blame weight", number.value),
                help: Some(
                    "a blame weight is a whole number from 1: `blame_weight 3` counts each \
                         passing check of the rule three times as a figure's confirmation"
                        .to_string(),
                ),
            })
        })
    }

    /// `empty zero`: the only way a whole rule can read empty cells (an aggregate says more).
    fn empty_as_zero(&mut self) -> Parsed<Span> {
        let start = self.advance();
        let word = self.word("`zero`")?;
        if word.value == "zero" {
            return Ok(start.to(word.span));
        }
        Err(Box::new(RuleError::Invalid {
            source_code: named(self.source),
            span: word.span.into(),
            message: format!("a rule reads empty cells as `zero`, not `{}`", word.value),
            help: Some(
                "write `empty zero`; leaving empty cells out is for an aggregate: \
                 mean(T[r, x] for r in rows(T), empty = ignore)"
                    .to_string(),
            ),
        }))
    }

    fn severity(&mut self) -> Parsed<Spanned<Severity>> {
        let word = self.word("a severity: error, warning, plausibility or info")?;
        match Severity::from_keyword(&word.value) {
            Some(severity) => Ok(Spanned::new(severity, word.span)),
            None => Err(Box::new(RuleError::Invalid {
                source_code: named(self.source),
                span: word.span.into(),
                message: format!("`{}` is not a severity", word.value),
                help: Some(
                    "write `severity error`, `severity warning`, `severity plausibility` or \
                     `severity info`"
                        .to_string(),
                ),
            })),
        }
    }

    fn tolerance(&mut self) -> Parsed<Spanned<Tolerance>> {
        let number = self.number()?;
        if self.peek().kind == TokenKind::Percent {
            let span = number.span.to(self.advance());
            let fraction = number.value / Decimal::ONE_HUNDRED;
            return Ok(Spanned::new(Tolerance::Relative(fraction), span));
        }
        Ok(Spanned::new(Tolerance::Absolute(number.value), number.span))
    }

    fn number(&mut self) -> Parsed<Spanned<Decimal>> {
        match self.peek().kind {
            TokenKind::Number(text) => {
                let span = self.peek().span;
                let value = Decimal::from_str_exact(text)
                    .or_else(|_| Decimal::from_str(text))
                    .map_err(|_| self.error("a number", None))?;
                self.advance();
                Ok(Spanned::new(value, span))
            }
            _ => Err(self.error("a number", None)),
        }
    }

    fn body(&mut self, kind: Kind) -> Parsed<Body> {
        if kind == Kind::Unchecked {
            let mut cells = vec![self.cell_ref()?];
            while self.eat(&TokenKind::Comma) {
                cells.push(self.cell_ref()?);
            }
            return Ok(Body::Cells(cells));
        }
        let is_table_form = matches!(self.peek_at(1).kind, TokenKind::Word(w)
            if matches!(w, "hierarchy" | "rows" | "rank" | "sequence" | "distinct"));
        if is_table_form {
            let table = self.word("a table id")?;
            return match self.peek_word() {
                Some("hierarchy") => {
                    self.advance();
                    let columns = if self.peek_word() == Some("columns") {
                        self.advance();
                        Some(self.list_expr()?)
                    } else {
                        None
                    };
                    Ok(Body::Hierarchy { table, columns })
                }
                Some("distinct") => {
                    self.advance();
                    Ok(Body::Distinct { table })
                }
                Some("sequence") => {
                    self.advance();
                    let column = self.path()?;
                    let by_group = self.peek_word() == Some("by");
                    if by_group {
                        self.advance();
                        self.keyword("group")?;
                    }
                    Ok(Body::Sequence {
                        table,
                        column,
                        by_group,
                    })
                }
                _ if kind == Kind::Rank => self.rank_body(table),
                _ => self.matrix_body(table),
            };
        }
        Ok(match self.condition()? {
            Condition::Compare { left, op, right } => Body::Compare {
                left: *left,
                op,
                right: *right,
            },
            condition => Body::Condition(condition),
        })
    }

    /// `if COND then COND`, or a chain of `or`.
    fn condition(&mut self) -> Parsed<Condition> {
        if self.at_keyword("if") {
            self.enter_condition()?;
            let span = self.advance();
            let premise = Box::new(self.disjunction()?);
            if self.peek_word() != Some("then") {
                return Err(self.error(
                    "`then`, or `and`/`or` to go on with the condition",
                    Some("write `if CONDITION then CONDITION`"),
                ));
            }
            self.advance();
            let conclusion = Box::new(self.disjunction()?);
            self.leave_condition();
            return Ok(Condition::Implies {
                premise,
                conclusion,
                span,
            });
        }
        self.disjunction()
    }

    /// Whether the next token is the keyword `word`, not a table of that name (`if[…]`).
    fn at_keyword(&self, word: &str) -> bool {
        self.peek_word() == Some(word) && self.peek_at(1).kind != TokenKind::LBracket
    }

    fn disjunction(&mut self) -> Parsed<Condition> {
        let first = self.conjunction()?;
        self.chain(first, "or", Self::conjunction, Condition::Or)
    }

    fn conjunction(&mut self) -> Parsed<Condition> {
        let first = self.negation()?;
        self.chain(first, "and", Self::negation, Condition::And)
    }

    /// `first` and the operands that follow it joined by `word`, [`joined`] into a tree. A
    /// condition of one operand, as nearly all are, is no list: a list for each `and` and `or`
    /// level was 2 200 allocations of the book's rules.
    fn chain(
        &mut self,
        first: Condition,
        word: &str,
        operand: fn(&mut Self) -> Parsed<Condition>,
        join: fn(Box<Condition>, Box<Condition>) -> Condition,
    ) -> Parsed<Condition> {
        if self.peek_word() != Some(word) {
            return Ok(first);
        }
        let mut operands = vec![first];
        while self.peek_word() == Some(word) {
            self.advance();
            operands.push(operand(self)?);
        }
        Ok(joined(operands, join))
    }

    /// Open a level of condition nesting (`not`, `if`, parentheses): it counts as
    /// [`CONDITION_LEVEL`] levels, since a condition's frames on the stack are several
    /// expressions' worth.
    fn enter_condition(&mut self) -> Parsed<()> {
        for _ in 0..CONDITION_LEVEL {
            self.enter("a condition")?;
        }
        Ok(())
    }

    fn leave_condition(&mut self) {
        self.depth = self.depth.saturating_sub(CONDITION_LEVEL);
    }

    fn negation(&mut self) -> Parsed<Condition> {
        if self.at_keyword("not") {
            self.enter_condition()?;
            let span = self.advance();
            let inner = self.negation()?;
            self.leave_condition();
            return Ok(Condition::Not(Box::new(inner), span));
        }
        if self.peek_word() == Some("empty") && self.peek_at(1).kind == TokenKind::LParen {
            return self.empty_test();
        }
        if !self.opens_condition() {
            return self.comparison();
        }
        self.enter_condition()?;
        self.advance();
        let inner = self.condition()?;
        self.expect(&TokenKind::RParen, "`)`")?;
        self.leave_condition();
        Ok(inner)
    }

    /// Whether a `(` here opens a condition (`(a > b or c > d)`) rather than an expression
    /// (`(a + b) > c`): a comparison or a condition's keyword stands inside it (an expression
    /// holds none, however deep), outside the brackets of a cell. Deciding by looking ahead, not by trying one and then the other, keeps
    /// parsing linear and the stack as deep as the nesting.
    fn opens_condition(&self) -> bool {
        if self.peek().kind != TokenKind::LParen {
            return false;
        }
        let (mut parens, mut brackets) = (0usize, 0usize);
        for (ahead, token) in self.tokens.iter().enumerate().skip(self.position) {
            match &token.kind {
                TokenKind::LParen => parens += 1,
                TokenKind::RParen => {
                    parens = parens.saturating_sub(1);
                    if parens == 0 {
                        return false;
                    }
                }
                TokenKind::LBracket => brackets += 1,
                TokenKind::RBracket => brackets = brackets.saturating_sub(1),
                _ if brackets != 0 => {}
                TokenKind::Equal
                | TokenKind::Less
                | TokenKind::LessEqual
                | TokenKind::Greater
                | TokenKind::GreaterEqual => return true,
                TokenKind::Word(word) => {
                    let next_is_bracket = self
                        .tokens
                        .get(ahead + 1)
                        .is_some_and(|t| t.kind == TokenKind::LBracket);
                    if matches!(
                        *word,
                        "and" | "or" | "then" | "not" | "if" | "empty" | "between"
                    ) && !next_is_bracket
                    {
                        return true;
                    }
                }
                TokenKind::Eof => return false,
                _ => {}
            }
        }
        false
    }

    /// `empty(CELL)`: one cell, in brackets.
    fn empty_test(&mut self) -> Parsed<Condition> {
        let start = self.advance();
        self.advance();
        let cell = self.expr()?;
        if !matches!(cell, Expr::Cell(_)) {
            return Err(Box::new(RuleError::Syntax {
                source_code: named(self.source),
                span: cell.span().into(),
                expected: "one cell".to_string(),
                found: "an expression".to_string(),
                help: Some("`empty(T[r, x])` tests one cell: write one test per cell".to_string()),
            }));
        }
        let end = self.expect(&TokenKind::RParen, "`)`")?;
        Ok(Condition::Empty {
            cell: Box::new(cell),
            span: start.to(end),
        })
    }

    fn comparison(&mut self) -> Parsed<Condition> {
        let left = self.expr()?;
        if self.at_keyword("between") {
            return self.range(left);
        }
        let op = self.compare_op()?;
        let right = self.expr()?;
        Ok(Condition::Compare {
            left: Box::new(left),
            op,
            right: Box::new(right),
        })
    }

    /// `X between LOW and HIGH`: `X >= LOW and X <= HIGH`, both bounds included (R
    /// `validate`'s `in_range`). Each bound is a comparison of its own, so a finding says
    /// which one the figure breaks.
    fn range(&mut self, value: Expr) -> Parsed<Condition> {
        let between = self.advance();
        let low = self.expr()?;
        if self.peek_word() != Some("and") {
            return Err(self.error(
                "`and` and the upper bound",
                Some("write `X between LOW and HIGH`"),
            ));
        }
        let and = self.advance();
        let high = self.expr()?;
        let bound = |op, span, bound| Condition::Compare {
            left: Box::new(value.clone()),
            op: Spanned::new(op, span),
            right: Box::new(bound),
        };
        Ok(Condition::And(
            Box::new(bound(CompareOp::GreaterEqual, between, low)),
            Box::new(bound(CompareOp::LessEqual, and, high)),
        ))
    }

    fn matrix_body(&mut self, table: Spanned<String>) -> Parsed<Body> {
        self.keyword("rows")?;
        let rows = self.list_expr()?;
        self.keyword("total")?;
        let row_total = self.path()?;
        self.keyword("columns")?;
        let columns = self.list_expr()?;
        self.keyword("total")?;
        let column_total = self.path()?;
        Ok(Body::Matrix {
            table,
            rows,
            row_total,
            columns,
            column_total,
        })
    }

    fn rank_body(&mut self, table: Spanned<String>) -> Parsed<Body> {
        let rows = if self.peek_word() == Some("rows") {
            self.advance();
            Some(self.list_expr()?)
        } else {
            None
        };
        self.keyword("rank")?;
        let rank = self.path()?;
        self.keyword("by")?;
        let by = self.path()?;
        Ok(Body::Rank {
            table,
            rows,
            rank,
            by,
        })
    }

    fn compare_op(&mut self) -> Parsed<Spanned<CompareOp>> {
        let op = match self.peek().kind {
            TokenKind::Equal => CompareOp::Equal,
            TokenKind::Less => CompareOp::Less,
            TokenKind::LessEqual => CompareOp::LessEqual,
            TokenKind::Greater => CompareOp::Greater,
            TokenKind::GreaterEqual => CompareOp::GreaterEqual,
            _ => return Err(self.error("a comparison (`=`, `<`, `<=`, `>`, `>=`)", None)),
        };
        Ok(Spanned::new(op, self.advance()))
    }

    fn expr(&mut self) -> Parsed<Expr> {
        let first = self.term()?;
        let mut rest = Vec::new();
        loop {
            let negative = match self.peek().kind {
                TokenKind::Plus => false,
                TokenKind::Minus => true,
                _ => break,
            };
            self.advance();
            rest.push((negative, self.term()?));
        }
        if rest.len() + 1 < BALANCE_FROM {
            return Ok(rest.into_iter().fold(first, |left, (negative, right)| {
                let op = if negative {
                    BinaryOp::Sub
                } else {
                    BinaryOp::Add
                };
                Expr::Binary {
                    op,
                    left: Box::new(left),
                    right: Box::new(right),
                }
            }));
        }
        let mut terms = Vec::with_capacity(rest.len() + 1);
        terms.push((false, first));
        terms.extend(rest);
        Ok(balanced(terms))
    }

    fn term(&mut self) -> Parsed<Expr> {
        let mut left = self.unary()?;
        let depth = self.depth;
        loop {
            let op = match self.peek().kind {
                TokenKind::Star => BinaryOp::Mul,
                TokenKind::Slash => BinaryOp::Div,
                _ => {
                    self.depth = depth;
                    return Ok(left);
                }
            };
            // Each factor nests the product one level deeper (left to right).
            self.enter("a product")?;
            self.advance();
            let right = self.unary()?;
            left = Expr::Binary {
                op,
                left: Box::new(left),
                right: Box::new(right),
            };
        }
    }

    fn unary(&mut self) -> Parsed<Expr> {
        if self.peek().kind == TokenKind::Minus {
            self.enter("an expression")?;
            let start = self.advance();
            let operand = self.unary()?;
            self.leave();
            let span = start.to(operand.span());
            return Ok(Expr::Negate(Box::new(operand), span));
        }
        self.atom()
    }

    fn atom(&mut self) -> Parsed<Expr> {
        // Not cloned: a cell (the most of atoms) takes its table id from the token itself.
        match &self.peek().kind {
            TokenKind::Number(_) => Ok(Expr::Number(self.number()?)),
            TokenKind::LParen => {
                self.enter("an expression")?;
                self.advance();
                let inner = self.expr()?;
                self.expect(&TokenKind::RParen, "`)`")?;
                self.leave();
                Ok(inner)
            }
            TokenKind::Word(_) if self.peek_at(1).kind == TokenKind::LBracket => {
                Ok(Expr::Cell(self.cell_ref()?))
            }
            TokenKind::Word(word) => match (*word, &self.peek_at(1).kind) {
                (word, TokenKind::LParen) if word == "count" => {
                    // `count(LIST)` counts the items of a list; `count(EXPR for x in LIST)` the
                    // items whose expression has a value.
                    let (position, depth) = (self.position, self.depth);
                    let start = self.advance();
                    self.advance();
                    if let Ok(list) = self.list_expr()
                        && self.peek().kind == TokenKind::RParen
                    {
                        let end = self.advance();
                        return Ok(Expr::Count(list, start.to(end)));
                    }
                    (self.position, self.depth) = (position, depth);
                    self.call(word)
                }
                (word, TokenKind::LParen) => self.call(word),
                _ => Err(self.error(
                    "a cell such as `A2[合计, current/金额]`, a number or a function call",
                    Some("a table id is followed by [row, column]"),
                )),
            },
            _ => Err(self.error("a cell, a number or a function call", None)),
        }
    }

    fn call(&mut self, name: &str) -> Parsed<Expr> {
        self.enter("an expression")?;
        let call = self.call_inner(name);
        self.leave();
        call
    }

    fn call_inner(&mut self, name: &str) -> Parsed<Expr> {
        let function = Function::from_name(name);
        let aggregate = Aggregate::from_keyword(name);
        if function.is_none() && aggregate.is_none() {
            return Err(self.error(
                "a function",
                Some(
                    "the functions are sum, share, growth, increment and count, and the \
                     aggregates sum, mean, min, max and count (AGG(EXPR for x in LIST))",
                ),
            ));
        }
        let start = self.advance();
        self.expect(&TokenKind::LParen, "`(`")?;
        let first = self.expr()?;
        let function = match (function, aggregate) {
            (_, Some(aggregate)) if self.peek_word() == Some("for") => {
                return self.aggregate(Spanned::new(aggregate, start), first);
            }
            (Some(function), _) => function,
            (None, _) => {
                return Err(self.error(
                    "`for`",
                    Some(&format!(
                        "`{name}` aggregates an expression over a list: \
                         {name}(T[r, column] for r in rows(T))"
                    )),
                ));
            }
        };
        let function = Spanned::new(function, start);
        let mut args = vec![first];
        while self.eat(&TokenKind::Comma) {
            args.push(self.expr()?);
        }
        let end = self.expect(&TokenKind::RParen, "`)` or `,`")?;
        if let Some(arity) = function.value.arity()
            && args.len() != arity
        {
            return Err(Box::new(RuleError::Invalid {
                source_code: named(self.source),
                span: start.to(end).into(),
                message: format!("`{name}` takes {arity} arguments, not {}", args.len()),
                help: None,
            }));
        }
        Ok(Expr::Call {
            function,
            args,
            span: start.to(end),
        })
    }

    /// The rest of `AGG(EXPR for x in LIST[, empty = …])`, from `for`.
    fn aggregate(&mut self, aggregate: Spanned<Aggregate>, body: Expr) -> Parsed<Expr> {
        self.advance();
        let variable = self.word("a variable name")?;
        self.keyword("in")?;
        let list = self.list_expr()?;
        let empty = if self.eat(&TokenKind::Comma) {
            Some(self.empty_cells()?)
        } else {
            None
        };
        let end = self.expect(&TokenKind::RParen, "`)` or `, empty = …`")?;
        Ok(Expr::Comprehension {
            span: aggregate.span.to(end),
            aggregate,
            body: Box::new(body),
            variable,
            list: Box::new(list),
            empty,
        })
    }

    /// `empty = ignore | zero | undecided`
    fn empty_cells(&mut self) -> Parsed<Spanned<EmptyCells>> {
        let help = "write `empty = ignore` (leave empty cells out), `empty = zero` (count them \
                    as 0) or `empty = undecided` (the default: the check is skipped)";
        if self.peek_word() != Some("empty") {
            return Err(self.error("`empty = …`", Some(help)));
        }
        let start = self.advance();
        self.expect(&TokenKind::Equal, "`=`")?;
        let word = self.word("ignore, zero or undecided")?;
        match EmptyCells::from_keyword(&word.value) {
            Some(empty) => Ok(Spanned::new(empty, start.to(word.span))),
            None => Err(Box::new(RuleError::Invalid {
                source_code: named(self.source),
                span: word.span.into(),
                message: format!("`{}` is not a way to treat empty cells", word.value),
                help: Some(help.to_string()),
            })),
        }
    }

    fn cell_ref(&mut self) -> Parsed<CellRef> {
        let table = self.word("a table id")?;
        self.expect(&TokenKind::LBracket, "`[`")?;
        let row = self.path()?;
        self.expect(&TokenKind::Comma, "`,` between row and column")?;
        let column = self.path()?;
        let end = self.expect(&TokenKind::RBracket, "`]`")?;
        Ok(CellRef {
            span: table.span.to(end),
            table,
            row,
            column,
        })
    }

    fn path(&mut self) -> Parsed<PathExpr> {
        let first = self.segment()?;
        // Made at the size the slashes ahead say (each followed by a one-token segment, as
        // most are): grown from one segment, a path of two was copied into a list of four.
        let slashes = self
            .tokens
            .get(self.position..)
            .unwrap_or_default()
            .iter()
            .step_by(2)
            .take_while(|token| token.kind == TokenKind::Slash)
            .count();
        let mut segments = Vec::with_capacity(1 + slashes);
        segments.push(first);
        while self.eat(&TokenKind::Slash) {
            segments.push(self.segment()?);
        }
        let span = segments
            .iter()
            .map(Segment::span)
            .reduce(Span::to)
            .unwrap_or_default();
        Ok(PathExpr { segments, span })
    }

    fn segment(&mut self) -> Parsed<Segment> {
        match self.peek().kind {
            TokenKind::Word(word) if word == "prior" && self.peek_at(1).kind == TokenKind::LParen => {
                let start = self.advance();
                self.advance();
                let variable = self.word("a loop variable")?;
                let end = self.expect(&TokenKind::RParen, "`)`")?;
                Ok(Segment::PriorOf(Spanned::new(variable.value, start.to(end))))
            }
            TokenKind::Word(word) => {
                let span = self.advance();
                Ok(Segment::Word(Spanned::new(word.to_string(), span)))
            }
            TokenKind::Number(number) => {
                let span = self.advance();
                Ok(Segment::Quoted(Spanned::new(number.to_string(), span)))
            }
            TokenKind::Str(text) => {
                let span = self.advance();
                Ok(Segment::Quoted(Spanned::new(text.to_string(), span)))
            }
            TokenKind::LBracket => Ok(Segment::List(self.list_literal()?)),
            _ => Err(self.error(
                "a label",
                Some("write a label as is (合计), or in double quotes if it has spaces or punctuation"),
            )),
        }
    }

    fn list_literal(&mut self) -> Parsed<ListExpr> {
        self.enter("a list")?;
        let list = self.list_literal_inner();
        self.leave();
        list
    }

    fn list_literal_inner(&mut self) -> Parsed<ListExpr> {
        let start = self.expect(&TokenKind::LBracket, "`[`")?;
        let mut items = vec![self.path()?];
        while self.eat(&TokenKind::Comma) {
            if self.peek().kind == TokenKind::RBracket {
                break;
            }
            items.push(self.path()?);
        }
        let end = self.expect(&TokenKind::RBracket, "`]` or `,`")?;
        Ok(ListExpr::Literal(items, start.to(end)))
    }

    /// `(a, b) in zip(LIST, LIST)` after `for`: two loops that move together, item by item.
    fn zip_clause(&mut self) -> Parsed<[ForClause; 2]> {
        self.expect(&TokenKind::LParen, "`(`")?;
        let first = self.word("a variable name")?;
        self.expect(
            &TokenKind::Comma,
            "`,` and a second variable: `for (a, b) in zip(…)`",
        )?;
        let second = self.word("a variable name")?;
        self.expect(&TokenKind::RParen, "`)`")?;
        self.keyword("in")?;
        if self.peek_word() != Some("zip") || self.peek_at(1).kind != TokenKind::LParen {
            return Err(self.error(
                "`zip(LIST, LIST)`",
                Some("two variables walk two lists side by side: `for (a, b) in zip(rows(T1), rows(T2))`"),
            ));
        }
        let start = self.advance();
        self.advance();
        let first_list = self.list_expr()?;
        self.expect(&TokenKind::Comma, "`,` and a second list")?;
        let second_list = self.list_expr()?;
        let end = self.expect(&TokenKind::RParen, "`)`")?;
        Ok([
            ForClause {
                variable: first,
                list: first_list,
                paired: None,
            },
            ForClause {
                variable: second,
                list: second_list,
                paired: Some(start.to(end)),
            },
        ])
    }

    fn list_expr(&mut self) -> Parsed<ListExpr> {
        let mut left = self.list_term()?;
        let depth = self.depth;
        loop {
            let minus = match self.peek().kind {
                TokenKind::Plus => false,
                TokenKind::Minus => true,
                _ => {
                    self.depth = depth;
                    return Ok(left);
                }
            };
            // `a - b + c` is `(a - b) + c`: each operand nests the list one level deeper.
            self.enter("a list")?;
            self.advance();
            let right = Box::new(self.list_term()?);
            left = if minus {
                ListExpr::Minus(Box::new(left), right)
            } else {
                ListExpr::Concat(Box::new(left), right)
            };
        }
    }

    fn list_term(&mut self) -> Parsed<ListExpr> {
        match self.peek().kind {
            TokenKind::LBracket => self.list_literal(),
            TokenKind::Word(word)
                if matches!(word, "rows" | "columns")
                    && self.peek_at(1).kind == TokenKind::LParen =>
            {
                self.advance();
                self.advance();
                let table = self.word("a table id")?;
                self.expect(&TokenKind::RParen, "`)`")?;
                Ok(if word == "rows" {
                    ListExpr::Rows(table)
                } else {
                    ListExpr::Columns(table)
                })
            }
            TokenKind::Word(_) if self.peek_at(1).kind == TokenKind::Slash => {
                let path = self.path()?;
                let span = path.span;
                Ok(ListExpr::Literal(vec![path], span))
            }
            TokenKind::Word(_) => Ok(ListExpr::Name(self.word("a list")?)),
            _ => Err(self.error(
                "a list: `[a, b]`, a group name, `rows(T)` or `columns(T)`",
                None,
            )),
        }
    }
}

/// A chain of `and` (or of `or`) as a balanced tree, so that passes that walk it recursively
/// go log₂ n deep, however long the chain: both are associative.
fn joined(
    mut operands: Vec<Condition>,
    join: fn(Box<Condition>, Box<Condition>) -> Condition,
) -> Condition {
    if operands.len() <= 1 {
        let zero = || Box::new(Expr::Number(Spanned::new(Decimal::ZERO, Span::default())));
        return operands.pop().unwrap_or_else(|| Condition::Compare {
            left: zero(),
            op: Spanned::new(CompareOp::Equal, Span::default()),
            right: zero(),
        });
    }
    let right = operands.split_off(operands.len() / 2);
    join(
        Box::new(joined(operands, join)),
        Box::new(joined(right, join)),
    )
}

/// The word the rules language has for another language's boolean operator, if it is one.
fn boolean_word(symbol: &str) -> Option<&'static str> {
    match symbol {
        "|" | "||" => Some("or"),
        "&" | "&&" => Some("and"),
        "!" => Some("not"),
        _ => None,
    }
}

/// A chain of `+` and `-` (the first term's sign is `+`) as a balanced tree, so that passes
/// that walk it recursively go log₂ n deep, not n: `t₀ ± … ± tₙ` is the left half plus (or
/// minus, with the signs of the right half flipped) the right half.
fn balanced(mut terms: Vec<(bool, Expr)>) -> Expr {
    if terms.len() <= 1 {
        return terms.pop().map_or(
            Expr::Number(Spanned::new(Decimal::ZERO, Span::default())),
            |(_, e)| e,
        );
    }
    let right = terms.split_off(terms.len() / 2);
    let subtract = right.first().is_some_and(|(negative, _)| *negative);
    let right = if subtract {
        right
            .into_iter()
            .map(|(negative, e)| (!negative, e))
            .collect()
    } else {
        right
    };
    Expr::Binary {
        op: if subtract {
            BinaryOp::Sub
        } else {
            BinaryOp::Add
        },
        left: Box::new(balanced(terms)),
        right: Box::new(balanced(right)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;
    use std::sync::Arc;

    fn parse(text: &str) -> Result<RuleFile, Vec<RuleError>> {
        parse_rules(&Arc::new(SourceFile::new("t.rules", text.to_string())))
    }

    /// A rule cut short at the end of its line failed on the next rule's first word, and the
    /// parser, going on past that word, skipped the next rule too: its checks vanished
    /// without an error of their own. Each rule that fails is counted, the next one read.
    #[test]
    fn a_rule_cut_short_leaves_the_next_rule_read_and_is_counted_unparsed() {
        let source = Arc::new(SourceFile::new(
            "t.rules",
            "sum T.a \"a\"\n  T[合计, x] = T[a, x] +\n\
             equal T.b \"b\"\n  T[合计, x] = T[a, x]\n\
             group g = [a\n\
             sum T.c \"c\"\n  T[合计, x] = (T[a, x]\n\
             equal T.d \"d\"\n  T[a, x] = T[合计, x]\n"
                .to_string(),
        ));
        let (file, errors) = parse_rules_partial(&source);
        let ids: Vec<&str> = file.rules.iter().map(|r| r.id.value.as_str()).collect();
        assert_eq!(ids, ["T.b", "T.d"]);
        assert_eq!(errors.len(), 3, "{errors:?}");
        // T.a and T.c; the group that failed is no rule.
        assert_eq!(file.unparsed_rules, 2);
        // A rule whose first word is wrong is skipped to the next rule, as before.
        let source = Arc::new(SourceFile::new(
            "t.rules",
            "sum T.a \"a\" ) T[合计, x] = T[a, x]\nequal T.b \"b\"\n  T[合计, x] = T[a, x]\n"
                .to_string(),
        ));
        let (file, errors) = parse_rules_partial(&source);
        assert_eq!(file.rules.len(), 1, "{errors:?}");
        assert_eq!((errors.len(), file.unparsed_rules), (1, 1));
    }

    #[test]
    fn parses_groups_loops_and_comparisons() {
        let file = parse(
            "group types = [技术开发, 技术转让]\n\
             sum A2.total \"合计\"\n  for c in [current/合同数, prior/金额]\n  A2[合计, c] = sum(A2[types, c])\n\
             share A2.share \"占比\" for r in rows(A2) - [合计] A2[r, 占比] = share(A2[r, 金额], A2[合计, 金额])",
        )
        .unwrap();
        assert_eq!(file.groups.len(), 1);
        assert_eq!(file.rules.len(), 2);
        assert_eq!(file.rules[0].loops.len(), 1);
        assert!(matches!(file.rules[1].loops[0].list, ListExpr::Minus(..)));
    }

    #[test]
    fn zip_pairs_two_lists_into_two_loops_that_move_together() {
        let text = "equal E.total \"d\"\n  for (a, b) in zip(rows(A) - [x], [\"All persons\", Men])\n  A[a, v] = B[b, v]";
        let file = parse(text).unwrap();
        let loops = &file.rules[0].loops;
        assert_eq!(loops.len(), 2);
        assert_eq!(
            (loops[0].variable.value.as_str(), loops[0].paired),
            ("a", None)
        );
        assert!(matches!(loops[0].list, ListExpr::Minus(..)));
        assert_eq!(loops[1].variable.value, "b");
        assert!(matches!(&loops[1].list, ListExpr::Literal(items, _) if items.len() == 2));
        let zip = loops[1].paired.unwrap();
        assert_eq!(
            &text[zip.offset..zip.offset + zip.length],
            "zip(rows(A) - [x], [\"All persons\", Men])"
        );
        for wrong in [
            "expr x \"d\" for (a, b) in rows(A) A[a, v] = B[b, v]",
            "expr x \"d\" for (a) in zip(rows(A), rows(B)) A[a, v] = 1",
            "expr x \"d\" for (a, b) in zip(rows(A)) A[a, v] = 1",
        ] {
            let errors = parse(wrong).unwrap_err();
            assert_eq!(errors.len(), 1, "{wrong}");
        }
        let help = format!(
            "{:?}",
            parse("expr x \"d\" for (a, b) in rows(A) A[a, v] = 1").unwrap_err()
        );
        assert!(help.contains("zip("), "{help}");
    }

    #[test]
    fn a_group_declares_the_rows_it_leaves_out_with_a_reason() {
        let file = parse(
            "group plans = [a, b]\n  except 其他 because \"no plan\"\n  except [c, d/e] because \"named\"\n\
             expr x \"d\" for p in plans A[x, v] > A[p, v]",
        )
        .unwrap();
        let exceptions = &file.groups[0].exceptions;
        assert_eq!(exceptions.len(), 2);
        assert_eq!(exceptions[0].members.len(), 1);
        assert_eq!(exceptions[0].reason.value, "no plan");
        assert_eq!(exceptions[1].members.len(), 2);
        assert_eq!(file.rules.len(), 1);
    }

    #[test]
    fn an_exception_without_a_reason_is_an_error_on_what_follows() {
        let errors =
            parse("group plans = [a, b] except 其他\nexpr x \"d\" A[x, v] > 1").unwrap_err();
        assert_eq!(errors.len(), 1);
        let text = format!("{:?}", errors[0]);
        assert!(text.contains("because"), "{text}");
    }

    #[test]
    fn parses_a_sum_over_a_list() {
        let file = parse("growth g \"d\" A1[x, prior] = sum(A9[k, 金额] / (1 + A9[k, 增长] / 100) for k in kinds)")
            .unwrap();
        let Body::Compare { right, .. } = &file.rules[0].body else {
            panic!()
        };
        assert!(matches!(right, Expr::Comprehension { variable, .. } if variable.value == "k"));
    }

    /// The value of an expression of numbers, and how deep its tree goes.
    fn value_and_depth(expr: &Expr) -> (Decimal, usize) {
        match expr {
            Expr::Number(n) => (n.value, 1),
            Expr::Binary { op, left, right } => {
                let ((l, dl), (r, dr)) = (value_and_depth(left), value_and_depth(right));
                let value = match op {
                    BinaryOp::Add => l + r,
                    BinaryOp::Sub => l - r,
                    BinaryOp::Mul => l * r,
                    BinaryOp::Div => l / r,
                };
                (value, dl.max(dr) + 1)
            }
            Expr::Negate(inner, _) => {
                let (value, depth) = value_and_depth(inner);
                (-value, depth + 1)
            }
            _ => panic!("{expr:?}"),
        }
    }

    #[test]
    fn a_long_chain_of_plus_and_minus_is_balanced_and_keeps_its_value() {
        // 1 - 2 + 3 - 4 … ± n, written left to right, against the same sum worked out here.
        for n in [2, 63, 64, 65, 1000, 25_000] {
            let mut text = String::from("expr e \"d\" 0 =");
            let mut expected = Decimal::ZERO;
            for i in 1..=n {
                let sign = if i % 3 == 0 { "-" } else { "+" };
                if i > 1 || sign == "-" {
                    text.push_str(&format!(" {sign} {i}"));
                } else {
                    text.push_str(&format!(" {i}"));
                }
                expected += if sign == "-" {
                    -Decimal::from(i)
                } else {
                    Decimal::from(i)
                };
            }
            let file = parse(&text).unwrap();
            let Body::Compare { right, .. } = &file.rules[0].body else {
                panic!()
            };
            let (value, depth) = value_and_depth(right);
            assert_eq!(value, expected, "{n} terms");
            assert!(
                depth <= 64 || depth <= 2 + (n as f64).log2().ceil() as usize,
                "{n}: {depth}"
            );
        }
    }

    #[test]
    fn nesting_stops_at_the_limit_with_an_error_on_the_token_that_goes_past_it() {
        let nested = |levels: usize| {
            format!(
                "expr e \"d\" 0 < {}1{}",
                "(".repeat(levels),
                ")".repeat(levels)
            )
        };
        assert!(parse(&nested(MAX_NESTING)).is_ok());
        let errors = parse(&nested(MAX_NESTING + 1)).unwrap_err();
        let [RuleError::TooDeep { span, .. }] = errors.as_slice() else {
            panic!("{errors:?}")
        };
        assert_eq!(span.offset(), "expr e \"d\" 0 < ".len() + MAX_NESTING);
        // A product of 257 factors nests as deep; one of 256 does not.
        let product =
            |factors: usize| format!("expr e \"d\" 0 < {}", vec!["2"; factors].join(" * "));
        assert!(parse(&product(MAX_NESTING)).is_ok());
        assert!(parse(&product(MAX_NESTING + 2)).is_err());
    }

    #[test]
    fn parses_table_forms() {
        let file = parse(
            "sum A9.tree \"groups\" A9 hierarchy columns [金额]\n\
             matrix A13.m \"m\" A13 rows [a, b] total 合计 columns [x, y] total 合计\n\
             rank T2.r \"r\" T2 rank 排名 by 金额\n\
             rank A15.s \"s\" A15 sequence 机构序号 by group",
        )
        .unwrap();
        assert!(matches!(file.rules[0].body, Body::Hierarchy { .. }));
        assert!(matches!(file.rules[1].body, Body::Matrix { .. }));
        assert!(matches!(file.rules[2].body, Body::Rank { .. }));
        assert!(matches!(
            file.rules[3].body,
            Body::Sequence { by_group: true, .. }
        ));
    }

    #[test]
    fn reports_every_broken_rule_with_its_token() {
        let errors = parse("sum A.x \"d\" A[a, b] = = 3\nsum B.y \"e\" B[a b] = 1\n").unwrap_err();
        assert_eq!(errors.len(), 2);
        let RuleError::Syntax { span, .. } = &errors[0] else {
            panic!("{errors:?}")
        };
        assert_eq!(span.offset(), 22);
    }

    #[test]
    fn a_pipe_is_reported_at_the_pipe_as_no_operator_not_as_a_missing_rule_kind() {
        for (text, symbol) in [
            ("equal e \"d\" A[a, b] = B[a, b] | C[a, b]\n", "|"),
            ("equal e \"d\" A[a, b] = B[a, b] || C[a, b]\n", "||"),
            ("equal e \"d\" A[a, b] = B[a, b]|C[a, b]\n", "|"),
            ("expr e \"d\" A[a, b] | B[a, b] > 0\n", "|"),
        ] {
            let errors = parse(text).unwrap_err();
            let [
                RuleError::NotAnOperator {
                    span,
                    symbol: found,
                    help,
                    ..
                },
            ] = errors.as_slice()
            else {
                panic!("{text}: {errors:?}")
            };
            assert_eq!(found, symbol, "{text}");
            assert_eq!(span.offset(), text.find('|').unwrap(), "{text}");
            assert_eq!(span.len(), symbol.len(), "{text}");
            assert!(help.contains("write `or`"), "{help}");
            let message = errors[0].to_string();
            assert_eq!(
                message,
                format!("syntax error: `{symbol}` is not an operator of the rules language")
            );
        }
    }

    #[test]
    fn an_unknown_function_lists_every_function_count_included() {
        let errors = parse("expr e \"d\" total(A[a, b]) > 0\n").unwrap_err();
        let [
            RuleError::Syntax {
                help: Some(help), ..
            },
        ] = errors.as_slice()
        else {
            panic!("{errors:?}")
        };
        for function in ["sum", "share", "growth", "increment", "count"] {
            assert!(help.contains(function), "{help} names `{function}`");
        }
    }

    fn condition(text: &str) -> Condition {
        let file = parse(&format!("expr e \"d\" {text}\n")).unwrap();
        match file.rules.into_iter().next().unwrap().body {
            Body::Condition(condition) => condition,
            other => panic!("{text}: {other:?}"),
        }
    }

    /// The shape of a condition: `and`, `or`, `not`, `if`, and `c` for a comparison.
    fn shape(condition: &Condition) -> String {
        match condition {
            Condition::Compare { .. } => "c".to_string(),
            Condition::And(a, b) => format!("and({}, {})", shape(a), shape(b)),
            Condition::Or(a, b) => format!("or({}, {})", shape(a), shape(b)),
            Condition::Not(inner, _) => format!("not({})", shape(inner)),
            Condition::Implies {
                premise,
                conclusion,
                ..
            } => format!("if({}, {})", shape(premise), shape(conclusion)),
            Condition::Empty { .. } => "empty".to_string(),
        }
    }

    #[test]
    fn empty_tests_one_cell_and_binds_as_a_comparison() {
        assert_eq!(
            shape(&condition("not empty(T[r, a]) or T[r, b] > 0")),
            "or(not(empty), c)"
        );
        assert_eq!(shape(&condition("(empty(T[r, a]))")), "empty");
        let text = "expr e \"d\" empty(T[r, a] + 1)\n";
        let errors = parse(text).unwrap_err();
        let [RuleError::Syntax { span, expected, .. }] = errors.as_slice() else {
            panic!("{errors:?}")
        };
        assert_eq!(expected, "one cell");
        assert_eq!(span.offset(), text.find("T[").unwrap());
    }

    #[test]
    fn conditions_bind_not_then_and_then_or_and_if_takes_the_rest() {
        for (text, expected) in [
            ("T[r, a] <= 0 or T[r, b] > 0", "or(c, c)"),
            (
                "T[r, a] > 0 or T[r, b] > 0 and T[r, c] > 0",
                "or(c, and(c, c))",
            ),
            ("not T[r, a] > 0 and T[r, b] > 0", "and(not(c), c)"),
            (
                "if T[r, a] > 0 then T[r, b] > 0 or T[r, c] = 0",
                "if(c, or(c, c))",
            ),
            (
                "(T[r, a] > 0 or T[r, b] > 0) and T[r, c] > 0",
                "and(or(c, c), c)",
            ),
            (
                "not (T[r, a] + 1) * 2 > 0 or (T[r, b]) > 0",
                "or(not(c), c)",
            ),
            (
                "if (if T[r, a] > 0 then T[r, b] > 0) then 1 > 0",
                "if(if(c, c), c)",
            ),
        ] {
            assert_eq!(shape(&condition(text)), expected, "{text}");
        }
        // A lone comparison stays a comparison, parenthesised sides and all.
        let file = parse("expr e \"d\" (T[r, a] + T[r, b]) / 2 > T[r, c]\n").unwrap();
        assert!(matches!(file.rules[0].body, Body::Compare { .. }));
    }

    #[test]
    fn between_is_both_bounds_and_binds_as_a_comparison() {
        for (text, expected) in [
            ("T[r, a] between 0 and 100", "and(c, c)"),
            (
                "T[r, a] between 0 and 100 and T[r, b] > 0",
                "and(and(c, c), c)",
            ),
            (
                "not T[r, a] between 0.5 * T[r, b] and 2 * T[r, b]",
                "not(and(c, c))",
            ),
            (
                "(T[r, a] between 0 and 1) or T[r, b] > 0",
                "or(and(c, c), c)",
            ),
        ] {
            assert_eq!(shape(&condition(text)), expected, "{text}");
        }
        let text = "expr e \"d\" T[r, a] between 0.5 * T[r, b] and 2 * T[r, b]\n";
        let file = parse(text).unwrap();
        let Body::Condition(condition) = &file.rules[0].body else {
            panic!()
        };
        let sides: Vec<(&str, CompareOp, &str)> = condition
            .comparisons()
            .iter()
            .map(|(l, op, r)| {
                let cover = |span: Span| &text[span.offset..span.offset + span.length];
                (cover(l.span()), *op, cover(r.span()))
            })
            .collect();
        assert_eq!(
            sides,
            [
                ("T[r, a]", CompareOp::GreaterEqual, "0.5 * T[r, b]"),
                ("T[r, a]", CompareOp::LessEqual, "2 * T[r, b]"),
            ]
        );
        let (error, covered) = one_error("expr e \"d\" T[r, a] between 0 or 100\n");
        assert!(
            error.to_string().contains("upper bound")
                || format!("{error:?}").contains("upper bound")
        );
        assert_eq!(covered, "or");
    }

    #[test]
    fn a_condition_keeps_the_span_of_every_comparison() {
        let text = "expr e \"d\" if T[r, a] > 0 then T[r, b] > 0\n";
        let file = parse(text).unwrap();
        let Body::Condition(condition) = &file.rules[0].body else {
            panic!()
        };
        let spans: Vec<&str> = condition
            .comparisons()
            .iter()
            .map(|(l, _, r)| &text[l.span().offset..r.span().offset + r.span().length])
            .collect();
        assert_eq!(spans, ["T[r, a] > 0", "T[r, b] > 0"]);
        let span = condition.span();
        assert_eq!(
            &text[span.offset..span.offset + span.length],
            "if T[r, a] > 0 then T[r, b] > 0"
        );
    }

    /// The one error of a rules file, with the text its span covers.
    fn one_error(text: &str) -> (RuleError, String) {
        let mut errors = parse(text).unwrap_err();
        assert_eq!(errors.len(), 1, "{text}: {errors:?}");
        let error = errors.remove(0);
        let span = match &error {
            RuleError::Syntax { span, .. }
            | RuleError::Invalid { span, .. }
            | RuleError::NotAnOperator { span, .. }
            | RuleError::TooDeep { span, .. } => *span,
            other => panic!("{other:?}"),
        };
        let covered = text[span.offset()..span.offset() + span.len()].to_string();
        (error, covered)
    }

    #[test]
    fn a_malformed_condition_is_an_error_on_the_token_that_broke_it() {
        for (text, covered, expected) in [
            ("expr e \"d\" if T[r, a] > 0 T[r, b] > 0\n", "T", "`then`"),
            (
                "expr e \"d\" T[r, a] > 0 and\n",
                "",
                "a cell, a number or a function call",
            ),
            (
                "expr e \"d\" T[r, a] > 0 or or T[r, b] > 0\n",
                "or",
                "a cell",
            ),
            ("expr e \"d\" (T[r, a] > 0 or T[r, b] > 0\n", "", "`)`"),
            ("expr e \"d\" not T[r, a]\n", "", "a comparison"),
            ("expr e \"d\" T[r, a] > 0 and T[r, b]\n", "", "a comparison"),
        ] {
            let (error, found) = one_error(text);
            assert_eq!(found, covered, "{text}: {error:?}");
            let RuleError::Syntax { expected: said, .. } = &error else {
                panic!("{text}: {error:?}")
            };
            assert!(said.contains(expected), "{text}: {said}");
        }
    }

    #[test]
    fn another_languages_boolean_operator_points_at_the_word_to_write() {
        for (text, symbol, word) in [
            ("expr e \"d\" T[r, a] > 0 & T[r, b] > 0\n", "&", "and"),
            ("expr e \"d\" T[r, a] > 0 && T[r, b] > 0\n", "&&", "and"),
            ("expr e \"d\" T[r, a] <= 0 | T[r, b] > 0\n", "|", "or"),
            ("expr e \"d\" ! T[r, a] > 0\n", "!", "not"),
        ] {
            let (error, covered) = one_error(text);
            assert_eq!(covered, symbol, "{text}");
            let RuleError::NotAnOperator { help, .. } = &error else {
                panic!("{text}: {error:?}")
            };
            assert!(help.contains(&format!("write `{word}`")), "{help}");
        }
    }

    #[test]
    fn conditions_nested_past_the_limit_are_an_error_not_a_stack_overflow() {
        let limit = MAX_NESTING / CONDITION_LEVEL;
        let nots = |n: usize| format!("expr e \"d\" {}T[r, a] > 0\n", "not ".repeat(n));
        assert!(parse(&nots(limit)).is_ok());
        assert!(matches!(
            one_error(&nots(100_000)).0,
            RuleError::TooDeep { .. }
        ));
        let ors = |n: usize| format!("expr e \"d\" {}\n", vec!["T[r, a] > 0"; n].join(" or "));
        // A chain of `or` is no nesting: it is built balanced.
        let Body::Condition(chain) = &parse(&ors(100_000)).unwrap().rules[0].body else {
            panic!()
        };
        assert_eq!(chain.comparisons().len(), 100_000);
        let parens = |n: usize| {
            format!(
                "expr e \"d\" {}T[r, a] > 0{}\n",
                "(".repeat(n),
                ")".repeat(n)
            )
        };
        assert!(parse(&parens(limit)).is_ok());
        assert!(matches!(
            one_error(&parens(2_000)).0,
            RuleError::TooDeep { .. }
        ));
    }

    fn aggregate_of(text: &str) -> (Aggregate, Option<EmptyCells>) {
        let file = parse(&format!("expr e \"d\" {text} >= 1\n")).unwrap();
        let Body::Compare { left, .. } = &file.rules[0].body else {
            panic!("{text}")
        };
        match left {
            Expr::Comprehension {
                aggregate, empty, ..
            } => (aggregate.value, empty.as_ref().map(|e| e.value)),
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn aggregates_over_a_list_with_a_choice_for_empty_cells() {
        use Aggregate::*;
        assert_eq!(
            aggregate_of("mean(T[r, profit] for r in rows(T), empty = ignore)"),
            (Mean, Some(EmptyCells::Ignore))
        );
        assert_eq!(aggregate_of("min(T[r, x] for r in rows(T))"), (Min, None));
        assert_eq!(
            aggregate_of("max(T[r, x] / 2 for r in [a, b], empty = undecided)"),
            (Max, Some(EmptyCells::Undecided))
        );
        assert_eq!(
            aggregate_of("sum(T[r, x] for r in rows(T) - [合计], empty = zero)"),
            (Sum, Some(EmptyCells::Zero))
        );
        assert_eq!(
            aggregate_of("count(T[r, x] for r in rows(T))"),
            (Count, None)
        );
        // `count(LIST)` still counts a list's items.
        let file = parse("expr e \"d\" count(rows(T) - [合计]) >= 1\n").unwrap();
        let Body::Compare { left, .. } = &file.rules[0].body else {
            panic!()
        };
        assert!(matches!(left, Expr::Count(..)));
    }

    #[test]
    fn a_rule_may_read_empty_cells_as_zero_and_says_so_on_the_word_otherwise() {
        let file = parse("sum s \"d\" empty zero T[合计, x] = sum(T[[a, b], x])\n").unwrap();
        assert!(file.rules[0].empty_as_zero.is_some());
        let (error, covered) = one_error("sum s \"d\" empty ignore T[合计, x] = T[a, x]\n");
        assert_eq!(covered, "ignore");
        assert!(matches!(error, RuleError::Invalid { .. }));
    }

    #[test]
    fn a_malformed_aggregate_is_an_error_on_its_token() {
        let (error, covered) = one_error("expr e \"d\" mean(T[r, x]) > 0\n");
        assert_eq!(covered, ")");
        assert!(matches!(&error, RuleError::Syntax { expected, .. } if expected == "`for`"));
        let (error, covered) =
            one_error("expr e \"d\" mean(T[r, x] for r in rows(T), empty = maybe) > 0\n");
        assert_eq!(covered, "maybe");
        assert!(
            matches!(&error, RuleError::Invalid { help: Some(help), .. } if help.contains("empty = ignore"))
        );
        let (_, covered) = one_error("expr e \"d\" mean(T[r, x] for r in rows(T), na.rm) > 0\n");
        assert_eq!(covered, "na.rm");
        let (_, covered) = one_error("expr e \"d\" max(T[r, x] for r in rows(T) > 0\n");
        assert_eq!(covered, ">");
    }
}
