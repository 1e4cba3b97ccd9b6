//! The city's sheet kinds and evaluation scales: the kinds it uses (one per
//! form: a project sheet, a 施策 sheet, a department's objectives …), each
//! with its headings renamed, kinds added and stopped, and its scales'
//! grades renamed, all without code. Grade codes (`S`, `1`, `A`) stay as
//! printed; only their names change.

use std::collections::BTreeMap;

use crate::http::Query;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hyoka_app::layout::{missing_scales, DisableSheetKind, SetLayout};
use hyoka_app::CommandError;
use hyoka_core::layout::{item_kind_label, SheetLayout, MAX_LABEL_CHARS, PRESETS};
use maud::{html, Markup};
use serde::Deserialize;

use super::{admin_city, crumbs, nav};
use crate::http::{AppError, CityCode, Form, Params, Staff};
use crate::ui::shell::staff_page;
use crate::AppState;

/// The city each preset comes from, to tell them apart.
fn preset_city(code: &str) -> &'static str {
    match code {
        "mitaka" | "mitaka-measure" | "mitaka-issue" => "三鷹市",
        "mishima" => "三島市",
        "kodaira" => "小平市",
        "higashimurayama" => "東村山市",
        "jimu" => "全国の多くの市",
        _ => "",
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct LayoutQuery {
    done: Option<String>,
    /// The kind whose headings the form edits; the city's first by default.
    kind: Option<String>,
}

pub(super) async fn layout_page(
    State(s): State<AppState>,
    staff: Staff,
    Params(code): Params<CityCode>,
    Query(q): Query<LayoutQuery>,
) -> Result<Markup, AppError> {
    let city = admin_city(&s, &staff, &code).await?;
    let done = q.done.as_deref().map(|d| match d {
        "disable" => "様式を止めました。",
        _ => "様式と評価尺度を保存しました。",
    });
    render(&s, &staff, &code, &city, q.kind.as_deref(), done, None, None).await
}

/// The page; `sent` holds what was typed when the form is shown again.
#[allow(clippy::too_many_arguments)]
async fn render(
    s: &AppState,
    staff: &Staff,
    code: &str,
    city: &str,
    kind: Option<&str>,
    done: Option<&str>,
    error: Option<&str>,
    sent: Option<&BTreeMap<String, String>>,
) -> Result<Markup, AppError> {
    let kinds = s.store.sheet_kinds(code).await?;
    let chosen = sent
        .and_then(|m| m.get("preset").cloned())
        .or(kind.map(str::to_string))
        .filter(|k| PRESETS.contains(&k.as_str()))
        .or_else(|| kinds.first().map(|k| k.preset.clone()))
        .unwrap_or_else(|| "mitaka".into());
    let overrides = kinds.iter().find(|k| k.preset == chosen).map(|k| k.labels.clone()).unwrap_or_default();
    let defaults = SheetLayout::preset(&chosen).map_err(|e| AppError::Invalid(e.to_string()))?;
    let scales = s.store.scales(code).await?;
    let missing = missing_scales(&defaults, &scales);
    let value = |name: String, stored: Option<&String>| -> String {
        match sent {
            Some(m) => m.get(&name).cloned().unwrap_or_default(),
            None => stored.cloned().unwrap_or_default(),
        }
    };
    let layouts: Vec<SheetLayout> =
        kinds.iter().filter_map(|k| SheetLayout::with_overrides(&k.preset, &k.labels).ok()).collect();
    let unused: Vec<SheetLayout> = PRESETS
        .iter()
        .filter(|p| !kinds.iter().any(|k| k.preset == **p))
        .filter_map(|p| SheetLayout::preset(p).ok())
        .collect();
    let action = format!("/m/{code}/admin/layout");
    Ok(staff_page(
        staff.bar(),
        "様式と評価尺度",
        &crumbs(code, city),
        html! {
            (nav(code, "/layout"))
            @if let Some(m) = done { p class="ok" role="status" { (m) } }
            @if let Some(e) = error { p class="error" role="alert" id="layout-error" { (e) } }
            h2 { "この市の調査票の様式" }
            p class="note" {
                "事業・施策などの種類ごとに、その種類の調査票の様式を使います。"
                "同じ種類を持つ様式が2つあるときは、上にあるものを使います。"
            }
            table {
                caption class="sr-only" { "この市の調査票の様式" }
                thead { tr { th scope="col" { "様式" } th scope="col" { "対象" } th scope="col" { "見出し" } th scope="col" { "操作" } } }
                tbody {
                    @for (l, k) in layouts.iter().zip(&kinds) {
                        tr {
                            th scope="row" { (l.name) span class="note" { "（" (preset_city(&l.preset)) "の様式）" } }
                            td {
                                @for (i, kind) in l.item_kinds.iter().enumerate() {
                                    @if i > 0 { "・" } (item_kind_label(kind).unwrap_or(kind))
                                }
                            }
                            td class="note" {
                                @for (i, sec) in l.sections.iter().enumerate() { @if i > 0 { "・" } (sec.label) }
                            }
                            td {
                                a href={ (action) "?kind=" (l.preset) } { "見出しを変える" }
                                @if kinds.len() > 1 {
                                    form method="post" action={ (action) "/disable" } class="inline" {
                                        input type="hidden" name="_csrf" value=(staff.csrf);
                                        input type="hidden" name="preset" value=(k.preset);
                                        " " button type="submit" { "使わない" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if !unused.is_empty() {
                form method="post" action=(action) {
                    input type="hidden" name="_csrf" value=(staff.csrf);
                    p {
                        label for="add-preset" { "様式を追加する" }
                        br;
                        select id="add-preset" name="preset" {
                            @for l in &unused {
                                option value=(l.preset) { (l.name) "（" (preset_city(&l.preset)) "の様式）" }
                            }
                        }
                        " " button type="submit" { "追加する" }
                    }
                }
            }
            form method="post" action=(action) {
                input type="hidden" name="_csrf" value=(staff.csrf);
                input type="hidden" name="preset" value=(chosen);
                h2 { "見出しと項目の名前（" (defaults.name) "）" }
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
    let preset = command.preset.clone();
    match s.app.run(&staff.actor(), command).await {
        Ok(()) => Ok(Redirect::to(&format!("/m/{code}/admin/layout?done=1&kind={preset}")).into_response()),
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
    let page = render(s, staff, code, city, None, None, Some(&message), Some(sent)).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

// Defaults let a form without the field reach the permission check.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct DisableForm {
    preset: String,
}

pub(super) async fn disable_kind(
    State(s): State<AppState>,
    staff: Staff,
    Params(code): Params<CityCode>,
    Form(f): Form<DisableForm>,
) -> Result<Response, AppError> {
    admin_city(&s, &staff, &code).await?;
    s.app.run(&staff.actor(), DisableSheetKind { municipality: code.0.clone(), preset: f.preset }).await?;
    Ok(Redirect::to(&format!("/m/{code}/admin/layout?done=disable")).into_response())
}
