//! Rules on figures in the narrative: narrative_vs_table, change_rate,
//! text_sum, text_share. Cases are the seeds' own sentences.

mod check_support;

use check_support::*;
use hyoka_core::check::Severity;
use hyoka_core::{Direction, ValueRole};

const T: ValueRole = ValueRole::Target;
const A: ValueRole = ValueRole::Actual;
const B: ValueRole = ValueRole::Baseline;

/// 三島市 成果指標 (lines 32–33 and 38–39) with the 施策の方向 IV-7-48-(2)
/// evaluation (line 116) that quotes them.
fn mishima(check_text: &str) -> Vec<hyoka_core::check::Flag> {
    let mut e_apply = indicator("電子申請の年間利用件数", Direction::HigherIsBetter);
    let targets = cells(MISHIMA, 32);
    let actuals = cells(MISHIMA, 33);
    assert_eq!(&actuals[1..4], ["3,245件", "5,696件", "6154件"]);
    for (i, year) in [2016, 2017, 2018].into_iter().enumerate() {
        e_apply.values.push(value(year, T, &targets[3 + i], "成果指標", 32));
        e_apply.values.push(value(year, A, &actuals[1 + i], "成果指標", 33));
    }
    let mut open_data = indicator("オープンデータの公開数", Direction::HigherIsBetter);
    let actuals = cells(MISHIMA, 39);
    for (i, year) in [2016, 2017, 2018].into_iter().enumerate() {
        open_data.values.push(value(year, A, &actuals[1 + i], "成果指標", 39));
    }
    let mut s = sheet("direction:IV-7-48-(2)", "IV-7-48-(2)", 2018, MISHIMA);
    s.narratives.push(narrative("check", "実施(改善)計画に対する今年度の評価", check_text, 116));
    check_with(&s, &[e_apply, open_data])
}

#[test]
fn narrative_number_that_differs_from_the_table_is_flagged() {
    // 「…6,141件に増加した」 while the table prints 6154件 for 平成30年度.
    let text = cell_with(MISHIMA, 116, "6,141件に増加した");
    let flags = mishima(&text);
    let found = of(&flags, "narrative_vs_table");
    assert_eq!(found.len(), 1, "{flags:#?}");
    let f = found[0];
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!((f.left.value.as_str(), f.right.value.as_str()), ("6,141件", "6154件"));
    assert_eq!(f.place.field.as_deref(), Some("電子申請の年間利用件数"));
    assert_eq!(f.place.fiscal_year, Some(fy(2018)));
    assert_eq!(f.place.line, Some(116));
    assert!(
        f.message.contains("平成30年度") && f.message.contains("6,141件") && f.message.contains("6154件"),
        "{}",
        f.message
    );
    // The same sentence's 平成29年度の5,696件, 「現在公開中36件」 and
    // 「新規公開件数は0件」 (another measure) are not flagged.
    assert_eq!(flags.len(), 1, "{flags:#?}");
}

#[test]
fn narrative_that_agrees_with_the_table_gives_no_flag() {
    let text = cell_with(MISHIMA, 116, "6,141件に増加した").replace("6,141件", "6,154件");
    assert!(mishima(&text).is_empty());
    // Full-width digits and a kanji numeral say the same.
    let text = cell_with(MISHIMA, 116, "6,141件に増加した").replace("6,141件", "６，１５４件");
    assert!(mishima(&text).is_empty());
}

#[test]
fn narrative_without_a_year_in_a_plan_slot_is_not_compared() {
    // Undated figures belong to the year only where the results are written.
    let mut s = sheet("x", "x", 2018, MISHIMA);
    let mut ind = indicator("電子申請の年間利用件数", Direction::HigherIsBetter);
    ind.values.push(value(2018, A, "6154件", "成果指標", 33));
    s.indicators.push(ind);
    s.narratives.push(narrative("plan", "今年度の実施計画", "電子申請の利用件数は6,500件を目指す。", 106));
    assert!(check(&s).is_empty());
    s.narratives[0].row.slot = "check".into();
    assert_eq!(codes(&check(&s)), ["narrative_vs_table"]);
}

#[test]
fn change_rate_that_does_not_follow_is_flagged() {
    // 小平市 No.30-1: 6千870万円余り, 528万円減 → at most 7.14%, printed 7.2%.
    let done = cell_with(KODAIRA, 576, "528万円減(7.2%減)");
    assert!(done.contains("6千870万円余り"));
    let mut s = sheet("No.30-1", "No.30-1", 2017, KODAIRA);
    s.narratives.push(narrative("do", "取組実績(D)", &done, 576));
    let flags = check(&s);
    let found = of(&flags, "change_rate");
    assert_eq!(found.len(), 1, "{flags:#?}");
    assert_eq!(found[0].severity, Severity::Error);
    assert_eq!(found[0].left.value, "7.2%減");
    assert!(found[0].right.value.starts_with("7.1%"), "{}", found[0].right.value);
    assert_eq!(flags.len(), 1, "{flags:#?}");
    // With 7.1% the sheet is consistent.
    s.narratives[0] = narrative("do", "取組実績(D)", &done.replace("7.2%減", "7.1%減"), 576);
    assert!(check(&s).is_empty());
}

#[test]
fn change_rates_that_follow_are_not_flagged() {
    // 三鷹市 企-6: 155,373件で、前年同月比96,528件（164%）の増.
    let summary = cell_with(MITAKA, 133, "前年同月比96,528件（164%）の増");
    let mut s = sheet("企-6", "企-6", 2018, MITAKA);
    s.narratives.push(narrative("summary", "事業の総括（主管課）", &summary, 133));
    // 白書 5-2): 令和元年度の4,135件から令和2年度は5,929件と、前年度比約43%増.
    let issue = cell_with(WHITEPAPER, 1076, "前年度比約43%増");
    s.narratives.push(narrative("status", "令和2年度の取組状況等", &issue, 1076));
    assert!(check(&s).is_empty(), "{:#?}", check(&s));
    let wrong = issue.replace("約43%増", "約53%増");
    s.narratives[1] = narrative("status", "令和2年度の取組状況等", &wrong, 1076);
    let flags = check(&s);
    assert_eq!(codes(&flags), ["change_rate"]);
    assert!(flags[0].right.value.starts_with("43.4%"), "{}", flags[0].right.value);
}

#[test]
fn change_against_the_table_of_the_base_year() {
    // 白書 第5: 利用者数が平成30年度比で、24,833人減(82.5%減); the table
    // prints 30,097人 for 平成30年度 and 5,264人 for 令和2年度 (line 291).
    let row = cells(WHITEPAPER, 291);
    assert_eq!(row[0], "消費者活動センターの利用者数");
    let mut ind = indicator(&row[0], Direction::HigherIsBetter);
    for (i, (year, role)) in [(2010, B), (2014, A), (2018, A), (2020, A)].into_iter().enumerate() {
        ind.values.push(value(year, role, &row[1 + i], "基本計画", 291));
    }
    let text = cell_with(WHITEPAPER, 296, "24,833人減(82.5%減)");
    let mut s = sheet("measure:第2-5", "第2-5", 2020, WHITEPAPER);
    s.indicators.push(ind);
    s.narratives.push(narrative("status", "施策の達成に向けた取り組み状況", &text, 296));
    assert!(check(&s).is_empty(), "{:#?}", check(&s));
    s.narratives[0] = narrative("status", "施策の達成に向けた取り組み状況", &text.replace("82.5%減", "80.5%減"), 296);
    assert_eq!(codes(&check(&s)), ["change_rate"]);
}

#[test]
fn sums_in_the_seeds_add_up() {
    let mut s = sheet("sums", "x", 2018, MITAKA);
    s.narratives.push(narrative("outcome_result", "成果目標の達成状況", &cell_with(MITAKA, 113, "合計300人"), 113));
    s.narratives.push(narrative("outcome_result", "成果目標の達成状況", &cell_with(MITAKA, 196, "合計598人"), 196));
    s.narratives.push(narrative("status", "取り組み状況", &cell_with(WHITEPAPER, 626, "合計69人"), 626));
    s.narratives.push(narrative("do", "取組実績(D)", &cell_with(KODAIRA, 552, "合計29,509,646円"), 552));
    assert!(check(&s).is_empty(), "{:#?}", check(&s));
}

#[test]
fn a_total_that_is_not_the_sum_of_its_parts_is_flagged() {
    let text = cell_with(MITAKA, 113, "合計300人").replace("合計300人", "合計320人");
    let mut s = sheet("企-5", "企-5", 2018, MITAKA);
    s.narratives.push(narrative("outcome_result", "成果目標の達成状況", &text, 113));
    let flags = check(&s);
    assert_eq!(codes(&flags), ["text_sum"], "{flags:#?}");
    assert_eq!(flags[0].left.value, "合計320人".replace("合計", ""));
    assert!(flags[0].right.value.starts_with("300人"), "{}", flags[0].right.value);
    // Money in mixed forms: 1,796万6,912円 is 17,966,912円.
    let mut s = sheet("No.28", "No.28", 2017, KODAIRA);
    s.narratives.push(narrative(
        "do",
        "取組実績(D)",
        "売払いは1,796万6,912円、貸付は1,154万2,734円、合計2,950万円。",
        552,
    ));
    assert_eq!(codes(&check(&s)), ["text_sum"]);
    s.narratives[0] =
        narrative("do", "取組実績(D)", "売払いは1,796万6,912円、貸付は1,154万2,734円、合計29,509,646円。", 552);
    assert!(check(&s).is_empty());
}

#[test]
fn share_against_its_count() {
    // 小平市 No.12: 57.9% →(107指標のうち、62本) and 62.6% →(107指標のうち、67本).
    let row = cells(KODAIRA, 348);
    let mut ind = indicator(&row[1], Direction::HigherIsBetter);
    ind.values.push(value(2016, B, &row[2], "調査票", 348));
    ind.values.push(value(2017, A, &row[4], "調査票", 348));
    let mut s = sheet("No.12", "No.12", 2017, KODAIRA);
    s.indicators.push(ind.clone());
    assert!(of(&check(&s), "text_share").is_empty(), "{:#?}", check(&s));
    ind.values[1] = value(2017, A, &row[4].replace("67本", "57本"), "調査票", 348);
    s.indicators = vec![ind];
    let flags = of(&check(&s), "text_share").into_iter().cloned().collect::<Vec<_>>();
    assert_eq!(flags.len(), 1, "{flags:#?}");
    assert_eq!(flags[0].left.value, "62.6%");
    assert!(flags[0].right.value.starts_with("53.3%"), "{}", flags[0].right.value);
}

#[test]
fn a_list_of_parts_is_not_compared_with_the_total() {
    // 小平市 No.2-7: キャンペーン at 市庁舎(4/14:約150人), 金融機関(6/15:約300人, …)
    // and 1,800人 in all, the table's ①1,800人.
    let row = cells(KODAIRA, 193);
    let mut ind = indicator("振り込め詐欺被害防止キャンペーン参加者数", Direction::HigherIsBetter);
    ind.values.push(value(2017, T, "1,750人", "調査票", 193));
    ind.values.push(value(2017, A, row[4].split(' ').next().unwrap().trim_start_matches('①'), "調査票", 193));
    let mut s = sheet("No.2-7", "No.2-7", 2017, KODAIRA);
    s.indicators.push(ind);
    s.narratives.push(narrative("do", "取組実績(D)", &cell_with(KODAIRA, 196, "4/14:約150人"), 196));
    assert!(check(&s).is_empty(), "{:#?}", check(&s));
}
