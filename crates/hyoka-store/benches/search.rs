//! Search on a large city: the bigram index against a scan of every
//! document (`LIKE` only, as search worked before the index). Prints the
//! median time of each query; not a test, nothing is asserted.
//!
//! ```sh
//! cargo bench -p hyoka-store --bench search --features statement-counter
//! HYOKA_TEST_BACKEND=postgres HYOKA_TEST_POSTGRES_URL=postgres://… cargo bench -p hyoka-store --bench search --features statement-counter
//! HYOKA_BENCH_PROJECTS=1000 …   # a smaller city (default 5000)
//! HYOKA_BENCH_DATABASE=sqlite:///tmp/bench.db …   # build it there and keep it
//! ```

use std::time::{Duration, Instant};

use hyoka_core::narrative::{Block, Narrative};
use hyoka_core::sheet::NarrativeRow;
use hyoka_store::testing::{synthetic_city, TestDb};
use hyoka_store::{search_terms, Store};

const CITY: &str = "132047";

/// Words of the long text each project gets, so that documents are as
/// long and as varied as real sheets (about 2,000 characters).
const VOCABULARY: &[&str] = &[
    "地域",
    "住民",
    "協働",
    "推進",
    "計画",
    "予算",
    "執行",
    "道路",
    "維持",
    "管理",
    "子育て",
    "支援",
    "防災",
    "訓練",
    "図書館",
    "利用",
    "公園",
    "整備",
    "健康",
    "増進",
    "高齢者",
    "福祉",
    "介護",
    "予防",
    "学校",
    "教育",
    "情報",
    "発信",
    "電子",
    "申請",
    "窓口",
    "手続",
    "環境",
    "保全",
    "ごみ",
    "減量",
    "観光",
    "振興",
    "産業",
    "雇用",
    "交通",
    "安全",
    "文化",
    "芸術",
    "スポーツ",
    "施設",
    "改修",
    "点検",
    "成果",
    "指標",
    "目標",
    "達成",
    "課題",
    "改善",
];

fn long_text(seed: usize) -> String {
    let mut state = (seed as u64).wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    let mut text = String::new();
    while text.chars().count() < 2_000 {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        text.push_str(VOCABULARY[(state >> 33) as usize % VOCABULARY.len()]);
        text.push_str(if matches!(state % 7, 0) { "。" } else { "の" });
    }
    text
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// The candidates through the index, as `Store::search` finds them.
async fn indexed(pool: &sqlx::AnyPool, query: &str) -> usize {
    let terms = search_terms(query);
    let grams: std::collections::BTreeSet<String> = terms
        .iter()
        .flat_map(|t| {
            let chars: Vec<char> = t.chars().collect();
            chars.windows(2).map(|w| w.iter().collect::<String>()).collect::<Vec<_>>()
        })
        .collect();
    let mut sql = String::from("SELECT d.item_id FROM search_documents d WHERE d.municipality_code = $1");
    let mut n = 2;
    if !grams.is_empty() {
        let params: Vec<String> = (0..grams.len()).map(|i| format!("${}", n + i)).collect();
        sql.push_str(&format!(
            " AND d.item_id IN (SELECT g.item_id FROM search_grams g WHERE g.municipality_code = $1
               AND g.gram IN ({}) GROUP BY g.item_id HAVING COUNT(*) = {})",
            params.join(", "),
            grams.len()
        ));
        n += grams.len();
    }
    for i in 0..terms.len() {
        sql.push_str(&format!(" AND d.body LIKE ${} ESCAPE '\\'", n + i));
    }
    let mut q = sqlx::query(&sql).bind(CITY);
    for g in &grams {
        q = q.bind(g);
    }
    for t in &terms {
        q = q.bind(format!("%{}%", t.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")));
    }
    q.fetch_all(pool).await.unwrap().len()
}

/// The candidates by reading every document of the city.
async fn scan(pool: &sqlx::AnyPool, query: &str) -> usize {
    let terms = search_terms(query);
    let mut sql = String::from("SELECT item_id FROM search_documents WHERE municipality_code = $1");
    for i in 0..terms.len() {
        sql.push_str(&format!(" AND body LIKE ${} ESCAPE '\\'", i + 2));
    }
    let mut q = sqlx::query(&sql).bind(CITY);
    for t in &terms {
        q = q.bind(format!("%{}%", t.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")));
    }
    q.fetch_all(pool).await.unwrap().len()
}

async fn time<F, Fut>(runs: usize, f: F) -> Duration
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut times = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        f().await;
        times.push(start.elapsed());
    }
    median(times)
}

enum Bench {
    Kept(String),
    Test(#[allow(dead_code)] TestDb),
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let projects: usize = std::env::var("HYOKA_BENCH_PROJECTS").ok().and_then(|n| n.parse().ok()).unwrap_or(5_000);
    // HYOKA_BENCH_DATABASE: an empty database to build the city in and
    // keep (to look at its plans afterwards); otherwise a test database.
    let db = match std::env::var("HYOKA_BENCH_DATABASE") {
        Ok(url) => Bench::Kept(url),
        Err(_) => Bench::Test(TestDb::new().await),
    };
    let url = match &db {
        Bench::Kept(url) => url.clone(),
        Bench::Test(db) => db.url.clone(),
    };
    let store = Store::open(&url).await.unwrap();
    let start = Instant::now();
    let city = synthetic_city(&store, CITY, "三鷹市", projects).await;
    let mut tx = store.begin().await.unwrap();
    for (n, id) in city.item_ids.iter().enumerate() {
        let mut rows = store.narratives(*id).await.unwrap();
        rows.push(NarrativeRow {
            fiscal_year: Some(city.published),
            slot: "check".into(),
            label: "評価".into(),
            text: Narrative { blocks: vec![Block::Paragraph(long_text(n))] },
        });
        tx.replace_narratives(*id, &rows).await.unwrap();
    }
    tx.reindex_city(CITY).await.unwrap();
    tx.commit().await.unwrap();
    eprintln!("{} プロジェクトの市を {:?} で作成（{}）", projects, start.elapsed(), store.backend().name());

    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    let grams: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM search_grams").fetch_one(&pool).await.unwrap();
    let docs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM search_documents").fetch_one(&pool).await.unwrap();
    eprintln!("文書 {docs} 件、bigram {grams} 行");
    println!("query\thits\tcandidates: index\tcandidates: scan (LIKE)\tStore::search (100 hits)\tpublic_search");
    for query in
        ["予算", "道路", "子育て支援", "図書館の利用", "事-4321", "予算 防災", "存在しない語", "額", "未公開の下書き"]
    {
        let hits = store.search(CITY, query, 100).await.unwrap().total;
        let index = time(7, || async {
            indexed(&pool, query).await;
        })
        .await;
        let search = time(7, || async {
            store.search(CITY, query, 100).await.unwrap();
        })
        .await;
        let scanned = time(7, || async {
            scan(&pool, query).await;
        })
        .await;
        let public = time(7, || async {
            store.public_search(CITY, query, 100).await.unwrap();
        })
        .await;
        assert_eq!(scan(&pool, query).await, hits, "the index and the scan agree on «{query}»");
        assert_eq!(indexed(&pool, query).await, hits);
        println!("{query}\t{hits}\t{index:?}\t{scanned:?}\t{search:?}\t{public:?}");
    }
    pool.close().await;
}
