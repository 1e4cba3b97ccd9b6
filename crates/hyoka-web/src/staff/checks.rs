//! The consistency checks of one sheet (docs/checks.md) on its pages:
//! the open flags beside the warnings, each linked to its part of the
//! sheet, the acknowledged ones apart (the forms post to `acknowledge`).
//!
//! The pages show the flags of what is stored; while a person types, the
//! edit form posts itself to [`draft`] (sheet.js) and shows the flags of
//! the sheet as it would be saved, nothing written.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::header::CACHE_CONTROL;
use axum::response::{IntoResponse, Response};
use hyoka_app::check::{check_draft, check_stored_sheet, FlagEntry};
use hyoka_app::sheet::{draft as sheet_draft, SheetContent, SheetContext};
use hyoka_app::CommandError;
use hyoka_core::access::Action;
use hyoka_core::sheet::draft::read_form;
use maud::{html, Markup};

use super::context;
use crate::http::{AppError, CityCode, Form, Fy, Id, Params, Staff};
use crate::ui::checks::{flag_block, AckForms};
use crate::AppState;

/// Which content the flags were computed from.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Checked {
    Stored,
    /// The form's input, not saved.
    Draft,
}

/// The checks of the edit form as it stands: the flag section as an HTML
/// fragment (empty when nothing disagrees), for sheet.js to put beside
/// the form. Never cached: it reflects one person's unsaved input.
pub(crate) async fn draft(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(item), Fy(fy))): Params<(CityCode, Id, Fy)>,
    Form(raw): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let form: BTreeMap<String, String> = raw.into_iter().collect();
    let ctx = context(&s.store, &staff, &code, item, fy, Action::Edit).await?;
    let content = SheetContent::load(&s.store, &ctx).await?;
    let stored = sheet_draft::stored(&ctx, &content, &staff.actor());
    // A field that does not parse is reported when saving; the checks take
    // the rest of the input as typed.
    let (mine, _) = read_form(&stored, &form, &sheet_draft::rules(&ctx, &content));
    let flags = check_draft(&s.store, &staff.actor(), &code, item, fy, &mine).await?;
    let fragment = flag_section(&content, &flags, None, Checked::Draft);
    Ok(([(CACHE_CONTROL, "private, no-store")], fragment).into_response())
}

/// The flags of the sheet, open and acknowledged (the sheet rules; the
/// year's rules are on the admin's list). A year the checks know nothing
/// of gives none.
pub(crate) async fn sheet_flags(s: &AppState, ctx: &SheetContext) -> Result<Vec<FlagEntry>, AppError> {
    match check_stored_sheet(&s.store, &ctx.code, ctx.fy, &ctx.item).await {
        Ok(flags) => Ok(flags),
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
pub(crate) fn flag_section(
    content: &SheetContent,
    flags: &[FlagEntry],
    forms: Option<&AckForms<'_>>,
    checked: Checked,
) -> Markup {
    let open: Vec<&FlagEntry> = flags.iter().filter(|f| f.is_open()).collect();
    let acknowledged: Vec<&FlagEntry> = flags.iter().filter(|f| !f.is_open()).collect();
    html! {
        @if !flags.is_empty() {
            section class="warn" aria-labelledby="checks-heading" id="checks" {
                h2 id="checks-heading" { "整合性チェック（未確認 " (open.len()) "件）" }
                p {
                    @if checked == Checked::Draft { "入力中の内容（まだ保存していません）に" } @else { "保存された内容に" }
                    "規則を当てた結果です。表と本文の数値や、評価と達成度などが食い違っています。"
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
