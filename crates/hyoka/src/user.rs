//! `hyoka user`: accounts from the command line.

use std::io::Read;

use hyoka_core::access::Role;
use hyoka_store::{NewAccount, Store};
use hyoka_web::auth::password::hash_password;
use hyoka_web::auth::session::random_token;

use crate::cli::{CliResult, UserCommand};

pub async fn user(store: &Store, command: UserCommand) -> CliResult {
    match command {
        UserCommand::Add { login, name, role, municipality, department, section, password_stdin } => {
            let role: Role = role.parse()?;
            let section_id = section_of(store, municipality.as_deref(), department, section).await?;
            let (password, generated) = password(password_stdin)?;
            let mut tx = store.begin().await?;
            tx.create_account(&NewAccount {
                municipality,
                login: login.clone(),
                display_name: name.unwrap_or_else(|| login.clone()),
                password_hash: hash_password(&password)?,
                role,
                section_id,
            })
            .await?;
            tx.commit().await?;
            println!("アカウント「{login}」を作成しました（{}）", role.label());
            if generated {
                println!("初期パスワード: {password}");
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
                .ok_or_else(|| format!("アカウント「{login}」が見つかりません"))?;
            let section_id = section_of(store, account.municipality.as_deref(), department, section).await?;
            let mut tx = store.begin().await?;
            tx.set_account_role(&login, role, section_id).await?;
            tx.commit().await?;
            println!("「{login}」の役割を「{}」にしました", role.label());
        }
        UserCommand::ResetPassword { login, password_stdin } => {
            let (password, generated) = password(password_stdin)?;
            let mut tx = store.begin().await?;
            tx.set_password_hash(&login, &hash_password(&password)?).await?;
            tx.commit().await?;
            println!("「{login}」のパスワードを再設定しました（ログイン中のセッションは終了しました）");
            if generated {
                println!("新しいパスワード: {password}");
            }
        }
    }
    Ok(())
}

/// A password from standard input, or a generated one.
fn password(from_stdin: bool) -> Result<(String, bool), Box<dyn std::error::Error + Send + Sync>> {
    if from_stdin {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        Ok((s.trim_end_matches(['\r', '\n']).to_string(), false))
    } else {
        Ok((generate_password(), true))
    }
}

/// Sixteen hex digits from the operating system's randomness.
pub fn generate_password() -> String {
    random_token()[..16].to_string()
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
