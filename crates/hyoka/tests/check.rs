//! `hyoka check` as an operator runs it on the five imported seeds: the
//! known mistakes of each document with both values, a correct sheet and a
//! correct document without flags, acknowledging with and without a
//! reason, `--fail-on`, and unknown cities and years refused in Japanese.
//! On the backend of HYOKA_TEST_BACKEND.

use std::process::{Command, Output};

use hyoka_store::testing::TestDb;

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

async fn seeded() -> TestDb {
    let db = TestDb::new().await;
    let seeds = format!("{}/../../demo/seeds", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<String> = std::fs::read_dir(&seeds)
        .expect("seeds")
        .map(|e| e.expect("entry").path().display().to_string())
        .filter(|p| p.ends_with(".txt"))
        .collect();
    files.sort();
    let mut import = vec!["import"];
    import.extend(files.iter().map(String::as_str));
    ok(&db.url, &import);
    db
}

fn json(database: &str, city: &str, year: &str) -> serde_json::Value {
    let out = ok(database, &["check", "--municipality", city, "--fiscal-year", year, "--format", "json"]);
    serde_json::from_str(&out).expect("JSON")
}

/// The flags of the rules (not the import findings) of a city-year.
fn rule_flags(v: &serde_json::Value) -> Vec<serde_json::Value> {
    let flags = v["flags"].as_array().expect("flags");
    flags.iter().filter(|f| !f["rule"].as_str().unwrap_or("").starts_with("import.")).cloned().collect()
}

#[tokio::test]
async fn the_seeds_show_their_known_mistakes_with_both_values() {
    let db = seeded().await;
    let years = [
        ("132047", "2018", 3),
        ("222062", "2018", 3),
        ("132047", "2020", 21),
        ("132110", "2017", 13),
        ("132136", "2019", 0),
    ];
    let mut total = 0;
    for (city, year, expected) in years {
        let n = rule_flags(&json(&db.url, city, year)).len();
        assert_eq!(n, expected, "{city} {year}");
        total += n;
    }
    assert_eq!(total, 40);

    // 三鷹市 企-7: 150件以上 → 61件 graded 「1 計画どおり」.
    let text = ok(&db.url, &["check", "--municipality", "132047", "--fiscal-year", "平成30年度"]);
    assert!(text.contains("評価と達成度の不一致（grade_vs_achievement）"), "{text}");
    assert!(text.contains("「1 計画どおり」") && text.contains("「40.7%（61件／150件以上）」"), "{text}");
    assert!(text.contains("企-7 事後評価 平成30年度"), "{text}");
    assert!(text.contains("未確認の指摘:") && text.contains("データの食い違い 要確認:"), "{text}");

    // 三島市: the narrative's 6,141件 against the table's 6154件.
    let v = json(&db.url, "222062", "2018");
    let f = rule_flags(&v).into_iter().find(|f| f["rule"] == "narrative_vs_table").expect("narrative flag");
    assert_eq!(f["left"]["value"], "6,141件");
    assert_eq!(f["right"]["value"], "6154件");
    assert_eq!(f["place"]["field"], "電子申請の年間利用件数");

    // A correct sheet (企-1) gives none; the item filter keeps only it.
    let item = ok(
        &db.url,
        &["check", "--municipality", "132047", "--fiscal-year", "2018", "--item", "mitaka-dept-policy-2018/企-1"],
    );
    assert!(item.contains("未確認の指摘: 0 件"), "{item}");
}

#[tokio::test]
async fn a_flag_is_acknowledged_with_a_reason_and_listed_apart() {
    let db = seeded().await;
    let v = json(&db.url, "132047", "2018");
    let flag = rule_flags(&v).into_iter().find(|f| f["rule"] == "execution_rate").expect("企-2");
    let id = flag["id"].as_str().expect("id")[..12].to_string();
    let base = ["check", "acknowledge", "--municipality", "132047", "--fiscal-year", "2018", "--fingerprint", &id];

    let mut no_reason = base.to_vec();
    no_reason.extend(["--reason", "  "]);
    let out = hyoka(&db.url, &no_reason);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("確認済みにする理由を入力してください"));

    let mut with_reason = base.to_vec();
    with_reason.extend(["--reason", "予算が0円の事業のため、執行率0.0%は意図どおり"]);
    let said = ok(&db.url, &with_reason);
    assert!(said.contains("確認済みにしました") && said.contains("企-2"), "{said}");

    let text = ok(&db.url, &["check", "--municipality", "132047", "--fiscal-year", "2018"]);
    let (open, acknowledged) = text.split_once("確認済みの指摘: 1 件").expect("acknowledged part");
    assert!(!open.contains("執行率の計算違い"), "{open}");
    assert!(
        acknowledged.contains("執行率の計算違い") && acknowledged.contains("予算が0円の事業のため"),
        "{acknowledged}"
    );
    let after = json(&db.url, "132047", "2018");
    assert_eq!(after["acknowledged"], 1);

    // Reopened, it is open again.
    ok(&db.url, &["check", "reopen", "--municipality", "132047", "--fiscal-year", "2018", "--fingerprint", &id]);
    assert_eq!(json(&db.url, "132047", "2018")["acknowledged"], 0);
}

#[tokio::test]
async fn fail_on_and_unknown_cities_and_years() {
    let db = seeded().await;
    let out = hyoka(&db.url, &["check", "--municipality", "132047", "--fiscal-year", "2018", "--fail-on", "mistake"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("未確認の指摘が"));
    let out = hyoka(&db.url, &["check", "--municipality", "132136", "--fiscal-year", "2019", "--fail-on", "error"]);
    assert!(out.status.success());

    let out = hyoka(&db.url, &["check", "--municipality", "999999", "--fiscal-year", "2018"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stderr).contains("見つかりません"));
    let out = hyoka(&db.url, &["check", "--municipality", "132047", "--fiscal-year", "1999"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("平成11年度のデータが見つかりません"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
