//! Cross-site request forgery: every state change must send back a token
//! the page gave it.
//!
//! A signed-in person's token is their session's. Before sign-in (the
//! login form) there is no session row: the token is a random cookie of
//! its own, echoed by the form (the double-submit pattern), so visitors
//! who open the login page create nothing on the server.
//!
//! The check is a route layer on every POST route ([`super::routes`]), so
//! no handler can forget it, and a request no route handles never reaches
//! it (it gets the router's 404/405).

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

use super::session::{cookie, Session};
use crate::ui::shell::page;

/// The cookie holding a visitor's token before sign-in.
pub const ANONYMOUS_COOKIE: &str = "hyoka_csrf";
/// Forms are small; a larger body is refused before it is read whole.
pub const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

/// The token a page should put in its forms, and whether it is new (and
/// must be set as the anonymous cookie).
pub fn token_for(session: &Session, headers: &axum::http::HeaderMap) -> (String, bool) {
    if let Some(t) = &session.csrf {
        return (t.clone(), false);
    }
    match cookie(headers, ANONYMOUS_COOKIE).filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit())) {
        Some(t) => (t, false),
        None => (hyoka_app::password::random_token(), true),
    }
}

/// Refuses a state change whose token does not match.
pub async fn check(req: Request, next: Next) -> Response {
    verify(req, next, MAX_FORM_BYTES).await
}

/// [`check`] for an upload route ([`super::routes::Routes::upload`]): the
/// token may be a field of the multipart body, which is held whole up to
/// [`super::upload::MAX_UPLOAD_BYTES`], and only for a signed-in person
/// (nobody else can send a file, so no visitor makes the server hold one).
pub async fn check_upload(req: Request, next: Next) -> Response {
    let session = req.extensions().get::<Session>().cloned().unwrap_or_default();
    if session.csrf.is_none() {
        return refused(session.expired);
    }
    verify(req, next, super::upload::MAX_UPLOAD_BYTES).await
}

async fn verify(req: Request, next: Next, limit: usize) -> Response {
    let session = req.extensions().get::<Session>().cloned().unwrap_or_default();
    let expected = session.csrf.clone().or_else(|| cookie(req.headers(), ANONYMOUS_COOKIE));
    let (parts, body) = req.into_parts();
    let bytes = match to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) => return (StatusCode::PAYLOAD_TOO_LARGE, "送信された内容が大きすぎます").into_response(),
    };
    let mut sent = parts
        .headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| form_field(&parts.headers, &bytes, "_csrf"));
    if sent.is_none() && limit > MAX_FORM_BYTES && super::upload::is_multipart(&parts.headers) {
        sent = super::upload::csrf_field(&parts.headers, bytes.clone()).await;
    }
    let valid = match (expected, sent) {
        (Some(e), Some(s)) => bool::from(e.as_bytes().ct_eq(s.as_bytes())),
        _ => false,
    };
    if !valid {
        return refused(session.expired);
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

fn form_field(headers: &axum::http::HeaderMap, body: &[u8], name: &str) -> Option<String> {
    let is_form = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return None;
    }
    form_urlencoded::parse(body).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

fn refused(expired: bool) -> Response {
    let message = if expired {
        "一定時間操作がなかったため、ログインの有効期限が切れました。もう一度ログインしてください。"
    } else {
        "この送信は受け付けられません（画面を開き直してから、もう一度操作してください）。"
    };
    let body = page(message, &[], maud::html! { p { a href="/login" { "ログイン画面へ" } } });
    (StatusCode::FORBIDDEN, body).into_response()
}
