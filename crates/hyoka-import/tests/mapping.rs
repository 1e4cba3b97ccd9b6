//! A city's own 事務事業評価シート read through a mapping file: the
//! workbook (filler rows, merged cells, a formula, full-width digits,
//! repeated headers) and the same table as a Shift_JIS CSV give the same
//! batch, value by value; mistakes in the mapping or in a cell are named
//! by file, sheet, row, column and mapping key. Pure: no database.

#[path = "common/jimu_sheet.rs"]
mod jimu_sheet;
#[path = "common/join_sheet.rs"]
mod join_sheet;

use hyoka_core::narrative::Block;
use hyoka_core::{Evaluator, FiscalYear, IndicatorKind, NextDirection, Stage, ValueRole, Yen};
use hyoka_import::batch::{CityBatch, IndicatorRow, ItemRow};
use hyoka_import::mapping::{self, Context};

fn read(mapping_text: &str, file: &str, bytes: &[u8]) -> Result<(CityBatch, Vec<String>), String> {
    let m = mapping::parse("jimu.toml", mapping_text).map_err(|e| e.to_string())?;
    let out = mapping::read("jimu.toml", &m, file, bytes, Context::default()).map_err(|e| e.to_string())?;
    let mut cities = out.batch.cities;
    assert_eq!(cities.len(), 1);
    Ok((cities.remove(0), out.notes))
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

fn values(ind: &IndicatorRow) -> Vec<(i32, ValueRole, &str)> {
    ind.values.iter().map(|v| (v.fiscal_year.year(), v.role, v.printed.as_str())).collect()
}

fn paragraphs(item: &ItemRow, slot: &str, label: &str) -> Vec<String> {
    let n = item.narratives.iter().find(|n| n.slot == slot && n.label == label);
    let n = n.unwrap_or_else(|| panic!("{slot} {label} of {}", item.key));
    n.text
        .blocks
        .iter()
        .map(|b| match b {
            Block::Paragraph(p) => p.clone(),
            Block::List(l) => l.join("/"),
        })
        .collect()
}

#[test]
fn the_workbook_maps_onto_the_model_value_by_value() {
    let (city, notes) = read(jimu_sheet::MAPPING, "jimu.xlsx", &jimu_sheet::xlsx(false)).unwrap();
    assert_eq!((city.code.as_str(), city.name.as_str()), ("132080", "見本市"));
    assert!(notes.iter().any(|n| n.contains("シート「R6事務事業評価」")), "{notes:?}");
    assert!(notes.iter().any(|n| n.contains("見出しは 3行目")), "{notes:?}");
    assert!(notes.iter().any(|n| n == "jimu.xlsx: 対応表にない列（取り込みません）: AG（備考）"), "{notes:?}");

    // Three projects; the blank row ends the data (the 合計 row is not one).
    let keys: Vec<&str> = city.items.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys, ["001", "002", "003"]);
    let a = item(&city, "001");
    assert_eq!((a.code.as_str(), a.title.as_str(), a.kind.as_str()), ("001", "子育て支援事業", "project"));
    assert_eq!(a.fiscal_year, Some(fy(2024)));
    // 部名 and 課名 of 002 are merged with 001's.
    let b = item(&city, "002");
    assert_eq!(b.sections[0].department, "福祉部");
    assert_eq!(b.sections[0].section, "子育て支援課");
    assert_eq!(item(&city, "003").sections[0].section, "道路課");
    assert_eq!((a.placements[0].plan.as_str(), a.placements[0].node.as_str()), ("sogo-5", "2-1"));
    let plan = city.plan("sogo-5").unwrap();
    assert_eq!(plan.name, "第5次総合計画");
    let nodes: Vec<(&str, &str)> = plan.nodes.iter().map(|n| (n.code.as_str(), n.title.as_str())).collect();
    assert_eq!(nodes, [("2-1", "子育て環境の充実"), ("4-2", "安全な道路")]);

    // Narratives by slot, the criteria as narratives (category, then reason).
    assert_eq!(paragraphs(a, "target", "対象"), ["就学前の子どもと保護者"]);
    assert_eq!(paragraphs(a, "intent", "意図"), ["安心して子育てできる"]);
    assert_eq!(paragraphs(a, "result", "結果"), ["出生率の維持"]);
    assert_eq!(paragraphs(a, "opinion", "課長等の意見"), ["周知を強める。"]);
    assert_eq!(paragraphs(a, "criterion", "目的妥当性"), ["結びついている", "子育て支援は市の重点施策である。"]);
    assert_eq!(paragraphs(b, "criterion", "有効性"), ["向上余地がない"]);
    assert!(b.narratives.iter().all(|n| n.slot != "opinion"), "a blank cell is no narrative");
    assert!(a.narratives.iter().all(|n| n.fiscal_year == Some(fy(2024))));

    // Budgets in 千円: last year's settlement, this year's budget; the
    // formula's cached value; full-width digits; a dash is no amount.
    type Figures = (i32, Option<Yen>, Option<Yen>, Option<Yen>);
    let budgets: Vec<Figures> = a
        .budgets
        .iter()
        .map(|b| (b.fiscal_year.year(), b.figures.initial, b.figures.settlement, b.figures.general_revenue))
        .collect();
    assert_eq!(
        budgets,
        [(2023, None, Some(Yen(12_000_000)), None), (2024, Some(Yen(12_500_000)), None, Some(Yen(10_000_000)))]
    );
    let years: Vec<i32> = b.budgets.iter().map(|b| b.fiscal_year.year()).collect();
    assert_eq!(years, [2024]);

    // Indicators of the three kinds, printed as in the sheet.
    let act = indicator(&city, "001/activity-1");
    assert_eq!((act.kind, act.name.as_str(), act.unit.as_deref()), (IndicatorKind::Activity, "相談件数", Some("件")));
    assert_eq!(act.item.as_deref(), Some("001"));
    assert_eq!(values(act), [(2024, ValueRole::Target, "1200"), (2024, ValueRole::Actual, "１，３１０")]);
    assert!(act.values.iter().all(|v| v.printed_in == Some(fy(2024)) && v.source.is_none()));
    let pop = indicator(&city, "001/population-1");
    assert_eq!((pop.kind, pop.unit.as_deref()), (IndicatorKind::Population, Some("人")));
    assert_eq!(values(pop), [(2024, ValueRole::Actual, "4210")]);
    let out = indicator(&city, "001/outcome-1");
    assert_eq!((out.kind, out.unit.as_deref()), (IndicatorKind::Outcome, Some("％")));
    assert_eq!(values(out), [(2024, ValueRole::Target, "60"), (2024, ValueRole::Actual, "58.2")]);
    // 「－」 stays as printed; an indicator without a name and values is none.
    assert_eq!(
        values(indicator(&city, "002/activity-1")),
        [(2024, ValueRole::Target, "－"), (2024, ValueRole::Actual, "310")]
    );
    assert!(city.indicator("002/population-1").is_none());
    assert_eq!(values(indicator(&city, "003/population-1")), [(2024, ValueRole::Actual, "312.5")]);
    assert_eq!(city.indicators.len(), 8);

    // The overall grade, the direction in the city's words.
    let e = &a.evaluations[0];
    assert_eq!(
        (e.fiscal_year, e.stage, e.evaluator, e.grade.as_deref()),
        (fy(2024), Stage::YearEnd, Evaluator::Section, Some("B"))
    );
    let d = a.next_direction.as_ref().unwrap();
    assert_eq!(
        (d.printed.as_str(), d.direction, d.reason.as_deref()),
        ("２　改革改善（縮小・統合含む）", None, Some("相談窓口を統合する"))
    );
    assert_eq!(b.next_direction.as_ref().unwrap().direction, Some(NextDirection::Keep));
    assert_eq!(item(&city, "003").next_direction.as_ref().unwrap().direction, Some(NextDirection::End));
}

#[test]
fn a_shift_jis_csv_of_the_same_table_gives_the_same_batch() {
    let (from_xlsx, _) = read(jimu_sheet::MAPPING, "jimu.xlsx", &jimu_sheet::xlsx(false)).unwrap();
    let (from_csv, notes) = read(&jimu_sheet::csv_mapping(), "jimu.csv", &jimu_sheet::csv_sjis()).unwrap();
    assert!(notes.iter().any(|n| n.contains("Shift_JIS")), "{notes:?}");
    assert!(notes.iter().any(|n| n.contains("見出しは 2行目")), "{notes:?}");
    assert_eq!(from_csv, from_xlsx);
}

#[test]
fn a_bad_cell_names_file_sheet_row_column_and_mapping_key() {
    let e = read(jimu_sheet::MAPPING, "jimu.xlsx", &jimu_sheet::xlsx(true)).unwrap_err();
    assert_eq!(
        e,
        "jimu.xlsx シート「R6事務事業評価」 6行目 列「L（当初予算額）」: 「未定」を金額として読み取れません（例: 7,368千円、1,200円）（対応表の budgets[1].initial）"
    );
}

#[test]
fn a_word_the_mapping_does_not_cover_is_listed_not_guessed() {
    let mapping = jimu_sheet::MAPPING.replace("\"１　現状維持\" = \"keep\"\n", "");
    let e = read(&mapping, "jimu.xlsx", &jimu_sheet::xlsx(false)).unwrap_err();
    assert!(e.starts_with("jimu.xlsx シート「R6事務事業評価」 6行目 列「AE（今後の方向性）」: 方向性「１　現状維持」が対応表の direction.words にありません"), "{e}");
}

#[test]
fn columns_the_sheet_lacks_are_all_named_with_their_keys() {
    let mapping = jimu_sheet::MAPPING
        .replace("title = \"事務事業名\"", "title = \"事業名\"")
        .replace("unit = \"単位#1\"", "unit = \"単位\"");
    let e = read(&mapping, "jimu.xlsx", &jimu_sheet::xlsx(false)).unwrap_err();
    let lines: Vec<&str> = e.lines().collect();
    assert_eq!(lines.len(), 2, "{e}");
    assert!(lines[0].contains("3行目 列「事業名」: 見出し「事業名」の列がありません（対応表の item.title）"), "{e}");
    assert!(
        lines[1].contains("見出し「単位」の列が 3 列あります（O、S、V）") && lines[1].contains("indicators[0].unit"),
        "{e}"
    );
}

#[test]
fn a_missing_sheet_or_header_is_named() {
    let mapping = jimu_sheet::MAPPING.replace("pattern = \"*事務事業評価\"", "name = \"R7事務事業評価\"");
    let e = read(&mapping, "jimu.xlsx", &jimu_sheet::xlsx(false)).unwrap_err();
    assert!(
        e.contains("シート「R7事務事業評価」がありません（対応表の sheet.name）") && e.contains("「記入要領」"),
        "{e}"
    );
    let mapping =
        jimu_sheet::MAPPING.replace("header_find = [\"事業コード\", \"事務事業名\"]", "header_find = [\"事業番号\"]");
    let e = read(&mapping, "jimu.xlsx", &jimu_sheet::xlsx(false)).unwrap_err();
    assert!(e.contains("見出し 「事業番号」 をすべて含む行") || e.contains("見出し 「事業番号」をすべて含む行"), "{e}");
}

#[test]
fn without_a_city_in_the_mapping_the_caller_names_it() {
    let mapping = jimu_sheet::MAPPING.replace("code = \"132080\"\n", "");
    let m = mapping::parse("jimu.toml", &mapping).unwrap();
    let e = mapping::read("jimu.toml", &m, "jimu.xlsx", &jimu_sheet::xlsx(false), Context::default()).unwrap_err();
    assert!(e.to_string().contains("--municipality"), "{e}");
    let cx = Context { municipality: Some("132089"), stored: None };
    let out = mapping::read("jimu.toml", &m, "jimu.xlsx", &jimu_sheet::xlsx(false), cx).unwrap();
    assert_eq!(out.batch.cities[0].code, "132089");
}

/// The workbook saved as .xls (Excel 97–2003) by LibreOffice: calamine
/// reads the old format, cached formula values included, to the same batch.
#[test]
fn an_xls_workbook_saved_by_libreoffice_reads_the_same() {
    use hyoka_store::testing::libreoffice::{convert, temp_dir};
    let dir = temp_dir("mapping-xls");
    let xlsx = dir.join("jimu.xlsx");
    std::fs::write(&xlsx, jimu_sheet::xlsx(false)).unwrap();
    convert(&dir.join("profile"), "xls:MS Excel 97", &dir, &xlsx);
    let xls = std::fs::read(dir.join("jimu.xls")).unwrap();
    assert!(xls.starts_with(b"\xD0\xCF\x11\xE0"), "an OLE file");
    let (from_xls, notes) = read(jimu_sheet::MAPPING, "jimu.xls", &xls).unwrap();
    assert!(notes.iter().any(|n| n.contains("XLS シート「R6事務事業評価」")), "{notes:?}");
    let (from_xlsx, _) = read(jimu_sheet::MAPPING, "jimu.xlsx", &jimu_sheet::xlsx(false)).unwrap();
    assert_eq!(from_xls, from_xlsx);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The complete example of docs/mapping.md is the mapping these tests
/// use, with comments: it reads the workbook to the same batch.
#[test]
fn the_example_in_the_docs_reads_the_workbook() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/mapping.md")).unwrap();
    let example = doc.split("```toml\n").nth(1).and_then(|s| s.split("```").next()).expect("a toml block");
    let (from_doc, _) = read(example, "jimu.xlsx", &jimu_sheet::xlsx(false)).unwrap();
    let (from_test, _) = read(jimu_sheet::MAPPING, "jimu.xlsx", &jimu_sheet::xlsx(false)).unwrap();
    assert_eq!(from_doc, from_test);
}

#[test]
fn error_messages_of_the_docs_are_the_ones_given() {
    let e = mapping::parse(
        "対応表.toml",
        &jimu_sheet::MAPPING.replace("unit = \"単位#1\"", "unit = \"単位#1\"\nnam = \"x\""),
    )
    .unwrap_err();
    assert_eq!(e.to_string(), "対応表.toml 63行目: 対応表の indicators[0].nam: キー nam はありません");
    let e =
        mapping::parse("対応表.toml", &jimu_sheet::MAPPING.replace("kind = \"対象\"", "kind = \"対照\"")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "対応表.toml: 対応表の indicators[1].kind: 「対照」は指標の種類として使えません（活動、対象、成果、KPI）"
    );
    let e = mapping::parse("対応表.toml", "[sheet]\nheader_row = 1\n[year]\nfixed = \"R6\"\n[item]\n").unwrap_err();
    assert_eq!(e.to_string(), "対応表.toml 5行目: 対応表の item: 必要なキー code がありません");
}

/// A wide export: three indicators side by side (ア, イ, ウ), each with
/// three years of target and actual whose headers carry no year, and
/// three years of budget; declared once as blocks and unpivoted.
#[test]
fn repeated_blocks_without_years_in_their_headers_unpivot() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let mut header = vec!["事業コード".to_string(), "事業名".to_string()];
    for _ in 0..3 {
        header.extend(["成果指標名", "単位", "目標", "実績", "目標", "実績", "目標", "実績"].map(String::from));
    }
    header.extend(["当初予算", "決算額", "当初予算", "決算額", "当初予算", "決算額"].map(String::from));
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, h).unwrap();
    }
    for (r, code) in ["1", "2"].iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, *code).unwrap();
        sheet.write_string(r, 1, format!("事業{code}")).unwrap();
        for k in 0..3u16 {
            let base = 2 + k * 8;
            sheet.write_string(r, base, format!("指標{code}-{}", k + 1)).unwrap();
            sheet.write_string(r, base + 1, "件").unwrap();
            for v in 0..6u16 {
                sheet.write_number(r, base + 2 + v, f64::from(100 * (k + 1) + v)).unwrap();
            }
        }
        for b in 0..6u16 {
            sheet.write_number(r, 26 + b, f64::from(1000 + b)).unwrap();
        }
    }
    let bytes = book.save_to_buffer().unwrap();
    let mapping = r#"
[city]
code = "132080"
name = "見本市"
[sheet]
header_row = 1
[year]
fixed = "令和6年度"
[item]
code = "A"
title = "B"
[[indicators]]
id = "seika"
kind = "成果"
name = "成果指標名#1"
unit = "D"
values_block = { start = "E", years = [-2, -1, 0], roles = ["target", "actual"] }
repeat = { count = 3, stride = 8 }
[[budgets]]
year = -2
initial = "AA"
settlement = "AB"
repeat = { count = 3, stride = 2 }
"#;
    let (city, _) = read(mapping, "wide.xlsx", &bytes).unwrap();
    assert_eq!(city.indicators.len(), 6);
    let i = indicator(&city, "2/seika-2");
    assert_eq!((i.name.as_str(), i.unit.as_deref()), ("指標2-2", Some("件")));
    assert_eq!(
        values(i),
        [
            (2022, ValueRole::Target, "200"),
            (2022, ValueRole::Actual, "201"),
            (2023, ValueRole::Target, "202"),
            (2023, ValueRole::Actual, "203"),
            (2024, ValueRole::Target, "204"),
            (2024, ValueRole::Actual, "205"),
        ]
    );
    assert_eq!(indicator(&city, "1/seika-3").values[5].printed, "305");
    let b: Vec<(i32, Option<Yen>, Option<Yen>)> = item(&city, "1")
        .budgets
        .iter()
        .map(|b| (b.fiscal_year.year(), b.figures.initial, b.figures.settlement))
        .collect();
    assert_eq!(
        b,
        [
            (2022, Some(Yen(1_000_000)), Some(Yen(1_001_000))),
            (2023, Some(Yen(1_002_000)), Some(Yen(1_003_000))),
            (2024, Some(Yen(1_004_000)), Some(Yen(1_005_000))),
        ]
    );

    // A repeated block that runs into a header without a number is named.
    let e =
        read(&mapping.replace("name = \"成果指標名#1\"", "name = \"成果指標名\""), "wide.xlsx", &bytes).unwrap_err();
    assert!(e.contains("indicators[0].repeat") && e.contains("「成果指標名#1」のように番号つきの見出し"), "{e}");
}

/// Two sheets joined by the project's name: 「事業概要」 gives code, name,
/// 部 and 課 (merged cells) and narratives; 「指標・コスト」, in another
/// order and with the names written in other widths, gives two rows per
/// project (name and budget cells merged over both) read as one.
#[test]
fn two_sheets_joined_by_project_name_map_value_by_value() {
    use join_sheet::Flaw;
    let (city, notes) = read(join_sheet::MAPPING, "join.xlsx", &join_sheet::xlsx(Flaw::None)).unwrap();
    assert!(notes.iter().any(|n| n == "join.xlsx: XLSX シート「指標・コスト」"), "{notes:?}");
    assert!(
        notes.iter().any(|n| n
            == "join.xlsx: シート「指標・コスト」（見出しは 1行目）を列「B（事務事業名）」で 3 件の事業と結合しました"),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(|n| n == "join.xlsx: シート「指標・コスト」の対応表にない列（取り込みません）: B（指標区分）"),
        "{notes:?}"
    );

    let keys: Vec<&str> = city.items.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys, ["101", "102", "301"]);
    let a = item(&city, "101");
    assert_eq!((a.title.as_str(), a.fiscal_year), ("子育て支援事業", Some(fy(2024))));
    assert_eq!((a.sections[0].department.as_str(), a.sections[0].section.as_str()), ("福祉部", "子育て支援課"));
    // 102's 部名 and 課名 are the merged cells of 101's.
    let b = item(&city, "102");
    assert_eq!((b.sections[0].department.as_str(), b.sections[0].section.as_str()), ("福祉部", "子育て支援課"));
    let c = item(&city, "301");
    assert_eq!(c.sections[0].section, "情報政策課");
    assert_eq!(paragraphs(a, "target", "対象"), ["就学前の子どもと保護者"]);
    assert_eq!(paragraphs(c, "intent", "意図"), ["事務が効率化する"]);
    assert_eq!(a.next_direction.as_ref().unwrap().direction, Some(NextDirection::Keep));
    assert_eq!(c.next_direction.as_ref().unwrap().direction, Some(NextDirection::End));

    // Budgets from the joined sheet, merged over the project's two rows.
    let figures = |i: &ItemRow| -> Vec<(i32, Option<Yen>, Option<Yen>)> {
        i.budgets.iter().map(|b| (b.fiscal_year.year(), b.figures.initial, b.figures.settlement)).collect()
    };
    assert_eq!(figures(a), [(2024, Some(Yen(12_500_000)), Some(Yen(12_000_000)))]);
    assert_eq!(figures(b), [(2024, Some(Yen(3_000_000)), Some(Yen(2_950_000)))]);
    assert_eq!(figures(c), [(2024, Some(Yen(800_000)), None)]);

    // The first row of a project is its activity indicator, the second its
    // outcome indicator.
    let act = indicator(&city, "101/activity");
    assert_eq!((act.kind, act.name.as_str(), act.unit.as_deref()), (IndicatorKind::Activity, "相談件数", Some("件")));
    assert_eq!(values(act), [(2024, ValueRole::Target, "1200"), (2024, ValueRole::Actual, "１，３１０")]);
    let out = indicator(&city, "101/outcome");
    assert_eq!(
        (out.kind, out.name.as_str(), out.unit.as_deref()),
        (IndicatorKind::Outcome, "子育てしやすいと感じる市民の割合", Some("％"))
    );
    assert_eq!(values(out), [(2024, ValueRole::Target, "60"), (2024, ValueRole::Actual, "58.2")]);
    assert_eq!(
        values(indicator(&city, "102/activity")),
        [(2024, ValueRole::Target, "－"), (2024, ValueRole::Actual, "310")]
    );
    assert_eq!(
        values(indicator(&city, "102/outcome")),
        [(2024, ValueRole::Target, "80"), (2024, ValueRole::Actual, "－")]
    );
    assert_eq!(indicator(&city, "301/activity").name, "研修回数");
    assert_eq!(
        values(indicator(&city, "301/activity")),
        [(2024, ValueRole::Target, "10"), (2024, ValueRole::Actual, "12")]
    );
    // ICT推進事業 has one row: no outcome indicator.
    assert!(city.indicator("301/outcome").is_none());
    assert_eq!(city.indicators.len(), 5);
}

#[test]
fn a_project_without_its_row_a_row_without_its_project_and_a_name_twice_are_named() {
    use join_sheet::Flaw;
    let e = read(join_sheet::MAPPING, "join.xlsx", &join_sheet::xlsx(Flaw::NoPartner)).unwrap_err();
    assert_eq!(
        e,
        "join.xlsx シート「事業概要」 5行目 列「B（事務事業名）」: 「ICT推進事業」の行がシート「指標・コスト」にありません（対応表の join[0].on.main）"
    );
    let e = read(join_sheet::MAPPING, "join.xlsx", &join_sheet::xlsx(Flaw::NoProject)).unwrap_err();
    assert_eq!(
        e,
        "join.xlsx シート「指標・コスト」 7行目 列「A（事務事業名）」: 「廃止した事業」の事業がシート「事業概要」にありません（対応表の join[0].on.other）"
    );
    let e = read(join_sheet::MAPPING, "join.xlsx", &join_sheet::xlsx(Flaw::Twice)).unwrap_err();
    assert_eq!(
        e,
        "join.xlsx シート「指標・コスト」 3行目 列「A（事務事業名）」: 「一時預かり事業」の行が2つあります（2行目と3行目）。どちらを結合するか決められません（対応表の join[0].on.other）"
    );

    // A bad cell of the joined sheet is named by that sheet's row.
    let mapping =
        join_sheet::MAPPING.replace("initial = \"指標・コスト!当初予算額\"", "initial = \"指標・コスト!指標名\"");
    let e = read(&mapping, "join.xlsx", &join_sheet::xlsx(Flaw::None)).unwrap_err();
    assert!(
        e.starts_with(
            "join.xlsx シート「指標・コスト」 4行目 列「C（指標名）」: 「相談件数」を金額として読み取れません"
        ),
        "{e}"
    );
    assert!(e.contains("2行目") && e.contains("6行目") && e.contains("budgets[0].initial"), "{e}");

    // A sheet no [[join]] names, a header the joined sheet lacks.
    let mapping = join_sheet::MAPPING.replace("name = \"指標・コスト!指標名\"", "name = \"指標!指標名\"");
    let e = read(&mapping, "join.xlsx", &join_sheet::xlsx(Flaw::None)).unwrap_err();
    assert!(
        e.contains("シート「指標」は対応表の join で結合したシートではありません（対応表の indicators[0].name）。結合したシート: 「指標・コスト」"),
        "{e}"
    );
    let mapping = join_sheet::MAPPING.replace("unit = \"指標・コスト!単位\"", "unit = \"指標・コスト!単位名\"");
    let e = read(&mapping, "join.xlsx", &join_sheet::xlsx(Flaw::None)).unwrap_err();
    assert_eq!(
        e,
        "join.xlsx シート「指標・コスト」 1行目 列「単位名」: 見出し「単位名」の列がありません（対応表の indicators[0].unit）。見出しの文字を確かめるか、列記号（AB など）で指定してください"
    );

    // Mistakes in [[join]] itself are named before the workbook is read.
    let mapping = join_sheet::MAPPING.replace("sheet = \"指標・コスト\"\n", "pattern = \"指標*\"\n");
    let e = mapping::parse("join.toml", &mapping).unwrap_err().to_string();
    assert!(e.contains("join[0].as: pattern で選ぶシートには"), "{e}");
    let mapping = join_sheet::MAPPING.replace("other = \"事務事業名\"", "other = \"指標・コスト!事務事業名\"");
    let e = mapping::parse("join.toml", &mapping).unwrap_err().to_string();
    assert!(e.contains("join[0].on.other: 結合のキーにはシート"), "{e}");
    // A CSV file has one sheet.
    let e = read(join_sheet::MAPPING, "join.csv", "事業コード,事務事業名\r\n1,a\r\n".as_bytes()).unwrap_err();
    assert!(e.contains("join（シートの結合）は使えません"), "{e}");
}

/// A project whose code cell is merged over two rows of the main sheet is
/// one project (not the end of the data, nor its code twice); `row = 2`
/// reads its second row. Without the merge, the blank code ends the data.
#[test]
fn a_project_over_two_merged_rows_of_the_main_sheet_is_one_project() {
    let book = |merged: bool| {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (c, h) in ["番号", "事業名", "手段"].iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        let f = rust_xlsxwriter::Format::new();
        if merged {
            sheet.merge_range(1, 0, 2, 0, "1", &f).unwrap();
            sheet.merge_range(1, 1, 2, 1, "事業一", &f).unwrap();
        } else {
            sheet.write_string(1, 0, "1").unwrap();
            sheet.write_string(1, 1, "事業一").unwrap();
        }
        sheet.write_string(1, 2, "昨年度: 講座を開いた").unwrap();
        sheet.write_string(2, 2, "今年度: 講座を増やす").unwrap();
        sheet.write_string(3, 0, "2").unwrap();
        sheet.write_string(3, 1, "事業二").unwrap();
        sheet.write_string(3, 2, "相談を受ける").unwrap();
        book.save_to_buffer().unwrap()
    };
    let mapping = r#"
[city]
code = "132080"
name = "見本市"
[sheet]
header_row = 1
[year]
fixed = "令和6年度"
[item]
code = "番号"
title = "事業名"
[[narratives]]
slot = "means"
label = "手段（昨年度）"
column = "手段"
[[narratives]]
slot = "means"
label = "手段（今年度）"
column = { header = "手段", row = 2 }
"#;
    let (city, notes) = read(mapping, "two.xlsx", &book(true)).unwrap();
    assert!(notes.iter().any(|n| n.contains("複数の行にわたる事業 1 件（最大 2 行）")), "{notes:?}");
    let keys: Vec<&str> = city.items.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys, ["1", "2"]);
    assert_eq!(paragraphs(item(&city, "1"), "means", "手段（昨年度）"), ["昨年度: 講座を開いた"]);
    assert_eq!(paragraphs(item(&city, "1"), "means", "手段（今年度）"), ["今年度: 講座を増やす"]);
    // 事業二 takes one row: its second row is not the next project's.
    let two = item(&city, "2");
    assert_eq!(two.title, "事業二");
    assert!(two.narratives.iter().all(|n| n.label != "手段（今年度）"), "{:?}", two.narratives);

    let (city, _) = read(mapping, "two.xlsx", &book(false)).unwrap();
    let keys: Vec<&str> = city.items.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys, ["1"]);
}
