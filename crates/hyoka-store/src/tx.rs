//! Writes happen in a transaction: a failed import writes nothing.

use sqlx::{Any, AnyConnection, Transaction};

use crate::{Backend, Store, StoreError};

/// A unit of work. Dropping it without [`StoreTx::commit`] rolls back.
pub struct StoreTx {
    tx: Transaction<'static, Any>,
    backend: Backend,
}

impl Store {
    pub async fn begin(&self) -> Result<StoreTx, StoreError> {
        Ok(StoreTx { tx: self.pool().begin().await?, backend: self.backend() })
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
