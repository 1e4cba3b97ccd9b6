//! Fiscal years: deadlines, locking (every sheet becomes 確定 and
//! read-only), opening a year by carrying the previous one forward, and
//! publishing a locked year on the public portal, the API and the open
//! data (and withdrawing it).

use crate::http::Query;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hyoka_app::year::{LockYear, OpenYear, PublishYear, SetDeadline, UnlockYear, WithdrawYear};
use hyoka_core::deadline::today_in_japan;
use hyoka_core::{FiscalYear, JpDate};
use hyoka_store::{FiscalYearRecord, PublishedYear};
use maud::{html, Markup};
use serde::Deserialize;

use super::{admin_city, crumbs, field_error, nav, typed_year};
use crate::http::{AppError, CityCode, Form, Fy, Params, Staff};
use crate::ui::format::deadline_of;
use crate::ui::format::{date_label, local_time};
use crate::ui::shell::staff_page;
use crate::AppState;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct YearsQuery {
    done: Option<String>,
    fy: Option<String>,
}

/// A message next to one year's deadline field, and what was typed.
struct DeadlineError {
    fy: FiscalYear,
    typed: String,
    message: String,
}

pub(super) async fn years(
    State(s): State<AppState>,
    staff: Staff,
    Params(code): Params<CityCode>,
    Query(q): Query<YearsQuery>,
) -> Result<Markup, AppError> {
    let city = admin_city(&s, &staff, &code).await?;
    let done = match (q.done.as_deref(), q.fy.as_deref().and_then(Fy::parse).map(|f| f.0)) {
        (Some("deadline"), Some(fy)) => Some(format!("{}の提出期限を設定しました。", fy.label())),
        (Some("lock"), Some(fy)) => {
            Some(format!("{}を確定しました。調査票はすべて確定となり、変更できません。", fy.label()))
        }
        (Some("publish"), Some(fy)) => Some(format!(
            "{}を公開しました。公開サイト（/p/{code}）、API とオープンデータで誰でも見られます。",
            fy.label()
        )),
        (Some("unlock"), Some(fy)) => Some(format!(
            "{}の確定を解除しました。調査票は確定前の状態に戻り、変更できます。解除の理由は変更履歴に記録しました。",
            fy.label()
        )),
        (Some("withdraw"), Some(fy)) => {
            Some(format!("{}の公開を取り下げました。公開サイト、API とオープンデータには表示されません。", fy.label()))
        }
        _ => None,
    };
    years_page(&s, &staff, &code, &city, done.as_deref(), None).await
}

async fn years_page(
    s: &AppState,
    staff: &Staff,
    code: &str,
    city: &str,
    done: Option<&str>,
    error: Option<&DeadlineError>,
) -> Result<Markup, AppError> {
    let today = today_in_japan(s.app.now());
    let mut known = s.store.sheet_years(code, None).await?;
    known.sort_by(|a, b| b.cmp(a));
    // The year after the newest is opened from it; a city with no year yet
    // starts with the current one (there is nothing to carry).
    let openable: Option<FiscalYear> = match known.first() {
        Some(newest) => newest.next().ok(),
        None => Some(FiscalYear::containing(today).map_err(|e| AppError::Invalid(e.to_string()))?),
    };
    // The newest year may take items added to its previous year later.
    let refill = known.first().copied().filter(|y| known.iter().any(|k| k.year() == y.year() - 1));
    // A year that projects start in but that nobody opened yet (a new
    // city's first year) is offered first.
    let opened: Vec<FiscalYear> = s.store.fiscal_years(code).await?.iter().map(|r| r.fiscal_year).collect();
    let unopened = known.first().copied().filter(|y| !opened.contains(y) && Some(*y) != refill);
    let published = s.store.published_years(code).await?;
    let mut rows = Vec::new();
    let mut open_flags = std::collections::HashMap::new();
    for fy in &known {
        let record = s.store.fiscal_year(code, *fy).await?;
        let sheets = s.store.year_sheets(code, *fy).await?.len();
        if !record.locked {
            // The checks before locking: counted, never blocking.
            let check = hyoka_app::check::check_year(&s.store, code, *fy).await?;
            open_flags.insert(*fy, check.open().count());
        }
        rows.push((record, sheets));
    }
    // Past years that only imported documents hold (a white paper's
    // baselines and actuals): they have no sheets, but can be locked and
    // published like any other year. Years after the newest are left out:
    // locking one would make it the newest and move where the next year
    // is opened; they are opened in turn like any year.
    let newest = known.first().copied();
    let mut archive = Vec::new();
    let past = |y: &FiscalYear| !known.contains(y) && newest.is_some_and(|n| *y < n);
    for fy in s.store.data_years(code).await?.into_iter().rev().filter(past) {
        archive.push(s.store.fiscal_year(code, fy).await?);
    }
    Ok(staff_page(
        staff.bar(),
        "年度の管理",
        &crumbs(code, city),
        html! {
            (nav(code, "/years"))
            @if let Some(m) = done { p class="ok" role="status" { (m) } }
            @if let Some(e) = error { p class="error" role="alert" { (e.fy.label()) "の提出期限: " (e.message) } }
            h2 { "年度の一覧" }
            @if rows.is_empty() {
                p { "まだ年度がありません。下の「年度の開始」から始めてください。" }
            } @else {
                table {
                    thead { tr {
                        th scope="col" { "年度" } th scope="col" { "状態" } th scope="col" { "調査票" }
                        th scope="col" { "提出期限" } th scope="col" { "確定" } th scope="col" { "公開" }
                    } }
                    tbody {
                        @for (record, sheets) in &rows {
                            (year_row(staff, code, record, *sheets, error.filter(|e| e.fy == record.fiscal_year), &published, open_flags.get(&record.fiscal_year).copied()))
                        }
                    }
                }
            }
            p class="note" {
                "公開した年度は、ログインしなくても公開サイト（"
                a href={ "/p/" (code) } { "/p/" (code) }
                "）、API（/api/v1/）とオープンデータで見られます。確定した年度だけを公開でき、公開はいつでも取り下げられます。"
                "公開していない年度の内容や作成中の調査票は、どこにも表示されません。"
            }
            @if !archive.is_empty() {
                h2 { "取り込んだ資料にだけある年度" }
                p { "調査票はありませんが、取り込んだ資料（白書の基準値や過去の実績など）に値がある過去の年度です。確定して公開すると、その年度の値も公開されます。" }
                table {
                    thead { tr { th scope="col" { "年度" } th scope="col" { "確定" } th scope="col" { "公開" } } }
                    tbody {
                        @for record in &archive {
                            tr {
                                th scope="row" { (record.fiscal_year.label_with_western()) }
                                td { (lock_cell(staff, code, record, &published)) }
                                td { (publish_cell(staff, code, record, &published)) }
                            }
                        }
                    }
                }
            }
            h2 { "年度の開始（前年度からの引継ぎ）" }
            p {
                "前年度に調査票または記載のあった事業と、その年度から評価を始める事業（"
                a href={ "/m/" (code) "/admin/items" } { "事業・指標" }
                "で「評価を始める年度」を設定した事業）ごとに、新しい年度の調査票（未着手）を作ります。"
                "事業の構成、指標と目標、事業概要、スケジュールの計画は引き継ぎ、実績・予算・決算・評価・判定・方向性は引き継ぎません。"
                "新しい年度の目標がない指標には、前年度の目標を写します（履歴に記録します）。"
                "前年度の方向性が「終了」の事業は引き継ぎません。何度実行しても、既にある調査票は変わりません。"
            }
            @if let Some(fy) = unopened {
                form method="post" action={ "/m/" (code) "/admin/years/" (fy.year()) "/open" } {
                    input type="hidden" name="_csrf" value=(staff.csrf);
                    p { button type="submit" class="primary" { (fy.label_with_western()) "を開始する" } }
                }
            }
            @if let Some(fy) = openable {
                form method="post" action={ "/m/" (code) "/admin/years/" (fy.year()) "/open" } {
                    input type="hidden" name="_csrf" value=(staff.csrf);
                    p { button type="submit" { (fy.label_with_western()) "を開始する" } }
                }
            }
            @if let Some(fy) = refill {
                p class="note" {
                    "開始済みの" (fy.label()) "でも、もう一度実行すると、前年度にあってまだ調査票のない事業だけが追加されます。"
                }
                form method="post" action={ "/m/" (code) "/admin/years/" (fy.year()) "/open" } {
                    input type="hidden" name="_csrf" value=(staff.csrf);
                    p { button type="submit" { (fy.label()) "に前年度の事業を追加する" } }
                }
            }
            form method="post" action={ "/m/" (code) "/admin/years/open" } {
                input type="hidden" name="_csrf" value=(staff.csrf);
                p {
                    label for="open-year" { "ほかの年度を開始する（前年度から引継ぎ）" }
                    br;
                    input id="open-year" type="text" name="fy" size="14" placeholder="例: 2021、令和3年度" required;
                    " " button type="submit" { "開始する" }
                }
            }
        },
    ))
}

fn year_row(
    staff: &Staff,
    code: &str,
    record: &FiscalYearRecord,
    sheets: usize,
    error: Option<&DeadlineError>,
    published: &[PublishedYear],
    open_flags: Option<usize>,
) -> Markup {
    let fy = record.fiscal_year;
    let y = fy.year();
    let input_id = format!("deadline-{y}");
    let error_id = format!("deadline-{y}-error");
    let typed = match error {
        Some(e) => e.typed.clone(),
        None => record.deadline.clone().unwrap_or_default(),
    };
    html! {
        tr {
            th scope="row" { a href={ "/m/" (code) "/admin?fy=" (y) } { (fy.label_with_western()) } }
            td { @if record.locked { strong { "確定" } } @else { "受付中" } }
            td class="num" { (sheets) "件" }
            td {
                @if let Some(d) = deadline_of(record) { (date_label(d)) br; }
                @if !record.locked {
                    form method="post" action={ "/m/" (code) "/admin/years/" (y) "/deadline" } {
                        input type="hidden" name="_csrf" value=(staff.csrf);
                        label for=(input_id) { (fy.label()) "の提出期限" }
                        (field_error(&error_id, error.map(|e| e.message.as_str())))
                        br;
                        input id=(input_id) type="text" name="deadline" value=(typed) size="18"
                            placeholder="例: 2019-05-31、令和元年5月31日"
                            aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| error_id.as_str())];
                        " " button type="submit" { "設定" }
                    }
                }
            }
            td {
                @if let Some(n) = open_flags {
                    p class="note" {
                        "整合性チェックの未確認の指摘: " (n) "件（確定の妨げにはなりません）"
                        br;
                        a href={ "/m/" (code) "/admin/checks?fy=" (y) } { (fy.label()) "の整合性チェックを見る" }
                    }
                }
                (lock_cell(staff, code, record, published))
            }
            td { (publish_cell(staff, code, record, published)) }
        }
    }
}

/// "確定済み", or the form that locks the year.
fn lock_cell(staff: &Staff, code: &str, record: &FiscalYearRecord, published: &[PublishedYear]) -> Markup {
    let fy = record.fiscal_year;
    let y = fy.year();
    html! {
        @if record.locked {
            strong { "確定済み" }
            @if !published.iter().any(|p| p.fiscal_year == fy) {
                details {
                    summary { "確定を解除する" }
                    form method="post" action={ "/m/" (code) "/admin/years/" (y) "/unlock" } {
                        input type="hidden" name="_csrf" value=(staff.csrf);
                        p {
                            label for={ "unlock-reason-" (y) } { "解除の理由（必須。変更履歴に記録します）" }
                            br;
                            textarea id={ "unlock-reason-" (y) } name="reason" required {}
                        }
                        p { button type="submit" { (fy.label()) "の確定を解除する" } }
                    }
                }
            } @else {
                br; span class="note" { "公開中の年度は、公開を取り下げてから解除できます" }
            }
        } @else {
            form method="post" action={ "/m/" (code) "/admin/years/" (y) "/lock" } {
                input type="hidden" name="_csrf" value=(staff.csrf);
                p {
                    input id={ "confirm-" (y) } type="checkbox" name="confirm" value="yes" required;
                    " "
                    label for={ "confirm-" (y) } {
                        "確定すると、" (fy.label()) "の調査票はすべて「確定」になり、変更できなくなります（解除には理由の記録が必要です）。"
                    }
                }
                p { button type="submit" { (fy.label()) "を確定する" } }
            }
        }
    }
}

/// Whether the year is public, with the button that publishes or
/// withdraws it; a year that is not locked cannot be published.
fn publish_cell(staff: &Staff, code: &str, record: &FiscalYearRecord, published: &[PublishedYear]) -> Markup {
    let fy = record.fiscal_year;
    let y = fy.year();
    let public = published.iter().find(|p| p.fiscal_year == fy);
    html! {
        @if let Some(p) = public {
            strong { "公開中" }
            br;
            span class="note" {
                (local_time(&p.published_at))
                @if let Some(n) = &p.published_by_name { " " (n) }
            }
            form method="post" action={ "/m/" (code) "/admin/years/" (y) "/withdraw" } {
                input type="hidden" name="_csrf" value=(staff.csrf);
                p {
                    input id={ "withdraw-" (y) } type="checkbox" name="confirm" value="yes" required;
                    " "
                    label for={ "withdraw-" (y) } {
                        "取り下げると、" (fy.label()) "は公開サイト、API とオープンデータから見えなくなります（もう一度公開できます）。"
                    }
                }
                p { button type="submit" { (fy.label()) "の公開を取り下げる" } }
            }
        } @else if record.locked {
            "非公開"
            form method="post" action={ "/m/" (code) "/admin/years/" (y) "/publish" } {
                input type="hidden" name="_csrf" value=(staff.csrf);
                p {
                    input id={ "publish-" (y) } type="checkbox" name="confirm" value="yes" required;
                    " "
                    label for={ "publish-" (y) } {
                        "公開すると、" (fy.label()) "の評価・指標・予算が、ログインしなくても誰でも見られるようになります。"
                    }
                }
                p { button type="submit" { (fy.label()) "を公開する" } }
            }
        } @else {
            "非公開" br; span class="note" { "確定すると公開できます" }
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ConfirmForm {
    confirm: String,
    reason: String,
}

/// Publishes a locked year: from now on the portal, the API and the open
/// data show it.
pub(super) async fn publish(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Fy(fy))): Params<(CityCode, Fy)>,
    Form(f): Form<ConfirmForm>,
) -> Result<Response, AppError> {
    admin_city(&s, &staff, &code).await?;
    if f.confirm != "yes" {
        return Err(AppError::Invalid(
            "公開の確認欄にチェックを入れてください（公開すると誰でも見られるようになります）。".into(),
        ));
    }
    s.app.run(&staff.actor(), PublishYear { municipality: code.0.clone(), fiscal_year: fy }).await?;
    Ok(Redirect::to(&format!("/m/{code}/admin/years?done=publish&fy={}", fy.year())).into_response())
}

/// Withdraws a published year from the portal, the API and the open data.
pub(super) async fn withdraw(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Fy(fy))): Params<(CityCode, Fy)>,
    Form(f): Form<ConfirmForm>,
) -> Result<Response, AppError> {
    admin_city(&s, &staff, &code).await?;
    if f.confirm != "yes" {
        return Err(AppError::Invalid("公開の取り下げの確認欄にチェックを入れてください。".into()));
    }
    s.app.run(&staff.actor(), WithdrawYear { municipality: code.0.clone(), fiscal_year: fy }).await?;
    Ok(Redirect::to(&format!("/m/{code}/admin/years?done=withdraw&fy={}", fy.year())).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct DeadlineForm {
    deadline: String,
}

pub(super) async fn set_deadline(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Fy(fy))): Params<(CityCode, Fy)>,
    Form(f): Form<DeadlineForm>,
) -> Result<Response, AppError> {
    let city = admin_city(&s, &staff, &code).await?;
    let typed = f.deadline.trim();
    let deadline = if typed.is_empty() {
        None
    } else {
        match JpDate::parse(typed) {
            Ok(d) => Some(d),
            Err(_) => {
                let e = DeadlineError {
                    fy,
                    typed: typed.to_string(),
                    message: format!(
                        "提出期限「{typed}」を日付として読み取れません（例: 2019-05-31、令和元年5月31日）。"
                    ),
                };
                let page = years_page(&s, &staff, &code, &city, None, Some(&e)).await?;
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
            }
        }
    };
    s.app.run(&staff.actor(), SetDeadline { municipality: code.0.clone(), fiscal_year: fy, deadline }).await?;
    Ok(Redirect::to(&format!("/m/{code}/admin/years?done=deadline&fy={}", fy.year())).into_response())
}

pub(super) async fn lock(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Fy(fy))): Params<(CityCode, Fy)>,
    Form(f): Form<ConfirmForm>,
) -> Result<Response, AppError> {
    admin_city(&s, &staff, &code).await?;
    if s.store.fiscal_year(&code, fy).await?.locked {
        return Err(AppError::Conflict(format!("{}は既に確定しています。", fy.label())));
    }
    if f.confirm != "yes" {
        return Err(AppError::Invalid(
            "確定の確認欄にチェックを入れてください（確定を解除するには理由の記録が必要です）。".into(),
        ));
    }
    s.app.run(&staff.actor(), LockYear { municipality: code.0.clone(), fiscal_year: fy }).await?;
    Ok(Redirect::to(&format!("/m/{code}/admin/years?done=lock&fy={}", fy.year())).into_response())
}

/// Unlocks a locked, unpublished year, with the reason recorded.
pub(super) async fn unlock(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Fy(fy))): Params<(CityCode, Fy)>,
    Form(f): Form<ConfirmForm>,
) -> Result<Response, AppError> {
    admin_city(&s, &staff, &code).await?;
    s.app.run(&staff.actor(), UnlockYear { municipality: code.0.clone(), fiscal_year: fy, reason: f.reason }).await?;
    Ok(Redirect::to(&format!("/m/{code}/admin/years?done=unlock&fy={}", fy.year())).into_response())
}

/// Opens a year typed in the form (`2021`, `令和3年度`).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct OpenForm {
    fy: String,
}

pub(super) async fn open_typed(
    State(s): State<AppState>,
    staff: Staff,
    Params(code): Params<CityCode>,
    Form(f): Form<OpenForm>,
) -> Result<Markup, AppError> {
    admin_city(&s, &staff, &code).await?;
    let fy = typed_year(&f.fy).ok_or_else(|| {
        AppError::Invalid(format!("開始する年度「{}」を読み取れません（例: 2021、令和3年度）。", f.fy.trim()))
    })?;
    opened(&s, &staff, &code, fy).await
}

pub(super) async fn open(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Fy(fy))): Params<(CityCode, Fy)>,
) -> Result<Markup, AppError> {
    opened(&s, &staff, &code, fy).await
}

/// Opens the year and says what was carried forward.
async fn opened(s: &AppState, staff: &Staff, code: &CityCode, fy: FiscalYear) -> Result<Markup, AppError> {
    let city = admin_city(s, staff, code).await?;
    let prev = FiscalYear::new(fy.year() - 1).map_err(|_| AppError::NotFound("年度".into()))?;
    let report = s.app.run(&staff.actor(), OpenYear { municipality: code.0.clone(), fiscal_year: fy }).await?;
    // What the year holds now, to tell "all there already" from "nothing
    // to carry" (a new city with no projects yet).
    let sheets = s.store.year_sheets(code, fy).await?.len();
    let has_items = !s.store.items(code).await?.is_empty();
    let items_link = html! { a href={ "/m/" (code) "/admin/items" } { "事業・指標" } };
    Ok(staff_page(
        staff.bar(),
        &format!("{}の開始", fy.label()),
        &crumbs(code, &city),
        html! {
            (nav(code, "/years"))
            @if !report.created.is_empty() {
                p class="ok" role="status" {
                    (fy.label()) "の調査票（未着手）を " (report.created.len()) " 件作りました"
                    @if report.started > 0 {
                        "（" (prev.label()) "から引継ぎ " (report.created.len() - report.started) " 件、"
                        (fy.label()) "から評価を始める事業 " (report.started) " 件）"
                    } @else {
                        "（" (prev.label()) "から " (report.created.len()) " 件の調査票を引き継ぎ）"
                    }
                    "。前年度の目標を写した指標: " (report.targets_copied) " 件。"
                }
                h2 { "作成した調査票（番号順）" }
                ul { @for (c, t) in &report.created { li { span class="code" { (c) } (t) } } }
            } @else if sheets > 0 {
                p class="ok" role="status" {
                    "新しく作る調査票はありませんでした（" (fy.label()) "の調査票 " (sheets) " 件は、すべて作成済みです）。"
                }
            } @else if !has_items {
                p class="warn" role="status" {
                    (fy.label()) "を開始しましたが、まだ事業が登録されていないため、作る調査票はありません。"
                    (items_link) "で事業を登録し、「評価を始める年度」を" (fy.label()) "にしてから、もう一度「"
                    (fy.label()) "を開始する」を実行すると、調査票ができます。"
                }
            } @else {
                p class="warn" role="status" {
                    (fy.label()) "を開始しましたが、引き継ぐ事業はありませんでした（" (prev.label()) "に調査票のある事業も、"
                    (fy.label()) "から評価を始める事業もありません）。" (items_link) "で事業の「評価を始める年度」を"
                    (fy.label()) "にすると、もう一度開始したときに調査票を作ります。"
                }
            }
            @if !report.ended.is_empty() {
                h2 { "引き継がなかった事業（前年度の方向性が「終了」）" }
                ul { @for (c, t) in &report.ended { li { span class="code" { (c) } (t) } } }
            }
            p {
                a href={ "/m/" (code) "/admin?fy=" (fy.year()) } { (fy.label()) "の状況を見る" }
                " ・ "
                a href={ "/m/" (code) "/admin/years" } { "年度の管理へ戻る" }
            }
        },
    ))
}
