//! Indicator cells: the printed text of a target, actual or baseline, and
//! what it means.
//!
//! Real cells are not plain numbers: `4,372人 (198人)`, `年間2回`, `80台以下`,
//! `概ね80%台を維持`, `再構築`, `①92回/年 ②85回/年`, `231事業所 (平成28年)`,
//! `—`, `同左`. [`IndicatorCell::parse`] never fails: it always keeps the
//! printed text, and what it cannot read is [`CellMeaning::Unparsed`].

use serde::{Deserialize, Serialize};

use crate::number::Number;
use crate::text::{is_dash, normalise, squeeze};
use crate::wareki::{parse_calendar_year, FiscalYear, JpDate};

/// A printed cell and its meaning.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorCell {
    printed: String,
    meaning: CellMeaning,
    /// The period the value refers to when it differs from the column:
    /// `231事業所 (平成28年)`.
    data_period: Option<DataPeriod>,
    /// Footnote markers: `(注2)` → `注2`.
    footnotes: Vec<String>,
    /// Bracketed remarks that are neither values nor periods:
    /// `(計画目標値)`, `(④※⑤)`.
    notes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CellMeaning {
    /// Nothing printed. Not zero.
    Blank,
    Placeholder(Placeholder),
    Quantity(Quantity),
    Bound(Bound),
    /// `維持`: keep the current level.
    Maintain,
    /// A state to reach, named in words: `再構築`, `導入`, `都市計画決定`.
    Milestone {
        text: String,
    },
    /// Several values in one cell: `8施設 98事業者`, `①… ②…`, `4,372人 (198人)`.
    Composite {
        parts: Vec<Part>,
    },
    /// Printed text that hyoka could not read; kept as printed.
    Unparsed,
}

/// Marks that stand for "no value".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "placeholder", rename_all = "snake_case")]
pub enum Placeholder {
    /// `—`, `-`, `ー`: no value, or no target set. Not zero.
    Dash,
    /// `同左`: the same as the cell to the left.
    SameAsLeft,
    /// A remark in place of a value: `※アンケート未実施`.
    Remark { text: String },
}

/// A number with its unit: `4,372人`, `年間2回`, `564.9g/人日`, `32.00%`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quantity {
    pub value: Number,
    /// The counter or unit as printed (spaces removed): `人`, `%`, `百万円`,
    /// `t-CO2`, `m³`; empty when the cell has a bare number.
    pub unit: String,
    /// A word before the number: `年間`, `延べ`, `月`.
    pub qualifier: Option<String>,
    /// What the value is counted per: `年` in `85回/年`.
    pub per: Option<String>,
}

/// A target that is a range rather than a point: `80台以下`, `1万人以上`,
/// `概ね5%を超えないこと`, `概ね80%台を維持`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bound {
    pub lower: Option<Limit>,
    pub upper: Option<Limit>,
    pub unit: String,
    /// `概ね` / `約`: the bound is approximate.
    pub approximate: bool,
    /// `…を維持`: the range is to be kept, not reached.
    pub maintain: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limit {
    pub value: Number,
    pub inclusive: bool,
}

/// One value of a composite cell.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    /// `①`, or the words before a colon or number: `市との協働事業数`.
    pub label: Option<String>,
    /// Printed in brackets after the main value: the `(198人)` of
    /// `4,372人 (198人)`.
    pub bracketed: bool,
    pub meaning: CellMeaning,
}

/// The period a printed value refers to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "period", rename_all = "snake_case")]
pub enum DataPeriod {
    FiscalYear { year: FiscalYear, note: Option<String> },
    CalendarYear { year: i32, note: Option<String> },
}

const CIRCLED: &str = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳";

/// Words that name a state to be reached. Any digit-free text is read as a
/// milestone; this list only documents the ones found in the seeds.
pub const KNOWN_MILESTONES: &[&str] =
    &["再構築", "導入", "改善維持", "充実・発展", "都市計画決定", "策定", "実施", "完了"];

impl IndicatorCell {
    pub fn parse(printed: &str) -> IndicatorCell {
        let mut cell = IndicatorCell {
            printed: printed.to_string(),
            meaning: CellMeaning::Blank,
            data_period: None,
            footnotes: Vec::new(),
            notes: Vec::new(),
        };
        let text = normalise(printed);
        if text.is_empty() {
            return cell;
        }
        if let Some(p) = parse_placeholder(&text) {
            cell.meaning = CellMeaning::Placeholder(p);
            return cell;
        }
        let (main, brackets) = split_brackets(&text);
        let (main, remark) = split_remark(&main);
        let mut bracketed_parts = Vec::new();
        for inner in brackets {
            match classify_bracket(&inner) {
                Bracket::Footnote(f) => cell.footnotes.push(f),
                Bracket::Period(p) if cell.data_period.is_none() => cell.data_period = Some(p),
                Bracket::Period(_) => cell.notes.push(inner),
                Bracket::Note(note) => cell.notes.push(note),
                Bracket::Value(part) => bracketed_parts.push(part),
            }
        }
        cell.notes.extend(remark);
        let main_meaning = parse_main(&main);
        cell.meaning = if bracketed_parts.is_empty() {
            main_meaning
        } else {
            let mut parts = match main_meaning {
                CellMeaning::Composite { parts } => parts,
                m => vec![Part { label: None, bracketed: false, meaning: m }],
            };
            parts.extend(bracketed_parts);
            CellMeaning::Composite { parts }
        };
        cell
    }

    pub fn printed(&self) -> &str {
        &self.printed
    }
    pub fn meaning(&self) -> &CellMeaning {
        &self.meaning
    }
    pub fn data_period(&self) -> Option<&DataPeriod> {
        self.data_period.as_ref()
    }
    pub fn footnotes(&self) -> &[String] {
        &self.footnotes
    }
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// False when the printed text could not be read, in whole or in part.
    pub fn is_understood(&self) -> bool {
        self.meaning.is_understood()
    }

    /// True for a blank cell or a placeholder: there is no value.
    pub fn is_empty_value(&self) -> bool {
        matches!(self.meaning, CellMeaning::Blank | CellMeaning::Placeholder(_))
    }

    /// The number the cell stands for, for tables and open data: a quantity's
    /// value, the first value of a composite, a bound's limit.
    pub fn primary_number(&self) -> Option<Number> {
        self.meaning.primary_number()
    }

    /// The unit of [`Self::primary_number`].
    pub fn primary_unit(&self) -> Option<&str> {
        self.meaning.primary_unit()
    }

    /// Replaces `同左` with the meaning of the cell to its left, keeping the
    /// printed `同左`.
    pub fn resolve_same_as_left(&mut self, left: &IndicatorCell) {
        if self.meaning == CellMeaning::Placeholder(Placeholder::SameAsLeft) {
            self.meaning = left.meaning.clone();
            if self.data_period.is_none() {
                self.data_period = left.data_period.clone();
            }
        }
    }
}

impl CellMeaning {
    pub fn is_understood(&self) -> bool {
        match self {
            CellMeaning::Unparsed => false,
            CellMeaning::Composite { parts } => parts.iter().all(|p| p.meaning.is_understood()),
            _ => true,
        }
    }

    pub fn primary_number(&self) -> Option<Number> {
        match self {
            CellMeaning::Quantity(q) => Some(q.value),
            CellMeaning::Bound(b) => b.lower.or(b.upper).map(|l| l.value),
            CellMeaning::Composite { parts } => parts.first().and_then(|p| p.meaning.primary_number()),
            _ => None,
        }
    }

    pub fn primary_unit(&self) -> Option<&str> {
        match self {
            CellMeaning::Quantity(q) => Some(&q.unit),
            CellMeaning::Bound(b) => Some(&b.unit),
            CellMeaning::Composite { parts } => parts.first().and_then(|p| p.meaning.primary_unit()),
            _ => None,
        }
    }

    /// A short English name of the shape, for data files and tests.
    pub fn kind(&self) -> &'static str {
        match self {
            CellMeaning::Blank => "blank",
            CellMeaning::Placeholder(Placeholder::Dash) => "dash",
            CellMeaning::Placeholder(Placeholder::SameAsLeft) => "same_as_left",
            CellMeaning::Placeholder(Placeholder::Remark { .. }) => "remark",
            CellMeaning::Quantity(_) => "quantity",
            CellMeaning::Bound(_) => "bound",
            CellMeaning::Maintain => "maintain",
            CellMeaning::Milestone { .. } => "milestone",
            CellMeaning::Composite { .. } => "composite",
            CellMeaning::Unparsed => "unparsed",
        }
    }
}

fn parse_placeholder(text: &str) -> Option<Placeholder> {
    if text.chars().all(|c| is_dash(c) || c == ' ') {
        return Some(Placeholder::Dash);
    }
    if text == "同左" {
        return Some(Placeholder::SameAsLeft);
    }
    if let Some(rest) = text.strip_prefix('※') {
        return Some(Placeholder::Remark { text: rest.trim().to_string() });
    }
    None
}

/// Splits `4,372人 (198人) (注2)` into the text outside brackets and the
/// contents of each top-level bracket. An unclosed bracket stays in the text.
fn split_brackets(text: &str) -> (String, Vec<String>) {
    let mut main = String::new();
    let mut brackets = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    for c in text.chars() {
        match c {
            '(' | '[' | '【' | '〔' => {
                if depth > 0 {
                    current.push(c);
                }
                depth += 1;
            }
            ')' | ']' | '】' | '〕' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    brackets.push(current.trim().to_string());
                    current.clear();
                    main.push(' ');
                } else {
                    current.push(c);
                }
            }
            _ if depth > 0 => current.push(c),
            _ => main.push(c),
        }
    }
    if depth > 0 {
        main.push('(');
        main.push_str(&current);
    }
    (normalise(&main), brackets)
}

/// Splits a remark that follows the values, `… 全体:81.28% ※平成30年3月末未算出`,
/// from them (a remark in place of a value is a placeholder instead). A
/// trailing `→` pointed at a bracket that has already been taken out,
/// `…であったもの57.9% →(107指標のうち、62本)`, so it goes too.
fn split_remark(main: &str) -> (String, Option<String>) {
    let (values, remark) = match main.split_once('※') {
        Some((v, r)) => (v, Some(r.trim().to_string()).filter(|r| !r.is_empty())),
        None => (main, None),
    };
    (values.trim_end_matches(['→', ' ']).to_string(), remark)
}

enum Bracket {
    Footnote(String),
    Period(DataPeriod),
    Note(String),
    Value(Part),
}

fn classify_bracket(inner: &str) -> Bracket {
    let squeezed = squeeze(inner);
    if squeezed.starts_with('注') && squeezed[3..].chars().all(|c| c.is_ascii_digit()) {
        return Bracket::Footnote(squeezed);
    }
    if let Some(p) = parse_period(&squeezed) {
        return Bracket::Period(p);
    }
    if !squeezed.chars().any(|c| c.is_ascii_digit()) {
        return Bracket::Note(inner.to_string());
    }
    match parse_main(inner) {
        CellMeaning::Unparsed => Bracket::Note(inner.to_string()),
        // One labelled value, `(スポーツボランティア延べ124人)`, is one part.
        CellMeaning::Composite { mut parts } if parts.len() == 1 => {
            Bracket::Value(Part { bracketed: true, ..parts.remove(0) })
        }
        meaning => Bracket::Value(Part { label: None, bracketed: true, meaning }),
    }
}

/// `平成28年`, `令和元年度`, `H27実績値`, `平成34年度`, `平成30年3月末時点`:
/// a year or a date at the start, with an optional remark after it.
fn parse_period(s: &str) -> Option<DataPeriod> {
    // Try the longest year-like prefix first.
    let cut_points: Vec<usize> = s.char_indices().map(|(i, _)| i).chain([s.len()]).collect();
    for &end in cut_points.iter().rev() {
        let (head, tail) = s.split_at(end);
        let note = (!tail.is_empty()).then(|| tail.to_string());
        if let Ok(date) = JpDate::parse(head) {
            // A value as of a date (`平成30年3月末時点`) belongs to the fiscal
            // year that date falls in, the year of the column it is
            // compared with; the month and day stay in the note.
            let fy = FiscalYear::containing(date).ok()?;
            let after_year = head.find('年').map_or(0, |i| i + '年'.len_utf8());
            return Some(DataPeriod::FiscalYear { year: fy, note: Some(s[after_year..].to_string()) });
        }
        if head.ends_with("年度") || head.chars().last().is_some_and(|c| c.is_ascii_digit()) {
            if let Ok(fy) = FiscalYear::parse(head) {
                // A bare `H27` is a fiscal year label in these tables.
                return Some(DataPeriod::FiscalYear { year: fy, note });
            }
        }
        if head.ends_with('年') {
            if let Ok(y) = parse_calendar_year(head) {
                return Some(DataPeriod::CalendarYear { year: y, note });
            }
        }
    }
    None
}

/// Reads the text outside brackets.
fn parse_main(text: &str) -> CellMeaning {
    let text = normalise(text);
    if text.is_empty() {
        return CellMeaning::Blank;
    }
    if text.chars().any(|c| CIRCLED.contains(c)) {
        return parse_enumerated(&text);
    }
    if let Some(m) = parse_single(&text) {
        return m;
    }
    if text.contains(':') || text.contains('：') {
        if let Some(parts) = parse_labelled_list(&text) {
            return CellMeaning::Composite { parts };
        }
    }
    if let Some(parts) = parse_labelled_run(&text) {
        return CellMeaning::Composite { parts };
    }
    CellMeaning::Unparsed
}

/// One value: a quantity, a bound, `維持`, or a milestone word.
fn parse_single(text: &str) -> Option<CellMeaning> {
    let s = squeeze(text);
    if s.is_empty() {
        return Some(CellMeaning::Blank);
    }
    // A dash among values, `①ー ②0件`: no value for that part.
    if s.chars().all(is_dash) {
        return Some(CellMeaning::Placeholder(Placeholder::Dash));
    }
    if s == "維持" {
        return Some(CellMeaning::Maintain);
    }
    if let Some(q) = parse_quantity(&s) {
        return Some(CellMeaning::Quantity(q));
    }
    if let Some(b) = parse_bound(&s) {
        return Some(CellMeaning::Bound(b));
    }
    if !s.chars().any(|c| c.is_ascii_digit()) && !s.contains(':') {
        return Some(CellMeaning::Milestone { text: normalise(text) });
    }
    None
}

/// `①92回/年 ②85回/年`, `① 3件 ② 5件`: parts labelled by circled numbers.
fn parse_enumerated(text: &str) -> CellMeaning {
    let mut parts = Vec::new();
    let mut label: Option<char> = None;
    let mut body = String::new();
    let mut leading = String::new();
    let flush = |label: Option<char>, body: &str, parts: &mut Vec<Part>| {
        if let Some(l) = label {
            // A part can itself be a list: `②市との協働事業数:73 大学との協働事業数:25`.
            let meaning = parse_single(body)
                .or_else(|| parse_labelled_list(body).map(|parts| CellMeaning::Composite { parts }))
                .or_else(|| parse_labelled_run(&normalise(body)).map(|parts| CellMeaning::Composite { parts }))
                .unwrap_or(CellMeaning::Unparsed);
            parts.push(Part { label: Some(l.to_string()), bracketed: false, meaning });
        }
    };
    for c in text.chars() {
        if CIRCLED.contains(c) {
            flush(label, &body, &mut parts);
            label = Some(c);
            body.clear();
        } else if label.is_some() {
            body.push(c);
        } else {
            leading.push(c);
        }
    }
    flush(label, &body, &mut parts);
    if !leading.trim().is_empty() {
        // Text before the first ① is a heading we do not understand.
        parts.insert(0, Part { label: None, bracketed: false, meaning: CellMeaning::Unparsed });
    }
    CellMeaning::Composite { parts }
}

/// `市との協働事業数:73 大学との協働事業数:25`.
fn parse_labelled_list(text: &str) -> Option<Vec<Part>> {
    let text = text.replace('：', ":");
    let segments: Vec<&str> = text.split(':').collect();
    if segments.len() < 2 {
        return None;
    }
    // "a:1 b:2" splits into ["a", "1 b", "2"]: each middle segment holds
    // a value followed by the next label.
    let mut parts = Vec::new();
    let mut label = segments[0].trim().to_string();
    for (i, seg) in segments.iter().enumerate().skip(1) {
        let seg = seg.trim();
        let (value, next_label) = if i + 1 < segments.len() {
            let (v, l) = seg.split_once(' ')?;
            (v, l.trim().to_string())
        } else {
            (seg, String::new())
        };
        let meaning = parse_single(value)?;
        if label.is_empty() {
            return None;
        }
        parts.push(Part { label: Some(label), bracketed: false, meaning });
        label = next_label;
    }
    Some(parts)
}

/// `新規 3団体 合計 5団体`, `・小平市文化振興財団 6,800万円 ・…`,
/// `スポーツボランティア延べ117人`, `8施設 98事業者`: values separated by
/// spaces, each after the words (if any) that name it.
fn parse_labelled_run(text: &str) -> Option<Vec<Part>> {
    let mut parts = Vec::new();
    let mut words: Vec<&str> = Vec::new();
    for token in text.split(' ') {
        // A bullet starts the next item; its words label the next value.
        let token = token.trim_start_matches('・');
        if token.is_empty() {
            continue;
        }
        if !token.chars().any(|c| c.is_ascii_digit()) {
            words.push(token);
            continue;
        }
        // A token with digits must be a value: `H29 1,130 85.0` is a table
        // flattened into the cell, not labels and values.
        let part = match parse_single(token) {
            Some(m @ (CellMeaning::Quantity(_) | CellMeaning::Bound(_))) => {
                Part { label: None, bracketed: false, meaning: m }
            }
            _ => labelled_quantity(token)?,
        };
        let glued = part.label.as_deref().into_iter();
        let label: Vec<&str> = words.drain(..).chain(glued).collect();
        let label = (!label.is_empty()).then(|| label.join(" "));
        parts.push(Part { label, ..part });
    }
    // Words after the last value name nothing: this is not a list of values.
    (words.is_empty() && !parts.is_empty()).then_some(parts)
}

/// `スポーツボランティア延べ124人`, `…であったもの95%`: words, then a
/// quantity or a bound.
fn labelled_quantity(text: &str) -> Option<Part> {
    let s = squeeze(text);
    // The value starts at the first number or, when the words hold numbers
    // themselves (`達成率が100%であったもの95%`), at the last.
    let first = s.find(|c: char| c.is_ascii_digit())?;
    let last = last_number_start(&s);
    [first, last].into_iter().find_map(|start| labelled_at(&s, start))
}

/// Reads `s[start..]` as the value and what precedes it as its label.
fn labelled_at(s: &str, start: usize) -> Option<Part> {
    let (label, value) = s.split_at(start);
    // Keep qualifiers such as 延べ and 年間 with the quantity.
    let (label, meaning) = match QUALIFIERS.iter().find(|q| label.ends_with(*q)) {
        Some(q) => {
            let at = start - q.len();
            (&s[..at], CellMeaning::Quantity(parse_quantity(&s[at..])?))
        }
        // A quantity or a bound after the words: the condition in
        // `(特殊要因による場合にあっても90%台前半に抑制)` labels a second bound.
        None => match parse_single(value)? {
            m @ (CellMeaning::Quantity(_) | CellMeaning::Bound(_)) => (label, m),
            _ => return None,
        },
    };
    // `H29`, `No.2`: a letter or point before digits makes a code, not a
    // label and a value; a digit before a qualifier, `令和2年4月1日`, a date.
    if label.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '.') {
        return None;
    }
    let label = label.trim_end_matches([':', '、']);
    Some(Part { label: (!label.is_empty()).then(|| label.to_string()), bracketed: false, meaning })
}

/// Where the last run of digits (with its commas and point) starts.
fn last_number_start(s: &str) -> usize {
    let mut start = s.len();
    let mut seen_digit = false;
    for (i, c) in s.char_indices().rev() {
        if c.is_ascii_digit() || (seen_digit && matches!(c, ',' | '.')) {
            seen_digit |= c.is_ascii_digit();
            start = i;
        } else if seen_digit {
            break;
        }
    }
    // A comma or point before the first digit belongs to the words.
    start + s[start..].find(|c: char| c.is_ascii_digit()).unwrap_or(0)
}

const QUALIFIERS: &[&str] = &["年間", "延べ", "月額", "月", "週", "毎年", "年"];

/// A quantity in squeezed text: `[qualifier] number [万|億] [unit] [/per]`.
fn parse_quantity(s: &str) -> Option<Quantity> {
    let mut rest = s;
    let mut qualifier = None;
    for q in QUALIFIERS {
        if let Some(r) = rest.strip_prefix(q) {
            if r.starts_with(|c: char| c.is_ascii_digit()) {
                qualifier = Some(q.to_string());
                rest = r;
                break;
            }
        }
    }
    let (value, after) = leading_number(rest)?;
    let (value, after) = apply_multiplier(value, after)?;
    let (unit, per) = match after.split_once('/') {
        Some((u, p)) if is_per(p) => (u, Some(p.to_string())),
        Some(_) => return None,
        None => (after, None),
    };
    if !is_unit(unit) {
        return None;
    }
    Some(Quantity { value, unit: unit.to_string(), qualifier, per })
}

/// The longest number at the start of `s`, and what follows it.
fn leading_number(s: &str) -> Option<(Number, &str)> {
    let end = s
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || c == ',' || c == '.' || (i == 0 && matches!(c, '-' | '△' | '▲'))))
        .map_or(s.len(), |(i, _)| i);
    // Back off a trailing comma or point that belongs to the text.
    let mut end = end;
    while end > 0 {
        if let Some(n) = Number::parse(&s[..end]) {
            return Some((n, &s[end..]));
        }
        end -= s[..end].chars().last()?.len_utf8();
    }
    None
}

/// `1万人` is ten thousand people; `万` and `億` are numerals, while
/// `千円` and `百万円` stay units because tables are kept in them.
fn apply_multiplier(value: Number, after: &str) -> Option<(Number, &str)> {
    for (word, factor) in [("万", 10_000i64), ("億", 100_000_000)] {
        if let Some(rest) = after.strip_prefix(word) {
            if rest != "円" {
                return Some((value.checked_mul_int(factor)?, rest));
            }
        }
    }
    Some((value, after))
}

/// What a value is counted per: `年` in `85回/年`, `人日`, or `1人` in
/// `月額5,500円/1人`.
fn is_per(p: &str) -> bool {
    let unit = p.strip_prefix('1').unwrap_or(p);
    !unit.is_empty() && is_unit(unit)
}

/// A unit is short and has no digits or sentence punctuation. `t-CO2`
/// carries a digit, so a few chemical units are allowed by name.
fn is_unit(u: &str) -> bool {
    const DIGIT_UNITS: &[&str] = &["t-CO2", "t-CO₂", "CO2", "m2", "m3", "km2"];
    if DIGIT_UNITS.contains(&u) {
        return true;
    }
    u.chars().count() <= 6
        && !u.chars().any(|c| {
            c.is_ascii_digit()
                || matches!(c, ' ' | '、' | '。' | ',' | ':' | '(' | ')' | '~' | '〜' | '※')
                || CIRCLED.contains(c)
        })
        && !["以上", "以下", "未満", "超", "台"].iter().any(|w| u.ends_with(w) && u != "台")
}

/// `80台以下`, `1万人以上`, `概ね5%を超えないこと`, `概ね80%台を維持`,
/// `90%台前半`.
fn parse_bound(s: &str) -> Option<Bound> {
    let mut rest = s;
    let mut approximate = false;
    for p in ["概ね", "おおむね", "約"] {
        if let Some(r) = rest.strip_prefix(p) {
            approximate = true;
            rest = r;
        }
    }
    let mut maintain = false;
    for suffix in ["を維持", "で維持", "維持"] {
        if let Some(r) = rest.strip_suffix(suffix) {
            maintain = true;
            rest = r;
            break;
        }
    }
    // Relation words, as (suffix, is_upper, inclusive).
    const RELATIONS: &[(&str, bool, bool)] = &[
        ("を超えないこと", true, true),
        ("を超えない", true, true),
        ("を下回らないこと", false, true),
        ("を下回らない", false, true),
        ("以下", true, true),
        ("以上", false, true),
        ("未満", true, false),
        ("超", false, false),
        ("に抑制", true, false),
    ];
    let mut relation = None;
    for &(suffix, upper, inclusive) in RELATIONS {
        if let Some(r) = rest.strip_suffix(suffix) {
            relation = Some((upper, inclusive));
            rest = r;
            break;
        }
    }
    let (value, after) = leading_number(rest)?;
    let (value, after) = apply_multiplier(value, after)?;
    // `80%台` is "in the eighties": a band of ten units; `前半`/`後半`
    // narrow it to the first or second half. A bare `80台` is a counter.
    let band = ["台前半", "台後半", "台"].into_iter().find_map(|w| {
        let unit = after.strip_suffix(w)?;
        (!unit.is_empty() && is_unit(unit)).then_some((unit, w))
    });
    let (lower, upper, unit) = match (band, relation) {
        (Some((unit, w)), rel) => {
            let ten = Number::from_int(10).checked_add(Number::ZERO)?;
            let scale_ten = |n: Number| n.checked_add(ten);
            let five = Number::from_int(5);
            let (lo, hi) = match w {
                "台前半" => (value, value.checked_add(five)?),
                "台後半" => (value.checked_add(five)?, scale_ten(value)?),
                _ => (value, scale_ten(value)?),
            };
            let lower = Limit { value: lo, inclusive: true };
            let upper = Limit { value: hi, inclusive: false };
            match rel {
                None => (Some(lower), Some(upper), unit),
                Some((true, _)) => (None, Some(upper), unit),
                Some((false, _)) => (Some(lower), None, unit),
            }
        }
        (None, Some((is_upper, inclusive))) => {
            if !is_unit(after) {
                return None;
            }
            let limit = Limit { value, inclusive };
            if is_upper {
                (None, Some(limit), after)
            } else {
                (Some(limit), None, after)
            }
        }
        (None, None) => return None,
    };
    Some(Bound { lower, upper, unit: unit.to_string(), approximate, maintain })
}

impl Bound {
    /// Whether a value lies within the bound (units are the caller's check).
    pub fn contains(&self, v: Number) -> bool {
        let above = self.lower.is_none_or(|l| if l.inclusive { v >= l.value } else { v > l.value });
        let below = self.upper.is_none_or(|u| if u.inclusive { v <= u.value } else { v < u.value });
        above && below
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(cell: &IndicatorCell) -> &Quantity {
        match cell.meaning() {
            CellMeaning::Quantity(q) => q,
            other => panic!("{}: expected a quantity, got {other:?}", cell.printed()),
        }
    }

    #[test]
    fn keeps_printed_text() {
        let c = IndicatorCell::parse(" 1,279人 ");
        assert_eq!(c.printed(), " 1,279人 ");
        assert_eq!(q(&c).value, Number::from_int(1279));
        assert_eq!(q(&c).unit, "人");
    }

    #[test]
    fn blank_dash_and_zero_are_distinct() {
        assert_eq!(IndicatorCell::parse("").meaning(), &CellMeaning::Blank);
        for dash in ["—", "-", "ー", "－", "―"] {
            assert_eq!(IndicatorCell::parse(dash).meaning(), &CellMeaning::Placeholder(Placeholder::Dash), "{dash}");
        }
        let zero = IndicatorCell::parse("0件");
        assert_eq!(q(&zero).value, Number::ZERO);
    }

    #[test]
    fn annual_and_per_units() {
        let c = IndicatorCell::parse("年間2回");
        assert_eq!(q(&c).qualifier.as_deref(), Some("年間"));
        assert_eq!(q(&c).unit, "回");
        let c = IndicatorCell::parse("85回/年");
        assert_eq!(q(&c).per.as_deref(), Some("年"));
    }

    #[test]
    fn bounds() {
        let b = |s| match IndicatorCell::parse(s).meaning().clone() {
            CellMeaning::Bound(b) => b,
            other => panic!("{s}: {other:?}"),
        };
        let x = b("80台以下");
        assert_eq!(x.upper, Some(Limit { value: Number::from_int(80), inclusive: true }));
        assert_eq!(x.unit, "台");
        let x = b("1万人以上");
        assert_eq!(x.lower.unwrap().value, Number::from_int(10_000));
        let x = b("概ね5%を超えないこと");
        assert!(x.approximate);
        assert_eq!(x.upper.unwrap().value, Number::from_int(5));
        let x = b("概ね80%台を維持");
        assert!(x.maintain && x.approximate);
        assert!(x.contains(Number::from_int(85)) && !x.contains(Number::from_int(90)));
    }

    fn parts(s: &str) -> Vec<Part> {
        match IndicatorCell::parse(s).meaning().clone() {
            CellMeaning::Composite { parts } => parts,
            other => panic!("{s}: expected a composite, got {other:?}"),
        }
    }

    #[test]
    fn labelled_values() {
        let p = parts("スポーツボランティア延べ117人");
        assert_eq!(p[0].label.as_deref(), Some("スポーツボランティア"));
        let p = parts("・小平市文化振興財団 6,800万円 ・シルバー人材センター 契約金額 44,200万円");
        assert_eq!(p[1].label.as_deref(), Some("シルバー人材センター 契約金額"));
        let p = parts("施策評価において達成率が100%であったもの95%");
        assert_eq!(p[0].meaning.primary_number(), Some(Number::from_int(95)));
        let p = parts("①ー ②0件");
        assert_eq!(p[0].meaning, CellMeaning::Placeholder(Placeholder::Dash));
        // Codes, dates and flattened tables are not labels and values.
        for s in ["H29 1,130 85.0 442,000", "令和2年4月1日現在", "H31広報広聴課へ事務移管"] {
            assert!(!IndicatorCell::parse(s).is_understood(), "{s}");
        }
    }

    #[test]
    fn per_person_and_remarks_after_values() {
        let c = IndicatorCell::parse("月額5,500円/1人");
        assert_eq!((q(&c).qualifier.as_deref(), q(&c).per.as_deref()), (Some("月額"), Some("1人")));
        let c = IndicatorCell::parse("全体:81.28% (平成30年2月末時点) ※平成30年3月末未算出");
        assert!(c.is_understood());
        assert_eq!(c.notes(), ["平成30年3月末未算出"]);
        // As of a date: the fiscal year that date falls in.
        let period =
            DataPeriod::FiscalYear { year: FiscalYear::new(2017).unwrap(), note: Some("2月末時点".into()) };
        assert_eq!(c.data_period(), Some(&period));
    }
}
