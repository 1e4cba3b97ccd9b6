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
