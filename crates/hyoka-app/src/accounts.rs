//! Accounts: created by a city's admin (or the system administrator for a
//! city's first admin, or the command line), given a role and section,
//! and a new password when one is lost.

use hyoka_core::access::{Action, Role};
use hyoka_store::{AccountRecord, NewAccount};

use crate::password::{generate_password, hash_password};
use crate::{Actor, Command, CommandError, Cx};

/// A login as typed in a form: 3 to 64 letters, digits and `.`, `_`, `-`,
/// `@`, so that it is easy to type and safe in a URL.
pub fn parse_login(login: &str) -> Result<String, String> {
    let l = login.trim();
    if l.is_empty() {
        return Err("ログイン名を入力してください。".into());
    }
    let ok = (3..=64).contains(&l.chars().count())
        && l.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(l.to_string())
    } else {
        Err("ログイン名は、半角の英数字と . _ - @ で3～64文字にしてください。".into())
    }
}

/// A display name, width-folded and trimmed, 1 to 100 characters.
pub fn parse_display_name(name: &str) -> Result<String, String> {
    let n = hyoka_core::text::normalise(name);
    if n.is_empty() {
        Err("表示名を入力してください。".into())
    } else if n.chars().count() > 100 {
        Err("表示名は100文字以内にしてください。".into())
    } else {
        Ok(n)
    }
}

/// Only editors and heads act for one section; the other roles see the
/// whole city.
pub fn needs_section(role: Role) -> bool {
    matches!(role, Role::Editor | Role::Head)
}

/// Who may create or change an account of `role` in `municipality`: the
/// city's admin for its own roles; the system administrator for a city's
/// admin and for system administrators; the command line for anything.
fn require_manage(actor: &Actor, municipality: Option<&str>, role: Role) -> Result<(), CommandError> {
    let by_system = role == Role::SystemAdmin || role == Role::Admin && actor.is(Role::SystemAdmin);
    match municipality {
        Some(code) if !by_system => actor.require(Action::Administer, code, &[]),
        _ => actor.require(Action::ManageSystem, "", &[]),
    }
}

/// Creates an account. Without a password one is generated; the output
/// carries it to be shown once.
pub struct CreateAccount {
    pub municipality: Option<String>,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub section_id: Option<i64>,
    /// `None`: generate one.
    pub password: Option<String>,
}

pub struct CreatedAccount {
    pub id: i64,
    pub login: String,
    /// The password, to show once when it was generated.
    pub password: String,
    pub generated: bool,
}

impl Command for CreateAccount {
    const CODE: &'static str = "account.create";
    type Output = CreatedAccount;

    async fn run(self, cx: &mut Cx<'_>) -> Result<CreatedAccount, CommandError> {
        require_manage(cx.actor, self.municipality.as_deref(), self.role)?;
        let login = parse_login(&self.login).map_err(|m| CommandError::invalid("login", m))?;
        let display_name =
            parse_display_name(&self.display_name).map_err(|m| CommandError::invalid("display_name", m))?;
        if (self.role == Role::SystemAdmin) != self.municipality.is_none() {
            return Err(CommandError::invalid("municipality", "システム管理者以外のアカウントは自治体に属します。"));
        }
        if let Some(code) = &self.municipality {
            cx.store.municipality(code).await?;
        }
        let section_id = check_section(cx, self.municipality.as_deref(), self.role, self.section_id).await?;
        let (password, generated) = match self.password {
            Some(p) => (p, false),
            None => (generate_password(), true),
        };
        let hash = hash_password(&password).map_err(|e| CommandError::invalid("password", e.to_string()))?;
        let account = NewAccount {
            municipality: self.municipality.clone(),
            login: login.clone(),
            display_name,
            password_hash: hash,
            role: self.role,
            section_id,
        };
        let id = cx.tx().await?.create_account(&account).await.map_err(|e| match e {
            hyoka_store::StoreError::Duplicate(m) => {
                CommandError::invalid("login", format!("{m}。別の名前にしてください。"))
            }
            other => other.into(),
        })?;
        if let Some(code) = &self.municipality {
            cx.about(code, None, None);
        }
        cx.summary(format!("アカウント {login} を作成（{}）", self.role.label()));
        cx.change(format!("アカウント {login}"), None, Some(format!("作成（{}）", self.role.label())));
        Ok(CreatedAccount { id, login, password, generated })
    }
}

/// The section must be the city's; editors and heads need one, the others
/// have none.
async fn check_section(
    cx: &mut Cx<'_>,
    municipality: Option<&str>,
    role: Role,
    section_id: Option<i64>,
) -> Result<Option<i64>, CommandError> {
    if !needs_section(role) {
        return Ok(None);
    }
    let Some(id) = section_id else {
        return Err(CommandError::invalid("section", format!("「{}」には担当課が必要です。", role.label())));
    };
    let known = match municipality {
        Some(code) => cx.store.section_choice(code, id).await?.is_some(),
        None => false,
    };
    if known {
        Ok(Some(id))
    } else {
        Err(CommandError::invalid("section", "担当課を一覧から選んでください。"))
    }
}

/// The account by login, for a change by this actor: it must exist and,
/// for a person, be of their city and not their own (a city must never
/// lose its last admin by accident).
async fn account_to_change(cx: &mut Cx<'_>, login: &str) -> Result<AccountRecord, CommandError> {
    let account = cx
        .store
        .account_by_login(login)
        .await?
        .ok_or_else(|| CommandError::NotFound(format!("アカウント「{login}」")))?;
    if let Some(p) = cx.actor.principal() {
        if p.role != Role::SystemAdmin && p.municipality != account.municipality {
            return Err(CommandError::NotFound("アカウント".into()));
        }
        if p.account_id == account.id {
            return Err(CommandError::Conflict(
                "自分のアカウントはここでは変更できません（管理者が一人もいなくなるのを防ぐため）。".into(),
            ));
        }
    }
    Ok(account)
}

/// Changes an account's role and section.
pub struct SetRole {
    pub login: String,
    pub role: Role,
    pub section_id: Option<i64>,
}

impl Command for SetRole {
    const CODE: &'static str = "account.role";
    type Output = ();

    async fn run(self, cx: &mut Cx<'_>) -> Result<(), CommandError> {
        let account = account_to_change(cx, &self.login).await?;
        require_manage(cx.actor, account.municipality.as_deref(), account.role)?;
        require_manage(cx.actor, account.municipality.as_deref(), self.role)?;
        if (self.role == Role::SystemAdmin) != account.municipality.is_none() {
            return Err(CommandError::invalid("role", "システム管理者と自治体の役割は入れ替えられません。"));
        }
        let section_id = check_section(cx, account.municipality.as_deref(), self.role, self.section_id).await?;
        let mut names = std::collections::BTreeMap::new();
        if let Some(code) = &account.municipality {
            for id in [account.section_id, section_id].into_iter().flatten() {
                if let Some(name) = cx.store.section_choice(code, id).await? {
                    names.insert(id, name);
                }
            }
        }
        let label = |r: Role, sec: Option<i64>| {
            let name = sec.and_then(|id| names.get(&id)).map(|n| format!("（{n}）"));
            format!("{}{}", r.label(), name.unwrap_or_default())
        };
        let (before, after) = (label(account.role, account.section_id), label(self.role, section_id));
        if before == after {
            cx.unchanged();
            return Ok(());
        }
        cx.tx().await?.set_account_role(&account.login, self.role, section_id).await?;
        if let Some(code) = &account.municipality {
            cx.about(code, None, None);
        }
        cx.summary(format!("アカウント {} の役割を「{after}」に変更", account.login));
        cx.change(format!("アカウント {} の役割", account.login), Some(before), Some(after));
        Ok(())
    }
}

/// Gives an account a new password and ends its sessions.
pub struct ResetPassword {
    pub login: String,
    /// `None`: generate one.
    pub password: Option<String>,
}

pub struct NewPassword {
    pub login: String,
    pub display_name: String,
    pub password: String,
    pub generated: bool,
}

impl Command for ResetPassword {
    const CODE: &'static str = "account.password";
    type Output = NewPassword;

    async fn run(self, cx: &mut Cx<'_>) -> Result<NewPassword, CommandError> {
        let account = account_to_change(cx, &self.login).await?;
        require_manage(cx.actor, account.municipality.as_deref(), account.role)?;
        let (password, generated) = match self.password {
            Some(p) => (p, false),
            None => (generate_password(), true),
        };
        let hash = hash_password(&password).map_err(|e| CommandError::invalid("password", e.to_string()))?;
        // This also ends the account's sessions: whoever knew the old one is out.
        cx.tx().await?.set_password_hash(&account.login, &hash).await?;
        if let Some(code) = &account.municipality {
            cx.about(code, None, None);
        }
        cx.summary(format!("アカウント {} のパスワードを再発行", account.login));
        cx.change(format!("アカウント {} のパスワード", account.login), None, Some("再発行".into()));
        Ok(NewPassword { login: account.login, display_name: account.display_name, password, generated })
    }
}
