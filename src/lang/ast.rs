//! The typed syntax tree of a rules file. Every node keeps its span for diagnostics.

use crate::source::Span;
use rust_decimal::Decimal;

/// A value with the span it was written at.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Self { value, span }
    }
}

/// Everything one rules file defines, in order.
#[derive(Debug, Clone, Default)]
pub struct RuleFile {
    pub groups: Vec<GroupDef>,
    pub rules: Vec<Rule>,
    /// Rules that start as a rule does (a kind and an id: `sum A2.total`) and do not parse:
    /// left out of `rules`, and not checked.
    pub unparsed_rules: usize,
}

/// `group types = [技术开发, 技术转让]`: a named list of labels, reusable in every rule.
#[derive(Debug, Clone)]
pub struct GroupDef {
    pub name: Spanned<String>,
    pub list: ListExpr,
    /// `except 其他 because "…"`: rows the group leaves out on purpose, and why.
    pub exceptions: Vec<Exception>,
}

/// `except [a, b] because "reason"` after a group's list: sibling rows (or columns) the group
/// leaves out on purpose. It changes no check; it tells `crossfoot lint` (and a reader) that
/// leaving them out is no oversight.
#[derive(Debug, Clone)]
pub struct Exception {
    pub members: Vec<PathExpr>,
    pub reason: Spanned<String>,
}

/// The kinds of rule; the kind decides how the two sides are compared and what a finding says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Sum,
    Share,
    Growth,
    Ratio,
    Equal,
    Matrix,
    Rank,
    Expr,
    /// Figures nothing in the book can confirm, with the reason: no check, but coverage lists
    /// them as explained rather than forgotten.
    Unchecked,
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::Sum,
        Kind::Share,
        Kind::Growth,
        Kind::Ratio,
        Kind::Equal,
        Kind::Matrix,
        Kind::Rank,
        Kind::Expr,
        Kind::Unchecked,
    ];

    pub fn keyword(self) -> &'static str {
        match self {
            Kind::Sum => "sum",
            Kind::Share => "share",
            Kind::Growth => "growth",
            Kind::Ratio => "ratio",
            Kind::Equal => "equal",
            Kind::Matrix => "matrix",
            Kind::Rank => "rank",
            Kind::Expr => "expr",
            Kind::Unchecked => "unchecked",
        }
    }

    pub fn from_keyword(word: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.keyword() == word)
    }
}

/// One rule: `KIND ID "description"`, `for` clauses, an optional tolerance, severity and
/// blame weight, and a body.
#[derive(Debug, Clone)]
pub struct Rule {
    pub kind: Spanned<Kind>,
    pub id: Spanned<String>,
    pub description: Spanned<String>,
    pub loops: Vec<ForClause>,
    pub tolerance: Option<Spanned<Tolerance>>,
    pub severity: Option<Spanned<Severity>>,
    /// `blame_weight N`: each of the rule's checks that passes counts N times as a figure's
    /// confirmation when blame weighs it.
    pub blame_weight: Option<Spanned<std::num::NonZeroU32>>,
    /// `empty zero`: an empty or `—` cell the rule reads counts as 0 (XBRL's nil item); the
    /// span of the clause.
    pub empty_as_zero: Option<Span>,
    pub body: Body,
}

/// How much a rule's finding matters: `error` (the default) for a figure that cannot be right,
/// `warning` for one that needs an editor's judgement (a reading of the words),
/// `plausibility` for a soft edit (a figure that is unusual, not impossible: a ratio outside
/// its usual range), `info` for a remark. Ordered from the least to the most serious, so that
/// `--fail-on` fails on a severity and every more serious one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    /// A soft edit: reported as a warning, counted apart, and left out of blame.
    Plausibility,
    Warning,
    #[default]
    Error,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Error,
        Severity::Warning,
        Severity::Plausibility,
        Severity::Info,
    ];

    pub fn keyword(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Plausibility => "plausibility",
            Severity::Info => "info",
        }
    }

    pub fn from_keyword(word: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.keyword() == word)
    }

    /// Whether a failed check of this severity is a soft edit's: counted apart from the
    /// failed checks and never blamed.
    pub fn is_soft(self) -> bool {
        self == Severity::Plausibility
    }
}

/// `for x in LIST`: the rule is checked once for each item. `for (a, b) in zip(L1, L2)` is
/// two clauses, the second `paired` with the first: `b` takes the item of `L2` at `a`'s
/// position, so the rule is checked once per pair, not per combination.
#[derive(Debug, Clone)]
pub struct ForClause {
    pub variable: Spanned<String>,
    pub list: ListExpr,
    /// For the second variable of a `zip`: the span of `zip(…)`, where a difference in the two
    /// lists' lengths is reported.
    pub paired: Option<Span>,
}

/// Extra slack a rule allows beyond rounding.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tolerance {
    Absolute(Decimal),
    /// A fraction of the published value (`1%` is 0.01).
    Relative(Decimal),
}

/// A list of labels or rows.
#[derive(Debug, Clone)]
pub enum ListExpr {
    /// `[a, b/c, d]`
    Literal(Vec<PathExpr>, Span),
    /// A group or a loop variable.
    Name(Spanned<String>),
    /// `rows(A9)`
    Rows(Spanned<String>),
    /// `columns(A9)`
    Columns(Spanned<String>),
    /// `a + b`: the items of both.
    Concat(Box<ListExpr>, Box<ListExpr>),
    /// `a - b`: the items of `a` not named in `b`.
    Minus(Box<ListExpr>, Box<ListExpr>),
}

impl ListExpr {
    pub fn span(&self) -> Span {
        match self {
            ListExpr::Literal(_, span) => *span,
            ListExpr::Name(n) | ListExpr::Rows(n) | ListExpr::Columns(n) => n.span,
            ListExpr::Concat(a, b) | ListExpr::Minus(a, b) => a.span().to(b.span()),
        }
    }
}

/// `2021年/成交额/金额`: segments from the outer label in.
#[derive(Debug, Clone)]
pub struct PathExpr {
    pub segments: Vec<Segment>,
    pub span: Span,
}

/// One step of a path.
#[derive(Debug, Clone)]
pub enum Segment {
    /// A bare word: a loop variable, a group, `current`, `prior`, or else a label.
    Word(Spanned<String>),
    /// `"a label"`: always a label, even if a variable has the same name.
    Quoted(Spanned<String>),
    /// `[a, b]` inside a path: several labels (only inside `sum(...)`).
    List(ListExpr),
    /// `prior(y)`: the year before the year label bound to `y`.
    PriorOf(Spanned<String>),
}

impl Segment {
    pub fn span(&self) -> Span {
        match self {
            Segment::Word(w) | Segment::Quoted(w) | Segment::PriorOf(w) => w.span,
            Segment::List(list) => list.span(),
        }
    }
}

/// `A2[合计, current/金额]`
#[derive(Debug, Clone)]
pub struct CellRef {
    pub table: Spanned<String>,
    pub row: PathExpr,
    pub column: PathExpr,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
}

/// Built-in functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    /// `sum(x, ...)`: the sum of every cell named.
    Sum,
    /// `share(part, total)` = part / total × 100
    Share,
    /// `growth(current, prior)` = (current / prior − 1) × 100
    Growth,
    /// `increment(current, prior)` = current − prior
    Increment,
}

impl Function {
    pub fn from_name(name: &str) -> Option<Function> {
        match name {
            "sum" => Some(Function::Sum),
            "share" => Some(Function::Share),
            "growth" => Some(Function::Growth),
            "increment" => Some(Function::Increment),
            _ => None,
        }
    }

    /// How many arguments it takes; `None` for any number.
    pub fn arity(self) -> Option<usize> {
        match self {
            Function::Sum => None,
            Function::Share | Function::Growth | Function::Increment => Some(2),
        }
    }
}

#[derive(Debug, Clone)]
pub enum Expr {
    Number(Spanned<Decimal>),
    Cell(CellRef),
    Call {
        function: Spanned<Function>,
        args: Vec<Expr>,
        span: Span,
    },
    Binary {
        op: BinaryOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    Negate(Box<Expr>, Span),
    /// `count(LIST)`: how many items a list has (rows of a name list, say); exact.
    Count(ListExpr, Span),
    /// `sum(EXPR for x in LIST)`, `mean(…)`, `min(…)`, `max(…)`, `count(…)`: an aggregate of
    /// the expression over every item of the list, with `empty = …` saying what an item whose
    /// expression reads an empty cell does.
    Comprehension {
        aggregate: Spanned<Aggregate>,
        body: Box<Expr>,
        variable: Spanned<String>,
        /// Boxed: every expression is as large as its largest kind, and deep nesting keeps many
        /// on the stack.
        list: Box<ListExpr>,
        empty: Option<Spanned<EmptyCells>>,
        span: Span,
    },
}

/// What `AGG(EXPR for x in LIST)` makes of the items' values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregate {
    Sum,
    /// The sum over the number of items that count (an exact count).
    Mean,
    Min,
    Max,
    /// How many items have a value (an exact count).
    Count,
}

impl Aggregate {
    pub const ALL: [Aggregate; 5] = [
        Aggregate::Sum,
        Aggregate::Mean,
        Aggregate::Min,
        Aggregate::Max,
        Aggregate::Count,
    ];

    pub fn keyword(self) -> &'static str {
        match self {
            Aggregate::Sum => "sum",
            Aggregate::Mean => "mean",
            Aggregate::Min => "min",
            Aggregate::Max => "max",
            Aggregate::Count => "count",
        }
    }

    pub fn from_keyword(word: &str) -> Option<Aggregate> {
        Aggregate::ALL.into_iter().find(|a| a.keyword() == word)
    }
}

/// `empty = …` in an aggregate: what an item whose expression reads an empty (or `—`) cell
/// does. R `validate`'s `na.rm`: `ignore` is `na.rm = TRUE`, `undecided` is `na.rm = FALSE`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum EmptyCells {
    /// The check cannot be decided: it is skipped, with a note naming the empty cells.
    #[default]
    Undecided,
    /// The item is left out (a mean divides by the items that have a value).
    Ignore,
    /// The item counts as zero (an XBRL nil item contributes nothing).
    Zero,
}

impl EmptyCells {
    pub const ALL: [EmptyCells; 3] = [EmptyCells::Undecided, EmptyCells::Ignore, EmptyCells::Zero];

    pub fn keyword(self) -> &'static str {
        match self {
            EmptyCells::Undecided => "undecided",
            EmptyCells::Ignore => "ignore",
            EmptyCells::Zero => "zero",
        }
    }

    pub fn from_keyword(word: &str) -> Option<EmptyCells> {
        EmptyCells::ALL.into_iter().find(|e| e.keyword() == word)
    }
}

impl Expr {
    pub fn span(&self) -> Span {
        match self {
            Expr::Number(n) => n.span,
            Expr::Cell(c) => c.span,
            Expr::Call { span, .. }
            | Expr::Negate(_, span)
            | Expr::Count(_, span)
            | Expr::Comprehension { span, .. } => *span,
            Expr::Binary { left, right, .. } => left.span().to(right.span()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Equal,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
}

impl CompareOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CompareOp::Equal => "=",
            CompareOp::Less => "<",
            CompareOp::LessEqual => "<=",
            CompareOp::Greater => ">",
            CompareOp::GreaterEqual => ">=",
        }
    }
}

/// What a rule states.
#[derive(Debug, Clone)]
pub enum Body {
    /// `left OP right`
    Compare {
        left: Expr,
        op: Spanned<CompareOp>,
        right: Expr,
    },
    /// `A9 hierarchy [columns LIST]`: every group's 合计 is the sum of its members, and the
    /// table's 合计 the sum of its top-level rows, in each listed column (default: every column
    /// whose unit is not %).
    Hierarchy {
        table: Spanned<String>,
        columns: Option<ListExpr>,
    },
    /// `A13 rows LIST total PATH columns LIST total PATH`: a two-way table's row and column
    /// sums equal its total column and row.
    Matrix {
        table: Spanned<String>,
        rows: ListExpr,
        row_total: PathExpr,
        columns: ListExpr,
        column_total: PathExpr,
    },
    /// `T2-2 rows LIST rank PATH by PATH`: a rank column agrees with the descending order of a
    /// value column.
    Rank {
        table: Spanned<String>,
        rows: Option<ListExpr>,
        rank: PathExpr,
        by: PathExpr,
    },
    /// `T2-2 sequence 排名 [by group]`: a numbering column runs 1, 2, 3 … down the rows that
    /// print it, with no gap or repeat; `by group` starts again at 1 in each group (the first
    /// label of the row, such as a province).
    Sequence {
        table: Spanned<String>,
        column: PathExpr,
        by_group: bool,
    },
    /// `T2-2 distinct`: no two rows print the same label (a name listed twice).
    Distinct { table: Spanned<String> },
    /// `TEXT[P1/"…", figure], TEXT[…]`: the figures an `unchecked` declaration explains.
    Cells(Vec<CellRef>),
    /// Comparisons joined by `and`, `or`, `not`, `if … then …`: a plain comparison stays
    /// [`Body::Compare`].
    Condition(Condition),
}

/// A condition over comparisons, decided in three-valued (Kleene) logic: a comparison of
/// rounded figures may be certainly true, certainly false, or undecidable.
#[derive(Debug, Clone)]
pub enum Condition {
    /// `left OP right` (boxed: the other kinds are a pointer or two)
    Compare {
        left: Box<Expr>,
        op: Spanned<CompareOp>,
        right: Box<Expr>,
    },
    And(Box<Condition>, Box<Condition>),
    Or(Box<Condition>, Box<Condition>),
    /// `not COND`; the span is the `not` keyword's.
    Not(Box<Condition>, Span),
    /// `if COND then COND`: the same as `not COND or COND`.
    Implies {
        premise: Box<Condition>,
        conclusion: Box<Condition>,
        span: Span,
    },
    /// `empty(T[r, x])`: whether the cell is empty or holds a symbol without a figure (R's
    /// `is.na`); always decided, never not applicable. The span runs from `empty` to `)`.
    Empty {
        cell: Box<Expr>,
        span: Span,
    },
}

impl Condition {
    pub fn span(&self) -> Span {
        match self {
            Condition::Compare { left, right, .. } => left.span().to(right.span()),
            Condition::And(a, b) | Condition::Or(a, b) => a.span().to(b.span()),
            Condition::Not(inner, span) => span.to(inner.span()),
            Condition::Implies {
                conclusion, span, ..
            } => span.to(conclusion.span()),
            Condition::Empty { span, .. } => *span,
        }
    }

    /// Every comparison of the condition, left to right.
    pub fn comparisons(&self) -> Vec<(&Expr, CompareOp, &Expr)> {
        let mut out = Vec::new();
        self.push_comparisons(&mut out);
        out
    }

    fn push_comparisons<'c>(&'c self, out: &mut Vec<(&'c Expr, CompareOp, &'c Expr)>) {
        match self {
            Condition::Empty { .. } => {}
            Condition::Compare { left, op, right } => out.push((left, op.value, right)),
            Condition::And(a, b) | Condition::Or(a, b) => {
                a.push_comparisons(out);
                b.push_comparisons(out);
            }
            Condition::Not(inner, _) => inner.push_comparisons(out),
            Condition::Implies {
                premise,
                conclusion,
                ..
            } => {
                premise.push_comparisons(out);
                conclusion.push_comparisons(out);
            }
        }
    }
}
