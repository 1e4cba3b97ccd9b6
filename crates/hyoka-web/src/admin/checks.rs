//! The consistency checks of a fiscal year for the planning division
//! (docs/checks.md): every open flag per 部 then sheet, counted by kind and
//! severity, the acknowledged ones apart with their reasons, and the forms
//! that acknowledge a flag with a reason or reopen it.

use std::collections::BTreeMap;

use crate::http::Query;
use crate::ui::checks::{flag_block, AckForms, RefusedAck};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hyoka_app::check::{check_year, AckState, AcknowledgeFlag, FlagEntry, ReopenFlag, YearCheck};
use hyoka_app::CommandError;
use hyoka_core::FiscalYear;
use maud::{html, Markup};
use serde::Deserialize;

use super::{admin_city, crumbs, nav, typed_year};
use crate::http::{AppError, CityCode, Form, Fy, Params, Staff};
use crate::ui::shell::staff_page;
use crate::AppState;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ChecksQuery {
    fy: String,
    done: Option<String>,
}

pub(super) async fn page(
    State(s): State<AppState>,
    staff: Staff,
    Params(code): Params<CityCode>,
    Query(q): Query<ChecksQuery>,
) -> Result<Markup, AppError> {
    let city = admin_city(&s, &staff, &code).await?;
    // Without a year: the newest year with sheets.
    let fy = if q.fy.trim().is_empty() {
        s.store.sheet_years(&code, None).await?.into_iter().max()
    } else {
        typed_year(&q.fy)
    };
    let Some(fy) = fy else {
        return Err(AppError::Invalid(format!("年度「{}」を読み取れません（例: ?fy=2019）。", q.fy)));
    };
    let done = match q.done.as_deref() {
        Some("acknowledge") => Some("指摘を確認済みにしました。理由は調査票の変更履歴に記録しました。"),
        Some("reopen") => Some("指摘を未確認に戻しました。"),
        _ => None,
    };
    render(&s, &staff, &code, &city, fy, done, None).await
}

async fn render(
    s: &AppState,
    staff: &Staff,
    code: &str,
    city: &str,
    fy: FiscalYear,
    done: Option<&str>,
    refused: Option<&RefusedAck>,
) -> Result<Markup, AppError> {
    let check = check_year(&s.store, code, fy).await?;
    let forms = AckForms { base: format!("/m/{code}/admin/checks/{}", fy.year()), csrf: &staff.csrf, refused };
    let mut by_department: BTreeMap<String, BTreeMap<String, Vec<&FlagEntry>>> = BTreeMap::new();
    for f in check.open() {
        let department = f.department.clone().unwrap_or_else(|| "（部の指定なし・市全体）".into());
        let sheet = f.flag.place.code.clone().or_else(|| f.flag.place.sheet.clone()).unwrap_or_else(|| {
            f.flag.place.file.clone().map_or("（年度全体）".into(), |file| format!("取り込んだ資料 {file}"))
        });
        by_department.entry(department).or_default().entry(sheet).or_default().push(f);
    }
    Ok(staff_page(
        staff.bar(),
        &format!("整合性チェック {}", fy.label()),
        &crumbs(code, city),
        html! {
            (nav(code, "/checks"))
            @if let Some(m) = done { p class="ok" role="status" { (m) } }
            @if let Some(r) = refused { p class="error" role="alert" { "入力内容を確認してください。" (r.message) } }
            p {
                "保存されたデータに規則を当て、表と本文の数値、評価と達成度などの食い違いを示します。"
                "意図どおりのものは理由を添えて確認済みにします（確定の妨げにはなりません）。"
            }
            (summary(&check))
            @for (department, sheets) in &by_department {
                h2 { (department) }
                @for (sheet, flags) in sheets {
                    h3 { (sheet) " " span class="note" { (flags.len()) "件" } }
                    @for f in flags { (flag_block(f, Some(&forms), None)) }
                }
            }
            h2 { "確認済みの指摘（" (check.acknowledged().count()) "件）" }
            @for f in check.acknowledged() { (flag_block(f, Some(&forms), None)) }
        },
    ))
}

fn summary(check: &YearCheck) -> Markup {
    html! {
        table {
            caption { "未確認の指摘 " (check.open().count()) "件（調査票 " (check.sheets) "件）" }
            thead { tr { th scope="col" { "種類" } th scope="col" { "重さ" } th scope="col" { "件数" } } }
            tbody {
                @for ((kind, severity), n) in check.open_counts() {
                    tr { td { (kind.label()) } td { (severity.label()) } td class="num" { (n) "件" } }
                }
            }
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct FlagForm {
    flag: String,
    reason: String,
    resolved: String,
}

pub(super) async fn acknowledge(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Fy(fy))): Params<(CityCode, Fy)>,
    Form(f): Form<FlagForm>,
) -> Result<Response, AppError> {
    let city = admin_city(&s, &staff, &code).await?;
    let state = if f.resolved == "yes" { AckState::Resolved } else { AckState::Acknowledged };
    let command = AcknowledgeFlag {
        municipality: code.0.clone(),
        fiscal_year: fy,
        flag: f.flag.clone(),
        state,
        reason: f.reason.clone(),
    };
    match s.app.run(&staff.actor(), command).await {
        Ok(_) => Ok(Redirect::to(&format!("/m/{code}/admin/checks?fy={}&done=acknowledge", fy.year())).into_response()),
        Err(CommandError::Invalid { field: Some(field), message }) if field == "reason" => {
            let refused = RefusedAck { flag: f.flag, message: format!("理由: {message}"), typed: f.reason };
            let page = render(&s, &staff, &code, &city, fy, None, Some(&refused)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn reopen(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Fy(fy))): Params<(CityCode, Fy)>,
    Form(f): Form<FlagForm>,
) -> Result<Response, AppError> {
    admin_city(&s, &staff, &code).await?;
    s.app.run(&staff.actor(), ReopenFlag { municipality: code.0.clone(), fiscal_year: fy, flag: f.flag }).await?;
    Ok(Redirect::to(&format!("/m/{code}/admin/checks?fy={}&done=reopen", fy.year())).into_response())
}
