use std::path::PathBuf;

use hyoka_store::StoreError;
use thiserror::Error;

/// What can go wrong while writing a report. Messages are for the people
/// who run hyoka.
#[derive(Debug, Error)]
pub enum ReportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{} に書き込めません: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("メタデータを作成できません: {0}")]
    Json(#[from] serde_json::Error),
    #[error("Excelファイルを作成できません: {0}")]
    Xlsx(String),
    /// Nothing to report: the message says what was looked for.
    #[error("{0}")]
    Empty(String),
}
