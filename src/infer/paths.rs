//! How a proposed rule names a row or a column: the shortest path of printed labels that the
//! rules language resolves to exactly that row or column, so the rules read as a statistician
//! would write them (`合计`, `2021年/金额`) and never name two places.

use crate::engine::resolve::{Axis, Key, lookup};
use crate::lang::lexer::is_word;
use crate::table::Table;

/// A label as a segment of a path: as printed when it reads as one word of the language,
/// in double quotes otherwise. `None` for a label no rule can write (it holds a `"`).
pub fn segment(key: &str) -> Option<String> {
    if key.contains('"') || key.contains('\n') || key.is_empty() {
        return None;
    }
    // An ASCII word could be read as a keyword or a loop variable (`current`, `rows`, `row`).
    let ascii_word = key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let numeral = key.chars().all(|c| c.is_ascii_digit());
    if numeral || (is_word(key) && !ascii_word) {
        Some(key.to_string())
    } else {
        Some(format!("\"{key}\""))
    }
}

/// The shortest path that names row (or column) `index` of `table` and nothing else: its last
/// label alone, then its last two, … then every label; `None` when no path does.
pub fn path(table: &Table, axis: Axis, index: usize) -> Option<String> {
    let labels = axis.paths(table).get(index)?;
    let keys: Vec<String> = labels
        .labels()
        .iter()
        .map(|label| label.key().into_owned())
        .filter(|key| !key.is_empty())
        .collect();
    (1..=keys.len()).find_map(|take| {
        let tail = keys.get(keys.len() - take..)?;
        let lookup_keys: Vec<Key> = tail.iter().map(|k| Key::label(k)).collect();
        if lookup(table, axis, &lookup_keys).ok()? != index {
            return None;
        }
        let segments: Option<Vec<String>> = tail.iter().map(|k| segment(k)).collect();
        Some(segments?.join("/"))
    })
}

/// The label a row (or column) is known by in words: its path as printed, units left out.
pub fn words(table: &Table, axis: Axis, index: usize) -> String {
    axis.paths(table)
        .get(index)
        .map_or_else(String::new, |labels| {
            labels
                .labels()
                .iter()
                .map(|label| label.key().into_owned())
                .filter(|key| !key.is_empty())
                .collect::<Vec<_>>()
                .join("/")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_that_are_not_one_word_are_quoted() {
        assert_eq!(segment("合计").as_deref(), Some("合计"));
        assert_eq!(segment("2021年").as_deref(), Some("2021年"));
        assert_eq!(segment("2021").as_deref(), Some("2021"));
        assert_eq!(segment("current").as_deref(), Some("\"current\""));
        assert_eq!(
            segment("技术合同成交额/GDP").as_deref(),
            Some("\"技术合同成交额/GDP\"")
        );
        assert_eq!(segment("医疗、卫生").as_deref(), Some("医疗、卫生"));
        assert_eq!(segment("a\"b"), None);
    }
}
