//! Editing a sheet: the form, and saving it through the application's
//! `SaveSheet` command.
//!
//! The handler reads the person's input into a typed draft, a
//! `hyoka_core::sheet::draft::SheetDraft` (422 with the messages next to
//! the fields when it cannot be saved); the command claims
//! the next version, writes, and records the history. A save from an older
//! version, or of a sheet that cannot change now, writes nothing and
//! returns the form with the person's input and a comparison (409).

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hyoka_app::sheet::draft::{
    self, cost_note_slots, grade_scale, indicator_years, may_write, other_slots, slot_label,
};
use hyoka_app::sheet::{ChildData, IndicatorData, SaveSheet, SheetContent, SheetContext};
use hyoka_app::CommandError;
use hyoka_core::access::Action;
use hyoka_core::layout::{LayoutSection, SectionKind};
use hyoka_core::sheet::draft::{money_text, read_form, set_budget, BudgetField, FieldErrors, FieldKey, SheetDraft};
use hyoka_core::sheet::merge::{base_of, merge};
use hyoka_core::sheet::FISCAL_MONTHS;
use hyoka_core::{BudgetFigures, NextDirection, ValueRole, Yen};
use hyoka_store::ReturnNote;
use maud::{html, Markup};

use super::checks::{flag_section, sheet_flags, Checked};
use super::conflict::comparison;
use super::sheet::{status_line, warning_list, warnings};
use super::{context, crumbs};
use crate::http::{AppError, CityCode, Form, Fy, Id, Params, Staff};
use crate::ui::format::jst;
use crate::ui::markup::{lines, narrative};
use crate::ui::shell::staff_page;
use crate::AppState;
use hyoka_app::check::FlagEntry;

/// Blank schedule rows offered for adding.
const SPARE_SCHEDULE_ROWS: usize = 2;

const CONFLICT_MESSAGE: &str = "他の人が先に保存しました。あなたの入力は失われていません。下の比較で、現在の保存内容とあなたの入力を確かめてから、もう一度保存してください。";

pub(crate) async fn form(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(item), Fy(fy))): Params<(CityCode, Id, Fy)>,
) -> Result<Response, AppError> {
    let ctx = context(&s.store, &staff, &code, item, fy, Action::Edit).await?;
    if let Some(r) = ctx.edit_refusal() {
        return Err(AppError::Conflict(r));
    }
    let content = SheetContent::load(&s.store, &ctx).await?;
    let stored = draft::stored(&ctx, &content, &staff.actor());
    let choices = transfer_choices(&s.store, &ctx).await?;
    let view = FormView {
        values: &stored,
        version: ctx.version,
        base: base_of(&stored),
        errors: &FieldErrors::new(),
        returned: ctx.return_note(&s.store).await?,
    };
    let flags = sheet_flags(&s, &ctx).await?;
    Ok(render_form(&staff, &ctx, &content, &choices, &view, None, &flags).into_response())
}

pub(crate) async fn save(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(item), Fy(fy))): Params<(CityCode, Id, Fy)>,
    Form(raw): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let form: BTreeMap<String, String> = raw.into_iter().collect();
    let ctx = context(&s.store, &staff, &code, item, fy, Action::Edit).await?;
    let version: i64 = form.get("version").and_then(|v| v.trim().parse().ok()).ok_or_else(|| {
        AppError::Invalid("フォームの版（version）が送信されていません。調査票を開き直してください。".into())
    })?;
    let base = form.get("base").cloned().unwrap_or_default();
    let content = SheetContent::load(&s.store, &ctx).await?;
    let stored = draft::stored(&ctx, &content, &staff.actor());
    let (mine, errors) = read_form(&stored, &form, &draft::rules(&ctx, &content));
    // Submitted, locked or saved by someone else meanwhile: nothing is
    // written, and the person's input comes back with the reason.
    if version != ctx.version || ctx.edit_refusal().is_some() {
        return conflict(&s, &staff, ctx, content, &mine, &base, &errors).await;
    }
    if !errors.is_empty() {
        let choices = transfer_choices(&s.store, &ctx).await?;
        let returned = ctx.return_note(&s.store).await?;
        let view = FormView { values: &mine, version, base, errors: &errors, returned };
        let flags = sheet_flags(&s, &ctx).await?;
        let page = render_form(&staff, &ctx, &content, &choices, &view, None, &flags);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let command =
        SaveSheet { municipality: code.0.clone(), item_id: item, fiscal_year: fy, version, draft: mine.clone() };
    match s.app.run(&staff.actor(), command).await {
        Ok(hyoka_app::sheet::Saved::Changed) => Ok(Redirect::to(&format!("{}?saved=1", ctx.href())).into_response()),
        Ok(hyoka_app::sheet::Saved::Unchanged) => Ok(Redirect::to(&format!("{}?saved=0", ctx.href())).into_response()),
        Err(CommandError::Stale | CommandError::Conflict(_)) => {
            let ctx = context(&s.store, &staff, &code, item, fy, Action::Edit).await?;
            let content = SheetContent::load(&s.store, &ctx).await?;
            conflict(&s, &staff, ctx, content, &mine, &base, &errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The form again after a refused save: merged values, the current
/// version, and the comparison. Status 409.
async fn conflict(
    s: &AppState,
    staff: &Staff,
    ctx: SheetContext,
    content: SheetContent,
    mine: &SheetDraft,
    base: &str,
    errors: &FieldErrors,
) -> Result<Response, AppError> {
    let theirs = draft::stored(&ctx, &content, &staff.actor());
    let (merged, differences) = merge(&ctx.layout, base, &theirs, mine);
    let choices = transfer_choices(&s.store, &ctx).await?;
    let updated = match (&ctx.updated_at, &ctx.updated_by) {
        (Some(at), Some(by)) => format!("現在の保存内容: 第{}版（{}、{}）", ctx.version, jst(at), by),
        (Some(at), None) => format!("現在の保存内容: 第{}版（{}）", ctx.version, jst(at)),
        _ => format!("現在の保存内容: 第{}版", ctx.version),
    };
    let refusal = ctx.edit_refusal();
    let notice = html! {
        div class="error" role="alert" {
            @match &refusal {
                Some(r) => {
                    p { strong { (r) } }
                    p { "保存はしていません。あなたの入力は下のフォームに残っています。必要な内容は控えてください。" }
                }
                None => {
                    p { strong { (CONFLICT_MESSAGE) } }
                    @if differences.is_empty() { p { "あなたの入力は現在の保存内容と同じです。" } }
                }
            }
        }
        @if !differences.is_empty() { (comparison(&differences, &updated)) }
    };
    let view = FormView {
        values: &merged,
        version: ctx.version,
        base: base_of(&theirs),
        errors,
        returned: ctx.return_note(&s.store).await?,
    };
    let flags = sheet_flags(s, &ctx).await?;
    let page = render_form(staff, &ctx, &content, &choices, &view, Some(notice), &flags);
    Ok((StatusCode::CONFLICT, page).into_response())
}

/// What the form shows: values, the version and base it carries, messages.
struct FormView<'a> {
    values: &'a SheetDraft,
    version: i64,
    base: String,
    errors: &'a FieldErrors,
    /// Why the sheet was sent back, while it is 差戻し.
    returned: Option<ReturnNote>,
}

fn field_id(key: &str) -> String {
    format!("f-{}", key.replace('.', "-"))
}

/// A message under a field, linked by `aria-describedby`.
fn error_for(view: &FormView, key: &str) -> Markup {
    html! {
        @if let Some(e) = view.errors.get(key) {
            p class="error" id={ (field_id(key)) "-error" } { (e) }
        }
    }
}

fn described_by(view: &FormView, key: &str, extra: Option<&str>) -> Option<String> {
    let mut ids: Vec<String> = extra.map(str::to_string).into_iter().collect();
    if view.errors.contains_key(key) {
        ids.push(format!("{}-error", field_id(key)));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

fn text_input(view: &FormView, key: &str, label: &str, hidden_label: bool, class: Option<&str>) -> Markup {
    let id = field_id(key);
    html! {
        @if hidden_label { label for=(id) class="sr-only" { (label) } } @else { label for=(id) { (label) } }
        input type="text" id=(id) name=(key) value=(view.values.get(key)) class=[class]
            aria-invalid=[view.errors.contains_key(key).then_some("true")]
            aria-describedby=[described_by(view, key, None)];
        (error_for(view, key))
    }
}

fn textarea(view: &FormView, key: &str, label: &str, help: Option<&str>) -> Markup {
    let id = field_id(key);
    let value = view.values.get(key);
    // Tall enough for the text: a line holds about 45 full-width characters.
    let rows = (value.lines().map(|l| l.chars().count().div_ceil(45).max(1)).sum::<usize>() + 1).clamp(3, 30);
    html! {
        p {
            label for=(id) { (label) } br;
            textarea id=(id) name=(key) rows=(rows)
                aria-invalid=[view.errors.contains_key(key).then_some("true")]
                aria-describedby=[described_by(view, key, help)] { (value) }
            (error_for(view, key))
        }
    }
}

fn render_form(
    staff: &Staff,
    ctx: &SheetContext,
    content: &SheetContent,
    choices: &[(i64, String)],
    view: &FormView,
    notice: Option<Markup>,
    flags: &[FlagEntry],
) -> Markup {
    let refusal = ctx.edit_refusal();
    let head = draft::writes_head_parts(&staff.actor(), ctx);
    let first_schedule =
        ctx.layout.sections.iter().position(|s| matches!(s.kind, SectionKind::Schedule | SectionKind::StaffHours));
    let warnings = warnings(ctx, content);
    let mut crumbs = crumbs(ctx);
    crumbs.push(("編集".into(), format!("{}/edit", ctx.href())));
    let body = html! {
        @if let Some(n) = notice { (n) }
        @if !view.errors.is_empty() {
            div class="error" role="alert" {
                p { "保存できませんでした。次の項目を確かめてください。" }
                ul { @for (key, e) in view.errors { li { a href={ "#" (field_id(key)) } { (e) } } } }
            }
        }
        @if let Some(r) = &refusal { p class="error" role="alert" { (r) } }
        @if let Some(n) = &view.returned {
            div class="warn" {
                p { strong { "差戻しの理由" } "（" (jst(&n.at)) @if let Some(by) = &n.by { "、" (by) } "）" }
                p { (lines(&n.comment)) }
            }
        }
        (status_line(ctx))
        @if !warnings.is_empty() { (warning_list(&warnings)) }
        // The checks of what is stored; while the person types, sheet.js
        // replaces them with those of the input (checks::draft).
        div id="draft-checks" aria-live="polite" { (flag_section(content, flags, None, Checked::Stored)) }
        form method="post" action={ (ctx.href()) "/edit" } id="sheet-form" data-judge-url={ "/m/" (ctx.code) "/judge" }
            data-checks-url={ (ctx.href()) "/checks/draft" } {
            input type="hidden" name="_csrf" value=(staff.csrf);
            input type="hidden" name="version" value=(view.version);
            input type="hidden" name="base" value=(view.base);
            div id="markup-help" class="note" {
                p { "記述欄の書き方: 1行が1段落です。行頭に「- 」を付けた行は箇条書きになります。"
                    "「**強調したい語**」は太字に、「[表示する文字](https://…)」はリンクになります（http・https・mailto のみ）。" }
                p { "Word や Excel から貼り付けた文字は保存時に整えます: 改行コード、見えない文字、タブ、行末と字下げの空白を取り除き、"
                    "「・」「●」などで始まる行は箇条書きにします。" }
            }
            @for (i, section) in ctx.layout.sections.iter().enumerate() {
                @match section.kind {
                    SectionKind::Narratives => (narrative_fields(ctx, content, view, section, head)),
                    SectionKind::Indicators => (indicator_fields(ctx, content, view, &section.label)),
                    SectionKind::Budget => (budget_fields(ctx, content, view, &section.label)),
                    SectionKind::Cost => (cost_fields(ctx, content, view, &section.label)),
                    SectionKind::Schedule | SectionKind::StaffHours => {
                        @if first_schedule == Some(i) { (schedule_fields(ctx, view, &section.label)) }
                    }
                    SectionKind::Grades => (grade_fields(ctx, content, view, section, head)),
                    SectionKind::Direction => (direction_fields(ctx, content, view, &section.label, choices)),
                    SectionKind::Children => (children_fields(ctx, content, view, section)),
                    SectionKind::Roadmap => (roadmap_fields(ctx, content, view, &section.label)),
                }
            }
            @let others = other_slots(ctx, content);
            @if !others.is_empty() {
                section aria-labelledby="others-heading" {
                    h2 id="others-heading" { "その他の記載" }
                    @for f in view.values.list.iter().filter(|f| matches!(&f.key, FieldKey::Narrative { slot, .. } if others.contains(slot))) {
                        (textarea(view, &f.name, &f.label, Some("markup-help")))
                    }
                }
            }
            p {
                @if refusal.is_none() { button type="submit" class="primary" { "保存する" } " " }
                a href=(ctx.href()) { "保存せずに調査票に戻る" }
            }
        }
        script src="/static/sheet.js" defer {}
    };
    staff_page(staff.bar(), &format!("編集: {}（{}）", ctx.title(), ctx.fy.label()), &crumbs, body)
}

fn narrative_fields(
    ctx: &SheetContext,
    content: &SheetContent,
    view: &FormView,
    section: &LayoutSection,
    head: bool,
) -> Markup {
    html! {
        section aria-labelledby={ "s-" (section.key) } {
            h2 id={ "s-" (section.key) } { (section.label) }
            @for slot in &section.slots {
                @if may_write(slot.writer, head) {
                    @for f in view.values.list.iter().filter(|f| matches!(&f.key, FieldKey::Narrative { slot: s, .. } if *s == slot.code)) {
                        (textarea(view, &f.name, &f.label, Some("markup-help")))
                    }
                } @else {
                    // The review board's parts, for reading alongside.
                    @for (_, n) in content.narratives_of(ctx.fy).filter(|(_, n)| n.slot == slot.code) {
                        h3 { (slot_label(&ctx.layout, &slot.code, Some(&n.label))) span class="badge" { "審査で記入" } }
                        (narrative(&n.text))
                    }
                }
            }
        }
    }
}

fn indicator_fields(ctx: &SheetContext, content: &SheetContent, view: &FormView, heading: &str) -> Markup {
    html! {
        section aria-labelledby="s-indicators" {
            h2 id="s-indicators" { (heading) }
            p class="note" id="cell-help" {
                "目標・実績は記載どおりの表記で入力してください（例: 3,800件、80台以下、維持、—）。空欄は「値なし」で、0 とは区別されます。"
                "判定は目標と実績から計算します。計算と異なる判定にするときは、上書きする判定と理由を入力してください。"
            }
            @if content.indicators.is_empty() { p class="note" { "この調査票に指標はありません。" } }
            @for ind in &content.indicators { (indicator_form_block(ctx, ind, view, 3)) }
        }
    }
}

/// One indicator's cells by year: inputs where the draft has the field,
/// the stored text elsewhere.
fn indicator_form_block(ctx: &SheetContext, ind: &IndicatorData, view: &FormView, level: u8) -> Markup {
    let l = &ctx.layout;
    let reference_cell = ind.reference(ctx.fy).map(|c| c.printed().to_string());
    html! {
                @if level == 3 { h3 id={ "indicator-" (ind.record.id) } { (ind.record.name) } }
                @else { h4 id={ "indicator-" (ind.record.id) } { (ind.record.name) } }
                // The plan node it names (三島市: 【行政改革大綱における取組事項名】).
                @if let Some(r) = &ind.related {
                    p class="related-node" { "【" (l.label("indicator.related")) "】" (r.printed()) }
                }
                p class="note" {
                    "方向: " (ind.record.direction.label())
                    @if let Some(u) = &ind.record.unit { "　単位: " (u) }
                    "　判定の区分: " (ind.vocabulary.name)
                }
                div class="table-scroll" tabindex="0" role="group" aria-label="表（横にスクロールできます）" {
                    table {
                        caption class="sr-only" { (ind.record.name) "の年度別の目標と実績" }
                        thead { tr {
                            th scope="col" { "年度" }
                            th scope="col" { (l.label("indicator.baseline")) }
                            th scope="col" { (l.label("indicator.target")) }
                            th scope="col" { (l.label("indicator.actual")) }
                            th scope="col" { (l.label("indicator.judgement")) "（計算）" }
                            th scope="col" { (l.label("indicator.judgement")) "の上書きと理由" }
                        } }
                        tbody {
                            @for y in indicator_years(&ind.values, ctx.fy) {
                                @let base = format!("i.{}.{}", ind.record.id, y.year());
                                @let stored_cell = |role: ValueRole| ind.values.iter().find(|v| v.fiscal_year == y && v.role == role).map(|v| v.cell.printed().to_string()).unwrap_or_default();
                                @let editable_actual = view.values.has(&format!("{base}.a"));
                                @let computed = ind.judgement(y).computed;
                                tr data-judge="" data-direction=(ind.record.direction.code()) data-vocabulary=(ind.vocabulary.code)
                                    data-reference=[reference_cell.as_deref()] {
                                    th scope="row" { (y.label()) }
                                    td { (stored_cell(ValueRole::Baseline)) }
                                    td {
                                        @if view.values.has(&format!("{base}.t")) {
                                            (cell_input(view, &format!("{base}.t"), &format!("{} {} {}", l.label("indicator.target"), y.label(), ind.record.name), "target"))
                                        } @else { (stored_cell(ValueRole::Target)) }
                                    }
                                    td {
                                        @if editable_actual {
                                            (cell_input(view, &format!("{base}.a"), &format!("{} {} {}", l.label("indicator.actual"), y.label(), ind.record.name), "actual"))
                                        } @else { (stored_cell(ValueRole::Actual)) }
                                    }
                                    td {
                                        output data-role="computed" aria-live="polite" id={ (field_id(&base)) "-computed" } {
                                            (computed.unwrap_or_default())
                                        }
                                    }
                                    td {
                                        @if editable_actual {
                                            @let jk = format!("{base}.j");
                                            @let rk = format!("{base}.r");
                                            label for=(field_id(&jk)) class="sr-only" { (l.label("indicator.judgement")) "の上書き " (y.label()) " " (ind.record.name) }
                                            select id=(field_id(&jk)) name=(jk) data-role="stated"
                                                aria-invalid=[view.errors.contains_key(&jk).then_some("true")]
                                                aria-describedby=[described_by(view, &jk, None)] {
                                                option value="" selected[view.values.get(&jk).is_empty()] { "上書きしない" }
                                                @for label in ind.vocabulary.labels() {
                                                    option value=(label) selected[view.values.get(&jk) == label] { (label) }
                                                }
                                            }
                                            (error_for(view, &jk))
                                            br;
                                            (text_input(view, &rk, &format!("上書きの理由 {} {}", y.label(), ind.record.name), true, None))
                                        } @else {
                                            @if let Some(j) = ind.judgements.iter().find(|j| j.fiscal_year == y) {
                                                (j.judgement.effective().unwrap_or_default())
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
    }
}

/// The rows of a child-row section: each item beneath the sheet's with its
/// fields where the person may write them, its stored text elsewhere.
fn children_fields(ctx: &SheetContext, content: &SheetContent, view: &FormView, section: &LayoutSection) -> Markup {
    let Some(rows) = &section.children else { return html! {} };
    let l = &ctx.layout;
    let children: Vec<&ChildData> =
        content.children.iter().filter(|c| rows.item_kinds.contains(&c.item.kind)).collect();
    html! {
        section aria-labelledby={ "s-" (section.key) } {
            h2 id={ "s-" (section.key) } { (section.label) }
            @if children.is_empty() { p class="note" { "（該当する項目はありません）" } }
            @for child in children {
                @let id = child.item.id;
                @let row = format!("{} {}", child.item.code, child.item.title);
                div class="child-row" {
                    h3 { span class="code" { (child.item.code) } " " (child.item.title) }
                    @if !child.item.tags.is_empty() { p class="note" { "区分: " (child.item.tags.join("・")) } }
                    @for slot in &rows.slots {
                        @let fields: Vec<_> = view.values.list.iter().filter(|f| matches!(f.key.as_child(), Some((i, FieldKey::Narrative { slot: s, .. })) if i == id && *s == slot.code)).collect();
                        @if fields.is_empty() {
                            h4 { (slot.label) }
                            @let texts: Vec<_> = child.narratives_of(ctx.fy).filter(|(_, n)| n.slot == slot.code).map(|(_, n)| n).collect();
                            @if texts.is_empty() { p class="note" { "（未記入）" } }
                            @for n in texts { (narrative(&n.text)) }
                        }
                        @for f in fields { (textarea(view, &f.name, &f.label, Some("markup-help"))) }
                    }
                    @for g in &rows.grades {
                        @let gk = FieldKey::child(id, FieldKey::Grade { stage: g.stage, evaluator: g.evaluator }).to_string();
                        @if view.values.has(&gk) {
                            @let scale = grade_scale(content, &g.scale);
                            p {
                                label for=(field_id(&gk)) { (row) " " (g.label) } br;
                                select id=(field_id(&gk)) name=(gk) aria-invalid=[view.errors.contains_key(&gk).then_some("true")]
                                    aria-describedby=[described_by(view, &gk, None)] {
                                    option value="" selected[view.values.get(&gk).is_empty()] { "（未評価）" }
                                    @if let Some(s) = &scale {
                                        @for grade in &s.grades {
                                            option value=(grade.code) selected[view.values.get(&gk) == grade.code] {
                                                (grade.code) @if grade.label != grade.code { " " (grade.label) }
                                            }
                                        }
                                    }
                                }
                                (error_for(view, &gk))
                            }
                        } @else {
                            @let e = child.evaluations.iter().find(|e| e.fiscal_year == ctx.fy && e.stage == g.stage && e.evaluator == g.evaluator);
                            p { (g.label) ": " @match e.and_then(|e| e.grade.clone()) { Some(v) => (v), None => span class="note" { "（未評価）" } } }
                        }
                    }
                    @let dk = FieldKey::child(id, FieldKey::Direction).to_string();
                    @if rows.direction && view.values.has(&dk) {
                        @let rk = FieldKey::child(id, FieldKey::DirectionReason).to_string();
                        @let tk = FieldKey::child(id, FieldKey::Transfer).to_string();
                        p {
                            label for=(field_id(&dk)) { (row) " " (l.label("direction.direction")) } br;
                            select id=(field_id(&dk)) name=(dk) {
                                option value="" selected[view.values.get(&dk).is_empty()] { "未定" }
                                @for (value, label) in direction_choices(content) {
                                    option value=(value) selected[view.values.get(&dk) == value] { (label) }
                                }
                            }
                            (error_for(view, &dk))
                        }
                        (textarea(view, &rk, &format!("{row} {}", l.label("direction.reason")), None))
                        (text_input(view, &tk, &format!("{row} {}", l.label("direction.transfer")), false, None))
                    }
                    @if rows.indicators { @for ind in &child.indicators { (indicator_form_block(ctx, ind, view, 4)) } }
                    @if rows.schedule && view.values.has(&format!("c{id}.s.writable")) {
                        @let existing: Vec<usize> = {
                            let mut v: Vec<usize> = view.values.list.iter().filter_map(|f| match f.key.as_child() {
                                Some((i, FieldKey::Schedule { row, .. })) if i == id && *row != usize::MAX => Some(*row),
                                _ => None,
                            }).collect();
                            v.dedup();
                            v
                        };
                        h4 { "スケジュール（" (child.item.code) " " (child.item.title) "）" }
                        (schedule_table(ctx, view, &format!("c{id}."), &existing, &row))
                    }
                }
            }
        }
    }
}

fn cell_input(view: &FormView, key: &str, label: &str, role: &str) -> Markup {
    let id = field_id(key);
    html! {
        label for=(id) class="sr-only" { (label) }
        input type="text" id=(id) name=(key) value=(view.values.get(key)) size="12" data-role=(role)
            aria-describedby=[described_by(view, key, Some("cell-help"))];
        (error_for(view, key))
    }
}

fn budget_fields(ctx: &SheetContext, content: &SheetContent, view: &FormView, heading: &str) -> Markup {
    let l = &ctx.layout;
    let unit = l.money_unit;
    let figures = typed_figures(ctx, content, view);
    let rate = figures.execution_rate().map(|r| r.to_string()).unwrap_or_default();
    let earlier: Vec<_> = content.budgets.iter().filter(|b| b.fiscal_year != ctx.fy).collect();
    html! {
        section id="budget" aria-labelledby="s-budget" {
            h2 id="s-budget" { (heading) }
            p class="note" id="budget-help" {
                (ctx.fy.label()) "の金額を" (unit.label()) "単位で入力してください（例: 7,368）。"
                @if unit.factor() > 1 { "端数のある金額は「10,838,997円」のように円を付けて入力できます。" }
                "執行率は 決算額÷予算額（補正後、なければ当初）で計算します。"
            }
            div class="table-scroll" tabindex="0" role="group" aria-label="表（横にスクロールできます）" {
                table data-budget="" data-factor=(unit.factor()) {
                    caption class="sr-only" { (ctx.fy.label()) "の予算と決算（" (unit.label()) "）" }
                    thead { tr { th scope="col" { "項目" } th scope="col" { (ctx.fy.label()) "（" (unit.label()) "）" } } }
                    tbody {
                        @for field in BudgetField::BUDGET {
                            @let key = format!("b.{}", field.code());
                            @let label_key = field.label_key();
                            tr {
                                th scope="row" { label for=(field_id(&key)) { (l.label(label_key)) } }
                                td {
                                    input type="text" inputmode="numeric" id=(field_id(&key)) name=(key) value=(view.values.get(&key))
                                        size="14" data-budget-field=(field.code())
                                        aria-invalid=[view.errors.contains_key(&key).then_some("true")]
                                        aria-describedby=[described_by(view, &key, Some("budget-help"))];
                                    (error_for(view, &key))
                                }
                            }
                        }
                        tr {
                            th scope="row" { (l.label("budget.rate")) "（計算）" }
                            td class="num" { output id="budget-rate" aria-live="polite" { (rate) } }
                        }
                    }
                }
            }
            @for w in figures.warnings() { p class="warn" { (w) } }
            // The form's notes on its costs (三島市's ※…), with the budget as printed.
            @let notes = cost_note_slots(ctx, content);
            @for f in view.values.list.iter().filter(|f| matches!(&f.key, FieldKey::Narrative { slot, .. } if notes.contains(slot))) {
                (textarea(view, &f.name, &f.label, Some("markup-help")))
            }
            @if !earlier.is_empty() {
                details {
                    summary { "他の年度の予算・決算（" (unit.label()) "）" }
                    div class="table-scroll" tabindex="0" role="group" aria-label="表（横にスクロールできます）" {
                        table {
                            thead { tr {
                                th scope="col" { "年度" }
                                @for f in BudgetField::BUDGET { th scope="col" { (l.label(f.label_key())) } }
                            } }
                            tbody { @for b in &earlier { tr {
                                th scope="row" { (b.fiscal_year.label()) }
                                @for f in BudgetField::BUDGET {
                                    td class="num" { (b.figures.amount(f).map(|y| money_text(y, unit)).unwrap_or_default()) }
                                }
                            } } }
                        }
                    }
                }
            }
        }
    }
}

/// The year's stored figures with what the form holds laid over them (a
/// line that does not read is blank).
fn typed_figures(ctx: &SheetContext, content: &SheetContent, view: &FormView) -> BudgetFigures {
    let stored = content.budgets.iter().find(|b| b.fiscal_year == ctx.fy);
    let mut figures = stored.map(|b| b.figures.clone()).unwrap_or_default();
    for &field in BudgetField::ALL {
        let key = format!("b.{}", field.code());
        if set_budget(field, &mut figures, view.values.get(&key), ctx.layout.money_unit).is_err() {
            let _ = set_budget(field, &mut figures, "", ctx.layout.money_unit);
        }
    }
    figures
}

/// 財源内訳, 従事時間 × 単価 = 人件費 and トータルコスト of the year, with
/// what follows from them computed beside the printed figures.
fn cost_fields(ctx: &SheetContext, content: &SheetContent, view: &FormView, heading: &str) -> Markup {
    let l = &ctx.layout;
    let unit = l.money_unit;
    let figures = typed_figures(ctx, content, view);
    let shown = |y: Option<Yen>| y.map(|y| money_text(y, unit)).unwrap_or_default();
    html! {
        section id="cost" aria-labelledby="s-cost" {
            h2 id="s-cost" { (heading) }
            p class="note" id="cost-help" {
                (ctx.fy.label()) "の財源内訳・人件費・トータルコストを" (unit.label()) "単位で入力してください。"
                "従事時間は全職員の年間の時間数（例: 1,234.5）、人件費単価は1時間あたりの円（例: 4,500）です。"
                "人件費とトータルコストは印刷どおりに入力し、計算した値と違えば点検で示します。"
            }
            div class="table-scroll" tabindex="0" role="group" aria-label="表（横にスクロールできます）" {
                table {
                    caption class="sr-only" { (ctx.fy.label()) "の財源内訳とコスト" }
                    thead { tr { th scope="col" { "項目" } th scope="col" { (ctx.fy.label()) } } }
                    tbody {
                        @for field in BudgetField::COST {
                            @let key = format!("b.{}", field.code());
                            tr {
                                th scope="row" { label for=(field_id(&key)) { (l.label(field.label_key())) } }
                                td {
                                    input type="text" inputmode="decimal" id=(field_id(&key)) name=(key) value=(view.values.get(&key))
                                        size="14" data-budget-field=(field.code())
                                        aria-invalid=[view.errors.contains_key(&key).then_some("true")]
                                        aria-describedby=[described_by(view, &key, Some("cost-help"))];
                                    (error_for(view, &key))
                                }
                            }
                        }
                        tr {
                            th scope="row" { (l.label("cost.personnel")) "（計算: 従事時間 × 単価）" }
                            td class="num" { (shown(figures.computed_personnel_cost())) }
                        }
                        tr {
                            th scope="row" { (l.label("cost.total")) "（計算: 事業費 + 人件費）" }
                            td class="num" { (shown(figures.computed_total_cost())) }
                        }
                    }
                }
            }
        }
    }
}

/// Blank 工程表 rows offered for adding.
const SPARE_ROADMAP_ROWS: usize = 2;

/// The 工程表: a row per 実施内容, per year column its 計画 and 実績, with
/// spare rows for adding, named `r.{row}.step` and `r.{row}.{year}.p` / `.a`.
fn roadmap_fields(ctx: &SheetContext, content: &SheetContent, view: &FormView, heading: &str) -> Markup {
    let l = &ctx.layout;
    let (_, years) = content.roadmap_of(ctx);
    let existing = view.values.roadmap_rows();
    let count = existing.len() + SPARE_ROADMAP_ROWS;
    let rows: Vec<Option<usize>> =
        existing.iter().copied().map(Some).chain(std::iter::repeat_n(None, SPARE_ROADMAP_ROWS)).collect();
    let (planned, actual) = (l.label("schedule.planned"), l.label("schedule.actual"));
    html! {
        section aria-labelledby="s-roadmap" {
            h2 id="s-roadmap" { (heading) }
            p class="note" {
                "実施内容ごとに、各年度の" (planned) "と" (actual) "を記載どおり（「→」「検討」「(二小)」など）に入力してください。"
                (planned) "と実施内容は翌年度に引き継がれ、" (actual) "は年度ごとに入力します。"
                "行を削除するには、その行の欄をすべて空にして保存します。下の空の行に入力すると行を追加できます。"
            }
            @if years.is_empty() {
                p { "（この様式には工程表の年度がありません）" }
            } @else {
                div class="scroll" tabindex="0" role="group" aria-label="表（横にスクロールできます）" {
                    table id="roadmap-table" {
                        caption class="sr-only" { (ctx.fy.label()) "の" (heading) "（全" (count) "行）" }
                        thead { tr {
                            th scope="col" { "行" } th scope="col" { "実施内容" }
                            @for y in &years { th scope="col" { (y.label()) } }
                        } }
                        tbody {
                            @for (n, source) in rows.iter().enumerate() {
                                @let get = |k: &str| source.map(|i| view.values.get(&format!("r.{i}.{k}")).to_string()).unwrap_or_default();
                                @let row = format!("{heading} {}行目", n + 1);
                                tr {
                                    th scope="row" { (n + 1) }
                                    td { textarea name={ "r." (n) ".step" } id=(field_id(&format!("r.{n}.step"))) rows="2" cols="24" aria-label={ (row) " 実施内容" } { (get("step")) } }
                                    @for y in &years {
                                        @let (p, a) = (format!("{}.p", y.year()), format!("{}.a", y.year()));
                                        td {
                                            label { (planned) " " input type="text" name={ "r." (n) "." (p) } id=(field_id(&format!("r.{n}.{p}"))) value=(get(&p)) size="8" aria-label={ (row) " " (y.label()) " " (planned) }; }
                                            br;
                                            label { (actual) " " input type="text" name={ "r." (n) "." (a) } id=(field_id(&format!("r.{n}.{a}"))) value=(get(&a)) size="8" aria-label={ (row) " " (y.label()) " " (actual) }; }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @for (_, e) in view.errors.iter().filter(|(k, _)| k.starts_with("r.")) { p class="error" { (e) } }
        }
    }
}

fn schedule_fields(ctx: &SheetContext, view: &FormView, heading: &str) -> Markup {
    html! {
        section aria-labelledby="s-schedule" {
            h2 id="s-schedule" { (heading) }
            p class="note" {
                "月の欄には「●」「→」「発行（12月）」などを記載どおりに入力してください。従事時間は「747H」のように入力します。"
                "行を削除するには、その行の欄をすべて空にして保存します。下の空の行に入力すると行を追加できます。"
            }
            (schedule_table(ctx, view, "", &view.values.schedule_rows(), &ctx.fy.label()))
        }
    }
}

/// The rows of one schedule with spare rows for adding, named
/// `{prefix}s.{row}.…` (a child row's schedule has the prefix `c{item}.`).
fn schedule_table(ctx: &SheetContext, view: &FormView, prefix: &str, existing: &[usize], caption: &str) -> Markup {
    let l = &ctx.layout;
    let count = existing.len() + SPARE_SCHEDULE_ROWS;
    // Rows are renumbered 0.. so a merged form and a fresh one read alike.
    let rows: Vec<Option<usize>> =
        existing.iter().copied().map(Some).chain(std::iter::repeat_n(None, SPARE_SCHEDULE_ROWS)).collect();
    let errors_prefix = format!("{prefix}s.");
    html! {
        div class="scroll" tabindex="0" role="group" aria-label="表（横にスクロールできます）" {
            table {
                caption class="sr-only" { (caption) "の月別スケジュールと従事時間（全" (count) "行）" }
                thead { tr {
                    th scope="col" { "行" } th scope="col" { "区分" } th scope="col" { "内容" }
                    @for m in FISCAL_MONTHS { th scope="col" { (m) } }
                    th scope="col" { "従事時間（" (l.label("hours.regular")) "）" }
                    th scope="col" { "従事時間（" (l.label("hours.other")) "）" }
                } }
                tbody {
                    @for (n, source) in rows.iter().enumerate() {
                        @let get = |k: &str| source.map(|i| view.values.get(&format!("{prefix}s.{i}.{k}")).to_string()).unwrap_or_default();
                        @let name = |k: &str| format!("{prefix}s.{n}.{k}");
                        @let row = format!("{caption} {}行目", n + 1);
                        tr {
                            th scope="row" { (n + 1) }
                            td {
                                select name=(name("kind")) aria-label={ (row) " 区分" } {
                                    option value="planned" selected[get("kind") != "actual"] { (l.label("schedule.planned")) }
                                    option value="actual" selected[get("kind") == "actual"] { (l.label("schedule.actual")) }
                                }
                            }
                            td { input type="text" name=(name("label")) value=(get("label")) aria-label={ (row) " 内容" } size="24"; }
                            @for (m, month) in FISCAL_MONTHS.iter().enumerate() {
                                td { input type="text" name=(name(&format!("m{m}"))) value=(get(&format!("m{m}"))) aria-label={ (row) " " (month) } size="4"; }
                            }
                            td { input type="text" name=(name("hr")) value=(get("hr")) aria-label={ (row) " 従事時間（" (l.label("hours.regular")) "）" } size="6"; }
                            td { input type="text" name=(name("ho")) value=(get("ho")) aria-label={ (row) " 従事時間（" (l.label("hours.other")) "）" } size="6"; }
                        }
                    }
                }
            }
        }
        @for (k, e) in view.errors.iter().filter(|(k, _)| k.starts_with(&errors_prefix)) { p class="error" id={ (field_id(k)) } { (e) } }
    }
}

fn grade_fields(
    ctx: &SheetContext,
    content: &SheetContent,
    view: &FormView,
    section: &LayoutSection,
    head: bool,
) -> Markup {
    html! {
        section aria-labelledby="s-grades" {
            h2 id="s-grades" { (section.label) }
            @for g in &section.grades {
                @let key = format!("{}.{}", g.stage.code(), g.evaluator.code());
                @let gk = format!("g.{key}");
                @let scale = grade_scale(content, &g.scale);
                @if may_write(g.writer, head) && view.values.has(&gk) {
                    p {
                        label for=(field_id(&gk)) { (g.label) } br;
                        select id=(field_id(&gk)) name=(gk)
                            aria-invalid=[view.errors.contains_key(&gk).then_some("true")]
                            aria-describedby=[described_by(view, &gk, None)] {
                            option value="" selected[view.values.get(&gk).is_empty()] { "（未評価）" }
                            @if let Some(s) = &scale {
                                @for grade in &s.grades {
                                    option value=(grade.code) selected[view.values.get(&gk) == grade.code] {
                                        (grade.code) @if grade.label != grade.code { " " (grade.label) }
                                    }
                                }
                            }
                        }
                        (error_for(view, &gk))
                    }
                    (textarea(view, &format!("gc.{key}"), &format!("{} 意見・理由", g.label), None))
                } @else {
                    @let e = content.evaluations.iter().find(|e| e.fiscal_year == ctx.fy && e.stage == g.stage && e.evaluator == g.evaluator);
                    p {
                        (g.label) ": "
                        @match e.and_then(|e| e.grade.clone()) { Some(v) => (v), None => span class="note" { "（未評価）" } }
                        " " span class="badge" { @if g.writer == hyoka_core::layout::Writer::Head { "課長・部長が記入" } @else { "審査で記入" } }
                    }
                }
            }
        }
    }
}

/// The directions a sheet offers: the city's own words when it has them
/// (admin → 評価の観点と方向性の語), else hyoka's. (value, label)
fn direction_choices(content: &SheetContent) -> Vec<(String, String)> {
    if content.vocabulary.directions.is_empty() {
        return NextDirection::ALL.iter().map(|d| (d.code().to_string(), d.label().to_string())).collect();
    }
    content.vocabulary.directions.iter().map(|w| (w.word.clone(), w.word.clone())).collect()
}

/// The sections a transfer may name, as the form suggests them: at most
/// [`hyoka_store::SECTION_CHOICES_MAX`], the item's departments first.
async fn transfer_choices(store: &hyoka_store::Store, ctx: &SheetContext) -> Result<Vec<(i64, String)>, AppError> {
    let (choices, _) =
        store.section_choices_capped(&ctx.code, Some(ctx.item.id), hyoka_store::SECTION_CHOICES_MAX).await?;
    Ok(choices)
}

fn direction_fields(
    ctx: &SheetContext,
    content: &SheetContent,
    view: &FormView,
    heading: &str,
    choices: &[(i64, String)],
) -> Markup {
    let l = &ctx.layout;
    let current = view.values.get("d.dir");
    let transfer = view.values.get("d.transfer");
    html! {
        section aria-labelledby="s-direction" {
            h2 id="s-direction" { (heading) }
            fieldset {
                legend { (l.label("direction.direction")) }
                @let options = std::iter::once((String::new(), "未定".to_string())).chain(direction_choices(content));
                @for (i, (value, label)) in options.enumerate() {
                    @let id = format!("f-d-dir-{i}");
                    input type="radio" id=(id) name="d.dir" value=(value) checked[current == value];
                    label for=(id) { (label) } " "
                }
                (error_for(view, "d.dir"))
            }
            (textarea(view, "d.reason", &format!("{}（{}）", l.label("direction.reason"), heading), None))
            p {
                label for="f-d-transfer" { (l.label("direction.transfer")) } br;
                input type="text" id="f-d-transfer" name="d.transfer" value=(transfer) list="transfer-sections"
                    autocomplete="off" aria-describedby="transfer-help";
                datalist id="transfer-sections" {
                    @for (_, name) in choices { option value=(name) {} }
                }
                span class="note" id="transfer-help" {
                    " 事業を他の課へ移す（事務移管）ときに「部 課」を入力します（候補は同じ部の課から最大"
                    (hyoka_store::SECTION_CHOICES_MAX) "件）。移管しないときは空欄にします。"
                }
            }
        }
    }
}
