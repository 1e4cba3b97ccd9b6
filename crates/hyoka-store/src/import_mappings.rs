//! The mapping a city saved for its own workbook (docs/mapping.md), reused
//! by the import page next year.

use sqlx::Row;

use crate::tx::StoreTx;
use crate::{Store, StoreError};

/// A city's saved mapping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportMapping {
    pub municipality: String,
    /// The name the file was uploaded as.
    pub file_name: String,
    /// The TOML as uploaded.
    pub mapping: String,
    /// ISO 8601 instant (UTC).
    pub saved_at: String,
}

impl Store {
    pub async fn import_mapping(&self, municipality: &str) -> Result<Option<ImportMapping>, StoreError> {
        let row = sqlx::query(
            "SELECT municipality_code, file_name, mapping, saved_at FROM import_mappings WHERE municipality_code = $1",
        )
        .bind(municipality)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(ImportMapping {
                municipality: r.try_get("municipality_code")?,
                file_name: r.try_get("file_name")?,
                mapping: r.try_get("mapping")?,
                saved_at: r.try_get("saved_at")?,
            })
        })
        .transpose()
    }
}

impl StoreTx {
    /// Saves the city's mapping in place of any earlier one, stamped with
    /// the transaction's instant.
    pub async fn save_import_mapping(
        &mut self,
        municipality: &str,
        file_name: &str,
        mapping: &str,
    ) -> Result<(), StoreError> {
        let at = self.at_iso();
        sqlx::query(
            "INSERT INTO import_mappings (municipality_code, file_name, mapping, saved_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (municipality_code) DO UPDATE SET
               file_name = excluded.file_name, mapping = excluded.mapping, saved_at = excluded.saved_at",
        )
        .bind(municipality)
        .bind(file_name)
        .bind(mapping)
        .bind(&at)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}
