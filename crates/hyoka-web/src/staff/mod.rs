//! The staff application's sheet pages: "my sheets this fiscal year", a
//! sheet in its city's layout, the editing form with conflict detection,
//! the change history, and the live judgement the form asks for as people
//! type.
//!
//! Every handler first asks for the city (another city's address is "not
//! found"), then loads the item and checks it belongs to that city, then
//! asks `authorize` with the item's sections. Whether the sheet's state
//! allows editing is asked separately, so "not yours" (403) and "not now"
//! (409) stay distinct.

mod acknowledge;
mod checks;
mod conflict;
mod edit;
mod history;
mod judge;
mod my_sheets;
mod sheet;
pub(crate) mod workflow;

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;
use hyoka_app::sheet::SheetContext;
use hyoka_core::access::Action;
use hyoka_core::FiscalYear;
use hyoka_store::Store;

use crate::http::{AppError, Routes, Rule, Staff};

pub fn routes(r: Routes) -> Routes {
    workflow::routes(r)
        .get("/staff", Rule::SignedIn, my_sheets::page)
        .get("/static/sheet.js", Rule::Public, script)
        .get("/m/{code}/sheets/{item}/{fy}", Rule::View, sheet::view)
        .get("/m/{code}/sheets/{item}/{fy}/edit", Rule::EditSheet, edit::form)
        .post("/m/{code}/sheets/{item}/{fy}/edit", Rule::EditSheet, edit::save)
        .get("/m/{code}/sheets/{item}/{fy}/history", Rule::View, history::page)
        .post("/m/{code}/sheets/{item}/{fy}/checks/acknowledge", Rule::EditSheet, acknowledge::acknowledge)
        .post("/m/{code}/sheets/{item}/{fy}/checks/reopen", Rule::EditSheet, acknowledge::reopen)
        .post("/m/{code}/sheets/{item}/{fy}/checks/draft", Rule::EditSheet, checks::draft)
        .post("/m/{code}/judge", Rule::View, judge::live)
}

const SCRIPT: &str = include_str!("../static/sheet.js");

async fn script() -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/javascript; charset=utf-8"), (CACHE_CONTROL, "public, max-age=3600")], SCRIPT)
}

/// A sheet's context, loaded for a signed-in person: 404 for another
/// city's, 403 for a sheet they may not act on.
pub(crate) async fn context(
    store: &Store,
    staff: &Staff,
    code: &str,
    item: i64,
    fy: FiscalYear,
    action: Action,
) -> Result<SheetContext, AppError> {
    Ok(SheetContext::load(store, &staff.actor(), code, item, fy, action).await?)
}

/// The breadcrumb trail of a sheet's pages.
pub(crate) fn crumbs(ctx: &SheetContext) -> Vec<(String, String)> {
    vec![
        (ctx.city.name.clone(), format!("/m/{}", ctx.code)),
        ("担当の調査票".to_string(), format!("/staff?fy={}", ctx.fy.year())),
        (format!("{}（{}）", ctx.title(), ctx.fy.label()), ctx.href()),
    ]
}
