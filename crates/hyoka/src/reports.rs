//! `hyoka report`: the white paper, summary lists and printable sheets.

use hyoka_core::FiscalYear;
use hyoka_store::Store;

use crate::cli::{CliResult, Report, ReportFormat};

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
        Report::Counts | Report::Findings { .. } => unreachable!("handled by the caller"),
    };
    std::fs::write(&output, &bytes).map_err(|e| format!("{} に書き込めません: {e}", output.display()))?;
    eprintln!("{} に書き出しました（{} バイト）", output.display(), bytes.len());
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

/// A fiscal year on the command line: `2020` as well as every printed form
/// (`令和2年度`, `R02`).
pub fn fiscal_year_arg(s: &str) -> Result<FiscalYear, String> {
    let parsed = match s.trim().parse::<i32>() {
        Ok(y) if s.trim().len() == 4 => FiscalYear::new(y),
        _ => FiscalYear::parse(s),
    };
    parsed.map_err(|e| format!("--fiscal-year: {e}"))
}
