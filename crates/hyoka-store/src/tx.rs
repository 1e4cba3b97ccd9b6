//! Writes happen in a transaction: a failed import writes nothing.

use hyoka_core::time::Timestamp;
use sqlx::{Any, AnyConnection, Transaction};

use crate::{Backend, Store, StoreError};

/// A unit of work, stamped with one instant: every row it writes that
/// records a time (a sheet's `updated_at`, a history entry, a publication)
/// carries the same moment. Dropping it without [`StoreTx::commit`] rolls
/// back.
pub struct StoreTx {
    tx: Transaction<'static, Any>,
    backend: Backend,
    at: Timestamp,
}

impl Store {
    /// A transaction stamped with `at`, the caller's clock reading. The
    /// application layer passes its injected clock's time, so the store
    /// never decides what time it is for a person's action.
    ///
    /// On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`): a
    /// deferred transaction that reads first and writes later fails outright
    /// ("database is locked", without waiting) when another connection wrote
    /// in between, whereas waiting for the lock up front is covered by the
    /// busy timeout. Readers are not held up in WAL mode.
    pub async fn begin_at(&self, at: Timestamp) -> Result<StoreTx, StoreError> {
        let tx = match self.backend() {
            Backend::Sqlite => self.pool().begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool().begin().await?,
        };
        Ok(StoreTx { tx, backend: self.backend(), at })
    }

    /// A transaction stamped with the system clock, for tests only (the
    /// `testing` feature): everything else is stamped with the instant of
    /// the application's injected clock ([`Store::begin_at`]).
    #[cfg(any(test, feature = "testing"))]
    pub async fn begin(&self) -> Result<StoreTx, StoreError> {
        self.begin_at(crate::now()).await
    }
}

impl StoreTx {
    pub async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await?;
        Ok(())
    }

    pub async fn rollback(self) -> Result<(), StoreError> {
        self.tx.rollback().await?;
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The instant this unit of work is stamped with.
    pub fn at(&self) -> Timestamp {
        self.at
    }

    pub(crate) fn at_iso(&self) -> String {
        self.at.iso()
    }

    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}
