//! Publication: drafts and unpublished years never appear in the portal,
//! the API or the open-data export.
//!
//! The five seed documents are imported; 三鷹市's FY2018 is locked and
//! published through the admin pages; every other year and city stays
//! unpublished. Markers are planted where only a leak could show them: a
//! draft-only item (with its narrative, indicator, budget and grade), and
//! next-year content (FY2019 narrative, cell, budget, grade comment) on a
//! published item. Then every public GET route of `hyoka_web::route_specs()`
//! is requested with its parameters filled from published and unpublished
//! cities, years and ids (and with queries that search for the drafts),
//! every page of every API table is read, and the open data is exported:
//! no marker appears anywhere, and every unpublished year, city and id is
//! 404. After the year is withdrawn, all of it is gone again.

use crate::support;

use crate::report_support;

use std::collections::BTreeSet;
use std::io::Read;

use hyoka_core::access::Role;
use hyoka_core::narrative::Block;
use hyoka_core::sheet::{EvaluationRow, NarrativeRow};
use hyoka_core::{
    BudgetFigures, Direction, Evaluator, FiscalYear, IndicatorCell, IndicatorKind, Narrative, Stage, ValueRole, Yen,
};
use hyoka_report::{export_opendata, OpenDataOptions};
use hyoka_store::testing::TestDb;
use hyoka_store::{NewIndicator, NewItem, Store};
use hyoka_web::{route_specs, Rule};
use support::{Client, Response, TestServer};

const MITAKA: &str = "132047";
const MISHIMA: &str = "222062";
const PUBLISHED: i32 = 2018;

/// Text and numbers that only a leak of a draft or an unpublished year
/// could show. Amounts are checked both plain (CSV, JSON) and grouped
/// (pages).
const MARKERS: &[&str] = &[
    "非公開の下書き事業",
    "下書きの本文マーカー",
    "非公開の下書き指標",
    "987654321",
    "987,654,321",
    "次年度の未公開メモ",
    "13572468",
    "13,572,468",
    "未公開の評価コメント",
    // Cities with no published year (their names occur nowhere in 三鷹市's
    // documents).
    "三島市",
    "小平市",
    "東村山市",
];

/// A script in published text: shown, as text.
const SCRIPT: &str = "<script>alert('公開')</script>";

fn fy(y: i32) -> FiscalYear {
    FiscalYear::new(y).unwrap()
}

fn text(s: &str) -> Narrative {
    Narrative { blocks: vec![Block::Paragraph(s.to_string())] }
}

async fn import_seeds(store: &Store, files: &[&str]) {
    let batches: Vec<(String, hyoka_import::Batch)> = files
        .iter()
        .map(|f| {
            let path = format!("{}/../../demo/seeds/{f}", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            let (_, batch) = hyoka_import::read_published(f, &text).unwrap_or_else(|e| panic!("{f}: {e}"));
            (f.to_string(), batch)
        })
        .collect();
    hyoka_import::apply(store, &batches, false).await.unwrap();
}

fn all_seeds() -> Vec<String> {
    let dir = format!("{}/../../demo/seeds", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|f| f.ends_with(".txt"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 5, "the five seed documents");
    files
}

/// The ids the sweep fills paths with.
struct Ids {
    /// 企-1: content in FY2018 (published) and planted FY2019 drafts.
    published_item: i64,
    /// An item with content in no published year (a 2020 action-plan issue).
    unpublished_item: i64,
    draft_item: i64,
    mishima_item: i64,
    /// An indicator with FY2018 cells.
    published_indicator: i64,
    draft_indicator: i64,
    mishima_indicator: i64,
    mitaka_plan: i64,
    mitaka_node: i64,
    mishima_plan: i64,
    mishima_node: i64,
}

/// Where an item is placed: (plan, node).
async fn placement(store: &Store, city: &str, item: i64) -> (i64, i64) {
    for p in store.plans(city).await.unwrap() {
        for n in store.plan_nodes(p.id).await.unwrap() {
            if store.node_items(n.id).await.unwrap().iter().any(|(i, _)| i.id == item) {
                return (p.id, n.id);
            }
        }
    }
    panic!("item {item} of {city} is placed nowhere")
}

/// Plants the drafts and next-year content, and a script in published text.
async fn plant(store: &Store) -> Ids {
    let items = store.items(MITAKA).await.unwrap();
    let published_item = items.iter().find(|i| i.code == "企-1").expect("企-1").id;
    let (mitaka_plan, mitaka_node) = placement(store, MITAKA, published_item).await;
    // An action-plan issue of FY2020 without budgets or indicators: nothing
    // of it belongs to FY2018.
    let mut unpublished_item = None;
    for i in items.iter().filter(|i| i.fiscal_year == Some(fy(2020)) && i.kind == "issue") {
        if store.item_indicators(i.id).await.unwrap().is_empty() && store.budgets(i.id).await.unwrap().is_empty() {
            unpublished_item = Some(i.id);
            break;
        }
    }
    let unpublished_item = unpublished_item.expect("a 2020 issue with no indicator or budget");
    let mut published_indicator = None;
    for ind in store.indicators(MITAKA).await.unwrap() {
        if store.indicator_values(ind.id).await.unwrap().iter().any(|v| v.fiscal_year == fy(PUBLISHED)) {
            published_indicator = Some(ind.id);
            break;
        }
    }
    let mishima_item = store.items(MISHIMA).await.unwrap()[0].id;
    let mishima_indicator = store.indicators(MISHIMA).await.unwrap()[0].id;
    let (mishima_plan, mishima_node) = placement(store, MISHIMA, mishima_item).await;

    let next = fy(2019);
    let mut tx = store.begin().await.unwrap();
    // A draft-only item: a FY2019 sheet being written, placed in the plan.
    let draft_item = tx
        .upsert_item(
            MITAKA,
            &NewItem {
                key: "draft-only".into(),
                kind: "project".into(),
                code: "企-99".into(),
                title: MARKERS[0].into(),
            },
        )
        .await
        .unwrap();
    tx.set_item_details(draft_item, Some(next), &[], None).await.unwrap();
    tx.place_item(draft_item, mitaka_node, false).await.unwrap();
    tx.sheet_for_update(draft_item, next).await.unwrap();
    tx.replace_narratives(
        draft_item,
        &[NarrativeRow {
            fiscal_year: Some(next),
            slot: "overview".into(),
            label: "事業概要".into(),
            text: text(MARKERS[1]),
        }],
    )
    .await
    .unwrap();
    let draft_indicator = tx
        .upsert_indicator(
            MITAKA,
            &NewIndicator {
                key: "draft-only-indicator".into(),
                name: MARKERS[2].into(),
                kind: IndicatorKind::Activity,
                definition: None,
                unit: Some("件".into()),
                direction: Direction::HigherIsBetter,
                vocabulary: Some("achievement".into()),
                item_id: Some(draft_item),
                node_id: None,
                related_node_id: None,
            },
        )
        .await
        .unwrap();
    tx.set_indicator_value(draft_indicator, next, ValueRole::Target, &IndicatorCell::parse("987654321件"))
        .await
        .unwrap();
    let figures = BudgetFigures { settlement: Some(Yen(987654321)), ..BudgetFigures::default() };
    tx.set_budget(draft_item, next, &figures, None).await.unwrap();
    tx.reindex_item(draft_item).await.unwrap();

    // Next year's drafts on a published item.
    tx.sheet_for_update(published_item, next).await.unwrap();
    tx.set_narrative_slot(published_item, next, "summary", "事業の総括", &text(MARKERS[5])).await.unwrap();
    let figures = BudgetFigures { initial: Some(Yen(13572468)), ..BudgetFigures::default() };
    tx.set_budget(published_item, next, &figures, None).await.unwrap();
    tx.set_evaluation(
        MITAKA,
        published_item,
        &EvaluationRow {
            fiscal_year: next,
            stage: Stage::YearEnd,
            evaluator: Evaluator::Section,
            scale: None,
            grade: Some("A".into()),
            comment: Some(MARKERS[8].into()),
        },
    )
    .await
    .unwrap();
    let published_indicator = published_indicator.expect("an indicator with FY2018 cells");
    tx.set_indicator_value(published_indicator, next, ValueRole::Actual, &IndicatorCell::parse("13572468"))
        .await
        .unwrap();
    // Published text with a script in it.
    tx.set_narrative_slot(published_item, fy(PUBLISHED), "opinion_public", "公開の意見", &text(SCRIPT)).await.unwrap();
    tx.reindex_item(published_item).await.unwrap();
    tx.commit().await.unwrap();

    Ids {
        published_item,
        unpublished_item,
        draft_item,
        mishima_item,
        published_indicator,
        draft_indicator,
        mishima_indicator,
        mitaka_plan,
        mitaka_node,
        mishima_plan,
        mishima_node,
    }
}

/// One value of a path parameter, and whether it names something public.
#[derive(Clone)]
struct Choice {
    value: String,
    public: bool,
}

fn choice(value: impl ToString, public: bool) -> Choice {
    Choice { value: value.to_string(), public }
}

/// Every way the sweep fills a parameter of a route.
fn choices(template: &str, name: &str, ids: &Ids) -> Vec<Choice> {
    match name {
        "code" => vec![choice(MITAKA, true), choice(MISHIMA, false)],
        "fy" => vec![choice(PUBLISHED, true), choice(2019, false), choice(2020, false)],
        "item" => vec![
            choice(ids.published_item, true),
            choice(ids.draft_item, false),
            choice(ids.unpublished_item, false),
            choice(ids.mishima_item, false),
        ],
        "indicator" => vec![
            choice(ids.published_indicator, true),
            choice(ids.draft_indicator, false),
            choice(ids.mishima_indicator, false),
        ],
        "plan" => vec![choice(ids.mitaka_plan, true), choice(ids.mishima_plan, false)],
        "node" => vec![choice(ids.mitaka_node, true), choice(ids.mishima_node, false)],
        // The portal's downloads also offer the metadata; the API does not.
        "table" => ["indicators", "evaluations", "budgets", "nodes", "metadata"]
            .iter()
            .map(|t| choice(t, *t != "metadata" || template.starts_with("/p/")))
            .collect(),
        // The year's sheets in one file; their text is read back below.
        "format" => vec![choice("pdf", true), choice("xlsx", true)],
        other => panic!("the publication sweep cannot fill {{{other}}}: add it to `choices`"),
    }
}

/// Every filled path of a template, with whether all it names is public.
fn fillings(template: &str, ids: &Ids) -> Vec<(String, bool)> {
    let mut out = vec![(template.to_string(), true)];
    for p in support::params(template) {
        let mut next = Vec::new();
        for (path, public) in &out {
            for c in choices(template, p, ids) {
                next.push((path.replace(&format!("{{{p}}}"), &c.value), *public && c.public));
            }
        }
        out = next;
    }
    out
}

/// Queries that ask for the drafts: search words, a comparison, page
/// filters naming the draft item and indicator, JSON, a large page.
fn queries(ids: &Ids) -> Vec<String> {
    vec![
        String::new(),
        format!("?q=下書き&indicator=非公開&format=json&limit=1000&item={}&header=en", ids.draft_item),
        format!("?q=未公開&through=1&indicator={}&format=csv", ids.draft_indicator),
        "?q=7654&indicator=指標".to_string(),
    ]
}

/// Every XML part of a workbook, concatenated: its cells' text.
fn xlsx_text(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an XLSX file is a ZIP archive");
    let mut all = String::new();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        if part.name().ends_with(".xml") {
            part.read_to_string(&mut all).unwrap();
        }
    }
    all
}

fn leaks(body: &str, extra: &[&str]) -> Vec<String> {
    MARKERS.iter().chain(extra).filter(|m| body.contains(**m)).map(|m| m.to_string()).collect()
}

/// An API answer and every page after it (following `links.next`).
async fn with_next_pages(c: &mut Client, first: Response) -> String {
    let mut all = first.body.clone();
    let mut current = first;
    for _ in 0..50 {
        let next = serde_json::from_str::<serde_json::Value>(&current.body)
            .ok()
            .and_then(|v| v["links"]["next"].as_str().map(str::to_string));
        let Some(next) = next else { break };
        current = c.get(&next).await;
        assert_eq!(current.status, 200, "GET {next}");
        all.push_str(&current.body);
    }
    all
}

#[derive(Default)]
struct Sweep {
    requests: usize,
    ok: usize,
    not_found: usize,
    failures: Vec<String>,
}

/// Requests every public GET route with every filling and query; `public`
/// says whether the published year is public right now (after withdrawal
/// nothing is). Returns what was seen, concatenated, for further checks.
async fn sweep(server: &TestServer, ids: &Ids, public: bool, extra: &[&str]) -> (Sweep, String) {
    let mut c = server.client();
    let mut s = Sweep::default();
    let mut seen = String::new();
    for spec in route_specs().into_iter().filter(|r| r.rule == Rule::Public && r.method.as_str() == "GET") {
        for (path, names_public) in fillings(spec.path, ids) {
            let city_route = spec.path.contains("{code}") || spec.path.contains("{fy}");
            for q in queries(ids) {
                let url = format!("{path}{q}");
                let mut r = c.get(&url).await;
                s.requests += 1;
                if r.status == 200 && url.starts_with("/api/") {
                    r.body = with_next_pages(&mut c, r.clone()).await;
                }
                for leak in leaks(&r.body, extra) {
                    s.failures.push(format!("GET {url} ({}): shows «{leak}»", r.status));
                }
                let expect_missing = city_route && !(names_public && public);
                if expect_missing && r.status != 404 {
                    s.failures.push(format!("GET {url}: expected 404 (not public), got {}", r.status));
                }
                if !expect_missing && (r.status == 404 || r.status >= 500) {
                    s.failures.push(format!("GET {url}: expected an answer, got {}", r.status));
                }
                match r.status {
                    200 => s.ok += 1,
                    404 => s.not_found += 1,
                    _ => {}
                }
                seen.push_str(&r.body);
            }
        }
    }
    (s, seen)
}

fn export_text(dir: &std::path::Path) -> String {
    let mut all = String::new();
    for e in std::fs::read_dir(dir).unwrap() {
        all.push_str(&std::fs::read_to_string(e.unwrap().path()).unwrap());
    }
    all
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    std::env::temp_dir().join(format!("hyoka_publication_{name}_{}_{nanos}", std::process::id()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drafts_and_unpublished_years_never_appear() {
    let started = std::time::Instant::now();
    let db = TestDb::new().await;
    let store = db.store().await;
    let seeds = all_seeds();
    import_seeds(&store, &seeds.iter().map(String::as_str).collect::<Vec<_>>()).await;
    let ids = plant(&store).await;
    let published_title = store.item(ids.published_item).await.unwrap().title;
    support::named_account(&store, "admin", "管理者", Role::Admin, Some(MITAKA), None).await;
    let server = support::spawn(store.clone()).await;

    // The admin locks and publishes FY2018 of 三鷹市.
    let mut admin = server.signed_in("admin").await;
    let lock = admin.post(&format!("/m/{MITAKA}/admin/years/{PUBLISHED}/lock"), &[("confirm", "yes")]).await;
    assert_eq!(lock.status, 303, "lock: {}", lock.body);
    let publish = admin.post(&format!("/m/{MITAKA}/admin/years/{PUBLISHED}/publish"), &[("confirm", "yes")]).await;
    assert_eq!(publish.status, 303, "publish: {}", publish.body);
    let years = admin.get(&format!("/m/{MITAKA}/admin/years")).await;
    assert!(years.body.contains("公開中"), "the years page shows the year as public");

    // Every public route, published and unpublished, with search queries.
    let (s, seen) = sweep(&server, &ids, true, &[]).await;
    println!(
        "published: {} requests ({} answered 200, {} answered 404) in {:.1} s on {:?}",
        s.requests,
        s.ok,
        s.not_found,
        started.elapsed().as_secs_f64(),
        db.backend()
    );
    assert!(s.failures.is_empty(), "{} problem(s):\n  {}", s.failures.len(), s.failures.join("\n  "));
    // Not vacuous: the published year is there, with its content.
    assert!(s.ok > 100 && s.not_found > 100, "both public and missing pages were asked for");
    assert!(seen.contains(&published_title), "the published item is shown");
    assert!(seen.contains("&lt;script&gt;alert("), "published text is shown, escaped");
    assert!(!seen.contains(SCRIPT), "a script in published text is never live");
    let mut c = server.client();
    let item = c.get(&format!("/p/{MITAKA}/{PUBLISHED}/items/{}", ids.published_item)).await;
    assert_eq!(item.status, 200);
    assert!(item.body.contains(&published_title));
    let chart = c.get(&format!("/p/{MITAKA}/{PUBLISHED}/indicators/{}", ids.published_indicator)).await;
    assert!(chart.body.contains("<table class=\"chart-data\""), "the indicator page has its data table");
    let search = c.get(&format!("/p/{MITAKA}/search?q=EBPM")).await;
    assert!(search.body.contains("<mark>EBPM</mark>"), "search finds published words");
    let api = c.get(&format!("/api/v1/municipalities/{MITAKA}/years/{PUBLISHED}/nodes?limit=1000")).await;
    assert!(api.body.contains(&published_title), "the API lists the published item");

    // The year's sheets in one file, read back: the published sheets, no
    // draft and nothing of the next year (the sweep sees only bytes).
    let pdf = c.get(&format!("/p/{MITAKA}/{PUBLISHED}/sheets/pdf")).await;
    assert_eq!(pdf.status, 200);
    assert!(pdf.headers["content-disposition"].contains("132047_2018_sheets.pdf"));
    let text = report_support::pdftotext(&pdf.bytes);
    assert!(text.contains(&published_title) && text.contains("企-12"), "the year's sheets are in the PDF");
    assert!(text.contains("確定した年度の内容です"), "the cover says the content is final");
    assert!(leaks(&text, &[]).is_empty(), "the PDF shows {:?}", leaks(&text, &[]));
    let xlsx = c.get(&format!("/p/{MITAKA}/{PUBLISHED}/sheets/xlsx")).await;
    assert_eq!(xlsx.status, 200);
    let text = xlsx_text(&xlsx.bytes);
    assert!(text.contains(&published_title), "the year's sheets are in the workbook");
    assert!(leaks(&text, &[]).is_empty(), "the workbook shows {:?}", leaks(&text, &[]));
    let year = c.get(&format!("/p/{MITAKA}/{PUBLISHED}")).await;
    assert!(year.body.contains(&format!("/p/{MITAKA}/{PUBLISHED}/sheets/pdf")), "the year's page links the file");

    // The open data: published years only by default, everything (drafts
    // included) only when asked for.
    let dir = temp_dir("published");
    let report =
        export_opendata(&store, &OpenDataOptions::published(&dir, hyoka_core::JpDate::new(2026, 4, 1).unwrap()))
            .await
            .unwrap();
    let exported = export_text(&dir);
    assert_eq!(report.municipalities.iter().map(|m| m.code.as_str()).collect::<Vec<_>>(), [MITAKA]);
    assert!(leaks(&exported, &[]).is_empty(), "the export shows {:?}", leaks(&exported, &[]));
    assert!(exported.contains(&published_title));
    let years: BTreeSet<&str> = report.files.iter().map(|f| f.path.to_str().unwrap_or("")).collect();
    assert!(years.len() >= 9, "four tables twice and the metadata");
    let internal = temp_dir("internal");
    export_opendata(&store, &OpenDataOptions::new(&internal, hyoka_core::JpDate::new(2026, 4, 1).unwrap()))
        .await
        .unwrap();
    assert!(
        export_text(&internal).contains(MARKERS[0]),
        "the internal export holds the draft: the check above sees it"
    );
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&internal);

    // Withdrawn: gone from every route and from the export.
    let withdraw = admin.post(&format!("/m/{MITAKA}/admin/years/{PUBLISHED}/withdraw"), &[("confirm", "yes")]).await;
    assert_eq!(withdraw.status, 303, "withdraw: {}", withdraw.body);
    let (s, _) = sweep(&server, &ids, false, &[&published_title]).await;
    println!("withdrawn: {} requests, {} answered 404", s.requests, s.not_found);
    assert!(s.failures.is_empty(), "{} problem(s):\n  {}", s.failures.len(), s.failures.join("\n  "));
    let dir = temp_dir("withdrawn");
    let report =
        export_opendata(&store, &OpenDataOptions::published(&dir, hyoka_core::JpDate::new(2026, 4, 1).unwrap()))
            .await
            .unwrap();
    assert!(report.municipalities.is_empty());
    assert!(!export_text(&dir).contains(&published_title));
    let _ = std::fs::remove_dir_all(&dir);
    let list = c.get("/api/v1/municipalities").await;
    assert_eq!(serde_json::from_str::<serde_json::Value>(&list.body).unwrap()["municipalities"], serde_json::json!([]));
}

#[tokio::test]
async fn only_a_locked_year_is_published_and_each_step_is_recorded() {
    let db = TestDb::new().await;
    let store = db.store().await;
    import_seeds(&store, &["000_1a8dd8067da68eba.txt"]).await;
    support::named_account(&store, "admin", "管理者", Role::Admin, Some(MITAKA), None).await;
    support::named_account(&store, "viewer", "閲覧者", Role::Viewer, Some(MITAKA), None).await;
    let server = support::spawn(store.clone()).await;
    let mut admin = server.signed_in("admin").await;
    let base = format!("/m/{MITAKA}/admin/years/{PUBLISHED}");

    // Not locked: refused, with the reason.
    let r = admin.post(&format!("{base}/publish"), &[("confirm", "yes")]).await;
    assert_eq!(r.status, 409);
    assert!(r.body.contains("確定していない年度は公開できません"), "{}", r.body);
    assert_eq!(server.client().get(&format!("/p/{MITAKA}/{PUBLISHED}")).await.status, 404);

    // The confirmation is needed; anyone but the admin is refused.
    assert_eq!(admin.post(&format!("{base}/lock"), &[("confirm", "yes")]).await.status, 303);
    assert_eq!(admin.post(&format!("{base}/publish"), &[]).await.status, 422);
    let mut viewer = server.signed_in("viewer").await;
    assert_eq!(viewer.post(&format!("{base}/publish"), &[("confirm", "yes")]).await.status, 403);
    assert_eq!(server.client().get(&format!("/p/{MITAKA}/{PUBLISHED}")).await.status, 404);

    let r = admin.post(&format!("{base}/publish"), &[("confirm", "yes")]).await;
    assert_eq!(r.status, 303);
    assert!(r.location().is_some_and(|l| l.contains("done=publish")));
    let page = server.client().get(&format!("/p/{MITAKA}/{PUBLISHED}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("平成30年度の行政評価"));
    let again = admin.post(&format!("{base}/publish"), &[("confirm", "yes")]).await;
    assert_eq!(again.status, 409, "publishing twice is refused");

    let published = store.published_years(MITAKA).await.unwrap();
    assert_eq!(published.len(), 1);
    assert_eq!(published[0].published_by_name.as_deref(), Some("管理者"));

    assert_eq!(admin.post(&format!("{base}/withdraw"), &[]).await.status, 422);
    assert_eq!(admin.post(&format!("{base}/withdraw"), &[("confirm", "yes")]).await.status, 303);
    assert_eq!(admin.post(&format!("{base}/withdraw"), &[("confirm", "yes")]).await.status, 409);
    assert_eq!(server.client().get(&format!("/p/{MITAKA}/{PUBLISHED}")).await.status, 404);

    // Each step is in the city's history: who, when, before → after.
    let rows = sqlx_history(&db, &store).await;
    assert!(
        rows.contains(&("公開 平成30年度".to_string(), Some("非公開".to_string()), Some("公開".to_string()))),
        "{rows:?}"
    );
    assert!(rows.contains(&("公開 平成30年度".to_string(), Some("公開".to_string()), Some("非公開".to_string()))));
}

/// The city-level history entries (those of no item).
async fn sqlx_history(_db: &TestDb, store: &Store) -> Vec<(String, Option<String>, Option<String>)> {
    store
        .admin_history(MITAKA, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|h| h.item_id.is_none())
        .map(|h| (h.field, h.before, h.after))
        .collect()
}

/// A published document prints earlier (and later) years than its own: 三鷹市's
/// white paper of FY2020 prints each 施策's H22 baseline, H26 and H30
/// actuals and its R4 target. Those cells are public with it, as printed,
/// though FY2010 … FY2022 are not published years; a document of a year
/// that is not published shows nothing, and withdrawing hides it all again.
#[tokio::test]
async fn a_published_document_shows_the_history_it_printed() {
    const WHITE_PAPER: i32 = 2020;
    let db = TestDb::new().await;
    let store = db.store().await;
    let seeds = all_seeds();
    import_seeds(&store, &seeds.iter().map(String::as_str).collect::<Vec<_>>()).await;
    support::named_account(&store, "admin", "管理者", Role::Admin, Some(MITAKA), None).await;

    // A cell the white paper printed for a year before its own.
    let mut printed = None;
    for ind in store.indicators(MITAKA).await.unwrap() {
        let old = store
            .printings(ind.id)
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.printed_in == Some(fy(WHITE_PAPER)) && p.fiscal_year < fy(2015) && p.role != "judgement");
        if let Some(p) = old {
            printed = Some((ind, p));
            break;
        }
    }
    let (ind, cell) = printed.expect("the white paper prints years before 2015");
    assert!(!cell.printed.trim().is_empty());
    let page = format!("/p/{MITAKA}/{WHITE_PAPER}/indicators/{}", ind.id);

    let server = support::spawn(store.clone()).await;
    let mut c = server.client();
    assert_eq!(c.get(&page).await.status, 404, "nothing is public before publishing");
    let mut admin = server.signed_in("admin").await;
    for step in ["lock", "publish"] {
        let r = admin.post(&format!("/m/{MITAKA}/admin/years/{WHITE_PAPER}/{step}"), &[("confirm", "yes")]).await;
        assert_eq!(r.status, 303, "{step}: {}", r.body);
    }

    let shown = c.get(&page).await;
    assert_eq!(shown.status, 200);
    assert!(shown.body.contains(&cell.fiscal_year.label()), "{} is on the page", cell.fiscal_year.label());
    assert!(shown.body.contains(cell.printed.trim()), "«{}» as printed", cell.printed);
    let values = store.public_indicator_values(ind.id, &[cell.fiscal_year]).await.unwrap();
    assert!(values.iter().any(|v| v.cell.printed() == cell.printed), "{values:?}");

    // The open data carries the row of that year.
    let dir = temp_dir("history");
    export_opendata(&store, &OpenDataOptions::published(&dir, hyoka_core::JpDate::new(2026, 4, 1).unwrap()))
        .await
        .unwrap();
    let exported = export_text(&dir);
    let year = cell.fiscal_year.year().to_string();
    assert!(
        exported.lines().any(|l| l.contains(&ind.name) && l.contains(&year) && l.contains(cell.printed.trim())),
        "the open data holds {} {year} «{}»",
        ind.name,
        cell.printed
    );
    let _ = std::fs::remove_dir_all(&dir);

    // 小平市's document (FY2017) is not published: the years it printed
    // are not public either.
    let kodaira = store.indicators("132110").await.unwrap();
    let earlier = kodaira.first().expect("小平市 has indicators");
    assert!(store.printed_history("132110", None).await.unwrap().is_empty());
    assert!(store.public_indicator_values(earlier.id, &[fy(2016), fy(2017)]).await.unwrap().is_empty());

    let r = admin.post(&format!("/m/{MITAKA}/admin/years/{WHITE_PAPER}/withdraw"), &[("confirm", "yes")]).await;
    assert_eq!(r.status, 303);
    assert_eq!(c.get(&page).await.status, 404, "withdrawn: gone");
    assert!(store.printed_history(MITAKA, None).await.unwrap().is_empty());
}
