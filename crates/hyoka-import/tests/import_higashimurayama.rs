//! 東村山市 目標管理シート (seed 004): the department header and 21 objectives.

use hyoka_core::narrative::Block;
use hyoka_core::{Evaluator, FiscalYear, Stage, Yen};
use hyoka_import::batch::{CityBatch, ItemRow};
use hyoka_import::formats::higashimurayama;
use hyoka_import::{read_published, Batch, Format};

const FILE: &str = "004_14ceec0f4c63a17a.txt";
const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../demo/seeds/");

fn seed(file: &str) -> String {
    std::fs::read_to_string(format!("{SEEDS}{file}")).expect("seed is readable")
}

fn read() -> Batch {
    let (format, batch) = read_published(FILE, &seed(FILE)).expect("the seed reads");
    assert_eq!(format, Format::HigashimurayamaObjectives);
    batch
}

fn city(batch: &Batch) -> &CityBatch {
    assert_eq!(batch.cities.len(), 1);
    &batch.cities[0]
}

fn objective(city: &CityBatch, no: u32) -> &ItemRow {
    city.item(&format!("mbo2019:経営政策部:{no}")).unwrap_or_else(|| panic!("objective {no}"))
}

fn plain(item: &ItemRow, slot: &str) -> String {
    item.narratives
        .iter()
        .find(|n| n.slot == slot)
        .unwrap_or_else(|| panic!("{} has {slot}", item.key))
        .text
        .to_plain_text()
}

#[test]
fn recognised_by_content_only() {
    assert!(higashimurayama::matches(&seed(FILE)));
    for other in
        ["000_1a8dd8067da68eba.txt", "001_9b686f713a20fe01.txt", "002_f160ebe9d3a69d59.txt", "003_cdfef3ca57f45fe5.txt"]
    {
        assert!(!higashimurayama::matches(&seed(other)), "{other}");
    }
}

#[test]
fn city_plan_and_department_node() {
    let batch = read();
    let city = city(&batch);
    assert_eq!((city.code.as_str(), city.name.as_str()), ("132136", "東村山市"));
    let plan = city.plan("higashimurayama-mbo-2019").expect("plan");
    assert_eq!(plan.name, "令和元年度目標管理シート");
    assert_eq!(plan.level_names, ["部", "取り組み"]);
    assert_eq!(plan.nodes.len(), 1);
    assert_eq!(plan.nodes[0].code, "経営政策部");
    assert_eq!(plan.nodes[0].title, "情報の発信と課題の共有により、オール東村山で新しい時代の扉を開く");
    assert_eq!(city.scales.len(), 1);
    assert_eq!(city.scales[0].code, "higashimurayama-ab");
    assert!(!city.scales[0].legend_printed);
    assert!(city.indicators.is_empty());
    let sections: Vec<&str> = city.sections.iter().map(|s| s.section.as_str()).collect();
    // The department itself (no 課) first: its head is responsible for its sheet.
    assert_eq!(sections, ["", "秘書広報課", "企画政策課", "行政経営課", "資産マネジメント課", "財政課", "情報政策課"]);
    assert!(city.sections.iter().all(|s| s.department == "経営政策部"));
}

#[test]
fn department_header_facts_are_kept() {
    let batch = read();
    let city = city(&batch);
    let dept = city.item("mbo2019:経営政策部").expect("department item");
    assert_eq!(dept.fiscal_year, Some(FiscalYear::new(2019).unwrap()));
    assert_eq!(dept.kind, "department", "one sheet per department, its objectives beneath");
    assert_eq!(dept.sections.len(), 1);
    assert_eq!((dept.sections[0].department.as_str(), dept.sections[0].section.as_str()), ("経営政策部", ""));
    assert_eq!(plain(dept, "head"), "経営政策部長 間野 雅之");
    assert_eq!(plain(dept, "city_goal"), "将来都市像「人と人 人とみどりが響きあい 笑顔あふれる 東村山」の実現");
    assert_eq!(plain(dept, "department_goal"), dept.title);
    assert_eq!(plain(dept, "overview"), "人員 44人 予算規模 5,445,323千円");
    assert_eq!(dept.budgets.len(), 1);
    assert_eq!(dept.budgets[0].figures.initial, Some(Yen(5_445_323_000)));
    assert_eq!(dept.budgets[0].figures.execution_rate(), None);
    assert!(dept.evaluations.is_empty());
}

#[test]
fn twenty_one_objectives_with_sections_tags_and_grades() {
    let batch = read();
    let city = city(&batch);
    let objectives: Vec<&ItemRow> = city.items.iter().filter(|i| i.key.matches(':').count() == 2).collect();
    assert_eq!(objectives.len(), 21);
    assert_eq!(city.items.len(), 22);
    let codes: Vec<&str> = objectives.iter().map(|i| i.code.as_str()).collect();
    let expected: Vec<String> = (1..=21).map(|n| n.to_string()).collect();
    assert_eq!(codes, expected);
    for o in &objectives {
        assert_eq!(o.kind, "objective");
        assert_eq!(o.placements.len(), 1);
        assert_eq!(o.placements[0].node, "経営政策部");
        assert!(!o.placements[0].relisting);
        assert_eq!(o.sections.len(), 1);
        assert_eq!(o.evaluations.len(), 1);
        let e = &o.evaluations[0];
        assert_eq!((e.stage, e.evaluator), (Stage::YearEnd, Evaluator::DepartmentHead));
        assert_eq!(e.scale.as_deref(), Some("higashimurayama-ab"));
        assert_eq!(e.fiscal_year, FiscalYear::new(2019).unwrap());
    }
    let graded_b: Vec<&str> =
        objectives.iter().filter(|o| o.evaluations[0].grade.as_deref() == Some("B")).map(|o| o.code.as_str()).collect();
    assert_eq!(graded_b, ["6", "12", "20"]);
    assert_eq!(objectives.iter().filter(|o| o.evaluations[0].grade.as_deref() == Some("A")).count(), 18);

    let sixteen = objective(city, 16);
    assert_eq!(sixteen.tags, ["総計", "行革"]);
    assert_eq!(sixteen.sections[0].section, "資産マネジメント課");
    assert_eq!(sixteen.title, "公共施設再生計画の推進");
    assert_eq!(objective(city, 1).tags, ["総計"]);
    assert_eq!(objective(city, 2).tags, ["行革"]);
    assert_eq!(objective(city, 9).title, "民間活力の導入の検討（窓口業務） 民間活力の導入の検討（その他業務）");
    let with_tag = |tag: &str| -> Vec<&str> {
        objectives.iter().filter(|o| o.tags.iter().any(|t| t == tag)).map(|o| o.code.as_str()).collect()
    };
    assert_eq!(with_tag("総計"), ["1", "4", "5", "16", "17", "19"]);
    assert_eq!(with_tag("行革").len(), 17);
}

#[test]
fn narratives_are_structured_and_decoded() {
    let batch = read();
    let city = city(&batch);
    let one = objective(city, 1);
    let target = &one.narratives.iter().find(|n| n.slot == "outcome_target").unwrap();
    assert_eq!(target.label, "目標");
    assert_eq!(
        target.text.blocks,
        vec![Block::List(vec![
            "・市Facebookの投稿についてタブレット端末を活かした利用増を図る。".into(),
            "・新たなSNSによる情報発信について検討を行う。".into(),
        ])]
    );
    let four = plain(objective(city, 4), "outcome_result");
    assert!(four.contains("映画「あん」上映会&トークショー"), "{four}");
    assert!(!four.contains("&amp;") && !four.contains('<'), "{four}");
    // A flattened cell with ● and ・ entries becomes a list.
    let nine = &objective(city, 9).narratives.iter().find(|n| n.slot == "outcome_result").unwrap().text;
    match &nine.blocks[..] {
        [Block::List(items)] => {
            assert_eq!(items.len(), 2);
            assert!(items[1].starts_with("●本庁舎1階窓口"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        plain(objective(city, 6), "outcome_target"),
        "参加者アンケートにおける市政運営についての理解度90.0%以上"
    );
    // A middle dot inside a word is not a bullet.
    assert_eq!(
        plain(objective(city, 14), "outcome_result"),
        "●普通財産2件について、インターネットオークションへ2度（令和元年8月及び同年10月）出品した。"
    );
    assert!(plain(objective(city, 2), "outcome_target").contains("「市報運用ルール」"));
}

#[test]
fn nothing_is_left_unplaced() {
    let batch = read();
    assert!(batch.findings.is_empty(), "{:#?}", batch.findings);
}

#[test]
fn unplaced_text_is_reported_with_its_line() {
    let text = seed(FILE).replace("### 【具体的な取り組み】", "### 【具体的な取り組み】\n担当者メモ：未確認");
    let (_, batch) = read_published(FILE, &text).unwrap();
    assert_eq!(batch.findings.len(), 1, "{:#?}", batch.findings);
    let f = &batch.findings[0];
    assert_eq!((f.kind.as_str(), f.file.as_str(), f.line), ("unplaced", FILE, Some(12)));
    assert_eq!(f.text, "担当者メモ：未確認");
}

#[test]
fn reading_twice_gives_the_same_batch() {
    assert_eq!(read(), read());
}
