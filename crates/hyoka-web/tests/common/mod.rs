//! A real server on a free port, and a small HTTP/1.1 client for it that
//! keeps its session cookie and sends forms with the CSRF token.
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;

use hyoka_core::access::Role;
use hyoka_store::{NewAccount, Store};
use hyoka_web::{AppState, Server, SessionConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub const PASSWORD: &str = "test-password-0123";

pub struct TestServer {
    pub addr: SocketAddr,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

pub async fn spawn(store: Store) -> TestServer {
    spawn_with(store, SessionConfig { idle_seconds: 30 * 60, secure_cookies: false }).await
}

pub async fn spawn_with(store: Store, session: SessionConfig) -> TestServer {
    let server = Server::bind("127.0.0.1:0".parse().unwrap(), AppState { store, session }).await.unwrap();
    let addr = server.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.run(async {
        let _ = rx.await;
    }));
    TestServer { addr, _shutdown: tx }
}

/// Creates an account with [`PASSWORD`].
pub async fn account(store: &Store, login: &str, role: Role, city: Option<&str>, section: Option<i64>) -> i64 {
    let mut tx = store.begin().await.unwrap();
    let id = tx
        .create_account(&NewAccount {
            municipality: city.map(str::to_string),
            login: login.into(),
            display_name: format!("{login} さん"),
            password_hash: hyoka_web::auth::password::hash_password(PASSWORD).unwrap(),
            role,
            section_id: section,
        })
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: HashMap<String, String>,
    pub set_cookies: Vec<String>,
    /// The body as text (binary bodies lossily).
    pub body: String,
    /// The body as sent, for files (PDF, XLSX).
    pub bytes: Vec<u8>,
}

impl Response {
    pub fn location(&self) -> Option<&str> {
        self.headers.get("location").map(String::as_str)
    }
}

/// A browser-like client: one cookie jar, one server.
pub struct Client {
    pub addr: SocketAddr,
    pub cookie: Option<String>,
}

impl TestServer {
    pub fn client(&self) -> Client {
        Client { addr: self.addr, cookie: None }
    }

    /// A client that is signed in as `login`.
    pub async fn signed_in(&self, login: &str) -> Client {
        let mut c = self.client();
        c.login(login, PASSWORD).await;
        c
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client().get(path).await
    }
}

impl Client {
    pub async fn get(&mut self, path: &str) -> Response {
        self.send("GET", path, None).await
    }

    /// Posts a form; `_csrf` is added from the session unless given.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Response {
        let mut fields: Vec<(String, String)> = fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        if !fields.iter().any(|(k, _)| k == "_csrf") {
            if let Some(token) = self.csrf().await {
                fields.push(("_csrf".into(), token));
            }
        }
        let body = serde_urlencoded::to_string(&fields).unwrap();
        self.send("POST", path, Some(body)).await
    }

    /// The CSRF token of the current session, read from a page's form.
    pub async fn csrf(&mut self) -> Option<String> {
        let page = self.get("/login").await;
        csrf_in(&page.body)
    }

    pub async fn login(&mut self, login: &str, password: &str) -> Response {
        let form = self.get("/login").await;
        let csrf = csrf_in(&form.body).expect("the login form carries a CSRF token");
        let r = self.post("/login", &[("login", login), ("password", password), ("_csrf", &csrf)]).await;
        assert!(r.status == 303 || r.status == 302 || r.status == 401, "login answered {}", r.status);
        r
    }

    async fn send(&mut self, method: &str, path: &str, form: Option<String>) -> Response {
        let mut stream = TcpStream::connect(self.addr).await.unwrap();
        let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n", self.addr);
        if let Some(c) = &self.cookie {
            request.push_str(&format!("Cookie: hyoka_session={c}\r\n"));
        }
        if let Some(body) = &form {
            request.push_str(&format!(
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            ));
        } else {
            request.push_str("\r\n");
        }
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.unwrap();
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a header block");
        let head = std::str::from_utf8(&raw[..split]).expect("headers are ASCII");
        let body = &raw[split + 4..];
        let mut lines = head.lines();
        let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
        let mut headers = HashMap::new();
        let mut set_cookies = Vec::new();
        for l in lines {
            if let Some((k, v)) = l.split_once(':') {
                let k = k.trim().to_ascii_lowercase();
                if k == "set-cookie" {
                    set_cookies.push(v.trim().to_string());
                }
                headers.insert(k, v.trim().to_string());
            }
        }
        for c in &set_cookies {
            if let Some(v) = c.strip_prefix("hyoka_session=") {
                let value = v.split(';').next().unwrap_or("");
                self.cookie = (!value.is_empty()).then(|| value.to_string());
            }
        }
        let bytes = if headers.get("transfer-encoding").is_some_and(|v| v == "chunked") {
            dechunk(body)
        } else {
            body.to_vec()
        };
        // Pages are UTF-8; only files may hold other bytes.
        let binary = headers.get("content-type").is_some_and(|t| !t.starts_with("text/") && !t.contains("json"));
        let body = if binary {
            String::from_utf8_lossy(&bytes).into_owned()
        } else {
            String::from_utf8(bytes.clone()).expect("text responses are UTF-8")
        };
        Response { status, headers, set_cookies, body, bytes }
    }
}

/// The value of the first `_csrf` hidden field in a page.
pub fn csrf_in(html: &str) -> Option<String> {
    let at = html.find("name=\"_csrf\" value=\"")? + "name=\"_csrf\" value=\"".len();
    Some(html[at..].split('"').next()?.to_string())
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = body.windows(2).position(|w| w == b"\r\n") {
        let size = std::str::from_utf8(&body[..end]).unwrap_or("0");
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        let rest = &body[end + 2..];
        out.extend_from_slice(&rest[..n]);
        body = &rest[n + 2..];
    }
    out
}
