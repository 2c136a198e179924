//! `check --watch`: what changed between two runs of the checks, for an editor correcting a
//! draft. Findings are matched by rule and cells, as baselines match them, so an edit that
//! moves lines does not make an old finding look new; nor does editing a figure of a finding
//! that still fails.

use crate::baseline::{Baseline, Entry};
use std::collections::HashSet;
use std::fmt::Write;

/// The findings that appeared and the ones that went away since the last run.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Changes {
    pub new: Vec<Entry>,
    pub fixed: Vec<Entry>,
}

/// Compare the findings of two runs.
pub fn changes(before: &Baseline, after: &Baseline) -> Changes {
    let old: HashSet<Entry> = before.findings.iter().map(Entry::place).collect();
    let now: HashSet<Entry> = after.findings.iter().map(Entry::place).collect();
    Changes {
        new: after
            .findings
            .iter()
            .filter(|e| !old.contains(&e.place()))
            .cloned()
            .collect(),
        fixed: before
            .findings
            .iter()
            .filter(|e| !now.contains(&e.place()))
            .cloned()
            .collect(),
    }
}

/// `since the last run: 1 new, 2 fixed`, then one line per finding.
pub fn render(changes: &Changes) -> String {
    let mut out = format!(
        "since the last run: {} new, {} fixed\n",
        changes.new.len(),
        changes.fixed.len()
    );
    for (mark, entries) in [("new", &changes.new), ("fixed", &changes.fixed)] {
        for entry in entries {
            let cells: Vec<String> = entry
                .cells
                .iter()
                .map(|c| format!("{}[{}, {}]", c.table, c.row, c.column))
                .collect();
            let _ = writeln!(out, "  {mark}: {} {}", entry.rule, cells.join(" "));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::baseline::CellKey;

    fn entry(rule: &str, row: &str) -> Entry {
        Entry {
            rule: rule.to_string(),
            cells: vec![CellKey {
                table: "A2".to_string(),
                row: row.to_string(),
                column: "金额".to_string(),
                figure: Some(format!("{}.0", row.len())),
            }],
        }
    }

    fn findings(entries: Vec<Entry>) -> Baseline {
        Baseline {
            version: 1,
            findings: entries,
        }
    }

    #[test]
    fn new_and_fixed_findings_are_told_apart_by_rule_and_cells() {
        let before = findings(vec![
            entry("A2.total", "合计"),
            entry("A2.share", "技术开发"),
        ]);
        let after = findings(vec![
            entry("A2.share", "技术开发"),
            entry("A2.share", "技术服务"),
        ]);
        let changes = changes(&before, &after);
        assert_eq!(changes.new, [entry("A2.share", "技术服务")]);
        assert_eq!(changes.fixed, [entry("A2.total", "合计")]);
        assert_eq!(
            render(&changes),
            "since the last run: 1 new, 1 fixed\n  new: A2.share A2[技术服务, 金额]\n  fixed: A2.total A2[合计, 金额]\n"
        );
    }

    #[test]
    fn a_finding_whose_figure_was_edited_is_neither_new_nor_fixed() {
        let before = findings(vec![entry("A2.total", "合计")]);
        let mut edited = entry("A2.total", "合计");
        if let Some(cell) = edited.cells.first_mut() {
            cell.figure = Some("9999.9".to_string());
        }
        assert_eq!(
            changes(&before, &findings(vec![edited])),
            Changes::default()
        );
    }
}

/// The files a watch follows: the data directory and the rules (a directory or one file).
/// Each is watched recursively, and its parent directory too (not recursively), so deleting a
/// directory and creating it again — as a version-control checkout or a copy does — is seen,
/// and the watch is armed again on the new directory. Only changes under the roots count: a
/// report written beside them does not start another run.
pub struct Roots {
    roots: Vec<std::path::PathBuf>,
}

impl Roots {
    /// The roots as absolute paths, the form events name their files in.
    pub fn new(paths: &[&std::path::Path]) -> std::io::Result<Self> {
        let roots = paths
            .iter()
            .map(std::path::absolute)
            .collect::<std::io::Result<_>>()?;
        Ok(Roots { roots })
    }

    /// Watch every root that exists, and every root's parent. A root that is not there (deleted
    /// while watched) is watched again by the next call after it reappears.
    pub fn arm(&self, watcher: &mut impl notify::Watcher) -> Result<(), notify::Error> {
        use notify::RecursiveMode;
        for root in &self.roots {
            if let Some(parent) = root.parent().filter(|p| p.exists()) {
                let _ = watcher.unwatch(parent);
                watcher.watch(parent, RecursiveMode::NonRecursive)?;
            }
            if root.exists() {
                let _ = watcher.unwatch(root);
                watcher.watch(root, RecursiveMode::Recursive)?;
            }
        }
        Ok(())
    }

    /// Whether an event changes a file under a root (a rules file, a table, the manifest).
    pub fn concerns(&self, event: &notify::Event) -> bool {
        let changes = event.kind.is_modify() || event.kind.is_create() || event.kind.is_remove();
        changes
            && event
                .paths
                .iter()
                .any(|path| self.roots.iter().any(|root| path.starts_with(root)))
    }
}

#[cfg(test)]
mod roots_tests {
    use super::Roots;
    use notify::event::{CreateKind, EventKind};
    use std::path::Path;

    fn created(path: &str) -> notify::Event {
        notify::Event::new(EventKind::Create(CreateKind::File)).add_path(path.into())
    }

    #[test]
    fn only_changes_under_a_root_count() {
        let roots = Roots::new(&[Path::new("/w/data"), Path::new("/w/t.rules")]).unwrap();
        assert!(roots.concerns(&created("/w/data/T.csv")));
        assert!(roots.concerns(&created("/w/data")));
        assert!(roots.concerns(&created("/w/t.rules")));
        assert!(!roots.concerns(&created("/w/report.json")));
        assert!(!roots.concerns(&created("/w/t.rules.swp")));
        let access = notify::Event::new(EventKind::Access(notify::event::AccessKind::Any))
            .add_path("/w/data/T.csv".into());
        assert!(!roots.concerns(&access));
    }
}
