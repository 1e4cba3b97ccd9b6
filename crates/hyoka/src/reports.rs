//! `hyoka report`: the white paper, summary lists and printable sheets, and
//! the listings of what is stored (`counts`) and of the import findings.

use hyoka_core::time::{Clock, SystemClock};
use hyoka_store::Store;

use std::path::PathBuf;
use std::time::Instant;

use clap::Subcommand;

use crate::outcome::{fiscal_year_arg, CliResult};
use crate::progress::Progress;

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum ReportFormat {
    Html,
    Pdf,
    Xlsx,
    Csv,
}

/// The formats of a whole year's sheets in one file.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum BookFormat {
    Pdf,
    Xlsx,
}

#[derive(Subcommand)]
pub enum Report {
    /// 自治体経営白書（施策ごとの指標表と取り組み状況、総合戦略、アクションプラン）を作る
    Whitepaper {
        /// 団体コード
        #[arg(long)]
        municipality: String,
        /// 年度（2020、令和2年度、R02 など）
        #[arg(long)]
        fiscal_year: String,
        #[arg(long, value_enum, default_value = "html")]
        format: ReportFormat,
        /// 出力するファイル
        #[arg(short, long)]
        output: PathBuf,
    },
    /// 評価の一覧と集計（評価者ごと・グループごと・部ごとの件数、指標の達成率）を作る
    Summary {
        #[arg(long)]
        municipality: String,
        #[arg(long)]
        fiscal_year: String,
        #[arg(long, value_enum, default_value = "html")]
        format: ReportFormat,
        /// CSV の先頭に BOM を付ける
        #[arg(long)]
        bom: bool,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// 調査票1件を、その自治体の様式で印刷用に書き出す
    Sheet {
        #[arg(long)]
        municipality: String,
        /// 事業のコード（企-1、No.2-1 など）またはキー
        #[arg(long)]
        item: String,
        #[arg(long)]
        fiscal_year: String,
        #[arg(long, value_enum, default_value = "html")]
        format: ReportFormat,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// 年度の調査票すべて（または1つの部の分）を、表紙と目次を付けて1つの PDF または Excel ブックにする
    Sheets {
        /// 団体コード
        #[arg(long)]
        municipality: String,
        /// 年度（2020、令和2年度、R02 など）
        #[arg(long)]
        fiscal_year: String,
        /// pdf または xlsx
        #[arg(long, value_enum)]
        format: BookFormat,
        /// 部の名前（その部の課が担当する調査票だけにする）
        #[arg(long)]
        department: Option<String>,
        /// 出力するファイル（省略時は「団体_年度_様式[_部].pdf」をカレントディレクトリに）
        #[arg(short, long)]
        out: Option<PathBuf>,
    },
    /// 自治体ごとの登録件数を表示する
    Counts,
    /// 取り込み時に見つかった要確認事項（配置できなかった記載、表どうしの食い違いなど）を表示する
    Findings {
        /// 団体コード（省略時はすべて）
        #[arg(long)]
        municipality: Option<String>,
    },
}

pub async fn report(store: &Store, report: Report) -> CliResult {
    let (bytes, output) = match report {
        Report::Whitepaper { municipality, fiscal_year, format, output } => {
            let fy = fiscal_year_arg(&fiscal_year)?;
            let bytes = match format {
                ReportFormat::Html => hyoka_report::whitepaper_html(store, &municipality, fy).await?.into_bytes(),
                ReportFormat::Pdf => hyoka_report::whitepaper_pdf(store, &municipality, fy).await?,
                ReportFormat::Xlsx => hyoka_report::whitepaper_xlsx(store, &municipality, fy).await?,
                ReportFormat::Csv => return Err("白書は html、pdf、xlsx のいずれかで出力します".into()),
            };
            (bytes, output)
        }
        Report::Summary { municipality, fiscal_year, format, bom, output } => {
            let fy = fiscal_year_arg(&fiscal_year)?;
            let bytes = match format {
                ReportFormat::Html => hyoka_report::summary_html(store, &municipality, fy).await?.into_bytes(),
                ReportFormat::Pdf => hyoka_report::summary_pdf(store, &municipality, fy).await?,
                ReportFormat::Xlsx => hyoka_report::summary_xlsx(store, &municipality, fy).await?,
                ReportFormat::Csv => hyoka_report::summary_csv(store, &municipality, fy, bom).await?.into_bytes(),
            };
            (bytes, output)
        }
        Report::Sheet { municipality, item, fiscal_year, format, output } => {
            let fy = fiscal_year_arg(&fiscal_year)?;
            let id = find_item(store, &municipality, &item).await?;
            let bytes = match format {
                ReportFormat::Html => hyoka_report::sheet_html(store, id, fy).await?.into_bytes(),
                ReportFormat::Pdf => hyoka_report::sheet_pdf(store, id, fy).await?,
                ReportFormat::Xlsx => hyoka_report::sheet_xlsx(store, id, fy).await?,
                ReportFormat::Csv => return Err("調査票は html、pdf、xlsx のいずれかで出力します".into()),
            };
            (bytes, output)
        }
        Report::Sheets { municipality, fiscal_year, format, department, out } => {
            return sheets(store, &municipality, &fiscal_year, format, department.as_deref(), out).await;
        }
        Report::Counts => return counts(store).await,
        Report::Findings { municipality } => return findings(store, municipality).await,
    };
    std::fs::write(&output, &bytes).map_err(|e| format!("{} に書き込めません: {e}", output.display()))?;
    eprintln!("{} に書き出しました（{} バイト）", output.display(), bytes.len());
    Ok(())
}

/// Every sheet of a year in one file, with a progress bar on stderr while
/// the sheets are gathered and a line for the rendering.
async fn sheets(
    store: &Store,
    municipality: &str,
    fiscal_year: &str,
    format: BookFormat,
    department: Option<&str>,
    out: Option<PathBuf>,
) -> CliResult {
    let fy = fiscal_year_arg(fiscal_year)?;
    let started = Instant::now();
    let mut progress: Option<Progress> = None;
    let mut step = |done: usize, total: usize, code: &str| {
        progress.get_or_insert_with(|| Progress::new("調査票", total as u64)).step(code);
        if done == total {
            if let Some(p) = progress.take() {
                p.finish(&format!("{total}件を読み込みました"));
            }
        }
    };
    let today = hyoka_core::deadline::today_in_japan(SystemClock.now());
    let book = hyoka_report::compile_book(store, municipality, fy, department, today, &mut step).await?;
    let (bytes, ext) = match format {
        BookFormat::Pdf => (book.pdf(), "pdf"),
        BookFormat::Xlsx => (book.xlsx()?, "xlsx"),
    };
    let output = out.unwrap_or_else(|| PathBuf::from(format!("{}.{ext}", book.file_stem())));
    std::fs::write(&output, &bytes).map_err(|e| format!("{} に書き込めません: {e}", output.display()))?;
    eprintln!(
        "{} に書き出しました（調査票 {}件、{} バイト、{:.1} 秒）",
        output.display(),
        book.sheets.len(),
        bytes.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// An item by key, or by printed code when that is unambiguous.
async fn find_item(
    store: &Store,
    municipality: &str,
    wanted: &str,
) -> Result<i64, Box<dyn std::error::Error + Send + Sync>> {
    let items = store.items(municipality).await?;
    if let Some(i) = items.iter().find(|i| i.key == wanted) {
        return Ok(i.id);
    }
    let by_code: Vec<_> = items.iter().filter(|i| i.code == wanted).collect();
    match by_code.as_slice() {
        [one] => Ok(one.id),
        [] => Err(format!("事業「{wanted}」が見つかりません（コードまたはキーを指定してください）").into()),
        many => {
            let keys: Vec<&str> = many.iter().map(|i| i.key.as_str()).collect();
            Err(format!("コード「{wanted}」の事業が複数あります。キーで指定してください: {}", keys.join(", ")).into())
        }
    }
}

async fn findings(store: &Store, municipality: Option<String>) -> CliResult {
    let findings = store.findings(municipality.as_deref()).await?;
    println!("種類\tファイル\t行\t内容\t記載");
    for f in &findings {
        let line = f.line.map(|l| l.to_string()).unwrap_or_default();
        println!("{}\t{}\t{}\t{}\t{}", f.kind_label(), f.file, line, f.message, f.text.replace(['\t', '\n'], " "));
    }
    eprintln!("{} 件", findings.len());
    Ok(())
}

async fn counts(store: &Store) -> CliResult {
    println!("団体コード\t自治体\t計画\t計画項目\t事業・項目\t指標\t指標値");
    for m in store.municipalities().await? {
        let c = store.counts(&m.code).await?;
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            m.code, m.name, c.plans, c.nodes, c.items, c.indicators, c.indicator_values
        );
    }
    Ok(())
}
