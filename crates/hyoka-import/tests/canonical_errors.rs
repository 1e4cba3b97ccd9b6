//! Bad canonical input, on the test backend: each case names the file,
//! sheet, row and column of the problem in Japanese, and leaves the
//! database exactly as it was, whether reading or applying refused it.

#[path = "common/canonical_fixture.rs"]
mod canonical_fixture;

use canonical_fixture::{seeded, stored, Sheets, ITEM, MITAKA, SAPPORO};
use hyoka_import::canonical::{self, read_canonical};
use hyoka_import::{apply, ApplyError, Batch, ImportError, Place};
use hyoka_store::testing::TestDb;
use hyoka_store::Store;

type Files = Vec<(String, Vec<u8>)>;

/// A database holding the fixture, and what it held before the import.
struct Seeded {
    _db: TestDb,
    store: Store,
    before: Batch,
}

#[derive(Debug)]
enum Failure {
    Read(ImportError),
    Apply(ApplyError),
}

async fn setup() -> Seeded {
    let (db, store) = seeded(false).await;
    let before = stored(&store).await;
    Seeded { _db: db, store, before }
}

impl Seeded {
    /// The exported tables, to edit as a person would.
    fn sheets(&self) -> Sheets {
        Sheets::from_csv(&canonical::csv_files(&self.before, false).unwrap())
    }

    /// Reads and applies as `hyoka import` does; it must fail, and the
    /// database must be as it was.
    async fn refuses(&self, files: &[(String, Vec<u8>)]) -> Failure {
        let failure = match read_canonical(files) {
            Err(e) => Failure::Read(e),
            Ok((batch, _)) => match apply(&self.store, &[("canonical".to_string(), batch)], false).await {
                Ok(_) => panic!("the import was accepted"),
                Err(e) => Failure::Apply(e),
            },
        };
        assert_eq!(stored(&self.store).await, self.before, "the database is unchanged");
        failure
    }

    async fn refuses_reading(&self, files: &[(String, Vec<u8>)]) -> ImportError {
        match self.refuses(files).await {
            Failure::Read(e) => e,
            Failure::Apply(e) => panic!("expected a reading error, got from apply: {e}"),
        }
    }
}

#[track_caller]
fn assert_place(
    e: &ImportError,
    file: &str,
    sheet: Option<&str>,
    row: Option<usize>,
    column: Option<&str>,
    message: &str,
) {
    // Shown with `-- --nocapture`, to read the messages as a user would.
    eprintln!("{e}");
    let expected =
        Place { file: file.to_string(), sheet: sheet.map(str::to_string), row, column: column.map(str::to_string) };
    assert_eq!(e.place, expected, "{e}");
    assert!(e.message.contains(message), "expected 「{message}」 in: {e}");
}

fn replace(files: &mut Files, name: &str, bytes: Vec<u8>) {
    files.iter_mut().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no file {name}")).1 = bytes;
}

fn json(before: &Batch) -> String {
    String::from_utf8(canonical::json_bytes(before)).unwrap()
}

/// The 1-based line of the first line containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("no line with {needle}")) + 1
}

// -------------------------------------------------------------- headers

#[tokio::test]
async fn a_missing_column_is_named() {
    let s = setup().await;
    let mut sheets = s.sheets();
    let items = sheets.table("items");
    let c = items[0].iter().position(|h| h == "title").unwrap();
    items.iter_mut().for_each(|r| {
        r.remove(c);
    });
    let e = s.refuses_reading(&sheets.to_csv()).await;
    assert_place(&e, "items.csv", None, Some(1), Some("title"), "列「title」がありません");
}

#[tokio::test]
async fn an_unknown_extra_column_is_named() {
    let s = setup().await;
    let mut sheets = s.sheets();
    for (i, r) in sheets.table("items").iter_mut().enumerate() {
        r.push(if i == 0 { "memo".into() } else { "メモ".into() });
    }
    let e = s.refuses_reading(&sheets.to_csv()).await;
    assert_place(&e, "items.csv", None, Some(1), Some("memo"), "列「memo」（8列目）は表 items の列ではありません");
}

#[tokio::test]
async fn a_csv_whose_header_matches_no_table_is_refused() {
    let s = setup().await;
    let mut files = s.sheets().to_csv();
    files.push(("集計.csv".into(), "年度,件数\r\n2018,3\r\n".into()));
    let e = s.refuses_reading(&files).await;
    assert_place(&e, "集計.csv", None, Some(1), Some("年度"), "どの表の列とも一致しません");
}

#[tokio::test]
async fn two_files_for_one_table_are_refused() {
    let s = setup().await;
    let mut files = s.sheets().to_csv();
    let items = files.iter().find(|(n, _)| n == "items.csv").unwrap().1.clone();
    files.push(("items (2).csv".into(), items));
    let e = s.refuses_reading(&files).await;
    assert_place(
        &e,
        "items (2).csv",
        None,
        None,
        None,
        "表 items のファイルが2つあります（items.csv と items (2).csv）",
    );
}

#[tokio::test]
async fn a_csv_set_missing_a_table_lists_what_is_missing() {
    let s = setup().await;
    let files: Files =
        s.sheets().to_csv().into_iter().filter(|(n, _)| n != "plans.csv" && n != "judgements.csv").collect();
    let e = s.refuses_reading(&files).await;
    assert_place(&e, "plans.csv", None, None, None, "足りない表: plans.csv, judgements.csv");
}

// -------------------------------------------------------------- cells

#[tokio::test]
async fn text_where_a_year_belongs() {
    let s = setup().await;
    let mut sheets = s.sheets();
    sheets.set("budgets", 3, "fiscal_year", "abc");
    let e = s.refuses_reading(&sheets.to_csv()).await;
    assert_place(&e, "budgets.csv", None, Some(3), Some("fiscal_year"), "「abc」を年度として読み取れません");
}

#[tokio::test]
async fn every_bad_row_of_a_table_is_listed_at_once() {
    let s = setup().await;
    let mut sheets = s.sheets();
    sheets.set("budgets", 2, "fiscal_year", "abc");
    sheets.set("budgets", 3, "fiscal_year", "xyz");
    // A later table is not read once one is bad: its references could not
    // be checked, so its problems would be guesses.
    sheets.set("indicator_values", 4, "role", "goal");
    let e = s.refuses_reading(&sheets.to_csv()).await;
    assert_place(&e, "budgets.csv", None, Some(2), Some("fiscal_year"), "「abc」を年度として読み取れません");
    assert_eq!(e.count(), 2, "{e}");
    let (place, message) = &e.also()[0];
    assert_eq!(*place, Place::cell("budgets.csv", None, 3, "fiscal_year"));
    assert!(message.contains("「xyz」を年度として読み取れません"), "{message}");
    let shown = e.to_string();
    assert_eq!(shown.lines().count(), 2, "one line per problem: {shown}");
    assert!(shown.lines().nth(1).unwrap().starts_with("budgets.csv 3行目 列「fiscal_year」: "), "{shown}");
}

#[tokio::test]
async fn a_role_that_does_not_exist() {
    let s = setup().await;
    let mut sheets = s.sheets();
    sheets.set("indicator_values", 4, "role", "goal");
    let e = s.refuses_reading(&sheets.to_csv()).await;
    assert_place(
        &e,
        "indicator_values.csv",
        None,
        Some(4),
        Some("role"),
        "値の種類（role）は baseline, target, actual のいずれかです: \"goal\"",
    );
}

#[tokio::test]
async fn a_direction_that_does_not_exist() {
    let s = setup().await;
    let mut sheets = s.sheets();
    let row = sheets.row_where("indicators", "indicator_key", "ind-crime");
    sheets.set("indicators", row, "direction", "up");
    let e = s.refuses_reading(&sheets.to_csv()).await;
    assert_place(
        &e,
        "indicators.csv",
        None,
        Some(row),
        Some("direction"),
        "方向（direction）は higher, lower, maintain, bound, milestone のいずれかです: \"up\"",
    );
}

#[tokio::test]
async fn a_stage_that_does_not_exist() {
    let s = setup().await;
    let mut sheets = s.sheets();
    sheets.set("evaluations", 2, "stage", "年度末");
    let e = s.refuses_reading(&sheets.to_csv()).await;
    assert_place(
        &e,
        "evaluations.csv",
        None,
        Some(2),
        Some("stage"),
        "時期（stage）は midyear, yearend, first, second",
    );
}

#[tokio::test]
async fn an_empty_required_cell() {
    let s = setup().await;
    let mut sheets = s.sheets();
    let row = sheets.row_where("indicators", "indicator_key", "ind-sns");
    sheets.set("indicators", row, "name", "");
    let e = s.refuses_reading(&sheets.to_csv()).await;
    assert_place(&e, "indicators.csv", None, Some(row), Some("name"), "必須の値が空です");
}

#[tokio::test]
async fn yen_with_a_fraction() {
    let s = setup().await;
    let mut sheets = s.sheets();
    sheets.set("budgets", 2, "settlement_yen", "301762000.5");
    let e = s.refuses_reading(&sheets.to_csv()).await;
    assert_place(&e, "budgets.csv", None, Some(2), Some("settlement_yen"), "小数は使えません");
}

#[tokio::test]
async fn yen_with_a_unit() {
    let s = setup().await;
    let mut sheets = s.sheets();
    sheets.set("budgets", 2, "initial_yen", "309,424千円");
    let e = s.refuses_reading(&sheets.to_csv()).await;
    assert_place(&e, "budgets.csv", None, Some(2), Some("initial_yen"), "金額は円単位の整数で入力してください");
}

#[tokio::test]
async fn a_flag_that_is_not_0_or_1() {
    let s = setup().await;
    let mut sheets = s.sheets();
    sheets.set("placements", 2, "relisting", "はい");
    let e = s.refuses_reading(&sheets.to_csv()).await;
    assert_place(&e, "placements.csv", None, Some(2), Some("relisting"), "0 または 1 で入力してください: \"はい\"");
}

#[tokio::test]
async fn rows_with_the_same_key() {
    let s = setup().await;
    let mut sheets = s.sheets();
    let budgets = sheets.table("budgets");
    let mut copy = budgets[1].clone();
    copy[3] = "1".into();
    budgets.push(copy);
    let e = s.refuses_reading(&sheets.to_csv()).await;
    assert_place(
        &e,
        "budgets.csv",
        None,
        Some(4),
        Some("item_key"),
        "同じキー（municipality_code, item_key, fiscal_year）の行が2回あります（2行目と4行目）",
    );
}

#[tokio::test]
async fn the_same_year_written_two_ways_is_the_same_key() {
    let s = setup().await;
    let mut sheets = s.sheets();
    sheets.set("budgets", 3, "fiscal_year", "平成30年度");
    let e = s.refuses_reading(&sheets.to_csv()).await;
    assert_place(&e, "budgets.csv", None, Some(3), Some("item_key"), "（2行目と3行目）");
}

// -------------------------------------------------------------- references

#[tokio::test]
async fn an_unknown_municipality_code() {
    let s = setup().await;
    let mut sheets = s.sheets();
    sheets.set("items", 3, "municipality_code", "999999");
    let e = s.refuses_reading(&sheets.to_csv()).await;
    assert_place(
        &e,
        "items.csv",
        None,
        Some(3),
        Some("municipality_code"),
        "この自治体コード \"999999\" は municipalities にありません",
    );
}

#[tokio::test]
async fn a_code_that_lost_its_leading_zero_gets_a_hint() {
    let s = setup().await;
    let mut sheets = s.sheets();
    let row = sheets.row_where("items", "municipality_code", SAPPORO);
    sheets.set("items", row, "municipality_code", "11002");
    let e = s.refuses_reading(&sheets.to_csv()).await;
    assert_place(&e, "items.csv", None, Some(row), Some("municipality_code"), "先頭の 0 が落ちていませんか");
}

#[tokio::test]
async fn an_unknown_indicator_key() {
    let s = setup().await;
    let mut sheets = s.sheets();
    sheets.set("judgements", 3, "indicator_key", "ind-none");
    let e = s.refuses_reading(&sheets.to_csv()).await;
    assert_place(
        &e,
        "judgements.csv",
        None,
        Some(3),
        Some("indicator_key"),
        "indicator_key \"ind-none\" は indicators にありません",
    );
}

#[tokio::test]
async fn an_unknown_item_key() {
    let s = setup().await;
    let mut sheets = s.sheets();
    sheets.set("narratives", 2, "item_key", "no-such-item");
    let e = s.refuses_reading(&sheets.to_csv()).await;
    assert_place(
        &e,
        "narratives.csv",
        None,
        Some(2),
        Some("item_key"),
        "item_key \"no-such-item\" は items にありません",
    );
}

#[tokio::test]
async fn a_placement_in_an_unknown_node() {
    let s = setup().await;
    let mut sheets = s.sheets();
    let row = sheets.row_where("placements", "node_code", "第3-2-(1)");
    sheets.set("placements", row, "node_code", "第9");
    let e = s.refuses_reading(&sheets.to_csv()).await;
    assert_place(
        &e,
        "placements.csv",
        None,
        Some(row),
        Some("node_code"),
        "計画 \"basic-plan-4\" の項目 \"第9\" は plan_nodes にありません",
    );
}

#[tokio::test]
async fn an_indicator_with_a_plan_but_no_node() {
    let s = setup().await;
    let mut sheets = s.sheets();
    let row = sheets.row_where("indicators", "indicator_key", "ind-crime");
    sheets.set("indicators", row, "node_code", "");
    let e = s.refuses_reading(&sheets.to_csv()).await;
    assert_place(&e, "indicators.csv", None, Some(row), Some("node_code"), "plan_code と node_code は両方書くか");
}

#[tokio::test]
async fn a_related_node_must_exist_and_name_both_codes() {
    let s = setup().await;
    let mut sheets = s.sheets();
    let row = sheets.row_where("indicators", "indicator_key", "ind-sns");
    sheets.set("indicators", row, "related_node_code", "");
    let e = s.refuses_reading(&sheets.to_csv()).await;
    assert_place(
        &e,
        "indicators.csv",
        None,
        Some(row),
        Some("related_node_code"),
        "related_plan_code と related_node_code は両方書くか",
    );
    sheets.set("indicators", row, "related_node_code", "9-(9)");
    let e = s.refuses_reading(&sheets.to_csv()).await;
    assert_place(
        &e,
        "indicators.csv",
        None,
        Some(row),
        Some("related_node_code"),
        "計画 \"action-plan-2022\" の項目 \"9-(9)\" は plan_nodes にありません",
    );
}

#[tokio::test]
async fn a_relisting_of_an_unknown_item() {
    let s = setup().await;
    let mut sheets = s.sheets();
    let row = sheets.row_where("items", "relisting_of", ITEM);
    sheets.set("items", row, "relisting_of", "kika-99");
    let e = s.refuses_reading(&sheets.to_csv()).await;
    assert_place(
        &e,
        "items.csv",
        None,
        Some(row),
        Some("relisting_of"),
        "再掲元の item_key \"kika-99\" は items にありません",
    );
}

#[tokio::test]
async fn a_parent_listed_after_its_child() {
    let s = setup().await;
    let mut sheets = s.sheets();
    let parent = sheets.row_where("plan_nodes", "node_code", "第3-2");
    let child = sheets.row_where("plan_nodes", "node_code", "第3-2-(1)");
    sheets.set("plan_nodes", parent, "position", "9").set("plan_nodes", child, "position", "3");
    let e = s.refuses_reading(&sheets.to_csv()).await;
    assert_place(
        &e,
        "plan_nodes.csv",
        None,
        Some(child),
        Some("parent_code"),
        "\"第3-2\" がこの行より後に並んでいます",
    );
}

#[tokio::test]
async fn a_gap_in_plan_levels() {
    let s = setup().await;
    let mut sheets = s.sheets();
    let rows = sheets.table("plan_levels");
    let row = rows.iter().position(|r| r[1] == "basic-plan-4" && r[2] == "3").unwrap() + 1;
    sheets.set("plan_levels", row, "level", "4");
    let e = s.refuses_reading(&sheets.to_csv()).await;
    assert_place(&e, "plan_levels.csv", None, Some(row), Some("level"), "（3 がありません）");
}

#[tokio::test]
async fn a_grade_not_on_its_scale_is_refused_when_reading() {
    let s = setup().await;
    let mut sheets = s.sheets();
    let row = sheets.row_where("evaluations", "scale", "mitaka-midyear");
    sheets.set("evaluations", row, "grade", "Z");
    let e = s.refuses_reading(&sheets.to_csv()).await;
    assert_place(
        &e,
        "evaluations.csv",
        None,
        Some(row),
        Some("grade"),
        "評語 \"Z\" は尺度 \"mitaka-midyear\" にありません（1・2・3 のいずれか）",
    );
}

#[tokio::test]
async fn a_grade_not_on_its_scale_stops_apply_and_nothing_is_written() {
    let s = setup().await;
    // Built without the reader: the store itself refuses the grade, after
    // the city was renamed and an item changed in the same transaction.
    let mut batch = s.before.clone();
    batch.cities[0].name = "改名市".into();
    batch.cities[0].items[1].title = "変更".into();
    let last = batch.cities.last_mut().unwrap();
    last.items[0].evaluations[0].grade = Some("Z".into());
    let err = apply(&s.store, &[("hand.json".to_string(), batch)], false).await.unwrap_err();
    assert!(err.to_string().contains("評価「Z」は尺度「higashimurayama-ab」にありません"), "{err}");
    assert_eq!(stored(&s.store).await, s.before, "the database is unchanged");
}

#[tokio::test]
async fn codes_the_store_folds_together_stop_apply_and_nothing_is_written() {
    let s = setup().await;
    let mut sheets = s.sheets();
    // The reader sees two codes; the plan tree folds full width to half
    // width and refuses the second 第3. The renamed city is rolled back.
    sheets.set("municipalities", 2, "name", "改名市");
    let plan_nodes = sheets.table("plan_nodes");
    let mut copy = plan_nodes.iter().find(|r| r[3] == "第3").unwrap().clone();
    copy[2] = "99".into();
    copy[3] = "第３".into();
    plan_nodes.push(copy);
    match s.refuses(&sheets.to_csv()).await {
        Failure::Apply(e) => assert!(e.to_string().contains("第3"), "{e}"),
        Failure::Read(e) => panic!("expected the store to refuse, got {e}"),
    }
}

// -------------------------------------------------------------- CSV syntax

#[tokio::test]
async fn a_row_with_too_many_fields() {
    let s = setup().await;
    let mut files = s.sheets().to_csv();
    let text = s.sheets().csv_text("items");
    let mut lines: Vec<String> = text.split("\r\n").map(str::to_string).collect();
    lines[2].push_str(",余分");
    replace(&mut files, "items.csv", lines.join("\r\n").into_bytes());
    let e = s.refuses_reading(&files).await;
    assert_place(&e, "items.csv", None, Some(3), None, "値の数が見出しより多くあります（見出し7個、この行8個）");
}

#[tokio::test]
async fn a_row_with_too_few_fields() {
    let s = setup().await;
    let mut files = s.sheets().to_csv();
    let text = s.sheets().csv_text("municipalities") + "132099\r\n";
    replace(&mut files, "municipalities.csv", text.into_bytes());
    let e = s.refuses_reading(&files).await;
    assert_place(&e, "municipalities.csv", None, Some(4), None, "値の数が見出しより少なくあります");
}

#[tokio::test]
async fn an_unterminated_quote() {
    let s = setup().await;
    let mut files = s.sheets().to_csv();
    let text = s.sheets().csv_text("item_tags") + "132047,mitaka-2018-kika-1,\"新規\r\n";
    replace(&mut files, "item_tags.csv", text.into_bytes());
    let e = s.refuses_reading(&files).await;
    // Header, the fixture's two tags, then the broken row.
    assert_place(&e, "item_tags.csv", None, Some(4), None, "引用符（\"）が閉じられていません");
}

#[tokio::test]
async fn bytes_that_are_neither_utf8_nor_shift_jis() {
    let s = setup().await;
    let mut files = s.sheets().to_csv();
    let mut text = s.sheets().csv_text("items").into_bytes();
    let at = text.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(1).unwrap().0 + 1;
    text.insert(at + 3, 0xFF);
    replace(&mut files, "items.csv", text);
    let e = s.refuses_reading(&files).await;
    assert_place(&e, "items.csv", None, Some(3), None, "文字コードを判別できません");
}

#[tokio::test]
async fn an_empty_file() {
    let s = setup().await;
    let mut files = s.sheets().to_csv();
    replace(&mut files, "sections.csv", Vec::new());
    let e = s.refuses_reading(&files).await;
    assert_place(&e, "sections.csv", None, None, None, "ファイルが空です");
}

// -------------------------------------------------------------- XLSX

#[tokio::test]
async fn a_truncated_workbook() {
    let s = setup().await;
    let book = canonical::xlsx_bytes(&s.before).unwrap();
    let e = s.refuses_reading(&[("hyoka.xlsx".into(), book[..book.len() / 2].to_vec())]).await;
    assert_place(
        &e,
        "hyoka.xlsx",
        None,
        None,
        None,
        "XLSXファイルとして読み取れません（壊れているか途中で切れています）",
    );
}

#[tokio::test]
async fn a_png_renamed_to_xlsx() {
    let s = setup().await;
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00".to_vec();
    let e = s.refuses_reading(&[("評価.xlsx".into(), png)]).await;
    assert_place(&e, "評価.xlsx", None, None, None, "ZIP 形式ではありません");
}

#[tokio::test]
async fn an_old_xls_file() {
    let s = setup().await;
    let xls = [b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".as_slice(), &[0u8; 504]].concat();
    let e = s.refuses_reading(&[("評価.xls".into(), xls)]).await;
    assert_place(&e, "評価.xls", None, None, None, "古い Excel 形式（.xls）は読み込めません");
}

#[tokio::test]
async fn a_workbook_missing_a_sheet() {
    let s = setup().await;
    let mut sheets = s.sheets();
    sheets.0.retain(|(n, _)| n != "plans");
    let e = s.refuses_reading(&[("hyoka.xlsx".into(), sheets.to_xlsx(false))]).await;
    assert_place(&e, "hyoka.xlsx", Some("plans"), None, None, "シート「plans」がありません");
}

#[tokio::test]
async fn a_bad_cell_in_a_workbook_names_the_sheet() {
    let s = setup().await;
    let mut sheets = s.sheets();
    sheets.set("budgets", 3, "fiscal_year", "来年度");
    let e = s.refuses_reading(&[("hyoka.xlsx".into(), sheets.to_xlsx(true))]).await;
    assert_place(
        &e,
        "hyoka.xlsx",
        Some("budgets"),
        Some(3),
        Some("fiscal_year"),
        "「来年度」を年度として読み取れません",
    );
}

#[tokio::test]
async fn a_date_cell_where_a_year_belongs() {
    let s = setup().await;
    let sheets = s.sheets();
    let book = sheets.to_xlsx_with(true, |name, sheet| {
        if name == "items" {
            let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2018, 4, 1).unwrap();
            let format = rust_xlsxwriter::Format::new().set_num_format("yyyy/m/d");
            sheet.write_datetime_with_format(2, 5, &date, &format).unwrap();
        }
    });
    let e = s.refuses_reading(&[("hyoka.xlsx".into(), book)]).await;
    assert_place(&e, "hyoka.xlsx", Some("items"), Some(3), Some("fiscal_year"), "日付・時刻の値は使えません");
}

#[tokio::test]
async fn a_number_with_a_fraction_in_a_workbook() {
    let s = setup().await;
    let mut sheets = s.sheets();
    sheets.set("scale_grades", 2, "position", "1.5");
    let e = s.refuses_reading(&[("hyoka.xlsx".into(), sheets.to_xlsx(true))]).await;
    assert_place(&e, "hyoka.xlsx", Some("scale_grades"), Some(2), Some("position"), "小数は使えません");
}

// -------------------------------------------------------------- JSON

#[tokio::test]
async fn json_with_another_format_key() {
    let s = setup().await;
    let text = json(&s.before).replace("\"format\": \"hyoka-canonical\"", "\"format\": \"other\"");
    let e = s.refuses_reading(&[("hyoka.json".into(), text.into_bytes())]).await;
    assert_place(&e, "hyoka.json", None, None, None, "\"format\" が \"hyoka-canonical\" ではありません");
}

#[tokio::test]
async fn json_of_another_version() {
    let s = setup().await;
    let text = json(&s.before).replace("\"version\": 1,", "\"version\": 2,");
    let e = s.refuses_reading(&[("hyoka.json".into(), text.into_bytes())]).await;
    assert_place(&e, "hyoka.json", None, None, None, "版（version）2 には対応していません（対応している版: 1）");
}

#[tokio::test]
async fn json_with_a_syntax_error_names_line_and_column() {
    let s = setup().await;
    let text = json(&s.before);
    let line = line_of(&text, "\"direction\": \"lower_is_better\"");
    let broken = text.replace("\"direction\": \"lower_is_better\",", "\"direction\": \"lower_is_better\"");
    let e = s.refuses_reading(&[("hyoka.json".into(), broken.into_bytes())]).await;
    // The missing comma is noticed at the next key, on the next line.
    // Noticed at the quote of the next key, after its indentation.
    let next = text.lines().nth(line).unwrap();
    let column = next.len() - next.trim_start().len() + 1;
    assert_place(
        &e,
        "hyoka.json",
        None,
        Some(line + 1),
        None,
        &format!("JSON の書き方に誤りがあります（{column}文字目）: 「,」か「}}」があるべきところに別の文字があります"),
    );
}

#[tokio::test]
async fn truncated_json() {
    let s = setup().await;
    let text = json(&s.before);
    let half = (0..=text.len() / 2).rev().find(|i| text.is_char_boundary(*i)).unwrap();
    let cut = &text[..half];
    let e = s.refuses_reading(&[("hyoka.json".into(), cut.as_bytes().to_vec())]).await;
    assert_eq!(e.place.row, Some(cut.lines().count()), "{e}");
    assert!(e.message.contains("JSON が途中で終わっています"), "{e}");
}

#[tokio::test]
async fn json_with_an_unknown_value() {
    let s = setup().await;
    let text = json(&s.before);
    let line = line_of(&text, "\"direction\": \"lower_is_better\"");
    let bad = text.replace("\"direction\": \"lower_is_better\"", "\"direction\": \"sideways\"");
    let e = s.refuses_reading(&[("hyoka.json".into(), bad.into_bytes())]).await;
    assert_place(
        &e,
        "hyoka.json",
        None,
        Some(line),
        None,
        "\"sideways\" は使えません（higher_is_better, lower_is_better",
    );
}

#[tokio::test]
async fn json_with_a_reference_to_nothing() {
    let s = setup().await;
    let text = json(&s.before).replace("\"node\": \"第3-2-(1)\"", "\"node\": \"第9\"");
    let e = s.refuses_reading(&[("hyoka.json".into(), text.into_bytes())]).await;
    let city = s.before.cities.iter().position(|c| c.code == MITAKA).unwrap();
    let item = s.before.cities[city].items.iter().position(|i| i.key == ITEM).unwrap();
    assert_place(
        &e,
        "hyoka.json",
        None,
        None,
        None,
        &format!("cities[{city}].items[{item}].placements[1]: 計画 \"basic-plan-4\" の項目 \"第9\" はありません"),
    );
}

#[tokio::test]
async fn one_city_in_two_files() {
    let s = setup().await;
    let files = vec![
        ("a.json".to_string(), canonical::json_bytes(&s.before)),
        ("b.xlsx".to_string(), canonical::xlsx_bytes(&s.before).unwrap()),
    ];
    let e = s.refuses_reading(&files).await;
    assert_place(&e, "b.xlsx", None, None, None, "自治体 132047（三鷹市）が a.json にもあります");
}
