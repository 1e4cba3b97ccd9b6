//! 組織（部・課）: the city's departments and sections over time. Add,
//! rename (from a fiscal year, keeping the old name for the years before),
//! end and merge them; each section's staff counts and contact per year.

use crate::http::{Done, Query};
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use hyoka_app::org::{
    period, CreateDepartment, CreateSection, EndDepartment, EndSection, MergeDepartment, MergeSection,
    RenameDepartment, RenameSection, SetSectionYear,
};
use hyoka_core::deadline::today_in_japan;
use hyoka_core::org::FormerName;
use hyoka_core::FiscalYear;
use hyoka_store::{DepartmentRecord, SectionRecord};
use maud::{html, Markup};
use serde::Deserialize;

use super::forms::{csrf, form_id, refused, select, Refusal, Text};
use super::{admin_city, crumbs, nav, of_city};
use crate::http::{AppError, CityCode, Form, Id, Params, Staff};
use crate::ui::format::local_time;
use crate::ui::shell::staff_page;
use crate::AppState;

/// Every field the organisation's forms send.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct OrgForm {
    name: String,
    from: String,
    last_year: String,
    into: String,
    department: String,
    fiscal_year: String,
    regular_staff: String,
    other_staff: String,
    extension: String,
    head_title: String,
    head_name: String,
}

fn done_message(done: Option<&str>) -> Option<&'static str> {
    Some(match done? {
        "department" => "部を追加しました。",
        "section" => "課を追加しました。続けて、担当の事業やアカウントに課を設定できます。",
        "rename" => "名前を変更しました。",
        "end" => "廃止の年度を設定しました。",
        "merge" => "統合しました。事業・アカウントは統合先に移りました。",
        "staff" => "職員数・連絡先を保存しました。",
        _ => return None,
    })
}

fn former(names: &[FormerName]) -> String {
    names.iter().map(|f| format!("{}（〜{}）", f.name, f.until.label())).collect::<Vec<_>>().join("、")
}

/// A section's name as listed under its department.
fn section_name(s: &SectionRecord) -> String {
    if s.name.is_empty() {
        "（部として担当）".to_string()
    } else {
        s.name.clone()
    }
}

pub(super) async fn page(
    State(s): State<AppState>,
    staff: Staff,
    Params(code): Params<CityCode>,
    Query(q): Query<Done>,
) -> Result<Markup, AppError> {
    let city = admin_city(&s, &staff, &code).await?;
    org_page(&s, &staff, &code, &city, done_message(q.done.as_deref()), &Refusal::default()).await
}

async fn org_page(
    s: &AppState,
    staff: &Staff,
    code: &str,
    city: &str,
    done: Option<&str>,
    r: &Refusal,
) -> Result<Markup, AppError> {
    let departments = s.store.departments(code).await?;
    let sections = s.store.sections(code).await?;
    let log = s.store.events_of_kind(code, "org.", 20).await?;
    let dept_name = |id: Option<i64>| {
        id.and_then(|id| departments.iter().find(|d| d.id == id)).map(|d| d.name.clone()).unwrap_or_default()
    };
    let section_label = |id: Option<i64>| {
        id.and_then(|id| sections.iter().find(|x| x.id == id)).map(SectionRecord::label).unwrap_or_default()
    };
    let dept_options: Vec<(String, String)> = std::iter::once((String::new(), "（選んでください）".to_string()))
        .chain(departments.iter().map(|d| (d.id.to_string(), format!("{}{}", d.name, ended_mark(d.valid_until)))))
        .collect();
    Ok(staff_page(
        staff.bar(),
        "組織（部・課）",
        &crumbs(code, city),
        html! {
            (nav(code, "/org"))
            @if let Some(m) = done { p class="ok" role="status" { (m) } }
            p {
                "部と課は年度とともに変わります。改称・廃止・統合をしても、部や課は消えずに残り、"
                "過去の年度の調査票や変更履歴はそのときの名前のまま読めます。"
                "課ごとの職員数・内線・課長は、課の名前のリンク先で年度ごとに設定します。"
            }
            @if departments.is_empty() {
                p class="warn" { "まだ部がありません。下の「部を追加」から始めてください。" }
            }
            @for d in &departments {
                section aria-labelledby={ "dept-" (d.id) } {
                    h2 id={ "dept-" (d.id) } {
                        (d.name)
                        @if d.valid_until.is_some() || d.valid_from.is_some() { " " span class="note" { (period(d.valid_from, d.valid_until)) } }
                    }
                    @if !d.former_names.is_empty() { p class="note" { "旧名称: " (former(&d.former_names)) } }
                    @if d.merged_into.is_some() { p class="note" { "統合先: " (dept_name(d.merged_into)) } }
                    @let own: Vec<&SectionRecord> = sections.iter().filter(|x| x.department_id == d.id).collect();
                    @if own.is_empty() {
                        p { "課はまだありません。" }
                    } @else {
                        table {
                            caption class="sr-only" { (d.name) "の課" }
                            thead { tr { th scope="col" { "課" } th scope="col" { "期間" } th scope="col" { "旧名称" } th scope="col" { "統合先" } } }
                            tbody {
                                @for x in own {
                                    tr {
                                        th scope="row" { a href={ "/m/" (code) "/admin/org/sections/" (x.id) } { (section_name(x)) } }
                                        td { (period(x.valid_from, x.valid_until)) }
                                        td { (former(&x.former_names)) }
                                        td { (section_label(x.merged_into)) }
                                    }
                                }
                            }
                        }
                    }
                    (department_forms(staff, code, d, &departments, r))
                }
            }
            h2 { "部を追加" }
            @let form = "new-department";
            form method="post" action={ "/m/" (code) "/admin/org/departments" } {
                (csrf(&staff.csrf))
                (r.banner(form, &["name", "from"]))
                (Text::new(form, "name", "部の名前", r.value(form, "name", "")).required().note("例: 企画部").render(r))
                (Text::new(form, "from", "設置の年度（空欄: 以前から）", r.value(form, "from", "")).size(14).note("例: 2025、令和7年度").render(r))
                p { button type="submit" class="primary" { "部を追加する" } }
            }
            h2 { "課を追加" }
            @let form = "new-section";
            @if departments.is_empty() {
                p { "課を追加するには、先に部を追加してください。" }
            } @else {
                form method="post" action={ "/m/" (code) "/admin/org/sections" } {
                    (csrf(&staff.csrf))
                    (r.banner(form, &["department", "name", "from"]))
                    (select(form, "department", "部", r, &r.value(form, "department", ""), &dept_options, None))
                    (Text::new(form, "name", "課の名前", r.value(form, "name", "")).required().note("例: 政策企画課").render(r))
                    (Text::new(form, "from", "設置の年度（空欄: 以前から）", r.value(form, "from", "")).size(14).note("例: 2025、令和7年度").render(r))
                    p { button type="submit" class="primary" { "課を追加する" } }
                }
            }
            h2 { "組織の変更履歴" }
            @if log.is_empty() {
                p { "まだ変更はありません。" }
            } @else {
                ul { @for (at, actor, summary) in &log { li { (local_time(at)) " " (actor) ": " (summary) } } }
            }
        },
    ))
}

fn ended_mark(until: Option<FiscalYear>) -> String {
    until.map(|u| format!("（〜{}）", u.label())).unwrap_or_default()
}

/// Rename, end and merge forms of one department, folded away unless one
/// of them was refused.
fn department_forms(staff: &Staff, code: &str, d: &DepartmentRecord, all: &[DepartmentRecord], r: &Refusal) -> Markup {
    let (rename, end, merge) =
        (format!("dept-{}-rename", d.id), format!("dept-{}-end", d.id), format!("dept-{}-merge", d.id));
    let open = r.is(&rename) || r.is(&end) || r.is(&merge);
    let others: Vec<(String, String)> = std::iter::once((String::new(), "（選んでください）".to_string()))
        .chain(
            all.iter()
                .filter(|x| x.id != d.id)
                .map(|x| (x.id.to_string(), format!("{}{}", x.name, ended_mark(x.valid_until)))),
        )
        .collect();
    let base = format!("/m/{code}/admin/org/departments/{}", d.id);
    html! {
        details open[open] {
            summary { "部「" (d.name) "」を改称・廃止・統合する" }
            form method="post" action={ (base) "/rename" } {
                (csrf(&staff.csrf))
                (r.banner(&rename, &["name", "from"]))
                (Text::new(&rename, "name", "新しい名前", r.value(&rename, "name", &d.name)).required().render(r))
                (Text::new(&rename, "from", "新しい名前を使う年度（空欄: 誤りの訂正）", r.value(&rename, "from", "")).size(14).note("例: 2026").render(r))
                p { button type="submit" { "改称する" } }
            }
            form method="post" action={ (base) "/end" } {
                (csrf(&staff.csrf))
                (r.banner(&end, &["last_year"]))
                (Text::new(&end, "last_year", "最後の年度", r.value(&end, "last_year", "")).size(14).note("この年度限りで廃止します（課は先に廃止か統合）").render(r))
                p { button type="submit" { "廃止する" } }
            }
            form method="post" action={ (base) "/merge" } {
                (csrf(&staff.csrf))
                (r.banner(&merge, &["into", "from"]))
                (select(&merge, "into", "統合先の部", r, &r.value(&merge, "into", ""), &others, Some("課はすべて統合先の部へ移ります")))
                (Text::new(&merge, "from", "統合の年度", r.value(&merge, "from", "")).size(14).note("この年度から統合先の部になります").render(r))
                p { button type="submit" { "統合する" } }
            }
        }
    }
}

/// Where a command's answer leads: the page to go to on success, and the
/// form (with what was typed) to show again on a refusal.
struct Reply<'a> {
    ok: String,
    form: &'a str,
    typed: &'a [(&'a str, &'a str)],
    /// The section page shows the refusal; else the organisation page.
    section: Option<i64>,
}

/// A command's result: on to the next page, or this page again with the
/// refusal next to the fields.
async fn answer(
    s: &AppState,
    staff: &Staff,
    code: &str,
    result: Result<(), hyoka_app::CommandError>,
    reply: Reply<'_>,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(Redirect::to(&reply.ok).into_response()),
        Err(e) => {
            let r = Refusal::from_command(reply.form, reply.typed, e)?;
            let city = s.store.municipality(code).await?.name;
            let page = match reply.section {
                Some(id) => section_page(s, staff, code, &city, id, None, &r).await?,
                None => org_page(s, staff, code, &city, None, &r).await?,
            };
            Ok(refused(page, &r))
        }
    }
}

pub(super) async fn create_department(
    State(s): State<AppState>,
    staff: Staff,
    Params(code): Params<CityCode>,
    Form(f): Form<OrgForm>,
) -> Result<Response, AppError> {
    admin_city(&s, &staff, &code).await?;
    let cmd = CreateDepartment { municipality: code.0.clone(), name: f.name.clone(), from: f.from.clone() };
    let result = s.app.run(&staff.actor(), cmd).await.map(|_| ());
    let typed = [("name", f.name.as_str()), ("from", f.from.as_str())];
    answer(
        &s,
        &staff,
        &code,
        result,
        Reply {
            ok: format!("/m/{code}/admin/org?done=department"),
            form: "new-department",
            typed: &typed,
            section: None,
        },
    )
    .await
}

pub(super) async fn create_section(
    State(s): State<AppState>,
    staff: Staff,
    Params(code): Params<CityCode>,
    Form(f): Form<OrgForm>,
) -> Result<Response, AppError> {
    admin_city(&s, &staff, &code).await?;
    let cmd = CreateSection {
        municipality: code.0.clone(),
        department_id: form_id(&f.department),
        name: f.name.clone(),
        from: f.from.clone(),
    };
    match s.app.run(&staff.actor(), cmd).await {
        Ok(id) => Ok(Redirect::to(&format!("/m/{code}/admin/org/sections/{id}?done=section")).into_response()),
        Err(e) => {
            let typed = [("department", f.department.as_str()), ("name", f.name.as_str()), ("from", f.from.as_str())];
            answer(
                &s,
                &staff,
                &code,
                Err(e),
                Reply { ok: String::new(), form: "new-section", typed: &typed, section: None },
            )
            .await
        }
    }
}

pub(super) async fn rename_department(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(id))): Params<(CityCode, Id)>,
    Form(f): Form<OrgForm>,
) -> Result<Response, AppError> {
    admin_city(&s, &staff, &code).await?;
    let cmd = RenameDepartment {
        municipality: code.0.clone(),
        department_id: id,
        name: f.name.clone(),
        from: f.from.clone(),
    };
    let result = s.app.run(&staff.actor(), cmd).await;
    department_answer(&s, &staff, &code, id, result, "rename", &[("name", &f.name), ("from", &f.from)]).await
}

pub(super) async fn end_department(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(id))): Params<(CityCode, Id)>,
    Form(f): Form<OrgForm>,
) -> Result<Response, AppError> {
    admin_city(&s, &staff, &code).await?;
    let cmd = EndDepartment { municipality: code.0.clone(), department_id: id, last_year: f.last_year.clone() };
    let result = s.app.run(&staff.actor(), cmd).await;
    department_answer(&s, &staff, &code, id, result, "end", &[("last_year", &f.last_year)]).await
}

pub(super) async fn merge_department(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(id))): Params<(CityCode, Id)>,
    Form(f): Form<OrgForm>,
) -> Result<Response, AppError> {
    admin_city(&s, &staff, &code).await?;
    let cmd = MergeDepartment {
        municipality: code.0.clone(),
        department_id: id,
        into_id: form_id(&f.into),
        from: f.from.clone(),
    };
    let result = s.app.run(&staff.actor(), cmd).await;
    department_answer(&s, &staff, &code, id, result, "merge", &[("into", &f.into), ("from", &f.from)]).await
}

/// A department command's answer: back to the organisation page, or the
/// refusal next to the department's form `dept-{id}-{verb}`.
async fn department_answer(
    s: &AppState,
    staff: &Staff,
    code: &CityCode,
    id: i64,
    result: Result<(), hyoka_app::CommandError>,
    verb: &str,
    typed: &[(&str, &str)],
) -> Result<Response, AppError> {
    let form = format!("dept-{id}-{verb}");
    let ok = format!("/m/{code}/admin/org?done={verb}");
    answer(s, staff, code, result, Reply { ok, form: &form, typed, section: None }).await
}

/// The section of the path, if it belongs to the city.
async fn city_section(s: &AppState, code: &str, id: i64) -> Result<SectionRecord, AppError> {
    of_city(s.store.section(id).await, |x| &x.municipality_code, code, "課")
}

pub(super) async fn section(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(id))): Params<(CityCode, Id)>,
    Query(q): Query<Done>,
) -> Result<Markup, AppError> {
    let city = admin_city(&s, &staff, &code).await?;
    section_page(&s, &staff, &code, &city, id, done_message(q.done.as_deref()), &Refusal::default()).await
}

async fn section_page(
    s: &AppState,
    staff: &Staff,
    code: &str,
    city: &str,
    id: i64,
    done: Option<&str>,
    r: &Refusal,
) -> Result<Markup, AppError> {
    let x = city_section(s, code, id).await?;
    let sections = s.store.sections(code).await?;
    let used = s.store.section_use(x.id).await?;
    let years = s.store.section_years(x.id).await?;
    let current = match s.store.sheet_years(code, None).await?.first() {
        Some(y) => *y,
        None => FiscalYear::containing(today_in_japan(s.app.now())).map_err(|e| AppError::Invalid(e.to_string()))?,
    };
    let others: Vec<(String, String)> = std::iter::once((String::new(), "（選んでください）".to_string()))
        .chain(
            sections
                .iter()
                .filter(|o| o.id != x.id)
                .map(|o| (o.id.to_string(), format!("{}{}", o.label(), ended_mark(o.valid_until)))),
        )
        .collect();
    let merged_into = x.merged_into.and_then(|m| sections.iter().find(|o| o.id == m));
    let base = format!("/m/{code}/admin/org/sections/{}", x.id);
    let mut crumbs = crumbs(code, city);
    crumbs.push(("組織（部・課）".into(), format!("/m/{code}/admin/org")));
    let staff_year = years.iter().find(|y| y.fiscal_year == Some(current));
    let stored = |f: fn(&hyoka_store::SectionYear) -> Option<String>| staff_year.and_then(f).unwrap_or_default();
    Ok(staff_page(
        staff.bar(),
        &format!("課: {}", x.label()),
        &crumbs,
        html! {
            (nav(code, "/org"))
            @if let Some(m) = done { p class="ok" role="status" { (m) } }
            dl {
                dt { "部" } dd { (x.department) }
                dt { "課" } dd { (section_name(&x)) }
                dt { "期間" } dd { @if x.valid_from.is_none() && x.valid_until.is_none() { "（定めなし）" } @else { (period(x.valid_from, x.valid_until)) } }
                @if !x.former_names.is_empty() { dt { "旧名称" } dd { (former(&x.former_names)) } }
                @if let Some(m) = merged_into {
                    dt { "統合先" } dd { a href={ "/m/" (code) "/admin/org/sections/" (m.id) } { (m.label()) } }
                }
            }
            h2 { "担当している事業" }
            @if used.items.is_empty() { p { "ありません。" } }
            @else { ul { @for (c, t) in &used.items { li { span class="code" { (c) } (t) } } } }
            h2 { "この課のアカウント（編集者・承認者）" }
            @if used.accounts.is_empty() { p { "ありません。" } }
            @else { ul { @for l in &used.accounts { li { (l) } } } }

            h2 { "職員数・連絡先（年度ごと）" }
            @if years.is_empty() {
                p { "まだ登録がありません。" }
            } @else {
                table {
                    caption class="sr-only" { "年度ごとの職員数と連絡先" }
                    thead { tr {
                        th scope="col" { "年度" } th scope="col" { "正職員数" } th scope="col" { "その他職員数" }
                        th scope="col" { "内線" } th scope="col" { "課長の職名" } th scope="col" { "課長の氏名" }
                    } }
                    tbody {
                        @for y in &years {
                            tr {
                                th scope="row" { (y.fiscal_year.map(|f| f.label_with_western()).unwrap_or_default()) }
                                td class="num" { (y.regular_staff.clone().unwrap_or_default()) }
                                td class="num" { (y.other_staff.clone().unwrap_or_default()) }
                                td { (y.extension.clone().unwrap_or_default()) }
                                td { (y.head_title.clone().unwrap_or_default()) }
                                td { (y.head_name.clone().unwrap_or_default()) }
                            }
                        }
                    }
                }
            }
            @let form = "staff";
            form method="post" action={ (base) "/staff" } {
                (csrf(&staff.csrf))
                (r.banner(form, &["fiscal_year", "regular_staff", "other_staff", "extension", "head_title", "head_name"]))
                (Text::new(form, "fiscal_year", "年度", r.value(form, "fiscal_year", &current.year().to_string())).required().size(14).note("例: 2025、令和7年度").render(r))
                (Text::new(form, "regular_staff", "正職員数", r.value(form, "regular_staff", &stored(|y| y.regular_staff.clone()))).size(8).note("人").render(r))
                (Text::new(form, "other_staff", "その他職員数", r.value(form, "other_staff", &stored(|y| y.other_staff.clone()))).size(8).note("人（0.5 などの小数も可）").render(r))
                (Text::new(form, "extension", "内線", r.value(form, "extension", &stored(|y| y.extension.clone()))).size(12).render(r))
                (Text::new(form, "head_title", "課長の職名", r.value(form, "head_title", &stored(|y| y.head_title.clone()))).size(16).note("例: 課長、担当部長").render(r))
                (Text::new(form, "head_name", "課長の氏名", r.value(form, "head_name", &stored(|y| y.head_name.clone()))).size(20).render(r))
                p { button type="submit" class="primary" { "保存する" } }
                p class="note" { "すべて空欄にして保存すると、その年度の登録を消します。" }
            }

            h2 { "改称・廃止・統合" }
            @let form = "rename";
            form method="post" action={ (base) "/rename" } {
                (csrf(&staff.csrf))
                (r.banner(form, &["name", "from"]))
                (Text::new(form, "name", "新しい名前", r.value(form, "name", &x.name)).required().render(r))
                (Text::new(form, "from", "新しい名前を使う年度（空欄: 誤りの訂正）", r.value(form, "from", "")).size(14).note("前の年度までは今の名前で表示します").render(r))
                p { button type="submit" { "改称する" } }
            }
            @let form = "end";
            form method="post" action={ (base) "/end" } {
                (csrf(&staff.csrf))
                (r.banner(form, &["last_year"]))
                (Text::new(form, "last_year", "最後の年度", r.value(form, "last_year", "")).size(14).note("この年度限りで廃止します。担当の事業とアカウントはそのまま残ります").render(r))
                p { button type="submit" { "廃止する" } }
            }
            @let form = "merge";
            form method="post" action={ (base) "/merge" } {
                (csrf(&staff.csrf))
                (r.banner(form, &["into", "from"]))
                (select(form, "into", "統合先の課", r, &r.value(form, "into", ""), &others, Some("担当の事業と、編集者・承認者のアカウントが統合先へ移ります")))
                (Text::new(form, "from", "統合の年度", r.value(form, "from", "")).size(14).note("この課はその前の年度限りとなります").render(r))
                p { button type="submit" { "統合する" } }
            }
        },
    ))
}

async fn section_answer(
    s: &AppState,
    staff: &Staff,
    code: &CityCode,
    id: i64,
    result: Result<(), hyoka_app::CommandError>,
    form: &str,
    typed: &[(&str, &str)],
) -> Result<Response, AppError> {
    let ok = format!("/m/{code}/admin/org/sections/{id}?done={form}");
    answer(s, staff, code, result, Reply { ok, form, typed, section: Some(id) }).await
}

pub(super) async fn rename_section(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(id))): Params<(CityCode, Id)>,
    Form(f): Form<OrgForm>,
) -> Result<Response, AppError> {
    admin_city(&s, &staff, &code).await?;
    let cmd =
        RenameSection { municipality: code.0.clone(), section_id: id, name: f.name.clone(), from: f.from.clone() };
    let result = s.app.run(&staff.actor(), cmd).await;
    section_answer(&s, &staff, &code, id, result, "rename", &[("name", &f.name), ("from", &f.from)]).await
}

pub(super) async fn end_section(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(id))): Params<(CityCode, Id)>,
    Form(f): Form<OrgForm>,
) -> Result<Response, AppError> {
    admin_city(&s, &staff, &code).await?;
    let cmd = EndSection { municipality: code.0.clone(), section_id: id, last_year: f.last_year.clone() };
    let result = s.app.run(&staff.actor(), cmd).await;
    section_answer(&s, &staff, &code, id, result, "end", &[("last_year", &f.last_year)]).await
}

pub(super) async fn merge_section(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(id))): Params<(CityCode, Id)>,
    Form(f): Form<OrgForm>,
) -> Result<Response, AppError> {
    admin_city(&s, &staff, &code).await?;
    let cmd =
        MergeSection { municipality: code.0.clone(), section_id: id, into_id: form_id(&f.into), from: f.from.clone() };
    let result = s.app.run(&staff.actor(), cmd).await;
    section_answer(&s, &staff, &code, id, result, "merge", &[("into", &f.into), ("from", &f.from)]).await
}

pub(super) async fn set_staff(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(id))): Params<(CityCode, Id)>,
    Form(f): Form<OrgForm>,
) -> Result<Response, AppError> {
    admin_city(&s, &staff, &code).await?;
    let cmd = SetSectionYear {
        municipality: code.0.clone(),
        section_id: id,
        fiscal_year: f.fiscal_year.clone(),
        regular_staff: f.regular_staff.clone(),
        other_staff: f.other_staff.clone(),
        extension: f.extension.clone(),
        head_title: f.head_title.clone(),
        head_name: f.head_name.clone(),
    };
    let result = s.app.run(&staff.actor(), cmd).await;
    let typed = [
        ("fiscal_year", f.fiscal_year.as_str()),
        ("regular_staff", f.regular_staff.as_str()),
        ("other_staff", f.other_staff.as_str()),
        ("extension", f.extension.as_str()),
        ("head_title", f.head_title.as_str()),
        ("head_name", f.head_name.as_str()),
    ];
    section_answer(&s, &staff, &code, id, result, "staff", &typed).await
}
