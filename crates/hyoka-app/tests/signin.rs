//! Signing in: an unknown login costs a password hash check like a known
//! one (observed through a counter, not by timing), and failures from one
//! address across many logins lock that address with a Japanese message.
//! On the backend of HYOKA_TEST_BACKEND.

use hyoka_app::accounts::CreateAccount;
use hyoka_app::signin::{
    dummy_checks_on_this_thread, sign_in, SignInError, ADDRESS_FREE_FAILURES, LOGIN_FREE_FAILURES,
};
use hyoka_app::{Actor, App};
use hyoka_core::access::Role;
use hyoka_core::time::Timestamp;
use hyoka_store::testing::TestDb;
use hyoka_store::Store;

const PASSWORD: &str = "correct-horse-battery";

async fn with_account(login: &str) -> (TestDb, Store) {
    let db = TestDb::new().await;
    let store = db.store().await;
    let command = CreateAccount {
        municipality: None,
        login: login.into(),
        display_name: "管理者".into(),
        role: Role::SystemAdmin,
        section_id: None,
        password: Some(PASSWORD.into()),
    };
    App::new(store.clone()).run(&Actor::Operator { name: "テスト".into() }, command).await.unwrap();
    (db, store)
}

fn now() -> Timestamp {
    Timestamp::parse_iso("2026-01-05T09:00:00Z").unwrap()
}

#[tokio::test]
async fn an_unknown_login_runs_the_password_hash_on_a_dummy() {
    let (_db, store) = with_account("root").await;
    let before = dummy_checks_on_this_thread();
    let e = sign_in(&store, now(), "nobody", "whatever-password", "192.0.2.1").await.unwrap_err();
    assert!(matches!(e, SignInError::Wrong), "{e}");
    assert_eq!(dummy_checks_on_this_thread(), before + 1, "an unknown login is checked against the dummy hash");

    // A known login with a wrong password is checked against its own hash.
    let e = sign_in(&store, now(), "root", "wrong-password-1", "192.0.2.1").await.unwrap_err();
    assert_eq!(e.to_string(), "ログイン名またはパスワードが違います。", "the same answer");
    assert_eq!(dummy_checks_on_this_thread(), before + 1);
    sign_in(&store, now(), "root", PASSWORD, "192.0.2.1").await.unwrap();
    assert_eq!(dummy_checks_on_this_thread(), before + 1);
}

#[tokio::test]
async fn failures_from_one_address_across_logins_lock_the_address() {
    let (_db, store) = with_account("root").await;
    let address = "198.51.100.7";
    const { assert!(ADDRESS_FREE_FAILURES > LOGIN_FREE_FAILURES) };
    // Each login fails once, below its own threshold; the address counts all.
    for i in 0..ADDRESS_FREE_FAILURES - 1 {
        let e = sign_in(&store, now(), &format!("guess{i}"), "wrong-password", address).await.unwrap_err();
        assert!(matches!(e, SignInError::Wrong), "failure {i}: {e}");
    }
    // The right password still works before the threshold.
    sign_in(&store, now(), "root", PASSWORD, address).await.unwrap();
    let e = sign_in(&store, now(), "guess-last", "wrong-password", address).await.unwrap_err();
    assert!(matches!(e, SignInError::Wrong), "the {ADDRESS_FREE_FAILURES}th failure answers as usual: {e}");

    // Locked now: even the right password of a login that never failed.
    let before = dummy_checks_on_this_thread();
    let e = sign_in(&store, now().plus_seconds(1), "root", PASSWORD, address).await.unwrap_err();
    assert!(matches!(e, SignInError::Locked { minutes: 1 }), "{e:?}");
    assert_eq!(
        e.to_string(),
        "ログインの失敗が続いたため、しばらくログインできません。1分後にもう一度お試しください。"
    );
    assert_eq!(dummy_checks_on_this_thread(), before + 1, "a locked answer costs a hash check too");
    // Another address is free; the lock ends after a minute.
    sign_in(&store, now().plus_seconds(1), "root", PASSWORD, "198.51.100.8").await.unwrap();
    sign_in(&store, now().plus_seconds(61), "root", PASSWORD, address).await.unwrap();
}
