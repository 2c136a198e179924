//! How a proposed rule names a row or a column: the shortest path of printed labels that the
//! rules language resolves to exactly that row or column, so the rules read as a statistician
//! would write them (`合计`, `2021年/金额`) and never name two places.

use crate::engine::resolve::{Axis, Key, lookup};
use crate::lang::lexer::is_word;
use crate::table::Table;
use crate::table::label::Label;

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
/// The paths rules name a total and its parts by; `None` where any has no path that finds it.
pub fn sum_paths(
    table: &Table,
    axis: Axis,
    total: usize,
    parts: &[usize],
) -> Option<(String, Vec<String>)> {
    let total = path(table, axis, total)?;
    let parts = parts
        .iter()
        .map(|&part| path(table, axis, part))
        .collect::<Option<Vec<_>>>()?;
    Some((total, parts))
}

pub fn path(table: &Table, axis: Axis, index: usize) -> Option<String> {
    let labels = axis.paths(table).get(index)?;
    let named: Vec<(String, String)> = labels
        .labels()
        .iter()
        .map(|label| (label.key().into_owned(), written(label)))
        .filter(|(key, _)| !key.is_empty())
        .collect();
    (1..=named.len()).find_map(|take| {
        let tail = named.get(named.len() - take..)?;
        let lookup_keys: Vec<Key> = tail.iter().map(|(k, _)| Key::label(k)).collect();
        if lookup(table, axis, &lookup_keys).ok()? != index {
            return None;
        }
        let segments: Option<Vec<String>> = tail.iter().map(|(_, w)| segment(w)).collect();
        Some(segments?.join("/"))
    })
}

/// A label as a rule writes it: its name with the spaces between Latin words kept
/// (`Civilian labor force`), which a rule's lookup ignores as it ignores every space; spaces
/// elsewhere are line breaks of the printed layout (`单项合同平均 成交额`) and are left out.
fn written(label: &Label) -> String {
    let words: Vec<&str> = label.name().split_whitespace().collect();
    let between_words = words.len() > 1
        && words.windows(2).all(|pair| match pair {
            [left, right] => {
                left.ends_with(|c: char| c.is_ascii_alphanumeric() || c.is_ascii_punctuation())
                    && right.starts_with(|c: char| {
                        c.is_ascii_alphanumeric() || c.is_ascii_punctuation()
                    })
            }
            _ => false,
        });
    if between_words {
        words.join(" ")
    } else {
        label.key().into_owned()
    }
}

/// The label a row (or column) is known by in words: its path as printed, units left out.
pub fn words(table: &Table, axis: Axis, index: usize) -> String {
    axis.paths(table)
        .get(index)
        .map_or_else(String::new, |labels| {
            labels
                .labels()
                .iter()
                .filter(|label| !label.key().is_empty())
                .map(written)
                .collect::<Vec<_>>()
                .join("/")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_between_latin_words_are_written_and_layout_spaces_are_not() {
        let written_as = |text: &str| written(&Label::new(text, Default::default()));
        assert_eq!(written_as("Civilian  labor force"), "Civilian labor force");
        assert_eq!(written_as("单项合同平均 成交额"), "单项合同平均成交额");
        assert_eq!(written_as("合同数 / 项"), "合同数");
        assert_eq!(written_as("Total"), "Total");
    }

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
