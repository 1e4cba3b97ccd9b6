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

const ERAS: [Era; 5] = Era::ALL;

struct Scanner<'a> {
    c: &'a [char],
    masked: Vec<bool>,
    years: Vec<YearMention>,
    dates: Vec<DateMention>,
}

impl Scanner<'_> {
    fn at(&self, i: usize) -> Option<char> {
        self.c.get(i).copied()
    }
    fn is_digit(&self, i: usize) -> bool {
        self.at(i).is_some_and(|c| c.is_ascii_digit())
    }
    fn starts(&self, i: usize, s: &str) -> bool {
        prefix_len(self.c, i, s).is_some()
    }
    fn skip_spaces(&self, mut i: usize) -> usize {
        while self.at(i).is_some_and(|c| c == ' ' || c == '\u{3000}') {
            i += 1;
        }
        i
    }
    /// Digits at `i`: their value and the index after them.
    fn digits(&self, i: usize) -> Option<(u32, usize)> {
        let mut j = i;
        let mut v: u32 = 0;
        while let Some(d) = self.at(j).and_then(|c| c.to_digit(10)) {
            v = v.checked_mul(10)?.checked_add(d)?;
            j += 1;
            if j - i > 9 {
                return None;
            }
        }
        (j > i).then_some((v, j))
    }
    fn mask(&mut self, from: usize, to: usize) {
        for m in &mut self.masked[from..to.min(self.c.len())] {
            *m = true;
        }
    }

    fn scan_years_and_dates(&mut self) {
        let mut i = 0;
        while i < self.c.len() {
            let c = self.c[i];
            let may_start =
                c.is_ascii_digit() || matches!(c, '平' | '令' | '昭' | '大' | '明' | 'H' | 'R' | 'S' | '第' | 'N');
            if !may_start {
                i += 1;
                continue;
            }
            let next = self
                .era_year(i)
                .or_else(|| self.initial_year(i))
                .or_else(|| self.western_year(i))
                .or_else(|| self.bare_date(i))
                .or_else(|| self.slash_date(i))
                .or_else(|| self.ordinal_or_code(i));
            match next {
                Some(end) => {
                    self.mask(i, end);
                    i = end.max(i + 1);
                }
                None => i += 1,
            }
        }
    }

    /// `平成30年度`, `令和元年5月24日`, `令和2(2020)年度`, `令和 3 年 3 月 29 日`.
    fn era_year(&mut self, i: usize) -> Option<usize> {
        let era = ERAS.into_iter().find(|e| self.starts(i, e.name()))?;
        let mut j = self.skip_spaces(i + 2);
        let n = if self.at(j) == Some('元') {
            j += 1;
            1
        } else {
            let (n, k) = self.digits(j)?;
            j = k;
            n
        };
        j = self.skip_spaces(j);
        if self.at(j) == Some('(') && self.is_digit(j + 1) {
            let (_, k) = self.digits(j + 1)?;
            if self.at(k) == Some(')') {
                j = self.skip_spaces(k + 1);
            }
        }
        if self.at(j) != Some('年') {
            return None;
        }
        let year = era.western_year(n);
        Some(self.after_year(i, j + 1, year, Some((era, n))))
    }

    /// `H30`, `R2年度`, `H30.12.3`, `H31.1月`.
    fn initial_year(&mut self, i: usize) -> Option<usize> {
        let c = self.at(i)?;
        if !matches!(c, 'H' | 'R' | 'S') || self.at(i.wrapping_sub(1)).is_some_and(|p| p.is_ascii_alphanumeric()) {
            return None;
        }
        let era = Era::from_initial(c)?;
        let (n, j) = self.digits(i + 1)?;
        if j - i > 3 || n == 0 {
            return None;
        }
        let year = era.western_year(n);
        if self.at(j) == Some('.') && self.is_digit(j + 1) {
            let (m, k) = self.digits(j + 1)?;
            if !(1..=12).contains(&m) {
                return None;
            }
            let (day, end) = match (self.at(k), self.digits(k + 1)) {
                (Some('.'), Some((d, e))) if (1..=31).contains(&d) => (Some(d as u8), e),
                (Some('月'), _) => (None, k + 1),
                _ => (None, k),
            };
            let end = self.push_date(i, end, Some(year), Some((era, n)), m as u8, day);
            return Some(end);
        }
        if self.at(j).is_some_and(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
        if self.at(j) == Some('年') {
            return Some(self.after_year(i, j + 1, year, Some((era, n))));
        }
        // Table headers write fiscal years this way.
        self.years.push(YearMention { year, fiscal: true, start: i, end: j });
        Some(j)
    }

    /// `2019年度`, `2020年3月31日`.
    fn western_year(&mut self, i: usize) -> Option<usize> {
        if self.is_digit(i.wrapping_sub(1)) {
            return None;
        }
        let (y, j) = self.digits(i)?;
        if j - i != 4 || !(1900..=2100).contains(&y) {
            return None;
        }
        let k = self.skip_spaces(j);
        if self.at(k) != Some('年') {
            return None;
        }
        Some(self.after_year(i, k + 1, y as i32, None))
    }

    /// After `…年`: `度` makes a fiscal year; a month (and day) a date.
    fn after_year(&mut self, start: usize, j: usize, year: i32, era: Option<(Era, u32)>) -> usize {
        if self.at(j) == Some('度') {
            self.years.push(YearMention { year, fiscal: true, start, end: j + 1 });
            return j + 1;
        }
        let k = self.skip_spaces(j);
        if let Some((m, after_month)) = self.month(k) {
            let (day, end) = self.day(after_month);
            self.years.push(YearMention { year, fiscal: false, start, end: j });
            return self.push_date(start, end, Some(year), era, m, day);
        }
        self.years.push(YearMention { year, fiscal: false, start, end: j });
        j
    }

    /// `5月` but not `3か月`.
    fn month(&self, i: usize) -> Option<(u8, usize)> {
        let (m, j) = self.digits(i)?;
        let j2 = self.skip_spaces(j);
        (self.at(j2) == Some('月') && (1..=12).contains(&m)).then_some((m as u8, j2 + 1))
    }

    /// `24日`, `末`, or nothing.
    fn day(&self, i: usize) -> (Option<u8>, usize) {
        let k = self.skip_spaces(i);
        if let Some((d, j)) = self.digits(k) {
            let j2 = self.skip_spaces(j);
            if self.at(j2) == Some('日') && (1..=31).contains(&d) {
                return (Some(d as u8), j2 + 1);
            }
        }
        (None, i)
    }

    /// `6月`, `12月15日`, `3月16日金曜日` without a year.
    fn bare_date(&mut self, i: usize) -> Option<usize> {
        if self.is_digit(i.wrapping_sub(1)) {
            return None;
        }
        let (m, j) = self.month(i)?;
        let (day, end) = self.day(j);
        Some(self.push_date(i, end, None, None, m, day))
    }

    /// `4/25(火)`, `3/24`.
    fn slash_date(&mut self, i: usize) -> Option<usize> {
        if self.is_digit(i.wrapping_sub(1)) || self.at(i.wrapping_sub(1)) == Some('/') {
            return None;
        }
        let (m, j) = self.digits(i)?;
        if self.at(j) != Some('/') {
            return None;
        }
        let (d, k) = self.digits(j + 1)?;
        if !(1..=12).contains(&m) || !(1..=31).contains(&d) || self.at(k) == Some('/') || j - i > 2 || k - j > 3 {
            return None;
        }
        Some(self.push_date(i, k, None, None, m as u8, Some(d as u8)))
    }

    /// Records a date and reads a weekday printed after it.
    fn push_date(
        &mut self,
        start: usize,
        end: usize,
        year: Option<i32>,
        era: Option<(Era, u32)>,
        month: u8,
        day: Option<u8>,
    ) -> usize {
        let (weekday, end) = match day {
            Some(_) => self.weekday(end),
            None => (None, end),
        };
        self.dates.push(DateMention { year, era, month, day, weekday, start, end });
        end
    }

    /// `(火)` or `金曜日` right after a date.
    fn weekday(&self, i: usize) -> (Option<u8>, usize) {
        const DAYS: [char; 7] = ['月', '火', '水', '木', '金', '土', '日'];
        let k = self.skip_spaces(i);
        if self.at(k) == Some('(') && self.at(k + 2) == Some(')') {
            if let Some(w) = self.at(k + 1).and_then(|c| DAYS.iter().position(|d| *d == c)) {
                return (Some(w as u8), k + 3);
            }
        }
        if self.at(k + 1) == Some('曜') {
            if let Some(w) = self.at(k).and_then(|c| DAYS.iter().position(|d| *d == c)) {
                let end = if self.at(k + 2) == Some('日') { k + 3 } else { k + 2 };
                return (Some(w as u8), end);
            }
        }
        (None, i)
    }

    /// `第2回`, `No.2-1`, `ISO27001`, `IV-7-48-(4)`, `055-971-4322`: digits
    /// that are not quantities.
    fn ordinal_or_code(&mut self, i: usize) -> Option<usize> {
        if self.at(i) == Some('第') {
            let j = self.skip_spaces(i + 1);
            let (_, k) = self.digits(j)?;
            return Some(k);
        }
        if self.starts(i, "No") {
            let mut j = i + 2;
            while matches!(self.at(j), Some('.' | ' ')) {
                j += 1;
            }
            let (_, k) = self.digits(j)?;
            return Some(self.code_tail(k));
        }
        if !self.is_digit(i) {
            return None;
        }
        if self.at(i.wrapping_sub(1)).is_some_and(|c| c.is_ascii_alphabetic()) {
            let (_, k) = self.digits(i)?;
            return Some(self.code_tail(k));
        }
        let (_, k) = self.digits(i)?;
        if self.at(k) == Some('-') && (self.is_digit(k + 1) || self.at(k + 1) == Some('(')) {
            return Some(self.code_tail(k));
        }
        None
    }

    /// The rest of a code: `-1`, `-(4)`, `.5`.
    fn code_tail(&self, mut k: usize) -> usize {
        while let Some(c) = self.at(k) {
            let joins = matches!(c, '-' | '.' | '(' | ')') && (self.is_digit(k + 1) || self.at(k + 1) == Some('('))
                || (c == ')' && self.is_digit(k.wrapping_sub(1)));
            if c.is_ascii_digit() || joins {
                k += 1;
            } else {
                break;
            }
        }
        k
    }

    fn ranges(&self) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for (a, first) in self.dates.iter().enumerate() {
            let mut k = self.skip_spaces(first.end);
            if matches!(self.at(k), Some('~' | '-')) {
                k += 1;
            } else if self.starts(k, "から") {
                k += 2;
            } else {
                continue;
            }
            let k = self.skip_spaces(k);
            if let Some(b) = self.dates.iter().position(|d| d.start == k) {
                out.push((a, b));
            }
        }
        out
    }

    fn scan_figures(&self) -> Vec<Figure> {
        let mut figures: Vec<Figure> = Vec::new();
        let mut i = 0;
        let mut boundary = 0;
        while i < self.c.len() {
            if self.masked[i] || !self.is_digit(i) || self.is_digit(i.wrapping_sub(1)) {
                if is_clause_break(self.c[i], self.at(i + 1)) {
                    boundary = i + 1;
                }
                i += 1;
                continue;
            }
            match self.figure(i, boundary) {
                // A bare number (`2018` in a title, `36の…`) has no counter
                // to compare by; only figures with a unit are kept.
                Some(f) if !f.unit.is_empty() => {
                    i = f.end;
                    boundary = f.end;
                    figures.push(f);
                }
                Some(f) => i = f.end.max(i + 1),
                None => {
                    while self.is_digit(i) || self.at(i).is_some_and(|c| matches!(c, ',' | '.')) && self.is_digit(i + 1)
                    {
                        i += 1;
                    }
                }
            }
        }
        self.mark_bracketed_changes(&mut figures);
        for f in &mut figures {
            let own = self.years.iter().rev().find(|y| y.start >= f.label_start && y.end <= f.start).copied();
            let after = self.skip_spaces(f.end);
            let bracketed = if self.at(after) == Some('(') {
                self.years.iter().find(|y| y.start > after && y.start <= after + 2).copied()
            } else {
                None
            };
            f.year = own.or(bracketed);
            f.context_year = self.years.iter().rev().find(|y| y.end <= f.start).copied();
        }
        figures
    }

    /// Reads a figure whose digits start at `i`.
    fn figure(&self, i: usize, boundary: usize) -> Option<Figure> {
        // Words before the number that belong to it.
        let before: String = self.c[boundary..i].iter().collect();
        let before = before.trim_end();
        let mut approx = ["約", "概ね", "おおむね", "およそ"].iter().any(|w| before.ends_with(w));
        let total = ["合計", "計", "総計"].iter().any(|w| before.ends_with(w))
            || before.ends_with("合計で")
            || before.ends_with("合わせて");
        let sign = match before.chars().last() {
            Some('+') => Some(Change::Increase),
            Some('△' | '▲') => Some(Change::Decrease),
            _ => None,
        };
        let (value, precision, mut j) = self.amount(i)?;
        let k = self.skip_spaces(j);
        let (unit, factor, after_unit) = match unit_at(self.c, k) {
            Some((u, f, len)) => (u.to_string(), f, k + len),
            None => (String::new(), 1, j),
        };
        let value = value.checked_mul_int(factor)?;
        let precision = precision * factor as f64;
        j = after_unit;
        let mut unit = unit;
        // `85回/年`, `564.9g/人日`.
        if !unit.is_empty() && self.at(j) == Some('/') {
            if let Some((per, _, len)) = unit_at(self.c, j + 1) {
                unit = format!("{unit}/{per}");
                j += 1 + len;
            }
        }
        let k = self.skip_spaces(j);
        let (relation, rel_len, rel_approx) = relation_at(self.c, k);
        if rel_len > 0 {
            j = k + rel_len;
        }
        approx |= rel_approx;
        let mut change = sign;
        let k = self.skip_spaces(j);
        let k = if self.at(k) == Some('の') { k + 1 } else { k };
        if let Some((c, len)) = change_at(self.c, k) {
            change = Some(c);
            j = k + len;
        }
        let start = if approx && i >= 2 && before.ends_with("概ね") {
            i - 2
        } else if approx && before.ends_with('約') {
            i - 1
        } else {
            i
        };
        let printed: String = self.c[start..j].iter().collect();
        Some(Figure {
            value,
            unit,
            printed,
            start: i,
            end: j,
            precision,
            approx,
            relation,
            total,
            change,
            label_start: boundary,
            year: None,
            context_year: None,
        })
    }

    /// A number with Japanese numerals for ten-thousands and beyond:
    /// `1,234`, `1万2千`, `6千870万`, `2.7億`, `140,000百万`. Returns the
    /// value, the place value of its last digit and the index after it.
    fn amount(&self, i: usize) -> Option<(Number, f64, usize)> {
        let mut total = Number::ZERO;
        let mut segment = Number::ZERO;
        let mut precision;
        let mut j = i;
        loop {
            let (n, prec, k) = self.plain_number(j)?;
            let m = self.skip_spaces(k);
            match self.at(m) {
                Some('千') | Some('百') => {
                    let f = if self.at(m) == Some('千') { 1000 } else { 100 };
                    segment = segment.checked_add(n.checked_mul_int(f)?)?;
                    precision = prec * f as f64;
                    j = m + 1;
                    match self.at(j) {
                        Some('万') | Some('億') => {
                            let big = if self.at(j) == Some('万') { 10_000 } else { 100_000_000 };
                            total = total.checked_add(segment.checked_mul_int(big)?)?;
                            segment = Number::ZERO;
                            precision *= big as f64;
                            j += 1;
                        }
                        _ => {}
                    }
                    if !self.is_digit(j) {
                        break;
                    }
                }
                Some('万') | Some('億') => {
                    let big = if self.at(m) == Some('万') { 10_000 } else { 100_000_000 };
                    segment = segment.checked_add(n)?;
                    total = total.checked_add(segment.checked_mul_int(big)?)?;
                    segment = Number::ZERO;
                    precision = prec * big as f64;
                    j = m + 1;
                    if !self.is_digit(j) {
                        break;
                    }
                }
                _ => {
                    segment = segment.checked_add(n)?;
                    precision = prec;
                    j = k;
                    break;
                }
            }
        }
        Some((total.checked_add(segment)?, precision, j))
    }

    /// `1,234.5` at `i`: the number, the place value of its last digit and
    /// the index after it.
    fn plain_number(&self, i: usize) -> Option<(Number, f64, usize)> {
        let mut j = i;
        let mut text = String::new();
        while let Some(c) = self.at(j) {
            let grouping = c == ',' && (1..=3).all(|d| self.is_digit(j + d)) && !self.is_digit(j + 4);
            let point = c == '.' && self.is_digit(j + 1) && !text.contains('.');
            if c.is_ascii_digit() || grouping || point {
                text.push(c);
                j += 1;
            } else {
                break;
            }
        }
        let n = Number::parse(&text)?;
        Some((n, 10f64.powi(-(n.scale() as i32)), j))
    }

    /// `96,528件（164%）の増`: the change word after the bracket makes both
    /// figures changes.
    fn mark_bracketed_changes(&self, figures: &mut [Figure]) {
        for k in 0..figures.len().saturating_sub(1) {
            let open = self.skip_spaces(figures[k].end);
            if self.at(open) != Some('(') || figures[k + 1].start != self.skip_spaces(open + 1) {
                continue;
            }
            let close = self.skip_spaces(figures[k + 1].end);
            if self.at(close) != Some(')') {
                continue;
            }
            let c = self.skip_spaces(close + 1);
            let c = if self.at(c) == Some('の') { c + 1 } else { c };
            let word = change_at(self.c, c).map(|(w, _)| w).or(figures[k + 1].change);
            if let Some(w) = word {
                if figures[k].change.is_some() || change_at(self.c, c).is_some() {
                    figures[k].change.get_or_insert(w);
                    figures[k + 1].change.get_or_insert(w);
                }
            }
        }
    }
}

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

fn unit_at(c: &[char], k: usize) -> Option<(&'static str, i64, usize)> {
    let first = *c.get(k)?;
    let mut best: Option<(&'static str, i64, usize)> = None;
    for (printed, canonical, factor) in UNITS {
        if !printed.starts_with(first) {
            continue;
        }
        let Some(len) = prefix_len(c, k, printed) else { continue };
        // An ASCII unit must end there: `t` is not the start of `text`.
        let ascii_tail = printed.is_ascii() && c.get(k + len).is_some_and(|n| n.is_ascii_alphabetic());
        if !ascii_tail && best.is_none_or(|(_, _, l)| len > l) {
            best = Some((canonical, *factor, len));
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
    let unit = crate::text::squeeze(unit);
    let money = [("百万円", 1_000_000i64), ("千円", 1000), ("万円", 10_000), ("億円", 100_000_000), ("円", 1)];
    for (u, f) in money {
        if unit == u {
            return Some((value.checked_mul_int(f)?, "円".into()));
        }
    }
    if unit.is_empty() {
        return Some((value, String::new()));
    }
    let chars: Vec<char> = unit.chars().collect();
    match unit_at(&chars, 0) {
        Some((canonical, factor, len)) if len == chars.len() => {
            Some((value.checked_mul_int(factor)?, canonical.into()))
        }
        Some((canonical, factor, len)) if chars.get(len) == Some(&'/') => {
            Some((value.checked_mul_int(factor)?, format!("{canonical}{}", chars[len..].iter().collect::<String>())))
        }
        _ => Some((value, unit)),
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
