//! 「担当の調査票」: the sheets of a fiscal year a person works on. Editors
//! and heads see their own section's; admins, reviewers and viewers see
//! the whole city's.

use crate::http::Query;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use hyoka_core::access::Role;
use hyoka_core::deadline::today_in_japan;
use hyoka_core::workflow::SheetStatus;
use hyoka_core::FiscalYear;
use maud::html;
use serde::Deserialize;

use hyoka_app::sheet::sheet_href;
use hyoka_core::text::natural_key;

use crate::http::{AppError, Staff};
use crate::ui::format::jst;
use crate::ui::shell::staff_page;
use crate::AppState;

#[derive(Deserialize)]
pub(crate) struct MyQuery {
    fy: Option<String>,
}

pub(crate) async fn page(
    State(s): State<AppState>,
    staff: Staff,
    Query(q): Query<MyQuery>,
) -> Result<Response, AppError> {
    if staff.is(Role::SystemAdmin) {
        return Ok(Redirect::to("/system").into_response());
    }
    let Some(code) = staff.city().map(str::to_string) else {
        return Err(AppError::Forbidden);
    };
    let own_only = matches!(staff.principal.role, Role::Editor | Role::Head);
    // An editor without a section has no sheets; never "all of them".
    let section = if own_only { Some(staff.principal.section_id.unwrap_or(-1)) } else { None };
    let city = s.store.municipality(&code).await?;
    let years = s.store.sheet_years(&code, section).await?;
    let fy = match q.fy.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => v
            .parse::<i32>()
            .ok()
            .and_then(|y| FiscalYear::new(y).ok())
            .or_else(|| FiscalYear::parse(v).ok())
            .ok_or_else(|| AppError::Invalid(format!("年度「{v}」を読み取れません（例: 2018）")))?,
        // The year being worked on: the newest that is not locked, else
        // the newest, else this year.
        None => {
            let locked: Vec<FiscalYear> =
                s.store.fiscal_years(&code).await?.into_iter().filter(|y| y.locked).map(|y| y.fiscal_year).collect();
            match years.iter().find(|y| !locked.contains(y)).or(years.first()) {
                Some(y) => *y,
                None => {
                    FiscalYear::containing(today_in_japan(s.app.now())).map_err(|e| AppError::Invalid(e.to_string()))?
                }
            }
        }
    };
    let mut rows = s.store.sheet_list(&code, fy, section).await?;
    rows.sort_by_key(|r| natural_key(&r.code));
    let mut options = years.clone();
    if !options.contains(&fy) {
        options.push(fy);
        options.sort();
        options.reverse();
    }
    let status = |st: Option<SheetStatus>| st.unwrap_or(SheetStatus::NotStarted);
    let counts: Vec<(SheetStatus, usize)> = SheetStatus::ALL
        .iter()
        .map(|st| (*st, rows.iter().filter(|r| status(r.status) == *st).count()))
        .filter(|(_, n)| *n > 0)
        .collect();
    let body = html! {
        form method="get" action="/staff" class="inline" {
            label for="fy" { "年度" } " "
            select id="fy" name="fy" {
                @for y in &options {
                    option value=(y.year()) selected[*y == fy] { (y.label_with_western()) }
                }
            }
            " " button type="submit" { "表示" }
        }
        p {
            @if own_only { "あなたの課が担当する" } @else { (city.name) "の" }
            (fy.label()) "の調査票は " (rows.len()) " 件です。"
            @for (st, n) in &counts { span class="badge" { (st.label()) " " (n) } }
        }
        @if own_only && staff.principal.section_id.is_none() {
            p class="note" { "担当課が設定されていません。管理者に担当課の設定を依頼してください。" }
        }
        @if !rows.is_empty() {
            table {
                caption class="sr-only" { (fy.label()) "の調査票の一覧" }
                thead { tr {
                    th scope="col" { "番号" } th scope="col" { "事業・取組名" } th scope="col" { "担当" }
                    th scope="col" { "状態" } th scope="col" { "最終更新" }
                } }
                tbody {
                    @for r in &rows {
                        tr {
                            td class="code" { (r.code) }
                            th scope="row" { a href=(sheet_href(&code, r.item_id, fy)) { (r.title) } }
                            td { (r.sections.join("、")) }
                            td { span class="badge" { (status(r.status).label()) } }
                            td {
                                @if let Some(at) = &r.updated_at {
                                    (jst(at)) @if let Some(by) = &r.updated_by { br; span class="note" { (by) } }
                                } @else { span class="note" { "—" } }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(staff_page(staff.bar(), "担当の調査票", &[(city.name.clone(), format!("/m/{code}"))], body).into_response())
}
