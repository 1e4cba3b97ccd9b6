//! Persistence for hyoka: one code path for SQLite (the embedded default)
//! and PostgreSQL (shared deployments), chosen by the database URL.
//!
//! Handlers and commands see domain-level operations on [`Store`], never
//! backend types. Queries use `$1` placeholders, which both backends accept,
//! and only the column types sqlx's Any driver carries on both (BIGINT,
//! TEXT); the few places where SQL must differ go through [`Backend`].

mod accounts;
mod admin_ops;
mod audit;
mod backend;
mod cycle;
mod error;
mod figures;
mod indicators;
mod migrate;
mod org;
mod plans;
mod publication;
mod records;
mod search;
mod setup;
mod sheet_edit;
mod sheets;
pub mod testing;
mod throttle;
mod tx;

pub use accounts::{AccountRecord, NewAccount, SessionRecord};
pub use admin_ops::{CarryForward, CityOverview, ReturnNote, YearSheet, RETURN_REASON_FIELD};
pub use audit::{AuditEvent, AuditRecord, HistoryRow};
pub use backend::{Backend, DatabaseUrl};
pub use cycle::{Change, FiscalYearRecord, HistoryEntry, SheetRecord};
pub use error::StoreError;
pub use migrate::{now, now_iso, MigrationReport, MIGRATIONS};
pub use publication::{PublicCity, PublicIndicator, PublicItem, PublishOutcome, PublishedYear};
pub use publication::{PublicSearchHit, PublicSearchResults};
pub use records::*;
pub use search::{excerpt, highlight, search_form, search_terms, Fragment, SearchHit, SearchResults};
pub use setup::{DepartmentRecord, ItemFields, NodeUse, SectionRecord, SectionUse, SectionYear};
pub use sheet_edit::SheetListRow;
pub use throttle::FailureCount;
pub use tx::StoreTx;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};

/// The database, with its backend.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

impl Store {
    /// Connects to `url` (`sqlite://FILE`, `sqlite::memory:`,
    /// `postgres://…`). An SQLite file is created when missing; an unknown
    /// scheme is an error, never a silently created file.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        let url = DatabaseUrl::parse(url)?;
        sqlx::any::install_default_drivers();
        // An in-memory SQLite database exists once per connection.
        let max = if url.is_sqlite_memory() { 1 } else { 5 };
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .connect(url.connect_string())
            .await
            .map_err(|e| StoreError::Connect { url: url.redacted(), source: e })?;
        Ok(Store { pool, backend: url.backend() })
    }

    /// Connects and brings the schema up to date.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }
}

/// Reads an optional BIGINT column.
pub(crate) fn opt_i64(row: &AnyRow, col: &str) -> Result<Option<i64>, sqlx::Error> {
    row.try_get::<Option<i64>, _>(col)
}
