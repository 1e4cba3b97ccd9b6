//! `hyoka export`: open data, and the canonical formats for bulk editing.

use hyoka_core::deadline::today_in_japan;
use hyoka_core::time::{Clock, SystemClock};
use hyoka_import::{canonical, load_city, Batch};
use hyoka_report::opendata::YearScope;
use hyoka_report::{export_opendata, OpenDataOptions};
use hyoka_store::Store;

use std::path::PathBuf;

use clap::Subcommand;

use crate::outcome::CliResult;

#[derive(Subcommand)]
pub enum Export {
    /// 標準形式の Excel ブック（1表1シート）に書き出す。編集して hyoka import で戻せます
    Workbook {
        /// 出力するファイル（.xlsx）
        #[arg(long)]
        out: PathBuf,
        /// 団体コード（省略時はすべての自治体）
        #[arg(long)]
        municipality: Option<String>,
    },
    /// 標準形式の CSV（1表1ファイル）をディレクトリに書き出す
    Csv {
        /// 出力先ディレクトリ
        #[arg(long)]
        out: PathBuf,
        /// BOM を付けない（既定では Excel で開けるよう BOM 付き UTF-8）
        #[arg(long)]
        no_bom: bool,
        /// 団体コード（省略時はすべての自治体）
        #[arg(long)]
        municipality: Option<String>,
    },
    /// 標準形式の JSON に書き出す
    Json {
        /// 出力するファイル（.json）
        #[arg(long)]
        out: PathBuf,
        /// 団体コード（省略時はすべての自治体）
        #[arg(long)]
        municipality: Option<String>,
    },
    /// オープンデータ（CSV と JSON、メタデータ付き）をディレクトリに書き出す
    Opendata {
        /// 出力先ディレクトリ
        #[arg(long)]
        out: PathBuf,
        /// CSV の見出しの言語（ja: 日本語、en: 英語の列名）
        #[arg(long, default_value = "ja")]
        header: hyoka_report::Header,
        /// CSV の先頭に BOM を付ける（Excel で開く場合）
        #[arg(long)]
        bom: bool,
        /// 団体コード（省略時はすべての自治体）
        #[arg(long)]
        municipality: Option<String>,
        /// 公開していない年度（作成中の調査票を含む）も書き出す。庁内での確認用で、公開してはいけません
        #[arg(long)]
        include_unpublished: bool,
    },
}

pub async fn export(store: &Store, format: Export) -> CliResult {
    match format {
        Export::Workbook { out, municipality } => {
            canonical::write_xlsx(&batch(store, municipality).await?, &out)?;
            eprintln!("標準形式のブックを {} に書き出しました", out.display());
            Ok(())
        }
        Export::Csv { out, no_bom, municipality } => {
            let files = canonical::write_csv_dir(&batch(store, municipality).await?, &out, !no_bom)?;
            eprintln!(
                "標準形式の CSV {} 件を {} に書き出しました（UTF-8{}）",
                files.len(),
                out.display(),
                if no_bom { "" } else { "、BOM付き" }
            );
            Ok(())
        }
        Export::Json { out, municipality } => {
            canonical::write_json(&batch(store, municipality).await?, &out)?;
            eprintln!("標準形式の JSON を {} に書き出しました", out.display());
            Ok(())
        }
        Export::Opendata { out, header, bom, municipality, include_unpublished } => {
            // Only published years unless asked otherwise: the files are made
            // to be handed out, and drafts must never leave the office by
            // accident.
            let years = if include_unpublished { YearScope::All } else { YearScope::Published };
            let opts = OpenDataOptions {
                header,
                bom,
                municipality,
                years,
                ..OpenDataOptions::new(&out, today_in_japan(SystemClock.now()))
            };
            let report = export_opendata(store, &opts).await?;
            for f in &report.files {
                println!("{}\t{} 行\t{} バイト", f.path.display(), f.rows, f.bytes);
            }
            eprintln!(
                "オープンデータを {} に書き出しました（UTF-8{}、{}）",
                out.display(),
                if bom { "、BOM付き" } else { "" },
                if include_unpublished {
                    "公開していない年度を含む庁内確認用です。公開しないでください"
                } else {
                    "公開済みの年度のみ"
                }
            );
            if !include_unpublished && report.municipalities.is_empty() {
                eprintln!(
                    "公開済みの年度がないため、表は空です（管理画面の「年度の管理」で確定した年度を公開できます）"
                );
            }
            Ok(())
        }
    }
}

/// One city, or every city, as stored.
async fn batch(store: &Store, municipality: Option<String>) -> Result<Batch, Box<dyn std::error::Error + Send + Sync>> {
    let codes = match municipality {
        Some(code) => vec![store.municipality(&code).await?.code],
        None => store.municipalities().await?.into_iter().map(|m| m.code).collect(),
    };
    let mut batch = Batch::default();
    for code in codes {
        batch.cities.push(load_city(store, &code).await?);
    }
    Ok(batch)
}
