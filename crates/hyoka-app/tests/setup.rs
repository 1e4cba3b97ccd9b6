//! Setting up a new city with the set-up commands: the organisation over
//! time, a plan with its levels and nodes, items with placements and
//! sections, indicators with a baseline and a final target. Each command
//! needs the city's admin, answers bad input with a Japanese message on
//! the field, and leaves exactly one audit record with readable before and
//! after. Runs on the backend HYOKA_TEST_BACKEND names.

use std::sync::Arc;

use hyoka_app::accounts::CreateAccount;
use hyoka_app::city::CreateCity;
use hyoka_app::indicators::{CreateIndicator, EditIndicator, IndicatorInput, IndicatorOwner, RemoveIndicator};
use hyoka_app::items::{CreateItem, EditItem, ItemInput, PlaceItem, RemoveItem, SetItemSections, UnplaceItem};
use hyoka_app::org::{
    CreateDepartment, CreateSection, EndDepartment, EndSection, MergeDepartment, MergeSection, RenameDepartment,
    RenameSection, SetSectionYear,
};
use hyoka_app::plans::{AddNode, CreatePlan, EditNode, EditPlan, MoveNode, RemoveNode, ShiftNode};
use hyoka_app::year::{LockYear, OpenYear};
use hyoka_app::{Actor, App, Command, CommandError};
use hyoka_core::access::{Principal, Role};
use hyoka_core::time::{FixedClock, Timestamp};
use hyoka_core::{FiscalYear, ValueRole};
use hyoka_store::testing::TestDb;
use hyoka_store::{Change, Store};

const CHOFU: &str = "132080";
const OTHER: &str = "132047";

struct Setup {
    _db: TestDb,
    store: Store,
    app: App,
    admin: Actor,
}

fn person(id: i64, role: Role, city: &str, name: &str) -> Actor {
    Actor::person(Principal { account_id: id, role, municipality: Some(city.into()), section_id: None }, name)
}

/// 調布市 as the system administrator registers it, with its admin.
async fn new_city() -> Setup {
    let db = TestDb::new().await;
    let store = db.store().await;
    let clock = FixedClock(Timestamp::parse_iso("2025-04-01T00:00:00Z").unwrap());
    let app = App::with_clock(store.clone(), Arc::new(clock));
    let operator = Actor::Operator { name: "コマンドライン（test）".into() };
    for (code, name) in [(CHOFU, "調布市"), (OTHER, "三鷹市")] {
        app.run(&operator, CreateCity { code: code.into(), name: name.into() }).await.unwrap();
    }
    let created = app
        .run(
            &operator,
            CreateAccount {
                municipality: Some(CHOFU.into()),
                login: "chofu-admin".into(),
                display_name: "企画 花子".into(),
                role: Role::Admin,
                section_id: None,
                password: Some("pass-word-0123".into()),
            },
        )
        .await
        .unwrap();
    let admin = person(created.id, Role::Admin, CHOFU, "企画 花子");
    Setup { _db: db, store, app, admin }
}

impl Setup {
    /// Runs a command as the admin and checks it wrote exactly one audit
    /// record with its code; returns the output and the record's changes.
    async fn once<C: Command>(&self, command: C) -> (C::Output, Vec<Change>) {
        let before = self.store.audit_event_count().await.unwrap();
        let out = self.app.run(&self.admin, command).await.unwrap_or_else(|e| panic!("{}: {e}", C::CODE));
        assert_eq!(self.store.audit_event_count().await.unwrap(), before + 1, "{} writes one audit record", C::CODE);
        let last = &self.store.audit_events(Some(CHOFU), 1).await.unwrap()[0];
        assert_eq!(last.event.command, C::CODE);
        assert_eq!(last.event.actor, "企画 花子");
        assert!(!last.event.summary.is_empty());
        let changes = self.store.event_changes(last.id).await.unwrap();
        assert!(!changes.is_empty(), "{} records what changed", C::CODE);
        (out, changes)
    }

    /// Runs a command expected to change nothing: no audit record.
    async fn unchanged<C: Command>(&self, command: C) {
        let before = self.store.audit_event_count().await.unwrap();
        self.app.run(&self.admin, command).await.unwrap_or_else(|e| panic!("{}: {e}", C::CODE));
        assert_eq!(self.store.audit_event_count().await.unwrap(), before, "{} changed nothing", C::CODE);
    }

    /// Runs a command expected to be refused; nothing is written.
    async fn refused<C: Command>(&self, actor: &Actor, command: C) -> CommandError {
        let before = self.store.audit_event_count().await.unwrap();
        let Err(e) = self.app.run(actor, command).await else { panic!("{} should be refused", C::CODE) };
        assert_eq!(self.store.audit_event_count().await.unwrap(), before, "{} refused writes nothing", C::CODE);
        e
    }

    async fn invalid<C: Command>(&self, field: &str, command: C) -> String {
        match self.refused(&self.admin.clone(), command).await {
            CommandError::Invalid { field: Some(f), message } if f == field => message,
            other => panic!("expected an error on {field}: {other:?}"),
        }
    }
}

fn change<'a>(changes: &'a [Change], field: &str) -> &'a Change {
    changes.iter().find(|c| c.field == field).unwrap_or_else(|| panic!("no change {field}: {changes:?}"))
}

fn fy(y: i32) -> FiscalYear {
    FiscalYear::new(y).unwrap()
}

#[tokio::test]
async fn the_organisation_changes_over_time_and_keeps_its_history() {
    let s = new_city().await;
    let dept =
        |name: &str, from: &str| CreateDepartment { municipality: CHOFU.into(), name: name.into(), from: from.into() };
    let (somu, changes) = s.once(dept("総務部", "")).await;
    assert_eq!(change(&changes, "部 総務部").after.as_deref(), Some("追加"));
    let (kikaku, _) = s.once(dept("企画部", "令和7年度")).await;
    let message = s.invalid("name", dept("企画部", "")).await;
    assert!(message.contains("企画部") && message.contains("既に"), "{message}");
    s.invalid("name", dept("　", "")).await;
    s.invalid("from", dept("財務部", "来年")).await;

    let section = |d: i64, name: &str| CreateSection {
        municipality: CHOFU.into(),
        department_id: Some(d),
        name: name.into(),
        from: String::new(),
    };
    let (seisaku, _) = s.once(section(kikaku, "政策企画課")).await;
    let (gyosei, _) = s.once(section(kikaku, "行政経営課")).await;
    let (somuka, _) = s.once(section(somu, "総務課")).await;
    let message = s.invalid("name", section(kikaku, "政策企画課")).await;
    assert!(message.contains("政策企画課"), "{message}");
    s.invalid("department", CreateSection { department_id: None, ..section(kikaku, "x課") }).await;

    // A rename from a year keeps the old name for the years before.
    let (_, changes) = s
        .once(RenameSection {
            municipality: CHOFU.into(),
            section_id: gyosei,
            name: "行財政改革課".into(),
            from: "2026".into(),
        })
        .await;
    let c = change(&changes, "課の名前 企画部 行政経営課");
    assert_eq!((c.before.as_deref(), c.after.as_deref()), (Some("行政経営課"), Some("行財政改革課")));
    let renamed = s.store.section(gyosei).await.unwrap();
    assert_eq!(renamed.name, "行財政改革課");
    assert_eq!(renamed.former_names.len(), 1);
    assert_eq!(hyoka_core::org::name_in(&renamed.name, &renamed.former_names, fy(2025)), "行政経営課");
    assert_eq!(hyoka_core::org::name_in(&renamed.name, &renamed.former_names, fy(2026)), "行財政改革課");
    s.unchanged(RenameSection {
        municipality: CHOFU.into(),
        section_id: gyosei,
        name: "行財政改革課".into(),
        from: String::new(),
    })
    .await;

    // Staff and contact per year, counts as typed.
    let year = |regular: &str| SetSectionYear {
        municipality: CHOFU.into(),
        section_id: seisaku,
        fiscal_year: "令和7年度".into(),
        regular_staff: regular.into(),
        other_staff: "０．５人".into(),
        extension: "2101".into(),
        head_title: "課長".into(),
        head_name: "調布 一郎".into(),
    };
    let (_, changes) = s.once(year("12人")).await;
    assert_eq!(change(&changes, "正職員数 企画部 政策企画課 令和7年度").after.as_deref(), Some("12"));
    assert_eq!(change(&changes, "その他職員数 企画部 政策企画課 令和7年度").after.as_deref(), Some("0.5"));
    let stored = s.store.section_years(seisaku).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].head_name.as_deref(), Some("調布 一郎"));
    let message = s.invalid("regular_staff", year("-1")).await;
    assert!(message.contains("正職員数"), "{message}");
    s.invalid("fiscal_year", SetSectionYear { fiscal_year: String::new(), ..year("3") }).await;
    s.unchanged(year("12")).await;

    // A merge hands items and editors over and ends the section.
    let item = s
        .once(CreateItem {
            municipality: CHOFU.into(),
            key: String::new(),
            input: ItemInput {
                kind: "project".into(),
                code: "1".into(),
                title: "行政評価の運営".into(),
                fiscal_year: "2025".into(),
                tags: String::new(),
            },
        })
        .await
        .0;
    s.once(SetItemSections { municipality: CHOFU.into(), item_id: item, section_ids: vec![gyosei] }).await;
    let editor = s
        .app
        .run(
            &s.admin,
            CreateAccount {
                municipality: Some(CHOFU.into()),
                login: "gyosei-editor".into(),
                display_name: "行政 太郎".into(),
                role: Role::Editor,
                section_id: Some(gyosei),
                password: Some("pass-word-0123".into()),
            },
        )
        .await
        .unwrap();
    let merge = |into: Option<i64>, from: &str| MergeSection {
        municipality: CHOFU.into(),
        section_id: gyosei,
        into_id: into,
        from: from.into(),
    };
    s.invalid("into", merge(None, "2027")).await;
    s.invalid("into", merge(Some(gyosei), "2027")).await;
    s.invalid("from", merge(Some(seisaku), "")).await;
    let (_, changes) = s.once(merge(Some(seisaku), "2027")).await;
    assert_eq!(change(&changes, "担当課 1 行政評価の運営").after.as_deref(), Some("企画部 政策企画課"));
    assert!(changes.iter().any(|c| c.field == "アカウント gyosei-editor の担当課"));
    let merged = s.store.section(gyosei).await.unwrap();
    assert_eq!((merged.valid_until, merged.merged_into), (Some(fy(2026)), Some(seisaku)));
    assert_eq!(s.store.sheet_section_ids(item).await.unwrap(), vec![seisaku]);
    let moved = s.store.account_by_login("gyosei-editor").await.unwrap().unwrap();
    assert_eq!((moved.id, moved.section_id), (editor.id, Some(seisaku)));

    // Ending: a department with a section still in force is refused.
    let message = s
        .invalid(
            "last_year",
            EndDepartment { municipality: CHOFU.into(), department_id: somu, last_year: "2026".into() },
        )
        .await;
    assert!(message.contains("総務課"), "{message}");
    s.once(EndSection { municipality: CHOFU.into(), section_id: somuka, last_year: "令和8年度".into() }).await;
    let (_, changes) =
        s.once(EndDepartment { municipality: CHOFU.into(), department_id: somu, last_year: "2026".into() }).await;
    assert_eq!(change(&changes, "部の期間 総務部").after.as_deref(), Some("〜令和8年度"));

    // A department merge moves its sections; a rename keeps the old name.
    let (shimin, _) = s.once(dept("市民部", "")).await;
    s.once(section(shimin, "市民課")).await;
    s.once(RenameDepartment {
        municipality: CHOFU.into(),
        department_id: kikaku,
        name: "行政経営部".into(),
        from: "2027".into(),
    })
    .await;
    let (_, changes) = s
        .once(MergeDepartment {
            municipality: CHOFU.into(),
            department_id: shimin,
            into_id: Some(kikaku),
            from: "2028".into(),
        })
        .await;
    assert_eq!(change(&changes, "課の部 市民課").after.as_deref(), Some("行政経営部"));
    let labels: Vec<String> = s
        .store
        .sections(CHOFU)
        .await
        .unwrap()
        .iter()
        .filter(|x| x.department_id == kikaku)
        .map(|x| x.label())
        .collect();
    assert!(labels.contains(&"行政経営部 市民課".to_string()), "{labels:?}");
    assert_eq!(s.store.events_of_kind(CHOFU, "org.", 100).await.unwrap().len(), 14);
}

#[tokio::test]
async fn a_plan_is_built_moved_and_pruned() {
    let s = new_city().await;
    let plan = |code: &str, levels: &[&str]| CreatePlan {
        municipality: CHOFU.into(),
        code: code.into(),
        name: "調布市基本計画".into(),
        level_names: levels.iter().map(|l| l.to_string()).collect(),
    };
    let (plan_id, changes) = s.once(plan("basic-plan", &["基本目標", "施策"])).await;
    assert_eq!(change(&changes, "計画の階層 basic-plan").after.as_deref(), Some("基本目標、施策"));
    assert!(s.invalid("code", plan("basic-plan", &["基本目標"])).await.contains("既に使われています"));
    s.invalid("level_names", plan("other", &["", " "])).await;
    s.invalid("code", plan("a b", &["施策"])).await;

    let add = |parent: Option<i64>, code: &str, title: &str| AddNode {
        municipality: CHOFU.into(),
        plan_id,
        parent_id: parent,
        code: code.into(),
        title: title.into(),
        tags: String::new(),
    };
    let (g1, _) = s.once(add(None, "1", "安全で安心なまち")).await;
    let (g2, _) = s.once(add(None, "2", "健やかに暮らせるまち")).await;
    let (p11, _) = s.once(add(Some(g1), "1-1", "防災")).await;
    let (p12, _) = s.once(add(Some(g1), "1-2", "防犯")).await;
    let (p21, changes) = s.once(add(Some(g2), "2-1", "健康づくり")).await;
    assert_eq!(change(&changes, "計画の項目 調布市基本計画 2-1").after.as_deref(), Some("健康づくり（2の下）"));
    assert!(s.invalid("code", add(None, "1-1", "重複")).await.contains("1-1"));
    let message = s.invalid("parent", add(Some(p11), "1-1-1", "三段目")).await;
    assert!(message.contains("2段") && message.contains("基本目標 → 施策"), "{message}");

    let order = |nodes: Vec<hyoka_store::NodeRecord>| -> Vec<(String, i64)> {
        nodes.into_iter().map(|n| (n.code, n.level)).collect()
    };
    let expect = |v: &[(&str, i64)]| -> Vec<(String, i64)> { v.iter().map(|(c, l)| (c.to_string(), *l)).collect() };
    assert_eq!(
        order(s.store.plan_nodes(plan_id).await.unwrap()),
        expect(&[("1", 0), ("1-1", 1), ("1-2", 1), ("2", 0), ("2-1", 1)])
    );

    // Reorder and re-parent; the printed order follows.
    s.once(ShiftNode { municipality: CHOFU.into(), node_id: p12, up: true }).await;
    s.unchanged(ShiftNode { municipality: CHOFU.into(), node_id: p12, up: true }).await;
    let (_, changes) = s.once(MoveNode { municipality: CHOFU.into(), node_id: p11, parent_id: Some(g2) }).await;
    let c = change(&changes, "計画の項目の親 調布市基本計画 1-1");
    assert_eq!(c.before.as_deref(), Some("1 安全で安心なまち"));
    assert_eq!(c.after.as_deref(), Some("2 健やかに暮らせるまち"));
    s.once(ShiftNode { municipality: CHOFU.into(), node_id: g2, up: true }).await;
    assert_eq!(
        order(s.store.plan_nodes(plan_id).await.unwrap()),
        expect(&[("2", 0), ("2-1", 1), ("1-1", 1), ("1", 0), ("1-2", 1)])
    );
    // A node cannot go under its own child, nor deeper than the levels.
    assert!(s
        .invalid("parent", MoveNode { municipality: CHOFU.into(), node_id: g2, parent_id: Some(p21) })
        .await
        .contains("下位"));
    s.invalid("parent", MoveNode { municipality: CHOFU.into(), node_id: g1, parent_id: Some(g2) }).await;
    // A leaf may become a top-level node.
    s.once(MoveNode { municipality: CHOFU.into(), node_id: p12, parent_id: None }).await;
    assert_eq!(s.store.node(p12).await.unwrap().level, 0);

    // More levels, then dropping a level in use is refused.
    let edit = |levels: &[&str]| EditPlan {
        municipality: CHOFU.into(),
        plan_id,
        code: "basic-plan".into(),
        name: "調布市基本計画".into(),
        level_names: levels.iter().map(|l| l.to_string()).collect(),
    };
    s.once(edit(&["基本目標", "施策", "施策の方向"])).await;
    s.once(add(Some(p21), "2-1-(1)", "健診の充実")).await;
    assert!(s.invalid("level_names", edit(&["基本目標", "施策"])).await.contains("第3階層"));
    s.once(EditNode {
        municipality: CHOFU.into(),
        node_id: p21,
        code: "2-1".into(),
        title: "健康づくりの推進".into(),
        tags: "重点、新規".into(),
    })
    .await;
    assert_eq!(s.store.node(p21).await.unwrap().tags, vec!["重点", "新規"]);

    // Removal is refused while anything hangs under the node, with why.
    let item = s
        .once(CreateItem {
            municipality: CHOFU.into(),
            key: String::new(),
            input: ItemInput {
                kind: "project".into(),
                code: "No.1".into(),
                title: "特定健診".into(),
                fiscal_year: "2025".into(),
                tags: String::new(),
            },
        })
        .await
        .0;
    s.once(PlaceItem { municipality: CHOFU.into(), item_id: item, node_id: Some(p11), relisting: false }).await;
    let refused = s.refused(&s.admin, RemoveNode { municipality: CHOFU.into(), node_id: p11 }).await;
    assert!(matches!(&refused, CommandError::Conflict(m) if m.contains("No.1 特定健診")), "{refused}");
    let refused = s.refused(&s.admin, RemoveNode { municipality: CHOFU.into(), node_id: p21 }).await;
    assert!(refused.to_string().contains("下位の項目（2-1-(1)）"), "{refused}");
    s.once(UnplaceItem { municipality: CHOFU.into(), item_id: item, node_id: Some(p11) }).await;
    s.once(RemoveNode { municipality: CHOFU.into(), node_id: p11 }).await;
    let positions: Vec<i64> = s.store.node_positions(plan_id).await.unwrap().into_iter().map(|p| p.1).collect();
    assert_eq!(positions, (0..positions.len() as i64).collect::<Vec<_>>(), "positions stay contiguous");
}

fn project(code: &str, title: &str, year: &str) -> ItemInput {
    ItemInput {
        kind: "project".into(),
        code: code.into(),
        title: title.into(),
        fiscal_year: year.into(),
        tags: String::new(),
    }
}

fn indicator(kind: &str, name: &str) -> IndicatorInput {
    IndicatorInput {
        kind: kind.into(),
        name: name.into(),
        definition: "受診者数 ÷ 対象者数".into(),
        unit: "%".into(),
        direction: "higher".into(),
        vocabulary: "achievement".into(),
        baseline_year: "2024".into(),
        baseline: "45.2%".into(),
        target_year: "令和11年度".into(),
        target: "60%以上".into(),
    }
}

#[tokio::test]
async fn items_and_indicators_are_registered_placed_and_guarded_by_locked_years() {
    let s = new_city().await;
    let kikaku =
        s.once(CreateDepartment { municipality: CHOFU.into(), name: "企画部".into(), from: String::new() }).await.0;
    let mut sections = Vec::new();
    for name in ["政策企画課", "行政経営課"] {
        let c = CreateSection {
            municipality: CHOFU.into(),
            department_id: Some(kikaku),
            name: name.into(),
            from: String::new(),
        };
        sections.push(s.once(c).await.0);
    }
    let plan_id = s
        .once(CreatePlan {
            municipality: CHOFU.into(),
            code: "basic".into(),
            name: "基本計画".into(),
            level_names: vec!["基本目標".into(), "施策".into()],
        })
        .await
        .0;
    let mut nodes = Vec::new();
    for (code, parent) in [("1", None), ("1-1", Some(0)), ("1-2", Some(0))] {
        let parent_id = parent.map(|i: usize| nodes[i]);
        let c = AddNode {
            municipality: CHOFU.into(),
            plan_id,
            parent_id,
            code: code.into(),
            title: format!("施策{code}"),
            tags: String::new(),
        };
        nodes.push(s.once(c).await.0);
    }

    // Three projects, created out of order; their codes sort as people read.
    let mut items = Vec::new();
    for (code, title) in [("No.10", "地域防災"), ("No.2", "健康診査"), ("No.1", "行政評価")] {
        let (id, changes) = s
            .once(CreateItem {
                municipality: CHOFU.into(),
                key: String::new(),
                input: project(code, title, "令和7年度"),
            })
            .await;
        assert_eq!(change(&changes, "登録").after.as_deref(), Some(format!("キー {code}").as_str()));
        items.push(id);
    }
    let clash =
        CreateItem { municipality: CHOFU.into(), key: String::new(), input: project("No.2", "別の事業", "2025") };
    assert!(s.invalid("code", clash).await.contains("No.2"));
    let clash =
        CreateItem { municipality: CHOFU.into(), key: "No.1".into(), input: project("No.3", "別の事業", "2025") };
    s.invalid("key", clash).await;
    s.invalid(
        "title",
        CreateItem { municipality: CHOFU.into(), key: String::new(), input: project("No.4", "", "2025") },
    )
    .await;
    s.invalid(
        "kind",
        CreateItem {
            municipality: CHOFU.into(),
            key: String::new(),
            input: ItemInput { kind: "unknown".into(), ..project("No.4", "x", "2025") },
        },
    )
    .await;
    s.invalid(
        "fiscal_year",
        CreateItem { municipality: CHOFU.into(), key: String::new(), input: project("No.4", "x", "来年度") },
    )
    .await;
    let (_, changes) = s
        .once(EditItem {
            municipality: CHOFU.into(),
            item_id: items[1],
            input: ItemInput {
                tags: "新規、重点".into(), ..project("No.2", "健康診査の推進", "令和7年度")
            },
        })
        .await;
    let c = change(&changes, "名前");
    assert_eq!((c.before.as_deref(), c.after.as_deref()), (Some("健康診査"), Some("健康診査の推進")));
    assert_eq!(change(&changes, "印").after.as_deref(), Some("新規、重点"));

    // Placed under two nodes, one a 再掲; responsible sections, several.
    s.once(PlaceItem { municipality: CHOFU.into(), item_id: items[1], node_id: Some(nodes[1]), relisting: false })
        .await;
    let (_, changes) = s
        .once(PlaceItem { municipality: CHOFU.into(), item_id: items[1], node_id: Some(nodes[2]), relisting: true })
        .await;
    assert_eq!(change(&changes, "計画上の位置 基本計画 1-2").after.as_deref(), Some("再掲"));
    s.unchanged(PlaceItem { municipality: CHOFU.into(), item_id: items[1], node_id: Some(nodes[2]), relisting: true })
        .await;
    s.invalid("node", PlaceItem { municipality: CHOFU.into(), item_id: items[1], node_id: None, relisting: false })
        .await;
    let placements = s.store.item_placements(items[1]).await.unwrap();
    assert_eq!(placements, vec![("basic".into(), "1-1".into(), false), ("basic".into(), "1-2".into(), true)]);
    let (_, changes) =
        s.once(SetItemSections { municipality: CHOFU.into(), item_id: items[1], section_ids: sections.clone() }).await;
    assert_eq!(change(&changes, "担当課").after.as_deref(), Some("企画部 政策企画課、企画部 行政経営課"));
    s.invalid("sections", SetItemSections { municipality: CHOFU.into(), item_id: items[1], section_ids: vec![] }).await;
    for id in [items[0], items[2]] {
        s.once(SetItemSections { municipality: CHOFU.into(), item_id: id, section_ids: vec![sections[0]] }).await;
    }

    // Indicators: of an item and of a node; a 対象指標 has no target.
    let (ind, changes) = s
        .once(CreateIndicator {
            municipality: CHOFU.into(),
            owner: IndicatorOwner::Item(items[1]),
            input: indicator("outcome", "特定健診の受診率"),
        })
        .await;
    assert_eq!(change(&changes, "最終目標 特定健診の受診率").after.as_deref(), Some("60%以上（令和11年度）"));
    let record = s.store.indicator(ind).await.unwrap();
    assert_eq!(record.key, "No.2-1");
    let values = s.store.indicator_values(ind).await.unwrap();
    let target = values.iter().find(|v| v.role == ValueRole::Target).unwrap();
    assert_eq!((target.fiscal_year, target.cell.printed()), (fy(2029), "60%以上"));
    assert!(target.cell.primary_number().is_some(), "the typed text is parsed: {:?}", target.cell);
    let population = IndicatorInput { target: String::new(), ..indicator("対象指標", "40歳以上の市民") };
    let (pop, _) = s
        .once(CreateIndicator { municipality: CHOFU.into(), owner: IndicatorOwner::Item(items[1]), input: population })
        .await;
    assert_eq!(s.store.indicator(pop).await.unwrap().kind, hyoka_core::IndicatorKind::Population);
    let message = s
        .invalid(
            "target",
            CreateIndicator {
                municipality: CHOFU.into(),
                owner: IndicatorOwner::Item(items[1]),
                input: indicator("population", "対象者数"),
            },
        )
        .await;
    assert!(message.contains("対象指標"), "{message}");
    s.invalid(
        "baseline_year",
        CreateIndicator {
            municipality: CHOFU.into(),
            owner: IndicatorOwner::Item(items[1]),
            input: IndicatorInput { baseline_year: String::new(), ..indicator("outcome", "x") },
        },
    )
    .await;
    s.invalid(
        "direction",
        CreateIndicator {
            municipality: CHOFU.into(),
            owner: IndicatorOwner::Item(items[1]),
            input: IndicatorInput { direction: "up".into(), ..indicator("outcome", "x") },
        },
    )
    .await;
    let node_ind = s
        .once(CreateIndicator {
            municipality: CHOFU.into(),
            owner: IndicatorOwner::Node(nodes[1]),
            input: IndicatorInput {
                baseline_year: "2025".into(),
                baseline: "79.1歳".into(),
                ..indicator("kpi", "健康寿命")
            },
        })
        .await
        .0;
    assert_eq!(s.store.indicator(node_ind).await.unwrap().key, "basic-1-1-1");

    // Moving the final target to another year removes the old cell.
    let (_, changes) = s
        .once(EditIndicator {
            municipality: CHOFU.into(),
            indicator_id: ind,
            input: IndicatorInput {
                target_year: "2030".into(),
                target: "65%".into(),
                ..indicator("outcome", "特定健診の受診率")
            },
        })
        .await;
    let c = change(&changes, "最終目標 特定健診の受診率");
    assert_eq!((c.before.as_deref(), c.after.as_deref()), (Some("60%以上（令和11年度）"), Some("65%（令和12年度）")));
    let targets: Vec<FiscalYear> = s
        .store
        .indicator_values(ind)
        .await
        .unwrap()
        .iter()
        .filter(|v| v.role == ValueRole::Target)
        .map(|v| v.fiscal_year)
        .collect();
    assert_eq!(targets, vec![fy(2030)]);
    s.unchanged(EditIndicator {
        municipality: CHOFU.into(),
        indicator_id: ind,
        input: IndicatorInput {
            target_year: "2030".into(),
            target: "65%".into(),
            ..indicator("outcome", "特定健診の受診率")
        },
    })
    .await;

    // Opening 令和7年度: the three projects get their sheets, No.1, No.2, No.10.
    let (report, _) = s.once(OpenYear { municipality: CHOFU.into(), fiscal_year: fy(2025) }).await;
    let codes: Vec<&str> = report.created.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(codes, vec!["No.1", "No.2", "No.10"]);
    assert_eq!(report.started, 3);

    // A locked year guards what it holds.
    s.once(LockYear { municipality: CHOFU.into(), fiscal_year: fy(2025) }).await;
    let refused = s.refused(&s.admin, RemoveItem { municipality: CHOFU.into(), item_id: items[1] }).await;
    assert!(matches!(&refused, CommandError::Conflict(m) if m.contains("令和7年度")), "{refused}");
    let refused = s.refused(&s.admin, RemoveIndicator { municipality: CHOFU.into(), indicator_id: node_ind }).await;
    assert!(
        matches!(&refused, CommandError::Conflict(m) if m.contains("健康寿命") && m.contains("令和7年度")),
        "{refused}"
    );
    let message = s
        .invalid(
            "baseline_year",
            EditIndicator {
                municipality: CHOFU.into(), indicator_id: node_ind, input: indicator("kpi", "健康寿命")
            },
        )
        .await;
    assert!(message.contains("令和7年度は確定済み"), "{message}");
    // An indicator with nothing in the locked year can still go.
    s.once(RemoveIndicator { municipality: CHOFU.into(), indicator_id: ind }).await;
    assert_eq!(s.store.item_indicators(items[1]).await.unwrap().len(), 1, "the 対象指標 stays");
    assert_eq!(s.store.node_indicators(nodes[1]).await.unwrap().len(), 1);
}

#[tokio::test]
async fn only_the_city_admin_may_set_up_the_city() {
    let s = new_city().await;
    let dept =
        s.once(CreateDepartment { municipality: CHOFU.into(), name: "企画部".into(), from: String::new() }).await.0;
    let editor = person(9_001, Role::Editor, CHOFU, "編集 者");
    let other_admin = person(9_002, Role::Admin, OTHER, "三鷹 管理者");
    let create = || CreateSection {
        municipality: CHOFU.into(),
        department_id: Some(dept),
        name: "課".into(),
        from: String::new(),
    };
    assert!(matches!(s.refused(&editor, create()).await, CommandError::Forbidden));
    assert!(matches!(s.refused(&other_admin, create()).await, CommandError::NotFound(_)));
    // Another city's admin naming this city's department under their own
    // city's code finds nothing.
    let foreign =
        CreateSection {
            municipality: OTHER.into(), department_id: Some(dept), name: "課".into(), from: String::new()
        };
    assert!(
        matches!(s.refused(&other_admin, foreign).await, CommandError::Invalid { field: Some(f), .. } if f == "department")
    );
    let foreign =
        RenameDepartment { municipality: OTHER.into(), department_id: dept, name: "x".into(), from: String::new() };
    assert!(matches!(s.refused(&other_admin, foreign).await, CommandError::NotFound(_)));
    let item =
        s.once(CreateItem { municipality: CHOFU.into(), key: String::new(), input: project("1", "x", "") }).await.0;
    let foreign = RemoveItem { municipality: OTHER.into(), item_id: item };
    assert!(matches!(s.refused(&other_admin, foreign).await, CommandError::NotFound(_)));
    // Removing an item with nothing locked takes its indicators along.
    s.once(CreateIndicator {
        municipality: CHOFU.into(),
        owner: IndicatorOwner::Item(item),
        input: indicator("activity", "回数"),
    })
    .await;
    let (_, changes) = s.once(RemoveItem { municipality: CHOFU.into(), item_id: item }).await;
    assert!(changes.iter().any(|c| c.field == "指標 回数"), "{changes:?}");
    assert!(s.store.indicators(CHOFU).await.unwrap().is_empty());
}
