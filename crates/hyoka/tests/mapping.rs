//! `hyoka import --mapping FILE WORKBOOK` as a city runs it, on the backend
//! of HYOKA_TEST_BACKEND: its own 事務事業評価 workbook imported through a
//! mapping, read back from `hyoka export json`; importing again changes
//! nothing; the next year's workbook keeps the year before; a bad cell is
//! named by file, sheet, row and column and writes nothing; a locked year
//! is not changed. A workbook of two sheets joined by project name, with
//! merged cells, comes in the same way; a project without its row in the
//! joined sheet writes nothing.

#[path = "../../hyoka-import/tests/common/jimu_sheet.rs"]
mod jimu_sheet;
#[path = "../../hyoka-import/tests/common/join_sheet.rs"]
mod join_sheet;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use hyoka_store::testing::TestDb;
use serde_json::Value;

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
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "hyoka {args:?}: {stderr}");
    String::from_utf8(out.stdout).unwrap() + &stderr
}

/// The city as `hyoka export json` writes it.
fn export(database: &str, dir: &Path) -> Value {
    let file = dir.join("export.json");
    ok(database, &["export", "json", "--out", file.to_str().unwrap(), "--municipality", "132080"]);
    let json: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    json["cities"][0].clone()
}

fn find<'a>(list: &'a Value, key: &str) -> &'a Value {
    list.as_array().unwrap().iter().find(|v| v["key"] == key).unwrap_or_else(|| panic!("{key} in {list}"))
}

struct Files {
    dir: PathBuf,
}

impl Files {
    fn new() -> Files {
        let dir = std::env::temp_dir().join(format!("hyoka-mapping-{}-{}", std::process::id(), rand_suffix()));
        std::fs::create_dir_all(&dir).unwrap();
        Files { dir }
    }

    fn put(&self, name: &str, bytes: impl AsRef<[u8]>) -> String {
        let path = self.dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path.display().to_string()
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
}

#[tokio::test]
async fn a_city_imports_its_own_workbook_through_a_mapping() {
    let db = TestDb::new().await;
    let files = Files::new();
    let mapping = files.put("jimu.toml", jimu_sheet::MAPPING);
    let book = files.put("jimu.xlsx", jimu_sheet::xlsx(false));

    // A dry run says what would come and writes nothing.
    let said = ok(&db.url, &["import", "--dry-run", "--mapping", &mapping, &book]);
    assert!(said.contains("--dry-run: 何も書き込んでいません") && said.contains("見本市 (132080)"), "{said}");
    assert!(said.contains("シート「R6事務事業評価」") && said.contains("事業 3 件、指標 8 件"), "{said}");
    assert!(
        said.contains(
            "5行目 001 子育て支援事業（令和6年度）: 記述 6、予算 令和5年度・令和6年度、評価 1、方向性 「２　改革改善（縮小・統合含む）」、指標 3（値 5）"
        ) && said.contains("7行目 003 道路維持補修事業（令和6年度）: 記述 6、予算 令和5年度・令和6年度、評価 1、方向性 「３　終了・廃止・休止」（終了）"),
        "{said}"
    );
    assert!(!ok(&db.url, &["city", "list"]).contains("132080"));

    let said = ok(&db.url, &["import", "--mapping", &mapping, &book]);
    assert!(said.contains("取り込み結果"), "{said}");
    // The mapping's direction words are now the city's own.
    assert!(said.contains("評価の観点 2件・方向性の語 3件を、この市の言葉として保存します"), "{said}");
    let words = db.store().await.city_vocabulary("132080").await.unwrap();
    let listed: Vec<(&str, Option<&str>)> =
        words.directions.iter().map(|d| (d.word.as_str(), d.direction.map(|d| d.code()))).collect();
    assert_eq!(
        listed,
        [
            ("１　現状維持", Some("keep")),
            ("２　改革改善（縮小・統合含む）", None),
            ("３　終了・廃止・休止", Some("end"))
        ]
    );
    let city = export(&db.url, &files.dir);
    assert_eq!(city["name"], "見本市");
    let items = &city["items"];
    assert_eq!(items.as_array().unwrap().len(), 3);
    let a = find(items, "001");
    assert_eq!(a["title"], "子育て支援事業");
    assert_eq!(a["fiscal_year"], 2024);
    assert_eq!(a["sections"][0]["section"], "子育て支援課");
    assert_eq!(a["placements"][0]["node"], "2-1");
    let slots: Vec<(&str, &str)> = a["narratives"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["slot"].as_str().unwrap(), n["label"].as_str().unwrap()))
        .collect();
    assert_eq!(
        slots,
        [
            ("target", "対象"),
            ("intent", "意図"),
            ("result", "結果"),
            ("opinion", "課長等の意見"),
            ("criterion", "目的妥当性"),
            ("criterion", "有効性")
        ]
    );
    assert_eq!(a["narratives"][4]["text"]["blocks"][0]["text"], "結びついている");
    assert_eq!(a["budgets"][1]["fiscal_year"], 2024);
    assert_eq!(a["budgets"][1]["figures"]["initial"], 12_500_000);
    assert_eq!(a["budgets"][1]["figures"]["general_revenue"], 10_000_000);
    assert_eq!(a["budgets"][0]["figures"]["settlement"], 12_000_000);
    assert_eq!(a["evaluations"][0]["grade"], "B");
    assert_eq!(a["next_direction"]["printed"], "２　改革改善（縮小・統合含む）");
    assert_eq!(a["next_direction"]["direction"], Value::Null);
    assert_eq!(find(items, "002")["next_direction"]["direction"], "keep");
    assert_eq!(find(items, "003")["next_direction"]["direction"], "end");
    let indicators = &city["indicators"];
    assert_eq!(indicators.as_array().unwrap().len(), 8);
    assert_eq!(find(indicators, "001/activity-1")["kind"], "activity");
    let pop = find(indicators, "001/population-1");
    assert_eq!((pop["kind"].as_str(), pop["name"].as_str()), (Some("population"), Some("就学前児童数")));
    assert_eq!(pop["values"][0]["printed"], "4210");
    let act = find(indicators, "001/activity-1");
    assert_eq!(act["values"][1]["printed"], "１，３１０");
    assert_eq!(find(indicators, "002/activity-1")["values"][0]["printed"], "－");
    assert_eq!(find(indicators, "001/outcome-1")["kind"], "outcome");

    // The same workbook again changes nothing.
    let said = ok(&db.url, &["import", "--mapping", &mapping, &book]);
    assert!(said.contains("変更はありません"), "{said}");
    assert_eq!(export(&db.url, &files.dir), city);

    // The same table as a Shift_JIS CSV is the same data.
    let csv_mapping = files.put("jimu-csv.toml", jimu_sheet::csv_mapping());
    let csv = files.put("jimu.csv", jimu_sheet::csv_sjis());
    let said = ok(&db.url, &["import", "--mapping", &csv_mapping, &csv]);
    assert!(said.contains("Shift_JIS") && said.contains("変更はありません"), "{said}");

    // Next year's workbook: the year before stays, last year's settlement
    // joins its budget.
    let next = files.put("jimu-r7.toml", jimu_sheet::MAPPING.replace("column = \"年度\"", "fixed = \"令和7年度\""));
    ok(&db.url, &["import", "--mapping", &next, &book]);
    let later = export(&db.url, &files.dir);
    let a = find(&later["items"], "001");
    assert_eq!(a["fiscal_year"], 2025);
    let years: Vec<i64> =
        a["narratives"].as_array().unwrap().iter().map(|n| n["fiscal_year"].as_i64().unwrap()).collect();
    assert_eq!(years, [2024, 2024, 2024, 2024, 2024, 2024, 2025, 2025, 2025, 2025, 2025, 2025]);
    let b2024 = &a["budgets"][1];
    assert_eq!((b2024["fiscal_year"].as_i64(), b2024["figures"]["initial"].as_i64()), (Some(2024), Some(12_500_000)));
    assert_eq!(b2024["figures"]["settlement"], 12_000_000);
    let act = find(&later["indicators"], "001/activity-1");
    let value_years: Vec<i64> =
        act["values"].as_array().unwrap().iter().map(|v| v["fiscal_year"].as_i64().unwrap()).collect();
    assert_eq!(value_years, [2024, 2024, 2025, 2025]);
}

#[tokio::test]
async fn a_bad_cell_is_named_and_nothing_is_written() {
    let db = TestDb::new().await;
    let files = Files::new();
    let mapping = files.put("jimu.toml", jimu_sheet::MAPPING);
    let good = files.put("jimu.xlsx", jimu_sheet::xlsx(false));
    ok(&db.url, &["import", "--mapping", &mapping, &good]);
    let before = export(&db.url, &files.dir);

    let bad = files.put("bad.xlsx", jimu_sheet::xlsx(true));
    let out = hyoka(&db.url, &["import", "--mapping", &mapping, &bad]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "bad.xlsx シート「R6事務事業評価」 6行目 列「L（当初予算額）」: 「未定」を金額として読み取れません"
        ) && stderr.contains("budgets[1].initial"),
        "{stderr}"
    );
    assert_eq!(export(&db.url, &files.dir), before);

    // A mistake in the mapping names its key, before the workbook is read.
    let wrong = files.put("wrong.toml", jimu_sheet::MAPPING.replace("kind = \"対象\"", "kind = \"対照\""));
    let out = hyoka(&db.url, &["import", "--mapping", &wrong, &good]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("wrong.toml: 対応表の indicators[1].kind: 「対照」は指標の種類として使えません"),
        "{stderr}"
    );

    // One workbook only.
    let out = hyoka(&db.url, &["import", "--mapping", &mapping, &good, &bad]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("取り込めるブックは1つだけです"));
    assert_eq!(export(&db.url, &files.dir), before);
}

#[tokio::test]
async fn a_locked_year_is_not_changed_by_a_mapped_import() {
    let db = TestDb::new().await;
    let files = Files::new();
    let mapping = files.put("jimu.toml", jimu_sheet::MAPPING);
    let book = files.put("jimu.xlsx", jimu_sheet::xlsx(false));
    ok(&db.url, &["import", "--mapping", &mapping, &book]);
    ok(&db.url, &["year", "open", "--municipality", "132080", "--fiscal-year", "2024"]);
    ok(&db.url, &["year", "lock", "--municipality", "132080", "--fiscal-year", "2024"]);
    let before = export(&db.url, &files.dir);

    // The same workbook is accepted (it changes nothing) …
    let said = ok(&db.url, &["import", "--mapping", &mapping, &book]);
    assert!(said.contains("変更はありません"), "{said}");
    // … one with a different grade is refused as a whole.
    let changed = files.put("changed.toml", jimu_sheet::MAPPING.replace("grade = \"総合評価\"", "grade = \"有効性\""));
    let out = hyoka(&db.url, &["import", "--municipality", "132080", "--mapping", &changed, &book]);
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("確定または公開した年度（見本市 令和6年度）"), "{stderr}");
    assert_eq!(export(&db.url, &files.dir), before);
}

#[tokio::test]
async fn two_sheets_joined_by_project_name_import_and_a_missing_partner_writes_nothing() {
    use join_sheet::Flaw;
    let db = TestDb::new().await;
    let files = Files::new();
    let mapping = files.put("join.toml", join_sheet::MAPPING);
    let book = files.put("join.xlsx", join_sheet::xlsx(Flaw::None));

    let said = ok(&db.url, &["import", "--dry-run", "--mapping", &mapping, &book]);
    assert!(
        said.contains("シート「指標・コスト」（見出しは 1行目）を列「B（事務事業名）」で 3 件の事業と結合しました"),
        "{said}"
    );
    assert!(said.contains("3行目 101 子育て支援事業（令和6年度）: 記述 2、予算 令和6年度、評価 0、方向性 「維持」（維持）、指標 2（値 4）"), "{said}");
    ok(&db.url, &["import", "--mapping", &mapping, &book]);
    let city = export(&db.url, &files.dir);
    let items = &city["items"];
    assert_eq!(items.as_array().unwrap().len(), 3);
    let a = find(items, "101");
    assert_eq!(a["title"], "子育て支援事業");
    assert_eq!(
        (a["sections"][0]["department"].as_str(), a["sections"][0]["section"].as_str()),
        (Some("福祉部"), Some("子育て支援課"))
    );
    assert_eq!(find(items, "102")["sections"][0]["section"], "子育て支援課");
    assert_eq!(a["narratives"][0]["text"]["blocks"][0]["text"], "就学前の子どもと保護者");
    assert_eq!(a["budgets"][0]["fiscal_year"], 2024);
    assert_eq!(a["budgets"][0]["figures"]["initial"], 12_500_000);
    assert_eq!(a["budgets"][0]["figures"]["settlement"], 12_000_000);
    assert_eq!(find(items, "102")["budgets"][0]["figures"]["settlement"], 2_950_000);
    assert_eq!(find(items, "301")["budgets"][0]["figures"]["settlement"], Value::Null);
    assert_eq!(find(items, "301")["next_direction"]["direction"], "end");
    let indicators = &city["indicators"];
    assert_eq!(indicators.as_array().unwrap().len(), 5);
    let act = find(indicators, "101/activity");
    assert_eq!((act["kind"].as_str(), act["name"].as_str()), (Some("activity"), Some("相談件数")));
    assert_eq!(act["values"][1]["printed"], "１，３１０");
    let out = find(indicators, "101/outcome");
    assert_eq!((out["kind"].as_str(), out["unit"].as_str()), (Some("outcome"), Some("％")));
    assert_eq!(out["values"][0]["printed"], "60");
    assert_eq!(out["values"][1]["printed"], "58.2");
    assert_eq!(find(indicators, "102/outcome")["values"][1]["printed"], "－");

    // Again: nothing changes.
    let said = ok(&db.url, &["import", "--mapping", &mapping, &book]);
    assert!(said.contains("変更はありません"), "{said}");

    // A project without its row in 「指標・コスト」: named, nothing written.
    let changed =
        files.put("join-r7.toml", join_sheet::MAPPING.replace("fixed = \"令和6年度\"", "fixed = \"令和7年度\""));
    let bad = files.put("bad.xlsx", join_sheet::xlsx(Flaw::NoPartner));
    let out = hyoka(&db.url, &["import", "--mapping", &changed, &bad]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad.xlsx シート「事業概要」 5行目 列「B（事務事業名）」: 「ICT推進事業」の行がシート「指標・コスト」にありません"),
        "{stderr}"
    );
    assert_eq!(export(&db.url, &files.dir), city);
}
