//! Each seed city runs its own yearly cycle in real Chromium, on the sheet
//! kind its document prints, for the year after the document: its staff
//! enter values and texts, submit, approve (with the grades the city gives
//! there), the city's reviewers grade, the admin locks and publishes, and
//! the public portal shows the new year beside the history the document
//! printed. The data is the demo's: the five documents imported, their
//! years locked and published, the next year opened.

use crate::support;
use crate::support::webdriver::{Browser, Driver};

use hyoka_app::year::{LockYear, OpenYear, PublishYear};
use hyoka_app::{Actor, App};
use hyoka_core::access::Role;
use hyoka_core::FiscalYear;
use hyoka_store::testing::TestDb;
use hyoka_store::Store;

/// The years the documents report (published) and the years after (open).
const PUBLISHED: [(&str, i32); 5] =
    [("132047", 2018), ("132047", 2020), ("222062", 2018), ("132110", 2017), ("132136", 2019)];
const OPEN: [(&str, i32); 4] = [("132047", 2021), ("222062", 2019), ("132110", 2018), ("132136", 2020)];

struct Seeds {
    _db: TestDb,
    store: Store,
    server: support::TestServer,
}

impl Seeds {
    async fn new() -> Seeds {
        let db = TestDb::new().await;
        let store = db.store().await;
        let dir = format!("{}/../../demo/seeds", env!("CARGO_MANIFEST_DIR"));
        let mut batches = Vec::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "txt") {
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                let (_, batch) = hyoka_import::read_published(&name, &std::fs::read_to_string(&path).unwrap()).unwrap();
                batches.push((name, batch));
            }
        }
        batches.sort_by(|a, b| a.0.cmp(&b.0));
        hyoka_import::apply(&store, &batches, false).await.unwrap();
        let app = App::new(store.clone());
        let me = Actor::Operator { name: "テストの準備".into() };
        for (city, year) in PUBLISHED {
            let fiscal_year = FiscalYear::new(year).unwrap();
            app.run(&me, LockYear { municipality: city.into(), fiscal_year }).await.unwrap();
            app.run(&me, PublishYear { municipality: city.into(), fiscal_year }).await.unwrap();
        }
        for (city, year) in OPEN {
            app.run(&me, OpenYear { municipality: city.into(), fiscal_year: FiscalYear::new(year).unwrap() })
                .await
                .unwrap();
        }
        let server = support::spawn(store.clone()).await;
        Seeds { _db: db, store, server }
    }

    fn base(&self) -> String {
        format!("http://{}", self.server.addr)
    }

    /// Accounts of one city: `{prefix}-editor` in `editor_section`,
    /// `{prefix}-head` in `head_section`, `{prefix}-reviewer` and
    /// `{prefix}-admin`.
    async fn accounts(&self, city: &str, prefix: &str, editor_section: (&str, &str), head_section: (&str, &str)) {
        let s = &self.store;
        let editor = s.section_id(city, editor_section.0, editor_section.1).await.unwrap();
        let head = s.section_id(city, head_section.0, head_section.1).await.unwrap();
        support::account(s, &format!("{prefix}-editor"), Role::Editor, Some(city), Some(editor)).await;
        support::account(s, &format!("{prefix}-head"), Role::Head, Some(city), Some(head)).await;
        support::account(s, &format!("{prefix}-reviewer"), Role::Reviewer, Some(city), None).await;
        support::account(s, &format!("{prefix}-admin"), Role::Admin, Some(city), None).await;
    }

    async fn item(&self, city: &str, kind: &str, code: &str) -> i64 {
        let items = self.store.items(city).await.unwrap();
        items.iter().find(|i| i.kind == kind && i.code == code).unwrap_or_else(|| panic!("{city} {kind} {code}")).id
    }

    /// The indicators on an item's sheet: its own and its node's.
    async fn sheet_indicators(&self, item: i64) -> Vec<hyoka_store::IndicatorRecord> {
        let record = self.store.item(item).await.unwrap();
        let mut all = self.store.item_indicators(item).await.unwrap();
        all.extend(self.store.entry_scope(&record).await.unwrap().node_indicators);
        all
    }

    /// The portal page at `path`, as anyone reads it.
    async fn public(&self, path: &str) -> String {
        let page = self.server.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        page.body
    }
}

/// Fills the fields of the open edit form by name.
async fn fill(b: &Browser, fields: &[(&str, &str)]) {
    for (name, value) in fields {
        let field = b.find(&format!("#sheet-form [name='{name}']")).await;
        b.fill(&field, value).await;
    }
}

/// 東村山市's 目標管理シート: each 課 writes its objectives on its department's
/// sheet, the 部長 submits and grades every objective A/B on approval.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn higashimurayama_department_objectives_graded_by_the_department_head() {
    let seeds = Seeds::new().await;
    let city = "132136";
    seeds.accounts(city, "hm", ("経営政策部", "秘書広報課"), ("経営政策部", "")).await;
    let department = seeds.item(city, "department", "経営政策部").await;
    let sns = seeds.item(city, "objective", "1").await;
    let other_section = seeds.item(city, "objective", "4").await;
    let base = seeds.base();
    let sheet = format!("{base}/m/{city}/sheets/{department}/2020");
    let driver = Driver::start().await;
    let b = driver.browser().await;

    b.sign_in(&base, "hm-editor").await;
    b.goto(&format!("{base}/staff")).await;
    b.wait_for_text("令和2年度の調査票").await;
    assert!(
        b.source().await.contains(&format!("/m/{city}/sheets/{department}/2020")),
        "the department's sheet is listed"
    );
    b.goto(&format!("{sheet}/edit")).await;
    assert!(
        b.try_find(&format!("#sheet-form [name='c{other_section}.n.outcome_target.0']")).await.is_none(),
        "another 課's objective is not the editor's to write"
    );
    fill(
        &b,
        &[
            (&format!("c{sns}.n.outcome_target.0"), "SNSの登録者を1万人にする"),
            (&format!("c{sns}.n.outcome_result.0"), "登録者は1万2千人となった"),
        ],
    )
    .await;
    b.save_sheet().await;
    b.sign_out().await;

    b.sign_in(&base, "hm-head").await;
    b.goto(&sheet).await;
    b.press("/submit").await;
    b.wait_for_status("提出済").await;
    b.select(&format!("select[name='hg.{sns}.yearend.department_head']"), "A").await;
    b.press("/approve").await;
    b.wait_for_status("承認済").await;
    let page = b.source().await;
    assert!(page.contains("登録者は1万2千人となった"), "the objective's result is on the sheet");
    b.sign_out().await;

    b.sign_in(&base, "hm-admin").await;
    b.lock_and_publish(&base, city, 2020).await;
    b.quit().await;

    let items = seeds.public(&format!("/p/{city}/2020/items")).await;
    assert!(items.contains("SNSによる情報発信の充実"), "the objective is public");
    assert!(items.contains("（部長）: A"), "with the 部長's grade");
    assert!(seeds.public(&format!("/p/{city}/2019/items")).await.contains("（部長）"), "beside the document's year");
}

/// 三島市's 行政評価表 of a 施策: the 施策's 成果指標, the PDCA of each 施策の方向
/// and the 業務計画's rows on one sheet; the new year's actual is published
/// beside the years the FY2018 document printed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mishima_measure_sheet_with_its_indicators_and_directions() {
    let seeds = Seeds::new().await;
    let city = "222062";
    seeds.accounts(city, "ms", ("企画戦略部", "情報政策課"), ("企画戦略部", "情報政策課")).await;
    let measure = seeds.item(city, "measure", "48").await;
    let direction = seeds.item(city, "measure_direction", "IV-7-48-(1)").await;
    let indicators = seeds.sheet_indicators(measure).await;
    let e_apply = indicators.iter().find(|i| i.name.starts_with("電子申請の年間利用件数")).expect("a 成果指標").id;
    let base = seeds.base();
    let sheet = format!("{base}/m/{city}/sheets/{measure}/2019");
    let driver = Driver::start().await;
    let b = driver.browser().await;

    b.sign_in(&base, "ms-editor").await;
    b.goto(&format!("{sheet}/edit")).await;
    fill(
        &b,
        &[
            (&format!("i.{e_apply}.2019.a"), "7,321件"),
            (&format!("c{direction}.n.do.0"), "ICT情報化計画を策定し、パブリックコメントを実施した。"),
        ],
    )
    .await;
    b.save_sheet().await;
    b.press("/submit").await;
    b.wait_for_status("提出済").await;
    b.sign_out().await;

    b.sign_in(&base, "ms-head").await;
    b.goto(&sheet).await;
    b.press("/approve").await;
    b.wait_for_status("承認済").await;
    b.sign_out().await;
    b.sign_in(&base, "ms-admin").await;
    b.lock_and_publish(&base, city, 2019).await;
    b.quit().await;

    let page = seeds.public(&format!("/p/{city}/2019/indicators/{e_apply}")).await;
    assert!(page.contains("7,321件"), "the new actual is public");
    for (label, year) in [("平成28年度", 2016), ("平成29年度", 2017), ("平成30年度", 2018)] {
        assert!(page.contains(label), "{year}, printed in the FY2018 document, is beside it");
    }
    let direction_page = seeds.public(&format!("/p/{city}/2019/items/{direction}")).await;
    assert!(direction_page.contains("ICT情報化計画を策定し"), "the 施策の方向's PDCA is public");
    assert!(seeds.public(&format!("/p/{city}/2019/items")).await.contains("IV-7-48-(1)"), "and listed");
}

/// 小平市's 進捗状況調査票: 目的・ねらい and 工程表 come with the new year, the
/// section writes P/D/C/A and its 1次評価, 行革本部 gives the 2次評価.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kodaira_survey_with_first_and_second_grades() {
    let seeds = Seeds::new().await;
    let city = "132110";
    seeds.accounts(city, "kd", ("", "政策課"), ("", "政策課")).await;
    let issue = seeds.item(city, "issue", "No.12").await;
    let base = seeds.base();
    let sheet = format!("{base}/m/{city}/sheets/{issue}/2018");
    let driver = Driver::start().await;
    let b = driver.browser().await;

    b.sign_in(&base, "kd-editor").await;
    b.goto(&format!("{sheet}/edit")).await;
    let purpose = b.value(&b.find("#sheet-form [name='n.purpose.0']").await).await;
    let roadmap = b.value(&b.find("#sheet-form [name='r.0.step']").await).await;
    assert!(!purpose.trim().is_empty(), "目的・ねらい is carried");
    // ---- 工程表 (roadmap grid) ----
    // The step printed in 平成29年度's sheet comes with the new year; the
    // section enters a planned and an actual step of 平成30年度 and adds a row.
    assert_eq!(roadmap.trim(), "・行政評価の実施", "the 工程表's step is carried");
    fill(
        &b,
        &[
            ("r.0.2018.p", "→"),
            ("r.0.2018.a", "施策評価を実施し結果を公表"),
            ("r.1.step", "・評価結果の予算への反映"),
            ("r.1.2019.p", "実施予定"),
        ],
    )
    .await;
    // ---- end 工程表 ----
    fill(&b, &[("n.do.0", "行政評価を実施し、結果を公表した。"), ("n.check.0", "予定どおり進んだ。")]).await;
    b.select("#sheet-form select[name='g.first.section']", "A").await;
    b.save_sheet().await;
    b.press("/submit").await;
    b.wait_for_status("提出済").await;
    b.sign_out().await;

    b.sign_in(&base, "kd-head").await;
    b.goto(&sheet).await;
    b.press("/approve").await;
    b.wait_for_status("承認済").await;
    b.sign_out().await;

    b.sign_in(&base, "kd-reviewer").await;
    b.goto(&sheet).await;
    b.select("#review-stage", "2次評価").await;
    b.select("#review-grade", "S").await;
    b.fill(&b.find("#review-comment").await, "予定以上に進んだ。").await;
    b.press("/review").await;
    b.wait_for_status("審査済").await;
    b.sign_out().await;

    b.sign_in(&base, "kd-admin").await;
    b.lock_and_publish(&base, city, 2018).await;
    b.quit().await;

    let page = seeds.public(&format!("/p/{city}/2018/items/{issue}")).await;
    assert!(page.contains("行政評価を実施し、結果を公表した。"), "the new year's text is public");
    assert!(page.contains("予定以上に進んだ。"), "the 2次評価's comment is public");
    // The 工程表 entered in the browser is public, planned and actual in their year.
    let stored = seeds.store.roadmap_of_year(issue, hyoka_core::FiscalYear::new(2018).unwrap()).await.unwrap();
    assert_eq!(stored.len(), 2, "{stored:?}");
    assert_eq!(stored[0].planned(hyoka_core::FiscalYear::new(2018).unwrap()), "→");
    assert_eq!(stored[0].actual(hyoka_core::FiscalYear::new(2018).unwrap()), "施策評価を実施し結果を公表");
    assert_eq!(stored[1].step, "・評価結果の予算への反映");
    assert!(page.contains("計画: →") && page.contains("実績: 施策評価を実施し結果を公表"), "{page}");
    assert!(page.contains("・評価結果の予算への反映") && page.contains("計画: 実施予定"));
    assert!(
        seeds.public(&format!("/p/{city}/2017/items/{issue}")).await.contains("No.12"),
        "the document's year stays"
    );
}

/// 三鷹市's 施策 of the white paper: the 施策's 目標指標 and 取り組み状況 on a
/// sheet of its own kind; the new actual is published beside the H22 …
/// R2 history and the R4 target the white paper printed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mitaka_measure_sheet_of_the_white_paper() {
    let seeds = Seeds::new().await;
    let city = "132047";
    seeds.accounts(city, "mt", ("企画部", "企画経営課"), ("企画部", "企画経営課")).await;
    let measure = seeds.item(city, "measure", "第1-1").await;
    let indicator = seeds.sheet_indicators(measure).await.first().expect("a 目標指標").clone();
    let base = seeds.base();
    let sheet = format!("{base}/m/{city}/sheets/{measure}/2021");
    let driver = Driver::start().await;
    let b = driver.browser().await;

    b.sign_in(&base, "mt-editor").await;
    b.goto(&format!("{sheet}/edit")).await;
    assert!(b.try_find("#sheet-form [name='s.0.kind']").await.is_none(), "a 施策 sheet has no schedule");
    fill(&b, &[(&format!("i.{}.2021.a", indicator.id), "123件"), ("n.progress.0", "交流事業を再開した。")]).await;
    b.save_sheet().await;
    b.press("/submit").await;
    b.wait_for_status("提出済").await;
    b.sign_out().await;

    b.sign_in(&base, "mt-head").await;
    b.goto(&sheet).await;
    b.press("/approve").await;
    b.wait_for_status("承認済").await;
    b.sign_out().await;
    b.sign_in(&base, "mt-admin").await;
    b.lock_and_publish(&base, city, 2021).await;
    b.quit().await;

    let page = seeds.public(&format!("/p/{city}/2021/indicators/{}", indicator.id)).await;
    assert!(page.contains("123件"), "the new actual is public");
    assert!(page.contains("平成22年度"), "beside the H22 baseline the white paper printed");
    assert!(page.contains("令和4年度"), "and its R4 target");
}
