//! What the security tests share: a real server on a free port, a raw
//! HTTP/1.1 client whose cookie, CSRF token and headers the test controls
//! exactly, the authorisation fixture (two cities, two sections, one
//! account per role) built from the published seeds, and the filling of
//! route templates from it.
#![allow(dead_code)]

use std::net::SocketAddr;

use hyoka_core::access::Role;
use hyoka_core::{Direction, FiscalYear, IndicatorCell, IndicatorKind, ValueRole};
use hyoka_store::{FiscalYearRecord, NewAccount, NewIndicator, Store};
use hyoka_web::{AppState, Server, SessionConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub const PASSWORD: &str = "test-password-0123";
pub const COOKIE: &str = "hyoka_session";
/// The fiscal year every `{fy}` is filled with (平成30年度, the seeds' year).
pub const FY: i32 = 2018;

// ------------------------------------------------------------------ server

pub struct TestServer {
    pub addr: SocketAddr,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

/// A server with cookies that also work over the tests' plain HTTP.
pub async fn spawn(store: Store) -> TestServer {
    spawn_with(store, SessionConfig { idle_seconds: 30 * 60, secure_cookies: false }).await
}

pub async fn spawn_with(store: Store, session: SessionConfig) -> TestServer {
    let server = Server::bind("127.0.0.1:0".parse().unwrap(), AppState { store, session }).await.unwrap();
    let addr = server.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.run(async {
        let _ = rx.await;
    }));
    TestServer { addr, _shutdown: tx }
}

impl TestServer {
    /// A client with no cookie at all.
    pub fn client(&self) -> Client {
        Client { addr: self.addr, cookie: None, csrf: None }
    }

    /// A client signed in as `login` (password [`PASSWORD`]), with its CSRF
    /// token at hand.
    pub async fn signed_in(&self, login: &str) -> Client {
        let mut c = self.client();
        let r = c.login(login, PASSWORD).await;
        assert!(r.status == 303 || r.status == 302, "login as {login} answered {}: {}", r.status, r.body);
        c
    }

    /// A client with an anonymous session (as after opening the login form)
    /// and that session's CSRF token.
    pub async fn anonymous_session(&self) -> Client {
        let mut c = self.client();
        c.refresh_csrf().await;
        assert!(c.cookie.is_some() && c.csrf.is_some(), "the login form starts a session with a CSRF token");
        c
    }
}

// ------------------------------------------------------------------ client

#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// Every header, names lower-cased, in order.
    pub headers: Vec<(String, String)>,
    pub set_cookies: Vec<String>,
    /// The body as text (lossy for binary downloads).
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }

    pub fn is_redirect(&self) -> bool {
        (300..400).contains(&self.status)
    }

    /// A redirect to the login form (what a signed-out visitor gets).
    pub fn is_login_redirect(&self) -> bool {
        self.is_redirect() && self.location().is_some_and(|l| l == "/login" || l.starts_with("/login?"))
    }

    pub fn is_html(&self) -> bool {
        self.header("content-type").is_some_and(|c| c.starts_with("text/html"))
    }

    /// The session cookie this response sets, with its attributes.
    pub fn session_cookie(&self) -> Option<&str> {
        self.set_cookies.iter().find(|c| c.starts_with(&format!("{COOKIE}="))).map(String::as_str)
    }
}

/// A browser-like client for one server: one cookie, and the CSRF token of
/// that cookie's session once known.
#[derive(Clone)]
pub struct Client {
    pub addr: SocketAddr,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
}

impl Client {
    pub async fn get(&mut self, path: &str) -> Response {
        self.send("GET", path, None, &[]).await
    }

    /// Posts exactly `fields`, adding nothing.
    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Response {
        let body = serde_urlencoded::to_string(fields).unwrap();
        self.send("POST", path, Some(body), &[]).await
    }

    /// Posts `fields` with this session's CSRF token.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Response {
        if self.csrf.is_none() {
            self.refresh_csrf().await;
        }
        let csrf = self.csrf.clone().unwrap_or_default();
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("_csrf", &csrf));
        self.post_raw(path, &all).await
    }

    /// Signs in through the login form; the CSRF token of the new session is
    /// read afterwards.
    pub async fn login(&mut self, login: &str, password: &str) -> Response {
        let form = self.get("/login").await;
        let csrf = csrf_in(&form.body).expect("the login form carries a CSRF token");
        let r = self.post_raw("/login", &[("login", login), ("password", password), ("_csrf", &csrf)]).await;
        self.csrf = None;
        if r.is_redirect() {
            self.refresh_csrf().await;
        } else {
            self.csrf = Some(csrf);
        }
        r
    }

    /// Reads the session's CSRF token from the login form, or, should that
    /// page send a signed-in person elsewhere, from the page it leads to
    /// (every staff page has the logout form).
    pub async fn refresh_csrf(&mut self) {
        let mut path = "/login".to_string();
        for _ in 0..4 {
            let r = self.get(&path).await;
            if let Some(t) = csrf_in(&r.body) {
                self.csrf = Some(t);
                return;
            }
            match r.location() {
                Some(l) if r.is_redirect() && l.starts_with('/') => path = l.to_string(),
                _ => break,
            }
        }
        self.csrf = None;
    }

    /// Sends one request on a fresh connection and reads the whole answer.
    pub async fn send(
        &mut self,
        method: &str,
        path: &str,
        form: Option<String>,
        extra_headers: &[(&str, &str)],
    ) -> Response {
        let mut stream = TcpStream::connect(self.addr).await.unwrap();
        let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n", self.addr);
        if let Some(c) = &self.cookie {
            request.push_str(&format!("Cookie: {COOKIE}={c}\r\n"));
        }
        for (k, v) in extra_headers {
            request.push_str(&format!("{k}: {v}\r\n"));
        }
        match &form {
            Some(body) => request.push_str(&format!(
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )),
            None => request.push_str("\r\n"),
        }
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.unwrap();
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a header block");
        let head = String::from_utf8_lossy(&raw[..split]).to_string();
        let body_bytes = &raw[split + 4..];
        let mut lines = head.lines();
        let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
        let mut headers = Vec::new();
        let mut set_cookies = Vec::new();
        for l in lines {
            if let Some((k, v)) = l.split_once(':') {
                let k = k.trim().to_ascii_lowercase();
                if k == "set-cookie" {
                    set_cookies.push(v.trim().to_string());
                }
                headers.push((k, v.trim().to_string()));
            }
        }
        for c in &set_cookies {
            if let Some(v) = c.strip_prefix(&format!("{COOKIE}=")) {
                let value = v.split(';').next().unwrap_or("");
                let new = (!value.is_empty()).then(|| value.to_string());
                if new != self.cookie {
                    // Another session: its CSRF token is not known yet.
                    self.csrf = None;
                }
                self.cookie = new;
            }
        }
        let chunked = headers.iter().any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
        let body = if chunked { dechunk(body_bytes) } else { body_bytes.to_vec() };
        Response { status, headers, set_cookies, body: String::from_utf8_lossy(&body).to_string() }
    }
}

/// The value of the first `_csrf` hidden field in a page.
pub fn csrf_in(html: &str) -> Option<String> {
    let marker = "name=\"_csrf\" value=\"";
    let at = html.find(marker)? + marker.len();
    Some(html[at..].split('"').next()?.to_string())
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = body.windows(2).position(|w| w == b"\r\n") {
        let size = String::from_utf8_lossy(&body[..eol]).to_string();
        let n = usize::from_str_radix(size.split(';').next().unwrap_or("").trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        let rest = &body[eol + 2..];
        out.extend_from_slice(&rest[..n.min(rest.len())]);
        body = rest.get(n + 2..).unwrap_or(&[]);
    }
    out
}

/// Creates an account with [`PASSWORD`] and returns its id.
pub async fn account(
    store: &Store,
    login: &str,
    display_name: &str,
    role: Role,
    city: Option<&str>,
    section: Option<i64>,
) -> i64 {
    let mut tx = store.begin().await.unwrap();
    let id = tx
        .create_account(&NewAccount {
            municipality: city.map(str::to_string),
            login: login.into(),
            display_name: display_name.into(),
            password_hash: hyoka_web::auth::password::hash_password(PASSWORD).unwrap(),
            role,
            section_id: section,
        })
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

// ----------------------------------------------------------------- fixture

pub const OWN_CITY: &str = "132047";
pub const OTHER_CITY: &str = "222062";

/// Which resource a path is filled with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Variant {
    /// 三鷹市, 企画部 (the section of 企-1 … 企-12).
    OwnSection,
    /// 三鷹市, another section (生活環境部 生活経済課, from the white paper).
    OtherSection,
    /// 三島市.
    OtherCity,
    /// 三鷹市's code with 三島市's ids (`/m/132047/items/<an item of
    /// 三島市>`): an id must be checked against the city in the path.
    ForeignId,
}

impl Variant {
    pub const ALL: [Variant; 4] = [Variant::OwnSection, Variant::OtherSection, Variant::OtherCity, Variant::ForeignId];

    pub fn label(self) -> &'static str {
        match self {
            Variant::OwnSection => "own-section",
            Variant::OtherSection => "other-section",
            Variant::OtherCity => "other-city",
            Variant::ForeignId => "foreign-id",
        }
    }
}

/// The ids one variant fills path parameters with.
#[derive(Clone, Debug)]
pub struct Resources {
    pub code: &'static str,
    pub item: i64,
    pub plan: i64,
    pub node: i64,
    pub indicator: i64,
    /// A spare account of that city and section, never one that signs in
    /// during the matrix: a route may disable it or reset its password.
    pub login: &'static str,
    pub section: i64,
}

/// Who signs in during the matrix.
#[derive(Clone, Debug)]
pub struct Actor {
    pub login: &'static str,
    pub role: Role,
    pub city: Option<&'static str>,
    pub section: Option<i64>,
}

pub struct Fixture {
    pub own: Resources,
    pub other_section: Resources,
    pub other_city: Resources,
    /// 三鷹市's code, 三島市's ids.
    pub foreign_id: Resources,
    pub actors: Vec<Actor>,
}

impl Fixture {
    pub fn resources(&self, v: Variant) -> &Resources {
        match v {
            Variant::OwnSection => &self.own,
            Variant::OtherSection => &self.other_section,
            Variant::OtherCity => &self.other_city,
            Variant::ForeignId => &self.foreign_id,
        }
    }

    pub fn actor(&self, login: &str) -> &Actor {
        self.actors.iter().find(|a| a.login == login).unwrap_or_else(|| panic!("no actor {login}"))
    }
}

const SEEDS: [&str; 3] = [
    "000_1a8dd8067da68eba.txt", // 三鷹市 個別事業評価表 (企-1 … 企-12)
    "001_9b686f713a20fe01.txt", // 三島市 行政評価表
    "002_f160ebe9d3a69d59.txt", // 三鷹市 自治体経営白書 (other sections)
];

/// Imports the seeds of 三鷹市 and 三島市 and creates one account per role.
pub async fn build_fixture(store: &Store) -> Fixture {
    let batches: Vec<(String, hyoka_import::Batch)> = SEEDS
        .iter()
        .map(|f| {
            let path = format!("{}/../../demo/seeds/{f}", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            let (_, batch) = hyoka_import::read_published(f, &text).unwrap_or_else(|e| panic!("{f}: {e}"));
            (f.to_string(), batch)
        })
        .collect();
    hyoka_import::apply(store, &batches, false).await.unwrap();

    let kikaku = store.section_id(OWN_CITY, "企画部", "").await.expect("企画部 holds 企-1 … 企-12");
    let keizai = store.section_id(OWN_CITY, "生活環境部", "生活経済課").await.expect("a white-paper section");
    let johoseisaku = store.section_id(OTHER_CITY, "企画戦略部", "情報政策課").await.expect("三島市 情報政策課");

    let items = store.items(OWN_CITY).await.unwrap();
    let own_item = items.iter().find(|i| i.code == "企-1").expect("企-1").id;
    let mut other_item = None;
    for i in &items {
        if store.item_sections(i.id).await.unwrap() == [("生活環境部".to_string(), "生活経済課".to_string())]
            && !store.item_indicators(i.id).await.unwrap().is_empty()
        {
            other_item = Some(i.id);
            break;
        }
    }
    let other_item = other_item.expect("an item of 生活経済課 with indicators");
    let mut mishima_item = None;
    for i in store.items(OTHER_CITY).await.unwrap() {
        if !store.item_indicators(i.id).await.unwrap().is_empty() {
            mishima_item = Some(i.id);
            break;
        }
    }
    let mishima_item = mishima_item.expect("a 三島市 item with indicators");

    // 企-1 has no indicator of its own in the seeds; give it one so that
    // `{indicator}` has an own-section value.
    let fy = FiscalYear::new(FY).unwrap();
    let mut tx = store.begin().await.unwrap();
    let own_indicator = tx
        .upsert_indicator(
            OWN_CITY,
            &NewIndicator {
                key: "authz-own-indicator".into(),
                name: "企-1 の検証用指標".into(),
                kind: IndicatorKind::Activity,
                definition: Some("認可テスト用".into()),
                unit: Some("件".into()),
                direction: Direction::HigherIsBetter,
                vocabulary: Some("achievement".into()),
                item_id: Some(own_item),
                node_id: None,
            },
        )
        .await
        .unwrap();
    tx.set_indicator_value(own_indicator, fy, ValueRole::Target, &IndicatorCell::parse("10件")).await.unwrap();
    tx.set_indicator_value(own_indicator, fy, ValueRole::Actual, &IndicatorCell::parse("12件")).await.unwrap();
    for (city, item) in [(OWN_CITY, own_item), (OWN_CITY, other_item), (OTHER_CITY, mishima_item)] {
        tx.sheet_for_update(item, fy).await.unwrap();
        tx.set_fiscal_year(&FiscalYearRecord {
            municipality: city.into(),
            fiscal_year: fy,
            locked: false,
            deadline: Some("2018-06-30".into()),
        })
        .await
        .unwrap();
    }
    // The portal and the API answer 404 for a year that is not published
    // (and only a locked year can be): lock and publish 2018 so that their
    // public routes have something to show.
    for city in [OWN_CITY, OTHER_CITY] {
        let year = FiscalYearRecord {
            municipality: city.into(),
            fiscal_year: fy,
            locked: true,
            deadline: Some("2018-06-30".into()),
        };
        tx.set_fiscal_year(&year).await.unwrap();
        tx.publish_year(city, fy, None).await.unwrap();
    }
    tx.commit().await.unwrap();

    let other_indicator = store.item_indicators(other_item).await.unwrap()[0].id;
    let mishima_indicator = store.item_indicators(mishima_item).await.unwrap()[0].id;
    let (own_plan, own_node) = placement(store, OWN_CITY, own_item).await;
    let (other_plan, other_node) = placement(store, OWN_CITY, other_item).await;
    let (mishima_plan, mishima_node) = placement(store, OTHER_CITY, mishima_item).await;

    let actors = vec![
        Actor { login: "admin", role: Role::Admin, city: Some(OWN_CITY), section: None },
        Actor { login: "editor-own", role: Role::Editor, city: Some(OWN_CITY), section: Some(kikaku) },
        Actor { login: "editor-other", role: Role::Editor, city: Some(OWN_CITY), section: Some(keizai) },
        Actor { login: "head-own", role: Role::Head, city: Some(OWN_CITY), section: Some(kikaku) },
        Actor { login: "head-other", role: Role::Head, city: Some(OWN_CITY), section: Some(keizai) },
        Actor { login: "reviewer", role: Role::Reviewer, city: Some(OWN_CITY), section: None },
        Actor { login: "viewer", role: Role::Viewer, city: Some(OWN_CITY), section: None },
        Actor { login: "mishima-admin", role: Role::Admin, city: Some(OTHER_CITY), section: None },
        Actor { login: "system", role: Role::SystemAdmin, city: None, section: None },
    ];
    for a in &actors {
        account(store, a.login, &format!("{} さん", a.login), a.role, a.city, a.section).await;
    }
    // Targets of `{login}`, never signed in with.
    account(store, "target-own", "対象 企画部", Role::Editor, Some(OWN_CITY), Some(kikaku)).await;
    account(store, "target-other", "対象 生活経済課", Role::Editor, Some(OWN_CITY), Some(keizai)).await;
    account(store, "target-mishima", "対象 三島市", Role::Editor, Some(OTHER_CITY), Some(johoseisaku)).await;

    let other_city = Resources {
        code: OTHER_CITY,
        item: mishima_item,
        plan: mishima_plan,
        node: mishima_node,
        indicator: mishima_indicator,
        login: "target-mishima",
        section: johoseisaku,
    };
    Fixture {
        foreign_id: Resources { code: OWN_CITY, ..other_city.clone() },
        other_city,
        own: Resources {
            code: OWN_CITY,
            item: own_item,
            plan: own_plan,
            node: own_node,
            indicator: own_indicator,
            login: "target-own",
            section: kikaku,
        },
        other_section: Resources {
            code: OWN_CITY,
            item: other_item,
            plan: other_plan,
            node: other_node,
            indicator: other_indicator,
            login: "target-other",
            section: keizai,
        },
        actors,
    }
}

/// A plan node the item is placed under, and its plan; any of the city's
/// plans and nodes when it is placed nowhere.
async fn placement(store: &Store, city: &str, item: i64) -> (i64, i64) {
    let plans = store.plans(city).await.unwrap();
    for p in &plans {
        for n in store.plan_nodes(p.id).await.unwrap() {
            if store.node_items(n.id).await.unwrap().iter().any(|(i, _)| i.id == item) {
                return (p.id, n.id);
            }
        }
    }
    let p = plans.first().expect("the city has a plan");
    let n = store.plan_nodes(p.id).await.unwrap().first().expect("the plan has nodes").id;
    (p.id, n)
}

// ------------------------------------------------------------ templates

/// The parameters a route template names, in order.
pub fn params(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else { break };
        out.push(&rest[open + 1..open + close]);
        rest = &rest[open + close + 1..];
    }
    out
}

/// Fills a route template with one variant's resources. A parameter the
/// fixture cannot fill is an error naming it, so that a route with a new
/// kind of parameter fails the tests instead of being skipped.
pub fn fill(template: &str, r: &Resources) -> Result<String, String> {
    let mut path = template.to_string();
    for p in params(template) {
        let value = match p {
            "code" => r.code.to_string(),
            "item" => r.item.to_string(),
            "fy" => FY.to_string(),
            "plan" => r.plan.to_string(),
            "node" => r.node.to_string(),
            "indicator" => r.indicator.to_string(),
            "login" => r.login.to_string(),
            "table" => "indicators".to_string(),
            "report" => "summary".to_string(),
            "format" => "html".to_string(),
            other => return Err(other.to_string()),
        };
        path = path.replace(&format!("{{{p}}}"), &value);
    }
    Ok(path)
}

/// Whether the template names a resource whose section matters (a sheet,
/// or an indicator on a sheet).
pub fn names_section(template: &str) -> bool {
    params(template).iter().any(|p| matches!(*p, "item" | "indicator"))
}

/// Whether the template names anything that differs between variants.
pub fn varies(template: &str) -> bool {
    params(template).iter().any(|p| matches!(*p, "code" | "item" | "plan" | "node" | "indicator" | "login"))
}

/// Whether the template names the city and an id within it, so that an id
/// of another city can be put under the city's code.
pub fn names_id_in_city(template: &str) -> bool {
    let p = params(template);
    p.contains(&"code") && p.iter().any(|p| matches!(*p, "item" | "plan" | "node" | "indicator" | "login"))
}
