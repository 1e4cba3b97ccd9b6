//! The server's cache of public answers (`hyoka_web::http::cache`): a
//! published year's pages and API answers are rendered once, then served
//! with one statement (the publication version); 304 for a matching ETag;
//! nothing stale after a change, a withdrawal or a re-publication; drafts
//! and signed-in requests never kept.

use crate::support;

use hyoka_app::plans::EditPlan;
use hyoka_app::year::{PublishYear, UnlockYear, WithdrawYear};
use hyoka_app::{Actor, App};
use hyoka_core::access::Role;
use hyoka_store::testing::{synthetic_city, SyntheticCity, TestDb};
use hyoka_web::{AppState, STATEMENTS_HEADER};
use support::Response;

const CITY: &str = "990001";

fn statements(r: &Response) -> u64 {
    r.header(STATEMENTS_HEADER).and_then(|v| v.parse().ok()).expect("the statement count of the answer")
}

fn operator() -> Actor {
    Actor::Operator { name: "テスト".into() }
}

async fn setup() -> (TestDb, SyntheticCity, AppState, support::TestServer) {
    let db = TestDb::new().await;
    let store = db.store().await;
    let city = synthetic_city(&store, CITY, "合成市", 5).await;
    let state = AppState::new(store);
    let server = support::spawn_state(state.clone()).await;
    (db, city, state, server)
}

#[tokio::test]
async fn a_published_page_is_rendered_once_then_served_from_the_cache() {
    let (_db, city, state, server) = setup().await;
    let fy = city.published.year();
    let item = city.item_ids[0];
    let paths = [
        format!("/p/{CITY}/{fy}"),
        format!("/p/{CITY}/{fy}/items"),
        format!("/p/{CITY}/{fy}/items/{item}"),
        format!("/p/{CITY}/{fy}/indicators"),
        "/p".to_string(),
        format!("/api/v1/municipalities/{CITY}/years/{fy}"),
        format!("/api/v1/municipalities/{CITY}/years/{fy}/indicators?limit=3"),
        "/api/v1/municipalities".to_string(),
    ];
    for path in &paths {
        let before = state.cache.stats();
        let first = server.get(path).await;
        assert_eq!(first.status, 200, "{path}: {}", first.body);
        let etag = first.header("etag").unwrap_or_else(|| panic!("{path} has an ETag")).to_string();
        assert!(etag.starts_with('"'), "{path}: a strong ETag, not {etag}");
        assert_eq!(first.header("cache-control"), Some("public, max-age=300"), "{path}");
        assert!(statements(&first) > 1, "{path}: the first request renders the page");

        let second = server.get(path).await;
        assert_eq!(second.status, 200, "{path}");
        assert_eq!(second.bytes, first.bytes, "{path}: the same bytes");
        assert_eq!(second.header("etag"), Some(etag.as_str()), "{path}");
        assert_eq!(second.header("content-type"), first.header("content-type"), "{path}");
        assert!(second.header("content-security-policy").is_some(), "{path}: security headers on a cached answer");
        assert_eq!(statements(&second), 1, "{path}: a hit reads only the publication version");
        let after = state.cache.stats();
        assert_eq!((after.hits - before.hits, after.misses - before.misses), (1, 1), "{path}");

        // A client that has the bytes gets 304 without them.
        let mut c = server.client();
        let not_modified = c.send("GET", path, None, &[("if-none-match", &etag)]).await;
        assert_eq!(not_modified.status, 304, "{path}");
        assert!(not_modified.bytes.is_empty(), "{path}");
        assert_eq!(not_modified.header("etag"), Some(etag.as_str()), "{path}");
        let other = c.send("GET", path, None, &[("if-none-match", "\"something-else\"")]).await;
        assert_eq!((other.status, other.bytes.as_slice()), (200, first.bytes.as_slice()), "{path}");
    }
    assert_eq!(state.cache.stats().entries, paths.len());
}

#[tokio::test]
async fn a_change_a_withdrawal_and_a_republication_are_never_served_stale() {
    let (db, city, state, server) = setup().await;
    let store = db.store().await;
    let app = App::new(store.clone());
    let fy = city.published.year();
    let page = format!("/p/{CITY}/{fy}");
    let api = format!("/api/v1/municipalities/{CITY}");
    let first = server.get(&page).await;
    assert!(first.body.contains("合成市総合計画"), "{}", first.body);
    assert_eq!(server.get(&page).await.bytes, first.bytes);
    assert_eq!(server.get(&api).await.status, 200);

    // An edit of the plan (structure, public while any year is) shows at once.
    let plan = store.plans(CITY).await.unwrap().remove(0);
    let edit = |name: &str| EditPlan {
        municipality: CITY.into(),
        plan_id: plan.id,
        code: plan.code.clone(),
        name: name.into(),
        level_names: plan.level_names.clone(),
    };
    app.run(&operator(), edit("改めた総合計画")).await.unwrap();
    let edited = server.get(&page).await;
    assert!(edited.body.contains("改めた総合計画") && !edited.body.contains("合成市総合計画"), "{}", edited.body);
    assert_ne!(edited.header("etag"), first.header("etag"));

    // Withdrawn: gone from the portal and the API, whatever was cached.
    let withdraw = || WithdrawYear { municipality: CITY.into(), fiscal_year: city.published };
    app.run(&operator(), withdraw()).await.unwrap();
    assert_eq!(server.get(&page).await.status, 404);
    assert_eq!(server.get(&api).await.status, 404);
    assert_eq!(server.get("/p").await.status, 200);
    assert!(!server.get("/p").await.body.contains("合成市"), "the portal's top no longer lists the city");

    // Unlocked, changed, locked and published again: the new content.
    app.run(&operator(), UnlockYear { municipality: CITY.into(), fiscal_year: city.published, reason: "訂正".into() })
        .await
        .unwrap();
    app.run(&operator(), edit("再公開の総合計画")).await.unwrap();
    app.run(&operator(), hyoka_app::year::LockYear { municipality: CITY.into(), fiscal_year: city.published })
        .await
        .unwrap();
    app.run(&operator(), PublishYear { municipality: CITY.into(), fiscal_year: city.published }).await.unwrap();
    let republished = server.get(&page).await;
    assert_eq!(republished.status, 200);
    assert!(republished.body.contains("再公開の総合計画"), "{}", republished.body);
    for old in [&first, &edited] {
        assert_ne!(republished.header("etag"), old.header("etag"));
    }
    assert_eq!(server.get(&api).await.status, 200);
    drop(state);
}

#[tokio::test]
async fn drafts_errors_and_signed_in_requests_are_never_kept() {
    let (db, city, state, server) = setup().await;
    let store = db.store().await;
    let draft = city.draft.year();
    for path in [
        format!("/p/{CITY}/{draft}"),
        format!("/p/{CITY}/{draft}/items"),
        format!("/api/v1/municipalities/{CITY}/years/{draft}"),
        format!("/p/{CITY}/{}/items/999999", city.published.year()),
    ] {
        for _ in 0..2 {
            let r = server.get(&path).await;
            assert_eq!(r.status, 404, "{path}");
            assert_ne!(r.header("cache-control"), Some("public, max-age=300"), "{path}");
        }
    }
    // A city with nothing published is not even looked up in the cache.
    assert_eq!(server.get("/p/990002").await.status, 404);
    let stats = state.cache.stats();
    assert_eq!((stats.hits, stats.entries, stats.bytes), (0, 0, 0));

    // Staff signed in see the portal rendered for them, never kept.
    support::account(&store, "cache-admin", Role::Admin, Some(CITY), None).await;
    let mut staff = server.signed_in("cache-admin").await;
    let page = format!("/p/{CITY}/{}", city.published.year());
    for _ in 0..2 {
        let r = staff.get(&page).await;
        assert_eq!(r.status, 200);
        assert!(statements(&r) > 1, "rendered for the signed-in request");
    }
    assert_eq!(state.cache.stats(), stats, "the cache was not even asked");
}
