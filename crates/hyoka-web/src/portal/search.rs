//! Search over what a city has published: items with content in published
//! years, matched against that content only (`Store::public_search`).

use super::PublicQuery;
use axum::extract::State;

use super::PublicParams;
use crate::http::CityCode;
use hyoka_store::Fragment;
use maud::{html, Markup};
use serde::Deserialize;

use super::{city_href, public_city, public_page, year_href, Page};
use crate::AppState;

/// Results shown on one page.
const LIMIT: usize = 100;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct SearchQuery {
    q: String,
}

fn marked(fragments: &[Fragment]) -> Markup {
    html! {
        @for f in fragments {
            @if f.matched { mark { (f.text) } } @else { (f.text) }
        }
    }
}

pub(super) async fn search(
    State(s): State<AppState>,
    PublicParams(code): PublicParams<CityCode>,
    PublicQuery(query): PublicQuery<SearchQuery>,
) -> Page {
    let city = public_city(&s, &code).await?;
    let q = query.q.trim();
    let results = s.store.public_search(&code, q, LIMIT).await?;
    let title = if q.is_empty() { "検索".to_string() } else { format!("「{q}」の検索結果") };
    let crumbs = vec![(city.municipality.name.clone(), city_href(&code))];
    Ok(public_page(
        &title,
        Some(&city),
        &crumbs,
        html! {
            form method="get" action={ "/p/" (code) "/search" } role="search" {
                p {
                    label for="search-q" { "調べたい言葉（空白で区切ると、すべてを含むものを探します）" }
                    br;
                    input id="search-q" type="search" name="q" value=(q) size="40";
                    " "
                    button type="submit" { "検索" }
                }
            }
            @if !q.is_empty() {
                p role="status" {
                    @if results.total == 0 {
                        "公開されている内容に「" (q) "」を含むものは見つかりませんでした。"
                    } @else {
                        (results.total) "件見つかりました。"
                        @if results.total > results.hits.len() { "最初の" (results.hits.len()) "件を示します。" }
                    }
                }
                ol class="results" {
                    @for h in &results.hits {
                        li {
                            @if let Some(fy) = h.years.first() {
                                p {
                                    span class="code" { (h.code) }
                                    a href={ (year_href(&code, *fy)) "/items/" (h.item_id) } { (marked(&h.title_marked)) }
                                }
                            }
                            @if !h.excerpt.is_empty() { p { (marked(&h.excerpt)) } }
                            p class="note" {
                                "公開している年度: "
                                @for (i, y) in h.years.iter().enumerate() {
                                    @if i > 0 { "、" }
                                    a href={ (year_href(&code, *y)) "/items/" (h.item_id) } { (y.label()) }
                                }
                            }
                        }
                    }
                }
            }
        },
    ))
}
