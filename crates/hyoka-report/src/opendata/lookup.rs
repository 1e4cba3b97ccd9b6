//! Looking up open-data tables for the public portal and the JSON API: a
//! city-year's data set, a table by its name, its rows and a page of them.
//!
//! The web answers with what these return and decides nothing about the
//! tables itself, so the downloads, the API and `hyoka export opendata`
//! cannot drift apart. Everything goes through [`public_dataset`]: only
//! published years are ever seen.

use hyoka_core::FiscalYear;
use hyoka_store::Store;

use super::format::json_rows;
use super::scope::{public_dataset, Period, Selection};
use super::table::{Table, TableRow, Value, TABLES};
use super::OpenDataSet;
use crate::ReportError;

/// The open data of one published fiscal year of a city: every table, the
/// whole city. `None` when the city has not published that year.
pub async fn year_dataset(
    store: &Store,
    municipality: &str,
    fiscal_year: FiscalYear,
) -> Result<Option<OpenDataSet>, ReportError> {
    public_dataset(store, municipality, Period::Year(fiscal_year), Selection::All).await
}

/// A table by its name (`indicators`, `evaluations`, `budgets`, `nodes`);
/// `None` for any other name.
pub fn table_named(name: &str) -> Option<&'static Table> {
    TABLES.iter().copied().find(|t| t.name == name)
}

/// One page of a table's rows, with where it sits in the whole.
#[derive(Clone, Debug)]
pub struct RowPage {
    pub table: &'static Table,
    /// Rows in the whole table.
    pub total: u64,
    pub limit: u64,
    pub offset: u64,
    /// At most `limit` rows from `offset` on (none past the end).
    pub rows: Vec<Vec<Value>>,
}

impl RowPage {
    /// A page of `rows` (the whole table): `limit` rows from `offset`.
    pub fn of(table: &'static Table, rows: &[Vec<Value>], limit: u64, offset: u64) -> RowPage {
        let (from, to) = bounds(rows.len(), limit, offset);
        RowPage { table, total: rows.len() as u64, limit, offset, rows: rows[from..to].to_vec() }
    }

    /// The rows as a JSON array, exactly as the open-data JSON file writes
    /// them (numbers keep their decimal text).
    pub fn json_rows(&self) -> String {
        json_rows(self.table, &self.rows)
    }

    /// The offset of the previous page; `None` on the first.
    pub fn prev_offset(&self) -> Option<u64> {
        (self.offset > 0).then(|| self.offset.saturating_sub(self.limit))
    }

    /// The offset of the next page; `None` on the last.
    pub fn next_offset(&self) -> Option<u64> {
        let next = self.offset.saturating_add(self.limit);
        (next < self.total).then_some(next)
    }

    /// The offset of the last page (0 for an empty table).
    pub fn last_offset(&self) -> u64 {
        if self.total == 0 || self.limit == 0 {
            0
        } else {
            (self.total - 1) / self.limit * self.limit
        }
    }
}

/// The range of a page within `len` rows.
fn bounds(len: usize, limit: u64, offset: u64) -> (usize, usize) {
    let len = len as u64;
    let from = offset.min(len);
    let to = offset.saturating_add(limit).min(len);
    (from as usize, to as usize)
}

impl OpenDataSet {
    /// The rows of one of the four tables as values, in file order; none
    /// for a table that is not one of [`TABLES`].
    pub fn rows(&self, table: &Table) -> Vec<Vec<Value>> {
        self.rows_between(table, u64::MAX, 0)
    }

    /// A page of one table: only the rows of the page are turned into
    /// values.
    pub fn page(&self, table: &'static Table, limit: u64, offset: u64) -> RowPage {
        RowPage {
            table,
            total: self.row_count(table) as u64,
            limit,
            offset,
            rows: self.rows_between(table, limit, offset),
        }
    }

    /// The number of rows of a table.
    pub fn row_count(&self, table: &Table) -> usize {
        match table.name {
            "indicators" => self.indicators.len(),
            "evaluations" => self.evaluations.len(),
            "budgets" => self.budgets.len(),
            "nodes" => self.nodes.len(),
            _ => 0,
        }
    }

    fn rows_between(&self, table: &Table, limit: u64, offset: u64) -> Vec<Vec<Value>> {
        fn values<R: TableRow>(rows: &[R], limit: u64, offset: u64) -> Vec<Vec<Value>> {
            let (from, to) = bounds(rows.len(), limit, offset);
            rows[from..to].iter().map(TableRow::values).collect()
        }
        match table.name {
            "indicators" => values(&self.indicators, limit, offset),
            "evaluations" => values(&self.evaluations, limit, offset),
            "budgets" => values(&self.budgets, limit, offset),
            "nodes" => values(&self.nodes, limit, offset),
            _ => Vec::new(),
        }
    }
}

/// A page of one table of a city's published year: what
/// `/api/v1/municipalities/{code}/years/{fy}/{table}` answers. `None` when
/// the year is not published.
pub async fn year_table_page(
    store: &Store,
    municipality: &str,
    fiscal_year: FiscalYear,
    table: &'static Table,
    limit: u64,
    offset: u64,
) -> Result<Option<RowPage>, ReportError> {
    Ok(year_dataset(store, municipality, fiscal_year).await?.map(|set| set.page(table, limit, offset)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opendata::table::NODES;

    fn node_rows(n: usize) -> Vec<Vec<Value>> {
        (0..n)
            .map(|i| {
                let mut row = vec![Value::Null; NODES.columns.len()];
                row[3] = Value::text(format!("c{i}"));
                row
            })
            .collect()
    }

    #[test]
    fn tables_are_found_by_name_only() {
        for t in TABLES {
            assert_eq!(table_named(t.name).map(|f| f.name), Some(t.name));
        }
        assert!(table_named("metadata").is_none());
        assert!(table_named("Indicators").is_none());
    }

    #[test]
    fn pages_slice_and_link() {
        let rows = node_rows(25);
        let page = RowPage::of(&NODES, &rows, 10, 20);
        assert_eq!(page.total, 25);
        assert_eq!(page.rows.len(), 5);
        assert_eq!(page.rows[0][3], Value::text("c20"));
        assert_eq!((page.prev_offset(), page.next_offset(), page.last_offset()), (Some(10), None, 20));
        let first = RowPage::of(&NODES, &rows, 10, 0);
        assert_eq!((first.prev_offset(), first.next_offset()), (None, Some(10)));
        let past = RowPage::of(&NODES, &rows, 10, 1_000);
        assert!(past.rows.is_empty());
        assert_eq!(past.total, 25);
        let empty = RowPage::of(&NODES, &[], 10, 0);
        assert_eq!((empty.json_rows().as_str(), empty.last_offset()), ("[]", 0));
        // The rows are those of the file, in the same text.
        let file = crate::opendata::format::render_json(&NODES, &rows[20..]);
        assert!(file.contains(&format!("\"rows\": {}\n}}", page.json_rows())), "{file}");
    }
}
