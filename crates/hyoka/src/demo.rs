//! The demo: the five published documents shipped with hyoka, imported into
//! a fresh database, so that the first run shows real data.

/// (file name, text) of each seed document, embedded in the binary so the
/// demo works from any directory and on a fresh clone.
pub const SEEDS: [(&str, &str); 5] = [
    ("000_1a8dd8067da68eba.txt", include_str!("../../../demo/seeds/000_1a8dd8067da68eba.txt")),
    ("001_9b686f713a20fe01.txt", include_str!("../../../demo/seeds/001_9b686f713a20fe01.txt")),
    ("002_f160ebe9d3a69d59.txt", include_str!("../../../demo/seeds/002_f160ebe9d3a69d59.txt")),
    ("003_cdfef3ca57f45fe5.txt", include_str!("../../../demo/seeds/003_cdfef3ca57f45fe5.txt")),
    ("004_14ceec0f4c63a17a.txt", include_str!("../../../demo/seeds/004_14ceec0f4c63a17a.txt")),
];

/// A database URL for a fresh demo: a new SQLite file in the temporary
/// directory, so the demo never touches the user's `hyoka.db`.
pub fn fresh_database_url() -> String {
    let path = std::env::temp_dir().join(format!("hyoka-demo-{}.db", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    format!("sqlite://{}", path.display())
}
