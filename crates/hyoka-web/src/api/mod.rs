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

use axum::extract::{FromRequestParts, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use hyoka_core::{FiscalYear, IndicatorKind};
use hyoka_report::opendata::compare::compare_page;
use hyoka_report::opendata::{table_named, year_dataset, year_table_page, RowPage, TableRow, Value, INDICATORS};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value as Json};

use crate::http::cache::cacheable;
use crate::http::{query, CityCode, Fy, Params, Routes, Rule};
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
    fn invalid(message: impl Into<String>) -> Self {
        ApiError { status: StatusCode::UNPROCESSABLE_ENTITY, message: message.into() }
    }

    fn not_found(what: &str) -> Self {
        ApiError { status: StatusCode::NOT_FOUND, message: format!("{what}が見つかりません") }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound(what) => ApiError::not_found(&what),
            AppError::Invalid(m) => ApiError::invalid(m),
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

/// The path's parameters as `T` (a tuple of `CityCode`, `Fy`, `String`),
/// or a JSON 404 naming the path: a malformed segment (a letter in a city
/// code, a year out of range) is something that does not exist.
struct ApiPath<T>(T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Params::<T>::from_request_parts(parts, state).await {
            Ok(Params(t)) => Ok(ApiPath(t)),
            Err(_) => {
                let path = percent_encoding::percent_decode_str(parts.uri.path()).decode_utf8_lossy().into_owned();
                Err(ApiError {
                    status: StatusCode::NOT_FOUND,
                    message: format!(
                        "「{path}」は見つかりません（団体コードは6桁の数字、年度は西暦の年で指定してください）"
                    ),
                })
            }
        }
    }
}

/// The query's parameters as `T`, read strictly (`crate::http::query`: a
/// repeated field, a control character or a value of the wrong type is
/// 422 naming the field), answered as JSON.
struct ApiQuery<T>(T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        Ok(ApiQuery(query::parse(parts.uri.query().unwrap_or(""))?))
    }
}

/// `limit` and `offset` as given.
#[derive(Deserialize, Default)]
#[serde(default)]
struct PageQuery {
    limit: Option<String>,
    offset: Option<String>,
}

/// The comparison's parameters.
#[derive(Deserialize, Default)]
#[serde(default)]
struct CompareQuery {
    indicator: Option<String>,
    kind: Option<String>,
    limit: Option<String>,
    offset: Option<String>,
}

/// `limit` and `offset`, checked against the documented ranges.
fn page(limit: Option<&str>, offset: Option<&str>) -> Result<(u64, u64), ApiError> {
    let number = |name: &str, given: Option<&str>, default: u64, min: u64, max: u64| -> Result<u64, ApiError> {
        match given {
            None => Ok(default),
            Some(v) => v
                .parse::<u64>()
                .ok()
                .filter(|n| (min..=max).contains(n) && v.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| {
                    ApiError::invalid(format!("{name} は {min} 以上 {max} 以下の整数で指定してください（「{v}」）"))
                }),
        }
    };
    Ok((number("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT)?, number("offset", offset, 0, 0, MAX_OFFSET)?))
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

async fn municipality(State(s): State<AppState>, ApiPath(code): ApiPath<CityCode>, headers: HeaderMap) -> ApiResult {
    let code = code.as_str();
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
async fn city_year(
    s: &AppState,
    code: &CityCode,
    Fy(fy): Fy,
) -> Result<(hyoka_store::PublicCity, FiscalYear), ApiError> {
    let city = s.store.public_city(code).await?.ok_or_else(|| ApiError::not_found("公開されている自治体"))?;
    if !city.includes(fy) {
        return Err(ApiError::not_found("公開されている年度"));
    }
    Ok((city, fy))
}

async fn year(
    State(s): State<AppState>,
    ApiPath((code, fy)): ApiPath<(CityCode, Fy)>,
    headers: HeaderMap,
) -> ApiResult {
    let (city, fy) = city_year(&s, &code, fy).await?;
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

async fn table(
    State(s): State<AppState>,
    ApiPath((code, fy, name)): ApiPath<(CityCode, Fy, String)>,
    ApiQuery(q): ApiQuery<PageQuery>,
    headers: HeaderMap,
) -> ApiResult {
    let (city, fy) = city_year(&s, &code, fy).await?;
    let table = table_named(&name).ok_or_else(|| ApiError::not_found("データの表"))?;
    let (limit, offset) = page(q.limit.as_deref(), q.offset.as_deref())?;
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

async fn compare(State(s): State<AppState>, ApiQuery(q): ApiQuery<CompareQuery>, headers: HeaderMap) -> ApiResult {
    let indicator = q.indicator.as_deref().unwrap_or("");
    if indicator.trim().is_empty() {
        return Err(ApiError::invalid("比べる指標の名前（indicator）を指定してください"));
    }
    let kind = match q.kind.as_deref() {
        None => None,
        Some(k) => Some(IndicatorKind::ALL.iter().copied().find(|x| x.code() == k).ok_or_else(|| {
            ApiError::invalid(format!(
                "指標の種類（kind）「{k}」は使えません（outcome、activity、kpi、population のいずれか）"
            ))
        })?),
    };
    let (limit, offset) = page(q.limit.as_deref(), q.offset.as_deref())?;
    // A page is `limit` indicators (each with every row of its published
    // years): the store counts the matches and reads only the page's.
    let found = compare_page(&s.store, indicator, kind, offset, limit).await?;
    let rows: Vec<Vec<Value>> = found.groups.iter().flat_map(|g| &g.rows).map(TableRow::values).collect();
    let mut base = format!("/api/v1/compare?indicator={}&", crate::http::url::encode(indicator));
    if let Some(k) = kind {
        base.push_str(&format!("kind={}&", k.code()));
    }
    let page = RowPage { table: &INDICATORS, total: found.total, limit, offset, rows };
    let seen: Vec<Json> = found.municipalities.iter().map(|m| json!({ "code": m.code, "name": m.name })).collect();
    let extra = vec![
        ("query", json!({ "indicator": indicator, "kind": kind.map(|k| k.code()) })),
        ("municipalities", Json::Array(seen)),
    ];
    Ok(answer_page(&page, &base, &headers, extra))
}
