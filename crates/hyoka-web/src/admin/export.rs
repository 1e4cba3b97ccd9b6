//! The city's data as the canonical workbook (one table per sheet), the
//! same file `hyoka export workbook` writes: download it, edit it in
//! Excel, and load it back, without a terminal.

use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use hyoka_import::canonical::{xlsx_bytes, ExportError};
use hyoka_import::{load_city, Batch};
use hyoka_store::StoreError;

use super::admin_city;
use crate::http::{AppError, CityCode, Params, Staff};
use crate::AppState;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub(super) async fn workbook(
    State(s): State<AppState>,
    staff: Staff,
    Params(code): Params<CityCode>,
) -> Result<Response, AppError> {
    admin_city(&s, &staff, &code).await?;
    let city = load_city(&s.store, &code).await?;
    let bytes = xlsx_bytes(&Batch { cities: vec![city], findings: Vec::new() }).map_err(|e| match e {
        // Data the tables cannot hold is the city's to fix; say what.
        ExportError::Invalid(m) => AppError::Conflict(format!("標準形式に書き出せない内容があります: {m}")),
        other => AppError::Store(StoreError::Invalid(other.to_string())),
    })?;
    let disposition = format!("attachment; filename=\"hyoka-{code}.xlsx\"");
    // Drafts are in it: never kept by a shared cache.
    Ok((
        [(CONTENT_TYPE, XLSX.to_string()), (CONTENT_DISPOSITION, disposition), (CACHE_CONTROL, "no-store".to_string())],
        bytes,
    )
        .into_response())
}
