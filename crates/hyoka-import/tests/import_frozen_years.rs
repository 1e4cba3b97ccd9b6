//! Locked (確定) and published (公開) fiscal years cannot be changed by an
//! import: values, judgements, narratives, budgets, grades, schedules and
//! directions of such a year, removals included, refuse the whole import
//! with nothing written. What has no year (titles, plan nodes) may change
//! and is listed. Removals are always reported. On the test backend.

#[path = "common/dump.rs"]
mod dump;
#[path = "common/seeds.rs"]
mod seeds;

use hyoka_core::{FiscalYear, Narrative};
use hyoka_import::{apply, canonical, stage_at, ApplyError, Batch, ChangeKind, FrozenChange};
use hyoka_store::testing::TestDb;
use seeds::{exported, forms, lock, read_files, read_seeds, seeded, KODAIRA, MITAKA};

/// 小平市's 協働事業の推進, a sheet of FY2017 (平成29年度).
const KODAIRA_ITEM: &str = "No.2-1~5";

fn fy(y: i32) -> FiscalYear {
    FiscalYear::new(y).unwrap()
}

fn city<'a>(batch: &'a mut Batch, code: &str) -> &'a mut hyoka_import::batch::CityBatch {
    batch.cities.iter_mut().find(|c| c.code == code).unwrap()
}

fn item<'a>(batch: &'a mut Batch, code: &str, key: &str) -> &'a mut hyoka_import::batch::ItemRow {
    city(batch, code).items.iter_mut().find(|i| i.key == key).unwrap_or_else(|| panic!("item {key}"))
}

fn json(batch: &Batch) -> Vec<(String, Batch)> {
    read_files(&[("hyoka.json".to_string(), canonical::json_bytes(batch))])
}

fn frozen(e: ApplyError) -> Vec<FrozenChange> {
    match e {
        ApplyError::Frozen(list) => list,
        other @ ApplyError::Store(_) => panic!("expected a refusal for locked years, got: {other}"),
    }
}

#[tokio::test]
async fn a_changed_narrative_of_a_published_year_refuses_the_whole_import() {
    let (db, store) = seeded().await;
    lock(&store, KODAIRA, 2017, true).await;
    let before = dump::dump(&db.url).await;

    let mut batch = exported(&store).await;
    let n = &mut item(&mut batch, KODAIRA, KODAIRA_ITEM).narratives[0];
    assert_eq!(n.fiscal_year.unwrap_or(fy(2017)), fy(2017));
    n.text = Narrative::from_markup("書き換えた総括");
    // A change to an open year of another city in the same import.
    let mitaka = city(&mut batch, MITAKA).items.iter_mut().find(|i| !i.narratives.is_empty()).unwrap();
    mitaka.narratives[0].text = Narrative::from_markup("三鷹市の変更");

    for dry_run in [true, false] {
        let e = apply(&store, &json(&batch), dry_run).await.unwrap_err();
        let message = e.to_string();
        let list = frozen(e);
        assert_eq!(list.len(), 1, "only the published year is refused: {message}");
        let c = &list[0];
        assert_eq!((c.municipality.as_str(), c.fiscal_year, c.published), (KODAIRA, fy(2017), true));
        assert_eq!(c.change.kind, ChangeKind::Changed);
        assert!(c.change.subject.starts_with("No.2-1~5 協働事業の推進"), "{:?}", c.change);
        assert!(c.change.part.starts_with("記述「"), "{:?}", c.change);
        assert!(message.contains("小平市 平成29年度（公開済み）: No.2-1~5 協働事業の推進: 記述「"), "{message}");
        assert!(message.contains("取り込みを中止しました。何も書き込んでいません"), "{message}");
    }
    before.assert_same(&dump::dump(&db.url).await, "a refused import");
}

#[tokio::test]
async fn a_header_only_narratives_table_is_refused_when_it_would_empty_a_locked_year() {
    let (db, store) = seeded().await;
    lock(&store, KODAIRA, 2017, false).await;
    let before = dump::dump(&db.url).await;

    let mut files = canonical::csv_files(&exported(&store).await, true).unwrap();
    let narratives = files.iter_mut().find(|(n, _)| n == "narratives.csv").unwrap();
    let header = String::from_utf8(narratives.1.clone()).unwrap().lines().next().unwrap().to_string();
    narratives.1 = format!("{header}\r\n").into_bytes();

    let e = apply(&store, &read_files(&files), false).await.unwrap_err();
    let message = e.to_string();
    let list = frozen(e);
    assert!(list.iter().all(|c| c.change.kind == ChangeKind::Removed && !c.published), "{message}");
    assert!(list.iter().all(|c| c.municipality == KODAIRA && c.fiscal_year == fy(2017)), "{message}");
    assert!(list.len() > 40, "every narrative of the locked year is listed: {}", list.len());
    assert!(message.contains("小平市 平成29年度（確定済み）"), "{message}");
    assert!(message.contains("を削除"), "{message}");
    assert!(message.contains(&format!("ほかに {} 件", list.len() - ApplyError::MAX_LISTED)), "{message}");
    before.assert_same(&dump::dump(&db.url).await, "a refused import");
}

#[tokio::test]
async fn removals_in_open_years_are_written_and_always_reported() {
    let (db, store) = seeded().await;
    let mut files = canonical::csv_files(&exported(&store).await, true).unwrap();
    let narratives = files.iter_mut().find(|(n, _)| n == "narratives.csv").unwrap();
    let header = String::from_utf8(narratives.1.clone()).unwrap().lines().next().unwrap().to_string();
    narratives.1 = format!("{header}\r\n").into_bytes();
    let batches = read_files(&files);

    let before = dump::dump(&db.url).await;
    let dry = apply(&store, &batches, true).await.unwrap();
    before.assert_same(&dump::dump(&db.url).await, "a dry run");
    let stored_narratives = before.table("narratives").len();
    assert_eq!(dry.removed(), stored_narratives, "every narrative is reported as removed");
    let summary = dry.summary(5);
    let kodaira = dry.cities.iter().find(|c| c.code == KODAIRA).unwrap();
    assert!(summary.contains(&format!("削除 {}件", kodaira.removed())), "{summary}");
    assert!(summary.contains("記述「"), "{summary}");
    assert!(kodaira.removals().all(|c| c.part.starts_with("記述")));

    let real = apply(&store, &batches, false).await.unwrap();
    assert_eq!(real, hyoka_import::ApplyReport { dry_run: false, ..dry });
    assert!(dump::dump(&db.url).await.table("narratives").is_empty());
}

#[tokio::test]
async fn plan_nodes_may_change_in_a_locked_year_and_are_listed() {
    let (_db, store) = seeded().await;
    lock(&store, KODAIRA, 2017, true).await;
    let mut batch = exported(&store).await;
    let node = &mut city(&mut batch, KODAIRA).plans[0].nodes[0];
    node.title = format!("{}（改称）", node.title);
    // An item of the city with no locked year may be renamed.
    let open = city(&mut batch, MITAKA).items.iter_mut().find(|i| !i.title.is_empty()).unwrap();
    open.title = format!("{}（改称）", open.title);

    let report = apply(&store, &json(&batch), false).await.unwrap();
    let kodaira = report.cities.iter().find(|c| c.code == KODAIRA).unwrap();
    assert_eq!((kodaira.items.changed, kodaira.plan_nodes.changed), (0, 1), "{kodaira:?}");
    let listed: Vec<String> = kodaira.yearless().map(|c| c.to_string()).collect();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert!(listed[0].contains("（改称）"), "{listed:?}");
    let summary = report.summary(10);
    assert_eq!(summary.matches("年度のない項目の変更 1件").count(), 2, "{summary}");
    assert_eq!(store.items(MITAKA).await.unwrap().iter().filter(|i| i.title.contains("（改称）")).count(), 1);
}

#[tokio::test]
async fn what_every_year_prints_is_refused_for_an_item_with_a_locked_year() {
    let (db, store) = seeded().await;
    lock(&store, KODAIRA, 2017, true).await;
    let before = dump::dump(&db.url).await;

    // The item's title, printed on its sheet of the published year.
    let mut batch = exported(&store).await;
    item(&mut batch, KODAIRA, KODAIRA_ITEM).title = "協働事業の推進（改称）".into();
    let e = apply(&store, &json(&batch), false).await.unwrap_err();
    let message = e.to_string();
    let list = frozen(e);
    assert_eq!(list.len(), 1, "{message}");
    assert_eq!((list[0].fiscal_year, list[0].published, list[0].change.part.as_str()), (fy(2017), true, "名称"));
    assert!(
        message.contains("小平市 平成29年度（公開済み）: No.2-1~5 協働事業の推進: 名称を変更 「協働事業の推進」→「協働事業の推進（改称）」"),
        "{message}"
    );

    // An indicator's name and its unit, printed with the year's values.
    let mut batch = exported(&store).await;
    let ind = city(&mut batch, KODAIRA).indicators.iter_mut().find(|i| i.key == "No.2-1~5:1").unwrap();
    ind.name = "ボランティアの参加者数".into();
    let message = apply(&store, &json(&batch), false).await.unwrap_err().to_string();
    assert!(message.contains("平成29年度（公開済み）: 指標「"), "{message}");
    assert!(message.contains("名称を変更 「ボランティア参加者数」→「ボランティアの参加者数」"), "{message}");
    let mut batch = exported(&store).await;
    let ind = city(&mut batch, KODAIRA).indicators.iter_mut().find(|i| i.key == "No.2-1~5:1").unwrap();
    ind.unit = Some("名（改）".into());
    let message = apply(&store, &json(&batch), false).await.unwrap_err().to_string();
    assert!(message.contains("平成29年度（公開済み）: 指標「") && message.contains("単位を変更"), "{message}");

    // The order of the item's narratives.
    let mut batch = exported(&store).await;
    let it = item(&mut batch, KODAIRA, KODAIRA_ITEM);
    assert!(it.narratives.len() >= 2);
    it.narratives.reverse();
    let message = apply(&store, &json(&batch), false).await.unwrap_err().to_string();
    assert!(message.contains("平成29年度（公開済み）: No.2-1~5 協働事業の推進: 記述"), "{message}");
    before.assert_same(&dump::dump(&db.url).await, "refused imports");
}

#[tokio::test]
async fn a_year_locked_after_the_import_was_prepared_is_seen_in_its_transaction() {
    let (db, store) = seeded().await;
    let mut batch = exported(&store).await;
    let n = &mut item(&mut batch, KODAIRA, KODAIRA_ITEM).narratives[0];
    n.text = Narrative::from_markup("書き換えた総括");
    let batches = json(&batch);
    // Checked while the year was open; locked and published before the
    // transaction begins.
    let locker = store.clone();
    let pause = async move { lock(&locker, KODAIRA, 2017, true).await };
    let before_write = std::cell::Cell::new(false);
    let e = match hyoka_import::stage_with_pause(&store, &batches, hyoka_store::now(), async {
        pause.await;
        before_write.set(true);
    })
    .await
    {
        Ok(_) => panic!("a year locked in between must refuse the import"),
        Err(e) => e,
    };
    assert!(before_write.get());
    let message = e.to_string();
    let list = frozen(e);
    assert!(list.iter().all(|c| (c.fiscal_year, c.published) == (fy(2017), true)), "{message}");
    assert!(message.contains("小平市 平成29年度（公開済み）: No.2-1~5 協働事業の推進: 記述「"), "{message}");
    // Only the lock was written: the narrative is as it was.
    let stored = exported(&store).await;
    let kept = &stored.cities.iter().find(|c| c.code == KODAIRA).unwrap().items;
    let kept = kept.iter().find(|i| i.key == KODAIRA_ITEM).unwrap();
    assert_ne!(kept.narratives[0].text, Narrative::from_markup("書き換えた総括"));
    drop(db);
}

#[tokio::test]
async fn values_of_a_locked_year_are_refused_and_an_unchanged_import_is_accepted() {
    let (db, store) = seeded().await;
    lock(&store, KODAIRA, 2017, true).await;

    // The seeds again, and their export: nothing changes, so both are accepted.
    let again = apply(&store, &read_seeds(), false).await.unwrap();
    assert!(again.is_unchanged(), "{}", again.summary(10));
    for (form, files) in forms(&exported(&store).await) {
        let report = apply(&store, &read_files(&files), false).await.unwrap();
        assert!(report.is_unchanged(), "{form}: {}", report.summary(10));
    }

    let before = dump::dump(&db.url).await;
    let mut batch = exported(&store).await;
    let ind = city(&mut batch, KODAIRA).indicators.iter_mut().find(|i| i.key == "No.2-1~5:1").unwrap();
    let actual =
        ind.values.iter_mut().find(|v| v.fiscal_year == fy(2017) && v.role == hyoka_core::ValueRole::Actual).unwrap();
    assert!(actual.printed.starts_with("2,067人"), "{actual:?}");
    actual.printed = "2,100人".into();
    // A value of an open year of the same indicator: refused with the rest.
    ind.values.retain(|v| v.fiscal_year != fy(2020));

    let message = apply(&store, &json(&batch), false).await.unwrap_err().to_string();
    assert!(
        message.contains("小平市 平成29年度（公開済み）: 指標「ボランティア参加者数」（No.2-1~5 協働事業の推進）: 実績（No.2-1~5）を変更 「2,067人 (スポーツボランティア延べ117人) (介護予…」→「2,100人」"),
        "{message}"
    );
    assert_eq!(
        message.matches("\n  小平市").count(),
        1,
        "one change of the locked year, the open year's not listed: {message}"
    );
    before.assert_same(&dump::dump(&db.url).await, "a refused import");
}

#[tokio::test]
async fn stage_leaves_the_transaction_to_the_caller() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let staged = stage_at(&store, &read_seeds(), hyoka_store::now()).await.unwrap();
    assert_eq!(staged.report.cities.len(), 4);
    assert!(!staged.report.dry_run);
    // Dropped without commit: nothing stays.
    drop(staged);
    assert!(store.municipalities().await.unwrap().is_empty());

    let mut staged = stage_at(&store, &read_seeds(), hyoka_store::now()).await.unwrap();
    let change =
        hyoka_store::Change { field: "取り込み".into(), before: None, after: Some("公表資料 5 件".into()) };
    let event = hyoka_store::AuditEvent {
        municipality: Some(KODAIRA.into()),
        account_id: None,
        actor: "テスト".into(),
        command: "import".into(),
        item_id: None,
        fiscal_year: None,
        summary: "公表資料の取り込み".into(),
    };
    let row = hyoka_store::HistoryRow { item_id: None, fiscal_year: None, change };
    staged.tx.write_event(&event, &[row]).await.unwrap();
    staged.tx.commit().await.unwrap();
    assert_eq!(store.municipalities().await.unwrap().len(), 4);
    let history = store.admin_history(KODAIRA, 10).await.unwrap();
    assert_eq!(
        history.iter().filter(|h| h.field == "取り込み").count(),
        1,
        "the caller's record is in the same commit"
    );
}
