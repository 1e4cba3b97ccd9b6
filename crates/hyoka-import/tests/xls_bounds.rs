//! Old binary Excel workbooks (.xls) read through a mapping: calamine
//! allocates what such a file declares (FAT and DIFAT entries, the cells
//! of a sheet's DIMENSIONS, the rectangle its cells span, a stream as long
//! as it claims to be, following a loop of sectors), so every declared
//! size is measured first (canonical/xls_scan.rs). Each malformed book of
//! tests/common/xls.rs is refused with a Japanese error naming the file,
//! under the memory bound docs/formats.md states (a counting allocator);
//! a well-formed one is still read.

#[path = "common/jimu_sheet.rs"]
mod jimu_sheet;
#[path = "common/xls.rs"]
mod xls;

use std::sync::Mutex;

use calamine::{Data, Reader, Xls};
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

fn read(name: &str, bytes: &[u8]) -> Result<(), String> {
    let m = mapping::parse("jimu.toml", jimu_sheet::MAPPING).unwrap();
    mapping::read("jimu.toml", &m, name, bytes, Context::default()).map(|_| ()).map_err(|e| e.to_string())
}

#[test]
fn a_well_formed_xls_passes_the_scan_and_is_read() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let book = xls::valid();
    // calamine reads the book the tests make...
    let mut opened: Xls<_> = Xls::new(std::io::Cursor::new(&book)).unwrap();
    let range = opened.worksheet_range("Sheet1").unwrap();
    assert_eq!(range.get_value((1, 0)), Some(&Data::String(xls::TEXTS[1].into())));
    assert_eq!(range.get_value((2, 1)), Some(&Data::Float(3400.0)));
    // ...and so does the import, up to the mapping's sheet, which the
    // book does not have: its own sheets are listed.
    let e = read("見本.xls", &book).unwrap_err();
    assert!(e.starts_with("見本.xls: シート「*事務事業評価」がありません"), "{e}");
    assert!(e.contains("「Sheet1」"), "{e}");
}

#[test]
fn every_malformed_xls_is_refused_in_japanese_naming_the_file_within_the_bound() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let all = xls::malformed();
    assert!(all.len() >= 20, "{} cases", all.len());
    let mut failures = Vec::new();
    for c in &all {
        let (result, peak) = peak_of(|| read(c.name, &c.bytes));
        let Err(shown) = result else {
            failures.push(format!("{}: accepted", c.name));
            continue;
        };
        let mut problems = Vec::new();
        if !shown.starts_with(&format!("{}: ", c.name)) {
            problems.push("names not the file first".to_string());
        }
        if !shown.contains(c.expect) {
            problems.push(format!("does not say 「{}」", c.expect));
        }
        if shown.is_ascii() || ["Error", "error", "panicked", "expected"].iter().any(|w| shown.contains(w)) {
            problems.push("not plain Japanese".into());
        }
        if peak >= limits::REFUSAL_MEMORY_BYTES {
            problems.push(format!("{peak} bytes of heap"));
        }
        eprintln!("{} ({} bytes): {} KiB at the peak: {shown}", c.name, c.bytes.len(), peak / 1024);
        if !problems.is_empty() {
            failures.push(format!("{}: {}\n    {shown}", c.name, problems.join("; ")));
        }
    }
    assert!(failures.is_empty(), "{} of {}:\n{}", failures.len(), all.len(), failures.join("\n"));
}

#[test]
fn an_xls_over_the_file_limit_is_refused_before_it_is_opened() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let mut big = xls::valid();
    big.resize(limits::MAX_FILE_BYTES as usize + 1, 0);
    let (result, peak) = peak_of(|| read("big.xls", &big));
    let e = result.unwrap_err();
    assert!(e.starts_with("big.xls: ファイルが大きすぎます"), "{e}");
    assert!(peak < 1024 * 1024, "{peak} bytes");
}

#[test]
fn an_xls_at_the_area_limit_is_read_in_memory_proportional_to_its_area() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // 1,000 × 1,000 declared, and two cells at opposite corners: calamine
    // reserves the declared cells and builds the spanned rectangle.
    let side = (limits::MAX_XLS_AREA as f64).sqrt() as u16;
    let records =
        vec![xls::dimensions(0, side as u32, 0, side), xls::label_sst(0, 0, 0), xls::label_sst(side - 1, side - 1, 1)];
    let book = xls::compound(&xls::stream(&[xls::sst(&xls::TEXTS, None)], &[("Sheet1", records)]));
    let (result, peak) = peak_of(|| read("広い.xls", &book));
    let e = result.unwrap_err();
    assert!(e.starts_with("広い.xls: シート「*事務事業評価」がありません"), "read up to the mapping's sheet: {e}");
    let per_cell = peak as u64 / limits::MAX_XLS_AREA;
    eprintln!("{} cells of rectangle: {} KiB at the peak, {per_cell} bytes a cell", limits::MAX_XLS_AREA, peak / 1024);
    assert!(per_cell < 100, "{peak} bytes");
}
