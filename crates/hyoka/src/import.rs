//! `hyoka import`: reads files, applies them in one transaction as an
//! audited command, and says what changed.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use hyoka_app::import::ImportBatches;
use hyoka_app::{Actor, App};
use hyoka_import::{read_inputs, read_published_bytes, read_workbook, ApplyReport, Batch, ImportError, Inputs, Place};

use crate::outcome::CliResult;
use crate::progress::Progress;

#[derive(clap::Args)]
pub struct ImportArgs {
    /// 取り込むファイル（公表資料のテキスト、または標準形式の XLSX・CSV・JSON）
    pub files: Vec<std::path::PathBuf>,
    /// 書き込まずに、追加・変更される件数だけを表示する
    #[arg(long)]
    pub dry_run: bool,
    /// 自治体のブック（1つ）を対応表（TOML）で読み込む。docs/mapping.md を参照
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<std::path::PathBuf>,
    /// 対応表に city.code がないときの自治体コード（--mapping と使う）
    #[arg(long, value_name = "CODE", requires = "mapping")]
    pub municipality: Option<String>,
}

/// `hyoka import`: a city's own workbook through its mapping, else
/// published documents and files of the canonical format.
pub async fn run(app: &App, a: ImportArgs) -> CliResult {
    match &a.mapping {
        Some(mapping) => import_mapped(app, mapping, &a.files, a.municipality.as_deref(), a.dry_run).await,
        None => import(app, &a.files, a.dry_run).await,
    }
}

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
    let mut command = ImportBatches::new(batches, dry_run);
    command.progress = Some(crate::progress::import_observer());
    let report = app.run(&Actor::command_line(), command).await?;
    print_report(&report);
    Ok(())
}

/// `hyoka import --mapping FILE WORKBOOK`: a city's own workbook read
/// through its mapping (docs/mapping.md), then imported like any other
/// file. The city as stored is read first: its name, its plans, and the
/// other years of each item, which the import keeps.
pub async fn import_mapped(
    app: &App,
    mapping: &Path,
    files: &[PathBuf],
    municipality: Option<&str>,
    dry_run: bool,
) -> CliResult {
    let (mapping_name, mapping_bytes) = hyoka_import::read_file(mapping)?;
    let mapping_text = String::from_utf8(mapping_bytes).map_err(|e| {
        ImportError::new(
            Place::file(&mapping_name),
            format!(
                "対応表は UTF-8 で保存してください（{} バイト目が UTF-8 ではありません）",
                e.utf8_error().valid_up_to() + 1
            ),
        )
    })?;
    let mut read = Vec::new();
    for path in files {
        read.push(hyoka_import::read_file(path)?);
    }
    let book = read_workbook(app.store(), &mapping_name, &mapping_text, Arc::new(read), municipality).await??;
    for note in &book.notes {
        eprintln!("{note}");
    }
    if dry_run {
        println!("事業ごとの内容（{} 件）:", book.projects.len());
        for p in &book.projects {
            println!("  {p}");
        }
    }
    let mut command = ImportBatches::new(vec![(book.file, book.batch)], dry_run);
    command.vocabulary = book.vocabulary.map(|v| (book.municipality, v));
    command.progress = Some(crate::progress::import_observer());
    let report = app.run(&Actor::command_line(), command).await?;
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
