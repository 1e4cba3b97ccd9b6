//! The cross-city comparison reads every city at once (`Store::compare_sets`):
//! it must answer what reading the cities one by one answers. The reference
//! here is that per-city reading, as the comparison did it before: each
//! city's public indicators filtered by name and kind, loaded with
//! `load_public_indicators`, one indicator's rows at a time.

use std::collections::BTreeSet;

use hyoka_core::IndicatorKind;
use hyoka_report::opendata::compare::{compare_page, compare_rows};
use hyoka_report::opendata::rows::indicator_rows;
use hyoka_report::opendata::{load_public_indicators, IndicatorRow};
use hyoka_store::testing::{synthetic_city, TestDb};
use hyoka_store::{search_form, Store};

/// (city code, indicator id, rows) of each group, in answer order.
type Groups = Vec<(String, i64, Vec<IndicatorRow>)>;

async fn city_by_city(store: &Store, name: &str, kind: Option<IndicatorKind>) -> Groups {
    let needle = search_form(name.trim());
    if needle.is_empty() && kind.is_none() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for city in store.public_cities().await.unwrap() {
        let code = &city.municipality.code;
        let ids: BTreeSet<i64> = store
            .public_indicators(code, None)
            .await
            .unwrap()
            .into_iter()
            .filter(|p| kind.is_none_or(|k| p.indicator.kind == k))
            .filter(|p| search_form(&p.indicator.name).contains(&needle))
            .map(|p| p.indicator.id)
            .collect();
        if ids.is_empty() {
            continue;
        }
        let Some(mut data) = load_public_indicators(store, code, &ids).await.unwrap() else { continue };
        let mut groups = Vec::new();
        for i in std::mem::take(&mut data.indicators) {
            let key = (i.indicator.name.clone(), i.indicator.id);
            data.indicators = vec![i];
            let rows = indicator_rows(&data);
            if !rows.is_empty() {
                groups.push((key, rows));
            }
        }
        groups.sort_by(|a, b| a.0.cmp(&b.0));
        out.extend(groups.into_iter().map(|((_, id), rows)| (code.clone(), id, rows)));
    }
    out
}

async fn at_once(store: &Store, name: &str, kind: Option<IndicatorKind>) -> Groups {
    compare_rows(store, name, kind)
        .await
        .unwrap()
        .into_iter()
        .map(|g| (g.municipality.code, g.indicator.id, g.rows))
        .collect()
}

#[tokio::test]
async fn the_comparison_read_at_once_answers_as_city_by_city() {
    let db = TestDb::new().await;
    let store = db.store().await;
    // Cities of different sizes share some names ("…の実施件数1") and not
    // others; the last has no published year.
    synthetic_city(&store, "990001", "合成市一", 3).await;
    synthetic_city(&store, "990002", "合成市二", 6).await;
    synthetic_city(&store, "990003", "合成市三", 4).await;
    let hidden = synthetic_city(&store, "990004", "合成市四", 5).await;
    let mut tx = store.begin().await.unwrap();
    assert!(tx.withdraw_year(&hidden.code, hidden.published).await.unwrap());
    tx.commit().await.unwrap();
    assert!(store.public_cities().await.unwrap().iter().all(|c| c.municipality.code != hidden.code));

    let queries: [(&str, Option<IndicatorKind>); 8] = [
        ("の実施件数", None),
        ("の実施件数1", None),
        ("の 実施件数２", None), // spaces and full-width digits fold
        ("満足度", Some(IndicatorKind::Outcome)),
        ("満足度", Some(IndicatorKind::Activity)),
        ("", Some(IndicatorKind::Activity)),
        ("どこにもない名前", None),
        ("  ", None),
    ];
    let mut found = 0;
    for (name, kind) in queries {
        let expected = city_by_city(&store, name, kind).await;
        let got = at_once(&store, name, kind).await;
        assert_eq!(got, expected, "{name:?} {kind:?}");
        assert!(got.iter().all(|(code, _, _)| *code != hidden.code), "{name:?}: a city without a published year");
        found += got.len();
    }
    // The queries found something in several cities, so equality means something.
    let cities: BTreeSet<String> = at_once(&store, "の実施件数", None).await.into_iter().map(|g| g.0).collect();
    assert_eq!(cities.len(), 3, "{cities:?}");
    assert!(found > 20, "{found}");
}

/// (city code, indicator id, rows) of `limit` groups from `offset`.
async fn paged(
    store: &Store,
    name: &str,
    kind: Option<IndicatorKind>,
    offset: u64,
    limit: u64,
) -> (u64, Groups, usize) {
    let page = compare_page(store, name, kind, offset, limit).await.unwrap();
    let groups = page.groups.into_iter().map(|g| (g.municipality.code, g.indicator.id, g.rows)).collect();
    (page.total, groups, page.rows_read)
}

#[tokio::test]
async fn the_comparison_pages_put_together_are_the_whole_answer() {
    let db = TestDb::new().await;
    let store = db.store().await;
    synthetic_city(&store, "990001", "合成市一", 3).await;
    synthetic_city(&store, "990002", "合成市二", 5).await;
    synthetic_city(&store, "990003", "合成市三", 4).await;
    for (name, kind) in
        [("の実施件数", None), ("満足度", Some(IndicatorKind::Outcome)), ("", Some(IndicatorKind::Activity))]
    {
        let whole = at_once(&store, name, kind).await;
        assert!(whole.len() > 4, "{name:?}: several pages of 4: {}", whole.len());
        let mut pieces = Vec::new();
        for offset in (0..whole.len() as u64 + 4).step_by(4) {
            let (total, groups, _) = paged(&store, name, kind, offset, 4).await;
            assert_eq!(total, whole.len() as u64, "{name:?} from {offset}");
            assert!(groups.len() <= 4, "{name:?} from {offset}: {}", groups.len());
            pieces.extend(groups);
        }
        assert_eq!(pieces, whole, "{name:?} {kind:?}");
    }
    // Nothing asked, nothing found.
    assert_eq!(paged(&store, "  ", None, 0, 4).await.0, 0);
    assert_eq!(paged(&store, "どこにもない名前", None, 0, 4).await.0, 0);
}

/// The rows the store reads for the first page of 10 indicators, and the
/// count of all matches, over `cities` cities of 12 projects.
async fn first_page_read(cities: usize) -> (u64, usize, usize) {
    let db = TestDb::new().await;
    let store = db.store().await;
    for n in 1..=cities {
        synthetic_city(&store, &format!("99{n:04}"), &format!("合成市{n}"), 12).await;
    }
    let (total, groups, read) = paged(&store, "の実施件数", None, 0, 10).await;
    (total, groups.len(), read)
}

#[tokio::test]
async fn a_page_of_the_comparison_reads_the_same_rows_however_many_indicators_match() {
    let (few_total, few_groups, few_read) = first_page_read(2).await;
    let (many_total, many_groups, many_read) = first_page_read(6).await;
    // The many cities match three times the indicators of the few…
    assert!(few_total >= 20, "{few_total}");
    assert_eq!(many_total, 3 * few_total);
    // …but a page of 10 reads the rows of its 10 indicators only.
    assert_eq!((few_groups, many_groups), (10, 10));
    assert!(few_read > 10, "values and judgements are read too: {few_read}");
    assert_eq!(
        many_read, few_read,
        "rows read for a page of 10: {few_read} of {few_total}, {many_read} of {many_total}"
    );
}
