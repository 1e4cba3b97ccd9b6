//! Japanese eras (和暦), fiscal years (年度) and dates.
//!
//! A fiscal year runs from 1 April to 31 March and is named by the western
//! year in which it starts: FY2019 = 2019-04-01 … 2020-03-31 = 令和元年度
//! (also printed 平成31年度, H31 or R01, because the era changed on 1 May 2019).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::text::squeeze;

/// The eras of the modern calendar, oldest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Era {
    Meiji,
    Taisho,
    Showa,
    Heisei,
    Reiwa,
}

impl Era {
    pub const ALL: [Era; 5] = [Era::Meiji, Era::Taisho, Era::Showa, Era::Heisei, Era::Reiwa];

    pub fn name(self) -> &'static str {
        match self {
            Era::Meiji => "明治",
            Era::Taisho => "大正",
            Era::Showa => "昭和",
            Era::Heisei => "平成",
            Era::Reiwa => "令和",
        }
    }

    /// The Latin initial used in tables: `H30`, `R01`.
    pub fn initial(self) -> char {
        match self {
            Era::Meiji => 'M',
            Era::Taisho => 'T',
            Era::Showa => 'S',
            Era::Heisei => 'H',
            Era::Reiwa => 'R',
        }
    }

    /// The first day of the era. Meiji is taken from 1868-01-01: the change
    /// of era in October 1868 was applied to the whole year.
    pub fn first_day(self) -> JpDate {
        let (y, m, d) = match self {
            Era::Meiji => (1868, 1, 1),
            Era::Taisho => (1912, 7, 30),
            Era::Showa => (1926, 12, 25),
            Era::Heisei => (1989, 1, 8),
            Era::Reiwa => (2019, 5, 1),
        };
        JpDate { year: y, month: m, day: d }
    }

    pub fn from_name(name: &str) -> Option<Era> {
        Era::ALL.into_iter().find(|e| e.name() == name)
    }

    pub fn from_initial(c: char) -> Option<Era> {
        let c = c.to_ascii_uppercase();
        Era::ALL.into_iter().find(|e| e.initial() == c)
    }

    /// The western year of era year `n` (元年 = 1).
    pub fn western_year(self, n: u32) -> i32 {
        self.first_day().year + n as i32 - 1
    }

    /// The era in force on a date, if the date is not before Meiji.
    pub fn of_date(date: JpDate) -> Option<Era> {
        Era::ALL.into_iter().rev().find(|e| date >= e.first_day())
    }
}

/// Why a year or date could not be read. Messages are for city-hall users.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WarekiError {
    #[error("「{0}」を年度として読み取れません（例: 令和2年度、R02、2020年度）")]
    NotAFiscalYear(String),
    #[error("「{0}」を年として読み取れません（例: 平成28年、2016年）")]
    NotAYear(String),
    #[error("「{0}」を日付として読み取れません（例: 令和2年3月31日、平成29年3月末、2020-03-31）")]
    NotADate(String),
    #[error("「{input}」の和暦と西暦が一致しません（{era_year}は西暦{expected}年です）")]
    Mismatch { input: String, era_year: String, expected: i32 },
    #[error("{0}年は扱える範囲（1868年〜2200年）の外です")]
    OutOfRange(i32),
}

const MIN_YEAR: i32 = 1868;
const MAX_YEAR: i32 = 2200;

/// A fiscal year (年度), named by the western year in which it starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i32", into = "i32")]
pub struct FiscalYear(i32);

impl FiscalYear {
    pub fn new(year: i32) -> Result<Self, WarekiError> {
        if (MIN_YEAR..=MAX_YEAR).contains(&year) {
            Ok(FiscalYear(year))
        } else {
            Err(WarekiError::OutOfRange(year))
        }
    }

    /// The western year in which the fiscal year starts.
    pub fn year(self) -> i32 {
        self.0
    }

    /// The era that names this fiscal year: the one in force on 1 May. This
    /// names FY2019 令和元年度, as the government did, and FY1926 大正15年度.
    pub fn era(self) -> Era {
        let may_first = JpDate { year: self.0, month: 5, day: 1 };
        Era::of_date(may_first).unwrap_or(Era::Meiji)
    }

    pub fn era_year(self) -> u32 {
        (self.0 - self.era().first_day().year + 1) as u32
    }

    /// `令和元年度`, `平成30年度`.
    pub fn label(self) -> String {
        format!("{}{}年度", self.era().name(), era_year_text(self.era_year()))
    }

    /// `令和2(2020)年度`: the era with the western year alongside.
    pub fn label_with_western(self) -> String {
        format!("{}{}({})年度", self.era().name(), era_year_text(self.era_year()), self.0)
    }

    /// `R01`, `H30`: the short form of table headers.
    pub fn short_label(self) -> String {
        format!("{}{:02}", self.era().initial(), self.era_year())
    }

    /// `2019年度`.
    pub fn western_label(self) -> String {
        format!("{}年度", self.0)
    }

    pub fn first_day(self) -> JpDate {
        JpDate { year: self.0, month: 4, day: 1 }
    }

    pub fn last_day(self) -> JpDate {
        JpDate { year: self.0 + 1, month: 3, day: 31 }
    }

    /// The fiscal year a date falls in.
    pub fn containing(date: JpDate) -> Result<Self, WarekiError> {
        FiscalYear::new(if date.month >= 4 { date.year } else { date.year - 1 })
    }

    pub fn next(self) -> Result<Self, WarekiError> {
        FiscalYear::new(self.0 + 1)
    }

    /// Parses every common printed form of a fiscal year: `平成30年度`,
    /// `平成 30 年度`, `H30`, `R01`, `R2年度`, `令和元年度`, `令和2(2020)年度`,
    /// `2019年度`, `FY2019`. Era years past the era's end are read
    /// arithmetically (`平成32年度` = FY2020), as plans printed before a change
    /// of era name them.
    pub fn parse(input: &str) -> Result<Self, WarekiError> {
        let fail = || WarekiError::NotAFiscalYear(input.trim().to_string());
        let s = squeeze(input);
        let mut cur = Cursor::new(&s);
        let year = if cur.eat_str("FY") || cur.eat_str("fy") {
            let y = cur.digits().ok_or_else(fail)?;
            cur.eat_str("年度");
            y as i32
        } else if let Some(era) = cur.era_name() {
            let n = cur.era_number().ok_or_else(fail)?;
            let year = era.western_year(n);
            check_western_alongside(&mut cur, input, era, n, year)?;
            if !cur.eat_str("年度") {
                return Err(fail());
            }
            year
        } else if let Some(era) = cur.era_initial() {
            let n = cur.era_number().ok_or_else(fail)?;
            cur.eat_str("年度");
            era.western_year(n)
        } else {
            let y = cur.digits().ok_or_else(fail)?;
            if !cur.eat_str("年度") || !(1000..=9999).contains(&y) {
                return Err(fail());
            }
            y as i32
        };
        if !cur.is_done() {
            return Err(fail());
        }
        FiscalYear::new(year)
    }
}

impl FromStr for FiscalYear {
    type Err = WarekiError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FiscalYear::parse(s)
    }
}

impl fmt::Display for FiscalYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

impl TryFrom<i32> for FiscalYear {
    type Error = WarekiError;
    fn try_from(y: i32) -> Result<Self, Self::Error> {
        FiscalYear::new(y)
    }
}

impl From<FiscalYear> for i32 {
    fn from(fy: FiscalYear) -> i32 {
        fy.0
    }
}

/// Parses a calendar year as printed in data-year notes: `平成28年`,
/// `令和元年`, `2016年`, `R1年`. Returns the western year.
pub fn parse_calendar_year(input: &str) -> Result<i32, WarekiError> {
    let fail = || WarekiError::NotAYear(input.trim().to_string());
    let s = squeeze(input);
    let mut cur = Cursor::new(&s);
    let year = if let Some(era) = cur.era_name().or_else(|| cur.era_initial()) {
        let n = cur.era_number().ok_or_else(fail)?;
        let year = era.western_year(n);
        check_western_alongside(&mut cur, input, era, n, year)?;
        year
    } else {
        cur.digits().ok_or_else(fail)? as i32
    };
    if !cur.eat_str("年") || !cur.is_done() {
        return Err(fail());
    }
    if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
        return Err(WarekiError::OutOfRange(year));
    }
    Ok(year)
}

fn era_year_text(n: u32) -> String {
    if n == 1 {
        "元".to_string()
    } else {
        n.to_string()
    }
}

/// `令和2(2020)`: when the western year is printed alongside, it must agree.
fn check_western_alongside(cur: &mut Cursor<'_>, input: &str, era: Era, n: u32, year: i32) -> Result<(), WarekiError> {
    let save = cur.pos;
    if cur.eat_str("(") {
        match cur.digits() {
            Some(w) if cur.eat_str(")") => {
                if w as i32 != year {
                    return Err(WarekiError::Mismatch {
                        input: input.trim().to_string(),
                        era_year: format!("{}{}年", era.name(), era_year_text(n)),
                        expected: year,
                    });
                }
            }
            _ => cur.pos = save,
        }
    }
    Ok(())
}

/// A calendar date, validated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct JpDate {
    year: i32,
    month: u8,
    day: u8,
}

impl JpDate {
    pub fn new(year: i32, month: u8, day: u8) -> Result<Self, WarekiError> {
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return Err(WarekiError::OutOfRange(year));
        }
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(WarekiError::NotADate(format!("{year}-{month:02}-{day:02}")));
        }
        Ok(JpDate { year, month, day })
    }

    pub fn year(self) -> i32 {
        self.year
    }
    pub fn month(self) -> u8 {
        self.month
    }
    pub fn day(self) -> u8 {
        self.day
    }

    /// The same day as a civil date, for calendar arithmetic.
    pub fn civil(self) -> Option<jiff::civil::Date> {
        jiff::civil::Date::new(i16::try_from(self.year).ok()?, self.month as i8, self.day as i8).ok()
    }

    /// ISO 8601, the form dates are stored in.
    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// `令和2年3月31日`, in the era in force on that day.
    pub fn wareki(self) -> String {
        let era = Era::of_date(self).unwrap_or(Era::Meiji);
        let n = (self.year - era.first_day().year + 1) as u32;
        format!("{}{}年{}月{}日", era.name(), era_year_text(n), self.month, self.day)
    }

    /// Parses `令和2年3月31日`, `平成29年3月末` (end of month), `H30.12.3`,
    /// `2020年3月31日`, `2020-03-31`, `2020/3/31`.
    pub fn parse(input: &str) -> Result<Self, WarekiError> {
        let fail = || WarekiError::NotADate(input.trim().to_string());
        let s = squeeze(input);
        let mut cur = Cursor::new(&s);
        let year = if let Some(era) = cur.era_name() {
            let n = cur.era_number().ok_or_else(fail)?;
            let y = era.western_year(n);
            check_western_alongside(&mut cur, input, era, n, y)?;
            if !cur.eat_str("年") {
                return Err(fail());
            }
            y
        } else if let Some(era) = cur.era_initial() {
            let n = cur.era_number().ok_or_else(fail)?;
            if !cur.eat_str(".") {
                return Err(fail());
            }
            era.western_year(n)
        } else {
            let y = cur.digits().ok_or_else(fail)? as i32;
            if !(cur.eat_str("年") || cur.eat_str("-") || cur.eat_str("/")) {
                return Err(fail());
            }
            y
        };
        let month = cur.digits().ok_or_else(fail)?;
        let month = u8::try_from(month).map_err(|_| fail())?;
        let month_sep = cur.eat_str("月") || cur.eat_str(".") || cur.eat_str("-") || cur.eat_str("/");
        if !month_sep {
            return Err(fail());
        }
        let day = if cur.eat_str("末") {
            if !(1..=12).contains(&month) {
                return Err(fail());
            }
            days_in_month(year, month)
        } else {
            let d = cur.digits().ok_or_else(fail)?;
            cur.eat_str("日");
            u8::try_from(d).map_err(|_| fail())?
        };
        if !cur.is_done() {
            return Err(fail());
        }
        JpDate::new(year, month, day).map_err(|e| match e {
            WarekiError::OutOfRange(_) => e,
            _ => fail(),
        })
    }
}

impl fmt::Display for JpDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

impl FromStr for JpDate {
    type Err = WarekiError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        JpDate::parse(s)
    }
}

pub fn is_leap_year(y: i32) -> bool {
    i16::try_from(y).is_ok_and(|y| jiff::civil::date(y, 1, 1).in_leap_year())
}

/// Days in a month; 0 for a month that does not exist.
pub fn days_in_month(y: i32, m: u8) -> u8 {
    match (i16::try_from(y), i8::try_from(m)) {
        (Ok(y), Ok(m)) if (1..=12).contains(&m) => jiff::civil::date(y, m, 1).days_in_month() as u8,
        _ => 0,
    }
}

/// A tiny hand-written scanner over already squeezed text.
struct Cursor<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(s: &'a str) -> Self {
        Cursor { s, pos: 0 }
    }
    fn rest(&self) -> &'a str {
        &self.s[self.pos..]
    }
    fn is_done(&self) -> bool {
        self.pos == self.s.len()
    }
    fn eat_str(&mut self, p: &str) -> bool {
        if self.rest().starts_with(p) {
            self.pos += p.len();
            true
        } else {
            false
        }
    }
    fn digits(&mut self) -> Option<u32> {
        let n = self.rest().bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 || n > 9 {
            return None;
        }
        let v = self.rest()[..n].parse().ok()?;
        self.pos += n;
        Some(v)
    }
    fn era_name(&mut self) -> Option<Era> {
        let era = Era::ALL.into_iter().find(|e| self.rest().starts_with(e.name()))?;
        self.pos += era.name().len();
        Some(era)
    }
    /// An era initial must be followed by a digit, so `H30` is an era but
    /// `Hello` is not.
    fn era_initial(&mut self) -> Option<Era> {
        let mut chars = self.rest().chars();
        let era = Era::from_initial(chars.next()?)?;
        if !chars.next()?.is_ascii_digit() {
            return None;
        }
        self.pos += 1;
        Some(era)
    }
    /// `元` or a positive era year (the current era has no end).
    fn era_number(&mut self) -> Option<u32> {
        if self.eat_str("元") {
            return Some(1);
        }
        self.digits().filter(|n| (1..=999).contains(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fy(s: &str) -> i32 {
        FiscalYear::parse(s).unwrap_or_else(|e| panic!("{s}: {e}")).year()
    }

    #[test]
    fn parses_every_fiscal_year_form_in_the_seeds() {
        let cases = [
            ("平成30年度", 2018),
            ("平成 30 年度", 2018),
            ("H30", 2018),
            ("H28", 2016),
            ("R01", 2019),
            ("R2", 2020),
            ("R02", 2020),
            ("令和元年度", 2019),
            ("令和2(2020)年度", 2020),
            ("令和２（２０２０）年度", 2020),
            ("令和4(2022) 年度", 2022),
            ("2019年度", 2019),
            ("平成31年度", 2019),
            ("平成32年度", 2020),
            ("平成22年度", 2010),
            ("昭和63年度", 1988),
            ("大正15年度", 1926),
            ("明治45年度", 1912),
            ("FY2021", 2021),
            ("h30年度", 2018),
        ];
        for (input, year) in cases {
            assert_eq!(fy(input), year, "{input}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_fiscal_year() {
        for bad in
            ["", "平成", "平成30年", "H", "Hello", "令和0年度", "30年度", "令和2(2021)年度", "平成30年度末日", "12年度"]
        {
            assert!(FiscalYear::parse(bad).is_err(), "{bad} should fail");
        }
        let err = FiscalYear::parse("令和2(2021)年度").unwrap_err();
        assert!(err.to_string().contains("一致しません"), "{err}");
    }

    #[test]
    fn labels_follow_the_naming_era() {
        let cases = [
            (2019, "令和元年度", "R01"),
            (2018, "平成30年度", "H30"),
            (1989, "平成元年度", "H01"),
            (1988, "昭和63年度", "S63"),
            (1926, "大正15年度", "T15"),
            (1912, "明治45年度", "M45"),
            (2020, "令和2年度", "R02"),
        ];
        for (y, label, short) in cases {
            let f = FiscalYear::new(y).unwrap();
            assert_eq!(f.label(), label);
            assert_eq!(f.short_label(), short);
        }
        assert_eq!(FiscalYear::new(2020).unwrap().label_with_western(), "令和2(2020)年度");
    }

    #[test]
    fn fiscal_year_runs_april_to_march() {
        let d = |s: &str| JpDate::parse(s).unwrap();
        assert_eq!(FiscalYear::containing(d("2020-03-31")).unwrap().year(), 2019);
        assert_eq!(FiscalYear::containing(d("2020-04-01")).unwrap().year(), 2020);
        let f = FiscalYear::new(2019).unwrap();
        assert_eq!(f.first_day().iso(), "2019-04-01");
        assert_eq!(f.last_day().iso(), "2020-03-31");
    }

    #[test]
    fn parses_dates() {
        let cases = [
            ("平成29年3月末", "2017-03-31"),
            ("令和2年3月31日", "2020-03-31"),
            ("令和元年5月1日", "2019-05-01"),
            ("平成31年4月30日", "2019-04-30"),
            ("H30.12.3", "2018-12-03"),
            ("H30.12.15", "2018-12-15"),
            ("2020年2月末", "2020-02-29"),
            ("2019年2月末", "2019-02-28"),
            ("2020-03-31", "2020-03-31"),
            ("2020/3/31", "2020-03-31"),
            ("令和２年３月３１日", "2020-03-31"),
        ];
        for (input, iso) in cases {
            assert_eq!(JpDate::parse(input).unwrap().iso(), iso, "{input}");
        }
        for bad in ["令和2年2月30日", "2019-02-29", "平成29年13月末", "令和2年3月", "3月31日"] {
            assert!(JpDate::parse(bad).is_err(), "{bad} should fail");
        }
    }

    #[test]
    fn dates_print_in_the_era_in_force() {
        let d = |y, m, day| JpDate::new(y, m, day).unwrap().wareki();
        assert_eq!(d(2019, 4, 30), "平成31年4月30日");
        assert_eq!(d(2019, 5, 1), "令和元年5月1日");
        assert_eq!(d(1989, 1, 7), "昭和64年1月7日");
        assert_eq!(d(1989, 1, 8), "平成元年1月8日");
        assert_eq!(d(1926, 12, 24), "大正15年12月24日");
        assert_eq!(d(1926, 12, 25), "昭和元年12月25日");
        assert_eq!(d(1912, 7, 29), "明治45年7月29日");
        assert_eq!(d(1912, 7, 30), "大正元年7月30日");
    }

    #[test]
    fn calendar_years_for_data_year_notes() {
        assert_eq!(parse_calendar_year("平成28年").unwrap(), 2016);
        assert_eq!(parse_calendar_year("令和元年").unwrap(), 2019);
        assert_eq!(parse_calendar_year("2016年").unwrap(), 2016);
        assert!(parse_calendar_year("平成28年度").is_err());
    }
}
