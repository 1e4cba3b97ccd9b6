//! Printed documents from the staff application, over real HTTP on the test
//! backend: a sheet's print page, PDF and Excel, and the white paper and
//! summary lists of a year from the reports page. PDFs are read back with
//! pdftotext; workbooks are checked as ZIP files holding the sheet.

use crate::support;

use crate::report_support;

use hyoka_core::access::Role;
use hyoka_store::testing::TestDb;

const MITAKA: &str = "132047";

struct Fixture {
    _db: TestDb,
    store: hyoka_store::Store,
    server: support::TestServer,
    /// 企-1 of 三鷹市, FY2018 (seed 000).
    item: i64,
}

/// 三鷹市's project sheets (000) and white paper (002), 三島市's sheet
/// (001), and a viewer of 三鷹市.
async fn fixture() -> Fixture {
    let db = TestDb::new().await;
    let store = db.store().await;
    report_support::import(
        &store,
        &["000_1a8dd8067da68eba.txt", "001_9b686f713a20fe01.txt", "002_f160ebe9d3a69d59.txt"],
    )
    .await;
    support::account(&store, "viewer", Role::Viewer, Some(MITAKA), None).await;
    let item = store.items(MITAKA).await.unwrap().into_iter().find(|i| i.code == "企-1").unwrap().id;
    let server = support::spawn(store.clone()).await;
    Fixture { _db: db, store, server, item }
}

#[tokio::test]
async fn a_sheet_prints_as_a_page_with_a_linked_stylesheet() {
    let f = fixture().await;
    let mut c = f.server.signed_in("viewer").await;
    let sheet = format!("/m/{MITAKA}/sheets/{}/2018", f.item);
    let page = c.get(&sheet).await;
    for format in ["html", "pdf", "xlsx"] {
        assert!(page.body.contains(&format!("{sheet}/print/{format}")), "the sheet page links to its {format}");
    }

    let print = c.get(&format!("{sheet}/print/html")).await;
    assert_eq!(print.status, 200);
    assert!(print.body.contains("個別事業評価表"), "the city's layout");
    // 三鷹市's one-page form: the stylesheet in a form's small type.
    assert!(print.body.contains("<link rel=\"stylesheet\" href=\"/static/print-dense.css\">"));
    assert!(!print.body.contains("<style"), "the CSP allows no inline style, so none is sent");
    assert!(print.headers["content-security-policy"].contains("style-src 'self'"));
    let css = c.get("/static/print-dense.css").await;
    assert_eq!(css.status, 200);
    assert!(css.body.contains("@page { size: A4 portrait"), "the stylesheet sets the A4 page box");
    assert!(css.body.contains("table { font-size: 7pt;"), "in a form's small type");
    let css = c.get("/static/print.css").await;
    assert_eq!(css.status, 200);
    assert!(css.body.contains("@page { size: A4"), "the stylesheet sets the A4 page box");
    assert!(!css.body.contains("table { font-size: 7pt;"), "a report's type");
}

#[tokio::test]
async fn a_sheet_downloads_as_pdf_and_excel() {
    let f = fixture().await;
    let mut c = f.server.signed_in("viewer").await;
    let sheet = format!("/m/{MITAKA}/sheets/{}/2018", f.item);

    let pdf = c.get(&format!("{sheet}/print/pdf")).await;
    assert_eq!(pdf.status, 200);
    assert_eq!(pdf.headers["content-type"], "application/pdf");
    let disposition = &pdf.headers["content-disposition"];
    assert!(disposition.starts_with("attachment;") && disposition.contains("filename*=UTF-8''"), "{disposition}");
    // 三鷹市 in UTF-8, percent-encoded.
    assert!(disposition.contains("%E4%B8%89%E9%B7%B9%E5%B8%82"), "the file is named after the city: {disposition}");
    let text = report_support::pdftotext(&pdf.bytes);
    assert!(text.contains("企-1"), "the PDF holds the sheet's text:\n{}", text.chars().take(400).collect::<String>());

    let xlsx = c.get(&format!("{sheet}/print/xlsx")).await;
    assert_eq!(xlsx.status, 200);
    assert!(xlsx.headers["content-type"].contains("spreadsheetml"));
    assert!(xlsx.bytes.starts_with(b"PK\x03\x04"), "an XLSX file is a ZIP archive");

    let unknown = c.get(&format!("{sheet}/print/docx")).await;
    assert_eq!(unknown.status, 404, "a format hyoka does not write is not found");
}

#[tokio::test]
async fn every_document_on_the_reports_page_downloads() {
    let f = fixture().await;
    let mut c = f.server.signed_in("viewer").await;
    let home = c.get(&format!("/m/{MITAKA}")).await;
    assert!(home.body.contains(&format!("/m/{MITAKA}/reports")), "the city page links to the reports");
    let page = c.get(&format!("/m/{MITAKA}/reports")).await;
    assert_eq!(page.status, 200);
    let prefix = format!("href=\"/m/{MITAKA}/reports/");
    let links: Vec<String> = page
        .body
        .match_indices(&prefix)
        .map(|(at, _)| {
            let rest = &page.body[at + "href=\"".len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect();
    for report in ["whitepaper", "summary"] {
        for format in ["html", "pdf", "xlsx"] {
            let wanted = format!("/2018/{report}/{format}");
            assert!(links.iter().any(|l| l.ends_with(&wanted)), "the page offers {wanted}: {links:?}");
        }
    }
    for link in &links {
        let r = c.get(link).await;
        // FY2018 has sheets of 企画部; another year with nothing to print
        // says so (409 with the reason).
        if link.contains("/2018/") {
            assert_eq!(r.status, 200, "GET {link}");
        }
        assert!(r.status == 200 || r.status == 409, "GET {link}: {}", r.status);
        if r.status == 409 {
            assert!(r.body.contains("ありません"), "GET {link} explains why there is nothing: {}", r.body);
            continue;
        }
        let path = link.split('?').next().unwrap();
        if path.ends_with("/pdf") {
            assert_eq!(r.headers["content-type"], "application/pdf", "{link}");
            assert!(r.bytes.starts_with(b"%PDF-"), "{link}");
        } else if path.ends_with("/xlsx") {
            assert!(r.bytes.starts_with(b"PK\x03\x04"), "{link}");
        } else if path.ends_with("/csv") {
            assert!(r.bytes.starts_with("\u{feff}".as_bytes()), "{link}: a BOM, for Japanese Excel");
        } else {
            assert!(r.body.contains("<link rel=\"stylesheet\" href=\"/static/print"), "{link}");
        }
    }

    // The white paper of FY2018, as the CLI writes it.
    let paper = c.get(&format!("/m/{MITAKA}/reports/2018/whitepaper/pdf")).await;
    let text = report_support::pdf_text(&paper.bytes, "三鷹市自治体経営白書（平成30(2018)年度）");
    assert!(text.contains("三鷹市自治体経営白書"), "{}", text.chars().take(300).collect::<String>());
    assert!(text.contains("各部の運営方針と目標"), "{}", text.chars().take(300).collect::<String>());
}

#[tokio::test]
async fn a_years_sheets_download_as_one_pdf_and_one_workbook() {
    use calamine::{Reader, Xlsx};

    let f = fixture().await;
    let mut c = f.server.signed_in("viewer").await;
    let page = c.get(&format!("/m/{MITAKA}/reports")).await;
    let book = format!("/m/{MITAKA}/reports/2018/sheets");
    for format in ["pdf", "xlsx", "html"] {
        assert!(page.body.contains(&format!("href=\"{book}/{format}\"")), "帳票の出力 offers the year's {format}");
    }
    let codes: Vec<String> = {
        let mut sheets = f.store.year_sheets(MITAKA, hyoka_core::FiscalYear::new(2018).unwrap()).await.unwrap();
        sheets.sort_by_cached_key(|s| hyoka_core::text::natural_key(&s.code));
        sheets.into_iter().map(|s| s.code).collect()
    };
    assert_eq!(codes.len(), 12, "三鷹市's 平成30年度: 企-1 … 企-12");

    let pdf = c.get(&format!("{book}/pdf")).await;
    assert_eq!(pdf.status, 200);
    assert_eq!(pdf.headers["content-type"], "application/pdf");
    assert!(pdf.headers["content-disposition"].starts_with("attachment;"));
    let title = "三鷹市 平成30年度 個別事業評価表";
    let text = report_support::pdf_text(&pdf.bytes, title);
    let mut at = text.find("三鷹市平成30年度個別事業評価表").expect("the cover's title");
    at = at + text[at..].find("目次").expect("the contents");
    for code in &codes {
        let found = text[at..].find(code.as_str()).unwrap_or_else(|| panic!("{code} after byte {at}"));
        at += found + code.len();
    }

    let xlsx = c.get(&format!("{book}/xlsx")).await;
    assert_eq!(xlsx.status, 200);
    let wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(xlsx.bytes.clone())).unwrap();
    let mut want = vec!["目次".to_string()];
    want.extend(codes.iter().cloned());
    assert_eq!(wb.sheet_names(), want, "目次, then one worksheet per sheet");

    // The print page of the same book; a 部 of the city by id.
    let html = c.get(&format!("{book}/html")).await;
    assert_eq!(html.status, 200);
    assert!(html.body.contains("<h2>目次</h2>"));
    let kikaku = f.store.departments(MITAKA).await.unwrap().into_iter().find(|d| d.name == "企画部").unwrap();
    assert!(page.body.contains(&format!("{book}/pdf?department={}", kikaku.id)), "per 部 links");
    let of_dept = c.get(&format!("{book}/xlsx?department={}", kikaku.id)).await;
    assert_eq!(of_dept.status, 200);
    assert!(of_dept.headers["content-disposition"].contains(&report_support_encoded("企画部")));
    // Another city's 部, or none, is not found; a year without sheets says so.
    let mishima = f.store.departments("222062").await.unwrap();
    assert_eq!(c.get(&format!("{book}/pdf?department={}", mishima[0].id)).await.status, 404);
    assert_eq!(c.get(&format!("{book}/pdf?department=x")).await.status, 404);
    let none = c.get(&format!("/m/{MITAKA}/reports/2030/sheets/pdf")).await;
    assert_eq!(none.status, 409);
    assert!(none.body.contains("調査票はありません"));
    assert_eq!(c.get("/m/222062/reports/2018/sheets/pdf").await.status, 404, "another city's");
    let anonymous = f.server.get(&format!("{book}/pdf")).await;
    assert!(anonymous.status == 303 && anonymous.location().is_some_and(|l| l.starts_with("/login")));
}

/// UTF-8 percent-encoding as in `filename*`.
fn report_support_encoded(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[tokio::test]
async fn another_citys_sheet_and_reports_are_not_found() {
    let f = fixture().await;
    let mishima = f.store.items("222062").await.unwrap().into_iter().next().unwrap().id;
    let mut c = f.server.signed_in("viewer").await;
    assert_eq!(c.get(&format!("/m/{MITAKA}/sheets/{mishima}/2018/print/pdf")).await.status, 404);
    assert_eq!(c.get("/m/222062/sheets/1/2018/print/html").await.status, 404);
    assert_eq!(c.get("/m/222062/reports").await.status, 404);
    assert_eq!(c.get("/m/222062/reports/2018/summary/pdf").await.status, 404);
    let anonymous = f.server.get(&format!("/m/{MITAKA}/reports/2018/summary/html")).await;
    assert!(anonymous.status == 303 && anonymous.location().is_some_and(|l| l.starts_with("/login")));
}

#[tokio::test]
async fn mishimas_carried_over_dash_shows_as_printed_on_the_sheet_page() {
    let f = fixture().await;
    support::account(&f.store, "mishima", Role::Viewer, Some("222062"), None).await;
    let measure =
        f.store.items("222062").await.unwrap().into_iter().find(|i| i.code == "48" && i.kind == "measure").unwrap().id;
    let mut c = f.server.signed_in("mishima").await;
    let page = c.get(&format!("/m/222062/sheets/{measure}/2018")).await;
    assert_eq!(page.status, 200);
    let budget = &page.body[page.body.find("id=\"budget\"").expect("the budget section")..];
    let row = |year: &str| {
        let at = budget.find(&format!(">{year}</th>")).unwrap_or_else(|| panic!("a row for {year}"));
        let end = at + budget[at..].find("</tr>").unwrap();
        budget[at..end].to_string()
    };
    for (year, settled) in [("平成28年度", "7,014"), ("平成30年度", "4,240")] {
        let r = row(year);
        // 決算額, then うち一般財源 (not printed: blank), then 繰越明許 「-」.
        assert!(r.contains(&format!(">{settled}</td><td class=\"num\"></td><td class=\"num\">-</td>")), "{r}");
    }
}
