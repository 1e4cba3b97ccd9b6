//! Writes the committed part of the malformed-import corpus
//! (tests/common/corpus.rs): every case whose files are small, one folder
//! per case, and a README.md listing each with what is wrong in it and the
//! first line of the error it gets, found by importing it into a seeded
//! SQLite database with 小平市 FY2017 locked, as tests/import_corpus.rs
//! does (which fails when the committed files and the generator disagree).
//!
//! `cargo run -p hyoka-import --example write_corpus -- crates/hyoka-import/tests/corpus`

#[path = "../tests/common/bombs.rs"]
mod bombs;
#[path = "../tests/common/corpus.rs"]
mod corpus;
#[path = "../tests/common/jimu_sheet.rs"]
mod jimu_sheet;
#[path = "../tests/common/seeds.rs"]
mod seeds;
#[path = "../tests/common/xls.rs"]
mod xls;

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("使い方: cargo run -p hyoka-import --example write_corpus -- 書き出すフォルダ");
        std::process::exit(2);
    };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let (_db, store) = seeds::seeded().await;
        seeds::lock(&store, seeds::KODAIRA, 2017, true).await;
        let cases = corpus::corpus();
        let mut errors = Vec::new();
        for c in &cases {
            let outcome = corpus::import(&store, c).await;
            assert!(outcome.accepted.is_none(), "{}: accepted", c.name);
            errors.push(outcome.shown.lines().next().unwrap_or("").to_string());
        }
        corpus::write(std::path::Path::new(&dir), &cases, &errors);
        let committed = corpus::committed(&cases);
        let bytes: usize = committed.iter().flat_map(|(_, c)| c.files.iter().map(|(_, b)| b.len())).sum();
        println!("{} 件のうち {} 件（{} バイト）を {dir} に書き出しました", cases.len(), committed.len(), bytes);
    });
}
