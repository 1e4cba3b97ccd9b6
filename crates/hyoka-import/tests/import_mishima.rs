//! The 三島市 行政評価表 (seed 001) read into a batch: plan, items, indicators
//! with both printings, budget, schedule, narratives and the findings.

use hyoka_core::{Direction, FiscalYear, IndicatorCell, IndicatorKind, NextDirection, ValueRole, Yen};
use hyoka_import::batch::{CityBatch, IndicatorRow, ItemRow};
use hyoka_import::{formats, Batch, Format};

const FILE: &str = "001_9b686f713a20fe01.txt";
const SEED: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../demo/seeds/001_9b686f713a20fe01.txt"));

fn seed(name: &str) -> String {
    let path = format!("{}/../../demo/seeds/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn read() -> Batch {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../demo/seeds/001_9b686f713a20fe01.txt"))
            .expect("seed 001");
    let (format, batch) = hyoka_import::read_published(FILE, &text).expect("seed 001 reads");
    assert_eq!(format, Format::MishimaEvaluation);
    batch
}

fn city(batch: &Batch) -> &CityBatch {
    assert_eq!(batch.cities.len(), 1);
    &batch.cities[0]
}

fn fy(year: i32) -> FiscalYear {
    FiscalYear::new(year).unwrap()
}

fn item<'a>(city: &'a CityBatch, key: &str) -> &'a ItemRow {
    city.item(key)
        .unwrap_or_else(|| panic!("item {key}; have {:?}", city.items.iter().map(|i| &i.key).collect::<Vec<_>>()))
}

fn indicator<'a>(city: &'a CityBatch, key: &str) -> &'a IndicatorRow {
    city.indicator(key).unwrap_or_else(|| {
        panic!("indicator {key}; have {:?}", city.indicators.iter().map(|i| &i.key).collect::<Vec<_>>())
    })
}

/// The printed cell of one year, role and table.
fn value<'a>(ind: &'a IndicatorRow, year: i32, role: ValueRole, source: &str) -> Option<&'a str> {
    ind.values
        .iter()
        .find(|v| v.fiscal_year == fy(year) && v.role == role && v.source.as_deref() == Some(source))
        .map(|v| v.printed.as_str())
}

fn judgement<'a>(ind: &'a IndicatorRow, year: i32, source: &str) -> Option<&'a str> {
    ind.judgements
        .iter()
        .find(|j| j.fiscal_year == fy(year) && j.source.as_deref() == Some(source))
        .map(|j| j.printed.as_str())
}

fn number(printed: &str) -> String {
    IndicatorCell::parse(printed).primary_number().expect("a number").plain()
}

fn narrative(item: &ItemRow, slot: &str) -> String {
    item.narratives
        .iter()
        .find(|n| n.slot == slot)
        .unwrap_or_else(|| panic!("{}: no narrative {slot}", item.key))
        .text
        .to_plain_text()
}

#[test]
fn recognised_by_content_only() {
    assert!(formats::mishima::matches(SEED));
    for other in
        ["000_1a8dd8067da68eba.txt", "002_f160ebe9d3a69d59.txt", "003_cdfef3ca57f45fe5.txt", "004_14ceec0f4c63a17a.txt"]
    {
        assert!(!formats::mishima::matches(&seed(other)), "{other} must not be read as 三島市 行政評価表");
    }
    // The file name plays no part.
    let (format, _) = hyoka_import::read_published("renamed.txt", SEED).unwrap();
    assert_eq!(format, Format::MishimaEvaluation);
}

#[test]
fn city_section_and_plan_hierarchy() {
    let batch = read();
    let c = city(&batch);
    assert_eq!((c.code.as_str(), c.name.as_str()), ("222062", "三島市"));
    assert_eq!(c.sections.len(), 1);
    assert_eq!((c.sections[0].department.as_str(), c.sections[0].section.as_str()), ("企画戦略部", "情報政策課"));
    assert!(c.scales.is_empty(), "the sheet prints no grades");

    let plan = c.plan("mishima-basic").expect("総合計画");
    assert_eq!(plan.level_names, ["基本目標", "基本方針", "施策", "施策の方向"]);
    let nodes: Vec<(&str, Option<&str>, &str)> =
        plan.nodes.iter().map(|n| (n.code.as_str(), n.parent.as_deref(), n.title.as_str())).collect();
    assert_eq!(
        nodes,
        [
            ("IV", None, "協働で進める自立したまち"),
            ("IV-7", Some("IV"), "自治システムの充実したまちづくり"),
            ("IV-7-48", Some("IV-7"), "便利な電子市役所の構築<電子市役所>"),
            ("IV-7-48-(1)", Some("IV-7-48"), "総合的な情報化施策の推進"),
            ("IV-7-48-(2)", Some("IV-7-48"), "インターネットによる市民サービスの向上"),
            ("IV-7-48-(4)", Some("IV-7-48"), "セキュリティ対策"),
            ("IV-7-48-(5)", Some("IV-7-48"), "職員の知識・能力の向上"),
        ]
    );
    // Direction (3) is not on the sheet and is not invented.
    assert!(plan.nodes.iter().all(|n| n.code != "IV-7-48-(3)"));

    let reform = c.plan("mishima-gyokaku").expect("行政改革大綱");
    assert_eq!(reform.nodes.len(), 1);
    assert_eq!(
        (reform.nodes[0].code.as_str(), reform.nodes[0].title.as_str()),
        ("24", "eコミュニティまちづくり推進事業")
    );
}

#[test]
fn items_are_stored_once_and_relistings_linked() {
    let batch = read();
    let c = city(&batch);
    let count = |kind: &str| c.items.iter().filter(|i| i.kind == kind).count();
    assert_eq!(count("measure"), 1);
    assert_eq!(count("measure_direction"), 4);
    assert_eq!(count("project"), 7);
    assert_eq!(count("activity"), 9);
    assert!(c.items.iter().all(|i| i.fiscal_year == Some(fy(2018))));
    assert!(c.items.iter().all(|i| i.sections.len() == 1 && i.sections[0].section == "情報政策課"));
    let mut keys: Vec<&str> = c.items.iter().map(|i| i.key.as_str()).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), c.items.len(), "item keys are unique");

    // セキュリティ対策事業 is listed under (4) and re-listed under (5): one item.
    let security: Vec<&ItemRow> = c.items.iter().filter(|i| i.title == "セキュリティ対策事業").collect();
    assert_eq!(security.len(), 1);
    let placements: Vec<(&str, bool)> = security[0].placements.iter().map(|p| (p.node.as_str(), p.relisting)).collect();
    assert_eq!(placements, [("IV-7-48-(4)", false), ("IV-7-48-(5)", true)]);
    assert_eq!(security[0].key, "project:セキュリティ対策事業");
    assert!(security[0].relisting_of.is_none(), "stored once, not as a copy");

    // IT推進事業 is re-listed under (5) in the 事業費 table, with its 予算費目 code.
    let it = item(c, "project:IT推進事業");
    let placements: Vec<(&str, bool)> = it.placements.iter().map(|p| (p.node.as_str(), p.relisting)).collect();
    assert_eq!(placements, [("IV-7-48-(1)", false), ("IV-7-48-(5)", true)]);
    assert!(narrative(it, "budget_account").contains("(01.02.01.14.020.02)"));

    // The project named by the 行政改革大綱 取組事項 is placed there and tagged.
    let ecom = item(c, "project:eコミュニティまちづくり推進事業");
    assert_eq!(ecom.tags, ["行革"]);
    assert!(ecom.placements.iter().any(|p| p.plan == "mishima-gyokaku" && p.node == "24" && !p.relisting));

    // Wrapped cells are joined: 2 ICT活用デジタル ライフ事業.
    let ict = item(c, "project:ICT活用デジタルライフ事業");
    assert_eq!((ict.code.as_str(), ict.title.as_str()), ("2", "ICT活用デジタルライフ事業"));

    // The merged cell of line 208 is split into means and indicator.
    let intranet = item(c, "activity:IV-7-48-(5)/1-1");
    assert_eq!(intranet.title, "イントラネットを使用した職員の知識の向上");
    assert_eq!(narrative(intranet, "project"), "1 セキュリティ対策事業(施策48-(4)再掲)");
    assert_eq!(item(c, "activity:IV-7-48-(4)/1-2").title, "情報セキュリティ研修の実施(新人職員対象)");
}

#[test]
fn next_directions_and_transfers() {
    let batch = read();
    let c = city(&batch);
    let meeting = item(c, "activity:IV-7-48-(1)/1-1").next_direction.as_ref().expect("方針");
    assert_eq!(meeting.fiscal_year, fy(2018));
    assert_eq!(meeting.printed, "維持");
    assert_eq!(meeting.direction, Some(NextDirection::Keep));
    assert_eq!(meeting.transfer.as_deref(), Some("H31広報広聴課へ事務移管"));

    let sns = item(c, "activity:IV-7-48-(2)/3-1").next_direction.as_ref().expect("方針");
    assert_eq!((sns.printed.as_str(), sns.direction), ("終了", Some(NextDirection::End)));
    assert_eq!(sns.reason.as_deref(), Some("H30広報広聴課から事務移管 H31広報広聴課へ事務移管"));
    assert_eq!(sns.transfer.as_deref(), Some("H31広報広聴課へ事務移管"));

    let leader = item(c, "activity:IV-7-48-(4)/1-1").next_direction.as_ref().expect("方針");
    assert_eq!(
        (leader.direction, leader.reason.as_deref(), leader.transfer.as_deref()),
        (Some(NextDirection::Keep), None, None)
    );
    let with_direction = c.items.iter().filter(|i| i.next_direction.is_some()).count();
    assert_eq!(with_direction, 9);
}

#[test]
fn outcome_and_activity_indicators() {
    let batch = read();
    let c = city(&batch);
    let printed_in = |table: &str| {
        c.indicators.iter().filter(|i| i.values.iter().any(|v| v.source.as_deref() == Some(table))).count()
    };
    assert_eq!(printed_in("成果指標"), 6);
    assert_eq!(printed_in("活動指標"), 9);
    // Every cell is marked with the year of the document that printed it:
    // public once FY2018 is.
    let marks: std::collections::BTreeSet<_> = c
        .indicators
        .iter()
        .flat_map(|i| i.values.iter().map(|v| v.printed_in).chain(i.judgements.iter().map(|j| j.printed_in)))
        .collect();
    assert_eq!(marks, [Some(FiscalYear::new(2018).unwrap())].into());
    assert_eq!(c.indicators.len(), 13, "the SNS and portal indicators are printed twice and stored once");
    assert_eq!(c.indicators.iter().filter(|i| i.kind == IndicatorKind::Outcome).count(), 6);

    // Outcomes measure 施策 48.
    let apps = indicator(c, "indicator:IV-7-48/電子申請の年間利用件数");
    assert_eq!(apps.node.as_ref().map(|n| (n.plan.as_str(), n.node.as_str())), Some(("mishima-basic", "IV-7-48")));
    assert_eq!(apps.definition.as_deref(), Some("年間でホームページを通じて電子申請が行われた件数"));
    assert_eq!(apps.unit.as_deref(), Some("件"));
    assert_eq!(apps.vocabulary.as_deref(), Some("achievement2"));
    assert_eq!(apps.direction, Direction::HigherIsBetter);
    let actual = value(apps, 2018, ValueRole::Actual, "成果指標").unwrap();
    assert_eq!((actual, number(actual).as_str()), ("6154件", "6154"));
    let target = value(apps, 2018, ValueRole::Target, "成果指標").unwrap();
    assert_eq!((target, number(target).as_str()), ("4,200件", "4200"));
    assert_eq!(value(apps, 2019, ValueRole::Target, "成果指標"), Some("—"), "a dash is kept");
    assert_eq!(value(apps, 2019, ValueRole::Actual, "成果指標"), None, "a blank is not a value");
    assert_eq!(judgement(apps, 2016, "成果指標"), Some("未達成"));

    let open_data = indicator(c, "indicator:IV-7-48/オープンデータの公開数");
    assert_eq!(open_data.vocabulary.as_deref(), Some("progress"));
    assert_eq!(open_data.unit, None, "a bare count prints no unit");
    assert_eq!(judgement(open_data, 2018, "成果指標"), Some("遅れ"));

    let training = indicator(c, "indicator:IV-7-48/情報セキュリティ研修の開催数");
    assert_eq!(value(training, 2017, ValueRole::Actual, "成果指標"), Some("年間5回"));
    assert_eq!(number("年間5回"), "5");

    // The SNS indicator: both printings, one row, owned by its activity.
    let sns = indicator(c, "indicator:IV-7-48/三島市地域SNS利用者数(登録者数)");
    assert_eq!(sns.name, "三島市地域SNS利用者数 (登録者数)");
    assert_eq!(sns.kind, IndicatorKind::Outcome);
    assert_eq!(sns.item.as_deref(), Some("activity:IV-7-48-(2)/3-1"));

    // 【行政改革大綱における取組事項名】: the two indicators printed with
    // 【24 eコミュニティまちづくり推進事業】 name node 24 of the 行政改革大綱; the
    // others name none.
    let related = |i: &IndicatorRow| i.related.as_ref().map(|n| (n.plan.clone(), n.node.clone()));
    let reform = Some(("mishima-gyokaku".to_string(), "24".to_string()));
    assert_eq!(related(sns), reform);
    assert_eq!(related(indicator(c, "indicator:IV-7-48/三島市市民ポータルサイトの登録団体数")), reform);
    assert_eq!(c.indicators.iter().filter(|i| i.related.is_some()).count(), 2);
    assert_eq!(related(apps), None);
    assert_eq!(sns.node.as_ref().map(|n| n.node.as_str()), Some("IV-7-48"));
    assert_eq!(value(sns, 2017, ValueRole::Actual, "成果指標"), Some("1319人"));
    assert_eq!(value(sns, 2017, ValueRole::Actual, "活動指標"), Some("1,319人"));
    assert_eq!(number("1319人"), number("1,319人"));
    assert_eq!(judgement(sns, 2016, "成果指標"), Some("順調"));
    assert_eq!(judgement(sns, 2016, "活動指標"), Some("未達成"));
    assert_eq!((sns.values.len(), sns.judgements.len()), (16, 6));

    let portal = indicator(c, "indicator:IV-7-48/三島市市民ポータルサイトの登録団体数");
    assert_eq!(portal.item.as_deref(), Some("activity:IV-7-48-(2)/3-2"));
    assert_eq!(value(portal, 2018, ValueRole::Actual, "活動指標"), Some("385団体"));

    // Activity indicators belong to their means.
    let meetings = indicator(c, "indicator:IV-7-48-(1)/1-1/IT推進本部会議開催回数");
    assert_eq!(meetings.kind, IndicatorKind::Activity);
    assert_eq!(meetings.item.as_deref(), Some("activity:IV-7-48-(1)/1-1"));
    assert_eq!(meetings.vocabulary.as_deref(), Some("achievement"));
    assert_eq!(judgement(meetings, 2018, "活動指標"), Some("未実施"));
    assert_eq!(value(meetings, 2018, ValueRole::Actual, "活動指標"), Some("0回"));

    let network = indicator(c, "indicator:IV-7-48-(4)/2-1/ネットワークの再構築");
    assert_eq!(network.direction, Direction::Milestone);
    assert_eq!(value(network, 2016, ValueRole::Target, "活動指標"), Some("再構築"));
    assert_eq!(value(network, 2018, ValueRole::Actual, "活動指標"), Some("改善維持"));

    let intranet = indicator(c, "indicator:IV-7-48-(5)/1-1/月1回以上のセキュリティ関連情報の掲載");
    assert_eq!(value(intranet, 2016, ValueRole::Actual, "活動指標"), Some("9回"));
    assert_eq!(value(intranet, 2020, ValueRole::Target, "活動指標"), Some("20回"));
}

#[test]
fn budget_figures_and_execution_rate() {
    let batch = read();
    let c = city(&batch);
    let sheet = item(c, "measure:IV-7-48/情報政策課");
    let years: Vec<i32> = sheet.budgets.iter().map(|b| b.fiscal_year.year()).collect();
    assert_eq!(years, [2016, 2017, 2018], "R01 and R02 are blank, not zero");
    let h30 = &sheet.budgets[2].figures;
    assert_eq!(h30.effective_budget(), Some(Yen(4_824_000)));
    assert_eq!(h30.settlement, Some(Yen(4_240_000)));
    assert_eq!(h30.carried_over, Some(Yen(0)), "繰越明許分 printed -");
    assert_eq!(h30.execution_rate().unwrap().to_string(), "87.9%");
    assert_eq!(sheet.budgets[0].figures.execution_rate().unwrap().to_string(), "96.3%");
    assert!(sheet.budgets.iter().all(|b| b.execution_rate_printed.is_none()));
}

#[test]
fn schedule_with_staff_hours() {
    let batch = read();
    let c = city(&batch);
    let rows: Vec<_> = c.items.iter().flat_map(|i| i.schedule.iter().map(move |s| (i.key.as_str(), s))).collect();
    assert_eq!(rows.len(), 7);
    assert!(rows.iter().all(|(_, s)| s.months.len() == 12 && s.fiscal_year == fy(2018) && s.kind == "planned"));
    assert!(rows.iter().all(|(_, s)| s.hours_regular.is_some() && s.months[11] == "→"));

    let e_app = &item(c, "project:電子申請運営事業").schedule[0];
    assert_eq!((e_app.hours_regular.as_deref(), e_app.hours_other.as_deref()), (Some("747H"), None));
    assert!(e_app.months[0].starts_with("電子申請サービスの充実"));
    let ecom = &item(c, "project:eコミュニティまちづくり推進事業").schedule[0];
    assert_eq!((ecom.hours_regular.as_deref(), ecom.hours_other.as_deref()), (Some("934H"), Some("560H")));
    // The schedule prints 推進 in the name; it is the same project.
    assert_eq!(item(c, "project:ICT活用デジタルライフ事業").schedule[0].hours_regular.as_deref(), Some("3362H"));
    // Events under セキュリティ対策事業 stay in their months.
    let security = &item(c, "project:セキュリティ対策事業").schedule[0];
    assert_eq!(security.months[3], "ICT推進リーダー研修");
    assert_eq!(security.months[7], "←\n情報セキュリティ内部監査");
    // A schedule-only project is kept under 施策 48.
    let homepage = item(c, "project:ホームページ運営事業");
    assert_eq!(homepage.schedule[0].hours_regular.as_deref(), Some("280H"));
    assert_eq!(homepage.placements[0].node, "IV-7-48");
    assert_eq!(item(c, "activity:IV-7-48-(5)/1-1").schedule[0].hours_other.as_deref(), Some("560H"));
}

#[test]
fn narratives_are_decoded_and_placed() {
    let batch = read();
    let c = city(&batch);
    let slots = |key: &str| item(c, key).narratives.iter().map(|n| n.slot.clone()).collect::<Vec<_>>();
    assert_eq!(slots("direction:IV-7-48-(1)"), ["plan", "do", "check", "action", "project_costs"]);
    assert_eq!(
        slots("direction:IV-7-48-(2)"),
        ["plan", "reform_plan", "do", "reform_do", "check", "reform_check", "action", "reform_action"]
    );
    assert_eq!(slots("direction:IV-7-48-(4)"), ["plan", "do", "check", "action"]);

    let d2 = item(c, "direction:IV-7-48-(2)");
    let check = narrative(d2, "check");
    assert!(check.contains("6,141件に増加した"), "{check}");
    let plan = d2.narratives.iter().find(|n| n.slot == "plan").unwrap();
    assert_eq!(plan.label, "前年度評価に対する今年度の実施(改善)計画");
    assert_eq!(plan.text.blocks.len(), 4, "one paragraph per <p>");
    assert_eq!(
        d2.narratives.iter().find(|n| n.slot == "reform_plan").unwrap().label,
        "【行革取組項目】今年度の実施計画"
    );
    for n in c.items.iter().flat_map(|i| i.narratives.iter()) {
        let text = n.text.to_plain_text();
        assert!(!text.contains("<p>") && !text.contains("</p>") && !text.contains("&amp;"), "{text}");
        assert!(!text.is_empty());
    }
    assert!(narrative(item(c, "direction:IV-7-48-(1)"), "check").contains("実施には至らなかった"));

    let org = narrative(item(c, "measure:IV-7-48/情報政策課"), "organisation");
    assert_eq!(org, "正職員数 8人\nその他職員数 1人\n電話番号 (内線) 055-971-4322 (内線2285-2288)");
}

#[test]
fn findings_are_few_and_point_at_the_sheet() {
    let batch = read();
    let kinds: Vec<(&str, Option<usize>)> = batch.findings.iter().map(|f| (f.kind.as_str(), f.line)).collect();
    assert_eq!(
        kinds,
        [
            ("split_cell", Some(208)),
            ("relisting_origin", Some(229)),
            ("name_mismatch", Some(247)),
            ("name_mismatch", Some(134)),
            ("judgement_conflict", Some(136)),
        ],
        "{:#?}",
        batch.findings
    );
    for f in &batch.findings {
        assert_eq!(f.file, FILE);
        assert_eq!(f.municipality.as_deref(), Some("222062"));
        assert!(!f.text.is_empty() && !f.message.is_empty(), "{f:?}");
    }
    assert!(batch.findings.iter().all(|f| f.kind != "unplaced"), "every line is placed");
    let conflict = &batch.findings[4];
    assert!(conflict.message.contains("順調") && conflict.message.contains("未達成"), "{}", conflict.message);
    assert!(batch.findings[1].message.contains("IV-7-48-(1)"), "{}", batch.findings[1].message);
}

#[test]
fn unknown_lines_are_reported_not_dropped() {
    let text = SEED.replace("平成30年度 スケジュール表", "担当者メモ\t要確認\n\n平成30年度 スケジュール表");
    let (_, batch) = hyoka_import::read_published(FILE, &text).unwrap();
    let unplaced: Vec<_> = batch.findings.iter().filter(|f| f.kind == "unplaced").collect();
    assert_eq!(unplaced.len(), 1, "{unplaced:#?}");
    assert_eq!(unplaced[0].line, Some(231));
    assert_eq!(unplaced[0].text, "担当者メモ\t要確認");
}

#[test]
fn reading_twice_gives_the_same_batch() {
    let first = read();
    let second = read();
    assert_eq!(first, second);
    assert_eq!(serde_json::to_string(&first).unwrap(), serde_json::to_string(&second).unwrap());
}
