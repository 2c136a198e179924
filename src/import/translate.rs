//! One `validate` rule (an R expression) → the condition or comparison of a crossfoot rule over
//! a record table, or the reason it has no crossfoot equivalent.
//!
//! A variable `x` is the record's cell `T[r, x]` (`for r in rows(T)`); a rule whose variables
//! all stand inside aggregates is checked once for the table. `validate`'s semantics are kept:
//! `|` `&` `!` are Kleene's `or` `and` `not` as R's `NA` logic is; `if (P) Q` is `if P then
//! Q`; `x != y` is `not x = y`; `mean(x, na.rm = TRUE)` is `mean(T[s, x] for s in rows(T),
//! empty = ignore)` and without `na.rm` an empty cell leaves the aggregate undecided, as R's
//! `NA`.

use super::r_syntax::{Arg, BinaryOp, Node, RExpr, UnaryOp};
use crate::source::Span;

/// Why a rule (or a part of it) has no crossfoot equivalent, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Untranslatable {
    pub span: Span,
    pub reason: String,
}

type Translated = Result<String, Untranslatable>;

fn refuse(expr: &RExpr, reason: impl Into<String>) -> Untranslatable {
    Untranslatable {
        span: expr.span,
        reason: reason.into(),
    }
}

/// The loop variable of a record-wise rule and of an aggregate's records.
pub const RECORD: &str = "r";
const EACH: &str = "s";

/// A translation of one rule: its crossfoot body, and whether it is checked per record.
pub struct Body {
    pub text: String,
    pub per_record: bool,
}

/// The crossfoot body of `rule` over table `table`.
pub fn rule(table: &str, rule: &RExpr) -> Result<Body, Untranslatable> {
    let per_record = reads_outside_aggregates(rule);
    let scope = Scope {
        table,
        record: per_record.then_some(RECORD),
    };
    Ok(Body {
        text: scope.condition(rule)?,
        per_record,
    })
}

/// Whether a variable is read outside `mean`, `sum`, `min`, `max`: the rule is then checked
/// once per record.
fn reads_outside_aggregates(expr: &RExpr) -> bool {
    match &expr.node {
        Node::Name(_) => true,
        Node::Call { function, args } => {
            let aggregate =
                matches!(&function.node, Node::Name(name) if Aggregate::of(name).is_some());
            !aggregate
                && args
                    .iter()
                    .filter_map(|a| a.value.as_ref())
                    .any(reads_outside_aggregates)
        }
        Node::Unary { operand, .. } => reads_outside_aggregates(operand),
        Node::Binary { left, right, .. } => {
            reads_outside_aggregates(left) || reads_outside_aggregates(right)
        }
        Node::If {
            condition,
            then,
            otherwise,
        } => {
            reads_outside_aggregates(condition)
                || reads_outside_aggregates(then)
                || otherwise.as_deref().is_some_and(reads_outside_aggregates)
        }
        Node::Paren(inner) => reads_outside_aggregates(inner),
        Node::Block(body) => body.iter().any(reads_outside_aggregates),
        Node::Index { object, .. } => reads_outside_aggregates(object),
        Node::Number(_) | Node::Str(_) | Node::Constant(_) => false,
    }
}

#[derive(Clone, Copy)]
enum Aggregate {
    Mean,
    Sum,
    Min,
    Max,
}

impl Aggregate {
    fn of(name: &str) -> Option<Aggregate> {
        match name {
            "mean" => Some(Aggregate::Mean),
            "sum" => Some(Aggregate::Sum),
            "min" => Some(Aggregate::Min),
            "max" => Some(Aggregate::Max),
            _ => None,
        }
    }

    fn keyword(self) -> &'static str {
        match self {
            Aggregate::Mean => "mean",
            Aggregate::Sum => "sum",
            Aggregate::Min => "min",
            Aggregate::Max => "max",
        }
    }
}

/// How tightly a crossfoot expression binds, to parenthesise only where needed.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Tightness {
    Sum,
    Product,
    Atom,
}

/// How tightly a crossfoot condition binds: `not` > `and` > `or` > `if … then`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Binding {
    Implies,
    Or,
    And,
    Atom,
}

struct Scope<'a> {
    table: &'a str,
    /// The variable naming the record, where a variable is read: `r` for the rule's record,
    /// `s` inside an aggregate, none in a rule checked once.
    record: Option<&'a str>,
}

impl Scope<'_> {
    fn condition(&self, expr: &RExpr) -> Translated {
        self.condition_bound(expr).map(|(text, _)| text)
    }

    fn condition_bound(&self, expr: &RExpr) -> Result<(String, Binding), Untranslatable> {
        let wrap = |(text, binding): (String, Binding), least: Binding| {
            if binding < least {
                format!("({text})")
            } else {
                text
            }
        };
        match &expr.node {
            Node::Paren(inner) => self.condition_bound(inner),
            Node::Binary { op, left, right } => match op {
                BinaryOp::Or => Ok((
                    format!(
                        "{} or {}",
                        wrap(self.condition_bound(left)?, Binding::Or),
                        wrap(self.condition_bound(right)?, Binding::And)
                    ),
                    Binding::Or,
                )),
                BinaryOp::And => Ok((
                    format!(
                        "{} and {}",
                        wrap(self.condition_bound(left)?, Binding::And),
                        wrap(self.condition_bound(right)?, Binding::Atom)
                    ),
                    Binding::And,
                )),
                BinaryOp::NotEqual => Ok((
                    format!(
                        "not {}",
                        wrap(self.compared(left, "=", right)?, Binding::Atom)
                    ),
                    Binding::Atom,
                )),
                _ => match comparison_symbol(op) {
                    Some(symbol) => self.compared(left, symbol, right),
                    None => Err(self.not_a_condition(expr)),
                },
            },
            Node::Unary {
                op: UnaryOp::Not,
                operand,
            } => Ok((
                format!(
                    "not {}",
                    wrap(self.condition_bound(operand)?, Binding::Atom)
                ),
                Binding::Atom,
            )),
            Node::If {
                condition,
                then,
                otherwise,
            } => {
                let premise = wrap(self.condition_bound(condition)?, Binding::Or);
                let conclusion = self.condition(then)?;
                match otherwise {
                    None => Ok((format!("if {premise} then {conclusion}"), Binding::Implies)),
                    Some(otherwise) => Ok((
                        format!(
                            "(if {premise} then {conclusion}) and (if not {} then {})",
                            wrap(self.condition_bound(condition)?, Binding::Atom),
                            self.condition(otherwise)?
                        ),
                        Binding::And,
                    )),
                }
            }
            Node::Call { function, args } if matches!(&function.node, Node::Name(n) if n == "in_range") => {
                Ok((self.in_range(expr, args)?, Binding::And))
            }
            Node::Call { function, args } if matches!(&function.node, Node::Name(n) if n == "is.na") =>
            {
                let [
                    Arg {
                        name: None,
                        value: Some(value),
                    },
                ] = args.as_slice()
                else {
                    return Err(refuse(expr, "`is.na` of one variable"));
                };
                Ok((self.empty(value)?, Binding::Atom))
            }
            // validate's `is_complete(a, b)`: every one of the record's variables is there.
            Node::Call { function, args } if matches!(&function.node, Node::Name(n) if n == "is_complete") =>
            {
                let tests = args
                    .iter()
                    .map(|arg| match (&arg.name, &arg.value) {
                        (None, Some(value)) => Ok(format!("not {}", self.empty(value)?)),
                        _ => Err(refuse(expr, "`is_complete` of variables")),
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                if tests.is_empty() {
                    return Err(refuse(expr, "`is_complete()` of no variable"));
                }
                let binding = if tests.len() > 1 {
                    Binding::And
                } else {
                    Binding::Atom
                };
                Ok((tests.join(" and "), binding))
            }
            _ => Err(self.not_a_condition(expr)),
        }
    }

    /// `is.na(x)` → `empty(T[r, x])`: one variable of the record.
    fn empty(&self, value: &RExpr) -> Translated {
        let value = match &value.node {
            Node::Paren(inner) => inner,
            _ => value,
        };
        match &value.node {
            Node::Name(name) => Ok(format!("empty({})", self.cell(value, name)?)),
            _ => Err(refuse(
                value,
                "`is.na` of an expression: crossfoot's `empty` tests one cell",
            )),
        }
    }

    /// validate's `in_range(x, min = a, max = b)`: `a <= x and x <= b` (`strict = TRUE`: `<`).
    fn in_range(&self, expr: &RExpr, args: &[Arg]) -> Translated {
        let mut positional = args.iter().filter(|a| a.name.is_none());
        let mut named = |name: &str| {
            args.iter()
                .find(|a| a.name.as_deref() == Some(name))
                .or_else(|| positional.next())
                .and_then(|a| a.value.as_ref())
        };
        let (Some(value), Some(min), Some(max)) = (named("x"), named("min"), named("max")) else {
            return Err(refuse(expr, "`in_range` without a value, `min` and `max`"));
        };
        let strict = match args.iter().find(|a| a.name.as_deref() == Some("strict")) {
            None => false,
            Some(Arg {
                value:
                    Some(RExpr {
                        node: Node::Constant(c),
                        ..
                    }),
                ..
            }) => c == "TRUE" || c == "T",
            Some(_) => return Err(refuse(expr, "`strict` is TRUE or FALSE")),
        };
        if args.iter().any(|a| {
            a.name
                .as_deref()
                .is_some_and(|n| !matches!(n, "x" | "min" | "max" | "strict"))
        }) {
            return Err(refuse(
                expr,
                "an argument of `in_range` other than min, max, strict",
            ));
        }
        let symbol = if strict { "<" } else { "<=" };
        let value = self.figure(value)?.0;
        Ok(format!(
            "{} {symbol} {value} and {value} {symbol} {}",
            self.figure(min)?.0,
            self.figure(max)?.0
        ))
    }

    fn not_a_condition(&self, expr: &RExpr) -> Untranslatable {
        match &expr.node {
            Node::Call { function, .. } => match &function.node {
                Node::Name(name) if name.starts_with("is.") => refuse(
                    expr,
                    format!("`{name}`: crossfoot checks figures, not the type of a column"),
                ),
                Node::Name(name) => refuse(
                    expr,
                    format!("`{name}(…)` has no crossfoot equivalent as a condition"),
                ),
                _ => refuse(expr, "a call of a computed function"),
            },
            Node::Binary {
                op: BinaryOp::Special(op),
                ..
            } if op == "%in%" => refuse(
                expr,
                "`%in%`: crossfoot compares figures, not codes against a list",
            ),
            Node::Block(_) => refuse(expr, "a `{ … }` block"),
            Node::Binary {
                op: BinaryOp::Assign(op),
                ..
            } => refuse(expr, format!("an assignment (`{op}`) inside a rule")),
            Node::Constant(_) => refuse(expr, "a constant is no condition on the data"),
            _ => refuse(
                expr,
                "not a comparison or a condition (`|`, `&`, `!`, `if`) of comparisons",
            ),
        }
    }

    /// A comparison; one side `abs(A)` is written as the comparisons it stands for:
    /// `abs(A) <= B` is `A <= B and 0 - B <= A` (false for a negative B, as in R), `abs(A) >= B`
    /// is `A >= B or A <= 0 - B`, `abs(A) == B` is `(A = B or A = 0 - B) and B >= 0`.
    fn compared(
        &self,
        left: &RExpr,
        symbol: &str,
        right: &RExpr,
    ) -> Result<(String, Binding), Untranslatable> {
        let (inner, bound, symbol) = match (abs_argument(left), abs_argument(right)) {
            (None, None) => return Ok((self.comparison(left, symbol, right)?, Binding::Atom)),
            (Some(_), Some(_)) => return Err(refuse(left, "`abs` on both sides")),
            (Some(inner), None) => (inner, right, symbol),
            (None, Some(inner)) => (inner, left, mirrored(symbol)),
        };
        let a = self.figure(inner)?;
        let b = self.figure(bound)?;
        let a_text = &a.0;
        // A number's negative is a number (`-1`); the rules language reads `-` before a
        // number only, so anything else is subtracted from 0.
        let negated = if matches!(bound.node, Node::Number(_)) && !b.0.starts_with('-') {
            format!("-{}", b.0)
        } else if b.1 == Tightness::Atom {
            format!("0 - {}", b.0)
        } else {
            format!("0 - ({})", b.0)
        };
        let b_text = &b.0;
        Ok(match symbol {
            "<=" | "<" => (
                format!("{a_text} {symbol} {b_text} and {negated} {symbol} {a_text}"),
                Binding::And,
            ),
            ">=" | ">" => {
                let below = if symbol == ">=" { "<=" } else { "<" };
                (
                    format!("{a_text} {symbol} {b_text} or {a_text} {below} {negated}"),
                    Binding::Or,
                )
            }
            _ => (
                format!("({a_text} = {b_text} or {a_text} = {negated}) and {b_text} >= 0"),
                Binding::And,
            ),
        })
    }

    fn comparison(&self, left: &RExpr, symbol: &str, right: &RExpr) -> Translated {
        Ok(format!(
            "{} {symbol} {}",
            self.figure(left)?.0,
            self.figure(right)?.0
        ))
    }

    /// An arithmetic expression, and how tightly it binds.
    fn figure(&self, expr: &RExpr) -> Result<(String, Tightness), Untranslatable> {
        let wrap = |(text, tightness): (String, Tightness), least: Tightness| {
            if tightness < least {
                format!("({text})")
            } else {
                text
            }
        };
        match &expr.node {
            Node::Number(written) => Ok((number(expr, written)?, Tightness::Atom)),
            Node::Name(name) => Ok((self.cell(expr, name)?, Tightness::Atom)),
            Node::Paren(inner) => self.figure(inner),
            // `0 - x`, exactly -x: the rules language reads `-` before a number only.
            Node::Unary {
                op: UnaryOp::Minus,
                operand,
            } => Ok((
                format!("0 - {}", wrap(self.figure(operand)?, Tightness::Product)),
                Tightness::Sum,
            )),
            Node::Unary {
                op: UnaryOp::Plus,
                operand,
            } => self.figure(operand),
            Node::Binary { op, left, right } => {
                let (symbol, tightness) = match op {
                    BinaryOp::Plus => ("+", Tightness::Sum),
                    BinaryOp::Minus => ("-", Tightness::Sum),
                    BinaryOp::Times => ("*", Tightness::Product),
                    BinaryOp::Divide => ("/", Tightness::Product),
                    BinaryOp::Power => {
                        return Err(refuse(expr, "`^`: crossfoot has no powers"));
                    }
                    _ => {
                        return Err(refuse(
                            expr,
                            "a condition where a figure is wanted (R would count TRUE as 1)",
                        ));
                    }
                };
                // `a - (b + c)`: the right operand of `-` or `/` keeps its parentheses.
                let right_least = match op {
                    BinaryOp::Minus => Tightness::Product,
                    BinaryOp::Divide => Tightness::Atom,
                    _ => tightness,
                };
                Ok((
                    format!(
                        "{} {symbol} {}",
                        wrap(self.figure(left)?, tightness),
                        wrap(self.figure(right)?, right_least)
                    ),
                    tightness,
                ))
            }
            Node::Call { function, args } => match &function.node {
                Node::Name(name) => match Aggregate::of(name) {
                    Some(aggregate) => {
                        Ok((self.aggregate(expr, aggregate, args)?, Tightness::Atom))
                    }
                    None => Err(refuse(expr, unknown_function(name))),
                },
                _ => Err(refuse(expr, "a call of a computed function")),
            },
            Node::Constant(name) => Err(refuse(expr, format!("`{name}` where a figure is wanted"))),
            Node::Str(_) => Err(refuse(expr, "a string: crossfoot compares figures")),
            Node::Index { .. } => Err(refuse(
                expr,
                "indexing (`x[…]`): a rule reads whole columns",
            )),
            _ => Err(refuse(expr, "not an arithmetic expression")),
        }
    }

    fn cell(&self, expr: &RExpr, name: &str) -> Translated {
        let Some(record) = self.record else {
            return Err(refuse(
                expr,
                "a variable outside an aggregate of a rule checked once",
            ));
        };
        let label = label(expr, name)?;
        Ok(format!("{}[{record}, {label}]", self.table))
    }

    /// `mean(x, na.rm = TRUE)` → `mean(T[s, x] for s in rows(T), empty = ignore)`.
    fn aggregate(&self, expr: &RExpr, aggregate: Aggregate, args: &[Arg]) -> Translated {
        let mut values = Vec::new();
        let mut ignore_empty = false;
        for arg in args {
            match (arg.name.as_deref(), &arg.value) {
                (Some("na.rm"), Some(value)) => {
                    ignore_empty = match &value.node {
                        Node::Constant(c) if c == "TRUE" || c == "T" => true,
                        Node::Constant(c) if c == "FALSE" || c == "F" => false,
                        _ => return Err(refuse(value, "`na.rm` is TRUE or FALSE")),
                    };
                }
                (None, Some(value)) => values.push(value),
                (Some(other), _) => {
                    return Err(refuse(
                        expr,
                        format!("the argument `{other}` of `{}`", aggregate.keyword()),
                    ));
                }
                (None, None) => return Err(refuse(expr, "an empty argument")),
            }
        }
        let [value] = values.as_slice() else {
            return Err(refuse(
                expr,
                format!(
                    "`{}` of {} arguments: crossfoot aggregates one expression over the records",
                    aggregate.keyword(),
                    values.len()
                ),
            ));
        };
        if self.record == Some(EACH) {
            return Err(refuse(expr, "an aggregate inside an aggregate"));
        }
        let inner = Scope {
            table: self.table,
            record: Some(EACH),
        };
        let body = inner.figure(value)?.0;
        let empty = if ignore_empty { ", empty = ignore" } else { "" };
        Ok(format!(
            "{}({body} for {EACH} in rows({}){empty})",
            aggregate.keyword(),
            self.table
        ))
    }
}

/// `x` of `abs(x)` (in parentheses or not).
fn abs_argument(expr: &RExpr) -> Option<&RExpr> {
    match &expr.node {
        Node::Paren(inner) => abs_argument(inner),
        Node::Call { function, args } => match (&function.node, args.as_slice()) {
            (
                Node::Name(name),
                [
                    Arg {
                        name: None,
                        value: Some(value),
                    },
                ],
            ) if name == "abs" => Some(value),
            _ => None,
        },
        _ => None,
    }
}

/// The comparison read from the other side: `b > a` for `a < b`.
fn mirrored(symbol: &str) -> &str {
    match symbol {
        "<" => ">",
        "<=" => ">=",
        ">" => "<",
        ">=" => "<=",
        other => other,
    }
}

fn comparison_symbol(op: &BinaryOp) -> Option<&'static str> {
    match op {
        BinaryOp::Equal => Some("="),
        BinaryOp::Less => Some("<"),
        BinaryOp::LessEqual => Some("<="),
        BinaryOp::Greater => Some(">"),
        BinaryOp::GreaterEqual => Some(">="),
        _ => None,
    }
}

fn unknown_function(name: &str) -> String {
    match name {
        "abs" => "`abs` inside an expression: crossfoot has no absolute value (only `abs(x) OP y` \
                  is written as comparisons)"
            .to_string(),
        "nrow" | "length" => format!(
            "`{name}`: crossfoot counts a table's rows with count(rows(T)), not a column's length"
        ),
        "sd" | "var" | "median" | "quantile" | "cor" => {
            format!("`{name}`: crossfoot's aggregates are mean, sum, min, max and count")
        }
        _ => format!("`{name}(…)` has no crossfoot equivalent"),
    }
}

/// A number as crossfoot writes it: exact decimals (`1e-08` → `0.00000001`, `2L` → `2`).
fn number(expr: &RExpr, written: &str) -> Translated {
    let plain = written.trim_end_matches('L');
    let value = if plain.contains(['e', 'E']) {
        rust_decimal::Decimal::from_scientific(plain).ok()
    } else {
        rust_decimal::Decimal::from_str_exact(plain).ok()
    };
    match value {
        Some(value) => Ok(value.normalize().to_string()),
        None => Err(refuse(
            expr,
            format!("the number `{written}` (hexadecimal, complex or too long)"),
        )),
    }
}

/// A column name as a crossfoot label: as is when it is a plain word, else in double quotes.
fn label(expr: &RExpr, name: &str) -> Translated {
    let plain = name.chars().next().is_some_and(char::is_alphabetic)
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '_')
        && !matches!(name, RECORD | EACH | "current" | "prior");
    if plain {
        Ok(name.to_string())
    } else if name.contains('"') || name.contains('/') {
        Err(refuse(
            expr,
            format!("the column name `{name}` holds `\"` or `/`, which a label cannot"),
        ))
    } else {
        Ok(format!("\"{name}\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::r_syntax::parse;

    fn translated(r: &str) -> Result<(String, bool), String> {
        let exprs = parse(r).unwrap();
        let expr = exprs.first().unwrap();
        rule("T", expr)
            .map(|b| (b.text, b.per_record))
            .map_err(|e| e.reason)
    }

    #[test]
    fn comparisons_and_conditions_read_as_validate_reads_them() {
        assert_eq!(
            translated("turnover + other.rev == total.rev").unwrap(),
            (
                "T[r, turnover] + T[r, other.rev] = T[r, total.rev]".to_string(),
                true
            )
        );
        assert_eq!(
            translated("staff <= 0 | (staff.costs > 0)").unwrap().0,
            "T[r, staff] <= 0 or T[r, staff.costs] > 0"
        );
        assert_eq!(
            translated("if (staff >= 1) staff.costs >= 1").unwrap().0,
            "if T[r, staff] >= 1 then T[r, staff.costs] >= 1"
        );
        assert_eq!(
            translated("(a > 0 | b > 0) & !(c == d)").unwrap().0,
            "(T[r, a] > 0 or T[r, b] > 0) and not T[r, c] = T[r, d]"
        );
        assert_eq!(translated("a != 1").unwrap().0, "not T[r, a] = 1");
        assert_eq!(
            translated("a - (b - c) <= 2 * (d + 1e-2)").unwrap().0,
            "T[r, a] - (T[r, b] - T[r, c]) <= 2 * (T[r, d] + 0.01)"
        );
        assert_eq!(
            translated("-profit <= 250 * staff").unwrap().0,
            "0 - T[r, profit] <= 250 * T[r, staff]"
        );
        assert_eq!(
            translated("a * -(b + c) > 0").unwrap().0,
            "T[r, a] * (0 - (T[r, b] + T[r, c])) > 0"
        );
        assert_eq!(
            translated("in_range(incl.prob, min=0, max=1)").unwrap().0,
            "0 <= T[r, incl.prob] and T[r, incl.prob] <= 1"
        );
    }

    #[test]
    fn is_na_and_is_complete_test_for_empty_cells() {
        assert_eq!(
            translated("!is.na(turnover)").unwrap().0,
            "not empty(T[r, turnover])"
        );
        assert_eq!(
            translated("is.na(staff) | staff >= 0").unwrap().0,
            "empty(T[r, staff]) or T[r, staff] >= 0"
        );
        assert_eq!(
            translated("is_complete(id, turnover)").unwrap().0,
            "not empty(T[r, id]) and not empty(T[r, turnover])"
        );
        assert!(translated("is.na(a + b)").unwrap_err().contains("one cell"));
    }

    #[test]
    fn abs_compared_is_written_as_the_comparisons_it_stands_for() {
        assert_eq!(
            translated("abs(turnover + other.rev - total.rev) <= 1e-08")
                .unwrap()
                .0,
            "T[r, turnover] + T[r, other.rev] - T[r, total.rev] <= 0.00000001 and \
             -0.00000001 <= T[r, turnover] + T[r, other.rev] - T[r, total.rev]"
        );
        assert_eq!(
            translated("a > 0 & abs(b) > c").unwrap().0,
            "T[r, a] > 0 and (T[r, b] > T[r, c] or T[r, b] < 0 - T[r, c])"
        );
        assert_eq!(
            translated("2 >= abs(b)").unwrap().0,
            "T[r, b] <= 2 and -2 <= T[r, b]"
        );
        assert_eq!(
            translated("abs(b) == c + 1").unwrap().0,
            "(T[r, b] = T[r, c] + 1 or T[r, b] = 0 - (T[r, c] + 1)) and T[r, c] + 1 >= 0"
        );
        assert!(
            translated("abs(a) + 1 < 3")
                .unwrap_err()
                .contains("inside an expression")
        );
    }

    #[test]
    fn aggregates_run_over_the_records_and_na_rm_ignores_empty_cells() {
        assert_eq!(
            translated("mean(profit, na.rm = TRUE) >= 1").unwrap(),
            (
                "mean(T[s, profit] for s in rows(T), empty = ignore) >= 1".to_string(),
                false
            )
        );
        assert_eq!(
            translated("turnover <= max(turnover)").unwrap(),
            (
                "T[r, turnover] <= max(T[s, turnover] for s in rows(T))".to_string(),
                true
            )
        );
    }

    #[test]
    fn what_has_no_equivalent_says_why() {
        assert!(
            translated("all(is.na(vat))")
                .unwrap_err()
                .contains("`all(…)`")
        );
        assert!(
            translated("cor(a, b) >= 0.2")
                .unwrap_err()
                .contains("`cor`")
        );
        assert!(translated("size %in% c('a')").unwrap_err().contains("%in%"));
        assert!(translated("a^2 > 1").unwrap_err().contains("powers"));
        assert!(
            translated("sum(a, b) > 1")
                .unwrap_err()
                .contains("2 arguments")
        );
    }
}
