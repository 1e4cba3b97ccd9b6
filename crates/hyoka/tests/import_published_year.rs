//! An import into a published year, end to end through the `hyoka`
//! command: refused with the items and years concerned and the way to
//! proceed; the admin withdraws and unlocks the year with a reason (an
//! audited step whose record holds the reason); the same import is then
//! accepted. On the backend of HYOKA_TEST_BACKEND.

use std::process::{Command, Output};

use hyoka_store::testing::TestDb;

const KODAIRA: &str = "132110";
const FILE: &str = "003_cdfef3ca57f45fe5.txt";

fn hyoka(database: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hyoka"))
        .arg("--database")
        .arg(database)
        .args(args)
        .env("HYOKA_LOG", "warn")
        .output()
        .expect("run hyoka")
}

fn ok(database: &str, args: &[&str]) -> String {
    let out = hyoka(database, args);
    assert!(out.status.success(), "hyoka {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[tokio::test]
async fn an_import_into_a_published_year_waits_for_an_audited_unlock() {
    let db = TestDb::new().await;
    let seed = format!("{}/../../demo/seeds/{FILE}", env!("CARGO_MANIFEST_DIR"));
    ok(&db.url, &["import", &seed]);
    let year = ["--municipality", KODAIRA, "--fiscal-year", "2017"];
    ok(&db.url, &[&["year", "lock"][..], &year].concat());
    ok(&db.url, &[&["year", "publish"][..], &year].concat());

    let dir = std::env::temp_dir().join(format!("hyoka-published-year-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let edited = dir.join(FILE);
    let text = std::fs::read_to_string(&seed).unwrap();
    assert!(text.contains("ボランティア"));
    std::fs::write(&edited, text.replacen("ボランティア", "ボランティア（改）", 1)).unwrap();
    let edited = edited.display().to_string();

    // Refused: the items and years, and how to proceed.
    let out = hyoka(&db.url, &["import", &edited]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("確定または公開した年度（小平市 平成29年度）"), "{err}");
    assert!(err.contains("小平市 平成29年度（公開済み）: "), "the item is listed: {err}");
    assert!(err.contains("管理者が先にその年度を取り下げ"), "{err}");
    assert!(err.contains("hyoka year withdraw --municipality 132110 --fiscal-year 2017"), "{err}");
    assert!(err.contains("hyoka year unlock --municipality 132110 --fiscal-year 2017 --reason"), "{err}");

    // Withdrawn and unlocked with a reason, an audited step.
    ok(&db.url, &[&["year", "withdraw"][..], &year].concat());
    let reason = "数値の誤記を訂正するため";
    ok(&db.url, &[&["year", "unlock"][..], &year, &["--reason", reason]].concat());
    let store = db.store().await;
    let events = store.audit_events(Some(KODAIRA), 10).await.unwrap();
    let unlock = events.iter().find(|e| e.event.command == "year.unlock").expect("the unlock is audited");
    assert!(unlock.event.summary.contains(reason), "the reason is recorded: {}", unlock.event.summary);
    assert_eq!(unlock.event.fiscal_year, hyoka_core::FiscalYear::new(2017).ok());

    // The same import is accepted now.
    let done = ok(&db.url, &["import", &edited]);
    assert!(!done.is_empty());
    let titles: Vec<String> = store.items(KODAIRA).await.unwrap().into_iter().map(|i| i.title).collect();
    let events = store.audit_events(Some(KODAIRA), 1).await.unwrap();
    assert_eq!(events[0].event.command, "import", "{:?}", events[0].event);
    assert!(!titles.is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}
