//! The review workflow on a sheet: submit, approve or return, grade, and
//! the panel of buttons the sheet page shows.
//!
//! Every action names the version of the sheet the person saw; a sheet
//! changed since is refused (409), so nobody approves or grades content
//! they have not seen. Who may act is `authorize`'s question (403/404);
//! whether the sheet's status or a locked year allows it is the
//! workflow's (409).

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use hyoka_core::access::{authorize, Action, Role, Target};
use hyoka_core::deadline::{days_between, days_late, today_in_japan};
use hyoka_core::layout::{GradeSlot, NarrativeSlot, SectionKind, SheetLayout, Writer};
use hyoka_core::paste::clean_pasted;
use hyoka_core::sheet::EvaluationRow;
use hyoka_core::workflow::{SheetStatus, Transition};
use hyoka_core::{EvaluationScale, Evaluator, FiscalYear, JpDate, Narrative, Stage};
use hyoka_store::{Change, FiscalYearRecord, ItemRecord, ReturnNote, SheetRecord, StoreTx, RETURN_REASON_FIELD};
use maud::{html, Markup};
use serde::Deserialize;

use crate::auth::Staff;
use crate::layout::staff_page;
use crate::routes::{Routes, Rule};
use crate::staff::jst;
use crate::{AppError, AppState};

pub fn routes(r: Routes) -> Routes {
    r.get("/m/{code}/sheets/{item}/{fy}/workflow", Rule::View, workflow_page)
        .post("/m/{code}/sheets/{item}/{fy}/submit", Rule::EditSheet, submit)
        .post("/m/{code}/sheets/{item}/{fy}/approve", Rule::Approve, approve)
        .post("/m/{code}/sheets/{item}/{fy}/return", Rule::Approve, return_sheet)
        .post("/m/{code}/sheets/{item}/{fy}/review", Rule::Review, review)
}

/// The longest comment a return or a review may carry.
const MAX_COMMENT_CHARS: usize = 4000;

/// Everything the panel shows. `version: None` means the caller could not
/// say which version it shows; the panel then links to the workflow page
/// instead of offering forms, since an action must name a version.
pub struct PanelData {
    pub status: SheetStatus,
    pub locked: bool,
    pub version: Option<i64>,
    pub deadline: Option<JpDate>,
    pub today: JpDate,
    pub last_return: Option<ReturnNote>,
    pub scales: Vec<EvaluationScale>,
    /// The grades the city's layout gives reviewers (stage, evaluator,
    /// scale), offered first in the review form.
    pub grade_slots: Vec<GradeSlot>,
    /// The layout's narrative slots written by reviewers (審査会の意見),
    /// as (slot, heading, current text in the editing form).
    pub opinion_slots: Vec<(String, String, String)>,
    /// Where the forms send the person back to: `sheet` or `workflow`.
    pub back: &'static str,
}

/// Messages next to fields, and what was typed, when a form is shown again.
#[derive(Default)]
struct FormState {
    return_comment: String,
    return_error: Option<String>,
    review: ReviewForm,
    review_error: Option<(&'static str, String)>,
}

/// The workflow controls for a sheet, as far as this person may use them,
/// from what the sheet page already knows. Without the sheet's version,
/// deadline and scales the actions are links to the workflow page, where
/// the forms are; [`panel_for`] gives the full panel in place.
pub fn panel(
    staff: &Staff,
    code: &str,
    item_id: i64,
    fy: FiscalYear,
    status: SheetStatus,
    locked: bool,
    sections: &[i64],
) -> Markup {
    let data = PanelData {
        status,
        locked,
        version: None,
        deadline: None,
        today: today_in_japan(hyoka_store::now()),
        last_return: None,
        scales: Vec::new(),
        grade_slots: Vec::new(),
        opinion_slots: Vec::new(),
        back: "sheet",
    };
    render_panel(staff, code, item_id, fy, sections, &data, &FormState::default())
}

/// The full panel: status, deadline, the latest return comment and the
/// forms this person may use now, each carrying the sheet's version.
pub async fn panel_for(
    s: &AppState,
    staff: &Staff,
    code: &str,
    item_id: i64,
    fy: FiscalYear,
    sections: &[i64],
) -> Result<Markup, AppError> {
    let data = panel_data(s, code, item_id, fy, "sheet").await?;
    Ok(render_panel(staff, code, item_id, fy, sections, &data, &FormState::default()))
}

async fn panel_data(
    s: &AppState,
    code: &str,
    item_id: i64,
    fy: FiscalYear,
    back: &'static str,
) -> Result<PanelData, AppError> {
    let sheet = s.store.sheet(item_id, fy).await?;
    let year = s.store.fiscal_year(code, fy).await?;
    let layout = city_layout(s, code).await?;
    let narratives = s.store.narratives(item_id).await?;
    let opinion_slots = reviewer_slots(layout.as_ref())
        .into_iter()
        .map(|slot| {
            let current = narratives
                .iter()
                .find(|n| n.fiscal_year == Some(fy) && n.slot == slot.code)
                .map(|n| clean_pasted(&n.text.to_markup()))
                .unwrap_or_default();
            (slot.code.clone(), slot.label.clone(), current)
        })
        .collect();
    Ok(PanelData {
        status: sheet.as_ref().map_or(SheetStatus::NotStarted, |x| x.status),
        locked: year.locked,
        // A sheet not yet created is version 0: creating it does not count.
        version: Some(sheet.as_ref().map_or(0, |x| x.version)),
        deadline: deadline_of(&year),
        today: today_in_japan(hyoka_store::now()),
        last_return: s.store.last_return(item_id, fy).await?,
        scales: s.store.scales(code).await?,
        grade_slots: layout
            .iter()
            .flat_map(|l| l.sections.iter())
            .flat_map(|sec| sec.grades.iter())
            .filter(|g| g.writer == Writer::Reviewer)
            .cloned()
            .collect(),
        opinion_slots,
        back,
    })
}

/// The city's layout with its labels; `None` if its preset is unknown.
async fn city_layout(s: &AppState, code: &str) -> Result<Option<SheetLayout>, AppError> {
    let (preset, overrides) = s.store.sheet_layout(code).await?;
    Ok(SheetLayout::with_overrides(&preset, &overrides).ok())
}

/// The narrative slots the layout leaves to reviewers: they are written
/// here, not on the sheet form.
fn reviewer_slots(layout: Option<&SheetLayout>) -> Vec<&NarrativeSlot> {
    layout
        .into_iter()
        .flat_map(|l| l.sections.iter())
        .flat_map(|sec| sec.slots.iter())
        .filter(|slot| slot.writer == Writer::Reviewer)
        .collect()
}

pub(crate) fn deadline_of(year: &FiscalYearRecord) -> Option<JpDate> {
    year.deadline.as_deref().and_then(|d| JpDate::parse(d).ok())
}

fn may(staff: &Staff, action: Action, code: &str, sections: &[i64]) -> bool {
    authorize(&staff.principal, action, &Target { municipality: code, sections })
}

/// The evaluators a person may grade as: reviewers speak for the review
/// bodies; the admin may also enter the section's own grade.
fn evaluators_for(staff: &Staff) -> Vec<Evaluator> {
    let mut v = vec![Evaluator::ReviewBoard, Evaluator::Headquarters, Evaluator::PolicyCouncil];
    if staff.is(Role::Admin) {
        v.insert(0, Evaluator::Section);
    }
    v
}

fn sheet_path(code: &str, item_id: i64, fy: FiscalYear) -> String {
    format!("/m/{code}/sheets/{item_id}/{}", fy.year())
}

/// A stored UTC instant as Japan's local date and time, `2019-04-01 09:30`
/// (compact, for tables).
pub(crate) fn local_time(iso: &str) -> String {
    match hyoka_core::time::Timestamp::parse_iso(iso) {
        Some(t) => {
            let s = t.plus_seconds(9 * 3600).iso();
            format!("{} {}", &s[..10], &s[11..16])
        }
        None => iso.to_string(),
    }
}

/// `令和元年5月31日（2019-05-31）`.
pub(crate) fn date_label(d: JpDate) -> String {
    format!("{}（{}）", d.wareki(), d.iso())
}

fn render_panel(
    staff: &Staff,
    code: &str,
    item_id: i64,
    fy: FiscalYear,
    sections: &[i64],
    data: &PanelData,
    form: &FormState,
) -> Markup {
    let status = data.status;
    let open = !data.locked;
    let can_submit = open && may(staff, Action::Submit, code, sections) && status.apply(Transition::Submit).is_ok();
    let can_approve = open && may(staff, Action::Approve, code, sections) && status.apply(Transition::Approve).is_ok();
    let can_return = open && may(staff, Action::Approve, code, sections) && status.apply(Transition::Return).is_ok();
    let can_review = open && may(staff, Action::Review, code, sections) && status.apply(Transition::Review).is_ok();
    let base = sheet_path(code, item_id, fy);
    let late = days_late(status, data.deadline, data.today);
    let hidden = |v: i64| {
        html! {
            input type="hidden" name="_csrf" value=(staff.csrf);
            input type="hidden" name="version" value=(v);
            input type="hidden" name="back" value=(data.back);
        }
    };
    html! {
        section class="workflow" aria-labelledby="workflow-title" {
            h2 id="workflow-title" { "提出・承認・審査" }
            dl {
                dt { "状態" }
                dd { strong class="badge" { (status.label()) } }
                @if let Some(d) = data.deadline {
                    dt { "提出期限" }
                    dd {
                        (date_label(d))
                        @if late > 0 {
                            " " strong class="warn" { "期限を" (late) "日過ぎています" }
                        } @else if status.is_editable() && d >= data.today {
                            " " span class="note" { "（あと" (days_between(data.today, d)) "日）" }
                        }
                    }
                }
            }
            @if data.locked {
                p class="note" { (fy.label()) "は確定済みのため、この調査票は変更できません。" }
            }
            @if let Some(r) = &data.last_return {
                // While the section holds the sheet the reason is what to fix;
                // afterwards it is background.
                @if status.is_editable() {
                    div class="warn" role="note" {
                        p { strong { "差戻しの理由" } }
                        p { (r.comment) }
                        p class="note" { (r.by.clone().unwrap_or_default()) " " (jst(&r.at)) }
                    }
                } @else {
                    p class="note" {
                        "前回の差戻しの理由: " (r.comment) "（" (r.by.clone().unwrap_or_default()) " " (jst(&r.at)) "）"
                    }
                }
            }
            @match data.version {
                None => {
                    @if can_submit || can_approve || can_return || can_review {
                        p { a href={ (base) "/workflow" } { "提出・承認・審査の操作へ" } }
                    }
                }
                Some(v) => {
                    @if can_submit {
                        form method="post" action={ (base) "/submit" } {
                            (hidden(v))
                            p { button type="submit" class="primary" { "提出する" } }
                            p class="note" { "提出すると、承認または差戻しまで編集できません。" }
                        }
                    }
                    @if can_approve {
                        form method="post" action={ (base) "/approve" } {
                            (hidden(v))
                            p { button type="submit" class="primary" { "承認する" } }
                        }
                    }
                    @if can_return {
                        form method="post" action={ (base) "/return" } {
                            (hidden(v))
                            p {
                                label for="return-comment" { "差戻しの理由（必須）" }
                                @if let Some(e) = &form.return_error {
                                    br; span id="return-comment-error" class="error" { (e) }
                                }
                                textarea id="return-comment" name="comment" required
                                    aria-invalid=[form.return_error.as_ref().map(|_| "true")]
                                    aria-describedby=[form.return_error.as_ref().map(|_| "return-comment-error")] {
                                    (form.return_comment)
                                }
                            }
                            p { button type="submit" { "差し戻す" } }
                        }
                    }
                    @if can_review {
                        (review_form(staff, &base, data, form, hidden(v)))
                    }
                }
            }
        }
    }
}

fn review_form(staff: &Staff, base: &str, data: &PanelData, form: &FormState, hidden: Markup) -> Markup {
    let err = |field: &str| form.review_error.as_ref().filter(|(f, _)| *f == field).map(|(_, m)| m.clone());
    let field_error = |field: &str, id: &str| {
        html! { @if let Some(e) = err(field) { br; span id=(id) class="error" { (e) } } }
    };
    let f = &form.review;
    // The layout's stages first, then the rest; its first evaluator is the default.
    let mut stages: Vec<Stage> = data.grade_slots.iter().map(|g| g.stage).collect();
    stages.dedup();
    stages.extend(Stage::ALL.iter().filter(|st| !stages.contains(st)).collect::<Vec<_>>());
    let evaluator = if f.evaluator.is_empty() {
        data.grade_slots.first().map(|g| g.evaluator.code()).unwrap_or_default()
    } else {
        f.evaluator.as_str()
    };
    html! {
        form method="post" action={ (base) "/review" } {
            (hidden)
            fieldset {
                legend { "審査（評価と意見）" }
                p {
                    label for="review-stage" { "段階" }
                    (field_error("stage", "review-stage-error"))
                    br;
                    select id="review-stage" name="stage" {
                        @for st in &stages {
                            option value=(st.code()) selected[f.stage == st.code()] { (st.label()) }
                        }
                    }
                }
                p {
                    label for="review-evaluator" { "評価者" }
                    (field_error("evaluator", "review-evaluator-error"))
                    br;
                    select id="review-evaluator" name="evaluator" {
                        @for e in evaluators_for(staff) {
                            option value=(e.code()) selected[evaluator == e.code()] { (e.label()) }
                        }
                    }
                }
                p {
                    label for="review-grade" { "評価" }
                    (field_error("grade", "review-grade-error"))
                    br;
                    @if data.scales.is_empty() {
                        span class="note" { "評価の尺度が設定されていません。管理者に設定を依頼してください。" }
                    } @else {
                        select id="review-grade" name="grade" aria-invalid=[err("grade").map(|_| "true")] {
                            option value="" { "選んでください" }
                            @for sc in &data.scales {
                                optgroup label=(sc.name) {
                                    @for g in &sc.grades {
                                        @let value = format!("{}:{}", sc.code, g.code);
                                        option value=(value) selected[f.grade == value] { (g.code) " " (g.label) }
                                    }
                                }
                            }
                        }
                    }
                }
                p {
                    label for="review-comment" { "この評価についての意見" }
                    (field_error("comment", "review-comment-error"))
                    textarea id="review-comment" name="comment" { (f.comment) }
                }
                @for (i, (slot, label, current)) in data.opinion_slots.iter().enumerate() {
                    @let name = format!("slot.{slot}");
                    p {
                        label for={ "review-slot-" (i) } { (label) }
                        textarea id={ "review-slot-" (i) } name=(name) {
                            (f.slots.get(slot).map_or(current.as_str(), String::as_str))
                        }
                    }
                }
                @if !data.opinion_slots.is_empty() {
                    p class="note" { "評価を選ばずに、意見の欄だけを保存することもできます。" }
                }
                p { button type="submit" class="primary" { "評価を登録する" } }
            }
        }
    }
}

/// What every workflow route works on, after checking that the item is
/// this city's.
struct Ctx {
    code: String,
    item: ItemRecord,
    fy: FiscalYear,
    sections: Vec<i64>,
}

async fn load(s: &AppState, (code, item, fy): &(String, String, String)) -> Result<Ctx, AppError> {
    let not_found = || AppError::NotFound("調査票".into());
    let item_id: i64 = item.parse().map_err(|_| not_found())?;
    let fy = fy.parse::<i32>().ok().and_then(|y| FiscalYear::new(y).ok()).ok_or_else(not_found)?;
    let item = match s.store.item(item_id).await {
        Ok(i) if i.municipality_code == *code => i,
        Ok(_) | Err(hyoka_store::StoreError::NotFound { .. }) => return Err(not_found()),
        Err(e) => return Err(e.into()),
    };
    let sections = s.store.sheet_section_ids(item_id).await?;
    Ok(Ctx { code: code.clone(), item, fy, sections })
}

async fn workflow_page(
    State(s): State<AppState>,
    staff: Staff,
    Path(p): Path<(String, String, String)>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    staff.require(Action::View, &p.0, &[])?;
    let ctx = load(&s, &p).await?;
    Ok(render_page(&s, &staff, &ctx, q.done.as_deref(), &FormState::default()).await?.into_response())
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

async fn render_page(
    s: &AppState,
    staff: &Staff,
    ctx: &Ctx,
    done: Option<&str>,
    form: &FormState,
) -> Result<Markup, AppError> {
    let city = s.store.municipality(&ctx.code).await?;
    let data = panel_data(s, &ctx.code, ctx.item.id, ctx.fy, "workflow").await?;
    let grades: Vec<EvaluationRow> =
        s.store.evaluations(ctx.item.id).await?.into_iter().filter(|e| e.fiscal_year == ctx.fy).collect();
    let history: Vec<_> = s
        .store
        .history(ctx.item.id)
        .await?
        .into_iter()
        .filter(|h| {
            h.fiscal_year == Some(ctx.fy)
                && (is_workflow_field(&h.field) || data.opinion_slots.iter().any(|(_, label, _)| *label == h.field))
        })
        .collect();
    let done_message = match done {
        Some("submit") => Some("提出しました。"),
        Some("approve") => Some("承認しました。"),
        Some("return") => Some("差し戻しました。"),
        Some("review") => Some("評価を登録しました。"),
        _ => None,
    };
    let sheet = sheet_path(&ctx.code, ctx.item.id, ctx.fy);
    let title = format!("{} {}（{}）", ctx.item.code, ctx.item.title, ctx.fy.label());
    Ok(staff_page(
        staff,
        &title,
        &[(city.name.clone(), format!("/m/{}", ctx.code)), ("調査票".into(), sheet.clone())],
        html! {
            @if let Some(m) = done_message { p class="ok" role="status" { (m) } }
            p { a href=(sheet) { "調査票を開く" } }
            (render_panel(staff, &ctx.code, ctx.item.id, ctx.fy, &ctx.sections, &data, form))
            @if !grades.is_empty() {
                h2 { "評価" }
                table {
                    thead { tr {
                        th scope="col" { "段階" } th scope="col" { "評価者" } th scope="col" { "評価" } th scope="col" { "意見" }
                    } }
                    tbody {
                        @for g in &grades {
                            tr {
                                th scope="row" { (g.stage.label()) }
                                td { (g.evaluator.label()) }
                                td { (grade_label(&data.scales, g)) }
                                td { (g.comment.clone().unwrap_or_default()) }
                            }
                        }
                    }
                }
            }
            h2 { "手続きの履歴" }
            @if history.is_empty() {
                p { "まだ手続きはありません。" }
            } @else {
                table {
                    thead { tr {
                        th scope="col" { "日時" } th scope="col" { "操作した人" } th scope="col" { "項目" }
                        th scope="col" { "変更前" } th scope="col" { "変更後" }
                    } }
                    tbody {
                        @for h in &history {
                            tr {
                                th scope="row" { (jst(&h.at)) }
                                td { (h.account_name.clone().unwrap_or_default()) }
                                td { (h.field) }
                                td { (h.before.clone().unwrap_or_default()) }
                                td { (h.after.clone().unwrap_or_default()) }
                            }
                        }
                    }
                }
            }
        },
    ))
}

fn is_workflow_field(field: &str) -> bool {
    field == "状態" || field == RETURN_REASON_FIELD || field.starts_with("評価 ") || field.starts_with("意見 ")
}

fn grade_label(scales: &[EvaluationScale], g: &EvaluationRow) -> String {
    let code = g.grade.clone().unwrap_or_default();
    let label = g
        .scale
        .as_ref()
        .and_then(|sc| scales.iter().find(|x| &x.code == sc))
        .and_then(|sc| sc.grade(&code))
        .map(|x| x.label.clone());
    match label {
        Some(l) if l != code => format!("{code} {l}"),
        _ => code,
    }
}

// ---- actions ----

#[derive(Deserialize, Default)]
#[serde(default)]
struct ActionForm {
    version: String,
    back: String,
    comment: String,
}

/// The review form; its opinion fields are named `slot.<code>`, so it is
/// read from the raw pairs.
#[derive(Default, Clone)]
struct ReviewForm {
    version: String,
    back: String,
    stage: String,
    evaluator: String,
    grade: String,
    comment: String,
    slots: BTreeMap<String, String>,
}

impl ReviewForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> ReviewForm {
        let mut f = ReviewForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "version" => f.version = v,
                "back" => f.back = v,
                "stage" => f.stage = v,
                "evaluator" => f.evaluator = v,
                "grade" => f.grade = v,
                "comment" => f.comment = v,
                _ => {
                    if let Some(slot) = k.strip_prefix("slot.") {
                        f.slots.insert(slot.to_string(), v);
                    }
                }
            }
        }
        f
    }
}

fn parse_version(v: &str) -> Result<i64, AppError> {
    v.trim().parse().map_err(|_| {
        AppError::Invalid("調査票の版が送られていません。画面を開き直してから、もう一度操作してください。".into())
    })
}

fn done(ctx: &Ctx, back: &str, what: &str) -> Response {
    let base = sheet_path(&ctx.code, ctx.item.id, ctx.fy);
    let to = if back == "workflow" { format!("{base}/workflow?done={what}") } else { base };
    Redirect::to(&to).into_response()
}

/// The sheet, locked for this transaction, checked against the year's
/// lock, the version the person saw, and the transition.
async fn begin(
    s: &AppState,
    ctx: &Ctx,
    version: i64,
    t: Transition,
) -> Result<(StoreTx, SheetRecord, SheetStatus), AppError> {
    let year = s.store.fiscal_year(&ctx.code, ctx.fy).await?;
    if year.locked {
        return Err(AppError::Conflict(format!("{}は確定済みのため、変更できません。", ctx.fy.label())));
    }
    let mut tx = s.store.begin().await?;
    let sheet = tx.sheet_for_update(ctx.item.id, ctx.fy).await?;
    if sheet.version != version {
        return Err(stale());
    }
    let next = sheet.status.apply(t).map_err(|e| AppError::Conflict(format!("{e}。")))?;
    Ok((tx, sheet, next))
}

fn stale() -> AppError {
    AppError::Conflict(
        "この調査票は、画面を開いた後に他の人が更新しました。画面を開き直して内容を確かめてから、もう一度操作してください。"
            .into(),
    )
}

/// Moves the sheet on, records the changes with the status change first,
/// and commits.
async fn finish(
    mut tx: StoreTx,
    staff: &Staff,
    ctx: &Ctx,
    sheet: &SheetRecord,
    next: SheetStatus,
    mut changes: Vec<Change>,
) -> Result<(), AppError> {
    if !tx.advance_sheet(sheet.id, sheet.version, next, Some(staff.principal.account_id)).await? {
        return Err(stale());
    }
    if next != sheet.status {
        changes.insert(
            0,
            Change {
                field: "状態".into(),
                before: Some(sheet.status.label().into()),
                after: Some(next.label().into()),
            },
        );
    }
    tx.record_history(&ctx.code, Some(ctx.item.id), Some(ctx.fy), Some(staff.principal.account_id), &changes).await?;
    tx.commit().await?;
    Ok(())
}

async fn submit(
    State(s): State<AppState>,
    staff: Staff,
    Path(p): Path<(String, String, String)>,
    Form(f): Form<ActionForm>,
) -> Result<Response, AppError> {
    move_sheet(&s, &staff, &p, &f, Action::Submit, Transition::Submit, "submit").await
}

async fn approve(
    State(s): State<AppState>,
    staff: Staff,
    Path(p): Path<(String, String, String)>,
    Form(f): Form<ActionForm>,
) -> Result<Response, AppError> {
    move_sheet(&s, &staff, &p, &f, Action::Approve, Transition::Approve, "approve").await
}

/// Submit and approve: check the city, then the person's right on the
/// sheet's sections, then the version and the transition.
async fn move_sheet(
    s: &AppState,
    staff: &Staff,
    p: &(String, String, String),
    f: &ActionForm,
    action: Action,
    transition: Transition,
    done_as: &str,
) -> Result<Response, AppError> {
    staff.require(action, &p.0, &[]).or_else(not_forbidden_yet)?;
    let ctx = load(s, p).await?;
    staff.require(action, &ctx.code, &ctx.sections)?;
    let (tx, sheet, next) = begin(s, &ctx, parse_version(&f.version)?, transition).await?;
    finish(tx, staff, &ctx, &sheet, next, Vec::new()).await?;
    Ok(done(&ctx, &f.back, done_as))
}

async fn return_sheet(
    State(s): State<AppState>,
    staff: Staff,
    Path(p): Path<(String, String, String)>,
    Form(f): Form<ActionForm>,
) -> Result<Response, AppError> {
    staff.require(Action::Approve, &p.0, &[]).or_else(not_forbidden_yet)?;
    let ctx = load(&s, &p).await?;
    staff.require(Action::Approve, &ctx.code, &ctx.sections)?;
    let version = parse_version(&f.version)?;
    let comment = f.comment.trim();
    let problem = if comment.is_empty() {
        Some("差戻しの理由を入力してください。".to_string())
    } else if comment.chars().count() > MAX_COMMENT_CHARS {
        Some(format!("差戻しの理由は{MAX_COMMENT_CHARS}文字以内で入力してください。"))
    } else {
        None
    };
    if let Some(message) = problem {
        let form = FormState { return_comment: f.comment.clone(), return_error: Some(message), ..Default::default() };
        return invalid_page(&s, &staff, &ctx, &form).await;
    }
    let (tx, sheet, next) = begin(&s, &ctx, version, Transition::Return).await?;
    let reason = Change { field: RETURN_REASON_FIELD.into(), before: None, after: Some(comment.to_string()) };
    finish(tx, &staff, &ctx, &sheet, next, vec![reason]).await?;
    Ok(done(&ctx, &f.back, "return"))
}

/// The workflow page again, with the messages next to the fields (422).
async fn invalid_page(s: &AppState, staff: &Staff, ctx: &Ctx, form: &FormState) -> Result<Response, AppError> {
    let page = render_page(s, staff, ctx, None, form).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// Checks only the city before the item is loaded, so that another city's
/// item is "not found" whatever the person's role; the section check
/// follows once the item's sections are known.
fn not_forbidden_yet(e: AppError) -> Result<(), AppError> {
    match e {
        AppError::Forbidden => Ok(()),
        other => Err(other),
    }
}

/// A reviewer's grade is refused with the field it concerns.
struct ReviewProblem(&'static str, String);

/// Which scale a grade is on: the one named with it (`scale:grade`, as the
/// form sends), else the one the city's layout gives the stage and
/// evaluator, else the stage's scale by its code (`mitaka-midyear` for
/// 中間評価), else the city's only scale. A grade from another scale than
/// the layout's for that stage is refused.
fn resolve_grade(
    stage: Stage,
    evaluator: Evaluator,
    sent: &str,
    scales: &[EvaluationScale],
    layout: Option<&SheetLayout>,
) -> Result<(String, String), ReviewProblem> {
    let sent = sent.trim();
    if sent.is_empty() {
        return Err(ReviewProblem("grade", "評価を選んでください。".into()));
    }
    let (named, grade) = match sent.split_once(':') {
        Some((sc, g)) => (Some(sc), g),
        None => (None, sent),
    };
    let slots: Vec<_> = layout
        .into_iter()
        .flat_map(|l| l.sections.iter())
        .filter(|s| s.kind == SectionKind::Grades)
        .flat_map(|s| s.grades.iter())
        .filter(|g| g.stage == stage)
        .collect();
    let by_layout = slots.iter().find(|g| g.evaluator == evaluator).or(slots.first()).map(|g| g.scale.as_str());
    let by_code = scales.iter().find(|s| s.code.ends_with(&format!("-{}", stage.code()))).map(|s| s.code.as_str());
    let only = (scales.len() == 1).then(|| scales[0].code.as_str());
    let expected = by_layout.filter(|c| scales.iter().any(|s| s.code == *c)).or(by_code).or(only);
    let code = match (named, expected) {
        (Some(n), Some(e)) if n != e => {
            let name = scales.iter().find(|s| s.code == e).map_or(e, |s| s.name.as_str());
            return Err(ReviewProblem("grade", format!("{}の評価は尺度「{name}」から選んでください。", stage.label())));
        }
        (Some(n), _) => n,
        (None, Some(e)) => e,
        (None, None) => {
            return Err(ReviewProblem("grade", "評価の尺度を決められません。一覧から評価を選んでください。".into()));
        }
    };
    let Some(scale) = scales.iter().find(|s| s.code == code) else {
        return Err(ReviewProblem("grade", "評価の尺度が見つかりません。一覧から評価を選んでください。".into()));
    };
    match scale.grade(grade) {
        Some(g) => Ok((scale.code.clone(), g.code.clone())),
        None => {
            let codes: Vec<&str> = scale.grades.iter().map(|g| g.code.as_str()).collect();
            Err(ReviewProblem(
                "grade",
                format!("評価「{grade}」は尺度「{}」にありません（{} のいずれか）。", scale.name, codes.join("・")),
            ))
        }
    }
}

async fn review(
    State(s): State<AppState>,
    staff: Staff,
    Path(p): Path<(String, String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let f = ReviewForm::from_pairs(pairs);
    staff.require(Action::Review, &p.0, &[]).or_else(not_forbidden_yet)?;
    let ctx = load(&s, &p).await?;
    staff.require(Action::Review, &ctx.code, &ctx.sections)?;
    let version = parse_version(&f.version)?;
    let Ok(evaluator) = f.evaluator.parse::<Evaluator>() else {
        return review_invalid(&s, &staff, &ctx, &f, "evaluator", "評価者を選んでください。").await;
    };
    if !evaluators_for(&staff).contains(&evaluator) {
        // The form offers only these; anything else is not this person's to give.
        return Err(AppError::Forbidden);
    }
    let Ok(stage) = f.stage.parse::<Stage>() else {
        return review_invalid(&s, &staff, &ctx, &f, "stage", "段階を選んでください。").await;
    };
    let comment = f.comment.trim();
    if comment.chars().count() > MAX_COMMENT_CHARS {
        let m = format!("意見は{MAX_COMMENT_CHARS}文字以内で入力してください。");
        return review_invalid(&s, &staff, &ctx, &f, "comment", &m).await;
    }
    let layout = city_layout(&s, &ctx.code).await?;

    // The reviewers' narrative slots that were changed; other slots are
    // the section's and are not written here.
    let narratives = s.store.narratives(ctx.item.id).await?;
    let mut opinions = Vec::new();
    for slot in reviewer_slots(layout.as_ref()) {
        let Some(sent) = f.slots.get(&slot.code) else { continue };
        if sent.chars().count() > MAX_COMMENT_CHARS {
            let m = format!("{}は{MAX_COMMENT_CHARS}文字以内で入力してください。", slot.label);
            return review_invalid(&s, &staff, &ctx, &f, "comment", &m).await;
        }
        let text = Narrative::from_markup(&clean_pasted(sent));
        let current = narratives
            .iter()
            .find(|n| n.fiscal_year == Some(ctx.fy) && n.slot == slot.code)
            .map(|n| n.text.clone())
            .unwrap_or_default();
        // Compared as the form shows it, so an untouched field is no change.
        if text != Narrative::from_markup(&clean_pasted(&current.to_markup())) {
            opinions.push((slot.code.clone(), slot.label.clone(), text, current));
        }
    }

    let previous = s
        .store
        .evaluations(ctx.item.id)
        .await?
        .into_iter()
        .find(|e| e.fiscal_year == ctx.fy && e.stage == stage && e.evaluator == evaluator);
    // A blank grade keeps the one given before, so adding a comment or an
    // opinion never erases a grade.
    let graded = !f.grade.trim().is_empty();
    let grade = if graded {
        let scales = s.store.scales(&ctx.code).await?;
        match resolve_grade(stage, evaluator, &f.grade, &scales, layout.as_ref()) {
            Ok((scale, grade)) => Some((Some(scale), Some(grade))),
            Err(ReviewProblem(field, m)) => return review_invalid(&s, &staff, &ctx, &f, field, &m).await,
        }
    } else if previous.as_ref().is_some_and(|p| p.grade.is_some()) || !comment.is_empty() {
        previous.as_ref().map(|p| (p.scale.clone(), p.grade.clone())).or(Some((None, None)))
    } else {
        None
    };
    if grade.is_none() && opinions.is_empty() {
        return review_invalid(&s, &staff, &ctx, &f, "grade", "評価を選んでください。").await;
    }

    let (mut tx, sheet, next) = begin(&s, &ctx, version, Transition::Review).await?;
    let mut changes = Vec::new();
    if let Some((scale, grade)) = grade {
        let row = EvaluationRow {
            fiscal_year: ctx.fy,
            stage,
            evaluator,
            scale,
            grade,
            comment: (!comment.is_empty()).then(|| comment.to_string()),
        };
        tx.set_evaluation(&ctx.code, ctx.item.id, &row).await?;
        let what = format!("{}（{}）", stage.label(), evaluator.label());
        let (old_grade, old_comment) = previous.map(|p| (p.grade, p.comment)).unwrap_or_default();
        if old_grade != row.grade {
            changes.push(Change { field: format!("評価 {what}"), before: old_grade, after: row.grade.clone() });
        }
        if old_comment != row.comment {
            changes.push(Change { field: format!("意見 {what}"), before: old_comment, after: row.comment.clone() });
        }
    }
    let plain = |n: &Narrative| (!n.is_empty()).then(|| n.to_plain_text());
    for (code, label, text, current) in &opinions {
        tx.set_narrative_slot(ctx.item.id, ctx.fy, code, label, text).await?;
        changes.push(Change { field: label.clone(), before: plain(current), after: plain(text) });
    }
    tx.reindex_item(ctx.item.id).await?;
    finish(tx, &staff, &ctx, &sheet, next, changes).await?;
    Ok(done(&ctx, &f.back, "review"))
}

async fn review_invalid(
    s: &AppState,
    staff: &Staff,
    ctx: &Ctx,
    f: &ReviewForm,
    field: &'static str,
    message: &str,
) -> Result<Response, AppError> {
    let form = FormState { review: f.clone(), review_error: Some((field, message.to_string())), ..Default::default() };
    invalid_page(s, staff, ctx, &form).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_resolve_to_the_stages_scale() {
        let scales = vec![EvaluationScale::mitaka_midyear(), EvaluationScale::mitaka_yearend()];
        let layout = SheetLayout::preset("mitaka").ok();
        let r = resolve_grade(Stage::YearEnd, Evaluator::ReviewBoard, "S", &scales, layout.as_ref());
        assert_eq!(r.ok(), Some(("mitaka-yearend".to_string(), "S".to_string())));
        let r = resolve_grade(Stage::MidYear, Evaluator::ReviewBoard, "mitaka-midyear:1", &scales, None);
        assert_eq!(r.ok(), Some(("mitaka-midyear".to_string(), "1".to_string())));
        // 中間評価 has no S, and a year-end grade does not fit mid-year.
        let Err(ReviewProblem(field, m)) = resolve_grade(Stage::MidYear, Evaluator::ReviewBoard, "S", &scales, None)
        else {
            panic!("S is not on the mid-year scale")
        };
        assert_eq!(field, "grade");
        assert!(m.contains("評価「S」"), "{m}");
        assert!(resolve_grade(Stage::MidYear, Evaluator::ReviewBoard, "mitaka-yearend:S", &scales, None).is_err());
        assert!(resolve_grade(Stage::YearEnd, Evaluator::ReviewBoard, "", &scales, None).is_err());
        let one = vec![EvaluationScale::kodaira_sab()];
        let r = resolve_grade(Stage::Second, Evaluator::Headquarters, "Ａ", &one, None);
        assert_eq!(r.ok(), Some(("kodaira-sab".to_string(), "A".to_string())));
    }
}
