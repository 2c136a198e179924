//! `crossfoot::lint::sibling_left_out`: a group that a rule compares one figure against, member
//! by member ("X is above every other plan"), and that leaves out a row of the same table at
//! the same level without a declared reason.
//!
//! Why it matters: "every other" means every other. `for p in G  X > T[p]` passes on a book
//! whose text claims that X leads when G leaves out the one row that beats X (附表 12's
//! 自然科学基金, left out of the plans the text's three "lead"). A row left out on purpose is
//! declared with the group: `except 其他 because "其他 is no plan"`, and is not flagged.
//!
//! Example: `group plans = [a, b]` with `for p in plans  T[x, 金额] > T[p, 金额]`, where the
//! table prints x, a, b and c under one parent: c is flagged unless the group says `except c
//! because "…"`.
//!
//! What it does not flag: a rule that compares each member with another figure of its own
//! (a loop over pairs) or with a number or another table's figure ("ranked within the top
//! ten"), a `=` (a sum or a printing is `group_incomplete`'s), a condition (`and`, `or`),
//! members that are not sibling cells of one table and column (or row), the fixed figure's
//! own row, `其中` rows and totals.

use super::ground::{Atom, Expanded, Linear, Shape};
use super::groups::{expr_names, node};
use super::{Context, Lint, LintCode, Place, ReadsChecks};
use crate::engine::program::CellId;
use crate::lang::ast::{Body, CompareOp, Exception, GroupDef, ListExpr, Segment};
use crate::source::SharedSource;
use crate::table::label::LabelPath;
use std::collections::{BTreeSet, HashMap};

/// A rule that compares one figure with each member of a group: the group, and which side
/// names the member.
struct EveryOther<'a> {
    source: &'a SharedSource,
    group: &'a GroupDef,
    member_side: Side,
}

/// What the checks of such a rule compare so far: the fixed cell and each member's cell, or
/// `None` once a check has another shape.
type Compared = Option<(Option<CellId>, Vec<CellId>)>;

/// The rules that compare one figure with every member of a group, each with what its checks
/// compare; once every check is read, the members' siblings each group leaves out.
pub(super) struct SiblingLeftOut<'a> {
    groups: HashMap<&'a str, (&'a SharedSource, &'a GroupDef)>,
    /// Per rule read so far: whether it compares one figure with every member.
    shapes: HashMap<usize, Option<EveryOther<'a>>>,
    compared: std::collections::BTreeMap<usize, Compared>,
}

impl<'a> SiblingLeftOut<'a> {
    pub(super) fn new(context: &Context<'a>) -> Self {
        let groups = context
            .files
            .iter()
            .flat_map(|parsed| {
                parsed
                    .file
                    .groups
                    .iter()
                    .map(move |g| (g.name.value.as_str(), (&parsed.source, g)))
            })
            .collect();
        SiblingLeftOut {
            groups,
            shapes: HashMap::new(),
            compared: std::collections::BTreeMap::new(),
        }
    }

    /// Whether rule `index` compares one figure (`X > T[p]`, an order) with each member of a
    /// group it loops over: one side names the loop's variable, the other not.
    fn every_other(&self, context: &Context<'a>, index: usize) -> Option<EveryOther<'a>> {
        let rule = context.rule(index)?;
        let syntax = context.syntax(rule)?;
        let Body::Compare { left, op, right } = &syntax.body else {
            return None;
        };
        if !is_order(op.value) {
            return None;
        }
        let (variable, source, group) =
            syntax.loops.iter().find_map(|clause| match &clause.list {
                ListExpr::Name(name) => self
                    .groups
                    .get(name.value.as_str())
                    .map(|&(source, group)| (clause.variable.value.as_str(), source, group)),
                _ => None,
            })?;
        let names = |expr| {
            let mut names = Vec::new();
            expr_names(expr, &mut names);
            names.contains(&variable)
        };
        let member_side = match (names(left), names(right)) {
            (true, false) => Side::Left,
            (false, true) => Side::Right,
            _ => return None,
        };
        Some(EveryOther {
            source,
            group,
            member_side,
        })
    }
}

impl<'a> ReadsChecks<'a> for SiblingLeftOut<'a> {
    fn read(&mut self, context: &Context<'a>, expanded: &Expanded) {
        if !self.shapes.contains_key(&expanded.rule) {
            let shape = self.every_other(context, expanded.rule);
            self.shapes.insert(expanded.rule, shape);
        }
        let Some(Some(shape)) = self.shapes.get(&expanded.rule) else {
            return;
        };
        let compared = self
            .compared
            .entry(expanded.rule)
            .or_insert_with(|| Some((None, Vec::new())));
        *compared = compared
            .take()
            .and_then(|so_far| compare(so_far, expanded, shape.member_side));
    }

    fn found(self: Box<Self>, context: &Context<'a>) -> Vec<Lint> {
        self.compared
            .iter()
            .filter_map(|(&index, compared)| {
                let (fixed, members) = compared.as_ref()?;
                let shape = self.shapes.get(&index)?.as_ref()?;
                lint_for(context, index, shape, (*fixed)?, members)
            })
            .collect()
    }
}

/// The lint on a rule that compares `fixed` with each of `members`, where its group leaves
/// out a sibling.
fn lint_for(
    context: &Context<'_>,
    index: usize,
    shape: &EveryOther<'_>,
    fixed: CellId,
    members: &[CellId],
) -> Option<Lint> {
    let rule = context.rule(index)?;
    let (source, group) = (shape.source, shape.group);
    let missing = left_out(context, fixed, members, &group.exceptions);
    if missing.is_empty() {
        return None;
    }
    let names: Vec<String> = missing.iter().map(|(label, _)| label.clone()).collect();
    let names = names.join(", ");
    Some(Lint {
        code: LintCode::SiblingLeftOut,
        message: format!(
            "group `{}` leaves out {names}: `{}` compares one figure with every member, \
             and the table prints {} beside the members, at the same level",
            group.name.value,
            rule.id,
            if missing.len() == 1 { "it" } else { "them" }
        ),
        help: format!(
            "add {names} to the group, or say why it is left out: `except {} because \"…\"` \
             after the group's list",
            missing
                .first()
                .map_or(String::new(), |(label, _)| quoted(label))
        ),
        rules: vec![rule.id.clone()],
        places: vec![
            Place {
                source: source.clone(),
                span: group.name.span,
                label: format!("leaves out {names}"),
            },
            context.body_place(rule, "compares one figure with every member"),
        ],
        cells: missing.into_iter().map(|(_, cell)| cell).collect(),
    })
}

fn is_order(op: CompareOp) -> bool {
    matches!(
        op,
        CompareOp::Less | CompareOp::LessEqual | CompareOp::Greater | CompareOp::GreaterEqual
    )
}

/// A label as the rules write it: in double quotes when it holds spaces or punctuation.
fn quoted(label: &str) -> String {
    if label.chars().all(char::is_alphanumeric) {
        label.to_string()
    } else {
        format!("\"{label}\"")
    }
}

/// Which side of a comparison names the loop's variable: the member's.
#[derive(Clone, Copy)]
enum Side {
    Left,
    Right,
}

/// The "every other" shape: every check compares one cell that stays the same (the figure
/// said to lead) with one cell of the member the check is for. What the checks before
/// `expanded` compare, with its cells added, or `None` where it has another shape.
fn compare(
    (fixed, mut members): (Option<CellId>, Vec<CellId>),
    expanded: &Expanded,
    member_side: Side,
) -> Compared {
    let Shape::Compare { left, right, .. } = &expanded.shape else {
        return None;
    };
    let (fixed_side, member) = match member_side {
        Side::Left => (right, left),
        Side::Right => (left, right),
    };
    let cell = single_cell(fixed_side)?;
    if fixed.is_some_and(|f| f != cell) {
        return None;
    }
    members.push(single_cell(member)?);
    Some((Some(cell), members))
}

fn single_cell(form: &Linear) -> Option<CellId> {
    match form.terms.iter().collect::<Vec<_>>().as_slice() {
        [(Atom::Cell(cell), coefficient)]
            if **coefficient == rust_decimal::Decimal::ONE && form.constant.is_zero() =>
        {
            Some(*cell)
        }
        _ => None,
    }
}

/// The rows (or columns) at the members' level, under their parent, that neither the members
/// nor the fixed cell are, nor an exception names: each with its label and a cell of it.
/// Nothing where the fixed cell is no sibling of the members (a rank within a threshold the
/// text prints: "the top ten" leaves the others out by design).
fn left_out(
    context: &Context<'_>,
    fixed: CellId,
    members: &[CellId],
    exceptions: &[Exception],
) -> Vec<(String, CellId)> {
    let Some(first) = members.first().copied() else {
        return Vec::new();
    };
    let Some(table) = context.dataset.tables.get(first.table) else {
        return Vec::new();
    };
    if members
        .iter()
        .chain([&fixed])
        .any(|m| m.table != first.table)
    {
        return Vec::new();
    }
    let by_rows = members
        .iter()
        .chain([&fixed])
        .all(|m| m.column == first.column);
    let by_columns = members.iter().chain([&fixed]).all(|m| m.row == first.row);
    let (paths, index): (&[LabelPath], fn(&CellId) -> usize) = if by_rows {
        (table.rows(), |c| c.row)
    } else if by_columns {
        (table.columns(), |c| c.column)
    } else {
        return Vec::new();
    };
    let Some(nodes) = members
        .iter()
        .map(|m| paths.get(index(m)).map(node))
        .collect::<Option<BTreeSet<Vec<String>>>>()
    else {
        return Vec::new();
    };
    let Some(level) = nodes.first().map(Vec::len) else {
        return Vec::new();
    };
    let parent: Vec<String> = nodes
        .first()
        .map(|n| n.iter().take(level.saturating_sub(1)).cloned().collect())
        .unwrap_or_default();
    let sibling = |n: &Vec<String>| n.len() == level && n.starts_with(&parent);
    let Some(fixed_node) = paths.get(index(&fixed)).map(node) else {
        return Vec::new();
    };
    if !nodes.iter().all(sibling) || !sibling(&fixed_node) {
        return Vec::new();
    }
    let mut missing = Vec::new();
    let mut seen = BTreeSet::new();
    for (at, path) in paths.iter().enumerate() {
        let n = node(path);
        if path.is_of_which()
            || path.is_total()
            || !sibling(&n)
            || nodes.contains(&n)
            || n == fixed_node
            || excepted(path, exceptions)
            || !seen.insert(n.clone())
        {
            continue;
        }
        let cell = if by_rows {
            CellId { row: at, ..first }
        } else {
            CellId {
                column: at,
                ..first
            }
        };
        missing.push((n.last().cloned().unwrap_or_default(), cell));
    }
    missing
}

/// Whether an `except` clause of the group names the row: its segments name the row's
/// labels in order, as a rule's path does.
fn excepted(path: &LabelPath, exceptions: &[Exception]) -> bool {
    exceptions.iter().flat_map(|e| &e.members).any(|member| {
        let segments: Vec<String> = member
            .segments
            .iter()
            .filter_map(|segment| match segment {
                Segment::Word(w) | Segment::Quoted(w) => {
                    Some(crate::table::label::normalize(&w.value).into_owned())
                }
                _ => None,
            })
            .collect();
        !segments.is_empty()
            && segments.len() == member.segments.len()
            && path.matches_in_order(&segments)
    })
}
