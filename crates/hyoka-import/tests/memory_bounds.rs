//! Memory, counted: every heap allocation of this test binary goes through
//! a counting allocator, and reading a malformed file must stay under the
//! bound docs/formats.md states ([`limits::REFUSAL_MEMORY_BYTES`]), however
//! much the file claims or unpacks to. One test at a time: the counter is
//! shared by the whole process.

#[path = "common/bombs.rs"]
mod bombs;
#[path = "common/seeds.rs"]
mod seeds;

use std::sync::Mutex;

use hyoka_import::canonical::{self, limits};
use peak_alloc::PeakAlloc;

#[global_allocator]
static HEAP: PeakAlloc = PeakAlloc;

/// Tests of this binary run one at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// The heap `f` uses at its peak, beyond what was in use before.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = HEAP.current_usage();
    HEAP.reset_peak_usage();
    let out = f();
    (out, HEAP.peak_usage().saturating_sub(base))
}

#[test]
fn workbooks_beyond_the_limits_are_refused_in_japanese_with_little_memory() {
    let _one = ONE_AT_A_TIME.lock().unwrap();
    for bomb in bombs::bombs() {
        let files = vec![(bomb.name.to_string(), bomb.bytes)];
        let (result, peak) = peak_of(|| canonical::read_canonical(&files));
        let e = result.expect_err(bomb.name);
        let shown = e.to_string();
        assert!(shown.contains(bomb.expect), "{}: {shown}", bomb.name);
        assert!(shown.starts_with(bomb.name), "{}: names the file: {shown}", bomb.name);
        assert!(!shown.contains("Error") && !shown.contains("error"), "{}: {shown}", bomb.name);
        assert!(
            peak < limits::REFUSAL_MEMORY_BYTES,
            "{}: {peak} bytes at the peak, over {}",
            bomb.name,
            limits::REFUSAL_MEMORY_BYTES
        );
        eprintln!("{}: {} KiB at the peak", bomb.name, peak / 1024);
    }
}

/// Rows of the large file below: sections and plan nodes.
const SECTIONS: usize = 20_000;
const NODES: usize = 5_000;
/// Heap per row that importing and exporting may use at the peak.
const BYTES_PER_ROW: usize = 4 * 1024;

/// A city of many sections and plan nodes, as a canonical JSON file.
fn large_city() -> Vec<(String, Vec<u8>)> {
    use hyoka_import::batch::{CityBatch, NodeRow, PlanRow, SectionRow};
    let mut city = CityBatch {
        code: "011002".into(),
        name: "札幌市".into(),
        sections: (0..SECTIONS)
            .map(|i| SectionRow { department: format!("局{}", i % 50), section: format!("課{i}") })
            .collect(),
        plans: vec![PlanRow {
            code: "plan".into(),
            name: "計画".into(),
            level_names: vec!["分野".into(), "施策".into()],
            nodes: (0..NODES)
                .map(|i| NodeRow {
                    code: format!("{}-{i}", i % 100),
                    parent: (i >= 100).then(|| format!("{}-{}", i % 100, i % 100)),
                    title: format!("施策{i}"),
                    tags: vec![],
                })
                .collect(),
        }],
        ..CityBatch::default()
    };
    // In the order an export writes.
    hyoka_import::normalize(&mut city);
    let batch = hyoka_import::Batch { cities: vec![city], findings: vec![] };
    vec![("large.json".to_string(), canonical::json_bytes(&batch))]
}

#[test]
fn a_large_file_imports_and_exports_in_memory_proportional_to_its_rows() {
    let _one = ONE_AT_A_TIME.lock().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let db = hyoka_store::testing::TestDb::new().await;
        let store = db.store().await;
        let files = large_city();
        let base = HEAP.current_usage();
        HEAP.reset_peak_usage();
        let (batch, _) = canonical::read_canonical(&files).unwrap();
        let report = hyoka_import::apply(&store, &[("large.json".to_string(), batch)], false).await.unwrap();
        let import_peak = HEAP.peak_usage().saturating_sub(base);
        assert_eq!(report.cities[0].organisation.added, SECTIONS + 2, "the sections, the city and the plan");
        assert_eq!(report.cities[0].plan_nodes.added, NODES);

        let base = HEAP.current_usage();
        HEAP.reset_peak_usage();
        let city = hyoka_import::load_city(&store, "011002").await.unwrap();
        let json = canonical::json_bytes(&hyoka_import::Batch { cities: vec![city], findings: vec![] });
        let export_peak = HEAP.peak_usage().saturating_sub(base);
        assert!(json == files[0].1, "the export is the file imported");

        let rows = SECTIONS + NODES;
        eprintln!(
            "{rows} rows, {} KiB of JSON: import {} KiB, export {} KiB at the peak",
            files[0].1.len() / 1024,
            import_peak / 1024,
            export_peak / 1024
        );
        for (what, peak) in [("import", import_peak), ("export", export_peak)] {
            assert!(peak < rows * BYTES_PER_ROW, "{what}: {peak} bytes for {rows} rows");
        }
    });
}

#[test]
fn a_workbook_of_the_seeds_reads_within_the_bound() {
    let _one = ONE_AT_A_TIME.lock().unwrap();
    // One document per city (三鷹市 prints two; the white paper is the larger).
    let mut batch = hyoka_import::Batch::default();
    for (file, b) in seeds::read_seeds() {
        if file != seeds::SEEDS[0] {
            batch.cities.extend(b.cities);
        }
    }
    let book = canonical::xlsx_bytes(&batch).unwrap();
    let files = vec![("hyoka.xlsx".to_string(), book)];
    let (read, peak) = peak_of(|| canonical::read_canonical(&files));
    assert_eq!(read.unwrap().0.cities.len(), 4);
    assert!(peak < limits::REFUSAL_MEMORY_BYTES, "{peak} bytes");
    eprintln!("the seeds workbook ({} KiB): {} KiB at the peak", files[0].1.len() / 1024, peak / 1024);
}
