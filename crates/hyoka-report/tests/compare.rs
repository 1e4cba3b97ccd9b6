//! The cross-city comparison reads every city at once (`Store::compare_sets`):
//! it must answer what reading the cities one by one answers. The reference
//! here is that per-city reading, as the comparison did it before: each
//! city's public indicators filtered by name and kind, loaded with
//! `load_public_indicators`, one indicator's rows at a time.

use std::collections::BTreeSet;

use hyoka_core::IndicatorKind;
use hyoka_report::opendata::compare::compare_rows;
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
