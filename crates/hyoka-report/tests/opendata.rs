//! The open-data export end to end: a small city in a real store (SQLite or
//! PostgreSQL per HYOKA_TEST_BACKEND), exported to a directory, read back.

use std::path::{Path, PathBuf};

use hyoka_core::judgement::Judgement;
use hyoka_core::org::Validity;
use hyoka_core::plan::PlanTree;
use hyoka_core::sheet::EvaluationRow;
use hyoka_core::{
    BudgetFigures, Direction, EvaluationScale, Evaluator, FiscalYear, IndicatorCell, IndicatorKind, JpDate, Stage,
    ValueRole, Yen,
};
use hyoka_report::opendata::{OpenDataSet, TABLES};
use hyoka_report::{export_opendata, Header, OpenDataOptions, OpenDataReport, ReportError};
use hyoka_store::testing::TestDb;
use hyoka_store::{Municipality, NewIndicator, NewItem, Store, StoreError};
use serde_json::Value as Json;

const MISHIMA: &str = "222062";
const KODAIRA: &str = "132110";
/// A title that needs every kind of RFC 4180 quoting.
const TITLE: &str = "セキュリティ対策, \"強化\"\n事業";
const PLAN: &str = "第4次三島市総合計画";

fn fy(y: i32) -> FiscalYear {
    FiscalYear::new(y).unwrap()
}

fn cell(s: &str) -> IndicatorCell {
    IndicatorCell::parse(s)
}

fn indicator(key: &str, name: &str, unit: &str, direction: Direction, vocabulary: &str) -> NewIndicator {
    NewIndicator {
        key: key.into(),
        name: name.into(),
        kind: IndicatorKind::Outcome,
        definition: None,
        unit: Some(unit.into()),
        direction,
        vocabulary: Some(vocabulary.into()),
        item_id: None,
        node_id: None,
        related_node_id: None,
    }
}

/// 三島市 with one plan, an item placed twice (once as 再掲), indicators
/// with every kind of cell, budgets and grades; and 小平市 with one item.
async fn populated(db: &TestDb) -> Store {
    let store = db.store().await;
    let mut tx = store.begin().await.unwrap();
    tx.upsert_municipality(&Municipality { code: MISHIMA.into(), name: "三島市".into() }).await.unwrap();
    tx.upsert_municipality(&Municipality { code: KODAIRA.into(), name: "小平市".into() }).await.unwrap();

    let mut tree = PlanTree::new("basic", PLAN, &["基本目標", "基本方針", "施策", "施策の方向"]);
    let g = tree.add_root("IV", "協働で進める自立したまち").unwrap();
    let p = tree.add_child(g, "7", "自治システムの充実したまちづくり").unwrap();
    let m = tree.add_child(p, "48", "便利な電子市役所の構築").unwrap();
    tree.add_child(m, "IV-7-48-(4)", "セキュリティ対策").unwrap();
    tree.add_child(m, "IV-7-48-(5)", "職員の知識・能力の向上").unwrap();
    tx.save_plan(MISHIMA, &tree).await.unwrap();
    let n4 = tx.node_id(MISHIMA, "basic", "IV-7-48-(4)").await.unwrap();
    let n5 = tx.node_id(MISHIMA, "basic", "IV-7-48-(5)").await.unwrap();
    tx.set_node_tags(n4, &["主要".to_string()]).await.unwrap();

    let security = tx
        .upsert_item(
            MISHIMA,
            &NewItem { key: "security".into(), kind: "project".into(), code: "企-1".into(), title: TITLE.into() },
        )
        .await
        .unwrap();
    tx.set_item_details(security, Some(fy(2018)), &["新規".to_string()], None).await.unwrap();
    tx.place_item(security, n4, false).await.unwrap();
    tx.place_item(security, n5, true).await.unwrap(); // 再掲
    let section = tx.upsert_section(MISHIMA, "企画戦略部", "情報政策課", Validity::default()).await.unwrap();
    tx.assign_section(security, section).await.unwrap();
    let loose = tx
        .upsert_item(
            MISHIMA,
            &NewItem {
                key: "loose".into(),
                kind: "objective".into(),
                code: "No.9".into(),
                title: "計画外の目標".into(),
            },
        )
        .await
        .unwrap();

    // 1,279人 against 1,285人 is behind (遅れ), though the sheet says 順調.
    let sns = tx
        .upsert_indicator(
            MISHIMA,
            &NewIndicator {
                item_id: Some(security),
                // It names another node than its project's (as 三島市's
                // 成果指標 name their 行政改革大綱 item).
                related_node_id: Some(n5),
                ..indicator("sns", "三島市地域SNS利用者数", "人", Direction::HigherIsBetter, "progress")
            },
        )
        .await
        .unwrap();
    for (y, role, printed) in [
        (2016, ValueRole::Baseline, "1,279人"),
        (2018, ValueRole::Target, "1,285人"),
        (2018, ValueRole::Actual, "1,279人"),
        (2019, ValueRole::Target, "—"),
        (2019, ValueRole::Actual, ""),
    ] {
        tx.set_indicator_value(sns, fy(y), role, &cell(printed)).await.unwrap();
    }
    let j = Judgement { printed: Some("順調".into()), computed: Some("遅れ".into()), declared: None };
    tx.set_judgement(sns, fy(2018), &j).await.unwrap();

    let on_node = |key: &str, name: &str, unit: &str, direction, vocabulary: &str| NewIndicator {
        node_id: Some(n4),
        ..indicator(key, name, unit, direction, vocabulary)
    };
    let incidents = tx
        .upsert_indicator(
            MISHIMA,
            &on_node("incidents", "情報セキュリティ事故の件数", "件", Direction::LowerIsBetter, "achievement"),
        )
        .await
        .unwrap();
    tx.set_indicator_value(incidents, fy(2018), ValueRole::Target, &cell("0件")).await.unwrap();
    tx.set_indicator_value(incidents, fy(2018), ValueRole::Actual, &cell("0件")).await.unwrap();
    let drills = tx
        .upsert_indicator(MISHIMA, &on_node("drills", "訓練の実施回数", "回", Direction::HigherIsBetter, "achievement"))
        .await
        .unwrap();
    tx.set_indicator_value(drills, fy(2018), ValueRole::Target, &cell("年間2回")).await.unwrap();
    tx.set_indicator_value(drills, fy(2018), ValueRole::Actual, &cell("年間3回")).await.unwrap();
    let parking = tx
        .upsert_indicator(MISHIMA, &on_node("parking", "庁舎駐車場の待ち台数", "台", Direction::Bound, "achievement"))
        .await
        .unwrap();
    tx.set_indicator_value(parking, fy(2018), ValueRole::Target, &cell("80台以下")).await.unwrap();
    tx.set_indicator_value(parking, fy(2018), ValueRole::Actual, &cell("82台")).await.unwrap();

    let figures = BudgetFigures {
        initial: Some(Yen::from_thousands(309_424)),
        final_budget: Some(Yen::from_thousands(308_934)),
        settlement: Some(Yen::from_thousands(301_762)),
        general_revenue: Some(Yen::from_thousands(151_762)),
        carried_over: Some(Yen(0)),
        funding: hyoka_core::Funding {
            national: Some(Yen::from_thousands(100_000)),
            prefectural: Some(Yen::from_thousands(50_000)),
            ..Default::default()
        },
        staff: hyoka_core::StaffCost {
            hours: hyoka_core::Hours::parse("1,234.5"),
            hourly: Some(Yen(4_321)),
            personnel: Some(Yen::from_thousands(5_334)),
            total: Some(Yen::from_thousands(307_096)),
        },
    };
    tx.set_budget(security, fy(2018), &figures, Some("97.7%")).await.unwrap();
    let zero = BudgetFigures { initial: Some(Yen(0)), settlement: Some(Yen(0)), ..Default::default() };
    tx.set_budget(security, fy(2017), &zero, None).await.unwrap();

    tx.save_scale(MISHIMA, &EvaluationScale::mitaka_yearend()).await.unwrap();
    tx.save_scale(MISHIMA, &EvaluationScale::mitaka_midyear()).await.unwrap();
    tx.save_scale(MISHIMA, &EvaluationScale::higashimurayama_ab()).await.unwrap();
    let grade = |stage, evaluator, scale: &str, grade: &str, comment: Option<&str>| EvaluationRow {
        fiscal_year: fy(2018),
        stage,
        evaluator,
        scale: Some(scale.into()),
        grade: Some(grade.into()),
        comment: comment.map(Into::into),
    };
    tx.set_evaluation(
        MISHIMA,
        security,
        &grade(Stage::YearEnd, Evaluator::ReviewBoard, "mitaka-yearend", "1", Some("計画どおり")),
    )
    .await
    .unwrap();
    tx.set_evaluation(MISHIMA, security, &grade(Stage::MidYear, Evaluator::Section, "mitaka-midyear", "1", None))
        .await
        .unwrap();
    tx.set_evaluation(
        MISHIMA,
        loose,
        &grade(Stage::YearEnd, Evaluator::DepartmentHead, "higashimurayama-ab", "A", None),
    )
    .await
    .unwrap();

    let other = tx
        .upsert_item(
            KODAIRA,
            &NewItem {
                key: "no1".into(), kind: "issue".into(), code: "No.1".into(), title: "事務事業の見直し".into()
            },
        )
        .await
        .unwrap();
    tx.set_budget(other, fy(2017), &BudgetFigures { initial: Some(Yen(1_000)), ..Default::default() }, None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    store
}

fn options(dir: &Path, header: Header, bom: bool) -> OpenDataOptions {
    OpenDataOptions {
        header,
        bom,
        municipality: Some(MISHIMA.into()),
        updated: JpDate::new(2024, 4, 1).unwrap(),
        ..OpenDataOptions::new(dir, JpDate::new(2026, 4, 1).unwrap())
    }
}

struct Out {
    _dir: TempDir,
    path: PathBuf,
    report: OpenDataReport,
}

impl Out {
    fn bytes(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path.join(name)).unwrap()
    }

    /// The CSV text without its BOM.
    fn csv(&self, name: &str) -> String {
        let text = String::from_utf8(self.bytes(name)).unwrap();
        text.strip_prefix('\u{FEFF}').map(str::to_string).unwrap_or(text)
    }

    fn records(&self, name: &str) -> Vec<Vec<String>> {
        parse_csv(&self.csv(name))
    }

    fn json(&self, name: &str) -> Json {
        serde_json::from_slice(&self.bytes(name)).unwrap()
    }
}

async fn export(store: &Store, header: Header, bom: bool) -> Out {
    let dir = TempDir::new();
    let report = export_opendata(store, &options(&dir.0, header, bom)).await.unwrap();
    Out { path: dir.0.clone(), _dir: dir, report }
}

/// A directory removed when the test ends.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
        let path = std::env::temp_dir().join(format!(
            "hyoka_opendata_{}_{}_{nanos}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A strict RFC 4180 reader: CRLF between records, quoted fields may hold
/// anything, a quote inside a quoted field is doubled.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' => {
                assert!(field.is_empty(), "a quote inside an unquoted field");
                quoted = true;
            }
            ',' => record.push(std::mem::take(&mut field)),
            '\r' => {
                assert_eq!(chars.next(), Some('\n'), "CR without LF outside quotes");
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            '\n' => panic!("a bare LF outside quotes"),
            _ => field.push(c),
        }
    }
    assert!(!quoted, "unterminated quote");
    assert!(field.is_empty() && record.is_empty(), "the last record lacks its CRLF");
    records
}

/// The records as maps from English column name to field.
fn by_name(records: &[Vec<String>], table: &str) -> Vec<std::collections::HashMap<String, String>> {
    let t = TABLES.iter().find(|t| t.name == table).unwrap();
    records[1..]
        .iter()
        .map(|r| {
            assert_eq!(r.len(), t.columns.len());
            t.names_en().into_iter().map(String::from).zip(r.iter().cloned()).collect()
        })
        .collect()
}

fn first_line(csv: &str) -> &str {
    csv.split("\r\n").next().unwrap()
}

#[tokio::test]
async fn english_headers_are_exactly_the_contract() {
    let db = TestDb::new().await;
    let store = populated(&db).await;
    let out = export(&store, Header::En, false).await;
    assert_eq!(
        first_line(&out.csv("indicators.csv")),
        "municipality_code,municipality,plan,node_code,project,indicator,indicator_kind,unit,direction,fiscal_year,fiscal_year_label,role,printed,value,judgement,judgement_computed,related_plan,related_node_code"
    );
    assert_eq!(
        first_line(&out.csv("evaluations.csv")),
        "municipality_code,municipality,plan,code,title,fiscal_year,stage,evaluator,grade,grade_label,comment"
    );
    assert_eq!(
        first_line(&out.csv("budgets.csv")),
        "municipality_code,municipality,code,title,fiscal_year,initial_budget_yen,final_budget_yen,settlement_yen,general_revenue_yen,carried_over_yen,execution_rate,execution_rate_printed,national_yen,prefectural_yen,bonds_yen,other_funding_yen,staff_hours,hourly_cost_yen,personnel_cost_yen,total_cost_yen,total_cost_computed_yen"
    );
    assert_eq!(
        first_line(&out.csv("nodes.csv")),
        "municipality_code,municipality,plan,code,parent_code,level,title,departments,tags"
    );
}

#[tokio::test]
async fn japanese_headers_are_the_default() {
    let db = TestDb::new().await;
    let store = populated(&db).await;
    let dir = TempDir::new();
    let opts = OpenDataOptions {
        municipality: Some(MISHIMA.into()),
        ..OpenDataOptions::new(&dir.0, JpDate::new(2026, 4, 1).unwrap())
    };
    assert_eq!(opts.header, Header::Ja);
    export_opendata(&store, &opts).await.unwrap();
    let csv = |name: &str| std::fs::read_to_string(dir.0.join(name)).unwrap();
    assert_eq!(
        first_line(&csv("indicators.csv")),
        "団体コード,団体名,計画,体系コード,事業,指標名,指標の種類,単位,目指す方向,年度,年度（和暦）,区分,記載値,数値,判定（記載）,判定（計算）,関連する計画,関連する計画の項目コード"
    );
    assert_eq!(
        first_line(&csv("evaluations.csv")),
        "団体コード,団体名,計画,事業コード,事業名,年度,評価段階,評価者,評価,評価の意味,コメント"
    );
    assert_eq!(
        first_line(&csv("budgets.csv")),
        "団体コード,団体名,事業コード,事業名,年度,当初予算額（円）,最終予算額（円）,決算額（円）,うち一般財源（円）,繰越額（円）,執行率（%）,執行率（記載）,国庫支出金（円）,都道府県支出金（円）,地方債（円）,その他特定財源（円）,従事時間,人件費単価（円/時間）,人件費（円）,トータルコスト（円）,トータルコスト（計算、円）"
    );
    assert_eq!(first_line(&csv("nodes.csv")), "団体コード,団体名,計画,コード,親コード,階層,名称,担当部課,タグ");
    // The rows are the same whichever the header language.
    let en = export(&store, Header::En, false).await;
    for t in TABLES {
        let (ja_csv, en_csv) = (csv(&t.csv_file()), en.csv(&t.csv_file()));
        assert_eq!(ja_csv.split_once("\r\n").unwrap().1, en_csv.split_once("\r\n").unwrap().1, "{}", t.name);
        // JSON keys are always the English names.
        assert_eq!(std::fs::read(dir.0.join(t.json_file())).unwrap(), en.bytes(&t.json_file()), "{}", t.name);
    }
}

/// The title as RFC 4180 writes it.
const QUOTED_TITLE: &str = "\"セキュリティ対策, \"\"強化\"\"\n事業\"";

fn lines(rows: &[String]) -> String {
    rows.iter().map(|r| format!("{r}\r\n")).collect()
}

#[tokio::test]
async fn indicators_are_long_with_numbers_apart_from_units() {
    let db = TestDb::new().await;
    let store = populated(&db).await;
    let out = export(&store, Header::En, false).await;
    let p = format!("222062,三島市,{PLAN},IV-7-48-(4),");
    let sns = format!("{p}{QUOTED_TITLE},三島市地域SNS利用者数,outcome,人,higher");
    // The SNS indicator names node (5) besides its project's (4).
    let rel = format!("{PLAN},IV-7-48-(5)");
    let expected = [
        format!("{p},訓練の実施回数,outcome,回,higher,2018,平成30年度,target,年間2回,2,,,,"),
        format!("{p},訓練の実施回数,outcome,回,higher,2018,平成30年度,actual,年間3回,3,,達成,,"),
        format!("{p},情報セキュリティ事故の件数,outcome,件,lower,2018,平成30年度,target,0件,0,,,,"),
        format!("{p},情報セキュリティ事故の件数,outcome,件,lower,2018,平成30年度,actual,0件,0,,達成,,"),
        format!("{p},庁舎駐車場の待ち台数,outcome,台,bound,2018,平成30年度,target,80台以下,80,,,,"),
        format!("{p},庁舎駐車場の待ち台数,outcome,台,bound,2018,平成30年度,actual,82台,82,,未達成,,"),
        format!("{sns},2016,平成28年度,baseline,\"1,279人\",1279,,,{rel}"),
        format!("{sns},2018,平成30年度,target,\"1,285人\",1285,,,{rel}"),
        // The printed judgement and the computed one, side by side.
        format!("{sns},2018,平成30年度,actual,\"1,279人\",1279,順調,遅れ,{rel}"),
        // A dash and a blank have no value: empty, not 0.
        format!("{sns},2019,令和元年度,target,—,,,,{rel}"),
        format!("{sns},2019,令和元年度,actual,,,,,{rel}"),
    ];
    let csv = out.csv("indicators.csv");
    assert_eq!(csv.split_once("\r\n").unwrap().1, lines(&expected));
    assert_eq!(out.report.rows("indicators"), Some(expected.len()));

    let rows = by_name(&out.records("indicators.csv"), "indicators");
    let mut keys: Vec<_> =
        rows.iter().map(|r| (r["indicator"].clone(), r["fiscal_year"].clone(), r["role"].clone())).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), rows.len(), "one row per indicator × fiscal year × role");
    for r in &rows {
        let v = &r["value"];
        assert!(v.is_empty() || v.parse::<f64>().is_ok() && !v.contains(','), "value {v:?} is a bare number");
        assert!(r["role"] == "actual" || r["judgement"].is_empty() && r["judgement_computed"].is_empty());
        assert_eq!(
            r["fiscal_year_label"],
            FiscalYear::new(r["fiscal_year"].parse().unwrap()).unwrap().label(),
            "the era label matches the Western year"
        );
    }
    // The title with a comma, a quote and a newline survives the round trip.
    assert_eq!(rows.iter().filter(|r| r["project"] == TITLE).count(), 5);
}

#[tokio::test]
async fn json_has_numbers_and_nulls_where_csv_has_fields_and_blanks() {
    let db = TestDb::new().await;
    let store = populated(&db).await;
    let out = export(&store, Header::En, false).await;
    let ind = out.json("indicators.json");
    assert_eq!(ind["table"], "indicators");
    assert_eq!(ind["columns"], serde_json::to_value(TABLES[0].names_en()).unwrap());
    let rows = ind["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 11);
    let find = |name: &str, year: i64, role: &str| {
        rows.iter()
            .find(|r| r["indicator"] == name && r["fiscal_year"] == year && r["role"] == role)
            .unwrap_or_else(|| panic!("{name} {year} {role}"))
    };
    let zero = find("情報セキュリティ事故の件数", 2018, "actual");
    assert!(zero["value"].is_number() && zero["value"].as_i64() == Some(0), "0件 is the number 0");
    assert_eq!(zero["project"], Json::Null);
    let blank = find("三島市地域SNS利用者数", 2019, "actual");
    assert_eq!(blank["value"], Json::Null, "a blank cell is null, not 0");
    assert_eq!(blank["printed"], "");
    assert_eq!(blank["judgement"], Json::Null);
    assert_eq!(find("三島市地域SNS利用者数", 2019, "target")["value"], Json::Null);
    let actual = find("三島市地域SNS利用者数", 2018, "actual");
    assert_eq!(actual["value"], 1279);
    assert_eq!(actual["fiscal_year"], 2018);
    assert_eq!(actual["fiscal_year_label"], "平成30年度");
    assert_eq!(actual["project"], TITLE);
    assert_eq!((actual["judgement"].as_str(), actual["judgement_computed"].as_str()), (Some("順調"), Some("遅れ")));
    assert_eq!(
        (actual["related_plan"].as_str(), actual["related_node_code"].as_str()),
        (Some(PLAN), Some("IV-7-48-(5)"))
    );
    assert_eq!((&zero["related_plan"], &zero["related_node_code"]), (&Json::Null, &Json::Null), "names none");

    let budgets = out.json("budgets.json");
    let b = budgets["rows"].as_array().unwrap();
    assert_eq!(b[0]["fiscal_year"], 2017);
    assert_eq!(b[0]["initial_budget_yen"], 0);
    assert_eq!(b[0]["final_budget_yen"], Json::Null);
    assert_eq!(b[0]["execution_rate"], Json::Null, "no rate against a zero budget");
    assert_eq!(b[1]["settlement_yen"], 301_762_000);
    assert_eq!(b[1]["execution_rate"].as_f64(), Some(97.7));
    assert_eq!(b[1]["execution_rate_printed"], "97.7%");
    assert_eq!(b[1]["general_revenue_yen"], 151_762_000);
    assert_eq!(b[1]["carried_over_yen"], 0);
    assert_eq!(b[1]["staff_hours"].as_f64(), Some(1234.5), "hours are a number");
    assert_eq!(b[1]["bonds_yen"], Json::Null, "not printed is null, not 0");
    assert_eq!(b[1]["total_cost_computed_yen"], 307_096_000);

    let nodes = out.json("nodes.json");
    let n = nodes["rows"].as_array().unwrap();
    assert_eq!(n[0]["level"], 1);
    assert_eq!(n[0]["parent_code"], Json::Null);
    assert_eq!(n.last().unwrap()["level"], Json::Null, "an item in no plan has no level");
}

#[tokio::test]
async fn budgets_give_yen_and_a_one_decimal_rate() {
    let db = TestDb::new().await;
    let store = populated(&db).await;
    let out = export(&store, Header::En, false).await;
    let expected = [
        format!("222062,三島市,企-1,{QUOTED_TITLE},2017,0,,0,,,,,,,,,,,,,"),
        // 財源内訳, hours × the hourly cost, 人件費 and トータルコスト as stored, and the
        // total computed from the settlement and the printed 人件費.
        format!(
            "222062,三島市,企-1,{QUOTED_TITLE},2018,309424000,308934000,301762000,151762000,0,97.7,97.7%,\
             100000000,50000000,,,1234.5,4321,5334000,307096000,307096000"
        ),
    ];
    assert_eq!(out.csv("budgets.csv").split_once("\r\n").unwrap().1, lines(&expected));
}

#[tokio::test]
async fn evaluations_give_codes_and_the_scale_labels() {
    let db = TestDb::new().await;
    let store = populated(&db).await;
    let out = export(&store, Header::En, false).await;
    let expected = [
        format!("222062,三島市,{PLAN},企-1,{QUOTED_TITLE},2018,midyear,section,1,重点的に取り組む,"),
        format!("222062,三島市,{PLAN},企-1,{QUOTED_TITLE},2018,yearend,review_board,1,計画どおり,計画どおり"),
        // 東村山市's A/B scale prints no legend: no label is invented.
        "222062,三島市,,No.9,計画外の目標,2018,yearend,department_head,A,,".to_string(),
    ];
    assert_eq!(out.csv("evaluations.csv").split_once("\r\n").unwrap().1, lines(&expected));
}

#[tokio::test]
async fn nodes_list_the_hierarchy_and_each_placement_once() {
    let db = TestDb::new().await;
    let store = populated(&db).await;
    let out = export(&store, Header::En, false).await;
    let c = format!("222062,三島市,{PLAN}");
    let expected = [
        format!("{c},IV,,1,協働で進める自立したまち,,"),
        format!("{c},7,IV,2,自治システムの充実したまちづくり,,"),
        format!("{c},48,7,3,便利な電子市役所の構築,,"),
        format!("{c},IV-7-48-(4),48,4,セキュリティ対策,,主要"),
        format!("{c},企-1,IV-7-48-(4),5,{QUOTED_TITLE},企画戦略部 情報政策課,新規"),
        format!("{c},IV-7-48-(5),48,4,職員の知識・能力の向上,,"),
        format!("{c},企-1,IV-7-48-(5),5,{QUOTED_TITLE},企画戦略部 情報政策課,新規;再掲"),
        "222062,三島市,,No.9,,,計画外の目標,,".to_string(),
    ];
    assert_eq!(out.csv("nodes.csv").split_once("\r\n").unwrap().1, lines(&expected));
    let rows = by_name(&out.records("nodes.csv"), "nodes");
    let placements: Vec<_> = rows.iter().filter(|r| r["code"] == "企-1").collect();
    assert_eq!(placements.len(), 2, "once per placement");
    assert_eq!(placements.iter().filter(|r| r["tags"].split(';').any(|t| t == "再掲")).count(), 1);
}

#[tokio::test]
async fn the_bom_is_on_csv_files_only_and_only_when_asked() {
    let db = TestDb::new().await;
    let store = populated(&db).await;
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let with = export(&store, Header::Ja, true).await;
    let without = export(&store, Header::Ja, false).await;
    for t in TABLES {
        assert!(with.bytes(&t.csv_file()).starts_with(BOM), "{}", t.csv_file());
        assert!(!without.bytes(&t.csv_file()).starts_with(BOM), "{}", t.csv_file());
        assert_eq!(with.bytes(&t.csv_file())[3..], without.bytes(&t.csv_file())[..]);
        assert!(!with.bytes(&t.json_file()).starts_with(BOM), "JSON never has a BOM");
    }
    assert!(!with.bytes("metadata.json").starts_with(BOM));
    assert_eq!(with.json("metadata.json")["encoding"]["csv_bom"], true);
    assert_eq!(without.json("metadata.json")["encoding"]["csv_bom"], false);
    assert_eq!(with.json("metadata.json")["encoding"]["csv_header"], "ja");
}

#[tokio::test]
async fn metadata_describes_every_column_in_both_languages() {
    let db = TestDb::new().await;
    let store = populated(&db).await;
    let out = export(&store, Header::En, false).await;
    let meta = out.json("metadata.json");
    assert_eq!(meta["updated"], "2024-04-01");
    assert_eq!(meta["licence"]["name"], "CC BY 4.0");
    assert_eq!(meta["encoding"]["charset"], "UTF-8");
    assert_eq!(meta["encoding"]["csv_line_end"], "CRLF");
    assert_eq!(meta["municipalities"], serde_json::json!([{ "code": MISHIMA, "name": "三島市" }]));
    for key in ["title", "source", "description"] {
        assert!(meta[key]["ja"].as_str().is_some_and(|s| !s.is_empty()), "{key}");
        assert!(meta[key]["en"].as_str().is_some_and(|s| !s.is_empty()), "{key}");
    }
    let tables = meta["tables"].as_array().unwrap();
    assert_eq!(tables.len(), TABLES.len());
    for (t, m) in TABLES.iter().zip(tables) {
        assert_eq!(m["name"], t.name);
        assert_eq!(m["files"], serde_json::json!([t.csv_file(), t.json_file()]));
        assert_eq!(m["rows"].as_u64(), out.report.rows(t.name).map(|n| n as u64));
        let columns = m["columns"].as_array().unwrap();
        let names: Vec<&str> = columns.iter().map(|c| c["name_en"].as_str().unwrap()).collect();
        assert_eq!(names, t.names_en(), "{}", t.name);
        for (c, def) in columns.iter().zip(t.columns) {
            assert_eq!(c["name_ja"], def.name_ja);
            for key in ["name_ja", "description_ja", "description_en", "type"] {
                assert!(c[key].as_str().is_some_and(|s| !s.is_empty()), "{}.{} {key}", t.name, def.name_en);
            }
        }
    }
    // Code columns list their codes with the Japanese labels.
    let role = &tables[0]["columns"].as_array().unwrap()[11];
    assert_eq!(role["name_en"], "role");
    assert_eq!(role["codes"][0], serde_json::json!({ "code": "baseline", "label_ja": "基準値" }));
}

#[tokio::test]
async fn one_city_or_all_and_unknown_cities_are_refused() {
    let db = TestDb::new().await;
    let store = populated(&db).await;
    let dir = TempDir::new();
    let all = OpenDataOptions { header: Header::En, ..OpenDataOptions::new(&dir.0, JpDate::new(2026, 4, 1).unwrap()) };
    let report = export_opendata(&store, &all).await.unwrap();
    assert_eq!(report.municipalities.iter().map(|m| m.code.as_str()).collect::<Vec<_>>(), [KODAIRA, MISHIMA]);
    assert_eq!(report.files.len(), 9);
    let budgets = std::fs::read_to_string(dir.0.join("budgets.csv")).unwrap();
    assert!(budgets.contains("\r\n132110,小平市,No.1,事務事業の見直し,2017,1000,,,,,,,,,,,,,,,\r\n"), "{budgets}");
    assert_eq!(report.rows("budgets"), Some(3));

    let only = export(&store, Header::En, false).await;
    assert!(!only.csv("budgets.csv").contains("小平市"));
    assert_eq!(only.report.municipalities, vec![Municipality { code: MISHIMA.into(), name: "三島市".into() }]);

    let unknown = OpenDataOptions {
        municipality: Some("999999".into()),
        ..OpenDataOptions::new(&dir.0, JpDate::new(2026, 4, 1).unwrap())
    };
    let err = export_opendata(&store, &unknown).await.unwrap_err();
    assert!(matches!(err, ReportError::Store(StoreError::NotFound { .. })), "{err}");
    assert!(err.to_string().contains("999999"), "{err}");
}

#[tokio::test]
async fn rows_build_from_loaded_cities_without_files() {
    let db = TestDb::new().await;
    let store = populated(&db).await;
    let city = hyoka_report::opendata::load_city(&store, MISHIMA).await.unwrap();
    let set = OpenDataSet::build(&[city]);
    let row =
        set.indicators.iter().find(|r| r.indicator == "三島市地域SNS利用者数" && r.role == ValueRole::Actual).unwrap();
    assert_eq!(row.fiscal_year, fy(2018));
    assert_eq!(row.value.map(|v| v.plain()).as_deref(), Some("1279"));
    assert_eq!(row.unit.as_deref(), Some("人"));
    assert_eq!(set.budgets[1].execution_rate.map(|r| r.percent_text()).as_deref(), Some("97.7"));
    assert_eq!(set.nodes.len(), 8);
}

/// The look-ups the portal and the API call: a published year's data set, a
/// table by name, its rows and a page of them; an unpublished year is none.
#[tokio::test]
async fn lookups_give_a_published_years_tables_and_pages() {
    use hyoka_report::opendata::{table_named, year_dataset, year_table_page, BUDGETS, INDICATORS};
    use hyoka_store::FiscalYearRecord;

    let db = TestDb::new().await;
    let store = populated(&db).await;
    let mut tx = store.begin().await.unwrap();
    let year = FiscalYearRecord { municipality: MISHIMA.into(), fiscal_year: fy(2018), locked: true, deadline: None };
    tx.set_fiscal_year(&year).await.unwrap();
    tx.publish_year(MISHIMA, fy(2018), None).await.unwrap();
    tx.commit().await.unwrap();

    assert!(year_dataset(&store, MISHIMA, fy(2019)).await.unwrap().is_none(), "2019 is not published");
    assert!(year_dataset(&store, KODAIRA, fy(2017)).await.unwrap().is_none(), "小平市 published nothing");
    let set = year_dataset(&store, MISHIMA, fy(2018)).await.unwrap().expect("2018 is published");

    assert_eq!(table_named("budgets").map(|t| t.name), Some("budgets"));
    assert!(table_named("metadata").is_none());
    for (table, rows) in set.tables() {
        assert_eq!(set.rows(table), rows, "{}", table.name);
        assert_eq!(set.row_count(table), rows.len(), "{}", table.name);
    }
    let budgets = set.rows(&BUDGETS);
    assert_eq!(budgets.len(), 1, "the 2018 budget only");
    assert_eq!(budgets[0][4].as_str(), "2018");

    let all = set.rows(&INDICATORS);
    assert!(all.len() >= 5, "{}", all.len());
    let page = year_table_page(&store, MISHIMA, fy(2018), &INDICATORS, 2, 1).await.unwrap().expect("a page");
    assert_eq!(page.total, all.len() as u64);
    assert_eq!(page.rows, all[1..3]);
    assert_eq!((page.prev_offset(), page.next_offset()), (Some(0), Some(3)));
    // The page's JSON rows are the file's rows, text for text.
    let file: Json = serde_json::from_str(&hyoka_report::opendata::format::render_json(&INDICATORS, &all)).unwrap();
    let rows: Json = serde_json::from_str(&page.json_rows()).unwrap();
    assert_eq!(rows.as_array().unwrap()[..], file["rows"].as_array().unwrap()[1..3]);
    assert!(year_table_page(&store, MISHIMA, fy(2019), &INDICATORS, 2, 0).await.unwrap().is_none());
}
