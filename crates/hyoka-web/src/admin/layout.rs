//! The sheet layout and the evaluation scales: the city picks one of the
//! preset formats, renames any heading or column, and renames its scales'
//! grades, all without code. Grade codes (`S`, `1`, `A`) stay as printed;
//! only their names change.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hyoka_app::layout::{missing_scales, SetLayout};
use hyoka_app::CommandError;
use hyoka_core::layout::{SheetLayout, MAX_LABEL_CHARS, PRESETS};
use maud::{html, Markup};
use serde::Deserialize;

use super::{admin_city, crumbs, nav};
use crate::http::{AppError, CityCode, Form, Params, Staff};
use crate::ui::shell::staff_page;
use crate::AppState;

/// The city each preset comes from, to tell them apart.
fn preset_city(code: &str) -> &'static str {
    match code {
        "mitaka" => "三鷹市",
        "mishima" => "三島市",
        "kodaira" => "小平市",
        "higashimurayama" => "東村山市",
        _ => "",
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct DoneQuery {
    done: Option<String>,
}

pub(super) async fn layout_page(
    State(s): State<AppState>,
    staff: Staff,
    Params(code): Params<CityCode>,
    Query(q): Query<DoneQuery>,
) -> Result<Markup, AppError> {
    let city = admin_city(&s, &staff, &code).await?;
    let done = q.done.is_some().then_some("様式と評価尺度を保存しました。");
    render(&s, &staff, &code, &city, done, None, None).await
}

/// The page; `sent` holds what was typed when the form is shown again.
async fn render(
    s: &AppState,
    staff: &Staff,
    code: &str,
    city: &str,
    done: Option<&str>,
    error: Option<&str>,
    sent: Option<&BTreeMap<String, String>>,
) -> Result<Markup, AppError> {
    let (preset, overrides) = s.store.sheet_layout(code).await?;
    let defaults = SheetLayout::preset(&preset).map_err(|e| AppError::Invalid(e.to_string()))?;
    let scales = s.store.scales(code).await?;
    let missing = missing_scales(&defaults, &scales);
    let value = |name: String, stored: Option<&String>| -> String {
        match sent {
            Some(m) => m.get(&name).cloned().unwrap_or_default(),
            None => stored.cloned().unwrap_or_default(),
        }
    };
    let chosen = sent.and_then(|m| m.get("preset").cloned()).unwrap_or(preset.clone());
    Ok(staff_page(
        staff.bar(),
        "様式と評価尺度",
        &crumbs(code, city),
        html! {
            (nav(code, "/layout"))
            @if let Some(m) = done { p class="ok" role="status" { (m) } }
            @if let Some(e) = error { p class="error" role="alert" id="layout-error" { (e) } }
            form method="post" action={ "/m/" (code) "/admin/layout" } {
                input type="hidden" name="_csrf" value=(staff.csrf);
                fieldset {
                    legend { "調査票の様式" }
                    @for p in PRESETS {
                        @let layout = SheetLayout::preset(p).map_err(|e| AppError::Invalid(e.to_string()))?;
                        p {
                            input type="radio" id={ "preset-" (p) } name="preset" value=(p) checked[chosen == *p];
                            " "
                            label for={ "preset-" (p) } {
                                (layout.name) "（" (preset_city(p)) "の様式）"
                            }
                            br;
                            span class="note" {
                                @for (i, sec) in layout.sections.iter().enumerate() {
                                    @if i > 0 { "・" } (sec.label)
                                }
                            }
                        }
                    }
                    p class="note" { "様式を変えると、見出しの名前の変更は新しい様式にあるものだけが残ります。" }
                }
                fieldset {
                    legend { "見出しと項目の名前（" (defaults.name) "）" }
                    p class="note" {
                        "空欄の項目は様式どおりの名前を使います（" (MAX_LABEL_CHARS) "文字以内）。"
                    }
                    @for (i, (key, default)) in defaults.label_keys().into_iter().enumerate() {
                        p {
                            label for={ "label-" (i) } { (default) }
                            " " span class="note code" { (key) }
                            br;
                            input id={ "label-" (i) } type="text" name={ "label:" (key) }
                                value=(value(format!("label:{key}"), overrides.get(&key))) placeholder=(default) size="40";
                        }
                    }
                }
                @for (si, sc) in scales.iter().enumerate() {
                    fieldset {
                        legend { "評価尺度「" (sc.name) "」" }
                        p {
                            label for={ "scale-" (si) } { "尺度の名前" }
                            br;
                            input id={ "scale-" (si) } type="text" name={ "scale:" (sc.code) }
                                value=(value(format!("scale:{}", sc.code), Some(&sc.name))) required size="30";
                        }
                        table {
                            caption class="sr-only" { (sc.name) "の評価と名前" }
                            thead { tr { th scope="col" { "評価（記号）" } th scope="col" { "名前" } } }
                            tbody {
                                @for (gi, g) in sc.grades.iter().enumerate() {
                                    tr {
                                        th scope="row" { label for={ "grade-" (si) "-" (gi) } { (g.code) } }
                                        td {
                                            input id={ "grade-" (si) "-" (gi) } type="text" name={ "grade:" (sc.code) ":" (g.code) }
                                                value=(value(format!("grade:{}:{}", sc.code, g.code), Some(&g.label))) size="36";
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                @if !missing.is_empty() {
                    p class="note" {
                        "この様式で使う評価尺度のうち、"
                        @for (i, m) in missing.iter().enumerate() { @if i > 0 { "、" } "「" (m.name) "」" }
                        "はまだありません。保存すると様式どおりの尺度を追加します。"
                    }
                }
                p { button type="submit" class="primary" { "保存する" } }
            }
        },
    ))
}

pub(super) async fn save_layout(
    State(s): State<AppState>,
    staff: Staff,
    Params(code): Params<CityCode>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let city = admin_city(&s, &staff, &code).await?;
    let sent: BTreeMap<String, String> = fields.into_iter().collect();
    let mut command = SetLayout {
        municipality: code.0.clone(),
        preset: sent.get("preset").cloned().unwrap_or_default(),
        labels: BTreeMap::new(),
        scale_names: BTreeMap::new(),
        grade_labels: BTreeMap::new(),
    };
    for (k, v) in &sent {
        if let Some(key) = k.strip_prefix("label:") {
            command.labels.insert(key.to_string(), v.clone());
        } else if let Some(scale) = k.strip_prefix("scale:") {
            command.scale_names.insert(scale.to_string(), v.clone());
        } else if let Some((scale, grade)) = k.strip_prefix("grade:").and_then(|r| r.split_once(':')) {
            command.grade_labels.insert((scale.to_string(), grade.to_string()), v.clone());
        }
    }
    match s.app.run(&staff.actor(), command).await {
        Ok(()) => Ok(Redirect::to(&format!("/m/{code}/admin/layout?done=1")).into_response()),
        Err(CommandError::Invalid { message, .. }) => invalid(&s, &staff, &code, &city, &sent, message).await,
        Err(e) => Err(e.into()),
    }
}

/// The page again with the message and what was typed (422).
async fn invalid(
    s: &AppState,
    staff: &Staff,
    code: &str,
    city: &str,
    sent: &BTreeMap<String, String>,
    message: String,
) -> Result<Response, AppError> {
    let page = render(s, staff, code, city, None, Some(&message), Some(sent)).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}
