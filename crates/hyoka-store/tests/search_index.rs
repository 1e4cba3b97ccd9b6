//! The bigram search index: it finds exactly what a scan of the documents
//! finds, in a fixed number of statements, through the index. On the
//! backend of HYOKA_TEST_BACKEND.

use std::collections::BTreeSet;

use hyoka_core::narrative::{Block, Narrative};
use hyoka_core::sheet::NarrativeRow;
use hyoka_core::FiscalYear;
use hyoka_store::testing::{
    count_statements, query_plan, search_documents, synthetic_city, TestDb, SYNTHETIC_DRAFT_WORD, SYNTHETIC_WORDS,
};
use hyoka_store::{search_form, search_terms, Municipality, NewItem, Store};

const SMALL: &str = "132047";
const LARGE: &str = "222062";

/// The items whose document holds every term: a scan, without the index.
async fn by_scan(store: &Store, city: &str, query: &str) -> BTreeSet<i64> {
    let terms = search_terms(query);
    search_documents(store, city)
        .await
        .into_iter()
        .filter(|(_, body)| !terms.is_empty() && terms.iter().all(|t| body.contains(t.as_str())))
        .map(|(id, _)| id)
        .collect()
}

async fn by_index(store: &Store, city: &str, query: &str) -> BTreeSet<i64> {
    let r = store.search(city, query, 10_000).await.unwrap();
    assert_eq!(r.total, r.hits.len());
    r.hits.iter().map(|h| h.item_id).collect()
}

async fn item_with_text(store: &Store, city: &str, key: &str, title: &str, text: &str) -> i64 {
    let mut tx = store.begin().await.unwrap();
    tx.upsert_municipality(&Municipality { code: city.into(), name: "三鷹市".into() }).await.unwrap();
    let item = NewItem { key: key.into(), kind: "project".into(), code: key.into(), title: title.into() };
    let id = tx.upsert_item(city, &item).await.unwrap();
    let narrative = NarrativeRow {
        fiscal_year: Some(FiscalYear::new(2018).unwrap()),
        slot: "overview".into(),
        label: "事業概要".into(),
        text: Narrative { blocks: vec![Block::Paragraph(text.into())] },
    };
    tx.replace_narratives(id, &[narrative]).await.unwrap();
    tx.reindex_item(id).await.unwrap();
    tx.commit().await.unwrap();
    id
}

#[tokio::test]
async fn the_index_finds_exactly_what_a_scan_finds() {
    let db = TestDb::new().await;
    let store = db.store().await;
    synthetic_city(&store, LARGE, "三島市", 60).await;
    let odd = [
        item_with_text(&store, LARGE, "x1", "予算を計算額で見直す", "歳出の計算額").await,
        item_with_text(&store, LARGE, "x2", "100%の達成", "open_data と ＩＣＴ、道 路").await,
        item_with_text(&store, LARGE, "x3", "ｵｰﾌﾟﾝﾃﾞｰﾀ", "予算額の確保").await,
    ];
    let mut queries: Vec<String> = SYNTHETIC_WORDS.iter().map(|w| w.to_string()).collect();
    queries.extend(
        [
            "予算額",
            "予算 道路",
            "予算　子育て 健康",
            "計算額",
            "ict",
            "ＩＣＴ",
            "道路",
            "道 路",
            "%",
            "100%",
            "_",
            "open_data",
            "open%data",
            "予_",
            "\\",
            "オープン",
            "額",
            "予",
            "事業",
            "事-1",
            "事-12",
            "件を実施",
            SYNTHETIC_DRAFT_WORD,
            "存在しない語",
            "予算 存在しない語",
        ]
        .iter()
        .map(|q| q.to_string()),
    );
    for q in &queries {
        assert_eq!(by_index(&store, LARGE, q).await, by_scan(&store, LARGE, q).await, "«{q}»");
    }
    // The bigrams of 予算額 are in 予算を計算額で, the word is not.
    assert!(!by_index(&store, LARGE, "予算額").await.contains(&odd[0]));
    assert!(by_index(&store, LARGE, "予算額").await.contains(&odd[2]));
    assert!(by_index(&store, LARGE, "オープン").await.contains(&odd[2]), "half-width katakana folded");
    assert!(by_index(&store, LARGE, "道路").await.contains(&odd[1]), "a space inside a word is ignored");
    assert!(by_index(&store, SMALL, "予算").await.is_empty(), "another city's documents are never read");
}

#[tokio::test]
async fn reindexing_keeps_the_index_in_step() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let id = item_with_text(&store, SMALL, "k", "防災訓練", "地域の防災").await;
    assert_eq!(by_index(&store, SMALL, "防災").await, [id].into());
    item_with_text(&store, SMALL, "k", "避難所の運営", "地域の避難所").await;
    assert!(by_index(&store, SMALL, "防災").await.is_empty(), "the old words are gone from the index");
    assert_eq!(by_index(&store, SMALL, "避難").await, [id].into());
    let mut tx = store.begin().await.unwrap();
    assert_eq!(tx.reindex_city(SMALL).await.unwrap(), 1);
    tx.commit().await.unwrap();
    assert_eq!(by_index(&store, SMALL, "避難").await, [id].into());
}

async fn warm<T>(f: impl std::future::Future<Output = T>) -> T {
    f.await
}

#[tokio::test]
async fn searches_run_the_same_statements_for_ten_and_a_hundred_projects() {
    let db = TestDb::new().await;
    let store = db.store().await;
    synthetic_city(&store, SMALL, "三鷹市", 10).await;
    synthetic_city(&store, LARGE, "三島市", 100).await;
    let mut seen = Vec::new();
    for query in ["予算", "予算 防災", "事業"] {
        for city in [SMALL, LARGE] {
            warm(store.search(city, query, 100)).await.unwrap();
            let (staff, n_staff) = count_statements(store.search(city, query, 100)).await;
            warm(store.public_search(city, query, 100)).await.unwrap();
            let (public, n_public) = count_statements(store.public_search(city, query, 100)).await;
            assert!(staff.unwrap().total > 0 && public.unwrap().total > 0, "«{query}» finds something in {city}");
            seen.push((query, city, n_staff, n_public));
            assert_eq!((n_staff, n_public), (3, 4), "«{query}» in {city}");
        }
    }
    eprintln!("{seen:?}");
    // Nothing found: the public search stops after the index.
    let (_, n) = count_statements(store.public_search(LARGE, "存在しない語", 100)).await;
    assert_eq!(n, 1);
}

#[tokio::test]
async fn a_query_reads_the_index_not_every_document() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let plan = query_plan(
        &store,
        "SELECT g.item_id FROM search_grams g WHERE g.municipality_code = $1 AND g.gram IN ($2, $3)
         GROUP BY g.item_id HAVING COUNT(*) = 2",
        &[SMALL, "予算", "算額"],
    )
    .await;
    assert!(!plan.contains("SCAN g") && !plan.contains("Seq Scan"), "{plan}");
    // The key (city, bigram, item) is the index.
    assert!(
        plan.contains("USING PRIMARY KEY (municipality_code=? AND gram=?)") || plan.contains("search_grams_pkey"),
        "{plan}"
    );
}

#[tokio::test]
async fn documents_stored_before_the_index_are_indexed_when_it_is_created() {
    // A backup of schema version 4 holds a document but, like every
    // database of that time, no index; migrating builds it.
    let body = search_form("道路の維持管理\n予算を確保");
    let lines = [
        serde_json::json!({"format": "hyoka-backup", "format_version": 1, "schema_version": 4, "created_at": "2026-01-01T00:00:00Z", "source_backend": "sqlite"}),
        serde_json::json!({"table": "municipalities", "columns": ["code", "name"]}),
        serde_json::json!([SMALL, "三鷹市"]),
        serde_json::json!({"table": "items", "columns": ["id", "municipality_code", "item_key", "kind", "code", "title", "fiscal_year", "tags", "relisting_of"]}),
        serde_json::json!([7, SMALL, "k", "project", "企-1", "道路の維持管理", null, "[]", null]),
        serde_json::json!({"table": "search_documents", "columns": ["municipality_code", "item_id", "title", "body"]}),
        serde_json::json!([SMALL, 7, "道路の維持管理", body]),
        serde_json::json!({"end": {"municipalities": 1, "items": 1, "search_documents": 1}}),
    ];
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let db = TestDb::new().await;
    let store = Store::connect(&db.url).await.unwrap();
    store.restore(text.as_bytes()).await.unwrap();
    assert_eq!(by_index(&store, SMALL, "予算").await, [7].into());
    assert_eq!(by_index(&store, SMALL, "道路").await, [7].into());
}

#[tokio::test]
async fn the_public_search_reads_published_text_only() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let city = synthetic_city(&store, SMALL, "三鷹市", 10).await;
    // The draft year's narratives are in the documents (staff find them)…
    assert_eq!(store.search(SMALL, SYNTHETIC_DRAFT_WORD, 100).await.unwrap().total, 10);
    // …but never in what the public finds or sees.
    assert_eq!(store.public_search(SMALL, SYNTHETIC_DRAFT_WORD, 100).await.unwrap().total, 0);
    let found = store.public_search(SMALL, "予算", 3).await.unwrap();
    assert_eq!(found.total, 10);
    assert_eq!(found.hits.len(), 3);
    for hit in &found.hits {
        assert_eq!(hit.years, [city.published]);
        let text: String = hit.excerpt.iter().map(|f| f.text.as_str()).collect();
        assert!(!text.contains(SYNTHETIC_DRAFT_WORD), "{text}");
        assert!(hit.excerpt.iter().any(|f| f.matched && f.text == "予算"), "{:?}", hit.excerpt);
    }
}

#[tokio::test]
async fn the_public_search_reads_which_years_are_published_as_it_runs() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let city = synthetic_city(&store, SMALL, "三鷹市", 10).await;
    // 計画どおり is in the published year's summaries only.
    let found = |store: Store| async move { store.public_search(SMALL, "計画どおり", 100).await.unwrap().total };
    assert_eq!(found(store.clone()).await, 10);
    let mut tx = store.begin().await.unwrap();
    assert!(tx.withdraw_year(SMALL, city.published).await.unwrap());
    tx.commit().await.unwrap();
    // Withdrawn: nothing of the city is public, its words match nothing.
    assert_eq!(found(store.clone()).await, 0);
    assert_eq!(store.public_search(SMALL, "予算", 100).await.unwrap().total, 0);
    let mut tx = store.begin().await.unwrap();
    tx.publish_year(SMALL, city.published, None).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(found(store.clone()).await, 10);
}

#[tokio::test]
async fn a_restore_rebuilds_the_public_search_index() {
    let db = TestDb::new().await;
    let store = db.store().await;
    synthetic_city(&store, SMALL, "三鷹市", 10).await;
    let before = store.public_search(SMALL, "予算 計画どおり", 100).await.unwrap();
    assert_eq!(before.total, 10);
    let mut backup = Vec::new();
    store.backup(&mut backup).await.unwrap();
    let other = TestDb::new().await;
    let restored = Store::connect(&other.url).await.unwrap();
    restored.restore(backup.as_slice()).await.unwrap();
    assert_eq!(restored.public_search(SMALL, "予算 計画どおり", 100).await.unwrap(), before);
    assert_eq!(restored.public_search(SMALL, SYNTHETIC_DRAFT_WORD, 100).await.unwrap().total, 0);
}
