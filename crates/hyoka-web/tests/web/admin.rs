//! The city administrator's and the system administrator's pages over real
//! HTTP, on the test backend: the dashboard, deadlines, opening a year by
//! carrying forward, layouts and scales, accounts, and cities.

use crate::support;

use hyoka_core::access::Role;
use hyoka_core::org::Validity;
use hyoka_core::sheet::{BudgetRow, EvaluationRow, NarrativeRow, NextDirectionRow, ScheduleRow};
use hyoka_core::workflow::SheetStatus;
use hyoka_core::{
    BudgetFigures, Direction, EvaluationScale, Evaluator, FiscalYear, IndicatorCell, IndicatorKind, Narrative,
    NextDirection, Stage, ValueRole, Yen,
};
use hyoka_store::testing::TestDb;
use hyoka_store::{Municipality, NewIndicator, NewItem, Store};

const MITAKA: &str = "132047";
const MISHIMA: &str = "222062";

fn fy(y: i32) -> FiscalYear {
    FiscalYear::new(y).unwrap()
}

struct Sections {
    kikaku: i64,
    somu: i64,
    shimin: i64,
}

/// 三鷹市 with three departments and 三島市, an account per role.
async fn seed_cities(store: &Store) -> Sections {
    let mut tx = store.begin().await.unwrap();
    tx.upsert_municipality(&Municipality { code: MITAKA.into(), name: "三鷹市".into() }).await.unwrap();
    tx.upsert_municipality(&Municipality { code: MISHIMA.into(), name: "三島市".into() }).await.unwrap();
    let kikaku = tx.upsert_section(MITAKA, "企画部", "企画経営課", Validity::default()).await.unwrap();
    let somu = tx.upsert_section(MITAKA, "総務部", "総務課", Validity::default()).await.unwrap();
    let shimin = tx.upsert_section(MITAKA, "市民部", "市民課", Validity::default()).await.unwrap();
    let joho = tx.upsert_section(MISHIMA, "企画戦略部", "情報政策課", Validity::default()).await.unwrap();
    tx.save_scale(MITAKA, &EvaluationScale::mitaka_midyear()).await.unwrap();
    tx.save_scale(MITAKA, &EvaluationScale::mitaka_yearend()).await.unwrap();
    tx.commit().await.unwrap();
    let accounts = [
        ("admin", Role::Admin, Some(MITAKA), None),
        ("editor", Role::Editor, Some(MITAKA), Some(kikaku)),
        ("head", Role::Head, Some(MITAKA), Some(kikaku)),
        ("reviewer", Role::Reviewer, Some(MITAKA), None),
        ("viewer", Role::Viewer, Some(MITAKA), None),
        ("mishima-admin", Role::Admin, Some(MISHIMA), None),
        ("mishima-editor", Role::Editor, Some(MISHIMA), Some(joho)),
        ("system", Role::SystemAdmin, None, None),
    ];
    for (login, role, city, section) in accounts {
        support::account(store, login, role, city, section).await;
    }
    Sections { kikaku, somu, shimin }
}

/// An item of 三鷹市 printed for `year`, in `section`, with its sheet
/// moved to `status` (no sheet for 未着手).
async fn item(store: &Store, key: &str, code: &str, section: i64, year: i32, status: SheetStatus) -> i64 {
    let mut tx = store.begin().await.unwrap();
    let id = tx
        .upsert_item(
            MITAKA,
            &NewItem { key: key.into(), kind: "project".into(), code: code.into(), title: format!("{code}の事業") },
        )
        .await
        .unwrap();
    tx.assign_section(id, section).await.unwrap();
    tx.set_item_details(id, Some(fy(year)), &[], None).await.unwrap();
    if status != SheetStatus::NotStarted {
        let sheet = tx.sheet_for_update(id, fy(year)).await.unwrap();
        assert!(tx.advance_sheet(sheet.id, sheet.version, status, None).await.unwrap());
    }
    tx.commit().await.unwrap();
    id
}

/// Where `needle` first appears in `hay` (panics when missing).
fn at(hay: &str, needle: &str) -> usize {
    hay.find(needle).unwrap_or_else(|| panic!("{needle} missing"))
}

fn password_in(html: &str) -> String {
    let key = "<code class=\"password\">";
    let from = at(html, key) + key.len();
    html[from..].split('<').next().unwrap().to_string()
}

#[tokio::test]
async fn the_dashboard_puts_late_departments_first() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let s = seed_cities(&store).await;
    item(&store, "k1", "企-1", s.kikaku, 2018, SheetStatus::Submitted).await;
    item(&store, "k2", "企-2", s.kikaku, 2018, SheetStatus::Approved).await;
    let late_drafting = item(&store, "s1", "総-1", s.somu, 2018, SheetStatus::Drafting).await;
    let late_untouched = item(&store, "c1", "市-1", s.shimin, 2018, SheetStatus::NotStarted).await;
    item(&store, "c2", "市-2", s.shimin, 2018, SheetStatus::Returned).await;
    // A re-listing (再掲) repeats 企-1 and is not counted again.
    let relisting = item(&store, "k1r", "企-1再掲", s.kikaku, 2018, SheetStatus::NotStarted).await;
    let mut tx = store.begin().await.unwrap();
    tx.set_item_details(relisting, Some(fy(2018)), &[], Some("k1")).await.unwrap();
    tx.commit().await.unwrap();
    let server = support::spawn(store.clone()).await;
    let mut admin = server.signed_in("admin").await;

    // Before any deadline nobody is late, and the page says so.
    let page = admin.get("/m/132047/admin").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("平成30年度") && page.body.contains("提出期限は設定されていません"), "{}", page.body);

    let r = admin.post("/m/132047/admin/years/2018/deadline", &[("deadline", "令和元年5月31日")]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = admin.get("/m/132047/admin?fy=2018").await;
    assert_eq!(page.status, 200);
    let b = &page.body;
    // 市民部 has two late sheets (未着手 and 差戻し), 総務部 one, 企画部 none.
    let rows =
        (at(b, "<th scope=\"row\">市民部"), at(b, "<th scope=\"row\">総務部"), at(b, "<th scope=\"row\">企画部"));
    assert!(rows.0 < rows.1 && rows.1 < rows.2, "late first: {rows:?}");
    let late = &b[at(b, "期限を過ぎた調査票")..];
    assert!(late.contains(&format!("/m/132047/sheets/{late_drafting}/2018")));
    assert!(late.contains(&format!("/m/132047/sheets/{late_untouched}/2018")));
    assert!(!late.contains("企-1の事業"), "submitted sheets are not late");
    assert!(!b.contains("企-1再掲"), "a re-listing is not counted");
    // Totals: five sheets, three late.
    let foot = &b[at(b, "<tfoot>")..];
    assert!(foot.contains("<td class=\"num\">3</td>") && foot.contains("<td class=\"num\">5</td>"), "{foot}");
    // The year may be typed in the era too.
    assert_eq!(admin.get("/m/132047/admin?fy=H30").await.status, 200);
    assert_eq!(admin.get("/m/132047/admin?fy=来年").await.status, 422);

    // Only the city's admin sees it.
    for (login, expect) in [("editor", 403), ("head", 403), ("reviewer", 403), ("viewer", 403)] {
        let mut c = server.signed_in(login).await;
        for path in ["/m/132047/admin", "/m/132047/admin/years", "/m/132047/admin/layout", "/m/132047/admin/accounts"] {
            assert_eq!(c.get(path).await.status, expect, "{login} {path}");
        }
    }
    for login in ["mishima-admin", "system"] {
        let mut c = server.signed_in(login).await;
        for path in ["/m/132047/admin", "/m/132047/admin/years", "/m/132047/admin/layout", "/m/132047/admin/accounts"] {
            assert_eq!(c.get(path).await.status, 404, "{login} {path}");
        }
        let r = c.post("/m/132047/admin/years/2018/deadline", &[("deadline", "2019-06-30")]).await;
        assert_eq!(r.status, 404, "{login}");
    }
}

#[tokio::test]
async fn deadlines_are_read_in_either_calendar() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let s = seed_cities(&store).await;
    item(&store, "k1", "企-1", s.kikaku, 2019, SheetStatus::Drafting).await;
    let server = support::spawn(store.clone()).await;
    let mut admin = server.signed_in("admin").await;
    let deadline = || async { store.fiscal_year(MITAKA, fy(2019)).await.unwrap().deadline };

    let r = admin.post("/m/132047/admin/years/2019/deadline", &[("deadline", "令和２年５月末")]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(deadline().await.as_deref(), Some("2020-05-31"));
    let page = admin.get("/m/132047/admin/years").await;
    assert!(page.body.contains("令和2年5月31日（2020-05-31）"), "{}", page.body);
    let log = store.admin_history(MITAKA, 10).await.unwrap();
    assert!(log.iter().any(|h| h.field == "提出期限 令和元年度" && h.after.as_deref() == Some("2020-05-31")));
    let page = admin.get("/m/132047/admin?fy=2019").await;
    assert!(page.body.contains("管理の記録") && page.body.contains("提出期限 令和元年度"), "the dashboard shows it");

    for bad in ["2020-02-30", "来週の金曜日", "R2.13.1"] {
        let r = admin.post("/m/132047/admin/years/2019/deadline", &[("deadline", bad)]).await;
        assert_eq!(r.status, 422, "{bad}");
        assert!(r.body.contains("提出期限「"), "the message names the field: {}", r.body);
        assert!(r.body.contains(&format!("value=\"{bad}\"")), "what was typed stays");
        assert_eq!(deadline().await.as_deref(), Some("2020-05-31"), "nothing changed");
    }
    let r = admin.post("/m/132047/admin/years/2019/deadline", &[("deadline", "2020/6/1")]).await;
    assert_eq!(r.status, 303);
    assert_eq!(deadline().await.as_deref(), Some("2020-06-01"));
    let r = admin.post("/m/132047/admin/years/2019/deadline", &[("deadline", "")]).await;
    assert_eq!(r.status, 303);
    assert_eq!(deadline().await, None, "blank clears it");
    assert_eq!(admin.post("/m/132047/admin/years/R01/deadline", &[("deadline", "")]).await.status, 404);

    // Locking asks for confirmation.
    let r = admin.post("/m/132047/admin/years/2019/lock", &[]).await;
    assert_eq!(r.status, 422);
    assert!(!store.fiscal_year(MITAKA, fy(2019)).await.unwrap().locked);
}

/// A 2018 sheet with everything a year holds, for carrying forward.
struct Carried {
    item: i64,
    ended: i64,
    relisting: i64,
    older: i64,
    ind1: i64,
    ind2: i64,
}

async fn seed_year(store: &Store, s: &Sections) -> Carried {
    let item_id = item(store, "k1", "企-1", s.kikaku, 2018, SheetStatus::Approved).await;
    let ended = item(store, "k2", "企-2", s.kikaku, 2018, SheetStatus::Reviewed).await;
    let relisting = item(store, "k1r", "企-1再掲", s.kikaku, 2018, SheetStatus::NotStarted).await;
    let older = item(store, "k0", "企-0", s.kikaku, 2017, SheetStatus::Final).await;
    let mut tx = store.begin().await.unwrap();
    tx.set_item_details(relisting, Some(fy(2018)), &[], Some("k1")).await.unwrap();
    let indicator = |key: &str, name: &str| NewIndicator {
        key: key.into(),
        name: name.into(),
        kind: IndicatorKind::Outcome,
        definition: None,
        unit: Some("件".into()),
        direction: Direction::HigherIsBetter,
        vocabulary: None,
        item_id: Some(item_id),
        node_id: None,
        related_node_id: None,
    };
    let ind1 = tx.upsert_indicator(MITAKA, &indicator("i1", "電子申請の年間利用件数")).await.unwrap();
    let ind2 = tx.upsert_indicator(MITAKA, &indicator("i2", "説明会の開催回数")).await.unwrap();
    let cell = IndicatorCell::parse;
    tx.set_indicator_value(ind1, fy(2018), ValueRole::Target, &cell("100件")).await.unwrap();
    tx.set_indicator_value(ind1, fy(2018), ValueRole::Actual, &cell("90件")).await.unwrap();
    tx.set_indicator_value(ind1, fy(2020), ValueRole::Target, &cell("120件")).await.unwrap();
    tx.set_indicator_value(ind1, fy(2016), ValueRole::Baseline, &cell("50件")).await.unwrap();
    tx.set_indicator_value(ind2, fy(2018), ValueRole::Target, &cell("4回")).await.unwrap();
    tx.set_indicator_value(ind2, fy(2019), ValueRole::Target, &cell("6回")).await.unwrap();
    tx.set_indicator_value(ind2, fy(2018), ValueRole::Actual, &cell("4回")).await.unwrap();
    let figures = BudgetFigures {
        initial: Some(Yen(1_000_000)),
        final_budget: Some(Yen(1_200_000)),
        settlement: Some(Yen(1_100_000)),
        ..BudgetFigures::default()
    };
    tx.replace_budgets(item_id, &[BudgetRow { fiscal_year: fy(2018), figures, execution_rate_printed: None }])
        .await
        .unwrap();
    let grade = EvaluationRow {
        fiscal_year: fy(2018),
        stage: Stage::YearEnd,
        evaluator: Evaluator::ReviewBoard,
        scale: Some("mitaka-yearend".into()),
        grade: Some("1".into()),
        comment: Some("順調".into()),
    };
    tx.replace_evaluations(MITAKA, item_id, &[grade]).await.unwrap();
    let narrative = |slot: &str, label: &str, text: &str| NarrativeRow {
        fiscal_year: Some(fy(2018)),
        slot: slot.into(),
        label: label.into(),
        text: Narrative::from_html_fragment(text),
    };
    tx.replace_narratives(
        item_id,
        &[
            narrative("overview", "事業概要・事業量", "市民が自宅から手続きできるようにする。"),
            narrative("summary", "事業の総括（主管課）", "目標をほぼ達成した。"),
        ],
    )
    .await
    .unwrap();
    let months = |m: &str| (0..12).map(|i| if i < 3 { m.to_string() } else { String::new() }).collect();
    let row = |kind: &str, label: &str| ScheduleRow {
        fiscal_year: fy(2018),
        kind: kind.into(),
        label: label.into(),
        months: months("←→"),
        hours_regular: Some("120H".into()),
        hours_other: None,
    };
    tx.replace_schedule(item_id, &[row("planned", "システム改修"), row("actual", "システム改修")]).await.unwrap();
    let direction = |d: NextDirection, printed: &str| NextDirectionRow {
        fiscal_year: fy(2018),
        printed: printed.into(),
        direction: Some(d),
        reason: None,
        transfer: None,
    };
    tx.replace_next_direction(item_id, Some(&direction(NextDirection::Keep, "維持"))).await.unwrap();
    tx.replace_next_direction(ended, Some(&direction(NextDirection::End, "終了"))).await.unwrap();
    tx.commit().await.unwrap();
    Carried { item: item_id, ended, relisting, older, ind1, ind2 }
}

/// Everything carrying forward may touch, to compare before and after.
async fn snapshot(store: &Store, c: &Carried) -> String {
    let mut out = String::new();
    for id in [c.item, c.ended, c.relisting, c.older] {
        out += &format!("{:?}\n", store.sheet(id, fy(2019)).await.unwrap().map(|s| (s.status, s.version)));
        out += &format!("{:?}\n", store.history(id).await.unwrap().len());
        out += &format!("{:?}\n", store.narratives(id).await.unwrap());
        out += &format!("{:?}\n", store.schedule(id).await.unwrap());
        out += &format!("{:?}\n", store.budgets(id).await.unwrap());
        out += &format!("{:?}\n", store.evaluations(id).await.unwrap());
    }
    for id in [c.ind1, c.ind2] {
        out += &format!("{:?}\n", store.indicator_values(id).await.unwrap());
    }
    out
}

#[tokio::test]
async fn opening_a_year_carries_plans_not_results_and_twice_changes_nothing() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let s = seed_cities(&store).await;
    let c = seed_year(&store, &s).await;
    let server = support::spawn(store.clone()).await;
    let mut admin = server.signed_in("admin").await;

    let years = admin.get("/m/132047/admin/years").await;
    assert!(years.body.contains("/m/132047/admin/years/2019/open"), "the next year is offered: {}", years.body);
    let r = admin.post("/m/132047/admin/years/2019/open", &[]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains("1 件の調査票を引き継ぎ") && r.body.contains("前年度の目標を写した指標: 1 件"),
        "{}",
        r.body
    );
    assert!(r.body.contains("企-2"), "the ended item is listed as not carried");

    // The item has a fresh sheet; the ended one, the re-listing and the
    // item of an older year have none.
    let sheet = store.sheet(c.item, fy(2019)).await.unwrap().expect("a 2019 sheet");
    assert_eq!(sheet.status, SheetStatus::NotStarted);
    for id in [c.ended, c.relisting, c.older] {
        assert!(store.sheet(id, fy(2019)).await.unwrap().is_none());
    }
    assert!(!store.fiscal_year(MITAKA, fy(2019)).await.unwrap().locked);

    // Targets: the missing 2019 one is copied, existing and later ones are
    // kept; no actuals.
    let values = |id: i64| {
        let store = store.clone();
        async move {
            store
                .indicator_values(id)
                .await
                .unwrap()
                .into_iter()
                .filter(|v| v.fiscal_year >= fy(2019))
                .map(|v| (v.fiscal_year.year(), v.role, v.cell.printed().to_string()))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        values(c.ind1).await,
        [(2019, ValueRole::Target, "100件".to_string()), (2020, ValueRole::Target, "120件".to_string())]
    );
    assert_eq!(values(c.ind2).await, [(2019, ValueRole::Target, "6回".to_string())], "an existing target is kept");
    // No budget, grade or direction for 2019.
    assert!(store.budgets(c.item).await.unwrap().iter().all(|b| b.fiscal_year == fy(2018)));
    assert!(store.evaluations(c.item).await.unwrap().iter().all(|e| e.fiscal_year == fy(2018)));
    // The overview and the planned schedule are carried; results are not.
    let narratives = store.narratives(c.item).await.unwrap();
    let n2019: Vec<&str> =
        narratives.iter().filter(|n| n.fiscal_year == Some(fy(2019))).map(|n| n.slot.as_str()).collect();
    assert_eq!(n2019, ["overview"]);
    let schedule = store.schedule(c.item).await.unwrap();
    let s2019: Vec<&str> = schedule.iter().filter(|r| r.fiscal_year == fy(2019)).map(|r| r.kind.as_str()).collect();
    assert_eq!(s2019, ["planned"]);
    // The history says what came from where.
    let history = store.history(c.item).await.unwrap();
    assert!(history.iter().any(|h| h.field == "状態" && h.after.as_deref() == Some("未着手（平成30年度から引継ぎ）")));
    assert!(history
        .iter()
        .any(|h| h.field.starts_with("目標 令和元年度 電子申請の年間利用件数") && h.after.as_deref() == Some("100件")));

    // The dashboard of the new year shows the sheet as 未着手.
    let page = admin.get("/m/132047/admin?fy=2019").await;
    assert!(page.body.contains("令和元年度"), "{}", page.body);
    assert!(page.body.contains("<th scope=\"row\">企画部</th>"));

    // Opening again changes nothing.
    let before = snapshot(&store, &c).await;
    let r = admin.post("/m/132047/admin/years/2019/open", &[]).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("新しく作る調査票はありませんでした"), "{}", r.body);
    assert_eq!(snapshot(&store, &c).await, before);

    // A locked year is not opened again; other people may not open one.
    let mut tx = store.begin().await.unwrap();
    tx.set_fiscal_year(&hyoka_store::FiscalYearRecord {
        municipality: MITAKA.into(),
        fiscal_year: fy(2019),
        locked: true,
        deadline: None,
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(admin.post("/m/132047/admin/years/2019/open", &[]).await.status, 409);
    let mut head = server.signed_in("head").await;
    assert_eq!(head.post("/m/132047/admin/years/2020/open", &[]).await.status, 403);
    let mut other = server.signed_in("mishima-admin").await;
    assert_eq!(other.post("/m/132047/admin/years/2020/open", &[]).await.status, 404);
    assert!(store.sheet(c.item, fy(2020)).await.unwrap().is_none());
}

#[tokio::test]
async fn accounts_are_made_and_changed_by_the_citys_admin() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let s = seed_cities(&store).await;
    let server = support::spawn(store.clone()).await;
    let mut admin = server.signed_in("admin").await;

    let page = admin.get("/m/132047/admin/accounts").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("企画部 企画経営課") && page.body.contains("editor さん"));
    assert!(!page.body.contains("mishima-editor"), "only the city's accounts");

    let form = |login: &'static str, role: &'static str, section: String| {
        vec![
            ("login", login.to_string()),
            ("display_name", "新しい担当者".to_string()),
            ("role", role.into()),
            ("section", section),
        ]
    };
    async fn post(c: &mut support::Client, path: &str, fields: &[(&str, String)]) -> support::Response {
        let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        c.post(path, &f).await
    }
    let r = post(&mut admin, "/m/132047/admin/accounts", &form("new-editor", "editor", String::new())).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("には担当課が必要です"), "{}", r.body);
    let r = post(&mut admin, "/m/132047/admin/accounts", &form("x", "editor", s.kikaku.to_string())).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("ログイン名は、半角の英数字"));
    let r = post(&mut admin, "/m/132047/admin/accounts", &form("new-admin", "system_admin", String::new())).await;
    assert_eq!(r.status, 422, "a city admin makes no system administrator");
    let r = post(&mut admin, "/m/132047/admin/accounts", &form("editor", "viewer", String::new())).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("既に使われています"), "{}", r.body);

    let r = post(&mut admin, "/m/132047/admin/accounts", &form("new-editor", "editor", s.kikaku.to_string())).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.headers.get("cache-control").map(String::as_str), Some("no-store"));
    let password = password_in(&r.body);
    let created = store.account_by_login("new-editor").await.unwrap().unwrap();
    assert_eq!(
        (created.role, created.section_id, created.municipality.as_deref()),
        (Role::Editor, Some(s.kikaku), Some(MITAKA))
    );
    let mut newcomer = server.client();
    let r = newcomer.login("new-editor", &password).await;
    assert_eq!(r.status, 303, "the shown password works");

    // A new role and section.
    let r = post(
        &mut admin,
        "/m/132047/admin/accounts/new-editor/role",
        &[("role", "head".into()), ("section", s.somu.to_string())],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let changed = store.account_by_login("new-editor").await.unwrap().unwrap();
    assert_eq!((changed.role, changed.section_id), (Role::Head, Some(s.somu)));
    // A viewer has no section, even if one is sent.
    let r = post(
        &mut admin,
        "/m/132047/admin/accounts/new-editor/role",
        &[("role", "viewer".into()), ("section", s.shimin.to_string())],
    )
    .await;
    assert_eq!(r.status, 303);
    assert_eq!(store.account_by_login("new-editor").await.unwrap().unwrap().section_id, None);
    let r = post(&mut admin, "/m/132047/admin/accounts/new-editor/role", &[("role", "overlord".into())]).await;
    assert_eq!(r.status, 422);

    // A new password ends the old one and its sessions.
    let r = admin.post("/m/132047/admin/accounts/new-editor/password", &[]).await;
    assert_eq!(r.status, 200);
    let fresh = password_in(&r.body);
    assert_ne!(fresh, password);
    assert_eq!(newcomer.get("/m/132047").await.status, 303, "the old session is over");
    assert_eq!(server.client().login("new-editor", &password).await.status, 401);
    assert_eq!(server.client().login("new-editor", &fresh).await.status, 303);

    // Not another city's account, not one's own.
    let r = post(&mut admin, "/m/132047/admin/accounts/mishima-editor/role", &[("role", "viewer".into())]).await;
    assert_eq!(r.status, 404);
    assert_eq!(admin.post("/m/132047/admin/accounts/mishima-editor/password", &[]).await.status, 404);
    assert_eq!(admin.post("/m/132047/admin/accounts/nobody/password", &[]).await.status, 404);
    let r = post(&mut admin, "/m/132047/admin/accounts/admin/role", &[("role", "viewer".into())]).await;
    assert_eq!(r.status, 409);
    assert_eq!(store.account_by_login("admin").await.unwrap().unwrap().role, Role::Admin);

    // Only the admin.
    let mut head = server.signed_in("head").await;
    let r = post(&mut head, "/m/132047/admin/accounts", &form("sneaky", "admin", String::new())).await;
    assert_eq!(r.status, 403);
    assert_eq!(head.post("/m/132047/admin/accounts/editor/password", &[]).await.status, 403);
    let mut other = server.signed_in("mishima-admin").await;
    assert_eq!(other.post("/m/132047/admin/accounts/editor/password", &[]).await.status, 404);
    assert!(store.account_by_login("sneaky").await.unwrap().is_none());
}

#[tokio::test]
async fn the_layout_and_scales_are_renamed_without_code() {
    let db = TestDb::new().await;
    let store = db.store().await;
    seed_cities(&store).await;
    let server = support::spawn(store.clone()).await;
    let mut admin = server.signed_in("admin").await;

    let page = admin.get("/m/132047/admin/layout").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("個別事業評価表") && page.body.contains("進捗状況調査票"));
    assert!(page.body.contains("三鷹市 事後評価") && page.body.contains("計画の7割未満"));

    let r = admin
        .post(
            "/m/132047/admin/layout",
            &[
                ("preset", "kodaira"),
                ("label:survey", "取組の内容"),
                ("label:part_plan", "三鷹市の見出し"),
                ("scale:mitaka-yearend", "事後評価の尺度"),
                ("grade:mitaka-yearend:S", "計画を上回る"),
                ("grade:mitaka-yearend:1", ""),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let (preset, labels) = store.sheet_layout(MITAKA).await.unwrap();
    assert_eq!(preset, "kodaira");
    assert_eq!(labels.into_iter().collect::<Vec<_>>(), [("survey".to_string(), "取組の内容".to_string())]);
    let scales = store.scales(MITAKA).await.unwrap();
    let yearend = scales.iter().find(|x| x.code == "mitaka-yearend").unwrap();
    assert_eq!(yearend.name, "事後評価の尺度");
    assert_eq!(yearend.grade("S").unwrap().label, "計画を上回る");
    assert_eq!(yearend.grade("1").unwrap().label, "計画どおり", "blank keeps the name");
    assert!(scales.iter().any(|x| x.code == "kodaira-sab"), "the layout's scale is added");

    let long = "長".repeat(80);
    let r = admin.post("/m/132047/admin/layout", &[("preset", "kodaira"), ("label:survey", &long)]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("見出しの名前"), "{}", r.body);
    let r = admin.post("/m/132047/admin/layout", &[("preset", "osaka")]).await;
    assert_eq!(r.status, 422);
    assert_eq!(store.sheet_layout(MITAKA).await.unwrap().0, "kodaira", "nothing changed");
    let mut editor = server.signed_in("editor").await;
    assert_eq!(editor.post("/m/132047/admin/layout", &[("preset", "mitaka")]).await.status, 403);
    assert_eq!(editor.post("/m/132047/admin/layout/disable", &[("preset", "kodaira")]).await.status, 403);
}

/// 三鷹市 uses three kinds of sheet (事業, 施策, アクションプランの課題): the
/// page lists them with the items each is for; a kind's headings are
/// renamed without touching the others; a kind is stopped, but never the
/// last one.
#[tokio::test]
async fn a_city_uses_several_sheet_kinds() {
    let db = TestDb::new().await;
    let store = db.store().await;
    seed_cities(&store).await;
    let server = support::spawn(store.clone()).await;
    let mut admin = server.signed_in("admin").await;
    let kinds = |store: Store| async move {
        store.sheet_kinds(MITAKA).await.unwrap().into_iter().map(|k| (k.preset, k.labels)).collect::<Vec<_>>()
    };

    let page = admin.get("/m/132047/admin/layout").await.body;
    for (name, items) in [
        ("個別事業評価表", "事業"),
        ("施策の評価（自治体経営白書）", "施策"),
        ("アクションプランの個別課題", "個別課題"),
    ] {
        assert!(page.contains(name) && page.contains(items), "{name} for {items}");
    }
    let measure = admin.get("/m/132047/admin/layout?kind=mitaka-measure").await.body;
    assert!(measure.contains("見出しと項目の名前（施策の評価（自治体経営白書））"), "the 施策 sheet's headings");
    let r =
        admin.post("/m/132047/admin/layout", &[("preset", "mitaka-measure"), ("label:progress", "取組の状況")]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let now = kinds(store.clone()).await;
    let of = |p: &str| now.iter().find(|(k, _)| k == p).map(|(_, l)| l.clone()).unwrap();
    assert_eq!(of("mitaka-measure").get("progress").map(String::as_str), Some("取組の状況"));
    assert!(of("mitaka").is_empty(), "the project sheet keeps its headings");
    let measure_item =
        NewItem { key: "m1".into(), kind: "measure".into(), code: "第1-1".into(), title: "国際化の推進".into() };
    let mut tx = store.begin().await.unwrap();
    let id = tx.upsert_item(MITAKA, &measure_item).await.unwrap();
    tx.commit().await.unwrap();
    let layout = store.layout_for(&store.item(id).await.unwrap()).await.unwrap();
    let progress = layout.slot("progress").map(|s| s.label.clone());
    assert_eq!(progress.as_deref(), Some("取組の状況"), "a 施策 gets the 施策 sheet with the new heading");

    for preset in ["mitaka-issue", "mitaka-measure"] {
        let r = admin.post("/m/132047/admin/layout/disable", &[("preset", preset)]).await;
        assert_eq!(r.status, 303, "{}", r.body);
    }
    assert_eq!(kinds(store.clone()).await.into_iter().map(|(k, _)| k).collect::<Vec<_>>(), ["mitaka"]);
    let r = admin.post("/m/132047/admin/layout/disable", &[("preset", "mitaka")]).await;
    assert_eq!(r.status, 409, "the last kind stays");
    assert!(r.body.contains("最後の様式は止められません"), "{}", r.body);
    let history = store.admin_history(MITAKA, 100).await.unwrap();
    assert!(history.iter().any(|h| h.field == "調査票の様式の停止"), "stopping a kind is recorded");
}

#[tokio::test]
async fn the_system_administrator_manages_cities_and_sees_no_sheets() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let s = seed_cities(&store).await;
    let item_id = item(&store, "k1", "企-1", s.kikaku, 2018, SheetStatus::Drafting).await;
    let server = support::spawn(store.clone()).await;
    let mut system = server.signed_in("system").await;

    let page = system.get("/system").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("三鷹市") && page.body.contains("admin さん（admin）"), "{}", page.body);

    for (code, name, message) in
        [("12345", "町田市", "6桁の数字"), ("13209A", "町田市", "6桁の数字"), ("132098", " ", "名称を入力")]
    {
        let r = system.post("/system/cities", &[("code", code), ("name", name)]).await;
        assert_eq!(r.status, 422, "{code}");
        assert!(r.body.contains(message), "{}", r.body);
    }
    let r = system.post("/system/cities", &[("code", "132047"), ("name", "別の名前")]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("既に登録されています"));
    assert_eq!(store.municipality(MITAKA).await.unwrap().name, "三鷹市", "an existing city is not renamed");

    let r = system.post("/system/cities", &[("code", "１３２０９８"), ("name", "町田市")]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(store.municipality("132098").await.unwrap().name, "町田市", "full-width digits are read");

    let r =
        system.post("/system/admins", &[("municipality", "999999"), ("login", "x-admin"), ("display_name", "X")]).await;
    assert_eq!(r.status, 422);
    let r = system
        .post("/system/admins", &[("municipality", "132098"), ("login", "admin"), ("display_name", "町田市 管理者")])
        .await;
    assert_eq!(r.status, 422, "a login in use");
    let r = system
        .post(
            "/system/admins",
            &[("municipality", "132098"), ("login", "machida-admin"), ("display_name", "町田市 管理者")],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let password = password_in(&r.body);

    // The new admin signs in and administers that city only.
    let mut machida = server.client();
    assert_eq!(machida.login("machida-admin", &password).await.status, 303);
    assert_eq!(machida.get("/m/132098/admin").await.status, 200);
    assert_eq!(machida.get("/m/132098/admin/accounts").await.status, 200);
    assert_eq!(machida.get("/m/132047/admin").await.status, 404);
    assert_eq!(machida.get("/system").await.status, 403);
    let page = system.get("/system").await;
    assert!(page.body.contains("町田市 管理者（machida-admin）"));

    // City people never see the system page.
    for login in ["admin", "viewer"] {
        let mut c = server.signed_in(login).await;
        assert_eq!(c.get("/system").await.status, 403, "{login}");
        assert_eq!(c.post("/system/cities", &[("code", "132101"), ("name", "小金井市")]).await.status, 403);
        let r =
            c.post("/system/admins", &[("municipality", MITAKA), ("login", "x-admin"), ("display_name", "X")]).await;
        assert_eq!(r.status, 403);
    }
    assert!(store.municipality("132101").await.is_err());

    // And the system administrator sees no city's sheets.
    assert_eq!(system.get("/m/132047/admin").await.status, 404);
    assert_eq!(system.get(&format!("/m/132047/sheets/{item_id}/2018/workflow")).await.status, 404);
    assert_eq!(system.get(&format!("/m/132047/sheets/{item_id}/2018")).await.status, 404);
    assert_eq!(system.get("/m/132047").await.status, 404);
}
