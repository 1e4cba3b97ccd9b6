//! The consistency checks of a fiscal year for the planning division
//! (docs/checks.md): every open flag per 部 then sheet, counted by kind and
//! severity, the acknowledged ones apart with their reasons, and the forms
//! that acknowledge a flag with a reason or reopen it. A big city's year
//! (tens of thousands of flags) is shown as a table of its 部 first, and
//! one 部's flags at a time, so the page stays a size a browser can open.

use std::collections::BTreeMap;

use crate::http::Query;
use crate::ui::checks::{flag_block, AckForms, RefusedAck};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hyoka_app::check::{check_year, AckState, AcknowledgeFlag, FlagEntry, ReopenFlag, YearCheck};
use hyoka_app::CommandError;
use hyoka_core::FiscalYear;
use maud::{html, Markup};
use serde::Deserialize;

use super::{admin_city, crumbs, nav, segment, typed_year};
use crate::http::{AppError, CityCode, Form, Fy, Params, Staff};
use crate::ui::shell::staff_page;
use crate::AppState;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ChecksQuery {
    fy: String,
    done: Option<String>,
    /// The 部 whose flags are listed; empty for the whole year.
    dept: String,
}

/// A year with at most this many open flags lists them all on one page;
/// beyond it, the page lists the 部 and one 部's flags at a time.
const ALL_ON_ONE_PAGE: usize = 300;
/// Flags listed on one page at the most (a 部 with more says how many
/// are left out and where to find them: the 部's sheets, `hyoka check`).
const MOST_LISTED: usize = 500;
/// The label of flags without a 部.
const NO_DEPARTMENT: &str = "（部の指定なし・市全体）";

pub(super) async fn page(
    State(s): State<AppState>,
    staff: Staff,
    Params(code): Params<CityCode>,
    Query(q): Query<ChecksQuery>,
) -> Result<Markup, AppError> {
    let city = admin_city(&s, &staff, &code).await?;
    // Without a year: the newest year with sheets.
    let fy = if q.fy.trim().is_empty() {
        s.store.sheet_years(&code, None).await?.into_iter().max()
    } else {
        typed_year(&q.fy)
    };
    let Some(fy) = fy else {
        return Err(AppError::Invalid(format!("年度「{}」を読み取れません（例: ?fy=2019）。", q.fy)));
    };
    let done = match q.done.as_deref() {
        Some("acknowledge") => Some("指摘を確認済みにしました。理由は調査票の変更履歴に記録しました。"),
        Some("reopen") => Some("指摘を未確認に戻しました。"),
        _ => None,
    };
    render(&s, &staff, &code, &city, fy, View { done, refused: None, department: non_empty(&q.dept) }).await
}

fn non_empty(s: &str) -> Option<&str> {
    Some(s.trim()).filter(|s| !s.is_empty())
}

/// A sheet's heading, the flags listed under it and how many it has.
type Listed<'a> = (&'a String, &'a [&'a FlagEntry], usize);

/// What the page shows besides the year.
struct View<'a> {
    done: Option<&'a str>,
    refused: Option<&'a RefusedAck>,
    department: Option<&'a str>,
}

async fn render(
    s: &AppState,
    staff: &Staff,
    code: &str,
    city: &str,
    fy: FiscalYear,
    view: View<'_>,
) -> Result<Markup, AppError> {
    let check = check_year(&s.store, code, fy).await?;
    let forms = AckForms {
        base: format!("/m/{code}/admin/checks/{}", fy.year()),
        csrf: &staff.csrf,
        refused: view.refused,
        department: view.department,
    };
    let mut by_department: ByDepartment<'_> = BTreeMap::new();
    for f in check.open() {
        let department = f.department.clone().unwrap_or_else(|| NO_DEPARTMENT.into());
        let sheet = f.flag.place.code.clone().or_else(|| f.flag.place.sheet.clone()).unwrap_or_else(|| {
            f.flag.place.file.clone().map_or("（年度全体）".into(), |file| format!("取り込んだ資料 {file}"))
        });
        by_department.entry(department).or_default().entry(sheet).or_default().push(f);
    }
    let open = check.open().count();
    let all_at_once = open <= ALL_ON_ONE_PAGE && view.department.is_none();
    let listed: Vec<_> = if all_at_once {
        by_department.iter().collect()
    } else {
        by_department.iter().filter(|(d, _)| Some(d.as_str()) == view.department).collect()
    };
    let year_href = format!("/m/{code}/admin/checks?fy={}", fy.year());
    let acknowledged = check.acknowledged().count();
    // Each sheet's flags up to what is left of MOST_LISTED.
    let mut left = MOST_LISTED;
    let mut shown: Vec<(&String, Vec<Listed<'_>>)> = Vec::new();
    for (department, sheets) in &listed {
        let mut rows = Vec::new();
        for (sheet, flags) in *sheets {
            let n = flags.len().min(left);
            left -= n;
            rows.push((sheet, &flags[..n], flags.len()));
        }
        shown.push((department, rows));
    }
    Ok(staff_page(
        staff.bar(),
        &format!("整合性チェック {}", fy.label()),
        &crumbs(code, city),
        html! {
            (nav(code, "/checks"))
            @if let Some(m) = view.done { p class="ok" role="status" { (m) } }
            @if let Some(r) = view.refused { p class="error" role="alert" { "入力内容を確認してください。" (r.message) } }
            p {
                "保存されたデータに規則を当て、表と本文の数値、評価と達成度などの食い違いを示します。"
                "意図どおりのものは理由を添えて確認済みにします（確定の妨げにはなりません）。"
            }
            (summary(&check))
            @if by_department.len() > 1 || !all_at_once { (departments(&by_department, &year_href, view.department)) }
            @if !all_at_once && view.department.is_none() {
                p { "未確認の指摘が " (open) "件あります。部を選ぶと、その部の指摘を一覧します。" }
            }
            @if let Some(d) = view.department {
                @if listed.is_empty() { p { "「" (d) "」の未確認の指摘はありません。" } }
                p { a href=(year_href) { "部の一覧に戻る" } }
            }
            @for (department, sheets) in &shown {
                h2 { (department) }
                @for (sheet, flags, total) in sheets {
                    h3 { (sheet) " " span class="note" { (total) "件" } }
                    @for f in *flags { (flag_block(f, Some(&forms), None)) }
                    @if flags.len() < *total {
                        p class="note" { "この調査票のほか " (total - flags.len()) "件は表示していません。" }
                    }
                }
            }
            @if left == 0 {
                p class="note" {
                    "一度に表示するのは " (MOST_LISTED) "件までです。残りは各調査票の画面か、"
                    code { "hyoka check --municipality " (code) " --fiscal-year " (fy.year()) }
                    " で確かめてください。"
                }
            }
            h2 { "確認済みの指摘（" (acknowledged) "件）" }
            @for f in check.acknowledged().take(MOST_LISTED) { (flag_block(f, Some(&forms), None)) }
            @if acknowledged > MOST_LISTED {
                p class="note" { "ほか " (acknowledged - MOST_LISTED) "件は表示していません。" }
            }
        },
    ))
}

/// Open flags by 部, then by sheet.
type ByDepartment<'a> = BTreeMap<String, BTreeMap<String, Vec<&'a FlagEntry>>>;

/// The open flags per 部, each a link to its list.
fn departments(
    by_department: &BTreeMap<String, BTreeMap<String, Vec<&FlagEntry>>>,
    year_href: &str,
    current: Option<&str>,
) -> Markup {
    html! {
        table {
            caption { "部ごとの未確認の指摘（部を選ぶと、その部の指摘だけを一覧します）" }
            thead { tr { th scope="col" { "部" } th scope="col" { "調査票など" } th scope="col" { "件数" } } }
            tbody {
                @for (department, sheets) in by_department {
                    tr {
                        td {
                            @if Some(department.as_str()) == current {
                                strong aria-current="page" { (department) }
                            } @else {
                                a href={ (year_href) "&dept=" (segment(department)) } { (department) }
                            }
                        }
                        td class="num" { (sheets.len()) }
                        td class="num" { (sheets.values().map(Vec::len).sum::<usize>()) "件" }
                    }
                }
            }
        }
    }
}

fn summary(check: &YearCheck) -> Markup {
    html! {
        table {
            caption { "未確認の指摘 " (check.open().count()) "件（調査票 " (check.sheets) "件）" }
            thead { tr { th scope="col" { "種類" } th scope="col" { "重さ" } th scope="col" { "件数" } } }
            tbody {
                @for ((kind, severity), n) in check.open_counts() {
                    tr { td { (kind.label()) } td { (severity.label()) } td class="num" { (n) "件" } }
                }
            }
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct FlagForm {
    flag: String,
    reason: String,
    resolved: String,
    /// The 部 the page listed, to show it again.
    dept: String,
}

pub(super) async fn acknowledge(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Fy(fy))): Params<(CityCode, Fy)>,
    Form(f): Form<FlagForm>,
) -> Result<Response, AppError> {
    let city = admin_city(&s, &staff, &code).await?;
    let state = if f.resolved == "yes" { AckState::Resolved } else { AckState::Acknowledged };
    let command = AcknowledgeFlag {
        municipality: code.0.clone(),
        fiscal_year: fy,
        flag: f.flag.clone(),
        state,
        reason: f.reason.clone(),
    };
    match s.app.run(&staff.actor(), command).await {
        Ok(_) => Ok(Redirect::to(&back(&code, fy, &f.dept, "acknowledge")).into_response()),
        Err(CommandError::Invalid { field: Some(field), message }) if field == "reason" => {
            let refused = RefusedAck { flag: f.flag, message: format!("理由: {message}"), typed: f.reason };
            let view = View { done: None, refused: Some(&refused), department: non_empty(&f.dept) };
            let page = render(&s, &staff, &code, &city, fy, view).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn reopen(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Fy(fy))): Params<(CityCode, Fy)>,
    Form(f): Form<FlagForm>,
) -> Result<Response, AppError> {
    admin_city(&s, &staff, &code).await?;
    s.app
        .run(&staff.actor(), ReopenFlag { municipality: code.0.clone(), fiscal_year: fy, flag: f.flag.clone() })
        .await?;
    Ok(Redirect::to(&back(&code, fy, &f.dept, "reopen")).into_response())
}

/// The page after a change: the same year, and the same 部 if one was listed.
fn back(code: &str, fy: FiscalYear, dept: &str, done: &str) -> String {
    match non_empty(dept) {
        Some(d) => format!("/m/{code}/admin/checks?fy={}&dept={}&done={done}", fy.year(), segment(d)),
        None => format!("/m/{code}/admin/checks?fy={}&done={done}", fy.year()),
    }
}
