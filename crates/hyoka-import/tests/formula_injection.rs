//! Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab
//! or CR first) is written neutralised — a leading apostrophe in CSV, a
//! string cell in XLSX — and read back exactly, so round trips stay
//! lossless; numbers stay numbers. On the test backend.

#[path = "common/canonical_fixture.rs"]
mod canonical_fixture;
#[path = "common/dump.rs"]
mod dump;

use calamine::{Data, Reader, Xlsx};
use canonical_fixture::{seeded, stored, ITEM, MITAKA};
use hyoka_core::{Narrative, Yen};
use hyoka_import::{apply, canonical, normalize, Batch};
use hyoka_store::testing::TestDb;

const HYPERLINK: &str = "=HYPERLINK(\"http://example.com\",\"click\")";

/// The fixture with text of every dangerous start in text columns.
async fn dangerous() -> Batch {
    let (_db, store) = seeded(false).await;
    let mut batch = stored(&store).await;
    let city = batch.cities.iter_mut().find(|c| c.code == MITAKA).unwrap();
    let item = city.items.iter_mut().find(|i| i.key == ITEM).unwrap();
    item.title = HYPERLINK.into();
    item.narratives[0].text = Narrative::from_markup("+81 の電話番号\n- 箇条書き");
    item.narratives[0].label = "@見出し".into();
    item.budgets[0].figures.carried_over = Some(Yen(-500_000));
    item.budgets[0].execution_rate_printed = Some("-".into());
    let ind = city.indicators.iter_mut().find(|i| i.key == "ind-sns").unwrap();
    ind.definition = Some("'=すでにアポストロフィ".into());
    ind.unit = Some("''-".into());
    ind.values[0].printed = "-5".into();
    ind.values[1].printed = "\t先頭がタブ".into();
    ind.values[2].printed = "\r先頭が CR".into();
    city.plans[0].nodes[0].title = "+第3".into();
    for c in &mut batch.cities {
        normalize(c);
    }
    batch
}

#[tokio::test]
async fn csv_cells_that_look_like_formulas_get_an_apostrophe_and_read_back_exactly() {
    let batch = dangerous().await;
    let files = canonical::csv_files(&batch, true).unwrap();
    let text = |name: &str| String::from_utf8(files.iter().find(|(n, _)| n == name).unwrap().1.clone()).unwrap();
    let items = text("items.csv");
    assert!(items.contains(",\"'=HYPERLINK(\"\"http://example.com\"\",\"\"click\"\")\","), "{items}");
    let budgets = text("budgets.csv");
    assert!(budgets.contains(",-500000,"), "numbers stay numbers: {budgets}");
    assert!(budgets.contains(",'-\r\n") || budgets.contains(",'-,"), "a printed dash is text: {budgets}");
    let indicators = text("indicators.csv");
    assert!(indicators.contains(",''=すでにアポストロフィ,"), "{indicators}");
    assert!(indicators.contains(",'''-,"), "{indicators}");
    for (name, bytes) in &files {
        let body = String::from_utf8(bytes.clone()).unwrap();
        for cell in canonical_fixture::parse_csv(body.trim_start_matches('\u{FEFF}')).into_iter().flatten() {
            let raw = canonical::neutralise_csv_text(&cell);
            assert!(!raw.starts_with(['=', '+', '@', '\t', '\r']), "{name}: {raw:?}");
        }
    }
    let (mut read, _) = canonical::read_canonical(&files).unwrap();
    read.cities.iter_mut().for_each(normalize);
    assert_eq!(read, batch, "the text comes back exactly");
}

#[tokio::test]
async fn workbook_cells_that_look_like_formulas_are_string_cells_and_read_back_exactly() {
    let batch = dangerous().await;
    let book = canonical::xlsx_bytes(&batch).unwrap();
    let mut xlsx: Xlsx<_> = Xlsx::new(std::io::Cursor::new(book.clone())).unwrap();
    let items = xlsx.worksheet_range("items").unwrap();
    assert!(items.rows().any(|r| r.contains(&Data::String(HYPERLINK.into()))), "a string cell, as typed");
    let formulas = xlsx.worksheet_formula("items").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "no formula in the workbook");
    let budgets = xlsx.worksheet_range("budgets").unwrap();
    assert!(budgets.rows().any(|r| r.contains(&Data::Float(-500_000.0))), "numbers stay numbers");
    assert!(budgets.rows().any(|r| r.contains(&Data::String("-".into()))), "a printed dash is a string");

    let (mut read, _) = canonical::read_canonical(&[("hyoka.xlsx", book)]).unwrap();
    read.cities.iter_mut().for_each(normalize);
    assert_eq!(read, batch);
}

#[tokio::test]
async fn every_form_round_trips_the_dangerous_text_through_the_database() {
    let batch = dangerous().await;
    let db = TestDb::new().await;
    let store = db.store().await;
    apply(&store, &[("fixture".to_string(), batch.clone())], false).await.unwrap();
    let before = dump::dump(&db.url).await;
    let forms: Vec<Vec<(String, Vec<u8>)>> = vec![
        canonical::csv_files(&batch, false).unwrap(),
        vec![("hyoka.xlsx".into(), canonical::xlsx_bytes(&batch).unwrap())],
        vec![("hyoka.json".into(), canonical::json_bytes(&batch))],
    ];
    for files in forms {
        let (read, _) = canonical::read_canonical(&files).unwrap();
        let report = apply(&store, &[("again".to_string(), read)], false).await.unwrap();
        assert!(report.is_unchanged(), "{}", report.summary(10));
        before.assert_same(&dump::dump(&db.url).await, &files[0].0);
    }
}
