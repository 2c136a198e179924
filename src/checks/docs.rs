//! One paragraph per rule kind: what it checks, why it matters, an example, what it does not
//! flag. The README's rules reference repeats these.

use crate::lang::ast::Kind;

pub fn doc(kind: Kind) -> &'static str {
    match kind {
        Kind::Sum => {
            "sum: a total equals the sum of its parts. Catches a total that was not updated \
             after a part changed. Example: `A2[合计, c] = sum(A2[types, c])`, or \
             `A9 hierarchy` for every group's 合计 and the grand total. `其中` rows are never parts."
        }
        Kind::Share => {
            "share: a percentage equals part / total × 100. Example: \
             `A2[r, 占比] = share(A2[r, 金额], A2[合计, 金额])`."
        }
        Kind::Growth => {
            "growth: a growth rate equals (current / prior − 1) × 100, or an increment equals \
             current − prior. Example: `T1-2[y, 同比增长] = increment(T1-2[y, 数量], T1-2[prior(y), 数量])`."
        }
        Kind::Ratio => {
            "ratio: a figure derived from others with explicit units, such as an average per \
             contract in 万元 = amount in 亿元 × 10000 / count."
        }
        Kind::Equal => {
            "equal: the same figure printed twice must be one value printed twice: at one \
             precision the same digits (512.4 vs 512.5 is a finding), at two precisions \
             rounding intervals that meet (2.5 and 2 agree: 2.46 prints as both). A count is \
             exact (3 counted vs 2.5 printed is a finding)."
        }
        Kind::Matrix => {
            "matrix: a two-way table's rows add up to its total column and its columns to its \
             total row."
        }
        Kind::Rank => {
            "rank: a rank column agrees with the descending order of a value column; ties within \
             rounding may be ranked either way."
        }
        Kind::Expr => {
            "expr: any comparison (=, <, <=, >, >=) of arithmetic over cells, for plausibility \
             bounds such as institutions <= contracts."
        }
        Kind::Unchecked => {
            "unchecked: figures nothing in the book can confirm (no table prints them and no \
             other figure relates to them), each declaration with its reason. No check: \
             `--coverage` lists them with the reason instead of as forgotten."
        }
    }
}
