//! Many rows in few statements. An import writes tens of thousands of
//! indicator cells and printings; one `INSERT` per row costs a round trip
//! (and on PostgreSQL a network one) each, which made importing a city
//! 7× (SQLite) to 100× (PostgreSQL) slower than the databases' own loaders
//! (docs/performance.md). Multi-row `VALUES` lists work alike on both
//! backends, unlike `COPY`.

use std::fmt::Write;

use crate::tx::StoreTx;
use crate::StoreError;

/// One value of a row to insert.
pub(crate) enum Bind<'a> {
    Int(Option<i64>),
    Text(Option<&'a str>),
}

/// Binds per statement: under SQLite's limit (32,766 since 3.32) and
/// PostgreSQL's (65,535).
const MAX_BINDS: usize = 30_000;
/// Rows per statement, so one statement's text stays small.
const MAX_ROWS: usize = 500;

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
        let per_statement = (MAX_BINDS / columns.len().max(1)).clamp(1, MAX_ROWS);
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
