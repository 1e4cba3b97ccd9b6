//! 三鷹市 自治体経営白書 2021 (seed 002): three plans, 34 施策 with 68 目標指標,
//! the strategy's goals and KPIs, and 82 action-plan issues.

use hyoka_core::cell::CellMeaning;
use hyoka_core::{Direction, FiscalYear, IndicatorCell, IndicatorKind, Number, ValueRole};
use hyoka_import::batch::{Batch, CityBatch, IndicatorRow, ItemRow, PlanRow, SectionRow};
use hyoka_import::Format;

const FILE: &str = "002_f160ebe9d3a69d59.txt";
const OTHERS: [&str; 4] =
    ["000_1a8dd8067da68eba.txt", "001_9b686f713a20fe01.txt", "003_cdfef3ca57f45fe5.txt", "004_14ceec0f4c63a17a.txt"];

const BASIC: &str = "mitaka-basic-plan-4";
const STRATEGY: &str = "mitaka-sousei-strategy";
const ACTION: &str = "mitaka-action-plan-2022";

fn seed(name: &str) -> String {
    std::fs::read_to_string(format!("{}/../../demo/seeds/{name}", env!("CARGO_MANIFEST_DIR")))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn read() -> Batch {
    let text = seed(FILE);
    let (format, batch) = hyoka_import::read_published(FILE, &text).expect("the white paper reads");
    assert_eq!(format, Format::MitakaWhitePaper);
    batch
}

fn city(b: &Batch) -> &CityBatch {
    assert_eq!(b.cities.len(), 1);
    &b.cities[0]
}

fn plan<'a>(c: &'a CityBatch, code: &str) -> &'a PlanRow {
    c.plan(code).unwrap_or_else(|| panic!("no plan {code}"))
}

fn item<'a>(c: &'a CityBatch, key: &str) -> &'a ItemRow {
    c.item(key).unwrap_or_else(|| panic!("no item {key}"))
}

fn indicator<'a>(c: &'a CityBatch, key: &str) -> &'a IndicatorRow {
    c.indicator(key).unwrap_or_else(|| panic!("no indicator {key}"))
}

fn fy(y: i32) -> FiscalYear {
    FiscalYear::new(y).unwrap()
}

/// The printed cell of a year and role in a table.
fn printed<'a>(ind: &'a IndicatorRow, year: i32, role: ValueRole, source: &str) -> &'a str {
    ind.values
        .iter()
        .find(|v| v.fiscal_year == fy(year) && v.role == role && v.source.as_deref() == Some(source))
        .map_or_else(|| panic!("{}: no {role:?} {year} in {source}", ind.key), |v| v.printed.as_str())
}

fn number(printed: &str) -> Option<Number> {
    IndicatorCell::parse(printed).primary_number()
}

fn parent<'a>(p: &'a PlanRow, code: &str) -> Option<&'a str> {
    p.nodes.iter().find(|n| n.code == code).unwrap_or_else(|| panic!("no node {code}")).parent.as_deref()
}

fn section(department: &str, section: &str) -> SectionRow {
    SectionRow { department: department.into(), section: section.into() }
}

#[test]
fn recognised_by_content_only() {
    assert!(hyoka_import::formats::mitaka_whitepaper::matches(&seed(FILE)));
    for other in OTHERS {
        assert!(!hyoka_import::formats::mitaka_whitepaper::matches(&seed(other)), "{other} taken for the white paper");
    }
    let (format, _) = hyoka_import::read_published("renamed.txt", &seed(FILE)).unwrap();
    assert_eq!(format, Format::MitakaWhitePaper);
}

#[test]
fn city_and_plans() {
    let b = read();
    let c = city(&b);
    assert_eq!((c.code.as_str(), c.name.as_str()), ("132047", "三鷹市"));
    let codes: Vec<&str> = c.plans.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, [BASIC, STRATEGY, ACTION]);
    assert_eq!(plan(c, BASIC).name, "第4次三鷹市基本計画（第2次改定）");
    assert_eq!(plan(c, ACTION).level_names, ["自治体経営の基本的な考え方", "体系", "個別課題"]);
    assert!(c.scales.is_empty(), "the white paper prints no grades");
}

#[test]
fn basic_plan_has_8_parts_and_34_measures() {
    let b = read();
    let c = city(&b);
    let p = plan(c, BASIC);
    let parts: Vec<&str> = p.nodes.iter().filter(|n| n.parent.is_none()).map(|n| n.code.as_str()).collect();
    assert_eq!(parts, ["第1部", "第2部", "第3部", "第4部", "第5部", "第6部", "第7部", "第8部"]);
    let part1 = p.nodes.iter().find(|n| n.code == "第1部").unwrap();
    assert_eq!(part1.title, "世界に開かれた平和・人権のまちをつくる");
    // The 施策体系 is the reference for titles: the heading at line 323 has a typo.
    assert_eq!(p.nodes.iter().find(|n| n.code == "第3部").unwrap().title, "安全とうるおいのある快適空間のまちをつくる");

    let measures: Vec<&ItemRow> = c.items.iter().filter(|i| i.kind == "measure").collect();
    assert_eq!(measures.len(), 34);
    // 施策 with 細目 (第4 商業環境の整備 → 1, 2) sit one level deeper.
    assert_eq!(parent(p, "第2-4-1"), Some("第2-4"));
    assert_eq!(parent(p, "第2-4"), Some("第2部"));
    assert_eq!(parent(p, "第3-3-2"), Some("第3-3"));
    assert_eq!(parent(p, "第7-1-2"), Some("第7-1"));
    assert_eq!(p.nodes.len(), 8 + 31 + 6);
    for m in &measures {
        assert_eq!(m.placements.len(), 1);
        assert_eq!(m.placements[0].plan, BASIC);
        assert_eq!(m.key, format!("measure:{}", m.placements[0].node));
        assert_eq!(m.fiscal_year, Some(fy(2020)));
        assert!(p.nodes.iter().any(|n| n.code == m.code), "{} is a node", m.code);
        assert!(!m.sections.is_empty(), "{} has its 主な担当課", m.code);
    }
    let m = item(c, "measure:第3-3-2");
    assert_eq!(m.title, "安全安心のまちづくり");
    assert_eq!(m.sections, [section("総務部", "安全安心課")]);
    assert_eq!(
        item(c, "measure:第7-3").sections,
        [section("スポーツと文化部", "芸術文化課"), section("スポーツと文化部", "生涯学習課")]
    );
    assert_eq!(item(c, "measure:第7-1-2").sections, [section("教育部", "図書館")]);
}

#[test]
fn sixty_eight_target_indicators() {
    let b = read();
    let c = city(&b);
    let basic: Vec<&IndicatorRow> =
        c.indicators.iter().filter(|i| i.node.as_ref().is_some_and(|n| n.plan == BASIC)).collect();
    assert_eq!(basic.len(), 68);
    assert!(basic.iter().all(|i| i.kind == IndicatorKind::Outcome && i.vocabulary.is_none()));
    // Every 施策 that the paper reports has at least one 目標指標.
    for m in c.items.iter().filter(|i| i.kind == "measure") {
        assert!(basic.iter().any(|i| i.item.as_deref() == Some(m.key.as_str())), "{} has no indicator", m.key);
    }
    let table = "基本計画 第1-1 目標指標";
    let ind = indicator(c, "measure:第1-1:英語版ホームページのアクセス件数");
    assert_eq!(ind.node.as_ref().unwrap().node, "第1-1");
    assert_eq!(ind.unit.as_deref(), Some("件"));
    assert_eq!(printed(ind, 2010, ValueRole::Baseline, table), "34,677件");
    assert_eq!(number(printed(ind, 2010, ValueRole::Baseline, table)), Some(Number::from_int(34677)));
    assert_eq!(printed(ind, 2014, ValueRole::Actual, table), "60,359件");
    assert_eq!(printed(ind, 2018, ValueRole::Actual, table), "293,478件");
    assert_eq!(printed(ind, 2020, ValueRole::Actual, table), "202,850件");
    assert_eq!(printed(ind, 2022, ValueRole::Target, table), "400,000件");
    assert_eq!(number(printed(ind, 2022, ValueRole::Target, table)), Some(Number::from_int(400000)));
    assert_eq!(ind.values.len(), 5);

    // Wrapped names lose their spaces; the spaced header (令和 4 (2022) 年度) reads the same.
    let ind = indicator(c, "measure:第3-3-2:三鷹市内の刑法犯罪認知件数(年間)");
    assert_eq!(printed(ind, 2020, ValueRole::Actual, "基本計画 第3-3-2 目標指標"), "727 件");
    assert_eq!(number(printed(ind, 2022, ValueRole::Target, "基本計画 第3-3-2 目標指標")), Some(Number::from_int(900)));

    // Cells that are not plain numbers keep their printing.
    let table = "基本計画 第8-2 目標指標";
    let ind = indicator(c, "measure:第8-2:経常収支比率");
    let target = printed(ind, 2022, ValueRole::Target, table);
    assert_eq!(target, "概ね80%台を維持(特殊要因による場合にあっても90%台前半に抑制)");
    assert!(matches!(IndicatorCell::parse(target).meaning(), CellMeaning::Composite { .. }));
    let ind = indicator(c, "measure:第4-1:三鷹市公共施設の温室効果ガス総排出量(t-CO2)");
    assert_eq!(ind.unit.as_deref(), Some("t-CO2"));
    assert_eq!(printed(ind, 2020, ValueRole::Actual, "基本計画 第4-1 目標指標"), "12,587 (令和元年度)");
    let ind = indicator(c, "measure:第7-2:週1回以上スポーツ活動を行っている市民の割合");
    assert_eq!(printed(ind, 2020, ValueRole::Actual, "基本計画 第7-2 目標指標"), "—");
    assert!(IndicatorCell::parse("—").is_empty_value());
}

#[test]
fn footnotes_become_definitions() {
    let b = read();
    let c = city(&b);
    let ind = indicator(c, "measure:第3-1:特定道路の整備率");
    assert!(ind.definition.as_deref().unwrap().starts_with("(注1) 特定道路：生活関連経路"));
    let ind = indicator(c, "measure:第3-2:緑被率");
    let def = ind.definition.as_deref().unwrap();
    assert!(def.contains("(注2) 平成24年度の東京都調査結果") && def.contains("(注3) 平成29年度"), "{def}");
    let ind = indicator(c, "strategy:基本目標1:保育園待機児童数");
    assert!(ind.definition.as_deref().unwrap().contains("令和 3 年 4 月 1 日時点の人数"));
    let ind = indicator(c, "strategy:基本目標3:従業者数（事業所単位）");
    assert!(ind.definition.as_deref().unwrap().contains("経済センサス"));
}

#[test]
fn directions_are_declared_per_indicator() {
    let b = read();
    let c = city(&b);
    let dir = |key: &str| indicator(c, key).direction;
    assert_eq!(dir("measure:第3-3-2:三鷹市内の刑法犯罪認知件数(年間)"), Direction::LowerIsBetter);
    assert_eq!(dir("measure:第4-2:一人一日あたりのごみ総排出量"), Direction::LowerIsBetter);
    assert_eq!(dir("measure:第6-2:保育園待機児童の解消"), Direction::LowerIsBetter);
    assert_eq!(dir("measure:第3-5:駅前地域の放置自転車の台数"), Direction::Bound);
    assert_eq!(dir("measure:第8-2:実質公債費比率"), Direction::Bound);
    assert_eq!(dir("measure:第2-2:農家の直接販売所数"), Direction::Maintain);
    assert_eq!(dir("measure:第5-1:地域ケアネットワークの設立住区数及び活動の充実"), Direction::Milestone);
    // Below the baseline, still higher is better.
    assert_eq!(dir("measure:第2-2:農地面積"), Direction::HigherIsBetter);
    assert_eq!(dir("measure:第7-1-2:図書館の利用者数"), Direction::HigherIsBetter);
    assert_eq!(
        dir("strategy:基本目標1:子ども・子育て支援施策に不満があると回答した人の割合"),
        Direction::LowerIsBetter
    );
    assert_eq!(dir("strategy:基本目標3:三鷹駅南口中央通り東地区再開発推進事業"), Direction::Milestone);
}

#[test]
fn strategy_goals_and_kpis() {
    let b = read();
    let c = city(&b);
    let p = plan(c, STRATEGY);
    let goals: Vec<(&str, &str)> = p.nodes.iter().map(|n| (n.code.as_str(), n.title.as_str())).collect();
    assert_eq!(
        goals,
        [
            ("基本目標1", "地域ぐるみで子どもの個性を尊重し、成長を支えるまちづくり"),
            ("基本目標2", "市民がともに支え合い、健康で心ゆたかに生きがいを持って活躍できるまちづくり"),
            ("基本目標3", "地域の特色を活かした持続可能で魅力あるまちづくり"),
        ]
    );
    let goal = item(c, "strategy:基本目標2");
    assert_eq!(goal.kind, "goal");
    let text = goal.narratives[0].text.to_plain_text();
    assert!(
        text.starts_with("高齢者、障がい者、外国人等") && text.contains("「コミュニティ創生」の取り組み"),
        "{text}"
    );

    // 16 printed rows in 6 tables (3 数値目標, 3 KPI tables); 7 of them are
    // 目標指標 of a 施策, stored once.
    let printings: std::collections::BTreeSet<(&str, &str)> = c
        .indicators
        .iter()
        .flat_map(|i| i.values.iter().map(move |v| (i.key.as_str(), v.source.as_deref().unwrap_or(""))))
        .filter(|(_, s)| s.starts_with("総合戦略"))
        .collect();
    assert_eq!(printings.len(), 16);
    let kpi_only = c.indicators.iter().filter(|i| i.kind == IndicatorKind::Kpi).count();
    assert_eq!(kpi_only, 9);
    assert_eq!(c.indicators.len(), 68 + 9);

    let ind = indicator(c, "strategy:基本目標1:合計特殊出生率");
    let t = "総合戦略 基本目標1 KPI";
    assert_eq!(printed(ind, 2018, ValueRole::Baseline, t), "1.29 (平成 30 年)");
    assert_eq!(number(printed(ind, 2022, ValueRole::Target, t)), Number::parse("1.43"));
    let ind = indicator(c, "strategy:基本目標1:子ども・子育て支援施策に不満があると回答した人の割合");
    let t = "総合戦略 基本目標1 数値目標";
    assert_eq!(printed(ind, 2014, ValueRole::Actual, t), "11.4%");
    assert_eq!(printed(ind, 2022, ValueRole::Target, t), "7.0%");
    let ind = indicator(c, "strategy:基本目標3:従業者数（事業所単位）");
    assert_eq!(printed(ind, 2020, ValueRole::Actual, "総合戦略 基本目標3 KPI"), "同左");
}

#[test]
fn a_kpi_that_is_a_target_indicator_is_stored_once() {
    let b = read();
    let c = city(&b);
    assert!(c.indicator("strategy:基本目標3:農家の直接販売所数").is_none());
    let ind = indicator(c, "measure:第2-2:農家の直接販売所数");
    assert_eq!(ind.kind, IndicatorKind::Outcome);
    assert_eq!(ind.values.len(), 9);
    assert_eq!(printed(ind, 2020, ValueRole::Actual, "基本計画 第2-2 目標指標"), "147か所");
    assert_eq!(printed(ind, 2020, ValueRole::Actual, "総合戦略 基本目標3 KPI"), "147 か所");
    // The wrapped KPI name (市立中学校への進学 者数) finds the 目標指標.
    let ind = indicator(c, "measure:第6-3:市立小学校卒業者の市立中学校への進学者数の割合");
    assert_eq!(printed(ind, 2018, ValueRole::Baseline, "総合戦略 基本目標1 KPI"), "77.4%");

    // The two tables disagree on the target of one shared indicator: both
    // printings are kept (applying the batch compares same-year, same-role
    // printings and records the disagreement).
    let ind = indicator(c, "measure:第5-2:高齢者社会活動マッチング推進事業の会員数");
    let plan_target = printed(ind, 2022, ValueRole::Target, "基本計画 第5-2 目標指標");
    let kpi_target = printed(ind, 2022, ValueRole::Target, "総合戦略 基本目標2 KPI");
    assert_eq!((plan_target, kpi_target), ("4,000人", "3,500 人"));
    assert_ne!(number(plan_target), number(kpi_target));
    assert!(b.findings.iter().all(|f| f.kind != "value_conflict"), "{:#?}", b.findings);
}

/// The strategy's 戦略策定時 value is a baseline; the 施策 table prints the
/// same year as an actual. The reader compares those two itself.
#[test]
fn a_baseline_that_disagrees_with_the_actual_is_reported() {
    let text = seed(FILE);
    let line = text.lines().nth(840).unwrap();
    assert!(line.starts_with("高齢者社会活動マッチング推進事業の会員数\t2,554 人\t2,975 人"));
    let changed = text.replacen(line, &line.replacen("2,975 人", "2,957 人", 1), 1);
    let (_, b) = hyoka_import::read_published(FILE, &changed).unwrap();
    let conflicts: Vec<_> = b.findings.iter().filter(|f| f.kind == "value_conflict").collect();
    assert_eq!(conflicts.len(), 1, "{conflicts:#?}");
    assert_eq!(conflicts[0].line, Some(841));
    assert!(conflicts[0].text.starts_with("高齢者社会活動マッチング推進事業の会員数"));
    assert!(conflicts[0].message.contains("実績「2,975人」") && conflicts[0].message.contains("基準値「2,957 人」"));
}

#[test]
fn action_plan_with_13_systems_and_82_issues() {
    let b = read();
    let c = city(&b);
    let p = plan(c, ACTION);
    let principles: Vec<&str> = p.nodes.iter().filter(|n| n.parent.is_none()).map(|n| n.code.as_str()).collect();
    assert_eq!(principles, ["(1)", "(2)", "(3)", "(4)", "(5)"]);
    let systems: Vec<&str> = p.nodes.iter().filter(|n| n.code.starts_with("体系")).map(|n| n.code.as_str()).collect();
    assert_eq!(systems.len(), 13);
    assert_eq!(parent(p, "体系11"), Some("(4)"));
    assert_eq!(p.nodes.iter().find(|n| n.code == "体系10").unwrap().title, "危機管理力の向上");
    let issues: Vec<&ItemRow> = c.items.iter().filter(|i| i.kind == "issue").collect();
    assert_eq!(issues.len(), 82);
    assert_eq!(p.nodes.len(), 5 + 13 + 82);
    // Codes as printed, normalised: `3 - (14)`, `<p>3-(2)</p>`, `10- (3)`, `5-2)`.
    for code in ["3-(14)", "3-(2)", "10-(3)", "5-(2)", "13-(4)"] {
        let i = item(c, &format!("action:{code}"));
        assert_eq!(i.code, code);
        assert_eq!(i.placements[0].node, code);
    }
    assert_eq!(parent(p, "3-(14)"), Some("体系3"));
    assert_eq!(parent(p, "10-(3)"), Some("体系10"));
    // Numbering has gaps.
    assert!(c.item("action:1-(1)").is_none() && c.item("action:3-(4)").is_none());

    let major: Vec<&str> =
        issues.iter().filter(|i| i.tags.iter().any(|t| t == "主要")).map(|i| i.code.as_str()).collect();
    assert_eq!(major.len(), 23);
    let i = item(c, "action:7-(1)");
    assert_eq!(i.title, "三鷹中央防災公園・元気創造プラザの総点検の実施"); // printed 【主要】…
    assert_eq!(i.tags, ["主要"]);
    let i = item(c, "action:3-(3)");
    assert_eq!((i.title.as_str(), i.tags.as_slice()), ("福祉人財の養成と活動の支援", ["主要".to_string()].as_slice()));
    assert_eq!(p.nodes.iter().find(|n| n.code == "3-(3)").unwrap().tags, ["主要"]);

    let i = item(c, "action:3-(7)");
    assert_eq!(i.sections, [section("生活環境部", ""), section("教育部", ""), section("子ども政策部", "")]);
    let i = item(c, "action:3-(11)");
    assert!(i.sections.is_empty());
    assert_eq!(i.tags, ["主要", "全庁"]);
    assert!(c.sections.contains(&section("教育部", "")));
    assert!(c.sections.contains(&section("企画部", "企画経営課")));
}

#[test]
fn narratives_are_kept_as_text() {
    let b = read();
    let c = city(&b);
    let m = item(c, "measure:第6-1");
    assert_eq!(m.narratives.len(), 1);
    let n = &m.narratives[0];
    assert_eq!(
        (n.slot.as_str(), n.label.as_str(), n.fiscal_year),
        ("progress", "施策の達成に向けた取り組み状況", Some(fy(2020)))
    );
    let text = n.text.to_plain_text();
    // Lines wrapped by the extraction are one paragraph again.
    assert!(text.contains("つながるように広報みたかや市ホームページ"), "{text}");
    assert_eq!(text.lines().count(), 3);

    let i = item(c, "action:3-(2)");
    let overview = i.narratives.iter().find(|n| n.slot == "overview").unwrap();
    assert_eq!((overview.label.as_str(), overview.fiscal_year), ("概要", None));
    let progress = i.narratives.iter().find(|n| n.slot == "progress").unwrap();
    assert_eq!((progress.label.as_str(), progress.fiscal_year), ("令和2年度の取組状況等", Some(fy(2020))));
    for issue in c.items.iter().filter(|i| i.kind == "issue") {
        assert_eq!(issue.narratives.len(), 2, "{}", issue.key);
        for n in &issue.narratives {
            let t = n.text.to_plain_text();
            assert!(
                !t.is_empty() && !t.contains("<p>") && !t.contains("</p>") && !t.contains("<ul"),
                "{}: {t}",
                issue.key
            );
        }
    }
    assert!(item(c, "action:1-(2)").narratives[0]
        .text
        .to_plain_text()
        .starts_with("「空き家等対策計画（平成31年3月策定）」"));

    // The plans' introductions and the figures they quote are kept.
    let o = item(c, "overview:mitaka-basic-plan-4");
    let all: String = o.narratives.iter().map(|n| n.text.to_plain_text()).collect();
    assert!(all.contains("全34施策に定められた、68のまちづくり指標"));
    assert!(all.contains("68の「目標指標」を設定"));
    let o = item(c, "overview:mitaka-action-plan-2022");
    let note = o.narratives.iter().find(|n| n.slot == "s2").unwrap().text.to_plain_text();
    assert!(note.contains("タイトルの前に 【主要】 と表記") && !note.contains("**"), "{note}");
}

#[test]
fn findings_are_few_and_placed() {
    let b = read();
    let got: Vec<(&str, Option<usize>)> = b.findings.iter().map(|f| (f.kind.as_str(), f.line)).collect();
    assert_eq!(got, [("title_mismatch", Some(323)), ("title_mismatch", Some(1224))], "{:#?}", b.findings);
    for f in &b.findings {
        assert_eq!(f.file, FILE);
        assert_eq!(f.municipality.as_deref(), Some("132047"));
        assert!(!f.text.is_empty() && !f.message.is_empty());
    }
    assert!(b.findings[1].text.starts_with("体系10 危機管理能力の向上"));
}

#[test]
fn reading_twice_gives_the_same_batch() {
    let a = read();
    let b = read();
    assert_eq!(a, b);
    let keys: std::collections::BTreeSet<&str> = a.cities[0].items.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys.len(), a.cities[0].items.len(), "item keys are unique");
    let keys: std::collections::BTreeSet<&str> = a.cities[0].indicators.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys.len(), a.cities[0].indicators.len(), "indicator keys are unique");
    for p in &a.cities[0].plans {
        let codes: std::collections::BTreeSet<&str> = p.nodes.iter().map(|n| n.code.as_str()).collect();
        assert_eq!(codes.len(), p.nodes.len(), "{}: node codes are unique", p.code);
    }
}
