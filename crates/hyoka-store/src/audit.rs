//! The audit log. The application layer writes one [`AuditEvent`] per
//! command, with the field-level changes of that command as history rows
//! pointing at it, in the command's own transaction; nothing else in the
//! store writes history.

use hyoka_core::FiscalYear;
use sqlx::Row;

use crate::cycle::Change;
use crate::org::{fy_from_i64, fy_i64};
use crate::tx::StoreTx;
use crate::{opt_i64, Store, StoreError};

/// One command as the audit log keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEvent {
    /// `None` for system-wide commands (a system administrator's account).
    pub municipality: Option<String>,
    /// The signed-in person; `None` for the command line and imports.
    pub account_id: Option<i64>,
    /// Who, as people read it: a display name or 「コマンドライン（root）」.
    pub actor: String,
    /// Stable code: `sheet.save`, `year.lock`, `account.create`, …
    pub command: String,
    pub item_id: Option<i64>,
    pub fiscal_year: Option<FiscalYear>,
    /// One line in Japanese.
    pub summary: String,
}

/// One changed field of a command, on the item and year it concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryRow {
    pub item_id: Option<i64>,
    pub fiscal_year: Option<FiscalYear>,
    pub change: Change,
}

/// An event as read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditRecord {
    pub id: i64,
    pub at: String,
    pub event: AuditEvent,
    /// How many history rows the event wrote.
    pub changes: i64,
}

impl StoreTx {
    /// Writes the event and its history rows, stamped with the
    /// transaction's instant. Returns the event's id. History rows need a
    /// city (the table is per city); an event without one keeps only its
    /// summary.
    pub async fn write_event(&mut self, event: &AuditEvent, rows: &[HistoryRow]) -> Result<i64, StoreError> {
        let at = self.at_iso();
        let id: i64 = sqlx::query(
            "INSERT INTO audit_events (municipality_code, account_id, actor, at, command, item_id, fiscal_year, summary)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(&event.municipality)
        .bind(event.account_id)
        .bind(&event.actor)
        .bind(&at)
        .bind(&event.command)
        .bind(event.item_id)
        .bind(event.fiscal_year.map(fy_i64))
        .bind(&event.summary)
        .fetch_one(self.conn())
        .await?
        .try_get("id")?;
        let Some(city) = &event.municipality else { return Ok(id) };
        for r in rows {
            sqlx::query(
                "INSERT INTO history (municipality_code, item_id, fiscal_year, account_id, at, field, before, after, event_id)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(city)
            .bind(r.item_id)
            .bind(r.fiscal_year.map(fy_i64))
            .bind(event.account_id)
            .bind(&at)
            .bind(&r.change.field)
            .bind(&r.change.before)
            .bind(&r.change.after)
            .bind(id)
            .execute(self.conn())
            .await?;
        }
        Ok(id)
    }
}

impl Store {
    /// Audit events, newest first: a city's, or with `None` every city's
    /// and the system's.
    pub async fn audit_events(&self, municipality: Option<&str>, limit: i64) -> Result<Vec<AuditRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT e.id, e.municipality_code, e.account_id, e.actor, e.at, e.command, e.item_id, e.fiscal_year,
                    e.summary, (SELECT COUNT(*) FROM history h WHERE h.event_id = e.id) AS changes
             FROM audit_events e
             WHERE $1 IS NULL OR e.municipality_code = $1
             ORDER BY e.id DESC LIMIT $2",
        )
        .bind(municipality)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditRecord {
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    changes: r.try_get("changes")?,
                    event: AuditEvent {
                        municipality: r.try_get("municipality_code")?,
                        account_id: opt_i64(r, "account_id")?,
                        actor: r.try_get("actor")?,
                        command: r.try_get("command")?,
                        item_id: opt_i64(r, "item_id")?,
                        fiscal_year: opt_i64(r, "fiscal_year")?.map(fy_from_i64).transpose()?,
                        summary: r.try_get("summary")?,
                    },
                })
            })
            .collect()
    }

    /// How many audit events exist: tests count one per command.
    pub async fn audit_event_count(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query("SELECT COUNT(*) AS n FROM audit_events").fetch_one(self.pool()).await?.try_get("n")?)
    }
}
