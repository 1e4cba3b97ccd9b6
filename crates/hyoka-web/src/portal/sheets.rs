//! A published year's sheets in one file, for anyone: the PDF a review
//! board reads and the workbook, with a cover and a table of contents
//! (`hyoka_report::compile_book`, the same file as `hyoka report sheets`
//! and the staff's 帳票の出力). A published year is locked, so the file
//! holds exactly what was published; a year that is not published is not
//! found, like every portal page.
//!
//! The file reads every sheet of the year: seconds of work for a large
//! city, and larger than the response cache keeps. So the files built are
//! kept here by city, year, format and publication version
//! ([`hyoka_store::Store::publication_version`]: it changes with every
//! withdrawal, unlock or edit of the city), and built one at a time: any
//! number of visitors cost one build per publication.

use std::collections::VecDeque;
use std::sync::Mutex;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use hyoka_core::FiscalYear;

use super::data::file;
use super::{public_year, PortalError, PublicParams};
use crate::http::{CityCode, Fy};
use crate::AppError;
use crate::AppState;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The files kept at most (the newest built): a few cities' current year
/// in both formats.
const KEEP: usize = 8;

/// City, fiscal year, format, publication version.
type Key = (String, FiscalYear, &'static str, String);

/// Year files already built (see the module's documentation).
#[derive(Default)]
pub struct PublishedBooks {
    built: Mutex<VecDeque<(Key, Bytes)>>,
    building: tokio::sync::Mutex<()>,
}

impl PublishedBooks {
    fn get(&self, key: &Key) -> Option<Bytes> {
        let built = self.built.lock().unwrap_or_else(|e| e.into_inner());
        built.iter().find(|(k, _)| k == key).map(|(_, b)| b.clone())
    }

    fn keep(&self, key: Key, bytes: Bytes) {
        let mut built = self.built.lock().unwrap_or_else(|e| e.into_inner());
        built.retain(|(k, _)| (&k.0, k.1, k.2) != (&key.0, key.1, key.2));
        if built.len() >= KEEP {
            built.pop_front();
        }
        built.push_back((key, bytes));
    }
}

/// `/p/{code}/{fy}/sheets/{format}`, `format` being `pdf` or `xlsx`.
pub(super) async fn book(
    State(s): State<AppState>,
    PublicParams((code, fy, format)): PublicParams<(CityCode, Fy, String)>,
    headers: HeaderMap,
) -> Result<Response, PortalError> {
    let (_, fy) = public_year(&s, &code, fy).await?;
    let (format, content_type) = match format.as_str() {
        "pdf" => ("pdf", "application/pdf"),
        "xlsx" => ("xlsx", XLSX),
        _ => return Err(AppError::NotFound("出力形式".into()).into()),
    };
    // ASCII names: no encoding needed in the header.
    let name = format!("{code}_{}_sheets.{format}", fy.year());
    let version = s.store.publication_version(Some(&code)).await?.unwrap_or_default();
    let key = (code.0.clone(), fy, format, version);
    let books = s.slot::<PublishedBooks>();
    if let Some(bytes) = books.get(&key) {
        return Ok(file(&headers, bytes, content_type, &name));
    }
    let _one_at_a_time = books.building.lock().await;
    // Built meanwhile by the request this one waited for.
    if let Some(bytes) = books.get(&key) {
        return Ok(file(&headers, bytes, content_type, &name));
    }
    let today = hyoka_core::deadline::today_in_japan(s.app.now());
    let book = hyoka_report::compile_book(&s.store, &code, fy, None, today, &mut |_, _, _| {}).await?;
    let bytes = Bytes::from(if format == "pdf" { book.pdf() } else { book.xlsx()? });
    books.keep(key, bytes.clone());
    Ok(file(&headers, bytes, content_type, &name))
}
