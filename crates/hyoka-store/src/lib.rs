//! Persistence for hyoka: one code path for SQLite (the embedded default)
//! and PostgreSQL (shared deployments), chosen by the database URL.
//!
//! Handlers and commands see domain-level operations on [`Store`], never
//! backend types. Queries use `$1` placeholders, which both backends accept,
//! and only the column types sqlx's Any driver carries on both (BIGINT,
//! TEXT); the few places where SQL must differ go through [`Backend`].

mod accounts;
mod acknowledgements;
mod admin_ops;
mod audit;
mod backend;
mod backup;
mod bulk;
mod check_sets;
mod compare;
mod cycle;
mod error;
mod figures;
mod fold;
mod import_mappings;
mod import_sets;
mod indicators;
mod migrate;
mod org;
mod plans;
mod public_sets;
mod publication;
mod records;
mod roadmaps;
mod scope;
mod search;
mod search_index;
mod setup;
mod sheet_edit;
mod sheets;
pub mod testing;
mod throttle;
mod tx;
mod vocabulary;

pub use accounts::{AccountRecord, NewAccount, SessionRecord};
pub use acknowledgements::AcknowledgementRecord;
pub use admin_ops::{CarryForward, CityOverview, ReturnNote, SheetPlan, YearSheet, RETURN_REASON_FIELD};
pub use audit::{AuditEvent, AuditRecord, HistoryRow};
pub use backend::{Backend, DatabaseUrl};
pub use backup::{tables_not_copied, BackupSummary, BACKUP_FORMAT, BACKUP_FORMAT_VERSION};
pub use check_sets::{CheckIndicatorSet, CheckItemSet, CheckYearSet, ItemSection};
pub use compare::{CompareCity, ComparePage};
pub use cycle::{Change, FiscalYearRecord, HistoryEntry, SheetRecord};
pub use error::StoreError;
pub use fold::search_form;
pub use import_mappings::ImportMapping;
pub use import_sets::{IndicatorSet, ItemSet};
#[cfg(any(test, feature = "testing"))]
pub use migrate::now;
pub use migrate::{MigrationReport, MIGRATIONS};
pub use public_sets::{PlacementRecord, PublicIndicatorSet, PublicItemSet, PublicPage};
pub use publication::{PrintedHistory, PublicCity, PublicIndicator, PublicItem, PublishOutcome, PublishedYear};
pub use publication::{PublicSearchHit, PublicSearchResults};
pub use records::*;
pub use scope::EntryScope;
pub use search::{excerpt, highlight, search_terms, Fragment, SearchHit, SearchResults};
pub use setup::{DepartmentRecord, ItemFields, NodeUse, SectionRecord, SectionUse, SectionYear};
pub use sheet_edit::{SheetKindRecord, SheetListRow, SECTION_CHOICES_MAX};
pub use throttle::FailureCount;
pub use tx::StoreTx;

use std::time::Duration;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};

/// The database, with its backend.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

/// How to connect. A field left `None` takes the URL's parameter, then the
/// backend's default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConnectOptions {
    /// The most connections the pool holds (the URL's `?pool_max=N`;
    /// default [`Backend::default_pool_max`]).
    pub pool_max: Option<u32>,
}

/// How long an SQLite connection waits for another's write lock before
/// giving up with "database is locked".
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Set on every SQLite connection when it opens: these settings belong to
/// the connection, not to the file. NORMAL is durable in WAL mode except
/// for the last transactions before a power cut, and saves an fsync per
/// commit; foreign keys are off in SQLite unless asked for.
fn sqlite_connection_pragmas() -> [String; 3] {
    [
        format!("PRAGMA busy_timeout = {}", SQLITE_BUSY_TIMEOUT.as_millis()),
        "PRAGMA synchronous = NORMAL".into(),
        "PRAGMA foreign_keys = ON".into(),
    ]
}

impl Store {
    /// Connects to `url` (`sqlite://FILE`, `sqlite::memory:`,
    /// `postgres://…`). An SQLite file is created when missing; an unknown
    /// scheme is an error, never a silently created file.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        Store::connect_with(url, &ConnectOptions::default()).await
    }

    /// Connects with explicit options (pool size).
    ///
    /// SQLite is set up for a server: the file in WAL mode (readers never
    /// wait for the writer), and on each connection a busy timeout, NORMAL
    /// synchronisation and foreign keys.
    pub async fn connect_with(url: &str, options: &ConnectOptions) -> Result<Store, StoreError> {
        let url = DatabaseUrl::parse(url)?;
        sqlx::any::install_default_drivers();
        let backend = url.backend();
        let connect_error = |e| StoreError::Connect { url: url.redacted(), source: e };
        // An in-memory SQLite database exists once per connection.
        let max = if url.is_sqlite_memory() {
            1
        } else {
            options.pool_max.or(url.pool_max()).unwrap_or_else(|| backend.default_pool_max())
        };
        if backend == Backend::Sqlite && !url.is_sqlite_memory() {
            // WAL is a property of the file. Switching to it takes an
            // exclusive lock that the busy timeout does not wait for, so it
            // is done once, on one connection, before the pool opens many.
            let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(url.connect_string())
                .await
                .map_err(connect_error)?;
            let [busy, ..] = sqlite_connection_pragmas();
            sqlx::query(&busy).execute(&mut conn).await.map_err(connect_error)?;
            sqlx::query("PRAGMA journal_mode = WAL").execute(&mut conn).await.map_err(connect_error)?;
            sqlx::Connection::close(conn).await.map_err(connect_error)?;
        }
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        for pragma in sqlite_connection_pragmas() {
                            sqlx::query(&pragma).execute(&mut *conn).await?;
                        }
                    }
                    Ok(())
                })
            })
            .connect(url.connect_string())
            .await
            .map_err(connect_error)?;
        Ok(Store { pool, backend })
    }

    /// The most connections the pool holds.
    pub fn pool_max(&self) -> u32 {
        self.pool.options().get_max_connections()
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
