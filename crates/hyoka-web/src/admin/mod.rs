//! The city administrator's pages (企画・行政評価担当): the dashboard of a
//! fiscal year, fiscal years (deadlines, locking, opening by carrying
//! forward), setting the city up (organisation, plans, items and their
//! indicators, the canonical workbook to download), the sheet layout and
//! scales, accounts, and files brought in from the browser (a dry run
//! shown as a diff, then confirmed).
//!
//! Every route is `Rule::Administer`; every handler checks it first, so
//! another city's admin gets 404 and anyone else in the city 403.

mod accounts;
mod checks;
mod dashboard;
mod export;
mod forms;
pub(crate) mod import;
mod indicators;
mod items;
mod layout;
mod org;
mod plans;
mod vocabulary;
mod years;

use hyoka_core::access::Action;
use hyoka_core::FiscalYear;
use maud::{html, Markup};

use crate::http::{AppError, Routes, Rule, Staff};
use crate::AppState;

pub fn routes(r: Routes) -> Routes {
    r.get("/m/{code}/admin", Rule::Administer, dashboard::dashboard)
        .get("/m/{code}/admin/years", Rule::Administer, years::years)
        .post("/m/{code}/admin/years/{fy}/deadline", Rule::Administer, years::set_deadline)
        .post("/m/{code}/admin/years/{fy}/lock", Rule::Administer, years::lock)
        .post("/m/{code}/admin/years/{fy}/unlock", Rule::Administer, years::unlock)
        .post("/m/{code}/admin/years/open", Rule::Administer, years::open_typed)
        .post("/m/{code}/admin/years/{fy}/open", Rule::Administer, years::open)
        .post("/m/{code}/admin/years/{fy}/publish", Rule::Administer, years::publish)
        .post("/m/{code}/admin/years/{fy}/withdraw", Rule::Administer, years::withdraw)
        .get("/m/{code}/admin/checks", Rule::Administer, checks::page)
        .post("/m/{code}/admin/checks/{fy}/acknowledge", Rule::Administer, checks::acknowledge)
        .post("/m/{code}/admin/checks/{fy}/reopen", Rule::Administer, checks::reopen)
        .get("/m/{code}/admin/layout", Rule::Administer, layout::layout_page)
        .post("/m/{code}/admin/layout", Rule::Administer, layout::save_layout)
        .post("/m/{code}/admin/layout/disable", Rule::Administer, layout::disable_kind)
        .upload("/m/{code}/admin/layout/define", Rule::Administer, layout::define_kind)
        .get("/m/{code}/admin/vocabulary", Rule::Administer, vocabulary::page)
        .post("/m/{code}/admin/vocabulary", Rule::Administer, vocabulary::save)
        .get("/m/{code}/admin/accounts", Rule::Administer, accounts::accounts)
        .post("/m/{code}/admin/accounts", Rule::Administer, accounts::create)
        .post("/m/{code}/admin/accounts/{login}/role", Rule::Administer, accounts::set_role)
        .post("/m/{code}/admin/accounts/{login}/password", Rule::Administer, accounts::reset_password)
        .get("/m/{code}/admin/org", Rule::Administer, org::page)
        .post("/m/{code}/admin/org/departments", Rule::Administer, org::create_department)
        .post("/m/{code}/admin/org/departments/{department}/rename", Rule::Administer, org::rename_department)
        .post("/m/{code}/admin/org/departments/{department}/end", Rule::Administer, org::end_department)
        .post("/m/{code}/admin/org/departments/{department}/merge", Rule::Administer, org::merge_department)
        .post("/m/{code}/admin/org/sections", Rule::Administer, org::create_section)
        .get("/m/{code}/admin/org/sections/{section}", Rule::Administer, org::section)
        .post("/m/{code}/admin/org/sections/{section}/rename", Rule::Administer, org::rename_section)
        .post("/m/{code}/admin/org/sections/{section}/end", Rule::Administer, org::end_section)
        .post("/m/{code}/admin/org/sections/{section}/merge", Rule::Administer, org::merge_section)
        .post("/m/{code}/admin/org/sections/{section}/staff", Rule::Administer, org::set_staff)
        .get("/m/{code}/admin/plans", Rule::Administer, plans::plans)
        .post("/m/{code}/admin/plans", Rule::Administer, plans::create_plan)
        .get("/m/{code}/admin/plans/{plan}", Rule::Administer, plans::plan)
        .post("/m/{code}/admin/plans/{plan}", Rule::Administer, plans::edit_plan)
        .post("/m/{code}/admin/plans/{plan}/nodes", Rule::Administer, plans::add_node)
        .get("/m/{code}/admin/nodes/{node}", Rule::Administer, plans::node)
        .post("/m/{code}/admin/nodes/{node}", Rule::Administer, plans::edit_node)
        .post("/m/{code}/admin/nodes/{node}/move", Rule::Administer, plans::move_node)
        .post("/m/{code}/admin/nodes/{node}/order", Rule::Administer, plans::order_node)
        .post("/m/{code}/admin/nodes/{node}/remove", Rule::Administer, plans::remove_node)
        .get("/m/{code}/admin/nodes/{node}/indicators/new", Rule::Administer, indicators::new_for_node)
        .post("/m/{code}/admin/nodes/{node}/indicators", Rule::Administer, indicators::create_for_node)
        .get("/m/{code}/admin/items", Rule::Administer, items::items)
        .post("/m/{code}/admin/items", Rule::Administer, items::create)
        .get("/m/{code}/admin/items/{item}", Rule::Administer, items::item)
        .post("/m/{code}/admin/items/{item}", Rule::Administer, items::edit)
        .post("/m/{code}/admin/items/{item}/placements", Rule::Administer, items::placements)
        .post("/m/{code}/admin/items/{item}/sections", Rule::Administer, items::set_sections)
        .post("/m/{code}/admin/items/{item}/remove", Rule::Administer, items::remove)
        .get("/m/{code}/admin/items/{item}/indicators/new", Rule::Administer, indicators::new_for_item)
        .post("/m/{code}/admin/items/{item}/indicators", Rule::Administer, indicators::create_for_item)
        .get("/m/{code}/admin/indicators/{indicator}", Rule::Administer, indicators::indicator)
        .post("/m/{code}/admin/indicators/{indicator}", Rule::Administer, indicators::edit)
        .post("/m/{code}/admin/indicators/{indicator}/remove", Rule::Administer, indicators::remove)
        .get("/m/{code}/admin/export.xlsx", Rule::Administer, export::workbook)
        .get("/m/{code}/admin/import", Rule::Administer, import::page)
        .upload("/m/{code}/admin/import", Rule::Administer, import::upload)
        .post("/m/{code}/admin/import/confirm", Rule::Administer, import::confirm)
        .get("/m/{code}/admin/import/progress", Rule::Administer, import::progress)
        .get("/static/import.js", Rule::Public, import::script)
}

/// The city's name, after checking the person administers it.
async fn admin_city(s: &AppState, staff: &Staff, code: &str) -> Result<String, AppError> {
    staff.require(Action::Administer, code, &[])?;
    Ok(s.store.municipality(code).await?.name)
}

/// A record named in the path, if it belongs to the city; another city's
/// record answers the same 404 as a missing one, so ids do not leak.
fn of_city<T>(
    found: Result<T, hyoka_store::StoreError>,
    city: impl Fn(&T) -> &str,
    code: &str,
    what: &str,
) -> Result<T, AppError> {
    match found {
        Ok(x) if city(&x) == code => Ok(x),
        Ok(_) => Err(AppError::NotFound(what.into())),
        Err(e) => Err(e.into()),
    }
}

fn crumbs(code: &str, city: &str) -> Vec<(String, String)> {
    vec![(city.to_string(), format!("/m/{code}")), ("管理".to_string(), format!("/m/{code}/admin"))]
}

/// Links between the admin pages; the current one is marked.
fn nav(code: &str, current: &str) -> Markup {
    let pages = [
        ("", "状況一覧"),
        ("/years", "年度の管理（期限・確定・開始・公開）"),
        ("/checks", "整合性チェック"),
        ("/org", "組織（部・課）"),
        ("/plans", "計画（体系）"),
        ("/items", "事業・指標"),
        ("/layout", "様式と評価尺度"),
        ("/vocabulary", "評価の観点と方向性の語"),
        ("/accounts", "アカウント"),
        ("/export.xlsx", "標準形式の Excel をダウンロード"),
        ("/import", "ファイルの取り込み（Excel・CSV・公表資料）"),
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

/// A year as typed in a query: `2019`, `令和元年度`, `R01`, `FY2019`.
fn typed_year(text: &str) -> Option<FiscalYear> {
    let t = text.trim();
    t.parse::<i32>().ok().and_then(|y| FiscalYear::new(y).ok()).or_else(|| FiscalYear::parse(t).ok())
}

/// A message next to a field, tied to it for screen readers.
fn field_error(id: &str, message: Option<&str>) -> Markup {
    html! { @if let Some(m) = message { br; span id=(id) class="error" { (m) } } }
}

pub(crate) use crate::http::cache::no_store;

/// A path segment, percent-encoded.
pub(crate) use crate::http::url::encode as segment;
