//! Setting a new city up on the admin pages, over real HTTP on the test
//! backend: 組織, 計画（体系）, 事業 and 指標; forms that answer 422 with the
//! message next to the field; opening the first year; the canonical
//! workbook to download; and what a city with nothing yet is told.

use crate::support;

use hyoka_core::access::Role;
use hyoka_store::testing::TestDb;
use hyoka_store::{Municipality, Store};
use support::{Client, Response, TestServer};

const CHOFU: &str = "132080";

struct City {
    _db: TestDb,
    store: Store,
    server: TestServer,
}

/// 調布市 with nothing but its admin (and 三鷹市's admin, to knock on the
/// wrong door).
async fn empty_city() -> City {
    let db = TestDb::new().await;
    let store = db.store().await;
    let mut tx = store.begin().await.unwrap();
    tx.upsert_municipality(&Municipality { code: CHOFU.into(), name: "調布市".into() }).await.unwrap();
    tx.upsert_municipality(&Municipality { code: "132047".into(), name: "三鷹市".into() }).await.unwrap();
    tx.commit().await.unwrap();
    support::account(&store, "chofu-admin", Role::Admin, Some(CHOFU), None).await;
    support::account(&store, "mitaka-admin", Role::Admin, Some("132047"), None).await;
    let server = support::spawn(store.clone()).await;
    City { _db: db, store, server }
}

/// The id at the end of a redirect's path: `/m/…/items/12?done=…` → 12.
fn id_in(r: &Response) -> i64 {
    let l = r.location().unwrap_or_else(|| panic!("a redirect: {} {}", r.status, r.body));
    let path = l.split(['?', '#']).next().unwrap();
    path.rsplit('/').next().unwrap().parse().unwrap_or_else(|_| panic!("an id at the end of {l}"))
}

async fn post_ok(c: &mut Client, path: &str, fields: &[(&str, &str)]) -> Response {
    let r = c.post(path, fields).await;
    assert_eq!(r.status, 303, "{path} {fields:?}: {}", r.body);
    r
}

/// A 422 page that shows `message` next to the field `id` and marks it.
fn assert_field_error(r: &Response, id: &str, message: &str) {
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains(&format!("id=\"{id}-error\"")), "a message for {id}: {}", r.body);
    assert!(r.body.contains(message), "«{message}» on the page: {}", r.body);
    let input = r.body.split(&format!("id=\"{id}\"")).nth(1).map(|s| s.split('>').next().unwrap_or(""));
    let input = input.unwrap_or_else(|| panic!("the field {id} is on the page"));
    assert!(input.contains("aria-invalid=\"true\""), "{id} is marked invalid: {input}");
    assert!(input.contains(&format!("aria-describedby=\"{id}-error\"")), "{id} points at its message: {input}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_city_is_set_up_on_the_admin_pages() {
    let city = empty_city().await;
    let mut admin = city.server.signed_in("chofu-admin").await;
    let base = format!("/m/{CHOFU}/admin");

    let org = admin.get(&format!("{base}/org")).await;
    assert_eq!(org.status, 200);
    assert!(org.body.contains("まだ部がありません"));
    assert!(org.body.contains(&format!("href=\"{base}/plans\"")), "the admin nav links the new pages");

    // 組織: a department and two sections; a blank name is refused on the field.
    let r = admin.post(&format!("{base}/org/departments"), &[("name", " "), ("from", "")]).await;
    assert_field_error(&r, "new-department-name", "部の名前を入力してください");
    post_ok(&mut admin, &format!("{base}/org/departments"), &[("name", "行政経営部"), ("from", "令和7年度")]).await;
    let r = admin.post(&format!("{base}/org/departments"), &[("name", "行政経営部"), ("from", "")]).await;
    assert_field_error(&r, "new-department-name", "既にあります");
    let dept = city.store.departments(CHOFU).await.unwrap()[0].id.to_string();
    let mut sections = Vec::new();
    for name in ["企画経営課", "行政改革推進課"] {
        let r = post_ok(
            &mut admin,
            &format!("{base}/org/sections"),
            &[("department", &dept), ("name", name), ("from", "")],
        )
        .await;
        sections.push(id_in(&r));
    }
    let r = admin.post(&format!("{base}/org/sections"), &[("department", ""), ("name", "x課"), ("from", "")]).await;
    assert_field_error(&r, "new-section-department", "部を選んでください");
    let section = format!("{base}/org/sections/{}", sections[0]);
    let staff = [
        ("fiscal_year", "2025"),
        ("regular_staff", "八人"),
        ("other_staff", "1"),
        ("extension", "2311"),
        ("head_title", "課長"),
        ("head_name", "布田 花子"),
    ];
    let r = admin.post(&format!("{section}/staff"), &staff).await;
    assert_field_error(&r, "staff-regular_staff", "正職員数「八人」は0以上の数で");
    assert!(r.body.contains("value=\"布田 花子\""), "what was typed is kept: {}", r.body);
    let mut staff = staff;
    staff[1].1 = "8";
    post_ok(&mut admin, &format!("{section}/staff"), &staff).await;
    let page = admin.get(&section).await;
    assert!(page.body.contains("布田 花子") && page.body.contains("2311"), "{}", page.body);

    // 計画: two levels, three nodes, one moved up.
    let r = admin
        .post(
            &format!("{base}/plans"),
            &[("name", "調布市基本計画"), ("code", "basic"), ("level_names", "基本目標\r\n施策")],
        )
        .await;
    let plan = id_in(&r);
    let r = admin.post(&format!("{base}/plans"), &[("name", "別"), ("code", "basic"), ("level_names", "施策")]).await;
    assert_field_error(&r, "new-plan-code", "既に使われています");
    let plan_path = format!("{base}/plans/{plan}");
    let r = post_ok(
        &mut admin,
        &format!("{plan_path}/nodes"),
        &[("parent", "top"), ("code", "1"), ("title", "安全なまち"), ("tags", "")],
    )
    .await;
    let goal = r.location().unwrap().rsplit("#node-").next().unwrap().to_string();
    let mut nodes = Vec::new();
    for (code, title) in [("1-2", "防犯"), ("1-1", "防災")] {
        let r = post_ok(
            &mut admin,
            &format!("{plan_path}/nodes"),
            &[("parent", &goal), ("code", code), ("title", title), ("tags", "")],
        )
        .await;
        nodes.push(r.location().unwrap().rsplit("#node-").next().unwrap().to_string());
    }
    let r = admin
        .post(
            &format!("{plan_path}/nodes"),
            &[("parent", &nodes[0]), ("code", "1-2-1"), ("title", "深すぎる"), ("tags", "")],
        )
        .await;
    assert_field_error(&r, "add-node-parent", "この計画の階層は2段");
    post_ok(&mut admin, &format!("{base}/nodes/{}/order", nodes[1]), &[("direction", "up")]).await;
    let tree = admin.get(&plan_path).await;
    let (a, b) = (tree.body.find("防災").unwrap(), tree.body.find("防犯").unwrap());
    assert!(a < b, "1-1 was moved above 1-2");
    let node_page = admin.get(&format!("{base}/nodes/{}", nodes[0])).await;
    assert!(node_page.body.contains("移動先の親"), "the node page offers a parent: {}", node_page.body);

    // 事業: three projects, listed in the order of their printed codes.
    let mut items = Vec::new();
    for (code, title) in [("No.10", "防災訓練"), ("No.2", "防犯パトロール"), ("No.1", "行政評価")] {
        let r = post_ok(
            &mut admin,
            &format!("{base}/items"),
            &[
                ("kind", "project"),
                ("code", code),
                ("title", title),
                ("fiscal_year", "2025"),
                ("tags", ""),
                ("key", ""),
            ],
        )
        .await;
        items.push(id_in(&r));
    }
    let r = admin
        .post(
            &format!("{base}/items"),
            &[("kind", "project"), ("code", "No.3"), ("title", ""), ("fiscal_year", "2025"), ("tags", ""), ("key", "")],
        )
        .await;
    assert_field_error(&r, "new-item-title", "名前を入力してください");
    let list = admin.get(&format!("{base}/items")).await;
    let at = |t: &str| list.body.find(t).unwrap_or_else(|| panic!("{t} listed"));
    assert!(at("行政評価") < at("防犯パトロール") && at("防犯パトロール") < at("防災訓練"), "No.1, No.2, No.10");

    let item = format!("{base}/items/{}", items[1]);
    post_ok(&mut admin, &format!("{item}/placements"), &[("action", "add"), ("node", &nodes[0]), ("relisting", "")])
        .await;
    post_ok(&mut admin, &format!("{item}/placements"), &[("action", "add"), ("node", &nodes[1]), ("relisting", "yes")])
        .await;
    let s0 = sections[0].to_string();
    let s1 = sections[1].to_string();
    post_ok(&mut admin, &format!("{item}/sections"), &[("section", &s0), ("section", &s1)]).await;
    let r = admin.post(&format!("{item}/sections"), &[]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("担当課を1つ以上選んでください"), "{}", r.body);
    let page = admin.get(&item).await;
    assert!(page.body.contains("再掲（合計に数えない）"), "{}", page.body);
    assert_eq!(city.store.sheet_section_ids(items[1]).await.unwrap().len(), 2);

    // 指標: an outcome with baseline and final target; a 対象指標 without.
    let indicator = [
        ("kind", "outcome"),
        ("name", "刑法犯認知件数"),
        ("definition", "市内の刑法犯認知件数"),
        ("unit", "件"),
        ("direction", "lower"),
        ("vocabulary", "achievement"),
        ("baseline_year", "2024"),
        ("baseline", "1,234件"),
        ("target_year", "2029"),
        ("target", "1,000件以下"),
    ];
    post_ok(&mut admin, &format!("{item}/indicators"), &indicator).await;
    let mut population = indicator;
    population[0].1 = "population";
    population[1].1 = "市内の世帯数";
    let r = admin.post(&format!("{item}/indicators"), &population).await;
    assert_field_error(&r, "indicator-target", "対象指標");
    population[9].1 = "";
    post_ok(&mut admin, &format!("{item}/indicators"), &population).await;
    let page = admin.get(&item).await;
    assert!(page.body.contains("1,000件以下") && page.body.contains("対象指標"), "{}", page.body);
    let record = city.store.item_indicators(items[1]).await.unwrap();
    assert_eq!(record.len(), 2);
    assert_eq!(record[0].direction, hyoka_core::Direction::LowerIsBetter);

    // Opening 令和7年度 makes the three sheets, in printed-code order.
    let years = admin.get(&format!("{base}/years")).await;
    assert!(years.body.contains(&format!("{base}/years/2025/open")), "the year projects start in is offered");
    let r = admin.post(&format!("{base}/years/2025/open"), &[]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("調査票（未着手）を 3 件作りました"), "{}", r.body);
    let list = r.body.split("作成した調査票").nth(1).unwrap();
    let at = |c: &str| list.find(&format!(">{c}<")).unwrap_or_else(|| panic!("{c} made"));
    assert!(at("No.1") < at("No.2") && at("No.2") < at("No.10"), "{list}");

    // The canonical workbook holds what was set up.
    let x = admin.get(&format!("{base}/export.xlsx")).await;
    assert_eq!(x.status, 200);
    assert_eq!(x.header("content-type"), Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
    assert!(x.header("content-disposition").is_some_and(|d| d.contains("hyoka-132080.xlsx")));
    let (batch, _) = hyoka_import::canonical::read_canonical(&[("hyoka-132080.xlsx", x.bytes.as_slice())]).unwrap();
    let c = &batch.cities[0];
    assert_eq!((c.code.as_str(), c.items.len(), c.indicators.len(), c.plans[0].nodes.len()), (CHOFU, 3, 2, 3));
    let kinds: Vec<&str> = c.indicators.iter().map(|i| i.kind.code()).collect();
    assert!(kinds.contains(&"population"), "{kinds:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_city_with_nothing_yet_is_told_what_to_do_first() {
    let city = empty_city().await;
    let mut admin = city.server.signed_in("chofu-admin").await;
    let base = format!("/m/{CHOFU}/admin");

    // An editor needs a 課: the form says so, and where to make one.
    let accounts = admin.get(&format!("{base}/accounts")).await;
    assert!(accounts.body.contains("課がまだありません"), "{}", accounts.body);
    let r = admin
        .post(
            &format!("{base}/accounts"),
            &[("login", "editor1"), ("display_name", "編集 一"), ("role", "editor"), ("section", "")],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("課がまだありません。先に「組織（部・課）」で課を作成してください"), "{}", r.body);
    assert!(r.body.contains(&format!("href=\"{base}/org\"")), "a link to where sections are made");
    assert!(city.store.account_by_login("editor1").await.unwrap().is_none());

    // Opening a year with no projects says so, and how to add them.
    let r = admin.post(&format!("{base}/years/2025/open"), &[]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(!r.body.contains("すべて作成済み"), "not 'every sheet already exists': {}", r.body);
    assert!(r.body.contains("まだ事業が登録されていないため"), "{}", r.body);
    assert!(r.body.contains(&format!("href=\"{base}/items\"")), "{}", r.body);

    // A project added later: opening the year again makes its sheet.
    let r = admin
        .post(
            &format!("{base}/items"),
            &[
                ("kind", "project"),
                ("code", "1"),
                ("title", "市民参加"),
                ("fiscal_year", "2025"),
                ("tags", ""),
                ("key", ""),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let r = admin.post(&format!("{base}/years/2025/open"), &[]).await;
    assert!(r.body.contains("調査票（未着手）を 1 件作りました"), "{}", r.body);
    let r = admin.post(&format!("{base}/years/2025/open"), &[]).await;
    assert!(
        r.body.contains("新しく作る調査票はありませんでした") && r.body.contains("1 件は、すべて作成済み"),
        "{}",
        r.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removals_say_what_is_in_the_way_and_other_cities_find_nothing() {
    let city = empty_city().await;
    let mut admin = city.server.signed_in("chofu-admin").await;
    let base = format!("/m/{CHOFU}/admin");
    let plan =
        id_in(&admin.post(&format!("{base}/plans"), &[("name", "計画"), ("code", "p"), ("level_names", "施策")]).await);
    let r = post_ok(
        &mut admin,
        &format!("{base}/plans/{plan}/nodes"),
        &[("parent", "top"), ("code", "1"), ("title", "施策1"), ("tags", "")],
    )
    .await;
    let node = r.location().unwrap().rsplit("#node-").next().unwrap().to_string();
    let item = id_in(
        &admin
            .post(
                &format!("{base}/items"),
                &[
                    ("kind", "project"),
                    ("code", "A-1"),
                    ("title", "事業A"),
                    ("fiscal_year", "2025"),
                    ("tags", ""),
                    ("key", ""),
                ],
            )
            .await,
    );
    post_ok(
        &mut admin,
        &format!("{base}/items/{item}/placements"),
        &[("action", "add"), ("node", &node), ("relisting", "")],
    )
    .await;

    // The node holds an item: refused (409) with the reason, nothing removed.
    let r = admin.post(&format!("{base}/nodes/{node}/remove"), &[("confirm", "yes")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("事業（A-1 事業A）があるため削除できません"), "{}", r.body);
    let r = admin.post(&format!("{base}/nodes/{node}/remove"), &[]).await;
    assert_eq!(r.status, 422, "the confirmation is needed");

    // A locked year guards the item.
    admin.post(&format!("{base}/years/2025/open"), &[]).await;
    let r = admin.post(&format!("{base}/years/2025/lock"), &[("confirm", "yes")]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = admin.post(&format!("{base}/items/{item}/remove"), &[("confirm", "yes")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("確定済みの年度（令和7年度）"), "{}", r.body);
    assert!(city.store.item(item).await.is_ok());

    // Another city's admin: every page of this city is "not found".
    let mut other = city.server.signed_in("mitaka-admin").await;
    for path in [
        format!("{base}/org"),
        format!("{base}/items/{item}"),
        format!("{base}/nodes/{node}"),
        format!("{base}/export.xlsx"),
    ] {
        assert_eq!(other.get(&path).await.status, 404, "{path}");
    }
    // …and this city's ids under their own city's code too.
    assert_eq!(other.get(&format!("/m/132047/admin/items/{item}")).await.status, 404);
    let r = other.post(&format!("/m/132047/admin/items/{item}/remove"), &[("confirm", "yes")]).await;
    assert_eq!(r.status, 404);
    assert!(city.store.item(item).await.is_ok());
}

// ------------------------------------------------------------- in Chromium

mod browser {
    use super::CHOFU;
    use crate::support;
    use crate::support::webdriver::{Browser, Driver};

    use hyoka_core::access::Role;
    use hyoka_store::testing::libreoffice::{convert, temp_dir};
    use hyoka_store::testing::TestDb;

    struct Site {
        base: String,
    }

    impl Site {
        fn url(&self, path: &str) -> String {
            format!("{}{path}", self.base)
        }
    }

    async fn sign_in(b: &Browser, site: &Site, login: &str, password: &str) {
        b.goto(&site.url("/login")).await;
        b.fill(&b.find("#login").await, login).await;
        b.fill(&b.find("#password").await, password).await;
        b.click(&b.find("form.login button[type=submit]").await).await;
        b.wait_for_text("ログアウト").await;
    }

    async fn sign_out(b: &Browser) {
        b.click(&b.find(".user button[type=submit]").await).await;
        b.wait_for_url("/login").await;
    }

    /// Clicks the submit button of the form whose action ends with `action`.
    async fn press(b: &Browser, action: &str) {
        b.click(&b.find(&format!("form[action$='{action}'] button[type=submit]")).await).await;
    }

    /// The password a page shows once.
    async fn shown_password(b: &Browser) -> String {
        b.wait_for_text("パスワード: ").await;
        b.text(&b.find("code.password").await).await.trim().to_string()
    }

    /// The id at the end of the browser's path.
    async fn id_in_url(b: &Browser) -> String {
        let url = b.url().await;
        let path = url.split(['?', '#']).next().unwrap().to_string();
        path.rsplit('/').next().unwrap().to_string()
    }

    async fn wait_for_status(b: &Browser, status: &str) {
        for _ in 0..300 {
            if let Some(badge) = b.try_find(".workflow strong.badge").await {
                if b.try_text(&badge).await.is_some_and(|t| t.trim() == status) {
                    return;
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the sheet did not reach {status}: {}", b.url().await);
    }

    /// A system administrator registers 調布市 and its admin; the admin sets
    /// the city up (two sections, a plan of two levels, three projects with
    /// indicators), renames a project in the city's workbook edited in
    /// LibreOffice and uploaded on the import page, opens the year and
    /// makes an editor; the editor fills in and submits a sheet; the admin
    /// locks and publishes the year, and the public portal shows it.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_new_city_runs_its_first_year_in_the_browser() {
        let db = TestDb::new().await;
        let store = db.store().await;
        support::account(&store, "system", Role::SystemAdmin, None, None).await;
        let server = support::spawn(store.clone()).await;
        let site = Site { base: format!("http://{}", server.addr) };
        let driver = Driver::start().await;
        let b = driver.browser().await;

        // The system administrator: the city and its first admin.
        sign_in(&b, &site, "system", support::PASSWORD).await;
        b.goto(&site.url("/system")).await;
        b.fill(&b.find("#city-code").await, CHOFU).await;
        b.fill(&b.find("#city-name").await, "調布市").await;
        press(&b, "/system/cities").await;
        b.wait_for_url("done=city").await;
        b.select("#admin-city", "調布市（132080）").await;
        b.fill(&b.find("#admin-login").await, "chofu-admin").await;
        b.fill(&b.find("#admin-name").await, "企画 花子").await;
        press(&b, "/system/admins").await;
        let admin_password = shown_password(&b).await;
        sign_out(&b).await;

        // The admin: organisation.
        sign_in(&b, &site, "chofu-admin", &admin_password).await;
        b.goto(&site.url(&format!("/m/{CHOFU}/admin/org"))).await;
        b.fill(&b.find("#new-department-name").await, "健康福祉部").await;
        press(&b, "/admin/org/departments").await;
        b.wait_for_url("done=department").await;
        for name in ["健康推進課", "地域医療課"] {
            b.goto(&site.url(&format!("/m/{CHOFU}/admin/org"))).await;
            b.select("#new-section-department", "健康福祉部").await;
            b.fill(&b.find("#new-section-name").await, name).await;
            press(&b, "/admin/org/sections").await;
            b.wait_for_url("done=section").await;
        }

        // A plan of two levels: 基本目標 1, 施策 1-1 and 1-2.
        b.goto(&site.url(&format!("/m/{CHOFU}/admin/plans"))).await;
        b.fill(&b.find("#new-plan-name").await, "調布市基本計画").await;
        b.fill(&b.find("#new-plan-code").await, "basic").await;
        b.fill(&b.find("#new-plan-level_names").await, "基本目標\n施策").await;
        press(&b, "/admin/plans").await;
        b.wait_for_url("done=created").await;
        let plan_url = b.url().await.split('?').next().unwrap().to_string();
        for (parent, code, title) in [
            ("（最上位: 基本目標）", "1", "健やかに暮らせるまち"),
            ("1 健やかに暮らせるまち", "1-1", "健康づくり"),
            ("1 健やかに暮らせるまち", "1-2", "地域医療"),
        ] {
            b.goto(&plan_url).await;
            b.select("#add-node-parent", parent).await;
            b.fill(&b.find("#add-node-code").await, code).await;
            b.fill(&b.find("#add-node-title").await, title).await;
            press(&b, "/nodes").await;
            b.wait_for_url("done=node").await;
        }

        // Three projects, each placed, with a section and an indicator.
        let mut items = Vec::new();
        for (code, title, node, section) in [
            ("No.10", "がん検診", "1-2 地域医療", 1),
            ("No.2", "特定健診", "1-1 健康づくり", 0),
            ("No.1", "健康教室", "1-1 健康づくり", 0),
        ] {
            b.goto(&site.url(&format!("/m/{CHOFU}/admin/items"))).await;
            b.select("#new-item-kind", "事業").await;
            b.fill(&b.find("#new-item-code").await, code).await;
            b.fill(&b.find("#new-item-title").await, title).await;
            b.fill(&b.find("#new-item-fiscal_year").await, "令和7年度").await;
            press(&b, "/admin/items").await;
            b.wait_for_url("done=created").await;
            let item = id_in_url(&b).await;
            b.select("#place-node", node).await;
            b.click(&b.find("#place-form button[type=submit]").await).await;
            b.wait_for_url("done=placed").await;
            b.click(&b.find_all("input[name=section]").await[section]).await;
            press(&b, "/sections").await;
            b.wait_for_url("done=sections").await;
            b.click(&b.find("a[href$='/indicators/new']").await).await;
            b.wait_for_url("/indicators/new").await;
            b.select("#indicator-kind", "活動指標").await;
            b.fill(&b.find("#indicator-name").await, &format!("{title}の実施回数")).await;
            b.fill(&b.find("#indicator-unit").await, "回").await;
            b.fill(&b.find("#indicator-baseline_year").await, "2024").await;
            b.fill(&b.find("#indicator-baseline").await, "10回").await;
            b.fill(&b.find("#indicator-target_year").await, "2029").await;
            b.fill(&b.find("#indicator-target").await, "20回").await;
            b.click(&b.find("form[action$='/indicators'] button.primary").await).await;
            b.wait_for_url("done=indicator").await;
            items.push(item);
        }

        // The planning division's loop without a terminal: download the
        // city's workbook, edit it in LibreOffice (the project's name, in
        // LibreOffice's own document, saved back as XLSX by LibreOffice),
        // upload it, read the dry run, confirm.
        let book = b.download(&site.url(&format!("/m/{CHOFU}/admin/export.xlsx"))).await;
        let dir = temp_dir("new-city-workbook");
        let (profile, edited) = (dir.join("profile"), dir.join("edited"));
        std::fs::write(dir.join("chofu.xlsx"), &book).unwrap();
        convert(&profile, "fods", &dir, &dir.join("chofu.xlsx"));
        let flat = std::fs::read_to_string(dir.join("chofu.fods")).unwrap();
        assert!(flat.contains(">がん検診<"), "the downloaded workbook holds the project");
        std::fs::create_dir_all(&edited).unwrap();
        std::fs::write(edited.join("chofu.fods"), flat.replace(">がん検診<", ">がん検診事業<")).unwrap();
        convert(&profile, "xlsx:Calc MS Excel 2007 XML", &dir, &edited.join("chofu.fods"));
        let upload = dir.join("chofu.xlsx");
        assert_ne!(std::fs::read(&upload).unwrap(), book, "LibreOffice wrote the file uploaded");
        b.goto(&site.url(&format!("/m/{CHOFU}/admin/import"))).await;
        b.choose_file(&b.find("#import-files").await, &upload).await;
        b.click(&b.find("#import-upload button[type=submit]").await).await;
        b.wait_for_text("確認結果（まだ何も書き込んでいません）").await;
        let check = b.url().await;
        assert!(b.source().await.contains("がん検診事業"), "the dry run shows the new name");
        b.goto(&site.url(&format!("/m/{CHOFU}/admin/items/{}", items[0]))).await;
        assert!(!b.source().await.contains("がん検診事業"), "nothing is written before confirming");
        b.goto(&check).await;
        b.click(&b.find("#import-confirm button[type=submit]").await).await;
        b.wait_for_text("取り込みました。").await;
        b.goto(&site.url(&format!("/m/{CHOFU}/admin/items/{}", items[0]))).await;
        b.wait_for_text("がん検診事業").await;
        std::fs::remove_dir_all(&dir).unwrap();

        // Opening 令和7年度 makes the three sheets, No.1, No.2, No.10.
        b.goto(&site.url(&format!("/m/{CHOFU}/admin/years"))).await;
        press(&b, "/admin/years/2025/open").await;
        b.wait_for_text("作成した調査票").await;
        let page = b.source().await;
        let list = page.split("作成した調査票").nth(1).unwrap();
        let at = |c: &str| list.find(&format!(">{c}<")).unwrap_or_else(|| panic!("{c} listed"));
        assert!(at("No.1") < at("No.2") && at("No.2") < at("No.10"), "natural order: {list}");

        // An editor of 健康推進課.
        b.goto(&site.url(&format!("/m/{CHOFU}/admin/accounts"))).await;
        b.fill(&b.find("#new-login").await, "kenko-editor").await;
        b.fill(&b.find("#new-display-name").await, "健康 太郎").await;
        b.select("#new-role", "担当課（編集者）").await;
        b.select("#new-section", "健康福祉部 健康推進課").await;
        press(&b, "/admin/accounts").await;
        let editor_password = shown_password(&b).await;
        sign_out(&b).await;

        // The editor fills in 健康教室's sheet and submits it.
        sign_in(&b, &site, "kenko-editor", &editor_password).await;
        let sheet = site.url(&format!("/m/{CHOFU}/sheets/{}/2025", items[2]));
        b.goto(&format!("{sheet}/edit")).await;
        b.fill(&b.find("input[name$='.2025.a']").await, "12回").await;
        if let Some(t) = b.try_find("textarea[name^='n.']").await {
            b.fill(&t, "健康教室を12回開きました。").await;
        }
        b.click(&b.find("#sheet-form button[type=submit].primary").await).await;
        wait_for_status(&b, "作成中").await;
        b.goto(&sheet).await;
        press(&b, "/submit").await;
        wait_for_status(&b, "提出済").await;
        sign_out(&b).await;

        // The admin locks and publishes the year.
        sign_in(&b, &site, "chofu-admin", &admin_password).await;
        b.goto(&site.url(&format!("/m/{CHOFU}/admin/years"))).await;
        b.click(&b.find("#confirm-2025").await).await;
        press(&b, "/admin/years/2025/lock").await;
        b.wait_for_url("done=lock").await;
        b.click(&b.find("#publish-2025").await).await;
        press(&b, "/admin/years/2025/publish").await;
        b.wait_for_url("done=publish").await;
        sign_out(&b).await;

        // Anyone: the portal shows the city's year and the sheet's value.
        b.goto(&site.url(&format!("/p/{CHOFU}/2025/items"))).await;
        b.wait_for_text("健康教室").await;
        let page = b.source().await;
        assert!(page.contains("がん検診事業") && page.contains("特定健診"), "the three projects are public");
        b.goto(&site.url(&format!("/p/{CHOFU}/2025/items/{}", items[2]))).await;
        b.wait_for_text("12回").await;
        assert!(b.source().await.contains("健康教室の実施回数"), "the indicator is public");
        b.quit().await;
    }
}
