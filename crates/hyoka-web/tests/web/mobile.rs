//! Pages usable on a phone: at 390 CSS pixels wide (an iPhone's viewport) in
//! real headless Chromium, the staff's sheet page and its edit form, and
//! the portal's item list and item pages, are no wider than the viewport:
//! wide tables scroll inside a container of their own, forms stack, and no
//! table cell is squeezed to a few characters a line.

use crate::support;
use crate::support::webdriver::{Browser, Driver};

use hyoka_core::access::Role;
use hyoka_core::FiscalYear;
use hyoka_store::testing::TestDb;
use hyoka_store::{FiscalYearRecord, Store};
use serde_json::Value;

const MITAKA: &str = "132047";
const MISHIMA: &str = "222062";
const KODAIRA: &str = "132110";
const PHONE: u32 = 390;

async fn seeded() -> (TestDb, Store) {
    let db = TestDb::new().await;
    let store = db.store().await;
    let files = ["000_1a8dd8067da68eba.txt", "001_9b686f713a20fe01.txt", "003_cdfef3ca57f45fe5.txt"];
    let batches: Vec<(String, hyoka_import::Batch)> = files
        .iter()
        .map(|f| {
            let path = format!("{}/../../demo/seeds/{f}", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            let (_, batch) = hyoka_import::read_published(f, &text).unwrap_or_else(|e| panic!("{f}: {e}"));
            (f.to_string(), batch)
        })
        .collect();
    hyoka_import::apply(&store, &batches, false).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    for (city, year) in [(MITAKA, 2018), (MISHIMA, 2018)] {
        let fy = FiscalYear::new(year).unwrap();
        let record = FiscalYearRecord { municipality: city.into(), fiscal_year: fy, locked: true, deadline: None };
        tx.set_fiscal_year(&record).await.unwrap();
        tx.publish_year(city, fy, None).await.unwrap();
    }
    tx.commit().await.unwrap();
    (db, store)
}

async fn item(store: &Store, city: &str, code: &str) -> i64 {
    store.items(city).await.unwrap().into_iter().find(|i| i.code == code).unwrap_or_else(|| panic!("{code}")).id
}

/// What the page measures in the browser: its scroll width, the viewport,
/// tables wider than the viewport that no scrolling container holds, and
/// table cells narrower than four characters holding more than that.
const MEASURE: &str = r#"
const vw = window.innerWidth;
const scrolls = el => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
    const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') return true; } return false; };
const loose = [...document.querySelectorAll('main table')]
    .filter(t => t.getBoundingClientRect().width > vw && !scrolls(t))
    .map(t => (t.querySelector('caption') || t).textContent.trim().slice(0, 40));
const wrapped = [...document.querySelectorAll('main td, main th')].filter(c => {
    const text = c.textContent.trim(); const em = parseFloat(getComputedStyle(c).fontSize);
    return text.length >= 6 && !c.querySelector('input, select, textarea, button') && c.clientWidth < 4 * em;
}).map(c => c.textContent.trim().slice(0, 20));
const wide = [...document.querySelectorAll('body *')].filter(e => { const r = e.getBoundingClientRect();
    return r.right > vw + 1 && !scrolls(e); })
    .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));
return { scroll: document.documentElement.scrollWidth, viewport: vw, loose, wrapped: wrapped.slice(0, 8),
         wrappedCount: wrapped.length, wide, tables: document.querySelectorAll('main table').length };
"#;

async fn check(b: &Browser, base: &str, path: &str, problems: &mut Vec<String>) {
    b.goto(&format!("{base}{path}")).await;
    assert!(!b.source().await.contains("確定（ロック）されているため"), "{path} opens");
    let m: Value = b.execute(MEASURE, vec![]).await;
    let shot = std::env::temp_dir().join(format!("hyoka-390{}.png", path.replace(['/', '?', '='], "_")));
    b.screenshot(&shot).await;
    let viewport = m["viewport"].as_u64().unwrap();
    assert!(viewport <= u64::from(PHONE), "the viewport is a phone's: {m}");
    println!("{path}: {m}");
    if m["scroll"].as_u64().unwrap() > viewport {
        problems.push(format!("{path}: {} px wide in a {viewport} px viewport ({}): {m}", m["scroll"], shot.display()));
    }
    if m["loose"].as_array().is_some_and(|a| !a.is_empty()) {
        problems.push(format!("{path}: tables wider than the viewport without a scrolling container: {}", m["loose"]));
    }
    if m["wrappedCount"].as_u64().unwrap() > 0 {
        problems.push(format!("{path}: cells squeezed to under four characters a line: {}", m["wrapped"]));
    }
    // A box that scrolls must be reachable by keyboard (axe-core's
    // scrollable-region-focusable, serious), here where the tables do scroll.
    let axe = format!("{}/../../node_modules/axe-core/axe.min.js", env!("CARGO_MANIFEST_DIR"));
    let axe = std::fs::read_to_string(&axe).unwrap_or_else(|e| panic!("{axe}: {e} (run npm ci, as scripts/test does)"));
    let found = b
        .execute(
            &format!(
                "{axe}\n;return axe.run(document, {{ runOnly: {{ type: 'rule', values: ['scrollable-region-focusable'] }} }})
                   .then(r => r.violations.map(v => v.id + ' ' + v.nodes.length));"
            ),
            vec![],
        )
        .await;
    if found.as_array().is_none_or(|a| !a.is_empty()) {
        problems.push(format!("{path}: {found}"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sheet_edit_and_portal_pages_fit_a_phone() {
    let (_db, store) = seeded().await;
    support::account(&store, "admin", Role::Admin, Some(MITAKA), None).await;
    support::account(&store, "mishima", Role::Admin, Some(MISHIMA), None).await;
    support::account(&store, "kodaira", Role::Admin, Some(KODAIRA), None).await;
    let mitaka = item(&store, MITAKA, "企-1").await;
    let mishima = store.public_items(MISHIMA, Some(FiscalYear::new(2018).unwrap())).await.unwrap()[0].item.id;
    let kodaira = item(&store, KODAIRA, "No.1").await;
    let server = support::spawn(store.clone()).await;
    let base = format!("http://{}", server.addr);
    let driver = Driver::start().await;
    let b = driver.browser().await;
    b.set_window_size(PHONE, 844).await;

    let mut problems = Vec::new();
    for path in [
        format!("/p/{MITAKA}/2018/items"),
        format!("/p/{MITAKA}/2018/items/{mitaka}"),
        format!("/p/{MISHIMA}/2018/items"),
        format!("/p/{MISHIMA}/2018/items/{mishima}"),
    ] {
        check(&b, &base, &path, &mut problems).await;
    }
    // The staff pages, the edit form above all, in years still open.
    let mut tx = store.begin().await.unwrap();
    for city in [MITAKA, MISHIMA] {
        tx.withdraw_year(city, FiscalYear::new(2018).unwrap()).await.unwrap();
        let record = FiscalYearRecord {
            municipality: city.into(),
            fiscal_year: FiscalYear::new(2018).unwrap(),
            locked: false,
            deadline: None,
        };
        tx.set_fiscal_year(&record).await.unwrap();
    }
    tx.commit().await.unwrap();
    for (login, city, id, fy) in
        [("admin", MITAKA, mitaka, 2018), ("mishima", MISHIMA, mishima, 2018), ("kodaira", KODAIRA, kodaira, 2017)]
    {
        b.sign_in(&base, login).await;
        for suffix in ["", "/edit"] {
            check(&b, &base, &format!("/m/{city}/sheets/{id}/{fy}{suffix}"), &mut problems).await;
        }
        b.sign_out().await;
    }
    b.quit().await;
    assert!(problems.is_empty(), "{} problem(s):\n  {}", problems.len(), problems.join("\n  "));
}
