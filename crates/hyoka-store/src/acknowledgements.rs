//! A person's word on a consistency-check flag: acknowledged (as
//! intended) or resolved, with the reason, per city and fiscal year.
//! Reopening removes the row; the audit log keeps both steps.

use hyoka_core::FiscalYear;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::org::{fy_from_i64, fy_i64};
use crate::tx::StoreTx;
use crate::{opt_i64, Store, StoreError};

/// One stored acknowledgement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AcknowledgementRecord {
    pub municipality: String,
    pub fiscal_year: FiscalYear,
    /// A short unique key of the fingerprint (the application hashes it).
    pub fingerprint_key: String,
    /// The flag's fingerprint (`Flag::fingerprint`).
    pub fingerprint: String,
    pub rule: String,
    pub item_key: Option<String>,
    /// `acknowledged` or `resolved`.
    pub state: String,
    pub reason: String,
    pub account_id: Option<i64>,
    /// The person's name when they acknowledged it.
    pub actor: String,
    /// ISO 8601 instant (UTC); set from the transaction's instant on write.
    pub at: String,
}

const COLUMNS: &str = "municipality_code, fiscal_year, fingerprint_key, fingerprint, rule, item_key, state, reason,
    account_id, actor, acknowledged_at";

fn record(r: &AnyRow) -> Result<AcknowledgementRecord, StoreError> {
    Ok(AcknowledgementRecord {
        municipality: r.try_get("municipality_code")?,
        fiscal_year: fy_from_i64(r.try_get("fiscal_year")?)?,
        fingerprint_key: r.try_get("fingerprint_key")?,
        fingerprint: r.try_get("fingerprint")?,
        rule: r.try_get("rule")?,
        item_key: r.try_get("item_key")?,
        state: r.try_get("state")?,
        reason: r.try_get("reason")?,
        account_id: opt_i64(r, "account_id")?,
        actor: r.try_get("actor")?,
        at: r.try_get("acknowledged_at")?,
    })
}

impl Store {
    /// Every acknowledgement of a city-year: one statement.
    pub async fn acknowledgements(
        &self,
        municipality: &str,
        fy: FiscalYear,
    ) -> Result<Vec<AcknowledgementRecord>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM check_acknowledgements WHERE municipality_code = $1 AND fiscal_year = $2 ORDER BY id"
        );
        let rows = sqlx::query(&sql).bind(municipality).bind(fy_i64(fy)).fetch_all(self.pool()).await?;
        rows.iter().map(record).collect()
    }

    /// The acknowledgement of one flag, if any.
    pub async fn acknowledgement(
        &self,
        municipality: &str,
        fy: FiscalYear,
        fingerprint_key: &str,
    ) -> Result<Option<AcknowledgementRecord>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM check_acknowledgements
             WHERE municipality_code = $1 AND fiscal_year = $2 AND fingerprint_key = $3"
        );
        let row = sqlx::query(&sql)
            .bind(municipality)
            .bind(fy_i64(fy))
            .bind(fingerprint_key)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(record).transpose()
    }
}

impl StoreTx {
    /// Writes (or replaces) the acknowledgement of a flag, stamped with the
    /// transaction's instant.
    pub async fn save_acknowledgement(&mut self, a: &AcknowledgementRecord) -> Result<(), StoreError> {
        let at = self.at_iso();
        sqlx::query(
            "INSERT INTO check_acknowledgements
               (municipality_code, fiscal_year, fingerprint_key, fingerprint, rule, item_key, state, reason,
                account_id, actor, acknowledged_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (municipality_code, fiscal_year, fingerprint_key) DO UPDATE SET
               state = excluded.state, reason = excluded.reason, account_id = excluded.account_id,
               actor = excluded.actor, acknowledged_at = excluded.acknowledged_at",
        )
        .bind(&a.municipality)
        .bind(fy_i64(a.fiscal_year))
        .bind(&a.fingerprint_key)
        .bind(&a.fingerprint)
        .bind(&a.rule)
        .bind(&a.item_key)
        .bind(&a.state)
        .bind(&a.reason)
        .bind(a.account_id)
        .bind(&a.actor)
        .bind(&at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Removes a flag's acknowledgement. Whether there was one.
    pub async fn remove_acknowledgement(
        &mut self,
        municipality: &str,
        fy: FiscalYear,
        fingerprint_key: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "DELETE FROM check_acknowledgements WHERE municipality_code = $1 AND fiscal_year = $2 AND fingerprint_key = $3",
        )
        .bind(municipality)
        .bind(fy_i64(fy))
        .bind(fingerprint_key)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() > 0)
    }
}
