//! Control characters other than tab and line breaks are refused where
//! text enters — CSV, XLSX, JSON and published documents — naming file,
//! sheet, row and column (or line), before anything is written. PostgreSQL
//! refuses NUL with a raw database error; SQLite stored it silently.

#[path = "common/canonical_fixture.rs"]
mod canonical_fixture;
#[path = "common/dump.rs"]
mod dump;
#[path = "common/seeds.rs"]
mod seeds;

use canonical_fixture::{seeded, stored, Sheets};
use hyoka_import::canonical::{self, read_canonical};
use hyoka_import::{apply, read_published, ImportError};

/// Reads the files as `hyoka import` does; the reading must fail.
fn refused(files: &[(String, Vec<u8>)]) -> ImportError {
    match read_canonical(files) {
        Err(e) => e,
        Ok(_) => panic!("the files were accepted"),
    }
}

#[tokio::test]
async fn a_nul_in_a_csv_cell_is_refused_naming_the_cell() {
    let (db, store) = seeded(false).await;
    let before = dump::dump(&db.url).await;
    let exported = stored(&store).await;
    let mut sheets = Sheets::from_csv(&canonical::csv_files(&exported, false).unwrap());
    sheets.set("narratives", 2, "text", "前\u{0}後").set("items", 3, "title", "見出し\u{1B}");
    let e = refused(&sheets.to_csv());
    // The first bad table is items (read before narratives).
    assert_eq!((e.place.file.as_str(), e.place.row, e.place.column.as_deref()), ("items.csv", Some(3), Some("title")));
    assert_eq!(e.message, "4文字目に制御文字 U+001B（ESC）があります。タブと改行のほかの制御文字は使えません（元のファイルで削除してください）");
    sheets.set("items", 3, "title", "見出し");
    let e = refused(&sheets.to_csv());
    assert_eq!(
        (e.place.file.as_str(), e.place.row, e.place.column.as_deref()),
        ("narratives.csv", Some(2), Some("text"))
    );
    assert!(e.message.starts_with("2文字目に制御文字 U+0000（NUL）があります"), "{e}");
    // Tabs and line breaks are text.
    sheets.set("narratives", 2, "text", "一行目\r\n二行目\tタブ");
    let (batch, _) = read_canonical(&sheets.to_csv()).unwrap();
    apply(&store, &[("edited".to_string(), batch)], false).await.unwrap();
    assert_ne!(dump::dump(&db.url).await, before, "the text with tab and line breaks is stored");
}

#[tokio::test]
async fn a_control_character_in_a_workbook_cell_is_refused_naming_sheet_row_and_column() {
    let (_db, store) = seeded(false).await;
    let exported = stored(&store).await;
    let mut sheets = Sheets::from_csv(&canonical::csv_files(&exported, false).unwrap());
    sheets.set("indicators", 2, "definition", "定義\u{7}");
    let e = refused(&[("hyoka.xlsx".to_string(), sheets.to_xlsx(false))]);
    assert_eq!(
        (e.place.file.as_str(), e.place.sheet.as_deref(), e.place.row, e.place.column.as_deref()),
        ("hyoka.xlsx", Some("indicators"), Some(2), Some("definition"))
    );
    assert!(e.message.starts_with("3文字目に制御文字 U+0007（BEL）"), "{e}");
}

#[tokio::test]
async fn a_control_character_in_json_is_refused_with_its_line() {
    let (_db, store) = seeded(false).await;
    let json = String::from_utf8(canonical::json_bytes(&stored(&store).await)).unwrap();
    let line = json.lines().position(|l| l.contains("\"title\"")).unwrap() + 1;
    // Escaped, as JSON writers spell it.
    let escaped = json.replacen("\"title\": \"", "\"title\": \"\\u0000", 1);
    let e = refused(&[("hyoka.json".to_string(), escaped.into_bytes())]);
    assert_eq!((e.place.file.as_str(), e.place.row), ("hyoka.json", Some(line)));
    assert!(e.message.contains("制御文字 U+0000（NUL）（\\u0000）があります"), "{e}");
    // Raw: not JSON at all.
    let raw = json.replacen("\"title\": \"", "\"title\": \"\u{1}", 1);
    let e = refused(&[("hyoka.json".to_string(), raw.into_bytes())]);
    assert_eq!(e.place.row, Some(line));
    assert!(e.message.starts_with("JSON の書き方に誤りがあります"), "{e}");
    // An escaped backslash before `u0000` is text, not a control character.
    let text = json.replacen("\"title\": \"", "\"title\": \"\\\\u0000", 1);
    read_canonical(&[("hyoka.json".to_string(), text.into_bytes())]).unwrap();
}

#[test]
fn a_control_character_in_a_published_document_is_refused_with_its_line() {
    let file = seeds::SEEDS[4];
    let text = seeds::seed_text(file);
    let broken = text.replacen("部の目標", "部の\u{0}目標", 1);
    let line = broken.lines().position(|l| l.contains('\u{0}')).unwrap() + 1;
    let e = read_published(file, &broken).unwrap_err();
    assert_eq!((e.place.file.as_str(), e.place.row), (file, Some(line)));
    assert!(e.message.starts_with("3文字目に制御文字 U+0000（NUL）があります"), "{e}");
}
