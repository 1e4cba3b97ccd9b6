//! The 三鷹市 個別事業評価表 (seed 000) read into a batch: twelve project
//! sheets of the 企画部 with plan, mid-year and year-end evaluation.

use hyoka_core::money::{ExecutionRate, MoneyUnit, Yen};
use hyoka_core::{Evaluator, FiscalYear, Stage};
use hyoka_import::batch::{CityBatch, ItemRow};
use hyoka_import::{formats, read_published, Batch, Format};

const FILE: &str = "000_1a8dd8067da68eba.txt";
const PLAN: &str = "mitaka-dept-policy-2018";

fn seed(name: &str) -> String {
    let path = format!("{}/../../demo/seeds/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn batch() -> Batch {
    let (format, batch) = read_published(FILE, &seed(FILE)).expect("the seed reads");
    assert_eq!(format, Format::MitakaProjectSheets);
    batch
}

fn city(batch: &Batch) -> &CityBatch {
    assert_eq!(batch.cities.len(), 1);
    &batch.cities[0]
}

fn item<'b>(city: &'b CityBatch, code: &str) -> &'b ItemRow {
    city.item(&format!("{PLAN}/{code}")).unwrap_or_else(|| panic!("no item {code}"))
}

fn narrative(item: &ItemRow, slot: &str) -> String {
    item.narratives
        .iter()
        .find(|n| n.slot == slot)
        .unwrap_or_else(|| panic!("{}: no narrative {slot}", item.code))
        .text
        .to_plain_text()
}

fn grade(item: &ItemRow, stage: Stage, evaluator: Evaluator) -> Option<&str> {
    let rows: Vec<_> = item.evaluations.iter().filter(|e| e.stage == stage && e.evaluator == evaluator).collect();
    assert_eq!(rows.len(), 1, "{}: {stage:?} {evaluator:?}", item.code);
    rows[0].grade.as_deref()
}

fn thousands(printed: &str) -> Yen {
    Yen::parse(printed, MoneyUnit::Thousand).unwrap()
}

#[test]
fn the_format_is_recognised_by_content_and_only_this_seed_matches() {
    assert!(formats::mitaka_sheets::matches(&seed(FILE)));
    for other in
        ["001_9b686f713a20fe01.txt", "002_f160ebe9d3a69d59.txt", "003_cdfef3ca57f45fe5.txt", "004_14ceec0f4c63a17a.txt"]
    {
        assert!(!formats::mitaka_sheets::matches(&seed(other)), "{other} must not look like 個別事業評価表");
    }
}

#[test]
fn twelve_project_sheets_of_the_kikaku_department() {
    let batch = batch();
    let city = city(&batch);
    assert_eq!((city.code.as_str(), city.name.as_str()), ("132047", "三鷹市"));
    let codes: Vec<&str> = city.items.iter().map(|i| i.code.as_str()).collect();
    let expected: Vec<String> = (1..=12).map(|n| format!("企-{n}")).collect();
    assert_eq!(codes, expected);
    for it in &city.items {
        assert_eq!(it.key, format!("{PLAN}/{}", it.code));
        assert_eq!(it.kind, "project");
        assert_eq!(it.fiscal_year, Some(FiscalYear::new(2018).unwrap()));
        assert_eq!(it.placements.len(), 1);
        assert_eq!((it.placements[0].plan.as_str(), it.placements[0].node.as_str()), (PLAN, "企"));
        assert!(!it.placements[0].relisting);
        assert_eq!(it.sections.len(), 1);
        assert_eq!(it.sections[0].department, "企画部");
        assert!(it.relisting_of.is_none() && it.tags.is_empty() && it.next_direction.is_none());
    }
    assert!(city.indicators.is_empty());
    // Numbers printed `企 — 1`, split over cells `企 — 2`, and `企 ー 3`.
    assert_eq!(
        item(city, "企-1").title,
        "「第4次三鷹市基本計画（第1次改定）」の目標達成とEBPMを基礎とした第2次改定の準備"
    );
    assert_eq!(item(city, "企-2").title, "持続可能な自治体経営を支えるための行財政改革の推進");
    assert_eq!(
        item(city, "企-3").title,
        "「市庁舎・議場棟等建替え基本構想」の策定をはじめとした市民センター再整備の推進"
    );
    assert_eq!(item(city, "企-8").title.chars().take(10).collect::<String>(), "三鷹ネットワーク大学");
    assert_eq!(item(city, "企-12").title, "オープンデータの積極的な提供とビッグデータの効果的な活用");
}

#[test]
fn one_plan_with_the_department_as_its_only_node() {
    let batch = batch();
    let city = city(&batch);
    assert_eq!(city.plans.len(), 1);
    let plan = city.plan(PLAN).expect("plan");
    assert_eq!(plan.name, "平成30年度 各部の運営方針と目標");
    assert_eq!(plan.level_names, ["部", "個別事業"]);
    assert_eq!(plan.nodes.len(), 1);
    assert_eq!((plan.nodes[0].code.as_str(), plan.nodes[0].title.as_str()), ("企", "企画部"));
    assert_eq!(plan.nodes[0].parent, None);
    assert_eq!(city.sections.len(), 1);
    assert_eq!(city.sections[0].department, "企画部");
}

#[test]
fn grades_per_stage_and_evaluator_on_mitaka_scales() {
    let batch = batch();
    let city = city(&batch);
    let scales: Vec<&str> = city.scales.iter().map(|s| s.code.as_str()).collect();
    assert_eq!(scales, ["mitaka-midyear", "mitaka-yearend"]);
    for it in &city.items {
        assert_eq!(it.evaluations.len(), 4, "{}", it.code);
        for e in &it.evaluations {
            let scale = match e.stage {
                Stage::MidYear => "mitaka-midyear",
                Stage::YearEnd => "mitaka-yearend",
                other => panic!("{}: unexpected stage {other:?}", it.code),
            };
            assert_eq!(e.scale.as_deref(), Some(scale));
            let s = city.scales.iter().find(|s| s.code == scale).unwrap();
            assert!(s.grade(e.grade.as_deref().unwrap()).is_some(), "{}: {:?}", it.code, e.grade);
            assert_eq!(e.fiscal_year.year(), 2018);
        }
    }
    let k1 = item(city, "企-1");
    assert_eq!(grade(k1, Stage::MidYear, Evaluator::Section), Some("1"));
    assert_eq!(grade(k1, Stage::MidYear, Evaluator::ReviewBoard), Some("1"));
    assert_eq!(grade(k1, Stage::YearEnd, Evaluator::Section), Some("1"));
    assert_eq!(grade(k1, Stage::YearEnd, Evaluator::ReviewBoard), Some("1"));
    // 企-6 was graded 3 見送ることとする at mid-year, 1 計画どおり at year end.
    let k6 = item(city, "企-6");
    assert_eq!(grade(k6, Stage::MidYear, Evaluator::Section), Some("3"));
    assert_eq!(grade(k6, Stage::MidYear, Evaluator::ReviewBoard), Some("3"));
    assert_eq!(grade(k6, Stage::YearEnd, Evaluator::Section), Some("1"));
    // 企-5 prints its year-end grades beside the budget and again on the legend's line.
    let k5 = item(city, "企-5");
    assert_eq!(grade(k5, Stage::YearEnd, Evaluator::ReviewBoard), Some("1"));
    // 企-12's year-end grades stand on the last line, which has no line break.
    assert_eq!(grade(item(city, "企-12"), Stage::YearEnd, Evaluator::Section), Some("1"));
}

#[test]
fn budget_figures_as_printed_and_execution_rates_reproduced() {
    let batch = batch();
    let city = city(&batch);
    // (sheet, initial, final, settlement, printed rate)
    let computable: [(&str, Option<&str>, &str, &str, &str); 8] = [
        ("企-1", None, "7,368千円", "6,385千円", "86.7%"),
        ("企-3", Some("309,424千円"), "308,934千円", "301,762千円", "97.7%"),
        ("企-4", Some("4,668千円"), "5,772千円", "4,394千円", "76.1%"),
        ("企-5", Some("571,128千円"), "570,567千円", "477,150千円", "83.6%"),
        ("企-7", Some("472千円"), "608千円", "393千円", "64.6%"),
        ("企-8", Some("76,169千円"), "76,169千円", "65,450千円", "85.9%"),
        ("企-9", Some("36,557千円"), "32,274千円", "27,726千円", "85.9%"),
        ("企-10", Some("31,320千円"), "31,320千円", "28,504千円", "91.0%"),
    ];
    for (code, initial, final_budget, settlement, rate) in computable {
        let it = item(city, code);
        assert_eq!(it.budgets.len(), 1, "{code}");
        let b = &it.budgets[0];
        assert_eq!(b.fiscal_year.year(), 2018);
        assert_eq!(b.figures.initial, initial.map(thousands), "{code} initial");
        assert_eq!(b.figures.final_budget, Some(thousands(final_budget)), "{code} final");
        assert_eq!(b.figures.settlement, Some(thousands(settlement)), "{code} settlement");
        assert_eq!(b.execution_rate_printed.as_deref(), Some(rate), "{code} printed rate");
        let computed = b.figures.execution_rate().unwrap_or_else(|| panic!("{code}: no computed rate"));
        assert_eq!(Some(computed), ExecutionRate::parse(rate), "{code}: computed {computed}, printed {rate}");
    }
    assert_eq!(item(city, "企-3").budgets[0].figures.final_budget, Some(Yen(308_934_000)));

    // 企-2 prints 0千円 everywhere and 0.0%: no rate can be computed.
    let k2 = &item(city, "企-2").budgets[0];
    assert_eq!(k2.figures.initial, Some(Yen(0)));
    assert_eq!(k2.figures.final_budget, Some(Yen(0)));
    assert_eq!(k2.figures.settlement, Some(Yen(0)));
    assert_eq!(k2.execution_rate_printed.as_deref(), Some("0.0%"));
    assert_eq!(k2.figures.execution_rate(), None);

    // 企-6: one budget figure, no settlement, and its 99.8% is a 達成率.
    let k6 = &item(city, "企-6").budgets;
    assert_eq!(k6.len(), 1);
    assert_eq!(k6[0].figures.final_budget, Some(Yen(7_206_000)));
    assert_eq!(k6[0].figures.initial, None);
    assert_eq!(k6[0].figures.settlement, None);
    assert_eq!(k6[0].execution_rate_printed, None);

    // 企-11 and 企-12 print the table's captions but no figures.
    assert!(item(city, "企-11").budgets.is_empty());
    assert!(item(city, "企-12").budgets.is_empty());
}

#[test]
fn schedules_planned_and_actual_with_twelve_months() {
    let batch = batch();
    let city = city(&batch);
    for it in &city.items {
        for row in &it.schedule {
            assert_eq!(row.months.len(), 12, "{}", it.code);
            assert!(row.kind == "planned" || row.kind == "actual");
            assert!(!row.label.is_empty());
            assert!(!row.label.contains('<'), "{}: {}", it.code, row.label);
        }
    }
    let count = |code: &str, kind: &str| item(city, code).schedule.iter().filter(|r| r.kind == kind).count();
    assert_eq!((count("企-1", "planned"), count("企-1", "actual")), (4, 4));
    assert_eq!((count("企-7", "planned"), count("企-7", "actual")), (1, 3));
    assert_eq!((count("企-6", "planned"), count("企-6", "actual")), (0, 0));
    assert_eq!((count("企-9", "planned"), count("企-9", "actual")), (0, 0));

    let k1 = &item(city, "企-1").schedule[0];
    assert_eq!(k1.kind, "planned");
    assert_eq!(k1.months[0], "論点データ集、基礎用語事典策定作業");
    assert!(k1.months[6].contains("発行（12月）"));
    assert_eq!(k1.label, "← 論点データ集、基礎用語事典策定作業 発行（12月）");
    let k7 = &item(city, "企-7").schedule[0];
    assert_eq!(k7.months[0], "← クラウドファンディングの実施① →");

    // 企-3 prints its schedule flattened onto one line: the text is kept, the months are unknown.
    let k3 = &item(city, "企-3").schedule;
    assert_eq!(k3.len(), 2);
    assert!(k3[0].label.starts_with("○専門家WS ○市民WS"));
    assert!(k3[0].months.iter().all(String::is_empty));

    // 企-10's schedule was extracted into its 成果目標 cell; it is taken back out.
    let k10 = item(city, "企-10");
    let planned: Vec<&str> = k10.schedule.iter().filter(|r| r.kind == "planned").map(|r| r.label.as_str()).collect();
    assert_eq!(planned.len(), 4);
    assert_eq!(planned[2], "・研修会 ・説明会 ・研修会 ・説明会 ・説明会");
    assert!(narrative(k10, "outcome_target").starts_with("・基本計画の策定"));
    let k5 = item(city, "企-5");
    assert!(!narrative(k5, "outcome_target").contains("○第1回"));
    assert!(narrative(k5, "outcome_result").contains("合計300人"));
    // 企-11's 達成状況 is four paragraphs without schedule marks: all stay narrative.
    let k11 = item(city, "企-11");
    assert!(k11.schedule.is_empty());
    assert!(narrative(k11, "outcome_result").contains("連絡会の開催（5/18、9/26）"));
}

#[test]
fn narratives_are_kept_under_their_headings_without_markup() {
    let batch = batch();
    let city = city(&batch);
    for it in &city.items {
        for slot in ["overview", "outcome_target", "midyear", "volume_result", "outcome_result", "summary"] {
            assert!(!narrative(it, slot).is_empty(), "{}: {slot}", it.code);
        }
        for n in &it.narratives {
            let plain = n.text.to_plain_text();
            assert!(!plain.contains('<') && !plain.contains('>'), "{} {}: {plain}", it.code, n.slot);
            assert_eq!(n.fiscal_year.map(|f| f.year()), Some(2018));
        }
    }
    let k1 = item(city, "企-1");
    let label = |it: &ItemRow, slot: &str| it.narratives.iter().find(|n| n.slot == slot).unwrap().label.clone();
    assert_eq!(label(k1, "summary"), "事業の総括（主管課）");
    assert!(narrative(k1, "overview").starts_with("【事業概要】 平成30年度は「第4次三鷹市基本計画（第1次改定）」"));
    assert!(narrative(k1, "outcome_result").contains("達成率52.9%"));
    assert_eq!(
        narrative(k1, "policy_council_midyear"),
        "基本計画改定に係る市民参加については、論点データ集のプロジェクト・チームによる関わりを継続すること。"
    );
    assert!(narrative(k1, "summary").contains("計408人から358件の意見を収集した"));
    // 企-3 prints its overview without the 事業概要・事業量 caption.
    let k3 = item(city, "企-3");
    assert!(narrative(k3, "overview").contains("【事業量】 ・市民及び専門資格を有する市民によるワークショップの実施"));
    assert!(narrative(k3, "volume_result")
        .starts_with("・市民及び専門資格を有する市民によるワークショップの実施（平成30年4月、6月）"));
    // 企-4 prints its 事業量の実績 on the line under its caption.
    assert!(narrative(item(city, "企-4"), "volume_result").starts_with("モデル企業（全16社、1社は辞退）"));
    let k5 = item(city, "企-5");
    assert_eq!(
        narrative(k5, "board_note_midyear"),
        "ICT環境の整備については、更なる事業費の精査を図ることが望ましい。"
    );
    assert!(narrative(k5, "policy_council_midyear").starts_with("運用面やセキュリティ面に十分配慮し"));
    assert!(narrative(item(city, "企-8"), "board_opinion").starts_with("「三鷹まちづくり総合研究所」事業等を活用し"));
    // Empty opinion cells produce no narrative.
    assert!(item(city, "企-6").narratives.iter().all(|n| n.slot != "policy_council_midyear"));
}

#[test]
fn findings_are_few_and_each_names_its_place() {
    let batch = batch();
    let mut seen: Vec<(&str, usize)> =
        batch.findings.iter().map(|f| (f.kind.as_str(), f.line.expect("line"))).collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            ("inferred", 50),
            ("rate_uncomputable", 52),
            ("schedule_unaligned", 62),
            ("schedule_unaligned", 70),
            ("schedule_unaligned", 83),
            ("schedule_unaligned", 93),
            ("schedule_unaligned", 107),
            ("schedule_unaligned", 113),
            ("schedule_unaligned", 169),
            ("schedule_unaligned", 176),
            ("schedule_unaligned", 209),
            ("unmodelled", 134),
        ]
    );
    for f in &batch.findings {
        assert_eq!(f.file, FILE);
        assert_eq!(f.municipality.as_deref(), Some("132047"));
        assert!(!f.text.trim().is_empty() && !f.message.is_empty(), "{f:?}");
    }
    let unmodelled = batch.findings.iter().find(|f| f.kind == "unmodelled").unwrap();
    assert_eq!(unmodelled.text, "実績額 7,206千円 / 達成率 99.8%");
    assert!(unmodelled.message.starts_with("企-6"));
}

#[test]
fn reading_twice_gives_the_same_batch() {
    let first = batch();
    let second = batch();
    assert_eq!(first, second);
    let keys: Vec<&str> = city(&first).items.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys[0], "mitaka-dept-policy-2018/企-1");
    assert_eq!(keys[11], "mitaka-dept-policy-2018/企-12");
}
