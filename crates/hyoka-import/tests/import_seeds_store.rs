//! The five published documents through the whole import path, on the test
//! backend: read, apply in one transaction, load back. Importing again
//! changes nothing; `--dry-run` writes nothing; a failing file writes nothing.

use hyoka_import::{apply, load_city, read_published, Batch};
use hyoka_store::testing::TestDb;
use hyoka_store::Store;

const SEEDS: [&str; 5] = [
    "000_1a8dd8067da68eba.txt",
    "001_9b686f713a20fe01.txt",
    "002_f160ebe9d3a69d59.txt",
    "003_cdfef3ca57f45fe5.txt",
    "004_14ceec0f4c63a17a.txt",
];
const CITIES: [&str; 4] = ["132047", "222062", "132110", "132136"];

fn read_seeds() -> Vec<(String, Batch)> {
    SEEDS
        .iter()
        .map(|f| {
            let path = format!("{}/../../demo/seeds/{f}", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            let (_, batch) = read_published(f, &text).unwrap_or_else(|e| panic!("{e}"));
            (f.to_string(), batch)
        })
        .collect()
}

async fn snapshot(store: &Store) -> Vec<hyoka_import::batch::CityBatch> {
    let mut out = Vec::new();
    for c in CITIES {
        out.push(load_city(store, c).await.unwrap());
    }
    out
}

#[tokio::test]
async fn the_five_documents_import_and_importing_again_changes_nothing() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let batches = read_seeds();

    let first = apply(&store, &batches, false).await.unwrap();
    assert_eq!(first.cities.len(), 4, "four cities: 三鷹市, 三島市, 小平市, 東村山市");
    let mut names: Vec<String> =
        store.municipalities().await.unwrap().into_iter().map(|m| format!("{} {}", m.code, m.name)).collect();
    names.sort();
    assert_eq!(names, ["132047 三鷹市", "132110 小平市", "132136 東村山市", "222062 三島市"]);

    let mitaka = store.counts("132047").await.unwrap();
    // 12 project sheets, 82 action-plan issues and the white paper's 施策.
    assert!(mitaka.items >= 12 + 82, "{mitaka:?}");
    assert!(mitaka.indicators >= 68, "{mitaka:?}");
    let kodaira = store.counts("132110").await.unwrap();
    assert!(kodaira.items >= 43, "{kodaira:?}");
    let higashimurayama = store.counts("132136").await.unwrap();
    assert!(higashimurayama.items >= 21, "{higashimurayama:?}");

    let after_first = snapshot(&store).await;
    let exports_first = exports(&store, "first").await;
    let again = apply(&store, &batches, false).await.unwrap();
    for c in &again.cities {
        assert!(c.is_unchanged(), "re-import changed {}: {c:?}", c.name);
    }
    assert_eq!(snapshot(&store).await, after_first, "the stored state is identical after a second import");
    assert_eq!(exports(&store, "second").await, exports_first, "the canonical and open-data exports are identical");
    // Findings are replaced per file, never accumulated.
    assert_eq!(store.findings(None).await.unwrap().len(), first.findings.len());
}

/// The canonical JSON and every open-data file, as bytes by name.
async fn exports(store: &Store, tag: &str) -> Vec<(String, Vec<u8>)> {
    let batch = Batch { cities: snapshot(store).await, findings: Vec::new() };
    let mut out = vec![("canonical.json".to_string(), hyoka_import::canonical::json_bytes(&batch))];
    let dir = std::env::temp_dir().join(format!("hyoka-idempotence-{}-{tag}", std::process::id()));
    let mut opts = hyoka_report::OpenDataOptions::new(&dir, hyoka_core::JpDate::new(2026, 4, 1).unwrap());
    opts.updated = hyoka_core::JpDate::new(2026, 4, 1).unwrap();
    let report = hyoka_report::export_opendata(store, &opts).await.unwrap();
    for f in report.files {
        let name = f.path.file_name().unwrap().to_string_lossy().to_string();
        out.push((name, std::fs::read(&f.path).unwrap()));
    }
    let _ = std::fs::remove_dir_all(&dir);
    out.sort();
    out
}

#[tokio::test]
async fn the_same_city_from_two_documents_is_one_city() {
    // 000 and 002 are both 三鷹市: their data meets under one code.
    let db = TestDb::new().await;
    let store = db.store().await;
    let batches: Vec<_> =
        read_seeds().into_iter().filter(|(f, _)| f.starts_with("000") || f.starts_with("002")).collect();
    apply(&store, &batches, false).await.unwrap();
    assert_eq!(store.municipalities().await.unwrap().len(), 1);
    assert!(store.plans("132047").await.unwrap().len() >= 2);
}

#[tokio::test]
async fn dry_run_reports_but_writes_nothing() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let batches = read_seeds();
    let before = snapshot(&store).await;
    let report = apply(&store, &batches, true).await.unwrap();
    assert!(report.dry_run);
    let added: usize = report.cities.iter().map(|c| c.items.added).sum();
    assert!(added >= 12 + 82 + 43 + 21, "dry run counts what would be added: {added}");
    assert_eq!(snapshot(&store).await, before);
    assert!(store.municipalities().await.unwrap().is_empty());
    assert!(store.findings(None).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_failure_in_any_file_writes_nothing() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let mut batches = read_seeds();
    // The last batch refers to a plan node that exists nowhere.
    let last = batches.last_mut().unwrap();
    let item = last.1.cities[0].items.first_mut().unwrap();
    item.placements.push(hyoka_import::batch::PlacementRow {
        plan: "no-such-plan".into(),
        node: "X".into(),
        relisting: false,
    });
    let err = apply(&store, &batches, false).await.unwrap_err();
    assert!(err.to_string().contains("見つかりません"), "{err}");
    assert!(store.municipalities().await.unwrap().is_empty(), "earlier files were rolled back too");
}
