//! A minimal W3C WebDriver client for Debian's chromedriver and headless
//! Chromium: just what the user-flow tests need, over the tests' reqwest, so the
//! tests pull in no browser-automation framework (and none that would try
//! to download a browser of its own).

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};
use tokio::net::TcpStream;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
/// The element reference key of the W3C protocol.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A running chromedriver, stopped when dropped.
pub struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    pub async fn start() -> Driver {
        assert!(
            std::path::Path::new(CHROMEDRIVER).exists() && std::path::Path::new(CHROMIUM).exists(),
            "Chromium and chromedriver are needed ({CHROMIUM}, {CHROMEDRIVER}); run ./scripts/test, which installs them"
        );
        let port = free_port();
        let mut child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        for _ in 0..100 {
            if TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                return Driver { child, port };
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("chromedriver did not start on port {port}");
    }

    /// A fresh browser with its own empty profile.
    pub async fn browser(&self) -> Browser {
        let profile = std::env::temp_dir().join(format!("hyoka-chromium-{}-{}", std::process::id(), free_port()));
        let caps = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {
                    "binary": CHROMIUM,
                    "args": [
                        "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--disable-quic", "--no-first-run", "--window-size=1280,1600",
                        format!("--user-data-dir={}", profile.display()),
                    ]
                }
            }}
        });
        let v = http(self.port, "POST", "/session", Some(caps)).await;
        let id = v["value"]["sessionId"].as_str().unwrap_or_else(|| panic!("new session failed: {v}")).to_string();
        Browser { port: self.port, session: id }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Browser {
    port: u16,
    session: String,
}

#[derive(Clone, Debug)]
pub struct Element(String);

impl Browser {
    async fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let v = http(self.port, method, &format!("/session/{}{path}", self.session), body).await;
        if let Some(err) = v["value"].get("error") {
            panic!("WebDriver {method} {path}: {err}: {}", v["value"]["message"]);
        }
        v["value"].clone()
    }

    pub async fn goto(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({ "url": url }))).await;
    }

    pub async fn url(&self) -> String {
        self.cmd("GET", "/url", None).await.as_str().unwrap_or_default().to_string()
    }

    pub async fn source(&self) -> String {
        self.cmd("GET", "/source", None).await.as_str().unwrap_or_default().to_string()
    }

    /// The first element matching a CSS selector; panics with the page's
    /// URL when there is none.
    pub async fn find(&self, css: &str) -> Element {
        match self.try_find(css).await {
            Some(e) => e,
            None => {
                let source = self.source().await;
                let text: String = source.chars().take(1500).collect();
                panic!("no element matches {css:?} on {}:\n{text}", self.url().await)
            }
        }
    }

    pub async fn try_find(&self, css: &str) -> Option<Element> {
        let v = http(
            self.port,
            "POST",
            &format!("/session/{}/element", self.session),
            Some(json!({ "using": "css selector", "value": css })),
        )
        .await;
        v["value"][ELEMENT].as_str().map(|id| Element(id.to_string()))
    }

    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        let v = self.cmd("POST", "/elements", Some(json!({ "using": "css selector", "value": css }))).await;
        v.as_array()
            .map(|a| a.iter().filter_map(|e| e[ELEMENT].as_str().map(|s| Element(s.to_string()))).collect())
            .unwrap_or_default()
    }

    pub async fn click(&self, e: &Element) {
        self.cmd("POST", &format!("/element/{}/click", e.0), Some(json!({}))).await;
    }

    /// Clears a field and types into it, as a person would.
    pub async fn fill(&self, e: &Element, text: &str) {
        self.cmd("POST", &format!("/element/{}/clear", e.0), Some(json!({}))).await;
        self.cmd("POST", &format!("/element/{}/value", e.0), Some(json!({ "text": text }))).await;
    }

    /// Chooses a local file in an `input type=file`, as a person picking it
    /// in the file dialog would (chromedriver sends the path).
    pub async fn choose_file(&self, e: &Element, path: &std::path::Path) {
        let text = path.to_str().expect("a UTF-8 path");
        self.cmd("POST", &format!("/element/{}/value", e.0), Some(json!({ "text": text }))).await;
    }

    /// The bytes at `url`, fetched by the page with its session cookie, as
    /// a click on a download link would fetch them.
    pub async fn download(&self, url: &str) -> Vec<u8> {
        let script = "return fetch(arguments[0], { credentials: 'same-origin' }).then(function (r) {
                if (!r.ok) { throw new Error('HTTP ' + r.status); }
                return r.arrayBuffer();
            }).then(function (b) {
                var u = new Uint8Array(b), s = '';
                for (var i = 0; i < u.length; i++) { s += String.fromCharCode(u[i]); }
                return btoa(s);
            });";
        let b64 = self.execute(script, vec![json!(url)]).await;
        base64_decode::decode(b64.as_str().unwrap_or_else(|| panic!("no download from {url}: {b64}")))
    }

    pub async fn text(&self, e: &Element) -> String {
        self.cmd("GET", &format!("/element/{}/text", e.0), None).await.as_str().unwrap_or_default().to_string()
    }

    /// The text of an element that may vanish while the page navigates.
    pub async fn try_text(&self, e: &Element) -> Option<String> {
        let v = http(self.port, "GET", &format!("/session/{}/element/{}/text", self.session, e.0), None).await;
        v["value"].as_str().map(str::to_string)
    }

    pub async fn value(&self, e: &Element) -> String {
        self.cmd("GET", &format!("/element/{}/property/value", e.0), None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Chooses an option of a <select> by its visible text, or by the code
    /// it starts with (`S` for 「S 年度当初の予定以上に進捗」).
    pub async fn select(&self, select_css: &str, option_text: &str) {
        for o in self.find_all(&format!("{select_css} option")).await {
            let text = self.text(&o).await;
            let text = text.trim();
            if text == option_text || text.starts_with(&format!("{option_text} ")) {
                self.click(&o).await;
                return;
            }
        }
        panic!("no option {option_text:?} in {select_css}");
    }

    /// Runs a script in the page and returns its value (W3C "Execute
    /// Script": a returned promise is awaited). The page's CSP does not
    /// apply to it, so a test can bring its own tools (axe-core).
    pub async fn execute(&self, script: &str, args: Vec<Value>) -> Value {
        self.cmd("POST", "/execute/sync", Some(json!({ "script": script, "args": args }))).await
    }

    /// Sets the window's size in CSS pixels (a phone: 390 × 844). Headless
    /// Chromium has no window frame, so the viewport gets the whole width.
    pub async fn set_window_size(&self, width: u32, height: u32) {
        self.cmd("POST", "/window/rect", Some(json!({ "width": width, "height": height }))).await;
    }

    /// Writes a PNG of the viewport, for a person to look at when a test fails.
    pub async fn screenshot(&self, path: &std::path::Path) {
        use base64_decode::decode;
        let data = self.cmd("GET", "/screenshot", None).await;
        if let Some(b64) = data.as_str() {
            let _ = std::fs::write(path, decode(b64));
        }
    }

    /// Waits (polling, up to 15 s on a loaded machine) until the page's text
    /// contains `needle`.
    pub async fn wait_for_text(&self, needle: &str) {
        for _ in 0..300 {
            if self.source().await.contains(needle) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{needle:?} did not appear on {}", self.url().await);
    }

    /// Waits (polling, up to 15 s) until the browser's URL contains
    /// `needle`: after a click on a form's button, the next command must not
    /// race the navigation that the click started.
    pub async fn wait_for_url(&self, needle: &str) {
        for _ in 0..300 {
            if self.url().await.contains(needle) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the browser did not reach a URL with {needle:?}: {}", self.url().await);
    }

    pub async fn quit(self) {
        let _ = http(self.port, "DELETE", &format!("/session/{}", self.session), None).await;
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

async fn http(port: u16, method: &str, path: &str, body: Option<Value>) -> Value {
    static CLIENT: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    let client = CLIENT.get_or_init(reqwest::Client::new);
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("an HTTP method");
    let mut req = client.request(method, format!("http://127.0.0.1:{port}{path}"));
    if let Some(b) = body {
        req = req.header("content-type", "application/json").body(b.to_string());
    }
    let res = req.send().await.expect("chromedriver answers");
    let status = res.status();
    let text = res.text().await.expect("a body from chromedriver");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("chromedriver answered {status}: {e}: {text}"))
}

/// Base64 for screenshots and downloads, without a dependency.
mod base64_decode {
    pub fn decode(s: &str) -> Vec<u8> {
        let val = |c: u8| match c {
            b'A'..=b'Z' => Some(c - b'A'),
            b'a'..=b'z' => Some(c - b'a' + 26),
            b'0'..=b'9' => Some(c - b'0' + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        };
        let mut out = Vec::new();
        let mut buf = 0u32;
        let mut bits = 0;
        for c in s.bytes().filter_map(val) {
            buf = buf << 6 | u32::from(c);
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((buf >> bits) as u8);
            }
        }
        out
    }
}

/// The steps every user flow takes, on a server at `base` (`http://addr`).
impl Browser {
    /// Signs in with the test password and waits for the user bar.
    pub async fn sign_in(&self, base: &str, login: &str) {
        self.goto(&format!("{base}/login")).await;
        self.fill(&self.find("#login").await, login).await;
        self.fill(&self.find("#password").await, super::PASSWORD).await;
        self.click(&self.find("form.login button[type=submit]").await).await;
        self.wait_for_text(&format!("{login} さん")).await;
    }

    /// Signs out and waits for the login page, so that the next sign-in
    /// does not race the logout's redirect.
    pub async fn sign_out(&self) {
        self.click(&self.find(".user button[type=submit]").await).await;
        self.wait_for_url("/login").await;
    }

    /// Waits until the sheet's workflow panel shows `status`: a click on a
    /// submit button may return before the next page has loaded, so the
    /// test waits for the new state itself, not for text that the old page
    /// may hold.
    pub async fn wait_for_status(&self, status: &str) {
        for _ in 0..300 {
            if let Some(badge) = self.try_find(".workflow strong.badge").await {
                if self.try_text(&badge).await.is_some_and(|t| t.trim() == status) {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the sheet did not reach {status}: {}", self.url().await);
    }

    /// Clicks the submit button of the form whose action ends with `action`.
    pub async fn press(&self, action: &str) {
        let button = self.find(&format!("form[action$='{action}'] button[type=submit]")).await;
        self.click(&button).await;
    }

    /// Saves the sheet's edit form and waits for the saved sheet.
    pub async fn save_sheet(&self) {
        self.click(&self.find("#sheet-form button[type=submit].primary").await).await;
        self.wait_for_status("作成中").await;
    }

    /// Locks and publishes a year on the admin's years page.
    pub async fn lock_and_publish(&self, base: &str, city: &str, fy: i32) {
        for step in ["lock", "publish"] {
            self.goto(&format!("{base}/m/{city}/admin/years")).await;
            self.click(&self.find(&format!("form[action$='/{fy}/{step}'] input[name=confirm]")).await).await;
            self.press(&format!("/admin/years/{fy}/{step}")).await;
            self.wait_for_url(&format!("done={step}")).await;
        }
    }
}
