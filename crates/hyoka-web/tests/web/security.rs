//! Security properties over real HTTP, on the test backend: CSRF on every
//! POST route, session cookies, rotation, logout and expiry, sign-in
//! refusals, password storage, open redirects after login, one city's data
//! on no page of another, a city admin unable to grant more than the city
//! has, script payloads in every stored text field and in every form sent
//! back rendering inert, and the security headers (and no inline code) on
//! every route. Routes come from `hyoka_web::route_specs()`, so new routes
//! are covered without editing this file.

use crate::support;

use hyoka_core::access::Role;
use hyoka_core::judgement::{Declared, Judgement};
use hyoka_core::org::Validity;
use hyoka_core::plan::PlanTree;
use hyoka_core::scale::NextDirection;
use hyoka_core::sheet::{BudgetRow, EvaluationRow, Finding, NarrativeRow, NextDirectionRow, ScheduleRow};
use hyoka_core::{
    BudgetFigures, Direction, EvaluationScale, Evaluator, FiscalYear, Grade, IndicatorCell, IndicatorKind, Narrative,
    Stage, ValueRole, Yen,
};
use hyoka_store::testing::TestDb;
use hyoka_store::{
    Change, FiscalYearRecord, Municipality, NewIndicator, NewItem, Printing, Store, RETURN_REASON_FIELD,
};
use hyoka_web::http::session::hash_token;
use hyoka_web::{route_specs, SessionConfig};
use support::{Client, Resources, Response, TestServer, OWN_CITY, PASSWORD};

const CSRF_REFUSED: &str = "この送信は受け付けられません";
const EXPIRED: &str = "有効期限が切れました";
const BAD_LOGIN: &str = "ログイン名またはパスワードが違います";

/// Every declared route, filled with the own-section resources.
fn filled_routes(r: &Resources) -> Vec<(&'static str, String)> {
    route_specs()
        .into_iter()
        .map(|s| {
            let path = support::fill(s.path, r).unwrap_or_else(|p| {
                panic!("{} {}: the fixture cannot fill the path parameter {{{p}}}", s.method, s.path)
            });
            (if s.method.as_str() == "POST" { "POST" } else { "GET" }, path)
        })
        .collect()
}

// -------------------------------------------------------------------- CSRF

/// A forged POST: what it is, its form fields, its extra headers.
type Attempt<'a> = (&'a str, Vec<(&'a str, &'a str)>, Vec<(&'a str, &'a str)>);

#[tokio::test]
async fn every_post_route_refuses_a_missing_or_foreign_csrf_token() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let f = support::build_fixture(&store).await;
    let server = support::spawn(store).await;
    let mut admin = server.signed_in("admin").await;
    let mut system = server.signed_in("system").await;
    let foreign = server.signed_in("editor-own").await.csrf.expect("a CSRF token");
    let own = admin.csrf.clone().expect("a CSRF token");
    assert_ne!(own, foreign, "each session has its own token");

    let posts: Vec<String> = filled_routes(&f.own).into_iter().filter(|(m, _)| *m == "POST").map(|(_, p)| p).collect();
    assert!(posts.iter().any(|p| p == "/login") && posts.iter().any(|p| p == "/logout"));
    let mut failures = Vec::new();
    for path in &posts {
        for (who, client) in [("admin", &mut admin), ("system", &mut system)] {
            let attempts: [Attempt; 4] = [
                ("no token", vec![("version", "-1")], vec![]),
                ("another session's token", vec![("version", "-1"), ("_csrf", &foreign)], vec![]),
                ("another session's token in the header", vec![("version", "-1")], vec![("x-csrf-token", &foreign)]),
                ("an empty token", vec![("version", "-1"), ("_csrf", "")], vec![]),
            ];
            for (what, fields, headers) in attempts {
                let body = serde_urlencoded::to_string(&fields).unwrap();
                let r = client.send("POST", path, Some(body), &headers).await;
                if r.status != 403 || !r.body.contains(CSRF_REFUSED) {
                    failures.push(format!("POST {path} as {who} with {what}: {} (expected 403)", r.status));
                }
            }
        }
    }
    // The same session's token is accepted (so the refusals above are about
    // the token, not about the route): in the form and in the header.
    let r = admin.send("POST", "/logout", None, &[("x-csrf-token", &own)]).await;
    assert_eq!(r.location(), Some("/login"), "the session's own token in the header is accepted");
    assert!(
        failures.is_empty(),
        "{} POST(s) passed without a valid token:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
    println!("CSRF: {} POST routes × 2 accounts × 4 forged tokens refused", posts.len());
}

#[tokio::test]
async fn the_login_form_needs_its_csrf_token() {
    let db = TestDb::new().await;
    let store = db.store().await;
    {
        let mut tx = store.begin().await.unwrap();
        tx.upsert_municipality(&Municipality { code: OWN_CITY.into(), name: "三鷹市".into() }).await.unwrap();
        tx.commit().await.unwrap();
    }
    support::named_account(&store, "viewer", "閲覧者", Role::Viewer, Some(OWN_CITY), None).await;
    let server = support::spawn(store).await;

    // No session, no token.
    let mut c = server.client();
    let r = c.post_raw("/login", &[("login", "viewer"), ("password", PASSWORD)]).await;
    assert_eq!(r.status, 403);
    assert!(r.body.contains(CSRF_REFUSED));
    // A session, but the token left out or taken from another session.
    let mut c = server.visitor().await;
    let other = server.visitor().await.csrf.unwrap();
    for token in [None, Some(other.as_str())] {
        let mut fields = vec![("login", "viewer"), ("password", PASSWORD)];
        if let Some(t) = token {
            fields.push(("_csrf", t));
        }
        let r = c.post_raw("/login", &fields).await;
        assert_eq!(r.status, 403, "token {token:?}");
        assert!(r.session_cookie().is_none(), "no session is started by a refused login");
    }
}

// ----------------------------------------------------------------- session

/// `Name=value; A; B` → the attributes, lower-cased.
fn attributes(cookie: &str) -> Vec<String> {
    cookie.split(';').skip(1).map(|a| a.trim().to_ascii_lowercase()).collect()
}

async fn one_account_server(session: SessionConfig) -> (TestDb, Store, TestServer) {
    let db = TestDb::new().await;
    let store = db.store().await;
    {
        let mut tx = store.begin().await.unwrap();
        tx.upsert_municipality(&Municipality { code: OWN_CITY.into(), name: "三鷹市".into() }).await.unwrap();
        tx.commit().await.unwrap();
    }
    support::named_account(&store, "viewer", "三鷹市 閲覧者", Role::Viewer, Some(OWN_CITY), None).await;
    support::named_account(&store, "viewer2", "三鷹市 閲覧者2", Role::Viewer, Some(OWN_CITY), None).await;
    let server = support::spawn_with(store.clone(), session).await;
    (db, store, server)
}

#[tokio::test]
async fn session_cookies_are_http_only_lax_site_wide_and_secure_when_asked() {
    for secure in [true, false] {
        let (_db, _store, server) =
            one_account_server(SessionConfig { idle_seconds: 600, secure_cookies: secure }).await;
        let mut c = server.client();
        let form = c.get("/login").await;
        let login = {
            let csrf = support::csrf_in(&form.body).unwrap();
            c.post_raw("/login", &[("login", "viewer"), ("password", PASSWORD), ("_csrf", &csrf)]).await
        };
        c.refresh_csrf().await;
        let logout = c.post("/logout", &[]).await;
        assert!(form.session_cookie().is_none(), "opening the login form starts no session");
        let visitor = form.set_cookies.iter().find(|c| c.starts_with("hyoka_csrf="));
        let visitor = visitor.expect("the login form sets the visitor's CSRF cookie");
        for (what, cookie) in [
            ("the login form", visitor.as_str()),
            ("signing in", login.session_cookie().expect("signing in sets the session cookie")),
            ("signing out", logout.session_cookie().expect("signing out clears the session cookie")),
        ] {
            let attrs = attributes(cookie);
            for a in ["httponly", "samesite=lax", "path=/"] {
                assert!(attrs.iter().any(|x| x == a), "{what} (secure={secure}): {a} missing in {cookie}");
            }
            assert_eq!(attrs.iter().any(|x| x == "secure"), secure, "{what}: Secure iff configured: {cookie}");
            assert!(!attrs.iter().any(|x| x.starts_with("domain=")), "{what}: host-only cookie: {cookie}");
        }
        assert!(attributes(logout.session_cookie().unwrap()).iter().any(|a| a == "max-age=0"), "logout clears it");
    }
}

#[tokio::test]
async fn signing_in_rotates_the_session_and_signing_out_ends_it() {
    let (_db, store, server) = one_account_server(SessionConfig { idle_seconds: 600, secure_cookies: false }).await;
    let mut c = server.visitor().await;
    assert!(c.cookie.is_none(), "a visitor has no session");
    let (visitor_cookie, visitor_csrf) = (c.csrf_cookie.clone().unwrap(), c.csrf.clone().unwrap());
    let r = c.login("viewer", PASSWORD).await;
    assert_eq!(r.status, 303);
    let (cookie, csrf) = (c.cookie.clone().unwrap(), c.csrf.clone().unwrap());
    assert_ne!(csrf, visitor_csrf, "a new CSRF token after signing in");
    assert!(c.csrf_cookie.is_none(), "the visitor's token cookie is cleared at sign-in");
    // Only the token's hash is stored.
    assert!(store.session(&hash_token(&cookie)).await.unwrap().is_some());
    assert!(store.session(&cookie).await.unwrap().is_none(), "the raw token is never stored");

    // The visitor's token known before signing in (say, planted by an
    // attacker) is worth nothing as a session.
    let mut planted = Client::with_session(server.addr, Some(visitor_cookie), Some(visitor_csrf));
    assert!(planted.get("/m/132047").await.is_login_redirect());
    assert_eq!(planted.post("/logout", &[]).await.status, 403);

    assert_eq!(c.get("/m/132047").await.status, 200, "signed in");
    let out = c.post("/logout", &[]).await;
    assert_eq!(out.location(), Some("/login"));
    assert!(store.session(&hash_token(&cookie)).await.unwrap().is_none(), "the session row is deleted");
    // The old cookie, replayed, no longer works.
    let mut replay = Client::with_session(server.addr, Some(cookie), Some(csrf));
    let page = replay.get("/m/132047").await;
    assert!(page.is_login_redirect(), "{}", page.status);
    let post = replay.post("/logout", &[]).await;
    assert_eq!(post.status, 403);
    assert!(post.body.contains(CSRF_REFUSED));
}

#[tokio::test]
async fn an_idle_session_expires() {
    let (db, _store, server) = one_account_server(SessionConfig { idle_seconds: 600, secure_cookies: false }).await;
    let mut reader = sign_in_only(&server, "viewer").await;
    let mut writer = sign_in_only(&server, "viewer2").await;
    // Idle time is made to pass by moving the sessions' expiry into the past,
    // rather than by sleeping: signing in (Argon2id) can itself take longer
    // than a short idle limit on a loaded machine.
    let past = hyoka_store::now().plus_seconds(-1).iso();
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
    let aged = sqlx::query("UPDATE sessions SET expires_at = $1").bind(&past).execute(&pool).await.unwrap();
    assert!(aged.rows_affected() >= 2);
    pool.close().await;

    let page = reader.get("/m/132047").await;
    assert!(
        page.is_login_redirect(),
        "an expired session leads to the login form: {} {:?}",
        page.status,
        page.location()
    );
    assert_eq!(page.location(), Some("/login?next=/m/132047"), "and back to the page afterwards");

    // The form was filled in before the session ended: its token is stale,
    // and the answer says the session expired rather than "refused".
    let post = writer.post("/logout", &[]).await;
    assert_eq!(post.status, 403);
    assert!(post.body.contains(EXPIRED), "a POST with an expired session says why: {}", post.body);
    assert!(!post.body.contains(CSRF_REFUSED));
}

/// Signs in through the form and keeps the cookie, without another request.
async fn sign_in_only(server: &TestServer, login: &str) -> Client {
    let mut c = server.client();
    let form = c.get("/login").await;
    let csrf = support::csrf_in(&form.body).unwrap();
    let r = c.post_raw("/login", &[("login", login), ("password", PASSWORD), ("_csrf", &csrf)]).await;
    assert_eq!(r.status, 303, "{login} signs in");
    c.csrf = Some(csrf);
    c
}

// --------------------------------------------------------------- sign-in

#[tokio::test]
async fn wrong_password_unknown_login_and_disabled_account_look_the_same() {
    let (db, store, server) = one_account_server(SessionConfig { idle_seconds: 600, secure_cookies: false }).await;
    let mut c = server.visitor().await;
    let wrong = c.login("viewer", "not-the-password-0").await;
    let unknown = c.login("nobody-at-all", PASSWORD).await;
    assert_eq!(wrong.status, 401);
    assert_eq!(unknown.status, wrong.status);
    assert!(wrong.body.contains(BAD_LOGIN));
    assert_eq!(wrong.body, unknown.body, "the answer does not tell which part was wrong");
    assert!(wrong.session_cookie().is_none() && c.get("/m/132047").await.is_login_redirect());

    // A signed-in session of an account that gets disabled stops working,
    // and the account cannot sign in again.
    let mut before = server.signed_in("viewer").await;
    assert_eq!(before.get("/m/132047").await.status, 200);
    disable(&db.url, "viewer").await;
    assert!(before.get("/m/132047").await.is_login_redirect(), "a disabled account's session is void");
    let mut c = server.visitor().await;
    let disabled = c.login("viewer", PASSWORD).await;
    assert_eq!(disabled.status, 401);
    assert!(disabled.body.contains(BAD_LOGIN));
    assert!(disabled.session_cookie().is_none());

    for a in store.accounts(None).await.unwrap() {
        assert!(a.password_hash.starts_with("$argon2id$"), "{}: {}", a.login, a.password_hash);
        assert!(!a.password_hash.contains(PASSWORD));
    }
}

/// Sets the `disabled` flag directly: no store operation does yet.
async fn disable(url: &str, login: &str) {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let n = sqlx::query("UPDATE accounts SET disabled = 1 WHERE login = $1")
        .bind(login)
        .execute(&pool)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(n, 1);
    pool.close().await;
}

#[tokio::test]
async fn after_signing_in_only_local_pages_are_followed() {
    let (_db, _store, server) = one_account_server(SessionConfig { idle_seconds: 600, secure_cookies: false }).await;
    let mut failures = Vec::new();
    for next in [
        "//evil.example",
        "//evil.example/m/132047",
        "https://evil.example",
        "http://evil.example/",
        "javascript:alert(1)",
        "/\\evil.example",
        "\\\\evil.example",
        // Browsers drop tabs and line breaks from URLs: `/\t/x` becomes `//x`.
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        " //evil.example",
        "evil.example",
    ] {
        let mut c = server.client();
        let form = c.get(&format!("/login?next={}", urlencode(next))).await;
        let csrf = support::csrf_in(&form.body).unwrap();
        let r = c
            .post_raw("/login", &[("login", "viewer"), ("password", PASSWORD), ("_csrf", &csrf), ("next", next)])
            .await;
        let to = r.location().unwrap_or_default();
        if r.status != 303 || !is_local(to) {
            failures.push(format!("next={next:?}: {} → {to:?}", r.status));
        }
    }
    assert!(failures.is_empty(), "after signing in:\n  {}", failures.join("\n  "));
    // A local page is followed.
    let mut c = server.client();
    let form = c.get("/login?next=/m/132047").await;
    let csrf = support::csrf_in(&form.body).unwrap();
    let r = c
        .post_raw("/login", &[("login", "viewer"), ("password", PASSWORD), ("_csrf", &csrf), ("next", "/m/132047")])
        .await;
    assert_eq!(r.location(), Some("/m/132047"));
}

/// A path on this site as a browser would read it: it starts with one `/`,
/// and nothing a browser strips or reinterprets lets it become `//host`.
fn is_local(location: &str) -> bool {
    let cleaned: String = location.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    let cleaned = cleaned.trim_start_matches(|c: char| c <= ' ');
    cleaned.starts_with('/') && !cleaned.starts_with("//") && !cleaned.starts_with("/\\") && !location.contains('\\')
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)]).unwrap()[1..].to_string()
}

// --------------------------------------------------------- city isolation

#[tokio::test]
async fn no_page_of_one_city_shows_another_citys_data() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let f = support::build_fixture(&store).await;
    // What only 三島市 holds: its item titles and indicator names that 三鷹市
    // does not also use.
    let mut own: Vec<String> = store.items(OWN_CITY).await.unwrap().into_iter().map(|i| i.title).collect();
    own.extend(store.indicators(OWN_CITY).await.unwrap().into_iter().map(|i| i.name));
    let mut theirs: Vec<String> =
        store.items(support::OTHER_CITY).await.unwrap().into_iter().map(|i| i.title).collect();
    theirs.extend(store.indicators(support::OTHER_CITY).await.unwrap().into_iter().map(|i| i.name));
    theirs.retain(|t| {
        t.chars().count() >= 6 && !t.contains(['&', '<', '>', '"']) && !own.iter().any(|o| o.contains(t.as_str()))
    });
    assert!(theirs.len() >= 10, "enough distinctive 三島市 text: {theirs:?}");
    // Part of a title: the search page may echo the query, which must not
    // count as showing the title.
    let query = urlencode(&theirs[0].chars().take(4).collect::<String>());
    let server = support::spawn(store).await;

    let mut failures = Vec::new();
    let mut pages = 0;
    for login in ["admin", "editor-own", "head-other", "reviewer", "viewer"] {
        let mut c = server.signed_in(login).await;
        for v in [&f.own, &f.other_section] {
            for (method, path) in filled_routes(v) {
                if method != "GET" {
                    continue;
                }
                // A search for 三島市's words finds nothing of 三島市.
                for p in [path.clone(), format!("{path}?q={query}")] {
                    let r = c.get(&p).await;
                    pages += 1;
                    if let Some(t) = theirs.iter().find(|t| r.body.contains(t.as_str())) {
                        failures.push(format!("GET {p} as {login} ({}): shows 三島市's «{t}»", r.status));
                    }
                    if r.body.contains("/m/222062") {
                        failures.push(format!("GET {p} as {login} ({}): links to 三島市's pages", r.status));
                    }
                }
            }
        }
    }
    // The same words are there for 三島市's own staff: the check can see them.
    let mut mishima = server.signed_in("mishima-admin").await;
    let city = mishima.get("/m/222062").await;
    assert!(theirs.iter().any(|t| city.body.contains(t.as_str())), "三島市 sees its own data");
    println!("isolation: {pages} pages of 三鷹市 checked for {} texts of 三島市", theirs.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn a_city_admin_cannot_grant_more_than_the_city_has() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let f = support::build_fixture(&store).await;
    let server = support::spawn(store.clone()).await;
    let specs = route_specs();
    let route = |suffix: &str| {
        specs
            .iter()
            .find(|s| s.method.as_str() == "POST" && s.rule == hyoka_web::Rule::Administer && s.path.ends_with(suffix))
            .map_or_else(
                || panic!("no Administer POST route ending in {suffix}"),
                |s| support::fill(s.path, &f.own).unwrap(),
            )
    };
    let (create, role) = (route("/accounts"), route("/{login}/role"));
    let mishima_section = f.other_city.section.to_string();
    let own_section = f.own.section.to_string();
    let mut admin = server.signed_in("admin").await;

    for (what, fields) in [
        ("a system administrator", vec![("role", "system_admin"), ("section", "")]),
        ("another city's section", vec![("role", "editor"), ("section", mishima_section.as_str())]),
        ("an unknown role", vec![("role", "superuser"), ("section", own_section.as_str())]),
    ] {
        let r = admin.post(&role, &fields).await;
        assert!(matches!(r.status, 403 | 404 | 409 | 422), "{role} with {what}: {}", r.status);
        let target = store.account_by_login(f.own.login).await.unwrap().unwrap();
        assert_eq!((target.role, target.section_id), (Role::Editor, Some(f.own.section)), "{what}: unchanged");

        let mut with_login = vec![("login", "escalated"), ("display_name", "昇格")];
        with_login.extend(fields.iter().copied());
        let r = admin.post(&create, &with_login).await;
        assert!(matches!(r.status, 403 | 404 | 409 | 422), "{create} with {what}: {}", r.status);
        assert!(store.account_by_login("escalated").await.unwrap().is_none(), "{what}: no account was made");
    }
}

// -------------------------------------------------------------------- XSS

const SCRIPT: &str = "<script>alert(1)</script>";
const IMG: &str = "\"><img src=x onerror=alert(1)>";
const JS_LINK: &str = "javascript:alert(1)";

/// Each field gets a marked payload, so that the page showing it can be
/// told: `F07<script>alert(1)</script>"><img src=x onerror=alert(1)>`.
struct Payloads {
    fields: Vec<(String, String)>,
}

impl Payloads {
    fn new() -> Self {
        Payloads { fields: Vec::new() }
    }

    /// The payload for a named field.
    fn of(&mut self, field: impl Into<String>) -> String {
        let marker = format!("F{:02}", self.fields.len());
        self.fields.push((marker.clone(), field.into()));
        format!("{marker}{SCRIPT}{IMG}")
    }

    /// How the payload of `marker` reads once escaped: `<` at least must be.
    fn escaped(marker: &str) -> String {
        format!("{marker}&lt;script&gt;alert(1)&lt;/script&gt;")
    }
}

/// One city whose every text field holds a payload, with a sheet, plan,
/// indicator, history and accounts. Returns the resources and the payloads.
async fn hostile_city(store: &Store) -> (Resources, Payloads) {
    let mut p = Payloads::new();
    let fy = FiscalYear::new(support::FY).unwrap();
    let mut tx = store.begin().await.unwrap();
    tx.upsert_municipality(&Municipality { code: OWN_CITY.into(), name: p.of("city name") }).await.unwrap();
    let section = tx
        .upsert_section(OWN_CITY, &p.of("department name"), &p.of("section name"), Validity::default())
        .await
        .unwrap();

    let level = p.of("plan level name");
    let plan_code = p.of("plan code");
    let mut tree = PlanTree::new(&plan_code, &p.of("plan name"), &[level.as_str(), "施策"]);
    let root_code = p.of("node code");
    let root = tree.add_root(&root_code, &p.of("node title")).unwrap();
    let child_code = p.of("child node code");
    tree.add_child(root, &child_code, &p.of("child node title")).unwrap();
    let plan = tx.save_plan(OWN_CITY, &tree).await.unwrap();
    let node = tx.node_id(OWN_CITY, &plan_code, &root_code).await.unwrap();
    tx.set_node_tags(node, &[p.of("node tag")]).await.unwrap();

    let item = tx
        .upsert_item(
            OWN_CITY,
            &NewItem {
                key: p.of("item key"),
                kind: "project".into(),
                code: p.of("item code"),
                title: p.of("item title"),
            },
        )
        .await
        .unwrap();
    tx.set_item_details(item, Some(fy), &[p.of("item tag")], Some(&p.of("item relisting of"))).await.unwrap();
    tx.place_item(item, node, false).await.unwrap();
    tx.assign_section(item, section).await.unwrap();

    let indicator = tx
        .upsert_indicator(
            OWN_CITY,
            &NewIndicator {
                key: p.of("indicator key"),
                name: p.of("indicator name"),
                kind: IndicatorKind::Outcome,
                definition: Some(p.of("indicator definition")),
                unit: Some(p.of("indicator unit")),
                direction: Direction::HigherIsBetter,
                vocabulary: Some("achievement".into()),
                item_id: Some(item),
                node_id: Some(node),
                related_node_id: None,
            },
        )
        .await
        .unwrap();
    for (role, field) in [
        (ValueRole::Baseline, "indicator baseline"),
        (ValueRole::Target, "indicator target"),
        (ValueRole::Actual, "indicator actual"),
    ] {
        tx.set_indicator_value(indicator, fy, role, &IndicatorCell::parse(&p.of(field))).await.unwrap();
    }
    tx.set_judgement(
        indicator,
        fy,
        &Judgement {
            printed: Some(p.of("judgement printed")),
            computed: Some(p.of("judgement computed")),
            declared: Some(Declared { label: p.of("judgement declared"), reason: p.of("judgement reason") }),
        },
    )
    .await
    .unwrap();
    let printings = vec![
        Printing {
            fiscal_year: fy,
            role: "target".into(),
            source: p.of("printing source 1"),
            printed: p.of("printing 1"),
            printed_in: None,
        },
        Printing {
            fiscal_year: fy,
            role: "target".into(),
            source: p.of("printing source 2"),
            printed: p.of("printing 2"),
            printed_in: None,
        },
    ];
    tx.replace_printings(indicator, &printings).await.unwrap();

    let narrative = |p: &mut Payloads, field| {
        // The line form: a paragraph, a list item, and links as a person
        // might paste them.
        let text = format!(
            "{}\n- {}\n<a href=\"{JS_LINK}\">リンク</a>\n[リンク]({JS_LINK})\n{JS_LINK}",
            p.of(field),
            p.of("narrative list item")
        );
        Narrative::from_markup(&text)
    };
    let rows = vec![
        NarrativeRow {
            fiscal_year: Some(fy),
            slot: "overview".into(),
            label: p.of("narrative label"),
            text: narrative(&mut p, "narrative text"),
        },
        NarrativeRow {
            fiscal_year: Some(fy),
            slot: "summary".into(),
            label: p.of("narrative label 2"),
            text: Narrative::from_html_fragment(&format!(
                "<p>{}</p><ul><li><a href=\"{JS_LINK}\">{}</a></li></ul>",
                html_text(&p.of("narrative pasted html")),
                html_text(&p.of("narrative pasted link text"))
            )),
        },
    ];
    tx.replace_narratives(item, &rows).await.unwrap();
    let months: Vec<String> = (0..12).map(|i| if i == 0 { p.of("schedule month") } else { "→".into() }).collect();
    tx.replace_schedule(
        item,
        &[ScheduleRow {
            fiscal_year: fy,
            kind: "planned".into(),
            label: p.of("schedule label"),
            months,
            hours_regular: Some(p.of("schedule hours regular")),
            hours_other: Some(p.of("schedule hours other")),
        }],
    )
    .await
    .unwrap();
    tx.replace_next_direction(
        item,
        Some(&NextDirectionRow {
            fiscal_year: fy,
            printed: p.of("next direction printed"),
            direction: Some(NextDirection::Keep),
            reason: Some(p.of("next direction reason")),
            transfer: Some(p.of("next direction transfer")),
        }),
    )
    .await
    .unwrap();
    tx.replace_budgets(
        item,
        &[BudgetRow {
            fiscal_year: fy,
            figures: BudgetFigures {
                initial: Some(Yen(1_000_000)),
                final_budget: Some(Yen(1_000_000)),
                settlement: Some(Yen(900_000)),
                ..BudgetFigures::default()
            },
            execution_rate_printed: Some(p.of("budget execution rate printed")),
        }],
    )
    .await
    .unwrap();
    let grade_code = p.of("grade code");
    let scale = EvaluationScale {
        code: "hostile".into(),
        name: p.of("scale name"),
        grades: vec![Grade { code: grade_code.clone(), label: p.of("grade label") }],
        legend_printed: true,
    };
    tx.save_scale(OWN_CITY, &scale).await.unwrap();
    tx.replace_evaluations(
        OWN_CITY,
        item,
        &[
            EvaluationRow {
                fiscal_year: fy,
                stage: Stage::YearEnd,
                evaluator: Evaluator::Section,
                scale: Some("hostile".into()),
                grade: Some(grade_code),
                comment: Some(p.of("evaluation comment")),
            },
            EvaluationRow {
                fiscal_year: fy,
                stage: Stage::YearEnd,
                evaluator: Evaluator::ReviewBoard,
                scale: None,
                grade: Some(p.of("free grade")),
                comment: Some(p.of("review comment")),
            },
        ],
    )
    .await
    .unwrap();
    let finding_file = p.of("finding file");
    tx.replace_findings(
        &finding_file,
        &[Finding {
            municipality: Some(OWN_CITY.into()),
            kind: "value_conflict".into(),
            file: finding_file.clone(),
            line: Some(3),
            text: p.of("finding text"),
            message: p.of("finding message"),
        }],
    )
    .await
    .unwrap();
    tx.sheet_for_update(item, fy).await.unwrap();
    tx.set_fiscal_year(&FiscalYearRecord {
        municipality: OWN_CITY.into(),
        fiscal_year: fy,
        locked: false,
        deadline: Some("2018-06-30".into()),
    })
    .await
    .unwrap();
    tx.reindex_item(item).await.unwrap();
    // Every label a city may rename.
    let preset = store.sheet_layout(OWN_CITY).await.unwrap().0;
    let labels = hyoka_core::layout::SheetLayout::preset(&preset)
        .unwrap()
        .label_keys()
        .into_iter()
        .map(|(key, _)| {
            let value = p.of(format!("layout label {key}"));
            (key, value)
        })
        .collect();
    tx.set_sheet_layout(OWN_CITY, &preset, &labels).await.unwrap();
    tx.commit().await.unwrap();

    let admin =
        support::named_account(store, "admin", &p.of("admin display name"), Role::Admin, Some(OWN_CITY), None).await;
    support::named_account(store, "editor", &p.of("editor display name"), Role::Editor, Some(OWN_CITY), Some(section))
        .await;
    support::named_account(store, "system", &p.of("system admin display name"), Role::SystemAdmin, None, None).await;
    let mut tx = store.begin().await.unwrap();
    support::history_in(
        &mut tx,
        OWN_CITY,
        Some(item),
        Some(fy),
        Some(admin),
        &[
            Change {
                field: p.of("history field"),
                before: Some(p.of("history before")),
                after: Some(p.of("history after")),
            },
            Change { field: RETURN_REASON_FIELD.into(), before: None, after: Some(p.of("return comment")) },
        ],
    )
    .await;
    tx.commit().await.unwrap();

    let department = store.section(section).await.unwrap().department_id;
    let resources = Resources { code: OWN_CITY, item, plan, node, indicator, login: "editor", section, department };
    (resources, p)
}

/// Text placed inside an HTML fragment, so that the fragment reader keeps
/// the payload as text rather than dropping it as a tag.
fn html_text(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Whatever a page must never contain once user text is in it.
fn live_payloads(body: &str) -> Vec<&'static str> {
    let lower = body.to_ascii_lowercase();
    let mut out = Vec::new();
    if lower.contains("<script>alert") {
        out.push("<script>alert");
    }
    if lower.contains("<img src=x onerror") {
        out.push("<img src=x onerror");
    }
    for attr in ["href", "src", "action", "formaction", "xlink:href"] {
        for quote in ["\"", "'", ""] {
            if lower.contains(&format!("{attr}={quote}javascript:")) {
                out.push("javascript: URL in an attribute");
            }
        }
    }
    out
}

/// The detector itself: a live payload is caught, an escaped one is not.
#[test]
fn live_payloads_are_told_from_escaped_ones() {
    assert!(live_payloads(&format!("<p>{}</p>", html_text(&format!("{SCRIPT}{IMG}")))).is_empty());
    assert_eq!(live_payloads(&format!("<p>{SCRIPT}</p>")), ["<script>alert"]);
    assert_eq!(live_payloads(&format!("<input value=\"{IMG}\">")), ["<img src=x onerror"]);
    assert_eq!(live_payloads(&format!("<a href=\"{JS_LINK}\">x</a>")), ["javascript: URL in an attribute"]);
    assert_eq!(live_payloads(&format!("<a HREF='{JS_LINK}'>x</a>")), ["javascript: URL in an attribute"]);
    assert!(live_payloads(&format!("<p>{JS_LINK}</p><a href=\"/m/132047\">x</a>")).is_empty());
    let forms = forms_in("/p", "<form method=\"post\" action=\"/x\"><input type=\"hidden\" name=\"_csrf\" value=\"t\"><textarea name=\"n\">a &amp; b</textarea><select name=\"s\"><option value=\"1\">1</option><option value=\"2\" selected>2</option></select></form>");
    assert_eq!(forms.len(), 1);
    assert!(inline_code("<p><script src=\"/static/sheet.js\" defer></script></p>").is_empty());
    assert_eq!(inline_code("<div style=\"color:red\">x</div>"), ["attribute style= in <div>"]);
    assert_eq!(inline_code("<button onclick=\"go()\">x</button><script>go()</script>").len(), 2);
    let values: Vec<(&str, &str)> = forms[0].fields.iter().map(|f| (f.name.as_str(), f.value.as_str())).collect();
    assert_eq!(values, [("_csrf", "t"), ("n", "a & b"), ("s", "2")]);
}

#[tokio::test]
async fn script_payloads_in_every_text_field_render_inert() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let (r, payloads) = hostile_city(&store).await;
    let server = support::spawn(store).await;
    let mut admin = server.signed_in("admin").await;
    let mut system = server.signed_in("system").await;
    let mut anonymous = server.client();

    let mut seen = String::new();
    let mut failures = Vec::new();
    let mut pages = 0;
    let gets: Vec<String> = filled_routes(&r).into_iter().filter(|(m, _)| *m == "GET").map(|(_, p)| p).collect();
    let q = urlencode(&format!("{SCRIPT}{IMG}"));
    for path in &gets {
        let sep = if path.contains('?') { '&' } else { '?' };
        // Query strings a page may echo: a search box, the login form's `next`.
        let echoed = format!("{path}{sep}q={q}&next={q}");
        // A search that finds the payloads shows excerpts of them.
        let found = format!("{path}{sep}q=alert");
        for (who, client) in [("admin", &mut admin), ("system", &mut system), ("anonymous", &mut anonymous)] {
            for p in [path.as_str(), echoed.as_str(), found.as_str()] {
                let res = client.get(p).await;
                if !res.is_html() {
                    if res.status == 200 && res.header("x-content-type-options") != Some("nosniff") {
                        failures.push(format!("GET {p} as {who}: a download without nosniff"));
                    }
                    continue;
                }
                pages += 1;
                for live in live_payloads(&res.body) {
                    failures.push(format!("GET {p} as {who} ({}): {live}", res.status));
                }
                seen.push_str(&res.body);
            }
        }
    }
    // A page re-rendered from a refused form echoes what was typed.
    let mut c = server.client();
    let form = c.get(&format!("/login?next={q}")).await;
    let csrf = support::csrf_in(&form.body).unwrap();
    let typed = c
        .post_raw(
            "/login",
            &[
                ("login", &format!("{SCRIPT}{IMG}")),
                ("password", "x"),
                ("_csrf", &csrf),
                ("next", &format!("/{SCRIPT}")),
            ],
        )
        .await;
    for (what, res) in [("login form", &form), ("refused login", &typed)] {
        for live in live_payloads(&res.body) {
            failures.push(format!("{what}: {live}"));
        }
    }

    let shown: Vec<&str> =
        payloads.fields.iter().filter(|(m, _)| seen.contains(&Payloads::escaped(m))).map(|(_, f)| f.as_str()).collect();
    let hidden: Vec<&str> = payloads
        .fields
        .iter()
        .filter(|(m, _)| !seen.contains(&Payloads::escaped(m)))
        .map(|(_, f)| f.as_str())
        .collect();
    println!("XSS: {pages} HTML pages checked; {} of {} fields shown (escaped)", shown.len(), payloads.fields.len());
    println!("  not shown on any page: {}", hidden.join(", "));
    assert!(failures.is_empty(), "{} live payload(s):\n  {}", failures.len(), failures.join("\n  "));
    // The payloads were shown, as text: the check above was not vacuous.
    for field in SHOWN_BY_BROWSE {
        assert!(shown.contains(field), "the field «{field}» is stored but shown escaped nowhere");
    }
}

// ------------------------------------------------------ forms with payloads

/// A form found on a page: where it posts and its fields with their values.
#[derive(Clone, Debug)]
struct FormFound {
    page: String,
    action: String,
    fields: Vec<FieldFound>,
}

#[derive(Clone, Debug)]
struct FieldFound {
    name: String,
    /// `text`, `textarea`, `hidden`, `select`, `checkbox`, `radio`, `password`, …
    kind: String,
    value: String,
    /// Typed as a number (`inputmode="numeric"`, `type="number"`).
    numeric: bool,
    checked: bool,
}

/// The value of `name="…"` in a start tag, unescaped.
fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let at = tag.find(&key)? + key.len();
    Some(unescape(tag[at..].split('"').next()?))
}

fn has_attr(tag: &str, name: &str) -> bool {
    tag.split(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .any(|w| w == name || w.starts_with(&format!("{name}=")))
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&#39;", "'").replace("&amp;", "&")
}

/// The POST forms of a page. maud writes attributes in double quotes and
/// escapes `<`, `>`, `"` and `&` inside them, so plain scanning is enough.
fn forms_in(page: &str, html: &str) -> Vec<FormFound> {
    let mut out = Vec::new();
    for chunk in html.split("<form").skip(1) {
        let Some(end) = chunk.find("</form>") else { continue };
        let body = &chunk[..end];
        let tag = &body[..body.find('>').unwrap_or(0)];
        if attr(tag, "method").is_none_or(|m| !m.eq_ignore_ascii_case("post")) {
            continue;
        }
        let Some(action) = attr(tag, "action").filter(|a| a.starts_with('/')) else { continue };
        let mut fields = Vec::new();
        for (open, kind_default) in [("<input", "text"), ("<textarea", "textarea"), ("<select", "select")] {
            for piece in body.split(open).skip(1) {
                let tag = &piece[..piece.find('>').unwrap_or(piece.len())];
                let Some(name) = attr(tag, "name") else { continue };
                let kind = if open == "<input" {
                    attr(tag, "type").unwrap_or_else(|| kind_default.into())
                } else {
                    kind_default.into()
                };
                let value = match open {
                    "<textarea" => unescape(piece[tag.len() + 1..].split("</textarea>").next().unwrap_or("")),
                    "<select" => {
                        let options = piece.split("</select>").next().unwrap_or("");
                        let mut chosen = None;
                        for o in options.split("<option").skip(1) {
                            let otag = &o[..o.find('>').unwrap_or(o.len())];
                            let v = attr(otag, "value").unwrap_or_default();
                            if chosen.is_none() || has_attr(otag, "selected") {
                                let selected = has_attr(otag, "selected");
                                chosen = Some(v);
                                if selected {
                                    break;
                                }
                            }
                        }
                        chosen.unwrap_or_default()
                    }
                    _ => attr(tag, "value").unwrap_or_default(),
                };
                let numeric =
                    kind == "number" || attr(tag, "inputmode").is_some_and(|m| m == "numeric" || m == "decimal");
                fields.push(FieldFound { name, kind, value, numeric, checked: has_attr(tag, "checked") });
            }
        }
        out.push(FormFound { page: page.to_string(), action, fields });
    }
    out
}

/// The form's fields as a browser would send them, with `text` put into
/// free-text fields (all text fields when `numbers_too`).
fn filled(form: &FormFound, text: &dyn Fn(&str) -> String, numbers_too: bool) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for f in &form.fields {
        let value = match f.kind.as_str() {
            "checkbox" | "radio" if !f.checked => continue,
            "submit" | "button" | "file" | "image" | "reset" => continue,
            "password" => "payload-password-0123".to_string(),
            "text" | "textarea" | "search" | "email" | "url" | "tel" if !f.numeric || numbers_too => text(&f.name),
            _ => f.value.clone(),
        };
        out.push((f.name.clone(), value));
    }
    out
}

#[tokio::test]
async fn forms_sent_back_with_payloads_render_inert() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let (r, _) = hostile_city(&store).await;
    let server = support::spawn(store).await;
    let gets: Vec<String> = filled_routes(&r).into_iter().filter(|(m, _)| *m == "GET").map(|(_, p)| p).collect();
    let mut failures = Vec::new();
    let mut sent = 0;
    let mut shown = 0;
    for who in ["admin", "system"] {
        let mut c = server.signed_in(who).await;
        let mut forms: Vec<FormFound> = Vec::new();
        for path in &gets {
            let page = c.get(path).await;
            for f in forms_in(path, &page.body) {
                // Signing out, signing in again, or changing the very
                // account in use would end this client's session.
                let own_account = f.action.contains(&format!("/accounts/{who}/"));
                if f.action == "/logout" || f.action == "/login" || own_account {
                    continue;
                }
                if !forms.iter().any(|g| g.action == f.action) {
                    forms.push(f);
                }
            }
        }
        // Content first; transitions that make the sheet read-only last.
        forms.sort_by_key(|f| {
            ["/submit", "/approve", "/return", "/review", "/lock"].iter().any(|t| f.action.ends_with(t))
        });
        for form in &forms {
            for numbers_too in [true, false] {
                // A fresh copy of the form: the previous send may have saved.
                let page = c.get(&form.page).await;
                let Some(current) = forms_in(&form.page, &page.body).into_iter().find(|f| f.action == form.action)
                else {
                    continue;
                };
                let text = |name: &str| format!("P[{name}]{SCRIPT}{IMG}");
                let fields = filled(&current, &text, numbers_too);
                let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                let res = c.post_raw(&current.action, &pairs).await;
                sent += 1;
                let mut answers = vec![(current.action.clone(), res.clone())];
                if let Some(to) = res.location().filter(|l| res.is_redirect() && l.starts_with('/')) {
                    answers.push((to.to_string(), c.get(to).await));
                }
                for (where_, a) in &answers {
                    if a.body.contains("P[") && a.body.contains("&lt;script&gt;") {
                        shown += 1;
                    }
                    for live in live_payloads(&a.body) {
                        failures.push(format!("POST {} as {who} → {where_} ({}): {live}", current.action, a.status));
                    }
                }
            }
        }
        // What was saved, shown everywhere.
        for path in &gets {
            let page = c.get(path).await;
            for live in live_payloads(&page.body) {
                failures.push(format!("GET {path} as {who} after the forms were sent: {live}"));
            }
        }
    }
    println!("forms: {sent} submissions with payloads; {shown} answers showed them escaped");
    assert!(sent > 0, "forms were found and sent");
    assert!(failures.is_empty(), "{} live payload(s):\n  {}", failures.len(), failures.join("\n  "));
}

/// Fields the read-only pages show today; each must appear, escaped.
const SHOWN_BY_BROWSE: &[&str] = &[
    "city name",
    "plan name",
    "node code",
    "node title",
    "child node title",
    "item code",
    "item title",
    "item tag",
    "department name",
    "section name",
    "indicator name",
    "indicator definition",
    "indicator unit",
    "indicator target",
    "indicator actual",
    "narrative label",
    "narrative text",
    "narrative list item",
    "schedule label",
    "schedule month",
    "next direction printed",
    "next direction reason",
    "next direction transfer",
    "evaluation comment",
    "review comment",
    "finding text",
    "finding message",
    "admin display name",
];

// ---------------------------------------------------------------- headers

#[tokio::test]
async fn every_route_answers_with_the_security_headers() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let f = support::build_fixture(&store).await;
    let server = support::spawn(store).await;
    let mut admin = server.signed_in("admin").await;
    let mut system = server.signed_in("system").await;
    let mut anonymous = server.client();
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut routes: Vec<(&str, String)> = filled_routes(&f.own);
    routes.push(("GET", "/no/such/page".into()));
    for (method, path) in &routes {
        for (who, client) in [("anonymous", &mut anonymous), ("admin", &mut admin), ("system", &mut system)] {
            // Logging out would end the session for the routes after it.
            if *path == "/logout" && who != "anonymous" {
                continue;
            }
            let r =
                if *method == "POST" { client.post(path, &[("version", "-1")]).await } else { client.get(path).await };
            checked += 1;
            let mut problems = header_problems(&r);
            if r.is_html() {
                problems.extend(inline_code(&r.body));
            }
            if !problems.is_empty() {
                failures.push(format!("{method} {path} as {who} ({}): {}", r.status, problems.join("; ")));
            }
        }
    }
    println!("headers: {checked} answers checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Inline script, style attributes and event handlers: the CSP blocks
/// them in the browser, so a page that has them is broken for real users.
fn inline_code(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for tag in html.split('<').skip(1).map(|t| t.split('>').next().unwrap_or("")) {
        let lower = tag.to_ascii_lowercase();
        if (lower == "script" || lower.starts_with("script ")) && !lower.contains(" src=") {
            out.push("inline <script>".to_string());
        }
        if lower == "style" || lower.starts_with("style ") {
            out.push("inline <style>".to_string());
        }
        for attr in lower.split_whitespace().skip(1) {
            let name = attr.split('=').next().unwrap_or("");
            if attr.contains('=') && (name == "style" || name.starts_with("on") && name.len() > 2) {
                out.push(format!("attribute {name}= in <{}>", tag.split_whitespace().next().unwrap_or("")));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

fn header_problems(r: &Response) -> Vec<String> {
    let mut out = Vec::new();
    let csp = r.header("content-security-policy").unwrap_or_default();
    for directive in
        ["default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'", "frame-ancestors 'none'"]
    {
        if !csp.contains(directive) {
            out.push(format!("CSP lacks {directive}"));
        }
    }
    if csp.contains("unsafe-inline") || csp.contains("unsafe-eval") {
        out.push(format!("CSP allows unsafe code: {csp}"));
    }
    if r.header("x-content-type-options") != Some("nosniff") {
        out.push("no X-Content-Type-Options: nosniff".into());
    }
    if r.header("x-frame-options") != Some("DENY") {
        out.push("no X-Frame-Options: DENY".into());
    }
    match r.header("referrer-policy") {
        Some("same-origin" | "no-referrer" | "strict-origin" | "strict-origin-when-cross-origin") => {}
        other => out.push(format!("Referrer-Policy {other:?}")),
    }
    out
}
