//! Arguments and dispatch.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use hyoka_store::Store;
use hyoka_web::{AppState, Server, SessionConfig};

use crate::progress::Progress;
use crate::{backup, demo, export, import, reports, user};

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
        /// 新しいデータベースに同梱の5つの公表資料を取り込み、役割ごとのアカウントを作って起動する（--database は使いません）
        #[arg(long)]
        demo: bool,
        /// HTTPS を使わずに運用する場合に、Cookie の Secure 属性を付けない（デモでは自動で付けません）
        #[arg(long)]
        insecure_cookies: bool,
        /// 操作がないままログインが切れるまでの分数
        #[arg(long, default_value_t = 30)]
        session_minutes: i64,
    },
    /// データベースのスキーマを最新にする
    Migrate,
    /// 公表資料や標準形式のファイルを取り込む
    Import {
        /// 取り込むファイル（公表資料のテキスト、または標準形式の XLSX・CSV・JSON）
        files: Vec<std::path::PathBuf>,
        /// 書き込まずに、追加・変更される件数だけを表示する
        #[arg(long)]
        dry_run: bool,
    },
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

#[derive(Subcommand)]
pub enum UserCommand {
    /// アカウントを作る（パスワードを指定しない場合は生成して表示します）
    Add {
        #[arg(long)]
        login: String,
        /// 表示名（氏名）
        #[arg(long)]
        name: Option<String>,
        /// system_admin, admin, editor, head, reviewer, viewer
        #[arg(long)]
        role: String,
        /// 団体コード（システム管理者以外は必須）
        #[arg(long)]
        municipality: Option<String>,
        /// 部（編集者・承認者の所属）
        #[arg(long)]
        department: Option<String>,
        /// 課
        #[arg(long)]
        section: Option<String>,
        /// パスワードを標準入力から読む
        #[arg(long)]
        password_stdin: bool,
    },
    /// アカウントの一覧
    List {
        #[arg(long)]
        municipality: Option<String>,
    },
    /// 役割と所属を変える
    SetRole {
        #[arg(long)]
        login: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        department: Option<String>,
        #[arg(long)]
        section: Option<String>,
    },
    /// パスワードを再設定する（指定しない場合は生成して表示します）
    ResetPassword {
        #[arg(long)]
        login: String,
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum ReportFormat {
    Html,
    Pdf,
    Xlsx,
    Csv,
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
    /// 自治体ごとの登録件数を表示する
    Counts,
    /// 取り込み時に見つかった要確認事項（配置できなかった記載、表どうしの食い違いなど）を表示する
    Findings {
        /// 団体コード（省略時はすべて）
        #[arg(long)]
        municipality: Option<String>,
    },
}

pub async fn run(cli: Cli) -> CliResult {
    match cli.command {
        Command::Serve { bind, demo, insecure_cookies, session_minutes } => {
            let database = if demo { demo::fresh_database_url() } else { cli.database };
            let store = open(&database).await?;
            if demo {
                load_demo(&store).await?;
                demo::publish_seed_years(&store).await?;
                demo::create_accounts(&store).await?;
            }
            let session =
                SessionConfig { idle_seconds: session_minutes * 60, secure_cookies: !(demo || insecure_cookies) };
            serve(AppState { store, session }, bind).await
        }
        Command::Migrate => migrate(&cli.database).await,
        Command::Report { report: Report::Counts } => counts(&cli.database).await,

        Command::Report { report: Report::Findings { municipality } } => findings(&cli.database, municipality).await,
        Command::Report { report } => reports::report(&open(&cli.database).await?, report).await,
        Command::Import { files, dry_run } => import::import(&open(&cli.database).await?, &files, dry_run).await,
        Command::Export { format } => export::export(&open(&cli.database).await?, format).await,
        Command::User { command } => user::user(&open(&cli.database).await?, command).await,
        Command::Backup(args) => backup::backup(&cli.database, args).await,
        Command::Restore(args) => backup::restore(&cli.database, args).await,
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

/// Imports the five seed documents shipped with hyoka.
async fn load_demo(store: &Store) -> CliResult {
    let mut progress = Progress::new("demo", demo::SEEDS.len() as u64);
    let mut batches = Vec::new();
    for (name, text) in demo::SEEDS {
        let (label, batch) = import::read_file(name, text.as_bytes())?;
        progress.step(&format!("{name}: {label}"));
        batches.push((name.to_string(), batch));
    }
    let report = hyoka_import::apply(store, &batches, false).await?;
    progress.finish(&format!("デモデータを取り込みました（{} 自治体）", report.cities.len()));
    Ok(())
}

async fn serve(state: AppState, bind: SocketAddr) -> CliResult {
    let server = Server::bind(bind, state).await.map_err(|e| format!("{bind} で待ち受けできません: {e}"))?;
    let addr = server.local_addr()?;
    eprintln!("hyoka を起動しました: http://{addr}/ （職員用。公開サイトは http://{addr}/p 、終了は Ctrl+C）");
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

async fn findings(database: &str, municipality: Option<String>) -> CliResult {
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
