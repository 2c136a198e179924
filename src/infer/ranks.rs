//! Ranks: a `排名` column that follows a column of figures, largest first (`rank 排名 by
//! 成交额`), over the rows that print a rank; and a rank column that numbers its rows 1 … n
//! (`sequence`), for a name list that prints no figure to rank by.

use super::Candidate;
use super::layout::{indices, is_additive, is_count, is_rank, path_of, shared_prefix};
use super::paths::{path, words};
use crate::engine::resolve::Axis;
use crate::table::manifest::Dataset;

pub fn candidates(dataset: &Dataset, table: usize) -> Vec<Candidate> {
    let Some(t) = dataset.tables.get(table) else {
        return Vec::new();
    };
    let id = t.id();
    let mut out = Vec::new();
    for rank in indices(t, Axis::Column) {
        let rank_path = path_of(t, Axis::Column, rank);
        if !is_rank(&rank_path) {
            continue;
        }
        let Some(rank_name) = path(t, Axis::Column, rank) else {
            continue;
        };
        let unranked: Option<Vec<String>> = indices(t, Axis::Row)
            .filter(|&r| t.cell(r, rank).is_none_or(|c| c.figure().is_none()))
            .map(|r| path(t, Axis::Row, r))
            .collect();
        let Some(unranked) = unranked else {
            continue;
        };
        let rows = if unranked.is_empty() {
            String::new()
        } else {
            format!("rows rows({id}) - [{}] ", unranked.join(", "))
        };
        for value in indices(t, Axis::Column) {
            let value_path = path_of(t, Axis::Column, value);
            if value == rank || !is_additive(t, &value_path) {
                continue;
            }
            let Some(value_name) = path(t, Axis::Column, value) else {
                continue;
            };
            // Where several columns order the rows alike, the one printed beside the rank,
            // then an amount rather than a count: the book ranks by 成交额.
            let closeness = i32::try_from(shared_prefix(&rank_path, &value_path)).unwrap_or(0) * 2
                + i32::from(!is_count(&value_path));
            out.push(Candidate {
                table,
                kind: "rank",
                name: "rank",
                description: format!(
                    "{} follows {}, largest first, in the rows that print a rank",
                    words(t, Axis::Column, rank),
                    words(t, Axis::Column, value)
                ),
                slot: format!("rank:{id}:{rank}"),
                preference: closeness,
                merge: None,
                item: String::new(),
                loops: Vec::new(),
                body: format!("{id} {rows}rank {rank_name} by {value_name}"),
            });
        }
        if unranked.is_empty() {
            out.push(Candidate {
                table,
                kind: "rank",
                name: "numbering",
                description: format!(
                    "{} numbers the rows of each group 1, 2, 3 …: no number missing or printed twice",
                    words(t, Axis::Column, rank)
                ),
                slot: format!("numbering:{id}:{rank}"),
                preference: -1,
                merge: None,
                item: String::new(),
                loops: Vec::new(),
                body: format!("{id} sequence {rank_name} by group"),
            });
            out.push(Candidate {
                table,
                kind: "rank",
                name: "numbering",
                description: format!(
                    "{} numbers the rows 1, 2, 3 … down the table: no rank missing or printed twice",
                    words(t, Axis::Column, rank)
                ),
                slot: format!("numbering:{id}:{rank}"),
                preference: 0,
                merge: None,
                item: String::new(),
                loops: Vec::new(),
                body: format!("{id} sequence {rank_name}"),
            });
        }
    }
    out
}
