//! Signing in and out.
//!
//! The login form's CSRF token is a cookie of its own (no session row is
//! made for a visitor); a session is created at sign-in, after the old one
//! (if any) is ended. The password check and the throttling of failures
//! are `hyoka_app::signin`'s.

use std::net::SocketAddr;

use crate::http::Query;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use hyoka_app::signin::{sign_in, SignInError};
use hyoka_core::access::Role;
use maud::html;
use serde::Deserialize;

use crate::http::csrf::{token_for, ANONYMOUS_COOKIE};
use crate::http::session::{set_cookie, start_session, with_cookie, Session, COOKIE_NAME};
use crate::http::{AppError, Form, Routes, Rule};
use crate::ui::shell::page;
use crate::AppState;

pub fn routes(r: Routes) -> Routes {
    r.get("/login", Rule::Public, login_form).post("/login", Rule::Public, login).post("/logout", Rule::Public, logout)
}

/// Only same-site paths are followed after login. Control characters are
/// refused too: browsers drop tabs and newlines, so `/\t/evil` means `//evil`.
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains(|c: char| c == '\\' || c.is_control()) => {
            n
        }
        _ => "/",
    }
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn login_form(
    State(state): State<AppState>,
    axum::Extension(session): axum::Extension<Session>,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Response {
    let (csrf, fresh) = token_for(&session, &headers);
    let body = login_page(&csrf, q.next.as_deref(), None).into_response();
    if fresh {
        with_cookie(body, set_cookie(ANONYMOUS_COOKIE, &csrf, &state.session, None))
    } else {
        body
    }
}

fn login_page(csrf: &str, next: Option<&str>, error: Option<&str>) -> maud::Markup {
    page(
        "ログイン",
        &[],
        html! {
            @if let Some(e) = error { p class="error" role="alert" { (e) } }
            form method="post" action="/login" class="login" {
                input type="hidden" name="_csrf" value=(csrf);
                input type="hidden" name="next" value=(safe_next(next));
                p { label for="login" { "ログイン名" } br; input id="login" name="login" type="text" autocomplete="username" required autofocus; }
                p { label for="password" { "パスワード" } br; input id="password" name="password" type="password" autocomplete="current-password" required; }
                p { button type="submit" { "ログイン" } }
            }
        },
    )
}

#[derive(Deserialize)]
struct LoginForm {
    login: String,
    password: String,
    next: Option<String>,
}

async fn login(
    State(state): State<AppState>,
    axum::Extension(session): axum::Extension<Session>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let now = state.app.now();
    let account = match sign_in(&state.store, now, &form.login, &form.password, &peer.ip().to_string()).await {
        Ok(a) => a,
        Err(SignInError::Store(e)) => return Err(e.into()),
        Err(e) => {
            let status = match e {
                SignInError::Locked { .. } => StatusCode::TOO_MANY_REQUESTS,
                _ => StatusCode::UNAUTHORIZED,
            };
            let (csrf, _) = token_for(&session, &headers);
            let page = login_page(&csrf, form.next.as_deref(), Some(&e.to_string()));
            return Ok((status, page).into_response());
        }
    };
    // A new session on login: a token known before login is worth nothing after.
    if let Some(old) = &session.token_hash {
        state.store.delete_session(old).await?;
    }
    let _ = state.store.delete_expired_sessions(&now.iso()).await;
    let token = start_session(&state.store, &state.session, now, account.id).await?;
    let home = if account.role == Role::SystemAdmin { "/system" } else { "/staff" };
    let next = match safe_next(form.next.as_deref()) {
        "/" => home,
        n => n,
    };
    let res = with_cookie(Redirect::to(next).into_response(), set_cookie(COOKIE_NAME, &token, &state.session, None));
    // The visitor's token has served its purpose.
    Ok(with_cookie(res, set_cookie(ANONYMOUS_COOKIE, "", &state.session, Some(0))))
}

async fn logout(
    State(state): State<AppState>,
    axum::Extension(session): axum::Extension<Session>,
) -> Result<Response, AppError> {
    if let Some(hash) = &session.token_hash {
        state.store.delete_session(hash).await?;
    }
    let res = Redirect::to("/login").into_response();
    Ok(with_cookie(res, set_cookie(COOKIE_NAME, "", &state.session, Some(0))))
}
