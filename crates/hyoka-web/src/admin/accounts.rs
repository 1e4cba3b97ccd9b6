//! The city's accounts: list, create (the first password is shown once),
//! change a role or section, and issue a new password.

use crate::http::Query;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hyoka_app::accounts::{needs_section, CreateAccount, ResetPassword, SetRole};
use hyoka_app::CommandError;
use hyoka_core::access::Role;
use hyoka_store::{AccountRecord, SECTION_CHOICES_MAX};
use maud::{html, Markup};
use serde::Deserialize;

use super::{admin_city, crumbs, field_error, nav, no_store, segment};
use crate::http::{AppError, CityCode, Form, Params, Staff};
use crate::ui::shell::staff_page;
use crate::AppState;

/// The roles a city admin may give: everything but the system administrator.
const CITY_ROLES: [Role; 5] = [Role::Admin, Role::Editor, Role::Head, Role::Reviewer, Role::Viewer];

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub(super) struct AccountForm {
    login: String,
    display_name: String,
    role: String,
    section: String,
}

/// Messages next to the create form's fields.
#[derive(Default)]
struct CreateErrors {
    login: Option<String>,
    display_name: Option<String>,
    role: Option<String>,
    section: Option<String>,
}

impl CreateErrors {
    fn any(&self) -> bool {
        self.login.is_some() || self.display_name.is_some() || self.role.is_some() || self.section.is_some()
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct AccountsQuery {
    done: Option<String>,
    login: Option<String>,
}

pub(super) async fn accounts(
    State(s): State<AppState>,
    staff: Staff,
    Params(code): Params<CityCode>,
    Query(q): Query<AccountsQuery>,
) -> Result<Markup, AppError> {
    let city = admin_city(&s, &staff, &code).await?;
    let done = match (q.done.as_deref(), q.login.as_deref()) {
        (Some("role"), Some(l)) => Some(format!("「{l}」の役割を変更しました。")),
        _ => None,
    };
    accounts_page(&s, &staff, &code, &city, done.as_deref(), &AccountForm::default(), &CreateErrors::default()).await
}

async fn accounts_page(
    s: &AppState,
    staff: &Staff,
    code: &str,
    city: &str,
    done: Option<&str>,
    form: &AccountForm,
    errors: &CreateErrors,
) -> Result<Markup, AppError> {
    let list = s.store.accounts(Some(code)).await?;
    let (sections, total) = s.store.section_choices_capped(code, None, SECTION_CHOICES_MAX).await?;
    let listed: std::collections::HashSet<i64> = sections.iter().map(|x| x.0).collect();
    // The sections of accounts beyond the list, named one by one.
    let mut names: std::collections::HashMap<i64, String> = sections.iter().cloned().collect();
    for id in list.iter().filter_map(|a| a.section_id).filter(|id| !listed.contains(id)) {
        if let Some(name) = s.store.section_choice(code, id).await? {
            names.insert(id, name);
        }
    }
    let sections = Choices { listed: &sections, total, names: &names };
    let section_name = |id: Option<i64>| id.and_then(|id| names.get(&id)).cloned().unwrap_or_default();
    let desc = |field: &str, e: &Option<String>| e.as_ref().map(|_| format!("new-{field}-error"));
    Ok(staff_page(
        staff.bar(),
        "アカウント",
        &crumbs(code, city),
        html! {
            (nav(code, "/accounts"))
            @if let Some(m) = done { p class="ok" role="status" { (m) } }
            @if errors.any() { p class="error" role="alert" { "入力内容を確認してください。" } }
            h2 { "アカウントの一覧" }
            table {
                thead { tr {
                    th scope="col" { "ログイン名" } th scope="col" { "表示名" } th scope="col" { "役割・担当課" }
                    th scope="col" { "役割の変更" } th scope="col" { "パスワード" }
                } }
                tbody {
                    @for a in &list {
                        tr {
                            th scope="row" { (a.login) @if a.disabled { span class="badge" { "停止中" } } }
                            td { (a.display_name) }
                            td { (a.role.label()) @if a.section_id.is_some() { br; (section_name(a.section_id)) } }
                            td {
                                @if a.id == staff.principal.account_id {
                                    span class="note" { "（自分のアカウント）" }
                                } @else {
                                    (role_form(staff, code, a, &sections))
                                }
                            }
                            td {
                                @if a.id != staff.principal.account_id {
                                    form method="post" action={ "/m/" (code) "/admin/accounts/" (segment(&a.login)) "/password" } {
                                        input type="hidden" name="_csrf" value=(staff.csrf);
                                        button type="submit" { "再発行" span class="sr-only" { "（" (a.login) "）" } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h2 { "アカウントの作成" }
            form method="post" action={ "/m/" (code) "/admin/accounts" } {
                input type="hidden" name="_csrf" value=(staff.csrf);
                p {
                    label for="new-login" { "ログイン名" }
                    (field_error("new-login-error", errors.login.as_deref()))
                    br;
                    input id="new-login" type="text" name="login" value=(form.login) required autocomplete="off"
                        aria-invalid=[errors.login.as_ref().map(|_| "true")] aria-describedby=[desc("login", &errors.login)];
                    " " span class="note" { "半角の英数字と . _ - @ で3～64文字" }
                }
                p {
                    label for="new-display-name" { "表示名" }
                    (field_error("new-display_name-error", errors.display_name.as_deref()))
                    br;
                    input id="new-display-name" type="text" name="display_name" value=(form.display_name) required
                        aria-invalid=[errors.display_name.as_ref().map(|_| "true")]
                        aria-describedby=[desc("display_name", &errors.display_name)];
                }
                p {
                    label for="new-role" { "役割" }
                    (field_error("new-role-error", errors.role.as_deref()))
                    br;
                    (role_select("new-role", &form.role))
                }
                p {
                    label for="new-section" { "担当課（担当課・課長部長のとき必須）" }
                    (field_error("new-section-error", errors.section.as_deref()))
                    br;
                    (section_select("new-section", &form.section, &sections))
                    @if sections.total == 0 {
                        br;
                        span class="note" id="new-section-none" {
                            "課がまだありません。担当課（編集者）や課長・部長（承認者）のアカウントを作るには、先に "
                            a href={ "/m/" (code) "/admin/org" } { "組織（部・課）" }
                            " で課を作成してください。"
                        }
                    }
                }
                p { button type="submit" class="primary" { "作成する" } }
                p class="note" { "初期パスワードは作成後に一度だけ表示します。" }
            }
        },
    ))
}

fn role_select(id: &str, selected: &str) -> Markup {
    html! {
        select id=(id) name="role" {
            @for r in CITY_ROLES {
                option value=(r.code()) selected[selected == r.code()] { (r.label()) }
            }
        }
    }
}

/// A city's sections for an account form: at most
/// [`SECTION_CHOICES_MAX`] listed, with the city's count and the names of
/// the sections the page's accounts hold.
struct Choices<'a> {
    listed: &'a [(i64, String)],
    total: i64,
    names: &'a std::collections::HashMap<i64, String>,
}

/// The section of an account: a list when the city has few sections;
/// beyond [`SECTION_CHOICES_MAX`], a field for the section's number with
/// the first ones suggested (the organisation page shows every number).
fn section_select(id: &str, selected: &str, sections: &Choices) -> Markup {
    let capped = usize::try_from(sections.total).unwrap_or(usize::MAX) > sections.listed.len();
    let current = selected.parse::<i64>().ok().and_then(|id| sections.names.get(&id).map(|n| (id, n)));
    html! {
        @if capped {
            input type="text" id=(id) name="section" value=(selected) list={ (id) "-list" } inputmode="numeric"
                autocomplete="off" aria-describedby={ (id) "-help" };
            datalist id={ (id) "-list" } {
                @for (value, label) in sections.listed { option value=(value) { (label) } }
            }
            span class="note" id={ (id) "-help" } {
                " 課の番号を入力します（課が " (sections.total) " あるため、候補は最初の "
                (sections.listed.len()) " 課だけです。番号は「組織（部・課）」にあります）。"
                @if let Some((_, name)) = current { " 現在: " (name) }
            }
        } @else {
            select id=(id) name="section" {
                option value="" { "（なし）" }
                @for (value, label) in sections.listed {
                    option value=(value) selected[selected == value.to_string()] { (label) }
                }
            }
        }
    }
}

fn role_form(staff: &Staff, code: &str, a: &AccountRecord, sections: &Choices) -> Markup {
    let section = a.section_id.map(|id| id.to_string()).unwrap_or_default();
    html! {
        form method="post" action={ "/m/" (code) "/admin/accounts/" (segment(&a.login)) "/role" } {
            input type="hidden" name="_csrf" value=(staff.csrf);
            label for={ "role-" (a.id) } class="sr-only" { (a.login) "の役割" }
            (role_select(&format!("role-{}", a.id), a.role.code()))
            " "
            label for={ "section-" (a.id) } class="sr-only" { (a.login) "の担当課" }
            (section_select(&format!("section-{}", a.id), &section, sections))
            " " button type="submit" { "変更" }
        }
    }
}

/// What the store says of a form's section: whether the city has it, and
/// how many sections the city has.
struct SectionCheck {
    known: Option<i64>,
    total: i64,
}

impl SectionCheck {
    async fn of(s: &AppState, code: &str, f: &AccountForm) -> Result<SectionCheck, AppError> {
        let known = match f.section.trim().parse::<i64>() {
            Ok(id) if s.store.section_choice(code, id).await?.is_some() => Some(id),
            _ => None,
        };
        let (_, total) = s.store.section_choices_capped(code, None, 0).await?;
        Ok(SectionCheck { known, total })
    }
}

/// The role and section of a form, checked against the city.
fn role_and_section(
    form: &AccountForm,
    sections: &SectionCheck,
    errors: &mut CreateErrors,
) -> Option<(Role, Option<i64>)> {
    let role = match form.role.parse::<Role>() {
        Ok(r) if CITY_ROLES.contains(&r) => r,
        _ => {
            errors.role = Some("役割を選んでください。".into());
            return None;
        }
    };
    let section = match form.section.trim() {
        "" => None,
        s => match s.parse::<i64>().ok().filter(|id| sections.known == Some(*id)) {
            Some(id) => Some(id),
            None => {
                errors.section = Some("担当課を一覧から選んでください。".into());
                return None;
            }
        },
    };
    if needs_section(role) && section.is_none() {
        errors.section = Some(if sections.total == 0 {
            format!(
                "「{}」には担当課が必要ですが、課がまだありません。先に「組織（部・課）」で課を作成してください。",
                role.label()
            )
        } else {
            format!("「{}」には担当課が必要です。", role.label())
        });
        return None;
    }
    // Only editors and heads act for a section; others see the whole city.
    Some((role, section.filter(|_| needs_section(role))))
}

pub(super) async fn create(
    State(s): State<AppState>,
    staff: Staff,
    Params(code): Params<CityCode>,
    Form(f): Form<AccountForm>,
) -> Result<Response, AppError> {
    let city = admin_city(&s, &staff, &code).await?;
    let sections = SectionCheck::of(&s, &code, &f).await?;
    let mut errors = CreateErrors::default();
    let role = role_and_section(&f, &sections, &mut errors);
    let Some((role, section_id)) = role.filter(|_| !errors.any()) else {
        return invalid(&s, &staff, &code, &city, &f, &errors).await;
    };
    let command = CreateAccount {
        municipality: Some(code.0.clone()),
        login: f.login.clone(),
        display_name: f.display_name.clone(),
        role,
        section_id,
        password: None,
    };
    match s.app.run(&staff.actor(), command).await {
        Ok(created) => {
            let name = hyoka_core::text::normalise(&f.display_name);
            Ok(no_store(password_page(&staff, &code, &city, &created.login, &name, &created.password, "作成しました")))
        }
        Err(CommandError::Invalid { field, message }) => {
            let mut errors = CreateErrors::default();
            match field.as_deref() {
                Some("login") => errors.login = Some(message),
                Some("display_name") => errors.display_name = Some(message),
                Some("section") => errors.section = Some(message),
                _ => errors.role = Some(message),
            }
            invalid(&s, &staff, &code, &city, &f, &errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The page again with the messages next to the fields (422).
async fn invalid(
    s: &AppState,
    staff: &Staff,
    code: &str,
    city: &str,
    f: &AccountForm,
    errors: &CreateErrors,
) -> Result<Response, AppError> {
    let page = accounts_page(s, staff, code, city, None, f, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

fn password_page(staff: &Staff, code: &str, city: &str, login: &str, name: &str, password: &str, what: &str) -> Markup {
    staff_page(
        staff.bar(),
        &format!("アカウント「{login}」を{what}"),
        &crumbs(code, city),
        html! {
            (nav(code, "/accounts"))
            p class="ok" role="status" { (name) "（" (login) "）のパスワードです。この画面を閉じると二度と表示されません。" }
            p { "パスワード: " code class="password" { (password) } }
            p { "本人に安全な方法で伝えてください。" }
            p { a href={ "/m/" (code) "/admin/accounts" } { "アカウントの一覧へ戻る" } }
        },
    )
}

/// The account named in the path, if it belongs to this city.
async fn city_account(s: &AppState, code: &str, login: &str) -> Result<AccountRecord, AppError> {
    s.store
        .account_by_login(login)
        .await?
        .filter(|a| a.municipality.as_deref() == Some(code))
        .ok_or_else(|| AppError::NotFound("アカウント".into()))
}

pub(super) async fn set_role(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, login)): Params<(CityCode, String)>,
    Form(f): Form<AccountForm>,
) -> Result<Response, AppError> {
    admin_city(&s, &staff, &code).await?;
    let account = city_account(&s, &code, &login).await?;
    let sections = SectionCheck::of(&s, &code, &f).await?;
    let mut errors = CreateErrors::default();
    let Some((role, section_id)) = role_and_section(&f, &sections, &mut errors) else {
        let message = errors.role.or(errors.section).unwrap_or_default();
        return Err(AppError::Invalid(format!("「{login}」の役割・担当課: {message}")));
    };
    s.app.run(&staff.actor(), SetRole { login: account.login.clone(), role, section_id }).await?;
    Ok(Redirect::to(&format!("/m/{code}/admin/accounts?done=role&login={}", segment(&account.login))).into_response())
}

pub(super) async fn reset_password(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, login)): Params<(CityCode, String)>,
) -> Result<Response, AppError> {
    let city = admin_city(&s, &staff, &code).await?;
    let account = city_account(&s, &code, &login).await?;
    let new = s.app.run(&staff.actor(), ResetPassword { login: account.login, password: None }).await?;
    Ok(no_store(password_page(&staff, &code, &city, &new.login, &new.display_name, &new.password, "再発行しました")))
}
