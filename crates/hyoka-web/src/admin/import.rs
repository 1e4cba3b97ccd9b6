//! Bringing data in from the browser: the admin uploads the canonical
//! workbook (edited in Excel), the canonical CSV set (files or one ZIP),
//! JSON, a published document hyoka reads, or the city's own workbook with
//! its mapping (docs/mapping.md: a `.toml` chosen with the workbook, kept
//! for next year when asked, or the one kept); sees the dry run as a diff
//! per item; and confirms. Both steps run the same command as
//! `hyoka import` (`hyoka_app::import::ImportBatches`), which checks the
//! permission, refuses changes to locked or published years and writes
//! the audit record.
//!
//! Nothing is written before confirming. The upload is kept in this
//! server's memory under a random token bound to the admin's session,
//! account and city, for [`PENDING_SECONDS`]; the confirm step reads the
//! same files again and names the stored data the dry run compared
//! against (its basis), so what is written is exactly what was shown, or
//! nothing when the data changed meanwhile (409, with the check run again).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::http::Query;
use axum::extract::{Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hyoka_app::import::{ImportBatches, MappingToKeep};
use hyoka_app::CommandError;
use hyoka_import::{
    mapping, read_inputs, read_workbook, ApplyReport, Change, ChangeKind, CityChanges, ImportError, ImportStep, Inputs,
    Observer,
};
use hyoka_store::ImportMapping;
use maud::{html, Markup};
use serde::Deserialize;

use super::{admin_city, crumbs, nav};
use crate::http::session::hash_token;
use crate::http::{upload, AppError, CityCode, Form, Params, Staff};
use crate::ui::shell::staff_page;
use crate::AppState;

/// How long a checked upload waits for its confirmation.
pub const PENDING_SECONDS: u64 = 30 * 60;
/// Uploads kept at once, all admins together; the oldest goes first.
const MAX_PENDING_BYTES: usize = 2 * upload::MAX_UPLOAD_BYTES;
/// Rows of the diff shown per city; the counts always cover everything.
const MAX_SHOWN: usize = 2_000;

const SAVE_MAPPING_LABEL: &str =
    "一緒に選んだ対応表（.toml）を、取り込んだあとこの自治体の対応表として保存する（来年も使えます）";
/// The upload form's text fields by the labels the person sees, for
/// errors that name a field.
const FIELD_LABELS: &[(&str, &str)] =
    &[("save_mapping", SAVE_MAPPING_LABEL), ("use_saved_mapping", "保存済みの対応表でブックを読む")];

const SCRIPT: &str = include_str!("../static/import.js");

pub(crate) async fn script() -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/javascript; charset=utf-8"), (CACHE_CONTROL, "public, max-age=3600")], SCRIPT)
}

/// Checked uploads waiting for confirmation, by token.
#[derive(Clone, Default)]
pub(crate) struct PendingImports(Arc<Mutex<HashMap<String, Pending>>>);

struct Pending {
    /// The SHA-256 of the session's CSRF token, the account and the city.
    session: String,
    account: i64,
    city: String,
    files: Arc<Vec<(String, Vec<u8>)>>,
    /// The mapping the workbook is read through, if any.
    mapping: Option<MappingUse>,
    notes: Vec<String>,
    report: ApplyReport,
    at: Instant,
}

/// A workbook read through a mapping: the mapping's file name and text,
/// and whether to keep it for the city once the import is confirmed.
#[derive(Clone)]
struct MappingUse {
    name: String,
    text: String,
    save: bool,
}

impl Pending {
    fn bytes(&self) -> usize {
        self.files.iter().map(|(_, b)| b.len()).sum()
    }

    fn owned_by(&self, staff: &Staff, city: &str) -> bool {
        self.session == hash_token(&staff.csrf) && self.account == staff.principal.account_id && self.city == city
    }
}

impl PendingImports {
    /// Keeps a checked upload; a person's earlier one is dropped, then
    /// expired ones, then the oldest while over the memory bound.
    fn insert(&self, pending: Pending) -> String {
        let token = hyoka_app::password::random_token();
        let mut map = self.0.lock().expect("pending imports");
        map.retain(|_, p| p.session != pending.session && p.at.elapsed() < Duration::from_secs(PENDING_SECONDS));
        while map.values().map(Pending::bytes).sum::<usize>() + pending.bytes() > MAX_PENDING_BYTES {
            let Some(oldest) = map.iter().min_by_key(|(_, p)| p.at).map(|(k, _)| k.clone()) else { break };
            map.remove(&oldest);
        }
        map.insert(token.clone(), pending);
        token
    }

    /// The person's checked upload, if it is theirs and not expired.
    fn view<T>(&self, token: &str, staff: &Staff, city: &str, f: impl FnOnce(&Pending) -> T) -> Option<T> {
        let map = self.0.lock().expect("pending imports");
        map.get(token)
            .filter(|p| p.owned_by(staff, city) && p.at.elapsed() < Duration::from_secs(PENDING_SECONDS))
            .map(f)
    }

    fn take(&self, token: &str, staff: &Staff, city: &str) -> Option<Pending> {
        let mut map = self.0.lock().expect("pending imports");
        let ok = map
            .get(token)
            .is_some_and(|p| p.owned_by(staff, city) && p.at.elapsed() < Duration::from_secs(PENDING_SECONDS));
        if ok {
            map.remove(token)
        } else {
            None
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct CheckQuery {
    check: Option<String>,
}

/// The upload form, or the result of a check (`?check=TOKEN`).
pub(super) async fn page(
    State(s): State<AppState>,
    staff: Staff,
    Params(code): Params<CityCode>,
    Query(q): Query<CheckQuery>,
) -> Result<Response, AppError> {
    let city = admin_city(&s, &staff, &code).await?;
    let saved = s.store.import_mapping(&code).await?;
    if let Some(token) = q.check.as_deref() {
        let shown =
            s.slot::<PendingImports>().view(token, &staff, &code, |p| diff_page(&code, &staff.csrf, token, p, None));
        return Ok(match shown {
            Some(body) => no_store(StatusCode::OK, render(&staff, &code, &city, body)),
            None => {
                let body = html! {
                    p class="error" role="alert" {
                        "確認結果が見つかりません（" (PENDING_SECONDS / 60) "分を過ぎたか、取り込み済みか、別のログインで確認したものです）。もう一度ファイルを選んで確認してください。"
                    }
                    (upload_form(&code, &staff.csrf, saved.as_ref()))
                };
                no_store(StatusCode::NOT_FOUND, render(&staff, &code, &city, body))
            }
        });
    }
    Ok(no_store(StatusCode::OK, render(&staff, &code, &city, upload_form(&code, &staff.csrf, saved.as_ref()))))
}

/// Receives the files and runs the dry run; a refusal is shown at once,
/// a result is kept and shown at `?check=TOKEN`.
pub(super) async fn upload(
    State(s): State<AppState>,
    staff: Staff,
    Params(code): Params<CityCode>,
    req: Request,
) -> Result<Response, AppError> {
    let city = admin_city(&s, &staff, &code).await?;
    let saved = s.store.import_mapping(&code).await?;
    let refuse = |status: StatusCode, body: Markup| {
        let body = html! { (body) (upload_form(&code, &staff.csrf, saved.as_ref())) };
        Ok(no_store(status, render(&staff, &code, &city, body)))
    };
    let mut sent = match upload::read_labeled(req, FIELD_LABELS).await {
        Ok(u) => u,
        Err(AppError::Invalid(m)) => return refuse(StatusCode::UNPROCESSABLE_ENTITY, error_box(&m)),
        Err(e) => return Err(e),
    };
    let mapping = match take_mapping(&mut sent, saved.as_ref()) {
        Ok(m) => m,
        Err(m) => return refuse(StatusCode::UNPROCESSABLE_ENTITY, error_box(&m)),
    };
    if sent.files.is_empty() {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, error_box("取り込むファイルを選んでください。"));
    }
    let files = Arc::new(sent.files);
    let (inputs, report) = match check(&s, &staff, &code, Arc::clone(&files), mapping.as_ref()).await? {
        Checked::Report(inputs, report) => (inputs, report),
        Checked::Refused(status, body) => return refuse(status, body),
    };
    let token = s.slot::<PendingImports>().insert(Pending {
        session: hash_token(&staff.csrf),
        account: staff.principal.account_id,
        city: code.to_string(),
        files,
        mapping,
        notes: inputs,
        report,
        at: Instant::now(),
    });
    Ok(Redirect::to(&format!("/m/{code}/admin/import?check={token}")).into_response())
}

/// The token is read after the permission check: a form without one is
/// "not found" like any stale token.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ConfirmForm {
    token: String,
}

/// Applies exactly what the check showed.
pub(super) async fn confirm(
    State(s): State<AppState>,
    staff: Staff,
    Params(code): Params<CityCode>,
    Form(f): Form<ConfirmForm>,
) -> Result<Response, AppError> {
    let city = admin_city(&s, &staff, &code).await?;
    let saved = s.store.import_mapping(&code).await?;
    let Some(pending) = s.slot::<PendingImports>().take(&f.token, &staff, &code) else {
        let body = html! {
            p class="error" role="alert" {
                "確認結果が見つかりません（" (PENDING_SECONDS / 60) "分を過ぎたか、取り込み済みです）。何も書き込んでいません。もう一度ファイルを選んで確認してください。"
            }
            (upload_form(&code, &staff.csrf, saved.as_ref()))
        };
        return Ok(no_store(StatusCode::CONFLICT, render(&staff, &code, &city, body)));
    };
    let files = Arc::clone(&pending.files);
    let batches = match read(&s, &code, Arc::clone(&files), pending.mapping.as_ref()).await? {
        Ok(inputs) => inputs.batches,
        // The same bytes read the same way; kept for completeness.
        Err(e) => {
            return Ok(no_store(StatusCode::UNPROCESSABLE_ENTITY, render(&staff, &code, &city, refused_file(&e))))
        }
    };
    // The mapping and the city's words it declares are kept with what it
    // read, by the same command.
    let vocabulary = pending
        .mapping
        .as_ref()
        .and_then(|m| mapping::parse(&m.name, &m.text).ok())
        .and_then(|c| c.vocabulary())
        .map(|v| (code.to_string(), v));
    let save_mapping = pending.mapping.as_ref().filter(|m| m.save).map(|m| MappingToKeep {
        municipality: code.to_string(),
        file_name: m.name.clone(),
        mapping: m.text.clone(),
    });
    let kept = save_mapping.as_ref().map(|m| m.file_name.clone());
    let running = Running::start(s.slot::<ImportProgress>(), &code);
    let command = ImportBatches {
        batches,
        dry_run: false,
        expect_basis: Some(pending.report.basis.clone()),
        vocabulary,
        save_mapping,
        progress: Some(running.observer()),
    };
    let outcome = s.app.run(&staff.actor(), command).await;
    drop(running);
    match outcome {
        Ok(report) => {
            let body = html! {
                p class="ok" role="status" {
                    "取り込みました。" @if report.is_unchanged() { "（変更はありませんでした）" }
                    " 変更は監査記録に残り、" a href={ "/m/" (code) "/admin" } { "状況一覧" } "の操作履歴に表示されます。"
                }
                @if let Some(name) = kept {
                    p class="ok" { "対応表「" (name) "」をこの自治体の対応表として保存しました。来年のブックは、この対応表で読めます。" }
                }
                (files_table(&pending.files, &pending.notes))
                @for c in &report.cities { (city_diff(c)) }
                p { a href={ "/m/" (code) "/admin/import" } { "別のファイルを取り込む" } }
            };
            Ok(no_store(StatusCode::OK, render(&staff, &code, &city, body)))
        }
        Err(CommandError::Conflict(m)) => {
            // Changed since the check (or a year locked meanwhile): check again.
            let banner = html! {
                p class="error" role="alert" { (m) }
            };
            match check(&s, &staff, &code, Arc::clone(&files), pending.mapping.as_ref()).await? {
                Checked::Report(notes, report) => {
                    let again = Pending { report, notes, files, at: Instant::now(), ..pending };
                    let token = s.slot::<PendingImports>().insert(again);
                    let body = s
                        .slot::<PendingImports>()
                        .view(&token, &staff, &code, |p| diff_page(&code, &staff.csrf, &token, p, Some(banner)))
                        .unwrap_or_default();
                    Ok(no_store(StatusCode::CONFLICT, render(&staff, &code, &city, body)))
                }
                Checked::Refused(_, body) => {
                    Ok(no_store(StatusCode::CONFLICT, render(&staff, &code, &city, html! { (banner) (body) })))
                }
            }
        }
        Err(e) => Err(e.into()),
    }
}

/// How far each city's running import has come, for the page that
/// waits for it (polling [`progress`]).
#[derive(Default)]
pub(crate) struct ImportProgress(Mutex<HashMap<String, ImportStep>>);

/// A city's import in progress: its steps are kept until it is dropped.
struct Running {
    progress: Arc<ImportProgress>,
    city: String,
}

impl Running {
    fn start(progress: Arc<ImportProgress>, city: &str) -> Running {
        progress.0.lock().expect("import progress").insert(city.to_string(), ImportStep::Compared { rows: 0 });
        Running { progress, city: city.to_string() }
    }

    fn observer(&self) -> Observer {
        let (progress, city) = (Arc::clone(&self.progress), self.city.clone());
        Arc::new(move |step| {
            progress.0.lock().expect("import progress").insert(city.clone(), step);
        })
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(mut map) = self.progress.0.lock() {
            map.remove(&self.city);
        }
    }
}

/// How far the city's import has come, as JSON for the waiting page:
/// `{"running": true, "done": rows written, "total": rows, "text": …}`.
pub(super) async fn progress(
    State(s): State<AppState>,
    staff: Staff,
    Params(code): Params<CityCode>,
) -> Result<Response, AppError> {
    admin_city(&s, &staff, &code).await?;
    let step = s.slot::<ImportProgress>().0.lock().expect("import progress").get(code.as_str()).copied();
    let body = match step {
        None => serde_json::json!({ "running": false, "text": "実行中の取り込みはありません。" }),
        Some(ImportStep::Compared { rows }) => serde_json::json!({
            "running": true, "done": 0, "total": rows,
            "text": if rows == 0 {
                "処理中です。ファイルを読み、保存されている内容と比べています…".to_string()
            } else {
                format!("処理中です。{rows} 行を保存されている内容と比べました。書き込んでいます…")
            },
        }),
        Some(ImportStep::Writing { done, total }) => serde_json::json!({
            "running": true, "done": done, "total": total,
            "text": format!("処理中です。書き込み {done} / {total} 行…"),
        }),
    };
    Ok((StatusCode::OK, [(CONTENT_TYPE, "application/json"), (CACHE_CONTROL, "no-store")], body.to_string())
        .into_response())
}

enum Checked {
    /// The notes of the files read, and the dry run's report.
    Report(Vec<String>, ApplyReport),
    /// What to show instead, with its status.
    Refused(StatusCode, Markup),
}

/// Reads the files (off the async threads: a large workbook takes a while)
/// and runs the dry run.
async fn check(
    s: &AppState,
    staff: &Staff,
    code: &str,
    files: Arc<Vec<(String, Vec<u8>)>>,
    mapping: Option<&MappingUse>,
) -> Result<Checked, AppError> {
    let Inputs { batches, notes } = match read(s, code, files, mapping).await? {
        Ok(inputs) => inputs,
        Err(e) => return Ok(Checked::Refused(StatusCode::UNPROCESSABLE_ENTITY, refused_file(&e))),
    };
    let others: Vec<String> = batches
        .iter()
        .flat_map(|(_, b)| b.cities.iter())
        .filter(|c| c.code != code)
        .map(|c| format!("{}（{}）", c.name, c.code))
        .collect();
    if !others.is_empty() {
        let m = format!(
            "ほかの自治体のデータが含まれているため取り込めません: {}。この自治体（{code}）のデータだけを取り込めます。何も書き込んでいません。",
            others.join("、")
        );
        return Ok(Checked::Refused(StatusCode::UNPROCESSABLE_ENTITY, error_box(&m)));
    }
    if batches.iter().all(|(_, b)| b.cities.is_empty()) {
        let m = "ファイルに自治体のデータがありません（municipalities の表が空です）。何も書き込んでいません。";
        return Ok(Checked::Refused(StatusCode::UNPROCESSABLE_ENTITY, error_box(m)));
    }
    match s.app.run(&staff.actor(), ImportBatches::new(batches, true)).await {
        Ok(report) => Ok(Checked::Report(notes, report)),
        Err(CommandError::Conflict(m)) => Ok(Checked::Refused(StatusCode::CONFLICT, frozen(&m))),
        Err(e) => Err(e.into()),
    }
}

/// Reads the files: as canonical files and documents, or the one
/// workbook through its mapping (with the city as stored: its name, plans
/// and the other years of each item, which the import keeps).
async fn read(
    s: &AppState,
    code: &str,
    files: Arc<Vec<(String, Vec<u8>)>>,
    mapping: Option<&MappingUse>,
) -> Result<Result<Inputs, ImportError>, AppError> {
    let Some(m) = mapping else {
        return off_thread(move || read_inputs(&files)).await;
    };
    let book = match read_workbook(&s.store, &m.name, &m.text, files, Some(code)).await? {
        Ok(book) => book,
        Err(e) => return Ok(Err(e)),
    };
    Ok(Ok(Inputs { batches: vec![(book.file, book.batch)], notes: book.notes }))
}

/// A large workbook takes a while: read it off the async threads.
async fn off_thread<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Store(hyoka_store::StoreError::Invalid(format!("reading an upload: {e}"))))
}

/// The mapping an upload asks for: a `.toml` chosen with the workbook
/// (kept for the city when `save_mapping` is ticked), or the city's saved
/// one (`use_saved_mapping`); none for canonical files and documents. The
/// error is the message for the person.
fn take_mapping(sent: &mut upload::Upload, saved: Option<&ImportMapping>) -> Result<Option<MappingUse>, String> {
    let is_mapping = |name: &str| name.to_ascii_lowercase().ends_with(".toml");
    let chosen: Vec<usize> =
        sent.files.iter().enumerate().filter(|(_, (n, _))| is_mapping(n)).map(|(i, _)| i).collect();
    match chosen[..] {
        [] => {}
        [at] => {
            let (name, bytes) = sent.files.remove(at);
            let text = String::from_utf8(bytes).map_err(|e| {
                format!(
                    "{name}: 対応表は UTF-8 で保存してください（{} バイト目が UTF-8 ではありません）。",
                    e.utf8_error().valid_up_to() + 1
                )
            })?;
            return Ok(Some(MappingUse { name, text, save: sent.field("save_mapping") == Some("1") }));
        }
        _ => return Err("対応表（.toml）は1つだけ選んでください。".into()),
    }
    if sent.field("use_saved_mapping") != Some("1") {
        return Ok(None);
    }
    let saved = saved.ok_or("保存された対応表がありません。対応表（.toml）をブックと一緒に選んでください。")?;
    Ok(Some(MappingUse { name: saved.file_name.clone(), text: saved.mapping.clone(), save: false }))
}

fn render(staff: &Staff, code: &str, city: &str, body: Markup) -> Markup {
    staff_page(
        staff.bar(),
        "ファイルの取り込み",
        &crumbs(code, city),
        html! {
            (nav(code, "/import"))
            (body)
        },
    )
}

/// Drafts are in these pages: never kept by a cache.
fn no_store(status: StatusCode, page: Markup) -> Response {
    (status, [(CACHE_CONTROL, "no-store")], page).into_response()
}

fn error_box(message: &str) -> Markup {
    html! { p class="error" role="alert" { (message) } }
}

fn upload_form(code: &str, csrf: &str, saved: Option<&ImportMapping>) -> Markup {
    html! {
        section aria-labelledby="upload-heading" {
            h2 id="upload-heading" { "ファイルを選んで確認する" }
            p {
                "次のファイルを取り込めます。まず内容を確認し（この段階では何も書き込みません）、"
                "追加・変更される内容を見てから「取り込む」を押してください。"
            }
            ul {
                li { "標準形式の Excel ブック（" a href={ "/m/" (code) "/admin/export.xlsx" } { "ダウンロードしたもの" } "を編集したもの）" }
                li { "標準形式の CSV 一式（表ごとの .csv ファイルをすべて選ぶか、ZIP にまとめたもの）、または JSON" }
                li { "hyoka が読める公表資料（三鷹市 個別事業評価表・自治体経営白書、三島市 行政評価表、小平市 進捗状況調査票、東村山市 目標管理シートのテキスト）" }
                li {
                    "市の独自の評価ブック（.xlsx・.xls・CSV、1行に1事業）: どの列が何かを書いた対応表（.toml。書き方は hyoka の説明書 "
                    code { "docs/mapping.md" }
                    "）をブックと一緒に選びます。"
                }
            }
            p class="note" {
                "一度に送信できるのは合計 " (hyoka_import::canonical::limits::bytes_text(upload::MAX_UPLOAD_BYTES as u64))
                "、" (upload::MAX_FILES) " 個までです。確認結果は " (PENDING_SECONDS / 60) " 分間保持します。"
            }
            form id="import-upload" method="post" action={ "/m/" (code) "/admin/import" } enctype="multipart/form-data" {
                input type="hidden" name="_csrf" value=(csrf);
                p {
                    label for="import-files" { "取り込むファイル（複数選択できます）" }
                    br;
                    input id="import-files" type="file" name="files" multiple required
                        accept=".xlsx,.xlsm,.xls,.csv,.zip,.json,.txt,.toml" aria-describedby="import-selected";
                }
                p {
                    input id="save-mapping" type="checkbox" name="save_mapping" value="1";
                    " "
                    label for="save-mapping" { (SAVE_MAPPING_LABEL) }
                }
                @if let Some(m) = saved {
                    p {
                        input id="use-saved-mapping" type="checkbox" name="use_saved_mapping" value="1";
                        " "
                        label for="use-saved-mapping" {
                            "保存済みの対応表「" (m.file_name) "」（" (crate::ui::format::jst(&m.saved_at)) " 保存）でブックを読む"
                        }
                    }
                }
                div id="import-selected" class="note" aria-live="polite" {}
                p { button type="submit" class="primary" { "内容を確認する（まだ取り込みません）" } }
                p id="import-busy" class="note" role="status" aria-live="polite" {}
            }
            script src="/static/import.js" defer {}
        }
    }
}

/// Every problem of the first bad table, with its place.
fn refused_file(e: &ImportError) -> Markup {
    let problems: Vec<(&hyoka_import::Place, &str)> =
        std::iter::once((&e.place, e.message.as_str())).chain(e.also().iter().map(|(p, m)| (p, m.as_str()))).collect();
    let unlisted = e.further.as_ref().map_or(0, |f| f.unlisted);
    html! {
        div class="error" role="alert" {
            p { strong { "ファイルに問題があるため取り込めません。何も書き込んでいません。" } }
            p { "問題 " (e.count()) " 件。ファイルを直してから、もう一度確認してください。" }
        }
        table class="import-problems" {
            caption { "問題の一覧" }
            thead { tr { th scope="col" { "ファイル" } th scope="col" { "シート" } th scope="col" { "行" } th scope="col" { "列" } th scope="col" { "問題" } } }
            tbody {
                @for (place, message) in &problems {
                    tr {
                        td { (place.file) }
                        td { (place.sheet.as_deref().unwrap_or("")) }
                        td class="num" { @if let Some(r) = place.row { (r) "行目" } }
                        td { (place.column.as_deref().unwrap_or("")) }
                        td { (message) }
                    }
                }
            }
        }
        @if unlisted > 0 {
            p { "ほかに " (unlisted) " 件の問題があります（上の問題を直してから、もう一度確認してください）。" }
        }
    }
}

/// A refusal because locked or published years would change: the
/// command's message, its listed lines as a list.
fn frozen(message: &str) -> Markup {
    let mut lines = message.lines();
    let first = lines.next().unwrap_or_default();
    let rest: Vec<&str> = lines.collect();
    let (listed, after): (Vec<&str>, Vec<&str>) = rest.iter().partition(|l| l.starts_with("  "));
    html! {
        div class="error" role="alert" {
            p { strong { (first) } }
        }
        @if !listed.is_empty() {
            ul class="import-frozen" {
                @for l in &listed { li { (l.trim()) } }
            }
        }
        @for l in &after { p { (l) } }
    }
}

fn size_text(bytes: usize) -> String {
    const KIB: f64 = 1024.0;
    let b = bytes as f64;
    if b >= KIB * KIB {
        format!("{:.1} MB", b / KIB / KIB)
    } else if b >= KIB {
        format!("{:.1} KB", b / KIB)
    } else {
        format!("{bytes} バイト")
    }
}

fn files_table(files: &[(String, Vec<u8>)], notes: &[String]) -> Markup {
    html! {
        table class="import-files" {
            caption { "送信されたファイル" }
            thead { tr { th scope="col" { "ファイル" } th scope="col" { "大きさ" } th scope="col" { "読み取った内容" } } }
            tbody {
                @for (name, bytes) in files {
                    tr {
                        td { (name) }
                        td class="num" { (size_text(bytes.len())) }
                        td {
                            @let mine: Vec<&String> = notes.iter().filter(|n| n.starts_with(&format!("{name}:")) || n.starts_with(&format!("{name}/"))).collect();
                            @if mine.len() > 3 {
                                (mine[0])
                                details {
                                    summary { "ほか " (mine.len() - 1) " 件" }
                                    ul { @for n in &mine[1..] { li { (n) } } }
                                }
                            } @else {
                                @for n in &mine { (n) br; }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The result of a check with the button that confirms it.
fn diff_page(code: &str, csrf: &str, token: &str, p: &Pending, banner: Option<Markup>) -> Markup {
    let report = &p.report;
    html! {
        @if let Some(b) = banner { (b) }
        p class="ok" role="status" {
            strong { "確認結果（まだ何も書き込んでいません）" }
            " 下の内容を確かめてから「取り込む」を押してください。"
        }
        (files_table(&p.files, &p.notes))
        @for c in &report.cities { (city_diff(c)) }
        @if !report.findings.is_empty() {
            section aria-labelledby="findings-heading" {
                h2 id="findings-heading" { "要確認事項 " (report.findings.len()) " 件" }
                p { "取り込むと、次の事項が「要確認」として保存されます（取り込みは止まりません）。" }
                ul {
                    @for f in report.findings.iter().take(20) {
                        li { (f.file) @if let Some(l) = f.line { " " (l) "行目" } ": " (f.message) @if !f.text.is_empty() { "（" (clip(&f.text, 60)) "）" } }
                    }
                }
                @if report.findings.len() > 20 { p { "ほかに " (report.findings.len() - 20) " 件" } }
            }
        }
        @if report.is_unchanged() {
            p { strong { "変更はありません。" } "取り込んでも保存されている内容は変わりません。" }
            p { a href={ "/m/" (code) "/admin/import" } { "別のファイルを選ぶ" } }
        } @else {
            form id="import-confirm" method="post" action={ "/m/" (code) "/admin/import/confirm" }
                data-progress={ "/m/" (code) "/admin/import/progress" } {
                input type="hidden" name="_csrf" value=(csrf);
                input type="hidden" name="token" value=(token);
                p {
                    button type="submit" class="primary" { "取り込む" }
                    " "
                    a href={ "/m/" (code) "/admin/import" } { "取り込まずに戻る" }
                }
                p id="import-busy" class="note" role="status" aria-live="polite" {}
            }
            script src="/static/import.js" defer {}
        }
    }
}

fn clip(s: &str, max: usize) -> String {
    let mut out: String = s.chars().take(max).collect();
    if s.chars().count() > max {
        out.push('…');
    }
    out
}

fn kind_class(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Added => "added",
        ChangeKind::Changed => "changed",
        ChangeKind::Removed => "removed",
    }
}

/// One city: the counts per kind of row, then every addition, change and
/// removal grouped by what holds it (an item, an indicator, a plan).
fn city_diff(c: &CityChanges) -> Markup {
    let mut groups: Vec<(&str, Vec<&Change>)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    let all: Vec<&Change> = c.changes.iter().chain(c.additions.iter()).collect();
    for ch in all.iter().take(MAX_SHOWN) {
        let at = *index.entry(ch.subject.as_str()).or_insert_with(|| {
            groups.push((ch.subject.as_str(), Vec::new()));
            groups.len() - 1
        });
        groups[at].1.push(ch);
    }
    let heading = format!("city-{}", c.code);
    html! {
        section aria-labelledby=(heading) {
            h2 id=(heading) { (c.name) "（" (c.code) "）" }
            table class="import-counts" {
                caption { "件数" }
                thead { tr { th scope="col" { "種類" } th scope="col" { "追加" } th scope="col" { "変更" } th scope="col" { "変更なし" } th scope="col" { "削除" } } }
                tbody {
                    @for (label, t) in c.tallies() {
                        tr {
                            th scope="row" { (label) }
                            td class="num" { (t.added) }
                            td class="num" { (t.changed) }
                            td class="num" { (t.unchanged) }
                            td class="num" { (t.removed) }
                        }
                    }
                }
            }
            @if !c.not_in_file.is_empty() {
                div class="notice" role="note" {
                    p { "このファイルにない同じ年度の事業 " (c.not_in_file.len()) " 件は、保存されたまま変えません。ファイルが途中で終わっていないか確かめてください。" }
                    ul { @for (fy, label) in c.not_in_file.iter().take(MAX_SHOWN) { li { (fy.label()) " " (label) } } }
                }
            }
            @if c.is_unchanged() {
                p { "この自治体のデータに変更はありません。" }
            } @else {
                h3 { "項目ごとの内容（追加 " (c.additions.len()) " 件・変更 " (c.changes.len() - c.removed()) " 件・削除 " (c.removed()) " 件）" }
                @for (subject, changes) in &groups {
                    div class="import-subject" {
                        h4 { (subject) }
                        table class="import-diff" {
                            caption class="sr-only" { (subject) "の追加・変更・削除" }
                            thead { tr { th scope="col" { "区分" } th scope="col" { "年度" } th scope="col" { "内容" } th scope="col" { "変更前 → 変更後" } } }
                            tbody {
                                @for ch in changes {
                                    tr class=(kind_class(ch.kind)) {
                                        td { (ch.kind.label()) }
                                        td { @if let Some(fy) = ch.fiscal_year { (fy.label()) } }
                                        td { (ch.part) }
                                        td { (ch.detail.as_deref().unwrap_or("")) }
                                    }
                                }
                            }
                        }
                    }
                }
                @if all.len() > MAX_SHOWN {
                    p { "ほかに " (all.len() - MAX_SHOWN) " 件（上の件数の表にはすべて含まれています）。" }
                }
            }
        }
    }
}
