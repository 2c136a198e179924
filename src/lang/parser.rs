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
    let mut errors = Vec::new();
    while !parser.at_end() {
        let (rules, groups) = (file.rules.len(), file.groups.len());
        match parser.item(&mut file) {
            Ok(()) if parser.at_end() || parser.at_item_start() => {}
            Ok(()) => {
                // Tokens left after a rule's body belong to it (`a = b | c`): the rule did not
                // parse, and checking what came before them would check something else.
                if let Err(error) = parser.item(&mut file) {
                    errors.push(*error);
                }
                file.rules.truncate(rules);
                file.groups.truncate(groups);
                parser.recover();
            }
            Err(error) => {
                errors.push(*error);
                parser.depth = 0;
                parser.recover();
            }
        }
    }
    (file, errors)
}

type Parsed<T> = Result<T, Box<RuleError>>;

/// How deep parentheses, unary minus, function calls, brackets and chains of `*` `/` (or of
/// list `+` `-`) may nest. Every later pass walks the tree recursively; the limit keeps that
/// within the stack of any thread. A chain of `+` and `-` is not nested: it is built as a
/// balanced tree, so any length works.
pub const MAX_NESTING: usize = 256;

/// Chains of `+`/`-` with at least this many terms are built balanced (depth log₂ n); shorter
/// ones left to right, as written.
const BALANCE_FROM: usize = 64;

struct Parser<'a> {
    tokens: Vec<Token>,
    position: usize,
    source: &'a SharedSource,
    /// How many nesting levels are open.
    depth: usize,
}

const EOF: Token = Token {
    kind: TokenKind::Eof,
    span: Span {
        offset: 0,
        length: 0,
    },
};

impl Parser<'_> {
    fn peek(&self) -> &Token {
        self.tokens.get(self.position).unwrap_or(&EOF)
    }

    fn peek_at(&self, ahead: usize) -> &Token {
        self.tokens.get(self.position + ahead).unwrap_or(&EOF)
    }

    fn at_end(&self) -> bool {
        self.peek().kind == TokenKind::Eof
    }

    fn advance(&mut self) -> Token {
        let token = self.peek().clone();
        if !self.at_end() {
            self.position += 1;
        }
        token
    }

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

    fn error(&self, expected: &str, help: Option<&str>) -> Box<RuleError> {
        let token = self.peek();
        if let TokenKind::Invalid(symbol) = &token.kind
            && (symbol == "|" || symbol == "||")
        {
            // Wherever it stands, "expected a rule kind" (or a cell) would miss the point.
            return Box::new(RuleError::NotAnOperator {
                source_code: named(self.source),
                span: token.span.into(),
                symbol: symbol.clone(),
                help: "conditions (\"this or that\") are not supported yet: write one rule for \
                       each case; the operators are + - * / and = < <= > >="
                    .to_string(),
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

    fn too_deep(&self, what: &'static str, span: Span) -> Box<RuleError> {
        Box::new(RuleError::TooDeep {
            source_code: named(self.source),
            span: span.into(),
            what,
            limit: MAX_NESTING,
        })
    }

    fn expect(&mut self, kind: &TokenKind, expected: &str) -> Parsed<Span> {
        if &self.peek().kind == kind {
            Ok(self.advance().span)
        } else {
            Err(self.error(expected, None))
        }
    }

    fn word(&mut self, expected: &str) -> Parsed<Spanned<String>> {
        match self.peek().kind.clone() {
            TokenKind::Word(w) => Ok(Spanned::new(w, self.advance().span)),
            _ => Err(self.error(expected, None)),
        }
    }

    fn keyword(&mut self, keyword: &str) -> Parsed<Span> {
        if self.peek_word() == Some(keyword) {
            Ok(self.advance().span)
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
            file.groups.push(GroupDef { name, list });
            return Ok(());
        }
        let Some(kind) = Kind::from_keyword(word) else {
            return Err(self.error(
                "a rule kind",
                Some("a rule starts with sum, share, growth, ratio, equal, matrix, rank, expr or unchecked"),
            ));
        };
        let kind = Spanned::new(kind, self.advance().span);
        file.rules.push(self.rule(kind)?);
        Ok(())
    }

    fn rule(&mut self, kind: Spanned<Kind>) -> Parsed<Rule> {
        let id = self.word("a rule id such as `A2.total`")?;
        let description = match self.peek().kind.clone() {
            TokenKind::Str(s) => Spanned::new(s, self.advance().span),
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
        loop {
            match self.peek_word() {
                Some("for") => {
                    self.advance();
                    let variable = self.word("a variable name")?;
                    self.keyword("in")?;
                    let list = self.list_expr()?;
                    loops.push(ForClause { variable, list });
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

    fn severity(&mut self) -> Parsed<Spanned<Severity>> {
        let word = self.word("a severity: error, warning or info")?;
        match Severity::from_keyword(&word.value) {
            Some(severity) => Ok(Spanned::new(severity, word.span)),
            None => Err(Box::new(RuleError::Invalid {
                source_code: named(self.source),
                span: word.span.into(),
                message: format!("`{}` is not a severity", word.value),
                help: Some(
                    "write `severity error`, `severity warning` or `severity info`".to_string(),
                ),
            })),
        }
    }

    fn tolerance(&mut self) -> Parsed<Spanned<Tolerance>> {
        let number = self.number()?;
        if self.peek().kind == TokenKind::Percent {
            let span = number.span.to(self.advance().span);
            let fraction = number.value / Decimal::ONE_HUNDRED;
            return Ok(Spanned::new(Tolerance::Relative(fraction), span));
        }
        Ok(Spanned::new(Tolerance::Absolute(number.value), number.span))
    }

    fn number(&mut self) -> Parsed<Spanned<Decimal>> {
        match self.peek().kind.clone() {
            TokenKind::Number(text) => {
                let span = self.peek().span;
                let value = Decimal::from_str_exact(&text)
                    .or_else(|_| Decimal::from_str(&text))
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
        let is_table_form = matches!(self.peek_at(1).kind, TokenKind::Word(ref w)
            if matches!(w.as_str(), "hierarchy" | "rows" | "rank" | "sequence" | "distinct"));
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
        let left = self.expr()?;
        let op = self.compare_op()?;
        let right = self.expr()?;
        Ok(Body::Compare { left, op, right })
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
        Ok(Spanned::new(op, self.advance().span))
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
            let start = self.advance().span;
            let operand = self.unary()?;
            self.leave();
            let span = start.to(operand.span());
            return Ok(Expr::Negate(Box::new(operand), span));
        }
        self.atom()
    }

    fn atom(&mut self) -> Parsed<Expr> {
        match self.peek().kind.clone() {
            TokenKind::Number(_) => Ok(Expr::Number(self.number()?)),
            TokenKind::LParen => {
                self.enter("an expression")?;
                self.advance();
                let inner = self.expr()?;
                self.expect(&TokenKind::RParen, "`)`")?;
                self.leave();
                Ok(inner)
            }
            TokenKind::Word(word) => match self.peek_at(1).kind {
                TokenKind::LBracket => Ok(Expr::Cell(self.cell_ref()?)),
                TokenKind::LParen if word == "count" => {
                    let start = self.advance().span;
                    self.advance();
                    let list = self.list_expr()?;
                    let end = self.expect(&TokenKind::RParen, "`)`")?;
                    Ok(Expr::Count(list, start.to(end)))
                }
                TokenKind::LParen => self.call(&word),
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
        let Some(function) = Function::from_name(name) else {
            return Err(self.error(
                "a function",
                Some("the functions are sum, share, growth, increment and count"),
            ));
        };
        let start = self.advance().span;
        let function = Spanned::new(function, start);
        self.expect(&TokenKind::LParen, "`(`")?;
        let first = self.expr()?;
        if function.value == Function::Sum && self.peek_word() == Some("for") {
            self.advance();
            let variable = self.word("a variable name")?;
            self.keyword("in")?;
            let list = self.list_expr()?;
            let end = self.expect(&TokenKind::RParen, "`)`")?;
            return Ok(Expr::Comprehension {
                body: Box::new(first),
                variable,
                list,
                span: start.to(end),
            });
        }
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
        let mut segments = vec![self.segment()?];
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
        match self.peek().kind.clone() {
            TokenKind::Word(word) if word == "prior" && self.peek_at(1).kind == TokenKind::LParen => {
                let start = self.advance().span;
                self.advance();
                let variable = self.word("a loop variable")?;
                let end = self.expect(&TokenKind::RParen, "`)`")?;
                Ok(Segment::PriorOf(Spanned::new(variable.value, start.to(end))))
            }
            TokenKind::Word(word) => {
                let span = self.advance().span;
                Ok(Segment::Word(Spanned::new(word, span)))
            }
            TokenKind::Number(number) => {
                let span = self.advance().span;
                Ok(Segment::Quoted(Spanned::new(number, span)))
            }
            TokenKind::Str(text) => {
                let span = self.advance().span;
                Ok(Segment::Quoted(Spanned::new(text, span)))
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
        match self.peek().kind.clone() {
            TokenKind::LBracket => self.list_literal(),
            TokenKind::Word(word)
                if matches!(word.as_str(), "rows" | "columns")
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
            assert!(help.contains("not supported yet"), "{help}");
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
}
