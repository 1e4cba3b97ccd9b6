//! The command line: global options and the subcommands. Each subcommand's
//! module owns its arguments; this file only composes and dispatches.

use clap::{Parser, Subcommand};
use hyoka_app::App;

use crate::city::CityCommand;
use crate::export::Export;
use crate::import::ImportArgs;
use crate::layout::LayoutCommand;
use crate::outcome::CliResult;
use crate::reports::Report;
use crate::serve::ServeArgs;
use crate::user::UserCommand;
use crate::year::YearCommand;
use crate::{backup, check, city, db, export, import, layout, reports, serve, user, year};

/// hyoka — 行政評価と計画の進捗管理（administrative evaluation for Japanese cities）
#[derive(Parser)]
#[command(name = "hyoka", version, about = "hyoka — 行政評価と計画の進捗管理", long_about = None)]
pub struct Cli {
    /// データベースのURL（sqlite://ファイル または postgres://…）。省略時は sqlite://hyoka.db（serve --demo では一時ファイル）
    #[arg(long, global = true, env = "HYOKA_DATABASE_URL")]
    pub database: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Webサーバーを起動する
    Serve(ServeArgs),
    /// データベースのスキーマを最新にする
    Migrate,
    /// 公表資料や標準形式のファイルを取り込む
    Import(ImportArgs),
    /// データを書き出す（標準形式、オープンデータ）
    Export {
        #[command(subcommand)]
        format: Export,
    },
    /// 集計表・白書などの帳票を作る
    Report {
        #[command(subcommand)]
        report: Report,
    },
    /// 年度を開始・確定・確定解除・公開・公開取り下げする
    Year {
        #[command(subcommand)]
        command: YearCommand,
    },
    /// 整合性チェック（表と本文の数値、評価と達成度などの食い違い）を実行する
    Check(check::CheckArgs),
    /// 自治体を登録する（システム管理者の仕事）
    City {
        #[command(subcommand)]
        command: CityCommand,
    },
    /// 調査票の様式を表示・定義する（docs/layouts.md）
    Layout {
        #[command(subcommand)]
        command: LayoutCommand,
    },
    /// 稼働中のデータベースの一貫したバックアップを取る
    Backup(backup::BackupArgs),
    /// バックアップを空のデータベースに復元する
    Restore(backup::RestoreArgs),
    /// 利用者アカウントを管理する
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

/// The database when none is named.
const DEFAULT_DATABASE: &str = "sqlite://hyoka.db";

pub async fn run(cli: Cli) -> CliResult {
    let database = cli.database.clone().unwrap_or_else(|| DEFAULT_DATABASE.to_string());
    let app = || async { Ok::<_, crate::outcome::CliError>(App::new(db::open(&database).await?)) };
    match cli.command {
        Command::Serve(args) => serve::serve(cli.database.as_deref(), DEFAULT_DATABASE, args).await,
        Command::Migrate => db::migrate(&database).await,
        Command::Report { report } => reports::report(app().await?.store(), report).await,
        Command::Import(args) => import::run(&app().await?, args).await,
        Command::Export { format } => export::export(app().await?.store(), format).await,
        Command::Year { command } => year::year(&app().await?, command).await,
        Command::Check(args) => check::check(&app().await?, args).await,
        Command::City { command } => city::city(&app().await?, command).await,
        Command::User { command } => user::user(&app().await?, command).await,
        Command::Layout { command } if command.without_database() => layout::show_preset(&command),
        Command::Layout { command } => layout::layout(&app().await?, command).await,
        Command::Backup(args) => backup::backup(&database, args).await,
        Command::Restore(args) => backup::restore(&database, args).await,
    }
}
