//! `crossfoot::lint::duplicate_id`: two rules with one id.
//!
//! Why it matters: reports, baselines and `explain` name rules by id; a repeated id makes a
//! finding ambiguous and a baseline entry match the wrong rule. `check` refuses such rules
//! (exit 2); `lint` reports every repeat, with the first use, and lints the rest.
//!
//! Example: `sum A2.total "…"` written twice, in one file or in two.

use super::{Lint, LintCode, Place};
use crate::engine::ParsedFile;
use std::collections::HashMap;

pub(super) fn lint(files: &[ParsedFile]) -> Vec<Lint> {
    let mut first: HashMap<&str, Place> = HashMap::new();
    let mut lints = Vec::new();
    for parsed in files {
        for rule in &parsed.file.rules {
            let here = Place {
                source: parsed.source.clone(),
                span: rule.id.span,
                label: "used again here".to_string(),
            };
            match first.get(rule.id.value.as_str()) {
                Some(earlier) => {
                    let line = earlier.source.line_column(earlier.span.offset).line;
                    lints.push(Lint {
                        code: LintCode::DuplicateId,
                        message: format!("rule id `{}` is used twice", rule.id.value),
                        help: format!(
                            "first used at {}:{line}; give every rule its own id",
                            earlier.source.path().display()
                        ),
                        rules: vec![rule.id.value.clone()],
                        places: vec![
                            here,
                            Place {
                                label: "first used here".to_string(),
                                ..earlier.clone()
                            },
                        ],
                        cells: Vec::new(),
                    });
                }
                None => {
                    first.insert(&rule.id.value, here);
                }
            }
        }
    }
    lints
}
