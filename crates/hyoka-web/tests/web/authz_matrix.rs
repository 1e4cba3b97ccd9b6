//! The authorisation matrix: every declared route × every role × a resource
//! of the person's own section, of another section, and of another city,
//! plus signed-out visitors — generated from `hyoka_web::route_specs()`, so
//! a new route is checked the day it is declared.
//!
//! The expected answer comes from the table in [`expected`], written here
//! from the roles as documented (docs/security.md), not from
//! `hyoka_core::access::authorize`: the test checks the handlers against
//! the rules, not the rules against themselves.
//!
//! "Allowed" is any answer that is not 401/403/404, not a server error and
//! not a redirect to the login form; 409 and 422 count as allowed (the
//! state or the input was the obstacle, not permission). "Refused" is 403
//! within one's own city and 404 for another city's data, so that the
//! existence of another city's sheets is never revealed.
//!
//! POST requests carry a valid CSRF token of the account's own session and
//! a harmless body (`version=-1`, so a save or a transition meets a stale
//! version and answers 409 instead of changing data). Within each route,
//! the requests expected to be refused run before the allowed ones, so a
//! state change made by an allowed request cannot turn a later refusal
//! into a 409.

use crate::support;

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use hyoka_core::access::Role;
use hyoka_store::testing::TestDb;
use hyoka_web::{route_specs, Rule};
use support::{Actor, Client, Fixture, Response, TestServer, Variant};

/// What a request should meet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Expect {
    /// 403 within one's own city.
    Forbidden,
    /// 404: another city's data, or city data for the system administrator.
    NotFound,
    /// A signed-out GET: a redirect to the login form.
    SignIn,
    /// A POST without any session: refused by the CSRF check (403).
    Csrf,
    /// Either refusal: an id of another city under one's own city's code,
    /// asked by someone the route refuses anyway. 403 (permission checked
    /// before the id is looked up) and 404 both reveal nothing.
    Refused,
    Allowed,
}

/// Who sends the request.
#[derive(Clone, Debug)]
enum Who {
    /// No cookie at all.
    Anonymous,
    /// An anonymous session with its CSRF token (only for POST): shows that
    /// handlers, not only the CSRF check, require signing in.
    AnonymousSession,
    Account(Actor),
}

impl Who {
    fn label(&self) -> &str {
        match self {
            Who::Anonymous => "anonymous",
            Who::AnonymousSession => "anonymous+session",
            Who::Account(a) => a.login,
        }
    }
}

/// The resource a request is about: the city, and the section when the
/// path names a sheet (`{item}`) or an indicator of one.
#[derive(Clone, Copy)]
struct Target {
    city: Option<&'static str>,
    section: Option<i64>,
    /// An id of another city under this city's code: found nowhere.
    foreign: bool,
}

/// The permission table, independent of `hyoka_core::access`.
fn expected(rule: Rule, post: bool, who: &Who, target: &Target) -> Expect {
    let a = match who {
        Who::Anonymous if post => return Expect::Csrf,
        Who::Anonymous | Who::AnonymousSession => {
            return if rule == Rule::Public { Expect::Allowed } else { Expect::SignIn };
        }
        Who::Account(a) => a,
    };
    let allow = |ok: bool| if ok { Expect::Allowed } else { Expect::Forbidden };
    match rule {
        Rule::Public | Rule::SignedIn => Expect::Allowed,
        Rule::System => allow(a.role == Role::SystemAdmin),
        Rule::View | Rule::EditSheet | Rule::Approve | Rule::Review | Rule::Administer => {
            // A route without `{code}` is about the person's own city.
            if target.foreign {
                // Whoever may act on the city's own resources must find
                // another city's id missing, not act on it.
                let own = Target { foreign: false, ..*target };
                return match expected(rule, post, who, &own) {
                    Expect::Allowed => Expect::NotFound,
                    Expect::Forbidden => Expect::Refused,
                    other => other,
                };
            }
            let city = target.city.or(a.city);
            if a.role == Role::SystemAdmin || city.is_none() || a.city != city {
                return Expect::NotFound;
            }
            let own_section = a.section.is_some() && a.section == target.section;
            allow(match rule {
                Rule::View => true,
                Rule::EditSheet => a.role == Role::Admin || matches!(a.role, Role::Editor | Role::Head) && own_section,
                Rule::Approve => a.role == Role::Admin || a.role == Role::Head && own_section,
                Rule::Review => matches!(a.role, Role::Reviewer | Role::Admin),
                _ => a.role == Role::Admin,
            })
        }
        #[allow(unreachable_patterns)]
        other => panic!("the matrix has no expectation for {other:?}: add it to `expected`"),
    }
}

/// Whether the answer is what was expected.
fn meets(expect: Expect, rule: Rule, who: &Who, r: &Response) -> bool {
    let allowed = !matches!(r.status, 401 | 403 | 404)
        && r.status < 500
        && !r.is_login_redirect()
        && (r.status < 400 || matches!(r.status, 409 | 422));
    match expect {
        // A public route answers in its own terms: the login form's 401 is
        // the credential check, logging out leads to the login form.
        Expect::Allowed if rule == Rule::Public => !matches!(r.status, 403 | 404) && r.status < 500,
        Expect::Allowed => allowed,
        Expect::Forbidden => r.status == 403,
        Expect::NotFound => r.status == 404,
        Expect::SignIn => match who {
            // A POST that passed the CSRF check meets the sign-in check.
            Who::AnonymousSession => r.is_login_redirect() || r.status == 403,
            _ => r.is_login_redirect(),
        },
        Expect::Csrf => r.status == 403,
        Expect::Refused => matches!(r.status, 403 | 404),
    }
}

fn outcome(r: &Response) -> String {
    match r.location() {
        Some(l) if r.is_redirect() => format!("{} → {l}", r.status),
        _ => r.status.to_string(),
    }
}

/// The security headers every answer must carry.
fn header_problems(r: &Response) -> Vec<&'static str> {
    let mut out = Vec::new();
    let csp = r.header("content-security-policy").unwrap_or("");
    if !csp.contains("default-src 'self'") || !csp.contains("script-src 'self'") || csp.contains("unsafe-inline") {
        out.push("Content-Security-Policy");
    }
    if r.header("x-content-type-options") != Some("nosniff") {
        out.push("X-Content-Type-Options");
    }
    if r.header("x-frame-options") != Some("DENY") {
        out.push("X-Frame-Options");
    }
    if r.header("referrer-policy").is_none() {
        out.push("Referrer-Policy");
    }
    out
}

struct Case {
    variant: Option<Variant>,
    path: String,
    who: Who,
    expect: Expect,
}

#[derive(Default)]
struct Tally {
    routes: usize,
    checks: usize,
    allowed: usize,
    forbidden: usize,
    not_found: usize,
    sign_in: usize,
    csrf: usize,
    failures: usize,
}

/// Signed-in clients, one per actor, re-signed-in when a route (logout)
/// ends the session.
struct Sessions<'a> {
    server: &'a TestServer,
    clients: HashMap<&'static str, Client>,
    anonymous: Option<Client>,
}

impl Sessions<'_> {
    async fn client(&mut self, who: &Who) -> Client {
        match who {
            Who::Anonymous => self.server.client(),
            Who::AnonymousSession => {
                let c = self.anonymous.take();
                match c {
                    Some(c) if c.csrf_cookie.is_some() && c.csrf.is_some() => c,
                    _ => self.server.visitor().await,
                }
            }
            Who::Account(a) => {
                let c = self.clients.remove(a.login);
                match c {
                    Some(mut c) if c.cookie.is_some() => {
                        if c.csrf.is_none() {
                            c.refresh_csrf().await;
                        }
                        c
                    }
                    _ => self.server.signed_in(a.login).await,
                }
            }
        }
    }

    fn put_back(&mut self, who: &Who, c: Client) {
        match who {
            Who::Anonymous => {}
            Who::AnonymousSession => self.anonymous = Some(c),
            Who::Account(a) => {
                self.clients.insert(a.login, c);
            }
        }
    }

    async fn send(&mut self, post: bool, path: &str, who: &Who) -> Response {
        let mut c = self.client(who).await;
        let r = if post {
            match who {
                Who::Anonymous => c.post_raw(path, &[("version", "-1")]).await,
                _ => c.post(path, &[("version", "-1")]).await,
            }
        } else {
            c.get(path).await
        };
        self.put_back(who, c);
        r
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_every_role_every_variant() {
    let started = std::time::Instant::now();
    let db = TestDb::new().await;
    let store = db.store().await;
    let fixture = support::build_fixture(&store).await;
    let server = support::spawn(store).await;
    let specs = route_specs();
    assert!(!specs.is_empty(), "the router declares routes");

    let mut failures: Vec<String> = Vec::new();
    let mut unfillable: Vec<String> = Vec::new();
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut sessions = Sessions { server: &server, clients: HashMap::new(), anonymous: None };
    let mut retried = 0usize;
    // HYOKA_MATRIX_VERBOSE=1 prints every request and its answer.
    let verbose = std::env::var_os("HYOKA_MATRIX_VERBOSE").is_some();

    for spec in &specs {
        let method = spec.method.as_str();
        let post = method == "POST";
        assert!(post || method == "GET", "{method} {}: the matrix knows GET and POST only", spec.path);
        let cases = match cases(&fixture, spec.path, spec.rule, post) {
            Ok(c) => c,
            Err(param) => {
                unfillable.push(format!(
                    "{method} {}: the fixture cannot fill the path parameter {{{param}}} \
                     (allowed names: code, item, fy, plan, node, indicator, login, section, department)",
                    spec.path
                ));
                continue;
            }
        };
        let tally = tallies.entry(format!("{:?}", spec.rule)).or_default();
        tally.routes += 1;
        for case in cases {
            let mut r = sessions.send(post, &case.path, &case.who).await;
            // A session ended by an earlier request (logging out) is not a
            // verdict on this route: sign in again and ask once more.
            let account = matches!(case.who, Who::Account(_));
            if account && spec.rule != Rule::Public && r.is_login_redirect() && case.expect != Expect::SignIn {
                if let Who::Account(a) = &case.who {
                    sessions.clients.remove(a.login);
                }
                retried += 1;
                r = sessions.send(post, &case.path, &case.who).await;
            }
            tally.checks += 1;
            let ok = meets(case.expect, spec.rule, &case.who, &r);
            if verbose {
                println!(
                    "{} {method} {} as {} [{}]: {:?} → {}",
                    if ok { "ok  " } else { "FAIL" },
                    case.path,
                    case.who.label(),
                    case.variant.map_or("-", Variant::label),
                    case.expect,
                    outcome(&r)
                );
            }
            if ok {
                match case.expect {
                    Expect::Allowed => tally.allowed += 1,
                    Expect::Forbidden => tally.forbidden += 1,
                    Expect::NotFound => tally.not_found += 1,
                    Expect::SignIn => tally.sign_in += 1,
                    Expect::Csrf => tally.csrf += 1,
                    Expect::Refused if r.status == 403 => tally.forbidden += 1,
                    Expect::Refused => tally.not_found += 1,
                }
            } else {
                tally.failures += 1;
                failures.push(format!(
                    "{method} {} [{:?}] as {} on {} ({}): expected {:?}, got {}{}",
                    spec.path,
                    spec.rule,
                    case.who.label(),
                    case.variant.map_or("-", Variant::label),
                    case.path,
                    case.expect,
                    outcome(&r),
                    first_words(&r),
                ));
            }
            let missing = header_problems(&r);
            if !missing.is_empty() {
                failures.push(format!(
                    "{method} {} as {}: security headers missing or weak: {}",
                    case.path,
                    case.who.label(),
                    missing.join(", ")
                ));
            }
        }
    }

    let table = render(&tallies, started.elapsed(), retried, db.backend());
    println!("{table}");
    let mut problems = unfillable;
    problems.extend(failures);
    assert!(problems.is_empty(), "{table}\n{} problem(s):\n  {}", problems.len(), problems.join("\n  "));
}

/// The requests for one route: each variant its path can name, each
/// actor, refusals first.
fn cases(f: &Fixture, template: &'static str, rule: Rule, post: bool) -> Result<Vec<Case>, String> {
    let variants: Vec<Option<Variant>> = if support::varies(template) {
        // An id of another city under one's own code is only asked of
        // city routes; the system administrator's routes take any city.
        let foreign = support::names_id_in_city(template) && !matches!(rule, Rule::System | Rule::Public);
        Variant::ALL.iter().copied().filter(|v| *v != Variant::ForeignId || foreign).map(Some).collect()
    } else {
        vec![None]
    };
    let mut whos: Vec<Who> = vec![Who::Anonymous];
    if post {
        whos.push(Who::AnonymousSession);
    }
    whos.extend(f.actors.iter().cloned().map(Who::Account));
    let mut out = Vec::new();
    let mut seen: Vec<(String, Option<i64>)> = Vec::new();
    for v in variants {
        let (path, target) = match v {
            Some(v) => {
                let r = f.resources(v);
                let target = Target {
                    city: support::params(template).contains(&"code").then_some(r.code),
                    section: support::names_section(template).then_some(r.section),
                    foreign: v == Variant::ForeignId,
                };
                (support::fill(template, r)?, target)
            }
            None => (support::fill(template, &f.own)?, Target { city: None, section: None, foreign: false }),
        };
        // Without `{item}` or `{indicator}`, both sections of one city give
        // the same request.
        if seen.contains(&(path.clone(), target.section)) {
            continue;
        }
        seen.push((path.clone(), target.section));
        for who in &whos {
            let expect = expected(rule, post, who, &target);
            out.push(Case { variant: v, path: path.clone(), who: who.clone(), expect });
        }
    }
    // Refusals before permissions: an allowed POST may change state.
    out.sort_by_key(|c| c.expect == Expect::Allowed);
    Ok(out)
}

/// The start of an error page's message, to make a failure readable.
fn first_words(r: &Response) -> String {
    let text = r.body.split("<h1>").nth(1).and_then(|s| s.split("</h1>").next()).unwrap_or("");
    if text.is_empty() {
        String::new()
    } else {
        format!(" «{}»", text.chars().take(60).collect::<String>())
    }
}

fn render(
    tallies: &BTreeMap<String, Tally>,
    elapsed: std::time::Duration,
    retried: usize,
    backend: hyoka_store::Backend,
) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "authorisation matrix on {backend:?} ({:.1} s, {retried} re-sign-ins)", elapsed.as_secs_f64());
    let _ = writeln!(
        s,
        "{:<11} {:>6} {:>7} {:>8} {:>5} {:>5} {:>7} {:>5} {:>6}",
        "rule", "routes", "checks", "allowed", "403", "404", "sign-in", "csrf", "FAILED"
    );
    let mut total = Tally::default();
    for (rule, t) in tallies {
        let _ = writeln!(
            s,
            "{rule:<11} {:>6} {:>7} {:>8} {:>5} {:>5} {:>7} {:>5} {:>6}",
            t.routes, t.checks, t.allowed, t.forbidden, t.not_found, t.sign_in, t.csrf, t.failures
        );
        total.routes += t.routes;
        total.checks += t.checks;
        total.allowed += t.allowed;
        total.forbidden += t.forbidden;
        total.not_found += t.not_found;
        total.sign_in += t.sign_in;
        total.csrf += t.csrf;
        total.failures += t.failures;
    }
    let _ = writeln!(
        s,
        "{:<11} {:>6} {:>7} {:>8} {:>5} {:>5} {:>7} {:>5} {:>6}",
        "total",
        total.routes,
        total.checks,
        total.allowed,
        total.forbidden,
        total.not_found,
        total.sign_in,
        total.csrf,
        total.failures
    );
    s
}

/// The table itself, checked on a few cells so that a slip in it cannot
/// make the matrix vacuous.
#[test]
fn the_expectation_table_says_what_the_roles_mean() {
    let actor = |role, city: Option<&'static str>, section| Who::Account(Actor { login: "x", role, city, section });
    let own = Target { city: Some("132047"), section: Some(1), foreign: false };
    let other_section = Target { city: Some("132047"), section: Some(2), foreign: false };
    let other_city = Target { city: Some("222062"), section: Some(3), foreign: false };
    let foreign = Target { city: Some("132047"), section: Some(3), foreign: true };
    let editor = actor(Role::Editor, Some("132047"), Some(1));
    assert_eq!(expected(Rule::EditSheet, true, &editor, &own), Expect::Allowed);
    assert_eq!(expected(Rule::EditSheet, true, &editor, &other_section), Expect::Forbidden);
    assert_eq!(expected(Rule::EditSheet, true, &editor, &other_city), Expect::NotFound);
    assert_eq!(expected(Rule::Approve, true, &editor, &own), Expect::Forbidden);
    let head = actor(Role::Head, Some("132047"), Some(1));
    assert_eq!(expected(Rule::Approve, true, &head, &own), Expect::Allowed);
    assert_eq!(expected(Rule::Approve, true, &head, &other_section), Expect::Forbidden);
    let reviewer = actor(Role::Reviewer, Some("132047"), None);
    assert_eq!(expected(Rule::Review, true, &reviewer, &other_section), Expect::Allowed);
    assert_eq!(expected(Rule::Administer, true, &reviewer, &own), Expect::Forbidden);
    let viewer = actor(Role::Viewer, Some("132047"), None);
    assert_eq!(expected(Rule::View, false, &viewer, &other_section), Expect::Allowed);
    assert_eq!(expected(Rule::EditSheet, true, &viewer, &own), Expect::Forbidden);
    let system = actor(Role::SystemAdmin, None, None);
    assert_eq!(expected(Rule::View, false, &system, &own), Expect::NotFound);
    assert_eq!(expected(Rule::System, false, &system, &own), Expect::Allowed);
    assert_eq!(expected(Rule::View, false, &viewer, &foreign), Expect::NotFound);
    assert_eq!(expected(Rule::Administer, true, &viewer, &foreign), Expect::Refused);
    let admin = actor(Role::Admin, Some("132047"), None);
    assert_eq!(expected(Rule::Administer, true, &admin, &foreign), Expect::NotFound);
    let mishima_admin = actor(Role::Admin, Some("222062"), None);
    assert_eq!(expected(Rule::Administer, true, &mishima_admin, &own), Expect::NotFound);
    assert_eq!(expected(Rule::Administer, true, &mishima_admin, &other_city), Expect::Allowed);
    assert_eq!(expected(Rule::System, false, &mishima_admin, &own), Expect::Forbidden);
    assert_eq!(expected(Rule::View, false, &Who::Anonymous, &own), Expect::SignIn);
    assert_eq!(expected(Rule::View, true, &Who::Anonymous, &own), Expect::Csrf);
    assert_eq!(expected(Rule::Public, false, &Who::Anonymous, &own), Expect::Allowed);
    assert_eq!(expected(Rule::SignedIn, true, &Who::AnonymousSession, &own), Expect::SignIn);
}
