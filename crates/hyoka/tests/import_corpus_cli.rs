//! A sample of the malformed-import corpus (hyoka-import's
//! tests/common/corpus.rs: every 5th case, bombs, locked years, CSV sets
//! and .xls read through a mapping included) through the real `hyoka import` command: each exits non-zero
//! with a Japanese message on standard error naming a file of the case (or,
//! for a locked year, the city and year), prints no English from a library,
//! and leaves the database as it was. On the backend of HYOKA_TEST_BACKEND.

#[path = "../../hyoka-import/tests/common/bombs.rs"]
mod bombs;
#[path = "../../hyoka-import/tests/common/corpus.rs"]
mod corpus;
#[path = "../../hyoka-import/tests/common/jimu_sheet.rs"]
mod jimu_sheet;
#[path = "../../hyoka-import/tests/common/xls.rs"]
mod xls;
// hyoka-import's helper locks a year on a raw transaction, as its tests do.
#[allow(clippy::disallowed_methods)]
#[path = "../../hyoka-import/tests/common/seeds.rs"]
mod seeds;

use std::process::Command;

const ENGLISH: &[&str] = &["expected", "invalid", "missing", "variant", "EOF", "panicked", "Error"];

#[tokio::test]
async fn a_sample_of_the_corpus_is_refused_by_the_command() {
    let (db, store) = seeds::seeded().await;
    seeds::lock(&store, seeds::KODAIRA, 2017, true).await;
    let before = seeds::exported(&store).await;
    let cases = corpus::corpus();
    let dir = std::env::temp_dir().join(format!("hyoka-corpus-cli-{}", std::process::id()));
    let mut failures = Vec::new();
    let mut tried = 0;
    for (i, c) in cases.iter().enumerate().filter(|(i, _)| i % 5 == 0) {
        tried += 1;
        let folder = dir.join(format!("{i:03}"));
        std::fs::create_dir_all(&folder).unwrap();
        let mut paths = Vec::new();
        for (name, bytes) in &c.files {
            let path = folder.join(name);
            std::fs::write(&path, bytes).unwrap();
            paths.push(path.display().to_string());
        }
        let mut mapping = Vec::new();
        if c.mapped {
            let path = folder.join("jimu.toml");
            std::fs::write(&path, jimu_sheet::MAPPING).unwrap();
            mapping = vec!["--mapping".to_string(), path.display().to_string()];
        }
        let out = Command::new(env!("CARGO_BIN_EXE_hyoka"))
            .arg("--database")
            .arg(&db.url)
            .arg("import")
            .args(&mapping)
            .args(&paths)
            .env("HYOKA_LOG", "off")
            .output()
            .expect("run hyoka");
        let err = String::from_utf8_lossy(&out.stderr);
        let mut problems = Vec::new();
        if out.status.success() {
            problems.push("accepted".to_string());
        }
        if !err.contains(c.expect) {
            problems.push(format!("does not say 「{}」", c.expect));
        }
        let names_place = c.files.iter().any(|(n, _)| err.contains(n.as_str()))
            || err.contains("年度（公開済み）: ")
            || err.contains("年度（確定済み）: ");
        if !names_place {
            problems.push("names no file, city or year".into());
        }
        if let Some(w) = ENGLISH.iter().find(|w| err.contains(*w)) {
            problems.push(format!("shows English 「{w}」"));
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{i:03} {}: {}\n    {}",
                c.name,
                problems.join("; "),
                err.lines().next().unwrap_or("")
            ));
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(tried >= 25, "{tried} cases tried");
    assert!(failures.is_empty(), "{} of {tried} cases:\n{}", failures.len(), failures.join("\n"));
    assert!(seeds::exported(&store).await == before, "the database changed");
}
