//! The checks' commands on the imported seed 000 (三鷹市 個別事業評価表):
//! acknowledging and reopening each leave one audit record on the sheet's
//! history; a blank reason, an unknown flag, a viewer, another section's
//! editor and another city are refused and write nothing; the sheet's own
//! editor may. Runs on the backend HYOKA_TEST_BACKEND names.

use hyoka_app::accounts::CreateAccount;
use hyoka_app::check::{check_year, AckState, AcknowledgeFlag, ReopenFlag};
use hyoka_app::{Actor, App, Command, CommandError};
use hyoka_core::access::{Principal, Role};
use hyoka_core::FiscalYear;
use hyoka_store::testing::TestDb;
use hyoka_store::Store;

const MITAKA: &str = "132047";

async fn seeded() -> (TestDb, Store) {
    let db = TestDb::new().await;
    let store = db.store().await;
    let file = "000_1a8dd8067da68eba.txt";
    let text = std::fs::read_to_string(format!("{}/../../demo/seeds/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let (_, batch) = hyoka_import::read_published(file, &text).unwrap();
    let import = hyoka_app::import::ImportBatches::new(vec![(file.to_string(), batch)], false);
    App::new(store.clone()).run(&Actor::Operator { name: "準備".into() }, import).await.unwrap();
    (db, store)
}

fn fy() -> FiscalYear {
    FiscalYear::new(2018).unwrap()
}

async fn account(app: &App, login: &str, role: Role, city: &str, section: Option<i64>) -> Actor {
    let operator = Actor::Operator { name: "準備".into() };
    let command = CreateAccount {
        municipality: Some(city.into()),
        login: login.into(),
        display_name: format!("{login} さん"),
        role,
        section_id: section,
        password: Some("test-password-0123".into()),
    };
    let id = app.run(&operator, command).await.unwrap().id;
    let principal = Principal { account_id: id, role, municipality: Some(city.into()), section_id: section };
    Actor::person(principal, format!("{login} さん"))
}

async fn refused<C: Command>(app: &App, actor: &Actor, command: C) -> CommandError {
    let before = app.store().audit_event_count().await.unwrap();
    let Err(e) = app.run(actor, command).await else { panic!("{} should be refused", C::CODE) };
    assert_eq!(app.store().audit_event_count().await.unwrap(), before, "refused writes nothing");
    e
}

fn ack(flag: &str, reason: &str) -> AcknowledgeFlag {
    AcknowledgeFlag {
        municipality: MITAKA.into(),
        fiscal_year: fy(),
        flag: flag.into(),
        state: AckState::Acknowledged,
        reason: reason.into(),
    }
}

#[tokio::test]
async fn acknowledging_and_reopening_are_audited_and_guarded() {
    let (_db, store) = seeded().await;
    let app = App::new(store.clone());
    let check = check_year(&store, MITAKA, fy()).await.unwrap();
    let flag = check.flags.iter().find(|f| f.flag.rule == "execution_rate").expect("企-2's printed 0.0%");
    let (id, item) = (flag.id[..12].to_string(), flag.item_id.expect("a sheet"));

    let kikaku = store.section_id(MITAKA, "企画部", "").await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let other = tx.upsert_section(MITAKA, "総務部", "総務課", Default::default()).await.unwrap();
    tx.upsert_municipality(&hyoka_store::Municipality { code: "222062".into(), name: "三島市".into() }).await.unwrap();
    tx.commit().await.unwrap();
    let editor = account(&app, "editor", Role::Editor, MITAKA, Some(kikaku)).await;
    let stranger = account(&app, "stranger", Role::Editor, MITAKA, Some(other)).await;
    let viewer = account(&app, "viewer", Role::Viewer, MITAKA, None).await;
    let mishima = account(&app, "mishima", Role::Admin, "222062", None).await;

    let e = refused(&app, &editor, ack(&id, " \n ")).await;
    assert!(matches!(&e, CommandError::Invalid { field: Some(f), .. } if f == "reason"), "{e}");
    assert!(e.to_string().contains("理由を入力してください"));
    assert!(matches!(refused(&app, &editor, ack("0000000000", "理由")).await, CommandError::NotFound(_)));
    assert!(matches!(refused(&app, &viewer, ack(&id, "理由")).await, CommandError::Forbidden));
    assert!(matches!(refused(&app, &stranger, ack(&id, "理由")).await, CommandError::Forbidden));
    assert!(matches!(refused(&app, &mishima, ack(&id, "理由")).await, CommandError::NotFound(_)));

    let entry = app.run(&editor, ack(&id, "予算0円の事業")).await.unwrap();
    assert_eq!(entry.acknowledgement.as_ref().map(|a| a.reason.as_str()), Some("予算0円の事業"));
    let event = &store.audit_events(Some(MITAKA), 1).await.unwrap()[0];
    assert_eq!(event.event.command, "check.acknowledge");
    assert_eq!(event.event.item_id, Some(item));
    let history = store.history(item).await.unwrap();
    let row = history.iter().find(|h| h.field.starts_with("整合性チェック 執行率の計算違い")).expect("in the history");
    assert_eq!(row.before.as_deref(), Some("未確認"));
    assert_eq!(row.after.as_deref(), Some("確認済み（理由: 予算0円の事業）"));

    // The same word again changes nothing and writes nothing.
    let before = store.audit_event_count().await.unwrap();
    app.run(&editor, ack(&id, "予算0円の事業")).await.unwrap();
    assert_eq!(store.audit_event_count().await.unwrap(), before);
    assert_eq!(check_year(&store, MITAKA, fy()).await.unwrap().acknowledged().count(), 1);

    let reopen = || ReopenFlag { municipality: MITAKA.into(), fiscal_year: fy(), flag: id.clone() };
    assert!(matches!(refused(&app, &stranger, reopen()).await, CommandError::Forbidden));
    app.run(&editor, reopen()).await.unwrap();
    assert_eq!(store.audit_events(Some(MITAKA), 1).await.unwrap()[0].event.command, "check.reopen");
    assert!(matches!(refused(&app, &editor, reopen()).await, CommandError::Conflict(_)));
    assert_eq!(check_year(&store, MITAKA, fy()).await.unwrap().acknowledged().count(), 0);
}
