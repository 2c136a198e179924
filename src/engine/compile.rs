//! Rules AST + tables → [`Program`]: every table, label, group and variable a rule names is
//! resolved here, and every failure is a diagnostic on the token that named it.

use super::forms::MatrixShape;
use super::program::*;
use super::resolve::{Axis, Key, extend_paths, lookup, lookup_diagnostic, year_of};
use super::row_plan::RowPlan;
use crate::lang::RuleError;
use crate::lang::ast::*;
use crate::source::{SharedSource, Span, named};
use crate::table::Table;
use crate::table::manifest::Dataset;
use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;
use smallvec::SmallVec;

pub(super) type Compiled<T> = Result<T, Box<RuleError>>;

/// A parsed rules file and the file it came from.
pub struct ParsedFile {
    pub source: SharedSource,
    pub file: RuleFile,
}

/// Compile every rule of every file. Groups are shared by all files.
pub fn compile(dataset: &Dataset, files: &[ParsedFile]) -> Result<Program, Vec<RuleError>> {
    let (program, errors) = compile_partial(dataset, files);
    if errors.is_empty() {
        Ok(program)
    } else {
        Err(errors)
    }
}

/// Compile what compiles, and every error of the rest: `lint` reports a repeated id as a
/// finding of its own and lints the rules that did compile.
pub fn compile_partial(dataset: &Dataset, files: &[ParsedFile]) -> (Program, Vec<RuleError>) {
    // A group that leads back to itself is an error, and stands for no items, so that the
    // rules using it compile without recursing for ever.
    let (cyclic, mut errors) = super::group_cycles::group_cycles(files);
    let nothing = ListExpr::Literal(Vec::new(), Span::default());
    let mut groups: HashMap<String, Group<'_>> = HashMap::new();
    for parsed in files {
        for group in &parsed.file.groups {
            if cyclic.contains(&group.name.value) && !groups.contains_key(&group.name.value) {
                groups.insert(
                    group.name.value.clone(),
                    Group::new(&nothing, &parsed.source),
                );
            } else if groups.contains_key(&group.name.value) {
                errors.push(invalid(
                    &parsed.source,
                    group.name.span,
                    format!("group `{}` is defined twice", group.name.value),
                    Some("give each group its own name"),
                ));
            } else {
                groups.insert(
                    group.name.value.clone(),
                    Group::new(&group.list, &parsed.source),
                );
            }
        }
    }
    let mut seen_ids: HashMap<&str, (&SharedSource, Span)> = HashMap::new();
    let mut unique = Vec::new();
    for parsed in files {
        for rule in &parsed.file.rules {
            if let Some((first_file, first_span)) = seen_ids.get(rule.id.value.as_str()) {
                let line = first_file.line_column(first_span.offset).line;
                unique.push(Err(Box::new(RuleError::DuplicateId {
                    source_code: named(&parsed.source),
                    span: rule.id.span.into(),
                    id: rule.id.value.clone(),
                    first: Some(format!(
                        "first used at {}:{line}; give every rule its own id",
                        first_file.path().display()
                    )),
                })));
                continue;
            }
            seen_ids.insert(&rule.id.value, (&parsed.source, rule.id.span));
            unique.push(Ok((parsed, rule)));
        }
    }
    let names = Names::new(dataset, groups);
    // Rules compile side by side (each one looks its labels up on its own); they and their
    // errors are kept in the order they are written.
    let mut compiled: Vec<Result<CompiledRule, Box<RuleError>>> = unique
        .into_par_iter()
        .map(|written| {
            let (parsed, rule) = written?;
            let compiler = Compiler {
                dataset,
                names: &names,
                source: &parsed.source,
            };
            compiled_rule(&compiler, rule, dataset)
        })
        .collect();
    let errors_before = errors.len();
    errors.extend(
        compiled
            .extract_if(.., |result| result.is_err())
            .filter_map(Result::err)
            .map(|error| *error),
    );
    let unparsed: usize = files.iter().map(|parsed| parsed.file.unparsed_rules).sum();
    let rules_not_checked = errors.len() - errors_before + unparsed;
    // The rules (large values) stay where they were collected: a result is the size of its
    // rule, so the list is taken over in place. Moved into a list of their own, they were
    // copied once more, into memory touched for the first time (130 page faults for the book).
    let program = Program {
        rules: compiled.into_iter().filter_map(Result::ok).collect(),
        files: files.iter().map(|parsed| parsed.source.clone()).collect(),
        rules_not_checked,
    };
    (program, errors)
}

/// One rule compiled and checked for reading its own result, or its error.
fn compiled_rule(
    compiler: &Compiler<'_>,
    rule: &Rule,
    dataset: &Dataset,
) -> Result<CompiledRule, Box<RuleError>> {
    match compiler.rule(rule) {
        Ok(compiled) => match super::self_reference::self_reference(&compiled, dataset) {
            Some(error) => Err(Box::new(error)),
            None => Ok(compiled),
        },
        Err(error) => Err(Box::new(match *error {
            RuleError::LostAnchor {
                source_code,
                span,
                anchor,
                help,
                ..
            } => {
                let help = super::moved_anchor::help(compiler, rule, &anchor, help);
                RuleError::LostAnchor {
                    source_code,
                    span,
                    anchor,
                    rule: rule.id.value.clone(),
                    help,
                }
            }
            other => other,
        })),
    }
}

pub(super) fn invalid(
    source: &SharedSource,
    span: Span,
    message: String,
    help: Option<&str>,
) -> RuleError {
    RuleError::Invalid {
        source_code: named(source),
        span: span.into(),
        message,
        help: help.map(str::to_string),
    }
}

/// Loop variables in scope: names and, while expanding lists, their bound items.
#[derive(Default, Clone)]
pub(super) struct Scope<'s> {
    pub(super) names: Vec<&'s str>,
    /// The item bound to each name while compiling (`for` clauses of table forms, `sum(… for
    /// x in …)`); `None` for a loop that is bound only when checking.
    pub(super) bound: Vec<Option<Item>>,
}

impl Scope<'_> {
    /// The innermost variable of that name.
    fn slot(&self, name: &str) -> Option<usize> {
        self.names.iter().rposition(|n| *n == name)
    }

    /// The item bound to a variable while compiling, if it is.
    fn bound_item(&self, slot: usize) -> Option<&Item> {
        self.bound.get(slot).and_then(Option::as_ref)
    }
}

pub(super) struct Compiler<'a> {
    pub(super) dataset: &'a Dataset,
    names: &'a Names<'a>,
    pub(super) source: &'a SharedSource,
}

/// What the rules name, shared by every rule's compiler: the groups, and the tables by id.
/// Hashed by foldhash, not SipHash: every word of every cell a rule names is looked up here
/// (is it a group?), and SipHash's keyed rounds cost more than the rest of the lookup.
struct Names<'a> {
    groups: HashMap<String, Group<'a>>,
    /// Whether some group's name starts with each byte ([`Names::is_group`]).
    group_initials: [bool; 256],
    /// Each id's first table, as [`Dataset::table_index`] finds it (a yearbook's thousand
    /// tables are not searched one by one for every cell a rule names).
    tables: HashMap<&'a str, usize>,
}

impl<'a> Names<'a> {
    fn new(dataset: &'a Dataset, groups: HashMap<String, Group<'a>>) -> Self {
        let mut tables = HashMap::with_capacity(dataset.tables.len());
        for (index, table) in dataset.tables.iter().enumerate() {
            tables.entry(table.id()).or_insert(index);
        }
        Self {
            group_initials: initials(groups.keys()),
            groups,
            tables,
        }
    }

    /// Whether `word` is a group's name. Most words are labels, which start unlike every
    /// group's name (a book's labels are Chinese, its groups' names ASCII): told so by their
    /// first byte, without hashing them (7 000 words of the book's rules).
    fn is_group(&self, word: &str) -> bool {
        let may_be = word.as_bytes().first().is_none_or(|&initial| {
            let initial = usize::from(initial);
            self.group_initials.get(initial).copied().unwrap_or(true)
        });
        may_be && self.groups.contains_key(word)
    }
}

/// For each byte, whether one of `names` starts with it.
fn initials<'n>(names: impl Iterator<Item = &'n String>) -> [bool; 256] {
    let mut initials = [false; 256];
    for name in names {
        if let Some(initial) = name.as_bytes().first() {
            initials
                .get_mut(usize::from(*initial))
                .into_iter()
                .for_each(|starts| *starts = true);
        }
    }
    initials
}

/// A group's list, and its items once compiled: a group names the same items in every rule
/// that uses it (it is compiled outside any rule's loops).
struct Group<'a> {
    list: &'a ListExpr,
    source: &'a SharedSource,
    items: std::sync::OnceLock<Vec<Item>>,
}

impl<'a> Group<'a> {
    fn new(list: &'a ListExpr, source: &'a SharedSource) -> Self {
        Self {
            list,
            source,
            items: std::sync::OnceLock::new(),
        }
    }
}

impl Compiler<'_> {
    fn rule(&self, rule: &Rule) -> Compiled<CompiledRule> {
        let work = match &rule.body {
            Body::Compare { left, op, right } => self.compare(rule, left, op.value, right)?,
            Body::Condition(condition) => self.condition_work(rule, condition)?,
            Body::Hierarchy { table, columns } => {
                self.no_loops(rule)?;
                Work::Sums(self.hierarchy(table, columns.as_ref())?)
            }
            Body::Matrix {
                table,
                rows,
                row_total,
                columns,
                column_total,
            } => {
                let mut sums = Vec::new();
                for scope in self.bindings(&rule.loops)? {
                    let shape = MatrixShape {
                        table,
                        rows,
                        row_total,
                        columns,
                        column_total,
                    };
                    sums.extend(self.matrix(&scope, &shape)?);
                }
                Work::Sums(sums)
            }
            Body::Rank {
                table,
                rows,
                rank,
                by,
            } => {
                self.no_loops(rule)?;
                Work::Ranks(self.ranks(table, rows.as_ref(), rank, by)?)
            }
            Body::Sequence {
                table,
                column,
                by_group,
            } => {
                self.no_loops(rule)?;
                Work::Places(self.sequence(table, column, *by_group)?)
            }
            Body::Cells(cells) => {
                self.no_loops(rule)?;
                Work::Unchecked(self.fixed_cells(cells)?)
            }
            Body::Distinct { table } => {
                self.no_loops(rule)?;
                Work::Distinct(self.distinct(table)?)
            }
        };
        Ok(CompiledRule {
            id: rule.id.value.clone(),
            kind: rule.kind.value,
            description: rule.description.value.clone(),
            source: self.source.clone(),
            id_span: rule.id.span,
            tolerance: rule.tolerance.as_ref().map(|t| t.value),
            severity: rule.severity.as_ref().map(|s| s.value).unwrap_or_default(),
            blame_weight: rule
                .blame_weight
                .as_ref()
                .map_or(std::num::NonZeroU32::MIN, |w| w.value),
            empty_as_zero: rule.empty_as_zero.is_some(),
            work,
        })
    }

    fn no_loops(&self, rule: &Rule) -> Compiled<()> {
        match rule.loops.first() {
            None => Ok(()),
            Some(clause) => Err(Box::new(invalid(
                self.source,
                clause.variable.span,
                "this form of rule takes no `for` clause".to_string(),
                Some("list the rows or columns in the rule itself"),
            ))),
        }
    }

    fn compare(&self, rule: &Rule, left: &Expr, op: CompareOp, right: &Expr) -> Compiled<Work> {
        let (loops, scope) = self.rule_loops(rule)?;
        let left = self.expr(left, &scope, false)?;
        let right = self.expr(right, &scope, false)?;
        let linear = self.linear_form(&loops, &left, &right);
        let mut comparison = Comparison {
            loops,
            left,
            op,
            right,
            linear,
            row: None,
        };
        comparison.row = RowPlan::of(&comparison).map(Box::new);
        Ok(Work::Compare(Box::new(comparison)))
    }

    /// The items of a rule's `for` clauses, and the scope their variables name, unbound (each
    /// check binds them).
    fn rule_loops<'r>(&self, rule: &'r Rule) -> Compiled<(Vec<Items>, Scope<'r>)> {
        let mut scope = Scope::default();
        let mut loops = Vec::new();
        for clause in &rule.loops {
            let items = self.loop_items(&clause.list, &scope)?;
            let items = match clause.paired {
                Some(zip) => {
                    let first = loops.last().map_or(0, Items::len);
                    self.same_lengths(zip, first, items.len())?;
                    Items::Paired(Box::new(items))
                }
                None => items,
            };
            loops.push(items);
            scope.names.push(&clause.variable.value);
            scope.bound.push(None);
        }
        Ok((loops, scope))
    }

    /// A `zip` pairs its lists item by item: lists of two lengths leave items without a pair,
    /// which is an error on `zip(…)`, never a silent cut.
    fn same_lengths(&self, zip: Span, first: usize, second: usize) -> Compiled<()> {
        if first == second {
            return Ok(());
        }
        Err(Box::new(invalid(
            self.source,
            zip,
            format!(
                "zip pairs lists item by item, and these differ in length: the first has \
                 {first} items, the second {second}"
            ),
            Some(
                "leave out of the longer list the items that have no counterpart (`rows(T) - [Note]`), or list both in order",
            ),
        )))
    }

    fn condition_work(&self, rule: &Rule, condition: &Condition) -> Compiled<Work> {
        let (loops, scope) = self.rule_loops(rule)?;
        let condition = self.condition(condition, &scope)?;
        Ok(Work::Condition(Box::new(ConditionCheck {
            loops,
            condition,
        })))
    }

    /// A comparison as the rule writes it; one that `between` wrote (its operator is the word
    /// `between` or `and`) is spelled out, `X >= LOW`, `X <= HIGH`.
    fn comparison_text(&self, left: &Expr, op: &Spanned<CompareOp>, right: &Expr) -> String {
        if self.source.slice(op.span) == op.value.symbol() {
            self.source.slice(left.span().to(right.span())).to_string()
        } else {
            format!(
                "{} {} {}",
                self.source.slice(left.span()),
                op.value.symbol(),
                self.source.slice(right.span())
            )
        }
    }

    fn condition(&self, condition: &Condition, scope: &Scope<'_>) -> Compiled<CompiledCondition> {
        let boxed = |c: &Condition| self.condition(c, scope).map(Box::new);
        Ok(match condition {
            Condition::Compare { left, op, right } => CompiledCondition::Compare {
                left: Box::new(self.expr(left, scope, false)?),
                op: op.value,
                right: Box::new(self.expr(right, scope, false)?),
                text: self.comparison_text(left, op, right),
            },
            Condition::And(a, b) => CompiledCondition::And(boxed(a)?, boxed(b)?),
            Condition::Or(a, b) => CompiledCondition::Or(boxed(a)?, boxed(b)?),
            Condition::Not(inner, _) => CompiledCondition::Not(boxed(inner)?),
            Condition::Implies {
                premise,
                conclusion,
                ..
            } => CompiledCondition::Or(
                Box::new(CompiledCondition::Not(boxed(premise)?)),
                boxed(conclusion)?,
            ),
            Condition::Empty { cell, .. } => CompiledCondition::Empty {
                cell: Box::new(self.expr(cell, scope, false)?),
                text: self.source.slice(condition.span()).to_string(),
            },
        })
    }

    /// A loop's list, without writing out every row of a table.
    fn loop_items(&self, list: &ListExpr, scope: &Scope<'_>) -> Compiled<Items> {
        let count = |t: usize, axis: Axis| {
            self.dataset
                .tables
                .get(t)
                .map_or(0, |table| axis.count(table))
        };
        Ok(match list {
            ListExpr::Rows(table) => {
                let table = self.table(table)?;
                Items::AllRows {
                    table,
                    count: count(table, Axis::Row),
                }
            }
            ListExpr::Columns(table) => {
                let table = self.table(table)?;
                Items::AllColumns {
                    table,
                    count: count(table, Axis::Column),
                }
            }
            _ => Items::Listed(self.list(list, scope)?),
        })
    }

    /// Every combination of the loop lists, each as a scope with the items bound.
    fn bindings<'s>(&self, loops: &'s [ForClause]) -> Compiled<Vec<Scope<'s>>> {
        // Each scope with the position of its last variable's item in its list, where the
        // second list of a `zip` takes its item.
        let mut scopes = vec![(Scope::default(), 0)];
        let mut previous_length = 0;
        for clause in loops {
            let mut next = Vec::new();
            let mut length = 0;
            for (scope, position) in &scopes {
                let items = self.list(&clause.list, scope)?;
                length = items.len();
                let bind = |item: Item| {
                    let mut extended = scope.clone();
                    extended.names.push(&clause.variable.value);
                    extended.bound.push(Some(item));
                    extended
                };
                match clause.paired {
                    Some(zip) => {
                        self.same_lengths(zip, previous_length, items.len())?;
                        let item = items.get(*position).cloned();
                        next.extend(item.map(|item| (bind(item), *position)));
                    }
                    None => next.extend(
                        items
                            .into_iter()
                            .enumerate()
                            .map(|(at, item)| (bind(item), at)),
                    ),
                }
            }
            scopes = next;
            previous_length = length;
        }
        Ok(scopes.into_iter().map(|(scope, _)| scope).collect())
    }

    pub(super) fn table(&self, name: &Spanned<String>) -> Compiled<usize> {
        self.names
            .tables
            .get(name.value.as_str())
            .copied()
            .ok_or_else(|| {
                let ids = self.dataset.tables.iter().map(|t| t.id());
                let nearest = ids
                    .map(|id| (strsim::levenshtein(id, &name.value), id))
                    .filter(|(distance, id)| *distance <= id.chars().count().div_ceil(2))
                    .min_by_key(|(distance, _)| *distance)
                    .map(|(_, id)| format!("did you mean `{id}`?"));
                Box::new(RuleError::UnknownTable {
                    source_code: named(self.source),
                    span: name.span.into(),
                    name: name.value.clone(),
                    help: nearest,
                })
            })
    }

    /// Evaluate a list expression to items, with loop variables bound in `scope`.
    pub(super) fn list(&self, list: &ListExpr, scope: &Scope<'_>) -> Compiled<Vec<Item>> {
        match list {
            ListExpr::Literal(paths, _) => {
                let mut items = Vec::new();
                for path in paths {
                    items.extend(self.path_items(path, scope)?);
                }
                Ok(items)
            }
            ListExpr::Name(name) => self.named_list(name, scope),
            ListExpr::Rows(table) => {
                let t = self.table(table)?;
                let count = self.dataset.tables.get(t).map_or(0, Table::row_count);
                Ok((0..count).map(|row| Item::Row { table: t, row }).collect())
            }
            ListExpr::Columns(table) => {
                let t = self.table(table)?;
                let count = self.dataset.tables.get(t).map_or(0, |t| t.columns().len());
                Ok((0..count)
                    .map(|column| Item::Column { table: t, column })
                    .collect())
            }
            ListExpr::Concat(a, b) => {
                let mut items = self.list(a, scope)?;
                items.extend(self.list(b, scope)?);
                Ok(items)
            }
            ListExpr::Minus(a, b) => {
                let keep = self.list(a, scope)?;
                let drop = self.list(b, scope)?;
                let mut result = Vec::with_capacity(keep.len());
                for item in keep {
                    if !self.names_any(&item, &drop, b.span())? {
                        result.push(item);
                    }
                }
                Ok(result)
            }
        }
    }

    fn named_list(&self, name: &Spanned<String>, scope: &Scope<'_>) -> Compiled<Vec<Item>> {
        if let Some(slot) = scope.slot(&name.value) {
            return self.bound_or_error(scope, slot, name);
        }
        match self.names.groups.get(&name.value) {
            Some(group) => {
                if let Some(items) = group.items.get() {
                    return Ok(items.clone());
                }
                let group_compiler = Compiler {
                    dataset: self.dataset,
                    names: self.names,
                    source: group.source,
                };
                // An error is not kept: each rule that uses the group reports it.
                let items = group_compiler.list(group.list, &Scope::default())?;
                Ok(group.items.get_or_init(|| items).clone())
            }
            None => Err(Box::new(invalid(
                self.source,
                name.span,
                format!("`{}` is not a group or a loop variable", name.value),
                Some("define it with `group NAME = [..]`, or write a list in brackets"),
            ))),
        }
    }

    /// Whether `item` is one of `list` (a row of a table named by a path, or the same item).
    fn names_any(&self, item: &Item, list: &[Item], span: Span) -> Compiled<bool> {
        for other in list {
            let same = match (item, other) {
                (Item::Row { table, row }, Item::Path(keys)) => {
                    self.find(*table, Axis::Row, keys, span)? == *row
                }
                (Item::Column { table, column }, Item::Path(keys)) => {
                    self.find(*table, Axis::Column, keys, span)? == *column
                }
                _ => item == other,
            };
            if same {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The items a path stands for: one, or several when a segment is a list or group.
    pub(super) fn path_items(&self, path: &PathExpr, scope: &Scope<'_>) -> Compiled<Vec<Item>> {
        if let [Segment::Word(word)] = path.segments.as_slice()
            && let Some(slot) = scope.slot(&word.value)
        {
            return self.bound_or_error(scope, slot, word);
        }
        let mut prefixes: Vec<Vec<Key>> = vec![Vec::new()];
        for segment in &path.segments {
            prefixes = extend_paths(&prefixes, &self.segment_keys(segment, scope)?);
        }
        Ok(prefixes.into_iter().map(Item::Path).collect())
    }

    /// The key sequences a segment may stand for, with loop variables bound.
    fn segment_keys(&self, segment: &Segment, scope: &Scope<'_>) -> Compiled<Vec<Vec<Key>>> {
        match segment {
            Segment::Quoted(text) => Ok(vec![vec![Key::label(&text.value)]]),
            Segment::Word(word) => {
                if let Some(slot) = scope.slot(&word.value) {
                    let items = self.bound_or_error(scope, slot, word)?;
                    return Ok(items.iter().map(|i| self.item_keys(i)).collect());
                }
                if self.names.is_group(&word.value) {
                    let items = self.named_list(word, scope)?;
                    return Ok(items.iter().map(|i| self.item_keys(i)).collect());
                }
                Ok(vec![vec![self.word_key(word)?]])
            }
            Segment::List(list) => {
                let items = self.list(list, scope)?;
                Ok(items.iter().map(|i| self.item_keys(i)).collect())
            }
            Segment::PriorOf(variable) => {
                let item = scope
                    .slot(&variable.value)
                    .and_then(|slot| scope.bound_item(slot))
                    .ok_or_else(|| self.unbound(variable))?;
                let year = self.year_in(&self.item_keys(item), variable)?;
                Ok(vec![vec![Key::Year(year - 1)]])
            }
        }
    }

    /// A loop variable used in a list: known while compiling only inside table forms and
    /// `sum(… for x in …)`; a `for` loop's variable is known only while checking, so a list
    /// (another loop's, say) cannot use it.
    fn bound_or_error(
        &self,
        scope: &Scope<'_>,
        slot: usize,
        name: &Spanned<String>,
    ) -> Compiled<Vec<Item>> {
        match scope.bound_item(slot) {
            Some(item) => Ok(vec![item.clone()]),
            None => Err(Box::new(invalid(
                self.source,
                name.span,
                format!(
                    "`{}` changes from check to check: a list cannot use it",
                    name.value
                ),
                Some("write the list out, or use a cell reference such as T[r, column] instead"),
            ))),
        }
    }

    fn unbound(&self, variable: &Spanned<String>) -> Box<RuleError> {
        Box::new(invalid(
            self.source,
            variable.span,
            format!("`{}` is not a loop variable", variable.value),
            Some("prior(y) needs `for y in ...` over year labels"),
        ))
    }

    fn year_in(&self, keys: &[Key], at: &Spanned<String>) -> Compiled<i32> {
        keys.iter()
            .rev()
            .find_map(|k| match k {
                Key::Year(y) => Some(*y),
                Key::Label(text) => year_of(text),
            })
            .ok_or_else(|| {
                Box::new(invalid(
                    self.source,
                    at.span,
                    format!("`{}` is not bound to a year label", at.value),
                    None,
                ))
            })
    }

    /// `current` and `prior` are years relative to the data's current year; other words are labels.
    fn word_key(&self, word: &Spanned<String>) -> Compiled<Key> {
        let relative = match word.value.as_str() {
            "current" => 0,
            "prior" => 1,
            _ => return Ok(Key::word(&word.value)),
        };
        let year = self.dataset.year.ok_or_else(|| {
            Box::new(invalid(
                self.source,
                word.span,
                format!("`{}` needs the data's current year", word.value),
                Some("set `year = 2021` in tables.toml, or write the year label"),
            ))
        })?;
        Ok(Key::Year(year - relative))
    }

    pub(super) fn item_keys(&self, item: &Item) -> Vec<Key> {
        item.keys(self.dataset)
    }

    /// Find a row or column, or explain on the rule's token why not.
    pub(super) fn find(
        &self,
        table: usize,
        axis: Axis,
        keys: &[Key],
        span: Span,
    ) -> Compiled<usize> {
        let Some(t) = self.dataset.tables.get(table) else {
            return Err(Box::new(invalid(
                self.source,
                span,
                "unknown table".into(),
                None,
            )));
        };
        lookup(t, axis, keys)
            .map_err(|error| Box::new(lookup_diagnostic(error, t, axis, keys, self.source, span)))
    }

    pub(super) fn find_item(
        &self,
        table: usize,
        axis: Axis,
        item: &Item,
        span: Span,
    ) -> Compiled<usize> {
        match (item, axis) {
            (Item::Row { table: t, row }, Axis::Row) if *t == table => Ok(*row),
            (Item::Column { table: t, column }, Axis::Column) if *t == table => Ok(*column),
            // Looked up as they are, not copied into a vector per item: loops over a group's
            // items look each one up in every table a rule names.
            (Item::Path(keys), _) => self.find(table, axis, keys, span),
            _ => {
                let mut keys: SmallVec<[Key; 4]> = SmallVec::new();
                item.push_keys(self.dataset, &mut keys);
                self.find(table, axis, &keys, span)
            }
        }
    }

    fn expr(&self, expr: &Expr, scope: &Scope<'_>, in_sum: bool) -> Compiled<CompiledExpr> {
        let boxed = |e: &Expr, in_sum| self.expr(e, scope, in_sum).map(Box::new);
        Ok(match expr {
            Expr::Number(n) => CompiledExpr::Number(n.value),
            Expr::Cell(cell) => CompiledExpr::Cell(self.cell(cell, scope, in_sum)?),
            Expr::Negate(inner, _) => CompiledExpr::Negate(boxed(inner, in_sum)?),
            Expr::Binary { op, left, right } => {
                let (l, r) = (boxed(left, in_sum)?, boxed(right, in_sum)?);
                match op {
                    BinaryOp::Add => CompiledExpr::Add(l, r),
                    BinaryOp::Sub => CompiledExpr::Sub(l, r),
                    BinaryOp::Mul => CompiledExpr::Mul(l, r),
                    BinaryOp::Div => CompiledExpr::Div(l, r),
                }
            }
            Expr::Count(list, _) => {
                CompiledExpr::Number(rust_decimal::Decimal::from(self.list(list, scope)?.len()))
            }
            Expr::Comprehension {
                aggregate,
                body,
                variable,
                list,
                empty,
                ..
            } => {
                let empty = empty.as_ref().map(|e| e.value).unwrap_or_default();
                // Only a sum adds up the several cells a term may name; the other aggregates
                // take one figure per item.
                let is_sum = aggregate.value == Aggregate::Sum;
                let mut terms = Terms::default();
                let by_item = item_axis(body, &variable.value);
                for item in self.list(list, scope)? {
                    if let Some(place) = terms.place_of(by_item, &item) {
                        terms.push_place(place);
                        continue;
                    }
                    let mut inner = scope.clone();
                    inner.names.push(&variable.value);
                    inner.bound.push(Some(item));
                    terms.push(self.expr(body, &inner, is_sum)?);
                }
                let invariant = scope.bound.iter().any(Option::is_none) && terms.read_fixed_cells();
                if is_sum && empty == EmptyCells::Undecided && !invariant {
                    CompiledExpr::Sum(terms.one_by_one())
                } else {
                    let (terms, each_cell) = terms.for_aggregate();
                    CompiledExpr::Aggregate {
                        aggregate: aggregate.value,
                        terms,
                        empty,
                        invariant,
                        each_cell,
                    }
                }
            }
            Expr::Call { function, args, .. } => {
                let arg = |i: usize| {
                    args.get(i)
                        .map(|a| boxed(a, in_sum))
                        .unwrap_or(Ok(Box::new(CompiledExpr::Number(0.into()))))
                };
                match function.value {
                    Function::Sum => CompiledExpr::Sum(
                        args.iter()
                            .map(|a| self.expr(a, scope, true))
                            .collect::<Compiled<_>>()?,
                    ),
                    Function::Share => CompiledExpr::Share(arg(0)?, arg(1)?),
                    Function::Growth => CompiledExpr::Growth(arg(0)?, arg(1)?),
                    Function::Increment => CompiledExpr::Sub(arg(0)?, arg(1)?),
                }
            }
        })
    }

    /// The cells written out one by one (no loop variables): what an `unchecked` names.
    fn fixed_cells(&self, cells: &[CellRef]) -> Compiled<Vec<CellId>> {
        let mut ids = Vec::new();
        for cell in cells {
            let template = self.cell(cell, &Scope::default(), true)?;
            let fixed = |axis: &AxisTemplate| match axis {
                AxisTemplate::Fixed(index) => Some(vec![*index]),
                AxisTemplate::FixedMany(indices) => Some(indices.clone()),
                _ => None,
            };
            let (Some(rows), Some(columns)) = (fixed(&template.row), fixed(&template.column))
            else {
                return Err(Box::new(invalid(
                    self.source,
                    cell.span,
                    "an `unchecked` declaration names its cells one by one".to_string(),
                    Some("write each cell's labels; loop variables and lists are not allowed here"),
                )));
            };
            for &row in &rows {
                ids.extend(columns.iter().map(|&column| CellId {
                    table: template.table,
                    row,
                    column,
                }));
            }
        }
        Ok(ids)
    }

    pub(super) fn cell(
        &self,
        cell: &CellRef,
        scope: &Scope<'_>,
        in_sum: bool,
    ) -> Compiled<CellTemplate> {
        crate::tally::add(crate::tally::Work::CellsCompiled, 1);
        let table = self.table(&cell.table)?;
        let row = self.axis(table, Axis::Row, &cell.row, scope)?;
        let column = self.axis(table, Axis::Column, &cell.column, scope)?;
        let multiple = [&row, &column].iter().any(|a| match a {
            AxisTemplate::FixedMany(_) => true,
            AxisTemplate::Path(segments) => segments
                .iter()
                .any(|s| matches!(s, SegmentTemplate::Items(items) if items.len() != 1)),
            _ => false,
        });
        if multiple && !in_sum {
            return Err(Box::new(invalid(
                self.source,
                cell.span,
                "this names several cells where one is needed".to_string(),
                Some("use `for x in LIST` to check each, or sum(...) to add them"),
            )));
        }
        Ok(CellTemplate {
            table,
            row,
            column,
            span: cell.span,
            multiple,
            source: self.source.clone(),
            found: FoundPerItem::default(),
        })
    }

    pub(super) fn axis(
        &self,
        table: usize,
        axis: Axis,
        path: &PathExpr,
        scope: &Scope<'_>,
    ) -> Compiled<AxisTemplate> {
        // Most cells name their row and their column by labels alone: one path, looked up as
        // it is, its keys made where they are looked up (no segment templates to make, move
        // into keys and drop: most of the book's 6 600 paths).
        if let Some(keys) = self.label_keys(path, scope)? {
            return self
                .find(table, axis, &keys, path.span)
                .map(AxisTemplate::Fixed);
        }
        // Inline: most paths are a label or two, resolved here and never kept.
        let mut segments: SmallVec<[SegmentTemplate; 4]> = SmallVec::new();
        for segment in &path.segments {
            segments.push(self.segment_template(segment, scope)?);
        }
        if let [SegmentTemplate::Variable(slot)] = segments.as_slice() {
            return Ok(AxisTemplate::Variable(*slot));
        }
        let bound_per_check = segments.iter().any(|s| {
            matches!(
                s,
                SegmentTemplate::Variable(_) | SegmentTemplate::PriorOf(_)
            )
        });
        if bound_per_check {
            return Ok(AxisTemplate::Path(segments.into_vec()));
        }
        // No loop variable: resolve once here rather than for every check. A whole path that
        // is items (a list, or the variable of `sum(… for r in rows(T))`) names each item's own
        // row, as a `for` loop does: a row printed twice alike is still one row, not a label
        // to look up and find ambiguous.
        if let [SegmentTemplate::Items(items)] = segments.as_slice() {
            let indices = items
                .iter()
                .map(|item| self.find_item(table, axis, item, path.span))
                .collect::<Compiled<Vec<usize>>>()?;
            return Ok(match indices.as_slice() {
                [one] => AxisTemplate::Fixed(*one),
                _ => AxisTemplate::FixedMany(indices),
            });
        }
        let many = segments
            .iter()
            .any(|s| matches!(s, SegmentTemplate::Items(items) if items.len() != 1));
        let mut combinations: Vec<Vec<Key>> = vec![Vec::with_capacity(segments.len())];
        for segment in segments {
            match segment {
                // A label goes on the end of every path so far: moved where there is one path
                // (most cells name one row and one column), not copied into new paths.
                SegmentTemplate::Key(key) => match combinations.as_mut_slice() {
                    [only] => only.push(key),
                    all => all.iter_mut().for_each(|keys| keys.push(key.clone())),
                },
                SegmentTemplate::Items(items) => {
                    let choices: Vec<Vec<Key>> = items.iter().map(|i| self.item_keys(i)).collect();
                    combinations = extend_paths(&combinations, &choices);
                }
                SegmentTemplate::Variable(_) | SegmentTemplate::PriorOf(_) => {
                    combinations = extend_paths(&combinations, &[]);
                }
            }
        }
        let indices: Vec<usize> = combinations
            .iter()
            .map(|keys| self.find(table, axis, keys, path.span))
            .collect::<Compiled<_>>()?;
        match indices.as_slice() {
            [one] if !many => Ok(AxisTemplate::Fixed(*one)),
            _ => Ok(AxisTemplate::FixedMany(indices)),
        }
    }

    /// The keys of a path written in labels alone, as [`Compiler::segment_template`] makes
    /// them; `None` where a segment is a loop variable, a group, a list or `prior(y)`.
    fn label_keys(
        &self,
        path: &PathExpr,
        scope: &Scope<'_>,
    ) -> Compiled<Option<SmallVec<[Key; 4]>>> {
        let mut keys = SmallVec::new();
        for segment in &path.segments {
            let key = match segment {
                Segment::Word(word)
                    if scope.slot(&word.value).is_none() && !self.names.is_group(&word.value) =>
                {
                    self.word_key(word)?
                }
                Segment::Quoted(text) => Key::label(&text.value),
                _ => return Ok(None),
            };
            keys.push(key);
        }
        Ok(Some(keys))
    }

    fn segment_template(&self, segment: &Segment, scope: &Scope<'_>) -> Compiled<SegmentTemplate> {
        Ok(match segment {
            Segment::Word(word) if scope.slot(&word.value).is_some() => {
                let slot = scope.slot(&word.value).unwrap_or_default();
                match scope.bound_item(slot) {
                    Some(item) => SegmentTemplate::Items(vec![item.clone()]),
                    None => SegmentTemplate::Variable(slot),
                }
            }
            Segment::Word(word) if self.names.is_group(&word.value) => {
                SegmentTemplate::Items(self.named_list(word, scope)?)
            }
            Segment::Word(word) => SegmentTemplate::Key(self.word_key(word)?),
            Segment::Quoted(text) => SegmentTemplate::Key(Key::label(&text.value)),
            Segment::List(list) => SegmentTemplate::Items(self.list(list, scope)?),
            Segment::PriorOf(variable) => SegmentTemplate::PriorOf(
                scope
                    .slot(&variable.value)
                    .ok_or_else(|| self.unbound(variable))?,
            ),
        })
    }
}

/// Whether every cell the terms read was found while compiling: they then name the same cells
/// in every check, whatever the rule's loops are on.
fn reads_fixed_cells(terms: &[CompiledExpr]) -> bool {
    let fixed =
        |axis: &AxisTemplate| matches!(axis, AxisTemplate::Fixed(_) | AxisTemplate::FixedMany(_));
    terms.iter().all(|term| {
        term.try_for_each_template(&mut |template| {
            (fixed(&template.row) && fixed(&template.column))
                .then_some(())
                .ok_or(())
        })
        .is_ok()
    })
}

/// The terms of a comprehension as they are compiled. While each names one cell found while
/// compiling, of one table, only the cells' places are kept: a template per record of a
/// record file took 136 bytes (10⁶ records, 136 MB for each aggregate while compiling).
#[derive(Default)]
enum Terms {
    #[default]
    None,
    Cells {
        first: CellTemplate,
        places: Vec<(usize, usize)>,
    },
    Compiled(Vec<CompiledExpr>),
}

/// The axis a comprehension's body names by its variable alone, where the body is one cell
/// whose other path is labels only (`T[s, x1]` in `mean(T[s, x1] for s in rows(T))`): the
/// body then names the same place on that other axis for every item.
fn item_axis(body: &Expr, variable: &str) -> Option<Axis> {
    let Expr::Cell(cell) = body else {
        return None;
    };
    let is_variable = |path: &PathExpr| matches!(path.segments.as_slice(), [Segment::Word(w)] if w.value == variable);
    let labels_only = |path: &PathExpr| {
        path.segments.iter().all(|segment| match segment {
            Segment::Word(word) => word.value != variable,
            Segment::Quoted(_) => true,
            _ => false,
        })
    };
    if is_variable(&cell.row) && labels_only(&cell.column) {
        Some(Axis::Row)
    } else if is_variable(&cell.column) && labels_only(&cell.row) {
        Some(Axis::Column)
    } else {
        None
    }
}

impl Terms {
    /// The place of the cell the body names for `item`, without compiling it again: where the
    /// body names its item on `axis` (see [`item_axis`]), the item is a row (column) of the
    /// table of the cells so far, and they were all found while compiling. The body compiled
    /// for the item would name that row (column) itself, as `Compiler::find_item` does, and
    /// the first cell's place on the other axis: its path does not change with the item. A
    /// record file's mean of 10⁶ records compiled its cell once per record.
    fn place_of(&self, axis: Option<Axis>, item: &Item) -> Option<(usize, usize)> {
        let Terms::Cells { first, .. } = self else {
            return None;
        };
        match (axis?, item, &first.row, &first.column) {
            (Axis::Row, Item::Row { table, row }, _, AxisTemplate::Fixed(column))
                if *table == first.table =>
            {
                Some((*row, *column))
            }
            (Axis::Column, Item::Column { table, column }, AxisTemplate::Fixed(row), _)
                if *table == first.table =>
            {
                Some((*row, *column))
            }
            _ => None,
        }
    }

    /// One more cell of the table of the cells so far (see [`Terms::place_of`]).
    fn push_place(&mut self, place: (usize, usize)) {
        if let Terms::Cells { places, .. } = self {
            places.push(place);
        }
    }

    fn push(&mut self, term: CompiledExpr) {
        let place = match &term {
            CompiledExpr::Cell(template) => fixed_place(template),
            _ => None,
        };
        match (std::mem::take(self), place, term) {
            (Terms::None, Some(place), CompiledExpr::Cell(first)) => {
                *self = Terms::Cells {
                    first,
                    places: vec![place],
                };
            }
            (Terms::Cells { first, mut places }, Some(place), CompiledExpr::Cell(next))
                if next.table == first.table =>
            {
                places.push(place);
                *self = Terms::Cells { first, places };
            }
            (earlier, _, term) => {
                let mut compiled = earlier.one_by_one();
                compiled.push(term);
                *self = Terms::Compiled(compiled);
            }
        }
    }

    /// Whether every cell the terms read was found while compiling.
    fn read_fixed_cells(&self) -> bool {
        match self {
            Terms::None | Terms::Cells { .. } => true,
            Terms::Compiled(terms) => reads_fixed_cells(terms),
        }
    }

    /// One expression per item.
    fn one_by_one(self) -> Vec<CompiledExpr> {
        match self {
            Terms::None => Vec::new(),
            Terms::Cells { first, places } => places
                .into_iter()
                .map(|(row, column)| {
                    CompiledExpr::Cell(CellTemplate {
                        row: AxisTemplate::Fixed(row),
                        column: AxisTemplate::Fixed(column),
                        ..first.clone()
                    })
                })
                .collect(),
            Terms::Compiled(terms) => terms,
        }
    }

    /// An aggregate's terms, and whether they are one template whose every cell is an item:
    /// so where there are several cells, all in one column (or all in one row).
    fn for_aggregate(self) -> (Vec<CompiledExpr>, bool) {
        let Terms::Cells { first, places } = &self else {
            return (self.one_by_one(), false);
        };
        let Some((&(row, column), rest)) = places.split_first().filter(|(_, r)| !r.is_empty())
        else {
            return (self.one_by_one(), false);
        };
        let (row, column) = if rest.iter().all(|&(_, c)| c == column) {
            let rows = places.iter().map(|&(r, _)| r).collect();
            (AxisTemplate::FixedMany(rows), AxisTemplate::Fixed(column))
        } else if rest.iter().all(|&(r, _)| r == row) {
            let columns = places.iter().map(|&(_, c)| c).collect();
            (AxisTemplate::Fixed(row), AxisTemplate::FixedMany(columns))
        } else {
            return (self.one_by_one(), false);
        };
        let template = CellTemplate {
            row,
            column,
            multiple: true,
            ..first.clone()
        };
        (vec![CompiledExpr::Cell(template)], true)
    }
}

/// The row and column of a template that names one cell found while compiling.
fn fixed_place(template: &CellTemplate) -> Option<(usize, usize)> {
    match (&template.row, &template.column, template.multiple) {
        (AxisTemplate::Fixed(row), AxisTemplate::Fixed(column), false) => Some((*row, *column)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rule's result is the size of the rule (its error boxed), so the rules stay in the list
    /// they were collected into (`compile_partial`); were it larger, they would be copied into
    /// a new list again, into fresh memory.
    #[test]
    fn a_compiled_rule_or_its_error_takes_the_room_of_the_rule() {
        assert_eq!(
            std::mem::size_of::<Result<CompiledRule, Box<RuleError>>>(),
            std::mem::size_of::<CompiledRule>()
        );
    }

    /// Told by first bytes or not, a word is a group exactly when the map of groups has it:
    /// whatever it starts with, the same byte as a group's name or another.
    #[test]
    fn a_word_is_a_group_exactly_when_one_is_named_so() {
        let list = ListExpr::Literal(Vec::new(), Span::default());
        let source: SharedSource =
            std::sync::Arc::new(crate::source::SourceFile::new("g.rules", String::new()));
        let dataset = Dataset::default();
        let groups = ["east", "地区", "x"]
            .map(|name| (name.to_string(), Group::new(&list, &source)))
            .into_iter()
            .collect();
        let names = Names::new(&dataset, groups);
        for word in [
            "east", "地区", "x", "", "eas", "east2", "地", "西部", "合计", "East", "x1", "2021年",
        ] {
            assert_eq!(
                names.is_group(word),
                names.groups.contains_key(word),
                "{word}"
            );
        }
        assert!(names.is_group("地区") && !names.is_group("合计") && !names.is_group("eas"));
    }

    /// Records `r1` … `r2000` of `T` (`a` is the record's number mod 17, `b` is 1 but in
    /// `r1234`, 90) and `rules`, loaded on one worker: the cell references compiled, and what
    /// the checks find (rule, published figure).
    fn compiled_over_records(rules: &str) -> (usize, Vec<(String, Option<rust_decimal::Decimal>)>) {
        let records: String = (1..=2_000)
            .map(|id| format!("r{id},{},{}\n", id % 17, if id == 1_234 { 90 } else { 1 }))
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        std::fs::write(data.join("T.csv"), format!("id,a,b\n{records}")).unwrap();
        std::fs::write(dir.path().join("t.rules"), rules).unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        pool.install(|| {
            crate::tally::take(crate::tally::Work::CellsCompiled);
            let loaded = crate::run::load(&data, &dir.path().join("t.rules"))
                .unwrap_or_else(|errors| panic!("{errors:?}"));
            let compiled = crate::tally::take(crate::tally::Work::CellsCompiled);
            let (outcome, errors) =
                crate::engine::evaluate::evaluate_with(&loaded.dataset, &loaded.program, false);
            assert!(errors.is_empty());
            let found = outcome
                .findings
                .iter()
                .map(|f| (f.rule_id.clone(), f.published))
                .collect();
            (compiled, found)
        })
    }

    /// A comprehension whose body names its item by the loop variable alone, in the item's own
    /// table, compiles that cell once rather than once per item (a record file's mean of 10⁶
    /// records compiled 10⁶ cells), down rows and across columns alike; and its checks find
    /// what they found before, the one record above twice the mean.
    #[test]
    fn a_mean_over_every_record_compiles_its_cell_once() {
        let (compiled, found) = compiled_over_records(
            "expr m.rows \"b at most twice the mean\"\n  for r in rows(T)\n  \
             T[r, b] <= 2 * mean(T[s, b] for s in rows(T))\n\n\
             expr m.columns \"r1's a at most ten times r2's mean across\"\n  \
             T[r1, a] <= 10 * mean(T[r2, c] for c in columns(T))\n",
        );
        // T[r, b] and the mean's first T[s, b]; T[r1, a] and the mean's first T[r2, c].
        assert_eq!(compiled, 2 + 2, "{found:?}");
        assert_eq!(
            found,
            [("m.rows".to_string(), Some(rust_decimal::Decimal::from(90)))]
        );
    }

    /// Where the items are another table's rows, each is looked up by its label in the body's
    /// table: `U` has no row `r3`, and the rule says so rather than reading `U`'s third row.
    #[test]
    fn a_comprehension_over_another_tables_rows_looks_each_label_up() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        std::fs::write(data.join("T.csv"), "id,a\nr1,1\nr2,2\nr3,3\n").unwrap();
        std::fs::write(data.join("U.csv"), "id,a\nr1,1\nr2,2\nr9,9\n").unwrap();
        let rules = dir.path().join("t.rules");
        std::fs::write(
            &rules,
            "expr m.other \"T's a at most U's sum\"\n  T[r1, a] <= sum(U[s, a] for s in rows(T))\n",
        )
        .unwrap();
        let Err(errors) = crate::run::load(&data, &rules) else {
            panic!("U[r3, a] was read");
        };
        let text = format!("{errors:?}");
        assert!(text.contains("r3"), "{text}");
    }
}
