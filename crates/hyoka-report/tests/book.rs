//! A whole year in one file (`hyoka report sheets`): every sheet of a seed
//! city's year behind a cover and a table of contents, as PDF (read back
//! with pdftotext, page by page) and as a workbook (read back with
//! calamine), for the whole city and for one 部, on the test backend.

mod support;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use hyoka_core::text::squeeze;
use hyoka_core::{FiscalYear, JpDate};
use hyoka_report::book::{compile_book, SheetBook, CONTENTS};
use hyoka_store::testing::TestDb;
use hyoka_store::Store;

const SEEDS: [&str; 4] =
    ["000_1a8dd8067da68eba.txt", "001_9b686f713a20fe01.txt", "003_cdfef3ca57f45fe5.txt", "004_14ceec0f4c63a17a.txt"];

fn fy(y: i32) -> FiscalYear {
    FiscalYear::new(y).unwrap()
}

fn printed_on() -> JpDate {
    JpDate::new(2026, 12, 5).unwrap()
}

async fn imported() -> (TestDb, Store) {
    let db = TestDb::new().await;
    let store = db.store().await;
    support::import(&store, &SEEDS).await;
    (db, store)
}

async fn book(store: &Store, city: &str, year: i32, department: Option<&str>) -> SheetBook {
    let mut steps = Vec::new();
    let book = compile_book(store, city, fy(year), department, printed_on(), &mut |done, total, code| {
        steps.push((done, total, code.to_string()));
    })
    .await
    .unwrap_or_else(|e| panic!("{city} {year}: {e}"));
    // Progress is reported once per sheet, counting up to the total.
    assert_eq!(steps.len(), book.sheets.len());
    assert!(steps.iter().enumerate().all(|(i, (d, t, _))| *d == i + 1 && *t == book.sheets.len()));
    book
}

/// `needles` occur in `hay` in this order.
fn in_order(hay: &str, needles: &[String]) {
    let mut at = 0;
    for n in needles {
        let found = hay[at..].find(n.as_str()).unwrap_or_else(|| panic!("«{n}» not found after byte {at}"));
        at += found + n.len();
    }
}

/// The text of one page (1-based), squeezed.
fn page_text(pdf: &[u8], page: usize) -> String {
    squeeze(&run_pdftotext(pdf, page, false))
}

fn run_pdftotext(pdf: &[u8], page: usize, layout: bool) -> String {
    let dir = std::env::temp_dir().join(format!(
        "hyoka-book-{}-{page}-{}",
        std::process::id(),
        std::thread::current().name().unwrap_or("t").replace(':', "_")
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("book.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-f", &page.to_string(), "-l", &page.to_string()])
        .args(if layout { &["-layout"][..] } else { &[][..] })
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext runs (scripts/test installs poppler-utils)");
    std::fs::remove_dir_all(&dir).ok();
    String::from_utf8(out.stdout).unwrap()
}

fn pages(pdf: &[u8]) -> usize {
    let text = support::pdftotext(pdf);
    text.matches('\u{c}').count()
}

/// The cover, the contents and every sheet in order; the contents name
/// the page each sheet starts on, and that page starts with it.
fn check_pdf(book: &SheetBook) {
    let pdf = book.pdf();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = support::pdf_text(&pdf, &book.title());
    let codes: Vec<String> = book.sheets.iter().map(|v| squeeze(&v.item.code)).collect();
    // Cover: title, city, year, date.
    let cover = page_text(&pdf, 1);
    for want in [
        squeeze(&book.title()),
        book.municipality.clone(),
        book.fiscal_year.label_with_western(),
        "令和8年12月5日".into(),
    ] {
        assert!(cover.contains(&squeeze(&want)), "the cover lacks «{want}»: {cover}");
    }
    assert!(!cover.contains(CONTENTS), "the contents start on a page of their own");
    // Contents, then each sheet's heading, in the same order.
    let contents_at = text.find(CONTENTS).expect("a table of contents");
    in_order(&text[contents_at..], &codes);
    let headings: Vec<String> = book.sheets.iter().map(|v| squeeze(&SheetBook::sheet_heading(v))).collect();
    let after_contents = &text[contents_at..];
    let last_code = codes.last().unwrap();
    let body_at = after_contents.find(last_code.as_str()).unwrap() + last_code.len();
    in_order(&after_contents[body_at..], &headings);
    // The page each sheet starts on, as the contents print it: with
    // `-layout` each row's first line is `No.  code  title  units  page`.
    let total = pages(&pdf);
    // Each page of the contents repeats the table's header row.
    let toc: Vec<String> = (2..=total)
        .map(|p| layout_text(&pdf, p))
        .take_while(|t| squeeze(t).contains("No.調査票名称担当ページ"))
        .collect();
    let toc_pages = toc.len();
    assert!(toc_pages >= 1);
    let toc = toc.join("\n");
    for (i, v) in book.sheets.iter().enumerate() {
        let no = (i + 1).to_string();
        let line = toc
            .lines()
            .find(|l| {
                let mut words = l.split_whitespace();
                words.next() == Some(no.as_str()) && words.next() == Some(v.item.code.as_str())
            })
            .unwrap_or_else(|| panic!("the contents lack row {no} {}:\n{toc}", v.item.code));
        let page: usize = line
            .split_whitespace()
            .last()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no page number in «{line}»"));
        assert!(page > 1 + toc_pages && page <= total, "{line}: page {page} of {total}");
        let on_page = page_text(&pdf, page);
        let heading = squeeze(&SheetBook::sheet_heading(v));
        assert!(on_page.starts_with(&heading), "page {page} starts with «{heading}»: {on_page:.80}");
    }
}

/// One page's text with its layout kept (`pdftotext -layout`).
fn layout_text(pdf: &[u8], page: usize) -> String {
    run_pdftotext(pdf, page, true)
}

/// 目次 and one worksheet per sheet, named by code, each with the sheet.
fn check_xlsx(book: &SheetBook) {
    let bytes = book.xlsx().unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let names = wb.sheet_names();
    assert_eq!(names.len(), book.sheets.len() + 1);
    assert_eq!(names[0], CONTENTS);
    assert_eq!(names, book.worksheet_names());
    let cells = |range: &calamine::Range<Data>| -> Vec<String> {
        range.rows().flat_map(|r| r.iter().map(|c| c.to_string())).filter(|s| !s.is_empty()).collect()
    };
    let toc = cells(&wb.worksheet_range(CONTENTS).unwrap());
    assert_eq!(toc[0], book.title());
    let codes: Vec<String> = book.sheets.iter().map(|v| v.item.code.clone()).collect();
    in_order(&toc.join("\n"), &codes);
    for (v, name) in book.sheets.iter().zip(names.iter().skip(1)) {
        let ws = cells(&wb.worksheet_range(name).unwrap());
        assert_eq!(ws[0], v.title(), "worksheet {name} starts with its sheet's title");
        // Every heading of the sheet's layout is on its worksheet.
        for section in &v.layout.sections {
            assert!(ws.contains(&section.label), "{name} lacks «{}»", section.label);
        }
    }
}

#[tokio::test]
async fn the_largest_seed_year_in_one_pdf_and_one_workbook() {
    let (_db, store) = imported().await;
    // 小平市's 平成29年度: 58 sheets.
    let book = book(&store, "132110", 2017, None).await;
    assert_eq!(book.sheets.len(), store.year_sheets("132110", fy(2017)).await.unwrap().len());
    assert!(book.sheets.len() > 50);
    // The seed's years are imported, not locked: the cover says so.
    assert!(!book.locked && page_text(&book.pdf(), 1).contains("確定前のため、下書きを含みます"));
    check_pdf(&book);
    check_xlsx(&book);
}

#[tokio::test]
async fn each_seed_citys_year_with_cover_and_contents() {
    let (_db, store) = imported().await;
    for (city, year) in [("132047", 2018), ("222062", 2018), ("132136", 2019)] {
        let book = book(&store, city, year, None).await;
        check_pdf(&book);
        check_xlsx(&book);
    }
}

#[tokio::test]
async fn a_department_gets_only_its_sections_sheets() {
    let (_db, store) = imported().await;
    // 小平市's document names sections (担当課) only: two of its items go to
    // a 部 of their own, one to another 部 beside a section it keeps.
    let items = store.items("132110").await.unwrap();
    let id = |code: &str| items.iter().find(|i| i.code == code).unwrap().id;
    let mut tx = store.begin().await.unwrap();
    let a = tx.upsert_section("132110", "子ども家庭部", "子育て支援課", Default::default()).await.unwrap();
    let b = tx.upsert_section("132110", "健康福祉部", "高齢者支援課", Default::default()).await.unwrap();
    tx.replace_item_sections(id("No.27"), &[a]).await.unwrap();
    tx.replace_item_sections(id("No.3"), &[a]).await.unwrap();
    tx.assign_section(id("No.10"), b).await.unwrap();
    tx.commit().await.unwrap();
    let all = book(&store, "132110", 2017, None).await;
    let departments = ["子ども家庭部".to_string(), "健康福祉部".to_string()];
    let mut seen = 0;
    for d in &departments {
        let of_d: Vec<&str> = all
            .sheets
            .iter()
            .filter(|v| v.sections.iter().any(|(x, _)| x == d))
            .map(|v| v.item.code.as_str())
            .collect();
        assert!(!of_d.is_empty() && of_d.len() < all.sheets.len());
        let book = book(&store, "132110", 2017, Some(d)).await;
        let codes: Vec<&str> = book.sheets.iter().map(|v| v.item.code.as_str()).collect();
        assert_eq!(codes, of_d, "{d}");
        if d == "子ども家庭部" {
            assert_eq!(codes, ["No.3", "No.27"], "in printed order");
        } else {
            assert_eq!(codes, ["No.10"]);
        }
        assert_eq!(book.department.as_deref(), Some(d.as_str()));
        assert!(book.file_stem().ends_with(d.as_str()));
        check_pdf(&book);
        check_xlsx(&book);
        seen += 1;
    }
    assert_eq!(seen, 2, "小平市's seed has several 部 with sheets: {departments:?}");
    // An unknown 部 is named in the error, with the city's 部.
    let err =
        compile_book(&store, "132110", fy(2017), Some("宇宙部"), printed_on(), &mut |_, _, _| {}).await.unwrap_err();
    assert!(err.to_string().contains("部「宇宙部」は小平市にありません"), "{err}");
    // A year without sheets says so.
    let err = compile_book(&store, "132047", fy(2030), None, printed_on(), &mut |_, _, _| {}).await.unwrap_err();
    assert!(err.to_string().contains("調査票はありません"), "{err}");
}

/// Every worksheet's cells as text, row by row (empty cells kept, trailing
/// ones dropped).
fn grid(bytes: Vec<u8>) -> Vec<(String, Vec<Vec<String>>)> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let names = wb.sheet_names();
    names
        .into_iter()
        .map(|name| {
            let range = wb.worksheet_range(&name).unwrap();
            let rows = range
                .rows()
                .map(|r| {
                    let mut cells: Vec<String> = r.iter().map(|c| c.to_string()).collect();
                    while cells.last().is_some_and(String::is_empty) {
                        cells.pop();
                    }
                    cells
                })
                .filter(|r| !r.is_empty())
                .collect();
            (name, rows)
        })
        .collect()
}

/// The year's workbook as a spreadsheet engine sees it: LibreOffice opens
/// each seed city's book and saves it again, and every worksheet holds the
/// same cells as the file hyoka wrote.
#[tokio::test]
async fn libreoffice_opens_each_citys_workbook_with_the_same_content() {
    use hyoka_store::testing::libreoffice::{convert, temp_dir};
    let (_db, store) = imported().await;
    let dir = temp_dir("book-libreoffice");
    for (city, year) in [("132047", 2018), ("222062", 2018), ("132110", 2017), ("132136", 2019)] {
        let ours = book(&store, city, year, None).await.xlsx().unwrap();
        let file = dir.join(format!("{city}.xlsx"));
        std::fs::write(&file, &ours).unwrap();
        let out = dir.join(format!("resaved-{city}"));
        convert(&dir.join("profile"), "xlsx:Calc MS Excel 2007 XML", &out, &file);
        let theirs = std::fs::read(out.join(format!("{city}.xlsx"))).unwrap();
        let (ours, theirs) = (grid(ours), grid(theirs));
        assert_eq!(
            ours.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            theirs.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            "{city}: the worksheets"
        );
        for ((name, a), (_, b)) in ours.iter().zip(&theirs) {
            assert!(a.len() > 1, "{city} {name}: a worksheet with content");
            assert_eq!(a, b, "{city} {name}: LibreOffice reads the cells hyoka wrote");
        }
    }
    std::fs::remove_dir_all(dir).unwrap();
}
