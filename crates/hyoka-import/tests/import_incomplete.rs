//! A published document cut short or with its lines out of order still
//! looks like its format. It is refused, naming the place, before anything
//! is written; stored lists never shrink unless the report says so.

#[path = "common/dump.rs"]
mod dump;
#[path = "common/seeds.rs"]
mod seeds;

use hyoka_import::{apply, read_published, read_published_bytes, ImportError};
use seeds::{seed_text, seeded, SEEDS};

/// The first `fraction` of the bytes of a text.
fn cut(text: &str, fraction: f64) -> &[u8] {
    &text.as_bytes()[..(text.len() as f64 * fraction) as usize]
}

/// The first `fraction` of a text, ending on a character boundary.
fn cut_text(text: &str, fraction: f64) -> &str {
    let mut at = (text.len() as f64 * fraction) as usize;
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    &text[..at]
}

/// The lines in an order of their own (a fixed xorshift, so every run
/// shuffles alike).
fn shuffled(text: &str) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in (1..lines.len()).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        lines.swap(i, (x % (i as u64 + 1)) as usize);
    }
    lines.join("\n")
}

fn assert_names_the_place(e: &ImportError, file: &str, what: &str) {
    assert_eq!(e.place.file, file, "{what}: {e}");
    assert!(e.place.row.is_some(), "{what}: the line is named: {e}");
    assert!(!e.message.is_ascii(), "{what}: in Japanese: {e}");
}

#[test]
fn every_seed_cut_in_half_is_refused_with_the_place() {
    for file in SEEDS {
        let text = seed_text(file);
        read_published(file, &text).unwrap_or_else(|e| panic!("the whole {file} reads: {e}"));
        // As `hyoka import` reads it: bytes, possibly ending inside a character.
        let e = read_published_bytes(file, cut(&text, 0.5)).unwrap_err();
        assert_names_the_place(&e, file, "cut at 50% of the bytes");
        assert!(e.message.contains("途中で切れて"), "{file}: says it was cut: {e}");
        // And ending on a character boundary, at several points.
        for fraction in [0.25, 0.5, 0.75, 0.9] {
            let e = read_published(file, cut_text(&text, fraction)).unwrap_err();
            assert_names_the_place(&e, file, &format!("cut at {fraction}"));
            assert!(e.message.contains("途中で切れているか"), "{file} at {fraction}: {e}");
        }
    }
}

#[test]
fn every_seed_with_its_lines_shuffled_is_refused_with_the_place() {
    for file in SEEDS {
        let e = read_published(file, &shuffled(&seed_text(file))).unwrap_err();
        assert_names_the_place(&e, file, "shuffled");
    }
}

#[tokio::test]
async fn a_document_of_complete_sheets_only_touches_nothing_else() {
    // A document cut between two sheets is read: each sheet is complete.
    // The sheets it does not hold are not touched, and nothing is removed.
    let (db, store) = seeded().await;
    let before = dump::dump(&db.url).await;
    let text = seed_text(SEEDS[0]);
    let seventh = text.match_indices("平成30年度 「各部の運営方針と目標」").nth(6).unwrap().0;
    let (_, batch) = read_published(SEEDS[0], &text[..seventh]).unwrap();
    assert_eq!(batch.cities[0].items.len(), 6);
    let report = apply(&store, &[(SEEDS[0].to_string(), batch)], false).await.unwrap();
    let mitaka = &report.cities[0];
    assert_eq!((mitaka.items.unchanged, mitaka.removed()), (6, 0), "{}", report.summary(10));
    // And it says so: the six sheets the file does not hold are named.
    assert_eq!(mitaka.not_in_file.len(), 6, "{}", report.summary(10));
    assert!(mitaka.not_in_file.iter().any(|(_, label)| label.starts_with("企-7")), "{:?}", mitaka.not_in_file);
    let summary = report.summary(10);
    assert!(summary.contains("このファイルにない同じ年度の事業 6件"), "{summary}");
    let after = dump::dump(&db.url).await;
    // Only the findings of the file change (its unplaced lines are fewer).
    let without_findings =
        |d: &dump::Dump| dump::Dump(d.0.iter().filter(|l| !l.starts_with("findings:")).cloned().collect());
    without_findings(&before).assert_same(&without_findings(&after), "six complete sheets of twelve");
}
