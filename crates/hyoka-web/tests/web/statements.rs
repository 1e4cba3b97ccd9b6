//! Public pages run a number of SQL statements that does not grow with
//! the city: every public GET route of the portal and the API, asked of a
//! synthetic city of 5 and of 40 projects (with their indicators, budgets,
//! grades, placements), runs the same number of statements at both sizes,
//! and at most [`MAX_STATEMENTS`]. A page that reads per item or per
//! indicator fails here. The server's cache is off: each answer is
//! rendered.

use crate::support;

use hyoka_store::testing::{synthetic_city, SyntheticCity, TestDb};
use hyoka_web::{route_specs, AppState, Rule, STATEMENTS_HEADER};

const CITY: &str = "990001";
const SMALL: usize = 5;
const LARGE: usize = 40;
/// The goal of issue #15 for any public page, API call or search.
const MAX_STATEMENTS: u64 = 20;

/// Every URL of a public route, filled from the city (table routes once
/// per table, searches and comparisons with a query that finds many).
fn urls(path: &str, city: &SyntheticCity) -> Vec<String> {
    let fill = |p: &str| {
        p.replace("{code}", CITY)
            .replace("{fy}", &city.published.year().to_string())
            .replace("{plan}", &city.plan_id.to_string())
            .replace("{node}", &city.node_ids[0].to_string())
            .replace("{item}", &city.item_ids[0].to_string())
            .replace("{indicator}", &city.indicator_ids[0].to_string())
            .replace("{format}", "pdf")
    };
    let tables = ["indicators", "evaluations", "budgets", "nodes"];
    let mut out = Vec::new();
    if path.contains("{table}") {
        for t in tables {
            out.push(fill(&path.replace("{table}", t)));
        }
        if path.starts_with("/p/") {
            out.push(fill(&path.replace("{table}", "indicators")) + "?format=json");
        }
    } else if path.ends_with("/search") {
        out.push(fill(path) + "?q=%E4%BA%88%E7%AE%97"); // 予算
    } else if path.ends_with("/compare") {
        // の実施件数: every project's indicator.
        out.push(fill(path) + "?indicator=%E3%81%AE%E5%AE%9F%E6%96%BD%E4%BB%B6%E6%95%B0");
    } else {
        out.push(fill(path));
    }
    out
}

/// Statements of each public URL, for a city of `projects` projects.
async fn measure(projects: usize) -> Vec<(String, u16, u64)> {
    let db = TestDb::new().await;
    let store = db.store().await;
    let city = synthetic_city(&store, CITY, "合成市", projects).await;
    let server = support::spawn_state(AppState::new(store).with_cache_bytes(0)).await;
    let mut out = Vec::new();
    for spec in route_specs().into_iter().filter(|r| r.rule == Rule::Public && r.method.as_str() == "GET") {
        if !(spec.path == "/p" || spec.path.starts_with("/p/") || spec.path.starts_with("/api/v1/")) {
            continue;
        }
        for url in urls(spec.path, &city) {
            if url.contains("/sheets/") {
                // A year's sheets in one file read every sheet, and are
                // built once per publication (portal::sheets): what must
                // not grow is serving the file again.
                assert_eq!(server.get(&url).await.status, 200, "{url}");
            }
            let r = server.get(&url).await;
            let n = r.header(STATEMENTS_HEADER).and_then(|v| v.parse().ok()).expect("a statement count");
            out.push((url, r.status, n));
        }
    }
    out
}

#[tokio::test]
async fn public_pages_run_the_same_statements_for_5_and_40_projects() {
    let small = measure(SMALL).await;
    let large = measure(LARGE).await;
    assert_eq!(small.len(), large.len());
    assert!(small.len() >= 20, "every public route is asked: {small:?}");
    let mut table = String::new();
    let mut failed = false;
    for ((url, status, n_small), (_, status_large, n_large)) in small.iter().zip(&large) {
        let ok = status == status_large && n_small == n_large && *n_large <= MAX_STATEMENTS;
        failed |= !ok;
        table.push_str(&format!(
            "{} {url} [{status}]: {n_small} @{SMALL}, {n_large} @{LARGE}\n",
            if ok { "  " } else { "✗" }
        ));
    }
    eprintln!("{table}");
    assert!(!failed, "statements per public answer must not grow with the city (≤ {MAX_STATEMENTS}):\n{table}");
    // The pages that are there at all answered, so their count means something.
    for (url, status, _) in &small {
        assert!(*status == 200 || url.ends_with("/data/metadata"), "{url} answered {status}");
    }
}

/// Staff pages whose statements must not grow with the city, `{code}`,
/// `{fy}` (the published year) and `{sheet}` (a sheet of it) filled in,
/// each with the most statements it may run: [`MAX_STATEMENTS`], or for
/// the pages still above that goal what they run today, so that they do
/// not get worse (docs/performance.md lists them).
const STAFF_PAGES: &[(&str, u64)] = &[
    ("/m/{code}/search?q=%E4%BA%88%E7%AE%97", MAX_STATEMENTS), // 予算: every item
    ("/m/{code}/search?q=%E4%BA%88", MAX_STATEMENTS),          // 予: one character, no bigram
    ("/staff?fy={fy}", MAX_STATEMENTS),
    ("/m/{code}", MAX_STATEMENTS),
    ("{sheet}", 81),
    ("{sheet}/history", MAX_STATEMENTS),
    ("{sheet}/workflow", 36),
    ("/m/{code}/admin", MAX_STATEMENTS),
    ("/m/{code}/admin/years", 34),
    ("/m/{code}/admin/items", MAX_STATEMENTS),
];

/// The staff's pages of a city of `projects` projects, signed in as its
/// administrator: statements of each.
async fn measure_staff(projects: usize) -> Vec<(String, u16, u64, u64)> {
    let db = TestDb::new().await;
    let store = db.store().await;
    let city = synthetic_city(&store, CITY, "合成市", projects).await;
    support::account(&store, "statements-admin", hyoka_core::access::Role::Admin, Some(CITY), None).await;
    let server = support::spawn_state(AppState::new(store).with_cache_bytes(0)).await;
    let mut c = server.signed_in("statements-admin").await;
    let sheet = format!("/m/{CITY}/sheets/{}/{}", city.item_ids[0], city.published.year());
    let mut out = Vec::new();
    for (page, most) in STAFF_PAGES {
        let url =
            page.replace("{code}", CITY).replace("{fy}", &city.published.year().to_string()).replace("{sheet}", &sheet);
        let r = c.get(&url).await;
        let n = r.header(STATEMENTS_HEADER).and_then(|v| v.parse().ok()).expect("a statement count");
        out.push((url, r.status, n, *most));
    }
    out
}

#[tokio::test]
async fn staff_pages_run_the_same_statements_for_5_and_40_projects() {
    let (small, large) = (measure_staff(SMALL).await, measure_staff(LARGE).await);
    let mut table = String::new();
    let mut failed = false;
    for ((url, status, n_small, most), (_, status_large, n_large, _)) in small.iter().zip(&large) {
        let ok = *status == 200 && status == status_large && n_small == n_large && n_large <= most;
        failed |= !ok;
        table.push_str(&format!(
            "{} {url} [{status}]: {n_small} @{SMALL}, {n_large} @{LARGE}\n",
            if ok { "  " } else { "✗" }
        ));
    }
    eprintln!("{table}");
    assert!(!failed, "statements per staff page must not grow with the city, nor pass its ceiling:\n{table}");
}

/// Statements of the comparison's URLs (portal and API, a query found in
/// every city and one narrowed by kind) over `cities` cities of [`SMALL`]
/// projects, with the cities each answer names.
async fn measure_compare(cities: usize) -> Vec<(String, u16, u64, usize)> {
    let db = TestDb::new().await;
    let store = db.store().await;
    let codes: Vec<String> = (1..=cities).map(|n| format!("99{n:04}")).collect();
    for (n, code) in codes.iter().enumerate() {
        synthetic_city(&store, code, &format!("合成市{}", n + 1), SMALL).await;
    }
    let server = support::spawn_state(AppState::new(store).with_cache_bytes(0)).await;
    let mut out = Vec::new();
    for path in ["/p/compare", "/api/v1/compare"] {
        // の実施件数 (every project's indicator); 満足度 of kind outcome.
        for query in [
            "indicator=%E3%81%AE%E5%AE%9F%E6%96%BD%E4%BB%B6%E6%95%B0",
            "indicator=%E6%BA%80%E8%B6%B3%E5%BA%A6&kind=outcome",
        ] {
            let url = format!("{path}?{query}");
            let r = server.get(&url).await;
            let n = r.header(STATEMENTS_HEADER).and_then(|v| v.parse().ok()).expect("a statement count");
            let named = codes.iter().filter(|c| r.body.contains(c.as_str())).count();
            out.push((url, r.status, n, named));
        }
    }
    out
}

#[tokio::test]
async fn the_comparison_runs_the_same_statements_for_2_and_6_cities() {
    let (few, many) = (2, 6);
    let small = measure_compare(few).await;
    let large = measure_compare(many).await;
    let mut table = String::new();
    let mut failed = false;
    for ((url, status, n_small, named_small), (_, status_large, n_large, named_large)) in small.iter().zip(&large) {
        // Every city answered, so the count covers reading all of them.
        let ok = *status == 200
            && status == status_large
            && (*named_small, *named_large) == (few, many)
            && n_small == n_large
            && *n_large <= MAX_STATEMENTS;
        failed |= !ok;
        table.push_str(&format!(
            "{} {url} [{status}]: {n_small} @{few} cities ({named_small} named), {n_large} @{many} ({named_large})\n",
            if ok { "  " } else { "✗" }
        ));
    }
    eprintln!("{table}");
    assert!(!failed, "the comparison's statements must not grow with the cities (≤ {MAX_STATEMENTS}):\n{table}");
}

/// The portal's comparison shows one page of indicators with the count of
/// all of them and links to the neighbouring pages that keep the question.
#[tokio::test]
async fn the_portal_comparison_shows_one_page_and_links_to_the_next() {
    let db = TestDb::new().await;
    let store = db.store().await;
    for n in 1..=3 {
        synthetic_city(&store, &format!("99{n:04}"), &format!("合成市{n}"), 40).await;
    }
    let api = support::spawn_state(AppState::new(store).with_cache_bytes(0)).await;
    // の実施件数 (every project's indicator).
    let q = "indicator=%E3%81%AE%E5%AE%9F%E6%96%BD%E4%BB%B6%E6%95%B0";
    let whole: serde_json::Value =
        serde_json::from_str(&api.get(&format!("/api/v1/compare?{q}&limit=1")).await.body).unwrap();
    let total = whole["total"].as_u64().unwrap();
    assert!(total > 100, "more than a page: {total}");
    let rows = |body: &str| body.matches("<tr>").count() - 1;
    let first = api.get(&format!("/p/compare?{q}")).await;
    assert_eq!(first.status, 200);
    assert!(first.body.contains(&format!("{total}件の指標が見つかりました。1件目から100件目までを示します。")));
    assert_eq!(rows(&first.body), 100);
    let next = format!("/p/compare?{q}&amp;offset=100");
    assert!(first.body.contains(&format!("href=\"{next}\" rel=\"next\"")), "{}", first.body);
    assert!(!first.body.contains("rel=\"prev\""));
    let second = api.get(&format!("/p/compare?{q}&offset=100")).await;
    assert_eq!(rows(&second.body) as u64, total - 100);
    assert!(second.body.contains(&format!("101件目から{total}件目までを示します。")));
    assert!(second.body.contains(&format!("href=\"/p/compare?{q}\" rel=\"prev\"")), "{}", second.body);
    assert!(!second.body.contains("rel=\"next\""));
}
