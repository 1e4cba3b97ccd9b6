//! `hyoka backup` and `hyoka restore` as an operator runs them: the five
//! published documents imported, backed up to a file, restored into an
//! empty database, and refused on one that holds data. On the backend of
//! HYOKA_TEST_BACKEND.

use std::process::{Command, Output};

use hyoka_store::testing::TestDb;

fn hyoka(database: &str, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_hyoka"))
        .arg("--database")
        .arg(database)
        .args(args)
        .env("HYOKA_LOG", "warn")
        .output()
        .expect("run hyoka");
    out
}

fn ok(database: &str, args: &[&str]) -> String {
    let out = hyoka(database, args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "hyoka {args:?}: {stderr}");
    String::from_utf8(out.stdout).unwrap() + &stderr
}

#[tokio::test]
async fn back_up_the_seeds_and_restore_them_into_an_empty_database() {
    let source = TestDb::new().await;
    let seeds = format!("{}/../../demo/seeds", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<String> = std::fs::read_dir(&seeds)
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .filter(|p| p.ends_with(".txt"))
        .collect();
    files.sort();
    let mut import = vec!["import"];
    import.extend(files.iter().map(String::as_str));
    ok(&source.url, &import);
    let counts = ok(&source.url, &["report", "counts"]);
    assert!(counts.contains("三鷹市") && counts.contains("三島市"), "{counts}");

    let dir = std::env::temp_dir().join(format!("hyoka-backup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("hyoka-backup.jsonl");
    let said = ok(&source.url, &["backup", "--out", file.to_str().unwrap()]);
    assert!(said.contains("バックアップを") && said.contains("ログイン中のセッション（sessions）"), "{said}");
    assert!(!dir.join("hyoka-backup.partial").exists(), "the partial file became the backup");

    let target = TestDb::new().await;
    let said = ok(&target.url, &["restore", file.to_str().unwrap()]);
    assert!(said.contains("復元しました"), "{said}");
    assert_eq!(ok(&target.url, &["report", "counts"]), counts);

    // A second restore meets data and is refused, in Japanese, changing nothing.
    let again = hyoka(&target.url, &["restore", file.to_str().unwrap()]);
    assert!(!again.status.success());
    let message = String::from_utf8_lossy(&again.stderr);
    assert!(message.contains("復元先のデータベースは空ではありません"), "{message}");
    assert_eq!(ok(&target.url, &["report", "counts"]), counts);
    std::fs::remove_dir_all(&dir).unwrap();
}
