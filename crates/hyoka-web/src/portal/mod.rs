//! The public portal (公開サイト): what cities have published, for anyone,
//! without signing in.
//!
//! Every page reads through the store's publication functions
//! (`Store::public_*`, `hyoka_report::opendata::public_dataset`), which see
//! only fiscal years that the city's admin has locked and published. A city
//! without a published year, a year that is not published, and an item or
//! indicator without content in the year asked for are all "not found"
//! (404), exactly like an id that does not exist: the portal never tells a
//! draft from nothing.
//!
//! Pages: the cities (`/p`), a city (`/p/{code}`), its search, a year
//! (`/p/{code}/{fy}`) with plans → nodes (施策) → items and indicators
//! (charts with their data tables), items with their grades, budgets, and
//! the open data of the year as CSV and JSON, the year's sheets in one PDF
//! or workbook; and a comparison of
//! indicators across cities (`/p/compare`).

mod compare;
mod data;
mod pages;
mod search;
mod sheets;

use hyoka_core::FiscalYear;
use hyoka_store::PublicCity;
use maud::{html, Markup, DOCTYPE};

use crate::http::{Fy, Params, Query, Routes, Rule};
use crate::{AppError, AppState};

pub fn routes(r: Routes) -> Routes {
    r.get("/p", Rule::Public, pages::home)
        .get(STYLESHEET_PATH, Rule::Public, stylesheet)
        .get("/p/compare", Rule::Public, compare::page)
        .get("/p/{code}", Rule::Public, pages::city)
        .get("/p/{code}/search", Rule::Public, search::search)
        .get("/p/{code}/{fy}", Rule::Public, pages::year)
        .get("/p/{code}/{fy}/plans/{plan}", Rule::Public, pages::plan)
        .get("/p/{code}/{fy}/nodes/{node}", Rule::Public, pages::node)
        .get("/p/{code}/{fy}/items", Rule::Public, pages::items)
        .get("/p/{code}/{fy}/items/{item}", Rule::Public, pages::item)
        .get("/p/{code}/{fy}/indicators", Rule::Public, pages::indicators)
        .get("/p/{code}/{fy}/indicators/{indicator}", Rule::Public, pages::indicator)
        .get("/p/{code}/{fy}/budgets", Rule::Public, pages::budgets)
        .get("/p/{code}/{fy}/data", Rule::Public, data::downloads)
        .get("/p/{code}/{fy}/data/{table}", Rule::Public, data::download)
        .get("/p/{code}/{fy}/sheets/{format}", Rule::Public, sheets::book)
}

const STYLESHEET_PATH: &str = "/static/portal.css";

const STYLESHEET: &str = include_str!("../static/portal.css");

async fn stylesheet() -> impl axum::response::IntoResponse {
    use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
    ([(CONTENT_TYPE, "text/css; charset=utf-8"), (CACHE_CONTROL, "public, max-age=3600")], STYLESHEET)
}

/// An error on a portal page. "Not found" gets a page of the portal (a
/// visitor is not sent to the staff's login); anything else is answered as
/// everywhere else.
pub(crate) struct PortalError(AppError);

impl<E: Into<AppError>> From<E> for PortalError {
    fn from(e: E) -> Self {
        PortalError(e.into())
    }
}

impl axum::response::IntoResponse for PortalError {
    fn into_response(self) -> axum::response::Response {
        match self.0 {
            AppError::NotFound(_) => {
                let body = html! {
                    p { "お探しのページは見つかりませんでした。" }
                    p { "公開されていない年度や、公開を取り下げた年度のページは表示されません。" }
                    p { a href="/p" { "公開サイトのトップへ" } }
                };
                (axum::http::StatusCode::NOT_FOUND, public_page("ページが見つかりません", None, &[], body))
                    .into_response()
            }
            AppError::Invalid(message) => {
                let body = html! {
                    p { (message) }
                    p { a href="/p" { "公開サイトのトップへ" } }
                };
                (axum::http::StatusCode::UNPROCESSABLE_ENTITY, public_page("指定を読み取れません", None, &[], body))
                    .into_response()
            }
            other => other.into_response(),
        }
    }
}

/// A portal page, or why there is none.
pub(crate) type Page = Result<Markup, PortalError>;

/// A portal page's path parameters; one that cannot be read is the
/// portal's own "not found" page.
pub(crate) struct PublicParams<T>(pub T);

impl<T: serde::de::DeserializeOwned + Send, S: Send + Sync> axum::extract::FromRequestParts<S> for PublicParams<T> {
    type Rejection = PortalError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, PortalError> {
        Ok(PublicParams(<Params<T> as axum::extract::FromRequestParts<S>>::from_request_parts(parts, state).await?.0))
    }
}

/// A portal page's query (`crate::http::Query`, read strictly); one that
/// cannot be read is the portal's own 422 page naming the field.
pub(crate) struct PublicQuery<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequestParts<S> for PublicQuery<T> {
    type Rejection = PortalError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, PortalError> {
        Ok(PublicQuery(<Query<T> as axum::extract::FromRequestParts<S>>::from_request_parts(parts, state).await?.0))
    }
}

/// A published city, or "not found".
async fn public_city(s: &AppState, code: &str) -> Result<PublicCity, AppError> {
    s.store.public_city(code).await?.ok_or_else(|| AppError::NotFound("公開されている自治体".into()))
}

/// A published year of a published city, or "not found".
async fn public_year(s: &AppState, code: &str, Fy(fy): Fy) -> Result<(PublicCity, FiscalYear), AppError> {
    let city = public_city(s, code).await?;
    if city.includes(fy) {
        Ok((city, fy))
    } else {
        Err(AppError::NotFound("公開されている年度".into()))
    }
}

fn city_href(code: &str) -> String {
    format!("/p/{code}")
}

fn year_href(code: &str, fy: FiscalYear) -> String {
    format!("/p/{code}/{}", fy.year())
}

/// The crumbs of a page within a city's year.
fn year_crumbs(city: &PublicCity, fy: FiscalYear) -> Vec<(String, String)> {
    let code = &city.municipality.code;
    vec![(city.municipality.name.clone(), city_href(code)), (fy.label(), year_href(code, fy))]
}

/// The page shell of the portal: no sign-in bar, the city's search box
/// when the page belongs to a city, breadcrumbs from the portal's top, and
/// the page's own title as the last crumb (the current page).
fn public_page(title: &str, city: Option<&PublicCity>, crumbs: &[(String, String)], body: Markup) -> Markup {
    let site = match city {
        Some(c) => format!("{} 行政評価 公開サイト", c.municipality.name),
        None => "行政評価 公開サイト".to_string(),
    };
    html! {
        (DOCTYPE)
        html lang="ja" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { @if title == site { (title) } @else { (title) " | " (site) } }
                link rel="stylesheet" href="/static/hyoka.css";
                link rel="stylesheet" href=(STYLESHEET_PATH);
            }
            body class="portal" {
                a class="skip" href="#main" { "本文へ移動" }
                header class="site" {
                    a href="/p" class="brand" { "行政評価 " span { "公開サイト" } }
                    @if let Some(c) = city {
                        form method="get" action={ "/p/" (c.municipality.code) "/search" } class="inline search" role="search" aria-label="サイト内検索" {
                            label for="portal-search" { (c.municipality.name) "の公開情報を検索" }
                            " "
                            input id="portal-search" type="search" name="q";
                            " "
                            button type="submit" { "検索" }
                        }
                    }
                }
                nav aria-label="パンくずリスト" class="crumbs" {
                    ol {
                        li { a href="/p" { "公開サイト" } }
                        @for (label, href) in crumbs {
                            li { a href=(href) { (label) } }
                        }
                        @if !crumbs.is_empty() || title != "行政評価 公開サイト" {
                            li { span aria-current="page" { (title) } }
                        }
                    }
                }
                main id="main" {
                    h1 { (title) }
                    (body)
                }
                footer class="site" {
                    p {
                        "掲載しているのは、各自治体が確定し公開した年度の行政評価です。"
                        "データは "
                        a href="/api/v1/openapi.json" { "API（/api/v1/）" }
                        " とオープンデータ（CSV・JSON、CC BY 4.0）でも利用できます。"
                    }
                    p { a href="/login" { "職員の方はこちらからログイン" } }
                }
            }
        }
    }
}
