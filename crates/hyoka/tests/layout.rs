//! `hyoka layout` on the backend of HYOKA_TEST_BACKEND: a preset's
//! definition is shown to start from; a city's own kind is defined from a
//! file (audited once, first of the city's kinds) and shown back; a wrong
//! definition names the key, exits 2 and writes nothing.

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
    String::from_utf8(out.stdout).unwrap()
}

const DEFINITION: &str = r#"code = "fuchu-jigyo"
name = "府中市事業評価シート"
item_kinds = ["project"]
vocabulary = "achievement"

[[sections]]
key = "content"
kind = "narratives"
label = "事業の内容"

[[sections.slots]]
code = "overview"
label = "事業の目的"

[[sections.slots]]
code = "summary"
label = "ふりかえり"

[[sections]]
key = "indicators"
kind = "indicators"
label = "指標"

[[sections]]
key = "grades"
kind = "grades"
label = "評価"

[[sections.grades]]
stage = "yearend"
evaluator = "section"
scale = "kodaira-sab"
label = "課長評価"
writer = "head"
"#;

#[tokio::test]
async fn a_city_defines_its_own_kind_from_a_file() {
    let db = TestDb::new().await;
    let store = db.store().await;
    // The preset as shipped: what a city starts from.
    let mitaka = ok(&db.url, &["layout", "show", "--preset", "mitaka"]);
    assert!(mitaka.contains("code = \"mitaka\"") && mitaka.contains("name = \"個別事業評価表\""), "{mitaka}");
    let out = hyoka(&db.url, &["layout", "show", "--preset", "sapporo"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("様式「sapporo」はありません"));

    ok(&db.url, &["city", "add", "--code", "132063", "--name", "府中市"]);
    let dir = std::env::temp_dir().join(format!("hyoka-layout-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("kind.toml");
    let path = file.to_str().unwrap();

    // Wrong: a grade without a scale. Named, exit 2, nothing written.
    std::fs::write(&file, DEFINITION.replace("scale = \"kodaira-sab\"\n", "")).unwrap();
    let out = hyoka(&db.url, &["layout", "define", "--municipality", "132063", "--file", path]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains(
            "様式の定義の sections[2]（key = \"grades\"）.grades[0].scale: 評価尺度（scale）を書いてください"
        ),
        "{said}"
    );
    assert!(store.sheet_kinds("132063").await.unwrap().iter().all(|k| k.definition.is_none()));

    std::fs::write(&file, DEFINITION).unwrap();
    let said = ok(&db.url, &["layout", "define", "--municipality", "132063", "--file", path]);
    assert!(said.contains("府中市事業評価シート"), "{said}");
    let kinds = store.sheet_kinds("132063").await.unwrap();
    assert_eq!(kinds[0].preset, "fuchu-jigyo");
    assert_eq!(kinds[0].layout().unwrap().grade_slots().next().unwrap().label, "課長評価");
    let audit = store.audit_events(Some("132063"), 100).await.unwrap();
    assert_eq!(audit.iter().filter(|e| e.event.command == "layout.define").count(), 1);
    assert!(store.scales("132063").await.unwrap().iter().any(|s| s.code == "kodaira-sab"), "the scale came along");
    let shown = ok(&db.url, &["layout", "show", "--municipality", "132063", "--kind", "fuchu-jigyo"]);
    assert_eq!(shown, DEFINITION);
    std::fs::remove_dir_all(&dir).ok();
}
