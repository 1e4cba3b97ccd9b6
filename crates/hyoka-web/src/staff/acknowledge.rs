//! The sheet's editors (and the admin) acknowledge a flag of the sheet
//! with a reason, or reopen it: the forms of `checks::flag_section`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hyoka_app::check::{AckState, AcknowledgeFlag, ReopenFlag};
use hyoka_app::CommandError;
use hyoka_core::access::Action;
use serde::Deserialize;

use super::context;
use crate::http::{AppError, CityCode, Form, Fy, Id, Params, Staff};
use crate::ui::checks::RefusedAck;
use crate::AppState;

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
