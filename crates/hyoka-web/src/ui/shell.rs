//! The page shell shared by every page.

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;
use maud::{html, Markup, DOCTYPE};

const STYLESHEET: &str = include_str!("../static/hyoka.css");

/// What the header shows of the signed-in person.
pub struct UserBar<'a> {
    pub display_name: &'a str,
    /// The role's label.
    pub role: &'a str,
    pub csrf: &'a str,
    /// The city the search box searches.
    pub city: Option<&'a str>,
}

pub async fn stylesheet() -> impl IntoResponse {
    ([(CONTENT_TYPE, "text/css; charset=utf-8"), (CACHE_CONTROL, "public, max-age=3600")], STYLESHEET)
}

/// A page for a signed-in person: their name and a logout button in the
/// header.
pub fn staff_page(user: UserBar<'_>, title: &str, crumbs: &[(String, String)], body: Markup) -> Markup {
    let bar = html! {
        @if let Some(code) = user.city {
            form method="get" action={ "/m/" (code) "/search" } class="inline search" role="search" {
                label for="site-search" class="sr-only" { "調査票を検索" }
                input id="site-search" type="search" name="q" placeholder="調査票を検索";
                button type="submit" { "検索" }
            }
        }
        div class="user" {
            span { (user.display_name) "（" (user.role) "）" }
            form method="post" action="/logout" class="inline" {
                input type="hidden" name="_csrf" value=(user.csrf);
                button type="submit" { "ログアウト" }
            }
        }
    };
    shell(title, crumbs, Some(bar), body)
}

/// A page with a title and a breadcrumb trail of (label, href) links.
/// maud escapes every interpolated value, so user text renders inert.
pub fn page(title: &str, crumbs: &[(String, String)], body: Markup) -> Markup {
    shell(title, crumbs, None, body)
}

fn shell(title: &str, crumbs: &[(String, String)], user: Option<Markup>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="ja" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " | hyoka 行政評価" }
                link rel="stylesheet" href="/static/hyoka.css";
            }
            body {
                a class="skip" href="#main" { "本文へ移動" }
                header class="site" {
                    a href="/" class="brand" { "hyoka " span { "行政評価" } }
                    @if let Some(u) = user { (u) }
                }
                @if !crumbs.is_empty() {
                    nav aria-label="パンくずリスト" class="crumbs" {
                        ol {
                            li { a href="/" { "トップ" } }
                            @for (label, href) in crumbs {
                                li { a href=(href) { (label) } }
                            }
                        }
                    }
                }
                main id="main" {
                    h1 { (title) }
                    (body)
                }
                footer class="site" {
                    p { "hyoka — 行政評価・計画進捗管理" }
                }
            }
        }
    }
}

/// A visually hidden label for screen readers.
pub fn sr_only(text: &str) -> Markup {
    html! { span class="sr-only" { (text) } }
}
