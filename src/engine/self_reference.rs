//! Rules that compare a figure with itself: `A2[合计, 金额] = A2[合计, 金额]`, or a `sum` whose
//! parts include its own total. Such a check proves nothing (or fails for no reason the book
//! holds), so it is an input error on the rule, not a check.
//!
//! Found from the compiled rule, before any check runs: the published cell against every cell
//! on the other side, when both name it the same way (the same row and column, or the same
//! loop variable in the same place). A loop whose items reach the published cell only for
//! one item (`for t in [a, 合计]: T[t, x] = … T[合计, x]`) is not caught.

use super::program::{AxisTemplate, CellTemplate, CompiledExpr, CompiledRule, Work};
use crate::lang::RuleError;
use crate::source::named;
use crate::table::manifest::Dataset;

/// The self-reference in a compiled rule, if it has one.
pub(super) fn self_reference(rule: &CompiledRule, dataset: &Dataset) -> Option<RuleError> {
    match &rule.work {
        Work::Compare(comparison) => {
            let CompiledExpr::Cell(published) = &comparison.left else {
                return None;
            };
            let again = cells(&comparison.right)
                .into_iter()
                .find(|cell| same_cell(published, cell))?;
            Some(RuleError::SelfReference {
                source_code: named(&published.source),
                published: Some(published.span.into()),
                span: again.span.into(),
                again: if again.multiple {
                    "also among its parts"
                } else {
                    "the same cell"
                },
                rule: rule.id.clone(),
                cell: format!("`{}`", published.source.slice(published.span)),
            })
        }
        Work::Sums(sums) => {
            let sum = sums.iter().find(|sum| sum.parts.contains(&sum.total))?;
            let table = dataset.tables.get(sum.total.table)?;
            let row = table.row(sum.total.row)?;
            let column = table.columns().get(sum.total.column)?;
            Some(RuleError::SelfReference {
                source_code: named(&rule.source),
                published: None,
                span: rule.id_span.into(),
                again: "its total is among its parts",
                rule: rule.id.clone(),
                cell: format!("`{}[{row}, {column}]`", table.id()),
            })
        }
        _ => None,
    }
}

/// Every cell an expression names.
fn cells(expr: &CompiledExpr) -> Vec<&CellTemplate> {
    match expr {
        CompiledExpr::Number(_) => Vec::new(),
        CompiledExpr::Cell(cell) => vec![cell],
        CompiledExpr::Sum(parts) => parts.iter().flat_map(cells).collect(),
        CompiledExpr::Negate(inner) => cells(inner),
        CompiledExpr::Share(a, b)
        | CompiledExpr::Growth(a, b)
        | CompiledExpr::Add(a, b)
        | CompiledExpr::Sub(a, b)
        | CompiledExpr::Mul(a, b)
        | CompiledExpr::Div(a, b) => cells(a).into_iter().chain(cells(b)).collect(),
        // A figure against an aggregate of its column (`x <= max(…)`) is no self-reference:
        // the aggregate reads the figure among others.
        CompiledExpr::Aggregate { .. } => Vec::new(),
    }
}

/// Whether `other` names `published` in every check of the rule.
fn same_cell(published: &CellTemplate, other: &CellTemplate) -> bool {
    published.table == other.table
        && same_axis(&published.row, &other.row)
        && same_axis(&published.column, &other.column)
}

fn same_axis(published: &AxisTemplate, other: &AxisTemplate) -> bool {
    match (published, other) {
        (AxisTemplate::Fixed(one), AxisTemplate::FixedMany(many)) => many.contains(one),
        _ => published == other,
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::{ParsedFile, compile};
    use crate::lang::RuleError;
    use crate::lang::parser::parse_rules;
    use crate::source::SourceFile;
    use crate::table::TableMeta;
    use crate::table::manifest::Dataset;
    use crate::table::read::{Layout, parse_table};
    use std::sync::Arc;

    fn errors(rules: &str) -> Vec<RuleError> {
        let csv = "项目,金额,占比\na,1,25.0\nb,3,75.0\n合计,4,100.0\n";
        let source = Arc::new(SourceFile::new("T.csv", csv.to_string()));
        let meta = TableMeta {
            id: "T".to_string(),
            ..TableMeta::default()
        };
        let layout = Layout {
            header_rows: 1,
            label_columns: 1,
            text_columns: Vec::new(),
            format: crate::format::TableFormat::default(),
            shape: crate::table::shape::Shape::default(),
            labels: std::sync::Arc::default(),
        };
        let dataset = Dataset {
            tables: vec![parse_table(&source, meta, layout).unwrap()],
            ..Dataset::default()
        };
        let rules = Arc::new(SourceFile::new("t.rules", rules.to_string()));
        let file = parse_rules(&rules).unwrap();
        let files = [ParsedFile {
            source: rules,
            file,
        }];
        compile(&dataset, &files).err().unwrap_or_default()
    }

    fn is_self_reference(errors: &[RuleError]) -> bool {
        matches!(errors, [RuleError::SelfReference { .. }])
    }

    #[test]
    fn a_cell_compared_with_itself_is_an_error() {
        assert!(is_self_reference(&errors(
            "equal e \"e\" T[合计, 金额] = T[合计, 金额]\n"
        )));
        assert!(is_self_reference(&errors(
            "expr e \"e\" for r in rows(T) T[r, 金额] <= T[r, 金额] + 1\n"
        )));
    }

    #[test]
    fn a_sum_whose_parts_include_its_total_is_an_error() {
        assert!(is_self_reference(&errors(
            "sum s \"s\" T[合计, 金额] = sum(T[[合计, a, b], 金额])\n"
        )));
        assert!(is_self_reference(&errors(
            "sum s \"s\" T[合计, 金额] = T[a, 金额] + T[合计, 金额]\n"
        )));
    }

    #[test]
    fn a_total_compared_with_its_parts_is_not_an_error() {
        let rules = "sum s \"s\" T[合计, 金额] = sum(T[[a, b], 金额])\n\
                     share p \"p\" for r in [a, b] T[r, 占比] = share(T[r, 金额], T[合计, 金额])\n";
        assert!(errors(rules).is_empty(), "{:?}", errors(rules));
    }
}
