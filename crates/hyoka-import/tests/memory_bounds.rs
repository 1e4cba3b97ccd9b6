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
