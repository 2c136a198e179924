//! `crossfoot infer`: propose the rules of tables from their layout and their figures.
//!
//! Every table states its own arithmetic: a `合计` row that adds up the rows of its group, a
//! `占比` column that is part / total, a `增长` column against two years' columns, a `排名`
//! column that follows a value column, the same column printed in two tables. Each file of this
//! room proposes one kind of rule from the labels ([`totals`], [`shares`], [`growth`],
//! [`ratios`], [`ranks`], [`identities`]) or, for sums no label states, from the figures
//! ([`unlabelled`]); every proposal is then written in the rules language
//! and checked by the engine itself, with the same rounding intervals as `check`, so a rule is
//! kept only where the figures support it:
//!
//! - the passing checks read at least [`MIN_FIGURES`] figures (no rule from a coincidence of
//!   one or two cells: three printings of one figure, a total and its five parts);
//! - at most one check in [`FAILURES_PER_CHECK`] fails, and never more than [`MAX_FAILURES`]:
//!   those are written under the rule as *candidate findings* for the reviewer;
//! - where several proposals explain the same figures (which column a share is of), the best
//!   supported one is kept.
//!
//! What comes out is a rules file grouped by table ([`write`]), each rule with its description
//! and how many checks and figures support it, which `crossfoot check --rules` reads as is.

mod growth;
mod identities;
mod layout;
pub mod measure;
pub mod paths;
mod ranks;
mod ratios;
mod shares;
mod totals;
mod unlabelled;
mod write;

use crate::engine::program::CellId;
use crate::engine::{ParsedFile, check_cells, compile_partial, evaluate_with};
use crate::lang::parser::parse_rules_partial;
use crate::source::SourceFile;
use crate::table::manifest::Dataset;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// The fewest printings of a figure that make a cross-table identity (or years a change).
pub const MIN_SUPPORT: usize = 3;
/// The fewest figures the passing checks of a proposal must read.
pub const MIN_FIGURES: usize = 6;
/// A proposal may fail one check in this many (and no more than [`MAX_FAILURES`]).
pub const FAILURES_PER_CHECK: usize = 8;
/// The most failed checks a proposal may have, as candidate findings.
pub const MAX_FAILURES: usize = 5;

/// A rule one kind of proposal suggests, before the figures have judged it.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The table the rule is filed under.
    pub table: usize,
    /// The rule kind's keyword: `sum`, `share`, `growth`, `ratio`, `equal`, `rank`.
    pub kind: &'static str,
    /// What the rule checks, one word for its id: `total`, `share`, `growth` ….
    pub name: &'static str,
    pub description: String,
    /// Candidates with one slot explain the same figures: only the best supported is kept.
    pub slot: String,
    /// Among candidates of one slot that the figures support alike, the higher is kept.
    pub preference: i32,
    /// Kept candidates with one merge key become one rule, looping over their items.
    pub merge: Option<String>,
    /// What differs between merged candidates (a column's path), written where `body` and
    /// `loops` say `{item}`.
    pub item: String,
    /// `for` lines, without the `for`: `row in rows(A2)`.
    pub loops: Vec<String>,
    /// The comparison or table form.
    pub body: String,
}

/// A proposed rule, judged by the figures.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub table: usize,
    pub kind: &'static str,
    pub id: String,
    pub description: String,
    pub loops: Vec<String>,
    pub body: String,
    pub passed: usize,
    /// Failed checks: the candidate findings, each as a line for the reviewer.
    pub candidate_findings: Vec<String>,
    /// The figures the passing checks read.
    pub figures: usize,
}

/// What `infer` proposes for a data set.
#[derive(Debug, Default)]
pub struct Inferred {
    pub proposals: Vec<Proposal>,
    /// The rules file: every proposal grouped by table.
    pub text: String,
}

/// How the figures judged one candidate.
#[derive(Debug, Clone, Default)]
struct Support {
    passed: usize,
    failed: Vec<(Vec<CellId>, String)>,
    figures: BTreeSet<CellId>,
}

impl Support {
    /// Few enough failures for the checks that pass: at most one in [`FAILURES_PER_CHECK`],
    /// never more than [`MAX_FAILURES`].
    fn viable(&self) -> bool {
        let failed = self.failed.len();
        self.passed > 0
            && failed <= MAX_FAILURES
            && failed * FAILURES_PER_CHECK <= self.passed + failed
    }

    /// Viable, and its passing checks read at least [`MIN_FIGURES`] figures.
    fn accepted(&self) -> bool {
        self.viable() && self.figures.len() >= MIN_FIGURES
    }

    /// Better supported: more checks passed, then fewer failed.
    fn rank(&self) -> (usize, std::cmp::Reverse<usize>) {
        (self.passed, std::cmp::Reverse(self.failed.len()))
    }

    fn add(&mut self, other: &Support) {
        self.passed += other.passed;
        self.failed.extend(other.failed.iter().cloned());
        self.figures.extend(other.figures.iter().copied());
    }
}

/// Propose rules for the tables of `dataset` named in `selected` (every table when empty);
/// the figures of the book's text are no table of their own and get none.
pub fn infer(dataset: &Dataset, selected: &[String]) -> Inferred {
    let chosen: Vec<usize> = dataset
        .tables
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.meta.anchored)
        .filter(|(_, t)| selected.is_empty() || selected.iter().any(|s| s == t.id()))
        .map(|(i, _)| i)
        .collect();
    let mut candidates = Vec::new();
    for &table in &chosen {
        candidates.extend(totals::candidates(dataset, table));
        candidates.extend(shares::candidates(dataset, table));
        candidates.extend(growth::candidates(dataset, table));
        candidates.extend(ratios::candidates(dataset, table));
        candidates.extend(ranks::candidates(dataset, table));
        candidates.extend(unlabelled::candidates(dataset, table));
    }
    candidates.extend(identities::candidates(dataset, &chosen));
    candidates.extend(ratios::across_tables(dataset, &chosen));
    let judged = judge(dataset, &candidates);
    let kept = best_of_slots(&candidates, &judged);
    let proposals = merge(dataset, &candidates, &judged, &kept);
    let text = write::rules_file(dataset, &proposals);
    Inferred { proposals, text }
}

/// A candidate's rule text with `{item}` filled in, under a temporary id.
fn candidate_rule(id: &str, candidate: &Candidate) -> String {
    let mut text = format!("{} {id} \"candidate\"\n", candidate.kind);
    for line in &candidate.loops {
        text.push_str(&format!(
            "  for {}\n",
            line.replace("{item}", &candidate.item)
        ));
    }
    text.push_str(&format!(
        "  {}\n\n",
        candidate.body.replace("{item}", &candidate.item)
    ));
    text
}

/// Check every candidate with the engine: how many checks pass, which fail, which figures
/// the passing ones read. A candidate that does not compile (a label that names two rows)
/// gets no support.
fn judge(dataset: &Dataset, candidates: &[Candidate]) -> Vec<Support> {
    let mut text = String::new();
    for (index, candidate) in candidates.iter().enumerate() {
        text.push_str(&candidate_rule(&format!("c{index}"), candidate));
    }
    let source = Arc::new(SourceFile::new("inferred.rules", text));
    let (file, _) = parse_rules_partial(&source);
    let (program, _) = compile_partial(dataset, &[ParsedFile { source, file }]);
    let (outcome, _) = evaluate_with(dataset, &program, false);
    let mut support = vec![Support::default(); candidates.len()];
    let index_of = |rule: usize| -> Option<usize> {
        program.rules.get(rule)?.id.strip_prefix('c')?.parse().ok()
    };
    let mut failed_checks: HashMap<(usize, usize), String> = HashMap::new();
    for finding in &outcome.findings {
        failed_checks.insert((finding.rule, finding.check), finding.message.clone());
    }
    let mut undecided: BTreeSet<(usize, usize)> = BTreeSet::new();
    for note in &outcome.notes {
        undecided.insert((note.rule, note.check));
    }
    for (rule, compiled) in program.rules.iter().enumerate() {
        let Some(entry) = index_of(rule).and_then(|i| support.get_mut(i)) else {
            continue;
        };
        let counts = outcome.per_rule.get(rule).copied().unwrap_or_default();
        entry.passed = counts.passed;
        for check in 0..compiled.work.check_count() {
            let cells = check_cells(dataset, &program, rule, check);
            if let Some(message) = failed_checks.get(&(rule, check)) {
                entry.failed.push((cells, message.clone()));
            } else if !undecided.contains(&(rule, check)) {
                entry
                    .figures
                    .extend(cells.into_iter().filter(|c| is_figure(dataset, *c)));
            }
        }
    }
    support
}

/// Whether a cell holds a printed figure (not `—`, not a name).
fn is_figure(dataset: &Dataset, cell: CellId) -> bool {
    dataset
        .tables
        .get(cell.table)
        .and_then(|t| t.cell(cell.row, cell.column))
        .is_some_and(|c| c.figure().is_some())
}

/// The best viable candidate of each slot, in the order they were proposed (whether it has
/// support enough is decided once candidates are merged).
fn best_of_slots(candidates: &[Candidate], judged: &[Support]) -> Vec<usize> {
    let mut best: HashMap<&str, usize> = HashMap::new();
    for (index, (candidate, support)) in candidates.iter().zip(judged).enumerate() {
        if !support.viable() {
            continue;
        }
        let better = match best.get(candidate.slot.as_str()) {
            None => true,
            Some(&other) => {
                let (Some(theirs), Some(them)) = (judged.get(other), candidates.get(other)) else {
                    continue;
                };
                (support.rank(), candidate.preference) > (theirs.rank(), them.preference)
            }
        };
        if better {
            best.insert(&candidate.slot, index);
        }
    }
    let mut kept: Vec<usize> = best.into_values().collect();
    kept.sort_unstable();
    kept
}

/// One proposal per kept candidate, candidates with one merge key made one rule that loops
/// over their items; a proposal with too little support in all is left out.
fn merge(
    dataset: &Dataset,
    candidates: &[Candidate],
    judged: &[Support],
    kept: &[usize],
) -> Vec<Proposal> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of: HashMap<&str, usize> = HashMap::new();
    for &index in kept {
        let Some(candidate) = candidates.get(index) else {
            continue;
        };
        match candidate.merge.as_deref() {
            Some(key) => match group_of.get(key).and_then(|&g| groups.get_mut(g)) {
                Some(group) => group.push(index),
                None => {
                    group_of.insert(key, groups.len());
                    groups.push(vec![index]);
                }
            },
            None => groups.push(vec![index]),
        }
    }
    let mut counters: HashMap<(usize, &str), usize> = HashMap::new();
    let mut proposals = Vec::new();
    for group in groups {
        let members: Vec<(&Candidate, &Support)> = group
            .iter()
            .filter_map(|&i| Some((candidates.get(i)?, judged.get(i)?)))
            .collect();
        let Some(&(first, _)) = members.first() else {
            continue;
        };
        let (loops, body) = if members.len() == 1 {
            let fill = |text: &String| text.replace("{item}", &first.item);
            (first.loops.iter().map(fill).collect(), fill(&first.body))
        } else {
            let items: Vec<&str> = members.iter().map(|(c, _)| c.item.as_str()).collect();
            let mut loops = vec![format!("col in [{}]", items.join(", "))];
            loops.extend(first.loops.iter().map(|l| l.replace("{item}", "col")));
            (loops, first.body.replace("{item}", "col"))
        };
        let mut support = Support::default();
        for (_, member) in &members {
            support.add(member);
        }
        if !support.accepted() {
            continue;
        }
        let candidate_findings = support
            .failed
            .iter()
            .map(|(cells, message)| write::finding_line(dataset, cells, message))
            .collect();
        let counter = counters.entry((first.table, first.name)).or_insert(0);
        *counter += 1;
        let table_id = dataset.tables.get(first.table).map_or("", |t| t.id());
        let id = format!("{table_id}.{}.{counter}", first.name);
        proposals.push(Proposal {
            table: first.table,
            kind: first.kind,
            id,
            description: first.description.clone(),
            loops,
            body,
            passed: support.passed,
            candidate_findings,
            figures: support.figures.len(),
        });
    }
    proposals
}

#[cfg(test)]
mod tests {
    use super::*;

    fn support(passed: usize, failed: usize, figures: usize) -> Support {
        Support {
            passed,
            failed: vec![(Vec::new(), String::new()); failed],
            figures: (0..figures)
                .map(|row| CellId {
                    table: 0,
                    row,
                    column: 0,
                })
                .collect(),
        }
    }

    #[test]
    fn a_rule_needs_six_figures_and_few_failures() {
        assert!(
            !support(2, 0, 4).accepted(),
            "two pairs of cells may agree by chance"
        );
        assert!(support(3, 0, 6).accepted());
        assert!(support(1, 0, 6).accepted(), "a total and its five parts");
        assert!(
            !support(6, 1, 18).accepted(),
            "one failure in seven is too many"
        );
        assert!(
            support(7, 1, 21).accepted(),
            "one failure in eight is a candidate finding"
        );
        assert!(
            !support(100, 6, 300).accepted(),
            "at most five candidate findings"
        );
        assert!(!support(0, 0, 0).viable());
    }
}
