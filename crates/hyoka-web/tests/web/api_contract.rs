//! The JSON API against its own OpenAPI document: schemathesis (from PyPI,
//! installed by scripts/test) generates requests from
//! `/api/v1/openapi.json` and runs every check it has (status codes,
//! content types, headers, response schemas, negative and positive data,
//! undeclared methods, …) against a real server holding the seeds with
//! published years. Plus the caching and paging behaviour, checked by hand.

use crate::support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hyoka_core::FiscalYear;
use hyoka_store::testing::TestDb;
use hyoka_store::{FiscalYearRecord, Store};
use serde_json::Value;

const MITAKA: &str = "132047";
const MISHIMA: &str = "222062";
/// The pinned version scripts/test installs.
const SCHEMATHESIS: &str = "4.32.5";
/// Test cases per API operation, and the most the whole run may take.
const MAX_EXAMPLES: &str = "20";
const TIME_LIMIT: Duration = Duration::from_secs(600);

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
    // Published: 三鷹市 FY2018 and FY2020, 三島市 FY2018. Locked first: only a
    // locked year can be published.
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

/// The schemathesis command line of the pinned version, run through the
/// Python it was installed into.
fn schemathesis() -> Command {
    let mut c = Command::new("python3");
    c.args([
        "-c",
        "import sys; from schemathesis.cli import schemathesis; sys.argv[0] = 'schemathesis'; sys.exit(schemathesis())",
    ]);
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_meets_its_openapi_document() {
    let version = schemathesis().arg("--version").output();
    let installed = match &version {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).trim().to_string(),
        _ => panic!(
            "schemathesis is not installed: run ./scripts/test (it runs `python3 -m pip install schemathesis=={SCHEMATHESIS}`), \
             or install it yourself; this test does not skip"
        ),
    };
    assert!(installed.ends_with(SCHEMATHESIS), "schemathesis {SCHEMATHESIS} is pinned, found «{installed}»");

    let (_db, store) = seeded().await;
    let server = support::spawn(store).await;
    let base = format!("http://{}", server.addr);
    // Its own working directory: schemathesis keeps nothing in the clone.
    let work = std::env::temp_dir().join(format!("hyoka-schemathesis-{}-{}", std::process::id(), server.addr.port()));
    std::fs::create_dir_all(&work).unwrap();
    let seed = std::env::var("HYOKA_SCHEMATHESIS_SEED").unwrap_or_else(|_| "20240401".into());
    let args = [
        "--no-color",
        "run",
        "--checks",
        "all",
        "--url",
        &base,
        "--max-examples",
        MAX_EXAMPLES,
        "--seed",
        &seed,
        "--generation-database",
        "none",
        "--request-timeout",
        "30",
        &format!("{base}/api/v1/openapi.json"),
    ];
    println!("schemathesis {}", args.join(" "));
    let mut child = schemathesis()
        .args(args)
        .current_dir(&work)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start schemathesis");
    let pid = child.id();
    // The server runs on this test's runtime: wait without blocking it.
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            panic!("schemathesis (pid {pid}) ran longer than {} s", TIME_LIMIT.as_secs());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let _ = std::fs::remove_dir_all(&work);
    // The summary is the part worth seeing in a passing run.
    let summary = stdout.find("SUMMARY").map_or(&stdout[..], |i| &stdout[i..]);
    println!("{summary}");
    assert!(status.success(), "schemathesis found problems (exit {status}; seed {seed}):\n{stdout}\n{stderr}");
    assert!(stdout.contains("No issues found"), "{stdout}");
    assert!(!stdout.contains("Tested: 0"), "operations were tested: {stdout}");
}

/// The same answer twice has the same ETag; sending it back gives 304
/// without a body; pages link to each other and cover every row once.
#[tokio::test]
async fn answers_are_cacheable_and_paged() {
    let (_db, store) = seeded().await;
    let server = support::spawn(store).await;
    let mut c = server.client();
    let path = format!("/api/v1/municipalities/{MITAKA}/years/2018/indicators?limit=25");
    let first = c.get(&path).await;
    assert_eq!(first.status, 200);
    assert!(first.header("content-type").is_some_and(|t| t.starts_with("application/json")));
    assert_eq!(first.header("cache-control"), Some("public, max-age=300"));
    let etag = first.header("etag").expect("an ETag").to_string();
    assert_eq!(c.get(&path).await.header("etag"), Some(etag.as_str()), "the same body, the same ETag");
    let again = c.send("GET", &path, None, &[("If-None-Match", &etag)]).await;
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), Some(etag.as_str()));
    let other = c.send("GET", &path, None, &[("If-None-Match", "\"something-else\"")]).await;
    assert_eq!(other.status, 200);

    let page: Value = serde_json::from_str(&first.body).unwrap();
    let total = page["total"].as_u64().unwrap() as usize;
    assert!(total > 25, "more than one page");
    let mut rows = page["rows"].as_array().unwrap().clone();
    let mut next = page["links"]["next"].as_str().map(str::to_string);
    while let Some(n) = next {
        let p: Value = serde_json::from_str(&c.get(&n).await.body).unwrap();
        rows.extend(p["rows"].as_array().unwrap().iter().cloned());
        next = p["links"]["next"].as_str().map(str::to_string);
    }
    assert_eq!(rows.len(), total, "the pages hold every row once");
    // The same rows as the portal's JSON download of the year.
    let file: Value =
        serde_json::from_str(&c.get(&format!("/p/{MITAKA}/2018/data/indicators?format=json")).await.body).unwrap();
    assert_eq!(file["rows"].as_array().unwrap(), &rows);

    // Errors are JSON, in Japanese.
    for (path, status) in [
        (format!("/api/v1/municipalities/{MITAKA}/years/2019/indicators"), 404),
        ("/api/v1/municipalities/999999".to_string(), 404),
        ("/api/v1/municipalities/12".to_string(), 404),
        ("/api/v1/municipalities/abc".to_string(), 404),
        (format!("/api/v1/municipalities/{MITAKA}/years/20x8"), 404),
        (format!("/api/v1/municipalities/{MITAKA}/years/99999/indicators"), 404),
        (format!("/api/v1/municipalities/{MITAKA}/years/2018/indicators?limit=0"), 422),
        (format!("/api/v1/municipalities/{MITAKA}/years/2018/indicators?limit=1&limit=2"), 422),
        (format!("/api/v1/municipalities/{MITAKA}/years/2018/indicators?offset=%00"), 422),
        ("/api/v1/compare".to_string(), 422),
        ("/api/v1/compare?indicator=%E5%B8%82&kind=other".to_string(), 422),
    ] {
        let r = c.get(&path).await;
        assert_eq!(r.status, status, "{path}: {}", r.body);
        let v: Value = serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{path}: {e}: {}", r.body));
        let message = v["error"]["message"].as_str().unwrap();
        assert!(!message.is_ascii(), "{path}: a Japanese message: {message}");
    }
    // An undeclared method: 405 with Allow, not a CSRF refusal.
    let r = c.send("DELETE", "/api/v1/municipalities", None, &[]).await;
    assert_eq!(r.status, 405);
    assert!(r.header("allow").is_some_and(|a| a.contains("GET")));

    // The comparison covers every published city.
    let r = c.get("/api/v1/compare?indicator=%E5%B8%82&limit=1000").await;
    let v: Value = serde_json::from_str(&r.body).unwrap();
    let cities: Vec<&str> = v["municipalities"].as_array().unwrap().iter().filter_map(|m| m["code"].as_str()).collect();
    assert!(cities.contains(&MITAKA), "{cities:?}");
    // Its pages count indicators (each with all its rows); put together,
    // they are the whole answer (only a page's indicators are read).
    let all = v["rows"].as_array().unwrap().clone();
    let total = v["total"].as_u64().unwrap();
    assert!(total > 6, "several pages of 3 indicators: {total}");
    assert!(all.len() as u64 > total, "indicators of several rows: {} rows, {total}", all.len());
    let mut pieces = Vec::new();
    for offset in (0..total + 3).step_by(3) {
        let r = c.get(&format!("/api/v1/compare?indicator=%E5%B8%82&limit=3&offset={offset}")).await;
        let page: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(page["total"], v["total"], "offset {offset}");
        assert_eq!(page["municipalities"], v["municipalities"], "offset {offset}");
        assert_eq!(page["rows"].as_array().unwrap().is_empty(), offset >= total, "offset {offset}");
        pieces.extend(page["rows"].as_array().unwrap().iter().cloned());
    }
    assert_eq!(pieces, all);
}
