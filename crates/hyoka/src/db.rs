//! The database: opening it (with migrations), `hyoka migrate`, and the
//! two listings `hyoka report counts` and `hyoka report findings`.

use hyoka_store::Store;

use crate::outcome::{CliError, CliResult};
use crate::progress::Progress;

/// Connects and applies pending migrations.
pub async fn open(database: &str) -> Result<Store, CliError> {
    let store = Store::connect(database).await?;
    let report = store.migrate().await?;
    for (version, name) in &report.applied {
        tracing::info!(version, name, "migration applied");
    }
    Ok(store)
}

pub async fn migrate(database: &str) -> CliResult {
    let store = Store::connect(database).await?;
    let before = store.migrate_pending().await?;
    let mut progress = Progress::new("migrate", before.len() as u64);
    let report = store.migrate().await?;
    for (version, name) in &report.applied {
        progress.step(&format!("{version:04} {name}"));
    }
    progress.finish(&format!("スキーマは版 {} です（{} 件を適用）", report.current, report.applied.len()));
    Ok(())
}

pub async fn findings(database: &str, municipality: Option<String>) -> CliResult {
    let store = open(database).await?;
    let findings = store.findings(municipality.as_deref()).await?;
    println!("種類\tファイル\t行\t内容\t記載");
    for f in &findings {
        let line = f.line.map(|l| l.to_string()).unwrap_or_default();
        println!("{}\t{}\t{}\t{}\t{}", f.kind_label(), f.file, line, f.message, f.text.replace(['\t', '\n'], " "));
    }
    eprintln!("{} 件", findings.len());
    Ok(())
}

pub async fn counts(database: &str) -> CliResult {
    let store = open(database).await?;
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
