//! `hyoka import`: reads files, applies them in one transaction as an
//! audited command, and says what changed.

use std::path::PathBuf;

use hyoka_app::import::ImportBatches;
use hyoka_app::{Actor, App};
use hyoka_import::{read_inputs, read_published_bytes, ApplyReport, Batch, ImportError, Inputs};

use crate::outcome::CliResult;
use crate::progress::Progress;

/// Reads every file first; nothing is written unless all of them read well.
/// Published documents are read one by one; files of the canonical format
/// (XLSX, CSV, JSON) are read together, since CSV tables refer to each other.
pub async fn import(app: &App, files: &[PathBuf], dry_run: bool) -> CliResult {
    if files.is_empty() {
        return Err("取り込むファイルを指定してください（例: hyoka import 資料.txt）".into());
    }
    let mut progress = Progress::new("import", files.len() as u64);
    let mut read = Vec::new();
    for path in files {
        let (name, bytes) = hyoka_import::read_file(path)?;
        progress.step(&name);
        read.push((name, bytes));
    }
    let Inputs { batches, notes } = read_inputs(&read)?;
    drop(read);
    progress.finish("読み取り完了");
    for note in notes {
        eprintln!("{note}");
    }
    let report = app.run(&Actor::command_line(), ImportBatches::new(batches, dry_run)).await?;
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
