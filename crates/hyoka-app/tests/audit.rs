//! Every command leaves exactly one audit record, in its own transaction,
//! with its field-level changes pointing at it; a refused command leaves
//! none. One test runs every command of `hyoka_app::ALL_CODES` and fails
//! on a command it did not run. Runs on the backend HYOKA_TEST_BACKEND
//! names.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use hyoka_app::accounts::{CreateAccount, ResetPassword, SetRole};
use hyoka_app::check::{check_year, AckState, AcknowledgeFlag, ReopenFlag};
use hyoka_app::city::{CreateCity, SetCityVocabulary};
use hyoka_app::import::{ImportBatches, MappingToKeep};
use hyoka_app::indicators::{CreateIndicator, EditIndicator, IndicatorInput, IndicatorOwner, RemoveIndicator};
use hyoka_app::items::{CreateItem, EditItem, ItemInput, PlaceItem, RemoveItem, SetItemSections, UnplaceItem};
use hyoka_app::layout::{DefineSheetKind, DisableSheetKind, SetLayout};
use hyoka_app::org::{
    CreateDepartment, CreateSection, EndDepartment, EndSection, MergeDepartment, MergeSection, RenameDepartment,
    RenameSection, SetSectionYear,
};
use hyoka_app::plans::{AddNode, CreatePlan, EditNode, EditPlan, MoveNode, RemoveNode, ShiftNode};
use hyoka_app::sheet::{draft, MoveSheet, ReturnSheet, ReviewSheet, SaveSheet, SheetContent, SheetContext, SheetRef};
use hyoka_app::year::{LockYear, OpenYear, PublishYear, SetDeadline, UnlockYear, WithdrawYear};
use hyoka_app::{Actor, App, Command, CommandError, ALL_CODES};
use hyoka_core::access::{Action, Principal, Role};
use hyoka_core::sheet::draft::read_form;
use hyoka_core::time::{FixedClock, Timestamp};
use hyoka_core::workflow::Transition;
use hyoka_core::{FiscalYear, JpDate};
use hyoka_store::testing::TestDb;
use hyoka_store::Store;

const MITAKA: &str = "132047";
const CHOFU: &str = "132080";
const NOW: &str = "2019-06-01T00:00:00Z";

fn seed(file: &str) -> String {
    std::fs::read_to_string(format!("{}/../../demo/seeds/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn app(store: &Store) -> App {
    App::with_clock(store.clone(), Arc::new(FixedClock(Timestamp::parse_iso(NOW).unwrap())))
}

/// Runs commands and proves each one's audit record: exactly one more
/// `audit_events` row, with the command's code, the actor, the injected
/// clock's instant, a summary of its own (not just the code), and the
/// field-level before/after rows that point at it (an account's creation
/// has only its summary: no password is ever written to the history). Keeps the codes it has seen.
struct Audited {
    app: App,
    ran: BTreeSet<&'static str>,
}

impl Audited {
    async fn once<C: Command>(&mut self, actor: &Actor, command: C) -> C::Output {
        let store = self.app.store().clone();
        let before = store.audit_event_count().await.unwrap();
        let out = self.app.run(actor, command).await.unwrap_or_else(|e| panic!("{}: {e}", C::CODE));
        assert_eq!(store.audit_event_count().await.unwrap(), before + 1, "{} writes one audit record", C::CODE);
        let last = &store.audit_events(None, 1).await.unwrap()[0];
        assert_eq!(last.event.command, C::CODE);
        assert_eq!(last.at, NOW, "{} is stamped by the injected clock", C::CODE);
        assert_eq!(last.event.actor, actor.name(), "{}", C::CODE);
        assert_eq!(last.event.account_id, actor.account_id(), "{}", C::CODE);
        assert!(!last.event.summary.is_empty() && last.event.summary != C::CODE, "{}: {:?}", C::CODE, last.event);
        let changes = store.event_changes(last.id).await.unwrap();
        assert_eq!(changes.len() as i64, last.changes, "{}", C::CODE);
        assert!(
            changes.iter().all(|c| !c.field.is_empty() && (c.before.is_some() || c.after.is_some())),
            "{}: each change names its field with a before or after: {changes:?}",
            C::CODE
        );
        self.ran.insert(C::CODE);
        out
    }
}

/// One command through [`Audited::once`].
async fn once<C: Command>(app: &App, actor: &Actor, command: C) -> C::Output {
    Audited { app: app.clone(), ran: BTreeSet::new() }.once(actor, command).await
}

/// A refused command writes nothing.
async fn refused<C: Command>(app: &App, actor: &Actor, command: C) -> CommandError {
    let before = app.store().audit_event_count().await.unwrap();
    let Err(e) = app.run(actor, command).await else { panic!("{} should be refused", C::CODE) };
    assert_eq!(app.store().audit_event_count().await.unwrap(), before, "{} refused writes nothing", C::CODE);
    e
}

/// A command that finds nothing to change writes nothing.
async fn unchanged<C: Command>(app: &App, actor: &Actor, command: C) {
    let before = app.store().audit_event_count().await.unwrap();
    app.run(actor, command).await.unwrap_or_else(|e| panic!("{}: {e}", C::CODE));
    assert_eq!(app.store().audit_event_count().await.unwrap(), before, "{} changed nothing", C::CODE);
}

fn person(id: i64, role: Role, city: &str, section: Option<i64>, name: &str) -> Actor {
    Actor::person(Principal { account_id: id, role, municipality: Some(city.into()), section_id: section }, name)
}

fn account(city: &str, login: &str, role: Role, section: Option<i64>) -> CreateAccount {
    CreateAccount {
        municipality: Some(city.into()),
        login: login.into(),
        display_name: format!("{login} さん"),
        role,
        section_id: section,
        password: None,
    }
}

#[tokio::test]
async fn every_command_leaves_exactly_one_audit_record() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let mut audited = Audited { app: app(&store), ran: BTreeSet::new() };
    let app = audited.app.clone();
    let operator = Actor::Operator { name: "コマンドライン（test）".into() };
    let fy = FiscalYear::new(2018).unwrap();

    // 三鷹市's 個別事業評価表, imported from the command line.
    let file = "000_1a8dd8067da68eba.txt";
    let batch = hyoka_import::read_published(file, &seed(file)).unwrap().1;
    audited.once(&operator, ImportBatches::new(vec![(file.to_string(), batch)], false)).await;
    let kikaku = store.section_id(MITAKA, "企画部", "").await.unwrap();

    // Accounts and a city, from the command line.
    let mut ids = BTreeMap::new();
    for (login, role, section) in [
        ("admin", Role::Admin, None),
        ("editor", Role::Editor, Some(kikaku)),
        ("head", Role::Head, Some(kikaku)),
        ("reviewer", Role::Reviewer, None),
    ] {
        let created = audited.once(&operator, account(MITAKA, login, role, section)).await;
        assert!(created.generated && created.password.len() == 16);
        ids.insert(login, created.id);
    }
    let admin = person(ids["admin"], Role::Admin, MITAKA, None, "admin さん");
    let editor = person(ids["editor"], Role::Editor, MITAKA, Some(kikaku), "editor さん");
    let head = person(ids["head"], Role::Head, MITAKA, Some(kikaku), "head さん");
    let reviewer = person(ids["reviewer"], Role::Reviewer, MITAKA, None, "reviewer さん");
    let root = CreateAccount {
        municipality: None,
        login: "system".into(),
        display_name: "システム管理者".into(),
        role: Role::SystemAdmin,
        section_id: None,
        password: Some("a long enough password".into()),
    };
    let root = audited.once(&operator, root).await;
    assert!(!root.generated);
    let system = Actor::person(
        Principal { account_id: root.id, role: Role::SystemAdmin, municipality: None, section_id: None },
        "システム管理者",
    );
    audited.once(&system, CreateCity { code: CHOFU.into(), name: "調布市".into() }).await;

    // A sheet through its cycle.
    let item = store.items(MITAKA).await.unwrap().into_iter().find(|i| i.code == "企-1").unwrap();
    let ctx = SheetContext::load(&store, &editor, MITAKA, item.id, fy, Action::Edit).await.unwrap();
    let content = SheetContent::load(&store, &ctx).await.unwrap();
    let stored = draft::stored(&ctx, &content, &editor);
    let mut form: BTreeMap<String, String> = stored.list.iter().map(|f| (f.name.clone(), f.value.clone())).collect();
    let narrative = stored.list.iter().find(|f| f.key.is_narrative()).unwrap().name.clone();
    form.insert(narrative, "監査のための記述".into());
    let (edited, errors) = read_form(&stored, &form, &draft::rules(&ctx, &content));
    assert!(errors.is_empty(), "{errors:?}");
    let save =
        |version, draft| SaveSheet { municipality: MITAKA.into(), item_id: item.id, fiscal_year: fy, version, draft };

    // Someone else's stale version, and a viewer, write nothing.
    assert!(matches!(refused(&app, &editor, save(ctx.version + 5, edited.clone())).await, CommandError::Stale));
    let outsider = person(999, Role::Editor, MITAKA, Some(kikaku + 1000), "他の課");
    assert!(matches!(refused(&app, &outsider, save(ctx.version, edited.clone())).await, CommandError::Forbidden));

    audited.once(&editor, save(ctx.version, edited.clone())).await;
    let events = store.audit_events(Some(MITAKA), 1).await.unwrap();
    assert_eq!(events[0].event.item_id, Some(item.id));
    assert!(events[0].changes >= 2, "the narrative and the status: {:?}", events[0]);
    let history = store.history(item.id).await.unwrap();
    assert!(history.iter().any(|h| h.after.as_deref() == Some("監査のための記述")), "{history:?}");

    // Saving the same again changes nothing and writes nothing.
    let version = store.sheet(item.id, fy).await.unwrap().unwrap().version;
    unchanged(&app, &editor, save(version, edited)).await;

    let sheet = |version| SheetRef { municipality: MITAKA.into(), item_id: item.id, fiscal_year: fy, version };
    let submit = |version| MoveSheet { sheet: sheet(version), transition: Transition::Submit, grades: Vec::new() };
    audited.once(&editor, submit(version)).await;
    audited.once(&head, ReturnSheet { sheet: sheet(version + 1), comment: "数値を確認してください".into() }).await;
    audited.once(&editor, submit(version + 2)).await;
    let approve = || MoveSheet { sheet: sheet(version + 3), transition: Transition::Approve, grades: Vec::new() };
    assert!(matches!(refused(&app, &editor, approve()).await, CommandError::Forbidden));
    audited.once(&head, approve()).await;
    let review = ReviewSheet {
        sheet: sheet(version + 4),
        stage: "yearend".into(),
        evaluator: "review_board".into(),
        grade: "S".into(),
        comment: "よい取組".into(),
        slots: BTreeMap::new(),
    };
    audited.once(&reviewer, review).await;

    // A flag of the checks acknowledged with a reason, then reopened.
    let check = check_year(&store, MITAKA, fy).await.unwrap();
    let flag = check.flags.iter().find(|f| f.flag.rule == "execution_rate").expect("企-2's printed 0.0%");
    let flag = flag.id[..12].to_string();
    let ack = AcknowledgeFlag {
        municipality: MITAKA.into(),
        fiscal_year: fy,
        flag: flag.clone(),
        state: AckState::Acknowledged,
        reason: "予算0円の事業".into(),
    };
    audited.once(&admin, ack).await;
    let event = &store.audit_events(Some(MITAKA), 1).await.unwrap()[0];
    let changes = store.event_changes(event.id).await.unwrap();
    assert_eq!(changes[0].after.as_deref(), Some("確認済み（理由: 予算0円の事業）"), "{changes:?}");
    audited.once(&admin, ReopenFlag { municipality: MITAKA.into(), fiscal_year: fy, flag }).await;

    // The year's life.
    let deadline = JpDate::parse("2019-05-31").unwrap();
    let deadline = SetDeadline { municipality: MITAKA.into(), fiscal_year: fy, deadline: Some(deadline) };
    audited.once(&admin, deadline).await;
    audited.once(&admin, OpenYear { municipality: MITAKA.into(), fiscal_year: fy.next().unwrap() }).await;
    audited.once(&admin, LockYear { municipality: MITAKA.into(), fiscal_year: fy }).await;
    audited.once(&admin, PublishYear { municipality: MITAKA.into(), fiscal_year: fy }).await;
    let unlock = || UnlockYear { municipality: MITAKA.into(), fiscal_year: fy, reason: "誤記の訂正".into() };
    assert!(matches!(refused(&app, &admin, unlock()).await, CommandError::Conflict(_)), "published: withdraw first");
    audited.once(&admin, WithdrawYear { municipality: MITAKA.into(), fiscal_year: fy }).await;
    let no_reason = UnlockYear { municipality: MITAKA.into(), fiscal_year: fy, reason: "  ".into() };
    assert!(matches!(refused(&app, &admin, no_reason).await, CommandError::Invalid { .. }));
    audited.once(&admin, unlock()).await;
    // Each sheet has the status it had before the lock again.
    let status = store.sheet(item.id, fy).await.unwrap().unwrap().status;
    assert_eq!(status, hyoka_core::workflow::SheetStatus::Reviewed);

    // Layouts: headings renamed, then kinds stopped down to the last one.
    let kinds: Vec<String> = store.sheet_kinds(MITAKA).await.unwrap().into_iter().map(|k| k.preset).collect();
    assert_eq!(kinds, ["mitaka", "mitaka-measure", "mitaka-issue"]);
    let mut labels = BTreeMap::new();
    labels.insert("budget.rate".to_string(), "予算執行率".to_string());
    let layout = SetLayout {
        municipality: MITAKA.into(),
        preset: "mitaka".into(),
        labels,
        scale_names: BTreeMap::new(),
        grade_labels: BTreeMap::new(),
    };
    audited.once(&admin, layout).await;
    let disable = |preset: &str| DisableSheetKind { municipality: MITAKA.into(), preset: preset.into() };
    audited.once(&admin, disable("mitaka-issue")).await;
    audited.once(&admin, disable("mitaka-measure")).await;
    unchanged(&app, &admin, disable("mitaka-measure")).await;
    assert!(matches!(refused(&app, &admin, disable("mitaka")).await, CommandError::Conflict(_)), "the last stays");
    // A kind of the city's own, defined as data; the same text again changes nothing.
    let define = || {
        DefineSheetKind {
        municipality: MITAKA.into(),
        definition: "code = \"mitaka-own\"\nname = \"独自の評価シート\"\nitem_kinds = [\"project\"]\nvocabulary = \"achievement\"\n\n\
                     [[sections]]\nkey = \"content\"\nkind = \"narratives\"\nlabel = \"事業の内容\"\n\n\
                     [[sections.slots]]\ncode = \"overview\"\nlabel = \"事業の目的\"\n"
            .into(),
    }
    };
    audited.once(&admin, define()).await;
    unchanged(&app, &admin, define()).await;

    // The city's own words, and the mapping of its own workbook.
    let vocabulary = || SetCityVocabulary {
        municipality: MITAKA.into(),
        criteria: "目的妥当性: 妥当 / 見直しの余地あり\n有効性\n".into(),
        directions: "２　改革改善 = 維持\n廃止 = なし\n".into(),
    };
    audited.once(&admin, vocabulary()).await;
    unchanged(&app, &admin, vocabulary()).await;
    // The mapping rides with the import it read: one record for both.
    let import = |city: &str| {
        let batch = hyoka_import::read_published(file, &seed(file)).unwrap().1;
        let mut command = ImportBatches::new(vec![(file.to_string(), batch)], false);
        command.save_mapping = Some(MappingToKeep {
            municipality: MITAKA.into(),
            file_name: "三鷹市.toml".into(),
            mapping: MAPPING.replace("{city}", city),
        });
        command
    };
    assert!(matches!(
        refused(&app, &admin, import(CHOFU)).await,
        CommandError::Invalid { field: Some(f), .. } if f == "mapping"
    ));
    audited.once(&admin, import(MITAKA)).await;
    let event = &store.audit_events(Some(MITAKA), 1).await.unwrap()[0];
    assert_eq!(event.event.summary, format!("取り込み: {file}（対応表 三鷹市.toml を保存）"));
    let changes = store.event_changes(event.id).await.unwrap();
    let kept = changes.iter().find(|c| c.field == "取り込みの対応表（三鷹市.toml）").expect("the mapping's change");
    assert_eq!(
        (kept.before.as_deref(), kept.after.as_deref()),
        (None, Some(MAPPING.replace("{city}", MITAKA).as_str()))
    );
    assert_eq!(store.import_mapping(MITAKA).await.unwrap().unwrap().file_name, "三鷹市.toml");
    unchanged(&app, &admin, import(MITAKA)).await;

    // Accounts, by the city's admin; nobody changes their own here.
    audited.once(&admin, SetRole { login: "reviewer".into(), role: Role::Viewer, section_id: None }).await;
    audited.once(&admin, ResetPassword { login: "editor".into(), password: None }).await;
    assert!(matches!(
        refused(&app, &admin, ResetPassword { login: "admin".into(), password: None }).await,
        CommandError::Conflict(_)
    ));

    // 調布市 set up by its admin: the organisation over time.
    let chofu = audited.once(&operator, account(CHOFU, "chofu-admin", Role::Admin, None)).await;
    let chofu = person(chofu.id, Role::Admin, CHOFU, None, "chofu-admin さん");
    let dept =
        |name: &str, from: &str| CreateDepartment { municipality: CHOFU.into(), name: name.into(), from: from.into() };
    let section = |d: i64, name: &str| CreateSection {
        municipality: CHOFU.into(),
        department_id: Some(d),
        name: name.into(),
        from: String::new(),
    };
    let somu = audited.once(&chofu, dept("総務部", "")).await;
    let kikaku = audited.once(&chofu, dept("企画部", "令和7年度")).await;
    let seisaku = audited.once(&chofu, section(kikaku, "政策企画課")).await;
    let gyosei = audited.once(&chofu, section(kikaku, "行政経営課")).await;
    let somuka = audited.once(&chofu, section(somu, "総務課")).await;
    let rename = RenameSection {
        municipality: CHOFU.into(),
        section_id: gyosei,
        name: "行財政改革課".into(),
        from: "2026".into(),
    };
    audited.once(&chofu, rename).await;
    let year = SetSectionYear {
        municipality: CHOFU.into(),
        section_id: seisaku,
        fiscal_year: "令和7年度".into(),
        regular_staff: "12人".into(),
        other_staff: "０．５人".into(),
        extension: "2101".into(),
        head_title: "課長".into(),
        head_name: "調布 一郎".into(),
    };
    audited.once(&chofu, year).await;
    let merge =
        MergeSection { municipality: CHOFU.into(), section_id: gyosei, into_id: Some(seisaku), from: "2027".into() };
    audited.once(&chofu, merge).await;
    audited
        .once(&chofu, EndSection { municipality: CHOFU.into(), section_id: somuka, last_year: "令和8年度".into() })
        .await;
    let end = EndDepartment { municipality: CHOFU.into(), department_id: somu, last_year: "2026".into() };
    audited.once(&chofu, end).await;
    let shimin = audited.once(&chofu, dept("市民部", "")).await;
    audited.once(&chofu, section(shimin, "市民課")).await;
    let rename = RenameDepartment {
        municipality: CHOFU.into(),
        department_id: kikaku,
        name: "行政経営部".into(),
        from: "2027".into(),
    };
    audited.once(&chofu, rename).await;
    let merge = MergeDepartment {
        municipality: CHOFU.into(),
        department_id: shimin,
        into_id: Some(kikaku),
        from: "2028".into(),
    };
    audited.once(&chofu, merge).await;

    // A plan with its nodes.
    let levels = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let plan = CreatePlan {
        municipality: CHOFU.into(),
        code: "basic".into(),
        name: "基本計画".into(),
        level_names: levels(&["基本目標", "施策"]),
    };
    let plan_id = audited.once(&chofu, plan).await;
    let add = |parent_id: Option<i64>, code: &str| AddNode {
        municipality: CHOFU.into(),
        plan_id,
        parent_id,
        code: code.into(),
        title: format!("施策{code}"),
        tags: String::new(),
    };
    let g1 = audited.once(&chofu, add(None, "1")).await;
    let g2 = audited.once(&chofu, add(None, "2")).await;
    let p11 = audited.once(&chofu, add(Some(g1), "1-1")).await;
    let p12 = audited.once(&chofu, add(Some(g1), "1-2")).await;
    audited.once(&chofu, ShiftNode { municipality: CHOFU.into(), node_id: p12, up: true }).await;
    audited.once(&chofu, MoveNode { municipality: CHOFU.into(), node_id: p12, parent_id: Some(g2) }).await;
    let edit = EditPlan {
        municipality: CHOFU.into(),
        plan_id,
        code: "basic".into(),
        name: "基本計画".into(),
        level_names: levels(&["基本目標", "施策", "施策の方向"]),
    };
    audited.once(&chofu, edit).await;
    let edit = EditNode {
        municipality: CHOFU.into(),
        node_id: p11,
        code: "1-1".into(),
        title: "防災の推進".into(),
        tags: "重点".into(),
    };
    audited.once(&chofu, edit).await;

    // Items placed under the plan, with sections and indicators.
    let project = |code: &str, title: &str| ItemInput {
        kind: "project".into(),
        code: code.into(),
        title: title.into(),
        fiscal_year: "令和7年度".into(),
        tags: String::new(),
    };
    let create = |code: &str, title: &str| CreateItem {
        municipality: CHOFU.into(),
        key: String::new(),
        input: project(code, title),
    };
    let kept = audited.once(&chofu, create("No.1", "行政評価")).await;
    let gone = audited.once(&chofu, create("No.2", "地域防災")).await;
    let edit = EditItem { municipality: CHOFU.into(), item_id: kept, input: project("No.1", "行政評価の推進") };
    audited.once(&chofu, edit).await;
    let place = PlaceItem { municipality: CHOFU.into(), item_id: gone, node_id: Some(p12), relisting: false };
    audited.once(&chofu, place).await;
    audited.once(&chofu, UnplaceItem { municipality: CHOFU.into(), item_id: gone, node_id: Some(p12) }).await;
    audited.once(&chofu, RemoveNode { municipality: CHOFU.into(), node_id: p12 }).await;
    let sections = SetItemSections { municipality: CHOFU.into(), item_id: kept, section_ids: vec![seisaku] };
    audited.once(&chofu, sections).await;
    let indicator = |name: &str, target: &str| IndicatorInput {
        kind: "outcome".into(),
        name: name.into(),
        definition: "受診者数 ÷ 対象者数".into(),
        unit: "%".into(),
        direction: "higher".into(),
        vocabulary: "achievement".into(),
        baseline_year: "2024".into(),
        baseline: "45.2%".into(),
        target_year: "令和11年度".into(),
        target: target.into(),
    };
    let owner = IndicatorOwner::Item(kept);
    let create = CreateIndicator { municipality: CHOFU.into(), owner, input: indicator("受診率", "60%以上") };
    let ind = audited.once(&chofu, create).await;
    let edit = EditIndicator { municipality: CHOFU.into(), indicator_id: ind, input: indicator("受診率", "65%") };
    audited.once(&chofu, edit).await;
    audited.once(&chofu, RemoveIndicator { municipality: CHOFU.into(), indicator_id: ind }).await;
    audited.once(&chofu, RemoveItem { municipality: CHOFU.into(), item_id: gone }).await;

    // Every command ran; a new one must be added above.
    let all: BTreeSet<&str> = ALL_CODES.iter().copied().collect();
    let missing: Vec<_> = all.difference(&audited.ran).collect();
    assert!(missing.is_empty(), "commands not run by this test: {missing:?}");
    assert_eq!(audited.ran.len(), ALL_CODES.len());
}

/// A mapping of a city's own workbook (docs/mapping.md), for `{city}`.
const MAPPING: &str = r#"
[city]
code = "{city}"

[sheet]
header_find = ["事業コード"]

[year]
fixed = "令和元年度"

[item]
code = "事業コード"
title = "事業名"
"#;

#[tokio::test]
async fn an_import_is_one_audited_command_and_never_touches_a_locked_year() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let app = app(&store);
    let operator = Actor::Operator { name: "コマンドライン（test）".into() };
    let file = "003_cdfef3ca57f45fe5.txt";
    let text = seed(file);
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
    let db = TestDb::new().await;
    let store = db.store().await;
    let app = app(&store);
    let operator = Actor::Operator { name: "コマンドライン（test）".into() };
    let file = "004_14ceec0f4c63a17a.txt";
    let text = seed(file);
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
        |batches| ImportBatches { expect_basis: Some(dry.basis.clone()), ..ImportBatches::new(batches, false) };
    assert!(!meanwhile.is_unchanged());
    let e = refused(&app, &operator, confirm(read(&edited))).await;
    assert!(matches!(&e, CommandError::Conflict(m) if m == hyoka_app::import::CHANGED_SINCE_CHECK), "{e}");
    assert_eq!(store.audit_event_count().await.unwrap(), events, "nothing written");
    // Checked again on the data as it now is, the same file is confirmed.
    let fresh = app.run(&operator, ImportBatches::new(read(&edited), true)).await.unwrap();
    let done = app
        .run(&operator, ImportBatches { expect_basis: Some(fresh.basis), ..ImportBatches::new(read(&edited), false) })
        .await
        .unwrap();
    assert_eq!(done.cities, fresh.cities);
    assert_eq!(store.audit_event_count().await.unwrap(), events + 1);
}
