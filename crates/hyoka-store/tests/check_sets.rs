//! The consistency checks' reads: a whole city-year in the same number of
//! statements for 10 projects as for 100, with what the per-item functions
//! say; a scoped read of some items; acknowledgements stored, replaced and
//! removed. On the backend of HYOKA_TEST_BACKEND.

use hyoka_core::FiscalYear;
use hyoka_store::testing::{count_statements, synthetic_city, TestDb};
use hyoka_store::{AcknowledgementRecord, Printing};

const SMALL: &str = "132047";
const LARGE: &str = "222062";

#[tokio::test]
async fn a_city_year_is_read_in_a_fixed_number_of_statements() {
    let db = TestDb::new().await;
    let store = db.store().await;
    synthetic_city(&store, SMALL, "三鷹市", 10).await;
    let large = synthetic_city(&store, LARGE, "三島市", 100).await;
    let fy = large.published;

    let (s, n_small) = count_statements(store.check_year_set(SMALL, fy, None)).await;
    let (l, n_large) = count_statements(store.check_year_set(LARGE, fy, None)).await;
    let (s, l) = (s.unwrap(), l.unwrap());
    assert_eq!(n_small, n_large, "statements do not grow with the city");
    assert!(n_large <= 12, "{n_large} statements");
    assert_eq!(s.items.len(), 10);
    assert_eq!(l.items.len(), 100);
    assert!(l.items.iter().all(|i| i.item.municipality_code == LARGE));

    // The same as the per-item reads, for one item.
    let one = &l.items[0];
    let id = one.item.id;
    assert_eq!(
        one.budgets,
        store.budgets(id).await.unwrap().into_iter().filter(|b| b.fiscal_year <= fy).collect::<Vec<_>>()
    );
    assert_eq!(one.evaluations.len(), 1, "the year's grade, not the next year's");
    let narratives: Vec<_> =
        store.narratives(id).await.unwrap().into_iter().filter(|n| n.fiscal_year.is_none_or(|y| y == fy)).collect();
    assert_eq!(one.narratives, narratives);
    assert_eq!(one.placements.len(), 2, "the first project is also re-listed");
    assert_eq!(one.sections.len(), 1);
    let indicator = l.indicators.iter().find(|i| i.indicator.item_id == Some(id)).expect("its indicator");
    assert_eq!(indicator.values, store.indicator_values(indicator.indicator.id).await.unwrap());
    assert!(l.indicators.iter().any(|i| i.indicator.node_id.is_some()), "the nodes' indicators too");
    assert!(!l.nodes.is_empty());

    // A scoped read: only the listed items (and every node's indicators).
    let ids = [large.item_ids[3], large.item_ids[7]];
    let (scoped, n_scoped) = count_statements(store.check_year_set(LARGE, fy, Some(&ids))).await;
    let scoped = scoped.unwrap();
    assert_eq!(n_scoped, n_large);
    assert_eq!(scoped.items.iter().map(|i| i.item.id).collect::<Vec<_>>(), ids);
    assert!(scoped.indicators.iter().all(|i| i.indicator.item_id.is_none_or(|x| ids.contains(&x))));

    // Another year holds none of these items (they are printed in 2018 and
    // nobody opened 2017).
    let before = FiscalYear::new(2017).unwrap();
    assert!(store.check_year_set(LARGE, before, None).await.unwrap().items.is_empty());
    assert_eq!(store.check_items(LARGE, fy).await.unwrap().len(), 100);
}

#[tokio::test]
async fn the_folded_indicator_reads_equal_the_per_indicator_reads() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let city = synthetic_city(&store, LARGE, "三島市", 12).await;
    let fy = city.published;
    // Printings of two tables, written out of order, some without the
    // year of their document; text with quotes and a backslash, which the
    // JSON of the folded read must carry unchanged.
    let printing = |y: i32, role: &str, source: &str, printed: &str, printed_in: Option<i32>| Printing {
        fiscal_year: FiscalYear::new(y).unwrap(),
        role: role.into(),
        source: source.into(),
        printed: printed.into(),
        printed_in: printed_in.map(|y| FiscalYear::new(y).unwrap()),
    };
    let rows = [
        printing(2018, "target", "活動指標", "\"100\"件\\", Some(2018)),
        printing(2017, "actual", "成果指標", "95件", None),
        printing(2018, "actual", "成果指標", "1,020件", Some(2018)),
        printing(2018, "actual", "主要施策", "1,020件", None),
        printing(2018, "judgement", "成果指標", "達成", Some(2018)),
    ];
    let mut tx = store.begin().await.unwrap();
    for id in &city.indicator_ids[..3] {
        tx.replace_printings(*id, &rows).await.unwrap();
    }
    tx.commit().await.unwrap();

    let set = store.check_year_set(LARGE, fy, None).await.unwrap();
    assert_eq!(set.indicators.len(), city.indicator_ids.len());
    for i in &set.indicators {
        let id = i.indicator.id;
        assert_eq!(i.values, store.indicator_values(id).await.unwrap(), "values of {id}");
        assert_eq!(i.judgements, store.judgements(id).await.unwrap(), "judgements of {id}");
        assert_eq!(i.printings, store.printings(id).await.unwrap(), "printings of {id}");
    }
    let first = set.indicators.iter().find(|i| i.indicator.id == city.indicator_ids[0]).unwrap();
    assert_eq!(first.printings.len(), rows.len());
    assert_eq!(first.printings[0].printed, "95件", "in year order");
    assert!(first.judgements.iter().any(|j| j.judgement.declared.is_some()), "a declared judgement read");
    assert!(first.judgements.iter().any(|j| j.judgement.printed.is_none()), "a judgement with no printing read");
}

#[tokio::test]
async fn acknowledgements_are_stored_replaced_and_removed() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let city = synthetic_city(&store, SMALL, "三鷹市", 1).await;
    let fy = city.published;
    let record = AcknowledgementRecord {
        municipality: SMALL.into(),
        fiscal_year: fy,
        fingerprint_key: "ab".repeat(32),
        fingerprint: "target_vs_baseline|p0|成果指標|実施件数|2018|171ha|140ha".into(),
        rule: "target_vs_baseline".into(),
        item_key: Some("p0".into()),
        state: "acknowledged".into(),
        reason: "農地の減少を抑える目標".into(),
        account_id: None,
        actor: "テスト".into(),
        at: String::new(),
    };
    let mut tx = store.begin().await.unwrap();
    tx.save_acknowledgement(&record).await.unwrap();
    tx.save_acknowledgement(&AcknowledgementRecord {
        state: "resolved".into(),
        reason: "修正した".into(),
        ..record.clone()
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let stored = store.acknowledgements(SMALL, fy).await.unwrap();
    assert_eq!(stored.len(), 1, "one row per flag");
    assert_eq!((stored[0].state.as_str(), stored[0].reason.as_str()), ("resolved", "修正した"));
    assert!(!stored[0].at.is_empty(), "stamped with the transaction's instant");
    assert!(store.acknowledgements(LARGE, fy).await.unwrap().is_empty(), "per city");
    assert!(store.acknowledgement(SMALL, fy, &record.fingerprint_key).await.unwrap().is_some());

    let mut tx = store.begin().await.unwrap();
    assert!(tx.remove_acknowledgement(SMALL, fy, &record.fingerprint_key).await.unwrap());
    assert!(!tx.remove_acknowledgement(SMALL, fy, &record.fingerprint_key).await.unwrap());
    tx.commit().await.unwrap();
    assert!(store.acknowledgements(SMALL, fy).await.unwrap().is_empty());
}
