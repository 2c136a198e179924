//! Linear forms: a comparison whose sides are sums and differences of cells (`t = a + b` for
//! every row) compiles to a list of terms the evaluator adds up on integers.

use super::compile::Compiler;
use super::program::*;
use super::resolve::Axis;
use crate::source::Span;

impl Compiler<'_> {
    /// The comparison as sums of cells, if it is one.
    pub(super) fn linear_form(
        &self,
        loops: &[Items],
        left: &CompiledExpr,
        right: &CompiledExpr,
    ) -> Option<LinearForm> {
        let mut form = LinearForm::default();
        self.linear_terms(loops, left, false, &mut form.left, &mut form.left_constant)?;
        self.linear_terms(
            loops,
            right,
            false,
            &mut form.right,
            &mut form.right_constant,
        )?;
        Some(form)
    }

    fn linear_terms(
        &self,
        loops: &[Items],
        expr: &CompiledExpr,
        negative: bool,
        terms: &mut Vec<Term>,
        constant: &mut rust_decimal::Decimal,
    ) -> Option<()> {
        match expr {
            CompiledExpr::Number(n) => {
                *constant = if negative {
                    constant.checked_sub(*n)?
                } else {
                    constant.checked_add(*n)?
                };
            }
            CompiledExpr::Cell(cell) => {
                let rows = self.places(loops, cell.table, Axis::Row, &cell.row)?;
                let columns = self.places(loops, cell.table, Axis::Column, &cell.column)?;
                for row in &rows {
                    for column in &columns {
                        terms.push(Term {
                            negative,
                            table: cell.table,
                            row: row.clone(),
                            column: column.clone(),
                        });
                    }
                }
            }
            CompiledExpr::Sum(args) => {
                for arg in args {
                    self.linear_terms(loops, arg, negative, terms, constant)?;
                }
            }
            CompiledExpr::Add(a, b) => {
                self.linear_terms(loops, a, negative, terms, constant)?;
                self.linear_terms(loops, b, negative, terms, constant)?;
            }
            CompiledExpr::Sub(a, b) => {
                self.linear_terms(loops, a, negative, terms, constant)?;
                self.linear_terms(loops, b, !negative, terms, constant)?;
            }
            CompiledExpr::Negate(a) => self.linear_terms(loops, a, !negative, terms, constant)?,
            _ => return None,
        }
        Some(())
    }

    /// The places an axis template names, when they need no lookup while checking. A label
    /// that does not resolve gives `None`: the general path then reports it.
    fn places(
        &self,
        loops: &[Items],
        table: usize,
        axis: Axis,
        template: &AxisTemplate,
    ) -> Option<Vec<Place>> {
        match template {
            AxisTemplate::Fixed(index) => Some(vec![Place::Fixed(*index)]),
            AxisTemplate::FixedMany(indices) => {
                Some(indices.iter().map(|&i| Place::Fixed(i)).collect())
            }
            AxisTemplate::Variable(slot) => match (loops.get(*slot)?.unpaired(), axis) {
                (Items::AllRows { table: t, .. }, Axis::Row)
                | (Items::AllColumns { table: t, .. }, Axis::Column)
                    if *t == table =>
                {
                    Some(vec![Place::Loop(*slot)])
                }
                (Items::Listed(items), _) => {
                    let indices = items
                        .iter()
                        .map(|item| self.find_item(table, axis, item, Span::default()).ok())
                        .collect::<Option<Vec<usize>>>()?;
                    Some(vec![Place::Mapped {
                        slot: *slot,
                        indices: indices.into(),
                    }])
                }
                _ => None,
            },
            AxisTemplate::Path(_) => None,
        }
    }
}
