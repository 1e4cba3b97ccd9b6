//! Arguments and dispatch.

use std::net::SocketAddr;

use clap::{Parser, Subcommand};
use hyoka_store::Store;
use hyoka_web::{AppState, Server};

use crate::progress::Progress;

pub type CliResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// hyoka — 行政評価と計画の進捗管理（administrative evaluation for Japanese cities）
#[derive(Parser)]
#[command(name = "hyoka", version, about = "hyoka — 行政評価と計画の進捗管理", long_about = None)]
pub struct Cli {
    /// データベースのURL（sqlite://ファイル または postgres://…）
    #[arg(long, global = true, env = "HYOKA_DATABASE_URL", default_value = "sqlite://hyoka.db")]
    pub database: String,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Webサーバーを起動する
    Serve {
        /// 待ち受けるアドレス
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
    },
    /// データベースのスキーマを最新にする
    Migrate,
    /// 公表資料や標準形式のファイルを取り込む
    Import {
        /// 取り込むファイル
        files: Vec<std::path::PathBuf>,
    },
    /// データを書き出す（標準形式、オープンデータ）
    Export,
    /// 集計表・白書などの帳票を作る
    Report {
        #[command(subcommand)]
        report: Report,
    },
    /// 利用者アカウントを管理する
    User,
}

#[derive(Subcommand)]
pub enum Report {
    /// 自治体ごとの登録件数を表示する
    Counts,
}

pub async fn run(cli: Cli) -> CliResult {
    match cli.command {
        Command::Serve { bind } => serve(&cli.database, bind).await,
        Command::Migrate => migrate(&cli.database).await,
        Command::Report { report: Report::Counts } => counts(&cli.database).await,
        Command::Import { .. } | Command::Export | Command::User => {
            Err("この機能はまだ実装されていません（docs/ROADMAP.md を参照）".into())
        }
    }
}

async fn open(database: &str) -> Result<Store, Box<dyn std::error::Error + Send + Sync>> {
    let store = Store::connect(database).await?;
    let report = store.migrate().await?;
    for (version, name) in &report.applied {
        tracing::info!(version, name, "migration applied");
    }
    Ok(store)
}

async fn serve(database: &str, bind: SocketAddr) -> CliResult {
    let store = open(database).await?;
    let server =
        Server::bind(bind, AppState { store }).await.map_err(|e| format!("{bind} で待ち受けできません: {e}"))?;
    let addr = server.local_addr()?;
    eprintln!("hyoka を起動しました: http://{addr}/ （終了は Ctrl+C）");
    server
        .run(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

async fn migrate(database: &str) -> CliResult {
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

async fn counts(database: &str) -> CliResult {
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
