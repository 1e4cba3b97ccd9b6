use thiserror::Error;

/// What can go wrong in the store. Messages are for the people who run
/// hyoka; details of the database stay in the source chain for the log.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("データベースの種類「{0}」には対応していません（sqlite:// または postgres:// を指定してください）")]
    UnknownScheme(String),
    #[error("データベースURL「{0}」を読み取れません（例: sqlite://hyoka.db、postgres://user@host/hyoka）")]
    BadUrl(String),
    #[error("データベースURLの pool_max「{0}」は使えません（接続数の上限は1以上の整数で指定してください）")]
    BadPoolMax(String),
    #[error("データベース {url} に接続できません: {source}")]
    Connect {
        url: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("マイグレーション {version} ({name}) に失敗しました: {source}")]
    Migration {
        version: i64,
        name: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("データベースの版 {found} はこの hyoka（最新 {known}）より新しいため開けません")]
    SchemaTooNew { found: i64, known: i64 },
    #[error("バックアップを書き出せません: {0}")]
    BackupWrite(#[source] std::io::Error),
    #[error("バックアップファイルの {line} 行目: {message}")]
    BackupFormat { line: usize, message: String },
    #[error("復元先のデータベースは空ではありません（表 {0} にデータがあります）。復元は空のデータベースにだけできます。新しいデータベースを作って指定してください")]
    RestoreNotEmpty(String),
    #[error("復元先のデータベースの版 {target} はバックアップの版 {backup} より新しいため復元できません。新しい空のデータベースを作って指定してください")]
    RestoreTargetNewer { target: i64, backup: i64 },
    #[error("{what}「{key}」が見つかりません")]
    NotFound { what: &'static str, key: String },
    /// A unique key already in use; the message names it.
    #[error("{0}")]
    Duplicate(String),
    #[error("保存できない値です: {0}")]
    Invalid(String),
    #[error("データベースの操作に失敗しました: {0}")]
    Database(#[from] sqlx::Error),
    #[error("保存されたデータを読み取れません: {0}")]
    Decode(#[from] serde_json::Error),
}
