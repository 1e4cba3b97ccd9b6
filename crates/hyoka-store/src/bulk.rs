//! Many rows in few statements. An import writes tens of thousands of
//! indicator cells and printings; one `INSERT` per row costs a round trip
//! (and on PostgreSQL a network one) each, which made importing a city
//! 7× (SQLite) to 100× (PostgreSQL) slower than the databases' own loaders
//! (docs/performance.md). Multi-row `VALUES` lists work alike on both
//! backends, unlike `COPY`.

use std::fmt::Write;

use crate::tx::StoreTx;
use crate::{Backend, StoreError};

/// One value of a row to insert.
pub(crate) enum Bind<'a> {
    Int(Option<i64>),
    Text(Option<&'a str>),
}

/// Binds per statement on PostgreSQL: under its limit (65,535).
const MAX_BINDS: usize = 30_000;
/// Binds per statement on SQLite. Far under its limit (32,766): sqlx's
/// SQLite driver spends time in the square of a statement's binds (500
/// rows of 16 columns took 245 ms, 50 rows of 8 under 1 ms per row less),
/// so many short statements beat a few long ones.
const MAX_BINDS_SQLITE: usize = 400;
/// Rows per statement, so one statement's text stays small.
const MAX_ROWS: usize = 500;

/// Rows per statement for `columns` values each.
fn rows_per_statement(backend: Backend, columns: usize) -> usize {
    let binds = match backend {
        Backend::Sqlite => MAX_BINDS_SQLITE,
        Backend::Postgres => MAX_BINDS,
    };
    (binds / columns.max(1)).clamp(1, MAX_ROWS)
}

impl StoreTx {
    /// Inserts `rows` into `table` (one of our own table names, never user
    /// input), `columns` values each, in as few statements as the limits
    /// allow.
    pub(crate) async fn insert_rows(
        &mut self,
        table: &'static str,
        columns: &[&'static str],
        rows: &[Vec<Bind<'_>>],
    ) -> Result<(), StoreError> {
        let per_statement = rows_per_statement(self.backend(), columns.len());
        for chunk in rows.chunks(per_statement) {
            let sql = values_sql(table, columns, chunk.len());
            let mut query = sqlx::query(&sql);
            for row in chunk {
                debug_assert_eq!(row.len(), columns.len(), "a row of {table} has one value per column");
                for value in row {
                    query = match value {
                        Bind::Int(v) => query.bind(*v),
                        Bind::Text(v) => query.bind(*v),
                    };
                }
            }
            query.execute(self.conn()).await?;
        }
        Ok(())
    }

    /// Like [`insert_rows`](Self::insert_rows), with `tail` (an
    /// `ON CONFLICT … RETURNING …` clause) after each statement's values;
    /// returns every row the statements return. The caller makes the rows'
    /// conflict keys distinct: PostgreSQL refuses to update one row twice in
    /// a statement.
    pub(crate) async fn upsert_rows(
        &mut self,
        table: &'static str,
        columns: &[&'static str],
        rows: &[Vec<Bind<'_>>],
        tail: &'static str,
    ) -> Result<Vec<sqlx::any::AnyRow>, StoreError> {
        let per_statement = rows_per_statement(self.backend(), columns.len());
        let mut out = Vec::with_capacity(rows.len());
        for chunk in rows.chunks(per_statement) {
            let mut sql = values_sql(table, columns, chunk.len());
            sql.push(' ');
            sql.push_str(tail);
            let mut query = sqlx::query(&sql);
            for row in chunk {
                for value in row {
                    query = match value {
                        Bind::Int(v) => query.bind(*v),
                        Bind::Text(v) => query.bind(*v),
                    };
                }
            }
            out.extend(query.fetch_all(self.conn()).await?);
        }
        Ok(out)
    }
}

/// `INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)`.
fn values_sql(table: &str, columns: &[&str], rows: usize) -> String {
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    let mut n = 0;
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..columns.len() {
            n += 1;
            let _ = write!(sql, "{}${n}", if c == 0 { "" } else { ", " });
        }
        sql.push(')');
    }
    sql
}

#[cfg(test)]
mod tests {
    use super::values_sql;

    #[test]
    fn placeholders_number_on_across_rows() {
        assert_eq!(values_sql("t", &["a", "b"], 2), "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)");
        assert_eq!(values_sql("t", &["a"], 1), "INSERT INTO t (a) VALUES ($1)");
    }
}
