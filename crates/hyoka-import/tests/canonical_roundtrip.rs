//! The canonical formats round trip, on the test backend: a city exported
//! from the store, read back and applied to a fresh database, exports the
//! same content again — for CSV (UTF-8, UTF-8 with BOM, Shift_JIS), XLSX
//! (ours, and as LibreOffice saves it) and JSON.

#[path = "common/canonical_fixture.rs"]
mod canonical_fixture;

use canonical_fixture::{seeded, stored, Sheets, ITEM, MITAKA};
use hyoka_import::canonical::{self, CanonicalKind};
use hyoka_import::{apply, normalize, Batch};
use hyoka_store::testing::libreoffice::{convert, soffice, temp_dir};
use hyoka_store::testing::TestDb;

/// Reads the files, checks the batch equals what was exported, applies it
/// to a fresh database and checks that what comes back out is the same.
/// Returns the notes.
async fn round_trip(files: &[(String, Vec<u8>)], expected: &Batch) -> Vec<String> {
    let (mut read, notes) = canonical::read_canonical(files).unwrap_or_else(|e| panic!("{e}"));
    for city in &mut read.cities {
        normalize(city);
    }
    assert_eq!(&read, expected, "the files read back as they were exported");

    let db = TestDb::new().await;
    let store = db.store().await;
    apply(&store, &[("canonical".to_string(), read)], false).await.unwrap();
    assert_eq!(&stored(&store).await, expected, "the store holds what was exported");
    notes
}

#[tokio::test]
async fn csv_utf8_with_bom_round_trips_byte_for_byte() {
    let (_db, store) = seeded(false).await;
    let exported = stored(&store).await;
    let files = canonical::csv_files(&exported, true).unwrap();
    assert_eq!(files.len(), canonical::TABLES.len());
    assert!(files.iter().all(|(_, b)| b.starts_with(b"\xEF\xBB\xBF")));

    let notes = round_trip(&files, &exported).await;
    assert!(notes.iter().any(|n| n.starts_with("items.csv: 文字コード UTF-8（BOMあり）")), "{notes:?}");

    // Importing into the database it came from changes nothing.
    let (read, _) = canonical::read_canonical(&files).unwrap();
    let report = apply(&store, &[("canonical".to_string(), read)], false).await.unwrap();
    assert!(report.cities.iter().all(|c| c.is_unchanged()), "{:?}", report.cities);

    // Export → import → export gives the same bytes.
    let db = TestDb::new().await;
    let fresh = db.store().await;
    let (read, _) = canonical::read_canonical(&files).unwrap();
    apply(&fresh, &[("canonical".to_string(), read)], false).await.unwrap();
    assert_eq!(canonical::csv_files(&stored(&fresh).await, true).unwrap(), files);
}

#[tokio::test]
async fn csv_utf8_without_bom_round_trips() {
    let (_db, store) = seeded(false).await;
    let exported = stored(&store).await;
    let files = canonical::csv_files(&exported, false).unwrap();
    assert!(files.iter().all(|(_, b)| !b.starts_with(b"\xEF\xBB\xBF")));
    let notes = round_trip(&files, &exported).await;
    assert!(notes.iter().any(|n| n.starts_with("items.csv: 文字コード UTF-8、")), "{notes:?}");
}

#[tokio::test]
async fn csv_in_shift_jis_as_japanese_excel_saves_it_round_trips() {
    let (_db, store) = seeded(true).await;
    let exported = stored(&store).await;
    let files: Vec<(String, Vec<u8>)> = canonical::csv_files(&exported, false)
        .unwrap()
        .into_iter()
        .map(|(name, bytes)| {
            let (sjis, _, unmappable) = encoding_rs::SHIFT_JIS.encode(std::str::from_utf8(&bytes).unwrap());
            assert!(!unmappable, "{name}: the SJIS-safe fixture has a character Shift_JIS lacks");
            (name, sjis.into_owned())
        })
        .collect();
    assert!(std::str::from_utf8(&files.iter().find(|(n, _)| n == "narratives.csv").unwrap().1).is_err());
    let notes = round_trip(&files, &exported).await;
    assert!(notes.iter().any(|n| n.starts_with("narratives.csv: 文字コード Shift_JIS（CP932）")), "{notes:?}");
}

#[tokio::test]
async fn xlsx_round_trips_with_the_same_bytes() {
    let (_db, store) = seeded(false).await;
    let exported = stored(&store).await;
    let book = canonical::xlsx_bytes(&exported).unwrap();
    assert_eq!(canonical::detect(&book), Some(CanonicalKind::Xlsx));
    let files = vec![("hyoka.xlsx".to_string(), book.clone())];
    round_trip(&files, &exported).await;

    let db = TestDb::new().await;
    let fresh = db.store().await;
    let (read, _) = canonical::read_canonical(&files).unwrap();
    apply(&fresh, &[("canonical".to_string(), read)], false).await.unwrap();
    assert_eq!(canonical::xlsx_bytes(&stored(&fresh).await).unwrap(), book, "the workbook carries no timestamp");
}

#[tokio::test]
async fn json_round_trips_byte_for_byte() {
    let (_db, store) = seeded(false).await;
    let exported = stored(&store).await;
    let json = canonical::json_bytes(&exported);
    assert!(std::str::from_utf8(&json)
        .unwrap()
        .starts_with("{\n  \"format\": \"hyoka-canonical\",\n  \"version\": 1,"));
    assert_eq!(canonical::detect(&json), Some(CanonicalKind::Json));
    let files = vec![("hyoka.json".to_string(), json.clone())];
    let notes = round_trip(&files, &exported).await;
    assert!(notes[0].starts_with("hyoka.json: JSON"), "{notes:?}");

    let db = TestDb::new().await;
    let fresh = db.store().await;
    let (read, _) = canonical::read_canonical(&files).unwrap();
    apply(&fresh, &[("canonical".to_string(), read)], false).await.unwrap();
    assert_eq!(canonical::json_bytes(&stored(&fresh).await), json);
}

#[tokio::test]
async fn the_files_write_to_disk_and_read_back() {
    let (_db, store) = seeded(false).await;
    let exported = stored(&store).await;
    let dir = temp_dir("files");
    let paths = canonical::write_csv_dir(&exported, &dir.join("csv"), true).unwrap();
    assert_eq!(paths.len(), canonical::TABLES.len());
    canonical::write_xlsx(&exported, &dir.join("hyoka.xlsx")).unwrap();
    canonical::write_json(&exported, &dir.join("hyoka.json")).unwrap();
    for set in [paths, vec![dir.join("hyoka.xlsx")], vec![dir.join("hyoka.json")]] {
        let files: Vec<(String, Vec<u8>)> =
            set.iter().map(|p| (p.display().to_string(), std::fs::read(p).unwrap())).collect();
        let (mut read, _) = canonical::read_canonical(&files).unwrap_or_else(|e| panic!("{e}"));
        read.cities.iter_mut().for_each(normalize);
        assert_eq!(read, exported);
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn columns_may_come_in_any_order() {
    let (_db, store) = seeded(false).await;
    let exported = stored(&store).await;
    let mut sheets = Sheets::from_csv(&canonical::csv_files(&exported, false).unwrap());
    for (_, rows) in &mut sheets.0 {
        for row in rows.iter_mut() {
            row.reverse();
        }
    }
    round_trip(&sheets.to_csv(), &exported).await;
}

#[tokio::test]
async fn numbers_typed_in_excel_and_japanese_years_are_read() {
    let (_db, store) = seeded(false).await;
    let exported = stored(&store).await;
    let mut sheets = Sheets::from_csv(&canonical::csv_files(&exported, false).unwrap());
    // A person writes years as they know them.
    sheets.set("budgets", 2, "fiscal_year", "平成30年度").set("budgets", 3, "fiscal_year", "R01");
    let row = sheets.row_where("items", "item_key", ITEM);
    assert_eq!(sheets.get("items", row, "fiscal_year"), "2018");
    sheets.set("items", row, "fiscal_year", "２０１８");
    assert_eq!(sheets.get("budgets", 2, "initial_yen"), "309424000");
    sheets.set("budgets", 2, "initial_yen", "309,424,000");
    // Codes, years, yen and positions typed as numbers: 132047 → "132047".
    let book = sheets.to_xlsx(true);
    round_trip(&[("typed.xlsx".to_string(), book)], &exported).await;
}

#[tokio::test]
async fn a_workbook_may_carry_a_sheet_of_notes() {
    let (_db, store) = seeded(false).await;
    let exported = stored(&store).await;
    let mut sheets = Sheets::from_csv(&canonical::csv_files(&exported, false).unwrap());
    sheets.0.push(("メモ".to_string(), vec![vec!["自由に書けるシート".to_string()]]));
    let notes = round_trip(&[("notes.xlsx".to_string(), sheets.to_xlsx(false))], &exported).await;
    assert!(notes.iter().any(|n| n.contains("シート「メモ」は標準形式の表ではないため読み飛ばしました")), "{notes:?}");
}

// ----------------------------------------------------------- LibreOffice

#[tokio::test]
async fn libreoffice_opens_the_workbook_and_saves_what_reads_back() {
    assert!(soffice().exists());
    let (_db, store) = seeded(false).await;
    let exported = stored(&store).await;
    let dir = temp_dir("libreoffice");
    let ours = dir.join("hyoka.xlsx");
    canonical::write_xlsx(&exported, &ours).unwrap();
    let profile = dir.join("profile");

    // Saved again as XLSX by LibreOffice: the cells keep their types.
    let resaved = dir.join("resaved");
    convert(&profile, "xlsx:Calc MS Excel 2007 XML", &resaved, &ours);
    let book = std::fs::read(resaved.join("hyoka.xlsx")).unwrap();
    round_trip(&[("resaved.xlsx".to_string(), book.clone())], &exported).await;
    {
        use calamine::{Data, Reader, Xlsx};
        let mut xlsx: Xlsx<_> = Xlsx::new(std::io::Cursor::new(book)).unwrap();
        let names = xlsx.sheet_names();
        assert_eq!(names, canonical::TABLES.iter().map(|t| t.name.to_string()).collect::<Vec<_>>());
        let cities = xlsx.worksheet_range("municipalities").unwrap();
        assert_eq!(cities.get_value((1, 0)), Some(&Data::String(MITAKA.to_string())), "132047 stays text");
        assert_eq!(cities.get_value((2, 0)), Some(&Data::String("011002".to_string())), "the leading zero stays");
        assert_eq!(cities.get_value((1, 1)), Some(&Data::String("三鷹市".to_string())));
        let narratives = xlsx.worksheet_range("narratives").unwrap();
        let text = narratives.get_value((1, 6)).unwrap().to_string();
        assert!(text.contains("\n- ・市Facebook\n"), "a multi-line narrative in one cell: {text:?}");
        let values = xlsx.worksheet_range("indicator_values").unwrap();
        assert!(values.rows().any(|r| r[5] == Data::String("132047".into())), "a printed number stays text");
        assert!(values.rows().any(|r| r[5] == Data::String("0件".into())));
    }

    // Saved as CSV, one file per sheet (LibreOffice ≥ 7.2): the set reads back.
    let csv = dir.join("csv");
    convert(&profile, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", &csv, &ours);
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&csv)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    files.sort();
    assert_eq!(files.len(), canonical::TABLES.len(), "{:?}", files.iter().map(|f| &f.0).collect::<Vec<_>>());
    assert!(files.iter().any(|(n, _)| n == "hyoka-municipalities.csv"));
    round_trip(&files, &exported).await;

    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn every_table_and_column_is_documented() {
    let docs = std::fs::read_to_string(format!("{}/../../docs/formats.md", env!("CARGO_MANIFEST_DIR"))).unwrap();
    for t in &canonical::TABLES {
        let heading = format!("### `{}`", t.name);
        let at = docs.find(&heading).unwrap_or_else(|| panic!("docs/formats.md has no {heading}"));
        let section = &docs[at + heading.len()..];
        let section = &section[..section.find("\n### ").unwrap_or(section.len())];
        for c in t.columns {
            assert!(section.contains(&format!("`{}`", c.name)), "docs/formats.md: {} lacks `{}`", t.name, c.name);
        }
    }
}

#[tokio::test]
async fn the_store_keeps_the_fixture_as_built() {
    // The round trips start from the store; this shows the store holds
    // every field of the hand-built fixture, so they cover all of it.
    let (_db, store) = seeded(false).await;
    let mut expected = canonical_fixture::batch(false);
    expected.cities.iter_mut().for_each(normalize);
    assert_eq!(stored(&store).await, expected);
}
