//! judgement_vs_figures and judgement_conflict on the 三島市 tables, read
//! row by row from the seed: 目標 / 実績 / 進捗状況 (成果指標) and
//! 目標 / 実績 / 達成状況 (業務計画), columns H28 … R02.

mod check_support;

use check_support::*;
use hyoka_core::check::{IndicatorInput, JudgementInput, Severity};
use hyoka_core::{Direction, ValueRole};

/// Every indicator of the seed's tables with its printed judgements.
fn mishima_indicators() -> Vec<IndicatorInput> {
    let text = seed(MISHIMA);
    let lines: Vec<Vec<&str>> =
        text.lines().map(|l| l.split('\t').map(str::trim).filter(|c| !c.is_empty()).collect()).collect();
    let years = [2016, 2017, 2018, 2019, 2020];
    let mut out = Vec::new();
    for (i, row) in lines.iter().enumerate() {
        let Some(t) = row.iter().position(|c| *c == "目標") else { continue };
        if t == 0 || row.len() < t + 6 || i + 2 >= lines.len() {
            continue;
        }
        let (actual, verdict) = (&lines[i + 1], &lines[i + 2]);
        if actual.first() != Some(&"実績") || !matches!(verdict.first(), Some(&"進捗状況" | &"達成状況")) {
            continue;
        }
        let source = if verdict[0] == "進捗状況" { "成果指標" } else { "業務計画" };
        let direction = if row[t + 1] == "再構築" { Direction::Milestone } else { Direction::HigherIsBetter };
        let mut ind = indicator(row[t - 1], direction);
        for (k, year) in years.iter().enumerate() {
            ind.values.push(value(*year, ValueRole::Target, row[t + 1 + k], source, i + 1));
            if let Some(a) = actual.get(1 + k) {
                ind.values.push(value(*year, ValueRole::Actual, a, source, i + 2));
            }
            if let Some(j) = verdict.get(1 + k) {
                ind.judgements.push(JudgementInput {
                    fiscal_year: fy(*year),
                    printed: j.to_string(),
                    source: Some(source.into()),
                    line: Some(i + 3),
                });
            }
        }
        out.push(ind);
    }
    out
}

#[test]
fn the_one_judgement_the_figures_contradict() {
    let inds = mishima_indicators();
    assert_eq!(inds.len(), 15, "{:?}", inds.iter().map(|i| &i.name).collect::<Vec<_>>());
    assert_eq!(inds.iter().map(|i| i.judgements.len()).sum::<usize>(), 45);
    let mut s = sheet("measure:IV-7-48", "48", 2018, MISHIMA);
    s.indicators = inds;
    let flags = check(&s);
    let found = of(&flags, "judgement_vs_figures");
    // 三島市地域SNS利用者数 H28: 1,279人 against 1,285人 is printed 順調.
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = found[0];
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.place.line, Some(44));
    assert_eq!(f.place.fiscal_year, Some(fy(2016)));
    assert_eq!(f.left.value, quote(MISHIMA, 44, "順調"));
    assert!(
        f.right.value.starts_with("遅れ") && f.right.value.contains("1,279人") && f.right.value.contains("1,285人"),
        "{}",
        f.right.value
    );
    // 0個 against 7個 is printed 未達成 where the vocabulary also has 未実施:
    // both say "not met", so it is not a contradiction.
    assert!(found.iter().all(|f| !f.message.contains("アプリ")));
    // IT推進本部会議: 1件 達成 in 成果指標, 0回 未実施 in 業務計画 — each
    // table agrees with itself (the twin rule compares the two tables).
    assert!(of(&flags, "judgement_conflict").is_empty());
}

#[test]
fn lower_is_better_is_judged_by_its_declared_direction() {
    // 小平市 No.6 市民一人当たりごみ量: 553.3g/人日 against 577g/人日 is 達成
    // because less is better.
    let mut ind = indicator("市民一人当たりごみ量", Direction::LowerIsBetter);
    ind.values.push(value(2017, ValueRole::Target, "577g/人日", "調査票", 271));
    ind.values.push(value(2017, ValueRole::Actual, "553.3g/人日", "調査票", 271));
    ind.judgements.push(JudgementInput {
        fiscal_year: fy(2017),
        printed: "達成".into(),
        source: None,
        line: Some(271),
    });
    let mut s = sheet("No.6", "No.6", 2017, KODAIRA);
    s.indicators.push(ind.clone());
    assert!(check(&s).is_empty());
    ind.direction = Direction::HigherIsBetter;
    s.indicators = vec![ind];
    assert_eq!(codes(&check(&s)), ["judgement_vs_figures"]);
}

#[test]
fn two_tables_that_judge_one_year_differently() {
    // Without figures to decide, a 達成 in one table and a 未達成 in the
    // other are shown side by side.
    let mut ind = indicator("IT推進本部会議の開催件数", Direction::HigherIsBetter);
    for (printed, source, line) in [("達成", "成果指標", 31), ("未実施", "業務計画", 78)] {
        ind.judgements.push(JudgementInput {
            fiscal_year: fy(2018),
            printed: printed.into(),
            source: Some(source.into()),
            line: Some(line),
        });
    }
    let mut s = sheet("measure", "48", 2018, MISHIMA);
    s.indicators.push(ind.clone());
    let flags = check(&s);
    assert_eq!(codes(&flags), ["judgement_conflict"]);
    assert_eq!((flags[0].left.value.as_str(), flags[0].right.value.as_str()), ("達成", "未実施"));
    // The same judgement twice is no conflict.
    ind.judgements[1].printed = "達成".into();
    s.indicators = vec![ind];
    assert!(check(&s).is_empty());
}
