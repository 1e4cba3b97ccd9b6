//! The readable history of a sheet: who changed which field when, from
//! what to what, newest first.

use crate::http::Query;
use axum::extract::State;
use hyoka_core::access::Action;
use maud::{html, Markup};
use serde::Deserialize;

use super::{context, crumbs};
use crate::http::{AppError, CityCode, Fy, Id, Params, Staff};
use crate::ui::format::jst;
use crate::ui::markup::lines;
use crate::ui::shell::staff_page;
use crate::AppState;

#[derive(Deserialize)]
pub(crate) struct HistoryQuery {
    /// `1` shows every fiscal year of the item, not only this sheet's.
    all: Option<String>,
}

pub(crate) async fn page(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(item), Fy(fy))): Params<(CityCode, Id, Fy)>,
    Query(q): Query<HistoryQuery>,
) -> Result<Markup, AppError> {
    let ctx = context(&s.store, &staff, &code, item, fy, Action::View).await?;
    let all = q.all.as_deref() == Some("1");
    let entries: Vec<_> =
        s.store.history(item).await?.into_iter().filter(|h| all || h.fiscal_year.is_none_or(|y| y == ctx.fy)).collect();
    let mut crumbs = crumbs(&ctx);
    crumbs.push(("変更履歴".into(), format!("{}/history", ctx.href())));
    let empty = || html! { span class="note" { "（空欄）" } };
    let body = html! {
        p {
            @if all {
                "事業の全年度の変更を表示しています。 "
                a href={ (ctx.href()) "/history" } { (ctx.fy.label()) "の調査票だけを表示" }
            } @else {
                (ctx.fy.label()) "の調査票の変更を、新しい順に表示しています。 "
                a href={ (ctx.href()) "/history?all=1" } { "全年度の変更を表示" }
            }
        }
        @if entries.is_empty() {
            p { "まだ変更はありません。" }
        } @else {
            table {
                caption class="sr-only" { "変更履歴（新しい順）" }
                thead { tr {
                    th scope="col" { "日時（日本時間）" }
                    th scope="col" { "変更した人" }
                    @if all { th scope="col" { "年度" } }
                    th scope="col" { "項目" }
                    th scope="col" { "変更前" }
                    th scope="col" { "変更後" }
                } }
                tbody {
                    @for h in &entries {
                        tr {
                            td { (jst(&h.at)) }
                            td { (h.account_name.clone().unwrap_or_else(|| "（削除された利用者）".into())) }
                            @if all { td { (h.fiscal_year.map(|y| y.label()).unwrap_or_default()) } }
                            th scope="row" { (h.field) }
                            td { @match &h.before { Some(v) => (lines(v)), None => (empty()) } }
                            td { @match &h.after { Some(v) => (lines(v)), None => (empty()) } }
                        }
                    }
                }
            }
        }
        p { a href=(ctx.href()) { "調査票に戻る" } }
    };
    Ok(staff_page(staff.bar(), &format!("変更履歴: {}（{}）", ctx.title(), ctx.fy.label()), &crumbs, body))
}
