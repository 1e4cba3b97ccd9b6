//! A city's own sheet kind, defined as data: a new city writes a TOML
//! definition on the admin layout page (after looking at a preset's), its
//! projects get sheets of that kind, a staff member fills one in and
//! submits it, and it prints with the city's own headings. A definition
//! that does not check comes back with the key named and writes nothing.

use hyoka_core::access::Role;
use hyoka_store::testing::TestDb;
use hyoka_store::{Municipality, Store};

use crate::sheets::{form_fields, post, set};
use crate::support::{self, Client, Response};

const CITY: &str = "132080";

/// The kind of 調布市's own 事業評価シート: two narratives, one indicator
/// table, one grade by the section head on a 3-grade scale.
pub const DEFINITION: &str = r#"code = "chofu-jigyo"
name = "調布市事業評価シート"
item_kinds = ["project"]
vocabulary = "achievement"

[labels]
"indicator.actual" = "今年度の実績値"

[[sections]]
key = "content"
kind = "narratives"
label = "事業のあらまし"

[[sections.slots]]
code = "overview"
label = "事業の目的と内容"
carried = true

[[sections.slots]]
code = "summary"
label = "今年度のふりかえり"

[[sections]]
key = "indicators"
kind = "indicators"
label = "成果をはかる指標"

[[sections]]
key = "grades"
kind = "grades"
label = "課長の評価"

[[sections.grades]]
stage = "yearend"
evaluator = "section"
scale = "mitaka-midyear"
label = "課長評価"
writer = "head"
"#;

async fn post_ok(c: &mut Client, path: &str, fields: &[(&str, &str)]) -> Response {
    let r = c.post(path, fields).await;
    assert_eq!(r.status, 303, "{path} {fields:?}: {}", r.body);
    r
}

fn id_in(r: &Response) -> i64 {
    let l = r.location().unwrap();
    l.split(['?', '#']).next().unwrap().rsplit('/').next().unwrap().parse().unwrap()
}

async fn audit_of(store: &Store, command: &str) -> usize {
    store.audit_events(Some(CITY), 1000).await.unwrap().iter().filter(|e| e.event.command == command).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_city_defines_its_own_kind_and_works_on_a_sheet_of_it() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let mut tx = store.begin().await.unwrap();
    tx.upsert_municipality(&Municipality { code: CITY.into(), name: "調布市".into() }).await.unwrap();
    tx.commit().await.unwrap();
    support::account(&store, "chofu-admin", Role::Admin, Some(CITY), None).await;
    let server = support::spawn(store.clone()).await;
    let mut admin = server.signed_in("chofu-admin").await;
    let base = format!("/m/{CITY}/admin");

    // A section and a project of it.
    post_ok(&mut admin, &format!("{base}/org/departments"), &[("name", "行政経営部"), ("from", "")]).await;
    let dept = store.departments(CITY).await.unwrap()[0].id.to_string();
    let r = post_ok(
        &mut admin,
        &format!("{base}/org/sections"),
        &[("department", &dept), ("name", "企画経営課"), ("from", "")],
    )
    .await;
    let section = id_in(&r);
    let r = post_ok(
        &mut admin,
        &format!("{base}/items"),
        &[
            ("kind", "project"),
            ("code", "No.1"),
            ("title", "市民協働推進事業"),
            ("fiscal_year", "2025"),
            ("tags", ""),
            ("key", ""),
        ],
    )
    .await;
    let item = id_in(&r);
    post_ok(&mut admin, &format!("{base}/items/{item}/sections"), &[("section", &section.to_string())]).await;

    // A preset's definition is shown to start from.
    let layout = format!("{base}/layout");
    let start = admin.get(&format!("{layout}?start=mitaka")).await;
    assert_eq!(start.status, 200);
    assert!(start.body.contains("part_plan") && start.body.contains("事業評価審査会評価・意見等"), "{}", start.body);

    // A definition with an unknown scale: the key is named, nothing written.
    let define = format!("{layout}/define");
    let wrong = DEFINITION.replace("scale = \"mitaka-midyear\"", "scale = \"three\"");
    let r = admin.post_files(&define, &[("definition", &wrong)], &[]).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains(
            "様式の定義の sections[2]（key = &quot;grades&quot;）.grades[0].scale: 「three」という評価尺度はありません"
        ),
        "{}",
        r.body
    );
    assert!(r.body.contains("scale = &quot;three&quot;"), "what was sent is kept: {}", r.body);
    // And one that does not read: the line and the key.
    let wrong = DEFINITION.replace("stage = \"yearend\"", "stage = \"年末\"");
    let r = admin.post_files(&define, &[("definition", &wrong)], &[]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("様式の定義の34行目（stage）: 「年末」は使えません"), "{}", r.body);
    assert!(store.sheet_kinds(CITY).await.unwrap().iter().all(|k| k.definition.is_none()), "nothing written");
    assert_eq!(audit_of(&store, "layout.define").await, 0);

    // The definition as a file: stored, first of the city's kinds, audited once.
    let r = admin.post_files(&define, &[("definition", "")], &[("file", "kind.toml", DEFINITION.as_bytes())]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let kinds = store.sheet_kinds(CITY).await.unwrap();
    assert_eq!(kinds[0].preset, "chofu-jigyo");
    assert_eq!(kinds[0].definition.as_deref(), Some(DEFINITION));
    assert_eq!(audit_of(&store, "layout.define").await, 1);
    let page = admin.get(&format!("{layout}?done=define")).await;
    assert!(page.body.contains("調布市事業評価シート") && page.body.contains("この市の様式"), "{}", page.body);
    // The same again changes nothing and writes no second record.
    let r = admin.post_files(&define, &[("definition", DEFINITION)], &[]).await;
    assert_eq!(r.status, 303);
    assert_eq!(audit_of(&store, "layout.define").await, 1);

    // 令和7年度 opens; the staff member fills in the sheet and submits it.
    let r = admin.post(&format!("{base}/years/2025/open"), &[]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    support::account(&store, "chofu-editor", Role::Editor, Some(CITY), Some(section)).await;
    let mut editor = server.signed_in("chofu-editor").await;
    let sheet = format!("/m/{CITY}/sheets/{item}/2025");
    let edit = format!("{sheet}/edit");
    let form = editor.get(&edit).await;
    assert_eq!(form.status, 200, "{}", form.body);
    for label in ["事業のあらまし", "事業の目的と内容", "今年度のふりかえり", "成果をはかる指標"]
    {
        assert!(form.body.contains(label), "{label} on the form: {}", form.body);
    }
    assert!(!form.body.contains("中間評価"), "not 三鷹市's parts");
    let mut fields = form_fields(&form.body, "sheet-form");
    set(&mut fields, "n.overview.0", "市民活動団体との協働を進める");
    set(&mut fields, "n.summary.0", "協働提案が12件あった");
    let r = post(&mut editor, &edit, &fields).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let version = store.sheet(item, hyoka_core::FiscalYear::new(2025).unwrap()).await.unwrap().unwrap().version;
    let r = editor.post(&format!("{sheet}/submit"), &[("version", &version.to_string())]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let s = store.sheet(item, hyoka_core::FiscalYear::new(2025).unwrap()).await.unwrap().unwrap();
    assert_eq!(s.status, hyoka_core::workflow::SheetStatus::Submitted);

    // It prints as the city's form, with the city's headings.
    let pdf = editor.get(&format!("{sheet}/print/pdf")).await;
    assert_eq!(pdf.status, 200);
    let text = crate::report_support::pdftotext(&pdf.bytes);
    for part in ["調布市事業評価シート", "事業の目的と内容", "今年度のふりかえり", "協働提案が12件あった", "課長評価"]
    {
        assert!(text.contains(part), "{part} is printed:\n{text}");
    }
    assert!(!text.contains("事業評価審査会"), "{text}");
}
