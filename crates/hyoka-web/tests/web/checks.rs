//! The consistency checks on the web, over real HTTP on the test backend
//! with the imported seeds: the admin's page of a year lists a known seed
//! flag with both values; acknowledging needs a reason (422 by the field);
//! an acknowledged flag moves apart and is in the sheet's history;
//! reopening; the sheet page shows its flags and its editors acknowledge
//! them; another city 404, a viewer and another section's editor 403,
//! a post without the CSRF token refused; the year screen counts the open
//! flags before locking; the edit form's input is checked before saving.

use hyoka_app::check::check_year;
use hyoka_core::FiscalYear;
use hyoka_store::testing::TestDb;
use hyoka_store::{FiscalYearRecord, Store};

use crate::support::{self, OWN_CITY};

const FY: i32 = support::FY;

fn fy() -> FiscalYear {
    FiscalYear::new(FY).unwrap()
}

/// The id of 企-7's flag (150件以上 → 61件, graded 「1 計画どおり」) and
/// the id of 企-7's item.
async fn grade_flag(store: &Store) -> (String, i64) {
    let check = check_year(store, OWN_CITY, fy()).await.unwrap();
    let f = check.flags.iter().find(|f| f.flag.rule == "grade_vs_achievement").expect("企-7's flag");
    (f.id.clone(), f.item_id.expect("a sheet's flag"))
}

/// The fixture locks and publishes the year: withdraw and unlock it, so
/// its sheets can be edited again.
async fn reopen_year(store: &Store) {
    let mut tx = store.begin().await.unwrap();
    tx.withdraw_year(OWN_CITY, fy()).await.unwrap();
    let year = FiscalYearRecord { municipality: OWN_CITY.into(), fiscal_year: fy(), locked: false, deadline: None };
    tx.set_fiscal_year(&year).await.unwrap();
    tx.commit().await.unwrap();
}

fn page(code: &str) -> String {
    format!("/m/{code}/admin/checks?fy={FY}")
}

fn post(code: &str, what: &str) -> String {
    format!("/m/{code}/admin/checks/{FY}/{what}")
}

#[tokio::test]
async fn the_admin_lists_acknowledges_and_reopens_a_seed_flag() {
    let db = TestDb::new().await;
    let store = db.store().await;
    support::build_fixture(&store).await;
    let (flag, item) = grade_flag(&store).await;
    let server = support::spawn(store.clone()).await;
    let mut admin = server.signed_in("admin").await;

    let r = admin.get(&page(OWN_CITY)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("評価と達成度の不一致"), "{}", r.body);
    assert!(r.body.contains("1 計画どおり") && r.body.contains("40.7%（61件／150件以上）"));
    assert!(r.body.contains("<h2>企画部</h2>"), "grouped per 部");
    assert!(r.body.contains("確認済みの指摘（0件）"));

    // No reason: 422, the message by the reason field of that flag.
    let r = admin.post(&post(OWN_CITY, "acknowledge"), &[("flag", &flag), ("reason", "   ")]).await;
    assert_eq!(r.status, 422, "{}", r.body);
    let short = &flag[..12];
    assert!(r.body.contains(&format!("id=\"reason-{short}-error\"")), "{}", r.body);
    assert!(r.body.contains("確認済みにする理由を入力してください"));
    assert!(check_year(&store, OWN_CITY, fy()).await.unwrap().acknowledged().next().is_none(), "nothing stored");

    let reason = "審査会で、件数以外の成果を踏まえて計画どおりと判断した";
    let r = admin.post(&post(OWN_CITY, "acknowledge"), &[("flag", &flag), ("reason", reason)]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = admin.get(&page(OWN_CITY)).await;
    let (open, acknowledged) = r.body.split_once("確認済みの指摘（1件）").expect("the acknowledged part");
    assert!(!open.contains("評価と達成度の不一致"), "moved apart");
    assert!(acknowledged.contains("評価と達成度の不一致") && acknowledged.contains(reason));

    // In the sheet's history, with the reason.
    let r = admin.get(&format!("/m/{OWN_CITY}/sheets/{item}/{FY}/history")).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("整合性チェック 評価と達成度の不一致") && r.body.contains(reason), "{}", r.body);

    // Without a year, the newest year with sheets (the white paper's).
    let r = admin.get(&format!("/m/{OWN_CITY}/admin/checks")).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("整合性チェック 令和2年度") && r.body.contains("欄と異なる年度のデータ"), "{}", r.body);

    let r = admin.post(&post(OWN_CITY, "reopen"), &[("flag", &flag)]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(admin.get(&page(OWN_CITY)).await.body.contains("確認済みの指摘（0件）"));
}

#[tokio::test]
async fn other_cities_viewers_and_posts_without_a_token_are_refused() {
    let db = TestDb::new().await;
    let store = db.store().await;
    support::build_fixture(&store).await;
    let (flag, _) = grade_flag(&store).await;
    let server = support::spawn(store.clone()).await;
    let fields = [("flag", flag.as_str()), ("reason", "理由")];

    let mut mishima = server.signed_in("mishima-admin").await;
    assert_eq!(mishima.get(&page(OWN_CITY)).await.status, 404);
    assert_eq!(mishima.post(&post(OWN_CITY, "acknowledge"), &fields).await.status, 404);

    let mut viewer = server.signed_in("viewer").await;
    assert_eq!(viewer.get(&page(OWN_CITY)).await.status, 403);
    assert_eq!(viewer.post(&post(OWN_CITY, "acknowledge"), &fields).await.status, 403);

    let mut admin = server.signed_in("admin").await;
    let r = admin.post_raw(&post(OWN_CITY, "acknowledge"), &fields).await;
    assert_eq!(r.status, 403);
    assert!(r.body.contains("この送信は受け付けられません"));
    assert!(check_year(&store, OWN_CITY, fy()).await.unwrap().acknowledged().next().is_none());
}

#[tokio::test]
async fn a_sheet_shows_its_flags_and_its_editors_acknowledge_them() {
    let db = TestDb::new().await;
    let store = db.store().await;
    support::build_fixture(&store).await;
    let (flag, item) = grade_flag(&store).await;
    let server = support::spawn(store.clone()).await;
    let sheet = format!("/m/{OWN_CITY}/sheets/{item}/{FY}");

    let mut editor = server.signed_in("editor-own").await;
    let r = editor.get(&sheet).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("整合性チェック（未確認 1件）"), "{}", r.body);
    assert!(r.body.contains("40.7%（61件／150件以上）"));

    // Another section's editor may read the sheet but not acknowledge.
    let mut other = server.signed_in("editor-other").await;
    let r = other.post(&format!("{sheet}/checks/acknowledge"), &[("flag", &flag), ("reason", "理由")]).await;
    assert_eq!(r.status, 403);

    let r = editor.post(&format!("{sheet}/checks/acknowledge"), &[("flag", &flag), ("reason", "")]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("確認済みにする理由を入力してください"));
    let r =
        editor.post(&format!("{sheet}/checks/acknowledge"), &[("flag", &flag), ("reason", "目標の見直しを予定")]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = editor.get(&sheet).await;
    assert!(r.body.contains("整合性チェック（未確認 0件）") && r.body.contains("確認済みの指摘（1件）"), "{}", r.body);
    assert!(r.body.contains("目標の見直しを予定"));
}

#[tokio::test]
async fn the_year_screen_counts_open_flags_before_locking() {
    let db = TestDb::new().await;
    let store = db.store().await;
    support::build_fixture(&store).await;
    reopen_year(&store).await;
    let open = check_year(&store, OWN_CITY, fy()).await.unwrap().open().count();
    assert!(open >= 3, "the seed's flags and findings: {open}");
    let server = support::spawn(store.clone()).await;
    let mut admin = server.signed_in("admin").await;
    let r = admin.get(&format!("/m/{OWN_CITY}/admin/years")).await;
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains(&format!("整合性チェックの未確認の指摘: {open}件（確定の妨げにはなりません）")),
        "{}",
        r.body
    );
    assert!(r.body.contains(&format!("href=\"/m/{OWN_CITY}/admin/checks?fy={FY}\"")));
}

/// While a person edits, the checks of the input show without saving:
/// 企-7's outcome typed up to its target clears the grade flag in the
/// answer for the draft, while the stored sheet keeps its flag and nothing
/// is written. Only those who may edit the sheet are answered.
#[tokio::test]
async fn the_checks_of_an_unsaved_draft_show_while_editing() {
    use crate::sheets::{form_fields, post, set};
    let db = TestDb::new().await;
    let store = db.store().await;
    support::build_fixture(&store).await;
    reopen_year(&store).await;
    let (_, item) = grade_flag(&store).await;
    let server = support::spawn(store.clone()).await;
    let sheet = format!("/m/{OWN_CITY}/sheets/{item}/{FY}");
    let draft_url = format!("{sheet}/checks/draft");
    let before = store.sheet(item, fy()).await.unwrap().map(|s| s.version);

    let mut editor = server.signed_in("editor-own").await;
    let form = editor.get(&format!("{sheet}/edit")).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains(&format!("data-checks-url=\"{draft_url}\"")), "the form says where to ask");
    assert!(form.body.contains("id=\"draft-checks\""));
    let mut fields = form_fields(&form.body, "sheet-form");

    let r = post(&mut editor, &draft_url, &fields).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("入力中の内容（まだ保存していません）"), "{}", r.body);
    assert!(r.body.contains("40.7%（61件／150件以上）"), "the input as stored has the grade flag: {}", r.body);

    // 企-7 has no indicator table: its achievement is read from the
    // outcome narratives (目標 150件以上, 実績 61件).
    let result = fields.iter().find(|(k, v)| k.starts_with("n.outcome_result.") && v.contains("61件")).map_or_else(
        || panic!("企-7's outcome in the form: {fields:?}"),
        |(k, v)| (k.clone(), v.replace("61件", "150件")),
    );
    set(&mut fields, &result.0, &result.1);
    let r = post(&mut editor, &draft_url, &fields).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(!r.body.contains("40.7%（61件／150件以上）"), "the grade follows the typed outcome: {}", r.body);

    let after = store.sheet(item, fy()).await.unwrap().map(|s| s.version);
    assert_eq!(after, before, "nothing was saved");
    let page = editor.get(&sheet).await;
    assert!(page.body.contains("40.7%（61件／150件以上）"), "the stored sheet keeps its flag");

    let mut other = server.signed_in("editor-other").await;
    assert_eq!(post(&mut other, &draft_url, &fields).await.status, 403);
    let mut viewer = server.signed_in("viewer").await;
    assert_eq!(post(&mut viewer, &draft_url, &fields).await.status, 403);
}

/// The year's page counts the open flags per 部, each a link that lists
/// that 部's flags alone (a big city's year lists only the 部 until one is
/// chosen: more than 300 open flags); acknowledging one comes back to it.
#[tokio::test]
async fn the_year_page_counts_flags_per_department_and_lists_one_department() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let city = hyoka_store::testing::synthetic_city(&store, "990001", "合成市", 80).await;
    support::account(&store, "big-admin", hyoka_core::access::Role::Admin, Some("990001"), None).await;
    let check = check_year(&store, "990001", city.published).await.unwrap();
    let open: Vec<_> = check.open().collect();
    let of = |d: &str| open.iter().filter(|f| f.department.as_deref() == Some(d)).count();
    let departments = ["企画部", "市民部", "都市整備部"];
    assert!(departments.iter().filter(|d| of(d) > 0).count() >= 2, "flags in two 部 at least");
    let server = support::spawn(store.clone()).await;
    let mut admin = server.signed_in("big-admin").await;
    let year = city.published.year();

    let r = admin.get(&format!("/m/990001/admin/checks?fy={year}")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("部ごとの未確認の指摘"), "{}", r.body);
    assert_eq!(r.body.matches("class=\"check-flag\"").count(), open.len(), "a small year lists every flag");
    for d in departments.iter().filter(|d| of(d) > 0) {
        let link = format!("/m/990001/admin/checks?fy={year}&amp;dept={}\"", utf8(d));
        assert!(r.body.contains(&link), "{d}: {link}");
        assert!(r.body.contains(&format!("{}件", of(d))), "{d}'s count");
    }

    let d = *departments.iter().find(|d| of(d) > 0).unwrap();
    let r = admin.get(&format!("/m/990001/admin/checks?fy={year}&dept={}", utf8(d))).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains(&format!("<h2>{d}</h2>")), "{}", r.body);
    for other in departments.iter().filter(|o| **o != d) {
        assert!(!r.body.contains(&format!("<h2>{other}</h2>")), "only {d}: {other} listed");
    }
    assert_eq!(r.body.matches("class=\"check-flag\"").count(), of(d));

    let flag = open.iter().find(|f| f.department.as_deref() == Some(d)).unwrap().id.clone();
    let post = format!("/m/990001/admin/checks/{year}/acknowledge");
    let r = admin.post(&post, &[("flag", &flag), ("reason", "意図どおり"), ("dept", d)]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let back = r.header("location").unwrap_or_default().to_string();
    assert!(back.contains(&format!("dept={}", utf8(d))), "back to the 部: {back}");
    assert_eq!(check_year(&store, "990001", city.published).await.unwrap().acknowledged().count(), 1);
}

fn utf8(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}
