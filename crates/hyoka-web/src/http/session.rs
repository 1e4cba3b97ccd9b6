//! Server-side sessions.
//!
//! The cookie holds a random token; the database holds only its SHA-256, so
//! a leaked database does not leak live sessions. A session row exists only
//! for a signed-in person: it is created at sign-in, never for a visitor
//! who merely opens a page. Before sign-in, the login form's CSRF token is
//! a double-submit cookie of its own (see [`super::csrf`]).
//!
//! The middleware loads the session of every request, ends it when
//! expired, and slides its expiry forward; the row is rewritten at most
//! once a minute, not on every request. Expired rows are purged at every
//! sign-in and by a task of the server.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use hyoka_core::access::Principal;
use hyoka_core::time::Timestamp;
use hyoka_store::{AccountRecord, Store, StoreError};
use sha2::{Digest, Sha256};

use crate::AppState;

pub const COOKIE_NAME: &str = "hyoka_session";
/// How stale `last_seen_at` may get before a request rewrites it.
const TOUCH_AFTER_SECONDS: i64 = 60;

/// How sessions behave.
#[derive(Clone, Debug)]
pub struct SessionConfig {
    /// A session ends after this many seconds without a request.
    pub idle_seconds: i64,
    /// Send cookies over HTTPS only. On by default; turned off for
    /// plain-HTTP local use (`hyoka serve --insecure-cookies`, the demo).
    pub secure_cookies: bool,
}

impl Default for SessionConfig {
    fn default() -> Self {
        SessionConfig { idle_seconds: 30 * 60, secure_cookies: true }
    }
}

/// What the middleware learned about the request's session.
#[derive(Clone, Debug, Default)]
pub struct Session {
    pub token_hash: Option<String>,
    pub csrf: Option<String>,
    pub account: Option<Arc<AccountRecord>>,
    /// The session cookie named a session that has expired.
    pub expired: bool,
}

impl Session {
    pub fn principal(&self) -> Option<Principal> {
        self.account.as_ref().map(|a| Principal {
            account_id: a.id,
            role: a.role,
            municipality: a.municipality.clone(),
            section_id: a.section_id,
        })
    }
}

pub fn hash_token(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// The value of a cookie of the request.
pub fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers.get_all(COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|c| {
        let (k, v) = c.trim().split_once('=')?;
        (k == name && !v.is_empty()).then(|| v.to_string())
    })
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Secure unless configured
/// off. `max_age` `Some(0)` deletes it.
pub fn set_cookie(name: &str, value: &str, config: &SessionConfig, max_age: Option<i64>) -> HeaderValue {
    let secure = if config.secure_cookies { "; Secure" } else { "" };
    let age = max_age.map(|a| format!("; Max-Age={a}")).unwrap_or_default();
    HeaderValue::from_str(&format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax{age}{secure}"))
        .expect("cookie values are hex")
}

/// Creates a session for a signed-in account; returns the cookie token.
pub async fn start_session(
    store: &Store,
    config: &SessionConfig,
    now: Timestamp,
    account_id: i64,
) -> Result<String, StoreError> {
    let token = hyoka_app::password::random_token();
    let csrf = hyoka_app::password::random_token();
    let expires = now.plus_seconds(config.idle_seconds);
    store.create_session(&hash_token(&token), Some(account_id), &csrf, &now.iso(), &expires.iso()).await?;
    Ok(token)
}

/// Loads the session, ends it when expired, and slides its expiry.
pub async fn middleware(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let mut session = Session::default();
    if let Some(token) = cookie(req.headers(), COOKIE_NAME) {
        session = load(&state, &token).await;
    }
    req.extensions_mut().insert(session);
    next.run(req).await
}

async fn load(state: &AppState, token: &str) -> Session {
    let hash = hash_token(token);
    let record = match state.store.session(&hash).await {
        Ok(Some(s)) => s,
        Ok(None) => return Session::default(),
        Err(e) => {
            tracing::error!(error = %e, "loading a session");
            return Session::default();
        }
    };
    let now = state.app.now();
    let alive = Timestamp::parse_iso(&record.expires_at).is_some_and(|e| e > now);
    if !alive {
        let _ = state.store.delete_session(&hash).await;
        return Session { expired: true, ..Session::default() };
    }
    let account = match record.account_id {
        Some(id) => state.store.account(id).await.ok().filter(|a| !a.disabled).map(Arc::new),
        None => None,
    };
    let seen = Timestamp::parse_iso(&record.last_seen_at).unwrap_or(Timestamp(0));
    if now.0 - seen.0 >= TOUCH_AFTER_SECONDS {
        let expires = now.plus_seconds(state.session.idle_seconds);
        let _ = state.store.touch_session(&hash, &now.iso(), &expires.iso()).await;
    }
    Session { token_hash: Some(hash), csrf: Some(record.csrf_token), account, expired: false }
}

/// Adds a cookie to a response.
pub fn with_cookie(mut res: Response, cookie: HeaderValue) -> Response {
    res.headers_mut().append(SET_COOKIE, cookie);
    res
}
