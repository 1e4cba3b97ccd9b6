//! cross_table_value, twin_indicators, composite_sum, count_vs_list.

mod check_support;

use check_support::*;
use hyoka_core::check::{IndicatorInput, Severity};
use hyoka_core::{Direction, ValueRole};

const T: ValueRole = ValueRole::Target;
const A: ValueRole = ValueRole::Actual;
const B: ValueRole = ValueRole::Baseline;

/// 白書: the 施策 table (line 508: H22, H26, H30, R2, R4) and the strategy's
/// KPI table (line 841: H26 実績, H30 戦略策定時, R2, R4 目標).
fn members() -> IndicatorInput {
    let plan = cells(WHITEPAPER, 508);
    let kpi = cells(WHITEPAPER, 841);
    assert_eq!(plan[0], kpi[0]);
    let mut ind = indicator(&plan[0], Direction::HigherIsBetter);
    for (i, (year, role)) in [(2010, B), (2014, A), (2018, A), (2020, A), (2022, T)].into_iter().enumerate() {
        ind.values.push(value(year, role, &plan[1 + i], "基本計画 第5-2", 508));
    }
    for (i, (year, role)) in [(2014, A), (2018, B), (2020, A), (2022, T)].into_iter().enumerate() {
        ind.values.push(value(year, role, &kpi[1 + i], "総合戦略 基本目標2 KPI", 841));
    }
    ind
}

#[test]
fn two_tables_that_print_different_targets() {
    let mut s = sheet("measure:第5-2", "第5-2", 2020, WHITEPAPER);
    s.indicators.push(members());
    let flags = check(&s);
    // 4,000人 in the 施策 table, 3,500 人 in the KPI table; 2,975人 as the
    // H30 actual and as the strategy's baseline agree.
    assert_eq!(codes(&flags), ["cross_table_value"], "{flags:#?}");
    let f = &flags[0];
    assert_eq!((f.left.value.as_str(), f.right.value.as_str()), ("4,000人", "3,500 人"));
    assert_eq!((f.place.fiscal_year, f.place.line), (Some(fy(2022)), Some(841)));
    assert_eq!(f.severity, Severity::Warning);
}

#[test]
fn a_sub_sheet_that_reprints_a_part_differently() {
    // 小平市 No.2-1~5 prints (道路ボランティア登録620人) in its baseline;
    // the sub-sheet No.2-3 reprints it as 674人.
    let owner = cells(KODAIRA, 109);
    let sub = cells(KODAIRA, 145);
    let mut ind = indicator(&owner[1], Direction::HigherIsBetter);
    for (src, row, line) in [("No.2-1~5", &owner, 109), ("No.2-3", &sub, 145)] {
        ind.values.push(value(2016, B, &row[2], src, line));
        ind.values.push(value(2017, T, &row[3], src, line));
        ind.values.push(value(2017, A, &row[4], src, line));
    }
    let mut s = sheet("No.2-1~5", "No.2-1~5", 2017, KODAIRA);
    s.indicators.push(ind);
    let flags = check(&s);
    let conflict = of(&flags, "cross_table_value");
    assert_eq!(conflict.len(), 1, "{flags:#?}");
    assert!(conflict[0].message.contains("（道路ボランティア登録）"), "{}", conflict[0].message);
    assert_eq!(conflict[0].place.line, Some(145));
    // The sub-sheet's actual 道路ボランティア登録920人 is the owner's part.
    // And 674人 makes the sub-sheet's own total wrong.
    let sums = of(&flags, "composite_sum");
    assert_eq!(sums.len(), 1, "{flags:#?}");
    assert_eq!(sums[0].place.line, Some(145));
    assert_eq!(
        (sums[0].left.value.as_str(), sums[0].right.value.as_str().split('（').next().unwrap()),
        ("1,777人", "1,831人")
    );
    assert_eq!(flags.len(), 2, "{flags:#?}");
}

#[test]
fn rounding_between_units_is_agreement() {
    // 小平市 No.30 prints シルバー人材センター 42,969万円 and 43,771万円;
    // No.30-3 prints 429,694千円 and 437,714千円 (会員数, 就業率 too).
    let mut ind = indicator("財源確保額", Direction::HigherIsBetter);
    ind.values.push(value(2016, B, &cell_with(KODAIRA, 562, "42,969万円"), "No.30", 562));
    ind.values.push(value(2017, A, &cell_with(KODAIRA, 562, "43,771万円"), "No.30", 562));
    ind.values.push(value(2016, B, &cell_with(KODAIRA, 597, "429,694千円"), "No.30-3", 597));
    ind.values.push(value(2017, A, &cell_with(KODAIRA, 597, "437,714千円"), "No.30-3", 597));
    let mut s = sheet("No.30", "No.30", 2017, KODAIRA);
    s.indicators.push(ind.clone());
    assert!(of(&check(&s), "cross_table_value").is_empty(), "{:#?}", check(&s));
    // The same in one unit, off by more than the rounding.
    let mut other = indicator("財源確保額", Direction::HigherIsBetter);
    other.values.push(value(2017, A, "43,771万円", "No.30", 562));
    other.values.push(value(2017, A, "437,814千円", "No.30-3", 597));
    s.indicators = vec![other];
    assert_eq!(codes(&check(&s)), ["cross_table_value"]);
}

#[test]
fn one_indicator_in_two_tables_with_different_actuals() {
    // 三島市: 成果指標 IT推進本部会議の開催件数 (lines 29–30) and 業務計画
    // IT推進本部会議開催回数 (lines 76–77): the same targets, and for
    // 平成30年度 1件 against 0回.
    let outcome_row = (cells(MISHIMA, 29), cells(MISHIMA, 30));
    let activity_row = (cells(MISHIMA, 76), cells(MISHIMA, 77));
    let mut outcome = indicator(&outcome_row.0[0], Direction::HigherIsBetter);
    let mut activity = indicator(&activity_row.0[3].replace(' ', ""), Direction::HigherIsBetter);
    for (k, year) in [2016, 2017, 2018].into_iter().enumerate() {
        outcome.values.push(value(year, T, &outcome_row.0[3 + k], "成果指標", 29));
        outcome.values.push(value(year, A, &outcome_row.1[1 + k], "成果指標", 30));
        activity.values.push(value(year, T, &activity_row.0[5 + k], "業務計画", 76));
        activity.values.push(value(year, A, &activity_row.1[1 + k], "業務計画", 77));
    }
    let mut s = sheet("measure:IV-7-48", "48", 2018, MISHIMA);
    s.indicators = vec![outcome.clone(), activity.clone()];
    let flags = check(&s);
    assert_eq!(codes(&flags), ["twin_indicators"], "{flags:#?}");
    assert_eq!((flags[0].left.value.as_str(), flags[0].right.value.as_str()), ("1件", "0回"));
    assert_eq!((flags[0].place.fiscal_year, flags[0].place.line), (Some(fy(2018)), Some(77)));
    // An indicator of another measure with other targets is no twin.
    activity.values.retain(|v| v.role != T);
    for year in [2016, 2017, 2018] {
        activity.values.push(value(year, T, "2回", "業務計画", 76));
    }
    s.indicators = vec![outcome, activity];
    assert!(check(&s).is_empty());
}

#[test]
fn the_count_and_the_listed_items() {
    // 白書 第2-6: 「主要5事業」の達成状況(完了): target 1件 (④※⑤) lists two.
    let done = cells(WHITEPAPER, 307);
    let started = cells(WHITEPAPER, 306);
    let mut a = indicator(&done[0], Direction::HigherIsBetter);
    let mut b = indicator(&started[0], Direction::HigherIsBetter);
    for (i, (year, role)) in [(2010, B), (2014, A), (2018, A), (2020, A), (2022, T)].into_iter().enumerate() {
        a.values.push(value(year, role, &done[1 + i], "基本計画 第2-6", 307));
        b.values.push(value(year, role, &started[1 + i], "基本計画 第2-6", 306));
    }
    let mut s = sheet("measure:第2-6", "第2-6", 2020, WHITEPAPER);
    s.indicators = vec![b, a];
    let flags = check(&s);
    let found = of(&flags, "count_vs_list");
    assert_eq!(found.len(), 1, "{flags:#?}");
    assert_eq!((found[0].left.value.as_str(), found[0].right.value.as_str()), ("1件", "④⑤（2件）"));
    assert_eq!(found[0].place.fiscal_year, Some(fy(2022)));
}

#[test]
fn totals_of_the_seed_cells_add_up() {
    // 小平市 No.2-1~5: 1,777人 = 124 + 288 + 620 + 20 + 725 and
    // 2,067人 = 117 + 332 + 920 + 20 + 678.
    let row = cells(KODAIRA, 109);
    let mut ind = indicator(&row[1], Direction::HigherIsBetter);
    ind.values.push(value(2016, B, &row[2], "No.2-1~5", 109));
    ind.values.push(value(2017, A, &row[4], "No.2-1~5", 109));
    // 白書 第2-5: 4,372人 (198人) is a total and a subset, not a breakdown.
    ind.values.push(value(2010, B, &cell_with(WHITEPAPER, 292, "4,372人"), "白書", 292));
    let mut s = sheet("No.2-1~5", "No.2-1~5", 2017, KODAIRA);
    s.indicators.push(ind);
    assert!(check(&s).is_empty(), "{:#?}", check(&s));
}
