//! Malformed input for a city's own workbook read through a mapping: a
//! mapping that is not TOML or names an unknown key, and every workbook
//! bomb of the corpus (tests/common/bombs.rs) read with a valid mapping.
//! Each is refused with a Japanese error naming its file, and reading stays
//! under the memory bound docs/formats.md states (a counting allocator).

#[path = "common/bombs.rs"]
mod bombs;
#[path = "common/jimu_sheet.rs"]
mod jimu_sheet;

use std::sync::Mutex;

use hyoka_import::canonical::limits;
use hyoka_import::mapping::{self, Context};
use peak_alloc::PeakAlloc;

#[global_allocator]
static HEAP: PeakAlloc = PeakAlloc;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = HEAP.current_usage();
    HEAP.reset_peak_usage();
    let out = f();
    (out, HEAP.peak_usage().saturating_sub(base))
}

#[test]
fn a_broken_mapping_is_refused_naming_the_file() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let cases = [
        ("not TOML", jimu_sheet::MAPPING.replacen('=', "", 1)),
        ("an unknown key", format!("{}\nunknown_key = 1\n", jimu_sheet::MAPPING)),
        ("empty", String::new()),
        ("binary", "\u{0}\u{1}PK".to_string()),
    ];
    for (what, text) in cases {
        let e = mapping::parse("jimu.toml", &text).map(|_| ()).unwrap_err();
        let shown = e.to_string();
        assert!(shown.contains("jimu.toml"), "{what}: names the mapping file: {shown}");
        assert!(!shown.is_ascii(), "{what}: in Japanese: {shown}");
        for word in ["expected", "invalid", "missing", "unknown field", "TOML parse error"] {
            assert!(!shown.contains(word), "{what}: no English 「{word}」: {shown}");
        }
    }
}

#[test]
fn every_workbook_bomb_read_through_a_mapping_is_refused_within_the_bound() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let m = mapping::parse("jimu.toml", jimu_sheet::MAPPING).unwrap();
    let all = bombs::bombs();
    assert!(all.len() >= 5, "{} bombs", all.len());
    for b in all {
        let (result, peak) = peak_of(|| mapping::read("jimu.toml", &m, b.name, &b.bytes, Context::default()));
        let Err(e) = result else { panic!("{}: accepted", b.name) };
        let shown = e.to_string();
        assert!(shown.contains(b.name), "{}: names the workbook: {shown}", b.name);
        assert!(!shown.is_ascii(), "{}: in Japanese: {shown}", b.name);
        assert!(peak < limits::REFUSAL_MEMORY_BYTES, "{}: {peak} bytes of heap", b.name);
    }
}
