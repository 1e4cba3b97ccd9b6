//! grade_vs_achievement and grade_on_scale: 三鷹市 個別事業評価表 (targets
//! in the narrative) and 小平市 調査票 (indicator tables).

mod check_support;

use check_support::*;
use hyoka_core::check::{Located, Severity, SheetInput};
use hyoka_core::sheet::EvaluationRow;
use hyoka_core::{Direction, Evaluator, Stage, ValueRole};

/// A 三鷹市 sheet of 平成30年度: its 成果目標 and 成果目標の達成状況
/// cells, graded 1 at year end by the section and the board.
fn mitaka(code: &str, target: (usize, &str), result: (usize, &str), grade_line: usize, grade: &str) -> SheetInput {
    let mut s = sheet(code, code, 2018, MITAKA);
    s.narratives.push(narrative("outcome_target", "成果目標", &cell_with(MITAKA, target.0, target.1), target.0));
    s.narratives.push(narrative(
        "outcome_result",
        "成果目標の達成状況",
        &cell_with(MITAKA, result.0, result.1),
        result.0,
    ));
    for who in [Evaluator::Section, Evaluator::ReviewBoard] {
        s.evaluations.push(evaluation(2018, Stage::YearEnd, who, "mitaka-yearend", grade, grade_line));
    }
    // The mid-year scale says nothing about achievement.
    s.evaluations.push(evaluation(2018, Stage::MidYear, Evaluator::Section, "mitaka-midyear", "1", grade_line));
    s
}

#[test]
fn graded_as_planned_at_forty_percent_of_the_target() {
    // 企-7: 受入件数150件以上 → 61件 (40.7%), graded 1 計画どおり; the scale
    // says 2 計画の7割未満.
    assert_eq!(cells(MITAKA, 162)[1], "1");
    let s = mitaka("企-7", (147, "受入件数150件以上"), (156, "受入件数 61件"), 162, "1");
    let flags = check(&s);
    assert_eq!(codes(&flags), ["grade_vs_achievement"], "{flags:#?}");
    let f = &flags[0];
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.left.label, "主管課・事業評価審査会の事後評価");
    assert_eq!(f.left.value, "1 計画どおり");
    assert!(f.right.value.starts_with("40.7%（61件／150件以上）"), "{}", f.right.value);
    assert!(f.message.contains("70%以上") && f.message.contains("「2 計画の7割未満」にあたります"), "{}", f.message);
    assert_eq!((f.place.fiscal_year, f.place.line), (Some(fy(2018)), Some(162)));
    // Graded 2, the sheet is consistent.
    let s = mitaka("企-7", (147, "受入件数150件以上"), (156, "受入件数 61件"), 162, "2");
    assert!(check(&s).is_empty());
}

#[test]
fn grades_the_figures_support_are_not_flagged() {
    let cases = [
        ("企-1", (14, "達成率60%以上"), (26, "達成率52.9%"), 32), // 88%: still 7割以上
        ("企-3", (63, "基本構想の策定"), (71, "令和元（2019）年9月"), 74),
        ("企-4", (84, "派遣：20社"), (94, "16社×5回"), 100), // 80%
        ("企-5", (107, "300人以上"), (113, "合計300人"), 119),
        ("企-8", (170, "採択件数10件程度"), (177, "新規受講登録者数874人"), 183), // 97%, 98%
        ("企-9", (190, "戦争体験談10件以上"), (196, "合計598人"), 199),
        ("企-12", (250, "新規公開データ10件以上"), (256, "15件の新規データ"), 253),
    ];
    for (code, target, result, line) in cases {
        let s = mitaka(code, target, result, line, "1");
        assert!(check(&s).iter().all(|f| f.rule != "grade_vs_achievement"), "{code}: {:#?}", check(&s));
    }
}

/// A 小平市 sheet of 平成29年度 with one indicator and its grades.
fn kodaira(code: &str, direction: Direction, target: &str, actual: &str, grade: &str, line: usize) -> SheetInput {
    let mut s = sheet(code, code, 2017, KODAIRA);
    let mut ind = indicator(code, direction);
    ind.values.push(value(2017, ValueRole::Target, target, "調査票", line));
    ind.values.push(value(2017, ValueRole::Actual, actual, "調査票", line));
    s.indicators.push(ind);
    s.evaluations.push(evaluation(2017, Stage::First, Evaluator::Section, "kodaira-sab", grade, line));
    s.evaluations.push(evaluation(2017, Stage::Second, Evaluator::Headquarters, "kodaira-sab", grade, line));
    s
}

#[test]
fn kodaira_grades_against_their_indicators() {
    // No.8: 370万件以上 → 3,414,923件, graded B: consistent; graded A: not.
    let row = cells(KODAIRA, 295);
    assert_eq!((row[3].as_str(), row[4].as_str()), ("370万件以上", "3,414,923件"));
    assert!(check(&kodaira("No.8", Direction::Bound, &row[3], &row[4], "B", 295)).is_empty());
    let flags = check(&kodaira("No.8", Direction::Bound, &row[3], &row[4], "A", 295));
    // One flag for the two evaluators who gave the same grade.
    assert_eq!(codes(&flags), ["grade_vs_achievement"]);
    assert_eq!(flags[0].left.label, "主管課の1次評価・行革本部の2次評価");
    assert!(
        flags[0].message.contains("100%以上") && flags[0].message.contains("「B 計画より遅れている」"),
        "{}",
        flags[0].message
    );
    // No.4-1: ①94回/年 → ①92回/年, B. No.7: 16(平成29年度末) → 36, S.
    assert!(check(&kodaira("No.4-1", Direction::HigherIsBetter, "94回/年", "92回/年", "B", 233)).is_empty());
    let row = cells(KODAIRA, 283);
    assert!(check(&kodaira("No.7", Direction::HigherIsBetter, &row[3], &row[4], "S", 283)).is_empty());
    // A B although the target was met.
    let flags = check(&kodaira("No.2-6", Direction::HigherIsBetter, "1,300人", "1,528人", "B", 181));
    assert_eq!(codes(&flags), ["grade_vs_achievement"]);
}

#[test]
fn what_cannot_be_compared_is_not_flagged() {
    // No.24: every rate below target, but as of 平成30年2月末 (※3月末未算出).
    let row = cells(KODAIRA, 501);
    assert!(row[4].contains("(平成30年2月末時点)"));
    assert!(check(&kodaira("No.24", Direction::HigherIsBetter, &row[3], &row[4], "A", 501)).is_empty());
    // No.2-5 prints its own share (図書館ボランティア延べ678人) against the
    // total's target 2,000人.
    let row = cells(KODAIRA, 169);
    assert_eq!(row[4], "図書館ボランティア延べ678人");
    assert!(check(&kodaira("No.2-5", Direction::HigherIsBetter, &row[3], &row[4], "A", 169)).is_empty());
    // No.5: the target is for 平成31年度, not this year.
    let row = cells(KODAIRA, 258);
    assert_eq!(row[3], "10団体(平成31年度)");
    assert!(check(&kodaira("No.5", Direction::HigherIsBetter, &row[3], &row[4], "A", 258)).is_empty());
    // 東村山市 A/B has no legend: no band, no flag.
    let mut s = kodaira("6", Direction::Bound, "90.0%以上", "88.2%", "A", 21);
    for e in &mut s.evaluations {
        e.row.scale = Some("higashimurayama-ab".into());
    }
    assert!(check(&s).is_empty());
}

#[test]
fn a_forgotten_grade_and_a_grade_off_the_scale() {
    let mut s = sheet("No.2-1", "No.2-1", 2017, KODAIRA);
    s.evaluations.push(Located::at(
        EvaluationRow {
            fiscal_year: fy(2017),
            stage: Stage::First,
            evaluator: Evaluator::Section,
            scale: Some("kodaira-sab".into()),
            grade: None,
            comment: Some(quote(KODAIRA, 124, "スポーツボランティア登録者数及び活動実績としてほぼ横ばい")),
        },
        Some(124),
    ));
    s.evaluations.push(evaluation(2017, Stage::Second, Evaluator::Headquarters, "kodaira-sab", "C", 124));
    let flags = check(&s);
    assert_eq!(codes(&flags), ["grade_on_scale", "grade_on_scale"]);
    assert_eq!(flags[0].severity, Severity::Info);
    assert_eq!((flags[1].severity, flags[1].left.value.as_str()), (Severity::Warning, "C"));
}
