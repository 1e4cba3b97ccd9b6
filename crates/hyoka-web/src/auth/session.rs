//! Server-side sessions and CSRF protection.
//!
//! The cookie holds a random token; the database holds only its SHA-256, so
//! a leaked database does not leak live sessions. Every session carries a
//! CSRF token, and every request that changes state must send it back
//! (form field `_csrf` or header `x-csrf-token`): the middleware checks this
//! for all routes, so no handler can forget.

use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_TYPE, COOKIE, SET_COOKIE};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hyoka_core::access::Principal;
use hyoka_core::time::Timestamp;
use hyoka_store::{AccountRecord, Store, StoreError};
use sha2::{Digest, Sha256};

use crate::layout::page;
use crate::AppState;

pub const COOKIE_NAME: &str = "hyoka_session";
/// Forms are small; a larger body is refused before it is read whole.
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

/// How sessions behave.
#[derive(Clone, Debug)]
pub struct SessionConfig {
    /// A session ends after this many seconds without a request.
    pub idle_seconds: i64,
    /// Send the cookie over HTTPS only. On by default; turned off for
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

pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).expect("the operating system provides randomness");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn hash_token(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn cookie_token(req: &Request) -> Option<String> {
    req.headers().get_all(COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|c| {
        let (k, v) = c.trim().split_once('=')?;
        (k == COOKIE_NAME && !v.is_empty()).then(|| v.to_string())
    })
}

/// The `Set-Cookie` value for a new session token.
pub fn session_cookie(token: &str, config: &SessionConfig) -> HeaderValue {
    let secure = if config.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{COOKIE_NAME}={token}; Path=/; HttpOnly; SameSite=Lax{secure}"))
        .expect("tokens are hex")
}

pub fn clear_cookie(config: &SessionConfig) -> HeaderValue {
    let secure = if config.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{COOKIE_NAME}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"))
        .expect("constant text")
}

/// Creates a session (anonymous when `account_id` is `None`) and returns
/// the cookie token and the CSRF token.
pub async fn start_session(
    store: &Store,
    config: &SessionConfig,
    account_id: Option<i64>,
) -> Result<(String, String), StoreError> {
    let token = random_token();
    let csrf = random_token();
    let expires = hyoka_store::now().plus_seconds(config.idle_seconds);
    store.create_session(&hash_token(&token), account_id, &csrf, &expires.iso()).await?;
    Ok((token, csrf))
}

/// Loads the session, ends it when expired, slides its expiry, and checks
/// the CSRF token of every state-changing request.
pub async fn middleware(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let config = &state.session;
    let mut session = Session::default();
    let mut expired = false;
    if let Some(token) = cookie_token(&req) {
        let hash = hash_token(&token);
        match state.store.session(&hash).await {
            Ok(Some(s)) => {
                let now = hyoka_store::now();
                let alive = Timestamp::parse_iso(&s.expires_at).is_some_and(|e| e > now);
                if alive {
                    let account = match s.account_id {
                        Some(id) => state.store.account(id).await.ok().filter(|a| !a.disabled).map(Arc::new),
                        None => None,
                    };
                    let _ = state
                        .store
                        .touch_session(&hash, &now.iso(), &now.plus_seconds(config.idle_seconds).iso())
                        .await;
                    session = Session { token_hash: Some(hash), csrf: Some(s.csrf_token), account };
                } else {
                    let _ = state.store.delete_session(&hash).await;
                    expired = true;
                }
            }
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "loading a session"),
        }
    }

    let changes_state = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if changes_state && handled(req.method(), req.uri().path()) {
        let (parts, body) = req.into_parts();
        let bytes = match to_bytes(body, MAX_FORM_BYTES).await {
            Ok(b) => b,
            Err(_) => return (StatusCode::PAYLOAD_TOO_LARGE, "送信された内容が大きすぎます").into_response(),
        };
        let sent = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .or_else(|| form_field(&parts.headers, &bytes, "_csrf"));
        let valid = match (&session.csrf, sent) {
            (Some(expected), Some(sent)) => constant_time_eq(expected.as_bytes(), sent.as_bytes()),
            _ => false,
        };
        if !valid {
            return csrf_refused(expired);
        }
        req = Request::from_parts(parts, Body::from(bytes));
    }
    req.extensions_mut().insert(session);
    next.run(req).await
}

/// Whether a declared route would handle the request. One that none would
/// (a PUT, a TRACE, a POST to a page that only answers GET) reaches no
/// handler and cannot change state: it goes on to the router's 405 (with
/// `Allow`), which the JSON API's contract requires, rather than a CSRF
/// refusal. When unsure (an empty segment) it counts as handled, so the
/// CSRF check errs on the side of running; a route added later, with any
/// method, is covered without changing this.
fn handled(method: &Method, path: &str) -> bool {
    static ROUTES: std::sync::OnceLock<Vec<(Method, &'static str)>> = std::sync::OnceLock::new();
    let routes = ROUTES.get_or_init(|| crate::route_specs().into_iter().map(|s| (s.method, s.path)).collect());
    let segments: Vec<&str> = path.split('/').collect();
    routes.iter().any(|(m, template)| {
        let t: Vec<&str> = template.split('/').collect();
        m == method
            && (template.contains('*')
                || t.len() == segments.len()
                    && t.iter().zip(&segments).all(|(t, p)| t == p || t.starts_with('{') || p.is_empty()))
    })
}

fn form_field(headers: &axum::http::HeaderMap, body: &[u8], name: &str) -> Option<String> {
    let is_form = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return None;
    }
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).ok()?;
    pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn csrf_refused(expired: bool) -> Response {
    let message = if expired {
        "一定時間操作がなかったため、ログインの有効期限が切れました。もう一度ログインしてください。"
    } else {
        "この送信は受け付けられません（画面を開き直してから、もう一度操作してください）。"
    };
    let body = page(message, &[], maud::html! { p { a href="/login" { "ログイン画面へ" } } });
    (StatusCode::FORBIDDEN, body).into_response()
}

/// Adds a fresh session cookie to a response.
pub fn with_cookie(mut res: Response, cookie: HeaderValue) -> Response {
    res.headers_mut().append(SET_COOKIE, cookie);
    res
}
