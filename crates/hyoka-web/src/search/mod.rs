//! Full-text search over a city's sheets and narratives.
//!
//! A GET form, so it works without JavaScript and a result list can be
//! bookmarked or shared. Only the signed-in person's own city is searched:
//! the route names the city, and `Staff::require` turns any other city into
//! "not found". Matches are marked with `<mark>`; every fragment is text that
//! maud escapes, so a stored script stays text.

use crate::http::Query;
use axum::extract::State;
use hyoka_core::access::Action;
use hyoka_core::layout::item_kind_label as kind_label;
use hyoka_store::{Fragment, SearchHit};
use maud::{html, Markup};
use serde::Deserialize;

use crate::http::{AppError, CityCode, Params, Routes, Rule, Staff};
use crate::ui::shell::staff_page;
use crate::AppState;

/// Sheets linked per result, newest first; the item page lists them all.
const MAX_SHEET_LINKS: usize = 3;

/// Results shown on one page; more are counted and the person is asked to
/// narrow the query.
const LIMIT: usize = 100;

pub fn routes(r: Routes) -> Routes {
    r.get("/m/{code}/search", Rule::View, search)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SearchQuery {
    q: String,
}

async fn search(
    State(s): State<AppState>,
    staff: Staff,
    Params(code): Params<CityCode>,
    Query(query): Query<SearchQuery>,
) -> Result<Markup, AppError> {
    staff.require(Action::View, &code, &[])?;
    let city = s.store.municipality(&code).await?;
    let q = query.q.trim();
    let results = s.store.search(&code, q, LIMIT).await?;
    let title = if q.is_empty() { "検索".to_string() } else { format!("「{q}」の検索結果") };
    Ok(staff_page(
        staff.bar(),
        &title,
        &[(city.name.clone(), format!("/m/{code}"))],
        html! {
            (search_form(&code, q))
            @if q.is_empty() {
                div class="note" {
                    p { (city.name) "の調査票・評価シートの本文、指標名、審査の意見などから探します。" }
                    ul {
                        li { "「予算」「道路」のような2文字の語も探せます。文の途中にある語も見つかります。" }
                        li { "全角と半角、英字の大文字と小文字は区別しません（「ＩＣＴ」と「ict」は同じです）。" }
                        li { "事業番号（例: 企-1）でも探せます。" }
                    }
                }
            } @else if results.terms.is_empty() {
                p { "検索する語を入力してください。" }
            } @else {
                p role="status" {
                    @if results.total == 0 {
                        "「" (q) "」に一致するものは見つかりませんでした。"
                        "語を減らすか、別の言い方でお試しください。"
                    } @else {
                        (results.total) "件見つかりました。"
                        @if results.total > results.hits.len() {
                            "上位" (results.hits.len()) "件を表示しています。語を加えて絞り込んでください。"
                        }
                    }
                }
                @if !results.hits.is_empty() {
                    ol class="results" {
                        @for h in &results.hits { (hit(&code, h)) }
                    }
                }
            }
        },
    ))
}

fn search_form(code: &str, q: &str) -> Markup {
    html! {
        form method="get" action={ "/m/" (code) "/search" } role="search" class="search" {
            p {
                label for="search-q" { "検索する語" }
                br;
                input id="search-q" name="q" type="search" value=(q) maxlength="200" size="40"
                    aria-describedby="search-help";
                " "
                button type="submit" class="primary" { "検索" }
            }
            p id="search-help" class="note" {
                "複数の語は空白で区切ります（例: 「予算 執行」）。すべての語を含むものが見つかります。"
            }
        }
    }
}

fn hit(code: &str, h: &SearchHit) -> Markup {
    html! {
        li {
            p {
                span class="code" { (h.code) }
                a href={ "/m/" (code) "/items/" (h.item_id) } { (marked(&h.title_marked)) }
                @if let Some(kind) = kind_label(&h.kind) { span class="badge" { (kind) } }
                @for fy in h.sheet_years.iter().take(MAX_SHEET_LINKS) {
                    " "
                    a href={ "/m/" (code) "/sheets/" (h.item_id) "/" (fy.year()) } class="note" {
                        (fy.label()) "の調査票"
                    }
                }
            }
            @if !h.excerpt.is_empty() {
                p class="excerpt" { (marked(&h.excerpt)) }
            }
        }
    }
}

/// Text with the matched runs in `<mark>`; maud escapes every run.
fn marked(fragments: &[Fragment]) -> Markup {
    html! {
        @for f in fragments {
            @if f.matched { mark { (f.text) } } @else { (f.text) }
        }
    }
}
