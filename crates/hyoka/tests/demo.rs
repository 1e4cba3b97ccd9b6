//! The demo as the README starts it: `hyoka serve --demo`, here on a named
//! database of HYOKA_TEST_BACKEND so that it can be started twice. The
//! first start prepares the four seed cities (published years on the
//! portal, the next year open, every role's account); each city's editor
//! finds the open year's sheets; a second start keeps what was done.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc;

use hyoka_store::testing::TestDb;

// The web tests' client, shared rather than written twice; this test
// uses part of it.
#[allow(dead_code)]
#[path = "../../hyoka-web/tests/web/support/client.rs"]
mod client;
use client::Client;

/// (code, login prefix, published years, the open year) as the demo sets them.
const CITIES: [(&str, &str, &[i32], i32); 4] = [
    ("132047", "mitaka", &[2018, 2020], 2021),
    ("222062", "mishima", &[2018], 2019),
    ("132110", "kodaira", &[2017], 2018),
    ("132136", "higashimurayama", &[2019], 2020),
];

const ROLES: [&str; 5] = ["admin", "editor", "head", "reviewer", "viewer"];

/// A running `hyoka serve --demo`, stopped when dropped.
struct Demo {
    child: Child,
    addr: SocketAddr,
    /// What the demo said on stderr until it listened.
    said: String,
    /// Read to its end once the process stops.
    stdout: Option<ChildStdout>,
}

impl Demo {
    fn start(database: &str) -> Demo {
        let mut child = Command::new(env!("CARGO_BIN_EXE_hyoka"))
            .args(["--database", database, "serve", "--demo", "--bind", "127.0.0.1:0"])
            .env("HYOKA_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start hyoka");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        // stderr is read on to the end so the server never blocks on it.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut said = String::new();
        let addr = loop {
            let Ok(line) = rx.recv_timeout(std::time::Duration::from_secs(300)) else {
                panic!("the demo did not start: {said}");
            };
            said.push_str(&line);
            said.push('\n');
            if let Some(rest) = line.split("hyoka を起動しました: http://").nth(1) {
                break rest.split('/').next().unwrap().parse().expect("the address the demo listens on");
            }
        };
        let stdout = child.stdout.take();
        Demo { child, addr, said, stdout }
    }

    /// Stops the demo and returns the accounts it printed: (login, password).
    fn stop(mut self) -> Vec<(String, String)> {
        let mut text = String::new();
        let mut stdout = self.stdout.take().unwrap();
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        std::io::Read::read_to_string(&mut stdout, &mut text).unwrap();
        text.lines()
            .filter_map(|l| {
                let mut words = l.split_whitespace();
                let (login, password) = (words.next()?, words.next()?);
                (login == "system" || login.contains('-')).then(|| (login.to_string(), password.to_string()))
            })
            .collect()
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn password<'a>(accounts: &'a [(String, String)], login: &str) -> &'a str {
    &accounts.iter().find(|(l, _)| l == login).unwrap_or_else(|| panic!("no account {login}: {accounts:?}")).1
}

#[tokio::test]
async fn the_demo_prepares_the_four_cities_once_and_keeps_what_was_done() {
    let db = TestDb::new().await;
    let demo = Demo::start(&db.url);
    let mut visitor = Client::new(demo.addr);
    let portal = visitor.get("/p").await;
    assert_eq!(portal.status, 200);
    for city in ["三鷹市", "三島市", "小平市", "東村山市"] {
        assert!(portal.body.contains(city), "the portal lists {city}");
    }
    for (code, _, published, open) in CITIES {
        for year in published {
            let page = visitor.get(&format!("/p/{code}/{year}")).await;
            assert_eq!(page.status, 200, "{code} {year} is published");
        }
        let draft = visitor.get(&format!("/p/{code}/{open}")).await;
        assert_eq!(draft.status, 404, "{code} {open} is open, not public");
    }
    let accounts = demo.stop();
    assert_eq!(accounts.len(), 1 + CITIES.len() * ROLES.len() + 1, "every role per city, 三鷹市's 施策 editor, system");

    // Started again on the same database: nothing is prepared twice and the
    // accounts printed the first time sign in.
    let demo = Demo::start(&db.url);
    assert!(demo.said.contains("既にデータがあるため"), "{}", demo.said);
    for (code, prefix, _, open) in CITIES {
        let login = format!("{prefix}-editor");
        let mut editor = Client::new(demo.addr);
        let r = editor.login(&login, password(&accounts, &login)).await;
        assert!(r.is_redirect(), "{login} signs in: {}", r.body);
        let mine = editor.get("/staff").await;
        assert_eq!(mine.status, 200);
        let sheet = format!("/m/{code}/sheets/");
        let links: Vec<&str> = mine
            .body
            .split("href=\"")
            .skip(1)
            .filter(|h| h.starts_with(&sheet))
            .map(|h| h.split('"').next().unwrap())
            .collect();
        assert!(!links.is_empty(), "{login} has sheets to work on");
        assert!(
            links.iter().all(|h| h.ends_with(&format!("/{open}"))),
            "{login} lands on the open year {open}: {links:?}"
        );
        if code == "132136" {
            assert!(mine.body.contains("経営政策部"), "a 課 of 東村山市 works on its department's sheet");
        }
    }
}
