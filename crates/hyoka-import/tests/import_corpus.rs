//! Every malformed file of the corpus (tests/common/corpus.rs; the small
//! ones read from the files committed under tests/corpus/, which must be
//! byte for byte what the generator makes, their README.md included), on
//! the backend HYOKA_TEST_BACKEND chooses, read and applied as `hyoka import`
//! does: each is refused with a Japanese error naming its place, leaves the
//! database exactly as it was, and reading it stays under the memory bound
//! docs/formats.md states (counted by a counting allocator).

#[path = "common/bombs.rs"]
mod bombs;
#[path = "common/corpus.rs"]
mod corpus;
#[path = "common/dump.rs"]
mod dump;
#[path = "common/jimu_sheet.rs"]
mod jimu_sheet;
#[path = "common/seeds.rs"]
mod seeds;
#[path = "common/xls.rs"]
mod xls;

use std::path::Path;

use hyoka_import::canonical::limits;
use peak_alloc::PeakAlloc;

#[global_allocator]
static HEAP: PeakAlloc = PeakAlloc;

/// serde's and the standard library's words, which must not be shown.
const ENGLISH: &[&str] = &[
    "expected", "invalid", "missing", "unknown", "variant", "trailing", "EOF", "error", "Error", "overflow", "panicked",
];

#[test]
fn every_malformed_file_is_refused_in_japanese_naming_its_place_and_changes_nothing() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let (db, store) = seeds::seeded().await;
        seeds::lock(&store, seeds::KODAIRA, 2017, true).await;
        let before = dump::dump(&db.url).await;
        let mut cases = corpus::corpus();
        assert!(cases.len() >= 100, "{} cases", cases.len());
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
        let committed = read_committed_cases(&dir, &mut cases);
        let mut errors = Vec::new();
        if let Ok(dir) = std::env::var("HYOKA_CORPUS_DIR") {
            write_out(std::path::Path::new(&dir), &cases);
        }
        let mut failures = Vec::new();
        for c in &cases {
            let base = HEAP.current_usage();
            HEAP.reset_peak_usage();
            let outcome = corpus::import(&store, c).await;
            if let Some(summary) = outcome.accepted {
                failures.push(format!("{}: accepted\n{summary}", c.name));
                errors.push(String::new());
                continue;
            }
            let corpus::Outcome { shown, row, file, applied, .. } = outcome;
            errors.push(shown.lines().next().unwrap_or("").to_string());
            let peak = HEAP.peak_usage().saturating_sub(base);
            let mut problems = Vec::new();
            if !shown.contains(c.expect) {
                problems.push(format!("does not say 「{}」", c.expect));
            }
            if let Some(word) = ENGLISH.iter().find(|w| shown.contains(*w)) {
                problems.push(format!("shows English 「{word}」"));
            }
            if shown.is_ascii() {
                problems.push("is not Japanese".into());
            }
            let names_its_file = match &c.names_file {
                Some(f) => file.ends_with(f.as_str()),
                None => c.files.iter().any(|(n, _)| file.starts_with(n.as_str())),
            };
            if !applied && !names_its_file {
                problems.push(format!("names no file of the case ({file:?})"));
            }
            // Refused for a locked year: the place is the city, the year
            // and the item, on each listed line.
            let names_the_year = shown
                .lines()
                .any(|l| l.starts_with("  ") && (l.contains("年度（公開済み）: ") || l.contains("年度（確定済み）: ")));
            if applied && !names_the_year {
                problems.push("names no city, year and item of the locked year".into());
            }
            if let Some(long) = shown.lines().find(|l| l.chars().count() > 400) {
                problems.push(format!("a line of {} characters", long.chars().count()));
            }
            if c.names_a_row && !applied && row.is_none() {
                problems.push("names no line or row".into());
            }
            if peak >= limits::REFUSAL_MEMORY_BYTES {
                problems.push(format!("used {peak} bytes of heap"));
            }
            if applied {
                let after = dump::dump(&db.url).await;
                if after != before {
                    problems.push(format!("changed the database: {:?}", before.difference(&after, 5)));
                }
            }
            if !problems.is_empty() {
                failures.push(format!(
                    "{}: {}\n    {}",
                    c.name,
                    problems.join("; "),
                    shown.lines().next().unwrap_or("")
                ));
            }
        }
        assert!(failures.is_empty(), "{} of {} cases:\n{}", failures.len(), cases.len(), failures.join("\n"));
        before.assert_same(&dump::dump(&db.url).await, "after the whole corpus");
        let readme = corpus::readme(&corpus::committed(&cases), &errors);
        let stored = std::fs::read_to_string(dir.join("README.md")).unwrap_or_default();
        let differs = stored.lines().zip(readme.lines()).find(|(a, b)| a != b);
        assert!(
            stored == readme,
            "tests/corpus/README.md is not what the corpus gives now (committed, then now: {differs:?}). {REGENERATE}"
        );
        eprintln!("{} malformed imports refused, {committed} of them read from tests/corpus", cases.len());
    });
}

/// A case's files by name.
type Files = Vec<(String, Vec<u8>)>;

const REGENERATE: &str =
    "Write it again: cargo run -p hyoka-import --example write_corpus -- crates/hyoka-import/tests/corpus";

/// Checks that the committed files are the cases the generator makes now
/// (the same folders, file names and bytes), and gives those cases the
/// files as read from disk. Returns how many there are.
fn read_committed_cases(dir: &Path, cases: &mut [corpus::Case]) -> usize {
    let on_disk = corpus::read_committed(dir);
    let wanted: Vec<(String, Files)> = corpus::committed(cases)
        .into_iter()
        .map(|(folder, c)| {
            let mut files = c.files.clone();
            files.sort();
            (folder, files)
        })
        .collect();
    assert!(wanted.len() >= 40, "{} cases small enough to commit", wanted.len());
    let folders: Vec<&String> = wanted.iter().map(|(f, _)| f).collect();
    assert_eq!(on_disk.keys().collect::<Vec<_>>(), folders, "the folders of tests/corpus. {REGENERATE}");
    for (folder, files) in wanted {
        let found = &on_disk[&folder];
        let names =
            |f: &[(String, Vec<u8>)]| f.iter().map(|(n, b)| format!("{n} ({} bytes)", b.len())).collect::<Vec<_>>();
        assert!(
            found == &files,
            "tests/corpus/{folder}: {:?}, generated {:?}. {REGENERATE}",
            names(found),
            names(&files)
        );
        let i: usize = folder[..3].parse().unwrap();
        cases[i].files = found.clone();
    }
    on_disk.len()
}

/// The corpus as files, one folder per case, for trying it by hand.
fn write_out(dir: &std::path::Path, cases: &[corpus::Case]) {
    for (i, c) in cases.iter().enumerate() {
        let folder = dir.join(format!("{i:03}"));
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("CASE.txt"), &c.name).unwrap();
        for (name, bytes) in &c.files {
            std::fs::write(folder.join(name), bytes).unwrap();
        }
    }
}
