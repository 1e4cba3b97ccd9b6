//! User flows in a real headless Chromium, driven over WebDriver, against
//! the real server on the test backend.

use crate::support;
use crate::support::webdriver;

use hyoka_core::access::Role;
use hyoka_core::org::Validity;
use hyoka_store::testing::TestDb;
use hyoka_store::{Municipality, Store};
use webdriver::{Browser, Driver};

async fn city(store: &Store) {
    let mut tx = store.begin().await.unwrap();
    tx.upsert_municipality(&Municipality { code: "132047".into(), name: "三鷹市".into() }).await.unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_with_a_wrong_password_then_the_right_one_then_logout() {
    let db = TestDb::new().await;
    let store = db.store().await;
    city(&store).await;
    support::account(&store, "viewer", Role::Viewer, Some("132047"), None).await;
    let server = support::spawn(store).await;
    let base = format!("http://{}", server.addr);
    let driver = Driver::start().await;
    let b = driver.browser().await;

    b.goto(&format!("{base}/m/132047")).await;
    assert!(b.url().await.contains("/login"), "signed out, a staff page leads to the login form");
    b.fill(&b.find("#login").await, "viewer").await;
    b.fill(&b.find("#password").await, "wrong-password-123").await;
    b.click(&b.find("form.login button[type=submit]").await).await;
    b.wait_for_text("ログイン名またはパスワードが違います").await;

    b.fill(&b.find("#login").await, "viewer").await;
    b.fill(&b.find("#password").await, support::PASSWORD).await;
    b.click(&b.find("form.login button[type=submit]").await).await;
    b.wait_for_text("viewer さん").await;
    b.goto(&format!("{base}/m/132047")).await;
    b.wait_for_text("三鷹市").await;

    b.sign_out().await;
    b.wait_for_text("ログイン名").await;
    b.goto(&format!("{base}/m/132047")).await;
    assert!(b.url().await.contains("/login"), "after logout the city page asks for login again");
    b.quit().await;
}

/// 三鷹市's twelve project sheets of FY2018 (seed 000), accounts for every
/// role in their section 企画部, and an editor of another section.
struct Fixture {
    _db: TestDb,
    server: support::TestServer,
    item: i64,
    /// 企-7, whose grade disagrees with its outcome (61件 of 150件以上).
    graded: i64,
}

async fn mitaka_sheets() -> Fixture {
    let db = TestDb::new().await;
    let store = db.store().await;
    let name = "000_1a8dd8067da68eba.txt";
    let text = std::fs::read_to_string(format!("{}/../../demo/seeds/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let (_, batch) = hyoka_import::read_published(name, &text).unwrap();
    hyoka_import::apply(&store, &[(name.to_string(), batch)], false).await.unwrap();
    let own = store.section_id("132047", "企画部", "").await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let other = tx.upsert_section("132047", "総務部", "総務課", Validity::default()).await.unwrap();
    tx.commit().await.unwrap();
    support::account(&store, "editor", Role::Editor, Some("132047"), Some(own)).await;
    support::account(&store, "head", Role::Head, Some("132047"), Some(own)).await;
    support::account(&store, "reviewer", Role::Reviewer, Some("132047"), None).await;
    support::account(&store, "admin", Role::Admin, Some("132047"), None).await;
    support::account(&store, "other-editor", Role::Editor, Some("132047"), Some(other)).await;
    let item = first_sheet_item(&store).await;
    let graded = store.items("132047").await.unwrap().into_iter().find(|i| i.code == "企-7").expect("企-7").id;
    let server = support::spawn(store).await;
    Fixture { _db: db, server, item, graded }
}

async fn first_sheet_item(store: &Store) -> i64 {
    store.items("132047").await.unwrap().into_iter().find(|i| i.code == "企-1").expect("企-1 is imported").id
}

impl Fixture {
    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.server.addr)
    }

    fn sheet(&self) -> String {
        self.url(&format!("/m/132047/sheets/{}/2018", self.item))
    }
}

async fn sign_in(b: &Browser, f: &Fixture, login: &str) {
    b.sign_in(&f.url(""), login).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edit_save_reload_and_see_the_values() {
    let f = mitaka_sheets().await;
    let driver = Driver::start().await;
    let b = driver.browser().await;
    sign_in(&b, &f, "editor").await;
    b.goto(&format!("{}/edit", f.sheet())).await;
    let summary = b.find("textarea[name='n.summary.0']").await;
    b.fill(&summary, "ブラウザから入力した総括です。\n- 一つ目の成果\n- 二つ目の成果").await;
    b.fill(&b.find("input[name='b.settlement']").await, "6,500").await;
    b.click(&b.find("#sheet-form button[type=submit].primary").await).await;
    b.wait_for_status("作成中").await;

    // A fresh page load shows what was saved, as a reader sees it.
    b.goto(&f.sheet()).await;
    b.wait_for_text("ブラウザから入力した総括です。").await;
    let page = b.source().await;
    assert!(page.contains("<li>一つ目の成果</li>"), "list items render as a list");
    assert!(page.contains("6,500"), "the settlement is shown in the layout's unit (千円)");
    // 6,500 ÷ 7,368 (the final budget): the execution rate is recomputed.
    assert!(page.contains("88.2%"), "the execution rate is computed from the new settlement");
    b.goto(&format!("{}/history", f.sheet())).await;
    b.wait_for_text("ブラウザから入力した総括です。").await;
    b.quit().await;
}

/// The consistency checks follow the input: typing 企-7's outcome up to
/// its target clears the grade's flag beside the form, before saving.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_checks_follow_the_input_before_saving() {
    let f = mitaka_sheets().await;
    let driver = Driver::start().await;
    let b = driver.browser().await;
    sign_in(&b, &f, "editor").await;
    b.goto(&f.url(&format!("/m/132047/sheets/{}/2018/edit", f.graded))).await;
    b.wait_for_text("40.7%（61件／150件以上）").await;
    let outcome = b.find("textarea[name='n.outcome_result.0']").await;
    let typed = b.value(&outcome).await.replace("61件", "150件");
    b.fill(&outcome, &typed).await;
    for _ in 0..300 {
        let checks = b.text(&b.find("#draft-checks").await).await;
        if !checks.contains("40.7%") {
            assert!(b.url().await.ends_with("/edit"), "nothing was submitted");
            b.quit().await;
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the grade's flag stayed after the outcome was typed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_second_of_two_conflicting_saves_is_refused_and_keeps_its_input() {
    let f = mitaka_sheets().await;
    let driver = Driver::start().await;
    let (editor, head) = (driver.browser().await, driver.browser().await);
    sign_in(&editor, &f, "editor").await;
    sign_in(&head, &f, "head").await;
    editor.goto(&format!("{}/edit", f.sheet())).await;
    head.goto(&format!("{}/edit", f.sheet())).await;

    editor.fill(&editor.find("textarea[name='n.summary.0']").await, "担当者が先に保存した総括").await;
    editor.click(&editor.find("#sheet-form button[type=submit].primary").await).await;
    editor.wait_for_status("作成中").await;

    head.fill(&head.find("textarea[name='n.summary.0']").await, "課長が後から保存しようとした総括").await;
    head.click(&head.find("#sheet-form button[type=submit].primary").await).await;
    head.wait_for_text("他の人が先に保存しました").await;
    let page = head.source().await;
    assert!(page.contains("担当者が先に保存した総括"), "the stored version is shown for comparison");
    let mine = head.value(&head.find("textarea[name='n.summary.0']").await).await;
    assert_eq!(mine, "課長が後から保存しようとした総括", "the refused input is still in the form");

    // Nothing was overwritten.
    editor.goto(&f.sheet()).await;
    let stored = editor.source().await;
    assert!(stored.contains("担当者が先に保存した総括") && !stored.contains("課長が後から保存しようとした総括"));
    editor.quit().await;
    head.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submit_approve_grade_and_lock() {
    let f = mitaka_sheets().await;
    let driver = Driver::start().await;
    let b = driver.browser().await;

    sign_in(&b, &f, "editor").await;
    b.goto(&f.sheet()).await;
    b.press("/submit").await;
    b.wait_for_status("提出済").await;
    b.sign_out().await;

    sign_in(&b, &f, "head").await;
    b.goto(&f.sheet()).await;
    b.press("/approve").await;
    b.wait_for_status("承認済").await;
    b.sign_out().await;

    sign_in(&b, &f, "reviewer").await;
    b.goto(&f.sheet()).await;
    b.select("#review-stage", "事後評価").await;
    b.select("#review-grade", "S 計画以上").await;
    b.fill(&b.find("#review-comment").await, "計画以上の成果を評価する。").await;
    b.press("/review").await;
    b.wait_for_status("審査済").await;
    b.sign_out().await;

    sign_in(&b, &f, "admin").await;
    b.goto(&f.url("/m/132047/admin/years")).await;
    b.click(&b.find("#confirm-2018").await).await;
    b.press("/admin/years/2018/lock").await;
    b.wait_for_url("done=lock").await;
    b.goto(&f.sheet()).await;
    b.wait_for_status("確定").await;
    assert!(b.source().await.contains("計画以上の成果を評価する。"), "the grade's comment is on the sheet");
    b.sign_out().await;

    // Locked: the section can no longer edit.
    sign_in(&b, &f, "editor").await;
    b.goto(&format!("{}/edit", f.sheet())).await;
    b.wait_for_text("確定").await;
    assert!(b.try_find("#sheet-form button[type=submit].primary").await.is_none(), "no save button on a locked sheet");
    b.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sheet_print_page_is_styled_under_the_csp() {
    let f = mitaka_sheets().await;
    let driver = Driver::start().await;
    let b = driver.browser().await;
    sign_in(&b, &f, "editor").await;
    b.goto(&f.sheet()).await;
    b.click(&b.find("a[href$='/print/html']").await).await;
    b.wait_for_url("/print/html").await;
    b.wait_for_text("個別事業評価表").await;
    // The linked style sheet applies (an inline one would be blocked by the
    // CSP, silently): tables collapse their borders, columns get widths.
    let style = b
        .execute(
            "const t = document.querySelector('table'); const c = document.querySelector('col'); \
             return [getComputedStyle(t).borderCollapse, c ? c.getAttribute('width') : null];",
            vec![],
        )
        .await;
    assert_eq!(style[0], "collapse", "the print style sheet is applied: {style}");
    assert!(style[1].as_str().is_some_and(|w| w.ends_with('%')), "columns carry their widths: {style}");
    b.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_of_another_section_is_refused() {
    let f = mitaka_sheets().await;
    let driver = Driver::start().await;
    let b = driver.browser().await;
    sign_in(&b, &f, "other-editor").await;
    b.goto(&format!("{}/edit", f.sheet())).await;
    b.wait_for_text("この操作を行う権限がありません").await;
    assert!(b.try_find("#sheet-form").await.is_none());
    // Reading is allowed, editing is not offered.
    b.goto(&f.sheet()).await;
    b.wait_for_text("企-1").await;
    assert!(
        b.try_find(&format!("a[href$='/{}/2018/edit']", f.item)).await.is_none(),
        "no edit link for another section"
    );
    b.quit().await;
}
