//! Schema migrations, embedded in the binary and run in order, each in its
//! own transaction. A small runner of our own: the SQL is shared by both
//! backends except for the `{{id}}` and `{{without_rowid}}` tokens.

use hyoka_core::time::{Clock, SystemClock};
use sqlx::Row;

use crate::{Store, StoreError};

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    sql: &'static str,
}

pub const MIGRATIONS: &[Migration] = &[
    Migration { version: 1, name: "foundation", sql: include_str!("../migrations/0001_foundation.sql") },
    Migration { version: 2, name: "sheets", sql: include_str!("../migrations/0002_sheets.sql") },
    Migration { version: 3, name: "staff", sql: include_str!("../migrations/0003_staff.sql") },
    Migration { version: 4, name: "publication", sql: include_str!("../migrations/0004_publication.sql") },
    Migration { version: 5, name: "audit", sql: include_str!("../migrations/0005_audit.sql") },
    Migration { version: 6, name: "reads_at_scale", sql: include_str!("../migrations/0006_reads_at_scale.sql") },
    Migration {
        version: 7,
        name: "check_acknowledgements",
        sql: include_str!("../migrations/0007_check_acknowledgements.sql"),
    },
    Migration { version: 8, name: "setup", sql: include_str!("../migrations/0008_setup.sql") },
    Migration { version: 9, name: "sheet_kinds", sql: include_str!("../migrations/0009_sheet_kinds.sql") },
    Migration { version: 10, name: "import_mappings", sql: include_str!("../migrations/0010_import_mappings.sql") },
    Migration {
        version: 11,
        name: "cost_and_city_vocabulary",
        sql: include_str!("../migrations/0011_cost_and_city_vocabulary.sql"),
    },
    Migration { version: 12, name: "indicator_links", sql: include_str!("../migrations/0012_indicator_links.sql") },
    Migration { version: 13, name: "city_sheet_kinds", sql: include_str!("../migrations/0013_city_sheet_kinds.sql") },
    Migration { version: 14, name: "roadmaps", sql: include_str!("../migrations/0014_roadmaps.sql") },
    Migration { version: 15, name: "indicator_names", sql: include_str!("../migrations/0015_indicator_names.sql") },
    Migration { version: 16, name: "public_search", sql: include_str!("../migrations/0016_public_search.sql") },
];

/// The migration that creates the search index (`search_grams`).
const SEARCH_GRAMS_VERSION: i64 = 6;
/// The migration that creates the public search's index (`search_years`).
const SEARCH_YEARS_VERSION: i64 = 16;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct MigrationReport {
    pub applied: Vec<(i64, &'static str)>,
    pub current: i64,
}

impl Store {
    /// Applies the migrations not yet applied. Safe to run at every start.
    pub async fn migrate(&self) -> Result<MigrationReport, StoreError> {
        self.migrate_to(MIGRATIONS.last().map_or(0, |m| m.version)).await
    }

    /// Applies the migrations not yet applied up to and including
    /// `version` (a restore brings an empty database to its backup's
    /// version first).
    pub async fn migrate_to(&self, version: i64) -> Result<MigrationReport, StoreError> {
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS hyoka_migrations (
                version BIGINT PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at TEXT NOT NULL
            )",
        )
        .execute(self.pool())
        .await?;
        let current = self.schema_version().await?;
        let known = MIGRATIONS.last().map_or(0, |m| m.version);
        if current > known {
            return Err(StoreError::SchemaTooNew { found: current, known });
        }
        let mut report = MigrationReport { applied: Vec::new(), current };
        // Every migration not recorded, not only those above the newest
        // recorded: branches merged in another order than numbered leave
        // a database with a gap, which this fills.
        let done = self.applied_versions().await?;
        for m in MIGRATIONS.iter().filter(|m| !done.contains(&m.version) && m.version <= version) {
            let fail = |source| StoreError::Migration { version: m.version, name: m.name.to_string(), source };
            let mut tx = self.pool().begin().await?;
            for statement in statements(m.sql) {
                let sql = statement
                    .replace("{{id}}", self.backend().id_column())
                    .replace("{{without_rowid}}", self.backend().without_rowid());
                sqlx::query(&sql).execute(&mut *tx).await.map_err(fail)?;
            }
            sqlx::query("INSERT INTO hyoka_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
                .bind(m.version)
                .bind(m.name)
                // When the schema changed, not a person's change: the
                // system clock, as the migration runs.
                .bind(SystemClock.now().iso())
                .execute(&mut *tx)
                .await
                .map_err(fail)?;
            tx.commit().await.map_err(fail)?;
            report.applied.push((m.version, m.name));
            report.current = report.current.max(m.version);
            if m.version == SEARCH_GRAMS_VERSION {
                // The new index of the documents already stored, which SQL
                // alone cannot cut into bigrams the way searches do.
                let mut tx = self.begin_at(SystemClock.now()).await?;
                tx.rebuild_search_grams().await?;
                tx.commit().await?;
            }
            if m.version == SEARCH_YEARS_VERSION {
                // Cut from the items' text in search form, which SQL cannot do.
                let mut tx = self.begin_at(SystemClock.now()).await?;
                tx.rebuild_search_years().await?;
                tx.commit().await?;
            }
        }
        Ok(report)
    }

    /// The migrations `migrate` would apply now.
    pub async fn migrate_pending(&self) -> Result<Vec<(i64, &'static str)>, StoreError> {
        // No bookkeeping table yet means nothing has been applied.
        let done = self.applied_versions().await.unwrap_or_default();
        Ok(MIGRATIONS.iter().filter(|m| !done.contains(&m.version)).map(|m| (m.version, m.name)).collect())
    }

    async fn applied_versions(&self) -> Result<Vec<i64>, StoreError> {
        let rows = sqlx::query("SELECT version FROM hyoka_migrations").fetch_all(self.pool()).await?;
        rows.iter().map(|r| Ok(r.try_get::<i64, _>("version")?)).collect()
    }

    pub async fn schema_version(&self) -> Result<i64, StoreError> {
        let row =
            sqlx::query("SELECT COALESCE(MAX(version), 0) AS v FROM hyoka_migrations").fetch_one(self.pool()).await?;
        Ok(row.try_get::<i64, _>("v")?)
    }
}

/// Splits a migration into statements: each ends with `;` at a line end.
/// Comments are dropped so a `;` inside one cannot split a statement.
fn statements(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in sql.lines() {
        let code = line.split("--").next().unwrap_or("").trim_end();
        if code.trim().is_empty() {
            continue;
        }
        current.push_str(code);
        current.push('\n');
        if code.ends_with(';') {
            out.push(current.trim().trim_end_matches(';').to_string());
            current.clear();
        }
    }
    if !current.trim().is_empty() {
        out.push(current.trim().to_string());
    }
    out
}

/// The current instant, for tests (`testing` feature): the store itself
/// never decides what time it is for a person's change.
#[cfg(any(test, feature = "testing"))]
pub fn now() -> hyoka_core::time::Timestamp {
    use hyoka_core::time::Clock;
    hyoka_core::time::SystemClock.now()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_statements_and_drops_comments() {
        let s = statements("-- a; comment\nCREATE TABLE a (x TEXT); \nCREATE TABLE b (\n  y TEXT -- why; not\n);\n");
        assert_eq!(s.len(), 2);
        assert!(s[1].contains("y TEXT") && !s[1].contains("why"));
    }
}
