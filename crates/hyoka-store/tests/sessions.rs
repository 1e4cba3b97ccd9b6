//! Sessions: expired ones are purged in one statement through the
//! expiry index, live ones stay.

use hyoka_store::testing::{query_plan, TestDb};
use hyoka_store::{now, Municipality, NewAccount};

#[tokio::test]
async fn expired_sessions_are_purged_and_live_ones_kept() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let mut tx = store.begin().await.unwrap();
    tx.upsert_municipality(&Municipality { code: "132047".into(), name: "三鷹市".into() }).await.unwrap();
    let account = tx
        .create_account(&NewAccount {
            municipality: Some("132047".into()),
            login: "viewer".into(),
            display_name: "閲覧者".into(),
            password_hash: "$argon2id$x".into(),
            role: hyoka_core::access::Role::Viewer,
            section_id: None,
        })
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let at = |seconds: i64| now().plus_seconds(seconds).iso();
    for (i, offset) in [-86_400, -60, -1, 60, 3_600].iter().enumerate() {
        let who = if i % 2 == 0 { Some(account) } else { None };
        store.create_session(&format!("t{i}"), who, "csrf", &at(-3600), &at(*offset)).await.unwrap();
    }
    assert_eq!(store.session_count().await.unwrap(), 5);
    assert_eq!(store.delete_expired_sessions(&now().iso()).await.unwrap(), 3);
    assert_eq!(store.session_count().await.unwrap(), 2);
    assert!(store.session("t2").await.unwrap().is_none());
    assert!(store.session("t3").await.unwrap().is_some() && store.session("t4").await.unwrap().is_some());
    assert_eq!(store.delete_expired_sessions(&now().iso()).await.unwrap(), 0, "purging again finds nothing");
}

#[tokio::test]
async fn the_purge_reads_the_expiry_index() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let plan = query_plan(&store, "DELETE FROM sessions WHERE expires_at < $1", &["2026-01-01T00:00:00Z"]).await;
    assert!(plan.contains("sessions_expiry"), "{plan}");
}
