//! Signing in and out, and who the request is from.

pub mod password;
pub mod session;

use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use hyoka_core::access::{authorize, Action, Principal, Role, Target};
use maud::html;
use serde::Deserialize;

use crate::layout::page;
use crate::routes::{Routes, Rule};
use crate::{AppError, AppState};
use session::{clear_cookie, session_cookie, start_session, with_cookie, Session};

pub fn routes(r: Routes) -> Routes {
    r.get("/login", Rule::Public, login_form).post("/login", Rule::Public, login).post("/logout", Rule::Public, logout)
}

/// A signed-in member of a city's staff (or the system administrator).
pub struct Staff {
    pub principal: Principal,
    pub display_name: String,
    pub csrf: String,
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &AppState) -> Result<Self, Self::Rejection> {
        let session = parts.extensions.get::<Session>().cloned().unwrap_or_default();
        match (session.principal(), session.account, session.csrf) {
            (Some(principal), Some(account), Some(csrf)) => {
                Ok(Staff { principal, display_name: account.display_name.clone(), csrf })
            }
            _ => {
                let next = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
                let target = format!("/login?next={}", urlencode(next));
                Err(Redirect::to(&target).into_response())
            }
        }
    }
}

impl Staff {
    /// The city this person works for; the system administrator has none.
    pub fn city(&self) -> Option<&str> {
        self.principal.municipality.as_deref()
    }

    /// Refuses unless the person may act. Another city's resource is "not
    /// found", so its existence is not revealed.
    pub fn require(&self, action: Action, municipality: &str, sections: &[i64]) -> Result<(), AppError> {
        if action != Action::ManageSystem && self.city() != Some(municipality) {
            return Err(AppError::NotFound("ページ".into()));
        }
        if authorize(&self.principal, action, &Target { municipality, sections }) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn is(&self, role: Role) -> bool {
        self.principal.role == role
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
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
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    // The form needs a CSRF token, so even an anonymous visitor gets a session.
    let (cookie, csrf) = match session.csrf {
        Some(csrf) => (None, csrf),
        None => {
            let (token, csrf) = start_session(&state.store, &state.session, None).await?;
            (Some(session_cookie(&token, &state.session)), csrf)
        }
    };
    let body = login_page(&csrf, q.next.as_deref(), None).into_response();
    Ok(match cookie {
        Some(c) => with_cookie(body, c),
        None => body,
    })
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
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let account = state.store.account_by_login(form.login.trim()).await?;
    let ok =
        account.as_ref().is_some_and(|a| !a.disabled && password::verify_password(&form.password, &a.password_hash));
    let Some(account) = account.filter(|_| ok) else {
        // One message for both a wrong name and a wrong password.
        let csrf = session.csrf.unwrap_or_default();
        let page = login_page(&csrf, form.next.as_deref(), Some("ログイン名またはパスワードが違います。"));
        return Ok((StatusCode::UNAUTHORIZED, page).into_response());
    };
    // A new session on login: a token known before login is worth nothing after.
    if let Some(old) = &session.token_hash {
        state.store.delete_session(old).await?;
    }
    let (token, _) = start_session(&state.store, &state.session, Some(account.id)).await?;
    let home = if account.role == Role::SystemAdmin { "/system" } else { "/staff" };
    let next = match safe_next(form.next.as_deref()) {
        "/" => home,
        n => n,
    };
    Ok(with_cookie(Redirect::to(next).into_response(), session_cookie(&token, &state.session)))
}

async fn logout(
    State(state): State<AppState>,
    axum::Extension(session): axum::Extension<Session>,
) -> Result<Response, AppError> {
    if let Some(hash) = &session.token_hash {
        state.store.delete_session(hash).await?;
    }
    Ok(with_cookie(Redirect::to("/login").into_response(), clear_cookie(&state.session)))
}
