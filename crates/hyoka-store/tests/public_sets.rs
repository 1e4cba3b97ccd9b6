//! Set-based reads for the public side: the same answers as the per-item
//! functions, a fixed number of statements whatever the size of the city,
//! and indexes under them. On the backend of HYOKA_TEST_BACKEND.

use std::collections::BTreeSet;

use hyoka_core::FiscalYear;
use hyoka_store::testing::{count_statements, query_plan, synthetic_city, StatementCounter, SyntheticCity, TestDb};
use hyoka_store::{PublicIndicatorSet, PublicItemSet, Store};

const SMALL: &str = "132047";
const LARGE: &str = "222062";

async fn two_cities() -> (TestDb, Store, SyntheticCity, SyntheticCity) {
    let db = TestDb::new().await;
    let store = db.store().await;
    let small = synthetic_city(&store, SMALL, "三鷹市", 10).await;
    let large = synthetic_city(&store, LARGE, "三島市", 100).await;
    (db, store, small, large)
}

/// What the per-item functions say about a city-year, shaped as a set.
async fn item_sets_one_by_one(store: &Store, city: &str, fy: FiscalYear) -> Vec<PublicItemSet> {
    let mut out = Vec::new();
    for p in store.public_items(city, Some(fy)).await.unwrap() {
        let id = p.item.id;
        let all = store.public_item(city, id, None).await.unwrap().unwrap();
        let plans = store.plans(city).await.unwrap();
        let mut placements = Vec::new();
        for (plan_code, node_code, relisting) in store.item_placements(id).await.unwrap() {
            let plan = plans.iter().find(|p| p.code == plan_code).unwrap();
            let node = store.plan_nodes(plan.id).await.unwrap().into_iter().find(|n| n.code == node_code).unwrap();
            placements.push(hyoka_store::PlacementRecord {
                plan_id: plan.id,
                plan_code,
                node_id: node.id,
                node_code,
                node_title: node.title,
                relisting,
            });
        }
        out.push(PublicItemSet {
            years: all.years,
            sections: store.item_sections(id).await.unwrap(),
            placements,
            budgets: store.public_budgets(id, &[fy]).await.unwrap(),
            evaluations: store.public_evaluations(id, &[fy]).await.unwrap(),
            next_directions: store.public_next_direction(id, fy).await.unwrap().into_iter().collect(),
            item: p.item,
        });
    }
    out
}

async fn indicator_sets_one_by_one(store: &Store, city: &str, fy: Option<FiscalYear>) -> Vec<PublicIndicatorSet> {
    let published: Vec<FiscalYear> = store.public_city(city).await.unwrap().unwrap().fiscal_years();
    let mut out = Vec::new();
    for p in store.public_indicators(city, fy).await.unwrap() {
        let id = p.indicator.id;
        out.push(PublicIndicatorSet {
            years: store.public_indicator(city, id, None).await.unwrap().unwrap().years,
            values: store.public_indicator_values(id, &published).await.unwrap(),
            judgements: store.public_judgements(id, &published).await.unwrap(),
            indicator: p.indicator,
        });
    }
    out
}

#[tokio::test]
async fn sets_say_what_the_per_item_functions_say() {
    let (_db, store, small, _) = two_cities().await;
    let fy = small.published;
    let sets = store.public_item_sets(SMALL, Some(fy)).await.unwrap();
    assert_eq!(sets.len(), 10);
    assert_eq!(sets, item_sets_one_by_one(&store, SMALL, fy).await);
    assert!(sets.iter().all(|s| s.item.municipality_code == SMALL));
    let first = &sets[0];
    assert_eq!(first.placements.len(), 2, "the first project is also re-listed");
    assert!(first.placements.iter().any(|p| p.relisting));
    assert_eq!(first.next_direction(fy).unwrap().printed, "維持");
    let mut nodes = Vec::new();
    for p in store.plans(SMALL).await.unwrap() {
        nodes.extend(store.plan_nodes(p.id).await.unwrap());
    }
    assert_eq!(store.city_plan_nodes(SMALL).await.unwrap(), nodes);
    assert!(sets.iter().all(|s| s.budgets.iter().all(|b| b.fiscal_year == fy)), "only the year asked for");

    let all = store.public_item_sets(SMALL, None).await.unwrap();
    assert_eq!(all.iter().map(|s| s.item.id).collect::<Vec<_>>(), sets.iter().map(|s| s.item.id).collect::<Vec<_>>());

    let indicators = store.public_indicator_sets(SMALL, Some(fy)).await.unwrap();
    assert_eq!(indicators.len(), small.indicator_ids.len());
    assert_eq!(indicators, indicator_sets_one_by_one(&store, SMALL, Some(fy)).await);
    assert_eq!(store.public_indicator_sets(SMALL, None).await.unwrap(), indicators_sets_none(&store).await);
    let same: Vec<i64> =
        store.public_indicators(SMALL, Some(fy)).await.unwrap().iter().map(|p| p.indicator.id).collect();
    assert_eq!(indicators.iter().map(|i| i.indicator.id).collect::<Vec<_>>(), same);
}

async fn indicators_sets_none(store: &Store) -> Vec<PublicIndicatorSet> {
    indicator_sets_one_by_one(store, SMALL, None).await
}

#[tokio::test]
async fn drafts_and_unpublished_years_stay_out() {
    let (_db, store, small, _) = two_cities().await;
    for sets in [
        store.public_item_sets(SMALL, None).await.unwrap(),
        store.public_item_sets(SMALL, Some(small.published)).await.unwrap(),
    ] {
        for s in &sets {
            assert_eq!(s.years, [small.published]);
            let text = format!("{s:?}");
            assert!(!text.contains("2019") && !text.contains("令和元年度"), "nothing of the open year: {text}");
        }
    }
    assert!(store.public_item_sets(SMALL, Some(small.draft)).await.unwrap().is_empty());
    assert!(store.public_indicator_sets(SMALL, Some(small.draft)).await.unwrap().is_empty());
    assert!(store.public_item_page(SMALL, small.draft, None, 5).await.unwrap().rows.is_empty());
    for s in store.public_indicator_sets(SMALL, None).await.unwrap() {
        assert!(s.values.iter().all(|v| v.fiscal_year == small.published));
        assert!(s.judgements.iter().all(|j| j.fiscal_year == small.published && j.judgement.declared.is_none()));
    }
    assert!(store.public_item_sets("011002", None).await.unwrap().is_empty(), "an unknown city has nothing");
}

#[tokio::test]
async fn pages_walk_the_whole_set_in_id_order() {
    let (_db, store, _, large) = two_cities().await;
    let fy = large.published;
    let whole = store.public_item_sets(LARGE, Some(fy)).await.unwrap();
    let mut walked = Vec::new();
    let mut after = None;
    loop {
        let page = store.public_item_page(LARGE, fy, after, 30).await.unwrap();
        assert!(page.rows.len() <= 30);
        walked.extend(page.rows);
        match page.next_after {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(walked, whole, "every item once, as the whole set has it");

    let whole = store.public_indicator_sets(LARGE, Some(fy)).await.unwrap();
    let first = store.public_indicator_page(LARGE, fy, None, 7).await.unwrap();
    assert_eq!(first.rows, whole[..7]);
    assert_eq!(first.next_after, Some(whole[6].indicator.id));
    let rest = store.public_indicator_page(LARGE, fy, first.next_after, 1000).await.unwrap();
    assert_eq!(rest.rows, whole[7..]);
    assert_eq!(rest.next_after, None);
}

/// Statements of one call, after a first call has opened connections.
async fn statements<F, Fut, T>(call: F) -> u64
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    call().await;
    count_statements(call()).await.1
}

#[tokio::test]
async fn set_reads_run_the_same_statements_for_ten_and_a_hundred_projects() {
    let (_db, store, small, large) = two_cities().await;
    let fy = small.published;
    let mut report = Vec::new();
    for (name, expected) in [
        ("public_item_sets(fy)", 7),
        ("public_item_sets(all)", 7),
        // Indicators, cells, judgements, and what documents printed of other years.
        ("public_indicator_sets(fy)", 4),
        ("public_item_page", 8),
        ("public_indicator_page", 5),
        ("public_items", 2),
        ("public_indicators", 2),
        ("public_cities", 2),
        ("city_plan_nodes", 1),
    ] {
        let mut counts = Vec::new();
        for city in [SMALL, LARGE] {
            let s = &store;
            let n = match name {
                "public_item_sets(fy)" => statements(|| s.public_item_sets(city, Some(fy))).await,
                "public_item_sets(all)" => statements(|| s.public_item_sets(city, None)).await,
                "public_indicator_sets(fy)" => statements(|| s.public_indicator_sets(city, Some(fy))).await,
                "public_item_page" => statements(|| s.public_item_page(city, fy, None, 100)).await,
                "public_indicator_page" => statements(|| s.public_indicator_page(city, fy, None, 100)).await,
                "public_items" => statements(|| s.public_items(city, Some(fy))).await,
                "public_indicators" => statements(|| s.public_indicators(city, Some(fy))).await,
                "public_cities" => statements(|| s.public_cities()).await,
                "city_plan_nodes" => statements(|| s.city_plan_nodes(city)).await,
                _ => unreachable!(),
            };
            counts.push(n);
        }
        report.push(format!("{name}: {counts:?}"));
        assert_eq!(counts, [expected, expected], "{name}");
    }
    eprintln!("{}", report.join("\n"));
    assert_eq!(large.item_ids.len(), 100);
}

#[tokio::test]
async fn the_counter_sees_per_item_reads_grow() {
    // The items page as the portal builds it today: three reads per item.
    let (_db, store, small, _) = two_cities().await;
    let fy = small.published;
    let counter = StatementCounter::new();
    let items = counter.run(store.public_items(SMALL, Some(fy))).await.unwrap();
    counter.reset();
    for p in &items {
        counter.run(store.public_evaluations(p.item.id, &[fy])).await.unwrap();
        counter.run(store.public_next_direction(p.item.id, fy)).await.unwrap();
        counter.run(store.item_sections(p.item.id)).await.unwrap();
    }
    assert_eq!(counter.count(), 3 * items.len() as u64, "{:?}", counter.statements());
    assert!(counter.statements().iter().all(|s| s.starts_with("SELECT")), "{:?}", counter.statements());
    // Statements of other tasks are not counted.
    let (_, other) = count_statements(async {}).await;
    assert_eq!(other, 0);
}

#[tokio::test]
async fn the_new_indexes_serve_their_queries() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let by_node = query_plan(&store, "SELECT item_id, relisting FROM item_placements WHERE node_id = 5", &[]).await;
    assert!(by_node.contains("item_placements_node"), "{by_node}");
    let search =
        query_plan(&store, "SELECT item_id FROM search_documents WHERE municipality_code = $1", &[SMALL]).await;
    assert!(search.contains("search_documents_city"), "{search}");
    let years = query_plan(&store, "SELECT fiscal_year FROM schedules WHERE item_id = 5", &[]).await;
    assert!(years.contains("schedules_item_year"), "{years}");
    let names: BTreeSet<String> = hyoka_store::testing::table_names(&store).await.into_iter().collect();
    assert!(names.contains("search_documents"));
}
