//! The open data of a published year as files: each table as CSV or JSON,
//! built by hyoka-report's row builders from the published years only, so
//! the downloads, the API and `hyoka export opendata` hold the same rows.

use super::PublicQuery;
use axum::extract::State;

use super::PublicParams;
use crate::http::{CityCode, Fy, Id};
use axum::http::header::CONTENT_DISPOSITION;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use hyoka_report::opendata::format::{render_csv, render_json};
use hyoka_report::opendata::metadata::metadata;
use hyoka_report::opendata::{public_dataset, table_named, Period, Selection};
use hyoka_report::{Header, Licence};
use maud::html;
use serde::Deserialize;

use super::{public_page, public_year, year_crumbs, year_href, Page, PortalError};
use crate::{AppError, AppState};

/// The name of the metadata "table" (`metadata.json`).
const METADATA: &str = "metadata";

pub(super) async fn downloads(
    State(s): State<AppState>,
    PublicParams((code, fy)): PublicParams<(CityCode, Fy)>,
) -> Page {
    let (city, fy) = public_year(&s, &code, fy).await?;
    let set = public_dataset(&s.store, &code, Period::Year(fy), Selection::All)
        .await?
        .ok_or_else(|| AppError::NotFound("公開されている年度".into()))?;
    let base = format!("{}/data", year_href(&code, fy));
    Ok(public_page(
        &format!("オープンデータ（{}）", fy.label()),
        Some(&city),
        &year_crumbs(&city, fy),
        html! {
            p {
                (city.municipality.name) "の" (fy.label()) "の行政評価を、機械判読に適した形式（1ファイルに1つの表、縦長の形式、"
                "数値に単位を含めない、空欄と0を区別）で提供します。文字コードは UTF-8 です。"
                "ライセンスは クリエイティブ・コモンズ 表示 4.0 国際（CC BY 4.0）です。"
            }
            table {
                caption { "表と形式" }
                thead { tr {
                    th scope="col" { "表" } th scope="col" { "1行の内容" } th scope="col" { "行数" } th scope="col" { "入手" }
                } }
                tbody {
                    @for (t, rows) in set.tables() {
                        tr {
                            th scope="row" { (t.title_ja) br; span class="code" { (t.name) } }
                            td { (t.row_ja) }
                            td class="num" { (rows.len()) }
                            td class="downloads" {
                                a href={ (base) "/" (t.name) } { "CSV" span class="sr-only" { "（" (t.title_ja) "）" } }
                                a href={ (base) "/" (t.name) "?bom=1" } { "CSV（Excel用、BOM付き）" span class="sr-only" { "（" (t.title_ja) "）" } }
                                a href={ (base) "/" (t.name) "?header=en" } { "CSV（英語の列名）" span class="sr-only" { "（" (t.title_ja) "）" } }
                                a href={ (base) "/" (t.name) "?format=json" } { "JSON" span class="sr-only" { "（" (t.title_ja) "）" } }
                            }
                        }
                    }
                }
            }
            p {
                a href={ (base) "/" (METADATA) } { "メタデータ（metadata.json）" }
                "：表の説明、すべての列の名前（日本語・英語）と意味、コードの一覧、ライセンス。"
            }
            p {
                "同じデータは API（"
                code { "/api/v1/municipalities/" (code) "/years/" (fy.year()) "/{表}" }
                "）でも入手できます。"
                a href="/api/v1/openapi.json" { "API の仕様（OpenAPI）" }
            }
        },
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct DownloadQuery {
    /// `csv` (the default) or `json`.
    format: String,
    /// The CSV header's language: `ja` (the default) or `en`.
    header: String,
    /// `1`: start the CSV with a byte order mark (for Excel).
    bom: String,
    /// Narrow the table to what one page shows.
    item: String,
    indicator: String,
    node: String,
    /// `1`: every published year up to this one, not this one only.
    through: String,
}

pub(super) async fn download(
    State(s): State<AppState>,
    PublicParams((code, fy, name)): PublicParams<(CityCode, Fy, String)>,
    PublicQuery(q): PublicQuery<DownloadQuery>,
    headers: HeaderMap,
) -> Result<Response, PortalError> {
    let (city, fy) = public_year(&s, &code, fy).await?;
    let not_found = || AppError::NotFound("データの表".into());
    let header: Header = match q.header.as_str() {
        "" => Header::Ja,
        h => h.parse().map_err(|e: String| AppError::Invalid(format!("見出しの言語（header）: {e}")))?,
    };
    let bom = matches!(q.bom.as_str(), "1" | "true");
    let json = match q.format.as_str() {
        "" | "csv" => false,
        "json" => true,
        other => {
            return Err(AppError::Invalid(format!("形式（format）「{other}」は使えません（csv または json）")).into())
        }
    };
    let id = |v: &str, what: &str| -> Result<Option<i64>, AppError> {
        match v {
            "" => Ok(None),
            v => Id::parse(v)
                .map(|i| Some(i.0))
                .ok_or_else(|| AppError::Invalid(format!("{what}の番号「{v}」が正しくありません"))),
        }
    };
    let selection = match (id(&q.item, "事業")?, id(&q.indicator, "指標")?, id(&q.node, "施策")?) {
        (Some(i), _, _) => Selection::Item(i),
        (None, Some(i), _) => Selection::Indicator(i),
        (None, None, Some(n)) => Selection::Node(n),
        _ => Selection::All,
    };
    let period = if q.through == "1" { Period::Through(fy) } else { Period::Year(fy) };
    let set = public_dataset(&s.store, &code, period, selection).await?.ok_or_else(not_found)?;
    let stem = format!("{code}_{}", fy.year());
    if name == METADATA {
        let counts = set.tables().map(|(_, rows)| rows.len());
        let meta = metadata(
            std::slice::from_ref(&city.municipality),
            counts,
            header,
            bom,
            &Licence::default(),
            &hyoka_core::deadline::today_in_japan(s.app.now()).iso(),
        );
        let mut text = serde_json::to_string_pretty(&meta).map_err(|e| AppError::Invalid(e.to_string()))?;
        text.push('\n');
        return Ok(file(&headers, text, "application/json; charset=utf-8", &format!("{stem}_metadata.json")));
    }
    let table = table_named(&name).ok_or_else(not_found)?;
    let rows = set.rows(table);
    Ok(if json {
        file(
            &headers,
            render_json(table, &rows),
            "application/json; charset=utf-8",
            &format!("{stem}_{}", table.json_file()),
        )
    } else {
        let csv = render_csv(table, &rows, header, bom);
        file(&headers, csv, "text/csv; charset=utf-8", &format!("{stem}_{}", table.csv_file()))
    })
}

/// A download: cacheable like the API (ETag, Cache-Control), named for
/// saving. File names are ASCII (code, year, table), so no encoding is
/// needed in the header.
pub(super) fn file(
    request: &HeaderMap,
    body: impl Into<axum::body::Bytes>,
    content_type: &'static str,
    name: &str,
) -> Response {
    let mut res = crate::http::cache::cacheable(request, body, content_type).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        res.headers_mut().insert(CONTENT_DISPOSITION, v);
    }
    res
}
