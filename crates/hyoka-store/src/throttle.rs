//! Counting failed sign-ins, for throttling. The policy (how many, how
//! long) is the caller's; the store only keeps the counts.

use sqlx::Row;

use crate::{Store, StoreError};

/// The state of one key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FailureCount {
    pub failures: i64,
    pub last_failure_at: Option<String>,
    pub locked_until: Option<String>,
}

impl Store {
    pub async fn sign_in_failures(&self, key: &str) -> Result<FailureCount, StoreError> {
        let row = sqlx::query("SELECT failures, last_failure_at, locked_until FROM sign_in_failures WHERE key = $1")
            .bind(key)
            .fetch_optional(self.pool())
            .await?;
        Ok(match row {
            Some(r) => FailureCount {
                failures: r.try_get("failures")?,
                last_failure_at: r.try_get("last_failure_at")?,
                locked_until: r.try_get("locked_until")?,
            },
            None => FailureCount::default(),
        })
    }

    /// Stores a key's new count and lock.
    pub async fn set_sign_in_failures(&self, key: &str, count: &FailureCount) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sign_in_failures (key, failures, last_failure_at, locked_until) VALUES ($1, $2, $3, $4)
             ON CONFLICT (key) DO UPDATE SET failures = excluded.failures,
               last_failure_at = excluded.last_failure_at, locked_until = excluded.locked_until",
        )
        .bind(key)
        .bind(count.failures)
        .bind(count.last_failure_at.as_deref().unwrap_or(""))
        .bind(&count.locked_until)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub async fn clear_sign_in_failures(&self, key: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sign_in_failures WHERE key = $1").bind(key).execute(self.pool()).await?;
        Ok(())
    }

    /// Removes counts whose last failure is older than `before`.
    pub async fn purge_sign_in_failures(&self, before: &str) -> Result<u64, StoreError> {
        Ok(sqlx::query(
            "DELETE FROM sign_in_failures WHERE last_failure_at < $1 AND (locked_until IS NULL OR locked_until < $1)",
        )
        .bind(before)
        .execute(self.pool())
        .await?
        .rows_affected())
    }
}
