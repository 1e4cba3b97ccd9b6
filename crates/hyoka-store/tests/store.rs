//! The storage suite. It runs unchanged on SQLite and on PostgreSQL: the
//! backend comes from HYOKA_TEST_BACKEND (see hyoka_store::testing).

use hyoka_core::judgement::{judge, Judgement, JudgementVocabulary};
use hyoka_core::org::Validity;
use hyoka_core::plan::{distinct_items, tally, PlanTree};
use hyoka_core::sheet::EvaluationRow;
use hyoka_core::{
    BudgetFigures, Direction, EvaluationScale, Evaluator, FiscalYear, IndicatorCell, IndicatorKind, Stage, ValueRole,
    Yen,
};
use hyoka_store::testing::{test_backend, TestDb};
use hyoka_store::{Municipality, NewIndicator, NewItem, Store, StoreError};
use sqlx::Connection;

const MISHIMA: &str = "222062";

fn fy(y: i32) -> FiscalYear {
    FiscalYear::new(y).unwrap()
}

async fn store_with_city(db: &TestDb) -> Store {
    let store = db.store().await;
    assert_eq!(store.backend(), test_backend());
    let mut tx = store.begin().await.unwrap();
    tx.upsert_municipality(&Municipality { code: MISHIMA.into(), name: "三島市".into() }).await.unwrap();
    tx.commit().await.unwrap();
    store
}

fn mishima_plan() -> PlanTree {
    let mut t = PlanTree::new("basic", "第4次三島市総合計画", &["基本目標", "基本方針", "施策", "施策の方向"]);
    let g = t.add_root("IV", "協働で進める自立したまち").unwrap();
    let p = t.add_child(g, "7", "自治システムの充実したまちづくり").unwrap();
    let m = t.add_child(p, "48", "便利な電子市役所の構築<電子市役所>").unwrap();
    for (code, title) in [
        ("IV-7-48-(1)", "総合的な情報化施策の推進"),
        ("IV-7-48-(2)", "インターネットによる市民サービスの向上"),
        ("IV-7-48-(4)", "セキュリティ対策"),
        ("IV-7-48-(5)", "職員の知識・能力の向上"),
    ] {
        t.add_child(m, code, title).unwrap();
    }
    t
}

#[tokio::test]
async fn migrations_run_once_and_are_recorded() {
    let db = TestDb::new().await;
    let store = Store::connect(&db.url).await.unwrap();
    let first = store.migrate().await.unwrap();
    assert_eq!(first.applied.len(), hyoka_store::MIGRATIONS.len());
    let again = store.migrate().await.unwrap();
    assert!(again.applied.is_empty());
    assert_eq!(store.schema_version().await.unwrap(), again.current);
}

/// Branches merged in another order than their migrations are numbered
/// leave a database whose newest migration is above one not applied yet:
/// that one is applied all the same.
#[tokio::test]
async fn a_migration_numbered_below_the_newest_applied_is_still_applied() {
    let db = TestDb::new().await;
    let store = Store::connect(&db.url).await.unwrap();
    let all = hyoka_store::MIGRATIONS;
    let (last, below) = (all[all.len() - 1].version, all[all.len() - 2].version);
    store.migrate_to(all[all.len() - 3].version).await.unwrap();
    // As if `last` had come in first (its tables are not needed here).
    let mut conn = sqlx::AnyConnection::connect(&db.url).await.unwrap();
    sqlx::query("INSERT INTO hyoka_migrations (version, name, applied_at) VALUES ($1, 'first', '2026-12-04')")
        .bind(last)
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(store.migrate_pending().await.unwrap().iter().map(|m| m.0).collect::<Vec<_>>(), vec![below]);
    let report = store.migrate().await.unwrap();
    assert_eq!(report.applied.iter().map(|m| m.0).collect::<Vec<_>>(), vec![below]);
    assert_eq!(store.schema_version().await.unwrap(), last);
    assert!(store.migrate().await.unwrap().applied.is_empty());
}

#[tokio::test]
async fn unknown_scheme_is_an_error_not_a_file() {
    let err = Store::connect("mysql://localhost/hyoka").await.err().expect("mysql is refused");
    assert!(matches!(err, StoreError::UnknownScheme(_)), "{err}");
    assert!(err.to_string().contains("sqlite://"));
}

#[tokio::test]
async fn municipality_codes_are_validated() {
    let db = TestDb::new().await;
    let store = store_with_city(&db).await;
    let mut tx = store.begin().await.unwrap();
    let err = tx.upsert_municipality(&Municipality { code: "13204".into(), name: "x".into() }).await.unwrap_err();
    assert!(err.to_string().contains("6桁"), "{err}");
    drop(tx);
    assert_eq!(
        store.municipalities().await.unwrap(),
        vec![Municipality { code: MISHIMA.into(), name: "三島市".into() }]
    );
}

#[tokio::test]
async fn plans_round_trip_and_saving_again_changes_nothing() {
    let db = TestDb::new().await;
    let store = store_with_city(&db).await;
    let tree = mishima_plan();
    let mut tx = store.begin().await.unwrap();
    let id = tx.save_plan(MISHIMA, &tree).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    assert_eq!(tx.save_plan(MISHIMA, &tree).await.unwrap(), id);
    tx.commit().await.unwrap();

    let plans = store.plans(MISHIMA).await.unwrap();
    assert_eq!(plans.len(), 1);
    assert_eq!(plans[0].node_count, 7);
    assert_eq!(plans[0].level_names[3], "施策の方向");
    assert_eq!(store.load_plan_tree(id).await.unwrap(), tree);
    let nodes = store.plan_nodes(id).await.unwrap();
    let direction = nodes.iter().find(|n| n.code == "IV-7-48-(4)").unwrap();
    assert_eq!(direction.level, 3);
    assert_eq!(store.node(direction.parent_id.unwrap()).await.unwrap().code, "48");
}

#[tokio::test]
async fn relisted_items_are_stored_once_and_counted_once() {
    let db = TestDb::new().await;
    let store = store_with_city(&db).await;
    let mut tx = store.begin().await.unwrap();
    tx.save_plan(MISHIMA, &mishima_plan()).await.unwrap();
    let security = tx
        .upsert_item(
            MISHIMA,
            &NewItem {
                key: "security".into(),
                kind: "project".into(),
                code: "1".into(),
                title: "セキュリティ対策事業".into(),
            },
        )
        .await
        .unwrap();
    let n4 = tx.node_id(MISHIMA, "basic", "IV-7-48-(4)").await.unwrap();
    let n5 = tx.node_id(MISHIMA, "basic", "IV-7-48-(5)").await.unwrap();
    tx.place_item(security, n4, false).await.unwrap();
    tx.place_item(security, n5, true).await.unwrap(); // 施策48-(4)再掲
                                                      // Importing the same item again finds it by key.
    let again = tx
        .upsert_item(
            MISHIMA,
            &NewItem {
                key: "security".into(),
                kind: "project".into(),
                code: "1".into(),
                title: "セキュリティ対策事業".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(again, security);
    tx.commit().await.unwrap();

    assert_eq!(store.items(MISHIMA).await.unwrap().len(), 1);
    let placements = store.placements(MISHIMA).await.unwrap();
    assert_eq!(placements.len(), 2);
    assert_eq!(distinct_items(&placements), 1);
    assert_eq!(tally(&placements, |p| p.plan.clone()).get("basic"), Some(&1));
    let under5 = store.node_items(n5).await.unwrap();
    assert_eq!(under5.len(), 1);
    assert!(under5[0].1, "the placement under (5) is a relisting");
}

#[tokio::test]
async fn cells_keep_their_printed_text_and_meaning() {
    let db = TestDb::new().await;
    let store = store_with_city(&db).await;
    let mut tx = store.begin().await.unwrap();
    let ind = tx
        .upsert_indicator(
            MISHIMA,
            &NewIndicator {
                key: "e-application".into(),
                name: "電子申請の年間利用件数".into(),
                kind: IndicatorKind::Outcome,
                definition: Some("年間でホームページを通じて電子申請が行われた件数".into()),
                unit: Some("件".into()),
                direction: Direction::HigherIsBetter,
                vocabulary: Some("achievement2".into()),
                item_id: None,
                node_id: None,
                related_node_id: None,
            },
        )
        .await
        .unwrap();
    let cells = [
        (2016, ValueRole::Target, "3,800件"),
        (2016, ValueRole::Actual, "3,245件"),
        (2018, ValueRole::Actual, "6154件"),
        (2019, ValueRole::Target, "—"),
        (2019, ValueRole::Actual, ""),
        (2020, ValueRole::Actual, "０件"),
        (2020, ValueRole::Target, " 概ね80%台を維持（特殊要因による場合にあっても90%台前半に抑制） "),
    ];
    for (y, role, printed) in cells {
        tx.set_indicator_value(ind, fy(y), role, &IndicatorCell::parse(printed)).await.unwrap();
    }
    tx.commit().await.unwrap();

    let values = store.indicator_values(ind).await.unwrap();
    assert_eq!(values.len(), cells.len());
    for (y, role, printed) in cells {
        let v = values.iter().find(|v| v.fiscal_year == fy(y) && v.role == role).unwrap();
        assert_eq!(v.cell.printed(), printed, "printed text is stored byte for byte");
        assert_eq!(v.cell, IndicatorCell::parse(printed));
    }
    let get = |y, role| values.iter().find(|v| v.fiscal_year == fy(y) && v.role == role).unwrap();
    assert_eq!(get(2018, ValueRole::Actual).cell.primary_number().unwrap().plain(), "6154");
    // Blank, dash and zero stay three different things.
    assert_eq!(get(2019, ValueRole::Target).cell.meaning().kind(), "dash");
    assert_eq!(get(2019, ValueRole::Actual).cell.meaning().kind(), "blank");
    assert!(get(2020, ValueRole::Actual).cell.primary_number().unwrap().is_zero());
    let record = store.indicator(ind).await.unwrap();
    assert_eq!(record.direction, Direction::HigherIsBetter);
    assert_eq!(record.kind, IndicatorKind::Outcome);
}

/// 三島市's 成果指標 measures 施策 48 and names the 行政改革大綱 item it
/// belongs to: both nodes are kept, the related one is read back with its
/// plan, a node it names is not removable, and a save without it clears it.
#[tokio::test]
async fn an_indicator_names_a_related_node_of_another_plan() {
    let db = TestDb::new().await;
    let store = store_with_city(&db).await;
    let mut reform = PlanTree::new("gyokaku", "行政改革大綱", &["取組事項"]);
    reform.add_root("24", "eコミュニティまちづくり推進事業").unwrap();
    let mut tx = store.begin().await.unwrap();
    tx.save_plan(MISHIMA, &mishima_plan()).await.unwrap();
    tx.save_plan(MISHIMA, &reform).await.unwrap();
    let measure = tx.node_id(MISHIMA, "basic", "48").await.unwrap();
    let item24 = tx.node_id(MISHIMA, "gyokaku", "24").await.unwrap();
    let mut new = NewIndicator {
        key: "sns".into(),
        name: "三島市地域SNS利用者数 (登録者数)".into(),
        kind: IndicatorKind::Outcome,
        definition: None,
        unit: Some("人".into()),
        direction: Direction::HigherIsBetter,
        vocabulary: Some("progress".into()),
        item_id: None,
        node_id: Some(measure),
        related_node_id: Some(item24),
    };
    let id = tx.upsert_indicator(MISHIMA, &new).await.unwrap();
    tx.commit().await.unwrap();

    let record = store.indicator(id).await.unwrap();
    assert_eq!((record.node_id, record.related_node_id), (Some(measure), Some(item24)));
    assert_eq!(store.indicators(MISHIMA).await.unwrap()[0].related_node_id, Some(item24));
    assert_eq!(store.node_indicators(measure).await.unwrap().len(), 1, "it still measures the 施策");
    let related = store.related_nodes(&[item24, measure]).await.unwrap();
    let node = &related[&item24];
    assert_eq!((node.plan_code.as_str(), node.plan_name.as_str()), ("gyokaku", "行政改革大綱"));
    assert_eq!(node.printed(), "【24 eコミュニティまちづくり推進事業】");
    assert_eq!(related[&measure].code, "48");
    assert!(store.related_nodes(&[]).await.unwrap().is_empty());
    // A node an indicator names is in use.
    assert_eq!(store.node_use(item24).await.unwrap().indicators, ["三島市地域SNS利用者数 (登録者数)"]);

    // Writing the indicator again without it clears it.
    new.related_node_id = None;
    let mut tx = store.begin().await.unwrap();
    assert_eq!(tx.upsert_indicator(MISHIMA, &new).await.unwrap(), id);
    tx.commit().await.unwrap();
    assert_eq!(store.indicator(id).await.unwrap().related_node_id, None);
    assert!(store.node_use(item24).await.unwrap().is_empty());

    // Removing the node leaves the indicator, without the node.
    new.related_node_id = Some(item24);
    let mut tx = store.begin().await.unwrap();
    tx.upsert_indicator(MISHIMA, &new).await.unwrap();
    tx.delete_node(item24).await.unwrap();
    tx.commit().await.unwrap();
    let record = store.indicator(id).await.unwrap();
    assert_eq!((record.node_id, record.related_node_id), (Some(measure), None));
}

#[tokio::test]
async fn judgements_keep_printed_and_computed_side_by_side() {
    let db = TestDb::new().await;
    let store = store_with_city(&db).await;
    let vocab = JudgementVocabulary::progress();
    let verdict =
        judge(Direction::HigherIsBetter, &IndicatorCell::parse("1,285人"), &IndicatorCell::parse("1,279人"), None);
    let j = Judgement::compute(Some("順調"), &vocab, &verdict);
    let mut tx = store.begin().await.unwrap();
    let ind = tx
        .upsert_indicator(
            MISHIMA,
            &NewIndicator {
                key: "sns".into(),
                name: "三島市地域SNS利用者数".into(),
                kind: IndicatorKind::Outcome,
                definition: None,
                unit: Some("人".into()),
                direction: Direction::HigherIsBetter,
                vocabulary: Some("progress".into()),
                item_id: None,
                node_id: None,
                related_node_id: None,
            },
        )
        .await
        .unwrap();
    tx.set_judgement(ind, fy(2016), &j).await.unwrap();
    tx.commit().await.unwrap();
    let stored = store.judgements(ind).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].judgement, j);
    let d = stored[0].judgement.disagreement().expect("the disagreement survives storage");
    assert_eq!((d.stated.as_str(), d.computed.as_str()), ("順調", "遅れ"));
}

#[tokio::test]
async fn budgets_and_grades_round_trip() {
    let db = TestDb::new().await;
    let store = store_with_city(&db).await;
    let mut tx = store.begin().await.unwrap();
    let item = tx
        .upsert_item(
            MISHIMA,
            &NewItem {
                key: "k3".into(),
                kind: "project".into(),
                code: "企-3".into(),
                title: "市民センター再整備".into(),
            },
        )
        .await
        .unwrap();
    let figures = BudgetFigures {
        initial: Some(Yen::from_thousands(309_424)),
        final_budget: Some(Yen::from_thousands(308_934)),
        settlement: Some(Yen::from_thousands(301_762)),
        general_revenue: None,
        carried_over: Some(Yen(0)),
        // The cost side of a 事務事業評価シート: every line comes back as stored.
        funding: hyoka_core::Funding {
            national: Some(Yen::from_thousands(100_000)),
            prefectural: Some(Yen::from_thousands(50_000)),
            bonds: Some(Yen(0)),
            other: None,
        },
        staff: hyoka_core::StaffCost {
            hours: hyoka_core::Hours::parse("1,234.56"),
            hourly: Some(Yen(4_321)),
            personnel: Some(Yen::from_thousands(5_334)),
            total: Some(Yen::from_thousands(307_096)),
        },
    };
    tx.set_budget(item, fy(2018), &figures, Some("97.7%")).await.unwrap();
    tx.save_scale(MISHIMA, &EvaluationScale::mitaka_yearend()).await.unwrap();
    let grade = EvaluationRow {
        fiscal_year: fy(2018),
        stage: Stage::YearEnd,
        evaluator: Evaluator::ReviewBoard,
        scale: Some("mitaka-yearend".into()),
        grade: Some("1".into()),
        comment: Some("<script>alert(1)</script> 計画どおり".into()),
    };
    tx.set_evaluation(MISHIMA, item, &grade).await.unwrap();
    let bad = EvaluationRow { grade: Some("Z".into()), ..grade.clone() };
    let err = tx.set_evaluation(MISHIMA, item, &bad).await.unwrap_err();
    assert!(err.to_string().contains("「Z」"), "{err}");
    tx.commit().await.unwrap();

    let budgets = store.budgets(item).await.unwrap();
    assert_eq!(budgets.len(), 1);
    assert_eq!(budgets[0].figures, figures);
    assert_eq!(budgets[0].figures.execution_rate().unwrap().to_string(), "97.7%");
    assert_eq!(budgets[0].execution_rate_printed.as_deref(), Some("97.7%"));
    // The user's text is stored faithfully; escaping is the renderer's job.
    assert_eq!(store.evaluations(item).await.unwrap(), vec![grade]);
    assert_eq!(store.scales(MISHIMA).await.unwrap()[0].grades.len(), 4);
}

#[tokio::test]
async fn an_uncommitted_transaction_writes_nothing() {
    let db = TestDb::new().await;
    let store = store_with_city(&db).await;
    let mut tx = store.begin().await.unwrap();
    tx.save_plan(MISHIMA, &mishima_plan()).await.unwrap();
    tx.upsert_item(MISHIMA, &NewItem { key: "a".into(), kind: "project".into(), code: "1".into(), title: "a".into() })
        .await
        .unwrap();
    // A failure halfway (here: an unknown node) abandons the whole unit.
    assert!(tx.node_id(MISHIMA, "basic", "IV-7-48-(3)").await.is_err());
    tx.rollback().await.unwrap();
    let counts = store.counts(MISHIMA).await.unwrap();
    assert_eq!((counts.plans, counts.nodes, counts.items), (0, 0, 0));
}

#[tokio::test]
async fn organisation_changes_between_years() {
    let db = TestDb::new().await;
    let store = store_with_city(&db).await;
    let mut tx = store.begin().await.unwrap();
    let old = tx
        .upsert_section(MISHIMA, "企画戦略部", "情報政策課", Validity { from: None, until: Some(fy(2018)) })
        .await
        .unwrap();
    let new = tx.upsert_section(MISHIMA, "企画戦略部", "広報広聴課", Validity::default()).await.unwrap();
    assert_ne!(old, new);
    let item = tx
        .upsert_item(
            MISHIMA,
            &NewItem { key: "it".into(), kind: "project".into(), code: "1".into(), title: "IT推進事業".into() },
        )
        .await
        .unwrap();
    tx.assign_section(item, old).await.unwrap();
    tx.assign_section(item, old).await.unwrap();
    tx.commit().await.unwrap();
    let org = store.organisation(MISHIMA).await.unwrap();
    assert_eq!(org.department_of("情報政策課", fy(2018)).unwrap().name, "企画戦略部");
    assert!(org.department_of("情報政策課", fy(2019)).is_none());
    assert_eq!(store.item_sections(item).await.unwrap(), vec![("企画戦略部".to_string(), "情報政策課".to_string())]);
}

#[tokio::test]
async fn concurrent_readers_see_committed_data() {
    let db = TestDb::new().await;
    let store = store_with_city(&db).await;
    let mut tx = store.begin().await.unwrap();
    tx.save_plan(MISHIMA, &mishima_plan()).await.unwrap();
    tx.commit().await.unwrap();
    let reads = (0..8).map(|_| {
        let s = store.clone();
        tokio::spawn(async move { s.counts(MISHIMA).await.unwrap().nodes })
    });
    for r in reads {
        assert_eq!(r.await.unwrap(), 7);
    }
}

#[tokio::test]
async fn a_roadmap_keeps_its_cells_as_printed_and_carries_its_plan() {
    use hyoka_core::roadmap::{RoadmapCell, RoadmapRow};
    use hyoka_store::SheetPlan;
    let db = TestDb::new().await;
    let store = store_with_city(&db).await;
    let mut tx = store.begin().await.unwrap();
    let item = tx
        .upsert_item(
            MISHIMA,
            &NewItem { key: "r1".into(), kind: "issue".into(), code: "No.39".into(), title: "学校の改修".into() },
        )
        .await
        .unwrap();
    let cell = |y: i32, planned: &str, actual: &str| RoadmapCell {
        year: fy(y),
        planned: planned.into(),
        actual: actual.into(),
    };
    let rows = vec![
        RoadmapRow {
            fiscal_year: fy(2017),
            step: "・トイレ改修".into(),
            cells: vec![cell(2017, "(二小)", "(二小) 完了"), cell(2018, "(一小)", "")],
        },
        RoadmapRow { fiscal_year: fy(2017), step: "・検討".into(), cells: vec![cell(2019, "", "前倒し")] },
        RoadmapRow { fiscal_year: fy(2016), step: "・前年の行".into(), cells: vec![] },
    ];
    tx.replace_roadmap(item, &rows).await.unwrap();
    tx.commit().await.unwrap();
    let mut back = store.roadmap(item).await.unwrap();
    assert_eq!(back[0], rows[2], "sheet years first");
    back.remove(0);
    assert_eq!(back, rows[..2]);

    // Saving one year leaves the others.
    let mut tx = store.begin().await.unwrap();
    let edited = vec![RoadmapRow {
        fiscal_year: fy(2017),
        step: "・トイレ改修（全校）".into(),
        cells: vec![cell(2020, "→", "")],
    }];
    tx.replace_roadmap_year(item, fy(2017), &edited).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(store.roadmap_of_year(item, fy(2017)).await.unwrap(), edited);
    assert_eq!(store.roadmap_of_year(item, fy(2016)).await.unwrap().len(), 1);

    // Opening 2018: the steps and planned cells carry, actuals start empty.
    let mut tx = store.begin().await.unwrap();
    tx.replace_roadmap(item, &rows[..2]).await.unwrap();
    let plan = SheetPlan { item_kinds: vec!["issue".into()], carried_slots: vec![] };
    let report = tx.carry_forward(MISHIMA, fy(2018), &plan).await.unwrap();
    assert_eq!(report.created.len(), 1);
    tx.commit().await.unwrap();
    let carried = store.roadmap_of_year(item, fy(2018)).await.unwrap();
    assert_eq!(
        carried,
        vec![
            RoadmapRow {
                fiscal_year: fy(2018),
                step: "・トイレ改修".into(),
                cells: vec![cell(2017, "(二小)", ""), cell(2018, "(一小)", "")],
            },
            RoadmapRow { fiscal_year: fy(2018), step: "・検討".into(), cells: vec![] },
        ]
    );
    assert_eq!(store.roadmap_of_year(item, fy(2017)).await.unwrap(), rows[..2], "last year's stays as it was");
}
