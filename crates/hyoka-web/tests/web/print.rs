//! Printed documents from the staff application, over real HTTP on the test
//! backend: a sheet's print page, PDF and Excel, and the white paper and
//! summary lists of a year from the reports page. PDFs are read back with
//! pdftotext; workbooks are checked as ZIP files holding the sheet.

use crate::support;

#[path = "../../../hyoka-report/tests/support/mod.rs"]
mod report_support;

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
    assert!(print.body.contains("<link rel=\"stylesheet\" href=\"/static/print.css\">"));
    assert!(!print.body.contains("<style"), "the CSP allows no inline style, so none is sent");
    assert!(print.headers["content-security-policy"].contains("style-src 'self'"));
    let css = c.get("/static/print.css").await;
    assert_eq!(css.status, 200);
    assert!(css.body.contains("@page { size: A4"), "the stylesheet sets the A4 page box");
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
        if link.ends_with("/pdf") {
            assert_eq!(r.headers["content-type"], "application/pdf", "{link}");
            assert!(r.bytes.starts_with(b"%PDF-"), "{link}");
        } else if link.ends_with("/xlsx") {
            assert!(r.bytes.starts_with(b"PK\x03\x04"), "{link}");
        } else if link.ends_with("/csv") {
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
