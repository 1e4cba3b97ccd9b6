//! Errors say what is wrong where, in Japanese, one short line each: a
//! broken canonical JSON is told as JSON (line and character), never as a
//! published document; a wrong header names its columns without echoing
//! the line; no English from serde or from number parsing reaches a person.
//! Read as `hyoka import` reads ([`read_inputs`]).

#[path = "common/canonical_fixture.rs"]
mod canonical_fixture;

use canonical_fixture::{seeded, stored, Sheets};
use hyoka_import::{canonical, read_inputs, ImportError};

fn refused(files: Vec<(String, Vec<u8>)>) -> ImportError {
    match read_inputs(&files) {
        Err(e) => e,
        Ok(_) => panic!("the files were accepted"),
    }
}

/// serde's and the standard library's words, which must not be shown.
const ENGLISH: &[&str] = &[
    "expected", "invalid", "missing", "unknown", "variant", "trailing", "EOF", "line ", "column", "error", "Error",
    "parse", "digit", "overflow", "integer", "string", "sequence", "struct", "found",
];

fn assert_plain_japanese(e: &ImportError, what: &str) {
    let shown = e.to_string();
    for word in ENGLISH {
        assert!(!shown.contains(word), "{what}: 「{word}」 in {shown}");
    }
    for line in shown.lines() {
        assert!(line.chars().count() < 200, "{what}: a short line each: {line}");
    }
}

#[tokio::test]
async fn a_broken_canonical_json_is_told_as_json_with_line_and_character() {
    let (_db, store) = seeded(false).await;
    let json = String::from_utf8(canonical::json_bytes(&stored(&store).await)).unwrap();
    // Cut in half: it was read as a published document before
    // (「…を年度として読み取れません」 at some line).
    let half = &json[..json.len() / 2];
    let e = refused(vec![("hyoka.json".into(), half.as_bytes().to_vec())]);
    assert_eq!(e.place.row, Some(half.lines().count()));
    assert!(e.message.starts_with("JSON が途中で終わっています（"), "{e}");
    assert_plain_japanese(&e, "cut");

    let line_of = |needle: &str| json.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let cases: Vec<(&str, String, usize, &str)> = vec![
        (
            "a doubled comma",
            json.replacen("\"name\": \"三鷹市\",", "\"name\": \"三鷹市\",,", 1),
            line_of("\"name\": \"三鷹市\""),
            "項目名は \"…\" で囲んで",
        ),
        (
            "a trailing comma",
            json.replacen("\"sections\": [", "\"sections\": [,", 1),
            line_of("\"sections\": ["),
            "値（",
        ),
        (
            "missing colon",
            json.replacen("\"name\": \"三鷹市\"", "\"name\" \"三鷹市\"", 1),
            line_of("\"name\": \"三鷹市\""),
            "「:」がありません",
        ),
        (
            "bad escape",
            json.replacen("\"name\": \"三鷹市\"", "\"name\": \"三鷹\\q市\"", 1),
            line_of("\"name\": \"三鷹市\""),
            "「\\」の使い方",
        ),
        (
            "a year as text",
            json.replacen("\"fiscal_year\": 2018", "\"fiscal_year\": \"abc\"", 1),
            line_of("\"fiscal_year\": 2018"),
            "文字列 \"abc\"ではなく整数を書いてください",
        ),
        (
            "a year out of range",
            json.replacen("\"fiscal_year\": 2018", "\"fiscal_year\": 99999", 1),
            line_of("\"fiscal_year\": 2018"),
            "99999年は扱える範囲",
        ),
        (
            "an unknown direction",
            json.replacen("\"direction\": \"higher_is_better\"", "\"direction\": \"upward\"", 1),
            line_of("\"direction\": \"higher_is_better\""),
            "\"upward\" は使えません（",
        ),
        (
            "null for text",
            json.replacen("\"name\": \"三鷹市\"", "\"name\": null", 1),
            line_of("\"name\": \"三鷹市\""),
            "nullではなく文字列",
        ),
        // Noticed where the object ends; its path names it.
        (
            "a missing field",
            json.replacen("\"level_names\":", "\"levels\":", 1),
            line_of("\"level_names\"") + 20,
            "cities[0].plans[0]: 値が正しくありません",
        ),
    ];
    for (what, text, line, expect) in cases {
        let e = refused(vec![("hyoka.json".into(), text.into_bytes())]);
        assert!(e.message.contains(expect), "{what}: {e}");
        assert_eq!(e.place.file, "hyoka.json", "{what}");
        let near = if what == "a missing field" { 25 } else { 2 };
        assert!(e.place.row.is_some_and(|r| r.abs_diff(line) <= near), "{what}: line {line}: {e}");
        assert!(e.message.contains("文字目"), "{what}: the character is named: {e}");
        assert_plain_japanese(&e, what);
    }
    // A value's path is named when the model refuses it.
    let e = refused(vec![(
        "hyoka.json".into(),
        json.replacen("\"fiscal_year\": 2018", "\"fiscal_year\": \"abc\"", 1).into_bytes(),
    )]);
    assert!(e.message.starts_with("cities[0].items[1].fiscal_year: "), "{e}");
    // Not ours at all.
    let e = refused(vec![("other.json".into(), b"[1, 2, 3]".to_vec())]);
    assert_eq!(e.message, "JSON の最上位がオブジェクト（{ … }）ではありません");
    let e = refused(vec![("other.json".into(), br#"{"cities": []}"#.to_vec())]);
    assert!(e.message.starts_with("hyoka の標準形式の JSON ではありません"), "{e}");
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let e = refused(vec![("deep.json".into(), format!("{{\"format\": {deep}}}").into_bytes())]);
    assert!(e.message.contains("入れ子が深すぎます"), "{e}");
    assert_plain_japanese(&e, "deep");
}

#[tokio::test]
async fn a_wrong_header_names_each_column_without_echoing_the_line() {
    let (_db, store) = seeded(false).await;
    let mut files = canonical::csv_files(&stored(&store).await, false).unwrap();
    let items = files.iter_mut().find(|(n, _)| n == "items.csv").unwrap();
    let text = String::from_utf8(items.1.clone()).unwrap();
    // A 630 KB first cell where the header belongs, and a column renamed.
    let huge = "x".repeat(630 * 1024);
    let header = text.lines().next().unwrap().replacen("municipality_code", &huge, 1).replacen("title", "titel", 1);
    items.1 = format!("{header}\r\n{}", text.split_once("\r\n").unwrap().1).into_bytes();
    let e = refused(files);
    let shown = e.to_string();
    assert!(shown.len() < 2_000, "the line is not echoed: {} bytes", shown.len());
    let lines: Vec<&str> = shown.lines().collect();
    assert_eq!(lines.len(), 4, "one line each: {shown}");
    assert!(lines[0].starts_with("items.csv 1行目 列「xxxxxxxx"), "{shown}");
    assert!(lines[0].contains("…」（1列目）は表 items の列ではありません"), "{shown}");
    assert_eq!(lines[1], "items.csv 1行目 列「titel」: 列「titel」（5列目）は表 items の列ではありません");
    assert_eq!(lines[2], "items.csv 1行目 列「municipality_code」: 列「municipality_code」がありません（表 items）");
    assert_eq!(lines[3], "items.csv 1行目 列「title」: 列「title」がありません（表 items）");
    assert_plain_japanese(&e, "header");
}

#[tokio::test]
async fn numbers_that_do_not_parse_are_told_in_japanese() {
    let (_db, store) = seeded(false).await;
    let exported = stored(&store).await;
    let mut sheets = Sheets::from_csv(&canonical::csv_files(&exported, false).unwrap());
    sheets.set("plan_levels", 2, "level", "99999999999999999999").set("plan_levels", 3, "level", "一");
    let e = refused(sheets.to_csv());
    assert_eq!(e.count(), 2, "{e}");
    assert!(e.message.contains("整数で入力してください"), "{e}");
    assert_plain_japanese(&e, "integers");
    let mut sheets = Sheets::from_csv(&canonical::csv_files(&exported, false).unwrap());
    sheets.set("budgets", 2, "initial_yen", "1e9").set("budgets", 3, "fiscal_year", "9".repeat(40).as_str());
    let e = refused(sheets.to_csv());
    assert_plain_japanese(&e, "yen and years");
    assert!(e.to_string().contains("を年度として読み取れません"), "{e}");
}

#[tokio::test]
async fn a_file_written_before_the_cost_columns_still_reads() {
    let (_db, store) = seeded(false).await;
    let exported = stored(&store).await;
    let mut files = canonical::csv_files(&exported, false).unwrap();
    let budgets = files.iter_mut().find(|(n, _)| n == "budgets.csv").unwrap();
    let text = String::from_utf8(budgets.1.clone()).unwrap();
    // The budgets table as files had it before migration 0011: its first nine columns.
    let old: String = text
        .split("\r\n")
        .map(|line| line.split(',').take(9).collect::<Vec<_>>().join(","))
        .collect::<Vec<_>>()
        .join("\r\n");
    assert!(old.starts_with("municipality_code,item_key,fiscal_year,") && old.contains("execution_rate_printed\r\n"));
    budgets.1 = old.into_bytes();
    let inputs = read_inputs(&files).expect("an older file reads");
    assert_eq!(inputs.batches.len(), 1);
    let batch = &inputs.batches[0].1;
    let budget = |b: &hyoka_import::Batch| {
        b.cities.iter().flat_map(|c| &c.items).flat_map(|i| &i.budgets).map(|r| r.figures.clone()).collect::<Vec<_>>()
    };
    let (before, after) = (budget(&exported), budget(batch));
    assert!(before.iter().any(|f| !f.staff.is_empty()), "the fixture holds cost lines");
    assert!(after.iter().all(|f| f.staff.is_empty() && f.funding.is_empty()), "absent columns read as blank");
    let strip = |f: &hyoka_core::BudgetFigures| hyoka_core::BudgetFigures {
        funding: Default::default(),
        staff: Default::default(),
        ..f.clone()
    };
    assert_eq!(before.iter().map(strip).collect::<Vec<_>>(), after, "the rest is as exported");

    // A column that was always there is still required.
    let budgets = files.iter_mut().find(|(n, _)| n == "budgets.csv").unwrap();
    let text = String::from_utf8(budgets.1.clone()).unwrap().replacen("settlement_yen", "settled_yen", 1);
    budgets.1 = text.into_bytes();
    let e = refused(files).to_string();
    assert!(e.contains("列「settlement_yen」がありません（表 budgets）"), "{e}");
}
