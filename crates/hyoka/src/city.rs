//! `hyoka city`: cities of this installation, for the system administrator.

use clap::Subcommand;
use hyoka_app::city::CreateCity;
use hyoka_app::{Actor, App};

use crate::outcome::CliResult;

#[derive(Subcommand)]
pub enum CityCommand {
    /// 自治体を登録する
    Add {
        /// 全国地方公共団体コード（6桁、例: 132080）
        #[arg(long)]
        code: String,
        /// 名称（例: 調布市）
        #[arg(long)]
        name: String,
    },
    /// 登録されている自治体の一覧
    List,
}

pub async fn city(app: &App, command: CityCommand) -> CliResult {
    match command {
        CityCommand::Add { code, name } => {
            let city = app.run(&Actor::command_line(), CreateCity { code, name }).await?;
            println!(
                "{}（{}）を登録しました。管理者は hyoka user add --role admin --municipality {} で作成します",
                city.name, city.code, city.code
            );
        }
        CityCommand::List => {
            println!("団体コード\t名称");
            for m in app.store().municipalities().await? {
                println!("{}\t{}", m.code, m.name);
            }
        }
    }
    Ok(())
}
