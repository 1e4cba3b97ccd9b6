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
    objectives_beside_the_document(&driver, &seeds, sns).await;
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
    mishima_indicator_history(&driver, &seeds, e_apply).await;
    mishima_measure_page(
        &driver,
        &seeds,
        measure,
        2019,
        "7,321件",
        "ICT情報化計画を策定し、パブリックコメントを実施した。",
    )
    .await;
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
    let stored = seeds.store.roadmap_of_year(issue, FiscalYear::new(2018).unwrap()).await.unwrap();
    assert_eq!(stored.len(), 2, "{stored:?}");
    assert_eq!(stored[0].planned(FiscalYear::new(2018).unwrap()), "→");
    assert_eq!(stored[0].actual(FiscalYear::new(2018).unwrap()), "施策評価を実施し結果を公表");
    assert_eq!(stored[1].step, "・評価結果の予算への反映");
    assert!(page.contains("計画: →") && page.contains("実績: 施策評価を実施し結果を公表"), "{page}");
    assert!(page.contains("・評価結果の予算への反映") && page.contains("計画: 実施予定"));
    assert!(
        seeds.public(&format!("/p/{city}/2017/items/{issue}")).await.contains("No.12"),
        "the document's year stays"
    );
    kodaira_indicator_history(&driver, &seeds, issue).await;
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
    white_paper_history(&driver, &seeds, &indicator).await;
}

/// 三鷹市's 個別事業評価表 for the year after the FY2018 document: the
/// admin opens 令和元年度 and gives 企-1 an indicator; the section fills
/// every part of the sheet (当初計画, schedule, indicator, 中間評価, 事後評価,
/// budget execution, its own grades at both stages, direction); the 課長
/// approves; the 事業評価審査会 grades both stages and writes its opinions;
/// the year is locked and published beside FY2018.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mitaka_project_sheet_through_both_stages() {
    let seeds = Seeds::new().await;
    let city = "132047";
    seeds.accounts(city, "mp", ("企画部", ""), ("企画部", "")).await;
    let project = seeds.item(city, "project", "企-1").await;
    let base = seeds.base();
    let sheet = format!("{base}/m/{city}/sheets/{project}/2019");
    let driver = Driver::start().await;
    let b = driver.browser().await;

    // The planning division opens the year and adds the indicator.
    b.sign_in(&base, "mp-admin").await;
    b.goto(&format!("{base}/m/{city}/admin/years")).await;
    b.fill(&b.find("#open-year").await, "2019").await;
    b.press("/admin/years/open").await;
    b.wait_for_text("調査票").await;
    b.goto(&format!("{base}/m/{city}/admin/items/{project}/indicators/new")).await;
    let form = format!("form[action$='/items/{project}/indicators']");
    b.fill(&b.find(&format!("{form} [name='name']")).await, "まちづくり指標の達成率").await;
    b.fill(&b.find(&format!("{form} [name='unit']")).await, "%").await;
    b.press(&format!("/items/{project}/indicators")).await;
    b.wait_for_text("まちづくり指標の達成率").await;
    b.sign_out().await;
    let indicator = seeds
        .store
        .item_indicators(project)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.name == "まちづくり指標の達成率")
        .expect("the indicator is added")
        .id;

    // The section fills every part.
    b.sign_in(&base, "mp-editor").await;
    b.goto(&format!("{sheet}/edit")).await;
    let carried = b.value(&b.find("#sheet-form [name='n.overview.0']").await).await;
    assert!(carried.contains("市民満足度・意向調査"), "事業概要・事業量 are carried from FY2018");
    let ind = |part: &str| format!("i.{indicator}.2019.{part}");
    fill(
        &b,
        &[
            ("n.outcome_target.0", "第2次改定の素案を令和元年度中に公表する"),
            (&ind("t"), "60%以上"),
            (&ind("a"), "72.5%"),
            ("s.4.label", "第2次改定素案の作成"),
            ("s.4.m3", "←"),
            ("s.4.m11", "→"),
            ("n.midyear.0", "市民意見を反映した論点を整理し、素案の骨子をまとめた。"),
            ("n.volume_result.0", "まちづくりディスカッションを2回実施した。"),
            ("n.outcome_result.0", "素案を令和2年2月に公表した。"),
            ("n.summary.0", "第2次改定の素案を予定どおり公表できた。"),
            ("b.initial", "8,000"),
            ("b.final", "8,200"),
            ("b.settlement", "7,790"),
            ("gc.midyear.section", "改定作業を重点的に進める。"),
            ("gc.yearend.section", "予定どおり進んだ。"),
            ("d.reason", "第2次改定の計画期間に合わせて継続する。"),
        ],
    )
    .await;
    b.select("#sheet-form select[name='s.4.kind']", "実績").await;
    b.select("#sheet-form select[name='g.midyear.section']", "1").await;
    b.select("#sheet-form select[name='g.yearend.section']", "S").await;
    b.click(&b.find("#sheet-form input[name='d.dir'][value='keep']").await).await;
    b.save_sheet().await;
    let page = b.source().await;
    assert!(page.contains("95.0%"), "the execution rate 7,790 / 8,200 is computed");
    b.press("/submit").await;
    b.wait_for_status("提出済").await;
    b.sign_out().await;

    b.sign_in(&base, "mp-head").await;
    b.goto(&sheet).await;
    b.press("/approve").await;
    b.wait_for_status("承認済").await;
    b.sign_out().await;

    // The 事業評価審査会 grades both stages; its opinions go with the grades.
    b.sign_in(&base, "mp-reviewer").await;
    for (stage, grade, comment) in [
        ("中間評価", "1 重点的に取り組む", "重点的に取り組むこと。"),
        ("事後評価", "1 計画どおり", "計画どおり進んだ。"),
    ] {
        b.goto(&sheet).await;
        b.select("#review-stage", stage).await;
        b.select("#review-evaluator", "事業評価審査会").await;
        b.select("#review-grade", grade).await;
        b.fill(&b.find("#review-comment").await, comment).await;
        if stage == "事後評価" {
            let slot = b.find("textarea[name='slot.board_opinion']").await;
            b.fill(&slot, "市民参加の取り組みを継続すること。").await;
        }
        b.press("/review").await;
        b.wait_for_status("審査済").await;
    }
    b.sign_out().await;

    b.sign_in(&base, "mp-admin").await;
    b.lock_and_publish(&base, city, 2019).await;
    b.quit().await;

    let page = seeds.public(&format!("/p/{city}/2019/items/{project}")).await;
    for (what, text) in [
        ("事業概要", "市民満足度・意向調査"),
        ("成果目標", "第2次改定の素案を令和元年度中に公表する"),
        ("中間評価", "素案の骨子をまとめた"),
        ("事業量の実績", "まちづくりディスカッションを2回実施した"),
        ("成果目標の達成状況", "素案を令和2年2月に公表した"),
        ("総括", "第2次改定の素案を予定どおり公表できた"),
        ("審査会の意見", "市民参加の取り組みを継続すること"),
        ("審査会の中間評価の意見", "重点的に取り組むこと。"),
        ("主管課の事後評価の理由", "予定どおり進んだ。"),
        ("予算額", "8,200,000"),
        ("決算額", "7,790,000"),
        ("執行率", "95.0"),
        ("スケジュール", "第2次改定素案の作成"),
        ("指標の目標", "60%以上"),
        ("指標の実績", "72.5%"),
        ("事後評価の意味", "計画以上"),
        ("中間評価の意味", "重点的に取り組む"),
        ("方向性の理由", "第2次改定の計画期間に合わせて継続する"),
        ("FY2018 へのリンク", &format!("/p/{city}/2018/items/{project}")),
    ] {
        assert!(page.contains(text), "{what} ({text}) is on the public page of FY2019");
    }
    let earlier = seeds.public(&format!("/p/{city}/2018/items/{project}")).await;
    assert!(earlier.contains("計画中期のまちづくり指標については"), "FY2018's 総括 stays");
    assert!(earlier.contains("7,368,000") && earlier.contains("6,385,000"), "with FY2018's budget and settlement (円)");
    assert!(earlier.contains(&format!("/p/{city}/2019/items/{project}")), "and links to FY2019");
}

/// 三鷹市's アクションプランの個別課題 (the white paper's second kind): the
/// section writes how the issue stands for 令和3年度 below the issue the
/// FY2020 white paper printed, the 部長 approves, the year is published.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mitaka_action_plan_issue() {
    let seeds = Seeds::new().await;
    let city = "132047";
    seeds.accounts(city, "mi", ("都市整備部", ""), ("都市整備部", "")).await;
    let issue = seeds.item(city, "issue", "1-(2)").await;
    let base = seeds.base();
    let sheet = format!("{base}/m/{city}/sheets/{issue}/2021");
    let driver = Driver::start().await;
    let b = driver.browser().await;

    b.sign_in(&base, "mi-editor").await;
    b.goto(&sheet).await;
    assert!(b.source().await.contains("アクションプランの個別課題"), "the sheet is of the issue kind");
    b.goto(&format!("{sheet}/edit")).await;
    let overview = b.value(&b.find("#sheet-form [name='n.overview.0']").await).await;
    assert!(!overview.trim().is_empty(), "the issue as the white paper printed it is carried");
    assert!(b.try_find("#sheet-form [name='s.0.kind']").await.is_none(), "an issue has no schedule");
    assert!(b.try_find("#sheet-form [name='b.settlement']").await.is_none(), "nor a budget");
    assert!(b.try_find("#sheet-form select[name^='g.']").await.is_none(), "nor grades");
    fill(&b, &[("n.progress.0", "空き家の所有者向け相談会を3回開催し、2件が地域の活動拠点となった。")]).await;
    b.save_sheet().await;
    b.press("/submit").await;
    b.wait_for_status("提出済").await;
    b.sign_out().await;

    b.sign_in(&base, "mi-head").await;
    b.goto(&sheet).await;
    b.press("/approve").await;
    b.wait_for_status("承認済").await;
    b.sign_out().await;
    b.sign_in(&base, "mi-admin").await;
    b.lock_and_publish(&base, city, 2021).await;
    b.quit().await;

    let page = seeds.public(&format!("/p/{city}/2021/items/{issue}")).await;
    assert!(page.contains("空き家の所有者向け相談会を3回開催し"), "the new year's progress is public");
    assert!(page.contains("空き家等の利活用の促進"), "under the issue's title");
    let head: String = overview.trim().chars().take(20).collect();
    let earlier = seeds.public(&format!("/p/{city}/2020/items/{issue}")).await;
    assert!(earlier.contains(&head), "the white paper's year keeps the issue it printed: {head}");
    assert!(earlier.contains(&format!("/p/{city}/2021/items/{issue}")), "and links to the new year");
}

/// The tables of a public page as Chromium renders them: per table, per
/// row, the visible text of each cell.
async fn portal_tables(driver: &Driver, seeds: &Seeds, path: &str) -> Vec<Vec<Vec<String>>> {
    let b = driver.browser().await;
    b.goto(&format!("{}{path}", seeds.base())).await;
    let tables = b
        .execute(
            "return Array.from(document.querySelectorAll('main table')).map(t => Array.from(t.querySelectorAll('tr'))
               .map(r => Array.from(r.querySelectorAll('th,td')).map(c => c.innerText.trim())))",
            vec![],
        )
        .await;
    b.quit().await;
    serde_json::from_value(tables).unwrap_or_else(|e| panic!("the tables of {path}: {e}"))
}

/// The cell of the row headed `row` in the column headed `column`, in the
/// first table that has both.
fn cell(tables: &[Vec<Vec<String>>], row: &str, column: &str) -> String {
    for table in tables {
        let Some(col) = table.iter().find_map(|r| r.iter().position(|c| c == column)) else { continue };
        if let Some(r) = table.iter().find(|r| r.first().is_some_and(|c| c == row)) {
            return r.get(col).cloned().unwrap_or_default();
        }
    }
    panic!("no cell {row} / {column} in {tables:?}")
}

/// 三鷹市's white paper printed H22 (計画策定時), H26, H30, R2 and the R4
/// target of 英語版ホームページのアクセス件数: all on the indicator's public
/// page of 令和3年度, beside the new actual.
async fn white_paper_history(driver: &Driver, seeds: &Seeds, indicator: &hyoka_store::IndicatorRecord) {
    assert_eq!(indicator.name, "英語版ホームページのアクセス件数", "the 施策's first 目標指標");
    let tables = portal_tables(driver, seeds, &format!("/p/132047/2021/indicators/{}", indicator.id)).await;
    assert_eq!(cell(&tables, "平成22年度", "基準値"), "34,677件");
    assert_eq!(cell(&tables, "平成26年度", "実績"), "60,359件");
    assert_eq!(cell(&tables, "平成30年度", "実績"), "293,478件");
    assert_eq!(cell(&tables, "令和2年度", "実績"), "202,850件");
    assert_eq!(cell(&tables, "令和4年度", "目標"), "400,000件");
    assert_eq!(cell(&tables, "令和3年度", "実績"), "123件", "the new year beside them");
}

/// 三島市's FY2018 document printed the 成果指標's H28 … H30 targets and
/// actuals (6154件 without its comma, as printed); FY2019's actual is
/// beside them.
async fn mishima_indicator_history(driver: &Driver, seeds: &Seeds, indicator: i64) {
    let tables = portal_tables(driver, seeds, &format!("/p/222062/2019/indicators/{indicator}")).await;
    for (year, target, actual) in [
        ("平成28年度", "3,800件", "3,245件"),
        ("平成29年度", "4,000件", "5,696件"),
        ("平成30年度", "4,200件", "6154件"),
    ] {
        assert_eq!(cell(&tables, year, "目標"), target, "{year}'s target");
        assert_eq!(cell(&tables, year, "実績"), actual, "{year}'s actual");
    }
    assert_eq!(cell(&tables, "令和元年度", "実績"), "7,321件", "the new year beside them");
}

/// 小平市's survey printed No.12's indicator with its 現状値, 目標 and the
/// year's value; the new year carries the 目標.
async fn kodaira_indicator_history(driver: &Driver, seeds: &Seeds, issue: i64) {
    let indicator = seeds.store.item_indicators(issue).await.unwrap();
    let indicator =
        indicator.iter().find(|i| i.name == "施策評価によって成果が上がっている施策数").expect("No.12's indicator");
    let tables = portal_tables(driver, seeds, &format!("/p/132110/2018/indicators/{}", indicator.id)).await;
    let target = "施策評価において設定された成果指標の目標のうち、達成率が100%であったもの95%";
    assert_eq!(
        cell(&tables, "平成28年度", "基準値"),
        "平成27年度の施策評価において設定された成果指標の目標のうち、達成率が100%であったもの57.9% →(107指標のうち、62本)",
        "the 現状値"
    );
    assert_eq!(cell(&tables, "平成29年度", "目標"), target);
    assert_eq!(
        cell(&tables, "平成29年度", "実績"),
        "平成28年度の施策評価において設定された成果指標の目標のうち、達成率が100%であったもの62.6% →(107指標のうち、67本)"
    );
    assert_eq!(cell(&tables, "平成30年度", "目標"), target, "the new year carries the 目標");
}

/// 東村山市's FY2019 sheet printed each objective's 目標, 成果又は課題 and
/// the 部長's grade; FY2020's are on the same objective's page of its year.
async fn objectives_beside_the_document(driver: &Driver, seeds: &Seeds, objective: i64) {
    let page = |fy: i32| format!("/p/132136/{fy}/items/{objective}");
    let before = seeds.public(&page(2019)).await;
    assert!(before.contains("市Facebookの投稿についてタブレット端末を活かした利用増を図る。"), "FY2019's 目標");
    assert!(before.contains("令和元年7月に実施した広報・広聴研修"), "FY2019's 成果又は課題");
    assert_eq!(cell(&portal_tables(driver, seeds, &page(2019)).await, "事後評価", "評価"), "A", "FY2019's grade");
    let after = seeds.public(&page(2020)).await;
    assert!(after.contains("SNSの登録者を1万人にする") && after.contains("登録者は1万2千人となった"), "FY2020's");
    assert!(!after.contains("市Facebookの投稿について"), "FY2019's 目標 is not FY2020's");
    assert_eq!(cell(&portal_tables(driver, seeds, &page(2020)).await, "事後評価", "評価"), "A", "FY2020's grade");
    assert!(after.contains(&page(2019)), "FY2020's page links to FY2019's");
}

/// 三島市's public 施策 page shows what its 行政評価表 prints: the 成果指標
/// (attached to the 施策's plan node) with the year's values, and each
/// 施策の方向 with its PDCA.
async fn mishima_measure_page(driver: &Driver, seeds: &Seeds, measure: i64, fy: i32, actual: &str, done: &str) {
    let path = format!("/p/222062/{fy}/items/{measure}");
    let tables = portal_tables(driver, seeds, &path).await;
    assert_eq!(cell(&tables, "電子申請の年間利用件数", "実績"), actual, "the 成果指標 on {path}");
    let page = seeds.public(&path).await;
    assert!(!page.contains("この事業に指標はありません"), "{path}");
    assert!(page.contains("施策の方向の取組（PDCA）"), "the 施策の方向 are listed on {path}");
    assert!(page.contains("IV-7-48-(1)") && page.contains("総合的な情報化施策の推進"), "with their codes");
    assert!(page.contains(done), "and their Do on {path}");
}

/// The document's own year of 三島市's 施策 shows the 成果指標 and 施策の方向
/// the FY2018 document printed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mishima_measure_page_of_the_document_year() {
    let seeds = Seeds::new().await;
    let measure = seeds.item("222062", "measure", "48").await;
    let driver = Driver::start().await;
    let done = "三島市ICT情報化計画の策定を行うにあたり、IT推進本部会議を開催し";
    mishima_measure_page(&driver, &seeds, measure, 2018, "6154件", done).await;
    let page = seeds.public(&format!("/p/222062/2018/items/{measure}")).await;
    for other in ["IV-7-48-(2)", "IV-7-48-(4)", "IV-7-48-(5)"] {
        assert!(page.contains(other), "{other} is listed");
    }
    assert!(!page.contains("IV-7-48-(3)"), "(3) does not exist");
}

/// The API's table of a published year carries the cells its document
/// printed of other years: the white paper of 令和2年度 printed the H22
/// baseline, H26 and H30 actuals and the R4 target of its 目標指標. The
/// open-data file of the year holds the same rows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_year_table_carries_the_history_its_document_printed() {
    let seeds = Seeds::new().await;
    let mut rows: Vec<serde_json::Value> = Vec::new();
    for offset in (0..).step_by(1000) {
        let page = seeds
            .server
            .get(&format!("/api/v1/municipalities/132047/years/2020/indicators?limit=1000&offset={offset}"))
            .await;
        assert_eq!(page.status, 200);
        let body: serde_json::Value = serde_json::from_str(&page.body).unwrap();
        let got = body["rows"].as_array().unwrap().clone();
        let done = got.len() < 1000;
        rows.extend(got);
        if done {
            break;
        }
    }
    let cell = |fy: i64, role: &str| -> String {
        let row = rows
            .iter()
            .find(|r| {
                r["indicator"] == "英語版ホームページのアクセス件数" && r["fiscal_year"] == fy && r["role"] == role
            })
            .unwrap_or_else(|| panic!("no {fy} {role} row of 英語版ホームページのアクセス件数"));
        row["printed"].as_str().unwrap().to_string()
    };
    assert_eq!(cell(2010, "baseline"), "34,677件", "H22 (計画策定時)");
    assert_eq!(cell(2014, "actual"), "60,359件", "H26");
    assert_eq!(cell(2020, "actual"), "202,850件", "R2, the year itself");
    assert_eq!(cell(2022, "target"), "400,000件", "the R4 target");
    let csv = seeds.public("/p/132047/2020/data/indicators").await;
    assert!(csv.contains("34,677件") && csv.contains("400,000件"), "the open-data file of the year holds them too");
    // The FY2018 document (個別事業評価表) printed none of them.
    let earlier = seeds.server.get("/api/v1/municipalities/132047/years/2018/indicators?limit=1000").await;
    assert!(!earlier.body.contains("34,677件"), "another year's document did not print the white paper");
}

/// The `<option>` texts (and `<optgroup>` labels) of the select `id` on a page.
fn options(html: &str, id: &str) -> (Vec<String>, Vec<String>) {
    let Some(start) = html.find(&format!("<select id=\"{id}\"")) else { return (Vec::new(), Vec::new()) };
    let body = &html[start..start + html[start..].find("</select>").expect("a closed select")];
    let strip = |s: &str| {
        let mut out = String::new();
        let mut tag = false;
        for c in s.chars() {
            match c {
                '<' => tag = true,
                '>' => tag = false,
                c if !tag => out.push(c),
                _ => {}
            }
        }
        out.trim().to_string()
    };
    let opts = body
        .split("<option")
        .skip(1)
        .map(|o| strip(&o[o.find('>').unwrap() + 1..o.find("</option>").unwrap()]))
        .collect();
    let groups = body.split("<optgroup label=\"").skip(1).map(|g| g[..g.find('"').unwrap()].to_string()).collect();
    (opts, groups)
}

/// The review offers only the kind's reviewer slots: 三鷹市's 個別事業評価表
/// the 事業評価審査会 at 中間評価 and 事後評価, each on its own scale; 小平市
/// the 行革本部's 2次評価 on S/A/B; 三島市's 行政評価表, 東村山市's 目標管理シート
/// and the white paper's 施策 have no review at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn review_form_offers_only_the_kinds_reviewer_slots() {
    use hyoka_app::sheet::{MoveSheet, SheetRef};
    use hyoka_core::workflow::Transition;
    let seeds = Seeds::new().await;
    let app = App::new(seeds.store.clone());
    let me = Actor::Operator { name: "テストの準備".into() };
    app.run(&me, OpenYear { municipality: "132047".into(), fiscal_year: FiscalYear::new(2019).unwrap() })
        .await
        .unwrap();
    let cases = [
        ("132047", "project", "企-1", 2019),
        ("132047", "measure", "第1-1", 2021),
        ("222062", "measure", "48", 2019),
        ("132136", "department", "経営政策部", 2020),
        ("132110", "issue", "No.12", 2018),
    ];
    let mut pages = Vec::new();
    for (city, kind, code, year) in cases {
        let item = seeds.item(city, kind, code).await;
        let fy = FiscalYear::new(year).unwrap();
        for transition in [Transition::Submit, Transition::Approve] {
            let version = seeds.store.sheet(item, fy).await.unwrap().map_or(0, |s| s.version);
            let sheet = SheetRef { municipality: city.into(), item_id: item, fiscal_year: fy, version };
            app.run(&me, MoveSheet { sheet, transition, grades: Vec::new() }).await.unwrap();
        }
        let login = format!("rv-{city}");
        if pages.iter().all(|p: &(&str, &str, i64, i32, String, _)| p.0 != city) {
            support::account(&seeds.store, &login, Role::Reviewer, Some(city), None).await;
        }
        let mut reviewer = seeds.server.signed_in(&login).await;
        let page = reviewer.get(&format!("/m/{city}/sheets/{item}/{year}")).await;
        assert_eq!(page.status, 200, "{city} {code}");
        assert!(page.body.contains("承認済"), "{city} {code} is approved");
        pages.push((city, code, item, year, page.body, reviewer));
    }
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();

    let (_, _, _, _, mitaka, _) = &pages[0];
    assert_eq!(options(mitaka, "review-stage").0, s(&["中間評価", "事後評価"]));
    assert_eq!(options(mitaka, "review-evaluator").0, s(&["事業評価審査会"]));
    let (grades, groups) = options(mitaka, "review-grade");
    assert_eq!(groups, s(&["中間評価（三鷹市 中間評価）", "事後評価（三鷹市 事後評価）"]));
    assert_eq!(
        grades,
        s(&[
            "選んでください",
            "1 重点的に取り組む",
            "2 経常業務の一環として取り組む",
            "3 見送ることとする",
            "S 計画以上",
            "1 計画どおり",
            "2 計画の7割未満",
            "3 その他（取組方針の変更等）",
        ])
    );

    for (city, code, _, _, page, _) in &pages[1..4] {
        assert!(!page.contains("id=\"review-stage\""), "{city} {code}: no review in the city's cycle");
        assert!(!page.contains("id=\"review-grade\""), "{city} {code}: no grade to give");
    }

    let kodaira_item = pages[4].2;
    let (_, _, _, _, kodaira, _) = &pages[4];
    assert_eq!(options(kodaira, "review-stage").0, s(&["2次評価"]));
    assert_eq!(options(kodaira, "review-evaluator").0, s(&["行革本部"]));
    let (grades, groups) = options(kodaira, "review-grade");
    assert_eq!(groups.len(), 1, "one scale: {groups:?}");
    assert!(groups[0].starts_with("2次評価（"), "{groups:?}");
    assert_eq!(grades.iter().skip(1).map(|g| g.chars().next().unwrap()).collect::<String>(), "SAB");

    // What the form does not offer is refused.
    let (_, _, _, _, _, reviewer) = &mut pages[4];
    let version = seeds.store.sheet(kodaira_item, FiscalYear::new(2018).unwrap()).await.unwrap().unwrap().version;
    let v = version.to_string();
    let wrong = reviewer
        .post(
            &format!("/m/132110/sheets/{kodaira_item}/2018/review"),
            &[("version", &v), ("stage", "first"), ("evaluator", "headquarters"), ("grade", "kodaira-sab:S")],
        )
        .await;
    assert!(
        !seeds.store.evaluations(kodaira_item).await.unwrap().iter().any(|e| e.fiscal_year.year() == 2018
            && e.stage == hyoka_core::Stage::First
            && e.evaluator == hyoka_core::Evaluator::Headquarters),
        "{}",
        wrong.status
    );
    let (_, _, mishima_item, _, _, _) = &pages[2];
    let mut ms = seeds.server.signed_in("rv-222062").await;
    let version = seeds.store.sheet(*mishima_item, FiscalYear::new(2019).unwrap()).await.unwrap().unwrap().version;
    let refused = ms
        .post(
            &format!("/m/222062/sheets/{mishima_item}/2019/review"),
            &[("version", &version.to_string()), ("stage", "yearend"), ("evaluator", "review_board"), ("grade", "")],
        )
        .await;
    assert!(matches!(refused.status, 403 | 422 | 409), "三島市's sheet has no review: {}", refused.status);
}

/// People see plan names and printed codes, never a plan's internal key
/// (`mitaka-basic-plan-4`, `kodaira-reform-3`) nor 「部 企」: the staff's
/// and the public's pages of each seed city, read as Chromium shows them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_internal_plan_keys_on_the_pages_people_read() {
    let seeds = Seeds::new().await;
    let base = seeds.base();
    let driver = Driver::start().await;
    let b = driver.browser().await;
    for (city, year) in [("132047", 2020), ("222062", 2018), ("132110", 2017), ("132136", 2019)] {
        let keys: Vec<String> = seeds.store.plans(city).await.unwrap().into_iter().map(|p| p.code).collect();
        assert!(!keys.is_empty(), "{city} has plans");
        let login = format!("keys-{city}");
        support::account(&seeds.store, &login, Role::Admin, Some(city), None).await;
        let items = seeds.store.items(city).await.unwrap();
        let some: Vec<i64> = items.iter().step_by(items.len().div_ceil(4).max(1)).map(|i| i.id).collect();
        let mut pages = vec![
            "/staff".to_string(),
            format!("/m/{city}/items"),
            format!("/m/{city}/admin/items"),
            format!("/m/{city}/admin/plans"),
            format!("/m/{city}/admin/checks?fy={year}"),
            format!("/p/{city}"),
            format!("/p/{city}/{year}"),
            format!("/p/{city}/{year}/items"),
            format!("/p/{city}/{year}/indicators"),
        ];
        for id in &some {
            pages.push(format!("/m/{city}/sheets/{id}/{year}"));
            pages.push(format!("/m/{city}/admin/items/{id}"));
            pages.push(format!("/p/{city}/{year}/items/{id}"));
        }
        b.sign_in(&base, &login).await;
        for path in &pages {
            b.goto(&format!("{base}{path}")).await;
            let text = b.execute("return document.body.innerText", vec![]).await;
            let text = text.as_str().unwrap_or_default();
            assert!(text.len() > 50, "{path} has a body");
            for key in &keys {
                assert!(!text.contains(key.as_str()), "{path} shows the plan key {key}");
            }
            // 「部 企」 as a label of its own (the 部 of 企-1 by its code), not
            // the end of a department's name before its section (企画部 企画経営課).
            let label = text
                .match_indices("部 企")
                .map(|(at, _)| at)
                .find(|at| text[..*at].chars().next_back().is_none_or(|c| c.is_whitespace() || "（(：:、".contains(c)));
            if let Some(at) = label {
                let from = text[..at].char_indices().rev().nth(40).map_or(0, |(i, _)| i);
                panic!("{path} shows 「部 企」: …{}…", &text[from..(at + 40).min(text.len())]);
            }
        }
        b.goto(&format!("{base}/staff")).await;
        b.sign_out().await;
    }
    b.quit().await;
}
