//! The evaluation cycle in the store: sheets (one per item and fiscal year)
//! with their status and version, fiscal years with deadline and lock, and
//! the change history.

use hyoka_core::workflow::SheetStatus;
use hyoka_core::FiscalYear;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::org::{fy_from_i64, fy_i64};
use crate::tx::StoreTx;
use crate::{opt_i64, Store, StoreError};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetRecord {
    pub id: i64,
    pub item_id: i64,
    pub fiscal_year: FiscalYear,
    pub status: SheetStatus,
    /// Incremented by every save; a save made from an older version is
    /// refused.
    pub version: i64,
    pub updated_at: Option<String>,
    pub updated_by: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FiscalYearRecord {
    pub municipality: String,
    pub fiscal_year: FiscalYear,
    pub locked: bool,
    /// ISO date.
    pub deadline: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryEntry {
    pub id: i64,
    pub item_id: Option<i64>,
    pub fiscal_year: Option<FiscalYear>,
    pub account_id: Option<i64>,
    /// The account's display name at the time of reading.
    pub account_name: Option<String>,
    pub at: String,
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// One recorded change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

fn sheet(r: &AnyRow) -> Result<SheetRecord, StoreError> {
    Ok(SheetRecord {
        id: r.try_get("id")?,
        item_id: r.try_get("item_id")?,
        fiscal_year: fy_from_i64(r.try_get("fiscal_year")?)?,
        status: r.try_get::<String, _>("status")?.parse().map_err(StoreError::Invalid)?,
        version: r.try_get("version")?,
        updated_at: r.try_get("updated_at")?,
        updated_by: opt_i64(r, "updated_by")?,
    })
}

const SHEET_COLUMNS: &str = "id, item_id, fiscal_year, status, version, updated_at, updated_by";

impl StoreTx {
    /// A city's locked years, each with whether it is published, read
    /// inside this transaction. On PostgreSQL the rows are held
    /// (`FOR SHARE`) until the transaction ends, so a lock or publication
    /// made by another connection either is seen here or waits; on SQLite
    /// the transaction already holds the write lock.
    pub async fn frozen_years(&mut self, municipality: &str) -> Result<Vec<(FiscalYear, bool)>, StoreError> {
        let lock = match self.backend() {
            crate::Backend::Postgres => " FOR SHARE",
            crate::Backend::Sqlite => "",
        };
        let sql = format!(
            "SELECT fiscal_year, published_at FROM fiscal_years
             WHERE municipality_code = $1 AND status = 'locked' ORDER BY fiscal_year{lock}"
        );
        let rows = sqlx::query(&sql).bind(municipality).fetch_all(self.conn()).await?;
        rows.iter()
            .map(|r| {
                Ok((fy_from_i64(r.try_get("fiscal_year")?)?, r.try_get::<Option<String>, _>("published_at")?.is_some()))
            })
            .collect()
    }

    /// The sheet of an item for a year, created (未着手) when missing.
    pub async fn sheet_for_update(&mut self, item_id: i64, fy: FiscalYear) -> Result<SheetRecord, StoreError> {
        sqlx::query(
            "INSERT INTO sheets (item_id, fiscal_year) VALUES ($1, $2) ON CONFLICT (item_id, fiscal_year) DO NOTHING",
        )
        .bind(item_id)
        .bind(fy_i64(fy))
        .execute(self.conn())
        .await?;
        let sql = format!("SELECT {SHEET_COLUMNS} FROM sheets WHERE item_id = $1 AND fiscal_year = $2");
        let row = sqlx::query(&sql).bind(item_id).bind(fy_i64(fy)).fetch_one(self.conn()).await?;
        sheet(&row)
    }

    /// Moves a sheet to a new status and version, but only if nobody saved
    /// it since `expected_version` was read. Returns false on a conflict.
    pub async fn advance_sheet(
        &mut self,
        sheet_id: i64,
        expected_version: i64,
        status: SheetStatus,
        account_id: Option<i64>,
    ) -> Result<bool, StoreError> {
        let n = sqlx::query(
            "UPDATE sheets SET status = $1, version = version + 1, updated_at = $2, updated_by = $3
             WHERE id = $4 AND version = $5",
        )
        .bind(status.code())
        .bind(self.at_iso())
        .bind(account_id)
        .bind(sheet_id)
        .bind(expected_version)
        .execute(self.conn())
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    pub async fn set_fiscal_year(&mut self, record: &FiscalYearRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO fiscal_years (municipality_code, fiscal_year, status, deadline) VALUES ($1, $2, $3, $4)
             ON CONFLICT (municipality_code, fiscal_year) DO UPDATE SET status = excluded.status, deadline = excluded.deadline",
        )
        .bind(&record.municipality)
        .bind(fy_i64(record.fiscal_year))
        .bind(if record.locked { "locked" } else { "open" })
        .bind(&record.deadline)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}

impl Store {
    pub async fn sheet(&self, item_id: i64, fy: FiscalYear) -> Result<Option<SheetRecord>, StoreError> {
        let sql = format!("SELECT {SHEET_COLUMNS} FROM sheets WHERE item_id = $1 AND fiscal_year = $2");
        sqlx::query(&sql)
            .bind(item_id)
            .bind(fy_i64(fy))
            .fetch_optional(self.pool())
            .await?
            .as_ref()
            .map(sheet)
            .transpose()
    }

    /// Every sheet of a city for a year, with its item.
    pub async fn sheets(&self, municipality: &str, fy: FiscalYear) -> Result<Vec<SheetRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT s.id, s.item_id, s.fiscal_year, s.status, s.version, s.updated_at, s.updated_by
             FROM sheets s JOIN items i ON i.id = s.item_id
             WHERE i.municipality_code = $1 AND s.fiscal_year = $2 ORDER BY i.code, i.id",
        )
        .bind(municipality)
        .bind(fy_i64(fy))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(sheet).collect()
    }

    /// The fiscal year's record; an unknown year is open with no deadline.
    pub async fn fiscal_year(&self, municipality: &str, fy: FiscalYear) -> Result<FiscalYearRecord, StoreError> {
        let row =
            sqlx::query("SELECT status, deadline FROM fiscal_years WHERE municipality_code = $1 AND fiscal_year = $2")
                .bind(municipality)
                .bind(fy_i64(fy))
                .fetch_optional(self.pool())
                .await?;
        Ok(match row {
            Some(r) => FiscalYearRecord {
                municipality: municipality.to_string(),
                fiscal_year: fy,
                locked: r.try_get::<String, _>("status")? == "locked",
                deadline: r.try_get("deadline")?,
            },
            None => FiscalYearRecord {
                municipality: municipality.to_string(),
                fiscal_year: fy,
                locked: false,
                deadline: None,
            },
        })
    }

    pub async fn fiscal_years(&self, municipality: &str) -> Result<Vec<FiscalYearRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT fiscal_year, status, deadline FROM fiscal_years WHERE municipality_code = $1 ORDER BY fiscal_year DESC",
        )
        .bind(municipality)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(FiscalYearRecord {
                    municipality: municipality.to_string(),
                    fiscal_year: fy_from_i64(r.try_get("fiscal_year")?)?,
                    locked: r.try_get::<String, _>("status")? == "locked",
                    deadline: r.try_get("deadline")?,
                })
            })
            .collect()
    }

    /// The history of one item's sheets, newest first.
    pub async fn history(&self, item_id: i64) -> Result<Vec<HistoryEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT h.id, h.item_id, h.fiscal_year, h.account_id, a.display_name, h.at, h.field, h.before, h.after
             FROM history h LEFT JOIN accounts a ON a.id = h.account_id
             WHERE h.item_id = $1 ORDER BY h.id DESC",
        )
        .bind(item_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(HistoryEntry {
                    id: r.try_get("id")?,
                    item_id: opt_i64(r, "item_id")?,
                    fiscal_year: opt_i64(r, "fiscal_year")?.map(fy_from_i64).transpose()?,
                    account_id: opt_i64(r, "account_id")?,
                    account_name: r.try_get("display_name")?,
                    at: r.try_get("at")?,
                    field: r.try_get("field")?,
                    before: r.try_get("before")?,
                    after: r.try_get("after")?,
                })
            })
            .collect()
    }
}
