//! The dashboard: a fiscal year's sheets by status per department, the
//! departments with late sheets first, and the late sheets themselves.

use crate::http::Query;
use axum::extract::State;
use hyoka_core::deadline::{days_late, is_late, tally, today_in_japan};
use hyoka_core::workflow::SheetStatus;
use hyoka_core::FiscalYear;
use maud::{html, Markup};
use serde::Deserialize;

use super::{admin_city, crumbs, nav, typed_year};
use hyoka_core::text::natural_key;

use crate::http::{AppError, CityCode, Params, Staff};
use crate::ui::format::date_label;
use crate::ui::format::deadline_of;
use crate::ui::shell::staff_page;
use crate::ui::widgets::history_table;
use crate::AppState;

/// Sheets whose item names no section are counted under this heading.
const NO_DEPARTMENT: &str = "（担当課未設定）";

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct YearQuery {
    fy: Option<String>,
}

pub(super) async fn dashboard(
    State(s): State<AppState>,
    staff: Staff,
    Params(code): Params<CityCode>,
    Query(q): Query<YearQuery>,
) -> Result<Markup, AppError> {
    let city = admin_city(&s, &staff, &code).await?;
    let today = today_in_japan(s.app.now());
    let years = s.store.sheet_years(&code, None).await?;
    let fy = match q.fy.as_deref().filter(|t| !t.trim().is_empty()) {
        Some(t) => typed_year(t)
            .ok_or_else(|| AppError::Invalid(format!("年度「{t}」を読み取れません（例: 2019、令和元年度、R01）。")))?,
        // The newest year the city works on; a new city starts with this one.
        None => match years.first() {
            Some(y) => *y,
            None => FiscalYear::containing(today).map_err(|e| AppError::Invalid(e.to_string()))?,
        },
    };
    let year = s.store.fiscal_year(&code, fy).await?;
    let deadline = deadline_of(&year);
    let mut sheets = s.store.year_sheets(&code, fy).await?;
    sheets.sort_by_cached_key(|x| natural_key(&x.code));
    let no_dept = vec![NO_DEPARTMENT.to_string()];
    let depts = |d: &'_ Vec<String>| if d.is_empty() { no_dept.clone() } else { d.clone() };
    let owned: Vec<(Vec<String>, SheetStatus)> = sheets.iter().map(|x| (depts(&x.departments), x.status)).collect();
    let rows = tally(owned.iter().map(|(d, st)| (d.as_slice(), *st)), deadline, today);
    let mut late: Vec<_> = sheets.iter().filter(|x| is_late(x.status, deadline, today)).collect();
    late.sort_by(|a, b| {
        days_late(b.status, deadline, today)
            .cmp(&days_late(a.status, deadline, today))
            .then(natural_key(&a.code).cmp(&natural_key(&b.code)))
    });
    let mut year_choices = years.clone();
    if !year_choices.contains(&fy) {
        year_choices.push(fy);
        year_choices.sort_by(|a, b| b.cmp(a));
    }
    let count = |st: SheetStatus| sheets.iter().filter(|x| x.status == st).count();
    let log = s.store.admin_history(&code, 20).await?;
    Ok(staff_page(
        staff.bar(),
        &format!("行政評価の状況（{}）", fy.label()),
        &crumbs(&code, &city),
        html! {
            (nav(&code, ""))
            form method="get" action={ "/m/" (code) "/admin" } class="inline" {
                label for="fy" { "年度" } " "
                select id="fy" name="fy" {
                    @for y in &year_choices {
                        option value=(y.year()) selected[*y == fy] { (y.label_with_western()) }
                    }
                }
                " " button type="submit" { "表示" }
            }
            p {
                @if let Some(d) = deadline {
                    "提出期限: " (date_label(d))
                    @if today > d { " " span class="note" { "（期限を過ぎています）" } }
                } @else {
                    "提出期限は設定されていません。"
                    a href={ "/m/" (code) "/admin/years" } { "年度の管理" } "で設定できます。"
                }
                @if year.locked { " " strong class="badge" { "確定済み" } }
            }
            h2 { "部ごとの状況" }
            @if sheets.is_empty() {
                p {
                    "この年度の調査票はまだありません。"
                    a href={ "/m/" (code) "/admin/years" } { "年度の管理" } "で前年度から引き継いで開始できます。"
                }
            } @else {
                p class="note" { "期限を過ぎた調査票のある部から順に表示しています。複数の部が担当する事業は、それぞれの部に数えます。" }
                table {
                    caption class="sr-only" { (fy.label()) "の部ごとの調査票の状態（件）" }
                    thead { tr {
                        th scope="col" { "部" }
                        th scope="col" { "期限超過" }
                        @for st in SheetStatus::ALL { th scope="col" { (st.label()) } }
                        th scope="col" { "合計" }
                    } }
                    tbody {
                        @for r in &rows {
                            tr {
                                th scope="row" { (r.department) }
                                td class={ "num" @if r.late > 0 { " warn" } } { (r.late) }
                                @for st in SheetStatus::ALL { td class="num" { (r.count(*st)) } }
                                td class="num" { (r.total) }
                            }
                        }
                    }
                    tfoot { tr {
                        th scope="row" { "全体" }
                        td class="num" { (late.len()) }
                        @for st in SheetStatus::ALL { td class="num" { (count(*st)) } }
                        td class="num" { (sheets.len()) }
                    } }
                }
                h2 { "期限を過ぎた調査票" span class="note" { "（" (late.len()) "件）" } }
                @if deadline.is_none() {
                    p { "提出期限が設定されていないため、遅れは判定していません。" }
                } @else if late.is_empty() {
                    p { "期限を過ぎた調査票はありません。" }
                } @else {
                    table {
                        thead { tr {
                            th scope="col" { "事業" } th scope="col" { "部" } th scope="col" { "状態" } th scope="col" { "超過日数" }
                        } }
                        tbody {
                            @for x in &late {
                                tr {
                                    th scope="row" {
                                        span class="code" { (x.code) }
                                        a href={ "/m/" (code) "/sheets/" (x.item_id) "/" (fy.year()) } { (x.title) }
                                    }
                                    td { (depts(&x.departments).join("、")) }
                                    td { (x.status.label()) }
                                    td class="num" { (days_late(x.status, deadline, today)) "日" }
                                }
                            }
                        }
                    }
                }
            }
            h2 { "管理の記録" span class="note" { "（最近20件）" } }
            @if log.is_empty() {
                p { "まだ記録はありません。" }
            } @else {
                (history_table(&log))
            }
        },
    ))
}
