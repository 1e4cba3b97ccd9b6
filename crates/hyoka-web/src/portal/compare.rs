//! Indicators compared across cities: those whose name contains the words
//! asked for (width and case folded, as search does), optionally of one
//! kind (成果指標, 活動指標, KPI), with the published values of every city.

use std::collections::BTreeSet;

use super::PublicQuery;
use axum::extract::State;
use hyoka_core::{FiscalYear, IndicatorKind, ValueRole};
use hyoka_report::opendata::compare::compare_page;
use maud::{html, Markup};
use serde::Deserialize;

use super::{public_page, year_href, Page};
use crate::AppState;

/// Indicators shown on one page; links turn to the next and previous ones.
const PAGE: u64 = 100;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct CompareQuery {
    /// Words of the indicator's name.
    pub indicator: String,
    /// An indicator kind, by code (`outcome`) or label (`成果指標`); empty
    /// for any.
    pub kind: String,
    /// The first indicator shown (0 for the first page); anything but a
    /// number is the first page.
    pub offset: String,
}

impl CompareQuery {
    /// The kind asked for; `Err` names the field when it is not one.
    pub fn kind(&self) -> Result<Option<IndicatorKind>, String> {
        let k = self.kind.trim();
        if k.is_empty() {
            return Ok(None);
        }
        k.parse::<IndicatorKind>()
            .map(Some)
            .map_err(|_| format!("指標の種類「{k}」は使えません（outcome、activity、kpi、population のいずれか）"))
    }
}

/// The comparison form; `indicator` and `kind` are what was asked.
pub(super) fn form(indicator: &str, kind: &str) -> Markup {
    html! {
        form method="get" action="/p/compare" class="compare" {
            p {
                label for="compare-indicator" { "指標名（の一部）" }
                br;
                input id="compare-indicator" type="search" name="indicator" value=(indicator) size="30";
            }
            p {
                label for="compare-kind" { "指標の種類" }
                br;
                select id="compare-kind" name="kind" {
                    option value="" selected[kind.is_empty()] { "すべて" }
                    @for k in IndicatorKind::ALL {
                        option value=(k.code()) selected[kind == k.code()] { (k.label()) }
                    }
                }
            }
            p { button type="submit" { "比べる" } }
        }
    }
}

pub(super) async fn page(State(s): State<AppState>, PublicQuery(q): PublicQuery<CompareQuery>) -> Page {
    let offset: u64 = q.offset.trim().parse().unwrap_or(0);
    let (found, error) = match q.kind() {
        Ok(kind) => (Some(compare_page(&s.store, &q.indicator, kind, offset, PAGE).await?), None),
        Err(e) => (None, Some(e)),
    };
    let total = found.as_ref().map_or(0, |f| f.total);
    let groups = found.map(|f| f.groups).unwrap_or_default();
    // Links to the neighbouring pages keep what was asked.
    let href = |o: u64| {
        let mut h = format!("/p/compare?indicator={}", crate::http::url::encode(&q.indicator));
        if !q.kind.trim().is_empty() {
            h.push_str(&format!("&kind={}", crate::http::url::encode(q.kind.trim())));
        }
        if o > 0 {
            h.push_str(&format!("&offset={o}"));
        }
        h
    };
    let prev = (offset > 0).then(|| offset.saturating_sub(PAGE).min(total.saturating_sub(1) / PAGE * PAGE));
    let next = offset.checked_add(PAGE).filter(|n| *n < total);
    let asked = !q.indicator.trim().is_empty() || !q.kind.trim().is_empty();
    let years: Vec<FiscalYear> = {
        let set: BTreeSet<FiscalYear> = groups.iter().flat_map(|g| g.rows.iter().map(|r| r.fiscal_year)).collect();
        set.into_iter().collect()
    };
    Ok(public_page(
        "指標を自治体どうしで比べる",
        None,
        &[],
        html! {
            p {
                "名前に同じ言葉を含む指標を、公開されている自治体の値で並べます。"
                "指標の定義や調べ方は自治体ごとに異なることがあるため、各指標のページで説明を確かめてください。"
            }
            @if let Some(e) = &error { p class="error" role="alert" { (e) } }
            (form(&q.indicator, q.kind.trim()))
            @if asked && error.is_none() {
                h2 { "結果" }
                @if total == 0 {
                    p { "該当する公開済みの指標はありません。" }
                } @else {
                    p role="status" {
                        (total) "件の指標が見つかりました。"
                        @if groups.is_empty() {
                            "このページに示す指標はありません。"
                        } @else if total > groups.len() as u64 {
                            (offset + 1) "件目から" (offset + groups.len() as u64) "件目までを示します。"
                        }
                    }
                    table {
                        caption { "年度ごとの実績（記載どおりの表記）" }
                        thead { tr {
                            th scope="col" { "自治体" } th scope="col" { "指標" } th scope="col" { "単位" }
                            @for y in &years { th scope="col" { (y.label()) } }
                        } }
                        tbody {
                            @for g in &groups {
                                @let code = &g.municipality.code;
                                @let latest = g.rows.iter().map(|r| r.fiscal_year).max();
                                tr {
                                    td { (g.municipality.name) }
                                    th scope="row" {
                                        @match latest {
                                            Some(fy) => a href={ (year_href(code, fy)) "/indicators/" (g.indicator.id) } { (g.indicator.name) },
                                            None => (g.indicator.name),
                                        }
                                        @if let Some(p) = g.rows.first().and_then(|r| r.project.clone()) {
                                            br; span class="note" { (p) }
                                        }
                                    }
                                    td { (g.rows.iter().find_map(|r| r.unit.clone()).unwrap_or_default()) }
                                    @for y in &years {
                                        td { (g.rows.iter().find(|r| r.fiscal_year == *y && r.role == ValueRole::Actual).map(|r| r.printed.clone()).unwrap_or_default()) }
                                    }
                                }
                            }
                        }
                    }
                    @if prev.is_some() || next.is_some() {
                        nav aria-label="比べた指標のページ" {
                            ul class="pager" {
                                @if let Some(o) = prev { li { a href=(href(o)) rel="prev" { "前の" (PAGE) "件" } } }
                                @if let Some(o) = next { li { a href=(href(o)) rel="next" { "次の" (PAGE) "件" } } }
                            }
                        }
                    }
                    p class="note" {
                        "目標と判定を含むすべての値は、API の "
                        code { "/api/v1/compare" }
                        " で入手できます。"
                    }
                }
            }
        },
    ))
}
