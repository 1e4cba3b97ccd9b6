//! `hyoka serve`: the web server, with the demo data when asked.

use std::net::SocketAddr;

use clap::Args;
use hyoka_app::App;
use hyoka_web::{AppState, Server, SessionConfig};

use crate::outcome::CliResult;
use crate::progress::Progress;
use crate::{db, demo, import};

#[derive(Args)]
pub struct ServeArgs {
    /// 待ち受けるアドレス
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// 同梱の5つの公表資料を取り込み、4つの市の役割ごとのアカウントを作って起動する。--database を指定しなければ毎回新しい一時ファイル、指定すればそのデータベースに（初回だけ準備して）データを残す
    #[arg(long)]
    pub demo: bool,
    /// HTTPS を使わずに運用する場合に、Cookie の Secure 属性を付けない（デモでは自動で付けません）
    #[arg(long)]
    pub insecure_cookies: bool,
    /// 操作がないままログインが切れるまでの分数
    #[arg(long, default_value_t = 30)]
    pub session_minutes: i64,
    /// 公開年度のページと API の応答を作り直さずに返すため、メモリに保持する上限（MiB）。0 で保持しない
    #[arg(long, default_value_t = 64)]
    pub response_cache_mb: usize,
}

pub async fn serve(named: Option<&str>, default: &str, args: ServeArgs) -> CliResult {
    let database = match (named, args.demo) {
        (Some(url), _) => url.to_string(),
        (None, true) => demo::fresh_database_url(),
        (None, false) => default.to_string(),
    };
    let app = App::new(db::open(&database).await?);
    if args.demo {
        if app.store().municipalities().await?.is_empty() {
            load_demo(&app).await?;
            demo::publish_seed_years(&app).await?;
            demo::create_accounts(&app).await?;
        } else {
            // A named database keeps what was done in it; the accounts and
            // their passwords are the ones printed the first time.
            eprintln!(
                "{database} には既にデータがあるため、そのまま使います（パスワードを忘れたときは hyoka user reset-password --login …）"
            );
        }
    }
    let session = SessionConfig {
        idle_seconds: args.session_minutes * 60,
        secure_cookies: !(args.demo || args.insecure_cookies),
    };
    let state = AppState::with_app(app).with_session(session).with_cache_bytes(args.response_cache_mb * 1024 * 1024);
    let bind = args.bind;
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

/// Imports the five seed documents shipped with hyoka.
async fn load_demo(app: &App) -> CliResult {
    let mut progress = Progress::new("demo", demo::SEEDS.len() as u64);
    let mut batches = Vec::new();
    for (name, text) in demo::SEEDS {
        let (label, batch) = import::read_file(name, text.as_bytes())?;
        progress.step(&format!("{name}: {label}"));
        batches.push((name.to_string(), batch));
    }
    let me = hyoka_app::Actor::Operator { name: "デモの準備".into() };
    let report = app.run(&me, hyoka_app::import::ImportBatches::new(batches, false)).await?;
    progress.finish(&format!("デモデータを取り込みました（{} 自治体）", report.cities.len()));
    Ok(())
}
