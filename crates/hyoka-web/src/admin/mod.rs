//! The city administrator's pages (企画・行政評価担当): the dashboard of a
//! fiscal year, fiscal years (deadlines, locking, opening by carrying
//! forward), the sheet layout and scales, and accounts.
//!
//! Every route is `Rule::Administer`; every handler checks it first, so
//! another city's admin gets 404 and anyone else in the city 403.

mod accounts;
mod dashboard;
mod layout;
mod years;

use hyoka_core::access::Action;
use hyoka_core::FiscalYear;
use maud::{html, Markup};

use crate::auth::Staff;
use crate::routes::{Routes, Rule};
use crate::{AppError, AppState};

pub fn routes(r: Routes) -> Routes {
    r.get("/m/{code}/admin", Rule::Administer, dashboard::dashboard)
        .get("/m/{code}/admin/years", Rule::Administer, years::years)
        .post("/m/{code}/admin/years/{fy}/deadline", Rule::Administer, years::set_deadline)
        .post("/m/{code}/admin/years/{fy}/lock", Rule::Administer, years::lock)
        .post("/m/{code}/admin/years/{fy}/open", Rule::Administer, years::open)
        .post("/m/{code}/admin/years/{fy}/publish", Rule::Administer, years::publish)
        .post("/m/{code}/admin/years/{fy}/withdraw", Rule::Administer, years::withdraw)
        .get("/m/{code}/admin/layout", Rule::Administer, layout::layout_page)
        .post("/m/{code}/admin/layout", Rule::Administer, layout::save_layout)
        .get("/m/{code}/admin/accounts", Rule::Administer, accounts::accounts)
        .post("/m/{code}/admin/accounts", Rule::Administer, accounts::create)
        .post("/m/{code}/admin/accounts/{login}/role", Rule::Administer, accounts::set_role)
        .post("/m/{code}/admin/accounts/{login}/password", Rule::Administer, accounts::reset_password)
}

/// The city's name, after checking the person administers it.
async fn admin_city(s: &AppState, staff: &Staff, code: &str) -> Result<String, AppError> {
    staff.require(Action::Administer, code, &[])?;
    Ok(s.store.municipality(code).await?.name)
}

fn crumbs(code: &str, city: &str) -> Vec<(String, String)> {
    vec![(city.to_string(), format!("/m/{code}")), ("管理".to_string(), format!("/m/{code}/admin"))]
}

/// Links between the admin pages; the current one is marked.
fn nav(code: &str, current: &str) -> Markup {
    let pages = [
        ("", "状況一覧"),
        ("/years", "年度の管理（期限・確定・開始・公開）"),
        ("/layout", "様式と評価尺度"),
        ("/accounts", "アカウント"),
    ];
    html! {
        nav aria-label="管理メニュー" {
            ul class="admin-nav" {
                @for (path, label) in pages {
                    li {
                        @if path == current {
                            a href={ "/m/" (code) "/admin" (path) } aria-current="page" { strong { (label) } }
                        } @else {
                            a href={ "/m/" (code) "/admin" (path) } { (label) }
                        }
                    }
                }
            }
        }
    }
}

/// A `{fy}` path segment: the western year. Anything else is not a page.
fn path_year(fy: &str) -> Result<FiscalYear, AppError> {
    fy.parse::<i32>().ok().and_then(|y| FiscalYear::new(y).ok()).ok_or_else(|| AppError::NotFound("年度".into()))
}

/// A year as typed in a query: `2019`, `令和元年度`, `R01`, `FY2019`.
fn typed_year(text: &str) -> Option<FiscalYear> {
    let t = text.trim();
    t.parse::<i32>().ok().and_then(|y| FiscalYear::new(y).ok()).or_else(|| FiscalYear::parse(t).ok())
}

/// A message next to a field, tied to it for screen readers.
fn field_error(id: &str, message: Option<&str>) -> Markup {
    html! { @if let Some(m) = message { br; span id=(id) class="error" { (m) } } }
}

/// A login typed in a form: 3 to 64 letters, digits and `.`, `_`, `-`, `@`,
/// so that it is easy to type and safe in a URL.
pub(crate) fn check_login(login: &str) -> Result<String, String> {
    let l = login.trim();
    if l.is_empty() {
        return Err("ログイン名を入力してください。".into());
    }
    let ok = (3..=64).contains(&l.chars().count())
        && l.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(l.to_string())
    } else {
        Err("ログイン名は、半角の英数字と . _ - @ で3～64文字にしてください。".into())
    }
}

pub(crate) fn check_display_name(name: &str) -> Result<String, String> {
    let n = hyoka_core::text::normalise(name);
    if n.is_empty() {
        Err("表示名を入力してください。".into())
    } else if n.chars().count() > 100 {
        Err("表示名は100文字以内にしてください。".into())
    } else {
        Ok(n)
    }
}

/// A first password, shown once: sixteen hex digits from the operating
/// system's randomness, as `hyoka user` makes them.
pub(crate) fn generate_password() -> String {
    crate::auth::session::random_token()[..16].to_string()
}

/// A page showing a password once; never cached.
pub(crate) fn no_store(page: Markup) -> axum::response::Response {
    use axum::response::IntoResponse;
    ([(axum::http::header::CACHE_CONTROL, "no-store")], page).into_response()
}

/// A path segment, percent-encoded.
pub(crate) fn segment(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
