//! The consistency checks of one sheet (docs/checks.md) on its pages:
//! the open flags beside the warnings, each linked to its part of the
//! sheet, the acknowledged ones apart (the forms post to `acknowledge`).
//!
//! The flags are computed from what is stored, so after a save the page
//! shows the checks of the draft just saved.

use hyoka_app::check::{check_stored_sheet, FlagEntry};
use hyoka_app::sheet::{SheetContent, SheetContext};
use hyoka_app::CommandError;
use maud::{html, Markup};

use crate::http::AppError;
use crate::ui::checks::{flag_block, AckForms};
use crate::AppState;

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
