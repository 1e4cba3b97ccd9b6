//! The cost side of a city's 事務事業評価シート through a mapping:
//! 財源内訳 per year, 従事時間 with the hourly unit cost (a column or one
//! figure for the whole workbook), 人件費 and トータルコスト as printed.
//! The mapping is the one docs/mapping.md shows. Pure: no database.

use hyoka_core::{BudgetFigures, FiscalYear, Funding, Hours, StaffCost, Yen};
use hyoka_import::batch::CityBatch;
use hyoka_import::mapping::{self, Context};
use rust_xlsxwriter::Workbook;

/// The `[[budgets]]` example of docs/mapping.md's cost section.
fn doc_example() -> String {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/mapping.md")).unwrap();
    let section = doc.split("### 財源内訳・人件費・トータルコスト").nth(1).expect("the cost section");
    let block = section.split("```toml\n").nth(1).and_then(|s| s.split("```").next()).expect("a toml block");
    block.to_string()
}

fn mapping_text(budgets: &str) -> String {
    format!(
        r#"
[city]
code = "132080"
name = "見本市"

[sheet]
header_row = 1

[year]
fixed = "令和6年度"

[item]
code = "事業コード"
title = "事務事業名"

{budgets}
"#
    )
}

/// Header and rows: two projects, one with a dash where a figure is not printed.
fn workbook(rows: &[[&str; 12]]) -> Vec<u8> {
    let header = [
        "事業コード",
        "事務事業名",
        "決算額",
        "国庫支出金",
        "都道府県支出金",
        "地方債",
        "その他",
        "一般財源",
        "従事時間",
        "人件費",
        "トータルコスト",
        "人件費単価",
    ];
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("一覧").unwrap();
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            match v.parse::<f64>() {
                Ok(n) => ws.write_number(r, c, n).unwrap(),
                Err(_) => ws.write_string(r, c, *v).unwrap(),
            };
        }
    }
    wb.save_to_buffer().unwrap()
}

fn read(mapping_text: &str, bytes: &[u8]) -> Result<CityBatch, String> {
    let m = mapping::parse("cost.toml", mapping_text).map_err(|e| e.to_string())?;
    let out = mapping::read("cost.toml", &m, "cost.xlsx", bytes, Context::default()).map_err(|e| e.to_string())?;
    Ok(out.batch.cities.into_iter().next().expect("one city"))
}

fn figures(city: &CityBatch, key: &str) -> BudgetFigures {
    let item = city.item(key).unwrap_or_else(|| panic!("item {key}"));
    assert_eq!(item.budgets.len(), 1, "{key}");
    assert_eq!(item.budgets[0].fiscal_year, FiscalYear::new(2024).unwrap());
    item.budgets[0].figures.clone()
}

const ROWS: [[&str; 12]; 2] = [
    ["1", "子育て支援事業", "9500", "4750", "2375", "－", "0", "2375", "1,234.5", "5334", "14834", "4321"],
    ["2", "道路維持事業", "１２，０００", "", "", "8000", "", "4000", "800", "3600", "15600", "4500"],
];

#[test]
fn funding_hours_and_costs_land_in_the_year_of_the_row() {
    let city = read(&mapping_text(&doc_example()), &workbook(&ROWS)).unwrap();
    let k = |n: i64| Some(Yen(n * 1000));
    assert_eq!(
        figures(&city, "1"),
        BudgetFigures {
            settlement: k(9_500),
            general_revenue: k(2_375),
            funding: Funding { national: k(4_750), prefectural: k(2_375), bonds: None, other: Some(Yen(0)) },
            staff: StaffCost {
                hours: Hours::parse("1234.5"),
                hourly: Some(Yen(4_500)),
                personnel: k(5_334),
                total: k(14_834),
            },
            ..BudgetFigures::default()
        },
        "the dash of 地方債 is blank, 0 is zero; the mapping's hourly_cost_yen holds for every row"
    );
    let f = figures(&city, "2");
    assert_eq!((f.settlement, f.funding.bonds, f.staff.hours), (k(12_000), k(8_000), Hours::parse("800")));
    // 800h × 4,500円 = 3,600千円 and 12,000 + 3,600 = 15,600: what the checks compare.
    assert_eq!((f.computed_personnel_cost(), f.computed_total_cost()), (k(3_600), k(15_600)));
}

#[test]
fn the_hourly_cost_may_come_from_a_column_in_yen() {
    let text = mapping_text(&doc_example().replace("hourly_cost_yen = 4500", "hourly_cost = \"人件費単価\""));
    let city = read(&text, &workbook(&ROWS)).unwrap();
    // The column is in yen although the table's unit is 千円.
    assert_eq!(figures(&city, "1").staff.hourly, Some(Yen(4_321)));
    assert_eq!(figures(&city, "2").staff.hourly, Some(Yen(4_500)));
}

#[test]
fn hours_that_do_not_read_are_named_with_their_cell() {
    let mut rows = ROWS;
    rows[1][8] = "約800";
    let e = read(&mapping_text(&doc_example()), &workbook(&rows)).unwrap_err();
    assert!(e.contains("3行目") && e.contains("従事時間") && e.contains("「約800」を時間として読み取れません"), "{e}");
}

#[test]
fn a_column_and_a_fixed_hourly_cost_together_are_refused() {
    let text = mapping_text(
        &doc_example().replace("hourly_cost_yen = 4500", "hourly_cost_yen = 4500\nhourly_cost = \"人件費単価\""),
    );
    let e = read(&text, &workbook(&ROWS)).unwrap_err();
    assert!(e.contains("hourly_cost_yen") && e.contains("どちらか一方"), "{e}");
}
