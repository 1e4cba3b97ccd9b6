//! Summary lists from the store against the published list (seed 003, 小平市
//! 第3次行財政再構築プラン 29年度末評価): 43 items with the grades of 所管課 and
//! 行革本部, re-listings shown but never counted, counts per group, per
//! department and per evaluator, in HTML, PDF, XLSX and CSV. On the test
//! backend (SQLite or PostgreSQL per HYOKA_TEST_BACKEND).

mod support;

use std::io::Cursor;

use calamine::{Reader, Xlsx};
use hyoka_core::{Evaluator, FiscalYear, Stage};
use hyoka_report::summary::{compile_summary, SummaryList, SummaryReport, UNGRADED};
use hyoka_store::testing::TestDb;

const KODAIRA: &str = "132110";
const SEED: &str = "003_cdfef3ca57f45fe5.txt";

/// A row of the document's list: number, grade of 所管課, grade of 行革本部,
/// whether it is a re-listing.
#[derive(Debug, PartialEq)]
struct SeedRow {
    number: u32,
    first: String,
    second: String,
    relisting: bool,
}

/// The list at the top of the document, down to its notes.
fn seed_rows() -> Vec<SeedRow> {
    let text = support::seed(SEED);
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| l.starts_with("項目\t主な推進")).unwrap();
    let end = lines.iter().position(|l| l.starts_with("【新規】は")).unwrap();
    let mut rows = Vec::new();
    for line in &lines[start..end] {
        let cells: Vec<&str> = line.split('\t').collect();
        let Some(i) = cells.iter().take(2).position(|c| {
            let c = c.trim();
            let digits: String = c.chars().take_while(|d| d.is_ascii_digit()).collect();
            !digits.is_empty() && c[digits.len()..].starts_with(' ')
        }) else {
            continue;
        };
        let number: u32 = cells[i].trim().split(' ').next().unwrap().parse().unwrap();
        rows.push(SeedRow {
            number,
            first: cells[i + 2].trim().to_string(),
            second: cells[i + 3].trim().to_string(),
            relisting: cells[i].contains("再掲"),
        });
    }
    rows
}

async fn report(db: &TestDb) -> SummaryReport {
    let store = db.store().await;
    support::import(&store, &[SEED]).await;
    compile_summary(&store, KODAIRA, FiscalYear::new(2017).unwrap()).await.expect("the summary compiles")
}

fn plan(r: &SummaryReport) -> &SummaryList {
    assert_eq!(r.lists.len(), 1, "one plan");
    &r.lists[0]
}

#[test]
fn the_document_lists_43_items_two_of_them_relisted() {
    let rows = seed_rows();
    assert_eq!(rows.iter().map(|r| r.number).collect::<Vec<_>>(), (1..=43).collect::<Vec<_>>());
    let relisted: Vec<u32> = rows.iter().filter(|r| r.relisting).map(|r| r.number).collect();
    assert_eq!(relisted, [29, 41]);
}

#[tokio::test]
async fn every_item_with_its_grades_and_relistings_never_counted() {
    let db = TestDb::new().await;
    let report = report(&db).await;
    let list = plan(&report);
    let columns: Vec<(Stage, Evaluator, &str)> =
        list.columns.iter().map(|c| (c.stage, c.evaluator, c.label.as_str())).collect();
    assert_eq!(
        columns,
        [
            (Stage::First, Evaluator::Section, "1次評価（所管課）"),
            (Stage::Second, Evaluator::Headquarters, "2次評価（行革本部）")
        ]
    );
    assert_eq!(list.columns[0].grades, ["S", "A", "B", UNGRADED]);

    // The 43 plan items in order with the document's grades; sub-sheets
    // (No.2-1 …) are listed as parts of their item.
    let seed = seed_rows();
    let items: Vec<_> = list.entries.iter().filter(|e| e.part_of.is_none()).collect();
    assert_eq!(items.len(), 43);
    for (e, s) in items.iter().zip(&seed) {
        assert_eq!(e.code, format!("No.{}", s.number));
        assert_eq!(e.grades, [Some(s.first.clone()), Some(s.second.clone())], "{}", e.code);
        assert_eq!(e.relisting.is_some(), s.relisting, "{}", e.code);
    }
    let relisted = items.iter().find(|e| e.code == "No.29").unwrap();
    assert_eq!(relisted.relisting.as_deref(), Some("No.15"));
    assert!(list.entries.iter().any(|e| e.part_of.as_deref() == Some("No.2")), "No.2-1 … are parts of No.2");
    assert!(list.entries.iter().filter(|e| e.part_of.is_some()).all(|e| !e.counted()));

    // Totals: 41 items, each grade counted as the document's list says.
    assert_eq!(list.total.entries, 41);
    for c in 0..2 {
        for (g, grade) in list.columns[c].grades.iter().enumerate() {
            let pick = |r: &SeedRow| if c == 0 { r.first.clone() } else { r.second.clone() };
            let expected = seed.iter().filter(|r| !r.relisting && pick(r) == *grade).count();
            assert_eq!(list.total.counts[c][g], expected, "{} {grade}", list.columns[c].label);
        }
    }
    let s = list.columns[0].grades.iter().position(|g| g == "S").unwrap();
    assert_eq!(list.total.counts[0][s], 2, "No.7 and No.28; No.41 repeats No.7");

    // Five groups that add up to the total; departments count shared items in each.
    assert_eq!(list.by_group.len(), 5);
    assert_eq!(list.by_group[0].label, "地域協働の推進");
    assert_eq!(list.by_group.iter().map(|g| g.entries).sum::<usize>(), 41);
    for c in 0..2 {
        for g in 0..4 {
            let sum: usize = list.by_group.iter().map(|r| r.counts[c][g]).sum();
            assert_eq!(sum, list.total.counts[c][g]);
        }
    }
    assert!(list.by_department.iter().map(|d| d.entries).sum::<usize>() >= 41);
    let policy = list.by_department.iter().find(|d| d.label == "政策課").expect("政策課");
    assert!(policy.entries >= 5, "{policy:?}");

    // Each item carries its 目的・ねらい as the document's list prints it.
    assert_eq!(list.purpose_label.as_deref(), Some("目的・ねらい"));
    let with_aim = items.iter().filter(|e| e.purpose.as_deref().is_some_and(|p| !p.is_empty())).count();
    assert!(with_aim >= 40, "{with_aim} of 43 items have an aim");
    let first = items[0].purpose.as_deref().unwrap_or_default();
    assert!(first.contains("市民活動を支援し、協働推進体制の充実を図る。"), "No.1's aim (003:21): {first:?}");

    // Indicators judged on their 平成29年度 target and actual.
    assert!(list.achievement.judged() > 0, "{:?}", list.achievement);
    assert!(list.indicators.iter().all(|i| i.entry_code.is_some()));
}

#[tokio::test]
async fn html_pdf_xlsx_and_csv() {
    let db = TestDb::new().await;
    let report = report(&db).await;
    let list = plan(&report);

    let html = report.html();
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"ja\">"));
    assert!(html.contains("<caption>第3次行財政再構築プラン　項目ごとの評価</caption>"));
    assert!(html.contains("<th scope=\"col\" class=\"center\">1次評価（所管課）</th>"));
    assert!(html.contains("再掲（No.15）・集計に含めない"));
    assert!(html.contains("S 年度当初の予定以上に進捗"), "the scale's printed legend");
    assert!(html.contains("<th scope=\"col\" class=\"center\">目的・ねらい</th>"), "the list prints each aim");

    let text = support::pdf_text(&report.pdf(), &report.title());
    let first = text.find("協働推進体制の充実").expect("No.1 in the PDF");
    let last = text.find("広域連携の推進").expect("No.43 in the PDF");
    assert!(first < last);
    assert!(text.contains("グループ別の集計") && text.contains("担当部課別の集計"));

    let csv = report.csv(true);
    assert!(csv.starts_with('\u{FEFF}'));
    let lines: Vec<&str> = csv.trim_start_matches('\u{FEFF}').split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines[0],
        "計画,グループ,体系コード,コード,項目,タグ,担当,再掲・内訳,集計対象,評価段階,評価者,評価,目的・ねらい"
    );
    assert_eq!(lines.len() - 1, list.entries.len() * 2, "one row per entry and grade column");
    assert!(lines.iter().any(|l| l.contains(",No.41,") && l.contains("再掲（No.7）,0,")));
    let counts = report.counts_csv(false);
    assert!(counts.contains("第3次行財政再構築プラン,合計,合計,1次評価,主管課,S,2\r\n"), "{counts}");

    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(report.xlsx().unwrap())).expect("the workbook opens");
    assert_eq!(book.sheet_names(), ["一覧", "集計", "指標"]);
    let range = book.worksheet_range("一覧").unwrap();
    assert_eq!(range.height(), lines.len());
    let header: Vec<String> = range.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(header.join(","), lines[0]);
}

#[tokio::test]
async fn mitaka_project_sheets_and_no_data() {
    let db = TestDb::new().await;
    let store = db.store().await;
    support::import(&store, &["000_1a8dd8067da68eba.txt"]).await;
    let r = compile_summary(&store, "132047", FiscalYear::new(2018).unwrap()).await.unwrap();
    let list = &r.lists[0];
    assert_eq!(list.entries.len(), 12);
    let labels: Vec<&str> = list.columns.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "中間評価（主管課評価）",
            "中間評価（事業評価審査会評価）",
            "事後評価（主管課評価）",
            "事後評価（事業評価審査会評価）"
        ]
    );
    assert_eq!(list.columns[2].grades, ["S", "1", "2", "3", UNGRADED]);
    assert_eq!(list.total.counts[0].iter().sum::<usize>(), 12);
    let err = compile_summary(&store, "132047", FiscalYear::new(2030).unwrap()).await.unwrap_err();
    assert!(err.to_string().contains("評価結果はありません"), "{err}");
}
