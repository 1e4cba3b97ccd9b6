//! Connecting: the pool's size, and SQLite set up for a server. Runs on
//! the backend of HYOKA_TEST_BACKEND like the rest of the suite.

use hyoka_store::testing::{sqlite_settings, test_backend, TestDb};
use hyoka_store::{Backend, ConnectOptions, Store};

fn with_param(url: &str, param: &str) -> String {
    if url.contains('?') {
        format!("{url}&{param}")
    } else {
        format!("{url}?{param}")
    }
}

#[tokio::test]
async fn the_pool_is_sized_by_option_then_url_then_backend() {
    let db = TestDb::new().await;
    let default = Store::connect(&db.url).await.unwrap();
    assert_eq!(default.pool_max(), test_backend().default_pool_max());
    assert!(default.pool_max() > 5, "more than the 5 connections hyoka used to be fixed at");

    let from_url = Store::connect(&with_param(&db.url, "pool_max=7")).await.unwrap();
    assert_eq!(from_url.pool_max(), 7);
    // The parameter is hyoka's own and never reaches the driver: the
    // store works.
    from_url.migrate().await.unwrap();
    assert_eq!(from_url.schema_version().await.unwrap(), hyoka_store::MIGRATIONS.last().unwrap().version);

    let explicit =
        Store::connect_with(&with_param(&db.url, "pool_max=7"), &ConnectOptions { pool_max: Some(3) }).await.unwrap();
    assert_eq!(explicit.pool_max(), 3, "an explicit option wins over the URL");

    let err = Store::connect(&with_param(&db.url, "pool_max=0")).await.err().expect("zero is refused");
    assert!(err.to_string().contains("pool_max「0」"), "{err}");
}

#[test]
fn defaults_differ_by_backend() {
    let sqlite = Backend::Sqlite.default_pool_max();
    assert!((8..=32).contains(&sqlite), "{sqlite}");
    assert_eq!(Backend::Postgres.default_pool_max(), 20);
}

#[tokio::test]
async fn every_new_sqlite_connection_is_set_up_for_a_server() {
    if test_backend() != Backend::Sqlite {
        // PostgreSQL has no per-connection settings of ours; its pool size
        // is covered above.
        return;
    }
    let db = TestDb::new().await;
    let store = Store::connect_with(&db.url, &ConnectOptions { pool_max: Some(4) }).await.unwrap();
    let settings = sqlite_settings(&store, 4).await;
    assert_eq!(settings.len(), 4);
    for s in settings {
        assert_eq!(s.journal_mode, "wal");
        assert_eq!(s.synchronous, 1, "NORMAL");
        assert_eq!(s.busy_timeout_ms, 5000);
        assert!(s.foreign_keys);
    }
    // An in-memory database has one connection and no WAL, but the
    // connection settings still apply.
    let memory = Store::connect("sqlite::memory:").await.unwrap();
    assert_eq!(memory.pool_max(), 1);
    let s = &sqlite_settings(&memory, 1).await[0];
    assert!(s.foreign_keys && s.busy_timeout_ms == 5000 && s.synchronous == 1, "{s:?}");
}

#[tokio::test]
async fn writers_wait_for_each_other_instead_of_failing() {
    // Eight concurrent units of work on one row: with the write lock taken
    // at BEGIN and a busy timeout, none fails with "database is locked".
    let db = TestDb::new().await;
    let store = db.store().await;
    let mut tx = store.begin().await.unwrap();
    tx.upsert_municipality(&hyoka_store::Municipality { code: "222062".into(), name: "三島市".into() }).await.unwrap();
    let item = hyoka_store::NewItem { key: "k".into(), kind: "project".into(), code: "1".into(), title: "t".into() };
    tx.upsert_item("222062", &item).await.unwrap();
    tx.commit().await.unwrap();
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(8));
    let writers: Vec<_> = (0..8)
        .map(|i| {
            let s = store.clone();
            let start = std::sync::Arc::clone(&start);
            tokio::spawn(async move {
                // Connections open first; then all start together.
                let conn = s.begin().await?;
                conn.rollback().await?;
                start.wait().await;
                let mut tx = s.begin().await?;
                let name = format!("三島市{i}");
                // Read, then write, in the same unit of work.
                tx.item_id("222062", "k").await?;
                // Long enough for the others to read meanwhile, were they let.
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                tx.upsert_municipality(&hyoka_store::Municipality { code: "222062".into(), name }).await?;
                tx.commit().await
            })
        })
        .collect();
    for w in writers {
        w.await.unwrap().unwrap();
    }
    assert!(store.municipality("222062").await.unwrap().name.starts_with("三島市"));
}
