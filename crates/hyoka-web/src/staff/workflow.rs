//! The review workflow on a sheet: submit, approve or return, grade, and
//! the panel of buttons the sheet page shows.
//!
//! Every action names the version of the sheet the person saw; a sheet
//! changed since is refused (409), so nobody approves or grades content
//! they have not seen. Who may act is `authorize`'s question (403/404);
//! whether the sheet's status or a locked year allows it is the
//! workflow's (409).

use std::collections::BTreeMap;

use crate::http::{Done, Query};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hyoka_app::sheet::draft::writes_head_parts;
use hyoka_app::sheet::workflow::{
    evaluators_for, review_slots, review_stages, reviewer_slots, HeadGrade, MoveSheet, ReturnSheet, ReviewSheet,
    SheetRef,
};
use hyoka_app::sheet::{SheetContent, SheetContext};
use hyoka_app::CommandError;
use hyoka_core::access::{authorize, Action, Target};
use hyoka_core::deadline::{days_between, days_late, today_in_japan};
use hyoka_core::layout::{GradeSlot, SheetLayout, Writer};
use hyoka_core::paste::clean_pasted;
use hyoka_core::sheet::EvaluationRow;
use hyoka_core::workflow::{SheetStatus, Transition};
use hyoka_core::{EvaluationScale, Evaluator, FiscalYear, JpDate, Stage};
use hyoka_store::{ItemRecord, ReturnNote, RETURN_REASON_FIELD};
use maud::{html, Markup};
use serde::Deserialize;

use crate::http::{AppError, CityCode, Form, Fy, Id, Params, Routes, Rule, Staff};
use crate::ui::format::{date_label, deadline_of, jst};
use crate::ui::shell::staff_page;
use crate::ui::widgets::history_table;
use crate::AppState;

pub fn routes(r: Routes) -> Routes {
    r.get("/m/{code}/sheets/{item}/{fy}/workflow", Rule::View, workflow_page)
        .post("/m/{code}/sheets/{item}/{fy}/submit", Rule::EditSheet, submit)
        .post("/m/{code}/sheets/{item}/{fy}/approve", Rule::Approve, approve)
        .post("/m/{code}/sheets/{item}/{fy}/return", Rule::Approve, return_sheet)
        .post("/m/{code}/sheets/{item}/{fy}/review", Rule::Review, review)
}

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
    /// The sheet's layout, for the review's stages and evaluators.
    pub layout: Option<SheetLayout>,
    /// The grades the head gives with an approval (東村山市's 部長).
    pub head_grades: Vec<HeadGradeField>,
    /// Where the forms send the person back to: `sheet` or `workflow`.
    pub back: &'static str,
}

/// A grade the approve form offers the head.
pub struct HeadGradeField {
    /// `hg.{item id, 0 for the sheet's own}.{stage}.{evaluator}`.
    pub name: String,
    pub label: String,
    /// (grade code, how it reads).
    pub options: Vec<(String, String)>,
    pub current: String,
}

/// Messages next to fields, and what was typed, when a form is shown again.
#[derive(Default)]
struct FormState {
    return_comment: String,
    return_error: Option<String>,
    review: ReviewForm,
    review_error: Option<(&'static str, String)>,
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
    let data = panel_data(s, staff, code, item_id, fy, "sheet").await?;
    Ok(render_panel(staff, code, item_id, fy, sections, &data, &FormState::default()))
}

async fn panel_data(
    s: &AppState,
    staff: &Staff,
    code: &str,
    item_id: i64,
    fy: FiscalYear,
    back: &'static str,
) -> Result<PanelData, AppError> {
    let sheet = s.store.sheet(item_id, fy).await?;
    let year = s.store.fiscal_year(code, fy).await?;
    let item = s.store.item(item_id).await?;
    let layout = Some(s.store.layout_for(&item).await?);
    let scales = s.store.scales(code).await?;
    let head_grades = head_grade_fields(s, staff, code, item_id, fy, &scales).await?;
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
        today: today_in_japan(s.app.now()),
        last_return: s.store.last_return(item_id, fy).await?,
        scales,
        grade_slots: layout
            .iter()
            .flat_map(|l| l.all_grade_slots())
            .filter(|g| g.writer == Writer::Reviewer)
            .cloned()
            .collect(),
        opinion_slots,
        layout,
        head_grades,
        back,
    })
}

/// The head-written grades of the sheet and its rows, for the approve form,
/// when this person writes them.
async fn head_grade_fields(
    s: &AppState,
    staff: &Staff,
    code: &str,
    item_id: i64,
    fy: FiscalYear,
    scales: &[EvaluationScale],
) -> Result<Vec<HeadGradeField>, AppError> {
    let actor = staff.actor();
    let Ok(ctx) = SheetContext::load(&s.store, &actor, code, item_id, fy, Action::Approve).await else {
        return Ok(Vec::new());
    };
    if !writes_head_parts(&actor, &ctx) {
        return Ok(Vec::new());
    }
    let content = SheetContent::load(&s.store, &ctx).await?;
    let scale_of = |code: &str| {
        scales
            .iter()
            .find(|x| x.code == code)
            .cloned()
            .or_else(|| EvaluationScale::presets().into_iter().find(|x| x.code == code))
    };
    let field = |item: i64, g: &GradeSlot, label: String, evaluations: &[EvaluationRow]| {
        let current = evaluations
            .iter()
            .find(|e| e.fiscal_year == fy && e.stage == g.stage && e.evaluator == g.evaluator)
            .and_then(|e| e.grade.clone())
            .unwrap_or_default();
        let options = scale_of(&g.scale)
            .map(|sc| sc.grades.iter().map(|x| (x.code.clone(), x.label.clone())).collect())
            .unwrap_or_default();
        HeadGradeField { name: format!("hg.{item}.{}.{}", g.stage.code(), g.evaluator.code()), label, options, current }
    };
    let mut out = Vec::new();
    for g in ctx.layout.grade_slots().filter(|g| g.writer == Writer::Head) {
        out.push(field(0, g, g.label.clone(), &content.evaluations));
    }
    for child in &content.children {
        let Some(rows) = ctx.layout.rows_for(&child.item.kind) else { continue };
        for g in rows.grades.iter().filter(|g| g.writer == Writer::Head) {
            let label = format!("{} {}：{}", child.item.code, child.item.title, g.label);
            out.push(field(child.item.id, g, label, &child.evaluations));
        }
    }
    Ok(out)
}

fn may(staff: &Staff, action: Action, code: &str, sections: &[i64]) -> bool {
    authorize(&staff.principal, action, &Target { municipality: code, sections })
}

fn sheet_path(code: &str, item_id: i64, fy: FiscalYear) -> String {
    format!("/m/{code}/sheets/{item_id}/{}", fy.year())
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
    // A kind without reviewer grades (三島市, 東村山市, the white paper) has no review.
    let can_review = open
        && may(staff, Action::Review, code, sections)
        && status.apply(Transition::Review).is_ok()
        && !review_slots(&staff.actor(), data.layout.as_ref()).is_empty();
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
                            @if !data.head_grades.is_empty() {
                                fieldset {
                                    legend { "承認と評価" }
                                    @for (i, g) in data.head_grades.iter().enumerate() {
                                        p {
                                            label for={ "head-grade-" (i) } { (g.label) }
                                            " "
                                            select id={ "head-grade-" (i) } name=(g.name) {
                                                option value="" selected[g.current.is_empty()] { "（未評価）" }
                                                @for (code, label) in &g.options {
                                                    option value=(code) selected[g.current == *code] {
                                                        (code) @if label != code { " " (label) }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
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
    // Only the sheet's own stages; its first reviewer is the default.
    let actor = staff.actor();
    let stages: Vec<Stage> = review_stages(&actor, data.layout.as_ref());
    // The scale of each offered slot, once per stage: a grade is chosen
    // from its stage's scale only (the command checks the pair).
    let mut offered: Vec<(Stage, &EvaluationScale)> = Vec::new();
    for g in review_slots(&actor, data.layout.as_ref()) {
        if let Some(sc) = data.scales.iter().find(|sc| sc.code == g.scale) {
            if !offered.iter().any(|(st, x)| *st == g.stage && x.code == sc.code) {
                offered.push((g.stage, sc));
            }
        }
    }
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
                        @for e in evaluators_for(&actor, data.layout.as_ref()) {
                            option value=(e.code()) selected[evaluator == e.code()] { (e.label()) }
                        }
                    }
                }
                p {
                    label for="review-grade" { "評価" }
                    (field_error("grade", "review-grade-error"))
                    br;
                    @if offered.is_empty() {
                        span class="note" { "評価の尺度が設定されていません。管理者に設定を依頼してください。" }
                    } @else {
                        select id="review-grade" name="grade" aria-invalid=[err("grade").map(|_| "true")] {
                            option value="" { "選んでください" }
                            @for (st, sc) in &offered {
                                optgroup label={ (st.label()) "（" (sc.name) "）" } {
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

/// The sheet a workflow page is about, after checking that the item is
/// this city's and the person may see it.
struct Ctx {
    code: String,
    item: ItemRecord,
    fy: FiscalYear,
    sections: Vec<i64>,
}

async fn load(s: &AppState, staff: &Staff, code: &CityCode, item: i64, fy: FiscalYear) -> Result<Ctx, AppError> {
    staff.require(Action::View, code, &[])?;
    let not_found = || AppError::NotFound("調査票".into());
    let item = match s.store.item(item).await {
        Ok(i) if i.municipality_code == code.as_str() => i,
        Ok(_) | Err(hyoka_store::StoreError::NotFound { .. }) => return Err(not_found()),
        Err(e) => return Err(e.into()),
    };
    let sections = s.store.sheet_section_ids(item.id).await?;
    Ok(Ctx { code: code.0.clone(), item, fy, sections })
}

async fn workflow_page(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(item), Fy(fy))): Params<(CityCode, Id, Fy)>,
    Query(q): Query<Done>,
) -> Result<Response, AppError> {
    let ctx = load(&s, &staff, &code, item, fy).await?;
    Ok(render_page(&s, &staff, &ctx, q.done.as_deref(), &FormState::default()).await?.into_response())
}

async fn render_page(
    s: &AppState,
    staff: &Staff,
    ctx: &Ctx,
    done: Option<&str>,
    form: &FormState,
) -> Result<Markup, AppError> {
    let city = s.store.municipality(&ctx.code).await?;
    let data = panel_data(s, staff, &ctx.code, ctx.item.id, ctx.fy, "workflow").await?;
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
        staff.bar(),
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
                (history_table(&history))
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

/// The approve form: the version, where to go back, and the head's grades
/// (`hg.{item}.{stage}.{evaluator}`), read from the raw pairs.
#[derive(Deserialize, Default)]
#[serde(from = "Vec<(String, String)>")]
struct ApproveForm {
    version: String,
    back: String,
    grades: Vec<(String, String)>,
}

impl From<Vec<(String, String)>> for ApproveForm {
    fn from(pairs: Vec<(String, String)>) -> Self {
        let mut f = ApproveForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "version" => f.version = v,
                "back" => f.back = v,
                _ if k.starts_with("hg.") => f.grades.push((k, v)),
                _ => {}
            }
        }
        f
    }
}

impl ApproveForm {
    /// The grades given; a field whose name does not read is its error.
    fn head_grades(&self) -> Result<Vec<HeadGrade>, String> {
        self.grades
            .iter()
            .map(|(k, v)| {
                let mut p = k.splitn(4, '.').skip(1);
                let item: i64 = p.next().and_then(|x| x.parse().ok()).ok_or_else(|| k.clone())?;
                let stage: Stage = p.next().and_then(|x| x.parse().ok()).ok_or_else(|| k.clone())?;
                let evaluator: Evaluator = p.next().and_then(|x| x.parse().ok()).ok_or_else(|| k.clone())?;
                Ok(HeadGrade { item: (item != 0).then_some(item), stage, evaluator, grade: v.clone() })
            })
            .collect()
    }
}

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

fn done(code: &str, item: i64, fy: FiscalYear, back: &str, what: &str) -> Response {
    let base = sheet_path(code, item, fy);
    let to = if back == "workflow" { format!("{base}/workflow?done={what}") } else { base };
    Redirect::to(&to).into_response()
}

fn sheet_ref(code: &CityCode, item: i64, fy: FiscalYear, version: &str) -> Result<SheetRef, AppError> {
    Ok(SheetRef { municipality: code.0.clone(), item_id: item, fiscal_year: fy, version: parse_version(version)? })
}

async fn submit(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(item), Fy(fy))): Params<(CityCode, Id, Fy)>,
    Form(f): Form<ActionForm>,
) -> Result<Response, AppError> {
    let sheet = sheet_ref(&code, item, fy, &f.version)?;
    s.app.run(&staff.actor(), MoveSheet { sheet, transition: Transition::Submit, grades: Vec::new() }).await?;
    Ok(done(&code, item, fy, &f.back, "submit"))
}

async fn approve(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(item), Fy(fy))): Params<(CityCode, Id, Fy)>,
    Form(f): Form<ApproveForm>,
) -> Result<Response, AppError> {
    let sheet = sheet_ref(&code, item, fy, &f.version)?;
    let grades = f.head_grades().map_err(|field| {
        AppError::Invalid(format!("評価の欄「{field}」を読み取れません。画面を開き直してください。"))
    })?;
    s.app.run(&staff.actor(), MoveSheet { sheet, transition: Transition::Approve, grades }).await?;
    Ok(done(&code, item, fy, &f.back, "approve"))
}

async fn return_sheet(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(item), Fy(fy))): Params<(CityCode, Id, Fy)>,
    Form(f): Form<ActionForm>,
) -> Result<Response, AppError> {
    let sheet = sheet_ref(&code, item, fy, &f.version)?;
    match s.app.run(&staff.actor(), ReturnSheet { sheet, comment: f.comment.clone() }).await {
        Ok(()) => Ok(done(&code, item, fy, &f.back, "return")),
        Err(CommandError::Invalid { message, .. }) => {
            let form =
                FormState { return_comment: f.comment.clone(), return_error: Some(message), ..Default::default() };
            invalid_page(&s, &staff, &code, item, fy, &form).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The workflow page again, with the messages next to the fields (422).
async fn invalid_page(
    s: &AppState,
    staff: &Staff,
    code: &CityCode,
    item: i64,
    fy: FiscalYear,
    form: &FormState,
) -> Result<Response, AppError> {
    let ctx = load(s, staff, code, item, fy).await?;
    let page = render_page(s, staff, &ctx, None, form).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

async fn review(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(item), Fy(fy))): Params<(CityCode, Id, Fy)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let f = ReviewForm::from_pairs(pairs);
    let command = ReviewSheet {
        sheet: sheet_ref(&code, item, fy, &f.version)?,
        stage: f.stage.clone(),
        evaluator: f.evaluator.clone(),
        grade: f.grade.clone(),
        comment: f.comment.clone(),
        slots: f.slots.clone(),
    };
    match s.app.run(&staff.actor(), command).await {
        Ok(()) => Ok(done(&code, item, fy, &f.back, "review")),
        Err(CommandError::Invalid { field, message }) => {
            let field = match field.as_deref() {
                Some("stage") => "stage",
                Some("evaluator") => "evaluator",
                Some("comment") => "comment",
                _ => "grade",
            };
            let form = FormState { review: f, review_error: Some((field, message)), ..Default::default() };
            invalid_page(&s, &staff, &code, item, fy, &form).await
        }
        Err(e) => Err(e.into()),
    }
}
