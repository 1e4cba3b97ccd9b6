//! Caching of public answers, in two parts.
//!
//! 1. Every public answer says how it may be cached: a strong ETag (a hash
//!    of the body), `Cache-Control: public`, and 304 for a matching
//!    `If-None-Match` ([`cacheable`], used by the API and the downloads).
//! 2. The server keeps the public answers it rendered ([`ResponseCache`],
//!    [`middleware`]): a published year does not change until it is
//!    withdrawn or unlocked, so the portal's pages (`/p…`) and the API's
//!    answers (`/api/v1/…`) are rendered once and then served like files.
//!
//! The key of a kept answer is the request's path and query together with
//! the **publication version** of what it shows
//! ([`hyoka_store::Store::publication_version`]): of the city named in the
//! path, or of every city for the pages across cities (`/p`, `/p/compare`,
//! `/api/v1/municipalities`, `/api/v1/compare`). The version changes with
//! every command on the city (each writes an audit event: publish,
//! withdraw, unlock, an edit of its plans) and with its set of published
//! years, so after any of these the old key is never asked for again: no
//! stale bytes are served, also when the change was made by another
//! process (the command line, a second server). Reading the version is one
//! indexed statement per request; a hit runs nothing else.
//!
//! Never kept: anything but a `GET` answered `200` without `Set-Cookie`;
//! an answer marked `no-store` or `private`; a request with a session
//! (signed-in staff, whose pages may differ); a city with nothing
//! published (a draft year is "not found", and 404s are not kept); a body
//! larger than [`MAX_ENTRY_BYTES`]. Memory is bounded: the least recently
//! used answers are dropped once the kept bodies exceed the cache's size
//! ([`DEFAULT_CACHE_BYTES`] unless the server is given another).

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, DATE, ETAG, IF_NONE_MATCH, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::http::extract::CityCode;
use crate::http::session::Session;
use crate::AppState;

/// How long a cache may keep an answer. Short: a withdrawn year should
/// disappear from caches soon.
pub const CACHE_CONTROL_PUBLIC: &str = "public, max-age=300";

/// The bodies the server keeps at most, together.
pub const DEFAULT_CACHE_BYTES: usize = 64 * 1024 * 1024;

/// A larger answer (a whole city's open data) is rendered each time.
pub const MAX_ENTRY_BYTES: usize = 4 * 1024 * 1024;

/// A page that must never be kept (a password shown once).
pub fn no_store(page: maud::Markup) -> Response {
    ([(CACHE_CONTROL, "no-store")], page).into_response()
}

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

// ------------------------------------------------------------------ the server's cache

/// A kept answer: its headers (without the per-response ones) and body.
#[derive(Clone)]
struct Entry {
    headers: HeaderMap,
    body: Bytes,
    etag: HeaderValue,
}

/// The least recently used entry goes first.
#[derive(Default)]
struct Lru {
    entries: HashMap<String, (Entry, u64)>,
    /// Last use → key.
    order: BTreeMap<u64, String>,
    tick: u64,
    bytes: usize,
}

impl Lru {
    fn get(&mut self, key: &str) -> Option<Entry> {
        self.tick += 1;
        let tick = self.tick;
        let (entry, used) = self.entries.get_mut(key)?;
        self.order.remove(used);
        *used = tick;
        self.order.insert(tick, key.to_string());
        Some(entry.clone())
    }

    fn put(&mut self, key: String, entry: Entry, max_bytes: usize) {
        if let Some((old, used)) = self.entries.remove(&key) {
            self.order.remove(&used);
            self.bytes -= old.body.len();
        }
        while self.bytes + entry.body.len() > max_bytes {
            let Some((_, oldest)) = self.order.pop_first() else { break };
            if let Some((old, _)) = self.entries.remove(&oldest) {
                self.bytes -= old.body.len();
            }
        }
        self.tick += 1;
        self.bytes += entry.body.len();
        self.order.insert(self.tick, key.clone());
        self.entries.insert(key, (entry, self.tick));
    }
}

/// Public answers kept in memory, by path, query and publication version.
pub struct ResponseCache {
    lru: Mutex<Lru>,
    max_bytes: usize,
    hits: AtomicU64,
    misses: AtomicU64,
}

/// What the cache has done so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Answers served from the cache.
    pub hits: u64,
    /// Cacheable requests rendered by their handler.
    pub misses: u64,
    pub entries: usize,
    pub bytes: usize,
}

impl ResponseCache {
    /// A cache keeping at most `max_bytes` of bodies (0: keep nothing).
    pub fn new(max_bytes: usize) -> ResponseCache {
        ResponseCache { lru: Mutex::default(), max_bytes, hits: AtomicU64::new(0), misses: AtomicU64::new(0) }
    }

    pub fn stats(&self) -> CacheStats {
        let lru = self.lru.lock().expect("response cache");
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            entries: lru.entries.len(),
            bytes: lru.bytes,
        }
    }

    fn get(&self, key: &str) -> Option<Entry> {
        self.lru.lock().expect("response cache").get(key)
    }

    fn put(&self, key: String, entry: Entry) {
        if entry.body.len() <= self.max_bytes.min(MAX_ENTRY_BYTES) {
            self.lru.lock().expect("response cache").put(key, entry, self.max_bytes);
        }
    }
}

impl Default for ResponseCache {
    fn default() -> Self {
        ResponseCache::new(DEFAULT_CACHE_BYTES)
    }
}

/// Whose publication a public path shows: `Some(None)` every city's,
/// `Some(Some(code))` one city's, `None` not a public answer.
fn scope(path: &str) -> Option<Option<&str>> {
    fn city(code: &str) -> Option<&str> {
        CityCode::parse(code).map(|_| code)
    }
    if let Some(rest) = path.strip_prefix("/api/v1/") {
        return match rest.strip_prefix("municipalities/") {
            Some(rest) => city(rest.split('/').next().unwrap_or("")).map(Some),
            None => Some(None),
        };
    }
    if path == "/p" || path == "/p/compare" {
        return Some(None);
    }
    let rest = path.strip_prefix("/p/")?;
    city(rest.split('/').next().unwrap_or("")).map(Some)
}

/// Serves public answers from the [`ResponseCache`], keeping what it may.
/// Runs inside the session layer (to see whether the request has one).
pub async fn middleware(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let signed_in = req.extensions().get::<Session>().is_some_and(|s| s.token_hash.is_some() || s.account.is_some());
    let scope = scope(req.uri().path()).filter(|_| req.method() == Method::GET && !signed_in);
    let Some(scope) = scope else {
        return next.run(req).await;
    };
    let version = match state.store.publication_version(scope).await {
        Ok(Some(v)) => v,
        // Nothing published (every answer is "not found"), or the version
        // cannot be read: the handler answers, nothing is kept.
        Ok(None) => return next.run(req).await,
        Err(e) => {
            tracing::warn!(error = %e, "reading the publication version");
            return next.run(req).await;
        }
    };
    let path_and_query = req.uri().path_and_query().map_or("", |p| p.as_str());
    let key = format!("{}\n{version}\n{path_and_query}", scope.unwrap_or("*"));
    let conditional = req.headers().clone();
    let cache = &state.cache;
    if let Some(entry) = cache.get(&key) {
        cache.hits.fetch_add(1, Ordering::Relaxed);
        return answer(&conditional, entry);
    }
    cache.misses.fetch_add(1, Ordering::Relaxed);
    // The handler renders the whole answer; 304 is decided here.
    req.headers_mut().remove(IF_NONE_MATCH);
    let res = next.run(req).await;
    if !keepable(&res) {
        return res;
    }
    let (parts, body) = res.into_parts();
    let body = match axum::body::to_bytes(body, MAX_ENTRY_BYTES).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "reading a public answer to cache it");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let mut headers = parts.headers;
    for h in [ETAG, CACHE_CONTROL, DATE, CONTENT_LENGTH] {
        headers.remove(h);
    }
    let etag = HeaderValue::from_str(&etag_of(&body)).expect("hex in quotes");
    let entry = Entry { headers, body, etag };
    cache.put(key, entry.clone());
    answer(&conditional, entry)
}

/// Whether an answer may be kept: a complete `200` for anyone.
fn keepable(res: &Response) -> bool {
    let private = res
        .headers()
        .get_all(CACHE_CONTROL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains("no-store") || v.contains("private"));
    let small = res.body().size_hint().exact().is_some_and(|n| n <= MAX_ENTRY_BYTES as u64);
    res.status() == StatusCode::OK && !res.headers().contains_key(SET_COOKIE) && !private && small
}

/// A kept answer for this request: 304 when it has the bytes already.
fn answer(request: &HeaderMap, entry: Entry) -> Response {
    let etag = entry.etag.to_str().unwrap_or_default();
    let cache = HeaderValue::from_static(CACHE_CONTROL_PUBLIC);
    if not_modified(request, etag) {
        return (StatusCode::NOT_MODIFIED, [(ETAG, entry.etag.clone()), (CACHE_CONTROL, cache)]).into_response();
    }
    let mut res = Response::new(Body::from(entry.body));
    *res.headers_mut() = entry.headers;
    res.headers_mut().insert(ETAG, entry.etag);
    res.headers_mut().insert(CACHE_CONTROL, cache);
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_paths_are_scoped_to_their_city() {
        assert_eq!(scope("/p"), Some(None));
        assert_eq!(scope("/p/compare"), Some(None));
        assert_eq!(scope("/p/132047"), Some(Some("132047")));
        assert_eq!(scope("/p/132047/2018/items/3"), Some(Some("132047")));
        assert_eq!(scope("/api/v1/municipalities"), Some(None));
        assert_eq!(scope("/api/v1/municipalities/132047/years/2018"), Some(Some("132047")));
        assert_eq!(scope("/api/v1/compare"), Some(None));
        assert_eq!(scope("/p/abc"), None);
        assert_eq!(scope("/static/portal.css"), None);
        assert_eq!(scope("/items/3"), None);
        assert_eq!(scope("/pages"), None);
    }

    fn entry(n: usize) -> Entry {
        Entry { headers: HeaderMap::new(), body: Bytes::from(vec![b'x'; n]), etag: HeaderValue::from_static("\"e\"") }
    }

    #[test]
    fn the_least_recently_used_answer_goes_first_when_full() {
        let mut lru = Lru::default();
        lru.put("a".into(), entry(40), 100);
        lru.put("b".into(), entry(40), 100);
        assert!(lru.get("a").is_some());
        lru.put("c".into(), entry(40), 100);
        assert!(lru.get("b").is_none(), "b was used least recently");
        assert!(lru.get("a").is_some() && lru.get("c").is_some());
        assert_eq!(lru.bytes, 80);
        lru.put("a".into(), entry(10), 100);
        assert_eq!(lru.bytes, 50);
    }
}
