//! What the web tests share: a real server on a free port, one HTTP
//! client, accounts made through the application's commands, the
//! authorisation fixture built from the published seeds, and a WebDriver
//! client for Chromium.
#![allow(dead_code)]

pub mod client;
pub mod fixture;
pub mod webdriver;

use std::net::SocketAddr;

use hyoka_app::accounts::CreateAccount;
use hyoka_app::{Actor as AppActor, App};
use hyoka_core::access::Role;
use hyoka_store::Store;
use hyoka_web::{AppState, Server, SessionConfig};

pub use client::{csrf_in, Client, Response};
pub use fixture::*;

pub const PASSWORD: &str = "test-password-0123";
/// The fiscal year every `{fy}` is filled with (平成30年度, the seeds' year).
pub const FY: i32 = 2018;

pub struct TestServer {
    pub addr: SocketAddr,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

/// A server with cookies that also work over the tests' plain HTTP.
pub async fn spawn(store: Store) -> TestServer {
    spawn_with(store, SessionConfig { idle_seconds: 30 * 60, secure_cookies: false }).await
}

pub async fn spawn_with(store: Store, session: SessionConfig) -> TestServer {
    spawn_state(AppState::new(store).with_session(session)).await
}

pub async fn spawn_state(state: AppState) -> TestServer {
    // Every answer says how many statements it ran (`STATEMENTS_HEADER`).
    let state = state.counting_statements();
    let server = Server::bind("127.0.0.1:0".parse().unwrap(), state).await.unwrap();
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
        Client::new(self.addr)
    }

    /// A client signed in as `login` (password [`PASSWORD`]), with its CSRF
    /// token at hand.
    pub async fn signed_in(&self, login: &str) -> Client {
        let mut c = self.client();
        let r = c.login(login, PASSWORD).await;
        assert!(r.status == 303 || r.status == 302, "login as {login} answered {}: {}", r.status, r.body);
        c
    }

    /// A visitor who opened the login form: their CSRF cookie and token.
    pub async fn visitor(&self) -> Client {
        let mut c = self.client();
        c.refresh_csrf().await;
        assert!(c.csrf_cookie.is_some() && c.csrf.is_some(), "the login form gives a visitor a CSRF token");
        c
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client().get(path).await
    }
}

/// Creates an account with [`PASSWORD`] through the application's command
/// (as the command line would) and returns its id.
pub async fn named_account(
    store: &Store,
    login: &str,
    display_name: &str,
    role: Role,
    city: Option<&str>,
    section: Option<i64>,
) -> i64 {
    let command = CreateAccount {
        municipality: city.map(str::to_string),
        login: login.into(),
        display_name: display_name.into(),
        role,
        section_id: section,
        password: Some(PASSWORD.into()),
    };
    let operator = AppActor::Operator { name: "テストの準備".into() };
    App::new(store.clone()).run(&operator, command).await.unwrap_or_else(|e| panic!("account {login}: {e}")).id
}

/// Creates an account named `{login} さん` with [`PASSWORD`].
pub async fn account(store: &Store, login: &str, role: Role, city: Option<&str>, section: Option<i64>) -> i64 {
    named_account(store, login, &format!("{login} さん"), role, city, section).await
}

/// Writes history rows as a command would (one audit event), for tests
/// that need a history to show.
pub async fn history_in(
    tx: &mut hyoka_store::StoreTx,
    city: &str,
    item: Option<i64>,
    fy: Option<hyoka_core::FiscalYear>,
    account: Option<i64>,
    changes: &[hyoka_store::Change],
) {
    let event = hyoka_store::AuditEvent {
        municipality: Some(city.into()),
        account_id: account,
        actor: "テストの準備".into(),
        command: "test.history".into(),
        item_id: item,
        fiscal_year: fy,
        summary: "テスト用の履歴".into(),
    };
    let rows: Vec<hyoka_store::HistoryRow> =
        changes.iter().map(|c| hyoka_store::HistoryRow { item_id: item, fiscal_year: fy, change: c.clone() }).collect();
    tx.write_event(&event, &rows).await.unwrap();
}
