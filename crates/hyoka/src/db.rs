//! The database: opening it (with migrations) and `hyoka migrate`.

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
