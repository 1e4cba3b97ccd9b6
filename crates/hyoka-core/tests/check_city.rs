//! The engine as a whole: the rule list, correct sheets that give no flag,
//! a city-year with sheets above sheets, acknowledgements, import notes,
//! and a 5,000-project city.

mod check_support;

use check_support::*;
use hyoka_core::check::{
    apply_acknowledgements, check_city_year, check_sheet, rule, Acknowledgement, CityYearInput, Flag, FlagKind,
    PlacementInput, ScaleInput, Scope, Severity, SheetContext, SheetInput, RULES,
};
use hyoka_core::sheet::Finding;
use hyoka_core::{Direction, EvaluationScale, Evaluator, Stage, ValueRole};

#[test]
fn every_rule_has_a_stable_code_and_a_japanese_title() {
    let mut seen = std::collections::HashSet::new();
    for r in RULES {
        assert!(seen.insert(r.code), "duplicate {}", r.code);
        assert!(r.code.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{}", r.code);
        assert!(!r.title.is_ascii() && !r.explanation.is_ascii(), "{}", r.code);
        assert_eq!(rule(r.code).map(|x| x.code), Some(r.code));
    }
    assert_eq!(RULES.len(), 26);
    assert_eq!(RULES.iter().filter(|r| r.scope == Scope::CityYear).count(), 5);
    assert!(rule("no_such_rule").is_none());
}

/// 三鷹市 企-3 as printed: plan, mid-year, results, summary, budget and
/// grades. Nothing in it disagrees.
fn mitaka_k3() -> SheetInput {
    let mut s = sheet("企-3", "企-3", 2018, MITAKA);
    s.title = cell_with(MITAKA, 57, "市庁舎・議場棟等建替え基本構想");
    for (slot, label, line, fragment) in [
        ("overview", "事業概要・事業量", 60, "【事業概要】"),
        ("outcome_target", "成果目標", 63, "基本構想の策定"),
        ("midyear", "上半期の実績・課題等", 65, "ワークショップを4月と6月"),
        ("volume_result", "【事業量の実績】", 69, "平成30年4月～平成31年1月"),
        ("outcome_result", "成果目標の達成状況", 71, "平成31年1月に完了"),
        ("summary", "事業の総括（主管課）", 72, "ワークショップ（4/22、6/3）"),
    ] {
        s.narratives.push(narrative(slot, label, &cell_with(MITAKA, line, fragment), line));
    }
    s.budgets.push(budget(2018, Some("309,424千円"), Some("308,934千円"), Some("301,762千円"), Some("97.7%"), 73));
    for (stage, scale, line) in [(Stage::MidYear, "mitaka-midyear", 67), (Stage::YearEnd, "mitaka-yearend", 74)] {
        for who in [Evaluator::Section, Evaluator::ReviewBoard] {
            s.evaluations.push(evaluation(2018, stage, who, scale, "1", line));
        }
    }
    s
}

/// 小平市 No.28 as printed: 1千万円/年 → 29,509,646円, the sum in its
/// 取組実績, graded S by section and HQ.
fn kodaira_no28() -> SheetInput {
    let row = cells(KODAIRA, 549);
    let mut s = sheet("No.28", "No.28", 2017, KODAIRA);
    let mut ind = indicator(&row[1], Direction::HigherIsBetter);
    ind.values.push(value(2016, ValueRole::Baseline, &row[2], "No.28", 549));
    ind.values.push(value(2017, ValueRole::Target, &row[3], "No.28", 549));
    ind.values.push(value(2017, ValueRole::Actual, &row[4], "No.28", 549));
    s.indicators.push(ind);
    s.narratives.push(narrative("do", "取組実績(D)", &cell_with(KODAIRA, 552, "合計29,509,646円"), 552));
    s.evaluations.push(evaluation(2017, Stage::First, Evaluator::Section, "kodaira-sab", "S", 552));
    s.evaluations.push(evaluation(2017, Stage::Second, Evaluator::Headquarters, "kodaira-sab", "S", 552));
    s
}

#[test]
fn correct_sheets_give_no_flag() {
    assert!(check(&mitaka_k3()).is_empty(), "{:#?}", check(&mitaka_k3()));
    assert!(check(&kodaira_no28()).is_empty(), "{:#?}", check(&kodaira_no28()));
    // 東村山市 No.6: 理解度90.0%以上 → 88.2%, graded B.
    let row = cells(HIGASHIMURAYAMA, 21);
    let mut s = sheet("No.6", "6", 2019, HIGASHIMURAYAMA);
    s.narratives.push(narrative("outcome_target", "目標", &row[4], 21));
    s.narratives.push(narrative("outcome_result", "成果又は課題", &row[6], 21));
    s.evaluations.push(evaluation(2019, Stage::YearEnd, Evaluator::DepartmentHead, "higashimurayama-ab", &row[5], 21));
    assert_eq!(row[5], "B");
    assert!(check(&s).is_empty(), "{:#?}", check(&s));
}

#[test]
fn a_city_year_compares_a_sheet_with_the_indicators_above_it() {
    // 三島市: the 施策 sheet holds the outcome indicators; the 施策の方向
    // IV-7-48-(2) sits under it and its evaluation quotes 6,141件.
    let mut measure = sheet("measure:IV-7-48", "48", 2018, MISHIMA);
    let mut ind = indicator("電子申請の年間利用件数", Direction::HigherIsBetter);
    ind.values.push(value(2018, ValueRole::Target, "4,200件", "成果指標", 32));
    ind.values.push(value(2018, ValueRole::Actual, &cells(MISHIMA, 33)[3], "成果指標", 33));
    measure.indicators.push(ind);
    let mut direction = sheet("direction:IV-7-48-(2)", "IV-7-48-(2)", 2018, MISHIMA);
    direction.parent = Some(measure.key.clone());
    direction.narratives.push(narrative("check", "今年度の評価", &cell_with(MISHIMA, 116, "6,141件"), 116));
    let city = CityYearInput {
        city: "222062".into(),
        fiscal_year: Some(fy(2018)),
        sheets: vec![measure, direction.clone()],
        ..CityYearInput::default()
    };
    let flags = check_city_year(&city);
    assert_eq!(codes(&flags), ["narrative_vs_table"]);
    assert_eq!(flags[0].place.sheet.as_deref(), Some("direction:IV-7-48-(2)"));
    // A loop in the parent links does not hang the check.
    let mut looped = city;
    looped.sheets[0].parent = Some(direction.key.clone());
    assert_eq!(check_city_year(&looped).len(), 1);
}

#[test]
fn acknowledged_flags_stay_acknowledged_until_the_data_changes() {
    let mut s = sheet("whitepaper", "白書", 2020, WHITEPAPER);
    let c = cells(WHITEPAPER, 229);
    let mut ind = indicator(&c[0], Direction::HigherIsBetter);
    ind.values.push(value(2010, ValueRole::Baseline, &c[1], "基本計画", 229));
    ind.values.push(value(2022, ValueRole::Target, &c[5], "基本計画", 229));
    s.indicators.push(ind);
    let mut flags = check(&s);
    assert_eq!(codes(&flags), ["target_vs_baseline"]);
    let ack =
        Acknowledgement { fingerprint: flags[0].fingerprint(), reason: "農地の減少を抑える目標".into() };
    // Run again: same fingerprint, acknowledged.
    let mut again = check(&s);
    assert_eq!(again[0].fingerprint(), flags[0].fingerprint());
    apply_acknowledgements(&mut again, std::slice::from_ref(&ack));
    assert_eq!(again[0].acknowledged.as_ref().map(|a| a.reason.as_str()), Some("農地の減少を抑える目標"));
    // A new target: a new flag, not acknowledged.
    s.indicators[0].values[1] = value(2022, ValueRole::Target, "130ha", "基本計画", 229);
    let mut changed = check(&s);
    apply_acknowledgements(&mut changed, &[ack]);
    assert!(changed[0].acknowledged.is_none());
    apply_acknowledgements(&mut flags, &[]);
    assert!(flags[0].acknowledged.is_none());
}

#[test]
fn import_findings_become_notes_or_mistakes() {
    let finding = |kind: &str| Finding {
        municipality: Some("132047".into()),
        kind: kind.into(),
        file: MITAKA.into(),
        line: Some(93),
        text: "モデル企業選定（4～6月）".into(),
        message: "スケジュールの月を読み取れませんでした".into(),
    };
    let note = Flag::from_finding(&finding("schedule_unaligned"));
    assert_eq!((note.kind, note.severity), (FlagKind::ReadingNote, Severity::Info));
    assert_eq!((note.rule.as_str(), note.place.line), ("import.schedule_unaligned", Some(93)));
    let mistake = Flag::from_finding(&finding("title_mismatch"));
    assert_eq!(mistake.kind, FlagKind::Mistake);
}

/// A city of `n` projects, each with an indicator, a narrative, a budget
/// and a grade; every tenth has a wrong execution rate.
fn big_city(n: usize) -> CityYearInput {
    let mut sheets = Vec::with_capacity(n);
    for i in 0..n {
        let key = format!("p{i}");
        let mut s = sheet(&key, &format!("{}-{}", i / 100, i % 100), 2018, "big.csv");
        s.title = format!("事業{i}");
        let mut ind = indicator(&format!("事業{i}の参加者数"), Direction::HigherIsBetter);
        ind.values.push(value(2018, ValueRole::Target, "1,000人", "表", 1));
        ind.values.push(value(2018, ValueRole::Actual, &format!("{}人", 1_000 + i % 50), "表", 1));
        s.indicators.push(ind);
        s.narratives.push(narrative(
            "summary",
            "事業の総括",
            &format!(
                "事業{i}の参加者数は{}人となり、講座Aに600人、講座Bに{}人、合計{}人が参加した。",
                1_000 + i % 50,
                400 + i % 50,
                1_000 + i % 50
            ),
            1,
        ));
        let rate = if i % 10 == 0 { "90.0%" } else { "80.0%" };
        s.budgets.push(budget(2018, None, Some("1,000千円"), Some("800千円"), Some(rate), 1));
        s.evaluations.push(evaluation(2018, Stage::YearEnd, Evaluator::Section, "mitaka-yearend", "1", 1));
        s.placements.push(PlacementInput { plan: "plan".into(), node: format!("n{}", i / 100), relisting: false });
        sheets.push(s);
    }
    CityYearInput {
        city: "999999".into(),
        fiscal_year: Some(fy(2018)),
        scales: vec![ScaleInput::new(EvaluationScale::mitaka_yearend())],
        sheets,
        ..CityYearInput::default()
    }
}

#[test]
fn a_city_of_five_thousand_projects() {
    let city = big_city(5_000);
    let flags = check_city_year(&city);
    // Exactly the planted mistakes, nothing else.
    assert_eq!(flags.len(), 500);
    assert!(flags.iter().all(|f| f.rule == "execution_rate" && f.severity == Severity::Error));
    // The sheets are shared among the cores; the flags still come in the
    // sheets' order, the same as checking one sheet after another.
    let sheets: Vec<usize> =
        flags.iter().map(|f| f.place.sheet.as_deref().and_then(|k| k[1..].parse().ok()).expect("p<n>")).collect();
    assert_eq!(sheets, (0..5_000).step_by(10).collect::<Vec<_>>());
    let context = SheetContext { scales: &city.scales, words: Some(&city.words), ..SheetContext::default() };
    let one_by_one: Vec<Flag> = city.sheets.iter().flat_map(|s| check_sheet(s, &context)).collect();
    assert_eq!(flags, one_by_one);
}
