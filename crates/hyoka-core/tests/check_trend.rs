//! target_vs_baseline, data_year, repeated_value on the white paper's
//! 目標指標 rows (H22 baseline, H26, H30, R2 actuals, R4 target) and the
//! 小平市 調査票.

mod check_support;

use check_support::*;
use hyoka_core::check::{Flag, IndicatorInput, Severity};
use hyoka_core::{Direction, ValueRole};

/// A 目標指標 row of the white paper, read from the seed.
fn row(line: usize, direction: Direction) -> IndicatorInput {
    let c = cells(WHITEPAPER, line);
    let mut ind = indicator(&c[0], direction);
    let columns = [
        (2010, ValueRole::Baseline),
        (2014, ValueRole::Actual),
        (2018, ValueRole::Actual),
        (2020, ValueRole::Actual),
        (2022, ValueRole::Target),
    ];
    for (i, (year, role)) in columns.into_iter().enumerate() {
        if let Some(printed) = c.get(1 + i) {
            ind.values.push(value(year, role, printed, "基本計画", line));
        }
    }
    ind
}

fn flags_of(inds: Vec<IndicatorInput>) -> Vec<Flag> {
    let mut s = sheet("whitepaper", "白書", 2020, WHITEPAPER);
    s.indicators = inds;
    check(&s)
}

#[test]
fn targets_below_the_baseline_of_higher_is_better_indicators() {
    // 農地面積 171ha → 140ha, 図書館の利用者数 996,849人 → 950,000人.
    let flags = flags_of(vec![row(229, Direction::HigherIsBetter), row(667, Direction::HigherIsBetter)]);
    let found = of(&flags, "target_vs_baseline");
    assert_eq!(found.len(), 2, "{flags:#?}");
    assert!(found.iter().all(|f| f.severity == Severity::Info));
    assert_eq!((found[0].left.value.as_str(), found[0].right.value.as_str()), ("140ha", "171ha"));
    assert!(
        found[0].message.contains("高いほど良い指標") && found[0].message.contains("確認済み"),
        "{}",
        found[0].message
    );
}

#[test]
fn targets_in_the_declared_direction_are_not_flagged() {
    // 刑法犯罪認知件数 1,767件 → 900件 is lower-is-better; 市ホームページの
    // アクセス数 2,274,948件 → 3,000,000件; 経常収支比率 概ね80%台を維持.
    let flags = flags_of(vec![
        row(386, Direction::LowerIsBetter),
        row(212, Direction::HigherIsBetter),
        row(741, Direction::Bound),
        row(742, Direction::Bound),
    ]);
    assert!(of(&flags, "target_vs_baseline").is_empty(), "{flags:#?}");
    // Declared the other way, the crime count is flagged.
    let flags = flags_of(vec![row(386, Direction::HigherIsBetter)]);
    assert_eq!(of(&flags, "target_vs_baseline").len(), 1);
}

#[test]
fn kodaira_targets_against_their_baselines() {
    let sheet_of = |line: usize, direction: Direction| {
        let c = cells(KODAIRA, line);
        let (b, t) = if c[0].starts_with("No.") { (&c[2], &c[3]) } else { (&c[1], &c[2]) };
        let mut ind = indicator(&format!("{line}"), direction);
        ind.values.push(value(2016, ValueRole::Baseline, b, "調査票", line));
        ind.values.push(value(2017, ValueRole::Target, t, "調査票", line));
        ind
    };
    // No.22 ③ 講習会参加者数 122人 → 120人; No.24 滞繰分 15.10% → 15.00%;
    // No.42 10事務 → 1事務以上 (a floor already reached).
    let flags = flags_of(vec![
        sheet_of(476, Direction::HigherIsBetter),
        sheet_of(501, Direction::HigherIsBetter),
        sheet_of(791, Direction::Bound),
    ]);
    let found = of(&flags, "target_vs_baseline");
    assert_eq!(found.len(), 3, "{flags:#?}");
    assert!(found[1].message.contains("（滞繰分）"), "{}", found[1].message);
    assert!(found[2].message.contains("既に満たされています"), "{}", found[2].message);
    // No.37 ①688,595人 → ①69万人以上: the floor is ahead.
    let mut ind = indicator("地域センター利用者数", Direction::Bound);
    ind.values.push(value(2016, ValueRole::Baseline, "688,595人", "調査票", 684));
    ind.values.push(value(2017, ValueRole::Target, "69万人以上", "調査票", 684));
    assert!(flags_of(vec![ind]).is_empty());
}

#[test]
fn a_later_column_that_repeats_an_older_years_value() {
    // 製造業事業所数: 231事業所 (平成28年) under both 平成30年度 and 令和2年度.
    let flags = flags_of(vec![row(243, Direction::HigherIsBetter)]);
    let found = of(&flags, "data_year");
    assert_eq!(found.len(), 1, "{flags:#?}");
    assert_eq!(found[0].severity, Severity::Warning);
    assert_eq!(found[0].place.fiscal_year, Some(fy(2020)));
    assert_eq!(found[0].left.value, "231事業所 (平成28年)（平成28年の値）");
    // 従業者数: 同左 under 令和2年度 repeats 56,139人 (平成28年度).
    let c = cells(WHITEPAPER, 849);
    let mut ind = indicator(&c[0], Direction::HigherIsBetter);
    for (i, (year, role)) in
        [(2014, ValueRole::Actual), (2018, ValueRole::Baseline), (2020, ValueRole::Actual), (2022, ValueRole::Target)]
            .into_iter()
            .enumerate()
    {
        ind.values.push(value(year, role, &c[1 + i], "総合戦略 KPI", 849));
    }
    let flags = flags_of(vec![ind]);
    let found = of(&flags, "data_year");
    assert_eq!(found.len(), 1, "{flags:#?}");
    assert_eq!((found[0].severity, found[0].place.fiscal_year), (Severity::Warning, Some(fy(2020))));
    assert!(found[0].left.value.starts_with("同左"), "{}", found[0].left.value);
    // 同左 is the column to its left: the strategy's 平成30年度 baseline.
    assert!(found[0].message.contains("平成30年度の欄と同じ平成28年度の値"), "{}", found[0].message);
}

#[test]
fn a_value_of_another_year_once_is_a_note() {
    // 温室効果ガス: 12,587 (令和元年度) under 令和2年度.
    let flags = flags_of(vec![row(436, Direction::LowerIsBetter)]);
    let found = of(&flags, "data_year");
    assert_eq!(found.len(), 1, "{flags:#?}");
    assert_eq!(
        (found[0].severity, found[0].right.value.as_str()),
        (Severity::Info, "令和元年度（12,587 (令和元年度)）")
    );
    // A calendar year named like its fiscal year is no difference:
    // 合計特殊出生率 1.29 (平成 30 年) under 平成30年度.
    let mut ind = indicator("合計特殊出生率", Direction::HigherIsBetter);
    ind.values.push(value(2018, ValueRole::Baseline, &cell_with(WHITEPAPER, 826, "1.29"), "KPI", 826));
    assert!(flags_of(vec![ind]).is_empty());
}

#[test]
fn the_same_actual_year_after_year() {
    // 都市計画道路整備率 46.4% in 平成30年度 and 令和2年度; 手続きの種類
    // 30種類 three times.
    let flags = flags_of(vec![row(331, Direction::HigherIsBetter), row(211, Direction::HigherIsBetter)]);
    let found = of(&flags, "repeated_value");
    assert_eq!(found.len(), 2, "{flags:#?}");
    assert_eq!((found[0].left.value.as_str(), found[0].right.value.as_str()), ("46.4%", "46.4%"));
    assert!(found[1].message.contains("平成26年度・平成30年度・令和2年度"), "{}", found[1].message);
}

#[test]
fn repeats_that_are_explained_or_expected() {
    // 0 m³ every year (and on target); 緑被率 32.53% (注3) twice, with its
    // footnote; オープンデータの公開数 36 twice (two digits).
    let mut open_data = indicator("オープンデータの公開数", Direction::HigherIsBetter);
    for (k, year) in [2016, 2017, 2018].into_iter().enumerate() {
        open_data.values.push(value(year, ValueRole::Actual, &cells(MISHIMA, 39)[1 + k], "成果指標", 39));
    }
    let flags = flags_of(vec![row(454, Direction::LowerIsBetter), row(351, Direction::HigherIsBetter), open_data]);
    assert!(of(&flags, "repeated_value").is_empty(), "{flags:#?}");
}
