//! Importing new sections and plan nodes through the canonical import, and
//! exporting them again, is linear in their number, asserted as counts and
//! not as times (issue #9, case 6: one million new sections took 161 s,
//! since the organisation was built with a search through its list per
//! section). At 200 and at 2,000 sections (and half as many plan nodes) the
//! test counts the SQL statements run and the entries the organisation's
//! and the plan trees' indexes examined and the comparisons and hashes of
//! sections (`hyoka_core::work`): ten times the rows may cost at most
//! twenty times the work (sorted sets compare n·log n times: 14 times);
//! a search through a list per row would cost a hundred times. On the
//! backend HYOKA_TEST_BACKEND chooses.

use hyoka_import::batch::{CityBatch, NodeRow, PlanRow, SectionRow};
use hyoka_import::{canonical, Batch};
use hyoka_store::testing::{StatementCounter, TestDb};

/// The work of one import and export.
#[derive(Debug, Clone, Copy)]
struct Work {
    import_statements: u64,
    import_examined: u64,
    export_statements: u64,
    export_examined: u64,
}

fn city(sections: usize) -> Vec<(String, Vec<u8>)> {
    let nodes = sections / 2;
    let mut city = CityBatch {
        code: "011002".into(),
        name: "札幌市".into(),
        sections: (0..sections)
            .map(|i| SectionRow { department: format!("局{}", i % 20), section: format!("課{i}") })
            .collect(),
        plans: vec![PlanRow {
            code: "plan".into(),
            name: "計画".into(),
            level_names: vec!["分野".into(), "施策".into()],
            nodes: (0..nodes)
                .map(|i| NodeRow {
                    code: format!("n{i}"),
                    parent: (i >= 10).then(|| format!("n{}", i % 10)),
                    title: format!("施策{i}"),
                    tags: vec![],
                })
                .collect(),
        }],
        ..CityBatch::default()
    };
    hyoka_import::normalize(&mut city);
    vec![("sections.json".to_string(), canonical::json_bytes(&Batch { cities: vec![city], findings: vec![] }))]
}

async fn work(sections: usize) -> Work {
    let db = TestDb::new().await;
    let store = db.store().await;
    let files = city(sections);

    let counter = StatementCounter::new();
    let before = hyoka_core::work::examined();
    let (batch, _) = canonical::read_canonical(&files).unwrap();
    let report =
        counter.run(hyoka_import::apply(&store, &[("sections.json".to_string(), batch)], false)).await.unwrap();
    let import_examined = hyoka_core::work::examined() - before;
    assert_eq!(report.cities[0].organisation.added, sections + 2, "the sections, the city and the plan");
    assert_eq!(report.cities[0].plan_nodes.added, sections / 2);
    let import_statements = counter.count();

    let counter = StatementCounter::new();
    let before = hyoka_core::work::examined();
    let city = counter.run(hyoka_import::load_city(&store, "011002")).await.unwrap();
    let json = canonical::json_bytes(&Batch { cities: vec![city], findings: vec![] });
    let export_examined = hyoka_core::work::examined() - before;
    assert!(json == files[0].1, "the export is the file imported");
    Work { import_statements, import_examined, export_statements: counter.count(), export_examined }
}

#[test]
fn new_sections_import_and_export_with_work_linear_in_their_number() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let small = work(200).await;
        let large = work(2000).await;
        eprintln!("200 sections: {small:?}\n2000 sections: {large:?}");
        // Every section and node is looked at: the count is live.
        assert!(large.import_examined >= 2000 + 1000, "{large:?}");
        assert!(large.export_examined >= 2000 + 1000, "{large:?}");
        for (what, s, l) in [
            ("statements of the import", small.import_statements, large.import_statements),
            ("entries the import examined", small.import_examined, large.import_examined),
            ("statements of the export", small.export_statements, large.export_statements),
            ("entries the export examined", small.export_examined, large.export_examined),
        ] {
            assert!(l <= 20 * s, "{what}: {s} for 200 sections, {l} for 2,000 (more than 20 times)");
        }
    });
}
