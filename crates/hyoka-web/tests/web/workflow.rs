//! The review workflow over real HTTP, on the test backend: submit →
//! approve (or return with a reason) → review → lock, with every refusal:
//! the wrong person (403), another city (404), the wrong moment (409).

use crate::support;

use hyoka_core::access::Role;
use hyoka_core::org::Validity;
use hyoka_core::workflow::SheetStatus;
use hyoka_core::{EvaluationScale, Evaluator, FiscalYear, Stage};
use hyoka_store::testing::TestDb;
use hyoka_store::{Municipality, NewItem, Store};

const MITAKA: &str = "132047";
const MISHIMA: &str = "222062";

fn fy2018() -> FiscalYear {
    FiscalYear::new(2018).unwrap()
}

struct Ids {
    /// 企画部's item.
    item: i64,
    /// 総務部's item.
    other_section_item: i64,
    /// 三島市's item.
    other_city_item: i64,
}

/// 三鷹市 with two departments, an item each and its two scales; 三島市
/// with one item; an account for every role.
async fn seed(store: &Store) -> Ids {
    let mut tx = store.begin().await.unwrap();
    tx.upsert_municipality(&Municipality { code: MITAKA.into(), name: "三鷹市".into() }).await.unwrap();
    tx.upsert_municipality(&Municipality { code: MISHIMA.into(), name: "三島市".into() }).await.unwrap();
    let kikaku = tx.upsert_section(MITAKA, "企画部", "企画経営課", Validity::default()).await.unwrap();
    let somu = tx.upsert_section(MITAKA, "総務部", "総務課", Validity::default()).await.unwrap();
    let joho = tx.upsert_section(MISHIMA, "企画戦略部", "情報政策課", Validity::default()).await.unwrap();
    let item = |key: &str, code: &str, title: &str| NewItem {
        key: key.into(),
        kind: "project".into(),
        code: code.into(),
        title: title.into(),
    };
    let a = tx.upsert_item(MITAKA, &item("k1", "企-1", "自治基本条例の推進")).await.unwrap();
    let b = tx.upsert_item(MITAKA, &item("s1", "総-1", "文書管理の電子化")).await.unwrap();
    let c = tx.upsert_item(MISHIMA, &item("m1", "1", "セキュリティ対策事業")).await.unwrap();
    tx.assign_section(a, kikaku).await.unwrap();
    tx.assign_section(b, somu).await.unwrap();
    tx.assign_section(c, joho).await.unwrap();
    for id in [a, b] {
        tx.set_item_details(id, Some(fy2018()), &[], None).await.unwrap();
    }
    tx.save_scale(MITAKA, &EvaluationScale::mitaka_midyear()).await.unwrap();
    tx.save_scale(MITAKA, &EvaluationScale::mitaka_yearend()).await.unwrap();
    tx.commit().await.unwrap();
    let accounts = [
        ("editor", Role::Editor, Some(MITAKA), Some(kikaku)),
        ("head", Role::Head, Some(MITAKA), Some(kikaku)),
        ("head-somu", Role::Head, Some(MITAKA), Some(somu)),
        ("editor-somu", Role::Editor, Some(MITAKA), Some(somu)),
        ("reviewer", Role::Reviewer, Some(MITAKA), None),
        ("viewer", Role::Viewer, Some(MITAKA), None),
        ("admin", Role::Admin, Some(MITAKA), None),
        ("mishima-admin", Role::Admin, Some(MISHIMA), None),
        ("mishima-head", Role::Head, Some(MISHIMA), Some(joho)),
        ("system", Role::SystemAdmin, None, None),
    ];
    for (login, role, city, section) in accounts {
        support::account(store, login, role, city, section).await;
    }
    Ids { item: a, other_section_item: b, other_city_item: c }
}

/// Marks a sheet as being written (作成中), as a save would.
async fn start_drafting(store: &Store, item: i64) {
    let mut tx = store.begin().await.unwrap();
    let sheet = tx.sheet_for_update(item, fy2018()).await.unwrap();
    assert!(tx.advance_sheet(sheet.id, sheet.version, SheetStatus::Drafting, None).await.unwrap());
    tx.commit().await.unwrap();
}

async fn status(store: &Store, item: i64) -> SheetStatus {
    store.sheet(item, fy2018()).await.unwrap().map_or(SheetStatus::NotStarted, |s| s.status)
}

async fn version(store: &Store, item: i64) -> String {
    store.sheet(item, fy2018()).await.unwrap().map_or(0, |s| s.version).to_string()
}

fn base(code: &str, item: i64) -> String {
    format!("/m/{code}/sheets/{item}/2018")
}

/// The `version` the page's first workflow form carries.
fn version_in(html: &str) -> Option<String> {
    let key = "name=\"version\" value=\"";
    let at = html.find(key)? + key.len();
    Some(html[at..].split('"').next()?.to_string())
}

#[tokio::test]
async fn submit_approve_review_lock() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let ids = seed(&store).await;
    start_drafting(&store, ids.item).await;
    let server = support::spawn(store.clone()).await;
    let b = base(MITAKA, ids.item);

    // The editor sees the submit button and the version it carries.
    let mut editor = server.signed_in("editor").await;
    let page = editor.get(&format!("{b}/workflow")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("作成中") && page.body.contains("提出する"), "{}", page.body);
    assert!(!page.body.contains("承認する"), "an editor does not approve");
    let v = version_in(&page.body).expect("the form names the version");
    assert_eq!(v, version(&store, ids.item).await);
    let r = editor.post(&format!("{b}/submit"), &[("version", &v), ("back", "workflow")]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location(), Some(format!("{b}/workflow?done=submit").as_str()));
    assert_eq!(status(&store, ids.item).await, SheetStatus::Submitted);
    let history = store.history(ids.item).await.unwrap();
    let h = &history[0];
    assert_eq!((h.field.as_str(), h.before.as_deref(), h.after.as_deref()), ("状態", Some("作成中"), Some("提出済")));
    assert_eq!(h.account_name.as_deref(), Some("editor さん"));
    // Without `back`, the person returns to the sheet.
    let r = editor.post(&format!("{b}/submit"), &[("version", &version(&store, ids.item).await)]).await;
    assert_eq!(r.status, 409, "a submitted sheet is not submitted again");

    // The head approves.
    let mut head = server.signed_in("head").await;
    let page = head.get(&format!("{b}/workflow")).await;
    assert!(page.body.contains("承認する") && page.body.contains("差し戻す"));
    let v = version_in(&page.body).unwrap();
    let r = head.post(&format!("{b}/approve"), &[("version", &v)]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location(), Some(b.as_str()));
    assert_eq!(status(&store, ids.item).await, SheetStatus::Approved);

    // The reviewer grades the year-end stage on 三鷹市's year-end scale.
    let mut reviewer = server.signed_in("reviewer").await;
    let page = reviewer.get(&format!("{b}/workflow")).await;
    assert!(page.body.contains("評価を登録する"), "{}", page.body);
    assert!(page.body.contains("S 計画以上") && page.body.contains("三鷹市 事後評価"), "grades from the city's scales");
    assert!(!page.body.contains("value=\"section\""), "a reviewer does not grade as the section");
    let v = version_in(&page.body).unwrap();
    // Nothing at all to record is refused.
    let nothing = [("version", v.as_str()), ("stage", "yearend"), ("evaluator", "review_board"), ("grade", "")];
    let r = reviewer.post(&format!("{b}/review"), &nothing).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("評価を選んでください"));
    let grade = [
        ("version", v.as_str()),
        ("stage", "yearend"),
        ("evaluator", "review_board"),
        ("grade", "mitaka-yearend:S"),
        ("comment", "計画以上の成果をあげた。"),
    ];
    let r = reviewer.post(&format!("{b}/review"), &grade).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(status(&store, ids.item).await, SheetStatus::Reviewed);
    let evals = store.evaluations(ids.item).await.unwrap();
    assert_eq!(evals.len(), 1);
    assert_eq!((evals[0].stage, evals[0].evaluator), (Stage::YearEnd, Evaluator::ReviewBoard));
    assert_eq!(evals[0].scale.as_deref(), Some("mitaka-yearend"));
    assert_eq!(evals[0].grade.as_deref(), Some("S"));
    assert_eq!(evals[0].comment.as_deref(), Some("計画以上の成果をあげた。"));
    // The comment is searchable.
    assert_eq!(store.search(MITAKA, "成果", 10).await.unwrap().total, 1);

    // Grading a 審査済 sheet again keeps it 審査済; a bare grade finds the
    // stage's scale.
    let v = version(&store, ids.item).await;
    let again = [("version", v.as_str()), ("stage", "midyear"), ("evaluator", "review_board"), ("grade", "1")];
    let r = reviewer.post(&format!("{b}/review"), &again).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(status(&store, ids.item).await, SheetStatus::Reviewed);
    let evals = store.evaluations(ids.item).await.unwrap();
    assert!(evals.iter().any(|e| e.stage == Stage::MidYear && e.scale.as_deref() == Some("mitaka-midyear")));
    let fields: Vec<String> = store.history(ids.item).await.unwrap().into_iter().map(|h| h.field).collect();
    assert!(fields.contains(&"評価 事後評価（事業評価審査会）".to_string()), "{fields:?}");
    assert!(fields.contains(&"意見 事後評価（事業評価審査会）".to_string()), "{fields:?}");
    assert!(fields.contains(&"評価 中間評価（事業評価審査会）".to_string()), "{fields:?}");

    // The review board's opinion (a narrative the layout leaves to
    // reviewers) may be written without a grade; a comment alone keeps
    // the grade given before.
    assert!(page.body.contains("事業評価審査会評価・意見等"), "the layout's opinion slot is offered");
    let v = version(&store, ids.item).await;
    let opinion = [
        ("version", v.as_str()),
        ("stage", "yearend"),
        ("evaluator", "review_board"),
        ("grade", ""),
        ("comment", "引き続き推進すること。"),
        ("slot.board_opinion", "・電子申請の周知を強化すること\n・利用者アンケートを実施すること"),
        ("slot.summary", "主管課の総括を書き換えようとしても無視される"),
    ];
    let r = reviewer.post(&format!("{b}/review"), &opinion).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let narratives = store.narratives(ids.item).await.unwrap();
    let board = narratives.iter().find(|n| n.slot == "board_opinion").expect("the opinion is stored");
    assert_eq!(board.fiscal_year, Some(fy2018()));
    assert!(board.text.to_plain_text().contains("電子申請の周知を強化すること"));
    assert!(!narratives.iter().any(|n| n.slot == "summary"), "the section's slots are not the reviewer's");
    let evals = store.evaluations(ids.item).await.unwrap();
    let yearend = evals.iter().find(|e| e.stage == Stage::YearEnd).unwrap();
    assert_eq!(yearend.grade.as_deref(), Some("S"), "a blank grade keeps the grade");
    assert_eq!(yearend.comment.as_deref(), Some("引き続き推進すること。"));
    let history = store.history(ids.item).await.unwrap();
    assert!(history.iter().any(|h| h.field == "事業評価審査会評価・意見等"), "the opinion is in the history");
    let page = reviewer.get(&format!("{b}/workflow")).await;
    assert!(page.body.contains("電子申請の周知を強化すること"), "the form shows the opinion");
    // Only the city's own stages and review bodies: 三鷹市 has no 行革本部
    // and no 2次評価 (小平市's).
    let v = version(&store, ids.item).await;
    let page = reviewer.get(&format!("{b}/workflow")).await;
    assert!(!page.body.contains("value=\"headquarters\"") && !page.body.contains("value=\"second\""), "{}", page.body);
    let foreign = [("version", v.as_str()), ("stage", "second"), ("evaluator", "review_board"), ("grade", "S")];
    assert_eq!(reviewer.post(&format!("{b}/review"), &foreign).await.status, 422);
    let foreign = [("version", v.as_str()), ("stage", "yearend"), ("evaluator", "headquarters"), ("grade", "S")];
    assert_eq!(reviewer.post(&format!("{b}/review"), &foreign).await.status, 403);

    // The admin locks the year: every sheet of it becomes 確定.
    let mut admin = server.signed_in("admin").await;
    let r = admin.post("/m/132047/admin/years/2018/lock", &[("confirm", "yes")]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(store.fiscal_year(MITAKA, fy2018()).await.unwrap().locked);
    assert_eq!(status(&store, ids.item).await, SheetStatus::Final);
    assert_eq!(status(&store, ids.other_section_item).await, SheetStatus::Final, "every sheet of the year");
    let h = &store.history(ids.item).await.unwrap()[0];
    assert_eq!((h.before.as_deref(), h.after.as_deref()), (Some("審査済"), Some("確定")));

    // Locked: nothing moves any more, whoever tries (409), and the panel
    // says why instead of offering buttons.
    let v = version(&store, ids.item).await;
    let page = reviewer.get(&format!("{b}/workflow")).await;
    assert!(page.body.contains("確定済み") && !page.body.contains("評価を登録する"));
    let grade = [("version", v.as_str()), ("stage", "yearend"), ("evaluator", "review_board"), ("grade", "1")];
    assert_eq!(reviewer.post(&format!("{b}/review"), &grade).await.status, 409);
    assert_eq!(head.post(&format!("{b}/return"), &[("version", &v), ("comment", "再考")]).await.status, 409);
    assert_eq!(editor.post(&format!("{b}/submit"), &[("version", &v)]).await.status, 409);
    assert_eq!(admin.post("/m/132047/admin/years/2018/lock", &[("confirm", "yes")]).await.status, 409);
    let r = admin.post("/m/132047/admin/years/2018/deadline", &[("deadline", "2019-05-31")]).await;
    assert_eq!(r.status, 409, "a locked year's deadline stays");
}

#[tokio::test]
async fn a_return_needs_its_reason_and_shows_it() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let ids = seed(&store).await;
    let server = support::spawn(store.clone()).await;
    let b = base(MITAKA, ids.item);
    let mut editor = server.signed_in("editor").await;
    // A sheet nobody has saved yet (未着手) may be submitted too.
    let r = editor.post(&format!("{b}/submit"), &[("version", "0")]).await;
    assert_eq!(r.status, 303, "{}", r.body);

    let mut head = server.signed_in("head").await;
    let v = version(&store, ids.item).await;
    let r = head.post(&format!("{b}/return"), &[("version", &v), ("comment", "  ")]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("差戻しの理由を入力してください"), "the message names the field");
    assert!(r.body.contains("aria-invalid=\"true\""), "the field is marked");
    assert_eq!(status(&store, ids.item).await, SheetStatus::Submitted, "nothing changed");

    let reason = "成果指標の実績が未記入です。<b>確認</b>してください。";
    let r = head.post(&format!("{b}/return"), &[("version", &v), ("comment", reason)]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(status(&store, ids.item).await, SheetStatus::Returned);
    let history = store.history(ids.item).await.unwrap();
    assert!(history.iter().any(|h| h.field == "差戻しの理由" && h.after.as_deref() == Some(reason)));
    assert!(history.iter().any(|h| h.field == "状態" && h.after.as_deref() == Some("差戻し")));

    // The editor sees the reason (escaped) and may submit again.
    let page = editor.get(&format!("{b}/workflow")).await;
    assert!(page.body.contains("成果指標の実績が未記入です。&lt;b&gt;確認&lt;/b&gt;してください。"), "{}", page.body);
    assert!(page.body.contains("head さん"), "who returned it");
    let v = version_in(&page.body).unwrap();
    assert_eq!(editor.post(&format!("{b}/submit"), &[("version", &v)]).await.status, 303);
    assert_eq!(status(&store, ids.item).await, SheetStatus::Submitted);

    // An approved sheet may still be returned by its head.
    let v = version(&store, ids.item).await;
    assert_eq!(head.post(&format!("{b}/approve"), &[("version", &v)]).await.status, 303);
    let v = version(&store, ids.item).await;
    assert_eq!(head.post(&format!("{b}/return"), &[("version", &v), ("comment", "再確認")]).await.status, 303);
    assert_eq!(status(&store, ids.item).await, SheetStatus::Returned);
}

#[tokio::test]
async fn the_wrong_person_the_wrong_city_the_wrong_moment() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let ids = seed(&store).await;
    start_drafting(&store, ids.item).await;
    let server = support::spawn(store.clone()).await;
    let b = base(MITAKA, ids.item);
    let v = version(&store, ids.item).await;
    let review = |v: &str| {
        vec![
            ("version", v.to_string()),
            ("stage", "yearend".to_string()),
            ("evaluator", "review_board".to_string()),
            ("grade", "mitaka-yearend:1".to_string()),
        ]
    };
    async fn post(c: &mut support::Client, path: &str, fields: &[(&str, String)]) -> u16 {
        let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        c.post(path, &f).await.status
    }
    let with_version = vec![("version", v.clone()), ("comment", "理由".to_string())];

    // Not one's own: 403.
    let mut viewer = server.signed_in("viewer").await;
    for action in ["submit", "approve", "return"] {
        assert_eq!(post(&mut viewer, &format!("{b}/{action}"), &with_version).await, 403, "viewer {action}");
    }
    assert_eq!(post(&mut viewer, &format!("{b}/review"), &review(&v)).await, 403, "viewer review");
    let page = viewer.get(&format!("{b}/workflow")).await;
    assert_eq!(page.status, 200, "a viewer may look");
    assert!(!page.body.contains("<form method=\"post\" action=\"/m/132047/sheets"), "but gets no buttons");
    let mut editor = server.signed_in("editor").await;
    assert_eq!(post(&mut editor, &format!("{b}/approve"), &with_version).await, 403, "an editor does not approve");
    assert_eq!(post(&mut editor, &format!("{b}/review"), &review(&v)).await, 403, "nor review");
    let mut editor_somu = server.signed_in("editor-somu").await;
    assert_eq!(post(&mut editor_somu, &format!("{b}/submit"), &with_version).await, 403, "another section's sheet");
    let mut reviewer = server.signed_in("reviewer").await;
    assert_eq!(post(&mut reviewer, &format!("{b}/submit"), &with_version).await, 403, "a reviewer does not submit");
    assert_eq!(post(&mut reviewer, &format!("{b}/approve"), &with_version).await, 403, "nor approve");

    // Submitted, the sheet still refuses the wrong people.
    assert_eq!(post(&mut editor, &format!("{b}/submit"), &with_version).await, 303);
    let v = version(&store, ids.item).await;
    let with_version = vec![("version", v.clone()), ("comment", "理由".to_string())];
    let mut head_somu = server.signed_in("head-somu").await;
    assert_eq!(post(&mut head_somu, &format!("{b}/approve"), &with_version).await, 403, "head of another section");
    assert_eq!(post(&mut head_somu, &format!("{b}/return"), &with_version).await, 403);

    // Another city's people, and the system administrator: 404, whatever the role.
    for login in ["mishima-admin", "mishima-head", "system"] {
        let mut c = server.signed_in(login).await;
        for action in ["submit", "approve", "return"] {
            assert_eq!(post(&mut c, &format!("{b}/{action}"), &with_version).await, 404, "{login} {action}");
        }
        assert_eq!(post(&mut c, &format!("{b}/review"), &review(&v)).await, 404, "{login} review");
        assert_eq!(c.get(&format!("{b}/workflow")).await.status, 404, "{login} page");
    }
    // An item of another city under one's own city's address: 404.
    let mut head = server.signed_in("head").await;
    let foreign = base(MITAKA, ids.other_city_item);
    assert_eq!(post(&mut head, &format!("{foreign}/approve"), &with_version).await, 404);
    assert_eq!(post(&mut head, "/m/132047/sheets/999999/2018/approve", &with_version).await, 404);
    assert_eq!(post(&mut head, &format!("/m/132047/sheets/{}/R01/approve", ids.item), &with_version).await, 404);

    // The wrong moment: 409.
    assert_eq!(post(&mut reviewer, &format!("{b}/review"), &review(&v)).await, 409, "not yet approved");
    let stale = vec![("version", (v.parse::<i64>().unwrap() - 1).to_string())];
    assert_eq!(post(&mut head, &format!("{b}/approve"), &stale).await, 409, "a stale version");
    let r = head.post(&format!("{b}/approve"), &[("comment", "")]).await;
    assert_eq!(r.status, 422, "no version at all");
    assert_eq!(status(&store, ids.item).await, SheetStatus::Submitted, "nothing moved");
    let drafting = base(MITAKA, ids.other_section_item);
    start_drafting(&store, ids.other_section_item).await;
    let dv = version(&store, ids.other_section_item).await;
    assert_eq!(post(&mut head_somu, &format!("{drafting}/approve"), &[("version", dv)]).await, 409, "作成中");

    // A reviewer grades only as a review body, only on the scale.
    assert_eq!(post(&mut head, &format!("{b}/approve"), &with_version).await, 303);
    let v = version(&store, ids.item).await;
    let as_section = vec![
        ("version", v.clone()),
        ("stage", "yearend".to_string()),
        ("evaluator", "section".to_string()),
        ("grade", "mitaka-yearend:1".to_string()),
    ];
    assert_eq!(post(&mut reviewer, &format!("{b}/review"), &as_section).await, 403);
    let off_scale = [("version", v.as_str()), ("stage", "midyear"), ("evaluator", "review_board"), ("grade", "S")];
    let r = reviewer.post(&format!("{b}/review"), &off_scale).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("評価「S」は尺度「三鷹市 中間評価」にありません"), "{}", r.body);
    assert_eq!(status(&store, ids.item).await, SheetStatus::Approved);
    // The admin may enter the section's own grade.
    let mut admin = server.signed_in("admin").await;
    assert_eq!(post(&mut admin, &format!("{b}/review"), &as_section).await, 303);
    assert_eq!(status(&store, ids.item).await, SheetStatus::Reviewed);
}

#[tokio::test]
async fn the_panel_shows_the_deadline_and_lateness() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let ids = seed(&store).await;
    let server = support::spawn(store.clone()).await;
    // A deadline in the past makes an unsubmitted sheet late.
    let mut admin = server.signed_in("admin").await;
    let r = admin.post("/m/132047/admin/years/2018/deadline", &[("deadline", "平成31年4月26日")]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let mut editor = server.signed_in("editor").await;
    let page = editor.get(&format!("{}/workflow", base(MITAKA, ids.item))).await;
    assert!(page.body.contains("平成31年4月26日（2019-04-26）"), "{}", page.body);
    assert!(page.body.contains("期限を") && page.body.contains("日過ぎています"));
}
