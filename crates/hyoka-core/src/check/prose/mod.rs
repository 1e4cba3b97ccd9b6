//! Figures, years and dates quoted in Japanese prose.
//!
//! Narrative quotes numbers in many forms: `1,234件`, `１，２３４人`,
//! `1万2千人`, `19万5千円`, `6千870万円余り`, `約5割`, `80.5%`,
//! `概ね300人`. [`Sentence::read`] finds each figure with its unit, the
//! words before it (its label), whether it is approximate, a bound, a total
//! or a change, and the year the sentence says it belongs to. Years, dates,
//! ordinals (`第2回`) and codes (`No.2`, `48-(4)`) are recognised first so
//! that their digits are never read as figures.
//!
//! Money is read into yen and `割` into percent, so `19万5千円` and
//! `195千円` are the same figure. Hand-written: no crate reads Japanese
//! numerals with counters, and the rules need the positions.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::number::Number;
use crate::text::fold_width;
use crate::wareki::Era;

/// One sentence of prose with what was found in it. Offsets are in chars
/// of [`Sentence::chars`] (the width-folded text).
#[derive(Clone, Debug)]
pub(crate) struct Sentence {
    pub chars: Vec<char>,
    pub figures: Vec<Figure>,
    pub years: Vec<YearMention>,
    pub dates: Vec<DateMention>,
    /// Pairs of indices into `dates` printed as a range (`A～B`, `AからB`).
    pub ranges: Vec<(usize, usize)>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Figure {
    /// In the canonical unit: yen for money, percent for 割.
    pub value: Number,
    /// Canonical unit: `円`, `%`, `人` (also for 名), `か所`, `回/年`; empty
    /// for a bare number.
    pub unit: String,
    /// The figure as printed, with 約 and 以上 around it.
    pub printed: String,
    pub start: usize,
    pub end: usize,
    /// The place value of the last printed digit, in the canonical unit:
    /// 10,000 for `528万円`, 0.1 for `82.5%`.
    pub precision: f64,
    /// 約, 概ね, 程度, 余り, 前後.
    pub approx: bool,
    pub relation: Relation,
    /// Printed after 合計 or 計.
    pub total: bool,
    /// A change rather than a level: `528万円減`, `+3.2億円`, `(164%)の増`.
    pub change: Option<Change>,
    /// Where the words naming the figure begin (after the previous clause).
    pub label_start: usize,
    /// A year printed in the figure's own clause, or in a bracket right
    /// after it: `平成29年度の5,696件`, `491,991千円(平成28年度決算調定額)`.
    pub year: Option<YearMention>,
    /// The last year printed earlier in the sentence.
    pub context_year: Option<YearMention>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Relation {
    Exact,
    AtLeast,
    AtMost,
    Below,
    Above,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Change {
    Increase,
    Decrease,
}

/// `平成30年度`, `令和元年`, `2019年度`, `H30`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct YearMention {
    /// The western year (of the fiscal year when `fiscal`).
    pub year: i32,
    pub fiscal: bool,
    pub start: usize,
    pub end: usize,
}

/// A date with at least a month: `令和元年5月24日`, `4/25(火)`, `3月16日金曜日`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DateMention {
    /// Written with its year: the western year and, when written in an
    /// era, the era and its year number as printed.
    pub year: Option<i32>,
    pub era: Option<(Era, u32)>,
    pub month: u8,
    pub day: Option<u8>,
    /// 0 = Monday … 6 = Sunday, when printed.
    pub weekday: Option<u8>,
    pub start: usize,
    pub end: usize,
}

impl Figure {
    pub fn is_level(&self) -> bool {
        self.change.is_none()
    }
}

impl Sentence {
    pub fn slice(&self, from: usize, to: usize) -> String {
        self.chars[from.min(self.chars.len())..to.min(self.chars.len())].iter().collect()
    }

    /// The words that name a figure: its clause before the number.
    pub fn label(&self, f: &Figure) -> String {
        self.slice(f.label_start, f.start)
    }

    /// The label without the years and dates printed in it, and without
    /// the words that belong to the number (`合計`, `約`, `延べ`): what is
    /// left names the figure, if anything does.
    pub fn naming_words(&self, f: &Figure) -> String {
        let dated = |i: usize| {
            self.years.iter().any(|y| (y.start..y.end).contains(&i))
                || self.dates.iter().any(|d| (d.start..d.end).contains(&i))
        };
        let words: String = (f.label_start..f.start).filter(|i| !dated(*i)).map(|i| self.chars[i]).collect();
        let mut w = words.trim().to_string();
        for tail in ["合計で", "合わせて", "合計", "総計", "計", "約", "概ね", "およそ", "延べ", "のべ", "年間"]
        {
            if let Some(t) = w.strip_suffix(tail) {
                w = t.trim_end().to_string();
            }
        }
        w
    }

    /// Reads one sentence (already split, see [`sentences`]).
    pub fn read(text: &str) -> Sentence {
        let chars: Vec<char> = fold_width(text).chars().map(fold_extra).collect();
        let mut s = Scanner { c: &chars, masked: vec![false; chars.len()], years: Vec::new(), dates: Vec::new() };
        s.scan_years_and_dates();
        let ranges = s.ranges();
        let figures = s.scan_figures();
        let Scanner { years, dates, .. } = s;
        Sentence { chars, figures, years, dates, ranges }
    }
}

/// Splits prose into sentences: at `。`, line breaks, and bullets that start
/// a new item (`・` after a space, `●`, `○`, `◆`, `■`).
pub(crate) fn sentences(text: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut previous = ' ';
    for c in text.chars() {
        let bullet = matches!(c, '●' | '○' | '◆' | '■' | '◎') || (c == '・' && (previous.is_whitespace()));
        if c == '。' || c == '\n' || bullet {
            if c == '。' {
                current.push(c);
            }
            push_sentence(&mut out, &mut current);
        } else {
            current.push(c);
        }
        previous = c;
    }
    push_sentence(&mut out, &mut current);
    out
}

fn push_sentence(out: &mut Vec<Sentence>, current: &mut String) {
    if current.chars().any(|c| !c.is_whitespace()) {
        out.push(Sentence::read(current));
    }
    current.clear();
}

/// Folds what [`fold_width`] keeps: the wave dash and the ideographic
/// comma-like forms used in ranges.
fn fold_extra(c: char) -> char {
    match c {
        '～' | '〜' => '~',
        '−' | '－' => '-',
        _ => c,
    }
}

mod scanner;

use scanner::Scanner;

/// A clause ends at punctuation, brackets and arrows; the words after it
/// name the next figure.
fn is_clause_break(c: char, next: Option<char>) -> bool {
    matches!(c, '、' | '。' | ';' | ':' | '・' | '(' | ')' | '「' | '」' | '【' | '】' | '→' | '〈' | '〉' | '<' | '>')
        || (c == ',' && !next.is_some_and(|n| n.is_ascii_digit()))
}

/// Counters and units, longest first within a shared prefix: (printed,
/// canonical, factor into the canonical unit).
const UNITS: &[(&str, &str, i64)] = &[
    ("パーセント", "%", 1),
    ("%", "%", 1),
    ("割", "%", 10),
    ("ポイント", "ポイント", 1),
    ("t-CO2", "t-CO2", 1),
    ("円", "円", 1),
    ("人", "人", 1),
    ("名", "人", 1),
    ("か所", "か所", 1),
    ("箇所", "か所", 1),
    ("カ所", "か所", 1),
    ("ヶ所", "か所", 1),
    ("ヵ所", "か所", 1),
    ("ケ所", "か所", 1),
    ("か月", "か月", 1),
    ("ヶ月", "か月", 1),
    ("カ月", "か月", 1),
    ("ヵ月", "か月", 1),
    ("件", "件", 1),
    ("回", "回", 1),
    ("団体", "団体", 1),
    ("事業所", "事業所", 1),
    ("事業者", "事業者", 1),
    ("事業", "事業", 1),
    ("事務", "事務", 1),
    ("施設", "施設", 1),
    ("施策", "施策", 1),
    ("指標", "指標", 1),
    ("項目", "項目", 1),
    ("校", "校", 1),
    ("園", "園", 1),
    ("館", "館", 1),
    ("台", "台", 1),
    ("本", "本", 1),
    ("冊", "冊", 1),
    ("点", "点", 1),
    ("部", "部", 1),
    ("号", "号", 1),
    ("個", "個", 1),
    ("社", "社", 1),
    ("組", "組", 1),
    ("世帯", "世帯", 1),
    ("種類", "種類", 1),
    ("店舗", "店舗", 1),
    ("区画", "区画", 1),
    ("基", "基", 1),
    ("灯", "灯", 1),
    ("枚", "枚", 1),
    ("地区", "地区", 1),
    ("住区", "住区", 1),
    ("課", "課", 1),
    ("市", "市", 1),
    ("ファイル", "ファイル", 1),
    ("タイトル", "タイトル", 1),
    ("講座", "講座", 1),
    ("業務", "業務", 1),
    ("分野", "分野", 1),
    ("者", "者", 1),
    ("時間", "時間", 1),
    ("日間", "日", 1),
    ("日", "日", 1),
    ("年間", "年", 1),
    ("年", "年", 1),
    ("週", "週", 1),
    ("倍", "倍", 1),
    ("つ", "つ", 1),
    ("ha", "ha", 1),
    ("km", "km", 1),
    ("kW", "kW", 1),
    ("kg", "kg", 1),
    ("g", "g", 1),
    ("t", "t", 1),
];

/// A unit as printed, its canonical unit and the factor to it.
type Unit = (&'static str, &'static str, i64);

/// The units by their first char, in [`UNITS`] order: a unit is looked
/// up after every number of every cell and sentence of a city.
fn units_by_first() -> &'static HashMap<char, Vec<Unit>> {
    static INDEX: OnceLock<HashMap<char, Vec<Unit>>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index: HashMap<char, Vec<Unit>> = HashMap::new();
        for &(printed, canonical, factor) in UNITS {
            if let Some(first) = printed.chars().next() {
                index.entry(first).or_default().push((printed, canonical, factor));
            }
        }
        index
    })
}

fn unit_at(c: &[char], k: usize) -> Option<(&'static str, i64, usize)> {
    let first = *c.get(k)?;
    let mut best: Option<(&'static str, i64, usize)> = None;
    for &(printed, canonical, factor) in units_by_first().get(&first)? {
        let Some(len) = prefix_len(c, k, printed) else { continue };
        // An ASCII unit must end there: `t` is not the start of `text`.
        let ascii_tail = printed.is_ascii() && c.get(k + len).is_some_and(|n| n.is_ascii_alphabetic());
        if !ascii_tail && best.is_none_or(|(_, _, l)| len > l) {
            best = Some((canonical, factor, len));
        }
    }
    best
}

/// The length in chars of `word` when `c[k..]` starts with it.
fn prefix_len(c: &[char], k: usize, word: &str) -> Option<usize> {
    let mut len = 0;
    for (i, ch) in word.chars().enumerate() {
        if c.get(k + i) != Some(&ch) {
            return None;
        }
        len = i + 1;
    }
    Some(len)
}

/// `以上`, `以下`, `未満`, `超`, and the approximations `程度`, `前後`,
/// `余り`, `強`, `弱`: (relation, length, approximate).
fn relation_at(c: &[char], k: usize) -> (Relation, usize, bool) {
    let words: [(&str, Relation, bool); 10] = [
        ("以上", Relation::AtLeast, false),
        ("以下", Relation::AtMost, false),
        ("未満", Relation::Below, false),
        ("超", Relation::Above, false),
        ("程度", Relation::Exact, true),
        ("前後", Relation::Exact, true),
        ("余り", Relation::AtLeast, true),
        ("あまり", Relation::AtLeast, true),
        ("強", Relation::AtLeast, true),
        ("弱", Relation::AtMost, true),
    ];
    for (w, r, a) in words {
        if let Some(len) = prefix_len(c, k, w) {
            return (r, len, a);
        }
    }
    (Relation::Exact, 0, false)
}

/// `増`, `減`, `増加`, `減少`, `上昇`, `低下`.
fn change_at(c: &[char], k: usize) -> Option<(Change, usize)> {
    let words: [(&str, Change); 8] = [
        ("増加", Change::Increase),
        ("増", Change::Increase),
        ("上昇", Change::Increase),
        ("アップ", Change::Increase),
        ("減少", Change::Decrease),
        ("減", Change::Decrease),
        ("低下", Change::Decrease),
        ("ダウン", Change::Decrease),
    ];
    words.into_iter().find_map(|(w, ch)| prefix_len(c, k, w).map(|len| (ch, len)))
}

/// The canonical value and unit of a table cell's quantity, for comparing
/// it with prose: `6,870万円` → 68,700,000 円, `24名` → 24 人.
pub(crate) fn canonical(value: Number, unit: &str) -> Option<(Number, String)> {
    let (factor, unit) = canonical_unit(unit);
    match factor {
        Some(f) => Some((value.checked_mul_int(f)?, unit)),
        None => Some((value, unit)),
    }
}

/// The canonical unit of a printed one and the factor to it (`None`: the
/// value stays as printed): [`canonical`] without the value, so a cell's
/// unit is resolved once.
pub(crate) fn canonical_unit(unit: &str) -> (Option<i64>, String) {
    let unit = crate::text::squeeze(unit);
    let money = [("百万円", 1_000_000i64), ("千円", 1000), ("万円", 10_000), ("億円", 100_000_000), ("円", 1)];
    for (u, f) in money {
        if unit == u {
            return (Some(f), "円".into());
        }
    }
    if unit.is_empty() {
        return (None, String::new());
    }
    let chars: Vec<char> = unit.chars().collect();
    match unit_at(&chars, 0) {
        Some((canonical, factor, len)) if len == chars.len() => (Some(factor), canonical.into()),
        Some((canonical, factor, len)) if chars.get(len) == Some(&'/') => {
            (Some(factor), format!("{canonical}{}", chars[len..].iter().collect::<String>()))
        }
        _ => (None, unit),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(s: &str) -> Vec<(String, String)> {
        Sentence::read(s).figures.iter().map(|f| (f.value.plain(), f.unit.clone())).collect()
    }

    fn pair(v: &str, u: &str) -> (String, String) {
        (v.to_string(), u.to_string())
    }

    #[test]
    fn reads_japanese_number_forms() {
        assert_eq!(figures("1,234件と１，２３４人"), [pair("1234", "件"), pair("1234", "人")]);
        assert_eq!(figures("1万2千人"), [pair("12000", "人")]);
        assert_eq!(figures("19万5千円（12件）"), [pair("195000", "円"), pair("12", "件")]);
        assert_eq!(figures("6千870万円余り"), [pair("68700000", "円")]);
        assert_eq!(figures("約5割"), [pair("50", "%")]);
        assert_eq!(figures("80.5%"), [pair("80.5", "%")]);
        assert_eq!(figures("7,368千円"), [pair("7368000", "円")]);
        assert_eq!(figures("140,000百万円"), [pair("140000000000", "円")]);
        assert_eq!(figures("約2.7億円"), [pair("270000000.0", "円")]);
        assert_eq!(figures("11億3,750万円"), [pair("1137500000", "円")]);
        assert_eq!(figures("限度額を 800 万円から 1600 万円に"), [pair("8000000", "円"), pair("16000000", "円")]);
        assert_eq!(figures("24名の参加者"), [pair("24", "人")]);
        assert_eq!(figures("85回/年"), [pair("85", "回/年")]);
        let f = &Sentence::read("概ね300人以上").figures[0];
        assert!(f.approx && f.relation == Relation::AtLeast && f.printed == "概ね300人以上");
    }

    #[test]
    fn years_dates_ordinals_and_codes_are_not_figures() {
        let s = Sentence::read(
            "平成30年度は第2回の会議を令和元年5月24日に開き、No.2-1とIV-7-48-(4)、ISO27001を確認し3件とした",
        );
        assert_eq!(s.figures.len(), 1, "{:?}", s.figures);
        let year = s.figures[0].context_year.unwrap();
        assert_eq!((year.year, year.fiscal), (2019, false));
        assert_eq!(s.dates.len(), 1);
        assert_eq!(s.dates[0].era, Some((Era::Reiwa, 1)));
        let s = Sentence::read("定期連絡会を4/25(火)、5/23(火)の計2回開催し、3月16日金曜日に講座");
        assert_eq!(
            s.dates.iter().map(|d| (d.month, d.day, d.weekday)).collect::<Vec<_>>(),
            [(4, Some(25), Some(1)), (5, Some(23), Some(1)), (3, Some(16), Some(4))]
        );
        assert_eq!(figures("定期連絡会を4/25(火)、5/23(火)の計2回開催"), [pair("2", "回")]);
        assert_eq!(figures("3か月間で5～7月に"), [pair("3", "か月")]);
    }

    #[test]
    fn labels_years_totals_and_changes() {
        let s = Sentence::read(
            "電子申請の利用件数は、平成29年度の5,696件から、平成30年度中の手続数の増加に伴い、6,141件に増加した。",
        );
        let f = &s.figures;
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].year.map(|y| y.year), Some(2017));
        assert_eq!(s.label(&f[1]), "");
        assert_eq!(f[1].context_year.map(|y| y.year), Some(2018));
        let s = Sentence::read("前年同月比96,528件（164%）の増となった");
        assert!(s.figures.iter().all(|f| f.change == Some(Change::Increase)), "{:?}", s.figures);
        let s = Sentence::read("パネル展来場者425人、フォーラム（第1回132人、第2回41人）合計598人");
        assert_eq!(s.figures.iter().filter(|f| f.total).count(), 1);
        assert_eq!(s.label(&s.figures[1]), "第1回");
        let s = Sentence::read("491,991千円(平成28年度決算調定額)");
        assert_eq!(s.figures[0].year.map(|y| y.year), Some(2016));
    }

    #[test]
    fn splits_sentences_at_bullets_and_stops() {
        let s = sentences("・Twitterの運用方針改訂（12月3日） ・リニューアル公開（12月15日）。次の文");
        assert_eq!(s.len(), 3);
    }

    #[test]
    fn canonical_units() {
        let n = |s| Number::parse(s).unwrap();
        assert_eq!(canonical(n("6870"), "万円"), Some((n("68700000"), "円".into())));
        assert_eq!(canonical(n("24"), "名"), Some((n("24"), "人".into())));
        assert_eq!(canonical(n("85"), "回/年"), Some((n("85"), "回/年".into())));
        assert_eq!(canonical(n("3"), "団体"), Some((n("3"), "団体".into())));
    }
}
