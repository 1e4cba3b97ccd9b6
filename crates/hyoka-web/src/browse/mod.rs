//! Read-only browse: cities → plans → nodes → items and indicators.
//!
//! Every page is scoped by the city code in its path; an id that belongs to
//! another city is "not found", so no page leaks one city's data under
//! another's address.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::response::Redirect;
use hyoka_core::access::{Action, Role};
use hyoka_core::judgement::{judge, JudgementVocabulary};
use hyoka_core::{FiscalYear, ValueRole};
use hyoka_store::{IndicatorRecord, IndicatorValue, NodeRecord};
use maud::{html, Markup};

use crate::http::session::Session;
use crate::http::{CityCode, Id, Params, Staff};
use crate::http::{Routes, Rule};
use crate::ui::format::local_time;
use crate::ui::markup::narrative;
use crate::ui::shell::{sr_only, staff_page};
use crate::ui::widgets::{schedule_table, trend_chart_and_table, yen, TrendLine};
use crate::{AppError, AppState};

pub fn routes(r: Routes) -> Routes {
    r.get("/", Rule::Public, home)
        .get("/m/{code}", Rule::View, municipality)
        .get("/m/{code}/plans/{plan}", Rule::View, plan)
        .get("/m/{code}/nodes/{node}", Rule::View, node)
        .get("/m/{code}/items/{item}", Rule::View, item)
        .get("/m/{code}/indicators/{indicator}", Rule::View, indicator)
        .get("/m/{code}/findings", Rule::View, findings)
}

type Page = Result<Markup, AppError>;

/// The front page sends staff to their city and everyone else to the public
/// portal, which links to the staff login.
async fn home(axum::Extension(session): axum::Extension<Session>) -> Redirect {
    match session.principal() {
        Some(p) if p.role == Role::SystemAdmin => Redirect::to("/system"),
        Some(p) => Redirect::to(&format!("/m/{}", p.municipality.unwrap_or_default())),
        None => Redirect::to("/p"),
    }
}

fn city_crumb(code: &str, name: &str) -> (String, String) {
    (name.to_string(), format!("/m/{code}"))
}

async fn municipality(State(s): State<AppState>, staff: Staff, Params(code): Params<CityCode>) -> Page {
    staff.require(Action::View, &code, &[])?;
    let city = s.store.municipality(&code).await?;
    let plans = s.store.plans(&code).await?;
    let items = s.store.items(&code).await?;
    let indicators = s.store.indicators(&code).await?;
    let findings = s.store.findings(Some(&code)).await?;
    Ok(staff_page(
        staff.bar(),
        &city.name,
        &[city_crumb(&code, &city.name)],
        html! {
            @if !findings.is_empty() {
                p class="warn" {
                    "取り込み時の要確認事項が " (findings.len()) " 件あります。"
                    a href={ "/m/" (code) "/findings" } { "一覧を見る" }
                }
            }
            p { a href={ "/m/" (code) "/reports" } { "帳票の出力（白書・評価の一覧）" } }
            h2 { "計画" }
            @if plans.is_empty() { p { "計画は登録されていません。" } }
            ul {
                @for p in &plans {
                    li { a href={ "/m/" (code) "/plans/" (p.id) } { (p.name) } span class="note" { "（" (p.node_count) "項目）" } }
                }
            }
            h2 { "事業・取組項目" span class="note" { "（" (items.len()) "件）" } }
            ul {
                @for i in &items {
                    li { span class="code" { (i.code) } a href={ "/m/" (code) "/items/" (i.id) } { (i.title) } }
                }
            }
            h2 { "指標" span class="note" { "（" (indicators.len()) "件）" } }
            ul {
                @for i in &indicators {
                    li { a href={ "/m/" (code) "/indicators/" (i.id) } { (i.name) } span class="badge" { (i.kind.label()) } }
                }
            }
        },
    ))
}

async fn plan(State(s): State<AppState>, staff: Staff, Params((code, Id(id))): Params<(CityCode, Id)>) -> Page {
    staff.require(Action::View, &code, &[])?;
    let city = s.store.municipality(&code).await?;
    let plan = s.store.plan(id).await?;
    if plan.municipality_code != code.as_str() {
        return Err(AppError::NotFound("計画".into()));
    }
    let nodes = s.store.plan_nodes(id).await?;
    let mut children: BTreeMap<Option<i64>, Vec<&NodeRecord>> = BTreeMap::new();
    for n in &nodes {
        children.entry(n.parent_id).or_default().push(n);
    }
    Ok(staff_page(
        staff.bar(),
        &plan.name,
        &[city_crumb(&code, &city.name), (plan.name.clone(), format!("/m/{code}/plans/{id}"))],
        html! {
            p class="note" { "階層: " (plan.level_names.join(" → ")) }
            (tree(&code, &plan.level_names, &children, None))
        },
    ))
}

fn tree(
    code: &str,
    levels: &[String],
    children: &BTreeMap<Option<i64>, Vec<&NodeRecord>>,
    parent: Option<i64>,
) -> Markup {
    html! {
        @if let Some(nodes) = children.get(&parent) {
            ul class="tree" {
                @for n in nodes {
                    li {
                        @if let Some(level) = levels.get(n.level as usize) { (sr_only(level)) }
                        span class="code" { (n.code) }
                        a href={ "/m/" (code) "/nodes/" (n.id) } { (n.title) }
                        (tree(code, levels, children, Some(n.id)))
                    }
                }
            }
        }
    }
}

async fn node(State(s): State<AppState>, staff: Staff, Params((code, Id(id))): Params<(CityCode, Id)>) -> Page {
    staff.require(Action::View, &code, &[])?;
    let city = s.store.municipality(&code).await?;
    let node = s.store.node(id).await?;
    let plan = s.store.plan(node.plan_id).await?;
    if plan.municipality_code != code.as_str() {
        return Err(AppError::NotFound("計画の項目".into()));
    }
    let children: Vec<NodeRecord> =
        s.store.plan_nodes(plan.id).await?.into_iter().filter(|n| n.parent_id == Some(id)).collect();
    let items = s.store.node_items(id).await?;
    let indicators = s.store.node_indicators(id).await?;
    let level = plan.level_names.get(node.level as usize).cloned().unwrap_or_default();
    Ok(staff_page(
        staff.bar(),
        &format!("{} {}", node.code, node.title),
        &[city_crumb(&code, &city.name), (plan.name.clone(), format!("/m/{code}/plans/{}", plan.id))],
        html! {
            p class="note" { (level) }
            @if !children.is_empty() {
                h2 { "下位の項目" }
                ul { @for c in &children { li { span class="code" { (c.code) } a href={ "/m/" (code) "/nodes/" (c.id) } { (c.title) } } } }
            }
            @if !items.is_empty() {
                h2 { "事業・取組項目" }
                ul {
                    @for (i, relisting) in &items {
                        li {
                            span class="code" { (i.code) }
                            a href={ "/m/" (code) "/items/" (i.id) } { (i.title) }
                            @if *relisting { span class="badge" title="再掲: 集計では数えません" { "再掲" } }
                        }
                    }
                }
            }
            (indicator_list(&code, &indicators))
        },
    ))
}

fn indicator_list(code: &str, indicators: &[IndicatorRecord]) -> Markup {
    html! {
        @if !indicators.is_empty() {
            h2 { "指標" }
            ul { @for i in indicators { li { a href={ "/m/" (code) "/indicators/" (i.id) } { (i.name) } span class="badge" { (i.kind.label()) } } } }
        }
    }
}

async fn item(State(s): State<AppState>, staff: Staff, Params((code, Id(id))): Params<(CityCode, Id)>) -> Page {
    staff.require(Action::View, &code, &[])?;
    let city = s.store.municipality(&code).await?;
    let item = s.store.item(id).await?;
    if item.municipality_code != code.as_str() {
        return Err(AppError::NotFound("事業".into()));
    }
    let sections = s.store.item_sections(id).await?;
    let indicators = s.store.item_indicators(id).await?;
    let budgets = s.store.budgets(id).await?;
    let evaluations = s.store.evaluations(id).await?;
    let narratives = s.store.narratives(id).await?;
    let schedule = s.store.schedule(id).await?;
    let next = s.store.next_direction(id).await?;
    // Placements as people read them: the plan's name, the node's printed
    // code and title (never the plan's internal code).
    let plans = s.store.plans(&code).await?;
    let mut placements = Vec::new();
    for (plan_code, node_code, relisting) in s.store.item_placements(id).await? {
        let Some(plan) = plans.iter().find(|p| p.code == plan_code) else { continue };
        let nodes = s.store.plan_nodes(plan.id).await?;
        let node = nodes.iter().find(|n| n.code == node_code);
        let title = node.map(|n| n.title.clone()).unwrap_or_default();
        placements.push((plan.name.clone(), format!("{node_code} {title}").trim().to_string(), relisting));
    }
    Ok(staff_page(
        staff.bar(),
        &format!("{} {}", item.code, item.title),
        &[city_crumb(&code, &city.name)],
        html! {
            @if !item.tags.is_empty() {
                p { @for t in &item.tags { span class="badge" { (t) } } }
            }
            @if let Some(fy) = item.fiscal_year { p class="note" { (fy.label()) } }
            @if !sections.is_empty() {
                p { "担当: " @for (i, (d, sec)) in sections.iter().enumerate() { @if i > 0 { "、" } (d) " " (sec) } }
            }
            @if !placements.is_empty() {
                p { "位置付け: "
                    @for (i, (plan, node, relisting)) in placements.iter().enumerate() {
                        @if i > 0 { "、" } (plan) " " (node) @if *relisting { span class="badge" { "再掲" } }
                    }
                }
            }
            @for n in &narratives {
                section class="narrative" {
                    h2 { (n.label) @if let Some(fy) = n.fiscal_year { span class="note" { "（" (fy.label()) "）" } } }
                    (narrative(&n.text))
                }
            }
            @if let Some(d) = &next {
                h2 { "今後の方向性" }
                p {
                    (d.printed)
                    @if let Some(r) = &d.reason { "（" (r) "）" }
                    @if let Some(t) = &d.transfer { " " span class="badge" { "事務移管" } " " (t) }
                }
            }
            @if !schedule.is_empty() { (schedule_table(&schedule)) }
            (indicator_list(&code, &indicators))
            @if !budgets.is_empty() {
                h2 { "予算・決算" }
                table {
                    caption class="sr-only" { "年度別の予算と決算（円）" }
                    thead { tr {
                        th scope="col" { "年度" } th scope="col" { "当初予算" } th scope="col" { "最終予算" }
                        th scope="col" { "決算額" } th scope="col" { "執行率（計算）" } th scope="col" { "執行率（記載）" }
                    } }
                    tbody {
                        @for b in &budgets {
                            @let computed = b.figures.execution_rate().map(|r| r.to_string()).unwrap_or_default();
                            @let printed = b.execution_rate_printed.clone().unwrap_or_default();
                            @let differs = !printed.is_empty() && !computed.is_empty() && hyoka_core::ExecutionRate::parse(&printed).map(|r| r.to_string()) != Some(computed.clone());
                            tr {
                                th scope="row" { (b.fiscal_year.label()) }
                                td class="num" { (yen(b.figures.initial)) }
                                td class="num" { (yen(b.figures.final_budget)) }
                                td class="num" { (yen(b.figures.settlement)) }
                                td class="num" { (computed) }
                                td class={ "num" @if differs { " warn" } } {
                                    (printed)
                                    @if differs { " " span class="badge" { "計算値と不一致" } }
                                }
                            }
                        }
                    }
                }
            }
            @if !evaluations.is_empty() {
                h2 { "評価" }
                table {
                    thead { tr { th scope="col" { "年度" } th scope="col" { "段階" } th scope="col" { "評価者" } th scope="col" { "評価" } th scope="col" { "意見" } } }
                    tbody {
                        @for e in &evaluations {
                            tr {
                                th scope="row" { (e.fiscal_year.label()) }
                                td { (e.stage.label()) }
                                td { (e.evaluator.label()) }
                                td { (e.grade.clone().unwrap_or_default()) }
                                td { (e.comment.clone().unwrap_or_default()) }
                            }
                        }
                    }
                }
            }
        },
    ))
}

async fn findings(State(s): State<AppState>, staff: Staff, Params(code): Params<CityCode>) -> Page {
    staff.require(Action::View, &code, &[])?;
    let city = s.store.municipality(&code).await?;
    let findings = s.store.findings(Some(&code)).await?;
    Ok(staff_page(
        staff.bar(),
        "取り込み時の要確認事項",
        &[city_crumb(&code, &city.name)],
        html! {
            p { "取り込みの際に、配置先を判断できなかった記載や、表どうしで食い違う値が見つかりました。原本と照らして確認してください。" }
            @if findings.is_empty() { p { "要確認事項はありません。" } }
            @else {
                table {
                    thead { tr { th scope="col" { "種類" } th scope="col" { "ファイル・行" } th scope="col" { "内容" } th scope="col" { "記載" } } }
                    tbody {
                        @for f in &findings {
                            tr {
                                td { (f.kind_label()) }
                                td { (f.file) @if let Some(l) = f.line { " " (l) "行目" } }
                                td { (f.message) }
                                td { (f.text) }
                            }
                        }
                    }
                }
            }
        },
    ))
}

async fn indicator(State(s): State<AppState>, staff: Staff, Params((code, Id(id))): Params<(CityCode, Id)>) -> Page {
    staff.require(Action::View, &code, &[])?;
    let city = s.store.municipality(&code).await?;
    let ind = s.store.indicator(id).await?;
    if ind.municipality_code != code.as_str() {
        return Err(AppError::NotFound("指標".into()));
    }
    let values = s.store.indicator_values(id).await?;
    let judgements = s.store.judgements(id).await?;
    let printings = s.store.printings(id).await?;
    let sources: Vec<&str> = {
        let mut v: Vec<&str> = printings.iter().map(|p| p.source.as_str()).filter(|s| !s.is_empty()).collect();
        v.sort();
        v.dedup();
        v
    };
    let rows = trend_rows(&ind, &values, &judgements);
    let years: Vec<FiscalYear> = rows.iter().map(|r| r.fiscal_year).collect();
    let chart = trend_chart(&ind, &rows);
    // Changes to this indicator's cells are recorded on its item's sheet,
    // under field names that end with the indicator's name.
    let changes: Vec<hyoka_store::HistoryEntry> = match ind.item_id {
        Some(item) => {
            s.store.history(item).await?.into_iter().filter(|h| h.field.contains(ind.name.as_str())).collect()
        }
        None => Vec::new(),
    };
    Ok(staff_page(
        staff.bar(),
        &ind.name,
        &[city_crumb(&code, &city.name)],
        html! {
            dl {
                dt { "種別" } dd { (ind.kind.label()) }
                @if let Some(d) = &ind.definition { dt { "指標の説明・計算式" } dd { (d) } }
                @if let Some(u) = &ind.unit { dt { "単位" } dd { (u) } }
                dt { "方向" } dd { (ind.direction.label()) }
                @if let Some(item) = ind.item_id {
                    dt { "事業" } dd { a href={ "/m/" (code) "/items/" (item) } { "この指標の事業を見る" } }
                }
            }
            (trend_section(&chart, &rows))
            (judgement_history(&rows))
            (indicator_changes(&changes))
            @if sources.len() > 1 {
                h2 { "表ごとの記載" }
                p { "この指標は複数の表に掲載されています。それぞれの記載をそのまま示します。" }
                table {
                    thead { tr { th scope="col" { "年度" } th scope="col" { "区分" } @for src in &sources { th scope="col" { (src) } } } }
                    tbody {
                        @for fy in &years {
                            @for role in ["target", "actual", "judgement"] {
                                @let cells: Vec<Option<&str>> = sources.iter().map(|src| printings.iter().find(|p| p.fiscal_year == *fy && p.role == role && p.source == *src).map(|p| p.printed.as_str())).collect();
                                @if cells.iter().any(Option::is_some) {
                                    @let differ = { let mut d: Vec<&str> = cells.iter().flatten().copied().collect(); d.dedup(); d.len() > 1 };
                                    tr class={ @if differ { "warn" } } {
                                        th scope="row" { (fy.label()) }
                                        td { (role_label(role)) }
                                        @for c in &cells { td { (c.unwrap_or("")) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    ))
}

fn role_label(role: &str) -> &str {
    match role {
        "target" => "目標",
        "actual" => "実績",
        "baseline" => "基準値",
        _ => "判定",
    }
}

fn value_cell(v: Option<&IndicatorValue>) -> Markup {
    html! {
        @match v {
            Some(v) => {
                td class={ @if v.cell.primary_number().is_some() { "num" } @if !v.cell.is_understood() { " warn" } } {
                    (v.cell.printed())
                    @if !v.cell.is_understood() { " " span class="badge" { "読み取れない表記" } }
                }
            }
            None => td {},
        }
    }
}

// ---- the indicator page: trend chart, data table, judgement history ----

/// One fiscal year of an indicator: its printed cells and its judgement.
struct TrendRow<'a> {
    fiscal_year: FiscalYear,
    baseline: Option<&'a IndicatorValue>,
    target: Option<&'a IndicatorValue>,
    actual: Option<&'a IndicatorValue>,
    /// Printed and declared as stored; computed again from the cells when
    /// the vocabulary is known (so a corrected cell is reflected), else as
    /// stored.
    judgement: hyoka_core::Judgement,
    /// Why no judgement can be computed although both cells hold values.
    undetermined: Option<String>,
}

fn trend_rows<'a>(
    ind: &IndicatorRecord,
    values: &'a [IndicatorValue],
    judgements: &[hyoka_store::JudgementRecord],
) -> Vec<TrendRow<'a>> {
    let vocabulary =
        ind.vocabulary.as_deref().and_then(|c| JudgementVocabulary::presets().into_iter().find(|v| v.code == c));
    let mut years: Vec<FiscalYear> =
        values.iter().map(|v| v.fiscal_year).chain(judgements.iter().map(|j| j.fiscal_year)).collect();
    years.sort();
    years.dedup();
    years
        .into_iter()
        .map(|fy| {
            let cell = |role: ValueRole| values.iter().find(|v| v.fiscal_year == fy && v.role == role);
            let (target, actual) = (cell(ValueRole::Target), cell(ValueRole::Actual));
            let mut judgement =
                judgements.iter().find(|j| j.fiscal_year == fy).map(|j| j.judgement.clone()).unwrap_or_default();
            let mut undetermined = None;
            if let (Some(v), Some(t), Some(a)) = (&vocabulary, target, actual) {
                // The level a 維持 target keeps: the latest baseline up to
                // this year, as the open data computes it.
                let reference = values
                    .iter()
                    .filter(|x| x.role == ValueRole::Baseline && x.fiscal_year <= fy && !x.cell.is_empty_value())
                    .max_by_key(|x| x.fiscal_year)
                    .map(|x| &x.cell);
                let verdict = judge(ind.direction, &t.cell, &a.cell, reference);
                if let hyoka_core::Outcome::Undetermined { reason } = &verdict.outcome {
                    if !t.cell.is_empty_value() && !a.cell.is_empty_value() {
                        undetermined = Some(reason.message());
                    }
                }
                judgement.computed = v.label(&verdict);
            }
            TrendRow { fiscal_year: fy, baseline: cell(ValueRole::Baseline), target, actual, judgement, undetermined }
        })
        .collect()
}

fn trend_chart(ind: &IndicatorRecord, rows: &[TrendRow]) -> hyoka_core::chart::TrendChart {
    let cell = |v: Option<&IndicatorValue>| v.map(|v| v.cell.clone());
    rows.iter().fold(hyoka_core::chart::TrendChart::new("indicator-trend", &ind.name, ind.unit.as_deref()), |c, r| {
        c.year(
            r.fiscal_year,
            hyoka_core::chart::YearCells { baseline: cell(r.baseline), target: cell(r.target), actual: cell(r.actual) },
        )
    })
}

/// The chart, and beside it a table with the same values for people who
/// cannot see the chart (and for copying the numbers).
fn trend_section(chart: &hyoka_core::chart::TrendChart, rows: &[TrendRow]) -> Markup {
    let baselines = rows.iter().any(|r| r.baseline.is_some());
    let lines: Vec<TrendLine> = rows
        .iter()
        .map(|r| TrendLine {
            year: r.fiscal_year.label(),
            baseline: value_cell(r.baseline),
            target: value_cell(r.target),
            actual: value_cell(r.actual),
            printed: r.judgement.printed.clone(),
            computed: r.judgement.computed.clone(),
        })
        .collect();
    html! {
        section class="trend" aria-labelledby="trend-title" {
            h2 id="trend-title" { "目標と実績の推移" }
            @if rows.is_empty() {
                p { "年度別の値は登録されていません。" }
            } @else {
                (trend_chart_and_table(chart, &lines, baselines, None))
            }
        }
    }
}

/// Per year: what the document printed, what the numbers give, and a
/// person's override with its reason; a stated judgement that contradicts
/// the numbers is flagged, never hidden.
fn judgement_history(rows: &[TrendRow]) -> Markup {
    let rows: Vec<&TrendRow> =
        rows.iter().filter(|r| r.judgement != hyoka_core::Judgement::default() || r.undetermined.is_some()).collect();
    html! {
        section class="judgements" aria-labelledby="judgement-title" {
            h2 id="judgement-title" { "判定の履歴" }
            @if rows.is_empty() {
                p { "判定は記録されていません。" }
            } @else {
                table {
                    caption { "年度ごとの判定（資料の記載、数値からの計算、担当課の判断）" }
                    thead { tr {
                        th scope="col" { "年度" } th scope="col" { "記載" } th scope="col" { "計算" }
                        th scope="col" { "担当課の判断" } th scope="col" { "判断の理由" } th scope="col" { "確認" }
                    } }
                    tbody {
                        @for r in &rows {
                            @let j = &r.judgement;
                            @let disagreement = j.disagreement();
                            tr class={ @if disagreement.is_some() { "warn" } } {
                                th scope="row" { (r.fiscal_year.label()) }
                                td { (j.printed.clone().unwrap_or_default()) }
                                td {
                                    (j.computed.clone().unwrap_or_default())
                                    @if let Some(m) = &r.undetermined { span class="note" { (m) } }
                                }
                                td { @if let Some(d) = &j.declared { (d.label) } }
                                td { @if let Some(d) = &j.declared { (d.reason) } }
                                td {
                                    @if let Some(d) = &disagreement {
                                        strong { "計算と不一致" }
                                        "（「" (d.stated) "」に対し、数値からは「" (d.computed) "」）"
                                    } @else if j.effective().is_some() && j.computed.is_some() {
                                        "一致"
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

/// Recorded changes to the indicator's targets, actuals and judgements,
/// newest first.
fn indicator_changes(changes: &[hyoka_store::HistoryEntry]) -> Markup {
    html! {
        @if !changes.is_empty() {
            section class="changes" aria-labelledby="indicator-changes-title" {
                h2 id="indicator-changes-title" { "この指標の変更の記録" }
                table {
                    caption class="sr-only" { "この指標の変更の記録（新しい順）" }
                    thead { tr {
                        th scope="col" { "日時" } th scope="col" { "変更した人" } th scope="col" { "項目" }
                        th scope="col" { "変更前" } th scope="col" { "変更後" }
                    } }
                    tbody {
                        @for h in changes {
                            tr {
                                th scope="row" { (local_time(&h.at)) }
                                td { (h.account_name.clone().unwrap_or_default()) }
                                td { (h.field) }
                                td { (h.before.clone().unwrap_or_default()) }
                                td { (h.after.clone().unwrap_or_default()) }
                            }
                        }
                    }
                }
            }
        }
    }
}
