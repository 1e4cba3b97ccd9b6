//! execution_rate and budget_figures on the 三鷹市 予算執行 tables.

mod check_support;

use check_support::*;
use hyoka_core::check::Severity;
use hyoka_core::{Evaluator, Stage};

fn with_budget(
    code: &str,
    b: hyoka_core::check::Located<hyoka_core::sheet::BudgetRow>,
) -> hyoka_core::check::SheetInput {
    let mut s = sheet(code, code, 2018, MITAKA);
    s.budgets.push(b);
    s.evaluations.push(evaluation(2018, Stage::YearEnd, Evaluator::Section, "mitaka-yearend", "1", 0));
    s
}

#[test]
fn every_printed_rate_of_the_sheets_follows_from_its_figures() {
    // (sheet, line, initial, final, settlement, printed rate)
    let rows = [
        ("企-1", 29, None, "7,368千円", "6,385千円", "86.7%"),
        ("企-3", 73, Some("309,424千円"), "308,934千円", "301,762千円", "97.7%"),
        ("企-4", 97, Some("4,668千円"), "5,772千円", "4,394千円", "76.1%"),
        ("企-5", 116, Some("571,128千円"), "570,567千円", "477,150千円", "83.6%"),
        ("企-7", 159, Some("472千円"), "608千円", "393千円", "64.6%"),
        ("企-8", 180, Some("76,169千円"), "76,169千円", "65,450千円", "85.9%"),
        ("企-9", 200, Some("36,557千円"), "32,274千円", "27,726千円", "85.9%"),
        ("企-10", 219, Some("31,320千円"), "31,320千円", "28,504千円", "91.0%"),
    ];
    let text = seed(MITAKA);
    for (code, line, initial, final_budget, settlement, rate) in rows {
        // The figures are printed on the line or the two after it.
        let near: String = text.lines().skip(line - 1).take(3).collect();
        for printed in [initial.unwrap_or(final_budget), final_budget, settlement, rate] {
            assert!(near.contains(printed), "{code}: {printed} not near line {line}");
        }
        let s = with_budget(code, budget(2018, initial, Some(final_budget), Some(settlement), Some(rate), line));
        assert!(check(&s).is_empty(), "{code}: {:#?}", check(&s));
    }
}

#[test]
fn a_rate_divided_by_the_initial_budget() {
    // 企-4 divided by its initial 4,668千円 instead of 5,772千円: 94.1%.
    let s =
        with_budget("企-4", budget(2018, Some("4,668千円"), Some("5,772千円"), Some("4,394千円"), Some("94.1%"), 99));
    let flags = check(&s);
    assert_eq!(codes(&flags), ["execution_rate"]);
    assert_eq!(flags[0].severity, Severity::Error);
    assert_eq!(
        (flags[0].left.value.as_str(), flags[0].right.value.as_str()),
        ("94.1%", "76.1%（4,394千円 ÷ 5,772千円）")
    );
    assert!(flags[0].message.contains("当初予算額で割った値"), "{}", flags[0].message);
    // Any other wrong rate.
    let s =
        with_budget("企-4", budget(2018, Some("4,668千円"), Some("5,772千円"), Some("4,394千円"), Some("76.2%"), 99));
    assert!(check(&s)[0].message.contains("一致しません"));
}

#[test]
fn a_rate_printed_where_none_can_be_computed() {
    // 企-2 prints 0千円 for budget and settlement, and 0.0%.
    assert!(line(MITAKA, 50).contains("0千円") && line(MITAKA, 52).contains("0.0%"));
    let s = with_budget("企-2", budget(2018, Some("0千円"), Some("0千円"), Some("0千円"), Some("0.0%"), 52));
    let flags = check(&s);
    assert_eq!(codes(&flags), ["execution_rate"]);
    assert_eq!(flags[0].severity, Severity::Info);
    // A rate without a settlement.
    let s = with_budget("x", budget(2018, None, Some("7,206千円"), None, Some("99.8%"), 137));
    assert_eq!(check(&s)[0].severity, Severity::Warning);
}

#[test]
fn a_year_end_sheet_without_its_settlement() {
    // 企-6 prints 予算額 7,206千円 and no 決算額, and was graded at year end.
    assert!(line(MITAKA, 136).contains("7,206千円"));
    let s = with_budget("企-6", budget(2018, None, Some("7,206千円"), None, None, 136));
    let flags = check(&s);
    assert_eq!(codes(&flags), ["budget_figures"]);
    assert_eq!((flags[0].severity, flags[0].right.value.as_str()), (Severity::Info, "空欄"));
    // Before the year-end evaluation the settlement is not due yet.
    let mut s = s;
    s.evaluations.clear();
    assert!(check(&s).is_empty());
    // A settlement above the budget.
    let s = with_budget("y", budget(2018, None, Some("472千円"), Some("608千円"), Some("128.8%"), 159));
    assert_eq!(codes(&check(&s)), ["budget_figures"]);
}

/// A 事務事業評価シート's cost part: 財源内訳, 人件費 = hours × rate and
/// トータルコスト = 事業費 + 人件費.
#[test]
fn funding_personnel_and_total_cost() {
    use hyoka_core::{Hours, Yen};
    let thousand = |k: i64| Some(Yen(k * 1000));
    let mut b = budget(2018, Some("10,000千円"), None, Some("9,500千円"), None, 0);
    {
        let f = &mut b.row.figures;
        f.funding.national = thousand(4_750);
        f.funding.prefectural = thousand(2_375);
        f.general_revenue = thousand(2_375);
        f.staff.hours = Hours::parse("1,200");
        f.staff.hourly = Some(Yen(4_500));
        f.staff.personnel = thousand(5_400);
        f.staff.total = thousand(14_900);
    }
    let consistent = with_budget("jimu-1", b.clone());
    assert!(check(&consistent).is_empty(), "{:#?}", check(&consistent));

    // Off by more than rounding in each of the three: three flags, with both sides.
    let f = &mut b.row.figures;
    f.funding.national = thousand(4_753);
    f.staff.personnel = thousand(5_402);
    f.staff.total = thousand(14_905);
    let flags = check(&with_budget("jimu-1", b.clone()));
    assert_eq!(codes(&flags), ["cost", "cost", "cost"], "{flags:#?}");
    assert_eq!(
        (flags[0].left.value.as_str(), flags[0].right.value.as_str()),
        ("9,503千円", "9,500千円"),
        "funding total against the settlement"
    );
    assert!(flags[0].message.contains("国庫支出金 4,753千円"), "{}", flags[0].message);
    assert_eq!(flags[1].right.value, "5,400千円 （1,200時間 × 4,500円）");
    // The total is checked against the printed 人件費, which is what it is built on.
    assert_eq!((flags[2].left.value.as_str(), flags[2].right.value.as_str()), ("14,905千円", "14,902千円"));

    // 千円 rounding is not a disagreement: 1,234.5h × 4,321円 = 5,334,275円, printed 5,334千円.
    let f = &mut b.row.figures;
    f.funding.national = thousand(4_750);
    f.staff.hours = Hours::parse("1,234.5");
    f.staff.hourly = Some(Yen(4_321));
    f.staff.personnel = thousand(5_334);
    f.staff.total = thousand(14_834);
    assert!(check(&with_budget("jimu-1", b)).is_empty());
}
