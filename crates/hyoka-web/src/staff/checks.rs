//! The consistency checks of one sheet (docs/checks.md) on its pages:
//! the open flags beside the warnings, each linked to its part of the
//! sheet, the acknowledged ones apart; and the forms with which the
//! sheet's editors (and the admin) acknowledge a flag or reopen it.
//!
//! The flags are computed from what is stored, so after a save the page
//! shows the checks of the draft just saved.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hyoka_app::check::{check_year, AckState, AcknowledgeFlag, FlagEntry, ReopenFlag};
use hyoka_app::sheet::{SheetContent, SheetContext};
use hyoka_app::CommandError;
use hyoka_core::access::Action;
use maud::{html, Markup};
use serde::Deserialize;

use super::context;
use crate::http::{AppError, CityCode, Form, Fy, Id, Params, Staff};
use crate::ui::checks::{flag_block, AckForms, RefusedAck};
use crate::AppState;

/// The flags of the sheet, open and acknowledged. A year the checks know
/// nothing of gives none.
pub(crate) async fn sheet_flags(s: &AppState, ctx: &SheetContext) -> Result<Vec<FlagEntry>, AppError> {
    match check_year(&s.store, &ctx.code, ctx.fy).await {
        Ok(check) => Ok(check.only_item(&ctx.item.key).flags),
        Err(CommandError::NotFound(_)) => Ok(Vec::new()),
        Err(e) => Err(e.into()),
    }
}

/// Where on the page a flag's place is shown: the indicator it names, or
/// the budget table.
fn anchor(content: &SheetContent, f: &FlagEntry) -> Option<String> {
    let place = &f.flag.place;
    if let Some(field) = &place.field {
        if let Some(i) = content.indicators.iter().find(|i| &i.record.name == field) {
            return Some(format!("indicator-{}", i.record.id));
        }
    }
    place.part.as_deref().filter(|p| p.contains("予算")).map(|_| "budget".to_string())
}

/// The section the sheet's pages show; nothing when there is no flag.
pub(crate) fn flag_section(content: &SheetContent, flags: &[FlagEntry], forms: Option<&AckForms<'_>>) -> Markup {
    let open: Vec<&FlagEntry> = flags.iter().filter(|f| f.is_open()).collect();
    let acknowledged: Vec<&FlagEntry> = flags.iter().filter(|f| !f.is_open()).collect();
    html! {
        @if !flags.is_empty() {
            section class="warn" aria-labelledby="checks-heading" id="checks" {
                h2 id="checks-heading" { "整合性チェック（未確認 " (open.len()) "件）" }
                p { "保存された内容に規則を当てた結果です。表と本文の数値や、評価と達成度などが食い違っています。"
                    "意図どおりのものは、理由を添えて確認済みにしてください。" }
                @for f in &open { (flag_block(f, forms, anchor(content, f).as_deref())) }
                @if !acknowledged.is_empty() {
                    details {
                        summary { "確認済みの指摘（" (acknowledged.len()) "件）" }
                        @for f in &acknowledged { (flag_block(f, forms, anchor(content, f).as_deref())) }
                    }
                }
            }
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct FlagForm {
    flag: String,
    reason: String,
    resolved: String,
}

/// Acknowledges a flag of the sheet; a missing reason is shown by its
/// field (422).
pub(crate) async fn acknowledge(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(item), Fy(fy))): Params<(CityCode, Id, Fy)>,
    Form(f): Form<FlagForm>,
) -> Result<Response, AppError> {
    let ctx = context(&s.store, &staff, &code, item, fy, Action::Edit).await?;
    let state = if f.resolved == "yes" { AckState::Resolved } else { AckState::Acknowledged };
    let command = AcknowledgeFlag {
        municipality: code.0.clone(),
        fiscal_year: fy,
        flag: f.flag.clone(),
        state,
        reason: f.reason.clone(),
    };
    match s.app.run(&staff.actor(), command).await {
        Ok(_) => Ok(Redirect::to(&format!("{}?checked=1#checks", ctx.href())).into_response()),
        Err(CommandError::Invalid { field: Some(field), message }) if field == "reason" => {
            let refused = RefusedAck { flag: f.flag, message: format!("理由: {message}"), typed: f.reason };
            let page = super::sheet::view_page(&s, &staff, &code, item, fy, None, Some(&refused)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn reopen(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(item), Fy(fy))): Params<(CityCode, Id, Fy)>,
    Form(f): Form<FlagForm>,
) -> Result<Response, AppError> {
    let ctx = context(&s.store, &staff, &code, item, fy, Action::Edit).await?;
    s.app.run(&staff.actor(), ReopenFlag { municipality: code.0.clone(), fiscal_year: fy, flag: f.flag }).await?;
    Ok(Redirect::to(&format!("{}?checked=0#checks", ctx.href())).into_response())
}
