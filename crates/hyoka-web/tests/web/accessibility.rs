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

    let mut audit = Audit::default();
    for path in &paths {
        b.goto(&format!("{base}{path}")).await;
        audit.page(&b, &axe, path).await;
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

    audit.finish("portal pages");
}

/// 調布市 set up through the set-up commands: a department with two
/// sections (one renamed, with staff figures), a plan of two levels, three
/// projects placed and with indicators, the first year opened. Returns the
/// admin pages to audit.
async fn set_up_city(store: &Store) -> Vec<String> {
    use hyoka_app::indicators::{CreateIndicator, IndicatorInput, IndicatorOwner};
    use hyoka_app::items::{CreateItem, ItemInput, PlaceItem, SetItemSections};
    use hyoka_app::org::{CreateDepartment, CreateSection, RenameSection, SetSectionYear};
    use hyoka_app::plans::{AddNode, CreatePlan};
    use hyoka_app::year::OpenYear;
    use hyoka_app::{Actor, App};

    const CHOFU: &str = "132080";
    let app = App::new(store.clone());
    let op = Actor::Operator { name: "アクセシビリティ検査の準備".into() };
    let mut tx = store.begin().await.unwrap();
    tx.upsert_municipality(&hyoka_store::Municipality { code: CHOFU.into(), name: "調布市".into() }).await.unwrap();
    tx.commit().await.unwrap();
    let dept = app
        .run(&op, CreateDepartment { municipality: CHOFU.into(), name: "健康福祉部".into(), from: String::new() })
        .await
        .unwrap();
    let mut sections = Vec::new();
    for name in ["健康推進課", "地域医療課"] {
        let c = CreateSection {
            municipality: CHOFU.into(),
            department_id: Some(dept),
            name: name.into(),
            from: String::new(),
        };
        sections.push(app.run(&op, c).await.unwrap());
    }
    let rename = RenameSection {
        municipality: CHOFU.into(),
        section_id: sections[1],
        name: "医療連携課".into(),
        from: "2026".into(),
    };
    app.run(&op, rename).await.unwrap();
    let staff = SetSectionYear {
        municipality: CHOFU.into(),
        section_id: sections[0],
        fiscal_year: "2025".into(),
        regular_staff: "8".into(),
        other_staff: "2.5".into(),
        extension: "2311".into(),
        head_title: "課長".into(),
        head_name: "布田 花子".into(),
    };
    app.run(&op, staff).await.unwrap();
    let plan = CreatePlan {
        municipality: CHOFU.into(),
        code: "basic".into(),
        name: "調布市基本計画".into(),
        level_names: vec!["基本目標".into(), "施策".into()],
    };
    let plan = app.run(&op, plan).await.unwrap();
    let node = |parent, code: &str, title: &str| AddNode {
        municipality: CHOFU.into(),
        plan_id: plan,
        parent_id: parent,
        code: code.into(),
        title: title.into(),
        tags: String::new(),
    };
    let goal = app.run(&op, node(None, "1", "健やかに暮らせるまち")).await.unwrap();
    let policy = app.run(&op, node(Some(goal), "1-1", "健康づくり")).await.unwrap();
    app.run(&op, node(Some(goal), "1-2", "地域医療")).await.unwrap();
    let mut items = Vec::new();
    for (code, title) in [("No.10", "がん検診"), ("No.2", "特定健診"), ("No.1", "健康教室")] {
        let input = ItemInput {
            kind: "project".into(),
            code: code.into(),
            title: title.into(),
            fiscal_year: "2025".into(),
            tags: "新規".into(),
        };
        let item = app.run(&op, CreateItem { municipality: CHOFU.into(), key: String::new(), input }).await.unwrap();
        app.run(
            &op,
            PlaceItem { municipality: CHOFU.into(), item_id: item, node_id: Some(policy), relisting: code == "No.10" },
        )
        .await
        .unwrap();
        app.run(&op, SetItemSections { municipality: CHOFU.into(), item_id: item, section_ids: sections.clone() })
            .await
            .unwrap();
        items.push(item);
    }
    let input = IndicatorInput {
        kind: "outcome".into(),
        name: "特定健診の受診率".into(),
        definition: "受診者数 ÷ 対象者数".into(),
        unit: "%".into(),
        direction: "higher".into(),
        vocabulary: "achievement".into(),
        baseline_year: "2024".into(),
        baseline: "45.2%".into(),
        target_year: "2029".into(),
        target: "60%以上".into(),
    };
    let indicator = app
        .run(&op, CreateIndicator { municipality: CHOFU.into(), owner: IndicatorOwner::Item(items[1]), input })
        .await
        .unwrap();
    app.run(&op, OpenYear { municipality: CHOFU.into(), fiscal_year: FiscalYear::new(2025).unwrap() }).await.unwrap();
    support::account(store, "chofu-admin", hyoka_core::access::Role::Admin, Some(CHOFU), None).await;
    let base = format!("/m/{CHOFU}/admin");
    vec![
        format!("{base}/org"),
        format!("{base}/org/sections/{}", sections[0]),
        format!("{base}/plans"),
        format!("{base}/plans/{plan}"),
        format!("{base}/nodes/{policy}"),
        format!("{base}/nodes/{policy}/indicators/new"),
        format!("{base}/items"),
        format!("{base}/items/{}", items[1]),
        format!("{base}/items/{}/indicators/new", items[0]),
        format!("{base}/indicators/{indicator}"),
        format!("{base}/years"),
        format!("{base}/accounts"),
        format!("{base}/import"),
        format!("{base}/checks?fy=2025"),
    ]
}

/// The admin pages that set a city up, signed in as its admin, with real
/// content, and forms shown again with messages next to their fields.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setup_admin_pages_have_no_serious_or_critical_violations() {
    let axe = axe_source();
    let db = TestDb::new().await;
    let store = db.store().await;
    let paths = set_up_city(&store).await;
    let server = support::spawn(store).await;
    let base = format!("http://{}", server.addr);
    let driver = Driver::start().await;
    let b = driver.browser().await;
    b.goto(&format!("{base}/login")).await;
    b.fill(&b.find("#login").await, "chofu-admin").await;
    b.fill(&b.find("#password").await, support::PASSWORD).await;
    b.click(&b.find("form.login button[type=submit]").await).await;
    b.wait_for_text("ログアウト").await;

    let mut audit = Audit::default();
    for path in &paths {
        b.goto(&format!("{base}{path}")).await;
        audit.page(&b, &axe, path).await;
    }
    // Refused forms: a department that exists, an indicator's final
    // target on a 対象指標 (422 pages with the messages by the fields).
    b.goto(&format!("{base}{}", paths[0])).await;
    b.fill(&b.find("#new-department-name").await, "健康福祉部").await;
    b.click(&b.find("form[action$='/admin/org/departments'] button[type=submit]").await).await;
    b.wait_for_text("new-department-name-error").await;
    audit.page(&b, &axe, "組織: 既にある部を追加（422）").await;
    b.goto(&format!("{base}{}", paths[8])).await;
    b.select("#indicator-kind", "対象指標（事業の対象の大きさ。目標は持ちません）").await;
    b.fill(&b.find("#indicator-name").await, "市内の65歳以上人口").await;
    b.fill(&b.find("#indicator-target_year").await, "2029").await;
    b.fill(&b.find("#indicator-target").await, "6万人").await;
    b.click(&b.find("form[action$='/indicators'] button.primary").await).await;
    b.wait_for_text("indicator-target-error").await;
    audit.page(&b, &axe, "指標: 対象指標に目標（422）").await;
    b.quit().await;
    audit.finish("set-up admin pages");
}

/// What axe-core found on the pages audited so far.
#[derive(Default)]
struct Audit {
    by_impact: BTreeMap<String, usize>,
    lines: Vec<String>,
    failures: Vec<String>,
    version: String,
    pages: usize,
}

impl Audit {
    /// Runs axe-core on the page the browser shows.
    async fn page(&mut self, b: &webdriver::Browser, axe: &str, path: &str) {
        let title = b.execute("return document.title", vec![]).await;
        assert!(title.as_str().is_some_and(|t| !t.is_empty()), "{path} has a title");
        // Defining axe as a global; the page's CSP does not apply to
        // WebDriver scripts.
        let loaded = b.execute(&format!("{axe}\n;window.axe = axe; return typeof window.axe.run;"), vec![]).await;
        assert_eq!(loaded, json!("function"), "axe-core loaded on {path}");
        self.version = b.execute("return window.axe.version", vec![]).await.as_str().unwrap_or_default().to_string();
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
            *self.by_impact.entry(impact.clone()).or_default() += v["nodes"].as_u64().unwrap_or(1) as usize;
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
                self.failures.push(format!("{path}: {line}"));
            }
            here.push(line);
        }
        self.pages += 1;
        self.lines
            .push(format!("{path}: {}", if here.is_empty() { "no violations".to_string() } else { here.join("; ") }));
    }

    /// Prints the summary and fails on any serious or critical violation.
    fn finish(self, what: &str) {
        println!("axe-core {} on {} {what} ({})", self.version, self.pages, TAGS.join(", "));
        for l in &self.lines {
            println!("  {l}");
        }
        let summary: Vec<String> = ["critical", "serious", "moderate", "minor"]
            .iter()
            .map(|i| format!("{i}: {}", self.by_impact.get(*i).copied().unwrap_or(0)))
            .collect();
        println!("violations by impact (elements): {}", summary.join(", "));
        assert!(self.failures.is_empty(), "serious or critical violations:\n  {}", self.failures.join("\n  "));
    }
}
