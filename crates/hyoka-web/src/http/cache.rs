//! Caching of public answers: a strong ETag (a hash of the body), a
//! `Cache-Control` for shared caches, and 304 for a matching
//! `If-None-Match`.

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// How long a cache may keep an answer. Short: a withdrawn year should
/// disappear from caches soon.
pub const CACHE_CONTROL_PUBLIC: &str = "public, max-age=300";

/// The strong ETag of a body.
pub fn etag_of(body: &[u8]) -> String {
    let hash = Sha256::digest(body);
    let tag: String = hash.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("\"{tag}\"")
}

/// Whether the request's `If-None-Match` names `etag` (or `*`).
pub fn not_modified(request: &HeaderMap, etag: &str) -> bool {
    request
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == "*" || t == etag)
}

/// A cacheable answer: the body with its ETag and `Cache-Control: public`;
/// 304 without a body when the request already has it.
pub fn cacheable(request: &HeaderMap, body: impl Into<axum::body::Bytes>, content_type: &'static str) -> Response {
    let body = body.into();
    let etag = etag_of(&body);
    let etag_value = HeaderValue::from_str(&etag).expect("hex in quotes");
    let cache = HeaderValue::from_static(CACHE_CONTROL_PUBLIC);
    if not_modified(request, &etag) {
        return (StatusCode::NOT_MODIFIED, [(ETAG, etag_value), (CACHE_CONTROL, cache)]).into_response();
    }
    (
        StatusCode::OK,
        [(CONTENT_TYPE, HeaderValue::from_static(content_type)), (ETAG, etag_value), (CACHE_CONTROL, cache)],
        body,
    )
        .into_response()
}
