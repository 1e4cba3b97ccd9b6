//! The system administrator's page: the cities of this installation and
//! their administrators. The system administrator sees no city's sheets
//! (every city route answers 404), and city staff never see this (403).

use crate::http::Query;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hyoka_app::accounts::CreateAccount;
use hyoka_app::city::CreateCity;
use hyoka_app::CommandError;
use hyoka_core::access::{Action, Role};
use maud::{html, Markup};
use serde::Deserialize;

use crate::http::{AppError, Form, Routes, Rule, Staff};
use crate::ui::shell::staff_page;
use crate::AppState;

pub fn routes(r: Routes) -> Routes {
    r.get("/system", Rule::System, system).post("/system/cities", Rule::System, create_city).post(
        "/system/admins",
        Rule::System,
        create_admin,
    )
}

fn require(staff: &Staff) -> Result<(), AppError> {
    staff.require(Action::ManageSystem, "", &[])
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct CityForm {
    code: String,
    name: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct AdminForm {
    municipality: String,
    login: String,
    display_name: String,
}

/// Messages next to fields, by field name.
#[derive(Default)]
struct Errors(Vec<(&'static str, String)>);

impl Errors {
    fn get(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SystemQuery {
    done: Option<String>,
    code: Option<String>,
}

async fn system(State(s): State<AppState>, staff: Staff, Query(q): Query<SystemQuery>) -> Result<Markup, AppError> {
    require(&staff)?;
    let done = match (q.done.as_deref(), q.code.as_deref()) {
        (Some("city"), Some(c)) => {
            Some(format!("団体コード {c} の自治体を登録しました。続けて管理者を作成してください。"))
        }
        _ => None,
    };
    page(&s, &staff, done.as_deref(), &CityForm::default(), &AdminForm::default(), &Errors::default()).await
}

async fn page(
    s: &AppState,
    staff: &Staff,
    done: Option<&str>,
    city: &CityForm,
    admin: &AdminForm,
    errors: &Errors,
) -> Result<Markup, AppError> {
    let cities = s.store.city_overviews().await?;
    let err = |id: &str, field: &str| {
        html! { @if let Some(m) = errors.get(field) { br; span id=(id) class="error" { (m) } } }
    };
    let invalid = |field: &str| errors.get(field).map(|_| "true");
    Ok(staff_page(
        staff.bar(),
        "システム管理",
        &[],
        html! {
            @if let Some(m) = done { p class="ok" role="status" { (m) } }
            @if !errors.is_empty() { p class="error" role="alert" { "入力内容を確認してください。" } }
            h2 { "自治体" }
            @if cities.is_empty() {
                p { "登録された自治体はありません。" }
            } @else {
                table {
                    thead { tr {
                        th scope="col" { "団体コード" } th scope="col" { "名称" } th scope="col" { "事業" }
                        th scope="col" { "調査票" } th scope="col" { "アカウント" } th scope="col" { "管理者" }
                    } }
                    tbody {
                        @for c in &cities {
                            tr {
                                td class="code" { (c.code) }
                                th scope="row" { (c.name) }
                                td class="num" { (c.items) }
                                td class="num" { (c.sheets) }
                                td class="num" { (c.accounts) }
                                td {
                                    @if c.admins.is_empty() { span class="warn" { "未設定" } }
                                    @for (i, (login, name)) in c.admins.iter().enumerate() {
                                        @if i > 0 { "、" } (name) "（" (login) "）"
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h2 { "自治体の登録" }
            form method="post" action="/system/cities" {
                input type="hidden" name="_csrf" value=(staff.csrf);
                p {
                    label for="city-code" { "団体コード（全国地方公共団体コード6桁）" }
                    (err("city-code-error", "code"))
                    br;
                    input id="city-code" type="text" name="code" value=(city.code) required inputmode="numeric"
                        size="8" aria-invalid=[invalid("code")]
                        aria-describedby=[errors.get("code").map(|_| "city-code-error")];
                }
                p {
                    label for="city-name" { "名称" }
                    (err("city-name-error", "name"))
                    br;
                    input id="city-name" type="text" name="name" value=(city.name) required
                        aria-invalid=[invalid("name")] aria-describedby=[errors.get("name").map(|_| "city-name-error")];
                }
                p { button type="submit" class="primary" { "登録する" } }
            }
            h2 { "自治体の管理者の作成" }
            @if cities.is_empty() {
                p { "先に自治体を登録してください。" }
            } @else {
                form method="post" action="/system/admins" {
                    input type="hidden" name="_csrf" value=(staff.csrf);
                    p {
                        label for="admin-city" { "自治体" }
                        (err("admin-city-error", "municipality"))
                        br;
                        select id="admin-city" name="municipality" {
                            @for c in &cities {
                                option value=(c.code) selected[admin.municipality == c.code] { (c.name) "（" (c.code) "）" }
                            }
                        }
                    }
                    p {
                        label for="admin-login" { "ログイン名" }
                        (err("admin-login-error", "login"))
                        br;
                        input id="admin-login" type="text" name="login" value=(admin.login) required autocomplete="off"
                            aria-invalid=[invalid("login")]
                            aria-describedby=[errors.get("login").map(|_| "admin-login-error")];
                        " " span class="note" { "半角の英数字と . _ - @ で3～64文字" }
                    }
                    p {
                        label for="admin-name" { "表示名" }
                        (err("admin-name-error", "display_name"))
                        br;
                        input id="admin-name" type="text" name="display_name" value=(admin.display_name) required
                            aria-invalid=[invalid("display_name")]
                            aria-describedby=[errors.get("display_name").map(|_| "admin-name-error")];
                    }
                    p { button type="submit" class="primary" { "管理者を作成する" } }
                    p class="note" { "初期パスワードは作成後に一度だけ表示します。" }
                }
            }
        },
    ))
}

/// The field a command's refusal is about, as the page names it.
fn field_of(field: Option<&str>, fields: &[&'static str], default: &'static str) -> &'static str {
    field.and_then(|f| fields.iter().find(|x| **x == f).copied()).unwrap_or(default)
}

async fn create_city(State(s): State<AppState>, staff: Staff, Form(f): Form<CityForm>) -> Result<Response, AppError> {
    require(&staff)?;
    let command = CreateCity { code: f.code.clone(), name: f.name.clone() };
    let errors = match s.app.run(&staff.actor(), command).await {
        Ok(city) => return Ok(Redirect::to(&format!("/system?done=city&code={}", city.code)).into_response()),
        Err(CommandError::Invalid { field, message }) => {
            Errors(vec![(field_of(field.as_deref(), &["code", "name"], "code"), message)])
        }
        Err(e) => return Err(e.into()),
    };
    let page = page(&s, &staff, None, &f, &AdminForm::default(), &errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

async fn create_admin(State(s): State<AppState>, staff: Staff, Form(f): Form<AdminForm>) -> Result<Response, AppError> {
    require(&staff)?;
    let city = s.store.municipalities().await?.into_iter().find(|m| m.code == f.municipality);
    let errors = match city {
        None => Errors(vec![("municipality", "自治体を一覧から選んでください。".into())]),
        Some(city) => {
            let command = CreateAccount {
                municipality: Some(city.code.clone()),
                login: f.login.clone(),
                display_name: f.display_name.clone(),
                role: Role::Admin,
                section_id: None,
                password: None,
            };
            match s.app.run(&staff.actor(), command).await {
                Ok(created) => {
                    let name = hyoka_core::text::normalise(&f.display_name);
                    let login = created.login;
                    return Ok(crate::http::cache::no_store(staff_page(
                        staff.bar(),
                        &format!("{}の管理者「{login}」を作成しました", city.name),
                        &[("システム管理".into(), "/system".into())],
                        html! {
                            p class="ok" role="status" { (name) "（" (login) "）の初期パスワードです。この画面を閉じると二度と表示されません。" }
                            p { "パスワード: " code class="password" { (created.password) } }
                            p { "本人に安全な方法で伝えてください。" }
                            p { a href="/system" { "システム管理へ戻る" } }
                        },
                    )));
                }
                Err(CommandError::Invalid { field, message }) => {
                    Errors(vec![(field_of(field.as_deref(), &["login", "display_name"], "login"), message)])
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    let page = page(&s, &staff, None, &CityForm::default(), &f, &errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}
