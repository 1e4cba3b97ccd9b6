//! 小平市's 工程表 on the sheet form: stored rows become fields, a typed
//! row is checked naming its row and year, a valid one is saved with its
//! audit record. Runs on the backend HYOKA_TEST_BACKEND names.

use std::collections::BTreeMap;
use std::sync::Arc;

use hyoka_app::sheet::{draft, SaveSheet, SheetContent, SheetContext};
use hyoka_app::{Actor, App};
use hyoka_core::access::Action;
use hyoka_core::sheet::draft::read_form;
use hyoka_core::time::{FixedClock, Timestamp};
use hyoka_core::FiscalYear;
use hyoka_store::testing::TestDb;

const KODAIRA: &str = "132110";

fn fy(y: i32) -> FiscalYear {
    FiscalYear::new(y).unwrap()
}

#[tokio::test]
async fn the_roadmap_is_edited_checked_and_saved() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let file = "003_cdfef3ca57f45fe5.txt";
    let text = std::fs::read_to_string(format!("{}/../../demo/seeds/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let (_, batch) = hyoka_import::read_published(file, &text).unwrap();
    let clock = Arc::new(FixedClock(Timestamp::parse_iso("2018-06-01T00:00:00Z").unwrap()));
    let app = App::with_clock(store.clone(), clock);
    let import = hyoka_app::import::ImportBatches::new(vec![(file.to_string(), batch)], false);
    app.run(&Actor::Operator { name: "準備".into() }, import).await.unwrap();
    let actor = Actor::command_line();
    let item = store.items(KODAIRA).await.unwrap().into_iter().find(|i| i.code == "No.26").unwrap();
    let year = fy(2017);
    let ctx = SheetContext::load(&store, &actor, KODAIRA, item.id, year, Action::Edit).await.unwrap();
    let content = SheetContent::load(&store, &ctx).await.unwrap();
    let stored = draft::stored(&ctx, &content, &actor);
    assert_eq!(stored.get("r.0.step"), "・保育料の見直し");
    assert_eq!(stored.get("r.0.2017.p"), "検討");
    assert_eq!(stored.get("r.0.2019.p"), "条例改正");
    assert!(stored.has("r.0.2020.a") && !stored.has("r.0.2021.p"), "the plan's four years");
    let form = |extra: &[(&str, &str)]| {
        let mut form: BTreeMap<String, String> =
            stored.list.iter().map(|f| (f.name.clone(), f.value.clone())).collect();
        for (k, v) in extra {
            form.insert(k.to_string(), v.to_string());
        }
        form
    };

    // A spare row with a plan but no step (kept: a step's later line), an
    // actual too long, a line break.
    let long = "あ".repeat(201);
    let rules = draft::rules(&ctx, &content);
    let (_, errors) = read_form(
        &stored,
        &form(&[("r.2.2019.p", "→"), ("r.0.2018.a", &long), ("r.1.step", "・周知"), ("r.1.2020.p", "a\nb")]),
        &rules,
    );
    assert_eq!(errors.get("r.2.step"), None, "{errors:?}");
    assert_eq!(
        errors.get("r.0.2018.a").map(String::as_str),
        Some("工程表の1行目 平成30年度の実績: 200文字以内で入力してください（201文字）")
    );
    assert!(
        errors.get("r.1.2020.p").is_some_and(|e| e.starts_with("工程表の2行目 令和2年度の計画: 改行")),
        "{errors:?}"
    );

    // A valid edit: an actual in 平成30年度 and a new row; a blank spare row is dropped.
    let (edited, errors) = read_form(
        &stored,
        &form(&[("r.0.2018.a", " 条例改正案を作成 "), ("r.2.step", "・保護者への周知"), ("r.2.2020.p", "実施")]),
        &rules,
    );
    assert!(errors.is_empty(), "{errors:?}");
    let before = store.audit_event_count().await.unwrap();
    let save = SaveSheet {
        municipality: KODAIRA.into(),
        item_id: item.id,
        fiscal_year: year,
        version: ctx.version,
        draft: edited,
    };
    app.run(&actor, save).await.unwrap();
    assert_eq!(store.audit_event_count().await.unwrap(), before + 1);
    let rows = store.roadmap_of_year(item.id, year).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].step, "・保育料の見直し");
    assert_eq!((rows[0].planned(fy(2018)), rows[0].actual(fy(2018))), ("→", "条例改正案を作成"));
    assert_eq!(rows[0].planned(fy(2019)), "条例改正", "untouched cells stay as printed");
    assert_eq!((rows[1].step.as_str(), rows[1].planned(fy(2020))), ("・保護者への周知", "実施"));
    let history = store.history(item.id).await.unwrap();
    assert!(history.iter().any(|h| h.after.as_deref() == Some("条例改正案を作成")), "{history:?}");
}
