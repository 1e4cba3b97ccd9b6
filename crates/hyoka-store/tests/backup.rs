//! Backup and restore: a logical copy that is consistent while the server
//! writes, restores into an empty database of either backend, and refuses
//! anything else. Runs on the backend of HYOKA_TEST_BACKEND; the copies
//! between backends also use SQLite whatever the run.

use std::collections::{BTreeMap, BTreeSet};

use hyoka_core::plan::PlanTree;
use hyoka_core::sheet::Finding;
use hyoka_store::testing::{row_count, synthetic_city, table_names, test_backend, SyntheticCity, TestDb};
use hyoka_store::{Backend, Change, Municipality, NewItem, Printing, Store, StoreError};
use serde_json::Value;

const CITY: &str = "132047";
const OTHER: &str = "222062";

/// Two synthetic cities plus what they leave out: a re-parented plan node
/// (a child stored before its parent), printings, findings, a layout,
/// history and sessions.
async fn rich(store: &Store) -> SyntheticCity {
    let city = synthetic_city(store, CITY, "三鷹市", 12).await;
    synthetic_city(store, OTHER, "三島市", 3).await;
    let mut tx = store.begin().await.unwrap();
    // A new root saved after the tree, with an old node moved under it:
    // the child's id is now smaller than its parent's.
    let mut tree = PlanTree::new("basic", "三鷹市総合計画", &["基本目標", "施策"]);
    let root = tree.add_root("0", "新しい基本目標").unwrap();
    tree.add_child(root, "1-1", "予算の推進").unwrap();
    tx.save_plan(CITY, &tree).await.unwrap();
    let printing = |role: &str, source: &str, printed: &str| Printing {
        fiscal_year: city.published,
        role: role.into(),
        source: source.into(),
        printed: printed.into(),
        printed_in: Some(city.published),
    };
    tx.replace_printings(
        city.indicator_ids[0],
        &[printing("actual", "指標一覧", "1,020件"), printing("actual", "個票", "1020件")],
    )
    .await
    .unwrap();
    let finding = Finding {
        municipality: Some(CITY.into()),
        kind: "value_conflict".into(),
        file: "000.txt".into(),
        line: Some(12),
        text: "1,020件 / 1020件".into(),
        message: "表どうしで値が異なります".into(),
    };
    tx.replace_findings("000.txt", &[finding]).await.unwrap();
    tx.set_sheet_layout(CITY, "mitaka", &[("summary".to_string(), "総括".to_string())].into()).await.unwrap();
    let change =
        Change {
            field: "実績 平成30年度".into(), before: Some("1,000件".into()), after: Some("1,020件".into())
        };
    history(&mut tx, Some(city.item_ids[0]), Some(city.published), Some(city.admin_id), change).await;
    tx.commit().await.unwrap();
    store
        .create_session("hash-of-a-cookie", Some(city.admin_id), "csrf", "2000-01-01T00:00:00Z", "2999-01-01T00:00:00Z")
        .await
        .unwrap();
    city
}

async fn backup_of(store: &Store) -> Vec<u8> {
    let mut out = Vec::new();
    store.backup(&mut out).await.unwrap();
    out
}

/// Each copied table's rows as JSON text, sorted (the order of text keys
/// may differ between backends).
fn contents(backup: &[u8]) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut table = String::new();
    for line in std::str::from_utf8(backup).unwrap().lines().skip(1) {
        let v: Value = serde_json::from_str(line).unwrap();
        match &v {
            Value::Object(m) if m.contains_key("table") => {
                table = m["table"].as_str().unwrap().to_string();
                out.entry(table.clone()).or_default();
            }
            Value::Array(_) => out.get_mut(&table).unwrap().push(line.to_string()),
            _ => {}
        }
    }
    for rows in out.values_mut() {
        rows.sort();
    }
    out
}

/// What people see of the data, read through the store's own functions.
async fn visible(store: &Store) -> Vec<String> {
    let mut seen = Vec::new();
    for m in store.municipalities().await.unwrap() {
        seen.push(format!("{m:?}"));
        seen.push(format!("{:?}", store.accounts(Some(&m.code)).await.unwrap()));
        seen.push(format!("{:?}", store.fiscal_years(&m.code).await.unwrap()));
        seen.push(format!("{:?}", store.published_years(&m.code).await.unwrap()));
        seen.push(format!("{:?}", store.admin_history(&m.code, 1000).await.unwrap()));
        seen.push(format!("{:?}", store.organisation(&m.code).await.unwrap()));
        seen.push(format!("{:?}", store.sheet_layout(&m.code).await.unwrap()));
        for p in store.plans(&m.code).await.unwrap() {
            seen.push(format!("{:?}", store.load_plan_tree(p.id).await.unwrap()));
        }
        for i in store.items(&m.code).await.unwrap() {
            seen.push(format!("{i:?}"));
            seen.push(format!("{:?}", store.history(i.id).await.unwrap()));
            seen.push(format!("{:?}", store.narratives(i.id).await.unwrap()));
            seen.push(format!("{:?}", store.budgets(i.id).await.unwrap()));
            seen.push(format!("{:?}", store.evaluations(i.id).await.unwrap()));
            seen.push(format!("{:?}", store.schedule(i.id).await.unwrap()));
            seen.push(format!("{:?}", store.next_direction(i.id).await.unwrap()));
            seen.push(format!("{:?}", store.item_sections(i.id).await.unwrap()));
            seen.push(format!("{:?}", store.item_placements(i.id).await.unwrap()));
        }
        for ind in store.indicators(&m.code).await.unwrap() {
            seen.push(format!("{ind:?}"));
            seen.push(format!("{:?}", store.indicator_values(ind.id).await.unwrap()));
            seen.push(format!("{:?}", store.judgements(ind.id).await.unwrap()));
            seen.push(format!("{:?}", store.printings(ind.id).await.unwrap()));
        }
        seen.push(format!("{:?}", store.search(&m.code, "予算", 100).await.unwrap()));
    }
    seen.push(format!("{:?}", store.findings(None).await.unwrap()));
    seen
}

/// A fresh database without a schema, on `backend`.
async fn empty_on(backend: Backend) -> (TestDb, Store) {
    let db = TestDb::new_on(backend).await;
    let store = Store::connect(&db.url).await.unwrap();
    (db, store)
}

#[tokio::test]
async fn a_restore_holds_every_table_but_sessions_and_rebuilds_the_search_index() {
    let db = TestDb::new().await;
    let source = db.store().await;
    rich(&source).await;
    let backup = backup_of(&source).await;
    let copied = contents(&backup);

    // Every table of the catalogue is in the backup with all its rows,
    // except those left out on purpose.
    let tables: BTreeSet<String> = table_names(&source).await.into_iter().collect();
    let expected: BTreeSet<String> = tables
        .iter()
        .filter(|t| !["hyoka_migrations", "search_grams", "search_years", "sessions"].contains(&t.as_str()))
        .cloned()
        .collect();
    assert_eq!(copied.keys().cloned().collect::<BTreeSet<_>>(), expected);
    for (table, rows) in &copied {
        assert_eq!(rows.len() as i64, row_count(&source, table).await, "{table}");
    }
    for table in ["accounts", "history", "fiscal_years", "plan_nodes", "indicator_printings", "findings"] {
        assert!(!copied[table].is_empty(), "{table} has rows to copy");
    }
    assert!(copied["accounts"].iter().any(|r| r.contains("$argon2id$")), "password hashes are kept");
    assert_eq!(row_count(&source, "sessions").await, 1);

    let (_target_db, target) = empty_on(test_backend()).await;
    let summary = target.restore(backup.as_slice()).await.unwrap();
    assert_eq!(summary.schema_version, source.schema_version().await.unwrap());
    assert_eq!(target.schema_version().await.unwrap(), hyoka_store::MIGRATIONS.last().unwrap().version);
    assert_eq!(summary.rows(), copied.values().map(|r| r.len() as u64).sum::<u64>());
    assert_eq!(contents(&backup_of(&target).await), copied, "every row of every table, as it was");
    assert_eq!(visible(&target).await, visible(&source).await);
    assert_eq!(row_count(&target, "sessions").await, 0, "everyone signs in again");
    let grams = row_count(&source, "search_grams").await;
    assert!(grams > 0);
    assert_eq!(row_count(&target, "search_grams").await, grams, "the search index is rebuilt");
    let years = row_count(&source, "search_years").await;
    assert!(years > 0);
    assert_eq!(row_count(&target, "search_years").await, years, "the public search's index is rebuilt");
    assert!(target.session("hash-of-a-cookie").await.unwrap().is_none());
}

#[tokio::test]
async fn backups_move_between_backends() {
    // From the run's backend into SQLite, and from SQLite into the run's
    // backend: on a PostgreSQL run both directions cross.
    let db = TestDb::new().await;
    let source = db.store().await;
    rich(&source).await;
    let backup = backup_of(&source).await;
    let (_b, sqlite) = empty_on(Backend::Sqlite).await;
    sqlite.restore(backup.as_slice()).await.unwrap();
    assert_eq!(contents(&backup_of(&sqlite).await), contents(&backup));
    assert_eq!(visible(&sqlite).await, visible(&source).await);

    let again = backup_of(&sqlite).await;
    let (_c, target) = empty_on(test_backend()).await;
    target.restore(again.as_slice()).await.unwrap();
    assert_eq!(contents(&backup_of(&target).await), contents(&backup));
    assert_eq!(visible(&target).await, visible(&source).await);
}

#[tokio::test]
async fn generated_keys_continue_after_the_restored_ones() {
    let db = TestDb::new().await;
    let source = db.store().await;
    let city = rich(&source).await;
    let (_t, target) = empty_on(test_backend()).await;
    target.restore(backup_of(&source).await.as_slice()).await.unwrap();
    let max = target.items(CITY).await.unwrap().iter().map(|i| i.id).max().unwrap();
    let mut tx = target.begin().await.unwrap();
    let new =
        NewItem { key: "new".into(), kind: "project".into(), code: "新-1".into(), title: "新しい事業".into() };
    let id = tx.upsert_item(CITY, &new).await.unwrap();
    let change = Change { field: "作成".into(), before: None, after: Some("新しい事業".into()) };
    history(&mut tx, Some(id), Some(city.published), None, change).await;
    tx.commit().await.unwrap();
    assert!(id > max, "{id} after {max}");
}

#[tokio::test]
async fn restore_refuses_a_database_that_holds_data() {
    let db = TestDb::new().await;
    let source = db.store().await;
    rich(&source).await;
    let backup = backup_of(&source).await;

    let target_db = TestDb::new().await;
    let target = target_db.store().await;
    let mut tx = target.begin().await.unwrap();
    tx.upsert_municipality(&Municipality { code: "011002".into(), name: "札幌市".into() }).await.unwrap();
    tx.commit().await.unwrap();
    let err = target.restore(backup.as_slice()).await.unwrap_err();
    assert!(matches!(err, StoreError::RestoreNotEmpty(_)), "{err}");
    let message = err.to_string();
    assert!(message.contains("空ではありません") && message.contains("municipalities"), "{message}");
    assert_eq!(target.municipalities().await.unwrap().len(), 1, "nothing written");

    // An empty database that is already migrated is fine.
    let migrated_db = TestDb::new().await;
    let migrated = migrated_db.store().await;
    migrated.restore(backup.as_slice()).await.unwrap();
    assert_eq!(migrated.municipalities().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_damaged_or_cut_backup_writes_nothing() {
    let db = TestDb::new().await;
    let source = db.store().await;
    rich(&source).await;
    let backup = String::from_utf8(backup_of(&source).await).unwrap();
    let lines: Vec<&str> = backup.lines().collect();

    let cut = lines[..lines.len() - 1].join("\n");
    let mut wrong_type = lines.clone();
    let municipality_row = lines.iter().position(|l| l.starts_with("[\"") && l.contains("三鷹市")).unwrap();
    let bad_row = lines[municipality_row].replacen("\"132047\"", "132047", 1);
    wrong_type[municipality_row] = &bad_row;
    let cases = [
        (cut, "途中で切れています"),
        (wrong_type.join("\n"), "型が違います"),
        (lines[1..].join("\n"), "hyoka のバックアップファイルではありません"),
        (String::new(), "空です"),
    ];
    for (text, expected) in cases {
        let (_t, target) = empty_on(test_backend()).await;
        let err = target.restore(text.as_bytes()).await.unwrap_err().to_string();
        assert!(err.contains(expected), "{expected}: {err}");
        if target.schema_version().await.is_ok() {
            for table in table_names(&target).await.iter().filter(|t| t.as_str() != "hyoka_migrations") {
                assert_eq!(row_count(&target, table).await, 0, "{table} after «{expected}»");
            }
        }
    }
}

#[tokio::test]
async fn an_older_backup_is_restored_and_migrated() {
    let db = TestDb::new().await;
    let source = Store::connect(&db.url).await.unwrap();
    source.migrate_to(3).await.unwrap();
    let mut tx = source.begin().await.unwrap();
    tx.upsert_municipality(&Municipality { code: CITY.into(), name: "三鷹市".into() }).await.unwrap();
    tx.commit().await.unwrap();
    let backup = backup_of(&source).await;
    assert!(String::from_utf8_lossy(&backup).lines().next().unwrap().contains("\"schema_version\":3"));
    let (_t, target) = empty_on(test_backend()).await;
    assert_eq!(target.restore(backup.as_slice()).await.unwrap().schema_version, 3);
    assert_eq!(target.schema_version().await.unwrap(), hyoka_store::MIGRATIONS.last().unwrap().version);
    assert_eq!(target.municipalities().await.unwrap()[0].name, "三鷹市");
    assert!(target.published_years(CITY).await.unwrap().is_empty(), "columns of later migrations work");
}

/// The writer keeps one invariant in every unit of work: the city's name
/// carries the number of 負荷 entries in its history.
async fn write_under_load(store: Store, stop: std::sync::Arc<std::sync::atomic::AtomicBool>) -> u64 {
    let mut n = 0u64;
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        n += 1;
        let mut tx = store.begin().await.unwrap();
        let change = Change { field: "負荷".into(), before: None, after: Some(n.to_string()) };
        history(&mut tx, None, None, None, change).await;
        tx.upsert_municipality(&Municipality { code: CITY.into(), name: format!("負荷{n}") }).await.unwrap();
        tx.commit().await.unwrap();
    }
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_the_server_writes_is_consistent() {
    let db = TestDb::new().await;
    let store = db.store().await;
    rich(&store).await;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = tokio::spawn(write_under_load(store.clone(), std::sync::Arc::clone(&stop)));
    let mut seen = Vec::new();
    for _ in 0..5 {
        let backup = backup_of(&store).await;
        let (_t, copy) = empty_on(test_backend()).await;
        copy.restore(backup.as_slice()).await.unwrap();
        let name = copy.municipality(CITY).await.unwrap().name;
        let entries = copy.admin_history(CITY, 1_000_000).await.unwrap().iter().filter(|h| h.field == "負荷").count();
        let expected = name.strip_prefix("負荷").map_or(0, |n| n.parse::<usize>().unwrap());
        assert_eq!(entries, expected, "the backup is one moment, not a mix");
        seen.push(expected);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let written = writer.await.unwrap();
    assert!(written > *seen.last().unwrap() as u64, "the writer kept writing during the backups");
    assert!(seen.windows(2).any(|w| w[0] < w[1]), "backups saw the writes progress: {seen:?}");
}

/// A change recorded as a command would: one audit event and its history row.
async fn history(
    tx: &mut hyoka_store::StoreTx,
    item: Option<i64>,
    fy: Option<hyoka_core::FiscalYear>,
    account: Option<i64>,
    change: Change,
) {
    let event = hyoka_store::AuditEvent {
        municipality: Some(CITY.into()),
        account_id: account,
        actor: "テスト".into(),
        command: "test.history".into(),
        item_id: item,
        fiscal_year: fy,
        summary: change.field.clone(),
    };
    let row = hyoka_store::HistoryRow { item_id: item, fiscal_year: fy, change };
    tx.write_event(&event, &[row]).await.unwrap();
}
