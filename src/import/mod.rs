//! `crossfoot import validate FILE`: an R `validate` rule file → a crossfoot rules file with
//! the same meaning, over one record table, and the rules that have no crossfoot equivalent,
//! each with its span and why.
//!
//! A `validate` file is R: one rule per top-level expression, `#` comments, `name :=
//! expression` definitions (substituted where the name is used, as `validate` does) and
//! `G := var_group(a, b)` groups (a rule reading `G` stands for one rule per member; two
//! groups give every combination, the first group read varying fastest). The rules are
//! numbered `V1`, `V2` … in file order as `validate` names them, a group's expansions `V3.1`,
//! `V3.2` …, and written as `expr T.V1 "R source"` rules over table `T`.

pub mod r_syntax;
pub mod translate;

use crate::source::{DiagnosticSource, SharedSource, Span, named};
use miette::{Diagnostic, NamedSource, SourceSpan};
use r_syntax::{Arg, BinaryOp, Node, RExpr};
use std::collections::HashMap;
use std::fmt::Write;

/// A rule file that is not R.
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum ImportError {
    /// `staff >= ) 0`: a token where R's grammar wants another.
    #[error("R syntax error: expected {expected}, found {found}")]
    #[diagnostic(
        code(crossfoot::import::syntax),
        help("the file must be R as `validator(.file = …)` reads it: one rule per line or `;`")
    )]
    Syntax {
        #[source_code]
        source_code: NamedSource<DiagnosticSource>,
        #[label("expected {expected}")]
        span: SourceSpan,
        expected: String,
        found: String,
    },
}

/// A rule left out of the translation: a warning pointing at the part that has no crossfoot
/// equivalent.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("rule {name} is not translated: {reason}")]
#[diagnostic(code(crossfoot::import::not_translated), severity(Warning))]
pub struct NotTranslated {
    #[source_code]
    pub source_code: NamedSource<DiagnosticSource>,
    #[label("no crossfoot equivalent")]
    pub span: SourceSpan,
    pub name: String,
    pub reason: String,
}

/// A rule that could not be translated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Untranslated {
    /// `V5`, as `validate` names it.
    pub name: String,
    /// The whole rule.
    pub rule: Span,
    /// The part that has no equivalent.
    pub span: Span,
    pub reason: String,
}

/// The translation of a file.
pub struct Imported {
    /// The crossfoot rules file, untranslated rules listed in comments at its end.
    pub text: String,
    pub translated: usize,
    pub untranslated: Vec<Untranslated>,
    source: SharedSource,
}

impl Imported {
    /// The untranslated rules as warnings with their spans.
    pub fn warnings(&self) -> Vec<NotTranslated> {
        self.untranslated
            .iter()
            .map(|u| NotTranslated {
                source_code: named(&self.source),
                span: u.span.into(),
                name: u.name.clone(),
                reason: u.reason.clone(),
            })
            .collect()
    }
}

/// Translate the `validate` rule file `source` into crossfoot rules over table `table`.
pub fn validate(source: &SharedSource, table: &str) -> Result<Imported, ImportError> {
    let statements = r_syntax::parse(source.text()).map_err(|e| ImportError::Syntax {
        source_code: named(source),
        span: e.span.into(),
        expected: e.expected,
        found: e.found,
    })?;
    let mut definitions: HashMap<String, Definition> = HashMap::new();
    let mut written = Vec::new();
    let mut untranslated = Vec::new();
    let mut number = 0;
    for statement in &statements {
        if let Some((name, definition)) = defines(statement) {
            definitions.insert(name, definition);
            continue;
        }
        number += 1;
        let name = format!("V{number}");
        let expansions = expand(statement, &definitions);
        let several = expansions.len() > 1;
        for (index, expansion) in expansions.into_iter().enumerate() {
            let name = if several {
                format!("{name}.{}", index + 1)
            } else {
                name.clone()
            };
            let translated = expansion.and_then(|rule| translate::rule(table, &rule));
            match translated {
                Ok(body) => written.push(Written {
                    name,
                    span: statement.span,
                    body,
                }),
                Err(why) => untranslated.push(Untranslated {
                    name,
                    rule: statement.span,
                    span: why.span,
                    reason: why.reason,
                }),
            }
        }
    }
    let text = render(source, table, &written, &untranslated);
    Ok(Imported {
        text,
        translated: written.len(),
        untranslated,
        source: source.clone(),
    })
}

/// What a `:=` defines: an expression, or a group of variables.
#[derive(Clone)]
enum Definition {
    Expression(RExpr),
    Group(Vec<RExpr>),
}

/// `name := expression` or `G := var_group(a, b)`.
fn defines(statement: &RExpr) -> Option<(String, Definition)> {
    let Node::Binary {
        op: BinaryOp::Assign(op),
        left,
        right,
    } = &statement.node
    else {
        return None;
    };
    let (":=", Node::Name(name)) = (op.as_str(), &left.node) else {
        return None;
    };
    let definition = match group_members(right) {
        Some(members) => Definition::Group(members),
        None => Definition::Expression((**right).clone()),
    };
    Some((name.clone(), definition))
}

/// The members of `var_group(a, b, …)`.
fn group_members(expr: &RExpr) -> Option<Vec<RExpr>> {
    let Node::Call { function, args } = &expr.node else {
        return None;
    };
    let Node::Name(name) = &function.node else {
        return None;
    };
    (name == "var_group").then(|| args.iter().filter_map(|a| a.value.clone()).collect())
}

/// Definitions are substituted to at most this depth: `a := b`, `b := a` is no loop forever.
const MAX_SUBSTITUTIONS: usize = 32;

/// The rule with its definitions substituted, once per combination of its groups' members.
fn expand(
    rule: &RExpr,
    definitions: &HashMap<String, Definition>,
) -> Vec<Result<RExpr, translate::Untranslatable>> {
    let rule = match substitute(rule, definitions, MAX_SUBSTITUTIONS) {
        Ok(rule) => rule,
        Err(why) => return vec![Err(why)],
    };
    let mut groups: Vec<(GroupKey, Vec<RExpr>)> = Vec::new();
    collect_groups(&rule, definitions, &mut groups);
    if groups.is_empty() {
        return vec![Ok(rule)];
    }
    if groups.iter().any(|(_, members)| members.is_empty()) {
        return vec![Err(translate::Untranslatable {
            span: rule.span,
            reason: "a `var_group()` of no variable stands for no rule".to_string(),
        })];
    }
    let total: usize = groups.iter().map(|(_, members)| members.len()).product();
    (0..total)
        .map(|mut index| {
            let mut chosen = HashMap::new();
            for (key, members) in &groups {
                let count = members.len().max(1);
                if let Some(member) = members.get(index % count) {
                    chosen.insert(key.clone(), member.clone());
                }
                index /= count;
            }
            let chosen_rule = choose(&rule, definitions, &chosen);
            substitute(&chosen_rule, definitions, MAX_SUBSTITUTIONS)
        })
        .collect()
}

/// Replace names defined by an expression with it (a group's name stays, for `choose`).
fn substitute(
    expr: &RExpr,
    definitions: &HashMap<String, Definition>,
    depth: usize,
) -> Result<RExpr, translate::Untranslatable> {
    if let Node::Name(name) = &expr.node
        && let Some(Definition::Expression(definition)) = definitions.get(name)
    {
        if depth == 0 {
            return Err(translate::Untranslatable {
                span: expr.span,
                reason: format!("`{name}` is defined in terms of itself"),
            });
        }
        let inner = substitute(definition, definitions, depth - 1)?;
        return Ok(RExpr {
            node: Node::Paren(Box::new(inner)),
            span: expr.span,
        });
    }
    map_children(expr, &mut |child| substitute(child, definitions, depth))
}

/// A group a rule reads: a defined group is one group wherever it is read (its name); each
/// `var_group(…)` written in place is one of its own (its place).
#[derive(Clone, PartialEq, Eq, Hash)]
enum GroupKey {
    Named(String),
    InPlace { offset: usize, length: usize },
}

impl GroupKey {
    fn of(expr: &RExpr, definitions: &HashMap<String, Definition>) -> Option<GroupKey> {
        match &expr.node {
            Node::Name(name) if matches!(definitions.get(name), Some(Definition::Group(_))) => {
                Some(GroupKey::Named(name.clone()))
            }
            _ => group_members(expr).map(|_| GroupKey::InPlace {
                offset: expr.span.offset,
                length: expr.span.length,
            }),
        }
    }
}

/// The groups a rule reads, in order of first reading, with their members.
fn collect_groups(
    expr: &RExpr,
    definitions: &HashMap<String, Definition>,
    groups: &mut Vec<(GroupKey, Vec<RExpr>)>,
) {
    let found = GroupKey::of(expr, definitions).map(|key| {
        let members = match (&key, &expr.node) {
            (GroupKey::Named(_), Node::Name(name)) => match definitions.get(name) {
                Some(Definition::Group(members)) => members.clone(),
                _ => Vec::new(),
            },
            _ => group_members(expr).unwrap_or_default(),
        };
        (key, members)
    });
    if let Some((key, members)) = found {
        if !groups.iter().any(|(k, _)| *k == key) {
            groups.push((key, members));
        }
        return;
    }
    let _ = map_children(expr, &mut |child| {
        collect_groups(child, definitions, groups);
        Ok(child.clone())
    });
}

/// The rule with each group replaced by its chosen member.
fn choose(
    expr: &RExpr,
    definitions: &HashMap<String, Definition>,
    chosen: &HashMap<GroupKey, RExpr>,
) -> RExpr {
    let key = GroupKey::of(expr, definitions);
    if let Some(member) = key.and_then(|key| chosen.get(&key)) {
        return member.clone();
    }
    map_children(expr, &mut |child| Ok(choose(child, definitions, chosen)))
        .unwrap_or_else(|_| expr.clone())
}

/// The expression with each child replaced by `f(child)`.
fn map_children(
    expr: &RExpr,
    f: &mut dyn FnMut(&RExpr) -> Result<RExpr, translate::Untranslatable>,
) -> Result<RExpr, translate::Untranslatable> {
    let args = |args: &[Arg], f: &mut dyn FnMut(&RExpr) -> Result<RExpr, _>| {
        args.iter()
            .map(|a| {
                Ok(Arg {
                    name: a.name.clone(),
                    value: a.value.as_ref().map(&mut *f).transpose()?,
                })
            })
            .collect::<Result<Vec<_>, _>>()
    };
    let node = match &expr.node {
        Node::Call { function, args: a } => Node::Call {
            function: Box::new(f(function)?),
            args: args(a, f)?,
        },
        Node::Index { object, args: a } => Node::Index {
            object: Box::new(f(object)?),
            args: args(a, f)?,
        },
        Node::Unary { op, operand } => Node::Unary {
            op: *op,
            operand: Box::new(f(operand)?),
        },
        Node::Binary { op, left, right } => Node::Binary {
            op: op.clone(),
            left: Box::new(f(left)?),
            right: Box::new(f(right)?),
        },
        Node::If {
            condition,
            then,
            otherwise,
        } => Node::If {
            condition: Box::new(f(condition)?),
            then: Box::new(f(then)?),
            otherwise: match otherwise {
                Some(o) => Some(Box::new(f(o)?)),
                None => None,
            },
        },
        Node::Paren(inner) => Node::Paren(Box::new(f(inner)?)),
        Node::Block(body) => Node::Block(body.iter().map(&mut *f).collect::<Result<_, _>>()?),
        leaf => leaf.clone(),
    };
    Ok(RExpr {
        node,
        span: expr.span,
    })
}

struct Written {
    name: String,
    span: Span,
    body: translate::Body,
}

/// The rules file: a header, the rules in file order, then the untranslated ones in comments.
fn render(
    source: &SharedSource,
    table: &str,
    written: &[Written],
    untranslated: &[Untranslated],
) -> String {
    let file = source.display_name();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Translated by `crossfoot import validate` from the R validate rule file {file}.\n\
         # Every rule reads table `{table}` (--table): one record per row, a column per variable.\n\
         # {} translated, {} not (listed at the end).\n",
        rules(written.len()),
        untranslated.len()
    );
    for rule in written {
        let at = source.line_column(rule.span.offset);
        let _ = writeln!(out, "# {file}:{}:{}", at.line, at.column);
        let _ = writeln!(
            out,
            "expr {table}.{} \"{}\"",
            rule.name,
            description(source.slice(rule.span))
        );
        if rule.body.per_record {
            let _ = writeln!(out, "  for {} in rows({table})", translate::RECORD);
        }
        let _ = writeln!(out, "  {}\n", rule.body.text);
    }
    if !untranslated.is_empty() {
        out.push_str("# Not translated:\n");
        for rule in untranslated {
            let at = source.line_column(rule.rule.offset);
            let _ = writeln!(
                out,
                "#   {} ({file}:{}:{}) `{}`: {}",
                rule.name,
                at.line,
                at.column,
                description(source.slice(rule.rule)),
                rule.reason
            );
        }
    }
    out
}

/// `1 rule`, `2 rules`.
pub fn rules(count: usize) -> String {
    if count == 1 {
        "1 rule".to_string()
    } else {
        format!("{count} rules")
    }
}

/// A rule's R source as a one-line description (a description cannot hold `"`).
fn description(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('"', "'")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;
    use std::sync::Arc;

    fn imported(text: &str) -> Imported {
        let source = Arc::new(SourceFile::new("rules.R", text.to_string()));
        validate(&source, "T").unwrap()
    }

    fn bodies(imported: &Imported) -> Vec<String> {
        imported
            .text
            .lines()
            .filter(|line| line.starts_with("  T["))
            .map(|line| line.trim().to_string())
            .collect()
    }

    /// validate's documentation: `f := var_group(c, d); g := var_group(a, b); g > f` is
    /// `a > c, b > c, a > d, b > d`.
    #[test]
    fn two_groups_give_every_combination_the_first_read_varying_fastest() {
        let imported = imported("f := var_group(c, d)\ng := var_group(a, b)\ng > f\n");
        assert_eq!(
            bodies(&imported),
            [
                "T[r, a] > T[r, c]",
                "T[r, b] > T[r, c]",
                "T[r, a] > T[r, d]",
                "T[r, b] > T[r, d]"
            ]
        );
        assert!(imported.text.contains("expr T.V1.4 \"g > f\""));
        let in_place = super::tests::imported("var_group(a, b) >= 0\n");
        assert_eq!(bodies(&in_place), ["T[r, a] >= 0", "T[r, b] >= 0"]);
    }

    #[test]
    fn an_empty_group_or_a_definition_in_terms_of_itself_is_not_translated() {
        let imported = imported("G := var_group()\nG >= 0\na := b + 1\nb := a\na > 0\n");
        let reasons: Vec<&str> = imported
            .untranslated
            .iter()
            .map(|u| u.reason.as_str())
            .collect();
        assert_eq!(
            reasons,
            [
                "a `var_group()` of no variable stands for no rule",
                "`a` is defined in terms of itself"
            ]
        );
        assert_eq!(imported.translated, 0);
    }
}
