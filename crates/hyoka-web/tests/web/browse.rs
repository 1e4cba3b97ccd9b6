//! The read-only browse, over real HTTP, on the test backend.

use crate::support;

use hyoka_core::access::Role;
use hyoka_core::judgement::{judge, Judgement, JudgementVocabulary};
use hyoka_core::plan::PlanTree;
use hyoka_core::{Direction, FiscalYear, IndicatorCell, IndicatorKind, ValueRole};
use hyoka_store::testing::TestDb;
use hyoka_store::{Municipality, NewIndicator, NewItem, Store};

struct Ids {
    plan: i64,
    node: i64,
    item: i64,
    indicator: i64,
    other_item: i64,
}

/// Two cities: 三島市 with a plan, an item placed twice (once 再掲) and an
/// indicator; 三鷹市 with one item whose title carries a script payload.
async fn seed(store: &Store) -> Ids {
    let mut tx = store.begin().await.unwrap();
    tx.upsert_municipality(&Municipality { code: "222062".into(), name: "三島市".into() }).await.unwrap();
    tx.upsert_municipality(&Municipality { code: "132047".into(), name: "三鷹市".into() }).await.unwrap();
    let mut tree = PlanTree::new("basic", "第4次三島市総合計画", &["基本目標", "基本方針", "施策", "施策の方向"]);
    let g = tree.add_root("IV", "協働で進める自立したまち").unwrap();
    let p = tree.add_child(g, "7", "自治システムの充実したまちづくり").unwrap();
    let m = tree.add_child(p, "48", "便利な電子市役所の構築<電子市役所>").unwrap();
    tree.add_child(m, "IV-7-48-(4)", "セキュリティ対策").unwrap();
    tree.add_child(m, "IV-7-48-(5)", "職員の知識・能力の向上").unwrap();
    let plan = tx.save_plan("222062", &tree).await.unwrap();
    let n4 = tx.node_id("222062", "basic", "IV-7-48-(4)").await.unwrap();
    let n5 = tx.node_id("222062", "basic", "IV-7-48-(5)").await.unwrap();
    let item = tx
        .upsert_item(
            "222062",
            &NewItem {
                key: "sec".into(),
                kind: "project".into(),
                code: "1".into(),
                title: "セキュリティ対策事業".into(),
            },
        )
        .await
        .unwrap();
    tx.place_item(item, n4, false).await.unwrap();
    tx.place_item(item, n5, true).await.unwrap();
    let indicator = tx
        .upsert_indicator(
            "222062",
            &NewIndicator {
                key: "sns".into(),
                name: "三島市地域SNS利用者数".into(),
                kind: IndicatorKind::Outcome,
                definition: Some("三島市地域SNSに利用者登録をしている人数".into()),
                unit: Some("人".into()),
                direction: Direction::HigherIsBetter,
                vocabulary: Some("progress".into()),
                item_id: Some(item),
                node_id: Some(n4),
                related_node_id: None,
            },
        )
        .await
        .unwrap();
    let fy = FiscalYear::new(2016).unwrap();
    let (t, a) = (IndicatorCell::parse("1,285人"), IndicatorCell::parse("1,279人"));
    tx.set_indicator_value(indicator, fy, ValueRole::Target, &t).await.unwrap();
    tx.set_indicator_value(indicator, fy, ValueRole::Actual, &a).await.unwrap();
    let v = JudgementVocabulary::progress();
    tx.set_judgement(
        indicator,
        fy,
        &Judgement::compute(Some("順調"), &v, &judge(Direction::HigherIsBetter, &t, &a, None)),
    )
    .await
    .unwrap();
    let other_item = tx
        .upsert_item(
            "132047",
            &NewItem {
                key: "k1".into(),
                kind: "project".into(),
                code: "企-1".into(),
                title: "<script>alert('x')</script>改定".into(),
            },
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    support::account(store, "mishima", Role::Viewer, Some("222062"), None).await;
    support::account(store, "mitaka", Role::Viewer, Some("132047"), None).await;
    Ids { plan, node: n5, item, indicator, other_item }
}

#[tokio::test]
async fn browse_from_city_to_indicator() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let ids = seed(&store).await;
    let server = support::spawn(store).await;
    let mut app = server.signed_in("mishima").await;

    let home = app.get("/").await;
    assert_eq!(home.status, 303);
    assert_eq!(home.location(), Some("/m/222062"));
    let city = app.get("/m/222062").await;
    assert_eq!(city.status, 200);
    assert!(city.body.contains("三島市") && !city.body.contains("三鷹市"), "only the person's own city");

    let plan = app.get(&format!("/m/222062/plans/{}", ids.plan)).await;
    assert_eq!(plan.status, 200);
    let pos = |s: &str| plan.body.find(s).unwrap_or_else(|| panic!("{s} missing"));
    assert!(pos(">IV<") < pos(">48<") && pos(">48<") < pos("IV-7-48-(4)") && pos("IV-7-48-(4)") < pos("IV-7-48-(5)"));
    // The printed `<電子市役所>` is text, not markup.
    assert!(plan.body.contains("便利な電子市役所の構築&lt;電子市役所&gt;"));

    let node = app.get(&format!("/m/222062/nodes/{}", ids.node)).await;
    assert_eq!(node.status, 200);
    assert!(node.body.contains("セキュリティ対策事業") && node.body.contains("再掲"));

    let item = app.get(&format!("/m/222062/items/{}", ids.item)).await;
    assert_eq!(item.status, 200);
    assert!(item.body.contains("三島市地域SNS利用者数"));

    let ind = app.get(&format!("/m/222062/indicators/{}", ids.indicator)).await;
    assert_eq!(ind.status, 200);
    assert!(ind.body.contains("1,285人") && ind.body.contains("1,279人"), "printed cells shown as printed");
    assert!(ind.body.contains("平成28年度"));
    assert!(ind.body.contains("計算と不一致"), "the printed 順調 against computed 遅れ is flagged");
}

#[tokio::test]
async fn one_city_never_shows_another_citys_data() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let ids = seed(&store).await;
    let server = support::spawn(store).await;
    let mut app = server.signed_in("mishima").await;
    for path in [
        "/m/132047".to_string(),
        format!("/m/132047/items/{}", ids.other_item),
        format!("/m/132047/items/{}", ids.item),
        format!("/m/132047/indicators/{}", ids.indicator),
        format!("/m/132047/plans/{}", ids.plan),
        format!("/m/132047/nodes/{}", ids.node),
        format!("/m/222062/items/{}", ids.other_item),
        "/m/999999".to_string(),
        "/m/222062/items/999999".to_string(),
    ] {
        let r = app.get(&path).await;
        assert_eq!(r.status, 404, "{path}");
        assert!(r.body.contains("見つかりません"), "{path}");
        assert!(!r.body.contains("セキュリティ対策事業"), "{path} leaks another city's item");
    }
}

#[tokio::test]
async fn user_text_renders_inert() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let ids = seed(&store).await;
    let server = support::spawn(store).await;
    let mut app = server.signed_in("mitaka").await;
    for path in ["/m/132047".to_string(), format!("/m/132047/items/{}", ids.other_item)] {
        let r = app.get(&path).await;
        assert_eq!(r.status, 200, "{path}");
        assert!(!r.body.contains("<script>"), "{path}");
        assert!(
            r.body.contains("&lt;script&gt;alert('x')&lt;/script&gt;改定"),
            "{path}: stored faithfully, shown escaped"
        );
    }
}

#[tokio::test]
async fn every_response_carries_security_headers() {
    let db = TestDb::new().await;
    let app = support::spawn(db.store().await).await;
    for path in ["/", "/login", "/no/such/page", "/static/hyoka.css", "/healthz"] {
        let r = app.get(path).await;
        let h = |k: &str| r.headers.get(k).cloned().unwrap_or_default();
        assert!(h("content-security-policy").contains("default-src 'self'"), "{path}");
        assert!(!h("content-security-policy").contains("unsafe-inline"), "{path}");
        assert_eq!(h("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(h("x-frame-options"), "DENY", "{path}");
    }
    let missing = app.get("/no/such/page").await;
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("ページが見つかりません"));
    // Signed out, the front page leads to the public portal.
    assert_eq!(app.get("/").await.location(), Some("/p"));
}
