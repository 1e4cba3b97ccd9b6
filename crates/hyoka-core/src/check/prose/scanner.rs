//! The scanner behind [`super::Sentence::read`]: years, dates, ordinals
//! and codes first (so their digits are never figures), then figures.

use super::{change_at, is_clause_break, prefix_len, relation_at, unit_at, Change, DateMention, Figure, YearMention};
use crate::number::Number;
use crate::wareki::Era;

const ERAS: [Era; 5] = Era::ALL;

pub(super) struct Scanner<'a> {
    pub c: &'a [char],
    pub masked: Vec<bool>,
    pub years: Vec<YearMention>,
    pub dates: Vec<DateMention>,
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

    pub(super) fn scan_years_and_dates(&mut self) {
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

    pub(super) fn ranges(&self) -> Vec<(usize, usize)> {
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

    pub(super) fn scan_figures(&self) -> Vec<Figure> {
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
                Some('千' | '百') => {
                    let f = if self.at(m) == Some('千') { 1000 } else { 100 };
                    segment = segment.checked_add(n.checked_mul_int(f)?)?;
                    precision = prec * f as f64;
                    j = m + 1;
                    if let Some('万' | '億') = self.at(j) {
                        let big = if self.at(j) == Some('万') { 10_000 } else { 100_000_000 };
                        total = total.checked_add(segment.checked_mul_int(big)?)?;
                        segment = Number::ZERO;
                        precision *= big as f64;
                        j += 1;
                    }
                    if !self.is_digit(j) {
                        break;
                    }
                }
                Some('万' | '億') => {
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
