//! The multi-year 工程表 of a sheet (`roadmap_steps`, `roadmap_cells`):
//! steps per sheet year, and per step the planned and actual text of each
//! year column, as printed. Written and read a whole list at a time: a few
//! statements whatever the number of rows.

use std::collections::BTreeMap;

use hyoka_core::roadmap::{RoadmapCell, RoadmapRow};
use hyoka_core::FiscalYear;
use sqlx::Row;

use crate::bulk::Bind;
use crate::org::{fy_from_i64, fy_i64};
use crate::tx::StoreTx;
use crate::{Store, StoreError};

impl StoreTx {
    /// Replaces every year's roadmap of an item (an import: the file is the
    /// truth for the item).
    pub async fn replace_roadmap(&mut self, item_id: i64, rows: &[RoadmapRow]) -> Result<(), StoreError> {
        for table in ["roadmap_cells", "roadmap_steps"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE item_id = $1")).bind(item_id).execute(self.conn()).await?;
        }
        self.insert_roadmap(item_id, rows).await
    }

    /// Replaces one sheet year's roadmap of an item (a saved sheet); the
    /// rows' own years are ignored in favour of `fy`.
    pub async fn replace_roadmap_year(
        &mut self,
        item_id: i64,
        fy: FiscalYear,
        rows: &[RoadmapRow],
    ) -> Result<(), StoreError> {
        for table in ["roadmap_cells", "roadmap_steps"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE item_id = $1 AND fiscal_year = $2"))
                .bind(item_id)
                .bind(fy_i64(fy))
                .execute(self.conn())
                .await?;
        }
        let rows: Vec<RoadmapRow> = rows.iter().map(|r| RoadmapRow { fiscal_year: fy, ..r.clone() }).collect();
        self.insert_roadmap(item_id, &rows).await
    }

    /// Positions count from 0 within each sheet year, in list order.
    async fn insert_roadmap(&mut self, item_id: i64, rows: &[RoadmapRow]) -> Result<(), StoreError> {
        let mut next: BTreeMap<FiscalYear, i64> = BTreeMap::new();
        let positions: Vec<i64> = rows
            .iter()
            .map(|r| {
                let p = next.entry(r.fiscal_year).or_insert(0);
                *p += 1;
                *p - 1
            })
            .collect();
        let steps: Vec<Vec<Bind>> = rows
            .iter()
            .zip(&positions)
            .map(|(r, &p)| {
                vec![
                    Bind::Int(Some(item_id)),
                    Bind::Int(Some(fy_i64(r.fiscal_year))),
                    Bind::Int(Some(p)),
                    Bind::Text(Some(&r.step)),
                ]
            })
            .collect();
        self.insert_rows("roadmap_steps", &["item_id", "fiscal_year", "position", "step"], &steps).await?;
        let cells: Vec<Vec<Bind>> = rows
            .iter()
            .zip(&positions)
            .flat_map(|(r, &p)| {
                r.cells.iter().map(move |c| {
                    vec![
                        Bind::Int(Some(item_id)),
                        Bind::Int(Some(fy_i64(r.fiscal_year))),
                        Bind::Int(Some(p)),
                        Bind::Int(Some(fy_i64(c.year))),
                        Bind::Text(Some(&c.planned)),
                        Bind::Text(Some(&c.actual)),
                    ]
                })
            })
            .collect();
        let columns = ["item_id", "fiscal_year", "position", "column_year", "planned", "actual"];
        self.insert_rows("roadmap_cells", &columns, &cells).await
    }

    /// Opening year `y` from `p`: the steps and planned cells of `p` are a
    /// plan and carry; actuals are results and start empty. A year that has
    /// its rows already is left alone.
    pub(crate) async fn carry_roadmap(&mut self, item_id: i64, y: i64, p: i64) -> Result<(), StoreError> {
        let exists = sqlx::query("SELECT 1 AS one FROM roadmap_steps WHERE item_id = $1 AND fiscal_year = $2")
            .bind(item_id)
            .bind(y)
            .fetch_optional(self.conn())
            .await?
            .is_some();
        if exists {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO roadmap_steps (item_id, fiscal_year, position, step)
             SELECT item_id, $2, position, step FROM roadmap_steps WHERE item_id = $1 AND fiscal_year = $3",
        )
        .bind(item_id)
        .bind(y)
        .bind(p)
        .execute(self.conn())
        .await?;
        sqlx::query(
            "INSERT INTO roadmap_cells (item_id, fiscal_year, position, column_year, planned, actual)
             SELECT item_id, $2, position, column_year, planned, '' FROM roadmap_cells
             WHERE item_id = $1 AND fiscal_year = $3 AND planned <> ''",
        )
        .bind(item_id)
        .bind(y)
        .bind(p)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}

impl Store {
    /// Every year's roadmap of an item, by sheet year and row.
    pub async fn roadmap(&self, item_id: i64) -> Result<Vec<RoadmapRow>, StoreError> {
        Ok(self.roadmaps(&[item_id]).await?.remove(&item_id).unwrap_or_default())
    }

    /// The roadmaps of many items in two statements, by item; each item's
    /// rows by sheet year and row.
    pub async fn roadmaps(&self, item_ids: &[i64]) -> Result<BTreeMap<i64, Vec<RoadmapRow>>, StoreError> {
        let mut out: BTreeMap<i64, Vec<RoadmapRow>> = BTreeMap::new();
        if item_ids.is_empty() {
            return Ok(out);
        }
        let list = item_ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
        let steps = sqlx::query(&format!(
            "SELECT item_id, fiscal_year, position, step FROM roadmap_steps WHERE item_id IN ({list})
             ORDER BY item_id, fiscal_year, position"
        ))
        .fetch_all(self.pool())
        .await?;
        let mut index: BTreeMap<(i64, i64, i64), (i64, usize)> = BTreeMap::new();
        for r in &steps {
            let (item, fy, position): (i64, i64, i64) =
                (r.try_get("item_id")?, r.try_get("fiscal_year")?, r.try_get("position")?);
            let rows = out.entry(item).or_default();
            index.insert((item, fy, position), (item, rows.len()));
            rows.push(RoadmapRow { fiscal_year: fy_from_i64(fy)?, step: r.try_get("step")?, cells: Vec::new() });
        }
        let cells = sqlx::query(&format!(
            "SELECT item_id, fiscal_year, position, column_year, planned, actual FROM roadmap_cells
             WHERE item_id IN ({list}) ORDER BY item_id, fiscal_year, position, column_year"
        ))
        .fetch_all(self.pool())
        .await?;
        for r in &cells {
            let key: (i64, i64, i64) = (r.try_get("item_id")?, r.try_get("fiscal_year")?, r.try_get("position")?);
            let Some(&(item, i)) = index.get(&key) else { continue };
            if let Some(row) = out.get_mut(&item).and_then(|rows| rows.get_mut(i)) {
                row.cells.push(RoadmapCell {
                    year: fy_from_i64(r.try_get("column_year")?)?,
                    planned: r.try_get("planned")?,
                    actual: r.try_get("actual")?,
                });
            }
        }
        Ok(out)
    }

    /// An item's roadmap of one sheet year.
    pub async fn roadmap_of_year(&self, item_id: i64, fy: FiscalYear) -> Result<Vec<RoadmapRow>, StoreError> {
        let mut rows = self.roadmap(item_id).await?;
        rows.retain(|r| r.fiscal_year == fy);
        Ok(rows)
    }
}
