//! A sheet, read-only, in its city's layout, with the warnings a person
//! should look at and the workflow panel.

use crate::http::Query;
use axum::extract::State;
use hyoka_app::sheet::draft::{cost_note_slots, indicator_years, other_slots, slot_label};
use hyoka_app::sheet::{ChildData, IndicatorData, SheetContent, SheetContext};
use hyoka_core::access::{authorize, Action, Target};
use hyoka_core::cost::rounding_tolerance;
use hyoka_core::judgement::Declared;
use hyoka_core::layout::{LayoutSection, MoneyInputUnit, SectionKind};
use hyoka_core::sheet::draft::{money_text, BudgetField};
use hyoka_core::sheet::FISCAL_MONTHS;
use hyoka_core::{BudgetFigures, ExecutionRate, IndicatorCell, Number, ValueRole, Yen};
use maud::{html, Markup};
use serde::Deserialize;

use super::checks::{flag_section, sheet_flags, Checked};
use super::{context, crumbs};
use crate::http::{AppError, CityCode, Fy, Id, Params, Staff};
use crate::ui::checks::{AckForms, RefusedAck};
use crate::ui::format::jst;
use crate::ui::markup::narrative;
use crate::ui::shell::staff_page;
use crate::AppState;

#[derive(Deserialize)]
pub(crate) struct ViewQuery {
    saved: Option<String>,
    checked: Option<String>,
}

pub(crate) async fn view(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(item), Fy(fy))): Params<(CityCode, Id, Fy)>,
    Query(q): Query<ViewQuery>,
) -> Result<Markup, AppError> {
    let done = match (q.saved.as_deref(), q.checked.as_deref()) {
        (Some("1"), _) => Some("保存しました。"),
        (Some("0"), _) => Some("変更はありませんでした。"),
        (_, Some("1")) => Some("指摘を確認済みにしました。理由は変更履歴に記録しました。"),
        (_, Some("0")) => Some("指摘を未確認に戻しました。"),
        _ => None,
    };
    view_page(&s, &staff, &code, item, fy, done, None).await
}

/// The sheet's page, with a refused acknowledgement by its flag when there
/// is one.
pub(crate) async fn view_page(
    s: &AppState,
    staff: &Staff,
    code: &CityCode,
    item: i64,
    fy: hyoka_core::FiscalYear,
    done: Option<&str>,
    refused: Option<&RefusedAck>,
) -> Result<Markup, AppError> {
    let ctx = context(&s.store, staff, code, item, fy, Action::View).await?;
    let content = SheetContent::load(&s.store, &ctx).await?;
    let panel = crate::staff::workflow::panel_for(s, staff, code, item, ctx.fy, &ctx.sections).await?;
    let may_edit =
        authorize(&staff.principal, Action::Edit, &Target { municipality: code.as_str(), sections: &ctx.sections });
    let refusal = ctx.edit_refusal();
    let warnings = warnings(&ctx, &content);
    let flags = sheet_flags(s, &ctx).await?;
    let forms = AckForms { base: format!("{}/checks", ctx.href()), csrf: &staff.csrf, refused, department: None };
    let body = html! {
        @if let Some(m) = done { p class="ok" role="status" { (m) } }
        @if let Some(r) = refused { p class="error" role="alert" { "入力内容を確認してください。" (r.message) } }
        (status_line(&ctx))
        @if !warnings.is_empty() { (warning_list(&warnings)) }
        (flag_section(&content, &flags, may_edit.then_some(&forms), Checked::Stored))
        p {
            @if may_edit && refusal.is_none() {
                a href={ (ctx.href()) "/edit" } { "この調査票を編集する" } " ｜ "
            }
            a href={ (ctx.href()) "/history" } { "変更履歴" }
            " ｜ "
            a href={ "/m/" (code) "/items/" (item) } { "事業の全年度" }
            (crate::ui::widgets::sheet_links(&ctx.href()))
        }
        @if may_edit { @if let Some(r) = &refusal { p class="note" { (r) } } }
        (panel)
        (render(&ctx, &content))
    };
    Ok(staff_page(staff.bar(), &format!("{}（{}）", ctx.title(), ctx.fy.label()), &crumbs(&ctx), body))
}

/// Status, version, last change, deadline and lock, in one row.
pub(crate) fn status_line(ctx: &SheetContext) -> Markup {
    let deadline = ctx.year.deadline.as_deref().map(|d| match hyoka_core::JpDate::parse(d) {
        Ok(date) => date.wareki(),
        Err(_) => d.to_string(),
    });
    html! {
        table class="sheet-status" {
            caption class="sr-only" { "調査票の状態" }
            thead { tr {
                th scope="col" { "様式" } th scope="col" { "状態" } th scope="col" { "版" } th scope="col" { "最終更新" }
                @if deadline.is_some() { th scope="col" { "提出期限" } }
            } }
            tbody { tr {
                td { (ctx.layout.name) }
                td {
                    span class="badge" { (ctx.status.label()) }
                    @if ctx.year.locked { " " strong { (ctx.fy.label()) "は確定済み（変更できません）" } }
                }
                td class="num" { (ctx.version) }
                td {
                    @match &ctx.updated_at {
                        Some(at) => { (jst(at)) @if let Some(by) = &ctx.updated_by { "（" (by) "）" } }
                        None => span class="note" { "—" },
                    }
                }
                @if let Some(d) = &deadline { td { (d) } }
            } }
        }
    }
}

/// Something on the sheet that does not add up; shown, never refused.
pub(crate) struct Warning {
    pub anchor: String,
    pub text: String,
}

pub(crate) fn warning_list(warnings: &[Warning]) -> Markup {
    html! {
        section class="warn" aria-labelledby="warnings-heading" {
            h2 id="warnings-heading" { "確認してください（" (warnings.len()) "件）" }
            p { "数値が食い違っている箇所があります。保存はできますが、内容を確かめてください。" }
            ul { @for w in warnings { li { a href={ "#" (w.anchor) } { (w.text) } } } }
        }
    }
}

fn indicator_anchor(ind: &IndicatorData) -> String {
    format!("indicator-{}", ind.record.id)
}

/// Every disagreement on the sheet.
pub(crate) fn warnings(ctx: &SheetContext, content: &SheetContent) -> Vec<Warning> {
    let mut out = Vec::new();
    if ctx.layout.has(SectionKind::Indicators) || !content.indicators.is_empty() {
        for ind in &content.indicators {
            for y in indicator_years(&ind.values, ctx.fy) {
                let j = ind.judgement(y);
                if let Some(d) = j.disagreement() {
                    out.push(Warning {
                        anchor: indicator_anchor(ind),
                        text: format!(
                            "指標「{}」の{}の判定「{}」は、目標と実績から計算した「{}」と異なります",
                            ind.record.name,
                            y.label(),
                            d.stated,
                            d.computed
                        ),
                    });
                }
                for role in [ValueRole::Target, ValueRole::Actual] {
                    if let Some(c) = ind.cell(y, role).filter(|c| !c.is_understood()) {
                        out.push(Warning {
                            anchor: indicator_anchor(ind),
                            text: format!(
                                "指標「{}」の{}の{}「{}」を読み取れません（判定を計算できません）",
                                ind.record.name,
                                y.label(),
                                role.label(),
                                c.printed()
                            ),
                        });
                    }
                }
            }
        }
    }
    for b in &content.budgets {
        for w in b.figures.warnings() {
            out.push(Warning { anchor: "budget".into(), text: format!("{}の予算: {w}", b.fiscal_year.label()) });
        }
        if let (Some(printed), Some(computed)) =
            (b.execution_rate_printed.as_deref().and_then(ExecutionRate::parse), b.figures.execution_rate())
        {
            if printed != computed {
                out.push(Warning {
                    anchor: "budget".into(),
                    text: format!(
                        "{}の執行率の記載（{printed}）が、決算額÷予算額の計算値（{computed}）と異なります",
                        b.fiscal_year.label()
                    ),
                });
            }
        }
        if let (Some(s), Some(budget), c) = (b.figures.settlement, b.figures.effective_budget(), b.figures.carried_over)
        {
            if let Some(c) = c.filter(|c| c.yen() > 0) {
                if s.yen() + c.yen() > budget.yen() {
                    out.push(Warning {
                        anchor: "budget".into(),
                        text: format!(
                            "{}の決算額と繰越明許の合計が予算額を上回っています（合計が合いません）",
                            b.fiscal_year.label()
                        ),
                    });
                }
            }
        }
    }
    out
}

/// The sheet's sections in the layout's order, then anything stored that
/// the layout has no place for.
pub(crate) fn render(ctx: &SheetContext, content: &SheetContent) -> Markup {
    let first_schedule =
        ctx.layout.sections.iter().position(|s| matches!(s.kind, SectionKind::Schedule | SectionKind::StaffHours));
    let others = other_slots(ctx, content);
    let layout_grades: Vec<_> = ctx.layout.grade_slots().collect();
    let other_grades: Vec<_> = content
        .evaluations
        .iter()
        .filter(|e| e.fiscal_year == ctx.fy)
        .filter(|e| !layout_grades.iter().any(|g| g.stage == e.stage && g.evaluator == e.evaluator))
        .collect();
    html! {
        @for (i, section) in ctx.layout.sections.iter().enumerate() {
            @match section.kind {
                SectionKind::Narratives => (narrative_section(ctx, content, section)),
                SectionKind::Indicators => (indicator_section(ctx, content, &section.label)),
                SectionKind::Budget => {
                    (budget_section(ctx, content, &section.label))
                    // Stored cost on a sheet kind without the cost part still shows.
                    @if !ctx.layout.has(SectionKind::Cost) && has_cost(content) {
                        (cost_section(ctx, content, "財源内訳・トータルコスト"))
                    }
                }
                SectionKind::Cost => (cost_section(ctx, content, &section.label)),
                SectionKind::Schedule | SectionKind::StaffHours => {
                    @if first_schedule == Some(i) { (schedule_section(ctx, content, &section.label)) }
                }
                SectionKind::Grades => (grade_section(ctx, content, section)),
                SectionKind::Direction => (direction_section(ctx, content, &section.label)),
                SectionKind::Children => (children_section(ctx, content, section)),
                SectionKind::Roadmap => (roadmap_section(ctx, content, &section.label)),
            }
        }
        @if !others.is_empty() {
            section aria-labelledby="others-heading" {
                h2 id="others-heading" { "その他の記載" }
                @for slot in &others {
                    @for (_, n) in content.narratives_of(ctx.fy).filter(|(_, n)| &n.slot == slot) {
                        h3 { (slot_label(&ctx.layout, slot, Some(&n.label))) }
                        (narrative(&n.text))
                    }
                }
            }
        }
        @if !other_grades.is_empty() {
            section aria-labelledby="other-grades-heading" {
                h2 id="other-grades-heading" { "その他の評価" }
                div class="table-scroll" tabindex="0" role="group" aria-label="表（横にスクロールできます）" {
                    table {
                        thead { tr { th scope="col" { "段階" } th scope="col" { "評価者" } th scope="col" { "評価" } th scope="col" { "意見" } } }
                        tbody { @for e in &other_grades { tr {
                            th scope="row" { (e.stage.label()) } td { (e.evaluator.label()) }
                            td { (e.grade.clone().unwrap_or_default()) } td { (e.comment.clone().unwrap_or_default()) }
                        } } }
                    }
                }
            }
        }
    }
}

fn narrative_section(ctx: &SheetContext, content: &SheetContent, section: &LayoutSection) -> Markup {
    html! {
        section aria-labelledby={ "s-" (section.key) } {
            h2 id={ "s-" (section.key) } { (section.label) }
            @for slot in &section.slots {
                @let rows: Vec<_> = content.narratives_of(ctx.fy).filter(|(_, n)| n.slot == slot.code).map(|(_, n)| n).collect();
                @if rows.is_empty() {
                    h3 { (slot_label(&ctx.layout, &slot.code, None)) }
                    p class="note" { "（未記入）" }
                }
                @for n in rows {
                    h3 { (slot_label(&ctx.layout, &slot.code, Some(&n.label))) }
                    (narrative(&n.text))
                }
            }
        }
    }
}

fn indicator_section(ctx: &SheetContext, content: &SheetContent, heading: &str) -> Markup {
    html! {
        section aria-labelledby="s-indicators" {
            h2 id="s-indicators" { (heading) }
            @if content.indicators.is_empty() { p class="note" { "この調査票に指標はありません。" } }
            @for ind in &content.indicators { (indicator_block(ctx, ind, 3)) }
        }
    }
}

/// One indicator's values and judgements by year, under a heading of the
/// given level.
fn indicator_block(ctx: &SheetContext, ind: &IndicatorData, level: u8) -> Markup {
    let l = &ctx.layout;
    let heading = html! {
        a href={ "/m/" (ctx.code) "/indicators/" (ind.record.id) } { (ind.record.name) }
        span class="badge" { (ind.record.kind.label()) }
    };
    html! {
                @if level == 3 { h3 id=(indicator_anchor(ind)) { (heading) } } @else { h4 id=(indicator_anchor(ind)) { (heading) } }
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
                        caption class="sr-only" { (ind.record.name) "の年度別の値と判定" }
                        thead { tr {
                            th scope="col" { "年度" }
                            th scope="col" { (l.label("indicator.baseline")) }
                            th scope="col" { (l.label("indicator.target")) }
                            th scope="col" { (l.label("indicator.actual")) }
                            th scope="col" { (l.label("indicator.judgement")) "（記載・上書き）" }
                            th scope="col" { (l.label("indicator.judgement")) "（計算）" }
                        } }
                        tbody {
                            @for y in indicator_years(&ind.values, ctx.fy) {
                                @let j = ind.judgement(y);
                                @let differs = j.disagreement().is_some();
                                tr {
                                    th scope="row" { (y.label()) @if y == ctx.fy { (crate::ui::shell::sr_only("（この調査票の年度）")) " ●" } }
                                    (value_td(ind.cell(y, ValueRole::Baseline)))
                                    (value_td(ind.cell(y, ValueRole::Target)))
                                    (value_td(ind.cell(y, ValueRole::Actual)))
                                    td class=[differs.then_some("warn")] {
                                        @if let Some(Declared { label, reason }) = &j.declared {
                                            (label) span class="badge" { "上書き" } br; span class="note" { "理由: " (reason) }
                                            @if let Some(p) = &j.printed { br; span class="note" { "記載: " (p) } }
                                        } @else if let Some(p) = &j.printed { (p) }
                                        @if differs { " " span class="badge" { "計算と不一致" } }
                                    }
                                    td { (j.computed.clone().unwrap_or_default()) }
                                }
                            }
                        }
                    }
                }
    }
}

/// A table of the items beneath the sheet's item: each row's narratives,
/// grades, direction and indicators.
fn children_section(ctx: &SheetContext, content: &SheetContent, section: &LayoutSection) -> Markup {
    let Some(rows) = &section.children else { return html! {} };
    let children: Vec<&ChildData> =
        content.children.iter().filter(|c| rows.item_kinds.contains(&c.item.kind)).collect();
    html! {
        section aria-labelledby={ "s-" (section.key) } {
            h2 id={ "s-" (section.key) } { (section.label) }
            @if children.is_empty() { p class="note" { "（該当する項目はありません）" } }
            @for child in children {
                div class="child-row" {
                    h3 { span class="code" { (child.item.code) } " " (child.item.title) }
                    @if !child.item.tags.is_empty() { p class="note" { "区分: " (child.item.tags.join("・")) } }
                    @for slot in &rows.slots {
                        @let texts: Vec<_> = child.narratives_of(ctx.fy).filter(|(_, n)| n.slot == slot.code).map(|(_, n)| n).collect();
                        h4 { (slot.label) }
                        @if texts.is_empty() { p class="note" { "（未記入）" } }
                        @for n in texts { (narrative(&n.text)) }
                    }
                    @for g in &rows.grades {
                        @let e = child.evaluations.iter().find(|e| e.fiscal_year == ctx.fy && e.stage == g.stage && e.evaluator == g.evaluator);
                        p {
                            (g.label) ": "
                            @match e.and_then(|e| e.grade.clone()) {
                                Some(v) => strong { (grade_text(content, &g.scale, &v)) },
                                None => span class="note" { "（未評価）" },
                            }
                        }
                    }
                    @if rows.direction {
                        @if let Some(d) = &child.direction {
                            p {
                                (ctx.layout.label("direction.direction")) ": " (d.printed)
                                @if let Some(r) = &d.reason { br; (ctx.layout.label("direction.reason")) ": " (r) }
                                @if let Some(t) = &d.transfer { br; (ctx.layout.label("direction.transfer")) ": " (t) }
                            }
                        }
                    }
                    @if rows.indicators { @for ind in &child.indicators { (indicator_block(ctx, ind, 4)) } }
                }
            }
        }
    }
}

/// A grade with its meaning when the scale gives one that differs from the
/// code: `1 計画どおり`, but `A`, never `A A`.
pub(crate) fn grade_text(content: &SheetContent, scale: &str, grade: &str) -> String {
    match hyoka_app::sheet::draft::grade_scale(content, scale).and_then(|s| s.grade(grade).map(|g| g.label.clone())) {
        Some(label) if label != grade && !label.is_empty() => format!("{grade} {label}"),
        _ => grade.to_string(),
    }
}

fn value_td(c: Option<&IndicatorCell>) -> Markup {
    html! {
        @match c {
            Some(c) => td class={ @if c.primary_number().is_some() { "num" } @if !c.is_understood() { " warn" } } {
                (c.printed())
                @if !c.is_understood() { " " span class="badge" { "読み取れない表記" } }
            },
            None => td {},
        }
    }
}

fn sum(values: impl Iterator<Item = Option<Yen>>) -> Option<Yen> {
    let mut total: Option<Yen> = None;
    for v in values.flatten() {
        total = Some(match total {
            None => v,
            Some(t) => t.checked_add(v)?,
        });
    }
    total
}

fn budget_section(ctx: &SheetContext, content: &SheetContent, heading: &str) -> Markup {
    let l = &ctx.layout;
    let unit = l.money_unit;
    let rows = &content.budgets;
    let total = BudgetFigures {
        initial: sum(rows.iter().map(|b| b.figures.initial)),
        final_budget: sum(rows.iter().map(|b| b.figures.final_budget)),
        settlement: sum(rows.iter().map(|b| b.figures.settlement)),
        general_revenue: sum(rows.iter().map(|b| b.figures.general_revenue)),
        carried_over: sum(rows.iter().map(|b| b.figures.carried_over)),
        ..BudgetFigures::default()
    };
    // Zero prints as the form prints nothing (三島市's 「-」); blank stays blank.
    let money = |v: Option<Yen>| match v {
        Some(y) if y.yen() == 0 => l.nil_amount().to_string(),
        v => v.map(|y| money_text(y, unit)).unwrap_or_default(),
    };
    // The form's notes on its costs (三島市's ※…), under the table as printed.
    let notes = cost_note_slots(ctx, content);
    html! {
        section id="budget" aria-labelledby="s-budget" {
            h2 id="s-budget" { (heading) }
            @if rows.is_empty() { p class="note" { "予算・決算は未記入です。" } }
            @else {
                div class="table-scroll" tabindex="0" role="group" aria-label="表（横にスクロールできます）" {
                    table {
                        caption { "単位: " (unit.label()) "。執行率は決算額÷予算額（補正後、なければ当初）で、小数第2位を四捨五入" }
                        thead { tr {
                            th scope="col" { "年度" }
                            @for f in BudgetField::BUDGET { th scope="col" { (l.label(f.label_key())) } }
                            th scope="col" { (l.label("budget.rate")) "（計算）" }
                            th scope="col" { (l.label("budget.rate")) "（記載）" }
                        } }
                        tbody {
                            @for b in rows {
                                @let computed = b.figures.execution_rate();
                                @let printed = b.execution_rate_printed.clone().unwrap_or_default();
                                @let differs = ExecutionRate::parse(&printed).zip(computed).is_some_and(|(p, c)| p != c);
                                @let over = computed.is_some_and(|r| r.tenths() > 1000);
                                tr {
                                    th scope="row" { (b.fiscal_year.label()) }
                                    @for f in BudgetField::BUDGET { td class="num" { (money(b.figures.amount(f))) } }
                                    td class={ "num" @if over { " warn" } } {
                                        (computed.map(|r| r.to_string()).unwrap_or_default())
                                        @if over { " " span class="badge" { "100%超" } }
                                    }
                                    td class={ "num" @if differs { " warn" } } {
                                        (printed) @if differs { " " span class="badge" { "計算値と不一致" } }
                                    }
                                }
                            }
                        }
                        @if rows.len() > 1 {
                            tfoot { tr {
                                th scope="row" { "合計" }
                                @for f in BudgetField::BUDGET { td class="num" { (money(total.amount(f))) } }
                                td class="num" { (total.execution_rate().map(|r| r.to_string()).unwrap_or_default()) }
                                td {}
                            } }
                        }
                    }
                }
            }
            @if !notes.is_empty() {
                div class="cost-notes" {
                    @for slot in &notes {
                        @for (_, n) in content.narratives_of(ctx.fy).filter(|(_, n)| &n.slot == slot) {
                            (narrative(&n.text))
                        }
                    }
                }
            }
        }
    }
}

fn has_cost(content: &SheetContent) -> bool {
    content.budgets.iter().any(|b| !b.figures.funding.is_empty() || !b.figures.staff.is_empty())
}

/// 財源内訳 and トータルコスト by year, the computed lines beside the
/// printed ones and flagged where they differ beyond 千円 rounding.
fn cost_section(ctx: &SheetContext, content: &SheetContent, heading: &str) -> Markup {
    let l = &ctx.layout;
    let unit = l.money_unit;
    let rows = &content.budgets;
    let money = |v: Option<Yen>| v.map(|y| money_text(y, unit)).unwrap_or_default();
    let differs = |printed: Option<Yen>, computed: Option<Yen>, parts: usize| {
        printed.zip(computed).is_some_and(|(p, c)| (p.yen() - c.yen()).abs() > rounding_tolerance(parts))
    };
    html! {
        section id="cost" aria-labelledby="s-cost" {
            h2 id="s-cost" { (heading) }
            @if !has_cost(content) { p class="note" { "財源内訳・コストは未記入です。" } }
            @else {
                div class="table-scroll" tabindex="0" role="group" aria-label="表（横にスクロールできます）" {
                    table {
                        caption { "単位: " (unit.label()) "（人件費単価は円/時間）。事業費は決算額（なければ予算額）" }
                        thead { tr {
                            th scope="col" { "年度" }
                            th scope="col" { "事業費" }
                            @for f in &BudgetField::COST[..4] { th scope="col" { (l.label(f.label_key())) } }
                            th scope="col" { (l.label("budget.general_revenue")) }
                            th scope="col" { (l.label("cost.hours")) }
                            th scope="col" { (l.label("cost.hourly")) }
                            th scope="col" { (l.label("cost.personnel")) }
                            th scope="col" { (l.label("cost.total")) }
                            th scope="col" { (l.label("cost.total")) "（計算）" }
                        } }
                        tbody {
                            @for b in rows {
                                @let f = &b.figures;
                                @let personnel_off = differs(f.staff.personnel, f.computed_personnel_cost(), 1);
                                @let total_off = differs(f.staff.total, f.computed_total_cost(), 2);
                                @let funding_off = differs(f.funding_total(), f.project_cost(), f.funding_parts().len());
                                tr {
                                    th scope="row" { (b.fiscal_year.label()) }
                                    td class={ "num" @if funding_off { " warn" } } {
                                        (money(f.project_cost()))
                                        @if funding_off { " " span class="badge" { "財源内訳の合計と不一致" } }
                                    }
                                    @for field in &BudgetField::COST[..4] { td class="num" { (money(f.amount(*field))) } }
                                    td class="num" { (money(f.general_revenue)) }
                                    td class="num" { (f.staff.hours.map(hyoka_core::Hours::number).unwrap_or_default()) }
                                    td class="num" { (f.staff.hourly.map(|y| money_text(y, MoneyInputUnit::Yen)).unwrap_or_default()) }
                                    td class={ "num" @if personnel_off { " warn" } } {
                                        (money(f.staff.personnel))
                                        @if personnel_off { " " span class="badge" { "時間×単価 " (money(f.computed_personnel_cost())) " と不一致" } }
                                    }
                                    td class={ "num" @if total_off { " warn" } } {
                                        (money(f.staff.total))
                                        @if total_off { " " span class="badge" { "計算値と不一致" } }
                                    }
                                    td class="num" { (money(f.computed_total_cost())) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The number in an hours cell (`747H`, `1,121時間`), for totals.
pub(crate) fn hours(printed: &str) -> Option<Number> {
    let digits: String = hyoka_core::text::fold_width(printed)
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
        .collect();
    Number::parse(&digits)
}

fn total_hours<'a>(values: impl Iterator<Item = Option<&'a String>>) -> String {
    let mut total: Option<Number> = None;
    for v in values.flatten() {
        if let Some(n) = hours(v) {
            total = Some(total.map_or(Some(n), |t| t.checked_add(n)).unwrap_or(n));
        }
    }
    total.map(|t| format!("{}H", t.grouped())).unwrap_or_default()
}

/// The 工程表 as a grid: a row per 実施内容, a column per year of the plan
/// with its 計画 and 実績.
fn roadmap_section(ctx: &SheetContext, content: &SheetContent, heading: &str) -> Markup {
    let l = &ctx.layout;
    let (rows, years) = content.roadmap_of(ctx);
    let (planned, actual) = (l.label("schedule.planned"), l.label("schedule.actual"));
    html! {
        section aria-labelledby="s-roadmap" {
            h2 id="s-roadmap" { (heading) }
            @if rows.is_empty() { p class="note" { "工程表は未記入です。" } }
            @else {
                div class="table-scroll" tabindex="0" role="group" aria-label="表（横にスクロールできます）" {
                    table id="roadmap-grid" {
                        caption class="sr-only" { (ctx.fy.label()) "の" (heading) "（年度ごとの" (planned) "と" (actual) "）" }
                        thead { tr {
                            th scope="col" { "実施内容" }
                            @for y in &years { th scope="col" { (y.label()) } }
                        } }
                        tbody {
                            @for r in &rows {
                                tr {
                                    th scope="row" { (r.step) }
                                    @for y in &years {
                                        td {
                                            @if !r.planned(*y).is_empty() { span { (planned) ": " (r.planned(*y)) } }
                                            @if !r.planned(*y).is_empty() && !r.actual(*y).is_empty() { br; }
                                            @if !r.actual(*y).is_empty() { span { (actual) ": " (r.actual(*y)) } }
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
}

fn schedule_section(ctx: &SheetContext, content: &SheetContent, heading: &str) -> Markup {
    let l = &ctx.layout;
    let rows: Vec<_> = content.schedule.iter().filter(|r| r.fiscal_year == ctx.fy).collect();
    let show_hours =
        l.has(SectionKind::StaffHours) || rows.iter().any(|r| r.hours_regular.is_some() || r.hours_other.is_some());
    html! {
        section aria-labelledby="s-schedule" {
            h2 id="s-schedule" { (heading) }
            @if rows.is_empty() { p class="note" { "スケジュールは未記入です。" } }
            @else {
                div class="table-scroll" tabindex="0" role="group" aria-label="表（横にスクロールできます）" {
                    table {
                        caption class="sr-only" { (ctx.fy.label()) "の月別の予定と実績" }
                        thead { tr {
                            th scope="col" { "区分" } th scope="col" { "内容" }
                            @for m in FISCAL_MONTHS { th scope="col" { (m) } }
                            @if show_hours {
                                th scope="col" { "従事時間（" (l.label("hours.regular")) "）" }
                                th scope="col" { "従事時間（" (l.label("hours.other")) "）" }
                            }
                        } }
                        tbody {
                            @for r in &rows {
                                tr {
                                    td { @if r.kind == "actual" { (l.label("schedule.actual")) } @else { (l.label("schedule.planned")) } }
                                    th scope="row" { (r.label) }
                                    @for m in 0..12 { td { (r.months.get(m).cloned().unwrap_or_default()) } }
                                    @if show_hours {
                                        td class="num" { (r.hours_regular.clone().unwrap_or_default()) }
                                        td class="num" { (r.hours_other.clone().unwrap_or_default()) }
                                    }
                                }
                            }
                        }
                        @if show_hours {
                            tfoot { tr {
                                th scope="row" colspan="14" { "従事時間の合計" }
                                td class="num" { (total_hours(rows.iter().map(|r| r.hours_regular.as_ref()))) }
                                td class="num" { (total_hours(rows.iter().map(|r| r.hours_other.as_ref()))) }
                            } }
                        }
                    }
                }
            }
        }
    }
}

fn grade_section(ctx: &SheetContext, content: &SheetContent, section: &LayoutSection) -> Markup {
    html! {
        section aria-labelledby="s-grades" {
            h2 id="s-grades" { (section.label) }
            div class="table-scroll" tabindex="0" role="group" aria-label="表（横にスクロールできます）" {
                table {
                    thead { tr { th scope="col" { "評価" } th scope="col" { "区分" } th scope="col" { "意見・理由" } } }
                    tbody {
                        @for g in &section.grades {
                            @let e = content.evaluations.iter().find(|e| e.fiscal_year == ctx.fy && e.stage == g.stage && e.evaluator == g.evaluator);
                            @let scale = hyoka_app::sheet::draft::grade_scale(content, &g.scale);
                            @let grade = e.and_then(|e| e.grade.clone());
                            tr {
                                th scope="row" { (g.label) }
                                td {
                                    @match &grade {
                                        Some(code) => {
                                            (code)
                                            @if let Some(label) = scale.as_ref().and_then(|s| s.grade(code)).map(|x| x.label.clone()).filter(|l| l != code) { " " (label) }
                                        }
                                        None => span class="note" { "（未評価）" },
                                    }
                                }
                                td { (e.and_then(|e| e.comment.clone()).unwrap_or_default()) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn direction_section(ctx: &SheetContext, content: &SheetContent, heading: &str) -> Markup {
    let l = &ctx.layout;
    html! {
        section aria-labelledby="s-direction" {
            h2 id="s-direction" { (heading) }
            @match &content.direction {
                None => p class="note" { "（未記入）" },
                Some(d) => dl {
                    dt { (l.label("direction.direction")) }
                    dd {
                        @match d.direction { Some(x) => (x.label()), None => (d.printed) }
                        @if d.direction.is_some_and(|x| x.label() != d.printed) && !d.printed.is_empty() {
                            span class="note" { "（記載: " (d.printed) "）" }
                        }
                    }
                    @if let Some(r) = &d.reason { dt { (l.label("direction.reason")) } dd { (r) } }
                    @if let Some(t) = &d.transfer { dt { (l.label("direction.transfer")) } dd { span class="badge" { "事務移管" } " " (t) } }
                },
            }
        }
    }
}
