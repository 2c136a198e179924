//! `crossfoot::lint::group_repeats` and `crossfoot::lint::group_incomplete`: a group that names
//! a member twice, and a group (or list) summed against a total that prints more parts than it
//! names.
//!
//! Why they matter: a repeated member is added twice wherever the group is summed; a left-out
//! member makes `合计 = sum(group)` fail on a correct book — or, where the missing part prints
//! `—` or 0, pass while the group silently stops meaning "all of them".
//!
//! When a left-out member can be decided: a check `X = p1 + p2 + …` whose parts are sibling
//! rows of one table (the same labels above them, the same column) — or sibling columns of one
//! row — and whose `X` is those siblings' own `合计`/`小计`/`总计`. The siblings are the rows the
//! table prints under the same parent, `其中` rows and totals left out (as `hierarchy` reads
//! them). A sum of a chosen few against something else (a text's "the top ten provinces") is
//! never flagged; nor is a left-out row the printed figures show is no part: where the named
//! parts may add up to the total and, with the left-out rows added, certainly cannot (附表 5
//! prints a province's second city without `其中`; 表 5-1 prints its institutions beside the
//! 小计 rows that add them up).

use super::ground::{Atom, Expanded, Linear, Shape};
use super::{Context, Lint, LintCode, Place, ReadsChecks};
use crate::engine::ParsedFile;
use crate::engine::program::{CellId, CompiledRule};
use crate::interval::Interval;
use crate::lang::ast::{Body, Expr, ListExpr, PathExpr, Segment};
use crate::source::{SharedSource, Span};
use crate::table::label::LabelPath;
use crate::table::manifest::Dataset;
use std::collections::{BTreeSet, HashMap};

/// Each group's definition: the file and the list.
fn definitions(files: &[ParsedFile]) -> HashMap<&str, (&SharedSource, &ListExpr, Span)> {
    let mut groups = HashMap::new();
    for parsed in files {
        for group in &parsed.file.groups {
            groups.entry(group.name.value.as_str()).or_insert((
                &parsed.source,
                &group.list,
                group.name.span,
            ));
        }
    }
    groups
}

/// A group's members as written, nested groups opened: (the path's text, where it is written).
fn members<'f>(
    list: &ListExpr,
    source: &'f SharedSource,
    groups: &HashMap<&str, (&'f SharedSource, &'f ListExpr, Span)>,
    depth: usize,
    out: &mut Vec<(String, SharedSource, Span)>,
) {
    // A group that names itself would recurse forever; compile rejects such cycles anyway.
    if depth > 16 {
        return;
    }
    match list {
        ListExpr::Literal(paths, _) => {
            for path in paths {
                match path.segments.as_slice() {
                    [Segment::Word(word)] if groups.contains_key(word.value.as_str()) => {
                        if let Some((inner_source, inner, _)) = groups.get(word.value.as_str()) {
                            members(inner, inner_source, groups, depth + 1, out);
                        }
                    }
                    _ => out.push((path_text(path), source.clone(), path.span)),
                }
            }
        }
        ListExpr::Name(name) => {
            if let Some((inner_source, inner, _)) = groups.get(name.value.as_str()) {
                members(inner, inner_source, groups, depth + 1, out);
            }
        }
        ListExpr::Concat(a, b) => {
            members(a, source, groups, depth + 1, out);
            members(b, source, groups, depth + 1, out);
        }
        // `a - b`, `rows(T)`, `columns(T)`: made of a table's own rows, which cannot repeat.
        ListExpr::Minus(..) | ListExpr::Rows(_) | ListExpr::Columns(_) => {}
    }
}

/// A path as the rules name it, whitespace removed: `技术开发/委托开发`.
fn path_text(path: &PathExpr) -> String {
    path.segments
        .iter()
        .map(|segment| match segment {
            Segment::Word(w) | Segment::Quoted(w) => {
                crate::table::label::normalize(&w.value).into_owned()
            }
            Segment::PriorOf(w) => format!("prior({})", w.value),
            Segment::List(_) => "[…]".to_string(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

pub(super) fn repeats(files: &[ParsedFile]) -> Vec<Lint> {
    let groups = definitions(files);
    let mut lints = Vec::new();
    for parsed in files {
        for group in &parsed.file.groups {
            let mut listed = Vec::new();
            members(&group.list, &parsed.source, &groups, 0, &mut listed);
            let mut seen: HashMap<&str, (&SharedSource, Span)> = HashMap::new();
            for (text, source, span) in &listed {
                let Some(&(first_source, first_span)) = seen.get(text.as_str()) else {
                    seen.insert(text, (source, *span));
                    continue;
                };
                let mut places = vec![
                    Place {
                        source: source.clone(),
                        span: *span,
                        label: "named again here".to_string(),
                    },
                    Place {
                        source: first_source.clone(),
                        span: first_span,
                        label: "first named here".to_string(),
                    },
                ];
                if !std::sync::Arc::ptr_eq(source, &parsed.source) {
                    places.insert(
                        0,
                        Place {
                            source: parsed.source.clone(),
                            span: group.name.span,
                            label: "through the groups it includes".to_string(),
                        },
                    );
                }
                lints.push(Lint {
                    code: LintCode::GroupRepeats,
                    message: format!(
                        "group `{}` names `{text}` twice: every sum over it adds that part twice",
                        group.name.value
                    ),
                    help: "name each member once".to_string(),
                    rules: Vec::new(),
                    places,
                    cells: Vec::new(),
                });
                break;
            }
        }
    }
    lints
}

/// A row's or column's place in its table's hierarchy: a group's total row stands for the
/// group (`技术开发/合计` is the node `技术开发`), every other path for itself.
pub(super) fn node(path: &LabelPath) -> Vec<String> {
    let mut keys = path.keys();
    if path.is_total() && keys.len() >= 2 {
        keys.pop();
    }
    keys
}

/// The parts of `X = p1 + p2 + …`: `X` and the cells added, when the check has that shape.
fn total_and_parts(shape: &Shape) -> Option<(CellId, Vec<CellId>)> {
    let single = |form: &Linear| match form.terms.iter().collect::<Vec<_>>().as_slice() {
        [(Atom::Cell(cell), coefficient)]
            if *coefficient == &rust_decimal::Decimal::ONE && form.constant.is_zero() =>
        {
            Some(*cell)
        }
        _ => None,
    };
    let cells_of = |form: &Linear| -> Option<Vec<CellId>> {
        if !form.constant.is_zero() || form.terms.len() < 2 {
            return None;
        }
        form.terms
            .iter()
            .map(|(atom, coefficient)| match atom {
                Atom::Cell(cell) if *coefficient == rust_decimal::Decimal::ONE => Some(*cell),
                _ => None,
            })
            .collect()
    };
    match shape {
        Shape::Compare {
            left,
            op: crate::lang::ast::CompareOp::Equal,
            right,
            ..
        } => match (single(left), single(right)) {
            (Some(total), None) => Some((total, cells_of(right)?)),
            (None, Some(total)) => Some((total, cells_of(left)?)),
            _ => None,
        },
        Shape::Sum { total, parts } => Some((*total, parts.clone())),
        _ => None,
    }
}

/// The siblings a total adds up that the parts leave out, if the check is such a sum.
fn left_out(
    dataset: &Dataset,
    total: CellId,
    parts: &[CellId],
) -> Option<(Vec<String>, Vec<CellId>, bool)> {
    let table = dataset.tables.get(total.table)?;
    if parts.iter().any(|p| p.table != total.table) {
        return None;
    }
    let by_rows = parts.iter().all(|p| p.column == total.column);
    let by_columns = parts.iter().all(|p| p.row == total.row);
    let (paths, index): (&[LabelPath], fn(&CellId) -> usize) = if by_rows {
        (table.rows(), |c| c.row)
    } else if by_columns {
        (table.columns(), |c| c.column)
    } else {
        return None;
    };
    let total_path = paths.get(index(&total))?;
    if !total_path.is_total() {
        return None;
    }
    let mut parent = total_path.keys();
    parent.pop();
    let named: BTreeSet<Vec<String>> = parts
        .iter()
        .map(|p| paths.get(index(p)).map(node))
        .collect::<Option<_>>()?;
    let child_of_parent =
        |n: &Vec<String>| n.len() == parent.len() + 1 && n.starts_with(parent.as_slice());
    if !named.iter().all(child_of_parent) {
        return None;
    }
    let mut missing = Vec::new();
    let mut cells = Vec::new();
    let mut seen = BTreeSet::new();
    for (at, path) in paths.iter().enumerate() {
        let n = node(path);
        if path.is_of_which() || !child_of_parent(&n) || path.keys() == total_path.keys() {
            continue;
        }
        if path.is_total() && path.labels().len() == parent.len() + 1 {
            continue;
        }
        if !named.contains(&n) && seen.insert(n.clone()) {
            missing.push(n.join("/"));
            cells.push(if by_rows {
                CellId { row: at, ..total }
            } else {
                CellId {
                    column: at,
                    ..total
                }
            });
        }
    }
    (!missing.is_empty()).then_some((missing, cells, by_rows))
}

/// Whether the printed figures show that the rows left out are no parts: the named parts
/// may add up to the total, and with the left-out rows added they certainly cannot (a second
/// city printed without `其中` under its province, a 小计 and the rows it adds up).
fn refuted(dataset: &Dataset, total: CellId, parts: &[CellId], missing: &[CellId]) -> bool {
    let interval = |cell: CellId| {
        dataset
            .tables
            .get(cell.table)
            .and_then(|t| t.interval(cell.row, cell.column))
    };
    let sum = |cells: &mut dyn Iterator<Item = &CellId>| {
        let mut sum = Interval::exact(rust_decimal::Decimal::ZERO);
        for &cell in cells {
            // `—` is no figure: it adds nothing either way.
            if let Some(value) = interval(cell) {
                sum = sum.checked_add(&value).ok()?;
            }
        }
        Some(sum)
    };
    let meets = |a: &Interval, b: &Interval| a.low() <= b.high() && b.low() <= a.high();
    let (Some(total), Some(named), Some(all)) = (
        interval(total),
        sum(&mut parts.iter()),
        sum(&mut parts.iter().chain(missing)),
    ) else {
        return false;
    };
    meets(&total, &named) && !meets(&total, &all)
}

/// Group names a rule's body uses.
fn groups_used<'r>(
    body: &'r Body,
    groups: &HashMap<&str, (&SharedSource, &ListExpr, Span)>,
) -> Vec<&'r str> {
    let mut names = Vec::new();
    let list = |list: &'r ListExpr, names: &mut Vec<&'r str>| list_names(list, names);
    match body {
        Body::Compare { left, right, .. } => {
            expr_names(left, &mut names);
            expr_names(right, &mut names);
        }
        Body::Condition(condition) => {
            for (left, _, right) in condition.comparisons() {
                expr_names(left, &mut names);
                expr_names(right, &mut names);
            }
        }
        Body::Matrix { rows, columns, .. } => {
            list(rows, &mut names);
            list(columns, &mut names);
        }
        _ => {}
    }
    names.retain(|name| groups.contains_key(name));
    names.dedup();
    names
}

fn list_names<'r>(list: &'r ListExpr, names: &mut Vec<&'r str>) {
    match list {
        ListExpr::Name(name) => names.push(&name.value),
        ListExpr::Literal(paths, _) => {
            for path in paths {
                path_names(path, names);
            }
        }
        ListExpr::Concat(a, b) | ListExpr::Minus(a, b) => {
            list_names(a, names);
            list_names(b, names);
        }
        ListExpr::Rows(_) | ListExpr::Columns(_) => {}
    }
}

fn path_names<'r>(path: &'r PathExpr, names: &mut Vec<&'r str>) {
    for segment in &path.segments {
        match segment {
            Segment::Word(word) => names.push(&word.value),
            Segment::List(list) => list_names(list, names),
            Segment::Quoted(_) | Segment::PriorOf(_) => {}
        }
    }
}

pub(super) fn expr_names<'r>(expr: &'r Expr, names: &mut Vec<&'r str>) {
    match expr {
        Expr::Number(_) => {}
        Expr::Cell(cell) => {
            path_names(&cell.row, names);
            path_names(&cell.column, names);
        }
        Expr::Call { args, .. } => {
            for arg in args {
                expr_names(arg, names);
            }
        }
        Expr::Binary { left, right, .. } => {
            expr_names(left, names);
            expr_names(right, names);
        }
        Expr::Negate(inner, _) => expr_names(inner, names),
        Expr::Count(list, _) => list_names(list, names),
        Expr::Comprehension { body, list, .. } => {
            expr_names(body, names);
            list_names(list, names);
        }
    }
}

/// A group summed against a total that prints more members than the group lists: the first
/// check of each group (or of each rule without one) that leaves members out, as a lint.
pub(super) struct Incomplete<'a> {
    groups: HashMap<&'a str, (&'a SharedSource, &'a ListExpr, Span)>,
    lints: Vec<Lint>,
    reported: BTreeSet<String>,
}

impl<'a> Incomplete<'a> {
    pub(super) fn new(context: &Context<'a>) -> Self {
        Incomplete {
            groups: definitions(context.files),
            lints: Vec::new(),
            reported: BTreeSet::new(),
        }
    }
}

impl<'a> ReadsChecks<'a> for Incomplete<'a> {
    fn read(&mut self, context: &Context<'a>, expanded: &Expanded) {
        let Some(rule) = context.rule(expanded.rule) else {
            return;
        };
        let Some((total, parts)) = total_and_parts(&expanded.shape) else {
            return;
        };
        let Some((missing, missing_cells, by_rows)) = left_out(context.dataset, total, &parts)
        else {
            return;
        };
        if refuted(context.dataset, total, &parts, &missing_cells) {
            return;
        }
        let used = context
            .syntax(rule)
            .map(|syntax| groups_used(&syntax.body, &self.groups))
            .unwrap_or_default();
        let group = match used.as_slice() {
            [one] => self
                .groups
                .get(one)
                .map(|&(source, _, span)| (*one, source, span)),
            _ => None,
        };
        let key = group.map_or_else(|| rule.id.clone(), |(name, _, _)| format!("group {name}"));
        if !self.reported.insert(key) {
            return;
        }
        self.lints.push(lint_for(
            context,
            rule,
            expanded.check,
            total,
            &missing,
            by_rows,
            group,
        ));
    }

    fn found(self: Box<Self>, _: &Context<'a>) -> Vec<Lint> {
        self.lints
    }
}

fn lint_for(
    context: &Context<'_>,
    rule: &CompiledRule,
    check: usize,
    total: CellId,
    missing: &[String],
    by_rows: bool,
    group: Option<(&str, &SharedSource, Span)>,
) -> Lint {
    let table = context.dataset.tables.get(total.table);
    let table_id = table.map_or("?", |t| t.id());
    let total_label = table
        .and_then(|t| {
            if by_rows {
                t.row(total.row).map(|path| path.to_string())
            } else {
                t.columns().get(total.column).map(ToString::to_string)
            }
        })
        .unwrap_or_default();
    let axis = if by_rows { "rows" } else { "columns" };
    let missing_text = missing.join(", ");
    let sums = context.body_place(rule, format!("sums it against {table_id}[{total_label}]"));
    let (message, places) = match group {
        Some((name, source, span)) => (
            format!(
                "group `{name}` leaves out {missing_text}: {table_id} prints {} among the {axis} its `{total_label}` adds up, and `{}` sums the group against that total{}",
                if missing.len() == 1 { "it" } else { "them" },
                rule.id,
                context.describe_check(rule, check)
            ),
            vec![
                Place {
                    source: source.clone(),
                    span,
                    label: format!("leaves out {missing_text}"),
                },
                sums,
            ],
        ),
        None => (
            format!(
                "`{}` leaves out {missing_text}: {table_id} prints {} among the {axis} its `{total_label}` adds up{}",
                rule.id,
                if missing.len() == 1 { "it" } else { "them" },
                context.describe_check(rule, check)
            ),
            vec![sums],
        ),
    };
    Lint {
        code: LintCode::GroupIncomplete,
        message,
        help: "add the missing members, or compare the group with something other than the total"
            .to_string(),
        rules: vec![rule.id.clone()],
        places,
        cells: vec![total],
    }
}
