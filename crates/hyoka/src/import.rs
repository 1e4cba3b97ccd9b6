//! `hyoka import`: reads files, applies them in one transaction, and says
//! what changed.

use std::path::PathBuf;

use hyoka_import::{apply, canonical, read_published_bytes, ApplyReport, Batch, ImportError, Place};
use hyoka_store::Store;

use crate::cli::CliResult;
use crate::progress::Progress;

/// Reads every file first; nothing is written unless all of them read well.
/// Published documents are read one by one; files of the canonical format
/// (XLSX, CSV, JSON) are read together, since CSV tables refer to each other.
pub async fn import(store: &Store, files: &[PathBuf], dry_run: bool) -> CliResult {
    if files.is_empty() {
        return Err("取り込むファイルを指定してください（例: hyoka import 資料.txt）".into());
    }
    let mut progress = Progress::new("import", files.len() as u64);
    let mut batches = Vec::new();
    let mut canonical: Vec<(String, Vec<u8>)> = Vec::new();
    for path in files {
        let name = path.display().to_string();
        let size = std::fs::metadata(path)
            .map_err(|e| ImportError::new(Place::file(&name), format!("読み込めません: {e}")))?
            .len();
        canonical::check_size(&name, size)?;
        let bytes =
            std::fs::read(path).map_err(|e| ImportError::new(Place::file(&name), format!("読み込めません: {e}")))?;
        if canonical::detect(&bytes).is_some() {
            progress.step(&format!("{name}: hyoka 標準形式"));
            canonical.push((name, bytes));
        } else {
            let (label, batch) = read_file(&name, &bytes)?;
            progress.step(&format!("{name}: {label}"));
            batches.push((name, batch));
        }
    }
    if !canonical.is_empty() {
        let (batch, notes) = canonical::read_canonical(&canonical)?;
        for note in notes {
            eprintln!("{note}");
        }
        let names: Vec<&str> = canonical.iter().map(|(n, _)| n.as_str()).collect();
        batches.push((names.join(", "), batch));
    }
    progress.finish("読み取り完了");
    let report = apply(store, &batches, dry_run).await?;
    print_report(&report);
    Ok(())
}

/// Recognises a published document by its content.
pub fn read_file(name: &str, bytes: &[u8]) -> Result<(String, Batch), ImportError> {
    let (format, batch) = read_published_bytes(name, bytes)?;
    Ok((format.label().to_string(), batch))
}

pub fn print_report(report: &ApplyReport) {
    print!("{}", report.summary(20));
}
