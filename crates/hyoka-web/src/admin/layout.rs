//! The sheet layout and the evaluation scales: the city picks one of the
//! preset formats, renames any heading or column, and renames its scales'
//! grades, all without code. Grade codes (`S`, `1`, `A`) stay as printed;
//! only their names change.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use hyoka_core::layout::{SectionKind, SheetLayout, MAX_LABEL_CHARS, PRESETS};
use hyoka_core::EvaluationScale;
use hyoka_store::Change;
use maud::{html, Markup};
use serde::Deserialize;

use super::{admin_city, crumbs, nav};
use crate::auth::Staff;
use crate::layout::staff_page;
use crate::{AppError, AppState};

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
    Path(code): Path<String>,
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
        staff,
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

/// The preset scales a layout grades on that the city does not have yet.
fn missing_scales(layout: &SheetLayout, have: &[EvaluationScale]) -> Vec<EvaluationScale> {
    let mut codes: Vec<&str> = layout
        .sections
        .iter()
        .filter(|s| s.kind == SectionKind::Grades)
        .flat_map(|s| s.grades.iter().map(|g| g.scale.as_str()))
        .filter(|c| !have.iter().any(|h| h.code == *c))
        .collect();
    codes.dedup();
    EvaluationScale::presets().into_iter().filter(|p| codes.contains(&p.code.as_str())).collect()
}

pub(super) async fn save_layout(
    State(s): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let city = admin_city(&s, &staff, &code).await?;
    let sent: BTreeMap<String, String> = fields.into_iter().collect();
    let (old_preset, old_labels) = s.store.sheet_layout(&code).await?;
    let preset = sent.get("preset").map(|p| p.trim().to_string()).unwrap_or_default();
    let Ok(new_layout) = SheetLayout::preset(&preset) else {
        return invalid(&s, &staff, &code, &city, &sent, "様式を一覧から選んでください。".into()).await;
    };
    // Labels typed for another preset's headings are dropped, not refused.
    let keys: Vec<String> = new_layout.label_keys().into_iter().map(|(k, _)| k).collect();
    let labels: BTreeMap<String, String> = sent
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("label:").map(|k| (k.to_string(), v.clone())))
        .filter(|(k, _)| keys.contains(k))
        .collect();
    if let Err(e) = SheetLayout::clean_overrides(&preset, &labels) {
        return invalid(&s, &staff, &code, &city, &sent, format!("見出しの名前: {e}")).await;
    }
    let scales = s.store.scales(&code).await?;
    let mut changed_scales = Vec::new();
    let mut changes = Vec::new();
    for sc in &scales {
        let mut next = sc.clone();
        if let Some(name) = sent.get(&format!("scale:{}", sc.code)) {
            let name = hyoka_core::text::normalise(name);
            if name.is_empty() || name.chars().count() > MAX_LABEL_CHARS {
                return invalid(
                    &s,
                    &staff,
                    &code,
                    &city,
                    &sent,
                    format!("評価尺度「{}」の名前は1～{MAX_LABEL_CHARS}文字で入力してください。", sc.name),
                )
                .await;
            }
            next.name = name;
        }
        for g in &mut next.grades {
            let Some(label) = sent.get(&format!("grade:{}:{}", sc.code, g.code)) else { continue };
            let label = hyoka_core::text::normalise(label);
            if label.chars().count() > MAX_LABEL_CHARS {
                return invalid(
                    &s,
                    &staff,
                    &code,
                    &city,
                    &sent,
                    format!(
                        "評価尺度「{}」の評価「{}」の名前は{MAX_LABEL_CHARS}文字以内で入力してください。",
                        sc.name, g.code
                    ),
                )
                .await;
            }
            // Blank keeps the current name: a grade always has one.
            if !label.is_empty() && label != g.label {
                changes.push(Change {
                    field: format!("評価尺度 {} の評価 {}", sc.name, g.code),
                    before: Some(g.label.clone()),
                    after: Some(label.clone()),
                });
                g.label = label;
            }
        }
        if next.name != sc.name {
            changes.push(Change {
                field: format!("評価尺度の名前 {}", sc.code),
                before: Some(sc.name.clone()),
                after: Some(next.name.clone()),
            });
        }
        if next != *sc {
            changed_scales.push(next);
        }
    }
    let mut tx = s.store.begin().await?;
    let stored = tx.set_sheet_layout(&code, &preset, &labels).await?;
    if preset != old_preset {
        let name = |p: &str| SheetLayout::preset(p).map(|l| l.name).unwrap_or_else(|_| p.to_string());
        changes.insert(
            0,
            Change {
                field: "調査票の様式".into(),
                before: Some(name(&old_preset)),
                after: Some(new_layout.name.clone()),
            },
        );
    }
    let default_of: BTreeMap<String, String> = new_layout.label_keys().into_iter().collect();
    for key in stored.keys().chain(old_labels.keys()).collect::<std::collections::BTreeSet<_>>() {
        let (before, after) = (old_labels.get(key), stored.get(key));
        if before != after && default_of.contains_key(key) {
            changes.push(Change {
                field: format!("見出しの名前 {}", default_of[key]),
                before: before.cloned(),
                after: after.cloned(),
            });
        }
    }
    for sc in &changed_scales {
        tx.save_scale(&code, sc).await?;
    }
    for sc in missing_scales(&new_layout, &scales) {
        tx.save_scale(&code, &sc).await?;
        changes.push(Change { field: "評価尺度の追加".into(), before: None, after: Some(sc.name.clone()) });
    }
    tx.record_history(&code, None, None, Some(staff.principal.account_id), &changes).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/m/{code}/admin/layout?done=1")).into_response())
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
