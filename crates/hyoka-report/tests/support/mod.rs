//! Shared by the report tests: the seed documents, importing them into a
//! test store, and reading a PDF's text back with pdftotext.

#![allow(dead_code)]

use std::io::Write as _;
use std::process::{Command, Stdio};

use hyoka_core::text::squeeze;
use hyoka_store::Store;

pub fn seed(name: &str) -> String {
    let path = format!("{}/../../demo/seeds/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Imports published documents (seed file names) in one transaction.
pub async fn import(store: &Store, seeds: &[&str]) {
    let batches: Vec<(String, hyoka_import::Batch)> = seeds
        .iter()
        .map(|f| {
            let (_, batch) = hyoka_import::read_published(f, &seed(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
            (f.to_string(), batch)
        })
        .collect();
    hyoka_import::apply(store, &batches, false).await.expect("the seeds import");
}

/// The text of a PDF as `pdftotext` (poppler-utils) extracts it, in
/// reading order, without the page footers (`{title}　3/40`), with line and
/// page breaks and spaces removed and widths folded: what a person copying
/// the text would get, ready for `contains` checks.
pub fn pdf_text(pdf: &[u8], title: &str) -> String {
    let raw = pdftotext(pdf);
    let lines: Vec<&str> = raw
        .lines()
        .filter(|l| {
            let l = l.trim();
            let is_footer = l.starts_with(title)
                && l.rsplit_once('　')
                    .is_some_and(|(_, n)| n.split('/').all(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit())));
            !is_footer
        })
        .collect();
    squeeze(&lines.join(""))
}

/// Runs `pdftotext - -` on the bytes. Fails the test with instructions when
/// poppler-utils is not installed.
pub fn pdftotext(pdf: &[u8]) -> String {
    let child = Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "pdftotext is not installed, so the PDF text cannot be checked: run scripts/test, which installs \
             poppler-utils (or: apt-get install poppler-utils)"
        ),
        Err(e) => panic!("pdftotext cannot run: {e}"),
    };
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("pdftotext writes UTF-8")
}

/// `pdfinfo`'s page count and page size (`841.89 x 595.28` for landscape
/// A4) of a PDF.
pub fn pdfinfo(pdf: &[u8]) -> (usize, String) {
    let path = std::env::temp_dir().join(format!(
        "hyoka-pdfinfo-{}-{:?}.pdf",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdfinfo").arg(&path).output().expect("pdfinfo (poppler-utils) runs");
    let _ = std::fs::remove_file(&path);
    assert!(out.status.success(), "pdfinfo failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_string()))
            .unwrap_or_else(|| panic!("pdfinfo prints no {name}: {text}"))
    };
    let pages = field("Pages:").parse().expect("a page count");
    let size = field("Page size:");
    let size = size.split(" pts").next().unwrap_or_default().to_string();
    (pages, size)
}

/// `pdftotext -layout`: each page's lines as laid out, for reading a
/// table's rows.
pub fn pdftotext_layout(pdf: &[u8]) -> String {
    let mut child = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("pdftotext (poppler-utils) runs");
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8(out.stdout).expect("pdftotext writes UTF-8")
}
