//! `hyoka import` says how far it has come on stderr: when stderr is not
//! a terminal (here, a pipe), a line per step: the rows compared with the
//! stored data, then the rows written, up to all of them. On the backend
//! of HYOKA_TEST_BACKEND.

use std::process::Command;

use hyoka_store::testing::TestDb;

#[tokio::test]
async fn an_import_prints_its_steps_to_stderr_when_it_is_not_a_terminal() {
    let db = TestDb::new().await;
    let seed = format!("{}/../../demo/seeds/003_cdfef3ca57f45fe5.txt", env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(env!("CARGO_BIN_EXE_hyoka"))
        .arg("--database")
        .arg(&db.url)
        .args(["import", &seed])
        .env("HYOKA_LOG", "warn")
        .output()
        .expect("run hyoka");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let compared = err
        .lines()
        .find_map(|l| l.strip_prefix("import: 保存済みの内容と比較しました（")?.strip_suffix(" 行）"))
        .unwrap_or_else(|| panic!("no line of the rows compared: {err}"));
    let total: usize = compared.parse().unwrap();
    assert!(total > 100, "the seed brings more than a hundred rows: {total}");
    let written: Vec<(usize, usize)> = err
        .lines()
        .filter_map(|l| {
            let (done, total) = l.strip_prefix("import: 書き込み ")?.strip_suffix(" 行")?.split_once('/')?;
            Some((done.parse().ok()?, total.parse().ok()?))
        })
        .collect();
    assert!(written.len() >= 2, "the rows written are told as they go: {err}");
    assert!(written.windows(2).all(|w| w[0].0 <= w[1].0), "the count only grows: {written:?}");
    assert!(written.iter().all(|&(_, t)| t == total), "{written:?}");
    assert_eq!(written.last().map(|w| w.0), Some(total), "it ends with every row written: {err}");
    // What the import did goes to stdout, as before.
    assert!(String::from_utf8_lossy(&out.stdout).contains("取り込み結果"));
}
