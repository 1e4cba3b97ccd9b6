//! `hyoka backup` and `hyoka restore`: a consistent copy of the whole
//! database taken while the server runs, restorable into an empty
//! database of either backend (see docs/storage.md).

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use hyoka_store::{BackupSummary, Store};

use crate::outcome::CliResult;

#[derive(clap::Args)]
pub struct BackupArgs {
    /// 書き出すファイル（- で標準出力。例: hyoka backup --out - | gzip > hyoka.jsonl.gz）
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(clap::Args)]
pub struct RestoreArgs {
    /// hyoka backup で作ったファイル（- で標準入力）。復元先（--database）は空のデータベースに限ります
    pub file: PathBuf,
}

fn is_stdio(path: &Path) -> bool {
    path.as_os_str() == "-"
}

pub async fn backup(database: &str, args: BackupArgs) -> CliResult {
    // The database is read as it is: a backup never migrates it.
    let store = Store::connect(database).await?;
    let summary = if is_stdio(&args.out) {
        store.backup(BufWriter::new(std::io::stdout())).await?
    } else {
        // Written beside the target and renamed when complete, so the
        // named file is never a half-written backup.
        let partial = args.out.with_extension("partial");
        let file = File::create(&partial).map_err(|e| format!("{} を作れません: {e}", partial.display()))?;
        let mut out = BufWriter::new(file);
        let summary = store.backup(&mut out).await?;
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&partial, &args.out)
            .map_err(|e| format!("{} を {} にできません: {e}", partial.display(), args.out.display()))?;
        summary
    };
    std::io::stdout().flush()?;
    eprintln!(
        "バックアップを {} に書き出しました（{}）",
        if is_stdio(&args.out) { "標準出力".to_string() } else { args.out.display().to_string() },
        describe(&summary)
    );
    Ok(())
}

pub async fn restore(database: &str, args: RestoreArgs) -> CliResult {
    let store = Store::connect(database).await?;
    let summary = if is_stdio(&args.file) {
        store.restore(BufReader::new(std::io::stdin())).await?
    } else {
        let file = File::open(&args.file).map_err(|e| format!("{} を開けません: {e}", args.file.display()))?;
        store.restore(BufReader::new(file)).await?
    };
    eprintln!(
        "{} に取得したバックアップ（{}）を復元しました（{}）。ログインは全員やり直しになります",
        summary.created_at,
        summary.source_backend,
        describe(&summary)
    );
    Ok(())
}

fn describe(summary: &BackupSummary) -> String {
    // What is left out, in the words of docs/storage.md; the schema
    // version is in the file's header.
    let left_out: Vec<&str> = hyoka_store::tables_not_copied()
        .iter()
        .filter_map(|t| match *t {
            "sessions" => Some("ログイン中のセッション（sessions）"),
            "search_grams" => Some("検索の索引（search_grams、復元時に作り直します）"),
            _ => None,
        })
        .collect();
    format!(
        "スキーマの版 {}、{} 表、{} 行。{}は含めません",
        summary.schema_version,
        summary.tables.len(),
        summary.rows(),
        left_out.join("と")
    )
}
