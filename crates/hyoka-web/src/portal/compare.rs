//! Indicators compared across cities: those whose name contains the words
//! asked for (width and case folded, as search does), optionally of one
//! kind (成果指標, 活動指標, KPI), with the published values of every city.

use std::collections::BTreeSet;

use super::PublicQuery;
use axum::extract::State;
use hyoka_core::{FiscalYear, IndicatorKind, ValueRole};
use hyoka_report::opendata::compare::compare_rows;
use maud::{html, Markup};
use serde::Deserialize;

use super::{public_page, year_href, Page};
use crate::AppState;

/// Indicators shown on one page; the API pages through all of them.
const MAX_GROUPS: usize = 100;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct CompareQuery {
    /// Words of the indicator's name.
    pub indicator: String,
    /// An indicator kind, by code (`outcome`) or label (`成果指標`); empty
    /// for any.
    pub kind: String,
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
    let (groups, error) = match q.kind() {
        Ok(kind) => (compare_rows(&s.store, &q.indicator, kind).await?, None),
        Err(e) => (Vec::new(), Some(e)),
    };
    let asked = !q.indicator.trim().is_empty() || !q.kind.trim().is_empty();
    let years: Vec<FiscalYear> = {
        let set: BTreeSet<FiscalYear> = groups.iter().flat_map(|g| g.rows.iter().map(|r| r.fiscal_year)).collect();
        set.into_iter().collect()
    };
    let shown = &groups[..groups.len().min(MAX_GROUPS)];
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
                @if groups.is_empty() {
                    p { "該当する公開済みの指標はありません。" }
                } @else {
                    p role="status" {
                        (groups.len()) "件の指標が見つかりました。"
                        @if groups.len() > shown.len() { "最初の" (shown.len()) "件を示します。言葉を足して絞り込んでください。" }
                    }
                    table {
                        caption { "年度ごとの実績（記載どおりの表記）" }
                        thead { tr {
                            th scope="col" { "自治体" } th scope="col" { "指標" } th scope="col" { "単位" }
                            @for y in &years { th scope="col" { (y.label()) } }
                        } }
                        tbody {
                            @for g in shown {
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
