//! 小平市 第3次行財政再構築プラン 進捗状況調査票 (seed 003): 43 items in 5
//! groups graded by 所管課 and 行革本部, and every survey sheet with its
//! indicators.

use hyoka_core::narrative::Block;
use hyoka_core::plan::{distinct_items, Placement};
use hyoka_core::{Direction, Evaluator, FiscalYear, IndicatorCell, Number, Stage, ValueRole};
use hyoka_import::batch::{CityBatch, IndicatorRow, ItemRow, ValueRow};
use hyoka_import::formats::kodaira;
use hyoka_import::{read_published, Batch, Format};

const FILE: &str = "003_cdfef3ca57f45fe5.txt";
const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../demo/seeds/");

fn seed(file: &str) -> String {
    std::fs::read_to_string(format!("{SEEDS}{file}")).expect("seed is readable")
}

fn read() -> Batch {
    let (format, batch) = read_published(FILE, &seed(FILE)).expect("the seed reads");
    assert_eq!(format, Format::KodairaReformSurvey);
    batch
}

fn city(batch: &Batch) -> &CityBatch {
    assert_eq!(batch.cities.len(), 1);
    &batch.cities[0]
}

fn fy(y: i32) -> FiscalYear {
    FiscalYear::new(y).unwrap()
}

fn item<'a>(city: &'a CityBatch, key: &str) -> &'a ItemRow {
    city.item(key).unwrap_or_else(|| panic!("item {key}"))
}

fn indicator<'a>(city: &'a CityBatch, key: &str) -> &'a IndicatorRow {
    city.indicator(key).unwrap_or_else(|| panic!("indicator {key}"))
}

fn value<'a>(ind: &'a IndicatorRow, role: ValueRole, source: Option<&str>) -> &'a ValueRow {
    ind.values
        .iter()
        .find(|v| v.role == role && v.source.as_deref() == source)
        .unwrap_or_else(|| panic!("{} has {role:?} from {source:?}", ind.key))
}

fn number(v: &ValueRow) -> Option<Number> {
    IndicatorCell::parse(&v.printed).primary_number()
}

fn plain(item: &ItemRow, slot: &str) -> String {
    item.narratives
        .iter()
        .find(|n| n.slot == slot)
        .unwrap_or_else(|| panic!("{} has {slot}", item.key))
        .text
        .to_plain_text()
}

const SUB_SHEETS: [&str; 17] = [
    "No.2-1~5", "No.2-1", "No.2-2", "No.2-3", "No.2-4", "No.2-5", "No.2-6", "No.2-7", "No.4-1", "No.4-2", "No.30-1",
    "No.30-2", "No.30-3", "No.38-1", "No.38-2", "No.38-3", "No.38-4",
];

#[test]
fn recognised_by_content_only() {
    assert!(kodaira::matches(&seed(FILE)));
    for other in
        ["000_1a8dd8067da68eba.txt", "001_9b686f713a20fe01.txt", "002_f160ebe9d3a69d59.txt", "004_14ceec0f4c63a17a.txt"]
    {
        assert!(!kodaira::matches(&seed(other)), "{other}");
    }
}

#[test]
fn plan_has_five_groups_and_forty_three_items() {
    let batch = read();
    let city = city(&batch);
    assert_eq!((city.code.as_str(), city.name.as_str()), ("132110", "小平市"));
    assert_eq!(city.plans.len(), 1);
    let plan = city.plan("kodaira-reform-3").expect("plan");
    assert_eq!(plan.name, "第3次行財政再構築プラン");
    assert_eq!(plan.level_names, ["グループ", "項目"]);
    let groups: Vec<&str> = plan.nodes.iter().filter(|n| n.parent.is_none()).map(|n| n.code.as_str()).collect();
    assert_eq!(
        groups,
        [
            "地域協働の推進",
            "情報の共有と双方向のコミュニケーション",
            "PDCAサイクルの構築",
            "財政基盤の強化",
            "執行体制の再構築"
        ]
    );
    let per_group: Vec<usize> =
        groups.iter().map(|g| plan.nodes.iter().filter(|n| n.parent.as_deref() == Some(g)).count()).collect();
    assert_eq!(per_group, [7, 3, 6, 13, 14]);
    let items: Vec<&str> = plan.nodes.iter().filter(|n| n.parent.is_some()).map(|n| n.code.as_str()).collect();
    let expected: Vec<String> = (1..=43).map(|n| format!("No.{n}")).collect();
    assert_eq!(items, expected);
    let node = |code: &str| plan.nodes.iter().find(|n| n.code == code).unwrap();
    assert_eq!(node("No.29").parent.as_deref(), Some("財政基盤の強化"));
    assert_eq!(node("No.30").parent.as_deref(), Some("執行体制の再構築"));
    assert_eq!(node("No.2").tags, ["新規", "フォローアップ"]);
    assert_eq!(node("No.41").tags, ["新規", "再掲"]);
    assert_eq!(node("No.12").title, "行政評価の実施");
}

#[test]
fn items_sub_sheets_and_relistings() {
    let batch = read();
    let city = city(&batch);
    assert_eq!(city.items.len(), 43 + SUB_SHEETS.len());
    for n in 1..=43 {
        let i = item(city, &format!("No.{n}"));
        assert_eq!((i.kind.as_str(), i.code.as_str()), ("issue", i.key.as_str()));
        assert_eq!(i.fiscal_year, Some(fy(2017)));
        assert_eq!(i.placements.len(), 1);
        assert_eq!(i.placements[0].node, i.key);
    }
    for code in SUB_SHEETS {
        let i = item(city, code);
        let parent = code.split(['-', '~']).next().unwrap();
        assert_eq!(i.placements.len(), 1, "{code}");
        assert_eq!((i.placements[0].plan.as_str(), i.placements[0].node.as_str()), ("kodaira-reform-3", parent));
        assert!(!i.placements[0].relisting);
        assert_eq!(i.evaluations.len(), 2, "{code}");
    }
    assert_eq!(item(city, "No.30-2").title, "外郭団体の経営改善");
    assert_eq!(item(city, "No.4-1").title, "地域と学校の連携・協働の推進");

    let copy = item(city, "No.29");
    assert_eq!(copy.relisting_of.as_deref(), Some("No.15"));
    assert!(copy.placements[0].relisting);
    assert_eq!(copy.tags, ["フォローアップ", "再掲"]);
    // The copy prints other sections than its original: kept on the copy.
    let sections: Vec<&str> = copy.sections.iter().map(|s| s.section.as_str()).collect();
    assert_eq!(sections, ["財政課"]);
    assert!(copy.evaluations.is_empty(), "identical grades are stored once, on No.15");
    assert!(plain(copy, "note").contains("調査票は省略"));
    let copy = item(city, "No.41");
    assert_eq!(copy.relisting_of.as_deref(), Some("No.7"));
    assert!(copy.sections.is_empty() && copy.evaluations.is_empty());

    // Re-listings are never counted twice.
    let placements: Vec<Placement> = city
        .items
        .iter()
        .flat_map(|i| {
            i.placements.iter().map(|p| Placement {
                item: i.key.clone(),
                plan: p.plan.clone(),
                node: p.node.clone(),
                relisting: p.relisting,
            })
        })
        .collect();
    assert_eq!(distinct_items(&placements), 41 + SUB_SHEETS.len());
    let plan_items = city.items.iter().filter(|i| !SUB_SHEETS.contains(&i.key.as_str()));
    assert_eq!(plan_items.filter(|i| i.relisting_of.is_none()).count(), 41);
}

#[test]
fn tags_and_sections() {
    let batch = read();
    let city = city(&batch);
    assert_eq!(item(city, "No.2").tags, ["新規", "フォローアップ"]);
    assert_eq!(item(city, "No.12").tags, ["フォローアップ"]);
    assert!(item(city, "No.4").tags.is_empty());
    let count = |tag: &str| (1..=43).filter(|n| item(city, &format!("No.{n}")).tags.iter().any(|t| t == tag)).count();
    assert_eq!((count("新規"), count("フォローアップ"), count("再掲")), (17, 23, 2));
    // Wrapped names are joined; former names and generic words are not sections.
    let sections = |key: &str| -> Vec<String> { item(city, key).sections.iter().map(|s| s.section.clone()).collect() };
    assert_eq!(sections("No.3"), ["市民協働・男女参画推進課", "政策課"]);
    assert_eq!(sections("No.13"), ["市民課", "政策課"]);
    assert_eq!(sections("No.18"), ["財政課", "会計課", "公共施設マネジメント課"]);
    assert_eq!(plain(item(city, "No.18"), "sections"), "財政課 会計課 公共施設マネジメント課(旧財産管理課)全課");
    assert_eq!(plain(item(city, "No.1"), "lead_sections"), "市民協働・男女参画推進課、政策課 他");
    assert!(city.sections.iter().all(|s| s.department.is_empty()), "the document names no departments");
    assert!(city.sections.iter().any(|s| s.section == "防災危機管理課"));
    assert!(!city.sections.iter().any(|s| ["各所管課", "全課", "他", "施設所管課"].contains(&s.section.as_str())));
}

#[test]
fn grades_by_section_and_headquarters() {
    let batch = read();
    let city = city(&batch);
    let scale = &city.scales[0];
    assert_eq!(city.scales.len(), 1);
    assert_eq!(scale.code, "kodaira-sab");
    assert!(scale.legend_printed);
    assert_eq!(
        scale.legend(),
        "S 年度当初の予定以上に進捗 A 年度当初の予定どおりに進捗 B 年度当初の予定よりも遅れている"
    );

    let grades = |stage: Stage, evaluator: Evaluator| -> Vec<String> {
        (1..=43)
            .flat_map(|n| item(city, &format!("No.{n}")).evaluations.iter())
            .filter(|e| e.stage == stage && e.evaluator == evaluator)
            .map(|e| e.grade.clone().unwrap())
            .collect()
    };
    for (stage, evaluator) in [(Stage::First, Evaluator::Section), (Stage::Second, Evaluator::Headquarters)] {
        let g = grades(stage, evaluator);
        assert_eq!(g.len(), 41, "re-listings carry no second copy of the grades");
        let n = |x: &str| g.iter().filter(|v| *v == x).count();
        assert_eq!((n("S"), n("A"), n("B")), (2, 29, 10), "{stage:?}");
    }
    let three = item(city, "No.3");
    let e = &three.evaluations[0];
    assert_eq!((e.stage, e.evaluator, e.fiscal_year), (Stage::First, Evaluator::Section, fy(2017)));
    assert_eq!(e.scale.as_deref(), Some("kodaira-sab"));
    assert_eq!(e.grade.as_deref(), Some("B"));
    assert!(e.comment.as_deref().unwrap().starts_with("目標値を達成していないため。 地域の実情"));
    assert_eq!(three.evaluations[1].comment.as_deref(), Some("目標値を達成していないため。"));
    let five = item(city, "No.5");
    assert_eq!(five.evaluations[1].comment.as_deref(), Some("平成29年度目標は達成した。"));
    let two_six = item(city, "No.2-6");
    assert_eq!(two_six.evaluations[0].grade.as_deref(), Some("A"));
    assert_eq!(
        two_six.evaluations[0].comment.as_deref(),
        Some("予定通り防災関係機関等と連携を図りながら総合防災訓練を実施し、目標値を達成したため。")
    );
    assert_eq!(item(city, "No.4-2").evaluations[1].grade.as_deref(), Some("S"));
    // No.2-1 prints reasons without a grade: kept, and reported.
    let two_one = &item(city, "No.2-1").evaluations[0];
    assert_eq!(two_one.grade, None);
    assert!(two_one.comment.as_deref().unwrap().starts_with("スポーツボランティア登録者数"));
    assert_eq!(item(city, "No.42").evaluations[0].comment.as_deref(), Some("4事務について、検討を行った。"));
}

#[test]
fn indicators_with_sub_indicators_years_and_directions() {
    let batch = read();
    let city = city(&batch);
    assert_eq!(city.indicators.len(), 55);
    for ind in &city.indicators {
        assert_eq!(ind.vocabulary, None, "{}", ind.key);
        assert!(ind.judgements.is_empty());
        let owner = ind.item.as_deref().unwrap();
        assert!(city.item(owner).is_some(), "{} belongs to {owner}", ind.key);
        assert!(ind.key.starts_with(&format!("{owner}:")));
    }
    // ①② become separate indicators; No.4-1 and No.4-2 reprint them.
    let one = indicator(city, "No.4:1");
    assert_eq!(one.name, "協議会開催回数");
    assert_eq!(one.values.len(), 6);
    let v = value(one, ValueRole::Target, Some("No.4-1"));
    assert_eq!((v.printed.as_str(), v.fiscal_year), ("94回/年", fy(2017)));
    assert_eq!(number(v), Some(Number::from_int(94)));
    let two = indicator(city, "No.4:2");
    assert_eq!(number(value(two, ValueRole::Actual, Some("No.4-2"))), Some(Number::from_int(106)));
    assert!(city.indicator("No.4-1:1").is_none() && city.indicator("No.4-2:2").is_none());

    let waste = indicator(city, "No.6:1");
    assert_eq!((waste.name.as_str(), waste.direction), ("市民一人当たりごみ量", Direction::LowerIsBetter));
    assert_eq!(waste.unit.as_deref(), Some("g/人日"));
    let base = value(waste, ValueRole::Baseline, None);
    assert_eq!(base.printed, "564.9g/人日 (H27実績値) 577g/人日 (計画目標値)");
    assert_eq!(base.fiscal_year, fy(2015), "the cell's own year (H27)");
    assert_eq!(number(base), Number::parse("564.9"));
    let target = value(waste, ValueRole::Target, None);
    assert_eq!((target.printed.as_str(), target.fiscal_year), ("480g/人日(平成34年度)", fy(2022)));
    let actual = value(waste, ValueRole::Actual, None);
    assert_eq!((number(actual), actual.fiscal_year), (Number::parse("553.3"), fy(2017)));

    let adopt = indicator(city, "No.5:1");
    assert_eq!(value(adopt, ValueRole::Target, None).fiscal_year, fy(2019));
    assert_eq!(value(adopt, ValueRole::Baseline, None).fiscal_year, fy(2016));
    let ratio = indicator(city, "No.20:1");
    assert_eq!((ratio.name.as_str(), ratio.direction), ("経常収支比率", Direction::Bound));
    assert_eq!(value(ratio, ValueRole::Target, None).printed, "80%台");
    assert_eq!(number(value(indicator(city, "No.20:2"), ValueRole::Actual, None)), Number::parse("28.6"));
    assert_eq!(indicator(city, "No.1:1").direction, Direction::Bound);
    assert_eq!(indicator(city, "No.33:1").direction, Direction::Maintain);

    let jobs = indicator(city, "No.22:3");
    assert_eq!(jobs.name, "就労支援のための講習会参加者数", "wrapped name joined");
    assert_eq!(value(jobs, ValueRole::Actual, None).printed, "88人");
    assert_eq!(value(indicator(city, "No.22:1"), ValueRole::Actual, None).printed, "-");
    // Circled numbers inside brackets belong to the value.
    let studies = value(indicator(city, "No.36:2"), ValueRole::Actual, None);
    assert_eq!(studies.printed, "2件(①リサイクルセンター設計・施工契約、②上宿小学童クラブ第二指定管理者制度導入)");
    assert_eq!(number(studies), Some(Number::from_int(2)));
    // A dash without a number stands for both indicators.
    assert_eq!(value(indicator(city, "No.16:2"), ValueRole::Baseline, None).printed, "-");
    // The data year printed in a cell wins over the column's.
    let transfer = indicator(city, "No.21:1");
    assert_eq!(value(transfer, ValueRole::Baseline, None).fiscal_year, fy(2017));
    assert_eq!(value(transfer, ValueRole::Actual, None).fiscal_year, fy(2018));
    assert_eq!(value(transfer, ValueRole::Target, None).printed, "法定外繰入額の減");
    let survey = value(indicator(city, "No.35:1"), ValueRole::Actual, None);
    assert!(IndicatorCell::parse(&survey.printed).is_empty_value(), "※アンケート未実施 is no value");
}

#[test]
fn an_indicator_printed_on_several_sheets_is_stored_once() {
    let batch = read();
    let city = city(&batch);
    let volunteers = indicator(city, "No.2-1~5:1");
    assert_eq!(volunteers.item.as_deref(), Some("No.2-1~5"));
    assert_eq!(volunteers.values.len(), 18, "six sheets print baseline, target and actual");
    assert!(volunteers.values.iter().all(|v| v.source.is_some()));
    let total = value(volunteers, ValueRole::Actual, Some("No.2-1~5"));
    assert_eq!(number(total), Some(Number::from_int(2067)));
    assert_eq!(value(volunteers, ValueRole::Actual, Some("No.2-3")).printed, "道路ボランティア登録920人");
    assert!(value(volunteers, ValueRole::Baseline, Some("No.2-3")).printed.contains("道路ボランティア登録674人"));
    assert!(value(volunteers, ValueRole::Baseline, Some("No.2-1")).printed.contains("道路ボランティア登録620人"));
    for key in ["No.2-1:1", "No.2-3:1", "No.30-1:1", "No.38-1:1"] {
        assert!(city.indicator(key).is_none(), "{key} is a printing of its parent's indicator");
    }
    let funds = indicator(city, "No.30:1");
    let sources: Vec<&str> = funds.values.iter().filter_map(|v| v.source.as_deref()).collect();
    assert_eq!(sources.len(), 12);
    assert_eq!(value(funds, ValueRole::Actual, Some("No.30-1")).printed, "・小平市文化振興財団 6,870万円");
    // Printed once: no source.
    assert!(indicator(city, "No.6:1").values.iter().all(|v| v.source.is_none()));
}

#[test]
fn narratives_keep_structure_and_text() {
    let batch = read();
    let city = city(&batch);
    let one = item(city, "No.1");
    assert_eq!(plain(one, "purpose"), "市民活動を支援し、協働推進体制の充実を図る。");
    let action = &one.narratives.iter().find(|n| n.slot == "action").unwrap();
    assert_eq!(action.label, "来年度に向けての課題と今後の取組(A)");
    assert_eq!(action.text.blocks.len(), 3);
    let plan = &one.narratives.iter().find(|n| n.slot == "plan").unwrap().text;
    match &plan.blocks[..] {
        [Block::List(items)] => {
            assert_eq!(items.len(), 4);
            assert_eq!(items[2], "・民間事業者との包括協定の締結");
        }
        other => panic!("{other:?}"),
    }
    // `<市税>` is text, not a tag.
    let done = plain(item(city, "No.23"), "do");
    assert!(done.contains("<市税> 現年分:97.7%(前年同時期比+1.0ポイント)"), "{done}");
    assert!(!done.contains("<ul") && !done.contains("<li"));
    // The 工程表 is a grid: a step per row, each year column's planned text
    // as printed, no actuals (the document prints none), the sheet's year.
    type Grid = Vec<(String, Vec<(i32, String, String)>)>;
    let grid = |code: &str| -> Grid {
        item(city, code)
            .roadmap
            .iter()
            .map(|r| {
                assert_eq!(r.fiscal_year, fy(2017));
                (r.step.clone(), r.cells.iter().map(|c| (c.year.year(), c.planned.clone(), c.actual.clone())).collect())
            })
            .collect()
    };
    let cells = |list: &[(i32, &str)]| list.iter().map(|(y, p)| (*y, p.to_string(), String::new())).collect::<Vec<_>>();
    assert_eq!(
        grid("No.26"),
        [("・保育料の見直し".to_string(), cells(&[(2017, "検討"), (2018, "→"), (2019, "条例改正"), (2020, "実施")]))]
    );
    let no39 = grid("No.39");
    assert_eq!(
        no39.last().unwrap().1,
        cells(&[(2017, "(二小)"), (2018, "(一小)"), (2019, "(十一小)"), (2020, "(十四小)")])
    );
    assert!(item(city, "No.1").roadmap.iter().all(|r| r.cells.is_empty()), "No.1 prints its steps only");
    assert_eq!(item(city, "No.1").roadmap[1].step, "・庁内研修等の啓発活動の実施");
    assert!(item(city, "No.26").narratives.iter().all(|n| n.slot != "roadmap"), "no narrative copy");
    // A cell right of the last year column: kept in the step, marked 欄外.
    let no37 = grid("No.37");
    assert!(no37[0].0.ends_with(" ／ 欄外: 策定"), "{no37:?}");
    assert_eq!(no37[0].1, cells(&[(2017, "検討")]));
    // Summary and sheet disagree: both kept.
    assert_eq!(item(city, "No.10").title, "なるほど出前講座「デリバリーこだいら」の推進");
    assert_eq!(plain(item(city, "No.10"), "sheet_title"), "なるほど出前講座「デリバリーこだい」の推進");
    assert!(plain(item(city, "No.17"), "purpose_sheet").contains("今後の財政の見通しを策定し"));
    let no17 = item(city, "No.17");
    assert!(no17.narratives.iter().all(|n| n.fiscal_year == Some(fy(2017))));
}

#[test]
fn findings_are_the_document_inconsistencies() {
    let batch = read();
    for f in &batch.findings {
        assert_eq!(f.file, FILE);
        assert_eq!(f.municipality.as_deref(), Some("132110"));
        assert!(f.line.is_some() && !f.text.is_empty() && !f.message.is_empty(), "{f:?}");
    }
    let found: Vec<(&str, usize)> = batch.findings.iter().map(|f| (f.kind.as_str(), f.line.unwrap())).collect();
    assert_eq!(
        found,
        [
            ("title_mismatch", 310),
            ("title_mismatch", 323),
            ("roadmap_unaligned", 361),
            ("text_mismatch", 409),
            ("roadmap_unaligned", 437),
            ("text_mismatch", 474),
            ("title_mismatch", 488),
            ("title_mismatch", 513),
            ("relisting_conflict", 49),
            ("roadmap_unaligned", 684),
            ("missing_grade", 124),
            ("missing_grade", 136),
            ("missing_grade", 148),
            ("missing_grade", 160),
            ("text_mismatch", 585),
            ("value_assignment", 462),
            ("value_conflict", 145),
            ("value_conflict", 597),
            ("value_conflict", 597),
            ("value_conflict", 597),
            ("unplaced", 70),
            ("unplaced", 71),
            ("unplaced", 72),
        ]
    );
    let road = batch.findings.iter().find(|f| f.kind == "value_conflict").unwrap();
    assert!(road.text.contains("674人") && road.message.contains("620人"), "{road:?}");
    let typo = batch.findings.iter().find(|f| f.line == Some(585)).unwrap();
    assert!(typo.text.contains("シルバークリニックセンター"));
    assert!(batch.findings.iter().filter(|f| f.kind == "unplaced").all(|f| f.text.contains("項目")));
}

#[test]
fn unplaced_text_is_reported_with_its_line() {
    let text =
        seed(FILE).replacen("第3次行財政再構築プラン 29年度末評価", "第3次行財政再構築プラン 29年度末評価\n※速報値", 1);
    let (_, batch) = read_published(FILE, &text).unwrap();
    let extra: Vec<_> = batch.findings.iter().filter(|f| f.text == "※速報値").collect();
    assert_eq!(extra.len(), 1);
    assert_eq!((extra[0].kind.as_str(), extra[0].line), ("unplaced", Some(18)));
}

#[test]
fn reading_twice_gives_the_same_batch() {
    assert_eq!(read(), read());
}
