//! Figures stated in the book's text: `成交额为 3246.6 亿元`, `同比增长 35.4%`, `近九成`.
//!
//! [`extract`] finds every figure of the narrative (table rows, captions and the table of
//! contents are not narrative) with its unit, the bound its words put on it (`近`, `超过`,
//! `以上` …), the sentence it stands in and its span, so that rules can bind claims to the
//! tables and a report can point at the figure in the text.

pub mod anchor;

use crate::interval::Interval;
use crate::number::ascii_twin;
use crate::source::{SharedSource, Span, named};
use crate::table::label::{Label, LabelPath};
use crate::table::read::MAX_ERRORS_PER_FILE;
use crate::table::{Cell, Grid, Table, TableError, TableMeta, TableWarning};
use rust_decimal::Decimal;
use serde::Serialize;

/// Units the book writes after a figure, longest first so that `亿元` wins over `元`.
const UNITS: &[&str] = &[
    "个百分点",
    "亿元",
    "万元",
    "万家",
    "万项",
    "万人",
    "人次",
    "元",
    "项",
    "家",
    "人",
    "个",
    "倍",
    "位",
    "%",
    "％",
    "次",
    "名",
    "支",
    "所",
    "场",
];
/// What follows a number that is a date or a label, not a figure (`211 工程` names a
/// programme).
pub(crate) const NOT_FIGURES_AFTER: &[&str] = &["年", "月", "日", "-", "工程"];
/// What precedes a number that is a reference, not a figure: 表 1-1, 图 1-3, 第 5 位.
pub(crate) const NOT_FIGURES_BEFORE: &[&str] = &["表", "图", "第", "附表"];

/// How a figure is stated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// `为 3246.6 亿元`
    Exact,
    /// `超过`, `逾`, `以上`, `超七成`: more than the figure.
    AtLeast,
    /// `100余家`, `2800多项`: a little more, under the next step of the last digit.
    Odd,
    /// `不足`, `低于`, `以下`: less than the figure.
    AtMost,
    /// `近`, `近九成`, `将近`: just under the figure.
    Near,
    /// `约`: about.
    About,
}

/// One figure stated in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The figure's value as written (a percentage as its number: 35.4 for 35.4%).
    pub value: Decimal,
    pub unit: Option<&'static str>,
    pub bound: Bound,
    /// Written in Chinese number words (`九成` = 90 %).
    pub in_words: bool,
    /// Typed with full-width digits or `．` (`３１.５%`, as a Chinese input method types them):
    /// read as its ASCII twin, and warned about as a table's figure is.
    pub full_width: bool,
    /// The figure and its unit as printed.
    pub span: Span,
    /// The sentence it stands in.
    pub sentence: Span,
    /// The part of the book (1–7), from the `第X部分` headings.
    pub part: Option<u8>,
}

impl Claim {
    /// The values the words allow, where they say more than the printed digits: `超过 70%`
    /// (more than 70: from 70 less half a printed unit, unbounded above), `100余家` (a little
    /// more: up to the next step of the last digit, 200), `不足 5%` (less than),
    /// `近 90%` (just under:
    /// down to one step of the figure's last non-zero digit, 80), `约 95%` (a step either
    /// side), and a share in words, `九成`, half a 成 either side (85–95). `None` for a plain
    /// figure, which stands for its rounding interval.
    pub fn stated_interval(&self) -> Option<Interval> {
        let value = self.value;
        // A figure printed with 28 decimals has no finer unit to halve: use the finest there is.
        let half_unit = Decimal::try_new(5, self.value.scale() + 1).unwrap_or(Decimal::new(5, 28));
        let step = if self.in_words {
            Decimal::TEN
        } else {
            last_digit_step(value)
        };
        let half_step = step / Decimal::TWO;
        let between = |low: Decimal, high: Decimal| Some(Interval::between(low, high));
        match self.bound {
            Bound::Exact if self.in_words => between(
                value.saturating_sub(half_step),
                value.saturating_add(half_step),
            ),
            Bound::Exact => None,
            Bound::AtLeast => between(value.saturating_sub(half_unit), OPEN_END),
            Bound::Odd => between(value.saturating_sub(half_unit), value.saturating_add(step)),
            Bound::AtMost => between(-OPEN_END, value.saturating_add(half_unit)),
            Bound::Near => between(value.saturating_sub(step), value.saturating_add(half_unit)),
            Bound::About => between(value.saturating_sub(step), value.saturating_add(step)),
        }
    }
}

/// Where "more than" ends and "less than" starts: beyond any figure a yearbook prints (in its
/// units), yet small enough that arithmetic over it (× 10 000 for 万) stays exact.
pub const OPEN_END: Decimal = Decimal::from_parts(0xD4A5_1000, 0xE8, 0, false, 0);

/// The place value of a figure's last non-zero digit: 10 for 90, 1 for 95, 0.01 for 2.12.
fn last_digit_step(value: Decimal) -> Decimal {
    let normalized = value.normalize();
    if normalized.is_zero() {
        return Decimal::ONE;
    }
    let mut step = Decimal::new(1, normalized.scale());
    let mut mantissa = normalized.mantissa().abs();
    while normalized.scale() == 0 && mantissa % 10 == 0 {
        mantissa /= 10;
        step *= Decimal::TEN;
    }
    step
}

/// Every figure of the narrative, in reading order.
pub fn extract(source: &SharedSource) -> Vec<Claim> {
    let text = source.text();
    let mut claims = Vec::new();
    let mut part = None;
    for line in source.lines() {
        let Some(content) = text.get(line.offset..line.offset + line.length) else {
            continue;
        };
        if let Some(number) = part_heading(content) {
            part = Some(number);
            continue;
        }
        if part.is_none() || !is_narrative(content) {
            continue;
        }
        claims.extend(figures_in_line(&Prose::new(content, line.offset, part)));
    }
    claims
}

/// `第三部分 各地技术交易` → 3 (a heading line, not a table-of-contents entry with a page).
fn part_heading(line: &str) -> Option<u8> {
    let rest = line.strip_prefix('第')?;
    let (numeral, title) = rest.split_once("部分")?;
    if title.contains('\t') {
        return None;
    }
    let value = chinese_digit(numeral.chars().next()?)?;
    u8::try_from(value).ok()
}

/// Prose, not a table row (tab-separated), a caption or a short heading.
fn is_narrative(line: &str) -> bool {
    let trimmed = line.trim();
    !(line.contains('\t')
        || trimmed.starts_with('表')
        || trimmed.starts_with('图')
        || trimmed.starts_with("附表")
        || trimmed.starts_with("续表")
        || trimmed.chars().count() < 12)
}

fn chinese_digit(c: char) -> Option<u32> {
    "〇一二三四五六七八九十"
        .chars()
        .position(|d| d == c)
        .and_then(|p| u32::try_from(p).ok())
}

/// A line of prose: its text, its byte offset in the file, the part of the book it is in, its
/// characters and where its sentences stop.
struct Prose<'l> {
    text: &'l str,
    base: usize,
    part: Option<u8>,
    /// Each character and its byte.
    chars: Vec<(usize, char)>,
    /// The byte of each `。！？；` of the line, and whether it ends a sentence (`；` only
    /// ends the words a claim's sentence starts after). Found once per line: looked for from
    /// each figure, they were read again for every figure of a sentence.
    stops: Vec<(usize, bool)>,
}

impl<'l> Prose<'l> {
    fn new(text: &'l str, base: usize, part: Option<u8>) -> Self {
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let stops = chars
            .iter()
            .filter_map(|&(at, c)| match c {
                '。' | '！' | '？' => Some((at, true)),
                '；' => Some((at, false)),
                _ => None,
            })
            .collect();
        Self {
            text,
            base,
            part,
            chars,
            stops,
        }
    }

    /// The sentence holding `start..end` of the line: from after the previous `。！？；` to
    /// the next `。！？`, within the line.
    fn sentence_around(&self, start: usize, end: usize) -> Span {
        // Every stop is as long as `。`.
        let after_stop = |&(at, _): &(usize, bool)| at + '。'.len_utf8();
        let before = self.stops.partition_point(|&(at, _)| at < start);
        let from = before
            .checked_sub(1)
            .and_then(|last| self.stops.get(last))
            .map_or(0, after_stop);
        let to = self
            .stops
            .get(self.stops.partition_point(|&(at, _)| at < end)..)
            .and_then(|after| after.iter().find(|&&(_, ends)| ends))
            .map_or(self.text.len(), after_stop);
        Span::new(self.base + from, to.saturating_sub(from))
    }
}

/// The figures of one line of prose.
fn figures_in_line(prose: &Prose<'_>) -> Vec<Claim> {
    let chars = prose.chars.as_slice();
    let mut claims = Vec::new();
    let mut index = 0;
    while let Some(&(start, c)) = chars.get(index) {
        let previous = index
            .checked_sub(1)
            .and_then(|i| chars.get(i))
            .map(|&(_, c)| c);
        // Read as typed in ASCII, as anchors are: `Ｇ20` is a name, as `G20` is.
        let continues = |p: char| {
            let p = ascii_twin(p).unwrap_or(p);
            p.is_ascii_alphanumeric() || matches!(p, '.' | '-')
        };
        let starts_number = digit_of(c).is_some() && !previous.is_some_and(continues);
        if starts_number {
            let (end_index, value) = number_at(chars, index);
            let full_width = chars
                .get(index..end_index)
                .unwrap_or_default()
                .iter()
                .any(|&(_, c)| !c.is_ascii());
            index = end_index;
            let claim = value.and_then(|v| numeric_claim(prose, start, end_index, v));
            if let Some(claim) = claim {
                claims.push(Claim {
                    full_width,
                    ..claim
                });
            }
            continue;
        }
        if let Some((end_index, claim)) = word_claim(prose, index) {
            claims.push(claim);
            index = end_index;
            continue;
        }
        index += 1;
    }
    claims
}

/// The ASCII digit a character of a figure stands for: itself, or a full-width digit's twin.
fn digit_of(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '０'..='９' => ascii_twin(c),
        _ => None,
    }
}

/// A number starting at `index`: digits, a space before each further group of three, an
/// optional decimal part (digits and point in ASCII or full width). Returns where it ends (a
/// char index) and its value.
fn number_at(chars: &[(usize, char)], index: usize) -> (usize, Option<Decimal>) {
    let digit_at = |i: usize| chars.get(i).and_then(|&(_, c)| digit_of(c));
    let digit = |i: usize| digit_at(i).is_some();
    let mut end = index;
    let mut text = String::new();
    while let Some(d) = digit_at(end) {
        text.push(d);
        end += 1;
        // A space, or the ideographic space a Chinese input method types for one.
        let grouped = chars
            .get(end)
            .is_some_and(|&(_, c)| c == ' ' || ascii_twin(c) == Some(' '))
            && (1..=3).all(|k| digit(end + k))
            && !digit(end + 4);
        if grouped {
            end += 1;
        }
    }
    if chars
        .get(end)
        .is_some_and(|&(_, c)| matches!(c, '.' | '．'))
        && digit(end + 1)
    {
        text.push('.');
        end += 1;
        while let Some(d) = digit_at(end) {
            text.push(d);
            end += 1;
        }
    }
    (end, text.parse().ok())
}

fn numeric_claim(
    prose: &Prose<'_>,
    start: usize,
    end_index: usize,
    value: Decimal,
) -> Option<Claim> {
    let (line, chars) = (prose.text, prose.chars.as_slice());
    let after_number = chars.get(end_index).map_or(line.len(), |&(i, _)| i);
    let rest = line.get(after_number..)?;
    let rest_trimmed = rest.trim_start_matches(' ');
    if NOT_FIGURES_AFTER
        .iter()
        .any(|s| rest_trimmed.starts_with(s))
    {
        return None;
    }
    let before = line.get(..start)?.trim_end_matches(' ');
    // `表 1-1`, and the day of `5月18—19日`.
    if NOT_FIGURES_BEFORE.iter().any(|s| before.ends_with(s)) || before.ends_with('月') {
        return None;
    }
    // `1. 技术市场…` or `2、…` at the start of a line numbers a heading.
    if before.trim().is_empty() && (rest.starts_with('.') || rest.starts_with('、')) {
        return None;
    }
    let (unit, unit_length, more) = unit_after(rest_trimmed);
    let end = if unit.is_some() {
        after_number + (rest.len() - rest_trimmed.len()) + unit_length
    } else {
        after_number
    };
    let after_unit = line.get(end..).unwrap_or_default();
    let bound = if more {
        Bound::Odd
    } else {
        bound_of(before, after_unit, value)
    };
    Some(Claim {
        value,
        unit: unit.map(|u| if u == "％" { "%" } else { u }),
        bound,
        in_words: false,
        full_width: false,
        span: Span::new(prose.base + start, end - start),
        sentence: prose.sentence_around(start, end),
        part: prose.part,
    })
}

/// The unit written after a number: the unit, the bytes it takes, and whether `余` or `多`
/// stands before it (`100余家`, `7 万多家`: more than the figure).
fn unit_after(rest: &str) -> (Option<&'static str>, usize, bool) {
    if let Some(unit) = UNITS.iter().copied().find(|u| rest.starts_with(u)) {
        return (Some(unit), unit.len(), false);
    }
    let (scale, rest_after_scale) = match rest.strip_prefix('万') {
        Some(r) => ("万", r),
        None => ("", rest),
    };
    let Some(after_word) = rest_after_scale
        .strip_prefix('余')
        .or_else(|| rest_after_scale.strip_prefix('多'))
    else {
        return (None, 0, false);
    };
    let unit = UNITS
        .iter()
        .copied()
        .filter(|u| u.starts_with(scale))
        .find(|u| after_word.starts_with(&u[scale.len()..]));
    match unit {
        Some(unit) => (
            Some(unit),
            rest.len() - after_word.len() + unit.len() - scale.len(),
            true,
        ),
        None => (None, 0, false),
    }
}

/// `近九成`, `超七成`, `九成`: a share in tenths, in words.
fn word_claim(prose: &Prose<'_>, index: usize) -> Option<(usize, Claim)> {
    let chars = prose.chars.as_slice();
    // `成` first: this runs for every character of the text's prose, and few are followed
    // by one.
    let &(suffix_at, suffix) = chars.get(index + 1)?;
    if suffix != '成' {
        return None;
    }
    let &(start, first) = chars.get(index)?;
    let tenths = chinese_digit(first).filter(|&d| (1..=9).contains(&d))?;
    let end = suffix_at + suffix.len_utf8();
    let line = prose.text;
    let before = line.get(..start)?;
    Some((
        index + 2,
        Claim {
            value: Decimal::from(tenths * 10),
            unit: Some("%"),
            bound: bound_of(
                before,
                line.get(end..).unwrap_or_default(),
                Decimal::from(tenths * 10),
            ),
            in_words: true,
            full_width: false,
            span: Span::new(prose.base + start, end - start),
            sentence: prose.sentence_around(start, end),
            part: prose.part,
        },
    ))
}

/// The bound that the words around a figure put on it. After a comparison (`远远高于全国平均
/// 水平 556.2 万元`) a figure with decimals is the exact figure compared with, not a bound.
fn bound_of(before: &str, after: &str, value: Decimal) -> Bound {
    // `均超过了 100%`, `100% 以上`.
    let before = before.trim_end().trim_end_matches('了');
    let after = after.trim_start();
    let compared = ["高于", "低于", "多于"].iter().any(|w| before.ends_with(w));
    if compared && !value.fract().is_zero() {
        return Bound::Exact;
    }
    if ["超过", "超", "逾", "高于", "多于"]
        .iter()
        .any(|w| before.ends_with(w))
        || ["以上", "多"].iter().any(|w| after.starts_with(w))
    {
        Bound::AtLeast
    } else if before.ends_with('近') {
        Bound::Near
    } else if ["不足", "不到", "低于"].iter().any(|w| before.ends_with(w))
        || ["以下", "以内"].iter().any(|w| after.starts_with(w))
    {
        Bound::AtMost
    } else if before.ends_with('约') || before.ends_with("约为") || after.starts_with('左') {
        Bound::About
    } else {
        Bound::Exact
    }
}

/// The id of the table of the text's figures.
pub const TEXT_TABLE: &str = "TEXT";

/// Units whose figures are whole counts, checked exactly.
const COUNT_UNITS: &[&str] = &["项", "家", "人", "个", "位", "次", "名", "人次"];

/// The figures of the text as a table rules can address: one row per figure, labelled by the
/// part of the book (`P1` … `P7`) and its sentence up to the figure — rules name a row by the
/// part and the words just before the figure: `TEXT[P1/"成交额为", figure]` — one column
/// `figure`, each cell spanning the figure in the text.
pub fn text_table(source: &SharedSource) -> Table {
    let claims = extract(source);
    let mut rows = Vec::with_capacity(claims.len());
    let mut cells = Vec::with_capacity(claims.len());
    let mut spans = Vec::with_capacity(claims.len());
    let mut stated = Vec::with_capacity(claims.len());
    let mut unreadable = Vec::new();
    for claim in &claims {
        stated.push(claim.stated_interval());
        let prefix = Span::new(
            claim.sentence.offset,
            claim.span.offset - claim.sentence.offset,
        );
        let part = format!("P{}", claim.part.unwrap_or(0));
        rows.push(LabelPath::new([
            Label::new(&part, Span::default()),
            Label::new(source.slice(prefix), prefix),
        ]));
        let exact = claim.unit.is_some_and(|u| COUNT_UNITS.contains(&u));
        let cell = Cell::value(claim.value, exact).unwrap_or_else(|| {
            unreadable.push(too_many_digits(source, claim));
            Cell::UNREADABLE
        });
        cells.push(cell);
        spans.push(claim.span);
    }
    let meta = TableMeta {
        id: TEXT_TABLE.to_string(),
        printed: "正文".to_string(),
        caption: "the figures stated in the book's text".to_string(),
        anchored: true,
        ..TableMeta::default()
    };
    let grid = Grid {
        rows,
        columns: vec![LabelPath::new([Label::new("figure", Span::default())])],
        cells,
        row_starts: Vec::new().into(),
        figure_fields: Vec::new(),
        cell_spans: Some(spans),
        stated: Some(stated),
        warnings: full_width_warnings(source, &claims),
    };
    Table::new(meta, source.clone(), grid).with_unreadable(unreadable)
}

/// A warning for each figure of the text typed in full width, as for a table's (the first
/// [`MAX_ERRORS_PER_FILE`], then how many more).
fn full_width_warnings(source: &SharedSource, claims: &[Claim]) -> Vec<TableWarning> {
    let typed: Vec<&Claim> = claims.iter().filter(|claim| claim.full_width).collect();
    let mut warnings: Vec<TableWarning> = typed
        .iter()
        .take(MAX_ERRORS_PER_FILE)
        .map(|claim| TableWarning::full_width(source, claim.span, source.slice(claim.span)))
        .collect();
    if typed.len() > MAX_ERRORS_PER_FILE {
        warnings.push(TableWarning::MoreFullWidth {
            path: source.path().to_path_buf(),
            count: typed.len() - MAX_ERRORS_PER_FILE,
        });
    }
    warnings
}

/// A figure of the text with more digits than a cell holds: an input error, as in a table,
/// never a silent "not applicable".
fn too_many_digits(source: &SharedSource, claim: &Claim) -> TableError {
    TableError::BadNumber {
        source_code: named(source),
        span: claim.span.into(),
        message: format!(
            "`{}` has more digits than crossfoot holds (16)",
            source.slice(claim.span)
        ),
        help: "a figure of the text is checked only if it has at most 16 significant digits".into(),
    }
}

#[derive(Serialize)]
struct ClaimJson<'a> {
    value: String,
    text: &'a str,
    unit: Option<&'static str>,
    bound: Bound,
    in_words: bool,
    part: Option<u8>,
    line: usize,
    column: usize,
    /// For a Word document: the paragraph and the figure's characters there, and no span.
    #[serde(skip_serializing_if = "Option::is_none")]
    paragraph: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    characters: Option<CharactersJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    span: Option<SpanJson>,
    sentence: &'a str,
}

/// First and last character in the paragraph, 1-based and both inclusive.
#[derive(Serialize)]
struct CharactersJson {
    start: usize,
    end: usize,
}

#[derive(Serialize)]
struct SpanJson {
    offset: usize,
    length: usize,
}

/// The claims as a JSON array (values as exact decimal strings).
pub fn render_json(source: &SharedSource, claims: &[Claim]) -> String {
    let items: Vec<ClaimJson<'_>> = claims
        .iter()
        .map(|c| {
            let at = source.line_column(c.span.offset);
            // Bytes of the file as stored (a GBK text's GBK bytes); none in a Word document.
            let stored = source.stored_span(c.span);
            let place = source.paragraph_span(c.span);
            ClaimJson {
                value: c.value.to_string(),
                text: source.slice(c.span),
                unit: c.unit,
                bound: c.bound,
                in_words: c.in_words,
                part: c.part,
                line: at.line,
                column: at.column,
                paragraph: place.map(|p| p.paragraph),
                characters: place.map(|p| CharactersJson {
                    start: p.first,
                    end: p.last,
                }),
                span: stored.map(|stored| SpanJson {
                    offset: stored.offset,
                    length: stored.length,
                }),
                sentence: source.slice(c.sentence).trim(),
            }
        })
        .collect();
    serde_json::to_string_pretty(&items).unwrap_or_default()
}

/// One line per claim, then a count per part of the book.
pub fn render_text(source: &SharedSource, claims: &[Claim]) -> String {
    let mut out = String::new();
    for claim in claims {
        let at = source.line_column(claim.span.offset);
        let bound = match claim.bound {
            Bound::Exact => "",
            Bound::AtLeast => " (at least)",
            Bound::Odd => " (a little more)",
            Bound::AtMost => " (at most)",
            Bound::Near => " (just under)",
            Bound::About => " (about)",
        };
        let place = source.address(claim.span).map_or_else(
            || format!(":{}:{}", at.line, at.column),
            |p| format!(" {p}"),
        );
        out.push_str(&format!(
            "{}{place}  {}{bound}\n",
            source.path().display(),
            source.slice(claim.span)
        ));
    }
    let mut parts: Vec<(Option<u8>, usize)> = Vec::new();
    for claim in claims {
        match parts.iter_mut().find(|(p, _)| *p == claim.part) {
            Some((_, count)) => *count += 1,
            None => parts.push((claim.part, 1)),
        }
    }
    let counts: Vec<String> = parts
        .iter()
        .map(|(p, n)| format!("part {}: {n}", p.map_or("?".to_string(), |p| p.to_string())))
        .collect();
    out.push_str(&format!(
        "{} figures in the text ({})\n",
        claims.len(),
        counts.join(", ")
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;
    use std::sync::Arc;

    fn claims_of(prose: &str) -> Vec<(String, Option<&'static str>, Bound)> {
        let text = format!("第一部分 概述\n{prose}\n");
        let source = Arc::new(SourceFile::new("t.txt", text));
        extract(&source)
            .into_iter()
            .map(|c| (source.slice(c.span).to_string(), c.unit, c.bound))
            .collect()
    }

    /// A figure typed with full-width digits or `．`, as a Chinese input method types them,
    /// is a figure of the text read as its ASCII twin, marked so that it is warned about; a
    /// full-width year is still no figure.
    #[test]
    fn a_figure_typed_in_full_width_is_read_as_its_ascii_twin_and_marked() {
        let text = "第一部分 概述\n成交额为１１ ６７３．９亿元，同比增长３１.５%，比２０２０年提高2.1个百分点。\n";
        let source = Arc::new(SourceFile::new("t.txt", text.to_string()));
        let claims = extract(&source);
        let found: Vec<(&str, String, bool)> = claims
            .iter()
            .map(|c| (source.slice(c.span), c.value.to_string(), c.full_width))
            .collect();
        assert_eq!(
            found,
            [
                ("１１ ６７３．９亿元", "11673.9".to_string(), true),
                ("３１.５%", "31.5".to_string(), true),
                ("2.1个百分点", "2.1".to_string(), false),
            ]
        );
        let warnings: Vec<String> = full_width_warnings(&source, &claims)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            warnings,
            [
                "`１１ ６７３．９亿元` is typed with full-width or typographic characters; read as `11 673.9亿元`",
                "`３１.５%` is typed with full-width or typographic characters; read as `31.5%`",
            ]
        );
    }

    /// An input method in full width types the space between groups of digits as an
    /// ideographic space: one figure, as with a space. Before, it was read as two (`１１` and
    /// `６７３．９`).
    #[test]
    fn an_ideographic_space_between_groups_of_digits_is_a_thousands_space() {
        let text = "第一部分 概述\n全年成交额为１１\u{3000}６７３．９亿元，同比增长。\n";
        let source = Arc::new(SourceFile::new("t.txt", text.to_string()));
        let found: Vec<(&str, String)> = extract(&source)
            .iter()
            .map(|c| (source.slice(c.span), c.value.to_string()))
            .collect();
        assert_eq!(
            found,
            [("１１\u{3000}６７３．９亿元", "11673.9".to_string())]
        );
    }

    /// A name typed in full-width letters (`Ｇ20`) holds no figure, as `G20` does not.
    #[test]
    fn a_number_after_a_full_width_letter_is_part_of_a_name() {
        let text = "第一部分 概述\n与Ｇ20国家的技术合同成交额为120亿元，同比增长。\n";
        let source = Arc::new(SourceFile::new("t.txt", text.to_string()));
        let found: Vec<&str> = extract(&source)
            .iter()
            .map(|c| source.slice(c.span))
            .collect();
        assert_eq!(found, ["120亿元"]);
    }

    #[test]
    fn figures_with_units_but_not_years_or_references() {
        let found = claims_of(
            "全国技术合同成交额为37 294.3亿元，占国内生产总值的比重由2020年的2.8%上升至3.3%（表1-1）。",
        );
        assert_eq!(
            found,
            [
                ("37 294.3亿元".to_string(), Some("亿元"), Bound::Exact),
                ("2.8%".to_string(), Some("%"), Bound::Exact),
                ("3.3%".to_string(), Some("%"), Bound::Exact),
            ]
        );
    }

    #[test]
    fn more_than_in_words_between_figure_and_unit() {
        let found =
            claims_of("联盟100余家、基地200余个，较上年新增 7 万多家，设立36支子基金，增加63所。");
        assert_eq!(
            found,
            [
                ("100余家".to_string(), Some("家"), Bound::Odd),
                ("200余个".to_string(), Some("个"), Bound::Odd),
                ("7 万多家".to_string(), Some("万家"), Bound::Odd),
                ("36支".to_string(), Some("支"), Bound::Exact),
                ("63所".to_string(), Some("所"), Bound::Exact),
            ]
        );
    }

    #[test]
    fn words_around_a_figure_widen_what_it_stands_for() {
        let text = "第一部分 概述\n占比超七成，比重近90%，约为2.12倍，占九成，增幅不足5%，共1000余家机构。\n";
        let source = Arc::new(SourceFile::new("t.txt", text.to_string()));
        let intervals: Vec<Option<(String, String)>> = extract(&source)
            .iter()
            .map(|c| {
                c.stated_interval()
                    .map(|i| (i.low().to_string(), i.high().to_string()))
            })
            .collect();
        assert_eq!(OPEN_END, Decimal::from(1_000_000_000_000_u64));
        let max = OPEN_END.to_string();
        let min = (-OPEN_END).to_string();
        let pair = |a: &str, b: &str| Some((a.to_string(), b.to_string()));
        assert_eq!(
            intervals,
            [
                pair("69.5", &max),
                pair("80", "90.5"),
                pair("2.11", "2.13"),
                pair("85", "95"),
                pair(&min, "5.5"),
                pair("999.5", "2000"),
            ]
        );
    }

    #[test]
    fn a_figure_with_28_decimals_or_28_digits_has_a_stated_interval() {
        // Found by fuzzing: half a unit of a figure with 28 decimals does not exist.
        let tiny = format!(
            "第一部分 概述\n占比超过0.{}1%，合计近{}9亿元。\n",
            "0".repeat(27),
            "9".repeat(27)
        );
        let source = Arc::new(SourceFile::new("t.txt", tiny));
        for claim in extract(&source) {
            assert!(claim.stated_interval().is_some());
        }
    }

    #[test]
    fn days_and_programme_names_are_not_figures() {
        let found = claims_of("- 5月18—19日 对11家机构开展评价，45 家为依托“211 工程”大学的机构。");
        let texts: Vec<&str> = found.iter().map(|(t, _, _)| t.as_str()).collect();
        assert_eq!(texts, ["11家", "45 家"]);
    }

    #[test]
    fn bounds_in_words_and_shares_in_tenths() {
        let found = claims_of(
            "两类合同成交额之和占全国的比重近90%，企业占比超七成，服务对象80%以上为企业。",
        );
        assert_eq!(found[0], ("90%".to_string(), Some("%"), Bound::Near));
        assert_eq!(found[1], ("七成".to_string(), Some("%"), Bound::AtLeast));
        assert_eq!(found[2], ("80%".to_string(), Some("%"), Bound::AtLeast));
    }

    #[test]
    fn heading_numbers_are_not_figures() {
        assert!(claims_of("1. 技术市场持续快速发展，实现“十四五”良好开局").is_empty());
        assert!(claims_of("2、技术开发与转让持续活跃，科技创新能力提升").is_empty());
    }

    #[test]
    fn table_rows_and_captions_are_not_prose() {
        assert!(claims_of("北京\t84 451\t93 563").is_empty());
        assert!(claims_of("表 2-1 2021 年各类技术交易卖方机构构成及交易情况").is_empty());
    }

    #[test]
    fn a_claim_knows_its_sentence() {
        let text = "第一部分 概述\n这是第一句话，共有 5 项。第二句成交额为 3246.6 亿元，同比增长 35.4%。\n";
        let source = Arc::new(SourceFile::new("t.txt", text.to_string()));
        let claims = extract(&source);
        let growth = claims.last().unwrap();
        assert_eq!(source.slice(growth.span), "35.4%");
        assert_eq!(
            source.slice(growth.sentence),
            "第二句成交额为 3246.6 亿元，同比增长 35.4%。"
        );
        assert_eq!(growth.part, Some(1));
    }
}
