//! relisting_origin, double_count, relisting_grade and tally over a whole
//! city-year: 小平市's summary list of 43 items (two re-listings) and
//! 三島市's re-listed projects.

mod check_support;

use check_support::*;
use hyoka_core::check::{
    check_city_year, CityYearInput, Counted, PlacementInput, Relisting, ScaleInput, SheetInput, TallyInput,
};
use hyoka_core::{EvaluationScale, Evaluator, Stage};

const PLAN: &str = "kodaira-reform-3";

/// The 43 rows of the summary list (lines 21–66): number, title, group and
/// the grades of the section and of HQ; `【No.15の再掲】` makes a re-listing.
fn kodaira() -> CityYearInput {
    let mut sheets = Vec::new();
    let mut group = String::new();
    for n in 21..=66 {
        let c = cells(KODAIRA, n);
        let Some(at) = c.iter().position(|x| x.split(' ').next().is_some_and(|w| w.parse::<u32>().is_ok())) else {
            continue;
        };
        if at == 1 {
            group = c[0].clone();
        }
        if n >= 54 {
            group = "執行体制の再構築".into();
        }
        let head = &c[at];
        let number: u32 = head.split(' ').next().unwrap().parse().unwrap();
        let grades: Vec<&String> = c.iter().filter(|x| matches!(x.as_str(), "S" | "A" | "B")).collect();
        let title: String = head.split(' ').skip(1).filter(|w| !w.starts_with('【')).collect::<Vec<_>>().join(" ");
        let mut s = sheet(&format!("No.{number}"), &format!("No.{number}"), 2017, KODAIRA);
        s.title = title;
        s.line = Some(n);
        let relisting_of = head.split("【No.").nth(1).map(|r| format!("No.{}", r.trim_end_matches("の再掲】")));
        s.placements.push(PlacementInput { plan: PLAN.into(), node: group.clone(), relisting: relisting_of.is_some() });
        s.relisting = relisting_of.map(|of| Relisting {
            of_item: Some(of),
            printed: head.clone(),
            line: Some(n),
            ..Relisting::default()
        });
        s.evaluations.push(evaluation(2017, Stage::First, Evaluator::Section, "kodaira-sab", grades[0], n));
        s.evaluations.push(evaluation(2017, Stage::Second, Evaluator::Headquarters, "kodaira-sab", grades[1], n));
        sheets.push(s);
    }
    CityYearInput {
        city: "132110".into(),
        fiscal_year: Some(fy(2017)),
        scales: vec![ScaleInput::new(EvaluationScale::kodaira_sab())],
        sheets,
        ..CityYearInput::default()
    }
}

fn tally(label: &str, printed: &str, node: Option<&str>, grade: Option<&str>) -> TallyInput {
    TallyInput {
        label: label.into(),
        counts: Counted::Items,
        plan: Some(PLAN.into()),
        node: node.map(Into::into),
        grade: grade.map(Into::into),
        printed: printed.into(),
        file: Some(KODAIRA.into()),
        line: None,
    }
}

#[test]
fn the_summary_list_is_consistent() {
    let city = kodaira();
    assert_eq!(city.sheets.len(), 43);
    assert_eq!(city.sheets.iter().filter(|s| s.relisting.is_some()).count(), 2);
    // No.29 repeats No.15 (A, A) and No.41 repeats No.7 (S, S): the same grades.
    assert!(check_city_year(&city).is_empty(), "{:#?}", check_city_year(&city));
}

#[test]
fn counts_that_include_the_relistings() {
    let mut city = kodaira();
    // S: No.7, No.28 and No.41 (= No.7 again).
    city.tallies.push(tally("S評価の項目数", "3件", None, Some("S")));
    // 財政基盤の強化: No.17 … No.30 with No.29 (= No.15 of another group).
    city.tallies.push(tally("財政基盤の強化の項目数", "14項目", Some("財政基盤の強化"), None));
    city.tallies.push(tally("取組項目の総数", "41項目", None, None));
    city.tallies.push(tally("B評価の項目数", "12件", None, Some("B")));
    let flags = check_city_year(&city);
    assert_eq!(codes(&flags), ["tally", "tally", "tally"], "{flags:#?}");
    assert!(
        flags[0].message.contains("再掲を二重に数えています") && flags[0].right.value == "2",
        "{}",
        flags[0].message
    );
    assert!(flags[1].message.contains("再掲を二重に数えています") && flags[1].right.value == "13");
    // 10 Bs in the list, none re-listed: a plain miscount.
    assert!(flags[2].message.contains("数えると10") && !flags[2].message.contains("再掲"), "{}", flags[2].message);
}

#[test]
fn a_relisting_graded_differently_from_its_origin() {
    let mut city = kodaira();
    let no29 = city.sheets.iter_mut().find(|s| s.key == "No.29").unwrap();
    no29.evaluations[1].row.grade = Some("B".into());
    let flags = check_city_year(&city);
    assert_eq!(codes(&flags), ["relisting_grade"]);
    assert_eq!((flags[0].left.value.as_str(), flags[0].right.value.as_str()), ("B", "A"));
}

/// 三島市: IT推進事業 is listed under IV-7-48-(1); its re-listing in the
/// budget table of IV-7-48-(5) names 施策48-(4) as the origin (line 229).
/// セキュリティ対策事業 is rightly re-listed from 48-(4) (line 208).
fn mishima() -> CityYearInput {
    let project = |key: &str, title: &str, node: &str| {
        let mut s = sheet(key, "", 2018, MISHIMA);
        s.title = title.into();
        s.placements.push(PlacementInput { plan: "mishima-4".into(), node: node.into(), relisting: false });
        s
    };
    let relisted = |key: &str, title: &str, node: &str, printed: &str, of_node: &str, line: usize| {
        let mut s = project(key, title, node);
        s.placements[0].relisting = true;
        s.relisting =
            Some(Relisting { of_item: None, of_node: Some(of_node.into()), printed: printed.into(), line: Some(line) });
        s
    };
    let it = quote(MISHIMA, 229, "IT推進事業(施策48-(4)再掲)");
    let security = line(MISHIMA, 208);
    assert!(security.contains("セキュリティ対策 事業(施策48-(4)再"));
    CityYearInput {
        city: "222062".into(),
        fiscal_year: Some(fy(2018)),
        sheets: vec![
            project("IT推進事業", "IT推進事業", "IV-7-48-(1)"),
            project("セキュリティ対策事業", "セキュリティ対策事業", "IV-7-48-(4)"),
            relisted("IT推進事業/再掲", "IT推進事業", "IV-7-48-(5)", &it, "48-(4)", 229),
            relisted(
                "セキュリティ対策事業/再掲",
                "セキュリティ対策事業",
                "IV-7-48-(5)",
                "セキュリティ対策事業(施策48-(4)再掲)",
                "48-(4)",
                208,
            ),
        ],
        ..CityYearInput::default()
    }
}

#[test]
fn a_relisting_that_names_the_wrong_origin() {
    let flags = check_city_year(&mishima());
    assert_eq!(codes(&flags), ["relisting_origin"], "{flags:#?}");
    let f = &flags[0];
    assert_eq!((f.left.value.as_str(), f.right.value.as_str()), ("48-(4)", "IV-7-48-(1)"));
    assert_eq!(f.place.line, Some(229));
    // Pointed at 48-(1), it is right.
    let mut city = mishima();
    city.sheets[2].relisting.as_mut().unwrap().of_node = Some("48-(1)".into());
    assert!(check_city_year(&city).is_empty());
}

#[test]
fn money_and_items_that_would_be_counted_twice() {
    // 三島市 prints a re-listed project's money only at its origin (note on
    // line 23); money on both is counted twice.
    assert!(line(MISHIMA, 23).contains("再掲元の予算費目及び総括表に予算額及び決算額を記載"));
    let mut city = mishima();
    city.sheets[2].relisting.as_mut().unwrap().of_node = Some("48-(1)".into());
    for i in [0, 2] {
        city.sheets[i].budgets.push(budget(2018, None, Some("4,824"), Some("4,240"), None, 14));
    }
    assert_eq!(codes(&check_city_year(&city)), ["double_count"]);
    // An item placed twice in one plan without 再掲.
    let mut city = mishima();
    city.sheets.truncate(2);
    city.sheets[0].placements.push(PlacementInput {
        plan: "mishima-4".into(),
        node: "IV-7-48-(5)".into(),
        relisting: false,
    });
    let flags = check_city_year(&city);
    assert_eq!(codes(&flags), ["double_count"], "{flags:#?}");
    assert_eq!((flags[0].left.value.as_str(), flags[0].right.value.as_str()), ("IV-7-48-(1)", "IV-7-48-(5)"));
    // The message names the plan as people know it, not its key.
    city.plans.push(hyoka_core::check::PlanInput {
        code: "mishima-4".into(),
        name: "第4次三島市総合計画".into(),
        nodes: Vec::new(),
    });
    let flags = check_city_year(&city);
    let message = &flags.iter().find(|f| f.rule == "double_count").expect("the flag").message;
    assert!(message.contains("計画「第4次三島市総合計画」") && !message.contains("mishima-4"), "{message}");
    // Two items of one name are not taken for one: 小平市's sub-sheets
    // No.2-1 … No.2-7 all carry the title of No.2.
    let mut city = mishima();
    city.sheets.truncate(2);
    let mut part: SheetInput = city.sheets[1].clone();
    part.key = "セキュリティ対策事業/1".into();
    city.sheets.push(part);
    assert!(check_city_year(&city).is_empty());
}
