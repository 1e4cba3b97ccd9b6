//! `hyoka year`: a city's fiscal year from the command line, so that a
//! planning division can script its yearly routine: open, lock, unlock
//! (with a reason), publish and withdraw, each an audited command.

use clap::{Args, Subcommand};
use hyoka_app::year::{LockYear, OpenYear, PublishYear, UnlockYear, WithdrawYear};
use hyoka_app::{Actor, App};
use hyoka_core::FiscalYear;

use crate::outcome::{fiscal_year_arg, CliResult};

/// The city and year every `hyoka year` command names.
#[derive(Args)]
pub struct YearArgs {
    /// 団体コード（6桁）
    #[arg(long)]
    pub municipality: String,
    /// 年度（2021、令和3年度、R03 など）
    #[arg(long)]
    pub fiscal_year: String,
}

#[derive(Subcommand)]
pub enum YearCommand {
    /// 年度を開始する（前年度の事業ごとに未着手の調査票を作り、計画の部分を引き継ぐ）
    Open(YearArgs),
    /// 年度を確定する（調査票はすべて確定になり、変更できなくなる）
    Lock(YearArgs),
    /// 確定を解除する（理由は変更履歴に記録。公開中の年度は先に取り下げる）
    Unlock {
        #[command(flatten)]
        year: YearArgs,
        /// 解除の理由
        #[arg(long)]
        reason: String,
    },
    /// 確定した年度を公開する（公開サイト・API・オープンデータ）
    Publish(YearArgs),
    /// 公開を取り下げる
    Withdraw(YearArgs),
}

pub async fn year(app: &App, command: YearCommand) -> CliResult {
    let me = Actor::command_line();
    let parse = |a: YearArgs| -> Result<(String, FiscalYear), Box<dyn std::error::Error + Send + Sync>> {
        Ok((a.municipality, fiscal_year_arg(&a.fiscal_year)?))
    };
    match command {
        YearCommand::Open(a) => {
            let (municipality, fiscal_year) = parse(a)?;
            let report = app.run(&me, OpenYear { municipality, fiscal_year }).await?;
            println!("{}を開始しました（調査票 {} 件を作成）", fiscal_year.label(), report.created.len());
            for (code, title) in &report.created {
                println!("  作成\t{code}\t{title}");
            }
            for (code, title) in &report.ended {
                println!("  終了のため引き継がず\t{code}\t{title}");
            }
        }
        YearCommand::Lock(a) => {
            let (municipality, fiscal_year) = parse(a)?;
            app.run(&me, LockYear { municipality, fiscal_year }).await?;
            println!("{}を確定しました", fiscal_year.label());
        }
        YearCommand::Unlock { year, reason } => {
            let (municipality, fiscal_year) = parse(year)?;
            app.run(&me, UnlockYear { municipality, fiscal_year, reason }).await?;
            println!("{}の確定を解除しました", fiscal_year.label());
        }
        YearCommand::Publish(a) => {
            let (municipality, fiscal_year) = parse(a)?;
            app.run(&me, PublishYear { municipality, fiscal_year }).await?;
            println!("{}を公開しました", fiscal_year.label());
        }
        YearCommand::Withdraw(a) => {
            let (municipality, fiscal_year) = parse(a)?;
            app.run(&me, WithdrawYear { municipality, fiscal_year }).await?;
            println!("{}の公開を取り下げました", fiscal_year.label());
        }
    }
    Ok(())
}
