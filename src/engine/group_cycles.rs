//! Groups defined in terms of themselves (`group g = [h]`, `group h = [g]`): such a group names
//! no label at all, and resolving it would recurse until the stack ran out. Each group of a
//! cycle is an error on its reference to the next, whether or not a rule uses it.

use super::compile::ParsedFile;
use crate::lang::RuleError;
use crate::lang::ast::{ListExpr, PathExpr, Segment};
use crate::source::{SharedSource, Span, named};
use std::collections::{HashMap, HashSet, VecDeque};

/// The names a group's list uses that could be groups, with their places.
type References<'f> = Vec<(&'f str, Span)>;

/// The names of the groups that lead back to themselves, and an error for each.
pub(super) fn group_cycles(files: &[ParsedFile]) -> (HashSet<String>, Vec<RuleError>) {
    // Each group's first definition (a second one is an error of its own), in file order.
    let mut order: Vec<(&str, &SharedSource, References<'_>)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for parsed in files {
        for group in &parsed.file.groups {
            if !index.contains_key(group.name.value.as_str()) {
                index.insert(&group.name.value, order.len());
                let mut refs = Vec::new();
                list_refs(&group.list, &mut refs);
                order.push((&group.name.value, &parsed.source, refs));
            }
        }
    }
    let refs_of = |name: &str| {
        index
            .get(name)
            .and_then(|&i| order.get(i))
            .map(|(_, _, refs)| refs.as_slice())
            .unwrap_or_default()
    };
    let mut cyclic = HashSet::new();
    let mut errors = Vec::new();
    for (name, source, refs) in &order {
        // Breadth first from the group's own references, to the shortest way back.
        let mut queue: VecDeque<(&str, Span, Vec<&str>)> = refs
            .iter()
            .filter(|(target, _)| index.contains_key(target))
            .map(|&(target, span)| (target, span, vec![*name, target]))
            .collect();
        let mut seen: HashSet<&str> = HashSet::new();
        while let Some((at, span, chain)) = queue.pop_front() {
            if at == *name {
                cyclic.insert((*name).to_string());
                errors.push(RuleError::GroupCycle {
                    source_code: named(source),
                    span: span.into(),
                    group: (*name).to_string(),
                    chain: chain.join(" → "),
                });
                break;
            }
            if !seen.insert(at) {
                continue;
            }
            for &(next, _) in refs_of(at) {
                if index.contains_key(next) {
                    let mut longer = chain.clone();
                    longer.push(next);
                    queue.push_back((next, span, longer));
                }
            }
        }
    }
    (cyclic, errors)
}

/// Every name a group's list uses that could be a group, with its place.
fn list_refs<'l>(list: &'l ListExpr, refs: &mut Vec<(&'l str, Span)>) {
    match list {
        ListExpr::Name(name) => refs.push((&name.value, name.span)),
        ListExpr::Literal(paths, _) => paths.iter().for_each(|path| path_refs(path, refs)),
        ListExpr::Concat(a, b) | ListExpr::Minus(a, b) => {
            list_refs(a, refs);
            list_refs(b, refs);
        }
        ListExpr::Rows(_) | ListExpr::Columns(_) => {}
    }
}

fn path_refs<'l>(path: &'l PathExpr, refs: &mut Vec<(&'l str, Span)>) {
    for segment in &path.segments {
        match segment {
            Segment::Word(word) => refs.push((&word.value, word.span)),
            Segment::List(list) => list_refs(list, refs),
            Segment::Quoted(_) | Segment::PriorOf(_) => {}
        }
    }
}
