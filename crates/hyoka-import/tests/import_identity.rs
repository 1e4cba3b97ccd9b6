//! Export → import is the identity for every canonical form, on the whole
//! database (every table, every row), starting from the five seeds. And
//! `--dry-run` reports exactly what a real run does: a run reported
//! unchanged leaves the database as it was. On the test backend.

#[path = "common/dump.rs"]
mod dump;
#[path = "common/seeds.rs"]
mod seeds;

use hyoka_core::{FiscalYear, Narrative, ValueRole};
use hyoka_import::batch::{ItemRow, NodeRow};
use hyoka_import::{apply, canonical, ApplyReport, Batch};
use seeds::{exported, forms, read_files, seeded, KODAIRA, MITAKA};

fn fy(y: i32) -> FiscalYear {
    FiscalYear::new(y).unwrap()
}

#[tokio::test]
async fn export_then_import_changes_nothing_in_any_form() {
    let (db, store) = seeded().await;
    let before = dump::dump(&db.url).await;
    let export = exported(&store).await;
    for (form, files) in forms(&export) {
        let batches = read_files(&files);
        let dry = apply(&store, &batches, true).await.unwrap();
        assert!(dry.is_unchanged(), "{form}: {}", dry.summary(10));
        let real = apply(&store, &batches, false).await.unwrap();
        assert_eq!(real, ApplyReport { dry_run: false, ..dry }, "{form}");
        before.assert_same(&dump::dump(&db.url).await, &format!("importing the {form} export"));
        // And the export of the result is the same file, byte for byte.
        let again = forms(&exported(&store).await).into_iter().find(|(f, _)| *f == form).unwrap().1;
        assert!(again == files, "{form}: the second export differs from the first");
    }
}

#[tokio::test]
async fn the_value_printed_first_stays_the_value_through_a_round_trip() {
    // 小平市 prints ボランティア参加者数 FY2017 in the summary sheet (2,067人
    // with its parts) and once per sub-sheet (the parts alone). The summary
    // sheet's printing is the value, before and after the round trip.
    let (db, store) = seeded().await;
    let findings = store.findings(None).await.unwrap();
    let actual = |store: &hyoka_store::Store| {
        let store = store.clone();
        async move {
            let ind = store.indicators(KODAIRA).await.unwrap().into_iter().find(|i| i.key == "No.2-1~5:1").unwrap();
            let v = store.indicator_values(ind.id).await.unwrap();
            let v = v.into_iter().find(|v| v.fiscal_year == fy(2017) && v.role == ValueRole::Actual).unwrap();
            (v.cell.printed().to_string(), v.cell.primary_number().map(|n| n.plain()))
        }
    };
    let (printed, number) = actual(&store).await;
    assert!(printed.starts_with("2,067人 (スポーツボランティア延べ117人)"), "{printed}");
    assert_eq!(number.as_deref(), Some("2067"));
    let before = dump::dump(&db.url).await;

    let json = canonical::json_bytes(&exported(&store).await);
    let report = apply(&store, &read_files(&[("export.json".into(), json)]), false).await.unwrap();
    assert!(report.is_unchanged(), "{}", report.summary(10));
    assert_eq!(actual(&store).await, (printed, number));
    assert_eq!(store.findings(None).await.unwrap().len(), findings.len(), "findings are not added again");
    before.assert_same(&dump::dump(&db.url).await, "the JSON round trip");
}

/// Edits of every kind a person makes in a workbook.
fn edit(batch: &mut Batch) {
    let kodaira = batch.cities.iter_mut().find(|c| c.code == KODAIRA).unwrap();
    let item = kodaira.items.iter_mut().find(|i| i.key == "No.2-1~5").unwrap();
    item.title.push_str("（改）");
    item.narratives.pop();
    item.narratives[0].text = Narrative::from_markup("書き換えた本文\n- 箇条書き");
    let ind = kodaira.indicators.iter_mut().find(|i| i.key == "No.2-1~5:1").unwrap();
    // Another printing leads: the value of FY2017 changes, the printings do not.
    let at = ind.values.iter().position(|v| v.fiscal_year == fy(2017) && v.role == ValueRole::Actual).unwrap();
    let lead = ind.values.remove(at);
    let next = ind.values.iter().position(|v| v.fiscal_year == fy(2017) && v.role == ValueRole::Actual).unwrap();
    ind.values.insert(next + 1, lead);
    let plan = &mut kodaira.plans[0];
    plan.nodes.swap(1, 2);
    plan.nodes.push(NodeRow {
        code: "新-1".into(),
        parent: None,
        title: "新しい項目".into(),
        tags: vec!["新規".into()],
    });

    let mitaka = batch.cities.iter_mut().find(|c| c.code == MITAKA).unwrap();
    mitaka.name = "三鷹市（改）".into();
    mitaka.items.push(ItemRow {
        key: "new-item".into(),
        kind: "project".into(),
        code: "企-99".into(),
        title: "新しい事業".into(),
        fiscal_year: Some(fy(2018)),
        ..ItemRow::default()
    });
    let budgeted = mitaka.items.iter_mut().find(|i| !i.budgets.is_empty()).unwrap();
    budgeted.budgets.clear();
}

#[tokio::test]
async fn a_dry_run_reports_what_the_real_run_does_and_unchanged_means_unchanged() {
    let (db, store) = seeded().await;
    let mut batch = exported(&store).await;
    edit(&mut batch);
    for (form, files) in forms(&batch) {
        let batches = read_files(&files);
        let before = dump::dump(&db.url).await;
        let dry = apply(&store, &batches, true).await.unwrap();
        before.assert_same(&dump::dump(&db.url).await, &format!("{form}: a dry run"));
        let real = apply(&store, &batches, false).await.unwrap();
        assert_eq!(real, ApplyReport { dry_run: false, ..dry.clone() }, "{form}");
        let after = dump::dump(&db.url).await;
        if form == "json" {
            // The first form brings the edits; the others find them done.
            assert!(!dry.is_unchanged());
            let kodaira = dry.cities.iter().find(|c| c.code == KODAIRA).unwrap();
            assert_eq!(kodaira.values.changed, 1, "the FY2017 value: {}", dry.summary(20));
            assert!(kodaira.removed() >= 1, "{}", dry.summary(20));
            assert_eq!(kodaira.plan_nodes.added, 1);
            assert!(kodaira.organisation.changed >= 1, "the node order: {}", dry.summary(20));
            let mitaka = dry.cities.iter().find(|c| c.code == MITAKA).unwrap();
            assert_eq!((mitaka.items.added, mitaka.organisation.changed), (1, 1), "{}", dry.summary(20));
            assert!(mitaka.records.removed >= 1);
            assert_ne!(before, after);
        } else {
            assert!(dry.is_unchanged(), "{form}: {}", dry.summary(20));
            before.assert_same(&after, &format!("{form}: a run reported unchanged"));
        }
        // The same files again: reported unchanged, and they are.
        let again = apply(&store, &batches, false).await.unwrap();
        assert!(again.is_unchanged(), "{form}: {}", again.summary(20));
        after.assert_same(&dump::dump(&db.url).await, &format!("{form}: a second run"));
    }
}

#[test]
fn the_roadmap_goes_through_every_form_and_files_without_it_still_import() {
    let mut batch = Batch::default();
    for (_, b) in seeds::read_seeds() {
        batch.cities.extend(b.cities.into_iter().filter(|c| c.code == KODAIRA));
    }
    let no26 = |b: &Batch| -> ItemRow {
        let city = b.cities.iter().find(|c| c.code == KODAIRA).unwrap();
        city.items.iter().find(|i| i.code == "No.26").unwrap().clone()
    };
    let mut original = no26(&batch);
    assert_eq!(original.roadmap.len(), 1);
    // An actual and a step with nothing in any year survive too.
    let kodaira = batch.cities.iter_mut().find(|c| c.code == KODAIRA).unwrap();
    let item = kodaira.items.iter_mut().find(|i| i.code == "No.26").unwrap();
    item.roadmap[0].set(fy(2018), "→".into(), "条例改正案を作成".into());
    item.roadmap
        .push(hyoka_import::batch::RoadmapRow { fiscal_year: fy(2017), step: "・周知".into(), cells: vec![] });
    original.roadmap = item.roadmap.clone();
    for (form, files) in forms(&batch) {
        let back = &read_files(&files)[0].1;
        assert_eq!(no26(back).roadmap, original.roadmap, "{form}");
    }
    // A CSV set written before the table existed imports, without a roadmap.
    let csv: Vec<(String, Vec<u8>)> =
        canonical::csv_files(&batch, true).unwrap().into_iter().filter(|(n, _)| !n.ends_with("roadmaps.csv")).collect();
    let back = &read_files(&csv)[0].1;
    assert!(no26(back).roadmap.is_empty());
    assert_eq!(no26(back).narratives, original.narratives);
}
