//! Spreadsheet formula injection: hostile text typed into titles,
//! narratives, comments, indicator and section names comes out as text in
//! every CSV file (neutralised with a leading apostrophe), exact in JSON,
//! and as string cells (never formulas) in XLSX; numbers stay numbers. On
//! the test backend (SQLite or PostgreSQL per HYOKA_TEST_BACKEND).

mod support;

use std::io::Cursor;
use std::path::PathBuf;

use calamine::{Data, Reader, Xlsx};
use hyoka_core::org::Validity;
use hyoka_core::{Direction, FiscalYear, IndicatorCell, IndicatorKind, Narrative, Stage, ValueRole};
use hyoka_report::injection::{looks_like_formula, restore};
use hyoka_report::opendata::{ColumnType, TABLES};
use hyoka_report::{export_opendata, sheet_xlsx, summary_csv, summary_xlsx, Header, OpenDataOptions};
use hyoka_store::testing::TestDb;
use hyoka_store::{NewIndicator, NewItem, Store};
use serde_json::Value as Json;

const MITAKA: &str = "132047";
const SEED: &str = "000_1a8dd8067da68eba.txt";

const TITLE: &str = "=HYPERLINK(\"http://example.invalid/\",\"詳細はこちら\")";
const NARRATIVE: &str = "-2+3+cmd|' /C calc'!A0";
const COMMENT: &str = "@SUM(1+1)*cmd|' /C calc'!A0";
const INDICATOR: &str = "+81-422-45-1151";
const DEPARTMENT: &str = "=1+1部";
const SECTION: &str = "\t=2+2課";

fn fy(y: i32) -> FiscalYear {
    FiscalYear::new(y).unwrap()
}

/// 三鷹市's twelve sheets with hostile text in 企-1: its title, a
/// narrative, a grade's comment, its section, and an indicator whose name
/// looks like a formula with a negative target and actual.
async fn hostile(db: &TestDb) -> (Store, i64) {
    let store = db.store().await;
    support::import(&store, &[SEED]).await;
    let item = store.items(MITAKA).await.unwrap().into_iter().find(|i| i.code == "企-1").expect("企-1");
    let mut narratives = store.narratives(item.id).await.unwrap();
    narratives[0].text = Narrative::from_html_fragment(NARRATIVE);
    let mut evaluations = store.evaluations(item.id).await.unwrap();
    let graded = evaluations.iter_mut().find(|e| e.stage == Stage::YearEnd && e.grade.is_some()).expect("a grade");
    graded.comment = Some(COMMENT.into());

    let mut tx = store.begin().await.unwrap();
    let new = NewItem { key: item.key.clone(), kind: item.kind.clone(), code: item.code.clone(), title: TITLE.into() };
    assert_eq!(tx.upsert_item(MITAKA, &new).await.unwrap(), item.id);
    tx.replace_narratives(item.id, &narratives).await.unwrap();
    tx.set_evaluation(MITAKA, item.id, graded).await.unwrap();
    let section = tx.upsert_section(MITAKA, DEPARTMENT, SECTION, Validity::default()).await.unwrap();
    tx.assign_section(item.id, section).await.unwrap();
    let indicator = NewIndicator {
        key: "hostile".into(),
        name: INDICATOR.into(),
        kind: IndicatorKind::Outcome,
        definition: None,
        unit: Some("件".into()),
        direction: Direction::LowerIsBetter,
        vocabulary: None,
        item_id: Some(item.id),
        node_id: None,
        related_node_id: None,
    };
    let id = tx.upsert_indicator(MITAKA, &indicator).await.unwrap();
    tx.set_indicator_value(id, fy(2018), ValueRole::Target, &IndicatorCell::parse("-5")).await.unwrap();
    tx.set_indicator_value(id, fy(2018), ValueRole::Actual, &IndicatorCell::parse("-7件")).await.unwrap();
    tx.commit().await.unwrap();
    (store, item.id)
}

fn records(csv: &str) -> Vec<Vec<String>> {
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).from_reader(csv.trim_start_matches('\u{FEFF}').as_bytes());
    reader.records().map(|r| r.expect("valid CSV").iter().map(String::from).collect()).collect()
}

/// No field of a CSV file would run as a formula: text fields (all but
/// `numeric`) never start with = + - @ tab or CR, and numeric ones are
/// empty or numbers.
fn assert_safe(name: &str, records: &[Vec<String>], numeric: &[usize]) {
    for (r, record) in records.iter().enumerate() {
        for (c, field) in record.iter().enumerate() {
            if numeric.contains(&c) && r > 0 {
                assert!(field.is_empty() || field.parse::<f64>().is_ok(), "{name} row {r} column {c}: {field:?}");
            } else {
                assert!(!looks_like_formula(field), "{name} row {r} column {c}: {field:?}");
            }
        }
    }
}

/// A directory removed when the test ends.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test]
async fn open_data_csv_is_neutralised_and_json_is_exact() {
    let db = TestDb::new().await;
    let (store, _) = hostile(&db).await;
    let dir = TempDir(std::env::temp_dir().join(format!("hyoka_injection_{}", std::process::id())));
    let opts = OpenDataOptions {
        header: Header::En,
        municipality: Some(MITAKA.into()),
        ..OpenDataOptions::new(&dir.0, hyoka_core::JpDate::new(2026, 4, 1).unwrap())
    };
    export_opendata(&store, &opts).await.unwrap();
    let read = |name: &str| std::fs::read_to_string(dir.0.join(name)).unwrap();

    for table in TABLES {
        let numeric: Vec<usize> =
            table.columns.iter().enumerate().filter(|(_, c)| c.kind.is_numeric()).map(|(i, _)| i).collect();
        let csv = records(&read(&table.csv_file()));
        assert_safe(&table.csv_file(), &csv, &numeric);
        // Every text field restores to the JSON's exact text.
        let json: Json = serde_json::from_str(&read(&table.json_file())).unwrap();
        let rows = json["rows"].as_array().unwrap();
        assert_eq!(rows.len(), csv.len() - 1, "{}", table.name);
        for (record, row) in csv[1..].iter().zip(rows) {
            for ((field, column), name) in record.iter().zip(table.columns).zip(table.names_en()) {
                match (&row[name], column.kind) {
                    (Json::Null, _) => assert!(field.is_empty(), "{}.{name}", table.name),
                    (Json::String(s), ColumnType::Text | ColumnType::Code) => assert_eq!(restore(field), s),
                    (Json::Number(n), kind) if kind.is_numeric() => assert_eq!(field, &n.to_string()),
                    (other, kind) => panic!("{}.{name}: {other} in a {} column", table.name, kind.name()),
                }
            }
        }
    }

    let indicators = records(&read("indicators.csv"));
    let header = &indicators[0];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let hostile: Vec<&Vec<String>> =
        indicators.iter().filter(|r| r[col("indicator")] == format!("'{INDICATOR}")).collect();
    assert_eq!(hostile.len(), 2, "target and actual");
    assert!(hostile.iter().all(|r| r[col("project")] == format!("'{TITLE}")));
    let target = hostile.iter().find(|r| r[col("role")] == "target").unwrap();
    assert_eq!(
        (target[col("printed")].as_str(), target[col("value")].as_str()),
        ("'-5", "-5"),
        "a number stays a number"
    );
    let actual = hostile.iter().find(|r| r[col("role")] == "actual").unwrap();
    assert_eq!((actual[col("printed")].as_str(), actual[col("value")].as_str()), ("'-7件", "-7"));

    let evaluations = records(&read("evaluations.csv"));
    assert!(evaluations.iter().any(|r| r[4] == format!("'{TITLE}") && r[10] == format!("'{COMMENT}")));
    let nodes = records(&read("nodes.csv"));
    assert!(nodes.iter().any(|r| r[7].contains(&format!("{DEPARTMENT} {SECTION}"))), "{nodes:?}");
    // The raw text: the formula is inside quotes and after the apostrophe.
    assert!(read("budgets.csv").contains("\"'=HYPERLINK(\"\"http://example.invalid/\"\",\"\"詳細はこちら\"\")\""));

    let meta: Json = serde_json::from_str(&read("metadata.json")).unwrap();
    assert!(meta["encoding"]["csv_formula_guard"].as_str().is_some_and(|g| g.contains("= + - @")), "{meta}");

    let json: Json = serde_json::from_str(&read("indicators.json")).unwrap();
    let row = json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["indicator"] == INDICATOR && r["role"] == "target")
        .expect("the hostile indicator, exact");
    assert_eq!(row["project"], TITLE);
    assert_eq!(row["printed"], "-5");
    assert_eq!(row["value"], -5);
    let json: Json = serde_json::from_str(&read("evaluations.json")).unwrap();
    assert!(json["rows"].as_array().unwrap().iter().any(|r| r["comment"] == COMMENT && r["title"] == TITLE));
}

#[tokio::test]
async fn summary_csv_is_neutralised_and_xlsx_holds_strings() {
    let db = TestDb::new().await;
    let (store, _) = hostile(&db).await;
    let csv = summary_csv(&store, MITAKA, fy(2018), true).await.unwrap();
    let list = records(&csv);
    assert_eq!(list[0][4], "項目");
    assert_safe("summary", &list, &[8]);
    let rows: Vec<&Vec<String>> = list.iter().filter(|r| r[4] == format!("'{TITLE}")).collect();
    assert!(!rows.is_empty(), "企-1 is listed under its hostile title");
    assert!(rows.iter().all(|r| r[6].contains(DEPARTMENT)), "the hostile section is listed");
    assert!(rows.iter().all(|r| r[8] == "1" || r[8] == "0"), "集計対象 stays a number");

    let xlsx = summary_xlsx(&store, MITAKA, fy(2018)).await.unwrap();
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(xlsx)).expect("the workbook opens");
    let range = book.worksheet_range("一覧").unwrap();
    assert!(range.rows().any(|r| r[4] == Data::String(TITLE.to_string())), "the title exact, as a string cell");
    for name in book.sheet_names() {
        let formulas = book.worksheet_formula(&name).unwrap();
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "{name} has a formula");
    }
}

#[tokio::test]
async fn sheet_xlsx_keeps_hostile_narratives_as_text() {
    let db = TestDb::new().await;
    let (store, id) = hostile(&db).await;
    let xlsx = sheet_xlsx(&store, id, fy(2018)).await.unwrap();
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(xlsx)).expect("the workbook opens");
    let mut texts = Vec::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        texts.extend(range.used_cells().filter_map(|(_, _, c)| match c {
            Data::String(s) => Some(s.clone()),
            _ => None,
        }));
        let formulas = book.worksheet_formula(&name).unwrap();
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "{name} has a formula");
    }
    assert!(texts.iter().any(|t| t == TITLE), "the title as a string cell");
    assert!(texts.iter().any(|t| t.contains(NARRATIVE)), "the narrative as a string cell");
    assert!(texts.iter().any(|t| t == COMMENT), "the comment as a string cell");
}
