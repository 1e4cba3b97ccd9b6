//! The five seed documents in a test database, and the canonical exports
//! of what is stored, for tests of the whole import path.
//!
//! Used with `#[path = "common/seeds.rs"] mod seeds;`.
#![allow(dead_code)]

use hyoka_import::{apply, canonical, load_city, read_published, Batch};
use hyoka_store::testing::TestDb;
use hyoka_store::Store;

pub const SEEDS: [&str; 5] = [
    "000_1a8dd8067da68eba.txt",
    "001_9b686f713a20fe01.txt",
    "002_f160ebe9d3a69d59.txt",
    "003_cdfef3ca57f45fe5.txt",
    "004_14ceec0f4c63a17a.txt",
];

pub const KODAIRA: &str = "132110";
pub const MITAKA: &str = "132047";

pub fn seed_text(file: &str) -> String {
    let path = format!("{}/../../demo/seeds/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn read_seeds() -> Vec<(String, Batch)> {
    SEEDS
        .iter()
        .map(|f| {
            let (_, batch) = read_published(f, &seed_text(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
            (f.to_string(), batch)
        })
        .collect()
}

/// A database holding the five seeds.
pub async fn seeded() -> (TestDb, Store) {
    let db = TestDb::new().await;
    let store = db.store().await;
    apply(&store, &read_seeds(), false).await.expect("the seeds import");
    (db, store)
}

/// Every stored city, as `hyoka export` writes it.
pub async fn exported(store: &Store) -> Batch {
    let mut batch = Batch::default();
    for m in store.municipalities().await.unwrap() {
        batch.cities.push(load_city(store, &m.code).await.unwrap());
    }
    batch
}

/// Files by name, as `hyoka import` reads them.
pub type Files = Vec<(String, Vec<u8>)>;

/// The three canonical forms of a batch, as files.
pub fn forms(batch: &Batch) -> Vec<(&'static str, Files)> {
    vec![
        ("json", vec![("hyoka.json".to_string(), canonical::json_bytes(batch))]),
        ("csv", canonical::csv_files(batch, true).unwrap()),
        ("workbook", vec![("hyoka.xlsx".to_string(), canonical::xlsx_bytes(batch).unwrap())]),
    ]
}

/// Reads canonical files as `hyoka import` does, naming the batch by the files.
pub fn read_files(files: &[(String, Vec<u8>)]) -> Vec<(String, Batch)> {
    let (batch, _) = canonical::read_canonical(files).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    vec![(names.join(", "), batch)]
}

/// Locks a city's fiscal year, and publishes it when asked.
pub async fn lock(store: &Store, code: &str, year: i32, publish: bool) {
    let fy = hyoka_core::FiscalYear::new(year).unwrap();
    let plan = store.sheet_plan(code).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    assert!(tx.lock_year(code, fy, None, &plan).await.unwrap().is_some());
    if publish {
        assert_eq!(tx.publish_year(code, fy, None).await.unwrap(), hyoka_store::PublishOutcome::Published);
    }
    tx.commit().await.unwrap();
}
