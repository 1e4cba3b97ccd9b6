//! The public portal meets JIS X 8341-3 (WCAG 2.x AA) as far as a machine
//! can tell: axe-core (pinned in /package.json, installed by scripts/test
//! with `npm ci`) runs in headless Chromium on every kind of portal page,
//! with the seeds imported and years published. A summary of violations by
//! impact is printed; any serious or critical one fails the test.

use crate::support;
use crate::support::webdriver;

use std::collections::BTreeMap;

use hyoka_core::FiscalYear;
use hyoka_store::testing::TestDb;
use hyoka_store::{FiscalYearRecord, Store};
use serde_json::{json, Value};
use webdriver::Driver;

const MITAKA: &str = "132047";
const MISHIMA: &str = "222062";

/// The WCAG 2.0 and 2.1 success criteria of levels A and AA (JIS X 8341-3
/// adopts WCAG 2.0 AA).
const TAGS: [&str; 4] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

fn axe_source() -> String {
    let path = format!("{}/../../node_modules/axe-core/axe.min.js", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("{path}: {e}\naxe-core is needed: run ./scripts/test (it runs `npm ci` at the repository root), or `npm ci` yourself")
    })
}

async fn seeded() -> (TestDb, Store) {
    let db = TestDb::new().await;
    let store = db.store().await;
    let files = ["000_1a8dd8067da68eba.txt", "001_9b686f713a20fe01.txt", "002_f160ebe9d3a69d59.txt"];
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
    for (city, year) in [(MITAKA, 2018), (MITAKA, 2020), (MISHIMA, 2018)] {
        let fy = FiscalYear::new(year).unwrap();
        tx.set_fiscal_year(&FiscalYearRecord {
            municipality: city.into(),
            fiscal_year: fy,
            locked: true,
            deadline: None,
        })
        .await
        .unwrap();
        tx.publish_year(city, fy, None).await.unwrap();
    }
    tx.commit().await.unwrap();
    (db, store)
}

/// One page of every kind the portal has, with real content.
async fn pages(store: &Store) -> Vec<String> {
    let fy2018 = FiscalYear::new(2018).unwrap();
    let fy2020 = FiscalYear::new(2020).unwrap();
    let items = store.public_items(MITAKA, Some(fy2018)).await.unwrap();
    let item = items.iter().find(|p| p.item.code == "企-1").expect("企-1 is public").item.id;
    // An indicator whose chart has points in more than one year.
    let mut indicator = None;
    for p in store.public_indicators(MITAKA, None).await.unwrap().into_iter().filter(|p| p.years.contains(&fy2020)) {
        let values = store.public_indicator_values(p.indicator.id, &p.years).await.unwrap();
        if values.iter().filter(|v| v.cell.primary_number().is_some()).count() >= 2 && p.years.len() > 1 {
            indicator = Some(p.indicator.id);
            break;
        }
    }
    let indicator = indicator.expect("an indicator with a trend");
    let plans = store.plans(MITAKA).await.unwrap();
    let plan = plans.iter().max_by_key(|p| p.node_count).expect("a plan");
    let nodes = store.plan_nodes(plan.id).await.unwrap();
    let node = nodes.iter().find(|n| n.parent_id.is_some()).unwrap_or(&nodes[0]).id;
    let mishima_item = store.public_items(MISHIMA, Some(fy2018)).await.unwrap()[0].item.id;
    vec![
        "/p".into(),
        format!("/p/{MITAKA}"),
        format!("/p/{MITAKA}/2018"),
        format!("/p/{MITAKA}/2020/plans/{}", plan.id),
        format!("/p/{MITAKA}/2020/nodes/{node}"),
        format!("/p/{MITAKA}/2018/items"),
        format!("/p/{MITAKA}/2018/items/{item}"),
        format!("/p/{MISHIMA}/2018/items/{mishima_item}"),
        format!("/p/{MITAKA}/2020/indicators"),
        format!("/p/{MITAKA}/2020/indicators/{indicator}"),
        format!("/p/{MITAKA}/2018/budgets"),
        format!("/p/{MITAKA}/2018/data"),
        format!("/p/{MITAKA}/search?q=%E4%BA%88%E7%AE%97"),
        format!("/p/{MITAKA}/search?q=%E8%A6%8B%E3%81%A4%E3%81%8B%E3%82%89%E3%81%AA%E3%81%84%E8%A8%80%E8%91%89"),
        "/p/compare?indicator=%E5%B8%82%E6%B0%91".into(),
        "/p/compare?kind=wrong".into(),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn portal_pages_have_no_serious_or_critical_violations() {
    let axe = axe_source();
    let (_db, store) = seeded().await;
    let paths = pages(&store).await;
    let server = support::spawn(store).await;
    let base = format!("http://{}", server.addr);
    let driver = Driver::start().await;
    let b = driver.browser().await;

    let mut by_impact: BTreeMap<String, usize> = BTreeMap::new();
    let mut lines = Vec::new();
    let mut failures = Vec::new();
    let mut version = String::new();
    for path in &paths {
        b.goto(&format!("{base}{path}")).await;
        let title = b.execute("return document.title", vec![]).await;
        assert!(title.as_str().is_some_and(|t| !t.is_empty()), "{path} has a title");
        // Defining axe as a global; the page's CSP does not apply to
        // WebDriver scripts.
        let loaded = b.execute(&format!("{axe}\n;window.axe = axe; return typeof window.axe.run;"), vec![]).await;
        assert_eq!(loaded, json!("function"), "axe-core loaded on {path}");
        version = b.execute("return window.axe.version", vec![]).await.as_str().unwrap_or_default().to_string();
        let result = b
            .execute(
                "return window.axe.run(document, { runOnly: { type: 'tag', values: arguments[0] }, resultTypes: ['violations'] })
                   .then(r => r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                      nodes: v.nodes.length, targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')) })));",
                vec![json!(TAGS)],
            )
            .await;
        let violations = result.as_array().cloned().unwrap_or_default();
        let mut here: Vec<String> = Vec::new();
        for v in &violations {
            let impact = v["impact"].as_str().unwrap_or("unknown").to_string();
            *by_impact.entry(impact.clone()).or_default() += v["nodes"].as_u64().unwrap_or(1) as usize;
            let line = format!(
                "{impact} {} ({} elements: {}): {}",
                v["id"].as_str().unwrap_or("?"),
                v["nodes"],
                v["targets"]
                    .as_array()
                    .map(|t| t.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", "))
                    .unwrap_or_default(),
                v["help"].as_str().unwrap_or("")
            );
            if matches!(impact.as_str(), "serious" | "critical") {
                failures.push(format!("{path}: {line}"));
            }
            here.push(line);
        }
        lines.push(format!("{path}: {}", if here.is_empty() { "no violations".to_string() } else { here.join("; ") }));
    }
    // The harness sees a violation when there is one: an image without a
    // text alternative, added to the last page, is critical.
    let canary = b
        .execute(
            "const img = document.createElement('img'); img.src = '/static/none.png'; document.querySelector('main').appendChild(img);
             return window.axe.run(document, { runOnly: { type: 'tag', values: arguments[0] } })
               .then(r => r.violations.filter(v => v.impact === 'critical').map(v => v.id));",
            vec![json!(TAGS)],
        )
        .await;
    assert!(canary.as_array().is_some_and(|a| a.contains(&json!("image-alt"))), "axe reports a missing alt: {canary}");
    b.quit().await;

    println!("axe-core {version} on {} portal pages ({})", paths.len(), TAGS.join(", "));
    for l in &lines {
        println!("  {l}");
    }
    let summary: Vec<String> = ["critical", "serious", "moderate", "minor"]
        .iter()
        .map(|i| format!("{i}: {}", by_impact.get(*i).copied().unwrap_or(0)))
        .collect();
    println!("violations by impact (elements): {}", summary.join(", "));
    assert!(failures.is_empty(), "serious or critical violations:\n  {}", failures.join("\n  "));
}
