//! `hyoka user`: accounts from the command line.

use std::io::Read;

use clap::Subcommand;
use hyoka_app::accounts::{CreateAccount, ResetPassword, SetRole};
use hyoka_app::{Actor, App, CommandError};
use hyoka_core::access::Role;
use hyoka_store::Store;

use crate::outcome::CliResult;

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

pub async fn user(app: &App, command: UserCommand) -> CliResult {
    let store = app.store();
    let me = Actor::command_line();
    match command {
        UserCommand::Add { login, name, role, municipality, department, section, password_stdin } => {
            let role: Role = role.parse()?;
            let section_id = section_of(store, municipality.as_deref(), department, section).await?;
            let password = if password_stdin { Some(read_password()?) } else { None };
            let created = app
                .run(
                    &me,
                    CreateAccount {
                        display_name: name.unwrap_or_else(|| login.clone()),
                        municipality,
                        login,
                        role,
                        section_id,
                        password,
                    },
                )
                .await?;
            println!("アカウント「{}」を作成しました（{}）", created.login, role.label());
            if created.generated {
                println!("初期パスワード: {}", created.password);
            }
        }
        UserCommand::List { municipality } => {
            println!("ログイン名\t氏名\t役割\t団体コード\t課\t状態");
            for a in store.accounts(municipality.as_deref()).await? {
                let section = match a.section_id {
                    Some(id) => id.to_string(),
                    None => String::new(),
                };
                let state = if a.disabled { "停止" } else { "有効" };
                println!(
                    "{}\t{}\t{}\t{}\t{section}\t{state}",
                    a.login,
                    a.display_name,
                    a.role.code(),
                    a.municipality.unwrap_or_default()
                );
            }
        }
        UserCommand::SetRole { login, role, department, section } => {
            let role: Role = role.parse()?;
            let account = store
                .account_by_login(&login)
                .await?
                .ok_or_else(|| CommandError::NotFound(format!("アカウント「{login}」")))?;
            let section_id = section_of(store, account.municipality.as_deref(), department, section).await?;
            app.run(&me, SetRole { login: login.clone(), role, section_id }).await?;
            println!("「{login}」の役割を「{}」にしました", role.label());
        }
        UserCommand::ResetPassword { login, password_stdin } => {
            let password = if password_stdin { Some(read_password()?) } else { None };
            let new = app.run(&me, ResetPassword { login: login.clone(), password }).await?;
            println!("「{login}」のパスワードを再設定しました（ログイン中のセッションは終了しました）");
            if new.generated {
                println!("新しいパスワード: {}", new.password);
            }
        }
    }
    Ok(())
}

/// A password from standard input (its last line break dropped).
fn read_password() -> Result<String, std::io::Error> {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    Ok(s.trim_end_matches(['\r', '\n']).to_string())
}

async fn section_of(
    store: &Store,
    municipality: Option<&str>,
    department: Option<String>,
    section: Option<String>,
) -> Result<Option<i64>, Box<dyn std::error::Error + Send + Sync>> {
    match (municipality, department) {
        (Some(m), Some(d)) => Ok(Some(store.section_id(m, &d, section.as_deref().unwrap_or("")).await?)),
        (None, Some(_)) => Err("課を指定するには --municipality も指定してください".into()),
        _ => Ok(None),
    }
}
