//! Every command leaves exactly one audit record, in its own transaction,
//! with its field-level changes pointing at it; a refused command leaves
//! none. Runs on the backend HYOKA_TEST_BACKEND names.

use std::collections::BTreeMap;
use std::sync::Arc;

use hyoka_app::accounts::{CreateAccount, ResetPassword, SetRole};
use hyoka_app::city::CreateCity;
use hyoka_app::layout::SetLayout;
use hyoka_app::sheet::{draft, MoveSheet, ReturnSheet, ReviewSheet, SaveSheet, SheetContent, SheetContext, SheetRef};
use hyoka_app::year::{LockYear, OpenYear, PublishYear, SetDeadline, UnlockYear, WithdrawYear};
use hyoka_app::{Actor, App, Command, CommandError};
use hyoka_core::access::{Action, Principal, Role};
use hyoka_core::time::{FixedClock, Timestamp};
use hyoka_core::workflow::Transition;
use hyoka_core::{FiscalYear, JpDate};
use hyoka_store::testing::TestDb;
use hyoka_store::Store;

const MITAKA: &str = "132047";

async fn seeded() -> (TestDb, Store) {
    let db = TestDb::new().await;
    let store = db.store().await;
    let file = "000_1a8dd8067da68eba.txt";
    let text = std::fs::read_to_string(format!("{}/../../demo/seeds/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let (_, batch) = hyoka_import::read_published(file, &text).unwrap();
    hyoka_import::apply(&store, &[(file.to_string(), batch)], false).await.unwrap();
    (db, store)
}

/// Runs a command and checks that it wrote exactly one event, with this
/// code, and that every history row it wrote points at it.
async fn once<C: Command>(app: &App, actor: &Actor, command: C) -> C::Output {
    let store = app.store();
    let before = store.audit_event_count().await.unwrap();
    let out = app.run(actor, command).await.unwrap_or_else(|e| panic!("{}: {e}", C::CODE));
    assert_eq!(store.audit_event_count().await.unwrap(), before + 1, "{} writes one audit event", C::CODE);
    let last = &store.audit_events(None, 1).await.unwrap()[0];
    assert_eq!(last.event.command, C::CODE);
    assert_eq!(last.at, "2019-06-01T00:00:00Z", "stamped by the injected clock");
    assert_eq!(last.event.actor, actor.name());
    assert!(!last.event.summary.is_empty());
    out
}

/// A refused command writes nothing.
async fn refused<C: Command>(app: &App, actor: &Actor, command: C) -> CommandError {
    let before = app.store().audit_event_count().await.unwrap();
    let Err(e) = app.run(actor, command).await else { panic!("{} should be refused", C::CODE) };
    assert_eq!(app.store().audit_event_count().await.unwrap(), before, "{} refused writes nothing", C::CODE);
    e
}

fn person(store_id: i64, role: Role, section: Option<i64>, name: &str) -> Actor {
    Actor::person(
        Principal { account_id: store_id, role, municipality: Some(MITAKA.into()), section_id: section },
        name,
    )
}

#[tokio::test]
async fn every_command_writes_one_audit_record() {
    let (_db, store) = seeded().await;
    let clock = FixedClock(Timestamp::parse_iso("2019-06-01T00:00:00Z").unwrap());
    let app = App::with_clock(store.clone(), Arc::new(clock));
    let operator = Actor::Operator { name: "コマンドライン（test）".into() };
    let fy = FiscalYear::new(2018).unwrap();
    let kikaku = store.section_id(MITAKA, "企画部", "").await.unwrap();

    // Accounts and a city, from the command line.
    let mut ids = BTreeMap::new();
    for (login, role, section) in [
        ("admin", Role::Admin, None),
        ("editor", Role::Editor, Some(kikaku)),
        ("head", Role::Head, Some(kikaku)),
        ("reviewer", Role::Reviewer, None),
    ] {
        let created = once(
            &app,
            &operator,
            CreateAccount {
                municipality: Some(MITAKA.into()),
                login: login.into(),
                display_name: format!("{login} さん"),
                role,
                section_id: section,
                password: None,
            },
        )
        .await;
        assert!(created.generated && created.password.len() == 16);
        ids.insert(login, created.id);
    }
    let admin = person(ids["admin"], Role::Admin, None, "admin さん");
    let editor = person(ids["editor"], Role::Editor, Some(kikaku), "editor さん");
    let head = person(ids["head"], Role::Head, Some(kikaku), "head さん");
    let reviewer = person(ids["reviewer"], Role::Reviewer, None, "reviewer さん");
    let root = CreateAccount {
        municipality: None,
        login: "system".into(),
        display_name: "システム管理者".into(),
        role: Role::SystemAdmin,
        section_id: None,
        password: Some("a long enough password".into()),
    };
    let root = once(&app, &operator, root).await;
    assert!(!root.generated);
    let system = Actor::person(
        Principal { account_id: root.id, role: Role::SystemAdmin, municipality: None, section_id: None },
        "システム管理者",
    );
    once(&app, &system, CreateCity { code: "132080".into(), name: "調布市".into() }).await;

    // A sheet through its cycle.
    let item = store.items(MITAKA).await.unwrap().into_iter().find(|i| i.code == "企-1").unwrap();
    let ctx = SheetContext::load(&store, &editor, MITAKA, item.id, fy, Action::Edit).await.unwrap();
    let content = SheetContent::load(&store, &ctx).await.unwrap();
    let stored = draft::stored(&ctx, &content, &editor);
    let mut form: BTreeMap<String, String> = stored.list.iter().map(|f| (f.name.clone(), f.value.clone())).collect();
    let narrative = stored.list.iter().find(|f| f.key.is_narrative()).unwrap().name.clone();
    form.insert(narrative, "監査のための記述".into());
    let (edited, errors) = draft::from_form(&ctx, &content, &stored, &form);
    assert!(errors.is_empty(), "{errors:?}");
    let save =
        |version, draft| SaveSheet { municipality: MITAKA.into(), item_id: item.id, fiscal_year: fy, version, draft };

    // Someone else's stale version, and a viewer, write nothing.
    assert!(matches!(refused(&app, &editor, save(ctx.version + 5, edited.clone())).await, CommandError::Stale));
    let outsider = person(999, Role::Editor, Some(kikaku + 1000), "他の課");
    assert!(matches!(refused(&app, &outsider, save(ctx.version, edited.clone())).await, CommandError::Forbidden));

    once(&app, &editor, save(ctx.version, edited.clone())).await;
    let events = store.audit_events(Some(MITAKA), 1).await.unwrap();
    assert_eq!(events[0].event.item_id, Some(item.id));
    assert!(events[0].changes >= 2, "the narrative and the status: {:?}", events[0]);
    let history = store.history(item.id).await.unwrap();
    assert!(history.iter().any(|h| h.after.as_deref() == Some("監査のための記述")), "{history:?}");

    // Saving the same again changes nothing and writes nothing.
    let version = store.sheet(item.id, fy).await.unwrap().unwrap().version;
    let before = store.audit_event_count().await.unwrap();
    app.run(&editor, save(version, edited)).await.unwrap();
    assert_eq!(store.audit_event_count().await.unwrap(), before);

    let sheet = |version| SheetRef { municipality: MITAKA.into(), item_id: item.id, fiscal_year: fy, version };
    once(&app, &editor, MoveSheet { sheet: sheet(version), transition: Transition::Submit, grades: Vec::new() }).await;
    once(&app, &head, ReturnSheet { sheet: sheet(version + 1), comment: "数値を確認してください".into() }).await;
    once(&app, &editor, MoveSheet { sheet: sheet(version + 2), transition: Transition::Submit, grades: Vec::new() })
        .await;
    assert!(matches!(
        refused(
            &app,
            &editor,
            MoveSheet { sheet: sheet(version + 3), transition: Transition::Approve, grades: Vec::new() }
        )
        .await,
        CommandError::Forbidden
    ));
    once(&app, &head, MoveSheet { sheet: sheet(version + 3), transition: Transition::Approve, grades: Vec::new() })
        .await;
    once(
        &app,
        &reviewer,
        ReviewSheet {
            sheet: sheet(version + 4),
            stage: "yearend".into(),
            evaluator: "review_board".into(),
            grade: "S".into(),
            comment: "よい取組".into(),
            slots: BTreeMap::new(),
        },
    )
    .await;

    // The year's life.
    let deadline = JpDate::parse("2019-05-31").unwrap();
    once(&app, &admin, SetDeadline { municipality: MITAKA.into(), fiscal_year: fy, deadline: Some(deadline) }).await;
    once(&app, &admin, OpenYear { municipality: MITAKA.into(), fiscal_year: fy.next().unwrap() }).await;
    once(&app, &admin, LockYear { municipality: MITAKA.into(), fiscal_year: fy }).await;
    once(&app, &admin, PublishYear { municipality: MITAKA.into(), fiscal_year: fy }).await;
    let unlock = || UnlockYear { municipality: MITAKA.into(), fiscal_year: fy, reason: "誤記の訂正".into() };
    assert!(matches!(refused(&app, &admin, unlock()).await, CommandError::Conflict(_)), "published: withdraw first");
    once(&app, &admin, WithdrawYear { municipality: MITAKA.into(), fiscal_year: fy }).await;
    let no_reason = UnlockYear { municipality: MITAKA.into(), fiscal_year: fy, reason: "  ".into() };
    assert!(matches!(refused(&app, &admin, no_reason).await, CommandError::Invalid { .. }));
    once(&app, &admin, unlock()).await;
    // Each sheet has the status it had before the lock again.
    let status = store.sheet(item.id, fy).await.unwrap().unwrap().status;
    assert_eq!(status, hyoka_core::workflow::SheetStatus::Reviewed);

    // Layout and accounts, by the city's admin.
    let mut labels = BTreeMap::new();
    labels.insert("budget.rate".to_string(), "予算執行率".to_string());
    once(
        &app,
        &admin,
        SetLayout {
            municipality: MITAKA.into(),
            preset: "mitaka".into(),
            labels,
            scale_names: BTreeMap::new(),
            grade_labels: BTreeMap::new(),
        },
    )
    .await;
    once(&app, &admin, SetRole { login: "reviewer".into(), role: Role::Viewer, section_id: None }).await;
    once(&app, &admin, ResetPassword { login: "editor".into(), password: None }).await;
    // Nobody changes their own account here.
    assert!(matches!(
        refused(&app, &admin, ResetPassword { login: "admin".into(), password: None }).await,
        CommandError::Conflict(_)
    ));
}

#[tokio::test]
async fn an_import_is_one_audited_command_and_never_touches_a_locked_year() {
    use hyoka_app::import::ImportBatches;
    let db = TestDb::new().await;
    let store = db.store().await;
    let clock = FixedClock(Timestamp::parse_iso("2019-06-01T00:00:00Z").unwrap());
    let app = App::with_clock(store.clone(), Arc::new(clock));
    let operator = Actor::Operator { name: "コマンドライン（test）".into() };
    let file = "003_cdfef3ca57f45fe5.txt";
    let text = std::fs::read_to_string(format!("{}/../../demo/seeds/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let batch = || vec![(file.to_string(), hyoka_import::read_published(file, &text).unwrap().1)];

    // A dry run writes nothing, not even an audit record.
    let dry = app.run(&operator, ImportBatches::new(batch(), true)).await.unwrap();
    assert!(dry.dry_run && !dry.is_unchanged());
    assert_eq!(store.audit_event_count().await.unwrap(), 0);
    assert!(store.municipalities().await.unwrap().is_empty());

    let report = once(&app, &operator, ImportBatches::new(batch(), false)).await;
    assert_eq!(report.cities.len(), 1);
    let event = &store.audit_events(Some("132110"), 1).await.unwrap()[0];
    assert_eq!(event.event.summary, format!("取り込み: {file}"));
    assert!(event.changes >= 1);
    // The same again changes nothing and records nothing.
    let before = store.audit_event_count().await.unwrap();
    assert!(app.run(&operator, ImportBatches::new(batch(), false)).await.unwrap().is_unchanged());
    assert_eq!(store.audit_event_count().await.unwrap(), before);

    // Once 平成29年度 is locked, a file that changes it is refused whole.
    once(&app, &operator, LockYear { municipality: "132110".into(), fiscal_year: FiscalYear::new(2017).unwrap() })
        .await;
    let edited = text.replacen("ボランティア", "ボランティア（改）", 1);
    let changed = vec![(file.to_string(), hyoka_import::read_published(file, &edited).unwrap().1)];
    let e = refused(&app, &operator, ImportBatches::new(changed, false)).await;
    assert!(matches!(&e, CommandError::Conflict(m) if m.contains("平成29年度")), "{e}");
}

#[tokio::test]
async fn a_confirmed_import_is_refused_when_the_stored_data_changed_since_its_dry_run() {
    use hyoka_app::import::ImportBatches;
    let db = TestDb::new().await;
    let store = db.store().await;
    let clock = FixedClock(Timestamp::parse_iso("2019-06-01T00:00:00Z").unwrap());
    let app = App::with_clock(store.clone(), Arc::new(clock));
    let operator = Actor::Operator { name: "コマンドライン（test）".into() };
    let file = "004_14ceec0f4c63a17a.txt";
    let text = std::fs::read_to_string(format!("{}/../../demo/seeds/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let read = |t: &str| vec![(file.to_string(), hyoka_import::read_published(file, t).unwrap().1)];
    once(&app, &operator, ImportBatches::new(read(&text), false)).await;

    // A dry run of an edited file, then someone changes the stored data.
    let edited = text.replacen("SNSによる情報発信の充実", "SNSによる情報発信の充実（改）", 1);
    let dry = app.run(&operator, ImportBatches::new(read(&edited), true)).await.unwrap();
    assert_eq!(dry.basis.len(), 64);
    let again = app.run(&operator, ImportBatches::new(read(&edited), true)).await.unwrap();
    assert_eq!((again.basis.as_str(), &again.cities), (dry.basis.as_str(), &dry.cities), "a dry run is repeatable");
    let other = text.replacen("更なる浸透", "更なる浸透（改）", 1);
    let meanwhile = app.run(&operator, ImportBatches::new(read(&other), false)).await.unwrap();
    let events = store.audit_event_count().await.unwrap();

    let confirm =
        |batches| ImportBatches { batches, dry_run: false, expect_basis: Some(dry.basis.clone()), vocabulary: None };
    assert!(!meanwhile.is_unchanged());
    let e = refused(&app, &operator, confirm(read(&edited))).await;
    assert!(matches!(&e, CommandError::Conflict(m) if m == hyoka_app::import::CHANGED_SINCE_CHECK), "{e}");
    assert_eq!(store.audit_event_count().await.unwrap(), events, "nothing written");
    // Checked again on the data as it now is, the same file is confirmed.
    let fresh = app.run(&operator, ImportBatches::new(read(&edited), true)).await.unwrap();
    let done = app
        .run(
            &operator,
            ImportBatches { batches: read(&edited), dry_run: false, expect_basis: Some(fresh.basis), vocabulary: None },
        )
        .await
        .unwrap();
    assert_eq!(done.cities, fresh.cities);
    assert_eq!(store.audit_event_count().await.unwrap(), events + 1);
}
