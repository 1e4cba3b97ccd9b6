//! The portal's pages: cities, a city, a year, plans and nodes, items with
//! their grades, indicators with charts, budgets.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use axum::extract::State;

use super::PublicParams;
use crate::http::{CityCode, Fy, Id};
use hyoka_core::chart::{TrendChart, YearCells};
use hyoka_core::layout::SectionKind;
use hyoka_core::sheet::EvaluationRow;
use hyoka_core::{EvaluationScale, FiscalYear, ValueRole};
use hyoka_report::opendata::rows::{indicator_rows, CityData, IndicatorData};
use hyoka_report::opendata::IndicatorRow;
use hyoka_store::{IndicatorRecord, Municipality, NodeRecord, PublicCity, PublicIndicatorSet};
use maud::{html, Markup};

use super::{city_href, public_city, public_page, public_year, year_crumbs, year_href, Page};
use crate::ui::markup::narrative;
use crate::ui::widgets::{schedule_table, trend_chart_and_table, yen, TrendLine};
use crate::{AppError, AppState};

pub(super) async fn home(State(s): State<AppState>) -> Page {
    let cities = s.store.public_cities().await?;
    Ok(public_page(
        "行政評価 公開サイト",
        None,
        &[],
        html! {
            p {
                "各自治体が確定し公開した行政評価（施策・事業の評価、指標の目標と実績、予算と決算）を、"
                "ログインせずに見られます。作成中の内容は掲載していません。"
            }
            h2 { "自治体" }
            @if cities.is_empty() {
                p { "公開されている年度はまだありません。" }
            } @else {
                ul {
                    @for c in &cities {
                        li {
                            a href=(city_href(&c.municipality.code)) { (c.municipality.name) }
                            " （公開している年度: "
                            @for (i, y) in c.years.iter().rev().enumerate() {
                                @if i > 0 { "、" }
                                a href=(year_href(&c.municipality.code, y.fiscal_year)) { (y.fiscal_year.label()) }
                            }
                            "）"
                        }
                    }
                }
            }
            h2 { "指標を自治体どうしで比べる" }
            (super::compare::form("", ""))
            h2 { "データの利用" }
            p {
                "年度ごとのデータは、各年度のページの「オープンデータ」から CSV と JSON で入手できます。"
                "プログラムからは JSON の API を使えます（"
                a href="/api/v1/openapi.json" { "API の仕様（OpenAPI）" }
                "）。"
            }
        },
    ))
}

pub(super) async fn city(State(s): State<AppState>, PublicParams(code): PublicParams<CityCode>) -> Page {
    let city = public_city(&s, &code).await?;
    let plans = s.store.plans(&code).await?;
    let latest = city.latest().ok_or_else(|| AppError::NotFound("公開されている年度".into()))?;
    let name = &city.municipality.name;
    Ok(public_page(
        name,
        Some(&city),
        &[],
        html! {
            h2 { "公開している年度" }
            ul class="years" {
                @for y in city.years.iter().rev() {
                    li { a href=(year_href(&code, y.fiscal_year)) { (y.fiscal_year.label_with_western()) } }
                }
            }
            @if !plans.is_empty() {
                h2 { "計画" }
                p class="note" { "計画の施策体系と、" (latest.label()) "の施策・事業・指標を見られます。" }
                ul {
                    @for p in &plans {
                        li { a href={ (year_href(&code, latest)) "/plans/" (p.id) } { (p.name) } }
                    }
                }
            }
            h2 { "オープンデータ" }
            ul {
                @for y in city.years.iter().rev() {
                    li { a href={ (year_href(&code, y.fiscal_year)) "/data" } { (y.fiscal_year.label()) "のデータ（CSV・JSON）" } }
                }
            }
        },
    ))
}

pub(super) async fn year(State(s): State<AppState>, PublicParams((code, fy)): PublicParams<(CityCode, Fy)>) -> Page {
    let (city, fy) = public_year(&s, &code, fy).await?;
    let items = s.store.public_items(&code, Some(fy)).await?;
    let indicators = s.store.public_indicators(&code, Some(fy)).await?;
    let plans = s.store.plans(&code).await?;
    let base = year_href(&code, fy);
    let title = format!("{}の行政評価", fy.label());
    let crumbs = vec![(city.municipality.name.clone(), city_href(&code))];
    Ok(public_page(
        &title,
        Some(&city),
        &crumbs,
        html! {
            p { (city.municipality.name) "が確定し公開した" (fy.label_with_western()) "の行政評価です。" }
            dl class="facts" {
                dt { "事業・取組" } dd { (items.len()) "件" }
                dt { "指標" } dd { (indicators.len()) "件" }
            }
            h2 { "見る" }
            ul class="links" {
                li { a href={ (base) "/items" } { "事業と評価" } }
                li { a href={ (base) "/indicators" } { "指標の目標と実績" } }
                li { a href={ (base) "/budgets" } { "予算と決算" } }
                li { a href={ (base) "/data" } { "オープンデータ（CSV・JSON）" } }
            }
            h2 { "調査票（印刷用）" }
            p { "この年度の調査票すべてを、表紙と目次を付けた1つのファイルで入手できます。" }
            ul class="links" {
                li { a href={ (base) "/sheets/pdf" } { "調査票（PDF）" } }
                li { a href={ (base) "/sheets/xlsx" } { "調査票（Excel）" } }
            }
            @if !plans.is_empty() {
                h2 { "計画と施策" }
                ul { @for p in &plans { li { a href={ (base) "/plans/" (p.id) } { (p.name) } } } }
            }
            @if city.years.len() > 1 {
                h2 { "ほかの年度" }
                ul class="years" {
                    @for y in city.years.iter().rev().filter(|y| y.fiscal_year != fy) {
                        li { a href=(year_href(&code, y.fiscal_year)) { (y.fiscal_year.label()) } }
                    }
                }
            }
        },
    ))
}

pub(super) async fn plan(
    State(s): State<AppState>,
    PublicParams((code, fy, id)): PublicParams<(CityCode, Fy, Id)>,
) -> Page {
    let (city, fy) = public_year(&s, &code, fy).await?;
    let not_found = || AppError::NotFound("計画".into());
    let Id(id) = id;
    let plan = s.store.plans(&code).await?.into_iter().find(|p| p.id == id).ok_or_else(not_found)?;
    let nodes = s.store.plan_nodes(id).await?;
    // How many items with content in the year each node holds.
    let public: BTreeSet<String> =
        s.store.public_items(&code, Some(fy)).await?.into_iter().map(|p| p.item.key).collect();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for p in s.store.placements(&code).await? {
        if p.plan == plan.code && public.contains(&p.item) && !p.relisting {
            *counts.entry(p.node).or_default() += 1;
        }
    }
    let mut children: BTreeMap<Option<i64>, Vec<&NodeRecord>> = BTreeMap::new();
    for n in &nodes {
        children.entry(n.parent_id).or_default().push(n);
    }
    let ctx = TreeCtx { base: year_href(&code, fy), levels: &plan.level_names, children: &children, counts: &counts };
    Ok(public_page(
        &plan.name,
        Some(&city),
        &year_crumbs(&city, fy),
        html! {
            @if !plan.level_names.is_empty() { p class="note" { "階層: " (plan.level_names.join(" → ")) } }
            p class="note" { "括弧内は、" (fy.label()) "に公開されている事業・取組の数です（再掲を除く）。" }
            (tree(&ctx, None))
        },
    ))
}

struct TreeCtx<'a> {
    base: String,
    levels: &'a [String],
    children: &'a BTreeMap<Option<i64>, Vec<&'a NodeRecord>>,
    counts: &'a HashMap<String, usize>,
}

fn tree(ctx: &TreeCtx, parent: Option<i64>) -> Markup {
    html! {
        @if let Some(nodes) = ctx.children.get(&parent) {
            ul class="tree" {
                @for n in nodes {
                    li {
                        @if let Some(level) = ctx.levels.get(n.level as usize) { span class="sr-only" { (level) " " } }
                        span class="code" { (n.code) }
                        a href={ (ctx.base) "/nodes/" (n.id) } { (n.title) }
                        @if let Some(c) = ctx.counts.get(&n.code) { " （" (c) "件）" }
                        (tree(ctx, Some(n.id)))
                    }
                }
            }
        }
    }
}

pub(super) async fn node(
    State(s): State<AppState>,
    PublicParams((code, fy, id)): PublicParams<(CityCode, Fy, Id)>,
) -> Page {
    let (city, fy) = public_year(&s, &code, fy).await?;
    let not_found = || AppError::NotFound("施策".into());
    let Id(id) = id;
    let node = match s.store.node(id).await {
        Ok(n) => n,
        Err(hyoka_store::StoreError::NotFound { .. }) => return Err(not_found().into()),
        Err(e) => return Err(e.into()),
    };
    let plan = s.store.plans(&code).await?.into_iter().find(|p| p.id == node.plan_id).ok_or_else(not_found)?;
    let all_nodes = s.store.plan_nodes(plan.id).await?;
    let children: Vec<&NodeRecord> = all_nodes.iter().filter(|n| n.parent_id == Some(id)).collect();
    let parent = node.parent_id.and_then(|p| all_nodes.iter().find(|n| n.id == p));
    let public: BTreeSet<i64> = s.store.public_items(&code, Some(fy)).await?.into_iter().map(|p| p.item.id).collect();
    let items: Vec<_> = s.store.node_items(id).await?.into_iter().filter(|(i, _)| public.contains(&i.id)).collect();
    let ids: Vec<i64> = s.store.node_indicators(id).await?.iter().map(|i| i.id).collect();
    let indicators = s.store.public_indicator_sets_of(&code, Some(fy), &ids).await?;
    let has_indicators = !indicators.is_empty();
    let lines = year_lines(&city, indicators, fy);
    let base = year_href(&code, fy);
    let level = plan.level_names.get(node.level as usize).cloned().unwrap_or_default();
    let mut crumbs = year_crumbs(&city, fy);
    crumbs.push((plan.name.clone(), format!("{base}/plans/{}", plan.id)));
    if let Some(p) = parent {
        crumbs.push((format!("{} {}", p.code, p.title), format!("{base}/nodes/{}", p.id)));
    }
    Ok(public_page(
        &format!("{} {}", node.code, node.title),
        Some(&city),
        &crumbs,
        html! {
            @if !level.is_empty() { p class="note" { (level) } }
            @if !children.is_empty() {
                h2 { "下位の項目" }
                ul { @for c in &children { li { span class="code" { (c.code) } a href={ (base) "/nodes/" (c.id) } { (c.title) } } } }
            }
            @if has_indicators {
                h2 { "指標（" (fy.label()) "）" }
                (indicator_table(&base, fy, &lines))
            }
            h2 { "事業・取組（" (fy.label()) "）" }
            @if items.is_empty() {
                p { "この年度に公開されている事業・取組はありません。" }
            } @else {
                ul {
                    @for (i, relisting) in &items {
                        li {
                            span class="code" { (i.code) }
                            a href={ (base) "/items/" (i.id) } { (i.title) }
                            @if *relisting { span class="badge" { "再掲" } }
                        }
                    }
                }
            }
            (download_links(&base, &[("indicators", "指標")], &format!("node={id}")))
        },
    ))
}

pub(super) async fn items(State(s): State<AppState>, PublicParams((code, fy)): PublicParams<(CityCode, Fy)>) -> Page {
    let (city, fy) = public_year(&s, &code, fy).await?;
    let items = s.store.public_item_sets(&code, Some(fy)).await?;
    let scales = s.store.scales(&code).await?;
    let base = year_href(&code, fy);
    let rows: Vec<_> = items.iter().map(|p| (p, &p.evaluations, p.next_direction(fy), &p.sections)).collect();
    Ok(public_page(
        &format!("事業と評価（{}）", fy.label()),
        Some(&city),
        &year_crumbs(&city, fy),
        html! {
            p { (fy.label()) "に公開されている事業・取組と、その評価です。" }
            @if rows.is_empty() {
                p { "この年度に公開されている事業・取組はありません。" }
            } @else {
                div class="table-scroll" tabindex="0" role="group" aria-label="表（横にスクロールできます）" {
                    table {
                        caption { "事業・取組の一覧（" (rows.len()) "件）" }
                        thead { tr {
                            th scope="col" { "コード" } th scope="col" { "事業・取組" } th scope="col" { "担当" }
                            th scope="col" { "評価" } th scope="col" { "今後の方向性" }
                        } }
                        tbody {
                            @for (p, grades, direction, sections) in &rows {
                                tr {
                                    td { (p.item.code) }
                                    th scope="row" { a href={ (base) "/items/" (p.item.id) } { (p.item.title) } }
                                    td { (sections_text(sections)) }
                                    td {
                                        @for (i, e) in grades.iter().enumerate() {
                                            @if i > 0 { br; }
                                            (e.stage.label()) "（" (e.evaluator.label()) "）: "
                                            (e.grade.clone().unwrap_or_default())
                                            @if let Some(l) = grade_label(&scales, e) { " " (l) }
                                        }
                                    }
                                    td { @if let Some(d) = direction { (d.printed) } }
                                }
                            }
                        }
                    }
                }
            }
            (download_links(&base, &[("evaluations", "評価"), ("nodes", "施策体系と事業")], ""))
        },
    ))
}

fn sections_text(sections: &[(String, String)]) -> String {
    sections
        .iter()
        .map(|(d, s)| if d.is_empty() { s.clone() } else { format!("{d} {s}") })
        .collect::<Vec<_>>()
        .join("、")
}

/// The meaning of a grade from its scale's printed legend; none when the
/// scale prints no legend (no meaning is invented).
fn grade_label(scales: &[EvaluationScale], e: &EvaluationRow) -> Option<String> {
    let scale = scales.iter().find(|s| Some(&s.code) == e.scale.as_ref())?;
    if !scale.legend_printed {
        return None;
    }
    scale.grade(e.grade.as_deref()?).map(|g| g.label.clone())
}

pub(super) async fn item(
    State(s): State<AppState>,
    PublicParams((code, fy, id)): PublicParams<(CityCode, Fy, Id)>,
) -> Page {
    let (city, fy) = public_year(&s, &code, fy).await?;
    let not_found = || AppError::NotFound("事業".into());
    let Id(id) = id;
    // The item with its sections, placements, grades, budget and
    // direction of the year, read as a set of one.
    let p = s.store.public_item_set(&code, fy, id).await?.ok_or_else(not_found)?;
    let item = &p.item;
    let sections = &p.sections;
    let narratives = s.store.public_narratives(item, fy).await?;
    let layout = s.store.layout_for(item).await?;
    // Only a kind with a 工程表 (小平市) reads one.
    let roadmap = if layout.has(SectionKind::Roadmap) { s.store.roadmap_of_year(id, fy).await? } else { Vec::new() };
    let schedule = s.store.public_schedule(id, fy).await?;
    let direction = p.next_direction(fy);
    let grades = &p.evaluations;
    let budgets = &p.budgets;
    let scales = s.store.scales(&code).await?;
    // The item's own indicators and, for an item that heads a plan node
    // (三島市's 施策), the node's, as its sheet has them; not the city's,
    // which would grow with it.
    let mut placed: Vec<(i64, String, i64)> = p
        .placements
        .iter()
        .filter(|pl| !pl.relisting)
        .map(|pl| (pl.node_id, pl.node_code.clone(), pl.plan_id))
        .collect();
    placed.sort_by_key(|x| x.0);
    let scope = s.store.entry_scope_placed(item, &placed).await?;
    let mut ids: Vec<i64> = s.store.item_indicators(id).await?.iter().map(|i| i.id).collect();
    ids.extend(scope.node_indicators.iter().map(|i| i.id).filter(|n| !ids.contains(n)).collect::<Vec<_>>());
    // The child rows of its sheet kind (三島市's 施策の方向, 東村山市's
    // objectives) published in the year, under their section's heading.
    let below: Vec<i64> = scope.below.iter().filter(|c| layout.rows_for(&c.kind).is_some()).map(|c| c.id).collect();
    let published_below =
        if below.is_empty() { Vec::new() } else { s.store.public_item_sets_of(&code, Some(fy), &below).await? };
    let mut below_texts =
        s.store.public_narratives_of(&published_below.iter().map(|p| &p.item).collect::<Vec<_>>(), fy).await?;
    let mut child_groups = Vec::new();
    for (section, rows) in layout.child_sections() {
        let mut group = Vec::new();
        for child in scope.below.iter().filter(|c| rows.item_kinds.contains(&c.kind)) {
            let Some(set) = published_below.iter().find(|p| p.item.id == child.id) else { continue };
            group.push((set, below_texts.remove(&set.item.id).unwrap_or_default()));
        }
        if !group.is_empty() {
            child_groups.push((section.label.clone(), group));
        }
    }
    let indicators = s.store.public_indicator_sets_of(&code, Some(fy), &ids).await?;
    let has_indicators = !indicators.is_empty();
    let lines = year_lines(&city, indicators, fy);
    // Where the item sits, linked to the node's page.
    let plans = s.store.plans(&code).await?;
    let placed: Vec<_> = p
        .placements
        .iter()
        .filter_map(|pl| Some((plans.iter().find(|x| x.id == pl.plan_id)?.name.clone(), pl)))
        .collect();
    let base = year_href(&code, fy);
    let other_years: Vec<FiscalYear> = p.years.iter().copied().filter(|y| *y != fy).collect();
    Ok(public_page(
        &format!("{} {}", item.code, item.title),
        Some(&city),
        &year_crumbs(&city, fy),
        html! {
            dl class="facts" {
                dt { "年度" } dd { (fy.label_with_western()) }
                @if !sections.is_empty() { dt { "担当" } dd { (sections_text(sections)) } }
                @if !item.tags.is_empty() { dt { "区分" } dd { @for t in &item.tags { span class="badge" { (t) } } } }
                @if !placed.is_empty() {
                    dt { "計画での位置付け" }
                    dd {
                        @for (i, (plan, n)) in placed.iter().enumerate() {
                            @if i > 0 { br; }
                            (plan) " " a href={ (base) "/nodes/" (n.node_id) } { span class="code" { (n.node_code) } (n.node_title) }
                            @if n.relisting { span class="badge" { "再掲" } }
                        }
                    }
                }
                @if !other_years.is_empty() {
                    dt { "ほかの年度" }
                    dd { @for (i, y) in other_years.iter().enumerate() {
                        @if i > 0 { "、" }
                        a href={ (year_href(&code, *y)) "/items/" (id) } { (y.label()) }
                    } }
                }
            }
            @for n in &narratives {
                section class="narrative" {
                    h2 { (n.label) }
                    (narrative(&n.text))
                }
            }
            @for (label, group) in &child_groups {
                section class="child-rows" {
                    h2 { (label) }
                    @for (child, texts) in group {
                        h3 {
                            a href={ (base) "/items/" (child.item.id) } {
                                span class="code" { (child.item.code) } " " (child.item.title)
                            }
                        }
                        @for n in texts {
                            h4 { (n.label) }
                            (narrative(&n.text))
                        }
                        @for e in &child.evaluations {
                            p {
                                (e.stage.label()) "（" (e.evaluator.label()) "）: " (e.grade.clone().unwrap_or_default())
                                @if let Some(l) = grade_label(&scales, e) { " " (l) }
                            }
                        }
                    }
                }
            }
            @if !grades.is_empty() {
                h2 { "評価" }
                div class="table-scroll" tabindex="0" role="group" aria-label="表（横にスクロールできます）" {
                    table {
                        caption class="sr-only" { (fy.label()) "の評価" }
                        thead { tr {
                            th scope="col" { "段階" } th scope="col" { "評価者" } th scope="col" { "評価" }
                            th scope="col" { "評価の意味" } th scope="col" { "意見" }
                        } }
                        tbody {
                            @for e in grades.iter() {
                                tr {
                                    th scope="row" { (e.stage.label()) }
                                    td { (e.evaluator.label()) }
                                    td { (e.grade.clone().unwrap_or_default()) }
                                    td { (grade_label(&scales, e).unwrap_or_default()) }
                                    td { (e.comment.clone().unwrap_or_default()) }
                                }
                            }
                        }
                    }
                }
            }
            @if let Some(d) = direction {
                h2 { "今後の方向性" }
                p {
                    (d.printed)
                    @if let Some(r) = &d.reason { "（" (r) "）" }
                    @if let Some(t) = &d.transfer { " " span class="badge" { "事務移管" } " " (t) }
                }
            }
            @if has_indicators {
                h2 { "指標" }
                (indicator_table(&base, fy, &lines))
            }
            @if !budgets.is_empty() {
                h2 { "予算と決算" }
                (budget_table(&budgets.iter().map(|b| BudgetLine { code: &item.code, title: &item.title, link: None, budget: b, counted: true }).collect::<Vec<_>>(), fy, false))
                @if budgets.iter().any(|b| !b.figures.funding.is_empty() || !b.figures.staff.is_empty()) {
                    h2 { "財源内訳とトータルコスト" }
                    (cost_table(budgets))
                }
            }
            @if !schedule.is_empty() { (schedule_table(&schedule)) }
            @if !roadmap.is_empty() { (roadmap_table(&roadmap)) }
            (download_links(&base, &[("indicators", "指標"), ("evaluations", "評価"), ("budgets", "予算・決算")], &format!("item={id}")))
        },
    ))
}

/// Links to the open-data files of what a page shows (`filter` is the query
/// that narrows a table to the page: `item=12`).
fn download_links(base: &str, tables: &[(&str, &str)], filter: &str) -> Markup {
    let amp = if filter.is_empty() { String::new() } else { format!("&{filter}") };
    let q = if filter.is_empty() { String::new() } else { format!("?{filter}") };
    html! {
        section class="downloads" aria-label="このページのデータ" {
            h2 { "このページのデータ" }
            ul {
                @for (table, label) in tables {
                    li {
                        (label) "："
                        a href={ (base) "/data/" (table) (q) } { "CSV" }
                        a href={ (base) "/data/" (table) "?format=json" (amp) } { "JSON" }
                    }
                }
            }
            p class="note" { a href={ (base) "/data" } { "この年度のオープンデータの一覧と説明" } }
        }
    }
}

// ---------------------------------------------------------------- indicators

/// One indicator's values and judgements per fiscal year, as the open data
/// gives them (the same rows, the same computed judgement).
struct YearLine {
    fiscal_year: FiscalYear,
    baseline: Option<IndicatorRow>,
    target: Option<IndicatorRow>,
    actual: Option<IndicatorRow>,
}

fn lines_of(
    m: &Municipality,
    ind: &IndicatorRecord,
    values: Vec<hyoka_store::IndicatorValue>,
    judgements: Vec<hyoka_store::JudgementRecord>,
) -> Vec<YearLine> {
    let city = CityData {
        municipality: m.clone(),
        plans: Vec::new(),
        items: Vec::new(),
        indicators: vec![IndicatorData { indicator: ind.clone(), values, judgements }],
        scales: Vec::new(),
    };
    let mut lines: Vec<YearLine> = Vec::new();
    for row in indicator_rows(&city) {
        let fy = row.fiscal_year;
        if lines.last().is_none_or(|l| l.fiscal_year != fy) {
            lines.push(YearLine { fiscal_year: fy, baseline: None, target: None, actual: None });
        }
        let line = lines.last_mut().expect("just pushed");
        match row.role {
            ValueRole::Baseline => line.baseline = Some(row),
            ValueRole::Target => line.target = Some(row),
            ValueRole::Actual => line.actual = Some(row),
        }
    }
    lines
}

/// Each indicator with its line of year `fy`, from the cells and
/// judgements of the published years (read as one set).
fn year_lines(
    city: &PublicCity,
    indicators: Vec<PublicIndicatorSet>,
    fy: FiscalYear,
) -> Vec<(IndicatorRecord, YearLine)> {
    let published = city.fiscal_years();
    let mut out = Vec::new();
    for mut p in indicators {
        p.values.retain(|v| published.contains(&v.fiscal_year));
        p.judgements.retain(|j| published.contains(&j.fiscal_year));
        let lines = lines_of(&city.municipality, &p.indicator, p.values, p.judgements);
        if let Some(line) = lines.into_iter().find(|l| l.fiscal_year == fy) {
            out.push((p.indicator, line));
        }
    }
    out
}

fn printed(r: &Option<IndicatorRow>) -> String {
    r.as_ref().map(|r| r.printed.clone()).unwrap_or_default()
}

fn judgement(r: &Option<IndicatorRow>) -> (String, String) {
    match r {
        Some(r) => (r.judgement.clone().unwrap_or_default(), r.judgement_computed.clone().unwrap_or_default()),
        None => (String::new(), String::new()),
    }
}

fn indicator_table(base: &str, fy: FiscalYear, lines: &[(IndicatorRecord, YearLine)]) -> Markup {
    html! {
        div class="table-scroll" tabindex="0" role="group" aria-label="表（横にスクロールできます）" {
            table {
                caption class="sr-only" { (fy.label()) "の指標の目標と実績" }
                thead { tr {
                    th scope="col" { "指標" } th scope="col" { "種類" } th scope="col" { "目標" } th scope="col" { "実績" }
                    th scope="col" { "判定（記載）" } th scope="col" { "判定（計算）" }
                } }
                tbody {
                    @for (ind, line) in lines {
                        @let (j, jc) = judgement(&line.actual);
                        tr {
                            th scope="row" { a href={ (base) "/indicators/" (ind.id) } { (ind.name) } }
                            td { (ind.kind.label()) }
                            td { (printed(&line.target)) }
                            td { (printed(&line.actual)) }
                            td { (j) }
                            td { (jc) }
                        }
                    }
                }
            }
        }
    }
}

pub(super) async fn indicators(
    State(s): State<AppState>,
    PublicParams((code, fy)): PublicParams<(CityCode, Fy)>,
) -> Page {
    let (city, fy) = public_year(&s, &code, fy).await?;
    let indicators = s.store.public_indicator_sets(&code, Some(fy)).await?;
    let lines = year_lines(&city, indicators, fy);
    let base = year_href(&code, fy);
    Ok(public_page(
        &format!("指標の目標と実績（{}）", fy.label()),
        Some(&city),
        &year_crumbs(&city, fy),
        html! {
            p {
                (fy.label()) "に値が公開されている指標です。判定は、資料に記載された判定と、目標と実績から計算した判定を並べています。"
                "両者が異なることもあります。"
            }
            @if lines.is_empty() {
                p { "この年度に公開されている指標はありません。" }
            } @else {
                (indicator_table(&base, fy, &lines))
            }
            (download_links(&base, &[("indicators", "指標")], ""))
        },
    ))
}

pub(super) async fn indicator(
    State(s): State<AppState>,
    PublicParams((code, fy, id)): PublicParams<(CityCode, Fy, Id)>,
) -> Page {
    let (city, fy) = public_year(&s, &code, fy).await?;
    let not_found = || AppError::NotFound("指標".into());
    let Id(id) = id;
    let p = s.store.public_indicator_sets_of(&code, Some(fy), &[id]).await?.pop().ok_or_else(not_found)?;
    let ind = &p.indicator;
    // The trend as of this year: every published year up to it, and what
    // published documents printed of other years (a baseline of H22, a
    // target ahead).
    let published = city.fiscal_years();
    let years: Vec<FiscalYear> = p.years.iter().copied().filter(|y| *y <= fy || !published.contains(y)).collect();
    let values: Vec<_> = p.values.iter().filter(|v| years.contains(&v.fiscal_year)).cloned().collect();
    let judgements = p.judgements.iter().filter(|j| years.contains(&j.fiscal_year)).cloned().collect();
    let lines = lines_of(&city.municipality, ind, values.clone(), judgements);
    let mut chart = TrendChart::new("indicator-trend", &ind.name, ind.unit.as_deref());
    for y in &years {
        let cell =
            |role: ValueRole| values.iter().find(|v| v.fiscal_year == *y && v.role == role).map(|v| v.cell.clone());
        let cells = YearCells {
            baseline: cell(ValueRole::Baseline),
            target: cell(ValueRole::Target),
            actual: cell(ValueRole::Actual),
        };
        if cells != YearCells::default() {
            chart = chart.year(*y, cells);
        }
    }
    let baselines = lines.iter().any(|l| l.baseline.is_some());
    let rows: Vec<TrendLine> = lines
        .iter()
        .map(|l| {
            let (printed_j, computed_j) = judgement(&l.actual);
            TrendLine {
                year: l.fiscal_year.label(),
                baseline: html! { td { (printed(&l.baseline)) } },
                target: html! { td { (printed(&l.target)) } },
                actual: html! { td { (printed(&l.actual)) } },
                printed: Some(printed_j).filter(|j| !j.is_empty()),
                computed: Some(computed_j).filter(|j| !j.is_empty()),
            }
        })
        .collect();
    let base = year_href(&code, fy);
    let item = match ind.item_id {
        Some(item) => s.store.public_item(&code, item, Some(fy)).await?,
        None => None,
    };
    let node = match ind.node_id {
        Some(n) => s.store.node(n).await.ok(),
        None => None,
    };
    Ok(public_page(
        &ind.name,
        Some(&city),
        &year_crumbs(&city, fy),
        html! {
            dl class="facts" {
                dt { "種類" } dd { (ind.kind.label()) }
                @if let Some(d) = &ind.definition { dt { "指標の説明・計算式" } dd { (d) } }
                @if let Some(u) = &ind.unit { dt { "単位" } dd { (u) } }
                dt { "目指す方向" } dd { (ind.direction.label()) }
                @if let Some(i) = &item {
                    dt { "事業" } dd { a href={ (base) "/items/" (i.item.id) } { (i.item.code) " " (i.item.title) } }
                }
                @if let Some(n) = &node {
                    dt { "施策" } dd { a href={ (base) "/nodes/" (n.id) } { (n.code) " " (n.title) } }
                }
            }
            section class="trend" aria-labelledby="trend-title" {
                h2 id="trend-title" { "目標と実績の推移（" (fy.label()) "まで）" }
                (trend_chart_and_table(&chart, &rows, baselines, Some("公開されている年度の値だけを示しています。")))
            }
            (download_links(&base, &[("indicators", "指標")], &format!("indicator={id}&through=1")))
        },
    ))
}

// ---------------------------------------------------------------- budgets

pub(super) async fn budgets(State(s): State<AppState>, PublicParams((code, fy)): PublicParams<(CityCode, Fy)>) -> Page {
    let (city, fy) = public_year(&s, &code, fy).await?;
    let items = s.store.public_item_sets(&code, Some(fy)).await?;
    let base = year_href(&code, fy);
    let budgets: Vec<_> = items.iter().flat_map(|p| p.budgets.iter().map(move |b| (p, b))).collect();
    let lines: Vec<BudgetLine> = budgets
        .iter()
        .map(|(p, b)| BudgetLine {
            code: &p.item.code,
            title: &p.item.title,
            link: Some(format!("{base}/items/{}", p.item.id)),
            budget: b,
            // A re-listing (再掲) repeats another item's money.
            counted: p.item.relisting_of.is_none(),
        })
        .collect();
    Ok(public_page(
        &format!("予算と決算（{}）", fy.label()),
        Some(&city),
        &year_crumbs(&city, fy),
        html! {
            p {
                "執行率は、決算額を最終予算額（ない場合は当初予算額）で割った割合です（小数第1位で四捨五入）。"
                "資料に記載された執行率も並べています。"
            }
            @if lines.is_empty() {
                p { "この年度に公開されている予算・決算はありません。" }
            } @else {
                (budget_table(&lines, fy, true))
                @if lines.iter().any(|l| !l.counted) { p class="note" { "合計には再掲の事業を含めていません。" } }
            }
            (download_links(&base, &[("budgets", "予算・決算")], ""))
        },
    ))
}

/// One budget row of a table.
struct BudgetLine<'a> {
    code: &'a str,
    title: &'a str,
    link: Option<String>,
    budget: &'a hyoka_core::sheet::BudgetRow,
    /// Whether the row adds to the total.
    counted: bool,
}

/// An item's 財源内訳 and トータルコスト by year (事業費 + 人件費, where 人件費
/// = staff hours × the hourly cost), the printed figures beside the computed.
fn cost_table(budgets: &[hyoka_core::sheet::BudgetRow]) -> Markup {
    html! {
        div class="table-scroll" tabindex="0" role="group" aria-label="表（横にスクロールできます）" {
            table {
                caption class="sr-only" { "財源内訳とトータルコスト（円）" }
                thead { tr {
                    th scope="col" { "年度" } th scope="col" { "国庫支出金" } th scope="col" { "都道府県支出金" }
                    th scope="col" { "地方債" } th scope="col" { "その他" } th scope="col" { "一般財源" }
                    th scope="col" { "従事時間" } th scope="col" { "人件費単価" } th scope="col" { "人件費" }
                    th scope="col" { "トータルコスト" } th scope="col" { "トータルコスト（計算）" }
                } }
                tbody {
                    @for b in budgets {
                        @let f = &b.figures;
                        tr {
                            th scope="row" { (b.fiscal_year.label()) }
                            td class="num" { (yen(f.funding.national)) }
                            td class="num" { (yen(f.funding.prefectural)) }
                            td class="num" { (yen(f.funding.bonds)) }
                            td class="num" { (yen(f.funding.other)) }
                            td class="num" { (yen(f.general_revenue)) }
                            td class="num" { (f.staff.hours.map(|h| h.to_string()).unwrap_or_default()) }
                            td class="num" { (yen(f.staff.hourly)) }
                            td class="num" { (yen(f.staff.personnel)) }
                            td class="num" { (yen(f.staff.total)) }
                            td class="num" { (yen(f.computed_total_cost())) }
                        }
                    }
                }
            }
        }
    }
}

fn budget_table(lines: &[BudgetLine], fy: FiscalYear, total: bool) -> Markup {
    let sum = |f: fn(&hyoka_core::BudgetFigures) -> Option<hyoka_core::Yen>| -> Option<hyoka_core::Yen> {
        let v: Vec<i64> =
            lines.iter().filter(|l| l.counted).filter_map(|l| f(&l.budget.figures)).map(|y| y.yen()).collect();
        (!v.is_empty()).then(|| hyoka_core::Yen(v.iter().sum()))
    };
    html! {
        div class="table-scroll" tabindex="0" role="group" aria-label="表（横にスクロールできます）" {
            table {
                caption class="sr-only" { (fy.label()) "の予算と決算（円）" }
                thead { tr {
                    th scope="col" { "事業" } th scope="col" { "当初予算額" } th scope="col" { "最終予算額" }
                    th scope="col" { "決算額" } th scope="col" { "執行率（計算）" } th scope="col" { "執行率（記載）" }
                } }
                tbody {
                    @for l in lines {
                        @let f = &l.budget.figures;
                        tr {
                            th scope="row" {
                                span class="code" { (l.code) }
                                @match &l.link {
                                    Some(href) => a href=(href) { (l.title) },
                                    None => (l.title),
                                }
                                @if !l.counted { span class="badge" { "再掲" } }
                            }
                            td class="num" { (yen(f.initial)) }
                            td class="num" { (yen(f.final_budget)) }
                            td class="num" { (yen(f.settlement)) }
                            td class="num" { (f.execution_rate().map(|r| r.to_string()).unwrap_or_default()) }
                            td class="num" { (l.budget.execution_rate_printed.clone().unwrap_or_default()) }
                        }
                    }
                    @if total && lines.len() > 1 {
                        tr class="total" {
                            th scope="row" { "合計" }
                            td class="num" { (yen(sum(|f| f.initial))) }
                            td class="num" { (yen(sum(|f| f.final_budget))) }
                            td class="num" { (yen(sum(|f| f.settlement))) }
                            td {} td {}
                        }
                    }
                }
            }
        }
    }
}

/// The 工程表 of the year: a row per 実施内容, a column per year any row
/// names, each cell with its 計画 and 実績 as entered.
fn roadmap_table(rows: &[hyoka_core::roadmap::RoadmapRow]) -> Markup {
    let mut years: Vec<hyoka_core::FiscalYear> = rows.iter().flat_map(|r| r.cells.iter().map(|c| c.year)).collect();
    years.sort();
    years.dedup();
    html! {
        h2 id="roadmap" { "工程表" }
        div class="table-scroll" tabindex="0" role="group" aria-label="表（横にスクロールできます）" {
            table {
                caption class="sr-only" { "工程表（年度ごとの計画と実績）" }
                thead { tr { th scope="col" { "実施内容" } @for y in &years { th scope="col" { (y.label()) } } } }
                tbody {
                    @for r in rows {
                        tr {
                            th scope="row" { (r.step) }
                            @for y in &years {
                                td {
                                    @if !r.planned(*y).is_empty() { span { "計画: " (r.planned(*y)) } }
                                    @if !r.planned(*y).is_empty() && !r.actual(*y).is_empty() { br; }
                                    @if !r.actual(*y).is_empty() { span { "実績: " (r.actual(*y)) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
