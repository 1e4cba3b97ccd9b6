//! One HTTP client for every test: reqwest, with the cookies and the CSRF
//! token under the test's control (no automatic cookie store, no
//! redirects followed), so a test can send exactly what it means to.

use std::collections::HashMap;
use std::net::SocketAddr;

use reqwest::redirect::Policy;

pub const COOKIE: &str = "hyoka_session";
/// The visitor's CSRF cookie before sign-in.
pub const CSRF_COOKIE: &str = "hyoka_csrf";

#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// Every header, names lower-cased (the last of a repeated one).
    pub headers: HashMap<String, String>,
    pub set_cookies: Vec<String>,
    /// The body as text (lossy for binary downloads).
    pub body: String,
    /// The body as sent, for files (PDF, XLSX).
    pub bytes: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }

    pub fn is_redirect(&self) -> bool {
        (300..400).contains(&self.status)
    }

    /// A redirect to the login form (what a signed-out visitor gets).
    pub fn is_login_redirect(&self) -> bool {
        self.is_redirect() && self.location().is_some_and(|l| l == "/login" || l.starts_with("/login?"))
    }

    pub fn is_html(&self) -> bool {
        self.header("content-type").is_some_and(|c| c.starts_with("text/html"))
    }

    /// The session cookie this response sets, with its attributes.
    pub fn session_cookie(&self) -> Option<&str> {
        self.set_cookies.iter().find(|c| c.starts_with(&format!("{COOKIE}="))).map(String::as_str)
    }
}

/// A browser-like client for one server: its cookies, and the CSRF token
/// of its forms once known.
#[derive(Clone)]
pub struct Client {
    pub addr: SocketAddr,
    /// The session cookie's value.
    pub cookie: Option<String>,
    /// The visitor's CSRF cookie (before sign-in).
    pub csrf_cookie: Option<String>,
    /// The token the client's forms carry.
    pub csrf: Option<String>,
    http: reqwest::Client,
}

impl Client {
    pub fn new(addr: SocketAddr) -> Client {
        let http = reqwest::Client::builder().redirect(Policy::none()).build().expect("a reqwest client");
        Client { addr, cookie: None, csrf_cookie: None, csrf: None, http }
    }

    /// A client that presents exactly this session cookie and token.
    pub fn with_session(addr: SocketAddr, cookie: Option<String>, csrf: Option<String>) -> Client {
        Client { cookie, csrf, ..Client::new(addr) }
    }

    pub async fn get(&mut self, path: &str) -> Response {
        self.send("GET", path, None, &[]).await
    }

    /// Posts exactly `fields`, adding nothing.
    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Response {
        let body = serde_urlencoded::to_string(fields).unwrap();
        self.send("POST", path, Some(body), &[]).await
    }

    /// Posts `fields`; `_csrf` is added from the client's token (read from
    /// a page when not known yet) unless given.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Response {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        let token;
        if !fields.iter().any(|(k, _)| *k == "_csrf") {
            if self.csrf.is_none() {
                self.refresh_csrf().await;
            }
            token = self.csrf.clone().unwrap_or_default();
            all.push(("_csrf", &token));
        }
        self.post_raw(path, &all).await
    }

    /// The CSRF token of the client's forms, read afresh.
    pub async fn csrf(&mut self) -> Option<String> {
        self.refresh_csrf().await;
        self.csrf.clone()
    }

    /// Signs in through the login form; the token of the new session is
    /// read afterwards.
    pub async fn login(&mut self, login: &str, password: &str) -> Response {
        let form = self.get("/login").await;
        let csrf = csrf_in(&form.body).expect("the login form carries a CSRF token");
        let r = self.post_raw("/login", &[("login", login), ("password", password), ("_csrf", &csrf)]).await;
        self.csrf = None;
        if r.is_redirect() {
            self.refresh_csrf().await;
        } else {
            self.csrf = Some(csrf);
        }
        r
    }

    /// Reads the token from the login form or, for a signed-in person who
    /// is sent elsewhere, from the page it leads to (every staff page has
    /// the logout form).
    pub async fn refresh_csrf(&mut self) {
        let mut path = "/login".to_string();
        for _ in 0..4 {
            let r = self.get(&path).await;
            if let Some(t) = csrf_in(&r.body) {
                self.csrf = Some(t);
                return;
            }
            match r.location() {
                Some(l) if r.is_redirect() && l.starts_with('/') => path = l.to_string(),
                _ => break,
            }
        }
        self.csrf = None;
    }

    /// Posts a `multipart/form-data` body as a browser's file form does:
    /// `fields` (plus `_csrf` from the client's token unless given), then
    /// `files` as `(field, file name, bytes)`.
    pub async fn post_files(&mut self, path: &str, fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> Response {
        if self.csrf.is_none() {
            self.refresh_csrf().await;
        }
        let boundary = "----hyokaTestBoundary7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        let token = self.csrf.clone().unwrap_or_default();
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        if !fields.iter().any(|(k, _)| *k == "_csrf") {
            all.insert(0, ("_csrf", &token));
        }
        for (k, v) in all {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes(),
            );
        }
        for (field, name, bytes) in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let content_type = format!("multipart/form-data; boundary={boundary}");
        self.send_body("POST", path, Some((&content_type, body)), &[]).await
    }

    /// Sends one request with the client's cookies and `extra_headers`, and
    /// keeps the cookies the answer sets.
    pub async fn send(
        &mut self,
        method: &str,
        path: &str,
        form: Option<String>,
        extra_headers: &[(&str, &str)],
    ) -> Response {
        let body = form.map(|f| ("application/x-www-form-urlencoded", f.into_bytes()));
        self.send_body(method, path, body, extra_headers).await
    }

    /// [`Client::send`] with a body of any type.
    pub async fn send_body(
        &mut self,
        method: &str,
        path: &str,
        body: Option<(&str, Vec<u8>)>,
        extra_headers: &[(&str, &str)],
    ) -> Response {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("an HTTP method");
        let mut req = self.http.request(method, format!("http://{}{path}", self.addr));
        let mut cookies = Vec::new();
        if let Some(c) = &self.cookie {
            cookies.push(format!("{COOKIE}={c}"));
        }
        if let Some(c) = &self.csrf_cookie {
            cookies.push(format!("{CSRF_COOKIE}={c}"));
        }
        if !cookies.is_empty() {
            req = req.header("cookie", cookies.join("; "));
        }
        for (k, v) in extra_headers {
            req = req.header(*k, *v);
        }
        if let Some((content_type, body)) = body {
            req = req.header("content-type", content_type).body(body);
        }
        let res = req.send().await.expect("the server answers");
        let status = res.status().as_u16();
        let mut headers = HashMap::new();
        let mut set_cookies = Vec::new();
        for (k, v) in res.headers() {
            let v = String::from_utf8_lossy(v.as_bytes()).into_owned();
            if k.as_str() == "set-cookie" {
                set_cookies.push(v.clone());
            }
            headers.insert(k.as_str().to_string(), v);
        }
        for c in &set_cookies {
            let (name, rest) = c.split_once('=').unwrap_or((c, ""));
            let value = rest.split(';').next().unwrap_or("");
            let value = (!value.is_empty()).then(|| value.to_string());
            if name == COOKIE {
                if value != self.cookie {
                    // Another session: its CSRF token is not known yet.
                    self.csrf = None;
                }
                self.cookie = value;
            } else if name == CSRF_COOKIE {
                self.csrf_cookie = value;
            }
        }
        let bytes = res.bytes().await.expect("a body").to_vec();
        Response { status, headers, set_cookies, body: String::from_utf8_lossy(&bytes).into_owned(), bytes }
    }
}

/// The value of the first `_csrf` hidden field in a page.
pub fn csrf_in(html: &str) -> Option<String> {
    let marker = "name=\"_csrf\" value=\"";
    let at = html.find(marker)? + marker.len();
    Some(html[at..].split('"').next()?.to_string())
}
