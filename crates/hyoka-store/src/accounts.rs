//! Accounts and server-side sessions.

use hyoka_core::access::Role;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::tx::StoreTx;
use crate::{opt_i64, Store, StoreError};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAccount {
    pub municipality: Option<String>,
    pub login: String,
    pub display_name: String,
    /// Argon2id PHC string; hashing is the caller's job.
    pub password_hash: String,
    pub role: Role,
    pub section_id: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountRecord {
    pub id: i64,
    pub municipality: Option<String>,
    pub login: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub section_id: Option<i64>,
    pub disabled: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    pub account_id: Option<i64>,
    pub csrf_token: String,
    pub last_seen_at: String,
    pub expires_at: String,
}

const ACCOUNT_COLUMNS: &str = "id, municipality_code, login, display_name, password_hash, role, section_id, disabled";

fn account(r: &AnyRow) -> Result<AccountRecord, StoreError> {
    Ok(AccountRecord {
        id: r.try_get("id")?,
        municipality: r.try_get("municipality_code")?,
        login: r.try_get("login")?,
        display_name: r.try_get("display_name")?,
        password_hash: r.try_get("password_hash")?,
        role: r.try_get::<String, _>("role")?.parse().map_err(StoreError::Invalid)?,
        section_id: opt_i64(r, "section_id")?,
        disabled: r.try_get::<i64, _>("disabled")? != 0,
    })
}

impl StoreTx {
    /// Creates an account. A login already in use is refused by name.
    pub async fn create_account(&mut self, a: &NewAccount) -> Result<i64, StoreError> {
        if a.role == Role::SystemAdmin && a.municipality.is_some()
            || a.role != Role::SystemAdmin && a.municipality.is_none()
        {
            return Err(StoreError::Invalid("システム管理者以外のアカウントは自治体に属します".into()));
        }
        let result = sqlx::query(
            "INSERT INTO accounts (municipality_code, login, display_name, password_hash, role, section_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(&a.municipality)
        .bind(&a.login)
        .bind(&a.display_name)
        .bind(&a.password_hash)
        .bind(a.role.code())
        .bind(a.section_id)
        .bind(self.at_iso())
        .fetch_one(self.conn())
        .await;
        match result {
            Ok(row) => Ok(row.try_get("id")?),
            Err(e) if is_unique_violation(&e) => {
                Err(StoreError::Duplicate(format!("ログイン名「{}」は既に使われています", a.login)))
            }
            Err(e) => Err(e.into()),
        }
    }

    pub async fn set_account_role(
        &mut self,
        login: &str,
        role: Role,
        section_id: Option<i64>,
    ) -> Result<(), StoreError> {
        let n = sqlx::query("UPDATE accounts SET role = $1, section_id = $2 WHERE login = $3")
            .bind(role.code())
            .bind(section_id)
            .bind(login)
            .execute(self.conn())
            .await?
            .rows_affected();
        found(n, login)
    }

    /// Sets a new password hash and ends the account's sessions.
    pub async fn set_password_hash(&mut self, login: &str, hash: &str) -> Result<(), StoreError> {
        let n = sqlx::query("UPDATE accounts SET password_hash = $1 WHERE login = $2")
            .bind(hash)
            .bind(login)
            .execute(self.conn())
            .await?
            .rows_affected();
        found(n, login)?;
        sqlx::query("DELETE FROM sessions WHERE account_id = (SELECT id FROM accounts WHERE login = $1)")
            .bind(login)
            .execute(self.conn())
            .await?;
        Ok(())
    }
}

fn found(rows: u64, login: &str) -> Result<(), StoreError> {
    if rows == 0 {
        Err(StoreError::NotFound { what: "アカウント", key: login.to_string() })
    } else {
        Ok(())
    }
}

/// A unique-key clash, on either backend.
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => {
            db.is_unique_violation()
                || db.message().contains("UNIQUE constraint failed")
                || db.code().as_deref() == Some("23505")
        }
        _ => false,
    }
}

impl Store {
    pub async fn account_by_login(&self, login: &str) -> Result<Option<AccountRecord>, StoreError> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE login = $1");
        sqlx::query(&sql).bind(login).fetch_optional(self.pool()).await?.as_ref().map(account).transpose()
    }

    pub async fn account(&self, id: i64) -> Result<AccountRecord, StoreError> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound { what: "アカウント", key: id.to_string() })?;
        account(&row)
    }

    /// Accounts of a city, or every account when `None`.
    pub async fn accounts(&self, municipality: Option<&str>) -> Result<Vec<AccountRecord>, StoreError> {
        let sql =
            format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE $1 IS NULL OR municipality_code = $1 ORDER BY id");
        let rows = sqlx::query(&sql).bind(municipality).fetch_all(self.pool()).await?;
        rows.iter().map(account).collect()
    }

    /// The id of a section by its department and name.
    pub async fn section_id(&self, municipality: &str, department: &str, section: &str) -> Result<i64, StoreError> {
        sqlx::query(
            "SELECT s.id FROM sections s JOIN departments d ON d.id = s.department_id
             WHERE d.municipality_code = $1 AND d.name = $2 AND s.name = $3",
        )
        .bind(municipality)
        .bind(department)
        .bind(section)
        .fetch_optional(self.pool())
        .await?
        .map(|r| r.try_get("id"))
        .transpose()?
        .ok_or_else(|| StoreError::NotFound { what: "課", key: format!("{department} {section}") })
    }

    pub async fn create_session(
        &self,
        token_hash: &str,
        account_id: Option<i64>,
        csrf_token: &str,
        created_at: &str,
        expires_at: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, last_seen_at, expires_at)
             VALUES ($1, $2, $3, $4, $4, $5)",
        )
        .bind(token_hash)
        .bind(account_id)
        .bind(csrf_token)
        .bind(created_at)
        .bind(expires_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        let row =
            sqlx::query("SELECT account_id, csrf_token, last_seen_at, expires_at FROM sessions WHERE token_hash = $1")
                .bind(token_hash)
                .fetch_optional(self.pool())
                .await?;
        row.map(|r| {
            Ok(SessionRecord {
                account_id: opt_i64(&r, "account_id")?,
                csrf_token: r.try_get("csrf_token")?,
                last_seen_at: r.try_get("last_seen_at")?,
                expires_at: r.try_get("expires_at")?,
            })
        })
        .transpose()
    }

    pub async fn touch_session(
        &self,
        token_hash: &str,
        last_seen_at: &str,
        expires_at: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3")
            .bind(last_seen_at)
            .bind(expires_at)
            .bind(token_hash)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(self.pool()).await?;
        Ok(())
    }

    /// Removes sessions that expired before `now` (ISO text compares in order).
    pub async fn delete_expired_sessions(&self, now: &str) -> Result<u64, StoreError> {
        // One statement, served by the sessions_expiry index: only the
        // expired rows are visited, however many live sessions there are.
        Ok(sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(now)
            .execute(self.pool())
            .await?
            .rows_affected())
    }

    /// How many sessions are stored (live and expired but not yet purged).
    pub async fn session_count(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query("SELECT COUNT(*) AS n FROM sessions").fetch_one(self.pool()).await?.try_get("n")?)
    }
}
