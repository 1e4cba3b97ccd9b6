//! The city's sheet kinds and evaluation scales: the kinds it uses (one per
//! form: a project sheet, a 施策 sheet, a department's objectives …), each
//! with its headings renamed, kinds added and stopped, and its scales'
//! grades renamed, all without code. Grade codes (`S`, `1`, `A`) stay as
//! printed; only their names change.

use std::collections::BTreeMap;

use crate::http::Query;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hyoka_app::layout::{missing_scales, DefineSheetKind, DisableSheetKind, SetLayout};
use hyoka_app::CommandError;
use hyoka_core::layout::{item_kind_label, SheetLayout, MAX_LABEL_CHARS, PRESETS};
use hyoka_store::SheetKindRecord;
use maud::{html, Markup};
use serde::Deserialize;

use super::{admin_city, crumbs, nav};
use crate::http::{upload, AppError, CityCode, Form, Params, Staff};
use crate::ui::shell::staff_page;
use crate::AppState;

/// The city each preset comes from, to tell them apart; a city's own kind
/// is "この市".
fn preset_city(code: &str) -> &'static str {
    match code {
        "mitaka" | "mitaka-measure" | "mitaka-issue" => "三鷹市",
        "mishima" => "三島市",
        "kodaira" => "小平市",
        "higashimurayama" => "東村山市",
        "jimu" => "全国の多くの市",
        _ => "この市",
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct LayoutQuery {
    done: Option<String>,
    /// The kind whose headings the form edits; the city's first by default.
    kind: Option<String>,
    /// The definition the define form starts from: a preset's code, or one
    /// of the city's own kinds.
    start: Option<String>,
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
        "define" => "この市の様式を保存しました。",
        _ => "様式と評価尺度を保存しました。",
    });
    let start = Start { from: q.start.clone(), text: None, error: None };
    render(&s, &staff, &code, &city, q.kind.as_deref(), done, None, None, &start).await
}

/// What the define form shows: the definition it starts from (a preset's
/// or a kind of the city's, by code) or what was sent, and the message.
#[derive(Default)]
struct Start {
    from: Option<String>,
    text: Option<String>,
    error: Option<String>,
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
    start: &Start,
) -> Result<Markup, AppError> {
    let kinds = s.store.sheet_kinds(code).await?;
    let chosen = sent
        .and_then(|m| m.get("preset").cloned())
        .or(kind.map(str::to_string))
        .filter(|k| PRESETS.contains(&k.as_str()) || kinds.iter().any(|r| &r.preset == k))
        .or_else(|| kinds.first().map(|k| k.preset.clone()))
        .unwrap_or_else(|| "mitaka".into());
    let record = kinds.iter().find(|k| k.preset == chosen);
    let overrides = record.map(|k| k.labels.clone()).unwrap_or_default();
    let defaults = match record {
        Some(k) => SheetKindRecord { labels: BTreeMap::new(), ..k.clone() }.layout(),
        None => SheetLayout::preset(&chosen),
    }
    .map_err(|e| AppError::Invalid(e.to_string()))?;
    // The define form's text: what was sent, else the kind it starts from.
    let own = |c: &str| kinds.iter().find(|k| k.preset == c).and_then(|k| k.definition.clone());
    let start_text = start.text.clone().or_else(|| {
        let from = start.from.as_deref()?;
        own(from).or_else(|| SheetLayout::preset_toml(from).map(str::to_string))
    });
    let scales = s.store.scales(code).await?;
    let missing = missing_scales(&defaults, &scales);
    let value = |name: String, stored: Option<&String>| -> String {
        match sent {
            Some(m) => m.get(&name).cloned().unwrap_or_default(),
            None => stored.cloned().unwrap_or_default(),
        }
    };
    let layouts: Vec<SheetLayout> = kinds.iter().filter_map(|k| k.layout().ok()).collect();
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
                                @if k.definition.is_some() {
                                    " " a href={ (action) "?start=" (l.preset) "#define" } { "定義を編集する" }
                                }
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
            (define_form(&action, &staff.csrf, start_text.as_deref(), start.error.as_deref()))
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
    let page = render(s, staff, code, city, None, None, Some(&message), Some(sent), &Start::default()).await?;
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

/// The form for a city's own kind: a TOML definition pasted or sent as a
/// file, or started from a preset's definition shown here to copy.
fn define_form(action: &str, csrf: &str, text: Option<&str>, error: Option<&str>) -> Markup {
    html! {
        h2 id="define" { "この市の様式を定義する" }
        p class="note" {
            "組み込みの様式にない調査票は、TOML で書いた定義から作れます（書き方は「様式の定義」の説明を参照）。"
            "組み込みの様式の定義を表示して、写してから書き換えることもできます。"
            "同じ code の様式がこの市にあれば、その定義を置き換えます。"
        }
        form method="get" action=(action) class="inline" {
            label for="start-from" { "組み込みの様式から始める" }
            " "
            select id="start-from" name="start" {
                @for p in PRESETS {
                    @if let Ok(l) = SheetLayout::preset(p) {
                        option value=(p) { (l.name) "（" (preset_city(p)) "の様式・" (p) "）" }
                    }
                }
            }
            " " button type="submit" { "定義を表示する" }
        }
        form method="post" action={ (action) "/define" } enctype="multipart/form-data" {
            input type="hidden" name="_csrf" value=(csrf);
            @if let Some(e) = error { p class="error" role="alert" id="definition-error" { (e) } }
            p {
                label for="definition" { "様式の定義（TOML）" }
                br;
                textarea id="definition" name="definition" rows="24" cols="80" spellcheck="false"
                    aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| "definition-error")] {
                    (text.unwrap_or(""))
                }
            }
            p {
                label for="definition-file" { "またはファイルで送る（.toml）" }
                br;
                input id="definition-file" type="file" name="file" accept=".toml,text/plain";
            }
            p { button type="submit" class="primary" { "この市の様式として保存する" } }
        }
    }
}

/// Saves a city's own kind from the define form: the file if one was
/// chosen, else the pasted text. A definition that does not check comes
/// back with the message naming the line or key (422), nothing written.
pub(super) async fn define_kind(
    State(s): State<AppState>,
    staff: Staff,
    Params(code): Params<CityCode>,
    req: Request,
) -> Result<Response, AppError> {
    let city = admin_city(&s, &staff, &code).await?;
    let sent = upload::read(req).await?;
    let text = match sent.files.first() {
        Some((name, bytes)) => String::from_utf8(bytes.clone())
            .map_err(|_| AppError::Invalid(format!("ファイル「{name}」を UTF-8 の文字として読み取れません。")))?,
        None => sent.field("definition").unwrap_or_default().to_string(),
    };
    let command = DefineSheetKind { municipality: code.0.clone(), definition: text.clone() };
    match s.app.run(&staff.actor(), command).await {
        Ok(layout) => {
            Ok(Redirect::to(&format!("/m/{code}/admin/layout?done=define&kind={}", layout.preset)).into_response())
        }
        Err(CommandError::Invalid { message, .. }) => {
            let start = Start { from: None, text: Some(text), error: Some(message) };
            let page = render(&s, &staff, &code, &city, None, None, None, None, &start).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
