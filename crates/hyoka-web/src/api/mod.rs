//! The JSON API (`/api/v1/`): the open data of published years, per city
//! and year, paginated, and indicators compared across cities.
//!
//! Read-only and public, like the portal: everything comes through the
//! publication functions, so an unpublished year or a draft is "not found"
//! (404). Rows are the open-data rows (`hyoka_report::opendata`), with the
//! English column names as keys, numbers exact, blanks `null`: the same as
//! the JSON files of `hyoka export opendata` and of the portal's downloads.
//!
//! Every successful answer carries an ETag (a hash of the body; a request
//! with a matching `If-None-Match` gets 304 without a body) and
//! `Cache-Control: public, max-age=300`. Errors are JSON with a Japanese
//! message. The OpenAPI 3 document at `/api/v1/openapi.json` is built from
//! the same table definitions as the rows (`openapi.rs`).

mod openapi;

use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use hyoka_core::{FiscalYear, IndicatorKind};
use hyoka_report::opendata::{table_named, year_dataset, year_table_page, RowPage, TableRow, Value, INDICATORS};
use serde_json::{json, Value as Json};

use crate::http::cache::cacheable;
use crate::http::{Routes, Rule};
use crate::portal::{compare_rows, parse_year};
use crate::{AppError, AppState};

pub use openapi::document;

pub(crate) const DEFAULT_LIMIT: u64 = 100;
pub(crate) const MAX_LIMIT: u64 = 1000;
pub(crate) const MAX_OFFSET: u64 = 1_000_000_000;

pub fn routes(r: Routes) -> Routes {
    r.get("/api/v1/openapi.json", Rule::Public, openapi_json)
        .get("/api/v1/municipalities", Rule::Public, municipalities)
        .get("/api/v1/municipalities/{code}", Rule::Public, municipality)
        .get("/api/v1/municipalities/{code}/years/{fy}", Rule::Public, year)
        .get("/api/v1/municipalities/{code}/years/{fy}/{table}", Rule::Public, table)
        .get("/api/v1/compare", Rule::Public, compare)
}

// ------------------------------------------------------------------ errors

/// An error answer: `{"error": {"status": 404, "message": "…"}}`.
pub(crate) struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    fn bad_request(message: impl Into<String>) -> Self {
        ApiError { status: StatusCode::BAD_REQUEST, message: message.into() }
    }

    fn not_found(what: &str) -> Self {
        ApiError { status: StatusCode::NOT_FOUND, message: format!("{what}が見つかりません") }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound(what) => ApiError::not_found(&what),
            AppError::Invalid(m) => ApiError::bad_request(m),
            AppError::Conflict(m) => ApiError { status: StatusCode::CONFLICT, message: m },
            AppError::Forbidden => ApiError { status: StatusCode::FORBIDDEN, message: e.to_string() },
            AppError::Store(e) => {
                // Internals go to the log, never to the answer.
                tracing::error!(error = %e, "store error in the API");
                ApiError {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    message: "サーバーでエラーが発生しました。時間をおいて再度お試しください。".into(),
                }
            }
        }
    }
}

impl From<hyoka_report::ReportError> for ApiError {
    fn from(e: hyoka_report::ReportError) -> Self {
        AppError::from(e).into()
    }
}

impl From<hyoka_store::StoreError> for ApiError {
    fn from(e: hyoka_store::StoreError) -> Self {
        AppError::from(e).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "error": { "status": self.status.as_u16(), "message": self.message } });
        (
            self.status,
            [(CONTENT_TYPE, "application/json; charset=utf-8"), (CACHE_CONTROL, "no-store")],
            format!("{body}\n"),
        )
            .into_response()
    }
}

type ApiResult = Result<Response, ApiError>;

// ------------------------------------------------------------------ caching

fn json_answer(request: &HeaderMap, value: &Json) -> Response {
    let mut body = serde_json::to_string_pretty(value).unwrap_or_default();
    body.push('\n');
    cacheable(request, body, "application/json; charset=utf-8")
}

// ------------------------------------------------------------------ input

/// The path's segments after `/api/v1/`, percent-decoded. Read from the URI
/// rather than by axum's `Path`, so that any malformed segment gets a JSON
/// error, not a plain-text rejection.
fn segments(uri: &Uri) -> Vec<String> {
    uri.path().trim_start_matches("/api/v1/").split('/').map(percent_decode).collect()
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// The query's parameters (the last of a repeated one wins).
fn query_params(uri: &Uri) -> Vec<(String, String)> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(uri.query().unwrap_or("")).unwrap_or_default()
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// `limit` and `offset`, checked against the documented ranges.
fn page(params: &[(String, String)]) -> Result<(u64, u64), ApiError> {
    let number = |name: &str, default: u64, min: u64, max: u64| -> Result<u64, ApiError> {
        match param(params, name) {
            None => Ok(default),
            Some(v) => v
                .parse::<u64>()
                .ok()
                .filter(|n| (min..=max).contains(n) && v.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| {
                    ApiError::bad_request(format!("{name} は {min} 以上 {max} 以下の整数で指定してください（「{v}」）"))
                }),
        }
    };
    Ok((number("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)?, number("offset", 0, 0, MAX_OFFSET)?))
}

/// A `{code}`: six digits (全国地方公共団体コード).
fn city_code(code: &str) -> Result<&str, ApiError> {
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(code)
    } else {
        Err(ApiError::bad_request(format!("団体コード「{code}」は6桁の数字で指定してください")))
    }
}

/// A `{fy}`: the western year in which the fiscal year starts.
fn fiscal_year(fy: &str) -> Result<FiscalYear, ApiError> {
    parse_year(fy)
        .ok_or_else(|| ApiError::bad_request(format!("年度「{fy}」は西暦の年（1868～2200）で指定してください")))
}

// ------------------------------------------------------------------ pages

/// Stands for the rows in a page's JSON until they are spliced in.
const ROWS: &str = "\u{0}rows\u{0}";

/// A page of rows as the API answers it: the JSON around them, with links
/// to the first, previous, next and last pages (`base` is the path with any
/// other query parameters, ending in `?` or `&`), and the rows as the
/// open-data JSON file writes them (so numbers keep their exact decimal
/// text, which a round trip through floating point could change).
fn answer_page(page: &RowPage, base: &str, request: &HeaderMap, extra: Vec<(&str, Json)>) -> Response {
    let link = |o: u64| Json::String(format!("{base}limit={}&offset={o}", page.limit));
    let mut wrapper = json!({
        "table": page.table.name,
        "columns": page.table.names_en(),
        "total": page.total,
        "limit": page.limit,
        "offset": page.offset,
        "links": {
            "self": link(page.offset),
            "first": link(0),
            "prev": page.prev_offset().map_or(Json::Null, link),
            "next": page.next_offset().map_or(Json::Null, link),
            "last": link(page.last_offset()),
        },
        "rows": ROWS,
    });
    for (key, value) in extra {
        wrapper[key] = value;
    }
    let text = serde_json::to_string_pretty(&wrapper).unwrap_or_default();
    // Key and value together: inside a string value the quotes would be
    // escaped, so no text from a query can look like this.
    let placeholder = format!("\"rows\": {}", serde_json::to_string(ROWS).unwrap_or_default());
    let mut body = text.replacen(&placeholder, &format!("\"rows\": {}", page.json_rows()), 1);
    body.push('\n');
    cacheable(request, body, "application/json; charset=utf-8")
}

async fn openapi_json(headers: HeaderMap) -> Response {
    json_answer(&headers, &document())
}

fn year_json(code: &str, y: &hyoka_store::PublishedYear) -> Json {
    json!({
        "fiscal_year": y.fiscal_year.year(),
        "fiscal_year_label": y.fiscal_year.label(),
        "published_at": y.published_at,
        "links": { "self": format!("/api/v1/municipalities/{code}/years/{}", y.fiscal_year.year()) },
    })
}

async fn municipalities(State(s): State<AppState>, headers: HeaderMap) -> ApiResult {
    let cities = s.store.public_cities().await?;
    let list: Vec<Json> = cities
        .iter()
        .map(|c| {
            let code = &c.municipality.code;
            json!({
                "code": code,
                "name": c.municipality.name,
                "published_years": c.years.iter().map(|y| year_json(code, y)).collect::<Vec<_>>(),
                "links": { "self": format!("/api/v1/municipalities/{code}"), "portal": format!("/p/{code}") },
            })
        })
        .collect();
    Ok(json_answer(&headers, &json!({ "municipalities": list })))
}

async fn municipality(State(s): State<AppState>, uri: Uri, headers: HeaderMap) -> ApiResult {
    let seg = segments(&uri);
    let code = city_code(&seg[1])?;
    let city = s.store.public_city(code).await?.ok_or_else(|| ApiError::not_found("公開されている自治体"))?;
    let plans: Vec<Json> = s
        .store
        .plans(code)
        .await?
        .iter()
        .map(|p| json!({ "code": p.code, "name": p.name, "levels": p.level_names }))
        .collect();
    Ok(json_answer(
        &headers,
        &json!({
            "code": code,
            "name": city.municipality.name,
            "published_years": city.years.iter().map(|y| year_json(code, y)).collect::<Vec<_>>(),
            "plans": plans,
            "links": { "self": format!("/api/v1/municipalities/{code}"), "portal": format!("/p/{code}") },
        }),
    ))
}

/// The city and published year of a path, or the error to answer.
async fn city_year(s: &AppState, seg: &[String]) -> Result<(hyoka_store::PublicCity, FiscalYear), ApiError> {
    let code = city_code(&seg[1])?;
    let fy = fiscal_year(&seg[3])?;
    let city = s.store.public_city(code).await?.ok_or_else(|| ApiError::not_found("公開されている自治体"))?;
    if !city.includes(fy) {
        return Err(ApiError::not_found("公開されている年度"));
    }
    Ok((city, fy))
}

async fn year(State(s): State<AppState>, uri: Uri, headers: HeaderMap) -> ApiResult {
    let seg = segments(&uri);
    let (city, fy) = city_year(&s, &seg).await?;
    let code = &city.municipality.code;
    let set = year_dataset(&s.store, code, fy).await?.ok_or_else(|| ApiError::not_found("公開されている年度"))?;
    let published = city.years.iter().find(|y| y.fiscal_year == fy).map(|y| y.published_at.clone());
    let base = format!("/api/v1/municipalities/{code}/years/{}", fy.year());
    let portal = format!("/p/{code}/{}/data", fy.year());
    let tables: Vec<Json> = set
        .tables()
        .iter()
        .map(|(t, rows)| {
            json!({
                "name": t.name,
                "title": { "ja": t.title_ja, "en": t.title_en },
                "rows": rows.len(),
                "links": {
                    "self": format!("{base}/{}", t.name),
                    "csv": format!("{portal}/{}", t.name),
                    "json": format!("{portal}/{}?format=json", t.name),
                },
            })
        })
        .collect();
    Ok(json_answer(
        &headers,
        &json!({
            "municipality": { "code": code, "name": city.municipality.name },
            "fiscal_year": fy.year(),
            "fiscal_year_label": fy.label(),
            "published_at": published,
            "tables": tables,
            "links": { "self": base, "portal": format!("/p/{code}/{}", fy.year()), "metadata": format!("{portal}/metadata") },
        }),
    ))
}

async fn table(State(s): State<AppState>, uri: Uri, headers: HeaderMap) -> ApiResult {
    let seg = segments(&uri);
    let params = query_params(&uri);
    let (city, fy) = city_year(&s, &seg).await?;
    let table = table_named(&seg[4]).ok_or_else(|| ApiError::not_found("データの表"))?;
    let (limit, offset) = page(&params)?;
    let code = &city.municipality.code;
    let page = year_table_page(&s.store, code, fy, table, limit, offset)
        .await?
        .ok_or_else(|| ApiError::not_found("公開されている年度"))?;
    let base = format!("/api/v1/municipalities/{code}/years/{}/{}?", fy.year(), table.name);
    let extra = vec![
        ("municipality", json!({ "code": code, "name": city.municipality.name })),
        ("fiscal_year", json!(fy.year())),
        ("fiscal_year_label", json!(fy.label())),
    ];
    Ok(answer_page(&page, &base, &headers, extra))
}

async fn compare(State(s): State<AppState>, uri: Uri, headers: HeaderMap) -> ApiResult {
    let params = query_params(&uri);
    let indicator = param(&params, "indicator").unwrap_or("");
    if indicator.trim().is_empty() {
        return Err(ApiError::bad_request("比べる指標の名前（indicator）を指定してください"));
    }
    let kind = match param(&params, "kind") {
        None => None,
        Some(k) => Some(IndicatorKind::ALL.iter().copied().find(|x| x.code() == k).ok_or_else(|| {
            ApiError::bad_request(format!(
                "指標の種類（kind）「{k}」は使えません（outcome、activity、kpi、population のいずれか）"
            ))
        })?),
    };
    let (limit, offset) = page(&params)?;
    let groups = compare_rows(&s.store, indicator, kind).await?;
    let rows: Vec<Vec<Value>> = groups.iter().flat_map(|g| g.rows.iter().map(TableRow::values)).collect();
    let mut base = format!("/api/v1/compare?indicator={}&", urlencode(indicator));
    if let Some(k) = kind {
        base.push_str(&format!("kind={}&", k.code()));
    }
    let page = RowPage::of(&INDICATORS, &rows, limit, offset);
    let mut seen: Vec<Json> = Vec::new();
    for g in &groups {
        let m = json!({ "code": g.municipality.code, "name": g.municipality.name });
        if !seen.contains(&m) {
            seen.push(m);
        }
    }
    let extra = vec![
        ("query", json!({ "indicator": indicator, "kind": kind.map(|k| k.code()) })),
        ("municipalities", Json::Array(seen)),
    ];
    Ok(answer_page(&page, &base, &headers, extra))
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)]).map(|e| e[1..].to_string()).unwrap_or_default()
}
