//! Writes happen in a transaction: a failed import writes nothing.

use sqlx::{Any, AnyConnection, Transaction};

use crate::{Backend, Store, StoreError};

/// A unit of work. Dropping it without [`StoreTx::commit`] rolls back.
pub struct StoreTx {
    tx: Transaction<'static, Any>,
    backend: Backend,
}

impl Store {
    /// Starts a unit of work. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a deferred transaction that reads first and
    /// writes later fails outright ("database is locked", without waiting)
    /// when another connection wrote in between, whereas waiting for the
    /// lock up front is covered by the busy timeout. Readers are not held
    /// up in WAL mode.
    pub async fn begin(&self) -> Result<StoreTx, StoreError> {
        let tx = match self.backend() {
            Backend::Sqlite => self.pool().begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool().begin().await?,
        };
        Ok(StoreTx { tx, backend: self.backend() })
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

    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}
