//! Dates in the narrative that contradict the calendar or each other.

use crate::check::prose::DateMention;
use crate::check::view::SheetView;
use crate::check::{Out, Rule, Run, Scope, Severity, Side};
use crate::wareki::{days_in_month, Era};
use crate::FiscalYear;

pub const DATE_CONTRADICTION: Rule = Rule {
    code: "date_contradiction",
    title: "日付の矛盾",
    explanation: "本文の日付について、曜日が暦と合わないもの（「3月16日金曜日」など。年の書かれていない日付は調査票の年度で補います）、\
存在しない日付、元号の期間外の日付（「令和元年4月」「平成31年5月」）、終わりが始まりより前の期間（「令和2年6月～令和2年3月」）を示します。",
    scope: Scope::Sheet,
    run: Run::Sheet(date_contradiction),
};

const WEEKDAYS: [char; 7] = ['月', '火', '水', '木', '金', '土', '日'];

/// Monday = 0 … Sunday = 6 (Sakamoto's method; jiff is not a dependency of
/// the domain crate and this is the only calendar arithmetic it needs).
fn weekday(y: i32, m: u8, d: u8) -> u8 {
    const T: [i32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    let y = if m < 3 { y - 1 } else { y };
    let sunday0 = (y + y / 4 - y / 100 + y / 400 + T[m as usize - 1] + d as i32).rem_euclid(7);
    ((sunday0 + 6) % 7) as u8
}

/// The year of a date: as printed, or from the fiscal year (April to
/// March) when the date has none.
fn year_of(d: &DateMention, fy: Option<FiscalYear>) -> Option<i32> {
    d.year.or_else(|| fy.map(|fy| if d.month >= 4 { fy.year() } else { fy.year() + 1 }))
}

fn printed(chars: &[char], d: &DateMention) -> String {
    chars[d.start..d.end.min(chars.len())].iter().collect()
}

fn date_contradiction(v: &SheetView, out: &mut Out) {
    for text in v.narratives.iter().chain(&v.cell_texts) {
        let fy = text.fiscal_year;
        for s in &text.sentences {
            let place = || v.place(&text.part, None, fy, text.line);
            for d in &s.dates {
                let shown = printed(&s.chars, d);
                // An undated date belongs to the year the sentence names
                // before it (`平成29年度は…3月16日`), else to the sheet's.
                let named = s.years.iter().rev().find(|y| y.end <= d.start);
                let y = match (d.year, named) {
                    (Some(y), _) => y,
                    (None, Some(n)) if n.fiscal => {
                        if d.month >= 4 {
                            n.year
                        } else {
                            n.year + 1
                        }
                    }
                    (None, Some(n)) => n.year,
                    (None, None) => match year_of(d, fy) {
                        Some(y) => y,
                        None => continue,
                    },
                };
                if let Some(day) = d.day {
                    if day > days_in_month(y, d.month) {
                        out.push(
                            Severity::Error,
                            place(),
                            format!(
                                "{}の「{shown}」は存在しない日付です（{y}年{}月は{}日まで）。",
                                text.part,
                                d.month,
                                days_in_month(y, d.month)
                            ),
                            Side::new("本文の日付", shown.clone()),
                            Side::new("暦", format!("{y}年{}月は{}日まで", d.month, days_in_month(y, d.month))),
                        );
                        continue;
                    }
                    if let Some(w) = d.weekday {
                        let real = weekday(y, d.month, day);
                        if real != w {
                            out.push(
                                Severity::Error,
                                place(),
                                format!(
                                    "{}の「{shown}」は、{y}年{}月{day}日が{}曜日なので曜日が合いません。",
                                    text.part, d.month, WEEKDAYS[real as usize]
                                ),
                                Side::new("本文の曜日", shown.clone()),
                                Side::new(
                                    "暦の曜日",
                                    format!("{y}年{}月{day}日（{}）", d.month, WEEKDAYS[real as usize]),
                                ),
                            );
                        }
                    }
                }
                if let Some((era, n)) = d.era {
                    if let Some(why) = outside_era(era, n, y, d.month, d.day, fy) {
                        out.push(
                            Severity::Warning,
                            place(),
                            format!("{}の「{shown}」は{why}", text.part),
                            Side::new("本文の日付", shown.clone()),
                            Side::new("元号の期間", era_span(era)),
                        );
                    }
                }
            }
            for &(a, b) in &s.ranges {
                let (da, db) = (&s.dates[a], &s.dates[b]);
                // Without years, `10月～3月` runs into the next year.
                let (Some(ya), Some(yb)) = (da.year, db.year) else { continue };
                let start = (ya, da.month, da.day.unwrap_or(1));
                let end = (yb, db.month, db.day.unwrap_or(31));
                if end < start {
                    let (pa, pb) = (printed(&s.chars, da), printed(&s.chars, db));
                    out.push(
                        Severity::Error,
                        place(),
                        format!("{}の期間「{pa}～{pb}」は、終わりが始まりより前になっています。", text.part),
                        Side::new("期間の始まり", pa),
                        Side::new("期間の終わり", pb),
                    );
                }
            }
        }
    }
}

fn era_span(era: Era) -> String {
    let first = era.first_day();
    match Era::ALL.iter().position(|e| *e == era).and_then(|i| Era::ALL.get(i + 1)) {
        Some(next) => format!("{}: {}～{}の前日", era.name(), first.wareki(), next.first_day().wareki()),
        None => format!("{}: {}～", era.name(), first.wareki()),
    }
}

/// Why an era date lies outside its era, if it does. A date past the end
/// of an era is only a mistake once the next era was known, in sheets of
/// its fiscal year or later; a date before the era began always is.
fn outside_era(era: Era, n: u32, y: i32, month: u8, day: Option<u8>, fy: Option<FiscalYear>) -> Option<String> {
    let first = era.first_day();
    let before = match day {
        Some(d) => (y, month, d) < (first.year(), first.month(), first.day()),
        None => (y, month) < (first.year(), first.month()),
    };
    if before {
        return Some(format!("{}の始まり（{}）より前の日付です。", era.name(), first.wareki()));
    }
    let i = Era::ALL.iter().position(|e| *e == era)?;
    let next = *Era::ALL.get(i + 1)?;
    let nf = next.first_day();
    let past = match day {
        Some(d) => (y, month, d) >= (nf.year(), nf.month(), nf.day()),
        None => (y, month) > (nf.year(), nf.month()) || ((y, month) == (nf.year(), nf.month()) && nf.day() == 1),
    };
    let known = fy.is_some_and(|fy| fy.last_day() >= nf);
    let number = |k: i32| if k == 1 { "元".to_string() } else { k.to_string() };
    (past && known).then(|| {
        format!(
            "{}{}年には当たらない日付です（{}年{}月は{}{}年）。",
            era.name(),
            number(n as i32),
            y,
            month,
            next.name(),
            number(y - nf.year() + 1)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekdays_of_the_seed_dates() {
        // 小平市 No.30-1: 4/25(火) … 12/27(水) of 2017, 2/1(木) of 2018.
        assert_eq!(weekday(2017, 4, 25), 1);
        assert_eq!(weekday(2017, 12, 27), 2);
        assert_eq!(weekday(2018, 2, 1), 3);
        assert_eq!(weekday(2018, 3, 16), 4);
        assert_eq!(weekday(2000, 2, 29), 1);
    }
}
