//! date_contradiction: weekdays, dates that do not exist, dates outside
//! their era, ranges that end before they start.

mod check_support;

use check_support::*;
use hyoka_core::check::{Flag, Severity};

fn dates(text: &str, year: i32, file: &str, line: usize) -> Vec<Flag> {
    let mut s = sheet("x", "x", year, file);
    s.narratives.push(narrative("do", "取組実績", text, line));
    check(&s)
}

#[test]
fn the_seeds_dates_agree_with_the_calendar() {
    // 小平市 No.30-1: twelve meetings 4/25(火) … 3/20(火) of 平成29年度.
    let meetings = cell_with(KODAIRA, 576, "4/25(火)");
    assert!(dates(&meetings, 2017, KODAIRA, 576).iter().all(|f| f.rule != "date_contradiction"));
    // 小平市 No.2-7: 3月16日金曜日. 東村山市: 平成31年4月19日, 令和元年5月24日.
    assert!(dates(&cell_with(KODAIRA, 196, "3月16日金曜日"), 2017, KODAIRA, 196).is_empty());
    assert!(dates(&cell_with(HIGASHIMURAYAMA, 20, "平成31年4月19日"), 2019, HIGASHIMURAYAMA, 20).is_empty());
    assert!(dates(&cell_with(HIGASHIMURAYAMA, 19, "平成31年4月7日"), 2019, HIGASHIMURAYAMA, 19).is_empty());
}

#[test]
fn a_weekday_that_the_calendar_contradicts() {
    let meetings = cell_with(KODAIRA, 576, "4/25(火)").replace("4/25(火)", "4/25(水)");
    let flags = dates(&meetings, 2017, KODAIRA, 576);
    let found = of(&flags, "date_contradiction");
    assert_eq!(found.len(), 1, "{flags:#?}");
    assert_eq!(found[0].severity, Severity::Error);
    assert_eq!((found[0].left.value.as_str(), found[0].right.value.as_str()), ("4/25(水)", "2017年4月25日（火）"));
    // The year is read from the sheet: in 平成30年度 the 4/25 is a Wednesday.
    assert!(dates("定期連絡会を4/25(水)に開催した。", 2018, KODAIRA, 1).is_empty());
    // … or from the year the sentence names before the date.
    assert!(dates("平成29年度は3月16日金曜日に講座を開催した。", 2018, KODAIRA, 1).is_empty());
    assert_eq!(codes(&dates("平成30年度は3月16日金曜日に講座を開催した。", 2017, KODAIRA, 1)), ["date_contradiction"]);
}

#[test]
fn dates_outside_their_era_and_impossible_dates() {
    // 令和 began on 1 May 2019.
    let flags = dates("令和元年4月1日に条例を施行した。", 2019, HIGASHIMURAYAMA, 1);
    assert_eq!(codes(&flags), ["date_contradiction"]);
    assert!(flags[0].message.contains("令和の始まり"), "{}", flags[0].message);
    // 平成31年5月 is wrong once 令和 is known …
    let flags = dates("平成31年5月24日に第2回を開催した。", 2019, HIGASHIMURAYAMA, 1);
    assert_eq!(codes(&flags), ["date_contradiction"]);
    assert!(flags[0].message.contains("令和元年"), "{}", flags[0].message);
    // … but not in a plan written before it.
    assert!(dates("平成31年5月に着工する予定である。", 2018, MITAKA, 1).is_empty());
    assert_eq!(codes(&dates("令和2年2月30日に開催した。", 2019, HIGASHIMURAYAMA, 1)), ["date_contradiction"]);
}

#[test]
fn a_range_that_ends_before_it_starts() {
    let flags = dates("改修工事（令和2年6月1日～令和2年3月1日）を実施した。", 2020, WHITEPAPER, 1);
    assert_eq!(codes(&flags), ["date_contradiction"]);
    assert_eq!((flags[0].left.value.as_str(), flags[0].right.value.as_str()), ("令和2年6月1日", "令和2年3月1日"));
    // 白書: 令和2年3月27日から6月7日まで, and month ranges across the year end.
    assert!(dates(&cell_with(WHITEPAPER, 296, "令和2年3月27日から6月7日まで"), 2020, WHITEPAPER, 296).is_empty());
    assert!(dates("10月～3月に滞納繰越分の取組を実施した。", 2018, MITAKA, 241).is_empty());
}
