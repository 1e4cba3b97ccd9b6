//! The edges found by hostile testing: no session row for visitors, expired
//! sessions purged, sign-in throttled, malformed ids and bad form bytes
//! answered in Japanese with the place named.

use hyoka_core::access::Role;
use hyoka_store::testing::TestDb;
use hyoka_store::{Municipality, Store};
use hyoka_web::route_specs;

use crate::support::{self, Client, Response, TestServer, OWN_CITY, PASSWORD};

async fn city_with_viewer() -> (TestDb, Store, TestServer) {
    let db = TestDb::new().await;
    let store = db.store().await;
    let mut tx = store.begin().await.unwrap();
    tx.upsert_municipality(&Municipality { code: OWN_CITY.into(), name: "三鷹市".into() }).await.unwrap();
    tx.commit().await.unwrap();
    support::account(&store, "viewer", Role::Viewer, Some(OWN_CITY), None).await;
    support::account(&store, "viewer2", Role::Viewer, Some(OWN_CITY), None).await;
    let server = support::spawn(store.clone()).await;
    (db, store, server)
}

async fn session_rows(url: &str) -> i64 {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let n: i64 =
        sqlx::Row::get(&sqlx::query("SELECT COUNT(*) AS n FROM sessions").fetch_one(&pool).await.unwrap(), "n");
    pool.close().await;
    n
}

async fn execute(url: &str, sql: &str, arg: &str) {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    sqlx::query(sql).bind(arg).execute(&pool).await.unwrap();
    pool.close().await;
}

#[tokio::test]
async fn visitors_create_no_session_rows_and_expired_ones_are_purged() {
    let (db, _store, server) = city_with_viewer().await;
    for _ in 0..50 {
        let r = server.client().get("/login").await;
        assert_eq!(r.status, 200);
        assert!(r.session_cookie().is_none());
    }
    assert_eq!(session_rows(&db.url).await, 0, "opening the login form writes nothing");

    // Two sessions; one is aged past its expiry, and the next sign-in
    // purges it.
    let _a = server.signed_in("viewer").await;
    let _b = server.signed_in("viewer2").await;
    assert_eq!(session_rows(&db.url).await, 2);
    let past = hyoka_store::now().plus_seconds(-60).iso();
    execute(&db.url, "UPDATE sessions SET expires_at = $1", &past).await;
    let _c = server.signed_in("viewer").await;
    assert_eq!(session_rows(&db.url).await, 1, "expired sessions are deleted at sign-in");
}

#[tokio::test]
async fn repeated_failed_sign_ins_lock_the_login_then_let_it_in_again() {
    let (db, _store, server) = city_with_viewer().await;
    let mut c = server.visitor().await;
    for i in 1..=4 {
        let r = c.login("viewer", "not-the-password").await;
        assert_eq!(r.status, 401, "failure {i} is an ordinary refusal");
    }
    // The fifth failure locks the login for a minute: even the right
    // password is refused, with the wait in Japanese.
    assert_eq!(c.login("viewer", "not-the-password").await.status, 401);
    let locked = c.login("viewer", PASSWORD).await;
    assert_eq!(locked.status, 429, "{}", locked.body);
    assert!(locked.body.contains("しばらくログインできません") && locked.body.contains("分後"), "{}", locked.body);
    assert!(locked.session_cookie().is_none());
    // An unknown login is locked alike: the lock tells nothing about who exists.
    for _ in 0..5 {
        c.login("nobody-here", "whatever-password").await;
    }
    assert_eq!(c.login("nobody-here", "whatever-password").await.status, 429);
    // Another login from the same place is not locked.
    assert_eq!(server.client().login("viewer2", PASSWORD).await.status, 303);

    // Once the lock has passed, the right password works and clears the count.
    let past = hyoka_store::now().plus_seconds(-1).iso();
    execute(&db.url, "UPDATE sign_in_failures SET locked_until = $1 WHERE key = 'login:viewer'", &past).await;
    assert_eq!(c.login("viewer", PASSWORD).await.status, 303);
    let mut again = server.client();
    assert_eq!(again.login("viewer", "not-the-password").await.status, 401, "counting starts afresh");
}

/// A body that is not text in the page's sense.
fn is_plain_english(r: &Response) -> bool {
    r.header("content-type").is_some_and(|t| t.starts_with("text/plain"))
        || r.body.contains("Invalid URL")
        || r.body.contains("Failed to deserialize")
}

fn has_japanese(s: &str) -> bool {
    s.chars().any(|c| ('\u{3040}'..='\u{30ff}').contains(&c) || ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[tokio::test]
async fn malformed_ids_in_any_url_get_a_japanese_not_found() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let f = support::build_fixture(&store).await;
    let server = support::spawn(store).await;
    let mut admin = server.signed_in("admin").await;
    let mut system = server.signed_in("system").await;
    // Non-numeric, negative, fractional, bad bytes, kanji, overflow, and a
    // city code one digit short.
    let bad_values = ["abc", "-1", "1.5", "%FF", "%E4%BA%88", "99999999999999999999999", "12345"];
    let mut problems = Vec::new();
    let mut checked = 0;
    for spec in route_specs() {
        let params = support::params(spec.path);
        // Names, not ids: any text is a name that may not exist.
        let typed: Vec<&str> =
            params.iter().copied().filter(|p| !matches!(*p, "login" | "table" | "report" | "format")).collect();
        for p in typed {
            for bad in bad_values {
                let good = support::fill(spec.path, &f.own).unwrap();
                let template = spec.path.replace(&format!("{{{p}}}"), bad);
                let path = support::fill(&template, &f.own).unwrap_or(good);
                let client: &mut Client = if spec.path.starts_with("/system") { &mut system } else { &mut admin };
                let r = if spec.method == "POST" {
                    client.post(&path, &[("version", "0")]).await
                } else {
                    client.get(&path).await
                };
                checked += 1;
                let ok = matches!(r.status, 404 | 422) && !is_plain_english(&r) && has_japanese(&r.body);
                if !ok {
                    problems.push(format!(
                        "{} {path}: {} {:?}",
                        spec.method,
                        r.status,
                        r.body.chars().take(120).collect::<String>()
                    ));
                }
            }
        }
    }
    assert!(checked > 100, "{checked} requests");
    // The portal's and the API's routes with ids are among those walked.
    let walked =
        |prefix: &str| route_specs().iter().filter(|r| r.path.starts_with(prefix) && r.path.contains('{')).count();
    assert!(walked("/p/") >= 13 && walked("/api/v1/") >= 3, "portal {} api {}", walked("/p/"), walked("/api/v1/"));
    assert!(
        problems.is_empty(),
        "{} answers were not a Japanese 404/422:\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

#[tokio::test]
async fn form_fields_with_bad_bytes_or_control_characters_are_refused_by_name() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let f = support::build_fixture(&store).await;
    let server = support::spawn(store.clone()).await;
    let mut admin = server.signed_in("admin").await;
    let csrf = admin.csrf.clone().unwrap();
    let path = format!("/m/{OWN_CITY}/admin/years/2018/unlock");
    for (body, field, what) in [
        (format!("_csrf={csrf}&reason=%FF%FE"), "reason", "UTF-8"),
        (format!("_csrf={csrf}&reason=abc%00def"), "reason", "U+0000"),
        (format!("_csrf={csrf}&reason=ok&x%1Fy=1"), "xy", "U+001F"),
    ] {
        let r = admin.send("POST", &path, Some(body), &[]).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains(&format!("「{field}」")) && r.body.contains(what), "{}", r.body);
    }
    // Nothing was changed: the year is still locked and published.
    let year = store.fiscal_year(OWN_CITY, hyoka_core::FiscalYear::new(2018).unwrap()).await.unwrap();
    assert!(year.locked);
    let _ = f;
}

/// Every GET route that reads a query string, with a query it accepts.
const QUERY_ROUTES: &[(&str, &str)] = &[
    ("/login", "next=/staff"),
    ("/staff", "fy=2018"),
    ("/system", "done=1"),
    ("/m/{code}/search", "q=x"),
    ("/m/{code}/sheets/{item}/{fy}", "saved=1"),
    ("/m/{code}/sheets/{item}/{fy}/history", "all=1"),
    ("/m/{code}/sheets/{item}/{fy}/workflow", "done=1"),
    ("/m/{code}/reports/{fy}/sheets/{format}", "department="),
    ("/m/{code}/admin", "fy=2018"),
    ("/m/{code}/admin/years", "done=1"),
    ("/m/{code}/admin/checks", "fy=2018"),
    ("/m/{code}/admin/layout", "done=1"),
    ("/m/{code}/admin/vocabulary", "done=1"),
    ("/m/{code}/admin/accounts", "done=1"),
    ("/m/{code}/admin/org", "done=1"),
    ("/m/{code}/admin/org/sections/{section}", "done=1"),
    ("/m/{code}/admin/plans/{plan}", "done=1"),
    ("/m/{code}/admin/nodes/{node}", "done=1"),
    ("/m/{code}/admin/items", "done=1"),
    ("/m/{code}/admin/items/{item}", "done=1"),
    ("/m/{code}/admin/import", "check="),
    ("/p/compare", "indicator=x"),
    ("/p/{code}/search", "q=x"),
    ("/p/{code}/{fy}/data/{table}", "format=json"),
    ("/api/v1/municipalities/{code}/years/{fy}/{table}", "limit=10"),
    ("/api/v1/compare", "indicator=x"),
];

#[tokio::test]
async fn queries_with_control_characters_or_repeated_fields_get_a_japanese_422_naming_the_field() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let f = support::build_fixture(&store).await;
    let server = support::spawn(store).await;
    let mut admin = server.signed_in("admin").await;
    let mut system = server.signed_in("system").await;
    let specs = route_specs();
    let mut problems = Vec::new();
    for (template, good) in QUERY_ROUTES {
        assert!(specs.iter().any(|r| r.method == "GET" && r.path == *template), "{template} is not a GET route");
        let path = support::fill(template, &f.own).unwrap();
        let client: &mut Client = if template.starts_with("/system") { &mut system } else { &mut admin };
        let field = good.split('=').next().unwrap();
        for (query, what) in [
            (format!("{field}=a%00b"), "U+0000"),
            (format!("{field}=%1B%5B2J"), "U+001B"),
            (format!("{good}&{good}"), "2回"),
        ] {
            let r = client.get(&format!("{path}?{query}")).await;
            let ok = r.status == 422
                && !is_plain_english(&r)
                && r.body.contains(&format!("「{field}」"))
                && r.body.contains(what);
            if !ok {
                problems.push(format!(
                    "{path}?{query}: {} {:?}",
                    r.status,
                    r.body.chars().take(160).collect::<String>()
                ));
            }
        }
        // The same route with its query once is not refused.
        let r = client.get(&format!("{path}?{good}")).await;
        if r.status == 422 || r.status >= 500 {
            problems.push(format!("{path}?{good}: {} {:?}", r.status, r.body.chars().take(160).collect::<String>()));
        }
    }
    // A value of the wrong type names its field too.
    let r = admin.get("/staff?fy=abc").await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(has_japanese(&r.body) && r.body.contains("abc"), "{}", r.body);
    assert!(
        problems.is_empty(),
        "{} answers were not a Japanese 422 naming the field:\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}
